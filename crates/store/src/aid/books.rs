//! An aid package's book list, made ready for the catalogue import.
//!
//! Perpusnas sends the same list (MARC, MARCXML, CSV or XLSX) to every
//! recipient. Before it enters a library's catalogue through
//! [`crate::catalog::transfer::import`], every copy gets the item source
//! "Bantuan Perpusnas <year>", the receipt date as its acquisition date and
//! a barcode: the one the list gives (labels stuck on by the supplier), else
//! a stable one from [`lentera_core::aid::aid_barcode`]. Stable barcodes are
//! what make the import safe to repeat: the second run finds every copy
//! already there and adds nothing, and a title the library already holds
//! still gets its aid copies.
//!
//! The rewritten list is MARC (for MARC and MARCXML lists) or Lentera's CSV
//! layout (for spreadsheets). Positions in the import's report are mapped
//! back to the original file, so a bad record is reported where the
//! librarian can find it.

use crate::catalog::transfer::{
    ImportProblem, ProblemPosition, ProblemReason, Refusal, table_layout,
};
use chrono::NaiveDate;
use lentera_core::aid::aid_barcode;
use lentera_core::catalog::Barcode;
use lentera_core::catalog::transfer::{COLUMNS, MAX_COPIES_PER_ROW, TransferFormat, detect};
use lentera_core::field::{FieldError, Problem};
use lentera_marc::{
    DataField, Field, Indicator, MarcReader, MarcWriter, MarcXmlReader, Record, Subfield,
    SubfieldCode, Tag,
};
use lentera_tabular::{ReadOptions, TableReader};
use std::io::{BufReader, Cursor};

/// Most problems kept (the counts stay exact).
const PROBLEM_CAP: usize = 1000;

/// A book list rewritten for the import.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The list's own format.
    pub original: TransferFormat,
    /// The rewritten list's format: `Marc` or `Csv`.
    pub format: TransferFormat,
    pub bytes: Vec<u8>,
    /// For each unit of the rewritten list (record, or data row), where it
    /// came from in the original.
    pub positions: Vec<ProblemPosition>,
    /// Records or rows that could not be read at all, already skipped.
    pub problems: Vec<ImportProblem>,
    pub problems_total: u64,
    /// Titles (records) and copies the list holds.
    pub titles: u64,
    pub copies: u64,
}

impl Prepared {
    fn problem(&mut self, p: ImportProblem) {
        self.problems_total += 1;
        if self.problems.len() < PROBLEM_CAP {
            self.problems.push(p);
        }
    }

    /// Where a problem of the rewritten list lies in the original.
    pub fn original_position(&self, p: &ProblemPosition) -> ProblemPosition {
        let unit = match (self.format, p) {
            (TransferFormat::Marc, ProblemPosition::Record { index, .. }) => Some(*index as usize),
            // Header on row 1: data row n is unit n - 2.
            (TransferFormat::Csv, ProblemPosition::Row { row }) => (*row as usize).checked_sub(2),
            _ => None,
        };
        unit.and_then(|u| self.positions.get(u).cloned())
            .unwrap_or_else(|| p.clone())
    }
}

/// How every aid copy is marked.
#[derive(Debug, Clone)]
pub struct Marking<'a> {
    pub year: i32,
    pub source: &'a str,
    pub acquired_on: NaiveDate,
}

/// Reads a book list and rewrites it with the aid copies marked. A file that
/// is no book list at all is refused; bad records inside it are skipped and
/// reported.
pub fn prepare(bytes: &[u8], mark: &Marking<'_>) -> Result<Prepared, Refusal> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let original = detect(head).ok_or(Refusal::Unrecognised)?;
    let mut out = Prepared {
        original,
        format: TransferFormat::Marc,
        bytes: Vec::new(),
        positions: Vec::new(),
        problems: Vec::new(),
        problems_total: 0,
        titles: 0,
        copies: 0,
    };
    match original {
        TransferFormat::Marc => {
            let reader = MarcReader::new(BufReader::new(Cursor::new(bytes)));
            marc(reader_iter(reader), mark, &mut out)?;
        }
        TransferFormat::MarcXml => {
            let reader = MarcXmlReader::new(BufReader::new(Cursor::new(bytes)));
            marc(xml_iter(reader), mark, &mut out)?;
        }
        // SLiMS exports are CSV too; those with their header row read
        // through the same aliases ("title", "authors", "item_code").
        TransferFormat::Csv | TransferFormat::Xlsx | TransferFormat::Slims => {
            out.format = TransferFormat::Csv;
            table(bytes, mark, &mut out)?;
        }
    }
    Ok(out)
}

type MarcItem = (
    Result<Record, lentera_marc::Error>,
    Option<lentera_marc::Position>,
);

fn reader_iter<R: std::io::BufRead>(mut r: MarcReader<R>) -> impl Iterator<Item = MarcItem> {
    std::iter::from_fn(move || {
        let x = r.next()?;
        Some((x, r.position()))
    })
}

fn xml_iter<R: std::io::BufRead>(mut r: MarcXmlReader<R>) -> impl Iterator<Item = MarcItem> {
    std::iter::from_fn(move || {
        let x = r.next()?;
        Some((x, r.position()))
    })
}

fn tag(s: &str) -> Tag {
    Tag::parse(s).expect("a valid tag")
}

fn code(c: char) -> SubfieldCode {
    SubfieldCode::new(c).expect("a valid subfield code")
}

fn checked_barcode(b: Option<&str>) -> Result<Option<String>, Problem> {
    match b.map(str::trim).filter(|b| !b.is_empty()) {
        None => Ok(None),
        Some(b) => Barcode::parse(b).map(|b| Some(b.as_str().to_string())),
    }
}

fn marc(
    records: impl Iterator<Item = MarcItem>,
    mark: &Marking<'_>,
    out: &mut Prepared,
) -> Result<(), Refusal> {
    let mut writer = MarcWriter::new(Vec::new());
    let acquired = mark.acquired_on.to_string();
    let mut generated: u64 = 0;
    for (result, position) in records {
        let position = position
            .map(|p| ProblemPosition::Record {
                index: p.index,
                offset: p.offset,
            })
            .unwrap_or(ProblemPosition::File);
        let mut record = match result {
            Ok(r) => r,
            Err(e) => {
                let fatal = e.is_fatal();
                let position = match e.position() {
                    Some(p) => ProblemPosition::Record {
                        index: p.index,
                        offset: p.offset,
                    },
                    None => ProblemPosition::File,
                };
                let reason = if fatal {
                    ProblemReason::Stopped {
                        detail: e.to_string(),
                    }
                } else {
                    ProblemReason::Unreadable {
                        detail: e.to_string(),
                    }
                };
                out.problem(ImportProblem { position, reason });
                if fatal {
                    break;
                }
                continue;
            }
        };
        // The list's copies: its 952 fields (852 when there are none), else
        // one copy.
        let mut copies: Vec<DataField> = record.data_fields("952").cloned().collect();
        if copies.is_empty() {
            copies = record
                .data_fields("852")
                .map(|f| {
                    let mut n = DataField::new(tag("952"), Indicator::BLANK, Indicator::BLANK);
                    let call: Vec<&str> = ['h', 'i', 'j']
                        .iter()
                        .filter_map(|c| f.subfield(*c))
                        .collect();
                    if !call.is_empty() {
                        n.push(code('o'), call.join(" "));
                    }
                    if let Some(b) = f.subfield('p') {
                        n.push(code('p'), b);
                    }
                    n
                })
                .collect();
        }
        if copies.is_empty() {
            copies.push(DataField::new(
                tag("952"),
                Indicator::BLANK,
                Indicator::BLANK,
            ));
        }
        let mut bad = Vec::new();
        let mut marked = Vec::with_capacity(copies.len());
        for mut f in copies {
            let barcode = match checked_barcode(f.subfield('p')) {
                Ok(Some(b)) => b,
                Ok(None) => {
                    generated += 1;
                    aid_barcode(mark.year, generated)
                }
                Err(p) => {
                    bad.push(FieldError::new("barcode", p));
                    continue;
                }
            };
            f.subfields
                .retain(|s| !matches!(s.code.as_char(), 'p' | 'e' | 'd'));
            f.subfields
                .push(Subfield::new(code('d'), acquired.as_str()));
            f.subfields.push(Subfield::new(code('e'), mark.source));
            f.subfields.push(Subfield::new(code('p'), barcode));
            marked.push(f);
        }
        if !bad.is_empty() {
            out.problem(ImportProblem {
                position: position.clone(),
                reason: ProblemReason::Invalid { errors: bad },
            });
        }
        record.remove("952");
        record.remove("852");
        for f in marked {
            record.push(Field::Data(f));
        }
        record.update_leader();
        match writer.write(&record) {
            Ok(()) => {
                out.titles += 1;
                out.positions.push(position);
            }
            Err(e) => out.problem(ImportProblem {
                position,
                reason: ProblemReason::Unreadable {
                    detail: e.to_string(),
                },
            }),
        }
    }
    out.bytes = writer.into_inner().map_err(|e| Refusal::Io {
        detail: e.to_string(),
    })?;
    out.copies = count_marc_copies(&out.bytes);
    Ok(())
}

fn count_marc_copies(bytes: &[u8]) -> u64 {
    reader_iter(MarcReader::new(BufReader::new(Cursor::new(bytes))))
        .filter_map(|(r, _)| r.ok())
        .map(|r| r.data_fields("952").count() as u64)
        .sum()
}

fn cell_problem(e: &lentera_tabular::TabularError) -> ImportProblem {
    use lentera_tabular::{Lang, TabularError};
    let row = e.row().unwrap_or(0) as u64;
    let position = if row > 0 {
        ProblemPosition::Row { row }
    } else {
        ProblemPosition::File
    };
    let reason = match e {
        TabularError::Cell(c) => ProblemReason::Cell {
            column: c.header.clone(),
            id: c.problem.message(c.value.as_deref(), Lang::Id),
            en: c.problem.message(c.value.as_deref(), Lang::En),
        },
        other => ProblemReason::Stopped {
            detail: other.message(Lang::En),
        },
    };
    ImportProblem { position, reason }
}

fn table(bytes: &[u8], mark: &Marking<'_>, out: &mut Prepared) -> Result<(), Refusal> {
    let options = ReadOptions {
        max_rows: usize::MAX,
        ..ReadOptions::default()
    };
    let reader =
        TableReader::from_bytes(bytes.to_vec(), &table_layout(), &options).map_err(|e| {
            Refusal::Table {
                id: e.message(lentera_tabular::Lang::Id),
                en: e.message(lentera_tabular::Lang::En),
            }
        })?;
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let io = |e: csv::Error| Refusal::Io {
        detail: e.to_string(),
    };
    w.write_record(COLUMNS.iter().map(|c| c.key)).map_err(io)?;
    let acquired = mark.acquired_on.to_string();
    let mut generated: u64 = 0;
    let mut last_record: Option<Vec<String>> = None;
    for row in reader {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let fatal = !e.is_row_error();
                out.problem(cell_problem(&e));
                if fatal {
                    break;
                }
                continue;
            }
        };
        let pos = ProblemPosition::Row {
            row: row.number() as u64,
        };
        let given = match checked_barcode(row.get("barcode")) {
            Ok(b) => b,
            Err(p) => {
                out.problem(ImportProblem {
                    position: pos,
                    reason: ProblemReason::Invalid {
                        errors: vec![FieldError::new("barcode", p)],
                    },
                });
                continue;
            }
        };
        let copies = if given.is_some() {
            1
        } else {
            match row.int("eksemplar") {
                Ok(n) => n.unwrap_or(1),
                Err(e) => {
                    let mut p = cell_problem(&e);
                    p.position = pos.clone();
                    out.problem(p);
                    continue;
                }
            }
        };
        if !(1..=MAX_COPIES_PER_ROW).contains(&copies) {
            out.problem(ImportProblem {
                position: pos,
                reason: ProblemReason::Invalid {
                    errors: vec![FieldError::new(
                        "copies",
                        Problem::OutOfRange {
                            min: 1,
                            max: MAX_COPIES_PER_ROW,
                        },
                    )],
                },
            });
            continue;
        }
        let record: Vec<String> = COLUMNS
            .iter()
            .filter(|c| !c.item)
            .map(|c| row.get(c.key).unwrap_or("").to_string())
            .collect();
        if last_record.as_ref() != Some(&record) {
            out.titles += 1;
            last_record = Some(record);
        }
        for i in 0..copies {
            let barcode = match (&given, i) {
                (Some(b), _) => b.clone(),
                _ => {
                    generated += 1;
                    aid_barcode(mark.year, generated)
                }
            };
            let cells = COLUMNS.iter().map(|c| match c.key {
                "barcode" => barcode.clone(),
                "eksemplar" => String::new(),
                "sumber" => mark.source.to_string(),
                "tanggal_pengadaan" => acquired.clone(),
                key => row.get(key).unwrap_or("").to_string(),
            });
            w.write_record(cells).map_err(io)?;
            out.positions.push(pos.clone());
            out.copies += 1;
        }
    }
    out.bytes = w.into_inner().map_err(|e| Refusal::Io {
        detail: e.to_string(),
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark() -> Marking<'static> {
        Marking {
            year: 2024,
            source: "Bantuan Perpusnas 2024",
            acquired_on: NaiveDate::from_ymd_opt(2024, 8, 20).unwrap(),
        }
    }

    #[test]
    fn spreadsheet_rows_become_marked_copies() {
        let csv = "judul,pengarang,isbn,eksemplar\n\
                   Laskar Pelangi,Andrea Hirata,9789793062792,2\n\
                   Bumi Manusia,Pramoedya Ananta Toer,,x\n\
                   Ronggeng Dukuh Paruk,Ahmad Tohari,,\n";
        let p = prepare(csv.as_bytes(), &mark()).unwrap();
        assert_eq!(p.original, TransferFormat::Csv);
        assert_eq!(p.titles, 2);
        assert_eq!(p.copies, 3);
        assert_eq!(p.problems_total, 1);
        assert_eq!(p.problems[0].position, ProblemPosition::Row { row: 3 });
        let text = String::from_utf8(p.bytes.clone()).unwrap();
        assert!(text.contains("BP2024-00001"), "{text}");
        assert!(text.contains("BP2024-00003"));
        assert!(text.contains("Bantuan Perpusnas 2024"));
        assert!(text.contains("2024-08-20"));
        // The third copy (data row 4 of the rewrite) came from row 4.
        assert_eq!(
            p.original_position(&ProblemPosition::Row { row: 4 }),
            ProblemPosition::Row { row: 4 }
        );
        assert_eq!(
            p.original_position(&ProblemPosition::Row { row: 3 }),
            ProblemPosition::Row { row: 2 }
        );
        // The same list twice gives the same barcodes.
        assert_eq!(prepare(csv.as_bytes(), &mark()).unwrap().bytes, p.bytes);
    }

    #[test]
    fn marc_records_get_one_aid_copy_each() {
        let mut rec = lentera_marc::BibFields {
            title: Some("Laskar Pelangi".into()),
            ..Default::default()
        }
        .to_record(lentera_marc::EntryDate::new(2024, 1, 1).unwrap());
        rec.update_leader();
        let mut w = MarcWriter::new(Vec::new());
        w.write(&rec).unwrap();
        w.write(&rec).unwrap();
        let bytes = w.into_inner().unwrap();
        let p = prepare(&bytes, &mark()).unwrap();
        assert_eq!(p.format, TransferFormat::Marc);
        assert_eq!((p.titles, p.copies), (2, 2));
        let back: Vec<Record> = reader_iter(MarcReader::new(BufReader::new(Cursor::new(&p.bytes))))
            .map(|(r, _)| r.unwrap())
            .collect();
        assert_eq!(back[1].subfield("952", 'p'), Some("BP2024-00002"));
        assert_eq!(back[1].subfield("952", 'e'), Some("Bantuan Perpusnas 2024"));
        assert_eq!(back[0].subfield("952", 'd'), Some("2024-08-20"));
    }

    #[test]
    fn a_file_that_is_no_book_list_is_refused() {
        assert!(matches!(
            prepare(b"\x00\x01\x02binary", &mark()),
            Err(Refusal::Unrecognised)
        ));
        assert!(matches!(
            prepare(b"nama,alamat\nBudi,Magetan\n", &mark()),
            Err(Refusal::Table { .. })
        ));
    }
}

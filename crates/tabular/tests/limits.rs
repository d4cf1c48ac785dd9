//! Hostile and oversized input: the reader must refuse it cleanly.

use std::io::{Cursor, Write};

use lentera_tabular::{
    Cell, CellProblem, Format, Lang, Layout, Limit, ReadOptions, TableReader, TableWriter,
    TabularError,
};

fn layout() -> Layout {
    Layout::new()
        .required("code", &["kode"])
        .optional("name", &["nama"])
}

fn table(format: Format, rows: usize) -> Vec<u8> {
    let mut w = TableWriter::new(format, Vec::new()).expect("writer");
    w.write_header(&["kode", "nama"]).expect("header");
    for i in 0..rows {
        w.write_row(&[Cell::from(format!("{i:010}")), Cell::from("Taman Baca")])
            .expect("row");
    }
    w.finish().expect("finish")
}

fn first_error(reader: TableReader) -> Option<TabularError> {
    reader.filter_map(Result::err).next()
}

#[test]
fn row_cap() {
    for format in [Format::Csv, Format::Xlsx] {
        let options = ReadOptions {
            max_rows: 5,
            ..ReadOptions::default()
        };
        // Header + 4 rows fits exactly.
        let ok = TableReader::from_bytes(table(format, 4), &layout(), &options).expect("open");
        assert_eq!(ok.filter(Result::is_ok).count(), 4);

        let reader = TableReader::from_bytes(table(format, 50), &layout(), &options).expect("open");
        let items: Vec<_> = reader.collect();
        // Four good rows, then one error, then the iterator stops.
        assert_eq!(items.len(), 5, "{format:?}");
        assert_eq!(
            items[4].as_ref().err(),
            Some(&TabularError::TooLarge {
                limit: Limit::Rows,
                max: 5
            })
        );
    }
    let err = TabularError::TooLarge {
        limit: Limit::Rows,
        max: 1_048_576,
    };
    assert_eq!(
        err.message(Lang::Id),
        "Berkas memuat terlalu banyak baris (batasnya 1.048.576 baris)."
    );
    assert_eq!(
        err.message(Lang::En),
        "The file has too many rows (the limit is 1,048,576 rows)."
    );
}

#[test]
fn input_size_cap() {
    let options = ReadOptions {
        max_input_bytes: 1000,
        ..ReadOptions::default()
    };
    let too_large = TabularError::TooLarge {
        limit: Limit::InputBytes,
        max: 1000,
    };
    for format in [Format::Csv, Format::Xlsx] {
        let bytes = table(format, 500);
        assert!(bytes.len() > 1000);
        assert_eq!(
            TableReader::from_bytes(bytes.clone(), &layout(), &options).map(|_| ()),
            Err(too_large.clone())
        );
        // From a stream the size is unknown up front: CSV fails while
        // streaming, XLSX while buffering.
        let streamed = TableReader::from_reader(Cursor::new(bytes), &layout(), &options);
        let err = match streamed {
            Ok(reader) => first_error(reader),
            Err(e) => Some(e),
        };
        assert_eq!(err, Some(too_large.clone()), "{format:?}");
    }
    let dir = std::env::temp_dir().join(format!("lentera-tabular-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("besar.csv");
    std::fs::write(&path, table(Format::Csv, 500)).expect("write");
    assert_eq!(
        TableReader::open(&path, &layout(), &options).map(|_| ()),
        Err(too_large.clone())
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        too_large.message(Lang::Id),
        "Berkas terlalu besar (batasnya 1 MB)."
    );
}

#[test]
fn cell_length_cap() {
    for format in [Format::Csv, Format::Xlsx] {
        let mut w = TableWriter::new(format, Vec::new()).expect("writer");
        w.write_header(&["kode", "nama", "lain"]).expect("header");
        w.write_row(&[
            Cell::from("1"),
            Cell::from("x".repeat(50)),
            Cell::from("y".repeat(500)),
        ])
        .expect("row");
        w.write_row(&[Cell::from("2"), Cell::from("pendek")])
            .expect("row");
        let bytes = w.finish().expect("finish");
        let options = ReadOptions {
            max_cell_chars: 20,
            ..ReadOptions::default()
        };
        let items: Vec<_> = TableReader::from_bytes(bytes, &layout(), &options)
            .expect("open")
            .collect();
        assert_eq!(items.len(), 2, "{format:?}");
        let err = items[0].as_ref().expect_err("too long");
        let TabularError::Cell(cell) = err else {
            panic!("{err:?}")
        };
        assert_eq!((cell.row, cell.column.as_str()), (2, "name"));
        assert_eq!(cell.problem, CellProblem::TooLong { max_chars: 20 });
        assert_eq!(
            err.message(Lang::Id),
            "Baris 2, kolom \"nama\": isian terlalu panjang (lebih dari 20 karakter)"
        );
        // The long cell in the unknown column does not matter; reading goes on.
        assert_eq!(items[1].as_ref().map(|r| r.get("name")), Ok(Some("pendek")));
    }
}

/// Builds an XLSX by hand around a sheet part of `padding` bytes of
/// whitespace, which deflate shrinks about a thousandfold.
fn padded_xlsx(padding: usize) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let parts: [(&str, String); 5] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.into(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.into(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>kode</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>1</t></is></c></row>{}</sheetData></worksheet>"#,
                " ".repeat(padding)
            ),
        ),
    ];
    for (name, body) in parts {
        zip.start_file(name, opts).expect("start");
        zip.write_all(body.as_bytes()).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

#[test]
fn zip_bomb_is_refused() {
    let small = padded_xlsx(10);
    let reader = TableReader::from_bytes(small, &layout(), &ReadOptions::default()).expect("valid");
    assert_eq!(reader.filter(Result::is_ok).count(), 1);

    let bomb = padded_xlsx(40 * 1024 * 1024);
    assert!(
        bomb.len() < 200 * 1024,
        "compressed to {} bytes",
        bomb.len()
    );
    let options = ReadOptions {
        max_uncompressed_bytes: 8 * 1024 * 1024,
        ..ReadOptions::default()
    };
    let err = TableReader::from_bytes(bomb, &layout(), &options).map(|_| ());
    assert_eq!(
        err,
        Err(TabularError::TooLarge {
            limit: Limit::UncompressedBytes,
            max: 8 * 1024 * 1024
        })
    );
    assert_eq!(
        err.err().map(|e| e.message(Lang::Id)),
        Some("Isi berkas XLSX terlalu besar setelah diekstrak (batasnya 8 MB).".into())
    );

    // The same limit applies to a genuine workbook that is simply big.
    let big = table(Format::Xlsx, 20_000);
    let options = ReadOptions {
        max_uncompressed_bytes: 100_000,
        ..ReadOptions::default()
    };
    assert!(matches!(
        TableReader::from_bytes(big, &layout(), &options),
        Err(TabularError::TooLarge {
            limit: Limit::UncompressedBytes,
            ..
        })
    ));
}

#[test]
fn zip_entry_cap_and_non_xlsx_zips() {
    let options = ReadOptions {
        max_zip_entries: 3,
        ..ReadOptions::default()
    };
    assert_eq!(
        TableReader::from_bytes(padded_xlsx(0), &layout(), &options).map(|_| ()),
        Err(TabularError::TooLarge {
            limit: Limit::ZipEntries,
            max: 3
        })
    );

    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("mimetype", opts).expect("start");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("write");
    zip.start_file("content.xml", opts).expect("start");
    zip.write_all(b"<office:document-content/>").expect("write");
    let ods = zip.finish().expect("finish").into_inner();
    let err = TableReader::from_bytes(ods, &layout(), &ReadOptions::default()).map(|_| ());
    assert_eq!(
        err,
        Err(TabularError::Unsupported {
            found: lentera_tabular::FileKind::Ods
        })
    );
    assert_eq!(
        err.err().map(|e| e.message(Lang::En)),
        Some(
            "This file is not CSV or XLSX but a LibreOffice/OpenDocument file (.ods). Save it \
             again from Excel or LibreOffice as .xlsx or .csv."
                .into()
        )
    );
}

#[test]
fn huge_sparse_sheet_does_not_allocate_the_grid() {
    // Two cells a million rows and 16 000 columns apart: a dense grid
    // would need billions of cells.
    let sheet = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>kode</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>jauh</t></is></c><c r="A1048576" t="inlineStr"><is><t>9</t></is></c></row></sheetData></worksheet>"#;
    let bytes = replace_sheet(&padded_xlsx(0), sheet);
    let rows: Vec<_> = TableReader::from_bytes(bytes, &layout(), &ReadOptions::default())
        .expect("open")
        .collect();
    assert_eq!(rows.len(), 1);
    let row = rows[0].as_ref().expect("row");
    assert_eq!(row.number(), 1_048_576);
    assert_eq!(row.get("code"), Some("9"));
}

fn replace_sheet(xlsx: &[u8], sheet: &str) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(Cursor::new(xlsx)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..src.len() {
        let mut entry = src.by_index(i).expect("entry");
        let name = entry.name().expect("name").to_string();
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut body).expect("read");
        if name == "xl/worksheets/sheet1.xml" {
            body = sheet.as_bytes().to_vec();
        }
        out.start_file(name, opts).expect("start");
        out.write_all(&body).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

/// Rewrites the declared uncompressed size of one entry, in both the local
/// header and the central directory, as a zip bomb would.
fn lie_about_size(zip: &mut [u8], entry: &str, size: u32) {
    let mut patched = 0;
    for i in 0..zip.len().saturating_sub(46) {
        let (sig, name_len_at, name_at, size_at) = match &zip[i..i + 4] {
            b"PK\x03\x04" => ("local", i + 26, i + 30, i + 22),
            b"PK\x01\x02" => ("central", i + 28, i + 46, i + 24),
            _ => continue,
        };
        let name_len = usize::from(u16::from_le_bytes([zip[name_len_at], zip[name_len_at + 1]]));
        if zip.get(name_at..name_at + name_len) == Some(entry.as_bytes()) {
            zip[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
            let _ = sig;
        }
    }
    assert_eq!(patched, 2, "local and central headers patched");
}

#[test]
fn zip_bomb_with_forged_sizes_is_refused() {
    let mut bomb = padded_xlsx(40 * 1024 * 1024);
    lie_about_size(&mut bomb, "xl/worksheets/sheet1.xml", 300);
    let options = ReadOptions {
        max_uncompressed_bytes: 8 * 1024 * 1024,
        ..ReadOptions::default()
    };
    // Either the real inflated size trips the limit, or the zip reader
    // notices the entry outgrowing its declared size (what zip 9 does);
    // the sheet must never be parsed in full.
    let result = TableReader::from_bytes(bomb, &layout(), &options);
    match result {
        Err(TabularError::TooLarge {
            limit: Limit::UncompressedBytes,
            ..
        })
        | Err(TabularError::Corrupt {
            format: Format::Xlsx,
            ..
        }) => {}
        other => panic!("forged sizes were trusted: {:?}", other.map(|_| ())),
    }
}

#[test]
fn dropping_a_reader_early_stops_the_parser() {
    let bytes = table(Format::Xlsx, 5_000);
    for _ in 0..20 {
        let mut reader = TableReader::from_bytes(bytes.clone(), &layout(), &ReadOptions::default())
            .expect("open");
        assert!(reader.next().is_some_and(|r| r.is_ok()));
        // Dropped with thousands of rows unread: must not hang or leak a
        // blocked thread per import.
    }
}

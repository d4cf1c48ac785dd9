//! Catalogue import and export, streaming, for every format of
//! [`TransferFormat`].
//!
//! An import reads one record at a time and writes in batches of
//! [`ImportOptions::batch_size`] records per transaction, so a million-record
//! file needs neither a million round trips nor a million records in memory.
//! A bad record never stops it: it becomes an [`ImportProblem`] with its
//! position (record index and byte offset, or spreadsheet row) and the
//! reason, and the good records are kept. A record matching one already in
//! the library (same ISBN, else same control number) updates it, or counts as
//! unchanged, so importing a file twice adds nothing.
//!
//! MARC records are stored whole (ISO 2709, UTF-8) in `biblios.marc`, so an
//! export gives back every field, not just the ones the form shows.
//!
//! Items (holdings) come from 952 or 852 fields in MARC (`$p` barcode, `$o`
//! or `$h` call number, `$c` location, `$e` source, `$d` acquisition date,
//! `$g` price, `$s` status), from the item columns of a spreadsheet, or from
//! the item codes of a SLiMS export; an export writes the items the same way.

use crate::audit;
use crate::conn::{DbConn, write_tx};
use crate::error::StoreError;
use crate::now;
use crate::schema::{biblios, catalog_changes, counters, items, libraries};
use chrono::NaiveDate;
use diesel::prelude::*;
use lentera_core::audit::{ActorRef, Change};
use lentera_core::catalog::transfer::{
    self as rules, COLUMNS, DEFAULT_PROBLEM_CAP, MAX_COPIES_PER_ROW, SlimsKind, TransferFormat,
};
use lentera_core::catalog::{Barcode, BiblioDraft, BiblioForm, Collection, Isbn, ItemStatus};
use lentera_core::field::FieldError;
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use lentera_core::text::search_key;
use lentera_marc::{
    BibFields, DataField, EntryDate, Field, Indicator, MarcReader, MarcWriter, MarcXmlReader,
    MarcXmlWriter, Record, Subfield, SubfieldCode, Tag,
};
use lentera_tabular::{Cell, Format, Layout, ReadOptions, TableReader, TableWriter};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The counter generated barcodes are numbered from, shared with items added
/// one at a time.
const BARCODE_COUNTER: &str = "item";

/// A barcode from a file: `Ok(None)` when empty, checked like a scanned one.
fn file_barcode(s: Option<&str>) -> Result<Option<String>, lentera_core::field::Problem> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(b) => Barcode::parse(b).map(|b| Some(b.as_str().to_string())),
    }
}

// ------------------------------------------------------------------ results

/// Where a problem is in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProblemPosition {
    /// MARC: 0-based record index and byte offset of the record's start.
    Record { index: u64, offset: u64 },
    /// CSV/XLSX/SLiMS: the row number as a spreadsheet shows it (1-based).
    Row { row: u64 },
    /// The file as a whole (e.g. reading stopped).
    File,
}

/// Why a record was not imported. Structured, so each channel words it in
/// the reader's language.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProblemReason {
    /// The record could not be read at all (MARC structure, XML).
    Unreadable { detail: String },
    /// The record was read but some fields break the catalogue's rules.
    Invalid { errors: Vec<FieldError> },
    /// A spreadsheet cell could not be read; messages from lentera-tabular.
    Cell {
        column: String,
        id: String,
        en: String,
    },
    /// A SLiMS item whose record is not in the library.
    NoRecordForItem { title: String },
    /// Reading stopped here (I/O error, or the file is cut off).
    Stopped { detail: String },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportProblem {
    pub position: ProblemPosition,
    pub reason: ProblemReason,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportResult {
    pub format: Option<TransferFormat>,
    pub dry_run: bool,
    /// Records (or SLiMS item rows) read, good and bad.
    pub records: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub failed: u64,
    pub items_created: u64,
    pub items_updated: u64,
    /// Records created although another record in the library already has
    /// their ISBN (a different record: its control number differs). Flagged
    /// for the librarian to check; both are kept.
    pub duplicate_isbns: u64,
    /// The first [`ImportOptions::problem_cap`] problems.
    pub problems: Vec<ImportProblem>,
    /// All problems, including those beyond the cap.
    pub problems_total: u64,
}

impl ImportResult {
    fn problem(&mut self, cap: usize, p: ImportProblem) {
        self.problems_total += 1;
        if self.problems.len() < cap {
            self.problems.push(p);
        }
    }
}

/// Progress of a running import, reported after each batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub records: u64,
    pub bytes_read: u64,
    pub total_bytes: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// `None`: recognised from the content.
    pub format: Option<TransferFormat>,
    /// Check only: everything is done inside one transaction that is rolled
    /// back, so the counts are exactly those of a real import.
    pub dry_run: bool,
    pub problem_cap: usize,
    pub batch_size: usize,
    /// Bounds publication years (see `BiblioDraft::parse`).
    pub this_year: i32,
    /// Largest CSV/XLSX accepted (XLSX is unpacked in memory).
    pub max_table_bytes: u64,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            format: None,
            dry_run: false,
            problem_cap: DEFAULT_PROBLEM_CAP,
            batch_size: 1000,
            this_year: 2026,
            max_table_bytes: 2 * 1024 * 1024 * 1024,
        }
    }
}

/// A file refused as a whole, before anything was saved.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Refusal {
    /// Not a catalogue file in any format we read.
    Unrecognised,
    /// A spreadsheet refused by lentera-tabular (missing column, ...).
    Table { id: String, en: String },
    /// The file could not be read.
    Io { detail: String },
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("file refused: {0:?}")]
    Refused(Refusal),
    /// Internal: unwinds a dry run's transaction.
    #[error("dry run")]
    DryRun(Box<ImportResult>),
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        ImportError::Store(e.into())
    }
}

// ------------------------------------------------------------ mapping

/// One copy as read from a file.
#[derive(Debug, Clone, PartialEq)]
struct ItemIn {
    /// `None`: generate one.
    barcode: Option<String>,
    call_number: Option<String>,
    location: Option<String>,
    status: ItemStatus,
    source: Option<String>,
    acquired_on: Option<NaiveDate>,
    price: Option<i64>,
}

impl ItemIn {
    fn blank() -> ItemIn {
        ItemIn {
            barcode: None,
            call_number: None,
            location: None,
            status: ItemStatus::Available,
            source: None,
            acquired_on: None,
            price: None,
        }
    }
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Item status words from files (Lentera keys, Indonesian, SLiMS names).
/// "On loan" is circulation's business: an imported copy is on the shelf.
fn item_status(s: &str) -> ItemStatus {
    let t = s.trim().to_lowercase();
    match t.as_str() {
        "repair" | "rusak" | "perbaikan" | "dalam perbaikan" | "r" => ItemStatus::InRepair,
        "lost" | "hilang" | "missing" | "mis" => ItemStatus::Lost,
        "withdrawn" | "dikeluarkan" | "disiangi" | "weeding" => ItemStatus::Withdrawn,
        _ => ItemStatus::Available,
    }
}

/// A MARC record's catalogue form. Values the form would refuse but the MARC
/// keeps anyway (an impossible year, a language name) are left out of the
/// form rather than rejecting the whole record: the stored MARC still has
/// them. Only a record without a title is refused.
pub fn marc_form(record: &Record, this_year: i32) -> BiblioForm {
    let b = BibFields::from_record(record);
    let isbn = b
        .isbns
        .iter()
        .find_map(|i| Isbn::parse(i).ok())
        .map(|i| i.to_string())
        .unwrap_or_default();
    let year = b
        .year
        .as_deref()
        .and_then(|y| y.parse::<i32>().ok())
        .filter(|y| (1000..=this_year + 1).contains(y))
        .map(|y| y.to_string())
        .unwrap_or_default();
    let language = b
        .language
        .as_deref()
        .and_then(rules::language_code)
        .unwrap_or_default();
    let collection = b
        .collection_type
        .as_deref()
        .and_then(|c| Collection::parse(c).ok())
        .map(|c| c.key().to_string())
        .unwrap_or_default();
    let cut = |s: Option<String>, max: usize| -> String {
        s.map(|s| s.chars().take(max).collect::<String>().trim().to_string())
            .unwrap_or_default()
    };
    BiblioForm {
        title: cut(b.title, 500),
        subtitle: cut(b.subtitle, 500),
        authors: b
            .authors
            .iter()
            .map(|a| a.replace(';', ",").chars().take(200).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n"),
        publisher: cut(b.publisher, 200),
        place: cut(b.place, 100),
        year,
        edition: cut(b.edition, 100),
        isbn,
        language,
        ddc: cut(b.ddc, 40),
        call_number: cut(b.call_number, 60),
        subjects: b
            .subjects
            .iter()
            .map(|a| a.replace(';', ",").chars().take(200).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n"),
        collection,
        notes: cut(Some(b.notes.join("\n")), 2000),
        control_number: cut(b.control_number, 60),
    }
}

/// The MARC description of a checked record.
fn bib_fields(d: &BiblioDraft) -> BibFields {
    BibFields {
        control_number: d.control_number.clone(),
        title: Some(d.title.clone()),
        subtitle: d.subtitle.clone(),
        responsibility: None,
        authors: d.authors.clone(),
        publisher: d.publisher.clone(),
        place: d.place.clone(),
        year: d.year.map(|y| y.to_string()),
        edition: d.edition.clone(),
        isbns: d.isbn.iter().map(|i| i.to_string()).collect(),
        language: d.language.clone(),
        ddc: d.ddc.clone(),
        call_number: d.call_number.clone(),
        subjects: d.subjects.clone(),
        notes: d
            .notes
            .as_deref()
            .map(|n| n.lines().map(str::to_string).collect())
            .unwrap_or_default(),
        collection_type: Some(d.collection.key().to_string()),
    }
}

fn sub(field: &DataField, codes: &[char]) -> Option<String> {
    codes.iter().find_map(|c| field.subfield(*c)).and_then(opt)
}

/// Holdings in a MARC record: Koha-style 952, else 852. A copy whose
/// barcode a scanner could not carry is left out and named.
fn marc_items(record: &Record, bad: &mut Vec<FieldError>) -> Vec<ItemIn> {
    let mut out = Vec::new();
    for tag in ["952", "852"] {
        for f in record.data_fields(tag) {
            let call = if tag == "952" {
                sub(f, &['o'])
            } else {
                let parts: Vec<&str> = ['h', 'i', 'j']
                    .iter()
                    .filter_map(|c| f.subfield(*c))
                    .collect();
                opt(&parts.join(" "))
            };
            let barcode = match file_barcode(f.subfield('p')) {
                Ok(b) => b,
                Err(p) => {
                    bad.push(FieldError::new("barcode", p));
                    continue;
                }
            };
            out.push(ItemIn {
                barcode,
                call_number: call,
                location: sub(f, &['c']),
                status: f
                    .subfield('s')
                    .map(item_status)
                    .unwrap_or(ItemStatus::Available),
                source: if tag == "952" { sub(f, &['e']) } else { None },
                acquired_on: if tag == "952" {
                    f.subfield('d').and_then(lentera_tabular::parse::date)
                } else {
                    None
                },
                price: if tag == "952" {
                    f.subfield('g')
                        .and_then(lentera_tabular::parse::decimal)
                        .map(|p| p.round() as i64)
                } else {
                    None
                },
            });
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}

fn tag(s: &str) -> Tag {
    Tag::parse(s).expect("a valid tag")
}

fn code(c: char) -> SubfieldCode {
    SubfieldCode::new(c).expect("a valid subfield code")
}

/// Tags the catalogue form is made from; everything else in a stored record
/// is carried over untouched when the form's fields were edited.
const MAPPED_TAGS: &[&str] = &[
    "001", "008", "020", "041", "082", "084", "090", "099", "100", "110", "111", "245", "250",
    "260", "264", "500", "600", "610", "650", "651", "700", "710", "711", "990",
];

/// The record to export for one stored biblio: the stored MARC as it is when
/// the form's fields still say what it says, otherwise the form's fields
/// with the stored record's other fields carried over; holdings always from
/// the current items.
fn export_record(
    stored: &StoredBiblio,
    draft: &BiblioDraft,
    items: &[StoredItem],
    today: EntryDate,
    this_year: i32,
) -> Record {
    let original = stored
        .marc
        .as_deref()
        .and_then(|m| Record::from_iso2709(m).ok());
    let mut record = match original {
        Some(rec)
            if BiblioDraft::parse(&marc_form(&rec, this_year), this_year)
                .is_ok_and(|d| &d == draft) =>
        {
            rec
        }
        Some(rec) => {
            let mut fresh = bib_fields(draft).to_record(today);
            for f in rec.fields {
                if !MAPPED_TAGS.iter().any(|t| f.tag() == tag(t)) {
                    fresh.fields.push(f);
                }
            }
            fresh.fields.sort_by_key(|f| f.tag());
            fresh
        }
        None => bib_fields(draft).to_record(today),
    };
    record.remove("952");
    for item in items {
        let mut f = DataField::new(tag("952"), Indicator::BLANK, Indicator::BLANK);
        let mut put = |c: char, v: &Option<String>| {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                f.subfields.push(Subfield::new(code(c), v));
            }
        };
        put('c', &item.location);
        put('d', &item.acquired_on.map(|d| d.to_string()));
        put('e', &item.source);
        put('g', &item.price.map(|p| p.to_string()));
        put('o', &item.call_number);
        put('p', &Some(item.barcode.clone()));
        put('s', &Some(item.status.clone()));
        record.push(Field::Data(f));
    }
    record.update_leader();
    record
}

// ------------------------------------------------------------ rows

#[derive(Insertable)]
#[diesel(table_name = biblios)]
struct NewBiblio {
    id: String,
    library_id: String,
    title: String,
    subtitle: Option<String>,
    authors: String,
    publisher: Option<String>,
    place: Option<String>,
    year: Option<i32>,
    edition: Option<String>,
    isbn: Option<String>,
    language: Option<String>,
    ddc: Option<String>,
    call_number: Option<String>,
    subjects: String,
    collection: String,
    notes: Option<String>,
    control_number: Option<String>,
    title_key: String,
    marc: Option<Vec<u8>>,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

/// A stored record as the import compares it and the export writes it.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = biblios)]
pub struct StoredBiblio {
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub authors: String,
    pub publisher: Option<String>,
    pub place: Option<String>,
    pub year: Option<i32>,
    pub edition: Option<String>,
    pub isbn: Option<String>,
    pub language: Option<String>,
    pub ddc: Option<String>,
    pub call_number: Option<String>,
    pub subjects: String,
    pub collection: String,
    pub notes: Option<String>,
    pub control_number: Option<String>,
    pub marc: Option<Vec<u8>>,
}

impl StoredBiblio {
    /// The stored record as the form shows it.
    pub fn to_form(&self) -> BiblioForm {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        BiblioForm {
            title: self.title.clone(),
            subtitle: s(&self.subtitle),
            authors: self.authors.clone(),
            publisher: s(&self.publisher),
            place: s(&self.place),
            year: self.year.map(|y| y.to_string()).unwrap_or_default(),
            edition: s(&self.edition),
            isbn: s(&self.isbn),
            language: s(&self.language),
            ddc: s(&self.ddc),
            call_number: s(&self.call_number),
            subjects: self.subjects.clone(),
            collection: self.collection.clone(),
            notes: s(&self.notes),
            control_number: s(&self.control_number),
        }
    }

    fn same_fields(&self, n: &NewBiblio) -> bool {
        self.title == n.title
            && self.subtitle == n.subtitle
            && self.authors == n.authors
            && self.publisher == n.publisher
            && self.place == n.place
            && self.year == n.year
            && self.edition == n.edition
            && self.isbn == n.isbn
            && self.language == n.language
            && self.ddc == n.ddc
            && self.call_number == n.call_number
            && self.subjects == n.subjects
            && self.collection == n.collection
            && self.notes == n.notes
            && self.control_number == n.control_number
            && (n.marc.is_none() || self.marc == n.marc)
    }
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = items)]
pub struct StoredItem {
    pub id: String,
    pub biblio_id: String,
    pub barcode: String,
    pub call_number: Option<String>,
    pub location: Option<String>,
    pub status: String,
    pub source: Option<String>,
    pub acquired_on: Option<NaiveDate>,
    pub price: Option<i64>,
}

#[derive(Insertable)]
#[diesel(table_name = items)]
struct NewItem {
    id: String,
    library_id: String,
    biblio_id: String,
    barcode: String,
    call_number: Option<String>,
    location: Option<String>,
    status: String,
    source: Option<String>,
    acquired_on: Option<NaiveDate>,
    price: Option<i64>,
    notes: Option<String>,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

fn new_biblio(library: &str, d: &BiblioDraft, marc: Option<Vec<u8>>) -> NewBiblio {
    let t = now();
    NewBiblio {
        id: uuid::Uuid::now_v7().to_string(),
        library_id: library.to_string(),
        title: d.title.clone(),
        subtitle: d.subtitle.clone(),
        authors: d.authors.join("\n"),
        publisher: d.publisher.clone(),
        place: d.place.clone(),
        year: d.year,
        edition: d.edition.clone(),
        isbn: d.isbn.as_ref().map(|i| i.to_string()),
        language: d.language.clone(),
        ddc: d.ddc.clone(),
        call_number: d.call_number.clone(),
        subjects: d.subjects.join("\n"),
        collection: d.collection.key().to_string(),
        notes: d.notes.clone(),
        control_number: d.control_number.clone(),
        title_key: search_key(&d.title),
        marc,
        created_at: t,
        updated_at: t,
    }
}

// ------------------------------------------------------------ sources

/// Counts bytes as they are read, for progress.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// One unit read from a file.
enum Incoming {
    Record(Box<Rec>),
    /// A row of SLiMS's item export: a copy of the record with this title.
    SlimsItem {
        position: ProblemPosition,
        title: String,
        item: ItemIn,
    },
    Problem(ImportProblem),
}

struct Rec {
    position: ProblemPosition,
    form: BiblioForm,
    marc: Option<Vec<u8>>,
    items: Vec<ItemIn>,
    /// Problems with item cells; the record itself is still imported.
    item_problems: Vec<ImportProblem>,
}

type Source = Box<dyn Iterator<Item = Incoming>>;

fn marc_problem(e: &lentera_marc::Error) -> ImportProblem {
    match e {
        lentera_marc::Error::Record { position, reason } => ImportProblem {
            position: ProblemPosition::Record {
                index: position.index,
                offset: position.offset,
            },
            reason: ProblemReason::Unreadable {
                detail: reason.to_string(),
            },
        },
        other => ImportProblem {
            position: ProblemPosition::File,
            reason: ProblemReason::Stopped {
                detail: other.to_string(),
            },
        },
    }
}

fn marc_incoming(
    result: Result<Record, lentera_marc::Error>,
    position: Option<lentera_marc::Position>,
    this_year: i32,
) -> Incoming {
    match result {
        Ok(record) => {
            let position = position
                .map(|p| ProblemPosition::Record {
                    index: p.index,
                    offset: p.offset,
                })
                .unwrap_or(ProblemPosition::File);
            match record.to_iso2709() {
                Ok(bytes) => {
                    let mut bad = Vec::new();
                    let items = marc_items(&record, &mut bad);
                    let item_problems = if bad.is_empty() {
                        Vec::new()
                    } else {
                        vec![ImportProblem {
                            position: position.clone(),
                            reason: ProblemReason::Invalid { errors: bad },
                        }]
                    };
                    Incoming::Record(Box::new(Rec {
                        position,
                        form: marc_form(&record, this_year),
                        items,
                        marc: Some(bytes),
                        item_problems,
                    }))
                }
                Err(e) => Incoming::Problem(ImportProblem {
                    position,
                    reason: ProblemReason::Unreadable {
                        detail: e.to_string(),
                    },
                }),
            }
        }
        Err(e) => Incoming::Problem(marc_problem(&e)),
    }
}

fn marc_source(input: Box<dyn BufRead>, this_year: i32) -> Source {
    let mut reader = MarcReader::new(input);
    let mut stopped = false;
    Box::new(std::iter::from_fn(move || {
        if stopped {
            return None;
        }
        let r = reader.next()?;
        stopped = matches!(&r, Err(e) if e.is_fatal());
        Some(marc_incoming(r, reader.position(), this_year))
    }))
}

fn marcxml_source(input: Box<dyn BufRead>, this_year: i32) -> Source {
    let mut reader = MarcXmlReader::new(input);
    let mut stopped = false;
    Box::new(std::iter::from_fn(move || {
        if stopped {
            return None;
        }
        let r = reader.next()?;
        stopped = matches!(&r, Err(e) if e.is_fatal());
        Some(marc_incoming(r, reader.position(), this_year))
    }))
}

/// The spreadsheet layout: [`COLUMNS`], `judul` required.
pub fn table_layout() -> Layout {
    let mut layout = Layout::new();
    for c in COLUMNS {
        layout = if c.key == "judul" {
            layout.required(c.key, c.aliases)
        } else {
            layout.optional(c.key, c.aliases)
        };
    }
    layout
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

/// Items of one spreadsheet row: a barcode makes one copy; otherwise
/// `eksemplar` copies (default one, none when the row has no item column).
fn row_items(row: &lentera_tabular::Row, problems: &mut Vec<ImportProblem>) -> Vec<ItemIn> {
    let pos = ProblemPosition::Row {
        row: row.number() as u64,
    };
    let mut report = |e: lentera_tabular::TabularError| {
        let mut p = cell_problem(&e);
        p.position = pos.clone();
        problems.push(p);
    };
    let has_any = COLUMNS
        .iter()
        .filter(|c| c.item)
        .any(|c| row.get(c.key).is_some_and(|v| !v.trim().is_empty()));
    if !has_any {
        return Vec::new();
    }
    let mut item = ItemIn::blank();
    match file_barcode(row.get("barcode")) {
        Ok(b) => item.barcode = b,
        Err(p) => {
            problems.push(ImportProblem {
                position: pos,
                reason: ProblemReason::Invalid {
                    errors: vec![FieldError::new("barcode", p)],
                },
            });
            return Vec::new();
        }
    }
    item.location = row.get("lokasi").and_then(opt);
    item.source = row.get("sumber").and_then(opt);
    item.status = row
        .get("status")
        .map(item_status)
        .unwrap_or(ItemStatus::Available);
    match row.date("tanggal_pengadaan") {
        Ok(d) => item.acquired_on = d,
        Err(e) => report(e),
    }
    match row.decimal("harga") {
        Ok(p) => item.price = p.map(|p| p.round() as i64),
        Err(e) => report(e),
    }
    let copies = match row.int("eksemplar") {
        Ok(n) => n.unwrap_or(1),
        Err(e) => {
            report(e);
            1
        }
    };
    if item.barcode.is_some() {
        return vec![item];
    }
    if !(0..=MAX_COPIES_PER_ROW).contains(&copies) {
        problems.push(ImportProblem {
            position: pos,
            reason: ProblemReason::Invalid {
                errors: vec![FieldError::new(
                    "copies",
                    lentera_core::field::Problem::OutOfRange {
                        min: 0,
                        max: MAX_COPIES_PER_ROW,
                    },
                )],
            },
        });
        return vec![item];
    }
    vec![item; copies as usize]
}

fn table_source(input: Box<dyn Read + Send>, opts: &ImportOptions) -> Result<Source, ImportError> {
    let options = ReadOptions {
        max_input_bytes: opts.max_table_bytes,
        max_rows: usize::MAX,
        ..ReadOptions::default()
    };
    let reader = TableReader::from_reader(input, &table_layout(), &options).map_err(|e| {
        ImportError::Refused(Refusal::Table {
            id: e.message(lentera_tabular::Lang::Id),
            en: e.message(lentera_tabular::Lang::En),
        })
    })?;
    let mut reader = reader;
    // Rows repeating the previous row's record columns are more copies of it.
    let mut pending: Option<Rec> = None;
    let mut out: std::collections::VecDeque<Incoming> = std::collections::VecDeque::new();
    Ok(Box::new(std::iter::from_fn(move || {
        loop {
            if let Some(x) = out.pop_front() {
                return Some(x);
            }
            match reader.next() {
                None => return pending.take().map(|p| Incoming::Record(Box::new(p))),
                Some(Err(e)) if e.is_row_error() => {
                    out.push_back(Incoming::Problem(cell_problem(&e)))
                }
                Some(Err(e)) => {
                    if let Some(p) = pending.take() {
                        out.push_back(Incoming::Record(Box::new(p)));
                    }
                    out.push_back(Incoming::Problem(cell_problem(&e)));
                    // Nothing more can be read after a file-level error.
                    while reader.next().is_some() {}
                }
                Some(Ok(row)) => {
                    let mut form = BiblioForm::default();
                    for c in COLUMNS.iter().filter(|c| !c.item) {
                        if let Some(v) = row.get(c.key) {
                            rules::set_form_column(&mut form, c.key, v);
                        }
                    }
                    if let Some(code) = rules::language_code(&form.language) {
                        form.language = code;
                    }
                    let mut item_problems = Vec::new();
                    let items = row_items(&row, &mut item_problems);
                    match pending.as_mut() {
                        Some(p) if p.form == form => {
                            p.items.extend(items);
                            p.item_problems.extend(item_problems);
                        }
                        _ => {
                            let next = Rec {
                                position: ProblemPosition::Row {
                                    row: row.number() as u64,
                                },
                                form,
                                marc: None,
                                items,
                                item_problems,
                            };
                            if let Some(p) = pending.replace(next) {
                                return Some(Incoming::Record(Box::new(p)));
                            }
                        }
                    }
                }
            }
        }
    })))
}

/// The delimiter of a SLiMS line: the one between enclosed fields.
fn slims_delimiter(line: &str) -> u8 {
    for d in [b',', b';', b'\t', b'|'] {
        if line.contains(&format!("\"{}\"", d as char)) {
            return d;
        }
    }
    b','
}

fn slims_source(mut input: Box<dyn BufRead>, this_year: i32) -> Result<Source, ImportError> {
    let io = |e: std::io::Error| {
        ImportError::Refused(Refusal::Io {
            detail: e.to_string(),
        })
    };
    let head = input.fill_buf().map_err(io)?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head).to_vec();
    let first_line = String::from_utf8_lossy(head.split(|b| *b == b'\n').next().unwrap_or(b""));
    let kind = rules::slims_kind(&first_line).ok_or(ImportError::Refused(Refusal::Unrecognised))?;
    let delimiter = slims_delimiter(&first_line);
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut record = csv::ByteRecord::new();
    let mut first = true;
    Ok(Box::new(std::iter::from_fn(move || {
        loop {
            let fallback_row = csv.position().line();
            let read = csv.read_byte_record(&mut record);
            let row = record.position().map(|p| p.line()).unwrap_or(fallback_row);
            match read {
                Ok(false) => return None,
                Err(e) => {
                    return Some(Incoming::Problem(ImportProblem {
                        position: ProblemPosition::Row { row },
                        reason: ProblemReason::Unreadable {
                            detail: e.to_string(),
                        },
                    }));
                }
                Ok(true) => {}
            }
            let cells: Vec<String> = record
                .iter()
                .map(|c| {
                    let c = c.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(c);
                    String::from_utf8_lossy(c).trim().to_string()
                })
                .collect();
            let is_header = first
                && matches!(
                    cells.first().map(String::as_str),
                    Some("title" | "item_code")
                );
            first = false;
            if is_header || cells.iter().all(String::is_empty) {
                continue;
            }
            let get = |i: usize| cells.get(i).map(String::as_str).unwrap_or("");
            let position = ProblemPosition::Row { row };
            return Some(match kind {
                SlimsKind::Biblio => {
                    let form = BiblioForm {
                        title: get(0).to_string(),
                        edition: get(2).to_string(),
                        isbn: get(3).to_string(),
                        publisher: get(4).to_string(),
                        year: get(5).to_string(),
                        call_number: get(8).to_string(),
                        language: rules::language_code(get(9)).unwrap_or_default(),
                        place: get(10).to_string(),
                        ddc: get(11).to_string(),
                        notes: get(12).to_string(),
                        authors: rules::split_slims_list(get(15)).join("\n"),
                        subjects: rules::split_slims_list(get(16)).join("\n"),
                        ..Default::default()
                    };
                    let form = slims_clean(form, this_year);
                    let mut bad = Vec::new();
                    let items = rules::split_slims_list(get(17))
                        .into_iter()
                        .filter_map(|code| match file_barcode(Some(&code)) {
                            Ok(barcode) => Some(ItemIn {
                                barcode,
                                call_number: opt(get(8)),
                                ..ItemIn::blank()
                            }),
                            Err(p) => {
                                bad.push(FieldError::new("barcode", p));
                                None
                            }
                        })
                        .collect();
                    let item_problems = if bad.is_empty() {
                        Vec::new()
                    } else {
                        vec![ImportProblem {
                            position: position.clone(),
                            reason: ProblemReason::Invalid { errors: bad },
                        }]
                    };
                    Incoming::Record(Box::new(Rec {
                        position,
                        form,
                        marc: None,
                        items,
                        item_problems,
                    }))
                }
                SlimsKind::Items => {
                    let price = lentera_tabular::parse::decimal(get(13)).map(|p| p.round() as i64);
                    let item = ItemIn {
                        barcode: file_barcode(Some(get(0))).ok().flatten(),
                        call_number: opt(get(1)),
                        location: opt(get(7)),
                        status: item_status(get(9)),
                        source: opt(get(5)).or_else(|| opt(get(11))),
                        acquired_on: lentera_tabular::parse::date(get(4))
                            .or_else(|| lentera_tabular::parse::date(get(8))),
                        price,
                    };
                    Incoming::SlimsItem {
                        position,
                        title: get(18).to_string(),
                        item,
                    }
                }
            });
        }
    })))
}

/// SLiMS years are free text ("2005", "[2005]", "c2005"); ISBN fields may
/// hold an ISSN or several ISBNs. Take what the form can hold.
fn slims_clean(mut f: BiblioForm, this_year: i32) -> BiblioForm {
    let digits: String = f
        .year
        .chars()
        .filter(char::is_ascii_digit)
        .take(4)
        .collect();
    f.year = match digits.parse::<i32>() {
        Ok(y) if (1000..=this_year + 1).contains(&y) => digits,
        _ => String::new(),
    };
    f.isbn = f
        .isbn
        .split([';', ',', '/'])
        .find_map(|i| Isbn::parse(i).ok())
        .map(|i| i.to_string())
        .unwrap_or_default();
    f
}

// ------------------------------------------------------------ import

/// Imports a catalogue file into `library`. `total_bytes` (when known) makes
/// progress a percentage. A file refused as a whole saves nothing; anything
/// else saves every good record and reports the bad ones.
pub fn import(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    input: Box<dyn Read + Send>,
    total_bytes: Option<u64>,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportResult, ImportError> {
    if opts.dry_run {
        let outcome = write_tx(conn, |conn| {
            let result = run(conn, by, library, input, total_bytes, opts, progress)?;
            Err::<(), _>(ImportError::DryRun(Box::new(result)))
        });
        match outcome {
            Err(ImportError::DryRun(r)) => Ok(*r),
            Err(e) => Err(e),
            Ok(()) => unreachable!("a dry run always rolls back"),
        }
    } else {
        run(conn, by, library, input, total_bytes, opts, progress)
    }
}

fn run(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    input: Box<dyn Read + Send>,
    total_bytes: Option<u64>,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportResult, ImportError> {
    let lib = library.to_string();
    let village: String = libraries::table
        .find(&lib)
        .select(libraries::village_code)
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let count = Arc::new(AtomicU64::new(0));
    let counting = Counting {
        inner: input,
        count: count.clone(),
    };
    let mut buffered: Box<dyn BufRead + Send> =
        Box::new(BufReader::with_capacity(256 * 1024, counting));
    let head = buffered.fill_buf().map_err(|e| {
        ImportError::Refused(Refusal::Io {
            detail: e.to_string(),
        })
    })?;
    let format = match opts.format {
        Some(f) => f,
        None => rules::detect(head).ok_or(ImportError::Refused(Refusal::Unrecognised))?,
    };
    let source: Source = match format {
        TransferFormat::Marc => marc_source(buffered, opts.this_year),
        TransferFormat::MarcXml => marcxml_source(buffered, opts.this_year),
        TransferFormat::Csv | TransferFormat::Xlsx => table_source(Box::new(buffered), opts)?,
        TransferFormat::Slims => slims_source(buffered, opts.this_year)?,
    };
    let mut result = ImportResult {
        format: Some(format),
        dry_run: opts.dry_run,
        ..Default::default()
    };
    let mut batch = Batch::new(lib, village, opts);
    let mut units = Vec::with_capacity(opts.batch_size);
    let mut source = source.peekable();
    let mut batches: u64 = 0;
    while source.peek().is_some() {
        units.clear();
        units.extend(source.by_ref().take(opts.batch_size.max(1)));
        if opts.dry_run {
            batch.apply(conn, by, &mut units, &mut result)?;
        } else {
            write_tx(conn, |conn| batch.apply(conn, by, &mut units, &mut result))?;
        }
        batches += 1;
        if batches.is_power_of_two() && matches!(conn, DbConn::Pg(_)) {
            // PostgreSQL plans the repeated lookups once; planned against
            // the empty tables of a first import they would scan, and a big
            // import would turn quadratic. Fresh statistics (which also
            // invalidate the cached plans) keep them on the indexes.
            diesel::sql_query("ANALYZE biblios, items").execute(conn)?;
        }
        progress(Progress {
            records: result.records,
            bytes_read: count.load(Ordering::Relaxed),
            total_bytes,
        });
    }
    Ok(result)
}

/// Per-import state that outlives one batch.
struct Batch<'o> {
    lib: String,
    village: String,
    opts: &'o ImportOptions,
}

/// Match keys: the ISBN and the control number. A record with neither is
/// matched by its description (folded title, authors, year, edition,
/// publisher), so re-importing such records does not duplicate them either.
#[allow(clippy::too_many_arguments)]
fn match_keys(
    isbn: &Option<String>,
    control: &Option<String>,
    title: &str,
    authors: &str,
    year: Option<i32>,
    edition: &Option<String>,
    publisher: &Option<String>,
) -> Vec<String> {
    let mut k = Vec::new();
    if let Some(i) = isbn {
        k.push(format!("i:{i}"));
    }
    if let Some(c) = control {
        k.push(format!("c:{c}"));
    }
    if k.is_empty() {
        k.push(format!(
            "t:{}|{}|{:?}|{}|{}",
            search_key(title),
            search_key(authors),
            year,
            search_key(edition.as_deref().unwrap_or("")),
            search_key(publisher.as_deref().unwrap_or(""))
        ));
    }
    k
}

fn keys(n: &NewBiblio) -> Vec<String> {
    match_keys(
        &n.isbn,
        &n.control_number,
        &n.title,
        &n.authors,
        n.year,
        &n.edition,
        &n.publisher,
    )
}

/// The candidate `n` is: the same control number; else the same ISBN unless
/// both carry different control numbers (different records that share an
/// ISBN, which happens, are kept apart and flagged: the `bool`); else, for a
/// record with neither, the same description.
fn find_match(
    n: &NewBiblio,
    map: &HashMap<String, usize>,
    control: impl Fn(usize) -> Option<String>,
) -> (Option<usize>, bool) {
    if let Some(c) = &n.control_number
        && let Some(&i) = map.get(&format!("c:{c}"))
    {
        return (Some(i), false);
    }
    if let Some(isbn) = &n.isbn
        && let Some(&i) = map.get(&format!("i:{isbn}"))
    {
        return match (&n.control_number, control(i)) {
            (Some(a), Some(b)) if *a != b => (None, true),
            _ => (Some(i), false),
        };
    }
    if n.isbn.is_none() && n.control_number.is_none() {
        let k = keys(n);
        return (k.first().and_then(|k| map.get(k)).copied(), false);
    }
    (None, false)
}

fn stored_keys(b: &StoredBiblio) -> Vec<String> {
    match_keys(
        &b.isbn,
        &b.control_number,
        &b.title,
        &b.authors,
        b.year,
        &b.edition,
        &b.publisher,
    )
}

impl<'o> Batch<'o> {
    fn new(lib: String, village: String, opts: &'o ImportOptions) -> Batch<'o> {
        Batch { lib, village, opts }
    }

    fn apply(
        &mut self,
        conn: &mut DbConn,
        by: &ActorRef,
        units: &mut Vec<Incoming>,
        result: &mut ImportResult,
    ) -> Result<(), ImportError> {
        let cap = self.opts.problem_cap;
        // 1. Check every record.
        let mut parsed: Vec<(NewBiblio, Vec<ItemIn>)> = Vec::new();
        let mut slims_items: Vec<(ProblemPosition, String, ItemIn)> = Vec::new();
        for unit in units.drain(..) {
            match unit {
                Incoming::Problem(p) => {
                    if !matches!(p.position, ProblemPosition::File) {
                        result.records += 1;
                        result.failed += 1;
                    }
                    result.problem(cap, p);
                }
                Incoming::SlimsItem {
                    position,
                    title,
                    item,
                } => {
                    result.records += 1;
                    slims_items.push((position, title, item));
                }
                Incoming::Record(rec) => {
                    let rec = *rec;
                    result.records += 1;
                    for p in rec.item_problems {
                        result.problem(cap, p);
                    }
                    match BiblioDraft::parse(&rec.form, self.opts.this_year) {
                        Ok(d) => parsed.push((new_biblio(&self.lib, &d, rec.marc), rec.items)),
                        Err(e) => {
                            result.failed += 1;
                            result.problem(
                                cap,
                                ImportProblem {
                                    position: rec.position,
                                    reason: ProblemReason::Invalid { errors: e.0 },
                                },
                            );
                        }
                    }
                }
            }
        }
        // 2. Find the records already in the library.
        let isbns: Vec<String> = parsed.iter().filter_map(|(n, _)| n.isbn.clone()).collect();
        let controls: Vec<String> = parsed
            .iter()
            .filter_map(|(n, _)| n.control_number.clone())
            .collect();
        let titles: Vec<String> = parsed
            .iter()
            .filter(|(n, _)| n.isbn.is_none() && n.control_number.is_none())
            .map(|(n, _)| n.title_key.clone())
            .collect();
        // One query per key column: with `a IN … OR b IN …` SQLite falls
        // back to scanning the whole library, which makes a big import
        // quadratic.
        let mut existing: Vec<StoredBiblio> = Vec::new();
        macro_rules! load_by {
            ($col:expr, $values:expr) => {
                for chunk in $values.chunks(500) {
                    existing.extend(
                        biblios::table
                            .filter(biblios::library_id.eq(&self.lib))
                            .filter($col.eq_any(chunk))
                            .select(StoredBiblio::as_select())
                            .load(conn)?,
                    );
                }
            };
        }
        load_by!(biblios::isbn, isbns);
        load_by!(biblios::control_number, controls);
        load_by!(biblios::title_key, titles);
        existing.sort_by(|a, b| a.id.cmp(&b.id));
        existing.dedup_by(|a, b| a.id == b.id);
        let mut by_key: HashMap<String, usize> = HashMap::new();
        for (i, b) in existing.iter().enumerate() {
            for k in stored_keys(b) {
                by_key.entry(k).or_insert(i);
            }
        }
        // 3. Decide: insert, update or leave alone.
        let mut inserts: Vec<NewBiblio> = Vec::new();
        let mut insert_items: Vec<(usize, Vec<ItemIn>)> = Vec::new();
        let mut new_by_key: HashMap<String, usize> = HashMap::new();
        let mut changed: Vec<String> = Vec::new();
        let mut item_targets: Vec<(String, Vec<ItemIn>)> = Vec::new();
        for (n, its) in parsed {
            let ks = keys(&n);
            let (pending, clash_a) =
                find_match(&n, &new_by_key, |i| inserts[i].control_number.clone());
            let (found, clash_b) = find_match(&n, &by_key, |i| existing[i].control_number.clone());
            if let Some(i) = pending {
                // Repeated within this batch: the later one wins.
                let id = inserts[i].id.clone();
                let same = {
                    let old = &inserts[i];
                    old.title == n.title && old.authors == n.authors && old.marc == n.marc
                };
                inserts[i] = NewBiblio { id, ..n };
                insert_items.push((i, its));
                if same {
                    result.unchanged += 1;
                } else {
                    result.updated += 1;
                }
                continue;
            }
            if pending.is_none() && found.is_none() && (clash_a || clash_b) {
                result.duplicate_isbns += 1;
            }
            if let Some(i) = found {
                let old = &mut existing[i];
                if old.same_fields(&n) {
                    result.unchanged += 1;
                } else {
                    diesel::update(biblios::table.find(&old.id))
                        .set((
                            biblios::title.eq(&n.title),
                            biblios::subtitle.eq(&n.subtitle),
                            biblios::authors.eq(&n.authors),
                            biblios::publisher.eq(&n.publisher),
                            biblios::place.eq(&n.place),
                            biblios::year.eq(n.year),
                            biblios::edition.eq(&n.edition),
                            biblios::isbn.eq(&n.isbn),
                            biblios::language.eq(&n.language),
                            biblios::ddc.eq(&n.ddc),
                            biblios::call_number.eq(&n.call_number),
                            biblios::subjects.eq(&n.subjects),
                            biblios::collection.eq(&n.collection),
                            biblios::notes.eq(&n.notes),
                            biblios::control_number.eq(&n.control_number),
                            biblios::title_key.eq(&n.title_key),
                            biblios::updated_at.eq(n.updated_at),
                        ))
                        .execute(conn)?;
                    if n.marc.is_some() {
                        diesel::update(biblios::table.find(&old.id))
                            .set(biblios::marc.eq(&n.marc))
                            .execute(conn)?;
                    }
                    result.updated += 1;
                    changed.push(old.id.clone());
                    // Later matches in this batch compare with the new state.
                    let id = old.id.clone();
                    *old = StoredBiblio {
                        id,
                        title: n.title.clone(),
                        subtitle: n.subtitle.clone(),
                        authors: n.authors.clone(),
                        publisher: n.publisher.clone(),
                        place: n.place.clone(),
                        year: n.year,
                        edition: n.edition.clone(),
                        isbn: n.isbn.clone(),
                        language: n.language.clone(),
                        ddc: n.ddc.clone(),
                        call_number: n.call_number.clone(),
                        subjects: n.subjects.clone(),
                        collection: n.collection.clone(),
                        notes: n.notes.clone(),
                        control_number: n.control_number.clone(),
                        marc: n.marc.clone().or(old.marc.take()),
                    };
                }
                // Copies of a record already here are added only when they
                // bring their own barcode (a re-import must not add copies).
                let with_barcodes: Vec<ItemIn> =
                    its.into_iter().filter(|i| i.barcode.is_some()).collect();
                if !with_barcodes.is_empty() {
                    item_targets.push((existing[i].id.clone(), with_barcodes));
                }
                continue;
            }
            let i = inserts.len();
            for k in ks {
                new_by_key.entry(k).or_insert(i);
            }
            result.created += 1;
            insert_items.push((i, its));
            inserts.push(n);
        }
        for chunk in inserts.chunks(500) {
            crate::on_backend!(&mut *conn, |c| diesel::insert_into(biblios::table)
                .values(chunk)
                .execute(c))?;
        }
        changed.extend(inserts.iter().map(|n| n.id.clone()));
        for (i, its) in insert_items {
            if !its.is_empty() {
                item_targets.push((inserts[i].id.clone(), its));
            }
        }
        // 4. Items.
        self.add_items(conn, item_targets, &mut changed, result)?;
        self.slims_items(conn, slims_items, &mut changed, result)?;
        // 5. The index's change feed and the audit trail.
        changed.sort();
        changed.dedup();
        let t = now();
        let rows: Vec<_> = changed
            .iter()
            .map(|id| {
                (
                    catalog_changes::biblio_id.eq(id.as_str()),
                    catalog_changes::library_id.eq(self.lib.as_str()),
                    catalog_changes::changed_at.eq(t),
                )
            })
            .collect();
        for chunk in rows.chunks(1000) {
            crate::on_backend!(&mut *conn, |c| diesel::insert_into(catalog_changes::table)
                .values(chunk)
                .execute(c))?;
        }
        if !changed.is_empty() && !self.opts.dry_run {
            audit::record(
                conn,
                by,
                Change {
                    action: "catalog.import",
                    entity: "library",
                    entity_id: self.lib.clone(),
                    region: RegionCode::parse(&self.village).ok(),
                    library: LibraryId::parse(&self.lib).ok(),
                    summary: format!(
                        "catalogue import: {} records saved ({} created, {} updated so far)",
                        changed.len(),
                        result.created,
                        result.updated
                    ),
                    details: None,
                },
            )?;
        }
        Ok(())
    }

    /// Reserves `n` generated barcodes not yet used in the library.
    fn barcodes(&self, conn: &mut DbConn, n: usize) -> Result<Vec<String>, ImportError> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let want = (n - out.len()) as i64;
            // The same counter as items added by hand (`catalog::next_barcode`).
            crate::on_backend!(&mut *conn, |c| diesel::insert_into(counters::table)
                .values((
                    counters::library_id.eq(&self.lib),
                    counters::kind.eq(BARCODE_COUNTER),
                    counters::value.eq(want),
                ))
                .on_conflict((counters::library_id, counters::kind))
                .do_update()
                .set(counters::value.eq(counters::value + want))
                .execute(c))?;
            let last: i64 = counters::table
                .find((&self.lib, BARCODE_COUNTER))
                .select(counters::value)
                .first(conn)?;
            let candidates: Vec<String> = (last - want + 1..=last)
                .map(|n| Barcode::generated(n).as_str().to_string())
                .collect();
            let taken: HashSet<String> = items::table
                .filter(items::library_id.eq(&self.lib))
                .filter(items::barcode.eq_any(&candidates))
                .select(items::barcode)
                .load::<String>(conn)?
                .into_iter()
                .collect();
            out.extend(candidates.into_iter().filter(|c| !taken.contains(c)));
        }
        Ok(out)
    }

    fn add_items(
        &mut self,
        conn: &mut DbConn,
        targets: Vec<(String, Vec<ItemIn>)>,
        changed: &mut Vec<String>,
        result: &mut ImportResult,
    ) -> Result<(), ImportError> {
        if targets.is_empty() {
            return Ok(());
        }
        let given: Vec<String> = targets
            .iter()
            .flat_map(|(_, its)| its.iter().filter_map(|i| i.barcode.clone()))
            .collect();
        let mut taken: HashSet<String> = HashSet::new();
        for chunk in given.chunks(5000) {
            taken.extend(
                items::table
                    .filter(items::library_id.eq(&self.lib))
                    .filter(items::barcode.eq_any(chunk))
                    .select(items::barcode)
                    .load::<String>(conn)?,
            );
        }
        let generate = targets
            .iter()
            .flat_map(|(_, its)| its.iter())
            .filter(|i| i.barcode.is_none())
            .count();
        let mut fresh = self.barcodes(conn, generate)?.into_iter();
        let t = now();
        let mut rows = Vec::new();
        for (biblio, its) in targets {
            for it in its {
                let barcode = match it.barcode {
                    // Already here (a re-import): leave it alone.
                    Some(b) if !taken.insert(b.clone()) => continue,
                    Some(b) => b,
                    None => match fresh.next() {
                        Some(b) => b,
                        None => continue,
                    },
                };
                changed.push(biblio.clone());
                rows.push(NewItem {
                    id: uuid::Uuid::now_v7().to_string(),
                    library_id: self.lib.clone(),
                    biblio_id: biblio.clone(),
                    barcode,
                    call_number: it.call_number,
                    location: it.location,
                    status: it.status.key().to_string(),
                    source: it.source,
                    acquired_on: it.acquired_on,
                    price: it.price,
                    notes: None,
                    created_at: t,
                    updated_at: t,
                });
            }
        }
        result.items_created += rows.len() as u64;
        for chunk in rows.chunks(1000) {
            crate::on_backend!(&mut *conn, |c| diesel::insert_into(items::table)
                .values(chunk)
                .execute(c))?;
        }
        Ok(())
    }

    /// Rows of SLiMS's item export: update the copy with that item code, or
    /// add it to the record with that title.
    fn slims_items(
        &mut self,
        conn: &mut DbConn,
        rows: Vec<(ProblemPosition, String, ItemIn)>,
        changed: &mut Vec<String>,
        result: &mut ImportResult,
    ) -> Result<(), ImportError> {
        let cap = self.opts.problem_cap;
        let mut add: Vec<(String, Vec<ItemIn>)> = Vec::new();
        for (position, title, item) in rows {
            let existing: Option<StoredItem> = match &item.barcode {
                Some(b) => items::table
                    .filter(items::library_id.eq(&self.lib))
                    .filter(items::barcode.eq(b))
                    .select(StoredItem::as_select())
                    .first(conn)
                    .optional()?,
                None => None,
            };
            if let Some(old) = existing {
                let same = old.call_number == item.call_number
                    && old.location == item.location
                    && old.source == item.source
                    && old.acquired_on == item.acquired_on
                    && old.price == item.price
                    && (old.status == item.status.key() || old.status == "on_loan");
                if same {
                    result.unchanged += 1;
                    continue;
                }
                // A copy on loan stays on loan; the file cannot know better.
                let status = if old.status == "on_loan" {
                    old.status.clone()
                } else {
                    item.status.key().to_string()
                };
                diesel::update(items::table.find(&old.id))
                    .set((
                        items::call_number.eq(&item.call_number),
                        items::location.eq(&item.location),
                        items::source.eq(&item.source),
                        items::acquired_on.eq(item.acquired_on),
                        items::price.eq(item.price),
                        items::status.eq(status),
                        items::updated_at.eq(now()),
                    ))
                    .execute(conn)?;
                result.items_updated += 1;
                result.updated += 1;
                changed.push(old.biblio_id);
                continue;
            }
            let biblio: Option<String> = biblios::table
                .filter(biblios::library_id.eq(&self.lib))
                .filter(biblios::title_key.eq(search_key(&title)))
                .order(biblios::id)
                .select(biblios::id)
                .first(conn)
                .optional()?;
            match biblio {
                Some(id) => {
                    result.created += 1;
                    add.push((id, vec![item]));
                }
                None => {
                    result.failed += 1;
                    result.problem(
                        cap,
                        ImportProblem {
                            position,
                            reason: ProblemReason::NoRecordForItem { title },
                        },
                    );
                }
            }
        }
        self.add_items(conn, add, changed, result)
    }
}

/// The library a command line names: its id, or its NPP.
pub fn find_library(conn: &mut DbConn, id_or_npp: &str) -> Result<Option<LibraryId>, StoreError> {
    if let Ok(id) = LibraryId::parse(id_or_npp.trim()) {
        let found: Option<String> = libraries::table
            .find(id.to_string())
            .select(libraries::id)
            .first(conn)
            .optional()?;
        return Ok(found.map(|_| id));
    }
    let Ok(npp) = lentera_core::libraries::Npp::parse(id_or_npp) else {
        return Ok(None);
    };
    let found: Option<String> = libraries::table
        .filter(libraries::npp.eq(npp.as_str()))
        .select(libraries::id)
        .first(conn)
        .optional()?;
    Ok(found.and_then(|s| LibraryId::parse(&s).ok()))
}

// ------------------------------------------------------------ export

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing: {0}")]
    Write(String),
}

impl From<diesel::result::Error> for ExportError {
    fn from(e: diesel::result::Error) -> Self {
        ExportError::Store(e.into())
    }
}

fn werr(e: impl std::fmt::Display) -> ExportError {
    ExportError::Write(e.to_string())
}

/// Records in the library, for progress and empty-export checks.
pub fn count(conn: &mut DbConn, library: LibraryId) -> Result<i64, StoreError> {
    Ok(biblios::table
        .filter(biblios::library_id.eq(library.to_string()))
        .count()
        .get_result(conn)?)
}

/// Pages through the library's records in id order, 1,000 at a time, with
/// their items: memory stays flat however large the catalogue.
fn for_each_page(
    conn: &mut DbConn,
    library: LibraryId,
    mut f: impl FnMut(&[StoredBiblio], &HashMap<String, Vec<StoredItem>>) -> Result<(), ExportError>,
) -> Result<u64, ExportError> {
    let lib = library.to_string();
    let mut after = String::new();
    let mut total = 0;
    loop {
        let page: Vec<StoredBiblio> = biblios::table
            .filter(biblios::library_id.eq(&lib))
            .filter(biblios::id.gt(&after))
            .order(biblios::id)
            .limit(1000)
            .select(StoredBiblio::as_select())
            .load(conn)?;
        let Some(last) = page.last() else { break };
        after = last.id.clone();
        let ids: Vec<&str> = page.iter().map(|b| b.id.as_str()).collect();
        let mut by_biblio: HashMap<String, Vec<StoredItem>> = HashMap::new();
        for it in items::table
            .filter(items::biblio_id.eq_any(&ids))
            .order((items::biblio_id, items::barcode))
            .select(StoredItem::as_select())
            .load(conn)?
        {
            by_biblio.entry(it.biblio_id.clone()).or_default().push(it);
        }
        total += page.len() as u64;
        f(&page, &by_biblio)?;
    }
    Ok(total)
}

/// Writes the library's catalogue to `out` in `format`; returns how many
/// records were written. XLSX is assembled in memory (the format is a zip);
/// every other format streams.
pub fn export(
    conn: &mut DbConn,
    library: LibraryId,
    format: TransferFormat,
    out: &mut dyn Write,
    today: NaiveDate,
) -> Result<u64, ExportError> {
    use chrono::Datelike;
    let this_year = today.year();
    let entered = EntryDate::new(today.year() as u16, today.month() as u8, today.day() as u8)
        .ok_or_else(|| werr("date out of range"))?;
    let draft = |b: &StoredBiblio| {
        BiblioDraft::parse(&b.to_form(), this_year + 1)
            .map_err(|e| werr(format!("stored record {} does not parse: {e:?}", b.id)))
    };
    let empty = Vec::new();
    match format {
        TransferFormat::Marc => {
            let mut w = MarcWriter::new(out);
            let n = for_each_page(conn, library, |page, items| {
                for b in page {
                    let its = items.get(&b.id).unwrap_or(&empty);
                    let rec = export_record(b, &draft(b)?, its, entered, this_year);
                    w.write(&rec).map_err(werr)?;
                }
                Ok(())
            })?;
            w.flush().map_err(werr)?;
            Ok(n)
        }
        TransferFormat::MarcXml => {
            let mut w = MarcXmlWriter::new(out);
            let n = for_each_page(conn, library, |page, items| {
                for b in page {
                    let its = items.get(&b.id).unwrap_or(&empty);
                    let rec = export_record(b, &draft(b)?, its, entered, this_year);
                    w.write(&rec).map_err(werr)?;
                }
                Ok(())
            })?;
            w.finish().map_err(werr)?;
            Ok(n)
        }
        TransferFormat::Csv | TransferFormat::Xlsx => {
            let tf = if format == TransferFormat::Csv {
                Format::Csv
            } else {
                Format::Xlsx
            };
            let mut w = TableWriter::new(tf, out).map_err(werr)?;
            if tf == Format::Xlsx {
                w = w.with_sheet_name("Katalog").map_err(werr)?;
            }
            let headers: Vec<&str> = COLUMNS.iter().map(|c| c.key).collect();
            w.write_header(&headers).map_err(werr)?;
            let n = for_each_page(conn, library, |page, items| {
                for b in page {
                    let f = b.to_form();
                    let its = items.get(&b.id).unwrap_or(&empty);
                    let one = [None];
                    let rows: Vec<Option<&StoredItem>> = if its.is_empty() {
                        one.to_vec()
                    } else {
                        its.iter().map(Some).collect()
                    };
                    for it in rows {
                        let cells: Vec<Cell<'_>> =
                            COLUMNS.iter().map(|c| table_cell(&f, it, c.key)).collect();
                        w.write_row(&cells).map_err(werr)?;
                    }
                }
                Ok(())
            })?;
            w.finish().map_err(werr)?;
            Ok(n)
        }
        TransferFormat::Slims => {
            let mut line = String::new();
            let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
            let header: Vec<String> = rules::SLIMS_BIBLIO_COLUMNS
                .iter()
                .map(|c| quote(c))
                .collect();
            out.write_all(header.join(",").as_bytes()).map_err(werr)?;
            out.write_all(b"\n").map_err(werr)?;
            let n = for_each_page(conn, library, |page, items| {
                for b in page {
                    let its = items.get(&b.id).unwrap_or(&empty);
                    let s = |v: &Option<String>| v.clone().unwrap_or_default();
                    let authors: Vec<&str> = b.authors.lines().collect();
                    let topics: Vec<&str> = b.subjects.lines().collect();
                    let codes: Vec<&str> = its.iter().map(|i| i.barcode.as_str()).collect();
                    let cells = [
                        b.title.clone(),
                        "Text".to_string(),
                        s(&b.edition),
                        s(&b.isbn),
                        s(&b.publisher),
                        b.year.map(|y| y.to_string()).unwrap_or_default(),
                        String::new(),
                        String::new(),
                        s(&b.call_number),
                        b.language
                            .as_deref()
                            .map(rules::language_name)
                            .unwrap_or_default(),
                        s(&b.place),
                        s(&b.ddc),
                        s(&b.notes),
                        String::new(),
                        String::new(),
                        rules::join_slims_list(&authors),
                        rules::join_slims_list(&topics),
                        rules::join_slims_list(&codes),
                    ];
                    line.clear();
                    for (i, c) in cells.iter().enumerate() {
                        if i > 0 {
                            line.push(',');
                        }
                        line.push_str(&quote(&c.replace(['\r', '\n'], " ")));
                    }
                    line.push('\n');
                    out.write_all(line.as_bytes()).map_err(werr)?;
                }
                Ok(())
            })?;
            out.flush().map_err(werr)?;
            Ok(n)
        }
    }
}

fn table_cell<'a>(f: &'a BiblioForm, it: Option<&'a StoredItem>, key: &str) -> Cell<'a> {
    let text = |s: &'a str| Cell::from(s);
    match key {
        "judul" => text(&f.title),
        "anak_judul" => text(&f.subtitle),
        "pengarang" => Cell::from(f.authors.replace('\n', "; ")),
        "penerbit" => text(&f.publisher),
        "kota_terbit" => text(&f.place),
        "tahun" => text(&f.year),
        "edisi" => text(&f.edition),
        "isbn" => text(&f.isbn),
        "bahasa" => text(&f.language),
        "ddc" => text(&f.ddc),
        "nomor_panggil" => text(&f.call_number),
        "subjek" => Cell::from(f.subjects.replace('\n', "; ")),
        "jenis_koleksi" => text(&f.collection),
        "keterangan" => text(&f.notes),
        "nomor_kontrol" => text(&f.control_number),
        _ => match it {
            None => Cell::Empty,
            Some(it) => match key {
                "barcode" => text(&it.barcode),
                "eksemplar" => Cell::Empty,
                "lokasi" => Cell::from(it.location.as_deref()),
                "sumber" => Cell::from(it.source.as_deref()),
                "tanggal_pengadaan" => it.acquired_on.map(Cell::Date).unwrap_or(Cell::Empty),
                "harga" => it.price.map(Cell::Int).unwrap_or(Cell::Empty),
                "status" => text(&it.status),
                _ => Cell::Empty,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marc_form_keeps_first_valid_isbn_and_drops_impossible_years() {
        let b = BibFields {
            title: Some("Laskar pelangi".into()),
            authors: vec!["Hirata, Andrea".into()],
            isbns: vec!["123".into(), "979-3062-79-7".into()],
            year: Some("2999".into()),
            language: Some("ind".into()),
            collection_type: Some("Fiksi".into()),
            ..Default::default()
        };
        let rec = b.to_record(EntryDate::new(2025, 1, 1).unwrap());
        let f = marc_form(&rec, 2026);
        assert_eq!(f.title, "Laskar pelangi");
        assert_eq!(f.isbn, "9789793062792");
        assert_eq!(f.year, "");
        assert_eq!(f.language, "ind");
        assert_eq!(f.collection, "fiksi");
        assert!(BiblioDraft::parse(&f, 2026).is_ok());
    }

    #[test]
    fn holdings_are_read_from_952() {
        let mut rec = BibFields {
            title: Some("x".into()),
            ..Default::default()
        }
        .to_record(EntryDate::new(2025, 1, 1).unwrap());
        rec.push(Field::Data(
            DataField::new(tag("952"), Indicator::BLANK, Indicator::BLANK)
                .with(code('p'), "B001")
                .with(code('c'), "Rak 1")
                .with(code('d'), "2024-03-01")
                .with(code('g'), "45000")
                .with(code('s'), "lost"),
        ));
        let mut bad = Vec::new();
        let items = marc_items(&rec, &mut bad);
        assert!(bad.is_empty());
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].barcode.as_deref(), Some("B001"));
        assert_eq!(items[0].location.as_deref(), Some("Rak 1"));
        assert_eq!(items[0].price, Some(45000));
        assert_eq!(items[0].status, ItemStatus::Lost);
        assert_eq!(items[0].acquired_on, NaiveDate::from_ymd_opt(2024, 3, 1));
    }

    #[test]
    fn slims_years_and_isbns_are_cleaned() {
        let f = slims_clean(
            BiblioForm {
                year: "[c2005]".into(),
                isbn: "ISSN 1234; 979-3062-79-7".into(),
                ..Default::default()
            },
            2026,
        );
        assert_eq!(f.year, "2005");
        assert_eq!(f.isbn, "9789793062792");
    }
}

//! Catalogue import and export: the formats, how a file is recognised by its
//! content, the documented spreadsheet columns and the SLiMS conventions.
//! Pure: readers and writers live in the store, which streams the files.

use serde::{Deserialize, Serialize};

/// The file formats a catalogue is imported from and exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransferFormat {
    /// MARC 21 in ISO 2709 (MARC-8 or UTF-8 on import; UTF-8 on export).
    Marc,
    /// MARC 21 XML (the Library of Congress slim schema).
    MarcXml,
    /// Lentera's documented spreadsheet columns, as CSV.
    Csv,
    /// Lentera's documented spreadsheet columns, as Excel.
    Xlsx,
    /// SLiMS's own CSV exports (bibliography export or item export).
    Slims,
}

impl TransferFormat {
    pub const ALL: [TransferFormat; 5] = [
        TransferFormat::Marc,
        TransferFormat::MarcXml,
        TransferFormat::Csv,
        TransferFormat::Xlsx,
        TransferFormat::Slims,
    ];

    pub fn key(self) -> &'static str {
        match self {
            TransferFormat::Marc => "marc",
            TransferFormat::MarcXml => "marcxml",
            TransferFormat::Csv => "csv",
            TransferFormat::Xlsx => "xlsx",
            TransferFormat::Slims => "slims",
        }
    }

    /// Accepts the keys and the usual spellings people type.
    pub fn parse(s: &str) -> Option<TransferFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "marc" | "mrc" | "iso2709" | "marc21" | "usmarc" => Some(TransferFormat::Marc),
            "marcxml" | "xml" | "marc-xml" => Some(TransferFormat::MarcXml),
            "csv" => Some(TransferFormat::Csv),
            "xlsx" | "excel" => Some(TransferFormat::Xlsx),
            "slims" | "senayan" => Some(TransferFormat::Slims),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            TransferFormat::Marc => "mrc",
            TransferFormat::MarcXml => "xml",
            TransferFormat::Csv | TransferFormat::Slims => "csv",
            TransferFormat::Xlsx => "xlsx",
        }
    }

    pub fn mime_type(self) -> &'static str {
        match self {
            TransferFormat::Marc => "application/marc",
            TransferFormat::MarcXml => "application/marcxml+xml",
            TransferFormat::Csv | TransferFormat::Slims => "text/csv; charset=utf-8",
            TransferFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TransferFormat::Marc => "MARC 21 (ISO 2709)",
            TransferFormat::MarcXml => "MARCXML",
            TransferFormat::Csv => "CSV",
            TransferFormat::Xlsx => "Excel (XLSX)",
            TransferFormat::Slims => "SLiMS CSV",
        }
    }
}

/// Which of SLiMS's two exports a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlimsKind {
    Biblio,
    Items,
}

/// Recognises a catalogue file from its first bytes (a few KB). Names lie;
/// content does not. `None`: not a catalogue file we read.
pub fn detect(head: &[u8]) -> Option<TransferFormat> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if head.starts_with(b"PK\x03\x04") {
        return Some(TransferFormat::Xlsx);
    }
    if looks_like_iso2709(head) {
        return Some(TransferFormat::Marc);
    }
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let text = &head[start..];
    if text.starts_with(b"<") {
        let s = String::from_utf8_lossy(text);
        return (s.contains("record") || s.contains("collection"))
            .then_some(TransferFormat::MarcXml);
    }
    // Binary data is not a spreadsheet.
    if text.iter().take(512).any(|b| *b == 0) {
        return None;
    }
    let first_line = text.split(|b| *b == b'\n').next().unwrap_or(b"");
    let line = String::from_utf8_lossy(first_line);
    if slims_kind(&line).is_some() {
        return Some(TransferFormat::Slims);
    }
    Some(TransferFormat::Csv)
}

/// Leader: five digits of record length, and either the indicator/subfield
/// counts "22" at 10-11 or the entry map "45" at 20-21.
fn looks_like_iso2709(head: &[u8]) -> bool {
    head.len() >= 24
        && head[..5].iter().all(u8::is_ascii_digit)
        && (&head[10..12] == b"22" || &head[20..22] == b"45")
}

/// Number of columns of SLiMS's biblio export (title … item_code).
pub const SLIMS_BIBLIO_COLUMNS: &[&str] = &[
    "title",
    "gmd_name",
    "edition",
    "isbn_issn",
    "publisher_name",
    "publish_year",
    "collation",
    "series_title",
    "call_number",
    "language_name",
    "place_name",
    "classification",
    "notes",
    "image",
    "sor",
    "authors",
    "topics",
    "item_code",
];

/// Columns of SLiMS's item export.
pub const SLIMS_ITEM_COLUMNS: &[&str] = &[
    "item_code",
    "call_number",
    "coll_type_name",
    "inventory_code",
    "received_date",
    "supplier_name",
    "order_no",
    "location_name",
    "order_date",
    "item_status_name",
    "site",
    "source",
    "invoice",
    "price",
    "price_currency",
    "invoice_date",
    "input_date",
    "last_update",
    "title",
];

/// Tells a SLiMS export from its first line: the header SLiMS writes when
/// "column names in the first row" is ticked, or else a data row where every
/// field is enclosed in quotes and the field count is the export's.
pub fn slims_kind(first_line: &str) -> Option<SlimsKind> {
    let line = first_line.trim_end_matches(['\r', '\n']);
    let lower = line.to_ascii_lowercase();
    if lower.contains("\"gmd_name\"") && lower.contains("\"isbn_issn\"") {
        return Some(SlimsKind::Biblio);
    }
    if lower.contains("\"item_code\"") && lower.contains("\"coll_type_name\"") {
        return Some(SlimsKind::Items);
    }
    if !line.starts_with('"') {
        return None;
    }
    // Count `"<sep>"` boundaries; SLiMS encloses every field.
    for sep in [",", ";", "\t", "|"] {
        let fields = line.matches(&format!("\"{sep}\"")).count() + 1;
        let trailing = line.ends_with(&format!("\"{sep}"));
        let fields = fields + usize::from(trailing);
        if fields == SLIMS_BIBLIO_COLUMNS.len() {
            return Some(SlimsKind::Biblio);
        }
        if fields == SLIMS_ITEM_COLUMNS.len() {
            return Some(SlimsKind::Items);
        }
    }
    None
}

/// SLiMS writes lists (authors, topics, item codes) as `<a><b><c>`.
pub fn split_slims_list(s: &str) -> Vec<String> {
    let s = s.trim();
    if !s.contains('<') {
        return crate::catalog::split_list(s);
    }
    s.split(['<', '>'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// The reverse of [`split_slims_list`].
pub fn join_slims_list<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|s| format!("<{}>", s.as_ref().replace(['<', '>'], "")))
        .collect()
}

/// Language names as SLiMS and Indonesian spreadsheets write them, to the
/// ISO 639-2 codes catalogues use. Codes themselves pass through.
pub fn language_code(name: &str) -> Option<String> {
    let n = name.trim().to_lowercase();
    let n = n.strip_prefix("bahasa ").unwrap_or(&n);
    let code = match n {
        "" => return None,
        "indonesia" | "indonesian" | "id" | "in" => "ind",
        "inggris" | "english" | "en" => "eng",
        "jawa" | "javanese" | "jv" => "jav",
        "sunda" | "sundanese" | "su" => "sun",
        "arab" | "arabic" | "ar" => "ara",
        "melayu" | "malay" | "ms" => "may",
        "madura" | "madurese" => "mad",
        "bali" | "balinese" => "ban",
        "belanda" | "dutch" | "nl" => "dut",
        "jerman" | "german" | "de" => "ger",
        "perancis" | "prancis" | "french" | "fr" => "fre",
        "jepang" | "japanese" | "ja" => "jpn",
        "mandarin" | "cina" | "tionghoa" | "chinese" | "zh" => "chi",
        other
            if (2..=3).contains(&other.len()) && other.bytes().all(|b| b.is_ascii_lowercase()) =>
        {
            other
        }
        _ => return None,
    };
    Some(code.to_string())
}

/// The name SLiMS shows for a language code (its `mst_language` names).
pub fn language_name(code: &str) -> String {
    match code {
        "ind" => "Indonesia",
        "eng" => "English",
        "jav" => "Jawa",
        "sun" => "Sunda",
        "ara" => "Arab",
        "may" => "Melayu",
        other => other,
    }
    .to_string()
}

/// One column of the documented spreadsheet layout: its header (Indonesian,
/// as written on export), other headers accepted on import, and whether it
/// describes the record or one copy (item).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub key: &'static str,
    pub aliases: &'static [&'static str],
    pub item: bool,
}

const fn col(key: &'static str, aliases: &'static [&'static str], item: bool) -> Column {
    Column { key, aliases, item }
}

/// Lentera's CSV/XLSX catalogue layout. One row per copy: rows that repeat a
/// record's columns (or share its ISBN or control number) are one record
/// with several items. A row without a barcode may give `eksemplar`, the
/// number of copies, and barcodes are generated.
pub const COLUMNS: &[Column] = &[
    col("judul", &["title", "judul buku"], false),
    col(
        "anak_judul",
        &["subtitle", "anak judul", "sub judul", "subjudul"],
        false,
    ),
    col(
        "pengarang",
        &["authors", "author", "penulis", "pengarang/penulis"],
        false,
    ),
    col("penerbit", &["publisher"], false),
    col(
        "kota_terbit",
        &["place", "tempat terbit", "kota", "place of publication"],
        false,
    ),
    col(
        "tahun",
        &["year", "tahun terbit", "publication year"],
        false,
    ),
    col("edisi", &["edition", "cetakan"], false),
    col("isbn", &["isbn/issn", "isbn_issn"], false),
    col("bahasa", &["language"], false),
    col(
        "ddc",
        &["klasifikasi", "classification", "no klasifikasi", "dewey"],
        false,
    ),
    col(
        "nomor_panggil",
        &["call_number", "call number", "no panggil", "nomor panggil"],
        false,
    ),
    col("subjek", &["subjects", "subject", "topik", "topics"], false),
    col(
        "jenis_koleksi",
        &["collection", "koleksi", "jenis koleksi", "collection type"],
        false,
    ),
    col("keterangan", &["notes", "catatan", "note"], false),
    col(
        "nomor_kontrol",
        &["control_number", "control number", "no kontrol", "001"],
        false,
    ),
    col(
        "barcode",
        &[
            "kode_eksemplar",
            "kode eksemplar",
            "item_code",
            "kode barcode",
        ],
        true,
    ),
    col(
        "eksemplar",
        &["copies", "jumlah eksemplar", "jumlah", "jml eksemplar"],
        true,
    ),
    col("lokasi", &["location", "rak", "shelf", "lokasi rak"], true),
    col(
        "sumber",
        &["source", "sumber perolehan", "asal", "asal buku"],
        true,
    ),
    col(
        "tanggal_pengadaan",
        &[
            "acquired_on",
            "tanggal perolehan",
            "tanggal pengadaan",
            "acquisition date",
            "tgl pengadaan",
        ],
        true,
    ),
    col("harga", &["price", "harga (rp)"], true),
    col("status", &["status eksemplar", "item status"], true),
];

/// The column that carries a `BiblioForm` field, by form field name.
pub fn column_for_field(field: &str) -> Option<&'static str> {
    Some(match field {
        "title" => "judul",
        "subtitle" => "anak_judul",
        "authors" => "pengarang",
        "publisher" => "penerbit",
        "place" => "kota_terbit",
        "year" => "tahun",
        "edition" => "edisi",
        "isbn" => "isbn",
        "language" => "bahasa",
        "ddc" => "ddc",
        "call_number" => "nomor_panggil",
        "subjects" => "subjek",
        "collection" => "jenis_koleksi",
        "notes" => "keterangan",
        "control_number" => "nomor_kontrol",
        "barcode" => "barcode",
        "copies" => "eksemplar",
        "location" => "lokasi",
        "source" => "sumber",
        "acquired_on" => "tanggal_pengadaan",
        "price" => "harga",
        "status" => "status",
        _ => return None,
    })
}

/// Sets the form field a record column carries; `false` for item columns.
pub fn set_form_column(form: &mut super::BiblioForm, column: &str, value: &str) -> bool {
    let slot = match column {
        "judul" => &mut form.title,
        "anak_judul" => &mut form.subtitle,
        "pengarang" => &mut form.authors,
        "penerbit" => &mut form.publisher,
        "kota_terbit" => &mut form.place,
        "tahun" => &mut form.year,
        "edisi" => &mut form.edition,
        "isbn" => &mut form.isbn,
        "bahasa" => &mut form.language,
        "ddc" => &mut form.ddc,
        "nomor_panggil" => &mut form.call_number,
        "subjek" => &mut form.subjects,
        "jenis_koleksi" => &mut form.collection,
        "keterangan" => &mut form.notes,
        "nomor_kontrol" => &mut form.control_number,
        _ => return false,
    };
    *slot = value.to_string();
    true
}

/// Most copies one spreadsheet row may ask for: a typo of 1000 for 10 must
/// not create a thousand items.
pub const MAX_COPIES_PER_ROW: i64 = 200;

/// Problems reported per import are capped (the counts stay exact).
pub const DEFAULT_PROBLEM_CAP: usize = 1000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats_by_content() {
        assert_eq!(
            detect(b"00714cam a2200205 a 4500001001300000"),
            Some(TransferFormat::Marc)
        );
        assert_eq!(
            detect(
                b"<?xml version=\"1.0\"?>\n<collection xmlns=\"http://www.loc.gov/MARC21/slim\">"
            ),
            Some(TransferFormat::MarcXml)
        );
        assert_eq!(detect(b"<html><body>"), None);
        assert_eq!(detect(b"PK\x03\x04rest"), Some(TransferFormat::Xlsx));
        assert_eq!(
            detect(b"\xEF\xBB\xBFjudul,pengarang\r\nA,B\r\n"),
            Some(TransferFormat::Csv)
        );
        assert_eq!(
            detect(b"\"title\",\"gmd_name\",\"edition\",\"isbn_issn\",\n"),
            Some(TransferFormat::Slims)
        );
        assert_eq!(detect(b"\x00\x01\x02binary"), None);
    }

    #[test]
    fn slims_rows_without_a_header_are_recognised_by_field_count() {
        let biblio = (0..18).map(|i| format!("\"v{i}\"")).collect::<Vec<_>>();
        assert_eq!(slims_kind(&biblio.join(",")), Some(SlimsKind::Biblio));
        let items = (0..19).map(|i| format!("\"v{i}\"")).collect::<Vec<_>>();
        assert_eq!(slims_kind(&items.join(";")), Some(SlimsKind::Items));
        assert_eq!(slims_kind("judul,pengarang"), None);
        let header = "\"item_code\",\"call_number\",\"coll_type_name\",";
        assert_eq!(slims_kind(header), Some(SlimsKind::Items));
    }

    #[test]
    fn slims_lists_and_languages() {
        assert_eq!(
            split_slims_list("<Hirata, Andrea><Ahmad Tohari>"),
            ["Hirata, Andrea", "Ahmad Tohari"]
        );
        assert_eq!(split_slims_list("Perikanan; Lele"), ["Perikanan", "Lele"]);
        assert_eq!(join_slims_list(&["a", "b"]), "<a><b>");
        assert_eq!(language_code("Indonesia").as_deref(), Some("ind"));
        assert_eq!(language_code("Bahasa Inggris").as_deref(), Some("eng"));
        assert_eq!(language_code("jav").as_deref(), Some("jav"));
        assert_eq!(language_code("Klingon"), None);
        assert_eq!(language_name("ind"), "Indonesia");
    }

    #[test]
    fn every_form_field_has_a_column() {
        let mut f = super::super::BiblioForm::default();
        for c in COLUMNS.iter().filter(|c| !c.item) {
            assert!(set_form_column(&mut f, c.key, "x"), "{}", c.key);
        }
        assert_eq!(f.title, "x");
        assert_eq!(f.control_number, "x");
        for c in COLUMNS.iter().filter(|c| c.item) {
            assert!(!set_form_column(&mut f, c.key, "x"));
        }
    }
}

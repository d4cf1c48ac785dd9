//! Writing with TableWriter and reading back with TableReader.

use chrono::NaiveDate;
use lentera_tabular::{
    Cell, ColumnKind, Format, Lang, Layout, ReadOptions, Row, TableReader, TableWriter,
    TemplateColumn, xlsx_template,
};

fn layout() -> Layout {
    Layout::new()
        .required("code", &["kode_desa", "kode desa"])
        .required("name", &["nama"])
        .optional("members", &["anggota"])
        .optional("ratio", &["rasio"])
        .optional("founded", &["tanggal_berdiri"])
        .optional("active", &["aktif"])
        .optional("notes", &["catatan"])
        .optional("big", &["angka_besar"])
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn sample(format: Format) -> Vec<u8> {
    let mut w = TableWriter::new(format, Vec::new()).expect("writer");
    w.write_header(&[
        "kode_desa",
        "nama",
        "anggota",
        "rasio",
        "tanggal_berdiri",
        "aktif",
        "catatan",
        "angka_besar",
    ])
    .expect("header");
    w.write_row(&[
        Cell::from("0012001001"),
        Cell::from("Taman Baca \"Cipayung Jaya\", Depok"),
        Cell::Int(42),
        Cell::Float(0.1 + 0.2),
        Cell::Date(date(2024, 8, 17)),
        Cell::Bool(true),
        Cell::from("baris satu\nbaris dua"),
        Cell::Int(9_007_199_254_740_993),
    ])
    .expect("row");
    w.write_row(&[
        Cell::from("3520012001000001"),
        Cell::from("Pustaka Andé"),
        Cell::Int(-3),
        Cell::Float(1234.5),
        Cell::Date(date(1899, 12, 31)),
        Cell::Bool(false),
        Cell::from("=SUM(A1:A2)"),
        Cell::Empty,
    ])
    .expect("row");
    w.write_row(&[Cell::from("3520012003"), Cell::from(None::<&str>)])
        .expect("row");
    w.finish().expect("finish")
}

fn check_round_trip(format: Format) {
    let bytes = sample(format);
    let reader = TableReader::from_bytes(bytes, &layout(), &ReadOptions::default()).expect("open");
    assert_eq!(reader.format(), format);
    assert!(reader.warnings().is_empty(), "{:?}", reader.warnings());
    let rows: Vec<Row> = reader
        .map(|r| r.unwrap_or_else(|e| panic!("{format:?}: {e}")))
        .collect();
    assert_eq!(rows.len(), 3);

    let a = &rows[0];
    assert_eq!(a.number(), 2);
    assert_eq!(
        a.get("code"),
        Some("0012001001"),
        "{format:?}: leading zeros"
    );
    assert_eq!(a.get("name"), Some("Taman Baca \"Cipayung Jaya\", Depok"));
    assert_eq!(a.int("members"), Ok(Some(42)));
    assert_eq!(a.decimal("ratio"), Ok(Some(0.3)));
    assert_eq!(a.get("founded"), Some("2024-08-17"));
    assert_eq!(a.date("founded"), Ok(Some(date(2024, 8, 17))));
    assert_eq!(a.get("active"), Some("true"));
    assert_eq!(a.get("notes"), Some("baris satu\nbaris dua"));
    // Beyond 2^53: kept exact (as text in XLSX).
    assert_eq!(a.get("big"), Some("9007199254740993"));

    let b = &rows[1];
    assert_eq!(
        b.number(),
        3,
        "{format:?}: a multi-line cell is still one row"
    );
    assert_eq!(
        b.get("code"),
        Some("3520012001000001"),
        "{format:?}: long digit string"
    );
    assert_eq!(b.get("name"), Some("Pustaka Andé"));
    assert_eq!(b.int("members"), Ok(Some(-3)));
    assert_eq!(b.decimal("ratio"), Ok(Some(1234.5)));
    assert_eq!(b.get("founded"), Some("1899-12-31"));
    assert_eq!(b.bool("active"), Ok(Some(false)));
    // Stored as text, never as a formula; comes back unchanged.
    assert_eq!(b.get("notes"), Some("=SUM(A1:A2)"));
    assert_eq!(b.get("big"), None);

    let c = &rows[2];
    assert_eq!(c.number(), 4);
    assert_eq!(c.get("name"), None);
}

#[test]
fn csv_round_trip() {
    check_round_trip(Format::Csv);
}

#[test]
fn xlsx_round_trip() {
    check_round_trip(Format::Xlsx);
}

#[test]
fn csv_output_is_excel_friendly() {
    let bytes = sample(Format::Csv);
    assert!(bytes.starts_with(b"\xEF\xBB\xBFkode_desa,nama,"));
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(text.contains("\r\n0012001001,\"Taman Baca \"\"Cipayung Jaya\"\", Depok\",42,0.3,2024-08-17,true,\"baris satu\nbaris dua\",9007199254740993\r\n"));
    // Formula guard against CSV injection.
    assert!(text.contains(",'=SUM(A1:A2),"));
    // Short rows are padded to the header width.
    assert!(text.ends_with("\r\n3520012003,,,,,,,\r\n"));
}

#[test]
fn xlsx_output_has_typed_cells() {
    let bytes = sample(Format::Xlsx);
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let sheet = read_entry(&mut zip, "xl/worksheets/sheet1.xml");
    // Frozen header and autofilter over the written range.
    assert!(sheet.contains("state=\"frozen\""), "{sheet}");
    assert!(sheet.contains("<autoFilter ref=\"A1:H4\""), "{sheet}");
    // 42 is a number cell, the code a shared string, the flag a boolean.
    assert!(sheet.contains("<v>42</v>"));
    assert!(sheet.contains("t=\"b\""));
    assert!(sheet.contains("<cols>"));
    let styles = read_entry(&mut zip, "xl/styles.xml");
    assert!(styles.contains("yyyy-mm-dd"));
    assert!(styles.contains("<b/>"));
}

fn read_entry(zip: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str) -> String {
    use std::io::Read;
    let mut s = String::new();
    zip.by_name(name)
        .expect("entry")
        .read_to_string(&mut s)
        .expect("utf-8 xml");
    s
}

#[test]
fn streaming_writer_into_any_write() {
    let mut out = std::io::BufWriter::new(Vec::new());
    let mut w = TableWriter::new(Format::Csv, &mut out).expect("writer");
    w.write_header(&["a"]).expect("header");
    for i in 0..1000 {
        w.write_row(&[Cell::Int(i)]).expect("row");
    }
    w.finish().expect("finish");
    let bytes = out.into_inner().expect("flush");
    assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 1001);
}

#[test]
fn sheet_name_is_configurable() {
    let mut w = TableWriter::new(Format::Xlsx, Vec::new())
        .and_then(|w| w.with_sheet_name("Perpustakaan"))
        .expect("writer");
    w.write_header(&["kode_desa", "nama"]).expect("header");
    w.write_row(&[Cell::from("1"), Cell::from("x")])
        .expect("row");
    let bytes = w.finish().expect("finish");
    let options = ReadOptions::default().with_sheet("perpustakaan");
    let reader = TableReader::from_bytes(bytes, &layout(), &options).expect("open");
    assert_eq!(reader.count(), 1);
    assert!(
        TableWriter::new(Format::Xlsx, Vec::new())
            .and_then(|w| w.with_sheet_name("bad/name"))
            .is_err()
    );
}

#[test]
fn template_has_header_and_instructions() {
    let columns = [
        TemplateColumn {
            header: "kode_desa",
            description: "Kode wilayah desa 10 digit dari Kemendagri.",
            example: "3520012001",
            required: true,
            kind: ColumnKind::Text,
        },
        TemplateColumn {
            header: "nama",
            description: "Nama perpustakaan desa.",
            example: "Taman Baca Cipayung Jaya",
            required: true,
            kind: ColumnKind::Text,
        },
        TemplateColumn {
            header: "anggota",
            description: "Jumlah anggota terdaftar.",
            example: "120",
            required: false,
            kind: ColumnKind::Integer,
        },
        TemplateColumn {
            header: "tanggal_berdiri",
            description: "Tanggal perpustakaan berdiri.",
            example: "2019-08-17",
            required: false,
            kind: ColumnKind::Date,
        },
        TemplateColumn {
            header: "aktif",
            description: "Apakah perpustakaan masih buka.",
            example: "ya",
            required: false,
            kind: ColumnKind::Bool,
        },
    ];
    let bytes = xlsx_template("Perpustakaan", &columns, Lang::Id).expect("template");

    // The data sheet reads as an empty import with every column present.
    let reader =
        TableReader::from_bytes(bytes.clone(), &layout(), &ReadOptions::default()).expect("open");
    assert_eq!(reader.header_row(), 1);
    assert!(reader.has_column("members") && reader.has_column("active"));
    assert_eq!(reader.count(), 0);

    // The instructions sheet describes each column.
    let instructions = Layout::new()
        .required("column", &["kolom"])
        .required("required", &["wajib"])
        .required("kind", &["jenis isian"])
        .required("description", &["keterangan"])
        .required("example", &["contoh"]);
    let options = ReadOptions::default().with_sheet("Petunjuk");
    let rows: Vec<Row> = TableReader::from_bytes(bytes.clone(), &instructions, &options)
        .expect("open instructions")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(rows.len(), 6, "five columns and the closing note");
    assert_eq!(rows[0].get("column"), Some("kode_desa"));
    assert_eq!(rows[0].get("required"), Some("Ya"));
    assert_eq!(rows[0].get("example"), Some("3520012001"));
    assert_eq!(rows[2].get("kind"), Some("Bilangan bulat"));
    assert_eq!(rows[3].get("kind"), Some("Tanggal (TTTT-BB-HH)"));
    assert_eq!(rows[4].get("required"), Some("Tidak"));
    assert!(
        rows[5]
            .get("column")
            .is_some_and(|n| n.starts_with("Isi data mulai baris 2"))
    );

    // Column formats: text for codes so typed leading zeros survive.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let sheet = read_entry(&mut zip, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<dataValidation"), "{sheet}");
    assert!(sheet.contains("promptTitle=\"kode_desa\""), "{sheet}");
    assert!(sheet.contains("\"ya,tidak\""), "{sheet}");
    let styles = read_entry(&mut zip, "xl/styles.xml");
    assert!(
        styles.contains("formatCode=\"@\"") || styles.contains("numFmtId=\"49\""),
        "{styles}"
    );

    let english = xlsx_template("Libraries", &columns, Lang::En).expect("template");
    let options = ReadOptions::default().with_sheet("Instructions");
    let layout_en = Layout::new()
        .required("column", &["column"])
        .required("required", &["required"]);
    let rows: Vec<Row> = TableReader::from_bytes(english, &layout_en, &options)
        .expect("open")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(rows[0].get("required"), Some("Yes"));
}

#[test]
fn types_can_cross_threads() {
    // Imports run on blocking threads of the web server.
    fn send<T: Send>() {}
    fn error<T: std::error::Error + Send + Sync + 'static>() {}
    send::<TableReader>();
    send::<Row>();
    send::<TableWriter<Vec<u8>>>();
    send::<lentera_tabular::ImportReport>();
    error::<lentera_tabular::TabularError>();
}

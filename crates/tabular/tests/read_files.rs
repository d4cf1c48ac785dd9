//! Reading the checked-in fixture files in tests/data.

use std::path::PathBuf;

use lentera_tabular::{
    CellProblem, FileKind, Format, Lang, Layout, ReadOptions, Row, TableReader, TabularError,
    Warning,
};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn library_layout() -> Layout {
    Layout::new()
        .required("village_code", &["kode_desa", "kode desa", "kode wilayah"])
        .required("name", &["nama_perpustakaan", "nama perpustakaan", "nama"])
        .optional("npp", &["npp", "nomor pokok perpustakaan"])
        .optional("founded", &["tanggal_berdiri", "tanggal berdiri"])
        .optional("active", &["aktif", "active"])
        .optional("floor_area", &["luas ruang (m2)", "luas"])
        .optional("collection", &["jumlah koleksi", "koleksi"])
}

fn open(name: &str, layout: &Layout) -> TableReader {
    match TableReader::open(data(name), layout, &ReadOptions::default()) {
        Ok(r) => r,
        Err(e) => panic!("{name}: {e}"),
    }
}

fn ok_rows(reader: TableReader) -> Vec<Row> {
    reader
        .map(|r| r.unwrap_or_else(|e| panic!("unexpected error: {e}")))
        .collect()
}

#[test]
fn csv_with_bom_and_semicolons() {
    let reader = open("perpustakaan_bom_semicolon.csv", &library_layout());
    assert_eq!(reader.format(), Format::Csv);
    assert_eq!(reader.delimiter(), Some(';'));
    assert_eq!(reader.header_row(), 1);
    // The BOM must not end up in the first header.
    assert_eq!(reader.header_text("village_code"), Some("Kode Desa"));
    assert!(reader.warnings().is_empty(), "{:?}", reader.warnings());
    assert!(!reader.has_column("collection"));

    let rows = ok_rows(reader);
    // Row 4 is ";;;;;", an empty spreadsheet row: skipped, but counted.
    let numbers: Vec<usize> = rows.iter().map(Row::number).collect();
    assert_eq!(numbers, vec![2, 3, 5]);

    let first = &rows[0];
    assert_eq!(first.get("village_code"), Some("3520012001"));
    assert_eq!(first.get("name"), Some("Taman Baca Cipayung Jaya"));
    assert_eq!(first.get("npp"), Some("3520012D1000001"));
    assert_eq!(
        first.date("founded").ok().flatten().map(|d| d.to_string()),
        Some("2019-08-17".into())
    );
    assert_eq!(first.bool("active").ok().flatten(), Some(true));
    // Indonesian decimal comma.
    assert_eq!(first.decimal("floor_area").ok().flatten(), Some(24.5));

    // Quoted separator and doubled quotes.
    assert_eq!(
        rows[1].get("name"),
        Some("Pustaka Desa \"Maju\"; Sejahtera")
    );
    assert_eq!(rows[1].bool("active").ok().flatten(), Some(false));

    // Leading zeros survive; empty optional cells are None.
    let third = &rows[2];
    assert_eq!(third.get("village_code"), Some("0012345678"));
    assert_eq!(third.get("npp"), None);
    assert!(third.has_column("npp"));
    assert_eq!(third.date("founded"), Ok(None));
    assert_eq!(third.get("collection"), None);
    assert!(!third.has_column("collection"));
}

#[test]
fn windows_1252_csv_is_decoded() {
    let layout = Layout::new()
        .required("village_code", &["kode_desa"])
        .required("village_name", &["nama_desa"])
        .optional("head", &["kepala_perpustakaan"]);
    let mut reader = open("desa_windows1252.csv", &layout);
    let first = reader.next().and_then(Result::ok).expect("first row");
    assert_eq!(first.get("village_name"), Some("Cipayung Jaya"));
    assert_eq!(first.get("head"), Some("André Siregar"));
    let second = reader.next().and_then(Result::ok).expect("second row");
    assert_eq!(second.get("head"), Some("“Bu” Wati"));
    assert!(reader.next().is_none());
    assert_eq!(reader.warnings(), &[Warning::Windows1252 { row: 2 }]);
    assert_eq!(
        reader.warnings()[0].message(Lang::Id),
        "Berkas tidak berenkode UTF-8; dibaca sebagai Windows-1252. Periksa huruf beraksen pada \
         hasil impor."
    );
}

#[test]
fn missing_required_column_is_listed() {
    let layout = Layout::new()
        .required("village_code", &["kode_desa", "kode desa", "kode wilayah"])
        .required("name", &["nama"])
        .required("npp", &["npp"])
        .optional("address", &["alamat"]);
    let err = TableReader::open(data("missing_column.csv"), &layout, &ReadOptions::default())
        .expect_err("must fail");
    let TabularError::MissingColumns {
        header_row,
        missing,
        found,
    } = &err
    else {
        panic!("wrong error: {err:?}")
    };
    assert_eq!(*header_row, 1);
    let keys: Vec<&str> = missing.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(keys, vec!["village_code", "npp"]);
    assert_eq!(
        missing[0].accepted,
        vec!["kode_desa", "kode desa", "kode wilayah"]
    );
    assert_eq!(found, &vec!["nama".to_owned(), "alamat".to_owned()]);
    assert_eq!(
        err.message(Lang::Id),
        "Kolom wajib tidak ada: village_code (judul \"kode_desa\" atau \"kode desa\" atau \
         \"kode wilayah\"); npp (judul \"npp\"). Periksa baris judul (baris 1)."
    );
    assert_eq!(
        err.message(Lang::En),
        "Required columns are missing: village_code (header \"kode_desa\" or \"kode desa\" or \
         \"kode wilayah\"); npp (header \"npp\"). Check the header row (row 1)."
    );
}

#[test]
fn ragged_rows() {
    let layout = Layout::new()
        .required("village_code", &["kode_desa"])
        .required("name", &["nama"])
        .optional("members", &["anggota"]);
    let items: Vec<Result<Row, TabularError>> = open("ragged.csv", &layout).collect();
    assert_eq!(items.len(), 4);
    assert_eq!(
        items[0].as_ref().map(|r| r.int("members")),
        Ok(Ok(Some(12)))
    );
    // An unquoted comma shifted the cells: reject the row, keep going.
    let err = items[1].as_ref().expect_err("shifted row");
    assert_eq!(
        err,
        &TabularError::TooManyCells {
            row: 3,
            expected: 3,
            found: 4
        }
    );
    assert!(err.is_row_error());
    assert!(
        err.message(Lang::Id)
            .starts_with("Baris 3 berisi 4 sel, padahal baris judul hanya punya 3 kolom.")
    );
    // A short row is padded.
    let short = items[2].as_ref().expect("short row");
    assert_eq!(short.number(), 4);
    assert_eq!(short.get("members"), None);
    assert_eq!(
        short.require("members").map_err(|e| e.message(Lang::Id)),
        Err("Baris 4, kolom \"anggota\": wajib diisi".to_owned())
    );
    // Trailing empty cells are harmless.
    assert_eq!(
        items[3].as_ref().map(|r| r.get("name")),
        Ok(Some("Rumah Buku"))
    );
}

#[test]
fn handmade_xlsx_numbers_dates_booleans_and_row_numbers() {
    let reader = open("perpustakaan_handmade.xlsx", &library_layout());
    assert_eq!(reader.format(), Format::Xlsx);
    assert_eq!(reader.delimiter(), None);
    // Title in row 1, blank row 2, header in row 3.
    assert_eq!(reader.header_row(), 3);
    assert_eq!(
        reader.warnings(),
        &[Warning::UnknownColumn {
            row: 3,
            column: 7,
            header: "Catatan".into()
        }]
    );
    assert_eq!(
        reader.warnings()[0].message(Lang::En),
        "Column \"Catatan\" (column G) is not recognised and was ignored."
    );

    let items: Vec<Result<Row, TabularError>> = reader.collect();
    assert_eq!(items.len(), 4, "{items:?}");

    let r4 = items[0].as_ref().expect("row 4");
    assert_eq!(r4.number(), 4);
    // Numbers Excel stored as floats come back as their digits.
    assert_eq!(r4.get("village_code"), Some("3520012001"));
    assert_eq!(r4.get("npp"), Some("3520012001000001"));
    assert_eq!(r4.get("founded"), Some("2024-08-17"));
    assert_eq!(r4.get("active"), Some("true"));
    assert_eq!(r4.bool("active"), Ok(Some(true)));
    assert_eq!(r4.int("collection"), Ok(Some(1250)));

    let r5 = items[1].as_ref().expect("row 5");
    assert_eq!(r5.number(), 5);
    assert_eq!(r5.get("village_code"), Some("3520012002"));
    assert_eq!(r5.get("name"), Some("Pustaka Desa Andé"));
    assert_eq!(r5.get("npp"), Some("3520012D1000002"));
    assert_eq!(r5.get("founded"), Some("2023-01-01"));
    assert_eq!(r5.get("active"), Some("false"));
    assert_eq!(r5.get("collection"), Some("300.5"));
    assert_eq!(
        r5.int("collection").map_err(|e| e.message(Lang::En)),
        Err("Row 5, column \"Jumlah Koleksi\": \"300.5\" is not a whole number".to_owned())
    );

    // Row 6 only has a formatted blank cell: skipped. Row 7 has #N/A.
    let err = items[2].as_ref().expect_err("row 7");
    let TabularError::Cell(cell) = err else {
        panic!("{err:?}")
    };
    assert_eq!(cell.row, 7);
    assert_eq!(cell.column, "collection");
    assert_eq!(cell.header, "Jumlah Koleksi");
    assert_eq!(
        cell.problem,
        CellProblem::SpreadsheetError {
            code: "#N/A".into()
        }
    );
    assert_eq!(
        err.message(Lang::Id),
        "Baris 7, kolom \"Jumlah Koleksi\": sel berisi galat rumus #N/A"
    );

    let r8 = items[3].as_ref().expect("row 8");
    assert_eq!(r8.number(), 8);
    assert_eq!(
        r8.require("village_code").map_err(|e| e.message(Lang::Id)),
        Err("Baris 8, kolom \"Kode Wilayah\": wajib diisi".to_owned())
    );
}

#[test]
fn named_sheet() {
    let layout = Layout::new()
        .required("village_code", &["kode_desa"])
        .required("count", &["jumlah"]);
    let options = ReadOptions::default().with_sheet(" rekap ");
    let reader =
        TableReader::open(data("perpustakaan_handmade.xlsx"), &layout, &options).expect("open");
    let rows = ok_rows(reader);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].number(), 2);
    assert_eq!(rows[0].get("village_code"), Some("3520012001"));
    assert_eq!(rows[0].int("count"), Ok(Some(42)));

    let err = TableReader::open(
        data("perpustakaan_handmade.xlsx"),
        &layout,
        &ReadOptions::default().with_sheet("Tidak Ada"),
    )
    .expect_err("no such sheet");
    assert_eq!(
        err,
        TabularError::SheetNotFound {
            name: "Tidak Ada".into(),
            available: vec!["Data Desa".into(), "Rekap".into()],
        }
    );
    assert_eq!(
        err.message(Lang::Id),
        "Lembar kerja \"Tidak Ada\" tidak ditemukan. Lembar yang ada: \"Data Desa\", \"Rekap\"."
    );
}

#[test]
fn format_is_detected_by_content_not_name() {
    let layout = library_layout();
    let xlsx = open("xlsx_named_as.csv", &layout);
    assert_eq!(xlsx.format(), Format::Xlsx);
    assert_eq!(ok_rows_lenient(xlsx), 3);

    let csv = open("csv_named_as.xlsx", &layout);
    assert_eq!(csv.format(), Format::Csv);
    assert_eq!(ok_rows(csv).len(), 3);

    let err = TableReader::open(
        data("photo_named_as.xlsx"),
        &layout,
        &ReadOptions::default(),
    )
    .expect_err("a PNG is not a table");
    assert_eq!(
        err,
        TabularError::Unsupported {
            found: FileKind::Image
        }
    );
    assert_eq!(
        err.message(Lang::Id),
        "Berkas ini bukan CSV atau XLSX, melainkan gambar. Simpan ulang dari Excel atau \
         LibreOffice sebagai .xlsx atau .csv."
    );
}

/// Counts the rows that parsed (the handmade workbook has one bad row).
fn ok_rows_lenient(reader: TableReader) -> usize {
    reader.filter(Result::is_ok).count()
}

#[test]
fn other_containers_are_named_in_the_error() {
    let layout = library_layout();
    let legacy = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0\0\0\0\0".to_vec();
    assert_eq!(
        TableReader::from_bytes(legacy, &layout, &ReadOptions::default()).map(|_| ()),
        Err(TabularError::Unsupported {
            found: FileKind::LegacyXls
        })
    );
    let html = b"<html><table><tr><td>kode</td></tr></table></html>".to_vec();
    assert_eq!(
        TableReader::from_bytes(html, &layout, &ReadOptions::default()).map(|_| ()),
        Err(TabularError::Unsupported {
            found: FileKind::Html
        })
    );
    assert_eq!(
        TableReader::from_bytes(Vec::new(), &layout, &ReadOptions::default()).map(|_| ()),
        Err(TabularError::Empty)
    );
    assert_eq!(
        TableReader::from_bytes(
            b"\xEF\xBB\xBF\r\n ; \r\n".to_vec(),
            &layout,
            &ReadOptions::default()
        )
        .map(|_| ()),
        Err(TabularError::Empty)
    );
    // A truncated XLSX is corrupt, not "not a spreadsheet".
    let full = std::fs::read(data("perpustakaan_handmade.xlsx")).expect("fixture");
    let cut = full[..full.len() / 2].to_vec();
    assert!(matches!(
        TableReader::from_bytes(cut, &layout, &ReadOptions::default()),
        Err(TabularError::Corrupt {
            format: Format::Xlsx,
            ..
        })
    ));
}

#[test]
fn reading_from_a_stream() {
    let file = std::fs::File::open(data("perpustakaan_bom_semicolon.csv")).expect("fixture");
    let reader =
        TableReader::from_reader(file, &library_layout(), &ReadOptions::default()).expect("open");
    assert_eq!(ok_rows(reader).len(), 3);
    let file = std::fs::File::open(data("perpustakaan_handmade.xlsx")).expect("fixture");
    let reader =
        TableReader::from_reader(file, &library_layout(), &ReadOptions::default()).expect("open");
    assert_eq!(reader.format(), Format::Xlsx);
    assert_eq!(ok_rows_lenient(reader), 3);
}

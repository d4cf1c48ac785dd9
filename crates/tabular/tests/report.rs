//! ImportReport: counting, capping, serialisation and the downloadable
//! problem list, in both languages.

use lentera_tabular::{
    CellProblem, Format, ImportReport, Lang, Layout, Outcome, ReadOptions, RowProblem, TableReader,
    TabularError,
};

/// Runs a small import the way a domain crate would.
fn import(csv: &str, lang: Lang, cap: usize) -> ImportReport {
    let layout = Layout::new()
        .required("code", &["kode_desa"])
        .required("name", &["nama"])
        .optional("members", &["anggota"]);
    let reader = TableReader::from_bytes(csv.as_bytes().to_vec(), &layout, &ReadOptions::default())
        .expect("open");
    let mut report = ImportReport::with_problem_cap(cap);
    report.add_warnings(reader.warnings(), lang);
    for item in reader {
        report.row_read();
        let outcome = item.and_then(|row| {
            let code = row.require("code")?;
            row.int("members")?;
            if code.len() != 10 {
                return Err(row.error(
                    "code",
                    CellProblem::Invalid {
                        key: "village_code_length".into(),
                    },
                ));
            }
            Ok(if code.ends_with('1') {
                Outcome::Inserted
            } else {
                Outcome::Updated
            })
        });
        match outcome {
            Ok(o) => report.record(o),
            Err(e) => report.reject_error(&e, lang),
        }
    }
    report
}

const CSV: &str = "kode_desa,nama,anggota,keterangan\n\
                   3201010001,Melati,12,\n\
                   3201010002,Mawar,banyak,\n\
                   ,Anggrek,3,\n\
                   32010,Kenanga,,\n\
                   3201010005,Dahlia,7,\n";

#[test]
fn counts_and_problems() {
    let report = import(CSV, Lang::Id, 100);
    assert_eq!(
        (
            report.read,
            report.inserted,
            report.updated,
            report.unchanged,
            report.rejected
        ),
        (5, 1, 1, 0, 3)
    );
    assert_eq!(
        report.problems,
        vec![
            RowProblem::new(3, Some("anggota"), "\"banyak\" bukan bilangan bulat"),
            RowProblem::new(4, Some("kode_desa"), "wajib diisi"),
            RowProblem::new(5, Some("kode_desa"), "nilai \"32010\" tidak valid"),
        ]
    );
    assert_eq!(
        report.warnings,
        vec![RowProblem::new(
            1,
            Some("keterangan"),
            "Kolom \"keterangan\" (kolom D) tidak dikenali dan diabaikan."
        )]
    );
    assert!(!report.is_clean());
    assert_eq!(
        report.summary(Lang::Id),
        "5 baris dibaca: 1 ditambahkan, 1 diperbarui, 0 tidak berubah, 3 ditolak."
    );
    assert_eq!(
        report.summary(Lang::En),
        "5 rows read: 1 added, 1 updated, 0 unchanged, 3 rejected."
    );

    let en = import(CSV, Lang::En, 100);
    assert_eq!(en.problems[0].message, "\"banyak\" is not a whole number");
    assert_eq!(en.problems[1].message, "is required");
    assert_eq!(en.problems[2].message, "the value \"32010\" is not valid");
}

#[test]
fn problems_are_capped_but_counted() {
    let mut csv = String::from("kode_desa,nama\n");
    for _ in 0..30 {
        csv.push_str(",tanpa kode\n");
    }
    let report = import(&csv, Lang::Id, 10);
    assert_eq!(report.rejected, 30);
    assert_eq!(report.problems.len(), 10);
    assert_eq!(report.problems_total, 30);
    assert_eq!(report.problems_omitted(), 20);
}

#[test]
fn json_shape() {
    let report = import(CSV, Lang::Id, 2);
    let json = serde_json::to_value(&report).expect("serialize");
    assert_eq!(json["read"], 5);
    assert_eq!(json["rejected"], 3);
    assert_eq!(json["problems_total"], 3);
    assert_eq!(json["problems"].as_array().map(Vec::len), Some(2));
    assert_eq!(json["problems"][0]["row"], 3);
    assert_eq!(json["problems"][0]["column"], "anggota");
    assert_eq!(json["warnings"][0]["row"], 1);
    // Round trip through JSON (e.g. stored with a job record).
    let back: ImportReport = serde_json::from_value(json).expect("deserialize");
    assert_eq!(back.problems, report.problems);
    assert_eq!(back.problems_total, 3);

    // Errors serialise as structured data for the API.
    let err = TabularError::cell(
        7,
        "npp",
        "NPP",
        CellProblem::TooLong { max_chars: 20 },
        Some("x"),
    );
    let json = serde_json::to_value(&err).expect("serialize");
    assert_eq!(
        json,
        serde_json::json!({
            "kind": "cell",
            "row": 7,
            "column": "npp",
            "header": "NPP",
            "problem": {"type": "too_long", "max_chars": 20},
            "value": "x"
        })
    );
    assert_eq!(
        err.message(Lang::Id),
        "Baris 7, kolom \"NPP\": isian terlalu panjang (lebih dari 20 karakter)"
    );
    assert_eq!(
        err.message(Lang::En),
        "Row 7, column \"NPP\": value is too long (more than 20 characters)"
    );
    assert_eq!(err.to_string(), err.message(Lang::En));
    assert_eq!(err.key(), "cell");
    let TabularError::Cell(c) = &err else {
        unreachable!()
    };
    assert_eq!(c.problem.key(), "too_long");
}

#[test]
fn downloadable_problem_list() {
    let report = import(CSV, Lang::Id, 2);
    let csv = report.problems_file(Format::Csv, Lang::Id).expect("csv");
    let text = String::from_utf8(csv).expect("utf-8");
    assert_eq!(
        text,
        "\u{feff}Baris,Kolom,Jenis,Masalah\r\n\
         1,keterangan,Peringatan,\"Kolom \"\"keterangan\"\" (kolom D) tidak dikenali dan diabaikan.\"\r\n\
         3,anggota,Galat,\"\"\"banyak\"\" bukan bilangan bulat\"\r\n\
         4,kode_desa,Galat,wajib diisi\r\n\
         ,,Galat,… dan 1 masalah lain tidak ditampilkan.\r\n"
    );

    // The XLSX version reads back with this crate.
    let xlsx = report.problems_file(Format::Xlsx, Lang::En).expect("xlsx");
    let layout = Layout::new()
        .required("row", &["row"])
        .required("column", &["column"])
        .required("kind", &["kind"])
        .required("problem", &["problem"]);
    let rows: Vec<_> = TableReader::from_bytes(
        xlsx,
        &layout,
        &ReadOptions::default().with_sheet("Problems"),
    )
    .expect("open")
    .filter_map(Result::ok)
    .collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[1].int("row"), Ok(Some(3)));
    assert_eq!(rows[1].get("kind"), Some("Error"));
    assert_eq!(
        rows[3].get("problem"),
        Some("… and 1 more problems not shown.")
    );
}

#[test]
fn file_level_errors_in_both_languages() {
    let cases = [
        (
            TabularError::Empty,
            "Berkas kosong: tidak ada baris judul maupun data.",
            "The file is empty: there is no header row and no data.",
        ),
        (
            TabularError::Corrupt {
                format: Format::Xlsx,
                detail: "bad zip".into(),
            },
            "Berkas XLSX rusak atau tidak dapat dibaca. Coba buka dan simpan ulang berkas tersebut.",
            "The XLSX file is damaged or cannot be read. Try opening and saving it again.",
        ),
        (
            TabularError::DuplicateColumn {
                header_row: 1,
                key: "code".into(),
                headers: vec!["kode desa".into(), "Kode Wilayah".into()],
            },
            "Kolom code muncul lebih dari sekali pada baris judul (baris 1): \"kode desa\", \"Kode Wilayah\". Hapus salah satunya.",
            "Column code appears more than once in the header row (row 1): \"kode desa\", \"Kode Wilayah\". Remove one of them.",
        ),
    ];
    for (err, id, en) in cases {
        assert_eq!(err.message(Lang::Id), id);
        assert_eq!(err.message(Lang::En), en);
        let problem = RowProblem::from_error(&err, Lang::Id);
        assert_eq!(problem.message, id);
    }
    assert_eq!(Lang::from_tag("id-ID"), Some(Lang::Id));
    assert_eq!(Lang::from_tag("en_US"), Some(Lang::En));
    assert_eq!(Lang::from_tag("jv"), None);
    assert_eq!(Lang::default(), Lang::Id);
}

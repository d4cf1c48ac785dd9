//! Program years, proposals, verification and decision, and the officers'
//! overview through the real router, on SQLite and PostgreSQL.
//!
//! Fixture (tests/common): `dinas.magetan` (district 3520) proposes the
//! Magetan libraries; `dinas.sanggau` (district 6103) must not; `admin`
//! (national) decides.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp};
use serde_json::json;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n";

async fn open_year(app: &TestApp, year: i32) {
    let admin = app.login("admin").await;
    let r = admin
        .post_json(
            "/api/v1/program/years",
            json!({"year": year, "target_libraries": 100, "min_proposals_per_district": 2,
                   "proposal_deadline": format!("{}-12-31", year + 5)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

fn id_from_location(r: &common::Res) -> String {
    let loc = r.location().expect("redirect");
    loc.trim_start_matches("/program/proposals/")
        .split('?')
        .next()
        .unwrap()
        .to_string()
}

/// Proposes the Magetan library through the page, with the given files.
async fn propose_page(
    c: &Client<'_>,
    app: &TestApp,
    year: i32,
    note: &str,
    files: &[(&str, &str, &[u8])],
) -> common::Res {
    let lib = app.magetan.to_string();
    let y = year.to_string();
    c.multipart(
        "/program/proposals",
        &[
            ("program_year", &y),
            ("library_id", &lib),
            ("requested", "full_support"),
            ("proposal_note", note),
        ],
        files,
    )
    .await
}

app_test!(years_are_perpusnas_business, |app| {
    let admin = app.login("admin").await;
    let district = app.login("dinas.magetan").await;
    let manager = app.login("pengelola.magetan").await;
    // A national administrator opens a year through the page.
    let r = admin
        .post_form(
            "/program/years",
            &[
                ("program_year", "2026"),
                ("year_name", ""),
                ("target_libraries", "10000"),
                ("target_full_support", "2500"),
                ("target_book_aid", "7500"),
                ("min_proposals_per_district", ""),
                ("proposal_deadline", "2026-03-31"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = admin.get("/program/years?created=1").await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.text();
    assert!(page.contains("TPBIS 2026"), "{page}");
    assert!(page.contains("Tahun program dibuka."));
    // Errors come back on the form, named, with the typing kept.
    let r = admin
        .post_form(
            "/program/years",
            &[
                ("program_year", "2026"),
                ("year_name", "Ulang"),
                ("decree_number", "SK Kepala Perpusnas Nomor 1 Tahun 2026"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text();
    assert!(page.contains("Tanggal SK wajib diisi."), "{page}");
    assert!(page.contains("value=\"Ulang\""));
    // Others read, but do not open years.
    let r = district
        .post_form("/program/years", &[("program_year", "2027")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(district.get("/program/years").await.status, StatusCode::OK);
    assert_eq!(
        district.get("/program/years/2026").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        manager.get("/program/years").await.status,
        StatusCode::FORBIDDEN
    );
    // The API: a duplicate year is a field error; the decree is recorded
    // with the version read, and a stale version conflicts.
    let r = admin
        .post_json("/api/v1/program/years", json!({"year": 2026}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "program_year");
    let y = admin.get("/api/v1/program/years/2026").await.json();
    assert_eq!(y["min_proposals_per_district"], 25);
    assert_eq!(y["open"], true);
    let r = admin
        .put_json(
            "/api/v1/program/years/2026",
            json!({"decree_number": "SK Kepala Perpusnas Nomor 12 Tahun 2026",
                   "decree_date": "2026-01-20", "updated_at": y["updated_at"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["open"], false);
    let r = admin
        .put_json(
            "/api/v1/program/years/2026",
            json!({"target_trained": 5, "updated_at": y["updated_at"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // The edit page shows the decree; the trail names the step.
    let r = admin.get("/program/years/2026").await;
    assert!(r.text().contains("Nomor 12 Tahun 2026"));
    let trail = admin.get("/api/v1/audit?action=program_year").await;
    assert!(
        trail.text().contains("program_year.decree"),
        "{}",
        trail.text()
    );
});

app_test!(a_proposal_walks_from_draft_to_acceptance, |app| {
    open_year(app, 2026).await;
    let district = app.login("dinas.magetan").await;
    let admin = app.login("admin").await;
    let manager = app.login("pengelola.magetan").await;

    // The form offers the district's libraries, not another district's.
    let r = district.get("/program/proposals/new").await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.text();
    assert!(page.contains(&app.magetan.to_string()));
    assert!(!page.contains(&app.sanggau.to_string()));
    assert!(page.contains("enctype=\"multipart/form-data\""));

    let r = propose_page(
        &district,
        app,
        2026,
        "Pengelola aktif, ruang 48 m²",
        &[("doc_npp", "npp.pdf", PDF)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let id = id_from_location(&r);
    let page = district
        .get(&format!("/program/proposals/{id}"))
        .await
        .text();
    assert!(page.contains("Pengelola aktif, ruang 48 m²"));
    assert!(page.contains("npp.pdf"));
    assert!(page.contains("Belum ada"));

    // Sending it without every document names what is missing.
    let r = district
        .post_form(&format!("/program/proposals/{id}/submit"), &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text();
    assert!(
        page.contains("SK pendirian perpustakaan wajib diisi."),
        "{page}"
    );
    assert!(page.contains("Surat komitmen kepala desa wajib diisi."));
    assert!(page.contains("href=\"#f-doc_sk_pendirian\""));

    // The rest of the documents, then send.
    let version = district
        .get(&format!("/api/v1/program/proposals/{id}"))
        .await
        .json()["updated_at"]
        .as_str()
        .unwrap()
        .to_string();
    let r = district
        .multipart(
            &format!("/program/proposals/{id}"),
            &[
                ("requested", "full_support"),
                ("proposal_note", "Pengelola aktif, ruang 48 m²"),
                ("updated_at", &version),
            ],
            &[
                ("doc_sk_pendirian", "sk.pdf", PDF),
                ("doc_commitment_letter", "komitmen.pdf", PDF),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = district
        .post_form(&format!("/program/proposals/{id}/submit"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let p = district
        .get(&format!("/api/v1/program/proposals/{id}"))
        .await
        .json();
    assert_eq!(p["status"], "submitted");
    assert_eq!(p["missing_documents"], json!([]));
    // The documents are served within reach, by content type.
    let doc = p["documents"][0]["url"].as_str().unwrap().to_string();
    let r = admin.get(&doc).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/pdf");
    assert_eq!(
        app.login("dinas.sanggau").await.get(&doc).await.status,
        StatusCode::NOT_FOUND
    );

    // Perpusnas: a decision before verification is refused with the reason.
    let r = admin
        .post_form(
            &format!("/program/proposals/{id}/decide"),
            &[("decision", "accept"), ("granted", "book_aid")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .contains("Usulan tidak bisa diubah pada status ini.")
    );
    let r = admin
        .post_form(&format!("/program/proposals/{id}/verify"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = admin
        .post_form(
            &format!("/program/proposals/{id}/decide"),
            &[
                ("decision", "accept"),
                ("granted", "book_aid"),
                ("decision_reason", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = admin
        .get(&format!("/program/proposals/{id}?decided=1"))
        .await
        .text();
    assert!(page.contains("Diterima"));
    assert!(page.contains("Bantuan buku saja"));

    // The registry follows the decision.
    let lib = admin
        .get(&format!("/api/v1/libraries/{}", app.magetan))
        .await
        .json();
    assert_eq!(lib["participation"], "book_aid");
    assert_eq!(lib["cohort_year"], 2026);
    // The district and the library's manager are told.
    for c in [&district, &manager] {
        let n = c.get("/api/v1/notifications").await.json();
        assert_eq!(n["unread"], 1, "{n}");
        assert!(
            n["items"][0]["title_id"]
                .as_str()
                .unwrap()
                .contains("diterima")
        );
    }
    // The library's manager reads the proposal; it is theirs.
    assert_eq!(
        manager
            .get(&format!("/program/proposals/{id}"))
            .await
            .status,
        StatusCode::OK
    );
});

app_test!(rejecting_and_returning_need_a_reason, |app| {
    open_year(app, 2026).await;
    let district = app.token("dinas.magetan").await;
    let admin = app.token("admin").await;
    // The API: create, documents (multipart), submit.
    let r = district
        .post_json(
            "/api/v1/program/proposals",
            json!({"year": 2026, "library_id": app.magetan2.to_string(),
                   "requested": "replication", "note": "TBM aktif"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = district
        .multipart(
            &format!("/api/v1/program/proposals/{id}/documents"),
            &[],
            &[
                ("sk_pendirian", "sk.pdf", PDF),
                ("npp", "npp.pdf", PDF),
                ("commitment_letter", "komitmen.pdf", PDF),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["documents"].as_array().unwrap().len(), 3);
    let r = district
        .post_json(&format!("/api/v1/program/proposals/{id}/submit"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    // A rejection without a reason names the field.
    let r = admin
        .post_json(
            &format!("/api/v1/program/proposals/{id}/decide"),
            json!({"decision": "reject"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "decision_reason");
    // Returned for correction: the district may change it again.
    let r = admin
        .post_json(
            &format!("/api/v1/program/proposals/{id}/decide"),
            json!({"decision": "return", "reason": "NPP belum terbaca"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["status"], "returned");
    assert_eq!(r.json()["reason"], "NPP belum terbaca");
    let r = district
        .put_json(
            &format!("/api/v1/program/proposals/{id}"),
            json!({"requested": "book_aid"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["note"], "TBM aktif");
    district
        .post_json(&format!("/api/v1/program/proposals/{id}/submit"), json!({}))
        .await;
    let r = admin
        .post_json(
            &format!("/api/v1/program/proposals/{id}/decide"),
            json!({"decision": "reject", "reason": "Belum ada ruang layanan"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["status"], "rejected");
    // Decided: the district cannot change it any more.
    let r = district
        .put_json(
            &format!("/api/v1/program/proposals/{id}"),
            json!({"requested": "full_support"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "proposal");
    // The registry is untouched.
    let lib = admin
        .get(&format!("/api/v1/libraries/{}", app.magetan2))
        .await
        .json();
    assert_eq!(lib["participation"], "none");
    // The page shows the reason to the district.
    let page = app
        .login("dinas.magetan")
        .await
        .get(&format!("/program/proposals/{id}"))
        .await
        .text();
    assert!(page.contains("Belum ada ruang layanan"));
    assert!(page.contains("Ditolak"));
});

app_test!(reach_and_roles_are_enforced, |app| {
    open_year(app, 2026).await;
    let magetan = app.login("dinas.magetan").await;
    let sanggau = app.login("dinas.sanggau").await;
    let jatim = app.login("dinas.jatim").await;
    let admin = app.login("admin").await;
    let fac = app.login("fasilitator").await;
    // Proposing a library outside the regency: 404, page and API alike.
    let lib = app.sanggau.to_string();
    let r = magetan
        .multipart(
            "/program/proposals",
            &[
                ("program_year", "2026"),
                ("library_id", &lib),
                ("requested", "book_aid"),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = magetan
        .post_json(
            "/api/v1/program/proposals",
            json!({"year": 2026, "library_id": lib, "requested": "book_aid"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Province officers and Perpusnas do not propose.
    for c in [&jatim, &admin] {
        assert_eq!(
            c.get("/program/proposals/new").await.status,
            StatusCode::FORBIDDEN
        );
    }
    let r = propose_page(&magetan, app, 2026, "", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let id = id_from_location(&r);
    // Another district does not learn the proposal exists.
    for path in [
        format!("/program/proposals/{id}"),
        format!("/api/v1/program/proposals/{id}"),
    ] {
        assert_eq!(sanggau.get(&path).await.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(
        sanggau
            .post_form(&format!("/program/proposals/{id}/submit"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A district officer does not decide; the province neither.
    for c in [&magetan, &jatim, &fac] {
        let r = c
            .post_form(
                &format!("/program/proposals/{id}/decide"),
                &[("decision", "reject"), ("decision_reason", "x")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = c
            .post_form(&format!("/program/proposals/{id}/verify"), &[])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    // The province reads its districts' proposals.
    let r = jatim.get("/api/v1/program/proposals?year=2026").await;
    assert_eq!(r.json()["total"], 1);
    let r = app
        .login("dinas.sanggau")
        .await
        .get("/api/v1/program/proposals")
        .await;
    assert_eq!(r.json()["total"], 0);
    // A closed year takes no more: the decree closes the call.
    let y = admin.get("/api/v1/program/years/2026").await.json();
    admin
        .put_json(
            "/api/v1/program/years/2026",
            json!({"decree_number": "SK Nomor 2", "decree_date": "2026-01-10",
                   "updated_at": y["updated_at"]}),
        )
        .await;
    let r = magetan
        .post_json(
            "/api/v1/program/proposals",
            json!({"year": 2026, "library_id": app.magetan2.to_string(), "requested": "book_aid"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "program_year");
});

app_test!(bad_uploads_are_refused_and_the_typing_kept, |app| {
    open_year(app, 2026).await;
    let district = app.login("dinas.magetan").await;
    let note = "Catatan yang diketik dengan susah payah";
    let script: &[u8] = b"<script>fetch('/api/v1/users')</script>";
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(11 * 1024 * 1024, b' ');
    big.extend_from_slice(b"\n%%EOF\n");
    let cases: [(&str, &[u8], &str); 3] = [
        (
            "npp.pdf",
            script,
            "Dokumen NPP bukan berkas PDF, JPG, PNG (jenisnya dinilai dari isinya, bukan dari namanya).",
        ),
        (
            "npp-besar.pdf",
            &big,
            "Dokumen NPP terlalu besar (paling besar 10 MB).",
        ),
        (
            "kosong.pdf",
            b"",
            "Dokumen NPP kosong: pilih berkasnya lagi.",
        ),
    ];
    for (name, bytes, sentence) in cases {
        let r = propose_page(&district, app, 2026, note, &[("doc_npp", name, bytes)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let page = r.text();
        assert!(page.contains(sentence), "{name}: {page}");
        assert!(page.contains("href=\"#f-doc_npp\""), "{name}");
        assert!(page.contains(note), "{name}: the note is kept");
        assert!(
            page.contains(&format!("value=\"{}\" selected", app.magetan)),
            "{name}: the library stays chosen"
        );
    }
    // Nothing was saved.
    let r = district.get("/api/v1/program/proposals").await;
    assert_eq!(r.json()["total"], 0);
    // The API refuses the same way, naming the field.
    let r = district
        .post_json(
            "/api/v1/program/proposals",
            json!({"year": 2026, "library_id": app.magetan.to_string(), "requested": "book_aid"}),
        )
        .await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = district
        .multipart(
            &format!("/api/v1/program/proposals/{id}/documents"),
            &[],
            &[("doc_commitment_letter", "surat.jpg", script)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json()["error"]["fields"][0]["field"],
        "doc_commitment_letter"
    );
    assert_eq!(r.json()["error"]["fields"][0]["code"], "file_wrong_type");
});

app_test!(the_overview_follows_reach, |app| {
    open_year(app, 2026).await;
    let district = app.login("dinas.magetan").await;
    let r = propose_page(
        &district,
        app,
        2026,
        "",
        &[
            ("doc_npp", "npp.pdf", PDF),
            ("doc_sk_pendirian", "sk.pdf", PDF),
            ("doc_commitment_letter", "k.pdf", PDF),
        ],
    )
    .await;
    let id = id_from_location(&r);
    district
        .post_form(&format!("/program/proposals/{id}/submit"), &[])
        .await;

    let admin = app.login("admin").await;
    let r = admin.get("/program/2026").await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.text();
    assert!(page.contains("Jawa Timur"), "{page}");
    assert!(page.contains("<caption>Usulan menurut status</caption>"));
    assert!(page.contains("href=\"/program/2026?region=35\""));
    let o = admin.get("/api/v1/program/overview?year=2026").await.json();
    assert_eq!(o["row_level"], "province");
    assert_eq!(o["total"]["proposals"]["submitted"], 1);
    let jatim_row = o["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["region"] == "35")
        .unwrap()
        .clone();
    assert_eq!(jatim_row["proposals_sent"], 1);

    // The province officer drills into its regencies, not another province.
    let jatim = app.login("dinas.jatim").await;
    let o = jatim.get("/api/v1/program/overview?year=2026").await.json();
    assert_eq!(o["region"], "35");
    assert_eq!(o["row_level"], "regency");
    let magetan_row = o["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["region"] == "3520")
        .unwrap()
        .clone();
    assert_eq!(magetan_row["proposals_sent"], 1);
    assert_eq!(
        jatim.get("/program/2026?region=3520").await.status,
        StatusCode::OK
    );
    assert_eq!(
        jatim.get("/program/2026?region=61").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        jatim
            .get("/api/v1/program/overview?year=2026&region=6103")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The district sees its kecamatan and its standing against the minimum.
    let r = district.get("/program").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text()
            .contains("Kabupaten/kota memenuhi minimal 2 usulan")
    );
    // Library people and facilitators have no overview.
    for who in ["fasilitator", "pengelola.magetan"] {
        assert_eq!(
            app.login(who).await.get("/program").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    assert_eq!(
        admin.get("/program/1999").await.status,
        StatusCode::NOT_FOUND
    );
});

app_test!(the_to_do_lists_show_what_waits, |app| {
    open_year(app, 2026).await;
    let district = app.login("dinas.magetan").await;
    let r = propose_page(
        &district,
        app,
        2026,
        "",
        &[
            ("doc_npp", "npp.pdf", PDF),
            ("doc_sk_pendirian", "sk.pdf", PDF),
            ("doc_commitment_letter", "k.pdf", PDF),
        ],
    )
    .await;
    let id = id_from_location(&r);
    let home = district.get("/").await.text();
    assert!(home.contains("1 usulan TPBIS 2026 masih draf"), "{home}");
    assert!(home.contains("Usulan TPBIS 2026: 0 terkirim dari minimal 2"));
    district
        .post_form(&format!("/program/proposals/{id}/submit"), &[])
        .await;
    let home = district.get("/").await.text();
    assert!(!home.contains("masih draf"));
    assert!(home.contains("1 terkirim dari minimal 2"));
    let admin = app.login("admin").await;
    let home = admin.get("/").await.text();
    assert!(
        home.contains("1 usulan TPBIS 2026 menunggu verifikasi"),
        "{home}"
    );
    // Another district has nothing waiting but its own minimum.
    let home = app.login("dinas.sanggau").await.get("/").await.text();
    assert!(!home.contains("masih draf"));
    assert!(home.contains("0 terkirim dari minimal 2"));
});

app_test!(exports_stay_within_reach, |app| {
    open_year(app, 2026).await;
    let district = app.login("dinas.magetan").await;
    propose_page(&district, app, 2026, "", &[]).await;
    let r = district
        .get("/program/proposals/export?format=csv&year=2026")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let csv = r.text();
    assert!(
        csv.trim_start_matches('\u{feff}')
            .starts_with("year,name,library_id"),
        "{csv}"
    );
    assert!(csv.contains("Perpustakaan Desa Contoh Magetan"));
    let r = district
        .get("/program/proposals/export?format=pdf&year=2026")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with(b"%PDF-"));
    let r = app
        .login("dinas.sanggau")
        .await
        .get("/program/proposals/export?format=csv")
        .await;
    assert!(!r.text().contains("Contoh Magetan"));
    let r = district.get("/program/proposals/export?format=doc").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
});

app_test!(withdrawing_a_draft, |app| {
    open_year(app, 2026).await;
    let district = app.login("dinas.magetan").await;
    let r = propose_page(&district, app, 2026, "", &[("doc_npp", "npp.pdf", PDF)]).await;
    let id = id_from_location(&r);
    let path = format!("/api/v1/program/proposals/{id}");
    assert_eq!(
        app.login("dinas.sanggau").await.delete(&path).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.login("admin").await.delete(&path).await.status,
        StatusCode::FORBIDDEN
    );
    // The page's button: the draft and its document go.
    let r = district
        .post_form(&format!("/program/proposals/{id}/delete"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location().as_deref(),
        Some("/program/proposals?deleted=1")
    );
    assert_eq!(district.get(&path).await.status, StatusCode::NOT_FOUND);
    // Through the API, a second draft.
    let r = propose_page(&district, app, 2026, "", &[]).await;
    let id = id_from_location(&r);
    let r = district
        .delete(&format!("/api/v1/program/proposals/{id}"))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let trail = app
        .login("admin")
        .await
        .get("/api/v1/audit?action=proposal.delete")
        .await;
    assert!(trail.text().contains("proposal.delete"), "{}", trail.text());
});

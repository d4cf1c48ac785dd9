//! Members and circulation through HTTP, on SQLite and PostgreSQL: reach,
//! NIK masking, the scan box with and without JavaScript, member import,
//! settings.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use lentera_core::catalog::{Barcode, BiblioDraft, BiblioForm, ItemDraft};
use lentera_core::ids::LibraryId;
use serde_json::json;

const NIK: &str = "3520015708900042";

/// A record with items carrying `barcodes`, in `lib`.
fn book(app: &TestApp, lib: LibraryId, title: &str, barcodes: &[&str]) -> String {
    let mut c = app.state.db.conn().unwrap();
    let draft = BiblioDraft::parse(
        &BiblioForm {
            title: title.into(),
            collection: "umum".into(),
            ..Default::default()
        },
        2026,
    )
    .unwrap();
    let id = lentera_store::catalog::insert_biblio(&mut c, lib, &draft, None).unwrap();
    let b = lentera_store::catalog::get_biblio(&mut c, &id).unwrap();
    for code in barcodes {
        lentera_store::catalog::insert_item(
            &mut c,
            &b,
            &ItemDraft {
                barcode: Some(Barcode::parse(code).unwrap()),
                call_number: None,
                location: None,
                status: None,
                source: None,
                acquired_on: None,
                price: None,
                notes: None,
            },
        )
        .unwrap();
    }
    id
}

async fn new_member(c: &common::Client<'_>, name: &str, nik: &str) -> serde_json::Value {
    let r = c
        .post_json(
            "/api/v1/members",
            json!({"full_name": name, "gender": "P", "birth_date": "1990-08-17", "nik": nik,
                   "rt": "3", "rw": "1", "education": "sma", "disability": "sensorik_netra"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

app_test!(only_the_librarys_staff_see_members_and_the_nik, |app| {
    let staff = app.login("staf.magetan").await;
    let m = new_member(&staff, "Siti Aminah", NIK).await;
    let id = m["id"].as_str().unwrap().to_string();
    assert_eq!(m["member_no"], "A00001");
    assert_eq!(m["nik"], "************0042");
    assert_eq!(m["age_group"], "dewasa");
    assert_eq!(m["rt"], "003");
    // The default desa is the library's.
    assert_eq!(m["village_code"], "3520012001");

    // Staff of this library: masked by default, in clear on request.
    for who in ["staf.magetan", "pengelola.magetan"] {
        let c = app.login(who).await;
        let r = c.get(&format!("/api/v1/members/{id}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["nik"], "************0042");
        let r = c.get(&format!("/api/v1/members/{id}?reveal=nik")).await;
        assert_eq!(r.json()["nik"], NIK);
        let page = c.get(&format!("/members/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("************0042"));
        assert!(
            !page.text().contains(NIK),
            "{who} page shows the NIK in clear"
        );
        let page = c.get(&format!("/members/{id}?reveal=nik")).await;
        assert!(page.text().contains(NIK));
        let list = c.get("/api/v1/members").await;
        assert_eq!(list.json()["total"], 1);
        assert!(!list.text().contains(NIK));
        // The edit form never pre-fills the NIK.
        let edit = c.get(&format!("/members/{id}/edit")).await;
        assert!(!edit.text().contains(NIK));
    }
    // Another library's staff: not found; their own list is empty.
    let sanggau = app.login("pengelola.sanggau").await;
    for path in [
        format!("/api/v1/members/{id}"),
        format!("/api/v1/members/{id}?reveal=nik"),
        format!("/members/{id}"),
    ] {
        let r = sanggau.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.text().contains("Siti"));
    }
    assert_eq!(sanggau.get("/api/v1/members").await.json()["total"], 0);
    // Officers and the facilitator never see members at all.
    for who in ["admin", "dinas.jatim", "dinas.magetan", "fasilitator"] {
        let c = app.login(who).await;
        for path in [
            "/members".to_string(),
            "/api/v1/members".to_string(),
            format!("/api/v1/members/{id}"),
            format!("/members/{id}"),
            "/api/v1/circulation/loans".to_string(),
            "/circulation".to_string(),
        ] {
            let r = c.get(&path).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} {path}");
            assert!(!r.text().contains("Siti"), "{who} {path}");
        }
    }
    // The audit trail (visible to officers) never holds the NIK in clear.
    let admin = app.login("admin").await;
    let trail = admin.get("/api/v1/audit?entity=member").await;
    assert_eq!(trail.status, StatusCode::OK);
    assert!(!trail.text().contains(NIK), "{}", trail.text());
    assert!(!trail.text().contains("Siti"), "{}", trail.text());
    // Each look at the NIK in clear left a trace (2 users × API and page).
    let reveals = admin.get("/api/v1/audit?action=member.nik_reveal").await;
    assert_eq!(reveals.json()["total"], 4, "{}", reveals.text());
});

app_test!(member_form_keeps_typing_and_names_problems, |app| {
    let staff = app.login("staf.magetan").await;
    let r = staff
        .post_form(
            "/members",
            &[
                ("full_name", "Budi Santoso"),
                ("gender", ""),
                ("rt", "12345"),
                ("nik", "123"),
                ("occupation", "Petani kopi"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let t = r.text();
    assert!(t.contains("error-summary"));
    assert!(t.contains("href=\"#f-gender\""));
    assert!(t.contains("href=\"#f-rt\""));
    assert!(t.contains("href=\"#f-nik\""));
    assert!(t.contains("value=\"Petani kopi\""), "typed values are kept");
    let r = staff
        .post_form(
            "/members",
            &[
                ("full_name", "Budi Santoso"),
                ("gender", "L"),
                ("nik", "3520011708900042"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // The same NIK again is a duplicate on the NIK field.
    let r = staff
        .post_json(
            "/api/v1/members",
            json!({"full_name": "Orang Lain", "gender": "L", "nik": "3520011708900042"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "nik");
});

app_test!(scan_box_checks_out_returns_and_renews, |app| {
    book(
        app,
        app.magetan,
        "Budidaya Lele di Kolam Terpal",
        &["T0001", "T0002"],
    );
    book(app, app.sanggau, "Buku Sanggau", &["S0001"]);
    let staff = app.login("staf.magetan").await;
    let m = new_member(&staff, "Sri Wahyuni", "").await;
    let mid = m["id"].as_str().unwrap().to_string();
    let card = m["member_no"].as_str().unwrap().to_string();

    // Without JavaScript: the form posts and redirects back with the result.
    let r = staff
        .post_form("/circulation/scan", &[("code", &card), ("member", "")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let to = r.location().unwrap();
    assert!(to.contains(&format!("member={mid}")), "{to}");
    let page = staff.get(&to).await;
    assert!(page.text().contains("Sri Wahyuni"));
    assert!(page.text().contains("autofocus"));
    let r = staff
        .post_form("/circulation/scan", &[("code", "T0001"), ("member", &mid)])
        .await;
    let to = r.location().unwrap();
    assert!(to.contains("done=checkout"), "{to}");
    let page = staff.get(&to).await.text();
    assert!(
        page.contains("Dipinjam: Budidaya Lele di Kolam Terpal (T0001)"),
        "{page}"
    );
    assert!(page.contains("1 dari 3 pinjaman"), "{page}");

    // The JSON API: a second scan of the same book returns it.
    let r = staff
        .post_json(
            "/api/v1/circulation/scan",
            json!({"member": mid, "code": "T0001"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let j = r.json();
    assert_eq!(j["result"], "return");
    assert_eq!(j["panel"]["standing"]["open_loans"], 0);

    // Checkout again, then renew with the explicit button.
    let r = staff
        .post_json(
            "/api/v1/circulation/scan",
            json!({"member": mid, "code": "T0001"}),
        )
        .await;
    assert_eq!(r.json()["result"], "checkout");
    let due = r.json()["loan"]["due_on"].as_str().unwrap().to_string();
    let r = staff
        .post_json(
            "/api/v1/circulation/scan",
            json!({"member": mid, "code": "T0001", "action": "renew"}),
        )
        .await;
    assert_eq!(r.json()["result"], "renew", "{}", r.text());
    assert_eq!(r.json()["loan"]["renewals"], 1);
    assert!(r.json()["loan"]["due_on"].as_str().unwrap() >= due.as_str());
    // One renewal by default: the second is refused with a reason.
    let r = staff
        .post_json(
            "/api/v1/circulation/renew",
            json!({"member": card, "code": "T0001"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["refusal"], "max_renewals");

    // An available book before any member card: refused, nothing lent.
    let r = staff
        .post_json("/api/v1/circulation/scan", json!({"code": "T0002"}))
        .await;
    assert_eq!(r.json()["refusal"], "no_member");
    // Another library's barcode is unknown here.
    let r = staff
        .post_json(
            "/api/v1/circulation/scan",
            json!({"member": mid, "code": "S0001"}),
        )
        .await;
    assert_eq!(r.json()["refusal"], "unknown_code");

    // Loans lists.
    let loans = staff
        .get(&format!("/api/v1/circulation/loans?member={card}"))
        .await;
    assert_eq!(loans.json()["total"], 1);
    let overdue = staff.get("/api/v1/circulation/loans?overdue=true").await;
    assert_eq!(overdue.json()["total"], 0);
    assert_eq!(
        staff.get("/circulation/overdue").await.status,
        StatusCode::OK
    );
    // Another library's staff see none of it.
    let sanggau = app.login("pengelola.sanggau").await;
    assert_eq!(
        sanggau.get("/api/v1/circulation/loans").await.json()["total"],
        0
    );
    let r = sanggau
        .post_json("/api/v1/circulation/return", json!({"code": "T0001"}))
        .await;
    assert_eq!(r.json()["refusal"], "unknown_code");
    // Return through the explicit endpoint.
    let r = staff
        .post_json("/api/v1/circulation/return", json!({"code": "T0001"}))
        .await;
    assert_eq!(r.json()["result"], "return");
    // The member page shows the history.
    let page = staff.get(&format!("/members/{mid}")).await.text();
    assert!(page.contains("T0001"));
    // Holds through the API and the page.
    // Placed by scanning a copy's barcode.
    book(app, app.magetan, "Laskar Pelangi", &["T0003"]);
    let r = staff
        .post_json(
            "/api/v1/circulation/holds",
            json!({"member": card, "biblio_id": "T0003"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["status"], "ready");
    let holds = staff.get("/circulation/holds").await.text();
    assert!(holds.contains("Laskar Pelangi"));
});

app_test!(
    member_import_reports_bad_rows_keeps_good_and_is_idempotent,
    |app| {
        let staff = app.login("staf.magetan").await;
        let csv = "Nama;Jenis Kelamin;Tanggal Lahir;NIK;RT;Pendidikan\n\
               Siti Aminah;P;17-08-1990;3520015708900042;3;sma\n\
               Budi Santoso;L;01-02-2012;;1;sd\n\
               Tanpa Kelamin;;01-01-2000;;;\n\
               Salah NIK;L;01-01-2000;123;;\n\
               Dewi Lestari;perempuan;1985-05-05;;12;s1\n";
        let r = staff
            .upload(
                "/api/v1/members/import",
                "file",
                "anggota.csv",
                csv.as_bytes(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let j = r.json();
        assert_eq!(
            (j["inserted"].as_u64(), j["rejected"].as_u64()),
            (Some(3), Some(2)),
            "{j}"
        );
        let rows: Vec<u64> = j["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["row"].as_u64().unwrap())
            .collect();
        assert_eq!(rows, [4, 5]);
        // Again: nothing new, nothing changed.
        let r = staff
            .upload(
                "/api/v1/members/import",
                "file",
                "anggota.csv",
                csv.as_bytes(),
            )
            .await;
        let j = r.json();
        assert_eq!(
            (j["inserted"].as_u64(), j["unchanged"].as_u64()),
            (Some(0), Some(3)),
            "{j}"
        );
        assert_eq!(staff.get("/api/v1/members").await.json()["total"], 3);
        // The page form works too, and the template downloads.
        let r = staff
            .upload("/members/import", "file", "anggota.csv", csv.as_bytes())
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.text().contains("Baris"));
        let t = staff.get("/members/import/template?format=xlsx").await;
        assert_eq!(t.status, StatusCode::OK);
        assert!(t.body.starts_with(b"PK"));
        // Cards as a PDF.
        let pdf = staff.get("/members/cards").await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert!(pdf.body.starts_with(b"%PDF"));
        // Officers cannot import.
        let admin = app.login("admin").await;
        let r = admin
            .upload("/api/v1/members/import", "file", "a.csv", csv.as_bytes())
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
);

app_test!(settings_rules_and_holidays_shape_due_dates, |app| {
    book(app, app.magetan, "Kamus", &["K0001"]);
    let staff = app.login("pengelola.magetan").await;
    let r = staff
        .post_form(
            "/circulation/settings/rules",
            &[
                ("member_type", "*"),
                ("collection", "*"),
                ("loan_days", "0"),
                ("max_loans", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = staff
        .post_form(
            "/circulation/settings/rules",
            &[
                ("member_type", "*"),
                ("collection", "*"),
                ("loan_days", "1"),
                ("max_loans", "5"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Close every day but one so the due date must move past closed days.
    let r = staff
        .post_form(
            "/circulation/settings",
            &[
                ("closed_weekdays", "1,2,3,4,5,6"),
                ("hold_pickup_days", "3"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = staff
        .post_form(
            "/circulation/settings/holidays",
            &[("day", "2030-08-17"), ("holiday_name", "HUT RI")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = staff.get("/circulation/settings").await.text();
    assert!(page.contains("HUT RI"));
    let m = new_member(&staff, "Rina", "").await;
    let r = staff
        .post_json(
            "/api/v1/circulation/checkout",
            json!({"member": m["id"], "code": "K0001"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let due =
        chrono::NaiveDate::parse_from_str(r.json()["loan"]["due_on"].as_str().unwrap(), "%Y-%m-%d")
            .unwrap();
    use chrono::Datelike;
    assert_eq!(due.weekday(), chrono::Weekday::Sun, "only Sunday is open");
    // Officers cannot change settings.
    let admin = app.login("dinas.magetan").await;
    let r = admin
        .post_form("/circulation/settings", &[("closed_weekdays", "7")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
});

//! Monthly reports through the real router, on SQLite and PostgreSQL:
//! computed and hand-entered figures, the validation gate on the page and
//! the API, approval up the hierarchy, returning, locking and unlocking,
//! reach and roles, the XLSX template, exports, completeness and the to-do
//! list.

mod common;

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use common::TestApp;
use lentera_core::audit::ActorRef;
use lentera_core::ids::LibraryId;
use lentera_core::monitoring::reports::{Period, last_month};
use lentera_core::regions::RegionCode;
use lentera_core::visits::{AgeGroup, Purpose, TimeZone};
use lentera_store::audit::{self, AuditQuery};
use lentera_store::visits::{self, NewVisit};
use lentera_web::auth::{CurrentUser, SessionKind};
use serde_json::json;

/// The month before this one (always over, so it can be submitted).
fn month() -> Period {
    last_month(TimeZone::Wib.local_date(lentera_store::now()))
}

/// `n` visitors on the 5th of `p` at `lib`.
fn visits_in(app: &TestApp, lib: LibraryId, village: &str, p: Period, n: usize) {
    let mut c = app.state.db.conn().unwrap();
    let day: NaiveDate = p.first_day() + Duration::days(4);
    let rows: Vec<NewVisit> = (0..n)
        .map(|i| NewVisit {
            library: lib,
            visited_at: day.and_hms_opt(2, 0, 0).unwrap(),
            visit_date: day,
            visitor_name: None,
            group_name: None,
            males: (i % 2) as i32,
            females: ((i + 1) % 2) as i32,
            age_group: AgeGroup::Remaja,
            purpose: Purpose::Membaca,
        })
        .collect();
    visits::insert_many(
        &mut c,
        &ActorRef::system("test"),
        &rows,
        &[(lib, RegionCode::parse(village).unwrap())],
    )
    .unwrap();
}

fn report_path(lib: LibraryId, p: Period) -> String {
    format!("/reports/{lib}/{p}")
}

fn api_path(lib: LibraryId, p: Period) -> String {
    format!("/api/v1/reports/{lib}/{p}")
}

fn audit_actions(app: &TestApp) -> Vec<String> {
    let mut c = app.state.db.conn().unwrap();
    let q = AuditQuery {
        action_prefix: Some("report.".into()),
        page: 1,
        per_page: 100,
        ..Default::default()
    };
    let mut v: Vec<String> = audit::list(&mut c, &lentera_core::users::Reach::Everything, &q)
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.action)
        .collect();
    v.reverse();
    v
}

app_test!(a_library_sees_its_months_and_computed_figures, |app| {
    let p = month();
    visits_in(app, app.magetan, "3520012001", p, 14);
    let lib = app.login("pengelola.magetan").await;
    let r = lib.get("/reports").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = r.text();
    assert!(page.contains(&report_path(app.magetan, p)), "month linked");
    assert!(page.contains("<caption>"), "tables have captions");
    assert!(page.contains("Belum dikirim"));

    let r = lib.get(&report_path(app.magetan, p)).await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.text();
    assert!(page.contains("Kunjungan"));
    assert!(page.contains("Dari catatan"));
    assert!(
        page.contains("Kirim ke dinas kabupaten/kota"),
        "the manager may send"
    );
    // English too.
    let r = lib
        .get(&format!("{}?lang=en", report_path(app.magetan, p)))
        .await;
    assert!(r.text().contains("Send to the district office"));

    let r = lib.get(&api_path(app.magetan, p)).await;
    let j = r.json();
    assert_eq!(j["status"], "draft");
    assert_eq!(j["open"], true);
    let visits_total = j["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["element"] == "visits" && f["disagg"] == "")
        .unwrap();
    assert_eq!(visits_total["value"], 14);
    assert_eq!(visits_total["manual"], false);
    // The current month is shown but cannot be sent yet.
    let this = p.next();
    let r = lib.get(&report_path(app.magetan, this)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("bisa dikirim mulai"));
    let r = lib
        .post_json(
            &format!("{}/submit", api_path(app.magetan, this)),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "period");
    // A future month does not exist.
    let r = lib.get(&report_path(app.magetan, this.next())).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

app_test!(hand_entered_figures_keep_the_typing_and_are_marked, |app| {
    let p = month();
    let staff = app.login("staf.magetan").await;
    let form = format!("{}/figures", report_path(app.magetan, p));
    let r = staff.get(&form).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("id=\"f-visits.P.anak\""));
    // A bad number: the form comes back with the typing kept.
    let r = staff
        .post_form(&form, &[("loans", "dua puluh"), ("visits.P.anak", "7")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text();
    assert!(
        page.contains("href=\"#f-loans\""),
        "summary links to the field"
    );
    assert!(page.contains("value=\"dua puluh\""));
    assert!(page.contains("value=\"7\""));
    let r = staff
        .post_form(&form, &[("loans", "20"), ("visits.P.anak", "7")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().ends_with("?done=save"));
    let r = staff.get(&report_path(app.magetan, p)).await;
    assert!(r.text().contains("Diisi manual"));
    let j = staff.get(&api_path(app.magetan, p)).await.json();
    assert_eq!(j["manual_elements"], json!(["visits", "loans"]));
    // The same again: nothing changes.
    let r = staff
        .post_form(&form, &[("loans", "20"), ("visits.P.anak", "7")])
        .await;
    assert!(r.location().unwrap().ends_with("?done=unchanged"));
    // The download marks manual figures.
    let r = staff
        .get(&format!(
            "{}/export?format=csv",
            report_path(app.magetan, p)
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let csv = r.text();
    assert!(csv.contains("manual"));
    assert!(
        csv.lines()
            .any(|l| l.contains(",loans,") && l.contains(",20,true,"))
    );
    // API: the same vocabulary of keys.
    let r = staff
        .put_json(
            &format!("{}/figures", api_path(app.magetan, p)),
            json!({"figures": {"loans": 25, "pinjaman": 3}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = staff
        .put_json(
            &format!("{}/figures", api_path(app.magetan, p)),
            json!({"figures": {"loans": 25}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["manual_elements"], json!(["loans"]));
    // Staff enter figures, but only the manager sends the report.
    let r = staff
        .post_json(&format!("{}/submit", api_path(app.magetan, p)), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Officers read, they do not type a library's figures.
    let officer = app.login("dinas.magetan").await;
    let r = officer.get(&form).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(audit_actions(app), vec!["report.save", "report.save"]);
});

app_test!(a_warning_needs_a_comment_and_an_error_blocks, |app| {
    let p = month();
    visits_in(app, app.magetan, "3520012001", p, 2);
    let mgr = app.login("pengelola.magetan").await;
    let base = report_path(app.magetan, p);
    mgr.post_form(&format!("{base}/figures"), &[("loans", "100")])
        .await;
    let page = mgr.get(&base).await.text();
    assert!(
        page.contains("Pinjaman per kunjungan"),
        "finding next to the figure"
    );
    assert!(page.contains("name=\"comment.loans_per_visit\""));
    // Without the comment: refused, with the summary linking to the box.
    let r = mgr.post_form(&format!("{base}/submit"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#f-loans_per_visit\""));
    let r = mgr
        .post_form(
            &format!("{base}/submit"),
            &[(
                "comment.loans_per_visit",
                "Buku tamu bulan ini dicatat di kertas.",
            )],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let j = mgr.get(&api_path(app.magetan, p)).await.json();
    assert_eq!(j["status"], "submitted");
    assert_eq!(j["waiting_for"], "district");
    assert_eq!(
        j["findings"][0]["comment"],
        "Buku tamu bulan ini dicatat di kertas."
    );

    // The month before: participants without any activity is an error.
    let before = p.prev();
    let r = mgr
        .put_json(
            &format!("{}/figures", api_path(app.magetan, before)),
            json!({"figures": {"participants.L.anak": 10, "visits.L.anak": 30, "loans": 5}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = mgr
        .post_json(
            &format!("{}/submit", api_path(app.magetan, before)),
            json!({"comments": {"participants_without_activity": "maaf"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json()["error"]["fields"][0]["field"],
        "participants_without_activity"
    );
    let page = mgr.get(&report_path(app.magetan, before)).await.text();
    assert!(page.contains("Perbaiki angka yang salah"));
});

app_test!(approval_climbs_to_the_nation_then_locks, |app| {
    let p = month();
    visits_in(app, app.magetan, "3520012001", p, 30);
    let api = api_path(app.magetan, p);
    let mgr = app.login("pengelola.magetan").await;
    let r = mgr.post_json(&format!("{api}/submit"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let version = r.json()["version"].as_i64().unwrap();

    // Reach and roles: another district cannot even see it; a library,
    // staff or facilitator may not approve.
    let sanggau = app.login("dinas.sanggau").await;
    let r = sanggau
        .post_json(&format!("{api}/approve"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    for who in ["pengelola.magetan", "staf.magetan", "fasilitator"] {
        let c = app.login(who).await;
        let r = c.post_json(&format!("{api}/approve"), json!({})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    // Not the province's turn yet.
    let jatim = app.login("dinas.jatim").await;
    let r = jatim.post_json(&format!("{api}/approve"), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "status");
    // A stale version is a conflict.
    let district = app.login("dinas.magetan").await;
    let r = district
        .post_json(&format!("{api}/approve"), json!({"version": version + 5}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // The district's queue holds it.
    let q = district.get("/api/v1/reports?waiting=1").await.json();
    assert_eq!(q["total"], 1);
    let page = district.get("/reports").await.text();
    assert!(page.contains("Menunggu persetujuan Anda (1)"));

    let r = district
        .post_json(
            &format!("{api}/approve"),
            json!({"version": version, "comment": "Sesuai buku tamu."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["waiting_for"], "province");
    assert_eq!(r.json()["locked"], true);
    // Locked: the library cannot change it.
    let r = mgr
        .put_json(&format!("{api}/figures"), json!({"figures": {"loans": 3}}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = mgr
        .get(&format!("{}/figures", report_path(app.magetan, p)))
        .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "no form for a locked month"
    );

    let r = jatim.post_json(&format!("{api}/approve"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK);
    let admin = app.login("admin").await;
    let r = admin.post_json(&format!("{api}/approve"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    assert_eq!(j["approved_level"], "national");
    assert_eq!(j["waiting_for"], serde_json::Value::Null);
    let steps: Vec<&str> = j["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, vec!["submit", "approve", "approve", "approve"]);

    // Unlocking: not by a level below the approver; always with a reason.
    let r = district
        .post_json(&format!("{api}/unlock"), json!({"reason": "Salah hitung."}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin.post_json(&format!("{api}/unlock"), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "reason");
    let r = mgr
        .post_json(
            &format!("{api}/unlock"),
            json!({"reason": "Saya mau ubah."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = admin
        .post_json(
            &format!("{api}/unlock"),
            json!({"reason": "Kunjungan rombongan sekolah tercatat dua kali."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["status"], "unlocked");
    // Open again for the library.
    let r = mgr
        .put_json(&format!("{api}/figures"), json!({"figures": {"loans": 3}}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let page = mgr.get(&report_path(app.magetan, p)).await.text();
    assert!(page.contains("Kunjungan rombongan sekolah tercatat dua kali."));
    assert_eq!(
        audit_actions(app),
        vec![
            "report.submit",
            "report.approve",
            "report.approve",
            "report.approve",
            "report.unlock",
            "report.save"
        ]
    );
});

app_test!(returning_needs_a_comment_and_reopens_the_report, |app| {
    let p = month();
    visits_in(app, app.magetan, "3520012001", p, 8);
    let base = report_path(app.magetan, p);
    let mgr = app.login("pengelola.magetan").await;
    let r = mgr.post_form(&format!("{base}/submit"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let district = app.login("dinas.magetan").await;
    let page = district.get(&base).await.text();
    assert!(page.contains("Kembalikan untuk diperbaiki"));
    // No comment: the page comes back with the error on the return box.
    let r = district
        .post_form(&format!("{base}/return"), &[("return_comment", "  ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#f-return_comment\""));
    let r = district
        .post_form(
            &format!("{base}/return"),
            &[("return_comment", "Peminjaman belum diisi.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = mgr.get(&base).await.text();
    assert!(page.contains("Dikembalikan"));
    assert!(page.contains("Peminjaman belum diisi."));
    // The library's to-do list asks for the correction.
    let user = current_user(app, "pengelola.magetan");
    let mut c = app.state.db.conn().unwrap();
    let todos = lentera_web::monitoring::reports::todos(&mut c, &user, lentera_web::i18n::Lang::Id)
        .unwrap();
    assert!(
        todos
            .iter()
            .any(|t| t.label.contains("dikembalikan") && t.href == base),
        "{todos:?}"
    );
    // Withdrawing works only while nobody approved.
    let r = mgr.post_form(&format!("{base}/submit"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = mgr.post_form(&format!("{base}/withdraw"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        mgr.get(&api_path(app.magetan, p)).await.json()["status"],
        "draft"
    );
});

fn current_user(app: &TestApp, username: &str) -> CurrentUser {
    let mut c = app.state.db.conn().unwrap();
    let (user, _) = lentera_store::users::with_hash(&mut c, username)
        .unwrap()
        .unwrap();
    let actor = lentera_store::users::actor(&mut c, &user).unwrap();
    CurrentUser {
        user,
        actor,
        kind: SessionKind::Browser,
        token_hash: String::new(),
        csrf: String::new(),
    }
}

app_test!(todos_ask_libraries_to_send_and_officers_to_review, |app| {
    let p = month();
    let mut c = app.state.db.conn().unwrap();
    let lang = lentera_web::i18n::Lang::Id;
    let mgr = current_user(app, "pengelola.magetan");
    let todos = lentera_web::monitoring::reports::todos(&mut c, &mgr, lang).unwrap();
    assert_eq!(todos.len(), 1, "{todos:?}");
    assert!(todos[0].label.starts_with("Kirim laporan bulanan"));
    assert_eq!(todos[0].href, report_path(app.magetan, p));
    assert!(todos[0].due.is_some());
    drop(c);
    let client = app.login("pengelola.magetan").await;
    let r = client
        .post_json(
            &format!("{}/submit", api_path(app.magetan, p)),
            json!({"comments": {"nothing_recorded": "Perpustakaan tutup untuk renovasi."}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let mut c = app.state.db.conn().unwrap();
    assert!(
        lentera_web::monitoring::reports::todos(&mut c, &mgr, lang)
            .unwrap()
            .is_empty()
    );
    let district = current_user(app, "dinas.magetan");
    let todos = lentera_web::monitoring::reports::todos(&mut c, &district, lang).unwrap();
    assert_eq!(todos.len(), 1);
    assert_eq!(todos[0].href, "/reports?waiting=1");
    let other = current_user(app, "dinas.sanggau");
    assert!(
        lentera_web::monitoring::reports::todos(&mut c, &other, lang)
            .unwrap()
            .is_empty()
    );
    let province = current_user(app, "dinas.jatim");
    assert!(
        lentera_web::monitoring::reports::todos(&mut c, &province, lang)
            .unwrap()
            .is_empty(),
        "nothing for the province before the district approves"
    );
});

app_test!(the_xlsx_template_round_trips_through_the_page, |app| {
    let p = month();
    let base = report_path(app.magetan, p);
    let mgr = app.login("pengelola.magetan").await;
    let r = mgr.get(&format!("{base}/template.xlsx")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with(b"PK"), "an XLSX (zip) file");
    // Fill it: read the rows, set values, write the workbook again.
    let layout = lentera_tabular::Layout::new()
        .required("kode", &["kode"])
        .optional("nilai", &["nilai"]);
    let rows: Vec<(String, String)> =
        lentera_tabular::TableReader::from_bytes(r.body.clone(), &layout, &Default::default())
            .unwrap()
            .map(|row| {
                let row = row.unwrap();
                let k = row.get("kode").unwrap_or("").to_string();
                let v = match k.as_str() {
                    "loans" => "42".to_string(),
                    "titles" => "1200".to_string(),
                    "items" => "1500".to_string(),
                    _ => row.get("nilai").unwrap_or("").to_string(),
                };
                (k, v)
            })
            .collect();
    let write = |rows: &[(String, String)]| {
        let mut w =
            lentera_tabular::TableWriter::new(lentera_tabular::Format::Xlsx, Vec::new()).unwrap();
        w.write_header(&["kode", "nilai"]).unwrap();
        for (k, v) in rows {
            w.write_row(&[
                lentera_tabular::Cell::from(k.as_str()),
                lentera_tabular::Cell::from(v.as_str()),
            ])
            .unwrap();
        }
        w.finish().unwrap()
    };
    let filled = write(&rows);
    let r = mgr
        .multipart(
            &format!("{base}/upload"),
            &[],
            &[("template", "laporan.xlsx", &filled)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(r.location().unwrap().ends_with("?done=import"));
    let j = mgr.get(&api_path(app.magetan, p)).await.json();
    assert_eq!(j["manual_elements"], json!(["loans", "titles", "items"]));
    // The same file again: nothing changes.
    let r = mgr
        .multipart(
            &format!("{base}/upload"),
            &[],
            &[("template", "laporan.xlsx", &filled)],
        )
        .await;
    assert!(r.location().unwrap().ends_with("?done=unchanged"));
    // Errors are named by row; nothing is saved.
    let mut bad = rows.clone();
    bad.iter_mut().find(|(k, _)| k == "loans").unwrap().1 = "-4".into();
    let r = mgr
        .multipart(
            &format!("{base}/upload"),
            &[],
            &[("template", "laporan.xlsx", &write(&bad))],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let row = 2 + bad.iter().position(|(k, _)| k == "loans").unwrap();
    assert!(
        r.text().contains(&format!("<td class=\"num\">{row}</td>")),
        "{}",
        r.text()
    );
    let j = mgr.get(&api_path(app.magetan, p)).await.json();
    let loans = j["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["element"] == "loans")
        .unwrap()["value"]
        .clone();
    assert_eq!(loans, 42);
    // No file chosen.
    let r = mgr.multipart(&format!("{base}/upload"), &[], &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Multipart posts carry the CSRF token in the URL: without it, refused.
    let mut no_csrf = app.login("pengelola.magetan").await;
    no_csrf.csrf = None;
    let r = no_csrf
        .multipart(
            &format!("{base}/upload"),
            &[],
            &[("template", "laporan.xlsx", &filled)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(audit_actions(app), vec!["report.import"]);
});

app_test!(completeness_and_deadlines_for_officers, |app| {
    let p = month();
    for (lib, v) in [(app.magetan, "3520012001"), (app.sanggau, "6103042001")] {
        visits_in(app, lib, v, p, 5);
    }
    let mgr = app.login("pengelola.magetan").await;
    let r = mgr
        .post_json(&format!("{}/submit", api_path(app.magetan, p)), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    let jatim = app.login("dinas.jatim").await;
    let r = jatim
        .get(&format!("/api/v1/reports/completeness?period={p}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let j = r.json();
    assert_eq!(j["region"], "35");
    assert_eq!(j["by_library"], false);
    assert_eq!(j["total"]["expected"], 2, "magetan and magetan2");
    assert_eq!(j["total"]["reported"], 1);
    assert_eq!(j["rows"][0]["region"], "3520");
    let r = jatim
        .get(&format!("/reports/completeness?period={p}"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("Magetan"));
    let district = app.login("dinas.magetan").await;
    let page = district
        .get(&format!("/reports/completeness?period={p}"))
        .await
        .text();
    assert!(page.contains("Perpustakaan Desa Contoh Magetan"));
    assert!(page.contains("TBM Pelangi Magetan"));
    let csv = district
        .get(&format!("/reports/completeness?period={p}&format=csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.text().lines().count(), 3, "header and two libraries");
    // Outside reach: 404; not an officer: 403.
    let r = app
        .login("dinas.sanggau")
        .await
        .get("/api/v1/reports/completeness?region=3520")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    for who in ["fasilitator", "pengelola.magetan"] {
        let r = app.login(who).await.get("/reports/completeness").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    // The district sets its own deadline; an empty day follows the nation.
    let r = district
        .post_form("/reports/deadline", &[("day", "15")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let j = district.get("/api/v1/reports/completeness").await.json();
    assert_eq!(j["deadline_day"], 15);
    let r = district
        .put_json("/api/v1/reports/deadline", json!({"day": 40}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = district
        .put_json("/api/v1/reports/deadline", json!({"day": null}))
        .await;
    assert_eq!(r.json()["day"], 10);
    let r = mgr
        .put_json("/api/v1/reports/deadline", json!({"day": 3}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
});

app_test!(the_template_can_be_uploaded_through_the_api, |app| {
    let p = month();
    let mgr = app.token("pengelola.magetan").await;
    let r = mgr
        .get(&format!("{}/template.xlsx", report_path(app.magetan, p)))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let csv = format!("kode;nilai\r\nperiode;{p}\r\nloans;12\r\nvisits.L.anak;abc\r\n");
    let api = format!("{}/template", api_path(app.magetan, p));
    let r = mgr
        .multipart(&api, &[], &[("template", "laporan.csv", csv.as_bytes())])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["problems"][0]["row"], 4);
    let csv = format!("kode;nilai\r\nperiode;{p}\r\nloans;12\r\n");
    let r = mgr
        .multipart(&api, &[], &[("template", "laporan.csv", csv.as_bytes())])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["saved"], "changed");
    assert_eq!(r.json()["manual_elements"], json!(["loans"]));
    let r = mgr
        .multipart(&api, &[], &[("template", "laporan.csv", csv.as_bytes())])
        .await;
    assert_eq!(r.json()["saved"], "unchanged");
});

//! The guest book end to end, on SQLite and PostgreSQL: the kiosk by name,
//! by member card and as a group; counts by day, month, gender, age group
//! and purpose; the library's local date; reach (who may record, who sees
//! counts, who sees names); validation that keeps what was typed.

mod common;

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate, Utc};
use common::TestApp;
use lentera_core::audit::ActorRef;
use lentera_core::circulation::{MemberDraft, MemberForm};
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{LibraryDraft, LibraryForm};
use lentera_core::regions::RegionCode;
use lentera_core::visits::{Granularity, VisitDraft, VisitForm};
use lentera_store::visits::{self as store, At, Scope};
use serde_json::json;

/// Magetan's (WIB) date today.
fn today_wib() -> NaiveDate {
    (Utc::now().naive_utc() + Duration::hours(7)).date()
}

fn add_member(app: &TestApp, name: &str, gender: &str, birth: &str) -> String {
    let mut c = app.state.db.conn().unwrap();
    let form = MemberForm {
        full_name: name.into(),
        gender: gender.into(),
        birth_date: birth.into(),
        ..Default::default()
    };
    let village = RegionCode::parse("3520012001").unwrap();
    let draft = MemberDraft::parse(&form, &app.state.regions, Some(&village), today_wib())
        .unwrap_or_else(|e| panic!("member draft: {e:?}"));
    lentera_store::circulation::create_member(
        &mut c,
        &ActorRef::system("test"),
        app.magetan,
        &draft,
        today_wib(),
    )
    .unwrap()
    .member_no
}

async fn counts(c: &common::Client<'_>, query: &str) -> serde_json::Value {
    let r = c.get(&format!("/api/v1/visits/counts?{query}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

app_test!(kiosk_by_name_and_by_card, |app| {
    let staff = app.login("staf.magetan").await;
    let r = staff.get("/kiosk").await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.text();
    assert!(page.contains(r#"id="f-visitor""#));
    assert!(page.contains("autofocus"));
    assert!(
        !page.contains("Menu utama"),
        "the kiosk hides the main menu"
    );
    assert!(page.contains(r#"href="/visits""#), "a discreet way out");
    assert!(page.contains("/assets/kiosk.js"));
    let en = staff.get("/kiosk?lang=en").await.text();
    assert!(
        en.contains("Welcome to Perpustakaan Desa Contoh Magetan"),
        "{en}"
    );
    assert!(en.contains(r#"<html lang="en">"#));

    // By name: one screen per question, answers carried along.
    let mut fields = vec![("step", "visitor"), ("visitor", "Sri Wahyuni")];
    let r = staff.post_form("/kiosk", &fields).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = r.text();
    assert!(page.contains(r#"name="gender" value="P""#), "{page}");
    assert!(page.contains("<legend>"));
    assert!(page.contains(r#"type="hidden" name="visitor" value="Sri Wahyuni""#));
    assert!(
        !page.contains("error-message"),
        "no error before the question was seen"
    );
    fields.extend([("step", "gender"), ("gender", "P")]);
    let page = staff.post_form("/kiosk", &fields).await.text();
    assert!(page.contains(r#"name="age_group" value="dewasa""#));
    fields.extend([("step", "age"), ("age_group", "dewasa")]);
    let page = staff.post_form("/kiosk", &fields).await.text();
    assert!(page.contains(r#"name="purpose" value="membaca""#));
    fields.extend([("step", "purpose"), ("purpose", "membaca")]);
    let r = staff.post_form("/kiosk", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let done = r.location().unwrap();
    assert!(done.starts_with("/kiosk?done="));
    let page = staff.get(&done).await.text();
    assert!(page.contains("Terima kasih, Sri Wahyuni!"), "{page}");
    assert!(page.contains(r#"data-kiosk-reset="8""#));
    assert!(page.contains(r#"role="status""#));

    // By card: gender and age group come from the member's record.
    let no = add_member(app, "Bagus Pratama", "L", "2015-03-01");
    let r = staff
        .post_form("/kiosk", &[("step", "visitor"), ("visitor", &no)])
        .await;
    let page = r.text();
    assert!(page.contains("Halo, Bagus Pratama!"), "{page}");
    assert!(
        page.contains(r#"name="purpose""#),
        "straight to the purpose"
    );
    let r = staff
        .post_form(
            "/kiosk",
            &[
                ("visitor", &no),
                ("step", "purpose"),
                ("purpose", "meminjam"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());

    // An unknown card keeps what was typed and says what is wrong.
    let r = staff
        .post_form("/kiosk", &[("step", "visitor"), ("visitor", "A99999")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text();
    assert!(page.contains(r#"value="A99999""#));
    assert!(page.contains("tidak ditemukan"));
    assert!(page.contains(r##"href="#f-visitor""##));
    // An empty first screen is an error too.
    let r = staff.post_form("/kiosk", &[("step", "visitor")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let c = counts(&staff, "").await;
    assert_eq!(c["total"]["visitors"], 2);
    assert_eq!(c["total"]["males"], 1);
    assert_eq!(c["total"]["females"], 1);
    assert_eq!(c["total"]["by_age_group"]["anak"], 1);
    assert_eq!(c["total"]["by_age_group"]["dewasa"], 1);
    assert_eq!(c["total"]["by_purpose"]["membaca"], 1);
    assert_eq!(c["total"]["by_purpose"]["meminjam"], 1);
    assert_eq!(c["time_zone"], "WIB");
    let last = c["buckets"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["start"], today_wib().to_string());
    assert_eq!(last["visitors"], 2);

    // The staff see the names; the page shows the figures.
    let page = staff.get("/visits").await.text();
    assert!(page.contains("Sri Wahyuni") && page.contains("Bagus Pratama"));
});

app_test!(groups_count_by_headcount, |app| {
    let staff = app.login("staf.magetan").await;
    // The kiosk's group mode.
    let page = staff.get("/kiosk?mode=group").await.text();
    assert!(page.contains(r#"id="f-males""#) && page.contains(r#"id="f-females""#));
    let mut f = vec![
        ("mode", "group"),
        ("step", "group"),
        ("group_name", "SDN 1 Sukomoro kelas 5"),
        ("males", "12"),
        ("females", "16"),
    ];
    let page = staff.post_form("/kiosk", &f).await.text();
    assert!(page.contains("28 orang"), "{page}");
    f.extend([("age_group", "anak"), ("purpose", "kegiatan")]);
    let r = staff.post_form("/kiosk", &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = staff.get(&r.location().unwrap()).await.text();
    assert!(page.contains("28 orang"));
    // And through the API.
    let r = staff
        .post_json(
            "/api/v1/visits",
            json!({"mode": "group", "group_name": "PKK Desa", "males": 0, "females": 9,
                   "age_group": "dewasa", "purpose": "kegiatan"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["people"], 9);
    let c = counts(&staff, "by=month").await;
    assert_eq!(c["total"]["visitors"], 37);
    assert_eq!(c["total"]["checkins"], 2);
    assert_eq!(c["total"]["males"], 12);
    assert_eq!(c["total"]["females"], 25);
    assert_eq!(c["total"]["by_purpose"]["kegiatan"], 37);
    assert_eq!(c["total"]["by_age_group"]["anak"], 28);
    // A group without anyone in it is refused, naming the field.
    let r = staff
        .post_json(
            "/api/v1/visits",
            json!({"mode": "group", "group_name": "Kosong", "age_group": "anak", "purpose": "membaca"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "males");
});

app_test!(counts_by_day_month_and_breakdown, |app| {
    let staff = app.login("pengelola.magetan").await;
    let today = today_wib();
    let d3 = today - Duration::days(3);
    let post = |body: serde_json::Value| staff.post_json("/api/v1/visits", body);
    for (name, g, age, purpose, date) in [
        ("Ani", "P", "remaja", "belajar", d3),
        ("Budi", "L", "remaja", "internet", d3),
        ("Citra", "P", "anak", "membaca", today),
        ("Dewi", "P", "lansia", "lainnya", today),
    ] {
        let r = post(json!({"visitor_name": name, "gender": g, "age_group": age,
                            "purpose": purpose, "visit_date": date.to_string()}))
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["visit_date"], date.to_string());
    }
    // Too far back for a manual entry.
    let r = post(json!({"visitor_name": "Eko", "gender": "L", "age_group": "dewasa",
                        "purpose": "membaca", "visit_date": (today - Duration::days(40)).to_string()}))
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "visit_date");

    let lib = app.magetan;
    let c = counts(
        &staff,
        &format!("library={lib}&from={d3}&to={today}&by=day"),
    )
    .await;
    let b = c["buckets"].as_array().unwrap();
    assert_eq!(b.len(), 4);
    assert_eq!(b[0]["start"], d3.to_string());
    assert_eq!(b[0]["visitors"], 2);
    assert_eq!(b[0]["by_age_group"]["remaja"], 2);
    assert_eq!(b[0]["by_purpose"]["belajar"], 1);
    assert_eq!(b[1]["visitors"], 0);
    assert_eq!(b[3]["visitors"], 2);
    assert_eq!(b[3]["females"], 2);
    assert_eq!(c["total"]["visitors"], 4);
    assert_eq!(c["total"]["males"], 1);

    let year_start =
        NaiveDate::parse_from_str(&format!("{}-01-01", today.format("%Y")), "%Y-%m-%d").unwrap();
    let c = counts(&staff, &format!("from={year_start}&to={today}&by=month")).await;
    let months = c["buckets"].as_array().unwrap();
    assert_eq!(months[0]["start"], year_start.to_string());
    let sum: i64 = months.iter().map(|m| m["visitors"].as_i64().unwrap()).sum();
    assert_eq!(sum, 4);
    assert_eq!(c["by"], "month");

    // Bad parameters name the field.
    let r = staff
        .get("/api/v1/visits/counts?by=year&from=kemarin")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<_> = r.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["from", "by"]);

    // The page: tables, bars, breakdown, downloads.
    let page = staff.get("/visits").await.text();
    assert!(page.contains("<caption>Pengunjung per hari, 30 hari terakhir</caption>"));
    assert!(page.contains("<svg class=\"visit-bar\""));
    assert!(page.contains("Rincian menurut jenis kelamin"));
    let r = staff
        .get(&format!(
            "/visits/export?format=csv&by=day&from={d3}&to={today}"
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // Excel wants a byte-order mark to read UTF-8.
    let csv = r.text().trim_start_matches('\u{feff}').to_string();
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("period,checkins,visitors,males,females,anak,remaja")
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with(&format!("{d3},2,2,1,1,0,2,0,0"))
    );
    assert!(csv.lines().last().unwrap().starts_with("total,4,4,1,3"));
    let r = staff.get("/visits/export?format=xlsx&by=month").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(&r.body[..2], b"PK");
});

app_test!(visit_date_is_the_library_local_date, |app| {
    let mut c = app.state.db.conn().unwrap();
    let sys = ActorRef::system("test");
    // A library in Kota Kupang (NTT, WITA) and Magetan (WIB).
    let f = LibraryForm {
        kind: "kelurahan".into(),
        name: "Perpustakaan Kelurahan Uji Kupang".into(),
        village_code: kupang_village(app),
        ..Default::default()
    };
    let kupang = lentera_store::libraries::create(
        &mut c,
        &sys,
        &LibraryDraft::parse(&f, &app.state.regions, 2026).unwrap(),
    )
    .unwrap();
    let draft = VisitDraft::parse(
        &VisitForm {
            visitor: "Yohana".into(),
            gender: "P".into(),
            age_group: "dewasa".into(),
            purpose: "membaca".into(),
            ..Default::default()
        },
        NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
        false,
    )
    .unwrap();
    let d = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
    let at_kupang = At {
        library: kupang.id,
        village: &kupang.details.village_code,
    };
    let magetan_village = RegionCode::parse("3520012001").unwrap();
    let at_magetan = At {
        library: app.magetan,
        village: &magetan_village,
    };
    // 23:30 UTC is 07:30 WITA the next morning.
    let v = store::record(
        &mut c,
        &sys,
        &at_kupang,
        &draft,
        d.and_hms_opt(23, 30, 0).unwrap(),
    )
    .unwrap();
    assert_eq!(v.visit_date, d + Duration::days(1));
    // 16:30 UTC: 00:30 WITA the next day, but 23:30 WIB the same day.
    let v = store::record(
        &mut c,
        &sys,
        &at_kupang,
        &draft,
        d.and_hms_opt(16, 30, 0).unwrap(),
    )
    .unwrap();
    assert_eq!(v.visit_date, d + Duration::days(1));
    let v = store::record(
        &mut c,
        &sys,
        &at_magetan,
        &draft,
        d.and_hms_opt(16, 30, 0).unwrap(),
    )
    .unwrap();
    assert_eq!(v.visit_date, d);
    let n = |lib: LibraryId, day: NaiveDate, c: &mut lentera_store::Conn| {
        store::counts(c, &Scope::Library(lib), day, day, Granularity::Day)
            .unwrap()
            .total
            .visitors
    };
    assert_eq!(n(kupang.id, d + Duration::days(1), &mut c), 2);
    assert_eq!(n(kupang.id, d, &mut c), 0);
    assert_eq!(n(app.magetan, d, &mut c), 1);
    // A region roll-up (NTT) sums its libraries only.
    let ntt = Scope::Reach(lentera_core::users::Reach::Region(
        RegionCode::parse("53").unwrap(),
    ));
    let t = store::counts(&mut c, &ntt, d, d + Duration::days(1), Granularity::Month).unwrap();
    assert_eq!(t.total.visitors, 2);
    assert_eq!(t.buckets.len(), 1);
    let by_lib = store::totals_by_library(
        &mut c,
        &Scope::Reach(lentera_core::users::Reach::Everything),
        d,
        d + Duration::days(1),
    )
    .unwrap();
    assert_eq!(by_lib.len(), 2);
});

fn kupang_village(app: &TestApp) -> String {
    let root = RegionCode::parse("5371").unwrap();
    app.state
        .regions
        .iter()
        .find(|r| r.code.is_within(&root) && r.code.as_str().len() == 10)
        .map(|r| r.code.to_string())
        .expect("a Kupang village in the test regions")
}

app_test!(reach_recording_counts_and_names, |app| {
    let staff = app.login("staf.magetan").await;
    let body = |lib: LibraryId| {
        json!({"library": lib.to_string(), "visitor_name": "Rahasia Nama", "gender": "L",
               "age_group": "dewasa", "purpose": "internet"})
    };
    // Recording: only the library's own manager and staff.
    assert_eq!(
        staff
            .post_json("/api/v1/visits", body(app.sanggau))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        staff
            .post_json("/api/v1/visits", body(app.magetan))
            .await
            .status,
        StatusCode::CREATED
    );
    for who in ["dinas.magetan", "fasilitator", "admin"] {
        let c = app.login(who).await;
        assert_eq!(
            c.post_json("/api/v1/visits", body(app.magetan))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        assert_eq!(c.get("/kiosk").await.status, StatusCode::FORBIDDEN, "{who}");
        let r = c
            .post_form(
                "/visits",
                &[
                    ("visitor_name", "X"),
                    ("gender", "L"),
                    ("age_group", "dewasa"),
                    ("purpose", "membaca"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    let sanggau = app.login("pengelola.sanggau").await;
    assert_eq!(
        sanggau
            .post_json("/api/v1/visits", body(app.magetan))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = sanggau
        .post_json("/api/v1/visits", json!({"visitor_name": "Antonius", "gender": "L", "age_group": "dewasa", "purpose": "membaca"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);

    // Officers see counts, never names.
    let officer = app.login("dinas.magetan").await;
    let c = counts(&officer, &format!("library={}", app.magetan)).await;
    assert_eq!(c["total"]["visitors"], 1);
    let r = officer
        .get(&format!("/api/v1/visits?library={}", app.magetan))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["names_visible"], false);
    assert_eq!(r.json()["items"][0]["name"], serde_json::Value::Null);
    assert_eq!(r.json()["items"][0]["people"], 1);
    let page = officer
        .get(&format!("/visits?library={}", app.magetan))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text().contains("Rahasia Nama"));
    assert!(staff.get("/visits").await.text().contains("Rahasia Nama"));
    let r = staff.get("/api/v1/visits").await.json();
    assert_eq!(r["items"][0]["name"], "Rahasia Nama");
    // Outside reach: 404.
    assert_eq!(
        officer
            .get(&format!("/api/v1/visits/counts?library={}", app.sanggau))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        officer
            .get(&format!("/visits?library={}", app.sanggau))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Without a library, officers get their reach summed.
    assert_eq!(counts(&officer, "").await["total"]["visitors"], 1);
    assert_eq!(
        counts(&app.login("dinas.jatim").await, "").await["total"]["visitors"],
        1
    );
    assert_eq!(
        counts(&app.login("admin").await, "").await["total"]["visitors"],
        2
    );
    assert_eq!(
        counts(&app.login("dinas.sanggau").await, "").await["total"]["visitors"],
        1
    );
    // Facilitators: their assigned library only.
    let fac = app.login("fasilitator").await;
    assert_eq!(
        counts(&fac, &format!("library={}", app.magetan)).await["total"]["visitors"],
        1
    );
    assert_eq!(
        fac.get(&format!("/api/v1/visits/counts?library={}", app.magetan2))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let page = officer.get("/visits").await.text();
    assert!(
        page.contains("semua perpustakaan dalam jangkauan"),
        "{page}"
    );
    assert!(!page.contains("Balai Sebut"), "the chooser stays in reach");
    assert!(page.contains("Pengunjung per perpustakaan"));
    assert!(
        page.contains("1 perpustakaan belum mencatat kunjungan"),
        "magetan2 recorded none"
    );
    assert!(!page.contains("Rahasia Nama"));
});

app_test!(validation_keeps_what_was_typed, |app| {
    let staff = app.login("staf.magetan").await;
    let r = staff
        .post_form(
            "/visits",
            &[
                ("mode", "individual"),
                ("visitor_name", "Budi Santoso"),
                ("gender", ""),
                ("purpose", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text();
    assert!(page.contains(r#"value="Budi Santoso""#));
    assert!(page.contains(r##"href="#f-gender""##));
    assert!(page.contains(r##"href="#f-purpose""##));
    // A wrong card on the staff form is an error on the card field.
    let r = staff
        .post_form(
            "/visits",
            &[("member_no", "A77777"), ("purpose", "membaca")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains(r#"value="A77777""#));
    assert!(r.text().contains(r##"href="#f-member_no""##));
    // The staff form records a back-dated visit.
    let day = (today_wib() - Duration::days(2)).to_string();
    let r = staff
        .post_form(
            "/visits",
            &[
                ("visitor_name", "Budi Santoso"),
                ("gender", "L"),
                ("age_group", "dewasa"),
                ("purpose", "membaca"),
                ("visit_date", &day),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.location().as_deref(), Some("/visits?saved=1"));
    // API: every problem at once.
    let r = staff
        .post_json(
            "/api/v1/visits",
            json!({"visitor_name": "X", "gender": "Z"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<_> = r.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["gender", "age_group", "purpose"]);
    // A mistaken entry can be deleted by the staff.
    let id = staff.get("/api/v1/visits").await.json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Another library's staff cannot.
    let r = app
        .login("pengelola.sanggau")
        .await
        .post_form(&format!("/visits/{id}/delete"), &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = staff.post_form(&format!("/visits/{id}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        staff.get("/api/v1/visits").await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
});

//! Dashboards, their API and their exports, through HTTP on SQLite and
//! PostgreSQL: reach (a district sees only its libraries, a library only
//! itself, other regions 404), figures that are live (a guest-book entry
//! shows at once), approved-only figures, drill-down links, and the files —
//! XLSX and CSV read back with the import reader, the PDF's text extracted,
//! the DHIS2-style data values' columns.

mod common;

use axum::http::StatusCode;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use common::Client;
use lentera_core::audit::ActorRef;
use lentera_core::ids::LibraryId;
use lentera_core::monitoring::figures::Period;
use lentera_core::monitoring::reports::ApprovalLevel;
use lentera_core::users::Role;
use lentera_store::monitoring::reports as store_reports;
use lentera_tabular::{Layout, ReadOptions, TableReader};
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn today_wib() -> NaiveDate {
    (Utc::now().naive_utc() + Duration::hours(7)).date()
}

fn this_month() -> String {
    let t = today_wib();
    format!("{:04}-{:02}", t.year(), t.month())
}

/// The last day of last month: always within the guest book's 31-day
/// back-dating window.
fn end_of_last_month() -> NaiveDate {
    let t = today_wib();
    t - Duration::days(i64::from(t.day()))
}

async fn group_visit(c: &Client<'_>, males: i64, females: i64, date: NaiveDate) {
    let r = c
        .post_json(
            "/api/v1/visits",
            json!({"mode": "group", "group_name": "Kelompok Tani Sumber Rejeki",
                   "males": males, "females": females, "age_group": "dewasa",
                   "purpose": "membaca", "visit_date": date.to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

async fn dashboard(c: &Client<'_>, query: &str) -> Value {
    let r = c
        .get(&format!("/api/v1/monitoring/dashboard?{query}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text());
    r.json()
}

fn visits(v: &Value) -> i64 {
    v["totals"]["visits"]["total"].as_i64().unwrap()
}

fn child<'a>(v: &'a Value, code: &str) -> Option<&'a Value> {
    v["children"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
}

/// An indicator's value in a drill-down row.
fn ind(row: &Value, code: &str) -> Option<f64> {
    row["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .and_then(|i| i["value"].as_f64())
}

fn codes(v: &Value) -> Vec<String> {
    v["children"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect()
}

/// The text a PDF shows: every string its content streams paint with `Tj`.
/// The streams are not compressed (see lentera-print), so a small reader of
/// PDF literal and hex strings is enough.
fn pdf_text(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let mut out = String::new();
    let mut i = 0;
    while i < pdf.len() {
        // A hex string (text with bytes above 127): `<4B61…>`, not `<<`.
        if pdf[i] == b'<' && pdf.get(i + 1).is_some_and(u8::is_ascii_hexdigit) {
            let end = pdf[i..]
                .iter()
                .position(|b| *b == b'>')
                .map_or(pdf.len(), |p| i + p);
            let hex: Vec<u8> = pdf[i + 1..end]
                .iter()
                .copied()
                .filter(u8::is_ascii_hexdigit)
                .collect();
            for pair in hex.chunks(2) {
                let s = std::str::from_utf8(pair).unwrap_or("0");
                out.push(win_ansi(u8::from_str_radix(s, 16).unwrap_or(b'?')));
            }
            out.push('\n');
            i = end + 1;
            continue;
        }
        if pdf[i] != b'(' {
            i += 1;
            continue;
        }
        let mut depth = 1;
        let mut s: Vec<u8> = Vec::new();
        i += 1;
        while i < pdf.len() && depth > 0 {
            let b = pdf[i];
            match b {
                b'\\' if i + 1 < pdf.len() => {
                    i += 1;
                    let e = pdf[i];
                    match e {
                        b'n' => s.push(b'\n'),
                        b'r' => s.push(b'\r'),
                        b't' => s.push(b'\t'),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                if i + 1 < pdf.len() && (b'0'..=b'7').contains(&pdf[i + 1]) {
                                    i += 1;
                                    v = v * 8 + u32::from(pdf[i] - b'0');
                                }
                            }
                            s.push(v as u8);
                        }
                        other => s.push(other),
                    }
                }
                b'(' => {
                    depth += 1;
                    s.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth > 0 {
                        s.push(b);
                    }
                }
                _ => s.push(b),
            }
            i += 1;
        }
        out.extend(s.iter().map(|b| win_ansi(*b)));
        out.push('\n');
    }
    out
}

/// A WinAnsiEncoding byte as a character (Latin-1 but for 0x80–0x9F).
fn win_ansi(b: u8) -> char {
    match b {
        0x80 => '€',
        0x85 => '…',
        0x8B => '‹',
        0x91 => '‘',
        0x92 => '’',
        0x93 => '“',
        0x94 => '”',
        0x95 => '•',
        0x96 => '–',
        0x97 => '—',
        0x9B => '›',
        b => char::from(b),
    }
}

/// Rows of an exported table read back with the import reader, keyed by
/// the given columns.
fn read_table(bytes: Vec<u8>, keys: &[&str]) -> Vec<BTreeMap<String, String>> {
    let mut layout = Layout::new();
    for k in keys {
        layout = layout.optional(*k, &[*k]);
    }
    let reader = TableReader::from_bytes(bytes, &layout, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("unreadable export: {e:?}"));
    reader
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("bad row: {e:?}"));
            keys.iter()
                .map(|k| (k.to_string(), r.get(k).unwrap_or("").to_string()))
                .collect()
        })
        .collect()
}

// ------------------------------------------------------------------ reach

app_test!(each_role_sees_its_own_reach, |app| {
    let m = this_month();
    let admin = app.login("admin").await;
    let d = dashboard(&admin, "").await;
    assert_eq!(d["scope"]["kind"], "nation");
    assert_eq!(d["children"]["level"], "province");
    assert_eq!(codes(&d), vec!["35", "61"]);
    assert_eq!(d["libraries"], 3);
    assert_eq!(child(&d, "35").unwrap()["libraries"], 2);
    assert_eq!(d["period"]["key"], m, "the current month by default");

    // A province officer: its regencies; the province next door is not there.
    let jatim = app.login("dinas.jatim").await;
    let d = dashboard(&jatim, "").await;
    assert_eq!(d["scope"]["code"], "35");
    assert_eq!(d["children"]["level"], "regency");
    assert_eq!(codes(&d), vec!["3520"]);
    assert_eq!(d["name"], "Jawa Timur");
    let d = dashboard(&jatim, "region=3520").await;
    assert_eq!(d["children"]["level"], "library");
    assert_eq!(d["libraries"], 2);
    for q in [
        "region=61",
        "region=6103",
        &format!("library={}", app.sanggau),
    ] {
        let r = jatim
            .get(&format!("/api/v1/monitoring/dashboard?{q}"))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{q}");
    }

    // A district: its libraries side by side, nothing of Sanggau.
    let magetan = app.login("dinas.magetan").await;
    let d = dashboard(&magetan, "").await;
    assert_eq!(d["scope"]["code"], "3520");
    let mut want = vec![app.magetan.to_string(), app.magetan2.to_string()];
    want.sort();
    let mut got = codes(&d);
    got.sort();
    assert_eq!(got, want);
    assert_eq!(d["name"], "Kabupaten Magetan");
    let path: Vec<&str> = d["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(path, ["Indonesia", "Jawa Timur", "Kabupaten Magetan"]);
    for q in [
        "region=35".to_string(),
        "region=6103".into(),
        "region=99".into(),
        "region=bukan-kode".into(),
        format!("library={}", app.sanggau),
        "library=bukan-id".into(),
        format!("library={}", LibraryId::new()),
    ] {
        let r = magetan
            .get(&format!("/api/v1/monitoring/dashboard?{q}"))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{q}: {}", r.text());
        let r = magetan.get(&format!("/monitoring?{q}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "page {q}");
        let r = magetan
            .get(&format!("/monitoring/export?{q}&format=csv"))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "export {q}");
    }
    // A sub-district inside its regency is its own small dashboard.
    let d = dashboard(&magetan, "region=352001").await;
    assert_eq!(d["libraries"], 2);

    // A facilitator: the assigned library only.
    let fac = app.login("fasilitator").await;
    let d = dashboard(&fac, "").await;
    assert_eq!(d["scope"]["kind"], "libraries");
    assert_eq!(codes(&d), vec![app.magetan.to_string()]);
    for q in [
        "region=3520".to_string(),
        format!("library={}", app.magetan2),
    ] {
        let r = fac.get(&format!("/api/v1/monitoring/dashboard?{q}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{q}");
    }
    let d = dashboard(&fac, &format!("library={}", app.magetan)).await;
    assert_eq!(d["scope"]["kind"], "library");

    // A library: itself, no breakdown, nothing else.
    for who in ["pengelola.magetan", "staf.magetan"] {
        let c = app.login(who).await;
        let d = dashboard(&c, "").await;
        assert_eq!(d["scope"]["library_id"], app.magetan.to_string(), "{who}");
        assert_eq!(d["children"]["items"].as_array().unwrap().len(), 0);
        assert_eq!(d["name"], "Perpustakaan Desa Contoh Magetan");
        for q in [
            "region=3520".to_string(),
            format!("library={}", app.magetan2),
            format!("library={}", app.sanggau),
        ] {
            let r = c.get(&format!("/api/v1/monitoring/dashboard?{q}")).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} {q}");
        }
    }

    // Signed out: nothing.
    let r = app.anon().get("/api/v1/monitoring/dashboard").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
});

// ------------------------------------------------------------------- live

app_test!(a_guest_book_entry_or_a_checkout_shows_at_once, |app| {
    let staff = app.login("staf.magetan").await;
    let district = app.login("dinas.magetan").await;
    let admin = app.login("admin").await;
    let before = dashboard(&district, "").await;
    let nation_before = visits(&dashboard(&admin, "").await);
    assert_eq!(visits(&before), 0);

    group_visit(&staff, 3, 4, today_wib()).await;

    // No rebuild, no wait: the next read has it, at every level.
    let after = dashboard(&district, "").await;
    assert_eq!(visits(&after), 7);
    assert_eq!(after["totals"]["visits"]["by"]["gender=L"], 3);
    assert_eq!(after["totals"]["visits"]["by"]["gender=P;age=dewasa"], 4);
    assert_eq!(after["totals"]["visits"]["by"]["purpose=membaca"], 7);
    let row = child(&after, &app.magetan.to_string()).unwrap();
    assert_eq!(ind(row, "visits"), Some(7.0));
    let other = child(&after, &app.magetan2.to_string()).unwrap();
    assert_eq!(ind(other, "visits").unwrap_or(0.0), 0.0);
    assert_eq!(visits(&dashboard(&admin, "").await), nation_before + 7);
    let prov = dashboard(&admin, "region=35").await;
    assert_eq!(ind(child(&prov, "3520").unwrap(), "visits"), Some(7.0));
    // The scope's indicators follow too.
    let v = after["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "visits")
        .unwrap()["value"]
        .as_f64();
    assert_eq!(v, Some(7.0));
    assert_eq!(visits(&dashboard(&admin, "region=61").await), 0);
    // The trend's last month is this month.
    let trend = after["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 12);
    assert_eq!(trend[11]["period"], this_month());
    assert_eq!(trend[11]["figures"]["visits"]["total"], 7);
    // The year and the quarter include it too.
    let y = today_wib().year();
    assert_eq!(
        visits(&dashboard(&district, &format!("period={y}")).await),
        7
    );
    let q = (today_wib().month() - 1) / 3 + 1;
    assert_eq!(
        visits(&dashboard(&district, &format!("period={y}-Q{q}")).await),
        7
    );
    // The page shows the number.
    let page = district.get("/monitoring").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains(">7<"), "the card shows 7");

    // A second entry: the same.
    group_visit(&staff, 0, 2, today_wib()).await;
    assert_eq!(visits(&dashboard(&district, "").await), 9);

    // A book catalogued, a member registered, a checkout at the desk: the
    // loan and the collection and member stocks follow at once too.
    let total = |v: &Value, e: &str| v["totals"][e]["total"].as_i64().unwrap();
    let before = dashboard(&district, "").await;
    book(app, "Laskar Pelangi", "M0001");
    let r = staff
        .post_json(
            "/api/v1/members",
            json!({"full_name": "Rina Wulandari", "gender": "P", "birth_date": "1995-03-02",
                   "rt": "1", "rw": "2", "education": "sma"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let member = r.json()["id"].clone();
    let r = staff
        .post_json(
            "/api/v1/circulation/checkout",
            json!({"member": member, "code": "M0001"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let after = dashboard(&district, "").await;
    for (e, plus) in [
        ("loans", 1),
        ("titles", 1),
        ("items", 1),
        ("members", 1),
        ("members_new", 1),
        ("members_active", 1),
    ] {
        assert_eq!(total(&after, e), total(&before, e) + plus, "{e}");
    }
});

/// A catalogue record with one item, in the Magetan library.
fn book(app: &common::TestApp, title: &str, barcode: &str) {
    use lentera_core::catalog::{Barcode, BiblioDraft, BiblioForm, ItemDraft};
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
    let id = lentera_store::catalog::insert_biblio(&mut c, app.magetan, &draft, None).unwrap();
    let b = lentera_store::catalog::get_biblio(&mut c, &id).unwrap();
    lentera_store::catalog::insert_item(
        &mut c,
        &b,
        &ItemDraft {
            barcode: Some(Barcode::parse(barcode).unwrap()),
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

app_test!(approved_only_counts_approved_months_as_approved, |app| {
    let staff = app.login("pengelola.magetan").await;
    let district = app.login("dinas.magetan").await;
    let day = end_of_last_month();
    let last = Period::of(day);
    group_visit(&staff, 5, 5, day).await;
    let q = format!("period={last}");
    assert_eq!(visits(&dashboard(&district, &q).await), 10);
    // Hidden until approved.
    let hidden = dashboard(&district, &format!("{q}&unapproved=0")).await;
    assert_eq!(visits(&hidden), 0);
    assert_eq!(hidden["include_unapproved"], false);

    // The library submits, the district approves (through M2's store).
    {
        let mut c = app.state.db.conn().unwrap();
        let now = lentera_store::now();
        let manager = ActorRef::system("pengelola.magetan");
        let who = store_reports::Who {
            by: &manager,
            name: "Uji pengelola",
            role: Role::Manager,
        };
        let view = store_reports::view(&mut c, app.magetan, last).unwrap();
        let comments: BTreeMap<String, String> = view
            .findings
            .iter()
            .map(|f| (f.rule.to_string(), "Kunjungan kelompok tani.".to_string()))
            .collect();
        store_reports::submit(&mut c, &who, app.magetan, last, &comments, None, now).unwrap();
        let officer = ActorRef::system("dinas.magetan");
        let who = store_reports::Who {
            by: &officer,
            name: "Uji dinas",
            role: Role::District,
        };
        store_reports::act(
            &mut c,
            &who,
            app.magetan,
            last,
            &store_reports::Action::Approve {
                level: ApprovalLevel::District,
                comment: None,
            },
            None,
            now,
        )
        .unwrap();
    }
    let shown = dashboard(&district, &format!("{q}&unapproved=0")).await;
    assert_eq!(visits(&shown), 10);
    assert_eq!(
        ind(child(&shown, &app.magetan.to_string()).unwrap(), "visits"),
        Some(10.0)
    );

    // A late entry for the approved month: live shows it, approved does not
    // (the approved month is locked as approved).
    group_visit(&staff, 1, 0, day).await;
    assert_eq!(visits(&dashboard(&district, &q).await), 10 + 1);
    assert_eq!(
        visits(&dashboard(&district, &format!("{q}&unapproved=0")).await),
        10
    );
    // The page says which figures it shows.
    let page = district
        .get(&format!("/monitoring?{q}&unapproved=0"))
        .await
        .text();
    assert!(page.contains("Hanya laporan bulanan yang sudah disetujui"));
});

// -------------------------------------------------------------- the page

app_test!(the_page_drills_down_and_works_without_script, |app| {
    let staff = app.login("staf.magetan").await;
    group_visit(&staff, 2, 2, today_wib()).await;
    let admin = app.login("admin").await;
    let m = this_month();
    let page = admin.get("/monitoring").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    // Nation → province.
    let to_prov = format!("/monitoring?region=35&amp;period={m}");
    assert!(html.contains(&to_prov), "a link to Jawa Timur");
    assert!(html.contains(">Jawa Timur<"));
    // Charts are labelled images with a data table; tables have captions.
    assert!(html.contains(r#"role="img""#));
    assert!(
        html.matches("<svg class=\"chart").count() >= 6,
        "trend, children, strategy, participants, plans, aid, map"
    );
    assert!(html.contains("aria-label=\"Grafik kolom kunjungan"));
    assert!(html.matches("<caption>").count() >= 7);
    assert!(html.contains("<details class=\"dash-data\">"));
    assert!(!html.contains("<script>"), "no inline script");
    assert!(
        !html.contains("http://") || !html.contains("src=\"http"),
        "nothing from elsewhere"
    );
    // Province → regency → library.
    let html = admin
        .get(&format!("/monitoring?region=35&period={m}"))
        .await
        .text();
    assert!(html.contains(&format!("/monitoring?region=3520&amp;period={m}")));
    assert!(html.contains(">Kabupaten Magetan<"));
    let html = admin
        .get(&format!("/monitoring?region=3520&period={m}"))
        .await
        .text();
    let to_lib = format!("/monitoring?library={}&amp;period={m}", app.magetan);
    assert!(html.contains(&to_lib), "a link to the library");
    assert!(html.contains("Perpustakaan Desa Contoh Magetan"));
    let r = admin
        .get(&format!("/monitoring?library={}&period={m}", app.magetan))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    // The trail leads back up, and the library has a map point.
    assert!(html.contains("aria-current=\"page\">Perpustakaan Desa Contoh Magetan<"));
    assert!(html.contains("/monitoring?region=3520&amp;period="));
    assert!(html.contains("chart-map") || html.contains("Belum ada koordinat"));

    // The district officer's trail starts at its own region: no link to the
    // nation or the province it may not open.
    let district = app.login("dinas.magetan").await;
    let html = district.get("/monitoring").await.text();
    assert!(
        !html.contains("href=\"/monitoring?period="),
        "no nation link"
    );
    assert!(!html.contains("region=35&amp;"), "no province link");

    // The period form without script: its fields become the short URL.
    let r = district
        .get("/monitoring?region=3520&kind=quarter&year=2024&month=1&quarter=3&unapproved=1")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location().as_deref(),
        Some("/monitoring?region=3520&period=2024-Q3")
    );
    let r = district
        .get("/monitoring?kind=year&year=2023&unapproved=0")
        .await;
    assert_eq!(
        r.location().as_deref(),
        Some("/monitoring?region=3520&period=2023&unapproved=0")
    );
    let r = district.get("/monitoring?period=2024-Q3").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("Triwulan III 2024"));
    assert!(html.contains("period=2024-Q2"), "previous quarter");
    assert!(html.contains("period=2024-Q4"), "next quarter");
    // A bad period: the page again, with the error named.
    let r = district.get("/monitoring?period=2024-13").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#f-period\""));
    let r = district
        .get("/api/v1/monitoring/dashboard?period=kemarin")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "period");
    // English.
    let html = district
        .get("/monitoring?period=2024-Q3&lang=en")
        .await
        .text();
    assert!(html.contains("Q3 2024"));
});

// ----------------------------------------------------------------- files

app_test!(exports_read_back_and_stay_in_reach, |app| {
    let staff = app.login("staf.magetan").await;
    group_visit(&staff, 6, 5, today_wib()).await;
    let district = app.login("dinas.magetan").await;
    let m = this_month();

    // One table as XLSX and CSV, read back with the import reader.
    for format in ["xlsx", "csv"] {
        let r = district
            .get(&format!(
                "/monitoring/export?period={m}&table=children&format={format}"
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{format}: {}", r.text());
        let disposition = r.headers["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            disposition.contains(&format!("dasbor-3520-{m}-children.{format}")),
            "{disposition}"
        );
        if format == "xlsx" {
            assert!(r.body.starts_with(b"PK"), "a zip");
        } else {
            assert!(
                r.text()
                    .starts_with("\u{feff}code,name,visits,visits_per_month,"),
                "{}",
                r.text()
            );
        }
        let rows = read_table(r.body.clone(), &["code", "name", "visits", "loans"]);
        assert_eq!(rows.len(), 3, "two libraries and the total: {rows:?}");
        let mine = rows
            .iter()
            .find(|r| r["code"] == app.magetan.to_string())
            .unwrap();
        assert_eq!(mine["visits"], "11");
        assert_eq!(mine["name"], "Perpustakaan Desa Contoh Magetan");
        let other = rows
            .iter()
            .find(|r| r["code"] == app.magetan2.to_string())
            .unwrap();
        assert!(
            other["visits"] == "0" || other["visits"].is_empty(),
            "{other:?}"
        );
        assert_eq!(rows[2]["name"], "Kabupaten Magetan (seluruhnya)");
        assert_eq!(rows[2]["visits"], "11");
        assert!(!rows.iter().any(|r| r["code"] == app.sanggau.to_string()));
    }
    // The summary table, in English.
    let r = district
        .get(&format!(
            "/monitoring/export?period={m}&table=summary&format=xlsx&lang=en"
        ))
        .await;
    let rows = read_table(r.body.clone(), &["element", "label", "value", "previous"]);
    let v = rows.iter().find(|r| r["element"] == "visits").unwrap();
    assert_eq!(v["value"], "11");
    assert_eq!(v["label"], "Visits");
    // The whole dashboard: every table under its caption.
    let r = district
        .get(&format!("/monitoring/export?period={m}&format=csv"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let text = r.text();
    for caption in [
        "Angka utama",
        "Angka per bulan",
        "Perpustakaan di Kabupaten Magetan",
        "Kegiatan dan peserta menurut strategi",
    ] {
        assert!(text.contains(caption), "{caption} in {text}");
    }
    let r = district
        .get(&format!("/monitoring/export?period={m}&format=xlsx"))
        .await;
    assert!(r.body.starts_with(b"PK"));

    // The PDF report: letterhead, title, figures, libraries, page numbers.
    let r = district
        .get(&format!("/monitoring/export?period={m}&format=pdf"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/pdf");
    let text = pdf_text(&r.body);
    for want in [
        "DINAS PERPUSTAKAAN KABUPATEN MAGETAN",
        "Laporan Bulanan Pemantauan TPBIS",
        "Indonesia \u{203a} Jawa Timur \u{203a} Kabupaten Magetan",
        "Kabupaten Magetan",
        "Perpustakaan Desa Contoh Magetan",
        "TBM Pelangi Magetan",
        "Kunjungan",
        "11",
        "Halaman 1 dari",
    ] {
        assert!(text.contains(want), "{want:?} in the PDF:\n{text}");
    }
    assert!(!text.contains("Balai Sebut"));
    // The annual report of one library, by its manager.
    let manager = app.login("pengelola.magetan").await;
    let y = today_wib().year();
    let r = manager
        .get(&format!("/monitoring/export?period={y}&format=pdf"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let text = pdf_text(&r.body);
    assert!(text.contains("PERPUSTAKAAN DESA CONTOH MAGETAN"), "{text}");
    assert!(text.contains("Laporan Tahunan Pemantauan TPBIS"));
    assert!(text.contains(&format!("Tahun {y}")));

    // DHIS2-style data values.
    let r = district
        .get(&format!("/monitoring/export?period={m}&format=datavalues"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let text = r.text();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some(
            "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup"
        )
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let period = m.replace('-', "");
    let total = rows
        .iter()
        .find(|r| r[0] == "visits" && r[3] == "default")
        .expect("the visits total");
    assert_eq!(total[1], period);
    assert_eq!(total[2], app.magetan.to_string());
    assert_eq!(total[5], "11");
    let by_gender: i64 = rows
        .iter()
        .filter(|r| r[0] == "visits_by_gender")
        .map(|r| r[5].parse::<i64>().unwrap())
        .sum();
    assert_eq!(by_gender, 11, "a data element's combos add up to its total");
    assert!(rows.iter().all(|r| r[2] != app.sanggau.to_string()));
    // By region, as the nation sees it.
    let admin = app.login("admin").await;
    let r = admin
        .get(&format!(
            "/api/v1/monitoring/export?period={m}&format=datavalues&orgunits=children"
        ))
        .await;
    let text = r.text();
    assert!(
        text.contains(&format!("visits,{period},35,default,default,11,")),
        "{text}"
    );

    // Bad requests name the field.
    for (q, field) in [
        ("format=doc", "format"),
        ("format=csv&table=rahasia", "table"),
        ("format=datavalues&orgunits=planet", "orgunits"),
        ("format=csv&period=2024-13", "period"),
    ] {
        let r = district
            .get(&format!("/api/v1/monitoring/export?{q}"))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert_eq!(r.json()["error"]["fields"][0]["field"], field, "{q}");
    }
    // A library has no breakdown to export.
    let r = manager
        .get("/monitoring/export?format=csv&table=children")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Reach: Sanggau's officer cannot export Magetan.
    let sanggau = app.login("dinas.sanggau").await;
    for f in ["csv", "xlsx", "pdf", "datavalues"] {
        let r = sanggau
            .get(&format!("/monitoring/export?region=3520&format={f}"))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{f}");
    }
    // Scripts with a bearer token get the same.
    let script = app.token("dinas.magetan").await;
    let r = script
        .get(&format!(
            "/api/v1/monitoring/export?period={m}&table=children&format=csv"
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = script.get("/api/v1/monitoring/children").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 2);
});

app_test!(indicators_scorecard_snp_and_iplm, |app| {
    let staff = app.login("staf.magetan").await;
    group_visit(&staff, 20, 30, today_wib()).await;
    let district = app.login("dinas.magetan").await;
    let m = this_month();

    // Indicators as data: the engine's values with targets and achievement.
    let d = dashboard(&district, "").await;
    let inds = d["indicators"].as_array().unwrap();
    let by = |code: &str| inds.iter().find(|i| i["code"] == code).unwrap().clone();
    assert_eq!(by("visits")["value"], 50.0);
    // Two libraries, one month: 25 visits per library.
    assert_eq!(by("visits_per_month")["value"], 25.0);
    assert!(by("visits_per_month")["target"].as_f64().is_some());

    // The scorecard: ranked, banded, with the formula version.
    let r = district.get("/api/v1/monitoring/scorecard").await;
    assert_eq!(r.status, StatusCode::OK);
    let sc = &r.json()["scorecard"];
    assert!(sc["formula"]["version"].as_i64().is_some());
    let rows = sc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["rank"], 1);
    assert_eq!(
        rows[0]["code"],
        app.magetan.to_string(),
        "the busier library first"
    );
    assert!(["merah", "kuning", "hijau"].contains(&rows[0]["band"].as_str().unwrap()));
    assert!(rows[0]["score"].as_f64().unwrap() >= rows[1]["score"].as_f64().unwrap());
    // On the page the band is a word with a shape, never colour alone.
    let html = district.get("/monitoring").await.text();
    assert!(html.contains("id=\"t-scorecard\""));
    assert!(html.contains("class=\"band band-"), "a band badge");
    assert!(
        html.contains("aria-hidden=\"true\">■ </span>") || html.contains("▲") || html.contains("●")
    );
    assert!(html.contains(">Merah<") || html.contains(">Kuning<") || html.contains(">Hijau<"));
    // As a file.
    let r = district
        .get(&format!(
            "/monitoring/export?period={m}&table=scorecard&format=csv"
        ))
        .await;
    assert!(
        r.text().starts_with("\u{feff}rank,code,name,score,band,"),
        "{}",
        r.text()
    );
    let rows = read_table(r.body.clone(), &["rank", "code", "score", "band"]);
    assert_eq!(rows[0]["rank"], "1");
    assert!(["merah", "kuning", "hijau"].contains(&rows[0]["band"].as_str()));

    // A library's own dashboard: its SNP checklist (no catalogue, no
    // registry figures: it does not meet the standard yet).
    let manager = app.login("pengelola.magetan").await;
    let d = dashboard(&manager, "").await;
    assert_eq!(d["snp"]["meets"], false);
    assert_eq!(d["snp"]["checks"].as_array().unwrap().len(), 4);
    let html = manager.get("/monitoring").await.text();
    assert!(html.contains("Standar Nasional Perpustakaan"));
    assert!(html.contains("id=\"t-snp\""));
    // The literacy index by province, on its own page, with the formula
    // version named and chosen.
    let admin = app.login("admin").await;
    let r = admin.get("/monitoring/iplm").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("id=\"t-iplm\""));
    assert!(html.contains("Pemerataan layanan"));
    assert!(html.contains("norma 2025"));
    assert!(html.contains(">Jawa Timur<"));
    let html = admin.get("/monitoring/iplm?iplm=minmax_2023").await.text();
    assert!(html.contains("min–maks 2023"));
    let r = admin.get("/monitoring/iplm?iplm=2019").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The dashboard links to it; a library has none.
    assert!(
        admin
            .get("/monitoring")
            .await
            .text()
            .contains("/monitoring/iplm?period=")
    );
    assert_eq!(
        manager.get("/monitoring/iplm").await.status,
        StatusCode::NOT_FOUND
    );
    let r = admin
        .get(&format!(
            "/monitoring/export?period={m}&table=iplm&format=xlsx"
        ))
        .await;
    let rows = read_table(r.body.clone(), &["code", "name", "index"]);
    assert!(rows.iter().any(|r| r["code"] == "35"), "{rows:?}");
    let r = admin
        .get(&format!(
            "/monitoring/export?period={m}&table=iplm&format=csv&iplm=minmax_2023"
        ))
        .await;
    assert!(r.text().contains("Jawa Timur"), "{}", r.text());
    // And the PDF has them.
    let text = pdf_text(
        &admin
            .get(&format!("/monitoring/export?period={m}&format=pdf"))
            .await
            .body,
    );
    assert!(text.contains("PERPUSTAKAAN NASIONAL REPUBLIK INDONESIA"));
    assert!(text.contains("Rapor KPI"));
    assert!(text.contains("Indeks Pembangunan Literasi Masyarakat"));
});

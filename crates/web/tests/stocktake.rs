//! Stock-taking end to end, on SQLite and PostgreSQL: start (one open per
//! library), idempotent scans singly and in batches, the report's
//! categories, finishing, marking the missing as lost, the no-JS pages and
//! the CSV report, and who may do it.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use lentera_core::audit::ActorRef;
use lentera_core::catalog::{BiblioDraft, BiblioForm, ItemDraft, ItemForm, ItemStatus};
use lentera_store::catalog as store_catalog;
use serde_json::json;

/// One record with items B001…B006 in Magetan: B004 lost, B005 withdrawn,
/// B006 in repair, B007 in Sanggau (another library's barcode).
fn shelves(app: &TestApp) {
    let mut c = app.state.db.conn().unwrap();
    let sys = ActorRef::system("test");
    let bib = |c: &mut lentera_store::Conn, lib, title: &str| {
        let f = BiblioForm {
            title: title.into(),
            authors: "Tere Liye".into(),
            ..Default::default()
        };
        store_catalog::create_biblio(c, &sys, lib, &BiblioDraft::parse(&f, 2026).unwrap()).unwrap()
    };
    let b = bib(&mut c, app.magetan, "Hafalan Shalat Delisa");
    for (code, status) in [
        ("B001", "available"),
        ("B002", "available"),
        ("B003", "available"),
        ("B004", "lost"),
        ("B005", "withdrawn"),
        ("B006", "repair"),
    ] {
        let f = ItemForm {
            barcode: code.into(),
            status: status.into(),
            ..Default::default()
        };
        let d = ItemDraft::parse(&f, 2026).unwrap_or_else(|e| panic!("{code}: {e:?}"));
        let it = store_catalog::add_item(&mut c, &sys, &b.id, &d).unwrap();
        if status != "available" {
            let s = ItemStatus::parse(status).unwrap();
            store_catalog::set_item_status(&mut c, &sys, &it.id, s).unwrap();
        }
    }
    let other = bib(&mut c, app.sanggau, "Laskar Pelangi");
    let f = ItemForm {
        barcode: "B007".into(),
        ..Default::default()
    };
    store_catalog::add_item(
        &mut c,
        &sys,
        &other.id,
        &ItemDraft::parse(&f, 2026).unwrap(),
    )
    .unwrap();
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|l| l["barcode"].as_str().unwrap().to_string())
        .collect()
}

/// Lends B003 through the circulation desk.
fn lend_b003(app: &TestApp) {
    use lentera_core::circulation::{MemberDraft, MemberForm};
    let mut c = app.state.db.conn().unwrap();
    let sys = ActorRef::system("test");
    let today = chrono::Utc::now().date_naive();
    let f = MemberForm {
        full_name: "Siti Aminah".into(),
        gender: "P".into(),
        ..Default::default()
    };
    let village = lentera_core::regions::RegionCode::parse("3520012001").unwrap();
    let d = MemberDraft::parse(&f, &app.state.regions, Some(&village), today).unwrap();
    let m =
        lentera_store::circulation::create_member(&mut c, &sys, app.magetan, &d, today).unwrap();
    lentera_store::circulation::checkout(&mut c, &sys, app.magetan, &m.id, "B003", today)
        .unwrap()
        .unwrap_or_else(|r| panic!("checkout refused: {r:?}"));
}

app_test!(report_categories_and_idempotent_scans, |app| {
    shelves(app);
    lend_b003(app);
    let staff = app.login("staf.magetan").await;
    let r = staff
        .post_json("/api/v1/stocktakes", json!({"note": "Semua rak"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    // One open stock-take per library.
    let r = app
        .login("pengelola.magetan")
        .await
        .post_json("/api/v1/stocktakes", json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    let scans = format!("/api/v1/stocktakes/{id}/scans");
    let r = staff
        .post_json(
            &scans,
            json!({"barcodes": ["B001", "B003", "B004", "B005", "X999", "B007", "B001"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let o = r.json();
    assert_eq!(
        (o["added"].clone(), o["repeated"].clone()),
        (json!(6), json!(1))
    );
    assert_eq!(o["unknown"], 2, "X999 and another library's B007");
    assert_eq!(o["total"], 6);
    // Scanning again changes nothing.
    let o = staff
        .post_json(&scans, json!({"barcode": "B001"}))
        .await
        .json();
    assert_eq!(
        (
            o["added"].clone(),
            o["repeated"].clone(),
            o["total"].clone()
        ),
        (json!(0), json!(1), json!(6))
    );

    let r = staff.get(&format!("/api/v1/stocktakes/{id}/report")).await;
    assert_eq!(r.status, StatusCode::OK);
    let rep = r.json();
    assert_eq!(codes(&rep["missing"]), ["B002"]);
    assert_eq!(codes(&rep["unknown"]), ["B007", "X999"]);
    assert_eq!(codes(&rep["found_again"]), ["B004", "B005"]);
    assert_eq!(codes(&rep["on_shelf_but_on_loan"]), ["B003"]);
    assert_eq!(rep["counts"]["found"], 1, "B001");
    assert_eq!(rep["missing"][0]["title"], "Hafalan Shalat Delisa");
    assert_eq!(rep["stocktake"]["open"], true);

    // Finish; no more scans; mark the missing as lost.
    let r = staff
        .post_json(&format!("/api/v1/stocktakes/{id}/finish"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["stocktake"]["open"], false);
    let r = staff.post_json(&scans, json!({"barcode": "B002"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = staff
        .post_json(&format!("/api/v1/stocktakes/{id}/finish"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = staff
        .post_json(&format!("/api/v1/stocktakes/{id}/mark-lost"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["marked_lost"], 1);
    let mut c = app.state.db.conn().unwrap();
    let b2 = store_catalog::item_by_barcode(&mut c, app.magetan, "B002")
        .unwrap()
        .unwrap();
    assert_eq!(b2.status, "lost");
    drop(c);
    // The audit trail has the change; a new stock-take may start now.
    let audit = staff.get("/api/v1/audit?entity=item").await;
    if audit.status == StatusCode::OK {
        assert!(audit.text().contains("item.status"));
    }
    let r = app
        .login("pengelola.magetan")
        .await
        .post_json("/api/v1/stocktakes", json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
});

app_test!(pages_work_without_javascript, |app| {
    shelves(app);
    let staff = app.login("pengelola.magetan").await;
    let page = staff.get("/stocktake").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains(r#"action="/stocktake""#));
    let r = staff.post_form("/stocktake", &[("note", "Rak anak")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let at = r.location().unwrap();
    let page = staff.get(&at).await.text();
    assert!(page.contains(r#"id="f-barcode""#) && page.contains("autofocus"));
    assert!(page.contains(r#"aria-live="polite""#));
    assert!(page.contains("/assets/stocktake.js"));
    // Starting again while open leads back to the open one.
    let r = staff.post_form("/stocktake", &[]).await;
    assert_eq!(r.location().as_deref(), Some("/stocktake?open=1"));

    let scan = format!("{at}/scan");
    let r = staff.post_form(&scan, &[("barcode", "B001")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location().unwrap(), format!("{at}?r=added&code=B001"));
    let page = staff.get(&r.location().unwrap()).await.text();
    assert!(page.contains("Tercatat: B001"));
    assert!(page.contains("1 barkode dipindai"));
    let r = staff.post_form(&scan, &[("barcode", " B001 ")]).await;
    assert!(r.location().unwrap().contains("r=repeated"));
    let r = staff.post_form(&scan, &[("barcode", "ZZZ")]).await;
    assert!(r.location().unwrap().contains("r=unknown"));
    let r = staff
        .post_form(&scan, &[("barcodes", "B002\nB003\nB002")])
        .await;
    assert!(r.location().unwrap().contains("r=batch&added=2&repeated=1"));
    let r = staff.post_form(&scan, &[("barcode", "")]).await;
    let page = staff.get(&r.location().unwrap()).await.text();
    assert!(page.contains("wajib diisi"));

    let r = staff.post_form(&format!("{at}/finish"), &[]).await;
    assert_eq!(r.location().unwrap(), format!("{at}/report"));
    let page = staff.get(&format!("{at}/report")).await.text();
    assert!(page.contains("Hilang dari rak"));
    assert!(page.contains("ZZZ"));
    assert!(
        !page.contains(&format!(r#"action="{at}/mark-lost""#)),
        "nothing missing: B001–B003 scanned"
    );
    let csv = staff.get(&format!("{at}/export?format=csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    let text = csv.text();
    assert!(text.contains("category,barcode,title,call_number,status"));
    assert!(text.contains("unknown,ZZZ"));
    // A finished stock-take's scan box leads to its report.
    let r = staff.get(&at).await;
    assert_eq!(r.location().unwrap(), format!("{at}/report"));
});

app_test!(only_the_library_takes_stock, |app| {
    let staff = app.login("staf.magetan").await;
    let id = staff
        .post_json("/api/v1/stocktakes", json!({}))
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    for who in ["admin", "dinas.magetan", "fasilitator"] {
        let c = app.login(who).await;
        assert_eq!(
            c.get("/stocktake").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        assert_eq!(
            c.post_json("/api/v1/stocktakes", json!({})).await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        assert_eq!(
            c.get(&format!("/api/v1/stocktakes/{id}/report"))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    // Another library's manager: the stock-take does not exist for them.
    let other = app.login("pengelola.sanggau").await;
    for path in [
        format!("/api/v1/stocktakes/{id}/report"),
        format!("/stocktake/{id}"),
        format!("/stocktake/{id}/export"),
    ] {
        assert_eq!(
            other.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let r = other
        .post_json(
            &format!("/api/v1/stocktakes/{id}/scans"),
            json!({"barcode": "B001"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Their own library can start its own.
    assert_eq!(
        other
            .post_json("/api/v1/stocktakes", json!({}))
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        app.anon().get("/api/v1/stocktakes").await.status,
        StatusCode::UNAUTHORIZED
    );
});

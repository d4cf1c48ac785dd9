//! The catalogue's records and items through the real router, on SQLite and
//! PostgreSQL: forms and the API, barcodes, duplicate ISBNs, reach, labels.

mod common;

use axum::http::StatusCode;
use common::Client;
use serde_json::{Value, json};

/// Creates a record through the API as `c`; returns its id.
async fn record(c: &Client<'_>, title: &str, isbn: &str) -> String {
    let r = c
        .post_json(
            "/api/v1/catalog/records",
            json!({"title": title, "authors": ["Suyanto, Rachmatun"], "isbn": isbn, "ddc": "639.3", "year": 2019}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_str().unwrap().to_string()
}

fn fields(v: &Value) -> Vec<String> {
    v["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

app_test!(forms_keep_typing_and_name_fields, |app| {
    let staf = app.login("staf.magetan").await;
    // A bad form: 422, every problem named, everything typed kept.
    let r = staf
        .post_form(
            "/catalog",
            &[
                ("title", " "),
                ("authors", "Suyanto, Rachmatun"),
                ("isbn", "978-979-002-418-1"),
                ("year", "20x9"),
                ("publisher", "Penebar Swadaya"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text();
    assert!(page.contains("href=\"#f-title\""), "{page}");
    assert!(page.contains("href=\"#f-isbn\""));
    assert!(page.contains("href=\"#f-year\""));
    assert!(page.contains("value=\"Penebar Swadaya\""));
    assert!(page.contains("value=\"978-979-002-418-1\""));
    assert!(page.contains("Suyanto, Rachmatun</textarea>"));

    // The same through the API.
    let r = staf
        .post_json(
            "/api/v1/catalog/records",
            json!({"title": "", "isbn": "123", "collection": "novel"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.json()), ["title", "isbn", "collection"]);

    // A good form goes to the record, ready for its items.
    let r = staf
        .post_form(
            "/catalog",
            &[
                ("title", "Budidaya Ikan Lele"),
                ("authors", "Suyanto, Rachmatun"),
                ("isbn", "978-979-002-418-2"),
                ("ddc", "639.3"),
                ("collection", "umum"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let loc = r.location().unwrap();
    let id = loc
        .trim_start_matches("/catalog/")
        .trim_end_matches("#add-item")
        .to_string();
    let page = staf.get(&format!("/catalog/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("639.3 SUY b"), "default call number");
    assert!(page.text().contains("name=\"barcode\""));

    // Edit: a stale version is a conflict that keeps the typing.
    let v = staf
        .get(&format!("/api/v1/catalog/records/{id}"))
        .await
        .json();
    let version = v["updated_at"].as_str().unwrap().to_string();
    let r = staf
        .post_form(
            &format!("/catalog/{id}"),
            &[
                ("title", "Budidaya Lele Sangkuriang"),
                ("updated_at", &version),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = staf
        .post_form(
            &format!("/catalog/{id}"),
            &[("title", "Judul Lain Sekali"), ("updated_at", &version)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("value=\"Judul Lain Sekali\""));
    let r = staf
        .post_form(
            &format!("/catalog/{id}"),
            &[("title", ""), ("updated_at", &version)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let v = staf
        .get(&format!("/api/v1/catalog/records/{id}"))
        .await
        .json();
    assert_eq!(v["title"], "Budidaya Lele Sangkuriang");
    // API PUT with the version it read; authors as an array.
    let r = staf
        .put_json(
            &format!("/api/v1/catalog/records/{id}"),
            json!({"title": "Budidaya Lele", "authors": ["Amri, Khairul"], "updated_at": v["updated_at"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["authors"], json!(["Amri, Khairul"]));
    let r = staf
        .put_json(
            &format!("/api/v1/catalog/records/{id}"),
            json!({"title": "Lagi", "updated_at": v["updated_at"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
});

app_test!(duplicate_isbns_are_flagged, |app| {
    let staf = app.login("staf.magetan").await;
    record(&staf, "Budidaya Lele", "978-979-002-418-2").await;
    record(&staf, "Budidaya Lele (cetakan 2)", "9789790024182").await;
    record(&staf, "Bertanam Cabai", "").await;
    // Another library's copy of the ISBN does not count.
    let sanggau = app.login("pengelola.sanggau").await;
    record(&sanggau, "Budidaya Lele", "9789790024182").await;

    let r = staf.get("/api/v1/catalog/records?duplicates=1").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v["total"], 2);
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["duplicate_isbn"] == true)
    );
    let r = staf.get("/api/v1/catalog/records?q=cabai").await.json();
    assert_eq!(r["total"], 1);
    assert_eq!(r["items"][0]["duplicate_isbn"], false);
    let page = staf.get("/catalog").await.text();
    assert!(page.contains("ISBN ganda"), "{page}");
    assert!(page.contains("/catalog?duplicates=1"));
    let sanggau_list = sanggau.get("/api/v1/catalog/records").await.json();
    // Every write reaches the public catalogue's index.
    app.state.sync_index().await.unwrap();
    let r = app
        .anon()
        .get(&format!(
            "/api/v1/catalog/search?q=cabai&library={}",
            app.magetan
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["total"], 1, "{}", r.text());
    assert_eq!(sanggau_list["items"][0]["duplicate_isbn"], false);
});

app_test!(generated_and_scanned_barcodes, |app| {
    let staf = app.login("staf.magetan").await;
    let id = record(&staf, "Budidaya Lele", "").await;
    let items = format!("/api/v1/catalog/records/{id}/items");
    // Empty barcode: generated, in order; several copies at once.
    let r = staf
        .post_json(
            &items,
            json!({"source": "Bantuan Perpusnas 2024", "price": "Rp 85.000"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["barcode"], "B000001");
    assert_eq!(r.json()["price"], 85000);
    assert_eq!(r.json()["call_number"], "639.3 SUY b");
    let r = staf
        .post_form(
            &format!("/catalog/{id}/items"),
            &[("barcode", ""), ("copies", "2"), ("location", "Rak 3")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(
        r.location().unwrap().contains("B000002%2C%20B000003"),
        "{:?}",
        r.location()
    );
    // Scanned: kept as printed; a second use of it is a field error.
    let r = staf
        .post_json(&items, json!({"barcode": " INV/2019-007 "}))
        .await;
    assert_eq!(r.json()["barcode"], "INV/2019-007");
    let r = staf
        .post_json(&items, json!({"barcode": "INV/2019-007"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.json()), ["barcode"]);
    assert_eq!(r.json()["error"]["fields"][0]["code"], "duplicate");
    let r = staf
        .post_form(
            &format!("/catalog/{id}/items"),
            &[("barcode", "B000002"), ("location", "Rak 9")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("value=\"Rak 9\""), "typing kept");
    assert!(r.text().contains("href=\"#f-barcode\""));
    // Bad input, and "on loan" is circulation's.
    let r = staf.post_json(&items, json!({"barcode": "B 1", "status": "on_loan", "price": "murah", "acquired_on": "kemarin"})).await;
    assert_eq!(
        fields(&r.json()),
        ["barcode", "status", "acquired_on", "price"]
    );

    // Look-ups by barcode (URL-encoded as printed); the record's items.
    let r = staf
        .get("/api/v1/catalog/items/by-barcode/INV%2F2019-007")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = staf.get("/api/v1/catalog/items/by-barcode/B000003").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["record"]["id"], id.as_str());
    assert_eq!(r.json()["location"], "Rak 3");
    assert_eq!(
        staf.get("/api/v1/catalog/items/by-barcode/B999999")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let list = staf.get(&items).await.json();
    assert_eq!(list["total"], 4);

    // Edit an item and change its status.
    let item = staf
        .get("/api/v1/catalog/items/by-barcode/B000001")
        .await
        .json();
    let iid = item["id"].as_str().unwrap();
    let r = staf
        .put_json(
            &format!("/api/v1/catalog/items/{iid}"),
            json!({"location": "Pojok anak", "status": "repair", "updated_at": item["updated_at"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        (r.json()["barcode"].as_str(), r.json()["status"].as_str()),
        (Some("B000001"), Some("repair"))
    );
    let r = staf
        .post_form(
            &format!("/catalog/items/{iid}/status"),
            &[("status", "lost")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = staf
        .get(&format!("/api/v1/catalog/items/{iid}"))
        .await
        .json();
    assert_eq!(r["status"], "lost");
    let r = staf
        .post_form(
            &format!("/catalog/items/{iid}/status"),
            &[("status", "on_loan")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = staf.get(&format!("/catalog/items/{iid}/edit")).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = staf
        .post_form(
            &format!("/catalog/items/{iid}"),
            &[
                ("barcode", "INV/2019-007"),
                ("status", "available"),
                ("updated_at", item["updated_at"].as_str().unwrap()),
            ],
        )
        .await;
    // The version read before the status changes is stale now: 409.
    assert_eq!(r.status, StatusCode::CONFLICT);
    let fresh = staf
        .get(&format!("/api/v1/catalog/items/{iid}"))
        .await
        .json();
    let r = staf
        .post_form(
            &format!("/catalog/items/{iid}"),
            &[
                ("barcode", "INV/2019-007"),
                ("status", "available"),
                ("updated_at", fresh["updated_at"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "duplicate barcode"
    );
    assert!(r.text().contains("href=\"#f-barcode\""));
    let page = staf.get(&format!("/catalog/{id}")).await.text();
    for code in ["B000001", "B000002", "B000003", "INV/2019-007"] {
        assert!(page.contains(code), "{code}");
    }
    // The counts on the list: 4 items, 3 available (one lost).
    let v = staf.get("/api/v1/catalog/records").await.json();
    assert_eq!(
        (
            v["items"][0]["items_total"].as_i64(),
            v["items"][0]["items_available"].as_i64()
        ),
        (Some(4), Some(3))
    );
    // Delete: the record and its items go.
    let r = staf.delete(&format!("/api/v1/catalog/records/{id}")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        staf.get("/api/v1/catalog/items/by-barcode/B000001")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
});

app_test!(reach_reads_and_writes, |app| {
    let staf = app.login("staf.magetan").await;
    let magetan_rec = record(&staf, "Budidaya Lele", "").await;
    let sanggau = app.login("pengelola.sanggau").await;
    let sanggau_rec = record(&sanggau, "Kebun Sawit Rakyat", "").await;

    // Staff of Magetan: Sanggau's records do not exist for them.
    for path in [
        format!("/catalog/{sanggau_rec}"),
        format!("/api/v1/catalog/records/{sanggau_rec}"),
        format!("/api/v1/catalog/records/{sanggau_rec}/items"),
        format!("/catalog?library={}", app.sanggau),
        format!("/api/v1/catalog/records?library={}", app.sanggau),
    ] {
        assert_eq!(
            staf.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let r = staf
        .put_json(
            &format!("/api/v1/catalog/records/{sanggau_rec}"),
            json!({"title": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The district officer reads Magetan's catalogue but changes nothing.
    let dinas = app.login("dinas.magetan").await;
    let r = dinas.get(&format!("/catalog/{magetan_rec}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.text().contains("name=\"barcode\""), "no add-item form");
    let r = dinas
        .get(&format!("/catalog?library={}", app.magetan))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("Budidaya Lele"));
    let r = dinas
        .get(&format!("/api/v1/catalog/records?library={}", app.magetan))
        .await;
    assert_eq!(r.json()["total"], 1);
    assert_eq!(
        dinas
            .get(&format!("/catalog/{magetan_rec}/edit"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = dinas
        .put_json(
            &format!("/api/v1/catalog/records/{magetan_rec}"),
            json!({"title": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = dinas
        .post_json(
            &format!("/api/v1/catalog/records/{magetan_rec}/items"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = dinas
        .post_json("/api/v1/catalog/records", json!({"title": "x"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        dinas
            .delete(&format!("/api/v1/catalog/records/{magetan_rec}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        dinas.get(&format!("/catalog/{sanggau_rec}")).await.status,
        StatusCode::NOT_FOUND
    );
    // Without ?library= an officer chooses a library first.
    let r = dinas.get("/catalog").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains(&app.magetan.to_string()));
    assert!(!r.text().contains(&app.sanggau.to_string()));

    // The facilitator reads assigned libraries only.
    let fas = app.login("fasilitator").await;
    assert_eq!(
        fas.get(&format!("/catalog/{magetan_rec}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        fas.get(&format!("/catalog?library={}", app.magetan2))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        fas.get(&format!("/catalog/{sanggau_rec}")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = fas
        .post_json(
            &format!("/api/v1/catalog/records/{magetan_rec}/items"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Anonymous: nothing (the public catalogue is /opac).
    assert_eq!(
        app.anon().get("/api/v1/catalog/records").await.status,
        StatusCode::UNAUTHORIZED
    );
});

app_test!(labels_print_as_pdf, |app| {
    let staf = app.login("staf.magetan").await;
    let id = record(&staf, "Budidaya Lele", "").await;
    for _ in 0..3 {
        staf.post_json(&format!("/api/v1/catalog/records/{id}/items"), json!({}))
            .await;
    }
    let r = staf.get(&format!("/catalog/labels?record={id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("(3 eksemplar)"), "not yet printed count");
    let r = staf
        .post_form(
            "/catalog/labels",
            &[("choice", "not_printed"), ("sheet", "0"), ("skip", "2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.headers["content-type"], "application/pdf");
    assert!(r.body.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&r.body);
    assert!(
        text.contains("/Type /Page") || text.contains("/Type/Page"),
        "has pages"
    );
    // Printed once: nothing left "not yet printed".
    let r = staf
        .post_form(
            "/catalog/labels",
            &[("choice", "not_printed"), ("sheet", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // By record, by barcode list, with another sheet.
    let r = staf
        .post_form(
            "/catalog/labels",
            &[("choice", "record"), ("record", &id), ("sheet", "1")],
        )
        .await;
    assert!(r.body.starts_with(b"%PDF-"));
    let r = staf
        .post_form(
            "/catalog/labels",
            &[
                ("choice", "barcodes"),
                ("barcodes", "B000002\nB000003"),
                ("sheet", "2"),
            ],
        )
        .await;
    assert!(r.body.starts_with(b"%PDF-"));
    // Bad choices name their fields.
    let r = staf
        .post_form(
            "/catalog/labels",
            &[("choice", "since"), ("since", "kemarin"), ("skip", "99")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#f-since\""));
    assert!(r.text().contains("href=\"#f-skip\""));
    // Only the library's own people print.
    let dinas = app.login("dinas.magetan").await;
    assert_eq!(
        dinas.get("/catalog/labels").await.status,
        StatusCode::FORBIDDEN
    );
});

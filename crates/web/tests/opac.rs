//! The public catalogue: `/api/v1/catalog/search`, `/opac` and `/opac/{id}`,
//! on SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use lentera_core::audit::ActorRef;
use lentera_core::catalog::{BiblioDraft, BiblioForm, ItemDraft, ItemForm, ItemStatus};
use lentera_core::ids::LibraryId;
use lentera_store::catalog;
use serde_json::Value;

fn sys() -> ActorRef {
    ActorRef::system("test")
}

/// Adds a record with `copies` items; returns its id and the items' ids.
fn add(app: &TestApp, lib: LibraryId, f: BiblioForm, copies: usize) -> (String, Vec<String>) {
    let mut c = app.state.db.conn().unwrap();
    let b = catalog::create_biblio(&mut c, &sys(), lib, &BiblioDraft::parse(&f, 2026).unwrap())
        .unwrap();
    let items = (0..copies)
        .map(|_| {
            let d = ItemDraft::parse(&ItemForm::default(), 2026).unwrap();
            catalog::add_item(&mut c, &sys(), &b.id, &d).unwrap().id
        })
        .collect();
    (b.id, items)
}

fn book(title: &str) -> BiblioForm {
    BiblioForm {
        title: title.into(),
        collection: "umum".into(),
        language: "ind".into(),
        ..Default::default()
    }
}

/// A small catalogue over the fixture's libraries; returns the ids.
async fn seed(app: &TestApp) -> Vec<String> {
    let mut ids = Vec::new();
    let (a, _) = add(
        app,
        app.magetan,
        BiblioForm {
            authors: "Suyanto, Rachmatun".into(),
            subjects: "Perikanan\nBudidaya ikan".into(),
            year: "2019".into(),
            isbn: "978-0-306-40615-7".into(),
            publisher: "Penebar Swadaya".into(),
            ..book("Budidaya Ikan Lele di Kolam Terpal")
        },
        2,
    );
    ids.push(a);
    let (b, _) = add(
        app,
        app.magetan,
        BiblioForm {
            authors: "Rahmawati, Ani".into(),
            subjects: "Dongeng".into(),
            year: "2021".into(),
            collection: "anak".into(),
            ..book("Kumpulan Dongeng Nusantara untuk Anak")
        },
        1,
    );
    ids.push(b);
    let (c, _) = add(
        app,
        app.sanggau,
        BiblioForm {
            authors: "Hidayat, Budi".into(),
            subjects: "Perikanan".into(),
            year: "2015".into(),
            language: "eng".into(),
            ..book("Fish Farming in Ponds: Ikan Nila")
        },
        1,
    );
    ids.push(c);
    let r = app.state.sync_index().await.unwrap();
    assert_eq!(app.state.index.num_docs(), 3, "{r:?}");
    ids
}

fn hit_ids(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

app_test!(api_shape_and_public_access, |app| {
    let ids = seed(app).await;
    let anon = app.anon();
    let r = anon.get("/api/v1/catalog/search?q=lele").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert_eq!(v["total"], 1);
    assert_eq!(v["page"], 1);
    assert_eq!(v["per_page"], 20);
    let h = &v["hits"][0];
    assert_eq!(h["id"], ids[0].as_str());
    for key in [
        "id",
        "title",
        "subtitle",
        "authors",
        "year",
        "isbn",
        "publisher",
        "collection",
        "language",
        "library",
        "availability",
    ] {
        assert!(h.get(key).is_some(), "hit lacks {key}: {h}");
    }
    assert_eq!(h["title"], "Budidaya Ikan Lele di Kolam Terpal");
    assert_eq!(h["authors"][0], "Suyanto, Rachmatun");
    assert_eq!(h["year"], 2019);
    assert_eq!(h["isbn"], "9780306406157");
    assert_eq!(h["library"]["id"], app.magetan.to_string());
    assert_eq!(h["library"]["name"], "Perpustakaan Desa Contoh Magetan");
    assert_eq!(h["availability"]["total"], 2);
    assert_eq!(h["availability"]["available"], 2);
    for f in ["collection", "language", "year", "subject"] {
        assert!(v["facets"][f].is_array(), "facet {f}: {v}");
    }
    // An empty query browses everything (the union catalogue).
    let all = anon.get("/api/v1/catalog/search").await.json();
    assert_eq!(all["total"], 3);
    // Signed-in users get the same answer.
    let staff = app.login("staf.magetan").await;
    let again = staff.get("/api/v1/catalog/search?q=lele").await.json();
    assert_eq!(again["total"], 1);
});

app_test!(indonesian_stemming_isbn_and_author, |app| {
    let ids = seed(app).await;
    let get = |q: &str| search(app, q.to_string());
    // "pembudidayaan" meets "budidaya".
    let v = get("q=pembudidayaan").await;
    assert_eq!(hit_ids(&v), vec![ids[0].clone()]);
    // Stop words do not make a query fail.
    let v = get("q=dongeng%20untuk%20anak").await;
    assert_eq!(hit_ids(&v), vec![ids[1].clone()]);
    // Prefix.
    let v = get("q=dong*").await;
    assert_eq!(hit_ids(&v), vec![ids[1].clone()]);
    // ISBN-13 with hyphens, ISBN-10, and the ISBN field.
    for q in [
        "q=978-0-306-40615-7",
        "q=0-306-40615-2",
        "q=0306406152&field=isbn",
    ] {
        assert_eq!(hit_ids(&get(q).await), vec![ids[0].clone()], "{q}");
    }
    // Author search.
    let v = get("q=Rahmawati&field=author").await;
    assert_eq!(hit_ids(&v), vec![ids[1].clone()]);
    let v = get("q=pengarang:Hidayat").await;
    assert_eq!(hit_ids(&v), vec![ids[2].clone()]);
    // Relevance: both fish books match "ikan"; the subject "Budidaya ikan"
    // and the title word put the lele book first.
    let v = get("q=ikan").await;
    assert_eq!(v["total"], 2);
    assert_eq!(v["hits"][0]["id"], ids[0].as_str());
});

app_test!(facets_and_filters, |app| {
    let ids = seed(app).await;
    let anon = app.anon();
    let v = anon.get("/api/v1/catalog/search").await.json();
    let count = |facet: &str, value: &str| {
        v["facets"][facet]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["value"] == value)
            .map(|f| f["count"].as_u64().unwrap())
    };
    assert_eq!(count("collection", "umum"), Some(2));
    assert_eq!(count("collection", "anak"), Some(1));
    assert_eq!(count("language", "ind"), Some(2));
    assert_eq!(count("language", "eng"), Some(1));
    assert_eq!(count("subject", "Perikanan"), Some(2));
    assert_eq!(count("year", "2021"), Some(1));

    let get = |q: &str| search(app, q.to_string());
    assert_eq!(hit_ids(&get("collection=anak").await), vec![ids[1].clone()]);
    assert_eq!(hit_ids(&get("language=eng").await), vec![ids[2].clone()]);
    assert_eq!(get("collection=umum,anak").await["total"], 3);
    assert_eq!(get("subject=Perikanan").await["total"], 2);
    assert_eq!(get("year_from=2016&year_to=2020").await["total"], 1);
    // Library by id or NPP: the union catalogue narrows to one library.
    let by_id = get_lib(app, &app.sanggau.to_string()).await;
    assert_eq!(hit_ids(&by_id), vec![ids[2].clone()]);
    assert_eq!(by_id["library"]["id"], app.sanggau.to_string());
    // Paging.
    let p2 = get("per_page=2&page=2").await;
    assert_eq!(p2["total"], 3);
    assert_eq!(p2["hits"].as_array().unwrap().len(), 1);
});

async fn search(app: &TestApp, q: String) -> Value {
    app.anon()
        .get(&format!("/api/v1/catalog/search?{q}"))
        .await
        .json()
}

async fn get_lib(app: &TestApp, lib: &str) -> Value {
    app.anon()
        .get(&format!("/api/v1/catalog/search?q=ikan&library={lib}"))
        .await
        .json()
}

app_test!(library_filter_by_npp, |app| {
    let ids = seed(app).await;
    // A library with an NPP, found by it.
    let npp_lib = {
        use lentera_core::libraries::{LibraryDraft, LibraryForm};
        let mut c = app.state.db.conn().unwrap();
        let f = LibraryForm {
            kind: "tbm".into(),
            name: "TBM Sungai Kapuas".into(),
            village_code: "6103042001".into(),
            npp: "6103 04 2D1 000001".into(),
            ..Default::default()
        };
        let d = LibraryDraft::parse(&f, &app.state.regions, 2026).unwrap();
        lentera_store::libraries::create(&mut c, &sys(), &d)
            .unwrap()
            .id
    };
    let (kapuas, _) = add(app, npp_lib, book("Ikan Sungai Kapuas"), 1);
    app.state.sync_index().await.unwrap();
    for key in ["6103042D1000001", "6103 04 2D1 000001"] {
        let v = get_lib(app, &key.replace(' ', "%20")).await;
        assert_eq!(hit_ids(&v), vec![kapuas.clone()], "{key}");
    }
    assert_eq!(search(app, "q=ikan".into()).await["total"], 3, "{ids:?}");
});

app_test!(validation_errors_name_fields, |app| {
    seed(app).await;
    let anon = app.anon();
    let r = anon
        .get("/api/v1/catalog/search?year_from=abc&collection=komik&field=everything&per_page=500&library=nope")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let v = r.json();
    let fields: Vec<&str> = v["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for f in ["year_from", "collection", "field", "per_page"] {
        assert!(fields.contains(&f), "{f} in {v}");
    }
    // Indonesian by default, English on request.
    let msg = v["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "year_from")
        .unwrap()["message"]
        .as_str()
        .unwrap();
    assert_eq!(msg, "Dari tahun harus berupa angka.");
    let en = anon
        .get("/api/v1/catalog/search?year_from=abc&lang=en")
        .await
        .json();
    assert!(
        en["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("From year"),
        "{en}"
    );
    // An unknown library is a field error too.
    let r = anon.get("/api/v1/catalog/search?library=nope").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "library");
    // The page keeps what was typed and shows the error summary.
    let page = anon.get("/opac?q=lele&year_from=abc").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("error-summary"), "{html}");
    assert!(html.contains(r#"value="abc""#));
    assert!(html.contains(r#"value="lele""#));
});

app_test!(inactive_library_is_hidden, |app| {
    let ids = seed(app).await;
    let mut c = app.state.db.conn().unwrap();
    lentera_store::libraries::set_active(&mut c, &sys(), app.sanggau, false).unwrap();
    drop(c);
    app.state.sync_index().await.unwrap();
    let anon = app.anon();
    let v = anon.get("/api/v1/catalog/search?q=ikan").await.json();
    assert_eq!(hit_ids(&v), vec![ids[0].clone()]);
    let r = anon.get(&format!("/opac/{}", ids[2])).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = anon
        .get(&format!("/api/v1/catalog/search?library={}", app.sanggau))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
});

app_test!(index_follows_writes_through_notify, |app| {
    let ids = seed(app).await;
    // The background task as `serve` runs it, with a long tick, so only the
    // notification can make it sync in time.
    let task = app
        .state
        .spawn_index_sync(std::time::Duration::from_secs(3600));
    let (new_id, items) = add(app, app.magetan2, book("Panduan Menjahit Pakaian"), 1);
    app.state.catalog_changed();
    let anon = app.anon();
    let mut found = Value::Null;
    for _ in 0..100 {
        found = anon.get("/api/v1/catalog/search?q=menjahit").await.json();
        if found["total"] == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(hit_ids(&found), vec![new_id.clone()]);
    assert_eq!(found["hits"][0]["availability"]["available"], 1);
    // A loan (any status change) shows at once in availability.
    {
        let mut c = app.state.db.conn().unwrap();
        catalog::set_item_status(&mut c, &sys(), &items[0], ItemStatus::InRepair).unwrap();
    }
    let v = anon.get("/api/v1/catalog/search?q=menjahit").await.json();
    assert_eq!(v["hits"][0]["availability"]["available"], 0);
    assert_eq!(v["hits"][0]["availability"]["total"], 1);
    // A deletion leaves the index.
    {
        let mut c = app.state.db.conn().unwrap();
        catalog::delete_biblio(&mut c, &sys(), &ids[1]).unwrap();
    }
    app.state.catalog_changed();
    let mut total = Value::Null;
    for _ in 0..100 {
        total = anon.get("/api/v1/catalog/search?q=dongeng").await.json()["total"].clone();
        if total == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(total, 0);
    task.abort();
});

app_test!(pages_work_without_javascript, |app| {
    let ids = seed(app).await;
    let anon = app.anon();
    let r = anon.get("/opac").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(
        html.contains(r#"<form class="opac-search" method="get" action="/opac""#),
        "{html}"
    );
    assert!(html.contains(r#"<label for="f-q">Kata kunci</label>"#));
    let r = anon.get("/opac?q=pembudidayaan&collection=umum").await;
    let html = r.text();
    assert!(
        html.contains("1 buku ditemukan untuk “pembudidayaan”"),
        "{html}"
    );
    assert!(html.contains("Budidaya Ikan Lele di Kolam Terpal"));
    assert!(html.contains("2 dari 2 tersedia"));
    assert!(html.contains(r#"role="status""#));
    // The chosen facet is checked; the others are offered with counts.
    assert!(
        html.contains(r#"name="collection" value="umum" checked"#),
        "{html}"
    );
    // English.
    let html = anon.get("/opac?q=lele&lang=en").await.text();
    assert!(
        html.contains("1 books found for “lele”") || html.contains("books found"),
        "{html}"
    );
    assert!(html.contains("2 of 2 available"));

    // Record page: fields and copies.
    let r = anon.get(&format!("/opac/{}", ids[0])).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(
        html.contains("<h1>Budidaya Ikan Lele di Kolam Terpal</h1>"),
        "{html}"
    );
    assert!(html.contains("Penebar Swadaya"));
    assert!(html.contains("9780306406157"));
    assert!(html.contains("Eksemplar di Perpustakaan Desa Contoh Magetan"));
    assert!(html.contains("Tersedia"));
    assert_eq!(
        anon.get("/opac/no-such-record").await.status,
        StatusCode::NOT_FOUND
    );
});

//! Reach, proven as a matrix: every role × every endpoint (pages, the JSON
//! API and exports), on SQLite and PostgreSQL. Each cell is the status code
//! (and for lists, the number of records) that role must get.
//!
//! Fixture (tests/common): libraries `magetan` and `magetan2` in Kabupaten
//! Magetan (Jawa Timur), `sanggau` (Balai Sebut) in Kabupaten Sanggau
//! (Kalimantan Barat); the facilitator is assigned `magetan` only.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp};

/// The roles, in the column order of every row below.
const ROLES: [&str; 8] = [
    "admin",
    "dinas.jatim",
    "dinas.magetan",
    "dinas.sanggau",
    "fasilitator",
    "pengelola.magetan",
    "staf.magetan",
    "pengelola.sanggau",
];

const OK: u16 = 200;
const CREATED: u16 = 201;
const FORBIDDEN: u16 = 403;
const NOT_FOUND: u16 = 404;
const INVALID: u16 = 422;

async fn clients(app: &TestApp) -> Vec<Client<'_>> {
    let mut v = Vec::new();
    for r in ROLES {
        v.push(app.login(r).await);
    }
    v
}

/// Data rows in an exported CSV or XLSX, read back with the import reader.
fn count_rows(bytes: Vec<u8>) -> usize {
    let layout = lentera_tabular::Layout::new().required("name", &["name"]);
    lentera_tabular::TableReader::from_bytes(bytes, &layout, &Default::default())
        .map(|t| t.filter(Result::is_ok).count())
        .unwrap_or(usize::MAX)
}

fn check(what: &str, role: &str, got: StatusCode, want: u16, body: &str) {
    assert_eq!(
        got.as_u16(),
        want,
        "{what} as {role}: {}",
        &body[..body.len().min(400)]
    );
}

app_test!(reading_libraries, |app| {
    let cs = clients(app).await;
    let rows: [(&str, String, [u16; 8]); 6] = [
        (
            "api magetan",
            format!("/api/v1/libraries/{}", app.magetan),
            [OK, OK, OK, NOT_FOUND, OK, OK, OK, NOT_FOUND],
        ),
        (
            "api magetan2",
            format!("/api/v1/libraries/{}", app.magetan2),
            [
                OK, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
            ],
        ),
        (
            "api sanggau",
            format!("/api/v1/libraries/{}", app.sanggau),
            [
                OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,
            ],
        ),
        (
            "page magetan",
            format!("/libraries/{}", app.magetan),
            [OK, OK, OK, NOT_FOUND, OK, OK, OK, NOT_FOUND],
        ),
        (
            "page sanggau",
            format!("/libraries/{}", app.sanggau),
            [
                OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,
            ],
        ),
        (
            "edit page magetan",
            format!("/libraries/{}/edit", app.magetan),
            [OK, OK, OK, NOT_FOUND, FORBIDDEN, OK, FORBIDDEN, NOT_FOUND],
        ),
    ];
    for (what, path, want) in rows {
        for (i, c) in cs.iter().enumerate() {
            let r = c.get(&path).await;
            check(what, ROLES[i], r.status, want[i], &r.text());
        }
    }
});

app_test!(listing_and_exporting_libraries, |app| {
    let cs = clients(app).await;
    // How many of the three libraries each role sees.
    let want: [usize; 8] = [3, 2, 2, 1, 1, 1, 1, 1];
    for (i, c) in cs.iter().enumerate() {
        let r = c.get("/api/v1/libraries?per_page=100").await;
        check("api list", ROLES[i], r.status, OK, &r.text());
        assert_eq!(
            r.json()["total"].as_u64(),
            Some(want[i] as u64),
            "api list as {}",
            ROLES[i]
        );
        assert_eq!(
            r.json()["items"].as_array().map(Vec::len),
            Some(want[i]),
            "api list items as {}",
            ROLES[i]
        );

        let r = c.get("/api/v1/libraries/export?format=csv").await;
        check("csv export", ROLES[i], r.status, OK, &r.text());
        assert_eq!(
            count_rows(r.body.clone()),
            want[i],
            "csv export rows as {}",
            ROLES[i]
        );

        let r = c.get("/libraries/export?format=xlsx").await;
        check("xlsx export", ROLES[i], r.status, OK, "");
        assert_eq!(
            count_rows(r.body.clone()),
            want[i],
            "xlsx export rows as {}",
            ROLES[i]
        );

        let r = c.get("/libraries").await;
        check("list page", ROLES[i], r.status, OK, "");
        let page = r.text();
        assert_eq!(
            page.contains("Balai Sebut"),
            [true, false, false, true, false, false, false, true][i],
            "list page as {}",
            ROLES[i]
        );
        assert_eq!(
            page.contains("TBM Pelangi Magetan"),
            [true, true, true, false, false, false, false, false][i],
            "list page as {}",
            ROLES[i]
        );
    }
    // Search cannot widen reach either.
    let r = cs[2].get("/api/v1/libraries?q=balai").await;
    assert_eq!(r.json()["total"], 0);
    let r = cs[2].get("/api/v1/libraries?region=6103").await;
    assert_eq!(r.json()["total"], 0);
});

app_test!(changing_libraries, |app| {
    let cs = clients(app).await;
    // PUT the magetan library back with its own values plus a new phone.
    let want_put = [OK, OK, OK, NOT_FOUND, FORBIDDEN, OK, FORBIDDEN, NOT_FOUND];
    for (i, c) in cs.iter().enumerate() {
        let body = serde_json::json!({
            "kind": "desa", "name": "Perpustakaan Desa Contoh Magetan", "village_code": "3520012001",
            "phone": format!("08123456{:04}", i),
        });
        let r = c
            .put_json(&format!("/api/v1/libraries/{}", app.magetan), body)
            .await;
        check("put magetan", ROLES[i], r.status, want_put[i], &r.text());
    }
    // Deactivate magetan2; reactivate after each success so every role tries
    // on an active library.
    let want_del = [
        OK, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
    ];
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .delete(&format!("/api/v1/libraries/{}", app.magetan2))
            .await;
        check(
            "deactivate magetan2",
            ROLES[i],
            r.status,
            want_del[i],
            &r.text(),
        );
        if r.status == StatusCode::OK {
            assert_eq!(r.json()["active"], false);
            let r = cs[0]
                .post_json(
                    &format!("/api/v1/libraries/{}/reactivate", app.magetan2),
                    serde_json::json!({}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK);
        }
    }
    // Create in a Magetan village.
    let want_post = [
        CREATED, CREATED, CREATED, INVALID, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
    ];
    for (i, c) in cs.iter().enumerate() {
        let body = serde_json::json!({"kind": "tbm", "name": format!("TBM Matriks {i}"), "village_code": "3520012003"});
        let r = c.post_json("/api/v1/libraries", body).await;
        check(
            "create in magetan",
            ROLES[i],
            r.status,
            want_post[i],
            &r.text(),
        );
        if r.status == StatusCode::UNPROCESSABLE_ENTITY {
            assert_eq!(r.json()["error"]["fields"][0]["field"], "village_code");
            assert_eq!(r.json()["error"]["fields"][0]["code"], "outside_reach");
        }
    }
    // A bearer token has exactly the reach of its user.
    let t = app.token("dinas.sanggau").await;
    assert_eq!(
        t.get(&format!("/api/v1/libraries/{}", app.magetan))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(t.get("/api/v1/libraries").await.json()["total"], 1);
});

app_test!(users_and_audit_by_role, |app| {
    let cs = clients(app).await;
    let rows: [(&str, &str, [u16; 8]); 4] = [
        (
            "api users",
            "/api/v1/users",
            [OK, OK, OK, OK, FORBIDDEN, OK, FORBIDDEN, OK],
        ),
        (
            "users page",
            "/users",
            [OK, OK, OK, OK, FORBIDDEN, OK, FORBIDDEN, OK],
        ),
        (
            "api audit",
            "/api/v1/audit",
            [OK, OK, OK, OK, FORBIDDEN, OK, FORBIDDEN, OK],
        ),
        (
            "audit page",
            "/audit",
            [OK, OK, OK, OK, FORBIDDEN, OK, FORBIDDEN, OK],
        ),
    ];
    for (what, path, want) in rows {
        for (i, c) in cs.iter().enumerate() {
            let r = c.get(path).await;
            check(what, ROLES[i], r.status, want[i], &r.text());
        }
    }
    // Who sees whom.
    let want_users: [usize; 8] = [8, 5, 4, 2, 0, 2, 0, 1];
    for (i, c) in cs.iter().enumerate() {
        let r = c.get("/api/v1/users?per_page=100").await;
        if r.status == StatusCode::OK {
            assert_eq!(
                r.json()["total"].as_u64(),
                Some(want_users[i] as u64),
                "users as {}",
                ROLES[i]
            );
        }
    }
    // One user's record across reach.
    let admin_list = cs[0].get("/api/v1/users?q=pengelola.sanggau").await.json();
    let id = admin_list["items"][0]["id"].as_str().unwrap().to_string();
    let want = [
        OK, NOT_FOUND, NOT_FOUND, OK, FORBIDDEN, NOT_FOUND, FORBIDDEN, OK,
    ];
    for (i, c) in cs.iter().enumerate() {
        let r = c.get(&format!("/api/v1/users/{id}")).await;
        check(
            "api user pengelola.sanggau",
            ROLES[i],
            r.status,
            want[i],
            &r.text(),
        );
    }
});

app_test!(anonymous_gets_nothing_but_public_data, |app| {
    let c = app.anon();
    for path in [
        "/api/v1/libraries".to_string(),
        format!("/api/v1/libraries/{}", app.magetan),
        "/api/v1/libraries/export?format=csv".into(),
        "/api/v1/users".into(),
        "/api/v1/audit".into(),
    ] {
        assert_eq!(
            c.get(&path).await.status,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    for path in [
        "/libraries",
        "/users",
        "/audit",
        "/libraries/export?format=csv",
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert!(r.location().unwrap().starts_with("/login"), "{path}");
    }
    let r = c
        .post_json(
            "/api/v1/libraries",
            serde_json::json!({"kind": "tbm", "name": "x", "village_code": "3520012001"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Regions are public reference data.
    let r = c.get("/api/v1/regions").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.json()["items"].as_array().unwrap().is_empty());
});

app_test!(members_and_circulation, |app| {
    let cs = clients(app).await;
    // One Magetan member, created by the library's staff.
    let r = cs[6]
        .post_json(
            "/api/v1/members",
            serde_json::json!({"full_name": "Siti Aminah", "gender": "P", "nik": "3520015708900042"}),
        )
        .await;
    assert_eq!(r.status.as_u16(), CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    // Only a library's own manager and staff work its desk; officers and
    // facilitators get 403 everywhere, other libraries' staff 404 on records.
    const DESK: [u16; 8] = [
        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK,
    ];
    let rows: Vec<(&str, String, [u16; 8])> = vec![
        ("page members", "/members".into(), DESK),
        ("page new member", "/members/new".into(), DESK),
        ("page member import", "/members/import".into(), DESK),
        ("api members", "/api/v1/members".into(), DESK),
        ("page circulation", "/circulation".into(), DESK),
        ("page overdue", "/circulation/overdue".into(), DESK),
        ("page holds", "/circulation/holds".into(), DESK),
        ("page settings", "/circulation/settings".into(), DESK),
        ("api loans", "/api/v1/circulation/loans".into(), DESK),
        ("api holds", "/api/v1/circulation/holds".into(), DESK),
        (
            "api member magetan",
            format!("/api/v1/members/{id}"),
            [
                FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, NOT_FOUND,
            ],
        ),
        (
            "page member magetan",
            format!("/members/{id}"),
            [
                FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, NOT_FOUND,
            ],
        ),
    ];
    for (what, path, want) in &rows {
        for (i, c) in cs.iter().enumerate() {
            let r = c.get(path).await;
            check(what, ROLES[i], r.status, want[i], &r.text());
        }
    }
    // Lists count only the library's own members.
    let want_members = [None, None, None, None, None, Some(1), Some(1), Some(0)];
    for (i, c) in cs.iter().enumerate() {
        let r = c.get("/api/v1/members").await;
        if let Some(n) = want_members[i] {
            assert_eq!(r.json()["total"], n, "members as {}", ROLES[i]);
        }
    }
    // Writes: a scan of an unknown code is a refusal (409) for desk staff.
    let want = [
        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 409, 409, 409,
    ];
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .post_json(
                "/api/v1/circulation/scan",
                serde_json::json!({"code": "TIDAK-ADA"}),
            )
            .await;
        check("api scan", ROLES[i], r.status, want[i], &r.text());
        let r = c
            .put_json(
                &format!("/api/v1/members/{id}"),
                serde_json::json!({"full_name": "Siti Aminah", "gender": "P"}),
            )
            .await;
        let want_put = [
            FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, NOT_FOUND,
        ];
        check(
            "api member update",
            ROLES[i],
            r.status,
            want_put[i],
            &r.text(),
        );
    }
});

// Catalogue import/export (catalog/transfer.rs): only a library's own
// manager and staff import, into their own library; anyone who may read a
// library exports it; an import's status is visible to that library's people.
app_test!(catalog_import_export, |app| {
    const ACCEPTED: u16 = 202;
    let cs = clients(app).await;
    let csv = b"judul,isbn\r\nLaskar Pelangi,979-3062-79-7\r\n";
    let want_form = [
        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK,
    ];
    let want_upload = [
        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ACCEPTED, ACCEPTED, ACCEPTED,
    ];
    let mut magetan_job = None;
    for (i, c) in cs.iter().enumerate() {
        let r = c.get("/catalog/import").await;
        check("import page", ROLES[i], r.status, want_form[i], &r.text());
        let r = c
            .upload("/api/v1/catalog/imports", "file", "k.csv", csv)
            .await;
        check("api import", ROLES[i], r.status, want_upload[i], &r.text());
        if ROLES[i] == "pengelola.magetan" {
            magetan_job = r.json()["id"].as_str().map(str::to_string);
        }
    }
    let job = magetan_job.expect("a job");
    let want_status = [
        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND,
    ];
    for (i, c) in cs.iter().enumerate() {
        let r = c.get(&format!("/api/v1/catalog/imports/{job}")).await;
        check(
            "api import status",
            ROLES[i],
            r.status,
            want_status[i],
            &r.text(),
        );
        let r = c.get(&format!("/catalog/imports/{job}")).await;
        check(
            "import status page",
            ROLES[i],
            r.status,
            want_status[i],
            &r.text(),
        );
    }
    let rows: [(&str, String, [u16; 8]); 4] = [
        (
            "api export magetan",
            format!("/api/v1/catalog/export?format=csv&library={}", app.magetan),
            [OK, OK, OK, NOT_FOUND, OK, OK, OK, NOT_FOUND],
        ),
        (
            "page export magetan2",
            format!("/catalog/export?format=marc&library={}", app.magetan2),
            [
                OK, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
            ],
        ),
        (
            "api export sanggau",
            format!("/api/v1/catalog/export?format=xlsx&library={}", app.sanggau),
            [
                OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,
            ],
        ),
        (
            "api export own library",
            "/api/v1/catalog/export?format=slims".to_string(),
            [INVALID, INVALID, INVALID, INVALID, INVALID, OK, OK, OK],
        ),
    ];
    for (what, uri, want) in rows {
        for (i, c) in cs.iter().enumerate() {
            let r = c.get(&uri).await;
            check(what, ROLES[i], r.status, want[i], &r.text());
        }
    }
});

app_test!(public_catalogue_is_public, |app| {
    // One record in Magetan, one in Sanggau: every role and anonymous
    // visitors see both (the union catalogue), whatever their reach.
    let mut conn = app.state.db.conn().unwrap();
    let sys = lentera_core::audit::ActorRef::system("test");
    let mut ids = Vec::new();
    for (lib, title) in [
        (app.magetan, "Budidaya Lele"),
        (app.sanggau, "Budidaya Nila"),
    ] {
        let f = lentera_core::catalog::BiblioForm {
            title: title.into(),
            ..Default::default()
        };
        let d = lentera_core::catalog::BiblioDraft::parse(&f, 2026).unwrap();
        ids.push(
            lentera_store::catalog::create_biblio(&mut conn, &sys, lib, &d)
                .unwrap()
                .id,
        );
    }
    drop(conn);
    app.state.sync_index().await.unwrap();
    let mut cs = clients(app).await;
    cs.push(app.anon());
    for (i, c) in cs.iter().enumerate() {
        let role = ROLES.get(i).copied().unwrap_or("anonymous");
        let r = c.get("/api/v1/catalog/search?q=budidaya").await;
        check("api search", role, r.status, OK, &r.text());
        assert_eq!(r.json()["total"], 2, "api search as {role}");
        for path in [
            "/opac?q=budidaya".to_string(),
            format!("/opac/{}", ids[0]),
            format!("/opac/{}", ids[1]),
        ] {
            let r = c.get(&path).await;
            check(&path, role, r.status, OK, &r.text());
        }
    }
});

// Catalogue records and items: everyone in reach reads a library's
// catalogue; only its own manager and staff change it.
app_test!(catalog_records_and_items, |app| {
    use lentera_core::audit::ActorRef;
    use lentera_core::catalog::{BiblioDraft, BiblioForm, ItemDraft, ItemForm};
    use lentera_store::catalog as store;
    let cs = clients(app).await;
    let mut conn = app.state.db.conn().unwrap();
    let by = ActorRef::system("test");
    let mut rec = |lib, title: &str| {
        let d = BiblioDraft::parse(
            &BiblioForm {
                title: title.into(),
                ..Default::default()
            },
            2026,
        )
        .unwrap();
        let b = store::create_biblio(&mut conn, &by, lib, &d).unwrap();
        let i = ItemDraft::parse(&ItemForm::default(), 2026).unwrap();
        let it = store::add_item(&mut conn, &by, &b.id, &i).unwrap();
        (b.id, it.id)
    };
    let (m, m_item) = rec(app.magetan, "Budidaya Lele");
    let (m2, _) = rec(app.magetan2, "Cerita Rakyat Magetan");
    let (s, _) = rec(app.sanggau, "Kebun Sawit Rakyat");
    drop(conn);
    const UNPROCESSABLE: u16 = INVALID;
    let read_m = [OK, OK, OK, NOT_FOUND, OK, OK, OK, NOT_FOUND];
    let read_m2 = [
        OK, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
    ];
    let read_s = [
        OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,
    ];
    let write_m = [
        FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN, OK, OK, NOT_FOUND,
    ];
    let own_only = [
        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK,
    ];
    let rows: Vec<(&str, String, [u16; 8])> = vec![
        ("page record magetan", format!("/catalog/{m}"), read_m),
        (
            "api record magetan",
            format!("/api/v1/catalog/records/{m}"),
            read_m,
        ),
        (
            "api record magetan2",
            format!("/api/v1/catalog/records/{m2}"),
            read_m2,
        ),
        ("page record sanggau", format!("/catalog/{s}"), read_s),
        (
            "api record sanggau",
            format!("/api/v1/catalog/records/{s}"),
            read_s,
        ),
        (
            "api items magetan",
            format!("/api/v1/catalog/records/{m}/items"),
            read_m,
        ),
        (
            "api item magetan",
            format!("/api/v1/catalog/items/{m_item}"),
            read_m,
        ),
        (
            "api by barcode magetan",
            format!(
                "/api/v1/catalog/items/by-barcode/B000001?library={}",
                app.magetan
            ),
            read_m,
        ),
        (
            "page list magetan",
            format!("/catalog?library={}", app.magetan),
            read_m,
        ),
        (
            "page list magetan2",
            format!("/catalog?library={}", app.magetan2),
            read_m2,
        ),
        (
            "api list sanggau",
            format!("/api/v1/catalog/records?library={}", app.sanggau),
            read_s,
        ),
        (
            "api list own",
            "/api/v1/catalog/records".into(),
            [
                UNPROCESSABLE,
                UNPROCESSABLE,
                UNPROCESSABLE,
                UNPROCESSABLE,
                UNPROCESSABLE,
                OK,
                OK,
                OK,
            ],
        ),
        ("page list own or chooser", "/catalog".into(), [OK; 8]),
        ("page edit magetan", format!("/catalog/{m}/edit"), write_m),
        (
            "page item edit magetan",
            format!("/catalog/items/{m_item}/edit"),
            write_m,
        ),
        ("page new", "/catalog/new".into(), own_only),
        ("page labels", "/catalog/labels".into(), own_only),
    ];
    for (what, path, want) in rows {
        for (i, c) in cs.iter().enumerate() {
            let r = c.get(&path).await;
            check(what, ROLES[i], r.status, want[i], &r.text());
        }
    }
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .put_json(
                &format!("/api/v1/catalog/records/{m}"),
                serde_json::json!({"title": format!("Budidaya Lele {i}")}),
            )
            .await;
        check("api put magetan", ROLES[i], r.status, write_m[i], &r.text());
        let r = c
            .put_json(
                &format!("/api/v1/catalog/items/{m_item}"),
                serde_json::json!({"location": format!("Rak {i}")}),
            )
            .await;
        check(
            "api put item magetan",
            ROLES[i],
            r.status,
            write_m[i],
            &r.text(),
        );
        let r = c
            .post_json(
                &format!("/api/v1/catalog/records/{m}/items"),
                serde_json::json!({}),
            )
            .await;
        let want = if write_m[i] == OK {
            CREATED
        } else {
            write_m[i]
        };
        check("api add item magetan", ROLES[i], r.status, want, &r.text());
        let r = c
            .post_json(
                "/api/v1/catalog/records",
                serde_json::json!({"title": "Buku Baru"}),
            )
            .await;
        let want = if own_only[i] == OK {
            CREATED
        } else {
            own_only[i]
        };
        check("api create record", ROLES[i], r.status, want, &r.text());
        let r = c.delete(&format!("/api/v1/catalog/records/{s}")).await;
        let want = [
            FORBIDDEN, NOT_FOUND, NOT_FOUND, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, 204,
        ];
        check("api delete sanggau", ROLES[i], r.status, want[i], &r.text());
    }
});

app_test!(guest_book_and_stocktake, |app| {
    const CONFLICT: u16 = 409;
    let cs = clients(app).await;
    let (m, s) = (app.magetan, app.sanggau);
    // Counts: everyone whose reach includes the library; names never leave it.
    let rows: [(&str, String, [u16; 8]); 8] = [
        (
            "api counts magetan",
            format!("/api/v1/visits/counts?library={m}"),
            [OK, OK, OK, NOT_FOUND, OK, OK, OK, NOT_FOUND],
        ),
        (
            "api counts sanggau",
            format!("/api/v1/visits/counts?library={s}"),
            [
                OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,
            ],
        ),
        (
            "api counts own or reach",
            "/api/v1/visits/counts?by=month".into(),
            [OK, OK, OK, OK, OK, OK, OK, OK],
        ),
        (
            "api recent magetan",
            format!("/api/v1/visits?library={m}"),
            [OK, OK, OK, NOT_FOUND, OK, OK, OK, NOT_FOUND],
        ),
        (
            "visits page magetan",
            format!("/visits?library={m}"),
            [OK, OK, OK, NOT_FOUND, OK, OK, OK, NOT_FOUND],
        ),
        (
            "visits export magetan",
            format!("/visits/export?library={m}&format=csv"),
            [OK, OK, OK, NOT_FOUND, OK, OK, OK, NOT_FOUND],
        ),
        // Daily work: only a library's own manager and staff.
        (
            "kiosk",
            "/kiosk".into(),
            [
                FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK,
            ],
        ),
        (
            "stocktake page",
            "/stocktake".into(),
            [
                FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK,
            ],
        ),
    ];
    for (what, path, want) in rows {
        for (i, c) in cs.iter().enumerate() {
            let r = c.get(&path).await;
            check(what, ROLES[i], r.status, want[i], &r.text());
        }
    }
    let want_record = [
        FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN, CREATED, CREATED, NOT_FOUND,
    ];
    for (i, c) in cs.iter().enumerate() {
        let body = serde_json::json!({"library": m.to_string(), "visitor_name": "Matriks",
            "gender": "P", "age_group": "remaja", "purpose": "belajar"});
        let r = c.post_json("/api/v1/visits", body).await;
        check(
            "api record visit magetan",
            ROLES[i],
            r.status,
            want_record[i],
            &r.text(),
        );
        // Names only for the library's own people.
        let r = c.get(&format!("/api/v1/visits?library={m}")).await;
        if r.status == StatusCode::OK {
            let names = [false, false, false, false, false, true, true, false][i];
            assert_eq!(r.json()["names_visible"], names, "names as {}", ROLES[i]);
            assert_eq!(
                r.text().contains("Matriks"),
                names,
                "visitor name as {}",
                ROLES[i]
            );
        }
    }
    let want_start = [
        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, CREATED, CONFLICT, CREATED,
    ];
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .post_json("/api/v1/stocktakes", serde_json::json!({}))
            .await;
        check(
            "api start stocktake",
            ROLES[i],
            r.status,
            want_start[i],
            &r.text(),
        );
    }
});

/// A complete 2026 plan of `kind` for `lib`, written directly and submitted
/// (so reviewers have something to review).
fn submitted_plan(
    app: &TestApp,
    lib: lentera_core::ids::LibraryId,
    village: &str,
    kind: lentera_core::workplans::PlanKind,
) -> String {
    use lentera_core::workplans::{ActivityForm, NewPlan, WorkplanDraft, WorkplanForm};
    use lentera_store::workplans::{self as wp, PlanAt, Who};
    let mut c = app.state.db.conn().unwrap();
    let draft = WorkplanDraft::parse(
        &WorkplanForm {
            potential_people: "PKK".into(),
            goals: "Perpustakaan ramai".into(),
            activities: vec![ActivityForm {
                name: "Klub baca anak".into(),
                target_group: "Anak SD".into(),
                starts_on: "2026-08-01".into(),
                ends_on: "2026-08-30".into(),
                targets: "30 anak".into(),
                ..Default::default()
            }],
            ..Default::default()
        },
        kind,
        2026,
    )
    .unwrap();
    let who = Who {
        by: lentera_core::audit::ActorRef::system("matrix"),
        name: "Matriks".into(),
        role: lentera_core::users::Role::Manager,
    };
    let v = lentera_core::regions::RegionCode::parse(village).unwrap();
    let at = PlanAt {
        library: lib,
        village: &v,
    };
    let new = NewPlan {
        kind,
        year: 2026,
        copy_last_year: false,
    };
    let p = wp::create(&mut c, &who, &at, &new, Some(&draft), lentera_store::now()).unwrap();
    wp::submit(&mut c, &who, &p.id, p.version, lentera_store::now())
        .unwrap()
        .id
}

app_test!(program_selection_by_role, |app| {
    let cs = clients(app).await;
    // A 2026 call and one Magetan proposal (a draft) to aim at.
    let r = cs[0]
        .post_json(
            "/api/v1/program/years",
            serde_json::json!({"year": 2026, "min_proposals_per_district": 2}),
        )
        .await;
    check("api open year", ROLES[0], r.status, CREATED, &r.text());
    let r = cs[2]
        .post_json(
            "/api/v1/program/proposals",
            serde_json::json!({"year": 2026, "library_id": app.magetan.to_string(),
                "requested": "book_aid"}),
        )
        .await;
    check(
        "api propose magetan",
        ROLES[2],
        r.status,
        CREATED,
        &r.text(),
    );
    let pid = r.json()["id"].as_str().unwrap().to_string();
    let officers = [OK, OK, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN];
    let magetan_region = [
        OK, OK, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
    ];
    let magetan_record = [OK, OK, OK, NOT_FOUND, OK, OK, OK, NOT_FOUND];
    let rows: Vec<(&str, String, [u16; 8])> = vec![
        ("overview page", "/program".into(), officers),
        (
            "overview page magetan",
            "/program/2026?region=3520".into(),
            magetan_region,
        ),
        (
            "api overview",
            "/api/v1/program/overview?year=2026".into(),
            officers,
        ),
        (
            "api overview magetan",
            "/api/v1/program/overview?year=2026&region=3520".into(),
            magetan_region,
        ),
        ("years page", "/program/years".into(), officers),
        ("api years", "/api/v1/program/years".into(), officers),
        (
            "year edit page",
            "/program/years/2026".into(),
            [
                OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
            ],
        ),
        ("proposals page", "/program/proposals".into(), [OK; 8]),
        (
            "new proposal page",
            "/program/proposals/new".into(),
            [
                FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
            ],
        ),
        (
            "proposal page magetan",
            format!("/program/proposals/{pid}"),
            magetan_record,
        ),
        (
            "api proposal magetan",
            format!("/api/v1/program/proposals/{pid}"),
            magetan_record,
        ),
    ];
    for (what, path, want) in rows {
        for (i, c) in cs.iter().enumerate() {
            let r = c.get(&path).await;
            check(what, ROLES[i], r.status, want[i], &r.text());
        }
    }
    // Lists and exports: how many of the one proposal each role sees.
    let want: [usize; 8] = [1, 1, 1, 0, 1, 1, 1, 0];
    for (i, c) in cs.iter().enumerate() {
        let r = c.get("/api/v1/program/proposals?year=2026").await;
        check("api proposals", ROLES[i], r.status, OK, &r.text());
        assert_eq!(
            r.json()["total"].as_u64(),
            Some(want[i] as u64),
            "api proposals as {}",
            ROLES[i]
        );
        let r = c.get("/program/proposals/export?format=csv").await;
        check("proposals export", ROLES[i], r.status, OK, &r.text());
        assert_eq!(count_rows(r.body), want[i], "export as {}", ROLES[i]);
    }
    // Proposing: district officers, in their own regency only.
    let want_create = [
        FORBIDDEN, FORBIDDEN, CREATED, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
    ];
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .post_json(
                "/api/v1/program/proposals",
                serde_json::json!({"year": 2026, "library_id": app.magetan2.to_string(),
                    "requested": "replication"}),
            )
            .await;
        check(
            "api propose magetan2",
            ROLES[i],
            r.status,
            want_create[i],
            &r.text(),
        );
    }
    // Deciding: Perpusnas (a draft cannot be verified yet: 422), nobody else.
    let want_verify = [
        INVALID, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND,
    ];
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .post_json(
                &format!("/api/v1/program/proposals/{pid}/verify"),
                serde_json::json!({}),
            )
            .await;
        check(
            "api verify magetan",
            ROLES[i],
            r.status,
            want_verify[i],
            &r.text(),
        );
    }
    // Changing a draft: the proposing district only.
    let want_update = [
        FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND,
    ];
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .put_json(
                &format!("/api/v1/program/proposals/{pid}"),
                serde_json::json!({"note": "matriks"}),
            )
            .await;
        check(
            "api change proposal magetan",
            ROLES[i],
            r.status,
            want_update[i],
            &r.text(),
        );
    }
});

app_test!(work_plans_by_role, |app| {
    use lentera_core::workplans::PlanKind;
    let cs = clients(app).await;
    let magetan = submitted_plan(app, app.magetan, "3520012001", PlanKind::Advokasi);
    let magetan2 = submitted_plan(app, app.magetan2, "3520012002", PlanKind::Advokasi);
    let sanggau = submitted_plan(app, app.sanggau, "6103042001", PlanKind::Advokasi);
    const NF: u16 = NOT_FOUND;
    let reads: [(&str, String, [u16; 8]); 7] = [
        ("list page", "/workplans".into(), [OK; 8]),
        (
            "plan page magetan",
            format!("/workplans/{magetan}"),
            [OK, OK, OK, NF, OK, OK, OK, NF],
        ),
        (
            "api plan magetan",
            format!("/api/v1/workplans/{magetan}"),
            [OK, OK, OK, NF, OK, OK, OK, NF],
        ),
        (
            "api plan magetan2 (no facilitator)",
            format!("/api/v1/workplans/{magetan2}"),
            [OK, OK, OK, NF, NF, NF, NF, NF],
        ),
        (
            "api plan sanggau",
            format!("/api/v1/workplans/{sanggau}"),
            [OK, NF, NF, OK, NF, NF, NF, OK],
        ),
        (
            "edit page magetan (submitted: back to the plan)",
            format!("/workplans/{magetan}/edit"),
            [FORBIDDEN, FORBIDDEN, FORBIDDEN, NF, FORBIDDEN, 303, 303, NF],
        ),
        (
            "new plan page",
            "/workplans/new".into(),
            [
                FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK,
            ],
        ),
    ];
    for (what, path, want) in reads {
        for (i, c) in cs.iter().enumerate() {
            let r = c.get(&path).await;
            check(what, ROLES[i], r.status, want[i], &r.text());
        }
    }
    // Lists and exports: how many of the three plans each role sees.
    let want: [usize; 8] = [3, 2, 2, 1, 1, 1, 1, 1];
    let layout = lentera_tabular::Layout::new().required("plan_kind", &["plan_kind"]);
    for (i, c) in cs.iter().enumerate() {
        let r = c.get("/api/v1/workplans").await;
        check("api list", ROLES[i], r.status, OK, &r.text());
        assert_eq!(
            r.json()["total"].as_u64(),
            Some(want[i] as u64),
            "api list as {}",
            ROLES[i]
        );
        for url in [
            "/workplans/export?format=csv",
            "/api/v1/workplans/export?format=xlsx",
        ] {
            let r = c.get(url).await;
            check(url, ROLES[i], r.status, OK, "");
            let n = lentera_tabular::TableReader::from_bytes(
                r.body.clone(),
                &layout,
                &Default::default(),
            )
            .map(|t| t.filter(Result::is_ok).count())
            .unwrap_or(usize::MAX);
            assert_eq!(n, want[i], "{url} rows as {}", ROLES[i]);
        }
    }
    // Reviewing, with a body that fails validation after the permission
    // check (no decision): allowed reviewers get 422, others 403, outside
    // reach 404. Nothing changes.
    let review_rows: [(&str, &String, [u16; 8]); 3] = [
        (
            "review magetan",
            &magetan,
            [
                FORBIDDEN, FORBIDDEN, INVALID, NF, INVALID, FORBIDDEN, FORBIDDEN, NF,
            ],
        ),
        (
            "review magetan2",
            &magetan2,
            [FORBIDDEN, FORBIDDEN, INVALID, NF, NF, NF, NF, NF],
        ),
        (
            "review sanggau",
            &sanggau,
            [FORBIDDEN, NF, NF, INVALID, NF, NF, NF, FORBIDDEN],
        ),
    ];
    for (what, id, want) in review_rows {
        for (i, c) in cs.iter().enumerate() {
            let r = c
                .post_json(
                    &format!("/api/v1/workplans/{id}/review"),
                    serde_json::json!({"version": 2}),
                )
                .await;
            check(what, ROLES[i], r.status, want[i], &r.text());
            let r = c
                .post_form(&format!("/workplans/{id}/review"), &[("version", "2")])
                .await;
            check(
                &format!("{what} (page)"),
                ROLES[i],
                r.status,
                want[i],
                &r.text(),
            );
        }
    }
    // Editing, with no version (422 after the permission check).
    let want_put = [
        FORBIDDEN, FORBIDDEN, FORBIDDEN, NF, FORBIDDEN, INVALID, INVALID, NF,
    ];
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .put_json(
                &format!("/api/v1/workplans/{magetan}"),
                serde_json::json!({"goals": "x"}),
            )
            .await;
        check(
            "api put magetan",
            ROLES[i],
            r.status,
            want_put[i],
            &r.text(),
        );
        let r = c
            .post_json(
                &format!("/api/v1/workplans/{magetan}/submit"),
                serde_json::json!({}),
            )
            .await;
        check(
            "api submit magetan",
            ROLES[i],
            r.status,
            want_put[i],
            &r.text(),
        );
    }
    // Starting a plan: only a library's own team (422 here: no kind).
    let want_create = [
        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, INVALID, INVALID, INVALID,
    ];
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .post_json("/api/v1/workplans", serde_json::json!({}))
            .await;
        check("api create", ROLES[i], r.status, want_create[i], &r.text());
    }
    // The default due day: national administrators only.
    let want_settings = [
        303, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
    ];
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .post_form("/workplans/settings", &[("default_due", "06-30")])
            .await;
        check("settings", ROLES[i], r.status, want_settings[i], &r.text());
    }
});

app_test!(aid_by_role, |app| {
    use lentera_core::aid::{PackageDraft, PackageForm};
    let sys = lentera_core::audit::ActorRef::system("test");
    // One package per year, so every role's allocation below is new.
    let (pkg, allocs, years) = {
        let mut c = app.state.db.conn().unwrap();
        let mut years = Vec::new();
        for y in 2019..=2026 {
            let f = PackageForm::standard(y, false);
            let d = PackageDraft::parse(&f, 2026).unwrap();
            years.push(lentera_store::aid::create_package(&mut c, &sys, &d, None).unwrap());
        }
        let pkg = years[5].clone(); // 2024
        let mut allocs = Vec::new();
        for lib in [app.magetan, app.magetan2, app.sanggau] {
            allocs.push(
                lentera_store::aid::create_allocation(&mut c, &sys, lib, &pkg.id, None)
                    .unwrap()
                    .id,
            );
        }
        (pkg, allocs, years)
    };
    let cs = clients(app).await;
    let (m, m2, s) = (&allocs[0], &allocs[1], &allocs[2]);
    let rows: Vec<(&str, String, [u16; 8])> = vec![
        ("aid list page", "/aid".into(), [OK; 8]),
        ("aid packages page", "/aid/packages".into(), [OK; 8]),
        (
            "aid package page",
            format!("/aid/packages/{}", pkg.id),
            [OK; 8],
        ),
        ("aid api packages", "/api/v1/aid/packages".into(), [OK; 8]),
        ("aid api summary", "/api/v1/aid/summary".into(), [OK; 8]),
        (
            "aid new package page",
            "/aid/packages/new".into(),
            [
                OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
            ],
        ),
        (
            "aid edit package page",
            format!("/aid/packages/{}/edit", pkg.id),
            [
                OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
            ],
        ),
        (
            "aid new allocation page",
            "/aid/allocations/new".into(),
            [OK, OK, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
        ),
        (
            "aid bulk allocation page",
            "/aid/allocations/bulk".into(),
            [OK, OK, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
        ),
        (
            "aid bulk shipment page",
            "/aid/shipments/bulk".into(),
            [OK, OK, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
        ),
        (
            "aid allocation magetan page",
            format!("/aid/allocations/{m}"),
            [OK, OK, OK, NOT_FOUND, OK, OK, OK, NOT_FOUND],
        ),
        (
            "aid allocation magetan2 api",
            format!("/api/v1/aid/allocations/{m2}"),
            [
                OK, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
            ],
        ),
        (
            "aid allocation sanggau api",
            format!("/api/v1/aid/allocations/{s}"),
            [
                OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,
            ],
        ),
        (
            "aid receipt form magetan",
            format!("/aid/allocations/{m}/receipt"),
            [
                FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN, OK, OK, NOT_FOUND,
            ],
        ),
        ("aid export", "/aid/export?format=csv".into(), [OK; 8]),
    ];
    for (what, path, want) in rows {
        for (i, c) in cs.iter().enumerate() {
            let r = c.get(&path).await;
            check(what, ROLES[i], r.status, want[i], &r.text());
        }
    }
    // What each role sees: its reach.
    let seen = [3, 2, 2, 1, 1, 1, 1, 1];
    for (i, c) in cs.iter().enumerate() {
        let r = c.get("/api/v1/aid/allocations").await;
        check("aid api allocations", ROLES[i], r.status, OK, &r.text());
        assert_eq!(
            r.json()["total"],
            seen[i],
            "allocations seen by {}",
            ROLES[i]
        );
        let r = c.get("/aid/export?format=csv").await;
        assert_eq!(
            r.text().lines().count(),
            seen[i] + 1,
            "export rows for {}",
            ROLES[i]
        );
    }
    // Creating packages: national only.
    for (i, c) in cs.iter().enumerate() {
        let body = serde_json::json!({"year": 2024, "name": format!("Paket {i}"),
            "components": [{"kind": "books", "label": "Buku", "quantity": 10}]});
        let r = c.post_json("/api/v1/aid/packages", body).await;
        let want = if i == 0 { CREATED } else { FORBIDDEN };
        check(
            "aid api create package",
            ROLES[i],
            r.status,
            want,
            &r.text(),
        );
    }
    // Allocating magetan2: officers in reach; Sanggau's officer cannot
    // name a library outside reach (a field error, not a leak).
    let want = [
        CREATED, CREATED, CREATED, INVALID, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
    ];
    for (i, c) in cs.iter().enumerate() {
        let body = serde_json::json!({"library": app.magetan2.to_string(), "package": years[i].id});
        let r = c.post_json("/api/v1/aid/allocations", body).await;
        check(
            "aid api allocate magetan2",
            ROLES[i],
            r.status,
            want[i],
            &r.text(),
        );
    }
    // Recording a shipment of the Magetan allocation.
    let comp = &pkg.components[1].id;
    let want = [
        OK, OK, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND,
    ];
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .put_json(
                &format!("/api/v1/aid/allocations/{m}/shipments/{comp}"),
                serde_json::json!({"planned_date": "2024-07-01"}),
            )
            .await;
        check(
            "aid api shipment magetan",
            ROLES[i],
            r.status,
            want[i],
            &r.text(),
        );
    }
    // Bringing books in: only the library's people (before receipt: 422).
    let want = [
        FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN, INVALID, INVALID, NOT_FOUND,
    ];
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .post_json(
                &format!("/api/v1/aid/allocations/{m}/books"),
                serde_json::json!({}),
            )
            .await;
        check(
            "aid api books magetan",
            ROLES[i],
            r.status,
            want[i],
            &r.text(),
        );
    }
});

// Program events (events.rs): organisers (officers over the event's region)
// manage; a district officer below a province's event reads it and their
// libraries' people; a library sees an event its team is in, only its own
// people; everyone else 404. Roll calls and summaries: organisers only (403).
app_test!(events_by_role, |app| {
    use lentera_core::audit::ActorRef;
    use lentera_core::events::{EventDraft, EventForm, Mode, ParticipantDraft, ParticipantForm};
    use lentera_store::events as store;
    let by = ActorRef::system("test");
    let mut c = app.state.db.conn().unwrap();
    let mk = |c: &mut lentera_store::Conn, title: &str, region: &str| {
        let f = EventForm {
            kind: "bimtek".into(),
            title: title.into(),
            region_code: region.into(),
            starts_on: "2024-07-03".into(),
            ends_on: "2024-07-04".into(),
            mode: "in_person".into(),
            ..Default::default()
        };
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        store::create(
            c,
            &by,
            &EventDraft::parse(&f, &app.state.regions, today).unwrap(),
        )
        .unwrap()
    };
    let person = |lib: lentera_core::ids::LibraryId, name: &str| {
        ParticipantDraft::parse(
            &ParticipantForm {
                library_id: lib.to_string(),
                full_name: name.into(),
                team_role: "pengelola".into(),
                gender: "P".into(),
                phone: "0812 9999 0000".into(),
                ..Default::default()
            },
            Mode::InPerson,
        )
        .unwrap()
    };
    let jatim = mk(&mut c, "Bimtek Jawa Timur Matriks", "35");
    let sanggau = mk(&mut c, "Bimtek Sanggau Matriks", "6103");
    let v_m = lentera_core::regions::RegionCode::parse("3520012001").unwrap();
    let v_s = lentera_core::regions::RegionCode::parse("6103042001").unwrap();
    let p = store::register(
        &mut c,
        &by,
        &jatim,
        &person(app.magetan, "Sri Matriks"),
        Some(&v_m),
    )
    .unwrap();
    store::register(
        &mut c,
        &by,
        &sanggau,
        &person(app.sanggau, "Antonius Matriks"),
        Some(&v_s),
    )
    .unwrap();
    let s = lentera_core::events::SessionDraft::parse(
        &lentera_core::events::SessionForm {
            topic: "konsep_tpbis".into(),
            date: "2024-07-03".into(),
            ..Default::default()
        },
        Mode::InPerson,
        jatim.details.starts_on,
        jatim.details.ends_on,
    )
    .unwrap();
    let session = store::add_session(&mut c, &by, &jatim, &s).unwrap();
    store::record_attendance(&mut c, &by, &jatim, &session, std::slice::from_ref(&p.id)).unwrap();
    drop(c);
    let cs = clients(app).await;
    let (j, sg) = (jatim.id.clone(), sanggau.id.clone());
    let read_j = [OK, OK, OK, NOT_FOUND, OK, OK, OK, NOT_FOUND];
    let manage_j = [
        OK, OK, FORBIDDEN, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND,
    ];
    let read_s = [
        OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,
    ];
    let officers = [OK, OK, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN];
    let rows: Vec<(&str, String, [u16; 8])> = vec![
        ("events page", "/events".into(), [OK; 8]),
        ("api events", "/api/v1/events".into(), [OK; 8]),
        ("new event page", "/events/new".into(), officers),
        ("event page jatim", format!("/events/{j}"), read_j),
        ("api event jatim", format!("/api/v1/events/{j}"), read_j),
        (
            "participants page jatim",
            format!("/events/{j}/participants"),
            read_j,
        ),
        (
            "api participants jatim",
            format!("/api/v1/events/{j}/participants"),
            read_j,
        ),
        ("edit page jatim", format!("/events/{j}/edit"), manage_j),
        (
            "summary page jatim",
            format!("/events/{j}/summary"),
            manage_j,
        ),
        (
            "api summary jatim",
            format!("/api/v1/events/{j}/summary"),
            manage_j,
        ),
        (
            "roll call page jatim",
            format!("/events/{j}/sessions/{}/attendance", session.id),
            manage_j,
        ),
        (
            "api roll call jatim",
            format!("/api/v1/events/{j}/sessions/{}/attendance", session.id),
            manage_j,
        ),
        ("scores page jatim", format!("/events/{j}/scores"), manage_j),
        ("survey page jatim", format!("/events/{j}/survey"), manage_j),
        (
            "api survey jatim",
            format!("/api/v1/events/{j}/survey"),
            manage_j,
        ),
        (
            "certificates page jatim",
            format!("/events/{j}/certificates"),
            manage_j,
        ),
        ("event page sanggau", format!("/events/{sg}"), read_s),
        ("api event sanggau", format!("/api/v1/events/{sg}"), read_s),
        (
            "api participants sanggau",
            format!("/api/v1/events/{sg}/participants"),
            read_s,
        ),
    ];
    for (what, path, want) in &rows {
        for (i, c) in cs.iter().enumerate() {
            let r = c.get(path).await;
            check(what, ROLES[i], r.status, want[i], &r.text());
        }
    }
    // How many events each role lists, and whose people it sees.
    let want_events: [u64; 8] = [2, 1, 1, 1, 1, 1, 1, 1];
    for (i, c) in cs.iter().enumerate() {
        let r = c.get("/api/v1/events").await;
        assert_eq!(r.json()["total"], want_events[i], "events as {}", ROLES[i]);
    }
    // The Jawa Timur roll call, saved by role: organisers only.
    let want = [
        OK, OK, FORBIDDEN, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND,
    ];
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .put_json(
                &format!("/api/v1/events/{j}/sessions/{}/attendance", session.id),
                serde_json::json!({"all": true}),
            )
            .await;
        check(
            "api save roll call jatim",
            ROLES[i],
            r.status,
            want[i],
            &r.text(),
        );
    }
    // Certificates: issuing is the organisers'; the PDF goes to whoever
    // sees the participant; verification is public.
    let want = [
        OK, OK, FORBIDDEN, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND,
    ];
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .post_json(
                &format!("/api/v1/events/{j}/certificates"),
                serde_json::json!({}),
            )
            .await;
        check("api issue jatim", ROLES[i], r.status, want[i], &r.text());
    }
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .get(&format!(
                "/events/{j}/participants/{}/certificate.pdf",
                p.id
            ))
            .await;
        check("certificate pdf jatim", ROLES[i], r.status, read_j[i], "");
        let r = c.get(&format!("/events/{j}/certificates.pdf")).await;
        check(
            "all certificates pdf jatim",
            ROLES[i],
            r.status,
            manage_j[i],
            "",
        );
    }
    let code = cs[0]
        .get(&format!("/api/v1/events/{j}/participants"))
        .await
        .json()["items"][0]["certificate_code"]
        .as_str()
        .unwrap()
        .to_string();
    let anon = app.anon();
    assert_eq!(
        anon.get(&format!("/verify/{code}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        anon.get(&format!("/api/v1/certificates/{code}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        anon.get(&format!("/events/{j}")).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        anon.get(&format!("/api/v1/events/{j}")).await.status,
        StatusCode::UNAUTHORIZED
    );
});

app_test!(monitoring_dashboards_by_role, |app| {
    let cs = clients(app).await;
    let (m, m2, s) = (app.magetan, app.magetan2, app.sanggau);
    let all = [OK; 8];
    let jatim = [
        OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
    ];
    let magetan = [
        OK, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
    ];
    let sanggau = [
        OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
    ];
    let lib_m = [OK, OK, OK, NOT_FOUND, OK, OK, OK, NOT_FOUND];
    let lib_s = [
        OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,
    ];
    // Each scope: the user's own (no parameter), regions, libraries.
    let scopes: [(&str, String, [u16; 8]); 7] = [
        ("own reach", String::new(), all),
        ("province 35", "region=35".into(), jatim),
        ("regency 3520", "region=3520".into(), magetan),
        ("regency 6103", "region=6103".into(), sanggau),
        ("library magetan", format!("library={m}"), lib_m),
        ("library magetan2", format!("library={m2}"), magetan),
        ("library sanggau", format!("library={s}"), lib_s),
    ];
    for (what, q, want) in &scopes {
        for (base, kind) in [
            ("/monitoring", "page"),
            ("/api/v1/monitoring/dashboard", "api dashboard"),
            ("/api/v1/monitoring/children", "api children"),
            ("/api/v1/monitoring/scorecard", "api scorecard"),
        ] {
            let path = format!("{base}?{q}");
            for (i, c) in cs.iter().enumerate() {
                let r = c.get(&path).await;
                check(
                    &format!("{kind} {what}"),
                    ROLES[i],
                    r.status,
                    want[i],
                    &r.text(),
                );
            }
        }
    }
    // The literacy index: a region's (a library scope has none).
    let regions_only = |w: [u16; 8], own: bool| {
        let mut w = w;
        if own {
            for x in w.iter_mut().skip(4) {
                *x = NOT_FOUND;
            }
        }
        w
    };
    for (what, q, want, own) in [
        ("own reach", String::new(), all, true),
        ("province 35", "region=35".to_string(), jatim, false),
        ("regency 6103", "region=6103".to_string(), sanggau, false),
        (
            "library magetan",
            format!("library={m}"),
            [NOT_FOUND; 8],
            false,
        ),
    ] {
        let want = regions_only(want, own);
        for (i, c) in cs.iter().enumerate() {
            let r = c.get(&format!("/monitoring/iplm?{q}")).await;
            check(
                &format!("iplm page {what}"),
                ROLES[i],
                r.status,
                want[i],
                &r.text(),
            );
        }
    }
    // Exports: every format, in and out of reach.
    for (what, q, want) in [&scopes[0], &scopes[2], &scopes[4], &scopes[6]] {
        for fmt in [
            "format=xlsx",
            "format=csv&table=summary",
            "format=pdf",
            "format=datavalues",
        ] {
            for base in ["/monitoring/export", "/api/v1/monitoring/export"] {
                let path = format!("{base}?{q}&{fmt}");
                for (i, c) in cs.iter().enumerate() {
                    let r = c.get(&path).await;
                    check(
                        &format!("export {what} {fmt}"),
                        ROLES[i],
                        r.status,
                        want[i],
                        "",
                    );
                }
            }
        }
    }
    // The breakdown of each role's own dashboard: provinces for the nation,
    // regencies for a province, libraries below; none for a library.
    let want_rows: [usize; 8] = [2, 1, 2, 1, 1, 0, 0, 0];
    for (i, c) in cs.iter().enumerate() {
        let r = c.get("/api/v1/monitoring/children").await;
        assert_eq!(
            r.json()["items"].as_array().map(Vec::len),
            Some(want_rows[i]),
            "children as {}",
            ROLES[i]
        );
        // The same rows in the exported table (plus the whole-scope line).
        let r = c.get("/monitoring/export?format=csv&table=children").await;
        if want_rows[i] == 0 {
            check(
                "children export of a library",
                ROLES[i],
                r.status,
                NOT_FOUND,
                "",
            );
        } else {
            check("children export", ROLES[i], r.status, OK, "");
            assert_eq!(
                count_rows(r.body.clone()),
                want_rows[i] + 1,
                "children export rows as {}",
                ROLES[i]
            );
        }
    }
});

// Activity reports and advocacy outcomes: read within reach (the library's
// own people, its facilitator, the officers over it), written only by the
// library's own manager and staff, deleted only by its manager; photos and
// documents follow their record's reach.
app_test!(activity_reports_and_advocacy_by_role, |app| {
    const NO_CONTENT: u16 = 204;
    let photo: &[u8] = include_bytes!("fixtures/kegiatan.jpg");
    let cs = clients(app).await;
    let report = |title: &str| {
        serde_json::json!({"held_on": "2026-01-15", "strategy": "pelibatan_masyarakat",
            "activity_type": "pelatihan_keterampilan", "title": title,
            "p_p_dewasa": 9, "p_l_remaja": 3})
    };
    let (pm, ps) = (&cs[5], &cs[7]);
    let created = |r: common::Res| {
        assert_eq!(r.status.as_u16(), CREATED, "{}", r.text());
        r.json()["id"].as_str().unwrap().to_string()
    };
    let m = created(
        pm.post_json("/api/v1/activities", report("Kelas keripik"))
            .await,
    );
    let m_del = created(
        pm.post_json("/api/v1/activities", report("Untuk dihapus"))
            .await,
    );
    let s = created(
        ps.post_json("/api/v1/activities", report("Kelas anyaman"))
            .await,
    );
    let r = pm
        .multipart(
            &format!("/api/v1/activities/{m}/photos"),
            &[],
            &[("photos", "a.jpg", photo)],
        )
        .await;
    assert_eq!(r.status.as_u16(), CREATED, "{}", r.text());
    let m_photo = r.json()["photos"][0]["upload_id"]
        .as_str()
        .unwrap()
        .to_string();
    let mou = serde_json::json!({"advocacy_kind": "mou", "title": "MoU pojok baca",
        "partner": "Puskesmas Plaosan"});
    let a_m = created(pm.post_json("/api/v1/advocacy", mou.clone()).await);
    let a_m_del = created(pm.post_json("/api/v1/advocacy", mou.clone()).await);
    let a_s = created(
        ps.post_json("/api/v1/advocacy",
            serde_json::json!({"advocacy_kind": "apbdes", "budget_year": 2025, "amount": "Rp 12.000.000"}))
            .await,
    );
    let r = pm
        .multipart(
            &format!("/api/v1/advocacy/{a_m}/document"),
            &[],
            &[(
                "advocacy_document",
                "mou.pdf",
                b"%PDF-1.4\n1 0 obj\n%%EOF\n",
            )],
        )
        .await;
    assert_eq!(r.status.as_u16(), OK, "{}", r.text());
    let a_doc = r.json()["document"]["upload_id"]
        .as_str()
        .unwrap()
        .to_string();

    let read_m = [OK, OK, OK, NOT_FOUND, OK, OK, OK, NOT_FOUND];
    let read_s = [
        OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,
    ];
    let write_m = [
        FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN, OK, OK, NOT_FOUND,
    ];
    let own_only = [
        FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK,
    ];
    let rows: [(&str, String, [u16; 8]); 22] = [
        ("activities page", "/activities".into(), [OK; 8]),
        ("activities new", "/activities/new".into(), own_only),
        ("activity page magetan", format!("/activities/{m}"), read_m),
        (
            "activity api magetan",
            format!("/api/v1/activities/{m}"),
            read_m,
        ),
        (
            "activity photo magetan",
            format!("/uploads/{m_photo}"),
            read_m,
        ),
        (
            "activity thumb magetan",
            format!("/uploads/{m_photo}/thumb"),
            read_m,
        ),
        ("activity page sanggau", format!("/activities/{s}"), read_s),
        (
            "activity api sanggau",
            format!("/api/v1/activities/{s}"),
            read_s,
        ),
        (
            "activity edit magetan",
            format!("/activities/{m}/edit"),
            write_m,
        ),
        (
            "activities of magetan",
            format!("/activities?library={}", app.magetan),
            read_m,
        ),
        (
            "activities api of magetan",
            format!("/api/v1/activities?library={}", app.magetan),
            read_m,
        ),
        (
            "activities export of magetan",
            format!(
                "/api/v1/activities/export?format=xlsx&library={}",
                app.magetan
            ),
            read_m,
        ),
        (
            "activities export",
            "/activities/export?format=csv".into(),
            [OK; 8],
        ),
        ("activities api", "/api/v1/activities".into(), [OK; 8]),
        ("advocacy page", "/advocacy".into(), [OK; 8]),
        ("advocacy new", "/advocacy/new".into(), own_only),
        ("advocacy page magetan", format!("/advocacy/{a_m}"), read_m),
        (
            "advocacy api magetan",
            format!("/api/v1/advocacy/{a_m}"),
            read_m,
        ),
        (
            "advocacy document magetan",
            format!("/uploads/{a_doc}"),
            read_m,
        ),
        (
            "advocacy edit magetan",
            format!("/advocacy/{a_m}/edit"),
            write_m,
        ),
        (
            "advocacy api sanggau",
            format!("/api/v1/advocacy/{a_s}"),
            read_s,
        ),
        ("advocacy api", "/api/v1/advocacy".into(), [OK; 8]),
    ];
    for (what, path, want) in rows {
        for (i, c) in cs.iter().enumerate() {
            let r = c.get(&path).await;
            check(what, ROLES[i], r.status, want[i], &r.text());
        }
    }
    // Lists and downloads count only what is in reach.
    let want_reports: [i64; 8] = [3, 2, 2, 1, 2, 2, 2, 1];
    let want_outcomes: [i64; 8] = [3, 2, 2, 1, 2, 2, 2, 1];
    for (i, c) in cs.iter().enumerate() {
        let r = c.get("/api/v1/activities").await;
        assert_eq!(
            r.json()["total"],
            want_reports[i],
            "reports as {}",
            ROLES[i]
        );
        let csv = c.get("/activities/export?format=csv").await.text();
        assert_eq!(
            csv.lines().count() as i64,
            want_reports[i] + 1,
            "export rows as {}",
            ROLES[i]
        );
        let r = c.get("/api/v1/advocacy").await;
        assert_eq!(
            r.json()["total"],
            want_outcomes[i],
            "outcomes as {}",
            ROLES[i]
        );
    }
    // Writing: the library's own manager and staff.
    let create_for_m = [
        FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN, CREATED, CREATED, NOT_FOUND,
    ];
    for (i, c) in cs.iter().enumerate() {
        let mut body = report(&format!("Matriks {i}"));
        body["library"] = serde_json::json!(app.magetan.to_string());
        let r = c.post_json("/api/v1/activities", body).await;
        check(
            "api create report for magetan",
            ROLES[i],
            r.status,
            create_for_m[i],
            &r.text(),
        );
        let r = c
            .put_json(
                &format!("/api/v1/activities/{m}"),
                report(&format!("Ubah {i}")),
            )
            .await;
        check(
            "api put report magetan",
            ROLES[i],
            r.status,
            write_m[i],
            &r.text(),
        );
        let r = c
            .multipart(
                &format!("/api/v1/activities/{m}/photos"),
                &[],
                &[("photos", "b.jpg", photo)],
            )
            .await;
        let want = if write_m[i] == OK {
            CREATED
        } else {
            write_m[i]
        };
        check("api add photo magetan", ROLES[i], r.status, want, &r.text());
        let mut body = mou.clone();
        body["library"] = serde_json::json!(app.magetan.to_string());
        let r = c.post_json("/api/v1/advocacy", body).await;
        check(
            "api create outcome for magetan",
            ROLES[i],
            r.status,
            create_for_m[i],
            &r.text(),
        );
        let r = c
            .put_json(&format!("/api/v1/advocacy/{a_m}"), mou.clone())
            .await;
        check(
            "api put outcome magetan",
            ROLES[i],
            r.status,
            write_m[i],
            &r.text(),
        );
    }
    // Deleting: the manager only (staff asked first, while it still exists).
    let want_delete = [
        FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN, NO_CONTENT, FORBIDDEN, NOT_FOUND,
    ];
    for i in [0, 1, 2, 3, 4, 6, 7, 5] {
        let r = cs[i].delete(&format!("/api/v1/activities/{m_del}")).await;
        check(
            "api delete report magetan",
            ROLES[i],
            r.status,
            want_delete[i],
            &r.text(),
        );
        let r = cs[i].delete(&format!("/api/v1/advocacy/{a_m_del}")).await;
        check(
            "api delete outcome magetan",
            ROLES[i],
            r.status,
            want_delete[i],
            &r.text(),
        );
    }
});

// Monthly reports (monitoring/reports.rs): everyone in reach reads a
// library's report; only its own manager and staff type figures (only the
// manager sends); officers approve at their level only; completeness is
// for officers, within their reach.
app_test!(monthly_reports, |app| {
    use lentera_core::monitoring::reports::last_month;
    let cs = clients(app).await;
    let p = last_month(lentera_core::visits::TimeZone::Wib.local_date(lentera_store::now()));
    let (m, m2, s) = (app.magetan, app.magetan2, app.sanggau);
    // Magetan's and Sanggau's managers send last month's report.
    for (who, lib) in [(5, m), (7, s)] {
        let r = cs[who]
            .post_json(
                &format!("/api/v1/reports/{lib}/{p}/submit"),
                serde_json::json!({"comments": {"nothing_recorded": "Perpustakaan tutup."}}),
            )
            .await;
        check("api submit", ROLES[who], r.status, OK, &r.text());
    }
    let rows: [(&str, String, [u16; 8]); 9] = [
        ("reports page", "/reports".into(), [OK; 8]),
        (
            "report page magetan",
            format!("/reports/{m}/{p}"),
            [OK, OK, OK, NOT_FOUND, OK, OK, OK, NOT_FOUND],
        ),
        (
            "api report magetan2",
            format!("/api/v1/reports/{m2}/{p}"),
            [
                OK, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
            ],
        ),
        (
            "api report sanggau",
            format!("/api/v1/reports/{s}/{p}"),
            [
                OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,
            ],
        ),
        (
            "report export magetan",
            format!("/reports/{m}/{p}/export?format=xlsx"),
            [OK, OK, OK, NOT_FOUND, OK, OK, OK, NOT_FOUND],
        ),
        (
            "report template magetan",
            format!("/reports/{m}/{p}/template.xlsx"),
            [
                FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN, OK, OK, NOT_FOUND,
            ],
        ),
        (
            "figures form magetan2",
            format!("/reports/{m2}/{p}/figures"),
            [
                FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
                NOT_FOUND,
            ],
        ),
        (
            "completeness page",
            "/reports/completeness".into(),
            [OK, OK, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN],
        ),
        (
            "api completeness magetan",
            "/api/v1/reports/completeness?region=3520".into(),
            [
                OK, OK, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
            ],
        ),
    ];
    for (what, path, want) in rows {
        for (i, c) in cs.iter().enumerate() {
            let r = c.get(&path).await;
            check(what, ROLES[i], r.status, want[i], &r.text());
        }
    }
    // Lists count only the reports in reach.
    let want_count = [2, 1, 1, 1, 1, 1, 1, 1];
    for (i, c) in cs.iter().enumerate() {
        let r = c.get("/api/v1/reports").await;
        check("api list", ROLES[i], r.status, OK, &r.text());
        assert_eq!(
            r.json()["total"],
            want_count[i],
            "reports seen by {}",
            ROLES[i]
        );
    }
    // Approval: only the level the report waits for (the district first).
    let want_approve = [
        INVALID, INVALID, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND,
    ];
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .post_json(
                &format!("/api/v1/reports/{m}/{p}/approve"),
                serde_json::json!({}),
            )
            .await;
        check(
            "api approve magetan",
            ROLES[i],
            r.status,
            want_approve[i],
            &r.text(),
        );
    }
    // Typing figures and sending: the library's own people only.
    let before = p.prev();
    let want_figures = [
        FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN, OK, OK, NOT_FOUND,
    ];
    let want_submit = [
        FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN, OK, FORBIDDEN, NOT_FOUND,
    ];
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .put_json(
                &format!("/api/v1/reports/{m}/{before}/figures"),
                serde_json::json!({"figures": {"visits.L.anak": 5, "loans": 4}}),
            )
            .await;
        check(
            "api figures magetan",
            ROLES[i],
            r.status,
            want_figures[i],
            &r.text(),
        );
    }
    for (i, c) in cs.iter().enumerate() {
        let r = c
            .post_json(
                &format!("/api/v1/reports/{m}/{before}/submit"),
                serde_json::json!({}),
            )
            .await;
        check(
            "api submit magetan",
            ROLES[i],
            r.status,
            want_submit[i],
            &r.text(),
        );
    }
});

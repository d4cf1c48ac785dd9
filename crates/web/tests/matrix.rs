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

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

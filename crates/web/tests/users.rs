//! People and their reach: who sees whom, who may add whom where, temporary
//! passwords, resets, deactivation, password changes, profiles and a
//! facilitator's libraries — pages and API, on both backends.

mod common;

use axum::http::StatusCode;
use common::{Client, PASSWORD, Res, TestApp};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Signs in with any password; `Err(status)` when refused.
async fn sign_in<'a>(
    app: &'a TestApp,
    username: &str,
    password: &str,
) -> Result<(Client<'a>, Value), StatusCode> {
    let mut c = app.anon();
    let r = c
        .post_json(
            "/api/v1/auth/login",
            json!({"username": username, "password": password}),
        )
        .await;
    if r.status != StatusCode::OK {
        return Err(r.status);
    }
    c.cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("lentera_session="))
        .map(|v| v.split(';').next().unwrap_or("").to_string());
    let body = r.json();
    c.csrf = body["csrf_token"].as_str().map(str::to_string);
    Ok((c, body["user"].clone()))
}

fn user_id(app: &TestApp, username: &str) -> String {
    let mut c = app.state.db.conn().unwrap();
    lentera_store::users::with_hash(&mut c, username)
        .unwrap()
        .unwrap()
        .0
        .id
        .to_string()
}

fn usernames(r: &Res) -> BTreeSet<String> {
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_string())
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn field_errors(r: &Res) -> Vec<String> {
    r.json()["error"]["fields"]
        .as_array()
        .unwrap_or(&vec![])
        .iter()
        .map(|f| f["field"].as_str().unwrap_or("").to_string())
        .collect()
}

/// The temporary password a page shows once.
fn shown_password(html: &str) -> String {
    let start = html
        .find("id=\"temporary-password\">")
        .expect("password shown")
        + "id=\"temporary-password\">".len();
    let end = html[start..].find('<').unwrap() + start;
    html[start..end].to_string()
}

const ALL: &[&str] = &[
    "admin",
    "dinas.jatim",
    "dinas.magetan",
    "dinas.sanggau",
    "fasilitator",
    "pengelola.magetan",
    "pengelola.sanggau",
    "staf.magetan",
];

app_test!(each_role_lists_exactly_its_reach, |app| {
    let expect: &[(&str, &[&str])] = &[
        ("admin", ALL),
        (
            "dinas.jatim",
            &[
                "dinas.jatim",
                "dinas.magetan",
                "fasilitator",
                "pengelola.magetan",
                "staf.magetan",
            ],
        ),
        (
            "dinas.magetan",
            &[
                "dinas.magetan",
                "fasilitator",
                "pengelola.magetan",
                "staf.magetan",
            ],
        ),
        ("dinas.sanggau", &["dinas.sanggau", "pengelola.sanggau"]),
        ("pengelola.magetan", &["pengelola.magetan", "staf.magetan"]),
        ("pengelola.sanggau", &["pengelola.sanggau"]),
    ];
    for (who, names) in expect {
        let c = app.login(who).await;
        let r = c.get("/api/v1/users?per_page=100").await;
        assert_eq!(r.status, StatusCode::OK, "{who}: {}", r.text());
        assert_eq!(usernames(&r), set(names), "{who}");
        assert_eq!(r.json()["total"], names.len(), "{who}");
        // The page lists the same people, and nobody else.
        let page = c.get("/users").await;
        assert_eq!(page.status, StatusCode::OK, "{who}");
        let t = page.text();
        for u in ALL {
            let link = format!(">{u}</a>");
            assert_eq!(t.contains(&link), names.contains(u), "{who} page, {u}");
        }
        // Out-of-reach people do not exist for them.
        for u in ALL.iter().filter(|u| !names.contains(u)) {
            let id = user_id(app, u);
            let r = c.get(&format!("/api/v1/users/{id}")).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} → {u}");
            let r = c.get(&format!("/users/{id}")).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} → {u} page");
        }
    }
    for who in ["staf.magetan", "fasilitator"] {
        let c = app.login(who).await;
        let r = c.get("/api/v1/users").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(r.json()["error"]["code"], "forbidden");
        assert_eq!(c.get("/users").await.status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(
            c.get("/users/new").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    // Filters: role, case-insensitive text, paging, and a bad role.
    let c = app.login("admin").await;
    let r = c.get("/api/v1/users?role=manager").await;
    assert_eq!(
        usernames(&r),
        set(&["pengelola.magetan", "pengelola.sanggau"])
    );
    let r = c.get("/api/v1/users?q=UJI%20DINAS").await;
    assert_eq!(
        usernames(&r),
        set(&["dinas.jatim", "dinas.magetan", "dinas.sanggau"])
    );
    let r = c.get("/api/v1/users?per_page=3&page=2").await;
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 3);
    assert_eq!(r.json()["page"], 2);
    assert_eq!(r.json()["total"], 8);
    let r = c.get("/api/v1/users?role=raja").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r), vec!["role"]);
    let t = c.get("/users?role=manager&lang=en").await.text();
    assert!(t.contains(">pengelola.sanggau</a>") && !t.contains(">staf.magetan</a>"));
    // No hash ever leaves the server.
    let t = c.get("/api/v1/users?per_page=100").await.text();
    assert!(!t.contains("password_hash") && !t.contains("$argon2"));
});

/// A user body for the API.
fn body(username: &str, role: &str, region: &str, library: &str) -> Value {
    json!({
        "username": username,
        "full_name": format!("Pengguna {username}"),
        "role": role,
        "region_code": region,
        "library_id": library,
    })
}

app_test!(who_may_create_whom_where, |app| {
    let magetan = app.magetan.to_string();
    let magetan2 = app.magetan2.to_string();
    let sanggau = app.sanggau.to_string();
    let dist = app.login("dinas.magetan").await;
    // A district officer cannot create a province officer at all…
    let r = dist
        .post_json("/api/v1/users", body("prov.baru", "province", "35", ""))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    // …nor a district officer for another regency (a field error).
    let r = dist
        .post_json("/api/v1/users", body("dist.lain", "district", "6103", ""))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r), vec!["region_code"]);
    // …nor a manager for a library outside the regency.
    let r = dist
        .post_json("/api/v1/users", body("mgr.lain", "manager", "", &sanggau))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r), vec!["library_id"]);
    // Inside the regency: colleagues, facilitators, managers.
    for (name, role, region, lib) in [
        ("dist.baru", "district", "3520", ""),
        ("fas.baru", "facilitator", "352001", ""),
        ("mgr.baru", "manager", "", magetan2.as_str()),
    ] {
        let r = dist
            .post_json("/api/v1/users", body(name, role, region, lib))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{name}: {}", r.text());
        let j = r.json();
        assert_eq!(j["role"], role);
        assert_eq!(j["must_change_password"], true);
        assert!(j["temporary_password"].as_str().unwrap().len() >= 14);
        assert!(!r.text().contains("password_hash") && !r.text().contains("$argon2"));
        assert!(r.location().unwrap().ends_with(j["id"].as_str().unwrap()));
    }
    // The same username twice is a field error.
    let r = dist
        .post_json("/api/v1/users", body("dist.baru", "district", "3520", ""))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r), vec!["username"]);
    // A province officer: districts of the province yes, other provinces no.
    let prov = app.login("dinas.jatim").await;
    let r = prov
        .post_json("/api/v1/users", body("dist.jatim", "district", "3578", ""))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let r = prov
        .post_json("/api/v1/users", body("prov.kalbar", "province", "61", ""))
        .await;
    assert_eq!(field_errors(&r), vec!["region_code"]);
    let r = prov
        .post_json("/api/v1/users", body("nas.baru", "national", "", ""))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A manager adds staff for their own library only.
    let mgr = app.login("pengelola.magetan").await;
    let r = mgr
        .post_json("/api/v1/users", body("staf.baru", "staff", "", &magetan))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let r = mgr
        .post_json("/api/v1/users", body("staf.lain", "staff", "", &sanggau))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r), vec!["library_id"]);
    let r = mgr
        .post_json("/api/v1/users", body("staf.lain", "staff", "", &magetan2))
        .await;
    assert_eq!(field_errors(&r), vec!["library_id"]);
    let r = mgr
        .post_json("/api/v1/users", body("mgr.dua", "manager", "", &magetan))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Staff and facilitators add nobody.
    for who in ["staf.magetan", "fasilitator"] {
        let c = app.login(who).await;
        let r = c
            .post_json("/api/v1/users", body("siapa.saja", "staff", "", &magetan))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        let r = c
            .post_form("/users", &[("username", "siapa.saja"), ("role", "staff")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} form");
    }
    // The national administrator may add another.
    let admin = app.login("admin").await;
    let r = admin
        .post_json("/api/v1/users", body("nas.dua", "national", "", ""))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    // Lenient bodies: wrong types become field errors that name the field.
    let r = admin
        .post_json(
            "/api/v1/users",
            json!({"username": 12, "full_name": null, "role": "district", "region_code": 35}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let f = field_errors(&r);
    for want in ["username", "full_name", "region_code"] {
        assert!(f.contains(&want.to_string()), "{want} in {f:?}");
    }
    let r = admin
        .post_json(
            "/api/v1/users",
            json!({"username": ["a"], "full_name": "A"}),
        )
        .await;
    assert!(field_errors(&r).contains(&"username".to_string()));
    // Malformed JSON is a 400.
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/users")
        .header("host", "localhost")
        .header("content-type", "application/json")
        .header("cookie", admin.cookie.clone().unwrap())
        .header("x-csrf-token", admin.csrf.clone().unwrap())
        .body(axum::body::Body::from("{\"username\": "))
        .unwrap();
    let r = admin.send(req).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["code"], "bad_request");
    // A typed password is used as given, with no forced change.
    let r = admin
        .post_json(
            "/api/v1/users",
            json!({"username": "dist.ketik", "full_name": "Ketik", "role": "district",
                   "region_code": "6103", "password": "pendek"}),
        )
        .await;
    assert_eq!(field_errors(&r), vec!["password"]);
    let r = admin
        .post_json(
            "/api/v1/users",
            json!({"username": "dist.ketik", "full_name": "Ketik", "role": "district",
                   "region_code": "6103", "password": "kalimat rahasia panjang"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert!(r.json().get("temporary_password").is_none());
    assert_eq!(r.json()["must_change_password"], false);
    let (_, me) = sign_in(app, "dist.ketik", "kalimat rahasia panjang")
        .await
        .unwrap();
    assert_eq!(me["must_change_password"], false);
});

app_test!(the_add_user_form_keeps_typing_and_limits_choices, |app| {
    let dist = app.login("dinas.magetan").await;
    let r = dist.get("/users/new").await;
    assert_eq!(r.status, StatusCode::OK);
    let t = r.text();
    // Only the roles a district officer may manage are offered.
    assert!(t.contains("value=\"district\"") && t.contains("value=\"staff\""));
    assert!(!t.contains("value=\"province\"") && !t.contains("value=\"national\""));
    // Only libraries within reach.
    assert!(t.contains("TBM Pelangi Magetan") && !t.contains("Balai Sebut"));
    assert!(t.contains("value=\"3520\""), "own regency prefilled");
    // Another regency: 422, the summary links to the field, typing is kept.
    let r = dist
        .post_form(
            "/users",
            &[
                ("username", "dist.sanggau2"),
                ("full_name", "Dewi Lestari"),
                ("email", "dewi@contoh.id"),
                ("role", "district"),
                ("region_code", "6103"),
                ("password_mode", "generate"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let t = r.text();
    assert!(t.contains("href=\"#f-region_code\""), "{t}");
    assert!(t.contains("di luar wilayah kewenangan Anda"));
    assert!(t.contains("value=\"dist.sanggau2\"") && t.contains("value=\"Dewi Lestari\""));
    assert!(t.contains("value=\"dewi@contoh.id\"") && t.contains("value=\"6103\""));
    // Typed passwords must match; they are never echoed back.
    let r = dist
        .post_form(
            "/users",
            &[
                ("username", "dist.dua"),
                ("full_name", "Dua"),
                ("role", "district"),
                ("region_code", "3520"),
                ("password_mode", "set"),
                ("password", "kalimat rahasia panjang"),
                ("password_confirm", "kalimat lain sekali"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#f-password_confirm\""));
    assert!(!r.text().contains("kalimat rahasia panjang"));
    // A typed password: straight to the new user's page.
    let r = dist
        .post_form(
            "/users",
            &[
                ("username", "dist.dua"),
                ("full_name", "Dua"),
                ("role", "district"),
                ("region_code", "3520"),
                ("password_mode", "set"),
                ("password", "kalimat rahasia panjang"),
                ("password_confirm", "kalimat rahasia panjang"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let to = r.location().unwrap();
    assert!(to.starts_with("/users/") && to.ends_with("?saved=1"));
    let t = dist.get(&to).await.text();
    assert!(t.contains("dist.dua") && t.contains("Kabupaten Magetan"));
    // A manager's form offers only staff, for their own library.
    let mgr = app.login("pengelola.magetan").await;
    let t = mgr.get("/users/new").await.text();
    assert!(t.contains("value=\"staff\"") && !t.contains("value=\"manager\""));
    assert!(t.contains("Perpustakaan Desa Contoh Magetan") && !t.contains("TBM Pelangi"));
});

app_test!(a_temporary_password_works_once_and_forces_a_change, |app| {
    let dist = app.login("dinas.magetan").await;
    let magetan = app.magetan.to_string();
    let r = dist
        .post_form(
            "/users",
            &[
                ("username", "sari.dewi"),
                ("full_name", "Sari Dewi"),
                ("role", "staff"),
                ("library_id", &magetan),
                ("password_mode", "generate"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let temp = shown_password(&r.text());
    assert!(temp.len() >= 14);
    assert!(!temp.contains(['0', 'O', '1', 'l']));
    // Signing in works, but only to change the password.
    let (c, me) = sign_in(app, "sari.dewi", &temp).await.unwrap();
    assert_eq!(me["must_change_password"], true);
    let r = c.get("/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location().as_deref(), Some("/account/password"));
    let r = c.get("/account").await;
    assert_eq!(r.location().as_deref(), Some("/account/password"));
    let r = c.get("/api/v1/auth/me").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = c
        .get(&format!("/api/v1/users/{}", user_id(app, "sari.dewi")))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "password_change_required");
    assert_eq!(c.get("/account/password").await.status, StatusCode::OK);
    // The change itself, through the API.
    let r = c
        .post_json(
            "/api/v1/account/password",
            json!({"current_password": temp, "password": "buku adalah jendela dunia"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    assert_eq!(c.get("/").await.status, StatusCode::OK);
    // The temporary password is spent; the new one works without conditions.
    assert_eq!(
        sign_in(app, "sari.dewi", &temp).await.err(),
        Some(StatusCode::UNAUTHORIZED)
    );
    let (_, me) = sign_in(app, "sari.dewi", "buku adalah jendela dunia")
        .await
        .unwrap();
    assert_eq!(me["must_change_password"], false);
});

app_test!(resetting_a_password_ends_the_targets_sessions, |app| {
    let staff_id = user_id(app, "staf.magetan");
    let staff = app.login("staf.magetan").await;
    let staff_token = app.token("staf.magetan").await;
    assert_eq!(staff.get("/api/v1/auth/me").await.status, StatusCode::OK);
    let mgr = app.login("pengelola.magetan").await;
    let r = mgr
        .post_json(
            &format!("/api/v1/users/{staff_id}/password-reset"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let temp = r.json()["temporary_password"].as_str().unwrap().to_string();
    assert_eq!(
        staff.get("/api/v1/auth/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        staff_token.get("/api/v1/auth/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(app, "staf.magetan", PASSWORD).await.err(),
        Some(StatusCode::UNAUTHORIZED)
    );
    let (again, me) = sign_in(app, "staf.magetan", &temp).await.unwrap();
    assert_eq!(me["must_change_password"], true);
    // Through the page: the new password is shown once, sessions end again.
    let dist = app.login("dinas.magetan").await;
    let r = dist
        .post_form(&format!("/users/{staff_id}/password-reset"), &[])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let temp2 = shown_password(&r.text());
    assert_ne!(temp, temp2);
    assert_eq!(
        again.get("/api/v1/auth/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    sign_in(app, "staf.magetan", &temp2).await.unwrap();
    // Not your own (use the account page), not outside reach, not staff.
    let own = user_id(app, "dinas.magetan");
    let r = dist
        .post_json(&format!("/api/v1/users/{own}/password-reset"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let sanggau = app.login("dinas.sanggau").await;
    let r = sanggau
        .post_json(
            &format!("/api/v1/users/{staff_id}/password-reset"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A manager sees themselves but does not administer their own rank.
    let mgr_id = user_id(app, "pengelola.magetan");
    let r = mgr
        .post_json(&format!("/api/v1/users/{mgr_id}/deactivate"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
});

app_test!(deactivation_ends_sessions_and_sign_in, |app| {
    let staff_id = user_id(app, "staf.magetan");
    let staff = app.login("staf.magetan").await;
    let dist = app.login("dinas.magetan").await;
    let page = dist.get(&format!("/users/{staff_id}")).await.text();
    assert!(page.contains(&format!("action=\"/users/{staff_id}/deactivate\"")));
    let r = dist
        .post_form(&format!("/users/{staff_id}/deactivate"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        staff.get("/api/v1/auth/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(app, "staf.magetan", PASSWORD).await.err(),
        Some(StatusCode::UNAUTHORIZED)
    );
    let r = dist.get(&format!("/api/v1/users/{staff_id}")).await;
    assert_eq!(r.json()["active"], false);
    let page = dist.get(&format!("/users/{staff_id}")).await.text();
    assert!(page.contains("Nonaktif") && page.contains("/reactivate\""));
    // Reactivated through the API: signing in works again.
    let r = dist
        .post_json(&format!("/api/v1/users/{staff_id}/reactivate"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["active"], true);
    sign_in(app, "staf.magetan", PASSWORD).await.unwrap();
    // Nobody deactivates themselves, by API or form; the page offers no button.
    let own = user_id(app, "dinas.magetan");
    let r = dist
        .post_json(&format!("/api/v1/users/{own}/deactivate"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = dist
        .post_form(&format!("/users/{own}/deactivate"), &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let page = dist.get(&format!("/users/{own}")).await.text();
    assert!(!page.contains("/deactivate\""));
    let admin = app.login("admin").await;
    let admin_id = user_id(app, "admin");
    let r = admin
        .post_json(&format!("/api/v1/users/{admin_id}/deactivate"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.get("/api/v1/auth/me").await.status, StatusCode::OK);
    // Outside reach: 404; without the rank: 403.
    let sanggau = app.login("dinas.sanggau").await;
    let r = sanggau
        .post_json(&format!("/api/v1/users/{staff_id}/deactivate"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let jatim_id = user_id(app, "dinas.jatim");
    let r = dist
        .post_json(&format!("/api/v1/users/{jatim_id}/deactivate"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

app_test!(changing_your_own_password_by_form_and_api, |app| {
    // Form: two sessions; the one that changes stays, the other ends.
    let a = app.login("staf.magetan").await;
    let b = app.login("staf.magetan").await;
    let r = a
        .post_form(
            "/account/password",
            &[
                ("current_password", "bukan kata sandinya"),
                ("password", "kalimat baru yang panjang"),
                ("password_confirm", "kalimat baru yang panjang"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#f-current_password\""));
    let r = a
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", "pendek"),
                ("password_confirm", "pendek"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#f-password\""));
    assert!(r.text().contains("paling sedikit 10 karakter"));
    let r = a
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", "kalimat baru yang panjang"),
                ("password_confirm", "kalimat baru yang panjang"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(a.get("/api/v1/auth/me").await.status, StatusCode::OK);
    assert_eq!(
        b.get("/api/v1/auth/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    // API: the same rules, with field errors.
    let (c, _) = sign_in(app, "staf.magetan", "kalimat baru yang panjang")
        .await
        .unwrap();
    let (d, _) = sign_in(app, "staf.magetan", "kalimat baru yang panjang")
        .await
        .unwrap();
    let r = c
        .post_json(
            "/api/v1/account/password",
            json!({"current_password": "salah", "password": "kalimat ketiga panjang"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r), vec!["current_password"]);
    let r = c
        .post_json(
            "/api/v1/account/password?lang=en",
            json!({"current_password": "kalimat baru yang panjang", "password": "pendek"}),
        )
        .await;
    assert_eq!(field_errors(&r), vec!["password"]);
    assert_eq!(
        r.json()["error"]["fields"][0]["message"],
        "Password must be at least 10 characters."
    );
    let r = c
        .post_json(
            "/api/v1/account/password",
            json!({"current_password": "kalimat baru yang panjang", "password": "staf.magetan"}),
        )
        .await;
    assert_eq!(field_errors(&r), vec!["password"]);
    let r = c
        .post_json(
            "/api/v1/account/password",
            json!({"current_password": "kalimat baru yang panjang", "password": "kalimat ketiga panjang"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(c.get("/api/v1/auth/me").await.status, StatusCode::OK);
    assert_eq!(
        d.get("/api/v1/auth/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        a.get("/api/v1/auth/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    sign_in(app, "staf.magetan", "kalimat ketiga panjang")
        .await
        .unwrap();
    // Signed out: 401; a malformed body: 400.
    let r = app
        .anon()
        .post_json("/api/v1/account/password", json!({}))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = c.post_json("/api/v1/account/password", json!([1])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
});

app_test!(profile_edits_validate_and_keep_typing, |app| {
    let staff_id = user_id(app, "staf.magetan");
    let dist = app.login("dinas.magetan").await;
    let r = dist.get(&format!("/users/{staff_id}/edit")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("value=\"Uji staf.magetan\""));
    let r = dist
        .post_form(
            &format!("/users/{staff_id}"),
            &[
                ("full_name", "Sari Wulandari"),
                ("email", "bukan-surel"),
                ("phone", "0812 3456 7890"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let t = r.text();
    assert!(t.contains("href=\"#f-email\""));
    assert!(t.contains("Surel bukan alamat surel yang sah."));
    assert!(t.contains("value=\"Sari Wulandari\"") && t.contains("value=\"bukan-surel\""));
    assert!(t.contains("value=\"0812 3456 7890\""));
    let r = dist
        .post_form(
            &format!("/users/{staff_id}"),
            &[
                ("full_name", "Sari Wulandari"),
                ("email", "sari@contoh.id"),
                ("phone", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let t = dist.get(&r.location().unwrap()).await.text();
    assert!(
        t.contains("Sari Wulandari") && t.contains("sari@contoh.id") && t.contains("Tersimpan")
    );
    // API: numbers are text, so the message names the field.
    let r = dist
        .put_json(
            &format!("/api/v1/users/{staff_id}"),
            json!({"full_name": "Sari", "email": 123}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r), vec!["email"]);
    let r = dist
        .put_json(
            &format!("/api/v1/users/{staff_id}"),
            json!({"full_name": "Sari W.", "email": null, "phone": 6281234567890_i64}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["full_name"], "Sari W.");
    assert_eq!(r.json()["phone"], "6281234567890");
    assert_eq!(r.json()["email"], Value::Null);
    // Staff cannot edit; a manager cannot edit another manager or officers.
    let staff = app.login("staf.magetan").await;
    let r = staff
        .put_json(
            &format!("/api/v1/users/{staff_id}"),
            json!({"full_name": "X"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mgr = app.login("pengelola.magetan").await;
    let mgr_id = user_id(app, "pengelola.magetan");
    let r = mgr.get(&format!("/users/{mgr_id}/edit")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let dist_id = user_id(app, "dinas.magetan");
    let r = mgr
        .put_json(
            &format!("/api/v1/users/{dist_id}"),
            json!({"full_name": "X"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

fn assigned(r: &Res) -> BTreeSet<String> {
    r.json()["library_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

app_test!(facilitator_assignments_stay_within_reach, |app| {
    let fas = user_id(app, "fasilitator");
    let (m1, m2, sg) = (
        app.magetan.to_string(),
        app.magetan2.to_string(),
        app.sanggau.to_string(),
    );
    let url = format!("/api/v1/users/{fas}/libraries");
    let dist = app.login("dinas.magetan").await;
    // Outside reach: rejected, nothing changes.
    let r = dist.put_json(&url, json!({"library_ids": [m1, sg]})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r), vec!["library_ids"]);
    let r = dist.get(&format!("/api/v1/users/{fas}")).await;
    assert_eq!(assigned(&r), set(&[&m1]));
    // Malformed lists.
    for bad in [
        json!({}),
        json!({"library_ids": "x"}),
        json!({"library_ids": ["x"]}),
        json!({"library_ids": [1]}),
    ] {
        let r = dist.put_json(&url, bad.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(field_errors(&r), vec!["library_ids"], "{bad}");
    }
    // Within reach: replaced.
    let r = dist.put_json(&url, json!({"library_ids": [m1, m2]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(assigned(&r), set(&[&m1, &m2]));
    // Only facilitators have libraries.
    let staff = user_id(app, "staf.magetan");
    let r = dist
        .put_json(
            &format!("/api/v1/users/{staff}/libraries"),
            json!({"library_ids": [m1]}),
        )
        .await;
    assert_eq!(field_errors(&r), vec!["library_ids"]);
    // Others: not visible (404) or not allowed (403).
    let sanggau = app.login("dinas.sanggau").await;
    let r = sanggau.put_json(&url, json!({"library_ids": [sg]})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let mgr = app.login("pengelola.magetan").await;
    let r = mgr.put_json(&url, json!({"library_ids": [m1]})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Assignments made by a wider reach survive a narrower officer's change.
    let admin = app.login("admin").await;
    let r = admin.put_json(&url, json!({"library_ids": [m1, sg]})).await;
    assert_eq!(assigned(&r), set(&[&m1, &sg]));
    let r = dist.put_json(&url, json!({"library_ids": [m2]})).await;
    assert_eq!(assigned(&r), set(&[&m2]), "the officer sees only their own");
    let r = admin.get(&format!("/api/v1/users/{fas}")).await;
    assert_eq!(assigned(&r), set(&[&m2, &sg]));
    // The page: a checkbox list of libraries within reach only.
    let r = dist.get(&format!("/users/{fas}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let t = r.text();
    assert!(t.contains(&format!("id=\"lib-{m1}\"")) && t.contains(&format!("id=\"lib-{m2}\"")));
    assert!(!t.contains(&sg) && !t.contains("Balai Sebut"));
    assert!(t.contains("1 perpustakaan dampingan lain berada di luar jangkauan Anda"));
    // The form changes only what it showed.
    let r = dist
        .post_form(
            &format!("/users/{fas}/libraries"),
            &[
                ("library_ids", &m1),
                ("shown", &m1),
                ("shown", &m2),
                ("shown", &sg),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = admin.get(&format!("/api/v1/users/{fas}")).await;
    assert_eq!(assigned(&r), set(&[&m1, &sg]));
    let r = dist
        .post_form(
            &format!("/users/{fas}/libraries"),
            &[("library_ids", &sg), ("shown", &m1)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#f-library_ids\""));
    // Filtering the list by region narrows the candidates.
    let t = dist
        .get(&format!("/users/{fas}?region=3520012002&q="))
        .await
        .text();
    assert!(
        t.contains(&format!("id=\"lib-{m2}\"")),
        "candidate in the village"
    );
    assert!(
        t.contains(&format!("id=\"lib-{m1}\"")),
        "assigned ones stay listed"
    );
    let t = dist
        .get(&format!("/users/{fas}?region=3520012001"))
        .await
        .text();
    assert!(!t.contains(&format!("id=\"lib-{m2}\"")));
});

app_test!(user_pages_render_in_both_languages_under_budget, |app| {
    let fas = user_id(app, "fasilitator");
    let staff = user_id(app, "staf.magetan");
    for who in ["admin", "dinas.magetan", "pengelola.magetan"] {
        let c = app.login(who).await;
        let mut paths = vec![
            "/users".to_string(),
            "/users/new".to_string(),
            format!("/users/{staff}"),
            format!("/users/{staff}/edit"),
        ];
        if who != "pengelola.magetan" {
            paths.push(format!("/users/{fas}"));
        }
        for path in paths {
            for lang in ["id", "en"] {
                let sep = if path.contains('?') { '&' } else { '?' };
                let r = c.get(&format!("{path}{sep}lang={lang}")).await;
                assert_eq!(r.status, StatusCode::OK, "{who} {path}");
                let t = r.text();
                assert!(t.contains(&format!("<html lang=\"{lang}\"")));
                assert!(t.len() < 100_000, "{path} is {} bytes", t.len());
                assert!(!t.contains("http://") && !t.contains("https://"), "{path}");
                if t.contains("<table") {
                    assert!(t.contains("scope=\"col\""), "{path}");
                }
                // Every input but hidden ones has a label.
                for part in t.split("<input").skip(1) {
                    let tag = &part[..part.find('>').unwrap()];
                    if tag.contains("type=\"hidden\"") {
                        continue;
                    }
                    let id = tag
                        .split("id=\"")
                        .nth(1)
                        .and_then(|s| s.split('"').next())
                        .unwrap_or_else(|| panic!("{path}: input without id: {tag}"));
                    assert!(
                        t.contains(&format!("for=\"{id}\"")),
                        "{path}: no label for {id}"
                    );
                }
            }
        }
    }
});

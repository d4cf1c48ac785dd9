//! Signing in and out, CSRF, throttling and the basic pages, on both backends.

mod common;

use axum::http::StatusCode;
use common::PASSWORD;

app_test!(health_and_regions_answer, |app| {
    let c = app.anon();
    let r = c.get("/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["status"], "ok");
    let r = c.get("/api/v1/regions/search?q=balai%20sebut").await;
    assert_eq!(r.status, StatusCode::OK);
    let items = r.json()["items"].as_array().unwrap().clone();
    assert_eq!(items[0]["code"], "6103042001");
    assert_eq!(
        items[0]["path"],
        "Balai Sebut, Jangkang, Kabupaten Sanggau, Kalimantan Barat"
    );
    let r = c.get("/api/v1/regions/3520/children").await;
    assert!(
        r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["level"] == "district")
    );
    assert_eq!(
        c.get("/api/v1/regions/99").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get("/api/v1/regions/abc").await.json()["error"]["code"],
        "not_found"
    );
});

app_test!(login_sets_a_safe_cookie_and_pages_need_it, |app| {
    // Pages send strangers to the sign-in page, keeping where they were going.
    let r = app.anon().get("/libraries?q=x").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location().as_deref(),
        Some("/login?next=/libraries%3Fq%3Dx")
    );
    // The API answers 401 JSON instead.
    let r = app.anon().get("/api/v1/auth/me").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["error"]["code"], "unauthorized");

    let c = app.anon();
    let r = c
        .post_json(
            "/api/v1/auth/login",
            serde_json::json!({"username": "admin", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let cookie = r
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let me = app.login("dinas.magetan").await;
    let r = me.get("/api/v1/auth/me").await;
    assert_eq!(r.json()["role"], "district");
    let r = me.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("Kabupaten Magetan"), "home shows reach");
});

app_test!(wrong_password_is_refused_with_a_message, |app| {
    let r = app
        .anon()
        .post_json(
            "/api/v1/auth/login",
            serde_json::json!({"username": "admin", "password": "salah sekali"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app
        .anon()
        .post_json(
            "/api/v1/auth/login?lang=en",
            serde_json::json!({"username": "admin"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["code"], "bad_request");
});

app_test!(logins_are_throttled, |app| {
    let c = app.anon();
    for _ in 0..5 {
        let r = c
            .post_json(
                "/api/v1/auth/login",
                serde_json::json!({"username": "admin", "password": "salah salah"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused now, with a wait time.
    let r = c
        .post_json(
            "/api/v1/auth/login",
            serde_json::json!({"username": "admin", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.get("retry-after").is_some());
    assert_eq!(r.json()["error"]["code"], "too_many_attempts");
    // Other accounts are unaffected.
    app.login("dinas.magetan").await;
});

app_test!(state_changes_need_the_csrf_token, |app| {
    let mut c = app.login("dinas.magetan").await;
    // Without the token: refused.
    let token = c.csrf.take();
    let r = c
        .post_json("/api/v1/auth/logout", serde_json::json!({}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error"]["code"], "csrf_failed");
    let r = c.post_form("/logout", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A wrong token: refused.
    c.csrf = Some("0".repeat(64));
    assert_eq!(
        c.post_form("/logout", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    // A foreign Origin: refused even with the token.
    c.csrf = token;
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/logout")
        .header("host", "localhost")
        .header("origin", "https://evil.example")
        .header("cookie", c.cookie.clone().unwrap())
        .header("x-csrf-token", c.csrf.clone().unwrap())
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(c.send(req).await.status, StatusCode::FORBIDDEN);
    // The right token in the form: works.
    let r = c.post_form("/logout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // And the session is gone.
    assert_eq!(
        c.get("/api/v1/auth/me").await.status,
        StatusCode::UNAUTHORIZED
    );
});

app_test!(bearer_tokens_work_without_csrf, |app| {
    let c = app.token("admin").await;
    assert_eq!(c.get("/api/v1/auth/me").await.json()["username"], "admin");
    let r = c
        .post_json("/api/v1/auth/logout", serde_json::json!({}))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        c.get("/api/v1/auth/me").await.status,
        StatusCode::UNAUTHORIZED
    );
});

app_test!(login_form_needs_its_own_cookie, |app| {
    let c = app.anon();
    // A cross-site form post has no pre-session cookie: refused.
    let r = c
        .post_form(
            "/login",
            &[
                ("username", "admin"),
                ("password", PASSWORD),
                ("pre", "abc"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Through the page: works.
    let page = c.get("/login").await;
    let set = page.headers.get("set-cookie").unwrap().to_str().unwrap();
    let pre = set
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("lentera_pre=")
        .to_string();
    let mut c2 = app.anon();
    c2.cookie = Some(format!("lentera_pre={pre}"));
    let r = c2
        .post_form(
            "/login",
            &[
                ("username", "admin"),
                ("password", PASSWORD),
                ("pre", &pre),
                ("next", "/regions"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.location().as_deref(), Some("/regions"));
    // A wrong password re-shows the form with the username kept.
    let r = c2
        .post_form(
            "/login",
            &[
                ("username", "admin"),
                ("password", "salah salah"),
                ("pre", &pre),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text().contains("value=\"admin\""));
    assert!(r.text().contains("Nama pengguna atau kata sandi salah"));
});

app_test!(pages_render_in_both_languages_under_budget, |app| {
    let c = app.login("admin").await;
    for path in [
        "/",
        "/regions",
        "/regions/6103042001",
        "/regions?q=sebut",
        "/account",
        "/api/docs",
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        let t = r.text();
        assert!(t.contains("<html lang=\"id\""), "{path}");
        assert!(t.len() < 100_000, "{path} is {} bytes", t.len());
        assert!(
            !t.contains("http://") && !t.contains("https://"),
            "{path} links outside"
        );
        let r = c
            .get(&format!(
                "{path}{}lang=en",
                if path.contains('?') { '&' } else { '?' }
            ))
            .await;
        assert!(r.text().contains("<html lang=\"en\""), "{path} en");
    }
});

app_test!(oversized_and_malformed_bodies_get_clear_errors, |app| {
    let c = app.token("admin").await;
    let huge = format!(
        "{{\"name\": \"{}\"}}",
        "x".repeat(lentera_web::MAX_UPLOAD_BYTES + 1)
    );
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/libraries")
        .header("host", "localhost")
        .header("content-type", "application/json")
        .header(
            "authorization",
            format!("Bearer {}", c.bearer.clone().unwrap()),
        )
        .body(axum::body::Body::from(huge))
        .unwrap();
    let r = c.send(req).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"]["code"], "payload_too_large");
    let r = c
        .post_json(
            "/api/v1/libraries",
            serde_json::json!(["not", "an", "object"]),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["code"], "bad_request");
});

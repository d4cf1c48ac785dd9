//! The audit trail: every user action is recorded with who did it, and
//! reading the trail is limited to the reader's reach — on both backends.

mod common;

use axum::http::StatusCode;
use common::{PASSWORD, Res, TestApp};
use serde_json::{Value, json};

fn user_id(app: &TestApp, username: &str) -> String {
    let mut c = app.state.db.conn().unwrap();
    lentera_store::users::with_hash(&mut c, username)
        .unwrap()
        .unwrap()
        .0
        .id
        .to_string()
}

fn items(r: &Res) -> Vec<Value> {
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["items"].as_array().unwrap().clone()
}

/// Does a trail hold `action` by `actor` on `entity_id`?
fn has(entries: &[Value], action: &str, actor: &str, entity_id: &str) -> bool {
    entries.iter().any(|e| {
        e["action"] == action && e["actor_username"] == actor && e["entity_id"] == entity_id
    })
}

/// Every kind of user change, made through the API by the people who may.
async fn make_changes(app: &TestApp) -> (String, String) {
    let dist = app.login("dinas.magetan").await;
    let r = dist
        .post_json(
            "/api/v1/users",
            json!({"username": "budi.santoso", "full_name": "Budi Santoso", "role": "staff",
                   "library_id": app.magetan.to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let budi = r.json()["id"].as_str().unwrap().to_string();
    let r = dist
        .put_json(
            &format!("/api/v1/users/{budi}"),
            json!({"full_name": "Budi Santoso", "email": "budi@contoh.id"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = dist
        .post_json(&format!("/api/v1/users/{budi}/password-reset"), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    for step in ["deactivate", "reactivate"] {
        let r = dist
            .post_json(&format!("/api/v1/users/{budi}/{step}"), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{step}");
    }
    let fas = user_id(app, "fasilitator");
    let r = dist
        .put_json(
            &format!("/api/v1/users/{fas}/libraries"),
            json!({"library_ids": [app.magetan.to_string(), app.magetan2.to_string()]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let staff = app.login("staf.magetan").await;
    let r = staff
        .post_json(
            "/api/v1/account/password",
            json!({"current_password": PASSWORD, "password": "kata sandi yang baru"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    (budi, fas)
}

app_test!(every_user_action_is_recorded_with_its_actor, |app| {
    let (budi, fas) = make_changes(app).await;
    let staff = user_id(app, "staf.magetan");
    let admin = app.login("admin").await;
    let all = items(&admin.get("/api/v1/audit?entity=user&per_page=500").await);
    for action in [
        "user.create",
        "user.update",
        "user.password_reset",
        "user.deactivate",
        "user.reactivate",
    ] {
        assert!(has(&all, action, "dinas.magetan", &budi), "{action}");
    }
    assert!(has(&all, "user.assign_libraries", "dinas.magetan", &fas));
    assert!(has(&all, "user.password_change", "staf.magetan", &staff));
    // Newest first, with times in UTC and the record's place.
    assert_eq!(all[0]["action"], "user.password_change");
    assert!(all[0]["at"].as_str().unwrap().ends_with('Z'));
    assert!(all[0]["region_code"].as_str().unwrap().starts_with("3520"));
    assert_eq!(all[0]["library_id"], app.magetan.to_string());
    // Filters: an action with an underscore, one record, and a prefix.
    let r = admin.get("/api/v1/audit?action=user.password_reset").await;
    let found = items(&r);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["entity_id"], budi.as_str());
    let found = items(&admin.get(&format!("/api/v1/audit?entity_id={budi}")).await);
    assert_eq!(found.len(), 5);
    let found = items(&admin.get("/api/v1/audit?action=library.").await);
    assert!(!found.is_empty() && found.iter().all(|e| e["entity"] == "library"));
    // Paging.
    let r = admin.get("/api/v1/audit?per_page=2&page=2").await;
    assert_eq!(items(&r).len(), 2);
    assert_eq!(r.json()["page"], 2);
    assert_eq!(r.json()["per_page"], 2);
    let r = admin.get("/api/v1/audit?per_page=lima").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"][0]["field"], "per_page");
    // Nothing is recorded for refused actions.
    let before = admin.get("/api/v1/audit").await.json()["total"].clone();
    let sanggau = app.login("dinas.sanggau").await;
    sanggau
        .post_json(&format!("/api/v1/users/{budi}/deactivate"), json!({}))
        .await;
    assert_eq!(admin.get("/api/v1/audit").await.json()["total"], before);
});

app_test!(the_trail_is_read_within_reach, |app| {
    make_changes(app).await;
    let magetan = app.magetan.to_string();
    // The Sanggau officer sees Sanggau entries only, by API and page.
    let sanggau = app.login("dinas.sanggau").await;
    let found = items(&sanggau.get("/api/v1/audit?per_page=500").await);
    assert!(
        !found.is_empty(),
        "the Sanggau library and users are visible"
    );
    for e in &found {
        assert!(
            e["region_code"].as_str().unwrap().starts_with("6103"),
            "{e}"
        );
        assert!(!e.to_string().to_lowercase().contains("magetan"), "{e}");
    }
    let page = sanggau.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    let t = page.text().to_lowercase();
    assert!(t.contains("balai sebut"));
    assert!(!t.contains("magetan") && !t.contains("budi"));
    // The province officer sees Magetan, not Sanggau.
    let jatim = app.login("dinas.jatim").await;
    let found = items(&jatim.get("/api/v1/audit?per_page=500").await);
    assert!(
        found
            .iter()
            .any(|e| e["summary"].as_str().unwrap().contains("budi.santoso"))
    );
    assert!(
        found
            .iter()
            .all(|e| e["region_code"].as_str().unwrap().starts_with("35"))
    );
    // A manager sees their own library's entries only.
    let mgr = app.login("pengelola.magetan").await;
    let found = items(&mgr.get("/api/v1/audit?per_page=500").await);
    assert!(found.iter().any(|e| e["action"] == "user.password_reset"));
    assert!(
        found.iter().all(|e| e["library_id"] == magetan.as_str()),
        "{found:?}"
    );
    assert!(!found.iter().any(|e| e["action"] == "user.assign_libraries"));
    let t = mgr.get("/audit").await.text();
    assert!(!t.contains("TBM Pelangi") && !t.contains("Balai Sebut"));
    // National entries are for national administrators.
    let admin = app.login("admin").await;
    let found = items(&admin.get("/api/v1/audit?per_page=500").await);
    assert!(found.iter().any(|e| e["summary"] == "admin (national)"));
    // Staff and facilitators may not read it.
    let mut staff = app.anon();
    let r = staff
        .post_json(
            "/api/v1/auth/login",
            json!({"username": "staf.magetan", "password": "kata sandi yang baru", "token": true}),
        )
        .await;
    staff.bearer = r.json()["token"].as_str().map(str::to_string);
    let fac = app.login("fasilitator").await;
    for (who, c) in [("staf.magetan", &staff), ("fasilitator", &fac)] {
        let r = c.get("/api/v1/audit").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(r.json()["error"]["code"], "forbidden");
        assert_eq!(c.get("/audit").await.status, StatusCode::FORBIDDEN, "{who}");
    }
});

app_test!(the_audit_page_shows_words_and_field_changes, |app| {
    let (budi, fas) = make_changes(app).await;
    let dist = app.login("dinas.magetan").await;
    let r = dist
        .get(&format!("/audit?entity=user&entity_id={budi}"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let t = r.text();
    assert!(t.contains("Waktu (WIB, UTC+7)"));
    for sentence in [
        "Menambahkan pengguna",
        "Mengubah profil pengguna",
        "Mengatur ulang kata sandi pengguna",
        "Menonaktifkan pengguna",
        "Mengaktifkan kembali pengguna",
    ] {
        assert!(t.contains(sentence), "{sentence}");
    }
    // The profile change: field label, before (empty), after.
    assert!(t.contains("<th scope=\"row\">Surel</th>"), "{t}");
    assert!(t.contains("(kosong)") && t.contains("budi@contoh.id"));
    assert!(t.contains(&format!("href=\"/users/{budi}\"")));
    assert!(t.contains("scope=\"col\""));
    assert!(t.len() < 100_000);
    // In English too, and the facilitator's libraries by name.
    let t = dist
        .get(&format!("/audit?entity_id={fas}&lang=en"))
        .await
        .text();
    assert!(
        t.contains("Changed a facilitator&#39;s assigned libraries")
            || t.contains("Changed a facilitator's assigned libraries")
    );
    assert!(t.contains("Assigned libraries") && t.contains("TBM Pelangi Magetan"));
    assert!(t.contains("Time (WIB, UTC+7)"));
    // The full trail page stays under budget and pages onward.
    let r = app.login("admin").await.get("/audit").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().len() < 100_000, "{} bytes", r.text().len());
    let r = dist.get("/audit?page=x").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("href=\"#f-page\""));
});

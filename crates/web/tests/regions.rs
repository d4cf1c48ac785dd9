//! The whole official region tree through the API, on both backends:
//! 38 provinces, 514 regencies, 7,285 districts, 83,762 villages.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use lentera_store::Backend;
use lentera_web::{AppState, Config};
use tower::ServiceExt;

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, serde_json::Value) {
    let res = app
        .clone()
        .oneshot(
            Request::get(uri)
                .header("host", "localhost")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    )
}

async fn full_tree(backend: Backend) {
    let Some(t) = lentera_store::testing::fresh_with(backend, &|_| true) else {
        return;
    };
    let tree = lentera_store::regions::tree(&mut t.db.conn().unwrap()).unwrap();
    let app = lentera_web::router(AppState::new(t.db.clone(), tree, Config::default()));

    let (s, v) = get(&app, "/api/v1/regions/summary").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (
            v["provinces"].as_u64(),
            v["regencies"].as_u64(),
            v["districts"].as_u64(),
            v["villages"].as_u64()
        ),
        (Some(38), Some(514), Some(7_285), Some(83_762))
    );

    // The root's children are the provinces.
    let (_, v) = get(&app, "/api/v1/regions").await;
    assert_eq!(v["items"].as_array().unwrap().len(), 38);
    // Walking one level down from every province reaches all 514 regencies.
    let mut regencies = 0;
    for p in v["items"].as_array().unwrap() {
        let (_, kids) = get(
            &app,
            &format!("/api/v1/regions/{}/children", p["code"].as_str().unwrap()),
        )
        .await;
        regencies += kids["items"].as_array().unwrap().len();
    }
    assert_eq!(regencies, 514);

    // Type-ahead finds Balai Sebut with its whole path, and knows desa from kelurahan.
    let (_, v) = get(&app, "/api/v1/regions/search?q=Balai%20Sebut").await;
    let first = &v["items"][0];
    assert_eq!(first["code"], "6103042001");
    assert_eq!(
        first["path"],
        "Balai Sebut, Jangkang, Kabupaten Sanggau, Kalimantan Barat"
    );
    assert_eq!(first["village_kind"], "desa");
    let (_, v) = get(&app, "/api/v1/regions/35.20.01.1005").await;
    assert_eq!(v["level"], "village");
    assert_eq!(v["village_kind"], "kelurahan");
    let (s, v) = get(&app, "/api/v1/regions/search?q=sebut&level=planet").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["fields"][0]["field"], "level");
}

#[tokio::test]
async fn full_tree_sqlite() {
    full_tree(Backend::Sqlite).await;
}

#[tokio::test]
async fn full_tree_postgres() {
    full_tree(Backend::Postgres).await;
}

//! Cross-cutting endpoints: health, static assets, the OpenAPI document and
//! its readable docs page.

use crate::auth::MaybeUser;
use crate::error::WebError;
use crate::html::{Frame, page};
use crate::i18n::Msg;
use crate::session::L;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use maud::html;

/// A request's JSON body, as the API's handlers take it: a malformed body is
/// 400 `bad_request` and an oversized one 413, never a plain-text rejection.
pub type JsonBody = Result<Json<serde_json::Value>, axum::extract::rejection::JsonRejection>;

/// The body as a JSON object.
pub fn json_object(body: JsonBody) -> Result<serde_json::Map<String, serde_json::Value>, WebError> {
    match body {
        Ok(Json(serde_json::Value::Object(m))) => Ok(m),
        Ok(_) => Err(WebError::BadRequest(
            "the body must be a JSON object".into(),
        )),
        Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
            Err(WebError::TooLarge {
                max_bytes: crate::MAX_UPLOAD_BYTES,
            })
        }
        Err(e) => Err(WebError::BadRequest(e.body_text())),
    }
}

/// A JSON value as the text a form field would carry: strings as they are,
/// numbers and booleans written out, null as empty. Arrays and objects have
/// no form equivalent: `None`, for the caller to report on the field.
/// Scripts may send `3` where the form sends `"3"`, and validation stays the
/// form's, naming fields the same way.
pub fn scalar_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => Some(String::new()),
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Array(_) | serde_json::Value::Object(_) => None,
    }
}

/// The OpenAPI 3.1 document, written by hand next to the handlers it
/// describes; `tests/openapi.rs` checks every documented path is routed.
pub const OPENAPI: &str = include_str!("openapi.json");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/openapi.json", get(openapi))
        .route("/api/docs", get(docs))
        .route("/assets/{name}", get(asset))
}

/// Liveness and readiness: answers 200 once the database answers.
async fn healthz(State(state): State<AppState>) -> Result<Json<serde_json::Value>, WebError> {
    let backend = state.db.backend().name();
    state
        .run(|conn| Ok(lentera_store::conn::ping(conn)?))
        .await?;
    Ok(Json(
        serde_json::json!({ "status": "ok", "database": backend, "version": env!("CARGO_PKG_VERSION") }),
    ))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// Every static file the pages use, compiled into the binary: (name, bytes,
/// content type). Nothing is fetched from another host.
pub const ASSETS: &[(&str, &[u8], &str)] = &[
    (
        "app.css",
        include_bytes!("../assets/app.css"),
        "text/css; charset=utf-8",
    ),
    (
        "app.js",
        include_bytes!("../assets/app.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "icon.svg",
        include_bytes!("../assets/icon.svg"),
        "image/svg+xml",
    ),
    (
        "kiosk.js",
        include_bytes!("../assets/kiosk.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "stocktake.js",
        include_bytes!("../assets/stocktake.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "circulation.js",
        include_bytes!("../assets/circulation.js"),
        "text/javascript; charset=utf-8",
    ),
];

async fn asset(Path(name): Path<String>) -> Result<Response, WebError> {
    let (_, body, ctype) = *ASSETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or(WebError::NotFound)?;
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(ctype).map_err(|e| WebError::Internal(e.to_string()))?,
    );
    // URLs carry the version, so a year of caching is safe and saves slow links.
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(res)
}

/// A readable page generated from the OpenAPI document: no external viewer.
async fn docs(MaybeUser(user): MaybeUser, L(lang): L) -> Result<Response, WebError> {
    let doc: serde_json::Value =
        serde_json::from_str(OPENAPI).map_err(|e| WebError::Internal(e.to_string()))?;
    let frame = Frame {
        lang,
        user: user.as_ref(),
        path: "/api/docs",
    };
    let empty = serde_json::Map::new();
    let paths = doc
        .get("paths")
        .and_then(|p| p.as_object())
        .unwrap_or(&empty);
    let intro = doc
        .pointer("/info/description")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    Ok(page(
        &frame,
        Msg::ApiDocs.get(lang),
        html! {
            p { (intro) }
            p { a href="/api/openapi.json" { "openapi.json" } }
            @for (path, ops) in paths {
                @if let Some(ops) = ops.as_object() {
                    @for (method, op) in ops {
                        @if method != "parameters" {
                            section {
                                h2 { code { (method.to_uppercase()) " " (path) } }
                                @if let Some(s) = op.get("summary").and_then(|v| v.as_str()) { p { strong { (s) } } }
                                @if let Some(d) = op.get("description").and_then(|v| v.as_str()) { p { (d) } }
                                @if let Some(params) = op.get("parameters").and_then(|v| v.as_array()) {
                                    ul {
                                        @for p in params {
                                            li {
                                                code { (p.get("name").and_then(|v| v.as_str()).unwrap_or("")) }
                                                " (" (p.get("in").and_then(|v| v.as_str()).unwrap_or("")) ") "
                                                (p.get("description").and_then(|v| v.as_str()).unwrap_or(""))
                                            }
                                        }
                                    }
                                }
                                @if let Some(r) = op.get("responses").and_then(|v| v.as_object()) {
                                    p { "→ " @for (code, _) in r { code { (code) } " " } }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response())
}

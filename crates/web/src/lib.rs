//! Lentera's HTTP layer: the only crate that knows about HTTP, HTML and JSON.
//!
//! Read in this order: [`state`] (shared state, how handlers reach the
//! database), [`error`] (one error type, rendered per client), [`auth`]
//! (sessions, CSRF, throttling), [`html`] (layout and form components),
//! [`i18n`], then the features — each module serves both its pages and its
//! `/api/v1` endpoints so a feature's HTTP surface is read in one place.

pub mod activities;
pub mod aid;
pub mod api;
pub mod audit;
pub mod auth;
pub mod catalog;
pub mod circulation;
pub mod error;
pub mod events;
pub mod html;
pub mod i18n;
pub mod libraries;
pub mod monitoring;
pub mod notifications;
pub mod program;
pub mod regions;
pub mod session;
pub mod state;
pub mod uploads;
pub mod users;
pub mod visits;
pub mod workplans;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::response::Response;
pub use state::{AppState, Config};

/// Uploads above this are refused before they reach a handler.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(session::routes())
        .merge(regions::routes())
        .merge(libraries::routes())
        .merge(users::routes())
        .merge(audit::routes())
        .merge(catalog::routes())
        .merge(circulation::routes())
        .merge(visits::routes())
        .merge(uploads::routes())
        .merge(notifications::routes())
        .merge(program::routes())
        .merge(aid::routes())
        .merge(events::routes())
        .merge(workplans::routes())
        .merge(activities::routes())
        .merge(monitoring::routes())
        .fallback(|| async { error::WebError::NotFound })
        // Layers run bottom-up on the way in: headers → errors → session → CSRF.
        .layer(middleware::from_fn(auth::csrf_guard))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::load_session,
        ))
        .layer(middleware::from_fn(error::render_errors))
        .layer(middleware::map_response(security_headers))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
        .layer(tower_http::compression::CompressionLayer::new().gzip(true))
        .with_state(state)
}

/// Headers every response carries. The CSP allows only our own assets, which
/// is also what keeps the pages working offline: nothing is fetched elsewhere.
async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: header::HeaderName, v: &'static str| {
        h.entry(k).or_insert(HeaderValue::from_static(v));
    };
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::CACHE_CONTROL, "no-store");
    res
}

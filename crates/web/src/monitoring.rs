//! Monitoring and evaluation: monthly reports, indicators, scorecards, IPLM, dashboards and exports.
//!
//! [`reports`] is the monthly report workflow (`/reports…`). The dashboards
//! (`/monitoring…`) are [`dashboard`] (pages, JSON, downloads) over
//! [`data`] (what a dashboard shows, built from the store) and [`export`]
//! (its tables as CSV, XLSX, PDF and DHIS2-style data values), with the
//! SVG drawing in [`charts`]. `data` and `export` are plain functions over
//! a database connection so `lentera report` builds the same files.

use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;

pub mod charts;
pub mod dashboard;
pub mod data;
pub mod export;
pub mod reports;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(reports::routes())
        .merge(dashboard::routes())
}

/// Labels of this feature's form fields (see `i18n::field_label`).
pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    reports::field_label(field, lang).or_else(|| dashboard::field_label(field, lang))
}

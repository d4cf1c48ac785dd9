//! The catalogue: records, items, import/export and labels; the public
//! catalogue (OPAC) and stock-taking live in submodules.

mod api;
pub mod opac;
mod pages;
pub(crate) mod records;
pub mod stocktake;
pub mod transfer;

use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(record_routes())
        .merge(opac::routes())
        .merge(stocktake::routes())
        .merge(transfer::routes())
}

/// Labels of this feature's form fields, for error sentences.
pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    records::field_label(field, lang)
        .or_else(|| stocktake::field_label(field, lang))
        .or_else(|| opac::field_label(field, lang))
        .or_else(|| transfer::field_label(field, lang))
}

/// Records and items: pages under `/catalog`, JSON under
/// `/api/v1/catalog/records` and `/api/v1/catalog/items`.
fn record_routes() -> Router<AppState> {
    Router::new()
        .route("/catalog", get(pages::list).post(pages::create))
        .route("/catalog/new", get(pages::new_form))
        .route(
            "/catalog/labels",
            get(pages::labels_form).post(pages::labels_pdf),
        )
        .route("/catalog/{id}", get(pages::show).post(pages::update))
        .route("/catalog/{id}/edit", get(pages::edit_form))
        .route("/catalog/{id}/delete", post(pages::delete))
        .route("/catalog/{id}/items", post(pages::add_items))
        .route(
            "/catalog/items/{id}",
            get(pages::item_edit_form).post(pages::item_update),
        )
        .route("/catalog/items/{id}/edit", get(pages::item_edit_form))
        .route("/catalog/items/{id}/status", post(pages::item_status))
        .route("/api/v1/catalog/records", get(api::list).post(api::create))
        .route(
            "/api/v1/catalog/records/{id}",
            get(api::get_one).put(api::update).delete(api::delete),
        )
        .route(
            "/api/v1/catalog/records/{id}/items",
            get(api::list_items).post(api::add_items),
        )
        .route(
            "/api/v1/catalog/items/{id}",
            get(api::get_item).put(api::update_item),
        )
        .route(
            "/api/v1/catalog/items/by-barcode/{barcode}",
            get(api::by_barcode),
        )
}

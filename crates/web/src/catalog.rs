//! The catalogue: records, items, import/export and labels; the public
//! catalogue (OPAC) and stock-taking live in submodules.

pub mod opac;
pub mod stocktake;

use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(opac::routes())
        .merge(stocktake::routes())
}

/// Labels of this feature's form fields, for error sentences.
pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    stocktake::field_label(field, lang).or_else(|| opac::field_label(field, lang))
}

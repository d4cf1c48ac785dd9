//! Members, the scan box, loans, holds and loan rules.
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}

pub fn field_label(_field: &str, _lang: Lang) -> Option<&'static str> {
    None
}

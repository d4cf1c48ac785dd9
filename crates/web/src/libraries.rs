//! The library registry: pages and `/api/v1/libraries`.

use crate::state::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}

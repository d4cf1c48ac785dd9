//! Users: administration pages and `/api/v1/users`, `/api/v1/account`.

use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use lentera_core::users::Role;

pub fn routes() -> Router<AppState> {
    Router::new()
}

pub fn role_label(role: Role, lang: Lang) -> &'static str {
    match (role, lang) {
        (Role::National, Lang::Id) => "Admin nasional (Perpusnas)",
        (Role::National, Lang::En) => "National administrator (Perpusnas)",
        (Role::Province, Lang::Id) => "Petugas dinas perpustakaan provinsi",
        (Role::Province, Lang::En) => "Province library officer",
        (Role::District, Lang::Id) => "Petugas dinas perpustakaan kabupaten/kota",
        (Role::District, Lang::En) => "District library officer",
        (Role::Facilitator, Lang::Id) => "Fasilitator/konsultan",
        (Role::Facilitator, Lang::En) => "Facilitator/consultant",
        (Role::Manager, Lang::Id) => "Pengelola perpustakaan",
        (Role::Manager, Lang::En) => "Library manager",
        (Role::Staff, Lang::Id) => "Staf/relawan perpustakaan",
        (Role::Staff, Lang::En) => "Library staff/volunteer",
    }
}

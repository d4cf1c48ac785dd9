//! The guest book: the kiosk at the door and the visit counts.
//!
//! [`kiosk`] is the tablet page visitors use themselves; [`pages`] the
//! library's counts, downloads, recent visits and the staff's manual entry;
//! [`api`] the same as JSON. Who may do what:
//!
//! - recording visits (kiosk, manual entry, `POST /api/v1/visits`): only the
//!   library's own manager and staff ([`Actor::may_work_in`]);
//! - counts: anyone whose reach includes the library (officers, assigned
//!   facilitators), or a whole reach summed;
//! - names of visitors: only the library's staff ([`Actor::may_see_patrons`]).

mod api;
mod kiosk;
mod pages;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use chrono::NaiveDate;
use lentera_core::audit::ActorRef;
use lentera_core::ids::LibraryId;
use lentera_core::libraries::Library;
use lentera_core::users::{Actor, Place};
use lentera_core::visits::{
    AgeGroup, Counts, Gender, Purpose, Tally, TimeZone, VisitForm, age_index,
};
use lentera_store::libraries as store_libraries;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kiosk", get(kiosk::start).post(kiosk::submit))
        .route("/visits", get(pages::show).post(pages::create))
        .route("/visits/export", get(pages::export))
        .route("/visits/{id}/delete", post(pages::delete))
        .route("/api/v1/visits", get(api::recent).post(api::create))
        .route("/api/v1/visits/counts", get(api::counts))
}

/// Labels of this feature's fields, for forms and error sentences.
pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    let (id, en) = match field {
        "visitor" => (
            "Nomor kartu anggota atau nama Anda",
            "Member card number or your name",
        ),
        "member_no" => ("Nomor kartu anggota", "Member card number"),
        "visitor_name" => ("Nama pengunjung", "Visitor's name"),
        "gender" => ("Jenis kelamin", "Gender"),
        "age_group" => ("Kelompok umur", "Age group"),
        "purpose" => ("Keperluan kunjungan", "Purpose of the visit"),
        "mode" => ("Jenis kunjungan", "Kind of visit"),
        "group_name" => ("Nama rombongan", "Group name"),
        "males" => ("Jumlah laki-laki", "Number of males"),
        "females" => ("Jumlah perempuan", "Number of females"),
        "visit_date" => ("Tanggal kunjungan", "Date of the visit"),
        "from" => ("Dari tanggal", "From"),
        "to" => ("Sampai tanggal", "To"),
        "by" => ("Dikelompokkan per", "Grouped by"),
        "library" => ("Perpustakaan", "Library"),
        _ => return None,
    };
    Some(match lang {
        Lang::Id => id,
        Lang::En => en,
    })
}

pub(crate) fn gender_label(g: Gender, lang: Lang) -> &'static str {
    match (g, lang) {
        (Gender::L, Lang::Id) => "Laki-laki",
        (Gender::L, Lang::En) => "Male",
        (Gender::P, Lang::Id) => "Perempuan",
        (Gender::P, Lang::En) => "Female",
    }
}

pub(crate) fn age_label(a: AgeGroup, lang: Lang) -> &'static str {
    match (a, lang) {
        (AgeGroup::Anak, Lang::Id) => "Anak-anak",
        (AgeGroup::Anak, Lang::En) => "Child",
        (AgeGroup::Remaja, Lang::Id) => "Remaja",
        (AgeGroup::Remaja, Lang::En) => "Teenager",
        (AgeGroup::Dewasa, Lang::Id) => "Dewasa",
        (AgeGroup::Dewasa, Lang::En) => "Adult",
        (AgeGroup::Lansia, Lang::Id) => "Lansia",
        (AgeGroup::Lansia, Lang::En) => "Older person",
    }
}

pub(crate) fn age_hint(a: AgeGroup, lang: Lang) -> &'static str {
    match (a, lang) {
        (AgeGroup::Anak, Lang::Id) => "0–12 tahun",
        (AgeGroup::Anak, Lang::En) => "0–12 years",
        (AgeGroup::Remaja, Lang::Id) => "13–18 tahun",
        (AgeGroup::Remaja, Lang::En) => "13–18 years",
        (AgeGroup::Dewasa, Lang::Id) => "19–59 tahun",
        (AgeGroup::Dewasa, Lang::En) => "19–59 years",
        (AgeGroup::Lansia, Lang::Id) => "60 tahun ke atas",
        (AgeGroup::Lansia, Lang::En) => "60 years and over",
    }
}

pub(crate) fn purpose_label(p: Purpose, lang: Lang) -> &'static str {
    match (p, lang) {
        (Purpose::Membaca, Lang::Id) => "Membaca",
        (Purpose::Membaca, Lang::En) => "Reading",
        (Purpose::Meminjam, Lang::Id) => "Meminjam/mengembalikan buku",
        (Purpose::Meminjam, Lang::En) => "Borrowing/returning books",
        (Purpose::Internet, Lang::Id) => "Internet",
        (Purpose::Internet, Lang::En) => "Internet",
        (Purpose::Belajar, Lang::Id) => "Belajar/mengerjakan tugas",
        (Purpose::Belajar, Lang::En) => "Studying/homework",
        (Purpose::Kegiatan, Lang::Id) => "Mengikuti kegiatan",
        (Purpose::Kegiatan, Lang::En) => "Taking part in an activity",
        (Purpose::Lainnya, Lang::Id) => "Lainnya",
        (Purpose::Lainnya, Lang::En) => "Other",
    }
}

pub(crate) fn actor_ref(u: &CurrentUser) -> ActorRef {
    ActorRef {
        id: Some(u.user.id),
        username: u.user.username.clone(),
    }
}

fn place(lib: &Library) -> Place<'_> {
    Place {
        region: &lib.details.village_code,
        library: Some(lib.id),
    }
}

/// The library's local date now.
pub(crate) fn today(lib: &Library) -> NaiveDate {
    TimeZone::of_region(&lib.details.village_code).local_date(lentera_store::now())
}

/// The library the user works in: 403 for anyone who is not a library's
/// manager or staff.
pub(crate) async fn own_library(state: &AppState, user: &CurrentUser) -> Result<Library, WebError> {
    let id = user.actor.own_library().ok_or(WebError::Forbidden)?;
    state.run(move |c| Ok(store_libraries::get(c, id)?)).await
}

/// A library whose figures the user may read: 404 for a malformed id, an
/// unknown library or one outside reach alike.
pub(crate) async fn readable_library(
    state: &AppState,
    actor: &Actor,
    id: &str,
) -> Result<Library, WebError> {
    let id = LibraryId::parse(id).map_err(|_| WebError::NotFound)?;
    let lib = state.run(move |c| Ok(store_libraries::get(c, id)?)).await?;
    if !actor.may_read_library(&place(&lib)) {
        return Err(WebError::NotFound);
    }
    Ok(lib)
}

/// Form or JSON pairs as a visit form; unknown keys (csrf, step) ignored.
pub(crate) fn form_from_pairs(pairs: &[(String, String)]) -> VisitForm {
    let mut f = VisitForm::default();
    for (k, v) in pairs {
        f.set(k, v);
    }
    f
}

fn tally_json(t: &Tally) -> Value {
    let by_age: serde_json::Map<String, Value> = AgeGroup::ALL
        .iter()
        .map(|a| (a.key().to_string(), t.by_age[age_index(*a)].into()))
        .collect();
    let by_purpose: serde_json::Map<String, Value> = Purpose::ALL
        .iter()
        .map(|p| (p.key().to_string(), t.by_purpose[p.index()].into()))
        .collect();
    json!({
        "checkins": t.checkins,
        "visitors": t.visitors,
        "males": t.males,
        "females": t.females,
        "by_age_group": by_age,
        "by_purpose": by_purpose,
    })
}

/// Counts as the API answers them: keys, not positions.
pub(crate) fn counts_json(c: &Counts) -> Value {
    let buckets: Vec<Value> = c
        .buckets
        .iter()
        .map(|b| {
            let mut v = tally_json(&b.tally);
            if let Some(o) = v.as_object_mut() {
                o.insert("start".into(), b.start.to_string().into());
            }
            v
        })
        .collect();
    json!({
        "from": c.from.to_string(),
        "to": c.to.to_string(),
        "by": c.granularity.key(),
        "total": tally_json(&c.total),
        "buckets": buckets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_has_two_labels() {
        for g in Gender::ALL {
            assert_ne!(gender_label(*g, Lang::Id), gender_label(*g, Lang::En));
        }
        for a in AgeGroup::ALL {
            assert_ne!(age_label(*a, Lang::Id), age_label(*a, Lang::En));
            assert_ne!(age_hint(*a, Lang::Id), age_hint(*a, Lang::En));
        }
        for p in Purpose::ALL {
            if *p != Purpose::Internet {
                assert_ne!(purpose_label(*p, Lang::Id), purpose_label(*p, Lang::En));
            }
        }
        assert!(field_label("visitor", Lang::Id).is_some());
    }
}

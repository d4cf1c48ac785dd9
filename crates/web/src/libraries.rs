//! The library registry: pages and `/api/v1/libraries`.
//!
//! [`pages`] serves browsers, [`api`] the JSON API and [`transfer`] CSV/XLSX
//! import and export for both. What all three must agree on lives here: who
//! may see and change which library ([`load_visible`], [`load_editable`],
//! [`parse_checked`]), the list filters, the choice labels and the JSON shape
//! of a library.

mod api;
mod pages;
mod transfer;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDateTime};
use lentera_core::audit::ActorRef;
use lentera_core::field::{Invalid, Problem, optional_int};
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{
    LIBRARY_FIELDS, Library, LibraryDraft, LibraryForm, LibraryType, Participation,
};
use lentera_core::regions::{RegionCode, RegionTree, path_label};
use lentera_core::users::{Actor, Place, Reach};
use lentera_store::libraries::{self as store, LibraryQuery};

pub use transfer::import_layout;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/libraries", get(pages::list).post(pages::create))
        .route("/libraries/new", get(pages::new_form))
        .route("/libraries/export", get(transfer::export))
        .route(
            "/libraries/import",
            get(transfer::import_page).post(transfer::import_submit),
        )
        .route("/libraries/import/template", get(transfer::template))
        .route("/libraries/{id}", get(pages::show).post(pages::update))
        .route("/libraries/{id}/edit", get(pages::edit_form))
        .route("/libraries/{id}/deactivate", post(pages::deactivate))
        .route("/libraries/{id}/reactivate", post(pages::reactivate))
        .route("/api/v1/libraries", get(api::list).post(api::create))
        .route("/api/v1/libraries/export", get(transfer::export))
        .route("/api/v1/libraries/import", post(transfer::api_import))
        .route(
            "/api/v1/libraries/{id}",
            get(api::get).put(api::update).delete(api::deactivate),
        )
        .route("/api/v1/libraries/{id}/reactivate", post(api::reactivate))
}

/// How a library type is called on screen.
pub fn kind_label(kind: LibraryType, lang: Lang) -> &'static str {
    use LibraryType::*;
    match (kind, lang) {
        (Desa, Lang::Id) => "Perpustakaan desa",
        (Desa, Lang::En) => "Village library",
        (Kelurahan, Lang::Id) => "Perpustakaan kelurahan",
        (Kelurahan, Lang::En) => "Urban village (kelurahan) library",
        (Tbm, Lang::Id) => "Taman Bacaan Masyarakat (TBM)",
        (Tbm, Lang::En) => "Community reading centre (TBM)",
        (UmumKabKota, Lang::Id) => "Perpustakaan umum kabupaten/kota",
        (UmumKabKota, Lang::En) => "Regency/city public library",
        (Provinsi, Lang::Id) => "Perpustakaan umum provinsi",
        (Provinsi, Lang::En) => "Province public library",
        (Sekolah, Lang::Id) => "Perpustakaan sekolah",
        (Sekolah, Lang::En) => "School library",
        (RumahIbadah, Lang::Id) => "Perpustakaan rumah ibadah",
        (RumahIbadah, Lang::En) => "House-of-worship library",
        (Lainnya, Lang::Id) => "Lainnya",
        (Lainnya, Lang::En) => "Other",
    }
}

/// How a TPBIS participation is called on screen.
pub fn participation_label(p: Participation, lang: Lang) -> &'static str {
    use Participation::*;
    match (p, lang) {
        (None, Lang::Id) => "Tidak ikut TPBIS",
        (None, Lang::En) => "Not in TPBIS",
        (FullSupport, Lang::Id) => "Peserta TPBIS (pendampingan penuh)",
        (FullSupport, Lang::En) => "TPBIS participant (full support)",
        (BookAidOnly, Lang::Id) => "Bantuan buku saja",
        (BookAidOnly, Lang::En) => "Book aid only",
        (Replication, Lang::Id) => "Replikasi (dana daerah atau desa)",
        (Replication, Lang::En) => "Replication (regional or village funds)",
        (DistrictProposed, Lang::Id) => "Diusulkan kabupaten/kota",
        (DistrictProposed, Lang::En) => "Proposed by the regency/city",
    }
}

/// The fields a library's own manager may not change: they decide funding
/// and reporting, so they stay with the library officers.
const LOCKED_FOR_MANAGERS: [&str; 4] = ["kind", "village_code", "participation", "cohort_year"];

/// Whether this actor edits with [`LOCKED_FOR_MANAGERS`] locked.
pub(crate) fn has_locked_fields(actor: &Actor) -> bool {
    !actor.role.is_officer()
}

pub(crate) fn this_year() -> i32 {
    lentera_store::now().year()
}

pub(crate) fn actor_ref(u: &CurrentUser) -> ActorRef {
    ActorRef {
        id: Some(u.user.id),
        username: u.user.username.clone(),
    }
}

pub(crate) fn place(lib: &Library) -> Place<'_> {
    Place {
        region: &lib.details.village_code,
        library: Some(lib.id),
    }
}

/// "Balai Sebut, Jangkang, Kabupaten Sanggau, Kalimantan Barat".
pub(crate) fn village_path(regions: &RegionTree, code: &RegionCode) -> String {
    match regions.get(code) {
        Some(r) => path_label(r, &regions.ancestors(code)),
        None => code.dotted(),
    }
}

/// A library as the API shows it: every draft field, flattened, with its
/// id, status, timestamps and the village's full path.
pub(crate) fn library_json(
    regions: &RegionTree,
    lib: &Library,
) -> Result<serde_json::Value, WebError> {
    let mut v = serde_json::to_value(lib).map_err(|e| WebError::Internal(e.to_string()))?;
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "village_path".into(),
            village_path(regions, &lib.details.village_code).into(),
        );
    }
    Ok(v)
}

/// A library the user may see. Malformed ids, unknown ids and libraries
/// outside reach all answer 404, so nobody learns what exists elsewhere.
pub(crate) async fn load_visible(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Library, WebError> {
    let id = LibraryId::parse(id).map_err(|_| WebError::NotFound)?;
    let lib = state.run(move |c| Ok(store::get(c, id)?)).await?;
    if !user.actor.reaches(&place(&lib)) {
        return Err(WebError::NotFound);
    }
    Ok(lib)
}

/// A library the user may see *and* edit: 404 outside reach, 403 when the
/// role may look but not change (facilitators, staff).
pub(crate) async fn load_editable(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Library, WebError> {
    let lib = load_visible(state, user, id).await?;
    if !user.actor.may_edit_library(&place(&lib)) {
        return Err(WebError::Forbidden);
    }
    Ok(lib)
}

/// Only officers add libraries; the village's reach is checked per form.
pub(crate) fn require_registrar(actor: &Actor) -> Result<(), WebError> {
    if actor.role.is_officer() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// What is actually saved when `actor` submits `form` for `existing`: a
/// manager's submission keeps the stored values of the locked fields,
/// whatever the request says.
pub(crate) fn effective_form(
    actor: &Actor,
    mut form: LibraryForm,
    existing: &Library,
) -> LibraryForm {
    if has_locked_fields(actor) {
        for (k, v) in existing.to_form().pairs() {
            if LOCKED_FOR_MANAGERS.contains(&k) {
                form.set(k, &v);
            }
        }
    }
    form
}

/// Parses a form and checks the village lies within the actor's reach
/// (unless it is the library's current village, which they already reach).
/// All problems come back together, in form order.
pub(crate) fn parse_checked(
    regions: &RegionTree,
    actor: &Actor,
    form: &LibraryForm,
    existing: Option<&Library>,
) -> Result<LibraryDraft, Invalid> {
    let parsed = LibraryDraft::parse(form, regions, this_year());
    let mut errors = match &parsed {
        Ok(_) => Invalid::default(),
        Err(e) => e.clone(),
    };
    if errors.for_field("village_code").is_none()
        && let Ok(code) = RegionCode::parse(&form.village_code)
        && existing.is_none_or(|l| l.details.village_code != code)
        && !actor.may_register_library(&Place {
            region: &code,
            library: None,
        })
    {
        errors.push("village_code", Problem::OutsideReach);
    }
    errors
        .0
        .sort_by_key(|e| LIBRARY_FIELDS.iter().position(|f| *f == e.field));
    match parsed {
        Ok(d) if errors.is_empty() => Ok(d),
        _ => Err(errors),
    }
}

pub(crate) async fn save_new(
    state: &AppState,
    user: &CurrentUser,
    draft: LibraryDraft,
) -> Result<Library, WebError> {
    let by = actor_ref(user);
    state.run(move |c| Ok(store::create(c, &by, &draft)?)).await
}

pub(crate) async fn save_existing(
    state: &AppState,
    user: &CurrentUser,
    id: LibraryId,
    draft: LibraryDraft,
    expected: Option<NaiveDateTime>,
) -> Result<Library, WebError> {
    let by = actor_ref(user);
    state
        .run(move |c| Ok(store::update(c, &by, id, &draft, expected)?))
        .await
}

/// Deactivates or reactivates: officers within reach only.
pub(crate) async fn set_active(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    active: bool,
) -> Result<Library, WebError> {
    let lib = load_visible(state, user, id).await?;
    if !user.actor.may_register_library(&place(&lib)) {
        return Err(WebError::Forbidden);
    }
    let by = actor_ref(user);
    let id = lib.id;
    state
        .run(move |c| Ok(store::set_active(c, &by, id, active)?))
        .await
}

/// The version a client read, sent back as `updated_at` so a save can
/// detect that someone else saved in between. Microseconds, like the store.
pub(crate) fn version(t: &NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// Reads a version back; empty means "no check" (overwrite).
pub(crate) fn parse_version(s: &str) -> Result<Option<NaiveDateTime>, Invalid> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
        .map(Some)
        .ok_or_else(|| Invalid::one("updated_at", Problem::BadDate))
}

/// List filters as typed, shared by the list page, the API and exports so
/// an export link carries exactly what the list showed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filters {
    pub q: String,
    pub region: String,
    pub kind: String,
    pub participation: String,
    pub active: String,
    pub page: String,
    pub per_page: String,
}

impl Filters {
    pub fn from_pairs(pairs: &[(String, String)]) -> Filters {
        let mut f = Filters::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "q" => &mut f.q,
                "region" => &mut f.region,
                "kind" => &mut f.kind,
                "participation" => &mut f.participation,
                "active" => &mut f.active,
                "page" => &mut f.page,
                "per_page" => &mut f.per_page,
                _ => continue,
            };
            v.trim().clone_into(slot);
        }
        f
    }

    /// The filters (not the page) as query pairs, for links.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("q", &self.q),
            ("region", &self.region),
            ("kind", &self.kind),
            ("participation", &self.participation),
            ("active", &self.active),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.clone()))
        .collect()
    }

    /// `a=b&c=d` of [`Filters::pairs`], URL-encoded.
    pub fn query_string(&self) -> String {
        self.pairs()
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::html::url_encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The store query within `reach`; every bad filter is named.
    pub fn query(&self, reach: Reach, default_per_page: i64) -> Result<LibraryQuery, Invalid> {
        let mut errors = Invalid::default();
        let mut q = LibraryQuery::new(reach);
        q.text = (!self.q.is_empty()).then(|| self.q.clone());
        if !self.region.is_empty() {
            match RegionCode::parse(&self.region) {
                Ok(c) => q.region = Some(c),
                Err(p) => errors.push("region", p),
            }
        }
        if !self.kind.is_empty() {
            match LibraryType::parse(&self.kind) {
                Ok(k) => q.kind = Some(k),
                Err(p) => errors.push("kind", p),
            }
        }
        if !self.participation.is_empty() {
            match Participation::parse(&self.participation) {
                Ok(p) => q.participation = Some(p),
                Err(p) => errors.push("participation", p),
            }
        }
        if !self.active.is_empty() {
            match lentera_core::field::flag(&self.active) {
                Ok(a) => q.active = Some(a),
                Err(p) => errors.push("active", p),
            }
        }
        match optional_int(&self.page, 1, 1_000_000) {
            Ok(p) => q.page = p.unwrap_or(1),
            Err(p) => errors.push("page", p),
        }
        match optional_int(&self.per_page, 1, 500) {
            Ok(p) => q.per_page = p.unwrap_or(default_per_page),
            Err(p) => errors.push("per_page", p),
        }
        errors.finish(q)
    }
}

/// Options for a choice `<select>`: (key, label) in the user's language.
pub(crate) fn kind_options(lang: Lang) -> Vec<(String, String)> {
    LibraryType::ALL
        .iter()
        .map(|k| (k.key().to_string(), kind_label(*k, lang).to_string()))
        .collect()
}

pub(crate) fn participation_options(lang: Lang) -> Vec<(String, String)> {
    Participation::ALL
        .iter()
        .map(|p| {
            (
                p.key().to_string(),
                participation_label(*p, lang).to_string(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_round_trip_at_microseconds() {
        let t = lentera_store::now();
        assert_eq!(parse_version(&version(&t)), Ok(Some(t)));
        // The API's own JSON form (serde) is accepted too.
        let json = serde_json::to_value(t).unwrap();
        assert_eq!(parse_version(json.as_str().unwrap()), Ok(Some(t)));
        assert_eq!(parse_version(" "), Ok(None));
        assert!(parse_version("kemarin").is_err());
    }

    #[test]
    fn every_choice_has_two_labels() {
        for k in LibraryType::ALL {
            assert_ne!(kind_label(*k, Lang::Id), kind_label(*k, Lang::En));
        }
        for p in Participation::ALL {
            assert_ne!(
                participation_label(*p, Lang::Id),
                participation_label(*p, Lang::En)
            );
        }
    }

    #[test]
    fn filters_name_bad_values_and_keep_good_ones() {
        let pairs = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>()
        };
        let f = Filters::from_pairs(&pairs(&[
            ("q", " balai "),
            ("region", "61.03"),
            ("active", "ya"),
            ("csrf", "x"),
        ]));
        let q = f.query(Reach::Everything, 50).unwrap();
        assert_eq!(q.text.as_deref(), Some("balai"));
        assert_eq!(q.region.unwrap().as_str(), "6103");
        assert_eq!(q.active, Some(true));
        assert_eq!(f.query_string(), "q=balai&region=61.03&active=ya");
        let bad = Filters::from_pairs(&pairs(&[("kind", "kios"), ("per_page", "9999")]));
        let e = bad.query(Reach::Everything, 50).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["kind", "per_page"]);
    }
}

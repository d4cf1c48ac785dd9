//! `/api/v1/visits`: check-ins, recent visits and counts as JSON.

use super::{actor_ref, counts_json, own_library, readable_library, today};
use crate::api::{JsonBody, json_object, scalar_text};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lentera_core::field::{Invalid, optional_int};
use lentera_core::libraries::Library;
use lentera_core::visits::{TimeZone, VisitDraft, VisitForm};
use lentera_store::visits::{self as store, At, Scope, Visit};
use serde_json::{Value, json};

fn visit_json(v: &Visit) -> Value {
    json!({
        "id": v.id,
        "library_id": v.library_id,
        "visited_at": crate::audit::utc_json(v.visited_at),
        "visit_date": v.visit_date.to_string(),
        "group": v.is_group,
        "name": v.name,
        "member_no": v.member_no,
        "males": v.males,
        "females": v.females,
        "people": v.people(),
        "age_group": v.age_group.key(),
        "purpose": v.purpose.key(),
    })
}

fn param(pairs: &[(String, String)], key: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The library a visit is recorded for: the user's own, or the one named,
/// which must be within reach (else 404) and theirs to work in (else 403).
async fn working_library(
    state: &AppState,
    user: &CurrentUser,
    named: Option<&str>,
) -> Result<Library, WebError> {
    match named {
        Some(id) => {
            let lib = readable_library(state, &user.actor, id).await?;
            if !user.actor.may_work_in(lib.id) {
                return Err(WebError::Forbidden);
            }
            Ok(lib)
        }
        None => own_library(state, user).await,
    }
}

/// `POST /api/v1/visits`: the same fields as the kiosk and staff forms
/// (`member_no` or `visitor_name` or `visitor`; `gender`, `age_group`,
/// `purpose`; `mode: "group"` with `group_name`, `males`, `females`;
/// optional `visit_date` up to 31 days back).
pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    body: JsonBody,
) -> Result<Response, WebError> {
    let map = json_object(body)?;
    let mut form = VisitForm::default();
    let mut library = None;
    for (k, v) in &map {
        let Some(text) = scalar_text(v) else {
            return Err(WebError::BadRequest(format!(
                "`{k}` must be a string, number or null"
            )));
        };
        if k == "library" || k == "library_id" {
            library = Some(text).filter(|t| !t.trim().is_empty());
        } else {
            form.set(k, &text);
        }
    }
    let lib = working_library(&state, &user, library.as_deref()).await?;
    let draft = VisitDraft::parse(&form, today(&lib), true)?;
    let by = actor_ref(&user);
    let visit = state
        .run(move |c| {
            let at = At {
                library: lib.id,
                village: &lib.details.village_code,
            };
            Ok(store::record(c, &by, &at, &draft, lentera_store::now())?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(visit_json(&visit))).into_response())
}

/// `GET /api/v1/visits?library=&limit=`: the latest visits; names and card
/// numbers only for the library's own staff.
pub(super) async fn recent(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let lib = match param(&pairs, "library") {
        Some(id) => readable_library(&state, &user.actor, &id).await?,
        None => own_library(&state, &user).await?,
    };
    let limit = optional_int(&param(&pairs, "limit").unwrap_or_default(), 1, 500)
        .map_err(|p| Invalid::one("limit", p))?
        .unwrap_or(50);
    let names = user.actor.may_see_patrons(lib.id);
    let id = lib.id;
    let items = state
        .run(move |c| Ok(store::recent(c, id, limit, names)?))
        .await?;
    Ok(Json(json!({
        "library_id": lib.id.to_string(),
        "names_visible": names,
        "items": items.iter().map(visit_json).collect::<Vec<_>>(),
    })))
}

/// `GET /api/v1/visits/counts?library=&from=&to=&by=day|month`: one library
/// (within reach), or without `library` the user's own library — or, for
/// officers and facilitators, their whole reach summed.
pub(super) async fn counts(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let lib = match (param(&pairs, "library"), user.actor.own_library()) {
        (Some(id), _) => Some(readable_library(&state, &user.actor, &id).await?),
        (None, Some(_)) => Some(own_library(&state, &user).await?),
        (None, None) => None,
    };
    let (scope, today, zone) = match &lib {
        Some(l) => (
            Scope::Library(l.id),
            today(l),
            TimeZone::of_region(&l.details.village_code),
        ),
        None => (
            Scope::Reach(user.actor.reach()),
            TimeZone::Wib.local_date(lentera_store::now()),
            TimeZone::Wib,
        ),
    };
    let (from, to, by) = super::pages::counts_request(&pairs, today)?;
    let counts = state
        .run(move |c| Ok(store::counts(c, &scope, from, to, by)?))
        .await?;
    let mut v = counts_json(&counts);
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "library_id".into(),
            lib.as_ref().map(|l| l.id.to_string()).into(),
        );
        o.insert("time_zone".into(), zone.abbrev().into());
    }
    Ok(Json(v))
}

//! `/api/v1/activities`: activity reports as JSON. The same fields as the
//! form (`held_on`, `strategy`, `activity_type`, `title`, the grid keys
//! `p_l_anak` … `p_p_lansia` and `d_l_anak` … `d_p_lansia`, …); photos are
//! added with a multipart `POST …/{id}/photos`.

use super::pages::{list_request, prepare_photos};
use super::{
    actor_ref, advance_plan, at, load_report, may_delete, participants_json, readable_library,
    report_json, today_at, working_library, writable_report,
};
use crate::api::{JsonBody, json_object, scalar_text};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::state::AppState;
use crate::uploads::{self, FilePart};
use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lentera_core::activities::{ActivityDraft, ActivityForm, parse_caption};
use lentera_core::field::{Invalid, Problem};
use lentera_store::activities::{self as store, NewPhoto};
use serde_json::{Map, Value, json};

/// The body's scalars as a report form, plus `library` and `updated_at`.
fn form_of(map: &Map<String, Value>) -> Result<(ActivityForm, Option<String>, String), WebError> {
    let mut form = ActivityForm::default();
    let mut library = None;
    let mut version = String::new();
    for (k, v) in map {
        let Some(text) = scalar_text(v) else {
            return Err(WebError::BadRequest(format!(
                "`{k}` must be a string, number or null"
            )));
        };
        match k.as_str() {
            "library" | "library_id" => library = Some(text),
            "updated_at" => version = text,
            _ => {
                form.set(k, &text);
            }
        }
    }
    Ok((form, library, version))
}

/// `GET /api/v1/activities?strategy=&activity_type=&from=&to=&region=&library=&page=&per_page=`.
pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let req = list_request(&pairs, 50);
    if !req.errors.is_empty() {
        return Err(req.errors.into());
    }
    if !req.form.library.trim().is_empty() {
        readable_library(&state, &user.actor, &req.form.library).await?;
    }
    let reach = user.actor.reach();
    let (filter, page, per_page) = (req.filter.clone(), req.page, req.per_page);
    let (list, (reports, totals)) = state
        .run(move |c| {
            Ok((
                store::list(c, &reach, &filter, page, per_page)?,
                store::totals(c, &reach, &filter)?,
            ))
        })
        .await?;
    let items: Vec<Value> = list
        .items
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "library_id": r.library_id,
                "library_name": r.library_name,
                "region_code": r.region_code,
                "held_on": r.held_on.to_string(),
                "strategy": r.strategy.key(),
                "activity_type": r.kind.key(),
                "title": r.title,
                "participants": r.participants,
                "photos": r.photos,
                "workplan_activity_id": r.workplan_activity_id,
            })
        })
        .collect();
    Ok(Json(json!({
        "items": items,
        "total": list.total,
        "page": list.page,
        "per_page": list.per_page,
        "totals": { "reports": reports, "participants": participants_json(&totals) },
    })))
}

/// `GET /api/v1/activities/{id}`.
pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let r = load_report(&state, &user, &id).await?;
    Ok(Json(report_json(&r)))
}

/// `POST /api/v1/activities`: a report for the user's own library (or the
/// `library` named, which must be theirs to work in).
pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    body: JsonBody,
) -> Result<Response, WebError> {
    let map = json_object(body)?;
    let (form, library, _) = form_of(&map)?;
    let lib = working_library(&state, &user, library.as_deref()).await?;
    let draft = ActivityDraft::parse(&form, today_at(&lib.details.village_code))?;
    let by = actor_ref(&user);
    let lib2 = lib.clone();
    let (plan_link, done, title) = (
        draft.workplan_activity_id.clone(),
        draft.mark_done,
        draft.title.clone(),
    );
    let id = state
        .run(move |c| Ok(store::create(c, &by, &at(&lib2), &draft, Vec::new())?))
        .await?;
    advance_plan(&state, &user, lib.id, plan_link, done, &title).await;
    let r = load_report(&state, &user, &id).await?;
    Ok((StatusCode::CREATED, Json(report_json(&r))).into_response())
}

/// `PUT /api/v1/activities/{id}`: replaces the report's fields (photos
/// stay). With `updated_at` from a previous read, a newer change answers 409.
pub(super) async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    let map = json_object(body)?;
    let (r, lib) = writable_report(&state, &user, &id).await?;
    let (form, _, version) = form_of(&map)?;
    let expected = crate::libraries::parse_version(&version)?;
    let draft = ActivityDraft::parse(&form, today_at(&lib.details.village_code))?;
    let by = actor_ref(&user);
    let rid = r.id.clone();
    let (plan_link, done, title) = (
        draft.workplan_activity_id.clone(),
        draft.mark_done,
        draft.title.clone(),
    );
    let library = lib.id;
    state
        .run(move |c| Ok(store::update(c, &by, &at(&lib), &rid, &draft, expected)?))
        .await?;
    advance_plan(&state, &user, library, plan_link, done, &title).await;
    let r = load_report(&state, &user, &r.id).await?;
    Ok(Json(report_json(&r)))
}

/// `DELETE /api/v1/activities/{id}`: the library's manager only.
pub(super) async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (r, lib) = writable_report(&state, &user, &id).await?;
    if !may_delete(&user, r.library_id) {
        return Err(WebError::Forbidden);
    }
    let by = actor_ref(&user);
    state
        .run(move |c| Ok(store::delete(c, &by, &at(&lib), &r.id)?))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v1/activities/{id}/photos` (multipart: `photos` or `photo`
/// files, optional `photo_caption`): checked by content, re-encoded.
pub(super) async fn add_photos(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (r, lib) = writable_report(&state, &user, &id).await?;
    let data = uploads::read_form(multipart).await?;
    let mut files: Vec<FilePart> = data.file_list("photos").to_vec();
    files.extend(data.file_list("activity_photo").iter().cloned());
    let mut errors = Invalid::default();
    if files.is_empty() {
        errors.push("photos", Problem::Required);
    }
    let caption = match parse_caption(&data.text("photo_caption")) {
        Ok(c) => c,
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let prepared = prepare_photos(files, "photos", &mut errors).await?;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let by = actor_ref(&user);
    let who = user.clone();
    let rid = r.id.clone();
    state
        .run(move |c| {
            let photos: Vec<NewPhoto<'_>> = prepared
                .into_iter()
                .map(|p| NewPhoto {
                    upload: p.into_new(Some(lib.id), &lib.details.village_code, &who),
                    caption: caption.clone(),
                })
                .collect();
            Ok(store::add_photos(c, &by, &at(&lib), &rid, photos)?)
        })
        .await?;
    let r = load_report(&state, &user, &r.id).await?;
    Ok((StatusCode::CREATED, Json(report_json(&r))).into_response())
}

//! `/api/v1/libraries`: the same rules as the pages, as JSON.

use super::{
    Filters, effective_form, library_json, load_editable, load_visible, parse_checked,
    parse_version, require_registrar, save_existing, save_new, set_active,
};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lentera_core::libraries::{LIBRARY_FIELDS, LibraryForm};
use lentera_store::libraries as store;
use serde_json::Value;

/// A request body as a form plus the `updated_at` it was based on.
///
/// Scripts send numbers and booleans where the form has text; every value
/// is turned into the text the form would have carried, so validation is
/// the form's and every problem names its field. Keys the form does not
/// have (`id`, `village_path`, … from a GET) are ignored, so a client can
/// send back what it read.
pub(super) fn form_from_json(
    map: serde_json::Map<String, Value>,
) -> Result<(LibraryForm, String), WebError> {
    let mut form = LibraryForm::default();
    let mut updated_at = String::new();
    for (key, value) in map {
        let Some(text) = crate::api::scalar_text(&value) else {
            if key == "updated_at" || LIBRARY_FIELDS.contains(&key.as_str()) {
                return Err(WebError::BadRequest(format!(
                    "`{key}` must be a string, number, boolean or null"
                )));
            }
            continue;
        };
        if key == "updated_at" {
            updated_at = text;
        } else {
            form.set(&key, &text);
        }
    }
    Ok((form, updated_at))
}

pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let q = Filters::from_pairs(&pairs).query(user.actor.reach(), 50)?;
    let page = state.run(move |c| Ok(store::list(c, &q)?)).await?;
    let items = page
        .items
        .iter()
        .map(|l| library_json(&state.regions, l))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(serde_json::json!({
        "items": items, "total": page.total, "page": page.page, "per_page": page.per_page,
    })))
}

pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    json: Result<Json<Value>, JsonRejection>,
) -> Result<Response, WebError> {
    require_registrar(&user.actor)?;
    let (form, _) = form_from_json(crate::api::json_object(json)?)?;
    let draft = parse_checked(&state.regions, &user.actor, &form, None)?;
    let lib = save_new(&state, &user, draft).await?;
    let location = HeaderValue::from_str(&format!("/api/v1/libraries/{}", lib.id))
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let mut res = (
        StatusCode::CREATED,
        Json(library_json(&state.regions, &lib)?),
    )
        .into_response();
    res.headers_mut().insert(header::LOCATION, location);
    Ok(res)
}

pub(super) async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let lib = load_visible(&state, &user, &id).await?;
    Ok(Json(library_json(&state.regions, &lib)?))
}

pub(super) async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    json: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Value>, WebError> {
    let lib = load_editable(&state, &user, &id).await?;
    let (form, updated_at) = form_from_json(crate::api::json_object(json)?)?;
    let expected = parse_version(&updated_at)?;
    let form = effective_form(&user.actor, form, &lib);
    let draft = parse_checked(&state.regions, &user.actor, &form, Some(&lib))?;
    let saved = save_existing(&state, &user, lib.id, draft, expected).await?;
    Ok(Json(library_json(&state.regions, &saved)?))
}

/// DELETE deactivates: a library's history stays in reports.
pub(super) async fn deactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let lib = set_active(&state, &user, &id, false).await?;
    Ok(Json(library_json(&state.regions, &lib)?))
}

pub(super) async fn reactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let lib = set_active(&state, &user, &id, true).await?;
    Ok(Json(library_json(&state.regions, &lib)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_values_become_form_text() {
        let obj = |v: Value| match v {
            Value::Object(m) => m,
            _ => unreachable!("test literals are objects"),
        };
        let (f, v) = form_from_json(obj(serde_json::json!({
            "name": "TBM Pelangi", "computers": 3, "hours_per_day": 6.5,
            "has_internet": true, "npp": null, "id": "ignored", "village_path": {"x": 1},
            "updated_at": "2026-01-02T03:04:05.000006",
        })))
        .unwrap();
        assert_eq!(
            (
                f.name.as_str(),
                f.computers.as_str(),
                f.hours_per_day.as_str(),
                f.has_internet.as_str(),
                f.npp.as_str()
            ),
            ("TBM Pelangi", "3", "6.5", "true", "")
        );
        assert_eq!(v, "2026-01-02T03:04:05.000006");
        assert!(matches!(
            form_from_json(obj(serde_json::json!({"name": ["a"]}))),
            Err(WebError::BadRequest(_))
        ));
        assert!(matches!(
            crate::api::json_object(Ok(axum::Json(serde_json::json!([1])))),
            Err(WebError::BadRequest(_))
        ));
    }
}

//! `/api/v1/users` and `/api/v1/account/password`.
//!
//! Bodies are read leniently: any JSON scalar is taken as the text a form
//! would have sent, so a number where a string was expected becomes a
//! validation error that names the field, not a parse failure. Only a body
//! that is not a JSON object at all is a 400.

use super::{
    Created, FirstPassword, Shown, assigned_in_reach, require_administrator, user_json, visible,
};
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::WebError;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use lentera_core::field::{Invalid, Problem};
use lentera_core::users::{Role, UserForm};
use lentera_store::users::{self as store_users, UserQuery};
use serde::Deserialize;
use serde_json::{Map, Value};

type Body = Result<Json<Value>, JsonRejection>;

fn object(body: Body) -> Result<Map<String, Value>, WebError> {
    crate::api::json_object(body)
}

/// A field as text: strings as they are, numbers and booleans written out,
/// null or absent as empty. Arrays and objects are a problem on the field.
fn text(m: &Map<String, Value>, key: &'static str, errors: &mut Invalid) -> String {
    match m.get(key).map(crate::api::scalar_text) {
        None => String::new(),
        Some(Some(t)) => t,
        Some(None) => {
            errors.push(key, Problem::UnknownChoice);
            String::new()
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    q: Option<String>,
    role: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    u: CurrentUser,
    Query(p): Query<ListParams>,
) -> Result<Json<Value>, WebError> {
    require_administrator(&u)?;
    let mut errors = Invalid::default();
    let (page, per_page) =
        crate::audit::paging(p.page.as_deref(), p.per_page.as_deref(), 50, &mut errors);
    let role = match p.role.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        None => None,
        Some(r) => match Role::parse(r) {
            Ok(r) => Some(r),
            Err(e) => {
                errors.push("role", e);
                None
            }
        },
    };
    if p.q.as_deref().is_some_and(|q| q.len() > 100) {
        errors.push("q", Problem::TooLong { max: 100 });
    }
    let q = errors.finish(UserQuery {
        reach: u.actor.reach(),
        text: p.q,
        role,
        page,
        per_page,
    })?;
    let found = state
        .run(move |conn| Ok(store_users::list(conn, &q)?))
        .await?;
    Ok(Json(serde_json::json!({
        "items": found.items.iter().map(user_json).collect::<Vec<_>>(),
        "total": found.total,
        "page": found.page,
        "per_page": found.per_page,
    })))
}

pub async fn create(
    State(state): State<AppState>,
    u: CurrentUser,
    body: Body,
) -> Result<Response, WebError> {
    require_administrator(&u)?;
    let m = object(body)?;
    let mut errors = Invalid::default();
    let form = UserForm {
        username: text(&m, "username", &mut errors),
        full_name: text(&m, "full_name", &mut errors),
        email: text(&m, "email", &mut errors),
        phone: text(&m, "phone", &mut errors),
        role: text(&m, "role", &mut errors),
        region_code: text(&m, "region_code", &mut errors),
        library_id: text(&m, "library_id", &mut errors),
        password: String::new(),
        password_confirm: String::new(),
    };
    let password = text(&m, "password", &mut errors);
    let confirm = m
        .contains_key("password_confirm")
        .then(|| text(&m, "password_confirm", &mut errors));
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let first = if password.is_empty() {
        FirstPassword::Generate
    } else {
        FirstPassword::Typed { password, confirm }
    };
    let Created {
        user,
        temporary_password,
    } = super::create(&state, &u, form, first).await?;
    let mut json = user_json(&user);
    if let (Some(pw), Some(obj)) = (temporary_password, json.as_object_mut()) {
        obj.insert("temporary_password".into(), Value::String(pw));
    }
    let mut res = (StatusCode::CREATED, Json(json)).into_response();
    if let Ok(v) = format!("/api/v1/users/{}", user.id).parse() {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// A user, with a facilitator's assigned libraries that the caller may see.
async fn full_json(
    state: &AppState,
    u: &CurrentUser,
    user: &lentera_store::users::User,
) -> Result<Value, WebError> {
    let mut json = user_json(user);
    if user.role == Role::Facilitator {
        let (libs, _) = assigned_in_reach(state, u, user.id).await?;
        if let Some(obj) = json.as_object_mut() {
            obj.insert(
                "library_ids".into(),
                libs.iter()
                    .map(|l| Value::String(l.id.to_string()))
                    .collect(),
            );
        }
    }
    Ok(json)
}

pub async fn show(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let t = visible(&state, &u, &id).await?;
    Ok(Json(full_json(&state, &u, &t.user).await?))
}

pub async fn update(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
    body: Body,
) -> Result<Json<Value>, WebError> {
    let t = visible(&state, &u, &id).await?;
    let m = object(body)?;
    let mut errors = Invalid::default();
    let full_name = text(&m, "full_name", &mut errors);
    let email = text(&m, "email", &mut errors);
    let phone = text(&m, "phone", &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let user = super::update_profile(&state, &u, &t, &full_name, &email, &phone).await?;
    Ok(Json(full_json(&state, &u, &user).await?))
}

pub async fn reset_password(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let t = visible(&state, &u, &id).await?;
    let pw = super::reset_password(&state, &u, &t).await?;
    Ok(Json(serde_json::json!({ "temporary_password": pw })))
}

async fn activation(
    state: AppState,
    u: CurrentUser,
    id: String,
    active: bool,
) -> Result<Json<Value>, WebError> {
    let t = visible(&state, &u, &id).await?;
    let user = super::set_active(&state, &u, &t, active).await?;
    Ok(Json(full_json(&state, &u, &user).await?))
}

pub async fn deactivate(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    activation(state, u, id, false).await
}

pub async fn reactivate(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    activation(state, u, id, true).await
}

pub async fn assign(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
    body: Body,
) -> Result<Json<Value>, WebError> {
    let t = visible(&state, &u, &id).await?;
    let m = object(body)?;
    let ids: Vec<String> = match m.get("library_ids") {
        None | Some(Value::Null) => {
            return Err(Invalid::one("library_ids", Problem::Required).into());
        }
        Some(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for v in items {
                match v {
                    Value::String(s) => out.push(s.clone()),
                    _ => return Err(Invalid::one("library_ids", Problem::BadId).into()),
                }
            }
            out
        }
        Some(_) => return Err(Invalid::one("library_ids", Problem::UnknownChoice).into()),
    };
    super::assign(&state, &u, &t, Shown::All, &ids).await?;
    let user = state
        .run(move |conn| Ok(store_users::get(conn, t.user.id)?))
        .await?;
    Ok(Json(full_json(&state, &u, &user).await?))
}

/// Changing your own password must work while a temporary password is
/// still in force, which the `CurrentUser` extractor refuses for every
/// path outside `/account/password` and `/api/v1/auth/`; hence `MaybeUser`.
pub async fn account_password(
    State(state): State<AppState>,
    MaybeUser(u): MaybeUser,
    body: Body,
) -> Result<StatusCode, WebError> {
    let u = u.ok_or(WebError::Unauthorized)?;
    let m = object(body)?;
    let mut errors = Invalid::default();
    let current = text(&m, "current_password", &mut errors);
    let password = text(&m, "password", &mut errors);
    let confirm = m
        .contains_key("password_confirm")
        .then(|| text(&m, "password_confirm", &mut errors));
    if !errors.is_empty() {
        return Err(errors.into());
    }
    super::change_own_password(&state, &u, current, &password, confirm.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! `/api/v1/catalog/records` and `/api/v1/catalog/items`: the same rules as
//! the pages, as JSON.

use super::records::{
    actor_ref, biblio_json, item_json, load_biblio, load_item, own_scope, scope_for, this_year,
};
use crate::api::{JsonBody, json_object, scalar_text};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::libraries::parse_version;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lentera_core::catalog::{
    BIBLIO_FIELDS, BiblioDraft, BiblioForm, Collection, ITEM_FIELDS, ItemDraft, ItemForm,
};
use lentera_core::field::{Invalid, flag, optional_int};
use lentera_store::catalog::{self as store, BiblioQuery};
use serde_json::{Map, Value, json};

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Body keys as form text. `authors` and `subjects` may be arrays of
/// strings (as GET returns them); other keys of a GET answer (`id`,
/// `call_number_shown`, …) are ignored, so a client can send back what it
/// read.
fn texts(
    map: Map<String, Value>,
    fields: &[&str],
) -> Result<(Vec<(String, String)>, String), WebError> {
    let mut out = Vec::new();
    let mut updated_at = String::new();
    for (key, value) in map {
        let known = fields.contains(&key.as_str());
        let text = match (&value, key.as_str()) {
            (Value::Array(a), "authors" | "subjects") => {
                let parts: Option<Vec<&str>> = a.iter().map(Value::as_str).collect();
                parts.map(|p| p.join("\n"))
            }
            _ => scalar_text(&value),
        };
        let Some(text) = text else {
            if known || key == "updated_at" {
                return Err(WebError::BadRequest(format!(
                    "`{key}` must be a string, number, boolean or null"
                )));
            }
            continue;
        };
        if key == "updated_at" {
            updated_at = text;
        } else if known {
            out.push((key, text));
        }
    }
    Ok((out, updated_at))
}

fn biblio_body(body: JsonBody) -> Result<(BiblioForm, String), WebError> {
    let (pairs, v) = texts(json_object(body)?, BIBLIO_FIELDS)?;
    let mut f = BiblioForm::default();
    for (k, t) in pairs {
        f.set(&k, &t);
    }
    Ok((f, v))
}

fn item_body(body: JsonBody) -> Result<(ItemForm, String, String), WebError> {
    let map = json_object(body)?;
    let copies = map.get("copies").and_then(scalar_text).unwrap_or_default();
    let (pairs, v) = texts(map, ITEM_FIELDS)?;
    let mut f = ItemForm::default();
    for (k, t) in pairs {
        f.set(&k, &t);
    }
    Ok((f, v, copies))
}

fn created(location: String, body: Value) -> Result<Response, WebError> {
    let mut res = (StatusCode::CREATED, Json(body)).into_response();
    res.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(&location).map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(res)
}

/// `GET /api/v1/catalog/records?library=&q=&collection=&duplicates=&page=&per_page=`
pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let scope = scope_for(&state, &user, get(&pairs, "library"))
        .await?
        .ok_or_else(|| {
            WebError::Invalid(Invalid::one(
                "library",
                lentera_core::field::Problem::Required,
            ))
        })?;
    let mut errors = Invalid::default();
    let mut q = BiblioQuery::new(scope.library.id);
    q.text = get(&pairs, "q")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    if let Some(c) = get(&pairs, "collection").filter(|c| !c.trim().is_empty()) {
        match Collection::parse(c) {
            Ok(c) => q.collection = Some(c),
            Err(p) => errors.push("collection", p),
        }
    }
    match flag(get(&pairs, "duplicates").unwrap_or("")) {
        Ok(d) => q.duplicates_only = d,
        Err(p) => errors.push("duplicates", p),
    }
    match optional_int(get(&pairs, "page").unwrap_or(""), 1, 1_000_000) {
        Ok(p) => q.page = p.unwrap_or(1),
        Err(p) => errors.push("page", p),
    }
    match optional_int(get(&pairs, "per_page").unwrap_or(""), 1, 500) {
        Ok(p) => q.per_page = p.unwrap_or(50),
        Err(p) => errors.push("per_page", p),
    }
    let q = errors.finish(q)?;
    let page = state.run(move |c| Ok(store::list_biblios(c, &q)?)).await?;
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|e| {
            let mut v = biblio_json(&e.biblio);
            if let Some(o) = v.as_object_mut() {
                o.insert("items_total".into(), e.items_total.into());
                o.insert("items_available".into(), e.items_available.into());
                o.insert("duplicate_isbn".into(), e.duplicate_isbn.into());
            }
            v
        })
        .collect();
    Ok(Json(json!({
        "library_id": scope.library.id,
        "items": items, "total": page.total, "page": page.page, "per_page": page.per_page,
    })))
}

pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    body: JsonBody,
) -> Result<Response, WebError> {
    let scope = own_scope(&state, &user).await?;
    scope.require_write()?;
    let (form, _) = biblio_body(body)?;
    let draft = BiblioDraft::parse(&form, this_year())?;
    let by = actor_ref(&user);
    let lib = scope.library.id;
    let b = state
        .run(move |c| Ok(store::create_biblio(c, &by, lib, &draft)?))
        .await?;
    state.catalog_changed();
    created(format!("/api/v1/catalog/records/{}", b.id), biblio_json(&b))
}

/// A record with its items.
pub(super) async fn get_one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let (b, _) = load_biblio(&state, &user, &id).await?;
    let bid = b.id.clone();
    let items = state.run(move |c| Ok(store::items_of(c, &bid)?)).await?;
    let mut v = biblio_json(&b);
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "items".into(),
            items.iter().map(item_json).collect::<Vec<_>>().into(),
        );
    }
    Ok(Json(v))
}

pub(super) async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    let (b, scope) = load_biblio(&state, &user, &id).await?;
    scope.require_write()?;
    let (form, updated_at) = biblio_body(body)?;
    let expected = parse_version(&updated_at)?;
    let draft = BiblioDraft::parse(&form, this_year())?;
    let by = actor_ref(&user);
    let saved = state
        .run(move |c| Ok(store::update_biblio(c, &by, &b.id, &draft, expected)?))
        .await?;
    state.catalog_changed();
    Ok(Json(biblio_json(&saved)))
}

pub(super) async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    let (b, scope) = load_biblio(&state, &user, &id).await?;
    scope.require_write()?;
    let by = actor_ref(&user);
    state
        .run(move |c| Ok(store::delete_biblio(c, &by, &b.id)?))
        .await?;
    state.catalog_changed();
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn list_items(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let (b, _) = load_biblio(&state, &user, &id).await?;
    let items = state.run(move |c| Ok(store::items_of(c, &b.id)?)).await?;
    Ok(Json(json!({
        "items": items.iter().map(item_json).collect::<Vec<_>>(),
        "total": items.len(),
    })))
}

/// Adds an item (or, with `copies` and no barcode, several): 201 with the
/// first item, and `items` listing all of them.
pub(super) async fn add_items(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Response, WebError> {
    let (b, scope) = load_biblio(&state, &user, &id).await?;
    scope.require_write()?;
    let (form, _, copies) = item_body(body)?;
    let (draft, n) = super::pages::parse_new_items(&form, &copies)?;
    let by = actor_ref(&user);
    let made = state
        .run(move |c| {
            (0..n)
                .map(|_| Ok(store::add_item(c, &by, &b.id, &draft)?))
                .collect::<Result<Vec<_>, WebError>>()
        })
        .await?;
    state.catalog_changed();
    let mut v = item_json(&made[0]);
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "items".into(),
            made.iter().map(item_json).collect::<Vec<_>>().into(),
        );
    }
    created(format!("/api/v1/catalog/items/{}", made[0].id), v)
}

pub(super) async fn get_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let (it, b, _) = load_item(&state, &user, &id).await?;
    let mut v = item_json(&it);
    if let Some(o) = v.as_object_mut() {
        o.insert("record".into(), biblio_json(&b));
    }
    Ok(Json(v))
}

/// Replaces an item's details. An empty or missing barcode keeps the
/// current one; a missing status keeps the status; `on_loan` is refused.
pub(super) async fn update_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    let (it, _, scope) = load_item(&state, &user, &id).await?;
    scope.require_write()?;
    let (form, updated_at, _) = item_body(body)?;
    let expected = parse_version(&updated_at)?;
    let draft = ItemDraft::parse(&form, this_year())?;
    let by = actor_ref(&user);
    let saved = state
        .run(move |c| Ok(store::update_item(c, &by, &it.id, &draft, expected)?))
        .await?;
    state.catalog_changed();
    Ok(Json(item_json(&saved)))
}

/// The item with this barcode in the user's own library (or `?library=`).
pub(super) async fn by_barcode(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(barcode): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let scope = scope_for(&state, &user, get(&pairs, "library"))
        .await?
        .ok_or(WebError::NotFound)?;
    let lib = scope.library.id;
    let found = state
        .run(move |c| {
            let Some(it) = store::item_by_barcode(c, lib, &barcode)? else {
                return Ok(None);
            };
            let b = store::get_biblio(c, &it.biblio_id)?;
            Ok(Some((it, b)))
        })
        .await?;
    let (it, b) = found.ok_or(WebError::NotFound)?;
    let mut v = item_json(&it);
    if let Some(o) = v.as_object_mut() {
        o.insert("record".into(), biblio_json(&b));
    }
    Ok(Json(v))
}

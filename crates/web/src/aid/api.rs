//! `/api/v1/aid`: packages, allocations, shipments, receipts and the aid
//! books, as JSON. The rules are the pages': packages are read by everyone
//! signed in and changed by national administrators; allocations and
//! shipments by officers within reach; the receipt and the books by the
//! receiving library. Outside reach is 404, a forbidden action 403.

use super::pages::{library_in_reach, read_receipt, save_receipt};
use super::{
    Filter, actor_ref, may_distribute, may_manage_packages, may_receive, param, readable,
    this_year, today, today_at,
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
use lentera_core::aid::{
    AllocationDraft, AllocationForm, BulkDraft, BulkForm, ComponentForm, ComponentKind,
    PackageDraft, PackageForm, ShipmentDraft, ShipmentForm, item_source,
};
use lentera_core::field::{Invalid, Problem, optional};
use lentera_core::regions::RegionCode;
use lentera_core::uploads::Accept;
use lentera_store::StoreError;
use lentera_store::aid::{self as store, Allocation, AllocationDetail, BookList, Marking, Package};
use serde_json::{Map, Value, json};

fn package_json(p: &Package) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "book_list_url".into(),
            p.book_list_upload_id
                .as_ref()
                .map(|_| format!("/aid/packages/{}/book-list", p.id))
                .into(),
        );
    }
    v
}

fn allocation_json(a: &Allocation) -> Value {
    let mut v = serde_json::to_value(a).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.insert("late".into(), a.late(today_at(a)).into());
    }
    v
}

fn detail_json(d: &AllocationDetail) -> Value {
    let mut v = allocation_json(&d.allocation);
    if let Some(o) = v.as_object_mut() {
        o.insert("package".into(), package_json(&d.package));
        o.insert(
            "shipments".into(),
            serde_json::to_value(&d.shipments).unwrap_or(Value::Null),
        );
        o.insert(
            "receipt".into(),
            serde_json::to_value(&d.receipt).unwrap_or(Value::Null),
        );
    }
    v
}

/// A JSON object's scalar fields as form text; anything else is a 400 on
/// that field.
fn text_fields(map: &Map<String, Value>, skip: &[&str]) -> Result<Vec<(String, String)>, WebError> {
    let mut out = Vec::new();
    for (k, v) in map {
        if skip.contains(&k.as_str()) {
            continue;
        }
        let Some(t) = scalar_text(v) else {
            return Err(WebError::BadRequest(format!(
                "`{k}` must be a string, number or null"
            )));
        };
        out.push((k.clone(), t));
    }
    Ok(out)
}

fn package_form(map: &Map<String, Value>) -> Result<PackageForm, WebError> {
    let mut form = PackageForm::default();
    for (k, v) in text_fields(map, &["components"])? {
        form.set(&k, &v);
    }
    match map.get("components") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items {
                let Value::Object(o) = item else {
                    return Err(WebError::BadRequest(
                        "`components` must be an array of objects".into(),
                    ));
                };
                let get = |k: &str| o.get(k).and_then(scalar_text).unwrap_or_default();
                form.components.push(ComponentForm {
                    kind: get("kind"),
                    label: get("label"),
                    quantity: get("quantity"),
                });
            }
        }
        Some(_) => {
            return Err(WebError::BadRequest("`components` must be an array".into()));
        }
    }
    Ok(form)
}

/// `GET /api/v1/aid/packages[?year=]`.
pub(super) async fn packages(
    State(state): State<AppState>,
    _user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let year = lentera_core::field::optional_int(&param(&pairs, "year"), 2000, 2100)
        .map_err(|p| Invalid::one("program_year", p))?
        .map(|y| y as i32);
    let list = state
        .run(move |c| Ok(store::list_packages(c, year)?))
        .await?;
    Ok(Json(json!({
        "items": list.iter().map(package_json).collect::<Vec<_>>(),
    })))
}

/// `GET /api/v1/aid/packages/{id}`.
pub(super) async fn package_get(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let p = state.run(move |c| Ok(store::get_package(c, &id)?)).await?;
    Ok(Json(package_json(&p)))
}

/// `POST /api/v1/aid/packages`: national administrators; the book list is
/// uploaded separately.
pub(super) async fn package_create(
    State(state): State<AppState>,
    user: CurrentUser,
    body: JsonBody,
) -> Result<Response, WebError> {
    if !may_manage_packages(&user.actor) {
        return Err(WebError::Forbidden);
    }
    let form = package_form(&json_object(body)?)?;
    let draft = PackageDraft::parse(&form, this_year())?;
    let by = actor_ref(&user);
    let p = state
        .run(move |c| Ok(store::create_package(c, &by, &draft, None)?))
        .await?;
    Ok((StatusCode::CREATED, Json(package_json(&p))).into_response())
}

/// `PUT /api/v1/aid/packages/{id}`: the whole package (components by
/// position).
pub(super) async fn package_update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    if !may_manage_packages(&user.actor) {
        return Err(WebError::Forbidden);
    }
    let form = package_form(&json_object(body)?)?;
    let draft = PackageDraft::parse(&form, this_year())?;
    let by = actor_ref(&user);
    let p = state
        .run(move |c| Ok(store::update_package(c, &by, &id, &draft, None)?))
        .await?;
    Ok(Json(package_json(&p)))
}

/// `POST /api/v1/aid/packages/{id}/book-list` (multipart `file`): replaces
/// the package's book list. Checked by content and read through before it
/// is stored.
pub(super) async fn book_list_upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<Value>, WebError> {
    if !may_manage_packages(&user.actor) {
        return Err(WebError::Forbidden);
    }
    let pid = id.clone();
    let p = state.run(move |c| Ok(store::get_package(c, &pid)?)).await?;
    let data = uploads::read_form(multipart).await?;
    let part: FilePart = data
        .file("file")
        .or_else(|| data.file("book_list"))
        .cloned()
        .ok_or_else(|| Invalid::one("book_list", Problem::Required))?;
    let year = p.year;
    let checked = tokio::task::spawn_blocking(move || {
        let prepared = uploads::prepare(&part, Accept::BookList)?;
        let source = item_source(year);
        let list = store::prepare_book_list(
            &prepared.bytes,
            &Marking {
                year,
                source: &source,
                acquired_on: today(),
            },
        )
        .map_err(|_| Problem::FileDamaged)?;
        if list.copies == 0 {
            return Err(Problem::FileEmpty);
        }
        Ok((prepared, list.titles, list.copies, list.problems_total))
    })
    .await
    .map_err(|e| WebError::Internal(format!("blocking task: {e}")))?
    .map_err(|p| Invalid::one("book_list", p))?;
    let (prepared, titles, copies, problems) = checked;
    let by = actor_ref(&user);
    let who = user.clone();
    let saved = state
        .run(move |c| {
            let region = store::national_region();
            let list = BookList {
                upload: prepared.into_new(None, &region, &who),
                titles,
                copies,
            };
            Ok(store::set_book_list(c, &by, &id, list)?)
        })
        .await?;
    Ok(Json(json!({
        "package": package_json(&saved),
        "titles": titles,
        "copies": copies,
        "problems": problems,
    })))
}

/// `GET /api/v1/aid/summary[?year=&region=]`: allocations by status within
/// reach, and how many are late.
pub(super) async fn summary(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let filter = Filter::parse(&pairs)?;
    let q = filter.query(&user.actor);
    let day = today();
    let counts = state
        .run(move |c| Ok(store::status_counts(c, &q, day)?))
        .await?;
    Ok(Json(json!({
        "year": filter.year,
        "region": filter.region.map(|r| r.to_string()),
        "today": day.to_string(),
        "counts": counts,
    })))
}

/// `GET /api/v1/aid/allocations[?year=&status=&late=&region=&library=&package=&page=&per_page=]`.
pub(super) async fn allocations(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let filter = Filter::parse(&pairs)?;
    let q = filter.query(&user.actor);
    let page = state
        .run(move |c| Ok(store::list_allocations(c, &q)?))
        .await?;
    Ok(Json(json!({
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "items": page.items.iter().map(allocation_json).collect::<Vec<_>>(),
    })))
}

/// `POST /api/v1/aid/allocations` `{library, package, due_date}`: officers,
/// for a library within reach (else 422 on `library`).
pub(super) async fn allocation_create(
    State(state): State<AppState>,
    user: CurrentUser,
    body: JsonBody,
) -> Result<Response, WebError> {
    if !user.actor.role.is_officer() {
        return Err(WebError::Forbidden);
    }
    let mut form = AllocationForm::default();
    for (k, v) in text_fields(&json_object(body)?, &[])? {
        form.set(&k, &v);
    }
    let draft = AllocationDraft::parse(&form)?;
    let by = actor_ref(&user);
    let actor = user.actor.clone();
    let a = state
        .run(move |c| {
            let lib = library_in_reach(c, &actor, &draft.library)?;
            Ok(store::create_allocation(
                c,
                &by,
                lib,
                &draft.package,
                draft.due_date,
            )?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(allocation_json(&a))).into_response())
}

/// `POST /api/v1/aid/allocations/bulk` `{year, full_support_package,
/// book_aid_package, due_date}`: every accepted proposal of the year within
/// reach.
pub(super) async fn bulk(
    State(state): State<AppState>,
    user: CurrentUser,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    if !user.actor.role.is_officer() {
        return Err(WebError::Forbidden);
    }
    let mut form = BulkForm::default();
    for (k, v) in text_fields(&json_object(body)?, &[])? {
        form.set(&k, &v);
    }
    let draft = BulkDraft::parse(&form, this_year())?;
    let by = actor_ref(&user);
    let reach = user.actor.reach();
    let out = state
        .run(move |c| Ok(store::bulk_allocate(c, &by, &reach, &draft)?))
        .await?;
    Ok(Json(serde_json::to_value(out).unwrap_or(Value::Null)))
}

/// `GET /api/v1/aid/allocations/{id}`: with package, shipments and receipt.
pub(super) async fn allocation_get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let d = readable(&state, &user, id).await?;
    Ok(Json(detail_json(&d)))
}

/// `PUT /api/v1/aid/allocations/{id}` `{package, due_date}`.
pub(super) async fn allocation_update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    let d = readable(&state, &user, id.clone()).await?;
    if !may_distribute(&user.actor, &d.allocation) {
        return Err(WebError::Forbidden);
    }
    let mut form = AllocationForm {
        library: d.allocation.library_id.clone(),
        package: d.allocation.package_id.clone(),
        due_date: d
            .allocation
            .due_date
            .map(|x| x.to_string())
            .unwrap_or_default(),
    };
    for (k, v) in text_fields(&json_object(body)?, &["library", "library_id"])? {
        form.set(&k, &v);
    }
    let draft = AllocationDraft::parse(&form)?;
    let by = actor_ref(&user);
    let a = state
        .run(move |c| {
            Ok(store::update_allocation(
                c,
                &by,
                &id,
                &draft.package,
                draft.due_date,
            )?)
        })
        .await?;
    Ok(Json(allocation_json(&a)))
}

/// `DELETE /api/v1/aid/allocations/{id}`: only while nothing was shipped.
pub(super) async fn allocation_delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let d = readable(&state, &user, id.clone()).await?;
    if !may_distribute(&user.actor, &d.allocation) {
        return Err(WebError::Forbidden);
    }
    let by = actor_ref(&user);
    state
        .run(move |c| Ok(store::delete_allocation(c, &by, &id)?))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PUT /api/v1/aid/allocations/{id}/shipments/{component}`
/// `{planned_date, shipped_date, delivered_date, courier, tracking, note}`:
/// replaces what was recorded for that component.
pub(super) async fn shipment_put(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, component)): Path<(String, String)>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    let d = readable(&state, &user, id.clone()).await?;
    if !may_distribute(&user.actor, &d.allocation) {
        return Err(WebError::Forbidden);
    }
    if !d.package.components.iter().any(|c| c.id == component) {
        return Err(WebError::NotFound);
    }
    let mut form = ShipmentForm::default();
    for (k, v) in text_fields(&json_object(body)?, &[])? {
        form.set(&k, &v);
    }
    let draft = ShipmentDraft::parse(&form, today_at(&d.allocation))?;
    let by = actor_ref(&user);
    let d = state
        .run(move |c| Ok(store::save_shipment(c, &by, &id, &component, &draft)?))
        .await?;
    Ok(Json(detail_json(&d)))
}

/// `POST /api/v1/aid/shipments/bulk` `{package, component_kind, region,
/// planned_date, shipped_date, delivered_date, courier, tracking, note}`.
pub(super) async fn bulk_shipment(
    State(state): State<AppState>,
    user: CurrentUser,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    if !user.actor.role.is_officer() {
        return Err(WebError::Forbidden);
    }
    let fields = text_fields(&json_object(body)?, &[])?;
    let get = |k: &str| param(&fields, k);
    let mut form = ShipmentForm::default();
    for (k, v) in &fields {
        form.set(k, v);
    }
    let mut errors = Invalid::default();
    let draft = ShipmentDraft::parse(&form, today())
        .map_err(|e| errors.0.extend(e.0))
        .ok();
    let kind_text = match get("component_kind") {
        k if k.is_empty() => get("kind"),
        k => k,
    };
    let kind = ComponentKind::parse(&kind_text)
        .map_err(|p| errors.push("component_kind", p))
        .ok();
    let region = optional(&get("region")).and_then(|r| {
        RegionCode::parse(r)
            .map_err(|p| errors.push("region", p))
            .ok()
    });
    let package = get("package");
    if package.is_empty() {
        errors.push("package", Problem::Required);
    }
    if draft.as_ref().is_some_and(ShipmentDraft::is_empty) {
        errors.push("shipped_date", Problem::Required);
    }
    let (Some(draft), Some(kind), true) = (draft, kind, errors.is_empty()) else {
        return Err(errors.into());
    };
    let by = actor_ref(&user);
    let reach = user.actor.reach();
    let out = state
        .run(move |c| {
            Ok(store::bulk_shipment(
                c,
                &by,
                &reach,
                region.as_ref(),
                &package,
                kind,
                &draft,
            )?)
        })
        .await?;
    Ok(Json(serde_json::to_value(out).unwrap_or(Value::Null)))
}

/// `POST /api/v1/aid/allocations/{id}/receipt` (multipart: the receipt's
/// fields, `photo` required, `document` optional, `import_books=true` to
/// bring the books in at once): the library's own manager and staff.
pub(super) async fn receipt(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let d = readable(&state, &user, id).await?;
    if !may_receive(&user.actor, &d.allocation) {
        return Err(WebError::Forbidden);
    }
    let s = read_receipt(&d, multipart).await?;
    let (Some(draft), true) = (s.draft, s.errors.is_empty()) else {
        return Err(s.errors.into());
    };
    let (r, books) = save_receipt(
        &state,
        &user,
        &d,
        draft,
        s.photo,
        s.document,
        s.import_books,
    )
    .await?
    .map_err(WebError::Invalid)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "receipt": r,
            "books": books,
        })),
    )
        .into_response())
}

/// `POST /api/v1/aid/allocations/{id}/books`: the book list into the
/// library's catalogue (after receipt; running it again adds nothing).
pub(super) async fn books(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let d = readable(&state, &user, id.clone()).await?;
    if !may_receive(&user.actor, &d.allocation) {
        return Err(WebError::Forbidden);
    }
    let by = actor_ref(&user);
    let out = state
        .run(
            move |c| match store::import_books(c, &by, &id, this_year()) {
                Ok(b) => Ok(b),
                Err(StoreError::NotFound) => Err(WebError::NotFound),
                Err(e) => Err(e.into()),
            },
        )
        .await?;
    state.catalog_changed();
    Ok(Json(serde_json::to_value(out).unwrap_or(Value::Null)))
}

//! `/api/v1/program`: program years, proposals (list, create, change,
//! documents, submit, verify, decide) and the officers' overview as JSON.
//!
//! The same rules as the pages: outside reach 404, not allowed 403, bad
//! input 422 with the fields named. Documents are sent as multipart with one
//! part per document (`doc_sk_pendirian`, `doc_npp`, `doc_commitment_letter`,
//! `doc_tbm_active`, or the bare kind keys).

use super::proposals::{new_documents, prepare_documents, proposable_library};
use super::{actor_ref, allow, decision_note, place, readable, this_year};
use crate::api::{JsonBody, json_object, scalar_text};
use crate::audit::utc_json;
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::state::AppState;
use crate::uploads;
use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lentera_core::field::{Invalid, Problem};
use lentera_core::ids::LibraryId;
use lentera_core::program::{
    Decision, DecisionForm, DocumentKind, Figures, GRANTABLE, Overview, ProgramYear,
    ProposalChange, ProposalDraft, ProposalForm, ProposalStatus, Step, YearDraft, YearForm,
    may_decide, may_manage_years, may_propose,
};
use lentera_core::regions::RegionCode;
use lentera_core::users::Role;
use lentera_store::notifications::Note;
use lentera_store::program::{self as store, Proposal, ProposalQuery};
use serde_json::{Map, Value, json};

fn param(pairs: &[(String, String)], key: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn year_json(y: &ProgramYear) -> Value {
    let d = &y.details;
    json!({
        "year": d.year,
        "name": d.name,
        "target_libraries": d.target_libraries,
        "target_full_support": d.target_full_support,
        "target_book_aid": d.target_book_aid,
        "target_trained": d.target_trained,
        "min_proposals_per_district": d.min_proposals_per_district,
        "proposal_deadline": d.proposal_deadline.map(|d| d.to_string()),
        "decree_number": d.decree_number,
        "decree_date": d.decree_date.map(|d| d.to_string()),
        "open": y.open(),
        "created_at": utc_json(y.created_at),
        "updated_at": crate::libraries::version(&y.updated_at),
    })
}

fn proposal_json(p: &Proposal, deadline: Option<chrono::NaiveDate>) -> Value {
    let docs: Vec<Value> = p
        .documents
        .iter()
        .map(|d| {
            json!({
                "kind": d.kind.key(),
                "upload_id": d.upload_id,
                "url": format!("/uploads/{}", d.upload_id),
                "filename": d.filename,
                "file_kind": d.file_kind,
                "size": d.size,
                "added_at": utc_json(d.added_at),
            })
        })
        .collect();
    json!({
        "id": p.id,
        "year": p.year,
        "library_id": p.library_id.to_string(),
        "library_name": p.library_name,
        "library_kind": p.library_kind.key(),
        "npp": p.library_npp,
        "region_code": p.region_code.to_string(),
        "requested": p.requested.key(),
        "note": p.note,
        "status": p.status.key(),
        "late": p.late(deadline),
        "documents": docs,
        "missing_documents": p.missing().iter().map(|d| d.key()).collect::<Vec<_>>(),
        "proposed_by": p.proposed_by_name,
        "submitted_at": p.submitted_at.map(utc_json),
        "verified_by": p.verified_by_name,
        "verified_at": p.verified_at.map(utc_json),
        "decided_by": p.decided_by_name,
        "decided_at": p.decided_at.map(utc_json),
        "participation": p.participation.map(|g| g.key()),
        "reason": p.reason,
        "active_managers": p.active_managers,
        "created_at": utc_json(p.created_at),
        "updated_at": crate::libraries::version(&p.updated_at),
    })
}

fn figures_json(f: &Figures) -> Value {
    let proposals: Map<String, Value> = ProposalStatus::ALL
        .iter()
        .map(|s| (s.key().to_string(), f.proposals[s.index()].into()))
        .collect();
    let recipients: Map<String, Value> = GRANTABLE
        .iter()
        .enumerate()
        .map(|(i, p)| (p.key().to_string(), f.recipients[i].into()))
        .collect();
    json!({
        "proposals": proposals,
        "proposals_sent": f.proposals_sent(),
        "proposals_total": f.proposals_total(),
        "regencies_proposing": f.regencies_proposing,
        "regencies_at_minimum": f.regencies_at_minimum,
        "recipients": recipients,
        "recipients_total": f.recipients_total(),
        "aid": f.aid,
        "aid_total": f.aid_total(),
        "aid_received": f.aid_received,
        "aid_late": f.aid_late,
        "participants": f.participants,
        "attended": f.attended,
        "workplans": f.workplans,
        "workplans_total": f.workplans_total(),
    })
}

fn overview_json(state: &AppState, o: &Overview) -> Value {
    let rows: Vec<Value> = o
        .rows
        .iter()
        .map(|(code, f)| {
            let mut v = figures_json(f);
            if let Some(m) = v.as_object_mut() {
                m.insert("region".into(), code.to_string().into());
                m.insert(
                    "name".into(),
                    super::proposals::region_name(state, code).into(),
                );
            }
            v
        })
        .collect();
    json!({
        "year": o.year,
        "region": o.region.as_ref().map(|r| r.to_string()),
        "row_level": o.row_level.as_str(),
        "min_proposals_per_district": o.min_per_district,
        "rows": rows,
        "total": figures_json(&o.total),
    })
}

/// A JSON body's scalar fields through `set`; arrays and objects are a
/// 400 naming the key.
fn fields(body: JsonBody, mut set: impl FnMut(&str, &str)) -> Result<Map<String, Value>, WebError> {
    let map = json_object(body)?;
    for (k, v) in &map {
        let Some(text) = scalar_text(v) else {
            return Err(WebError::BadRequest(format!(
                "`{k}` must be a string, number or null"
            )));
        };
        set(k, &text);
    }
    Ok(map)
}

fn officer(u: &CurrentUser) -> Result<(), WebError> {
    if u.actor.role.is_officer() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// `GET /api/v1/program/years`: officers.
pub(super) async fn years(
    State(state): State<AppState>,
    u: CurrentUser,
) -> Result<Json<Value>, WebError> {
    officer(&u)?;
    let years = state.run(|c| Ok(store::list_years(c)?)).await?;
    Ok(Json(json!({
        "items": years.iter().map(year_json).collect::<Vec<_>>(),
    })))
}

/// `GET /api/v1/program/years/{year}`.
pub(super) async fn year(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(year): Path<String>,
) -> Result<Json<Value>, WebError> {
    officer(&u)?;
    let year: i32 = year.parse().map_err(|_| WebError::NotFound)?;
    let y = state.run(move |c| Ok(store::get_year(c, year)?)).await?;
    Ok(Json(year_json(&y)))
}

/// `POST /api/v1/program/years`: national administrators.
pub(super) async fn create_year(
    State(state): State<AppState>,
    u: CurrentUser,
    body: JsonBody,
) -> Result<Response, WebError> {
    if !may_manage_years(&u.actor) {
        return Err(WebError::Forbidden);
    }
    let mut form = YearForm::default();
    fields(body, |k, v| {
        form.set(k, v);
    })?;
    let draft = YearDraft::parse(&form, this_year())?;
    let by = actor_ref(&u);
    let y = state
        .run(move |c| Ok(store::create_year(c, &by, &draft)?))
        .await?;
    Ok((StatusCode::CREATED, Json(year_json(&y))).into_response())
}

/// `PUT /api/v1/program/years/{year}`: the whole year (fields left out keep
/// their value); `updated_at` guards against overwriting someone's change.
pub(super) async fn update_year(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(year): Path<String>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    if !may_manage_years(&u.actor) {
        return Err(WebError::Forbidden);
    }
    let year: i32 = year.parse().map_err(|_| WebError::NotFound)?;
    let before = state.run(move |c| Ok(store::get_year(c, year)?)).await?;
    let mut form = before.to_form();
    let mut version = String::new();
    fields(body, |k, v| {
        if k == "updated_at" {
            version = v.to_string();
        } else {
            form.set(k, v);
        }
    })?;
    let expected = crate::libraries::parse_version(&version)?;
    let draft = YearDraft::parse(&form, this_year().max(year))?;
    let by = actor_ref(&u);
    let y = state
        .run(move |c| Ok(store::update_year(c, &by, year, &draft, expected)?))
        .await?;
    Ok(Json(year_json(&y)))
}

/// `GET /api/v1/program/proposals?year=&status=&region=&library=&page=&per_page=`.
pub(super) async fn list(
    State(state): State<AppState>,
    u: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let mut e = Invalid::default();
    let mut q = ProposalQuery::new(u.actor.reach());
    if let Some(y) = param(&pairs, "year") {
        match y.parse() {
            Ok(y) => q.year = Some(y),
            Err(_) => e.push("program_year", Problem::NotANumber),
        }
    }
    if let Some(s) = param(&pairs, "status") {
        match ProposalStatus::parse(&s) {
            Ok(s) => q.status = Some(s),
            Err(p) => e.push("proposal", p),
        }
    }
    if let Some(r) = param(&pairs, "region") {
        match RegionCode::parse(&r) {
            Ok(r) => q.region = Some(r),
            Err(p) => e.push("region", p),
        }
    }
    if let Some(l) = param(&pairs, "library") {
        match LibraryId::parse(&l) {
            Ok(l) => q.library = Some(l),
            Err(p) => e.push("library_id", p),
        }
    }
    let (page, per_page) = crate::audit::paging(
        param(&pairs, "page").as_deref(),
        param(&pairs, "per_page").as_deref(),
        50,
        &mut e,
    );
    if !e.is_empty() {
        return Err(e.into());
    }
    q.page = page;
    q.per_page = per_page;
    let (page, years) = state
        .run(move |c| Ok((store::list(c, &q)?, store::list_years(c)?)))
        .await?;
    let deadline = |y: i32| {
        years
            .iter()
            .find(|p| p.year() == y)
            .and_then(|p| p.details.proposal_deadline)
    };
    Ok(Json(json!({
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "items": page.items.iter().map(|p| proposal_json(p, deadline(p.year))).collect::<Vec<_>>(),
    })))
}

async fn one(state: &AppState, u: &CurrentUser, id: String) -> Result<Value, WebError> {
    let user = u.clone();
    state
        .run(move |c| {
            let p = readable(c, &user, &id)?;
            let y = store::get_year(c, p.year)?;
            Ok(proposal_json(&p, y.details.proposal_deadline))
        })
        .await
}

/// `GET /api/v1/program/proposals/{id}`.
pub(super) async fn get_one(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    Ok(Json(one(&state, &u, id).await?))
}

/// `POST /api/v1/program/proposals`: `{year, library_id, requested, note}`
/// → 201 with the draft. Documents follow through `/documents`.
pub(super) async fn create(
    State(state): State<AppState>,
    u: CurrentUser,
    body: JsonBody,
) -> Result<Response, WebError> {
    if u.actor.role != Role::District {
        return Err(WebError::Forbidden);
    }
    let mut form = ProposalForm::default();
    fields(body, |k, v| {
        form.set(k, v);
    })?;
    let user = u.clone();
    let created = state
        .run(move |c| {
            let mut errors = Invalid::default();
            let draft = ProposalDraft::parse(&form).map_err(|e| errors = e).ok();
            if let Ok(id) = LibraryId::parse(&form.library_id)
                && let Err(e) = proposable_library(c, &user, id)?
            {
                errors.0.extend(e.0);
            }
            let Some(draft) = draft.filter(|_| errors.is_empty()) else {
                return Err(errors.into());
            };
            let p = store::create(c, &actor_ref(&user), &draft, Vec::new())?;
            let y = store::get_year(c, p.year)?;
            Ok(proposal_json(&p, y.details.proposal_deadline))
        })
        .await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// `PUT /api/v1/program/proposals/{id}`: `{requested, note, updated_at}` of
/// a draft or returned proposal.
pub(super) async fn update(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    let mut form = ProposalForm::default();
    let mut version = String::new();
    let map = fields(body, |k, v| {
        if k == "updated_at" {
            version = v.to_string();
        } else {
            form.set(k, v);
        }
    })?;
    let expected = crate::libraries::parse_version(&version)?;
    let user = u.clone();
    let v = state
        .run(move |c| {
            let p = readable(c, &user, &id)?;
            allow(may_propose(&user.actor, &place(&p)))?;
            // Fields left out keep their value.
            if !map.contains_key("requested") {
                form.requested = p.requested.key().to_string();
            }
            if !map.contains_key("note") && !map.contains_key("proposal_note") {
                form.proposal_note = p.note.clone().unwrap_or_default();
            }
            let change = ProposalChange::parse(&form)?;
            let p = store::update(
                c,
                &actor_ref(&user),
                &p.id,
                Some(&change),
                Vec::new(),
                expected,
            )?;
            let y = store::get_year(c, p.year)?;
            Ok(proposal_json(&p, y.details.proposal_deadline))
        })
        .await?;
    Ok(Json(v))
}

/// `DELETE /api/v1/program/proposals/{id}`: withdraw a draft.
pub(super) async fn delete(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    let user = u.clone();
    state
        .run(move |c| {
            let p = readable(c, &user, &id)?;
            allow(may_propose(&user.actor, &place(&p)))?;
            store::delete(c, &actor_ref(&user), &p.id)?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/program/proposals/{id}/documents` (multipart): attach or
/// replace documents, each checked by content.
pub(super) async fn documents(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<Value>, WebError> {
    let user = u.clone();
    let pid = id.clone();
    let p = state.run(move |c| readable(c, &user, &pid)).await?;
    allow(may_propose(&u.actor, &place(&p)))?;
    let data = uploads::read_form(multipart).await?;
    if data.files.is_empty() {
        return Err(Invalid::one(DocumentKind::SkPendirian.field(), Problem::Required).into());
    }
    let user = u.clone();
    let v = state
        .run(move |c| {
            let mut errors = Invalid::default();
            let prepared = prepare_documents(&data, &mut errors);
            if !errors.is_empty() {
                return Err(errors.into());
            }
            let docs = new_documents(prepared, p.library_id, &p.region_code, &user);
            let p = store::update(c, &actor_ref(&user), &p.id, None, docs, None)?;
            let y = store::get_year(c, p.year)?;
            Ok(proposal_json(&p, y.details.proposal_deadline))
        })
        .await?;
    Ok(Json(v))
}

async fn step(
    state: &AppState,
    u: &CurrentUser,
    id: String,
    step: Option<Step>,
    decision: Option<DecisionForm>,
) -> Result<Json<Value>, WebError> {
    let user = u.clone();
    let v = state
        .run(move |c| {
            let p = readable(c, &user, &id)?;
            let step = match (step, decision) {
                (Some(Step::Submit), _) => {
                    allow(may_propose(&user.actor, &place(&p)))?;
                    Step::Submit
                }
                (Some(s), _) => {
                    allow(may_decide(&user.actor, &place(&p)))?;
                    s
                }
                (None, Some(form)) => {
                    allow(may_decide(&user.actor, &place(&p)))?;
                    Decision::parse(&form)?.0
                }
                (None, None) => return Err(WebError::BadRequest("no step".into())),
            };
            let texts = decision_note(&p, &step);
            let link = format!("/program/proposals/{}", p.id);
            let note = texts.as_ref().map(|(id, en)| Note {
                id,
                en,
                link: &link,
            });
            let p = store::step(c, &actor_ref(&user), &p.id, &step, note.as_ref())?;
            let y = store::get_year(c, p.year)?;
            Ok(proposal_json(&p, y.details.proposal_deadline))
        })
        .await?;
    Ok(Json(v))
}

/// `POST /api/v1/program/proposals/{id}/submit`: the district sends it.
pub(super) async fn submit(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    step(&state, &u, id, Some(Step::Submit), None).await
}

/// `POST /api/v1/program/proposals/{id}/verify`: Perpusnas.
pub(super) async fn verify(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    step(&state, &u, id, Some(Step::Verify), None).await
}

/// `POST /api/v1/program/proposals/{id}/decide`:
/// `{decision: accept|reject|return, granted, reason}`.
pub(super) async fn decide(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    let mut form = DecisionForm::default();
    fields(body, |k, v| {
        form.set(k, v);
    })?;
    step(&state, &u, id, None, Some(form)).await
}

/// `GET /api/v1/program/overview?year=&region=`: officers, within reach.
pub(super) async fn overview(
    State(state): State<AppState>,
    u: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let year = match param(&pairs, "year") {
        None => None,
        Some(y) => Some(
            y.parse::<i32>()
                .map_err(|_| Invalid::one("program_year", Problem::NotANumber))?,
        ),
    };
    let region = match param(&pairs, "region") {
        None => None,
        Some(r) => Some(RegionCode::parse(&r).map_err(|p| Invalid::one("region", p))?),
    };
    let (_, o) = super::overview::load(&state, &u, year, region).await?;
    let o = o.ok_or(WebError::NotFound)?;
    Ok(Json(overview_json(&state, &o)))
}

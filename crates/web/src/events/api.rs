//! `/api/v1/events/...`: the same as the pages, as JSON. The rules are the
//! pages' (same parsing, same reach: 404 outside it, 403 for a forbidden
//! action), and `/api/v1/certificates/{code}` is the public verification.

use super::certificates::issue_for;
use super::pages::{parse_event, parse_session, summary_of, version};
use super::people::{sign_up, withdraw};
use super::{Ctx, ctx, viewer};
use crate::api::{JsonBody, json_object, scalar_text};
use crate::audit::utc_json;
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::state::AppState;
use crate::visits::actor_ref;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lentera_core::events::{
    CertificateCode, EventForm, ParticipantForm, SURVEY_QUESTIONS, SessionForm, SurveyDraft,
    SurveyForm, SurveySummary, TrainerDraft, TrainerForm, parse_score,
};
use lentera_core::field::{Invalid, Problem};
use lentera_store::events::{
    self as store, Event, EventQuery, Participant, Seats, Session, Trainer, When,
};
use serde_json::{Map, Value, json};

fn text_fields(map: &Map<String, Value>) -> Result<Vec<(String, String)>, WebError> {
    map.iter()
        .filter(|(_, v)| !v.is_array() && !v.is_object())
        .map(|(k, v)| {
            scalar_text(v)
                .map(|t| (k.clone(), t))
                .ok_or_else(|| WebError::BadRequest(format!("`{k}` must be a string or number")))
        })
        .collect()
}

fn event_json(e: &Event) -> Value {
    let d = &e.details;
    json!({
        "id": e.id,
        "year": e.year,
        "kind": d.kind.key(),
        "title": d.title,
        "region_code": d.region_code.as_str(),
        "venue": d.venue,
        "starts_on": d.starts_on.to_string(),
        "ends_on": d.ends_on.to_string(),
        "mode": d.mode.key(),
        "meeting_link": d.meeting_link,
        "organiser": d.organiser,
        "capacity_in_person": d.capacity_in_person,
        "capacity_online": d.capacity_online,
        "workplan_due_days": d.workplan_due_days,
        "workplan_due": d.workplan_due().to_string(),
        "certificate_percent": d.certificate_percent,
        "signatory_name": d.signatory_name,
        "signatory_position": d.signatory_position,
        "updated_at": utc_json(e.updated_at),
    })
}

fn seats_json(s: &Seats) -> Value {
    json!({
        "in_person": s.in_person,
        "online": s.online,
        "waitlisted_in_person": s.waitlisted_in_person,
        "waitlisted_online": s.waitlisted_online,
    })
}

fn session_json(s: &Session) -> Value {
    json!({
        "id": s.id,
        "topic": s.topic.key(),
        "title": s.title,
        "date": s.held_on.to_string(),
        "starts_at": s.starts_at.map(|t| t.format("%H:%M").to_string()),
        "ends_at": s.ends_at.map(|t| t.format("%H:%M").to_string()),
        "mode": s.mode.key(),
        "trainer_id": s.trainer_id,
    })
}

fn trainer_json(t: &Trainer) -> Value {
    json!({"id": t.id, "name": t.name, "institution": t.institution, "role": t.role})
}

fn participant_json(p: &Participant) -> Value {
    json!({
        "id": p.id,
        "library_id": p.library_id.map(|l| l.to_string()),
        "library_name": p.library_name,
        "full_name": p.full_name,
        "team_role": p.team_role.key(),
        "gender": p.gender.key(),
        "phone": p.phone,
        "institution": p.institution,
        "attend_mode": p.attend_mode.key(),
        "status": p.status.key(),
        "pre_test": p.pre_test,
        "post_test": p.post_test,
        "certificate_code": p.certificate_code,
        "certificate_issued_at": p.certificate_issued_at.map(utc_json),
    })
}

fn survey_json(s: &SurveySummary) -> Value {
    let questions: Vec<Value> = SURVEY_QUESTIONS
        .iter()
        .enumerate()
        .map(|(i, q)| json!({"question": q, "average": s.averages[i], "distribution": s.distribution[i]}))
        .collect();
    json!({"responses": s.responses, "questions": questions, "best": s.best, "improve": s.improve})
}

fn param(q: &[(String, String)], k: &str) -> String {
    q.iter()
        .find(|(a, _)| a == k)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

/// `GET /api/v1/events?when=current|past|all&year=&q=&page=&per_page=`.
pub(super) async fn list(
    State(state): State<AppState>,
    u: CurrentUser,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let when = match param(&q, "when").as_str() {
        "" | "all" => When::All,
        "current" => When::Current,
        "past" => When::Past,
        _ => return Err(Invalid::one("when", Problem::UnknownChoice).into()),
    };
    let year = match param(&q, "year").as_str() {
        "" => None,
        y => Some(
            y.parse::<i32>()
                .map_err(|_| Invalid::one("year", Problem::NotANumber))?,
        ),
    };
    let mut errors = Invalid::default();
    let (page, per_page) = crate::audit::paging(
        Some(param(&q, "page").as_str()),
        Some(param(&q, "per_page").as_str()),
        50,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let text = Some(param(&q, "q")).filter(|t| !t.is_empty());
    let today = super::today();
    let page = state
        .run(move |c| {
            let viewer = viewer(c, &u)?;
            Ok(store::list(
                c,
                &EventQuery {
                    viewer,
                    when,
                    year,
                    text,
                    today,
                    page,
                    per_page,
                },
            )?)
        })
        .await?;
    Ok(Json(json!({
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "items": page.items.iter().map(|l| {
            let mut v = event_json(&l.event);
            if let Some(o) = v.as_object_mut() {
                o.insert("registered".into(), l.registered.into());
                o.insert("waitlisted".into(), l.waitlisted.into());
                o.insert("my_team".into(), l.my_team.into());
            }
            v
        }).collect::<Vec<_>>(),
    })))
}

fn event_form(map: &Map<String, Value>) -> Result<(EventForm, String), WebError> {
    let mut f = EventForm::default();
    let mut v = String::new();
    for (k, t) in text_fields(map)? {
        if k == "updated_at" {
            v = t;
        } else {
            f.set(&k, &t);
        }
    }
    Ok((f, v))
}

/// `POST /api/v1/events`: officers, in their region.
pub(super) async fn create(
    State(state): State<AppState>,
    u: CurrentUser,
    body: JsonBody,
) -> Result<Response, WebError> {
    if !u.actor.role.is_officer() {
        return Err(WebError::Forbidden);
    }
    let (f, _) = event_form(&json_object(body)?)?;
    let d = parse_event(&state, &u, &f)?;
    let by = actor_ref(&u);
    let e = state.run(move |c| Ok(store::create(c, &by, &d)?)).await?;
    Ok((StatusCode::CREATED, Json(event_json(&e))).into_response())
}

async fn detail(state: &AppState, cx: &Ctx) -> Result<Value, WebError> {
    let e = cx.event.clone();
    let (sessions, trainers, seats) = state
        .run(move |c| {
            Ok((
                store::sessions(c, &e.id)?,
                store::trainers(c, &e.id)?,
                store::seats(c, &e.id)?,
            ))
        })
        .await?;
    let mut v = event_json(&cx.event);
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "access".into(),
            serde_json::to_value(cx.access).unwrap_or_default(),
        );
        o.insert("registration_open".into(), cx.open().into());
        o.insert("seats".into(), seats_json(&seats));
        o.insert(
            "sessions".into(),
            sessions.iter().map(session_json).collect::<Vec<_>>().into(),
        );
        o.insert(
            "trainers".into(),
            trainers.iter().map(trainer_json).collect::<Vec<_>>().into(),
        );
    }
    Ok(v)
}

/// `GET /api/v1/events/{id}`.
pub(super) async fn get(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let cx = ctx(&state, &u, id).await?;
    Ok(Json(detail(&state, &cx).await?))
}

/// `PUT /api/v1/events/{id}`: organisers; `updated_at` as read guards
/// against lost updates (409).
pub(super) async fn update(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let (f, v) = event_form(&json_object(body)?)?;
    let d = parse_event(&state, &u, &f)?;
    let by = actor_ref(&u);
    let expected = version(&v);
    let e = state
        .run(move |c| Ok(store::update(c, &by, &cx.event.id, &d, expected)?))
        .await?;
    Ok(Json(event_json(&e)))
}

/// `POST /api/v1/events/{id}/trainers`: `{name, institution, role}`.
pub(super) async fn add_trainer(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let mut f = TrainerForm::default();
    for (k, t) in text_fields(&json_object(body)?)? {
        match k.as_str() {
            "name" | "trainer_name" => f.name = t,
            "institution" => f.institution = t,
            "role" | "trainer_role" => f.role = t,
            _ => {}
        }
    }
    let d = TrainerDraft::parse(&f)?;
    let by = actor_ref(&u);
    let t = state
        .run(move |c| Ok(store::add_trainer(c, &by, &cx.event, &d)?))
        .await?;
    Ok((StatusCode::CREATED, Json(trainer_json(&t))).into_response())
}

/// `DELETE /api/v1/events/{id}/trainers/{tid}`.
pub(super) async fn remove_trainer(
    State(state): State<AppState>,
    u: CurrentUser,
    Path((id, tid)): Path<(String, String)>,
) -> Result<StatusCode, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let by = actor_ref(&u);
    state
        .run(move |c| Ok(store::remove_trainer(c, &by, &cx.event, &tid)?))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn session_form(map: &Map<String, Value>) -> Result<SessionForm, WebError> {
    let mut f = SessionForm::default();
    for (k, t) in text_fields(map)? {
        f.set(&k, &t);
    }
    Ok(f)
}

/// `POST /api/v1/events/{id}/sessions`: `{topic, title, date, start, end,
/// mode, trainer_id}`.
pub(super) async fn add_session(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let d = parse_session(&cx.event, &session_form(&json_object(body)?)?)?;
    let by = actor_ref(&u);
    let s = state
        .run(move |c| Ok(store::add_session(c, &by, &cx.event, &d)?))
        .await?;
    Ok((StatusCode::CREATED, Json(session_json(&s))).into_response())
}

/// `PUT /api/v1/events/{id}/sessions/{sid}`.
pub(super) async fn update_session(
    State(state): State<AppState>,
    u: CurrentUser,
    Path((id, sid)): Path<(String, String)>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let d = parse_session(&cx.event, &session_form(&json_object(body)?)?)?;
    let by = actor_ref(&u);
    let s = state
        .run(move |c| Ok(store::update_session(c, &by, &cx.event, &sid, &d)?))
        .await?;
    Ok(Json(session_json(&s)))
}

/// `DELETE /api/v1/events/{id}/sessions/{sid}`.
pub(super) async fn delete_session(
    State(state): State<AppState>,
    u: CurrentUser,
    Path((id, sid)): Path<(String, String)>,
) -> Result<StatusCode, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let by = actor_ref(&u);
    state
        .run(move |c| Ok(store::delete_session(c, &by, &cx.event, &sid)?))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/events/{id}/sessions/{sid}/attendance`: organisers.
pub(super) async fn roll_call(
    State(state): State<AppState>,
    u: CurrentUser,
    Path((id, sid)): Path<(String, String)>,
) -> Result<Json<Value>, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let (s, roll) = state
        .run(move |c| {
            let s = store::session(c, &cx.event.id, &sid)?;
            let roll = store::roll_call(c, &cx.event, &s)?;
            Ok((s, roll))
        })
        .await?;
    let present = roll.iter().filter(|(_, m)| *m == Some(true)).count();
    Ok(Json(json!({
        "session": session_json(&s),
        "expected": roll.len(),
        "present": present,
        "taken": roll.iter().any(|(_, m)| m.is_some()),
        "items": roll.iter().map(|(p, m)| json!({
            "participant_id": p.id,
            "full_name": p.full_name,
            "library_name": p.library_name,
            "attend_mode": p.attend_mode.key(),
            "present": m,
        })).collect::<Vec<_>>(),
    })))
}

/// `PUT /api/v1/events/{id}/sessions/{sid}/attendance`: `{present: [ids]}`
/// (everyone else absent) or `{all: true}`.
pub(super) async fn record_attendance(
    State(state): State<AppState>,
    u: CurrentUser,
    Path((id, sid)): Path<(String, String)>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let map = json_object(body)?;
    let all = map.get("all").and_then(Value::as_bool).unwrap_or(false);
    let present: Vec<String> = match map.get("present") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| WebError::BadRequest("`present` holds participant ids".into()))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(WebError::BadRequest("`present` must be an array".into())),
    };
    let by = actor_ref(&u);
    let (yes, no) = state
        .run(move |c| {
            let s = store::session(c, &cx.event.id, &sid)?;
            let ids = if all {
                store::roll_call(c, &cx.event, &s)?
                    .into_iter()
                    .map(|(p, _)| p.id)
                    .collect()
            } else {
                present
            };
            Ok(store::record_attendance(c, &by, &cx.event, &s, &ids)?)
        })
        .await?;
    Ok(Json(json!({"present": yes, "absent": no})))
}

/// `GET /api/v1/events/{id}/participants`: only those the caller may see.
pub(super) async fn participants(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let cx = ctx(&state, &u, id).await?;
    let eid = cx.event.id.clone();
    let all = state
        .run(move |c| Ok(store::participants(c, &eid)?))
        .await?;
    let items: Vec<Value> = all
        .iter()
        .filter(|p| {
            cx.access
                .sees_participant(&u.actor, &p.region_code, p.library_id)
        })
        .map(participant_json)
        .collect();
    Ok(Json(json!({"total": items.len(), "items": items})))
}

/// `POST /api/v1/events/{id}/participants`: `{library_id, full_name,
/// team_role, gender, phone, institution, attend_mode, waitlist}`. A full
/// mode: 422 `full` on `seats_in_person` / `seats_online`.
pub(super) async fn register(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    let mut f = ParticipantForm::default();
    for (k, t) in text_fields(&json_object(body)?)? {
        f.set(&k, &t);
    }
    let p = sign_up(&state, &u, &cx, &f).await??;
    Ok((StatusCode::CREATED, Json(participant_json(&p))).into_response())
}

/// `DELETE /api/v1/events/{id}/participants/{pid}`: cancels; answers who
/// moved up from the waitlist, if anyone (and the caller may see them).
pub(super) async fn cancel(
    State(state): State<AppState>,
    u: CurrentUser,
    Path((id, pid)): Path<(String, String)>,
) -> Result<Json<Value>, WebError> {
    let cx = ctx(&state, &u, id).await?;
    let promoted = withdraw(&state, &u, &cx, pid.clone()).await?;
    let promoted = promoted
        .filter(|p| {
            cx.access
                .sees_participant(&u.actor, &p.region_code, p.library_id)
        })
        .map(|p| participant_json(&p));
    Ok(Json(json!({"cancelled": pid, "promoted": promoted})))
}

/// `PUT /api/v1/events/{id}/scores`: `{scores: [{participant_id, pre_test,
/// post_test}]}`; scores 0–100 or null.
pub(super) async fn scores(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let map = json_object(body)?;
    let Some(Value::Array(rows)) = map.get("scores") else {
        return Err(WebError::BadRequest("`scores` must be an array".into()));
    };
    let mut errors = Invalid::default();
    let mut scores = Vec::new();
    for r in rows {
        let get = |k: &str| r.get(k).and_then(scalar_text).unwrap_or_default();
        let pid = get("participant_id");
        let pre = parse_score(&get("pre_test")).map_err(|p| errors.push("pre_test", p));
        let post = parse_score(&get("post_test")).map_err(|p| errors.push("post_test", p));
        if let (Ok(a), Ok(b)) = (pre, post) {
            scores.push((pid, a, b));
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let by = actor_ref(&u);
    let n = state
        .run(move |c| Ok(store::set_scores(c, &by, &cx.event, &scores)?))
        .await?;
    Ok(Json(json!({"saved": n})))
}

/// `GET /api/v1/events/{id}/survey`: organisers, the summary.
pub(super) async fn survey(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let s = state
        .run(move |c| Ok(store::survey(c, &cx.event.id)?))
        .await?;
    Ok(Json(survey_json(&s)))
}

/// `POST /api/v1/events/{id}/survey`: one paper form.
pub(super) async fn add_survey(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let mut f = SurveyForm::default();
    for (k, t) in text_fields(&json_object(body)?)? {
        f.set(&k, &t);
    }
    let d = SurveyDraft::parse(&f)?;
    let by = actor_ref(&u);
    state
        .run(move |c| Ok(store::add_survey(c, &by, &cx.event, &d)?))
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"saved": true}))).into_response())
}

/// `POST /api/v1/events/{id}/certificates`: issues to everyone who
/// qualifies and has none yet.
pub(super) async fn issue(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let cx = ctx(&state, &u, id).await?;
    let r = issue_for(&state, &u, &cx).await?;
    Ok(Json(json!({
        "issued": r.issued,
        "already": r.already,
        "not_qualified": r.not_qualified,
    })))
}

/// `GET /api/v1/events/{id}/summary`: organisers.
pub(super) async fn summary(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let e = cx.event.clone();
    let s = state.run(move |c| summary_of(c, &e)).await?;
    Ok(Json(json!({
        "event": event_json(&cx.event),
        "seats": seats_json(&s.seats),
        "libraries": s.libraries,
        "cancelled": s.cancelled,
        "certificates": s.certificates,
        "attendance": s.attendance.iter().map(|a| json!({
            "session": session_json(&a.session),
            "expected": a.expected,
            "recorded": a.recorded,
            "present": a.present,
        })).collect::<Vec<_>>(),
        "tests": {
            "with_pre": s.scores.with_pre,
            "with_post": s.scores.with_post,
            "with_both": s.scores.with_both,
            "avg_pre": s.scores.avg_pre,
            "avg_post": s.scores.avg_post,
            "avg_gain": s.scores.avg_gain,
        },
        "survey": survey_json(&s.survey),
    })))
}

/// `GET /api/v1/certificates/{code}`: public; the name, event and dates.
pub(super) async fn verify(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Value>, WebError> {
    let code = CertificateCode::parse(&code).map_err(|_| WebError::NotFound)?;
    let v = state
        .run(move |c| Ok(store::verify(c, &code)?))
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(Json(json!({
        "valid": true,
        "full_name": v.full_name,
        "event_title": v.event_title,
        "starts_on": v.starts_on.to_string(),
        "ends_on": v.ends_on.to_string(),
    })))
}

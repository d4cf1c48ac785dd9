//! `/api/v1/workplans`: the same rules as the pages, as JSON.
//!
//! Bodies use the form's keys (`plan_kind`, `plan_year`, `plan_title`,
//! `potential_people`, …, `goals`, `activities: [{id, name, target_group,
//! starts_on, ends_on, place, partners, resources, budget, budget_source,
//! targets}]`); numbers may be sent as numbers. A plan read with GET can be
//! sent back as it is (`title`, `potential: {people, …}` are understood, and
//! keys the form does not have are ignored). Activity errors name
//! `act{n}_{field}`, n counting from 1. Changes carry the `version` read.

use super::{
    Extras, Filters, extras, load_visible, plan_json, require_editor, require_reviewer, this_year,
    who,
};
use crate::api::{JsonBody, json_object, scalar_text};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lentera_core::field::{Invalid, Problem, optional_text};
use lentera_core::ids::LibraryId;
use lentera_core::workplans::{
    ActivityForm, NewPlan, NewPlanForm, PLAN_FIELDS, Progress, ReviewDraft, ReviewForm,
    WorkplanDraft, WorkplanForm,
};
use lentera_store::workplans::{self as store, PlanAt, Workplan};
use serde_json::{Map, Value, json};

fn text(key: &str, v: &Value) -> Result<String, WebError> {
    scalar_text(v).ok_or_else(|| {
        WebError::BadRequest(format!("`{key}` must be a string, number, boolean or null"))
    })
}

/// The plan content in a body, as the form would carry it, and whether the
/// body had any content at all.
fn content_from_json(map: &Map<String, Value>) -> Result<(WorkplanForm, bool), WebError> {
    let mut f = WorkplanForm::default();
    let mut any = false;
    for (key, value) in map {
        match key.as_str() {
            "activities" => {
                any = true;
                let Value::Array(rows) = value else {
                    return Err(WebError::BadRequest("`activities` must be an array".into()));
                };
                for row in rows {
                    let Value::Object(o) = row else {
                        return Err(WebError::BadRequest(
                            "each activity must be an object".into(),
                        ));
                    };
                    let mut a = ActivityForm::default();
                    for (k, v) in o {
                        // `progress`, `position`, … from a GET are not form fields.
                        if let Some(t) = scalar_text(v) {
                            a.set(k, &t);
                        }
                    }
                    f.activities.push(a);
                }
            }
            "potential" => {
                if let Value::Object(o) = value {
                    any = true;
                    for (k, v) in o {
                        f.set(&format!("potential_{k}"), &text(k, v)?);
                    }
                }
            }
            "title" | "plan_title" => {
                any = true;
                f.plan_title = text(key, value)?;
            }
            k if PLAN_FIELDS.contains(&k) => {
                any = true;
                f.set(k, &text(k, value)?);
            }
            _ => {}
        }
    }
    Ok((f, any))
}

fn version_of(map: &Map<String, Value>) -> Result<i32, WebError> {
    let raw = match map.get("version") {
        Some(v) => text("version", v)?,
        None => String::new(),
    };
    let t = raw.trim();
    if t.is_empty() {
        return Err(Invalid::one("version", Problem::Required).into());
    }
    t.parse()
        .map_err(|_| Invalid::one("version", Problem::NotAWholeNumber).into())
}

fn field(map: &Map<String, Value>, key: &str) -> Result<String, WebError> {
    match map.get(key) {
        Some(v) => text(key, v),
        None => Ok(String::new()),
    }
}

async fn answer(state: &AppState, user: &CurrentUser, plan: &Workplan) -> Result<Value, WebError> {
    let ex: Extras = extras(state, &plan.id).await?;
    plan_json(plan, &ex, user)
}

pub(in crate::workplans) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let q = Filters::from_pairs(&pairs).query(user.actor.reach(), 50)?;
    let (page, counts) = state
        .run(move |c| Ok((store::list(c, &q)?, store::counts(c, &q)?)))
        .await?;
    let mut by_status = Map::new();
    for (s, n) in &counts.by_status {
        by_status.insert(s.key().into(), (*n).into());
    }
    Ok(Json(json!({
        "items": page.items,
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "counts": { "by_status": by_status, "late": counts.late, "total": counts.total },
    })))
}

pub(in crate::workplans) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    json: JsonBody,
) -> Result<Response, WebError> {
    let map = json_object(json)?;
    // Plans are written by the library's own team, for their library.
    let wanted = field(&map, "library")?;
    let lib = match (user.actor.own_library(), wanted.trim()) {
        (Some(own), "") => own,
        (None, "") => return Err(WebError::Forbidden),
        (own, id) => {
            let id = LibraryId::parse(id).map_err(|_| WebError::NotFound)?;
            let library = state
                .run(move |c| Ok(lentera_store::libraries::get(c, id)?))
                .await?;
            if !user.actor.reaches(&crate::libraries::place(&library)) {
                return Err(WebError::NotFound);
            }
            if own != Some(id) {
                return Err(WebError::Forbidden);
            }
            id
        }
    };
    let new_form = NewPlanForm {
        plan_kind: field(&map, "plan_kind")?,
        plan_year: field(&map, "plan_year")?,
        copy_last_year: field(&map, "copy_last_year")?,
    };
    let (content, has_content) = content_from_json(&map)?;
    let new = NewPlan::parse(&new_form, this_year());
    // Every problem at once: the header's and the content's.
    let draft = match &new {
        Ok(n) if has_content && !n.copy_last_year => {
            Some(WorkplanDraft::parse(&content, n.kind, n.year))
        }
        _ => None,
    };
    let (new, draft) = match (new, draft) {
        (Ok(n), None) => (n, None),
        (Ok(n), Some(Ok(d))) => (n, Some(d)),
        (Ok(_), Some(Err(e))) | (Err(e), _) => return Err(e.into()),
    };
    let w = who(&user);
    let plan = state
        .run(move |c| {
            let library = lentera_store::libraries::get(c, lib)?;
            let village = library.details.village_code.clone();
            Ok(store::create(
                c,
                &w,
                &PlanAt {
                    library: lib,
                    village: &village,
                },
                &new,
                draft.as_ref(),
                lentera_store::now(),
            )?)
        })
        .await?;
    let location = HeaderValue::from_str(&format!("/api/v1/workplans/{}", plan.id))
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let mut res = (
        StatusCode::CREATED,
        Json(answer(&state, &user, &plan).await?),
    )
        .into_response();
    res.headers_mut().insert(header::LOCATION, location);
    Ok(res)
}

pub(in crate::workplans) async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let plan = load_visible(&state, &user, &id).await?;
    Ok(Json(answer(&state, &user, &plan).await?))
}

pub(in crate::workplans) async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    json: JsonBody,
) -> Result<Json<Value>, WebError> {
    let plan = load_visible(&state, &user, &id).await?;
    require_editor(&user, &plan)?;
    let map = json_object(json)?;
    let version = version_of(&map)?;
    let (form, _) = content_from_json(&map)?;
    let draft = WorkplanDraft::parse(&form, plan.kind, plan.year)?;
    let w = who(&user);
    let pid = plan.id.clone();
    let saved = state
        .run(move |c| {
            Ok(store::update(
                c,
                &w,
                &pid,
                &draft,
                version,
                lentera_store::now(),
            )?)
        })
        .await?;
    Ok(Json(answer(&state, &user, &saved).await?))
}

pub(in crate::workplans) async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    json: JsonBody,
) -> Result<Json<Value>, WebError> {
    let plan = load_visible(&state, &user, &id).await?;
    require_editor(&user, &plan)?;
    let version = version_of(&json_object(json)?)?;
    let w = who(&user);
    let pid = plan.id.clone();
    let saved = state
        .run(move |c| Ok(store::submit(c, &w, &pid, version, lentera_store::now())?))
        .await?;
    Ok(Json(answer(&state, &user, &saved).await?))
}

pub(in crate::workplans) async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    json: JsonBody,
) -> Result<Json<Value>, WebError> {
    let plan = load_visible(&state, &user, &id).await?;
    require_reviewer(&user, &plan)?;
    let map = json_object(json)?;
    let version = version_of(&map)?;
    let mut typed = ReviewForm {
        decision: field(&map, "decision")?,
        review_comment: match map.get("comment") {
            Some(v) => text("comment", v)?,
            None => field(&map, "review_comment")?,
        },
        activity_comments: vec![String::new(); plan.activities.len()],
    };
    match map.get("activity_comments") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items {
                let Value::Object(o) = item else {
                    return Err(WebError::BadRequest(
                        "each of `activity_comments` must be an object".into(),
                    ));
                };
                let aid = field(o, "activity_id")?;
                let Some(row) = plan.activities.iter().position(|a| a.id == aid.trim()) else {
                    return Err(Invalid::one("activity_comments", Problem::NotFound).into());
                };
                typed.activity_comments[row] = field(o, "comment")?;
            }
        }
        Some(_) => {
            return Err(WebError::BadRequest(
                "`activity_comments` must be an array".into(),
            ));
        }
    }
    let draft = ReviewDraft::parse(&typed)?;
    let w = who(&user);
    let pid = plan.id.clone();
    let saved = state
        .run(move |c| {
            Ok(store::review(
                c,
                &w,
                &pid,
                &draft,
                version,
                lentera_store::now(),
            )?)
        })
        .await?;
    Ok(Json(answer(&state, &user, &saved).await?))
}

pub(in crate::workplans) async fn progress(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, activity)): Path<(String, String)>,
    json: JsonBody,
) -> Result<Json<Value>, WebError> {
    let plan = load_visible(&state, &user, &id).await?;
    require_editor(&user, &plan)?;
    if !plan.activities.iter().any(|a| a.id == activity) {
        return Err(WebError::NotFound);
    }
    let map = json_object(json)?;
    let raw = match map.get("progress") {
        Some(v) => text("progress", v)?,
        None => field(&map, "activity_progress")?,
    };
    let mut errors = Invalid::default();
    let to = Progress::parse(&raw)
        .map_err(|p| errors.push("activity_progress", p))
        .ok();
    let note = optional_text(&field(&map, "note")?, 500)
        .map_err(|p| errors.push("progress_note", p))
        .ok();
    let (Some(to), Some(note)) = (to, note) else {
        return Err(errors.into());
    };
    let w = who(&user);
    let pid = plan.id.clone();
    let saved = state
        .run(move |c| {
            Ok(store::set_progress(
                c,
                &w,
                &pid,
                &activity,
                to,
                note.as_deref(),
                lentera_store::now(),
            )?)
        })
        .await?;
    Ok(Json(answer(&state, &user, &saved).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_read_with_get_can_be_sent_back() {
        let body = json!({
            "id": "x", "title": "Rencana", "status": "draft",
            "potential": {"people": "PKK", "nature": null, "institutions": "SD", "economy": "Jeruk"},
            "goals": "Tujuan",
            "activities": [{"id": "a1", "name": "Pelatihan", "budget": 1500000, "progress": "planned",
                            "starts_on": "2026-03-01", "budget_source": "apbdes"}],
        });
        let Value::Object(map) = body else {
            unreachable!("a literal object")
        };
        let (f, any) = content_from_json(&map).unwrap();
        assert!(any);
        assert_eq!(f.plan_title, "Rencana");
        assert_eq!(f.potential_people, "PKK");
        assert_eq!(f.potential_economy, "Jeruk");
        assert_eq!(f.activities[0].id, "a1");
        assert_eq!(f.activities[0].budget, "1500000");
        let Value::Object(bad) = json!({"activities": {"name": "x"}}) else {
            unreachable!("a literal object")
        };
        assert!(matches!(
            content_from_json(&bad),
            Err(WebError::BadRequest(_))
        ));
        let Value::Object(v) = json!({"version": "3"}) else {
            unreachable!("a literal object")
        };
        assert_eq!(version_of(&v).unwrap(), 3);
        assert!(matches!(version_of(&Map::new()), Err(WebError::Invalid(_))));
    }
}

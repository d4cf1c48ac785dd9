//! Work plans: the three plans per library and year, their activities, the
//! review trail and activity progress.
//!
//! Every write runs in one `write_tx` with its audit entry, its line in
//! `workplan_reviews` and the notifications it sends. Content changes and
//! review steps check the plan's `version` (optimistic concurrency: a stale
//! version is [`StoreError::Conflict`]). Who may do what is decided by the
//! caller with `lentera_core::workplans::{may_edit, may_review}`; reach is a
//! filter here ([`PlanQuery::reach`]).

use crate::Page;
use crate::audit;
use crate::conn::{DbConn, Dialect, write_tx};
use crate::error::{StoreError, StoreResult};
use crate::notifications::{self, Note};
use crate::schema::{
    activity_reports, event_participants, events, libraries, meta, workplan_activities,
    workplan_reviews, workplans,
};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use lentera_core::audit::{ActorRef, Change};
use lentera_core::field::{Invalid, Problem};
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use lentera_core::users::{Place, Reach, Role};
use lentera_core::visits::TimeZone;
use lentera_core::workplans::{
    ActivityDraft, BudgetSource, DefaultDue, NewPlan, PlanKind, PlanStatus, Potential, Progress,
    ReviewAction, ReviewDraft, Step, WorkplanDraft, activity_key, check_complete, due_date,
    next_status, progress_allowed,
};
use serde::Serialize;
use uuid::Uuid;

/// Who acts, with what the review trail shows of them.
#[derive(Debug, Clone)]
pub struct Who {
    pub by: ActorRef,
    pub name: String,
    pub role: Role,
}

/// The library a new plan belongs to.
#[derive(Debug, Clone)]
pub struct PlanAt<'a> {
    pub library: LibraryId,
    pub village: &'a RegionCode,
}

/// One activity of a plan as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanActivity {
    pub id: String,
    pub position: i32,
    #[serde(flatten)]
    pub details: ActivityDraft,
    pub progress: Progress,
    pub updated_at: NaiveDateTime,
}

/// A plan with its activities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workplan {
    pub id: String,
    pub library_id: LibraryId,
    pub library_name: String,
    pub region_code: RegionCode,
    pub year: i32,
    /// The event (Bimtek) the due date was taken from.
    pub event_id: Option<String>,
    pub kind: PlanKind,
    pub status: PlanStatus,
    pub title: String,
    pub potential: Potential,
    pub goals: Option<String>,
    pub due_date: Option<NaiveDate>,
    /// The first submission; later ones are in the history.
    pub submitted_at: Option<NaiveDateTime>,
    pub submitted_late: bool,
    pub approved_at: Option<NaiveDateTime>,
    pub approved_by: Option<String>,
    pub copied_from: Option<String>,
    pub version: i32,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub activities: Vec<PlanActivity>,
}

impl Workplan {
    pub fn place(&self) -> Place<'_> {
        Place {
            region: &self.region_code,
            library: Some(self.library_id),
        }
    }

    /// The content, as the rules check it.
    pub fn draft(&self) -> WorkplanDraft {
        WorkplanDraft {
            title: self.title.clone(),
            potential: self.potential.clone(),
            goals: self.goals.clone(),
            activities: self
                .activities
                .iter()
                .map(|a| ActivityDraft {
                    id: Some(a.id.clone()),
                    ..a.details.clone()
                })
                .collect(),
        }
    }

    pub fn activity_ids(&self) -> Vec<String> {
        self.activities.iter().map(|a| a.id.clone()).collect()
    }

    /// Late: submitted after the due date, or still not submitted past it.
    pub fn is_late(&self, today: NaiveDate) -> bool {
        self.submitted_late
            || (self.submitted_at.is_none() && self.due_date.is_some_and(|d| today > d))
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = workplans)]
struct PlanRow {
    id: String,
    library_id: String,
    region_code: String,
    year: i32,
    event_id: Option<String>,
    kind: String,
    title: String,
    potential_people: Option<String>,
    potential_nature: Option<String>,
    potential_institutions: Option<String>,
    potential_economy: Option<String>,
    goals: Option<String>,
    status: String,
    due_date: Option<NaiveDate>,
    submitted_at: Option<NaiveDateTime>,
    approved_at: Option<NaiveDateTime>,
    approved_by: Option<String>,
    copied_from: Option<String>,
    submitted_late: bool,
    version: i32,
    created_by: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = workplan_activities)]
struct ActivityRow {
    id: String,
    workplan_id: String,
    library_id: String,
    position: i32,
    name: String,
    target_group: Option<String>,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    place: Option<String>,
    partners: Option<String>,
    resources: Option<String>,
    budget: Option<i64>,
    budget_source: Option<String>,
    targets: Option<String>,
    progress: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn bad(what: &str, id: &str) -> StoreError {
    StoreError::Data(format!("workplan {id}: bad {what}"))
}

fn plan_from(row: PlanRow, library_name: String, acts: Vec<ActivityRow>) -> StoreResult<Workplan> {
    let activities = acts
        .into_iter()
        .map(|a| {
            Ok(PlanActivity {
                details: ActivityDraft {
                    id: None,
                    name: a.name,
                    target_group: a.target_group,
                    starts_on: a.starts_on,
                    ends_on: a.ends_on,
                    place: a.place,
                    partners: a.partners,
                    resources: a.resources,
                    budget: a.budget,
                    budget_source: match a.budget_source {
                        Some(s) => {
                            Some(BudgetSource::parse(&s).map_err(|_| bad("budget_source", &a.id))?)
                        }
                        None => None,
                    },
                    targets: a.targets,
                },
                progress: Progress::parse(&a.progress).map_err(|_| bad("progress", &a.id))?,
                position: a.position,
                updated_at: a.updated_at,
                id: a.id,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Workplan {
        library_id: LibraryId::parse(&row.library_id).map_err(|_| bad("library", &row.id))?,
        region_code: RegionCode::parse(&row.region_code).map_err(|_| bad("region", &row.id))?,
        kind: PlanKind::parse(&row.kind).map_err(|_| bad("kind", &row.id))?,
        status: PlanStatus::parse(&row.status).map_err(|_| bad("status", &row.id))?,
        library_name,
        year: row.year,
        event_id: row.event_id,
        title: row.title,
        potential: Potential {
            people: row.potential_people,
            nature: row.potential_nature,
            institutions: row.potential_institutions,
            economy: row.potential_economy,
        },
        goals: row.goals,
        due_date: row.due_date,
        submitted_at: row.submitted_at,
        submitted_late: row.submitted_late,
        approved_at: row.approved_at,
        approved_by: row.approved_by,
        copied_from: row.copied_from,
        version: row.version,
        created_by: row.created_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
        activities,
        id: row.id,
    })
}

/// One plan with its activities, whatever the caller's reach (the caller
/// checks [`Workplan::place`]).
pub fn get(conn: &mut DbConn, id: &str) -> StoreResult<Workplan> {
    let (row, library_name): (PlanRow, String) = workplans::table
        .inner_join(libraries::table)
        .filter(workplans::id.eq(id))
        .select((PlanRow::as_select(), libraries::name))
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let acts: Vec<ActivityRow> = workplan_activities::table
        .filter(workplan_activities::workplan_id.eq(id))
        .order((workplan_activities::position, workplan_activities::id))
        .select(ActivityRow::as_select())
        .load(conn)?;
    plan_from(row, library_name, acts)
}

/// The plan of one library, year and kind, if written.
pub fn find(
    conn: &mut DbConn,
    library: LibraryId,
    year: i32,
    kind: PlanKind,
) -> StoreResult<Option<Workplan>> {
    let id: Option<String> = workplans::table
        .filter(workplans::library_id.eq(library.to_string()))
        .filter(workplans::year.eq(year))
        .filter(workplans::kind.eq(kind.key()))
        .select(workplans::id)
        .first(conn)
        .optional()?;
    id.map(|id| get(conn, &id)).transpose()
}

// ----------------------------------------------------------------- due dates

const DEFAULT_DUE_KEY: &str = "workplans.default_due";

/// The configured due day for libraries that attended no event that year.
pub fn default_due(conn: &mut DbConn) -> StoreResult<DefaultDue> {
    Ok(crate::meta::get(conn, DEFAULT_DUE_KEY)?
        .and_then(|v| DefaultDue::parse(&v).ok())
        .unwrap_or_default())
}

/// Changes the default due day (national administrators; the caller checks).
pub fn set_default_due(conn: &mut DbConn, by: &ActorRef, due: DefaultDue) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let before = default_due(conn)?;
        diesel::delete(meta::table.find(DEFAULT_DUE_KEY)).execute(conn)?;
        diesel::insert_into(meta::table)
            .values((meta::key.eq(DEFAULT_DUE_KEY), meta::value.eq(due.key())))
            .execute(conn)?;
        audit::record(
            conn,
            by,
            Change {
                action: "workplan.settings",
                entity: "workplan_settings",
                entity_id: DEFAULT_DUE_KEY.into(),
                region: None,
                library: None,
                summary: format!("{} → {}", before.key(), due.key()),
                details: None,
            },
        )
    })
}

/// Participant statuses that mean the team did not take part.
const NOT_ATTENDING: [&str; 4] = ["cancelled", "canceled", "withdrawn", "rejected"];

/// When a library's plans of `year` are due, and the event that says so:
/// the end of the Bimtek it sent a team to that year plus the event's
/// `workplan_due_days`; without one, the configured default day. A Bimtek
/// is preferred over other events of the year; among several, the first.
pub fn due_for(
    conn: &mut DbConn,
    library: LibraryId,
    year: i32,
) -> StoreResult<(Option<String>, NaiveDate)> {
    let (from, to) = year_range(year);
    let mut found: Vec<(String, String, NaiveDate, i32)> = event_participants::table
        .inner_join(events::table)
        .filter(event_participants::library_id.eq(library.to_string()))
        .filter(event_participants::status.ne_all(NOT_ATTENDING))
        .filter(events::starts_on.ge(from))
        .filter(events::starts_on.le(to))
        .select((
            events::id,
            events::kind,
            events::ends_on,
            events::workplan_due_days,
        ))
        .distinct()
        .load(conn)?;
    found.sort_by_key(|(id, kind, ends, _)| (!kind.starts_with("bimtek"), *ends, id.clone()));
    let default = default_due(conn)?;
    Ok(match found.into_iter().next() {
        Some((id, _, ends, days)) => (Some(id), due_date(Some((ends, days)), default, year)),
        None => (None, due_date(None, default, year)),
    })
}

fn year_range(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
    )
}

/// The libraries within `reach` expected to write plans for `year`: those
/// that sent a team to an event that year, and TPBIS participants of that
/// year's cohort. As (id, name, village), by name.
pub fn expected_libraries(
    conn: &mut DbConn,
    reach: &Reach,
    year: i32,
) -> StoreResult<Vec<(LibraryId, String, RegionCode)>> {
    let (from, to) = year_range(year);
    // A subquery, not a list: a national reach can mean thousands.
    let attended = event_participants::table
        .inner_join(events::table)
        .filter(event_participants::library_id.is_not_null())
        .filter(event_participants::status.ne_all(NOT_ATTENDING))
        .filter(events::starts_on.ge(from))
        .filter(events::starts_on.le(to))
        .select(event_participants::library_id.assume_not_null());
    let mut q = libraries::table
        .filter(libraries::active.eq(true))
        .filter(
            libraries::id.eq_any(attended).or(libraries::cohort_year
                .eq(year)
                .and(libraries::participation.ne("none"))),
        )
        .into_boxed::<Dialect>();
    match reach {
        Reach::Everything => {}
        Reach::Region(r) => {
            let (lo, hi) = r.subtree_range();
            q = q
                .filter(libraries::village_code.ge(lo))
                .filter(libraries::village_code.lt(hi));
        }
        Reach::Libraries(ids) => {
            q = q.filter(
                libraries::id.eq_any(ids.iter().map(|i| i.to_string()).collect::<Vec<_>>()),
            );
        }
    }
    let rows: Vec<(String, String, String)> = q
        .order((libraries::name, libraries::id))
        .select((libraries::id, libraries::name, libraries::village_code))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, v)| {
            Some((
                LibraryId::parse(&id).ok()?,
                name,
                RegionCode::parse(&v).ok()?,
            ))
        })
        .collect())
}

/// An expected library's plans of a year that are not written yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingPlans {
    pub library_id: LibraryId,
    pub library_name: String,
    pub village_code: RegionCode,
    pub kinds: Vec<PlanKind>,
}

/// The plans of `year` that expected libraries within `reach` have not
/// started, by library.
pub fn missing(conn: &mut DbConn, reach: &Reach, year: i32) -> StoreResult<Vec<MissingPlans>> {
    let expected = expected_libraries(conn, reach, year)?;
    let ids: Vec<String> = expected.iter().map(|(id, _, _)| id.to_string()).collect();
    let mut have: Vec<(String, String)> = Vec::new();
    // Chunks keep the parameter count far below both backends' limits.
    for chunk in ids.chunks(1000) {
        have.extend(
            workplans::table
                .filter(workplans::year.eq(year))
                .filter(workplans::library_id.eq_any(chunk))
                .select((workplans::library_id, workplans::kind))
                .load::<(String, String)>(conn)?,
        );
    }
    Ok(expected
        .into_iter()
        .filter_map(|(id, name, village)| {
            let key = id.to_string();
            let kinds: Vec<PlanKind> = PlanKind::ALL
                .iter()
                .copied()
                .filter(|k| !have.iter().any(|(l, hk)| *l == key && hk == k.key()))
                .collect();
            (!kinds.is_empty()).then_some(MissingPlans {
                library_id: id,
                library_name: name,
                village_code: village,
                kinds,
            })
        })
        .collect())
}

// -------------------------------------------------------------------- writes

fn insert_activity(
    conn: &mut DbConn,
    plan_id: &str,
    library: &str,
    position: i32,
    a: &ActivityDraft,
    when: NaiveDateTime,
) -> StoreResult<String> {
    let id = Uuid::now_v7().to_string();
    let row = ActivityRow {
        id: id.clone(),
        workplan_id: plan_id.to_string(),
        library_id: library.to_string(),
        position,
        name: a.name.clone(),
        target_group: a.target_group.clone(),
        starts_on: a.starts_on,
        ends_on: a.ends_on,
        place: a.place.clone(),
        partners: a.partners.clone(),
        resources: a.resources.clone(),
        budget: a.budget,
        budget_source: a.budget_source.map(|s| s.key().to_string()),
        targets: a.targets.clone(),
        progress: Progress::Planned.key().to_string(),
        created_at: when,
        updated_at: when,
    };
    diesel::insert_into(workplan_activities::table)
        .values(&row)
        .execute(conn)?;
    Ok(id)
}

fn add_review(
    conn: &mut DbConn,
    who: &Who,
    plan_id: &str,
    activity: Option<&str>,
    action: ReviewAction,
    comment: Option<&str>,
    when: NaiveDateTime,
) -> StoreResult<()> {
    diesel::insert_into(workplan_reviews::table)
        .values((
            workplan_reviews::id.eq(Uuid::now_v7().to_string()),
            workplan_reviews::workplan_id.eq(plan_id),
            workplan_reviews::activity_id.eq(activity),
            workplan_reviews::actor_id.eq(who.by.id.map(|i| i.to_string())),
            workplan_reviews::actor_name.eq(&who.name),
            workplan_reviews::actor_role.eq(who.role.key()),
            workplan_reviews::action.eq(action.key()),
            workplan_reviews::comment.eq(comment),
            workplan_reviews::at.eq(when),
        ))
        .execute(conn)?;
    Ok(())
}

fn change(action: &'static str, p: &Workplan, summary: String) -> Change {
    Change {
        action,
        entity: "workplan",
        entity_id: p.id.clone(),
        region: Some(p.region_code.clone()),
        library: Some(p.library_id),
        summary,
        details: None,
    }
}

fn label(p: &Workplan) -> String {
    format!("{} {} — {}", p.kind.name_id(), p.year, p.library_name)
}

/// Starts a plan for a library: empty, with `content`, or copied from the
/// same kind's plan of the year before (`new.copy_last_year`; its activities
/// start again as planned, and `copied_from` names it). One plan per
/// library, year and kind: a second is a `plan_kind` duplicate.
pub fn create(
    conn: &mut DbConn,
    who: &Who,
    at: &PlanAt<'_>,
    new: &NewPlan,
    content: Option<&WorkplanDraft>,
    when: NaiveDateTime,
) -> StoreResult<Workplan> {
    write_tx(conn, |conn| {
        if find(conn, at.library, new.year, new.kind)?.is_some() {
            return Err(Invalid::one("plan_kind", Problem::Duplicate).into());
        }
        let (copied_from, draft) = if new.copy_last_year {
            let Some(prev) = find(conn, at.library, new.year - 1, new.kind)? else {
                return Err(Invalid::one("copy_last_year", Problem::NotFound).into());
            };
            (
                Some(prev.id.clone()),
                prev.draft().copied_to(prev.year, new.year),
            )
        } else {
            let d = content.cloned().unwrap_or_else(|| WorkplanDraft {
                title: lentera_core::workplans::default_title(new.kind, new.year),
                ..Default::default()
            });
            (None, d)
        };
        let (event_id, due) = due_for(conn, at.library, new.year)?;
        let id = Uuid::now_v7().to_string();
        let library = at.library.to_string();
        diesel::insert_into(workplans::table)
            .values((
                workplans::id.eq(&id),
                workplans::library_id.eq(&library),
                workplans::region_code.eq(at.village.as_str()),
                workplans::year.eq(new.year),
                workplans::event_id.eq(&event_id),
                workplans::kind.eq(new.kind.key()),
                workplans::title.eq(&draft.title),
                workplans::potential_people.eq(&draft.potential.people),
                workplans::potential_nature.eq(&draft.potential.nature),
                workplans::potential_institutions.eq(&draft.potential.institutions),
                workplans::potential_economy.eq(&draft.potential.economy),
                workplans::goals.eq(&draft.goals),
                workplans::status.eq(PlanStatus::Draft.key()),
                workplans::due_date.eq(Some(due)),
                workplans::copied_from.eq(&copied_from),
                workplans::submitted_late.eq(false),
                workplans::version.eq(1),
                workplans::created_by.eq(&who.by.username),
                workplans::created_at.eq(when),
                workplans::updated_at.eq(when),
            ))
            .execute(conn)
            .map_err(|e| StoreError::unique_to_field(e, |_| "plan_kind"))?;
        for (i, a) in draft.activities.iter().enumerate() {
            insert_activity(conn, &id, &library, i as i32 + 1, a, when)?;
        }
        let copied = copied_from.is_some();
        add_review(
            conn,
            who,
            &id,
            None,
            if copied {
                ReviewAction::Copied
            } else {
                ReviewAction::Created
            },
            None,
            when,
        )?;
        let plan = get(conn, &id)?;
        audit::record(
            conn,
            &who.by,
            change(
                if copied {
                    "workplan.copy"
                } else {
                    "workplan.create"
                },
                &plan,
                label(&plan),
            ),
        )?;
        Ok(plan)
    })
}

/// Bumps the version when it is still `expected`; otherwise the plan was
/// changed by someone else (or is gone).
fn claim(conn: &mut DbConn, id: &str, expected: i32, when: NaiveDateTime) -> StoreResult<()> {
    let n = diesel::update(
        workplans::table
            .filter(workplans::id.eq(id))
            .filter(workplans::version.eq(expected)),
    )
    .set((
        workplans::version.eq(workplans::version + 1),
        workplans::updated_at.eq(when),
    ))
    .execute(conn)?;
    if n == 1 {
        return Ok(());
    }
    let exists: i64 = workplans::table
        .filter(workplans::id.eq(id))
        .count()
        .get_result(conn)?;
    Err(if exists > 0 {
        StoreError::Conflict
    } else {
        StoreError::NotFound
    })
}

/// Saves a plan's content (draft or sent back for revision). Activities keep
/// their ids when the form names them, so reports stay linked; removed
/// activities are deleted (refused while a report is linked to one).
pub fn update(
    conn: &mut DbConn,
    who: &Who,
    id: &str,
    draft: &WorkplanDraft,
    expected_version: i32,
    when: NaiveDateTime,
) -> StoreResult<Workplan> {
    write_tx(conn, |conn| {
        let before = get(conn, id)?;
        if !before.status.editable() {
            return Err(Invalid::one("plan_status", Problem::WrongStatus).into());
        }
        claim(conn, id, expected_version, when)?;
        // Until first submitted, the due date follows the events the
        // library registers for.
        let (event_id, due) = if before.submitted_at.is_none() {
            let (e, d) = due_for(conn, before.library_id, before.year)?;
            (e, Some(d))
        } else {
            (before.event_id.clone(), before.due_date)
        };
        diesel::update(workplans::table.filter(workplans::id.eq(id)))
            .set((
                workplans::title.eq(&draft.title),
                workplans::potential_people.eq(&draft.potential.people),
                workplans::potential_nature.eq(&draft.potential.nature),
                workplans::potential_institutions.eq(&draft.potential.institutions),
                workplans::potential_economy.eq(&draft.potential.economy),
                workplans::goals.eq(&draft.goals),
                workplans::event_id.eq(&event_id),
                workplans::due_date.eq(due),
            ))
            .execute(conn)?;
        let existing = before.activity_ids();
        let kept: Vec<&str> = draft
            .activities
            .iter()
            .filter_map(|a| a.id.as_deref())
            .filter(|i| existing.iter().any(|e| e == i))
            .collect();
        let removed: Vec<String> = existing
            .iter()
            .filter(|e| !kept.contains(&e.as_str()))
            .cloned()
            .collect();
        if !removed.is_empty() {
            let linked: i64 = activity_reports::table
                .filter(activity_reports::workplan_activity_id.eq_any(&removed))
                .count()
                .get_result(conn)?;
            if linked > 0 {
                return Err(Invalid::one("activities", Problem::NotAllowedHere).into());
            }
            // Comments on a removed activity stay in the plan's history.
            diesel::update(
                workplan_reviews::table.filter(workplan_reviews::activity_id.eq_any(&removed)),
            )
            .set(workplan_reviews::activity_id.eq(None::<String>))
            .execute(conn)?;
            diesel::delete(
                workplan_activities::table.filter(workplan_activities::id.eq_any(&removed)),
            )
            .execute(conn)?;
        }
        let library = before.library_id.to_string();
        let mut seen: Vec<&str> = Vec::new();
        for (i, a) in draft.activities.iter().enumerate() {
            let position = i as i32 + 1;
            // A claimed id that is not this plan's (or already used by an
            // earlier row) makes a new activity.
            match a.id.as_deref() {
                Some(aid) if kept.contains(&aid) && !seen.contains(&aid) => {
                    seen.push(aid);
                    diesel::update(
                        workplan_activities::table
                            .filter(workplan_activities::id.eq(aid))
                            .filter(workplan_activities::workplan_id.eq(id)),
                    )
                    .set((
                        workplan_activities::position.eq(position),
                        workplan_activities::name.eq(&a.name),
                        workplan_activities::target_group.eq(&a.target_group),
                        workplan_activities::starts_on.eq(a.starts_on),
                        workplan_activities::ends_on.eq(a.ends_on),
                        workplan_activities::place.eq(&a.place),
                        workplan_activities::partners.eq(&a.partners),
                        workplan_activities::resources.eq(&a.resources),
                        workplan_activities::budget.eq(a.budget),
                        workplan_activities::budget_source
                            .eq(a.budget_source.map(|s| s.key().to_string())),
                        workplan_activities::targets.eq(&a.targets),
                        workplan_activities::updated_at.eq(when),
                    ))
                    .execute(conn)?;
                }
                _ => {
                    insert_activity(conn, id, &library, position, a, when)?;
                }
            }
        }
        let after = get(conn, id)?;
        audit::record(
            conn,
            &who.by,
            Change {
                details: lentera_core::audit::diff(&summary_pairs(&before), &summary_pairs(&after)),
                ..change("workplan.update", &after, label(&after))
            },
        )?;
        Ok(after)
    })
}

/// What the audit trail compares across an edit: the plan's texts and, per
/// activity, one line.
fn summary_pairs(p: &Workplan) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("plan_title", p.title.clone()),
        (
            "potential_people",
            p.potential.people.clone().unwrap_or_default(),
        ),
        (
            "potential_nature",
            p.potential.nature.clone().unwrap_or_default(),
        ),
        (
            "potential_institutions",
            p.potential.institutions.clone().unwrap_or_default(),
        ),
        (
            "potential_economy",
            p.potential.economy.clone().unwrap_or_default(),
        ),
        ("goals", p.goals.clone().unwrap_or_default()),
    ];
    for (i, a) in p.activities.iter().enumerate() {
        let d = &a.details;
        v.push((
            activity_key(i, "name"),
            format!(
                "{} | {} | {}–{} | {} | {}",
                d.name,
                d.target_group.as_deref().unwrap_or(""),
                d.starts_on.map(|x| x.to_string()).unwrap_or_default(),
                d.ends_on.map(|x| x.to_string()).unwrap_or_default(),
                d.budget.map(|x| x.to_string()).unwrap_or_default(),
                d.targets.as_deref().unwrap_or(""),
            ),
        ));
    }
    v
}

/// Submits (or resubmits) a complete plan for review and tells the
/// reviewers: the facilitators assigned to the library and the district
/// officers over it. A first submission after the due date is marked late
/// for good.
pub fn submit(
    conn: &mut DbConn,
    who: &Who,
    id: &str,
    expected_version: i32,
    when: NaiveDateTime,
) -> StoreResult<Workplan> {
    write_tx(conn, |conn| {
        let before = get(conn, id)?;
        let to = next_status(before.status, Step::Submit)
            .map_err(|p| StoreError::Invalid(Invalid::one("plan_status", p)))?;
        check_complete(&before.draft())?;
        claim(conn, id, expected_version, when)?;
        let first = before.submitted_at.is_none();
        let local = TimeZone::of_region(&before.region_code).local_date(when);
        let late = before.submitted_late || (first && before.due_date.is_some_and(|d| local > d));
        diesel::update(workplans::table.filter(workplans::id.eq(id)))
            .set((
                workplans::status.eq(to.key()),
                workplans::submitted_at.eq(before.submitted_at.or(Some(when))),
                workplans::submitted_late.eq(late),
            ))
            .execute(conn)?;
        add_review(
            conn,
            who,
            id,
            None,
            if first {
                ReviewAction::Submitted
            } else {
                ReviewAction::Resubmitted
            },
            None,
            when,
        )?;
        let mut to_users = notifications::facilitators_of(conn, before.library_id)?;
        to_users.extend(notifications::officers_over(
            conn,
            &before.region_code,
            "district",
        )?);
        let link = format!("/workplans/{id}");
        let (id_text, en_text) = if first {
            (
                format!(
                    "Rencana kerja {} {} dari {} menunggu tinjauan Anda",
                    before.kind.name_id(),
                    before.year,
                    before.library_name
                ),
                format!(
                    "Work plan {} {} from {} is waiting for your review",
                    before.kind.name_en(),
                    before.year,
                    before.library_name
                ),
            )
        } else {
            (
                format!(
                    "Rencana kerja {} {} dari {} sudah direvisi dan menunggu tinjauan Anda",
                    before.kind.name_id(),
                    before.year,
                    before.library_name
                ),
                format!(
                    "Work plan {} {} from {} was revised and is waiting for your review",
                    before.kind.name_en(),
                    before.year,
                    before.library_name
                ),
            )
        };
        notifications::send(
            conn,
            &to_users,
            &Note {
                id: &id_text,
                en: &en_text,
                link: &link,
            },
        )?;
        let after = get(conn, id)?;
        audit::record(
            conn,
            &who.by,
            change(
                if first {
                    "workplan.submit"
                } else {
                    "workplan.resubmit"
                },
                &after,
                format!(
                    "{}{}",
                    label(&after),
                    if late { " [terlambat]" } else { "" }
                ),
            ),
        )?;
        Ok(after)
    })
}

/// A reviewer's decision on a submitted plan: a revision request (with a
/// comment on the plan or on its activities) or an approval. The library's
/// team is told either way.
pub fn review(
    conn: &mut DbConn,
    who: &Who,
    id: &str,
    decision: &ReviewDraft,
    expected_version: i32,
    when: NaiveDateTime,
) -> StoreResult<Workplan> {
    write_tx(conn, |conn| {
        let before = get(conn, id)?;
        let step = decision.decision.step();
        let to = next_status(before.status, step)
            .map_err(|p| StoreError::Invalid(Invalid::one("plan_status", p)))?;
        let mut comments = Vec::new();
        let mut errors = Invalid::default();
        for (row, text) in &decision.activity_comments {
            match before.activities.get(*row) {
                Some(a) => comments.push((a.id.clone(), text.clone())),
                None => errors.push(activity_key(*row, "comment"), Problem::NotFound),
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        claim(conn, id, expected_version, when)?;
        let approved = step == Step::Approve;
        diesel::update(workplans::table.filter(workplans::id.eq(id)))
            .set((
                workplans::status.eq(to.key()),
                workplans::approved_at.eq(approved.then_some(when)),
                workplans::approved_by.eq(approved.then(|| who.by.username.clone())),
            ))
            .execute(conn)?;
        add_review(
            conn,
            who,
            id,
            None,
            if approved {
                ReviewAction::Approved
            } else {
                ReviewAction::RevisionRequested
            },
            decision.comment.as_deref(),
            when,
        )?;
        for (aid, text) in &comments {
            add_review(
                conn,
                who,
                id,
                Some(aid),
                ReviewAction::Comment,
                Some(text),
                when,
            )?;
        }
        let team = notifications::library_team(conn, before.library_id)?;
        let link = format!("/workplans/{id}");
        let (id_text, en_text) = if approved {
            (
                format!(
                    "Rencana kerja {} {} disetujui oleh {}",
                    before.kind.name_id(),
                    before.year,
                    who.name
                ),
                format!(
                    "Work plan {} {} was approved by {}",
                    before.kind.name_en(),
                    before.year,
                    who.name
                ),
            )
        } else {
            (
                format!(
                    "Rencana kerja {} {} perlu direvisi (catatan dari {})",
                    before.kind.name_id(),
                    before.year,
                    who.name
                ),
                format!(
                    "Work plan {} {} needs a revision (comments by {})",
                    before.kind.name_en(),
                    before.year,
                    who.name
                ),
            )
        };
        notifications::send(
            conn,
            &team,
            &Note {
                id: &id_text,
                en: &en_text,
                link: &link,
            },
        )?;
        let after = get(conn, id)?;
        audit::record(
            conn,
            &who.by,
            change(
                if approved {
                    "workplan.approve"
                } else {
                    "workplan.request_revision"
                },
                &after,
                format!(
                    "{}{}",
                    label(&after),
                    decision
                        .comment
                        .as_deref()
                        .map(|c| format!(": {}", c.chars().take(120).collect::<String>()))
                        .unwrap_or_default()
                ),
            ),
        )?;
        Ok(after)
    })
}

/// Moves one activity of an approved plan on (planned → under way → done
/// or cancelled), with an optional note, recorded in the plan's history.
/// Progress does not change the plan's version: it is not an edit of what
/// the reviewers approved.
pub fn set_progress(
    conn: &mut DbConn,
    who: &Who,
    plan_id: &str,
    activity_id: &str,
    to: Progress,
    note: Option<&str>,
    when: NaiveDateTime,
) -> StoreResult<Workplan> {
    write_tx(conn, |conn| {
        let plan = get(conn, plan_id)?;
        let Some(a) = plan.activities.iter().find(|a| a.id == activity_id) else {
            return Err(StoreError::NotFound);
        };
        progress_allowed(plan.status, a.progress, to)
            .map_err(|p| StoreError::Invalid(Invalid::one("activity_progress", p)))?;
        diesel::update(
            workplan_activities::table
                .filter(workplan_activities::id.eq(activity_id))
                .filter(workplan_activities::progress.eq(a.progress.key())),
        )
        .set((
            workplan_activities::progress.eq(to.key()),
            workplan_activities::updated_at.eq(when),
        ))
        .execute(conn)?;
        diesel::update(workplans::table.filter(workplans::id.eq(plan_id)))
            .set(workplans::updated_at.eq(when))
            .execute(conn)?;
        let line = match note {
            Some(n) => format!("{} → {}: {n}", a.progress.key(), to.key()),
            None => format!("{} → {}", a.progress.key(), to.key()),
        };
        add_review(
            conn,
            who,
            plan_id,
            Some(activity_id),
            ReviewAction::Progress,
            Some(&line),
            when,
        )?;
        audit::record(
            conn,
            &who.by,
            change(
                "workplan.progress",
                &plan,
                format!("{} — {}: {line}", label(&plan), a.details.name),
            ),
        )?;
        get(conn, plan_id)
    })
}

// -------------------------------------------------------------------- reads

/// One line of a plan's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewEntry {
    pub id: String,
    pub activity_id: Option<String>,
    pub actor_name: String,
    pub actor_role: String,
    pub action: ReviewAction,
    pub comment: Option<String>,
    pub at: NaiveDateTime,
}

/// The plan's history, oldest first.
pub fn history(conn: &mut DbConn, plan_id: &str) -> StoreResult<Vec<ReviewEntry>> {
    type Row = (
        String,
        Option<String>,
        String,
        String,
        String,
        Option<String>,
        NaiveDateTime,
    );
    let rows: Vec<Row> = workplan_reviews::table
        .filter(workplan_reviews::workplan_id.eq(plan_id))
        .order((workplan_reviews::at, workplan_reviews::id))
        .select((
            workplan_reviews::id,
            workplan_reviews::activity_id,
            workplan_reviews::actor_name,
            workplan_reviews::actor_role,
            workplan_reviews::action,
            workplan_reviews::comment,
            workplan_reviews::at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(
            |(id, activity_id, actor_name, actor_role, action, comment, at)| {
                Ok(ReviewEntry {
                    action: ReviewAction::parse(&action).map_err(|_| bad("review action", &id))?,
                    id,
                    activity_id,
                    actor_name,
                    actor_role,
                    comment,
                    at,
                })
            },
        )
        .collect()
}

/// An activity report that proves a plan activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkedReport {
    pub activity_id: String,
    pub report_id: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub participants: i32,
}

/// The activity reports linked to the plan's activities, by date.
pub fn linked_reports(conn: &mut DbConn, plan_id: &str) -> StoreResult<Vec<LinkedReport>> {
    let ids: Vec<String> = workplan_activities::table
        .filter(workplan_activities::workplan_id.eq(plan_id))
        .select(workplan_activities::id)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Option<String>, String, String, NaiveDate, i32)> = activity_reports::table
        .filter(activity_reports::workplan_activity_id.eq_any(&ids))
        .order((activity_reports::held_on, activity_reports::id))
        .select((
            activity_reports::workplan_activity_id,
            activity_reports::id,
            activity_reports::title,
            activity_reports::held_on,
            activity_reports::participants,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(a, report_id, title, held_on, participants)| {
            Some(LinkedReport {
                activity_id: a?,
                report_id,
                title,
                held_on,
                participants,
            })
        })
        .collect())
}

/// Which plans to list.
#[derive(Debug, Clone)]
pub struct PlanQuery {
    pub reach: Reach,
    pub year: Option<i32>,
    pub status: Option<PlanStatus>,
    pub kind: Option<PlanKind>,
    pub region: Option<RegionCode>,
    pub library: Option<LibraryId>,
    /// Only late plans (submitted late, or overdue and not submitted).
    pub late_only: bool,
    /// For lateness of plans not yet submitted.
    pub today: NaiveDate,
    pub page: i64,
    pub per_page: i64,
}

impl PlanQuery {
    pub fn new(reach: Reach, today: NaiveDate) -> PlanQuery {
        PlanQuery {
            reach,
            year: None,
            status: None,
            kind: None,
            region: None,
            library: None,
            late_only: false,
            today,
            page: 1,
            per_page: 50,
        }
    }
}

/// A plan in a list: no activities, their counts instead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSummary {
    pub id: String,
    pub library_id: String,
    pub library_name: String,
    pub region_code: String,
    pub year: i32,
    pub kind: PlanKind,
    pub status: PlanStatus,
    pub title: String,
    pub due_date: Option<NaiveDate>,
    pub submitted_at: Option<NaiveDateTime>,
    pub approved_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub late: bool,
    pub version: i32,
    pub activities: i64,
    pub activities_done: i64,
    pub budget: i64,
}

type PlanFilter = Box<dyn BoxableExpression<workplans::table, Dialect, SqlType = Bool>>;

fn always() -> PlanFilter {
    Box::new(true.into_sql::<Bool>())
}

/// The query's filters, one boxed predicate each so the query keeps one
/// type whichever are set (and can still be grouped).
fn filters(q: &PlanQuery, with_status: bool) -> [PlanFilter; 7] {
    let reach: PlanFilter = match &q.reach {
        Reach::Everything => always(),
        Reach::Region(r) => {
            let (lo, hi) = r.subtree_range();
            Box::new(
                workplans::region_code
                    .ge(lo)
                    .and(workplans::region_code.lt(hi)),
            )
        }
        Reach::Libraries(ids) => Box::new(
            workplans::library_id.eq_any(ids.iter().map(|i| i.to_string()).collect::<Vec<_>>()),
        ),
    };
    let region: PlanFilter = match &q.region {
        Some(r) => {
            let (lo, hi) = r.subtree_range();
            Box::new(
                workplans::region_code
                    .ge(lo)
                    .and(workplans::region_code.lt(hi)),
            )
        }
        None => always(),
    };
    let year: PlanFilter = match q.year {
        Some(y) => Box::new(workplans::year.eq(y)),
        None => always(),
    };
    let status: PlanFilter = match q.status {
        Some(s) if with_status => Box::new(workplans::status.eq(s.key())),
        _ => always(),
    };
    let kind: PlanFilter = match q.kind {
        Some(k) => Box::new(workplans::kind.eq(k.key())),
        None => always(),
    };
    let library: PlanFilter = match q.library {
        Some(l) => Box::new(workplans::library_id.eq(l.to_string())),
        None => always(),
    };
    let late: PlanFilter = if q.late_only {
        Box::new(
            workplans::submitted_late
                .eq(true)
                .or(workplans::submitted_at
                    .is_null()
                    .and(workplans::due_date.is_not_null())
                    .and(workplans::due_date.assume_not_null().lt(q.today))),
        )
    } else {
        always()
    };
    [reach, region, year, status, kind, library, late]
}

macro_rules! filtered {
    ($q:expr, $with_status:expr) => {{
        let [a, b, c, d, e, f, g] = filters($q, $with_status);
        workplans::table
            .filter(a)
            .filter(b)
            .filter(c)
            .filter(d)
            .filter(e)
            .filter(f)
            .filter(g)
    }};
}

/// Plans within the query, those waiting for review first, then by year
/// (newest), library and kind.
pub fn list(conn: &mut DbConn, q: &PlanQuery) -> StoreResult<Page<PlanSummary>> {
    let per_page = q.per_page.clamp(1, 1000);
    let page = q.page.max(1);
    let total: i64 = filtered!(q, true).count().get_result(conn)?;
    let rows: Vec<PlanRow> = filtered!(q, true)
        .order((
            workplans::status.ne(PlanStatus::Submitted.key()),
            workplans::year.desc(),
            workplans::region_code,
            workplans::library_id,
            workplans::kind,
        ))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(PlanRow::as_select())
        .load(conn)?;
    let items = summaries(conn, rows, q.today)?;
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

fn summaries(
    conn: &mut DbConn,
    rows: Vec<PlanRow>,
    today: NaiveDate,
) -> StoreResult<Vec<PlanSummary>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut libs: Vec<String> = rows.iter().map(|r| r.library_id.clone()).collect();
    libs.sort();
    libs.dedup();
    let names: Vec<(String, String)> = libraries::table
        .filter(libraries::id.eq_any(&libs))
        .select((libraries::id, libraries::name))
        .load(conn)?;
    let acts: Vec<(String, String, Option<i64>)> = workplan_activities::table
        .filter(workplan_activities::workplan_id.eq_any(&ids))
        .select((
            workplan_activities::workplan_id,
            workplan_activities::progress,
            workplan_activities::budget,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            let mine = acts.iter().filter(|(p, _, _)| *p == r.id);
            let (mut n, mut done, mut budget) = (0, 0, 0);
            for (_, progress, b) in mine {
                n += 1;
                if progress == Progress::Done.key() {
                    done += 1;
                }
                budget += b.unwrap_or(0);
            }
            let late = r.submitted_late
                || (r.submitted_at.is_none() && r.due_date.is_some_and(|d| today > d));
            Ok(PlanSummary {
                library_name: names
                    .iter()
                    .find(|(id, _)| *id == r.library_id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                kind: PlanKind::parse(&r.kind).map_err(|_| bad("kind", &r.id))?,
                status: PlanStatus::parse(&r.status).map_err(|_| bad("status", &r.id))?,
                library_id: r.library_id,
                region_code: r.region_code,
                year: r.year,
                title: r.title,
                due_date: r.due_date,
                submitted_at: r.submitted_at,
                approved_at: r.approved_at,
                updated_at: r.updated_at,
                late,
                version: r.version,
                activities: n,
                activities_done: done,
                budget,
                id: r.id,
            })
        })
        .collect()
}

/// Plans by status within the query (its status filter ignored), every
/// status present, and how many of them are late.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    pub by_status: Vec<(PlanStatus, i64)>,
    pub late: i64,
    pub total: i64,
}

pub fn counts(conn: &mut DbConn, q: &PlanQuery) -> StoreResult<StatusCounts> {
    let rows: Vec<(String, i64)> = filtered!(q, false)
        .group_by(workplans::status)
        .select((workplans::status, count_star()))
        .load(conn)?;
    let by_status: Vec<(PlanStatus, i64)> = PlanStatus::ALL
        .iter()
        .map(|s| {
            (
                *s,
                rows.iter()
                    .find(|(k, _)| k == s.key())
                    .map(|(_, n)| *n)
                    .unwrap_or(0),
            )
        })
        .collect();
    let late_q = PlanQuery {
        late_only: true,
        ..q.clone()
    };
    let late: i64 = filtered!(&late_q, false).count().get_result(conn)?;
    Ok(StatusCounts {
        total: by_status.iter().map(|(_, n)| n).sum(),
        by_status,
        late,
    })
}

/// The plans a library has written, newest year first, as summaries.
pub fn of_library(
    conn: &mut DbConn,
    library: LibraryId,
    today: NaiveDate,
) -> StoreResult<Vec<PlanSummary>> {
    let rows: Vec<PlanRow> = workplans::table
        .filter(workplans::library_id.eq(library.to_string()))
        .order((workplans::year.desc(), workplans::kind))
        .select(PlanRow::as_select())
        .load(conn)?;
    summaries(conn, rows, today)
}

/// The years from `from_year` on for which a library is expected to write
/// plans (it attended an event that year, or its TPBIS cohort is that
/// year), with the due date of each.
pub fn expected_years(
    conn: &mut DbConn,
    library: LibraryId,
    from_year: i32,
) -> StoreResult<Vec<(i32, NaiveDate)>> {
    let (from, _) = year_range(from_year);
    let starts: Vec<NaiveDate> = event_participants::table
        .inner_join(events::table)
        .filter(event_participants::library_id.eq(library.to_string()))
        .filter(event_participants::status.ne_all(NOT_ATTENDING))
        .filter(events::starts_on.ge(from))
        .select(events::starts_on)
        .load(conn)?;
    let cohort: Option<(Option<i32>, String)> = libraries::table
        .find(library.to_string())
        .select((libraries::cohort_year, libraries::participation))
        .first(conn)
        .optional()?;
    let mut years: Vec<i32> = starts.iter().map(chrono::Datelike::year).collect();
    if let Some((Some(y), p)) = cohort
        && p != "none"
        && y >= from_year
    {
        years.push(y);
    }
    years.sort_unstable();
    years.dedup();
    years
        .into_iter()
        .map(|y| Ok((y, due_for(conn, library, y)?.1)))
        .collect()
}

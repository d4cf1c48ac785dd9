//! Activity reports (kegiatan) with participants and photo evidence, and advocacy outcomes.
//!
//! A report is one row in `activity_reports` (with the participants' sum
//! kept beside it for cheap lists), its non-zero grid cells in
//! `activity_participants`, and its photos in `activity_photos` pointing at
//! `uploads` (bytes in the database, served reach-checked). Everything of one
//! report is written in one transaction with its audit entry, so a rejected
//! photo or a failed insert leaves nothing behind.
//!
//! Reach is a filter on the rows' own `region_code` / `library_id`, as in the
//! other per-library tables: lists and totals need no join to `libraries`.

use crate::audit;
use crate::conn::{DbConn, Dialect, write_tx};
use crate::error::{StoreError, StoreResult};
use crate::notifications::{self, Note};
use crate::schema::{
    activity_participants, activity_photos, activity_reports, advocacy_outcomes, libraries,
    uploads, workplan_activities, workplans,
};
use crate::uploads::NewUpload;
use crate::{Page, now};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, sum};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use lentera_core::activities::{
    ActivityDraft, ActivityKind, AdvocacyDraft, AdvocacyKind, ListFilter, Participants, Strategy,
};
use lentera_core::audit::{ActorRef, Change};
use lentera_core::field::{Invalid, Problem};
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use lentera_core::users::Reach;
use lentera_core::workplans::{PlanStatus, Progress};
use serde::Serialize;
use uuid::Uuid;

/// The most photos one report keeps: evidence, not an album, and every
/// photo is a few hundred kilobytes in the database and on the wire.
pub const MAX_PHOTOS: usize = 12;

/// The library a report or outcome belongs to, and its village (the
/// record's region for reach and the audit trail).
#[derive(Debug, Clone)]
pub struct At<'a> {
    pub library: LibraryId,
    pub village: &'a RegionCode,
}

/// A photo to store with a report: the checked, re-encoded file and its
/// caption (the alt text).
pub struct NewPhoto<'a> {
    pub upload: NewUpload<'a>,
    pub caption: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Photo {
    pub upload_id: String,
    pub position: i32,
    pub caption: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

/// A stored report with everything its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub id: String,
    pub library_id: LibraryId,
    pub library_name: String,
    pub region_code: String,
    #[serde(flatten)]
    pub details: ActivityDraft,
    /// The work-plan activity it fulfils, as the plan names it.
    pub plan_activity: Option<PlanActivity>,
    pub photos: Vec<Photo>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Report {
    pub fn library_place(&self) -> Option<RegionCode> {
        RegionCode::parse(&self.region_code).ok()
    }
}

/// One line of a report list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportSummary {
    pub id: String,
    pub library_id: String,
    pub library_name: String,
    pub region_code: String,
    pub held_on: NaiveDate,
    pub strategy: Strategy,
    pub kind: ActivityKind,
    pub title: String,
    pub partners: Option<String>,
    pub outcome: Option<String>,
    pub participants: i64,
    pub photos: i64,
    pub workplan_activity_id: Option<String>,
}

/// An activity of one of the library's approved work plans, as a report
/// can name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanActivity {
    pub id: String,
    pub workplan_id: String,
    pub plan_title: String,
    pub plan_kind: String,
    pub plan_status: String,
    pub year: i32,
    pub name: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub progress: String,
    /// Reports that name it.
    pub reports: i64,
}

fn bad(what: &str, id: &str) -> StoreError {
    StoreError::Data(format!("activity report {id}: bad {what}"))
}

// ---------------------------------------------------------------- reading

/// The reach and the filters as one predicate over a query source that has
/// `activity_reports` in it: the table alone (lists) or joined with its
/// grid (totals, which group, and a boxed query cannot be grouped).
macro_rules! report_predicate {
    ($name:ident, $qs:ty) => {
        fn $name(
            reach: &Reach,
            f: &ListFilter,
        ) -> Box<dyn BoxableExpression<$qs, Dialect, SqlType = Bool>> {
            type P = Box<dyn BoxableExpression<$qs, Dialect, SqlType = Bool>>;
            let region = |p: P, r: &RegionCode| -> P {
                let (lo, hi) = r.subtree_range();
                Box::new(
                    p.and(activity_reports::region_code.ge(lo))
                        .and(activity_reports::region_code.lt(hi)),
                )
            };
            let mut p: P = Box::new(true.into_sql::<Bool>());
            match reach {
                Reach::Everything => {}
                Reach::Region(r) => p = region(p, r),
                Reach::Libraries(ids) => {
                    let ids: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
                    p = Box::new(p.and(activity_reports::library_id.eq_any(ids)));
                }
            }
            if let Some(r) = &f.region {
                p = region(p, r);
            }
            if let Some(l) = f.library {
                p = Box::new(p.and(activity_reports::library_id.eq(l.to_string())));
            }
            if let Some(s) = f.strategy {
                p = Box::new(p.and(activity_reports::strategy.eq(s.key())));
            }
            if let Some(k) = f.kind {
                p = Box::new(p.and(activity_reports::kind.eq(k.key())));
            }
            if let Some(d) = f.from {
                p = Box::new(p.and(activity_reports::held_on.ge(d)));
            }
            if let Some(d) = f.to {
                p = Box::new(p.and(activity_reports::held_on.le(d)));
            }
            p
        }
    };
}

report_predicate!(report_filter, activity_reports::table);
report_predicate!(
    grid_filter,
    diesel::helper_types::InnerJoinQuerySource<activity_participants::table, activity_reports::table>
);

fn reports_in<'a>(reach: &Reach, f: &ListFilter) -> activity_reports::BoxedQuery<'a, Dialect> {
    activity_reports::table
        .into_boxed::<Dialect>()
        .filter(report_filter(reach, f))
}

fn library_names(conn: &mut DbConn, ids: &[String]) -> StoreResult<Vec<(String, String)>> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    Ok(libraries::table
        .filter(libraries::id.eq_any(ids))
        .select((libraries::id, libraries::name))
        .load(conn)?)
}

type SummaryRow = (
    String,
    String,
    String,
    NaiveDate,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i32,
    Option<String>,
);

fn summaries(conn: &mut DbConn, rows: Vec<SummaryRow>) -> StoreResult<Vec<ReportSummary>> {
    let ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let libs: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
    let names = library_names(conn, &libs)?;
    let mut photos: Vec<(String, i64)> = Vec::new();
    for chunk in ids.chunks(500) {
        photos.extend(
            activity_photos::table
                .filter(activity_photos::report_id.eq_any(chunk))
                .group_by(activity_photos::report_id)
                .select((activity_photos::report_id, count_star()))
                .load::<(String, i64)>(conn)?,
        );
    }
    rows.into_iter()
        .map(
            |(id, lib, region, held_on, strategy, kind, title, partners, outcome, n, plan)| {
                Ok(ReportSummary {
                    strategy: Strategy::parse(&strategy).map_err(|_| bad("strategy", &id))?,
                    kind: ActivityKind::parse(&kind).map_err(|_| bad("kind", &id))?,
                    library_name: names
                        .iter()
                        .find(|(l, _)| *l == lib)
                        .map(|(_, n)| n.clone())
                        .unwrap_or_default(),
                    photos: photos
                        .iter()
                        .find(|(r, _)| *r == id)
                        .map(|(_, n)| *n)
                        .unwrap_or(0),
                    library_id: lib,
                    region_code: region,
                    held_on,
                    title,
                    partners,
                    outcome,
                    participants: i64::from(n),
                    workplan_activity_id: plan,
                    id,
                })
            },
        )
        .collect()
}

macro_rules! summary_columns {
    () => {
        (
            activity_reports::id,
            activity_reports::library_id,
            activity_reports::region_code,
            activity_reports::held_on,
            activity_reports::strategy,
            activity_reports::kind,
            activity_reports::title,
            activity_reports::partners,
            activity_reports::outcome,
            activity_reports::participants,
            activity_reports::workplan_activity_id,
        )
    };
}

/// Reports within reach matching the filters, newest first.
pub fn list(
    conn: &mut DbConn,
    reach: &Reach,
    f: &ListFilter,
    page: i64,
    per_page: i64,
) -> StoreResult<Page<ReportSummary>> {
    let per_page = per_page.clamp(1, 500);
    let page = page.max(1);
    let total: i64 = reports_in(reach, f).count().get_result(conn)?;
    let rows: Vec<SummaryRow> = reports_in(reach, f)
        .order((
            activity_reports::held_on.desc(),
            activity_reports::id.desc(),
        ))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(summary_columns!())
        .load(conn)?;
    Ok(Page {
        items: summaries(conn, rows)?,
        total,
        page,
        per_page,
    })
}

/// The participants of every report within reach matching the filters,
/// summed over the grid, and how many reports there are.
pub fn totals(
    conn: &mut DbConn,
    reach: &Reach,
    f: &ListFilter,
) -> StoreResult<(i64, Participants)> {
    let reports: i64 = reports_in(reach, f).count().get_result(conn)?;
    let rows: Vec<(String, String, bool, Option<i64>)> = activity_participants::table
        .inner_join(activity_reports::table)
        .filter(grid_filter(reach, f))
        .group_by((
            activity_participants::gender,
            activity_participants::age_group,
            activity_participants::disability,
        ))
        .select((
            activity_participants::gender,
            activity_participants::age_group,
            activity_participants::disability,
            sum(activity_participants::count),
        ))
        .load(conn)?;
    let mut p = Participants::default();
    for (g, a, d, n) in rows {
        p.add_stored(&g, &a, d, n.unwrap_or(0));
    }
    Ok((reports, p))
}

fn grids(conn: &mut DbConn, ids: &[String]) -> StoreResult<Vec<(String, Participants)>> {
    let mut out: Vec<(String, Participants)> = ids
        .iter()
        .map(|id| (id.clone(), Participants::default()))
        .collect();
    for chunk in ids.chunks(500) {
        let rows: Vec<(String, String, String, bool, i32)> = activity_participants::table
            .filter(activity_participants::report_id.eq_any(chunk))
            .select((
                activity_participants::report_id,
                activity_participants::gender,
                activity_participants::age_group,
                activity_participants::disability,
                activity_participants::count,
            ))
            .load(conn)?;
        for (id, g, a, d, n) in rows {
            if let Some((_, p)) = out.iter_mut().find(|(r, _)| *r == id) {
                p.add_stored(&g, &a, d, i64::from(n));
            }
        }
    }
    Ok(out)
}

/// Every report within reach matching the filters with its grid, newest
/// first, for downloads (at most `limit`).
pub fn export_rows(
    conn: &mut DbConn,
    reach: &Reach,
    f: &ListFilter,
    limit: i64,
) -> StoreResult<Vec<(ReportSummary, Participants)>> {
    let rows: Vec<SummaryRow> = reports_in(reach, f)
        .order((
            activity_reports::held_on.desc(),
            activity_reports::id.desc(),
        ))
        .limit(limit.max(1))
        .select(summary_columns!())
        .load(conn)?;
    let items = summaries(conn, rows)?;
    let ids: Vec<String> = items.iter().map(|r| r.id.clone()).collect();
    let mut grids = grids(conn, &ids)?;
    Ok(items
        .into_iter()
        .map(|s| {
            let p = grids
                .iter_mut()
                .find(|(id, _)| *id == s.id)
                .map(|(_, p)| *p)
                .unwrap_or_default();
            (s, p)
        })
        .collect())
}

type ReportRow = (
    String,
    String,
    String,
    NaiveDate,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    (Option<String>, NaiveDateTime, NaiveDateTime),
);

type PhotoRow = (String, i32, Option<String>, Option<i32>, Option<i32>);

/// One report within reach; `NotFound` outside it.
pub fn get(conn: &mut DbConn, reach: &Reach, id: &str) -> StoreResult<Report> {
    let row: ReportRow = reports_in(reach, &ListFilter::default())
        .filter(activity_reports::id.eq(id))
        .select((
            activity_reports::id,
            activity_reports::library_id,
            activity_reports::region_code,
            activity_reports::held_on,
            activity_reports::strategy,
            activity_reports::kind,
            activity_reports::title,
            activity_reports::workplan_activity_id,
            activity_reports::partners,
            activity_reports::outcome,
            activity_reports::story,
            (
                activity_reports::created_by,
                activity_reports::created_at,
                activity_reports::updated_at,
            ),
        ))
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let (id, lib, region, held_on, strategy, kind, title, plan, partners, outcome, story, meta) =
        row;
    let library_id = LibraryId::parse(&lib).map_err(|_| bad("library", &id))?;
    let participants = grids(conn, std::slice::from_ref(&id))?
        .pop()
        .map(|(_, p)| p)
        .unwrap_or_default();
    let photos: Vec<PhotoRow> = activity_photos::table
        .inner_join(uploads::table.on(uploads::id.eq(activity_photos::upload_id)))
        .filter(activity_photos::report_id.eq(&id))
        .order(activity_photos::position.asc())
        .select((
            activity_photos::upload_id,
            activity_photos::position,
            activity_photos::caption,
            uploads::width,
            uploads::height,
        ))
        .load(conn)?;
    let plan_activity = match &plan {
        Some(p) => plan_activity_by_id(conn, library_id, p)?,
        None => None,
    };
    let library_name = library_names(conn, std::slice::from_ref(&lib))?
        .pop()
        .map(|(_, n)| n)
        .unwrap_or_default();
    Ok(Report {
        details: ActivityDraft {
            held_on,
            strategy: Strategy::parse(&strategy).map_err(|_| bad("strategy", &id))?,
            kind: ActivityKind::parse(&kind).map_err(|_| bad("kind", &id))?,
            title,
            workplan_activity_id: plan,
            mark_done: false,
            partners,
            outcome,
            story,
            participants,
        },
        library_id,
        library_name,
        region_code: region,
        plan_activity,
        photos: photos
            .into_iter()
            .map(|(upload_id, position, caption, width, height)| Photo {
                upload_id,
                position,
                caption,
                width,
                height,
            })
            .collect(),
        created_by: meta.0,
        created_at: meta.1,
        updated_at: meta.2,
        id,
    })
}

// ------------------------------------------------------- work-plan links

type PlanActivityRow = (
    String,
    String,
    String,
    Option<NaiveDate>,
    Option<NaiveDate>,
    String,
);

fn plan_activities_where(
    conn: &mut DbConn,
    library: LibraryId,
    only_approved: bool,
    ids: Option<&[String]>,
) -> StoreResult<Vec<PlanActivity>> {
    let mut plans_q = workplans::table
        .filter(workplans::library_id.eq(library.to_string()))
        .into_boxed::<Dialect>();
    if only_approved {
        plans_q = plans_q.filter(workplans::status.eq(PlanStatus::Approved.key()));
    }
    let plans: Vec<(String, String, String, String, i32)> = plans_q
        .order((workplans::year.desc(), workplans::kind.asc()))
        .select((
            workplans::id,
            workplans::title,
            workplans::kind,
            workplans::status,
            workplans::year,
        ))
        .load(conn)?;
    if plans.is_empty() {
        return Ok(Vec::new());
    }
    let plan_ids: Vec<String> = plans.iter().map(|p| p.0.clone()).collect();
    let mut q = workplan_activities::table
        .filter(workplan_activities::library_id.eq(library.to_string()))
        .filter(workplan_activities::workplan_id.eq_any(plan_ids))
        .into_boxed::<Dialect>();
    if let Some(ids) = ids {
        q = q.filter(workplan_activities::id.eq_any(ids.to_vec()));
    }
    let rows: Vec<PlanActivityRow> = q
        .order((
            workplan_activities::workplan_id.asc(),
            workplan_activities::position.asc(),
        ))
        .select((
            workplan_activities::id,
            workplan_activities::workplan_id,
            workplan_activities::name,
            workplan_activities::starts_on,
            workplan_activities::ends_on,
            workplan_activities::progress,
        ))
        .load(conn)?;
    let act_ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let counts: Vec<(Option<String>, i64)> = activity_reports::table
        .filter(activity_reports::workplan_activity_id.eq_any(act_ids))
        .group_by(activity_reports::workplan_activity_id)
        .select((activity_reports::workplan_activity_id, count_star()))
        .load(conn)?;
    let mut out: Vec<PlanActivity> = rows
        .into_iter()
        .filter_map(|(id, plan, name, starts_on, ends_on, progress)| {
            let p = plans.iter().find(|p| p.0 == plan)?;
            Some(PlanActivity {
                reports: counts
                    .iter()
                    .find(|(a, _)| a.as_deref() == Some(id.as_str()))
                    .map(|(_, n)| *n)
                    .unwrap_or(0),
                id,
                workplan_id: plan,
                plan_title: p.1.clone(),
                plan_kind: p.2.clone(),
                plan_status: p.3.clone(),
                year: p.4,
                name,
                starts_on,
                ends_on,
                progress,
            })
        })
        .collect();
    // Newest plans first, then the plan's own order.
    out.sort_by_key(|a| {
        (
            std::cmp::Reverse(a.year),
            plans.iter().position(|p| p.0 == a.workplan_id),
        )
    });
    Ok(out)
}

fn plan_activity_by_id(
    conn: &mut DbConn,
    library: LibraryId,
    id: &str,
) -> StoreResult<Option<PlanActivity>> {
    Ok(plan_activities_where(conn, library, false, Some(&[id.to_string()]))?.pop())
}

/// The activities of the library's approved work plans a report may name
/// (cancelled ones left out), newest plans first.
pub fn plan_activities(conn: &mut DbConn, library: LibraryId) -> StoreResult<Vec<PlanActivity>> {
    Ok(plan_activities_where(conn, library, true, None)?
        .into_iter()
        .filter(|a| a.progress != Progress::Cancelled.key())
        .collect())
}

/// Approved plan activities whose end date has passed with no report
/// naming them and not marked done or cancelled: the manager's to-do.
pub fn overdue_plan_activities(
    conn: &mut DbConn,
    library: LibraryId,
    today: NaiveDate,
) -> StoreResult<Vec<PlanActivity>> {
    Ok(plan_activities_where(conn, library, true, None)?
        .into_iter()
        .filter(|a| {
            a.ends_on.is_some_and(|e| e < today)
                && a.reports == 0
                && a.progress != Progress::Done.key()
                && a.progress != Progress::Cancelled.key()
        })
        .collect())
}

/// The dates of the library's reports on or after `from` (distinct).
pub fn reported_dates(
    conn: &mut DbConn,
    library: LibraryId,
    from: NaiveDate,
) -> StoreResult<Vec<NaiveDate>> {
    Ok(activity_reports::table
        .filter(activity_reports::library_id.eq(library.to_string()))
        .filter(activity_reports::held_on.ge(from))
        .select(activity_reports::held_on)
        .distinct()
        .load(conn)?)
}

/// Checks a named plan activity: one of this library's approved plans,
/// not cancelled. A field error otherwise (someone else's id answers the
/// same as an unknown one).
fn check_plan_activity(
    conn: &mut DbConn,
    library: LibraryId,
    id: &str,
    current: Option<&str>,
) -> StoreResult<PlanActivity> {
    let found = plan_activity_by_id(conn, library, id)?;
    match found {
        Some(a)
            if a.plan_status == PlanStatus::Approved.key()
                && (a.progress != Progress::Cancelled.key() || current == Some(id)) =>
        {
            Ok(a)
        }
        _ => Err(Invalid::one("workplan_activity_id", Problem::NotFound).into()),
    }
}

/// After a report naming a plan activity is saved, moves that activity on
/// through the work plans' own step (`workplans::set_progress`: its history
/// line and audit entry): to done when the user ticked it, else from
/// planned to under way — a report proves it has started. Never backwards.
/// Returns the new progress when it changed.
///
/// This runs after the report's own transaction (the work plans' step opens
/// its own), so a failure here leaves the saved report in place.
pub fn advance_plan_activity(
    conn: &mut DbConn,
    who: &crate::workplans::Who,
    library: LibraryId,
    activity_id: &str,
    done: bool,
    note: &str,
) -> StoreResult<Option<Progress>> {
    let Some(a) = plan_activity_by_id(conn, library, activity_id)? else {
        return Err(StoreError::NotFound);
    };
    let to = if done && a.progress != Progress::Done.key() {
        Progress::Done
    } else if !done && a.progress == Progress::Planned.key() {
        Progress::UnderWay
    } else {
        return Ok(None);
    };
    crate::workplans::set_progress(conn, who, &a.workplan_id, &a.id, to, Some(note), now())?;
    Ok(Some(to))
}

// ---------------------------------------------------------------- writing

fn delete_grid(conn: &mut DbConn, id: &str) -> StoreResult<()> {
    diesel::delete(activity_participants::table.filter(activity_participants::report_id.eq(id)))
        .execute(conn)?;
    Ok(())
}

fn insert_grid(conn: &mut DbConn, id: &str, p: &Participants) -> StoreResult<()> {
    for (g, a, d, n) in p.cells() {
        diesel::insert_into(activity_participants::table)
            .values((
                activity_participants::report_id.eq(id),
                activity_participants::gender.eq(g.key()),
                activity_participants::age_group.eq(a.key()),
                activity_participants::disability.eq(d),
                activity_participants::count.eq(n as i32),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn photo_count(conn: &mut DbConn, id: &str) -> StoreResult<(i64, i32)> {
    let (n, max): (i64, Option<i32>) = activity_photos::table
        .filter(activity_photos::report_id.eq(id))
        .select((count_star(), diesel::dsl::max(activity_photos::position)))
        .first(conn)?;
    Ok((n, max.unwrap_or(0)))
}

fn insert_photos(conn: &mut DbConn, id: &str, photos: Vec<NewPhoto<'_>>) -> StoreResult<usize> {
    let (n, mut position) = photo_count(conn, id)?;
    if n as usize + photos.len() > MAX_PHOTOS {
        return Err(Invalid::one("photos", Problem::Full).into());
    }
    let added = photos.len();
    for p in photos {
        let upload = crate::uploads::save(conn, p.upload)?;
        position += 1;
        diesel::insert_into(activity_photos::table)
            .values((
                activity_photos::report_id.eq(id),
                activity_photos::upload_id.eq(&upload),
                activity_photos::position.eq(position),
                activity_photos::caption.eq(&p.caption),
            ))
            .execute(conn)?;
    }
    Ok(added)
}

fn summary_line(d: &ActivityDraft) -> String {
    format!(
        "{} {} ({}, {} peserta)",
        d.held_on,
        d.title,
        d.kind.key(),
        d.participants.total()
    )
}

/// Records a report with its photos (already checked and re-encoded) and
/// tells the library's facilitators. Returns the report's id.
pub fn create(
    conn: &mut DbConn,
    by: &ActorRef,
    at: &At<'_>,
    d: &ActivityDraft,
    photos: Vec<NewPhoto<'_>>,
) -> StoreResult<String> {
    write_tx(conn, |conn| {
        if let Some(p) = &d.workplan_activity_id {
            check_plan_activity(conn, at.library, p, None)?;
        }
        let id = Uuid::now_v7().to_string();
        let t = now();
        diesel::insert_into(activity_reports::table)
            .values((
                activity_reports::id.eq(&id),
                activity_reports::library_id.eq(at.library.to_string()),
                activity_reports::region_code.eq(at.village.to_string()),
                activity_reports::held_on.eq(d.held_on),
                activity_reports::strategy.eq(d.strategy.key()),
                activity_reports::kind.eq(d.kind.key()),
                activity_reports::title.eq(&d.title),
                activity_reports::workplan_activity_id.eq(&d.workplan_activity_id),
                activity_reports::partners.eq(&d.partners),
                activity_reports::outcome.eq(&d.outcome),
                activity_reports::story.eq(&d.story),
                activity_reports::participants.eq(d.participants.total() as i32),
                activity_reports::created_by.eq(&by.username),
                activity_reports::created_at.eq(t),
                activity_reports::updated_at.eq(t),
            ))
            .execute(conn)?;
        insert_grid(conn, &id, &d.participants)?;
        let n = insert_photos(conn, &id, photos)?;
        audit::record(
            conn,
            by,
            Change {
                action: "activity.create",
                entity: "activity_report",
                entity_id: id.clone(),
                region: Some(at.village.clone()),
                library: Some(at.library),
                summary: format!("{}, {n} foto", summary_line(d)),
                details: None,
            },
        )?;
        let name: String = libraries::table
            .find(at.library.to_string())
            .select(libraries::name)
            .first(conn)?;
        let to = notifications::facilitators_of(conn, at.library)?;
        let link = format!("/activities/{id}");
        notifications::send(
            conn,
            &to,
            &Note {
                id: &format!("Laporan kegiatan baru dari {name}: {}", d.title),
                en: &format!("New activity report from {name}: {}", d.title),
                link: &link,
            },
        )?;
        Ok(id)
    })
}

fn current_of(
    conn: &mut DbConn,
    at: &At<'_>,
    id: &str,
) -> StoreResult<(NaiveDateTime, Option<String>, String)> {
    activity_reports::table
        .filter(activity_reports::id.eq(id))
        .filter(activity_reports::library_id.eq(at.library.to_string()))
        .select((
            activity_reports::updated_at,
            activity_reports::workplan_activity_id,
            activity_reports::title,
        ))
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// Changes a report of this library. With `expected`, fails with
/// [`StoreError::Conflict`] if someone saved it since that version.
pub fn update(
    conn: &mut DbConn,
    by: &ActorRef,
    at: &At<'_>,
    id: &str,
    d: &ActivityDraft,
    expected: Option<NaiveDateTime>,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let (version, current_plan, _) = current_of(conn, at, id)?;
        if expected.is_some_and(|e| e != version) {
            return Err(StoreError::Conflict);
        }
        if let Some(p) = &d.workplan_activity_id {
            check_plan_activity(conn, at.library, p, current_plan.as_deref())?;
        }
        // The old grid goes while the report still has its old date and
        // strategy: roll-ups that key participants by them see a clean move.
        delete_grid(conn, id)?;
        diesel::update(activity_reports::table.filter(activity_reports::id.eq(id)))
            .set((
                activity_reports::held_on.eq(d.held_on),
                activity_reports::strategy.eq(d.strategy.key()),
                activity_reports::kind.eq(d.kind.key()),
                activity_reports::title.eq(&d.title),
                activity_reports::workplan_activity_id.eq(&d.workplan_activity_id),
                activity_reports::partners.eq(&d.partners),
                activity_reports::outcome.eq(&d.outcome),
                activity_reports::story.eq(&d.story),
                activity_reports::participants.eq(d.participants.total() as i32),
                activity_reports::updated_at.eq(now()),
            ))
            .execute(conn)?;
        insert_grid(conn, id, &d.participants)?;
        audit::record(
            conn,
            by,
            Change {
                action: "activity.update",
                entity: "activity_report",
                entity_id: id.to_string(),
                region: Some(at.village.clone()),
                library: Some(at.library),
                summary: summary_line(d),
                details: None,
            },
        )?;
        Ok(())
    })
}

/// Removes a report, its grid, its photos and their files.
pub fn delete(conn: &mut DbConn, by: &ActorRef, at: &At<'_>, id: &str) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let (_, _, title) = current_of(conn, at, id)?;
        let files: Vec<String> = activity_photos::table
            .filter(activity_photos::report_id.eq(id))
            .select(activity_photos::upload_id)
            .load(conn)?;
        diesel::delete(activity_photos::table.filter(activity_photos::report_id.eq(id)))
            .execute(conn)?;
        for f in &files {
            crate::uploads::delete(conn, f)?;
        }
        delete_grid(conn, id)?;
        diesel::delete(activity_reports::table.filter(activity_reports::id.eq(id)))
            .execute(conn)?;
        audit::record(
            conn,
            by,
            Change {
                action: "activity.delete",
                entity: "activity_report",
                entity_id: id.to_string(),
                region: Some(at.village.clone()),
                library: Some(at.library),
                summary: format!("{title} ({} foto)", files.len()),
                details: None,
            },
        )
    })
}

/// Adds photos to a report of this library (at most [`MAX_PHOTOS`] in
/// all: a `photos` field error beyond).
pub fn add_photos(
    conn: &mut DbConn,
    by: &ActorRef,
    at: &At<'_>,
    id: &str,
    photos: Vec<NewPhoto<'_>>,
) -> StoreResult<usize> {
    write_tx(conn, |conn| {
        let (_, _, title) = current_of(conn, at, id)?;
        let n = insert_photos(conn, id, photos)?;
        diesel::update(activity_reports::table.filter(activity_reports::id.eq(id)))
            .set(activity_reports::updated_at.eq(now()))
            .execute(conn)?;
        audit::record(
            conn,
            by,
            Change {
                action: "activity.photo_add",
                entity: "activity_report",
                entity_id: id.to_string(),
                region: Some(at.village.clone()),
                library: Some(at.library),
                summary: format!("{title}: +{n} foto"),
                details: None,
            },
        )?;
        Ok(n)
    })
}

/// Removes one photo (and its file) from a report of this library.
pub fn remove_photo(
    conn: &mut DbConn,
    by: &ActorRef,
    at: &At<'_>,
    id: &str,
    upload: &str,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let (_, _, title) = current_of(conn, at, id)?;
        let n = diesel::delete(
            activity_photos::table
                .filter(activity_photos::report_id.eq(id))
                .filter(activity_photos::upload_id.eq(upload)),
        )
        .execute(conn)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        crate::uploads::delete(conn, upload)?;
        diesel::update(activity_reports::table.filter(activity_reports::id.eq(id)))
            .set(activity_reports::updated_at.eq(now()))
            .execute(conn)?;
        audit::record(
            conn,
            by,
            Change {
                action: "activity.photo_remove",
                entity: "activity_report",
                entity_id: id.to_string(),
                region: Some(at.village.clone()),
                library: Some(at.library),
                summary: format!("{title}: -1 foto"),
                details: None,
            },
        )
    })
}

/// The files a library keeps in the database (photos and documents of
/// every feature): how many, and their bytes. A village PC has a small
/// disk; the report list shows it.
pub fn storage(conn: &mut DbConn, library: LibraryId) -> StoreResult<(i64, i64)> {
    // Sizes are summed here: SUM over BIGINT is NUMERIC on PostgreSQL, and
    // a library keeps hundreds of files, not millions.
    let sizes: Vec<i64> = uploads::table
        .filter(uploads::library_id.eq(library.to_string()))
        .select(uploads::size)
        .load(conn)?;
    Ok((sizes.len() as i64, sizes.iter().sum()))
}

/// A report to insert in bulk (the demonstration): no photos, no plan link
/// checks, one audit entry per library.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub library: LibraryId,
    pub village: RegionCode,
    pub draft: ActivityDraft,
}

#[derive(Insertable)]
#[diesel(table_name = activity_reports)]
struct NewReportRow {
    id: String,
    library_id: String,
    region_code: String,
    held_on: NaiveDate,
    strategy: String,
    kind: String,
    title: String,
    workplan_activity_id: Option<String>,
    partners: Option<String>,
    outcome: Option<String>,
    story: Option<String>,
    participants: i32,
    created_by: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = activity_participants)]
struct CellRow {
    report_id: String,
    gender: String,
    age_group: String,
    disability: bool,
    count: i32,
}

/// Inserts many reports in one transaction with multi-row inserts (the
/// demonstration's year of reports), and one audit entry per library.
/// Plan links are taken as given. Returns the ids in order.
pub fn insert_many(
    conn: &mut DbConn,
    by: &ActorRef,
    rows: &[NewReport],
) -> StoreResult<Vec<String>> {
    write_tx(conn, |conn| {
        let t = now();
        let ids: Vec<String> = rows.iter().map(|_| Uuid::now_v7().to_string()).collect();
        let reports: Vec<NewReportRow> = rows
            .iter()
            .zip(&ids)
            .map(|(r, id)| {
                let d = &r.draft;
                NewReportRow {
                    id: id.clone(),
                    library_id: r.library.to_string(),
                    region_code: r.village.to_string(),
                    held_on: d.held_on,
                    strategy: d.strategy.key().into(),
                    kind: d.kind.key().into(),
                    title: d.title.clone(),
                    workplan_activity_id: d.workplan_activity_id.clone(),
                    partners: d.partners.clone(),
                    outcome: d.outcome.clone(),
                    story: d.story.clone(),
                    participants: d.participants.total() as i32,
                    created_by: Some(by.username.clone()),
                    created_at: t,
                    updated_at: t,
                }
            })
            .collect();
        for chunk in reports.chunks(200) {
            crate::on_backend!(conn, |c| diesel::insert_into(activity_reports::table)
                .values(chunk)
                .execute(c))?;
        }
        let cells: Vec<CellRow> = rows
            .iter()
            .zip(&ids)
            .flat_map(|(r, id)| {
                r.draft
                    .participants
                    .cells()
                    .into_iter()
                    .map(move |(g, a, d, n)| CellRow {
                        report_id: id.clone(),
                        gender: g.key().into(),
                        age_group: a.key().into(),
                        disability: d,
                        count: n as i32,
                    })
            })
            .collect();
        for chunk in cells.chunks(500) {
            crate::on_backend!(conn, |c| diesel::insert_into(activity_participants::table)
                .values(chunk)
                .execute(c))?;
        }
        let mut libs: Vec<(LibraryId, &RegionCode)> = Vec::new();
        for r in rows {
            if !libs.iter().any(|(l, _)| *l == r.library) {
                libs.push((r.library, &r.village));
            }
        }
        for (lib, village) in libs {
            let n = rows.iter().filter(|r| r.library == lib).count();
            audit::record(
                conn,
                by,
                Change {
                    action: "activity.import",
                    entity: "activity_report",
                    entity_id: lib.to_string(),
                    region: Some(village.clone()),
                    library: Some(lib),
                    summary: format!("{n} laporan kegiatan"),
                    details: None,
                },
            )?;
        }
        Ok(ids)
    })
}

/// Adds photos to a report without the per-user checks (the demonstration).
pub fn attach_photos(conn: &mut DbConn, id: &str, photos: Vec<NewPhoto<'_>>) -> StoreResult<usize> {
    write_tx(conn, |conn| insert_photos(conn, id, photos))
}

// ---------------------------------------------------------------- advocacy

/// The stored document of an outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    pub upload_id: String,
    pub filename: String,
    pub kind: String,
    pub size: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub id: String,
    pub library_id: LibraryId,
    pub library_name: String,
    pub region_code: String,
    #[serde(flatten)]
    pub details: AdvocacyDraft,
    pub document: Option<Document>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Filters of the advocacy lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutcomeFilter {
    pub kind: Option<AdvocacyKind>,
    pub region: Option<RegionCode>,
    pub library: Option<LibraryId>,
}

fn outcomes_in<'a>(reach: &Reach, f: &OutcomeFilter) -> advocacy_outcomes::BoxedQuery<'a, Dialect> {
    let mut q = advocacy_outcomes::table.into_boxed::<Dialect>();
    match reach {
        Reach::Everything => {}
        Reach::Region(r) => {
            let (lo, hi) = r.subtree_range();
            q = q
                .filter(advocacy_outcomes::region_code.ge(lo))
                .filter(advocacy_outcomes::region_code.lt(hi));
        }
        Reach::Libraries(ids) => {
            let ids: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
            q = q.filter(advocacy_outcomes::library_id.eq_any(ids));
        }
    }
    if let Some(r) = &f.region {
        let (lo, hi) = r.subtree_range();
        q = q
            .filter(advocacy_outcomes::region_code.ge(lo))
            .filter(advocacy_outcomes::region_code.lt(hi));
    }
    if let Some(l) = f.library {
        q = q.filter(advocacy_outcomes::library_id.eq(l.to_string()));
    }
    if let Some(k) = f.kind {
        q = q.filter(advocacy_outcomes::kind.eq(k.key()));
    }
    q
}

type OutcomeRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<NaiveDate>,
    Option<i32>,
    Option<i64>,
    Option<String>,
    Option<String>,
    (Option<String>, NaiveDateTime, NaiveDateTime),
);

macro_rules! outcome_columns {
    () => {
        (
            advocacy_outcomes::id,
            advocacy_outcomes::library_id,
            advocacy_outcomes::region_code,
            advocacy_outcomes::kind,
            advocacy_outcomes::title,
            advocacy_outcomes::partner,
            advocacy_outcomes::signed_on,
            advocacy_outcomes::budget_year,
            advocacy_outcomes::amount,
            advocacy_outcomes::description,
            advocacy_outcomes::document_upload_id,
            (
                advocacy_outcomes::created_by,
                advocacy_outcomes::created_at,
                advocacy_outcomes::updated_at,
            ),
        )
    };
}

fn outcomes(conn: &mut DbConn, rows: Vec<OutcomeRow>) -> StoreResult<Vec<Outcome>> {
    let libs: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
    let names = library_names(conn, &libs)?;
    let docs: Vec<String> = rows.iter().filter_map(|r| r.10.clone()).collect();
    let infos = crate::uploads::infos(conn, &docs)?;
    rows.into_iter()
        .map(
            |(id, lib, region, kind, title, partner, signed_on, year, amount, desc, doc, meta)| {
                let bad = |w: &str| StoreError::Data(format!("advocacy outcome {id}: bad {w}"));
                Ok(Outcome {
                    library_id: LibraryId::parse(&lib).map_err(|_| bad("library"))?,
                    details: AdvocacyDraft {
                        kind: AdvocacyKind::parse(&kind).map_err(|_| bad("kind"))?,
                        title,
                        partner,
                        signed_on,
                        budget_year: year,
                        amount,
                        description: desc,
                    },
                    library_name: names
                        .iter()
                        .find(|(l, _)| *l == lib)
                        .map(|(_, n)| n.clone())
                        .unwrap_or_default(),
                    document: doc.and_then(|d| {
                        infos.iter().find(|i| i.id == d).map(|i| Document {
                            upload_id: i.id.clone(),
                            filename: i.filename.clone(),
                            kind: i.kind.clone(),
                            size: i.size,
                        })
                    }),
                    region_code: region,
                    created_by: meta.0,
                    created_at: meta.1,
                    updated_at: meta.2,
                    id,
                })
            },
        )
        .collect()
}

/// Outcomes within reach, newest first by date (signed, or budget year).
pub fn list_outcomes(
    conn: &mut DbConn,
    reach: &Reach,
    f: &OutcomeFilter,
    page: i64,
    per_page: i64,
) -> StoreResult<Page<Outcome>> {
    let per_page = per_page.clamp(1, 500);
    let page = page.max(1);
    let total: i64 = outcomes_in(reach, f).count().get_result(conn)?;
    let rows: Vec<OutcomeRow> = outcomes_in(reach, f)
        .order((
            advocacy_outcomes::created_at.desc(),
            advocacy_outcomes::id.desc(),
        ))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(outcome_columns!())
        .load(conn)?;
    Ok(Page {
        items: outcomes(conn, rows)?,
        total,
        page,
        per_page,
    })
}

/// One outcome within reach; `NotFound` outside it.
pub fn get_outcome(conn: &mut DbConn, reach: &Reach, id: &str) -> StoreResult<Outcome> {
    let rows: Vec<OutcomeRow> = outcomes_in(reach, &OutcomeFilter::default())
        .filter(advocacy_outcomes::id.eq(id))
        .select(outcome_columns!())
        .load(conn)?;
    outcomes(conn, rows)?.pop().ok_or(StoreError::NotFound)
}

/// What advocacy achieved within reach: outcomes per kind (and how many
/// libraries), and APBDes allocations per budget year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OutcomeSummary {
    /// (kind, outcomes, libraries)
    pub by_kind: Vec<(AdvocacyKind, i64, i64)>,
    /// (year, libraries, rupiah)
    pub apbdes: Vec<(i32, i64, i64)>,
}

pub fn outcome_summary(
    conn: &mut DbConn,
    reach: &Reach,
    f: &OutcomeFilter,
) -> StoreResult<OutcomeSummary> {
    let rows: Vec<(String, String, Option<i32>, Option<i64>)> = outcomes_in(reach, f)
        .select((
            advocacy_outcomes::kind,
            advocacy_outcomes::library_id,
            advocacy_outcomes::budget_year,
            advocacy_outcomes::amount,
        ))
        .load(conn)?;
    let mut out = OutcomeSummary::default();
    for k in AdvocacyKind::ALL {
        let mine: Vec<&(String, String, Option<i32>, Option<i64>)> =
            rows.iter().filter(|r| r.0 == k.key()).collect();
        if mine.is_empty() {
            continue;
        }
        let mut libs: Vec<&str> = mine.iter().map(|r| r.1.as_str()).collect();
        libs.sort();
        libs.dedup();
        out.by_kind.push((*k, mine.len() as i64, libs.len() as i64));
    }
    let mut years: Vec<i32> = rows
        .iter()
        .filter(|r| r.0 == AdvocacyKind::Apbdes.key())
        .filter_map(|r| r.2)
        .collect();
    years.sort_unstable();
    years.dedup();
    for y in years.into_iter().rev() {
        let mine: Vec<_> = rows
            .iter()
            .filter(|r| r.0 == AdvocacyKind::Apbdes.key() && r.2 == Some(y))
            .collect();
        let mut libs: Vec<&str> = mine.iter().map(|r| r.1.as_str()).collect();
        libs.sort();
        libs.dedup();
        let amount = mine.iter().filter_map(|r| r.3).sum();
        out.apbdes.push((y, libs.len() as i64, amount));
    }
    Ok(out)
}

/// One APBDes allocation per library and budget year: a second one is a
/// duplicate (change the first instead).
fn check_apbdes_year(
    conn: &mut DbConn,
    at: &At<'_>,
    d: &AdvocacyDraft,
    except: Option<&str>,
) -> StoreResult<()> {
    let (AdvocacyKind::Apbdes, Some(year)) = (d.kind, d.budget_year) else {
        return Ok(());
    };
    let mut q = advocacy_outcomes::table
        .filter(advocacy_outcomes::library_id.eq(at.library.to_string()))
        .filter(advocacy_outcomes::kind.eq(AdvocacyKind::Apbdes.key()))
        .filter(advocacy_outcomes::budget_year.eq(year))
        .into_boxed::<Dialect>();
    if let Some(id) = except {
        q = q.filter(advocacy_outcomes::id.ne(id.to_string()));
    }
    let n: i64 = q.count().get_result(conn)?;
    if n > 0 {
        return Err(Invalid::one("budget_year", Problem::Duplicate).into());
    }
    Ok(())
}

fn outcome_line(d: &AdvocacyDraft) -> String {
    match (d.budget_year, d.amount) {
        (Some(y), Some(a)) => format!("{}: {} ({y}, Rp {a})", d.kind.key(), d.title),
        _ => format!("{}: {}", d.kind.key(), d.title),
    }
}

/// Records an outcome with its document (already checked).
pub fn create_outcome(
    conn: &mut DbConn,
    by: &ActorRef,
    at: &At<'_>,
    d: &AdvocacyDraft,
    document: Option<NewUpload<'_>>,
) -> StoreResult<String> {
    write_tx(conn, |conn| {
        check_apbdes_year(conn, at, d, None)?;
        let doc = match document {
            Some(u) => Some(crate::uploads::save(conn, u)?),
            None => None,
        };
        let id = Uuid::now_v7().to_string();
        let t = now();
        diesel::insert_into(advocacy_outcomes::table)
            .values((
                advocacy_outcomes::id.eq(&id),
                advocacy_outcomes::library_id.eq(at.library.to_string()),
                advocacy_outcomes::region_code.eq(at.village.to_string()),
                advocacy_outcomes::kind.eq(d.kind.key()),
                advocacy_outcomes::title.eq(&d.title),
                advocacy_outcomes::partner.eq(&d.partner),
                advocacy_outcomes::signed_on.eq(d.signed_on),
                advocacy_outcomes::budget_year.eq(d.budget_year),
                advocacy_outcomes::amount.eq(d.amount),
                advocacy_outcomes::description.eq(&d.description),
                advocacy_outcomes::document_upload_id.eq(&doc),
                advocacy_outcomes::created_by.eq(&by.username),
                advocacy_outcomes::created_at.eq(t),
                advocacy_outcomes::updated_at.eq(t),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            by,
            Change {
                action: "advocacy.create",
                entity: "advocacy_outcome",
                entity_id: id.clone(),
                region: Some(at.village.clone()),
                library: Some(at.library),
                summary: outcome_line(d),
                details: None,
            },
        )?;
        Ok(id)
    })
}

fn outcome_current(
    conn: &mut DbConn,
    at: &At<'_>,
    id: &str,
) -> StoreResult<(NaiveDateTime, Option<String>, String)> {
    advocacy_outcomes::table
        .filter(advocacy_outcomes::id.eq(id))
        .filter(advocacy_outcomes::library_id.eq(at.library.to_string()))
        .select((
            advocacy_outcomes::updated_at,
            advocacy_outcomes::document_upload_id,
            advocacy_outcomes::title,
        ))
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// What to do with an outcome's document on an update.
pub enum DocumentChange<'a> {
    Keep,
    Replace(NewUpload<'a>),
    Remove,
}

/// Changes an outcome of this library (and its document).
pub fn update_outcome(
    conn: &mut DbConn,
    by: &ActorRef,
    at: &At<'_>,
    id: &str,
    d: &AdvocacyDraft,
    document: DocumentChange<'_>,
    expected: Option<NaiveDateTime>,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let (version, old_doc, _) = outcome_current(conn, at, id)?;
        if expected.is_some_and(|e| e != version) {
            return Err(StoreError::Conflict);
        }
        check_apbdes_year(conn, at, d, Some(id))?;
        let doc = match document {
            DocumentChange::Keep => old_doc.clone(),
            DocumentChange::Replace(u) => Some(crate::uploads::save(conn, u)?),
            DocumentChange::Remove => None,
        };
        diesel::update(advocacy_outcomes::table.filter(advocacy_outcomes::id.eq(id)))
            .set((
                advocacy_outcomes::kind.eq(d.kind.key()),
                advocacy_outcomes::title.eq(&d.title),
                advocacy_outcomes::partner.eq(&d.partner),
                advocacy_outcomes::signed_on.eq(d.signed_on),
                advocacy_outcomes::budget_year.eq(d.budget_year),
                advocacy_outcomes::amount.eq(d.amount),
                advocacy_outcomes::description.eq(&d.description),
                advocacy_outcomes::document_upload_id.eq(&doc),
                advocacy_outcomes::updated_at.eq(now()),
            ))
            .execute(conn)?;
        if let Some(old) = old_doc
            && doc.as_deref() != Some(old.as_str())
        {
            crate::uploads::delete(conn, &old)?;
        }
        audit::record(
            conn,
            by,
            Change {
                action: "advocacy.update",
                entity: "advocacy_outcome",
                entity_id: id.to_string(),
                region: Some(at.village.clone()),
                library: Some(at.library),
                summary: outcome_line(d),
                details: None,
            },
        )
    })
}

/// Removes an outcome and its document.
pub fn delete_outcome(conn: &mut DbConn, by: &ActorRef, at: &At<'_>, id: &str) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let (_, doc, title) = outcome_current(conn, at, id)?;
        diesel::delete(advocacy_outcomes::table.filter(advocacy_outcomes::id.eq(id)))
            .execute(conn)?;
        if let Some(d) = doc {
            crate::uploads::delete(conn, &d)?;
        }
        audit::record(
            conn,
            by,
            Change {
                action: "advocacy.delete",
                entity: "advocacy_outcome",
                entity_id: id.to_string(),
                region: Some(at.village.clone()),
                library: Some(at.library),
                summary: title,
                details: None,
            },
        )
    })
}

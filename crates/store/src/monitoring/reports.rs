//! Monthly library reports: storage, submission, approval, locking, audit.
//!
//! A month without a stored row is an untouched draft: its figures are
//! computed live ([`super::figures::library_month`]). A row appears when the
//! library first types figures by hand or submits. From submission on the
//! report's figures are *frozen* into `monthly_report_values` (the typed
//! ones were stored already, the computed ones are copied in), so what the
//! district approves cannot change under it when a late guest-book entry
//! lands in that month; the report page shows such drift instead.
//!
//! Every step runs in one `write_tx`: the stage check (core's
//! [`Stage::apply`]), the optimistic version check, the change, the
//! history row, the audit entry and the notifications. Who may take a step
//! at all ([`lentera_core::monitoring::reports::may`]) and reach are the
//! caller's checks; *when* a step is allowed is decided here, inside the
//! transaction, so two reviewers cannot both act on the same stage.

use crate::audit;
use crate::conn::{DbConn, Dialect, write_tx};
use crate::error::{StoreError, StoreResult};
use crate::notifications::{self, Note};
use crate::schema::{
    libraries, monthly_report_events, monthly_report_notes, monthly_report_values, monthly_reports,
    report_deadlines, users,
};
use crate::{Page, now};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use lentera_core::audit::{ActorRef, Change};
use lentera_core::field::{Invalid, Problem};
use lentera_core::ids::LibraryId;
use lentera_core::monitoring::reports::{
    ApprovalLevel, DEFAULT_DEADLINE_DAY, Disagg, Element, EntryCell, Figures, Finding, ManualForm,
    Period, Stage, Status, Step, check, check_submittable, deadline, entry_cell, entry_cells,
    manual_form_of, on_time, parse_manual, submission,
};
use lentera_core::regions::RegionCode;
use lentera_core::users::{Reach, Role};
use lentera_core::visits::TimeZone;
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Who is acting, as the history shows them.
#[derive(Debug, Clone)]
pub struct Who<'a> {
    pub by: &'a ActorRef,
    pub name: &'a str,
    pub role: Role,
}

/// A stored report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub id: String,
    pub library_id: LibraryId,
    pub region_code: RegionCode,
    pub period: Period,
    pub stage: Stage,
    pub first_submitted_at: Option<NaiveDateTime>,
    pub submitted_at: Option<NaiveDateTime>,
    pub submitted_by: Option<String>,
    pub approved_at: Option<NaiveDateTime>,
    pub approved_by: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = monthly_reports)]
struct Row {
    id: String,
    library_id: String,
    region_code: String,
    period: i32,
    status: String,
    approved_level: Option<String>,
    first_submitted_at: Option<NaiveDateTime>,
    submitted_at: Option<NaiveDateTime>,
    submitted_by: Option<String>,
    approved_at: Option<NaiveDateTime>,
    approved_by: Option<String>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row {
    fn into_report(self) -> StoreResult<Report> {
        let bad = |what: &str| StoreError::Data(format!("monthly report {}: bad {what}", self.id));
        Ok(Report {
            library_id: LibraryId::parse(&self.library_id).map_err(|_| bad("library_id"))?,
            region_code: RegionCode::parse(&self.region_code).map_err(|_| bad("region_code"))?,
            period: Period::from_yyyymm(self.period).map_err(|_| bad("period"))?,
            stage: Stage {
                status: Status::parse(&self.status).map_err(|_| bad("status"))?,
                approved: self
                    .approved_level
                    .as_deref()
                    .map(ApprovalLevel::parse)
                    .transpose()
                    .map_err(|_| bad("approved_level"))?,
            },
            first_submitted_at: self.first_submitted_at,
            submitted_at: self.submitted_at,
            submitted_by: self.submitted_by,
            approved_at: self.approved_at,
            approved_by: self.approved_by,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
            id: self.id,
        })
    }
}

/// One line of a report's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub step: Step,
    pub level: Option<ApprovalLevel>,
    pub actor_name: String,
    pub actor_role: String,
    pub comment: Option<String>,
    pub at: NaiveDateTime,
}

/// The library a report belongs to: what every step needs to know of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LibraryRef {
    pub id: LibraryId,
    pub name: String,
    pub village: RegionCode,
}

/// The library's id, name and village; `NotFound` when unknown.
pub fn library_ref(conn: &mut DbConn, library: LibraryId) -> StoreResult<LibraryRef> {
    let (name, village): (String, String) = libraries::table
        .find(library.to_string())
        .select((libraries::name, libraries::village_code))
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    Ok(LibraryRef {
        id: library,
        name,
        village: RegionCode::parse(&village)
            .map_err(|_| StoreError::Data(format!("library {library}: bad village")))?,
    })
}

/// The stored report of a library's month, if any.
pub fn get(conn: &mut DbConn, library: LibraryId, period: Period) -> StoreResult<Option<Report>> {
    monthly_reports::table
        .filter(monthly_reports::library_id.eq(library.to_string()))
        .filter(monthly_reports::period.eq(period.yyyymm()))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Row::into_report)
        .transpose()
}

/// The figures stored with a report (typed ones, and from submission on
/// the frozen computed ones), with their `manual` flags.
pub fn stored_figures(conn: &mut DbConn, report_id: &str) -> StoreResult<Figures> {
    let rows: Vec<(String, String, i64, bool)> = monthly_report_values::table
        .filter(monthly_report_values::report_id.eq(report_id))
        .select((
            monthly_report_values::element,
            monthly_report_values::disagg,
            monthly_report_values::value,
            monthly_report_values::manual,
        ))
        .load(conn)?;
    let mut f = Figures::new();
    for (e, d, v, m) in rows {
        let (Ok(e), Ok(d)) = (Element::parse(&e), Disagg::parse(&d)) else {
            return Err(StoreError::Data(format!(
                "monthly report {report_id}: bad figure {e}/{d}"
            )));
        };
        f.set(e, d, v, m);
    }
    Ok(f)
}

/// The library's records for the month, computed now.
pub fn computed(conn: &mut DbConn, library: LibraryId, period: Period) -> StoreResult<Figures> {
    super::figures::library_month(conn, library, period.year(), period.month())
}

/// The figures a report stands for: the frozen ones once submitted;
/// before that the computed figures with the typed elements laid over them.
pub fn effective(
    conn: &mut DbConn,
    library: LibraryId,
    period: Period,
    report: Option<&Report>,
) -> StoreResult<Figures> {
    match report {
        Some(r) if r.stage.is_frozen() => stored_figures(conn, &r.id),
        Some(r) => {
            let manual = stored_figures(conn, &r.id)?;
            let mut f = computed(conn, library, period)?;
            f.overlay(&manual);
            Ok(f)
        }
        None => computed(conn, library, period),
    }
}

fn effective_of(conn: &mut DbConn, library: LibraryId, period: Period) -> StoreResult<Figures> {
    let r = get(conn, library, period)?;
    effective(conn, library, period, r.as_ref())
}

/// Everything the report page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub library: LibraryRef,
    pub period: Period,
    pub report: Option<Report>,
    pub stage: Stage,
    /// The report's figures ([`effective`]).
    pub figures: Figures,
    /// Last month's, for comparison and the drop rules.
    pub previous: Figures,
    /// For a frozen report: elements whose computed total in the records
    /// today differs from the frozen one, as (element, frozen, now).
    pub drift: Vec<(Element, i64, i64)>,
    pub findings: Vec<Finding>,
    /// The library's comments on warnings, by rule key.
    pub notes: BTreeMap<String, String>,
    pub events: Vec<Event>,
    pub deadline: NaiveDate,
    /// Whether the first submission met the deadline (None: not submitted).
    pub on_time: Option<bool>,
}

/// The report of a library's month, whole. `NotFound` for an unknown library.
pub fn view(conn: &mut DbConn, library: LibraryId, period: Period) -> StoreResult<ReportView> {
    let lib = library_ref(conn, library)?;
    let report = get(conn, library, period)?;
    let figures = effective(conn, library, period, report.as_ref())?;
    let previous = effective_of(conn, library, period.prev())?;
    let mut drift = Vec::new();
    if report.as_ref().is_some_and(|r| r.stage.is_frozen()) {
        let live = computed(conn, library, period)?;
        for &e in Element::ALL {
            if figures.is_manual(e) {
                continue;
            }
            let (frozen, now) = (figures.total(e), live.total(e));
            if frozen != now {
                drift.push((e, frozen, now));
            }
        }
    }
    let findings = check(&figures, Some(&previous));
    let (notes, events) = match &report {
        Some(r) => (notes_of(conn, &r.id)?, events_of(conn, &r.id)?),
        None => (BTreeMap::new(), Vec::new()),
    };
    let day = deadline_day(conn, &lib.village)?;
    let due = deadline(period, day);
    let tz = TimeZone::of_region(&lib.village);
    let on_time = report
        .as_ref()
        .and_then(|r| r.first_submitted_at)
        .map(|t| on_time(t, tz, due));
    Ok(ReportView {
        stage: report.as_ref().map_or(Stage::NEW, |r| r.stage),
        library: lib,
        period,
        report,
        figures,
        previous,
        drift,
        findings,
        notes,
        events,
        deadline: due,
        on_time,
    })
}

fn notes_of(conn: &mut DbConn, report_id: &str) -> StoreResult<BTreeMap<String, String>> {
    Ok(monthly_report_notes::table
        .filter(monthly_report_notes::report_id.eq(report_id))
        .select((monthly_report_notes::rule, monthly_report_notes::comment))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

type EventRow = (
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    NaiveDateTime,
);

/// A report's history, oldest first.
pub fn events_of(conn: &mut DbConn, report_id: &str) -> StoreResult<Vec<Event>> {
    let rows: Vec<EventRow> = monthly_report_events::table
        .filter(monthly_report_events::report_id.eq(report_id))
        .order((
            monthly_report_events::at.asc(),
            monthly_report_events::id.asc(),
        ))
        .select((
            monthly_report_events::action,
            monthly_report_events::level,
            monthly_report_events::actor_name,
            monthly_report_events::actor_role,
            monthly_report_events::comment,
            monthly_report_events::at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(action, level, actor_name, actor_role, comment, at)| {
            Ok(Event {
                step: Step::parse(&action)
                    .map_err(|_| StoreError::Data(format!("report event: bad action {action}")))?,
                level: level.as_deref().and_then(|l| ApprovalLevel::parse(l).ok()),
                actor_name,
                actor_role,
                comment,
                at,
            })
        })
        .collect()
}

// ------------------------------------------------------------------ writes

/// The stored row of the month, created as a draft when missing.
fn ensure(
    conn: &mut DbConn,
    lib: &LibraryRef,
    period: Period,
    at: NaiveDateTime,
) -> StoreResult<Report> {
    if let Some(r) = get(conn, lib.id, period)? {
        return Ok(r);
    }
    let row = Row {
        id: Uuid::now_v7().to_string(),
        library_id: lib.id.to_string(),
        region_code: lib.village.to_string(),
        period: period.yyyymm(),
        status: Status::Draft.key().to_string(),
        approved_level: None,
        first_submitted_at: None,
        submitted_at: None,
        submitted_by: None,
        approved_at: None,
        approved_by: None,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(monthly_reports::table)
        .values(&row)
        .execute(conn)?;
    row.into_report()
}

fn check_version(report: &Report, expected: Option<i32>) -> StoreResult<()> {
    match expected {
        Some(v) if v != report.version => Err(StoreError::Conflict),
        _ => Ok(()),
    }
}

fn wrong_status() -> StoreError {
    StoreError::Invalid(Invalid::one("status", Problem::WrongStatus))
}

fn event(
    conn: &mut DbConn,
    report: &Report,
    who: &Who<'_>,
    step: Step,
    level: Option<ApprovalLevel>,
    comment: Option<&str>,
    at: NaiveDateTime,
) -> StoreResult<()> {
    diesel::insert_into(monthly_report_events::table)
        .values((
            monthly_report_events::id.eq(Uuid::now_v7().to_string()),
            monthly_report_events::report_id.eq(&report.id),
            monthly_report_events::action.eq(step.key()),
            monthly_report_events::level.eq(level.map(|l| l.key())),
            monthly_report_events::actor_id.eq(who.by.id.map(|i| i.to_string())),
            monthly_report_events::actor_name.eq(who.name),
            monthly_report_events::actor_role.eq(who.role.key()),
            monthly_report_events::comment.eq(comment),
            monthly_report_events::at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

fn audit_step(
    conn: &mut DbConn,
    who: &Who<'_>,
    lib: &LibraryRef,
    report: &Report,
    step: Step,
    summary: String,
    comment: Option<&str>,
) -> StoreResult<()> {
    audit::record(
        conn,
        who.by,
        Change {
            action: match step {
                Step::Save => "report.save",
                Step::Import => "report.import",
                Step::Submit => "report.submit",
                Step::Withdraw => "report.withdraw",
                Step::Approve => "report.approve",
                Step::Return => "report.return",
                Step::Unlock => "report.unlock",
            },
            entity: "monthly_report",
            entity_id: report.id.clone(),
            region: Some(lib.village.clone()),
            library: Some(lib.id),
            summary: format!("{} {}: {summary}", lib.name, report.period),
            details: comment.map(|c| serde_json::json!({ "comment": c }).to_string()),
        },
    )
}

/// Moves the stored row to `stage`, bumping its version.
fn set_stage(
    conn: &mut DbConn,
    report: &Report,
    stage: Stage,
    extra: StageTimes<'_>,
    at: NaiveDateTime,
) -> StoreResult<Report> {
    let n = diesel::update(
        monthly_reports::table
            .filter(monthly_reports::id.eq(&report.id))
            .filter(monthly_reports::version.eq(report.version)),
    )
    .set((
        monthly_reports::status.eq(stage.status.key()),
        monthly_reports::approved_level.eq(stage.approved.map(|l| l.key())),
        monthly_reports::version.eq(report.version + 1),
        monthly_reports::updated_at.eq(at),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::Conflict);
    }
    match extra {
        StageTimes::None => {}
        StageTimes::Submitted { by } => {
            diesel::update(monthly_reports::table.find(&report.id))
                .set((
                    monthly_reports::submitted_at.eq(Some(at)),
                    monthly_reports::submitted_by.eq(Some(by)),
                    monthly_reports::first_submitted_at
                        .eq(Some(report.first_submitted_at.unwrap_or(at))),
                    monthly_reports::approved_at.eq(None::<NaiveDateTime>),
                    monthly_reports::approved_by.eq(None::<String>),
                ))
                .execute(conn)?;
        }
        StageTimes::Approved { by } => {
            diesel::update(monthly_reports::table.find(&report.id))
                .set((
                    monthly_reports::approved_at.eq(Some(at)),
                    monthly_reports::approved_by.eq(Some(by)),
                ))
                .execute(conn)?;
        }
        StageTimes::Opened => {
            diesel::update(monthly_reports::table.find(&report.id))
                .set((
                    monthly_reports::approved_at.eq(None::<NaiveDateTime>),
                    monthly_reports::approved_by.eq(None::<String>),
                ))
                .execute(conn)?;
        }
    }
    monthly_reports::table
        .find(&report.id)
        .select(Row::as_select())
        .first(conn)?
        .into_report()
}

enum StageTimes<'a> {
    None,
    Submitted {
        by: &'a str,
    },
    Approved {
        by: &'a str,
    },
    /// Back to the library: approvals no longer stand.
    Opened,
}

#[derive(Insertable)]
#[diesel(table_name = monthly_report_values)]
struct ValueRow {
    report_id: String,
    element: String,
    disagg: String,
    value: i64,
    manual: bool,
}

fn insert_values(conn: &mut DbConn, report_id: &str, f: &Figures, manual: bool) -> StoreResult<()> {
    let rows: Vec<ValueRow> = f
        .iter()
        .filter(|v| v.manual == manual)
        .map(|v| ValueRow {
            report_id: report_id.to_string(),
            element: v.element.key().to_string(),
            disagg: v.disagg.key(),
            value: v.value,
            manual,
        })
        .collect();
    for chunk in rows.chunks(200) {
        crate::on_backend!(conn, |c| diesel::insert_into(monthly_report_values::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Whether figures were changed by [`save_manual`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Saved {
    Changed,
    /// The same figures were already stored (an uploaded template sent
    /// twice): nothing written, nothing audited.
    Unchanged,
}

/// Replaces the library's typed figures for the month with `manual` (its
/// elements become manual, every other element goes back to computed).
/// `step` is `Save` (form, API) or `Import` (template). Refused with
/// `WrongStatus` once submitted or approved, `Conflict` on a stale version.
pub fn save_manual(
    conn: &mut DbConn,
    who: &Who<'_>,
    library: LibraryId,
    period: Period,
    manual: &Figures,
    step: Step,
    version: Option<i32>,
) -> StoreResult<Saved> {
    let at = now();
    // Everything stored by this step is typed, whatever the caller marked.
    let mut typed = Figures::new();
    for v in manual.iter() {
        typed.set(v.element, v.disagg, v.value, true);
    }
    write_tx(conn, |conn| {
        let lib = library_ref(conn, library)?;
        let existing = get(conn, library, period)?;
        if let Some(r) = &existing {
            check_version(r, version)?;
            r.stage.apply(step, None).map_err(|_| wrong_status())?;
            if stored_figures(conn, &r.id)? == typed {
                return Ok(Saved::Unchanged);
            }
        } else if typed.is_empty() {
            return Ok(Saved::Unchanged);
        }
        let r = ensure(conn, &lib, period, at)?;
        diesel::delete(
            monthly_report_values::table.filter(monthly_report_values::report_id.eq(&r.id)),
        )
        .execute(conn)?;
        insert_values(conn, &r.id, &typed, true)?;
        let r = set_stage(conn, &r, r.stage, StageTimes::None, at)?;
        event(conn, &r, who, step, None, None, at)?;
        let elements: Vec<&str> = typed.elements().iter().map(|e| e.key()).collect();
        let summary = if elements.is_empty() {
            "semua angka dihitung dari catatan".to_string()
        } else {
            format!("angka diisi manual: {}", elements.join(", "))
        };
        audit_step(conn, who, &lib, &r, step, summary, None)?;
        Ok(Saved::Changed)
    })
}

/// Submits the month: the month must be over, the report open, no error
/// finding, and a comment for every warning (`comments`, rule key → text).
/// Freezes the figures, stores the comments, notifies the district.
pub fn submit(
    conn: &mut DbConn,
    who: &Who<'_>,
    library: LibraryId,
    period: Period,
    comments: &BTreeMap<String, String>,
    version: Option<i32>,
    at: NaiveDateTime,
) -> StoreResult<Report> {
    write_tx(conn, |conn| {
        let lib = library_ref(conn, library)?;
        let today = TimeZone::of_region(&lib.village).local_date(at);
        check_submittable(period, today)?;
        let existing = get(conn, library, period)?;
        if let Some(r) = &existing {
            check_version(r, version)?;
        }
        let stage = existing.as_ref().map_or(Stage::NEW, |r| r.stage);
        let next = stage
            .apply(Step::Submit, None)
            .map_err(|_| wrong_status())?;
        let figures = effective(conn, library, period, existing.as_ref())?;
        let previous = effective_of(conn, library, period.prev())?;
        let findings = check(&figures, Some(&previous));
        let keep = submission(&findings, comments)?;
        let r = ensure(conn, &lib, period, at)?;
        // Freeze: the typed figures are stored already; copy the computed.
        diesel::delete(
            monthly_report_values::table
                .filter(monthly_report_values::report_id.eq(&r.id))
                .filter(monthly_report_values::manual.eq(false)),
        )
        .execute(conn)?;
        insert_values(conn, &r.id, &figures, false)?;
        diesel::delete(
            monthly_report_notes::table.filter(monthly_report_notes::report_id.eq(&r.id)),
        )
        .execute(conn)?;
        for (rule, comment) in &keep {
            diesel::insert_into(monthly_report_notes::table)
                .values((
                    monthly_report_notes::report_id.eq(&r.id),
                    monthly_report_notes::rule.eq(*rule),
                    monthly_report_notes::comment.eq(comment),
                    monthly_report_notes::updated_at.eq(at),
                ))
                .execute(conn)?;
        }
        let r = set_stage(
            conn,
            &r,
            next,
            StageTimes::Submitted {
                by: &who.by.username,
            },
            at,
        )?;
        let warnings = keep.len();
        event(conn, &r, who, Step::Submit, None, None, at)?;
        audit_step(
            conn,
            who,
            &lib,
            &r,
            Step::Submit,
            format!("dikirim ({warnings} peringatan dijelaskan)"),
            None,
        )?;
        let link = link(&lib, period);
        let to = notifications::officers_over(conn, &lib.village, "district")?;
        notifications::send(
            conn,
            &to,
            &Note {
                id: &format!(
                    "Laporan bulanan {} {} menunggu persetujuan",
                    lib.name, period
                ),
                en: &format!(
                    "Monthly report of {} for {} awaits approval",
                    lib.name, period
                ),
                link: &link,
            },
        )?;
        Ok(r)
    })
}

/// The report page's path.
pub fn link(lib: &LibraryRef, period: Period) -> String {
    format!("/reports/{}/{}", lib.id, period)
}

/// A review or housekeeping step after submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The library takes its submission back (nobody approved yet).
    Withdraw,
    Approve {
        level: ApprovalLevel,
        comment: Option<String>,
    },
    Return {
        level: ApprovalLevel,
        comment: String,
    },
    Unlock {
        level: ApprovalLevel,
        reason: String,
    },
}

impl Action {
    pub fn step(&self) -> Step {
        match self {
            Action::Withdraw => Step::Withdraw,
            Action::Approve { .. } => Step::Approve,
            Action::Return { .. } => Step::Return,
            Action::Unlock { .. } => Step::Unlock,
        }
    }

    fn level(&self) -> Option<ApprovalLevel> {
        match self {
            Action::Withdraw => None,
            Action::Approve { level, .. }
            | Action::Return { level, .. }
            | Action::Unlock { level, .. } => Some(*level),
        }
    }

    fn comment(&self) -> Option<&str> {
        match self {
            Action::Withdraw => None,
            Action::Approve { comment, .. } => comment.as_deref(),
            Action::Return { comment, .. } => Some(comment),
            Action::Unlock { reason, .. } => Some(reason),
        }
    }
}

fn level_name(l: ApprovalLevel) -> (&'static str, &'static str) {
    match l {
        ApprovalLevel::District => ("kabupaten/kota", "district"),
        ApprovalLevel::Province => ("provinsi", "province"),
        ApprovalLevel::National => ("nasional", "national"),
    }
}

/// Active national officers (their reach is everything; they have no region).
fn national_officers(conn: &mut DbConn) -> StoreResult<Vec<String>> {
    Ok(users::table
        .filter(users::role.eq(Role::National.key()))
        .filter(users::active.eq(true))
        .select(users::id)
        .load(conn)?)
}

/// Takes a step on a submitted report. `WrongStatus` (as a `status` field
/// error) when the report is not at a stage where this level may take it;
/// `NotFound` when the month has no stored report.
pub fn act(
    conn: &mut DbConn,
    who: &Who<'_>,
    library: LibraryId,
    period: Period,
    action: &Action,
    version: Option<i32>,
    at: NaiveDateTime,
) -> StoreResult<Report> {
    write_tx(conn, |conn| {
        let lib = library_ref(conn, library)?;
        let r = get(conn, library, period)?.ok_or_else(wrong_status)?;
        check_version(&r, version)?;
        let step = action.step();
        let next = r
            .stage
            .apply(step, action.level())
            .map_err(|_| wrong_status())?;
        let times = match action {
            Action::Approve { .. } => StageTimes::Approved {
                by: &who.by.username,
            },
            Action::Return { .. } | Action::Unlock { .. } | Action::Withdraw => StageTimes::Opened,
        };
        let r = set_stage(conn, &r, next, times, at)?;
        if matches!(
            action,
            Action::Withdraw | Action::Return { .. } | Action::Unlock { .. }
        ) {
            // Open again: the frozen computed figures go (the records speak
            // for the month again); the typed ones stay.
            diesel::delete(
                monthly_report_values::table
                    .filter(monthly_report_values::report_id.eq(&r.id))
                    .filter(monthly_report_values::manual.eq(false)),
            )
            .execute(conn)?;
        }
        event(conn, &r, who, step, action.level(), action.comment(), at)?;
        let (summary, note_id, note_en, to) = match action {
            Action::Withdraw => (
                "ditarik kembali oleh perpustakaan".to_string(),
                format!("Laporan bulanan {} {} ditarik kembali", lib.name, period),
                format!(
                    "Monthly report of {} for {} was withdrawn",
                    lib.name, period
                ),
                notifications::officers_over(conn, &lib.village, "district")?,
            ),
            Action::Approve { level, .. } => {
                let (id, en) = level_name(*level);
                let mut to = notifications::library_team(conn, lib.id)?;
                match level.next() {
                    Some(ApprovalLevel::Province) => to.extend(notifications::officers_over(
                        conn,
                        &lib.village,
                        "province",
                    )?),
                    Some(ApprovalLevel::National) => to.extend(national_officers(conn)?),
                    _ => {}
                }
                (
                    format!("disetujui tingkat {id}"),
                    format!(
                        "Laporan bulanan {} {} disetujui tingkat {id}",
                        lib.name, period
                    ),
                    format!(
                        "Monthly report of {} for {} approved at {en} level",
                        lib.name, period
                    ),
                    to,
                )
            }
            Action::Return { level, .. } => {
                let (id, en) = level_name(*level);
                (
                    format!("dikembalikan oleh tingkat {id}"),
                    format!(
                        "Laporan bulanan {} {} dikembalikan untuk diperbaiki",
                        lib.name, period
                    ),
                    format!(
                        "Monthly report of {} for {} was returned for correction ({en})",
                        lib.name, period
                    ),
                    notifications::library_team(conn, lib.id)?,
                )
            }
            Action::Unlock { level, .. } => {
                let (id, en) = level_name(*level);
                (
                    format!("dibuka kembali oleh tingkat {id}"),
                    format!("Laporan bulanan {} {} dibuka kembali", lib.name, period),
                    format!(
                        "Monthly report of {} for {} was unlocked ({en})",
                        lib.name, period
                    ),
                    notifications::library_team(conn, lib.id)?,
                )
            }
        };
        audit_step(conn, who, &lib, &r, step, summary, action.comment())?;
        // Nobody needs telling what they just did themselves.
        let me = who.by.id.map(|i| i.to_string());
        let to: Vec<String> = to.into_iter().filter(|u| Some(u) != me.as_ref()).collect();
        notifications::send(
            conn,
            &to,
            &Note {
                id: &note_id,
                en: &note_en,
                link: &link(&lib, period),
            },
        )?;
        Ok(r)
    })
}

// ------------------------------------------------------------------- reads

/// One report in a list, with its library.
#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    pub report: Report,
    pub library_name: String,
}

/// What to list.
#[derive(Debug, Clone)]
pub struct ReportQuery {
    pub reach: Reach,
    pub region: Option<RegionCode>,
    pub library: Option<LibraryId>,
    pub from: Option<Period>,
    pub to: Option<Period>,
    pub status: Option<Status>,
    /// Only reports waiting for this level's decision.
    pub waiting_for: Option<ApprovalLevel>,
    pub page: i64,
    pub per_page: i64,
}

impl ReportQuery {
    pub fn new(reach: Reach) -> Self {
        ReportQuery {
            reach,
            region: None,
            library: None,
            from: None,
            to: None,
            status: None,
            waiting_for: None,
            page: 1,
            per_page: 50,
        }
    }
}

fn in_reach<'a>(
    mut q: monthly_reports::BoxedQuery<'a, Dialect>,
    reach: &Reach,
) -> monthly_reports::BoxedQuery<'a, Dialect> {
    match reach {
        Reach::Everything => {}
        Reach::Region(r) => {
            let (lo, hi) = r.subtree_range();
            q = q
                .filter(monthly_reports::region_code.ge(lo))
                .filter(monthly_reports::region_code.lt(hi));
        }
        Reach::Libraries(ids) => {
            q = q.filter(
                monthly_reports::library_id
                    .eq_any(ids.iter().map(|i| i.to_string()).collect::<Vec<_>>()),
            )
        }
    }
    q
}

fn filtered(q: &ReportQuery) -> monthly_reports::BoxedQuery<'_, Dialect> {
    let mut query = in_reach(monthly_reports::table.into_boxed::<Dialect>(), &q.reach);
    if let Some(r) = &q.region {
        let (lo, hi) = r.subtree_range();
        query = query
            .filter(monthly_reports::region_code.ge(lo))
            .filter(monthly_reports::region_code.lt(hi));
    }
    if let Some(l) = q.library {
        query = query.filter(monthly_reports::library_id.eq(l.to_string()));
    }
    if let Some(p) = q.from {
        query = query.filter(monthly_reports::period.ge(p.yyyymm()));
    }
    if let Some(p) = q.to {
        query = query.filter(monthly_reports::period.le(p.yyyymm()));
    }
    if let Some(s) = q.status {
        query = query.filter(monthly_reports::status.eq(s.key()));
    }
    match q.waiting_for {
        None => {}
        Some(ApprovalLevel::District) => {
            query = query.filter(monthly_reports::status.eq(Status::Submitted.key()))
        }
        Some(l) => {
            let below = match l {
                ApprovalLevel::Province => ApprovalLevel::District,
                _ => ApprovalLevel::Province,
            };
            query = query
                .filter(monthly_reports::status.eq(Status::Approved.key()))
                .filter(monthly_reports::approved_level.eq(below.key()));
        }
    }
    query
}

/// Reports within reach matching the query, newest month first, then by
/// village.
pub fn list(conn: &mut DbConn, q: &ReportQuery) -> StoreResult<Page<ReportRow>> {
    let per_page = q.per_page.clamp(1, 1000);
    let page = q.page.max(1);
    let total: i64 = filtered(q).count().get_result(conn)?;
    let rows: Vec<Row> = filtered(q)
        .order((
            monthly_reports::period.desc(),
            monthly_reports::region_code.asc(),
            monthly_reports::id.asc(),
        ))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(Row::as_select())
        .load(conn)?;
    let ids: Vec<String> = rows.iter().map(|r| r.library_id.clone()).collect();
    let names: BTreeMap<String, String> = libraries::table
        .filter(libraries::id.eq_any(ids))
        .select((libraries::id, libraries::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let items = rows
        .into_iter()
        .map(|r| {
            let library_name = names.get(&r.library_id).cloned().unwrap_or_default();
            Ok(ReportRow {
                report: r.into_report()?,
                library_name,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// How many reports wait for `level`'s decision within reach.
pub fn waiting_count(conn: &mut DbConn, reach: &Reach, level: ApprovalLevel) -> StoreResult<i64> {
    let mut q = ReportQuery::new(reach.clone());
    q.waiting_for = Some(level);
    Ok(filtered(&q).count().get_result(conn)?)
}

/// A library's months from `from` to `to` (both included), newest first,
/// each with its stored report if any.
pub fn library_months(
    conn: &mut DbConn,
    library: LibraryId,
    from: Period,
    to: Period,
) -> StoreResult<Vec<(Period, Option<Report>)>> {
    let mut stored: BTreeMap<i32, Report> = monthly_reports::table
        .filter(monthly_reports::library_id.eq(library.to_string()))
        .filter(monthly_reports::period.ge(from.yyyymm()))
        .filter(monthly_reports::period.le(to.yyyymm()))
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(|r| r.into_report().map(|r| (r.period.yyyymm(), r)))
        .collect::<StoreResult<_>>()?;
    let mut out: Vec<(Period, Option<Report>)> = from
        .through(to)
        .map(|p| (p, stored.remove(&p.yyyymm())))
        .collect();
    out.reverse();
    Ok(out)
}

/// The (library, month) pairs within reach and the months `from..=to`
/// whose reports are approved at `level` or higher: dashboards that hide
/// unapproved figures keep only these. (In SQL: `status = 'approved' AND
/// approved_level IN level.and_above()`.)
pub fn approved_at_least(
    conn: &mut DbConn,
    level: ApprovalLevel,
    reach: &Reach,
    from: Period,
    to: Period,
) -> StoreResult<Vec<(LibraryId, Period)>> {
    let levels: Vec<&str> = level.and_above().iter().map(|l| l.key()).collect();
    let rows: Vec<(String, i32)> = in_reach(monthly_reports::table.into_boxed::<Dialect>(), reach)
        .filter(monthly_reports::status.eq(Status::Approved.key()))
        .filter(monthly_reports::approved_level.eq_any(levels))
        .filter(monthly_reports::period.ge(from.yyyymm()))
        .filter(monthly_reports::period.le(to.yyyymm()))
        .order((
            monthly_reports::period.asc(),
            monthly_reports::library_id.asc(),
        ))
        .select((monthly_reports::library_id, monthly_reports::period))
        .load(conn)?;
    rows.into_iter()
        .map(|(l, p)| {
            Ok((
                LibraryId::parse(&l).map_err(|_| StoreError::Data(format!("bad library {l}")))?,
                Period::from_yyyymm(p).map_err(|_| StoreError::Data(format!("bad period {p}")))?,
            ))
        })
        .collect()
}

/// Whether one library's month is approved at `level` or higher.
pub fn is_approved(
    conn: &mut DbConn,
    library: LibraryId,
    period: Period,
    level: ApprovalLevel,
) -> StoreResult<bool> {
    Ok(get(conn, library, period)?.is_some_and(|r| r.stage.approved_at_least(level)))
}

// ---------------------------------------------------------------- deadlines

/// Every configured deadline: region code ('' for the national default) →
/// day of the following month.
pub fn deadlines(conn: &mut DbConn) -> StoreResult<BTreeMap<String, u32>> {
    Ok(report_deadlines::table
        .select((report_deadlines::region_code, report_deadlines::day))
        .load::<(String, i32)>(conn)?
        .into_iter()
        .map(|(r, d)| (r, d.clamp(1, 28) as u32))
        .collect())
}

/// The deadline day that applies in `region`: the nearest configured
/// ancestor's, else the national default.
pub fn deadline_day(conn: &mut DbConn, region: &RegionCode) -> StoreResult<u32> {
    Ok(deadline_in(&deadlines(conn)?, region))
}

fn deadline_in(all: &BTreeMap<String, u32>, region: &RegionCode) -> u32 {
    region
        .lineage()
        .iter()
        .rev()
        .find_map(|r| all.get(r.as_str()).copied())
        .or_else(|| all.get("").copied())
        .unwrap_or(DEFAULT_DEADLINE_DAY)
}

/// Sets the deadline day for a region (`None`: the national default), or
/// removes a region's own setting with `day = None` so the one above applies.
pub fn set_deadline(
    conn: &mut DbConn,
    by: &ActorRef,
    region: Option<&RegionCode>,
    day: Option<u32>,
) -> StoreResult<()> {
    let key = region.map(|r| r.to_string()).unwrap_or_default();
    write_tx(conn, |conn| {
        diesel::delete(report_deadlines::table.find(&key)).execute(conn)?;
        if let Some(d) = day {
            diesel::insert_into(report_deadlines::table)
                .values((
                    report_deadlines::region_code.eq(&key),
                    report_deadlines::day.eq(d as i32),
                    report_deadlines::updated_by.eq(Some(&by.username)),
                    report_deadlines::updated_at.eq(now()),
                ))
                .execute(conn)?;
        } else if key.is_empty() {
            return Err(StoreError::Invalid(Invalid::one("day", Problem::Required)));
        }
        audit::record(
            conn,
            by,
            Change {
                action: "report.deadline",
                entity: "report_deadline",
                entity_id: if key.is_empty() {
                    "nasional".into()
                } else {
                    key.clone()
                },
                region: region.cloned(),
                library: None,
                summary: match day {
                    Some(d) => format!("batas laporan bulanan: tanggal {d} bulan berikutnya"),
                    None => "batas laporan bulanan mengikuti wilayah di atasnya".into(),
                },
                details: None,
            },
        )
    })
}

// ---------------------------------------------------- completeness, timeliness

/// Counts for one region (or one library) and month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Active libraries expected to report.
    pub expected: i64,
    /// Submitted at least once and not taken back (submitted or approved).
    pub reported: i64,
    /// Of those, first submitted by the deadline.
    pub on_time: i64,
    /// Approved at district level or higher.
    pub approved_district: i64,
    pub approved_province: i64,
    pub approved_national: i64,
    /// Returned or unlocked, waiting for the library again.
    pub returned: i64,
}

impl Tally {
    pub fn late(&self) -> i64 {
        self.reported - self.on_time
    }

    /// Reported share in percent (0 when nothing is expected).
    pub fn completeness(&self) -> f64 {
        if self.expected == 0 {
            0.0
        } else {
            100.0 * self.reported as f64 / self.expected as f64
        }
    }

    /// On-time share of the expected, in percent.
    pub fn timeliness(&self) -> f64 {
        if self.expected == 0 {
            0.0
        } else {
            100.0 * self.on_time as f64 / self.expected as f64
        }
    }

    fn add(&mut self, o: &Tally) {
        self.expected += o.expected;
        self.reported += o.reported;
        self.on_time += o.on_time;
        self.approved_district += o.approved_district;
        self.approved_province += o.approved_province;
        self.approved_national += o.approved_national;
        self.returned += o.returned;
    }
}

/// One line of the completeness table: a child region, or a library when
/// the table lists libraries.
#[derive(Debug, Clone, Serialize)]
pub struct CompletenessRow {
    /// The child region's code, or the library's village.
    pub region: RegionCode,
    /// Set when the row is one library.
    pub library: Option<LibraryRef>,
    /// The library's report stage (library rows).
    pub stage: Option<Stage>,
    pub first_submitted_at: Option<NaiveDateTime>,
    pub deadline: Option<NaiveDate>,
    pub tally: Tally,
}

#[derive(Debug, Clone, Serialize)]
pub struct Completeness {
    pub period: Period,
    /// The region the table covers (None: the nation).
    pub region: Option<RegionCode>,
    /// Whether rows are libraries (regency and below) or child regions.
    pub by_library: bool,
    pub rows: Vec<CompletenessRow>,
    pub total: Tally,
}

/// Which libraries of `region` (None: the nation) reported for `period`,
/// and on time: per child region (provinces for the nation, regencies for
/// a province), or per library for a regency and below. `tpbis_only`
/// counts only libraries taking part in the programme.
pub fn completeness(
    conn: &mut DbConn,
    region: Option<&RegionCode>,
    period: Period,
    tpbis_only: bool,
) -> StoreResult<Completeness> {
    use lentera_core::regions::Level;
    let child_len = match region.map(|r| r.level()) {
        None => Some(2),
        Some(Level::Province) => Some(4),
        Some(_) => None,
    };
    let mut libs = libraries::table
        .filter(libraries::active.eq(true))
        .into_boxed::<Dialect>();
    let mut reps = monthly_reports::table
        .filter(monthly_reports::period.eq(period.yyyymm()))
        .into_boxed::<Dialect>();
    if let Some(r) = region {
        let (lo, hi) = r.subtree_range();
        libs = libs
            .filter(libraries::village_code.ge(lo.clone()))
            .filter(libraries::village_code.lt(hi.clone()));
        reps = reps
            .filter(monthly_reports::region_code.ge(lo))
            .filter(monthly_reports::region_code.lt(hi));
    }
    if tpbis_only {
        libs = libs.filter(libraries::participation.ne("none"));
    }
    // Summing by region needs neither names nor an order: at the nation
    // that is 83,762 rows not sorted and not copied.
    let all_libs: Vec<(String, String, String)> = if child_len.is_none() {
        libs.order((libraries::village_code.asc(), libraries::name_key.asc()))
            .select((libraries::id, libraries::name, libraries::village_code))
            .load(conn)?
    } else {
        libs.select((
            libraries::id,
            diesel::dsl::sql::<diesel::sql_types::Text>("''"),
            libraries::village_code,
        ))
        .load(conn)?
    };
    let reports: BTreeMap<String, Report> = reps
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(|r| r.into_report().map(|r| (r.library_id.to_string(), r)))
        .collect::<StoreResult<_>>()?;
    let days = deadlines(conn)?;
    let mut rows: Vec<CompletenessRow> = Vec::new();
    // Child region code → its row in `rows`.
    let mut child_rows: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = Tally::default();
    for (id, name, village) in all_libs {
        let report = reports.get(&id);
        if let Some(n) = child_len
            && report.is_none()
        {
            // The common case at national scale: expected, nothing else.
            let t = Tally {
                expected: 1,
                ..Tally::default()
            };
            if let Some(child) = village.get(..n) {
                total.add(&t);
                add_to_child(&mut rows, &mut child_rows, child, &t);
            }
            continue;
        }
        let Ok(village) = RegionCode::parse(&village) else {
            continue;
        };
        let Ok(lib_id) = LibraryId::parse(&id) else {
            continue;
        };
        let due = deadline(period, deadline_in(&days, &village));
        let mut t = Tally {
            expected: 1,
            ..Tally::default()
        };
        if let Some(r) = report {
            if r.stage.is_reported() {
                t.reported = 1;
                let tz = TimeZone::of_region(&village);
                if r.first_submitted_at.is_some_and(|s| on_time(s, tz, due)) {
                    t.on_time = 1;
                }
            }
            t.approved_district = i64::from(r.stage.approved_at_least(ApprovalLevel::District));
            t.approved_province = i64::from(r.stage.approved_at_least(ApprovalLevel::Province));
            t.approved_national = i64::from(r.stage.approved_at_least(ApprovalLevel::National));
            t.returned = i64::from(matches!(
                r.stage.status,
                Status::Returned | Status::Unlocked
            ));
        }
        total.add(&t);
        match child_len {
            None => rows.push(CompletenessRow {
                region: village.clone(),
                library: Some(LibraryRef {
                    id: lib_id,
                    name,
                    village,
                }),
                stage: Some(report.map_or(Stage::NEW, |r| r.stage)),
                first_submitted_at: report.and_then(|r| r.first_submitted_at),
                deadline: Some(due),
                tally: t,
            }),
            Some(n) => {
                if let Some(child) = village.as_str().get(..n) {
                    add_to_child(&mut rows, &mut child_rows, child, &t);
                }
            }
        }
    }
    if child_len.is_some() {
        rows.sort_by(|a, b| a.region.as_str().cmp(b.region.as_str()));
    }
    Ok(Completeness {
        period,
        region: region.cloned(),
        by_library: child_len.is_none(),
        rows,
        total,
    })
}

/// Adds a library's tally to its child region's row, making the row on the
/// region's first library (`index`: child code → position in `rows`).
fn add_to_child(
    rows: &mut Vec<CompletenessRow>,
    index: &mut BTreeMap<String, usize>,
    child: &str,
    t: &Tally,
) {
    if let Some(&i) = index.get(child) {
        rows[i].tally.add(t);
    } else if let Ok(region) = RegionCode::parse(child) {
        index.insert(child.to_string(), rows.len());
        rows.push(CompletenessRow {
            region,
            library: None,
            stage: None,
            first_submitted_at: None,
            deadline: None,
            tally: t.clone(),
        });
    }
}

/// Whether a library still owes its report for `period` (no report, or a
/// draft, returned or unlocked one), for reminders.
pub fn not_reported(conn: &mut DbConn, library: LibraryId, period: Period) -> StoreResult<bool> {
    Ok(!get(conn, library, period)?.is_some_and(|r| r.stage.is_reported()))
}

// ------------------------------------------------------------ XLSX template

/// Column keys of the template and the header names the import accepts
/// (Indonesian first, English too, in any case).
pub const TEMPLATE_COLUMNS: [(&str, &[&str]); 4] = [
    ("kode", &["kode", "code", "key"]),
    ("uraian", &["uraian", "element", "description"]),
    ("rincian", &["rincian", "breakdown", "disaggregation"]),
    ("nilai", &["nilai", "value", "jumlah", "amount"]),
];

/// The template row that names the month the file belongs to.
pub const PERIOD_KEY: &str = "periode";

/// Writes the hand-entry template for one month as XLSX: a `periode` row,
/// then one row per entry cell ([`entry_cells`]) with its label and, for
/// elements already typed by hand, their values. `headers` are the four
/// column titles in the user's language (each an accepted alias);
/// `label` names a cell as (element, breakdown) in that language.
pub fn write_template(
    period: Period,
    manual: &Figures,
    headers: [&str; 4],
    period_label: &str,
    label: &dyn Fn(&EntryCell) -> (String, String),
) -> Result<Vec<u8>, lentera_tabular::TabularError> {
    use lentera_tabular::{Cell, Format, TableWriter};
    let typed = manual_form_of(manual);
    let mut w = TableWriter::new(Format::Xlsx, Vec::new())?.with_sheet_name("Laporan")?;
    w.write_header(&headers)?;
    w.write_row(&[
        Cell::from(PERIOD_KEY),
        Cell::from(period_label),
        Cell::Empty,
        Cell::text(period.to_string()),
    ])?;
    for cell in entry_cells() {
        let (element, breakdown) = label(cell);
        let value = typed
            .get(cell.key)
            .and_then(|v| v.parse::<i64>().ok())
            .map_or(Cell::Empty, Cell::Int);
        w.write_row(&[
            Cell::from(cell.key),
            Cell::text(element),
            Cell::text(breakdown),
            value,
        ])?;
    }
    w.finish()
}

/// What is wrong with an uploaded template, located by spreadsheet row.
#[derive(Debug)]
pub enum TemplateIssue {
    /// The file cannot be read at all (not XLSX/CSV, no `kode` column…).
    File(lentera_tabular::TabularError),
    /// A row the reader refused (a cell too long…).
    Row(lentera_tabular::TabularError),
    /// A `kode` that names no figure.
    UnknownKey { row: usize, key: String },
    /// The same `kode` twice.
    Duplicate { row: usize, key: String },
    /// The file is another month's template.
    WrongPeriod { row: usize, found: String },
    /// A value the entry rules refuse (not a number, negative…).
    Cell {
        row: usize,
        key: &'static str,
        problem: Problem,
    },
}

/// Reads a filled-in template (XLSX or CSV) for `period` into typed
/// figures, or every problem found. Blank values mean "not typed": an
/// element left blank keeps its computed figures, so uploading the same
/// file twice gives the same figures.
pub fn read_template(bytes: Vec<u8>, period: Period) -> Result<Figures, Vec<TemplateIssue>> {
    use lentera_tabular::{Layout, ReadOptions, TableReader};
    let layout = TEMPLATE_COLUMNS
        .iter()
        .fold(Layout::new(), |l, (key, aliases)| match *key {
            "kode" => l.required(*key, aliases),
            _ => l.optional(*key, aliases),
        });
    let options = ReadOptions {
        max_input_bytes: 5 * 1024 * 1024,
        max_rows: 10_000,
        ..ReadOptions::default()
    };
    let reader = TableReader::from_bytes(bytes, &layout, &options)
        .map_err(|e| vec![TemplateIssue::File(e)])?;
    let mut issues = Vec::new();
    let mut form = ManualForm::new();
    let mut rows: BTreeMap<&'static str, usize> = BTreeMap::new();
    for item in reader {
        let row = match item {
            Ok(r) => r,
            Err(e) if e.is_row_error() => {
                issues.push(TemplateIssue::Row(e));
                continue;
            }
            Err(e) => return Err(vec![TemplateIssue::File(e)]),
        };
        let n = row.number();
        let key = row.get("kode").unwrap_or("").trim().to_string();
        let value = row.get("nilai").unwrap_or("").trim().to_string();
        if key.is_empty() {
            continue;
        }
        if key.eq_ignore_ascii_case(PERIOD_KEY) {
            let ok = Period::parse(&value).is_ok_and(|p| p == period);
            if !ok {
                issues.push(TemplateIssue::WrongPeriod {
                    row: n,
                    found: value,
                });
            }
            continue;
        }
        let Some(cell) = entry_cell(&key) else {
            issues.push(TemplateIssue::UnknownKey { row: n, key });
            continue;
        };
        if rows.insert(cell.key, n).is_some() {
            issues.push(TemplateIssue::Duplicate { row: n, key });
            continue;
        }
        form.insert(cell.key.to_string(), value);
    }
    match parse_manual(&form) {
        Ok(f) if issues.is_empty() => Ok(f),
        Ok(_) => Err(issues),
        Err(invalid) => {
            for e in invalid.0 {
                issues.push(TemplateIssue::Cell {
                    row: rows.get(e.field).copied().unwrap_or(0),
                    key: e.field,
                    problem: e.problem,
                });
            }
            issues.sort_by_key(|i| match i {
                TemplateIssue::File(_) => 0,
                TemplateIssue::Row(e) => e.row().unwrap_or(0),
                TemplateIssue::UnknownKey { row, .. }
                | TemplateIssue::Duplicate { row, .. }
                | TemplateIssue::WrongPeriod { row, .. }
                | TemplateIssue::Cell { row, .. } => *row,
            });
            Err(issues)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_deadline_applies() {
        let mut all = BTreeMap::new();
        all.insert(String::new(), 10);
        all.insert("35".to_string(), 12);
        all.insert("3520".to_string(), 5);
        let rc = |s: &str| RegionCode::parse(s).unwrap();
        assert_eq!(deadline_in(&all, &rc("3520012001")), 5);
        assert_eq!(deadline_in(&all, &rc("3578012001")), 12);
        assert_eq!(deadline_in(&all, &rc("6103042001")), 10);
        assert_eq!(deadline_in(&BTreeMap::new(), &rc("6103042001")), 10);
    }
}

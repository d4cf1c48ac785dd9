//! A library's monthly figures, computed live from its own records.
//!
//! [`library_month`] reads the base tables (guest book, members, loans,
//! catalogue, activity reports, work plans, aid receipts) for one library
//! and one month and returns every cell of the vocabulary in
//! `lentera_core::monitoring::figures`. The same definitions are kept
//! current, write by write, in the `figure_values` rollup by the database
//! triggers of migration `2026-11-24-000002_indicators`; the tests hold the
//! two equal. Definitions (the "why" of each lives in the vocabulary):
//!
//! - visits: headcount (`males + females`) of guest-book rows dated in the month;
//! - members_new: members whose `joined_on` is in the month;
//! - members: members who joined by the end of the month (a stock);
//! - members_active: distinct members with a guest-book visit or a checkout in the month;
//! - loans: checkouts made in the month (library's local time);
//! - titles / items: records / items catalogued by the end of the month, items
//!   not lost or withdrawn (stocks); items_new: items catalogued in the month;
//! - activities / participants: activity reports held in the month, by
//!   strategy, and their participants grid;
//! - workplan_planned / workplan_done: activities of approved work plans
//!   scheduled to end in the month (start date when no end), not cancelled / done;
//! - aid_received: aid receipts (BAST) signed in the month.

use crate::conn::{DbConn, Dialect};
use crate::error::{StoreError, StoreResult};
use crate::schema::{
    activity_participants, activity_reports, aid_allocations, aid_receipts, biblios,
    figure_library_counts, figure_overrides, figure_rollups, figure_settings, figure_values, items,
    libraries, loans, members, visits, workplan_activities, workplans,
};
use chrono::{Duration, NaiveDateTime};
use diesel::dsl::{count_star, sum};
use diesel::prelude::*;
use lentera_core::circulation::{AgeGroup, Gender};
use lentera_core::ids::LibraryId;
use lentera_core::monitoring::figures::{Disagg, Element, Figures, Period, PeriodRange};
use lentera_core::monitoring::indicators::{Monthly, Term};
use lentera_core::regions::{Level, RegionCode};
use lentera_core::visits::{Purpose, TimeZone, gender_from_text};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::collections::BTreeSet;

/// Item statuses that no longer belong to the collection.
pub const GONE_ITEM_STATUSES: [&str; 2] = ["lost", "withdrawn"];
/// Work-plan activity progress keys that count: done, and not counted at all.
pub const PROGRESS_DONE: &str = "done";
pub const PROGRESS_CANCELLED: &str = "cancelled";
/// Only approved plans are the plan; drafts are still being written.
pub const PLAN_APPROVED: &str = "approved";

/// The library's village (for its time zone).
pub(crate) fn library_village(conn: &mut DbConn, library: LibraryId) -> StoreResult<RegionCode> {
    let code: String = libraries::table
        .find(library.to_string())
        .select(libraries::village_code)
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    RegionCode::parse(&code).map_err(|_| StoreError::Data(format!("bad village code {code}")))
}

/// The UTC instants bounding a local month: timestamps are stored in UTC,
/// but a loan at 06:00 WIB on the 1st belongs to the new month.
pub fn utc_bounds(period: Period, tz: TimeZone) -> (NaiveDateTime, NaiveDateTime) {
    let off = Duration::hours(tz.offset_hours());
    let lo = period.first_day().and_hms_opt(0, 0, 0).unwrap_or_default() - off;
    let hi = period.end().and_hms_opt(0, 0, 0).unwrap_or_default() - off;
    (lo, hi)
}

/// Every figure of one library for one month, computed from its records now.
/// Zero cells are left out. `NotFound` for an unknown library.
pub fn library_month(
    conn: &mut DbConn,
    library: LibraryId,
    year: i32,
    month: u32,
) -> StoreResult<Figures> {
    let period = Period::new(year, month).map_err(|_| {
        StoreError::Invalid(lentera_core::field::Invalid::one(
            "period",
            lentera_core::field::Problem::BadDate,
        ))
    })?;
    let village = library_village(conn, library)?;
    let tz = TimeZone::of_region(&village);
    let lib = library.to_string();
    let (day_lo, day_hi) = (period.first_day(), period.end());
    let (utc_lo, utc_hi) = utc_bounds(period, tz);
    let mut f = Figures::new();

    // Guest book.
    let rows: Vec<(String, String, Option<i64>, Option<i64>)> = visits::table
        .filter(visits::library_id.eq(&lib))
        .filter(visits::visit_date.ge(day_lo))
        .filter(visits::visit_date.lt(day_hi))
        .group_by((visits::age_group, visits::purpose))
        .select((
            visits::age_group,
            visits::purpose,
            sum(visits::males),
            sum(visits::females),
        ))
        .load(conn)?;
    for (age, purpose, m, w) in rows {
        let (m, w) = (m.unwrap_or(0), w.unwrap_or(0));
        add_visits(&mut f, &age, &purpose, m, w);
    }

    // Members: new in the month, and registered by its end, by gender.
    let registered: Vec<(String, i64)> = members::table
        .filter(members::library_id.eq(&lib))
        .filter(members::joined_on.lt(day_hi))
        .group_by(members::gender)
        .select((members::gender, count_star()))
        .load(conn)?;
    for (gender, n) in registered {
        add_gendered(&mut f, Element::Members, &gender, n);
    }
    let joined: Vec<(String, i64)> = members::table
        .filter(members::library_id.eq(&lib))
        .filter(members::joined_on.ge(day_lo))
        .filter(members::joined_on.lt(day_hi))
        .group_by(members::gender)
        .select((members::gender, count_star()))
        .load(conn)?;
    for (gender, n) in joined {
        add_gendered(&mut f, Element::MembersNew, &gender, n);
    }

    // Active members: a visit with a card or a checkout in the month.
    let mut active: BTreeSet<String> = visits::table
        .filter(visits::library_id.eq(&lib))
        .filter(visits::visit_date.ge(day_lo))
        .filter(visits::visit_date.lt(day_hi))
        .filter(visits::member_id.is_not_null())
        .select(visits::member_id.assume_not_null())
        .distinct()
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let borrowers: Vec<String> = loans::table
        .filter(loans::library_id.eq(&lib))
        .filter(loans::loaned_at.ge(utc_lo))
        .filter(loans::loaned_at.lt(utc_hi))
        .select(loans::member_id)
        .distinct()
        .load(conn)?;
    active.extend(borrowers);
    add(
        &mut f,
        Element::MembersActive,
        Disagg::total(),
        active.len() as i64,
    );

    let n_loans: i64 = loans::table
        .filter(loans::library_id.eq(&lib))
        .filter(loans::loaned_at.ge(utc_lo))
        .filter(loans::loaned_at.lt(utc_hi))
        .count()
        .get_result(conn)?;
    add(&mut f, Element::Loans, Disagg::total(), n_loans);

    // Catalogue.
    let titles: i64 = biblios::table
        .filter(biblios::library_id.eq(&lib))
        .filter(biblios::created_at.lt(utc_hi))
        .count()
        .get_result(conn)?;
    add(&mut f, Element::Titles, Disagg::total(), titles);
    let items_held: i64 = items::table
        .filter(items::library_id.eq(&lib))
        .filter(items::created_at.lt(utc_hi))
        .filter(items::status.ne_all(GONE_ITEM_STATUSES))
        .count()
        .get_result(conn)?;
    add(&mut f, Element::Items, Disagg::total(), items_held);
    let items_new: i64 = items::table
        .filter(items::library_id.eq(&lib))
        .filter(items::created_at.ge(utc_lo))
        .filter(items::created_at.lt(utc_hi))
        .count()
        .get_result(conn)?;
    add(&mut f, Element::ItemsNew, Disagg::total(), items_new);

    // Activities and their participants.
    let reports: Vec<(String, String)> = activity_reports::table
        .filter(activity_reports::library_id.eq(&lib))
        .filter(activity_reports::held_on.ge(day_lo))
        .filter(activity_reports::held_on.lt(day_hi))
        .select((activity_reports::id, activity_reports::strategy))
        .load(conn)?;
    for (_, strategy) in &reports {
        add_activity(&mut f, strategy, 1);
    }
    let grid: Vec<(String, String, String, bool, i32)> = activity_participants::table
        .filter(
            activity_participants::report_id.eq_any(
                activity_reports::table
                    .filter(activity_reports::library_id.eq(&lib))
                    .filter(activity_reports::held_on.ge(day_lo))
                    .filter(activity_reports::held_on.lt(day_hi))
                    .select(activity_reports::id),
            ),
        )
        .select((
            activity_participants::report_id,
            activity_participants::gender,
            activity_participants::age_group,
            activity_participants::disability,
            activity_participants::count,
        ))
        .load(conn)?;
    for (report, gender, age, disabled, n) in grid {
        let strategy = reports
            .iter()
            .find(|(id, _)| *id == report)
            .map(|(_, s)| s.as_str())
            .unwrap_or("");
        add_participants(&mut f, strategy, &gender, &age, disabled, i64::from(n));
    }

    // Work-plan activities scheduled to end in the month.
    let in_month = workplan_activities::ends_on
        .ge(day_lo)
        .and(workplan_activities::ends_on.lt(day_hi))
        .or(workplan_activities::ends_on.is_null().and(
            workplan_activities::starts_on
                .ge(day_lo)
                .and(workplan_activities::starts_on.lt(day_hi)),
        ));
    let progress: Vec<(String, i64)> = workplan_activities::table
        .filter(workplan_activities::library_id.eq(&lib))
        .filter(in_month)
        .filter(
            workplan_activities::workplan_id.eq_any(
                workplans::table
                    .filter(workplans::library_id.eq(&lib))
                    .filter(workplans::status.eq(PLAN_APPROVED))
                    .select(workplans::id),
            ),
        )
        .group_by(workplan_activities::progress)
        .select((workplan_activities::progress, count_star()))
        .load(conn)?;
    for (p, n) in progress {
        if p != PROGRESS_CANCELLED {
            add(&mut f, Element::WorkplanPlanned, Disagg::total(), n);
        }
        if p == PROGRESS_DONE {
            add(&mut f, Element::WorkplanDone, Disagg::total(), n);
        }
    }

    // Aid receipts signed in the month.
    let received: i64 = aid_receipts::table
        .filter(aid_receipts::received_on.ge(day_lo))
        .filter(aid_receipts::received_on.lt(day_hi))
        .filter(
            aid_receipts::allocation_id.eq_any(
                aid_allocations::table
                    .filter(aid_allocations::library_id.eq(&lib))
                    .select(aid_allocations::id),
            ),
        )
        .count()
        .get_result(conn)?;
    add(&mut f, Element::AidReceived, Disagg::total(), received);

    Ok(f.without_zeros())
}

fn add(f: &mut Figures, e: Element, d: Disagg, n: i64) {
    if n != 0 {
        f.add(e, d, n, false);
    }
}

/// Gender as the records hold it; anything unreadable counts in the total only.
fn gender_of(s: &str) -> Option<Gender> {
    gender_from_text(s)
}

fn add_gendered(f: &mut Figures, e: Element, gender: &str, n: i64) {
    add(f, e, Disagg::total(), n);
    if let Some(g) = gender_of(gender) {
        add(f, e, Disagg::gender(g), n);
    }
}

/// One guest-book group of `m` men and `w` women: the total, gender, age,
/// purpose and gender × age slices.
pub(crate) fn add_visits(f: &mut Figures, age: &str, purpose: &str, m: i64, w: i64) {
    let e = Element::Visits;
    add(f, e, Disagg::total(), m + w);
    add(f, e, Disagg::gender(Gender::L), m);
    add(f, e, Disagg::gender(Gender::P), w);
    if let Ok(a) = AgeGroup::parse(age) {
        add(f, e, Disagg::age(a), m + w);
        add(f, e, Disagg::gender_age(Gender::L, a), m);
        add(f, e, Disagg::gender_age(Gender::P, a), w);
    }
    if let Ok(p) = Purpose::parse(purpose) {
        add(f, e, Disagg::purpose(p), m + w);
    }
}

pub(crate) fn add_activity(f: &mut Figures, strategy: &str, n: i64) {
    add(f, Element::Activities, Disagg::total(), n);
    if let Ok(d) = Disagg::strategy(strategy) {
        add(f, Element::Activities, d, n);
    }
}

pub(crate) fn add_participants(
    f: &mut Figures,
    strategy: &str,
    gender: &str,
    age: &str,
    disabled: bool,
    n: i64,
) {
    let e = Element::Participants;
    add(f, e, Disagg::total(), n);
    add(f, e, Disagg::disability(disabled), n);
    if let Ok(d) = Disagg::strategy(strategy) {
        add(f, e, d, n);
    }
    let g = gender_of(gender);
    let a = AgeGroup::parse(age).ok();
    if let Some(g) = g {
        add(f, e, Disagg::gender(g), n);
    }
    if let Some(a) = a {
        add(f, e, Disagg::age(a), n);
    }
    if let (Some(g), Some(a)) = (g, a) {
        add(f, e, Disagg::gender_age(g, a), n);
    }
}

// ------------------------------------------------------------------ rollups

/// Which figures a dashboard reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Live: computed from the records as they are now, with figures typed
    /// by hand replacing the computed element of their library-month.
    Live,
    /// Only months whose monthly report is approved, as approved.
    Approved,
}

impl Basis {
    /// "Figures not yet approved can be shown or hidden."
    pub fn including_unapproved(include: bool) -> Basis {
        if include {
            Basis::Live
        } else {
            Basis::Approved
        }
    }

    fn rollup_key(self) -> &'static str {
        match self {
            Basis::Live => "l",
            Basis::Approved => "a",
        }
    }

    /// Whether stock rows hold monthly changes (live) or levels (approved).
    fn stocks_as_changes(self) -> bool {
        self == Basis::Live
    }
}

/// Whose figures: the nation, a region (any level), one library, or a set
/// of libraries (a facilitator's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "code", rename_all = "snake_case")]
pub enum Unit {
    Nation,
    Region(RegionCode),
    Library(LibraryId),
    Libraries(Vec<LibraryId>),
}

/// One aggregated row: element, disaggregation, period (yyyymm), value.
pub(crate) type Row = (String, String, i32, i64);
/// The same with the child it belongs to (a region code or library id).
pub(crate) type KeyedRow = (String, String, String, i32, i64);

fn values_basis(
    basis: Basis,
) -> Box<
    dyn diesel::expression::BoxableExpression<
            figure_values::table,
            Dialect,
            SqlType = diesel::sql_types::Bool,
        >,
> {
    values_basis_with(basis, true)
}

/// `overrides`: whether any figure typed by hand may be in the rows read.
/// Without, the live basis is the computed rows alone (manual rows exist
/// only beside an override, and are zero once it is gone), which spares a
/// lookup per row.
fn values_basis_with(
    basis: Basis,
    overrides: bool,
) -> Box<
    dyn diesel::expression::BoxableExpression<
            figure_values::table,
            Dialect,
            SqlType = diesel::sql_types::Bool,
        >,
> {
    match basis {
        Basis::Live if !overrides => Box::new(figure_values::basis.eq("c")),
        // Manual cells, and computed cells of elements not typed by hand
        // for that library-month. `basis IN ('c', 'm')` on its own keeps
        // the index usable.
        Basis::Live => Box::new(
            figure_values::basis.eq_any(["c", "m"]).and(
                figure_values::basis
                    .eq("m")
                    .or(diesel::dsl::not(diesel::dsl::exists(
                        figure_overrides::table
                            .filter(figure_overrides::library_id.eq(figure_values::library_id))
                            .filter(figure_overrides::period.eq(figure_values::period))
                            .filter(figure_overrides::element.eq(figure_values::element)),
                    ))),
            ),
        ),
        Basis::Approved => Box::new(figure_values::basis.eq("a")),
    }
}

/// What a read needs: elements, and the periods `lo..=hi` (yyyymm).
#[derive(Debug, Clone)]
pub(crate) struct Need {
    pub elements: Vec<String>,
    /// `None`: every slice.
    pub disaggs: Option<Vec<String>>,
    pub lo: i32,
    pub hi: i32,
}

impl Need {
    /// Flows in the range; live stocks from the beginning (their levels are
    /// sums of changes); approved stocks in the range.
    pub fn split(
        elements: &[Element],
        disaggs: Option<Vec<String>>,
        range: PeriodRange,
        basis: Basis,
    ) -> Vec<Need> {
        let (stocks, flows): (Vec<Element>, Vec<Element>) = elements
            .iter()
            .partition(|e| e.kind() == lentera_core::monitoring::figures::Kind::Stock);
        let keys = |v: &[Element]| v.iter().map(|e| e.key().to_string()).collect::<Vec<_>>();
        let mut out = Vec::new();
        if !flows.is_empty() {
            out.push(Need {
                elements: keys(&flows),
                disaggs: disaggs.clone(),
                lo: range.from.yyyymm(),
                hi: range.to.yyyymm(),
            });
        }
        if !stocks.is_empty() {
            out.push(Need {
                elements: keys(&stocks),
                disaggs,
                lo: if basis.stocks_as_changes() {
                    0
                } else {
                    range.from.yyyymm()
                },
                hi: range.to.yyyymm(),
            });
        }
        out
    }
}

/// Sums rows by (key, element, disagg, period).
fn fold(rows: Vec<KeyedRow>) -> Vec<KeyedRow> {
    let mut m: BTreeMap<(String, String, String, i32), i64> = BTreeMap::new();
    for (k, e, d, p, v) in rows {
        *m.entry((k, e, d, p)).or_insert(0) += v;
    }
    m.into_iter()
        .map(|((k, e, d, p), v)| (k, e, d, p, v))
        .collect()
}

/// The rows of one unit, summed over everything inside it.
pub(crate) fn unit_rows(
    conn: &mut DbConn,
    unit: &Unit,
    basis: Basis,
    need: &Need,
) -> StoreResult<Vec<Row>> {
    let keyed = match unit {
        // A province or regency is one rollup row per key.
        Unit::Region(r) if matches!(r.level(), Level::Province | Level::Regency) => {
            let mut q = figure_rollups::table
                .filter(figure_rollups::region_code.eq(r.as_str().to_string()))
                .filter(figure_rollups::basis.eq(basis.rollup_key()))
                .filter(figure_rollups::element.eq_any(&need.elements))
                .filter(figure_rollups::period.ge(need.lo))
                .filter(figure_rollups::period.le(need.hi))
                .into_boxed::<Dialect>();
            if let Some(d) = &need.disaggs {
                q = q.filter(figure_rollups::disagg.eq_any(d.clone()));
            }
            return Ok(q
                .select((
                    figure_rollups::element,
                    figure_rollups::disagg,
                    figure_rollups::period,
                    figure_rollups::value,
                ))
                .load(conn)?);
        }
        // The nation: its provinces, summed by the database.
        Unit::Nation => {
            use diesel::dsl::sql;
            use diesel::sql_types::BigInt;
            let sum = "CAST(SUM(figure_rollups.value) AS BIGINT)";
            let rows: Vec<Row> = match &need.disaggs {
                Some(d) => figure_rollups::table
                    .filter(figure_rollups::level.eq(1i16))
                    .filter(figure_rollups::basis.eq(basis.rollup_key()))
                    .filter(figure_rollups::element.eq_any(&need.elements))
                    .filter(figure_rollups::disagg.eq_any(d))
                    .filter(figure_rollups::period.ge(need.lo))
                    .filter(figure_rollups::period.le(need.hi))
                    .group_by((
                        figure_rollups::element,
                        figure_rollups::disagg,
                        figure_rollups::period,
                    ))
                    .select((
                        figure_rollups::element,
                        figure_rollups::disagg,
                        figure_rollups::period,
                        sql::<BigInt>(sum),
                    ))
                    .load(conn)?,
                None => figure_rollups::table
                    .filter(figure_rollups::level.eq(1i16))
                    .filter(figure_rollups::basis.eq(basis.rollup_key()))
                    .filter(figure_rollups::element.eq_any(&need.elements))
                    .filter(figure_rollups::period.ge(need.lo))
                    .filter(figure_rollups::period.le(need.hi))
                    .group_by((
                        figure_rollups::element,
                        figure_rollups::disagg,
                        figure_rollups::period,
                    ))
                    .select((
                        figure_rollups::element,
                        figure_rollups::disagg,
                        figure_rollups::period,
                        sql::<BigInt>(sum),
                    ))
                    .load(conn)?,
            };
            return Ok(rows);
        }
        _ => child_rows(conn, unit, basis, need)?,
    };
    let mut m: BTreeMap<(String, String, i32), i64> = BTreeMap::new();
    for (_, e, d, p, v) in keyed {
        *m.entry((e, d, p)).or_insert(0) += v;
    }
    Ok(m.into_iter().map(|((e, d, p), v)| (e, d, p, v)).collect())
}

/// The rows of each child of a unit, keyed by the child (province or
/// regency code from the rollups; library id below a regency, or for a
/// set of libraries).
pub(crate) fn child_rows(
    conn: &mut DbConn,
    parent: &Unit,
    basis: Basis,
    need: &Need,
) -> StoreResult<Vec<KeyedRow>> {
    let rollup = match parent {
        Unit::Nation => Some((1i16, None)),
        Unit::Region(r) if r.level() == Level::Province => Some((2, Some(r.subtree_range()))),
        _ => None,
    };
    if let Some((level, range)) = rollup {
        let mut q = figure_rollups::table
            .filter(figure_rollups::level.eq(level))
            .filter(figure_rollups::basis.eq(basis.rollup_key()))
            .filter(figure_rollups::element.eq_any(&need.elements))
            .filter(figure_rollups::period.ge(need.lo))
            .filter(figure_rollups::period.le(need.hi))
            .into_boxed::<Dialect>();
        if let Some((lo, hi)) = range {
            q = q
                .filter(figure_rollups::region_code.ge(lo))
                .filter(figure_rollups::region_code.lt(hi));
        }
        if let Some(d) = &need.disaggs {
            q = q.filter(figure_rollups::disagg.eq_any(d.clone()));
        }
        // One row per region and key already.
        return Ok(q
            .select((
                figure_rollups::region_code,
                figure_rollups::element,
                figure_rollups::disagg,
                figure_rollups::period,
                figure_rollups::value,
            ))
            .load(conn)?);
    }
    // Below a regency: the libraries' own rows (a few hundred libraries at most).
    let mut q = figure_values::table
        .filter(values_basis(basis))
        .filter(figure_values::element.eq_any(&need.elements))
        .filter(figure_values::period.ge(need.lo))
        .filter(figure_values::period.le(need.hi))
        .into_boxed::<Dialect>();
    q = match parent {
        Unit::Region(r) => {
            let (lo, hi) = r.subtree_range();
            q.filter(figure_values::region_code.ge(lo))
                .filter(figure_values::region_code.lt(hi))
        }
        Unit::Library(id) => q.filter(figure_values::library_id.eq(id.to_string())),
        Unit::Libraries(ids) => q.filter(
            figure_values::library_id.eq_any(ids.iter().map(|i| i.to_string()).collect::<Vec<_>>()),
        ),
        Unit::Nation => q,
    };
    if let Some(d) = &need.disaggs {
        q = q.filter(figure_values::disagg.eq_any(d.clone()));
    }
    let rows: Vec<KeyedRow> = q
        .select((
            figure_values::library_id,
            figure_values::element,
            figure_values::disagg,
            figure_values::period,
            figure_values::value,
        ))
        .load(conn)?;
    // A manual and a computed cell of the same key never both count (the
    // filter), but the same key may come from 'm' and nothing else: fold.
    Ok(fold(rows))
}

/// Folds rows into figures month by month (every element and slice).
pub(crate) fn figures_from_rows(
    rows: &[Row],
    range: PeriodRange,
    basis: Basis,
) -> Vec<(Period, Figures)> {
    let mut months: Vec<(Period, Figures)> = range.periods().map(|p| (p, Figures::new())).collect();
    // Live stocks: running sums of changes, carried into every month.
    let mut levels: BTreeMap<(Element, String), i64> = BTreeMap::new();
    let mut sorted: Vec<&Row> = rows.iter().collect();
    sorted.sort_by_key(|r| r.2);
    let mut idx = 0;
    let start = range.from.yyyymm();
    // Changes before the range open the levels.
    while idx < sorted.len() && sorted[idx].2 < start {
        let (e, d, _, v) = sorted[idx];
        if let Ok(e) = Element::parse(e)
            && e.kind() == lentera_core::monitoring::figures::Kind::Stock
        {
            *levels.entry((e, d.clone())).or_insert(0) += v;
        }
        idx += 1;
    }
    for (p, f) in months.iter_mut() {
        while idx < sorted.len() && sorted[idx].2 == p.yyyymm() {
            let (e, d, _, v) = sorted[idx];
            idx += 1;
            let (Ok(e), Ok(dis)) = (Element::parse(e), Disagg::parse(d)) else {
                continue;
            };
            if e.kind() == lentera_core::monitoring::figures::Kind::Stock
                && basis.stocks_as_changes()
            {
                *levels.entry((e, d.clone())).or_insert(0) += v;
            } else {
                f.add(e, dis, *v, false);
            }
        }
        for ((e, d), v) in &levels {
            if *v != 0
                && let Ok(dis) = Disagg::parse(d)
            {
                f.set(*e, dis, *v, false);
            }
        }
    }
    months
}

/// Active libraries in a unit (for per-library averages).
pub fn library_count(conn: &mut DbConn, unit: &Unit) -> StoreResult<u32> {
    let n: i64 = match unit {
        Unit::Nation => figure_library_counts::table
            .filter(figure_library_counts::level.eq(1i16))
            .select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "CAST(COALESCE(SUM(libraries), 0) AS BIGINT)",
            ))
            .first(conn)?,
        Unit::Region(r) if matches!(r.level(), Level::Province | Level::Regency) => {
            figure_library_counts::table
                .find(r.as_str())
                .select(figure_library_counts::libraries)
                .first(conn)
                .optional()?
                .unwrap_or(0)
        }
        Unit::Region(r) => {
            let (lo, hi) = r.subtree_range();
            libraries::table
                .filter(libraries::active.eq(true))
                .filter(libraries::village_code.ge(lo))
                .filter(libraries::village_code.lt(hi))
                .count()
                .get_result(conn)?
        }
        Unit::Library(_) => 1,
        Unit::Libraries(ids) => ids.len() as i64,
    };
    Ok(u32::try_from(n.max(0)).unwrap_or(u32::MAX))
}

/// A unit's figures month by month over `range` (for charts and trends).
pub fn unit_trend(
    conn: &mut DbConn,
    unit: &Unit,
    range: PeriodRange,
    basis: Basis,
) -> StoreResult<Vec<(Period, Figures)>> {
    let mut rows = Vec::new();
    for need in Need::split(Element::ALL, None, range, basis) {
        rows.extend(unit_rows(conn, unit, basis, &need)?);
    }
    Ok(figures_from_rows(&rows, range, basis))
}

/// A unit's figures over a period, as an indicator reads them.
pub fn unit_monthly(
    conn: &mut DbConn,
    unit: &Unit,
    terms: &[Term],
    range: PeriodRange,
    basis: Basis,
) -> StoreResult<Monthly> {
    let (elements, disaggs) = needs_of(terms);
    let rows = agg_rows(conn, &unit_source(unit), basis, &elements, &disaggs, range)?;
    // Everything inside the unit adds up (the nation's provinces, a
    // kecamatan's libraries).
    let rows = rows
        .into_iter()
        .map(|(_, e, d, t, l)| (String::new(), e, d, t, l))
        .collect();
    let mut m = monthly_by_key(rows, terms, range)
        .remove("")
        .unwrap_or_else(|| Monthly::new(range.from, range.to, 0));
    m.libraries = library_count(conn, unit)?;
    Ok(m)
}

pub(crate) fn needs_of(terms: &[Term]) -> (Vec<Element>, Vec<String>) {
    let mut elements: Vec<Element> = terms.iter().map(|t| t.element).collect();
    elements.sort();
    elements.dedup();
    let mut disaggs: Vec<String> = terms.iter().map(|t| t.disagg.key()).collect();
    disaggs.sort();
    disaggs.dedup();
    (elements, disaggs)
}

// ------------------------------------------------------- pause and rebuild

/// Stops the figure triggers (for a bulk load). Figures go stale until
/// [`rebuild`]; call both from the same job.
pub fn pause(conn: &mut DbConn) -> StoreResult<()> {
    diesel::delete(figure_settings::table.find("paused")).execute(conn)?;
    diesel::insert_into(figure_settings::table)
        .values((
            figure_settings::key.eq("paused"),
            figure_settings::value.eq("1"),
        ))
        .execute(conn)?;
    Ok(())
}

/// Recomputes every figure and rollup from the records, in one
/// transaction, and resumes the triggers. For after a bulk load, or to
/// repair. Returns the number of library-level figure rows.
pub fn rebuild(conn: &mut DbConn) -> StoreResult<usize> {
    crate::conn::with_disk_temp(conn, rebuild_in_tx)
}

fn rebuild_in_tx(conn: &mut DbConn) -> StoreResult<usize> {
    crate::conn::write_tx(conn, |conn| {
        pause(conn)?;
        for stmt in [
            "DELETE FROM figure_rollups",
            "DELETE FROM figure_values",
            "DELETE FROM figure_member_months",
            "DELETE FROM figure_overrides",
            "DELETE FROM figure_library_counts",
            "INSERT INTO figure_library_counts (region_code, level, libraries) \
             SELECT substr(village_code, 1, 2), 1, COUNT(*) FROM libraries WHERE active \
             GROUP BY substr(village_code, 1, 2)",
            "INSERT INTO figure_library_counts (region_code, level, libraries) \
             SELECT substr(village_code, 1, 4), 2, COUNT(*) FROM libraries WHERE active \
             GROUP BY substr(village_code, 1, 4)",
        ]
        .into_iter()
        .chain(
            REBUILD
                .split(";\n")
                .map(str::trim)
                .filter(|s| !s.is_empty()),
        ) {
            diesel::sql_query(stmt).execute(conn)?;
        }
        diesel::delete(figure_settings::table.find("paused")).execute(conn)?;
        let n: i64 = figure_values::table.count().get_result(conn)?;
        Ok(n as usize)
    })
}

/// The statements that fill the figures from the records: the same text
/// as the migration's backfill (portable SQL over the backend-specific
/// views `figure_recomputed` and `figure_member_months_recomputed`).
const REBUILD: &str = include_str!("rebuild.sql");

/// The figure rows of one library, as stored (basis `c`): for checks.
pub fn stored_library_month(
    conn: &mut DbConn,
    library: LibraryId,
    period: Period,
) -> StoreResult<Figures> {
    let range = PeriodRange::month(period);
    let mut rows = Vec::new();
    for need in Need::split(Element::ALL, None, range, Basis::Live) {
        rows.extend(
            figure_values::table
                .filter(figure_values::library_id.eq(library.to_string()))
                .filter(figure_values::basis.eq("c"))
                .filter(figure_values::element.eq_any(&need.elements))
                .filter(figure_values::period.ge(need.lo))
                .filter(figure_values::period.le(need.hi))
                .select((
                    figure_values::element,
                    figure_values::disagg,
                    figure_values::period,
                    figure_values::value,
                ))
                .load::<Row>(conn)?,
        );
    }
    let mut f = figures_from_rows(&rows, range, Basis::Live)
        .pop()
        .map(|(_, f)| f)
        .unwrap_or_default();
    f = f.without_zeros();
    Ok(f)
}

// ------------------------------------------------------ period aggregates

/// Per child key, element and slice: the sum over the range (for a stock,
/// the sum of its month-end levels) and the last month's value. All an
/// indicator needs, so drill-down reads one row per child and term instead
/// of one per month.
pub(crate) type AggRow = (String, String, String, i64, i64);

/// Where aggregate rows come from.
pub(crate) enum Source {
    /// Rollups of one level (1 province, 2 regency), optionally in a subtree.
    Level(i16, Option<(String, String)>),
    /// The rollup rows of these regions.
    Regions(Vec<String>),
    /// Library rows within a region subtree.
    Within(String, String),
    /// Library rows of these libraries.
    Libraries(Vec<String>),
}

/// Month index (years × 12 + month) of a yyyymm value, in SQL.
fn month_index_sql(col: &str) -> String {
    format!("(({col} / 100) * 12 + {col} % 100)")
}

fn month_index(p: Period) -> i32 {
    p.year() * 12 + p.month() as i32
}

/// The two aggregate expressions and the period bounds for a read.
/// `changes`: stock rows hold monthly changes (live), so the level at the
/// end is the sum of every change up to it, and the sum of month-end levels
/// counts each change once per month it stands in the range.
fn agg_sql(table: &str, range: PeriodRange, changes: bool) -> (String, String, i32, i32) {
    let col = format!("{table}.period");
    let val = format!("{table}.value");
    let to = range.to.yyyymm();
    if changes {
        let total = format!(
            "CAST(SUM({val} * ({to_idx} - CASE WHEN {col} < {from} THEN {from_idx} ELSE {idx} END + 1)) AS BIGINT)",
            to_idx = month_index(range.to),
            from = range.from.yyyymm(),
            from_idx = month_index(range.from),
            idx = month_index_sql(&col),
        );
        (total, format!("CAST(SUM({val}) AS BIGINT)"), 0, to)
    } else {
        (
            format!("CAST(SUM({val}) AS BIGINT)"),
            format!("CAST(SUM(CASE WHEN {col} = {to} THEN {val} ELSE 0 END) AS BIGINT)"),
            range.from.yyyymm(),
            to,
        )
    }
}

/// Whether any library of a source has figures typed by hand in `lo..=hi`.
fn overrides_in(conn: &mut DbConn, source: &Source, lo: i32, hi: i32) -> StoreResult<bool> {
    let q = figure_overrides::table
        .filter(figure_overrides::period.ge(lo))
        .filter(figure_overrides::period.le(hi));
    let n: i64 = match source {
        Source::Within(a, b) => q
            .filter(
                figure_overrides::library_id.eq_any(
                    libraries::table
                        .filter(libraries::village_code.ge(a))
                        .filter(libraries::village_code.lt(b))
                        .select(libraries::id),
                ),
            )
            .select(diesel::dsl::count_star())
            .first(conn)?,
        Source::Libraries(ids) => q
            .filter(figure_overrides::library_id.eq_any(ids))
            .select(diesel::dsl::count_star())
            .first(conn)?,
        // Rollups are kept with overrides applied.
        Source::Level(..) | Source::Regions(_) => 0,
    };
    Ok(n > 0)
}

/// Aggregate rows for `elements` × `disaggs` over `range`, grouped by child.
pub(crate) fn agg_rows(
    conn: &mut DbConn,
    source: &Source,
    basis: Basis,
    elements: &[Element],
    disaggs: &[String],
    range: PeriodRange,
) -> StoreResult<Vec<AggRow>> {
    use diesel::dsl::sql;
    use diesel::sql_types::BigInt;
    let mut out = Vec::new();
    let (stocks, flows): (Vec<Element>, Vec<Element>) = elements
        .iter()
        .partition(|e| e.kind() == lentera_core::monitoring::figures::Kind::Stock);
    for (group, changes) in [(flows, false), (stocks, basis.stocks_as_changes())] {
        if group.is_empty() {
            continue;
        }
        let keys: Vec<&str> = group.iter().map(|e| e.key()).collect();
        macro_rules! rollups {
            ($extra:expr) => {{
                let (total, last, lo, hi) = agg_sql("figure_rollups", range, changes);
                figure_rollups::table
                    .filter(figure_rollups::basis.eq(basis.rollup_key()))
                    .filter(figure_rollups::element.eq_any(&keys))
                    .filter(figure_rollups::disagg.eq_any(disaggs))
                    .filter(figure_rollups::period.ge(lo))
                    .filter(figure_rollups::period.le(hi))
                    .filter($extra)
                    .group_by((
                        figure_rollups::region_code,
                        figure_rollups::element,
                        figure_rollups::disagg,
                    ))
                    .select((
                        figure_rollups::region_code,
                        figure_rollups::element,
                        figure_rollups::disagg,
                        sql::<BigInt>(&total),
                        sql::<BigInt>(&last),
                    ))
                    .load::<AggRow>(conn)?
            }};
        }
        macro_rules! values {
            ($extra:expr) => {{
                let (total, last, lo, hi) = agg_sql("figure_values", range, changes);
                let overrides = !changes && overrides_in(conn, source, lo, hi)?;
                figure_values::table
                    .filter(values_basis_with(basis, overrides))
                    .filter(figure_values::element.eq_any(&keys))
                    .filter(figure_values::disagg.eq_any(disaggs))
                    .filter(figure_values::period.ge(lo))
                    .filter(figure_values::period.le(hi))
                    .filter($extra)
                    .group_by((
                        figure_values::library_id,
                        figure_values::element,
                        figure_values::disagg,
                    ))
                    .select((
                        figure_values::library_id,
                        figure_values::element,
                        figure_values::disagg,
                        sql::<BigInt>(&total),
                        sql::<BigInt>(&last),
                    ))
                    .load::<AggRow>(conn)?
            }};
        }
        let rows = match source {
            Source::Level(level, None) => rollups!(figure_rollups::level.eq(*level)),
            Source::Level(level, Some((lo, hi))) => rollups!(
                figure_rollups::level
                    .eq(*level)
                    .and(figure_rollups::region_code.ge(lo))
                    .and(figure_rollups::region_code.lt(hi))
            ),
            Source::Regions(codes) => rollups!(figure_rollups::region_code.eq_any(codes)),
            Source::Within(lo, hi) => values!(
                figure_values::region_code
                    .ge(lo)
                    .and(figure_values::region_code.lt(hi))
            ),
            Source::Libraries(ids) => values!(figure_values::library_id.eq_any(ids)),
        };
        out.extend(rows);
    }
    Ok(out)
}

/// Where a unit's own figures are read, and where its children's are.
pub(crate) fn unit_source(unit: &Unit) -> Source {
    match unit {
        Unit::Nation => Source::Level(1, None),
        Unit::Region(r) if matches!(r.level(), Level::Province | Level::Regency) => {
            Source::Regions(vec![r.as_str().to_string()])
        }
        Unit::Region(r) => {
            let (lo, hi) = r.subtree_range();
            Source::Within(lo, hi)
        }
        Unit::Library(id) => Source::Libraries(vec![id.to_string()]),
        Unit::Libraries(ids) => Source::Libraries(ids.iter().map(|i| i.to_string()).collect()),
    }
}

/// Where the children's figures are read. Below a province the children
/// are libraries, read as the region's range of `figure_values_region`:
/// binding a regency's ~500 library ids as one array made PostgreSQL pick
/// a plan 20x slower than the range (BENCHMARKS.md, issue 5). Only a
/// facilitator's own set (`libraries`: the children's ids) is read by id.
pub(crate) fn children_source(unit: &Unit, libraries: &[String]) -> Source {
    match unit {
        Unit::Nation => Source::Level(1, None),
        Unit::Region(r) if r.level() == Level::Province => {
            Source::Level(2, Some(r.subtree_range()))
        }
        Unit::Region(r) => {
            let (lo, hi) = r.subtree_range();
            Source::Within(lo, hi)
        }
        Unit::Library(_) | Unit::Libraries(_) => Source::Libraries(libraries.to_vec()),
    }
}

/// Folds aggregate rows into one `Monthly` per key.
pub(crate) fn monthly_by_key(
    rows: Vec<AggRow>,
    terms: &[Term],
    range: PeriodRange,
) -> BTreeMap<String, Monthly> {
    let wanted: std::collections::HashMap<(&str, String), &Term> = terms
        .iter()
        .map(|t| ((t.element.key(), t.disagg.key()), t))
        .collect();
    let mut out: BTreeMap<String, Monthly> = BTreeMap::new();
    for (key, e, d, total, last) in rows {
        let Some(term) = wanted.get(&(e.as_str(), d)) else {
            continue;
        };
        out.entry(key)
            .or_insert_with(|| Monthly::new(range.from, range.to, 0))
            .add_totals((*term).clone(), total, last);
    }
    out
}

//! The dashboards' queries: a unit's indicators for a period, drill-down
//! to its children (nation → provinces → regencies → libraries), the KPI
//! scorecard ranked, trends for charts, the IPLM and the SNP checklist.
//!
//! Everything reads the live rollups (`figure_rollups`, `figure_values`),
//! never the raw records, so a national question touches 38 provinces'
//! rows, not millions of visits. Every function takes the caller's
//! [`Reach`]: a unit outside it is `NotFound`, as for any record.

use crate::conn::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::monitoring::figures::{self, Basis, Unit, library_count, needs_of};
use crate::monitoring::indicators as defs;
use crate::schema::{biblios, figure_library_counts, figure_values, libraries, regions};
use diesel::prelude::*;
use lentera_core::ids::LibraryId;
use lentera_core::monitoring::figures::{Element, Figures, Period, PeriodRange};
use lentera_core::monitoring::indicators::{Indicator, Monthly, Target, Term, target_for};
use lentera_core::monitoring::iplm::{self, IplmInputs, IplmResult, IplmVersion};
use lentera_core::monitoring::kpi::{self, KpiFormula, KpiScore};
use lentera_core::monitoring::snp::{self, SnpChecklist, SnpInputs};
use lentera_core::regions::{Level, RegionCode};
use lentera_core::users::Reach;
use serde::Serialize;
use std::collections::BTreeMap;

/// A library as a child: id, name, village, latitude, longitude.
type LibraryPlace = (String, String, String, Option<f64>, Option<f64>);
/// id, village, floor area, hours a day, staff.
type RegistryRow = (String, String, Option<f64>, Option<f64>, Option<i32>);

/// The unit a user's dashboard opens on: the nation, their region, their
/// library, or a facilitator's libraries.
pub fn home(reach: &Reach) -> Unit {
    match reach {
        Reach::Everything => Unit::Nation,
        Reach::Region(r) => Unit::Region(r.clone()),
        Reach::Libraries(ids) if ids.len() == 1 => Unit::Library(ids[0]),
        Reach::Libraries(ids) => Unit::Libraries(ids.clone()),
    }
}

fn library_village(conn: &mut DbConn, id: LibraryId) -> StoreResult<RegionCode> {
    figures::library_village(conn, id)
}

/// `NotFound` unless the unit lies within reach.
pub fn check_reach(conn: &mut DbConn, reach: &Reach, unit: &Unit) -> StoreResult<()> {
    let ok = match (reach, unit) {
        (Reach::Everything, Unit::Library(id)) => {
            library_village(conn, *id)?;
            true
        }
        (Reach::Everything, _) => true,
        (Reach::Region(r), Unit::Region(c)) => c.is_within(r),
        (Reach::Region(r), Unit::Library(id)) => library_village(conn, *id)?.is_within(r),
        (Reach::Region(r), Unit::Libraries(ids)) => {
            let mut all = true;
            for id in ids {
                all &= library_village(conn, *id)?.is_within(r);
            }
            all
        }
        (Reach::Libraries(mine), Unit::Library(id)) => mine.contains(id),
        (Reach::Libraries(mine), Unit::Libraries(ids)) => ids.iter().all(|i| mine.contains(i)),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// The unit's display name (`Indonesia`, the region's or library's name).
pub fn unit_name(conn: &mut DbConn, unit: &Unit) -> StoreResult<String> {
    Ok(match unit {
        Unit::Nation => "Indonesia".to_string(),
        Unit::Region(r) => regions::table
            .find(r.as_str())
            .select(regions::name)
            .first(conn)
            .optional()?
            .ok_or(StoreError::NotFound)?,
        Unit::Library(id) => libraries::table
            .find(id.to_string())
            .select(libraries::name)
            .first(conn)
            .optional()?
            .ok_or(StoreError::NotFound)?,
        Unit::Libraries(ids) => format!("{} perpustakaan", ids.len()),
    })
}

/// The region code targets are looked up by (a library's village).
fn target_region(conn: &mut DbConn, unit: &Unit) -> StoreResult<Option<String>> {
    Ok(match unit {
        Unit::Nation | Unit::Libraries(_) => None,
        Unit::Region(r) => Some(r.as_str().to_string()),
        Unit::Library(id) => Some(library_village(conn, *id)?.as_str().to_string()),
    })
}

/// One indicator's value for a unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorValue {
    pub code: String,
    pub name_id: String,
    pub name_en: String,
    pub unit_id: String,
    pub unit_en: String,
    pub decimals: u8,
    /// `None`: not computable (no denominator, no libraries).
    pub value: Option<f64>,
    pub target: Option<f64>,
    /// Value against target, 0–100 (see `kpi::achievement`).
    pub achievement: Option<f64>,
}

fn value_of(
    ind: &Indicator,
    m: &Monthly,
    targets: &[Target],
    region: Option<&str>,
    year: i32,
) -> IndicatorValue {
    let value = ind.evaluate(m).map(|v| ind.round(v));
    let target = target_for(targets, ind, region, year);
    IndicatorValue {
        code: ind.code.clone(),
        name_id: ind.name_id.clone(),
        name_en: ind.name_en.clone(),
        unit_id: ind.unit_id.clone(),
        unit_en: ind.unit_en.clone(),
        decimals: ind.decimals,
        value,
        target,
        achievement: kpi::achievement(value, target, ind.higher_is_better),
    }
}

fn all_terms(inds: &[Indicator]) -> Vec<Term> {
    let mut t: Vec<Term> = inds.iter().flat_map(|i| i.terms()).collect();
    t.sort();
    t.dedup();
    t
}

/// Every active indicator for a unit over a period.
pub fn region_indicators(
    conn: &mut DbConn,
    reach: &Reach,
    unit: &Unit,
    range: PeriodRange,
    include_unapproved: bool,
) -> StoreResult<Vec<IndicatorValue>> {
    check_reach(conn, reach, unit)?;
    let inds = defs::list(conn, false)?;
    let basis = Basis::including_unapproved(include_unapproved);
    let m = figures::unit_monthly(conn, unit, &all_terms(&inds), range, basis)?;
    let targets = defs::targets(conn, None)?;
    let region = target_region(conn, unit)?;
    Ok(inds
        .iter()
        .map(|i| value_of(i, &m, &targets, region.as_deref(), range.to.year()))
        .collect())
}

/// A child of a unit in the drill-down.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Child {
    pub unit: Unit,
    /// The region code or the library id.
    pub code: String,
    pub name: String,
    /// The region code targets are looked up by: the region's own, a
    /// library's village.
    pub region_code: String,
    /// Active libraries inside it (1 for a library).
    pub libraries: u32,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// The children of a unit: provinces of the nation, regencies of a
/// province, libraries of a regency or anything smaller, the libraries of a
/// set. A library has none. Sorted by code (regions) or name (libraries).
pub fn child_units(conn: &mut DbConn, unit: &Unit) -> StoreResult<Vec<Child>> {
    let region_children =
        |conn: &mut DbConn, level: i16, parent: Option<&RegionCode>| -> StoreResult<Vec<Child>> {
            let mut q = regions::table
                .filter(regions::level.eq(level))
                .into_boxed::<crate::conn::Dialect>();
            if let Some(p) = parent {
                q = q.filter(regions::parent_code.eq(p.as_str().to_string()));
            }
            let rows: Vec<(String, String, Option<f64>, Option<f64>)> = q
                .order(regions::code)
                .select((
                    regions::code,
                    regions::name,
                    regions::latitude,
                    regions::longitude,
                ))
                .load(conn)?;
            let codes: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
            let counts: BTreeMap<String, i64> = figure_library_counts::table
                .filter(figure_library_counts::region_code.eq_any(&codes))
                .select((
                    figure_library_counts::region_code,
                    figure_library_counts::libraries,
                ))
                .load::<(String, i64)>(conn)?
                .into_iter()
                .collect();
            Ok(rows
                .into_iter()
                .filter_map(|(code, name, lat, lon)| {
                    let rc = RegionCode::parse(&code).ok()?;
                    Some(Child {
                        libraries: counts.get(&code).copied().unwrap_or(0).max(0) as u32,
                        unit: Unit::Region(rc),
                        region_code: code.clone(),
                        code,
                        name,
                        latitude: lat,
                        longitude: lon,
                    })
                })
                .collect())
        };
    let libs = |conn: &mut DbConn,
                q: libraries::BoxedQuery<'_, crate::conn::Dialect>|
     -> StoreResult<Vec<Child>> {
        let rows: Vec<LibraryPlace> = q
            .filter(libraries::active.eq(true))
            .order((libraries::name, libraries::id))
            .select((
                libraries::id,
                libraries::name,
                libraries::village_code,
                libraries::latitude,
                libraries::longitude,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, name, village, lat, lon)| {
                let lid = LibraryId::parse(&id).ok()?;
                Some(Child {
                    unit: Unit::Library(lid),
                    region_code: village,
                    code: id,
                    name,
                    libraries: 1,
                    latitude: lat,
                    longitude: lon,
                })
            })
            .collect())
    };
    match unit {
        Unit::Nation => region_children(conn, 1, None),
        Unit::Region(r) if r.level() == Level::Province => region_children(conn, 2, Some(r)),
        Unit::Region(r) => {
            let (lo, hi) = r.subtree_range();
            libs(
                conn,
                libraries::table
                    .filter(libraries::village_code.ge(lo))
                    .filter(libraries::village_code.lt(hi))
                    .into_boxed(),
            )
        }
        Unit::Libraries(ids) => libs(
            conn,
            libraries::table
                .filter(libraries::id.eq_any(ids.iter().map(|i| i.to_string()).collect::<Vec<_>>()))
                .into_boxed(),
        ),
        Unit::Library(_) => Ok(Vec::new()),
    }
}

/// Each child's figures over the period, from one grouped read.
fn children_monthly(
    conn: &mut DbConn,
    unit: &Unit,
    kids: &[Child],
    terms: &[Term],
    range: PeriodRange,
    basis: Basis,
) -> StoreResult<Vec<Monthly>> {
    let (elements, disaggs) = needs_of(terms);
    let rows = figures::agg_rows(
        conn,
        &figures::children_source(
            unit,
            &kids.iter().map(|k| k.code.clone()).collect::<Vec<_>>(),
        ),
        basis,
        &elements,
        &disaggs,
        range,
    )?;
    let mut by_child = figures::monthly_by_key(rows, terms, range);
    Ok(kids
        .iter()
        .map(|c| {
            let mut m = by_child
                .remove(&c.code)
                .unwrap_or_else(|| Monthly::new(range.from, range.to, 0));
            m.libraries = c.libraries;
            m
        })
        .collect())
}

/// A child with its indicator values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChildValues {
    #[serde(flatten)]
    pub child: Child,
    pub values: Vec<IndicatorValue>,
}

/// Drill-down: every active indicator for each child of a unit, side by side.
pub fn children(
    conn: &mut DbConn,
    reach: &Reach,
    unit: &Unit,
    range: PeriodRange,
    include_unapproved: bool,
) -> StoreResult<Vec<ChildValues>> {
    check_reach(conn, reach, unit)?;
    let inds = defs::list(conn, false)?;
    let basis = Basis::including_unapproved(include_unapproved);
    let kids = child_units(conn, unit)?;
    let series = children_monthly(conn, unit, &kids, &all_terms(&inds), range, basis)?;
    let targets = defs::targets(conn, None)?;
    let mut out = Vec::with_capacity(kids.len());
    for (child, m) in kids.into_iter().zip(series) {
        let values = inds
            .iter()
            .map(|i| value_of(i, &m, &targets, Some(&child.region_code), range.to.year()))
            .collect();
        out.push(ChildValues { child, values });
    }
    Ok(out)
}

/// One row of the scorecard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreRow {
    /// 1 = best; `None` for units without a score (ranked last).
    pub rank: Option<u32>,
    #[serde(flatten)]
    pub child: Child,
    pub kpi: KpiScore,
}

/// A unit's KPI and its children's, ranked, with the formula version used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    pub range: PeriodRange,
    pub formula: KpiFormula,
    pub own: KpiScore,
    pub rows: Vec<ScoreRow>,
}

/// The formula in effect at the end of `range`.
pub fn formula_in_effect(conn: &mut DbConn, range: PeriodRange) -> StoreResult<KpiFormula> {
    let all = defs::kpi_formulas(conn)?;
    kpi::formula_for(&all, range.to.last_day())
        .cloned()
        .ok_or(StoreError::NotFound)
}

/// The KPI scorecard of a unit's children for a period (usually a year),
/// best first.
pub fn scorecard(
    conn: &mut DbConn,
    reach: &Reach,
    unit: &Unit,
    range: PeriodRange,
    include_unapproved: bool,
) -> StoreResult<Scorecard> {
    check_reach(conn, reach, unit)?;
    let formula = formula_in_effect(conn, range)?;
    let inds: Vec<Indicator> = defs::list(conn, true)?
        .into_iter()
        .filter(|i| formula.weights.iter().any(|(c, _)| *c == i.code))
        .collect();
    let terms = all_terms(&inds);
    let basis = Basis::including_unapproved(include_unapproved);
    let targets = defs::targets(conn, None)?;
    let year = range.to.year();
    let score_of = |m: &Monthly, region: Option<&str>| {
        let inputs: Vec<(&Indicator, Option<f64>, Option<f64>)> = inds
            .iter()
            .map(|i| {
                (
                    i,
                    i.evaluate(m).map(|v| i.round(v)),
                    target_for(&targets, i, region, year),
                )
            })
            .collect();
        kpi::score(&formula, &inputs)
    };
    let own_m = figures::unit_monthly(conn, unit, &terms, range, basis)?;
    let own_region = target_region(conn, unit)?;
    let own = score_of(&own_m, own_region.as_deref());
    let kids = child_units(conn, unit)?;
    let series = children_monthly(conn, unit, &kids, &terms, range, basis)?;
    let mut rows = Vec::with_capacity(kids.len());
    for (child, m) in kids.into_iter().zip(series) {
        let kpi = score_of(&m, Some(&child.region_code));
        rows.push(ScoreRow {
            rank: None,
            child,
            kpi,
        });
    }
    rows.sort_by(|a, b| {
        let key = |r: &ScoreRow| r.kpi.score.unwrap_or(f64::NEG_INFINITY);
        key(b)
            .partial_cmp(&key(a))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.child.name.cmp(&b.child.name))
    });
    let mut rank = 0;
    let mut last: Option<f64> = None;
    for (i, r) in rows.iter_mut().enumerate() {
        if let Some(s) = r.kpi.score {
            // Equal scores share a rank (1, 2, 2, 4).
            if last != Some(s) {
                rank = i as u32 + 1;
                last = Some(s);
            }
            r.rank = Some(rank);
        }
    }
    Ok(Scorecard {
        range,
        formula,
        own,
        rows,
    })
}

/// A unit's figures month by month (charts: visits over time, activities
/// by strategy, participants by gender and age…).
pub fn trend(
    conn: &mut DbConn,
    reach: &Reach,
    unit: &Unit,
    range: PeriodRange,
    include_unapproved: bool,
) -> StoreResult<Vec<(Period, Figures)>> {
    check_reach(conn, reach, unit)?;
    figures::unit_trend(
        conn,
        unit,
        range,
        Basis::including_unapproved(include_unapproved),
    )
}

/// A library's own figures over the `months` months ending with `to`.
pub fn library_trend(
    conn: &mut DbConn,
    reach: &Reach,
    library: LibraryId,
    to: Period,
    months: u32,
    include_unapproved: bool,
) -> StoreResult<Vec<(Period, Figures)>> {
    trend(
        conn,
        reach,
        &Unit::Library(library),
        PeriodRange::last(to, months),
        include_unapproved,
    )
}

/// A figure summed over a period for a unit: flows summed, stocks at the end.
pub fn period_figures(
    conn: &mut DbConn,
    reach: &Reach,
    unit: &Unit,
    range: PeriodRange,
    include_unapproved: bool,
) -> StoreResult<Figures> {
    let months = trend(conn, reach, unit, range, include_unapproved)?;
    let mut out = Figures::new();
    let last = months.last().map(|(p, _)| *p);
    for (p, f) in &months {
        for v in f.iter() {
            if v.element.kind() == lentera_core::monitoring::figures::Kind::Flow || Some(*p) == last
            {
                out.add(v.element, v.disagg, v.value, v.manual);
            }
        }
    }
    Ok(out)
}

// ------------------------------------------------------------------- SNP

/// The SNP checklist of a library: catalogue titles now, registry fields.
pub fn snp(conn: &mut DbConn, reach: &Reach, library: LibraryId) -> StoreResult<SnpChecklist> {
    check_reach(conn, reach, &Unit::Library(library))?;
    let lib = library.to_string();
    let titles: i64 = biblios::table
        .filter(biblios::library_id.eq(&lib))
        .count()
        .get_result(conn)?;
    let (area, hours, staff): (Option<f64>, Option<f64>, Option<i32>) = libraries::table
        .find(&lib)
        .select((
            libraries::floor_area_m2,
            libraries::hours_per_day,
            libraries::staff_count,
        ))
        .first(conn)?;
    Ok(snp::checklist(&SnpInputs {
        titles,
        floor_area_m2: area,
        hours_per_day: hours,
        staff,
    }))
}

// ------------------------------------------------------------------ IPLM

/// The IPLM of a unit's child regions (provinces of the nation, regencies
/// of a province) and of the unit itself, by the given formula version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IplmTable {
    pub version: IplmVersion,
    pub range: PeriodRange,
    /// The unit itself (for min–max: normalised among its own siblings is
    /// not meaningful here, so only the norm version gives it).
    pub own: Option<IplmResult>,
    pub rows: Vec<(Child, IplmInputs, IplmResult)>,
}

/// What each active library in a region contributes to the registry-based
/// inputs: (village, staff, meets SNP).
fn registry_facts(
    conn: &mut DbConn,
    within: Option<&RegionCode>,
    titles_until: i32,
) -> StoreResult<Vec<(String, i64, bool)>> {
    let (lo, hi) = within
        .map(|r| r.subtree_range())
        .unwrap_or_else(|| ("0".to_string(), ":".to_string()));
    let libs: Vec<RegistryRow> = libraries::table
        .filter(libraries::active.eq(true))
        .filter(libraries::village_code.ge(&lo))
        .filter(libraries::village_code.lt(&hi))
        .select((
            libraries::id,
            libraries::village_code,
            libraries::floor_area_m2,
            libraries::hours_per_day,
            libraries::staff_count,
        ))
        .load(conn)?;
    // Titles at the end of the period, per library, from the live figures.
    let titles: BTreeMap<String, i64> = figure_values::table
        .filter(figure_values::basis.eq("c"))
        .filter(figure_values::element.eq(Element::Titles.key()))
        .filter(figure_values::disagg.eq(""))
        .filter(figure_values::region_code.ge(&lo))
        .filter(figure_values::region_code.lt(&hi))
        .filter(figure_values::period.le(titles_until))
        .group_by(figure_values::library_id)
        .select((
            figure_values::library_id,
            diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "CAST(SUM(figure_values.value) AS BIGINT)",
            ),
        ))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(libs
        .into_iter()
        .map(|(id, village, area, hours, staff)| {
            let check = snp::checklist(&SnpInputs {
                titles: titles.get(&id).copied().unwrap_or(0),
                floor_area_m2: area,
                hours_per_day: hours,
                staff,
            });
            (village, i64::from(staff.unwrap_or(0)), check.meets)
        })
        .collect())
}

/// IPLM for the children of `unit` (and the unit), over `range`.
pub fn iplm(
    conn: &mut DbConn,
    reach: &Reach,
    unit: &Unit,
    range: PeriodRange,
    version: IplmVersion,
) -> StoreResult<IplmTable> {
    check_reach(conn, reach, unit)?;
    let parent_region = match unit {
        Unit::Nation => None,
        Unit::Region(r) => Some(r.clone()),
        _ => return Err(StoreError::NotFound),
    };
    let kids: Vec<Child> = match unit {
        Unit::Nation => child_units(conn, unit)?,
        Unit::Region(r) if r.level() == Level::Province => child_units(conn, unit)?,
        _ => Vec::new(),
    };
    let terms = [
        Element::Items,
        Element::Visits,
        Element::Participants,
        Element::Members,
    ]
    .map(|e| Term {
        element: e,
        disagg: lentera_core::monitoring::figures::Disagg::total(),
    })
    .to_vec();
    let basis = Basis::Live;
    let series = children_monthly(conn, unit, &kids, &terms, range, basis)?;
    let facts = registry_facts(conn, parent_region.as_ref(), range.to.yyyymm())?;
    let mut codes: Vec<String> = kids.iter().map(|k| k.code.clone()).collect();
    if let Some(r) = &parent_region {
        codes.push(r.as_str().to_string());
    }
    let pops = defs::populations(conn, &codes, range.to.year())?;
    // Staff and SNP-meeting libraries summed per child once (the nation has
    // 83,762 libraries; filtering them per child cost 38 passes).
    let child_len = kids.first().map_or(usize::MAX, |k| k.code.len());
    let mut by_child: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    let mut all_facts = (0i64, 0i64);
    for (village, staff, ok) in &facts {
        let add = |t: &mut (i64, i64)| {
            t.0 += staff;
            t.1 += i64::from(*ok);
        };
        add(&mut all_facts);
        if let Some(c) = village.get(..child_len) {
            add(by_child.entry(c).or_default());
        }
    }
    let inputs_of = |code: Option<&str>, m: &Monthly, libraries: u32| {
        let sum = |e: Element| -> i64 {
            let t = &terms[terms.iter().position(|t| t.element == e).unwrap_or(0)];
            match e.kind() {
                lentera_core::monitoring::figures::Kind::Stock => m.last(t),
                _ => m.total(t),
            }
        };
        let (staff, snp_ok) = match code {
            Some(c) if c.len() == child_len => by_child.get(c).copied().unwrap_or((0, 0)),
            _ => all_facts,
        };
        IplmInputs {
            region: code.unwrap_or("").to_string(),
            population: code.and_then(|c| pops.get(c).copied()),
            libraries: i64::from(libraries),
            items: sum(Element::Items),
            staff,
            visits: sum(Element::Visits),
            days: range.days(),
            libraries_snp: snp_ok,
            participants: sum(Element::Participants),
            members: sum(Element::Members),
        }
    };
    let inputs: Vec<IplmInputs> = kids
        .iter()
        .zip(&series)
        .map(|(k, m)| inputs_of(Some(&k.code), m, k.libraries))
        .collect();
    let results = iplm::compute(version, &inputs);
    let own = match version {
        IplmVersion::Norm2025 => {
            let m = figures::unit_monthly(conn, unit, &terms, range, basis)?;
            let n = library_count(conn, unit)?;
            let mut own_inputs = inputs_of(parent_region.as_ref().map(|r| r.as_str()), &m, n);
            if parent_region.is_none() {
                // The nation's population: the sum of its provinces'.
                let total: i64 = inputs.iter().filter_map(|i| i.population).sum();
                own_inputs.population = (total > 0).then_some(total);
            }
            iplm::compute(version, &[own_inputs]).pop()
        }
        IplmVersion::MinMax2023 => None,
    };
    Ok(IplmTable {
        version,
        range,
        own,
        rows: kids
            .into_iter()
            .zip(inputs)
            .zip(results)
            .map(|((k, i), r)| (k, i, r))
            .collect(),
    })
}

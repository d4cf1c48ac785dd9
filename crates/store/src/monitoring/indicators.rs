//! Indicator definitions, targets, KPI formula versions and region
//! population: the data the monitoring engine computes with. Every change
//! is audited in its own transaction.

use crate::audit;
use crate::conn::{DbConn, write_tx};
use crate::error::{StoreError, StoreResult};
use crate::now;
use crate::schema::{
    indicator_defs, indicator_targets, kpi_formulas, kpi_weights, region_population, regions,
};
use chrono::NaiveDate;
use diesel::prelude::*;
use lentera_core::audit::{ActorRef, Change};
use lentera_core::field::{Invalid, Problem};
use lentera_core::monitoring::indicators::{
    Expr, Indicator, IndicatorDraft, IndicatorForm, RegionAgg, Target, TimeAgg,
};
use lentera_core::monitoring::kpi::KpiFormula;
use lentera_core::regions::RegionCode;
use lentera_tabular::{ImportReport, Lang, Layout, Outcome, ReadOptions, RowProblem, TableReader};

/// The columns of an indicator row, in [`DefRow`] order.
type DefColumns = (
    indicator_defs::code,
    indicator_defs::position,
    indicator_defs::name_id,
    indicator_defs::name_en,
    indicator_defs::definition_id,
    indicator_defs::definition_en,
    indicator_defs::numerator,
    indicator_defs::denominator,
    indicator_defs::factor,
    indicator_defs::time_aggregation,
    indicator_defs::region_aggregation,
    indicator_defs::unit_id,
    indicator_defs::unit_en,
    indicator_defs::decimals,
    indicator_defs::higher_is_better,
    indicator_defs::active,
);

type DefRow = (
    String,
    i32,
    String,
    String,
    String,
    String,
    String,
    String,
    f64,
    String,
    String,
    String,
    String,
    i32,
    bool,
    bool,
);

fn to_indicator(r: DefRow) -> StoreResult<Indicator> {
    let bad = |what: &str| StoreError::Data(format!("indicator {}: bad {what}", r.0));
    Ok(Indicator {
        numerator: Expr::parse(&r.6).map_err(|_| bad("numerator"))?,
        denominator: match r.7.trim() {
            "" => None,
            d => Some(Expr::parse(d).map_err(|_| bad("denominator"))?),
        },
        factor: r.8,
        time_agg: TimeAgg::parse(&r.9).map_err(|_| bad("time_aggregation"))?,
        region_agg: RegionAgg::parse(&r.10).map_err(|_| bad("region_aggregation"))?,
        code: r.0,
        position: r.1,
        name_id: r.2,
        name_en: r.3,
        definition_id: r.4,
        definition_en: r.5,
        unit_id: r.11,
        unit_en: r.12,
        decimals: u8::try_from(r.13.clamp(0, 6)).unwrap_or(0),
        higher_is_better: r.14,
        active: r.15,
    })
}

fn select_defs() -> DefColumns {
    use indicator_defs::*;
    (
        code,
        position,
        name_id,
        name_en,
        definition_id,
        definition_en,
        numerator,
        denominator,
        factor,
        time_aggregation,
        region_aggregation,
        unit_id,
        unit_en,
        decimals,
        higher_is_better,
        active,
    )
}

/// Indicators in display order; inactive ones only when asked.
pub fn list(conn: &mut DbConn, include_inactive: bool) -> StoreResult<Vec<Indicator>> {
    let rows: Vec<DefRow> = indicator_defs::table
        .order((indicator_defs::position, indicator_defs::code))
        .select(select_defs())
        .load(conn)?;
    rows.into_iter()
        .map(to_indicator)
        .filter(|r| include_inactive || r.as_ref().map_or(true, |i| i.active))
        .collect()
}

pub fn get(conn: &mut DbConn, code: &str) -> StoreResult<Indicator> {
    let row: DefRow = indicator_defs::table
        .find(code)
        .select(select_defs())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    to_indicator(row)
}

/// Creates (`create = true`) or replaces an indicator from a typed form.
/// A duplicate code on create is a `code` field error; an unknown one on
/// update is `NotFound`.
pub fn save(
    conn: &mut DbConn,
    by: &ActorRef,
    form: &IndicatorForm,
    create: bool,
) -> StoreResult<Indicator> {
    let ind = IndicatorDraft::parse(form)?;
    write_tx(conn, |conn| {
        let exists = indicator_defs::table
            .find(&ind.code)
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if create && exists {
            return Err(Invalid::one("code", Problem::Duplicate).into());
        }
        if !create && !exists {
            return Err(StoreError::NotFound);
        }
        let values = (
            indicator_defs::position.eq(ind.position),
            indicator_defs::name_id.eq(&ind.name_id),
            indicator_defs::name_en.eq(&ind.name_en),
            indicator_defs::definition_id.eq(&ind.definition_id),
            indicator_defs::definition_en.eq(&ind.definition_en),
            indicator_defs::numerator.eq(ind.numerator.to_string()),
            indicator_defs::denominator.eq(ind
                .denominator
                .as_ref()
                .map(|d| d.to_string())
                .unwrap_or_default()),
            indicator_defs::factor.eq(ind.factor),
            indicator_defs::time_aggregation.eq(ind.time_agg.key()),
            indicator_defs::region_aggregation.eq(ind.region_agg.key()),
            indicator_defs::unit_id.eq(&ind.unit_id),
            indicator_defs::unit_en.eq(&ind.unit_en),
            indicator_defs::decimals.eq(i32::from(ind.decimals)),
            indicator_defs::higher_is_better.eq(ind.higher_is_better),
            indicator_defs::active.eq(ind.active),
            indicator_defs::updated_at.eq(now()),
        );
        if create {
            diesel::insert_into(indicator_defs::table)
                .values((indicator_defs::code.eq(&ind.code), values))
                .execute(conn)?;
        } else {
            diesel::update(indicator_defs::table.find(&ind.code))
                .set(values)
                .execute(conn)?;
        }
        let den = ind
            .denominator
            .as_ref()
            .map(|d| format!(" / ({d})"))
            .unwrap_or_default();
        audit::record(
            conn,
            by,
            Change {
                action: if create {
                    "indicator.create"
                } else {
                    "indicator.update"
                },
                entity: "indicator",
                entity_id: ind.code.clone(),
                region: None,
                library: None,
                summary: format!(
                    "{} = {} × ({}){den}; {}/{}",
                    ind.code,
                    ind.factor,
                    ind.numerator,
                    ind.time_agg.key(),
                    ind.region_agg.key()
                ),
                details: None,
            },
        )?;
        Ok(ind.clone())
    })
}

/// Every target (all years and regions), or those of one indicator.
pub fn targets(conn: &mut DbConn, indicator: Option<&str>) -> StoreResult<Vec<Target>> {
    let mut q = indicator_targets::table.into_boxed::<crate::conn::Dialect>();
    if let Some(i) = indicator {
        q = q.filter(indicator_targets::indicator_code.eq(i.to_string()));
    }
    let rows: Vec<(String, i32, String, f64)> = q
        .order((
            indicator_targets::indicator_code,
            indicator_targets::year,
            indicator_targets::region_code,
        ))
        .select((
            indicator_targets::indicator_code,
            indicator_targets::year,
            indicator_targets::region_code,
            indicator_targets::target,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(indicator, year, region, value)| Target {
            indicator,
            year,
            region: (!region.is_empty()).then_some(region),
            value,
        })
        .collect())
}

/// Sets (or with `None` removes) the target of an indicator for a year and
/// a region (`None`: the national default). The caller checks that the
/// region is within the actor's reach.
pub fn set_target(
    conn: &mut DbConn,
    by: &ActorRef,
    indicator: &str,
    year: i32,
    region: Option<&RegionCode>,
    value: Option<f64>,
) -> StoreResult<()> {
    if !(2000..=2100).contains(&year) {
        return Err(Invalid::one(
            "year",
            Problem::OutOfRange {
                min: 2000,
                max: 2100,
            },
        )
        .into());
    }
    if let Some(v) = value
        && (!v.is_finite() || v < 0.0)
    {
        return Err(Invalid::one(
            "target",
            Problem::OutOfRange {
                min: 0,
                max: i64::MAX,
            },
        )
        .into());
    }
    let region_key = region.map(|r| r.as_str().to_string()).unwrap_or_default();
    write_tx(conn, |conn| {
        get(conn, indicator)?;
        diesel::delete(indicator_targets::table.find((indicator, year, &region_key)))
            .execute(conn)?;
        if let Some(v) = value {
            diesel::insert_into(indicator_targets::table)
                .values((
                    indicator_targets::indicator_code.eq(indicator),
                    indicator_targets::year.eq(year),
                    indicator_targets::region_code.eq(&region_key),
                    indicator_targets::target.eq(v),
                    indicator_targets::updated_at.eq(now()),
                ))
                .execute(conn)?;
        }
        audit::record(
            conn,
            by,
            Change {
                action: "indicator.target",
                entity: "indicator",
                entity_id: indicator.to_string(),
                region: region.cloned(),
                library: None,
                summary: format!(
                    "{indicator} {year} {}: {}",
                    if region_key.is_empty() {
                        "nasional"
                    } else {
                        &region_key
                    },
                    value.map_or("—".to_string(), |v| v.to_string())
                ),
                details: None,
            },
        )
    })
}

/// Every KPI formula version, oldest first.
pub fn kpi_formulas(conn: &mut DbConn) -> StoreResult<Vec<KpiFormula>> {
    let heads: Vec<(i32, NaiveDate, String, f64, f64)> = kpi_formulas::table
        .order(kpi_formulas::version)
        .select((
            kpi_formulas::version,
            kpi_formulas::effective_from,
            kpi_formulas::name,
            kpi_formulas::red_below,
            kpi_formulas::green_from,
        ))
        .load(conn)?;
    let weights: Vec<(i32, String, f64)> = kpi_weights::table
        .order((kpi_weights::version, kpi_weights::indicator_code))
        .select((
            kpi_weights::version,
            kpi_weights::indicator_code,
            kpi_weights::weight,
        ))
        .load(conn)?;
    Ok(heads
        .into_iter()
        .map(
            |(version, effective_from, name, red_below, green_from)| KpiFormula {
                version,
                effective_from,
                name,
                weights: weights
                    .iter()
                    .filter(|(v, _, _)| *v == version)
                    .map(|(_, c, w)| (c.clone(), *w))
                    .collect(),
                red_below,
                green_from,
            },
        )
        .collect())
}

/// Adds a new version of the KPI formula. Versions are never changed once
/// written (past scores name them); a used version number is a `version`
/// field error.
pub fn add_kpi_formula(conn: &mut DbConn, by: &ActorRef, f: &KpiFormula) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let taken = kpi_formulas::table
            .find(f.version)
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if taken {
            return Err(Invalid::one("version", Problem::Duplicate).into());
        }
        for (code, _) in &f.weights {
            if get(conn, code).is_err() {
                return Err(Invalid::one("weights", Problem::NotFound).into());
            }
        }
        diesel::insert_into(kpi_formulas::table)
            .values((
                kpi_formulas::version.eq(f.version),
                kpi_formulas::effective_from.eq(f.effective_from),
                kpi_formulas::name.eq(&f.name),
                kpi_formulas::red_below.eq(f.red_below),
                kpi_formulas::green_from.eq(f.green_from),
                kpi_formulas::created_by.eq(&by.username),
                kpi_formulas::created_at.eq(now()),
            ))
            .execute(conn)?;
        for (code, w) in &f.weights {
            diesel::insert_into(kpi_weights::table)
                .values((
                    kpi_weights::version.eq(f.version),
                    kpi_weights::indicator_code.eq(code),
                    kpi_weights::weight.eq(w),
                ))
                .execute(conn)?;
        }
        audit::record(
            conn,
            by,
            Change {
                action: "kpi.formula",
                entity: "kpi_formula",
                entity_id: f.version.to_string(),
                region: None,
                library: None,
                summary: format!(
                    "v{} {} ({}): {}; merah < {}, hijau ≥ {}",
                    f.version,
                    f.name,
                    f.effective_from,
                    f.weights
                        .iter()
                        .map(|(c, w)| format!("{c} {w}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    f.red_below,
                    f.green_from
                ),
                details: None,
            },
        )
    })
}

/// The population of a region for a year: the latest figure not after it.
pub fn population(conn: &mut DbConn, region: &RegionCode, year: i32) -> StoreResult<Option<i64>> {
    Ok(region_population::table
        .filter(region_population::region_code.eq(region.as_str()))
        .filter(region_population::year.le(year))
        .order(region_population::year.desc())
        .select(region_population::population)
        .first(conn)
        .optional()?)
}

/// The populations of several regions for a year (latest not after it).
pub fn populations(
    conn: &mut DbConn,
    regions: &[String],
    year: i32,
) -> StoreResult<std::collections::BTreeMap<String, i64>> {
    let rows: Vec<(String, i32, i64)> = region_population::table
        .filter(region_population::region_code.eq_any(regions))
        .filter(region_population::year.le(year))
        .select((
            region_population::region_code,
            region_population::year,
            region_population::population,
        ))
        .load(conn)?;
    let mut best: std::collections::BTreeMap<String, (i32, i64)> = Default::default();
    for (r, y, p) in rows {
        let e = best.entry(r).or_insert((y, p));
        if y >= e.0 {
            *e = (y, p);
        }
    }
    Ok(best.into_iter().map(|(r, (_, p))| (r, p)).collect())
}

/// The column layout of the population file.
pub fn population_layout() -> Layout {
    Layout::new()
        .required(
            "region_code",
            &[
                "kode_wilayah",
                "kode wilayah",
                "kode",
                "region_code",
                "kode_bps",
            ],
        )
        .required("year", &["tahun", "year"])
        .required(
            "population",
            &[
                "jumlah_penduduk",
                "jumlah penduduk",
                "penduduk",
                "population",
            ],
        )
        .optional("source", &["sumber", "source"])
}

/// Imports populations from CSV or XLSX: one row per region and year.
/// Each bad row is reported with its number and column; the good ones are
/// applied. Importing the same file twice changes nothing (rows are keyed
/// by region and year). One audit entry for the whole import.
pub fn import_population(
    conn: &mut DbConn,
    by: &ActorRef,
    bytes: Vec<u8>,
    lang: Lang,
) -> StoreResult<ImportReport> {
    use lentera_tabular::CellProblem;
    let reader = TableReader::from_bytes(bytes, &population_layout(), &ReadOptions::default())
        .map_err(|e| StoreError::Invalid(Invalid::one("file", file_problem(&e))))?;
    let mut report = ImportReport::new();
    report.add_warnings(reader.warnings(), lang);
    write_tx(conn, |conn| {
        for item in reader {
            report.row_read();
            let parsed = item.and_then(|row| {
                let code = row.require("region_code")?.trim().replace('.', "");
                let region = RegionCode::parse(&code).map_err(|_| {
                    row.error(
                        "region_code",
                        CellProblem::Invalid {
                            key: "region_code".into(),
                        },
                    )
                })?;
                let year = row
                    .int("year")?
                    .filter(|y| (1900..=2100).contains(y))
                    .ok_or_else(|| row.error("year", CellProblem::NotInteger))?;
                let pop = row
                    .int("population")?
                    .filter(|p| *p >= 0)
                    .ok_or_else(|| row.error("population", CellProblem::NotInteger))?;
                let source = row
                    .get("source")
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string);
                Ok((row.number(), region, year as i32, pop, source))
            });
            let (number, region, year, pop, source) = match parsed {
                Ok(v) => v,
                Err(e) if e.is_row_error() => {
                    report.reject_error(&e, lang);
                    continue;
                }
                Err(e) => {
                    return Err(StoreError::Invalid(Invalid::one("file", file_problem(&e))));
                }
            };
            let known = regions::table
                .find(region.as_str())
                .count()
                .get_result::<i64>(conn)?
                > 0;
            if !known {
                report.reject(RowProblem::new(
                    number,
                    Some("region_code"),
                    match lang {
                        Lang::En => format!("unknown region {region}"),
                        _ => format!("wilayah {region} tidak dikenal"),
                    },
                ));
                continue;
            }
            let old: Option<(i64, Option<String>)> = region_population::table
                .find((region.as_str(), year))
                .select((region_population::population, region_population::source))
                .first(conn)
                .optional()?;
            let outcome = match old {
                Some((p, s)) if p == pop && s == source => Outcome::Unchanged,
                Some(_) => Outcome::Updated,
                None => Outcome::Inserted,
            };
            if outcome != Outcome::Unchanged {
                diesel::delete(region_population::table.find((region.as_str(), year)))
                    .execute(conn)?;
                diesel::insert_into(region_population::table)
                    .values((
                        region_population::region_code.eq(region.as_str()),
                        region_population::year.eq(year),
                        region_population::population.eq(pop),
                        region_population::source.eq(&source),
                        region_population::updated_at.eq(now()),
                    ))
                    .execute(conn)?;
            }
            report.record(outcome);
        }
        audit::record(
            conn,
            by,
            Change {
                action: "population.import",
                entity: "region_population",
                entity_id: String::new(),
                region: None,
                library: None,
                summary: format!(
                    "{} baris: {} baru, {} diubah, {} sama, {} ditolak",
                    report.read, report.inserted, report.updated, report.unchanged, report.rejected
                ),
                details: None,
            },
        )?;
        Ok(())
    })?;
    Ok(report)
}

fn file_problem(e: &lentera_tabular::TabularError) -> Problem {
    use lentera_tabular::TabularError as T;
    match e {
        T::Empty => Problem::FileEmpty,
        T::TooLarge { .. } => Problem::FileTooLarge {
            max_mb: (ReadOptions::default().max_input_bytes / (1024 * 1024)) as u32,
        },
        T::Unsupported { .. } => Problem::FileWrongType {
            allowed: "CSV, XLSX",
        },
        T::MissingColumns { .. } => Problem::Required,
        _ => Problem::FileDamaged,
    }
}

//! Monitoring at national scale: the dataset generator
//! ([`lentera_store::national`]) and the dashboard benchmarks (issue 5, "Scale"). Results: BENCHMARKS.md.
//!
//! ```text
//! cargo build --release -p lentera-store --example bench_monitoring
//! bench_monitoring generate [--database-url URL | --data-dir DIR]
//!     [--active 10000] [--with-workplans 2400] [--active-within CODE]
//!     [--from-year 2021] [--to-year 2025]
//! bench_monitoring bench [--database-url URL | --data-dir DIR]
//!     [--runs 200] [--province 35] [--district CODE]
//! ```
//!
//! `bench` times, over `--runs` runs each, the dashboard's store calls as
//! the web handlers make them (national reach, live figures): a unit's
//! indicators for a month and a year at nation, province and district
//! level, the drill-down to the unit's children, the KPI scorecard, and the
//! time from inserting a guest-book entry to reading it in the district's
//! and the nation's aggregates (checked, not assumed: the run fails if the
//! figure did not move by the entry's headcount).

use chrono::NaiveDate;
use diesel::prelude::*;
use lentera_core::audit::ActorRef;
use lentera_core::ids::LibraryId;
use lentera_core::monitoring::figures::{Element, Period, PeriodRange};
use lentera_core::regions::RegionCode;
use lentera_core::users::Reach;
use lentera_core::visits::{Purpose, VisitDraft, Visitor};
use lentera_store::monitoring::dashboard;
use lentera_store::monitoring::figures::Unit;
use lentera_store::national;
use lentera_store::schema::figure_values;
use lentera_store::{Db, DbConn, Target, regions, visits};
use std::path::PathBuf;
use std::time::Instant;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

struct Opts {
    command: String,
    database_url: Option<String>,
    data_dir: PathBuf,
    runs: usize,
    province: String,
    district: Option<String>,
    national: national::NationalArgs,
}

fn parse_args() -> Result<Opts> {
    let mut args = std::env::args().skip(1);
    let mut o = Opts {
        command: args.next().unwrap_or_default(),
        database_url: std::env::var("LENTERA_DATABASE_URL").ok(),
        data_dir: PathBuf::from("./lentera-national"),
        runs: 200,
        province: "35".into(),
        district: None,
        national: national::NationalArgs::default(),
    };
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--database-url" => o.database_url = Some(value()?),
            "--data-dir" => o.data_dir = PathBuf::from(value()?),
            "--runs" => o.runs = value()?.parse()?,
            "--province" => o.province = value()?,
            "--district" => o.district = Some(value()?),
            "--active" => o.national.active = value()?.parse()?,
            "--with-workplans" => o.national.with_workplans = value()?.parse()?,
            "--active-within" => o.national.active_within = Some(value()?),
            "--from-year" => o.national.from_year = value()?.parse()?,
            "--to-year" => o.national.to_year = value()?.parse()?,
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    Ok(o)
}

fn main() -> Result<()> {
    let o = parse_args()?;
    let target = Target::from_args(o.database_url.as_deref(), &o.data_dir)?;
    let start = Instant::now();
    let db = Db::open(&target)?;
    {
        let mut conn = db.conn()?;
        let n = regions::load_if_empty(&mut conn, &|_| true)?;
        if n > 0 {
            println!(
                "region tree: {n} regions in {:.1} s",
                start.elapsed().as_secs_f64()
            );
        }
    }
    match o.command.as_str() {
        "generate" => Ok(national::fill(&db, &o.national, &|line| {
            println!("{line}")
        })?),
        "bench" => bench(&db, &o),
        _ => Err("usage: bench_monitoring generate|bench [options] (see the file's docs)".into()),
    }
}

/// Percentiles of one case, in milliseconds.
fn report(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let p = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "| {name} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
        ms.len(),
        p(0.5),
        p(0.95),
        p(0.99),
        ms[ms.len() - 1]
    );
}

fn time<T>(
    conn: &mut DbConn,
    runs: usize,
    name: &str,
    mut f: impl FnMut(&mut DbConn) -> Result<T>,
) -> Result<T> {
    // One warm-up run, as a dashboard is opened more than once.
    let mut out = f(conn)?;
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        out = f(conn)?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    report(name, ms);
    Ok(out)
}

fn bench(db: &Db, o: &Opts) -> Result<()> {
    let mut conn = db.conn()?;
    let reach = Reach::Everything;
    let province = RegionCode::parse(&o.province).map_err(|_| "bad --province")?;
    // The district: the given one, or the province's regency with the most
    // libraries that have figures.
    let district = match &o.district {
        Some(d) => RegionCode::parse(d).map_err(|_| "bad --district")?,
        None => {
            let (lo, hi) = province.subtree_range();
            let rows: Vec<(String, String)> = figure_values::table
                .filter(figure_values::basis.eq("c"))
                .filter(figure_values::element.eq("visits"))
                .filter(figure_values::disagg.eq(""))
                .filter(figure_values::region_code.ge(lo))
                .filter(figure_values::region_code.lt(hi))
                .select((figure_values::region_code, figure_values::library_id))
                .distinct()
                .load(&mut *conn)?;
            let mut per: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
                Default::default();
            for (region, lib) in rows {
                per.entry(region[..4].to_string()).or_default().insert(lib);
            }
            let best = per
                .iter()
                .max_by_key(|(_, libs)| libs.len())
                .map(|(r, _)| r.clone())
                .ok_or("no figures in the province: generate first")?;
            RegionCode::parse(&best).map_err(|_| "bad regency")?
        }
    };
    let lib_in_district: String = {
        let (lo, hi) = district.subtree_range();
        figure_values::table
            .filter(figure_values::basis.eq("c"))
            .filter(figure_values::element.eq("visits"))
            .filter(figure_values::region_code.ge(lo))
            .filter(figure_values::region_code.lt(hi))
            .select(figure_values::library_id)
            .first(&mut *conn)?
    };
    let library = LibraryId::parse(&lib_in_district).map_err(|_| "bad library id")?;
    let village: String = {
        use lentera_store::schema::libraries;
        libraries::table
            .find(&lib_in_district)
            .select(libraries::village_code)
            .first(&mut *conn)?
    };
    let village = RegionCode::parse(&village).map_err(|_| "bad village")?;
    let counts: Vec<(String, i64)> = {
        use lentera_store::schema::figure_library_counts as c;
        c::table
            .filter(c::region_code.eq_any([province.as_str(), district.as_str()]))
            .select((c::region_code, c::libraries))
            .load(&mut *conn)?
    };
    let total_rows: i64 = figure_values::table.count().get_result(&mut *conn)?;
    let kids = dashboard::child_units(&mut conn, &Unit::Region(district.clone()))?;
    println!(
        "backend {}, province {province}, district {district} ({} libraries, {} of them with figures), {total_rows} library figure rows; libraries per region: {counts:?}",
        db.backend().name(),
        kids.len(),
        {
            let (lo, hi) = district.subtree_range();
            figure_values::table
                .filter(figure_values::basis.eq("c"))
                .filter(figure_values::element.eq("visits"))
                .filter(figure_values::disagg.eq(""))
                .filter(figure_values::period.eq(202512))
                .filter(figure_values::region_code.ge(lo))
                .filter(figure_values::region_code.lt(hi))
                .count()
                .get_result::<i64>(&mut *conn)?
        }
    );
    let month = PeriodRange::month(Period::new(2025, 12).map_err(|e| format!("{e:?}"))?);
    let year = PeriodRange::year(2025, None).map_err(|e| format!("{e:?}"))?;
    let units = [
        ("nation", Unit::Nation),
        ("province", Unit::Region(province.clone())),
        ("district", Unit::Region(district.clone())),
    ];
    let runs = o.runs;
    println!();
    println!("| case | runs | p50 ms | p95 ms | p99 ms | max ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (label, unit) in &units {
        for (plabel, range) in [("month", month), ("year", year)] {
            let v = time(
                &mut conn,
                runs,
                &format!("indicators, {label}, {plabel}"),
                |c| Ok(dashboard::region_indicators(c, &reach, unit, range, true)?),
            )?;
            if v.iter().all(|i| i.value.is_none()) {
                return Err(format!("{label} {plabel}: no indicator has a value").into());
            }
        }
    }
    for (label, unit) in &units {
        for (plabel, range) in [("month", month), ("year", year)] {
            let rows = time(
                &mut conn,
                runs,
                &format!("drill-down, {label} → children, {plabel}"),
                |c| Ok(dashboard::children(c, &reach, unit, range, true)?),
            )?;
            if rows.is_empty() {
                return Err(format!("{label}: no children").into());
            }
        }
    }
    for (label, unit) in &units {
        let card = time(
            &mut conn,
            runs,
            &format!("scorecard, {label} children ranked, year"),
            |c| Ok(dashboard::scorecard(c, &reach, unit, year, true)?),
        )?;
        if card.rows.iter().all(|r| r.rank.is_none()) {
            return Err(format!("{label}: nothing ranked").into());
        }
    }
    // Pages linked from the dashboard (not among the issue's three
    // dashboard questions, measured all the same): the IPLM table and the
    // completeness of the month's reports. Fewer runs: they scan every
    // library of the unit.
    let page_runs = runs.min(50);
    for (label, unit) in &units[..2] {
        time(
            &mut conn,
            page_runs,
            &format!("IPLM 2025, {label}, year"),
            |c| {
                Ok(dashboard::iplm(
                    c,
                    &reach,
                    unit,
                    year,
                    lentera_core::monitoring::iplm::IplmVersion::Norm2025,
                )?)
            },
        )?;
    }
    for (label, region) in [
        ("nation", None),
        ("province", Some(&province)),
        ("district", Some(&district)),
    ] {
        time(
            &mut conn,
            page_runs,
            &format!("report completeness, {label}, month"),
            |c| {
                Ok(lentera_store::monitoring::reports::completeness(
                    c, region, month.to, false,
                )?)
            },
        )?;
    }

    // A new guest-book entry, then the district's and the nation's visits
    // for its month: the figure must move by the entry's headcount at once.
    let by = ActorRef::system("bench");
    let at = visits::At {
        library,
        village: &village,
    };
    let day = NaiveDate::from_ymd_opt(2025, 12, 15).ok_or("date")?;
    let now = day.and_hms_opt(5, 0, 0).ok_or("time")?;
    let district_unit = Unit::Region(district.clone());
    let mut write_ms = Vec::with_capacity(runs);
    let mut read_ms = Vec::with_capacity(runs);
    let mut both_ms = Vec::with_capacity(runs);
    let mut nation_ms = Vec::with_capacity(runs);
    let visits_of = |c: &mut DbConn, unit: &Unit| -> Result<i64> {
        Ok(dashboard::period_figures(c, &reach, unit, month, true)?.total(Element::Visits))
    };
    let mut before = visits_of(&mut conn, &district_unit)?;
    let mut nation_before = visits_of(&mut conn, &Unit::Nation)?;
    for i in 0..runs {
        let draft = VisitDraft {
            visitor: Visitor::Group {
                name: format!("Kelas {}", i % 6 + 1),
                males: 3,
                females: 4,
            },
            gender: None,
            age_group: Some(lentera_core::circulation::AgeGroup::Anak),
            purpose: Purpose::Kegiatan,
            date: Some(day),
        };
        let t = Instant::now();
        visits::record(&mut conn, &by, &at, &draft, now)?;
        let w = t.elapsed();
        let after = visits_of(&mut conn, &district_unit)?;
        let total = t.elapsed();
        if after != before + 7 {
            return Err(format!("district visits {before} → {after}, expected +7").into());
        }
        before = after;
        let t2 = Instant::now();
        let nation_after = visits_of(&mut conn, &Unit::Nation)?;
        nation_ms.push(t2.elapsed().as_secs_f64() * 1000.0);
        if nation_after != nation_before + 7 {
            return Err(
                format!("national visits {nation_before} → {nation_after}, expected +7").into(),
            );
        }
        nation_before = nation_after;
        write_ms.push(w.as_secs_f64() * 1000.0);
        read_ms.push((total - w).as_secs_f64() * 1000.0);
        both_ms.push(total.as_secs_f64() * 1000.0);
    }
    report("new visit: insert (figures kept by triggers)", write_ms);
    report("new visit: district month read, sees +7", read_ms);
    report("new visit: insert → visible in district", both_ms);
    report("new visit: nation month read, sees +7", nation_ms);
    Ok(())
}

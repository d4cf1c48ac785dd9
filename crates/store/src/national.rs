//! A national-size dataset for measuring the monitoring dashboards
//! (issue 5, "Scale"): `lentera demo --scale national` and the
//! `bench_monitoring generate` benchmark. It lives in the store because it
//! writes bulk SQL, which nothing outside this crate may do.
//!
//! A library in every village of the region tree (83,762); 10,000 of them
//! active with five years (2021-01 … 2025-12) of daily work: the collection,
//! members, one guest-book group row per opening day, a few loans per
//! opening day, one or two activity reports a month with their participant
//! grid; 2,400 of the active ones with three 2025 work plans each in mixed
//! statuses. Everything is deterministic (hashes of the library's position,
//! no clock, no random source), so two runs give the same figures.
//!
//! Speed: rows go in as multi-row `INSERT … VALUES` statements of literal
//! values (every value is generated here; text is quoted), a few hundred
//! libraries per transaction, with no per-row audit. The figure triggers of
//! the monitoring engine are paused for the load (`figures::pause`) and
//! the rollups are recomputed once at the end (`figures::rebuild`): one
//! grouped pass is far cheaper than ~60 trigger upserts per guest-book row.
//!
//! `--active-within <region>` keeps only the active libraries that fall in
//! one region, spaced exactly as in the national set: the region then has
//! the national density of data (for benchmarks of its district and
//! province views) while the load is a fraction of the full one.

use crate::monitoring::figures;
use crate::{Backend, Db, DbConn, StoreError, StoreResult, meta, regions, write_tx};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use lentera_core::regions::{Region, RegionCode, RegionTree, VillageKind};
use lentera_core::text::search_key;
use lentera_core::visits::TimeZone;
use std::fmt::Write as _;
use std::time::Instant;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Progress lines for the operator (the CLI prints them).
pub type Say<'a> = &'a (dyn Fn(String) + Sync);

macro_rules! say {
    ($say:expr, $($arg:tt)*) => { ($say)(format!($($arg)*)) };
}

/// Options of the national dataset (defaults: the sizes).
#[derive(Clone, Debug)]
pub struct NationalArgs {
    /// Libraries with five years of daily work.
    pub active: usize,
    /// Active libraries that also have three work plans.
    pub with_workplans: usize,
    /// Load only the active libraries inside this region (same spacing as
    /// the national set), to measure at national density on a smaller load.
    pub active_within: Option<String>,
    /// Years of daily work, first and last.
    pub from_year: i32,
    pub to_year: i32,
}

impl Default for NationalArgs {
    fn default() -> Self {
        NationalArgs {
            active: 10_000,
            with_workplans: 2_400,
            active_within: None,
            from_year: 2021,
            to_year: 2025,
        }
    }
}

/// Rows per `INSERT` statement.
const ROWS_PER_STATEMENT: usize = 800;
/// Active libraries per transaction.
const LIBRARIES_PER_TX: usize = 100;

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0..n
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    /// Picks by weights (percent-like integers).
    fn weighted<'a>(&mut self, choices: &[(&'a str, u64)]) -> &'a str {
        let total: u64 = choices.iter().map(|c| c.1).sum();
        let mut x = self.below(total);
        for (v, w) in choices {
            if x < *w {
                return v;
            }
            x -= w;
        }
        choices[0].0
    }
}

/// A UUID-shaped id, ordered by `n` within a table (`tag`), so the primary
/// key index is appended to rather than split at random.
fn id(tag: u16, n: u64) -> String {
    format!("0190{tag:04x}-0000-7000-8000-{n:012x}")
}

/// SQL text literal.
fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn date(d: NaiveDate) -> String {
    format!("'{}'", d.format("%Y-%m-%d"))
}

/// A UTC timestamp for `hour` o'clock local time on day `d`.
fn at(d: NaiveDate, hour: i64, tz_hours: i64) -> String {
    let t = d.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::hours(hour - tz_hours);
    format!("'{}'", t.format("%Y-%m-%d %H:%M:%S"))
}

/// Rows of one table, flushed as multi-row INSERTs.
struct Batch {
    head: &'static str,
    sql: String,
    rows: usize,
    total: u64,
}

impl Batch {
    fn new(head: &'static str) -> Batch {
        Batch {
            head,
            sql: String::new(),
            rows: 0,
            total: 0,
        }
    }

    /// Adds a row; [`Tables::maybe_flush`] sends it (in foreign-key order).
    fn row(&mut self, _conn: &mut DbConn, values: std::fmt::Arguments<'_>) -> Result<()> {
        if self.rows == 0 {
            self.sql.push_str(self.head);
            self.sql.push_str(" VALUES (");
        } else {
            self.sql.push_str(", (");
        }
        self.sql.write_fmt(values)?;
        self.sql.push(')');
        self.rows += 1;
        self.total += 1;
        Ok(())
    }

    fn flush(&mut self, conn: &mut DbConn) -> Result<()> {
        if self.rows > 0 {
            diesel::sql_query(&self.sql)
                .execute(conn)
                .map_err(|e| format!("{e} in {}", self.head))?;
            self.sql.clear();
            self.rows = 0;
        }
        Ok(())
    }
}

struct Tables {
    libraries: Batch,
    biblios: Batch,
    items: Batch,
    members: Batch,
    visits: Batch,
    loans: Batch,
    reports: Batch,
    participants: Batch,
    workplans: Batch,
    plan_activities: Batch,
}

impl Tables {
    fn new() -> Tables {
        Tables {
            libraries: Batch::new(
                "INSERT INTO libraries (id, kind, name, name_key, npp, village_code, address, \
                 latitude, longitude, phone, opening_hours, hours_per_day, staff_count, \
                 floor_area_m2, computers, has_internet, participation, cohort_year, active, \
                 created_at, updated_at)",
            ),
            biblios: Batch::new(
                "INSERT INTO biblios (id, library_id, title, authors, publisher, year, \
                 subjects, collection, title_key, created_at, updated_at)",
            ),
            items: Batch::new(
                "INSERT INTO items (id, library_id, biblio_id, barcode, status, source, \
                 acquired_on, created_at, updated_at)",
            ),
            members: Batch::new(
                "INSERT INTO members (id, library_id, member_no, full_name, name_key, \
                 member_type, gender, joined_on, active, created_at, updated_at)",
            ),
            visits: Batch::new(
                "INSERT INTO visits (id, library_id, visited_at, visit_date, group_name, \
                 males, females, age_group, purpose)",
            ),
            loans: Batch::new(
                "INSERT INTO loans (id, library_id, item_id, member_id, loaned_at, due_on, \
                 returned_at, renewals, fine, fine_paid)",
            ),
            reports: Batch::new(
                "INSERT INTO activity_reports (id, library_id, region_code, held_on, strategy, \
                 kind, title, participants, created_at, updated_at)",
            ),
            participants: Batch::new(
                "INSERT INTO activity_participants (report_id, gender, age_group, disability, \
                 count)",
            ),
            workplans: Batch::new(
                "INSERT INTO workplans (id, library_id, region_code, year, kind, title, goals, \
                 status, due_date, submitted_at, approved_at, submitted_late, version, \
                 created_at, updated_at)",
            ),
            plan_activities: Batch::new(
                "INSERT INTO workplan_activities (id, workplan_id, library_id, position, name, \
                 target_group, starts_on, ends_on, budget, budget_source, progress, created_at, \
                 updated_at)",
            ),
        }
    }

    /// In foreign-key order.
    fn flush(&mut self, conn: &mut DbConn) -> Result<()> {
        self.libraries.flush(conn)?;
        self.biblios.flush(conn)?;
        self.items.flush(conn)?;
        self.members.flush(conn)?;
        self.visits.flush(conn)?;
        self.loans.flush(conn)?;
        self.workplans.flush(conn)?;
        self.plan_activities.flush(conn)?;
        self.reports.flush(conn)?;
        self.participants.flush(conn)?;
        Ok(())
    }

    /// Sends every table once any holds a statement's worth: all of them,
    /// parents first, so no row arrives before the row it refers to.
    fn maybe_flush(&mut self, conn: &mut DbConn) -> Result<()> {
        let full = [
            &self.libraries,
            &self.biblios,
            &self.items,
            &self.members,
            &self.visits,
            &self.loans,
            &self.reports,
            &self.participants,
            &self.workplans,
            &self.plan_activities,
        ]
        .iter()
        .any(|b| b.rows >= ROWS_PER_STATEMENT);
        if full { self.flush(conn) } else { Ok(()) }
    }

    /// Adds another loader's row counts to these.
    fn add_totals(&mut self, o: &Tables) {
        self.biblios.total += o.biblios.total;
        self.items.total += o.items.total;
        self.members.total += o.members.total;
        self.visits.total += o.visits.total;
        self.loans.total += o.loans.total;
        self.reports.total += o.reports.total;
        self.participants.total += o.participants.total;
        self.workplans.total += o.workplans.total;
        self.plan_activities.total += o.plan_activities.total;
    }

    fn rows(&self) -> u64 {
        [
            &self.libraries,
            &self.biblios,
            &self.items,
            &self.members,
            &self.visits,
            &self.loans,
            &self.reports,
            &self.participants,
            &self.workplans,
            &self.plan_activities,
        ]
        .iter()
        .map(|b| b.total)
        .sum()
    }
}

/// Every village in code order.
fn villages(tree: &RegionTree) -> Vec<&Region> {
    let mut out = Vec::with_capacity(tree.len());
    for p in tree.roots() {
        for r in tree.children_of(&p.code) {
            for d in tree.children_of(&r.code) {
                out.extend(tree.children_of(&d.code));
            }
        }
    }
    out
}

const SYLLABLES: &[&str] = &[
    "ra", "su", "wi", "da", "lu", "ni", "ba", "yo", "ti", "ka", "me", "sa", "na", "di", "ha", "ri",
];
const ENDINGS: &[&str] = &["an", "ah", "i", "o", "ti", "ni", "wan", "yah"];

/// An invented two-word name (no real person's).
fn person(r: &mut Rng) -> String {
    let word = |r: &mut Rng| {
        let mut w = String::new();
        for _ in 0..(1 + r.below(2)) {
            w.push_str(SYLLABLES[r.below(SYLLABLES.len() as u64) as usize]);
        }
        w.push_str(ENDINGS[r.below(ENDINGS.len() as u64) as usize]);
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    };
    format!("{} {}", word(r), word(r))
}

const STRATEGIES: &[&str] = &["layanan_informasi", "pelibatan_masyarakat", "advokasi"];
const KINDS: &[&str] = &[
    "pelatihan_keterampilan",
    "literasi_anak",
    "layanan_internet",
    "pendampingan_usaha",
    "klub_baca",
    "pameran",
    "sosialisasi",
];
const AGES: &[(&str, u64)] = &[("anak", 35), ("remaja", 25), ("dewasa", 30), ("lansia", 10)];
const PURPOSES: &[(&str, u64)] = &[
    ("membaca", 40),
    ("meminjam", 20),
    ("belajar", 15),
    ("internet", 10),
    ("kegiatan", 10),
    ("lainnya", 5),
];

/// Running id counters, one per table.
struct Counters {
    biblio: u64,
    item: u64,
    member: u64,
    visit: u64,
    loan: u64,
    report: u64,
    plan: u64,
    plan_activity: u64,
}

impl Counters {
    fn starting_at(base: u64) -> Counters {
        Counters {
            biblio: base,
            item: base,
            member: base,
            visit: base,
            loan: base,
            report: base,
            plan: base,
            plan_activity: base,
        }
    }
}

/// Fills the database once; a second run says so and changes nothing.
pub fn fill(db: &Db, args: &NationalArgs, say: Say<'_>) -> StoreResult<()> {
    fill_boxed(db, args, say).map_err(|e| match e.downcast::<StoreError>() {
        Ok(e) => *e,
        Err(e) => StoreError::Data(e.to_string()),
    })
}

fn fill_boxed(db: &Db, args: &NationalArgs, say: Say<'_>) -> Result<()> {
    let started = Instant::now();
    let mut conn = db.conn()?;
    if meta::get(&mut conn, "demo_national")?.is_some() {
        say!(
            say,
            "Data skala nasional sudah ada. The national dataset is already loaded."
        );
        return Ok(());
    }
    if args.to_year < args.from_year {
        return Err("--to-year is before --from-year".into());
    }
    let within = match &args.active_within {
        Some(c) => Some(RegionCode::parse(c).map_err(|_| format!("bad region {c}"))?),
        None => None,
    };
    if db.backend() == Backend::Sqlite {
        // A bigger page cache for the load only (this connection).
        conn.batch_execute("PRAGMA cache_size = -262144;")?;
    }
    let tree = regions::tree(&mut conn)?;
    let all = villages(&tree);
    // Villages that already have a library (e.g. the small demo) keep it.
    let taken: std::collections::HashSet<String> = {
        use crate::schema::libraries;
        use diesel::prelude::*;
        libraries::table
            .select(libraries::village_code)
            .load::<String>(&mut *conn)?
            .into_iter()
            .collect()
    };
    // The active libraries: evenly spaced over the nation in code order.
    let n = all.len();
    let active_n = args.active.min(n);
    let mut active: Vec<usize> = (0..active_n).map(|i| i * n / active_n.max(1)).collect();
    // The ones with work plans: evenly spaced among the active ones.
    let plans_n = args.with_workplans.min(active_n);
    let with_plans: std::collections::HashSet<usize> = (0..plans_n)
        .map(|i| active[i * active_n / plans_n.max(1)])
        .collect();
    if let Some(w) = &within {
        active.retain(|i| all[*i].code.is_within(w));
    }
    active.retain(|i| !taken.contains(all[*i].code.as_str()));
    say!(
        say,
        "Skala nasional / national scale: {} villages, {} active libraries{} ({} with work plans), {}–{}",
        n,
        active.len(),
        within
            .as_ref()
            .map(|w| format!(" within {w}"))
            .unwrap_or_default(),
        active.iter().filter(|i| with_plans.contains(i)).count(),
        args.from_year,
        args.to_year
    );

    figures::pause(&mut conn)?;
    let mut t = Tables::new();

    // 1. A library in every village.
    let step = Instant::now();
    write_tx(&mut conn, |c| -> Result<()> {
        for (i, v) in all.iter().enumerate() {
            if taken.contains(v.code.as_str()) {
                continue;
            }
            library_row(c, &mut t, i, v)?;
            t.maybe_flush(c)?;
        }
        t.flush(c)
    })?;
    say!(
        say,
        "  {} libraries in {:.1} s",
        t.libraries.total,
        step.elapsed().as_secs_f64()
    );

    // 2. The daily work of the active ones. PostgreSQL takes two loaders
    // on their own connections (the server parses and inserts on one core
    // per connection); SQLite has one writer at a time, so one loader.
    let step = Instant::now();
    let workers: usize = if db.backend() == Backend::Postgres {
        2
    } else {
        1
    };
    let chunks: Vec<&[usize]> = active.chunks(LIBRARIES_PER_TX).collect();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let totals: Vec<Result<Tables>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let (chunks, done, all, with_plans, active_len) =
                    (&chunks, &done, &all, &with_plans, active.len());
                s.spawn(move || -> Result<Tables> {
                    let mut c = db.conn()?;
                    if db.backend() == Backend::Postgres {
                        // A lost tail on a crash only loses generated rows.
                        c.batch_execute("SET synchronous_commit = off")?;
                    }
                    let mut t = Tables::new();
                    // Id ranges apart per loader (ids are 48-bit counters).
                    let base = (w as u64) << 40;
                    let mut ids = Counters::starting_at(base);
                    for chunk in chunks.iter().skip(w).step_by(workers) {
                        write_tx(&mut c, |c| -> Result<()> {
                            for &i in *chunk {
                                daily_work(
                                    c,
                                    &mut t,
                                    &mut ids,
                                    i,
                                    all[i],
                                    with_plans.contains(&i),
                                    args,
                                )?;
                                t.maybe_flush(c)?;
                            }
                            t.flush(c)
                        })?;
                        let libs = done
                            .fetch_add(chunk.len(), std::sync::atomic::Ordering::Relaxed)
                            + chunk.len();
                        let secs = step.elapsed().as_secs_f64();
                        if libs % (5 * LIBRARIES_PER_TX) < chunk.len() * workers
                            || libs == active_len
                        {
                            say!(
                                say,
                                "  {libs}/{active_len} active libraries, {:.0} s, ETA {:.0} s",
                                secs,
                                secs / libs as f64 * (active_len - libs) as f64
                            );
                        }
                    }
                    Ok(t)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("a loader panicked".into())))
            .collect()
    });
    for part in totals {
        t.add_totals(&part?);
    }
    say!(
        say,
        "  rows: {} biblios, {} items, {} members, {} visits, {} loans, {} activity reports, {} participant cells, {} work plans, {} plan activities ({:.0} rows/s)",
        t.biblios.total,
        t.items.total,
        t.members.total,
        t.visits.total,
        t.loans.total,
        t.reports.total,
        t.participants.total,
        t.workplans.total,
        t.plan_activities.total,
        t.rows() as f64 / step.elapsed().as_secs_f64().max(0.001)
    );
    let load_secs = step.elapsed().as_secs_f64();

    // 3. The live figures, recomputed once from the records.
    let step = Instant::now();
    if db.backend() == Backend::Postgres {
        // The rebuild is a few grouped passes over every record: memory
        // for the hash tables instead of sorts spilled to disk.
        conn.batch_execute("SET work_mem = '1GB'; SET synchronous_commit = off")?;
    }
    let cells = figures::rebuild(&mut conn)?;
    let rebuild_secs = step.elapsed().as_secs_f64();
    say!(
        say,
        "  figures rebuilt: {cells} library figure rows in {rebuild_secs:.1} s"
    );
    // Fresh planner statistics for the first queries.
    conn.batch_execute("ANALYZE")?;
    meta::set(
        &mut conn,
        "demo_national",
        &format!("{} libraries, {} active", t.libraries.total, active.len()),
    )?;
    say!(
        say,
        "Selesai / done in {:.1} s (load {:.1} s, figures {:.1} s, {} rows).",
        started.elapsed().as_secs_f64(),
        load_secs,
        rebuild_secs,
        t.rows()
    );
    Ok(())
}

fn library_row(c: &mut DbConn, t: &mut Tables, i: usize, v: &Region) -> Result<()> {
    let h = Rng::new(i as u64).next();
    let kind = if v.code.village_kind() == Some(VillageKind::Kelurahan) {
        "kelurahan"
    } else {
        "desa"
    };
    let name = format!(
        "Perpustakaan {} {}",
        if kind == "desa" { "Desa" } else { "Kelurahan" },
        v.display_name()
    );
    let coord = |x: Option<f64>| x.map(|x| format!("{x:.6}")).unwrap_or("NULL".into());
    t.libraries.row(
        c,
        format_args!(
            "{}, '{kind}', {}, {}, NULL, '{}', {}, {}, {}, '0812{:08}', {}, {}, {}, {}, {}, {}, '{}', {}, TRUE, '2020-12-01 00:00:00', '2020-12-01 00:00:00'",
            q(&id(1, i as u64)),
            q(&name),
            q(&search_key(&name)),
            v.code,
            q(&format!("Jl. Balai Desa No. {}", 1 + h % 40)),
            coord(v.latitude),
            coord(v.longitude),
            h % 100_000_000,
            q(if h.is_multiple_of(4) {
                "Senin–Sabtu 08.00–15.00"
            } else {
                "Senin–Jumat 08.00–14.00"
            }),
            if h.is_multiple_of(4) { 7 } else { 6 },
            1 + h % 4,
            24 + h % 60,
            h % 3,
            if h.is_multiple_of(5) { "TRUE" } else { "FALSE" },
            if h.is_multiple_of(3) { "full_support" } else { "book_aid" },
            2018 + (h % 7) as i32,
        ),
    )
}

fn daily_work(
    c: &mut DbConn,
    t: &mut Tables,
    ids: &mut Counters,
    i: usize,
    v: &Region,
    with_plans: bool,
    args: &NationalArgs,
) -> Result<()> {
    let mut r = Rng::new(0xA11CE ^ i as u64);
    let lib = q(&id(1, i as u64));
    let village = v.code.as_str().to_string();
    let tz = TimeZone::of_region(&v.code).offset_hours();
    let first = NaiveDate::from_ymd_opt(args.from_year, 1, 1).ok_or("bad year")?;
    let last = NaiveDate::from_ymd_opt(args.to_year, 12, 31).ok_or("bad year")?;
    let days = (last - first).num_days() + 1;
    let before = first - Duration::days(20);

    // Collection: about 40% there at the start, the rest catalogued over
    // the years. Items are kept sorted by date so a loan can draw from
    // what was on the shelf that day.
    let titles = 300 + r.below(900);
    let mut item_days: Vec<(NaiveDate, String)> = Vec::new();
    for b in 0..titles {
        let day = if r.below(10) < 4 {
            before
        } else {
            first + Duration::days(r.below(days as u64) as i64)
        };
        ids.biblio += 1;
        let bid = id(2, ids.biblio);
        let title = format!("Bacaan {} Jilid {}", SYLLABLES[(b % 16) as usize], b + 1);
        t.biblios.row(
            c,
            format_args!(
                "'{bid}', {lib}, {}, 'Penulis {}', 'Penerbit Nusantara', {}, '', 'umum', {}, {}, {}",
                q(&title),
                b % 97,
                2000 + b % 25,
                q(&search_key(&title)),
                at(day, 9, tz),
                at(day, 9, tz)
            ),
        )?;
        for copy in 0..(1 + u64::from(r.below(4) == 0)) {
            ids.item += 1;
            let iid = id(3, ids.item);
            let status = if r.below(100) == 0 {
                "lost"
            } else {
                "available"
            };
            t.items.row(
                c,
                format_args!(
                    "'{iid}', {lib}, '{bid}', 'B{:06}{}', '{status}', 'bantuan', {}, {}, {}",
                    b + 1,
                    copy,
                    date(day),
                    at(day, 9, tz),
                    at(day, 9, tz)
                ),
            )?;
            if status == "available" {
                item_days.push((day, iid));
            }
        }
    }
    item_days.sort();

    // Members join through the years.
    let n_members = 80 + r.below(320);
    let mut member_days: Vec<(NaiveDate, String)> = Vec::with_capacity(n_members as usize);
    for m in 0..n_members {
        let day = first + Duration::days(r.below(days as u64) as i64);
        ids.member += 1;
        let mid = id(4, ids.member);
        let name = person(&mut r);
        let gender = if r.below(100) < 55 { "P" } else { "L" };
        let mtype = if r.below(3) == 0 { "pelajar" } else { "umum" };
        t.members.row(
            c,
            format_args!(
                "'{mid}', {lib}, 'A{:05}', {}, {}, '{mtype}', '{gender}', {}, TRUE, {}, {}",
                m + 1,
                q(&name),
                q(&search_key(&name)),
                date(day),
                at(day, 10, tz),
                at(day, 10, tz)
            ),
        )?;
        member_days.push((day, mid));
    }
    member_days.sort();

    // Opening days: one guest-book group row, and a few loans.
    let opening_hours_weekday_only = r.below(4) != 0;
    let mut day = first;
    while day <= last {
        let closed = day.weekday() == Weekday::Sun
            || (opening_hours_weekday_only && day.weekday() == Weekday::Sat)
            || r.below(25) == 0;
        if !closed {
            ids.visit += 1;
            // Busier in school holidays (June–July, December).
            let busy = matches!(day.month(), 6 | 7 | 12) as u64;
            let males = r.below(6 + 2 * busy);
            let females = r.below(7 + 2 * busy);
            if males + females > 0 {
                t.visits.row(
                    c,
                    format_args!(
                        "'{}', {lib}, {}, {}, 'Buku tamu harian', {males}, {females}, '{}', '{}'",
                        id(5, ids.visit),
                        at(day, 11, tz),
                        date(day),
                        r.weighted(AGES),
                        r.weighted(PURPOSES)
                    ),
                )?;
            }
            let shelf = item_days.partition_point(|(d, _)| *d <= day);
            let joined = member_days.partition_point(|(d, _)| *d <= day);
            if shelf > 0 && joined > 0 {
                for k in 0..r.below(4) {
                    ids.loan += 1;
                    let item = &item_days[r.below(shelf as u64) as usize].1;
                    let member = &member_days[r.below(joined as u64) as usize].1;
                    let back = day + Duration::days(2 + r.below(12) as i64);
                    let late = (back - day).num_days() > 7;
                    t.loans.row(
                        c,
                        format_args!(
                            "'{}', {lib}, '{item}', '{member}', {}, {}, {}, 0, {}, {}",
                            id(6, ids.loan),
                            at(day, 9 + k as i64, tz),
                            date(day + Duration::days(7)),
                            at(back, 10, tz),
                            if late {
                                500 * ((back - day).num_days() - 7)
                            } else {
                                0
                            },
                            if late { "TRUE" } else { "FALSE" }
                        ),
                    )?;
                }
            }
        }
        day += Duration::days(1);
    }

    // One or two activities a month, each with its participant grid.
    let mut month = first;
    while month <= last {
        for _ in 0..(1 + r.below(2)) {
            ids.report += 1;
            let rid = id(7, ids.report);
            let held = month + Duration::days(r.below(27) as i64);
            let strategy = STRATEGIES[r.below(3) as usize];
            let kind = KINDS[r.below(KINDS.len() as u64) as usize];
            let mut total = 0u64;
            let mut cells = Vec::new();
            for (g, a) in [
                ("L", "anak"),
                ("P", "anak"),
                ("L", "dewasa"),
                ("P", "dewasa"),
            ] {
                if r.below(4) == 0 {
                    continue;
                }
                let n = 1 + r.below(12);
                total += n;
                cells.push((g, a, false, n));
            }
            if r.below(5) == 0 {
                cells.push(("P", "dewasa", true, 1));
                total += 1;
            }
            t.reports.row(
                c,
                format_args!(
                    "'{rid}', {lib}, '{village}', {}, '{strategy}', '{kind}', {}, {total}, {}, {}",
                    date(held),
                    q(&format!(
                        "Kegiatan {} {}",
                        kind.replace('_', " "),
                        held.format("%m/%Y")
                    )),
                    at(held, 15, tz),
                    at(held, 15, tz)
                ),
            )?;
            for (g, a, dis, n) in cells {
                t.participants.row(
                    c,
                    format_args!(
                        "'{rid}', '{g}', '{a}', {}, {n}",
                        if dis { "TRUE" } else { "FALSE" }
                    ),
                )?;
            }
        }
        month = if month.month() == 12 {
            NaiveDate::from_ymd_opt(month.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(month.year(), month.month() + 1, 1)
        }
        .ok_or("month")?;
    }

    // Three work plans for the last year, in mixed statuses.
    if with_plans {
        let year = args.to_year;
        let jan = NaiveDate::from_ymd_opt(year, 1, 1).ok_or("year")?;
        for (k, strategy) in STRATEGIES.iter().enumerate() {
            ids.plan += 1;
            let pid = id(8, ids.plan);
            let status = r.weighted(&[
                ("approved", 55),
                ("submitted", 20),
                ("revision_requested", 10),
                ("draft", 15),
            ]);
            let submitted =
                (status != "draft").then(|| jan + Duration::days(10 + r.below(40) as i64));
            let approved = (status == "approved")
                .then(|| submitted.unwrap_or(jan) + Duration::days(3 + r.below(20) as i64));
            let opt_at = |d: Option<NaiveDate>| d.map(|d| at(d, 10, tz)).unwrap_or("NULL".into());
            let title = format!("Rencana Kerja {} {year}", strategy.replace('_', " "));
            t.workplans.row(
                c,
                format_args!(
                    "'{pid}', {lib}, '{village}', {year}, '{strategy}', {}, 'Meningkatkan literasi warga desa', '{status}', {}, {}, {}, {}, 1, {}, {}",
                    q(&title),
                    date(jan + Duration::days(30)),
                    opt_at(submitted),
                    opt_at(approved),
                    if submitted.is_some_and(|d| d > jan + Duration::days(30)) { "TRUE" } else { "FALSE" },
                    at(jan, 9, tz),
                    at(jan, 9, tz),
                ),
            )?;
            for pos in 0..4u64 {
                ids.plan_activity += 1;
                let start =
                    jan + Duration::days((pos as i64) * 80 + k as i64 * 7 + r.below(20) as i64);
                let end = start + Duration::days(1 + r.below(30) as i64);
                let progress = if status == "approved" {
                    r.weighted(&[
                        ("done", 45),
                        ("under_way", 25),
                        ("planned", 20),
                        ("cancelled", 10),
                    ])
                } else {
                    "planned"
                };
                t.plan_activities.row(
                    c,
                    format_args!(
                        "'{}', '{pid}', {lib}, {}, {}, 'Warga desa', {}, {}, {}, 'apbdes', '{progress}', {}, {}",
                        id(9, ids.plan_activity),
                        pos + 1,
                        q(&format!("{} {}", KINDS[((pos + k as u64) % 7) as usize].replace('_', " "), pos + 1)),
                        date(start),
                        date(end),
                        1_000_000 + 250_000 * r.below(8),
                        at(jan, 9, tz),
                        at(jan, 9, tz),
                    ),
                )?;
            }
        }
    }
    Ok(())
}

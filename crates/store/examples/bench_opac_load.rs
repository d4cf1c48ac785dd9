//! Loads make_catalog.py's JSON Lines straight into an SQLite database for
//! the public-catalogue benchmark (search over HTTP against `lentera serve`):
//! one record per line, spread round-robin over the database's active
//! libraries (the union catalogue of a central server), one copy each (every
//! tenth on loan), and the `catalog_changes` rows a real write leaves, so the
//! index sync sees what an import would leave behind.
//!
//!     lentera demo --data-dir /tmp/opac1m          # libraries + regions
//!     cargo run --release -p lentera-store --example bench_opac_load -- \
//!         /tmp/opac1m/lentera.db /tmp/cat1m.jsonl
//!     lentera index sync --data-dir /tmp/opac1m     # or: index rebuild
//!
//! This is a loader for benchmarks, not the import: it skips validation,
//! MARC and the audit trail (see `lentera catalog import` for those).

use diesel::prelude::*;
use lentera_store::schema::{biblios, catalog_changes, items, libraries};
use lentera_store::{DbConn, Target, now};
use std::io::BufRead;
use std::time::Instant;

const CHUNK: usize = 400;
const TX_ROWS: usize = 50_000;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(db_path), Some(jsonl)) = (args.next(), args.next()) else {
        eprintln!("usage: bench_opac_load DB.sqlite CATALOG.jsonl");
        std::process::exit(2);
    };
    let db = lentera_store::Db::open(&Target::Sqlite(db_path.into())).expect("open db");
    let mut conn = db.conn().expect("conn");
    let libs: Vec<String> = libraries::table
        .filter(libraries::active.eq(true))
        .order(libraries::id.asc())
        .select(libraries::id)
        .load(&mut *conn)
        .expect("libraries");
    assert!(!libs.is_empty(), "no libraries: run `lentera demo` first");
    let file = std::io::BufReader::new(std::fs::File::open(&jsonl).expect("catalogue"));
    let started = Instant::now();
    let t = now();
    let mut n = 0usize;
    let mut bib = Vec::with_capacity(CHUNK);
    let mut its = Vec::with_capacity(CHUNK);
    let mut chg = Vec::with_capacity(CHUNK);
    let DbConn::Sqlite(c) = &mut *conn else {
        panic!("SQLite only");
    };
    diesel::sql_query("BEGIN").execute(c).unwrap();
    let flush =
        |c: &mut diesel::SqliteConnection, bib: &mut Vec<_>, its: &mut Vec<_>, chg: &mut Vec<_>| {
            diesel::insert_into(biblios::table)
                .values(std::mem::take(bib))
                .execute(c)
                .unwrap();
            diesel::insert_into(items::table)
                .values(std::mem::take(its))
                .execute(c)
                .unwrap();
            diesel::insert_into(catalog_changes::table)
                .values(std::mem::take(chg))
                .execute(c)
                .unwrap();
        };
    for line in file.lines() {
        let line = line.unwrap();
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
        let list = |k: &str| {
            v[k].as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default()
        };
        let gen_id = v["id"].as_u64().unwrap();
        let id = uuid::Uuid::now_v7().to_string();
        let lib = libs[n % libs.len()].clone();
        let title = s("title");
        let subtitle = s("subtitle");
        let ddc = s("ddc");
        bib.push((
            biblios::id.eq(id.clone()),
            biblios::library_id.eq(lib.clone()),
            biblios::title_key.eq(title.to_lowercase()),
            biblios::title.eq(title),
            biblios::subtitle.eq((!subtitle.is_empty()).then_some(subtitle)),
            biblios::authors.eq(list("authors")),
            biblios::publisher.eq(Some(s("publisher"))),
            biblios::year.eq(v["year"].as_i64().map(|y| y as i32)),
            biblios::isbn.eq(v["isbn13"].as_str().map(str::to_string)),
            biblios::language.eq(Some(s("language"))),
            biblios::ddc.eq(Some(ddc.clone())),
            biblios::subjects.eq(list("subjects")),
            biblios::collection.eq(s("collection")),
            biblios::control_number.eq(Some(format!("GEN{gen_id}"))),
            biblios::created_at.eq(t),
            biblios::updated_at.eq(t),
        ));
        its.push((
            items::id.eq(uuid::Uuid::now_v7().to_string()),
            items::library_id.eq(lib.clone()),
            items::biblio_id.eq(id.clone()),
            items::barcode.eq(format!("G{gen_id}")),
            items::call_number.eq(Some(ddc)),
            items::location.eq(Some("Rak umum".to_string())),
            items::status.eq(if gen_id.is_multiple_of(10) {
                "on_loan"
            } else {
                "available"
            }),
            items::created_at.eq(t),
            items::updated_at.eq(t),
        ));
        chg.push((
            catalog_changes::biblio_id.eq(id),
            catalog_changes::library_id.eq(lib),
            catalog_changes::changed_at.eq(t),
        ));
        n += 1;
        if bib.len() == CHUNK {
            flush(c, &mut bib, &mut its, &mut chg);
        }
        if n.is_multiple_of(TX_ROWS) {
            diesel::sql_query("COMMIT").execute(c).unwrap();
            diesel::sql_query("BEGIN").execute(c).unwrap();
            eprint!(
                "\r{n} records, {:.0} rec/s   ",
                n as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    if !bib.is_empty() {
        flush(c, &mut bib, &mut its, &mut chg);
    }
    diesel::sql_query("COMMIT").execute(c).unwrap();
    eprintln!(
        "\nloaded {n} records into {} libraries in {:.1} s",
        libs.len(),
        started.elapsed().as_secs_f64()
    );
}

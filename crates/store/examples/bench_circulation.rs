//! Checkout + return latency and sustained throughput, store level, on
//! SQLite and PostgreSQL, with 1 and 8 concurrent desks.
//!
//!     cargo run --release -p lentera-store --example bench_circulation [seconds]
//!
//! Each desk lends and takes back its own items (so nothing is refused and
//! every operation is a full write transaction: member row lock, rule
//! lookup, calendar, guarded item flip, loan insert, index feed, audit).
//! PostgreSQL is `LENTERA_TEST_DATABASE_URL` (default
//! postgres://postgres@127.0.0.1:5432/test); unreachable means skipped.

use chrono::NaiveDate;
use diesel::prelude::*;
use lentera_core::audit::ActorRef;
use lentera_core::circulation::{LoanRule, MemberDraft, MemberForm};
use lentera_core::libraries::{LibraryDraft, LibraryForm};
use lentera_store::circulation as circ;
use lentera_store::schema::{biblios, items};
use lentera_store::{Backend, Db, libraries, now, regions, testing};
use std::time::{Duration, Instant};

const ITEMS_PER_DESK: usize = 200;
const DESKS: usize = 8;

fn setup(db: &Db) -> (lentera_core::ids::LibraryId, Vec<String>, Vec<Vec<String>>) {
    let mut c = db.conn().unwrap();
    let by = ActorRef::system("bench");
    let tree = regions::tree(&mut c).unwrap();
    let lib = libraries::create(
        &mut c,
        &by,
        &LibraryDraft::parse(
            &LibraryForm {
                kind: "desa".into(),
                name: "Perpustakaan Bench".into(),
                village_code: "3520012001".into(),
                ..Default::default()
            },
            &tree,
            2026,
        )
        .unwrap(),
    )
    .unwrap()
    .id;
    circ::save_rule(
        &mut c,
        &by,
        lib,
        &LoanRule {
            member_type: "*".into(),
            collection: "*".into(),
            loan_days: 7,
            max_loans: 1000,
            max_renewals: 1,
            fine_per_day: 0,
        },
    )
    .unwrap();
    let t = now();
    let bib = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(biblios::table)
        .values((
            biblios::id.eq(&bib),
            biblios::library_id.eq(lib.to_string()),
            biblios::title.eq("Buku Bench"),
            biblios::authors.eq(""),
            biblios::subjects.eq(""),
            biblios::collection.eq("umum"),
            biblios::title_key.eq("buku bench"),
            biblios::created_at.eq(t),
            biblios::updated_at.eq(t),
        ))
        .execute(&mut c)
        .unwrap();
    let mut desks = Vec::new();
    let mut members = Vec::new();
    for d in 0..DESKS {
        let mut codes = Vec::new();
        for i in 0..ITEMS_PER_DESK {
            let code = format!("X{d}{i:05}");
            diesel::insert_into(items::table)
                .values((
                    items::id.eq(uuid::Uuid::now_v7().to_string()),
                    items::library_id.eq(lib.to_string()),
                    items::biblio_id.eq(&bib),
                    items::barcode.eq(&code),
                    items::status.eq("available"),
                    items::created_at.eq(t),
                    items::updated_at.eq(t),
                ))
                .execute(&mut c)
                .unwrap();
            codes.push(code);
        }
        desks.push(codes);
        let f = MemberForm {
            full_name: format!("Anggota {d}"),
            gender: "L".into(),
            ..Default::default()
        };
        let day = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
        let draft = MemberDraft::parse(&f, &tree, None, day).unwrap();
        members.push(
            circ::create_member(&mut c, &by, lib, &draft, day)
                .unwrap()
                .id,
        );
    }
    (lib, members, desks)
}

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i].as_secs_f64() * 1000.0
}

fn run(db: &Db, backend: &str, desks: usize, secs: u64) {
    let (lib, members, codes) = setup(db);
    let day = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let results: Vec<(Vec<Duration>, Vec<Duration>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..desks)
            .map(|d| {
                let db = db.clone();
                let member = members[d].clone();
                let codes = codes[d].clone();
                s.spawn(move || {
                    let mut c = db.conn().unwrap();
                    let by = ActorRef::system("bench");
                    let (mut co, mut re) = (Vec::new(), Vec::new());
                    let mut i = 0;
                    while Instant::now() < deadline {
                        let code = &codes[i % codes.len()];
                        let t = Instant::now();
                        circ::checkout(&mut c, &by, lib, &member, code, day)
                            .unwrap()
                            .unwrap();
                        co.push(t.elapsed());
                        let t = Instant::now();
                        circ::return_item(&mut c, &by, lib, code, day)
                            .unwrap()
                            .unwrap();
                        re.push(t.elapsed());
                        i += 1;
                    }
                    (co, re)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    let mut co: Vec<Duration> = results.iter().flat_map(|r| r.0.clone()).collect();
    let mut re: Vec<Duration> = results.iter().flat_map(|r| r.1.clone()).collect();
    let pairs = co.len();
    println!(
        "{backend:<8} desks={desks}  checkout p50 {:6.2} ms p99 {:6.2} ms | return p50 {:6.2} ms p99 {:6.2} ms | {:7.1} checkouts+returns/s ({pairs} pairs in {elapsed:.1} s)",
        pct(&mut co, 0.50),
        pct(&mut co, 0.99),
        pct(&mut re, 0.50),
        pct(&mut re, 0.99),
        pairs as f64 / elapsed,
    );
}

fn main() {
    let secs: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    for (backend, name) in [(Backend::Sqlite, "sqlite"), (Backend::Postgres, "postgres")] {
        for desks in [1, 8] {
            // A fresh database per run, so runs do not warm each other.
            match testing::fresh(backend) {
                Some(t) => run(&t.db, name, desks, secs),
                None => println!("{name}: unavailable, skipped"),
            }
        }
    }
}

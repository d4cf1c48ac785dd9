//! Demo catalogue: realistic Indonesian records with their items.
//!
//! Records come from `data/demo/catalog.jsonl` (see `data/demo/SOURCE.md`),
//! compiled into the binary. The Magetan library (first) and Balai Sebut
//! (second) get 300 records each with 1–3 items; every other library a
//! couple of dozen with one item. Everything is derived from the record
//! number, so every run gives the same catalogue — and the same barcodes:
//! Magetan's items are B000001, B000002, … in record order, which the
//! browser tests of circulation scan.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use lentera_core::catalog::{BiblioDraft, BiblioForm, ItemDraft, ItemStatus};
use lentera_core::ids::LibraryId;
use lentera_store::catalog;
use lentera_store::{DbConn, write_tx};

const DATA: &str = include_str!("../../../../data/demo/catalog.jsonl");

/// Records for each of the first two libraries.
const MAIN_RECORDS: usize = 300;
/// Records for every other library.
const OTHER_RECORDS: usize = 24;

/// One line of the data file as a catalogue form.
fn form(line: &str) -> Result<BiblioForm> {
    let v: serde_json::Value = serde_json::from_str(line).context("demo catalogue line")?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    let list = |k: &str| {
        v.get(k)
            .and_then(|x| x.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    };
    let place = match s("publisher").as_str() {
        "Erlangga" | "Balai Pustaka" | "Bumi Aksara" | "Gramedia Pustaka Utama" => "Jakarta",
        "Andi" | "Deepublish" | "Pustaka Pelajar" | "Kanisius" => "Yogyakarta",
        "Mizan" => "Bandung",
        "Jaya Baya" => "Surabaya",
        _ => "",
    };
    Ok(BiblioForm {
        title: s("title"),
        subtitle: s("subtitle"),
        authors: list("authors"),
        publisher: s("publisher"),
        place: place.into(),
        year: v
            .get("year")
            .and_then(|y| y.as_i64())
            .map(|y| y.to_string())
            .unwrap_or_default(),
        isbn: s("isbn13"),
        language: s("language"),
        ddc: s("ddc"),
        subjects: list("subjects"),
        collection: s("collection"),
        ..Default::default()
    })
}

/// Item details for copy `copy` of record number `n`.
fn item(n: usize, copy: usize, children: bool) -> ItemDraft {
    let (source, price) = match n % 10 {
        0 => ("Pembelian", 45_000 + (n % 7) as i64 * 10_000),
        1 if copy == 0 => ("Hadiah", 0),
        _ => ("Bantuan Perpusnas 2024", 35_000 + (n % 9) as i64 * 7_500),
    };
    let acquired = if source == "Bantuan Perpusnas 2024" {
        NaiveDate::from_ymd_opt(2024, 7, 17)
    } else {
        NaiveDate::from_ymd_opt(2023, 1 + (n % 12) as u32, 1 + (n % 28) as u32)
    };
    // A few books are at the binder's or missing, as on any real shelf;
    // never the first twenty, which the browser tests lend.
    let status = match (n >= 20, n % 37, copy) {
        (true, 5, 0) => ItemStatus::InRepair,
        (true, 11, 1) => ItemStatus::Lost,
        _ => ItemStatus::Available,
    };
    let location = if children {
        "Pojok anak".to_string()
    } else {
        format!("Rak {}", 1 + n % 6)
    };
    ItemDraft {
        barcode: None,
        call_number: None,
        location: Some(location),
        status: Some(status),
        source: Some(source.to_string()),
        acquired_on: acquired,
        price: (price > 0).then_some(price),
        notes: None,
    }
}

fn seed_library(
    conn: &mut DbConn,
    library: LibraryId,
    lines: &[&str],
    first: usize,
    count: usize,
    max_copies: usize,
) -> Result<usize> {
    let mut drafts = Vec::with_capacity(count);
    let mut copies = Vec::with_capacity(count);
    for k in 0..count {
        let n = (first + k) % lines.len();
        let f = form(lines[n])?;
        drafts.push(
            BiblioDraft::parse(&f, 2026)
                .map_err(|e| anyhow::anyhow!("demo record {}: {e:?}", n + 1))?,
        );
        let c = 1 + (n * 7 + 3) % max_copies.max(1);
        copies.push(
            (0..c)
                .map(|copy| item(n, copy, f.collection == "anak"))
                .collect::<Vec<_>>(),
        );
    }
    let records: Vec<catalog::NewRecord<'_>> = drafts
        .iter()
        .zip(copies)
        .map(|(draft, items)| catalog::NewRecord {
            draft,
            marc: None,
            items,
        })
        .collect();
    let items = records.iter().map(|r| r.items.len()).sum();
    // One statement per few hundred rows: the demo runs on every first
    // start, also against a remote PostgreSQL.
    write_tx(conn, |conn| catalog::insert_bulk(conn, library, &records))?;
    Ok(items)
}

/// `libraries`: every demo library, the Magetan one (where the demo manager
/// and staff work) first.
pub fn seed(conn: &mut DbConn, libraries: &[LibraryId]) -> Result<()> {
    let started = std::time::Instant::now();
    let lines: Vec<&str> = DATA.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut records = 0;
    let mut items = 0;
    for (i, lib) in libraries.iter().enumerate() {
        let (first, count, copies) = match i {
            0 => (0, MAIN_RECORDS, 3),
            1 => (MAIN_RECORDS, MAIN_RECORDS, 3),
            _ => (2 * MAIN_RECORDS + (i - 2) * OTHER_RECORDS, OTHER_RECORDS, 1),
        };
        items += seed_library(conn, *lib, &lines, first, count, copies)?;
        records += count;
    }
    tracing::info!(
        records,
        items,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "seeded the demo catalogue"
    );
    if let Some(first) = libraries.first() {
        let sample: Vec<String> = (1..=3)
            .filter_map(|n| {
                let code = lentera_core::catalog::Barcode::generated(n);
                let it = catalog::item_by_barcode(conn, *first, code.as_str()).ok()??;
                let b = catalog::get_biblio(conn, &it.biblio_id).ok()?;
                Some(format!("{code} ({})", b.title))
            })
            .collect();
        println!(
            "  Katalog demo: {records} judul, {items} eksemplar. Barcode eksemplar perpustakaan Magetan: B000001, B000002, … berurutan judul ({}).",
            sample.join(", ")
        );
    }
    Ok(())
}

//! Stock-taking sessions and their scans.
//!
//! A library has at most one open stock-take (a partial unique index). A
//! scan is one insert, idempotent per barcode, so a shelf scanned twice or a
//! batch re-sent after a dropped connection changes nothing. The report is
//! `lentera_core::catalog::stocktake::report` over the library's items and
//! the scans.

use crate::audit;
use crate::conn::{DbConn, write_tx};
use crate::error::{StoreError, StoreResult};
use crate::now;
use crate::schema::{biblios, items, loans, stocktake_scans, stocktakes};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use lentera_core::audit::{ActorRef, Change};
use lentera_core::catalog::ItemStatus;
use lentera_core::catalog::stocktake::{ItemOnRecord, StocktakeReport, report as compare};
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use serde::Serialize;
use std::collections::HashSet;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stocktake {
    pub id: String,
    pub library_id: String,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub started_by: Option<String>,
    pub note: Option<String>,
    /// Distinct barcodes scanned so far.
    pub scans: i64,
}

impl Stocktake {
    pub fn is_open(&self) -> bool {
        self.finished_at.is_none()
    }
}

/// Where the stock-take happens: the library and its village (for the
/// audit trail's reach).
#[derive(Debug, Clone)]
pub struct At<'a> {
    pub library: LibraryId,
    pub village: &'a RegionCode,
}

type Row = (
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<String>,
    Option<String>,
);

fn scan_count(conn: &mut DbConn, id: &str) -> StoreResult<i64> {
    Ok(stocktake_scans::table
        .filter(stocktake_scans::stocktake_id.eq(id))
        .count()
        .get_result(conn)?)
}

fn from_row(conn: &mut DbConn, r: Row) -> StoreResult<Stocktake> {
    let scans = scan_count(conn, &r.0)?;
    Ok(Stocktake {
        id: r.0,
        library_id: r.1,
        started_at: r.2,
        finished_at: r.3,
        started_by: r.4,
        note: r.5,
        scans,
    })
}

const COLUMNS: (
    stocktakes::id,
    stocktakes::library_id,
    stocktakes::started_at,
    stocktakes::finished_at,
    stocktakes::started_by,
    stocktakes::note,
) = (
    stocktakes::id,
    stocktakes::library_id,
    stocktakes::started_at,
    stocktakes::finished_at,
    stocktakes::started_by,
    stocktakes::note,
);

/// A stock-take of this library. Another library's answers `NotFound`.
pub fn get(conn: &mut DbConn, library: LibraryId, id: &str) -> StoreResult<Stocktake> {
    let row: Row = stocktakes::table
        .filter(stocktakes::id.eq(id))
        .filter(stocktakes::library_id.eq(library.to_string()))
        .select(COLUMNS)
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    from_row(conn, row)
}

/// The library's open stock-take, if any.
pub fn open_for(conn: &mut DbConn, library: LibraryId) -> StoreResult<Option<Stocktake>> {
    let row: Option<Row> = stocktakes::table
        .filter(stocktakes::library_id.eq(library.to_string()))
        .filter(stocktakes::finished_at.is_null())
        .select(COLUMNS)
        .first(conn)
        .optional()?;
    row.map(|r| from_row(conn, r)).transpose()
}

/// The library's stock-takes, newest first.
pub fn list(conn: &mut DbConn, library: LibraryId, limit: i64) -> StoreResult<Vec<Stocktake>> {
    let rows: Vec<Row> = stocktakes::table
        .filter(stocktakes::library_id.eq(library.to_string()))
        .order(stocktakes::started_at.desc())
        .limit(limit.clamp(1, 200))
        .select(COLUMNS)
        .load(conn)?;
    rows.into_iter().map(|r| from_row(conn, r)).collect()
}

fn change(action: &'static str, at: &At<'_>, id: &str, summary: String) -> Change {
    Change {
        action,
        entity: "stocktake",
        entity_id: id.to_string(),
        region: Some(at.village.clone()),
        library: Some(at.library),
        summary,
        details: None,
    }
}

/// Starts a stock-take. While one is open, another cannot start:
/// [`StoreError::Conflict`].
pub fn start(
    conn: &mut DbConn,
    by: &ActorRef,
    at: &At<'_>,
    note: Option<&str>,
) -> StoreResult<Stocktake> {
    write_tx(conn, |conn| {
        if open_for(conn, at.library)?.is_some() {
            return Err(StoreError::Conflict);
        }
        let id = Uuid::now_v7().to_string();
        diesel::insert_into(stocktakes::table)
            .values((
                stocktakes::id.eq(&id),
                stocktakes::library_id.eq(at.library.to_string()),
                stocktakes::started_at.eq(now()),
                stocktakes::started_by.eq(by.username.as_str()),
                stocktakes::note.eq(note),
            ))
            .execute(conn)
            .map_err(|e| match e {
                // The partial unique index: someone started one just now.
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => StoreError::Conflict,
                e => StoreError::Db(e),
            })?;
        audit::record(
            conn,
            by,
            change(
                "stocktake.start",
                at,
                &id,
                note.unwrap_or_default().to_string(),
            ),
        )?;
        get(conn, at.library, &id)
    })
}

/// What a batch of scans did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScanOutcome {
    /// Barcodes new to this stock-take.
    pub added: usize,
    /// Barcodes already scanned (ignored).
    pub repeated: usize,
    /// Of the added, how many no item of the library has.
    pub unknown: usize,
    /// Distinct barcodes scanned so far in total.
    pub total: i64,
}

/// Records scanned barcodes. Each is one lookup and one insert that does
/// nothing when the barcode is already in; a finished stock-take answers
/// [`StoreError::Conflict`]. Scans are working data, not changes to
/// records, so they are not in the audit trail (start and finish are).
pub fn scan(
    conn: &mut DbConn,
    library: LibraryId,
    id: &str,
    barcodes: &[String],
) -> StoreResult<ScanOutcome> {
    let lib = library.to_string();
    write_tx(conn, |conn| {
        let st = get(conn, library, id)?;
        if !st.is_open() {
            return Err(StoreError::Conflict);
        }
        let mut out = ScanOutcome::default();
        let mut seen = HashSet::new();
        let t = now();
        for raw in barcodes {
            let code = raw.trim();
            if code.is_empty() || code.chars().count() > 64 || !seen.insert(code.to_string()) {
                if !code.is_empty() {
                    out.repeated += 1;
                }
                continue;
            }
            let item_id: Option<String> = items::table
                .filter(items::library_id.eq(&lib))
                .filter(items::barcode.eq(code))
                .select(items::id)
                .first(conn)
                .optional()?;
            let known = item_id.is_some();
            let n = crate::on_backend!(conn, |c| diesel::insert_into(stocktake_scans::table)
                .values((
                    stocktake_scans::stocktake_id.eq(id),
                    stocktake_scans::barcode.eq(code),
                    stocktake_scans::item_id.eq(&item_id),
                    stocktake_scans::scanned_at.eq(t),
                ))
                .on_conflict_do_nothing()
                .execute(c))?;
            if n == 1 {
                out.added += 1;
                if !known {
                    out.unknown += 1;
                }
            } else {
                out.repeated += 1;
            }
        }
        out.total = scan_count(conn, id)?;
        Ok(out)
    })
}

/// The library's items as the records say, with open loans.
fn items_on_record(conn: &mut DbConn, library: LibraryId) -> StoreResult<Vec<ItemOnRecord>> {
    let lib = library.to_string();
    type ItemRow = (
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<ItemRow> = items::table
        .inner_join(biblios::table)
        .filter(items::library_id.eq(&lib))
        .select((
            items::id,
            items::barcode,
            items::status,
            biblios::title,
            items::call_number,
            biblios::call_number,
        ))
        .load(conn)?;
    let open: HashSet<String> = loans::table
        .filter(loans::library_id.eq(&lib))
        .filter(loans::returned_at.is_null())
        .select(loans::item_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(
            |(id, barcode, status, title, call, bib_call)| ItemOnRecord {
                on_loan: open.contains(&id),
                // An unknown stored status is treated as needing a look.
                status: ItemStatus::parse(&status).unwrap_or(ItemStatus::Available),
                item_id: id,
                barcode,
                title,
                call_number: call.or(bib_call),
            },
        )
        .collect())
}

/// The report of a stock-take so far (or as finished).
pub fn report(conn: &mut DbConn, library: LibraryId, id: &str) -> StoreResult<StocktakeReport> {
    get(conn, library, id)?;
    let scanned: Vec<String> = stocktake_scans::table
        .filter(stocktake_scans::stocktake_id.eq(id))
        .select(stocktake_scans::barcode)
        .load(conn)?;
    let items = items_on_record(conn, library)?;
    Ok(compare(&items, scanned.iter().map(String::as_str)))
}

/// Finishes a stock-take and returns its report. Finishing twice is a
/// [`StoreError::Conflict`].
pub fn finish(
    conn: &mut DbConn,
    by: &ActorRef,
    at: &At<'_>,
    id: &str,
) -> StoreResult<StocktakeReport> {
    write_tx(conn, |conn| {
        let st = get(conn, at.library, id)?;
        if !st.is_open() {
            return Err(StoreError::Conflict);
        }
        diesel::update(stocktakes::table.filter(stocktakes::id.eq(id)))
            .set(stocktakes::finished_at.eq(now()))
            .execute(conn)?;
        let r = report(conn, at.library, id)?;
        audit::record(
            conn,
            by,
            change(
                "stocktake.finish",
                at,
                id,
                format!(
                    "{} dipindai, {} hilang, {} tercatat dipinjam, {} tak dikenal, {} ditemukan kembali",
                    r.scanned,
                    r.missing.len(),
                    r.on_shelf_but_on_loan.len(),
                    r.unknown.len(),
                    r.found_again.len()
                ),
            ),
        )?;
        Ok(r)
    })
}

/// After a finished stock-take, marks the items still missing as lost —
/// recomputed now, so an item returned or found since is left alone. Each
/// change is audited and feeds the search index. Returns how many changed.
pub fn mark_missing_lost(
    conn: &mut DbConn,
    by: &ActorRef,
    at: &At<'_>,
    id: &str,
) -> StoreResult<usize> {
    write_tx(conn, |conn| {
        let st = get(conn, at.library, id)?;
        if st.is_open() {
            return Err(StoreError::Conflict);
        }
        let r = report(conn, at.library, id)?;
        let lib = at.library.to_string();
        let mut changed = 0;
        for line in &r.missing {
            let Some(item_id) = &line.item_id else {
                continue;
            };
            let n = diesel::update(
                items::table
                    .filter(items::id.eq(item_id))
                    .filter(items::library_id.eq(&lib))
                    .filter(items::status.eq(ItemStatus::Available.key())),
            )
            .set((
                items::status.eq(ItemStatus::Lost.key()),
                items::updated_at.eq(now()),
            ))
            .execute(conn)?;
            if n == 0 {
                continue;
            }
            changed += 1;
            let biblio: String = items::table
                .find(item_id)
                .select(items::biblio_id)
                .first(conn)?;
            crate::catalog::touch(conn, at.library, &biblio)?;
            audit::record(
                conn,
                by,
                Change {
                    action: "item.status",
                    entity: "item",
                    entity_id: item_id.clone(),
                    region: Some(at.village.clone()),
                    library: Some(at.library),
                    summary: format!(
                        "{} {} (stok opname)",
                        line.barcode,
                        line.title.as_deref().unwrap_or("")
                    ),
                    details: Some(r#"{"status":["available","lost"]}"#.to_string()),
                },
            )?;
        }
        Ok(changed)
    })
}

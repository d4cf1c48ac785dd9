//! Bibliographic records, items, imports and exports.

pub mod index;
pub mod stocktake;

use crate::conn::DbConn;
use crate::error::StoreResult;
use crate::now;
use crate::schema::{catalog_changes, counters};
use diesel::prelude::*;
use lentera_core::ids::LibraryId;

/// Notes that a record (or one of its items) changed, so the search index
/// picks it up. Call inside the writing transaction: a change the database
/// rolls back must not reach the index, and one it keeps must.
pub fn touch(conn: &mut DbConn, library: LibraryId, biblio_id: &str) -> StoreResult<()> {
    diesel::insert_into(catalog_changes::table)
        .values((
            catalog_changes::biblio_id.eq(biblio_id),
            catalog_changes::library_id.eq(library.to_string()),
            catalog_changes::changed_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The next value of a per-library sequence (item barcodes, member numbers),
/// starting at 1. Call inside a write transaction, so the increment and the
/// read that follows see the same row (the upsert holds its row lock).
pub fn next_counter(conn: &mut DbConn, library: LibraryId, kind: &str) -> StoreResult<i64> {
    let lib = library.to_string();
    // An upsert that increments is atomic on both backends. MultiConnection
    // has no ON CONFLICT, so it is spelled once per backend by the macro.
    crate::on_backend!(conn, |c| diesel::insert_into(counters::table)
        .values((
            counters::library_id.eq(&lib),
            counters::kind.eq(kind),
            counters::value.eq(1i64),
        ))
        .on_conflict((counters::library_id, counters::kind))
        .do_update()
        .set(counters::value.eq(counters::value + 1))
        .execute(c))?;
    Ok(counters::table
        .find((&lib, kind))
        .select(counters::value)
        .first(conn)?)
}

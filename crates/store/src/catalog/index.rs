//! Keeps the full-text index (lentera-search) in step with the database.
//!
//! The index is a derived copy of the catalogue, local to the process that
//! serves searches (on a PostgreSQL server too: each server keeps its own
//! index in its data folder). Every write to a record or its items appends a
//! `catalog_changes` row in the writing transaction ([`super::touch`]);
//! [`SearchIndex::sync`] applies the rows past the watermark it committed
//! last, re-reading each changed record, so applying a change twice does no
//! harm. [`SearchIndex::rebuild`] starts from scratch.
//!
//! Beside the tantivy files the index folder holds `lentera-sync.json`: the
//! watermark, the identity of the database the index was built from (meta key
//! `database_id`) and the inactive libraries seen at the last sync. It is
//! written atomically *after* the index commit, so a crash in between only
//! makes the next sync re-apply changes. An index from another database (a
//! copied folder, a restored backup) is rebuilt automatically.
//!
//! Records of inactive libraries are kept out of the index, so the public
//! catalogue never shows them; a library's (de)activation is noticed by
//! comparing the set of inactive libraries at each sync.
//!
//! Availability (items available / total) is not indexed: it changes with
//! every loan, and the public catalogue reads it for the page of hits it
//! shows ([`hit_details`]), so it is never stale.

use crate::conn::{Backend, DbConn};
use crate::error::{StoreError, StoreResult};
use crate::schema::{biblios, catalog_changes, items, libraries};
use crate::{meta, write_tx};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use lentera_search::{BookDoc, BulkOptions, CatalogIndex, SearchRequest, SearchResult};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The search crate, for callers that build requests (the web layer).
pub use lentera_search as search;

const STATE_FILE: &str = "lentera-sync.json";
const DATABASE_ID_KEY: &str = "database_id";
/// Changes read per query.
const CHANGE_BATCH: i64 = 5_000;
/// Records read per `IN (…)` query (well under both backends' limits).
const ID_CHUNK: usize = 500;
/// Records read per page during a rebuild.
const REBUILD_PAGE: i64 = 5_000;
/// More pending changes than this (or than half the index) are applied by a
/// rebuild: after a big import, bulk indexing is many times faster than one
/// upsert per record.
const REBUILD_THRESHOLD: i64 = 100_000;
/// On PostgreSQL a sequence number is taken at insert, not at commit, so a
/// transaction may commit seq 10 after seq 11 is already visible. A gap in
/// the sequence holds the watermark back for this long; past it the missing
/// number is taken for a rolled-back transaction. (SQLite has one writer at
/// a time, so its numbers become visible in order.)
const GAP_GRACE: Duration = Duration::from_secs(30);

/// What the index committed last, persisted beside it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct SyncState {
    /// The `database_id` of the database the index follows ("" = none yet).
    database: String,
    /// Every change with `seq <= watermark` is in the index.
    watermark: i64,
    /// Libraries that were inactive (and so left out) at the last sync.
    inactive: BTreeSet<String>,
}

/// What one [`SearchIndex::sync`] or [`SearchIndex::rebuild`] did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SyncReport {
    /// The whole index was rebuilt.
    pub rebuilt: bool,
    /// Change rows read.
    pub changes: u64,
    /// Records (re)indexed.
    pub indexed: u64,
    /// Records removed (deleted, or of an inactive library).
    pub removed: u64,
    /// The watermark after the run.
    pub watermark: i64,
    pub elapsed_ms: u64,
}

/// `lentera index status`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexStatus {
    /// Records in the index.
    pub docs: u64,
    pub segments: usize,
    pub watermark: i64,
    /// Changes in the database past the watermark.
    pub pending: i64,
    /// Whether the index was built from this database.
    pub same_database: bool,
    /// Records in the database (of any library).
    pub records: i64,
    /// The index folder (`None` in memory).
    pub dir: Option<PathBuf>,
}

/// Rebuild progress: records indexed so far and the expected total.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// The catalogue's search index and its sync state. Share it with `Arc`:
/// searches run concurrently; syncs and rebuilds queue on an internal lock.
pub struct SearchIndex {
    index: CatalogIndex,
    dir: Option<PathBuf>,
    state: Mutex<SyncState>,
    /// One writer at a time (tantivy allows no more).
    writing: Mutex<()>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SearchIndex({:?})", self.dir)
    }
}

fn index_err(e: lentera_search::Error) -> StoreError {
    StoreError::Data(format!("search index: {e}"))
}

fn io_err(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Data(format!("search index: {what} {}: {e}", path.display()))
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when missing. An index built by
    /// another version of the analysis rules is deleted and will be rebuilt
    /// by the next [`Self::sync`].
    pub fn open(dir: impl AsRef<Path>) -> StoreResult<SearchIndex> {
        let dir = dir.as_ref().to_path_buf();
        let index = match CatalogIndex::open_or_create(&dir) {
            Ok(i) => i,
            Err(lentera_search::Error::IncompatibleIndex) => {
                tracing::warn!(dir = %dir.display(), "search index from another version: rebuilding");
                std::fs::remove_dir_all(&dir).map_err(|e| io_err("cannot remove", &dir, e))?;
                CatalogIndex::open_or_create(&dir).map_err(index_err)?
            }
            Err(e) => return Err(index_err(e)),
        };
        let path = dir.join(STATE_FILE);
        let state = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "unreadable index state: the index will be rebuilt");
                SyncState::default()
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => SyncState::default(),
            Err(e) => return Err(io_err("cannot read", &path, e)),
        };
        Ok(SearchIndex {
            index,
            dir: Some(dir),
            state: Mutex::new(state),
            writing: Mutex::new(()),
        })
    }

    /// An index in memory (tests).
    pub fn in_memory() -> StoreResult<SearchIndex> {
        Ok(SearchIndex {
            index: CatalogIndex::in_memory().map_err(index_err)?,
            dir: None,
            state: Mutex::new(SyncState::default()),
            writing: Mutex::new(()),
        })
    }

    /// The index folder (`None` in memory).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Records in the index.
    pub fn num_docs(&self) -> u64 {
        self.index.num_docs()
    }

    /// The watermark committed last.
    pub fn watermark(&self) -> i64 {
        self.lock_state().watermark
    }

    /// Runs a search on what the index holds now.
    pub fn search(&self, req: &SearchRequest) -> StoreResult<SearchResult> {
        self.index.search(req).map_err(index_err)
    }

    fn lock_state(&self) -> std::sync::MutexGuard<'_, SyncState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn save_state(&self, st: SyncState) -> StoreResult<()> {
        if let Some(dir) = &self.dir {
            let path = dir.join(STATE_FILE);
            let tmp = dir.join(format!("{STATE_FILE}.tmp"));
            let bytes = serde_json::to_vec(&st).map_err(|e| StoreError::Data(e.to_string()))?;
            let write = || -> std::io::Result<()> {
                use std::io::Write;
                let mut f = std::fs::File::create(&tmp)?;
                f.write_all(&bytes)?;
                f.sync_all()?;
                std::fs::rename(&tmp, &path)
            };
            write().map_err(|e| io_err("cannot write", &path, e))?;
        }
        *self.lock_state() = st;
        Ok(())
    }

    /// Where the index stands against the database.
    pub fn status(&self, conn: &mut DbConn) -> StoreResult<IndexStatus> {
        let st = self.lock_state().clone();
        let db_id = meta::get(conn, DATABASE_ID_KEY)?;
        let pending: i64 = catalog_changes::table
            .filter(catalog_changes::seq.gt(st.watermark))
            .count()
            .get_result(conn)?;
        Ok(IndexStatus {
            docs: self.index.num_docs(),
            segments: self.index.num_segments(),
            watermark: st.watermark,
            pending,
            same_database: db_id.is_some_and(|d| d == st.database),
            records: biblios::table.count().get_result(conn)?,
            dir: self.dir.clone(),
        })
    }

    /// Applies every change past the watermark, then commits the index and
    /// the new watermark. Rebuilds instead when the index belongs to another
    /// database (or none yet), when the database is behind the index (a
    /// restored backup), or when so many changes are pending that a rebuild
    /// is faster.
    pub fn sync(&self, conn: &mut DbConn) -> StoreResult<SyncReport> {
        let _w = self.writing.lock().unwrap_or_else(|p| p.into_inner());
        let started = Instant::now();
        let db_id = database_id(conn)?;
        let st = self.lock_state().clone();
        let max_seq = max_seq(conn)?;
        if st.database != db_id || st.watermark > max_seq {
            if !st.database.is_empty() {
                tracing::warn!("search index belongs to another database: rebuilding");
            }
            return self.rebuild_locked(conn, &mut |_, _| {}, db_id, started);
        }
        let pending = max_seq - st.watermark;
        if pending > REBUILD_THRESHOLD.max(self.index.num_docs() as i64 / 2) {
            tracing::info!(
                pending,
                "many catalogue changes: rebuilding the search index"
            );
            return self.rebuild_locked(conn, &mut |_, _| {}, db_id, started);
        }

        let mut report = SyncReport::default();
        let inactive = inactive_libraries(conn)?;
        let flipped: Vec<String> = inactive
            .symmetric_difference(&st.inactive)
            .cloned()
            .collect();
        if pending == 0 && flipped.is_empty() {
            report.watermark = st.watermark;
            return Ok(report);
        }

        let mut writer = self.index.writer().map_err(index_err)?;
        let mut apply = |conn: &mut DbConn, ids: Vec<String>, report: &mut SyncReport| {
            for chunk in ids.chunks(ID_CHUNK) {
                let docs = load_docs(conn, chunk)?;
                let found: HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
                for id in chunk {
                    if !found.contains(id.as_str()) {
                        writer.delete(id).map_err(index_err)?;
                        report.removed += 1;
                    }
                }
                for d in &docs {
                    writer.upsert(d).map_err(index_err)?;
                    report.indexed += 1;
                }
            }
            StoreResult::Ok(())
        };

        // Libraries switched on or off: all their records come or go.
        for chunk in flipped.chunks(ID_CHUNK) {
            let ids: Vec<String> = biblios::table
                .filter(biblios::library_id.eq_any(chunk))
                .select(biblios::id)
                .load(conn)?;
            apply(conn, ids, &mut report)?;
        }

        let pg = DbConn::backend_of(conn) == Backend::Postgres;
        let cutoff = crate::now() - chrono::Duration::from_std(GAP_GRACE).unwrap_or_default();
        let mut read_to = st.watermark;
        let mut commit_to = st.watermark;
        let mut held = false;
        loop {
            let rows: Vec<(i64, String, NaiveDateTime)> = catalog_changes::table
                .filter(catalog_changes::seq.gt(read_to))
                .order(catalog_changes::seq.asc())
                .select((
                    catalog_changes::seq,
                    catalog_changes::biblio_id,
                    catalog_changes::changed_at,
                ))
                .limit(CHANGE_BATCH)
                .load(conn)?;
            let Some(last) = rows.last() else { break };
            let full = rows.len() as i64 == CHANGE_BATCH;
            read_to = last.0;
            let mut seen = HashSet::new();
            let mut ids = Vec::new();
            for (seq, id, at) in &rows {
                if !held {
                    if !pg || *seq == commit_to + 1 || *at < cutoff {
                        commit_to = *seq;
                    } else {
                        held = true;
                    }
                }
                if seen.insert(id.as_str()) {
                    ids.push(id.clone());
                }
            }
            report.changes += rows.len() as u64;
            apply(conn, ids, &mut report)?;
            if !full {
                break;
            }
        }
        writer.commit().map_err(index_err)?;
        drop(writer);
        self.save_state(SyncState {
            database: db_id,
            watermark: commit_to,
            inactive,
        })?;
        report.watermark = commit_to;
        report.elapsed_ms = started.elapsed().as_millis() as u64;
        if report.changes > 0 || report.removed > 0 {
            tracing::debug!(?report, "search index synced");
        }
        Ok(report)
    }

    /// Rebuilds the index from the database: records stream in id order,
    /// page by page, into tantivy's bulk loader. The watermark becomes the
    /// last change seen at the start, so changes made meanwhile are applied
    /// by the next [`Self::sync`]. `progress(done, total)` is called after
    /// each page.
    pub fn rebuild(&self, conn: &mut DbConn, progress: Progress<'_>) -> StoreResult<SyncReport> {
        let _w = self.writing.lock().unwrap_or_else(|p| p.into_inner());
        let started = Instant::now();
        let db_id = database_id(conn)?;
        self.rebuild_locked(conn, progress, db_id, started)
    }

    fn rebuild_locked(
        &self,
        conn: &mut DbConn,
        progress: Progress<'_>,
        db_id: String,
        started: Instant,
    ) -> StoreResult<SyncReport> {
        let watermark = rebuild_watermark(conn)?;
        let inactive = inactive_libraries(conn)?;
        let total: i64 = biblios::table.count().get_result(conn)?;
        // Mark the index as unfinished first: if the rebuild fails halfway,
        // the next sync starts over instead of trusting half an index.
        self.save_state(SyncState::default())?;
        let mut failed: Option<StoreError> = None;
        let mut done = 0u64;
        let pages = RebuildPages {
            conn,
            after: String::new(),
            buf: Vec::new().into_iter(),
            finished: false,
            failed: &mut failed,
            done: &mut done,
            total: total.max(0) as u64,
            progress,
        };
        let stats = self
            .index
            .index_all_with(pages, bulk_options(total))
            .map_err(index_err)?;
        if let Some(e) = failed {
            return Err(e);
        }
        self.save_state(SyncState {
            database: db_id,
            watermark,
            inactive,
        })?;
        tracing::info!(
            docs = stats.docs,
            index_secs = stats.index_secs,
            merge_secs = stats.merge_secs,
            "search index rebuilt"
        );
        Ok(SyncReport {
            rebuilt: true,
            changes: 0,
            indexed: stats.docs,
            removed: 0,
            watermark,
            elapsed_ms: started.elapsed().as_millis() as u64,
        })
    }
}

/// Small catalogues get a small indexing budget: a village PC has little
/// memory, and a thousand records do not need a gigabyte.
fn bulk_options(records: i64) -> BulkOptions {
    let d = BulkOptions::default();
    if records < 50_000 {
        BulkOptions {
            threads: 1,
            heap_bytes: 64 << 20,
        }
    } else if records < 300_000 {
        BulkOptions {
            heap_bytes: 256 << 20,
            ..d
        }
    } else {
        d
    }
}

/// Reads the records of a rebuild lazily, one page per query, so a million
/// records never sit in memory at once. A database error ends the stream and
/// is reported after the loader returns.
struct RebuildPages<'a, 'p> {
    conn: &'a mut DbConn,
    after: String,
    buf: std::vec::IntoIter<BookDoc>,
    finished: bool,
    failed: &'a mut Option<StoreError>,
    done: &'a mut u64,
    total: u64,
    progress: Progress<'p>,
}

impl Iterator for RebuildPages<'_, '_> {
    type Item = BookDoc;

    fn next(&mut self) -> Option<BookDoc> {
        loop {
            if let Some(d) = self.buf.next() {
                *self.done += 1;
                return Some(d);
            }
            if self.finished {
                return None;
            }
            (self.progress)(*self.done, self.total);
            let rows: Result<Vec<Row>, _> = biblios::table
                .inner_join(libraries::table)
                .filter(libraries::active.eq(true))
                .filter(biblios::id.gt(&self.after))
                .order(biblios::id.asc())
                .select(ROW_COLUMNS)
                .limit(REBUILD_PAGE)
                .load(self.conn);
            match rows {
                Ok(rows) => {
                    self.finished = (rows.len() as i64) < REBUILD_PAGE;
                    if let Some(last) = rows.last() {
                        self.after = last.0.clone();
                    }
                    self.buf = rows.into_iter().map(to_doc).collect::<Vec<_>>().into_iter();
                }
                Err(e) => {
                    *self.failed = Some(e.into());
                    self.finished = true;
                    return None;
                }
            }
        }
    }
}

impl Drop for RebuildPages<'_, '_> {
    /// The last call says "done": records of inactive libraries were
    /// counted in the estimate but are not indexed.
    fn drop(&mut self) {
        (self.progress)(*self.done, *self.done);
    }
}

type Row = (
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<i32>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
);

const ROW_COLUMNS: (
    biblios::id,
    biblios::library_id,
    biblios::title,
    biblios::subtitle,
    biblios::authors,
    biblios::publisher,
    biblios::year,
    biblios::isbn,
    biblios::language,
    biblios::ddc,
    biblios::subjects,
    biblios::collection,
) = (
    biblios::id,
    biblios::library_id,
    biblios::title,
    biblios::subtitle,
    biblios::authors,
    biblios::publisher,
    biblios::year,
    biblios::isbn,
    biblios::language,
    biblios::ddc,
    biblios::subjects,
    biblios::collection,
);

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn to_doc(r: Row) -> BookDoc {
    let (
        id,
        library,
        title,
        subtitle,
        authors,
        publisher,
        year,
        isbn,
        language,
        ddc,
        subjects,
        collection,
    ) = r;
    BookDoc {
        id,
        library_ids: vec![library],
        title,
        subtitle: subtitle.unwrap_or_default(),
        authors: lines(&authors),
        publisher: publisher.unwrap_or_default(),
        year: year.and_then(|y| u32::try_from(y).ok()).filter(|y| *y > 0),
        isbn13s: isbn.into_iter().collect(),
        language: language.unwrap_or_default(),
        collection,
        subjects: lines(&subjects),
        ddc: ddc.unwrap_or_default(),
    }
}

/// The records among `ids` that the public catalogue shows (existing, of an
/// active library), as the index sees them.
fn load_docs(conn: &mut DbConn, ids: &[String]) -> StoreResult<Vec<BookDoc>> {
    let rows: Vec<Row> = biblios::table
        .inner_join(libraries::table)
        .filter(libraries::active.eq(true))
        .filter(biblios::id.eq_any(ids))
        .select(ROW_COLUMNS)
        .load(conn)?;
    Ok(rows.into_iter().map(to_doc).collect())
}

fn max_seq(conn: &mut DbConn) -> StoreResult<i64> {
    Ok(catalog_changes::table
        .select(diesel::dsl::max(catalog_changes::seq))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

/// The watermark a rebuild may claim: the last change, except on PostgreSQL,
/// where a change younger than [`GAP_GRACE`] that follows a gap in the
/// numbers may have an earlier number still in flight: the watermark stops
/// before the gap, and the next sync re-applies what follows.
fn rebuild_watermark(conn: &mut DbConn) -> StoreResult<i64> {
    let max = max_seq(conn)?;
    if DbConn::backend_of(conn) != Backend::Postgres {
        return Ok(max);
    }
    let cutoff = crate::now() - chrono::Duration::from_std(GAP_GRACE).unwrap_or_default();
    // Only recent changes can be overtaken; older numbers have settled.
    let recent: Vec<i64> = catalog_changes::table
        .filter(catalog_changes::seq.gt(max - 100_000))
        .filter(catalog_changes::changed_at.ge(cutoff))
        .order(catalog_changes::seq.asc())
        .select(catalog_changes::seq)
        .load(conn)?;
    let Some(first) = recent.first() else {
        return Ok(max);
    };
    let mut watermark: i64 = catalog_changes::table
        .filter(catalog_changes::seq.lt(first))
        .select(diesel::dsl::max(catalog_changes::seq))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0);
    for s in recent {
        if s != watermark + 1 {
            break;
        }
        watermark = s;
    }
    Ok(watermark)
}

fn inactive_libraries(conn: &mut DbConn) -> StoreResult<BTreeSet<String>> {
    Ok(libraries::table
        .filter(libraries::active.eq(false))
        .select(libraries::id)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// This database's identity (meta `database_id`), created on first use. An
/// index remembers it, so it can tell it was built from another database.
pub fn database_id(conn: &mut DbConn) -> StoreResult<String> {
    if let Some(id) = meta::get(conn, DATABASE_ID_KEY)? {
        return Ok(id);
    }
    let fresh = uuid::Uuid::now_v7().to_string();
    write_tx(conn, |c| {
        if meta::get(c, DATABASE_ID_KEY)?.is_none() {
            meta::set(c, DATABASE_ID_KEY, &fresh)?;
        }
        StoreResult::Ok(())
    })?;
    meta::get(conn, DATABASE_ID_KEY)?.ok_or(StoreError::NotFound)
}

impl DbConn {
    /// Which backend this connection talks to.
    pub fn backend_of(conn: &DbConn) -> Backend {
        match conn {
            DbConn::Pg(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }
}

// ---------------------------------------------------------------------------
// Public-catalogue reads: what a hit list and a record page show beside the
// index's fields. Only records of active libraries are public.

/// A library as the public catalogue names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicLibrary {
    pub id: String,
    pub name: String,
    pub npp: Option<String>,
}

/// Item counts of one record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Availability {
    /// Items that are on the shelf or out (withdrawn and lost ones are not
    /// counted: they are no longer part of the collection).
    pub total: i64,
    /// Items on the shelf now.
    pub available: i64,
}

/// What a hit shows beside the indexed fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HitDetails {
    pub library: PublicLibrary,
    pub availability: Availability,
}

/// Item statuses that no longer count as part of the collection.
const GONE: [&str; 2] = ["withdrawn", "lost"];

/// Library and availability of each record in `ids` that is public (exists,
/// active library). Two queries for a page of hits.
pub fn hit_details(conn: &mut DbConn, ids: &[String]) -> StoreResult<HashMap<String, HitDetails>> {
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<(String, String, String, Option<String>)> = biblios::table
        .inner_join(libraries::table)
        .filter(libraries::active.eq(true))
        .filter(biblios::id.eq_any(ids))
        .select((biblios::id, libraries::id, libraries::name, libraries::npp))
        .load(conn)?;
    let counts: Vec<(String, String, i64)> = items::table
        .filter(items::biblio_id.eq_any(ids))
        .filter(items::status.ne_all(GONE))
        .group_by((items::biblio_id, items::status))
        .select((items::biblio_id, items::status, diesel::dsl::count_star()))
        .load(conn)?;
    let mut avail: HashMap<String, Availability> = HashMap::new();
    for (bid, status, n) in counts {
        let a = avail.entry(bid).or_default();
        a.total += n;
        if status == "available" {
            a.available += n;
        }
    }
    for (bid, lid, name, npp) in rows {
        let availability = avail.get(&bid).copied().unwrap_or_default();
        out.insert(
            bid,
            HitDetails {
                library: PublicLibrary { id: lid, name, npp },
                availability,
            },
        );
    }
    Ok(out)
}

/// A whole record as the public record page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicRecord {
    pub id: String,
    pub library: PublicLibrary,
    pub title: String,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    pub publisher: Option<String>,
    pub place: Option<String>,
    pub year: Option<i32>,
    pub edition: Option<String>,
    pub isbn: Option<String>,
    pub language: Option<String>,
    pub ddc: Option<String>,
    pub call_number: Option<String>,
    pub subjects: Vec<String>,
    pub collection: String,
    pub notes: Option<String>,
    pub items: Vec<PublicItem>,
    pub availability: Availability,
}

/// One copy, without anything about who borrowed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicItem {
    pub barcode: String,
    pub call_number: Option<String>,
    pub location: Option<String>,
    pub status: String,
}

type RecordRow = (
    (
        String,
        String,
        Option<String>,
        String,
        Option<String>,
        Option<String>,
        Option<i32>,
        Option<String>,
        Option<String>,
        Option<String>,
    ),
    (
        Option<String>,
        Option<String>,
        String,
        String,
        Option<String>,
    ),
    (String, String, Option<String>),
);

/// One public record with its items, or `NotFound` (also for records of
/// inactive libraries).
pub fn public_record(conn: &mut DbConn, id: &str) -> StoreResult<PublicRecord> {
    let row: RecordRow = biblios::table
        .inner_join(libraries::table)
        .filter(libraries::active.eq(true))
        .filter(biblios::id.eq(id))
        .select((
            (
                biblios::id,
                biblios::title,
                biblios::subtitle,
                biblios::authors,
                biblios::publisher,
                biblios::place,
                biblios::year,
                biblios::edition,
                biblios::isbn,
                biblios::language,
            ),
            (
                biblios::ddc,
                biblios::call_number,
                biblios::subjects,
                biblios::collection,
                biblios::notes,
            ),
            (libraries::id, libraries::name, libraries::npp),
        ))
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let (
        (id, title, subtitle, authors, publisher, place, year, edition, isbn, language),
        rest,
        lib,
    ) = row;
    let (ddc, call_number, subjects, collection, notes) = rest;
    let rows: Vec<(String, Option<String>, Option<String>, String)> = items::table
        .filter(items::biblio_id.eq(&id))
        .filter(items::status.ne("withdrawn"))
        .order(items::barcode.asc())
        .select((
            items::barcode,
            items::call_number,
            items::location,
            items::status,
        ))
        .load(conn)?;
    let mut availability = Availability::default();
    let items = rows
        .into_iter()
        .map(|(barcode, call_number, location, status)| {
            if !GONE.contains(&status.as_str()) {
                availability.total += 1;
                if status == "available" {
                    availability.available += 1;
                }
            }
            PublicItem {
                barcode,
                call_number,
                location,
                status,
            }
        })
        .collect();
    Ok(PublicRecord {
        id,
        library: PublicLibrary {
            id: lib.0,
            name: lib.1,
            npp: lib.2,
        },
        title,
        subtitle,
        authors: lines(&authors),
        publisher,
        place,
        year,
        edition,
        isbn,
        language,
        ddc,
        call_number,
        subjects: lines(&subjects),
        collection,
        notes,
        items,
        availability,
    })
}

/// An active library by id or NPP, for the catalogue's library filter.
pub fn public_library(conn: &mut DbConn, id_or_npp: &str) -> StoreResult<Option<PublicLibrary>> {
    let key = id_or_npp.trim();
    if key.is_empty() {
        return Ok(None);
    }
    let npp_key: String = key.chars().filter(|c| !c.is_whitespace()).collect();
    let row: Option<(String, String, Option<String>)> = libraries::table
        .filter(libraries::active.eq(true))
        .filter(
            libraries::id
                .eq(key)
                .or(libraries::npp.eq(key))
                .or(libraries::npp.eq(&npp_key)),
        )
        .select((libraries::id, libraries::name, libraries::npp))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, name, npp)| PublicLibrary { id, name, npp }))
}

/// Active libraries that have at least one record, by name, at most `limit`
/// (the public catalogue's library chooser).
pub fn public_libraries(conn: &mut DbConn, limit: i64) -> StoreResult<Vec<PublicLibrary>> {
    use diesel::sql_types::{Nullable, Text};
    #[derive(QueryableByName)]
    struct R {
        #[diesel(sql_type = Text)]
        id: String,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Nullable<Text>)]
        npp: Option<String>,
    }
    // A correlated EXISTS (one index probe per library) is something the
    // query builder cannot express; the SQL is the same on both backends.
    let rows: Vec<R> = diesel::sql_query(format!(
        "SELECT l.id, l.name, l.npp FROM libraries l \
         WHERE l.active = TRUE AND EXISTS (SELECT 1 FROM biblios b WHERE b.library_id = l.id) \
         ORDER BY l.name_key LIMIT {}",
        limit.max(0)
    ))
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| PublicLibrary {
            id: r.id,
            name: r.name,
            npp: r.npp,
        })
        .collect())
}

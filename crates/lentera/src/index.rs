//! `lentera index rebuild|status|sync`: the full-text index of the public
//! catalogue, kept in `<data-dir>/index` (also for PostgreSQL: the index is
//! local to the server that answers searches).

use crate::DbArgs;
use anyhow::{Context, Result};
use clap::Subcommand;
use lentera_store::Db;
use lentera_store::catalog::index::SearchIndex;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

#[derive(Subcommand)]
pub enum IndexCommand {
    /// Rebuild the search index from the database, from scratch. A running
    /// `lentera serve` on the same folder picks the new index up at its next
    /// catalogue change; restart it to switch at once.
    Rebuild {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Apply the catalogue changes the index has not seen yet.
    Sync {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Show how many records the index holds and how far behind it is.
    Status {
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Where the index of this data folder lives.
pub fn dir(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("index")
}

/// Above this much work, `serve` starts at once and lets the background
/// task bring the index up to date (searches answer from what the index
/// holds meanwhile) instead of making the start wait half a minute.
const INLINE_SYNC_LIMIT: i64 = 50_000;

/// Opens the index and brings it up to date (rebuilding it when it is empty,
/// from another database, or far behind) — at once when that is quick,
/// otherwise in the background once the server runs.
pub fn open_synced(db: &Db, data_dir: &Path) -> Result<Arc<SearchIndex>> {
    let path = dir(data_dir);
    let index = SearchIndex::open(&path)
        .with_context(|| format!("opening the search index in {}", path.display()))?;
    let mut conn = db.conn()?;
    let status = index.status(&mut conn)?;
    let work = if status.same_database {
        status.pending
    } else {
        status.records
    };
    if work > INLINE_SYNC_LIMIT {
        tracing::warn!(
            docs = status.docs,
            work,
            "search index is behind: updating it in the background; searches may be incomplete until then"
        );
        return Ok(Arc::new(index));
    }
    let report = index.sync(&mut conn)?;
    tracing::info!(
        docs = index.num_docs(),
        rebuilt = report.rebuilt,
        changes = report.changes,
        elapsed_ms = report.elapsed_ms,
        "search index ready"
    );
    Ok(Arc::new(index))
}

pub fn run(command: IndexCommand) -> Result<()> {
    match command {
        IndexCommand::Rebuild { db } => {
            let database = crate::open(&db)?;
            let path = dir(&db.data_dir);
            let index = SearchIndex::open(&path)?;
            let started = Instant::now();
            let mut last = Instant::now();
            let mut err = std::io::stderr();
            let mut progress = |done: u64, total: u64| {
                // At most a few lines a second; always the last one.
                if done < total && last.elapsed().as_millis() < 500 {
                    return;
                }
                last = Instant::now();
                let pct = (done * 100).checked_div(total).unwrap_or(100);
                let end = if done >= total { "\n" } else { "" };
                let _ = write!(
                    err,
                    "\rmengindeks / indexing: {done} / {total} ({pct}%)   {end}"
                );
                let _ = err.flush();
            };
            let report = index.rebuild(&mut *database.conn()?, &mut progress)?;
            eprintln!(
                "Indeks dibangun ulang: {} buku dalam {:.1} s (penanda {}). \
                 Index rebuilt: {} records in {:.1} s.",
                report.indexed,
                started.elapsed().as_secs_f64(),
                report.watermark,
                report.indexed,
                started.elapsed().as_secs_f64(),
            );
            Ok(())
        }
        IndexCommand::Sync { db } => {
            let database = crate::open(&db)?;
            let index = SearchIndex::open(dir(&db.data_dir))?;
            let r = index.sync(&mut *database.conn()?)?;
            eprintln!(
                "{} perubahan diterapkan ({} diindeks, {} dihapus{}) dalam {} ms. \
                 {} changes applied.",
                r.changes,
                r.indexed,
                r.removed,
                if r.rebuilt { ", dibangun ulang" } else { "" },
                r.elapsed_ms,
                r.changes,
            );
            Ok(())
        }
        IndexCommand::Status { db } => {
            let database = crate::open(&db)?;
            let index = SearchIndex::open(dir(&db.data_dir))?;
            let s = index.status(&mut *database.conn()?)?;
            println!("folder / directory:        {}", dir(&db.data_dir).display());
            println!("buku terindeks / records:  {}", s.docs);
            println!("segmen / segments:         {}", s.segments);
            println!("buku di database / records in the database: {}", s.records);
            println!("penanda / watermark:       {}", s.watermark);
            println!("belum diterapkan / pending: {}", s.pending);
            println!(
                "database yang sama / same database: {}",
                if s.same_database {
                    "ya / yes"
                } else {
                    "tidak — akan dibangun ulang / no — will be rebuilt"
                }
            );
            Ok(())
        }
    }
}

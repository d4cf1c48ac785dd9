//! `lentera catalog import|export`.

use crate::{DbArgs, open};
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use lentera_core::audit::ActorRef;
use lentera_core::catalog::transfer::TransferFormat;
use lentera_core::ids::LibraryId;
use lentera_store::DbConn;
use lentera_store::catalog::transfer::{
    self as transfer, ImportError, ImportOptions, ImportResult, Progress,
};
use lentera_web::catalog::transfer::{problem_text, refusal_text};
use lentera_web::i18n::Lang;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Subcommand)]
pub enum CatalogCommand {
    /// Import records (and their items) into a library's catalogue.
    /// Good records are kept; bad ones are listed with their position.
    Import {
        /// The library's id or NPP.
        #[arg(long)]
        library: String,
        /// marc, marcxml, csv, xlsx or slims. Recognised from the content
        /// when omitted.
        #[arg(long)]
        format: Option<String>,
        /// Check only: report what would happen, save nothing.
        #[arg(long)]
        dry_run: bool,
        /// Records per transaction (memory stays flat either way; bigger
        /// batches are faster, smaller ones block other writers less).
        #[arg(long, default_value_t = 5000)]
        batch: usize,
        /// Do not bring the search index up to date afterwards.
        #[arg(long)]
        no_index: bool,
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Export a library's catalogue.
    Export {
        #[arg(long)]
        library: String,
        /// marc, marcxml, csv, xlsx or slims.
        #[arg(long)]
        format: String,
        /// Output file; `-` for standard output.
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub fn run(command: CatalogCommand) -> Result<()> {
    match command {
        CatalogCommand::Import {
            library,
            format,
            dry_run,
            batch,
            no_index,
            file,
            db: args,
        } => {
            let format = parse_format(format.as_deref())?;
            let db = open(&args)?;
            let mut conn = db.conn()?;
            let library = resolve(&mut conn, &library)?;
            let f = std::fs::File::open(&file)
                .with_context(|| format!("cannot open {}", file.display()))?;
            let total = f.metadata().ok().map(|m| m.len());
            let opts = ImportOptions {
                format,
                dry_run,
                batch_size: batch.max(1),
                this_year: this_year(),
                ..ImportOptions::default()
            };
            let started = Instant::now();
            let tty = std::io::stderr().is_terminal();
            let mut last_print = Instant::now();
            let mut progress = |p: Progress| {
                if last_print.elapsed().as_millis() < 500 && tty {
                    return;
                }
                last_print = Instant::now();
                let secs = started.elapsed().as_secs_f64().max(0.001);
                let pct = p
                    .total_bytes
                    .filter(|t| *t > 0)
                    .map(|t| format!("{:5.1}%", p.bytes_read as f64 * 100.0 / t as f64))
                    .unwrap_or_default();
                let line = format!(
                    "{} rekaman / records, {:.0}/s {}",
                    p.records,
                    p.records as f64 / secs,
                    pct
                );
                let mut e = std::io::stderr();
                if tty {
                    let _ = write!(e, "\r{line}   ");
                } else {
                    let _ = writeln!(e, "{line}");
                }
            };
            let result = transfer::import(
                &mut conn,
                &ActorRef::system("cli"),
                library,
                Box::new(f),
                total,
                &opts,
                &mut progress,
            );
            if tty {
                eprintln!();
            }
            let result = match result {
                Ok(r) => r,
                Err(ImportError::Refused(r)) => bail!("{}", refusal_text(&r, Lang::Id)),
                Err(e) => return Err(e.into()),
            };
            let db_secs = started.elapsed().as_secs_f64();
            print_summary(&result, db_secs);
            if !dry_run && !no_index {
                let t = Instant::now();
                let index = lentera_store::catalog::index::SearchIndex::open(index_dir(&args))?;
                let report = index.sync(&mut conn)?;
                println!(
                    "Indeks pencarian diperbarui / search index updated: {} rekaman, {:.1} s{}",
                    report.indexed,
                    t.elapsed().as_secs_f64(),
                    if report.rebuilt {
                        " (dibangun ulang / rebuilt)"
                    } else {
                        ""
                    }
                );
            }
            Ok(())
        }
        CatalogCommand::Export {
            library,
            format,
            file,
            db: args,
        } => {
            let format = parse_format(Some(&format))?
                .context("--format is required: marc, marcxml, csv, xlsx or slims")?;
            let db = open(&args)?;
            let mut conn = db.conn()?;
            let library = resolve(&mut conn, &library)?;
            let started = Instant::now();
            let today = chrono::Local::now().date_naive();
            let n = if file.as_os_str() == "-" {
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                let n = transfer::export(&mut conn, library, format, &mut out, today)?;
                out.flush()?;
                n
            } else {
                let f = std::fs::File::create(&file)
                    .with_context(|| format!("cannot create {}", file.display()))?;
                let mut out = std::io::BufWriter::with_capacity(256 * 1024, f);
                let n = transfer::export(&mut conn, library, format, &mut out, today)?;
                out.flush()?;
                n
            };
            eprintln!(
                "{n} rekaman diekspor / records exported ({}) dalam / in {:.1} s",
                format.label(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}

fn parse_format(s: Option<&str>) -> Result<Option<TransferFormat>> {
    match s {
        None => Ok(None),
        Some(s) => match TransferFormat::parse(s) {
            Some(f) => Ok(Some(f)),
            None => bail!("unknown format {s:?}: use marc, marcxml, csv, xlsx or slims"),
        },
    }
}

fn resolve(conn: &mut DbConn, library: &str) -> Result<LibraryId> {
    match transfer::find_library(conn, library)? {
        Some(id) => Ok(id),
        None => bail!(
            "perpustakaan {library:?} tidak ditemukan / library not found (give its id or NPP)"
        ),
    }
}

/// The same folder `serve` and `index rebuild` use, so an import is
/// searchable without a rebuild.
fn index_dir(args: &DbArgs) -> PathBuf {
    crate::index::dir(&args.data_dir)
}

fn this_year() -> i32 {
    use chrono::Datelike;
    chrono::Local::now().year()
}

fn print_summary(r: &ImportResult, secs: f64) {
    let rate = r.records as f64 / secs.max(0.001);
    println!(
        "{}{} rekaman dibaca / records read in {:.1} s ({:.0}/s): {} baru / created, {} diperbarui / updated, {} tidak berubah / unchanged, {} gagal / failed; {} eksemplar baru / items created{}",
        if r.dry_run {
            "[PERIKSA SAJA / CHECK ONLY] "
        } else {
            ""
        },
        r.records,
        secs,
        rate,
        r.created,
        r.updated,
        r.unchanged,
        r.failed,
        r.items_created,
        if r.duplicate_isbns > 0 {
            format!(
                "; {} ISBN ganda (diperiksa) / duplicate ISBNs (check them)",
                r.duplicate_isbns
            )
        } else {
            String::new()
        }
    );
    for p in &r.problems {
        println!("  {}", problem_text(p, Lang::Id));
    }
    if r.problems_total > r.problems.len() as u64 {
        println!(
            "  … dan {} masalah lain / and {} more problems",
            r.problems_total - r.problems.len() as u64,
            r.problems_total - r.problems.len() as u64
        );
    }
}

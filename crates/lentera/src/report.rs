//! `lentera report`: the dashboards' reports without the web UI.
//!
//! The same building code as the web (`lentera_web::monitoring::export`),
//! so a file made here is the file an officer downloads from the
//! dashboard: a PDF report, the dashboard (or one of its tables) as XLSX
//! or CSV, or the DHIS2-style data values. The operator running the CLI
//! reads everything; there is no user and no reach.

use crate::{DbArgs, open};
use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDate;
use clap::Args;
use lentera_core::monitoring::iplm::IplmVersion;
use lentera_core::regions::{RegionCode, RegionTree};
use lentera_core::users::Reach;
use lentera_store::catalog::transfer::find_library;
use lentera_store::{DbConn, regions};
use lentera_web::i18n::Lang;
use lentera_web::monitoring::data::{Options, Scope, Span, today};
use lentera_web::monitoring::export::{
    self, Export, ExportError, ExportFormat, ExportRequest, OrgUnits, TABLE_KEYS,
};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args)]
pub struct ReportArgs {
    /// The region: a province (35), regency (3520), sub-district or
    /// village code. Without it (and without --library): the nation.
    #[arg(long, conflicts_with = "library")]
    region: Option<String>,
    /// One library, by its id or NPP.
    #[arg(long)]
    library: Option<String>,
    /// A month (2024-07), a quarter (2024-Q3) or a year (2024).
    #[arg(long)]
    period: String,
    /// pdf, xlsx, csv or datavalues (DHIS2-style CSV).
    #[arg(long)]
    format: String,
    /// For xlsx and csv: one table (summary, indicators, trend, children,
    /// scorecard, strategy, participants, workplans, aid, reporting, snp,
    /// iplm) instead of the whole dashboard.
    #[arg(long)]
    table: Option<String>,
    /// For datavalues: `libraries` (one row per library, the default) or
    /// `children` (per child region).
    #[arg(long, default_value = "libraries")]
    orgunits: String,
    /// The literacy index's formula: norma_2025 (the default) or minmax_2023.
    #[arg(long, default_value = "norma_2025")]
    iplm: String,
    /// Count only months approved by the district (default: every figure,
    /// including reports not yet approved).
    #[arg(long)]
    approved_only: bool,
    /// id (Bahasa Indonesia, the default) or en.
    #[arg(long, default_value = "id")]
    lang: String,
    /// Output file; `-` for standard output.
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    db: DbArgs,
}

pub fn run(args: ReportArgs) -> Result<()> {
    let start = Instant::now();
    let db = open(&args.db)?;
    let mut conn = db.conn()?;
    let tree = regions::tree(&mut conn)?;
    let out = make(&mut conn, &tree, &args, today())?;
    if args.out.as_os_str() == "-" {
        std::io::stdout().write_all(&out.bytes)?;
    } else {
        std::fs::write(&args.out, &out.bytes)
            .with_context(|| format!("cannot write {}", args.out.display()))?;
        eprintln!(
            "{} ({} bytes, {:.1} s)",
            args.out.display(),
            out.bytes.len(),
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// The report the arguments ask for, as of `today`.
fn make(
    conn: &mut DbConn,
    tree: &RegionTree,
    args: &ReportArgs,
    today: NaiveDate,
) -> Result<Export> {
    let span = Span::parse(&args.period)
        .map_err(|_| anyhow!("--period {:?}: use 2024-07, 2024-Q3 or 2024", args.period))?;
    let format = ExportFormat::parse(&args.format).map_err(|_| {
        anyhow!(
            "--format {:?}: use pdf, xlsx, csv or datavalues",
            args.format
        )
    })?;
    let org_units = OrgUnits::parse(&args.orgunits)
        .map_err(|_| anyhow!("--orgunits {:?}: use libraries or children", args.orgunits))?;
    let lang = Lang::parse(&args.lang).ok_or_else(|| anyhow!("--lang: use id or en"))?;
    let iplm = IplmVersion::parse(&args.iplm)
        .map_err(|_| anyhow!("--iplm {:?}: use norma_2025 or minmax_2023", args.iplm))?;
    if let Some(t) = &args.table
        && !TABLE_KEYS.contains(&t.as_str())
    {
        bail!("--table {t:?}: use one of {}", TABLE_KEYS.join(", "));
    }
    let scope = match (&args.region, &args.library) {
        (_, Some(l)) => Scope::Library(find_library(conn, l)?.ok_or_else(|| {
            anyhow!("perpustakaan {l:?} tidak ditemukan / library not found (give its id or NPP)")
        })?),
        (Some(r), None) => {
            let code = RegionCode::parse(r)
                .ok()
                .filter(|c| tree.contains(c))
                .ok_or_else(|| anyhow!("wilayah {r:?} tidak dikenal / unknown region code"))?;
            Scope::Region(code)
        }
        (None, None) => Scope::Nation,
    };
    let req = ExportRequest {
        scope,
        options: Options {
            span,
            include_unapproved: !args.approved_only,
            today,
        },
        format,
        table: args.table.clone(),
        org_units,
        iplm,
        lang,
    };
    export::export(conn, tree, &Reach::Everything, &req).map_err(|e| match e {
        ExportError::NoSuchTable => anyhow!(
            "tabel {:?} tidak ada pada laporan ini / this report has no such table",
            args.table.as_deref().unwrap_or("")
        ),
        e => anyhow!(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;
    use clap::Parser;
    use lentera_core::audit::ActorRef;
    use lentera_core::libraries::{LibraryDraft, LibraryForm};
    use lentera_core::visits::{AgeGroup, Purpose};
    use lentera_store::visits::{NewVisit, insert_many};
    use lentera_store::{Db, libraries};

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: ReportArgs,
    }

    fn args(extra: &[&str]) -> ReportArgs {
        let mut v = vec!["report", "--out", "-"];
        v.extend_from_slice(extra);
        Cli::parse_from(v).args
    }

    /// A Magetan library with 12 visitors on 15 July 2024.
    fn fixture(db: &Db) -> (RegionTree, lentera_core::ids::LibraryId) {
        let mut c = db.conn().unwrap();
        let tree = regions::tree(&mut c).unwrap();
        let sys = ActorRef::system("test");
        let f = LibraryForm {
            kind: "desa".into(),
            name: "Perpustakaan Desa Sumber Ilmu".into(),
            village_code: "3520012001".into(),
            ..Default::default()
        };
        let lib = libraries::create(&mut c, &sys, &LibraryDraft::parse(&f, &tree, 2024).unwrap())
            .unwrap();
        let day = NaiveDate::from_ymd_opt(2024, 7, 15).unwrap();
        let at = NaiveDateTime::new(day, chrono::NaiveTime::from_hms_opt(3, 0, 0).unwrap());
        insert_many(
            &mut c,
            &sys,
            &[NewVisit {
                library: lib.id,
                visited_at: at,
                visit_date: day,
                visitor_name: None,
                group_name: Some("Karang Taruna".into()),
                males: 5,
                females: 7,
                age_group: AgeGroup::Remaja,
                purpose: Purpose::Membaca,
            }],
            &[(lib.id, lib.details.village_code.clone())],
        )
        .unwrap();
        (tree, lib.id)
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 11, 20).unwrap()
    }

    lentera_store::both_backends!(the_cli_makes_the_dashboards_files, |db: &Db| {
        let (tree, lib) = fixture(db);
        let mut c = db.conn().unwrap();
        let make = |c: &mut DbConn, a: &[&str]| make(c, &tree, &args(a), today());

        let pdf = make(
            &mut c,
            &["--region", "3520", "--period", "2024-07", "--format", "pdf"],
        )
        .unwrap();
        assert!(pdf.bytes.starts_with(b"%PDF-"));
        assert_eq!(pdf.file_name, "laporan-3520-2024-07.pdf");
        let text = String::from_utf8_lossy(&pdf.bytes);
        assert!(text.contains("DINAS PERPUSTAKAAN KABUPATEN MAGETAN"));
        assert!(text.contains("Laporan Bulanan Pemantauan TPBIS"));

        let csv = make(
            &mut c,
            &[
                "--region", "3520", "--period", "2024-Q3", "--format", "csv", "--table", "children",
            ],
        )
        .unwrap();
        let text = String::from_utf8(csv.bytes).unwrap();
        assert!(text.starts_with("\u{feff}code,name,visits,"), "{text}");
        assert!(
            text.contains(&format!("{lib},Perpustakaan Desa Sumber Ilmu,12,")),
            "{text}"
        );

        let xlsx = make(&mut c, &["--period", "2024", "--format", "xlsx"]).unwrap();
        assert!(xlsx.bytes.starts_with(b"PK"));
        assert_eq!(xlsx.file_name, "dasbor-nasional-2024.xlsx");

        // By library id, and the data values in DHIS2's shape.
        let id = lib.to_string();
        let dv = make(
            &mut c,
            &[
                "--library",
                &id,
                "--period",
                "2024-07",
                "--format",
                "datavalues",
            ],
        )
        .unwrap();
        let text = String::from_utf8(dv.bytes).unwrap();
        assert!(
            text.contains(&format!("visits,202407,{lib},default,default,12,lentera,")),
            "{text}"
        );
        assert!(text.contains(&format!(
            "visits_by_gender,202407,{lib},gender=P,default,7,"
        )));
        // Approved only: nothing was approved.
        let dv = make(
            &mut c,
            &[
                "--library",
                &id,
                "--period",
                "2024-07",
                "--format",
                "datavalues",
                "--approved-only",
            ],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(dv.bytes).unwrap().lines().count(),
            1,
            "the header only"
        );

        // Mistakes are named.
        for (a, want) in [
            (
                vec!["--region", "9999", "--period", "2024", "--format", "pdf"],
                "9999",
            ),
            (vec!["--period", "2024-13", "--format", "pdf"], "--period"),
            (vec!["--period", "2024", "--format", "docx"], "--format"),
            (
                vec!["--period", "2024", "--format", "csv", "--table", "rahasia"],
                "--table",
            ),
            (
                vec![
                    "--library",
                    "tidak-ada",
                    "--period",
                    "2024",
                    "--format",
                    "pdf",
                ],
                "tidak ditemukan",
            ),
            (
                vec![
                    "--library",
                    &id,
                    "--period",
                    "2024",
                    "--format",
                    "csv",
                    "--table",
                    "children",
                ],
                "no such table",
            ),
        ] {
            let e = make(&mut c, &a).unwrap_err().to_string();
            assert!(e.contains(want), "{a:?}: {e}");
        }
    });
}

//! Demo program years (2021, 2023, 2024 and 2025 decided; 2026 open), the
//! accepted proposals of every demo library in its cohort's year with their
//! documents and decree, and 2026 proposals for Magetan and Sanggau in
//! every state (draft, returned, sent), so the district officers and
//! Perpusnas have work waiting.
//!
//! The documents are small real PDFs made on the spot, each marked as a
//! demonstration sample; decree numbers and dates are invented.

use anyhow::{Context, Result};
use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};
use lentera_core::audit::ActorRef;
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{Library, LibraryType, Participation};
use lentera_core::program::{DocumentKind, ProposalDraft, Step, YearDraft, YearForm};
use lentera_core::uploads::FileKind;
use lentera_store::notifications::Note;
use lentera_store::program::{self, NewDocument, PastDates};
use lentera_store::uploads::NewUpload;
use lentera_store::{DbConn, libraries, users};

struct YearPlan {
    year: i32,
    /// All, full support, book aid, managers trained.
    targets: [i32; 4],
    min: i32,
    deadline: (i32, u32, u32),
    decree: Option<(&'static str, (i32, u32, u32))>,
}

const YEARS: &[YearPlan] = &[
    YearPlan {
        year: 2021,
        targets: [700, 700, 0, 700],
        min: 10,
        deadline: (2020, 11, 30),
        decree: Some(("SK Kepala Perpusnas Nomor 4 Tahun 2021", (2021, 1, 18))),
    },
    YearPlan {
        year: 2023,
        targets: [1500, 1000, 500, 1500],
        min: 15,
        deadline: (2022, 11, 30),
        decree: Some(("SK Kepala Perpusnas Nomor 9 Tahun 2023", (2023, 1, 20))),
    },
    YearPlan {
        year: 2024,
        targets: [10000, 2000, 8000, 10000],
        min: 25,
        deadline: (2023, 11, 30),
        decree: Some(("SK Kepala Perpusnas Nomor 12 Tahun 2024", (2024, 1, 22))),
    },
    YearPlan {
        year: 2025,
        targets: [10000, 2400, 7600, 10000],
        min: 25,
        deadline: (2024, 11, 29),
        decree: Some(("SK Kepala Perpusnas Nomor 3 Tahun 2025", (2025, 1, 17))),
    },
    // Open: its deadline is moved past today when the demo is loaded, so
    // the district officers always have a call to answer.
    YearPlan {
        year: 2026,
        targets: [10000, 2500, 7500, 10000],
        min: 25,
        deadline: (2026, 12, 31),
        decree: None,
    },
];

fn ymd((y, m, d): (i32, u32, u32)) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).context("bad demo date")
}

fn at(d: NaiveDate, hour: u32) -> NaiveDateTime {
    d.and_hms_opt(hour, 0, 0).unwrap_or_default()
}

/// A small deterministic hash, so the demo is the same on every machine.
fn h(s: &str) -> u64 {
    s.bytes().fold(1469598103934665603u64, |a, b| {
        (a ^ u64::from(b)).wrapping_mul(1099511628211)
    })
}

/// A demo user as the actor of a step, or the system when absent.
fn actor(conn: &mut DbConn, username: &str) -> Result<ActorRef> {
    Ok(match users::with_hash(conn, username)? {
        Some((u, _)) => ActorRef {
            id: Some(u.id),
            username: u.username,
        },
        None => ActorRef::system("demo"),
    })
}

/// A one-page sample of the document, named as what it stands for.
fn sample_pdf(kind: DocumentKind, lib: &Library, year: i32) -> Result<Vec<u8>> {
    let name = &lib.details.name;
    let npp = lib
        .details
        .npp
        .as_ref()
        .map(|n| n.as_str().to_string())
        .unwrap_or_else(|| "dalam proses pendaftaran".into());
    let (title, body) = match kind {
        DocumentKind::SkPendirian => (
            "Keputusan tentang Pendirian Perpustakaan".to_string(),
            format!(
                "Menetapkan pendirian {name} sebagai perpustakaan yang melayani masyarakat, \
                 dengan pengelola yang ditunjuk dan ruang layanan di balai desa."
            ),
        ),
        DocumentKind::Npp => (
            "Bukti Nomor Pokok Perpustakaan (NPP)".to_string(),
            format!("{name} terdaftar dengan Nomor Pokok Perpustakaan {npp}."),
        ),
        DocumentKind::CommitmentLetter => (
            "Surat Pernyataan Komitmen Kepala Desa".to_string(),
            format!(
                "Kepala desa menyatakan mendukung {name} dalam Program TPBIS {year}: \
                 menyediakan ruang, menugaskan pengelola, dan menganggarkan kegiatan \
                 perpustakaan dalam APBDes."
            ),
        ),
        DocumentKind::TbmActive => (
            "Surat Keterangan TBM Aktif".to_string(),
            format!(
                "{name} aktif melayani masyarakat sedikitnya lima hari dalam seminggu, \
                 dengan kegiatan membaca bersama anak setiap Sabtu."
            ),
        ),
    };
    lentera_web::program::letter_pdf(
        &title,
        &[
            body,
            "Dokumen contoh untuk demonstrasi Lentera; bukan dokumen resmi.".to_string(),
        ],
    )
    .map_err(|e| anyhow::anyhow!("demo PDF: {e}"))
}

fn documents<'a>(
    lib: &'a Library,
    year: i32,
    kinds: &[DocumentKind],
) -> Result<Vec<NewDocument<'a>>> {
    kinds
        .iter()
        .map(|k| {
            Ok(NewDocument {
                kind: *k,
                file: NewUpload {
                    library: Some(lib.id),
                    region: &lib.details.village_code,
                    kind: FileKind::Pdf,
                    filename: format!("{}-{}.pdf", k.key(), lib.details.village_code),
                    bytes: sample_pdf(*k, lib, year)?,
                    thumb: None,
                    width: None,
                    height: None,
                    by: None,
                },
            })
        })
        .collect()
}

fn all_documents(kind: LibraryType) -> Vec<DocumentKind> {
    DocumentKind::required_for(kind)
}

/// The district officer of the demo for a village, when there is one.
fn district_officer(village: &str) -> &'static str {
    if village.starts_with("3520") {
        "magetan"
    } else if village.starts_with("6103") {
        "sanggau"
    } else {
        "-"
    }
}

/// `libraries`: every demo library as (village code, id, event note such as
/// "Jatim 2024"), in creation order.
pub fn seed(conn: &mut DbConn, libraries: &[(String, LibraryId, &'static str)]) -> Result<()> {
    let started = std::time::Instant::now();
    let mut proposals = 0usize;
    let system = ActorRef::system("demo");
    let admin = actor(conn, "admin")?;
    let today = Utc::now().date_naive();
    for plan in YEARS {
        let mut deadline = ymd(plan.deadline)?;
        if plan.decree.is_none() {
            deadline = deadline.max(today + Duration::days(45));
        }
        let form = YearForm {
            program_year: plan.year.to_string(),
            year_name: format!("TPBIS {}", plan.year),
            target_libraries: plan.targets[0].to_string(),
            target_full_support: plan.targets[1].to_string(),
            target_book_aid: plan.targets[2].to_string(),
            target_trained: plan.targets[3].to_string(),
            min_proposals_per_district: plan.min.to_string(),
            proposal_deadline: deadline.to_string(),
            decree_number: plan.decree.map(|d| d.0.to_string()).unwrap_or_default(),
            decree_date: match plan.decree {
                Some((_, d)) => ymd(d)?.to_string(),
                None => String::new(),
            },
        };
        let draft = YearDraft::parse(&form, plan.year.max(2026))
            .map_err(|e| anyhow::anyhow!("demo year {}: {e:?}", plan.year))?;
        program::create_year(conn, &system, &draft)
            .with_context(|| format!("demo year {}", plan.year))?;
    }

    // Every demo library was selected in its cohort's year.
    for (village, id, _) in libraries {
        let lib = libraries::get(conn, *id)?;
        let Some(year) = lib.details.cohort_year else {
            continue;
        };
        let Some(plan) = YEARS.iter().find(|p| p.year == year && p.decree.is_some()) else {
            continue;
        };
        let participation = lib.details.participation;
        if participation == Participation::None {
            continue;
        }
        let deadline = ymd(plan.deadline)?;
        let decree = plan.decree.map(|d| d.1).context("decided year")?;
        let spread = (h(village) % 20) as i64;
        let dates = PastDates {
            submitted_at: at(deadline - Duration::days(spread + 1), 2),
            verified_at: at(deadline + Duration::days(14 + spread / 4), 3),
            decided_at: at(ymd(decree)?, 3),
        };
        let by = match district_officer(village) {
            "-" => system.clone(),
            name => actor(conn, name)?,
        };
        let draft = ProposalDraft {
            year,
            library: lib.id,
            requested: participation,
            note: None,
        };
        let docs = documents(&lib, year, &all_documents(lib.details.kind))?;
        program::import_accepted(conn, &by, &draft, docs, participation, dates)
            .with_context(|| format!("demo proposal for {}", lib.details.name))?;
        proposals += 1;
    }

    // The open 2026 call: Magetan upgrades some book-aid libraries to full
    // support, in every state of the way; Sanggau has two waiting.
    let magetan = actor(conn, "magetan")?;
    let sanggau = actor(conn, "sanggau")?;
    let book_aid_in = |conn: &mut DbConn, prefix: &str, n: usize| -> Result<Vec<Library>> {
        let mut out = Vec::new();
        for (village, id, _) in libraries {
            if out.len() == n {
                break;
            }
            if !village.starts_with(prefix) {
                continue;
            }
            let lib = libraries::get(conn, *id)?;
            if lib.details.participation == Participation::BookAidOnly {
                out.push(lib);
            }
        }
        Ok(out)
    };
    let notes = [
        "Pengelola aktif, ruang baca 48 m², siap menjadi perpustakaan dengan pendampingan penuh.",
        "Kegiatan literasi rutin bersama PKK dan Karang Taruna sejak 2024.",
        "Desa sudah menganggarkan Rp15.000.000 untuk perpustakaan dalam APBDes 2026.",
        "Pengelola baru saja mengikuti Bimtek; perlu komputer untuk layanan internet.",
        "",
    ];
    for (i, lib) in book_aid_in(conn, "3520", 5)?.iter().enumerate() {
        let kinds = all_documents(lib.details.kind);
        let attached: Vec<DocumentKind> = match i {
            0..=2 => kinds,
            3 => kinds.into_iter().take(2).collect(),
            _ => Vec::new(),
        };
        let draft = ProposalDraft {
            year: 2026,
            library: lib.id,
            requested: Participation::FullSupport,
            note: Some(notes[i % notes.len()].to_string()).filter(|n| !n.is_empty()),
        };
        let docs = documents(lib, 2026, &attached)?;
        let p = program::create(conn, &magetan, &draft, docs)?;
        proposals += 1;
        if i <= 2 {
            program::step(conn, &magetan, &p.id, &Step::Submit, None)?;
        }
        if i == 2 {
            let link = format!("/program/proposals/{}", p.id);
            let id_text = format!(
                "Usulan TPBIS 2026 untuk {} dikembalikan untuk diperbaiki",
                lib.details.name
            );
            let en_text = format!(
                "The TPBIS 2026 proposal for {} was returned for correction",
                lib.details.name
            );
            program::step(
                conn,
                &admin,
                &p.id,
                &Step::Return {
                    reason: "Surat komitmen kepala desa belum ditandatangani dan belum \
                             distempel; mohon unggah ulang."
                        .into(),
                },
                Some(&Note {
                    id: &id_text,
                    en: &en_text,
                    link: &link,
                }),
            )?;
        }
    }
    for lib in book_aid_in(conn, "6103", 2)? {
        let draft = ProposalDraft {
            year: 2026,
            library: lib.id,
            requested: Participation::FullSupport,
            note: Some("Diusulkan naik ke pendampingan penuh.".into()),
        };
        let docs = documents(&lib, 2026, &all_documents(lib.details.kind))?;
        let p = program::create(conn, &sanggau, &draft, docs)?;
        program::step(conn, &sanggau, &p.id, &Step::Submit, None)?;
        proposals += 1;
    }
    tracing::info!(
        years = YEARS.len(),
        proposals,
        ms = started.elapsed().as_millis() as u64,
        "seeded the demo selection"
    );
    Ok(())
}

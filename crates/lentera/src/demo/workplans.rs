//! Demo work plans in every status, with reviews, for the demo libraries.
//!
//! Magetan (Jawa Timur, cohort 2024) and Kalimantan Barat (cohort 2023)
//! libraries get their three plans, written through the store like a real
//! library would — created, filled in, submitted (some after the due date),
//! sent back with comments, revised, approved — with activities under way
//! and done. The demo manager `pengelola` has one revision open (the
//! facilitator commented on an activity) and last year's plans to copy
//! from; the current year is left free for them (the browser test writes
//! one). Times follow each library's due date, which comes from the Bimtek
//! it attended (seeded just before) or the default day. Every person is
//! invented.

use anyhow::{Context, Result, anyhow};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use lentera_core::audit::ActorRef;
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use lentera_core::users::Role;
use lentera_core::workplans::{
    ActivityForm, NewPlan, PlanKind, Progress, ReviewDraft, ReviewForm, WorkplanDraft, WorkplanForm,
};
use lentera_store::DbConn;
use lentera_store::workplans::{self as store, PlanAt, Who, Workplan};

/// Where a demo plan ends up.
#[derive(Clone, Copy)]
enum Goal {
    Draft,
    Submitted {
        late: bool,
    },
    /// Sent back and not yet revised.
    Revision,
    /// Approved (after one revision round when `revised`), with so many
    /// activities done, under way and cancelled, in order.
    Approved {
        revised: bool,
        late: bool,
        done: usize,
        under_way: usize,
        cancelled: usize,
    },
}

const APPROVED: Goal = Goal::Approved {
    revised: false,
    late: false,
    done: 1,
    under_way: 1,
    cancelled: 0,
};

/// Invented managers for the libraries that have no demo account.
const MANAGERS: &[&str] = &[
    "Sri Wahyuningsih",
    "Agus Setiawan",
    "Endang Purwaningsih",
    "Joko Prasetyo",
    "Rini Astuti",
    "Bambang Haryanto",
    "Yuliana Sari",
    "Heru Santoso",
    "Paulus Alexander",
    "Theresia Uma",
    "Stefanus Aping",
    "Veronika Ndiang",
];

struct Region {
    /// Kalimantan Barat, cohort 2023; otherwise Magetan, cohort 2024.
    kalbar: bool,
}

#[allow(clippy::too_many_arguments)]
fn activity(
    name: &str,
    target: &str,
    start: NaiveDate,
    days: i64,
    place: &str,
    partners: &str,
    resources: &str,
    budget: i64,
    source: &str,
    targets: &str,
) -> ActivityForm {
    ActivityForm {
        id: String::new(),
        name: name.into(),
        target_group: target.into(),
        starts_on: start.to_string(),
        ends_on: (start + Duration::days(days)).to_string(),
        place: place.into(),
        partners: partners.into(),
        resources: resources.into(),
        budget: if budget > 0 {
            budget.to_string()
        } else {
            String::new()
        },
        budget_source: if budget > 0 {
            source.into()
        } else {
            String::new()
        },
        targets: targets.into(),
    }
}

/// The plan's content: the village's potential and a year of activities
/// starting after the due date.
fn content(kind: PlanKind, r: &Region, village: &str, due: NaiveDate) -> WorkplanForm {
    let at = |weeks: i64| due + Duration::weeks(weeks);
    let (people, nature, institutions, economy) = if r.kalbar {
        (
            "Kader PKK, pemuda Karang Taruna, guru SD dan PAUD, tokoh adat Dayak, kelompok pembudidaya ikan.",
            "Kebun karet dan lada, sungai untuk perikanan air tawar, hutan adat, rotan dan pandan.",
            "SD negeri, PAUD, Posyandu, Puskesmas pembantu, gereja dan masjid, BUMDes, kantor desa.",
            "Penyadap karet, petani lada, perajin anyaman rotan dan tikar pandan, pembudidaya ikan lele.",
        )
    } else {
        (
            "Kelompok tani jeruk pamelo, kader PKK, Karang Taruna, guru SD dan PAUD, perajin bambu senior.",
            "Kebun jeruk pamelo, rumpun bambu, sawah tadah hujan di kaki Gunung Lawu, mata air desa.",
            "SD negeri, PAUD, Posyandu, PKK, Karang Taruna, BUMDes, masjid dan musala, kantor desa dengan wifi.",
            "Petani jeruk pamelo, kerajinan anyaman bambu (besek, tampah), warung kelontong, peternak kambing.",
        )
    };
    let (goals, rows) = match kind {
        PlanKind::LayananInformasi => (
            format!(
                "Perpustakaan {village} menjadi pusat informasi desa: buka 6 hari seminggu, 300 kunjungan per bulan, dan layanan internet yang dipakai pelajar dan pelaku usaha."
            ),
            vec![
                activity("Pojok internet sehat untuk pelajar", "Pelajar SMP dan SMA", at(3), 60, "Ruang baca perpustakaan", "SMP negeri terdekat", "2 komputer, modem bantuan Perpusnas", 600_000, "apbdes", "40 pelajar terdaftar; 120 sesi internet per bulan"),
                activity("Kelas TIK dasar untuk perangkat desa dan UMKM", "Perangkat desa dan pelaku UMKM", at(6), 14, "Balai desa", "Kantor desa, Karang Taruna", "Proyektor, 4 laptop, modul TIK dasar Bimtek", 1_500_000, "apbdes", "20 peserta; 10 pelaku UMKM membuat akun toko daring"),
                activity("Perpustakaan keliling ke dusun terjauh", "Anak-anak dan warga dusun", at(10), 90, "Pos ronda dan posyandu dusun", "PKK, Posyandu", "Motor roda tiga, 200 buku bantuan", 750_000, "swadaya", "4 dusun dikunjungi dua kali sebulan; 500 peminjaman"),
            ],
        ),
        PlanKind::PelibatanMasyarakat if r.kalbar => (
            "Warga memakai perpustakaan untuk belajar keterampilan yang menambah penghasilan keluarga.".to_string(),
            vec![
                activity("Pelatihan budidaya ikan lele di kolam terpal", "Kelompok pembudidaya ikan dan pemuda", at(4), 2, "Perpustakaan dan kolam contoh warga", "Dinas Perikanan kabupaten", "Buku budidaya ikan, video tutorial, terpal dan bibit", 3_000_000, "apbdes", "25 peserta; 10 kolam baru"),
                activity("Kelas anyaman rotan dan tikar pandan", "Ibu-ibu PKK", at(8), 30, "Balai desa", "Perajin rotan desa, PKK", "Rotan, pandan, buku pola anyaman", 1_200_000, "swadaya", "20 peserta; 2 motif baru siap dijual"),
                activity("Klub baca anak setiap Sabtu", "Anak usia SD", at(2), 120, "Ruang anak perpustakaan", "Guru SD", "Buku cerita anak bantuan Perpusnas", 0, "", "30 anak hadir rutin"),
            ],
        ),
        PlanKind::PelibatanMasyarakat => (
            "Warga, terutama ibu-ibu dan pemuda, memakai perpustakaan untuk menambah nilai hasil kebun jeruk pamelo dan kerajinan bambu.".to_string(),
            vec![
                activity("Pelatihan olahan jeruk pamelo (sirup dan manisan kulit)", "Ibu-ibu PKK dan kelompok wanita tani", at(4), 2, "Dapur PKK di balai desa", "PKK, Puskesmas (uji kelayakan pangan)", "Buku resep olahan buah, video tutorial, peralatan dapur PKK", 3_500_000, "apbdes", "25 peserta; 2 produk olahan dengan label dan PIRT"),
                activity("Kelas anyaman bambu bersama perajin desa", "Pemuda Karang Taruna", at(8), 28, "Teras perpustakaan", "Karang Taruna, perajin bambu", "Bambu dari kebun warga, buku desain kerajinan", 2_000_000, "swadaya", "15 pemuda; 50 besek dan tampah terjual di pasar desa"),
                activity("Klub baca anak setiap Sabtu", "Anak usia SD", at(2), 120, "Ruang anak perpustakaan", "Guru SD, relawan mahasiswa KKN", "Buku cerita anak bantuan Perpusnas", 500_000, "swadaya", "30 anak hadir rutin; 4 buku dibaca per anak per bulan"),
            ],
        ),
        PlanKind::Advokasi => (
            "Perpustakaan mendapat anggaran rutin APBDes dan payung hukum berupa Perdes.".to_string(),
            vec![
                activity("Audiensi dengan kepala desa dan BPD tentang anggaran perpustakaan", "Kepala desa dan BPD", at(2), 0, "Kantor desa", "Kepala desa, BPD", "Data kunjungan dan kegiatan perpustakaan, foto kegiatan", 0, "", "Kesepakatan anggaran perpustakaan masuk RKPDes"),
                activity("Penyusunan draf Perdes tentang perpustakaan desa", "Pemerintah desa dan BPD", at(6), 45, "Balai desa", "Camat, pendamping desa", "Contoh Perdes dari desa lain, panduan Perpusnas", 1_000_000, "apbdes", "Draf Perdes dibahas dalam rapat BPD"),
                activity("Pameran hasil kegiatan perpustakaan saat Musrenbangdes", "Peserta Musrenbangdes", at(12), 1, "Balai desa", "Karang Taruna, PKK", "Poster, produk olahan, buku tamu", 750_000, "apbdes", "Usulan anggaran perpustakaan masuk hasil Musrenbangdes"),
            ],
        ),
    };
    WorkplanForm {
        plan_title: String::new(),
        potential_people: people.into(),
        potential_nature: nature.into(),
        potential_institutions: institutions.into(),
        potential_economy: economy.into(),
        goals,
        activities: rows,
    }
}

fn at_hour(d: NaiveDate, hour: u32) -> NaiveDateTime {
    d.and_hms_opt(hour, 0, 0).unwrap_or_default()
}

struct Ctx {
    facilitator: Who,
    magetan_district: Who,
    sanggau_district: Who,
    other_district: Who,
}

fn reviewer_for(ctx: &Ctx, village: &str, assigned: bool, n: usize) -> Who {
    if village.starts_with("3520") {
        if assigned && n % 3 != 2 {
            ctx.facilitator.clone()
        } else {
            ctx.magetan_district.clone()
        }
    } else if village.starts_with("6103") {
        ctx.sanggau_district.clone()
    } else {
        ctx.other_district.clone()
    }
}

fn review(decision: &str, comment: &str, activity_comments: Vec<String>) -> Result<ReviewDraft> {
    ReviewDraft::parse(&ReviewForm {
        decision: decision.into(),
        review_comment: comment.into(),
        activity_comments,
    })
    .map_err(|e| anyhow!("demo review: {e:?}"))
}

/// Walks one plan to its goal, at times around its due date.
#[allow(clippy::too_many_arguments)]
fn make(
    conn: &mut DbConn,
    manager: &Who,
    reviewer: &Who,
    lib: LibraryId,
    village: &RegionCode,
    region: &Region,
    village_name: &str,
    kind: PlanKind,
    year: i32,
    goal: Goal,
) -> Result<Workplan> {
    let (_, due) = store::due_for(conn, lib, year)?;
    let form = content(kind, region, village_name, due);
    let draft = WorkplanDraft::parse(&form, kind, year)
        .map_err(|e| anyhow!("demo plan {village_name} {kind}: {e:?}"))?;
    let created = at_hour(due - Duration::days(21), 2);
    let p = store::create(
        conn,
        manager,
        &PlanAt {
            library: lib,
            village,
        },
        &NewPlan {
            kind,
            year,
            copy_last_year: false,
        },
        Some(&draft),
        created,
    )
    .with_context(|| format!("demo plan {village_name} {kind}"))?;
    let late = match goal {
        Goal::Draft => return Ok(p),
        Goal::Submitted { late } | Goal::Approved { late, .. } => late,
        Goal::Revision => false,
    };
    let submitted = if late {
        at_hour(due + Duration::days(9), 3)
    } else {
        at_hour(due - Duration::days(2), 3)
    };
    let p = store::submit(conn, manager, &p.id, p.version, submitted)?;
    let reviewed = submitted + Duration::days(4);
    match goal {
        Goal::Submitted { .. } => Ok(p),
        Goal::Revision => {
            let mut per = vec![String::new(); p.activities.len()];
            per[1] = match kind {
                PlanKind::Advokasi => "Rapat BPD biasanya akhir bulan; sesuaikan jadwalnya dan sebutkan siapa yang menyiapkan draf.".into(),
                _ => "Jadwal bertepatan dengan musim panen; geser ke bulan berikutnya agar peserta bisa hadir.".into(),
            };
            let r = review(
                "request_revision",
                "Tujuan sudah jelas. Mohon target setiap kegiatan dibuat terukur (jumlah peserta, perempuan/laki-laki) dan sumber anggarannya dipastikan dengan kepala desa.",
                per,
            )?;
            Ok(store::review(
                conn, reviewer, &p.id, &r, p.version, reviewed,
            )?)
        }
        Goal::Approved {
            revised,
            done,
            under_way,
            cancelled,
            ..
        } => {
            let mut p = p;
            let mut when = reviewed;
            if revised {
                let mut per = vec![String::new(); p.activities.len()];
                per[0] = "Tambahkan jumlah peserta perempuan pada target.".into();
                let r = review("request_revision", "", per)?;
                p = store::review(conn, reviewer, &p.id, &r, p.version, when)?;
                let mut d = p.draft();
                if let Some(t) = d.activities[0].targets.as_mut() {
                    t.push_str("; sedikitnya separuh peserta perempuan");
                }
                p = store::update(
                    conn,
                    manager,
                    &p.id,
                    &d,
                    p.version,
                    when + Duration::days(2),
                )?;
                p = store::submit(conn, manager, &p.id, p.version, when + Duration::days(2))?;
                when += Duration::days(5);
            }
            let r = review(
                "approve",
                "Rencana sesuai potensi desa dan selaras dengan APBDes. Silakan dilaksanakan dan dilaporkan.",
                Vec::new(),
            )?;
            p = store::review(conn, reviewer, &p.id, &r, p.version, when)?;
            let ids: Vec<(String, Option<NaiveDate>)> = p
                .activities
                .iter()
                .map(|a| (a.id.clone(), a.details.ends_on))
                .collect();
            for (i, (aid, ends)) in ids.iter().enumerate() {
                let end = ends.map(|e| at_hour(e, 9)).unwrap_or(when);
                let start = end.max(when) - Duration::days(1);
                if i < done {
                    store::set_progress(
                        conn,
                        manager,
                        &p.id,
                        aid,
                        Progress::UnderWay,
                        None,
                        start,
                    )?;
                    store::set_progress(
                        conn,
                        manager,
                        &p.id,
                        aid,
                        Progress::Done,
                        Some("Terlaksana sesuai rencana."),
                        end.max(when),
                    )?;
                } else if i < done + under_way {
                    store::set_progress(
                        conn,
                        manager,
                        &p.id,
                        aid,
                        Progress::UnderWay,
                        Some("Sudah dimulai."),
                        start,
                    )?;
                } else if i < done + under_way + cancelled {
                    store::set_progress(
                        conn,
                        manager,
                        &p.id,
                        aid,
                        Progress::Cancelled,
                        Some("Dibatalkan: bentrok dengan kegiatan desa; diganti tahun depan."),
                        start,
                    )?;
                }
            }
            Ok(store::get(conn, &p.id)?)
        }
        Goal::Draft => Ok(p),
    }
}

fn who_of(conn: &mut DbConn, username: &str, fallback: &str, role: Role) -> Result<Who> {
    Ok(match lentera_store::users::with_hash(conn, username)? {
        Some((u, _)) => Who {
            by: ActorRef {
                id: Some(u.id),
                username: u.username,
            },
            name: u.full_name,
            role,
        },
        None => Who {
            by: ActorRef::system("demo"),
            name: fallback.into(),
            role,
        },
    })
}

/// `libraries`: every demo library as (village code, id, event note such as
/// "Jatim 2024"), in creation order.
pub fn seed(conn: &mut DbConn, libraries: &[(String, LibraryId, &'static str)]) -> Result<()> {
    let started = std::time::Instant::now();
    let ctx = Ctx {
        facilitator: who_of(
            conn,
            "fasilitator",
            "Dewi Anggraeni Putri",
            Role::Facilitator,
        )?,
        magetan_district: who_of(conn, "magetan", "Bayu Kusumawardana", Role::District)?,
        sanggau_district: who_of(conn, "sanggau", "Maria Ngasi", Role::District)?,
        other_district: Who {
            by: ActorRef::system("demo"),
            name: "Hendrikus Lawai".into(),
            role: Role::District,
        },
    };
    let pengelola = who_of(conn, "pengelola", "Siti Nurhalimah", Role::Manager)?;
    let magetan: Vec<&(String, LibraryId, &str)> = libraries
        .iter()
        .filter(|(c, _, _)| c.starts_with("3520"))
        .collect();
    let kalbar: Vec<&(String, LibraryId, &str)> = libraries
        .iter()
        .filter(|(_, _, note)| note.starts_with("Kalbar"))
        .collect();
    use Goal::*;
    use PlanKind::*;
    // Magetan 2024: one plan set per library, in every status. The first is
    // the demo manager's; the facilitator is assigned the first twelve.
    let magetan_plans: [[Goal; 3]; 10] = [
        // pengelola: two approved (work going on), advokasi sent back.
        [
            Approved {
                revised: false,
                late: false,
                done: 1,
                under_way: 1,
                cancelled: 0,
            },
            Approved {
                revised: true,
                late: false,
                done: 2,
                under_way: 0,
                cancelled: 1,
            },
            Revision,
        ],
        [
            Submitted { late: false },
            Submitted { late: true },
            Submitted { late: false },
        ],
        [APPROVED, APPROVED, Submitted { late: false }],
        [Draft, Draft, Draft],
        [APPROVED, Revision, APPROVED],
        [
            Approved {
                revised: false,
                late: true,
                done: 3,
                under_way: 0,
                cancelled: 0,
            },
            APPROVED,
            APPROVED,
        ],
        [Submitted { late: true }, Draft, Draft],
        [
            APPROVED,
            Approved {
                revised: true,
                late: false,
                done: 1,
                under_way: 2,
                cancelled: 0,
            },
            Submitted { late: false },
        ],
        [Revision, Submitted { late: false }, Draft],
        [
            APPROVED,
            APPROVED,
            Approved {
                revised: false,
                late: false,
                done: 0,
                under_way: 1,
                cancelled: 1,
            },
        ],
    ];
    let kinds = [LayananInformasi, PelibatanMasyarakat, Advokasi];
    let mut names = MANAGERS.iter().cycle();
    for (n, ((village, lib, _), goals)) in magetan.iter().zip(magetan_plans.iter()).enumerate() {
        let manager = if n == 0 {
            pengelola.clone()
        } else {
            Who {
                by: ActorRef::system("demo"),
                name: (*names.next().unwrap_or(&"Pengelola")).to_string(),
                role: Role::Manager,
            }
        };
        let reviewer = reviewer_for(&ctx, village, n < 12, n);
        let code = RegionCode::parse(village).map_err(|_| anyhow!("bad village {village}"))?;
        let lib_name = lentera_store::libraries::get(conn, *lib)?.details.name;
        let region = Region { kalbar: false };
        for (kind, goal) in kinds.iter().zip(goals.iter()) {
            make(
                conn, &manager, &reviewer, *lib, &code, &region, &lib_name, *kind, 2024, *goal,
            )?;
        }
        if n == 0 {
            // Last year's plan copied into the next year: a draft to go on with.
            store::create(
                conn,
                &pengelola,
                &PlanAt {
                    library: *lib,
                    village: &code,
                },
                &NewPlan {
                    kind: LayananInformasi,
                    year: 2025,
                    copy_last_year: true,
                },
                None,
                at_hour(NaiveDate::from_ymd_opt(2025, 1, 14).unwrap_or_default(), 2),
            )?;
        }
    }
    // Kalimantan Barat 2023, and some 2024 plans already under way.
    let kalbar_plans: [[Goal; 3]; 6] = [
        // Balai Sebut (Sanggau).
        [
            Approved {
                revised: false,
                late: false,
                done: 3,
                under_way: 0,
                cancelled: 0,
            },
            Approved {
                revised: true,
                late: false,
                done: 2,
                under_way: 1,
                cancelled: 0,
            },
            Approved {
                revised: false,
                late: true,
                done: 1,
                under_way: 1,
                cancelled: 1,
            },
        ],
        [APPROVED, Submitted { late: true }, Draft],
        [Revision, APPROVED, APPROVED],
        [
            Submitted { late: false },
            Submitted { late: false },
            Submitted { late: false },
        ],
        [APPROVED, APPROVED, Revision],
        [Draft, Draft, Draft],
    ];
    let balai_sebut_first: Vec<&(String, LibraryId, &str)> = {
        let mut v: Vec<_> = kalbar
            .iter()
            .copied()
            .filter(|(c, _, _)| c == "6103042001")
            .collect();
        v.extend(kalbar.iter().copied().filter(|(c, _, _)| c != "6103042001"));
        v
    };
    let balaisebut = who_of(conn, "balaisebut", "Antonius Jamal", Role::Manager)?;
    for (n, ((village, lib, _), goals)) in balai_sebut_first
        .iter()
        .zip(kalbar_plans.iter())
        .enumerate()
    {
        let manager = if n == 0 {
            balaisebut.clone()
        } else {
            Who {
                by: ActorRef::system("demo"),
                name: (*names.next().unwrap_or(&"Pengelola")).to_string(),
                role: Role::Manager,
            }
        };
        let reviewer = reviewer_for(&ctx, village, false, n);
        let code = RegionCode::parse(village).map_err(|_| anyhow!("bad village {village}"))?;
        let lib_name = lentera_store::libraries::get(conn, *lib)?.details.name;
        let region = Region { kalbar: true };
        for (kind, goal) in kinds.iter().zip(goals.iter()) {
            make(
                conn, &manager, &reviewer, *lib, &code, &region, &lib_name, *kind, 2023, *goal,
            )?;
        }
        if n < 2 {
            make(
                conn,
                &manager,
                &reviewer,
                *lib,
                &code,
                &region,
                &lib_name,
                LayananInformasi,
                2024,
                if n == 0 {
                    Submitted { late: false }
                } else {
                    APPROVED
                },
            )?;
        }
    }
    let today = chrono::Utc::now().date_naive();
    let counts = store::counts(
        conn,
        &store::PlanQuery::new(lentera_core::users::Reach::Everything, today),
    )?;
    tracing::info!(
        plans = counts.total,
        late = counts.late,
        ms = started.elapsed().as_millis() as u64,
        "seeded the demo work plans"
    );
    Ok(())
}

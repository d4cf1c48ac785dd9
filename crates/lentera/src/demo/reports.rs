//! Demo monthly reports: months submitted, approved up the hierarchy, one
//! returned with a comment, some entered by hand.
//!
//! Over the figures the guest book, circulation, catalogue, activities and
//! aid seeds produced, for every demo library and the three months before
//! this one:
//!
//! - three months ago: sent and approved — nationally in Jawa Timur and
//!   Kalimantan Barat (whose officers are demo users), by the province in
//!   NTT and Jambi, by the district in Kalimantan Tengah;
//! - two months ago: sent by nearly all, mostly approved by the district;
//!   the demo manager's month was returned with a comment, and one Kalbar
//!   month was unlocked by the province with its reason;
//! - last month: about half sent so far, some after the deadline, waiting
//!   for the district — but not the demo manager's, so her to-do list says
//!   so.
//!
//! Every sixth library keeps its guest book and loans on paper and types
//! them in by hand. Warnings are explained as a librarian would. People's
//! names are invented. Deterministic, and fast: a few hundred reports.

use anyhow::Result;
use chrono::{Duration, NaiveDateTime};
use lentera_core::audit::ActorRef;
use lentera_core::ids::LibraryId;
use lentera_core::monitoring::reports::{
    ApprovalLevel, ManualForm, Period, RULES, Step, last_month, parse_manual,
};
use lentera_core::users::Role;
use lentera_core::visits::TimeZone;
use lentera_store::monitoring::reports::{self as store, Action, Who};
use lentera_store::{DbConn, StoreError};
use std::collections::BTreeMap;

/// Someone who acts on reports in the demo.
struct Person {
    by: ActorRef,
    name: String,
    role: Role,
}

impl Person {
    fn who(&self) -> Who<'_> {
        Who {
            by: &self.by,
            name: &self.name,
            role: self.role,
        }
    }
}

/// A demo user by username, or an invented stand-in where the demo has no
/// account (officers of NTT, Kalteng and Jambi; most libraries' managers).
fn person(conn: &mut DbConn, username: &str, name: &str, role: Role) -> Result<Person> {
    let by = match lentera_store::users::with_hash(conn, username)? {
        Some((u, _)) => ActorRef {
            id: Some(u.id),
            username: u.username,
        },
        None => ActorRef::system("demo"),
    };
    Ok(Person {
        by,
        name: name.into(),
        role,
    })
}

/// How a librarian explains each warning.
fn explanation(rule: &str) -> &'static str {
    match rule {
        "nothing_recorded" => "Perpustakaan tutup sementara karena ruangannya dipakai posyandu.",
        "loans_per_visit" => {
            "Peminjaman kelas dicatat sekaligus oleh guru; siswanya tidak mengisi buku tamu."
        }
        "activities_without_participants" => {
            "Daftar hadir kegiatan masih di kertas, belum dipindahkan."
        }
        r if r.starts_with("drop_") => {
            "Pengelola mengikuti Bimtek sehingga perpustakaan hanya buka setengah hari."
        }
        r if r.starts_with("high_") => "Ada pameran buku desa; pengunjung memang sangat ramai.",
        _ => "Sudah diperiksa ulang oleh pengelola; angkanya benar.",
    }
}

/// The whole hand-typed month of a paper-keeping library.
fn paper_figures(seed: usize, p: Period) -> ManualForm {
    let k = (seed % 5) as i64 + i64::from(p.month() % 3);
    let v = |base: i64| (base + k * 2).to_string();
    let mut f = ManualForm::new();
    for (key, base) in [
        ("visits.L.anak", 14),
        ("visits.P.anak", 18),
        ("visits.L.remaja", 9),
        ("visits.P.remaja", 12),
        ("visits.L.dewasa", 7),
        ("visits.P.dewasa", 10),
        ("visits.L.lansia", 2),
        ("visits.P.lansia", 3),
        ("loans", 40),
    ] {
        f.insert(key.into(), v(base));
    }
    f
}

fn at(p: Period, day: i64, hour: u32, tz: TimeZone) -> NaiveDateTime {
    // Local office hours, stored in UTC.
    (p.end() + Duration::days(day - 1))
        .and_hms_opt(hour, 15, 0)
        .unwrap_or_default()
        - Duration::hours(tz.offset_hours())
}

struct Officers {
    magetan: Person,
    sanggau: Person,
    jatim: Person,
    kalbar: Person,
    admin: Person,
    other_district: Person,
    other_province: Person,
}

impl Officers {
    fn district(&self, village: &str) -> &Person {
        if village.starts_with("3520") {
            &self.magetan
        } else if village.starts_with("6103") {
            &self.sanggau
        } else {
            &self.other_district
        }
    }
    fn province(&self, village: &str) -> &Person {
        if village.starts_with("35") {
            &self.jatim
        } else if village.starts_with("61") {
            &self.kalbar
        } else {
            &self.other_province
        }
    }
    /// How far three-month-old reports climbed in this province.
    fn settled(&self, village: &str) -> ApprovalLevel {
        match &village[..2] {
            "35" | "61" => ApprovalLevel::National,
            "62" => ApprovalLevel::District,
            _ => ApprovalLevel::Province,
        }
    }
}

/// Submits with every possible warning explained (the store keeps the
/// comments of the warnings that fired); `false` when an error finding
/// keeps the month from going.
fn send(
    conn: &mut DbConn,
    who: &Who<'_>,
    lib: LibraryId,
    p: Period,
    when: NaiveDateTime,
) -> Result<bool> {
    let comments: BTreeMap<String, String> = RULES
        .iter()
        .map(|r| (r.key.to_string(), explanation(r.key).to_string()))
        .collect();
    match store::submit(conn, who, lib, p, &comments, None, when) {
        Ok(_) => Ok(true),
        Err(StoreError::Invalid(_)) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

fn approve(
    conn: &mut DbConn,
    who: &Who<'_>,
    lib: LibraryId,
    p: Period,
    level: ApprovalLevel,
    when: NaiveDateTime,
    comment: Option<&str>,
) -> Result<()> {
    let action = Action::Approve {
        level,
        comment: comment.map(str::to_string),
    };
    store::act(conn, who, lib, p, &action, None, when)?;
    Ok(())
}

/// `libraries`: every demo library as (village code, id, event note).
pub fn seed(conn: &mut DbConn, libraries: &[(String, LibraryId, &'static str)]) -> Result<()> {
    let started = std::time::Instant::now();
    let now = lentera_store::now();
    let last = last_month(TimeZone::Wib.local_date(now));
    let (m3, m2, m1) = (last.prev().prev(), last.prev(), last);
    let officers = Officers {
        magetan: person(conn, "magetan", "Bayu Kusumawardana", Role::District)?,
        sanggau: person(conn, "sanggau", "Maria Ngasi", Role::District)?,
        jatim: person(conn, "jatim", "Wulan Prasetyaningsih", Role::Province)?,
        kalbar: person(conn, "kalbar", "Yohanes Sitanggang", Role::Province)?,
        admin: person(conn, "admin", "Rahmat Adinugraha", Role::National)?,
        other_district: Person {
            by: ActorRef::system("demo"),
            name: "Hendrikus Lawai".into(),
            role: Role::District,
        },
        other_province: Person {
            by: ActorRef::system("demo"),
            name: "Fransiska Dhae".into(),
            role: Role::Province,
        },
    };
    let pengelola = person(conn, "pengelola", "Siti Nurhalimah", Role::Manager)?;
    let balaisebut = person(conn, "balaisebut", "Antonius Jamal", Role::Manager)?;
    let stand_in = Person {
        by: ActorRef::system("demo"),
        name: "Pengelola perpustakaan".into(),
        role: Role::Manager,
    };
    let demo_library = libraries
        .iter()
        .find(|(c, _, _)| c.starts_with("3520"))
        .map(|(_, id, _)| *id);
    let mut sent = 0usize;
    let mut unlocked_one = false;
    // Never later than now: last month's reports may still be arriving.
    let clamp = |t: NaiveDateTime| t.min(now - Duration::minutes(30));
    for (i, (village, lib, _)) in libraries.iter().enumerate() {
        let lib = *lib;
        let tz = TimeZone::of_province(village);
        let is_demo = Some(lib) == demo_library;
        let manager = if is_demo {
            &pengelola
        } else if village == "6103042001" {
            &balaisebut
        } else {
            &stand_in
        };
        let paper = i % 6 == 5;
        let district = officers.district(village);
        let province = officers.province(village);

        // Three months ago: sent on time, approved as far as the region got.
        if paper {
            let typed =
                parse_manual(&paper_figures(i, m3)).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            store::save_manual(conn, &manager.who(), lib, m3, &typed, Step::Import, None)?;
        }
        if send(
            conn,
            &manager.who(),
            lib,
            m3,
            at(m3, 3 + (i % 6) as i64, 9, tz),
        )? {
            sent += 1;
            let settled = officers.settled(village);
            approve(
                conn,
                &district.who(),
                lib,
                m3,
                ApprovalLevel::District,
                at(m3, 12, 10, tz),
                None,
            )?;
            if settled.rank() >= ApprovalLevel::Province.rank() {
                approve(
                    conn,
                    &province.who(),
                    lib,
                    m3,
                    ApprovalLevel::Province,
                    at(m3, 16, 11, tz),
                    None,
                )?;
            }
            if settled == ApprovalLevel::National {
                approve(
                    conn,
                    &officers.admin.who(),
                    lib,
                    m3,
                    ApprovalLevel::National,
                    at(m3, 20, 14, tz),
                    Some("Lengkap."),
                )?;
            }
        }

        // Two months ago: nearly all sent, one in eight late.
        if i % 11 == 10 {
            continue; // this library never sent it
        }
        if paper {
            let typed =
                parse_manual(&paper_figures(i, m2)).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            store::save_manual(conn, &manager.who(), lib, m2, &typed, Step::Save, None)?;
        }
        let day = if i % 8 == 3 { 14 } else { 2 + (i % 7) as i64 };
        if send(conn, &manager.who(), lib, m2, at(m2, day, 8, tz))? {
            sent += 1;
            if is_demo {
                store::act(
                    conn,
                    &district.who(),
                    lib,
                    m2,
                    &Action::Return {
                        level: ApprovalLevel::District,
                        comment: "Kunjungan rombongan SDN 1 pada pertengahan bulan belum tercatat di buku tamu. Mohon lengkapi, lalu kirim ulang.".into(),
                    },
                    None,
                    at(m2, day + 2, 10, tz),
                )?;
            } else if i % 3 != 2 {
                approve(
                    conn,
                    &district.who(),
                    lib,
                    m2,
                    ApprovalLevel::District,
                    clamp(at(m2, day + 3, 10, tz)),
                    None,
                )?;
                if village.starts_with("61") && !unlocked_one {
                    approve(
                        conn,
                        &province.who(),
                        lib,
                        m2,
                        ApprovalLevel::Province,
                        clamp(at(m2, day + 5, 9, tz)),
                        None,
                    )?;
                    store::act(
                        conn,
                        &province.who(),
                        lib,
                        m2,
                        &Action::Unlock {
                            level: ApprovalLevel::Province,
                            reason: "Koreksi jumlah anggota baru: ada data ganda dari pendaftaran massal di sekolah.".into(),
                        },
                        None,
                        clamp(at(m2, day + 6, 9, tz)),
                    )?;
                    unlocked_one = true;
                }
            }
        }

        // Last month: about half sent so far (not the demo manager's).
        if is_demo || i % 2 == 1 {
            continue;
        }
        if paper {
            let typed =
                parse_manual(&paper_figures(i, m1)).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            store::save_manual(conn, &manager.who(), lib, m1, &typed, Step::Save, None)?;
        }
        let day = if i % 10 == 4 { 12 } else { 1 + (i % 9) as i64 };
        let when = at(m1, day, 9, tz);
        if when < now && send(conn, &manager.who(), lib, m1, when)? {
            sent += 1;
        }
    }
    tracing::info!(
        reports_sent = sent,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "seeded the demo monthly reports"
    );
    Ok(())
}

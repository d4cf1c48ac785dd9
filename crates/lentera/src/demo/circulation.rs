//! Demo circulation: members, loan rules, the 2026 holidays, and a handful
//! of current and overdue loans in the first two libraries.
//!
//! Deterministic: names, ages and everything else follow from the member's
//! index, so every demo is the same. Members are numbered per library from
//! A00001. In Magetan (the demo staff's library) **A00001** (Sri Wahyuni)
//! has no loans, for the browser test's scan-box checkout; A00002–A00009
//! have current loans and A00010–A00013 overdue ones. Loans use items from
//! B000100 on, so B000001–B000020 stay on the shelf for tests.

use anyhow::{Context, Result};
use chrono::{Duration, NaiveDate, Weekday};
use lentera_core::audit::ActorRef;
use lentera_core::circulation::{LoanRule, MemberDraft, MemberForm};
use lentera_core::ids::LibraryId;
use lentera_store::DbConn;
use lentera_store::circulation::{self as circ, Settings};

/// Members in each of the first two libraries.
const MEMBERS: usize = 60;

const WOMEN: &[&str] = &[
    "Sri Wahyuni",
    "Siti Nurjanah",
    "Dewi Lestari",
    "Rina Marlina",
    "Endang Susilowati",
    "Yuliana Sari",
    "Tri Handayani",
    "Nur Aisyah",
    "Wulan Dari",
    "Puji Rahayu",
    "Maria Ngadi",
    "Lina Kartika",
    "Anisa Rahmawati",
    "Ratna Wulandari",
    "Kartini Siregar",
    "Fitri Ayu Ningsih",
    "Sumiati",
    "Yohana Lidia",
    "Suparmi",
    "Dian Puspitasari",
];

const MEN: &[&str] = &[
    "Agus Setiawan",
    "Budi Santoso",
    "Joko Prasetyo",
    "Slamet Riyadi",
    "Eko Wahyudi",
    "Ahmad Fauzi",
    "Sutrisno",
    "Yohanes Atok",
    "Rudi Hartono",
    "Bambang Sugiarto",
    "Dimas Saputra",
    "Rizky Ramadhan",
    "Hendra Gunawan",
    "Antonius Juang",
    "Wahyu Hidayat",
    "Teguh Santosa",
    "Fransiskus Apin",
    "Mulyono",
    "Arif Budiman",
    "Hasan Basri",
];

const OCCUPATIONS: &[&str] = &[
    "Petani",
    "Pelajar",
    "Ibu rumah tangga",
    "Pedagang",
    "Guru",
    "Buruh tani",
    "Wiraswasta",
    "Perangkat desa",
    "Peternak",
    "Penjahit",
];

/// The 2026 national holidays and joint leave days (SKB 3 Menteri
/// No. 1497/2025, 2/2025, 5/2025).
pub const HOLIDAYS_2026: &[(u32, u32, &str)] = &[
    (1, 1, "Tahun Baru 2026 Masehi"),
    (1, 16, "Isra Mikraj Nabi Muhammad SAW"),
    (2, 16, "Cuti bersama Tahun Baru Imlek"),
    (2, 17, "Tahun Baru Imlek 2577 Kongzili"),
    (3, 18, "Cuti bersama Hari Suci Nyepi"),
    (3, 19, "Hari Suci Nyepi (Tahun Baru Saka 1948)"),
    (3, 20, "Cuti bersama Idul Fitri 1447 H"),
    (3, 21, "Idul Fitri 1447 H"),
    (3, 22, "Idul Fitri 1447 H"),
    (3, 23, "Cuti bersama Idul Fitri 1447 H"),
    (3, 24, "Cuti bersama Idul Fitri 1447 H"),
    (4, 3, "Wafat Yesus Kristus"),
    (4, 5, "Kebangkitan Yesus Kristus (Paskah)"),
    (5, 1, "Hari Buruh Internasional"),
    (5, 14, "Kenaikan Yesus Kristus"),
    (5, 15, "Cuti bersama Kenaikan Yesus Kristus"),
    (5, 27, "Idul Adha 1447 H"),
    (5, 28, "Cuti bersama Idul Adha 1447 H"),
    (5, 31, "Hari Raya Waisak 2570 BE"),
    (6, 1, "Hari Lahir Pancasila"),
    (6, 16, "Tahun Baru Islam 1448 H"),
    (8, 17, "Hari Kemerdekaan Republik Indonesia"),
    (8, 25, "Maulid Nabi Muhammad SAW"),
    (12, 24, "Cuti bersama Hari Raya Natal"),
    (12, 25, "Hari Raya Natal"),
];

fn rule(
    member_type: &str,
    collection: &str,
    days: i32,
    max: i32,
    renew: i32,
    fine: i64,
) -> LoanRule {
    LoanRule {
        member_type: member_type.into(),
        collection: collection.into(),
        loan_days: days,
        max_loans: max,
        max_renewals: renew,
        fine_per_day: fine,
    }
}

/// Member `i` of a library whose village is `village`, as a form.
fn member_form(i: usize, village: &str, today: NaiveDate) -> MemberForm {
    let woman = i.is_multiple_of(2);
    let names = if woman { WOMEN } else { MEN };
    let name = names[(i / 2 + i / 40) % names.len()];
    // Ages spread over the four groups: children and youths are the
    // libraries' most frequent borrowers.
    let age = [9, 15, 34, 11, 47, 17, 63, 28, 8, 52, 14, 71][i % 12] as i64;
    let birth = today - Duration::days(age * 365 + (i as i64 * 37) % 300);
    let member_type = match age {
        ..=12 => "anak",
        13..=18 => "pelajar",
        _ => "umum",
    };
    let education = match age {
        ..=6 => "tidak_sekolah",
        7..=12 => "sd",
        13..=15 => "smp",
        16..=18 => "sma",
        _ => ["sd", "smp", "sma", "diploma", "s1"][i % 5],
    };
    // A few members with a disability: inclusion is the programme's point.
    let disability = match i % 13 {
        4 => "fisik",
        9 => "sensorik_netra",
        12 => "sensorik_rungu_wicara",
        _ => "",
    };
    // Every fourth adult gave their NIK: the kecamatan, birth date (+40 for
    // women) and a sequence.
    let nik = if i % 4 == 2 && age >= 17 {
        use chrono::Datelike;
        let day = birth.day() + if woman { 40 } else { 0 };
        format!(
            "{}{:02}{:02}{:02}{:04}",
            &village[..6],
            day,
            birth.month(),
            birth.year() % 100,
            i + 1
        )
    } else {
        String::new()
    };
    MemberForm {
        full_name: if i >= names.len() * 2 {
            // Later members get a family name so names stay distinct.
            format!("{name} {}", ["Putra", "Putri", "Wibowo", "Lestari"][i % 4])
        } else {
            name.to_string()
        },
        gender: if woman { "P" } else { "L" }.into(),
        birth_date: birth.to_string(),
        member_type: member_type.into(),
        address: format!(
            "Dusun {}",
            ["Krajan", "Sumberejo", "Ngelo", "Tegalsari"][i % 4]
        ),
        rt: format!("{}", 1 + i % 6),
        rw: format!("{}", 1 + i % 3),
        village_code: village.into(),
        phone: if i.is_multiple_of(3) {
            format!("0812 3{:03} {:04}", i * 7 % 1000, 1000 + i * 13)
        } else {
            String::new()
        },
        occupation: if age <= 18 {
            "Pelajar".into()
        } else {
            OCCUPATIONS[i % OCCUPATIONS.len()].into()
        },
        education: education.into(),
        disability: disability.into(),
        nik,
        ..Default::default()
    }
}

/// `libraries`: every demo library, the Magetan one (where the demo manager
/// and staff work) first.
pub fn seed(conn: &mut DbConn, libraries: &[LibraryId]) -> Result<()> {
    let by = ActorRef::system("demo");
    let tree = lentera_store::regions::tree(conn)?;
    let today = (lentera_store::now() + Duration::hours(7)).date();
    for (n, lib) in libraries.iter().take(2).enumerate() {
        let village = lentera_store::libraries::get(conn, *lib)?
            .details
            .village_code
            .to_string();
        circ::save_settings(
            conn,
            &by,
            *lib,
            &Settings {
                closed_weekdays: vec![Weekday::Sun],
                fines_enabled: false,
                hold_pickup_days: 3,
            },
        )?;
        for r in [
            rule("*", "*", 7, 3, 1, 500),
            rule("umum", "*", 14, 3, 1, 500),
            rule("pelajar", "*", 7, 3, 1, 500),
            rule("anak", "*", 7, 2, 1, 0),
            rule("*", "referensi", 3, 1, 0, 1000),
        ] {
            circ::save_rule(conn, &by, *lib, &r)?;
        }
        for (m, d, name) in HOLIDAYS_2026 {
            let day = NaiveDate::from_ymd_opt(2026, *m, *d).context("holiday date")?;
            circ::save_holiday(conn, &by, *lib, day, name)?;
        }
        let mut members = Vec::with_capacity(MEMBERS);
        for i in 0..MEMBERS {
            let form = member_form(i + n * 7, &village, today);
            let draft = MemberDraft::parse(&form, &tree, None, today)
                .map_err(|e| anyhow::anyhow!("demo member {i}: {e:?}"))?;
            members.push(circ::create_member(conn, &by, *lib, &draft, today)?);
        }
        // Loans: members 2–9 borrowed last week, 10–13 a month ago (overdue).
        let items = circ::available_barcodes(conn, *lib, "B000100", 40)?;
        let mut items = items.into_iter().step_by(3);
        for (k, m) in members.iter().enumerate().take(13).skip(1) {
            let Some(code) = items.next() else { break };
            let day = if k < 9 {
                today - Duration::days(3 + k as i64 % 4)
            } else {
                today - Duration::days(30 + k as i64)
            };
            // A refusal (limit, rules) just means this demo loan is skipped.
            let _ = circ::checkout(conn, &by, *lib, &m.id, &code, day)?;
        }
    }
    println!(
        "  Anggota demo: {MEMBERS} per perpustakaan di dua perpustakaan pertama. Kartu anggota contoh di Magetan: A00001 (tanpa pinjaman), A00002 (sedang meminjam), A00010 (terlambat)."
    );
    Ok(())
}

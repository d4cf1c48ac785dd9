//! Demo visits data for the demo libraries: about 120 days of guest book,
//! shaped like a village library's week. Quiet mornings with a few adults
//! and older people reading the paper; a busy hour after school (13.00–16.00)
//! when children and teenagers come, girls more often to read, boys more
//! often for the internet; Saturdays busier with children; Sundays closed;
//! a school class some weekdays and the PKK women's group once a month.
//! Deterministic (a fixed pseudo-random sequence per library) and fast
//! (multi-row inserts in one transaction).

use anyhow::Result;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use lentera_core::audit::ActorRef;
use lentera_core::ids::LibraryId;
use lentera_core::visits::{AgeGroup, Purpose, TimeZone};
use lentera_store::DbConn;
use lentera_store::visits::{self as store, NewVisit};

const DAYS: i64 = 120;

const GIRLS: &[&str] = &[
    "Aisyah",
    "Putri",
    "Nabila",
    "Salsabila",
    "Dewi",
    "Siti",
    "Nur Aini",
    "Anisa",
    "Rahma",
    "Indah",
    "Wulan",
    "Fitri",
    "Ayu",
    "Lestari",
    "Maria",
    "Yohana",
    "Kartika",
    "Melati",
];
const BOYS: &[&str] = &[
    "Bagus", "Rizky", "Aditya", "Fajar", "Dimas", "Agus", "Budi", "Eko", "Yohanes", "Antonius",
    "Ilham", "Arif", "Hendra", "Wahyu", "Joko", "Andreas", "Bayu", "Rendi",
];
const FAMILY: &[&str] = &[
    "Santoso",
    "Wibowo",
    "Lestari",
    "Purnomo",
    "Hidayat",
    "Saputra",
    "Rahayu",
    "Kurniawan",
    "Setiawan",
    "Nugroho",
    "Pratama",
    "Ngasi",
    "Jamal",
    "Sitanggang",
    "Handayani",
];
const SCHOOLS: &[&str] = &["SDN 1", "SDN 2", "SD Inpres", "MI Nurul Huda", "SMPN 1"];

/// A small deterministic generator (xorshift64*): the same demo every time.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// 0..n
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len() as u64) as usize]
    }
}

/// `libraries`: every demo library, the Magetan one (where the demo manager
/// and staff work) first.
pub fn seed(conn: &mut DbConn, libraries: &[LibraryId]) -> Result<()> {
    let started = std::time::Instant::now();
    let libs = lentera_store::libraries::get_many(conn, libraries)?;
    let today = TimeZone::Wib.local_date(lentera_store::now());
    let mut rows = Vec::new();
    let mut villages = Vec::new();
    for (i, id) in libraries.iter().enumerate() {
        let Some(lib) = libs.iter().find(|l| l.id == *id) else {
            continue;
        };
        let tz = TimeZone::of_region(&lib.details.village_code);
        villages.push((lib.id, lib.details.village_code.clone()));
        // The first two (the demo users' libraries) are busy; the rest have
        // a few visitors a day, so district roll-ups have figures too.
        let scale = if i < 2 { 4 } else { 1 };
        let mut rng = Rng::new(i as u64 + 1);
        let local_today = tz.local_date(lentera_store::now());
        for back in (1..=DAYS).rev() {
            let day = local_today - Duration::days(back);
            day_of(&mut rng, lib.id, tz, day, scale, &mut rows);
        }
        // Today so far: a few morning visitors.
        if i < 2 && local_today.weekday() != Weekday::Sun {
            for _ in 0..3 {
                rows.push(person(&mut rng, lib.id, tz, local_today, 8, false));
            }
        }
    }
    let by = ActorRef::system("demo");
    let n = store::insert_many(conn, &by, &rows, &villages)?;
    tracing::info!(
        visits = n,
        %today,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "seeded the demo guest book"
    );
    Ok(())
}

fn at(tz: TimeZone, day: NaiveDate, hour: u32, minute: u32) -> chrono::NaiveDateTime {
    day.and_hms_opt(hour, minute, 0).unwrap_or_default() - Duration::hours(tz.offset_hours())
}

/// One individual visitor. After school (`afternoon`) they are mostly
/// children and teenagers.
fn person(
    rng: &mut Rng,
    library: LibraryId,
    tz: TimeZone,
    day: NaiveDate,
    hour: u32,
    afternoon: bool,
) -> NewVisit {
    let age = if afternoon {
        match rng.below(10) {
            0..=4 => AgeGroup::Anak,
            5..=7 => AgeGroup::Remaja,
            _ => AgeGroup::Dewasa,
        }
    } else {
        match rng.below(10) {
            0 => AgeGroup::Anak,
            1 => AgeGroup::Remaja,
            2..=7 => AgeGroup::Dewasa,
            _ => AgeGroup::Lansia,
        }
    };
    // Girls read more: about 60% of young visitors are girls.
    let female = match age {
        AgeGroup::Anak | AgeGroup::Remaja => rng.chance(60),
        _ => rng.chance(52),
    };
    let purpose = match (age, female, rng.below(10)) {
        (AgeGroup::Anak, _, 0..=5) => Purpose::Membaca,
        (AgeGroup::Anak, _, 6..=7) => Purpose::Belajar,
        (AgeGroup::Anak, _, _) => Purpose::Meminjam,
        // Boys come for the internet; girls to study and read.
        (AgeGroup::Remaja, false, r) if r <= 4 => Purpose::Internet,
        (AgeGroup::Remaja, _, r) if r <= 5 => Purpose::Belajar,
        (AgeGroup::Remaja, _, r) if r <= 7 => Purpose::Membaca,
        (AgeGroup::Remaja, _, _) => Purpose::Meminjam,
        (AgeGroup::Lansia, _, r) if r <= 6 => Purpose::Membaca,
        (AgeGroup::Lansia, _, _) => Purpose::Lainnya,
        (_, _, 0..=3) => Purpose::Membaca,
        (_, _, 4..=5) => Purpose::Internet,
        (_, _, 6..=7) => Purpose::Meminjam,
        (_, _, 8) => Purpose::Kegiatan,
        _ => Purpose::Lainnya,
    };
    let first = if female {
        rng.pick(GIRLS)
    } else {
        rng.pick(BOYS)
    };
    let name = format!("{first} {}", rng.pick(FAMILY));
    NewVisit {
        library,
        visited_at: at(tz, day, hour, rng.below(60) as u32),
        visit_date: day,
        visitor_name: Some(name),
        group_name: None,
        males: i32::from(!female),
        females: i32::from(female),
        age_group: age,
        purpose,
    }
}

fn day_of(
    rng: &mut Rng,
    library: LibraryId,
    tz: TimeZone,
    day: NaiveDate,
    scale: u64,
    out: &mut Vec<NewVisit>,
) {
    let wd = day.weekday();
    if wd == Weekday::Sun {
        return;
    }
    // Mornings: a few adults. Friday is short (Friday prayers).
    let morning = rng.below(2 + scale) + scale / 2;
    for _ in 0..morning {
        let hour = 8 + rng.below(4) as u32;
        out.push(person(rng, library, tz, day, hour, false));
    }
    let after = match wd {
        Weekday::Fri => rng.below(2 * scale),
        Weekday::Sat => 2 * scale + rng.below(4 * scale),
        _ => scale + rng.below(3 * scale),
    };
    for _ in 0..after {
        let hour = 13 + rng.below(3) as u32;
        out.push(person(rng, library, tz, day, hour, true));
    }
    // A school class on about one weekday in nine.
    if !matches!(wd, Weekday::Sat) && rng.chance(11) {
        let size = 18 + rng.below(15) as i32;
        let boys = size * (40 + rng.below(20) as i32) / 100;
        let class = 1 + rng.below(6);
        out.push(NewVisit {
            library,
            visited_at: at(tz, day, 9, 30),
            visit_date: day,
            visitor_name: None,
            group_name: Some(format!("{} kelas {class}", rng.pick(SCHOOLS))),
            males: boys,
            females: size - boys,
            age_group: AgeGroup::Anak,
            purpose: if rng.chance(60) {
                Purpose::Kegiatan
            } else {
                Purpose::Membaca
            },
        });
    }
    // The PKK women's group meets in the library once a month.
    if day.day() == 15 && wd != Weekday::Sat {
        let women = 10 + rng.below(12) as i32;
        out.push(NewVisit {
            library,
            visited_at: at(tz, day, 10, 0),
            visit_date: day,
            visitor_name: None,
            group_name: Some("PKK Desa".into()),
            males: 0,
            females: women,
            age_group: AgeGroup::Dewasa,
            purpose: Purpose::Kegiatan,
        });
    }
}

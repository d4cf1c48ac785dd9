//! Demo events: the five Bimtek events with their real places, dates and modes, agendas, teams, attendance, tests, surveys and certificates.
//!
//! - NTT 2023: Hotel Swiss-Belcourt Kupang, 22–25 May 2023, in person,
//!   12 village teams and two district staff (62 people).
//! - Kalimantan Barat 2023: Hotel Aston Pontianak, 22–26 May 2023, 27
//!   village teams from 7 kabupaten, Balai Sebut (Sanggau) among them.
//! - Jawa Timur 2024, blended: 4 Magetan libraries in person in Surabaya in
//!   May, 34 online on 3–4 July from the district agency's meeting room.
//! - Kalimantan Tengah 2021: Hotel Luwansa Palangka Raya, opened Tuesday
//!   29 June 2021, a team from each of the 14 kabupaten/kota.
//! - Jambi 2023: Swiss-Belhotel Jambi, 14–18 May 2023.
//!
//! Plus two Magetan events around the day the demo is loaded, so the pages
//! can be tried: a peer learning meeting running this week with no roll
//! call yet, and a replication training in three weeks, open for
//! registration. Every person is invented; the names are drawn
//! deterministically from pools that sound like each province.

use anyhow::{Context, Result};
use chrono::{Datelike, Duration, NaiveDate};
use lentera_core::audit::ActorRef;
use lentera_core::events::{
    CertificateCode, EventDraft, EventKind, Mode, ParticipantDraft, ParticipantForm, SessionDraft,
    SessionForm, SurveyDraft, SurveyForm, TrainerDraft, TrainerForm,
};
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use lentera_core::visits::TimeZone;
use lentera_store::DbConn;
use lentera_store::events::{self as store, Event};

fn h(s: &str) -> u64 {
    s.bytes().fold(1469598103934665603u64, |a, b| {
        (a ^ u64::from(b)).wrapping_mul(1099511628211)
    })
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

/// Given names (women, men) and family names that sound like a province.
struct Names {
    women: &'static [&'static str],
    men: &'static [&'static str],
    family: &'static [&'static str],
}

const NTT: Names = Names {
    women: &[
        "Maria",
        "Yuliana",
        "Agustina",
        "Febronia",
        "Theresia",
        "Veronika",
        "Elisabet",
        "Marselina",
        "Yasinta",
        "Oktaviana",
    ],
    men: &[
        "Yohanes",
        "Petrus",
        "Fransiskus",
        "Marthen",
        "Yakobus",
        "Kornelis",
        "Aloysius",
        "Benediktus",
        "Simon",
        "Ferdinandus",
    ],
    family: &[
        "Bria", "Nahak", "Seran", "Tefa", "Mau", "Lake", "Ndoen", "Manafe", "Liu", "Taek",
        "Nenobais", "Koroh",
    ],
};
const KALBAR: Names = Names {
    women: &[
        "Yuliana",
        "Margareta",
        "Rosalia",
        "Dayang",
        "Siti",
        "Nurhayati",
        "Kristina",
        "Melati",
        "Norma",
        "Lidia",
    ],
    men: &[
        "Antonius",
        "Paulus",
        "Stefanus",
        "Abang",
        "Usman",
        "Markus",
        "Bernardus",
        "Hamdan",
        "Ignasius",
        "Syarif",
    ],
    family: &[
        "Ngasi", "Jamal", "Ningkan", "Lawing", "Suhardi", "Jelani", "Kuran", "Sabran", "Unyang",
        "Mering", "Alui", "Bujang",
    ],
};
const JATIM: Names = Names {
    women: &[
        "Sri", "Tutik", "Endang", "Sumarni", "Wahyuni", "Puji", "Lestari", "Siti", "Eni", "Dwi",
        "Ninik", "Anik",
    ],
    men: &[
        "Suparno", "Bambang", "Agus", "Joko", "Suwarno", "Heru", "Eko", "Slamet", "Teguh", "Budi",
        "Sugeng", "Wahyu",
    ],
    family: &[
        "Santoso",
        "Wibowo",
        "Purnomo",
        "Setiawan",
        "Rahayu",
        "Handayani",
        "Susanto",
        "Kurniawati",
        "Prasetyo",
        "Widodo",
        "Hartono",
        "Sulistyo",
    ],
};
const KALTENG: Names = Names {
    women: &[
        "Enda", "Rosita", "Lusiana", "Dewi", "Ester", "Indah", "Marlina", "Yanti", "Debora",
        "Herlina",
    ],
    men: &[
        "Tambun", "Rahmadi", "Ideham", "Sabran", "Yulius", "Kardinal", "Liber", "Hendri", "Dehen",
        "Untung",
    ],
    family: &[
        "Dinan", "Bungai", "Usop", "Nahan", "Tuah", "Lambung", "Saman", "Riwut", "Andin",
        "Toendan", "Penyang", "Asang",
    ],
};
const JAMBI: Names = Names {
    women: &[
        "Nurhayati",
        "Zubaidah",
        "Rosmawati",
        "Yusnidar",
        "Hasanah",
        "Maimunah",
        "Fatimah",
        "Rahmi",
        "Nurlela",
        "Salmah",
    ],
    men: &[
        "Hasanudin",
        "Syamsul",
        "Zulkifli",
        "Jamaluddin",
        "Ismail",
        "Abdullah",
        "Rasyid",
        "Marzuki",
        "Herman",
        "Yusuf",
    ],
    family: &[
        "Lubis",
        "Harahap",
        "Nasution",
        "Siregar",
        "Chaniago",
        "Tanjung",
        "Rangkuti",
        "Sembiring",
        "Daulay",
        "Pohan",
    ],
};

/// The team of five the program asks for, with the usual gender of each
/// seat (village heads mostly men, PKK women).
const TEAM: [(&str, u64); 5] = [
    ("kepala_desa", 15),
    ("perangkat_desa", 50),
    ("pengelola", 65),
    ("pkk", 100),
    ("karang_taruna", 40),
];

fn person(names: &Names, seed: &str, women_percent: u64) -> (String, &'static str) {
    let x = h(seed);
    let woman = x % 100 < women_percent;
    let given = if woman {
        names.women[(x / 7 % names.women.len() as u64) as usize]
    } else {
        names.men[(x / 7 % names.men.len() as u64) as usize]
    };
    let family = names.family[(h(&format!("{seed}#family")) % names.family.len() as u64) as usize];
    (format!("{given} {family}"), if woman { "P" } else { "L" })
}

fn phone(seed: &str) -> String {
    let x = h(seed);
    format!("08{}{:08}", 11 + x % 9, x / 13 % 100_000_000)
}

/// An agenda session: day offset, start, end, topic, title, mode.
type Slot = (
    i64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// The Bimtek SPP-TIK curriculum over four days, in person.
const BIMTEK: &[Slot] = &[
    (0, "08.00", "09.30", "konsep_tpbis", "", ""),
    (0, "09.45", "12.00", "layanan_informasi", "", ""),
    (0, "13.00", "15.30", "pelibatan_masyarakat", "", ""),
    (1, "08.00", "10.00", "advokasi", "", ""),
    (
        1,
        "10.15",
        "12.00",
        "monev",
        "Sistem informasi manajemen (SIM) TPBIS",
        "",
    ),
    (
        1,
        "13.00",
        "16.00",
        "tik_dasar",
        "Aplikasi perkantoran dan internet",
        "",
    ),
    (2, "08.00", "10.00", "etos_kerja", "", ""),
    (2, "10.15", "12.00", "layanan_prima", "", ""),
    (2, "13.00", "16.00", "rencana_kerja", "", ""),
    (
        3,
        "08.00",
        "11.00",
        "rencana_kerja",
        "Presentasi dan umpan balik rencana kerja",
        "",
    ),
];

/// A fifth day (Kalimantan Barat, Jambi): practice and closing.
const FIFTH_DAY: &[Slot] = &[
    (
        4,
        "08.00",
        "10.00",
        "tik_dasar",
        "Praktik literasi data",
        "",
    ),
    (
        4,
        "10.15",
        "12.00",
        "other",
        "Rencana tindak lanjut dan penutupan",
        "",
    ),
];

/// Jawa Timur 2024: the in-person part in Surabaya (day 0 = 21 May) and
/// the online part on 3–4 July (day 43).
const JATIM_BLENDED: &[Slot] = &[
    (0, "08.00", "09.30", "konsep_tpbis", "", "in_person"),
    (0, "09.45", "12.00", "layanan_informasi", "", "in_person"),
    (0, "13.00", "15.30", "pelibatan_masyarakat", "", "in_person"),
    (1, "08.00", "10.00", "advokasi", "", "in_person"),
    (
        1,
        "10.15",
        "12.00",
        "monev",
        "Sistem informasi manajemen (SIM) TPBIS",
        "in_person",
    ),
    (1, "13.00", "16.00", "tik_dasar", "", "in_person"),
    (2, "08.00", "10.00", "layanan_prima", "", "in_person"),
    (2, "10.15", "12.00", "rencana_kerja", "", "in_person"),
    (43, "08.00", "10.00", "konsep_tpbis", "", "online"),
    (43, "10.15", "12.00", "layanan_informasi", "", "online"),
    (43, "13.00", "15.00", "pelibatan_masyarakat", "", "online"),
    (44, "08.00", "10.00", "advokasi", "", "online"),
    (
        44,
        "10.15",
        "12.00",
        "monev",
        "Sistem informasi manajemen (SIM) TPBIS",
        "online",
    ),
    (44, "13.00", "15.00", "rencana_kerja", "", "online"),
];

const PEER_LEARNING: &[Slot] = &[
    (
        0,
        "08.30",
        "10.00",
        "monev",
        "Penilaian mandiri (self-assessment) perpustakaan",
        "",
    ),
    (
        0,
        "10.15",
        "12.00",
        "other",
        "Berbagi praktik baik antardesa",
        "",
    ),
    (
        1,
        "08.30",
        "11.00",
        "rencana_kerja",
        "Kemajuan rencana kerja",
        "",
    ),
    (
        1,
        "13.00",
        "15.00",
        "advokasi",
        "Dukungan APBDes untuk perpustakaan",
        "",
    ),
    (
        2,
        "08.30",
        "11.00",
        "pelibatan_masyarakat",
        "Kegiatan bersama PKK dan Karang Taruna",
        "",
    ),
];

const REPLICATION: &[Slot] = &[
    (0, "08.00", "10.00", "konsep_tpbis", "", ""),
    (0, "10.15", "12.00", "layanan_informasi", "", ""),
    (0, "13.00", "15.00", "pelibatan_masyarakat", "", ""),
    (1, "08.00", "10.00", "advokasi", "", ""),
    (1, "10.15", "12.00", "rencana_kerja", "", ""),
];

const TRAINERS: &[(&str, &str, &str)] = &[
    (
        "Dr. Rina Hapsari, M.Hum.",
        "Perpustakaan Nasional RI",
        "Pelatih ahli",
    ),
    (
        "Yusuf Kurniadi, S.IP.",
        "Perpustakaan Nasional RI",
        "Pelatih ahli",
    ),
    (
        "Fransiska Dewi Lestari, M.A.",
        "Konsultan TPBIS",
        "Pelatih ahli",
    ),
    ("Markus Tanau, S.Sos.", "Fasilitator daerah", "Narasumber"),
    (
        "Hj. Nurhasanah Siregar, M.Pd.",
        "Pelatih ahli provinsi",
        "Pelatih ahli",
    ),
    ("Gregorius Ama Lewar", "Konsultan TPBIS", "Narasumber"),
];

const BEST: &[&str] = &[
    "Praktik menyusun rencana kerja bersama tim desa.",
    "Materi pelibatan masyarakat, banyak contoh kegiatan yang bisa langsung dicoba.",
    "Belajar TIK dasar: membuat surat, tabel dan mencari informasi di internet.",
    "Cerita sukses perpustakaan desa lain membuat kami semangat.",
    "Materi advokasi ke kepala desa dan BPD untuk anggaran perpustakaan.",
    "Pelatihnya sabar dan contoh-contohnya dekat dengan keadaan desa.",
];
const IMPROVE: &[&str] = &[
    "Waktu praktik komputer ditambah.",
    "Materi dibagikan dalam bentuk cetak juga.",
    "Sinyal internet di ruangan kurang stabil.",
    "Jadwal terlalu padat di hari kedua.",
    "Perlu pendampingan lanjutan setelah pelatihan.",
];

/// One event of the demonstration.
struct Plan {
    note: &'static str,
    draft: EventDraft,
    agenda: &'static [&'static [Slot]],
    names: &'static Names,
    /// People per library (five for a Bimtek).
    team: usize,
    /// In a blended event, how many libraries come in person (the first).
    in_person: usize,
    /// Staff of district agencies who came without a library.
    guests: &'static [&'static str],
    /// Taken place: roll calls, tests, survey, certificates.
    held: bool,
    /// Libraries taken (a subset for the current events).
    take: usize,
}

#[allow(clippy::too_many_arguments)]
fn draft(
    kind: EventKind,
    title: &str,
    region: &str,
    venue: &str,
    starts: NaiveDate,
    ends: NaiveDate,
    mode: Mode,
    link: Option<&str>,
    organiser: &str,
    caps: (Option<i32>, Option<i32>),
    signatory: (&str, &str),
) -> Result<EventDraft> {
    Ok(EventDraft {
        kind,
        title: title.into(),
        region_code: RegionCode::parse(region)
            .map_err(|_| anyhow::anyhow!("bad region {region}"))?,
        venue: Some(venue.into()),
        starts_on: starts,
        ends_on: ends,
        mode,
        meeting_link: link.map(str::to_string),
        organiser: Some(organiser.into()),
        capacity_in_person: caps.0,
        capacity_online: caps.1,
        workplan_due_days: 30,
        certificate_percent: 100,
        signatory_name: Some(signatory.0.into()),
        signatory_position: Some(signatory.1.into()),
    })
}

fn plans(today: NaiveDate) -> Result<Vec<Plan>> {
    use EventKind::*;
    use Mode::*;
    Ok(vec![
        Plan {
            note: "NTT 2023",
            draft: draft(
                Bimtek,
                "Bimtek SPP-TIK Provinsi Nusa Tenggara Timur 2023",
                "53",
                "Hotel Swiss-Belcourt Kupang",
                d(2023, 5, 22),
                d(2023, 5, 25),
                InPerson,
                None,
                "Dinas Kearsipan dan Perpustakaan Provinsi Nusa Tenggara Timur",
                (Some(70), None),
                ("Drs. Aloysius Mbete, M.Si.", "Ketua Panitia Penyelenggara"),
            )?,
            agenda: &[BIMTEK],
            names: &NTT,
            team: 5,
            in_person: usize::MAX,
            guests: &[
                "Dinas Perpustakaan Kabupaten Kupang",
                "Dinas Perpustakaan Kota Kupang",
            ],
            held: true,
            take: usize::MAX,
        },
        Plan {
            note: "Kalbar 2023",
            draft: draft(
                Bimtek,
                "Bimtek SPP-TIK Provinsi Kalimantan Barat 2023",
                "61",
                "Hotel Aston Pontianak",
                d(2023, 5, 22),
                d(2023, 5, 26),
                InPerson,
                None,
                "Dinas Perpustakaan dan Kearsipan Provinsi Kalimantan Barat",
                (Some(140), None),
                ("Dra. Margareta Ambun, M.Si.", "Ketua Panitia Penyelenggara"),
            )?,
            agenda: &[BIMTEK, FIFTH_DAY],
            names: &KALBAR,
            team: 5,
            in_person: usize::MAX,
            guests: &[],
            held: true,
            take: usize::MAX,
        },
        Plan {
            note: "Jatim 2024",
            draft: draft(
                Bimtek,
                "Bimtek SPP-TIK Provinsi Jawa Timur 2024",
                "35",
                "Surabaya (tatap muka, Mei 2024); ruang rapat Dinas Perpustakaan dan Kearsipan Kabupaten Magetan (daring, 3–4 Juli 2024)",
                d(2024, 5, 21),
                d(2024, 7, 4),
                Blended,
                Some("Zoom Meeting ID 851 2024 0703, kode sandi dibagikan panitia"),
                "Dinas Perpustakaan dan Kearsipan Provinsi Jawa Timur",
                (Some(20), Some(200)),
                ("Dr. Heru Prasetyo, M.M.", "Ketua Panitia Penyelenggara"),
            )?,
            agenda: &[JATIM_BLENDED],
            names: &JATIM,
            team: 5,
            in_person: 4,
            guests: &[],
            held: true,
            take: usize::MAX,
        },
        Plan {
            note: "Kalteng 2021",
            draft: draft(
                Bimtek,
                "Bimtek SPP-TIK Provinsi Kalimantan Tengah 2021",
                "62",
                "Hotel Luwansa Palangka Raya",
                d(2021, 6, 29),
                d(2021, 7, 2),
                InPerson,
                None,
                "Dinas Arsip dan Perpustakaan Provinsi Kalimantan Tengah",
                (Some(75), None),
                ("Drs. Yulius Nahan, M.Si.", "Ketua Panitia Penyelenggara"),
            )?,
            agenda: &[BIMTEK],
            names: &KALTENG,
            team: 5,
            in_person: usize::MAX,
            guests: &[],
            held: true,
            take: usize::MAX,
        },
        Plan {
            note: "Jambi 2023",
            draft: draft(
                Bimtek,
                "Bimtek SPP-TIK Provinsi Jambi 2023",
                "15",
                "Swiss-Belhotel Jambi",
                d(2023, 5, 14),
                d(2023, 5, 18),
                InPerson,
                None,
                "Dinas Perpustakaan dan Arsip Daerah Provinsi Jambi",
                (Some(60), None),
                (
                    "H. Zulkifli Daulay, S.H., M.H.",
                    "Ketua Panitia Penyelenggara",
                ),
            )?,
            agenda: &[BIMTEK, FIFTH_DAY],
            names: &JAMBI,
            team: 5,
            in_person: usize::MAX,
            guests: &[],
            held: true,
            take: usize::MAX,
        },
        Plan {
            note: "Jatim 2024",
            draft: draft(
                PeerLearning,
                &format!("Peer Learning Meeting Kabupaten Magetan {}", today.year()),
                "3520",
                "Aula Dinas Perpustakaan dan Kearsipan Kabupaten Magetan",
                today - Duration::days(1),
                today + Duration::days(1),
                InPerson,
                None,
                "Dinas Perpustakaan dan Kearsipan Kabupaten Magetan",
                (Some(40), None),
                (
                    "Sri Wahyuningsih, S.Sos., M.Si.",
                    "Ketua Panitia Penyelenggara",
                ),
            )?,
            agenda: &[PEER_LEARNING],
            names: &JATIM,
            team: 2,
            in_person: usize::MAX,
            guests: &[],
            held: false,
            take: 10,
        },
        Plan {
            note: "Jatim 2024",
            draft: draft(
                Replication,
                &format!(
                    "Pelatihan Replikasi TPBIS Kabupaten Magetan {}",
                    (today + Duration::days(24)).year()
                ),
                "3520",
                "Aula Dinas Perpustakaan dan Kearsipan Kabupaten Magetan",
                today + Duration::days(24),
                today + Duration::days(25),
                InPerson,
                None,
                "Dinas Perpustakaan dan Kearsipan Kabupaten Magetan",
                (Some(25), None),
                (
                    "Sri Wahyuningsih, S.Sos., M.Si.",
                    "Ketua Panitia Penyelenggara",
                ),
            )?,
            agenda: &[REPLICATION],
            names: &JATIM,
            team: 5,
            in_person: usize::MAX,
            guests: &[],
            held: false,
            take: 3,
        },
    ])
}

/// Random bytes for certificate codes: the demo's certificates verify like
/// real ones, so their codes are as unguessable.
fn random_bytes() -> Result<impl FnMut() -> u8> {
    let mut buf: Vec<u8> = Vec::new();
    let mut pos = 0;
    let fill = move || -> Result<Vec<u8>> {
        let hex = lentera_web::auth::random_token().map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok((0..hex.len() / 2)
            .filter_map(|i| u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).ok())
            .collect())
    };
    for _ in 0..64 {
        buf.extend(fill()?);
    }
    Ok(move || {
        if pos == buf.len() {
            if let Ok(more) = fill() {
                buf = more;
            }
            pos = 0;
        }
        pos += 1;
        buf[pos - 1]
    })
}

fn session(e: &Event, slot: &Slot) -> Result<SessionDraft> {
    let (day, start, end, topic, title, mode) = *slot;
    let date = e.details.starts_on + Duration::days(day);
    SessionDraft::parse(
        &SessionForm {
            topic: topic.into(),
            title: title.into(),
            date: date.to_string(),
            start: start.into(),
            end: end.into(),
            mode: mode.into(),
            trainer_id: String::new(),
        },
        e.details.mode,
        e.details.starts_on,
        e.details.ends_on,
    )
    .map_err(|err| anyhow::anyhow!("demo session {topic} of {}: {err:?}", e.details.title))
}

/// `libraries`: every demo library as (village code, id, event note such as
/// "Jatim 2024"), in creation order.
pub fn seed(conn: &mut DbConn, libraries: &[(String, LibraryId, &'static str)]) -> Result<()> {
    let by = ActorRef::system("demo");
    let started = std::time::Instant::now();
    let today = TimeZone::Wib.local_date(lentera_store::now());
    let mut bytes = random_bytes()?;
    let (mut made, mut signed_up) = (0usize, 0usize);
    for plan in plans(today)? {
        let title = plan.draft.title.clone();
        let e =
            store::create(conn, &by, &plan.draft).with_context(|| format!("demo event {title}"))?;
        made += 1;

        // Trainers: three per event, rotating through the pool.
        let first = (h(&title) % TRAINERS.len() as u64) as usize;
        let mut trainers = Vec::new();
        for i in 0..3 {
            let (name, institution, role) = TRAINERS[(first + i) % TRAINERS.len()];
            let t = TrainerDraft::parse(&TrainerForm {
                name: name.into(),
                institution: institution.into(),
                role: role.into(),
            })
            .map_err(|err| anyhow::anyhow!("demo trainer: {err:?}"))?;
            trainers.push(store::add_trainer(conn, &by, &e, &t)?.id);
        }
        let mut sessions = Vec::new();
        for (i, slot) in plan.agenda.iter().flat_map(|a| a.iter()).enumerate() {
            let mut s = session(&e, slot)?;
            s.trainer_id = Some(trainers[i % trainers.len()].clone());
            sessions.push(store::add_session(conn, &by, &e, &s)?);
        }

        // Teams of the event's libraries (those whose note names it).
        let libs: Vec<&(String, LibraryId, &str)> = libraries
            .iter()
            .filter(|(_, _, n)| *n == plan.note)
            .take(plan.take)
            .collect();
        let mut rows = Vec::new();
        for (n, (village, lib, _)) in libs.iter().enumerate() {
            let v = RegionCode::parse(village).map_err(|_| anyhow::anyhow!("bad village"))?;
            let attend = if n < plan.in_person {
                "in_person"
            } else {
                "online"
            };
            for (seat, (role, women)) in TEAM.iter().take(plan.team).enumerate() {
                // The fifth seat alternates Karang Taruna and BPD.
                let role = if seat == 4 && n % 2 == 1 { "bpd" } else { role };
                let seed = format!("{title}/{village}/{seat}");
                let (name, gender) = person(plan.names, &seed, *women);
                let p = ParticipantDraft::parse(
                    &ParticipantForm {
                        library_id: lib.to_string(),
                        full_name: name,
                        team_role: (*role).into(),
                        gender: gender.into(),
                        phone: phone(&seed),
                        attend_mode: attend.into(),
                        ..Default::default()
                    },
                    e.details.mode,
                )
                .map_err(|err| anyhow::anyhow!("demo participant: {err:?}"))?;
                rows.push((p, Some(v.clone())));
            }
        }
        for (i, institution) in plan.guests.iter().enumerate() {
            let seed = format!("{title}/guest/{i}");
            let (name, gender) = person(plan.names, &seed, 50);
            let p = ParticipantDraft::parse(
                &ParticipantForm {
                    full_name: name,
                    team_role: "lainnya".into(),
                    gender: gender.into(),
                    institution: (*institution).into(),
                    ..Default::default()
                },
                e.details.mode,
            )
            .map_err(|err| anyhow::anyhow!("demo guest: {err:?}"))?;
            rows.push((p, None));
        }
        // Two invented names can fold alike in one village: that row is
        // refused as a duplicate and simply left out.
        signed_up += store::register_many(conn, &by, &e, &rows)?
            .iter()
            .filter(|r| r.is_ok())
            .count();
        if !plan.held {
            continue;
        }

        // Roll calls: nearly everyone at nearly every session; about one
        // in thirty misses one session (and so gets no certificate).
        for (k, s) in sessions.iter().enumerate() {
            let roll = store::roll_call(conn, &e, s)?;
            let misses = |id: &str| {
                let x = h(id);
                x.is_multiple_of(30) && (x / 30) as usize % sessions.len() == k
            };
            let present: Vec<String> = roll
                .iter()
                .filter(|(p, _)| !misses(&p.id))
                .map(|(p, _)| p.id.clone())
                .collect();
            store::record_attendance(conn, &by, &e, s, &present)?;
        }
        // Tests: pre 35–70, post 10–35 points higher; a few missing.
        let people = store::participants(conn, &e.id)?;
        let scores: Vec<(String, Option<f64>, Option<f64>)> = people
            .iter()
            .map(|p| {
                let x = h(&format!("score/{}", p.full_name));
                let pre = 35.0 + (x % 36) as f64;
                let post = (pre + 10.0 + (x / 36 % 26) as f64).min(100.0);
                (
                    p.id.clone(),
                    (!x.is_multiple_of(23)).then_some(pre),
                    (!x.is_multiple_of(29)).then_some(post),
                )
            })
            .collect();
        store::set_scores(conn, &by, &e, &scores)?;
        // The survey: about two in three participants answered on paper.
        let answered = people.len() * 2 / 3;
        let mut forms = Vec::with_capacity(answered);
        for i in 0..answered {
            let x = h(&format!("{title}/survey/{i}"));
            // Mostly 4 and 5, some 3, the odd 2.
            const R: [i32; 10] = [5, 4, 5, 4, 3, 5, 4, 4, 5, 2];
            let r = |k: u64| R[(x / k % 10) as usize].to_string();
            let f = SurveyForm {
                content_rating: r(3),
                trainer_rating: r(7),
                organisation_rating: r(11),
                usefulness_rating: r(13),
                best: if x.is_multiple_of(3) {
                    BEST[(x / 17 % BEST.len() as u64) as usize].into()
                } else {
                    String::new()
                },
                improve: if x.is_multiple_of(4) {
                    IMPROVE[(x / 19 % IMPROVE.len() as u64) as usize].into()
                } else {
                    String::new()
                },
            };
            let s =
                SurveyDraft::parse(&f).map_err(|err| anyhow::anyhow!("demo survey: {err:?}"))?;
            forms.push(s);
        }
        store::add_surveys(conn, &by, &e, &forms)?;
        let mut next = || CertificateCode::generate(&mut bytes);
        store::issue_certificates(conn, &by, &e, &mut next)?;
    }
    tracing::info!(
        events = made,
        participants = signed_up,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "seeded the demo events"
    );
    Ok(())
}

//! Demo activity reports with participants and photos, and advocacy outcomes.
//!
//! Every demo library reported one activity a month over the last twelve
//! months (not yet this month, so the manager's to-do list has something to
//! say): skills training (keripik, menjahit, budidaya lele, kerajinan
//! bambu), children's reading, the internet service, business coaching, a
//! reading club, an exhibition, an audience with the village head. The
//! activities of approved work plans that are under way or done get the
//! report that proves them. The two demo users' libraries have photos (three
//! small pictures drawn for Lentera, `data/demo/photos`, passed through the
//! same check and re-encoding as an upload). Advocacy: APBDes allocations
//! 2023–2025, an MoU with the Puskesmas, village regulations, and support
//! from PKK, Posyandu and Karang Taruna. Deterministic, and fast: the
//! reports go in with multi-row inserts in one transaction.

use anyhow::{Context, Result};
use chrono::{Datelike, Duration, NaiveDate};
use lentera_core::activities::{
    ActivityDraft, ActivityForm, AdvocacyDraft, AdvocacyForm, month_start, previous_month,
};
use lentera_core::audit::ActorRef;
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use lentera_core::uploads::{Accept, FileKind};
use lentera_core::visits::TimeZone;
use lentera_store::DbConn;
use lentera_store::activities::{self as store, At, NewPhoto, NewReport};
use lentera_store::uploads::NewUpload;
use lentera_web::uploads::{FilePart, Prepared, prepare};

const PHOTOS: [(&str, &[u8], &str); 3] = [
    (
        "keripik.jpg",
        include_bytes!("../../../../data/demo/photos/keripik.jpg"),
        "Peserta pelatihan menggoreng dan mengemas keripik",
    ),
    (
        "baca.jpg",
        include_bytes!("../../../../data/demo/photos/baca.jpg"),
        "Anak-anak membaca bersama di perpustakaan",
    ),
    (
        "internet.jpg",
        include_bytes!("../../../../data/demo/photos/internet.jpg"),
        "Warga belajar memakai internet di perpustakaan",
    ),
];

/// One kind of activity as the demo reports it.
struct Theme {
    strategy: &'static str,
    kind: &'static str,
    title: &'static str,
    partners: &'static str,
    outcome: &'static str,
    /// `[gender][age]` base counts (L, P × anak, remaja, dewasa, lansia).
    people: [[i64; 4]; 2],
    /// Which demo photo fits (index into [`PHOTOS`]).
    photo: usize,
}

const THEMES: &[Theme] = &[
    Theme {
        strategy: "pelibatan_masyarakat",
        kind: "pelatihan_keterampilan",
        title: "Pelatihan membuat keripik singkong",
        partners: "PKK Desa, BUMDes",
        outcome: "Peserta bisa membuat dan mengemas keripik; tiga kelompok mulai menjual ke warung.",
        people: [[0, 0, 3, 1], [0, 2, 14, 3]],
        photo: 0,
    },
    Theme {
        strategy: "pelibatan_masyarakat",
        kind: "literasi_anak",
        title: "Membaca dan mendongeng bersama anak-anak",
        partners: "SD Negeri setempat",
        outcome: "Anak-anak meminjam rata-rata dua buku per minggu setelah kegiatan.",
        people: [[14, 2, 0, 0], [17, 3, 2, 0]],
        photo: 1,
    },
    Theme {
        strategy: "layanan_informasi",
        kind: "layanan_internet",
        title: "Layanan internet dan kelas komputer dasar untuk remaja",
        partners: "Karang Taruna",
        outcome: "Remaja belajar mengetik surat lamaran dan mencari informasi beasiswa.",
        people: [[0, 9, 2, 0], [0, 11, 1, 0]],
        photo: 2,
    },
    Theme {
        strategy: "pelibatan_masyarakat",
        kind: "pelatihan_keterampilan",
        title: "Kelas menjahit untuk ibu-ibu PKK",
        partners: "PKK Desa",
        outcome: "Peserta menjahit seragam sekolah pesanan tetangga.",
        people: [[0, 0, 0, 0], [0, 1, 12, 2]],
        photo: 0,
    },
    Theme {
        strategy: "pelibatan_masyarakat",
        kind: "pelatihan_keterampilan",
        title: "Pelatihan budidaya lele dalam kolam terpal",
        partners: "Penyuluh perikanan kecamatan",
        outcome: "Empat kolam terpal mulai berjalan di pekarangan warga.",
        people: [[0, 2, 11, 2], [0, 0, 4, 0]],
        photo: 0,
    },
    Theme {
        strategy: "pelibatan_masyarakat",
        kind: "pendampingan_usaha",
        title: "Pendampingan usaha kecil: menghitung modal dan untung",
        partners: "Dinas Koperasi dan UMKM",
        outcome: "Pelaku usaha mulai mencatat pemasukan dan pengeluaran harian.",
        people: [[0, 0, 5, 1], [0, 0, 9, 1]],
        photo: 2,
    },
    Theme {
        strategy: "pelibatan_masyarakat",
        kind: "pelatihan_keterampilan",
        title: "Pelatihan kerajinan anyaman bambu",
        partners: "Perajin bambu desa",
        outcome: "Hasil anyaman dipajang dan dijual di balai desa.",
        people: [[0, 1, 6, 3], [0, 1, 7, 2]],
        photo: 0,
    },
    Theme {
        strategy: "layanan_informasi",
        kind: "klub_baca",
        title: "Klub baca remaja: membahas buku pilihan",
        partners: "Karang Taruna",
        outcome: "Klub bertemu dua kali sebulan dan meminjam buku bergiliran.",
        people: [[0, 6, 0, 0], [0, 9, 0, 0]],
        photo: 1,
    },
    Theme {
        strategy: "pelibatan_masyarakat",
        kind: "pendampingan_usaha",
        title: "Pemasaran produk UMKM lewat media sosial",
        partners: "BUMDes",
        outcome: "Sepuluh produk warga punya foto dan halaman jualan daring.",
        people: [[0, 3, 4, 0], [0, 4, 8, 0]],
        photo: 2,
    },
    Theme {
        strategy: "pelibatan_masyarakat",
        kind: "pameran",
        title: "Pameran hasil kerajinan warga pada hari jadi desa",
        partners: "Pemerintah Desa, PKK Desa",
        outcome: "Pengunjung pameran mengenal layanan perpustakaan; 25 warga mendaftar anggota.",
        people: [[12, 10, 25, 6], [15, 12, 31, 8]],
        photo: 1,
    },
    Theme {
        strategy: "advokasi",
        kind: "sosialisasi",
        title: "Audiensi dengan kepala desa tentang anggaran perpustakaan",
        partners: "Pemerintah Desa, BPD",
        outcome: "Kepala desa berjanji memasukkan perpustakaan ke musyawarah rencana pembangunan desa.",
        people: [[0, 0, 5, 1], [0, 0, 3, 0]],
        photo: 1,
    },
    Theme {
        strategy: "pelibatan_masyarakat",
        kind: "literasi_anak",
        title: "Lomba mewarnai dan bercerita untuk anak",
        partners: "PAUD dan TK desa",
        outcome: "Orang tua ikut membacakan buku untuk anak di perpustakaan.",
        people: [[19, 0, 3, 0], [22, 0, 11, 1]],
        photo: 1,
    },
];

/// Testimonials, with invented people.
const STORIES: &[&str] = &[
    "Bu Sri Wahyuni sekarang menjual keripik ke warung-warung di desa dan mendapat tambahan Rp 300.000 per minggu.",
    "\"Dulu saya tidak bisa memakai komputer. Sekarang saya bisa mengirim lamaran kerja lewat surel,\" kata Rizky, 17 tahun.",
    "Pak Darmaji, peternak lele, menjual panen pertamanya ke pasar kecamatan setelah mengikuti pelatihan.",
    "Kelompok menjahit Bu Lestari menerima pesanan 40 seragam sekolah untuk tahun ajaran baru.",
    "\"Anak saya jadi suka membaca sebelum tidur,\" kata Bu Ningsih, ibu dari dua anak yang ikut mendongeng.",
];

/// A small deterministic hash, so the demo is the same on every machine.
fn h(s: &str) -> u64 {
    s.bytes().fold(1469598103934665603u64, |a, b| {
        (a ^ u64::from(b)).wrapping_mul(1099511628211)
    })
}

fn month_end(m: NaiveDate) -> NaiveDate {
    let next = if m.month() == 12 {
        NaiveDate::from_ymd_opt(m.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(m.year(), m.month() + 1, 1)
    };
    next.map(|n| n - Duration::days(1)).unwrap_or(m)
}

/// The report of one library in one month, from a theme, with counts
/// varied a little per library and month.
fn report(
    theme: &Theme,
    held_on: NaiveDate,
    seed: u64,
    story: Option<&str>,
) -> Result<ActivityDraft> {
    let mut f = ActivityForm::from_pairs([
        ("held_on", held_on.to_string().as_str()),
        ("strategy", theme.strategy),
        ("activity_type", theme.kind),
        ("title", theme.title),
        ("partners", theme.partners),
        ("outcome", theme.outcome),
        ("story", story.unwrap_or("")),
    ]);
    let mut total = 0;
    for g in 0..2 {
        for a in 0..4 {
            let base = theme.people[g][a];
            if base == 0 {
                continue;
            }
            let n = base + (seed >> (g * 4 + a * 2) & 3) as i64 - 1;
            let n = n.max(1);
            total += n;
            f.counts[g][a] = n.to_string();
        }
    }
    // About one report in four has a participant with a disability.
    if seed.is_multiple_of(4) && total > 0 {
        let filled: Vec<(usize, usize)> = (0..2)
            .flat_map(|g| (0..4).map(move |a| (g, a)))
            .filter(|(g, a)| !f.counts[*g][*a].is_empty())
            .collect();
        let (g, a) = filled[(seed >> 8) as usize % filled.len()];
        f.disabled[g][a] = "1".into();
    }
    ActivityDraft::parse(&f, held_on)
        .map_err(|e| anyhow::anyhow!("demo report {}: {e:?}", theme.title))
}

fn upload<'a>(p: &Prepared, lib: LibraryId, village: &'a RegionCode) -> NewUpload<'a> {
    NewUpload {
        library: Some(lib),
        region: village,
        kind: p.kind,
        filename: p.filename.clone(),
        bytes: p.bytes.clone(),
        thumb: p.thumb.clone(),
        width: p.width,
        height: p.height,
        by: None,
    }
}

/// A one-page PDF with a few lines of text: the demo's scanned documents.
/// Hand-built (objects, then the cross-reference table with their byte
/// offsets), so the demo needs no PDF library.
fn tiny_pdf(lines: &[&str]) -> Vec<u8> {
    let mut text = String::from("BT /F1 14 Tf 72 760 Td 18 TL");
    for l in lines {
        let safe: String = l
            .chars()
            .map(|c| {
                if c.is_ascii() && c != '(' && c != ')' && c != '\\' {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        text.push_str(&format!(" ({safe}) Tj T*"));
    }
    text.push_str(" ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn outcome(f: AdvocacyForm, today: NaiveDate) -> Result<AdvocacyDraft> {
    AdvocacyDraft::parse(&f, today)
        .map_err(|e| anyhow::anyhow!("demo outcome {} {}: {e:?}", f.advocacy_kind, f.title))
}

/// `libraries`: every demo library as (village code, id, event note such as
/// "Jatim 2024"), in creation order.
pub fn seed(conn: &mut DbConn, libraries: &[(String, LibraryId, &'static str)]) -> Result<()> {
    let started = std::time::Instant::now();
    let by = ActorRef::system("demo");
    let today = TimeZone::Wib.local_date(lentera_store::now());
    let this_month = month_start(today);
    let mut rows: Vec<NewReport> = Vec::new();
    for (i, (village, lib, _)) in libraries.iter().enumerate() {
        let code =
            RegionCode::parse(village).map_err(|_| anyhow::anyhow!("bad village {village}"))?;
        // Monthly over the last twelve months, not yet this month.
        let mut month = this_month;
        for back in 0..12u64 {
            month = previous_month(month);
            let seed = h(&format!("{village}-{back}"));
            let theme = &THEMES[(i + back as usize * 5) % THEMES.len()];
            let day = 3 + (seed % 24) as u32;
            let held_on = NaiveDate::from_ymd_opt(month.year(), month.month(), day)
                .unwrap_or_else(|| month_end(month));
            let story = seed
                .is_multiple_of(3)
                .then(|| STORIES[(seed as usize / 3) % STORIES.len()]);
            rows.push(NewReport {
                library: *lib,
                village: code.clone(),
                draft: report(theme, held_on, seed, story)?,
            });
        }
        // The activities of approved plans that are under way or done get
        // the report that proves them, within their schedule.
        for a in store::plan_activities(conn, *lib)? {
            if a.progress != "under_way" && a.progress != "done" {
                continue;
            }
            let start = a.starts_on.unwrap_or(today - Duration::days(60));
            let end = a.ends_on.unwrap_or(today).min(today);
            if start > today {
                continue;
            }
            let held_on = start + Duration::days(((end - start).num_days() / 2).max(0));
            let seed = h(&a.id);
            let theme = THEMES
                .iter()
                .find(|t| t.strategy == a.plan_kind)
                .unwrap_or(&THEMES[0]);
            let mut d = report(theme, held_on, seed, None)?;
            d.title = a.name.chars().take(160).collect();
            d.workplan_activity_id = Some(a.id.clone());
            rows.push(NewReport {
                library: *lib,
                village: code.clone(),
                draft: d,
            });
        }
    }
    let ids = store::insert_many(conn, &by, &rows)?;

    // Photos for the demo users' libraries (the first Magetan library and
    // Balai Sebut): prepared once each, like an upload.
    let prepared: Vec<Prepared> = PHOTOS
        .iter()
        .map(|(name, bytes, _)| {
            prepare(
                &FilePart {
                    filename: (*name).into(),
                    bytes: bytes.to_vec(),
                },
                Accept::Photo,
            )
            .map_err(|p| anyhow::anyhow!("demo photo {name}: {p:?}"))
        })
        .collect::<Result<_>>()?;
    let with_photos: Vec<LibraryId> = [
        libraries.iter().find(|(c, _, _)| c.starts_with("3520")),
        libraries.iter().find(|(c, _, _)| c == "6103042001"),
    ]
    .into_iter()
    .flatten()
    .map(|(_, id, _)| *id)
    .collect();
    let mut photos = 0;
    for (row, id) in rows.iter().zip(&ids) {
        if !with_photos.contains(&row.library) || row.draft.held_on < today - Duration::days(200) {
            continue;
        }
        let theme = THEMES
            .iter()
            .find(|t| t.title == row.draft.title)
            .map(|t| t.photo)
            .unwrap_or(0);
        let p = &prepared[theme];
        store::attach_photos(
            conn,
            id,
            vec![NewPhoto {
                upload: upload(p, row.library, &row.village),
                caption: Some(PHOTOS[theme].2.into()),
            }],
        )?;
        photos += 1;
    }

    // Advocacy outcomes.
    let mut outcomes = 0;
    for (i, (village, lib, _)) in libraries.iter().enumerate() {
        let code =
            RegionCode::parse(village).map_err(|_| anyhow::anyhow!("bad village {village}"))?;
        let at = At {
            library: *lib,
            village: &code,
        };
        let seed = h(village);
        // APBDes: a growing allocation each year; the newest cohorts from 2024.
        let first_year = if i % 3 == 2 { 2024 } else { 2023 };
        for year in first_year..=2025 {
            let base = 5 + (seed % 11) as i64 + i64::from(year - 2023) * 3;
            let amount = format!("{}.{:03}.000", base, (seed % 4) * 250);
            let d = outcome(
                AdvocacyForm {
                    advocacy_kind: "apbdes".into(),
                    budget_year: year.to_string(),
                    amount,
                    description: "Untuk buku anak, langganan internet dan honor pengelola.".into(),
                    ..Default::default()
                },
                today,
            )?;
            store::create_outcome(conn, &by, &at, &d, None)?;
            outcomes += 1;
        }
        if i % 3 == 0 {
            let signed =
                NaiveDate::from_ymd_opt(2024, 2 + (seed % 9) as u32, 1 + (seed % 27) as u32)
                    .context("a date")?;
            let d = outcome(
                AdvocacyForm {
                    advocacy_kind: "mou".into(),
                    title: "Nota kesepahaman pojok baca kesehatan".into(),
                    partner: "Puskesmas kecamatan".into(),
                    signed_on: signed.to_string(),
                    description: "Puskesmas menyediakan bahan bacaan kesehatan ibu dan anak; \
                                  perpustakaan membuka pojok baca di ruang tunggu."
                        .into(),
                    ..Default::default()
                },
                today,
            )?;
            let pdf = tiny_pdf(&[
                "NOTA KESEPAHAMAN",
                "Perpustakaan Desa dan Puskesmas Kecamatan",
                "tentang Pojok Baca Kesehatan",
                &format!("Ditandatangani {signed}"),
                "(dokumen contoh untuk demonstrasi Lentera)",
            ]);
            let doc = NewUpload {
                library: Some(*lib),
                region: &code,
                kind: FileKind::Pdf,
                filename: "nota-kesepahaman-puskesmas.pdf".into(),
                bytes: pdf,
                thumb: None,
                width: None,
                height: None,
                by: None,
            };
            store::create_outcome(conn, &by, &at, &d, Some(doc))?;
            outcomes += 1;
        }
        if i % 4 == 1 {
            let number = 1 + seed % 9;
            let d = outcome(
                AdvocacyForm {
                    advocacy_kind: "perdes".into(),
                    title: format!(
                        "Peraturan Desa Nomor {number} Tahun 2024 tentang Penyelenggaraan \
                         Perpustakaan Desa"
                    ),
                    partner: "Pemerintah Desa dan BPD".into(),
                    signed_on: "2024-06-17".into(),
                    description: "Perpustakaan desa ditetapkan sebagai lembaga kemasyarakatan \
                                  desa dan mendapat anggaran tiap tahun."
                        .into(),
                    ..Default::default()
                },
                today,
            )?;
            store::create_outcome(conn, &by, &at, &d, None)?;
            outcomes += 1;
        }
        let support = [
            (
                "dukungan_pkk",
                "Kader PKK mendampingi kelas baca anak setiap Sabtu",
                "PKK Desa",
            ),
            (
                "dukungan_posyandu",
                "Posyandu membuka sudut baca saat penimbangan balita",
                "Posyandu Melati",
            ),
            (
                "dukungan_karang_taruna",
                "Karang Taruna menjadi relawan layanan internet sore hari",
                "Karang Taruna",
            ),
            (
                "dukungan_puskesmas",
                "Puskesmas mengisi penyuluhan gizi di perpustakaan",
                "Puskesmas kecamatan",
            ),
        ];
        if i % 2 == 0 {
            let (kind, title, partner) = support[(seed as usize) % support.len()];
            let d = outcome(
                AdvocacyForm {
                    advocacy_kind: kind.into(),
                    title: title.into(),
                    partner: partner.into(),
                    signed_on: "2025-01-20".into(),
                    ..Default::default()
                },
                today,
            )?;
            store::create_outcome(conn, &by, &at, &d, None)?;
            outcomes += 1;
        }
    }
    tracing::info!(
        reports = ids.len(),
        photos,
        outcomes,
        ms = started.elapsed().as_millis() as u64,
        "demo activities"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_parse_and_the_pdf_is_whole() {
        let d = NaiveDate::from_ymd_opt(2025, 5, 10).unwrap();
        for (i, t) in THEMES.iter().enumerate() {
            let r = report(t, d, i as u64 * 7919, Some(STORIES[0])).unwrap();
            assert!(r.participants.total() > 0, "{}", t.title);
            assert!(t.photo < PHOTOS.len());
        }
        let pdf = tiny_pdf(&["NOTA KESEPAHAMAN", "(contoh)"]);
        assert_eq!(
            lentera_core::uploads::check(&pdf, Accept::Document),
            Ok(FileKind::Pdf)
        );
        let text = String::from_utf8_lossy(&pdf);
        let xref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(text[xref..].starts_with("xref"));
    }
}

//! Writes one sample of each document to a folder, for looking at them:
//!
//! ```text
//! cargo run -p lentera-print --example samples -- /tmp/lentera-print
//! ```

use std::path::PathBuf;

use lentera_print::{
    Bar, BarChart, Block, Certificate, Column, DataTable, LabelOptions, LabelSheet, MemberCard,
    PrintError, Report, Signatory, SpineLabel, render_certificates, render_labels,
    render_member_cards, render_report,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "/tmp/lentera-print".to_string()),
    );
    std::fs::create_dir_all(&dir)?;

    let call_numbers = [
        "899.221 3 SAN p",
        "R 030 ENS e",
        "297.1 / ABD / t",
        "634.9 WIR b",
        "899.221 309 598 2 / WIRYAWINATAKUSUMA / perjalanan",
    ];
    let labels: Vec<SpineLabel> = (0..27)
        .map(|i| SpineLabel {
            call_number: call_numbers[i % call_numbers.len()].to_string(),
            barcode: format!("LTR-{:06}", 123 + i),
        })
        .collect();
    for (sheet, file) in [
        (LabelSheet::a4_24_70x37(), "labels-24.pdf"),
        (LabelSheet::a4_14_99x38(), "labels-14.pdf"),
        (LabelSheet::tom_jerry_103(), "labels-tj103.pdf"),
    ] {
        let options = LabelOptions {
            library_name: "TBM Cahaya Sukamaju".to_string(),
            skip: 2,
        };
        write(&dir, file, |out| {
            render_labels(&sheet, &options, &labels, out)
        })?;
    }

    let names = [
        "Siti Aminah",
        "Bambang Pamungkas",
        "Raden Roro Ayu Kusumawardhani Wiryawinatakusuma Prawiranegara",
        "Yohanes Nainggolan",
    ];
    let cards: Vec<MemberCard> = (0..12)
        .map(|i| MemberCard {
            library_name: "Perpustakaan Desa Sukamaju".to_string(),
            member_name: names[i % names.len()].to_string(),
            member_number: format!("2026.{:04}", i + 1),
            valid_until: "31 Desember 2026".to_string(),
            barcode: format!("AGT-2026-{:04}", i + 1),
        })
        .collect();
    write(&dir, "cards.pdf", |out| render_member_cards(&cards, out))?;

    let certificate = Certificate {
        title: "SERTIFIKAT".to_string(),
        number: "No. 012/TPBIS/III/2026".to_string(),
        recipient: "Siti Aminah, S.Pd.".to_string(),
        statement: "atas partisipasinya sebagai peserta dalam kegiatan".to_string(),
        event_title: "Bimbingan Teknis Transformasi Perpustakaan Berbasis Inklusi Sosial"
            .to_string(),
        dates: "12–14 Maret 2026".to_string(),
        place: "Cianjur".to_string(),
        organiser: "Dinas Perpustakaan dan Kearsipan Kabupaten Cianjur".to_string(),
        verification_url: "https://lentera.example.id/verifikasi/sertifikat/2026-0012".to_string(),
        signatory: Some(Signatory {
            position: "Kepala Dinas Perpustakaan dan Kearsipan".to_string(),
            name: "Drs. H. Ahmad Fauzi, M.Si.".to_string(),
        }),
    };
    // A second page with very long texts shows how they shrink and wrap.
    let long = Certificate {
        recipient: "Raden Roro Ayu Siti Nurhaliza Kusumawardhani Wiryawinatakusuma Prawiranegara"
            .to_string(),
        event_title: "Pelatihan Pengelolaan Perpustakaan Berbasis Inklusi Sosial untuk Tenaga \
                      Perpustakaan Desa dan Taman Bacaan Masyarakat se-Kabupaten Cianjur Tahun \
                      Anggaran 2026"
            .to_string(),
        signatory: None,
        ..certificate.clone()
    };
    write(&dir, "certificate.pdf", |out| {
        render_certificates(&[certificate, long], out)
    })?;

    let mut report = Report::new("Laporan Bulanan Maret 2026");
    report.letterhead = vec![
        "PERPUSTAKAAN DESA SUKAMAJU".to_string(),
        "Pemerintah Desa Sukamaju, Kecamatan Cibeber, Kabupaten Cianjur".to_string(),
        "Jl. Raya Sukamaju No. 1, Cianjur 43262 · Telp. 0812-0000-0000".to_string(),
    ];
    report.footer_note = "Laporan Bulanan Maret 2026 — Perpustakaan Desa Sukamaju".to_string();
    report
        .push(Block::Title("LAPORAN BULANAN KEGIATAN PERPUSTAKAAN\nMARET 2026".to_string()))
        .push(Block::KeyValues(vec![
            ("Nama perpustakaan".to_string(), "Perpustakaan Desa Sukamaju".to_string()),
            ("Jumlah anggota".to_string(), "312 orang".to_string()),
            ("Jumlah koleksi".to_string(), "1.845 eksemplar (1.204 judul)".to_string()),
            ("Pengelola".to_string(), "Siti Aminah, Bambang Pamungkas".to_string()),
        ]))
        .push(Block::Heading("1. Ringkasan".to_string()))
        .push(Block::Paragraph(
            "Selama bulan Maret 2026 perpustakaan buka 24 hari. Kunjungan meningkat dibanding bulan \
             lalu, terutama pada kegiatan mendongeng hari Sabtu dan pelatihan membuat kerajinan \
             dari bambu yang diikuti ibu-ibu PKK. Koleksi baru sebanyak 45 eksemplar diterima dari \
             Perpusnas dan telah diolah serta diberi label."
                .to_string(),
        ))
        .push(Block::Heading("2. Kunjungan".to_string()))
        .push(Block::BarChart(BarChart {
            title: "Jumlah kunjungan per minggu".to_string(),
            bars: vec![
                Bar::new("Minggu 1 (1–7 Maret)", 45.0),
                Bar::new("Minggu 2 (8–14 Maret)", 61.0),
                Bar::new("Minggu 3 (15–21 Maret)", 38.0),
                Bar::new("Minggu 4 (22–31 Maret)", 1204.0),
            ],
        }))
        .push(Block::Heading("3. Peminjaman".to_string()))
        .push(Block::Table(DataTable {
            columns: vec![
                Column::right("No."),
                Column::left("Judul"),
                Column::left("Pengarang"),
                Column::center("Kelas"),
                Column::right("Dipinjam"),
            ],
            rows: (1..=55)
                .map(|i| {
                    vec![
                        i.to_string(),
                        if i % 9 == 0 {
                            format!("Panduan lengkap budidaya ikan lele dan nila di kolam terpal, jilid {i}")
                        } else {
                            format!("Judul buku {i}")
                        },
                        "Sutan Takdir Alisjahbana".to_string(),
                        "899.221".to_string(),
                        (i * 7 % 23).to_string(),
                    ]
                })
                .collect(),
        }))
        .push(Block::Paragraph("Demikian laporan ini dibuat untuk dipergunakan sebagaimana mestinya.".to_string()));
    write(&dir, "report.pdf", |out| render_report(&report, out))?;

    println!("samples written to {}", dir.display());
    Ok(())
}

fn write(
    dir: &std::path::Path,
    file: &str,
    render: impl FnOnce(&mut Vec<u8>) -> Result<(), PrintError>,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut out = Vec::new();
    render(&mut out)?;
    std::fs::write(dir.join(file), out)?;
    Ok(())
}

//! Every generator's output parsed back with an independent PDF reader
//! (lopdf), plus a strict check of the cross-reference table.

use lentera_print::{
    Bar, BarChart, Block, Certificate, Column, DataTable, LabelOptions, LabelSheet, MemberCard,
    Report, Signatory, SpineLabel, render_certificates, render_labels, render_member_cards,
    render_report,
};
use lopdf::{Document, Object};

/// Checks the classic xref table byte by byte: `startxref` points at
/// `xref`, and every in-use entry points at `N G obj` for its own number.
fn check_xref(pdf: &[u8]) {
    assert!(pdf.starts_with(b"%PDF-1."), "missing header");
    let find_last = |pat: &[u8]| pdf.windows(pat.len()).rposition(|w| w == pat);
    let tail = find_last(b"startxref").expect("no startxref");
    // The tail and the xref table are ASCII, so these slices are valid UTF-8.
    let tail_text = std::str::from_utf8(&pdf[tail + 9..]).expect("non-ASCII tail");
    let offset: usize = tail_text
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("bad startxref");
    assert!(
        pdf[offset..].starts_with(b"xref"),
        "startxref does not point at xref"
    );
    let table = std::str::from_utf8(&pdf[offset..tail]).expect("non-ASCII xref");
    let mut lines = table.lines().skip(1);
    let header = lines.next().unwrap();
    let mut parts = header.split_whitespace();
    let first: usize = parts.next().unwrap().parse().unwrap();
    let count: usize = parts.next().unwrap().parse().unwrap();
    assert_eq!(first, 0);
    for n in 0..count {
        let entry = lines.next().unwrap();
        let fields: Vec<&str> = entry.split_whitespace().collect();
        assert_eq!(fields.len(), 3, "bad xref entry {entry:?}");
        if fields[2] == "n" {
            let at: usize = fields[0].parse().unwrap();
            let expected = format!("{n} {} obj", fields[1].parse::<u32>().unwrap());
            assert!(
                pdf[at..].starts_with(expected.as_bytes()),
                "object {n} not at {at}"
            );
        }
    }
    assert!(tail_text.trim_end().ends_with("%%EOF"));
}

fn parse(pdf: &[u8]) -> Document {
    check_xref(pdf);
    Document::load_mem(pdf).expect("lopdf cannot parse the PDF")
}

/// Text lines of page `n` (from 1); each BT…ET run is one line.
fn page_lines(doc: &Document, n: u32) -> Vec<String> {
    doc.extract_text(&[n])
        .expect("text extraction failed")
        .lines()
        .map(str::to_string)
        .collect()
}

fn info_string(doc: &Document, key: &[u8]) -> String {
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .expect("no /Info");
    let dict = doc.get_dictionary(info).unwrap();
    match dict.get(key).unwrap() {
        Object::String(bytes, _) => {
            if bytes.starts_with(&[0xFE, 0xFF]) {
                let units: Vec<u16> = bytes[2..]
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16(&units).unwrap()
            } else {
                String::from_utf8(bytes.clone()).unwrap()
            }
        }
        other => panic!("unexpected {other:?}"),
    }
}

fn labels(n: usize) -> Vec<SpineLabel> {
    (0..n)
        .map(|i| SpineLabel {
            call_number: if i == 0 {
                "899.221 3 / SAN / p".to_string()
            } else {
                "297.1 ABD t".to_string()
            },
            barcode: format!("LTR-{:06}", 123 + i),
        })
        .collect()
}

#[test]
fn labels_pdf_has_spine_lines_barcode_text_and_library_name() {
    let mut out = Vec::new();
    let options = LabelOptions {
        library_name: "TBM Cahaya".to_string(),
        skip: 0,
    };
    render_labels(&LabelSheet::a4_24_70x37(), &options, &labels(25), &mut out).unwrap();
    let doc = parse(&out);
    assert_eq!(
        doc.get_pages().len(),
        2,
        "25 labels on a 24-label sheet need two pages"
    );
    let page1 = page_lines(&doc, 1);
    for expected in [
        "899.221 3",
        "SAN",
        "p",
        "LTR-000123",
        "TBM Cahaya",
        "297.1",
        "ABD",
    ] {
        assert!(
            page1.iter().any(|l| l == expected),
            "{expected:?} missing on page 1: {page1:?}"
        );
    }
    let page2 = page_lines(&doc, 2);
    assert!(page2.iter().any(|l| l == "LTR-000147"), "{page2:?}");
    assert_eq!(page2.iter().filter(|l| l.starts_with("LTR-")).count(), 1);
    assert_eq!(info_string(&doc, b"Creator"), "Lentera");
    assert_eq!(info_string(&doc, b"Title"), "Label buku TBM Cahaya");
}

#[test]
fn cards_pdf_shows_every_field() {
    let cards = vec![
        MemberCard {
            library_name: "Perpustakaan Desa Sukamaju".to_string(),
            member_name: "Siti Aminah".to_string(),
            member_number: "2026.0001".to_string(),
            valid_until: "31 Desember 2026".to_string(),
            barcode: "AGT-2026-0001".to_string(),
        },
        MemberCard {
            library_name: "Perpustakaan Desa Sukamaju".to_string(),
            member_name: "Bambang Pamungkas".to_string(),
            member_number: "2026.0002".to_string(),
            valid_until: "31 Desember 2026".to_string(),
            barcode: "AGT-2026-0002".to_string(),
        },
    ];
    let mut out = Vec::new();
    render_member_cards(&cards, &mut out).unwrap();
    let doc = parse(&out);
    assert_eq!(doc.get_pages().len(), 1);
    let lines = page_lines(&doc, 1);
    for expected in [
        "Perpustakaan Desa Sukamaju",
        "KARTU ANGGOTA",
        "Siti Aminah",
        "Bambang Pamungkas",
        "2026.0001",
        "31 Desember 2026",
        "AGT-2026-0002",
        "No. Anggota",
        "Berlaku s.d.",
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "{expected:?} missing: {lines:?}"
        );
    }
    assert_eq!(info_string(&doc, b"Creator"), "Lentera");
}

#[test]
fn certificate_pdf_is_landscape_and_names_the_recipient() {
    let cert = Certificate {
        title: "SERTIFIKAT".to_string(),
        number: "No. 012/TPBIS/III/2026".to_string(),
        recipient: "Siti Aminah".to_string(),
        statement: "atas partisipasinya sebagai peserta dalam kegiatan".to_string(),
        event_title: "Bimbingan Teknis Pengelolaan Perpustakaan Desa".to_string(),
        dates: "12–14 Maret 2026".to_string(),
        place: "Cianjur".to_string(),
        organiser: "Dinas Perpustakaan dan Kearsipan Kabupaten Cianjur".to_string(),
        verification_url: "https://lentera.example.id/v/2026-0012".to_string(),
        signatory: Some(Signatory {
            position: "Kepala Dinas".to_string(),
            name: "Drs. H. Ahmad Fauzi, M.Si.".to_string(),
        }),
    };
    let mut out = Vec::new();
    render_certificates(&[cert], &mut out).unwrap();
    let doc = parse(&out);
    let lines = page_lines(&doc, 1);
    for expected in [
        "SERTIFIKAT",
        "Siti Aminah",
        "Bimbingan Teknis Pengelolaan Perpustakaan Desa",
        "Cianjur, 12–14 Maret 2026",
        "Diselenggarakan oleh Dinas Perpustakaan dan Kearsipan Kabupaten Cianjur",
        "No. 012/TPBIS/III/2026",
        "Drs. H. Ahmad Fauzi, M.Si.",
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "{expected:?} missing: {lines:?}"
        );
    }
    let page = doc.get_pages()[&1];
    let media = doc
        .get_dictionary(page)
        .unwrap()
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap();
    let w = media[2].as_float().unwrap();
    let h = media[3].as_float().unwrap();
    assert!(
        (w - 841.89).abs() < 0.1 && (h - 595.28).abs() < 0.1,
        "{w} × {h}"
    );
}

#[test]
fn report_pdf_splits_the_table_and_numbers_pages() {
    let mut report = Report::new("Laporan Bulanan Maret 2026");
    report.letterhead = vec![
        "PERPUSTAKAAN DESA SUKAMAJU".to_string(),
        "Kecamatan Cibeber, Kabupaten Cianjur".to_string(),
    ];
    report.footer_note = "Laporan Bulanan Maret 2026".to_string();
    report
        .push(Block::Title("LAPORAN BULANAN MARET 2026".to_string()))
        .push(Block::KeyValues(vec![
            ("Jumlah anggota".to_string(), "312".to_string()),
            ("Jumlah koleksi".to_string(), "1.845 eksemplar".to_string()),
        ]))
        .push(Block::Paragraph(
            "Kegiatan bulan ini berjalan lancar.".to_string(),
        ))
        .push(Block::BarChart(BarChart {
            title: "Kunjungan per minggu".to_string(),
            bars: vec![Bar::new("Minggu 1", 45.0), Bar::new("Minggu 2", 61.0)],
        }))
        .push(Block::Table(DataTable {
            columns: vec![
                Column::right("No."),
                Column::left("Judul"),
                Column::right("Dipinjam"),
            ],
            rows: (1..=60)
                .map(|i| {
                    vec![
                        i.to_string(),
                        format!("Judul buku {i}"),
                        (i % 7).to_string(),
                    ]
                })
                .collect(),
        }));
    let mut out = Vec::new();
    render_report(&report, &mut out).unwrap();
    let doc = parse(&out);
    assert_eq!(doc.get_pages().len(), 2);
    let page1 = page_lines(&doc, 1);
    let page2 = page_lines(&doc, 2);
    for expected in [
        "PERPUSTAKAAN DESA SUKAMAJU",
        "LAPORAN BULANAN MARET 2026",
        "Jumlah koleksi",
        "1.845 eksemplar",
        "Minggu 2",
        "61",
        "Judul buku 1",
        "Halaman 1 dari 2",
    ] {
        assert!(
            page1.iter().any(|l| l == expected),
            "{expected:?} missing on page 1: {page1:?}"
        );
    }
    for expected in [
        "No.",
        "Judul",
        "Dipinjam",
        "Judul buku 60",
        "Halaman 2 dari 2",
    ] {
        assert!(
            page2.iter().any(|l| l == expected),
            "{expected:?} missing on page 2: {page2:?}"
        );
    }
    assert!(!page1.iter().any(|l| l == "Judul buku 60"));
    assert_eq!(info_string(&doc, b"Title"), "Laporan Bulanan Maret 2026");
    assert_eq!(info_string(&doc, b"Creator"), "Lentera");
}

#[test]
fn special_characters_are_escaped_and_unknown_ones_become_question_marks() {
    let mut report = Report::new("Uji (karakter) \\ khusus é");
    report.push(Block::Paragraph(
        "Kurung (buka dan) tutup ) \\ garis miring".to_string(),
    ));
    report.push(Block::Paragraph("Kafé – “kutip” 100€".to_string()));
    report.push(Block::Paragraph("Aksara ꦗꦮ dan 日本".to_string()));
    let mut out = Vec::new();
    render_report(&report, &mut out).unwrap();
    let doc = parse(&out);
    let lines = page_lines(&doc, 1);
    for expected in [
        "Kurung (buka dan) tutup ) \\ garis miring",
        "Kafé – “kutip” 100€",
        "Aksara ?? dan ??",
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "{expected:?} missing: {lines:?}"
        );
    }
    assert_eq!(info_string(&doc, b"Title"), "Uji (karakter) \\ khusus é");
}

#[test]
fn fonts_are_standard_14_with_win_ansi_and_widths() {
    let mut out = Vec::new();
    render_report(&Report::new("x"), &mut out).unwrap();
    let doc = parse(&out);
    let page = doc.get_pages()[&1];
    let fonts = doc.get_page_fonts(page).unwrap();
    let mut names: Vec<String> = fonts
        .values()
        .map(|f| {
            String::from_utf8(f.get(b"BaseFont").unwrap().as_name().unwrap().to_vec()).unwrap()
        })
        .collect();
    names.sort();
    assert_eq!(names, ["Helvetica", "Helvetica-Bold"]);
    for f in fonts.values() {
        assert_eq!(
            f.get(b"Encoding").unwrap().as_name().unwrap(),
            b"WinAnsiEncoding"
        );
        assert_eq!(f.get(b"Widths").unwrap().as_array().unwrap().len(), 224);
    }
}

#[test]
fn output_is_deterministic() {
    let render = || {
        let mut out = Vec::new();
        let options = LabelOptions::default();
        render_labels(&LabelSheet::a4_14_99x38(), &options, &labels(3), &mut out).unwrap();
        out
    };
    assert_eq!(render(), render());
}

/// Black-filled rectangles (x, y, w, h in points) painted on page `n`:
/// `re` paths closed by `f` while the fill is black.
fn black_rects(doc: &Document, n: u32) -> Vec<[f32; 4]> {
    let page = doc.get_pages()[&n];
    let content = doc.get_and_decode_page_content(page).unwrap();
    let mut gray = 0.0;
    let mut saved = Vec::new();
    let mut path = Vec::new();
    let mut out = Vec::new();
    for op in &content.operations {
        let num = |i: usize| op.operands[i].as_float().unwrap();
        match op.operator.as_str() {
            "q" => saved.push(gray),
            "Q" => gray = saved.pop().unwrap(),
            "g" => gray = num(0),
            "re" => path.push([num(0), num(1), num(2), num(3)]),
            "f" => {
                if gray == 0.0 {
                    out.append(&mut path);
                }
                path.clear();
            }
            "S" | "s" | "n" | "B" | "b" => path.clear(),
            _ => {}
        }
    }
    out
}

#[test]
fn qr_code_drawn_in_the_certificate_decodes_to_the_url() {
    let url = "https://lentera.example.id/verifikasi/sertifikat/2026-0012?kode=8F3K";
    let cert = Certificate {
        title: "SERTIFIKAT".to_string(),
        number: "No. 1".to_string(),
        recipient: "Siti".to_string(),
        statement: String::new(),
        event_title: "Bimtek".to_string(),
        dates: "1 Maret 2026".to_string(),
        place: "Cianjur".to_string(),
        organiser: "Dinas".to_string(),
        verification_url: url.to_string(),
        signatory: None,
    };
    let mut out = Vec::new();
    render_certificates(&[cert], &mut out).unwrap();
    let doc = parse(&out);
    let rects = black_rects(&doc, 1);
    assert!(!rects.is_empty());
    // Rasterise at 4 px per point with a white margin, y flipped.
    let min_x = rects.iter().map(|r| r[0]).fold(f32::MAX, f32::min) - 20.0;
    let min_y = rects.iter().map(|r| r[1]).fold(f32::MAX, f32::min) - 20.0;
    let max_x = rects.iter().map(|r| r[0] + r[2]).fold(f32::MIN, f32::max) + 20.0;
    let max_y = rects.iter().map(|r| r[1] + r[3]).fold(f32::MIN, f32::max) + 20.0;
    let scale = 4.0;
    let (w, h) = (
        ((max_x - min_x) * scale) as usize,
        ((max_y - min_y) * scale) as usize,
    );
    let mut pixels = vec![255u8; w * h];
    for r in &rects {
        let x0 = ((r[0] - min_x) * scale).round() as usize;
        let x1 = ((r[0] + r[2] - min_x) * scale).round() as usize;
        let y0 = ((max_y - r[1] - r[3]) * scale).round() as usize;
        let y1 = ((max_y - r[1]) * scale).round() as usize;
        for y in y0..y1.min(h) {
            for x in x0..x1.min(w) {
                pixels[y * w + x] = 0;
            }
        }
    }
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    let (meta, content) = grids[0].decode().unwrap();
    assert_eq!(content, url);
    assert_eq!(meta.ecc_level, 0, "level M");
}

#[test]
fn barcode_drawn_on_a_label_has_the_encoded_bar_widths() {
    let mut out = Vec::new();
    render_labels(
        &LabelSheet::a4_24_70x37(),
        &LabelOptions::default(),
        &labels(1),
        &mut out,
    )
    .unwrap();
    let doc = parse(&out);
    let mut bars = black_rects(&doc, 1);
    bars.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let module = bars.iter().map(|r| r[2]).fold(f32::MAX, f32::min);
    let mut widths = Vec::new();
    for (i, r) in bars.iter().enumerate() {
        let modules = r[2] / module;
        assert!((modules - modules.round()).abs() < 0.01);
        widths.push(modules.round() as u8);
        if let Some(next) = bars.get(i + 1) {
            let gap = (next[0] - r[0] - r[2]) / module;
            assert!((gap - gap.round()).abs() < 0.01);
            widths.push(gap.round() as u8);
        }
    }
    let expected = lentera_print::Code128::encode("LTR-000123")
        .unwrap()
        .element_widths();
    assert_eq!(widths, expected);
    // Bars share one bottom edge and height.
    assert!(
        bars.iter()
            .all(|r| (r[1] - bars[0][1]).abs() < 1e-3 && (r[3] - bars[0][3]).abs() < 1e-3)
    );
}

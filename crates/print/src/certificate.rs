//! Certificates on A4 landscape, one per page, with a verification QR code.

use std::io::Write;

use crate::canvas::{Align, Document, Page, PageSize};
use crate::error::PrintError;
use crate::qr::{self, QrMatrix};
use crate::text::{self, Fitted, Font, PT_PER_MM, pt_to_mm};

/// Whoever signs the certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signatory {
    /// Position, printed above the signature space, e.g. "Kepala Perpustakaan".
    pub position: String,
    /// Name, printed bold and underlined below the signature space.
    pub name: String,
}

/// What one certificate shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// Heading, normally "SERTIFIKAT".
    pub title: String,
    /// Certificate number, printed under the QR code.
    pub number: String,
    /// Recipient's name, the largest text on the page.
    pub recipient: String,
    /// Sentence between the name and the event, e.g. "atas partisipasinya
    /// sebagai peserta dalam kegiatan". May be empty.
    pub statement: String,
    /// Event title.
    pub event_title: String,
    /// Dates as the caller wants them read, e.g. "12–14 Maret 2026".
    pub dates: String,
    /// Place of the event.
    pub place: String,
    /// Organiser, printed as "Diselenggarakan oleh …".
    pub organiser: String,
    /// URL the QR code encodes, where the certificate can be verified.
    pub verification_url: String,
    /// Optional signature block at the bottom right.
    pub signatory: Option<Signatory>,
}

const PAGE: PageSize = PageSize::A4_LANDSCAPE;
/// Text column: 30 mm from each side, well inside the border.
const TEXT_LEFT_MM: f32 = 30.0;
const TEXT_W_MM: f32 = PAGE.width_mm - 2.0 * TEXT_LEFT_MM;
/// Side of the QR code with its quiet zone.
const QR_SIDE_MM: f32 = 30.0;
const QR_LEFT_MM: f32 = 24.0;
const QR_TOP_MM: f32 = 148.0;
/// The lower band (QR, signature) starts here; the text above never
/// reaches it.
const LOWER_BAND_MM: f32 = 140.0;

/// Writes the certificates as one PDF, one A4 landscape page each, to `out`.
///
/// Long names and titles shrink and wrap (name up to 2 lines, event up to
/// 2, statement up to 3) so that the text block never reaches the QR code
/// and signature band at the bottom.
pub fn render_certificates<W: Write + ?Sized>(
    certificates: &[Certificate],
    out: &mut W,
) -> Result<(), PrintError> {
    layout_certificates(certificates)?.write(out)
}

pub(crate) fn layout_certificates(certificates: &[Certificate]) -> Result<Document, PrintError> {
    let first = certificates.first().ok_or(PrintError::Empty)?;
    let mut codes = Vec::with_capacity(certificates.len());
    for c in certificates {
        codes.push(QrMatrix::encode(&c.verification_url)?);
    }
    let title = if certificates.len() == 1 {
        format!("{} {}", first.title, first.recipient)
    } else {
        format!("{} {}", first.title, first.event_title)
    };
    let mut doc = Document::new(&title);
    for (c, code) in certificates.iter().zip(&codes) {
        let p = doc.add_page(PAGE);
        draw_certificate(&mut doc.pages[p], c, code);
    }
    Ok(doc)
}

/// One block of the certificate's middle text.
struct Piece {
    font: Font,
    fitted: Fitted,
    /// Space below the text, mm.
    gap: f32,
    /// A rule below the gap, then this much more space.
    rule_gap: Option<f32>,
}

impl Piece {
    fn height(&self) -> f32 {
        pt_to_mm(self.fitted.height_pt()) + self.gap + self.rule_gap.unwrap_or(0.0)
    }
}

/// The text between title and lower band, with every size, box and gap
/// multiplied by `scale`.
fn middle_pieces(c: &Certificate, scale: f32) -> Vec<Piece> {
    let col_w = TEXT_W_MM * PT_PER_MM;
    let s = scale;
    let piece = |font, text: &str, box_h_mm: f32, max: f32, min: f32, lines, gap| Piece {
        font,
        fitted: text::fit(
            font,
            text,
            col_w,
            box_h_mm * s * PT_PER_MM,
            max * s,
            min * s,
            lines,
        ),
        gap: gap * s,
        rule_gap: None,
    };
    let mut pieces = vec![piece(
        Font::Regular,
        "diberikan kepada",
        6.0,
        13.0,
        9.0,
        1,
        5.0,
    )];
    let mut name = piece(Font::Bold, &c.recipient, 22.0, 30.0, 14.0, 2, 2.0);
    name.rule_gap = Some(6.0 * s);
    pieces.push(name);
    if !c.statement.trim().is_empty() {
        pieces.push(piece(Font::Regular, &c.statement, 16.0, 13.0, 9.0, 3, 3.0));
    }
    pieces.push(piece(Font::Bold, &c.event_title, 16.0, 18.0, 10.0, 2, 4.0));
    let when_where = match (c.place.trim(), c.dates.trim()) {
        ("", d) => d.to_string(),
        (p, "") => p.to_string(),
        (p, d) => format!("{p}, {d}"),
    };
    pieces.push(piece(Font::Regular, &when_where, 6.0, 12.0, 8.0, 1, 2.5));
    let organiser = format!("Diselenggarakan oleh {}", c.organiser.trim());
    pieces.push(piece(Font::Regular, &organiser, 6.0, 12.0, 8.0, 1, 0.0));
    pieces
}

fn draw_certificate(page: &mut Page, c: &Certificate, code: &QrMatrix) {
    let (w, h) = (PAGE.width_mm, PAGE.height_mm);
    page.stroke_rect(10.0, 10.0, w - 20.0, h - 20.0, 2.0, 0.25);
    page.stroke_rect(13.0, 13.0, w - 26.0, h - 26.0, 0.6, 0.25);

    let cx = w / 2.0;
    let col_w = TEXT_W_MM * PT_PER_MM;
    let title = text::fit(Font::Bold, &c.title, col_w, 16.0 * PT_PER_MM, 36.0, 20.0, 1);
    let title_bottom = page.lines(Font::Bold, &title, cx, 28.0, Align::Center);

    // The middle text is centred between title and lower band; if it is
    // too tall at full size, everything shrinks together.
    let top = title_bottom + 6.0;
    let room = LOWER_BAND_MM - 4.0 - top;
    let mut pieces = middle_pieces(c, 1.0);
    for scale in [0.9, 0.8, 0.7, 0.6, 0.5] {
        if pieces.iter().map(Piece::height).sum::<f32>() <= room {
            break;
        }
        pieces = middle_pieces(c, scale);
    }
    let total: f32 = pieces.iter().map(Piece::height).sum();
    let mut y = top + ((room - total) / 2.0).max(0.0);
    for p in &pieces {
        y = page.lines(p.font, &p.fitted, cx, y, Align::Center) + p.gap;
        if let Some(rule_gap) = p.rule_gap {
            let rule_w = pt_to_mm(p.fitted.width_pt(p.font)).clamp(110.0, TEXT_W_MM);
            page.line(
                (cx - rule_w / 2.0, y),
                (cx + rule_w / 2.0, y),
                0.8,
                0.0,
                None,
            );
            y += rule_gap;
        }
    }

    // QR code bottom left, number under it.
    let module = QR_SIDE_MM / (code.size() + 2 * qr::QUIET_ZONE_MODULES) as f32;
    page.qr(code, QR_LEFT_MM, QR_TOP_MM, module);
    // Each line under the symbol is centred on it; a line wider than the
    // symbol starts flush with its left edge instead.
    let qr_cx = QR_LEFT_MM + QR_SIDE_MM / 2.0;
    let symbol_left = QR_LEFT_MM + qr::QUIET_ZONE_MODULES as f32 * module;
    let below = QR_TOP_MM + QR_SIDE_MM;
    let caption = "Pindai kode QR untuk memeriksa keaslian";
    for (size, baseline, line) in [
        (8.0, below + 2.5, c.number.as_str()),
        (6.5, below + 5.5, caption),
    ] {
        let line = text::truncate(Font::Regular, size, line, 100.0 * PT_PER_MM);
        let w = text::width_mm(Font::Regular, size, &line);
        let left = (qr_cx - w / 2.0).max(symbol_left);
        page.text(Font::Regular, size, left, baseline, Align::Left, &line);
    }

    if let Some(s) = &c.signatory {
        let sx = w - 30.0 - 45.0;
        let box_w = 90.0 * PT_PER_MM;
        let position = text::fit(
            Font::Regular,
            &s.position,
            box_w,
            10.0 * PT_PER_MM,
            12.0,
            8.0,
            2,
        );
        page.lines(
            Font::Regular,
            &position,
            sx,
            LOWER_BAND_MM + 4.0,
            Align::Center,
        );
        let signer = text::fit(Font::Bold, &s.name, box_w, 6.0 * PT_PER_MM, 12.0, 8.0, 1);
        let name_top = LOWER_BAND_MM + 36.0;
        let bottom = page.lines(Font::Bold, &signer, sx, name_top, Align::Center);
        let name_w = pt_to_mm(signer.width_pt(Font::Bold));
        page.line(
            (sx - name_w / 2.0, bottom + 0.6),
            (sx + name_w / 2.0, bottom + 0.6),
            0.6,
            0.0,
            None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn certificate(recipient: &str, event: &str) -> Certificate {
        Certificate {
            title: "SERTIFIKAT".to_string(),
            number: "No. 012/TPBIS/III/2026".to_string(),
            recipient: recipient.to_string(),
            statement: "atas partisipasinya sebagai peserta dalam kegiatan".to_string(),
            event_title: event.to_string(),
            dates: "12–14 Maret 2026".to_string(),
            place: "Cianjur".to_string(),
            organiser: "Dinas Perpustakaan dan Kearsipan Kabupaten Cianjur".to_string(),
            verification_url: "https://lentera.example.id/v/2026-0012".to_string(),
            signatory: Some(Signatory {
                position: "Kepala Dinas Perpustakaan dan Kearsipan".to_string(),
                name: "Drs. H. Ahmad Fauzi, M.Si.".to_string(),
            }),
        }
    }

    #[test]
    fn text_block_stays_above_the_lower_band_and_inside_the_column() {
        let long_name =
            "Raden Roro Ayu Siti Nurhaliza Kusumawardhani Wiryawinatakusuma Prawiranegara";
        let long_event = "Pelatihan Pengelolaan Perpustakaan Berbasis Inklusi Sosial untuk Tenaga \
                          Perpustakaan Desa dan Taman Bacaan Masyarakat se-Kabupaten Cianjur Tahun 2026";
        for c in [
            certificate("Siti Aminah", "Bimbingan Teknis"),
            certificate(long_name, long_event),
        ] {
            let doc = layout_certificates(&[c]).unwrap();
            let page = &doc.pages[0];
            for t in &page.texts {
                assert!(t.x_mm >= 13.0 && t.right_mm() <= 297.0 - 13.0, "{t:?}");
                if t.baseline_mm < LOWER_BAND_MM {
                    assert!(t.x_mm >= TEXT_LEFT_MM - 1e-3, "{t:?}");
                    assert!(t.right_mm() <= TEXT_LEFT_MM + TEXT_W_MM + 1e-3, "{t:?}");
                    assert!(t.bottom_mm() <= LOWER_BAND_MM + 1e-3, "{t:?}");
                }
                assert!(t.bottom_mm() <= 210.0 - 13.0, "{t:?}");
            }
        }
    }

    #[test]
    fn qr_sits_bottom_left_with_its_quiet_zone_inside_the_border() {
        let doc = layout_certificates(&[certificate("Siti", "Bimtek")]).unwrap();
        let rects = &doc.pages[0].rects;
        let min_x = rects.iter().map(|r| r.x_mm).fold(f32::MAX, f32::min);
        let max_x = rects.iter().map(|r| r.x_mm + r.w_mm).fold(0.0, f32::max);
        let min_y = rects.iter().map(|r| r.y_mm).fold(f32::MAX, f32::min);
        let max_y = rects.iter().map(|r| r.y_mm + r.h_mm).fold(0.0, f32::max);
        let code = QrMatrix::encode("https://lentera.example.id/v/2026-0012").unwrap();
        let module = QR_SIDE_MM / (code.size() + 8) as f32;
        let quiet = 4.0 * module;
        assert!((min_x - (QR_LEFT_MM + quiet)).abs() < 1e-3);
        assert!((min_y - (QR_TOP_MM + quiet)).abs() < 1e-3);
        assert!((max_x - (QR_LEFT_MM + QR_SIDE_MM - quiet)).abs() < 1e-3);
        assert!((max_y - (QR_TOP_MM + QR_SIDE_MM - quiet)).abs() < 1e-3);
        const { assert!(QR_LEFT_MM > 13.0 && QR_TOP_MM + QR_SIDE_MM + 6.0 < 210.0 - 13.0) };
        let number = doc.pages[0]
            .texts
            .iter()
            .find(|t| t.text.starts_with("No. 012"))
            .unwrap();
        assert!(number.top_mm() > QR_TOP_MM + QR_SIDE_MM);
    }

    #[test]
    fn several_certificates_give_one_page_each() {
        let doc = layout_certificates(&[certificate("A", "B"), certificate("C", "D")]).unwrap();
        assert_eq!(doc.pages.len(), 2);
        assert!(matches!(layout_certificates(&[]), Err(PrintError::Empty)));
    }
}

//! Membership cards, ten CR80 cards to an A4 page with cut marks.

use std::io::Write;

use crate::canvas::{Align, Document, Page, PageSize, code128_module_mm};
use crate::code128::Code128;
use crate::error::PrintError;
use crate::labels::{Placement, grid_position};
use crate::text::{self, Font, PT_PER_MM, pt_to_mm};

/// Card width: ISO/IEC 7810 ID-1 (CR80), the size of a bank card.
pub const CARD_WIDTH_MM: f32 = 85.6;
/// Card height (CR80).
pub const CARD_HEIGHT_MM: f32 = 54.0;
/// Cards across an A4 page.
pub const CARD_COLUMNS: usize = 2;
/// Cards down an A4 page.
pub const CARD_ROWS: usize = 5;
/// Cards on one A4 page.
pub const CARDS_PER_PAGE: usize = CARD_COLUMNS * CARD_ROWS;

/// Left edge of the card grid: the grid is centred on A4.
const GRID_X_MM: f32 = (210.0 - CARD_COLUMNS as f32 * CARD_WIDTH_MM) / 2.0;
/// Top edge of the card grid.
const GRID_Y_MM: f32 = (297.0 - CARD_ROWS as f32 * CARD_HEIGHT_MM) / 2.0;

/// Inner padding: keeps text clear of an imprecise scissor cut.
const PAD_MM: f32 = 4.0;
const INNER_W_MM: f32 = CARD_WIDTH_MM - 2.0 * PAD_MM;

/// Cut marks: how far they stay from the grid, and their length.
const MARK_GAP_MM: f32 = 2.0;
const MARK_LEN_MM: f32 = 5.0;

/// What one membership card shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberCard {
    /// Library name, at the top (up to two lines, shrunk to fit).
    pub library_name: String,
    /// Member's full name (up to two lines, shrunk to fit).
    pub member_name: String,
    /// Member number, printed after "No. Anggota".
    pub member_number: String,
    /// Expiry date as the caller wants it read, e.g. "31 Desember 2026";
    /// printed after "Berlaku s.d.".
    pub valid_until: String,
    /// Value of the member barcode (Code 128), also printed as text.
    pub barcode: String,
}

/// Where card number `index` of a print run goes. Cards abut in a 2 × 5
/// grid centred on A4, so one straight cut separates two cards.
pub fn card_position(index: usize) -> Placement {
    grid_position(
        index,
        CARD_COLUMNS,
        CARD_ROWS,
        (GRID_X_MM, GRID_Y_MM),
        (CARD_WIDTH_MM, CARD_HEIGHT_MM),
    )
}

/// Writes the cards as one A4 PDF, ten to a page, to `out`.
///
/// Each card has a light grey outline, and every page has black cut marks
/// outside the grid on each cutting line. Texts shrink (and names wrap to
/// two lines) to stay inside the card's 4 mm padding; the barcode takes
/// the widest module that fits the card with its quiet zones.
pub fn render_member_cards<W: Write + ?Sized>(
    cards: &[MemberCard],
    out: &mut W,
) -> Result<(), PrintError> {
    layout_cards(cards)?.write(out)
}

pub(crate) fn layout_cards(cards: &[MemberCard]) -> Result<Document, PrintError> {
    if cards.is_empty() {
        return Err(PrintError::Empty);
    }
    let mut codes = Vec::with_capacity(cards.len());
    for card in cards {
        let code = Code128::encode(&card.barcode)?;
        let module = code128_module_mm(&code, INNER_W_MM)?;
        codes.push((code, module));
    }
    let mut doc = Document::new("Kartu anggota");
    for (i, (card, (code, module))) in cards.iter().zip(&codes).enumerate() {
        let at = card_position(i);
        if doc.pages.len() <= at.page {
            let p = doc.add_page(PageSize::A4);
            draw_cut_marks(&mut doc.pages[p]);
        }
        draw_card(
            &mut doc.pages[at.page],
            at.x_mm,
            at.y_mm,
            card,
            code,
            *module,
        );
    }
    Ok(doc)
}

fn draw_cut_marks(page: &mut Page) {
    let right = GRID_X_MM + CARD_COLUMNS as f32 * CARD_WIDTH_MM;
    let bottom = GRID_Y_MM + CARD_ROWS as f32 * CARD_HEIGHT_MM;
    for c in 0..=CARD_COLUMNS {
        let x = GRID_X_MM + c as f32 * CARD_WIDTH_MM;
        let above = GRID_Y_MM - MARK_GAP_MM;
        let below = bottom + MARK_GAP_MM;
        page.line((x, above - MARK_LEN_MM), (x, above), 0.4, 0.0, None);
        page.line((x, below), (x, below + MARK_LEN_MM), 0.4, 0.0, None);
    }
    for r in 0..=CARD_ROWS {
        let y = GRID_Y_MM + r as f32 * CARD_HEIGHT_MM;
        let left = GRID_X_MM - MARK_GAP_MM;
        let beyond = right + MARK_GAP_MM;
        page.line((left - MARK_LEN_MM, y), (left, y), 0.4, 0.0, None);
        page.line((beyond, y), (beyond + MARK_LEN_MM, y), 0.4, 0.0, None);
    }
}

fn draw_card(page: &mut Page, x: f32, y: f32, card: &MemberCard, code: &Code128, module: f32) {
    page.stroke_rect(x, y, CARD_WIDTH_MM, CARD_HEIGHT_MM, 0.25, 0.75);
    let left = x + PAD_MM;
    let cx = x + CARD_WIDTH_MM / 2.0;
    let w_pt = INNER_W_MM * PT_PER_MM;

    // Heading: library name (y + 4 … 11), card title, rule at y + 15.5.
    let library = text::fit(
        Font::Bold,
        &card.library_name,
        w_pt,
        7.0 * PT_PER_MM,
        10.0,
        6.0,
        2,
    );
    let library_top = y + PAD_MM + (7.0 - pt_to_mm(library.height_pt())) / 2.0;
    page.lines(Font::Bold, &library, cx, library_top, Align::Center);
    page.text(
        Font::Bold,
        8.0,
        cx,
        y + 14.0,
        Align::Center,
        "KARTU ANGGOTA",
    );
    page.line(
        (left, y + 15.5),
        (x + CARD_WIDTH_MM - PAD_MM, y + 15.5),
        0.6,
        0.0,
        None,
    );

    // Member name (y + 17.5 … 25), then two key–value lines.
    let name = text::fit(
        Font::Bold,
        &card.member_name,
        w_pt,
        7.5 * PT_PER_MM,
        12.0,
        7.0,
        2,
    );
    let name_top = y + 17.5 + (7.5 - pt_to_mm(name.height_pt())) / 2.0;
    page.lines(Font::Bold, &name, left, name_top, Align::Left);

    let key_w = 20.0;
    let value_w_pt = (INNER_W_MM - key_w) * PT_PER_MM;
    for (baseline, key, value) in [
        (y + 28.8, "No. Anggota", &card.member_number),
        (y + 32.6, "Berlaku s.d.", &card.valid_until),
    ] {
        page.text(Font::Regular, 7.5, left, baseline, Align::Left, key);
        page.text(
            Font::Regular,
            7.5,
            left + key_w - 2.0,
            baseline,
            Align::Left,
            ":",
        );
        let value = text::truncate(Font::Bold, 7.5, value, value_w_pt);
        page.text(Font::Bold, 7.5, left + key_w, baseline, Align::Left, &value);
    }

    // Barcode (y + 35 … 45) and its text.
    let symbol_w = code.total_modules() as f32 * module;
    page.code128(code, cx - symbol_w / 2.0, y + 35.0, module, 10.0);
    let human = text::truncate(Font::Regular, 7.0, code.text(), w_pt);
    page.text(Font::Regular, 7.0, cx, y + 48.3, Align::Center, &human);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(name: &str) -> MemberCard {
        MemberCard {
            library_name: "Perpustakaan Desa Sukamaju".to_string(),
            member_name: name.to_string(),
            member_number: "2026.0001".to_string(),
            valid_until: "31 Desember 2026".to_string(),
            barcode: "AGT-2026-0001".to_string(),
        }
    }

    #[test]
    fn ten_cards_fit_a_page_inside_the_printable_area() {
        let first = card_position(0);
        assert!((first.x_mm - 19.4).abs() < 1e-4);
        assert!((first.y_mm - 13.5).abs() < 1e-4);
        let last = card_position(9);
        assert_eq!((last.page, last.column, last.row), (0, 1, 4));
        assert!(last.x_mm + CARD_WIDTH_MM <= 210.0 - 5.0);
        assert!(last.y_mm + CARD_HEIGHT_MM <= 297.0 - 5.0);
        assert_eq!(card_position(10).page, 1);
        let doc = layout_cards(&vec![card("Siti Aminah"); 11]).unwrap();
        assert_eq!(doc.pages.len(), 2);
    }

    #[test]
    fn card_texts_stay_inside_the_padding() {
        let long = "Raden Roro Ayu Kusumawardhani Wiryawinatakusuma Prawiranegara Hadiningrat";
        let mut c = card(long);
        let library = "Perpustakaan Umum Desa Sumberrejo Kecamatan Wonosari Kabupaten Gunungkidul \
                       Daerah Istimewa Yogyakarta";
        c.library_name = library.to_string();
        c.valid_until =
            "Selama masih berdomisili di Desa Sumberrejo dan aktif meminjam".to_string();
        let doc = layout_cards(&[c, card("Budi")]).unwrap();
        let eps = 1e-3;
        for t in &doc.pages[0].texts {
            let at = if t.x_mm < GRID_X_MM + CARD_WIDTH_MM {
                card_position(0)
            } else {
                card_position(1)
            };
            assert!(t.x_mm >= at.x_mm + PAD_MM - eps, "{t:?}");
            assert!(
                t.right_mm() <= at.x_mm + CARD_WIDTH_MM - PAD_MM + eps,
                "{t:?}"
            );
            assert!(t.top_mm() >= at.y_mm + PAD_MM - eps, "{t:?}");
            assert!(
                t.bottom_mm() <= at.y_mm + CARD_HEIGHT_MM - PAD_MM + eps,
                "{t:?}"
            );
        }
        // Each block stays in its band: library name above "KARTU
        // ANGGOTA", the member's name between the rule and the key–value
        // lines.
        let y0 = card_position(0).y_mm;
        let first_card = doc.pages[0]
            .texts
            .iter()
            .filter(|t| t.x_mm < GRID_X_MM + CARD_WIDTH_MM);
        let mut library_lines = 0;
        let mut name_lines = 0;
        for t in first_card {
            let stem = t.text.trim_end_matches('\u{2026}');
            if library.contains(stem) {
                library_lines += 1;
                assert!(t.bottom_mm() <= y0 + PAD_MM + 7.0 + eps, "{t:?}");
            } else if long.contains(stem) {
                name_lines += 1;
                assert!(t.top_mm() >= y0 + 17.5 - eps, "{t:?}");
                assert!(t.bottom_mm() <= y0 + 25.0 + eps, "{t:?}");
            }
        }
        assert!((1..=2).contains(&library_lines));
        assert_eq!(name_lines, 2);
    }

    #[test]
    fn barcode_fits_between_the_paddings() {
        let doc = layout_cards(&[card("Budi")]).unwrap();
        let rects = &doc.pages[0].rects;
        let at = card_position(0);
        let first = rects.first().unwrap();
        let last = rects.last().unwrap();
        assert!(first.x_mm > at.x_mm + PAD_MM);
        assert!(last.x_mm + last.w_mm < at.x_mm + CARD_WIDTH_MM - PAD_MM);
    }

    #[test]
    fn no_cards_is_an_error() {
        assert!(matches!(layout_cards(&[]), Err(PrintError::Empty)));
    }
}

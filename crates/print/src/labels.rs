//! Spine and barcode labels on label sheets.
//!
//! Each label holds two parts side by side, separated by a dashed cutting
//! line: on the left the call number split over lines for the book's
//! spine, on the right the library's short name, the item's Code 128
//! barcode and its text. Librarians stick the label whole or cut it in two.

use std::io::Write;

use crate::canvas::{Align, Document, Page, PageSize, code128_module_mm};
use crate::code128::Code128;
use crate::error::PrintError;
use crate::text::{self, Font, PT_PER_MM, pt_to_mm};

/// A sheet of labels in a regular grid, described as data so new sheet
/// brands need no code.
///
/// Labels are numbered row by row, left to right, from the top-left label.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelSheet {
    /// Name shown to the librarian when choosing a sheet.
    pub name: String,
    /// Paper size the printer is fed.
    pub page: PageSize,
    /// Labels across.
    pub columns: usize,
    /// Labels down.
    pub rows: usize,
    /// Width of one label.
    pub label_w_mm: f32,
    /// Height of one label.
    pub label_h_mm: f32,
    /// Distance from the top paper edge to the top of the first row.
    pub margin_top_mm: f32,
    /// Distance from the left paper edge to the left of the first column.
    pub margin_left_mm: f32,
    /// Horizontal space between two labels.
    pub gap_x_mm: f32,
    /// Vertical space between two labels.
    pub gap_y_mm: f32,
}

/// Where one label (or card) sits: which page, which grid cell, and the
/// top-left corner in mm from the paper's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// Page index, from 0.
    pub page: usize,
    /// Column, from 0.
    pub column: usize,
    /// Row, from 0.
    pub row: usize,
    /// Left edge in mm.
    pub x_mm: f32,
    /// Top edge in mm.
    pub y_mm: f32,
}

/// Smallest label that can hold a spine part and a barcode part.
const MIN_LABEL_W_MM: f32 = 30.0;
const MIN_LABEL_H_MM: f32 = 14.0;

impl LabelSheet {
    /// A4 with 3 × 8 = 24 labels of 70 × 37 mm, edge to edge across
    /// (Avery 3474 / Herma 4453 style; 0.5 mm top and bottom margin).
    pub fn a4_24_70x37() -> Self {
        LabelSheet {
            name: "A4 3 × 8 (24 label, 70 × 37 mm)".to_string(),
            page: PageSize::A4,
            columns: 3,
            rows: 8,
            label_w_mm: 70.0,
            label_h_mm: 37.0,
            margin_top_mm: 0.5,
            margin_left_mm: 0.0,
            gap_x_mm: 0.0,
            gap_y_mm: 0.0,
        }
    }

    /// A4 with 2 × 7 = 14 labels of 99.1 × 38.1 mm (Avery L7163 style:
    /// 15.15 mm top margin, 4.65 mm side margins, 2.5 mm between columns).
    pub fn a4_14_99x38() -> Self {
        LabelSheet {
            name: "A4 2 × 7 (14 label, 99,1 × 38,1 mm)".to_string(),
            page: PageSize::A4,
            columns: 2,
            rows: 7,
            label_w_mm: 99.1,
            label_h_mm: 38.1,
            margin_top_mm: 15.15,
            margin_left_mm: 4.65,
            gap_x_mm: 2.5,
            gap_y_mm: 0.0,
        }
    }

    /// Small labels in the style of the Indonesian "Tom & Jerry No. 103"
    /// (about 32 × 64 mm, used landscape: 64 wide, 32 high), 3 × 8 = 24 on
    /// A4 with 3 mm gaps.
    ///
    /// **Approximation**: the label size and, above all, the margins and
    /// gaps are not taken from a manufacturer's specification, and genuine
    /// Tom & Jerry sheets come in sizes smaller than A4. Measure the
    /// physical sheet and print a test page on plain paper before using
    /// label stock; adjust the fields (or the page size) as needed.
    pub fn tom_jerry_103() -> Self {
        LabelSheet {
            name: "Tom & Jerry No. 103 (perkiraan, 64 × 32 mm)".to_string(),
            page: PageSize::A4,
            columns: 3,
            rows: 8,
            label_w_mm: 64.0,
            label_h_mm: 32.0,
            margin_top_mm: 10.0,
            margin_left_mm: 6.0,
            gap_x_mm: 3.0,
            gap_y_mm: 3.0,
        }
    }

    /// All built-in sheets, for a selection list.
    pub fn presets() -> Vec<LabelSheet> {
        vec![
            Self::a4_24_70x37(),
            Self::a4_14_99x38(),
            Self::tom_jerry_103(),
        ]
    }

    /// Labels on one sheet.
    pub fn labels_per_page(&self) -> usize {
        self.columns.saturating_mul(self.rows)
    }

    /// Checks that the sheet is usable: at least one row and column, finite
    /// non-negative measures, labels big enough for their content, and the
    /// whole grid on the paper (0.1 mm tolerance for rounded catalogue
    /// figures).
    pub fn validate(&self) -> Result<(), PrintError> {
        let invalid = |reason: &str| PrintError::InvalidSheet {
            name: self.name.clone(),
            reason: reason.to_string(),
        };
        if self.columns == 0 || self.rows == 0 {
            return Err(invalid("needs at least one row and one column"));
        }
        let measures = [
            self.page.width_mm,
            self.page.height_mm,
            self.label_w_mm,
            self.label_h_mm,
            self.margin_top_mm,
            self.margin_left_mm,
            self.gap_x_mm,
            self.gap_y_mm,
        ];
        if measures.iter().any(|m| !m.is_finite() || *m < 0.0) {
            return Err(invalid("measures must be finite and not negative"));
        }
        if self.label_w_mm < MIN_LABEL_W_MM || self.label_h_mm < MIN_LABEL_H_MM {
            return Err(invalid("labels must be at least 30 × 14 mm"));
        }
        let cols = self.columns as f32;
        let rows = self.rows as f32;
        let right = self.margin_left_mm + cols * self.label_w_mm + (cols - 1.0) * self.gap_x_mm;
        let bottom = self.margin_top_mm + rows * self.label_h_mm + (rows - 1.0) * self.gap_y_mm;
        if right > self.page.width_mm + 0.1 || bottom > self.page.height_mm + 0.1 {
            return Err(invalid("the labels do not fit on the page"));
        }
        Ok(())
    }

    /// Where label number `slot` goes, counting from the top-left label of
    /// the first page; slots beyond one sheet continue on the next page.
    pub fn position(&self, slot: usize) -> Placement {
        grid_position(
            slot,
            self.columns,
            self.rows,
            (self.margin_left_mm, self.margin_top_mm),
            (
                self.label_w_mm + self.gap_x_mm,
                self.label_h_mm + self.gap_y_mm,
            ),
        )
    }
}

/// Position of `slot` in a row-major grid of `columns` × `rows` per page
/// starting at `origin` with cell `pitch` (all mm).
pub(crate) fn grid_position(
    slot: usize,
    columns: usize,
    rows: usize,
    origin: (f32, f32),
    pitch: (f32, f32),
) -> Placement {
    let columns = columns.max(1);
    let per_page = columns.saturating_mul(rows.max(1));
    let page = slot / per_page;
    let index = slot % per_page;
    let row = index / columns;
    let column = index % columns;
    Placement {
        page,
        column,
        row,
        x_mm: origin.0 + column as f32 * pitch.0,
        y_mm: origin.1 + row as f32 * pitch.1,
    }
}

/// One item's label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpineLabel {
    /// Call number as catalogued, e.g. `899.221 3 SAN p` or
    /// `899.221 3 / SAN / p`; see [`split_call_number`].
    pub call_number: String,
    /// The item barcode, printed as Code 128 and as text.
    pub barcode: String,
}

/// Settings shared by all labels of one print run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LabelOptions {
    /// The library's short name, printed above each barcode. Empty leaves
    /// the line out.
    pub library_name: String,
    /// Labels already used on the first sheet: printing starts at label
    /// number `skip` (row by row). Must be smaller than the labels on one
    /// sheet.
    pub skip: usize,
}

/// Splits a call number into spine lines.
///
/// With `/` or line feeds, those separate the lines:
/// `899.221 3 / SAN / p` → `899.221 3`, `SAN`, `p`. Otherwise words are
/// separated by spaces, and consecutive words that start with a digit stay
/// together as the class number: `899.221 3 SAN p` → `899.221 3`, `SAN`,
/// `p`; `R 030 ENS e` → `R`, `030`, `ENS`, `e`. Empty parts are dropped.
pub fn split_call_number(call_number: &str) -> Vec<String> {
    if call_number.contains(['/', '\n']) {
        return call_number
            .split(['/', '\n'])
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect();
    }
    let mut lines: Vec<String> = Vec::new();
    let mut in_number = false;
    for word in call_number.split_whitespace() {
        let numeric = word.starts_with(|c: char| c.is_ascii_digit());
        match lines.last_mut() {
            Some(last) if numeric && in_number => {
                last.push(' ');
                last.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
        in_number = numeric;
    }
    lines
}

/// Writes labels for `labels` on `sheet` as one PDF to `out`, as many
/// pages as needed, starting at label `options.skip` of the first page.
///
/// Every text is kept inside its part of the label: call numbers and names
/// shrink (down to 5 pt) and are cut with "…" only if still too wide. Each
/// barcode keeps its 10-module quiet zones inside the label, with the
/// widest bar module (a whole number of 1/600 inch, 0.21–0.51 mm) that
/// fits; a barcode too long for the label at 0.21 mm is an error. On
/// sheets whose labels reach the paper edge, content keeps 4 mm from it,
/// where most printers cannot print.
pub fn render_labels<W: Write + ?Sized>(
    sheet: &LabelSheet,
    options: &LabelOptions,
    labels: &[SpineLabel],
    out: &mut W,
) -> Result<(), PrintError> {
    layout_labels(sheet, options, labels)?.write(out)
}

pub(crate) fn layout_labels(
    sheet: &LabelSheet,
    options: &LabelOptions,
    labels: &[SpineLabel],
) -> Result<Document, PrintError> {
    sheet.validate()?;
    let per_sheet = sheet.labels_per_page();
    if options.skip >= per_sheet {
        return Err(PrintError::SkipOutOfRange {
            skip: options.skip,
            per_sheet,
        });
    }
    if labels.is_empty() {
        return Err(PrintError::Empty);
    }
    let geometry = LabelGeometry::new(sheet.label_w_mm, sheet.label_h_mm);
    // Encode, place and size every barcode before drawing, so a bad item
    // fails the run without wasting work.
    let mut planned = Vec::with_capacity(labels.len());
    for (i, label) in labels.iter().enumerate() {
        let code = Code128::encode(&label.barcode)?;
        let at = sheet.position(options.skip + i);
        let parts = geometry.parts(at.x_mm, sheet.page.width_mm);
        let module = code128_module_mm(&code, parts.code_r - parts.code_l)?;
        planned.push((label, code, at, parts, module));
    }

    let title = format!("Label buku {}", options.library_name);
    let mut doc = Document::new(title.trim_end());
    for (label, code, at, parts, module) in &planned {
        while doc.pages.len() <= at.page {
            doc.add_page(sheet.page);
        }
        let page = &mut doc.pages[at.page];
        let label_box = (at.y_mm, geometry.h);
        draw_label(
            page,
            parts,
            label_box,
            &options.library_name,
            label,
            code,
            *module,
        );
    }
    Ok(doc)
}

/// Inner padding of a label: die-cut labels have rounded corners and
/// printers feed label stock with about a millimetre of drift.
const PAD_MM: f32 = 2.0;

/// Most printers cannot print the outer 3–4 mm of the paper; sheets whose
/// labels reach the paper edge keep their content this far inside.
pub(crate) const UNPRINTABLE_MM: f32 = 4.0;

/// Sizes of the parts of one label, relative to its top-left corner.
struct LabelGeometry {
    h: f32,
    /// Width of the spine part (left of the cutting line).
    spine_w: f32,
    /// Left edge and width of the space for the barcode with quiet zones.
    code_x: f32,
    code_w: f32,
}

/// Horizontal extents (mm from the paper's left edge) of a placed label's
/// parts, after padding and the printer's unprintable margin.
#[derive(Debug, Clone, Copy)]
struct Parts {
    /// The dashed cutting line.
    cut: f32,
    spine_l: f32,
    spine_r: f32,
    code_l: f32,
    code_r: f32,
}

impl LabelGeometry {
    fn new(w: f32, h: f32) -> Self {
        // About a third of the label: enough for "899.221 3" at a
        // readable size, and the barcode keeps the rest.
        let spine_w = (w * 0.34).clamp(16.0, 28.0);
        let code_x = spine_w + 1.0;
        LabelGeometry {
            h,
            spine_w,
            code_x,
            code_w: w - code_x - 1.0,
        }
    }

    fn parts(&self, x: f32, page_w: f32) -> Parts {
        let (lo, hi) = (UNPRINTABLE_MM, page_w - UNPRINTABLE_MM);
        Parts {
            cut: x + self.spine_w,
            spine_l: (x + PAD_MM).max(lo),
            spine_r: (x + self.spine_w - PAD_MM).min(hi),
            code_l: (x + self.code_x).max(lo),
            code_r: (x + self.code_x + self.code_w).min(hi),
        }
    }
}

fn draw_label(
    page: &mut Page,
    parts: &Parts,
    (y, h): (f32, f32),
    library_name: &str,
    label: &SpineLabel,
    code: &Code128,
    module: f32,
) {
    // Spine part: call number lines, bold, centred both ways.
    let lines = split_call_number(&label.call_number);
    let spine_box_w = (parts.spine_r - parts.spine_l).max(0.0);
    let spine_box_h = h - 2.0 * PAD_MM;
    let spine = text::fit_lines(
        Font::Bold,
        &lines,
        spine_box_w * PT_PER_MM,
        spine_box_h * PT_PER_MM,
        12.0,
        5.0,
    );
    let top = y + PAD_MM + (spine_box_h - pt_to_mm(spine.height_pt())) / 2.0;
    let spine_cx = (parts.spine_l + parts.spine_r) / 2.0;
    page.lines(Font::Bold, &spine, spine_cx, top, Align::Center);

    page.line(
        (parts.cut, y + PAD_MM),
        (parts.cut, y + h - PAD_MM),
        0.3,
        0.55,
        Some(1.0),
    );

    // Barcode part: name, bars, text, as one block centred vertically.
    let code_w = parts.code_r - parts.code_l;
    let cx = (parts.code_l + parts.code_r) / 2.0;
    let name = if library_name.trim().is_empty() {
        None
    } else {
        Some(text::fit(
            Font::Bold,
            library_name,
            code_w * PT_PER_MM,
            4.0 * PT_PER_MM,
            8.0,
            5.0,
            1,
        ))
    };
    let human = text::fit(
        Font::Regular,
        code.text(),
        code_w * PT_PER_MM,
        4.0 * PT_PER_MM,
        9.0,
        5.0,
        1,
    );
    let name_h = name.as_ref().map_or(0.0, |n| pt_to_mm(n.height_pt()) + 1.0);
    let human_h = pt_to_mm(human.height_pt()) + 1.0;
    let bar_h = (h - 2.0 * PAD_MM - name_h - human_h).clamp(0.0, 15.0);
    let block_h = name_h + bar_h + human_h;
    let mut cursor = y + (h - block_h) / 2.0;
    if let Some(name) = &name {
        page.lines(Font::Bold, name, cx, cursor, Align::Center);
        cursor += name_h;
    }
    let symbol_w = code.total_modules() as f32 * module;
    page.code128(code, cx - symbol_w / 2.0, cursor, module, bar_h);
    cursor += bar_h + 1.0;
    page.lines(Font::Regular, &human, cx, cursor, Align::Center);
}

/// The fitted call-number lines for a label of the given size; used by
/// tests to check sizes without drawing.
#[cfg(test)]
fn spine_fit(label_w: f32, label_h: f32, call_number: &str) -> text::Fitted {
    let g = LabelGeometry::new(label_w, label_h);
    text::fit_lines(
        Font::Bold,
        &split_call_number(call_number),
        (g.spine_w - 2.0 * PAD_MM) * PT_PER_MM,
        (g.h - 2.0 * PAD_MM) * PT_PER_MM,
        12.0,
        5.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: usize) -> Vec<SpineLabel> {
        (0..n)
            .map(|i| SpineLabel {
                call_number: "899.221 3 SAN p".to_string(),
                barcode: format!("LTR-{i:06}"),
            })
            .collect()
    }

    fn options(skip: usize) -> LabelOptions {
        LabelOptions {
            library_name: "TBM Cahaya".to_string(),
            skip,
        }
    }

    #[test]
    fn presets_are_valid_and_have_the_promised_grids() {
        let counts: Vec<usize> = LabelSheet::presets()
            .iter()
            .map(|s| {
                s.validate().unwrap();
                s.labels_per_page()
            })
            .collect();
        assert_eq!(counts, vec![24, 14, 24]);
    }

    #[test]
    fn call_numbers_split_into_spine_lines() {
        assert_eq!(
            split_call_number("899.221 3 / SAN / p"),
            ["899.221 3", "SAN", "p"]
        );
        assert_eq!(
            split_call_number("899.221 3 SAN p"),
            ["899.221 3", "SAN", "p"]
        );
        assert_eq!(split_call_number("R 030 ENS e"), ["R", "030", "ENS", "e"]);
        assert_eq!(split_call_number("  F  /  TER  / l / "), ["F", "TER", "l"]);
        assert_eq!(split_call_number("297.1\nABD\nt"), ["297.1", "ABD", "t"]);
        assert!(split_call_number("   ").is_empty());
    }

    #[test]
    fn first_label_sits_at_the_sheet_margins() {
        let sheet = LabelSheet::a4_14_99x38();
        let p = sheet.position(0);
        assert_eq!((p.page, p.column, p.row), (0, 0, 0));
        assert_eq!((p.x_mm, p.y_mm), (4.65, 15.15));
        let p = sheet.position(1);
        assert!((p.x_mm - (4.65 + 99.1 + 2.5)).abs() < 1e-4);
        assert_eq!(p.y_mm, 15.15);
        let p = sheet.position(13);
        assert_eq!((p.page, p.column, p.row), (0, 1, 6));
        assert!((p.y_mm - (15.15 + 6.0 * 38.1)).abs() < 1e-3);
    }

    #[test]
    fn skipped_labels_move_the_start() {
        let sheet = LabelSheet::a4_24_70x37();
        let doc = layout_labels(&sheet, &options(5), &items(2)).unwrap();
        // Slot 5 is row 1, column 2: x = 140, y = 0.5 + 37.
        let first = &doc.pages[0].rects[0];
        assert!(first.x_mm > 140.0 && first.x_mm < 210.0);
        assert!(first.y_mm > 37.5 && first.y_mm < 74.5);
        let p = sheet.position(5);
        assert_eq!((p.column, p.row, p.x_mm, p.y_mm), (2, 1, 140.0, 37.5));
        assert!(matches!(
            layout_labels(&sheet, &options(24), &items(1)),
            Err(PrintError::SkipOutOfRange {
                skip: 24,
                per_sheet: 24
            })
        ));
    }

    #[test]
    fn the_25th_label_starts_a_second_page() {
        let sheet = LabelSheet::a4_24_70x37();
        assert_eq!(
            layout_labels(&sheet, &options(0), &items(24))
                .unwrap()
                .pages
                .len(),
            1
        );
        let doc = layout_labels(&sheet, &options(0), &items(25)).unwrap();
        assert_eq!(doc.pages.len(), 2);
        let p = sheet.position(24);
        assert_eq!((p.page, p.column, p.row), (1, 0, 0));
        assert!(doc.pages[1].texts.iter().any(|t| t.text == "LTR-000024"));
        // With 3 skipped, 22 fit on the first sheet.
        let doc = layout_labels(&sheet, &options(3), &items(22)).unwrap();
        assert_eq!(doc.pages.len(), 2);
    }

    /// Every text and bar lies inside the label it belongs to, and spine
    /// text left of the cutting line.
    fn assert_inside_labels(sheet: &LabelSheet, doc: &Document, count: usize, skip: usize) {
        let g = LabelGeometry::new(sheet.label_w_mm, sheet.label_h_mm);
        let eps = 1e-3;
        for page in &doc.pages {
            for t in &page.texts {
                let owner = (skip..skip + count).map(|s| sheet.position(s)).find(|p| {
                    t.x_mm >= p.x_mm - eps
                        && t.right_mm() <= p.x_mm + sheet.label_w_mm + eps
                        && t.top_mm() >= p.y_mm - eps
                        && t.bottom_mm() <= p.y_mm + sheet.label_h_mm + eps
                });
                let p = owner.unwrap_or_else(|| panic!("{t:?} is outside every label"));
                let on_spine = t.x_mm < p.x_mm + g.spine_w;
                if on_spine {
                    assert!(t.right_mm() <= p.x_mm + g.spine_w - PAD_MM + eps, "{t:?}");
                }
            }
            for r in &page.rects {
                assert!(
                    (skip..skip + count).map(|s| sheet.position(s)).any(|p| {
                        r.x_mm >= p.x_mm + g.code_x - eps
                            && r.x_mm + r.w_mm <= p.x_mm + sheet.label_w_mm - eps
                            && r.y_mm >= p.y_mm
                            && r.y_mm + r.h_mm <= p.y_mm + sheet.label_h_mm
                    }),
                    "bar {r:?} outside the barcode part"
                );
            }
        }
    }

    #[test]
    fn long_texts_shrink_but_stay_inside_their_label() {
        let labels = vec![
            SpineLabel {
                call_number: "899.221 309 598 2 / WIRYAWINATAKUSUMA / perjalanan".to_string(),
                barcode: "B0001234/2024".to_string(),
            },
            SpineLabel {
                call_number: "R 030 ENS e".to_string(),
                barcode: "00001".to_string(),
            },
        ];
        let opts = LabelOptions {
            library_name: "Perpustakaan Desa Sukamaju Kecamatan Cibeber Kabupaten Cianjur"
                .to_string(),
            skip: 0,
        };
        for sheet in LabelSheet::presets() {
            let doc = layout_labels(&sheet, &opts, &labels).unwrap();
            assert_inside_labels(&sheet, &doc, labels.len(), 0);
            let name = doc.pages[0]
                .texts
                .iter()
                .find(|t| t.text.starts_with("Perpustakaan"))
                .unwrap();
            assert!(name.size < 8.0, "library name was not shrunk");
        }
    }

    #[test]
    fn normal_call_numbers_print_large() {
        let f = spine_fit(70.0, 37.0, "899.221 3 SAN p");
        assert_eq!(f.lines.len(), 3);
        assert!(f.size >= 9.0, "size {}", f.size);
        let f = spine_fit(64.0, 32.0, "899.221 3 SAN p");
        assert!(f.size >= 8.0, "size {}", f.size);
    }

    #[test]
    fn barcodes_keep_their_quiet_zones_inside_the_label() {
        let sheet = LabelSheet::a4_24_70x37();
        let doc = layout_labels(&sheet, &options(0), &items(1)).unwrap();
        let code = Code128::encode("LTR-000000").unwrap();
        let g = LabelGeometry::new(70.0, 37.0);
        let module = code128_module_mm(&code, g.code_w).unwrap();
        let rects = &doc.pages[0].rects;
        let first = rects.first().unwrap();
        let last = rects.last().unwrap();
        let quiet = crate::code128::QUIET_ZONE_MODULES as f32 * module;
        assert!(first.x_mm - quiet >= g.code_x - 1e-3);
        assert!(last.x_mm + last.w_mm + quiet <= 70.0 - 1e-3);
        // Module is a whole number of 1/600 inch.
        let dots = module / (25.4 / 600.0);
        assert!((dots - dots.round()).abs() < 1e-3);
    }

    #[test]
    fn edge_to_edge_sheets_keep_content_off_the_unprintable_margin() {
        let sheet = LabelSheet::a4_24_70x37();
        let doc = layout_labels(&sheet, &options(0), &items(24)).unwrap();
        let page = &doc.pages[0];
        for t in &page.texts {
            assert!(t.x_mm >= UNPRINTABLE_MM - 1e-3, "{t:?}");
            assert!(t.right_mm() <= 210.0 - UNPRINTABLE_MM + 1e-3, "{t:?}");
        }
        for r in &page.rects {
            assert!(
                r.x_mm >= UNPRINTABLE_MM && r.x_mm + r.w_mm <= 210.0 - UNPRINTABLE_MM,
                "{r:?}"
            );
        }
        assert_inside_labels(&sheet, &doc, 24, 0);
    }

    #[test]
    fn a_barcode_too_long_for_the_label_is_an_error() {
        let sheet = LabelSheet::tom_jerry_103();
        let labels = vec![SpineLabel {
            call_number: "000".to_string(),
            barcode: "PERPUSTAKAAN-DESA-SUKAMAJU-0001".to_string(),
        }];
        assert!(matches!(
            layout_labels(&sheet, &options(0), &labels),
            Err(PrintError::BarcodeTooWide { .. })
        ));
    }

    #[test]
    fn bad_sheets_and_empty_runs_are_rejected() {
        let mut sheet = LabelSheet::a4_24_70x37();
        sheet.columns = 4;
        assert!(matches!(
            sheet.validate(),
            Err(PrintError::InvalidSheet { .. })
        ));
        let mut sheet = LabelSheet::a4_24_70x37();
        sheet.label_h_mm = f32::NAN;
        assert!(sheet.validate().is_err());
        let mut sheet = LabelSheet::a4_24_70x37();
        sheet.rows = 0;
        assert!(sheet.validate().is_err());
        assert!(matches!(
            layout_labels(&LabelSheet::a4_24_70x37(), &options(0), &[]),
            Err(PrintError::Empty)
        ));
    }
}

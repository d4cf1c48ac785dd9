//! Pages in millimetres from the top-left corner, and the PDF writer.
//!
//! Layout code thinks like the librarian holding the sheet: millimetres,
//! y growing downwards. Conversion to PDF points with y growing upwards
//! happens only here.

use std::io::Write;

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::code128::Code128;
use crate::error::PrintError;
use crate::qr::{self, QrMatrix};
use crate::text::{
    self, ASCENT, DESCENT, FIRST_CODE, Fitted, Font, LINE_HEIGHT, PT_PER_MM, pt_to_mm,
};

/// Horizontal alignment of text relative to its anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// The anchor is the left edge.
    Left,
    /// The anchor is the centre.
    Center,
    /// The anchor is the right edge.
    Right,
}

/// A page (or sheet) size in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    /// Width in millimetres.
    pub width_mm: f32,
    /// Height in millimetres.
    pub height_mm: f32,
}

impl PageSize {
    /// A4 portrait, 210 × 297 mm.
    pub const A4: PageSize = PageSize {
        width_mm: 210.0,
        height_mm: 297.0,
    };
    /// A4 landscape, 297 × 210 mm.
    pub const A4_LANDSCAPE: PageSize = PageSize {
        width_mm: 297.0,
        height_mm: 210.0,
    };
}

/// A run of text as placed on a page, kept so tests can check that text
/// stays inside the box it was given.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlacedText {
    pub text: String,
    pub size: f32,
    /// Left edge, mm.
    pub x_mm: f32,
    /// Baseline, mm from the top.
    pub baseline_mm: f32,
    pub width_mm: f32,
}

#[cfg_attr(not(test), allow(dead_code))]
impl PlacedText {
    pub fn right_mm(&self) -> f32 {
        self.x_mm + self.width_mm
    }
    pub fn top_mm(&self) -> f32 {
        self.baseline_mm - pt_to_mm(ASCENT * self.size)
    }
    pub fn bottom_mm(&self) -> f32 {
        self.baseline_mm + pt_to_mm(DESCENT * self.size)
    }
}

/// A filled black rectangle as placed on a page (bars, QR modules).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PlacedRect {
    pub x_mm: f32,
    pub y_mm: f32,
    pub w_mm: f32,
    pub h_mm: f32,
}

/// One page being drawn.
pub(crate) struct Page {
    pub size: PageSize,
    content: Content,
    pub texts: Vec<PlacedText>,
    pub rects: Vec<PlacedRect>,
}

fn mm(v: f32) -> f32 {
    v * PT_PER_MM
}

impl Page {
    fn new(size: PageSize) -> Self {
        Page {
            size,
            content: Content::new(),
            texts: Vec::new(),
            rects: Vec::new(),
        }
    }

    /// PDF y coordinate (points from the bottom) of `y_mm` from the top.
    fn y(&self, y_mm: f32) -> f32 {
        mm(self.size.height_mm - y_mm)
    }

    /// Draws one line of text with its baseline at `baseline_mm`, anchored
    /// at `x_mm` by `align`. Returns the drawn width in mm.
    pub fn text(
        &mut self,
        font: Font,
        size: f32,
        x_mm: f32,
        baseline_mm: f32,
        align: Align,
        line: &str,
    ) -> f32 {
        let codes = text::encode(line);
        let width_mm = pt_to_mm(text::width_pt(font, size, line));
        if codes.is_empty() || size <= 0.0 {
            return 0.0;
        }
        let left = match align {
            Align::Left => x_mm,
            Align::Center => x_mm - width_mm / 2.0,
            Align::Right => x_mm - width_mm,
        };
        let y = self.y(baseline_mm);
        self.content
            .begin_text()
            .set_font(Name(font.resource_name()), size)
            .set_text_matrix([1.0, 0.0, 0.0, 1.0, mm(left), y])
            .show(Str(&codes))
            .end_text();
        self.texts.push(PlacedText {
            text: line.to_string(),
            size,
            x_mm: left,
            baseline_mm,
            width_mm,
        });
        width_mm
    }

    /// Draws fitted lines with the top of the first line's ascender at
    /// `top_mm`. Returns the y of the last line's descender.
    pub fn lines(
        &mut self,
        font: Font,
        fitted: &Fitted,
        x_mm: f32,
        top_mm: f32,
        align: Align,
    ) -> f32 {
        let mut baseline = top_mm + pt_to_mm(ASCENT * fitted.size);
        for line in &fitted.lines {
            self.text(font, fitted.size, x_mm, baseline, align, line);
            baseline += pt_to_mm(LINE_HEIGHT * fitted.size);
        }
        top_mm + pt_to_mm(fitted.height_pt())
    }

    /// Fills rectangles (x, y, w, h in mm from the top-left) in black as
    /// one path.
    pub fn fill_rects(&mut self, rects: &[PlacedRect]) {
        if rects.is_empty() {
            return;
        }
        for r in rects {
            let y = self.y(r.y_mm + r.h_mm);
            self.content.rect(mm(r.x_mm), y, mm(r.w_mm), mm(r.h_mm));
        }
        self.content.fill_nonzero();
        self.rects.extend_from_slice(rects);
    }

    /// Fills one rectangle in a grey (0 black, 1 white).
    pub fn fill_rect_gray(&mut self, x_mm: f32, y_mm: f32, w_mm: f32, h_mm: f32, gray: f32) {
        let y = self.y(y_mm + h_mm);
        self.content
            .save_state()
            .set_fill_gray(gray)
            .rect(mm(x_mm), y, mm(w_mm), mm(h_mm))
            .fill_nonzero()
            .restore_state();
    }

    /// Strokes a straight line of `width_pt` in a grey, solid or with
    /// dashes of `dash_mm` on and off.
    pub fn line(
        &mut self,
        (x1, y1): (f32, f32),
        (x2, y2): (f32, f32),
        width_pt: f32,
        gray: f32,
        dash_mm: Option<f32>,
    ) {
        let (ya, yb) = (self.y(y1), self.y(y2));
        self.content
            .save_state()
            .set_line_width(width_pt)
            .set_stroke_gray(gray);
        if let Some(d) = dash_mm {
            self.content.set_dash_pattern([mm(d), mm(d)], 0.0);
        }
        self.content
            .move_to(mm(x1), ya)
            .line_to(mm(x2), yb)
            .stroke()
            .restore_state();
    }

    /// Strokes the outline of a rectangle.
    pub fn stroke_rect(
        &mut self,
        x_mm: f32,
        y_mm: f32,
        w_mm: f32,
        h_mm: f32,
        width_pt: f32,
        gray: f32,
    ) {
        let y = self.y(y_mm + h_mm);
        self.content
            .save_state()
            .set_line_width(width_pt)
            .set_stroke_gray(gray)
            .rect(mm(x_mm), y, mm(w_mm), mm(h_mm))
            .stroke()
            .restore_state();
    }

    /// Draws a Code 128 symbol whose left quiet zone starts at `x_mm`; bars
    /// span `y_mm` to `y_mm + h_mm`. The caller keeps the quiet zones
    /// (`QUIET_ZONE_MODULES` × `module_mm` on each side) free of marks.
    pub fn code128(&mut self, code: &Code128, x_mm: f32, y_mm: f32, module_mm: f32, h_mm: f32) {
        let rects: Vec<PlacedRect> = code
            .bars()
            .into_iter()
            .map(|(start, width)| PlacedRect {
                x_mm: x_mm + start as f32 * module_mm,
                y_mm,
                w_mm: width as f32 * module_mm,
                h_mm,
            })
            .collect();
        self.fill_rects(&rects);
    }

    /// Draws a QR symbol whose quiet zone's top-left corner is at
    /// (`x_mm`, `y_mm`).
    pub fn qr(&mut self, matrix: &QrMatrix, x_mm: f32, y_mm: f32, module_mm: f32) {
        let q = qr::QUIET_ZONE_MODULES as f32;
        let rects: Vec<PlacedRect> = matrix
            .runs()
            .into_iter()
            .map(|(x, y, len)| PlacedRect {
                x_mm: x_mm + (q + x as f32) * module_mm,
                y_mm: y_mm + (q + y as f32) * module_mm,
                w_mm: len as f32 * module_mm,
                h_mm: module_mm,
            })
            .collect();
        self.fill_rects(&rects);
    }
}

/// Narrowest and widest Code 128 module, in 1/600 inch. Whole printer dots
/// at 600 dpi (and, for even values, at 300 dpi) keep bar widths even on
/// cheap printers; 5 dots (0.21 mm) is about the narrowest that handheld
/// scanners read reliably from inkjet prints.
const MIN_MODULE_DOTS: u32 = 5;
const MAX_MODULE_DOTS: u32 = 12;

/// The widest allowed module (in mm) at which `code`, quiet zones
/// included, fits `available_mm`.
pub(crate) fn code128_module_mm(code: &Code128, available_mm: f32) -> Result<f32, PrintError> {
    let total = code.total_modules() as f32;
    let dot = 25.4 / 600.0;
    for dots in (MIN_MODULE_DOTS..=MAX_MODULE_DOTS).rev() {
        let module = dots as f32 * dot;
        if total * module <= available_mm {
            return Ok(module);
        }
    }
    Err(PrintError::BarcodeTooWide {
        value: code.text().to_string(),
        needed_mm: total * MIN_MODULE_DOTS as f32 * dot,
        available_mm,
    })
}

/// A document being drawn: its title (for the PDF metadata) and pages.
pub(crate) struct Document {
    title: String,
    pub pages: Vec<Page>,
}

impl Document {
    pub fn new(title: &str) -> Self {
        Document {
            title: title.to_string(),
            pages: Vec::new(),
        }
    }

    /// Appends a page and returns its index.
    pub fn add_page(&mut self, size: PageSize) -> usize {
        self.pages.push(Page::new(size));
        self.pages.len() - 1
    }

    /// Serialises the document as PDF 1.7 to `out`.
    ///
    /// Output is deterministic: the same document gives the same bytes (no
    /// dates or random file IDs are written).
    pub fn write<W: Write + ?Sized>(self, out: &mut W) -> Result<(), PrintError> {
        if self.pages.is_empty() {
            return Err(PrintError::Empty);
        }
        let count = i32::try_from(self.pages.len()).map_err(|_| PrintError::TooLarge)?;
        let id = |n: i32| -> Result<Ref, PrintError> {
            n.checked_add(6).map(Ref::new).ok_or(PrintError::TooLarge)
        };
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let regular = Ref::new(3);
        let bold = Ref::new(4);
        let info = Ref::new(5);
        let mut page_ids = Vec::with_capacity(self.pages.len());
        for i in 0..count {
            let n = i.checked_mul(2).ok_or(PrintError::TooLarge)?;
            page_ids.push((id(n)?, id(n + 1)?));
        }

        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_ids.iter().map(|&(p, _)| p))
            .count(count);
        for (page, &(page_id, content_id)) in self.pages.into_iter().zip(&page_ids) {
            let mut p = pdf.page(page_id);
            p.parent(tree)
                .media_box(Rect::new(
                    0.0,
                    0.0,
                    mm(page.size.width_mm),
                    mm(page.size.height_mm),
                ))
                .contents(content_id);
            p.resources()
                .fonts()
                .pair(Name(Font::Regular.resource_name()), regular)
                .pair(Name(Font::Bold.resource_name()), bold);
            p.finish();
            pdf.stream(content_id, &page.content.finish());
        }
        for (font, font_id) in [(Font::Regular, regular), (Font::Bold, bold)] {
            pdf.type1_font(font_id)
                .base_font(Name(font.base_name()))
                .encoding_predefined(Name(b"WinAnsiEncoding"))
                .first_char(FIRST_CODE)
                .last_char(255)
                .widths(font.widths().iter().map(|&w| f32::from(w)));
        }
        pdf.document_info(info)
            .title(TextStr(&self.title))
            .creator(TextStr("Lentera"))
            .producer(TextStr("Lentera (lentera-print)"));
        out.write_all(&pdf.finish())?;
        Ok(())
    }
}

//! Report documents on A4 portrait: a small flow layout engine.
//!
//! Blocks are laid out top to bottom with a cursor; whatever does not fit
//! the current page moves to the next. Paragraphs break between lines,
//! tables between rows (repeating the header row; a row taller than a
//! page breaks between its lines), charts between bars. Headings and
//! titles stay with what follows them. Every page gets a footer
//! "Halaman X dari Y".

use std::io::Write;

use crate::canvas::{Align, Document, Page, PageSize};
use crate::error::PrintError;
use crate::text::{self, ASCENT, DESCENT, Font, LINE_HEIGHT, PT_PER_MM, pt_to_mm};

/// A report: letterhead, blocks, footer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// Document title for the PDF metadata (not printed; use
    /// [`Block::Title`] for a printed title).
    pub title: String,
    /// Letterhead ("kop") lines on the first page: the first is the
    /// institution in bold, the others (parent body, address, contact) in
    /// regular type; a double rule follows. Empty: no letterhead.
    pub letterhead: Vec<String>,
    /// Text at the left of every footer, e.g. the report's name. Empty:
    /// none. The page number "Halaman X dari Y" is always printed.
    pub footer_note: String,
    /// Content, top to bottom.
    pub blocks: Vec<Block>,
}

impl Report {
    /// An empty report with a metadata title.
    pub fn new(title: impl Into<String>) -> Self {
        Report {
            title: title.into(),
            ..Report::default()
        }
    }

    /// Appends a block.
    pub fn push(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }
}

/// One piece of report content.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A centred bold title.
    Title(String),
    /// A section heading, kept on the same page as the start of what follows.
    Heading(String),
    /// Running text; line feeds start new lines.
    Paragraph(String),
    /// Label–value pairs in two aligned columns ("Jumlah koleksi : 1.234").
    KeyValues(Vec<(String, String)>),
    /// A data table with a header row.
    Table(DataTable),
    /// A horizontal bar chart.
    BarChart(BarChart),
    /// Vertical space, in millimetres.
    Space(f32),
}

/// A table column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Header text.
    pub header: String,
    /// Alignment of the cells (the header follows it).
    pub align: Align,
}

impl Column {
    /// A left-aligned column (text).
    pub fn left(header: impl Into<String>) -> Self {
        Column {
            header: header.into(),
            align: Align::Left,
        }
    }

    /// A right-aligned column (numbers).
    pub fn right(header: impl Into<String>) -> Self {
        Column {
            header: header.into(),
            align: Align::Right,
        }
    }

    /// A centred column.
    pub fn center(header: impl Into<String>) -> Self {
        Column {
            header: header.into(),
            align: Align::Center,
        }
    }
}

/// A data table. Column widths follow the content: each column gets at
/// least its longest word where possible, and the table spans the text
/// width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataTable {
    /// Columns, left to right.
    pub columns: Vec<Column>,
    /// Rows of cells; each row has exactly one cell per column.
    pub rows: Vec<Vec<String>>,
}

/// A horizontal bar chart: one bar per line, label on the left, value at
/// the end of the bar. The longest bar is the largest value.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// Caption above the chart; empty for none.
    pub title: String,
    /// The bars, top to bottom.
    pub bars: Vec<Bar>,
}

/// One bar of a [`BarChart`].
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Label left of the bar.
    pub label: String,
    /// Value; finite and not negative.
    pub value: f64,
    /// Value as printed after the bar.
    pub value_text: String,
}

impl Bar {
    /// A bar whose value is printed the Indonesian way (`1.234,5`).
    pub fn new(label: impl Into<String>, value: f64) -> Self {
        Bar {
            label: label.into(),
            value,
            value_text: text::format_number(value),
        }
    }
}

/// Writes the report as an A4 portrait PDF to `out`.
///
/// Errors if a table row has the wrong number of cells, a table has no
/// columns, or a chart value is negative or not finite.
pub fn render_report<W: Write + ?Sized>(report: &Report, out: &mut W) -> Result<(), PrintError> {
    layout_report(report)?.write(out)
}

const PAGE: PageSize = PageSize::A4;
const MARGIN_X_MM: f32 = 20.0;
const TOP_MM: f32 = 20.0;
/// Content ends here; the footer sits below.
const BOTTOM_MM: f32 = 297.0 - 22.0;
const FOOTER_BASELINE_MM: f32 = 297.0 - 12.0;
const WIDTH_MM: f32 = PAGE.width_mm - 2.0 * MARGIN_X_MM;

const BODY_SIZE: f32 = 10.5;
const TABLE_SIZE: f32 = 9.0;
const CELL_PAD_X_MM: f32 = 1.5;
const CELL_PAD_Y_MM: f32 = 1.2;

pub(crate) fn layout_report(report: &Report) -> Result<Document, PrintError> {
    for block in &report.blocks {
        validate(block)?;
    }
    let mut flow = Flow::new(&report.title);
    if !report.letterhead.is_empty() {
        flow.letterhead(&report.letterhead);
    }
    for block in &report.blocks {
        match block {
            Block::Title(t) => flow.title(t),
            Block::Heading(t) => flow.heading(t),
            Block::Paragraph(t) => flow.paragraph(t),
            Block::KeyValues(pairs) => flow.key_values(pairs),
            Block::Table(t) => flow.table(t),
            Block::BarChart(c) => flow.bar_chart(c),
            Block::Space(mm) => flow.space(*mm),
        }
    }
    let mut doc = flow.doc;
    draw_footers(&mut doc, &report.footer_note);
    Ok(doc)
}

fn validate(block: &Block) -> Result<(), PrintError> {
    match block {
        Block::Table(t) => {
            if t.columns.is_empty() {
                return Err(PrintError::NoColumns);
            }
            for (row, cells) in t.rows.iter().enumerate() {
                if cells.len() != t.columns.len() {
                    return Err(PrintError::TableShape {
                        row,
                        expected: t.columns.len(),
                        found: cells.len(),
                    });
                }
            }
        }
        Block::BarChart(c) => {
            if let Some(bad) = c
                .bars
                .iter()
                .find(|b| !b.value.is_finite() || b.value < 0.0)
            {
                return Err(PrintError::InvalidNumber {
                    what: "bar chart value",
                    value: bad.value,
                });
            }
        }
        Block::Space(mm) if !mm.is_finite() || *mm < 0.0 => {
            return Err(PrintError::InvalidNumber {
                what: "space",
                value: f64::from(*mm),
            });
        }
        _ => {}
    }
    Ok(())
}

fn draw_footers(doc: &mut Document, note: &str) {
    let total = doc.pages.len();
    for (i, page) in doc.pages.iter_mut().enumerate() {
        let right = MARGIN_X_MM + WIDTH_MM;
        page.line(
            (MARGIN_X_MM, FOOTER_BASELINE_MM - 4.5),
            (right, FOOTER_BASELINE_MM - 4.5),
            0.4,
            0.6,
            None,
        );
        let number = format!("Halaman {} dari {}", i + 1, total);
        let used = page.text(
            Font::Regular,
            8.5,
            right,
            FOOTER_BASELINE_MM,
            Align::Right,
            &number,
        );
        if !note.trim().is_empty() {
            let room = (WIDTH_MM - used - 5.0) * PT_PER_MM;
            let note = text::truncate(Font::Regular, 8.5, note, room);
            page.text(
                Font::Regular,
                8.5,
                MARGIN_X_MM,
                FOOTER_BASELINE_MM,
                Align::Left,
                &note,
            );
        }
    }
}

/// Line pitch of text at `size` points, in mm.
fn line_mm(size: f32) -> f32 {
    pt_to_mm(size * LINE_HEIGHT)
}

/// Baseline of a line of text at `size` centred in a slot starting at `top`.
fn baseline_in_slot(top: f32, slot_h: f32, size: f32) -> f32 {
    top + slot_h / 2.0 + pt_to_mm((ASCENT - DESCENT) * size) / 2.0
}

/// A column of a table being drawn: offset from the left margin, width,
/// alignment, font.
#[derive(Clone, Copy)]
struct Cell {
    x: f32,
    w: f32,
    align: Align,
    font: Font,
}

struct Grid {
    cells: Vec<Cell>,
    header: Option<Vec<Vec<String>>>,
    borders: bool,
}

struct Flow {
    doc: Document,
    y: f32,
}

impl Flow {
    fn new(title: &str) -> Self {
        let mut doc = Document::new(title);
        doc.add_page(PAGE);
        Flow { doc, y: TOP_MM }
    }

    fn page(&mut self) -> &mut Page {
        let last = self.doc.pages.len() - 1;
        &mut self.doc.pages[last]
    }

    fn new_page(&mut self) {
        self.doc.add_page(PAGE);
        self.y = TOP_MM;
    }

    fn fresh(&self) -> bool {
        self.y <= TOP_MM
    }

    fn room(&self) -> f32 {
        BOTTOM_MM - self.y
    }

    /// Starts a new page unless `h` mm fit below the cursor or the page is
    /// still empty (so an oversized item cannot loop forever).
    fn need(&mut self, h: f32) {
        if h > self.room() && !self.fresh() {
            self.new_page();
        }
    }

    /// Vertical space before a block, dropped at the top of a page.
    fn gap(&mut self, mm: f32) {
        if !self.fresh() {
            self.y += mm;
        }
    }

    fn letterhead(&mut self, lines: &[String]) {
        let cx = MARGIN_X_MM + WIDTH_MM / 2.0;
        for (i, line) in lines.iter().enumerate() {
            let (font, size) = if i == 0 {
                (Font::Bold, 14.0)
            } else {
                (Font::Regular, 10.0)
            };
            let fitted = text::fit(font, line, WIDTH_MM * PT_PER_MM, f32::MAX, size, 6.0, 1);
            let top = self.y;
            self.page().lines(font, &fitted, cx, top, Align::Center);
            self.y += line_mm(size);
        }
        self.y += 1.0;
        let (l, r, y) = (MARGIN_X_MM, MARGIN_X_MM + WIDTH_MM, self.y);
        self.page().line((l, y), (r, y), 1.6, 0.0, None);
        self.page().line((l, y + 1.0), (r, y + 1.0), 0.5, 0.0, None);
        self.y += 7.0;
    }

    fn title(&mut self, t: &str) {
        let lines = text::wrap(Font::Bold, 14.0, t, WIDTH_MM * PT_PER_MM);
        self.gap(2.0);
        // Keep the title with the first lines of what follows.
        self.need(lines.len() as f32 * line_mm(14.0) + 15.0);
        let cx = MARGIN_X_MM + WIDTH_MM / 2.0;
        for line in &lines {
            let baseline = baseline_in_slot(self.y, line_mm(14.0), 14.0);
            self.page()
                .text(Font::Bold, 14.0, cx, baseline, Align::Center, line);
            self.y += line_mm(14.0);
        }
        self.y += 4.0;
    }

    fn heading(&mut self, t: &str) {
        let size = 11.5;
        let lines = text::wrap(Font::Bold, size, t, WIDTH_MM * PT_PER_MM);
        self.gap(3.0);
        self.need(lines.len() as f32 * line_mm(size) + 15.0);
        for line in &lines {
            let baseline = baseline_in_slot(self.y, line_mm(size), size);
            self.page()
                .text(Font::Bold, size, MARGIN_X_MM, baseline, Align::Left, line);
            self.y += line_mm(size);
        }
        self.y += 1.5;
    }

    fn paragraph(&mut self, t: &str) {
        let lh = line_mm(BODY_SIZE);
        for line in text::wrap(Font::Regular, BODY_SIZE, t, WIDTH_MM * PT_PER_MM) {
            self.need(lh);
            let baseline = baseline_in_slot(self.y, lh, BODY_SIZE);
            self.page().text(
                Font::Regular,
                BODY_SIZE,
                MARGIN_X_MM,
                baseline,
                Align::Left,
                &line,
            );
            self.y += lh;
        }
        self.y += 3.0;
    }

    fn space(&mut self, mm: f32) {
        if mm >= self.room() {
            self.new_page();
        } else {
            self.y += mm;
        }
    }

    fn key_values(&mut self, pairs: &[(String, String)]) {
        if pairs.is_empty() {
            return;
        }
        let size = BODY_SIZE;
        let widest_key = pairs
            .iter()
            .map(|(k, _)| text::width_mm(Font::Regular, size, k))
            .fold(0.0, f32::max);
        let colon_w = 4.0;
        let key_w = (widest_key + 2.0 * CELL_PAD_X_MM + SLACK_MM).min(WIDTH_MM * 0.4);
        let grid = Grid {
            cells: vec![
                Cell {
                    x: 0.0,
                    w: key_w,
                    align: Align::Left,
                    font: Font::Regular,
                },
                Cell {
                    x: key_w,
                    w: colon_w,
                    align: Align::Left,
                    font: Font::Regular,
                },
                Cell {
                    x: key_w + colon_w,
                    w: WIDTH_MM - key_w - colon_w,
                    align: Align::Left,
                    font: Font::Regular,
                },
            ],
            header: None,
            borders: false,
        };
        let rows: Vec<Vec<Vec<String>>> = pairs
            .iter()
            .map(|(k, v)| {
                vec![
                    wrap_cell(Font::Regular, size, k, key_w),
                    vec![":".to_string()],
                    wrap_cell(Font::Regular, size, v, WIDTH_MM - key_w - colon_w),
                ]
            })
            .collect();
        self.gap(1.0);
        self.grid(&grid, &rows, size);
        self.y += 3.0;
    }

    fn table(&mut self, table: &DataTable) {
        let widths = column_widths(table);
        let mut x = 0.0;
        let mut cells = Vec::with_capacity(widths.len());
        for (col, &w) in table.columns.iter().zip(&widths) {
            cells.push(Cell {
                x,
                w,
                align: col.align,
                font: Font::Regular,
            });
            x += w;
        }
        let header = table
            .columns
            .iter()
            .zip(&widths)
            .map(|(c, &w)| wrap_cell(Font::Bold, TABLE_SIZE, &c.header, w))
            .collect();
        let rows: Vec<Vec<Vec<String>>> = table
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&widths)
                    .map(|(cell, &w)| wrap_cell(Font::Regular, TABLE_SIZE, cell, w))
                    .collect()
            })
            .collect();
        let grid = Grid {
            cells,
            header: Some(header),
            borders: true,
        };
        self.gap(1.0);
        self.grid(&grid, &rows, TABLE_SIZE);
        self.y += 4.0;
    }

    /// Draws rows of pre-wrapped cells, repeating the header on each page.
    fn grid(&mut self, grid: &Grid, rows: &[Vec<Vec<String>>], size: f32) {
        let lh = line_mm(size);
        let header_h = grid.header.as_ref().map_or(0.0, |h| row_height(h, lh));
        // Lines of one row that fit on a page below the header.
        let page_lines = ((BOTTOM_MM - TOP_MM - header_h - 2.0 * CELL_PAD_Y_MM) / lh)
            .floor()
            .max(1.0) as usize;

        // Keep the header with (the start of) the first row.
        let first_h = rows
            .first()
            .map_or(0.0, |r| row_height(r, lh).min(2.0 * CELL_PAD_Y_MM + lh));
        self.need(header_h + first_h);
        self.header(grid, size);

        for row in rows {
            let n = row.iter().map(Vec::len).max().unwrap_or(0).max(1);
            let mut start = 0;
            while start < n {
                let avail = ((self.room() - 2.0 * CELL_PAD_Y_MM) / lh).floor().max(0.0) as usize;
                let rest = n - start;
                let fresh = self.y <= TOP_MM + header_h + 1e-3;
                let take = if rest <= avail {
                    rest
                } else if avail == 0 && fresh {
                    // The header leaves no room for a single line: draw one
                    // anyway rather than loop over empty pages.
                    1
                } else if (rest <= page_lines && !fresh) || avail == 0 {
                    // Move the row (or the rest of it) whole to the next page.
                    self.new_page();
                    self.header(grid, size);
                    continue;
                } else {
                    avail
                };
                self.row_part(grid, row, start, take, size, false);
                start += take;
                if start < n {
                    self.new_page();
                    self.header(grid, size);
                }
            }
        }
    }

    fn header(&mut self, grid: &Grid, size: f32) {
        if let Some(header) = &grid.header {
            let n = header.iter().map(Vec::len).max().unwrap_or(0).max(1);
            self.row_part(grid, header, 0, n, size, true);
        }
    }

    /// Draws lines `start..start + count` of a row and moves the cursor
    /// below it.
    fn row_part(
        &mut self,
        grid: &Grid,
        row: &[Vec<String>],
        start: usize,
        count: usize,
        size: f32,
        header: bool,
    ) {
        let lh = line_mm(size);
        let h = count as f32 * lh + 2.0 * CELL_PAD_Y_MM;
        let top = self.y;
        let total_w = grid.cells.last().map_or(0.0, |c| c.x + c.w);
        let page = self.page();
        if header {
            page.fill_rect_gray(MARGIN_X_MM, top, total_w, h, 0.88);
        }
        for (cell, lines) in grid.cells.iter().zip(row) {
            let font = if header { Font::Bold } else { cell.font };
            let anchor = match cell.align {
                Align::Left => MARGIN_X_MM + cell.x + CELL_PAD_X_MM,
                Align::Center => MARGIN_X_MM + cell.x + cell.w / 2.0,
                Align::Right => MARGIN_X_MM + cell.x + cell.w - CELL_PAD_X_MM,
            };
            for (i, line) in lines.iter().skip(start).take(count).enumerate() {
                let slot_top = top + CELL_PAD_Y_MM + i as f32 * lh;
                let baseline = baseline_in_slot(slot_top, lh, size);
                page.text(font, size, anchor, baseline, cell.align, line);
            }
            if grid.borders {
                page.stroke_rect(MARGIN_X_MM + cell.x, top, cell.w, h, 0.4, 0.35);
            }
        }
        self.y += h;
    }

    fn bar_chart(&mut self, chart: &BarChart) {
        let size = TABLE_SIZE;
        let row_h = 6.0;
        let bar_h = 4.0;
        self.gap(2.0);
        let title_h = if chart.title.trim().is_empty() {
            0.0
        } else {
            line_mm(10.0) + 1.0
        };
        self.need(title_h + if chart.bars.is_empty() { 0.0 } else { row_h });
        if title_h > 0.0 {
            let title = text::truncate(Font::Bold, 10.0, &chart.title, WIDTH_MM * PT_PER_MM);
            let baseline = baseline_in_slot(self.y, line_mm(10.0), 10.0);
            self.page()
                .text(Font::Bold, 10.0, MARGIN_X_MM, baseline, Align::Left, &title);
            self.y += title_h;
        }
        let label_w = chart
            .bars
            .iter()
            .map(|b| text::width_mm(Font::Regular, size, &b.label))
            .fold(0.0, f32::max)
            .min(WIDTH_MM * 0.35)
            + 2.0;
        let value_w = chart
            .bars
            .iter()
            .map(|b| text::width_mm(Font::Regular, size, &b.value_text))
            .fold(0.0, f32::max)
            .min(WIDTH_MM * 0.2)
            + 2.0;
        let area = WIDTH_MM - label_w - value_w;
        let max = chart.bars.iter().map(|b| b.value).fold(0.0, f64::max);
        let x0 = MARGIN_X_MM + label_w;
        for bar in &chart.bars {
            self.need(row_h);
            let top = self.y;
            let baseline = baseline_in_slot(top, row_h, size);
            let label = text::fit(
                Font::Regular,
                &bar.label,
                (label_w - 2.0) * PT_PER_MM,
                row_h * PT_PER_MM,
                size,
                7.0,
                1,
            );
            let len = if max > 0.0 {
                (bar.value / max) as f32 * area
            } else {
                0.0
            };
            let value = text::truncate(
                Font::Regular,
                size,
                &bar.value_text,
                (value_w - 1.5) * PT_PER_MM,
            );
            let page = self.page();
            if let Some(line) = label.lines.first() {
                let b = baseline_in_slot(top, row_h, label.size);
                page.text(Font::Regular, label.size, MARGIN_X_MM, b, Align::Left, line);
            }
            if len > 0.0 {
                page.fill_rect_gray(x0, top + (row_h - bar_h) / 2.0, len, bar_h, 0.45);
            }
            page.text(
                Font::Regular,
                size,
                x0 + len + 1.5,
                baseline,
                Align::Left,
                &value,
            );
            page.line((x0, top), (x0, top + row_h), 0.6, 0.2, None);
            self.y += row_h;
        }
        self.y += 3.0;
    }
}

/// Height of a full row of wrapped cells.
fn row_height(row: &[Vec<String>], lh: f32) -> f32 {
    let n = row.iter().map(Vec::len).max().unwrap_or(0).max(1);
    n as f32 * lh + 2.0 * CELL_PAD_Y_MM
}

fn wrap_cell(font: Font, size: f32, text: &str, col_w: f32) -> Vec<String> {
    text::wrap(
        font,
        size,
        text,
        (col_w - 2.0 * CELL_PAD_X_MM).max(1.0) * PT_PER_MM,
    )
}

/// Slack added to measured widths so that converting between mm and
/// points never makes a word that was measured to fit wrap after all.
const SLACK_MM: f32 = 0.5;

/// Column widths (mm) that add up to the text width.
///
/// Each column wants its widest cell on one line ("natural") and needs at
/// least its longest word ("minimum", capped at an equal share so the
/// minimums always fit). Columns start at their minimum; then, cheapest
/// first, columns are widened to their natural width while the rest still
/// fit, so short columns (numbers, names) stay on one line and long text
/// columns wrap. Space left over goes to the columns still short of their
/// natural width, in proportion to what they lack, or, when every column
/// is satisfied, to all columns in proportion to their width.
fn column_widths(table: &DataTable) -> Vec<f32> {
    let n = table.columns.len();
    let pad = 2.0 * CELL_PAD_X_MM + SLACK_MM;
    let share = WIDTH_MM / n as f32;
    let mut natural = vec![0.0f32; n];
    let mut minimum = vec![0.0f32; n];
    let mut measure = |i: usize, font: Font, s: &str| {
        let whole = text::width_mm(font, TABLE_SIZE, s) + pad;
        let word = s
            .split_whitespace()
            .map(|w| text::width_mm(font, TABLE_SIZE, w))
            .fold(0.0, f32::max)
            + pad;
        natural[i] = natural[i].max(whole);
        minimum[i] = minimum[i].max(word.min(share));
    };
    for (i, c) in table.columns.iter().enumerate() {
        measure(i, Font::Bold, &c.header);
    }
    for row in &table.rows {
        for (i, cell) in row.iter().enumerate() {
            measure(i, Font::Regular, cell);
        }
    }
    let mut widths = minimum.clone();
    let mut spare = WIDTH_MM - minimum.iter().sum::<f32>();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| (natural[a] - minimum[a]).total_cmp(&(natural[b] - minimum[b])));
    let mut satisfied = vec![false; n];
    for i in order {
        let extra = (natural[i] - minimum[i]).max(0.0);
        if extra > spare {
            break;
        }
        widths[i] = minimum[i] + extra;
        spare -= extra;
        satisfied[i] = true;
    }
    let lacking: f32 = (0..n)
        .filter(|&i| !satisfied[i])
        .map(|i| natural[i] - widths[i])
        .sum();
    if lacking > 0.0 {
        for i in (0..n).filter(|&i| !satisfied[i]) {
            widths[i] += spare * (natural[i] - widths[i]) / lacking;
        }
    } else {
        let total: f32 = widths.iter().sum();
        if total > 0.0 {
            for w in &mut widths {
                *w += spare * *w / total;
            }
        }
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: usize) -> DataTable {
        DataTable {
            columns: vec![
                Column::right("No."),
                Column::left("Judul"),
                Column::left("Pengarang"),
                Column::right("Dipinjam"),
            ],
            rows: (1..=rows)
                .map(|i| {
                    vec![
                        i.to_string(),
                        format!("Buku nomor {i} tentang pertanian organik di desa"),
                        "Sutan Takdir Alisjahbana".to_string(),
                        (i * 3).to_string(),
                    ]
                })
                .collect(),
        }
    }

    fn report_with(blocks: Vec<Block>) -> Report {
        Report {
            title: "Laporan".to_string(),
            letterhead: vec![
                "PERPUSTAKAAN DESA SUKAMAJU".to_string(),
                "Jl. Raya Sukamaju No. 1, Kecamatan Cibeber, Kabupaten Cianjur".to_string(),
            ],
            footer_note: "Laporan Bulanan Maret 2026".to_string(),
            blocks,
        }
    }

    fn all_texts(doc: &Document) -> Vec<(usize, String)> {
        doc.pages
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.texts.iter().map(move |t| (i, t.text.clone())))
            .collect()
    }

    #[test]
    fn long_table_splits_and_repeats_its_header() {
        let doc = layout_report(&report_with(vec![
            Block::Title("Laporan Peminjaman".to_string()),
            Block::Table(table(80)),
        ]))
        .unwrap();
        assert!(doc.pages.len() >= 2);
        let texts = all_texts(&doc);
        for p in 0..doc.pages.len() {
            assert!(
                texts.iter().any(|(i, t)| *i == p && t == "Judul"),
                "no header on page {p}"
            );
        }
        // Every row appears exactly once, in order.
        let numbers: Vec<usize> = doc
            .pages
            .iter()
            .flat_map(|p| p.texts.iter())
            .filter(|t| t.x_mm < MARGIN_X_MM + 15.0 && t.text.parse::<usize>().is_ok())
            .map(|t| t.text.parse().unwrap())
            .collect();
        assert_eq!(numbers, (1..=80).collect::<Vec<_>>());
        // Nothing runs into the footer.
        for p in &doc.pages {
            for t in &p.texts {
                if !t.text.starts_with("Halaman") && !t.text.starts_with("Laporan Bulanan") {
                    assert!(t.bottom_mm() <= BOTTOM_MM + 1e-3, "{t:?}");
                    assert!(
                        t.x_mm >= MARGIN_X_MM - 1e-3
                            && t.right_mm() <= MARGIN_X_MM + WIDTH_MM + 1e-3
                    );
                }
            }
        }
        let last = doc.pages.len();
        assert!(texts.contains(&(last - 1, format!("Halaman {last} dari {last}"))));
    }

    #[test]
    fn a_row_taller_than_a_page_breaks_between_its_lines() {
        let huge = (0..1500)
            .map(|i| format!("kata{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let t = DataTable {
            columns: vec![Column::left("Catatan"), Column::right("Nilai")],
            rows: vec![
                vec!["pendek".to_string(), "1".to_string()],
                vec![huge, "2".to_string()],
            ],
        };
        let doc = layout_report(&report_with(vec![Block::Table(t)])).unwrap();
        assert!(doc.pages.len() >= 2);
        let words: Vec<String> = doc
            .pages
            .iter()
            .flat_map(|p| p.texts.iter())
            .flat_map(|t| t.text.split(' ').map(str::to_string).collect::<Vec<_>>())
            .filter(|w| w.starts_with("kata"))
            .collect();
        assert_eq!(words.len(), 1500);
        for p in &doc.pages {
            for t in &p.texts {
                if !t.text.starts_with("Halaman") && !t.text.starts_with("Laporan") {
                    assert!(t.bottom_mm() <= BOTTOM_MM + 1e-3);
                }
            }
        }
    }

    #[test]
    fn headings_stay_with_their_content() {
        let mut blocks = vec![Block::Paragraph("isi ".repeat(700))];
        blocks.push(Block::Heading("Bagian Dua".to_string()));
        blocks.push(Block::Paragraph("awal bagian dua".to_string()));
        let doc = layout_report(&report_with(blocks)).unwrap();
        let heading_page = all_texts(&doc)
            .into_iter()
            .find(|(_, t)| t == "Bagian Dua")
            .unwrap()
            .0;
        let body_page = all_texts(&doc)
            .into_iter()
            .find(|(_, t)| t == "awal bagian dua")
            .unwrap()
            .0;
        assert_eq!(heading_page, body_page);
        let heading = doc.pages[heading_page]
            .texts
            .iter()
            .find(|t| t.text == "Bagian Dua")
            .unwrap();
        assert!(heading.bottom_mm() < BOTTOM_MM - 10.0);
    }

    #[test]
    fn column_widths_fill_the_text_width() {
        for t in [table(3), table(0)] {
            let w = column_widths(&t);
            assert!((w.iter().sum::<f32>() - WIDTH_MM).abs() < 1e-3);
            assert!(w[1] > w[0]);
        }
        let wide = DataTable {
            columns: (0..12).map(|i| Column::left(format!("Kolom{i}"))).collect(),
            rows: vec![
                (0..12)
                    .map(|_| "Kecamatan Wonosari Gunungkidul".to_string())
                    .collect(),
            ],
        };
        let w = column_widths(&wide);
        assert!((w.iter().sum::<f32>() - WIDTH_MM).abs() < 1e-3);
    }

    #[test]
    fn short_columns_stay_on_one_line_while_long_text_wraps() {
        let mut t = table(3);
        t.rows[1][1] =
            "Panduan lengkap budidaya ikan lele dan nila di kolam terpal untuk pemula di desa"
                .to_string();
        let w = column_widths(&t);
        let one_line = |font, s: &str, col: f32| wrap_cell(font, TABLE_SIZE, s, col).len() == 1;
        assert!(one_line(Font::Bold, "Dipinjam", w[3]));
        assert!(one_line(Font::Regular, "Sutan Takdir Alisjahbana", w[2]));
        assert!(!one_line(Font::Regular, &t.rows[1][1], w[1]));
    }

    #[test]
    fn bar_chart_scales_to_the_largest_value() {
        let chart = BarChart {
            title: "Kunjungan per bulan".to_string(),
            bars: vec![
                Bar::new("Januari", 120.0),
                Bar::new("Februari", 1234.0),
                Bar::new("Maret", 0.0),
            ],
        };
        let doc = layout_report(&report_with(vec![Block::BarChart(chart)])).unwrap();
        let texts = all_texts(&doc);
        assert!(texts.iter().any(|(_, t)| t == "1.234"));
        assert!(texts.iter().any(|(_, t)| t == "Februari"));
        for t in &doc.pages[0].texts {
            assert!(t.right_mm() <= MARGIN_X_MM + WIDTH_MM + 1e-3, "{t:?}");
        }
    }

    #[test]
    fn bad_input_is_rejected() {
        let bad_row = DataTable {
            columns: vec![Column::left("A"), Column::left("B")],
            rows: vec![vec!["1".to_string()]],
        };
        assert!(matches!(
            layout_report(&report_with(vec![Block::Table(bad_row)])),
            Err(PrintError::TableShape {
                row: 0,
                expected: 2,
                found: 1
            })
        ));
        let no_cols = DataTable {
            columns: vec![],
            rows: vec![],
        };
        assert!(matches!(
            layout_report(&report_with(vec![Block::Table(no_cols)])),
            Err(PrintError::NoColumns)
        ));
        let chart = BarChart {
            title: String::new(),
            bars: vec![Bar::new("x", f64::NAN)],
        };
        assert!(layout_report(&report_with(vec![Block::BarChart(chart)])).is_err());
        let chart = BarChart {
            title: String::new(),
            bars: vec![Bar::new("x", -1.0)],
        };
        assert!(layout_report(&report_with(vec![Block::BarChart(chart)])).is_err());
    }

    #[test]
    fn an_empty_report_still_has_one_page_with_a_footer() {
        let doc = layout_report(&Report::new("Kosong")).unwrap();
        assert_eq!(doc.pages.len(), 1);
        assert!(all_texts(&doc).contains(&(0, "Halaman 1 dari 1".to_string())));
    }
}

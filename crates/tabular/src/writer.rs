//! [`TableWriter`]: CSV and XLSX output, plus hand-entry templates.

use std::borrow::Cow;
use std::io::Write;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DataValidation, ExcelDateTime, Format as XlsxFormat, FormatAlign, Workbook, Worksheet,
};

use crate::csv_source::needs_formula_guard;
use crate::detect::Format;
use crate::error::{Limit, TabularError};
use crate::lang::Lang;
use crate::xlsx_source::format_number;

/// One value to write. Text stays text in XLSX (codes keep their leading
/// zeros and long digit strings are not turned into floats).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Text, including codes such as `3520012001` or `007`.
    Text(Cow<'a, str>),
    /// Whole number (written as a number).
    Int(i64),
    /// Decimal number. CSV gets the 15 significant digits Excel shows (no
    /// `0.30000000000000004`). NaN and infinities are written as empty
    /// cells.
    Float(f64),
    /// Calendar date (a real date cell in XLSX, `YYYY-MM-DD` in CSV).
    Date(NaiveDate),
    /// Yes/no (a boolean cell in XLSX, `true`/`false` in CSV).
    Bool(bool),
    /// Nothing.
    Empty,
}

impl<'a> Cell<'a> {
    /// A text cell.
    pub fn text(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell::Text(s.into())
    }
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(s: &'a str) -> Cell<'a> {
        Cell::Text(Cow::Borrowed(s))
    }
}

impl<'a> From<&'a String> for Cell<'a> {
    fn from(s: &'a String) -> Cell<'a> {
        Cell::Text(Cow::Borrowed(s))
    }
}

impl From<String> for Cell<'_> {
    fn from(s: String) -> Self {
        Cell::Text(Cow::Owned(s))
    }
}

impl From<i64> for Cell<'_> {
    fn from(v: i64) -> Self {
        Cell::Int(v)
    }
}

impl From<i32> for Cell<'_> {
    fn from(v: i32) -> Self {
        Cell::Int(i64::from(v))
    }
}

impl From<u32> for Cell<'_> {
    fn from(v: u32) -> Self {
        Cell::Int(i64::from(v))
    }
}

impl From<f64> for Cell<'_> {
    fn from(v: f64) -> Self {
        Cell::Float(v)
    }
}

impl From<bool> for Cell<'_> {
    fn from(v: bool) -> Self {
        Cell::Bool(v)
    }
}

impl From<NaiveDate> for Cell<'_> {
    fn from(v: NaiveDate) -> Self {
        Cell::Date(v)
    }
}

impl<'a, T: Into<Cell<'a>>> From<Option<T>> for Cell<'a> {
    fn from(v: Option<T>) -> Cell<'a> {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// Excel's sheet size.
const XLSX_MAX_ROWS: u32 = 1_048_576;
/// Integers beyond ±2^53 cannot be stored exactly as an Excel number.
const MAX_EXACT_INT: i64 = 1 << 53;
/// Widest a fitted column gets, in character units.
const MAX_WIDTH: usize = 60;

/// Writes a table as CSV or XLSX.
///
/// CSV is streamed straight to the output: UTF-8 with a BOM (so Excel
/// detects the encoding), comma separated, RFC 4180 quoting, CRLF. XLSX is
/// built in memory and written by [`finish`](Self::finish): bold frozen
/// header with an autofilter, fitted column widths, text cells for text.
///
/// ```
/// use lentera_tabular::{Cell, Format, TableWriter};
/// let mut w = TableWriter::new(Format::Csv, Vec::new())?;
/// w.write_header(&["kode_desa", "nama", "anggota"])?;
/// w.write_row(&[Cell::from("3520012001"), Cell::from("Cipayung Jaya"), Cell::Int(42)])?;
/// let bytes = w.finish()?;
/// assert!(bytes.starts_with(b"\xEF\xBB\xBFkode_desa,nama,anggota\r\n"));
/// # Ok::<(), lentera_tabular::TabularError>(())
/// ```
pub struct TableWriter<W: Write> {
    inner: Inner<W>,
}

enum Inner<W: Write> {
    Csv {
        out: Box<csv::Writer<W>>,
        width: usize,
    },
    Xlsx(Box<XlsxOut<W>>),
}

struct XlsxOut<W> {
    out: W,
    sheet: Worksheet,
    formats: Formats,
    /// Next row to write (0-based).
    row: u32,
    /// Widest content per column, in characters.
    widths: Vec<usize>,
    has_header: bool,
}

struct Formats {
    header: XlsxFormat,
    text: XlsxFormat,
    int: XlsxFormat,
    date: XlsxFormat,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: XlsxFormat::new().set_bold(),
            // "@" keeps a cell text when someone later edits it in Excel.
            text: XlsxFormat::new().set_num_format("@"),
            // "0" rather than General, which shows 12 digits as 1.23E+11.
            int: XlsxFormat::new().set_num_format("0"),
            date: XlsxFormat::new()
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Left),
        }
    }
}

impl<W: Write> TableWriter<W> {
    /// Starts a table. For CSV the BOM is written immediately.
    pub fn new(format: Format, mut out: W) -> Result<TableWriter<W>, TabularError> {
        let inner = match format {
            Format::Csv => {
                out.write_all(b"\xEF\xBB\xBF")
                    .map_err(TabularError::write)?;
                let out = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::CRLF)
                    .quote_style(csv::QuoteStyle::Necessary)
                    .flexible(true)
                    .from_writer(out);
                Inner::Csv {
                    out: Box::new(out),
                    width: 0,
                }
            }
            Format::Xlsx => {
                let mut sheet = Worksheet::new();
                sheet.set_name("Data").map_err(TabularError::write)?;
                Inner::Xlsx(Box::new(XlsxOut {
                    out,
                    sheet,
                    formats: Formats::new(),
                    row: 0,
                    widths: Vec::new(),
                    has_header: false,
                }))
            }
        };
        Ok(TableWriter { inner })
    }

    /// Names the XLSX worksheet (default `Data`). No effect on CSV.
    pub fn with_sheet_name(mut self, name: &str) -> Result<TableWriter<W>, TabularError> {
        if let Inner::Xlsx(x) = &mut self.inner {
            x.sheet.set_name(name).map_err(TabularError::write)?;
        }
        Ok(self)
    }

    /// Writes the header row (bold and frozen in XLSX).
    pub fn write_header(&mut self, headers: &[&str]) -> Result<(), TabularError> {
        match &mut self.inner {
            Inner::Csv { out, width } => {
                *width = headers.len();
                let fields: Vec<Cow<'_, str>> = headers.iter().map(|h| csv_text(h)).collect();
                out.write_record(fields.iter().map(|f| f.as_bytes()))
                    .map_err(TabularError::write)
            }
            Inner::Xlsx(x) => {
                let row = x.next_row()?;
                for (col, h) in headers.iter().enumerate() {
                    let col = column(col)?;
                    x.sheet
                        .write_string_with_format(row, col, *h, &x.formats.header)
                        .map_err(TabularError::write)?;
                    // Room for the autofilter arrow.
                    x.fit(col, display_width(h) + 2);
                }
                if row == 0 {
                    x.sheet
                        .set_freeze_panes(1, 0)
                        .map_err(TabularError::write)?;
                    x.has_header = true;
                }
                Ok(())
            }
        }
    }

    /// Writes one data row.
    pub fn write_row(&mut self, cells: &[Cell<'_>]) -> Result<(), TabularError> {
        match &mut self.inner {
            Inner::Csv { out, width } => {
                let mut fields: Vec<Cow<'_, str>> = cells.iter().map(csv_cell).collect();
                // Keep the table rectangular, as RFC 4180 asks.
                if fields.len() < *width {
                    fields.resize(*width, Cow::Borrowed(""));
                }
                out.write_record(fields.iter().map(|f| f.as_bytes()))
                    .map_err(TabularError::write)
            }
            Inner::Xlsx(x) => {
                let row = x.next_row()?;
                for (col, cell) in cells.iter().enumerate() {
                    x.write_cell(row, column(col)?, cell)?;
                }
                Ok(())
            }
        }
    }

    /// Completes the file and returns the output.
    pub fn finish(self) -> Result<W, TabularError> {
        match self.inner {
            Inner::Csv { out, .. } => out.into_inner().map_err(|e| TabularError::write(e.error())),
            Inner::Xlsx(x) => x.finish(),
        }
    }
}

impl<W: Write> XlsxOut<W> {
    fn next_row(&mut self) -> Result<u32, TabularError> {
        if self.row >= XLSX_MAX_ROWS {
            return Err(TabularError::TooLarge {
                limit: Limit::Rows,
                max: u64::from(XLSX_MAX_ROWS),
            });
        }
        self.row += 1;
        Ok(self.row - 1)
    }

    fn fit(&mut self, col: u16, chars: usize) {
        let i = usize::from(col);
        if self.widths.len() <= i {
            self.widths.resize(i + 1, 0);
        }
        self.widths[i] = self.widths[i].max(chars);
    }

    fn write_cell(&mut self, row: u32, col: u16, cell: &Cell<'_>) -> Result<(), TabularError> {
        let f = &self.formats;
        let width = match cell {
            Cell::Text(s) => {
                self.sheet
                    .write_string_with_format(row, col, s.as_ref(), &f.text)
                    .map_err(TabularError::write)?;
                display_width(s)
            }
            Cell::Int(i) if (-MAX_EXACT_INT..=MAX_EXACT_INT).contains(i) => {
                self.sheet
                    .write_number_with_format(row, col, *i as f64, &f.int)
                    .map_err(TabularError::write)?;
                i.to_string().len()
            }
            Cell::Int(i) => {
                let s = i.to_string();
                self.sheet
                    .write_string_with_format(row, col, &s, &f.text)
                    .map_err(TabularError::write)?;
                s.len()
            }
            Cell::Float(v) if v.is_finite() => {
                self.sheet
                    .write_number(row, col, *v)
                    .map_err(TabularError::write)?;
                format_number(*v).len().min(12)
            }
            Cell::Float(_) | Cell::Empty => 0,
            Cell::Date(d) => {
                match excel_date(*d) {
                    Some(dt) => self
                        .sheet
                        .write_datetime_with_format(row, col, &dt, &f.date),
                    // Before 1900 Excel has no date serials; keep it readable.
                    None => self
                        .sheet
                        .write_string_with_format(row, col, iso(*d), &f.text),
                }
                .map_err(TabularError::write)?;
                10
            }
            Cell::Bool(b) => {
                self.sheet
                    .write_boolean(row, col, *b)
                    .map_err(TabularError::write)?;
                5
            }
        };
        self.fit(col, width);
        Ok(())
    }

    fn finish(mut self) -> Result<W, TabularError> {
        for (i, w) in self.widths.iter().enumerate() {
            let col = column(i)?;
            let width = (w + 2).clamp(6, MAX_WIDTH);
            self.sheet
                .set_column_width(col, width as f64)
                .map_err(TabularError::write)?;
        }
        if self.has_header && !self.widths.is_empty() {
            let last_row = self.row.saturating_sub(1);
            let last_col = column(self.widths.len() - 1)?;
            self.sheet
                .autofilter(0, 0, last_row, last_col)
                .map_err(TabularError::write)?;
        }
        let mut workbook = Workbook::new();
        workbook.push_worksheet(self.sheet);
        let bytes = workbook.save_to_buffer().map_err(TabularError::write)?;
        self.out.write_all(&bytes).map_err(TabularError::write)?;
        self.out.flush().map_err(TabularError::write)?;
        Ok(self.out)
    }
}

fn column(i: usize) -> Result<u16, TabularError> {
    u16::try_from(i)
        .ok()
        .filter(|c| *c < 16_384)
        .ok_or_else(|| TabularError::write("more than 16384 columns"))
}

/// Width in character units: the longest line of the text.
fn display_width(s: &str) -> usize {
    s.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    let month = u8::try_from(d.month()).ok()?;
    let day = u8::try_from(d.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

fn csv_text(s: &str) -> Cow<'_, str> {
    if needs_formula_guard(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

fn csv_cell<'c>(cell: &'c Cell<'_>) -> Cow<'c, str> {
    match cell {
        Cell::Text(s) => csv_text(s),
        Cell::Int(i) => Cow::Owned(i.to_string()),
        Cell::Float(v) if v.is_finite() => Cow::Owned(format_number(*v)),
        Cell::Float(_) | Cell::Empty => Cow::Borrowed(""),
        Cell::Date(d) => Cow::Owned(iso(*d)),
        Cell::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
    }
}

/// What a template column holds; decides its cell format and the hint in
/// the instructions sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Free text or codes. Cells are formatted as text so typed codes keep
    /// their leading zeros and all their digits.
    Text,
    /// Whole number.
    Integer,
    /// Number with decimals allowed.
    Decimal,
    /// Date.
    Date,
    /// Yes/no, offered as a drop-down.
    Bool,
}

impl ColumnKind {
    fn label(self, lang: Lang) -> &'static str {
        match self {
            ColumnKind::Text => lang.pick("Teks", "Text"),
            ColumnKind::Integer => lang.pick("Bilangan bulat", "Whole number"),
            ColumnKind::Decimal => lang.pick("Angka (boleh desimal)", "Number (decimals allowed)"),
            ColumnKind::Date => lang.pick("Tanggal (TTTT-BB-HH)", "Date (YYYY-MM-DD)"),
            ColumnKind::Bool => lang.pick("Ya/Tidak", "Yes/No"),
        }
    }
}

/// One column of a hand-entry template.
#[derive(Debug, Clone, Copy)]
pub struct TemplateColumn<'a> {
    /// Header text (should be an alias the import layout accepts).
    pub header: &'a str,
    /// What to fill in, in the template's language.
    pub description: &'a str,
    /// An example value.
    pub example: &'a str,
    /// Whether the import rejects rows without it.
    pub required: bool,
    /// Kind of value.
    pub kind: ColumnKind,
}

/// Builds an XLSX template for entering data by hand: a first sheet named
/// `data_sheet` with the header row (required columns highlighted) and
/// column formats to match each kind, and a second sheet "Petunjuk" /
/// "Instructions" describing every column.
pub fn xlsx_template(
    data_sheet: &str,
    columns: &[TemplateColumn<'_>],
    lang: Lang,
) -> Result<Vec<u8>, TabularError> {
    let w = TabularError::write;
    let mut workbook = Workbook::new();
    let header = XlsxFormat::new().set_bold();
    let required = XlsxFormat::new().set_bold().set_background_color(0xFFF2CC);
    let text = XlsxFormat::new().set_num_format("@");
    let int = XlsxFormat::new().set_num_format("0");
    let date = XlsxFormat::new()
        .set_num_format("yyyy-mm-dd")
        .set_align(FormatAlign::Left);
    let (yes, no) = lang.pick(("ya", "tidak"), ("yes", "no"));

    let data = workbook.add_worksheet();
    data.set_name(data_sheet).map_err(w)?;
    for (i, c) in columns.iter().enumerate() {
        let col = column(i)?;
        let fmt = if c.required { &required } else { &header };
        data.write_string_with_format(0, col, c.header, fmt)
            .map_err(w)?;
        let width = (display_width(c.header).max(display_width(c.example)) + 4).clamp(8, MAX_WIDTH);
        data.set_column_width(col, width as f64).map_err(w)?;
        match c.kind {
            ColumnKind::Text => data.set_column_format(col, &text),
            ColumnKind::Integer => data.set_column_format(col, &int),
            ColumnKind::Date => data.set_column_format(col, &date),
            ColumnKind::Decimal | ColumnKind::Bool => Ok(&mut *data),
        }
        .map_err(w)?;
        // The description pops up when a cell of the column is selected,
        // so the instructions are at hand while typing.
        let mut rule = match c.kind {
            ColumnKind::Bool => DataValidation::new()
                .allow_list_strings(&[yes, no])
                .map_err(w)?,
            _ => DataValidation::new().allow_any_value(),
        };
        if !c.description.is_empty() {
            rule = rule
                .set_input_title(truncate(c.header, 32))
                .map_err(w)?
                .set_input_message(truncate(c.description, 255))
                .map_err(w)?;
        }
        data.add_data_validation(1, col, XLSX_MAX_ROWS - 1, col, &rule)
            .map_err(w)?;
    }
    data.set_freeze_panes(1, 0).map_err(w)?;

    let help = workbook.add_worksheet();
    help.set_name(lang.pick("Petunjuk", "Instructions"))
        .map_err(w)?;
    let titles = lang.pick(
        ["Kolom", "Wajib", "Jenis isian", "Keterangan", "Contoh"],
        ["Column", "Required", "Type", "Description", "Example"],
    );
    let wrap = XlsxFormat::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let top = XlsxFormat::new().set_align(FormatAlign::Top);
    let top_text = XlsxFormat::new()
        .set_num_format("@")
        .set_align(FormatAlign::Top);
    for (i, t) in titles.iter().enumerate() {
        help.write_string_with_format(0, column(i)?, *t, &header)
            .map_err(w)?;
    }
    for (i, c) in columns.iter().enumerate() {
        let row = u32::try_from(i + 1).map_err(TabularError::write)?;
        let req = if c.required {
            lang.pick("Ya", "Yes")
        } else {
            lang.pick("Tidak", "No")
        };
        help.write_string_with_format(row, 0, c.header, &top)
            .map_err(w)?;
        help.write_string_with_format(row, 1, req, &top)
            .map_err(w)?;
        help.write_string_with_format(row, 2, c.kind.label(lang), &top)
            .map_err(w)?;
        help.write_string_with_format(row, 3, c.description, &wrap)
            .map_err(w)?;
        help.write_string_with_format(row, 4, c.example, &top_text)
            .map_err(w)?;
    }
    let note_row = u32::try_from(columns.len() + 2).map_err(TabularError::write)?;
    let note = match lang {
        Lang::Id => format!(
            "Isi data mulai baris 2 pada lembar \"{data_sheet}\", satu baris untuk satu data. \
             Jangan mengubah baris judul. Kolom dengan judul berwarna kuning wajib diisi. \
             Kode (misalnya kode desa) ditulis lengkap termasuk angka nol di depan."
        ),
        Lang::En => format!(
            "Enter data from row 2 of the \"{data_sheet}\" sheet, one row per record. Do not \
             change the header row. Columns with a yellow header are required. Write codes \
             (such as village codes) in full, including leading zeros."
        ),
    };
    help.write_string(note_row, 0, note).map_err(w)?;
    let header_width = columns
        .iter()
        .map(|c| display_width(c.header))
        .max()
        .unwrap_or(0);
    for (col, width) in [
        (0u16, (header_width + 2).clamp(10, 40)),
        (1, 10),
        (2, 26),
        (3, 60),
        (4, 24),
    ] {
        help.set_column_width(col, width as f64).map_err(w)?;
    }
    help.set_freeze_panes(1, 0).map_err(w)?;

    workbook.save_to_buffer().map_err(w)
}

fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting_and_guard() {
        let mut w = TableWriter::new(Format::Csv, Vec::new()).expect("writer");
        w.write_header(&["a", "b", "c"]).expect("header");
        w.write_row(&[
            Cell::from("x, \"y\""),
            Cell::from("=HYPERLINK(\"http://evil\")"),
            Cell::from("+62 812-3456"),
        ])
        .expect("row");
        w.write_row(&[Cell::Float(f64::NAN)]).expect("row");
        let out = String::from_utf8(w.finish().expect("finish")).expect("utf8");
        assert_eq!(
            out,
            "\u{feff}a,b,c\r\n\"x, \"\"y\"\"\",\"'=HYPERLINK(\"\"http://evil\"\")\",+62 812-3456\r\n,,\r\n"
        );
    }

    #[test]
    fn cells_from_values() {
        assert_eq!(Cell::from(Some(3_i64)), Cell::Int(3));
        assert_eq!(Cell::from(None::<&str>), Cell::Empty);
        assert_eq!(Cell::from(String::from("x")), Cell::text("x"));
    }
}

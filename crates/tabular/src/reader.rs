//! [`TableReader`]: open a CSV or XLSX, match its header against a
//! [`Layout`], and stream [`Row`]s.

use std::fmt;
use std::fs::File;
use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::csv_source::{CsvSource, Limited, map_io_error};
use crate::detect::{Format, SNIFF_LEN, Sniff, sniff};
use crate::error::{CellProblem, Limit, TabularError};
use crate::lang::Lang;
use crate::layout::{Found, Header, HeaderSearch, Layout, MAX_HEADER_CHARS};
use crate::parse;
use crate::xlsx_source::XlsxStream;

/// Safety limits and choices for reading. The defaults suit uploads from
/// village libraries; lower them for endpoints that expect small files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Worksheet to read (matched ignoring case and surrounding spaces).
    /// `None` reads the first visible worksheet. Ignored for CSV.
    pub sheet: Option<String>,
    /// Largest accepted file, in bytes.
    pub max_input_bytes: u64,
    /// Largest total size of an XLSX's XML once decompressed. Guards
    /// against zip bombs: a few KB can inflate to gigabytes.
    pub max_uncompressed_bytes: u64,
    /// Most entries allowed in an XLSX zip.
    pub max_zip_entries: usize,
    /// Most non-empty rows (header included) before giving up.
    pub max_rows: usize,
    /// Longest accepted cell, in characters.
    pub max_cell_chars: usize,
    /// How many non-empty rows at the top may be titles above the header.
    pub header_search_rows: usize,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            sheet: None,
            max_input_bytes: 64 * 1024 * 1024,
            max_uncompressed_bytes: 256 * 1024 * 1024,
            max_zip_entries: 10_000,
            // Excel's own limits: a file beyond them did not come from a
            // spreadsheet someone typed.
            max_rows: 1_048_576,
            max_cell_chars: 32_767,
            header_search_rows: 10,
        }
    }
}

impl ReadOptions {
    /// Reads the named worksheet instead of the first one.
    pub fn with_sheet(mut self, name: impl Into<String>) -> ReadOptions {
        self.sheet = Some(name.into());
        self
    }
}

/// Something the user should know that does not stop the import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Warning {
    /// A header the layout does not know; its column is ignored.
    UnknownColumn {
        /// Header row number.
        row: usize,
        /// 1-based column position (1 = A).
        column: usize,
        /// Header text as written.
        header: String,
    },
    /// The CSV is not UTF-8 and was read as Windows-1252.
    Windows1252 {
        /// First row where this was noticed.
        row: usize,
    },
}

impl Warning {
    /// The row the warning is about.
    pub fn row(&self) -> usize {
        match self {
            Warning::UnknownColumn { row, .. } | Warning::Windows1252 { row } => *row,
        }
    }

    /// Sentence for the user.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Warning::UnknownColumn { column, header, .. } => {
                let letter = column_letter(*column);
                match lang {
                    Lang::Id => {
                        format!("Kolom \"{header}\" (kolom {letter}) tidak dikenali dan diabaikan.")
                    }
                    Lang::En => format!(
                        "Column \"{header}\" (column {letter}) is not recognised and was ignored."
                    ),
                }
            }
            Warning::Windows1252 { .. } => lang
                .pick(
                    "Berkas tidak berenkode UTF-8; dibaca sebagai Windows-1252. Periksa huruf \
                     beraksen pada hasil impor.",
                    "The file is not UTF-8; it was read as Windows-1252. Check accented letters \
                     in the imported data.",
                )
                .to_owned(),
        }
    }
}

/// Spreadsheet column letters: 1 → A, 27 → AA.
pub fn column_letter(column: usize) -> String {
    let mut n = column;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// One data row, addressed by canonical column keys.
#[derive(Debug, Clone)]
pub struct Row {
    number: usize,
    values: Vec<String>,
    header: Arc<Header>,
}

impl Row {
    /// Row number as the user sees it in Excel/LibreOffice (header is
    /// usually row 1, so the first data row is 2).
    pub fn number(&self) -> usize {
        self.number
    }

    /// The trimmed value, or `None` when empty or when the column is not in
    /// the file (or not in the layout).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.index(key)
            .and_then(|i| self.values.get(i))
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Whether the file has this column at all. Lets an update tell "cell
    /// left empty" (clear the field) from "column not supplied" (keep it).
    pub fn has_column(&self, key: &str) -> bool {
        self.index(key)
            .is_some_and(|i| self.header.positions.get(i).is_some_and(Option::is_some))
    }

    /// The value, or a `Required` cell error when empty.
    pub fn require(&self, key: &str) -> Result<&str, TabularError> {
        self.get(key)
            .ok_or_else(|| self.error(key, CellProblem::Required))
    }

    /// Parses with [`parse::int`]. Empty gives `Ok(None)`.
    pub fn int(&self, key: &str) -> Result<Option<i64>, TabularError> {
        self.parse(key, |s| parse::int(s).ok_or(CellProblem::NotInteger))
    }

    /// Parses with [`parse::decimal`]. Empty gives `Ok(None)`.
    pub fn decimal(&self, key: &str) -> Result<Option<f64>, TabularError> {
        self.parse(key, |s| parse::decimal(s).ok_or(CellProblem::NotNumber))
    }

    /// Parses with [`parse::date`]. Empty gives `Ok(None)`.
    pub fn date(&self, key: &str) -> Result<Option<NaiveDate>, TabularError> {
        self.parse(key, |s| parse::date(s).ok_or(CellProblem::NotDate))
    }

    /// Parses with [`parse::bool`]. Empty gives `Ok(None)`.
    pub fn bool(&self, key: &str) -> Result<Option<bool>, TabularError> {
        self.parse(key, |s| parse::bool(s).ok_or(CellProblem::NotBool))
    }

    /// Parses a non-empty value with the caller's function; its
    /// [`CellProblem`] becomes a located cell error. Empty gives `Ok(None)`.
    ///
    /// ```
    /// use lentera_tabular::{CellProblem, Layout, ReadOptions, TableReader};
    /// let layout = Layout::new().required("npp", &["npp"]);
    /// let csv = b"npp\n3520012D1000001\nabc\n".to_vec();
    /// let mut rows = TableReader::from_bytes(csv, &layout, &ReadOptions::default())?;
    /// let npp_length = |s: &str| {
    ///     (s.len() == 15).then(|| s.to_owned()).ok_or(CellProblem::Invalid { key: "npp_length".into() })
    /// };
    /// let good = rows.next().unwrap()?;
    /// assert_eq!(good.parse("npp", npp_length)?, Some("3520012D1000001".to_owned()));
    /// let bad = rows.next().unwrap()?;
    /// let err = bad.parse("npp", npp_length).unwrap_err();
    /// assert_eq!(err.message(lentera_tabular::Lang::Id), "Baris 3, kolom \"npp\": nilai \"abc\" tidak valid");
    /// # Ok::<(), lentera_tabular::TabularError>(())
    /// ```
    pub fn parse<T>(
        &self,
        key: &str,
        f: impl FnOnce(&str) -> Result<T, CellProblem>,
    ) -> Result<Option<T>, TabularError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => f(v).map(Some).map_err(|p| self.error(key, p)),
        }
    }

    /// A cell error for this row and column, e.g. from domain validation.
    pub fn error(&self, key: &str, problem: CellProblem) -> TabularError {
        let header = self.index(key).map_or(key, |i| self.header.text(i));
        TabularError::cell(self.number, key, header, problem, self.get(key))
    }

    /// The header text of a column as written in the file (or its
    /// preferred alias when the column is absent).
    pub fn header_text(&self, key: &str) -> Option<&str> {
        self.index(key).map(|i| self.header.text(i))
    }

    /// `(key, value)` for every layout column, empty values included.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.header
            .layout
            .columns()
            .iter()
            .zip(&self.values)
            .map(|(c, v)| (c.key(), v.as_str()))
    }

    fn index(&self, key: &str) -> Option<usize> {
        self.header.layout.index_of(key)
    }
}

/// Collects one row's values for the layout columns, enforcing the cell
/// length cap. Shared by the CSV and XLSX paths.
pub(crate) struct RowBuilder {
    number: usize,
    values: Vec<String>,
    header: Arc<Header>,
    max_chars: usize,
}

impl RowBuilder {
    pub fn new(header: &Arc<Header>, number: usize, max_chars: usize) -> RowBuilder {
        RowBuilder {
            number,
            values: vec![String::new(); header.layout.columns().len()],
            header: Arc::clone(header),
            max_chars,
        }
    }

    /// Checks a value before it is copied, so an oversized cell costs no
    /// allocation.
    pub fn check_len(&self, index: usize, value: &str) -> Result<(), TabularError> {
        // Byte length bounds character count from above: cheap early out.
        if value.len() > self.max_chars && value.chars().count() > self.max_chars {
            return Err(self.problem(
                index,
                CellProblem::TooLong {
                    max_chars: self.max_chars,
                },
                Some(value),
            ));
        }
        Ok(())
    }

    pub fn set(&mut self, index: usize, value: &str) -> Result<(), TabularError> {
        self.check_len(index, value)?;
        if let Some(slot) = self.values.get_mut(index) {
            value.clone_into(slot);
        }
        Ok(())
    }

    pub fn problem(&self, index: usize, problem: CellProblem, value: Option<&str>) -> TabularError {
        let key = self
            .header
            .layout
            .columns()
            .get(index)
            .map_or("", |c| c.key());
        TabularError::cell(self.number, key, self.header.text(index), problem, value)
    }

    pub fn finish(self) -> Row {
        Row {
            number: self.number,
            values: self.values,
            header: self.header,
        }
    }
}

/// Cuts a header candidate so the search stays bounded.
pub(crate) fn header_candidate(text: &str) -> String {
    text.chars().take(MAX_HEADER_CHARS).collect()
}

/// Reads rows from a CSV or XLSX file.
///
/// Opening reads up to the header row and fails if it does not fit the
/// layout. Then iterate: each item is a [`Row`] or an error. Row-level
/// errors ([`TabularError::is_row_error`]) can be recorded and skipped;
/// after any other error the iterator ends.
///
/// ```no_run
/// use lentera_tabular::{Layout, ReadOptions, TableReader};
/// let layout = Layout::new().required("village_code", &["kode_desa", "kode desa"]);
/// let reader = TableReader::open("desa.csv", &layout, &ReadOptions::default())?;
/// for row in reader {
///     let row = row?;
///     println!("{}: {:?}", row.number(), row.get("village_code"));
/// }
/// # Ok::<(), lentera_tabular::TabularError>(())
/// ```
pub struct TableReader {
    format: Format,
    header: Arc<Header>,
    warnings: Vec<Warning>,
    source: Source,
    max_cell_chars: usize,
    finished: bool,
}

enum Source {
    Csv(Box<CsvSource>),
    Xlsx(XlsxStream),
}

impl fmt::Debug for TableReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TableReader")
            .field("format", &self.format)
            .field("header_row", &self.header.row)
            .field("warnings", &self.warnings)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl TableReader {
    /// Opens a file. The format comes from the content, never the name.
    pub fn open(
        path: impl AsRef<Path>,
        layout: &Layout,
        options: &ReadOptions,
    ) -> Result<TableReader, TabularError> {
        let file = File::open(path.as_ref()).map_err(|e| TabularError::io(&e))?;
        let len = file.metadata().map_err(|e| TabularError::io(&e))?.len();
        if len > options.max_input_bytes {
            return Err(TabularError::TooLarge {
                limit: Limit::InputBytes,
                max: options.max_input_bytes,
            });
        }
        TableReader::from_reader(file, layout, options)
    }

    /// Reads from memory (e.g. an uploaded body).
    pub fn from_bytes(
        bytes: Vec<u8>,
        layout: &Layout,
        options: &ReadOptions,
    ) -> Result<TableReader, TabularError> {
        if bytes.len() as u64 > options.max_input_bytes {
            return Err(TabularError::TooLarge {
                limit: Limit::InputBytes,
                max: options.max_input_bytes,
            });
        }
        let head = &bytes[..bytes.len().min(SNIFF_LEN)];
        match sniff(head) {
            Sniff::Zip => TableReader::xlsx(bytes, layout, options),
            Sniff::Unsupported(found) => Err(TabularError::Unsupported { found }),
            Sniff::Text => TableReader::csv(Box::new(Cursor::new(bytes)), layout, options),
        }
    }

    /// Reads from any byte stream. CSV is streamed; an XLSX is buffered in
    /// memory (up to `max_input_bytes`) because a ZIP needs random access.
    pub fn from_reader(
        reader: impl Read + Send + 'static,
        layout: &Layout,
        options: &ReadOptions,
    ) -> Result<TableReader, TabularError> {
        let max = options.max_input_bytes;
        let mut input = Limited::new(reader, max);
        let mut head = Vec::with_capacity(SNIFF_LEN);
        (&mut input)
            .take(SNIFF_LEN as u64)
            .read_to_end(&mut head)
            .map_err(|e| map_io_error(&e, max))?;
        match sniff(&head) {
            Sniff::Zip => {
                input
                    .read_to_end(&mut head)
                    .map_err(|e| map_io_error(&e, max))?;
                TableReader::xlsx(head, layout, options)
            }
            Sniff::Unsupported(found) => Err(TabularError::Unsupported { found }),
            Sniff::Text => {
                TableReader::csv(Box::new(Cursor::new(head).chain(input)), layout, options)
            }
        }
    }

    fn csv(
        input: Box<dyn Read + Send>,
        layout: &Layout,
        options: &ReadOptions,
    ) -> Result<TableReader, TabularError> {
        let input: Box<dyn Read + Send> = Box::new(Limited::new(input, options.max_input_bytes));
        let mut src = CsvSource::open(input, options.max_rows, options.max_input_bytes)?;
        let mut search = HeaderSearch::new(layout, options.header_search_rows);
        let (header, mut warnings) = loop {
            let Some(raw) = src.next_row()? else {
                return Err(search.finish());
            };
            if raw.is_blank() {
                continue;
            }
            let candidate: Vec<String> = raw.cells.iter().map(|c| header_candidate(c)).collect();
            if let Found::Done(result) = search.offer(raw.number, &candidate) {
                break result?;
            }
        };
        if let Some(row) = src.first_1252_row {
            warnings.push(Warning::Windows1252 { row });
        }
        Ok(TableReader {
            format: Format::Csv,
            header,
            warnings,
            source: Source::Csv(Box::new(src)),
            max_cell_chars: options.max_cell_chars,
            finished: false,
        })
    }

    fn xlsx(
        bytes: Vec<u8>,
        layout: &Layout,
        options: &ReadOptions,
    ) -> Result<TableReader, TabularError> {
        let (stream, header, warnings) = XlsxStream::start(bytes, layout.clone(), options.clone())?;
        Ok(TableReader {
            format: Format::Xlsx,
            header,
            warnings,
            source: Source::Xlsx(stream),
            max_cell_chars: options.max_cell_chars,
            finished: false,
        })
    }

    /// The detected format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Row number of the header row as shown in the spreadsheet.
    pub fn header_row(&self) -> usize {
        self.header.row
    }

    /// The CSV separator that was detected (`None` for XLSX).
    pub fn delimiter(&self) -> Option<char> {
        match &self.source {
            Source::Csv(src) => Some(src.delimiter()),
            Source::Xlsx(_) => None,
        }
    }

    /// Whether the file has the column with this key.
    pub fn has_column(&self, key: &str) -> bool {
        self.header
            .layout
            .index_of(key)
            .is_some_and(|i| self.header.positions.get(i).is_some_and(Option::is_some))
    }

    /// Header text of a column as written in the file, if present.
    pub fn header_text(&self, key: &str) -> Option<&str> {
        let i = self.header.layout.index_of(key)?;
        self.header
            .texts
            .get(i)
            .map(String::as_str)
            .filter(|t| !t.is_empty())
    }

    /// Warnings so far: unknown columns from the header, and encoding
    /// fallbacks as they are discovered while streaming.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    fn next_csv(&mut self) -> Option<Result<Row, TabularError>> {
        let Source::Csv(src) = &mut self.source else {
            return None;
        };
        loop {
            let had_1252 = src.first_1252_row.is_some();
            let raw = match src.next_row() {
                Ok(Some(raw)) => raw,
                Ok(None) => return None,
                Err(e) => return Some(Err(e)),
            };
            if let (false, Some(row)) = (had_1252, src.first_1252_row) {
                self.warnings.push(Warning::Windows1252 { row });
            }
            if raw.is_blank() {
                continue;
            }
            let filled = raw
                .cells
                .iter()
                .rposition(|c| !c.is_empty())
                .map_or(0, |i| i + 1);
            if filled > self.header.width {
                return Some(Err(TabularError::TooManyCells {
                    row: raw.number,
                    expected: self.header.width,
                    found: filled,
                }));
            }
            let mut row = RowBuilder::new(&self.header, raw.number, self.max_cell_chars);
            for (i, pos) in self.header.positions.iter().enumerate() {
                if let Some(value) = pos.and_then(|p| raw.cells.get(p)) {
                    if let Err(e) = row.set(i, value) {
                        return Some(Err(e));
                    }
                }
            }
            return Some(Ok(row.finish()));
        }
    }
}

impl Iterator for TableReader {
    type Item = Result<Row, TabularError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let item = match &mut self.source {
            Source::Csv(_) => self.next_csv(),
            Source::Xlsx(stream) => stream.next(),
        };
        match &item {
            None => self.finished = true,
            Some(Err(e)) if !e.is_row_error() => self.finished = true,
            _ => {}
        }
        item
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(1), "A");
        assert_eq!(column_letter(26), "Z");
        assert_eq!(column_letter(27), "AA");
        assert_eq!(column_letter(703), "AAA");
    }
}

//! Streaming CSV rows with the quirks of files saved by Excel and
//! LibreOffice: BOMs, `;` separators, Windows-1252, UTF-16, `sep=` lines.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{self, Cursor, Read};

use crate::cp1252;
use crate::detect::FileKind;
use crate::detect::{Format, looks_binary};
use crate::error::{Limit, TabularError};

/// A CSV record with cells decoded and trimmed.
pub(crate) struct RawRow {
    /// Row number as a spreadsheet shows it.
    pub number: usize,
    pub cells: Vec<String>,
}

impl RawRow {
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(String::is_empty)
    }
}

pub(crate) struct CsvSource {
    reader: csv::Reader<LineCounter<Box<dyn Read + Send>>>,
    record: csv::ByteRecord,
    /// Line breaks inside quoted cells so far. Spreadsheets show a record
    /// as one row however many lines it spans, so these are subtracted
    /// from the physical line count to get the row number.
    embedded_breaks: u64,
    records: usize,
    max_rows: usize,
    delimiter: u8,
    /// Row number of the first cell that was not valid UTF-8.
    pub first_1252_row: Option<usize>,
    input_max: u64,
}

/// How much is read up front to detect encoding and separator.
const SAMPLE_LEN: usize = 64 * 1024;

impl CsvSource {
    /// `input` must already be wrapped in [`Limited`].
    pub fn open(
        mut input: Box<dyn Read + Send>,
        max_rows: usize,
        input_max: u64,
    ) -> Result<CsvSource, TabularError> {
        let mut sample = read_sample(&mut input, input_max)?;
        let mut stream: Box<dyn Read + Send> = if sample.starts_with(b"\xFF\xFE")
            || sample.starts_with(b"\xFE\xFF")
        {
            // Excel's "Unicode Text" export: UTF-16 with a BOM. Transcode to
            // UTF-8 and take a fresh sample from the decoded stream.
            let big_endian = sample[0] == 0xFE;
            let rest = Cursor::new(sample.split_off(2)).chain(input);
            let mut decoded: Box<dyn Read + Send> = Box::new(Utf16Reader::new(rest, big_endian));
            sample = read_sample(&mut decoded, input_max)?;
            decoded
        } else {
            input
        };
        if sample.starts_with(b"\xEF\xBB\xBF") {
            sample.drain(..3);
        }
        if looks_binary(&sample) {
            return Err(TabularError::Unsupported {
                found: FileKind::Binary,
            });
        }
        // Excel writes and honours a first line `sep=;`; it is not a row.
        let delimiter = match sep_line(&sample) {
            Some((delimiter, len)) => {
                sample.drain(..len);
                delimiter
            }
            None => sniff_delimiter(&sample),
        };
        stream = Box::new(Cursor::new(sample).chain(stream));
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(CSV_BUFFER)
            .from_reader(LineCounter::new(stream));
        Ok(CsvSource {
            reader,
            record: csv::ByteRecord::new(),
            embedded_breaks: 0,
            records: 0,
            max_rows,
            delimiter,
            first_1252_row: None,
            input_max,
        })
    }

    pub fn delimiter(&self) -> char {
        char::from(self.delimiter)
    }

    /// Next record, or `None` at the end.
    pub fn next_row(&mut self) -> Result<Option<RawRow>, TabularError> {
        // csv's own line numbers skip blank lines and lag on CRLF, so the
        // row number is counted from the raw bytes instead.
        let start = self.reader.position().byte();
        self.reader.get_mut().mark(start);
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(e) => return Err(map_csv_error(e, self.input_max)),
        }
        let breaks_before = self.reader.get_mut().breaks_at_record_start();
        let number = usize::try_from(1 + breaks_before.saturating_sub(self.embedded_breaks))
            .unwrap_or(usize::MAX);
        let mut embedded = BreakCount::default();
        self.record
            .as_slice()
            .iter()
            .for_each(|&b| embedded.push(b));
        self.embedded_breaks += embedded.breaks;
        let mut saw_1252 = false;
        let cells = self
            .record
            .iter()
            .map(|raw| {
                let text = match std::str::from_utf8(raw) {
                    Ok(s) => Cow::Borrowed(s),
                    Err(_) => {
                        saw_1252 = true;
                        Cow::Owned(cp1252::decode(raw))
                    }
                };
                unguard(trim_cell(&text)).to_owned()
            })
            .collect();
        let row = RawRow { number, cells };
        // Only rows with content count, as in XLSX where empty rows are
        // usually not even stored.
        if !row.is_blank() {
            self.records += 1;
            if self.records > self.max_rows {
                return Err(TabularError::TooLarge {
                    limit: Limit::Rows,
                    max: self.max_rows as u64,
                });
            }
        }
        if saw_1252 && self.first_1252_row.is_none() {
            self.first_1252_row = Some(number);
        }
        Ok(Some(row))
    }
}

/// Trims the whitespace people and spreadsheets leave around values,
/// including no-break spaces and stray BOM / zero-width characters.
pub(crate) fn trim_cell(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}'))
}

/// Undoes the `'` that [`TableWriter`](crate::TableWriter) puts in front of
/// CSV values that spreadsheets would otherwise run as formulas.
fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_formula_guard(rest) => rest,
        _ => s,
    }
}

/// Whether a CSV value would be run as a formula when the file is opened
/// in a spreadsheet ("CSV injection"): it starts with `=` `@` tab or CR, or
/// with `+`/`-` followed by more than a plain number or phone number.
/// Leading apostrophes are looked through so that guarding is reversible:
/// the writer adds one `'` exactly when this holds, the reader removes one
/// exactly when it holds for the rest.
pub(crate) fn needs_formula_guard(s: &str) -> bool {
    let s = s.trim_start_matches('\'');
    let mut chars = s.chars();
    match chars.next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => chars.any(|c| {
            !(c.is_ascii_digit() || matches!(c, ' ' | '.' | ',' | '(' | ')' | '-' | '+' | '/'))
        }),
        _ => false,
    }
}

fn read_sample(input: &mut dyn Read, input_max: u64) -> Result<Vec<u8>, TabularError> {
    let mut sample = Vec::with_capacity(SAMPLE_LEN);
    input
        .take(SAMPLE_LEN as u64)
        .read_to_end(&mut sample)
        .map_err(|e| map_io_error(&e, input_max))?;
    Ok(sample)
}

/// Recognises Excel's `sep=X` first line; returns the delimiter and the
/// length of the line including its terminator.
fn sep_line(sample: &[u8]) -> Option<(u8, usize)> {
    let end = sample
        .iter()
        .position(|&b| b == b'\n')
        .map_or(sample.len(), |i| i + 1);
    let line = sample[..end].strip_suffix(b"\n").unwrap_or(&sample[..end]);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    match line {
        [s, e, p, b'=', d] if [*s, *e, *p].eq_ignore_ascii_case(b"sep") => Some((*d, end)),
        _ => None,
    }
}

/// Picks `,` `;` or tab by counting them, outside quotes, on the first line
/// that has any. Counting one line (the header) rather than the data avoids
/// being fooled by decimal commas in `;`-separated Indonesian files.
fn sniff_delimiter(sample: &[u8]) -> u8 {
    const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for &b in sample {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if in_quotes {
            continue;
        } else if b == b'\n' {
            if counts.iter().any(|&c| c > 0) {
                break;
            }
        } else if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
            counts[i] += 1;
        }
    }
    let mut best = 0;
    for i in 1..CANDIDATES.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    CANDIDATES[best]
}

fn map_csv_error(e: csv::Error, input_max: u64) -> TabularError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => map_io_error(&io, input_max),
        other => TabularError::Corrupt {
            format: Format::Csv,
            detail: format!("{other:?}"),
        },
    }
}

pub(crate) fn map_io_error(e: &io::Error, input_max: u64) -> TabularError {
    if e.get_ref().is_some_and(|inner| inner.is::<InputTooLarge>()) {
        TabularError::TooLarge {
            limit: Limit::InputBytes,
            max: input_max,
        }
    } else {
        TabularError::io(e)
    }
}

/// Bytes csv buffers ahead of the record it is parsing.
const CSV_BUFFER: usize = 16 * 1024;

/// Counts line breaks the way spreadsheets do: CRLF, LF and a lone CR are
/// one break each.
#[derive(Debug, Default, Clone, Copy)]
struct BreakCount {
    breaks: u64,
    prev_cr: bool,
}

impl BreakCount {
    fn push(&mut self, b: u8) {
        if b == b'\r' || (b == b'\n' && !self.prev_cr) {
            self.breaks += 1;
        }
        self.prev_cr = b == b'\r';
    }
}

/// Sits under the csv reader and counts physical line breaks before each
/// record, including blank lines csv skips silently.
///
/// Before each record, [`mark`](Self::mark) receives csv's position: the
/// end of the previous record. The record itself starts after any run of
/// CR/LF bytes (skipped blank lines) from there; the breaks up to that
/// point give its row. Only a bounded window of bytes is kept: csv never
/// holds more than its buffer unparsed, so a later mark cannot fall behind
/// `offset - RETAIN`.
pub(crate) struct LineCounter<R> {
    inner: R,
    /// Bytes read from `inner`.
    offset: u64,
    /// Bytes from `cursor` to `offset`, not yet counted.
    window: VecDeque<u8>,
    cursor: u64,
    counted: BreakCount,
    /// Scanning the blank-line run after a mark.
    in_run: bool,
    /// Breaks before the start of the current record.
    record_start: u64,
}

const RETAIN: u64 = 2 * CSV_BUFFER as u64;

impl<R: Read> LineCounter<R> {
    fn new(inner: R) -> LineCounter<R> {
        LineCounter {
            inner,
            offset: 0,
            window: VecDeque::new(),
            cursor: 0,
            counted: BreakCount::default(),
            in_run: false,
            record_start: 0,
        }
    }

    fn mark(&mut self, position: u64) {
        while self.cursor < position && self.advance() {}
        self.in_run = true;
        self.scan_run();
    }

    fn breaks_at_record_start(&self) -> u64 {
        if self.in_run {
            self.counted.breaks
        } else {
            self.record_start
        }
    }

    /// Counts one byte; false when the window is exhausted.
    fn advance(&mut self) -> bool {
        match self.window.pop_front() {
            Some(b) => {
                self.counted.push(b);
                self.cursor += 1;
                true
            }
            None => false,
        }
    }

    fn scan_run(&mut self) {
        while self.in_run {
            match self.window.front() {
                Some(b'\r' | b'\n') => {
                    self.advance();
                }
                Some(_) => {
                    self.in_run = false;
                    self.record_start = self.counted.breaks;
                }
                None => break,
            }
        }
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.window.extend(&buf[..n]);
        self.offset += n as u64;
        self.scan_run();
        if !self.in_run {
            while self.cursor + RETAIN < self.offset && self.advance() {}
        }
        Ok(n)
    }
}

/// Marker error raised by [`Limited`].
#[derive(Debug)]
pub(crate) struct InputTooLarge;

impl std::fmt::Display for InputTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("input exceeds the configured size limit")
    }
}

impl std::error::Error for InputTooLarge {}

/// Fails once more than `max` bytes have been read, so a huge upload is
/// refused while streaming instead of after filling memory or disk.
pub(crate) struct Limited<R> {
    inner: R,
    remaining: u64,
}

impl<R: Read> Limited<R> {
    pub fn new(inner: R, max: u64) -> Limited<R> {
        Limited {
            inner,
            remaining: max,
        }
    }
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // Ask for one byte more than allowed so hitting the limit exactly
        // is distinguishable from exceeding it.
        let want = usize::try_from(self.remaining.saturating_add(1))
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(&mut buf[..want])?;
        if n as u64 > self.remaining {
            return Err(io::Error::other(InputTooLarge));
        }
        self.remaining -= n as u64;
        Ok(n)
    }
}

/// Transcodes UTF-16 (either byte order) to UTF-8 as a stream.
struct Utf16Reader<R> {
    inner: R,
    big_endian: bool,
    out: Vec<u8>,
    pos: usize,
    odd_byte: Option<u8>,
    high_surrogate: Option<u16>,
    eof: bool,
}

impl<R: Read> Utf16Reader<R> {
    fn new(inner: R, big_endian: bool) -> Utf16Reader<R> {
        Utf16Reader {
            inner,
            big_endian,
            out: Vec::new(),
            pos: 0,
            odd_byte: None,
            high_surrogate: None,
            eof: false,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        let mut buf = [0u8; 8192];
        while self.out.is_empty() && !self.eof {
            let n = self.inner.read(&mut buf)?;
            let mut bytes: Vec<u8> = self.odd_byte.take().into_iter().collect();
            bytes.extend_from_slice(&buf[..n]);
            if n == 0 {
                self.eof = true;
            }
            if bytes.len() % 2 == 1 {
                self.odd_byte = bytes.pop();
            }
            let mut units: Vec<u16> = self.high_surrogate.take().into_iter().collect();
            units.extend(bytes.chunks_exact(2).map(|p| {
                let pair = [p[0], p[1]];
                if self.big_endian {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            }));
            // A surrogate pair may straddle two reads.
            if !self.eof && units.last().is_some_and(|u| (0xD800..0xDC00).contains(u)) {
                self.high_surrogate = units.pop();
            }
            let mut tmp = [0u8; 4];
            for ch in char::decode_utf16(units) {
                let ch = ch.unwrap_or(char::REPLACEMENT_CHARACTER);
                self.out
                    .extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
            }
            if self.eof && self.odd_byte.take().is_some() {
                self.out.extend_from_slice("\u{FFFD}".as_bytes());
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.out.len() {
            self.refill()?;
        }
        let n = (self.out.len() - self.pos).min(buf.len());
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(bytes: &[u8]) -> (char, Vec<(usize, Vec<String>)>) {
        let input: Box<dyn Read + Send> = Box::new(Cursor::new(bytes.to_vec()));
        let mut src = CsvSource::open(input, 1000, u64::MAX).expect("open");
        let mut out = Vec::new();
        while let Some(r) = src.next_row().expect("row") {
            out.push((r.number, r.cells));
        }
        (src.delimiter(), out)
    }

    #[test]
    fn sniffs_semicolon_despite_decimal_commas() {
        let (d, r) = rows(b"kode;nilai\r\n1;2,5\r\n2;3,75\r\n");
        assert_eq!(d, ';');
        assert_eq!(r[1].1, vec!["1", "2,5"]);
    }

    #[test]
    fn sniffs_tab_and_quoted_commas() {
        assert_eq!(rows(b"kode\tnama\n1\tx").0, '\t');
        assert_eq!(rows(b"\"a,b,c\";d;e\n").0, ';');
        assert_eq!(rows(b"satu\n").0, ',');
    }

    #[test]
    fn sep_line_is_not_a_row() {
        let (d, r) = rows(b"sep=;\r\nkode;nama\r\n1;Ana\r\n");
        assert_eq!(d, ';');
        assert_eq!(r[0], (1, vec!["kode".to_owned(), "nama".to_owned()]));
        assert_eq!(r[1].0, 2);
    }

    #[test]
    fn row_numbers_follow_spreadsheet_rows() {
        // Blank line = empty spreadsheet row; a quoted line break stays in
        // one row.
        let (_, r) = rows(b"a,b\n1,\"two\nlines\"\n\n3,x\n");
        let numbers: Vec<usize> = r.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, vec![1, 2, 4]);
        assert_eq!(r[1].1[1], "two\nlines");
    }

    #[test]
    fn row_numbers_with_crlf_lone_cr_and_long_records() {
        let numbers = |b: &[u8]| rows(b).1.iter().map(|(n, _)| *n).collect::<Vec<_>>();
        assert_eq!(
            numbers(b"a;b\r\n1;2\r\n\r\n\r\n3;4\r\n5;\"x\r\ny\"\r\n6;7"),
            vec![1, 2, 5, 6, 7]
        );
        assert_eq!(numbers(b"a\rb\r\rc\r"), vec![1, 2, 4]);
        assert_eq!(numbers(b"\n\na,b\n1,2\n"), vec![3, 4]);
        // Records and blank runs far larger than the counter's window.
        let mut big = b"a,b\n1,\"".to_vec();
        big.extend(std::iter::repeat_n(b"x\n".as_slice(), 50_000).flatten());
        big.extend_from_slice(b"\"\n");
        big.extend(std::iter::repeat_n(b'\n', 100_000));
        big.extend_from_slice(b"2,y\n3,z\n");
        assert_eq!(numbers(&big), vec![1, 2, 100_003, 100_004]);
    }

    #[test]
    fn utf16_is_transcoded() {
        let text = "kode\tnama\r\n1\tCafé 😀\r\n";
        let mut le = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let (d, r) = rows(&le);
        assert_eq!(d, '\t');
        assert_eq!(r[1].1, vec!["1", "Café 😀"]);
        let mut be = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(rows(&be).1[1].1, vec!["1", "Café 😀"]);
    }

    #[test]
    fn guard_apostrophe_is_removed() {
        let (_, r) = rows(b"a\n'=1+1\n'abc\n'-5\n''-x\n");
        assert_eq!(r[1].1, vec!["=1+1"]);
        assert_eq!(r[2].1, vec!["'abc"]);
        assert_eq!(r[3].1, vec!["'-5"]);
        assert_eq!(r[4].1, vec!["'-x"]);
    }

    #[test]
    fn limited_reader_stops_at_limit() {
        let mut ok = Limited::new(Cursor::new(vec![1u8; 10]), 10);
        let mut v = Vec::new();
        assert!(ok.read_to_end(&mut v).is_ok());
        let mut over = Limited::new(Cursor::new(vec![1u8; 11]), 10);
        let err = over.read_to_end(&mut Vec::new()).expect_err("limit");
        assert!(matches!(
            map_io_error(&err, 10),
            TabularError::TooLarge {
                limit: Limit::InputBytes,
                max: 10
            }
        ));
    }
}

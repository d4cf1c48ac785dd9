//! Streaming XLSX rows through calamine.
//!
//! calamine's cell reader borrows the workbook, so it cannot live inside an
//! iterator that also owns the workbook. It runs on its own thread instead
//! and hands rows over a small bounded channel: memory stays bounded by a
//! few rows however large the sheet, and a panic inside the parser on a
//! hostile file ends that thread, not the server.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Cursor;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread;

use calamine::{DataRef, ExcelDateTime, Reader, Sheet, SheetType, SheetVisible, Xlsx};

use crate::csv_source::trim_cell;
use crate::detect::{Format, ZipLimits, check_xlsx_zip};
use crate::error::{CellProblem, Limit, TabularError};
use crate::layout::{Found, Header, HeaderSearch, Layout};
use crate::reader::{ReadOptions, Row, RowBuilder, Warning, header_candidate};

/// Excel's column limit (XFD); cells claiming to be further right are
/// ignored rather than allowed to size buffers.
const MAX_COLUMNS: u32 = 16_384;

/// Rows in flight between the parser thread and the consumer.
const CHANNEL_ROWS: usize = 64;

type HeaderResult = Result<(Arc<Header>, Vec<Warning>), TabularError>;

enum Msg {
    Header(HeaderResult),
    Row(Result<Row, TabularError>),
    End,
}

pub(crate) struct XlsxStream {
    rx: Receiver<Msg>,
    cancel: Arc<AtomicBool>,
}

impl XlsxStream {
    /// Starts parsing and waits until the header row is known.
    pub fn start(
        bytes: Vec<u8>,
        layout: Layout,
        options: ReadOptions,
    ) -> Result<(XlsxStream, Arc<Header>, Vec<Warning>), TabularError> {
        let (tx, rx) = mpsc::sync_channel(CHANNEL_ROWS);
        let cancel = Arc::new(AtomicBool::new(false));
        let worker_cancel = Arc::clone(&cancel);
        thread::Builder::new()
            .name("lentera-xlsx".into())
            .spawn(move || {
                let mut worker = Worker {
                    tx,
                    cancel: worker_cancel,
                    header_sent: false,
                };
                if let Err(e) = worker.run(bytes, &layout, &options) {
                    worker.send_error(e);
                }
            })
            .map_err(|e| TabularError::io(&e))?;
        match rx.recv() {
            Ok(Msg::Header(Ok((header, warnings)))) => {
                Ok((XlsxStream { rx, cancel }, header, warnings))
            }
            Ok(Msg::Header(Err(e))) => Err(e),
            Ok(Msg::Row(_) | Msg::End) | Err(_) => Err(parser_stopped()),
        }
    }

    pub fn next(&mut self) -> Option<Result<Row, TabularError>> {
        match self.rx.recv() {
            Ok(Msg::Row(row)) => Some(row),
            Ok(Msg::End) => None,
            Ok(Msg::Header(_)) | Err(_) => Some(Err(parser_stopped())),
        }
    }
}

impl Drop for XlsxStream {
    fn drop(&mut self) {
        // The worker also stops when a send fails, but it may be skipping
        // thousands of empty rows between sends.
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// The parser thread ended without saying why: it panicked.
fn parser_stopped() -> TabularError {
    TabularError::Corrupt {
        format: Format::Xlsx,
        detail: "the XLSX parser stopped unexpectedly".into(),
    }
}

fn corrupt(e: impl std::fmt::Display) -> TabularError {
    TabularError::Corrupt {
        format: Format::Xlsx,
        detail: e.to_string(),
    }
}

struct Worker {
    tx: SyncSender<Msg>,
    cancel: Arc<AtomicBool>,
    header_sent: bool,
}

/// Where the sheet walk is: looking for the header, or emitting rows.
struct SheetWalk<'l> {
    search: HeaderSearch<'l>,
    data: Option<(Arc<Header>, HashMap<u32, usize>)>,
    rows: usize,
    max_rows: usize,
    max_cell_chars: usize,
}

impl Worker {
    fn run(
        &mut self,
        bytes: Vec<u8>,
        layout: &Layout,
        options: &ReadOptions,
    ) -> Result<(), TabularError> {
        check_xlsx_zip(
            Cursor::new(bytes.as_slice()),
            &ZipLimits {
                max_entries: options.max_zip_entries,
                max_uncompressed: options.max_uncompressed_bytes,
            },
        )?;
        let mut workbook: Xlsx<Cursor<Vec<u8>>> = Xlsx::new(Cursor::new(bytes)).map_err(corrupt)?;
        let sheet = choose_sheet(workbook.sheets_metadata(), options.sheet.as_deref())?;
        let mut cells = workbook.worksheet_cells_reader(&sheet).map_err(corrupt)?;

        let mut state = SheetWalk {
            search: HeaderSearch::new(layout, options.header_search_rows),
            data: None,
            rows: 0,
            max_rows: options.max_rows,
            max_cell_chars: options.max_cell_chars,
        };
        let mut current: Option<u32> = None;
        let mut row: Vec<(u32, DataRef<'_>)> = Vec::new();
        loop {
            let cell = cells.next_cell().map_err(corrupt)?;
            let position = cell.as_ref().map(calamine::Cell::get_position);
            if let Some(r) = current.filter(|r| position.map(|p| p.0) != Some(*r)) {
                if self.flush(&mut state, r, &row)?.is_break() {
                    return Ok(());
                }
                row.clear();
            }
            let (Some(cell), Some((r, c))) = (cell, position) else {
                break;
            };
            current = Some(r);
            // A real row has at most MAX_COLUMNS cells; a forged one that
            // repeats a cell reference endlessly must not grow this buffer.
            if c < MAX_COLUMNS
                && row.len() < MAX_COLUMNS as usize
                && !matches!(cell.get_value(), DataRef::Empty)
            {
                row.push((c, cell.get_value().clone()));
            }
        }
        if state.data.is_none() {
            return Err(state.search.finish());
        }
        // The consumer may have gone; nothing to do about it.
        let _ = self.tx.send(Msg::End);
        Ok(())
    }

    /// Handles one completed sheet row (`r` is 0-based).
    fn flush(
        &mut self,
        state: &mut SheetWalk<'_>,
        r: u32,
        cells: &[(u32, DataRef<'_>)],
    ) -> Result<ControlFlow<()>, TabularError> {
        if self.cancel.load(Ordering::Relaxed) {
            return Ok(ControlFlow::Break(()));
        }
        let texts: Vec<(u32, Result<Cow<'_, str>, CellProblem>)> =
            cells.iter().map(|(c, v)| (*c, cell_text(v))).collect();
        if texts
            .iter()
            .all(|(_, t)| t.as_ref().is_ok_and(|t| t.is_empty()))
        {
            return Ok(ControlFlow::Continue(()));
        }
        state.rows += 1;
        if state.rows > state.max_rows {
            return Err(TabularError::TooLarge {
                limit: Limit::Rows,
                max: state.max_rows as u64,
            });
        }
        let number = r as usize + 1;

        let Some((header, by_column)) = &state.data else {
            let width = texts
                .iter()
                .map(|(c, _)| *c as usize + 1)
                .max()
                .unwrap_or(0);
            let mut candidate = vec![String::new(); width];
            for (c, t) in &texts {
                if let (Some(slot), Ok(t)) = (candidate.get_mut(*c as usize), t) {
                    *slot = header_candidate(t);
                }
            }
            return match state.search.offer(number, &candidate) {
                Found::NotYet => Ok(ControlFlow::Continue(())),
                Found::Done(result) => {
                    let (header, warnings) = result?;
                    let by_column = header
                        .positions
                        .iter()
                        .enumerate()
                        .filter_map(|(i, p)| p.and_then(|p| u32::try_from(p).ok()).map(|p| (p, i)))
                        .collect();
                    state.data = Some((Arc::clone(&header), by_column));
                    self.header_sent = true;
                    Ok(self.send(Msg::Header(Ok((header, warnings)))))
                }
            };
        };

        let mut builder = RowBuilder::new(header, number, state.max_cell_chars);
        let mut result = Ok(());
        for (c, text) in &texts {
            let Some(&index) = by_column.get(c) else {
                continue;
            };
            result = match text {
                Ok(t) => builder.set(index, t),
                Err(problem) => Err(builder.problem(index, problem.clone(), None)),
            };
            if result.is_err() {
                break;
            }
        }
        Ok(self.send(Msg::Row(result.map(|()| builder.finish()))))
    }

    fn send(&self, msg: Msg) -> ControlFlow<()> {
        match self.tx.send(msg) {
            Ok(()) => ControlFlow::Continue(()),
            Err(_) => ControlFlow::Break(()),
        }
    }

    fn send_error(&self, e: TabularError) {
        let msg = if self.header_sent {
            Msg::Row(Err(e))
        } else {
            Msg::Header(Err(e))
        };
        let _ = self.tx.send(msg);
    }
}

fn choose_sheet(sheets: &[Sheet], wanted: Option<&str>) -> Result<String, TabularError> {
    let worksheets: Vec<&Sheet> = sheets
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .collect();
    let chosen = match wanted {
        Some(name) => {
            let want = name.trim().to_lowercase();
            worksheets
                .iter()
                .find(|s| s.name.trim().to_lowercase() == want)
                .ok_or_else(|| TabularError::SheetNotFound {
                    name: name.to_owned(),
                    available: worksheets.iter().map(|s| s.name.clone()).collect(),
                })?
        }
        // A hidden first sheet is usually a lookup table, not the data.
        None => worksheets
            .iter()
            .find(|s| s.visible == SheetVisible::Visible)
            .or(worksheets.first())
            .ok_or(TabularError::Empty)?,
    };
    Ok(chosen.name.clone())
}

/// The cell as the text a user would type for it.
fn cell_text<'a>(value: &'a DataRef<'_>) -> Result<Cow<'a, str>, CellProblem> {
    Ok(match value {
        DataRef::SharedString(s) => Cow::Borrowed(trim_cell(s)),
        DataRef::String(s) => Cow::Borrowed(trim_cell(s)),
        DataRef::Int(i) => Cow::Owned(i.to_string()),
        DataRef::Float(f) => Cow::Owned(format_number(*f)),
        DataRef::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        DataRef::DateTime(dt) => Cow::Owned(format_datetime(dt)),
        DataRef::DateTimeIso(s) => Cow::Borrowed(s.strip_suffix("T00:00:00").unwrap_or(s)),
        DataRef::DurationIso(s) => Cow::Borrowed(s.as_str()),
        DataRef::Error(e) => {
            return Err(CellProblem::SpreadsheetError {
                code: e.to_string(),
            });
        }
        DataRef::Empty => Cow::Borrowed(""),
    })
}

/// Excel stores every number as a float, so a village code typed as a
/// number arrives as 3520012001.0. Whole numbers become plain digits; other
/// numbers are rounded to the 15 significant digits Excel displays, which
/// hides binary noise such as 0.30000000000000004 from formulas.
pub(crate) fn format_number(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    if f.fract() == 0.0 {
        return format!("{f:.0}");
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    format!("{rounded}")
}

/// Dates as ISO `YYYY-MM-DD`; a time part only when there is one.
fn format_datetime(dt: &ExcelDateTime) -> String {
    if dt.is_duration() {
        let total = (dt.as_f64() * 86_400.0).round() as i64;
        let sign = if total < 0 { "-" } else { "" };
        let t = total.abs();
        return format!("{sign}{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
    }
    let (y, mo, d, h, mi, s, _ms) = dt.to_ymd_hms_milli();
    let has_time = (h, mi, s) != (0, 0, 0);
    if (0.0..1.0).contains(&dt.as_f64()) && has_time {
        format!("{h:02}:{mi:02}:{s:02}")
    } else if has_time {
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;

    #[test]
    fn numbers_read_like_excel_shows_them() {
        assert_eq!(format_number(3_520_012_001.0), "3520012001");
        assert_eq!(format_number(35_200_120_010_001.0), "35200120010001");
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(-1234.75), "-1234.75");
        assert_eq!(format_number(1e-7), "0.0000001");
    }

    #[test]
    fn dates_and_times() {
        let date =
            |v: f64| format_datetime(&ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(date(45521.0), "2024-08-17");
        assert_eq!(date(45521.4375), "2024-08-17 10:30:00");
        assert_eq!(date(0.4375), "10:30:00");
        let d1904 = ExcelDateTime::new(44059.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(format_datetime(&d1904), "2024-08-17");
        let dur = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(format_datetime(&dur), "36:00:00");
    }
}

//! [`ImportReport`]: what happened to each row of an import, for the UI, the
//! API, and a downloadable error list.

use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::detect::Format;
use crate::error::{TabularError, count};
use crate::lang::Lang;
use crate::reader::Warning;
use crate::writer::{Cell, TableWriter};

/// Default number of problems kept in full.
pub const DEFAULT_PROBLEM_CAP: usize = 500;

/// One problem, located as the user sees it in the spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    /// Spreadsheet row number (0 when the problem is about the whole file).
    pub row: usize,
    /// Header text of the column, when the problem is about one cell.
    pub column: Option<String>,
    /// Message in the user's language.
    pub message: String,
}

impl RowProblem {
    /// A problem about a row or cell.
    pub fn new(row: usize, column: Option<&str>, message: impl Into<String>) -> RowProblem {
        RowProblem {
            row,
            column: column.map(str::to_owned),
            message: message.into(),
        }
    }

    /// Locates an error: cell errors give their column separately, so the
    /// message is just the problem ("wajib diisi").
    pub fn from_error(error: &TabularError, lang: Lang) -> RowProblem {
        match error {
            TabularError::Cell(c) => RowProblem::new(c.row, Some(c.column_label()), c.detail(lang)),
            other => RowProblem::new(other.row().unwrap_or(0), None, other.message(lang)),
        }
    }

    /// From a reader warning.
    pub fn from_warning(warning: &Warning, lang: Lang) -> RowProblem {
        let column = match warning {
            Warning::UnknownColumn { header, .. } => Some(header.as_str()),
            _ => None,
        };
        RowProblem::new(warning.row(), column, warning.message(lang))
    }
}

/// How an accepted row was applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A new record was created.
    Inserted,
    /// An existing record was changed.
    Updated,
    /// The row matched what was already stored.
    Unchanged,
}

/// Counts and problems of one import.
///
/// Problems are kept up to a cap (a file with 50 000 bad rows should not
/// produce a 50 000-entry JSON response); `problems_total` still counts
/// them all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Data rows read.
    pub read: u64,
    /// Rows that created records.
    pub inserted: u64,
    /// Rows that changed records.
    pub updated: u64,
    /// Rows identical to stored records.
    pub unchanged: u64,
    /// Rows refused.
    pub rejected: u64,
    /// The first problems (up to the cap), in the order found.
    pub problems: Vec<RowProblem>,
    /// All problems, including those beyond the cap.
    pub problems_total: u64,
    /// Non-blocking notes (unknown columns, encoding), also capped.
    pub warnings: Vec<RowProblem>,
    #[serde(skip, default = "default_cap")]
    cap: usize,
}

fn default_cap() -> usize {
    DEFAULT_PROBLEM_CAP
}

impl Default for ImportReport {
    fn default() -> ImportReport {
        ImportReport::new()
    }
}

impl ImportReport {
    /// An empty report keeping up to [`DEFAULT_PROBLEM_CAP`] problems.
    pub fn new() -> ImportReport {
        ImportReport::with_problem_cap(DEFAULT_PROBLEM_CAP)
    }

    /// An empty report keeping up to `cap` problems.
    pub fn with_problem_cap(cap: usize) -> ImportReport {
        ImportReport {
            read: 0,
            inserted: 0,
            updated: 0,
            unchanged: 0,
            rejected: 0,
            problems: Vec::new(),
            problems_total: 0,
            warnings: Vec::new(),
            cap,
        }
    }

    /// Counts a data row read from the file.
    pub fn row_read(&mut self) {
        self.read += 1;
    }

    /// Counts an accepted row.
    pub fn record(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Inserted => self.inserted += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }

    /// Counts a refused row and records why.
    pub fn reject(&mut self, problem: RowProblem) {
        self.rejected += 1;
        self.add_problem(problem);
    }

    /// Counts a refused row from an error.
    pub fn reject_error(&mut self, error: &TabularError, lang: Lang) {
        self.reject(RowProblem::from_error(error, lang));
    }

    /// Records a further problem without counting another rejected row
    /// (e.g. the second bad cell of a row already rejected).
    pub fn add_problem(&mut self, problem: RowProblem) {
        self.problems_total += 1;
        if self.problems.len() < self.cap {
            self.problems.push(problem);
        }
    }

    /// Records a warning.
    pub fn warn(&mut self, warning: RowProblem) {
        if self.warnings.len() < self.cap {
            self.warnings.push(warning);
        }
    }

    /// Records the reader's warnings.
    pub fn add_warnings(&mut self, warnings: &[Warning], lang: Lang) {
        for w in warnings {
            self.warn(RowProblem::from_warning(w, lang));
        }
    }

    /// Problems counted but not kept because of the cap.
    pub fn problems_omitted(&self) -> u64 {
        self.problems_total
            .saturating_sub(self.problems.len() as u64)
    }

    /// True when nothing was rejected and no problem was recorded.
    pub fn is_clean(&self) -> bool {
        self.rejected == 0 && self.problems_total == 0
    }

    /// One-line summary, e.g. "120 baris dibaca: 100 ditambahkan, …".
    pub fn summary(&self, lang: Lang) -> String {
        let n = |v: u64| count(v, lang);
        match lang {
            Lang::Id => format!(
                "{} baris dibaca: {} ditambahkan, {} diperbarui, {} tidak berubah, {} ditolak.",
                n(self.read),
                n(self.inserted),
                n(self.updated),
                n(self.unchanged),
                n(self.rejected)
            ),
            Lang::En => format!(
                "{} rows read: {} added, {} updated, {} unchanged, {} rejected.",
                n(self.read),
                n(self.inserted),
                n(self.updated),
                n(self.unchanged),
                n(self.rejected)
            ),
        }
    }

    /// Writes the problems and warnings as a table the user can download
    /// and fix their file from: row, column, kind, message, sorted by row.
    pub fn write_problems<W: Write>(
        &self,
        format: Format,
        out: W,
        lang: Lang,
    ) -> Result<W, TabularError> {
        let mut w = TableWriter::new(format, out)?;
        if format == Format::Xlsx {
            w = w.with_sheet_name(lang.pick("Masalah", "Problems"))?;
        }
        w.write_header(&lang.pick(
            ["Baris", "Kolom", "Jenis", "Masalah"],
            ["Row", "Column", "Kind", "Problem"],
        ))?;
        let error = lang.pick("Galat", "Error");
        let warning = lang.pick("Peringatan", "Warning");
        let mut all: Vec<(&RowProblem, &str)> = self
            .warnings
            .iter()
            .map(|p| (p, warning))
            .chain(self.problems.iter().map(|p| (p, error)))
            .collect();
        all.sort_by_key(|(p, _)| p.row);
        for (p, kind) in all {
            let row = if p.row == 0 {
                Cell::Empty
            } else {
                Cell::Int(i64::try_from(p.row).unwrap_or(i64::MAX))
            };
            w.write_row(&[
                row,
                Cell::from(p.column.as_deref()),
                Cell::from(kind),
                Cell::from(p.message.as_str()),
            ])?;
        }
        let omitted = self.problems_omitted();
        if omitted > 0 {
            let note = match lang {
                Lang::Id => format!(
                    "… dan {} masalah lain tidak ditampilkan.",
                    count(omitted, lang)
                ),
                Lang::En => format!("… and {} more problems not shown.", count(omitted, lang)),
            };
            w.write_row(&[
                Cell::Empty,
                Cell::Empty,
                Cell::from(error),
                Cell::from(note),
            ])?;
        }
        w.finish()
    }

    /// [`write_problems`](Self::write_problems) into memory.
    pub fn problems_file(&self, format: Format, lang: Lang) -> Result<Vec<u8>, TabularError> {
        self.write_problems(format, Vec::new(), lang)
    }
}

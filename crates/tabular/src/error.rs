//! The one error type of this crate.
//!
//! Every variant carries data, not prose: the web layer decides the language
//! (via [`TabularError::message`]) or builds its own text from the fields.

use serde::Serialize;

use crate::detect::{FileKind, Format};
use crate::lang::Lang;

/// Convenience alias.
pub type Result<T, E = TabularError> = std::result::Result<T, E>;

/// Everything that can go wrong while reading or writing a table.
///
/// Row-level variants ([`TabularError::Cell`], [`TabularError::TooManyCells`])
/// are recoverable: the reader keeps going and the caller usually records
/// them in an [`ImportReport`](crate::ImportReport). All other variants end
/// the import.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TabularError {
    /// The content is neither CSV nor XLSX (whatever the file name says).
    #[error("{}", self.message(Lang::En))]
    Unsupported {
        /// What the content looks like instead.
        found: FileKind,
    },
    /// The file looks like CSV/XLSX but cannot be parsed.
    #[error("{}", self.message(Lang::En))]
    Corrupt {
        /// The format it claimed to be.
        format: Format,
        /// Technical detail for logs; not meant for end users.
        detail: String,
    },
    /// The file could not be read at all (I/O failure).
    #[error("{}", self.message(Lang::En))]
    Io {
        /// Technical detail for logs.
        detail: String,
    },
    /// No header row: the file (or sheet) has no non-empty row.
    #[error("{}", self.message(Lang::En))]
    Empty,
    /// The requested worksheet does not exist.
    #[error("{}", self.message(Lang::En))]
    SheetNotFound {
        /// The name asked for.
        name: String,
        /// Worksheets present in the workbook.
        available: Vec<String>,
    },
    /// Required columns are absent from the header row.
    #[error("{}", self.message(Lang::En))]
    MissingColumns {
        /// The row (as numbered in the spreadsheet) taken as the header.
        header_row: usize,
        /// The required columns not found, in layout order.
        missing: Vec<MissingColumn>,
        /// The header texts that were found (for showing the user).
        found: Vec<String>,
    },
    /// Two header cells map to the same column.
    #[error("{}", self.message(Lang::En))]
    DuplicateColumn {
        /// The row taken as the header.
        header_row: usize,
        /// Canonical key both headers map to.
        key: String,
        /// The header texts as written in the file.
        headers: Vec<String>,
    },
    /// A safety limit of [`ReadOptions`](crate::ReadOptions) (or of the XLSX
    /// format, when writing) was exceeded.
    #[error("{}", self.message(Lang::En))]
    TooLarge {
        /// Which limit.
        limit: Limit,
        /// Its value (bytes, rows or entries).
        max: u64,
    },
    /// A single cell is unusable. Recoverable.
    #[error("{}", self.message(Lang::En))]
    Cell(Box<CellError>),
    /// A CSV row has more filled cells than the header has columns — usually
    /// an unquoted separator inside a value, which shifts every later cell.
    /// Recoverable.
    #[error("{}", self.message(Lang::En))]
    TooManyCells {
        /// Row number as seen in the spreadsheet.
        row: usize,
        /// Number of header columns.
        expected: usize,
        /// Number of cells up to the last filled one.
        found: usize,
    },
    /// Producing an output file failed (I/O or an XLSX format limit).
    #[error("{}", self.message(Lang::En))]
    Write {
        /// Technical detail for logs.
        detail: String,
    },
}

/// A required column absent from the header row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingColumn {
    /// Canonical key, e.g. `kode_desa`.
    pub key: String,
    /// Header texts that would have been accepted, preferred one first.
    pub accepted: Vec<String>,
}

/// Which safety limit was hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// Size of the uploaded file.
    InputBytes,
    /// Total size of the XML inside an XLSX once decompressed (zip bombs).
    UncompressedBytes,
    /// Number of entries in the XLSX zip.
    ZipEntries,
    /// Number of rows.
    Rows,
}

/// A problem with one cell, located the way the user sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellError {
    /// Row number as shown by Excel/LibreOffice (header is usually 1).
    pub row: usize,
    /// Canonical column key.
    pub column: String,
    /// The column's header text as written in the file.
    pub header: String,
    /// What is wrong.
    pub problem: CellProblem,
    /// The offending value, shortened for display; `None` for empty cells.
    pub value: Option<String>,
}

/// What is wrong with a cell. `key()` gives a stable message key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CellProblem {
    /// The value must not be empty.
    Required,
    /// Longer than [`ReadOptions::max_cell_chars`](crate::ReadOptions).
    TooLong {
        /// The limit in characters.
        max_chars: usize,
    },
    /// Not a whole number.
    NotInteger,
    /// Not a number.
    NotNumber,
    /// Not a recognisable date.
    NotDate,
    /// Not yes/no.
    NotBool,
    /// The spreadsheet stored an error value such as `#N/A` or `#REF!`.
    SpreadsheetError {
        /// The error as Excel shows it.
        code: String,
    },
    /// Domain-specific rejection; `key` is for the caller's translations.
    Invalid {
        /// Caller-defined message key, e.g. `npp_format`.
        key: String,
    },
}

impl CellProblem {
    /// Stable message key (`required`, `too_long`, …, or the caller's key
    /// for [`CellProblem::Invalid`]).
    pub fn key(&self) -> &str {
        match self {
            CellProblem::Required => "required",
            CellProblem::TooLong { .. } => "too_long",
            CellProblem::NotInteger => "not_integer",
            CellProblem::NotNumber => "not_number",
            CellProblem::NotDate => "not_date",
            CellProblem::NotBool => "not_bool",
            CellProblem::SpreadsheetError { .. } => "spreadsheet_error",
            CellProblem::Invalid { key } => key,
        }
    }

    /// The problem described without its location, e.g. `wajib diisi`.
    pub fn message(&self, value: Option<&str>, lang: Lang) -> String {
        let quoted = value.map(|v| format!("\"{v}\" "));
        let q = quoted.as_deref().unwrap_or("");
        match self {
            CellProblem::Required => lang.pick("wajib diisi", "is required").to_owned(),
            CellProblem::TooLong { max_chars } => match lang {
                Lang::Id => format!(
                    "isian terlalu panjang (lebih dari {} karakter)",
                    count(*max_chars as u64, lang)
                ),
                Lang::En => format!(
                    "value is too long (more than {} characters)",
                    count(*max_chars as u64, lang)
                ),
            },
            CellProblem::NotInteger => match lang {
                Lang::Id => format!("{q}bukan bilangan bulat"),
                Lang::En => format!("{q}is not a whole number"),
            },
            CellProblem::NotNumber => match lang {
                Lang::Id => format!("{q}bukan angka"),
                Lang::En => format!("{q}is not a number"),
            },
            CellProblem::NotDate => match lang {
                Lang::Id => format!(
                    "{q}bukan tanggal yang valid (gunakan format TTTT-BB-HH atau HH/BB/TTTT)"
                ),
                Lang::En => {
                    format!("{q}is not a valid date (use YYYY-MM-DD or DD/MM/YYYY)")
                }
            },
            CellProblem::NotBool => match lang {
                Lang::Id => format!("{q}harus diisi ya atau tidak"),
                Lang::En => format!("{q}must be yes or no"),
            },
            CellProblem::SpreadsheetError { code } => match lang {
                Lang::Id => format!("sel berisi galat rumus {code}"),
                Lang::En => format!("the cell holds the formula error {code}"),
            },
            CellProblem::Invalid { .. } => match (lang, value) {
                (Lang::Id, Some(v)) => format!("nilai \"{v}\" tidak valid"),
                (Lang::Id, None) => "nilai tidak valid".to_owned(),
                (Lang::En, Some(v)) => format!("the value \"{v}\" is not valid"),
                (Lang::En, None) => "the value is not valid".to_owned(),
            },
        }
    }
}

impl CellError {
    /// The problem without the row/column prefix (for reports that show row
    /// and column in their own columns).
    pub fn detail(&self, lang: Lang) -> String {
        self.problem.message(self.value.as_deref(), lang)
    }

    /// The header text to show: as written in the file, or the key.
    pub fn column_label(&self) -> &str {
        if self.header.is_empty() {
            &self.column
        } else {
            &self.header
        }
    }
}

impl TabularError {
    /// Builds a cell error; `value` is shortened for display.
    pub fn cell(
        row: usize,
        column: impl Into<String>,
        header: impl Into<String>,
        problem: CellProblem,
        value: Option<&str>,
    ) -> TabularError {
        TabularError::Cell(Box::new(CellError {
            row,
            column: column.into(),
            header: header.into(),
            problem,
            value: value.filter(|v| !v.is_empty()).map(shorten),
        }))
    }

    /// True for errors about one row; reading can continue after them.
    pub fn is_row_error(&self) -> bool {
        matches!(
            self,
            TabularError::Cell(_) | TabularError::TooManyCells { .. }
        )
    }

    /// The spreadsheet row the error is about, if any.
    pub fn row(&self) -> Option<usize> {
        match self {
            TabularError::Cell(c) => Some(c.row),
            TabularError::TooManyCells { row, .. } => Some(*row),
            TabularError::MissingColumns { header_row, .. }
            | TabularError::DuplicateColumn { header_row, .. } => Some(*header_row),
            _ => None,
        }
    }

    /// Stable machine-readable key of the variant (`missing_columns`, …).
    pub fn key(&self) -> &'static str {
        match self {
            TabularError::Unsupported { .. } => "unsupported",
            TabularError::Corrupt { .. } => "corrupt",
            TabularError::Io { .. } => "io",
            TabularError::Empty => "empty",
            TabularError::SheetNotFound { .. } => "sheet_not_found",
            TabularError::MissingColumns { .. } => "missing_columns",
            TabularError::DuplicateColumn { .. } => "duplicate_column",
            TabularError::TooLarge { .. } => "too_large",
            TabularError::Cell(_) => "cell",
            TabularError::TooManyCells { .. } => "too_many_cells",
            TabularError::Write { .. } => "write",
        }
    }

    /// Full sentence for the user, with location where there is one.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            TabularError::Cell(c) => match lang {
                Lang::Id => format!(
                    "Baris {}, kolom \"{}\": {}",
                    c.row,
                    c.column_label(),
                    c.detail(lang)
                ),
                Lang::En => format!(
                    "Row {}, column \"{}\": {}",
                    c.row,
                    c.column_label(),
                    c.detail(lang)
                ),
            },
            TabularError::TooManyCells {
                row,
                expected,
                found,
            } => match lang {
                Lang::Id => format!(
                    "Baris {row} berisi {found} sel, padahal baris judul hanya punya {expected} \
                     kolom. Mungkin ada koma atau titik koma di dalam isian yang tidak diapit \
                     tanda kutip, sehingga isian bergeser."
                ),
                Lang::En => format!(
                    "Row {row} has {found} cells but the header row has only {expected} columns. \
                     A comma or semicolon inside a value without quotes probably shifted the \
                     cells."
                ),
            },
            other => other.detail(lang),
        }
    }

    /// Like [`message`](Self::message) but without the "Baris n, kolom …"
    /// prefix for cell errors.
    pub fn detail(&self, lang: Lang) -> String {
        match self {
            TabularError::Unsupported { found } => match lang {
                Lang::Id => format!(
                    "Berkas ini bukan CSV atau XLSX, melainkan {}. Simpan ulang dari Excel atau \
                     LibreOffice sebagai .xlsx atau .csv.",
                    found.describe(lang)
                ),
                Lang::En => format!(
                    "This file is not CSV or XLSX but {}. Save it again from Excel or \
                     LibreOffice as .xlsx or .csv.",
                    found.describe(lang)
                ),
            },
            TabularError::Corrupt { format, .. } => match lang {
                Lang::Id => format!(
                    "Berkas {} rusak atau tidak dapat dibaca. Coba buka dan simpan ulang berkas \
                     tersebut.",
                    format.label()
                ),
                Lang::En => format!(
                    "The {} file is damaged or cannot be read. Try opening and saving it again.",
                    format.label()
                ),
            },
            TabularError::Io { .. } => lang
                .pick("Berkas tidak dapat dibaca.", "The file could not be read.")
                .to_owned(),
            TabularError::Empty => lang
                .pick(
                    "Berkas kosong: tidak ada baris judul maupun data.",
                    "The file is empty: there is no header row and no data.",
                )
                .to_owned(),
            TabularError::SheetNotFound { name, available } => {
                let list = quoted_list(available);
                match lang {
                    Lang::Id => {
                        format!("Lembar kerja \"{name}\" tidak ditemukan. Lembar yang ada: {list}.")
                    }
                    Lang::En => {
                        format!("Worksheet \"{name}\" not found. Available sheets: {list}.")
                    }
                }
            }
            TabularError::MissingColumns {
                header_row,
                missing,
                ..
            } => {
                let (accepted_word, or_word) = lang.pick(("judul", "atau"), ("header", "or"));
                let parts: Vec<String> = missing
                    .iter()
                    .map(|m| {
                        let alts: Vec<String> =
                            m.accepted.iter().map(|a| format!("\"{a}\"")).collect();
                        if alts.is_empty() {
                            m.key.clone()
                        } else {
                            format!(
                                "{} ({accepted_word} {})",
                                m.key,
                                alts.join(&format!(" {or_word} "))
                            )
                        }
                    })
                    .collect();
                match lang {
                    Lang::Id => format!(
                        "Kolom wajib tidak ada: {}. Periksa baris judul (baris {header_row}).",
                        parts.join("; ")
                    ),
                    Lang::En => format!(
                        "Required columns are missing: {}. Check the header row (row {header_row}).",
                        parts.join("; ")
                    ),
                }
            }
            TabularError::DuplicateColumn {
                header_row,
                key,
                headers,
            } => {
                let list = quoted_list(headers);
                match lang {
                    Lang::Id => format!(
                        "Kolom {key} muncul lebih dari sekali pada baris judul (baris \
                         {header_row}): {list}. Hapus salah satunya."
                    ),
                    Lang::En => format!(
                        "Column {key} appears more than once in the header row (row \
                         {header_row}): {list}. Remove one of them."
                    ),
                }
            }
            TabularError::TooLarge { limit, max } => {
                let mb = (*max).div_ceil(1024 * 1024);
                let n = count(*max, lang);
                let mb = count(mb, lang);
                match (limit, lang) {
                    (Limit::InputBytes, Lang::Id) => {
                        format!("Berkas terlalu besar (batasnya {mb} MB).")
                    }
                    (Limit::InputBytes, Lang::En) => {
                        format!("The file is too large (the limit is {mb} MB).")
                    }
                    (Limit::UncompressedBytes, Lang::Id) => format!(
                        "Isi berkas XLSX terlalu besar setelah diekstrak (batasnya {mb} MB)."
                    ),
                    (Limit::UncompressedBytes, Lang::En) => format!(
                        "The XLSX content is too large once unpacked (the limit is {mb} MB)."
                    ),
                    (Limit::ZipEntries, Lang::Id) => {
                        format!("Berkas XLSX memuat terlalu banyak bagian (batasnya {n}).")
                    }
                    (Limit::ZipEntries, Lang::En) => {
                        format!("The XLSX file has too many parts (the limit is {n}).")
                    }
                    (Limit::Rows, Lang::Id) => {
                        format!("Berkas memuat terlalu banyak baris (batasnya {n} baris).")
                    }
                    (Limit::Rows, Lang::En) => {
                        format!("The file has too many rows (the limit is {n} rows).")
                    }
                }
            }
            TabularError::Cell(c) => c.detail(lang),
            TabularError::TooManyCells { .. } => self.message(lang),
            TabularError::Write { .. } => lang
                .pick("Gagal membuat berkas.", "Failed to create the file.")
                .to_owned(),
        }
    }

    pub(crate) fn io(e: &std::io::Error) -> TabularError {
        TabularError::Io {
            detail: e.to_string(),
        }
    }

    pub(crate) fn write(e: impl std::fmt::Display) -> TabularError {
        TabularError::Write {
            detail: e.to_string(),
        }
    }
}

/// Cell values in messages are cut so a pasted essay does not flood the UI.
fn shorten(v: &str) -> String {
    const MAX: usize = 60;
    if v.chars().count() <= MAX {
        v.to_owned()
    } else {
        let mut s: String = v.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Formats a count with the thousands separator of the language
/// (Indonesian uses `.`, English `,`).
pub(crate) fn count(n: u64, lang: Lang) -> String {
    let sep = lang.pick('.', ',');
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_use_local_separators() {
        assert_eq!(count(1_048_576, Lang::Id), "1.048.576");
        assert_eq!(count(1_048_576, Lang::En), "1,048,576");
        assert_eq!(count(999, Lang::Id), "999");
    }

    #[test]
    fn long_values_are_shortened() {
        let long = "x".repeat(100);
        let e = TabularError::cell(3, "nama", "Nama", CellProblem::NotDate, Some(&long));
        let TabularError::Cell(c) = e else {
            panic!("not a cell error")
        };
        assert_eq!(c.value.as_deref().map(|v| v.chars().count()), Some(61));
    }
}

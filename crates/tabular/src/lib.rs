//! Spreadsheet import and export for Lentera.
//!
//! Village librarians make their files in Excel or LibreOffice, in whatever
//! locale and encoding their computer uses. This crate reads CSV and XLSX
//! forgivingly (format sniffed from content, `;` or `,` or tab, UTF-8 with
//! or without BOM, Windows-1252, UTF-16, title rows above the header,
//! header names in Indonesian or English in any case) and reports problems
//! precisely: every error is a structured value located by the row number
//! the user sees in their spreadsheet, with texts in Indonesian and English.
//!
//! It knows nothing about libraries or villages: callers describe their
//! columns with a [`Layout`] and interpret [`Row`]s themselves.
//!
//! * Reading: [`TableReader`], [`Layout`], [`Row`], [`ReadOptions`].
//! * Writing: [`TableWriter`], [`Cell`], [`xlsx_template`].
//! * Reporting: [`ImportReport`], [`RowProblem`].
//! * Errors: [`TabularError`] with [`TabularError::message`] in a [`Lang`].
//!
//! A typical import:
//!
//! ```
//! use lentera_tabular::{ImportReport, Lang, Layout, Outcome, ReadOptions, TableReader};
//!
//! let layout = Layout::new()
//!     .required("village_code", &["kode_desa", "kode desa", "kode wilayah"])
//!     .required("name", &["nama", "nama perpustakaan"])
//!     .optional("members", &["anggota", "jumlah anggota"]);
//! let upload = "\u{feff}Kode Desa;Nama;Anggota\r\n3520012001;Taman Baca Cipayung Jaya;12\r\n;Pojok Baca;x\r\n";
//!
//! let reader = TableReader::from_bytes(upload.into(), &layout, &ReadOptions::default())?;
//! let mut report = ImportReport::new();
//! report.add_warnings(reader.warnings(), Lang::Id);
//! for item in reader {
//!     report.row_read();
//!     let result = item.and_then(|row| {
//!         let code = row.require("village_code")?;
//!         let members = row.int("members")?;
//!         // ... store (code, name, members) ...
//!         # let _ = (code, members);
//!         Ok(Outcome::Inserted)
//!     });
//!     match result {
//!         Ok(outcome) => report.record(outcome),
//!         Err(e) if e.is_row_error() => report.reject_error(&e, Lang::Id),
//!         Err(e) => return Err(e), // the whole file is unusable
//!     }
//! }
//! assert_eq!((report.inserted, report.rejected), (1, 1));
//! assert_eq!(report.problems[0].message, "wajib diisi");
//! assert_eq!(report.problems[0].row, 3);
//! # Ok::<(), lentera_tabular::TabularError>(())
//! ```

mod cp1252;
mod csv_source;
mod detect;
mod error;
mod lang;
mod layout;
pub mod parse;
mod reader;
mod report;
mod writer;
mod xlsx_source;

pub use detect::{FileKind, Format};
pub use error::{CellError, CellProblem, Limit, MissingColumn, Result, TabularError};
pub use lang::Lang;
pub use layout::{Column, Layout, normalize as normalize_header};
pub use reader::{ReadOptions, Row, TableReader, Warning, column_letter};
pub use report::{DEFAULT_PROBLEM_CAP, ImportReport, Outcome, RowProblem};
pub use writer::{Cell, ColumnKind, TableWriter, TemplateColumn, xlsx_template};

//! The crate's single error type.

use thiserror::Error;

/// Everything that can stop a document from being generated.
///
/// Variants carry the offending value so a caller can show the librarian
/// which item to fix; texts are English because the web layer translates.
#[derive(Debug, Error)]
pub enum PrintError {
    /// The caller asked for a document without any content (no labels,
    /// no cards); a PDF needs at least one page.
    #[error("nothing to print")]
    Empty,

    /// A label sheet description is unusable (zero rows, label larger than
    /// the page, non-finite numbers, ...).
    #[error("label sheet {name:?} is invalid: {reason}")]
    InvalidSheet {
        /// The sheet's name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The number of labels to skip is not smaller than one sheet's labels.
    #[error("cannot skip {skip} labels on a sheet of {per_sheet}")]
    SkipOutOfRange {
        /// Labels the caller asked to skip.
        skip: usize,
        /// Labels on one sheet.
        per_sheet: usize,
    },

    /// A barcode value was empty.
    #[error("barcode value is empty")]
    EmptyBarcode,

    /// A barcode value contains a character Code 128 sets B/C cannot hold.
    #[error(
        "character {ch:?} at position {position} of barcode {value:?} cannot be encoded in Code 128"
    )]
    BarcodeCharacter {
        /// The whole barcode value.
        value: String,
        /// The first character that cannot be encoded.
        ch: char,
        /// Its position (in characters, from 0).
        position: usize,
    },

    /// A barcode does not fit its space even at the narrowest bar width
    /// that scanners still read reliably.
    #[error("barcode {value:?} needs {needed_mm:.1} mm but only {available_mm:.1} mm is available")]
    BarcodeTooWide {
        /// The barcode value.
        value: String,
        /// Width needed at the narrowest allowed module, quiet zones included.
        needed_mm: f32,
        /// Width available on the label or card.
        available_mm: f32,
    },

    /// The QR code payload is too long for a version-40 symbol at error
    /// correction level M, or could not be encoded.
    #[error("QR code data of {len} bytes cannot be encoded")]
    QrData {
        /// Payload length in bytes.
        len: usize,
    },

    /// A numeric value (chart value, dimension) is negative, NaN or infinite.
    #[error("{what} must be a finite, non-negative number, got {value}")]
    InvalidNumber {
        /// Which value.
        what: &'static str,
        /// The value given.
        value: f64,
    },

    /// A table row has a different number of cells than the table has columns.
    #[error("table row {row} has {found} cells, expected {expected}")]
    TableShape {
        /// Row index, from 0.
        row: usize,
        /// Number of columns.
        expected: usize,
        /// Number of cells in the row.
        found: usize,
    },

    /// A table has no columns.
    #[error("table has no columns")]
    NoColumns,

    /// The document has more pages than a PDF page tree can count.
    #[error("document is too large")]
    TooLarge,

    /// Writing the finished PDF to the caller's writer failed.
    #[error("could not write PDF: {0}")]
    Io(#[from] std::io::Error),
}

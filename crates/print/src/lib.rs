//! Printable documents for Lentera, generated offline as PDF.
//!
//! Village libraries print on cheap printers without internet, so every
//! document is produced here from data: no fonts, images or services are
//! needed. The crate does no I/O; each `render_*` function writes one PDF
//! into the [`std::io::Write`] the caller passes (a `Vec<u8>` works).
//!
//! * Labels: [`render_labels`] puts spine (call number) and Code 128
//!   barcode labels on a [`LabelSheet`], with presets for common sheets and
//!   a start position for partly used sheets.
//! * Cards: [`render_member_cards`] prints CR80 membership cards, ten per
//!   A4 page, with cut marks.
//! * Certificates: [`render_certificates`], A4 landscape, with a QR code
//!   for verification.
//! * Reports: [`render_report`] lays out a [`Report`] of [`Block`]s over
//!   A4 pages with a letterhead, page-breaking tables that repeat their
//!   header, bar charts and "Halaman X dari Y" footers.
//!
//! Text uses the PDF standard fonts Helvetica and Helvetica-Bold with
//! WinAnsiEncoding; characters outside it print as `?` (see [`text`]).
//! The building blocks ([`text`] metrics, [`Code128`], [`QrMatrix`]) are
//! public for other documents. Output is deterministic: the same input
//! gives the same bytes.
//!
//! ```
//! use lentera_print::{render_labels, LabelOptions, LabelSheet, SpineLabel};
//!
//! let labels = vec![SpineLabel {
//!     call_number: "899.221 3 SAN p".to_string(),
//!     barcode: "LTR-000123".to_string(),
//! }];
//! let options = LabelOptions { library_name: "TBM Cahaya".to_string(), skip: 3 };
//! let mut pdf = Vec::new();
//! render_labels(&LabelSheet::a4_24_70x37(), &options, &labels, &mut pdf)?;
//! assert!(pdf.starts_with(b"%PDF-"));
//! # Ok::<(), lentera_print::PrintError>(())
//! ```

mod canvas;
mod cards;
mod certificate;
mod code128;
mod error;
mod labels;
mod qr;
mod report;
pub mod text;

pub use canvas::{Align, PageSize};
pub use cards::{
    CARD_COLUMNS, CARD_HEIGHT_MM, CARD_ROWS, CARD_WIDTH_MM, CARDS_PER_PAGE, MemberCard,
    card_position, render_member_cards,
};
pub use certificate::{Certificate, Signatory, render_certificates};
pub use code128::{Code128, QUIET_ZONE_MODULES as CODE128_QUIET_ZONE_MODULES};
pub use error::PrintError;
pub use labels::{
    LabelOptions, LabelSheet, Placement, SpineLabel, render_labels, split_call_number,
};
pub use qr::{QUIET_ZONE_MODULES as QR_QUIET_ZONE_MODULES, QrMatrix};
pub use report::{Bar, BarChart, Block, Column, DataTable, Report, render_report};

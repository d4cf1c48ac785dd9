//! MARC 21 for the Lentera catalogue: read and write ISO 2709 (MARC-8 or
//! UTF-8) and MARCXML as a stream, convert MARC-8 to Unicode, and map records
//! to and from the plain [`BibFields`] description.
//!
//! # Streaming and bad data
//!
//! [`MarcReader`] (ISO 2709) and [`MarcXmlReader`] are iterators of
//! `Result<Record, Error>` over any `BufRead`; they hold one record at a time,
//! so million-record files are fine. A bad or truncated record never stops an
//! import: it comes out as [`Error::Record`] with its [`Position`] (0-based
//! record index and byte offset) and a [`Reason`], and reading resumes at the
//! next record terminator (ISO 2709) or `<record>` (MARCXML). Things the
//! ISO 2709 reader repaired (wrong record length, missing indicators, invalid
//! UTF-8 replaced, MARC-8 bytes it could not map, ...) are listed as
//! [`Warning`]s for the record just returned: [`MarcReader::warnings`]. See
//! [`iso2709`] for the exact leniency rules and the choice made for invalid
//! UTF-8 (replace with U+FFFD and warn by default; reject with
//! [`InvalidUtf8::Reject`]).
//!
//! Writers ([`MarcWriter`], [`MarcXmlWriter`]) stream to any `Write`; a record
//! they cannot encode is rejected whole and the writer stays usable.
//!
//! # Records are Unicode
//!
//! Every record returned is Unicode with leader/09 = `a`, and the leader's
//! length fields describe the record as this crate writes it (see
//! [`Leader`]). MARC-8 records are converted on reading; UTF-8 records are
//! passed through unchanged (not re-normalised), so round trips are exact.
//!
//! # MARC-8 coverage
//!
//! Converted with the Library of Congress code tables ([`marc8`]): ASCII,
//! ANSEL (extended Latin, incl. combining diacritics, reordered after their
//! base and NFC-normalised), Basic and Extended Cyrillic, Basic Hebrew, Basic
//! and Extended Arabic, Basic Greek, Greek symbols, subscripts and
//! superscripts, via escape sequences into G0 or G1.
//!
//! **Not converted: EACC (East Asian, CJK).** Its table has about 16,000
//! three-byte entries, which were not transcribed. EACC sequences are
//! recognised and skipped correctly, each character becomes U+FFFD, and the
//! record carries a [`WarningKind::EaccNotSupported`] warning so the import
//! can flag it for manual repair.
//!
//! # Round trips
//!
//! The catalogue keeps the full original record next to its [`BibFields`]:
//! [`Record::to_iso2709`] / [`Record::from_iso2709`] is the compact lossless
//! serialisation for that.
//!
//! ```
//! use lentera_marc::{BibFields, EntryDate, Record};
//!
//! let bib = BibFields {
//!     title: Some("Laskar pelangi".into()),
//!     authors: vec!["Hirata, Andrea".into()],
//!     year: Some("2005".into()),
//!     ..BibFields::default()
//! };
//! let today = EntryDate::new(2025, 11, 21).expect("a real date");
//! let record = bib.to_record(today);
//! let stored = record.to_iso2709()?;
//! let back = Record::from_iso2709(&stored)?;
//! assert_eq!(back, record);
//! assert_eq!(BibFields::from_record(&back), bib);
//! # Ok::<(), lentera_marc::Error>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod bib;
mod error;
pub mod iso2709;
pub mod marc8;
mod record;
pub mod xml;

pub use bib::{BibFields, EntryDate, strip_isbd};
pub use error::{
    DirectoryProblem, Error, LeaderProblem, Position, ReadError, Reason, Warning, WarningKind,
    XmlProblem,
};
pub use iso2709::{InvalidUtf8, MarcReader, MarcWriter, ReaderOptions};
pub use record::{
    CharacterCoding, ControlField, DataField, Field, Indicator, Leader, Record, Subfield,
    SubfieldCode, Tag,
};
pub use xml::{MarcXmlReader, MarcXmlWriter};

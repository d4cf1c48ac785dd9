//! The crate's error type, record positions and non-fatal warnings.

use std::fmt;
use std::io;

use crate::record::Tag;

/// Where a record starts in an input stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Position {
    /// 0-based index of the record in the stream. Bad records are counted too,
    /// so the indexes of the good records after a bad one do not shift.
    pub index: u64,
    /// Byte offset of the record's first byte from the start of the stream.
    pub offset: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "record #{} at byte {}", self.index, self.offset)
    }
}

/// The one error type of this crate.
///
/// Readers yield [`Error::Record`] for a record they had to skip and then carry
/// on with the next record; only [`Error::Io`] ends a reader.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// One record could not be read or written. Streams continue after it.
    #[error("{position}: {reason}")]
    Record {
        /// Which record, and where it starts.
        position: Position,
        /// What is wrong with it.
        reason: Reason,
    },
    /// The underlying reader or writer failed. Readers stop after this.
    #[error("I/O error at byte {offset}: {source}")]
    Io {
        /// Bytes successfully read or written before the failure.
        offset: u64,
        /// The error from the underlying stream.
        #[source]
        source: io::Error,
    },
    /// A value outside any stream is invalid (a tag, an indicator, a record
    /// passed to [`crate::Record::from_iso2709`], ...).
    #[error("{0}")]
    Invalid(Reason),
}

/// The error a reader yields for a bad record: the brief calls it `ReadError`,
/// and it is the crate's single [`Error`] type.
pub type ReadError = Error;

impl Error {
    /// The record this error is about, when it comes from a stream.
    pub fn position(&self) -> Option<Position> {
        match self {
            Error::Record { position, .. } => Some(*position),
            _ => None,
        }
    }

    /// Why the record or value was rejected (`None` for I/O errors).
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            Error::Record { reason, .. } | Error::Invalid(reason) => Some(reason),
            Error::Io { .. } => None,
        }
    }

    /// `true` when the stream cannot continue (I/O failure).
    pub fn is_fatal(&self) -> bool {
        matches!(self, Error::Io { .. })
    }
}

/// Why a record (or a value) was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Reason {
    /// The leader is unusable.
    #[error("bad leader: {0}")]
    BadLeader(LeaderProblem),
    /// The leader's record length disagrees with the position of the record
    /// terminator and the record could not be parsed anyway.
    #[error("leader says {declared} bytes but the record terminator is at byte {actual}")]
    LengthMismatch {
        /// Length from leader/00-04.
        declared: usize,
        /// Bytes up to and including the record terminator.
        actual: usize,
    },
    /// The input ends (or the next record starts) before the record is complete.
    #[error("truncated record: {available} bytes present{}", match .declared { Some(d) => format!(", leader says {d}"), None => String::new() })]
    Truncated {
        /// Length from the leader, when it was readable.
        declared: Option<usize>,
        /// Bytes actually present.
        available: usize,
    },
    /// The directory is malformed or points outside the record.
    #[error("bad directory: {0}")]
    BadDirectory(DirectoryProblem),
    /// No record terminator within `limit` bytes; the bytes up to the next
    /// terminator were skipped.
    #[error("no record terminator within {limit} bytes ({skipped} bytes skipped)")]
    Oversized {
        /// The reader's buffering limit.
        limit: usize,
        /// Bytes skipped, including the terminator.
        skipped: u64,
    },
    /// A UTF-8 record (leader/09 = `a`) contains invalid UTF-8 and the reader
    /// was configured to reject such records.
    #[error("invalid UTF-8 in field {tag}")]
    InvalidUtf8 {
        /// The field with the bad bytes.
        tag: Tag,
    },
    /// An indicator byte is not printable ASCII.
    #[error("bad indicator byte 0x{byte:02X} in field {tag}")]
    BadIndicator {
        /// The field.
        tag: Tag,
        /// The offending byte.
        byte: u8,
    },
    /// A tag is not three printable ASCII characters.
    #[error("invalid tag {0:?}")]
    InvalidTag(String),
    /// An indicator is not a single printable ASCII character.
    #[error("invalid indicator {0:?}")]
    InvalidIndicator(String),
    /// A subfield code is not a single printable ASCII character.
    #[error("invalid subfield code {0:?}")]
    InvalidSubfieldCode(String),
    /// The XML is not well-formed where this record is; the parser's own
    /// message is kept as technical detail.
    #[error("XML error: {0}")]
    Xml(String),
    /// Well-formed XML that is not a usable MARCXML record.
    #[error("bad MARCXML: {0}")]
    XmlStructure(XmlProblem),
    /// The record would be longer than ISO 2709's 99,999-byte limit.
    #[error("record is {length} bytes, over the ISO 2709 limit of 99999")]
    RecordTooLong {
        /// Encoded length.
        length: usize,
    },
    /// A field would be longer than ISO 2709's 9,999-byte limit.
    #[error("field {tag} is {length} bytes, over the ISO 2709 limit of 9999")]
    FieldTooLong {
        /// The field.
        tag: Tag,
        /// Encoded length including the field terminator.
        length: usize,
    },
    /// A value contains one of ISO 2709's structural characters
    /// (0x1D, 0x1E, 0x1F), which would corrupt the output.
    #[error("field {tag} contains an ISO 2709 delimiter character")]
    DelimiterInData {
        /// The field.
        tag: Tag,
    },
    /// A value contains a character XML 1.0 cannot carry.
    #[error("{} contains U+{:04X}, which XML 1.0 cannot represent", match .tag { Some(t) => format!("field {t}"), None => "the leader".to_owned() }, u32::from(*.ch))]
    NotXmlChar {
        /// The field (`None` for the leader).
        tag: Option<Tag>,
        /// The character.
        ch: char,
    },
    /// [`crate::Record::from_iso2709`] only accepts records that decode
    /// without any warning; this is the first warning it met.
    #[error("record does not decode cleanly: {0}")]
    Unclean(Warning),
}

/// What is wrong with a leader.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LeaderProblem {
    /// Not 24 characters long.
    #[error("{length} characters instead of 24")]
    WrongLength {
        /// Actual length in bytes.
        length: usize,
    },
    /// Contains a byte or character that is not printable ASCII.
    #[error("not printable ASCII")]
    NotPrintableAscii,
    /// Leader/00-04 (record length) is not five digits: the data at this
    /// position does not start a record.
    #[error("record length (leader/00-04) is not five digits")]
    RecordLengthNotNumeric,
    /// Leader/12-16 (base address of data) is not five digits.
    #[error("base address (leader/12-16) is not five digits")]
    BaseAddressNotNumeric,
    /// [`crate::Leader::set`] was given a position past 23.
    #[error("no position {position} in a leader")]
    NoSuchPosition {
        /// The position asked for.
        position: usize,
    },
}

/// What is wrong with an ISO 2709 directory.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DirectoryProblem {
    /// The base address points outside the record.
    #[error("base address {base} is outside the record ({record_length} bytes)")]
    BaseAddressOutOfRange {
        /// Leader/12-16.
        base: usize,
        /// Bytes in the record.
        record_length: usize,
    },
    /// No field terminator just before the base address.
    #[error("no field terminator at the end of the directory")]
    NotTerminated,
    /// The directory's length is not a multiple of 12.
    #[error("directory is {length} bytes, not a multiple of 12")]
    NotMultipleOf12 {
        /// Directory length in bytes.
        length: usize,
    },
    /// Entry `entry` (0-based) has a tag that is not printable ASCII.
    #[error("entry {entry} has an invalid tag")]
    InvalidTag {
        /// 0-based entry number.
        entry: usize,
    },
    /// An entry's length or starting position is not digits.
    #[error("entry {entry} ({tag}) has a non-numeric length or start")]
    NotNumeric {
        /// 0-based entry number.
        entry: usize,
        /// Its tag.
        tag: Tag,
    },
    /// A field reaches past the end of the data.
    #[error("field {tag} ({length} bytes at {start}) extends past the data")]
    FieldOutOfBounds {
        /// The field.
        tag: Tag,
        /// Its starting position.
        start: usize,
        /// Its length.
        length: usize,
    },
    /// A field does not end with a field terminator.
    #[error("field {tag} does not end with a field terminator")]
    FieldNotTerminated {
        /// The field.
        tag: Tag,
    },
}

/// What is wrong with a MARCXML record that is well-formed XML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XmlProblem {
    /// No `<leader>` element.
    #[error("record has no leader")]
    MissingLeader,
    /// A required attribute is missing.
    #[error("{element} without a {attribute} attribute")]
    MissingAttribute {
        /// Element name.
        element: &'static str,
        /// Attribute name.
        attribute: &'static str,
    },
    /// An `ind1`/`ind2` value is not one printable ASCII character.
    #[error("field {tag}: indicator {value:?} is not one printable ASCII character")]
    BadIndicator {
        /// The field.
        tag: Tag,
        /// The attribute value.
        value: String,
    },
    /// A `<datafield>` inside a `<datafield>`.
    #[error("datafield inside a datafield")]
    NestedDatafield,
    /// A `<subfield>` outside any `<datafield>`.
    #[error("subfield outside a datafield")]
    SubfieldOutsideDatafield,
    /// An entity other than the five XML ones.
    #[error("unknown entity &{name};")]
    UnknownEntity {
        /// Entity name.
        name: String,
    },
    /// A `<record>` started before the previous one was closed.
    #[error("record not closed before the next record")]
    UnclosedRecord,
    /// The input ended inside the record.
    #[error("input ends inside the record")]
    UnexpectedEnd,
    /// `<record/>` or a record element inside a record.
    #[error("empty or nested record element")]
    EmptyRecord,
}

/// Something a reader repaired or could not convert in a record it still
/// returned. Readers expose the warnings of the record they returned last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The field concerned (`None` for the whole record).
    pub tag: Option<Tag>,
    /// What happened.
    pub kind: WarningKind,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.tag {
            Some(tag) => write!(f, "field {tag}: {}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

/// The kinds of [`Warning`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarningKind {
    /// The leader's record length was wrong but the directory was consistent,
    /// so the record was read using the record terminator.
    LengthMismatch {
        /// Length from leader/00-04.
        declared: usize,
        /// Actual length up to and including the terminator.
        actual: usize,
    },
    /// The input ended where the record terminator should have been.
    MissingRecordTerminator,
    /// A data field had fewer than two indicators; blanks were used.
    MissingIndicators,
    /// Bytes between the indicators and the first subfield were dropped.
    DataBeforeFirstSubfield {
        /// How many bytes were dropped.
        bytes: usize,
    },
    /// A subfield delimiter with no code after it was dropped.
    EmptySubfield,
    /// A subfield code byte was not printable ASCII, so the delimiter was
    /// dropped: the bytes after it, code byte included, were appended to the
    /// previous subfield (or dropped if there was none).
    BadSubfieldCode {
        /// The offending byte.
        byte: u8,
    },
    /// The tag is not three ASCII letters or digits (kept as it is).
    NonStandardTag,
    /// Invalid UTF-8 was replaced with U+FFFD.
    InvalidUtf8Replaced,
    /// Leader/09 says MARC-8 but the data is valid, non-ASCII UTF-8 without
    /// any MARC-8 escape, so it was read as UTF-8.
    MislabelledUtf8,
    /// Leader/09 is neither blank nor `a`; the data was read as UTF-8 if valid,
    /// else as MARC-8.
    UnknownCodingScheme(char),
    /// MARC-8 bytes with no mapping in the selected character set became U+FFFD.
    Marc8Unmapped {
        /// How many bytes.
        count: usize,
        /// The first such byte.
        first: u8,
    },
    /// MARC-8 escape sequences that designate no known character set were
    /// skipped.
    Marc8BadEscape {
        /// How many sequences.
        count: usize,
    },
    /// MARC-8 combining marks with no base character after them in their
    /// subfield were kept at the end of the text.
    Marc8DanglingMark {
        /// How many marks.
        count: usize,
    },
    /// East Asian (EACC) characters are not converted; each became U+FFFD.
    EaccNotSupported {
        /// How many characters.
        count: usize,
    },
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WarningKind::LengthMismatch { declared, actual } => write!(
                f,
                "leader says {declared} bytes but the record is {actual}; read it by its terminator"
            ),
            WarningKind::MissingRecordTerminator => {
                f.write_str("record terminator missing at the end of the input")
            }
            WarningKind::MissingIndicators => {
                f.write_str("missing indicators replaced with blanks")
            }
            WarningKind::DataBeforeFirstSubfield { bytes } => {
                write!(f, "{bytes} bytes before the first subfield dropped")
            }
            WarningKind::EmptySubfield => f.write_str("empty subfield delimiter dropped"),
            WarningKind::BadSubfieldCode { byte } => write!(
                f,
                "subfield code byte 0x{byte:02X} is not ASCII; its text was joined to the previous subfield"
            ),
            WarningKind::NonStandardTag => f.write_str("tag is not three ASCII letters or digits"),
            WarningKind::InvalidUtf8Replaced => f.write_str("invalid UTF-8 replaced with U+FFFD"),
            WarningKind::MislabelledUtf8 => {
                f.write_str("leader/09 says MARC-8 but the data is UTF-8; read as UTF-8")
            }
            WarningKind::UnknownCodingScheme(c) => write!(f, "unknown leader/09 value {c:?}"),
            WarningKind::Marc8Unmapped { count, first } => write!(
                f,
                "{count} unmapped MARC-8 byte(s) (first 0x{first:02X}) replaced with U+FFFD"
            ),
            WarningKind::Marc8BadEscape { count } => {
                write!(f, "{count} unknown MARC-8 escape sequence(s) skipped")
            }
            WarningKind::Marc8DanglingMark { count } => write!(
                f,
                "{count} MARC-8 diacritic(s) with no following base character"
            ),
            WarningKind::EaccNotSupported { count } => write!(
                f,
                "{count} East Asian (EACC) character(s) not converted, replaced with U+FFFD"
            ),
        }
    }
}

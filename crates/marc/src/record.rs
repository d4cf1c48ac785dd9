//! The in-memory MARC 21 record: leader, control fields and data fields.
//!
//! Tags, indicators, subfield codes and leaders are small validated types, so
//! a [`Record`] built from them can always be written as ISO 2709 or MARCXML
//! as far as structure goes; only the values (plain `String`s) are checked by
//! the writers (for delimiter characters, lengths and XML-illegal characters).

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, LeaderProblem, Reason};

/// Builds a [`Tag`] from a byte-string literal, checked at compile time.
macro_rules! tag {
    ($s:literal) => {
        const {
            match $crate::record::Tag::from_bytes(*$s) {
                Some(t) => t,
                None => panic!("invalid tag literal"),
            }
        }
    };
}
pub(crate) use tag;

/// A field tag such as `245`.
///
/// Guarantees exactly three printable ASCII characters, so it can always be
/// written to an ISO 2709 directory and a MARCXML `tag` attribute. MARC 21
/// tags are digits (letters for some local fields); other printable
/// characters are accepted because real files contain tags like `0 2` and a
/// reader should keep such data rather than drop the record (the ISO 2709
/// reader warns about them, see [`Tag::is_standard`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag([u8; 3]);

impl Tag {
    /// Returns the tag if all three bytes are printable ASCII.
    pub const fn from_bytes(bytes: [u8; 3]) -> Option<Tag> {
        if is_printable_ascii(bytes[0])
            && is_printable_ascii(bytes[1])
            && is_printable_ascii(bytes[2])
        {
            Some(Tag(bytes))
        } else {
            None
        }
    }

    /// `true` if the tag is three ASCII letters or digits, as ISO 2709 and
    /// MARC 21 require.
    pub const fn is_standard(&self) -> bool {
        self.0[0].is_ascii_alphanumeric()
            && self.0[1].is_ascii_alphanumeric()
            && self.0[2].is_ascii_alphanumeric()
    }

    /// Parses a tag; fails unless `s` is three printable ASCII characters.
    pub fn parse(s: &str) -> Result<Tag, Error> {
        if let [a, b, c] = *s.as_bytes() {
            if let Some(tag) = Tag::from_bytes([a, b, c]) {
                return Ok(tag);
            }
        }
        Err(Error::Invalid(Reason::InvalidTag(s.to_owned())))
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        // Always ASCII by construction; the fallback is unreachable.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// The tag's three bytes.
    pub const fn as_bytes(&self) -> &[u8; 3] {
        &self.0
    }

    /// `true` for `001`–`009`, the MARC 21 control-field tags.
    pub const fn is_control_tag(&self) -> bool {
        self.0[0] == b'0' && self.0[1] == b'0' && self.0[2].is_ascii_digit()
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tag({})", self.as_str())
    }
}

impl FromStr for Tag {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Tag::parse(s)
    }
}

impl PartialEq<str> for Tag {
    fn eq(&self, other: &str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl PartialEq<&str> for Tag {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}

/// Printable ASCII (space included): what a one-byte ISO 2709 slot and an XML
/// attribute can both carry unchanged.
const fn is_printable_ascii(b: u8) -> bool {
    b >= 0x20 && b <= 0x7E
}

/// One indicator position of a data field.
///
/// Guarantees one printable ASCII character (blank included).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Indicator(u8);

impl Indicator {
    /// The blank indicator (`' '`), "undefined" or "no information".
    pub const BLANK: Indicator = Indicator(b' ');

    /// Returns the indicator if `b` is printable ASCII.
    pub const fn from_byte(b: u8) -> Option<Indicator> {
        if is_printable_ascii(b) {
            Some(Indicator(b))
        } else {
            None
        }
    }

    /// Builds an indicator from a character; fails unless it is printable ASCII.
    pub fn new(c: char) -> Result<Indicator, Error> {
        u8::try_from(c)
            .ok()
            .and_then(Indicator::from_byte)
            .ok_or_else(|| Error::Invalid(Reason::InvalidIndicator(c.to_string())))
    }

    /// The indicator as a character.
    pub const fn as_char(self) -> char {
        self.0 as char
    }

    /// The indicator's byte.
    pub const fn as_byte(self) -> u8 {
        self.0
    }
}

impl fmt::Debug for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Indicator({:?})", self.as_char())
    }
}

/// A subfield code such as `a`.
///
/// Guarantees one printable ASCII character.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubfieldCode(u8);

impl SubfieldCode {
    /// Returns the code if `b` is printable ASCII.
    pub const fn from_byte(b: u8) -> Option<SubfieldCode> {
        if is_printable_ascii(b) {
            Some(SubfieldCode(b))
        } else {
            None
        }
    }

    /// Builds a code from a character; fails unless it is printable ASCII.
    pub fn new(c: char) -> Result<SubfieldCode, Error> {
        u8::try_from(c)
            .ok()
            .and_then(SubfieldCode::from_byte)
            .ok_or_else(|| Error::Invalid(Reason::InvalidSubfieldCode(c.to_string())))
    }

    /// The code as a character.
    pub const fn as_char(self) -> char {
        self.0 as char
    }

    /// The code's byte.
    pub const fn as_byte(self) -> u8 {
        self.0
    }
}

impl fmt::Debug for SubfieldCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SubfieldCode({:?})", self.as_char())
    }
}

/// Builds a [`SubfieldCode`] from a byte literal, checked at compile time.
macro_rules! code {
    ($b:literal) => {
        const {
            match $crate::record::SubfieldCode::from_byte($b) {
                Some(c) => c,
                None => panic!("invalid subfield code literal"),
            }
        }
    };
}
pub(crate) use code;

/// Builds an [`Indicator`] from a byte literal, checked at compile time.
macro_rules! ind {
    ($b:literal) => {
        const {
            match $crate::record::Indicator::from_byte($b) {
                Some(i) => i,
                None => panic!("invalid indicator literal"),
            }
        }
    };
}
pub(crate) use ind;

/// Leader/09: how the record's text was encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharacterCoding {
    /// Blank: MARC-8.
    Marc8,
    /// `a`: UCS/Unicode (UTF-8 in ISO 2709).
    Unicode,
    /// Anything else (invalid in MARC 21).
    Other(char),
}

/// The 24-character record leader.
///
/// Guarantees 24 printable ASCII characters. Positions 00-04 (record length)
/// and 12-16 (base address of data) describe an ISO 2709 serialisation: the
/// readers and writers of this crate recompute them, so after reading they
/// describe the record as this crate would write it (UTF-8), not the input.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Leader([u8; 24]);

impl Default for Leader {
    /// A new bibliographic record for a monograph, UTF-8, minimal level,
    /// ISBD punctuation included: `00000nam a2200000 7i 4500` (lengths zero
    /// until written).
    fn default() -> Self {
        Leader(*b"00000nam a22000007i 4500")
    }
}

impl Leader {
    /// Length of a leader in bytes.
    pub const LEN: usize = 24;

    /// Returns the leader if `bytes` is exactly 24 printable ASCII bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Leader> {
        let arr: [u8; 24] = bytes.try_into().ok()?;
        arr.iter()
            .all(|&b| is_printable_ascii(b))
            .then_some(Leader(arr))
    }

    /// Parses a leader; fails unless `s` is exactly 24 printable ASCII characters.
    pub fn parse(s: &str) -> Result<Leader, Error> {
        Leader::from_bytes(s.as_bytes())
            .ok_or_else(|| Error::Invalid(Reason::BadLeader(leader_problem(s.as_bytes()))))
    }

    /// The leader's bytes.
    pub const fn as_bytes(&self) -> &[u8; 24] {
        &self.0
    }

    /// The leader as text.
    pub fn as_str(&self) -> &str {
        // Always ASCII by construction; the fallback is unreachable.
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The character at `pos` (0-based), or `None` past the end.
    pub fn get(&self, pos: usize) -> Option<char> {
        self.0.get(pos).map(|&b| b as char)
    }

    /// Sets the character at `pos`; fails for a position past 23 or a
    /// character that is not printable ASCII.
    pub fn set(&mut self, pos: usize, c: char) -> Result<(), Error> {
        let b = u8::try_from(c)
            .ok()
            .filter(|&b| is_printable_ascii(b))
            .ok_or(Error::Invalid(Reason::BadLeader(
                LeaderProblem::NotPrintableAscii,
            )))?;
        let slot = self.0.get_mut(pos).ok_or(Error::Invalid(Reason::BadLeader(
            LeaderProblem::NoSuchPosition { position: pos },
        )))?;
        *slot = b;
        Ok(())
    }

    /// Writes a byte already known to be printable ASCII.
    pub(crate) fn set_ascii(&mut self, pos: usize, b: u8) {
        debug_assert!(is_printable_ascii(b));
        if let Some(slot) = self.0.get_mut(pos) {
            if is_printable_ascii(b) {
                *slot = b;
            }
        }
    }

    /// Writes `value` as a zero-padded decimal into `width` positions from
    /// `pos`; values too large for the width are clamped to all nines.
    pub(crate) fn set_number(&mut self, pos: usize, width: usize, value: usize) {
        let max = 10usize.pow(width as u32) - 1;
        let digits = format!("{:0width$}", value.min(max));
        for (i, b) in digits.bytes().enumerate() {
            self.set_ascii(pos + i, b);
        }
    }

    fn number(&self, range: std::ops::Range<usize>) -> Option<usize> {
        parse_digits(self.0.get(range)?)
    }

    /// Leader/00-04, record length, if it is five digits.
    pub fn record_length(&self) -> Option<usize> {
        self.number(0..5)
    }

    /// Leader/12-16, base address of data, if it is five digits.
    pub fn base_address(&self) -> Option<usize> {
        self.number(12..17)
    }

    /// Leader/05, record status (`n` new, `c` corrected, `d` deleted, ...).
    pub fn record_status(&self) -> char {
        self.0[5] as char
    }

    /// Leader/06, type of record (`a` language material, ...).
    pub fn record_type(&self) -> char {
        self.0[6] as char
    }

    /// Leader/07, bibliographic level (`m` monograph, `s` serial, ...).
    pub fn bibliographic_level(&self) -> char {
        self.0[7] as char
    }

    /// Leader/09, character coding scheme.
    pub fn character_coding(&self) -> CharacterCoding {
        match self.0[9] {
            b' ' => CharacterCoding::Marc8,
            b'a' => CharacterCoding::Unicode,
            other => CharacterCoding::Other(other as char),
        }
    }

    /// Leader/17, encoding level.
    pub fn encoding_level(&self) -> char {
        self.0[17] as char
    }

    /// Leader/18, descriptive cataloguing form (`a` AACR2, `i` ISBD
    /// punctuation included, `c` ISBD punctuation omitted, ...).
    pub fn cataloging_form(&self) -> char {
        self.0[18] as char
    }
}

impl fmt::Display for Leader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Leader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Leader({:?})", self.as_str())
    }
}

/// Why `bytes` is not a leader (for bytes [`Leader::from_bytes`] rejected).
pub(crate) fn leader_problem(bytes: &[u8]) -> LeaderProblem {
    if bytes.len() == Leader::LEN {
        LeaderProblem::NotPrintableAscii
    } else {
        LeaderProblem::WrongLength {
            length: bytes.len(),
        }
    }
}

/// Parses a run of ASCII digits (no sign, no spaces).
pub(crate) fn parse_digits(bytes: &[u8]) -> Option<usize> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    bytes.iter().try_fold(0usize, |acc, &b| {
        acc.checked_mul(10)?.checked_add(usize::from(b - b'0'))
    })
}

/// A control field (`001`–`009`): a tag and an unstructured value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlField {
    /// The tag.
    pub tag: Tag,
    /// The value.
    pub value: String,
}

/// One subfield: a code and a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subfield {
    /// The code.
    pub code: SubfieldCode,
    /// The value.
    pub value: String,
}

impl Subfield {
    /// A subfield with `code` and `value`.
    pub fn new(code: SubfieldCode, value: impl Into<String>) -> Subfield {
        Subfield {
            code,
            value: value.into(),
        }
    }
}

/// A data field: tag, two indicators and ordered subfields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataField {
    /// The tag.
    pub tag: Tag,
    /// First indicator.
    pub ind1: Indicator,
    /// Second indicator.
    pub ind2: Indicator,
    /// Subfields in record order.
    pub subfields: Vec<Subfield>,
}

impl DataField {
    /// An empty data field.
    pub fn new(tag: Tag, ind1: Indicator, ind2: Indicator) -> DataField {
        DataField {
            tag,
            ind1,
            ind2,
            subfields: Vec::new(),
        }
    }

    /// Appends a subfield and returns the field (builder style).
    pub fn with(mut self, code: SubfieldCode, value: impl Into<String>) -> DataField {
        self.push(code, value);
        self
    }

    /// Appends a subfield.
    pub fn push(&mut self, code: SubfieldCode, value: impl Into<String>) {
        self.subfields.push(Subfield::new(code, value));
    }

    /// The value of the first subfield with `code`.
    pub fn subfield(&self, code: char) -> Option<&str> {
        self.subfield_values(code).next()
    }

    /// The values of all subfields with `code`, in order.
    pub fn subfield_values(&self, code: char) -> impl Iterator<Item = &str> + use<'_> {
        self.subfields
            .iter()
            .filter(move |s| s.code.as_char() == code)
            .map(|s| s.value.as_str())
    }
}

/// A variable field: control or data.
///
/// The kind is kept separately from the tag so that non-MARC 21 tags (e.g. a
/// local `FMT` control field in MARCXML) survive round trips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// A control field.
    Control(ControlField),
    /// A data field.
    Data(DataField),
}

impl Field {
    /// The field's tag.
    pub fn tag(&self) -> Tag {
        match self {
            Field::Control(f) => f.tag,
            Field::Data(f) => f.tag,
        }
    }

    /// The control field, if this is one.
    pub fn as_control(&self) -> Option<&ControlField> {
        match self {
            Field::Control(f) => Some(f),
            Field::Data(_) => None,
        }
    }

    /// The data field, if this is one.
    pub fn as_data(&self) -> Option<&DataField> {
        match self {
            Field::Data(f) => Some(f),
            Field::Control(_) => None,
        }
    }
}

impl From<ControlField> for Field {
    fn from(f: ControlField) -> Field {
        Field::Control(f)
    }
}

impl From<DataField> for Field {
    fn from(f: DataField) -> Field {
        Field::Data(f)
    }
}

/// A MARC 21 record: a leader and fields in record order.
///
/// All text is Unicode (`String`); readers convert MARC-8 on the way in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record {
    /// The leader.
    pub leader: Leader,
    /// Control and data fields in record order.
    pub fields: Vec<Field>,
}

impl Record {
    /// An empty record with `leader`.
    pub fn new(leader: Leader) -> Record {
        Record {
            leader,
            fields: Vec::new(),
        }
    }

    /// All fields with `tag`, in record order (none if `tag` is not a
    /// three-character tag).
    pub fn fields_with_tag<'a>(&'a self, tag: &str) -> impl Iterator<Item = &'a Field> + use<'a> {
        let key: Option<[u8; 3]> = tag.as_bytes().try_into().ok();
        self.fields
            .iter()
            .filter(move |f| key.as_ref() == Some(f.tag().as_bytes()))
    }

    /// The first field with `tag`.
    pub fn get(&self, tag: &str) -> Option<&Field> {
        self.fields_with_tag(tag).next()
    }

    /// The value of the first control field with `tag`.
    pub fn control(&self, tag: &str) -> Option<&str> {
        self.fields_with_tag(tag)
            .find_map(Field::as_control)
            .map(|f| f.value.as_str())
    }

    /// All data fields with `tag`, in record order.
    pub fn data_fields<'a>(&'a self, tag: &str) -> impl Iterator<Item = &'a DataField> + use<'a> {
        self.fields_with_tag(tag).filter_map(Field::as_data)
    }

    /// The first data field with `tag`.
    pub fn data_field(&self, tag: &str) -> Option<&DataField> {
        self.data_fields(tag).next()
    }

    /// The first `$code` value found in the data fields with `tag`.
    pub fn subfield(&self, tag: &str, code: char) -> Option<&str> {
        self.subfields(tag, code).next()
    }

    /// Every `$code` value in every data field with `tag`, in record order.
    pub fn subfields<'a>(
        &'a self,
        tag: &str,
        code: char,
    ) -> impl Iterator<Item = &'a str> + use<'a> {
        self.data_fields(tag)
            .flat_map(move |f| f.subfield_values(code))
    }

    /// Appends a field at the end.
    pub fn push(&mut self, field: impl Into<Field>) {
        self.fields.push(field.into());
    }

    /// Removes every field with `tag`; returns how many were removed.
    pub fn remove(&mut self, tag: &str) -> usize {
        let before = self.fields.len();
        self.fields.retain(|f| f.tag() != tag);
        before - self.fields.len()
    }

    /// Recomputes the leader positions the writers own: record length and
    /// base address (for this record written as UTF-8 ISO 2709, clamped to
    /// 99999), 09 = `a`, 10-11 = `22`, 20-23 = `4500`.
    ///
    /// Readers and [`crate::BibFields::to_record`] return records in this
    /// state; call it after editing fields if you compare records or show the
    /// leader.
    pub fn update_leader(&mut self) {
        crate::iso2709::normalize_leader(self);
    }

    /// Serialises to one ISO 2709 record (UTF-8, leader/09 = `a`).
    ///
    /// Fails if a value contains 0x1D/0x1E/0x1F or the record exceeds the
    /// ISO 2709 size limits; nothing is lost otherwise:
    /// `Record::from_iso2709(&r.to_iso2709()?)? == r` once
    /// [`Record::update_leader`] has been applied to `r`.
    pub fn to_iso2709(&self) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        crate::iso2709::encode_record(self, &mut out).map_err(Error::Invalid)?;
        Ok(out)
    }

    /// Parses exactly one ISO 2709 record (MARC-8 or UTF-8).
    ///
    /// Strict counterpart of [`Record::to_iso2709`] for stored records: fails
    /// if the bytes are not exactly one record (length must match, terminator
    /// required) or if the reader would have had to repair anything (any
    /// [`crate::Warning`] other than a non-standard tag, e.g. invalid UTF-8).
    pub fn from_iso2709(bytes: &[u8]) -> Result<Record, Error> {
        crate::iso2709::decode_exact(bytes).map_err(Error::Invalid)
    }
}

impl fmt::Display for Record {
    /// A line-per-field text view in MARCMaker style (`=245  10$aTitle`),
    /// with `\` for blank indicators. For humans; not a parseable format.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "=LDR  {}", self.leader)?;
        for field in &self.fields {
            match field {
                Field::Control(c) => writeln!(f, "={}  {}", c.tag, c.value)?,
                Field::Data(d) => {
                    let shown = |i: Indicator| match i.as_char() {
                        ' ' => '\\',
                        c => c,
                    };
                    write!(f, "={}  {}{}", d.tag, shown(d.ind1), shown(d.ind2))?;
                    for s in &d.subfields {
                        write!(f, "${}{}", s.code.as_char(), s.value)?;
                    }
                    writeln!(f)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_parse_and_classify() {
        assert!(Tag::parse("245").is_ok());
        assert!(Tag::parse("FMT").is_ok());
        assert!(Tag::parse("24").is_err());
        assert!(!Tag::parse("0 2").unwrap().is_standard());
        assert!(Tag::parse("24\u{1}").is_err());
        assert!(Tag::parse("2451").is_err());
        assert!(tag!(b"001").is_control_tag());
        assert!(!tag!(b"010").is_control_tag());
        assert_eq!(tag!(b"245"), "245");
    }

    #[test]
    fn leader_accessors_and_setters() {
        let mut l = Leader::parse("00714cam a2200205 a 4500").unwrap();
        assert_eq!(l.record_length(), Some(714));
        assert_eq!(l.base_address(), Some(205));
        assert_eq!(l.record_status(), 'c');
        assert_eq!(l.record_type(), 'a');
        assert_eq!(l.bibliographic_level(), 'm');
        assert_eq!(l.character_coding(), CharacterCoding::Unicode);
        l.set(9, ' ').unwrap();
        assert_eq!(l.character_coding(), CharacterCoding::Marc8);
        assert!(l.set(24, 'x').is_err());
        assert!(l.set(5, 'é').is_err());
        assert!(Leader::parse("short").is_err());
        l.set_number(0, 5, 123_456);
        assert_eq!(l.record_length(), Some(99_999));
    }

    #[test]
    fn indicators_and_codes_reject_non_ascii() {
        assert!(Indicator::new('1').is_ok());
        assert!(Indicator::new('\u{1f}').is_err());
        assert!(SubfieldCode::new('é').is_err());
        assert_eq!(code!(b'a').as_char(), 'a');
        assert_eq!(ind!(b' '), Indicator::BLANK);
    }
}

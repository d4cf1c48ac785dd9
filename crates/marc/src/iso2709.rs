//! ISO 2709 ("binary MARC") streaming reader and writer.
//!
//! # How the reader finds records
//!
//! The reader splits the stream at record terminators (0x1D), never holding
//! more than one record (at most [`MAX_CHUNK`] bytes) in memory. Each chunk is
//! checked against its leader:
//!
//! - Length matches: parsed normally.
//! - A complete record with a matching leader starts *inside* the chunk (the
//!   previous record was cut short, or garbage precedes a record): the bytes
//!   before it are reported as one bad record and the embedded record is
//!   returned.
//! - Length does not match but the directory is consistent: the record is
//!   returned with a [`WarningKind::LengthMismatch`] warning (a common fault
//!   in exports that counted characters instead of bytes).
//! - The input ends one byte short of the leader's length: the last record
//!   lacks only its terminator and is returned with
//!   [`WarningKind::MissingRecordTerminator`].
//! - Otherwise the chunk is reported and skipped.
//!
//! Blanks, CR/LF, NUL, DOS end-of-file (0x1A) and stray terminators between
//! records are skipped silently (e.g. pymarc's `bad_indicator.dat`, padded
//! with 821 spaces).
//!
//! # Encodings
//!
//! Leader/09 `a` is read as UTF-8; invalid sequences are replaced with U+FFFD
//! and reported as a warning by default, or rejected with
//! [`InvalidUtf8::Reject`]. Leader/09 blank is read as MARC-8 and converted
//! (see [`crate::marc8`]) unless the data is valid non-ASCII UTF-8 without
//! escapes — then it is read as UTF-8 with [`WarningKind::MislabelledUtf8`]
//! (real MARC-8 diacritics are practically never valid UTF-8). Returned
//! records are always Unicode with leader/09 = `a`.
//!
//! Tags `001`–`009` are read as control fields, all others as data fields.
//! Leader positions 10-11 and 20-23 are assumed to be `22` and `4500`
//! (MARC 21) and normalised so; lengths are recomputed (see [`Leader`]).

use std::collections::VecDeque;
use std::io::{self, BufRead, ErrorKind, Write};

use crate::error::{
    DirectoryProblem, Error, LeaderProblem, Position, Reason, Warning, WarningKind,
};
use crate::marc8;
use crate::record::{
    ControlField, DataField, Field, Indicator, Leader, Record, Subfield, SubfieldCode, Tag,
    parse_digits,
};

pub(crate) const RECORD_TERMINATOR: u8 = 0x1D;
pub(crate) const FIELD_TERMINATOR: u8 = 0x1E;
pub(crate) const SUBFIELD_DELIMITER: u8 = 0x1F;
const LEADER_LEN: usize = 24;
const ENTRY_LEN: usize = 12;
const MAX_RECORD_LEN: usize = 99_999;
const MAX_FIELD_LEN: usize = 9_999;

/// Most bytes the reader buffers while looking for a record terminator.
/// Larger than any legal record (99,999 bytes) so oversized sloppy records
/// can still be diagnosed; beyond it bytes are skipped up to the next 0x1D.
pub const MAX_CHUNK: usize = 1 << 20;

/// What to do with invalid UTF-8 in a record whose leader/09 is `a`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InvalidUtf8 {
    /// Replace bad sequences with U+FFFD and add a
    /// [`WarningKind::InvalidUtf8Replaced`] warning (default: the rest of the
    /// record is usually fine and worth importing).
    #[default]
    Replace,
    /// Report the record as an error ([`Reason::InvalidUtf8`]) and skip it.
    Reject,
}

/// Reader settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderOptions {
    /// Handling of invalid UTF-8 in UTF-8 records.
    pub invalid_utf8: InvalidUtf8,
    /// Read leader/09-blank records as UTF-8 when their data is valid
    /// non-ASCII UTF-8 without MARC-8 escapes (default `true`).
    pub detect_mislabelled_utf8: bool,
}

impl Default for ReaderOptions {
    fn default() -> Self {
        ReaderOptions {
            invalid_utf8: InvalidUtf8::Replace,
            detect_mislabelled_utf8: true,
        }
    }
}

type Parsed = Result<(Record, Vec<Warning>), Reason>;

/// One reader result waiting to be handed out.
struct Pending {
    position: Position,
    result: Parsed,
}

/// Streaming ISO 2709 reader: an iterator of `Result<Record, Error>`.
///
/// Bad records come out as [`Error::Record`] with their position, and reading
/// continues with the next record; an I/O error is yielded once and ends the
/// iteration. Warnings about the record just returned are available from
/// [`MarcReader::warnings`].
pub struct MarcReader<R> {
    inner: R,
    options: ReaderOptions,
    /// Bytes consumed from `inner`.
    offset: u64,
    next_index: u64,
    chunk: Vec<u8>,
    queue: VecDeque<Pending>,
    warnings: Vec<Warning>,
    position: Option<Position>,
    finished: bool,
}

/// A stretch of input between record terminators.
enum Chunk {
    /// The bytes are in the reader's `chunk` buffer.
    Bytes { start: u64, terminated: bool },
    /// Too long to buffer; skipped.
    Oversized { start: u64, skipped: u64 },
}

impl<R: BufRead> MarcReader<R> {
    /// A reader with default options.
    pub fn new(inner: R) -> Self {
        Self::with_options(inner, ReaderOptions::default())
    }

    /// A reader with `options`.
    pub fn with_options(inner: R, options: ReaderOptions) -> Self {
        MarcReader {
            inner,
            options,
            offset: 0,
            next_index: 0,
            chunk: Vec::new(),
            queue: VecDeque::new(),
            warnings: Vec::new(),
            position: None,
            finished: false,
        }
    }

    /// Warnings about the record returned by the last call to `next`
    /// (empty after an error or a clean record).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Position of the record (or bad record) returned by the last call to
    /// `next`.
    pub fn position(&self) -> Option<Position> {
        self.position
    }

    /// Bytes consumed from the underlying reader so far.
    pub fn bytes_read(&self) -> u64 {
        self.offset
    }

    /// The underlying reader.
    pub fn into_inner(self) -> R {
        self.inner
    }

    fn emit(&mut self, pending: Pending) -> Result<Record, Error> {
        self.position = Some(pending.position);
        self.warnings.clear();
        match pending.result {
            Ok((record, warnings)) => {
                self.warnings = warnings;
                Ok(record)
            }
            Err(reason) => Err(Error::Record {
                position: pending.position,
                reason,
            }),
        }
    }

    fn next_position(&mut self, offset: u64) -> Position {
        let position = Position {
            index: self.next_index,
            offset,
        };
        self.next_index += 1;
        position
    }

    /// Reads the next chunk into `self.chunk`; `None` at end of input.
    fn read_chunk(&mut self) -> io::Result<Option<Chunk>> {
        // Skip padding between records.
        loop {
            let available = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok(None);
            }
            let skip = available.iter().take_while(|&&b| is_padding(b)).count();
            let all = skip == available.len();
            self.inner.consume(skip);
            self.offset += skip as u64;
            if !all {
                break;
            }
        }
        let start = self.offset;
        self.chunk.clear();
        let mut skipped: u64 = 0;
        loop {
            let available = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok(Some(if skipped > 0 {
                    Chunk::Oversized { start, skipped }
                } else {
                    Chunk::Bytes {
                        start,
                        terminated: false,
                    }
                }));
            }
            let (take, terminated) = match available.iter().position(|&b| b == RECORD_TERMINATOR) {
                Some(i) => (i + 1, true),
                None => (available.len(), false),
            };
            if skipped == 0 && self.chunk.len() + take <= MAX_CHUNK {
                self.chunk.extend_from_slice(&available[..take]);
            } else {
                // Past the limit: stop buffering, just count until the terminator.
                skipped += (self.chunk.len() + take) as u64;
                self.chunk.clear();
            }
            self.inner.consume(take);
            self.offset += take as u64;
            if terminated {
                return Ok(Some(if skipped > 0 {
                    Chunk::Oversized { start, skipped }
                } else {
                    Chunk::Bytes {
                        start,
                        terminated: true,
                    }
                }));
            }
        }
    }

    /// Turns the buffered chunk into one or two queued results.
    fn split_chunk(&mut self, start: u64, terminated: bool) {
        let bytes = std::mem::take(&mut self.chunk);
        let declared = declared_length(&bytes);
        if terminated && declared == Some(bytes.len()) {
            let position = self.next_position(start);
            let result = parse_record(&bytes, &self.options);
            self.queue.push_back(Pending { position, result });
        } else if let Some((at, parsed)) = find_embedded_record(&bytes, terminated, &self.options) {
            let head = &bytes[..at];
            let reason = match declared_length(head) {
                Some(d) if d > head.len() => Reason::Truncated {
                    declared: Some(d),
                    available: head.len(),
                },
                Some(d) => Reason::LengthMismatch {
                    declared: d,
                    actual: head.len(),
                },
                None if head.len() < LEADER_LEN => Reason::Truncated {
                    declared: None,
                    available: head.len(),
                },
                None => Reason::BadLeader(LeaderProblem::RecordLengthNotNumeric),
            };
            let position = self.next_position(start);
            self.queue.push_back(Pending {
                position,
                result: Err(reason),
            });
            let position = self.next_position(start + at as u64);
            self.queue.push_back(Pending {
                position,
                result: Ok(parsed),
            });
        } else {
            let result = match declared {
                None => Err(Reason::BadLeader(LeaderProblem::RecordLengthNotNumeric)),
                // The last record of a file that lacks only its terminator.
                Some(d) if !terminated && d == bytes.len() + 1 => {
                    parse_record(&bytes, &self.options).map(|(record, mut warnings)| {
                        warnings.insert(
                            0,
                            Warning {
                                tag: None,
                                kind: WarningKind::MissingRecordTerminator,
                            },
                        );
                        (record, warnings)
                    })
                }
                Some(d) if !terminated => Err(Reason::Truncated {
                    declared: Some(d),
                    available: bytes.len(),
                }),
                Some(d) => match parse_record(&bytes, &self.options) {
                    Ok((record, mut warnings)) => {
                        warnings.insert(
                            0,
                            Warning {
                                tag: None,
                                kind: WarningKind::LengthMismatch {
                                    declared: d,
                                    actual: bytes.len(),
                                },
                            },
                        );
                        Ok((record, warnings))
                    }
                    Err(_) if d > bytes.len() => Err(Reason::Truncated {
                        declared: Some(d),
                        available: bytes.len(),
                    }),
                    Err(_) => Err(Reason::LengthMismatch {
                        declared: d,
                        actual: bytes.len(),
                    }),
                },
            };
            let position = self.next_position(start);
            self.queue.push_back(Pending { position, result });
        }
        self.chunk = bytes;
    }
}

impl<R: BufRead> Iterator for MarcReader<R> {
    type Item = Result<Record, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(pending) = self.queue.pop_front() {
            return Some(self.emit(pending));
        }
        if self.finished {
            return None;
        }
        match self.read_chunk() {
            Err(source) => {
                self.finished = true;
                self.warnings.clear();
                Some(Err(Error::Io {
                    offset: self.offset,
                    source,
                }))
            }
            Ok(None) => {
                self.finished = true;
                self.warnings.clear();
                None
            }
            Ok(Some(Chunk::Oversized { start, skipped })) => {
                let position = self.next_position(start);
                Some(self.emit(Pending {
                    position,
                    result: Err(Reason::Oversized {
                        limit: MAX_CHUNK,
                        skipped,
                    }),
                }))
            }
            Ok(Some(Chunk::Bytes { start, terminated })) => {
                self.split_chunk(start, terminated);
                let pending = self.queue.pop_front()?;
                Some(self.emit(pending))
            }
        }
    }
}

/// Bytes tolerated between records.
fn is_padding(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\r' | b'\n' | 0x00 | 0x1A | RECORD_TERMINATOR
    )
}

/// Leader/00-04 as a number, if the bytes start with five digits.
fn declared_length(bytes: &[u8]) -> Option<usize> {
    parse_digits(bytes.get(..5)?)
}

/// Finds the first position after 0 where a complete, parseable record whose
/// leader length reaches exactly to the end of the chunk begins.
fn find_embedded_record(
    bytes: &[u8],
    terminated: bool,
    options: &ReaderOptions,
) -> Option<(usize, (Record, Vec<Warning>))> {
    if !terminated {
        return None;
    }
    (1..bytes.len().saturating_sub(LEADER_LEN)).find_map(|at| {
        let rest = &bytes[at..];
        if declared_length(rest) != Some(rest.len()) {
            return None;
        }
        parse_record(rest, options).ok().map(|parsed| (at, parsed))
    })
}

/// Parses one record whose bytes end with the record terminator (the leader
/// length is not checked here; callers decide how to treat a mismatch).
fn parse_record(bytes: &[u8], options: &ReaderOptions) -> Parsed {
    if bytes.len() < LEADER_LEN + 2 {
        return Err(Reason::Truncated {
            declared: declared_length(bytes),
            available: bytes.len(),
        });
    }
    let leader = Leader::from_bytes(&bytes[..LEADER_LEN])
        .ok_or(Reason::BadLeader(LeaderProblem::NotPrintableAscii))?;
    let base = leader
        .base_address()
        .ok_or(Reason::BadLeader(LeaderProblem::BaseAddressNotNumeric))?;
    let end = match bytes.last() {
        Some(&RECORD_TERMINATOR) => bytes.len() - 1,
        _ => bytes.len(),
    };
    let bad = |problem| Err(Reason::BadDirectory(problem));
    if base <= LEADER_LEN || base > end {
        return bad(DirectoryProblem::BaseAddressOutOfRange {
            base,
            record_length: bytes.len(),
        });
    }
    if bytes[base - 1] != FIELD_TERMINATOR {
        return bad(DirectoryProblem::NotTerminated);
    }
    let directory = &bytes[LEADER_LEN..base - 1];
    if directory.len() % ENTRY_LEN != 0 {
        return bad(DirectoryProblem::NotMultipleOf12 {
            length: directory.len(),
        });
    }
    let data = &bytes[base..end];

    let mut warnings = Vec::new();
    let coding = choose_coding(&leader, data, options, &mut warnings);
    let mut fields = Vec::with_capacity(directory.len() / ENTRY_LEN);
    for (n, entry) in directory.chunks_exact(ENTRY_LEN).enumerate() {
        let Some(tag) = Tag::from_bytes([entry[0], entry[1], entry[2]]) else {
            return bad(DirectoryProblem::InvalidTag { entry: n });
        };
        if !tag.is_standard() {
            warnings.push(Warning {
                tag: Some(tag),
                kind: WarningKind::NonStandardTag,
            });
        }
        let (Some(len), Some(start)) = (parse_digits(&entry[3..7]), parse_digits(&entry[7..12]))
        else {
            return bad(DirectoryProblem::NotNumeric { entry: n, tag });
        };
        let Some(field) = start
            .checked_add(len)
            .and_then(|stop| data.get(start..stop))
        else {
            return bad(DirectoryProblem::FieldOutOfBounds {
                tag,
                start,
                length: len,
            });
        };
        let Some((&FIELD_TERMINATOR, content)) = field.split_last() else {
            return bad(DirectoryProblem::FieldNotTerminated { tag });
        };
        let field = if tag.is_control_tag() {
            let value = coding.decode_control(tag, content, options, &mut warnings)?;
            Field::Control(ControlField { tag, value })
        } else {
            Field::Data(parse_data_field(
                tag,
                content,
                coding,
                options,
                &mut warnings,
            )?)
        };
        fields.push(field);
    }
    let mut record = Record { leader, fields };
    normalize_leader(&mut record);
    Ok((record, warnings))
}

/// How a record's text is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Utf8,
    Marc8,
}

fn choose_coding(
    leader: &Leader,
    data: &[u8],
    options: &ReaderOptions,
    warnings: &mut Vec<Warning>,
) -> Coding {
    let valid_utf8 = || std::str::from_utf8(data).is_ok();
    match leader.as_bytes()[9] {
        b'a' => Coding::Utf8,
        b' ' => {
            if options.detect_mislabelled_utf8
                && !data.is_ascii()
                && !data.contains(&0x1B)
                && valid_utf8()
            {
                warnings.push(Warning {
                    tag: None,
                    kind: WarningKind::MislabelledUtf8,
                });
                Coding::Utf8
            } else {
                Coding::Marc8
            }
        }
        other => {
            warnings.push(Warning {
                tag: None,
                kind: WarningKind::UnknownCodingScheme(other as char),
            });
            if valid_utf8() {
                Coding::Utf8
            } else {
                Coding::Marc8
            }
        }
    }
}

impl Coding {
    fn decode_utf8(
        tag: Tag,
        bytes: &[u8],
        options: &ReaderOptions,
        warnings: &mut Vec<Warning>,
    ) -> Result<String, Reason> {
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(_) if options.invalid_utf8 == InvalidUtf8::Reject => {
                Err(Reason::InvalidUtf8 { tag })
            }
            Err(_) => {
                let warning = Warning {
                    tag: Some(tag),
                    kind: WarningKind::InvalidUtf8Replaced,
                };
                if !warnings.contains(&warning) {
                    warnings.push(warning);
                }
                Ok(String::from_utf8_lossy(bytes).into_owned())
            }
        }
    }

    fn decode_control(
        self,
        tag: Tag,
        bytes: &[u8],
        options: &ReaderOptions,
        warnings: &mut Vec<Warning>,
    ) -> Result<String, Reason> {
        match self {
            Coding::Utf8 => Coding::decode_utf8(tag, bytes, options, warnings),
            Coding::Marc8 => {
                let mut decoder = marc8::Decoder::default();
                let value = decoder.decode_segment(bytes);
                push_marc8_issues(tag, &mut decoder, warnings);
                Ok(value)
            }
        }
    }
}

fn push_marc8_issues(tag: Tag, decoder: &mut marc8::Decoder, warnings: &mut Vec<Warning>) {
    warnings.extend(
        decoder
            .take_issues()
            .into_kinds()
            .into_iter()
            .map(|kind| Warning {
                tag: Some(tag),
                kind,
            }),
    );
}

fn parse_data_field(
    tag: Tag,
    content: &[u8],
    coding: Coding,
    options: &ReaderOptions,
    warnings: &mut Vec<Warning>,
) -> Result<DataField, Reason> {
    let first_delimiter = content
        .iter()
        .position(|&b| b == SUBFIELD_DELIMITER)
        .unwrap_or(content.len());
    let head = &content[..first_delimiter];
    let indicator = |b: u8| Indicator::from_byte(b).ok_or(Reason::BadIndicator { tag, byte: b });
    let (ind1, ind2) = match *head {
        [] => (Indicator::BLANK, Indicator::BLANK),
        [a] => (indicator(a)?, Indicator::BLANK),
        [a, b, ..] => (indicator(a)?, indicator(b)?),
    };
    if head.len() < 2 {
        warnings.push(Warning {
            tag: Some(tag),
            kind: WarningKind::MissingIndicators,
        });
    } else if head.len() > 2 {
        warnings.push(Warning {
            tag: Some(tag),
            kind: WarningKind::DataBeforeFirstSubfield {
                bytes: head.len() - 2,
            },
        });
    }

    let mut field = DataField::new(tag, ind1, ind2);
    // MARC-8 escape designations carry over between the subfields of a field.
    let mut decoder = (coding == Coding::Marc8).then(marc8::Decoder::default);
    let mut empty_subfield = false;
    for piece in content[first_delimiter..]
        .split(|&b| b == SUBFIELD_DELIMITER)
        .skip(1)
    {
        let Some((&code_byte, value)) = piece.split_first() else {
            empty_subfield = true;
            continue;
        };
        let Some(code) = SubfieldCode::from_byte(code_byte) else {
            // Keep the text: without a usable code it can only extend the
            // previous subfield.
            warnings.push(Warning {
                tag: Some(tag),
                kind: WarningKind::BadSubfieldCode { byte: code_byte },
            });
            let text = match decoder.as_mut() {
                Some(decoder) => decoder.decode_segment(piece),
                None => Coding::decode_utf8(tag, piece, options, warnings)?,
            };
            if let Some(previous) = field.subfields.last_mut() {
                previous.value.push_str(&text);
            }
            continue;
        };
        let value = match decoder.as_mut() {
            Some(decoder) => decoder.decode_segment(value),
            None => Coding::decode_utf8(tag, value, options, warnings)?,
        };
        field.subfields.push(Subfield { code, value });
    }
    if empty_subfield {
        warnings.push(Warning {
            tag: Some(tag),
            kind: WarningKind::EmptySubfield,
        });
    }
    if let Some(decoder) = decoder.as_mut() {
        push_marc8_issues(tag, decoder, warnings);
    }
    Ok(field)
}

/// Encoded size of a field in bytes, including its field terminator.
fn field_len(field: &Field) -> usize {
    match field {
        Field::Control(f) => f.value.len() + 1,
        Field::Data(f) => 2 + f.subfields.iter().map(|s| 2 + s.value.len()).sum::<usize>() + 1,
    }
}

/// Record length and base address of `record` written as UTF-8 ISO 2709.
fn encoded_lengths(record: &Record) -> (usize, usize) {
    let base = LEADER_LEN + ENTRY_LEN * record.fields.len() + 1;
    let data: usize = record.fields.iter().map(field_len).sum();
    (base + data + 1, base)
}

/// Sets the leader positions this crate owns: lengths (as this crate would
/// write the record, clamped to 99999), 09 = `a`, 10-11 = `22`,
/// 20-23 = `4500`.
pub(crate) fn normalize_leader(record: &mut Record) {
    record.leader = normalized_leader(record);
}

/// The leader `record` gets when written (see [`normalize_leader`]).
pub(crate) fn normalized_leader(record: &Record) -> Leader {
    let (length, base) = encoded_lengths(record);
    let mut leader = record.leader;
    stamp_leader(&mut leader, length, base);
    leader
}

fn stamp_leader(leader: &mut Leader, length: usize, base: usize) {
    leader.set_number(0, 5, length);
    leader.set_ascii(9, b'a');
    leader.set_ascii(10, b'2');
    leader.set_ascii(11, b'2');
    leader.set_number(12, 5, base);
    leader.set_number(20, 4, 4500);
}

/// Appends `record` as one UTF-8 ISO 2709 record to `out`. On error nothing
/// is appended.
pub(crate) fn encode_record(record: &Record, out: &mut Vec<u8>) -> Result<(), Reason> {
    let (length, base) = encoded_lengths(record);
    if length > MAX_RECORD_LEN {
        return Err(Reason::RecordTooLong { length });
    }
    let check = |tag: Tag, value: &str| {
        if value
            .bytes()
            .any(|b| matches!(b, RECORD_TERMINATOR | FIELD_TERMINATOR | SUBFIELD_DELIMITER))
        {
            Err(Reason::DelimiterInData { tag })
        } else {
            Ok(())
        }
    };
    for field in &record.fields {
        let len = field_len(field);
        if len > MAX_FIELD_LEN {
            return Err(Reason::FieldTooLong {
                tag: field.tag(),
                length: len,
            });
        }
        match field {
            Field::Control(f) => check(f.tag, &f.value)?,
            Field::Data(f) => {
                for s in &f.subfields {
                    check(f.tag, &s.value)?;
                }
            }
        }
    }

    let mut leader = record.leader;
    stamp_leader(&mut leader, length, base);
    out.reserve(length);
    out.extend_from_slice(leader.as_bytes());
    let mut start = 0usize;
    for field in &record.fields {
        let len = field_len(field);
        out.extend_from_slice(field.tag().as_bytes());
        out.extend_from_slice(format!("{len:04}{start:05}").as_bytes());
        start += len;
    }
    out.push(FIELD_TERMINATOR);
    for field in &record.fields {
        match field {
            Field::Control(f) => out.extend_from_slice(f.value.as_bytes()),
            Field::Data(f) => {
                out.push(f.ind1.as_byte());
                out.push(f.ind2.as_byte());
                for s in &f.subfields {
                    out.push(SUBFIELD_DELIMITER);
                    out.push(s.code.as_byte());
                    out.extend_from_slice(s.value.as_bytes());
                }
            }
        }
        out.push(FIELD_TERMINATOR);
    }
    out.push(RECORD_TERMINATOR);
    Ok(())
}

/// Strictly decodes exactly one record (see [`Record::from_iso2709`]).
pub(crate) fn decode_exact(bytes: &[u8]) -> Result<Record, Reason> {
    let declared =
        declared_length(bytes).ok_or(Reason::BadLeader(LeaderProblem::RecordLengthNotNumeric))?;
    if bytes.last() != Some(&RECORD_TERMINATOR) {
        return Err(Reason::Truncated {
            declared: Some(declared),
            available: bytes.len(),
        });
    }
    if declared != bytes.len() {
        return Err(Reason::LengthMismatch {
            declared,
            actual: bytes.len(),
        });
    }
    let options = ReaderOptions {
        invalid_utf8: InvalidUtf8::Reject,
        detect_mislabelled_utf8: false,
    };
    let (record, warnings) = parse_record(bytes, &options)?;
    // A non-standard tag is kept as it is, so it is not a repair.
    match warnings
        .into_iter()
        .find(|w| w.kind != WarningKind::NonStandardTag)
    {
        Some(warning) => Err(Reason::Unclean(warning)),
        None => Ok(record),
    }
}

/// Streaming ISO 2709 writer (UTF-8, leader/09 = `a`).
///
/// Each record is encoded completely before any byte is written, so a record
/// rejected with [`Error::Record`] leaves the output untouched and the writer
/// usable.
pub struct MarcWriter<W: Write> {
    inner: W,
    buf: Vec<u8>,
    written: u64,
    count: u64,
}

impl<W: Write> MarcWriter<W> {
    /// A writer over `inner`.
    pub fn new(inner: W) -> Self {
        MarcWriter {
            inner,
            buf: Vec::new(),
            written: 0,
            count: 0,
        }
    }

    /// Writes one record. Fails with [`Error::Record`] (nothing written) if it
    /// cannot be encoded, or [`Error::Io`] if the output fails.
    pub fn write(&mut self, record: &Record) -> Result<(), Error> {
        self.buf.clear();
        let position = Position {
            index: self.count,
            offset: self.written,
        };
        encode_record(record, &mut self.buf)
            .map_err(|reason| Error::Record { position, reason })?;
        self.inner
            .write_all(&self.buf)
            .map_err(|source| Error::Io {
                offset: self.written,
                source,
            })?;
        self.written += self.buf.len() as u64;
        self.count += 1;
        Ok(())
    }

    /// Records written so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> Result<(), Error> {
        self.inner.flush().map_err(|source| Error::Io {
            offset: self.written,
            source,
        })
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(mut self) -> Result<W, Error> {
        self.flush()?;
        Ok(self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{code, ind, tag};

    fn sample() -> Record {
        let mut r = Record::default();
        r.push(ControlField {
            tag: tag!(b"001"),
            value: "abc".into(),
        });
        r.push(
            DataField::new(tag!(b"245"), ind!(b'1'), ind!(b'0'))
                .with(code!(b'a'), "Judul :")
                .with(code!(b'b'), "anak judul"),
        );
        r
    }

    #[test]
    fn encode_layout_is_correct() {
        let bytes = sample().to_iso2709().unwrap();
        // leader + 2 entries + FT = 49; "abc"+FT = 4; "10"+2+7+2+10+FT = 24.
        assert_eq!(&bytes[..5], b"00078");
        assert_eq!(&bytes[12..17], b"00049");
        assert_eq!(&bytes[24..48], b"001000400000245002400004");
        assert_eq!(bytes.len(), 78);
        assert_eq!(bytes.last(), Some(&RECORD_TERMINATOR));
    }

    #[test]
    fn delimiter_in_value_is_rejected() {
        let mut r = sample();
        r.push(
            DataField::new(tag!(b"500"), Indicator::BLANK, Indicator::BLANK)
                .with(code!(b'a'), "x\u{1f}y"),
        );
        assert_eq!(
            r.to_iso2709().unwrap_err().reason(),
            Some(&Reason::DelimiterInData { tag: tag!(b"500") })
        );
    }

    #[test]
    fn exact_round_trip() {
        let r = sample();
        let back = Record::from_iso2709(&r.to_iso2709().unwrap()).unwrap();
        assert_eq!(back.fields, r.fields);
        assert_eq!(back.to_iso2709().unwrap(), r.to_iso2709().unwrap());
    }
}

//! ISO 2709 reading, writing, error recovery and streaming, on the real
//! samples in tests/data.

mod common;

use std::cell::Cell;
use std::io::{self, BufReader, Read};
use std::rc::Rc;

use common::*;
use lentera_marc::iso2709::MAX_CHUNK;
use lentera_marc::{
    CharacterCoding, ControlField, DataField, DirectoryProblem, Error, Indicator, InvalidUtf8,
    LeaderProblem, MarcReader, MarcWriter, Position, ReaderOptions, Reason, Record, SubfieldCode,
    Tag, WarningKind,
};

/// The records of a well-formed file, each with its terminator.
fn split_records(bytes: &[u8]) -> Vec<&[u8]> {
    bytes
        .split_inclusive(|&b| b == 0x1D)
        .filter(|r| r.ends_with(&[0x1D]))
        .collect()
}

fn write_all(records: &[Record]) -> Vec<u8> {
    let mut writer = MarcWriter::new(Vec::new());
    for r in records {
        writer.write(r).unwrap();
    }
    assert_eq!(writer.count(), records.len() as u64);
    writer.into_inner().unwrap()
}

fn position(index: u64, offset: usize) -> Option<Position> {
    Some(Position {
        index,
        offset: offset as u64,
    })
}

#[test]
fn every_sample_has_the_documented_record_count() {
    for (path, count) in ISO_SAMPLES {
        let results = read_iso_all(path);
        assert_eq!(results.len(), *count, "{path}");
        for (i, (r, _)) in results.iter().enumerate() {
            assert!(r.is_ok(), "{path} record {i}: {:?}", r.as_ref().err());
        }
    }
}

#[test]
fn summerland_fields() {
    let records = read_iso("marc4j/summerland.mrc");
    let r = &records[0];
    assert_eq!(r.leader.as_str(), "00714cam a2200205 a 4500");
    assert_eq!(r.leader.record_status(), 'c');
    assert_eq!(r.leader.record_type(), 'a');
    assert_eq!(r.leader.bibliographic_level(), 'm');
    assert_eq!(r.leader.character_coding(), CharacterCoding::Unicode);
    assert_eq!(r.control("001"), Some("12883376"));
    assert_eq!(
        r.control("008"),
        Some("020805s2002    nyu    j      000 1 eng  ")
    );
    let title = r.data_field("245").unwrap();
    assert_eq!((title.ind1.as_char(), title.ind2.as_char()), ('1', '0'));
    assert_eq!(title.subfield('a'), Some("Summerland /"));
    assert_eq!(r.subfield("245", 'c'), Some("Michael Chabon."));
    assert_eq!(
        r.subfields("020", 'a').collect::<Vec<_>>(),
        ["0786808772", "0786816155 (pbk.)"]
    );
    assert_eq!(
        r.subfields("650", 'v').collect::<Vec<_>>(),
        ["Fiction.", "Fiction."]
    );
    assert_eq!(r.data_fields("650").count(), 3);
    assert!(r.get("999").is_none());
    assert!(r.subfield("245", 'z').is_none());
}

#[test]
fn other_samples_known_values() {
    let pride = read_iso("marc4j/pride-and-prejudice-fixed.mrc");
    assert_eq!(pride[0].control("001"), Some("UkOxUb10768856"));
    assert_eq!(
        pride[0].subfield("245", 'a'),
        Some("Complete novels of Jane Austen")
    );
    let marc = read_iso("pymarc/marc.dat");
    assert_eq!(
        marc[0].subfield("245", 'a'),
        Some("The pragmatic programmer :")
    );
    assert_eq!(marc[0].subfield("100", 'a'), Some("Hunt, Andrew,"));
    let test = read_iso("pymarc/test.dat");
    assert_eq!(test[0].control("001"), Some("fol05731351 "));
    assert_eq!(
        test[0].subfield("245", 'a'),
        Some("ActivePerl with ASP and ADO /")
    );
    let regression = read_iso("pymarc/regression45.dat");
    assert_eq!(
        regression[0].subfield("100", 'a'),
        // This file is in NFD, and UTF-8 input is passed through unchanged.
        Some("Prokudin-Gorskii\u{306}, Sergei\u{306} Mikhai\u{306}lovich,")
    );
}

#[test]
fn bad_indicator_dat_reads_despite_missing_indicators_and_padding() {
    // 1,159-byte record followed by 821 spaces; its first field has tag "0 2"
    // and no indicators.
    let all = read_iso_all("pymarc/bad_indicator.dat");
    assert_eq!(all.len(), 1);
    let (record, warnings) = &all[0];
    let record = record.as_ref().unwrap();
    let first = record.fields[0].as_data().unwrap();
    assert_eq!(first.tag, "0 2");
    assert_eq!(
        (first.ind1, first.ind2),
        (Indicator::BLANK, Indicator::BLANK)
    );
    assert_eq!(first.subfield('a'), Some("9780253325525 (alk. paper)"));
    let kinds: Vec<_> = warnings.iter().map(|w| &w.kind).collect();
    assert_eq!(
        kinds,
        [
            &WarningKind::NonStandardTag,
            &WarningKind::MissingIndicators
        ]
    );
    assert_eq!(record.subfield("245", 'a'), Some("Aristocrats of color :"));
}

#[test]
fn regression45_extra_indicator_byte_is_dropped_with_a_warning() {
    let all = read_iso_all("pymarc/regression45.dat");
    let (record, warnings) = &all[0];
    let record = record.as_ref().unwrap();
    let f752 = record.data_field("752").unwrap();
    assert_eq!(f752.subfield('a'), Some("Russian Federation"));
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].tag.unwrap(), "752");
    assert_eq!(
        warnings[0].kind,
        WarningKind::DataBeforeFirstSubfield { bytes: 1 }
    );
}

#[test]
fn utf8_invalid_mrc_keeps_the_text_after_a_non_ascii_subfield_code() {
    let all = read_iso_all("pymarc/utf8_invalid.mrc");
    let (record, warnings) = &all[0];
    let record = record.as_ref().unwrap();
    assert_eq!(
        record.subfield("260", 'a'),
        Some("[Washington, D.C.:\u{FFFD}bAssociation of Teacher Educators]")
    );
    assert_eq!(record.subfield("260", 'c'), Some("1994."));
    assert_eq!(
        warnings[0].kind,
        WarningKind::BadSubfieldCode { byte: 0xEF }
    );
}

/// summerland.mrc with its title's first byte replaced by 0xFF.
fn summerland_with_invalid_utf8() -> Vec<u8> {
    let mut bytes = bytes("marc4j/summerland.mrc");
    let at = bytes.windows(10).position(|w| w == b"Summerland").unwrap();
    bytes[at] = 0xFF;
    bytes
}

#[test]
fn invalid_utf8_is_replaced_by_default() {
    let bytes = summerland_with_invalid_utf8();
    let mut reader = MarcReader::new(&bytes[..]);
    let record = reader.next().unwrap().unwrap();
    assert_eq!(record.subfield("245", 'a'), Some("\u{FFFD}ummerland /"));
    assert_eq!(reader.warnings().len(), 1);
    assert_eq!(reader.warnings()[0].tag.unwrap(), "245");
    assert_eq!(reader.warnings()[0].kind, WarningKind::InvalidUtf8Replaced);
}

#[test]
fn invalid_utf8_can_be_rejected_and_reading_continues() {
    let mut input = summerland_with_invalid_utf8();
    let bad_len = input.len();
    input.extend_from_slice(&bytes("marc4j/summerland.mrc"));
    let options = ReaderOptions {
        invalid_utf8: InvalidUtf8::Reject,
        ..ReaderOptions::default()
    };
    let results: Vec<_> = MarcReader::with_options(&input[..], options).collect();
    assert_eq!(results.len(), 2);
    let err = results[0].as_ref().unwrap_err();
    assert_eq!(err.position(), position(0, 0));
    assert_eq!(
        err.reason(),
        Some(&Reason::InvalidUtf8 {
            tag: Tag::parse("245").unwrap()
        })
    );
    assert!(!err.is_fatal());
    assert_eq!(
        results[1].as_ref().unwrap(),
        &read_iso("marc4j/summerland.mrc")[0]
    );
    // Position of the good record is its real offset.
    let mut reader = MarcReader::with_options(&input[..], options);
    reader.next();
    reader.next();
    assert_eq!(reader.position(), position(1, bad_len));
}

#[test]
fn record_cut_in_half_is_reported_and_its_neighbours_survive() {
    let original = bytes("evergreen/lul_fre_100.mrc");
    let good = read_iso("evergreen/lul_fre_100.mrc");
    let mut input = Vec::new();
    let mut offsets = Vec::new();
    let mut cut_len = 0;
    for (i, r) in split_records(&original).into_iter().enumerate() {
        offsets.push(input.len());
        if i == 40 {
            cut_len = r.len() / 2;
            input.extend_from_slice(&r[..cut_len]);
        } else {
            input.extend_from_slice(r);
        }
    }
    let results = read_iso_bytes(&input);
    assert_eq!(results.len(), 100);
    let err = results[40].as_ref().unwrap_err();
    assert_eq!(err.position(), position(40, offsets[40]));
    assert!(
        matches!(err.reason(), Some(Reason::Truncated { declared: Some(d), available })
            if *available == cut_len && *d > cut_len),
        "{err}"
    );
    for (i, r) in results.iter().enumerate().filter(|(i, _)| *i != 40) {
        assert_eq!(r.as_ref().unwrap(), &good[i], "record {i}");
    }
    // The record after the cut starts where the cut record's bytes end.
    let mut reader = MarcReader::new(&input[..]);
    for _ in 0..=41 {
        reader.next();
    }
    assert_eq!(reader.position(), position(41, offsets[41]));
}

#[test]
fn non_numeric_record_length_is_a_bad_leader() {
    let original = bytes("pymarc/marc.dat");
    let good = read_iso("pymarc/marc.dat");
    let offsets: Vec<usize> = split_records(&original)
        .iter()
        .scan(0, |acc, r| {
            let at = *acc;
            *acc += r.len();
            Some(at)
        })
        .collect();
    let mut input = original.clone();
    input[offsets[7]..offsets[7] + 5].copy_from_slice(b"0x06a");
    let results = read_iso_bytes(&input);
    assert_eq!(results.len(), 20);
    let err = results[7].as_ref().unwrap_err();
    assert_eq!(err.position(), position(7, offsets[7]));
    assert_eq!(
        err.reason(),
        Some(&Reason::BadLeader(LeaderProblem::RecordLengthNotNumeric))
    );
    for (i, r) in results.iter().enumerate().filter(|(i, _)| *i != 7) {
        assert_eq!(r.as_ref().unwrap(), &good[i]);
    }
}

#[test]
fn wrong_record_length_is_repaired_with_a_warning() {
    let original = bytes("pymarc/marc.dat");
    let good = read_iso("pymarc/marc.dat");
    let first_len = split_records(&original)[0].len();
    let mut input = original.clone();
    input[..5].copy_from_slice(format!("{:05}", first_len + 10).as_bytes());
    let mut reader = MarcReader::new(&input[..]);
    assert_eq!(reader.next().unwrap().unwrap(), good[0]);
    assert_eq!(
        reader.warnings()[0].kind,
        WarningKind::LengthMismatch {
            declared: first_len + 10,
            actual: first_len
        }
    );
    assert_eq!(reader.count(), 19);
}

#[test]
fn broken_directory_is_reported() {
    let original = bytes("pymarc/marc.dat");
    let records = split_records(&original);
    let mut input = Vec::new();
    let mut offset_2 = 0;
    for (i, r) in records.iter().enumerate() {
        if i == 2 {
            offset_2 = input.len();
            let mut r = r.to_vec();
            // First directory entry's starting position now points far away.
            r[24 + 7..24 + 12].copy_from_slice(b"90000");
            input.extend_from_slice(&r);
        } else {
            input.extend_from_slice(r);
        }
    }
    let results = read_iso_bytes(&input);
    assert_eq!(results.len(), 20);
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.position(), position(2, offset_2));
    assert!(
        matches!(
            err.reason(),
            Some(Reason::BadDirectory(DirectoryProblem::FieldOutOfBounds {
                start: 90_000,
                ..
            }))
        ),
        "{err}"
    );
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 19);
}

#[test]
fn garbage_after_the_last_record_is_reported() {
    let mut input = bytes("marc4j/summerland.mrc");
    let end = input.len();
    input.extend_from_slice(b"\r\n  GARBAGE \x00\xFF\xFE not marc");
    let results = read_iso_bytes(&input);
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    let err = results[1].as_ref().unwrap_err();
    // The padding (CR, LF, blanks) before the garbage is skipped.
    assert_eq!(err.position(), position(1, end + 4));
    assert_eq!(
        err.reason(),
        Some(&Reason::BadLeader(LeaderProblem::RecordLengthNotNumeric))
    );
}

#[test]
fn trailing_padding_alone_is_not_an_error() {
    let mut input = bytes("marc4j/summerland.mrc");
    input.extend_from_slice(b"\n\r\n   \x00\x1A\x1D");
    let results = read_iso_bytes(&input);
    assert_eq!(results.len(), 1);
    assert!(results[0].is_ok());
}

#[test]
fn garbage_between_records_is_reported_and_skipped() {
    let original = bytes("pymarc/test.dat");
    let good = read_iso("pymarc/test.dat");
    let records = split_records(&original);
    let mut input = Vec::new();
    let mut garbage_at = 0;
    let mut unterminated_at = 0;
    for (i, r) in records.iter().enumerate() {
        if i == 3 {
            // Terminated garbage: a bad record of its own.
            garbage_at = input.len();
            input.extend_from_slice(b"this is not a MARC record\x1D");
        }
        if i == 6 {
            // Unterminated garbage glued to the next record.
            unterminated_at = input.len();
            input.extend_from_slice(b"12345xyz");
        }
        input.extend_from_slice(r);
    }
    let results = read_iso_bytes(&input);
    assert_eq!(results.len(), 12);
    let e1 = results[3].as_ref().unwrap_err();
    assert_eq!(e1.position(), position(3, garbage_at));
    let e2 = results[7].as_ref().unwrap_err();
    assert_eq!(e2.position(), position(7, unterminated_at));
    let ok: Vec<&Record> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(ok, good.iter().collect::<Vec<_>>());
}

#[test]
fn input_truncated_at_end_of_file() {
    let original = bytes("pymarc/test.dat");
    let records = split_records(&original);
    let last_offset = original.len() - records[9].len();
    let input = &original[..original.len() - 100];
    let results = read_iso_bytes(input);
    assert_eq!(results.len(), 10);
    let err = results[9].as_ref().unwrap_err();
    assert_eq!(err.position(), position(9, last_offset));
    assert!(
        matches!(err.reason(), Some(Reason::Truncated { declared: Some(d), available })
            if *d == records[9].len() && *available == records[9].len() - 100),
        "{err}"
    );
}

#[test]
fn last_record_without_its_terminator_is_kept() {
    let original = bytes("pymarc/test.dat");
    let good = read_iso("pymarc/test.dat");
    let mut reader = MarcReader::new(&original[..original.len() - 1]);
    let records: Vec<Record> = reader.by_ref().take(9).map(|r| r.unwrap()).collect();
    assert_eq!(records, good[..9]);
    assert_eq!(reader.next().unwrap().unwrap(), good[9]);
    assert_eq!(
        reader.warnings()[0].kind,
        WarningKind::MissingRecordTerminator
    );
    assert!(reader.next().is_none());
}

#[test]
fn oversized_chunk_is_skipped_without_buffering_it() {
    let summerland = bytes("marc4j/summerland.mrc");
    let mut input = summerland.clone();
    input.extend(std::iter::repeat_n(b'x', MAX_CHUNK + 10));
    input.push(0x1D);
    input.extend_from_slice(&summerland);
    let results = read_iso_bytes(&input);
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[2].is_ok());
    let err = results[1].as_ref().unwrap_err();
    assert_eq!(err.position(), position(1, summerland.len()));
    assert_eq!(
        err.reason(),
        Some(&Reason::Oversized {
            limit: MAX_CHUNK,
            skipped: (MAX_CHUNK + 11) as u64
        })
    );
}

#[test]
fn non_ascii_indicator_is_a_bad_record() {
    let mut input = raw_record(b'a', &[("245", b"\xC3\xA9\x1FaJudul")]);
    input.extend_from_slice(&raw_record(b'a', &[("245", b"10\x1FaJudul")]));
    let results = read_iso_bytes(&input);
    assert_eq!(
        results[0].as_ref().unwrap_err().reason(),
        Some(&Reason::BadIndicator {
            tag: Tag::parse("245").unwrap(),
            byte: 0xC3
        })
    );
    assert_eq!(
        results[1].as_ref().unwrap().subfield("245", 'a'),
        Some("Judul")
    );
}

/// A reader that fails after `ok` bytes.
struct FailingReader {
    data: Vec<u8>,
    pos: usize,
    ok: usize,
}

impl Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.ok {
            return Err(io::Error::other("disk on fire"));
        }
        let n = buf.len().min(self.ok - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[test]
fn io_error_is_reported_once_and_ends_the_stream() {
    let data = bytes("pymarc/test.dat");
    let records = split_records(&data);
    let ok = records[0].len() + records[1].len() + 10;
    let reader = FailingReader {
        data: data.clone(),
        pos: 0,
        ok,
    };
    let results: Vec<_> = MarcReader::new(BufReader::with_capacity(64, reader)).collect();
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    match &results[2] {
        Err(e @ Error::Io { offset, .. }) => {
            assert!(e.is_fatal());
            assert_eq!(*offset as usize, ok);
        }
        other => panic!("expected an I/O error, got {other:?}"),
    }
}

#[test]
fn iso_read_write_read_is_identity_for_every_sample() {
    for (path, count) in ISO_SAMPLES {
        let records = read_iso(path);
        assert_eq!(records.len(), *count);
        let written = write_all(&records);
        let again: Vec<Record> = read_iso_bytes(&written)
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(again, records, "{path}");
        assert_eq!(write_all(&again), written, "{path}: re-encoding is stable");
        for r in &records {
            let stored = r.to_iso2709().unwrap();
            assert_eq!(&Record::from_iso2709(&stored).unwrap(), r, "{path}");
        }
    }
}

#[test]
fn clean_utf8_files_are_reproduced_byte_for_byte() {
    for path in [
        "marc4j/summerland.mrc",
        "marc4j/pride-and-prejudice-fixed.mrc",
        "marc4j/brkrtest_UTF8.mrc",
    ] {
        assert_eq!(write_all(&read_iso(path)), bytes(path), "{path}");
    }
}

#[test]
fn from_iso2709_is_strict() {
    let summerland = bytes("marc4j/summerland.mrc");
    assert!(Record::from_iso2709(&summerland).is_ok());
    let mut longer = summerland.clone();
    longer.push(b' ');
    assert!(matches!(
        Record::from_iso2709(&longer).unwrap_err().reason(),
        Some(Reason::Truncated { .. } | Reason::LengthMismatch { .. })
    ));
    assert!(Record::from_iso2709(&summerland[..700]).is_err());
    let repaired = bytes("pymarc/bad_indicator.dat");
    let first = split_records(&repaired)[0];
    assert!(matches!(
        Record::from_iso2709(first).unwrap_err().reason(),
        Some(Reason::Unclean(_))
    ));
    // Clean MARC-8 is fine: it is converted.
    let marc8 = bytes("pymarc/marc8.dat");
    let record = Record::from_iso2709(&marc8).unwrap();
    assert_eq!(record.leader.character_coding(), CharacterCoding::Unicode);
}

fn field(tag: &str, value: &str) -> DataField {
    DataField::new(Tag::parse(tag).unwrap(), Indicator::BLANK, Indicator::BLANK)
        .with(SubfieldCode::new('a').unwrap(), value)
}

#[test]
fn writer_rejects_unencodable_records_and_stays_usable() {
    let good = read_iso("marc4j/summerland.mrc").remove(0);
    let mut bad_delimiter = good.clone();
    bad_delimiter.push(field("500", "a\u{1e}b"));
    let mut too_long_field = good.clone();
    too_long_field.push(field("500", &"x".repeat(10_000)));
    let mut too_long_record = good.clone();
    for _ in 0..12 {
        too_long_record.push(field("500", &"x".repeat(9_000)));
    }
    let mut writer = MarcWriter::new(Vec::new());
    writer.write(&good).unwrap();
    let e = writer.write(&bad_delimiter).unwrap_err();
    assert_eq!(
        e.reason(),
        Some(&Reason::DelimiterInData {
            tag: Tag::parse("500").unwrap()
        })
    );
    assert_eq!(e.position(), position(1, 714));
    assert!(matches!(
        writer.write(&too_long_field).unwrap_err().reason(),
        Some(Reason::FieldTooLong { length: 10_005, .. })
    ));
    assert!(matches!(
        writer.write(&too_long_record).unwrap_err().reason(),
        Some(Reason::RecordTooLong { .. })
    ));
    writer.write(&good).unwrap();
    let out = writer.into_inner().unwrap();
    let back: Vec<Record> = read_iso_bytes(&out)
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(back, vec![good.clone(), good]);
}

#[test]
fn records_built_in_memory_get_correct_lengths() {
    let mut record = Record::default();
    record.push(ControlField {
        tag: Tag::parse("001").unwrap(),
        value: "x1".into(),
    });
    record.push(field("245", "Ikan tongkol"));
    let bytes = record.to_iso2709().unwrap();
    let leader = lentera_marc::Leader::from_bytes(&bytes[..24]).unwrap();
    assert_eq!(leader.record_length(), Some(bytes.len()));
    assert_eq!(leader.base_address(), Some(24 + 2 * 12 + 1));
    assert_eq!(&bytes[leader.base_address().unwrap() - 1], &0x1E);
}

/// Produces `total` small records on demand, counting how many it has made.
struct Generator {
    next: usize,
    total: usize,
    pending: Vec<u8>,
    pos: usize,
    produced: Rc<Cell<usize>>,
}

impl Read for Generator {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.pending.len() {
            if self.next == self.total {
                return Ok(0);
            }
            let mut r = Record::default();
            r.push(ControlField {
                tag: Tag::parse("001").unwrap(),
                value: format!("{:06}", self.next),
            });
            r.push(field("245", &format!("Buku nomor {}", self.next)));
            self.pending = r.to_iso2709().map_err(io::Error::other)?;
            self.pos = 0;
            self.next += 1;
            self.produced.set(self.next);
        }
        let n = buf.len().min(self.pending.len() - self.pos);
        buf[..n].copy_from_slice(&self.pending[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[test]
fn streams_100k_generated_records_without_buffering_them() {
    const TOTAL: usize = 100_000;
    let produced = Rc::new(Cell::new(0));
    let generator = Generator {
        next: 0,
        total: TOTAL,
        pending: Vec::new(),
        pos: 0,
        produced: Rc::clone(&produced),
    };
    let reader = MarcReader::new(BufReader::with_capacity(8 * 1024, generator));
    let mut count = 0;
    let mut max_ahead = 0;
    for (i, record) in reader.enumerate() {
        let record = record.unwrap();
        assert_eq!(record.control("001"), Some(format!("{i:06}").as_str()));
        count += 1;
        // The generator is never more than a buffer's worth ahead of the
        // reader: the input is consumed as a stream.
        max_ahead = max_ahead.max(produced.get() - count);
    }
    assert_eq!(count, TOTAL);
    assert!(max_ahead < 200, "reader ran {max_ahead} records ahead");
}

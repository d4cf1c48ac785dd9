//! MARCXML reading, writing, per-record errors and round trips.

mod common;

use std::io::{self, BufReader, Read};

use common::*;
use lentera_marc::{
    DataField, Indicator, LeaderProblem, MarcWriter, MarcXmlReader, MarcXmlWriter, Position,
    Reason, Record, SubfieldCode, Tag, XmlProblem,
};

fn xml_bytes(records: &[Record]) -> Vec<u8> {
    let mut writer = MarcXmlWriter::new(Vec::new());
    for r in records {
        writer.write(r).unwrap();
    }
    writer.finish().unwrap()
}

fn read_xml_bytes(bytes: &[u8]) -> Vec<Result<Record, lentera_marc::Error>> {
    MarcXmlReader::new(bytes).collect()
}

fn all_samples() -> Vec<(String, Vec<Record>)> {
    let mut out: Vec<(String, Vec<Record>)> = ISO_SAMPLES
        .iter()
        .map(|(p, _)| (p.to_string(), read_iso(p)))
        .collect();
    out.extend(
        XML_SAMPLES
            .iter()
            .map(|(p, _)| (p.to_string(), read_xml(p))),
    );
    out
}

#[test]
fn every_sample_has_the_documented_record_count() {
    for (path, count) in XML_SAMPLES {
        assert_eq!(read_xml(path).len(), *count, "{path}");
    }
}

#[test]
fn chabon_collection() {
    let records = read_xml("marc4j/chabon.xml");
    let kavalier = &records[0];
    assert_eq!(kavalier.control("001"), Some("11939876"));
    let title = kavalier.data_field("245").unwrap();
    assert_eq!((title.ind1.as_char(), title.ind2.as_char()), ('1', '4'));
    assert_eq!(
        title.subfield('a'),
        Some("The amazing adventures of Kavalier and Clay :")
    );
    assert_eq!(title.subfield('b'), Some("a novel /"));
    assert_eq!(kavalier.data_fields("650").count(), 5);
    assert_eq!(kavalier.subfield("651", 'a'), Some("New York (N.Y.)"));
    assert_eq!(records[1].subfield("245", 'a'), Some("Summerland /"));
}

#[test]
fn namespace_prefixed_collection_with_crlf() {
    let records = read_xml("pymarc/batch.xml");
    // Lengths are recomputed; every other leader position is as in the file.
    assert_eq!(records[0].leader.as_str()[5..12], *"njm a22");
    assert_eq!(records[0].leader.as_str()[17..], *"7a 4500");
    assert_eq!(records[0].control("001"), Some("5637241"));
    assert_eq!(
        records[0].subfield("245", 'a'),
        Some("The Great Ray Charles")
    );
    assert_eq!(records[0].subfield("010", 'a'), Some("   91758335 "));
    for r in &records {
        for f in r.fields.iter().filter_map(|f| f.as_data()) {
            for s in &f.subfields {
                assert!(!s.value.contains('\r'), "{}: {:?}", f.tag, s.value);
            }
        }
    }
    let utf8 = read_xml("pymarc/utf8.xml");
    assert_eq!(utf8[0].subfield("505", 't'), Some("Préludes"));
    assert_eq!(utf8[0].control("001"), Some("ASP925318/clmu"));
}

#[test]
fn bare_records_without_root_or_namespace() {
    let records = read_xml("evergreen/serials_marc21.xml");
    assert_eq!(records.len(), 7);
    let first = &records[0];
    assert_eq!(first.control("001"), Some("21061"));
    assert_eq!(first.subfield("245", 'a'), Some("Circulation research"));
    // Entities are resolved.
    assert_eq!(first.subfield("260", 'b'), Some("Grune & Stratton."));
    assert_eq!(first.subfield("310", 'b'), Some("<1998->"));
}

#[test]
fn summerland_xml_equals_summerland_mrc() {
    assert_eq!(
        read_xml("marc4j/summerland.xml"),
        read_iso("marc4j/summerland.mrc")
    );
    assert_eq!(
        read_xml("marc4j/chabon.xml")[1],
        read_iso("marc4j/summerland.mrc")[0]
    );
}

#[test]
fn xml_write_read_is_identity_for_every_sample() {
    for (path, records) in all_samples() {
        let xml = xml_bytes(&records);
        let back: Vec<Record> = read_xml_bytes(&xml)
            .into_iter()
            .map(|r| r.unwrap_or_else(|e| panic!("{path}: {e}")))
            .collect();
        assert_eq!(back, records, "{path}");
        assert_eq!(xml_bytes(&back), xml, "{path}: stable output");
    }
}

#[test]
fn iso_to_xml_to_iso_is_identity() {
    for (path, _) in ISO_SAMPLES {
        let records = read_iso(path);
        let xml = xml_bytes(&records);
        let via_xml: Vec<Record> = read_xml_bytes(&xml)
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        let mut writer = MarcWriter::new(Vec::new());
        for r in &via_xml {
            writer.write(r).unwrap();
        }
        let iso = writer.into_inner().unwrap();
        let again: Vec<Record> = read_iso_bytes(&iso)
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(again, records, "{path}");
    }
}

fn offset_of(haystack: &str, needle: &str, nth: usize) -> u64 {
    haystack.match_indices(needle).nth(nth).unwrap().0 as u64
}

const GOOD: &str = r#"<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">ok</controlfield><datafield tag="245" ind1="0" ind2="0"><subfield code="a">Judul</subfield></datafield></record>"#;

#[test]
fn bad_records_are_reported_with_position_and_reading_continues() {
    let problem = Reason::XmlStructure;
    let cases: Vec<(&str, Reason)> = vec![
        (
            r#"<record><controlfield tag="001">no leader</controlfield></record>"#,
            problem(XmlProblem::MissingLeader),
        ),
        (
            r#"<record><leader>short</leader></record>"#,
            Reason::BadLeader(LeaderProblem::WrongLength { length: 5 }),
        ),
        (
            r#"<record><leader>00000nam a2200000 a 4500</leader><datafield ind1=" " ind2=" "><subfield code="a">x</subfield></datafield></record>"#,
            problem(XmlProblem::MissingAttribute {
                element: "datafield",
                attribute: "tag",
            }),
        ),
        (
            r#"<record><leader>00000nam a2200000 a 4500</leader><datafield tag="245" ind1="10" ind2=" "><subfield code="a">x</subfield></datafield></record>"#,
            problem(XmlProblem::BadIndicator {
                tag: Tag::parse("245").unwrap(),
                value: "10".into(),
            }),
        ),
        (
            r#"<record><leader>00000nam a2200000 a 4500</leader><datafield tag="24" ind1=" " ind2=" "/></record>"#,
            Reason::InvalidTag("24".into()),
        ),
        (
            r#"<record><leader>00000nam a2200000 a 4500</leader><datafield tag="245" ind1=" " ind2=" "><subfield code="ab">x</subfield></datafield></record>"#,
            Reason::InvalidSubfieldCode("ab".into()),
        ),
        (
            r#"<record><leader>00000nam a2200000 a 4500</leader><subfield code="a">x</subfield></record>"#,
            problem(XmlProblem::SubfieldOutsideDatafield),
        ),
        (
            r#"<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">&bogus;</controlfield></record>"#,
            problem(XmlProblem::UnknownEntity {
                name: "bogus".into(),
            }),
        ),
        (
            // Never closed: the next <record> starts a new one.
            r#"<record><leader>00000nam a2200000 a 4500</leader>"#,
            problem(XmlProblem::UnclosedRecord),
        ),
    ];
    for (bad, expected) in &cases {
        let doc = format!("<collection>\n{GOOD}\n{bad}\n{GOOD}\n</collection>");
        let results = read_xml_bytes(doc.as_bytes());
        assert_eq!(results.len(), 3, "{bad}");
        assert!(
            results[0].is_ok() && results[2].is_ok(),
            "{bad}: {results:?}"
        );
        let err = results[1].as_ref().unwrap_err();
        assert_eq!(
            err.position(),
            Some(Position {
                index: 1,
                offset: offset_of(&doc, "<record>", 1)
            }),
            "{bad}"
        );
        assert_eq!(err.reason(), Some(expected), "{bad}");
        assert_eq!(results[2].as_ref().unwrap().control("001"), Some("ok"));
    }
}

#[test]
fn input_ending_inside_a_record_is_reported() {
    let doc = format!("<marc:collection xmlns:marc=\"x\">{GOOD}<marc:record><marc:leader>00000");
    let results = read_xml_bytes(doc.as_bytes());
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    let err = results[1].as_ref().unwrap_err();
    assert_eq!(err.position().unwrap().index, 1);
    assert_eq!(
        err.position().unwrap().offset,
        offset_of(&doc, "<marc:record>", 0)
    );
}

#[test]
fn missing_indicators_read_as_blank() {
    let doc = r#"<record><leader>00000nam a2200000 a 4500</leader><datafield tag="500"><subfield code="a">x</subfield></datafield><datafield tag="246" ind1="" ind2="3"/></record>"#;
    let record = read_xml_bytes(doc.as_bytes()).remove(0).unwrap();
    let f500 = record.data_field("500").unwrap();
    assert_eq!((f500.ind1, f500.ind2), (Indicator::BLANK, Indicator::BLANK));
    let f246 = record.data_field("246").unwrap();
    assert_eq!(f246.ind2.as_char(), '3');
    assert!(f246.subfields.is_empty());
}

#[test]
fn special_characters_survive_a_round_trip() {
    let mut record = read_xml("marc4j/summerland.xml").remove(0);
    let tag = Tag::parse("500").unwrap();
    let a = SubfieldCode::new('a').unwrap();
    record.push(
        DataField::new(
            tag,
            Indicator::new('"').unwrap(),
            Indicator::new('&').unwrap(),
        )
        .with(a, "<b>&amp; \"quoted\" 'x'\r\nline\ttab ]]> é 漢字 😀"),
    );
    record.update_leader();
    let back = read_xml_bytes(&xml_bytes(std::slice::from_ref(&record)))
        .remove(0)
        .unwrap();
    assert_eq!(back, record);
}

#[test]
fn xml_writer_rejects_illegal_characters_and_stays_usable() {
    let good = read_xml("marc4j/summerland.xml").remove(0);
    let mut bad = good.clone();
    bad.push(
        DataField::new(
            Tag::parse("500").unwrap(),
            Indicator::BLANK,
            Indicator::BLANK,
        )
        .with(SubfieldCode::new('a').unwrap(), "bell \u{7}"),
    );
    let mut writer = MarcXmlWriter::new(Vec::new());
    writer.write(&good).unwrap();
    let err = writer.write(&bad).unwrap_err();
    assert_eq!(
        err.reason(),
        Some(&Reason::NotXmlChar {
            tag: Some(Tag::parse("500").unwrap()),
            ch: '\u{7}'
        })
    );
    writer.write(&good).unwrap();
    assert_eq!(writer.count(), 2);
    let xml = writer.finish().unwrap();
    let back: Vec<Record> = read_xml_bytes(&xml)
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(back, vec![good.clone(), good]);
}

#[test]
fn empty_writer_produces_an_empty_collection() {
    let xml = MarcXmlWriter::new(Vec::new()).finish().unwrap();
    assert!(
        String::from_utf8(xml.clone())
            .unwrap()
            .contains("<collection")
    );
    assert!(read_xml_bytes(&xml).is_empty());
}

/// Generates a MARCXML collection of `total` records on demand.
struct XmlGenerator {
    next: usize,
    total: usize,
    pending: Vec<u8>,
    pos: usize,
    closed: bool,
}

impl Read for XmlGenerator {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.pending.len() {
            self.pos = 0;
            self.pending = if self.next == 0
                && !self.closed
                && self.total > 0
                && self.pending.is_empty()
            {
                b"<?xml version=\"1.0\"?><marc:collection xmlns:marc=\"http://www.loc.gov/MARC21/slim\">".to_vec()
            } else if self.next < self.total {
                self.next += 1;
                format!(
                    "<marc:record><marc:leader>00000nam a2200000 a 4500</marc:leader><marc:controlfield tag=\"001\">{}</marc:controlfield></marc:record>\n",
                    self.next
                )
                .into_bytes()
            } else if !self.closed {
                self.closed = true;
                b"</marc:collection>".to_vec()
            } else {
                return Ok(0);
            };
        }
        let n = buf.len().min(self.pending.len() - self.pos);
        buf[..n].copy_from_slice(&self.pending[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[test]
fn streams_a_large_generated_collection() {
    const TOTAL: usize = 20_000;
    let generator = XmlGenerator {
        next: 0,
        total: TOTAL,
        pending: Vec::new(),
        pos: 0,
        closed: false,
    };
    let mut count = 0;
    for (i, r) in MarcXmlReader::new(BufReader::new(generator)).enumerate() {
        let r = r.unwrap();
        assert_eq!(r.control("001"), Some((i + 1).to_string().as_str()));
        count += 1;
    }
    assert_eq!(count, TOTAL);
}

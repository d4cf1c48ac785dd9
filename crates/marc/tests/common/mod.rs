//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use lentera_marc::{Error, MarcReader, MarcXmlReader, Record, Warning};

/// Path of a sample under `tests/data`.
pub fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
}

pub fn bytes(path: &str) -> Vec<u8> {
    std::fs::read(data(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every result from an ISO 2709 file, with the warnings of each record.
pub fn read_iso_all(path: &str) -> Vec<(Result<Record, Error>, Vec<Warning>)> {
    let file = File::open(data(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut reader = MarcReader::new(BufReader::new(file));
    let mut out = Vec::new();
    while let Some(item) = reader.next() {
        out.push((item, reader.warnings().to_vec()));
    }
    out
}

/// Records of an ISO 2709 file that must read without errors.
pub fn read_iso(path: &str) -> Vec<Record> {
    read_iso_all(path)
        .into_iter()
        .map(|(r, _)| r.unwrap_or_else(|e| panic!("{path}: {e}")))
        .collect()
}

/// Records of an ISO 2709 byte slice, errors included.
pub fn read_iso_bytes(bytes: &[u8]) -> Vec<Result<Record, Error>> {
    MarcReader::new(bytes).collect()
}

/// Records of a MARCXML file that must read without errors.
pub fn read_xml(path: &str) -> Vec<Record> {
    let file = File::open(data(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    MarcXmlReader::new(BufReader::new(file))
        .map(|r| r.unwrap_or_else(|e| panic!("{path}: {e}")))
        .collect()
}

pub const ISO_SAMPLES: &[(&str, usize)] = &[
    ("pymarc/marc.dat", 20),
    ("pymarc/test.dat", 10),
    ("pymarc/bad_indicator.dat", 1),
    ("pymarc/marc8.dat", 1),
    ("pymarc/utf8_invalid.mrc", 1),
    ("pymarc/regression45.dat", 12),
    ("marc4j/pride-and-prejudice-fixed.mrc", 383),
    ("marc4j/brkrtest.mrc", 8),
    ("marc4j/brkrtest_UTF8.mrc", 8),
    ("marc4j/summerland.mrc", 1),
    ("evergreen/lul_fre_100.mrc", 100),
];

pub const XML_SAMPLES: &[(&str, usize)] = &[
    ("pymarc/batch.xml", 2),
    ("pymarc/utf8.xml", 1),
    ("marc4j/chabon.xml", 2),
    ("marc4j/summerland.xml", 1),
    ("evergreen/serials_marc21.xml", 7),
];

/// Builds raw ISO 2709 bytes: `fields` are (tag, content without the field
/// terminator); leader/09 is `coding`. Lets tests feed exact MARC-8 bytes.
pub fn raw_record(coding: u8, fields: &[(&str, &[u8])]) -> Vec<u8> {
    let base = 24 + 12 * fields.len() + 1;
    let mut directory = Vec::new();
    let mut data = Vec::new();
    for (tag, content) in fields {
        let start = data.len();
        data.extend_from_slice(content);
        data.push(0x1E);
        directory.extend_from_slice(format!("{tag}{:04}{start:05}", data.len() - start).as_bytes());
    }
    let length = base + data.len() + 1;
    let mut out = format!("{length:05}nam {}22{base:05} a 4500", coding as char).into_bytes();
    out.extend_from_slice(&directory);
    out.push(0x1E);
    out.extend_from_slice(&data);
    out.push(0x1D);
    out
}

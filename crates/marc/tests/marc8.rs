//! MARC-8 → Unicode conversion against real records and the LC code tables.

mod common;

use common::*;
use lentera_marc::marc8::decode;
use lentera_marc::{CharacterCoding, DataField, Field, MarcReader, Record, Subfield, WarningKind};
use unicode_normalization::{UnicodeNormalization, is_nfc};

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// The record with every value NFC-normalised (brkrtest_UTF8.mrc is NFD).
fn nfc_fields(record: &Record) -> Vec<Field> {
    record
        .fields
        .iter()
        .map(|f| match f {
            Field::Control(c) => {
                let mut c = c.clone();
                c.value = nfc(&c.value);
                Field::Control(c)
            }
            Field::Data(d) => Field::Data(DataField {
                subfields: d
                    .subfields
                    .iter()
                    .map(|s| Subfield::new(s.code, nfc(&s.value)))
                    .collect(),
                ..d.clone()
            }),
        })
        .collect()
}

/// Describes every field that differs between two records.
fn field_mismatches(index: usize, marc8: &Record, utf8: &[Field]) -> Vec<String> {
    let mut out = Vec::new();
    if marc8.fields.len() != utf8.len() {
        out.push(format!(
            "record {index}: {} fields from MARC-8, {} from UTF-8",
            marc8.fields.len(),
            utf8.len()
        ));
    }
    for (a, b) in marc8.fields.iter().zip(utf8) {
        if a != b {
            out.push(format!("record {index}:\n  MARC-8: {a:?}\n  UTF-8:  {b:?}"));
        }
    }
    out
}

fn all_values(record: &Record) -> Vec<&str> {
    record
        .fields
        .iter()
        .flat_map(|f| match f {
            Field::Control(c) => vec![c.value.as_str()],
            Field::Data(d) => d.subfields.iter().map(|s| s.value.as_str()).collect(),
        })
        .collect()
}

#[test]
fn brkrtest_marc8_matches_its_utf8_twin_after_nfc() {
    let marc8 = read_iso_all("marc4j/brkrtest.mrc");
    let utf8 = read_iso("marc4j/brkrtest_UTF8.mrc");
    assert_eq!((marc8.len(), utf8.len()), (8, 8));
    let mut mismatches = Vec::new();
    let mut converted_records = Vec::new();
    for (i, ((converted, warnings), twin)) in marc8.into_iter().zip(&utf8).enumerate() {
        let converted = converted.expect("brkrtest.mrc record reads");
        assert!(warnings.is_empty(), "record {i}: {warnings:?}");
        assert_eq!(
            converted.leader.character_coding(),
            CharacterCoding::Unicode
        );
        // The leaders differ only in the recomputed lengths and leader/09.
        assert_eq!(converted.leader.as_str()[5..9], twin.leader.as_str()[5..9]);
        assert_eq!(converted.leader.as_str()[17..], twin.leader.as_str()[17..]);
        assert!(all_values(&converted).iter().all(|v| is_nfc(v)));
        mismatches.extend(field_mismatches(i, &converted, &nfc_fields(twin)));
        converted_records.push(converted);
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));

    // Spot checks, so the comparison above is not between two empty sides.
    let notes: Vec<&str> = converted_records[1].subfields("500", 'a').collect();
    assert_eq!(
        notes[0],
        "This is a test of diacritics like the uppercase Polish L in Łódź"
    );
    assert!(notes.contains(&"the lowercase o-hook (with pseudo question mark) in Sở"));
    assert!(notes.contains(&"the ligature first and second halves in di\u{361}adi\u{361}a"));
    assert!(notes.contains(&"double tilde, first and second halves in n\u{360}galan"));
    assert!(notes.contains(&"the British pound sign in £5.95"));
    let r4: Vec<&str> = converted_records[3].subfields("500", 'a').collect();
    assert!(r4[0].contains("degree sign 98.6°, small script l in 45ℓ"));
    assert!(r4[0].contains("the inverted question mark in ¿Que pasó?"));
}

#[test]
fn pymarc_marc8_dat_converts_french_diacritics() {
    let (record, warnings) = read_iso_all("pymarc/marc8.dat").remove(0);
    let record = record.unwrap();
    assert!(warnings.is_empty());
    assert_eq!(
        record.subfield("240", 'a'),
        Some("De la solitude à la communauté.")
    );
    assert_eq!(
        record.subfield("500", 'a'),
        Some("Translation of De la solitude à la communauté.")
    );
    assert_eq!(
        record.subfield("245", 'a'),
        Some("Escape from loneliness /")
    );
}

#[test]
fn evergreen_lul_fre_100_converts_cleanly() {
    let all = read_iso_all("evergreen/lul_fre_100.mrc");
    assert_eq!(all.len(), 100);
    let mut records = Vec::new();
    for (i, (record, warnings)) in all.into_iter().enumerate() {
        let record = record.unwrap_or_else(|e| panic!("record {i}: {e}"));
        assert!(warnings.is_empty(), "record {i}: {warnings:?}");
        for value in all_values(&record) {
            assert!(!value.contains('\u{FFFD}'), "record {i}: {value}");
            assert!(is_nfc(value), "record {i}: {value}");
        }
        records.push(record);
    }
    assert_eq!(records[0].subfield("260", 'a'), Some("Québec, Qué. :"));
    assert_eq!(
        records[1].subfield("245", 'b'),
        Some("poésies canadiennes /")
    );
    assert_eq!(
        records[1].subfield("260", 'b'),
        Some("Librairies-Imprimeries réunies,")
    );
    // Precomposed, as NFC requires: U+00E9, not e + U+0301.
    assert!(records[1].subfield("245", 'b').unwrap().contains('\u{e9}'));
}

#[test]
fn greek_via_escape_with_combining_accent() {
    // ESC ( S: Basic Greek into G0; 0x22 (acute) comes before alpha.
    let (text, warnings) = decode(b"\x1B(S\x22\x61\x62\x64\x1B(B ok");
    assert_eq!(text, "\u{3AC}βγ ok");
    assert!(warnings.is_empty());
    assert_eq!(decode(b"\x1B(S\x41\x42\x44\x45").0, "ΑΒΓΔ");
}

#[test]
fn cyrillic_basic_and_extended() {
    assert_eq!(decode(b"\x1B(N\x62\x4F\x52\x49\x53\x1B(B.").0, "Борис.");
    // Extended Cyrillic designated into G1 alongside basic in G0: "Київ".
    assert_eq!(decode(b"\x1B(N\x1B)Q\x6B\x49\xC7\x57").0, "Київ");
    assert_eq!(decode(b"\x1B)Q\xEF\xC4").0, "Ъё");
}

#[test]
fn hebrew_letters_and_points() {
    assert_eq!(decode(b"\x1B(2\x79\x6C\x65\x6D").0, "שלום");
    // Qamats (0x41) before bet: Unicode puts the point after the letter.
    assert_eq!(decode(b"\x1B(2\x41\x61").0, "\u{5D1}\u{5B8}");
    assert_eq!(decode(b"\x1B(2\x22").0, "\u{5F4}");
}

#[test]
fn arabic_basic_and_extended() {
    assert_eq!(decode(b"\x1B(3\x47\x64\x63\x4A\x47\x48").0, "الكتاب");
    assert_eq!(decode(b"\x1B(3\x31\x39\x2C").0, "١٩،");
    // Fatha (0x6E) before beh.
    assert_eq!(decode(b"\x1B(3\x6E\x48").0, "\u{628}\u{64E}");
    assert_eq!(decode(b"\x1B)4\xA9\xB1").0, "پچ");
}

#[test]
fn subscripts_superscripts_and_greek_symbols() {
    assert_eq!(decode(b"H\x1Bb2\x1BsO").0, "H₂O");
    assert_eq!(decode(b"E=mc\x1Bp2\x1Bs").0, "E=mc²");
    assert_eq!(
        decode(b"\x1Bba\x1Bs").0,
        "a",
        "undefined G0 byte falls back to ASCII"
    );
    assert_eq!(decode(b"\x1Bga\x1Bs-rays").0, "α-rays");
}

#[test]
fn ansel_designated_into_g0_with_intermediate() {
    assert_eq!(decode(b"\x1B(!E\x21\x2C").0, "ŁƠ");
}

#[test]
fn eacc_becomes_replacement_characters_with_a_warning() {
    let (text, warnings) = decode(b"\x1B$1\x21\x30\x21\x21\x30\x22\x1B(Babc");
    assert_eq!(text, "\u{FFFD}\u{FFFD}abc");
    assert_eq!(warnings, vec![WarningKind::EaccNotSupported { count: 2 }]);
}

#[test]
fn reader_reports_eacc_per_record_and_resets_sets_per_field() {
    let bytes = raw_record(
        b' ',
        &[
            ("001", b"cjk-1"),
            // Switches to EACC and never switches back inside the field.
            (
                "245",
                b"10\x1Fa\x1B$1\x21\x30\x21\x21\x30\x22\x1Fc\x21\x30\x23\x1B(B abc",
            ),
            // A new field starts again in ASCII/ANSEL.
            ("246", b"1 \x1FaPlain \xE2e"),
        ],
    );
    let mut reader = MarcReader::new(&bytes[..]);
    let record = reader.next().unwrap().unwrap();
    assert_eq!(record.subfield("245", 'a'), Some("\u{FFFD}\u{FFFD}"));
    // Designations persist across the subfields of one field.
    assert_eq!(record.subfield("245", 'c'), Some("\u{FFFD} abc"));
    assert_eq!(record.subfield("246", 'a'), Some("Plain é"));
    let warnings = reader.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].tag.unwrap(), "245");
    assert_eq!(warnings[0].kind, WarningKind::EaccNotSupported { count: 3 });
    assert!(reader.next().is_none());
}

#[test]
fn mislabelled_utf8_is_detected() {
    let bytes = raw_record(b' ', &[("245", "00\x1FaCaf\u{e9} Sunda".as_bytes())]);
    let mut reader = MarcReader::new(&bytes[..]);
    let record = reader.next().unwrap().unwrap();
    assert_eq!(record.subfield("245", 'a'), Some("Café Sunda"));
    assert_eq!(reader.warnings()[0].kind, WarningKind::MislabelledUtf8);
}

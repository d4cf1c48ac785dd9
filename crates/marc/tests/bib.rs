//! BibFields mapping on real records, and BibFields → Record → BibFields.

mod common;

use common::*;
use lentera_marc::{BibFields, CharacterCoding, EntryDate, MarcXmlReader, MarcXmlWriter, Record};

fn entered() -> EntryDate {
    EntryDate::new(2025, 11, 21).unwrap()
}

fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn summerland() {
    let record = &read_iso("marc4j/summerland.mrc")[0];
    assert_eq!(
        BibFields::from_record(record),
        BibFields {
            control_number: s("12883376"),
            title: s("Summerland"),
            subtitle: None,
            responsibility: s("Michael Chabon"),
            authors: strings(&["Chabon, Michael"]),
            publisher: s("Miramax Books/Hyperion Books for Children"),
            place: s("New York"),
            year: s("2002"),
            edition: s("1st ed."),
            isbns: strings(&["0786808772", "0786816155"]),
            language: s("eng"),
            ddc: None,
            call_number: None,
            subjects: strings(&["Fantasy", "Baseball -- Fiction", "Magic -- Fiction"]),
            notes: vec![],
            collection_type: None,
        }
    );
}

#[test]
fn kavalier_and_clay_from_marcxml() {
    let record = &read_xml("marc4j/chabon.xml")[0];
    let bib = BibFields::from(record);
    assert_eq!(bib.title, s("The amazing adventures of Kavalier and Clay"));
    assert_eq!(bib.subtitle, s("a novel"));
    assert_eq!(bib.responsibility, s("Michael Chabon"));
    assert_eq!(bib.publisher, s("Random House"));
    assert_eq!(bib.year, s("2000"));
    assert_eq!(bib.isbns, strings(&["0679450041"]));
    assert_eq!(
        bib.subjects,
        strings(&[
            "Comic books, strips, etc. -- Authorship -- Fiction",
            "Heroes in mass media -- Fiction",
            "Czech Americans -- Fiction",
            "New York (N.Y.) -- Fiction",
            "Young men -- Fiction",
            "Cartoonists -- Fiction",
        ])
    );
}

#[test]
fn aristocrats_of_color_keeps_initials_and_cleans_ddc() {
    let record = &read_iso("pymarc/bad_indicator.dat")[0];
    let bib = BibFields::from_record(record);
    assert_eq!(bib.title, s("Aristocrats of color"));
    assert_eq!(bib.subtitle, s("the Black elite, 1880-1920"));
    assert_eq!(bib.responsibility, s("Willard B. Gatewood"));
    assert_eq!(bib.authors, strings(&["Gatewood, Willard B."]));
    assert_eq!(bib.place, s("Bloomington"));
    assert_eq!(bib.publisher, s("Indiana University Press"));
    assert_eq!(bib.year, s("1990"));
    assert_eq!(bib.ddc, s("973.0496073"));
    // The "0 2" field is not 020, so only the real 020 counts.
    assert_eq!(bib.isbns, strings(&["0253325528"]));
    assert_eq!(
        bib.subjects,
        strings(&[
            "Bruce, Blanche Kelso",
            "Bruce, Josephine",
            "African Americans -- History -- 19th century",
            "African Americans -- History -- 20th century",
            "African Americans -- Social life and customs",
            "Upper class -- United States -- History -- 19th century",
            "Upper class -- United States -- History -- 20th century",
        ])
    );
}

#[test]
fn marc8_record_call_number_language_and_notes() {
    let record = &read_iso("pymarc/marc8.dat")[0];
    let bib = BibFields::from_record(record);
    assert_eq!(bib.title, s("Escape from loneliness"));
    assert_eq!(
        bib.responsibility,
        s("by Paul Tournier ; translated by John S. Gilmour")
    );
    assert_eq!(bib.authors, strings(&["Tournier, Paul"]));
    assert_eq!(bib.year, s("1962"));
    assert_eq!(bib.call_number, s("BF575.L7 T68 1962"));
    // 041 $a is taken raw: this record packs two codes into one subfield.
    assert_eq!(bib.language, s("engund"));
    // Only 500 is a note here; 504 (bibliography note) is not mapped.
    assert_eq!(
        bib.notes,
        strings(&["Translation of De la solitude à la communauté."])
    );
}

#[test]
fn french_record_from_evergreen() {
    let record = &read_iso("evergreen/lul_fre_100.mrc")[1];
    let bib = BibFields::from_record(record);
    assert_eq!(bib.title, s("Les aspirations"));
    assert_eq!(bib.subtitle, s("poésies canadiennes"));
    assert_eq!(bib.responsibility, s("W. Chapman"));
    assert_eq!(bib.authors, strings(&["Chapman, W."]));
    assert_eq!(bib.place, s("Paris"));
    assert_eq!(bib.publisher, s("Librairies-Imprimeries réunies"));
    assert_eq!(bib.year, s("1904"));
    assert_eq!(bib.language, s("fre"));
}

#[test]
fn year_falls_back_to_008() {
    let record = &read_iso("pymarc/utf8_invalid.mrc")[0];
    // 260 $c "1994." gives the year directly.
    assert_eq!(BibFields::from_record(record).year, s("1994"));
    let mut no_260 = record.clone();
    no_260.remove("260");
    let mut with_008 = no_260.clone();
    for f in &mut with_008.fields {
        if let lentera_marc::Field::Control(c) = f {
            if c.tag == "008" {
                c.value.replace_range(6..11, "s1987");
            }
        }
    }
    assert_eq!(BibFields::from_record(&no_260).year, None);
    assert_eq!(BibFields::from_record(&with_008).year, s("1987"));
}

#[test]
fn every_sample_maps_and_finds_every_title() {
    let mut records = Vec::new();
    for (path, _) in ISO_SAMPLES {
        records.extend(read_iso(path));
    }
    for (path, _) in XML_SAMPLES {
        records.extend(read_xml(path));
    }
    assert_eq!(records.len(), 558);
    for r in &records {
        let bib = BibFields::from_record(r);
        assert_eq!(bib.title.is_some(), r.subfield("245", 'a').is_some(), "{r}");
        assert_eq!(bib.isbns.len(), r.subfields("020", 'a').count(), "{r}");
    }
}

fn indonesian() -> BibFields {
    BibFields {
        control_number: s("LTR-000123"),
        title: s("Laskar pelangi"),
        subtitle: s("sebuah novel"),
        responsibility: s("Andrea Hirata"),
        authors: strings(&["Hirata, Andrea", "Sapardi Djoko Damono"]),
        publisher: s("Bentang Pustaka"),
        place: s("Yogyakarta"),
        year: s("2005"),
        edition: s("Cet. 1"),
        isbns: strings(&["979-3062-79-7", "9789793062792"]),
        language: s("ind"),
        ddc: s("899.2213"),
        call_number: s("899.2213 HIR l"),
        subjects: strings(&["Novel Indonesia", "Pendidikan -- Belitung -- Fiksi"]),
        notes: strings(&[
            "Cerita tentang sepuluh anak di Belitung.",
            "Ada daftar istilah.",
        ]),
        collection_type: s("Fiksi"),
    }
}

#[test]
fn bib_fields_round_trip_through_a_record() {
    for bib in [
        indonesian(),
        BibFields::default(),
        BibFields {
            title: s("The story of Ikan Bilis"),
            year: s("1998"),
            place: s("Medan"),
            ..BibFields::default()
        },
        BibFields {
            title: s("Kamus Bahasa Jawa–Indonesia"),
            publisher: s("Balai Pustaka"),
            language: s("Bahasa Indonesia"),
            authors: strings(&["Tim Penyusun"]),
            ..BibFields::default()
        },
    ] {
        let record = bib.to_record(entered());
        assert_eq!(BibFields::from_record(&record), bib, "{record}");
        // The record also survives ISO 2709 and MARCXML unchanged.
        let stored = record.to_iso2709().unwrap();
        assert_eq!(Record::from_iso2709(&stored).unwrap(), record);
        let mut xml = MarcXmlWriter::new(Vec::new());
        xml.write(&record).unwrap();
        let xml = xml.finish().unwrap();
        let back: Vec<Record> = MarcXmlReader::new(&xml[..]).map(|r| r.unwrap()).collect();
        assert_eq!(back, vec![record]);
    }
}

#[test]
fn generated_record_is_sensible_marc21() {
    let record = indonesian().to_record(entered());
    let leader = record.leader;
    assert_eq!(leader.record_type(), 'a');
    assert_eq!(leader.bibliographic_level(), 'm');
    assert_eq!(leader.character_coding(), CharacterCoding::Unicode);
    assert_eq!(leader.cataloging_form(), 'i');
    assert_eq!(
        leader.record_length(),
        Some(record.to_iso2709().unwrap().len())
    );

    let f008 = record.control("008").unwrap();
    assert_eq!(f008.len(), 40);
    assert_eq!(&f008[..6], "251121");
    assert_eq!(&f008[6..11], "s2005");
    assert_eq!(&f008[35..38], "ind");

    let tags: Vec<String> = record.fields.iter().map(|f| f.tag().to_string()).collect();
    assert_eq!(
        tags,
        [
            "001", "008", "020", "020", "041", "082", "099", "100", "245", "250", "264", "500",
            "500", "650", "650", "700", "990"
        ]
    );
    let f245 = record.data_field("245").unwrap();
    assert_eq!((f245.ind1.as_char(), f245.ind2.as_char()), ('1', '0'));
    assert_eq!(f245.subfield('a'), Some("Laskar pelangi :"));
    assert_eq!(f245.subfield('b'), Some("sebuah novel /"));
    assert_eq!(f245.subfield('c'), Some("Andrea Hirata"));
    let f264 = record.data_field("264").unwrap();
    assert_eq!(f264.ind2.as_char(), '1');
    assert_eq!(
        f264.subfields
            .iter()
            .map(|s| s.value.as_str())
            .collect::<Vec<_>>(),
        ["Yogyakarta :", "Bentang Pustaka,", "2005"]
    );
    assert_eq!(record.data_field("100").unwrap().ind1.as_char(), '1');
    assert_eq!(record.data_field("700").unwrap().ind1.as_char(), '0');
    let subject = record.data_fields("650").nth(1).unwrap();
    assert_eq!(subject.ind2.as_char(), '4');
    assert_eq!(
        subject
            .subfields
            .iter()
            .map(|s| (s.code.as_char(), s.value.as_str()))
            .collect::<Vec<_>>(),
        [('a', "Pendidikan"), ('x', "Belitung"), ('x', "Fiksi")]
    );
    assert_eq!(record.subfield("082", 'a'), Some("899.2213"));
    assert_eq!(record.subfield("990", 'a'), Some("Fiksi"));

    // English leading article sets the non-filing indicator; no main entry
    // gives 245 first indicator 0; unknown year/language are coded as such.
    let other = BibFields {
        title: s("The story of Ikan Bilis"),
        ..BibFields::default()
    }
    .to_record(entered());
    let f245 = other.data_field("245").unwrap();
    assert_eq!((f245.ind1.as_char(), f245.ind2.as_char()), ('0', '4'));
    let f008 = other.control("008").unwrap();
    assert_eq!(&f008[6..11], "nuuuu");
    assert_eq!(&f008[35..38], "und");
}

//! Mapping between MARC 21 bibliographic records and [`BibFields`], the plain
//! description the catalogue works with.
//!
//! | Field | MARC 21 source (read) | Written as |
//! |---|---|---|
//! | `control_number` | 001 | 001 |
//! | `title` / `subtitle` / `responsibility` | 245 $a / $b / $c | 245 (ind1 `1` with a main entry, else `0`; ind2 = English article length) |
//! | `authors` | 100/110/111 $a, then 700/710/711 $a | first as 100 1#/0#, rest as 700 |
//! | `edition` | 250 $a | 250 |
//! | `place` / `publisher` / `year` | 264 (#1 preferred) or 260 $a / $b / $c; year is the first 4-digit run, else 008/07-10 | 264 #1, 008/07-10 |
//! | `isbns` | every 020 $a, up to the first blank or `(` | 020 $a |
//! | `language` | 041 $a, else 008/35-37 (`und`, blanks and `|||` mean none) | 041 $a; 008/35-37 when a 3-letter code |
//! | `ddc` | 082 $a without `/` and `'` segmentation marks | 082 04 |
//! | `call_number` | 090 $a + $b, else 099 $a…, else 084 $a + $b | 099 $a |
//! | `subjects` | 600/610/650/651 $a then $x/$y/$z/$v joined by ` -- ` | 650 #4 ($a, then $x per ` -- ` part) |
//! | `notes` | every 500 $a, unchanged | 500 |
//! | `collection_type` | 990 $a (Lentera local field) | 990 |
//!
//! Field 990 is a local field (9XX is reserved for local use in MARC 21):
//! Lentera stores the library's collection type there, e.g. `Referensi`.
//!
//! Values read are trimmed, NFC-normalised and, except notes, stripped of
//! ISBD trailing punctuation (see [`strip_isbd`]). Written records carry
//! ISBD separators between elements but no terminal periods, so reading back
//! gives the same strings as long as they themselves do not end in ISBD
//! punctuation.

use crate::iso2709::normalize_leader;
use crate::marc8::nfc;
use crate::record::{ControlField, DataField, Field, Indicator, Leader, Record, code, ind, tag};

/// A bibliographic description as plain strings. No validation here: the
/// domain layer validates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BibFields {
    /// 001.
    pub control_number: Option<String>,
    /// 245 $a.
    pub title: Option<String>,
    /// 245 $b.
    pub subtitle: Option<String>,
    /// 245 $c, statement of responsibility.
    pub responsibility: Option<String>,
    /// Main entry then added entries (100/110/111, 700/710/711 $a).
    pub authors: Vec<String>,
    /// 264/260 $b.
    pub publisher: Option<String>,
    /// 264/260 $a.
    pub place: Option<String>,
    /// Year of publication. Read as four digits; written as given, so only
    /// four-digit years read back unchanged.
    pub year: Option<String>,
    /// 250 $a.
    pub edition: Option<String>,
    /// 020 $a, without qualifiers such as "(pbk.)".
    pub isbns: Vec<String>,
    /// 041 $a or 008/35-37, usually a MARC language code such as `ind`.
    pub language: Option<String>,
    /// 082 $a, Dewey Decimal Classification number.
    pub ddc: Option<String>,
    /// Local call number (090, 099 or 084).
    pub call_number: Option<String>,
    /// Topical, geographic, personal and corporate subjects, subdivisions
    /// joined with ` -- `.
    pub subjects: Vec<String>,
    /// 500 $a general notes.
    pub notes: Vec<String>,
    /// 990 $a, Lentera's collection type.
    pub collection_type: Option<String>,
}

/// Abbreviations whose final period is part of the word, so it is kept
/// (lower case, without the period). English cataloguing abbreviations and
/// common Indonesian ones.
const ABBREVIATIONS: &[&str] = &[
    "al", "assn", "bros", "ca", "cet", "cf", "cm", "co", "comp", "corp", "dept", "dkk", "dr", "ed",
    "eds", "enl", "etc", "govt", "hlm", "ill", "illus", "inc", "jl", "jr", "ltd", "mr", "mrs",
    "ms", "no", "p", "penerj", "peny", "pp", "prof", "pt", "rev", "sr", "st", "tbk", "terj", "tr",
    "trans", "univ", "v", "vol", "vols",
];

/// Removes ISBD punctuation from the end of `value`: trailing ` /`, ` :`,
/// ` ;`, ` =`, `,`, then a final `.` unless it ends an initial ("B."), a
/// dotted abbreviation ("D.C."), a known abbreviation ("ed.") or an ellipsis.
/// Leading and trailing whitespace is trimmed.
pub fn strip_isbd(value: &str) -> String {
    let mut s = value.trim();
    while let Some(rest) = s.strip_suffix([':', ';', '/', '=', ',']) {
        s = rest.trim_end();
    }
    if let Some(body) = s.strip_suffix('.') {
        if !keeps_final_period(body) {
            s = body.trim_end();
        }
    }
    s.to_owned()
}

fn keeps_final_period(body: &str) -> bool {
    if body.ends_with("..") {
        return true;
    }
    let word = body
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | '[' | ',' | '-' | '/'))
        .next()
        .unwrap_or(body);
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    (letters == 1 && word.chars().count() == 1)
        || word.contains('.')
        || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

/// Trimmed, NFC value; `None` when empty.
fn clean(value: &str) -> Option<String> {
    let t = value.trim();
    (!t.is_empty()).then(|| nfc(t.to_owned()))
}

/// ISBD-stripped, NFC value; `None` when empty.
fn stripped(value: &str) -> Option<String> {
    let s = strip_isbd(value);
    (!s.is_empty()).then(|| nfc(s))
}

/// The first run of exactly four ASCII digits ("c2002." → "2002").
fn first_year(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 4 {
                return Some(value[start..i].to_owned());
            }
        } else {
            i += 1;
        }
    }
    None
}

/// The ISBN part of a 020 $a: text before the first blank or qualifier.
fn raw_isbn(value: &str) -> Option<String> {
    let head = value
        .trim()
        .split(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let head = head.trim_end_matches([':', ';', ',', '.']);
    (!head.is_empty()).then(|| head.to_owned())
}

/// Characters `[start, start+len)` of a fixed-length control field.
fn fixed(value: &str, start: usize, len: usize) -> Option<String> {
    let s: String = value.chars().skip(start).take(len).collect();
    (s.chars().count() == len).then_some(s)
}

impl BibFields {
    /// Extracts the fields from a record. Never fails: missing data stays
    /// `None`/empty.
    pub fn from_record(record: &Record) -> BibFields {
        let f008 = record.control("008").unwrap_or("");
        let title_field = record.data_field("245");
        let publication = record
            .data_fields("264")
            .find(|f| f.ind2.as_char() == '1')
            .or_else(|| record.data_field("264"))
            .or_else(|| record.data_field("260"));

        let mut authors = Vec::new();
        for group in [["100", "110", "111"], ["700", "710", "711"]] {
            for field in record.fields.iter().filter_map(Field::as_data) {
                if group.iter().any(|t| field.tag == *t) {
                    authors.extend(field.subfield('a').and_then(stripped));
                }
            }
        }

        let subjects = record
            .fields
            .iter()
            .filter_map(Field::as_data)
            .filter(|f| ["600", "610", "650", "651"].iter().any(|t| f.tag == *t))
            .filter_map(|f| {
                let main = f.subfield('a').and_then(stripped)?;
                let mut parts = vec![main];
                parts.extend(
                    f.subfields
                        .iter()
                        .filter(|s| matches!(s.code.as_char(), 'x' | 'y' | 'z' | 'v'))
                        .filter_map(|s| stripped(&s.value)),
                );
                Some(parts.join(" -- "))
            })
            .collect();

        let year = publication
            .and_then(|f| f.subfield('c'))
            .and_then(first_year)
            .or_else(|| fixed(f008, 7, 4).filter(|y| y.bytes().all(|b| b.is_ascii_digit())));

        let language = record
            .subfield("041", 'a')
            .and_then(clean)
            .or_else(|| fixed(f008, 35, 3).filter(|l| !matches!(l.as_str(), "   " | "|||" | "und")))
            .and_then(|l| clean(&l));

        let call_number = record
            .data_field("090")
            .and_then(join_ab)
            .or_else(|| {
                let parts: Vec<&str> = record.subfields("099", 'a').collect();
                clean(&parts.join(" "))
            })
            .or_else(|| record.data_field("084").and_then(join_ab));

        BibFields {
            control_number: record.control("001").and_then(clean),
            title: title_field.and_then(|f| f.subfield('a')).and_then(stripped),
            subtitle: title_field.and_then(|f| f.subfield('b')).and_then(stripped),
            responsibility: title_field.and_then(|f| f.subfield('c')).and_then(stripped),
            authors,
            publisher: publication.and_then(|f| f.subfield('b')).and_then(stripped),
            place: publication.and_then(|f| f.subfield('a')).and_then(stripped),
            year,
            edition: record.subfield("250", 'a').and_then(stripped),
            isbns: record.subfields("020", 'a').filter_map(raw_isbn).collect(),
            language,
            ddc: record
                .subfield("082", 'a')
                .map(|d| d.replace(['/', '\''], ""))
                .and_then(|d| clean(&d)),
            call_number,
            subjects,
            notes: record.subfields("500", 'a').filter_map(clean).collect(),
            collection_type: record.subfield("990", 'a').and_then(clean),
        }
    }

    /// Builds a MARC 21 bibliographic record (language material, monograph,
    /// minimal level, ISBD punctuation between elements, UTF-8), fields in tag
    /// order, leader lengths set. `entered` goes to 008/00-05 (date entered
    /// on file); it is an argument so this crate never reads the clock.
    pub fn to_record(&self, entered: EntryDate) -> Record {
        let mut record = Record::new(Leader::default());
        let blank = Indicator::BLANK;
        let push_data = |record: &mut Record, field: DataField| {
            if !field.subfields.is_empty() {
                record.push(field);
            }
        };

        if let Some(id) = non_empty(&self.control_number) {
            record.push(ControlField {
                tag: tag!(b"001"),
                value: id.to_owned(),
            });
        }
        record.push(ControlField {
            tag: tag!(b"008"),
            value: self.field_008(entered),
        });
        for isbn in self.isbns.iter().filter(|i| !i.trim().is_empty()) {
            push_data(
                &mut record,
                DataField::new(tag!(b"020"), blank, blank).with(code!(b'a'), isbn.trim()),
            );
        }
        if let Some(lang) = non_empty(&self.language) {
            push_data(
                &mut record,
                DataField::new(tag!(b"041"), blank, blank).with(code!(b'a'), lang),
            );
        }
        if let Some(ddc) = non_empty(&self.ddc) {
            push_data(
                &mut record,
                DataField::new(tag!(b"082"), ind!(b'0'), ind!(b'4')).with(code!(b'a'), ddc),
            );
        }
        if let Some(call) = non_empty(&self.call_number) {
            push_data(
                &mut record,
                DataField::new(tag!(b"099"), blank, blank).with(code!(b'a'), call),
            );
        }
        let mut authors = self.authors.iter().filter(|a| !a.trim().is_empty());
        let main_entry = authors.next();
        if let Some(author) = main_entry {
            // Indicator 1: `1` surname first ("Hirata, Andrea"), `0` forename.
            let ind1 = if author.contains(',') {
                ind!(b'1')
            } else {
                ind!(b'0')
            };
            push_data(
                &mut record,
                DataField::new(tag!(b"100"), ind1, blank).with(code!(b'a'), author.trim()),
            );
        }
        if let Some(title) = non_empty(&self.title) {
            let subtitle = non_empty(&self.subtitle);
            let responsibility = non_empty(&self.responsibility);
            let ind1 = if main_entry.is_some() {
                ind!(b'1')
            } else {
                ind!(b'0')
            };
            let mut f = DataField::new(tag!(b"245"), ind1, nonfiling(title));
            let a = match (subtitle, responsibility) {
                (Some(_), _) => format!("{title} :"),
                (None, Some(_)) => format!("{title} /"),
                (None, None) => title.to_owned(),
            };
            f.push(code!(b'a'), a);
            if let Some(sub) = subtitle {
                let b = match responsibility {
                    Some(_) => format!("{sub} /"),
                    None => sub.to_owned(),
                };
                f.push(code!(b'b'), b);
            }
            if let Some(resp) = responsibility {
                f.push(code!(b'c'), resp);
            }
            push_data(&mut record, f);
        }
        if let Some(edition) = non_empty(&self.edition) {
            push_data(
                &mut record,
                DataField::new(tag!(b"250"), blank, blank).with(code!(b'a'), edition),
            );
        }
        let place = non_empty(&self.place);
        let publisher = non_empty(&self.publisher);
        let year = non_empty(&self.year);
        if place.is_some() || publisher.is_some() || year.is_some() {
            let mut f = DataField::new(tag!(b"264"), blank, ind!(b'1'));
            if let Some(place) = place {
                let sep = match (publisher, year) {
                    (Some(_), _) => " :",
                    (None, Some(_)) => ",",
                    (None, None) => "",
                };
                f.push(code!(b'a'), format!("{place}{sep}"));
            }
            if let Some(publisher) = publisher {
                let sep = if year.is_some() { "," } else { "" };
                f.push(code!(b'b'), format!("{publisher}{sep}"));
            }
            if let Some(year) = year {
                f.push(code!(b'c'), year);
            }
            push_data(&mut record, f);
        }
        for note in self.notes.iter().filter(|n| !n.trim().is_empty()) {
            push_data(
                &mut record,
                DataField::new(tag!(b"500"), blank, blank).with(code!(b'a'), note.trim()),
            );
        }
        for subject in self.subjects.iter().filter(|s| !s.trim().is_empty()) {
            let mut f = DataField::new(tag!(b"650"), blank, ind!(b'4'));
            for (i, part) in subject.split(" -- ").enumerate() {
                let code = if i == 0 { code!(b'a') } else { code!(b'x') };
                f.push(code, part.trim());
            }
            push_data(&mut record, f);
        }
        for author in authors {
            let ind1 = if author.contains(',') {
                ind!(b'1')
            } else {
                ind!(b'0')
            };
            push_data(
                &mut record,
                DataField::new(tag!(b"700"), ind1, blank).with(code!(b'a'), author.trim()),
            );
        }
        if let Some(collection) = non_empty(&self.collection_type) {
            push_data(
                &mut record,
                DataField::new(tag!(b"990"), blank, blank).with(code!(b'a'), collection),
            );
        }
        normalize_leader(&mut record);
        record
    }

    /// The 40-character 008 for books.
    fn field_008(&self, entered: EntryDate) -> String {
        let year =
            non_empty(&self.year).filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()));
        let language = non_empty(&self.language)
            .filter(|l| l.len() == 3 && l.bytes().all(|b| b.is_ascii_lowercase()))
            .unwrap_or("und");
        let mut f = String::with_capacity(40);
        f.push_str(&entered.yymmdd()); // 00-05 date entered on file
        match year {
            Some(y) => {
                f.push('s'); // 06 single known date
                f.push_str(y); // 07-10 date 1
            }
            None => f.push_str("nuuuu"), // 06 dates unknown, 07-10
        }
        f.push_str("    "); // 11-14 date 2
        f.push_str("xx "); // 15-17 place: not coded (only a free-text place is known)
        f.push_str("    "); // 18-21 illustrations
        f.push(' '); // 22 target audience
        f.push(' '); // 23 form of item
        f.push_str("    "); // 24-27 nature of contents
        f.push(' '); // 28 government publication
        f.push_str("000"); // 29-31 conference, festschrift, index
        f.push(' '); // 32 undefined
        f.push_str("||"); // 33-34 literary form, biography: not coded
        f.push_str(language); // 35-37
        f.push(' '); // 38 modified record
        f.push('d'); // 39 cataloguing source: other
        f
    }
}

/// A calendar date for 008/00-05 ("date entered on file").
///
/// Guarantees a real Gregorian date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryDate {
    year: u16,
    month: u8,
    day: u8,
}

impl EntryDate {
    /// The date, or `None` if `month`/`day` do not exist in `year`.
    pub fn new(year: u16, month: u8, day: u8) -> Option<EntryDate> {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(EntryDate { year, month, day })
    }

    /// `yymmdd`, as MARC 21 008/00-05 wants.
    pub fn yymmdd(self) -> String {
        format!("{:02}{:02}{:02}", self.year % 100, self.month, self.day)
    }
}

impl From<&Record> for BibFields {
    fn from(record: &Record) -> BibFields {
        BibFields::from_record(record)
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// $a and $b of a call-number field joined by a space.
fn join_ab(field: &DataField) -> Option<String> {
    let parts: Vec<&str> = field
        .subfields
        .iter()
        .filter(|s| matches!(s.code.as_char(), 'a' | 'b'))
        .map(|s| s.value.trim())
        .filter(|v| !v.is_empty())
        .collect();
    clean(&parts.join(" "))
}

/// 245 second indicator: characters to skip for filing (English articles).
fn nonfiling(title: &str) -> Indicator {
    let lower = title.to_lowercase();
    if lower.starts_with("the ") {
        ind!(b'4')
    } else if lower.starts_with("an ") {
        ind!(b'3')
    } else if lower.starts_with("a ") {
        ind!(b'2')
    } else {
        ind!(b'0')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isbd_punctuation_is_stripped() {
        assert_eq!(strip_isbd("Summerland /"), "Summerland");
        assert_eq!(
            strip_isbd("The amazing adventures of Kavalier and Clay :"),
            "The amazing adventures of Kavalier and Clay"
        );
        assert_eq!(strip_isbd("Random House,"), "Random House");
        assert_eq!(strip_isbd("Chabon, Michael."), "Chabon, Michael");
        assert_eq!(strip_isbd("Gatewood, Willard B."), "Gatewood, Willard B.");
        assert_eq!(strip_isbd("Washington, D.C. :"), "Washington, D.C.");
        assert_eq!(strip_isbd("1st ed."), "1st ed.");
        assert_eq!(
            strip_isbd("Comic books, strips, etc."),
            "Comic books, strips, etc."
        );
        assert_eq!(strip_isbd("Cet. 2."), "Cet. 2");
        assert_eq!(strip_isbd("Tunggu aku..."), "Tunggu aku...");
        assert_eq!(strip_isbd("  Test record series ; "), "Test record series");
    }

    #[test]
    fn years_and_isbns() {
        assert_eq!(first_year("c2002."), Some("2002".into()));
        assert_eq!(first_year("[1995?]"), Some("1995".into()));
        assert_eq!(first_year("12345 1999"), Some("1999".into()));
        assert_eq!(first_year("n.d."), None);
        assert_eq!(raw_isbn("0786816155 (pbk.)"), Some("0786816155".into()));
        assert_eq!(raw_isbn("0777000008 :"), Some("0777000008".into()));
        assert_eq!(
            raw_isbn("978-602-03-1234-5"),
            Some("978-602-03-1234-5".into())
        );
    }

    #[test]
    fn entry_dates() {
        assert_eq!(EntryDate::new(2024, 2, 29).unwrap().yymmdd(), "240229");
        assert!(EntryDate::new(2023, 2, 29).is_none());
        assert!(EntryDate::new(1900, 2, 29).is_none());
        assert!(EntryDate::new(2000, 2, 29).is_some());
        assert!(EntryDate::new(2025, 13, 1).is_none());
        assert!(EntryDate::new(2025, 4, 31).is_none());
        assert_eq!(EntryDate::new(2005, 12, 31).unwrap().yymmdd(), "051231");
    }
}

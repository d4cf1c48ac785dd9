//! The catalogue's domain types. (Records, items and their rules arrive with
//! the catalogue feature; the ISBN is needed first by imports.)

use crate::field::Problem;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISBN, stored as its 13 digits. ISBN-10s are converted (978 prefix,
/// new check digit), so the two forms of one book compare equal and an import
/// can match either.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Isbn(String);

impl Isbn {
    /// Accepts ISBN-13 or ISBN-10 with hyphens or spaces, a lower-case `x`,
    /// and the "ISBN" label catalogue records often carry
    /// ("ISBN 978-602-03-1234-5", "0-306-40615-2"). The check digit must be right.
    pub fn parse(s: &str) -> Result<Isbn, Problem> {
        let t = s.trim();
        let t = t
            .strip_prefix("ISBN-13:")
            .or_else(|| t.strip_prefix("ISBN-10:"))
            .or_else(|| t.strip_prefix("ISBN:"))
            .or_else(|| t.strip_prefix("ISBN"))
            .unwrap_or(t);
        let chars: Vec<char> = t
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '\u{2010}' | '\u{2013}'))
            .collect();
        if !chars.iter().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || (i == 9 && chars.len() == 10 && matches!(c, 'x' | 'X'))
        }) {
            return Err(Problem::BadIsbn);
        }
        let digits: Vec<u32> = chars.iter().map(|c| c.to_digit(10).unwrap_or(10)).collect();
        match digits.len() {
            13 => {
                if !matches!(&chars[..3], ['9', '7', '8'] | ['9', '7', '9'])
                    || check13(&digits[..12]) != digits[12]
                {
                    return Err(Problem::BadIsbn);
                }
                Ok(Isbn(chars.iter().collect()))
            }
            10 => {
                let sum: u32 = digits
                    .iter()
                    .enumerate()
                    .map(|(i, d)| (10 - i as u32) * d)
                    .sum();
                if !sum.is_multiple_of(11) {
                    return Err(Problem::BadIsbn);
                }
                let mut d13: Vec<u32> = vec![9, 7, 8];
                d13.extend_from_slice(&digits[..9]);
                let check = check13(&d13);
                d13.push(check);
                Ok(Isbn(
                    d13.iter().map(|d| char::from(b'0' + *d as u8)).collect(),
                ))
            }
            _ => Err(Problem::BadIsbn),
        }
    }

    /// The 13 digits, no hyphens.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ISBN-10 form, for books from before 2007 with a 978 prefix.
    pub fn isbn10(&self) -> Option<String> {
        let b = self.0.as_bytes();
        if &self.0[..3] != "978" {
            return None;
        }
        let body: Vec<u32> = b[3..12].iter().map(|c| u32::from(c - b'0')).collect();
        let sum: u32 = body
            .iter()
            .enumerate()
            .map(|(i, d)| (10 - i as u32) * d)
            .sum();
        let check = (11 - sum % 11) % 11;
        let mut s: String = self.0[3..12].to_string();
        s.push(if check == 10 {
            'X'
        } else {
            char::from(b'0' + check as u8)
        });
        Some(s)
    }
}

/// The ISBN-13 (EAN-13) check digit of 12 digits.
fn check13(d: &[u32]) -> u32 {
    let sum: u32 = d
        .iter()
        .enumerate()
        .map(|(i, x)| if i % 2 == 0 { *x } else { 3 * x })
        .sum();
    (10 - sum % 10) % 10
}

impl fmt::Display for Isbn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Isbn {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Isbn::parse(&s).map_err(|_| format!("bad ISBN: {s:?}"))
    }
}

impl From<Isbn> for String {
    fn from(i: Isbn) -> String {
        i.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isbn13_with_and_without_hyphens() {
        assert_eq!(
            Isbn::parse("9786024827779").unwrap().as_str(),
            "9786024827779"
        );
        assert_eq!(
            Isbn::parse("ISBN 978-0-306-40615-7").unwrap().as_str(),
            "9780306406157"
        );
        assert_eq!(
            Isbn::parse(" 978 1 78565 394 0 ").unwrap().as_str(),
            "9781785653940"
        );
    }

    #[test]
    fn isbn10_becomes_13_and_back() {
        let i = Isbn::parse("0-306-40615-2").unwrap();
        assert_eq!(i.as_str(), "9780306406157");
        assert_eq!(i.isbn10().as_deref(), Some("0306406152"));
        // X check digit, either case.
        let x = Isbn::parse("0-8044-2957-x").unwrap();
        assert_eq!(x.isbn10().as_deref(), Some("080442957X"));
        assert_eq!(Isbn::parse("080442957X").unwrap(), x);
        // 979 books have no ISBN-10.
        assert_eq!(Isbn::parse("979-10-90636-07-1").unwrap().isbn10(), None);
    }

    #[test]
    fn bad_isbns_are_refused() {
        for bad in [
            "",
            "978-0-306-40615-8", // wrong check digit
            "0-306-40615-3",     // wrong ISBN-10 check
            "977-0-306-40615-7", // not a book prefix
            "97803064061",       // too short
            "97803064061577",    // too long
            "0-306-4061X-2",     // X not at the end
            "abc",
        ] {
            assert_eq!(Isbn::parse(bad), Err(Problem::BadIsbn), "{bad}");
        }
    }
}

pub mod stocktake;
pub mod transfer;

crate::libraries::choice_enum!(
    /// Jenis koleksi: decides loan rules and the OPAC facet.
    Collection {
        Umum = "umum",
        Anak = "anak",
        Remaja = "remaja",
        Referensi = "referensi",
        Fiksi = "fiksi",
    }
);

crate::libraries::choice_enum!(
    /// Where an item is. `OnLoan` is set only by circulation, never by a form.
    ItemStatus {
        Available = "available",
        OnLoan = "on_loan",
        InRepair = "repair",
        Lost = "lost",
        Withdrawn = "withdrawn",
    }
);

/// A bibliographic record as typed into the simple Indonesian form, or as
/// mapped from an imported file row, kept as text so a rejected form or row
/// can be shown back unchanged. Lists (authors, subjects) hold one entry per
/// line. `BiblioDraft::parse` turns it into checked values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BiblioForm {
    pub title: String,
    pub subtitle: String,
    pub authors: String,
    pub publisher: String,
    pub place: String,
    pub year: String,
    pub edition: String,
    pub isbn: String,
    pub language: String,
    pub ddc: String,
    pub call_number: String,
    pub subjects: String,
    pub collection: String,
    pub notes: String,
    /// The source's control number (MARC 001, SLiMS biblio_id), for matching
    /// a re-import to the record it created.
    pub control_number: String,
}

/// A checked bibliographic record, ready to store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BiblioDraft {
    pub title: String,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    pub publisher: Option<String>,
    pub place: Option<String>,
    pub year: Option<i32>,
    pub edition: Option<String>,
    pub isbn: Option<Isbn>,
    /// ISO 639-2 code as catalogues use it ("ind", "eng", "jav").
    pub language: Option<String>,
    pub ddc: Option<String>,
    pub call_number: Option<String>,
    pub subjects: Vec<String>,
    pub collection: Collection,
    pub notes: Option<String>,
    pub control_number: Option<String>,
}

/// Splits a one-entry-per-line list; `;` also separates, as spreadsheets
/// cannot hold line breaks comfortably.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(['\n', ';'])
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

impl BiblioDraft {
    /// `this_year` bounds the publication year (a book from next year is a
    /// typo more often than a pre-order).
    pub fn parse(f: &BiblioForm, this_year: i32) -> Result<BiblioDraft, crate::field::Invalid> {
        use crate::field::{Collector, optional_int, optional_text, required_text};
        let mut c = Collector::default();
        let title = c.take("title", required_text(&f.title, 500));
        let subtitle = c.take("subtitle", optional_text(&f.subtitle, 500));
        let authors = split_list(&f.authors);
        if authors.iter().any(|a| a.chars().count() > 200) {
            c.errors.push("authors", Problem::TooLong { max: 200 });
        }
        let publisher = c.take("publisher", optional_text(&f.publisher, 200));
        let place = c.take("place", optional_text(&f.place, 100));
        let year = c
            .take(
                "year",
                optional_int(&f.year, 1000, i64::from(this_year) + 1),
            )
            .map(|y| y.map(|y| y as i32));
        let edition = c.take("edition", optional_text(&f.edition, 100));
        let isbn = c.take(
            "isbn",
            match crate::field::optional(&f.isbn) {
                None => Ok(None),
                Some(s) => Isbn::parse(s).map(Some),
            },
        );
        let language = c.take(
            "language",
            match crate::field::optional(&f.language) {
                None => Ok(None),
                Some(s) => {
                    let l = s.to_ascii_lowercase();
                    if (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase()) {
                        Ok(Some(l))
                    } else {
                        Err(Problem::UnknownChoice)
                    }
                }
            },
        );
        let ddc = c.take("ddc", optional_text(&f.ddc, 40));
        let call_number = c.take("call_number", optional_text(&f.call_number, 60));
        let subjects = split_list(&f.subjects);
        if subjects.iter().any(|a| a.chars().count() > 200) {
            c.errors.push("subjects", Problem::TooLong { max: 200 });
        }
        let collection = c.take(
            "collection",
            match crate::field::optional(&f.collection) {
                None => Ok(Collection::Umum),
                Some(s) => Collection::parse(s),
            },
        );
        let notes = c.take("notes", optional_text(&f.notes, 2000));
        let control_number = c.take("control_number", optional_text(&f.control_number, 60));
        match (
            title,
            subtitle,
            publisher,
            place,
            year,
            edition,
            isbn,
            language,
            ddc,
            call_number,
            collection,
            notes,
            control_number,
        ) {
            (
                Some(title),
                Some(subtitle),
                Some(publisher),
                Some(place),
                Some(year),
                Some(edition),
                Some(isbn),
                Some(language),
                Some(ddc),
                Some(call_number),
                Some(collection),
                Some(notes),
                Some(control_number),
            ) if c.errors.is_empty() => Ok(BiblioDraft {
                title,
                subtitle,
                authors,
                publisher,
                place,
                year,
                edition,
                isbn,
                language,
                ddc,
                call_number,
                subjects,
                collection,
                notes,
                control_number,
            }),
            _ => Err(c.errors),
        }
    }
}

#[cfg(test)]
mod draft_tests {
    use super::*;

    fn form() -> BiblioForm {
        BiblioForm {
            title: "Budidaya Ikan Lele di Kolam Terpal".into(),
            authors: "Suyanto, Rachmatun\nAmri, Khairul".into(),
            year: "2019".into(),
            isbn: "978-979-002-418-2".into(),
            language: "IND".into(),
            subjects: "Perikanan; Ikan lele".into(),
            ..Default::default()
        }
    }

    #[test]
    fn parses_a_typical_record() {
        let d = BiblioDraft::parse(&form(), 2026).unwrap();
        assert_eq!(d.authors, ["Suyanto, Rachmatun", "Amri, Khairul"]);
        assert_eq!(d.subjects, ["Perikanan", "Ikan lele"]);
        assert_eq!(d.year, Some(2019));
        assert_eq!(d.language.as_deref(), Some("ind"));
        assert_eq!(d.collection, Collection::Umum);
        assert_eq!(d.isbn.unwrap().as_str(), "9789790024182");
    }

    #[test]
    fn reports_every_bad_field() {
        let f = BiblioForm {
            title: " ".into(),
            year: "20x9".into(),
            isbn: "978-979-002-418-1".into(),
            collection: "novel".into(),
            ..Default::default()
        };
        let e = BiblioDraft::parse(&f, 2026).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|x| x.field).collect();
        assert_eq!(fields, ["title", "year", "isbn", "collection"]);
        let f = BiblioForm {
            year: "2031".into(),
            ..form()
        };
        assert!(BiblioDraft::parse(&f, 2026).is_err());
    }
}

// ------------------------------------------------------------------ items

/// An item's barcode: what a scanner reads off the label. Trimmed; printable
/// ASCII without spaces (what Code 128 labels and keyboard-wedge scanners
/// carry reliably), at most 32 characters. Case is kept: old labels from
/// SLiMS or INLISLite are matched exactly as printed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Barcode(String);

/// The longest barcode accepted.
pub const BARCODE_MAX: usize = 32;

impl Barcode {
    pub fn parse(s: &str) -> Result<Barcode, Problem> {
        let t = s.trim();
        if t.is_empty() {
            return Err(Problem::Required);
        }
        if t.len() > BARCODE_MAX {
            return Err(Problem::TooLong { max: BARCODE_MAX });
        }
        if !t.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
            return Err(Problem::BadBarcode);
        }
        Ok(Barcode(t.to_string()))
    }

    /// The barcode Lentera generates for a library's `n`-th item: `B` and
    /// the number zero-padded to six digits (`B000001`), growing past
    /// B999999 without breaking order. Per library, not globally: a village
    /// library scans only its own books, and a short code prints large and
    /// scans well on cheap labels. The `B` (buku) keeps generated codes
    /// apart from member cards and from the purely numeric labels many
    /// libraries already have.
    pub fn generated(n: i64) -> Barcode {
        Barcode(format!("B{:06}", n.max(0)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Barcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Barcode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Barcode::parse(&s).map_err(|_| format!("bad barcode: {s:?}"))
    }
}

impl From<Barcode> for String {
    fn from(b: Barcode) -> String {
        b.0
    }
}

/// The call number Indonesian village libraries write on the spine when the
/// cataloguer gave none: the DDC class, the first three letters of the main
/// entry (the first author's entry word, else the title) in capitals, and
/// the first letter of the title in lower case — "910 SUY b" for Suyanto's
/// *Bumi Kita*. Indonesian names are entered under their last element
/// ("Hesti Sunarto" → SUN) unless written inverted ("Suyanto, Rachmatun").
/// English leading articles are skipped for the title letter.
pub fn default_call_number(ddc: Option<&str>, authors: &[String], title: &str) -> Option<String> {
    let letters = |s: &str| -> String {
        crate::text::search_key(s)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect()
    };
    let title_words: Vec<String> = crate::text::search_key(title)
        .split(' ')
        .map(str::to_string)
        .filter(|w| !w.is_empty())
        .collect();
    let skip =
        usize::from(title_words.len() > 1 && matches!(title_words[0].as_str(), "the" | "a" | "an"));
    let title_key: String = title_words[skip.min(title_words.len())..].concat();
    let entry = authors
        .iter()
        .find(|a| !a.trim().is_empty())
        .map(|a| match a.split_once(',') {
            Some((surname, _)) => letters(surname),
            None => a.split_whitespace().last().map(letters).unwrap_or_default(),
        })
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| title_key.clone());
    let mut parts: Vec<String> = Vec::new();
    if let Some(d) = ddc.map(str::trim).filter(|d| !d.is_empty()) {
        parts.push(d.to_string());
    }
    let e: String = entry.chars().take(3).collect::<String>().to_uppercase();
    if !e.is_empty() {
        parts.push(e);
    }
    if let Some(c) = title_key.chars().next() {
        parts.push(c.to_lowercase().collect());
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

impl BiblioDraft {
    /// The record's call number, or the default built from its DDC, author
    /// and title.
    pub fn call_number_or_default(&self) -> Option<String> {
        self.call_number
            .clone()
            .or_else(|| default_call_number(self.ddc.as_deref(), &self.authors, &self.title))
    }

    /// The folded title the catalogue list sorts and searches on.
    pub fn title_key(&self) -> String {
        crate::text::search_key(&self.title)
    }

    /// The draft back as form text (for edit forms and audit diffs).
    pub fn to_form(&self) -> BiblioForm {
        BiblioForm {
            title: self.title.clone(),
            subtitle: self.subtitle.clone().unwrap_or_default(),
            authors: self.authors.join("\n"),
            publisher: self.publisher.clone().unwrap_or_default(),
            place: self.place.clone().unwrap_or_default(),
            year: self.year.map(|y| y.to_string()).unwrap_or_default(),
            edition: self.edition.clone().unwrap_or_default(),
            isbn: self
                .isbn
                .as_ref()
                .map(|i| i.to_string())
                .unwrap_or_default(),
            language: self.language.clone().unwrap_or_default(),
            ddc: self.ddc.clone().unwrap_or_default(),
            call_number: self.call_number.clone().unwrap_or_default(),
            subjects: self.subjects.join("\n"),
            collection: self.collection.key().to_string(),
            notes: self.notes.clone().unwrap_or_default(),
            control_number: self.control_number.clone().unwrap_or_default(),
        }
    }
}

/// The field keys of [`BiblioForm`], in form order.
pub const BIBLIO_FIELDS: &[&str] = &[
    "title",
    "subtitle",
    "authors",
    "publisher",
    "place",
    "year",
    "edition",
    "isbn",
    "language",
    "ddc",
    "call_number",
    "subjects",
    "collection",
    "notes",
    "control_number",
];

impl BiblioForm {
    /// Sets a field by its key; unknown keys are ignored and reported.
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        let slot = match key {
            "title" => &mut self.title,
            "subtitle" => &mut self.subtitle,
            "authors" => &mut self.authors,
            "publisher" => &mut self.publisher,
            "place" => &mut self.place,
            "year" => &mut self.year,
            "edition" => &mut self.edition,
            "isbn" => &mut self.isbn,
            "language" => &mut self.language,
            "ddc" => &mut self.ddc,
            "call_number" => &mut self.call_number,
            "subjects" => &mut self.subjects,
            "collection" => &mut self.collection,
            "notes" => &mut self.notes,
            "control_number" => &mut self.control_number,
            _ => return false,
        };
        value.clone_into(slot);
        true
    }

    /// The values in [`BIBLIO_FIELDS`] order, for audit diffs.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let v = [
            &self.title,
            &self.subtitle,
            &self.authors,
            &self.publisher,
            &self.place,
            &self.year,
            &self.edition,
            &self.isbn,
            &self.language,
            &self.ddc,
            &self.call_number,
            &self.subjects,
            &self.collection,
            &self.notes,
            &self.control_number,
        ];
        BIBLIO_FIELDS
            .iter()
            .zip(v)
            .map(|(k, v)| (*k, v.clone()))
            .collect()
    }
}

/// An item as typed into the form (or sent as JSON): all text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemForm {
    /// Scanned from an existing label, or empty to generate one.
    pub barcode: String,
    pub call_number: String,
    pub location: String,
    pub status: String,
    pub source: String,
    pub acquired_on: String,
    pub price: String,
    pub notes: String,
}

/// The field keys of [`ItemForm`], in form order.
pub const ITEM_FIELDS: &[&str] = &[
    "barcode",
    "call_number",
    "location",
    "status",
    "source",
    "acquired_on",
    "price",
    "notes",
];

impl ItemForm {
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        let slot = match key {
            "barcode" => &mut self.barcode,
            "call_number" => &mut self.call_number,
            "location" => &mut self.location,
            "status" => &mut self.status,
            "source" => &mut self.source,
            "acquired_on" => &mut self.acquired_on,
            "price" => &mut self.price,
            "notes" => &mut self.notes,
            _ => return false,
        };
        value.clone_into(slot);
        true
    }

    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let v = [
            &self.barcode,
            &self.call_number,
            &self.location,
            &self.status,
            &self.source,
            &self.acquired_on,
            &self.price,
            &self.notes,
        ];
        ITEM_FIELDS
            .iter()
            .zip(v)
            .map(|(k, v)| (*k, v.clone()))
            .collect()
    }
}

/// A checked item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemDraft {
    /// `None`: generate one (new items) or keep the current one (edits).
    pub barcode: Option<Barcode>,
    /// `None`: the record's call number (or its default) is used.
    pub call_number: Option<String>,
    /// Location or shelf: "Rak 3", "Pojok anak".
    pub location: Option<String>,
    /// `None`: available for a new item, unchanged for an edit. Never
    /// `OnLoan`: only circulation lends.
    pub status: Option<ItemStatus>,
    /// "Bantuan Perpusnas 2024", "Pembelian", "Hadiah"…
    pub source: Option<String>,
    pub acquired_on: Option<chrono::NaiveDate>,
    /// Whole rupiah.
    pub price: Option<i64>,
    pub notes: Option<String>,
}

/// The usual item sources, offered as suggestions (any text is accepted).
pub const ITEM_SOURCES: &[&str] = &[
    "Bantuan Perpusnas 2024",
    "Pembelian",
    "Hadiah",
    "Dana Desa",
    "Sumbangan masyarakat",
];

/// A date as typed: ISO `2024-07-17`, or the Indonesian `17/07/2024` /
/// `17-07-2024`. Dates before 1900 or after `this_year + 1` are typos.
pub fn parse_date(s: &str, this_year: i32) -> Result<Option<chrono::NaiveDate>, Problem> {
    use chrono::{Datelike, NaiveDate};
    let Some(t) = crate::field::optional(s) else {
        return Ok(None);
    };
    let d = NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d/%m/%Y"))
        .or_else(|_| NaiveDate::parse_from_str(t, "%d-%m-%Y"))
        .map_err(|_| Problem::BadDate)?;
    if d.year() < 1900 || d.year() > this_year + 1 {
        return Err(Problem::BadDate);
    }
    Ok(Some(d))
}

/// A price in whole rupiah as people write it: "75000", "75.000",
/// "Rp 75.000,00", "Rp75,000". Dots and commas followed by three digits are
/// thousands separators; a trailing ",00"/".00" is cents and must be zero.
pub fn parse_rupiah(s: &str) -> Result<Option<i64>, Problem> {
    const MAX: i64 = 100_000_000_000;
    let Some(t) = crate::field::optional(s) else {
        return Ok(None);
    };
    let t = t
        .trim_start_matches("Rp.")
        .trim_start_matches("Rp")
        .trim_start_matches("rp")
        .trim();
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    // Cents: a final separator followed by one or two digits.
    let body = match t.rfind(['.', ',']) {
        Some(i) if (1..=2).contains(&(t.len() - i - 1)) => {
            if t[i + 1..].bytes().any(|b| b != b'0') {
                return Err(Problem::NotAWholeNumber);
            }
            &t[..i]
        }
        _ => &t[..],
    };
    let groups: Vec<&str> = body.split(['.', ',']).collect();
    let ok = !groups[0].is_empty()
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        && groups[1..].iter().all(|g| g.len() == 3);
    if !ok {
        return Err(Problem::NotANumber);
    }
    let n: i64 = groups.concat().parse().map_err(|_| Problem::NotANumber)?;
    if n > MAX {
        return Err(Problem::OutOfRange { min: 0, max: MAX });
    }
    Ok(Some(n))
}

impl ItemDraft {
    pub fn parse(f: &ItemForm, this_year: i32) -> Result<ItemDraft, crate::field::Invalid> {
        use crate::field::{Collector, optional, optional_text};
        let mut c = Collector::default();
        let barcode = c.take(
            "barcode",
            optional(&f.barcode).map(Barcode::parse).transpose(),
        );
        let call_number = c.take("call_number", optional_text(&f.call_number, 60));
        let location = c.take("location", optional_text(&f.location, 100));
        let status = c.take(
            "status",
            match optional(&f.status) {
                None => Ok(None),
                Some(s) => match ItemStatus::parse(s) {
                    Ok(ItemStatus::OnLoan) => Err(Problem::NotAllowedHere),
                    Ok(s) => Ok(Some(s)),
                    Err(p) => Err(p),
                },
            },
        );
        let source = c.take("source", optional_text(&f.source, 100));
        let acquired_on = c.take("acquired_on", parse_date(&f.acquired_on, this_year));
        let price = c.take("price", parse_rupiah(&f.price));
        let notes = c.take("notes", optional_text(&f.notes, 1000));
        match (
            barcode,
            call_number,
            location,
            status,
            source,
            acquired_on,
            price,
            notes,
        ) {
            (
                Some(barcode),
                Some(call_number),
                Some(location),
                Some(status),
                Some(source),
                Some(acquired_on),
                Some(price),
                Some(notes),
            ) if c.errors.is_empty() => Ok(ItemDraft {
                barcode,
                call_number,
                location,
                status,
                source,
                acquired_on,
                price,
                notes,
            }),
            _ => Err(c.errors),
        }
    }
}

#[cfg(test)]
mod item_tests {
    use super::*;

    #[test]
    fn barcodes() {
        assert_eq!(Barcode::parse("  B000123 ").unwrap().as_str(), "B000123");
        assert_eq!(
            Barcode::parse("INV/2019-007").unwrap().as_str(),
            "INV/2019-007"
        );
        assert_eq!(Barcode::parse(" "), Err(Problem::Required));
        assert_eq!(Barcode::parse("B 12"), Err(Problem::BadBarcode));
        assert_eq!(Barcode::parse("Bé12"), Err(Problem::BadBarcode));
        assert_eq!(
            Barcode::parse(&"9".repeat(33)),
            Err(Problem::TooLong { max: 32 })
        );
        assert!(Barcode::parse(&"9".repeat(32)).is_ok());
        assert_eq!(Barcode::generated(1).as_str(), "B000001");
        assert_eq!(Barcode::generated(1_234_567).as_str(), "B1234567");
        // Generated codes sort in the order they were made.
        assert!(Barcode::generated(99) < Barcode::generated(100));
    }

    #[test]
    fn default_call_numbers_follow_village_practice() {
        let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            default_call_number(Some("910"), &a(&["Suyanto, Rachmatun"]), "Bumi kita").as_deref(),
            Some("910 SUY b")
        );
        // Direct-order Indonesian names are entered under the last element.
        assert_eq!(
            default_call_number(
                Some("899.221 3"),
                &a(&["Hesti Sunarto"]),
                "Sayap yang Patah"
            )
            .as_deref(),
            Some("899.221 3 SUN s")
        );
        // No author: the title is the main entry. English articles skipped.
        assert_eq!(
            default_call_number(Some("030"), &[], "The Encyclopedia of Rice").as_deref(),
            Some("030 ENC e")
        );
        assert_eq!(
            default_call_number(None, &a(&["Ø"]), "Édu").as_deref(),
            Some("EDU e")
        );
        assert_eq!(default_call_number(None, &[], "  "), None);
    }

    #[test]
    fn rupiah_as_people_write_it() {
        for (s, n) in [
            ("75000", 75_000),
            ("75.000", 75_000),
            ("Rp 75.000,00", 75_000),
            ("Rp75,000", 75_000),
            ("1.250.000", 1_250_000),
            ("0", 0),
        ] {
            assert_eq!(parse_rupiah(s), Ok(Some(n)), "{s}");
        }
        assert_eq!(parse_rupiah(""), Ok(None));
        assert_eq!(parse_rupiah("75.000,50"), Err(Problem::NotAWholeNumber));
        assert_eq!(parse_rupiah("tujuh"), Err(Problem::NotANumber));
        assert_eq!(parse_rupiah("-5"), Err(Problem::NotANumber));
        assert_eq!(parse_rupiah("7.50.000"), Err(Problem::NotANumber));
    }

    #[test]
    fn dates_iso_and_indonesian() {
        let d = chrono::NaiveDate::from_ymd_opt(2024, 7, 17);
        assert_eq!(parse_date("2024-07-17", 2026), Ok(d));
        assert_eq!(parse_date("17/07/2024", 2026), Ok(d));
        assert_eq!(parse_date("17-07-2024", 2026), Ok(d));
        assert_eq!(parse_date("2024-13-01", 2026), Err(Problem::BadDate));
        assert_eq!(parse_date("2029-01-01", 2026), Err(Problem::BadDate));
    }

    #[test]
    fn item_forms() {
        let f = ItemForm {
            barcode: "".into(),
            location: "Rak 3".into(),
            status: "repair".into(),
            source: "Bantuan Perpusnas 2024".into(),
            acquired_on: "2024-07-17".into(),
            price: "Rp 85.000".into(),
            ..Default::default()
        };
        let d = ItemDraft::parse(&f, 2026).unwrap();
        assert_eq!(d.barcode, None);
        assert_eq!(d.status, Some(ItemStatus::InRepair));
        assert_eq!(d.price, Some(85_000));
        let bad = ItemForm {
            barcode: "B 1".into(),
            status: "on_loan".into(),
            acquired_on: "kemarin".into(),
            price: "murah".into(),
            ..Default::default()
        };
        let e = ItemDraft::parse(&bad, 2026).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|x| x.field).collect();
        assert_eq!(fields, ["barcode", "status", "acquired_on", "price"]);
        assert_eq!(
            e.for_field("status").unwrap().problem,
            Problem::NotAllowedHere
        );
    }

    #[test]
    fn biblio_form_round_trip() {
        let f = BiblioForm {
            title: "Budidaya Lele".into(),
            authors: "Suyanto, Rachmatun\nAmri, Khairul".into(),
            isbn: "9789790024182".into(),
            ddc: "639.3".into(),
            collection: "umum".into(),
            ..Default::default()
        };
        let d = BiblioDraft::parse(&f, 2026).unwrap();
        assert_eq!(d.to_form(), f);
        assert_eq!(d.call_number_or_default().as_deref(), Some("639.3 SUY b"));
        let mut g = BiblioForm::default();
        for (k, v) in f.pairs() {
            assert!(g.set(k, &v));
        }
        assert_eq!(g, f);
    }
}

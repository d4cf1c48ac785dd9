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

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

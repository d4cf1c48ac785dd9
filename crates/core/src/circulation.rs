//! Circulation's domain types: members and their loans. (The member and loan
//! rules arrive with the circulation feature; the NIK comes first because
//! member imports and the privacy rules depend on it.)

use crate::field::Problem;
use crate::regions::RegionCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A Nomor Induk Kependudukan: the 16-digit national identity number.
///
/// Its digits say where it was issued (province, regency, district: the
/// first six), the holder's birth date (DDMMYY, with 40 added to the day for
/// women) and a sequence. We check that structure, not that the person
/// exists. The number is personal data: `Debug` and `Display` show it masked,
/// and the full number is only reachable through [`Nik::reveal`], which
/// callers use only for people allowed to see it (that library's staff).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nik(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NikSex {
    Male,
    Female,
}

impl Nik {
    /// Accepts the 16 digits with spaces, dots or dashes between groups.
    pub fn parse(s: &str) -> Result<Nik, Problem> {
        let d: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        if d.len() != 16 || !d.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::BadNik);
        }
        let num = |a: usize, b: usize| d[a..b].parse::<u32>().unwrap_or(0);
        let (province, day, month, seq) = (num(0, 2), num(6, 8), num(8, 10), num(12, 16));
        let day_ok = (1..=31).contains(&day) || (41..=71).contains(&day);
        // Province codes run from 11 (Aceh) to 96 (Papua Barat Daya).
        if !(11..=96).contains(&province) || !day_ok || !(1..=12).contains(&month) || seq == 0 {
            return Err(Problem::BadNik);
        }
        Ok(Nik(d))
    }

    /// The full number. Call only when showing it to someone entitled to it.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// "************0042": enough for a person to recognise their own number
    /// on a screen, not enough to misuse it.
    pub fn masked(&self) -> String {
        format!("{}{}", "*".repeat(12), &self.0[12..])
    }

    /// The kecamatan the number was issued in.
    pub fn district(&self) -> Option<RegionCode> {
        RegionCode::parse(&self.0[..6]).ok()
    }

    pub fn sex(&self) -> NikSex {
        if self.0[6..8].parse::<u32>().unwrap_or(0) > 40 {
            NikSex::Female
        } else {
            NikSex::Male
        }
    }

    /// The birth date the number encodes. Two-digit years are read as the
    /// most recent past century relative to `today`.
    pub fn birth_date(&self, today: NaiveDate) -> Option<NaiveDate> {
        use chrono::Datelike;
        let day = self.0[6..8].parse::<u32>().ok()? % 40;
        let month = self.0[8..10].parse::<u32>().ok()?;
        let yy = self.0[10..12].parse::<i32>().ok()?;
        let century = today.year() / 100 * 100;
        let year = if century + yy > today.year() {
            century - 100 + yy
        } else {
            century + yy
        };
        NaiveDate::from_ymd_opt(year, month, day)
    }
}

impl fmt::Debug for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nik({})", self.masked())
    }
}

impl fmt::Display for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl TryFrom<String> for Nik {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        // Never echo a rejected NIK back into logs.
        Nik::parse(&s).map_err(|_| "bad NIK".to_string())
    }
}

impl From<Nik> for String {
    fn from(n: Nik) -> String {
        n.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_and_masks() {
        // Magetan (3520 01), born 17-08-1990, a man, sequence 0042.
        let n = Nik::parse("3520 0117 0890 0042").unwrap();
        assert_eq!(n.reveal(), "3520011708900042");
        assert_eq!(n.masked(), "************0042");
        assert_eq!(format!("{n}"), "************0042");
        assert_eq!(format!("{n:?}"), "Nik(************0042)");
        assert_eq!(n.district().unwrap().as_str(), "352001");
        assert_eq!(n.sex(), NikSex::Male);
        assert_eq!(n.birth_date(d(2026, 11, 21)), Some(d(1990, 8, 17)));
    }

    #[test]
    fn women_have_forty_added_to_the_day() {
        let n = Nik::parse("6103045702150001").unwrap();
        assert_eq!(n.sex(), NikSex::Female);
        assert_eq!(n.birth_date(d(2026, 11, 21)), Some(d(2015, 2, 17)));
    }

    #[test]
    fn refuses_bad_shapes() {
        for bad in [
            "",
            "352001170890004",   // 15 digits
            "35200117089000421", // 17 digits
            "3520011708900O42",  // a letter O
            "0520011708900042",  // province 05 does not exist
            "3520013208900042",  // day 32
            "3520011713900042",  // month 13
            "3520011708900000",  // sequence 0000
        ] {
            assert_eq!(Nik::parse(bad), Err(Problem::BadNik), "{bad}");
        }
    }

    #[test]
    fn rejected_values_are_not_echoed() {
        let e = Nik::try_from("3520011708900000".to_string()).unwrap_err();
        assert!(!e.contains("3520"));
    }
}

//! The guest book: who came to the library, and why.
//!
//! One check-in is one visit; a group (rombongan) is one visit with its
//! headcount split by gender, so every figure here counts *people* (the sum
//! of males and females) and a class of 30 counts as 30, not 1.
//!
//! Days are the library's local days. Indonesia has three time zones, so the
//! zone comes from the library's province ([`TimeZone::of_region`]).

use crate::field::{Collector, Invalid, Problem, optional, optional_int, required_text};
use crate::libraries::choice_enum;
use crate::regions::RegionCode;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

// One gender and one set of age groups for the whole library: members and
// visits must agree, or the monitoring tables would not add up.
pub use crate::circulation::{AgeGroup, Gender};

/// Reads a gender as other features and files store it: `L`/`P`,
/// `laki-laki`/`perempuan`, `male`/`female`, `m`/`f`.
pub fn gender_from_text(s: &str) -> Option<Gender> {
    match s.trim().to_lowercase().as_str() {
        "l" | "lk" | "laki-laki" | "laki laki" | "pria" | "male" | "m" => Some(Gender::L),
        "p" | "pr" | "perempuan" | "wanita" | "female" | "f" | "w" => Some(Gender::P),
        _ => None,
    }
}

/// An age group's position in [`AgeGroup::ALL`], for tallies.
pub fn age_index(a: AgeGroup) -> usize {
    AgeGroup::ALL.iter().position(|x| *x == a).unwrap_or(0)
}

choice_enum!(
    /// Why the visitor came.
    Purpose {
        Membaca = "membaca",
        Meminjam = "meminjam",
        Internet = "internet",
        Belajar = "belajar",
        Kegiatan = "kegiatan",
        Lainnya = "lainnya",
    }
);

impl Purpose {
    pub fn index(self) -> usize {
        Purpose::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }
}

/// Indonesia's three time zones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TimeZone {
    /// Waktu Indonesia Barat, UTC+7.
    Wib,
    /// Waktu Indonesia Tengah, UTC+8.
    Wita,
    /// Waktu Indonesia Timur, UTC+9.
    Wit,
}

impl TimeZone {
    /// The zone of a province by its two-digit Kemendagri code. WITA: Bali,
    /// NTB, NTT, Kalimantan Selatan, Timur and Utara, all of Sulawesi; WIT:
    /// Maluku, Maluku Utara and the Papua provinces; WIB elsewhere.
    pub fn of_province(code: &str) -> TimeZone {
        match code.get(..2).and_then(|p| p.parse::<u8>().ok()) {
            Some(51..=53 | 63..=65 | 71..=76) => TimeZone::Wita,
            Some(81 | 82 | 91..=97) => TimeZone::Wit,
            _ => TimeZone::Wib,
        }
    }

    /// The zone of any region (a library's village): its province's.
    pub fn of_region(code: &RegionCode) -> TimeZone {
        TimeZone::of_province(code.as_str())
    }

    pub fn offset_hours(self) -> i64 {
        match self {
            TimeZone::Wib => 7,
            TimeZone::Wita => 8,
            TimeZone::Wit => 9,
        }
    }

    pub fn abbrev(self) -> &'static str {
        match self {
            TimeZone::Wib => "WIB",
            TimeZone::Wita => "WITA",
            TimeZone::Wit => "WIT",
        }
    }

    /// A UTC time as the library's wall-clock time.
    pub fn local(self, utc: NaiveDateTime) -> NaiveDateTime {
        utc + Duration::hours(self.offset_hours())
    }

    /// The library's calendar day at a UTC instant.
    pub fn local_date(self, utc: NaiveDateTime) -> NaiveDate {
        self.local(utc).date()
    }
}

/// How far back staff may enter a day the kiosk was not used.
pub const BACKDATE_DAYS: i64 = 31;
/// The largest group one entry may record.
pub const MAX_GROUP: i64 = 2000;

/// A check-in as typed at the kiosk, in the staff form or sent to the API:
/// all text, so a rejected form comes back exactly as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VisitForm {
    /// `individual` (default) or `group`.
    pub mode: String,
    /// The kiosk's one box: a scanned card number or a typed name. Text with
    /// a digit in it is read as a card number (names have none).
    pub visitor: String,
    /// Explicitly a member card number (API, staff form).
    pub member_no: String,
    /// Explicitly a name.
    pub visitor_name: String,
    pub gender: String,
    pub age_group: String,
    pub purpose: String,
    pub group_name: String,
    pub males: String,
    pub females: String,
    /// Staff only: the day of a visit entered afterwards (YYYY-MM-DD).
    pub visit_date: String,
}

impl VisitForm {
    /// Sets a field by key; unknown keys are ignored and reported.
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        let slot = match key {
            "mode" => &mut self.mode,
            "visitor" => &mut self.visitor,
            "member_no" => &mut self.member_no,
            "visitor_name" => &mut self.visitor_name,
            "gender" => &mut self.gender,
            "age_group" => &mut self.age_group,
            "purpose" => &mut self.purpose,
            "group_name" => &mut self.group_name,
            "males" => &mut self.males,
            "females" => &mut self.females,
            "visit_date" => &mut self.visit_date,
            _ => return false,
        };
        *slot = value.to_string();
        true
    }

    pub fn is_group(&self) -> bool {
        self.mode.trim().eq_ignore_ascii_case("group") || self.mode.trim() == "rombongan"
    }
}

/// Who came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Visitor {
    /// A member, by the number on their card. Gender and age group come from
    /// the member's record where it has them.
    Member { member_no: String },
    /// Someone who gave their name.
    Named { name: String },
    /// A group: a school class, a women's group, a village meeting.
    Group {
        name: String,
        males: i32,
        females: i32,
    },
}

/// A checked check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitDraft {
    pub visitor: Visitor,
    /// Required for a named visitor; for a member, used only when the
    /// member's record has no gender.
    pub gender: Option<Gender>,
    /// Required for named visitors and groups; for a member, used only when
    /// the member's record has no birth date.
    pub age_group: Option<AgeGroup>,
    pub purpose: Purpose,
    /// A back-dated entry's day; `None` means now.
    pub date: Option<NaiveDate>,
}

/// Whether kiosk text is a card number rather than a name.
pub fn looks_like_card(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.chars().any(|c| c.is_ascii_digit()) && !t.contains(char::is_whitespace)
}

fn choice<T>(s: &str, parse: fn(&str) -> Result<T, Problem>) -> Result<Option<T>, Problem> {
    match optional(s) {
        None => Ok(None),
        Some(t) => parse(t).map(Some),
    }
}

fn required<T>(r: Result<Option<T>, Problem>) -> Result<T, Problem> {
    r.and_then(|v| v.ok_or(Problem::Required))
}

impl VisitDraft {
    /// `today` is the library's local date; `allow_backdate` is true for
    /// staff entering a day afterwards (the kiosk records only now).
    pub fn parse(f: &VisitForm, today: NaiveDate, allow_backdate: bool) -> Result<Self, Invalid> {
        let mut c = Collector::default();
        let group = f.is_group();
        if !group && !f.mode.trim().is_empty() && !f.mode.trim().eq_ignore_ascii_case("individual")
        {
            c.errors.push("mode", Problem::UnknownChoice);
        }
        let visitor = if group {
            let name = c.take("group_name", required_text(&f.group_name, 120));
            let males = c.take("males", optional_int(&f.males, 0, MAX_GROUP));
            let females = c.take("females", optional_int(&f.females, 0, MAX_GROUP));
            match (name, males, females) {
                (Some(name), Some(m), Some(w)) => {
                    let (m, w) = (m.unwrap_or(0), w.unwrap_or(0));
                    if m + w == 0 {
                        c.errors.push("males", Problem::Required);
                        None
                    } else if m + w > MAX_GROUP {
                        c.errors.push(
                            "females",
                            Problem::OutOfRange {
                                min: 0,
                                max: MAX_GROUP - m,
                            },
                        );
                        None
                    } else {
                        Some(Visitor::Group {
                            name,
                            males: m as i32,
                            females: w as i32,
                        })
                    }
                }
                _ => None,
            }
        } else if let Some(no) = optional(&f.member_no) {
            c.take("member_no", card_number(no))
                .map(|member_no| Visitor::Member { member_no })
        } else if let Some(name) = optional(&f.visitor_name) {
            c.take("visitor_name", required_text(name, 120))
                .map(|name| Visitor::Named { name })
        } else {
            match optional(&f.visitor) {
                None => {
                    c.errors.push("visitor", Problem::Required);
                    None
                }
                Some(t) if looks_like_card(t) => c
                    .take("visitor", card_number(t))
                    .map(|member_no| Visitor::Member { member_no }),
                Some(t) => c
                    .take("visitor", required_text(t, 120))
                    .map(|name| Visitor::Named { name }),
            }
        };
        let is_member = matches!(visitor, Some(Visitor::Member { .. }));
        let gender = if group {
            None
        } else if is_member {
            c.take("gender", choice(&f.gender, Gender::parse)).flatten()
        } else {
            c.take("gender", required(choice(&f.gender, Gender::parse)))
        };
        let age_group = if is_member {
            c.take("age_group", choice(&f.age_group, AgeGroup::parse))
                .flatten()
        } else {
            c.take("age_group", required(choice(&f.age_group, AgeGroup::parse)))
        };
        let purpose = c.take("purpose", required(choice(&f.purpose, Purpose::parse)));
        let date = match optional(&f.visit_date) {
            None => None,
            Some(_) if !allow_backdate => {
                c.errors.push("visit_date", Problem::NotAllowedHere);
                None
            }
            Some(t) => match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
                Err(_) => {
                    c.errors.push("visit_date", Problem::BadDate);
                    None
                }
                Ok(d) => {
                    let earliest = today - Duration::days(BACKDATE_DAYS);
                    if d < earliest || d > today {
                        c.errors.push(
                            "visit_date",
                            Problem::DateOutOfRange {
                                earliest,
                                latest: today,
                            },
                        );
                    }
                    Some(d)
                }
            },
        };
        match (visitor, purpose) {
            (Some(visitor), Some(purpose)) if c.errors.is_empty() => Ok(VisitDraft {
                visitor,
                gender: if group { None } else { gender },
                age_group,
                purpose,
                date: date.filter(|d| *d != today),
            }),
            _ => Err(c.errors),
        }
    }
}

fn card_number(s: &str) -> Result<String, Problem> {
    let t = s.trim();
    if t.chars().count() > 40 {
        Err(Problem::TooLong { max: 40 })
    } else {
        Ok(t.to_string())
    }
}

/// Day or month buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    Day,
    Month,
}

impl Granularity {
    pub fn parse(s: &str) -> Result<Granularity, Problem> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "day" | "hari" => Ok(Granularity::Day),
            "month" | "bulan" => Ok(Granularity::Month),
            _ => Err(Problem::UnknownChoice),
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            Granularity::Day => "day",
            Granularity::Month => "month",
        }
    }
    /// The first day of the bucket `d` falls in.
    pub fn bucket(self, d: NaiveDate) -> NaiveDate {
        match self {
            Granularity::Day => d,
            Granularity::Month => d.with_day(1).unwrap_or(d),
        }
    }
    /// The first day of the bucket after the one starting at `start`.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Granularity::Day => start + Duration::days(1),
            Granularity::Month => {
                let (y, m) = if start.month() == 12 {
                    (start.year() + 1, 1)
                } else {
                    (start.year(), start.month() + 1)
                };
                NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(start)
            }
        }
    }
}

/// The longest range a counts request may ask for, so a typo cannot ask a
/// server for a thousand years of days.
pub const MAX_RANGE_DAYS: i64 = 3660;

/// One grouped row as the database returns it: a day, an age group and a
/// purpose with their sums. Keys stay text so an unexpected stored value is
/// skipped rather than fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountRow {
    pub date: NaiveDate,
    pub age_group: String,
    pub purpose: String,
    /// Rows (check-ins and group entries).
    pub checkins: i64,
    pub males: i64,
    pub females: i64,
}

/// The figures of one period (or the whole range). Breakdowns count people.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Check-ins: one per individual visit or group entry.
    pub checkins: i64,
    /// People: males + females.
    pub visitors: i64,
    pub males: i64,
    pub females: i64,
    /// People per [`AgeGroup::ALL`] entry, in that order.
    pub by_age: [i64; 4],
    /// People per [`Purpose::ALL`] entry, in that order.
    pub by_purpose: [i64; 6],
}

impl Tally {
    fn add(&mut self, r: &CountRow, age: AgeGroup, purpose: Purpose) {
        let people = r.males + r.females;
        self.checkins += r.checkins;
        self.visitors += people;
        self.males += r.males;
        self.females += r.females;
        self.by_age[age_index(age)] += people;
        self.by_purpose[purpose.index()] += people;
    }
}

/// One period: a day, or a month (starting on its first day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub start: NaiveDate,
    #[serde(flatten)]
    pub tally: Tally,
}

/// Counts over a date range, every period present (zeros included, so a
/// table or chart shows the quiet days too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub granularity: Granularity,
    pub buckets: Vec<Bucket>,
    pub total: Tally,
}

impl Counts {
    /// Folds grouped rows into periods from `from` to `to` inclusive.
    pub fn from_rows(
        from: NaiveDate,
        to: NaiveDate,
        granularity: Granularity,
        rows: impl IntoIterator<Item = CountRow>,
    ) -> Counts {
        let mut buckets = Vec::new();
        let mut start = granularity.bucket(from);
        while start <= to {
            buckets.push(Bucket {
                start,
                tally: Tally::default(),
            });
            start = granularity.next(start);
        }
        let mut total = Tally::default();
        for r in rows {
            if r.date < from || r.date > to {
                continue;
            }
            let (Ok(age), Ok(purpose)) =
                (AgeGroup::parse(&r.age_group), Purpose::parse(&r.purpose))
            else {
                continue;
            };
            let key = granularity.bucket(r.date);
            if let Ok(i) = buckets.binary_search_by(|b| b.start.cmp(&key)) {
                buckets[i].tally.add(&r, age, purpose);
            }
            total.add(&r, age, purpose);
        }
        Counts {
            from,
            to,
            granularity,
            buckets,
            total,
        }
    }
}

/// Checks a requested range: `from` ≤ `to`, at most [`MAX_RANGE_DAYS`].
pub fn parse_range(
    from: &str,
    to: &str,
    default_from: NaiveDate,
    default_to: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), Invalid> {
    let mut c = Collector::default();
    let date = |s: &str, d: NaiveDate| match optional(s) {
        None => Ok(d),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| Problem::BadDate),
    };
    let f = c.take("from", date(from, default_from));
    let t = c.take("to", date(to, default_to));
    if let (Some(f), Some(t)) = (f, t) {
        if t < f || (t - f).num_days() > MAX_RANGE_DAYS {
            c.errors.push(
                "to",
                Problem::DateOutOfRange {
                    earliest: f,
                    latest: f + Duration::days(MAX_RANGE_DAYS),
                },
            );
        }
        return c.errors.finish((f, t));
    }
    Err(c.errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn time_zones_by_province() {
        for (p, z) in [
            ("35", TimeZone::Wib),
            ("61", TimeZone::Wib),
            ("62", TimeZone::Wib),
            ("11", TimeZone::Wib),
            ("51", TimeZone::Wita),
            ("52", TimeZone::Wita),
            ("53", TimeZone::Wita),
            ("63", TimeZone::Wita),
            ("64", TimeZone::Wita),
            ("65", TimeZone::Wita),
            ("71", TimeZone::Wita),
            ("76", TimeZone::Wita),
            ("77", TimeZone::Wib),
            ("81", TimeZone::Wit),
            ("82", TimeZone::Wit),
            ("91", TimeZone::Wit),
            ("97", TimeZone::Wit),
            ("", TimeZone::Wib),
        ] {
            assert_eq!(TimeZone::of_province(p), z, "{p}");
        }
        let kupang = RegionCode::parse("5371011001").unwrap();
        assert_eq!(TimeZone::of_region(&kupang), TimeZone::Wita);
    }

    #[test]
    fn local_date_crosses_midnight_east_of_jakarta() {
        let utc = d("2026-03-09").and_hms_opt(23, 30, 0).unwrap();
        assert_eq!(TimeZone::Wib.local_date(utc), d("2026-03-10"));
        assert_eq!(TimeZone::Wita.local_date(utc), d("2026-03-10"));
        let utc = d("2026-03-09").and_hms_opt(16, 30, 0).unwrap();
        assert_eq!(TimeZone::Wib.local_date(utc), d("2026-03-09"));
        assert_eq!(TimeZone::Wita.local_date(utc), d("2026-03-10"));
        assert_eq!(TimeZone::Wit.local_date(utc), d("2026-03-10"));
        assert_eq!(TimeZone::Wit.abbrev(), "WIT");
    }

    #[test]
    fn genders_from_any_spelling() {
        assert_eq!(gender_from_text("Perempuan"), Some(Gender::P));
        assert_eq!(gender_from_text("l"), Some(Gender::L));
        assert_eq!(gender_from_text("?"), None);
        assert_eq!(age_index(AgeGroup::Lansia), 3);
    }

    fn form(pairs: &[(&str, &str)]) -> VisitForm {
        let mut f = VisitForm::default();
        for (k, v) in pairs {
            assert!(f.set(k, v), "{k}");
        }
        f
    }

    #[test]
    fn kiosk_box_reads_cards_and_names() {
        let today = d("2026-11-21");
        let f = form(&[
            ("visitor", " Sri Wahyuni "),
            ("gender", "P"),
            ("age_group", "dewasa"),
            ("purpose", "membaca"),
        ]);
        let v = VisitDraft::parse(&f, today, false).unwrap();
        assert_eq!(
            v.visitor,
            Visitor::Named {
                name: "Sri Wahyuni".into()
            }
        );
        assert_eq!(v.gender, Some(Gender::P));
        // A card needs no gender or age: the member's record has them.
        let f = form(&[("visitor", "AGT-000012"), ("purpose", "meminjam")]);
        let v = VisitDraft::parse(&f, today, false).unwrap();
        assert_eq!(
            v.visitor,
            Visitor::Member {
                member_no: "AGT-000012".into()
            }
        );
        assert_eq!((v.gender, v.age_group), (None, None));
        // A name needs both, and every problem is reported at once.
        let e = VisitDraft::parse(&form(&[("visitor", "Budi")]), today, false).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["gender", "age_group", "purpose"]);
        let e = VisitDraft::parse(&form(&[("purpose", "membaca")]), today, false).unwrap_err();
        assert_eq!(e.0[0].field, "visitor");
        let e = VisitDraft::parse(
            &form(&[
                ("visitor", "Budi"),
                ("gender", "X"),
                ("age_group", "bayi"),
                ("purpose", "tidur"),
            ]),
            today,
            false,
        )
        .unwrap_err();
        assert!(e.0.iter().all(|e| e.problem == Problem::UnknownChoice));
        assert_eq!(e.0.len(), 3);
    }

    #[test]
    fn groups_need_a_headcount() {
        let today = d("2026-11-21");
        let base = [
            ("mode", "group"),
            ("group_name", "SDN 1 Sukomoro kelas 5"),
            ("age_group", "anak"),
            ("purpose", "kegiatan"),
        ];
        let mut p = base.to_vec();
        p.extend([("males", "12"), ("females", "16")]);
        let v = VisitDraft::parse(&form(&p), today, false).unwrap();
        assert_eq!(
            v.visitor,
            Visitor::Group {
                name: "SDN 1 Sukomoro kelas 5".into(),
                males: 12,
                females: 16
            }
        );
        assert_eq!(v.gender, None);
        let e = VisitDraft::parse(&form(&base), today, false).unwrap_err();
        assert_eq!(e.0[0].field, "males");
        let mut p = base.to_vec();
        p.extend([("males", "dua"), ("females", "-1")]);
        let e = VisitDraft::parse(&form(&p), today, false).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["males", "females"]);
    }

    #[test]
    fn backdating_is_for_staff_within_a_month() {
        let today = d("2026-11-21");
        let base = [
            ("visitor", "Budi"),
            ("gender", "L"),
            ("age_group", "remaja"),
            ("purpose", "internet"),
        ];
        let with = |date: &str| {
            let mut p = base.to_vec();
            p.push(("visit_date", date));
            form(&p)
        };
        let v = VisitDraft::parse(&with("2026-11-01"), today, true).unwrap();
        assert_eq!(v.date, Some(d("2026-11-01")));
        assert_eq!(
            VisitDraft::parse(&with("2026-11-21"), today, true)
                .unwrap()
                .date,
            None
        );
        let e = VisitDraft::parse(&with("2026-10-01"), today, true).unwrap_err();
        assert!(matches!(e.0[0].problem, Problem::DateOutOfRange { .. }));
        let e = VisitDraft::parse(&with("2026-11-22"), today, true).unwrap_err();
        assert!(matches!(e.0[0].problem, Problem::DateOutOfRange { .. }));
        let e = VisitDraft::parse(&with("kemarin"), today, true).unwrap_err();
        assert_eq!(e.0[0].problem, Problem::BadDate);
        let e = VisitDraft::parse(&with("2026-11-01"), today, false).unwrap_err();
        assert_eq!(e.0[0].problem, Problem::NotAllowedHere);
    }

    fn row(date: &str, age: &str, purpose: &str, n: i64, m: i64, f: i64) -> CountRow {
        CountRow {
            date: d(date),
            age_group: age.into(),
            purpose: purpose.into(),
            checkins: n,
            males: m,
            females: f,
        }
    }

    #[test]
    fn counts_fold_by_day_and_month_counting_people() {
        let rows = vec![
            row("2026-01-05", "anak", "membaca", 3, 1, 2),
            // A school group of 30 is one check-in and 30 visitors.
            row("2026-01-05", "anak", "kegiatan", 1, 14, 16),
            row("2026-01-07", "dewasa", "internet", 2, 2, 0),
            row("2026-02-01", "lansia", "membaca", 1, 0, 1),
            row("2026-02-01", "alien", "membaca", 1, 0, 1),
            row("2025-12-31", "anak", "membaca", 1, 1, 0),
        ];
        let c = Counts::from_rows(
            d("2026-01-05"),
            d("2026-02-01"),
            Granularity::Day,
            rows.clone(),
        );
        assert_eq!(c.buckets.len(), 28);
        assert_eq!(c.buckets[0].tally.visitors, 33);
        assert_eq!(c.buckets[0].tally.checkins, 4);
        assert_eq!(c.buckets[1].tally, Tally::default());
        assert_eq!(c.total.visitors, 36);
        assert_eq!((c.total.males, c.total.females), (17, 19));
        assert_eq!(c.total.by_age, [33, 0, 2, 1]);
        assert_eq!(c.total.by_purpose, [4, 0, 2, 0, 30, 0]);
        let m = Counts::from_rows(d("2026-01-01"), d("2026-12-31"), Granularity::Month, rows);
        assert_eq!(m.buckets.len(), 12);
        assert_eq!(m.buckets[0].start, d("2026-01-01"));
        assert_eq!(m.buckets[0].tally.visitors, 35);
        assert_eq!(m.buckets[1].tally.visitors, 1);
        assert_eq!(m.buckets[11].start, d("2026-12-01"));
        assert_eq!(Granularity::Month.next(d("2026-12-01")), d("2027-01-01"));
    }

    #[test]
    fn ranges() {
        let (a, b) = (d("2026-01-01"), d("2026-01-31"));
        assert_eq!(parse_range("", "", a, b), Ok((a, b)));
        assert_eq!(
            parse_range("2026-02-01", "2026-02-03", a, b),
            Ok((d("2026-02-01"), d("2026-02-03")))
        );
        assert_eq!(parse_range("x", "", a, b).unwrap_err().0[0].field, "from");
        assert_eq!(
            parse_range("2026-02-03", "2026-02-01", a, b).unwrap_err().0[0].field,
            "to"
        );
        assert!(parse_range("1900-01-01", "2026-01-01", a, b).is_err());
        assert_eq!(Granularity::parse("bulan"), Ok(Granularity::Month));
        assert!(Granularity::parse("year").is_err());
    }
}

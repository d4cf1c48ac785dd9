//! The monthly figures of a library: data elements with disaggregations,
//! DHIS2-style, and the [`Figures`] value that holds one library-month.
//!
//! A figure is addressed by an [`Element`] (what is counted: visits, loans,
//! titles…) and a [`Disagg`] (which slice of it: all of it, women only,
//! children who came to read…). Each element keeps a fixed list of slices
//! ([`Element::cell_sets`]): the total, one slice per dimension, and the
//! cross-tabs the dashboards draw (gender × age). The store computes exactly
//! these cells from the daily records, keeps them current in its rollups,
//! and a library that keeps its records elsewhere types them in by hand —
//! such values carry `manual: true` all the way to the dashboards and exports.
//!
//! Elements are *flows* (counted within the month: visits, loans, new items)
//! or *stocks* (a level at the end of the month: titles, items, members).
//! A stock is never summed over months; that rule lives here, in
//! [`Element::kind`], so no indicator definition can break it.

use crate::circulation::{AgeGroup, Gender};
use crate::field::Problem;
use crate::libraries::choice_enum;
use crate::visits::Purpose;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

choice_enum!(
    /// What is counted. Keys are stable: they are stored in the rollups, the
    /// indicator definitions, manual entries and data-value exports.
    Element {
        Visits = "visits",
        MembersNew = "members_new",
        MembersActive = "members_active",
        Members = "members",
        Loans = "loans",
        Titles = "titles",
        Items = "items",
        ItemsNew = "items_new",
        Activities = "activities",
        Participants = "participants",
        WorkplanPlanned = "workplan_planned",
        WorkplanDone = "workplan_done",
        AidReceived = "aid_received",
    }
);

impl PartialOrd for Element {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Element {
    /// Vocabulary order (the order of [`Element::ALL`]), so reports list
    /// elements as the form does.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.index().cmp(&other.index())
    }
}

/// Whether an element counts events within the month or a level at its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Counted within the month; months add up (visits, loans).
    Flow,
    /// The level at the end of the month; months never add up (titles,
    /// items, registered members). Over a period the last month counts.
    Stock,
}

impl Element {
    pub fn index(self) -> usize {
        Element::ALL.iter().position(|e| *e == self).unwrap_or(0)
    }

    pub fn kind(self) -> Kind {
        match self {
            Element::Members | Element::Titles | Element::Items => Kind::Stock,
            _ => Kind::Flow,
        }
    }

    /// The slices kept for this element: always the total (`[]`), then one
    /// set of dimensions per slice family. The store computes exactly these.
    pub fn cell_sets(self) -> &'static [&'static [Dim]] {
        use Dim::*;
        match self {
            Element::Visits => &[&[], &[Gender], &[Age], &[Purpose], &[Gender, Age]],
            Element::MembersNew | Element::Members => &[&[], &[Gender]],
            Element::Activities => &[&[], &[Strategy]],
            Element::Participants => &[
                &[],
                &[Gender],
                &[Age],
                &[Disability],
                &[Strategy],
                &[Gender, Age],
            ],
            Element::MembersActive
            | Element::Loans
            | Element::Titles
            | Element::Items
            | Element::ItemsNew
            | Element::WorkplanPlanned
            | Element::WorkplanDone
            | Element::AidReceived => &[&[]],
        }
    }

    /// The slice families a person types when entering figures by hand;
    /// every other slice follows from them ([`Figures::complete`]). Each
    /// family adds up to the total on its own.
    pub fn entry_sets(self) -> &'static [&'static [Dim]] {
        use Dim::*;
        match self {
            Element::Visits => &[&[Gender, Age], &[Purpose]],
            Element::MembersNew | Element::Members => &[&[Gender]],
            Element::Activities => &[&[Strategy]],
            Element::Participants => &[&[Gender, Age], &[Disability], &[Strategy]],
            _ => &[&[]],
        }
    }
}

choice_enum!(
    /// A disaggregation dimension (DHIS2's category).
    Dim {
        Gender = "gender",
        Age = "age",
        Disability = "disability",
        Purpose = "purpose",
        Strategy = "strategy",
    }
);

impl Dim {
    pub fn index(self) -> usize {
        Dim::ALL.iter().position(|d| *d == self).unwrap_or(0)
    }

    /// The options of a closed dimension; `None` for open ones (strategy:
    /// its options are the activity feature's keys, stored as written).
    pub fn options(self) -> Option<Vec<&'static str>> {
        match self {
            Dim::Gender => Some(Gender::ALL.iter().map(|g| g.key()).collect()),
            Dim::Age => Some(AgeGroup::ALL.iter().map(|a| a.key()).collect()),
            Dim::Disability => Some(vec![DISABLED, NOT_DISABLED]),
            Dim::Purpose => Some(Purpose::ALL.iter().map(|p| p.key()).collect()),
            Dim::Strategy => None,
        }
    }

    /// Checks an option and returns its canonical spelling.
    pub fn option(self, s: &str) -> Result<String, Problem> {
        let t = s.trim();
        match self.options() {
            Some(opts) => opts
                .iter()
                .find(|o| o.eq_ignore_ascii_case(t))
                .map(|o| o.to_string())
                .ok_or(Problem::UnknownChoice),
            None => {
                let ok = !t.is_empty()
                    && t.len() <= 40
                    && t.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                if ok {
                    Ok(t.to_string())
                } else {
                    Err(Problem::UnknownChoice)
                }
            }
        }
    }
}

/// The disability options as stored.
pub const DISABLED: &str = "ya";
pub const NOT_DISABLED: &str = "tidak";

/// A slice of an element: a set of (dimension, option) pairs in dimension
/// order. The empty slice is the total. Stored and exchanged as its key,
/// `gender=P;age=anak` (the empty string for the total).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Disagg(Vec<(Dim, String)>);

impl PartialOrd for Dim {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Dim {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.index().cmp(&other.index())
    }
}

impl Disagg {
    /// The whole element.
    pub fn total() -> Disagg {
        Disagg(Vec::new())
    }

    /// A slice from pairs, each option checked; the order does not matter.
    pub fn of(pairs: &[(Dim, &str)]) -> Result<Disagg, Problem> {
        let mut v = Vec::with_capacity(pairs.len());
        for (d, o) in pairs {
            if v.iter().any(|(x, _)| x == d) {
                return Err(Problem::Duplicate);
            }
            v.push((*d, d.option(o)?));
        }
        v.sort();
        Ok(Disagg(v))
    }

    pub fn gender(g: Gender) -> Disagg {
        Disagg(vec![(Dim::Gender, g.key().to_string())])
    }

    pub fn age(a: AgeGroup) -> Disagg {
        Disagg(vec![(Dim::Age, a.key().to_string())])
    }

    pub fn gender_age(g: Gender, a: AgeGroup) -> Disagg {
        Disagg(vec![
            (Dim::Gender, g.key().to_string()),
            (Dim::Age, a.key().to_string()),
        ])
    }

    pub fn purpose(p: Purpose) -> Disagg {
        Disagg(vec![(Dim::Purpose, p.key().to_string())])
    }

    pub fn disability(disabled: bool) -> Disagg {
        let o = if disabled { DISABLED } else { NOT_DISABLED };
        Disagg(vec![(Dim::Disability, o.to_string())])
    }

    /// A strategy slice; the key must be a lowercase slug.
    pub fn strategy(key: &str) -> Result<Disagg, Problem> {
        Disagg::of(&[(Dim::Strategy, key)])
    }

    /// Parses a stored key (`""`, `gender=L`, `gender=L;age=anak`).
    pub fn parse(key: &str) -> Result<Disagg, Problem> {
        let key = key.trim();
        if key.is_empty() {
            return Ok(Disagg::total());
        }
        let mut pairs = Vec::new();
        for part in key.split(';') {
            let (d, o) = part.split_once('=').ok_or(Problem::UnknownChoice)?;
            pairs.push((Dim::parse(d)?, o));
        }
        Disagg::of(&pairs)
    }

    /// The stored key: pairs in dimension order, `;`-separated.
    pub fn key(&self) -> String {
        self.0
            .iter()
            .map(|(d, o)| format!("{}={}", d.key(), o))
            .collect::<Vec<_>>()
            .join(";")
    }

    pub fn is_total(&self) -> bool {
        self.0.is_empty()
    }

    pub fn dims(&self) -> Vec<Dim> {
        self.0.iter().map(|(d, _)| *d).collect()
    }

    pub fn pairs(&self) -> &[(Dim, String)] {
        &self.0
    }

    /// The option of one dimension, if this slice fixes it.
    pub fn get(&self, dim: Dim) -> Option<&str> {
        self.0
            .iter()
            .find(|(d, _)| *d == dim)
            .map(|(_, o)| o.as_str())
    }

    /// This slice restricted to `dims` (the slice one level up).
    pub fn project(&self, dims: &[Dim]) -> Disagg {
        Disagg(
            self.0
                .iter()
                .filter(|(d, _)| dims.contains(d))
                .cloned()
                .collect(),
        )
    }

    /// Whether this slice's dimensions are exactly `dims` (in any order).
    pub fn has_dims(&self, dims: &[Dim]) -> bool {
        self.0.len() == dims.len() && dims.iter().all(|d| self.get(*d).is_some())
    }
}

impl fmt::Display for Disagg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

impl Serialize for Disagg {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.key())
    }
}

impl<'de> Deserialize<'de> for Disagg {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Disagg::parse(&s).map_err(|_| serde::de::Error::custom(format!("bad disaggregation {s:?}")))
    }
}

/// A calendar month, stored as `yyyymm` (202503).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    year: i32,
    month: u32,
}

impl Period {
    pub fn new(year: i32, month: u32) -> Result<Period, Problem> {
        if !(1..=12).contains(&month) || !(1900..=9999).contains(&year) {
            return Err(Problem::BadDate);
        }
        Ok(Period { year, month })
    }

    pub fn of(date: NaiveDate) -> Period {
        Period {
            year: date.year(),
            month: date.month(),
        }
    }

    /// From `yyyymm` as stored.
    pub fn from_yyyymm(v: i32) -> Result<Period, Problem> {
        Period::new(v / 100, (v % 100) as u32)
    }

    /// Parses `2025-03` or `202503`.
    pub fn parse(s: &str) -> Result<Period, Problem> {
        let t = s.trim();
        let (y, m) = match t.split_once('-') {
            Some((y, m)) => (y, m),
            None if t.len() == 6 => t.split_at(4),
            None => return Err(Problem::BadDate),
        };
        let y = y.parse::<i32>().map_err(|_| Problem::BadDate)?;
        let m = m.parse::<u32>().map_err(|_| Problem::BadDate)?;
        Period::new(y, m)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn yyyymm(self) -> i32 {
        self.year * 100 + self.month as i32
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    /// The first day of the next month: periods are half-open ranges.
    pub fn end(self) -> NaiveDate {
        self.next().first_day()
    }

    pub fn last_day(self) -> NaiveDate {
        self.end().pred_opt().unwrap_or_default()
    }

    pub fn next(self) -> Period {
        if self.month == 12 {
            Period {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Period {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn prev(self) -> Period {
        if self.month == 1 {
            Period {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Period {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// Months from `self` to `to`, both included (0 when `to` is earlier).
    pub fn months_to(self, to: Period) -> u32 {
        let a = self.year * 12 + self.month as i32;
        let b = to.year * 12 + to.month as i32;
        if b < a { 0 } else { (b - a + 1) as u32 }
    }

    /// Every month from `self` to `to`, both included.
    pub fn through(self, to: Period) -> impl Iterator<Item = Period> {
        let n = self.months_to(to);
        std::iter::successors(Some(self), |p| Some(p.next())).take(n as usize)
    }
}

impl Default for Period {
    /// January 1970: a placeholder for empty values, never a real period.
    fn default() -> Self {
        Period {
            year: 1970,
            month: 1,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl TryFrom<String> for Period {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Period::parse(&s).map_err(|_| format!("bad period {s:?}"))
    }
}

impl From<Period> for String {
    fn from(p: Period) -> String {
        p.to_string()
    }
}

/// A run of whole months, both ends included (at most ten years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PeriodRange {
    pub from: Period,
    pub to: Period,
}

impl PeriodRange {
    pub const MAX_MONTHS: u32 = 120;

    pub fn new(from: Period, to: Period) -> Result<PeriodRange, Problem> {
        if to < from {
            return Err(Problem::EndBeforeStart);
        }
        if from.months_to(to) > Self::MAX_MONTHS {
            return Err(Problem::OutOfRange {
                min: 1,
                max: i64::from(Self::MAX_MONTHS),
            });
        }
        Ok(PeriodRange { from, to })
    }

    /// One month.
    pub fn month(p: Period) -> PeriodRange {
        PeriodRange { from: p, to: p }
    }

    /// January to December of `year`, or to `until` if that is earlier in the year.
    pub fn year(year: i32, until: Option<Period>) -> Result<PeriodRange, Problem> {
        let from = Period::new(year, 1)?;
        let mut to = Period::new(year, 12)?;
        if let Some(u) = until
            && u.year() == year
        {
            to = u;
        }
        PeriodRange::new(from, to)
    }

    /// The `months` months ending with `to`.
    pub fn last(to: Period, months: u32) -> PeriodRange {
        let mut from = to;
        for _ in 1..months.clamp(1, Self::MAX_MONTHS) {
            from = from.prev();
        }
        PeriodRange { from, to }
    }

    pub fn months(&self) -> u32 {
        self.from.months_to(self.to)
    }

    /// Days in the range, for daily averages.
    pub fn days(&self) -> u32 {
        (self.to.end() - self.from.first_day()).num_days().max(0) as u32
    }

    pub fn periods(&self) -> impl Iterator<Item = Period> {
        self.from.through(self.to)
    }
}

/// One value and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub value: i64,
    /// Typed in by a person (or uploaded from the template), not computed
    /// from the library's records.
    pub manual: bool,
}

/// One figure as exchanged (API, exports, manual entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureValue {
    pub element: Element,
    pub disagg: Disagg,
    pub value: i64,
    pub manual: bool,
}

/// The figures of one library for one month (or of a region, summed).
/// Absent cells are zero.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(from = "Vec<FigureValue>", into = "Vec<FigureValue>")]
pub struct Figures {
    cells: BTreeMap<(Element, Disagg), Cell>,
}

impl Figures {
    pub fn new() -> Figures {
        Figures::default()
    }

    /// The value of a cell; zero when absent.
    pub fn get(&self, element: Element, disagg: &Disagg) -> i64 {
        self.cells
            .get(&(element, disagg.clone()))
            .map_or(0, |c| c.value)
    }

    pub fn cell(&self, element: Element, disagg: &Disagg) -> Option<Cell> {
        self.cells.get(&(element, disagg.clone())).copied()
    }

    pub fn total(&self, element: Element) -> i64 {
        self.get(element, &Disagg::total())
    }

    /// Sets a cell (zero values are kept, so a typed zero stays a zero).
    pub fn set(&mut self, element: Element, disagg: Disagg, value: i64, manual: bool) {
        self.cells.insert((element, disagg), Cell { value, manual });
    }

    /// Adds to a cell; the cell is manual if either part is.
    pub fn add(&mut self, element: Element, disagg: Disagg, value: i64, manual: bool) {
        let c = self
            .cells
            .entry((element, disagg))
            .or_insert(Cell { value: 0, manual });
        c.value += value;
        c.manual |= manual;
    }

    pub fn iter(&self) -> impl Iterator<Item = FigureValue> + '_ {
        self.cells.iter().map(|((e, d), c)| FigureValue {
            element: *e,
            disagg: d.clone(),
            value: c.value,
            manual: c.manual,
        })
    }

    /// The cells of one element.
    pub fn of(&self, element: Element) -> Vec<(Disagg, i64)> {
        self.cells
            .iter()
            .filter(|((e, _), _)| *e == element)
            .map(|((_, d), c)| (d.clone(), c.value))
            .collect()
    }

    pub fn elements(&self) -> Vec<Element> {
        let mut v: Vec<Element> = self.cells.keys().map(|(e, _)| *e).collect();
        v.dedup();
        v
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Whether any value of the element was entered by hand.
    pub fn is_manual(&self, element: Element) -> bool {
        self.cells
            .iter()
            .any(|((e, _), c)| *e == element && c.manual)
    }

    /// Drops zero cells (computed figures only store what happened).
    pub fn without_zeros(mut self) -> Figures {
        self.cells.retain(|_, c| c.value != 0 || c.manual);
        self
    }

    /// Replaces every element present in `manual` by its manual cells: a
    /// library that types its visits replaces the computed visits whole,
    /// never cell by cell (the slices must keep adding up).
    pub fn overlay(&mut self, manual: &Figures) {
        for e in manual.elements() {
            self.cells.retain(|(x, _), _| *x != e);
        }
        for ((e, d), c) in &manual.cells {
            self.cells.insert(
                (*e, d.clone()),
                Cell {
                    value: c.value,
                    manual: true,
                },
            );
        }
    }

    /// Fills the slices that follow from the typed ones: for each element,
    /// each kept slice family not present is summed from the first present
    /// family that refines it (the total from gender × age, gender from
    /// gender × age…). Present cells are never overwritten.
    pub fn complete(&mut self) {
        for e in self.elements() {
            let present: Vec<&'static [Dim]> = e
                .cell_sets()
                .iter()
                .copied()
                .filter(|set| self.cells.keys().any(|(x, d)| *x == e && d.has_dims(set)))
                .collect();
            for set in e.cell_sets() {
                if present.contains(set) {
                    continue;
                }
                let Some(source) = present
                    .iter()
                    .find(|p| p.len() > set.len() && set.iter().all(|d| p.contains(d)))
                else {
                    continue;
                };
                let mut sums: BTreeMap<Disagg, (i64, bool)> = BTreeMap::new();
                for ((x, d), c) in &self.cells {
                    if *x == e && d.has_dims(source) {
                        let s = sums.entry(d.project(set)).or_insert((0, false));
                        s.0 += c.value;
                        s.1 |= c.manual;
                    }
                }
                for (d, (v, m)) in sums {
                    self.cells.insert(
                        (e, d),
                        Cell {
                            value: v,
                            manual: m,
                        },
                    );
                }
            }
        }
    }

    /// Slice families that do not add up to the element's total, as
    /// `(element, family, family sum, total)`; for validation of typed figures.
    pub fn inconsistencies(&self) -> Vec<(Element, Vec<Dim>, i64, i64)> {
        let mut out = Vec::new();
        for e in self.elements() {
            let total = self.total(e);
            for set in e.cell_sets().iter().filter(|s| !s.is_empty()) {
                let cells: Vec<i64> = self
                    .cells
                    .iter()
                    .filter(|((x, d), _)| *x == e && d.has_dims(set))
                    .map(|(_, c)| c.value)
                    .collect();
                if cells.is_empty() {
                    continue;
                }
                let sum: i64 = cells.iter().sum();
                if sum != total {
                    out.push((e, set.to_vec(), sum, total));
                }
            }
        }
        out
    }

    /// Adds another library's figures (a region's sum).
    pub fn absorb(&mut self, other: &Figures) {
        for ((e, d), c) in &other.cells {
            self.add(*e, d.clone(), c.value, c.manual);
        }
    }
}

impl From<Vec<FigureValue>> for Figures {
    fn from(v: Vec<FigureValue>) -> Figures {
        let mut f = Figures::new();
        for x in v {
            f.set(x.element, x.disagg, x.value, x.manual);
        }
        f
    }
}

impl From<Figures> for Vec<FigureValue> {
    fn from(f: Figures) -> Vec<FigureValue> {
        f.iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disagg_keys_are_canonical() {
        let a = Disagg::of(&[(Dim::Age, "ANAK"), (Dim::Gender, "p")]).unwrap();
        assert_eq!(a.key(), "gender=P;age=anak");
        assert_eq!(Disagg::parse("age=anak;gender=P").unwrap(), a);
        assert_eq!(Disagg::parse("").unwrap(), Disagg::total());
        assert_eq!(Disagg::total().key(), "");
        assert_eq!(Disagg::parse("gender=X"), Err(Problem::UnknownChoice));
        assert_eq!(Disagg::parse("colour=red"), Err(Problem::UnknownChoice));
        assert_eq!(Disagg::parse("gender=L;gender=P"), Err(Problem::Duplicate));
        assert_eq!(
            Disagg::strategy("pelibatan_masyarakat").unwrap().key(),
            "strategy=pelibatan_masyarakat"
        );
        assert!(Disagg::strategy("Bad Key").is_err());
        assert_eq!(Disagg::disability(true).key(), "disability=ya");
        assert_eq!(a.project(&[Dim::Gender]).key(), "gender=P");
        assert!(a.has_dims(&[Dim::Age, Dim::Gender]));
        assert!(!a.has_dims(&[Dim::Age]));
    }

    #[test]
    fn periods() {
        let p = Period::parse("2024-12").unwrap();
        assert_eq!(p.yyyymm(), 202412);
        assert_eq!(p.next(), Period::new(2025, 1).unwrap());
        assert_eq!(p.next().prev(), p);
        assert_eq!(p.end(), NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        assert_eq!(p.last_day(), NaiveDate::from_ymd_opt(2024, 12, 31).unwrap());
        assert_eq!(Period::parse("202402").unwrap().last_day().day(), 29);
        assert_eq!(Period::from_yyyymm(202503).unwrap().to_string(), "2025-03");
        assert_eq!(p.months_to(Period::new(2025, 2).unwrap()), 3);
        assert_eq!(Period::new(2025, 2).unwrap().months_to(p), 0);
        assert_eq!(p.through(Period::new(2025, 2).unwrap()).count(), 3);
        assert!(Period::parse("2024-13").is_err());
        assert!(Period::parse("kemarin").is_err());
    }

    #[test]
    fn ranges() {
        let p = |y, m| Period::new(y, m).unwrap();
        let r = PeriodRange::year(2025, Some(p(2025, 3))).unwrap();
        assert_eq!(
            (r.from, r.to, r.months(), r.days()),
            (p(2025, 1), p(2025, 3), 3, 90)
        );
        assert_eq!(
            PeriodRange::year(2024, Some(p(2025, 3))).unwrap().months(),
            12
        );
        assert_eq!(PeriodRange::last(p(2025, 2), 3).from, p(2024, 12));
        assert_eq!(
            PeriodRange::new(p(2025, 2), p(2025, 1)),
            Err(Problem::EndBeforeStart)
        );
        assert!(PeriodRange::new(p(2000, 1), p(2025, 1)).is_err());
    }

    #[test]
    fn stocks_are_stocks() {
        assert_eq!(Element::Titles.kind(), Kind::Stock);
        assert_eq!(Element::Items.kind(), Kind::Stock);
        assert_eq!(Element::Members.kind(), Kind::Stock);
        assert_eq!(Element::Visits.kind(), Kind::Flow);
        for e in Element::ALL {
            assert!(e.cell_sets()[0].is_empty(), "{e} keeps its total first");
            for family in e.entry_sets() {
                assert!(e.cell_sets().contains(family), "{e}: {family:?}");
            }
        }
    }

    #[test]
    fn manual_entry_completes_and_overlays_whole_elements() {
        let mut typed = Figures::new();
        typed.set(
            Element::Visits,
            Disagg::gender_age(Gender::L, AgeGroup::Anak),
            5,
            true,
        );
        typed.set(
            Element::Visits,
            Disagg::gender_age(Gender::P, AgeGroup::Anak),
            7,
            true,
        );
        typed.set(
            Element::Visits,
            Disagg::gender_age(Gender::P, AgeGroup::Dewasa),
            3,
            true,
        );
        typed.set(Element::Visits, Disagg::purpose(Purpose::Membaca), 15, true);
        typed.complete();
        assert_eq!(typed.total(Element::Visits), 15);
        assert_eq!(typed.get(Element::Visits, &Disagg::gender(Gender::P)), 10);
        assert_eq!(typed.get(Element::Visits, &Disagg::age(AgeGroup::Anak)), 12);
        assert!(typed.inconsistencies().is_empty());

        let mut computed = Figures::new();
        computed.set(Element::Visits, Disagg::total(), 99, false);
        computed.set(Element::Loans, Disagg::total(), 4, false);
        computed.overlay(&typed);
        assert_eq!(computed.total(Element::Visits), 15);
        assert!(computed.is_manual(Element::Visits));
        assert!(!computed.is_manual(Element::Loans));
        assert_eq!(computed.total(Element::Loans), 4);

        // A purpose family that does not add up is reported.
        let mut bad = typed.clone();
        bad.set(Element::Visits, Disagg::purpose(Purpose::Internet), 1, true);
        assert_eq!(
            bad.inconsistencies(),
            vec![(Element::Visits, vec![Dim::Purpose], 16, 15)]
        );
    }

    #[test]
    fn figures_round_trip_through_their_exchange_form() {
        let mut f = Figures::new();
        f.set(Element::Participants, Disagg::disability(true), 2, false);
        f.set(Element::Titles, Disagg::total(), 1200, true);
        let rows: Vec<FigureValue> = f.clone().into();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].element, Element::Titles, "vocabulary order");
        assert_eq!(Figures::from(rows), f);
        let mut sum = f.clone();
        sum.absorb(&f);
        assert_eq!(sum.total(Element::Titles), 2400);
    }
}

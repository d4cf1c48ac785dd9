//! Indicators as data: a numerator and a denominator over the figures, a
//! factor, and how the indicator aggregates over time and over regions.
//!
//! An indicator is stored as a row (see migration `2026-11-24-000002_indicators`)
//! and evaluated here by pure functions over a [`Monthly`] series, so the
//! arithmetic is tested against hand-computed fixtures. Three rules keep
//! the arithmetic honest:
//!
//! - a ratio is the ratio of the aggregated operands (Σ loans / Σ visits),
//!   never the sum or mean of monthly ratios;
//! - a stock element (titles, items, members) is never summed over months:
//!   an indicator over a stock must aggregate by last value or average, and
//!   [`IndicatorDraft::parse`] refuses `sum`;
//! - an average over regions is the value per library (operands divided by
//!   the number of libraries), so districts of different sizes compare.

use crate::field::{Collector, Invalid, Problem, optional, required_text};
use crate::libraries::choice_enum;
use crate::monitoring::figures::{Disagg, Element, Kind, Period};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

choice_enum!(
    /// How monthly values combine over a period: `sum` of the months
    /// (flows only), `average` (Σ / months; for a stock the mean of
    /// month-end levels), `last` (the last month; a stock's closing level).
    TimeAgg {
        Sum = "sum",
        Average = "average",
        Last = "last",
    }
);

choice_enum!(
    /// How libraries combine into a region: `sum` (the region's operands
    /// are its libraries' sums) or `average` (per library: the summed
    /// operands divided by the number of libraries).
    RegionAgg {
        Sum = "sum",
        Average = "average",
    }
);

/// One term of an operand: an element, whole or a slice of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Term {
    pub element: Element,
    pub disagg: Disagg,
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.disagg.is_total() {
            write!(f, "{}", self.element)
        } else {
            write!(f, "{}[{}]", self.element, self.disagg)
        }
    }
}

/// An operand: a sum of terms, written `visits + loans` or
/// `participants[gender=P]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Expr(Vec<Term>);

impl Expr {
    pub fn parse(s: &str) -> Result<Expr, Problem> {
        let mut terms = Vec::new();
        for raw in s.split('+') {
            let t = raw.trim();
            if t.is_empty() {
                return Err(Problem::Required);
            }
            let (el, dis) = match t.split_once('[') {
                Some((e, rest)) => {
                    let inner = rest.strip_suffix(']').ok_or(Problem::UnknownChoice)?;
                    (e.trim(), Disagg::parse(inner)?)
                }
                None => (t, Disagg::total()),
            };
            let element = Element::parse(el)?;
            // Only the slices the store keeps can be asked for.
            let dims = dis.dims();
            if !element.cell_sets().iter().any(|set| dis.has_dims(set)) {
                let _ = dims;
                return Err(Problem::UnknownChoice);
            }
            terms.push(Term {
                element,
                disagg: dis,
            });
        }
        Ok(Expr(terms))
    }

    pub fn terms(&self) -> &[Term] {
        &self.0
    }

    pub fn has_stock(&self) -> bool {
        self.0.iter().any(|t| t.element.kind() == Kind::Stock)
    }

    pub fn single(element: Element, disagg: Disagg) -> Expr {
        Expr(vec![Term { element, disagg }])
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|t| t.to_string()).collect();
        f.write_str(&parts.join(" + "))
    }
}

impl TryFrom<String> for Expr {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Expr::parse(&s).map_err(|_| format!("bad expression {s:?}"))
    }
}

impl From<Expr> for String {
    fn from(e: Expr) -> String {
        e.to_string()
    }
}

/// An indicator definition, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub code: String,
    pub position: i32,
    pub name_id: String,
    pub name_en: String,
    pub definition_id: String,
    pub definition_en: String,
    pub numerator: Expr,
    /// `None`: the numerator alone (times the factor).
    pub denominator: Option<Expr>,
    pub factor: f64,
    pub time_agg: TimeAgg,
    pub region_agg: RegionAgg,
    pub unit_id: String,
    pub unit_en: String,
    pub decimals: u8,
    pub higher_is_better: bool,
    pub active: bool,
}

impl Indicator {
    pub fn name(&self, english: bool) -> &str {
        if english {
            &self.name_en
        } else {
            &self.name_id
        }
    }

    pub fn unit(&self, english: bool) -> &str {
        if english {
            &self.unit_en
        } else {
            &self.unit_id
        }
    }

    /// Every term either operand needs.
    pub fn terms(&self) -> Vec<Term> {
        let mut v: Vec<Term> = self.numerator.terms().to_vec();
        if let Some(d) = &self.denominator {
            v.extend(d.terms().iter().cloned());
        }
        v.sort();
        v.dedup();
        v
    }

    /// Whether the value means the same at any size (a ratio or a
    /// per-library figure), so a target set for a province also holds for
    /// its districts and libraries.
    pub fn scale_free(&self) -> bool {
        self.denominator.is_some() || self.region_agg == RegionAgg::Average
    }

    /// The value for a unit over `data`'s period; `None` when the
    /// denominator is zero or there are no months or libraries.
    pub fn evaluate(&self, data: &Monthly) -> Option<f64> {
        let months = data.from.months_to(data.to);
        if months == 0 {
            return None;
        }
        let mut num = operand(&self.numerator, self.time_agg, data, months);
        let den = match &self.denominator {
            Some(d) => operand(d, self.time_agg, data, months),
            None => {
                if self.region_agg == RegionAgg::Average {
                    if data.libraries == 0 {
                        return None;
                    }
                    num /= f64::from(data.libraries);
                }
                1.0
            }
        };
        if den == 0.0 {
            return None;
        }
        Some(self.factor * num / den)
    }

    /// The value rounded as the indicator shows it.
    pub fn round(&self, v: f64) -> f64 {
        let p = 10f64.powi(i32::from(self.decimals));
        (v * p).round() / p
    }
}

fn operand(e: &Expr, agg: TimeAgg, data: &Monthly, months: u32) -> f64 {
    e.terms()
        .iter()
        .map(|t| match agg {
            TimeAgg::Sum => data.total(t) as f64,
            TimeAgg::Average => data.total(t) as f64 / f64::from(months),
            TimeAgg::Last => data.last(t) as f64,
        })
        .sum()
}

/// The figures of one unit (a library, a region, the nation) month by
/// month: flows as counted in each month, stocks as the level at each
/// month's end. `libraries` is how many libraries the unit holds (for
/// per-library averages). A reader that only needs the period's sum and
/// last month (all an indicator uses) may give those directly with
/// [`Monthly::add_totals`] instead of the months one by one.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Monthly {
    pub from: Period,
    pub to: Period,
    pub libraries: u32,
    values: BTreeMap<(Term, Period), i64>,
    /// Per term: Σ over the months of the range, and the last month's value.
    totals: BTreeMap<Term, (i64, i64)>,
}

impl Monthly {
    pub fn new(from: Period, to: Period, libraries: u32) -> Monthly {
        Monthly {
            from,
            to,
            libraries,
            values: BTreeMap::new(),
            totals: BTreeMap::new(),
        }
    }

    pub fn set(&mut self, element: Element, disagg: Disagg, period: Period, value: i64) {
        self.values
            .insert((Term { element, disagg }, period), value);
    }

    pub fn add(&mut self, element: Element, disagg: Disagg, period: Period, value: i64) {
        *self
            .values
            .entry((Term { element, disagg }, period))
            .or_insert(0) += value;
    }

    pub fn get(&self, term: &Term, period: Period) -> i64 {
        self.values
            .get(&(term.clone(), period))
            .copied()
            .unwrap_or(0)
    }

    /// Adds a term's sum over the range (for a stock: the sum of its
    /// month-end levels) and its value in the last month.
    pub fn add_totals(&mut self, term: Term, total: i64, last: i64) {
        let e = self.totals.entry(term).or_insert((0, 0));
        e.0 += total;
        e.1 += last;
    }

    /// Σ of the term's monthly values over the range.
    pub fn total(&self, term: &Term) -> i64 {
        let series: i64 = self
            .values
            .range((term.clone(), self.from)..=(term.clone(), self.to))
            .map(|(_, v)| *v)
            .sum();
        series + self.totals.get(term).map_or(0, |t| t.0)
    }

    /// The term's value in the last month of the range.
    pub fn last(&self, term: &Term) -> i64 {
        self.get(term, self.to) + self.totals.get(term).map_or(0, |t| t.1)
    }

    /// Builds stock levels from monthly changes: `changes` holds, per term
    /// of a stock element, (period, net change) for every month up to
    /// `to` (earlier months included). Levels are written for `from..=to`.
    pub fn set_stock_from_changes(&mut self, term: &Term, changes: &[(Period, i64)]) {
        let mut level = 0;
        let mut sorted = changes.to_vec();
        sorted.sort();
        let mut it = sorted.into_iter().peekable();
        while let Some((p, _)) = it.peek() {
            if *p >= self.from {
                break;
            }
            level += it.next().map_or(0, |x| x.1);
        }
        for p in self.from.through(self.to) {
            while let Some((q, _)) = it.peek() {
                if *q > p {
                    break;
                }
                level += it.next().map_or(0, |x| x.1);
            }
            self.values.insert((term.clone(), p), level);
        }
    }

    /// The months of the series.
    pub fn periods(&self) -> Vec<Period> {
        self.from.through(self.to).collect()
    }
}

/// An indicator definition as typed (admin form, API, seed file).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IndicatorForm {
    pub code: String,
    pub position: String,
    pub name_id: String,
    pub name_en: String,
    pub definition_id: String,
    pub definition_en: String,
    pub numerator: String,
    pub denominator: String,
    pub factor: String,
    pub time_aggregation: String,
    pub region_aggregation: String,
    pub unit_id: String,
    pub unit_en: String,
    pub decimals: String,
    pub higher_is_better: String,
    pub active: String,
}

impl IndicatorForm {
    pub fn of(i: &Indicator) -> IndicatorForm {
        IndicatorForm {
            code: i.code.clone(),
            position: i.position.to_string(),
            name_id: i.name_id.clone(),
            name_en: i.name_en.clone(),
            definition_id: i.definition_id.clone(),
            definition_en: i.definition_en.clone(),
            numerator: i.numerator.to_string(),
            denominator: i
                .denominator
                .as_ref()
                .map(|d| d.to_string())
                .unwrap_or_default(),
            factor: i.factor.to_string(),
            time_aggregation: i.time_agg.key().into(),
            region_aggregation: i.region_agg.key().into(),
            unit_id: i.unit_id.clone(),
            unit_en: i.unit_en.clone(),
            decimals: i.decimals.to_string(),
            higher_is_better: if i.higher_is_better { "on" } else { "" }.into(),
            active: if i.active { "on" } else { "" }.into(),
        }
    }
}

/// Parses an indicator form, collecting every problem.
pub struct IndicatorDraft;

impl IndicatorDraft {
    pub fn parse(f: &IndicatorForm) -> Result<Indicator, Invalid> {
        let mut c = Collector::default();
        let code = c.take("code", code(&f.code));
        let position = c.take("position", int_or(&f.position, 0, 0, 9999));
        let name_id = c.take("name_id", required_text(&f.name_id, 120));
        let name_en = c.take("name_en", required_text(&f.name_en, 120));
        let definition_id = c.take("definition_id", text_or_empty(&f.definition_id, 1000));
        let definition_en = c.take("definition_en", text_or_empty(&f.definition_en, 1000));
        let numerator = c.take("numerator", Expr::parse(&f.numerator));
        let denominator = c.take(
            "denominator",
            match optional(&f.denominator) {
                None => Ok(None),
                Some(s) => Expr::parse(s).map(Some),
            },
        );
        let factor = c.take("factor", decimal_or(&f.factor, 1.0));
        let time_agg = c.take("time_aggregation", TimeAgg::parse(&f.time_aggregation));
        let region_agg = c.take(
            "region_aggregation",
            RegionAgg::parse(&f.region_aggregation),
        );
        let unit_id = c.take("unit_id", text_or_empty(&f.unit_id, 40));
        let unit_en = c.take("unit_en", text_or_empty(&f.unit_en, 40));
        let decimals = c.take("decimals", int_or(&f.decimals, 0, 0, 4));
        let higher_is_better = c.take("higher_is_better", crate::field::flag(&f.higher_is_better));
        let active = c.take("active", crate::field::flag(&f.active));
        let mut invalid = c.errors;
        // Collection size must never be summed over months.
        if let (Some(n), Some(d), Some(TimeAgg::Sum)) = (&numerator, &denominator, time_agg)
            && (n.has_stock() || d.as_ref().is_some_and(Expr::has_stock))
        {
            invalid.push("time_aggregation", Problem::NotAllowedHere);
        }
        let (
            Some(code),
            Some(position),
            Some(name_id),
            Some(name_en),
            Some(definition_id),
            Some(definition_en),
            Some(numerator),
            Some(denominator),
            Some(factor),
            Some(time_agg),
            Some(region_agg),
            Some(unit_id),
            Some(unit_en),
            Some(decimals),
            Some(higher_is_better),
            Some(active),
        ) = (
            code,
            position,
            name_id,
            name_en,
            definition_id,
            definition_en,
            numerator,
            denominator,
            factor,
            time_agg,
            region_agg,
            unit_id,
            unit_en,
            decimals,
            higher_is_better,
            active,
        )
        else {
            return Err(invalid);
        };
        invalid.finish(Indicator {
            code,
            position: position as i32,
            name_id,
            name_en,
            definition_id,
            definition_en,
            numerator,
            denominator,
            factor,
            time_agg,
            region_agg,
            unit_id,
            unit_en,
            decimals: decimals as u8,
            higher_is_better,
            active,
        })
    }
}

/// A stable code: lowercase letters, digits and `_`, at most 40.
pub fn code(s: &str) -> Result<String, Problem> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Problem::Required);
    }
    if t.len() > 40 {
        return Err(Problem::TooLong { max: 40 });
    }
    if !t
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(Problem::UnknownChoice);
    }
    Ok(t.to_string())
}

fn text_or_empty(s: &str, max: usize) -> Result<String, Problem> {
    let t = s.trim();
    if t.chars().count() > max {
        return Err(Problem::TooLong { max });
    }
    Ok(t.to_string())
}

fn int_or(s: &str, default: i64, min: i64, max: i64) -> Result<i64, Problem> {
    Ok(crate::field::optional_int(s, min, max)?.unwrap_or(default))
}

fn decimal_or(s: &str, default: f64) -> Result<f64, Problem> {
    Ok(crate::field::optional_decimal(s, -1e12, 1e12)?.unwrap_or(default))
}

/// A target for an indicator in a year, for a region (`None`: the national
/// default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub indicator: String,
    pub year: i32,
    /// A region code; `None` is the national default.
    pub region: Option<String>,
    pub value: f64,
}

/// The target that applies to a unit: the most specific region first (the
/// unit's own code, then its ancestors, then the national default), and the
/// latest year not after `year`. Inherited targets only hold for scale-free
/// indicators: a province's target for *total* visits says nothing of one
/// of its villages. `unit_region` is the unit's region code (a library's
/// village), `None` for the nation.
pub fn target_for(
    targets: &[Target],
    indicator: &Indicator,
    unit_region: Option<&str>,
    year: i32,
) -> Option<f64> {
    let mut chain: Vec<Option<String>> = Vec::new();
    if let Some(code) = unit_region {
        for len in [10usize, 6, 4, 2] {
            if code.len() >= len {
                chain.push(Some(code[..len].to_string()));
            }
        }
        chain.dedup();
    }
    chain.push(None);
    for (i, region) in chain.iter().enumerate() {
        let exact = i == 0 || (unit_region.is_none() && region.is_none());
        if !exact && !indicator.scale_free() {
            continue;
        }
        let best = targets
            .iter()
            .filter(|t| t.indicator == indicator.code && t.region == *region && t.year <= year)
            .max_by_key(|t| t.year);
        if let Some(t) = best {
            return Some(t.value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::circulation::Gender;

    fn p(y: i32, m: u32) -> Period {
        Period::new(y, m).unwrap()
    }

    fn ind(num: &str, den: &str, factor: f64, t: TimeAgg, r: RegionAgg) -> Indicator {
        IndicatorDraft::parse(&IndicatorForm {
            code: "x".into(),
            name_id: "X".into(),
            name_en: "X".into(),
            numerator: num.into(),
            denominator: den.into(),
            factor: factor.to_string(),
            time_aggregation: t.key().into(),
            region_aggregation: r.key().into(),
            higher_is_better: "on".into(),
            active: "on".into(),
            ..Default::default()
        })
        .unwrap()
    }

    fn t(e: Element) -> Term {
        Term {
            element: e,
            disagg: Disagg::total(),
        }
    }

    #[test]
    fn expressions_parse_and_print() {
        let e = Expr::parse("participants[gender=P] + participants[age=anak]").unwrap();
        assert_eq!(e.terms().len(), 2);
        assert_eq!(
            e.to_string(),
            "participants[gender=P] + participants[age=anak]"
        );
        assert_eq!(Expr::parse("visits").unwrap().to_string(), "visits");
        assert_eq!(Expr::parse("kunjungan"), Err(Problem::UnknownChoice));
        assert_eq!(Expr::parse("visits + "), Err(Problem::Required));
        // A slice the store does not keep.
        assert_eq!(Expr::parse("loans[gender=P]"), Err(Problem::UnknownChoice));
        assert_eq!(
            Expr::parse("visits[gender=P;purpose=membaca]"),
            Err(Problem::UnknownChoice)
        );
        assert!(Expr::parse("titles").unwrap().has_stock());
    }

    #[test]
    fn a_ratio_is_the_ratio_of_sums_not_the_sum_of_ratios() {
        // Month 1: 10 loans / 5 visits = 2.0; month 2: 10 / 20 = 0.5.
        // Sum of ratios 2.5, mean of ratios 1.25; the right answer 20/25 = 0.8.
        let mut m = Monthly::new(p(2025, 1), p(2025, 2), 1);
        m.set(Element::Loans, Disagg::total(), p(2025, 1), 10);
        m.set(Element::Visits, Disagg::total(), p(2025, 1), 5);
        m.set(Element::Loans, Disagg::total(), p(2025, 2), 10);
        m.set(Element::Visits, Disagg::total(), p(2025, 2), 20);
        let lpv = ind("loans", "visits", 1.0, TimeAgg::Sum, RegionAgg::Sum);
        assert_eq!(lpv.evaluate(&m), Some(0.8));
        // Over the last month only.
        let last = ind("loans", "visits", 1.0, TimeAgg::Last, RegionAgg::Sum);
        assert_eq!(last.evaluate(&m), Some(0.5));
        // No visits: no value, not infinity.
        let empty = Monthly::new(p(2025, 3), p(2025, 3), 1);
        assert_eq!(lpv.evaluate(&empty), None);
    }

    #[test]
    fn work_plan_completion_is_never_summed_over_months() {
        // January: 1 of 2 due activities done (50%); February: 2 of 2 (100%).
        // Summed percentages would say 150%; the period's completion is 3/4.
        let mut m = Monthly::new(p(2025, 1), p(2025, 2), 1);
        m.set(Element::WorkplanPlanned, Disagg::total(), p(2025, 1), 2);
        m.set(Element::WorkplanDone, Disagg::total(), p(2025, 1), 1);
        m.set(Element::WorkplanPlanned, Disagg::total(), p(2025, 2), 2);
        m.set(Element::WorkplanDone, Disagg::total(), p(2025, 2), 2);
        let c = ind(
            "workplan_done",
            "workplan_planned",
            100.0,
            TimeAgg::Sum,
            RegionAgg::Sum,
        );
        assert_eq!(c.evaluate(&m), Some(75.0));
    }

    #[test]
    fn collection_size_takes_the_last_value_and_refuses_sum() {
        // Titles are levels: 1,000 at the end of January, 1,050 at the end
        // of February. Summing would claim 2,050 titles.
        let mut m = Monthly::new(p(2025, 1), p(2025, 2), 1);
        m.set_stock_from_changes(
            &t(Element::Titles),
            &[(p(2024, 6), 900), (p(2025, 1), 100), (p(2025, 2), 50)],
        );
        assert_eq!(m.get(&t(Element::Titles), p(2025, 1)), 1000);
        let titles = ind("titles", "", 1.0, TimeAgg::Last, RegionAgg::Sum);
        assert_eq!(titles.evaluate(&m), Some(1050.0));
        let mean = ind("titles", "", 1.0, TimeAgg::Average, RegionAgg::Sum);
        assert_eq!(mean.evaluate(&m), Some(1025.0));
        let err = IndicatorDraft::parse(&IndicatorForm {
            code: "bad".into(),
            name_id: "Judul".into(),
            name_en: "Titles".into(),
            numerator: "titles".into(),
            time_aggregation: "sum".into(),
            region_aggregation: "sum".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(
            err.for_field("time_aggregation").map(|e| &e.problem),
            Some(&Problem::NotAllowedHere)
        );
        // Titles per item ratio: levels at the end, not sums.
        let mut m2 = m.clone();
        m2.set_stock_from_changes(&t(Element::Items), &[(p(2024, 1), 2000), (p(2025, 2), 100)]);
        let per = ind("items", "titles", 1.0, TimeAgg::Last, RegionAgg::Sum);
        assert_eq!(per.evaluate(&m2), Some(2.0));
    }

    #[test]
    fn totals_stand_in_for_the_series() {
        // The same January–February loans per visit as above, given as sums.
        let mut m = Monthly::new(p(2025, 1), p(2025, 2), 1);
        m.add_totals(t(Element::Loans), 20, 10);
        m.add_totals(t(Element::Visits), 25, 20);
        let lpv = ind("loans", "visits", 1.0, TimeAgg::Sum, RegionAgg::Sum);
        assert_eq!(lpv.evaluate(&m), Some(0.8));
        let last = ind("loans", "visits", 1.0, TimeAgg::Last, RegionAgg::Sum);
        assert_eq!(last.evaluate(&m), Some(0.5));
        // Titles: month-end levels 1,000 and 1,050 → Σ 2,050, last 1,050.
        m.add_totals(t(Element::Titles), 2050, 1050);
        assert_eq!(
            ind("titles", "", 1.0, TimeAgg::Average, RegionAgg::Sum).evaluate(&m),
            Some(1025.0)
        );
        assert_eq!(
            ind("titles", "", 1.0, TimeAgg::Last, RegionAgg::Sum).evaluate(&m),
            Some(1050.0)
        );
    }

    #[test]
    fn averages_over_time_and_over_libraries() {
        // A district of 4 libraries: 120, 90 and 150 visits in three months.
        let mut m = Monthly::new(p(2025, 1), p(2025, 3), 4);
        for (i, v) in [120, 90, 150].into_iter().enumerate() {
            m.set(Element::Visits, Disagg::total(), p(2025, 1 + i as u32), v);
        }
        let total = ind("visits", "", 1.0, TimeAgg::Sum, RegionAgg::Sum);
        assert_eq!(total.evaluate(&m), Some(360.0));
        let monthly = ind("visits", "", 1.0, TimeAgg::Average, RegionAgg::Sum);
        assert_eq!(monthly.evaluate(&m), Some(120.0));
        // Per library per month: 360 / 3 months / 4 libraries.
        let per_lib = ind("visits", "", 1.0, TimeAgg::Average, RegionAgg::Average);
        assert_eq!(per_lib.evaluate(&m), Some(30.0));
        // A ratio is size-free: per-library averaging cancels out.
        m.set(Element::Loans, Disagg::total(), p(2025, 2), 36);
        let lpv = ind("loans", "visits", 1.0, TimeAgg::Sum, RegionAgg::Average);
        assert_eq!(lpv.evaluate(&m), Some(0.1));
        let none = Monthly::new(p(2025, 1), p(2025, 3), 0);
        assert_eq!(per_lib.evaluate(&none), None);
    }

    #[test]
    fn shares_use_slices() {
        let mut m = Monthly::new(p(2025, 1), p(2025, 1), 1);
        m.set(Element::Participants, Disagg::total(), p(2025, 1), 40);
        m.set(
            Element::Participants,
            Disagg::gender(Gender::P),
            p(2025, 1),
            26,
        );
        let women = ind(
            "participants[gender=P]",
            "participants",
            100.0,
            TimeAgg::Sum,
            RegionAgg::Sum,
        );
        assert_eq!(women.evaluate(&m), Some(65.0));
        assert_eq!(women.round(200.0 / 3.0), 67.0);
    }

    #[test]
    fn targets_inherit_only_when_scale_free() {
        let per_lib = ind("visits", "", 1.0, TimeAgg::Average, RegionAgg::Average);
        let total = ind("visits", "", 1.0, TimeAgg::Sum, RegionAgg::Sum);
        let targets = vec![
            Target {
                indicator: "x".into(),
                year: 2020,
                region: None,
                value: 100.0,
            },
            Target {
                indicator: "x".into(),
                year: 2024,
                region: Some("35".into()),
                value: 150.0,
            },
            Target {
                indicator: "x".into(),
                year: 2026,
                region: Some("35".into()),
                value: 175.0,
            },
        ];
        let village = Some("3520012001");
        assert_eq!(target_for(&targets, &per_lib, village, 2025), Some(150.0));
        assert_eq!(target_for(&targets, &per_lib, village, 2026), Some(175.0));
        assert_eq!(target_for(&targets, &per_lib, village, 2023), Some(100.0));
        assert_eq!(
            target_for(&targets, &per_lib, Some("6103"), 2025),
            Some(100.0)
        );
        assert_eq!(target_for(&targets, &per_lib, None, 2025), Some(100.0));
        // Totals: only a target set for the unit itself.
        assert_eq!(target_for(&targets, &total, village, 2025), None);
        assert_eq!(target_for(&targets, &total, Some("35"), 2025), Some(150.0));
        assert_eq!(target_for(&targets, &total, None, 2025), Some(100.0));
    }

    #[test]
    fn forms_report_every_problem() {
        let err = IndicatorDraft::parse(&IndicatorForm {
            code: "Bad Code".into(),
            numerator: "nothing".into(),
            time_aggregation: "median".into(),
            region_aggregation: "sum".into(),
            ..Default::default()
        })
        .unwrap_err();
        for f in [
            "code",
            "name_id",
            "name_en",
            "numerator",
            "time_aggregation",
        ] {
            assert!(err.for_field(f).is_some(), "{f}");
        }
        let ok = ind("visits", "", 1.0, TimeAgg::Sum, RegionAgg::Sum);
        assert_eq!(IndicatorDraft::parse(&IndicatorForm::of(&ok)).unwrap(), ok);
    }
}

//! The KPI score: 0–100 per library, district and province, with
//! red/yellow/green bands as the program's SIM shows them (green is best).
//!
//! A formula is data and versioned: weights over indicators, the band
//! thresholds and the date it takes effect. The score of a year uses the
//! version in effect at the end of that year and says which, so a changed
//! formula never silently rewrites last year's scores.
//!
//! Each weighted indicator scores its *achievement*: the value against its
//! target, capped at 100 (for "lower is better" indicators, target against
//! value). An indicator without a target is left out and its weight with it;
//! an indicator with a target but no value (nothing reported) achieves 0.

use crate::field::{Invalid, Problem, optional_decimal, optional_int, required_text};
use crate::libraries::choice_enum;
use crate::monitoring::indicators::{Indicator, code};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

choice_enum!(
    /// The SIM's traffic light.
    Band {
        Red = "merah",
        Yellow = "kuning",
        Green = "hijau",
    }
);

/// One version of the KPI formula.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiFormula {
    pub version: i32,
    pub effective_from: NaiveDate,
    pub name: String,
    /// (indicator code, weight); weights need not add up to 100.
    pub weights: Vec<(String, f64)>,
    /// A score below this is red.
    pub red_below: f64,
    /// A score at or above this is green; between the two, yellow.
    pub green_from: f64,
}

impl KpiFormula {
    pub fn band(&self, score: f64) -> Band {
        if score < self.red_below {
            Band::Red
        } else if score >= self.green_from {
            Band::Green
        } else {
            Band::Yellow
        }
    }
}

/// The version in effect on `on`: the latest whose `effective_from` is not after it.
pub fn formula_for(formulas: &[KpiFormula], on: NaiveDate) -> Option<&KpiFormula> {
    formulas
        .iter()
        .filter(|f| f.effective_from <= on)
        .max_by_key(|f| (f.effective_from, f.version))
}

/// How far a value reaches its target, 0–100. `None` when there is no
/// usable target (the indicator is then left out of the score).
pub fn achievement(value: Option<f64>, target: Option<f64>, higher_is_better: bool) -> Option<f64> {
    let t = target.filter(|t| t.is_finite() && *t > 0.0)?;
    let Some(v) = value.filter(|v| v.is_finite()) else {
        return Some(0.0);
    };
    let a = if higher_is_better {
        100.0 * v / t
    } else if v <= 0.0 {
        100.0
    } else {
        100.0 * t / v
    };
    Some(a.clamp(0.0, 100.0))
}

/// One weighted indicator's part of a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiPart {
    pub indicator: String,
    pub weight: f64,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub achievement: Option<f64>,
}

/// A unit's score for a year, with the formula version used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiScore {
    pub version: i32,
    /// `None` when no weighted indicator has a target.
    pub score: Option<f64>,
    pub band: Option<Band>,
    pub parts: Vec<KpiPart>,
}

/// Scores a unit. `inputs` holds each indicator with its value and target
/// for the unit; indicators the formula does not weigh are ignored.
pub fn score(formula: &KpiFormula, inputs: &[(&Indicator, Option<f64>, Option<f64>)]) -> KpiScore {
    let mut parts = Vec::new();
    let (mut sum, mut weights) = (0.0, 0.0);
    for (code, w) in &formula.weights {
        let found = inputs.iter().find(|(i, _, _)| i.code == *code);
        let (value, target, higher) = match found {
            Some((i, v, t)) => (*v, *t, i.higher_is_better),
            None => (None, None, true),
        };
        let a = achievement(value, target, higher);
        if let Some(a) = a {
            sum += w * a;
            weights += w;
        }
        parts.push(KpiPart {
            indicator: code.clone(),
            weight: *w,
            value,
            target,
            achievement: a,
        });
    }
    let score = (weights > 0.0).then(|| ((sum / weights) * 100.0).round() / 100.0);
    KpiScore {
        version: formula.version,
        score,
        band: score.map(|s| formula.band(s)),
        parts,
    }
}

/// A formula as typed: weights one per line, `code = weight`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KpiFormulaForm {
    pub version: String,
    pub effective_from: String,
    pub name: String,
    pub weights: String,
    pub red_below: String,
    pub green_from: String,
}

impl KpiFormulaForm {
    pub fn of(f: &KpiFormula) -> KpiFormulaForm {
        KpiFormulaForm {
            version: f.version.to_string(),
            effective_from: f.effective_from.to_string(),
            name: f.name.clone(),
            weights: f
                .weights
                .iter()
                .map(|(c, w)| format!("{c} = {w}"))
                .collect::<Vec<_>>()
                .join("\n"),
            red_below: f.red_below.to_string(),
            green_from: f.green_from.to_string(),
        }
    }

    /// Parses against the known indicator codes.
    pub fn parse(&self, known: &[&str]) -> Result<KpiFormula, Invalid> {
        let mut bad = Invalid::default();
        let version = match optional_int(&self.version, 1, 9999) {
            Ok(Some(v)) => Some(v as i32),
            Ok(None) => {
                bad.push("version", Problem::Required);
                None
            }
            Err(p) => {
                bad.push("version", p);
                None
            }
        };
        let effective_from = match NaiveDate::parse_from_str(self.effective_from.trim(), "%Y-%m-%d")
        {
            Ok(d) => Some(d),
            Err(_) if self.effective_from.trim().is_empty() => {
                bad.push("effective_from", Problem::Required);
                None
            }
            Err(_) => {
                bad.push("effective_from", Problem::BadDate);
                None
            }
        };
        let name = required_text(&self.name, 120)
            .map_err(|p| bad.push("name", p))
            .ok();
        let mut weights = Vec::new();
        for line in self
            .weights
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let parsed = line.split_once(['=', ':']).and_then(|(c, w)| {
                let c = code(c).ok()?;
                let w = optional_decimal(w, 0.0, 1000.0).ok().flatten()?;
                Some((c, w))
            });
            match parsed {
                Some((c, _)) if !known.contains(&c.as_str()) => {
                    bad.push("weights", Problem::NotFound);
                }
                Some((c, _)) if weights.iter().any(|(x, _): &(String, f64)| *x == c) => {
                    bad.push("weights", Problem::Duplicate);
                }
                Some((c, w)) if w > 0.0 => weights.push((c, w)),
                _ => bad.push("weights", Problem::UnknownChoice),
            }
        }
        if weights.is_empty() && bad.for_field("weights").is_none() {
            bad.push("weights", Problem::Required);
        }
        let band =
            |field: &'static str, s: &str, bad: &mut Invalid| match optional_decimal(s, 0.0, 100.0)
            {
                Ok(Some(v)) => Some(v),
                Ok(None) => {
                    bad.push(field, Problem::Required);
                    None
                }
                Err(p) => {
                    bad.push(field, p);
                    None
                }
            };
        let red_below = band("red_below", &self.red_below, &mut bad);
        let green_from = band("green_from", &self.green_from, &mut bad);
        if let (Some(r), Some(g)) = (red_below, green_from)
            && g < r
        {
            bad.push(
                "green_from",
                Problem::OutOfRange {
                    min: r as i64,
                    max: 100,
                },
            );
        }
        match (version, effective_from, name, red_below, green_from) {
            (
                Some(version),
                Some(effective_from),
                Some(name),
                Some(red_below),
                Some(green_from),
            ) => bad.finish(KpiFormula {
                version,
                effective_from,
                name,
                weights,
                red_below,
                green_from,
            }),
            _ => Err(bad),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitoring::indicators::{IndicatorDraft, IndicatorForm};

    fn indicator(code: &str, higher: bool) -> Indicator {
        IndicatorDraft::parse(&IndicatorForm {
            code: code.into(),
            name_id: code.into(),
            name_en: code.into(),
            numerator: "visits".into(),
            time_aggregation: "average".into(),
            region_aggregation: "average".into(),
            higher_is_better: if higher { "on" } else { "" }.into(),
            active: "on".into(),
            ..Default::default()
        })
        .unwrap()
    }

    fn formula() -> KpiFormula {
        KpiFormula {
            version: 2,
            effective_from: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            name: "SIM 2024".into(),
            weights: vec![("a".into(), 50.0), ("b".into(), 30.0), ("c".into(), 20.0)],
            red_below: 50.0,
            green_from: 75.0,
        }
    }

    #[test]
    fn achievement_is_capped_and_directional() {
        assert_eq!(achievement(Some(50.0), Some(100.0), true), Some(50.0));
        assert_eq!(achievement(Some(150.0), Some(100.0), true), Some(100.0));
        assert_eq!(achievement(None, Some(100.0), true), Some(0.0));
        assert_eq!(achievement(Some(5.0), None, true), None);
        assert_eq!(achievement(Some(5.0), Some(0.0), true), None);
        // Lower is better: 20 against a target of 10 achieves half.
        assert_eq!(achievement(Some(20.0), Some(10.0), false), Some(50.0));
        assert_eq!(achievement(Some(0.0), Some(10.0), false), Some(100.0));
    }

    #[test]
    fn weighted_score_with_bands_and_version() {
        let (a, b, c) = (
            indicator("a", true),
            indicator("b", true),
            indicator("c", true),
        );
        // a: 80/100 = 80; b: 30/20 → 100 (capped); c: no target → left out.
        // (50·80 + 30·100) / 80 = 87.5 → green.
        let s = score(
            &formula(),
            &[
                (&a, Some(80.0), Some(100.0)),
                (&b, Some(30.0), Some(20.0)),
                (&c, Some(1.0), None),
            ],
        );
        assert_eq!(s.score, Some(87.5));
        assert_eq!(s.band, Some(Band::Green));
        assert_eq!(s.version, 2);
        assert_eq!(s.parts.len(), 3);
        assert_eq!(s.parts[2].achievement, None);
        // a: nothing reported → 0; b: 10/20 = 50 → (0 + 1500) / 80 = 18.75 → red.
        let s = score(
            &formula(),
            &[(&a, None, Some(100.0)), (&b, Some(10.0), Some(20.0))],
        );
        assert_eq!(s.score, Some(18.75));
        assert_eq!(s.band, Some(Band::Red));
        // a: 60 → (3000 + 1500)/80 = 56.25 → yellow.
        let s = score(
            &formula(),
            &[(&a, Some(60.0), Some(100.0)), (&b, Some(10.0), Some(20.0))],
        );
        assert_eq!(s.band, Some(Band::Yellow));
        // No targets at all: no score.
        let s = score(&formula(), &[(&a, Some(60.0), None)]);
        assert_eq!((s.score, s.band), (None, None));
        // Band edges: 50 is yellow, 75 is green.
        assert_eq!(formula().band(49.99), Band::Red);
        assert_eq!(formula().band(50.0), Band::Yellow);
        assert_eq!(formula().band(75.0), Band::Green);
    }

    #[test]
    fn the_formula_in_effect_is_chosen_by_date() {
        let mut old = formula();
        old.version = 1;
        old.effective_from = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let all = vec![old, formula()];
        let d = |y| NaiveDate::from_ymd_opt(y, 12, 31).unwrap();
        assert_eq!(formula_for(&all, d(2023)).map(|f| f.version), Some(1));
        assert_eq!(formula_for(&all, d(2024)).map(|f| f.version), Some(2));
        assert_eq!(formula_for(&all, d(2019)), None);
    }

    #[test]
    fn formula_forms() {
        let f = formula();
        let back = KpiFormulaForm::of(&f).parse(&["a", "b", "c"]).unwrap();
        assert_eq!(back, f);
        let err = KpiFormulaForm {
            version: "x".into(),
            effective_from: "31-12-2024".into(),
            name: "".into(),
            weights: "a = 10\nzzz = 5".into(),
            red_below: "80".into(),
            green_from: "60".into(),
        }
        .parse(&["a"])
        .unwrap_err();
        for field in ["version", "effective_from", "name", "weights", "green_from"] {
            assert!(err.for_field(field).is_some(), "{field}");
        }
    }
}

//! IPLM (Indeks Pembangunan Literasi Masyarakat) for a region, from
//! Lentera's own data: the seven elements (UPLM) and the index, with the
//! formula version recorded in every result.
//!
//! The formula has changed over the years; each version is explicit:
//!
//! - [`IplmVersion::MinMax2023`]: each element's per-capita value is
//!   normalised across the regions compared (siblings: the provinces of
//!   the nation, the districts of a province) as `(x − min) / (max − min)`
//!   × 100; the index is the mean of the seven. A region's value depends on
//!   its siblings, so it is only computed for a set of regions at once.
//! - [`IplmVersion::Norm2025`]: each element is measured against a norm
//!   (the value that scores 100), capped at 100; the index is the mean.
//!   A region's value depends on its own data only.
//!
//! Per-capita measures (the raw values both versions start from):
//! coverage = libraries per 10,000 people; collection = items per person;
//! staff = library staff per 10,000 people; daily visits = visits per day
//! per 1,000 people; SNP = share of libraries meeting the standard;
//! participation = activity participants per 1,000 people in the period;
//! members = registered members per 1,000 people. Without a population the
//! per-capita elements (and the index) are not computed.

use crate::field::Problem;
use crate::libraries::choice_enum;
use serde::{Deserialize, Serialize};

choice_enum!(
    /// The formula version.
    IplmVersion {
        MinMax2023 = "minmax_2023",
        Norm2025 = "norma_2025",
    }
);

choice_enum!(
    /// The seven elements (unsur pembangunan literasi masyarakat).
    IplmElement {
        Coverage = "pemerataan_layanan",
        Collection = "kecukupan_koleksi",
        Staff = "kecukupan_tenaga",
        DailyVisits = "kunjungan_harian",
        Snp = "perpustakaan_snp",
        Participation = "partisipasi_masyarakat",
        Members = "anggota",
    }
);

impl IplmElement {
    /// The per-capita value that scores 100 in [`IplmVersion::Norm2025`]:
    /// one library per 2,500 people, one book per person, one staff member
    /// per 2,500 people, daily visits of 1% of the people, every library at
    /// standard, a tenth of the people in activities a year, a tenth as members.
    pub fn norm_2025(self) -> f64 {
        match self {
            IplmElement::Coverage => 4.0,
            IplmElement::Collection => 1.0,
            IplmElement::Staff => 4.0,
            IplmElement::DailyVisits => 10.0,
            IplmElement::Snp => 1.0,
            IplmElement::Participation => 100.0,
            IplmElement::Members => 100.0,
        }
    }
}

choice_enum!(
    /// The published bands.
    IplmBand {
        VeryLow = "sangat_rendah",
        Low = "rendah",
        Medium = "sedang",
        High = "tinggi",
        VeryHigh = "sangat_tinggi",
    }
);

impl IplmBand {
    /// 0–29.9 sangat rendah, 30–49.9 rendah, 50–79.9 sedang, 80–89.9 tinggi,
    /// 90–100 sangat tinggi.
    pub fn of(index: f64) -> IplmBand {
        if index < 30.0 {
            IplmBand::VeryLow
        } else if index < 50.0 {
            IplmBand::Low
        } else if index < 80.0 {
            IplmBand::Medium
        } else if index < 90.0 {
            IplmBand::High
        } else {
            IplmBand::VeryHigh
        }
    }
}

/// A region's data for the index over a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IplmInputs {
    pub region: String,
    pub population: Option<i64>,
    /// Active libraries in the region.
    pub libraries: i64,
    /// Collection items (level at the end of the period).
    pub items: i64,
    /// Staff in the registry.
    pub staff: i64,
    /// Visits in the period and the period's length in days.
    pub visits: i64,
    pub days: u32,
    /// Libraries meeting the SNP checklist.
    pub libraries_snp: i64,
    /// Activity participants in the period.
    pub participants: i64,
    /// Registered members (level at the end of the period).
    pub members: i64,
}

impl IplmInputs {
    /// The per-capita value of an element (see the module docs).
    pub fn raw(&self, e: IplmElement) -> Option<f64> {
        if e == IplmElement::Snp {
            return (self.libraries > 0).then(|| self.libraries_snp as f64 / self.libraries as f64);
        }
        let pop = self.population.filter(|p| *p > 0)? as f64;
        Some(match e {
            IplmElement::Coverage => self.libraries as f64 / pop * 10_000.0,
            IplmElement::Collection => self.items as f64 / pop,
            IplmElement::Staff => self.staff as f64 / pop * 10_000.0,
            IplmElement::DailyVisits => {
                if self.days == 0 {
                    return None;
                }
                self.visits as f64 / f64::from(self.days) / pop * 1_000.0
            }
            IplmElement::Participation => self.participants as f64 / pop * 1_000.0,
            IplmElement::Members => self.members as f64 / pop * 1_000.0,
            IplmElement::Snp => unreachable!(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IplmPart {
    pub element: IplmElement,
    pub raw: Option<f64>,
    /// 0–100.
    pub score: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IplmResult {
    pub region: String,
    pub version: IplmVersion,
    pub parts: Vec<IplmPart>,
    /// Mean of the seven scores; `None` if any is missing.
    pub index: Option<f64>,
    pub band: Option<IplmBand>,
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn finish(region: &str, version: IplmVersion, parts: Vec<IplmPart>) -> IplmResult {
    let scores: Option<Vec<f64>> = parts.iter().map(|p| p.score).collect();
    let index = scores.map(|s| round2(s.iter().sum::<f64>() / s.len() as f64));
    IplmResult {
        region: region.to_string(),
        version,
        parts,
        index,
        band: index.map(IplmBand::of),
    }
}

/// The index for each of `regions` (siblings, for min–max) by `version`.
pub fn compute(version: IplmVersion, regions: &[IplmInputs]) -> Vec<IplmResult> {
    match version {
        IplmVersion::Norm2025 => regions
            .iter()
            .map(|r| {
                let parts = IplmElement::ALL
                    .iter()
                    .map(|e| {
                        let raw = r.raw(*e);
                        IplmPart {
                            element: *e,
                            raw,
                            score: raw
                                .map(|x| round2((100.0 * x / e.norm_2025()).clamp(0.0, 100.0))),
                        }
                    })
                    .collect();
                finish(&r.region, version, parts)
            })
            .collect(),
        IplmVersion::MinMax2023 => {
            let bounds: Vec<Option<(f64, f64)>> = IplmElement::ALL
                .iter()
                .map(|e| {
                    let xs: Vec<f64> = regions.iter().filter_map(|r| r.raw(*e)).collect();
                    let min = xs.iter().copied().fold(f64::INFINITY, f64::min);
                    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    (!xs.is_empty()).then_some((min, max))
                })
                .collect();
            regions
                .iter()
                .map(|r| {
                    let parts = IplmElement::ALL
                        .iter()
                        .zip(&bounds)
                        .map(|(e, b)| {
                            let raw = r.raw(*e);
                            let score = match (raw, b) {
                                (Some(x), Some((min, max))) if max > min => {
                                    Some(round2(100.0 * (x - min) / (max - min)))
                                }
                                // Everyone equal: all at the top if there is anything at all.
                                (Some(x), Some(_)) => Some(if x > 0.0 { 100.0 } else { 0.0 }),
                                _ => None,
                            };
                            IplmPart {
                                element: *e,
                                raw,
                                score,
                            }
                        })
                        .collect();
                    finish(&r.region, version, parts)
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str, pop: i64, libraries: i64, items: i64, visits: i64) -> IplmInputs {
        IplmInputs {
            region: code.into(),
            population: Some(pop),
            libraries,
            items,
            staff: libraries * 2,
            visits,
            days: 365,
            libraries_snp: libraries / 2,
            participants: pop / 20,
            members: pop / 20,
        }
    }

    #[test]
    fn raw_values_per_capita() {
        let r = region("35", 100_000, 20, 50_000, 365_000);
        assert_eq!(r.raw(IplmElement::Coverage), Some(2.0));
        assert_eq!(r.raw(IplmElement::Collection), Some(0.5));
        assert_eq!(r.raw(IplmElement::Staff), Some(4.0));
        assert_eq!(r.raw(IplmElement::DailyVisits), Some(10.0));
        assert_eq!(r.raw(IplmElement::Snp), Some(0.5));
        assert_eq!(r.raw(IplmElement::Participation), Some(50.0));
        assert_eq!(r.raw(IplmElement::Members), Some(50.0));
        let no_pop = IplmInputs {
            population: None,
            ..r.clone()
        };
        assert_eq!(no_pop.raw(IplmElement::Coverage), None);
        assert_eq!(no_pop.raw(IplmElement::Snp), Some(0.5));
    }

    #[test]
    fn norm_2025_by_hand() {
        // Scores: coverage 2/4 = 50, collection 0.5/1 = 50, staff 4/4 = 100,
        // visits 10/10 = 100, SNP 0.5 = 50, participation 50/100 = 50,
        // members 50/100 = 50 → mean 450/7 = 64.29 → sedang.
        let r = compute(
            IplmVersion::Norm2025,
            &[region("35", 100_000, 20, 50_000, 365_000)],
        );
        assert_eq!(r[0].index, Some(64.29));
        assert_eq!(r[0].band, Some(IplmBand::Medium));
        assert_eq!(r[0].version, IplmVersion::Norm2025);
        // Beyond the norm is capped at 100.
        let rich = compute(
            IplmVersion::Norm2025,
            &[region("31", 1_000, 20, 50_000, 365_000)],
        );
        assert_eq!(rich[0].parts[0].score, Some(100.0));
        // No population: no index.
        let mut none = region("36", 1, 1, 1, 1);
        none.population = None;
        let r = compute(IplmVersion::Norm2025, &[none]);
        assert_eq!((r[0].index, r[0].band), (None, None));
    }

    #[test]
    fn min_max_2023_by_hand() {
        // Two provinces: A at the bottom of coverage, collection, staff and
        // visits (0), B at the top (100); SNP share, participation and members
        // per capita are equal for both → 100 each.
        let a = region("11", 200_000, 10, 20_000, 36_500);
        let b = region("12", 100_000, 40, 100_000, 730_000);
        let r = compute(IplmVersion::MinMax2023, &[a.clone(), b.clone()]);
        // A: four zeros and three 100s → 300/7 = 42.86.
        assert_eq!(r[0].index, Some(42.86));
        assert_eq!(r[0].band, Some(IplmBand::Low));
        assert_eq!(r[1].index, Some(100.0));
        assert_eq!(r[1].band, Some(IplmBand::VeryHigh));
        // A third province in the middle of coverage: 2.5 per 10k between
        // 0.5 and 4.0 → (2.5 − 0.5) / 3.5 = 57.14.
        let c = region("13", 100_000, 25, 0, 0);
        let r = compute(IplmVersion::MinMax2023, &[a, b, c]);
        assert_eq!(r[2].parts[0].score, Some(57.14));
    }

    #[test]
    fn bands() {
        assert_eq!(IplmBand::of(29.9), IplmBand::VeryLow);
        assert_eq!(IplmBand::of(30.0), IplmBand::Low);
        assert_eq!(IplmBand::of(68.19), IplmBand::Medium);
        assert_eq!(IplmBand::of(80.0), IplmBand::High);
        assert_eq!(IplmBand::of(90.0), IplmBand::VeryHigh);
    }
}

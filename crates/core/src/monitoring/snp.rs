//! The SNP checklist of a village library (Standar Nasional Perpustakaan,
//! Perka PNRI 6/2017): at least 1,000 titles, 56 m² of building, 6 opening
//! hours a day and 2 staff. Each item passes or fails with its value; an
//! item the registry does not record fails, shown as "not recorded".

use crate::field::Problem;
use crate::libraries::choice_enum;
use serde::{Deserialize, Serialize};

choice_enum!(
    /// The checked items.
    SnpItem {
        Collection = "koleksi",
        Building = "gedung",
        Hours = "jam_buka",
        Staff = "tenaga",
    }
);

impl SnpItem {
    /// The standard's minimum.
    pub fn minimum(self) -> f64 {
        match self {
            SnpItem::Collection => 1000.0,
            SnpItem::Building => 56.0,
            SnpItem::Hours => 6.0,
            SnpItem::Staff => 2.0,
        }
    }
}

/// What the check reads: catalogue titles and the registry's fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SnpInputs {
    pub titles: i64,
    pub floor_area_m2: Option<f64>,
    pub hours_per_day: Option<f64>,
    pub staff: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnpCheck {
    pub item: SnpItem,
    /// `None`: not recorded in the registry.
    pub value: Option<f64>,
    pub minimum: f64,
    pub pass: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnpChecklist {
    pub checks: Vec<SnpCheck>,
    /// Every item passes.
    pub meets: bool,
}

pub fn checklist(i: &SnpInputs) -> SnpChecklist {
    let checks: Vec<SnpCheck> = SnpItem::ALL
        .iter()
        .map(|item| {
            let value = match item {
                SnpItem::Collection => Some(i.titles as f64),
                SnpItem::Building => i.floor_area_m2,
                SnpItem::Hours => i.hours_per_day,
                SnpItem::Staff => i.staff.map(f64::from),
            };
            SnpCheck {
                item: *item,
                value,
                minimum: item.minimum(),
                pass: value.is_some_and(|v| v >= item.minimum()),
            }
        })
        .collect();
    let meets = checks.iter().all(|c| c.pass);
    SnpChecklist { checks, meets }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_item_passes_or_fails_with_its_value() {
        let ok = checklist(&SnpInputs {
            titles: 1000,
            floor_area_m2: Some(56.0),
            hours_per_day: Some(6.0),
            staff: Some(2),
        });
        assert!(ok.meets);
        assert!(ok.checks.iter().all(|c| c.pass));
        let short = checklist(&SnpInputs {
            titles: 999,
            floor_area_m2: Some(80.0),
            hours_per_day: None,
            staff: Some(1),
        });
        assert!(!short.meets);
        let by = |item| short.checks.iter().find(|c| c.item == item).unwrap();
        assert_eq!(
            (by(SnpItem::Collection).value, by(SnpItem::Collection).pass),
            (Some(999.0), false)
        );
        assert!(by(SnpItem::Building).pass);
        assert_eq!(
            (by(SnpItem::Hours).value, by(SnpItem::Hours).pass),
            (None, false)
        );
        assert!(!by(SnpItem::Staff).pass);
    }
}

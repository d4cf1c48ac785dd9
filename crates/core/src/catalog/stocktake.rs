//! Stock-taking: comparing what is on the shelf with what the records say.
//!
//! Staff scan every item they find on the shelves; the report compares the
//! scans with the items' recorded status. The rule is a pure function over
//! the two lists, so it is tested here without a database.

use crate::catalog::ItemStatus;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// What the records say about one item of the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemOnRecord {
    pub item_id: String,
    pub barcode: String,
    pub status: ItemStatus,
    /// An open loan exists (whatever the status says).
    pub on_loan: bool,
    /// For the report's lists: title and call number.
    pub title: String,
    pub call_number: Option<String>,
}

/// One line of a report list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportLine {
    pub barcode: String,
    pub item_id: Option<String>,
    pub title: Option<String>,
    pub call_number: Option<String>,
    pub status: Option<ItemStatus>,
}

/// The outcome of a stock-take.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StocktakeReport {
    /// Distinct barcodes scanned.
    pub scanned: usize,
    /// Scanned, known and recorded as available (or in repair): all is well.
    pub found: usize,
    /// Available on record but not scanned: missing from the shelf.
    pub missing: Vec<ReportLine>,
    /// Scanned while an open loan exists or the status says on loan: the
    /// return was probably never recorded.
    pub on_shelf_but_on_loan: Vec<ReportLine>,
    /// Scanned but no item of this library has the barcode.
    pub unknown: Vec<ReportLine>,
    /// Scanned but recorded as lost or withdrawn: found again.
    pub found_again: Vec<ReportLine>,
}

fn line(i: &ItemOnRecord) -> ReportLine {
    ReportLine {
        barcode: i.barcode.clone(),
        item_id: Some(i.item_id.clone()),
        title: Some(i.title.clone()),
        call_number: i.call_number.clone(),
        status: Some(i.status),
    }
}

/// Barcodes compare as typed by a scanner: trimmed, case-insensitive.
pub fn normalise_barcode(s: &str) -> String {
    s.trim().to_uppercase()
}

/// Compares the items on record with the scanned barcodes. Items in repair
/// are not expected on the shelf, so they are never reported missing; items
/// on loan, lost or withdrawn that were not scanned are as expected.
pub fn report<'a>(
    items: &[ItemOnRecord],
    scanned: impl IntoIterator<Item = &'a str>,
) -> StocktakeReport {
    let by_code: HashMap<String, &ItemOnRecord> = items
        .iter()
        .map(|i| (normalise_barcode(&i.barcode), i))
        .collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut r = StocktakeReport::default();
    for code in scanned {
        let key = normalise_barcode(code);
        if key.is_empty() || !seen.insert(key.clone()) {
            continue;
        }
        r.scanned += 1;
        match by_code.get(&key) {
            None => r.unknown.push(ReportLine {
                barcode: code.trim().to_string(),
                item_id: None,
                title: None,
                call_number: None,
                status: None,
            }),
            Some(i) if i.on_loan || i.status == ItemStatus::OnLoan => {
                r.on_shelf_but_on_loan.push(line(i))
            }
            Some(i) if matches!(i.status, ItemStatus::Lost | ItemStatus::Withdrawn) => {
                r.found_again.push(line(i))
            }
            Some(_) => r.found += 1,
        }
    }
    for i in items {
        if i.status == ItemStatus::Available
            && !i.on_loan
            && !seen.contains(&normalise_barcode(&i.barcode))
        {
            r.missing.push(line(i));
        }
    }
    let by_barcode = |a: &ReportLine, b: &ReportLine| a.barcode.cmp(&b.barcode);
    r.missing.sort_by(by_barcode);
    r.on_shelf_but_on_loan.sort_by(by_barcode);
    r.unknown.sort_by(by_barcode);
    r.found_again.sort_by(by_barcode);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(code: &str, status: ItemStatus, on_loan: bool) -> ItemOnRecord {
        ItemOnRecord {
            item_id: format!("id-{code}"),
            barcode: code.into(),
            status,
            on_loan,
            title: format!("Buku {code}"),
            call_number: None,
        }
    }

    #[test]
    fn every_category() {
        use ItemStatus::*;
        let items = vec![
            item("B001", Available, false), // scanned: fine
            item("B002", Available, false), // not scanned: missing
            item("B003", OnLoan, true),     // scanned: on shelf but on loan
            item("B004", OnLoan, true),     // not scanned: as expected
            item("B005", Available, true),  // open loan, status stale: on loan
            item("B006", Lost, false),      // scanned: found again
            item("B007", Withdrawn, false), // scanned: found again
            item("B008", InRepair, false),  // not scanned: not missing
            item("B009", Lost, false),      // not scanned: as expected
        ];
        let r = report(
            &items,
            [
                "B001", " b001 ", "B003", "B005", "B006", "b007", "X999", "", "X999",
            ],
        );
        assert_eq!(r.scanned, 6);
        assert_eq!(r.found, 1);
        let codes = |v: &[ReportLine]| v.iter().map(|l| l.barcode.clone()).collect::<Vec<_>>();
        assert_eq!(codes(&r.missing), ["B002"]);
        assert_eq!(codes(&r.on_shelf_but_on_loan), ["B003", "B005"]);
        assert_eq!(codes(&r.found_again), ["B006", "B007"]);
        assert_eq!(codes(&r.unknown), ["X999"]);
        assert_eq!(r.unknown[0].item_id, None);
        assert_eq!(r.missing[0].title.as_deref(), Some("Buku B002"));
    }

    #[test]
    fn nothing_scanned_means_every_available_item_is_missing() {
        let items = vec![
            item("A", ItemStatus::Available, false),
            item("B", ItemStatus::Available, false),
        ];
        let r = report(&items, std::iter::empty());
        assert_eq!(r.missing.len(), 2);
        assert_eq!(r.scanned, 0);
    }
}

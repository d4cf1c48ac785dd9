//! Aid packages, allocations per library and year, shipments, receipt (BAST)
//! and the books into the catalogue.
//!
//! Domain types and rules only: no I/O, no clock (`today` is an argument).
//!
//! A **package** is a template of a program year ("1.000 buku + 1 rak"; full
//! support adds a PC, printer, modem and data package) with its components
//! and, optionally, the book list that goes with it. An **allocation** gives
//! one package to one library for the package's year; its components travel
//! as **shipments** (a planned, shipped and delivered date each) and the
//! library confirms them with a **receipt** (berita acara serah terima).
//! The allocation's status follows from those facts ([`status_from`]); a
//! delivery is **late** when its due date has passed without a receipt
//! ([`is_late`]).

use crate::circulation::parse_date;
use crate::field::{
    Collector, Invalid, Problem, flag, optional, optional_int, optional_text, required_text,
};
use crate::libraries::choice_enum;
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

choice_enum!(
    /// What a package component is.
    ComponentKind {
        Books = "books",
        Shelf = "shelf",
        Pc = "pc",
        Printer = "printer",
        Modem = "modem",
        DataPackage = "data_package",
        Server = "server",
        Tv = "tv",
        Other = "other",
    }
);

choice_enum!(
    /// Where an allocation stands. Derived from its shipments and receipt by
    /// [`status_from`] and stored for filtering.
    AllocationStatus {
        Allocated = "allocated",
        Shipped = "shipped",
        Delivered = "delivered",
        Received = "received",
    }
);

choice_enum!(
    /// The state of the goods as the library received them.
    Condition {
        Good = "good",
        PartlyDamaged = "partly_damaged",
        Damaged = "damaged",
    }
);

/// Most components one package form holds. Twelve covers the 2021 full
/// package (server, 3 PCs, printer, TV, modem, books, shelves) with room.
pub const MAX_COMPONENTS: usize = 12;

/// Form keys of the component rows: `c0_kind`, `c0_label`, `c0_quantity`, …
/// Static so a field error can name the exact cell.
pub const COMPONENT_KIND_FIELDS: [&str; MAX_COMPONENTS] = [
    "c0_kind", "c1_kind", "c2_kind", "c3_kind", "c4_kind", "c5_kind", "c6_kind", "c7_kind",
    "c8_kind", "c9_kind", "c10_kind", "c11_kind",
];
pub const COMPONENT_LABEL_FIELDS: [&str; MAX_COMPONENTS] = [
    "c0_label",
    "c1_label",
    "c2_label",
    "c3_label",
    "c4_label",
    "c5_label",
    "c6_label",
    "c7_label",
    "c8_label",
    "c9_label",
    "c10_label",
    "c11_label",
];
pub const COMPONENT_QUANTITY_FIELDS: [&str; MAX_COMPONENTS] = [
    "c0_quantity",
    "c1_quantity",
    "c2_quantity",
    "c3_quantity",
    "c4_quantity",
    "c5_quantity",
    "c6_quantity",
    "c7_quantity",
    "c8_quantity",
    "c9_quantity",
    "c10_quantity",
    "c11_quantity",
];

/// The first program year Lentera knows (TPBIS began in 2018).
pub const FIRST_YEAR: i32 = 2018;

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).unwrap_or_default()
}

// ------------------------------------------------------------------ packages

/// One component row as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComponentForm {
    pub kind: String,
    pub label: String,
    pub quantity: String,
}

impl ComponentForm {
    fn is_blank(&self) -> bool {
        [&self.kind, &self.label, &self.quantity]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

/// A package as typed into the form or sent to the API.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PackageForm {
    pub year: String,
    pub name: String,
    pub description: String,
    pub full_support: String,
    pub components: Vec<ComponentForm>,
}

impl PackageForm {
    /// Sets a field by its form key (`c3_label` sets the fourth component's
    /// label). Unknown keys answer `false`.
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        match key {
            "year" | "program_year" => self.year = value.to_string(),
            "name" => self.name = value.to_string(),
            "description" => self.description = value.to_string(),
            "full_support" => self.full_support = value.to_string(),
            _ => {
                let Some((i, what)) = component_key(key) else {
                    return false;
                };
                if self.components.len() <= i {
                    self.components.resize(i + 1, ComponentForm::default());
                }
                let c = &mut self.components[i];
                match what {
                    "kind" => c.kind = value.to_string(),
                    "label" => c.label = value.to_string(),
                    _ => c.quantity = value.to_string(),
                }
            }
        }
        true
    }

    /// A form prefilled with the standard components of a year's package.
    pub fn standard(year: i32, full_support: bool) -> PackageForm {
        PackageForm {
            year: year.to_string(),
            name: if full_support {
                "Paket dukungan penuh".into()
            } else {
                "Paket bantuan buku".into()
            },
            description: String::new(),
            full_support: if full_support { "true" } else { "" }.into(),
            components: standard_components(full_support)
                .into_iter()
                .map(|c| ComponentForm {
                    kind: c.kind.key().into(),
                    label: c.label,
                    quantity: c.quantity.to_string(),
                })
                .collect(),
        }
    }
}

/// `c3_label` → (3, "label").
fn component_key(key: &str) -> Option<(usize, &str)> {
    let rest = key.strip_prefix('c')?;
    let (n, what) = rest.split_once('_')?;
    let i: usize = n.parse().ok()?;
    (i < MAX_COMPONENTS && matches!(what, "kind" | "label" | "quantity")).then_some((i, what))
}

/// One component after parsing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComponentDraft {
    pub kind: ComponentKind,
    pub label: String,
    pub quantity: i32,
}

/// The components of the 2024 packages: 1,000 books and a shelf for every
/// recipient; full support adds a PC, a printer, a modem and a data package.
pub fn standard_components(full_support: bool) -> Vec<ComponentDraft> {
    let c = |kind, label: &str, quantity| ComponentDraft {
        kind,
        label: label.into(),
        quantity,
    };
    let mut v = vec![
        c(ComponentKind::Books, "Buku bacaan", 1000),
        c(ComponentKind::Shelf, "Rak buku", 1),
    ];
    if full_support {
        v.extend([
            c(ComponentKind::Pc, "Komputer (PC)", 1),
            c(ComponentKind::Printer, "Printer", 1),
            c(ComponentKind::Modem, "Modem", 1),
            c(
                ComponentKind::DataPackage,
                "Paket data internet 12 bulan",
                1,
            ),
        ]);
    }
    v
}

/// A package after parsing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageDraft {
    pub year: i32,
    pub name: String,
    pub description: Option<String>,
    pub full_support: bool,
    /// In form order, blank rows left out; at least one.
    pub components: Vec<ComponentDraft>,
    /// For each component, the form row it came from (for error keys).
    #[serde(skip)]
    pub rows: Vec<usize>,
}

impl PackageDraft {
    /// `this_year` bounds the year: packages are planned at most two years
    /// ahead.
    pub fn parse(f: &PackageForm, this_year: i32) -> Result<PackageDraft, Invalid> {
        let mut c = Collector::default();
        let year = c.take(
            "program_year",
            optional_int(&f.year, i64::from(FIRST_YEAR), i64::from(this_year) + 2)
                .and_then(|y| y.map(|y| y as i32).ok_or(Problem::Required)),
        );
        let name = c.take("name", required_text(&f.name, 120));
        let description = c.take("description", optional_text(&f.description, 1000));
        let full_support = c.take("full_support", flag(&f.full_support));
        if f.components.len() > MAX_COMPONENTS {
            c.errors.push(
                COMPONENT_KIND_FIELDS[MAX_COMPONENTS - 1],
                Problem::OutOfRange {
                    min: 1,
                    max: MAX_COMPONENTS as i64,
                },
            );
        }
        let mut components = Vec::new();
        let mut rows = Vec::new();
        let mut complete = true;
        for (i, row) in f.components.iter().enumerate().take(MAX_COMPONENTS) {
            if row.is_blank() {
                continue;
            }
            let kind = c.take(
                COMPONENT_KIND_FIELDS[i],
                optional(&row.kind)
                    .ok_or(Problem::Required)
                    .and_then(ComponentKind::parse),
            );
            let label = c.take(COMPONENT_LABEL_FIELDS[i], required_text(&row.label, 120));
            let quantity = c.take(
                COMPONENT_QUANTITY_FIELDS[i],
                optional_int(&row.quantity, 1, 100_000).and_then(|q| q.ok_or(Problem::Required)),
            );
            match (kind, label, quantity) {
                (Some(kind), Some(label), Some(quantity)) => {
                    components.push(ComponentDraft {
                        kind,
                        label,
                        quantity: quantity as i32,
                    });
                    rows.push(i);
                }
                _ => complete = false,
            }
        }
        if components.is_empty() && complete {
            c.errors.push(COMPONENT_KIND_FIELDS[0], Problem::Required);
        }
        match (year, name, description, full_support) {
            (Some(year), Some(name), Some(description), Some(full_support))
                if c.errors.is_empty() =>
            {
                Ok(PackageDraft {
                    year,
                    name,
                    description,
                    full_support,
                    components,
                    rows,
                })
            }
            _ => Err(c.errors),
        }
    }

    /// How many books the package holds, by its components.
    pub fn books(&self) -> i32 {
        self.components
            .iter()
            .filter(|c| c.kind == ComponentKind::Books)
            .map(|c| c.quantity)
            .sum()
    }
}

// --------------------------------------------------------------- allocations

/// An allocation as typed. `library` is the library's id or NPP; the year
/// is the package's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AllocationForm {
    pub library: String,
    pub package: String,
    pub due_date: String,
}

impl AllocationForm {
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        match key {
            "library" | "library_id" => self.library = value.to_string(),
            "package" | "package_id" => self.package = value.to_string(),
            "due_date" => self.due_date = value.to_string(),
            _ => return false,
        }
        true
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllocationDraft {
    /// Id or NPP, resolved by the store.
    pub library: String,
    pub package: String,
    pub due_date: Option<NaiveDate>,
}

impl AllocationDraft {
    pub fn parse(f: &AllocationForm) -> Result<AllocationDraft, Invalid> {
        let mut c = Collector::default();
        let library = c.take("library", required_text(&f.library, 60));
        let package = c.take("package", required_text(&f.package, 60));
        let due_date = c.take("due_date", due_date(&f.due_date));
        match (library, package, due_date) {
            (Some(library), Some(package), Some(due_date)) if c.errors.is_empty() => {
                Ok(AllocationDraft {
                    library,
                    package,
                    due_date,
                })
            }
            _ => Err(c.errors),
        }
    }
}

/// A due date: optional, from 2018 to 2100.
pub fn due_date(s: &str) -> Result<Option<NaiveDate>, Problem> {
    let d = parse_date(s)?;
    match d {
        Some(d) if d < first_day() || d.year() > 2100 => Err(Problem::DateOutOfRange {
            earliest: first_day(),
            latest: NaiveDate::from_ymd_opt(2100, 12, 31).unwrap_or_default(),
        }),
        d => Ok(d),
    }
}

/// The bulk allocation of a year: which package each participation gets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BulkForm {
    pub year: String,
    pub full_support_package: String,
    pub book_aid_package: String,
    pub due_date: String,
}

impl BulkForm {
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        match key {
            "year" | "program_year" => self.year = value.to_string(),
            "full_support_package" => self.full_support_package = value.to_string(),
            "book_aid_package" => self.book_aid_package = value.to_string(),
            "due_date" => self.due_date = value.to_string(),
            _ => return false,
        }
        true
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BulkDraft {
    pub year: i32,
    pub full_support_package: Option<String>,
    pub book_aid_package: Option<String>,
    pub due_date: Option<NaiveDate>,
}

impl BulkDraft {
    pub fn parse(f: &BulkForm, this_year: i32) -> Result<BulkDraft, Invalid> {
        let mut c = Collector::default();
        let year = c.take(
            "program_year",
            optional_int(&f.year, i64::from(FIRST_YEAR), i64::from(this_year) + 2)
                .and_then(|y| y.map(|y| y as i32).ok_or(Problem::Required)),
        );
        let full = c.take(
            "full_support_package",
            optional_text(&f.full_support_package, 60),
        );
        let book = c.take("book_aid_package", optional_text(&f.book_aid_package, 60));
        let due_date = c.take("due_date", due_date(&f.due_date));
        if matches!((&full, &book), (Some(None), Some(None))) {
            c.errors.push("full_support_package", Problem::Required);
        }
        match (year, full, book, due_date) {
            (Some(year), Some(full), Some(book), Some(due_date)) if c.errors.is_empty() => {
                Ok(BulkDraft {
                    year,
                    full_support_package: full,
                    book_aid_package: book,
                    due_date,
                })
            }
            _ => Err(c.errors),
        }
    }
}

/// The package a recipient gets by its participation status: full support
/// gets the full package; book aid and district-proposed recipients the
/// book package; replication villages fund themselves and get none.
pub fn package_for<'a, T>(
    participation: &str,
    full: Option<&'a T>,
    book: Option<&'a T>,
) -> Option<&'a T> {
    match participation.trim() {
        "full_support" => full,
        "book_aid" | "district_proposed" => book,
        _ => None,
    }
}

// ----------------------------------------------------------------- shipments

/// One component's delivery dates as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShipmentForm {
    pub planned_date: String,
    pub shipped_date: String,
    pub delivered_date: String,
    pub courier: String,
    pub tracking: String,
    pub note: String,
}

impl ShipmentForm {
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        match key {
            "planned_date" => self.planned_date = value.to_string(),
            "shipped_date" => self.shipped_date = value.to_string(),
            "delivered_date" => self.delivered_date = value.to_string(),
            "courier" => self.courier = value.to_string(),
            "tracking" => self.tracking = value.to_string(),
            "note" => self.note = value.to_string(),
            _ => return false,
        }
        true
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ShipmentDraft {
    pub planned_date: Option<NaiveDate>,
    pub shipped_date: Option<NaiveDate>,
    pub delivered_date: Option<NaiveDate>,
    pub courier: Option<String>,
    pub tracking: Option<String>,
    pub note: Option<String>,
}

impl ShipmentDraft {
    /// Shipped and delivered dates cannot lie in the future (they are
    /// facts); a planned date may be up to two years ahead. Delivery cannot
    /// precede shipping.
    pub fn parse(f: &ShipmentForm, today: NaiveDate) -> Result<ShipmentDraft, Invalid> {
        let mut c = Collector::default();
        let past = |s: &str| -> Result<Option<NaiveDate>, Problem> {
            match parse_date(s)? {
                Some(d) if d < first_day() || d > today => Err(Problem::DateOutOfRange {
                    earliest: first_day(),
                    latest: today,
                }),
                d => Ok(d),
            }
        };
        let ahead = today + Duration::days(731);
        let planned = c.take(
            "planned_date",
            parse_date(&f.planned_date).and_then(|d| match d {
                Some(d) if d < first_day() || d > ahead => Err(Problem::DateOutOfRange {
                    earliest: first_day(),
                    latest: ahead,
                }),
                d => Ok(d),
            }),
        );
        let shipped = c.take("shipped_date", past(&f.shipped_date));
        let delivered = c.take("delivered_date", past(&f.delivered_date));
        if let (Some(Some(s)), Some(Some(d))) = (shipped, delivered)
            && d < s
        {
            c.errors.push("delivered_date", Problem::EndBeforeStart);
        }
        let courier = c.take("courier", optional_text(&f.courier, 80));
        let tracking = c.take("tracking", optional_text(&f.tracking, 80));
        let note = c.take("note", optional_text(&f.note, 500));
        match (planned, shipped, delivered, courier, tracking, note) {
            (Some(p), Some(s), Some(d), Some(co), Some(t), Some(n)) if c.errors.is_empty() => {
                Ok(ShipmentDraft {
                    planned_date: p,
                    shipped_date: s,
                    delivered_date: d,
                    courier: co,
                    tracking: t,
                    note: n,
                })
            }
            _ => Err(c.errors),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == ShipmentDraft::default()
    }
}

/// What the status rule needs from one shipment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShipmentFacts {
    pub shipped: bool,
    pub delivered: bool,
}

/// The allocation's status: received once the BAST is recorded; delivered
/// when every component of the package has a delivery date; shipped when
/// anything is on its way; allocated before that.
pub fn status_from(
    components: usize,
    shipments: &[ShipmentFacts],
    received: bool,
) -> AllocationStatus {
    if received {
        return AllocationStatus::Received;
    }
    let delivered = shipments.iter().filter(|s| s.delivered).count();
    if components > 0 && delivered >= components {
        AllocationStatus::Delivered
    } else if shipments.iter().any(|s| s.shipped || s.delivered) {
        AllocationStatus::Shipped
    } else {
        AllocationStatus::Allocated
    }
}

/// Late: the due date has passed and the library has not confirmed receipt.
pub fn is_late(due: Option<NaiveDate>, status: AllocationStatus, today: NaiveDate) -> bool {
    status != AllocationStatus::Received && due.is_some_and(|d| d < today)
}

/// Waiting for the library: something arrived (or is on its way) and no
/// BAST has been recorded yet.
pub fn awaits_receipt(status: AllocationStatus) -> bool {
    matches!(
        status,
        AllocationStatus::Shipped | AllocationStatus::Delivered
    )
}

// ------------------------------------------------------------------ receipt

/// The berita acara serah terima as typed (photo and scan come as files).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReceiptForm {
    pub received_on: String,
    pub receiver_name: String,
    pub receiver_position: String,
    pub condition: String,
    pub shortfalls: String,
}

impl ReceiptForm {
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        match key {
            "received_on" => self.received_on = value.to_string(),
            "receiver_name" => self.receiver_name = value.to_string(),
            "receiver_position" => self.receiver_position = value.to_string(),
            "condition" => self.condition = value.to_string(),
            "shortfalls" => self.shortfalls = value.to_string(),
            _ => return false,
        }
        true
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptDraft {
    pub received_on: NaiveDate,
    pub receiver_name: String,
    pub receiver_position: Option<String>,
    pub condition: Condition,
    /// What was missing or damaged; required unless everything arrived in
    /// good condition.
    pub shortfalls: Option<String>,
}

impl ReceiptDraft {
    /// `earliest`: goods cannot be received before the allocation's year
    /// began.
    pub fn parse(
        f: &ReceiptForm,
        today: NaiveDate,
        earliest: NaiveDate,
    ) -> Result<ReceiptDraft, Invalid> {
        let mut c = Collector::default();
        let received_on = c.take(
            "received_on",
            parse_date(&f.received_on).and_then(|d| match d {
                None => Err(Problem::Required),
                Some(d) if d < earliest || d > today => Err(Problem::DateOutOfRange {
                    earliest,
                    latest: today,
                }),
                Some(d) => Ok(d),
            }),
        );
        let receiver_name = c.take("receiver_name", required_text(&f.receiver_name, 120));
        let receiver_position = c.take(
            "receiver_position",
            optional_text(&f.receiver_position, 120),
        );
        let condition = c.take(
            "condition",
            optional(&f.condition)
                .ok_or(Problem::Required)
                .and_then(Condition::parse),
        );
        let shortfalls = c.take("shortfalls", optional_text(&f.shortfalls, 2000));
        if let (Some(cond), Some(None)) = (condition, &shortfalls)
            && cond != Condition::Good
        {
            c.errors.push("shortfalls", Problem::Required);
        }
        match (
            received_on,
            receiver_name,
            receiver_position,
            condition,
            shortfalls,
        ) {
            (
                Some(received_on),
                Some(receiver_name),
                Some(receiver_position),
                Some(condition),
                Some(shortfalls),
            ) if c.errors.is_empty() => Ok(ReceiptDraft {
                received_on,
                receiver_name,
                receiver_position,
                condition,
                shortfalls,
            }),
            _ => Err(c.errors),
        }
    }

    /// Whether the district should hear about this receipt: something was
    /// missing or damaged.
    pub fn has_problems(&self) -> bool {
        self.condition != Condition::Good || self.shortfalls.is_some()
    }
}

// --------------------------------------------------------- books in catalogue

/// The item source of aid books: "Bantuan Perpusnas 2024".
pub fn item_source(year: i32) -> String {
    format!("Bantuan Perpusnas {year}")
}

/// The barcode of the `n`-th aid copy (from 1) of a year, for lists that
/// bring none: "BP2024-00001". Stable, so importing the same list again
/// finds the copies already there and adds nothing; one allocation per
/// library and year keeps them unique in the library.
pub fn aid_barcode(year: i32, n: u64) -> String {
    format!("BP{year}-{n:05}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn package_form() -> PackageForm {
        let mut f = PackageForm::default();
        for (k, v) in [
            ("year", "2024"),
            ("name", "Paket bantuan buku 2024"),
            ("c0_kind", "books"),
            ("c0_label", "Buku bacaan"),
            ("c0_quantity", "1.000"),
            ("c1_kind", "shelf"),
            ("c1_label", "Rak buku"),
            ("c1_quantity", "1"),
        ] {
            assert!(f.set(k, v), "{k}");
        }
        f
    }

    #[test]
    fn a_package_parses_with_its_components() {
        let mut f = package_form();
        // Indonesian thousands separator is not a number: reported per cell.
        let e = PackageDraft::parse(&f, 2026).unwrap_err();
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.0[0].field, "c0_quantity");
        f.set("c0_quantity", "1000");
        // A blank row in between is skipped.
        f.set("c4_kind", "pc");
        f.set("c4_label", "Komputer");
        f.set("c4_quantity", "1");
        let p = PackageDraft::parse(&f, 2026).unwrap();
        assert_eq!(p.year, 2024);
        assert_eq!(p.components.len(), 3);
        assert_eq!(p.rows, vec![0, 1, 4]);
        assert_eq!(p.books(), 1000);
        assert!(!p.full_support);
        assert!(!f.set("c12_kind", "pc"), "only twelve rows");
        assert!(!f.set("colour", "red"));
    }

    #[test]
    fn every_package_problem_is_reported_at_once() {
        let mut f = PackageForm::default();
        f.set("year", "2017");
        f.set("c2_kind", "kulkas");
        f.set("c2_quantity", "0");
        let e = PackageDraft::parse(&f, 2026).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| (e.field, e.problem.clone())).collect();
        assert!(fields.contains(&(
            "program_year",
            Problem::OutOfRange {
                min: 2018,
                max: 2028
            }
        )));
        assert!(fields.contains(&("name", Problem::Required)));
        assert!(fields.contains(&("c2_kind", Problem::UnknownChoice)));
        assert!(fields.contains(&("c2_label", Problem::Required)));
        assert!(fields.contains(&(
            "c2_quantity",
            Problem::OutOfRange {
                min: 1,
                max: 100_000
            }
        )));
        // No component at all.
        let mut f = package_form();
        for k in [
            "c0_kind",
            "c0_label",
            "c0_quantity",
            "c1_kind",
            "c1_label",
            "c1_quantity",
        ] {
            f.set(k, "");
        }
        let e = PackageDraft::parse(&f, 2026).unwrap_err();
        assert_eq!(
            e.0,
            vec![crate::field::FieldError::new("c0_kind", Problem::Required)]
        );
    }

    #[test]
    fn standard_packages_follow_2024() {
        let book = PackageDraft::parse(&PackageForm::standard(2024, false), 2026).unwrap();
        assert_eq!(book.components.len(), 2);
        assert_eq!(book.books(), 1000);
        let full = PackageDraft::parse(&PackageForm::standard(2024, true), 2026).unwrap();
        assert!(full.full_support);
        let kinds: Vec<_> = full.components.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                ComponentKind::Books,
                ComponentKind::Shelf,
                ComponentKind::Pc,
                ComponentKind::Printer,
                ComponentKind::Modem,
                ComponentKind::DataPackage
            ]
        );
    }

    #[test]
    fn allocations_need_a_library_and_a_package() {
        let e = AllocationDraft::parse(&AllocationForm {
            due_date: "31-13-2024".into(),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["library", "package", "due_date"]);
        let a = AllocationDraft::parse(&AllocationForm {
            library: " 3520012D1000001 ".into(),
            package: "p".into(),
            due_date: "31-08-2024".into(),
        })
        .unwrap();
        assert_eq!(a.library, "3520012D1000001");
        assert_eq!(a.due_date, Some(d(2024, 8, 31)));
        assert!(matches!(
            due_date("2017-12-31"),
            Err(Problem::DateOutOfRange { .. })
        ));
    }

    #[test]
    fn bulk_needs_at_least_one_package() {
        let f = BulkForm {
            year: "2024".into(),
            ..Default::default()
        };
        let e = BulkDraft::parse(&f, 2026).unwrap_err();
        assert_eq!(e.0[0].field, "full_support_package");
        let b = BulkDraft::parse(
            &BulkForm {
                book_aid_package: "b".into(),
                ..f
            },
            2026,
        )
        .unwrap();
        assert_eq!(b.book_aid_package.as_deref(), Some("b"));
        assert_eq!(b.full_support_package, None);
    }

    #[test]
    fn participation_picks_the_package() {
        let (full, book) = ("full", "book");
        assert_eq!(
            package_for("full_support", Some(&full), Some(&book)),
            Some(&full)
        );
        assert_eq!(
            package_for("book_aid", Some(&full), Some(&book)),
            Some(&book)
        );
        assert_eq!(
            package_for("district_proposed", Some(&full), Some(&book)),
            Some(&book)
        );
        assert_eq!(package_for("replication", Some(&full), Some(&book)), None);
        assert_eq!(package_for("full_support", None, Some(&book)), None);
    }

    #[test]
    fn shipments_are_facts_not_wishes() {
        let today = d(2024, 8, 20);
        let f = ShipmentForm {
            planned_date: "2024-09-30".into(),
            shipped_date: "2024-08-21".into(),
            ..Default::default()
        };
        let e = ShipmentDraft::parse(&f, today).unwrap_err();
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.0[0].field, "shipped_date");
        let f = ShipmentForm {
            shipped_date: "2024-08-10".into(),
            delivered_date: "2024-08-05".into(),
            courier: "Pos Indonesia".into(),
            ..Default::default()
        };
        let e = ShipmentDraft::parse(&f, today).unwrap_err();
        assert_eq!(e.0[0].field, "delivered_date");
        assert_eq!(e.0[0].problem, Problem::EndBeforeStart);
        let ok = ShipmentDraft::parse(
            &ShipmentForm {
                delivered_date: "2024-08-15".into(),
                ..f
            },
            today,
        )
        .unwrap();
        assert_eq!(ok.courier.as_deref(), Some("Pos Indonesia"));
        assert!(
            ShipmentDraft::parse(&ShipmentForm::default(), today)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn status_follows_the_shipments_and_the_receipt() {
        let none = ShipmentFacts::default();
        let shipped = ShipmentFacts {
            shipped: true,
            delivered: false,
        };
        let delivered = ShipmentFacts {
            shipped: true,
            delivered: true,
        };
        assert_eq!(status_from(2, &[], false), AllocationStatus::Allocated);
        assert_eq!(
            status_from(2, &[none, none], false),
            AllocationStatus::Allocated
        );
        assert_eq!(
            status_from(2, &[shipped, none], false),
            AllocationStatus::Shipped
        );
        assert_eq!(
            status_from(2, &[delivered], false),
            AllocationStatus::Shipped
        );
        assert_eq!(
            status_from(2, &[delivered, delivered], false),
            AllocationStatus::Delivered
        );
        assert_eq!(status_from(2, &[none], true), AllocationStatus::Received);
        assert!(awaits_receipt(AllocationStatus::Delivered));
        assert!(!awaits_receipt(AllocationStatus::Allocated));
    }

    #[test]
    fn late_means_due_passed_and_not_received() {
        let today = d(2024, 9, 1);
        assert!(is_late(
            Some(d(2024, 8, 31)),
            AllocationStatus::Shipped,
            today
        ));
        assert!(!is_late(
            Some(d(2024, 9, 1)),
            AllocationStatus::Shipped,
            today
        ));
        assert!(!is_late(
            Some(d(2024, 8, 31)),
            AllocationStatus::Received,
            today
        ));
        assert!(!is_late(None, AllocationStatus::Allocated, today));
    }

    #[test]
    fn a_receipt_with_damage_must_say_what() {
        let today = d(2024, 9, 1);
        let earliest = d(2024, 1, 1);
        let mut f = ReceiptForm {
            received_on: "2024-08-20".into(),
            receiver_name: "Sri Lestari".into(),
            receiver_position: "Pengelola perpustakaan".into(),
            condition: "partly_damaged".into(),
            shortfalls: String::new(),
        };
        let e = ReceiptDraft::parse(&f, today, earliest).unwrap_err();
        assert_eq!(e.0[0].field, "shortfalls");
        f.shortfalls = "2 buku basah, rak tergores".into();
        let r = ReceiptDraft::parse(&f, today, earliest).unwrap();
        assert!(r.has_problems());
        f.condition = "good".into();
        f.shortfalls.clear();
        assert!(
            !ReceiptDraft::parse(&f, today, earliest)
                .unwrap()
                .has_problems()
        );
        f.received_on = "2024-09-02".into();
        f.receiver_name = " ".into();
        f.condition = "lumayan".into();
        let e = ReceiptDraft::parse(&f, today, earliest).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["received_on", "receiver_name", "condition"]);
    }

    #[test]
    fn aid_copies_are_named_by_year() {
        assert_eq!(item_source(2024), "Bantuan Perpusnas 2024");
        assert_eq!(aid_barcode(2024, 7), "BP2024-00007");
        assert!(crate::catalog::Barcode::parse(&aid_barcode(2024, 99_999)).is_ok());
    }
}

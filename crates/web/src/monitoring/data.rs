//! What a dashboard shows, built once and shared by the page, the JSON API,
//! every export and `lentera report`: plain functions over a `&mut DbConn`,
//! no HTTP. The web layer decides *who* may see a [`Scope`]; this module
//! only builds it.
//!
//! A dashboard covers a [`Scope`] (the nation, a region, a facilitator's
//! libraries, or one library) over a [`Span`] (a month, a quarter or a
//! year). Its figures are the monthly library figures of
//! `lentera_core::monitoring::figures`, aggregated the one right way:
//! over libraries every element adds up; over months flows add up while
//! stocks (titles, items, registered members) take the last month, never a
//! sum. Figures are live: a month that is not yet submitted is computed
//! from the library's records at the moment of asking, so a guest-book
//! entry shows on the next page load. With `include_unapproved = false`
//! only months approved by the district (or higher) count, with the figures
//! as they were approved.

use crate::i18n::Lang;
use chrono::{NaiveDate, NaiveDateTime};
use lentera_core::activities::Strategy;
use lentera_core::circulation::{AgeGroup, Gender};
use lentera_core::field::Problem;
use lentera_core::ids::LibraryId;
use lentera_core::libraries::Library;
use lentera_core::monitoring::figures::{Disagg, Element, Figures, Period, PeriodRange};
use lentera_core::monitoring::iplm::{IplmBand, IplmElement, IplmVersion};
use lentera_core::monitoring::reports::{ApprovalLevel, Stage, Status};
use lentera_core::monitoring::snp::{SnpChecklist, SnpItem};
use lentera_core::regions::{Level, RegionCode, RegionTree};
use lentera_core::users::Reach;
use lentera_core::workplans::PlanStatus;
use lentera_store::libraries::{self as store_libraries, LibraryQuery};
use lentera_store::monitoring::dashboard::{self as engine, IndicatorValue, IplmTable, Scorecard};
use lentera_store::monitoring::figures::Unit;
use lentera_store::monitoring::reports as store_reports;
use lentera_store::{DbConn, StoreError, StoreResult};
use serde_json::{Value, json};
use std::collections::BTreeMap;

// ------------------------------------------------------------------ spans

/// How long a dashboard's period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpanKind {
    Month,
    Quarter,
    Year,
}

impl SpanKind {
    pub fn key(self) -> &'static str {
        match self {
            SpanKind::Month => "month",
            SpanKind::Quarter => "quarter",
            SpanKind::Year => "year",
        }
    }

    pub fn parse(s: &str) -> Result<SpanKind, Problem> {
        match s.trim().to_ascii_lowercase().as_str() {
            "month" | "bulan" => Ok(SpanKind::Month),
            "quarter" | "triwulan" => Ok(SpanKind::Quarter),
            "year" | "tahun" => Ok(SpanKind::Year),
            _ => Err(Problem::UnknownChoice),
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (SpanKind::Month, Lang::Id) => "Bulan",
            (SpanKind::Month, Lang::En) => "Month",
            (SpanKind::Quarter, Lang::Id) => "Triwulan",
            (SpanKind::Quarter, Lang::En) => "Quarter",
            (SpanKind::Year, Lang::Id) => "Tahun",
            (SpanKind::Year, Lang::En) => "Year",
        }
    }
}

/// A dashboard's period: whole months from `from` to `to`, both included.
/// Written in URLs as `2024-07`, `2024-Q3` or `2024`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub kind: SpanKind,
    pub from: Period,
    pub to: Period,
}

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

impl Span {
    pub fn month(p: Period) -> Span {
        Span {
            kind: SpanKind::Month,
            from: p,
            to: p,
        }
    }

    pub fn quarter(year: i32, q: u32) -> Result<Span, Problem> {
        if !(1..=4).contains(&q) {
            return Err(Problem::OutOfRange { min: 1, max: 4 });
        }
        Ok(Span {
            kind: SpanKind::Quarter,
            from: Period::new(year, 3 * q - 2)?,
            to: Period::new(year, 3 * q)?,
        })
    }

    pub fn year(year: i32) -> Result<Span, Problem> {
        Ok(Span {
            kind: SpanKind::Year,
            from: Period::new(year, 1)?,
            to: Period::new(year, 12)?,
        })
    }

    /// The span of `kind` that contains month `p`.
    pub fn containing(kind: SpanKind, p: Period) -> Span {
        match kind {
            SpanKind::Month => Span::month(p),
            SpanKind::Quarter => {
                Span::quarter(p.year(), (p.month() - 1) / 3 + 1).unwrap_or(Span::month(p))
            }
            SpanKind::Year => Span::year(p.year()).unwrap_or(Span::month(p)),
        }
    }

    /// Parses `2024-07` / `202407` (a month), `2024-Q3` / `2024Q3` (a
    /// quarter) or `2024` (a year).
    pub fn parse(s: &str) -> Result<Span, Problem> {
        let t = s.trim().to_ascii_uppercase();
        if t.is_empty() {
            return Err(Problem::Required);
        }
        if let Some((y, q)) = t.split_once('Q') {
            let y = y.trim_end_matches('-');
            let year = y.parse::<i32>().map_err(|_| Problem::BadDate)?;
            let q = q.parse::<u32>().map_err(|_| Problem::BadDate)?;
            if !(1900..=9999).contains(&year) {
                return Err(Problem::BadDate);
            }
            return Span::quarter(year, q).map_err(|_| Problem::BadDate);
        }
        if t.len() == 4 {
            let year = t.parse::<i32>().map_err(|_| Problem::BadDate)?;
            return Span::year(year).map_err(|_| Problem::BadDate);
        }
        Period::parse(&t).map(Span::month)
    }

    /// The URL form: `2024-07`, `2024-Q3`, `2024`.
    pub fn key(&self) -> String {
        match self.kind {
            SpanKind::Month => self.from.to_string(),
            SpanKind::Quarter => {
                format!("{}-Q{}", self.from.year(), (self.from.month() - 1) / 3 + 1)
            }
            SpanKind::Year => self.from.year().to_string(),
        }
    }

    pub fn months(&self) -> Vec<Period> {
        self.from.through(self.to).collect()
    }

    pub fn len(&self) -> u32 {
        self.from.months_to(self.to)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn prev(&self) -> Span {
        Span::containing(self.kind, self.from.prev())
    }

    pub fn next(&self) -> Span {
        Span::containing(self.kind, self.to.next())
    }

    pub fn contains(&self, p: Period) -> bool {
        self.from <= p && p <= self.to
    }

    /// "Juli 2024", "Triwulan III 2024", "Tahun 2024".
    pub fn label(&self, lang: Lang) -> String {
        match self.kind {
            SpanKind::Month => month_label(self.from, lang),
            SpanKind::Quarter => {
                let q = ((self.from.month() - 1) / 3) as usize;
                match lang {
                    Lang::Id => format!("Triwulan {} {}", ROMAN[q.min(3)], self.from.year()),
                    Lang::En => format!("Q{} {}", q + 1, self.from.year()),
                }
            }
            SpanKind::Year => match lang {
                Lang::Id => format!("Tahun {}", self.from.year()),
                Lang::En => format!("Year {}", self.from.year()),
            },
        }
    }

    /// "monthly", "quarterly", "annual" report, as titles say it.
    pub fn report_name(&self, lang: Lang) -> &'static str {
        match (self.kind, lang) {
            (SpanKind::Month, Lang::Id) => "Laporan Bulanan",
            (SpanKind::Month, Lang::En) => "Monthly Report",
            (SpanKind::Quarter, Lang::Id) => "Laporan Triwulanan",
            (SpanKind::Quarter, Lang::En) => "Quarterly Report",
            (SpanKind::Year, Lang::Id) => "Laporan Tahunan",
            (SpanKind::Year, Lang::En) => "Annual Report",
        }
    }
}

const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub fn month_name(m: u32, lang: Lang) -> &'static str {
    let i = (m.clamp(1, 12) - 1) as usize;
    match lang {
        Lang::Id => MONTHS_ID[i],
        Lang::En => MONTHS_EN[i],
    }
}

/// "Juli 2024".
pub fn month_label(p: Period, lang: Lang) -> String {
    format!("{} {}", month_name(p.month(), lang), p.year())
}

/// "Jul 24", for chart axes.
pub fn month_short(p: Period, lang: Lang) -> String {
    let name = month_name(p.month(), lang);
    let short: String = name.chars().take(3).collect();
    format!("{short} {:02}", p.year() % 100)
}

/// Today's date on the programme's reference clock (Jakarta), for
/// "the current month" of dashboards that span time zones.
pub fn today() -> NaiveDate {
    lentera_core::visits::TimeZone::Wib.local_date(lentera_store::now())
}

// ----------------------------------------------------------------- labels

/// An element's name as dashboards and reports print it.
pub fn element_label(e: Element, lang: Lang) -> &'static str {
    let (id, en) = match e {
        Element::Visits => ("Kunjungan", "Visits"),
        Element::MembersNew => ("Anggota baru", "New members"),
        Element::MembersActive => ("Anggota aktif", "Active members"),
        Element::Members => ("Anggota terdaftar", "Registered members"),
        Element::Loans => ("Peminjaman", "Loans"),
        Element::Titles => ("Judul koleksi", "Titles"),
        Element::Items => ("Eksemplar koleksi", "Items"),
        Element::ItemsNew => ("Eksemplar baru", "New items"),
        Element::Activities => ("Kegiatan", "Activities"),
        Element::Participants => ("Peserta kegiatan", "Participants"),
        Element::WorkplanPlanned => (
            "Kegiatan rencana kerja yang dijadwalkan",
            "Work-plan activities due",
        ),
        Element::WorkplanDone => (
            "Kegiatan rencana kerja selesai",
            "Work-plan activities done",
        ),
        Element::AidReceived => ("Bantuan diterima (BAST)", "Aid received (receipts)"),
    };
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

pub fn strategy_label(key: &str, lang: Lang) -> String {
    let known = match Strategy::parse(key) {
        Ok(Strategy::LayananInformasi) => {
            Some(("Peningkatan layanan informasi", "Information services"))
        }
        Ok(Strategy::PelibatanMasyarakat) => Some(("Pelibatan masyarakat", "Community engagement")),
        Ok(Strategy::Advokasi) => Some(("Advokasi", "Advocacy")),
        Err(_) => None,
    };
    match (known, lang) {
        (Some((id, _)), Lang::Id) => id.to_string(),
        (Some((_, en)), Lang::En) => en.to_string(),
        (None, _) => key.replace('_', " "),
    }
}

pub fn plan_status_label(s: PlanStatus, lang: Lang) -> &'static str {
    match (s, lang) {
        (PlanStatus::Draft, Lang::Id) => "Draf",
        (PlanStatus::Draft, Lang::En) => "Draft",
        (PlanStatus::Submitted, Lang::Id) => "Diajukan",
        (PlanStatus::Submitted, Lang::En) => "Submitted",
        (PlanStatus::RevisionRequested, Lang::Id) => "Perlu perbaikan",
        (PlanStatus::RevisionRequested, Lang::En) => "Revision requested",
        (PlanStatus::Approved, Lang::Id) => "Disetujui",
        (PlanStatus::Approved, Lang::En) => "Approved",
    }
}

/// Aid allocation statuses, in their order along the delivery.
pub const AID_STATUSES: [&str; 4] = ["allocated", "shipped", "delivered", "received"];

pub fn aid_status_label(key: &str, lang: Lang) -> &'static str {
    match (key, lang) {
        ("allocated", Lang::Id) => "Dialokasikan",
        ("allocated", Lang::En) => "Allocated",
        ("shipped", Lang::Id) => "Dikirim",
        ("shipped", Lang::En) => "Shipped",
        ("delivered", Lang::Id) => "Tiba",
        ("delivered", Lang::En) => "Delivered",
        ("received", Lang::Id) => "Diterima (BAST)",
        ("received", Lang::En) => "Received (signed)",
        ("late", Lang::Id) => "Terlambat",
        ("late", Lang::En) => "Late",
        (_, Lang::Id) => "Lainnya",
        (_, Lang::En) => "Other",
    }
}

pub fn report_status_label(stage: Stage, lang: Lang) -> String {
    let level = |l: ApprovalLevel| match (l, lang) {
        (ApprovalLevel::District, Lang::Id) => "kabupaten/kota",
        (ApprovalLevel::District, Lang::En) => "district",
        (ApprovalLevel::Province, Lang::Id) => "provinsi",
        (ApprovalLevel::Province, Lang::En) => "province",
        (ApprovalLevel::National, Lang::Id) => "nasional",
        (ApprovalLevel::National, Lang::En) => "national",
    };
    match (stage.status, lang) {
        (Status::Draft, Lang::Id) => "Belum dikirim".into(),
        (Status::Draft, Lang::En) => "Not submitted".into(),
        (Status::Submitted, Lang::Id) => "Dikirim, menunggu persetujuan".into(),
        (Status::Submitted, Lang::En) => "Submitted, awaiting approval".into(),
        (Status::Returned, Lang::Id) => "Dikembalikan untuk diperbaiki".into(),
        (Status::Returned, Lang::En) => "Returned for correction".into(),
        (Status::Unlocked, Lang::Id) => "Dibuka kembali".into(),
        (Status::Unlocked, Lang::En) => "Unlocked".into(),
        (Status::Approved, Lang::Id) => match stage.approved {
            Some(l) => format!("Disetujui tingkat {}", level(l)),
            None => "Disetujui".into(),
        },
        (Status::Approved, Lang::En) => match stage.approved {
            Some(l) => format!("Approved at {} level", level(l)),
            None => "Approved".into(),
        },
    }
}

/// The literacy index's formula the dashboards use: the 2025 norm (a
/// region's value depends on its own data only).
pub const IPLM_VERSION: IplmVersion = IplmVersion::Norm2025;

pub fn snp_item_label(i: SnpItem, lang: Lang) -> &'static str {
    match (i, lang) {
        (SnpItem::Collection, Lang::Id) => "Koleksi (judul)",
        (SnpItem::Collection, Lang::En) => "Collection (titles)",
        (SnpItem::Building, Lang::Id) => "Luas gedung (m²)",
        (SnpItem::Building, Lang::En) => "Building (m²)",
        (SnpItem::Hours, Lang::Id) => "Jam buka per hari",
        (SnpItem::Hours, Lang::En) => "Opening hours a day",
        (SnpItem::Staff, Lang::Id) => "Tenaga perpustakaan",
        (SnpItem::Staff, Lang::En) => "Library staff",
    }
}

pub fn iplm_element_label(e: IplmElement, lang: Lang) -> &'static str {
    match (e, lang) {
        (IplmElement::Coverage, Lang::Id) => "Pemerataan layanan",
        (IplmElement::Coverage, Lang::En) => "Service coverage",
        (IplmElement::Collection, Lang::Id) => "Kecukupan koleksi",
        (IplmElement::Collection, Lang::En) => "Collection adequacy",
        (IplmElement::Staff, Lang::Id) => "Kecukupan tenaga",
        (IplmElement::Staff, Lang::En) => "Staff adequacy",
        (IplmElement::DailyVisits, Lang::Id) => "Kunjungan harian",
        (IplmElement::DailyVisits, Lang::En) => "Daily visits",
        (IplmElement::Snp, Lang::Id) => "Perpustakaan ber-SNP",
        (IplmElement::Snp, Lang::En) => "Libraries meeting the standard",
        (IplmElement::Participation, Lang::Id) => "Partisipasi masyarakat",
        (IplmElement::Participation, Lang::En) => "Community participation",
        (IplmElement::Members, Lang::Id) => "Anggota",
        (IplmElement::Members, Lang::En) => "Members",
    }
}

pub fn iplm_band_label(b: IplmBand, lang: Lang) -> &'static str {
    match (b, lang) {
        (IplmBand::VeryLow, Lang::Id) => "Sangat rendah",
        (IplmBand::VeryLow, Lang::En) => "Very low",
        (IplmBand::Low, Lang::Id) => "Rendah",
        (IplmBand::Low, Lang::En) => "Low",
        (IplmBand::Medium, Lang::Id) => "Sedang",
        (IplmBand::Medium, Lang::En) => "Medium",
        (IplmBand::High, Lang::Id) => "Tinggi",
        (IplmBand::High, Lang::En) => "High",
        (IplmBand::VeryHigh, Lang::Id) => "Sangat tinggi",
        (IplmBand::VeryHigh, Lang::En) => "Very high",
    }
}

pub fn iplm_version_label(v: IplmVersion, lang: Lang) -> &'static str {
    match (v, lang) {
        (IplmVersion::MinMax2023, Lang::Id) => "min–maks 2023",
        (IplmVersion::MinMax2023, Lang::En) => "min–max 2023",
        (IplmVersion::Norm2025, Lang::Id) => "norma 2025 (Perpusnas 7/2025)",
        (IplmVersion::Norm2025, Lang::En) => "2025 norm (Perpusnas 7/2025)",
    }
}

// ----------------------------------------------------------------- scopes

/// What a dashboard covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Nation,
    Region(RegionCode),
    /// A facilitator's assigned libraries.
    Libraries(Vec<LibraryId>),
    Library(LibraryId),
}

impl Scope {
    /// The filter store queries apply for this scope.
    pub fn reach(&self) -> Reach {
        match self {
            Scope::Nation => Reach::Everything,
            Scope::Region(r) => Reach::Region(r.clone()),
            Scope::Libraries(ids) => Reach::Libraries(ids.clone()),
            Scope::Library(id) => Reach::Libraries(vec![*id]),
        }
    }

    /// The query-string part naming this scope (`region=3520`,
    /// `library=…`; empty for the nation and a facilitator's libraries,
    /// which are the defaults of those users).
    pub fn query(&self) -> String {
        match self {
            Scope::Nation | Scope::Libraries(_) => String::new(),
            Scope::Region(r) => format!("region={r}"),
            Scope::Library(id) => format!("library={id}"),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Scope::Nation => "nation",
            Scope::Region(_) => "region",
            Scope::Libraries(_) => "libraries",
            Scope::Library(_) => "library",
        }
    }

    /// A short name for file names: `nasional`, `3520`, the library id.
    pub fn slug(&self) -> String {
        match self {
            Scope::Nation => "nasional".into(),
            Scope::Region(r) => r.to_string(),
            Scope::Libraries(_) => "binaan".into(),
            Scope::Library(id) => id.to_string(),
        }
    }
}

/// What the rows under a scope are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildLevel {
    Province,
    Regency,
    Library,
}

impl ChildLevel {
    pub fn key(self) -> &'static str {
        match self {
            ChildLevel::Province => "province",
            ChildLevel::Regency => "regency",
            ChildLevel::Library => "library",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ChildLevel::Province, Lang::Id) => "Provinsi",
            (ChildLevel::Province, Lang::En) => "Province",
            (ChildLevel::Regency, Lang::Id) => "Kabupaten/kota",
            (ChildLevel::Regency, Lang::En) => "District/city",
            (ChildLevel::Library, Lang::Id) => "Perpustakaan",
            (ChildLevel::Library, Lang::En) => "Library",
        }
    }
}

/// The rows one level down: provinces under the nation, regencies under a
/// province, libraries under a regency or anything smaller.
pub fn child_level(scope: &Scope) -> Option<ChildLevel> {
    match scope {
        Scope::Nation => Some(ChildLevel::Province),
        Scope::Region(r) if r.level() == Level::Province => Some(ChildLevel::Regency),
        Scope::Region(_) | Scope::Libraries(_) => Some(ChildLevel::Library),
        Scope::Library(_) => None,
    }
}

/// One step of the breadcrumb trail.
#[derive(Debug, Clone, PartialEq)]
pub struct Crumb {
    pub label: String,
    pub scope: Scope,
}

// -------------------------------------------------------------- dashboard

/// The scope of an engine unit.
pub fn scope_of_unit(u: &Unit) -> Scope {
    Scope::of_unit(u)
}

impl Scope {
    /// The monitoring engine's name for the same thing.
    pub fn unit(&self) -> Unit {
        match self {
            Scope::Nation => Unit::Nation,
            Scope::Region(r) => Unit::Region(r.clone()),
            Scope::Libraries(ids) => Unit::Libraries(ids.clone()),
            Scope::Library(id) => Unit::Library(*id),
        }
    }

    pub fn of_unit(u: &Unit) -> Scope {
        match u {
            Unit::Nation => Scope::Nation,
            Unit::Region(r) => Scope::Region(r.clone()),
            Unit::Libraries(ids) => Scope::Libraries(ids.clone()),
            Unit::Library(id) => Scope::Library(*id),
        }
    }
}

impl Span {
    pub fn range(&self) -> PeriodRange {
        PeriodRange {
            from: self.from,
            to: self.to,
        }
    }
}

/// How to build a dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub span: Span,
    /// Count months not yet approved (live figures). Off: only months
    /// approved at district level or higher, as approved.
    pub include_unapproved: bool,
    /// The reference day, for "the current month" and lateness.
    pub today: NaiveDate,
}

/// One library in scope (for the map below a regency).
#[derive(Debug, Clone, PartialEq)]
pub struct LibraryInfo {
    pub id: LibraryId,
    pub name: String,
    pub npp: Option<String>,
    pub village: RegionCode,
    /// The library's own coordinates, else its village's centre.
    pub coords: Option<(f64, f64)>,
    /// True when `coords` is the village's centre.
    pub approximate: bool,
}

/// One row under the scope: a child region or a library, with every
/// active indicator over the span.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildRow {
    /// Where the row drills down to.
    pub scope: Scope,
    /// The region code, or the library id.
    pub code: String,
    pub name: String,
    /// Active libraries counted in the row.
    pub libraries: u32,
    pub values: Vec<IndicatorValue>,
    pub coords: Option<(f64, f64)>,
    /// The coordinates are the village's centre, not the library's own.
    pub approximate: bool,
}

impl ChildRow {
    /// An indicator's value in this row.
    pub fn value(&self, code: &str) -> Option<f64> {
        self.values
            .iter()
            .find(|v| v.code == code)
            .and_then(|v| v.value)
    }
}

/// Work plans by status in the span's year.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanCounts {
    pub year: i32,
    pub by_status: Vec<(PlanStatus, i64)>,
    pub late: i64,
    pub total: i64,
}

/// Aid allocations by delivery status in the span's year.
#[derive(Debug, Clone, PartialEq)]
pub struct AidCounts {
    pub year: i32,
    /// (status key, count) in [`AID_STATUSES`] order.
    pub by_status: Vec<(&'static str, i64)>,
    pub late: i64,
    pub total: i64,
    pub books_imported: i64,
}

/// Monthly reports: who reported for the month.
#[derive(Debug, Clone)]
pub enum Reporting {
    /// Per child region or library (completeness), for regions, with the
    /// child regions' names.
    Regions(store_reports::Completeness, BTreeMap<String, String>),
    /// Per library, for a facilitator's libraries.
    Libraries {
        period: Period,
        rows: Vec<(LibraryInfo, Stage)>,
    },
    /// One library's recent months.
    Months(Vec<(Period, Stage)>),
}

/// Everything a dashboard shows.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub scope: Scope,
    pub name: String,
    /// From the nation down to the scope itself (last).
    pub crumbs: Vec<Crumb>,
    pub options: Options,
    /// Active libraries counted.
    pub libraries: u32,
    /// Over the span: flows summed, stocks at its end.
    pub totals: Figures,
    /// Over the span before (same length).
    pub previous: Figures,
    /// The twelve months ending with the span, for the trend chart.
    pub trend: Vec<(Period, Figures)>,
    /// Every active indicator for the scope over the span.
    pub indicators: Vec<IndicatorValue>,
    pub child_level: Option<ChildLevel>,
    pub children: Vec<ChildRow>,
    /// The KPI of the scope and of its children, ranked; `None` when no
    /// formula is in effect.
    pub scorecard: Option<Scorecard>,
    /// The libraries with their places, when the map shows libraries.
    pub places: Vec<LibraryInfo>,
    pub plans: PlanCounts,
    pub aid: AidCounts,
    /// The span's last month that is over: the month reports are due for.
    pub report_month: Option<Period>,
    /// Who reported for `report_month` (not for the whole nation: that
    /// table is the monthly reports' own page).
    pub reporting: Option<Reporting>,
    /// The SNP checklist, for one library.
    pub snp: Option<SnpChecklist>,
    /// The literacy index of a region and its child regions, when asked
    /// for ([`iplm`]).
    pub iplm: Option<Iplm>,
    pub generated_at: NaiveDateTime,
}

impl Dashboard {
    pub fn span(&self) -> Span {
        self.options.span
    }
}

fn region_name(tree: &RegionTree, code: &RegionCode) -> String {
    tree.get(code)
        .map(|r| r.display_name())
        .unwrap_or_else(|| code.to_string())
}

pub fn nation_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Id => "Indonesia",
        Lang::En => "Indonesia",
    }
}

fn library_info(tree: &RegionTree, l: &Library) -> LibraryInfo {
    let own = l.details.latitude.zip(l.details.longitude);
    let village = tree
        .get(&l.details.village_code)
        .and_then(|r| r.latitude.zip(r.longitude));
    LibraryInfo {
        id: l.id,
        name: l.details.name.clone(),
        npp: l.details.npp.as_ref().map(|n| n.as_str().to_string()),
        village: l.details.village_code.clone(),
        coords: own.or(village),
        approximate: own.is_none() && village.is_some(),
    }
}

/// The active libraries of a scope (one library: itself, active or not).
/// For scopes at regency level and below: a national list would be long.
pub fn scope_libraries(
    conn: &mut DbConn,
    tree: &RegionTree,
    scope: &Scope,
) -> StoreResult<Vec<LibraryInfo>> {
    if let Scope::Library(id) = scope {
        let l = store_libraries::get(conn, *id)?;
        return Ok(vec![library_info(tree, &l)]);
    }
    let mut q = LibraryQuery::new(scope.reach());
    q.active = Some(true);
    q.per_page = 10_000;
    let mut out = Vec::new();
    loop {
        let page = store_libraries::list(conn, &q)?;
        let n = page.items.len() as i64;
        out.extend(page.items.iter().map(|l| library_info(tree, l)));
        if n < q.per_page || out.len() as i64 >= page.total {
            break;
        }
        q.page += 1;
    }
    Ok(out)
}

/// The breadcrumb trail of a scope, nation first.
pub fn crumbs(
    conn: &mut DbConn,
    tree: &RegionTree,
    scope: &Scope,
    lang: Lang,
) -> StoreResult<Vec<Crumb>> {
    let mut out = vec![Crumb {
        label: nation_name(lang).to_string(),
        scope: Scope::Nation,
    }];
    let region_steps = |out: &mut Vec<Crumb>, code: &RegionCode| {
        // `lineage` ends with the code itself. Provinces and regencies are
        // dashboards; sub-districts and villages only appear when asked for.
        for c in code.lineage() {
            if c.level() == Level::Province || c.level() == Level::Regency || &c == code {
                out.push(Crumb {
                    label: region_name(tree, &c),
                    scope: Scope::Region(c),
                });
            }
        }
    };
    match scope {
        Scope::Nation => {}
        Scope::Region(r) => region_steps(&mut out, r),
        Scope::Libraries(_) => out.push(Crumb {
            label: match lang {
                Lang::Id => "Perpustakaan binaan".into(),
                Lang::En => "Assigned libraries".into(),
            },
            scope: scope.clone(),
        }),
        Scope::Library(id) => {
            let l = store_libraries::get(conn, *id)?;
            if let Some(regency) = l.details.village_code.at_level(Level::Regency) {
                region_steps(&mut out, &regency);
            }
            out.push(Crumb {
                label: l.details.name.clone(),
                scope: scope.clone(),
            });
        }
    }
    Ok(out)
}

/// Times the parts of a build, logged at debug level (`RUST_LOG=lentera_web=debug`).
struct Lap {
    at: std::time::Instant,
    parts: Vec<(&'static str, u128)>,
}

impl Lap {
    fn start() -> Lap {
        Lap {
            at: std::time::Instant::now(),
            parts: Vec::new(),
        }
    }

    fn mark(&mut self, part: &'static str) {
        let now = std::time::Instant::now();
        self.parts.push((part, (now - self.at).as_micros()));
        self.at = now;
    }
}

impl Drop for Lap {
    fn drop(&mut self) {
        tracing::debug!(parts = ?self.parts, "dashboard built (µs per part)");
    }
}

/// Builds a dashboard from the monitoring engine's live rollups. `reach`
/// is the reader's (the engine checks the scope against it again:
/// `NotFound` outside); the CLI reads with `Reach::Everything`.
pub fn build(
    conn: &mut DbConn,
    tree: &RegionTree,
    reach: &Reach,
    scope: &Scope,
    options: Options,
    lang: Lang,
) -> StoreResult<Dashboard> {
    let span = options.span;
    let unit = scope.unit();
    let incl = options.include_unapproved;
    let range = span.range();
    let crumbs = crumbs(conn, tree, scope, lang)?;
    let name = crumbs
        .last()
        .map(|c| c.label.clone())
        .unwrap_or_else(|| nation_name(lang).to_string());

    let mut lap = Lap::start();
    let mut totals = engine::period_figures(conn, reach, &unit, range, incl)?;
    if let Scope::Library(id) = scope {
        // Say which of the library's figures it typed in by hand.
        let typed: Vec<Element> = super::export::manual_elements(conn, *id, range)?
            .into_values()
            .flatten()
            .collect();
        mark_manual(&mut totals, &typed);
    }
    lap.mark("totals");
    let previous = engine::period_figures(conn, reach, &unit, span.prev().range(), incl)?;
    lap.mark("previous");
    let trend = engine::trend(conn, reach, &unit, PeriodRange::last(span.to, 12), incl)?;
    lap.mark("trend");
    let indicators = engine::region_indicators(conn, reach, &unit, range, incl)?;
    let child_level = child_level(scope);
    // Libraries (with the village centre when they have no coordinates of
    // their own) where the rows are libraries; regions otherwise.
    lap.mark("indicators");
    let places = match child_level {
        Some(ChildLevel::Province | ChildLevel::Regency) => Vec::new(),
        _ => scope_libraries(conn, tree, scope)?,
    };
    let libraries = match scope {
        Scope::Library(_) => 1,
        _ => lentera_store::monitoring::figures::library_count(conn, &unit)?,
    };
    lap.mark("places");
    let children: Vec<ChildRow> = engine::children(conn, reach, &unit, range, incl)?
        .into_iter()
        .filter(|c| c.child.libraries > 0)
        .map(|c| {
            let place = places.iter().find(|p| p.id.to_string() == c.child.code);
            let own = c.child.latitude.zip(c.child.longitude);
            let name = match &c.child.unit {
                Unit::Region(r) => region_name(tree, r),
                _ => c.child.name.clone(),
            };
            ChildRow {
                scope: Scope::of_unit(&c.child.unit),
                code: c.child.code.clone(),
                name,
                libraries: c.child.libraries,
                coords: own.or_else(|| place.and_then(|p| p.coords)),
                approximate: own.is_none() && place.is_some_and(|p| p.approximate),
                values: c.values,
            }
        })
        .collect();
    lap.mark("children");
    let scorecard = match engine::scorecard(conn, reach, &unit, range, incl) {
        Ok(mut s) => {
            s.rows.retain(|r| r.child.libraries > 0);
            Some(s)
        }
        // No KPI formula in effect for the span.
        Err(StoreError::NotFound) => None,
        Err(e) => return Err(e),
    };

    let year = span.to.year();
    let mut pq = lentera_store::workplans::PlanQuery::new(scope.reach(), options.today);
    pq.year = Some(year);
    lap.mark("scorecard");
    let pc = lentera_store::workplans::counts(conn, &pq)?;
    let plans = PlanCounts {
        year,
        by_status: pc.by_status,
        late: pc.late,
        total: pc.total,
    };
    let mut aq = lentera_store::aid::AllocationQuery::new(scope.reach());
    aq.year = Some(year);
    lap.mark("plans");
    let ac = lentera_store::aid::status_counts(conn, &aq, options.today)?;
    let aid = AidCounts {
        year,
        by_status: vec![
            ("allocated", ac.allocated),
            ("shipped", ac.shipped),
            ("delivered", ac.delivered),
            ("received", ac.received),
        ],
        late: ac.late,
        total: ac.total,
        books_imported: ac.books_imported,
    };

    // Reports are due once a month is over: the span's last month that is.
    let current = Period::of(options.today);
    let last_over = [span.to, current.prev()]
        .into_iter()
        .filter(|p| *p < current && span.contains(*p))
        .max();
    lap.mark("aid");
    let reporting = match (scope, last_over) {
        (_, None) => None,
        // Every library of the country is the reports' own page's work.
        (Scope::Nation, Some(_)) => None,
        (Scope::Region(r), Some(p)) => {
            let c = store_reports::completeness(conn, Some(r), p, false)?;
            Some(named(c, tree))
        }
        (Scope::Libraries(_), Some(p)) => {
            let mut rows = Vec::new();
            for l in &places {
                let stage = store_reports::get(conn, l.id, p)?.map_or(Stage::NEW, |r| r.stage);
                rows.push((l.clone(), stage));
            }
            Some(Reporting::Libraries { period: p, rows })
        }
        (Scope::Library(id), Some(p)) => {
            let from = trend.first().map(|x| x.0).unwrap_or(p).min(p);
            let months = store_reports::library_months(conn, *id, from, p)?;
            Some(Reporting::Months(
                months
                    .into_iter()
                    .map(|(p, r)| (p, r.map_or(Stage::NEW, |r| r.stage)))
                    .collect(),
            ))
        }
    };

    lap.mark("reporting");
    let snp = match scope {
        Scope::Library(id) => Some(engine::snp(conn, reach, *id)?),
        _ => None,
    };
    lap.mark("snp");
    Ok(Dashboard {
        scope: scope.clone(),
        name,
        crumbs,
        options,
        libraries,
        totals,
        previous,
        trend,
        indicators,
        child_level,
        children,
        scorecard,
        places,
        plans,
        aid,
        report_month: last_over,
        reporting,
        snp,
        // Costly at the nation's size (every library's registry): only on
        // its own page and in reports, see [`iplm`].
        iplm: None,
        generated_at: lentera_store::now(),
    })
}

/// The literacy index of a region (or the nation) and its child regions,
/// with the child regions' names.
#[derive(Debug, Clone)]
pub struct Iplm {
    pub table: IplmTable,
    pub names: BTreeMap<String, String>,
}

/// The literacy index for a scope by a formula version; `None` for
/// libraries (the index is a region's).
pub fn iplm(
    conn: &mut DbConn,
    tree: &RegionTree,
    reach: &Reach,
    scope: &Scope,
    span: Span,
    version: IplmVersion,
) -> StoreResult<Option<Iplm>> {
    if !matches!(scope, Scope::Nation | Scope::Region(_)) {
        return Ok(None);
    }
    let table = engine::iplm(conn, reach, &scope.unit(), span.range(), version)?;
    let names = table
        .rows
        .iter()
        .filter_map(|(c, _, _)| match &c.unit {
            Unit::Region(r) => Some((r.to_string(), region_name(tree, r))),
            _ => None,
        })
        .collect();
    Ok(Some(Iplm { table, names }))
}

/// Marks every cell of `elements` as entered by hand.
pub fn mark_manual(f: &mut Figures, elements: &[Element]) {
    let cells: Vec<_> = f.iter().filter(|v| elements.contains(&v.element)).collect();
    for v in cells {
        f.set(v.element, v.disagg, v.value, true);
    }
}

fn named(c: store_reports::Completeness, tree: &RegionTree) -> Reporting {
    let names = c
        .rows
        .iter()
        .map(|r| (r.region.to_string(), region_name(tree, &r.region)))
        .collect();
    Reporting::Regions(c, names)
}

// ------------------------------------------------------------- breakdowns

/// Strategy keys present in figures, the programme's three first.
pub fn strategies(f: &Figures) -> Vec<String> {
    let mut keys: Vec<String> = Strategy::ALL.iter().map(|s| s.key().to_string()).collect();
    for e in [Element::Activities, Element::Participants] {
        for (d, _) in f.of(e) {
            if let Some(k) = d.get(lentera_core::monitoring::figures::Dim::Strategy)
                && !keys.iter().any(|x| x == k)
            {
                keys.push(k.to_string());
            }
        }
    }
    keys
}

pub fn by_strategy(f: &Figures, e: Element, key: &str) -> i64 {
    Disagg::strategy(key).map_or(0, |d| f.get(e, &d))
}

pub fn by_gender_age(f: &Figures, e: Element, g: Gender, a: AgeGroup) -> i64 {
    f.get(e, &Disagg::gender_age(g, a))
}

/// Participants with a disability.
pub fn disabled(f: &Figures) -> i64 {
    f.get(Element::Participants, &Disagg::disability(true))
}

/// Percentage change from `before` to `now`; `None` when there was nothing before.
pub fn change_pct(now: i64, before: i64) -> Option<f64> {
    (before != 0).then(|| (now - before) as f64 * 100.0 / before as f64)
}

// ------------------------------------------------------------------- JSON

/// Figures as the API answers them: element → total, whether any of it
/// was entered by hand, and every slice by its key.
pub fn figures_json(f: &Figures) -> Value {
    let mut out = serde_json::Map::new();
    for e in Element::ALL {
        let cells: serde_json::Map<String, Value> = f
            .of(*e)
            .into_iter()
            .filter(|(d, _)| !d.is_total())
            .map(|(d, v)| (d.key(), v.into()))
            .collect();
        out.insert(
            e.key().to_string(),
            json!({
                "total": f.total(*e),
                "manual": f.is_manual(*e),
                "by": cells,
            }),
        );
    }
    Value::Object(out)
}

fn scope_json(scope: &Scope) -> Value {
    match scope {
        Scope::Nation => json!({"kind": "nation"}),
        Scope::Region(r) => {
            json!({"kind": "region", "code": r.to_string(), "level": r.level().as_str()})
        }
        Scope::Libraries(ids) => {
            json!({"kind": "libraries", "libraries": ids.iter().map(|i| i.to_string()).collect::<Vec<_>>()})
        }
        Scope::Library(id) => json!({"kind": "library", "library_id": id.to_string()}),
    }
}

pub fn span_json(span: &Span, lang: Lang) -> Value {
    json!({
        "key": span.key(),
        "kind": span.kind.key(),
        "from": span.from.to_string(),
        "to": span.to.to_string(),
        "label": span.label(lang),
    })
}

/// Indicator values as JSON.
pub fn indicators_json(values: &[IndicatorValue]) -> Value {
    serde_json::to_value(values).unwrap_or(Value::Null)
}

/// The drill-down rows as JSON.
pub fn children_json(d: &Dashboard) -> Value {
    let rows: Vec<Value> = d
        .children
        .iter()
        .map(|c| {
            json!({
                "code": c.code,
                "name": c.name,
                "scope": scope_json(&c.scope),
                "libraries": c.libraries,
                "indicators": indicators_json(&c.values),
                "latitude": c.coords.map(|x| x.0),
                "longitude": c.coords.map(|x| x.1),
            })
        })
        .collect();
    json!({
        "level": d.child_level.map(ChildLevel::key),
        "items": rows,
    })
}

/// The KPI scorecard as JSON: the scope's own score, the formula version,
/// and the children ranked (best first).
pub fn scorecard_json(d: &Dashboard) -> Value {
    match &d.scorecard {
        None => Value::Null,
        Some(s) => json!({
            "formula": {
                "version": s.formula.version,
                "name": s.formula.name,
                "effective_from": s.formula.effective_from,
                "red_below": s.formula.red_below,
                "green_from": s.formula.green_from,
                "weights": s.formula.weights,
            },
            "own": s.own,
            "rows": s.rows.iter().map(|r| json!({
                "rank": r.rank,
                "code": r.child.code,
                "name": match &r.child.unit {
                    Unit::Region(_) => d.children.iter().find(|c| c.code == r.child.code).map_or(r.child.name.clone(), |c| c.name.clone()),
                    _ => r.child.name.clone(),
                },
                "scope": scope_json(&Scope::of_unit(&r.child.unit)),
                "score": r.kpi.score,
                "band": r.kpi.band,
                "parts": r.kpi.parts,
            })).collect::<Vec<_>>(),
        }),
    }
}

fn reporting_json(r: &Reporting) -> Value {
    match r {
        Reporting::Regions(c, _) => serde_json::to_value(c).unwrap_or(Value::Null),
        Reporting::Libraries { period, rows } => json!({
            "period": period.to_string(),
            "libraries": rows.iter().map(|(l, s)| json!({
                "library_id": l.id.to_string(),
                "name": l.name,
                "stage": s,
            })).collect::<Vec<_>>(),
        }),
        Reporting::Months(months) => json!({
            "months": months.iter().map(|(p, s)| json!({"period": p.to_string(), "stage": s})).collect::<Vec<_>>(),
        }),
    }
}

/// The whole dashboard as the API answers it.
pub fn dashboard_json(d: &Dashboard, lang: Lang) -> Value {
    json!({
        "scope": scope_json(&d.scope),
        "name": d.name,
        "path": d.crumbs.iter().map(|c| json!({"name": c.label, "scope": scope_json(&c.scope)})).collect::<Vec<_>>(),
        "period": span_json(&d.options.span, lang),
        "include_unapproved": d.options.include_unapproved,
        "libraries": d.libraries,
        "totals": figures_json(&d.totals),
        "previous": figures_json(&d.previous),
        "trend": d.trend.iter().map(|(p, f)| json!({"period": p.to_string(), "figures": figures_json(f)})).collect::<Vec<_>>(),
        "indicators": indicators_json(&d.indicators),
        "children": children_json(d),
        "scorecard": scorecard_json(d),
        "workplans": {
            "year": d.plans.year,
            "by_status": d.plans.by_status.iter().map(|(s, n)| (s.key().to_string(), Value::from(*n))).collect::<serde_json::Map<_, _>>(),
            "late": d.plans.late,
            "total": d.plans.total,
        },
        "aid": {
            "year": d.aid.year,
            "by_status": d.aid.by_status.iter().map(|(s, n)| (s.to_string(), Value::from(*n))).collect::<serde_json::Map<_, _>>(),
            "late": d.aid.late,
            "total": d.aid.total,
            "books_imported": d.aid.books_imported,
        },
        "reporting": d.reporting.as_ref().map(reporting_json),
        "snp": d.snp,
        "iplm": d.iplm.as_ref().map(|x| &x.table),
        "generated_at": d.generated_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    #[test]
    fn spans_parse_and_print() {
        let m = Span::parse("2024-07").unwrap();
        assert_eq!(
            (m.kind, m.from, m.to),
            (SpanKind::Month, p("2024-07"), p("2024-07"))
        );
        assert_eq!(m.key(), "2024-07");
        let q = Span::parse("2024-q3").unwrap();
        assert_eq!((q.from, q.to, q.len()), (p("2024-07"), p("2024-09"), 3));
        assert_eq!(q.key(), "2024-Q3");
        assert_eq!(q.label(Lang::Id), "Triwulan III 2024");
        assert_eq!(q.label(Lang::En), "Q3 2024");
        let y = Span::parse("2024").unwrap();
        assert_eq!((y.from, y.to, y.len()), (p("2024-01"), p("2024-12"), 12));
        assert_eq!(y.label(Lang::Id), "Tahun 2024");
        assert_eq!(Span::parse("202407").unwrap(), m);
        assert_eq!(m.label(Lang::Id), "Juli 2024");
        for bad in ["", "2024-13", "2024-Q5", "24", "kemarin", "2024-Q0"] {
            assert!(Span::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Span::parse("").unwrap_err(), Problem::Required);
    }

    #[test]
    fn spans_step_by_their_own_length() {
        let q = Span::parse("2024-Q1").unwrap();
        assert_eq!(q.prev().key(), "2023-Q4");
        assert_eq!(q.next().key(), "2024-Q2");
        assert_eq!(Span::parse("2024-12").unwrap().next().key(), "2025-01");
        assert_eq!(Span::parse("2024").unwrap().prev().key(), "2023");
        assert_eq!(
            Span::containing(SpanKind::Quarter, p("2024-11")).key(),
            "2024-Q4"
        );
    }

    #[test]
    fn children_go_one_level_down() {
        let rc = |s: &str| RegionCode::parse(s).unwrap();
        assert_eq!(child_level(&Scope::Nation), Some(ChildLevel::Province));
        assert_eq!(
            child_level(&Scope::Region(rc("35"))),
            Some(ChildLevel::Regency)
        );
        assert_eq!(
            child_level(&Scope::Region(rc("3520"))),
            Some(ChildLevel::Library)
        );
        assert_eq!(
            child_level(&Scope::Region(rc("352001"))),
            Some(ChildLevel::Library)
        );
        assert_eq!(child_level(&Scope::Library(LibraryId::new())), None);
        assert_eq!(Scope::Region(rc("3520")).query(), "region=3520");
    }

    #[test]
    fn changes_in_percent() {
        assert_eq!(change_pct(150, 100), Some(50.0));
        assert_eq!(change_pct(0, 100), Some(-100.0));
        assert_eq!(change_pct(5, 0), None);
    }
}

//! Every dashboard table, and the files made from them: CSV and XLSX of one
//! table or of the whole dashboard, the PDF report (monthly, quarterly or
//! annual, for a library or a region, with a letterhead, tables and
//! charts), and the DHIS2-style data-value CSV.
//!
//! The tables are built once ([`tables`]) from a [`Dashboard`] and rendered
//! three ways: as HTML by the dashboard page, as CSV/XLSX here, and as PDF
//! tables here — so a figure on the screen is the figure in the file. These
//! are plain functions over data (and [`datavalues`] over a `&mut DbConn`),
//! shared by the web handlers and `lentera report`.
//!
//! **Data values.** Each row is one value in the shape DHIS2's CSV import
//! takes (`dataelement,period,orgunit,categoryoptioncombo,
//! attributeoptioncombo,value,storedby,lastupdated,comment,followup`). A
//! data element is one figure element with one slice family
//! (`visits` — the total, category option combo `default`;
//! `visits_by_gender_age` — combos `gender=P;age=anak` …), so within a data
//! element the combos partition the total and an importer that sums them
//! never counts a visit twice. Periods are DHIS2 monthly periods (`202407`);
//! the organisation unit is the library's id, or the region's Kemendagri
//! code when exporting by region. Figures typed by hand carry the comment
//! `manual`.

use super::charts::BandLook;
use super::data::{
    ChildLevel, Dashboard, Iplm, Options, Reporting, Scope, Span, aid_status_label, by_gender_age,
    by_strategy, change_pct, disabled, element_label, iplm_band_label, iplm_element_label,
    iplm_version_label, month_label, plan_status_label, report_status_label, scope_libraries,
    snp_item_label, strategies, strategy_label,
};
use crate::i18n::Lang;
use crate::visits::{age_label, gender_label};
use chrono::NaiveDateTime;
use lentera_core::circulation::{AgeGroup, Gender};
use lentera_core::field::Problem;
use lentera_core::monitoring::figures::{Element, Figures, Period, PeriodRange};
use lentera_core::monitoring::iplm::{IplmElement, IplmVersion};
use lentera_core::monitoring::kpi::Band;
use lentera_core::regions::{Level, RegionCode, RegionTree};
use lentera_core::users::Reach;
use lentera_print::{Bar, BarChart, Block, Column, DataTable, Report};
use lentera_store::monitoring::dashboard as engine;
use lentera_store::monitoring::figures::Unit;
use lentera_store::monitoring::reports as store_reports;
use lentera_store::{DbConn, StoreResult};
use lentera_tabular::{Cell, Format, TableWriter};

// ------------------------------------------------------------------ model

/// A column: its stable key (the CSV/XLSX header) and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Col {
    pub key: String,
    pub label: String,
    pub num: bool,
    /// A code for machines (ids, keys): in files, not on the page.
    pub machine: bool,
}

fn col(key: impl Into<String>, label: impl Into<String>) -> Col {
    Col {
        key: key.into(),
        label: label.into(),
        num: false,
        machine: false,
    }
}

fn num(key: impl Into<String>, label: impl Into<String>) -> Col {
    Col {
        num: true,
        ..col(key, label)
    }
}

fn code(key: impl Into<String>, label: impl Into<String>) -> Col {
    Col {
        machine: true,
        ..col(key, label)
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Text(String),
    /// A name that drills down to another dashboard.
    Link(String, Scope),
    Int(i64),
    /// A share or a change, in percent; `None` prints as a dash.
    Pct(Option<f64>),
    /// A number with this many decimals; `None` (not computable) as a dash.
    Num(Option<f64>, u8),
    /// A scorecard band.
    Band(Option<Band>),
    Time(Option<NaiveDateTime>),
    /// A month: its name on pages and paper, `yyyy-mm` in files.
    Month(Period),
    Empty,
}

impl Val {
    /// As printed on a page or in the PDF.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Val::Text(s) | Val::Link(s, _) => s.clone(),
            Val::Int(n) => super::charts::number(*n as f64, lang),
            Val::Pct(Some(p)) => format!("{} %", super::charts::number(*p, lang)),
            Val::Num(Some(v), d) => number_dec(*v, *d, lang),
            Val::Band(Some(b)) => band_look(*b).word(lang).into(),
            Val::Pct(None) | Val::Num(None, _) | Val::Band(None) | Val::Empty => "–".into(),
            Val::Time(Some(t)) => t.format("%d-%m-%Y %H.%M").to_string(),
            Val::Time(None) => "–".into(),
            Val::Month(p) => month_label(*p, lang),
        }
    }

    fn cell(&self) -> Cell<'_> {
        match self {
            Val::Text(s) | Val::Link(s, _) => Cell::text(s.as_str()),
            Val::Int(n) => Cell::Int(*n),
            Val::Pct(Some(p)) => Cell::Float((p * 10.0).round() / 10.0),
            Val::Num(Some(v), d) => {
                let f = 10f64.powi(i32::from(*d));
                Cell::Float((v * f).round() / f)
            }
            Val::Band(Some(b)) => Cell::text(b.key()),
            Val::Time(Some(t)) => Cell::text(t.format("%Y-%m-%d %H:%M:%S").to_string()),
            Val::Month(p) => Cell::text(p.to_string()),
            Val::Pct(None) | Val::Num(None, _) | Val::Band(None) | Val::Time(None) | Val::Empty => {
                Cell::Empty
            }
        }
    }
}

/// A number with exactly `decimals` decimals, the local way.
pub fn number_dec(v: f64, decimals: u8, lang: Lang) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let s = format!("{:.*}", usize::from(decimals), v.abs());
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut out = String::new();
    if v < 0.0 && s.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.push('-');
    }
    let sep = if lang == Lang::Id { '.' } else { ',' };
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(if lang == Lang::Id { ',' } else { '.' });
        out.push_str(frac);
    }
    out
}

/// The engine's band as the charts draw it.
pub fn band_look(b: Band) -> BandLook {
    match b {
        Band::Green => BandLook::Green,
        Band::Yellow => BandLook::Yellow,
        Band::Red => BandLook::Red,
    }
}

/// A table of the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Stable name: `?table=` in export URLs.
    pub key: &'static str,
    pub caption: String,
    pub cols: Vec<Col>,
    pub rows: Vec<Vec<Val>>,
    /// A totals row.
    pub foot: Option<Vec<Val>>,
}

/// The table keys, in page order.
pub const TABLE_KEYS: [&str; 12] = [
    "summary",
    "indicators",
    "trend",
    "children",
    "scorecard",
    "strategy",
    "participants",
    "workplans",
    "aid",
    "reporting",
    "snp",
    "iplm",
];

crate::messages!(T {
    Figure => "Angka", "Figure";
    Code => "Kode", "Code";
    Name => "Nama", "Name";
    Value => "Nilai", "Value";
    Previous => "Periode sebelumnya", "Previous period";
    Change => "Perubahan", "Change";
    Manual => "Diisi manual", "Entered by hand";
    Yes => "Ya", "Yes";
    Month => "Bulan", "Month";
    Libraries => "Perpustakaan", "Libraries";
    Strategy => "Strategi", "Strategy";
    AgeGroup => "Kelompok umur", "Age group";
    Total => "Jumlah", "Total";
    Status => "Status", "Status";
    Plans => "Rencana kerja", "Work plans";
    Allocations => "Alokasi bantuan", "Aid allocations";
    Expected => "Wajib lapor", "Expected";
    Reported => "Sudah lapor", "Reported";
    OnTime => "Tepat waktu", "On time";
    Approved => "Disetujui kab/kota", "Approved by district";
    Completeness => "Kelengkapan", "Completeness";
    Timeliness => "Ketepatan waktu", "Timeliness";
    Submitted => "Pertama dikirim", "First submitted";
    Deadline => "Batas waktu", "Deadline";
    SummaryCaption => "Angka utama, {span}, dibandingkan dengan {prev}", "Key figures, {span}, compared with {prev}";
    TrendCaption => "Angka per bulan, {from} – {to}", "Figures per month, {from} – {to}";
    ChildrenCaption => "{level} di {scope}, {span}", "{level} in {scope}, {span}";
    StrategyCaption => "Kegiatan dan peserta menurut strategi, {span}", "Activities and participants by strategy, {span}";
    ParticipantsCaption => "Peserta kegiatan menurut jenis kelamin dan kelompok umur, {span}", "Participants by gender and age group, {span}";
    PlansCaption => "Rencana kerja {year} menurut status ({late} terlambat)", "Work plans {year} by status ({late} late)";
    AidCaption => "Bantuan {year} menurut status pengiriman ({late} terlambat)", "Aid {year} by delivery status ({late} late)";
    ReportingCaption => "Laporan bulanan {month}: kelengkapan dan ketepatan waktu", "Monthly reports {month}: completeness and timeliness";
    ReportingMonthsCaption => "Status laporan bulanan perpustakaan ini", "This library's monthly report status";
    Disabled => "Peserta penyandang disabilitas", "Participants with a disability";
    Indicator => "Indikator", "Indicator";
    Unit => "Satuan", "Unit";
    Target => "Target", "Target";
    Achievement => "Capaian", "Achievement";
    Rank => "Peringkat", "Rank";
    Score => "Skor KPI", "KPI score";
    Band => "Kategori", "Band";
    Whole => "{scope} (seluruhnya)", "{scope} (all)";
    No => "Tidak", "No";
    Standard => "Standar", "Standard";
    Now => "Keadaan sekarang", "Current";
    Minimum => "Minimal", "Minimum";
    Meets => "Memenuhi", "Meets it";
    MeetsAll => "Memenuhi SNP perpustakaan desa", "Meets the village library standard";
    NotRecorded => "belum diisi", "not recorded";
    Index => "IPLM", "IPLM";
    Category => "Kategori", "Band";
    SnpCaption => "Standar Nasional Perpustakaan desa (Perka PNRI 6/2017): {scope}", "National standard for village libraries (Perka PNRI 6/2017): {scope}";
    IplmCaption => "Indeks Pembangunan Literasi Masyarakat (IPLM), {scope}, {span}, rumus {version}; nilai unsur 0–100", "Community literacy development index (IPLM), {scope}, {span}, formula {version}; element scores 0–100";
    IndicatorsCaption => "Indikator {scope}, {span}, dengan target dan capaian", "Indicators of {scope}, {span}, with targets and achievement";
    ScorecardCaption => "Rapor KPI {scope}, {span} (rumus versi {version}: Merah di bawah {red}, Hijau mulai {green})", "KPI scorecard of {scope}, {span} (formula version {version}: Red below {red}, Green from {green})";
});

/// The indicators the drill-down table shows on the page (files have all).
pub const PAGE_INDICATORS: [&str; 8] = [
    "visits",
    "loans",
    "loans_per_visit",
    "active_members",
    "titles",
    "activities",
    "participants",
    "workplan_completion",
];

/// An indicator's name in the reader's language.
pub fn indicator_name(
    v: &lentera_store::monitoring::dashboard::IndicatorValue,
    lang: Lang,
) -> &str {
    match lang {
        Lang::Id => &v.name_id,
        Lang::En => &v.name_en,
    }
}

fn t(m: T, lang: Lang) -> String {
    m.get(lang).to_string()
}

/// Every table of a dashboard, in page order (the reporting table only
/// when a month of the span is over).
pub fn tables(d: &Dashboard, lang: Lang) -> Vec<Table> {
    TABLE_KEYS
        .iter()
        .filter_map(|k| table(d, k, lang))
        .collect()
}

/// One table by key; `None` for an unknown key or a table the dashboard
/// does not have (children of one library, reporting of a future month).
pub fn table(d: &Dashboard, key: &str, lang: Lang) -> Option<Table> {
    let span = d.span();
    let f = &d.totals;
    let tbl = match key {
        "summary" => {
            let mut rows: Vec<Vec<Val>> = Element::ALL
                .iter()
                .map(|e| {
                    let (now, before) = (f.total(*e), d.previous.total(*e));
                    vec![
                        Val::Text(element_label(*e, lang).into()),
                        Val::Text(e.key().into()),
                        Val::Int(now),
                        Val::Int(before),
                        Val::Pct(change_pct(now, before)),
                        if f.is_manual(*e) {
                            Val::Text(t(T::Yes, lang))
                        } else {
                            Val::Empty
                        },
                    ]
                })
                .collect();
            rows.push(vec![
                Val::Text(t(T::Disabled, lang)),
                Val::Text("participants:disability=ya".into()),
                Val::Int(disabled(f)),
                Val::Int(disabled(&d.previous)),
                Val::Pct(change_pct(disabled(f), disabled(&d.previous))),
                Val::Empty,
            ]);
            Table {
                key: "summary",
                caption: T::SummaryCaption
                    .get(lang)
                    .replace("{span}", &span.label(lang))
                    .replace("{prev}", &span.prev().label(lang)),
                cols: vec![
                    col("label", t(T::Figure, lang)),
                    code("element", t(T::Code, lang)),
                    num("value", span.label(lang)),
                    num("previous", t(T::Previous, lang)),
                    num("change_pct", t(T::Change, lang)),
                    col("manual", t(T::Manual, lang)),
                ],
                rows,
                foot: None,
            }
        }
        "trend" => {
            let els = trend_elements();
            let mut cols = vec![col("period", t(T::Month, lang))];
            cols.extend(els.iter().map(|(k, e)| num(*k, element_label(*e, lang))));
            let rows = d
                .trend
                .iter()
                .map(|(p, f)| {
                    let mut r = vec![Val::Month(*p)];
                    r.extend(els.iter().map(|(_, e)| Val::Int(f.total(*e))));
                    r
                })
                .collect();
            let (from, to) = (
                d.trend.first().map(|x| x.0).unwrap_or(span.from),
                d.trend.last().map(|x| x.0).unwrap_or(span.to),
            );
            Table {
                key: "trend",
                caption: T::TrendCaption
                    .get(lang)
                    .replace("{from}", &month_label(from, lang))
                    .replace("{to}", &month_label(to, lang)),
                cols,
                rows,
                foot: None,
            }
        }
        "indicators" => Table {
            key: "indicators",
            caption: T::IndicatorsCaption
                .get(lang)
                .replace("{scope}", &d.name)
                .replace("{span}", &span.label(lang)),
            cols: vec![
                code("indicator", t(T::Code, lang)),
                col("label", t(T::Indicator, lang)),
                num("value", t(T::Value, lang)),
                col("unit", t(T::Unit, lang)),
                num("target", t(T::Target, lang)),
                num("achievement_pct", t(T::Achievement, lang)),
            ],
            rows: d
                .indicators
                .iter()
                .map(|v| {
                    vec![
                        Val::Text(v.code.clone()),
                        Val::Text(indicator_name(v, lang).to_string()),
                        Val::Num(v.value, v.decimals),
                        Val::Text(match lang {
                            Lang::Id => v.unit_id.clone(),
                            Lang::En => v.unit_en.clone(),
                        }),
                        Val::Num(v.target, v.decimals),
                        Val::Pct(v.achievement),
                    ]
                })
                .collect(),
            foot: None,
        },
        "children" => {
            let level = d.child_level?;
            let inds = &d.indicators;
            let mut cols = vec![
                code("code", t(T::Code, lang)),
                col("name", level.label(lang)),
            ];
            if level != ChildLevel::Library {
                cols.push(num("libraries", t(T::Libraries, lang)));
            }
            cols.extend(inds.iter().map(|v| Col {
                // The page shows the main ones; files have them all.
                machine: !PAGE_INDICATORS.contains(&v.code.as_str()),
                ..num(v.code.clone(), indicator_name(v, lang))
            }));
            let cells = |values: &[lentera_store::monitoring::dashboard::IndicatorValue]| {
                inds.iter()
                    .map(|i| {
                        let v = values.iter().find(|v| v.code == i.code);
                        Val::Num(v.and_then(|v| v.value), i.decimals)
                    })
                    .collect::<Vec<_>>()
            };
            let rows = d
                .children
                .iter()
                .map(|c| {
                    let mut r = vec![
                        Val::Text(c.code.clone()),
                        Val::Link(c.name.clone(), c.scope.clone()),
                    ];
                    if level != ChildLevel::Library {
                        r.push(Val::Int(i64::from(c.libraries)));
                    }
                    r.extend(cells(&c.values));
                    r
                })
                .collect();
            let mut foot = vec![
                Val::Empty,
                Val::Text(T::Whole.get(lang).replace("{scope}", &d.name)),
            ];
            if level != ChildLevel::Library {
                foot.push(Val::Int(i64::from(d.libraries)));
            }
            foot.extend(cells(inds));
            Table {
                key: "children",
                caption: T::ChildrenCaption
                    .get(lang)
                    .replace("{level}", level.label(lang))
                    .replace("{scope}", &d.name)
                    .replace("{span}", &span.label(lang)),
                cols,
                rows,
                foot: Some(foot),
            }
        }
        "scorecard" => {
            let sc = d.scorecard.as_ref()?;
            if sc.rows.is_empty() {
                return None;
            }
            let parts: Vec<String> = sc.formula.weights.iter().map(|(c, _)| c.clone()).collect();
            let mut cols = vec![
                num("rank", t(T::Rank, lang)),
                code("code", t(T::Code, lang)),
                col(
                    "name",
                    d.child_level.map(|l| l.label(lang)).unwrap_or_default(),
                ),
                num("score", t(T::Score, lang)),
                col("band", t(T::Band, lang)),
            ];
            cols.extend(parts.iter().map(|c| Col {
                machine: true,
                ..num(format!("achievement_{c}"), c.clone())
            }));
            let achievements = |k: &lentera_core::monitoring::kpi::KpiScore| {
                parts
                    .iter()
                    .map(|c| {
                        Val::Pct(
                            k.parts
                                .iter()
                                .find(|p| p.indicator == *c)
                                .and_then(|p| p.achievement),
                        )
                    })
                    .collect::<Vec<_>>()
            };
            let rows = sc
                .rows
                .iter()
                .map(|r| {
                    let name = d
                        .children
                        .iter()
                        .find(|c| c.code == r.child.code)
                        .map_or(r.child.name.clone(), |c| c.name.clone());
                    let mut row = vec![
                        r.rank.map_or(Val::Empty, |n| Val::Int(i64::from(n))),
                        Val::Text(r.child.code.clone()),
                        Val::Link(name, super::data::scope_of_unit(&r.child.unit)),
                        Val::Num(r.kpi.score, 1),
                        Val::Band(r.kpi.band),
                    ];
                    row.extend(achievements(&r.kpi));
                    row
                })
                .collect();
            let mut foot = vec![
                Val::Empty,
                Val::Empty,
                Val::Text(T::Whole.get(lang).replace("{scope}", &d.name)),
                Val::Num(sc.own.score, 1),
                Val::Band(sc.own.band),
            ];
            foot.extend(achievements(&sc.own));
            Table {
                key: "scorecard",
                caption: T::ScorecardCaption
                    .get(lang)
                    .replace("{scope}", &d.name)
                    .replace("{span}", &span.label(lang))
                    .replace("{version}", &sc.formula.version.to_string())
                    .replace("{red}", &super::charts::number(sc.formula.red_below, lang))
                    .replace(
                        "{green}",
                        &super::charts::number(sc.formula.green_from, lang),
                    ),
                cols,
                rows,
                foot: Some(foot),
            }
        }
        "strategy" => {
            let rows = strategies(f)
                .iter()
                .map(|k| {
                    vec![
                        Val::Text(strategy_label(k, lang)),
                        Val::Text(k.clone()),
                        Val::Int(by_strategy(f, Element::Activities, k)),
                        Val::Int(by_strategy(f, Element::Participants, k)),
                    ]
                })
                .collect();
            Table {
                key: "strategy",
                caption: T::StrategyCaption
                    .get(lang)
                    .replace("{span}", &span.label(lang)),
                cols: vec![
                    col("label", t(T::Strategy, lang)),
                    code("strategy", t(T::Code, lang)),
                    num("activities", element_label(Element::Activities, lang)),
                    num("participants", element_label(Element::Participants, lang)),
                ],
                rows,
                foot: Some(vec![
                    Val::Text(t(T::Total, lang)),
                    Val::Empty,
                    Val::Int(f.total(Element::Activities)),
                    Val::Int(f.total(Element::Participants)),
                ]),
            }
        }
        "participants" => {
            let e = Element::Participants;
            let rows = AgeGroup::ALL
                .iter()
                .map(|a| {
                    let m = by_gender_age(f, e, Gender::L, *a);
                    let w = by_gender_age(f, e, Gender::P, *a);
                    vec![
                        Val::Text(age_label(*a, lang).into()),
                        Val::Text(a.key().into()),
                        Val::Int(m),
                        Val::Int(w),
                        Val::Int(m + w),
                    ]
                })
                .collect();
            let g = |g: Gender| f.get(e, &lentera_core::monitoring::figures::Disagg::gender(g));
            Table {
                key: "participants",
                caption: T::ParticipantsCaption
                    .get(lang)
                    .replace("{span}", &span.label(lang)),
                cols: vec![
                    col("label", t(T::AgeGroup, lang)),
                    code("age_group", t(T::Code, lang)),
                    num("male", gender_label(Gender::L, lang)),
                    num("female", gender_label(Gender::P, lang)),
                    num("total", t(T::Total, lang)),
                ],
                rows,
                foot: Some(vec![
                    Val::Text(t(T::Total, lang)),
                    Val::Empty,
                    Val::Int(g(Gender::L)),
                    Val::Int(g(Gender::P)),
                    Val::Int(f.total(e)),
                ]),
            }
        }
        "workplans" => Table {
            key: "workplans",
            caption: T::PlansCaption
                .get(lang)
                .replace("{year}", &d.plans.year.to_string())
                .replace("{late}", &d.plans.late.to_string()),
            cols: vec![
                col("label", t(T::Status, lang)),
                code("status", t(T::Code, lang)),
                num("plans", t(T::Plans, lang)),
            ],
            rows: d
                .plans
                .by_status
                .iter()
                .map(|(s, n)| {
                    vec![
                        Val::Text(plan_status_label(*s, lang).into()),
                        Val::Text(s.key().into()),
                        Val::Int(*n),
                    ]
                })
                .collect(),
            foot: Some(vec![
                Val::Text(t(T::Total, lang)),
                Val::Empty,
                Val::Int(d.plans.total),
            ]),
        },
        "aid" => Table {
            key: "aid",
            caption: T::AidCaption
                .get(lang)
                .replace("{year}", &d.aid.year.to_string())
                .replace("{late}", &d.aid.late.to_string()),
            cols: vec![
                col("label", t(T::Status, lang)),
                code("status", t(T::Code, lang)),
                num("allocations", t(T::Allocations, lang)),
            ],
            rows: d
                .aid
                .by_status
                .iter()
                .map(|(s, n)| {
                    vec![
                        Val::Text(aid_status_label(s, lang).into()),
                        Val::Text((*s).into()),
                        Val::Int(*n),
                    ]
                })
                .collect(),
            foot: Some(vec![
                Val::Text(t(T::Total, lang)),
                Val::Empty,
                Val::Int(d.aid.total),
            ]),
        },
        "reporting" => reporting_table(d.reporting.as_ref()?, lang),
        "snp" => {
            let c = d.snp.as_ref()?;
            let yes_no = |b: bool| Val::Text(if b { t(T::Yes, lang) } else { t(T::No, lang) });
            Table {
                key: "snp",
                caption: T::SnpCaption.get(lang).replace("{scope}", &d.name),
                cols: vec![
                    code("item", t(T::Code, lang)),
                    col("label", t(T::Standard, lang)),
                    num("value", t(T::Now, lang)),
                    num("minimum", t(T::Minimum, lang)),
                    col("pass", t(T::Meets, lang)),
                ],
                rows: c
                    .checks
                    .iter()
                    .map(|k| {
                        vec![
                            Val::Text(k.item.key().into()),
                            Val::Text(snp_item_label(k.item, lang).into()),
                            match k.value {
                                Some(v) => Val::Num(Some(v), if v.fract() == 0.0 { 0 } else { 1 }),
                                None => Val::Text(t(T::NotRecorded, lang)),
                            },
                            Val::Num(Some(k.minimum), 0),
                            yes_no(k.pass),
                        ]
                    })
                    .collect(),
                foot: Some(vec![
                    Val::Empty,
                    Val::Text(t(T::MeetsAll, lang)),
                    Val::Empty,
                    Val::Empty,
                    yes_no(c.meets),
                ]),
            }
        }
        "iplm" => iplm_table(d.iplm.as_ref()?, &d.name, span, lang)?,
        _ => return None,
    };
    Some(tbl)
}

/// The literacy index as a table: each child region's seven element
/// scores (raw per-capita values in files only), index and band, and the
/// scope itself as the last line. `None` when there is nothing to show.
pub fn iplm_table(x: &Iplm, scope_name: &str, span: Span, lang: Lang) -> Option<Table> {
    let table = &x.table;
    let mut cols = vec![
        code("code", t(T::Code, lang)),
        col("name", t(T::Name, lang)),
    ];
    cols.extend(
        IplmElement::ALL
            .iter()
            .map(|e| num(e.key(), iplm_element_label(*e, lang))),
    );
    cols.extend(IplmElement::ALL.iter().map(|e| Col {
        machine: true,
        ..num(format!("raw_{}", e.key()), iplm_element_label(*e, lang))
    }));
    cols.push(num("index", t(T::Index, lang)));
    cols.push(col("band", t(T::Category, lang)));
    let cells = |r: &lentera_core::monitoring::iplm::IplmResult| {
        let part = |e: IplmElement| r.parts.iter().find(|p| p.element == e);
        let mut v: Vec<Val> = IplmElement::ALL
            .iter()
            .map(|e| Val::Num(part(*e).and_then(|p| p.score), 1))
            .collect();
        v.extend(
            IplmElement::ALL
                .iter()
                .map(|e| Val::Num(part(*e).and_then(|p| p.raw), 2)),
        );
        v.push(Val::Num(r.index, 1));
        v.push(Val::Text(
            r.band
                .map(|b| iplm_band_label(b, lang).to_string())
                .unwrap_or_default(),
        ));
        v
    };
    let rows: Vec<Vec<Val>> = table
        .rows
        .iter()
        .filter(|(c, _, _)| c.libraries > 0)
        .map(|(c, _, r)| {
            let name = match &c.unit {
                Unit::Region(code) => x
                    .names
                    .get(code.as_str())
                    .cloned()
                    .unwrap_or_else(|| code.to_string()),
                _ => c.name.clone(),
            };
            let mut row = vec![
                Val::Text(c.code.clone()),
                Val::Link(name, super::data::scope_of_unit(&c.unit)),
            ];
            row.extend(cells(r));
            row
        })
        .collect();
    if rows.is_empty() && table.own.is_none() {
        return None;
    }
    let foot = table.own.as_ref().map(|own| {
        let mut row = vec![
            Val::Empty,
            Val::Text(T::Whole.get(lang).replace("{scope}", scope_name)),
        ];
        row.extend(cells(own));
        row
    });
    Some(Table {
        key: "iplm",
        caption: T::IplmCaption
            .get(lang)
            .replace("{scope}", scope_name)
            .replace("{span}", &span.label(lang))
            .replace("{version}", iplm_version_label(table.version, lang)),
        cols,
        rows,
        foot,
    })
}

fn reporting_table(r: &Reporting, lang: Lang) -> Table {
    match r {
        Reporting::Regions(c, _) if c.by_library => Table {
            key: "reporting",
            caption: T::ReportingCaption
                .get(lang)
                .replace("{month}", &month_label(c.period, lang)),
            cols: vec![
                code("code", t(T::Code, lang)),
                col("name", t(T::Libraries, lang)),
                col("status", t(T::Status, lang)),
                col("first_submitted_at", t(T::Submitted, lang)),
                col("deadline", t(T::Deadline, lang)),
                col("on_time", t(T::OnTime, lang)),
            ],
            rows: c
                .rows
                .iter()
                .filter_map(|row| {
                    let lib = row.library.as_ref()?;
                    Some(vec![
                        Val::Text(lib.id.to_string()),
                        Val::Link(lib.name.clone(), Scope::Library(lib.id)),
                        Val::Text(report_status_label(
                            row.stage
                                .unwrap_or(lentera_core::monitoring::reports::Stage::NEW),
                            lang,
                        )),
                        Val::Time(row.first_submitted_at),
                        Val::Text(row.deadline.map(|d| d.to_string()).unwrap_or_default()),
                        Val::Text(if row.tally.reported == 0 {
                            String::new()
                        } else if row.tally.on_time == 1 {
                            t(T::Yes, lang)
                        } else {
                            match lang {
                                Lang::Id => "Terlambat".into(),
                                Lang::En => "Late".into(),
                            }
                        }),
                    ])
                })
                .collect(),
            foot: Some(vec![
                Val::Empty,
                Val::Text(t(T::Total, lang)),
                Val::Text(format!("{}/{}", c.total.reported, c.total.expected)),
                Val::Empty,
                Val::Empty,
                Val::Text(c.total.on_time.to_string()),
            ]),
        },
        Reporting::Regions(c, names) => {
            let tally = |t: &lentera_store::monitoring::reports::Tally| {
                vec![
                    Val::Int(t.expected),
                    Val::Int(t.reported),
                    Val::Int(t.on_time),
                    Val::Int(t.approved_district),
                    Val::Pct(Some(t.completeness())),
                    Val::Pct(Some(t.timeliness())),
                ]
            };
            Table {
                key: "reporting",
                caption: T::ReportingCaption
                    .get(lang)
                    .replace("{month}", &month_label(c.period, lang)),
                cols: vec![
                    code("code", t(T::Code, lang)),
                    col("name", t(T::Name, lang)),
                    num("expected", t(T::Expected, lang)),
                    num("reported", t(T::Reported, lang)),
                    num("on_time", t(T::OnTime, lang)),
                    num("approved_district", t(T::Approved, lang)),
                    num("completeness_pct", t(T::Completeness, lang)),
                    num("timeliness_pct", t(T::Timeliness, lang)),
                ],
                rows: c
                    .rows
                    .iter()
                    .map(|row| {
                        let mut r = vec![
                            Val::Text(row.region.to_string()),
                            Val::Link(
                                names
                                    .get(row.region.as_str())
                                    .cloned()
                                    .unwrap_or_else(|| row.region.to_string()),
                                Scope::Region(row.region.clone()),
                            ),
                        ];
                        r.extend(tally(&row.tally));
                        r
                    })
                    .collect(),
                foot: Some({
                    let mut r = vec![Val::Empty, Val::Text(t(T::Total, lang))];
                    r.extend(tally(&c.total));
                    r
                }),
            }
        }
        Reporting::Libraries { period, rows } => Table {
            key: "reporting",
            caption: T::ReportingCaption
                .get(lang)
                .replace("{month}", &month_label(*period, lang)),
            cols: vec![
                code("code", t(T::Code, lang)),
                col("name", t(T::Libraries, lang)),
                col("status", t(T::Status, lang)),
            ],
            rows: rows
                .iter()
                .map(|(l, s)| {
                    vec![
                        Val::Text(l.id.to_string()),
                        Val::Link(l.name.clone(), Scope::Library(l.id)),
                        Val::Text(report_status_label(*s, lang)),
                    ]
                })
                .collect(),
            foot: None,
        },
        Reporting::Months(months) => Table {
            key: "reporting",
            caption: t(T::ReportingMonthsCaption, lang),
            cols: vec![
                col("period", t(T::Month, lang)),
                col("status", t(T::Status, lang)),
            ],
            rows: months
                .iter()
                .map(|(p, s)| vec![Val::Month(*p), Val::Text(report_status_label(*s, lang))])
                .collect(),
            foot: None,
        },
    }
}

/// The elements of the trend table.
pub fn trend_elements() -> Vec<(&'static str, Element)> {
    [
        Element::Visits,
        Element::Loans,
        Element::MembersNew,
        Element::MembersActive,
        Element::Activities,
        Element::Participants,
        Element::ItemsNew,
    ]
    .iter()
    .map(|e| (e.key(), *e))
    .collect()
}

// ------------------------------------------------------------- CSV, XLSX

/// What `?format=` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Pdf,
    DataValues,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Result<ExportFormat, Problem> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(ExportFormat::Csv),
            "xlsx" | "excel" => Ok(ExportFormat::Xlsx),
            "pdf" => Ok(ExportFormat::Pdf),
            "datavalues" | "dhis2" => Ok(ExportFormat::DataValues),
            "" => Err(Problem::Required),
            _ => Err(Problem::UnknownChoice),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv | ExportFormat::DataValues => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Pdf => "pdf",
        }
    }

    pub fn mime_type(self) -> &'static str {
        match self {
            ExportFormat::Csv | ExportFormat::DataValues => Format::Csv.mime_type(),
            ExportFormat::Xlsx => Format::Xlsx.mime_type(),
            ExportFormat::Pdf => "application/pdf",
        }
    }
}

fn tab(format: ExportFormat) -> Format {
    if format == ExportFormat::Xlsx {
        Format::Xlsx
    } else {
        Format::Csv
    }
}

/// An export failed to write (never the user's fault).
#[derive(Debug)]
pub struct WriteError(pub String);

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteError {}

fn werr(e: impl std::fmt::Debug) -> WriteError {
    WriteError(format!("{e:?}"))
}

fn write_rows<W: std::io::Write>(w: &mut TableWriter<W>, table: &Table) -> Result<(), WriteError> {
    let keys: Vec<&str> = table.cols.iter().map(|c| c.key.as_str()).collect();
    w.write_header(&keys).map_err(werr)?;
    for r in table.rows.iter().chain(table.foot.iter()) {
        let cells: Vec<Cell<'_>> = r.iter().map(Val::cell).collect();
        w.write_row(&cells).map_err(werr)?;
    }
    Ok(())
}

/// One table as CSV or XLSX: the keys as the header, then the rows (and
/// the totals row).
pub fn write_table(table: &Table, format: ExportFormat, lang: Lang) -> Result<Vec<u8>, WriteError> {
    let mut w = TableWriter::new(tab(format), Vec::new()).map_err(werr)?;
    if format == ExportFormat::Xlsx {
        w = w.with_sheet_name(sheet_name(table, lang)).map_err(werr)?;
    }
    write_rows(&mut w, table)?;
    w.finish().map_err(werr)
}

fn sheet_name(table: &Table, lang: Lang) -> &'static str {
    match (table.key, lang) {
        ("summary", Lang::Id) => "Angka utama",
        ("indicators", Lang::Id) => "Indikator",
        ("snp", Lang::Id) => "SNP",
        ("iplm", Lang::Id) => "IPLM",
        ("snp", Lang::En) => "SNP",
        ("iplm", Lang::En) => "IPLM",
        ("scorecard", Lang::Id) => "Rapor KPI",
        ("indicators", Lang::En) => "Indicators",
        ("scorecard", Lang::En) => "KPI scorecard",
        ("trend", Lang::Id) => "Per bulan",
        ("children", Lang::Id) => "Rincian",
        ("strategy", Lang::Id) => "Strategi",
        ("participants", Lang::Id) => "Peserta",
        ("workplans", Lang::Id) => "Rencana kerja",
        ("aid", Lang::Id) => "Bantuan",
        ("reporting", Lang::Id) => "Laporan bulanan",
        ("summary", Lang::En) => "Key figures",
        ("trend", Lang::En) => "Per month",
        ("children", Lang::En) => "Breakdown",
        ("strategy", Lang::En) => "Strategy",
        ("participants", Lang::En) => "Participants",
        ("workplans", Lang::En) => "Work plans",
        ("aid", Lang::En) => "Aid",
        ("reporting", Lang::En) => "Monthly reports",
        _ => "Data",
    }
}

/// The whole dashboard in one sheet (or one CSV): a title line, then each
/// table under its caption, a blank line between tables.
pub fn write_dashboard(
    d: &Dashboard,
    tables: &[Table],
    format: ExportFormat,
    lang: Lang,
) -> Result<Vec<u8>, WriteError> {
    let mut w = TableWriter::new(tab(format), Vec::new()).map_err(werr)?;
    if format == ExportFormat::Xlsx {
        w = w
            .with_sheet_name(match lang {
                Lang::Id => "Dasbor",
                Lang::En => "Dashboard",
            })
            .map_err(werr)?;
    }
    let title = format!("{} · {}", d.name, d.span().label(lang));
    w.write_row(&[Cell::text(title.as_str())]).map_err(werr)?;
    for table in tables {
        w.write_row(&[]).map_err(werr)?;
        w.write_row(&[Cell::text(table.caption.as_str())])
            .map_err(werr)?;
        write_rows(&mut w, table)?;
    }
    w.finish().map_err(werr)
}

// -------------------------------------------------------------------- PDF

/// The letterhead ("kop") of a report about `d`: the office that sends it.
pub fn letterhead(d: &Dashboard, tree: &RegionTree, lang: Lang) -> Vec<String> {
    let upper = |s: &str| s.to_uppercase();
    let first = match &d.scope {
        Scope::Nation => match lang {
            Lang::Id => "PERPUSTAKAAN NASIONAL REPUBLIK INDONESIA".to_string(),
            Lang::En => "NATIONAL LIBRARY OF THE REPUBLIC OF INDONESIA".to_string(),
        },
        Scope::Region(r) => {
            // The office of the province or regency the region lies in.
            let office = r.at_level(Level::Regency).unwrap_or_else(|| r.clone());
            let name = tree
                .get(&office)
                .map(|x| x.display_name())
                .unwrap_or_else(|| office.to_string());
            match (office.level(), lang) {
                (Level::Province, Lang::Id) => {
                    format!("DINAS PERPUSTAKAAN PROVINSI {}", upper(&name))
                }
                (Level::Province, Lang::En) => {
                    format!("LIBRARY OFFICE OF {} PROVINCE", upper(&name))
                }
                (_, Lang::Id) => format!("DINAS PERPUSTAKAAN {}", upper(&name)),
                (_, Lang::En) => format!("LIBRARY OFFICE OF {}", upper(&name)),
            }
        }
        Scope::Libraries(_) => match lang {
            Lang::Id => "FASILITATOR PROGRAM TPBIS".to_string(),
            Lang::En => "TPBIS PROGRAMME FACILITATOR".to_string(),
        },
        Scope::Library(_) => upper(&d.name),
    };
    let second = match lang {
        Lang::Id => "Program Transformasi Perpustakaan Berbasis Inklusi Sosial (TPBIS)",
        Lang::En => "Library Transformation for Social Inclusion Programme (TPBIS)",
    };
    let mut lines = vec![first, second.to_string()];
    if let Scope::Library(_) = &d.scope
        && let Some(l) = d.places.first()
    {
        let place: Vec<String> = tree
            .ancestors(&l.village)
            .iter()
            .rev()
            .map(|r| r.display_name())
            .collect();
        let village = tree
            .get(&l.village)
            .map(|r| r.display_name())
            .unwrap_or_default();
        let mut s = village;
        for p in place {
            s.push_str(", ");
            s.push_str(&p);
        }
        if let Some(npp) = &l.npp {
            s.push_str(&format!(" · NPP {npp}"));
        }
        lines.push(s);
    }
    lines
}

crate::messages!(P {
    ReportTitle => "{report} Pemantauan TPBIS", "TPBIS Monitoring {report}";
    Area => "Wilayah", "Area";
    Library => "Perpustakaan", "Library";
    Period => "Periode", "Period";
    LibrariesCounted => "Perpustakaan aktif", "Active libraries";
    Basis => "Dasar angka", "Figures";
    All => "Semua angka, termasuk laporan yang belum disetujui", "All figures, including reports not yet approved";
    ApprovedOnly => "Hanya laporan yang sudah disetujui kabupaten/kota", "Only reports approved by the district";
    Printed => "Dicetak", "Printed";
    KeyFigures => "Angka utama", "Key figures";
    Indicators => "Indikator", "Indicators";
    Scorecard => "Rapor KPI", "KPI scorecard";
    Snp => "Standar Nasional Perpustakaan (SNP)", "National library standard (SNP)";
    Iplm => "Indeks Pembangunan Literasi Masyarakat (IPLM)", "Community literacy development index (IPLM)";
    VisitsChart => "Kunjungan per bulan", "Visits per month";
    ActivitiesChart => "Kegiatan menurut strategi", "Activities by strategy";
    Breakdown => "Rincian", "Breakdown";
    Participants => "Peserta kegiatan", "Participants";
    Plans => "Rencana kerja", "Work plans";
    Aid => "Bantuan", "Aid";
    Reporting => "Laporan bulanan", "Monthly reports";
    Manual => "Angka bertanda * diisi manual oleh perpustakaan.", "Figures marked * were entered by hand by the library.";
    Signed => "Mengetahui,", "Acknowledged,";
    Footer => "Dihasilkan oleh Lentera", "Generated by Lentera";
});

/// Print cells of a table, `*` after figures entered by hand.
fn pdf_table(table: &Table, keep: Option<&[&str]>, lang: Lang) -> DataTable {
    let idx: Vec<usize> = table
        .cols
        .iter()
        .enumerate()
        .filter(|(_, c)| keep.is_none_or(|k| k.contains(&c.key.as_str())))
        .map(|(i, _)| i)
        .collect();
    let columns = idx
        .iter()
        .map(|i| {
            let c = &table.cols[*i];
            if c.num {
                Column::right(c.label.clone())
            } else {
                Column::left(c.label.clone())
            }
        })
        .collect();
    let rows = table
        .rows
        .iter()
        .chain(table.foot.iter())
        .map(|r| {
            idx.iter()
                .map(|i| r.get(*i).map(|v| v.text(lang)).unwrap_or_default())
                .collect()
        })
        .collect();
    DataTable { columns, rows }
}

/// The PDF report of a dashboard: letterhead, title, what it covers, key
/// figures, charts and tables, and a place to sign — ready to send.
pub fn pdf(
    d: &Dashboard,
    tables: &[Table],
    tree: &RegionTree,
    lang: Lang,
) -> Result<Vec<u8>, WriteError> {
    let span = d.span();
    let title = P::ReportTitle
        .get(lang)
        .replace("{report}", span.report_name(lang));
    let mut r = Report::new(format!("{title} · {} · {}", d.name, span.label(lang)));
    r.letterhead = letterhead(d, tree, lang);
    r.footer_note = format!(
        "{} · {} · {} {}",
        d.name,
        span.label(lang),
        P::Footer.get(lang),
        d.generated_at.format("%d-%m-%Y")
    );
    r.push(Block::Title(title));
    let path: Vec<&str> = d.crumbs.iter().map(|c| c.label.as_str()).collect();
    let (area_label, area) = match d.scope {
        Scope::Library(_) => (P::Library.get(lang), d.name.clone()),
        _ => (P::Area.get(lang), path.join(" › ")),
    };
    let mut kv = vec![
        (area_label.to_string(), area),
        (P::Period.get(lang).to_string(), span.label(lang)),
    ];
    if !matches!(d.scope, Scope::Library(_)) {
        kv.push((
            P::LibrariesCounted.get(lang).to_string(),
            super::charts::number(f64::from(d.libraries), lang),
        ));
    }
    kv.push((
        P::Basis.get(lang).to_string(),
        if d.options.include_unapproved {
            P::All.get(lang)
        } else {
            P::ApprovedOnly.get(lang)
        }
        .to_string(),
    ));
    kv.push((
        P::Printed.get(lang).to_string(),
        d.generated_at.format("%d-%m-%Y %H.%M UTC").to_string(),
    ));
    r.push(Block::KeyValues(kv));

    let get = |k: &str| tables.iter().find(|t| t.key == k);
    if let Some(t) = get("summary") {
        r.push(Block::Heading(P::KeyFigures.get(lang).into()));
        let mut dt = pdf_table(t, Some(&["label", "value", "previous", "change_pct"]), lang);
        // Mark hand-entered figures in the value column.
        for (row, e) in dt.rows.iter_mut().zip(Element::ALL.iter()) {
            if d.totals.is_manual(*e) {
                row[1].push_str(" *");
            }
        }
        r.push(Block::Table(dt));
        if Element::ALL.iter().any(|e| d.totals.is_manual(*e)) {
            r.push(Block::Paragraph(P::Manual.get(lang).into()));
        }
    }
    if let Some(t) = get("indicators") {
        r.push(Block::Heading(P::Indicators.get(lang).into()));
        r.push(Block::Table(pdf_table(
            t,
            Some(&["label", "value", "unit", "target", "achievement_pct"]),
            lang,
        )));
    }
    if let Some(t) = get("trend") {
        r.push(Block::Heading(P::VisitsChart.get(lang).into()));
        r.push(Block::BarChart(BarChart {
            title: String::new(),
            bars: d
                .trend
                .iter()
                .map(|(p, f)| Bar::new(month_label(*p, lang), f.total(Element::Visits) as f64))
                .collect(),
        }));
        r.push(Block::Table(pdf_table(t, None, lang)));
    }
    if let Some(t) = get("children") {
        r.push(Block::Heading(format!(
            "{}: {}",
            P::Breakdown.get(lang),
            d.child_level.map(|l| l.label(lang)).unwrap_or_default()
        )));
        r.push(Block::Table(pdf_table(
            t,
            Some(&[
                "name",
                "libraries",
                "visits",
                "loans",
                "loans_per_visit",
                "active_members",
                "titles",
                "activities",
                "participants",
            ]),
            lang,
        )));
    }
    if let Some(t) = get("scorecard") {
        r.push(Block::Heading(P::Scorecard.get(lang).into()));
        r.push(Block::Paragraph(t.caption.clone()));
        r.push(Block::Table(pdf_table(
            t,
            Some(&["rank", "name", "score", "band"]),
            lang,
        )));
        if let Some(sc) = &d.scorecard {
            r.push(Block::BarChart(BarChart {
                title: String::new(),
                bars: sc
                    .rows
                    .iter()
                    .filter_map(|row| {
                        let s = row.kpi.score?;
                        let name = d
                            .children
                            .iter()
                            .find(|c| c.code == row.child.code)
                            .map_or(row.child.name.clone(), |c| c.name.clone());
                        let band = row.kpi.band.map(|b| band_look(b).word(lang)).unwrap_or("");
                        let mut bar = Bar::new(name, s);
                        bar.value_text = format!("{} ({band})", bar.value_text);
                        Some(bar)
                    })
                    .take(30)
                    .collect(),
            }));
        }
    }
    if let Some(t) = get("strategy") {
        r.push(Block::Heading(P::ActivitiesChart.get(lang).into()));
        r.push(Block::BarChart(BarChart {
            title: String::new(),
            bars: strategies(&d.totals)
                .iter()
                .map(|k| {
                    Bar::new(
                        strategy_label(k, lang),
                        by_strategy(&d.totals, Element::Activities, k) as f64,
                    )
                })
                .collect(),
        }));
        r.push(Block::Table(pdf_table(
            t,
            Some(&["label", "activities", "participants"]),
            lang,
        )));
    }
    if let Some(t) = get("participants") {
        r.push(Block::Heading(P::Participants.get(lang).into()));
        r.push(Block::Table(pdf_table(
            t,
            Some(&["label", "male", "female", "total"]),
            lang,
        )));
    }
    if let Some(t) = get("workplans") {
        r.push(Block::Heading(format!(
            "{} {}",
            P::Plans.get(lang),
            d.plans.year
        )));
        r.push(Block::Paragraph(t.caption.clone()));
        r.push(Block::Table(pdf_table(t, Some(&["label", "plans"]), lang)));
    }
    if let Some(t) = get("aid") {
        r.push(Block::Heading(format!(
            "{} {}",
            P::Aid.get(lang),
            d.aid.year
        )));
        r.push(Block::Paragraph(t.caption.clone()));
        r.push(Block::Table(pdf_table(
            t,
            Some(&["label", "allocations"]),
            lang,
        )));
    }
    if let Some(t) = get("snp") {
        r.push(Block::Heading(P::Snp.get(lang).into()));
        r.push(Block::Table(pdf_table(
            t,
            Some(&["label", "value", "minimum", "pass"]),
            lang,
        )));
    }
    if let Some(t) = get("iplm") {
        r.push(Block::Heading(P::Iplm.get(lang).into()));
        r.push(Block::Paragraph(t.caption.clone()));
        let mut keep: Vec<&str> = vec!["name"];
        keep.extend(IplmElement::ALL.iter().map(|e| e.key()));
        keep.extend(["index", "band"]);
        r.push(Block::Table(pdf_table(t, Some(&keep), lang)));
    }
    if let Some(t) = get("reporting") {
        r.push(Block::Heading(P::Reporting.get(lang).into()));
        r.push(Block::Paragraph(t.caption.clone()));
        let keep: &[&str] = &[
            "period",
            "name",
            "status",
            "expected",
            "reported",
            "on_time",
            "completeness_pct",
            "timeliness_pct",
        ];
        r.push(Block::Table(pdf_table(t, Some(keep), lang)));
    }
    r.push(Block::Space(8.0));
    r.push(Block::Paragraph(format!(
        "{}, {}\n{}\n\n\n\n(.............................................)",
        d.crumbs
            .iter()
            .rev()
            .find(|c| !matches!(c.scope, Scope::Library(_) | Scope::Libraries(_)))
            .map(|c| c.label.clone())
            .unwrap_or_else(|| d.name.clone()),
        d.generated_at.format("%d-%m-%Y"),
        P::Signed.get(lang)
    )));
    let mut out = Vec::new();
    lentera_print::render_report(&r, &mut out).map_err(werr)?;
    Ok(out)
}

// ------------------------------------------------------------ data values

/// Where data values are attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgUnits {
    /// One row per library (the lowest level, as DHIS2 wants it).
    Libraries,
    /// One row per child region (or per library under a regency).
    Children,
}

impl OrgUnits {
    pub fn parse(s: &str) -> Result<OrgUnits, Problem> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "libraries" | "library" => Ok(OrgUnits::Libraries),
            "children" | "regions" | "region" => Ok(OrgUnits::Children),
            _ => Err(Problem::UnknownChoice),
        }
    }
}

/// One value in DHIS2's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataValue {
    pub data_element: String,
    /// `yyyyMM`.
    pub period: String,
    pub org_unit: String,
    pub category_option_combo: String,
    pub value: i64,
    pub manual: bool,
}

/// DHIS2's CSV data-value columns.
pub const DATAVALUE_HEADER: [&str; 10] = [
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
];

/// The data element of a slice: `visits` for the total,
/// `visits_by_gender_age` for the gender × age slices.
pub fn data_element(e: Element, d: &lentera_core::monitoring::figures::Disagg) -> String {
    if d.is_total() {
        return e.key().to_string();
    }
    let dims: Vec<&str> = d.dims().iter().map(|x| x.key()).collect();
    format!("{}_by_{}", e.key(), dims.join("_"))
}

fn push_values(
    out: &mut Vec<DataValue>,
    f: &Figures,
    period: Period,
    org_unit: &str,
    manual: &[Element],
) {
    for v in f.iter() {
        let hand = v.manual || manual.contains(&v.element);
        if v.value == 0 && !hand {
            continue;
        }
        out.push(DataValue {
            data_element: data_element(v.element, &v.disagg),
            period: format!("{}{:02}", period.year(), period.month()),
            org_unit: org_unit.to_string(),
            category_option_combo: if v.disagg.is_total() {
                "default".into()
            } else {
                v.disagg.key()
            },
            value: v.value,
            manual: hand,
        });
    }
}

/// Every figure of every month of the span for the scope, per library or
/// per child region, as data values. Months follow the same rules as the
/// dashboard (live, or approved only); months not begun have none.
/// Libraries' hand-entered elements are marked from their monthly reports.
pub fn datavalues(
    conn: &mut DbConn,
    tree: &RegionTree,
    reach: &Reach,
    scope: &Scope,
    options: Options,
    org_units: OrgUnits,
) -> StoreResult<Vec<DataValue>> {
    let current = Period::of(options.today);
    let span = options.span;
    if span.from > current {
        return Ok(Vec::new());
    }
    let range = PeriodRange {
        from: span.from,
        to: span.to.min(current),
    };
    let incl = options.include_unapproved;
    let mut out = Vec::new();
    let by_region = org_units == OrgUnits::Children
        && matches!(
            super::data::child_level(scope),
            Some(ChildLevel::Province | ChildLevel::Regency)
        );
    if by_region {
        for child in engine::child_units(conn, &scope.unit())? {
            if child.libraries == 0 {
                continue;
            }
            for (p, f) in engine::trend(conn, reach, &child.unit, range, incl)? {
                push_values(&mut out, &f, p, &child.code, &[]);
            }
        }
        return Ok(out);
    }
    for l in scope_libraries(conn, tree, scope)? {
        let manual = manual_elements(conn, l.id, range)?;
        for (p, f) in engine::trend(conn, reach, &Unit::Library(l.id), range, incl)? {
            let m = manual.get(&p.yyyymm()).map(Vec::as_slice).unwrap_or(&[]);
            push_values(&mut out, &f, p, &l.id.to_string(), m);
        }
    }
    Ok(out)
}

/// The elements a library typed by hand, per month (yyyymm), from its
/// monthly reports.
pub fn manual_elements(
    conn: &mut DbConn,
    library: lentera_core::ids::LibraryId,
    range: PeriodRange,
) -> StoreResult<std::collections::BTreeMap<i32, Vec<Element>>> {
    let mut out = std::collections::BTreeMap::new();
    for (p, r) in store_reports::library_months(conn, library, range.from, range.to)? {
        let Some(r) = r else { continue };
        let stored = store_reports::stored_figures(conn, &r.id)?;
        let els: Vec<Element> = Element::ALL
            .iter()
            .copied()
            .filter(|e| stored.is_manual(*e))
            .collect();
        if !els.is_empty() {
            out.insert(p.yyyymm(), els);
        }
    }
    Ok(out)
}

/// Data values as DHIS2's CSV.
pub fn write_datavalues(values: &[DataValue], stamp: NaiveDateTime) -> Result<Vec<u8>, WriteError> {
    let mut w = TableWriter::new(Format::Csv, Vec::new()).map_err(werr)?;
    w.write_header(&DATAVALUE_HEADER).map_err(werr)?;
    let stamp = stamp.format("%Y-%m-%dT%H:%M:%S").to_string();
    for v in values {
        w.write_row(&[
            Cell::text(v.data_element.as_str()),
            Cell::text(v.period.as_str()),
            Cell::text(v.org_unit.as_str()),
            Cell::text(v.category_option_combo.as_str()),
            Cell::text("default"),
            Cell::Int(v.value),
            Cell::text("lentera"),
            Cell::text(stamp.as_str()),
            Cell::text(if v.manual { "manual" } else { "" }),
            Cell::text("false"),
        ])
        .map_err(werr)?;
    }
    w.finish().map_err(werr)
}

// -------------------------------------------------------------- one call

/// An export's bytes and its file name.
#[derive(Debug)]
pub struct Export {
    pub bytes: Vec<u8>,
    pub file_name: String,
    pub format: ExportFormat,
}

/// What to export.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub scope: Scope,
    pub options: Options,
    pub format: ExportFormat,
    /// One table's key, or `None` for the whole dashboard. Ignored by PDF
    /// and data values.
    pub table: Option<String>,
    pub org_units: OrgUnits,
    /// The literacy index's formula, for reports and the `iplm` table.
    pub iplm: IplmVersion,
    pub lang: Lang,
}

/// An export failed: nothing to export, or it could not be written.
#[derive(Debug)]
pub enum ExportError {
    Store(lentera_store::StoreError),
    /// `?table=` names no table of this dashboard.
    NoSuchTable,
    Write(WriteError),
}

impl From<lentera_store::StoreError> for ExportError {
    fn from(e: lentera_store::StoreError) -> Self {
        ExportError::Store(e)
    }
}

impl From<WriteError> for ExportError {
    fn from(e: WriteError) -> Self {
        ExportError::Write(e)
    }
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::Store(e) => write!(f, "{e}"),
            ExportError::NoSuchTable => f.write_str("no such table"),
            ExportError::Write(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ExportError {}

/// Builds the export the request asks for. The caller has checked reach.
pub fn export(
    conn: &mut DbConn,
    tree: &RegionTree,
    reach: &Reach,
    req: &ExportRequest,
) -> Result<Export, ExportError> {
    let span: Span = req.options.span;
    let stem = match req.lang {
        Lang::Id => "dasbor",
        Lang::En => "dashboard",
    };
    let base = format!("{}-{}", req.scope.slug(), span.key());
    if req.format == ExportFormat::DataValues {
        let values = datavalues(conn, tree, reach, &req.scope, req.options, req.org_units)?;
        return Ok(Export {
            bytes: write_datavalues(&values, lentera_store::now())?,
            file_name: format!("datavalues-{base}.csv"),
            format: req.format,
        });
    }
    let mut d = super::data::build(conn, tree, reach, &req.scope, req.options, req.lang)?;
    // The index reads every library's registry: only for the files that show it.
    if req.format == ExportFormat::Pdf || matches!(req.table.as_deref(), None | Some("iplm")) {
        d.iplm = super::data::iplm(conn, tree, reach, &req.scope, span, req.iplm)?;
    }
    let all = tables(&d, req.lang);
    let (bytes, file_name) = match (req.format, req.table.as_deref()) {
        (ExportFormat::Pdf, _) => (
            pdf(&d, &all, tree, req.lang)?,
            format!(
                "{}-{base}.pdf",
                match req.lang {
                    Lang::Id => "laporan",
                    Lang::En => "report",
                }
            ),
        ),
        (f, None | Some("" | "all")) => (
            write_dashboard(&d, &all, f, req.lang)?,
            format!("{stem}-{base}.{}", f.extension()),
        ),
        (f, Some(key)) => {
            let t = all
                .iter()
                .find(|t| t.key == key)
                .ok_or(ExportError::NoSuchTable)?;
            (
                write_table(t, f, req.lang)?,
                format!("{stem}-{base}-{key}.{}", f.extension()),
            )
        }
    };
    Ok(Export {
        bytes,
        file_name,
        format: req.format,
    })
}

/// A region named for a report file or the CLI.
pub fn region_label(tree: &RegionTree, code: &RegionCode) -> String {
    tree.get(code)
        .map(|r| r.display_name())
        .unwrap_or_else(|| code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use lentera_core::monitoring::figures::Disagg;

    #[test]
    fn data_elements_partition_their_totals() {
        assert_eq!(data_element(Element::Visits, &Disagg::total()), "visits");
        assert_eq!(
            data_element(
                Element::Visits,
                &Disagg::gender_age(Gender::P, AgeGroup::Anak)
            ),
            "visits_by_gender_age"
        );
        let mut f = Figures::new();
        f.set(Element::Visits, Disagg::total(), 5, false);
        f.set(Element::Visits, Disagg::gender(Gender::L), 2, false);
        f.set(Element::Visits, Disagg::gender(Gender::P), 3, false);
        f.set(Element::Titles, Disagg::total(), 1000, true);
        let mut out = Vec::new();
        push_values(&mut out, &f, Period::parse("2024-07").unwrap(), "x", &[]);
        assert_eq!(out.len(), 4);
        let by_gender: i64 = out
            .iter()
            .filter(|v| v.data_element == "visits_by_gender")
            .map(|v| v.value)
            .sum();
        assert_eq!(by_gender, 5);
        assert!(out.iter().all(|v| v.period == "202407"));
        let titles = out.iter().find(|v| v.data_element == "titles").unwrap();
        assert!(titles.manual);
        assert_eq!(titles.category_option_combo, "default");
        let csv =
            String::from_utf8(write_datavalues(&out, NaiveDateTime::default()).unwrap()).unwrap();
        assert!(csv.starts_with("\u{feff}dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup\r\n"));
        assert!(csv.contains("titles,202407,x,default,default,1000,lentera,"));
        assert!(csv.contains(",manual,false"));
    }

    #[test]
    fn formats_parse() {
        assert_eq!(ExportFormat::parse("XLSX"), Ok(ExportFormat::Xlsx));
        assert_eq!(ExportFormat::parse("dhis2"), Ok(ExportFormat::DataValues));
        assert_eq!(ExportFormat::parse("doc"), Err(Problem::UnknownChoice));
        assert_eq!(OrgUnits::parse(""), Ok(OrgUnits::Libraries));
        assert!(OrgUnits::parse("x").is_err());
    }

    #[test]
    fn decimals_print_the_local_way() {
        assert_eq!(number_dec(1234.5, 1, Lang::Id), "1.234,5");
        assert_eq!(number_dec(1234.5, 1, Lang::En), "1,234.5");
        assert_eq!(number_dec(0.3, 2, Lang::Id), "0,30");
        assert_eq!(number_dec(-0.04, 1, Lang::Id), "0,0");
        assert_eq!(number_dec(-12.0, 0, Lang::Id), "-12");
        assert_eq!(number_dec(f64::NAN, 1, Lang::Id), "–");
    }

    #[test]
    fn cells_print_the_local_way() {
        assert_eq!(Val::Int(1234).text(Lang::Id), "1.234");
        assert_eq!(Val::Pct(Some(12.34)).text(Lang::Id), "12,3 %");
        assert_eq!(Val::Pct(None).text(Lang::En), "–");
        assert_eq!(Val::Pct(Some(12.34)).cell(), Cell::Float(12.3));
    }
}

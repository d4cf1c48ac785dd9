//! Activity reports (kegiatan) with participants and photo evidence, and advocacy outcomes.
//!
//! Domain types and rules only: no I/O.
//!
//! A report counts its participants in a 2 × 4 × 2 grid: gender × age group
//! (the guest book's groups, so the monitoring tables add up) × disability.
//! People type the grid the way they count a room: first everyone by
//! gender and age group, then, optionally, *of whom* how many have a
//! disability. [`Participants`] stores the disjoint cells (without / with
//! disability) that the database and the roll-ups use.
//!
//! Advocacy outcomes are what a library's advocacy produced: MoUs, a village
//! regulation (Perdes), an APBDes allocation for a budget year, and support
//! from village institutions (PKK, Posyandu, Puskesmas, Karang Taruna).

use crate::field::{
    Collector, Invalid, Problem, flag, optional, optional_int, optional_text, required_text,
};
use crate::ids::LibraryId;
use crate::libraries::choice_enum;
use crate::regions::RegionCode;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

pub use crate::circulation::{AgeGroup, Gender};

choice_enum!(
    /// The three TPBIS strategies; a report says which one it served.
    Strategy {
        LayananInformasi = "layanan_informasi",
        PelibatanMasyarakat = "pelibatan_masyarakat",
        Advokasi = "advokasi",
    }
);

choice_enum!(
    /// What kind of activity it was. The list follows the programme's
    /// reports; "lainnya" keeps rare kinds reportable.
    ActivityKind {
        PelatihanKeterampilan = "pelatihan_keterampilan",
        LiterasiAnak = "literasi_anak",
        LayananInternet = "layanan_internet",
        PendampinganUsaha = "pendampingan_usaha",
        KlubBaca = "klub_baca",
        Pameran = "pameran",
        Sosialisasi = "sosialisasi",
        Lainnya = "lainnya",
    }
);

/// The most people one cell of the grid may hold: a village festival can
/// draw a few thousand, a typing slip of an extra zero should not pass.
pub const MAX_CELL: i64 = 5_000;

/// How far back a report may be dated: the programme looks at the last
/// few years, and a wrong century is a typo.
pub const MAX_YEARS_BACK: i32 = 5;

/// Form keys of the "everyone" grid, `[gender][age group]`, in
/// [`Gender::ALL`] × [`AgeGroup::ALL`] order.
pub const COUNT_FIELDS: [[&str; 4]; 2] = [
    ["p_l_anak", "p_l_remaja", "p_l_dewasa", "p_l_lansia"],
    ["p_p_anak", "p_p_remaja", "p_p_dewasa", "p_p_lansia"],
];

/// Form keys of the "of whom with a disability" grid.
pub const DISABLED_FIELDS: [[&str; 4]; 2] = [
    ["d_l_anak", "d_l_remaja", "d_l_dewasa", "d_l_lansia"],
    ["d_p_anak", "d_p_remaja", "d_p_dewasa", "d_p_lansia"],
];

fn gender_index(g: Gender) -> usize {
    match g {
        Gender::L => 0,
        Gender::P => 1,
    }
}

fn age_index(a: AgeGroup) -> usize {
    AgeGroup::ALL.iter().position(|x| *x == a).unwrap_or(0)
}

/// Participants by gender × age group × disability. Cells are disjoint:
/// `get(g, a, false)` are those *without* a disability.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Participants {
    cells: [[[i64; 2]; 4]; 2],
}

impl Participants {
    pub fn get(&self, g: Gender, a: AgeGroup, disabled: bool) -> i64 {
        self.cells[gender_index(g)][age_index(a)][usize::from(disabled)]
    }

    pub fn add(&mut self, g: Gender, a: AgeGroup, disabled: bool, n: i64) {
        self.cells[gender_index(g)][age_index(a)][usize::from(disabled)] += n;
    }

    /// Adds a stored row whose keys are text; unknown keys are skipped (and
    /// reported as `false`) so one bad row cannot break a roll-up.
    pub fn add_stored(&mut self, gender: &str, age: &str, disabled: bool, n: i64) -> bool {
        match (Gender::parse(gender), AgeGroup::parse(age)) {
            (Ok(g), Ok(a)) => {
                self.add(g, a, disabled, n);
                true
            }
            _ => false,
        }
    }

    /// Everyone of this gender and age group, with or without a disability.
    pub fn people(&self, g: Gender, a: AgeGroup) -> i64 {
        self.get(g, a, false) + self.get(g, a, true)
    }

    pub fn total(&self) -> i64 {
        self.cells.iter().flatten().flatten().sum()
    }

    pub fn by_gender(&self, g: Gender) -> i64 {
        self.cells[gender_index(g)].iter().flatten().sum()
    }

    pub fn by_age(&self, a: AgeGroup) -> i64 {
        let i = age_index(a);
        self.cells.iter().map(|g| g[i][0] + g[i][1]).sum()
    }

    pub fn with_disability(&self) -> i64 {
        self.cells.iter().flatten().map(|c| c[1]).sum()
    }

    pub fn disabled_by_gender(&self, g: Gender) -> i64 {
        self.cells[gender_index(g)].iter().map(|c| c[1]).sum()
    }

    /// The non-zero cells, for storage.
    pub fn cells(&self) -> Vec<(Gender, AgeGroup, bool, i64)> {
        let mut out = Vec::new();
        for g in Gender::ALL {
            for a in AgeGroup::ALL {
                for d in [false, true] {
                    let n = self.get(*g, *a, d);
                    if n != 0 {
                        out.push((*g, *a, d, n));
                    }
                }
            }
        }
        out
    }

    pub fn merge(&mut self, other: &Participants) {
        for g in 0..2 {
            for a in 0..4 {
                for d in 0..2 {
                    self.cells[g][a][d] += other.cells[g][a][d];
                }
            }
        }
    }
}

impl Serialize for Participants {
    /// `{total, males, females, with_disability, by_age_group: {anak: …},
    /// cells: [{gender, age_group, disability, count}]}`: keys, not
    /// positions, so API clients never depend on an order.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        #[derive(Serialize)]
        struct Cell {
            gender: &'static str,
            age_group: &'static str,
            disability: bool,
            count: i64,
        }
        let by_age: std::collections::BTreeMap<&str, i64> = AgeGroup::ALL
            .iter()
            .map(|a| (a.key(), self.by_age(*a)))
            .collect();
        let cells: Vec<Cell> = self
            .cells()
            .into_iter()
            .map(|(g, a, d, n)| Cell {
                gender: g.key(),
                age_group: a.key(),
                disability: d,
                count: n,
            })
            .collect();
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("total", &self.total())?;
        m.serialize_entry("males", &self.by_gender(Gender::L))?;
        m.serialize_entry("females", &self.by_gender(Gender::P))?;
        m.serialize_entry("with_disability", &self.with_disability())?;
        m.serialize_entry("by_age_group", &by_age)?;
        m.serialize_entry("cells", &cells)?;
        m.end()
    }
}

/// A report as typed: all text, so a rejected form comes back as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityForm {
    pub held_on: String,
    pub strategy: String,
    pub activity_type: String,
    pub title: String,
    pub workplan_activity_id: String,
    /// Ticked: the work-plan activity is done with this report.
    pub workplan_activity_done: String,
    pub partners: String,
    pub outcome: String,
    pub story: String,
    /// Everyone, `[gender][age group]` (see [`COUNT_FIELDS`]).
    pub counts: [[String; 4]; 2],
    /// Of whom with a disability (see [`DISABLED_FIELDS`]).
    pub disabled: [[String; 4]; 2],
    /// The caption (alt text) of the photo sent with the form.
    pub photo_caption: String,
}

impl ActivityForm {
    /// Sets a field by key; `false` for a key the form does not have.
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        for g in 0..2 {
            for a in 0..4 {
                if key == COUNT_FIELDS[g][a] {
                    self.counts[g][a] = value.to_string();
                    return true;
                }
                if key == DISABLED_FIELDS[g][a] {
                    self.disabled[g][a] = value.to_string();
                    return true;
                }
            }
        }
        let slot = match key {
            "held_on" => &mut self.held_on,
            "strategy" => &mut self.strategy,
            "activity_type" => &mut self.activity_type,
            "title" => &mut self.title,
            "workplan_activity_id" => &mut self.workplan_activity_id,
            "workplan_activity_done" => &mut self.workplan_activity_done,
            "partners" => &mut self.partners,
            "outcome" => &mut self.outcome,
            "story" => &mut self.story,
            "photo_caption" => &mut self.photo_caption,
            _ => return false,
        };
        *slot = value.to_string();
        true
    }

    /// The form from key/value pairs (a form post, a JSON object's scalars).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> ActivityForm {
        let mut f = ActivityForm::default();
        for (k, v) in pairs {
            f.set(k, v);
        }
        f
    }

    /// The sum of the "everyone" grid as typed, for the live total shown
    /// next to it (unparseable cells count as zero).
    pub fn typed_total(&self) -> i64 {
        self.counts
            .iter()
            .flatten()
            .filter_map(|s| s.trim().parse::<i64>().ok())
            .filter(|n| *n > 0)
            .sum()
    }
}

/// A checked report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityDraft {
    pub held_on: NaiveDate,
    pub strategy: Strategy,
    pub kind: ActivityKind,
    pub title: String,
    /// The work-plan activity this report fulfils (its id, checked against
    /// the library's approved plans by the store).
    pub workplan_activity_id: Option<String>,
    /// Mark that activity done.
    #[serde(skip)]
    pub mark_done: bool,
    pub partners: Option<String>,
    pub outcome: Option<String>,
    pub story: Option<String>,
    pub participants: Participants,
}

/// The earliest date a report may carry on `today`.
pub fn earliest_date(today: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(today.year() - MAX_YEARS_BACK, 1, 1).unwrap_or(today)
}

fn date_in(s: &str, earliest: NaiveDate, latest: NaiveDate) -> Result<Option<NaiveDate>, Problem> {
    let Some(t) = optional(s) else {
        return Ok(None);
    };
    let d = NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| Problem::BadDate)?;
    if d < earliest || d > latest {
        return Err(Problem::DateOutOfRange { earliest, latest });
    }
    Ok(Some(d))
}

fn choice<T>(s: &str, parse: fn(&str) -> Result<T, Problem>) -> Result<T, Problem> {
    match optional(s) {
        None => Err(Problem::Required),
        Some(t) => parse(t),
    }
}

fn optional_id(s: &str) -> Result<Option<String>, Problem> {
    match optional(s) {
        None => Ok(None),
        Some(t) => uuid::Uuid::parse_str(t)
            .map(|u| Some(u.hyphenated().to_string()))
            .map_err(|_| Problem::BadId),
    }
}

impl ActivityDraft {
    /// `today` is the library's local date: a report is of something that
    /// happened, so it cannot be dated in the future.
    pub fn parse(f: &ActivityForm, today: NaiveDate) -> Result<ActivityDraft, Invalid> {
        let mut c = Collector::default();
        let held_on = c.take(
            "held_on",
            date_in(&f.held_on, earliest_date(today), today)
                .and_then(|d| d.ok_or(Problem::Required)),
        );
        let strategy = c.take("strategy", choice(&f.strategy, Strategy::parse));
        let kind = c.take(
            "activity_type",
            choice(&f.activity_type, ActivityKind::parse),
        );
        let title = c.take("title", required_text(&f.title, 160));
        let workplan_activity_id =
            c.take("workplan_activity_id", optional_id(&f.workplan_activity_id));
        let mark_done = c
            .take("workplan_activity_done", flag(&f.workplan_activity_done))
            .unwrap_or(false);
        if mark_done && matches!(workplan_activity_id, Some(None)) {
            c.errors.push("workplan_activity_id", Problem::Required);
        }
        let partners = c.take("partners", optional_text(&f.partners, 500));
        let outcome = c.take("outcome", optional_text(&f.outcome, 4000));
        let story = c.take("story", optional_text(&f.story, 4000));
        let mut participants = Participants::default();
        let mut grid_ok = true;
        for (gi, g) in Gender::ALL.iter().enumerate() {
            for (ai, a) in AgeGroup::ALL.iter().enumerate() {
                let all = c.take(
                    COUNT_FIELDS[gi][ai],
                    optional_int(&f.counts[gi][ai], 0, MAX_CELL),
                );
                let dis = c.take(
                    DISABLED_FIELDS[gi][ai],
                    optional_int(&f.disabled[gi][ai], 0, MAX_CELL),
                );
                match (all, dis) {
                    (Some(all), Some(dis)) => {
                        let (all, dis) = (all.unwrap_or(0), dis.unwrap_or(0));
                        if dis > all {
                            // "Of whom" cannot exceed everyone in the cell.
                            c.errors.push(
                                DISABLED_FIELDS[gi][ai],
                                Problem::OutOfRange { min: 0, max: all },
                            );
                            grid_ok = false;
                        } else {
                            participants.add(*g, *a, false, all - dis);
                            participants.add(*g, *a, true, dis);
                        }
                    }
                    _ => grid_ok = false,
                }
            }
        }
        if grid_ok && participants.total() == 0 {
            c.errors.push("participants", Problem::Required);
        }
        let _ = c.take("photo_caption", optional_text(&f.photo_caption, 200));
        let draft = (|| {
            Some(ActivityDraft {
                held_on: held_on?,
                strategy: strategy?,
                kind: kind?,
                title: title?,
                workplan_activity_id: workplan_activity_id?,
                mark_done,
                partners: partners?,
                outcome: outcome?,
                story: story?,
                participants,
            })
        })();
        match draft {
            Some(d) if c.errors.is_empty() => Ok(d),
            _ => Err(c.errors),
        }
    }

    /// The form that shows this report for editing.
    pub fn to_form(&self) -> ActivityForm {
        let mut f = ActivityForm {
            held_on: self.held_on.to_string(),
            strategy: self.strategy.key().into(),
            activity_type: self.kind.key().into(),
            title: self.title.clone(),
            workplan_activity_id: self.workplan_activity_id.clone().unwrap_or_default(),
            workplan_activity_done: String::new(),
            partners: self.partners.clone().unwrap_or_default(),
            outcome: self.outcome.clone().unwrap_or_default(),
            story: self.story.clone().unwrap_or_default(),
            ..Default::default()
        };
        let shown = |n: i64| if n == 0 { String::new() } else { n.to_string() };
        for (gi, g) in Gender::ALL.iter().enumerate() {
            for (ai, a) in AgeGroup::ALL.iter().enumerate() {
                f.counts[gi][ai] = shown(self.participants.people(*g, *a));
                f.disabled[gi][ai] = shown(self.participants.get(*g, *a, true));
            }
        }
        f
    }
}

pub use crate::uploads::image_is_whole;

/// The caption (alt text) of an added photo: optional, short.
pub fn parse_caption(s: &str) -> Result<Option<String>, Invalid> {
    optional_text(s, 200).map_err(|p| Invalid::one("photo_caption", p))
}

/// The first day of `d`'s month.
pub fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The first day of the month before the one starting at `m`.
pub fn previous_month(m: NaiveDate) -> NaiveDate {
    let (y, mo) = if m.month() == 1 {
        (m.year() - 1, 12)
    } else {
        (m.year(), m.month() - 1)
    };
    NaiveDate::from_ymd_opt(y, mo, 1).unwrap_or(m)
}

/// Of the current and the previous month, those in which the library
/// reported nothing (month starts, oldest first). `reported` holds any
/// dates of its reports.
pub fn months_without_reports(today: NaiveDate, reported: &[NaiveDate]) -> Vec<NaiveDate> {
    let this = month_start(today);
    let last = previous_month(this);
    [last, this]
        .into_iter()
        .filter(|m| !reported.iter().any(|d| month_start(*d) == *m))
        .collect()
}

/// Filters of the report lists, as typed in the query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListForm {
    pub strategy: String,
    pub activity_type: String,
    pub from: String,
    pub to: String,
    pub region: String,
    pub library: String,
}

impl ListForm {
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        let slot = match key {
            "strategy" => &mut self.strategy,
            "activity_type" => &mut self.activity_type,
            "from" => &mut self.from,
            "to" => &mut self.to,
            "region" => &mut self.region,
            "library" => &mut self.library,
            _ => return false,
        };
        *slot = value.to_string();
        true
    }

    /// The filters as `key=value` pairs (for links that keep them).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("strategy", self.strategy.clone()),
            ("activity_type", self.activity_type.clone()),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
            ("region", self.region.clone()),
            ("library", self.library.clone()),
        ]
    }
}

/// Checked filters. Reach is applied separately by the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub strategy: Option<Strategy>,
    pub kind: Option<ActivityKind>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only this region's subtree.
    pub region: Option<RegionCode>,
    pub library: Option<LibraryId>,
}

fn optional_choice<T>(
    s: &str,
    parse: fn(&str) -> Result<T, Problem>,
) -> Result<Option<T>, Problem> {
    optional(s).map(parse).transpose()
}

impl ListFilter {
    pub fn parse(f: &ListForm) -> Result<ListFilter, Invalid> {
        let mut c = Collector::default();
        let any_date = |s: &str| -> Result<Option<NaiveDate>, Problem> {
            optional(s)
                .map(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| Problem::BadDate))
                .transpose()
        };
        let strategy = c.take("strategy", optional_choice(&f.strategy, Strategy::parse));
        let kind = c.take(
            "activity_type",
            optional_choice(&f.activity_type, ActivityKind::parse),
        );
        let from = c.take("from", any_date(&f.from));
        let to = c.take("to", any_date(&f.to));
        if let (Some(Some(a)), Some(Some(b))) = (from, to)
            && b < a
        {
            c.errors.push("to", Problem::EndBeforeStart);
        }
        let region = c.take(
            "region",
            optional(&f.region).map(RegionCode::parse).transpose(),
        );
        let library = c.take(
            "library",
            optional(&f.library).map(LibraryId::parse).transpose(),
        );
        let out = (|| {
            Some(ListFilter {
                strategy: strategy?,
                kind: kind?,
                from: from?,
                to: to?,
                region: region?,
                library: library?,
            })
        })();
        match out {
            Some(v) if c.errors.is_empty() => Ok(v),
            _ => Err(c.errors),
        }
    }
}

// ----------------------------------------------------------------- advocacy

choice_enum!(
    /// What advocacy achieved. Support is split by institution so the
    /// programme can count "support from PKK, Posyandu, Puskesmas and Karang
    /// Taruna" without reading free text.
    AdvocacyKind {
        Mou = "mou",
        Perdes = "perdes",
        Apbdes = "apbdes",
        SupportPkk = "dukungan_pkk",
        SupportPosyandu = "dukungan_posyandu",
        SupportPuskesmas = "dukungan_puskesmas",
        SupportKarangTaruna = "dukungan_karang_taruna",
        SupportOther = "dukungan_lainnya",
    }
);

impl AdvocacyKind {
    pub fn is_support(self) -> bool {
        matches!(
            self,
            AdvocacyKind::SupportPkk
                | AdvocacyKind::SupportPosyandu
                | AdvocacyKind::SupportPuskesmas
                | AdvocacyKind::SupportKarangTaruna
                | AdvocacyKind::SupportOther
        )
    }
}

/// The largest amount one outcome may record: Rp 1 trillion is more than
/// any village budget, so anything above is a typo.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// An outcome as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdvocacyForm {
    pub advocacy_kind: String,
    pub title: String,
    pub partner: String,
    pub signed_on: String,
    pub budget_year: String,
    pub amount: String,
    pub description: String,
}

impl AdvocacyForm {
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        let slot = match key {
            "advocacy_kind" => &mut self.advocacy_kind,
            "title" => &mut self.title,
            "partner" => &mut self.partner,
            "signed_on" => &mut self.signed_on,
            "budget_year" => &mut self.budget_year,
            "amount" => &mut self.amount,
            "description" => &mut self.description,
            _ => return false,
        };
        *slot = value.to_string();
        true
    }
}

/// A checked outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdvocacyDraft {
    pub kind: AdvocacyKind,
    pub title: String,
    pub partner: Option<String>,
    /// Signed, enacted or given on.
    pub signed_on: Option<NaiveDate>,
    pub budget_year: Option<i32>,
    /// Rupiah, whole.
    pub amount: Option<i64>,
    pub description: Option<String>,
}

/// Rupiah as people write them: "Rp 25.000.000", "25000000", "25.000.000,00".
/// Dots group thousands (the Indonesian way); a comma starts cents, which
/// must be zero.
pub fn parse_rupiah(s: &str) -> Result<Option<i64>, Problem> {
    let Some(t) = optional(s) else {
        return Ok(None);
    };
    let lower = t.to_lowercase();
    let t = lower
        .trim_start_matches("rp")
        .trim()
        .trim_start_matches('.');
    let (whole, cents) = match t.split_once(',') {
        Some((w, c)) => (w, Some(c)),
        None => (t, None),
    };
    if let Some(c) = cents
        && (c.is_empty() || !c.chars().all(|ch| ch == '0'))
    {
        return Err(Problem::NotAWholeNumber);
    }
    let digits: String = whole.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(Problem::NotANumber);
    }
    let n: i64 = digits.parse().map_err(|_| Problem::OutOfRange {
        min: 1,
        max: MAX_AMOUNT,
    })?;
    if !(1..=MAX_AMOUNT).contains(&n) {
        return Err(Problem::OutOfRange {
            min: 1,
            max: MAX_AMOUNT,
        });
    }
    Ok(Some(n))
}

/// "25.000.000": rupiah with Indonesian thousands dots.
pub fn format_rupiah(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

impl AdvocacyDraft {
    pub fn parse(f: &AdvocacyForm, today: NaiveDate) -> Result<AdvocacyDraft, Invalid> {
        let mut c = Collector::default();
        let kind = c.take(
            "advocacy_kind",
            choice(&f.advocacy_kind, AdvocacyKind::parse),
        );
        let apbdes = kind == Some(AdvocacyKind::Apbdes);
        let budget_year = c
            .take(
                "budget_year",
                optional_int(&f.budget_year, 2000, i64::from(today.year()) + 1),
            )
            .map(|y| y.map(|y| y as i32));
        if apbdes && budget_year == Some(None) {
            c.errors.push("budget_year", Problem::Required);
        }
        let amount = c.take("amount", parse_rupiah(&f.amount));
        if apbdes && amount == Some(None) {
            c.errors.push("amount", Problem::Required);
        }
        // An allocation is named by its year; everything else needs a title.
        let title = if apbdes && optional(&f.title).is_none() {
            budget_year
                .flatten()
                .map(|y| format!("Alokasi APBDes {y} untuk perpustakaan desa"))
        } else {
            c.take("title", required_text(&f.title, 200))
        };
        let partner = c.take(
            "partner",
            if kind == Some(AdvocacyKind::Mou) {
                required_text(&f.partner, 200).map(Some)
            } else {
                optional_text(&f.partner, 200)
            },
        );
        let earliest = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or(today);
        let signed_on = c.take("signed_on", date_in(&f.signed_on, earliest, today));
        let description = c.take("description", optional_text(&f.description, 4000));
        let draft = (|| {
            Some(AdvocacyDraft {
                kind: kind?,
                title: title?,
                partner: partner?,
                signed_on: signed_on?,
                budget_year: budget_year?,
                amount: amount?,
                description: description?,
            })
        })();
        match draft {
            Some(d) if c.errors.is_empty() => Ok(d),
            _ => Err(c.errors),
        }
    }

    pub fn to_form(&self) -> AdvocacyForm {
        AdvocacyForm {
            advocacy_kind: self.kind.key().into(),
            title: self.title.clone(),
            partner: self.partner.clone().unwrap_or_default(),
            signed_on: self.signed_on.map(|d| d.to_string()).unwrap_or_default(),
            budget_year: self.budget_year.map(|y| y.to_string()).unwrap_or_default(),
            amount: self.amount.map(|a| a.to_string()).unwrap_or_default(),
            description: self.description.clone().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn form() -> ActivityForm {
        let mut f = ActivityForm::from_pairs([
            ("held_on", "2024-09-14"),
            ("strategy", "pelibatan_masyarakat"),
            ("activity_type", "pelatihan_keterampilan"),
            ("title", "Pelatihan membuat keripik singkong"),
        ]);
        f.set("p_l_dewasa", "4");
        f.set("p_p_dewasa", "11");
        f.set("p_p_lansia", "2");
        f.set("d_p_dewasa", "1");
        f
    }

    #[test]
    fn a_report_parses_with_its_grid() {
        let r = ActivityDraft::parse(&form(), d(2024, 9, 20)).unwrap();
        assert_eq!(r.kind, ActivityKind::PelatihanKeterampilan);
        assert_eq!(r.strategy, Strategy::PelibatanMasyarakat);
        let p = r.participants;
        assert_eq!(p.total(), 17);
        assert_eq!(p.by_gender(Gender::L), 4);
        assert_eq!(p.by_gender(Gender::P), 13);
        assert_eq!(p.by_age(AgeGroup::Dewasa), 15);
        assert_eq!(p.by_age(AgeGroup::Lansia), 2);
        assert_eq!(p.with_disability(), 1);
        // Disjoint cells: 11 women adults = 10 without + 1 with a disability.
        assert_eq!(p.get(Gender::P, AgeGroup::Dewasa, false), 10);
        assert_eq!(p.get(Gender::P, AgeGroup::Dewasa, true), 1);
        assert_eq!(p.cells().len(), 4);
        // The form shows "everyone" and "of whom" again.
        let back = r.to_form();
        assert_eq!(back.counts[1][2], "11");
        assert_eq!(back.disabled[1][2], "1");
        assert_eq!(back.counts[0][0], "");
        assert_eq!(ActivityDraft::parse(&back, d(2024, 9, 20)).unwrap(), r);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut f = ActivityForm::default();
        f.set("held_on", "2024-13-01");
        f.set("strategy", "menari");
        f.set("p_l_anak", "-1");
        f.set("p_p_anak", "dua");
        f.set("d_l_remaja", "3");
        let e = ActivityDraft::parse(&f, d(2024, 9, 20)).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "held_on",
                "strategy",
                "activity_type",
                "title",
                "p_l_anak",
                "d_l_remaja",
                "p_p_anak"
            ]
        );
        assert_eq!(
            e.for_field("d_l_remaja").unwrap().problem,
            Problem::OutOfRange { min: 0, max: 0 }
        );
        assert_eq!(
            e.for_field("p_p_anak").unwrap().problem,
            Problem::NotANumber
        );
    }

    #[test]
    fn nobody_came_is_not_a_report() {
        let mut f = form();
        for g in 0..2 {
            for a in 0..4 {
                f.counts[g][a].clear();
                f.disabled[g][a].clear();
            }
        }
        let e = ActivityDraft::parse(&f, d(2024, 9, 20)).unwrap_err();
        assert_eq!(
            e.for_field("participants").unwrap().problem,
            Problem::Required
        );
    }

    #[test]
    fn dates_are_past_and_recent() {
        let today = d(2024, 9, 20);
        let mut f = form();
        f.held_on = "2024-09-21".into();
        let e = ActivityDraft::parse(&f, today).unwrap_err();
        assert_eq!(
            e.for_field("held_on").unwrap().problem,
            Problem::DateOutOfRange {
                earliest: d(2019, 1, 1),
                latest: today
            }
        );
        f.held_on = String::new();
        let e = ActivityDraft::parse(&f, today).unwrap_err();
        assert_eq!(e.for_field("held_on").unwrap().problem, Problem::Required);
        f.held_on = "2019-01-01".into();
        assert!(ActivityDraft::parse(&f, today).is_ok());
    }

    #[test]
    fn marking_done_needs_a_plan_activity() {
        let mut f = form();
        f.workplan_activity_done = "on".into();
        let e = ActivityDraft::parse(&f, d(2024, 9, 20)).unwrap_err();
        assert_eq!(
            e.for_field("workplan_activity_id").unwrap().problem,
            Problem::Required
        );
        f.workplan_activity_id = "0192f0c4-5a5e-7cc0-8000-000000000001".into();
        let r = ActivityDraft::parse(&f, d(2024, 9, 20)).unwrap();
        assert!(r.mark_done);
        f.workplan_activity_id = "kegiatan-1".into();
        let e = ActivityDraft::parse(&f, d(2024, 9, 20)).unwrap_err();
        assert_eq!(
            e.for_field("workplan_activity_id").unwrap().problem,
            Problem::BadId
        );
    }

    #[test]
    fn participants_merge_and_read_stored_rows() {
        let r = ActivityDraft::parse(&form(), d(2024, 9, 20)).unwrap();
        let mut sum = Participants::default();
        sum.merge(&r.participants);
        sum.merge(&r.participants);
        assert_eq!(sum.total(), 34);
        assert!(sum.add_stored("L", "anak", true, 2));
        assert!(!sum.add_stored("X", "anak", true, 2));
        assert_eq!(sum.disabled_by_gender(Gender::L), 2);
    }

    #[test]
    fn months_without_reports_are_this_and_last() {
        let today = d(2024, 1, 15);
        assert_eq!(
            months_without_reports(today, &[]),
            vec![d(2023, 12, 1), d(2024, 1, 1)]
        );
        assert_eq!(
            months_without_reports(today, &[d(2023, 12, 31)]),
            vec![d(2024, 1, 1)]
        );
        assert!(months_without_reports(today, &[d(2023, 12, 2), d(2024, 1, 3)]).is_empty());
    }

    #[test]
    fn list_filters() {
        let mut f = ListForm::default();
        assert_eq!(ListFilter::parse(&f).unwrap(), ListFilter::default());
        f.set("strategy", "advokasi");
        f.set("from", "2024-02-01");
        f.set("to", "2024-01-01");
        f.set("region", "35.20");
        let e = ListFilter::parse(&f).unwrap_err();
        assert_eq!(e.for_field("to").unwrap().problem, Problem::EndBeforeStart);
        f.to = "2024-03-01".into();
        let ok = ListFilter::parse(&f).unwrap();
        assert_eq!(ok.strategy, Some(Strategy::Advokasi));
        assert_eq!(ok.region.unwrap().as_str(), "3520");
    }

    #[test]
    fn whole_and_cut_off_images() {
        // A minimal JPEG: SOI, an APP0 segment, a scan with a stuffed FF 00
        // and a restart marker in its data, EOI — then a phone's trailer.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46];
        jpeg.extend([
            0xFF, 0xDA, 0x00, 0x03, 0x01, 0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56,
        ]);
        jpeg.extend([0xFF, 0xD9]);
        assert!(image_is_whole(&jpeg));
        let mut trailer = jpeg.clone();
        trailer.extend(b"SEFT trailer");
        assert!(image_is_whole(&trailer));
        for cut in 3..jpeg.len() - 1 {
            assert!(!image_is_whole(&jpeg[..cut]), "cut at {cut}");
        }
        // An EOI inside the EXIF block (a thumbnail) does not count.
        let mut exif = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xD9, 0x00, 0x00];
        exif.extend([0xFF, 0xDA, 0x00, 0x02, 0x11, 0x22]);
        assert!(!image_is_whole(&exif));
        exif.extend([0xFF, 0xD9]);
        assert!(image_is_whole(&exif));

        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend([0, 0, 0, 1]);
        png.extend(b"IDAT");
        png.extend([7, 0, 0, 0, 0]);
        png.extend([0, 0, 0, 0]);
        png.extend(b"IEND");
        png.extend([0xAE, 0x42, 0x60, 0x82]);
        assert!(image_is_whole(&png));
        assert!(!image_is_whole(&png[..png.len() - 5]));
        assert!(!image_is_whole(&png[..20]));

        let mut webp = b"RIFF".to_vec();
        webp.extend(8u32.to_le_bytes());
        webp.extend(b"WEBPVP8 ");
        assert!(image_is_whole(&webp));
        assert!(!image_is_whole(&webp[..14]));
        assert!(image_is_whole(b"%PDF-1.4"), "not an image: not judged here");
    }

    #[test]
    fn strategies_are_the_work_plans_kinds() {
        // A report names the strategy its plan was written for: one set of keys.
        use crate::workplans::PlanKind;
        assert_eq!(Strategy::ALL.len(), PlanKind::ALL.len());
        for s in Strategy::ALL {
            assert!(PlanKind::parse(s.key()).is_ok(), "{s}");
        }
    }

    #[test]
    fn rupiah() {
        assert_eq!(parse_rupiah("Rp 25.000.000"), Ok(Some(25_000_000)));
        assert_eq!(parse_rupiah("25000000"), Ok(Some(25_000_000)));
        assert_eq!(parse_rupiah("rp25.000.000,00"), Ok(Some(25_000_000)));
        assert_eq!(parse_rupiah(""), Ok(None));
        assert_eq!(parse_rupiah("25.000,50"), Err(Problem::NotAWholeNumber));
        assert_eq!(parse_rupiah("dua juta"), Err(Problem::NotANumber));
        assert!(matches!(parse_rupiah("0"), Err(Problem::OutOfRange { .. })));
        assert!(matches!(
            parse_rupiah("99999999999999999999"),
            Err(Problem::OutOfRange { .. })
        ));
        assert_eq!(format_rupiah(25_000_000), "25.000.000");
        assert_eq!(format_rupiah(999), "999");
        assert_eq!(format_rupiah(1_000), "1.000");
    }

    #[test]
    fn advocacy_outcomes_by_kind() {
        let today = d(2024, 9, 20);
        let apbdes = AdvocacyForm {
            advocacy_kind: "apbdes".into(),
            budget_year: "2024".into(),
            amount: "Rp 15.000.000".into(),
            ..Default::default()
        };
        let a = AdvocacyDraft::parse(&apbdes, today).unwrap();
        assert_eq!(a.amount, Some(15_000_000));
        assert_eq!(a.title, "Alokasi APBDes 2024 untuk perpustakaan desa");
        assert_eq!(AdvocacyDraft::parse(&a.to_form(), today).unwrap(), a);

        let e = AdvocacyDraft::parse(
            &AdvocacyForm {
                advocacy_kind: "apbdes".into(),
                ..Default::default()
            },
            today,
        )
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["budget_year", "amount"]);

        let e = AdvocacyDraft::parse(
            &AdvocacyForm {
                advocacy_kind: "mou".into(),
                title: "Kerja sama layanan baca".into(),
                signed_on: "2030-01-01".into(),
                ..Default::default()
            },
            today,
        )
        .unwrap_err();
        assert_eq!(e.for_field("partner").unwrap().problem, Problem::Required);
        assert!(matches!(
            e.for_field("signed_on").unwrap().problem,
            Problem::DateOutOfRange { .. }
        ));
        assert!(AdvocacyKind::SupportPuskesmas.is_support());
        assert!(!AdvocacyKind::Perdes.is_support());
        let e = AdvocacyDraft::parse(&AdvocacyForm::default(), today).unwrap_err();
        assert_eq!(
            e.for_field("advocacy_kind").unwrap().problem,
            Problem::Required
        );
    }
}

//! The three work plans after a Bimtek: potential map, goals, activities, review workflow and progress.
//!
//! Domain types and rules only: no I/O.
//!
//! A library writes one plan of each [`PlanKind`] per year. A plan moves
//! draft → submitted → (revision requested → submitted)* → approved
//! ([`next_status`]); only the library's own manager and staff write it
//! ([`may_edit`]), and only the facilitator assigned to the library or the
//! district officer over it review it ([`may_review`]). After approval each
//! activity moves planned → under way → done or cancelled ([`progress_allowed`]).
//!
//! Activity rows travel in forms as `act{n}_{field}` (n from 1, see
//! [`activity_key`]) so an error names the row it belongs to, in the page's
//! error summary and in the API alike.

use crate::field::{Collector, Invalid, Problem, optional, optional_text, required_text};
use crate::ids::LibraryId;
use crate::libraries::choice_enum;
use crate::users::{Actor, Place, Role};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

choice_enum!(
    /// The three strategies of TPBIS, one plan each.
    PlanKind {
        LayananInformasi = "layanan_informasi",
        PelibatanMasyarakat = "pelibatan_masyarakat",
        Advokasi = "advokasi",
    }
);

impl PlanKind {
    /// The strategy's Indonesian name, as plans are titled.
    pub fn name_id(self) -> &'static str {
        match self {
            PlanKind::LayananInformasi => "Peningkatan Layanan Informasi",
            PlanKind::PelibatanMasyarakat => "Pelibatan Masyarakat",
            PlanKind::Advokasi => "Advokasi",
        }
    }

    /// The strategy's English name (notifications carry both languages).
    pub fn name_en(self) -> &'static str {
        match self {
            PlanKind::LayananInformasi => "Better Information Services",
            PlanKind::PelibatanMasyarakat => "Community Engagement",
            PlanKind::Advokasi => "Advocacy",
        }
    }
}

choice_enum!(
    /// Where a plan is in its review.
    PlanStatus {
        Draft = "draft",
        Submitted = "submitted",
        RevisionRequested = "revision_requested",
        Approved = "approved",
    }
);

impl PlanStatus {
    /// The library may change the plan's content only before it is
    /// submitted, or when the reviewers sent it back.
    pub fn editable(self) -> bool {
        matches!(self, PlanStatus::Draft | PlanStatus::RevisionRequested)
    }
}

choice_enum!(
    /// How far one activity of an approved plan has got.
    Progress {
        Planned = "planned",
        UnderWay = "under_way",
        Done = "done",
        Cancelled = "cancelled",
    }
);

choice_enum!(
    /// Where an activity's money comes from.
    BudgetSource {
        Apbdes = "apbdes",
        Swadaya = "swadaya",
        Csr = "csr",
        Other = "other",
    }
);

choice_enum!(
    /// One line of a plan's history (`workplan_reviews.action`).
    ReviewAction {
        Created = "created",
        Copied = "copied",
        Submitted = "submitted",
        Resubmitted = "resubmitted",
        RevisionRequested = "revision_requested",
        // Comment: a reviewer's note on one activity, given with a revision
        // request (or an approval).
        Comment = "comment",
        Approved = "approved",
        Progress = "progress",
    }
);

/// A step of the review workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Submit,
    RequestRevision,
    Approve,
}

/// The status after `step`, or [`Problem::WrongStatus`] when the plan is not
/// in a status that allows it (approving a draft, submitting twice).
pub fn next_status(from: PlanStatus, step: Step) -> Result<PlanStatus, Problem> {
    use PlanStatus::*;
    match (from, step) {
        (Draft | RevisionRequested, Step::Submit) => Ok(Submitted),
        (Submitted, Step::RequestRevision) => Ok(RevisionRequested),
        (Submitted, Step::Approve) => Ok(Approved),
        _ => Err(Problem::WrongStatus),
    }
}

/// Whether an activity may move from `from` to `to`. Progress is reported
/// on approved plans only. Done and cancelled may be reopened (back to under
/// way) to correct a mistake; everything else moves forward.
pub fn progress_allowed(plan: PlanStatus, from: Progress, to: Progress) -> Result<(), Problem> {
    use Progress::*;
    if plan != PlanStatus::Approved {
        return Err(Problem::WrongStatus);
    }
    let ok = match from {
        Planned => matches!(to, UnderWay | Done | Cancelled),
        UnderWay => matches!(to, Done | Cancelled),
        Done | Cancelled => to == UnderWay,
    };
    if ok {
        Ok(())
    } else {
        Err(Problem::WrongStatus)
    }
}

/// May this actor write and submit the plans of `library`? Its own manager
/// and staff only: the plan is the village's commitment.
pub fn may_edit(actor: &Actor, library: LibraryId) -> bool {
    actor.may_work_in(library)
}

/// May this actor review (request a revision, approve) a plan at `place`?
/// The facilitator assigned to the library and the district officer over
/// it. Province and national officers read plans but do not review them.
pub fn may_review(actor: &Actor, place: &Place<'_>) -> bool {
    matches!(actor.role, Role::Facilitator | Role::District) && actor.reaches(place)
}

// ------------------------------------------------------------------ due dates

/// Work plans are due this many days after the Bimtek ends unless the event
/// says otherwise (`events.workplan_due_days` has the same default).
pub const DEFAULT_DUE_DAYS: i32 = 30;

/// The due date of a library that attended no event in the plan's year: a
/// day of that year, configurable by the national administrators
/// (`MM-DD`, by default 30 June).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DefaultDue {
    pub month: u32,
    pub day: u32,
}

impl Default for DefaultDue {
    fn default() -> Self {
        DefaultDue { month: 6, day: 30 }
    }
}

impl DefaultDue {
    /// `MM-DD` (also `M-D`, `DD/MM` is not accepted: it is ambiguous).
    pub fn parse(s: &str) -> Result<DefaultDue, Problem> {
        let t = optional(s).ok_or(Problem::Required)?;
        let (m, d) = t.split_once('-').ok_or(Problem::BadDate)?;
        let month: u32 = m.trim().parse().map_err(|_| Problem::BadDate)?;
        let day: u32 = d.trim().parse().map_err(|_| Problem::BadDate)?;
        // 2024 is a leap year: 29 February is a valid choice, moved to the
        // 28th in other years by `on`.
        NaiveDate::from_ymd_opt(2024, month, day).ok_or(Problem::BadDate)?;
        Ok(DefaultDue { month, day })
    }

    /// The date in `year`.
    pub fn on(self, year: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, self.month, self.day)
            .or_else(|| NaiveDate::from_ymd_opt(year, self.month, 28))
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default())
    }

    pub fn key(self) -> String {
        format!("{:02}-{:02}", self.month, self.day)
    }
}

/// When a library's plans of `year` are due: `due_days` after the end of the
/// Bimtek it attended that year, else the configured default day.
pub fn due_date(bimtek: Option<(NaiveDate, i32)>, default: DefaultDue, year: i32) -> NaiveDate {
    match bimtek {
        Some((ends_on, days)) => ends_on + chrono::Duration::days(i64::from(days.max(0))),
        None => default.on(year),
    }
}

/// A plan is late when it was first submitted after its due date, or is
/// still not submitted and the due date has passed.
pub fn is_late(
    due: Option<NaiveDate>,
    first_submitted: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    match (due, first_submitted) {
        (None, _) => false,
        (Some(due), Some(sub)) => sub > due,
        (Some(due), None) => today > due,
    }
}

// ------------------------------------------------------------------- inputs

/// At most this many activities per plan. A plan is a year's commitment of
/// a village library; thirty is already a lot.
pub const MAX_ACTIVITIES: usize = 30;

/// The fields of one activity row, in form order. `id` is hidden (it keeps
/// an activity's identity across edits, so reports linked to it stay
/// linked); `comment` is a reviewer's note, on the review form only.
pub const ACTIVITY_FIELDS: [&str; 12] = [
    "id",
    "name",
    "target_group",
    "starts_on",
    "ends_on",
    "place",
    "partners",
    "resources",
    "budget",
    "budget_source",
    "targets",
    "comment",
];

macro_rules! activity_keys {
    ($($n:literal)+) => {
        /// `act{n}_{field}` for rows 1..=[`MAX_ACTIVITIES`], as `&'static str`
        /// so they can name fields in [`Invalid`].
        pub const ACTIVITY_KEYS: [[&str; 12]; MAX_ACTIVITIES] = [$([
            concat!("act", $n, "_id"),
            concat!("act", $n, "_name"),
            concat!("act", $n, "_target_group"),
            concat!("act", $n, "_starts_on"),
            concat!("act", $n, "_ends_on"),
            concat!("act", $n, "_place"),
            concat!("act", $n, "_partners"),
            concat!("act", $n, "_resources"),
            concat!("act", $n, "_budget"),
            concat!("act", $n, "_budget_source"),
            concat!("act", $n, "_targets"),
            concat!("act", $n, "_comment"),
        ]),+];
    };
}
activity_keys!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30);

/// The key of `field` in activity row `row` (0-based). Rows past
/// [`MAX_ACTIVITIES`] and unknown fields fall back to `"activities"`.
pub fn activity_key(row: usize, field: &str) -> &'static str {
    match (
        ACTIVITY_KEYS.get(row),
        ACTIVITY_FIELDS.iter().position(|f| *f == field),
    ) {
        (Some(keys), Some(i)) => keys[i],
        _ => "activities",
    }
}

/// `"act3_starts_on"` → `(2, "starts_on")`: the 0-based row and the field.
pub fn split_activity_key(key: &str) -> Option<(usize, &'static str)> {
    let rest = key.strip_prefix("act")?;
    let (n, field) = rest.split_once('_')?;
    let n: usize = n.parse().ok()?;
    if n == 0 || n > MAX_ACTIVITIES || n.to_string().len() != rest.find('_')? {
        return None;
    }
    let f = ACTIVITY_FIELDS.iter().find(|f| **f == field)?;
    Some((n - 1, *f))
}

/// One activity row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityForm {
    pub id: String,
    pub name: String,
    pub target_group: String,
    pub starts_on: String,
    pub ends_on: String,
    pub place: String,
    pub partners: String,
    pub resources: String,
    pub budget: String,
    pub budget_source: String,
    pub targets: String,
}

impl ActivityForm {
    fn slot(&mut self, field: &str) -> Option<&mut String> {
        Some(match field {
            "id" => &mut self.id,
            "name" => &mut self.name,
            "target_group" => &mut self.target_group,
            "starts_on" => &mut self.starts_on,
            "ends_on" => &mut self.ends_on,
            "place" => &mut self.place,
            "partners" => &mut self.partners,
            "resources" => &mut self.resources,
            "budget" => &mut self.budget,
            "budget_source" => &mut self.budget_source,
            "targets" => &mut self.targets,
            _ => return None,
        })
    }

    /// Sets a field by its key; `false` for keys the row does not have.
    pub fn set(&mut self, field: &str, value: &str) -> bool {
        match self.slot(field) {
            Some(s) => {
                value.clone_into(s);
                true
            }
            None => false,
        }
    }

    /// A row with nothing typed in it (the spare row at the end of the
    /// form) is skipped, not an error.
    pub fn is_blank(&self) -> bool {
        [
            &self.name,
            &self.target_group,
            &self.starts_on,
            &self.ends_on,
            &self.place,
            &self.partners,
            &self.resources,
            &self.budget,
            &self.budget_source,
            &self.targets,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }
}

/// A plan's content as typed: the potential map, the goals and the
/// activity rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkplanForm {
    pub plan_title: String,
    pub potential_people: String,
    pub potential_nature: String,
    pub potential_institutions: String,
    pub potential_economy: String,
    pub goals: String,
    pub activities: Vec<ActivityForm>,
}

/// The plan's own (non-row) field keys, in form order.
pub const PLAN_FIELDS: [&str; 6] = [
    "plan_title",
    "potential_people",
    "potential_nature",
    "potential_institutions",
    "potential_economy",
    "goals",
];

impl WorkplanForm {
    /// Sets a plan field or an `act{n}_{field}` by key; other keys (csrf,
    /// buttons) are ignored and reported `false`.
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        let slot = match key {
            "plan_title" => &mut self.plan_title,
            "potential_people" => &mut self.potential_people,
            "potential_nature" => &mut self.potential_nature,
            "potential_institutions" => &mut self.potential_institutions,
            "potential_economy" => &mut self.potential_economy,
            "goals" => &mut self.goals,
            _ => {
                let Some((row, field)) = split_activity_key(key) else {
                    return false;
                };
                if self.activities.len() <= row {
                    self.activities.resize_with(row + 1, ActivityForm::default);
                }
                return self.activities[row].set(field, value);
            }
        };
        value.clone_into(slot);
        true
    }

    /// Builds the form from posted pairs. Rows come back in their numbered
    /// order; a row number with no fields at all leaves a blank row, which
    /// parsing skips.
    pub fn from_pairs(pairs: &[(String, String)]) -> WorkplanForm {
        let mut f = WorkplanForm::default();
        for (k, v) in pairs {
            f.set(k, v);
        }
        f
    }
}

/// One activity, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ActivityDraft {
    /// The stored activity this row edits, as the form claims it; the store
    /// checks it belongs to the plan.
    #[serde(skip)]
    pub id: Option<String>,
    pub name: String,
    pub target_group: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub place: Option<String>,
    pub partners: Option<String>,
    pub resources: Option<String>,
    /// Rupiah, whole.
    pub budget: Option<i64>,
    pub budget_source: Option<BudgetSource>,
    /// Measurable targets ("30 peserta, 10 di antaranya perempuan").
    pub targets: Option<String>,
}

impl ActivityDraft {
    pub fn to_form(&self, id: &str) -> ActivityForm {
        let t = |v: &Option<String>| v.clone().unwrap_or_default();
        let d = |v: &Option<NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
        ActivityForm {
            id: id.to_string(),
            name: self.name.clone(),
            target_group: t(&self.target_group),
            starts_on: d(&self.starts_on),
            ends_on: d(&self.ends_on),
            place: t(&self.place),
            partners: t(&self.partners),
            resources: t(&self.resources),
            budget: self.budget.map(|b| b.to_string()).unwrap_or_default(),
            budget_source: self
                .budget_source
                .map(|s| s.key().to_string())
                .unwrap_or_default(),
            targets: t(&self.targets),
        }
    }
}

/// The map of local potential the plan starts from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Potential {
    /// People: figures, skills, groups (PKK, Karang Taruna, …).
    pub people: Option<String>,
    /// Natural resources.
    pub nature: Option<String>,
    /// Institutions: schools, Posyandu, Puskesmas, religious bodies, BUMDes.
    pub institutions: Option<String>,
    /// Economy: farming, crafts, small businesses.
    pub economy: Option<String>,
}

impl Potential {
    pub fn is_empty(&self) -> bool {
        self.people.is_none()
            && self.nature.is_none()
            && self.institutions.is_none()
            && self.economy.is_none()
    }
}

/// A plan's content, parsed. Drafts may be incomplete: what a submission
/// needs is checked by [`check_complete`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WorkplanDraft {
    pub title: String,
    pub potential: Potential,
    pub goals: Option<String>,
    pub activities: Vec<ActivityDraft>,
}

pub const LONG_TEXT: usize = 4000;
pub const COMMENT_MAX: usize = 2000;

/// "Rencana Kerja Advokasi 2026".
pub fn default_title(kind: PlanKind, year: i32) -> String {
    format!("Rencana Kerja {} {year}", kind.name_id())
}

/// A date as typed: `2026-03-15` (what a date picker sends) or the
/// Indonesian `15-03-2026` / `15/03/2026`.
pub fn parse_date(s: &str) -> Result<Option<NaiveDate>, Problem> {
    let Some(t) = optional(s) else {
        return Ok(None);
    };
    ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
        .map(Some)
        .ok_or(Problem::BadDate)
}

/// The largest budget one activity can carry: ten trillion rupiah, far
/// beyond any village budget, but it keeps sums well inside `i64`.
pub const MAX_BUDGET: i64 = 10_000_000_000_000;

/// Rupiah as typed: `1500000`, `1.500.000`, `Rp 1.500.000,00`, `Rp1,500,000`.
/// Sen are not kept; a non-zero sen part is refused as not whole.
pub fn parse_rupiah(s: &str) -> Result<Option<i64>, Problem> {
    let Some(t) = optional(s) else {
        return Ok(None);
    };
    let t = t
        .trim_start_matches(['R', 'r'])
        .trim_start_matches(['p', 'P', '.'])
        .trim();
    let mut digits: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    // A trailing ",00" / ".00" (sen) after thousands separators.
    for sep in [',', '.'] {
        if let Some((whole, sen)) = digits.rsplit_once(sep)
            && (1..=2).contains(&sen.len())
            && sen.bytes().all(|b| b.is_ascii_digit())
        {
            if sen.bytes().any(|b| b != b'0') {
                return Err(Problem::NotAWholeNumber);
            }
            digits = whole.to_string();
            break;
        }
    }
    let cleaned: String = digits.chars().filter(|c| *c != '.' && *c != ',').collect();
    if cleaned.is_empty() || !cleaned.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::NotANumber);
    }
    let n: i64 = cleaned.parse().map_err(|_| Problem::OutOfRange {
        min: 0,
        max: MAX_BUDGET,
    })?;
    if n > MAX_BUDGET {
        return Err(Problem::OutOfRange {
            min: 0,
            max: MAX_BUDGET,
        });
    }
    Ok(Some(n))
}

impl WorkplanDraft {
    /// Parses a plan's content. Collects every problem, with row fields
    /// named `act{n}_{field}` after the row's place in the form.
    ///
    /// Activity dates must fall in the plan's year or the next (a plan made
    /// late in the year runs into the following one).
    pub fn parse(f: &WorkplanForm, kind: PlanKind, year: i32) -> Result<WorkplanDraft, Invalid> {
        let mut c = Collector::default();
        let title = c.take("plan_title", optional_text(&f.plan_title, 200));
        let people = c.take(
            "potential_people",
            optional_text(&f.potential_people, LONG_TEXT),
        );
        let nature = c.take(
            "potential_nature",
            optional_text(&f.potential_nature, LONG_TEXT),
        );
        let institutions = c.take(
            "potential_institutions",
            optional_text(&f.potential_institutions, LONG_TEXT),
        );
        let economy = c.take(
            "potential_economy",
            optional_text(&f.potential_economy, LONG_TEXT),
        );
        let goals = c.take("goals", optional_text(&f.goals, LONG_TEXT));
        let rows: Vec<(usize, &ActivityForm)> = f
            .activities
            .iter()
            .enumerate()
            .filter(|(_, a)| !a.is_blank())
            .collect();
        if rows.len() > MAX_ACTIVITIES || f.activities.len() > MAX_ACTIVITIES + 1 {
            c.errors.push(
                "activities",
                Problem::OutOfRange {
                    min: 0,
                    max: MAX_ACTIVITIES as i64,
                },
            );
        }
        let earliest = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
        let latest = NaiveDate::from_ymd_opt(year + 1, 12, 31).unwrap_or_default();
        let in_window = |d: Option<NaiveDate>| match d {
            Some(d) if d < earliest || d > latest => {
                Err(Problem::DateOutOfRange { earliest, latest })
            }
            _ => Ok(d),
        };
        let mut activities = Vec::new();
        for (row, a) in rows.into_iter().take(MAX_ACTIVITIES) {
            let k = |field: &str| activity_key(row, field);
            let name = c.take(k("name"), required_text(&a.name, 200));
            let target_group = c.take(k("target_group"), optional_text(&a.target_group, 300));
            let starts_on = c.take(k("starts_on"), parse_date(&a.starts_on).and_then(in_window));
            let ends_on = c.take(k("ends_on"), parse_date(&a.ends_on).and_then(in_window));
            if let (Some(Some(s)), Some(Some(e))) = (starts_on, ends_on)
                && e < s
            {
                c.errors.push(k("ends_on"), Problem::EndBeforeStart);
            }
            let place = c.take(k("place"), optional_text(&a.place, 200));
            let partners = c.take(k("partners"), optional_text(&a.partners, 500));
            let resources = c.take(k("resources"), optional_text(&a.resources, 1000));
            let budget = c.take(k("budget"), parse_rupiah(&a.budget));
            let budget_source = c.take(
                k("budget_source"),
                match optional(&a.budget_source) {
                    None => Ok(None),
                    Some(s) => BudgetSource::parse(s).map(Some),
                },
            );
            // Money with no source cannot be checked against the APBDes.
            if let (Some(Some(b)), Some(None)) = (budget, budget_source)
                && b > 0
            {
                c.errors.push(k("budget_source"), Problem::Required);
            }
            let targets = c.take(k("targets"), optional_text(&a.targets, 1000));
            let id = optional(&a.id).map(str::to_string);
            if let Some(d) = (|| {
                Some(ActivityDraft {
                    id,
                    name: name?,
                    target_group: target_group?,
                    starts_on: starts_on?,
                    ends_on: ends_on?,
                    place: place?,
                    partners: partners?,
                    resources: resources?,
                    budget: budget?,
                    budget_source: budget_source?,
                    targets: targets?,
                })
            })() {
                activities.push(d);
            }
        }
        let draft = (|| {
            Some(WorkplanDraft {
                title: title?.unwrap_or_else(|| default_title(kind, year)),
                potential: Potential {
                    people: people?,
                    nature: nature?,
                    institutions: institutions?,
                    economy: economy?,
                },
                goals: goals?,
                activities,
            })
        })();
        match draft {
            Some(d) if c.errors.is_empty() => Ok(d),
            _ => Err(c.errors),
        }
    }

    /// The form that shows this content for editing; `ids` are the stored
    /// activities' ids in order.
    pub fn to_form(&self, ids: &[String]) -> WorkplanForm {
        let t = |v: &Option<String>| v.clone().unwrap_or_default();
        WorkplanForm {
            plan_title: self.title.clone(),
            potential_people: t(&self.potential.people),
            potential_nature: t(&self.potential.nature),
            potential_institutions: t(&self.potential.institutions),
            potential_economy: t(&self.potential.economy),
            goals: t(&self.goals),
            activities: self
                .activities
                .iter()
                .enumerate()
                .map(|(i, a)| a.to_form(ids.get(i).map(String::as_str).unwrap_or("")))
                .collect(),
        }
    }

    /// Total budget of all activities, in rupiah.
    pub fn budget_total(&self) -> i64 {
        self.activities.iter().filter_map(|a| a.budget).sum()
    }

    /// The content of a new plan copied from last year's: the same map,
    /// goals and activities, one year later (dates moved by a year; the
    /// store resets progress to planned). A title that named the old year
    /// names the new one.
    pub fn copied_to(&self, from_year: i32, to_year: i32) -> WorkplanDraft {
        let shift = |d: Option<NaiveDate>| {
            d.map(|d| {
                let y = d.year() + (to_year - from_year);
                d.with_year(y)
                    .or_else(|| NaiveDate::from_ymd_opt(y, d.month(), 28))
                    .unwrap_or(d)
            })
        };
        WorkplanDraft {
            title: self
                .title
                .replace(&from_year.to_string(), &to_year.to_string()),
            potential: self.potential.clone(),
            goals: self.goals.clone(),
            activities: self
                .activities
                .iter()
                .map(|a| ActivityDraft {
                    id: None,
                    starts_on: shift(a.starts_on),
                    ends_on: shift(a.ends_on),
                    ..a.clone()
                })
                .collect(),
        }
    }
}

/// What a plan needs before it can be submitted: some of the potential map,
/// goals, and at least one activity with its target group, dates and
/// measurable targets. Every gap is named, so the library fixes all at once.
pub fn check_complete(d: &WorkplanDraft) -> Result<(), Invalid> {
    let mut e = Invalid::default();
    if d.potential.is_empty() {
        e.push("potential_people", Problem::Required);
    }
    if d.goals.is_none() {
        e.push("goals", Problem::Required);
    }
    if d.activities.is_empty() {
        e.push("activities", Problem::Required);
    }
    for (row, a) in d.activities.iter().enumerate() {
        if a.target_group.is_none() {
            e.push(activity_key(row, "target_group"), Problem::Required);
        }
        if a.starts_on.is_none() {
            e.push(activity_key(row, "starts_on"), Problem::Required);
        }
        if a.ends_on.is_none() {
            e.push(activity_key(row, "ends_on"), Problem::Required);
        }
        if a.targets.is_none() {
            e.push(activity_key(row, "targets"), Problem::Required);
        }
    }
    e.finish(())
}

// ------------------------------------------------------------ new plans

/// The "new plan" form: which strategy, which year, and whether to start
/// from last year's plan of the same strategy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewPlanForm {
    pub plan_kind: String,
    pub plan_year: String,
    pub copy_last_year: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewPlan {
    pub kind: PlanKind,
    pub year: i32,
    pub copy_last_year: bool,
}

/// The first program year plans can be written for.
pub const FIRST_YEAR: i32 = 2018;

impl NewPlan {
    /// `this_year` bounds the year: plans are written for this year or the
    /// next, and past years can be filled in afterwards.
    pub fn parse(f: &NewPlanForm, this_year: i32) -> Result<NewPlan, Invalid> {
        let mut c = Collector::default();
        let kind = c.take(
            "plan_kind",
            required_text(&f.plan_kind, 40).and_then(|k| PlanKind::parse(&k)),
        );
        let year = c.take(
            "plan_year",
            crate::field::optional_int(
                &f.plan_year,
                i64::from(FIRST_YEAR),
                i64::from(this_year) + 1,
            )
            .and_then(|y| y.ok_or(Problem::Required)),
        );
        let copy = c.take("copy_last_year", crate::field::flag(&f.copy_last_year));
        match (kind, year, copy) {
            (Some(kind), Some(year), Some(copy_last_year)) if c.errors.is_empty() => Ok(NewPlan {
                kind,
                year: year as i32,
                copy_last_year,
            }),
            _ => Err(c.errors),
        }
    }
}

// ------------------------------------------------------------------ reviews

/// The review form as typed: the decision, a comment on the whole plan and
/// comments on single activities (by their row, 0-based).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewForm {
    pub decision: String,
    pub review_comment: String,
    pub activity_comments: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    RequestRevision,
}

impl Decision {
    pub fn parse(s: &str) -> Result<Decision, Problem> {
        match s.trim() {
            "" => Err(Problem::Required),
            "approve" => Ok(Decision::Approve),
            "request_revision" => Ok(Decision::RequestRevision),
            _ => Err(Problem::UnknownChoice),
        }
    }
    pub fn step(self) -> Step {
        match self {
            Decision::Approve => Step::Approve,
            Decision::RequestRevision => Step::RequestRevision,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewDraft {
    pub decision: Decision,
    pub comment: Option<String>,
    /// (row, comment) for the activities commented on.
    pub activity_comments: Vec<(usize, String)>,
}

impl ReviewDraft {
    /// A revision request must say what to revise: a comment on the plan or
    /// on at least one activity.
    pub fn parse(f: &ReviewForm) -> Result<ReviewDraft, Invalid> {
        let mut c = Collector::default();
        let decision = c.take("decision", Decision::parse(&f.decision));
        let comment = c.take(
            "review_comment",
            optional_text(&f.review_comment, COMMENT_MAX),
        );
        let mut activity_comments = Vec::new();
        for (row, text) in f.activity_comments.iter().enumerate() {
            if let Some(Some(t)) = c.take(
                activity_key(row, "comment"),
                optional_text(text, COMMENT_MAX),
            ) {
                activity_comments.push((row, t));
            }
        }
        if decision == Some(Decision::RequestRevision)
            && comment == Some(None)
            && activity_comments.is_empty()
            && c.errors.is_empty()
        {
            c.errors.push("review_comment", Problem::Required);
        }
        match (decision, comment) {
            (Some(decision), Some(comment)) if c.errors.is_empty() => Ok(ReviewDraft {
                decision,
                comment,
                activity_comments,
            }),
            _ => Err(c.errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;
    use crate::regions::RegionCode;
    use crate::users::Home;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn row(name: &str) -> ActivityForm {
        ActivityForm {
            name: name.into(),
            target_group: "Ibu-ibu PKK".into(),
            starts_on: "2026-03-01".into(),
            ends_on: "15-03-2026".into(),
            budget: "Rp 1.500.000".into(),
            budget_source: "apbdes".into(),
            targets: "30 peserta".into(),
            ..Default::default()
        }
    }

    fn form() -> WorkplanForm {
        WorkplanForm {
            potential_people: "Kelompok tani jeruk pamelo".into(),
            goals: "Meningkatkan pendapatan petani".into(),
            activities: vec![row("Pelatihan olahan pamelo"), ActivityForm::default()],
            ..Default::default()
        }
    }

    #[test]
    fn parses_a_plan_and_skips_the_blank_row() {
        let p = WorkplanDraft::parse(&form(), PlanKind::PelibatanMasyarakat, 2026).unwrap();
        assert_eq!(p.title, "Rencana Kerja Pelibatan Masyarakat 2026");
        assert_eq!(p.activities.len(), 1);
        let a = &p.activities[0];
        assert_eq!(a.starts_on, Some(d(2026, 3, 1)));
        assert_eq!(a.ends_on, Some(d(2026, 3, 15)));
        assert_eq!(a.budget, Some(1_500_000));
        assert_eq!(a.budget_source, Some(BudgetSource::Apbdes));
        assert_eq!(p.budget_total(), 1_500_000);
        assert!(check_complete(&p).is_ok());
        // The form round-trips.
        let again = WorkplanDraft::parse(
            &p.to_form(&["x".into()]),
            PlanKind::PelibatanMasyarakat,
            2026,
        )
        .unwrap();
        assert_eq!(again.activities[0].id.as_deref(), Some("x"));
        assert_eq!(again.activities[0].budget, a.budget);
    }

    #[test]
    fn names_every_bad_row_field() {
        let mut f = form();
        f.activities[1] = ActivityForm {
            target_group: "Remaja".into(),
            starts_on: "2026-05-10".into(),
            ends_on: "2026-05-01".into(),
            budget: "2 juta".into(),
            ..Default::default()
        };
        f.activities.push(ActivityForm {
            name: "Lomba".into(),
            starts_on: "2030-01-01".into(),
            budget: "500000".into(),
            budget_source: "hibah".into(),
            ..Default::default()
        });
        f.activities.push(ActivityForm {
            name: "Pameran".into(),
            budget: "750000".into(),
            ..Default::default()
        });
        let e = WorkplanDraft::parse(&f, PlanKind::Advokasi, 2026).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "act2_name",
                "act2_ends_on",
                "act2_budget",
                "act3_starts_on",
                "act3_budget_source",
                "act4_budget_source",
            ]
        );
        assert_eq!(e.0[1].problem, Problem::EndBeforeStart);
        assert_eq!(e.0[2].problem, Problem::NotANumber);
        assert!(matches!(e.0[3].problem, Problem::DateOutOfRange { .. }));
        assert_eq!(e.0[4].problem, Problem::UnknownChoice);
        assert_eq!(e.0[5].problem, Problem::Required);
    }

    #[test]
    fn a_draft_may_be_incomplete_but_not_a_submission() {
        let f = WorkplanForm {
            activities: vec![ActivityForm {
                name: "Kelas komputer".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let p = WorkplanDraft::parse(&f, PlanKind::LayananInformasi, 2026).unwrap();
        let e = check_complete(&p).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "potential_people",
                "goals",
                "act1_target_group",
                "act1_starts_on",
                "act1_ends_on",
                "act1_targets"
            ]
        );
        let empty =
            WorkplanDraft::parse(&WorkplanForm::default(), PlanKind::Advokasi, 2026).unwrap();
        assert!(
            check_complete(&empty)
                .unwrap_err()
                .for_field("activities")
                .is_some()
        );
    }

    #[test]
    fn too_many_rows() {
        let f = WorkplanForm {
            activities: (0..=MAX_ACTIVITIES)
                .map(|i| row(&format!("K{i}")))
                .collect(),
            ..Default::default()
        };
        let e = WorkplanDraft::parse(&f, PlanKind::Advokasi, 2026).unwrap_err();
        assert_eq!(e.0[0].field, "activities");
    }

    #[test]
    fn rupiah_as_villages_type_it() {
        for (s, v) in [
            ("1500000", 1_500_000),
            ("1.500.000", 1_500_000),
            ("Rp 1.500.000,00", 1_500_000),
            ("Rp1,500,000", 1_500_000),
            ("rp. 250.000", 250_000),
            ("0", 0),
        ] {
            assert_eq!(parse_rupiah(s), Ok(Some(v)), "{s}");
        }
        assert_eq!(parse_rupiah(" "), Ok(None));
        assert_eq!(parse_rupiah("1.500,50"), Err(Problem::NotAWholeNumber));
        assert_eq!(parse_rupiah("dua juta"), Err(Problem::NotANumber));
        assert_eq!(parse_rupiah("-5"), Err(Problem::NotANumber));
        assert!(matches!(
            parse_rupiah("99999999999999999999"),
            Err(Problem::OutOfRange { .. })
        ));
    }

    #[test]
    fn activity_keys_round_trip() {
        assert_eq!(activity_key(0, "name"), "act1_name");
        assert_eq!(activity_key(29, "budget_source"), "act30_budget_source");
        assert_eq!(activity_key(30, "name"), "activities");
        assert_eq!(split_activity_key("act3_starts_on"), Some((2, "starts_on")));
        assert_eq!(split_activity_key("act30_comment"), Some((29, "comment")));
        for bad in [
            "act0_name",
            "act31_name",
            "act3_nope",
            "act03_name",
            "plan_title",
            "act_name",
        ] {
            assert_eq!(split_activity_key(bad), None, "{bad}");
        }
        let pairs: Vec<(String, String)> = [
            ("plan_title", "Rencana"),
            ("act2_name", "Kedua"),
            ("act1_name", "Pertama"),
            ("csrf", "x"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let f = WorkplanForm::from_pairs(&pairs);
        assert_eq!(f.plan_title, "Rencana");
        assert_eq!(f.activities.len(), 2);
        assert_eq!(f.activities[0].name, "Pertama");
        assert_eq!(f.activities[1].name, "Kedua");
    }

    #[test]
    fn workflow_steps() {
        use PlanStatus::*;
        assert_eq!(next_status(Draft, Step::Submit), Ok(Submitted));
        assert_eq!(next_status(RevisionRequested, Step::Submit), Ok(Submitted));
        assert_eq!(
            next_status(Submitted, Step::RequestRevision),
            Ok(RevisionRequested)
        );
        assert_eq!(next_status(Submitted, Step::Approve), Ok(Approved));
        for (from, step) in [
            (Draft, Step::Approve),
            (Draft, Step::RequestRevision),
            (Submitted, Step::Submit),
            (Approved, Step::Submit),
            (Approved, Step::Approve),
            (RevisionRequested, Step::Approve),
        ] {
            assert_eq!(
                next_status(from, step),
                Err(Problem::WrongStatus),
                "{from:?} {step:?}"
            );
        }
        assert!(Draft.editable() && RevisionRequested.editable());
        assert!(!Submitted.editable() && !Approved.editable());
    }

    #[test]
    fn progress_moves_forward_after_approval() {
        use Progress::*;
        let a = PlanStatus::Approved;
        assert!(progress_allowed(a, Planned, UnderWay).is_ok());
        assert!(progress_allowed(a, UnderWay, Done).is_ok());
        assert!(progress_allowed(a, Planned, Cancelled).is_ok());
        assert!(progress_allowed(a, Done, UnderWay).is_ok());
        assert!(progress_allowed(a, UnderWay, Planned).is_err());
        assert!(progress_allowed(a, Done, Done).is_err());
        assert!(progress_allowed(a, Done, Cancelled).is_err());
        assert_eq!(
            progress_allowed(PlanStatus::Submitted, Planned, UnderWay),
            Err(Problem::WrongStatus)
        );
    }

    #[test]
    fn due_dates_and_lateness() {
        let def = DefaultDue::default();
        assert_eq!(due_date(None, def, 2026), d(2026, 6, 30));
        assert_eq!(
            due_date(Some((d(2024, 7, 12), 30)), def, 2024),
            d(2024, 8, 11)
        );
        let leap = DefaultDue::parse("02-29").unwrap();
        assert_eq!(leap.on(2025), d(2025, 2, 28));
        assert_eq!(leap.on(2024), d(2024, 2, 29));
        assert_eq!(leap.key(), "02-29");
        assert_eq!(DefaultDue::parse("13-01"), Err(Problem::BadDate));
        assert_eq!(DefaultDue::parse(""), Err(Problem::Required));
        let due = Some(d(2024, 8, 11));
        assert!(!is_late(due, Some(d(2024, 8, 11)), d(2026, 1, 1)));
        assert!(is_late(due, Some(d(2024, 8, 12)), d(2024, 8, 12)));
        assert!(is_late(due, None, d(2024, 8, 12)));
        assert!(!is_late(due, None, d(2024, 8, 11)));
        assert!(!is_late(None, None, d(2030, 1, 1)));
    }

    #[test]
    fn copying_moves_the_year_on() {
        let p = WorkplanDraft::parse(&form(), PlanKind::PelibatanMasyarakat, 2026).unwrap();
        let c = p.copied_to(2026, 2027);
        assert_eq!(c.title, "Rencana Kerja Pelibatan Masyarakat 2027");
        assert_eq!(c.activities[0].starts_on, Some(d(2027, 3, 1)));
        assert_eq!(c.goals, p.goals);
        let mut leap = p.clone();
        leap.activities[0].starts_on = Some(d(2024, 2, 29));
        assert_eq!(
            leap.copied_to(2024, 2025).activities[0].starts_on,
            Some(d(2025, 2, 28))
        );
    }

    #[test]
    fn new_plans() {
        let ok = NewPlan::parse(
            &NewPlanForm {
                plan_kind: "advokasi".into(),
                plan_year: "2026".into(),
                copy_last_year: "on".into(),
            },
            2026,
        )
        .unwrap();
        assert_eq!(ok.kind, PlanKind::Advokasi);
        assert!(ok.copy_last_year);
        let e = NewPlan::parse(
            &NewPlanForm {
                plan_kind: "lainnya".into(),
                plan_year: "2030".into(),
                ..Default::default()
            },
            2026,
        )
        .unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["plan_kind", "plan_year"]);
        let e = NewPlan::parse(&NewPlanForm::default(), 2026).unwrap_err();
        assert_eq!(e.0[1].problem, Problem::Required);
    }

    #[test]
    fn revision_requests_need_a_comment() {
        let e = ReviewDraft::parse(&ReviewForm {
            decision: "request_revision".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.0[0].field, "review_comment");
        let r = ReviewDraft::parse(&ReviewForm {
            decision: "request_revision".into(),
            activity_comments: vec!["".into(), "Jadwal terlalu padat".into()],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            r.activity_comments,
            vec![(1, "Jadwal terlalu padat".to_string())]
        );
        let ok = ReviewDraft::parse(&ReviewForm {
            decision: "approve".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(ok.decision, Decision::Approve);
        let e = ReviewDraft::parse(&ReviewForm {
            decision: "tolak".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.0[0].problem, Problem::UnknownChoice);
    }

    #[test]
    fn who_edits_and_who_reviews() {
        let lib = LibraryId::new();
        let other = LibraryId::new();
        let v = RegionCode::parse("3520012001").unwrap();
        let at = Place {
            region: &v,
            library: Some(lib),
        };
        let actor = |role: Role, home: Home, assigned: Vec<LibraryId>| Actor {
            id: UserId::new(),
            username: "u".into(),
            full_name: "U".into(),
            role,
            home,
            assigned,
        };
        let region = |c: &str| Home::Region {
            code: RegionCode::parse(c).unwrap(),
        };
        let mgr = actor(
            Role::Manager,
            Home::Library {
                library_id: lib,
                village_code: v.clone(),
            },
            vec![],
        );
        let fac = actor(Role::Facilitator, region("3520"), vec![lib]);
        let fac_other = actor(Role::Facilitator, region("3520"), vec![other]);
        let dist = actor(Role::District, region("3520"), vec![]);
        let dist_other = actor(Role::District, region("6103"), vec![]);
        let prov = actor(Role::Province, region("35"), vec![]);
        assert!(may_edit(&mgr, lib) && !may_edit(&mgr, other));
        assert!(!may_edit(&fac, lib) && !may_edit(&dist, lib));
        assert!(may_review(&fac, &at) && may_review(&dist, &at));
        assert!(!may_review(&fac_other, &at) && !may_review(&dist_other, &at));
        assert!(!may_review(&prov, &at) && !may_review(&mgr, &at));
    }

    #[test]
    fn choices_round_trip() {
        for k in PlanKind::ALL {
            assert_eq!(PlanKind::parse(k.key()), Ok(*k));
        }
        for s in PlanStatus::ALL {
            assert_eq!(PlanStatus::parse(s.key()), Ok(*s));
        }
        for p in Progress::ALL {
            assert_eq!(Progress::parse(p.key()), Ok(*p));
        }
        for b in BudgetSource::ALL {
            assert_eq!(BudgetSource::parse(b.key()), Ok(*b));
        }
        for a in ReviewAction::ALL {
            assert_eq!(ReviewAction::parse(a.key()), Ok(*a));
        }
    }
}

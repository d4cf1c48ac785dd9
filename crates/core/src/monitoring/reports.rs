//! Monthly library reports: computed and manual figures, validation rules,
//! approval up the hierarchy and locking. Domain only: no I/O.
//!
//! A report is one library's figures for one month ([`Figures`], computed
//! from its records by the store, with any elements the library typed in by
//! hand laid over them). Before the library submits, [`check`] runs the
//! validation [`RULES`] (data, not code paths): a warning needs a comment,
//! an error blocks ([`submission`]). Then the report climbs the hierarchy —
//! district, province, nation — one [`Step`] at a time ([`Stage::apply`]);
//! an approved report is locked until the level that approved it (or one
//! above) unlocks it with a reason.

use crate::activities::Strategy;
use crate::circulation::{AgeGroup, Gender};
use crate::field::{Collector, Invalid, Problem, optional_int, optional_text, required_text};
use crate::libraries::choice_enum;
use crate::users::Role;
use crate::visits::{Purpose, TimeZone};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;

pub use super::figures::{Dim, Disagg, Element, Figures, Kind, Period};

choice_enum!(
    /// Where a report stands. No stored row means the month has not been
    /// touched yet: it reads as an open draft of computed figures.
    Status {
        // Open: the library may change manual figures and submit.
        Draft = "draft",
        // Sent; waiting for the district. Figures are frozen.
        Submitted = "submitted",
        // Sent back by a reviewer with a comment; open again.
        Returned = "returned",
        // Approved at [`Stage::approved`]'s level; locked.
        Approved = "approved",
        // Unlocked by an approver with a reason; open again.
        Unlocked = "unlocked",
    }
);

choice_enum!(
    /// The levels a report is approved at, bottom up.
    ApprovalLevel {
        District = "district",
        Province = "province",
        National = "national",
    }
);

impl ApprovalLevel {
    /// The level an officer of this role acts at; `None` for the library's
    /// own people and facilitators, who never approve.
    pub fn of_role(role: Role) -> Option<ApprovalLevel> {
        match role {
            Role::District => Some(ApprovalLevel::District),
            Role::Province => Some(ApprovalLevel::Province),
            Role::National => Some(ApprovalLevel::National),
            Role::Facilitator | Role::Manager | Role::Staff => None,
        }
    }

    pub fn rank(self) -> u8 {
        match self {
            ApprovalLevel::District => 1,
            ApprovalLevel::Province => 2,
            ApprovalLevel::National => 3,
        }
    }

    /// The level that reviews after this one approves.
    pub fn next(self) -> Option<ApprovalLevel> {
        match self {
            ApprovalLevel::District => Some(ApprovalLevel::Province),
            ApprovalLevel::Province => Some(ApprovalLevel::National),
            ApprovalLevel::National => None,
        }
    }

    /// This level and every level above it (for "approved at least at X").
    pub fn and_above(self) -> Vec<ApprovalLevel> {
        ApprovalLevel::ALL
            .iter()
            .copied()
            .filter(|l| l.rank() >= self.rank())
            .collect()
    }
}

/// A report's position in the workflow: its status and, once approved, the
/// highest level that approved it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stage {
    pub status: Status,
    pub approved: Option<ApprovalLevel>,
}

choice_enum!(
    /// Something done to a report. Also the history's action keys.
    Step {
        // Figures entered or changed by hand (form or API).
        Save = "save",
        // Figures uploaded from the XLSX template.
        Import = "import",
        Submit = "submit",
        // The library takes a submitted report back before anyone approved it.
        Withdraw = "withdraw",
        Approve = "approve",
        // A reviewer sends it back to the library with a comment.
        Return = "return",
        // An approver opens a locked month again, with a reason.
        Unlock = "unlock",
    }
);

impl Stage {
    /// A month nobody has touched.
    pub const NEW: Stage = Stage {
        status: Status::Draft,
        approved: None,
    };

    /// The library may change figures and submit.
    pub fn is_open(self) -> bool {
        matches!(
            self.status,
            Status::Draft | Status::Returned | Status::Unlocked
        )
    }

    /// Approved at some level: nothing changes until it is unlocked.
    pub fn is_locked(self) -> bool {
        self.status == Status::Approved
    }

    /// Figures are stored, not computed: from submission on.
    pub fn is_frozen(self) -> bool {
        matches!(self.status, Status::Submitted | Status::Approved)
    }

    /// Has been sent at least once and not taken back into a draft.
    pub fn is_reported(self) -> bool {
        self.is_frozen()
    }

    /// The level whose decision the report waits for, if any.
    pub fn waiting_for(self) -> Option<ApprovalLevel> {
        match (self.status, self.approved) {
            (Status::Submitted, _) => Some(ApprovalLevel::District),
            (Status::Approved, Some(l)) => l.next(),
            _ => None,
        }
    }

    /// Approved at `level` or higher.
    pub fn approved_at_least(self, level: ApprovalLevel) -> bool {
        self.status == Status::Approved && self.approved.is_some_and(|a| a.rank() >= level.rank())
    }

    /// The stage after `step` taken at `level` (the actor's approval level,
    /// for review steps), or `WrongStatus` when the report is not at a stage
    /// where that step can be taken by that level. Who may take a step at
    /// all is [`may`]; this only decides *when*.
    pub fn apply(self, step: Step, level: Option<ApprovalLevel>) -> Result<Stage, Problem> {
        let open = |status| Stage {
            status,
            approved: None,
        };
        match step {
            Step::Save | Step::Import if self.is_open() => Ok(open(self.status)),
            Step::Submit if self.is_open() => Ok(open(Status::Submitted)),
            Step::Withdraw if self.status == Status::Submitted => Ok(open(Status::Draft)),
            Step::Approve | Step::Return if level.is_some() && self.waiting_for() == level => {
                if step == Step::Approve {
                    Ok(Stage {
                        status: Status::Approved,
                        approved: level,
                    })
                } else {
                    Ok(open(Status::Returned))
                }
            }
            Step::Unlock => match (self.status, self.approved, level) {
                (Status::Approved, Some(a), Some(l)) if l.rank() >= a.rank() => {
                    Ok(open(Status::Unlocked))
                }
                _ => Err(Problem::WrongStatus),
            },
            _ => Err(Problem::WrongStatus),
        }
    }
}

/// Whether this role may ever take `step` on a library's report (reach is
/// checked separately: outside it the report does not exist). Figures are
/// entered by the library's manager and staff; only the manager submits
/// and withdraws, answering for the report; officers review.
pub fn may(step: Step, role: Role, own_library: bool) -> bool {
    match step {
        Step::Save | Step::Import => own_library && matches!(role, Role::Manager | Role::Staff),
        Step::Submit | Step::Withdraw => own_library && role == Role::Manager,
        Step::Approve | Step::Return | Step::Unlock => ApprovalLevel::of_role(role).is_some(),
    }
}

// ------------------------------------------------------------- deadlines

/// The national default: reports are due on the 10th of the next month.
pub const DEFAULT_DEADLINE_DAY: u32 = 10;

/// Parses a deadline day: 1–28, so every month has it.
pub fn parse_deadline_day(s: &str) -> Result<u32, Problem> {
    match optional_int(s, 1, 28)? {
        Some(d) => Ok(d as u32),
        None => Err(Problem::Required),
    }
}

/// The last day a month's report is on time: `day` of the following month.
pub fn deadline(period: Period, day: u32) -> NaiveDate {
    let next = period.next();
    let day = day.clamp(1, 28);
    NaiveDate::from_ymd_opt(next.year(), next.month(), day).unwrap_or_else(|| next.first_day())
}

/// Whether a report first submitted at `submitted` (UTC) met the deadline,
/// judged by the library's own calendar day.
pub fn on_time(submitted: NaiveDateTime, tz: TimeZone, deadline: NaiveDate) -> bool {
    tz.local_date(submitted) <= deadline
}

/// A month can be submitted once it is over (its last day has passed in
/// the library's calendar).
pub fn is_over(period: Period, today: NaiveDate) -> bool {
    today > period.last_day()
}

/// The month before `today`'s: the one a library should be reporting now.
pub fn last_month(today: NaiveDate) -> Period {
    Period::of(today).prev()
}

// ---------------------------------------------------------- manual entry

/// One number a person types: an element's slice in one of its entry
/// families. `key` names it in forms, the API and the XLSX template
/// (`loans`, `visits.P.anak`, `participants.ya`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryCell {
    pub key: &'static str,
    pub element: Element,
    pub disagg: Disagg,
    /// Which of the element's entry families (0-based) this cell belongs to.
    pub family: usize,
}

fn options_of(dim: Dim) -> Vec<&'static str> {
    match dim {
        Dim::Gender => Gender::ALL.iter().map(|g| g.key()).collect(),
        Dim::Age => AgeGroup::ALL.iter().map(|a| a.key()).collect(),
        Dim::Disability => vec![super::figures::DISABLED, super::figures::NOT_DISABLED],
        Dim::Purpose => Purpose::ALL.iter().map(|p| p.key()).collect(),
        Dim::Strategy => Strategy::ALL.iter().map(|s| s.key()).collect(),
    }
}

/// Every cell a person may type, in form order: elements in vocabulary
/// order, each family's cross product of options.
pub fn entry_cells() -> &'static [EntryCell] {
    static CELLS: LazyLock<Vec<EntryCell>> = LazyLock::new(|| {
        let mut out = Vec::new();
        for &e in Element::ALL {
            for (family, dims) in e.entry_sets().iter().enumerate() {
                let mut combos: Vec<Vec<(Dim, &'static str)>> = vec![vec![]];
                for &d in dims.iter() {
                    combos = combos
                        .into_iter()
                        .flat_map(|c| {
                            options_of(d).into_iter().map(move |o| {
                                let mut c = c.clone();
                                c.push((d, o));
                                c
                            })
                        })
                        .collect();
                }
                for combo in combos {
                    let Ok(disagg) = Disagg::of(&combo) else {
                        continue;
                    };
                    let mut key = e.key().to_string();
                    for (_, o) in &combo {
                        key.push('.');
                        key.push_str(o);
                    }
                    // Built once per process from a fixed vocabulary: the
                    // keys must be 'static to name fields in errors.
                    out.push(EntryCell {
                        key: Box::leak(key.into_boxed_str()),
                        element: e,
                        disagg,
                        family,
                    });
                }
            }
        }
        out
    });
    &CELLS
}

/// The cell a key names.
pub fn entry_cell(key: &str) -> Option<&'static EntryCell> {
    let k = key.trim();
    entry_cells().iter().find(|c| c.key.eq_ignore_ascii_case(k))
}

/// The largest number one cell may hold: far above any village library's
/// month, low enough that a typo of several extra digits is caught.
pub const MAX_CELL: i64 = 10_000_000;

/// Manual figures as typed: entry key → text. Blank cells are not entered.
pub type ManualForm = BTreeMap<String, String>;

/// The typed figures of `form`: for each element with any cell filled, its
/// families with any cell filled (blank cells there count as zero), then
/// the remaining slices summed from them ([`Figures::complete`]). Elements
/// left wholly blank are not manual: their computed figures stay. Unknown
/// keys are ignored by the caller's choice (see [`unknown_keys`]).
pub fn parse_manual(form: &ManualForm) -> Result<Figures, Invalid> {
    let mut c = Collector::default();
    let mut typed: BTreeMap<&'static str, Option<i64>> = BTreeMap::new();
    for cell in entry_cells() {
        let text = form
            .iter()
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(cell.key))
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        if let Some(v) = c.take(cell.key, optional_int(text, 0, MAX_CELL)) {
            typed.insert(cell.key, v);
        }
    }
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    let mut f = Figures::new();
    for &e in Element::ALL {
        let cells: Vec<&EntryCell> = entry_cells().iter().filter(|x| x.element == e).collect();
        for family in 0..e.entry_sets().len() {
            let fam: Vec<&&EntryCell> = cells.iter().filter(|x| x.family == family).collect();
            if fam
                .iter()
                .all(|x| typed.get(x.key).copied().flatten().is_none())
            {
                continue;
            }
            for x in fam {
                let v = typed.get(x.key).copied().flatten().unwrap_or(0);
                f.set(e, x.disagg.clone(), v, true);
            }
        }
    }
    f.complete();
    Ok(f)
}

/// Keys of `form` that name no entry cell (a misspelt column or API field).
pub fn unknown_keys(form: &ManualForm) -> Vec<String> {
    form.keys()
        .filter(|k| entry_cell(k).is_none())
        .cloned()
        .collect()
}

/// The entry form of stored manual figures (for pre-filling the form and
/// the template): each entry cell of a manual element, written out.
pub fn manual_form_of(manual: &Figures) -> ManualForm {
    let mut out = ManualForm::new();
    for cell in entry_cells() {
        if !manual.is_manual(cell.element) {
            continue;
        }
        // Only families the person typed: a family is present when any of
        // its cells is stored.
        let family_present = entry_cells()
            .iter()
            .filter(|x| x.element == cell.element && x.family == cell.family)
            .any(|x| manual.cell(x.element, &x.disagg).is_some());
        if family_present {
            out.insert(
                cell.key.to_string(),
                manual.get(cell.element, &cell.disagg).to_string(),
            );
        }
    }
    out
}

/// Only the manual elements of `figures`.
pub fn manual_part(figures: &Figures) -> Figures {
    let mut out = Figures::new();
    for v in figures.iter().filter(|v| v.manual) {
        out.set(v.element, v.disagg, v.value, true);
    }
    out
}

// ------------------------------------------------------------ validation

choice_enum!(
    /// How bad a finding is.
    Severity {
        // Implausible but possible: submitting needs a comment.
        Warning = "warning",
        // Impossible: blocks submission until the figures are fixed.
        Error = "error",
    }
);

/// What a rule checks, over this month's figures and last month's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// `num` total above `max` × `den` total (and above zero).
    RatioAbove {
        num: Element,
        den: Element,
        max: i64,
    },
    /// `present` total above zero while `missing` total is zero.
    Without { present: Element, missing: Element },
    /// `part` total above `whole` total.
    Exceeds { part: Element, whole: Element },
    /// The element fell by `percent`% or more from last month, which had at
    /// least `min_previous` (small numbers swing without meaning anything).
    Drop {
        element: Element,
        percent: i64,
        min_previous: i64,
    },
    /// The element's total above `max`.
    Above { element: Element, max: i64 },
    /// The element's slices do not add up to its total. Only typed
    /// elements are checked: computed slices come from the same rows as
    /// their total, and a library cannot fix its records from the report.
    SlicesDisagree { element: Element },
    /// No flow at all (visits, loans, activities…): nothing happened all
    /// month, or nothing was recorded. Stocks (the collection) don't count.
    AllZero,
}

/// One validation rule. Keys are stable: comments are stored under them and
/// messages are looked up by them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub key: &'static str,
    pub severity: Severity,
    pub check: Check,
    /// The figure the finding is shown next to.
    pub at: Element,
}

const fn rule(key: &'static str, severity: Severity, at: Element, check: Check) -> Rule {
    Rule {
        key,
        severity,
        check,
        at,
    }
}

use Element as E;
use Severity::{Error as Err_, Warning as Warn};

/// The rules every report is checked against.
pub const RULES: &[Rule] = &[
    rule(
        "loans_per_visit",
        Warn,
        E::Loans,
        Check::RatioAbove {
            num: E::Loans,
            den: E::Visits,
            max: 20,
        },
    ),
    rule(
        "participants_without_activity",
        Err_,
        E::Participants,
        Check::Without {
            present: E::Participants,
            missing: E::Activities,
        },
    ),
    rule(
        "activities_without_participants",
        Warn,
        E::Activities,
        Check::Without {
            present: E::Activities,
            missing: E::Participants,
        },
    ),
    rule(
        "workplan_done_over_planned",
        Err_,
        E::WorkplanDone,
        Check::Exceeds {
            part: E::WorkplanDone,
            whole: E::WorkplanPlanned,
        },
    ),
    rule(
        "new_items_over_items",
        Warn,
        E::ItemsNew,
        Check::Exceeds {
            part: E::ItemsNew,
            whole: E::Items,
        },
    ),
    rule(
        "titles_over_items",
        Warn,
        E::Titles,
        Check::Exceeds {
            part: E::Titles,
            whole: E::Items,
        },
    ),
    rule(
        "active_over_members",
        Warn,
        E::MembersActive,
        Check::Exceeds {
            part: E::MembersActive,
            whole: E::Members,
        },
    ),
    rule(
        "drop_visits",
        Warn,
        E::Visits,
        Check::Drop {
            element: E::Visits,
            percent: 90,
            min_previous: 10,
        },
    ),
    rule(
        "drop_loans",
        Warn,
        E::Loans,
        Check::Drop {
            element: E::Loans,
            percent: 90,
            min_previous: 10,
        },
    ),
    rule(
        "drop_members_active",
        Warn,
        E::MembersActive,
        Check::Drop {
            element: E::MembersActive,
            percent: 90,
            min_previous: 10,
        },
    ),
    rule(
        "drop_titles",
        Warn,
        E::Titles,
        Check::Drop {
            element: E::Titles,
            percent: 90,
            min_previous: 10,
        },
    ),
    rule(
        "drop_items",
        Warn,
        E::Items,
        Check::Drop {
            element: E::Items,
            percent: 90,
            min_previous: 10,
        },
    ),
    rule(
        "high_visits",
        Warn,
        E::Visits,
        Check::Above {
            element: E::Visits,
            max: 20_000,
        },
    ),
    rule(
        "high_loans",
        Warn,
        E::Loans,
        Check::Above {
            element: E::Loans,
            max: 20_000,
        },
    ),
    rule(
        "high_members_new",
        Warn,
        E::MembersNew,
        Check::Above {
            element: E::MembersNew,
            max: 2_000,
        },
    ),
    rule(
        "high_items_new",
        Warn,
        E::ItemsNew,
        Check::Above {
            element: E::ItemsNew,
            max: 20_000,
        },
    ),
    rule(
        "high_activities",
        Warn,
        E::Activities,
        Check::Above {
            element: E::Activities,
            max: 100,
        },
    ),
    rule(
        "high_participants",
        Warn,
        E::Participants,
        Check::Above {
            element: E::Participants,
            max: 20_000,
        },
    ),
    rule(
        "mismatch_visits",
        Err_,
        E::Visits,
        Check::SlicesDisagree { element: E::Visits },
    ),
    rule(
        "mismatch_members_new",
        Err_,
        E::MembersNew,
        Check::SlicesDisagree {
            element: E::MembersNew,
        },
    ),
    rule(
        "mismatch_members",
        Err_,
        E::Members,
        Check::SlicesDisagree {
            element: E::Members,
        },
    ),
    rule(
        "mismatch_activities",
        Err_,
        E::Activities,
        Check::SlicesDisagree {
            element: E::Activities,
        },
    ),
    rule(
        "mismatch_participants",
        Err_,
        E::Participants,
        Check::SlicesDisagree {
            element: E::Participants,
        },
    ),
    rule("nothing_recorded", Warn, E::Visits, Check::AllZero),
];

/// The rule with this key.
pub fn rule_by_key(key: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.key == key)
}

/// A rule that fired, with the numbers its message needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// The figure it is shown next to.
    pub element: Element,
    /// The value that broke the rule (the ratio's numerator, the part, this
    /// month's value, the sum of the slices).
    pub value: i64,
    /// What it was compared against (the allowed maximum, the whole, last
    /// month's value, the total).
    pub limit: i64,
}

/// Runs every rule over `figures`, with last month's for the drop rules
/// (none: the drop rules stay silent).
pub fn check(figures: &Figures, previous: Option<&Figures>) -> Vec<Finding> {
    check_rules(RULES, figures, previous)
}

/// [`check`] with an explicit rule set (tests, future configuration).
pub fn check_rules(rules: &[Rule], f: &Figures, previous: Option<&Figures>) -> Vec<Finding> {
    let mismatches = f.inconsistencies();
    let mut out = Vec::new();
    for r in rules {
        let found = match r.check {
            Check::RatioAbove { num, den, max } => {
                let (n, d) = (f.total(num), f.total(den));
                (n > 0 && n > max.saturating_mul(d)).then_some((n, max.saturating_mul(d)))
            }
            Check::Without { present, missing } => {
                let p = f.total(present);
                (p > 0 && f.total(missing) == 0).then_some((p, 0))
            }
            Check::Exceeds { part, whole } => {
                let (p, w) = (f.total(part), f.total(whole));
                (p > w).then_some((p, w))
            }
            Check::Drop {
                element,
                percent,
                min_previous,
            } => previous.and_then(|prev| {
                let (now, before) = (f.total(element), prev.total(element));
                // now ≤ before × (100 − percent)%: a 90% drop keeps 10% or less.
                (before >= min_previous && now * 100 <= before * (100 - percent))
                    .then_some((now, before))
            }),
            Check::Above { element, max } => {
                let v = f.total(element);
                (v > max).then_some((v, max))
            }
            Check::SlicesDisagree { element } if f.is_manual(element) => mismatches
                .iter()
                .find(|(e, _, _, _)| *e == element)
                .map(|(_, _, sum, total)| (*sum, *total)),
            Check::SlicesDisagree { .. } => None,
            Check::AllZero => Element::ALL
                .iter()
                .filter(|e| e.kind() == Kind::Flow)
                .all(|e| f.total(*e) == 0)
                .then_some((0, 0)),
        };
        if let Some((value, limit)) = found {
            out.push(Finding {
                rule: r.key,
                severity: r.severity,
                element: r.at,
                value,
                limit,
            });
        }
    }
    out
}

/// The longest comment, return note or unlock reason.
pub const MAX_COMMENT: usize = 1000;

/// Decides whether a report with these findings may be submitted with
/// these comments (rule key → text). Errors block (their rule key is the
/// field, with the range the value had to stay in); each warning needs a
/// non-blank comment. Returns the comments to store: one per warning, the
/// rest dropped.
pub fn submission(
    findings: &[Finding],
    comments: &BTreeMap<String, String>,
) -> Result<Vec<(&'static str, String)>, Invalid> {
    let mut c = Collector::default();
    let mut keep = Vec::new();
    for f in findings {
        match f.severity {
            Severity::Error => {
                let (min, max) = if f.value > f.limit {
                    (0, f.limit)
                } else {
                    (f.limit, f.limit)
                };
                c.errors.push(f.rule, Problem::OutOfRange { min, max });
            }
            Severity::Warning => {
                let text = comments.get(f.rule).map(String::as_str).unwrap_or("");
                if let Some(t) = c.take(f.rule, required_text(text, MAX_COMMENT)) {
                    keep.push((f.rule, t));
                }
            }
        }
    }
    c.errors.finish(keep)
}

/// A reviewer's comment: required when returning, optional when approving.
pub fn parse_comment(s: &str, required: bool) -> Result<Option<String>, Invalid> {
    let r = if required {
        required_text(s, MAX_COMMENT).map(Some)
    } else {
        optional_text(s, MAX_COMMENT)
    };
    r.map_err(|p| Invalid::one("comment", p))
}

/// An unlock's reason: always required.
pub fn parse_reason(s: &str) -> Result<String, Invalid> {
    required_text(s, MAX_COMMENT).map_err(|p| Invalid::one("reason", p))
}

/// Parses a month in a URL or form, refusing months that have not begun.
pub fn parse_period(s: &str, today: NaiveDate) -> Result<Period, Problem> {
    let p = Period::parse(s)?;
    if p > Period::of(today) || p.year() < 2000 {
        return Err(Problem::DateOutOfRange {
            earliest: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default(),
            latest: Period::of(today).last_day(),
        });
    }
    Ok(p)
}

/// Submitting needs the month to be over.
pub fn check_submittable(period: Period, today: NaiveDate) -> Result<(), Invalid> {
    if is_over(period, today) {
        Ok(())
    } else {
        Err(Invalid::one(
            "period",
            Problem::DateOutOfRange {
                earliest: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default(),
                latest: last_month(today).last_day(),
            },
        ))
    }
}

/// The day of the month `t` falls on, for "submitted on day N" displays.
pub fn day_of(t: NaiveDateTime, tz: TimeZone) -> u32 {
    tz.local_date(t).day()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn figs(cells: &[(Element, i64)]) -> Figures {
        let mut f = Figures::new();
        for (e, v) in cells {
            f.set(*e, Disagg::total(), *v, false);
        }
        f
    }

    fn keys(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn approval_climbs_district_province_nation() {
        use ApprovalLevel::*;
        let s = Stage::NEW.apply(Step::Save, None).unwrap();
        assert!(s.is_open());
        let s = s.apply(Step::Submit, None).unwrap();
        assert_eq!(s.status, Status::Submitted);
        assert_eq!(s.waiting_for(), Some(District));
        // Only the level it waits for decides.
        assert_eq!(
            s.apply(Step::Approve, Some(Province)),
            Err(Problem::WrongStatus)
        );
        assert_eq!(
            s.apply(Step::Approve, Some(National)),
            Err(Problem::WrongStatus)
        );
        let s = s.apply(Step::Approve, Some(District)).unwrap();
        assert!(s.is_locked() && s.approved_at_least(District) && !s.approved_at_least(Province));
        assert_eq!(s.waiting_for(), Some(Province));
        let s = s.apply(Step::Approve, Some(Province)).unwrap();
        assert_eq!(s.waiting_for(), Some(National));
        let s = s.apply(Step::Approve, Some(National)).unwrap();
        assert_eq!(s.waiting_for(), None);
        assert!(s.approved_at_least(National));
        // Final: nobody approves again.
        assert_eq!(
            s.apply(Step::Approve, Some(National)),
            Err(Problem::WrongStatus)
        );
    }

    #[test]
    fn locked_months_change_only_by_unlocking_from_the_approving_level_up() {
        use ApprovalLevel::*;
        let submitted = Stage::NEW.apply(Step::Submit, None).unwrap();
        let by_district = submitted.apply(Step::Approve, Some(District)).unwrap();
        for step in [Step::Save, Step::Import, Step::Submit, Step::Withdraw] {
            assert_eq!(by_district.apply(step, None), Err(Problem::WrongStatus));
        }
        let by_province = by_district.apply(Step::Approve, Some(Province)).unwrap();
        // The district cannot open what the province approved.
        assert_eq!(
            by_province.apply(Step::Unlock, Some(District)),
            Err(Problem::WrongStatus)
        );
        let open = by_province.apply(Step::Unlock, Some(Province)).unwrap();
        assert_eq!(open.status, Status::Unlocked);
        assert!(open.is_open() && !open.is_locked());
        assert_eq!(
            by_province.apply(Step::Unlock, Some(National)).unwrap(),
            open
        );
        assert_eq!(
            by_district.apply(Step::Unlock, Some(District)).unwrap(),
            open
        );
        // Nothing to unlock before approval.
        assert_eq!(
            submitted.apply(Step::Unlock, Some(National)),
            Err(Problem::WrongStatus)
        );
        // After unlocking the library edits and the chain starts over.
        let again = open.apply(Step::Save, None).unwrap();
        assert_eq!(again.status, Status::Unlocked);
        assert_eq!(
            again.apply(Step::Submit, None).unwrap().waiting_for(),
            Some(District)
        );
    }

    #[test]
    fn returns_and_withdrawals() {
        use ApprovalLevel::*;
        let submitted = Stage::NEW.apply(Step::Submit, None).unwrap();
        let back = submitted.apply(Step::Return, Some(District)).unwrap();
        assert_eq!(back.status, Status::Returned);
        assert!(back.is_open());
        assert_eq!(
            submitted.apply(Step::Return, Some(Province)),
            Err(Problem::WrongStatus)
        );
        // The province can send back what the district approved.
        let by_district = submitted.apply(Step::Approve, Some(District)).unwrap();
        assert_eq!(
            by_district
                .apply(Step::Return, Some(Province))
                .unwrap()
                .status,
            Status::Returned
        );
        assert_eq!(submitted.apply(Step::Withdraw, None).unwrap(), Stage::NEW);
        assert_eq!(
            by_district.apply(Step::Withdraw, None),
            Err(Problem::WrongStatus)
        );
        assert_eq!(
            Stage::NEW.apply(Step::Return, Some(District)),
            Err(Problem::WrongStatus)
        );
    }

    #[test]
    fn who_may_take_which_step() {
        for step in [Step::Approve, Step::Return, Step::Unlock] {
            assert!(may(step, Role::District, false));
            assert!(may(step, Role::Province, false));
            assert!(may(step, Role::National, false));
            assert!(!may(step, Role::Manager, true));
            assert!(!may(step, Role::Staff, true));
            assert!(!may(step, Role::Facilitator, false));
        }
        assert!(may(Step::Save, Role::Staff, true));
        assert!(may(Step::Import, Role::Manager, true));
        assert!(!may(Step::Save, Role::Manager, false), "another library");
        assert!(!may(Step::Save, Role::District, false));
        assert!(may(Step::Submit, Role::Manager, true));
        assert!(!may(Step::Submit, Role::Staff, true));
        assert!(!may(Step::Submit, Role::Facilitator, false));
    }

    #[test]
    fn deadlines_and_timeliness() {
        assert_eq!(deadline(p("2026-10"), 10), d(2026, 11, 10));
        assert_eq!(deadline(p("2026-12"), 10), d(2027, 1, 10));
        assert_eq!(deadline(p("2026-01"), 31), d(2026, 2, 28), "clamped");
        assert_eq!(parse_deadline_day("15"), Ok(15));
        assert_eq!(parse_deadline_day(""), Err(Problem::Required));
        assert_eq!(
            parse_deadline_day("30"),
            Err(Problem::OutOfRange { min: 1, max: 28 })
        );
        let due = deadline(p("2026-10"), 10);
        // 16:30 UTC on the 10th is 23:30 WIB: still the 10th in Magetan…
        let t = d(2026, 11, 10).and_hms_opt(16, 30, 0).unwrap();
        assert!(on_time(t, TimeZone::Wib, due));
        // …but already the 11th in Jayapura (WIT).
        assert!(!on_time(t, TimeZone::Wit, due));
        assert!(!is_over(p("2026-11"), d(2026, 11, 30)));
        assert!(is_over(p("2026-11"), d(2026, 12, 1)));
        assert_eq!(last_month(d(2026, 1, 5)), p("2025-12"));
        assert!(check_submittable(p("2026-11"), d(2026, 11, 20)).is_err());
        assert!(check_submittable(p("2026-10"), d(2026, 11, 20)).is_ok());
        assert!(parse_period("2026-12", d(2026, 11, 20)).is_err(), "future");
        assert_eq!(parse_period("2026-11", d(2026, 11, 20)), Ok(p("2026-11")));
        assert_eq!(parse_period("nov", d(2026, 11, 20)), Err(Problem::BadDate));
    }

    #[test]
    fn entry_cells_cover_every_entry_family() {
        let cells = entry_cells();
        let visits: Vec<_> = cells.iter().filter(|c| c.element == E::Visits).collect();
        // gender × age (2 × 4) + purpose (6).
        assert_eq!(visits.len(), 8 + Purpose::ALL.len());
        assert!(entry_cell("visits.P.anak").is_some());
        assert!(entry_cell("VISITS.p.ANAK").is_some(), "case-insensitive");
        assert_eq!(entry_cell("loans").unwrap().disagg, Disagg::total());
        assert_eq!(
            entry_cell("participants.ya").unwrap().disagg,
            Disagg::disability(true)
        );
        assert!(entry_cell("activities.advokasi").is_some());
        assert!(entry_cell("visits.X.anak").is_none());
        let mut all: Vec<&str> = cells.iter().map(|c| c.key).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), cells.len(), "keys are unique");
    }

    fn form(pairs: &[(&str, &str)]) -> ManualForm {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn manual_entry_parses_families_and_leaves_blank_elements_computed() {
        let f = parse_manual(&form(&[
            ("visits.L.anak", "5"),
            ("visits.P.dewasa", "7"),
            ("visits.membaca", "12"),
            ("loans", "30"),
            ("titles", ""),
        ]))
        .unwrap();
        assert_eq!(f.total(E::Visits), 12);
        assert_eq!(f.get(E::Visits, &Disagg::gender(Gender::P)), 7);
        assert_eq!(
            f.get(E::Visits, &Disagg::gender_age(Gender::L, AgeGroup::Remaja)),
            0
        );
        assert!(
            f.cell(E::Visits, &Disagg::gender_age(Gender::L, AgeGroup::Remaja))
                .is_some()
        );
        assert_eq!(f.total(E::Loans), 30);
        assert!(f.is_manual(E::Visits) && f.is_manual(E::Loans));
        assert!(!f.is_manual(E::Titles), "blank stays computed");
        assert!(f.inconsistencies().is_empty());
        // Written back, the form is the same numbers.
        let back = manual_form_of(&f);
        assert_eq!(back.get("visits.L.anak").map(String::as_str), Some("5"));
        assert_eq!(back.get("visits.L.remaja").map(String::as_str), Some("0"));
        assert_eq!(back.get("loans").map(String::as_str), Some("30"));
        assert!(!back.contains_key("titles"));
        assert_eq!(parse_manual(&back).unwrap(), f, "round trip");
    }

    #[test]
    fn manual_entry_reports_every_bad_cell() {
        let e = parse_manual(&form(&[
            ("loans", "-3"),
            ("visits.P.anak", "dua"),
            ("titles", "1,5"),
        ]))
        .unwrap_err();
        assert_eq!(e.0.len(), 3);
        assert_eq!(
            e.for_field("loans").unwrap().problem,
            Problem::OutOfRange {
                min: 0,
                max: MAX_CELL
            }
        );
        assert_eq!(
            e.for_field("visits.P.anak").unwrap().problem,
            Problem::NotANumber
        );
        assert_eq!(
            e.for_field("titles").unwrap().problem,
            Problem::NotAWholeNumber
        );
        assert_eq!(
            unknown_keys(&form(&[("loans", "1"), ("pinjaman", "2")])),
            vec!["pinjaman"]
        );
    }

    #[test]
    fn manual_part_keeps_only_typed_elements() {
        let mut f = figs(&[(E::Visits, 10)]);
        f.set(E::Loans, Disagg::total(), 3, true);
        let m = manual_part(&f);
        assert_eq!(m.total(E::Loans), 3);
        assert_eq!(m.total(E::Visits), 0);
        assert!(m.cell(E::Visits, &Disagg::total()).is_none());
    }

    #[test]
    fn loans_per_visit_warns_above_twenty() {
        let ok = figs(&[(E::Visits, 10), (E::Loans, 200)]);
        assert!(!keys(&check(&ok, None)).contains(&"loans_per_visit"));
        let high = figs(&[(E::Visits, 10), (E::Loans, 201)]);
        let f = check(&high, None);
        let hit = f.iter().find(|x| x.rule == "loans_per_visit").unwrap();
        assert_eq!(hit.severity, Severity::Warning);
        assert_eq!((hit.value, hit.limit), (201, 200));
        assert_eq!(hit.element, E::Loans);
        // Loans with no visits recorded at all: also implausible.
        assert!(keys(&check(&figs(&[(E::Loans, 5)]), None)).contains(&"loans_per_visit"));
    }

    #[test]
    fn participants_without_activity_is_an_error() {
        let f = check(&figs(&[(E::Participants, 25), (E::Visits, 40)]), None);
        let hit = f
            .iter()
            .find(|x| x.rule == "participants_without_activity")
            .unwrap();
        assert_eq!(hit.severity, Severity::Error);
        assert_eq!((hit.value, hit.limit), (25, 0));
        let fine = check(
            &figs(&[(E::Participants, 25), (E::Activities, 1), (E::Visits, 40)]),
            None,
        );
        assert!(fine.is_empty(), "{fine:?}");
    }

    #[test]
    fn a_ninety_percent_drop_warns_only_against_a_real_last_month() {
        let before = figs(&[(E::Visits, 100), (E::Loans, 9)]);
        // 10 of 100 is exactly a 90% drop; loans from 9 to 0 is too small to say.
        let now = figs(&[(E::Visits, 10), (E::Loans, 1)]);
        let f = check(&now, Some(&before));
        let hit = f.iter().find(|x| x.rule == "drop_visits").unwrap();
        assert_eq!((hit.value, hit.limit), (10, 100));
        assert!(!keys(&f).contains(&"drop_loans"));
        let milder = figs(&[(E::Visits, 11), (E::Loans, 1)]);
        assert!(!keys(&check(&milder, Some(&before))).contains(&"drop_visits"));
        assert!(
            !keys(&check(&now, None)).contains(&"drop_visits"),
            "no last month"
        );
    }

    #[test]
    fn implausible_values_and_structure() {
        let f = check(
            &figs(&[
                (E::Visits, 25_000),
                (E::Loans, 30),
                (E::WorkplanPlanned, 2),
                (E::WorkplanDone, 3),
                (E::Titles, 50),
                (E::Items, 40),
            ]),
            None,
        );
        let k = keys(&f);
        assert!(k.contains(&"high_visits"));
        assert!(k.contains(&"workplan_done_over_planned"));
        assert!(k.contains(&"titles_over_items"));
        let err = f
            .iter()
            .find(|x| x.rule == "workplan_done_over_planned")
            .unwrap();
        assert_eq!(err.severity, Severity::Error);
        // Slices that do not add up (typed by hand) are an error.
        let mut typed = Figures::new();
        typed.set(E::Visits, Disagg::total(), 10, true);
        typed.set(E::Visits, Disagg::gender(Gender::L), 4, true);
        typed.set(E::Visits, Disagg::gender(Gender::P), 5, true);
        let m = check(&typed, None);
        let hit = m.iter().find(|x| x.rule == "mismatch_visits").unwrap();
        assert_eq!(
            (hit.value, hit.limit, hit.severity),
            (9, 10, Severity::Error)
        );
        // Computed slices are not second-guessed.
        let mut computed = typed.clone();
        for (d, v) in [(Disagg::total(), 10), (Disagg::gender(Gender::L), 4)] {
            computed.set(E::Visits, d, v, false);
        }
        computed.set(E::Visits, Disagg::gender(Gender::P), 5, false);
        assert!(!keys(&check(&computed, None)).contains(&"mismatch_visits"));
        // A month with nothing at all asks for an explanation; a collection
        // alone is not something happening.
        assert_eq!(
            keys(&check(&Figures::new(), None)),
            vec!["nothing_recorded"]
        );
        assert_eq!(
            keys(&check(&figs(&[(E::Titles, 900), (E::Items, 1000)]), None)),
            vec!["nothing_recorded"]
        );
    }

    #[test]
    fn warnings_need_comments_and_errors_block() {
        let warn = check(&figs(&[(E::Visits, 1), (E::Loans, 50)]), None);
        assert_eq!(keys(&warn), vec!["loans_per_visit"]);
        let e = submission(&warn, &BTreeMap::new()).unwrap_err();
        assert_eq!(
            e.for_field("loans_per_visit").unwrap().problem,
            Problem::Required
        );
        let mut notes = BTreeMap::new();
        notes.insert("loans_per_visit".to_string(), "  ".to_string());
        assert!(submission(&warn, &notes).is_err(), "blank is no comment");
        notes.insert(
            "loans_per_visit".to_string(),
            "Buku tamu dicatat di kertas.".to_string(),
        );
        notes.insert("unrelated".to_string(), "dropped".to_string());
        assert_eq!(
            submission(&warn, &notes).unwrap(),
            vec![(
                "loans_per_visit",
                "Buku tamu dicatat di kertas.".to_string()
            )]
        );
        // An error blocks whatever the comments say.
        let err = check(&figs(&[(E::Participants, 5), (E::Visits, 5)]), None);
        notes.insert(
            "participants_without_activity".to_string(),
            "maaf".to_string(),
        );
        let e = submission(&err, &notes).unwrap_err();
        assert_eq!(
            e.for_field("participants_without_activity")
                .unwrap()
                .problem,
            Problem::OutOfRange { min: 0, max: 0 }
        );
        assert!(submission(&[], &BTreeMap::new()).unwrap().is_empty());
    }

    #[test]
    fn comments_and_reasons() {
        assert_eq!(parse_comment("", false), Ok(None));
        assert_eq!(parse_comment(" ", true).unwrap_err().0[0].field, "comment");
        assert_eq!(parse_comment(" ok ", true), Ok(Some("ok".into())));
        assert_eq!(
            parse_reason("").unwrap_err().0[0].problem,
            Problem::Required
        );
        assert!(parse_reason(&"x".repeat(MAX_COMMENT + 1)).is_err());
    }

    #[test]
    fn every_rule_key_is_unique() {
        let mut k: Vec<&str> = RULES.iter().map(|r| r.key).collect();
        k.sort();
        k.dedup();
        assert_eq!(k.len(), RULES.len());
        assert!(rule_by_key("loans_per_visit").is_some());
        assert!(ApprovalLevel::District.and_above().len() == 3);
        assert_eq!(
            ApprovalLevel::Province.and_above(),
            vec![ApprovalLevel::Province, ApprovalLevel::National]
        );
    }
}

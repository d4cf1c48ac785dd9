//! Program years, proposals and the decree (SK) naming recipients; participation status.
//!
//! Domain types and rules only: no I/O.
//!
//! The yearly selection runs: national administrators open a program year
//! ([`YearDraft`]: name, targets, the minimum number of proposals per
//! district, the proposal deadline); district officers propose candidate
//! libraries with their documents ([`ProposalDraft`], [`DocumentKind`]);
//! Perpusnas verifies each proposal and accepts it with a participation
//! status or rejects it with a reason ([`Step`], [`Decision`]), and records
//! the decree on the year. [`overview`] folds the counts of every feature of
//! the cycle into one table per child region for the officers' overview.

use crate::field::{
    Collector, Invalid, Problem, optional, optional_int, optional_text, required_text,
};
use crate::ids::LibraryId;
use crate::libraries::{LibraryType, Participation, choice_enum};
use crate::regions::{Level, RegionCode};
use crate::users::{Actor, Place, Role};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The minimum number of proposals per district when a year does not say
/// otherwise (the 2026 call asked for at least 25).
pub const DEFAULT_MIN_PROPOSALS: i32 = 25;
/// TPBIS began in 2018; no program year is older.
pub const FIRST_YEAR: i32 = 2018;
/// The longest reason, note or decree number a form accepts.
pub const MAX_NOTE: usize = 2000;

choice_enum!(
    /// Where a proposal stands. `returned` is a proposal Perpusnas sent back
    /// to the district for correction: editable again, with the reason shown.
    ProposalStatus {
        Draft = "draft",
        Returned = "returned",
        Submitted = "submitted",
        Verified = "verified",
        Accepted = "accepted",
        Rejected = "rejected",
    }
);

impl ProposalStatus {
    /// The district may still change the proposal and its documents.
    pub fn editable(self) -> bool {
        matches!(self, ProposalStatus::Draft | ProposalStatus::Returned)
    }

    /// Decided one way or the other: nothing more happens to it.
    pub fn decided(self) -> bool {
        matches!(self, ProposalStatus::Accepted | ProposalStatus::Rejected)
    }

    /// Sent to Perpusnas: counts towards the district's minimum.
    pub fn proposed(self) -> bool {
        !self.editable()
    }

    /// Position in [`ProposalStatus::ALL`], for count arrays.
    pub fn index(self) -> usize {
        ProposalStatus::ALL
            .iter()
            .position(|s| *s == self)
            .unwrap_or(0)
    }
}

choice_enum!(
    /// The documents a proposal carries (Perpusnas's requirements for a
    /// candidate).
    DocumentKind {
        SkPendirian = "sk_pendirian",
        Npp = "npp",
        CommitmentLetter = "commitment_letter",
        TbmActive = "tbm_active",
    }
);

impl DocumentKind {
    /// The form field (and multipart part) that carries this document.
    pub fn field(self) -> &'static str {
        match self {
            DocumentKind::SkPendirian => "doc_sk_pendirian",
            DocumentKind::Npp => "doc_npp",
            DocumentKind::CommitmentLetter => "doc_commitment_letter",
            DocumentKind::TbmActive => "doc_tbm_active",
        }
    }

    /// The kind a form field carries, by its name.
    pub fn from_field(field: &str) -> Option<DocumentKind> {
        DocumentKind::ALL
            .iter()
            .copied()
            .find(|d| d.field() == field || d.key() == field)
    }

    /// What a library of this type must send: the founding decree, the NPP,
    /// the village head's commitment letter, and for a TBM proof that it is
    /// active.
    pub fn required_for(kind: LibraryType) -> Vec<DocumentKind> {
        let mut v = vec![
            DocumentKind::SkPendirian,
            DocumentKind::Npp,
            DocumentKind::CommitmentLetter,
        ];
        if kind == LibraryType::Tbm {
            v.push(DocumentKind::TbmActive);
        }
        v
    }

    /// Whether a library of this type may carry this document at all.
    pub fn applies_to(self, kind: LibraryType) -> bool {
        self != DocumentKind::TbmActive || kind == LibraryType::Tbm
    }
}

/// The required documents not yet attached, in form order.
pub fn missing_documents(kind: LibraryType, have: &[DocumentKind]) -> Vec<DocumentKind> {
    DocumentKind::required_for(kind)
        .into_iter()
        .filter(|d| !have.contains(d))
        .collect()
}

/// A participation a proposal can request or be granted: any but `none`.
pub fn parse_participation(s: &str) -> Result<Participation, Problem> {
    let t = optional(s).ok_or(Problem::Required)?;
    match Participation::parse(t)? {
        Participation::None => Err(Problem::UnknownChoice),
        p => Ok(p),
    }
}

/// The participation statuses a proposal can carry, in display order.
pub const GRANTABLE: [Participation; 4] = [
    Participation::FullSupport,
    Participation::BookAidOnly,
    Participation::Replication,
    Participation::DistrictProposed,
];

fn optional_date(s: &str) -> Result<Option<NaiveDate>, Problem> {
    match optional(s) {
        None => Ok(None),
        Some(t) => parse_date(t).map(Some),
    }
}

/// `YYYY-MM-DD` (what a date input sends) or `DD-MM-YYYY` (how people
/// write it).
pub fn parse_date(t: &str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t.trim(), "%d-%m-%Y"))
        .map_err(|_| Problem::BadDate)
}

/// A program year as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct YearForm {
    pub program_year: String,
    pub year_name: String,
    pub target_libraries: String,
    pub target_full_support: String,
    pub target_book_aid: String,
    pub target_trained: String,
    pub min_proposals_per_district: String,
    pub proposal_deadline: String,
    pub decree_number: String,
    pub decree_date: String,
}

impl YearForm {
    /// Sets a field by its key; `false` for unknown keys.
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        let slot = match key {
            "program_year" | "year" => &mut self.program_year,
            "year_name" | "name" => &mut self.year_name,
            "target_libraries" => &mut self.target_libraries,
            "target_full_support" => &mut self.target_full_support,
            "target_book_aid" => &mut self.target_book_aid,
            "target_trained" => &mut self.target_trained,
            "min_proposals_per_district" => &mut self.min_proposals_per_district,
            "proposal_deadline" => &mut self.proposal_deadline,
            "decree_number" => &mut self.decree_number,
            "decree_date" => &mut self.decree_date,
            _ => return false,
        };
        *slot = value.to_string();
        true
    }

    /// The values as `(key, value)` pairs, for audit diffs.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("program_year", self.program_year.clone()),
            ("year_name", self.year_name.clone()),
            ("target_libraries", self.target_libraries.clone()),
            ("target_full_support", self.target_full_support.clone()),
            ("target_book_aid", self.target_book_aid.clone()),
            ("target_trained", self.target_trained.clone()),
            (
                "min_proposals_per_district",
                self.min_proposals_per_district.clone(),
            ),
            ("proposal_deadline", self.proposal_deadline.clone()),
            ("decree_number", self.decree_number.clone()),
            ("decree_date", self.decree_date.clone()),
        ]
    }
}

/// A program year after parsing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearDraft {
    pub year: i32,
    pub name: String,
    /// How many libraries the year means to reach, in all.
    pub target_libraries: i32,
    pub target_full_support: i32,
    pub target_book_aid: i32,
    /// Library managers to be trained (Bimtek).
    pub target_trained: i32,
    pub min_proposals_per_district: i32,
    pub proposal_deadline: Option<NaiveDate>,
    /// The decree (SK) naming the recipients, e.g. "SK Kepala Perpusnas
    /// Nomor 12 Tahun 2024", and its date. Both or neither.
    pub decree_number: Option<String>,
    pub decree_date: Option<NaiveDate>,
}

impl YearDraft {
    /// Parses a year form. `this_year` bounds the year (up to two years
    /// ahead, for calls opened early). An empty name becomes "TPBIS <year>".
    pub fn parse(f: &YearForm, this_year: i32) -> Result<YearDraft, Invalid> {
        let mut c = Collector::default();
        let year = c.take(
            "program_year",
            optional(&f.program_year)
                .ok_or(Problem::Required)
                .and_then(|_| {
                    optional_int(
                        &f.program_year,
                        i64::from(FIRST_YEAR),
                        i64::from(this_year) + 2,
                    )
                }),
        );
        let name = c.take("year_name", optional_text(&f.year_name, 120));
        let target = |c: &mut Collector, key: &'static str, v: &str| {
            c.take(key, optional_int(v, 0, 1_000_000))
                .map(|n| n.unwrap_or(0) as i32)
        };
        let target_libraries = target(&mut c, "target_libraries", &f.target_libraries);
        let target_full_support = target(&mut c, "target_full_support", &f.target_full_support);
        let target_book_aid = target(&mut c, "target_book_aid", &f.target_book_aid);
        let target_trained = target(&mut c, "target_trained", &f.target_trained);
        let min = c
            .take(
                "min_proposals_per_district",
                optional_int(&f.min_proposals_per_district, 0, 10_000),
            )
            .map(|n| n.map_or(DEFAULT_MIN_PROPOSALS, |n| n as i32));
        let deadline = c.take("proposal_deadline", optional_date(&f.proposal_deadline));
        let decree_number = c.take("decree_number", optional_text(&f.decree_number, 200));
        let decree_date = c.take("decree_date", optional_date(&f.decree_date));
        // A decree is its number and its date: half of it names nothing.
        match (&decree_number, &decree_date) {
            (Some(Some(_)), Some(None)) => c.errors.push("decree_date", Problem::Required),
            (Some(None), Some(Some(_))) => c.errors.push("decree_number", Problem::Required),
            _ => {}
        }
        // The parts of a target cannot exceed the whole.
        if let (Some(all), Some(full), Some(books)) =
            (target_libraries, target_full_support, target_book_aid)
            && all > 0
            && full + books > all
        {
            c.errors.push(
                "target_libraries",
                Problem::OutOfRange {
                    min: i64::from(full + books),
                    max: 1_000_000,
                },
            );
        }
        let draft = (|| {
            let year = year?? as i32;
            Some(YearDraft {
                year,
                name: name?.unwrap_or_else(|| format!("TPBIS {year}")),
                target_libraries: target_libraries?,
                target_full_support: target_full_support?,
                target_book_aid: target_book_aid?,
                target_trained: target_trained?,
                min_proposals_per_district: min?,
                proposal_deadline: deadline?,
                decree_number: decree_number?,
                decree_date: decree_date?,
            })
        })();
        match draft {
            Some(d) if c.errors.is_empty() => Ok(d),
            _ => Err(c.errors),
        }
    }
}

/// A program year as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramYear {
    #[serde(flatten)]
    pub details: YearDraft,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ProgramYear {
    pub fn year(&self) -> i32 {
        self.details.year
    }

    /// Proposals may be made and changed until the decree is recorded.
    pub fn open(&self) -> bool {
        self.details.decree_number.is_none()
    }

    /// The deadline has passed (proposals sent after it are marked late,
    /// not refused: Perpusnas decides whether to take them).
    pub fn past_deadline(&self, today: NaiveDate) -> bool {
        self.details.proposal_deadline.is_some_and(|d| today > d)
    }

    pub fn to_form(&self) -> YearForm {
        let d = &self.details;
        let date = |v: Option<NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
        YearForm {
            program_year: d.year.to_string(),
            year_name: d.name.clone(),
            target_libraries: d.target_libraries.to_string(),
            target_full_support: d.target_full_support.to_string(),
            target_book_aid: d.target_book_aid.to_string(),
            target_trained: d.target_trained.to_string(),
            min_proposals_per_district: d.min_proposals_per_district.to_string(),
            proposal_deadline: date(d.proposal_deadline),
            decree_number: d.decree_number.clone().unwrap_or_default(),
            decree_date: date(d.decree_date),
        }
    }
}

/// A proposal as typed: the year, the library, what it asks for, a note.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProposalForm {
    pub program_year: String,
    pub library_id: String,
    pub requested: String,
    pub proposal_note: String,
}

impl ProposalForm {
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        let slot = match key {
            "program_year" | "year" => &mut self.program_year,
            "library_id" | "library" => &mut self.library_id,
            "requested" => &mut self.requested,
            "proposal_note" | "note" => &mut self.proposal_note,
            _ => return false,
        };
        *slot = value.to_string();
        true
    }
}

/// A proposal after parsing. Whether the library exists, lies in the
/// proposer's reach and is not yet proposed for the year is checked against
/// stored data by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProposalDraft {
    pub year: i32,
    pub library: LibraryId,
    pub requested: Participation,
    pub note: Option<String>,
}

impl ProposalDraft {
    pub fn parse(f: &ProposalForm) -> Result<ProposalDraft, Invalid> {
        let mut c = Collector::default();
        let year = c.take(
            "program_year",
            optional(&f.program_year)
                .ok_or(Problem::Required)
                .and_then(|_| optional_int(&f.program_year, i64::from(FIRST_YEAR), 9999)),
        );
        let library = c.take(
            "library_id",
            optional(&f.library_id)
                .ok_or(Problem::Required)
                .and_then(LibraryId::parse),
        );
        let requested = c.take("requested", parse_participation(&f.requested));
        let note = c.take("proposal_note", optional_text(&f.proposal_note, MAX_NOTE));
        match (year, library, requested, note) {
            (Some(Some(year)), Some(library), Some(requested), Some(note))
                if c.errors.is_empty() =>
            {
                Ok(ProposalDraft {
                    year: year as i32,
                    library,
                    requested,
                    note,
                })
            }
            _ => Err(c.errors),
        }
    }
}

/// The changes a district may make to a proposal it has not sent yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProposalChange {
    pub requested: Participation,
    pub note: Option<String>,
}

impl ProposalChange {
    pub fn parse(f: &ProposalForm) -> Result<ProposalChange, Invalid> {
        let mut c = Collector::default();
        let requested = c.take("requested", parse_participation(&f.requested));
        let note = c.take("proposal_note", optional_text(&f.proposal_note, MAX_NOTE));
        match (requested, note) {
            (Some(requested), Some(note)) if c.errors.is_empty() => {
                Ok(ProposalChange { requested, note })
            }
            _ => Err(c.errors),
        }
    }
}

/// One step of a proposal's way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// The district sends it (all required documents attached).
    Submit,
    /// Perpusnas has checked the documents.
    Verify,
    /// Perpusnas sends it back for correction, saying why.
    Return { reason: String },
    /// Perpusnas accepts it with the granted participation.
    Accept { participation: Participation },
    /// Perpusnas rejects it, saying why.
    Reject { reason: String },
}

impl Step {
    /// The audit action.
    pub fn action(&self) -> &'static str {
        match self {
            Step::Submit => "proposal.submit",
            Step::Verify => "proposal.verify",
            Step::Return { .. } => "proposal.return",
            Step::Accept { .. } => "proposal.accept",
            Step::Reject { .. } => "proposal.reject",
        }
    }

    /// Where a proposal in `from` goes with this step; `WrongStatus` when the
    /// step does not apply (accepting an unverified proposal, submitting a
    /// decided one).
    pub fn apply(&self, from: ProposalStatus) -> Result<ProposalStatus, Problem> {
        use ProposalStatus::*;
        let to = match (self, from) {
            (Step::Submit, Draft | Returned) => Submitted,
            (Step::Verify, Submitted) => Verified,
            (Step::Return { .. }, Submitted | Verified) => Returned,
            (Step::Accept { .. }, Verified) => Accepted,
            (Step::Reject { .. }, Submitted | Verified) => Rejected,
            _ => return Err(Problem::WrongStatus),
        };
        Ok(to)
    }

    /// Taken by the district (submit) rather than by Perpusnas.
    pub fn by_district(&self) -> bool {
        matches!(self, Step::Submit)
    }
}

/// Perpusnas's decision as typed: `decision` is accept, reject or return;
/// `granted` the participation when accepting; `decision_reason` why, when
/// rejecting or returning.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    pub decision: String,
    pub granted: String,
    pub decision_reason: String,
}

impl DecisionForm {
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        let slot = match key {
            "decision" => &mut self.decision,
            "granted" | "participation" => &mut self.granted,
            "decision_reason" | "reason" => &mut self.decision_reason,
            _ => return false,
        };
        *slot = value.to_string();
        true
    }
}

/// A decision after parsing: always a [`Step`] Perpusnas takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision(pub Step);

impl Decision {
    pub fn parse(f: &DecisionForm) -> Result<Decision, Invalid> {
        let mut c = Collector::default();
        let decision = c.take(
            "decision",
            match optional(&f.decision) {
                None => Err(Problem::Required),
                Some(d) => match d.to_ascii_lowercase().as_str() {
                    "accept" | "accepted" | "terima" => Ok("accept"),
                    "reject" | "rejected" | "tolak" => Ok("reject"),
                    "return" | "returned" | "kembalikan" => Ok("return"),
                    _ => Err(Problem::UnknownChoice),
                },
            },
        );
        let step = match decision {
            Some("accept") => c
                .take("granted", parse_participation(&f.granted))
                .map(|participation| Step::Accept { participation }),
            Some(d) => c
                .take(
                    "decision_reason",
                    required_text(&f.decision_reason, MAX_NOTE),
                )
                .map(|reason| {
                    if d == "reject" {
                        Step::Reject { reason }
                    } else {
                        Step::Return { reason }
                    }
                }),
            None => None,
        };
        match step {
            Some(s) if c.errors.is_empty() => Ok(Decision(s)),
            _ => Err(c.errors),
        }
    }
}

/// What an actor may do with a record: do it, be told no (403), or not
/// learn that it exists (404).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Allowed,
    Forbidden,
    Hidden,
}

fn gate(actor: &Actor, place: &Place<'_>, role: Role) -> Access {
    if !actor.reaches(place) {
        Access::Hidden
    } else if actor.role != role {
        Access::Forbidden
    } else {
        Access::Allowed
    }
}

/// Proposing, editing, attaching documents and submitting: the district
/// officer whose regency holds the library.
pub fn may_propose(actor: &Actor, place: &Place<'_>) -> Access {
    gate(actor, place, Role::District)
}

/// Verifying, returning, accepting and rejecting: Perpusnas.
pub fn may_decide(actor: &Actor, place: &Place<'_>) -> Access {
    gate(actor, place, Role::National)
}

/// Opening and changing program years (targets, deadline, decree).
pub fn may_manage_years(actor: &Actor) -> bool {
    actor.role == Role::National
}

/// The officers' overview is for officers; within their region.
pub fn may_see_overview(actor: &Actor, region: Option<&RegionCode>) -> Access {
    if !actor.role.is_officer() {
        return Access::Forbidden;
    }
    match region {
        None if actor.role == Role::National => Access::Allowed,
        None => Access::Hidden,
        Some(r) if actor.reaches_region(r) => Access::Allowed,
        Some(_) => Access::Hidden,
    }
}

/// The level of the rows of an overview of `region` (the nation when
/// `None`): provinces, then regencies, then kecamatan, then villages.
pub fn child_level(region: Option<&RegionCode>) -> Level {
    match region.map(RegionCode::level) {
        None => Level::Province,
        Some(l) => l.child().unwrap_or(Level::Village),
    }
}

/// Counts of one region (a row of the overview) for one year. Maps are
/// keyed by the owning feature's status keys, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Proposals by status, indexed like [`ProposalStatus::ALL`].
    pub proposals: [i64; 6],
    /// Regencies inside the row with at least the minimum of proposals sent,
    /// and regencies with any proposal at all.
    pub regencies_at_minimum: i64,
    pub regencies_proposing: i64,
    /// Libraries of this year's cohort by participation, indexed like
    /// [`GRANTABLE`].
    pub recipients: [i64; 4],
    /// Aid allocations by status; how many are received, and late (past
    /// their due date, not received).
    pub aid: BTreeMap<String, i64>,
    pub aid_received: i64,
    pub aid_late: i64,
    /// Event participants registered for the year's events, and those who
    /// attended at least one session.
    pub participants: i64,
    pub attended: i64,
    /// Work plans by status.
    pub workplans: BTreeMap<String, i64>,
}

impl Figures {
    pub fn proposals_total(&self) -> i64 {
        self.proposals.iter().sum()
    }
    /// Proposals sent to Perpusnas (not draft, not returned).
    pub fn proposals_sent(&self) -> i64 {
        ProposalStatus::ALL
            .iter()
            .filter(|s| s.proposed())
            .map(|s| self.proposals[s.index()])
            .sum()
    }
    pub fn recipients_total(&self) -> i64 {
        self.recipients.iter().sum()
    }
    pub fn aid_total(&self) -> i64 {
        self.aid.values().sum()
    }
    pub fn workplans_total(&self) -> i64 {
        self.workplans.values().sum()
    }

    fn add(&mut self, o: &Figures) {
        for i in 0..self.proposals.len() {
            self.proposals[i] += o.proposals[i];
        }
        for i in 0..self.recipients.len() {
            self.recipients[i] += o.recipients[i];
        }
        self.regencies_at_minimum += o.regencies_at_minimum;
        self.regencies_proposing += o.regencies_proposing;
        for (k, v) in &o.aid {
            *self.aid.entry(k.clone()).or_default() += v;
        }
        self.aid_received += o.aid_received;
        self.aid_late += o.aid_late;
        self.participants += o.participants;
        self.attended += o.attended;
        for (k, v) in &o.workplans {
            *self.workplans.entry(k.clone()).or_default() += v;
        }
    }
}

/// One grouped count as the store reads it: the code prefix of the records'
/// region at some level, and what was counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Count {
    Proposals { status: String, n: i64 },
    Recipients { participation: String, n: i64 },
    Aid { status: String, n: i64 },
    AidReceived(i64),
    AidLate(i64),
    Participants(i64),
    Attended(i64),
    Workplans { status: String, n: i64 },
}

/// The overview of one region (or the nation) for one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overview {
    pub year: i32,
    pub region: Option<RegionCode>,
    pub row_level: Level,
    pub min_per_district: i32,
    /// One row per child region that has anything to show, in code order.
    pub rows: Vec<(RegionCode, Figures)>,
    pub total: Figures,
}

/// Folds grouped counts into the overview's rows.
///
/// `counts` are keyed by region-code prefixes at the row level (or deeper:
/// they are cut to the row level); `proposals_by_regency` holds each
/// regency's proposal counts by status, from which every row learns how
/// many of its regencies reached `min_per_district` proposals sent.
pub fn overview(
    year: i32,
    region: Option<RegionCode>,
    min_per_district: i32,
    counts: &[(String, Count)],
    proposals_by_regency: &[(String, String, i64)],
) -> Overview {
    let row_level = child_level(region.as_ref());
    let mut rows: BTreeMap<String, Figures> = BTreeMap::new();
    let cut = |code: &str| -> Option<String> {
        let n = row_level.code_len();
        (code.len() >= n).then(|| code[..n].to_string())
    };
    for (code, count) in counts {
        let Some(key) = cut(code) else { continue };
        let f = rows.entry(key).or_default();
        match count {
            Count::Proposals { status, n } => {
                if let Ok(s) = ProposalStatus::parse(status) {
                    f.proposals[s.index()] += n;
                }
            }
            Count::Recipients { participation, n } => {
                if let Some(i) = Participation::parse(participation)
                    .ok()
                    .and_then(|p| GRANTABLE.iter().position(|g| *g == p))
                {
                    f.recipients[i] += n;
                }
            }
            Count::Aid { status, n } => *f.aid.entry(status.clone()).or_default() += n,
            Count::AidReceived(n) => f.aid_received += n,
            Count::AidLate(n) => f.aid_late += n,
            Count::Participants(n) => f.participants += n,
            Count::Attended(n) => f.attended += n,
            Count::Workplans { status, n } => *f.workplans.entry(status.clone()).or_default() += n,
        }
    }
    // Minimum per regency: sum each regency's sent proposals first.
    let mut sent: BTreeMap<String, i64> = BTreeMap::new();
    for (regency, status, n) in proposals_by_regency {
        let counted = ProposalStatus::parse(status).is_ok_and(ProposalStatus::proposed);
        let e = sent.entry(regency.clone()).or_default();
        if counted {
            *e += n;
        }
    }
    // A regency with only drafts still "proposes"; rows at or below the
    // regency level attribute the regency to the row that holds it.
    for (regency, n_sent) in &sent {
        let key = if row_level <= Level::Regency {
            cut(regency)
        } else {
            None
        };
        let Some(key) = key else { continue };
        let f = rows.entry(key).or_default();
        f.regencies_proposing += 1;
        if *n_sent >= i64::from(min_per_district) {
            f.regencies_at_minimum += 1;
        }
    }
    let mut total = Figures::default();
    let rows: Vec<(RegionCode, Figures)> = rows
        .into_iter()
        .filter_map(|(k, f)| {
            total.add(&f);
            RegionCode::parse(&k).ok().map(|c| (c, f))
        })
        .collect();
    // Below the regency level the rows cannot say how the regency fares;
    // the total can.
    if row_level > Level::Regency {
        for n_sent in sent.values() {
            total.regencies_proposing += 1;
            if *n_sent >= i64::from(min_per_district) {
                total.regencies_at_minimum += 1;
            }
        }
    }
    Overview {
        year,
        region,
        row_level,
        min_per_district,
        rows,
        total,
    }
}

/// How far a district is from its minimum: proposals sent and the gap.
pub fn shortfall(sent: i64, min: i32) -> i64 {
    (i64::from(min) - sent).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;
    use crate::users::Home;

    fn year_form() -> YearForm {
        YearForm {
            program_year: "2026".into(),
            year_name: "".into(),
            target_libraries: "10000".into(),
            target_full_support: "600".into(),
            target_book_aid: "9400".into(),
            target_trained: "2000".into(),
            min_proposals_per_district: "".into(),
            proposal_deadline: "2026-03-31".into(),
            decree_number: "".into(),
            decree_date: "".into(),
        }
    }

    #[test]
    fn years_parse_with_defaults() {
        let d = YearDraft::parse(&year_form(), 2026).unwrap();
        assert_eq!(d.year, 2026);
        assert_eq!(d.name, "TPBIS 2026");
        assert_eq!(d.min_proposals_per_district, DEFAULT_MIN_PROPOSALS);
        assert_eq!(d.target_libraries, 10_000);
        assert_eq!(
            d.proposal_deadline,
            Some(NaiveDate::from_ymd_opt(2026, 3, 31).unwrap())
        );
        assert_eq!(d.decree_number, None);
        let y = ProgramYear {
            details: d.clone(),
            created_at: NaiveDateTime::default(),
            updated_at: NaiveDateTime::default(),
        };
        assert!(y.open());
        assert!(!y.past_deadline(NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()));
        assert!(y.past_deadline(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()));
        assert_eq!(YearDraft::parse(&y.to_form(), 2026).unwrap(), d);
    }

    #[test]
    fn years_name_every_problem() {
        let f = YearForm {
            program_year: "2031".into(),
            target_trained: "-1".into(),
            min_proposals_per_district: "dua puluh".into(),
            proposal_deadline: "31/02/2026".into(),
            decree_number: "SK Kepala Perpusnas Nomor 12 Tahun 2026".into(),
            ..Default::default()
        };
        let e = YearDraft::parse(&f, 2026).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "program_year",
                "target_trained",
                "min_proposals_per_district",
                "proposal_deadline",
                "decree_date"
            ]
        );
        let e = YearDraft::parse(
            &YearForm {
                program_year: "".into(),
                ..Default::default()
            },
            2026,
        )
        .unwrap_err();
        assert_eq!(e.0[0].problem, Problem::Required);
    }

    #[test]
    fn targets_must_add_up() {
        let f = YearForm {
            target_libraries: "100".into(),
            target_full_support: "60".into(),
            target_book_aid: "50".into(),
            ..year_form()
        };
        let e = YearDraft::parse(&f, 2026).unwrap_err();
        assert_eq!(e.0[0].field, "target_libraries");
    }

    #[test]
    fn decree_needs_number_and_date() {
        let f = YearForm {
            decree_date: "15-01-2026".into(),
            ..year_form()
        };
        let e = YearDraft::parse(&f, 2026).unwrap_err();
        assert_eq!(
            e.for_field("decree_number").unwrap().problem,
            Problem::Required
        );
        let f = YearForm {
            decree_number: "SK Kepala Perpusnas Nomor 3 Tahun 2026".into(),
            decree_date: "15-01-2026".into(),
            ..year_form()
        };
        let d = YearDraft::parse(&f, 2026).unwrap();
        assert_eq!(d.decree_date, NaiveDate::from_ymd_opt(2026, 1, 15));
        let y = ProgramYear {
            details: d,
            created_at: NaiveDateTime::default(),
            updated_at: NaiveDateTime::default(),
        };
        assert!(!y.open());
    }

    #[test]
    fn proposals_parse() {
        let lib = LibraryId::new();
        let f = ProposalForm {
            program_year: "2026".into(),
            library_id: lib.to_string(),
            requested: "full_support".into(),
            proposal_note: "  Pengelola aktif, ruang 60 m² ".into(),
        };
        let d = ProposalDraft::parse(&f).unwrap();
        assert_eq!(d.library, lib);
        assert_eq!(d.requested, Participation::FullSupport);
        assert_eq!(d.note.as_deref(), Some("Pengelola aktif, ruang 60 m²"));

        let e = ProposalDraft::parse(&ProposalForm {
            requested: "none".into(),
            library_id: "x".into(),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| (e.field, e.problem.clone())).collect();
        assert_eq!(
            fields,
            [
                ("program_year", Problem::Required),
                ("library_id", Problem::BadId),
                ("requested", Problem::UnknownChoice),
            ]
        );
        let long = "x".repeat(MAX_NOTE + 1);
        let e = ProposalChange::parse(&ProposalForm {
            requested: "".into(),
            proposal_note: long,
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.0.len(), 2);
        assert_eq!(
            e.for_field("proposal_note").unwrap().problem,
            Problem::TooLong { max: MAX_NOTE }
        );
    }

    #[test]
    fn documents_required_by_library_type() {
        assert_eq!(
            missing_documents(LibraryType::Desa, &[DocumentKind::Npp]),
            [DocumentKind::SkPendirian, DocumentKind::CommitmentLetter]
        );
        assert_eq!(
            missing_documents(
                LibraryType::Tbm,
                &[
                    DocumentKind::SkPendirian,
                    DocumentKind::Npp,
                    DocumentKind::CommitmentLetter
                ]
            ),
            [DocumentKind::TbmActive]
        );
        assert!(!DocumentKind::TbmActive.applies_to(LibraryType::Desa));
        for d in DocumentKind::ALL {
            assert_eq!(DocumentKind::from_field(d.field()), Some(*d));
        }
    }

    #[test]
    fn the_way_of_a_proposal() {
        use ProposalStatus::*;
        let accept = Step::Accept {
            participation: Participation::BookAidOnly,
        };
        let reject = Step::Reject {
            reason: "Dokumen SK tidak terbaca".into(),
        };
        let ret = Step::Return {
            reason: "Surat komitmen belum ditandatangani".into(),
        };
        assert_eq!(Step::Submit.apply(Draft), Ok(Submitted));
        assert_eq!(Step::Submit.apply(Returned), Ok(Submitted));
        assert_eq!(Step::Verify.apply(Submitted), Ok(Verified));
        assert_eq!(accept.apply(Verified), Ok(Accepted));
        assert_eq!(reject.apply(Submitted), Ok(Rejected));
        assert_eq!(ret.apply(Verified), Ok(Returned));
        // Not in order: refused.
        assert_eq!(accept.apply(Submitted), Err(Problem::WrongStatus));
        assert_eq!(Step::Verify.apply(Draft), Err(Problem::WrongStatus));
        assert_eq!(Step::Submit.apply(Accepted), Err(Problem::WrongStatus));
        assert_eq!(reject.apply(Accepted), Err(Problem::WrongStatus));
        assert!(Draft.editable() && Returned.editable() && !Submitted.editable());
        assert!(Accepted.decided() && Rejected.decided() && !Verified.decided());
        assert_eq!(accept.action(), "proposal.accept");
    }

    #[test]
    fn decisions_need_what_they_need() {
        let d = Decision::parse(&DecisionForm {
            decision: "accept".into(),
            granted: "replication".into(),
            decision_reason: "".into(),
        })
        .unwrap();
        assert_eq!(
            d.0,
            Step::Accept {
                participation: Participation::Replication
            }
        );
        let e = Decision::parse(&DecisionForm {
            decision: "reject".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.0[0].field, "decision_reason");
        assert_eq!(e.0[0].problem, Problem::Required);
        let e = Decision::parse(&DecisionForm {
            decision: "accept".into(),
            granted: "none".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e.0[0].field, "granted");
        let e = Decision::parse(&DecisionForm::default()).unwrap_err();
        assert_eq!(e.0[0].field, "decision");
        let d = Decision::parse(&DecisionForm {
            decision: "return".into(),
            decision_reason: "NPP belum terbit".into(),
            ..Default::default()
        })
        .unwrap();
        assert!(matches!(d.0, Step::Return { .. }));
    }

    fn actor(role: Role, home: Home) -> Actor {
        Actor {
            id: UserId::new(),
            username: "u".into(),
            full_name: "U".into(),
            role,
            home,
            assigned: vec![],
        }
    }

    #[test]
    fn who_may_do_what() {
        let rc = |s: &str| RegionCode::parse(s).unwrap();
        let village = rc("3520012001");
        let lib = LibraryId::new();
        let place = Place {
            region: &village,
            library: Some(lib),
        };
        let magetan = actor(Role::District, Home::Region { code: rc("3520") });
        let sanggau = actor(Role::District, Home::Region { code: rc("6103") });
        let jatim = actor(Role::Province, Home::Region { code: rc("35") });
        let admin = actor(Role::National, Home::Nation);
        assert_eq!(may_propose(&magetan, &place), Access::Allowed);
        assert_eq!(may_propose(&sanggau, &place), Access::Hidden);
        assert_eq!(may_propose(&jatim, &place), Access::Forbidden);
        assert_eq!(may_propose(&admin, &place), Access::Forbidden);
        assert_eq!(may_decide(&admin, &place), Access::Allowed);
        assert_eq!(may_decide(&magetan, &place), Access::Forbidden);
        assert_eq!(may_decide(&sanggau, &place), Access::Hidden);
        assert!(may_manage_years(&admin) && !may_manage_years(&jatim));
        assert_eq!(may_see_overview(&admin, None), Access::Allowed);
        assert_eq!(may_see_overview(&jatim, Some(&rc("3520"))), Access::Allowed);
        assert_eq!(may_see_overview(&jatim, Some(&rc("61"))), Access::Hidden);
        assert_eq!(may_see_overview(&jatim, None), Access::Hidden);
        let manager = actor(
            Role::Manager,
            Home::Library {
                library_id: lib,
                village_code: village.clone(),
            },
        );
        assert_eq!(may_see_overview(&manager, None), Access::Forbidden);
    }

    #[test]
    fn overview_folds_counts_into_child_regions() {
        let c = |code: &str, count: Count| (code.to_string(), count);
        let counts = vec![
            c(
                "3520012001",
                Count::Proposals {
                    status: "accepted".into(),
                    n: 2,
                },
            ),
            c(
                "3520022001",
                Count::Proposals {
                    status: "draft".into(),
                    n: 1,
                },
            ),
            c(
                "3578",
                Count::Recipients {
                    participation: "book_aid".into(),
                    n: 4,
                },
            ),
            c("35", Count::Participants(9)),
            c(
                "6103042001",
                Count::Aid {
                    status: "shipped".into(),
                    n: 3,
                },
            ),
            c("6103042001", Count::AidLate(1)),
            c(
                "6103",
                Count::Workplans {
                    status: "approved".into(),
                    n: 5,
                },
            ),
        ];
        let by_regency = vec![
            ("3520".to_string(), "accepted".to_string(), 2),
            ("3520".to_string(), "draft".to_string(), 1),
            ("6103".to_string(), "submitted".to_string(), 3),
        ];
        // The nation: one row per province; a province-level count too short
        // for the row level ("35" at regency level) is dropped.
        let o = overview(2024, None, 2, &counts, &by_regency);
        assert_eq!(o.row_level, Level::Province);
        let codes: Vec<_> = o.rows.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, ["35", "61"]);
        let jatim = &o.rows[0].1;
        assert_eq!(jatim.proposals[ProposalStatus::Accepted.index()], 2);
        assert_eq!(jatim.proposals_sent(), 2);
        assert_eq!(jatim.proposals_total(), 3);
        assert_eq!(jatim.recipients[1], 4);
        assert_eq!(jatim.participants, 9);
        assert_eq!(jatim.regencies_at_minimum, 1);
        let kalbar = &o.rows[1].1;
        assert_eq!(kalbar.aid_total(), 3);
        assert_eq!(kalbar.aid_late, 1);
        assert_eq!(kalbar.workplans_total(), 5);
        assert_eq!(kalbar.regencies_proposing, 1);
        assert_eq!(kalbar.regencies_at_minimum, 1);
        assert_eq!(o.total.regencies_at_minimum, 2);
        assert_eq!(o.total.proposals_total(), 3);

        // Jawa Timur: one row per regency.
        let o = overview(
            2024,
            Some(RegionCode::parse("35").unwrap()),
            3,
            &counts,
            &by_regency,
        );
        assert_eq!(o.row_level, Level::Regency);
        let codes: Vec<_> = o.rows.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, ["3520", "3578", "6103"]);
        assert_eq!(o.rows[0].1.regencies_at_minimum, 0);
        assert_eq!(o.rows[0].1.regencies_proposing, 1);
        assert_eq!(shortfall(o.rows[0].1.proposals_sent(), 3), 1);

        // Magetan: one row per kecamatan; the regency's standing in the total.
        let o = overview(
            2024,
            Some(RegionCode::parse("3520").unwrap()),
            2,
            &counts,
            &by_regency,
        );
        assert_eq!(o.row_level, Level::District);
        assert_eq!(o.rows[0].0.as_str(), "352001");
        assert_eq!(o.rows[0].1.regencies_proposing, 0);
        assert_eq!(o.total.regencies_at_minimum, 2);
    }

    #[test]
    fn choices_round_trip() {
        for s in ProposalStatus::ALL {
            assert_eq!(ProposalStatus::parse(s.key()), Ok(*s));
            assert_eq!(ProposalStatus::ALL[s.index()], *s);
        }
        assert_eq!(parse_participation(""), Err(Problem::Required));
        assert_eq!(parse_participation("none"), Err(Problem::UnknownChoice));
        assert_eq!(
            parse_participation("district_proposed"),
            Ok(Participation::DistrictProposed)
        );
    }
}

//! Program events (Bimtek SPP-TIK and others): agenda, trainers, registration, attendance, tests, survey, certificates.
//!
//! Domain types and rules only: no I/O.
//!
//! - An event belongs to a province or a regency ([`EventDraft`]). Its
//!   organisers are the officers whose reach contains that region
//!   ([`may_organise`]); who else sees it is [`Access::of`].
//! - A participant attends in person or online ([`AttendMode`]); a session
//!   is held in person, online or both ([`Mode`]), and a participant's roll
//!   call lists only the sessions of their mode ([`attends`]).
//! - Seats are limited per mode; a full mode refuses or waitlists
//!   ([`seat_for`]).
//! - A certificate goes to a participant present at a share of their
//!   sessions set per event (default all of them: [`qualifies`]), carries a
//!   random unguessable code ([`CertificateCode`]) and is verified publicly
//!   by that code.

use crate::field::{
    Collector, Invalid, Problem, optional, optional_decimal, optional_int, optional_phone,
    optional_text, required_text,
};
use crate::ids::LibraryId;
use crate::libraries::choice_enum;
use crate::regions::{Level, RegionCode, RegionTree};
use crate::text::search_key;
use crate::users::{Actor, Place, Reach, Role};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

pub use crate::circulation::Gender;

choice_enum!(
    /// What kind of program event.
    EventKind {
        Bimtek = "bimtek",
        Replication = "replication",
        MonitoringSystem = "monitoring_system",
        PeerLearning = "peer_learning",
        Stakeholder = "stakeholder",
    }
);

choice_enum!(
    /// How an event or a session is held.
    Mode {
        InPerson = "in_person",
        Online = "online",
        Blended = "blended",
    }
);

choice_enum!(
    /// How one participant takes part.
    AttendMode {
        InPerson = "in_person",
        Online = "online",
    }
);

choice_enum!(
    /// A session's topic: the Bimtek SPP-TIK curriculum, or another with a
    /// title of its own.
    Topic {
        KonsepTpbis = "konsep_tpbis",
        LayananInformasi = "layanan_informasi",
        PelibatanMasyarakat = "pelibatan_masyarakat",
        Advokasi = "advokasi",
        Monev = "monev",
        RencanaKerja = "rencana_kerja",
        EtosKerja = "etos_kerja",
        LayananPrima = "layanan_prima",
        TikDasar = "tik_dasar",
        Other = "other",
    }
);

choice_enum!(
    /// A participant's place in the village team.
    TeamRole {
        KepalaDesa = "kepala_desa",
        PerangkatDesa = "perangkat_desa",
        Pengelola = "pengelola",
        Pkk = "pkk",
        KarangTaruna = "karang_taruna",
        Bpd = "bpd",
        Other = "lainnya",
    }
);

choice_enum!(
    /// Where a registration stands.
    ParticipantStatus {
        Registered = "registered",
        Waitlisted = "waitlisted",
        Cancelled = "cancelled",
    }
);

impl Mode {
    /// Which ways of attending an event of this mode offers.
    pub fn attend_modes(self) -> &'static [AttendMode] {
        match self {
            Mode::InPerson => &[AttendMode::InPerson],
            Mode::Online => &[AttendMode::Online],
            Mode::Blended => &[AttendMode::InPerson, AttendMode::Online],
        }
    }
    pub fn offers(self, a: AttendMode) -> bool {
        self.attend_modes().contains(&a)
    }
}

impl AttendMode {
    /// The field an error about this mode's seats is reported on, so the
    /// message names the mode ("Kursi tatap muka sudah penuh").
    pub fn seats_field(self) -> &'static str {
        match self {
            AttendMode::InPerson => "seats_in_person",
            AttendMode::Online => "seats_online",
        }
    }
}

/// Does a participant attending in `attend` take part in a session held in
/// `session`? A blended session (a plenary streamed from the hall) is for
/// everyone.
pub fn attends(session: Mode, attend: AttendMode) -> bool {
    match session {
        Mode::Blended => true,
        Mode::InPerson => attend == AttendMode::InPerson,
        Mode::Online => attend == AttendMode::Online,
    }
}

/// The work plans are due this many days after the event unless the event
/// says otherwise (Jambi 2023: "within one month").
pub const DEFAULT_WORKPLAN_DUE_DAYS: i32 = 30;
/// Certificates go to participants present at every one of their sessions
/// unless the event sets a lower share.
pub const DEFAULT_CERTIFICATE_PERCENT: i32 = 100;
/// The longest event: a blended Bimtek with an in-person wave in May and an
/// online one in July (Jawa Timur 2024) fits.
pub const MAX_EVENT_DAYS: i64 = 120;

/// An event as typed into the form or sent to the API.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventForm {
    pub kind: String,
    pub title: String,
    pub region_code: String,
    pub venue: String,
    pub starts_on: String,
    pub ends_on: String,
    pub mode: String,
    pub meeting_link: String,
    pub organiser: String,
    pub capacity_in_person: String,
    pub capacity_online: String,
    pub workplan_due_days: String,
    pub certificate_percent: String,
    pub signatory_name: String,
    pub signatory_position: String,
}

impl EventForm {
    /// Sets a field by its key; unknown keys are ignored and reported.
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        let slot = match key {
            "kind" | "event_kind" => &mut self.kind,
            "title" | "event_title" => &mut self.title,
            "region_code" => &mut self.region_code,
            "venue" => &mut self.venue,
            "starts_on" => &mut self.starts_on,
            "ends_on" => &mut self.ends_on,
            "mode" | "event_mode" => &mut self.mode,
            "meeting_link" => &mut self.meeting_link,
            "organiser" => &mut self.organiser,
            "capacity_in_person" => &mut self.capacity_in_person,
            "capacity_online" => &mut self.capacity_online,
            "workplan_due_days" => &mut self.workplan_due_days,
            "certificate_percent" => &mut self.certificate_percent,
            "signatory_name" => &mut self.signatory_name,
            "signatory_position" => &mut self.signatory_position,
            _ => return false,
        };
        *slot = value.to_string();
        true
    }

    /// The values by key, for the audit trail's before/after.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("event_kind", self.kind.clone()),
            ("event_title", self.title.clone()),
            ("region_code", self.region_code.clone()),
            ("venue", self.venue.clone()),
            ("starts_on", self.starts_on.clone()),
            ("ends_on", self.ends_on.clone()),
            ("event_mode", self.mode.clone()),
            ("meeting_link", self.meeting_link.clone()),
            ("organiser", self.organiser.clone()),
            ("capacity_in_person", self.capacity_in_person.clone()),
            ("capacity_online", self.capacity_online.clone()),
            ("workplan_due_days", self.workplan_due_days.clone()),
            ("certificate_percent", self.certificate_percent.clone()),
            ("signatory_name", self.signatory_name.clone()),
            ("signatory_position", self.signatory_position.clone()),
        ]
    }
}

/// An event's details after parsing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventDraft {
    pub kind: EventKind,
    pub title: String,
    /// A province or a regency.
    pub region_code: RegionCode,
    pub venue: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub mode: Mode,
    /// Free text: a Zoom URL, or "Zoom ID 812 3456 7890, kode sandi 1234".
    pub meeting_link: Option<String>,
    pub organiser: Option<String>,
    /// Seats per mode; `None` is no limit. Only for modes the event offers.
    pub capacity_in_person: Option<i32>,
    pub capacity_online: Option<i32>,
    pub workplan_due_days: i32,
    /// Share (1–100) of a participant's sessions they must attend for a
    /// certificate.
    pub certificate_percent: i32,
    pub signatory_name: Option<String>,
    pub signatory_position: Option<String>,
}

impl EventDraft {
    /// The capacity for one way of attending.
    pub fn capacity(&self, a: AttendMode) -> Option<i32> {
        match a {
            AttendMode::InPerson => self.capacity_in_person,
            AttendMode::Online => self.capacity_online,
        }
    }

    /// The day work plans from this event are due.
    pub fn workplan_due(&self) -> NaiveDate {
        self.ends_on + chrono::Duration::days(i64::from(self.workplan_due_days))
    }

    /// Parses a form. `today` bounds the dates (from 2018, the program's
    /// first year, to two years ahead).
    pub fn parse(f: &EventForm, regions: &RegionTree, today: NaiveDate) -> Result<Self, Invalid> {
        let mut c = Collector::default();
        // Field keys carry the `event_` prefix where the plain word already
        // names another feature's field ("kind" is a library's type).
        let kind = c.take(
            "event_kind",
            required_text(&f.kind, 40).and_then(|k| EventKind::parse(&k)),
        );
        let title = c.take("event_title", required_text(&f.title, 200));
        let region_code = c.take("region_code", event_region(&f.region_code, regions));
        let venue = c.take("venue", optional_text(&f.venue, 200));
        let earliest = NaiveDate::from_ymd_opt(2018, 1, 1).unwrap_or(today);
        let latest = NaiveDate::from_ymd_opt(today.year() + 2, 12, 31).unwrap_or(today);
        let window = |s: &str| -> Result<Option<NaiveDate>, Problem> {
            match parse_date(s)? {
                Some(d) if d < earliest || d > latest => {
                    Err(Problem::DateOutOfRange { earliest, latest })
                }
                d => Ok(d),
            }
        };
        let starts_on = c.take(
            "starts_on",
            window(&f.starts_on).and_then(|d| d.ok_or(Problem::Required)),
        );
        let ends_on = c.take("ends_on", window(&f.ends_on));
        let mode = c.take(
            "event_mode",
            required_text(&f.mode, 20).and_then(|m| Mode::parse(&m)),
        );
        let meeting_link = c.take("meeting_link", optional_text(&f.meeting_link, 500));
        let organiser = c.take("organiser", optional_text(&f.organiser, 200));
        let cap_in = c.take(
            "capacity_in_person",
            optional_int(&f.capacity_in_person, 1, 10_000),
        );
        let cap_on = c.take(
            "capacity_online",
            optional_int(&f.capacity_online, 1, 10_000),
        );
        let due = c.take(
            "workplan_due_days",
            optional_int(&f.workplan_due_days, 1, 365),
        );
        let percent = c.take(
            "certificate_percent",
            optional_int(&f.certificate_percent, 1, 100),
        );
        let signatory_name = c.take("signatory_name", optional_text(&f.signatory_name, 120));
        let signatory_position = c.take(
            "signatory_position",
            optional_text(&f.signatory_position, 200),
        );

        let ends_on = match (starts_on, ends_on) {
            (Some(s), Some(Some(e))) if e < s => {
                c.errors.push("ends_on", Problem::EndBeforeStart);
                None
            }
            (Some(s), Some(Some(e))) if (e - s).num_days() >= MAX_EVENT_DAYS => {
                c.errors.push(
                    "ends_on",
                    Problem::DateOutOfRange {
                        earliest: s,
                        latest: s + chrono::Duration::days(MAX_EVENT_DAYS - 1),
                    },
                );
                None
            }
            (Some(s), Some(e)) => Some(e.unwrap_or(s)),
            _ => None,
        };
        // A seat limit for a way of attending the event does not offer is
        // a mistake worth pointing at, not something to keep silently.
        if let Some(m) = mode {
            if !m.offers(AttendMode::InPerson) && matches!(cap_in, Some(Some(_))) {
                c.errors.push("capacity_in_person", Problem::NotAllowedHere);
            }
            if !m.offers(AttendMode::Online) && matches!(cap_on, Some(Some(_))) {
                c.errors.push("capacity_online", Problem::NotAllowedHere);
            }
            if m == Mode::InPerson && matches!(meeting_link, Some(Some(_))) {
                c.errors.push("meeting_link", Problem::NotAllowedHere);
            }
        }
        if let (Some(Some(_)), Some(None)) = (&signatory_name, &signatory_position) {
            c.errors.push("signatory_position", Problem::Required);
        }
        let draft = (|| {
            Some(EventDraft {
                kind: kind?,
                title: title?,
                region_code: region_code?,
                venue: venue?,
                starts_on: starts_on?,
                ends_on: ends_on?,
                mode: mode?,
                meeting_link: meeting_link?,
                organiser: organiser?,
                capacity_in_person: cap_in?.map(|n| n as i32),
                capacity_online: cap_on?.map(|n| n as i32),
                workplan_due_days: due?.map_or(DEFAULT_WORKPLAN_DUE_DAYS, |n| n as i32),
                certificate_percent: percent?.map_or(DEFAULT_CERTIFICATE_PERCENT, |n| n as i32),
                signatory_name: signatory_name?,
                signatory_position: signatory_position?,
            })
        })();
        match draft {
            Some(d) if c.errors.is_empty() => Ok(d),
            _ => Err(c.errors),
        }
    }

    /// The form that shows this event for editing.
    pub fn to_form(&self) -> EventForm {
        let num = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
        EventForm {
            kind: self.kind.key().into(),
            title: self.title.clone(),
            region_code: self.region_code.to_string(),
            venue: self.venue.clone().unwrap_or_default(),
            starts_on: self.starts_on.to_string(),
            ends_on: self.ends_on.to_string(),
            mode: self.mode.key().into(),
            meeting_link: self.meeting_link.clone().unwrap_or_default(),
            organiser: self.organiser.clone().unwrap_or_default(),
            capacity_in_person: num(self.capacity_in_person),
            capacity_online: num(self.capacity_online),
            workplan_due_days: self.workplan_due_days.to_string(),
            certificate_percent: self.certificate_percent.to_string(),
            signatory_name: self.signatory_name.clone().unwrap_or_default(),
            signatory_position: self.signatory_position.clone().unwrap_or_default(),
        }
    }
}

/// Dates as `YYYY-MM-DD` (the date input) or `DD-MM-YYYY` / `DD/MM/YYYY`
/// (how people write them). Empty is `None`.
pub fn parse_date(s: &str) -> Result<Option<NaiveDate>, Problem> {
    let Some(t) = optional(s) else {
        return Ok(None);
    };
    for fmt in ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            return Ok(Some(d));
        }
    }
    Err(Problem::BadDate)
}

/// A clock time as `09.00` (the Indonesian way) or `09:00`.
pub fn parse_time(s: &str) -> Result<Option<NaiveTime>, Problem> {
    let Some(t) = optional(s) else {
        return Ok(None);
    };
    // No variant says "not a time"; the field's label shows the format.
    NaiveTime::parse_from_str(&t.replace('.', ":"), "%H:%M")
        .map(Some)
        .map_err(|_| Problem::NotANumber)
}

fn event_region(s: &str, regions: &RegionTree) -> Result<RegionCode, Problem> {
    let t = optional(s).ok_or(Problem::Required)?;
    let code = RegionCode::parse(t)?;
    if !matches!(code.level(), Level::Province | Level::Regency) {
        return Err(Problem::WrongRegionLevel {
            expected: Level::Regency,
        });
    }
    if !regions.contains(&code) {
        return Err(Problem::UnknownRegion);
    }
    Ok(code)
}

/// May this actor organise events in `region` (create, edit, register
/// anyone, take attendance, enter scores and surveys, issue certificates)?
/// Officers whose reach contains the region: the nation, the province, the
/// district.
pub fn may_organise(actor: &Actor, region: &RegionCode) -> bool {
    actor.role.is_officer() && actor.reaches_region(region)
}

/// What the rules need to know about an event and the actor's libraries to
/// decide their access.
#[derive(Debug, Clone)]
pub struct EventFacts<'a> {
    pub region: &'a RegionCode,
    /// Whether libraries may still sign their teams up (the event has not
    /// started).
    pub open: bool,
    /// The actor's libraries (own library, assigned libraries) that have a
    /// team registered or waitlisted.
    pub registered: &'a [LibraryId],
    /// The villages of the actor's libraries (own, assigned).
    pub villages: &'a [(LibraryId, RegionCode)],
}

/// How much of an event an actor may see and do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Nothing: the event answers 404.
    None,
    /// A library's people or facilitator: the event, the agenda, and the
    /// participants of their own libraries.
    Library,
    /// An officer below the event's region (a district officer at the
    /// province's Bimtek): the event, and the participants of the libraries
    /// within their reach.
    Region,
    /// Everything, and every action.
    Organiser,
}

impl Access {
    pub fn of(actor: &Actor, e: &EventFacts<'_>) -> Access {
        if may_organise(actor, e.region) {
            return Access::Organiser;
        }
        if let Reach::Region(mine) = actor.reach()
            && mine.is_within(e.region)
        {
            return Access::Region;
        }
        let team = !e.registered.is_empty();
        // Events of the province (or regency) a library is in are open to
        // it while registration is open.
        let invited = e.open && e.villages.iter().any(|(_, v)| v.is_within(e.region));
        if matches!(actor.reach(), Reach::Libraries(_)) && (team || invited) {
            return Access::Library;
        }
        Access::None
    }

    /// May this actor see this participant (name, role, phone, scores)?
    /// Organisers see everyone; others only the people of libraries within
    /// their reach, so a library never sees another library's team.
    pub fn sees_participant(
        self,
        actor: &Actor,
        region: &RegionCode,
        library: Option<LibraryId>,
    ) -> bool {
        match self {
            Access::Organiser => true,
            Access::None => false,
            Access::Region | Access::Library => actor.reaches(&Place { region, library }),
        }
    }
}

/// May this actor sign up (or cancel) a participant from `library`? The
/// organiser for any library in the event's region; a library's manager for
/// their own library while registration is open.
pub fn may_register(
    actor: &Actor,
    access: Access,
    library: Option<LibraryId>,
    library_in_region: bool,
    open: bool,
) -> bool {
    match access {
        Access::Organiser => library.is_none() || library_in_region,
        Access::Library => {
            actor.role == Role::Manager
                && library.is_some()
                && actor.own_library() == library
                && library_in_region
                && open
        }
        Access::Region | Access::None => false,
    }
}

/// Where a new registration goes: a seat when the mode has room (or no
/// limit), the waitlist when it is full and the caller accepts that, a
/// refusal otherwise.
pub fn seat_for(
    capacity: Option<i32>,
    taken: i64,
    waitlist_if_full: bool,
) -> Result<ParticipantStatus, Problem> {
    match capacity {
        Some(cap) if taken >= i64::from(cap) => {
            if waitlist_if_full {
                Ok(ParticipantStatus::Waitlisted)
            } else {
                Err(Problem::Full)
            }
        }
        _ => Ok(ParticipantStatus::Registered),
    }
}

/// A trainer (pelatih ahli, narasumber) as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainerForm {
    pub name: String,
    pub institution: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrainerDraft {
    pub name: String,
    pub institution: Option<String>,
    /// "Pelatih ahli", "Narasumber", "Moderator"…
    pub role: Option<String>,
}

impl TrainerDraft {
    pub fn parse(f: &TrainerForm) -> Result<Self, Invalid> {
        let mut c = Collector::default();
        let name = c.take("trainer_name", required_text(&f.name, 120));
        let institution = c.take("institution", optional_text(&f.institution, 200));
        let role = c.take("trainer_role", optional_text(&f.role, 80));
        match (name, institution, role) {
            (Some(name), Some(institution), Some(role)) if c.errors.is_empty() => {
                Ok(TrainerDraft {
                    name,
                    institution,
                    role,
                })
            }
            _ => Err(c.errors),
        }
    }
}

/// An agenda session as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionForm {
    pub topic: String,
    pub title: String,
    pub date: String,
    pub start: String,
    pub end: String,
    pub mode: String,
    pub trainer_id: String,
}

impl SessionForm {
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        let slot = match key {
            "topic" => &mut self.topic,
            "title" | "session_title" => &mut self.title,
            "date" | "session_date" => &mut self.date,
            "start" => &mut self.start,
            "end" => &mut self.end,
            "mode" | "session_mode" => &mut self.mode,
            "trainer_id" => &mut self.trainer_id,
            _ => return false,
        };
        *slot = value.to_string();
        true
    }
}

/// A session after parsing: its date lies within the event, its mode is one
/// the event offers. Times are the event's local wall-clock time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionDraft {
    pub topic: Topic,
    /// The session's own title; for a curriculum topic it may be empty
    /// (the topic's name is shown).
    pub title: String,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub date: NaiveDate,
    pub mode: Mode,
    /// Checked against the event's trainers by the store.
    pub trainer_id: Option<String>,
}

impl SessionDraft {
    /// `event_mode` and the event's dates bound the session: an online
    /// event has no in-person session; a session falls within the event.
    pub fn parse(
        f: &SessionForm,
        event_mode: Mode,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
    ) -> Result<Self, Invalid> {
        let mut c = Collector::default();
        let topic = c.take(
            "topic",
            required_text(&f.topic, 40).and_then(|t| Topic::parse(&t)),
        );
        let title = c.take("session_title", optional_text(&f.title, 200));
        if let (Some(Topic::Other), Some(None)) = (topic, &title) {
            c.errors.push("session_title", Problem::Required);
        }
        let date = c.take(
            "session_date",
            parse_date(&f.date).and_then(|d| match d {
                // A one-day event needs no date typed.
                None if starts_on == ends_on => Ok(starts_on),
                None => Err(Problem::Required),
                Some(d) if d < starts_on || d > ends_on => Err(Problem::DateOutOfRange {
                    earliest: starts_on,
                    latest: ends_on,
                }),
                Some(d) => Ok(d),
            }),
        );
        let start = c.take("start", parse_time(&f.start));
        let end = c.take("end", parse_time(&f.end));
        if let (Some(Some(s)), Some(Some(e))) = (start, end)
            && e <= s
        {
            c.errors.push("end", Problem::EndBeforeStart);
        }
        let mode = c.take(
            "session_mode",
            match optional(&f.mode) {
                None if event_mode == Mode::Blended => Ok(Mode::Blended),
                None => Ok(event_mode),
                Some(m) => Mode::parse(m).and_then(|m| {
                    let fits = event_mode == Mode::Blended || m == event_mode;
                    if fits {
                        Ok(m)
                    } else {
                        Err(Problem::NotAllowedHere)
                    }
                }),
            },
        );
        let trainer_id = optional(&f.trainer_id).map(str::to_string);
        let draft = (|| {
            let date = date?;
            Some(SessionDraft {
                topic: topic?,
                title: title?.unwrap_or_default(),
                starts_at: start?.map(|t| date.and_time(t)),
                ends_at: end?.map(|t| date.and_time(t)),
                date,
                mode: mode?,
                trainer_id,
            })
        })();
        match draft {
            Some(d) if c.errors.is_empty() => Ok(d),
            _ => Err(c.errors),
        }
    }
}

/// A registration as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ParticipantForm {
    pub library_id: String,
    pub full_name: String,
    pub team_role: String,
    pub gender: String,
    pub phone: String,
    pub institution: String,
    pub attend_mode: String,
    /// "true": put on the waitlist when the mode is full instead of refusing.
    pub waitlist: String,
}

impl ParticipantForm {
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        let slot = match key {
            "library_id" | "library" => &mut self.library_id,
            "full_name" => &mut self.full_name,
            "team_role" => &mut self.team_role,
            "gender" => &mut self.gender,
            "phone" => &mut self.phone,
            "institution" => &mut self.institution,
            "attend_mode" => &mut self.attend_mode,
            "waitlist" => &mut self.waitlist,
            _ => return false,
        };
        *slot = value.to_string();
        true
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParticipantDraft {
    pub library_id: Option<LibraryId>,
    pub full_name: String,
    pub team_role: TeamRole,
    pub gender: Gender,
    pub phone: Option<String>,
    /// For people who come from no library (a camat, an agency's staff).
    pub institution: Option<String>,
    pub attend_mode: AttendMode,
    pub waitlist: bool,
}

impl ParticipantDraft {
    /// `event_mode` decides which ways of attending exist; a blended event
    /// needs the choice, others imply it.
    pub fn parse(f: &ParticipantForm, event_mode: Mode) -> Result<Self, Invalid> {
        let mut c = Collector::default();
        let library_id = c.take(
            "library_id",
            match optional(&f.library_id) {
                None => Ok(None),
                Some(s) => LibraryId::parse(s).map(Some),
            },
        );
        let full_name = c.take("full_name", required_text(&f.full_name, 120));
        let team_role = c.take(
            "team_role",
            required_text(&f.team_role, 40).and_then(|r| TeamRole::parse(&r)),
        );
        let gender = c.take(
            "gender",
            required_text(&f.gender, 20)
                .and_then(|g| crate::visits::gender_from_text(&g).ok_or(Problem::UnknownChoice)),
        );
        let phone = c.take("phone", optional_phone(&f.phone));
        let institution = c.take("institution", optional_text(&f.institution, 200));
        let attend_mode = c.take(
            "attend_mode",
            match optional(&f.attend_mode) {
                None => match event_mode.attend_modes() {
                    [only] => Ok(*only),
                    _ => Err(Problem::Required),
                },
                Some(m) => AttendMode::parse(m).and_then(|a| {
                    if event_mode.offers(a) {
                        Ok(a)
                    } else {
                        Err(Problem::NotAllowedHere)
                    }
                }),
            },
        );
        let waitlist = c.take("waitlist", crate::field::flag(&f.waitlist));
        if let (Some(None), Some(None)) = (&library_id, &institution) {
            // Someone from no library says where they come from.
            c.errors.push("institution", Problem::Required);
        }
        let draft = (|| {
            Some(ParticipantDraft {
                library_id: library_id?,
                full_name: full_name?,
                team_role: team_role?,
                gender: gender?,
                phone: phone?,
                institution: institution?,
                attend_mode: attend_mode?,
                waitlist: waitlist?,
            })
        })();
        match draft {
            Some(d) if c.errors.is_empty() => Ok(d),
            _ => Err(c.errors),
        }
    }

    /// The key that makes a person unique in one event and one place:
    /// "Siti  Aminah" and "SITI AMINAH" are the same person.
    pub fn name_key(&self) -> String {
        search_key(&self.full_name)
    }
}

/// A test score as typed: empty, or 0–100 (a decimal comma is fine).
pub fn parse_score(s: &str) -> Result<Option<f64>, Problem> {
    optional_decimal(s, 0.0, 100.0)
}

/// The tests of an event, summarised: averages, and the average gain of
/// those who sat both.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ScoreSummary {
    pub with_pre: usize,
    pub with_post: usize,
    pub with_both: usize,
    pub avg_pre: Option<f64>,
    pub avg_post: Option<f64>,
    /// Mean of (post − pre) over participants with both scores.
    pub avg_gain: Option<f64>,
}

impl ScoreSummary {
    pub fn of(scores: &[(Option<f64>, Option<f64>)]) -> ScoreSummary {
        let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
        let pre: Vec<f64> = scores.iter().filter_map(|s| s.0).collect();
        let post: Vec<f64> = scores.iter().filter_map(|s| s.1).collect();
        let gains: Vec<f64> = scores.iter().filter_map(|s| Some(s.1? - s.0?)).collect();
        ScoreSummary {
            with_pre: pre.len(),
            with_post: post.len(),
            with_both: gains.len(),
            avg_pre: mean(&pre),
            avg_post: mean(&post),
            avg_gain: mean(&gains),
        }
    }
}

/// The feedback form, as typed on paper or by a participant.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SurveyForm {
    pub content_rating: String,
    pub trainer_rating: String,
    pub organisation_rating: String,
    pub usefulness_rating: String,
    pub best: String,
    pub improve: String,
}

impl SurveyForm {
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        let slot = match key {
            "content_rating" => &mut self.content_rating,
            "trainer_rating" => &mut self.trainer_rating,
            "organisation_rating" => &mut self.organisation_rating,
            "usefulness_rating" => &mut self.usefulness_rating,
            "best" => &mut self.best,
            "improve" => &mut self.improve,
            _ => return false,
        };
        *slot = value.to_string();
        true
    }
}

/// The four questions rated 1–5, in form order.
pub const SURVEY_QUESTIONS: [&str; 4] = [
    "content_rating",
    "trainer_rating",
    "organisation_rating",
    "usefulness_rating",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyDraft {
    /// Content, trainers, organisation, usefulness: each 1–5.
    pub ratings: [i32; 4],
    pub best: Option<String>,
    pub improve: Option<String>,
}

impl SurveyDraft {
    pub fn parse(f: &SurveyForm) -> Result<Self, Invalid> {
        let mut c = Collector::default();
        let values = [
            &f.content_rating,
            &f.trainer_rating,
            &f.organisation_rating,
            &f.usefulness_rating,
        ];
        let mut ratings = [0i32; 4];
        for (i, (field, v)) in SURVEY_QUESTIONS.iter().zip(values).enumerate() {
            if let Some(r) = c.take(
                field,
                optional_int(v, 1, 5).and_then(|r| r.ok_or(Problem::Required)),
            ) {
                ratings[i] = r as i32;
            }
        }
        let best = c.take("best", optional_text(&f.best, 1000));
        let improve = c.take("improve", optional_text(&f.improve, 1000));
        match (best, improve) {
            (Some(best), Some(improve)) if c.errors.is_empty() => Ok(SurveyDraft {
                ratings,
                best,
                improve,
            }),
            _ => Err(c.errors),
        }
    }
}

/// The survey for the organisers: per question the average and how many
/// gave each rating, and every comment.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SurveySummary {
    pub responses: usize,
    /// Per question (in [`SURVEY_QUESTIONS`] order): the mean rating.
    pub averages: [Option<f64>; 4],
    /// Per question: how many answered 1, 2, 3, 4, 5.
    pub distribution: [[usize; 5]; 4],
    pub best: Vec<String>,
    pub improve: Vec<String>,
}

impl SurveySummary {
    pub fn of(responses: &[SurveyDraft]) -> SurveySummary {
        let mut s = SurveySummary {
            responses: responses.len(),
            ..Default::default()
        };
        let mut sums = [0i64; 4];
        for r in responses {
            for (q, v) in r.ratings.iter().enumerate() {
                if (1..=5).contains(v) {
                    s.distribution[q][(*v - 1) as usize] += 1;
                    sums[q] += i64::from(*v);
                }
            }
            s.best.extend(r.best.clone());
            s.improve.extend(r.improve.clone());
        }
        for (q, sum) in sums.iter().enumerate() {
            let n: usize = s.distribution[q].iter().sum();
            s.averages[q] = (n > 0).then(|| *sum as f64 / n as f64);
        }
        s
    }
}

/// Comments grouped: the same remark however capitalised or punctuated
/// counts once with how many gave it, most frequent first (then in the
/// order first given), so organisers read 200 forms as a short list.
pub fn tally_comments(comments: &[String]) -> Vec<(String, usize)> {
    let mut out: Vec<(String, String, usize)> = Vec::new();
    for c in comments {
        let key = search_key(c);
        match out.iter_mut().find(|(k, _, _)| *k == key) {
            Some(e) => e.2 += 1,
            None => out.push((key, c.clone(), 1)),
        }
    }
    // A stable sort keeps first-given order among equals.
    out.sort_by_key(|e| std::cmp::Reverse(e.2));
    out.into_iter().map(|(_, text, n)| (text, n)).collect()
}

/// Does a participant present at `attended` of their `sessions` sessions
/// earn a certificate at the event's `percent`? At least one session, and
/// at least that share (100 = every session).
pub fn qualifies(attended: usize, sessions: usize, percent: i32) -> bool {
    sessions > 0
        && attended > 0
        && (attended as i64) * 100 >= i64::from(percent.clamp(1, 100)) * sessions as i64
}

/// The symbols of certificate codes and survey links: digits and capitals
/// without 0/O, 1/I/L, which are confused when read off paper.
pub const CODE_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// 12 symbols of 31: about 59 bits, far beyond guessing through a
/// verification page.
pub const CERTIFICATE_CODE_LEN: usize = 12;

/// Draws `len` symbols of [`CODE_ALPHABET`] from a source of random bytes,
/// without bias (bytes ≥ 248 are drawn again).
pub fn random_code(len: usize, mut next_byte: impl FnMut() -> u8) -> String {
    let n = CODE_ALPHABET.len() as u8;
    let limit: u16 = 256 - 256 % u16::from(n);
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let b = next_byte();
        if u16::from(b) < limit {
            out.push(CODE_ALPHABET[(b % n) as usize] as char);
        }
    }
    out
}

/// A certificate's verification code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct CertificateCode(String);

impl CertificateCode {
    pub fn generate(next_byte: impl FnMut() -> u8) -> CertificateCode {
        CertificateCode(random_code(CERTIFICATE_CODE_LEN, next_byte))
    }

    /// Reads a code as printed or typed: any case, with spaces or dashes.
    pub fn parse(s: &str) -> Result<CertificateCode, Problem> {
        let t: String = s
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if t.len() == CERTIFICATE_CODE_LEN && t.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
            Ok(CertificateCode(t))
        } else {
            Err(Problem::NotFound)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As printed: three groups of four, "7KQM-X2PA-9RTE".
    pub fn grouped(&self) -> String {
        let b = self.0.as_bytes();
        b.chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }
}

impl From<CertificateCode> for String {
    fn from(c: CertificateCode) -> String {
        c.0
    }
}

impl std::fmt::Display for CertificateCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;
    use crate::regions::Region;
    use crate::users::Home;

    fn rc(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn tree() -> RegionTree {
        let r = |c: &str, n: &str| Region {
            code: rc(c),
            name: n.into(),
            latitude: None,
            longitude: None,
            postal_code: None,
        };
        RegionTree::new(vec![
            r("35", "JAWA TIMUR"),
            r("3520", "KABUPATEN MAGETAN"),
            r("352001", "PONCOL"),
            r("3520012001", "GONDANG"),
            r("61", "KALIMANTAN BARAT"),
        ])
        .unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn form() -> EventForm {
        EventForm {
            kind: "bimtek".into(),
            title: "Bimtek SPP-TIK Jawa Timur 2024".into(),
            region_code: "35".into(),
            venue: "Surabaya".into(),
            starts_on: "2024-07-03".into(),
            ends_on: "04-07-2024".into(),
            mode: "blended".into(),
            meeting_link: "https://zoom.us/j/123".into(),
            capacity_in_person: "20".into(),
            capacity_online: "".into(),
            ..Default::default()
        }
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
    fn parses_an_event_with_defaults() {
        let e = EventDraft::parse(&form(), &tree(), d("2026-11-21")).unwrap();
        assert_eq!(e.kind, EventKind::Bimtek);
        assert_eq!(e.ends_on, d("2024-07-04"));
        assert_eq!(e.capacity(AttendMode::InPerson), Some(20));
        assert_eq!(e.capacity(AttendMode::Online), None);
        assert_eq!(e.workplan_due_days, 30);
        assert_eq!(e.workplan_due(), d("2024-08-03"));
        assert_eq!(e.certificate_percent, 100);
        // Round trip through the edit form.
        assert_eq!(
            EventDraft::parse(&e.to_form(), &tree(), d("2026-11-21")).unwrap(),
            e
        );
        // One day: the end defaults to the start.
        let one = EventForm {
            ends_on: "".into(),
            ..form()
        };
        let e = EventDraft::parse(&one, &tree(), d("2026-11-21")).unwrap();
        assert_eq!(e.ends_on, e.starts_on);
    }

    #[test]
    fn names_every_bad_field() {
        let f = EventForm {
            kind: "arisan".into(),
            title: "".into(),
            region_code: "3520012001".into(),
            starts_on: "2024-07-05".into(),
            ends_on: "2024-07-04".into(),
            mode: "in_person".into(),
            meeting_link: "https://zoom.us/j/1".into(),
            capacity_online: "50".into(),
            certificate_percent: "0".into(),
            signatory_name: "Dra. Contoh".into(),
            ..Default::default()
        };
        let e = EventDraft::parse(&f, &tree(), d("2026-11-21")).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "event_kind",
                "event_title",
                "region_code",
                "certificate_percent",
                "ends_on",
                "capacity_online",
                "meeting_link",
                "signatory_position"
            ]
        );
        assert_eq!(
            e.for_field("region_code").unwrap().problem,
            Problem::WrongRegionLevel {
                expected: Level::Regency
            }
        );
        assert_eq!(
            e.for_field("ends_on").unwrap().problem,
            Problem::EndBeforeStart
        );
        // Dates far off are refused.
        let f = EventForm {
            starts_on: "2031-01-01".into(),
            ..form()
        };
        let e = EventDraft::parse(&f, &tree(), d("2026-11-21")).unwrap_err();
        assert!(matches!(
            e.for_field("starts_on").unwrap().problem,
            Problem::DateOutOfRange { .. }
        ));
    }

    #[test]
    fn organisers_and_access() {
        let jatim = rc("35");
        let magetan_lib = LibraryId::new();
        let v = rc("3520012001");
        let prov = actor(Role::Province, Home::Region { code: rc("35") });
        let dist = actor(Role::District, Home::Region { code: rc("3520") });
        let other = actor(Role::District, Home::Region { code: rc("6103") });
        let mgr = actor(
            Role::Manager,
            Home::Library {
                library_id: magetan_lib,
                village_code: v.clone(),
            },
        );
        let villages = vec![(magetan_lib, v.clone())];
        let none: Vec<LibraryId> = vec![];
        let closed = EventFacts {
            region: &jatim,
            open: false,
            registered: &none,
            villages: &villages,
        };
        assert!(may_organise(&prov, &jatim));
        assert!(!may_organise(&dist, &jatim));
        assert_eq!(Access::of(&prov, &closed), Access::Organiser);
        // A district officer sees the province's event, their part of it.
        assert_eq!(Access::of(&dist, &closed), Access::Region);
        assert_eq!(Access::of(&other, &closed), Access::None);
        // A library sees a closed event only when its team is registered…
        assert_eq!(Access::of(&mgr, &closed), Access::None);
        let team = vec![magetan_lib];
        let registered = EventFacts {
            registered: &team,
            ..closed.clone()
        };
        assert_eq!(Access::of(&mgr, &registered), Access::Library);
        // …or while registration is open in its province.
        let open = EventFacts {
            open: true,
            ..closed.clone()
        };
        assert_eq!(Access::of(&mgr, &open), Access::Library);
        let kalbar = rc("61");
        let elsewhere = EventFacts {
            region: &kalbar,
            ..open.clone()
        };
        assert_eq!(Access::of(&mgr, &elsewhere), Access::None);
        // Registration.
        assert!(may_register(
            &mgr,
            Access::Library,
            Some(magetan_lib),
            true,
            true
        ));
        assert!(!may_register(
            &mgr,
            Access::Library,
            Some(magetan_lib),
            true,
            false
        ));
        assert!(!may_register(
            &mgr,
            Access::Library,
            Some(LibraryId::new()),
            true,
            true
        ));
        assert!(may_register(
            &prov,
            Access::Organiser,
            Some(magetan_lib),
            true,
            false
        ));
        assert!(!may_register(
            &prov,
            Access::Organiser,
            Some(magetan_lib),
            false,
            true
        ));
        assert!(!may_register(
            &dist,
            Access::Region,
            Some(magetan_lib),
            true,
            true
        ));
        // Participants: a library sees its own people only.
        assert!(Access::Library.sees_participant(&mgr, &v, Some(magetan_lib)));
        assert!(!Access::Library.sees_participant(&mgr, &v, Some(LibraryId::new())));
        assert!(Access::Organiser.sees_participant(&prov, &rc("6103042001"), None));
        assert!(!Access::Region.sees_participant(&dist, &rc("3519012001"), Some(LibraryId::new())));
    }

    #[test]
    fn seats_fill_then_refuse_or_waitlist() {
        assert_eq!(
            seat_for(None, 1000, false),
            Ok(ParticipantStatus::Registered)
        );
        assert_eq!(
            seat_for(Some(2), 1, false),
            Ok(ParticipantStatus::Registered)
        );
        assert_eq!(seat_for(Some(2), 2, false), Err(Problem::Full));
        assert_eq!(
            seat_for(Some(2), 2, true),
            Ok(ParticipantStatus::Waitlisted)
        );
        assert_eq!(AttendMode::Online.seats_field(), "seats_online");
    }

    #[test]
    fn sessions_fit_the_event() {
        let (s, e) = (d("2024-07-03"), d("2024-07-04"));
        let f = SessionForm {
            topic: "konsep_tpbis".into(),
            date: "2024-07-03".into(),
            start: "08.30".into(),
            end: "10:00".into(),
            ..Default::default()
        };
        let ok = SessionDraft::parse(&f, Mode::Blended, s, e).unwrap();
        assert_eq!(ok.mode, Mode::Blended);
        assert_eq!(ok.starts_at.unwrap().to_string(), "2024-07-03 08:30:00");
        let bad = SessionForm {
            topic: "other".into(),
            date: "2024-07-09".into(),
            start: "10.00".into(),
            end: "09.00".into(),
            mode: "in_person".into(),
            ..Default::default()
        };
        let err = SessionDraft::parse(&bad, Mode::Online, s, e).unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["session_title", "session_date", "end", "session_mode"]
        );
        // One-day events need no date; an online event's sessions are online.
        let one = SessionForm {
            topic: "advokasi".into(),
            ..Default::default()
        };
        let ok = SessionDraft::parse(&one, Mode::Online, s, s).unwrap();
        assert_eq!((ok.date, ok.mode), (s, Mode::Online));
        assert!(attends(Mode::Blended, AttendMode::Online));
        assert!(!attends(Mode::InPerson, AttendMode::Online));
    }

    #[test]
    fn participants() {
        let f = ParticipantForm {
            library_id: LibraryId::new().to_string(),
            full_name: "  Siti   Aminah ".into(),
            team_role: "pengelola".into(),
            gender: "P".into(),
            phone: "0812 3456 7890".into(),
            ..Default::default()
        };
        let p = ParticipantDraft::parse(&f, Mode::InPerson).unwrap();
        assert_eq!(p.attend_mode, AttendMode::InPerson);
        assert_eq!(p.name_key(), "siti aminah");
        // A blended event needs the choice; an online one refuses in person.
        let e = ParticipantDraft::parse(&f, Mode::Blended).unwrap_err();
        assert_eq!(e.0[0].field, "attend_mode");
        let g = ParticipantForm {
            attend_mode: "in_person".into(),
            ..f.clone()
        };
        assert_eq!(
            ParticipantDraft::parse(&g, Mode::Online).unwrap_err().0[0].problem,
            Problem::NotAllowedHere
        );
        // Without a library, the institution is asked.
        let h = ParticipantForm {
            library_id: "".into(),
            gender: "x".into(),
            ..f
        };
        let e = ParticipantDraft::parse(&h, Mode::InPerson).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["gender", "institution"]);
    }

    #[test]
    fn scores_and_surveys_summarise() {
        let s = ScoreSummary::of(&[
            (Some(50.0), Some(80.0)),
            (Some(60.0), Some(70.0)),
            (None, Some(90.0)),
            (Some(40.0), None),
        ]);
        assert_eq!((s.with_pre, s.with_post, s.with_both), (3, 3, 2));
        assert_eq!(s.avg_gain, Some(20.0));
        assert_eq!(s.avg_pre, Some(50.0));
        assert_eq!(ScoreSummary::of(&[]).avg_gain, None);

        let r = |a: &str, b: &str, best: &str| SurveyForm {
            content_rating: a.into(),
            trainer_rating: b.into(),
            organisation_rating: "4".into(),
            usefulness_rating: "5".into(),
            best: best.into(),
            improve: "".into(),
        };
        let e = SurveyDraft::parse(&r("6", "", "")).unwrap_err();
        assert_eq!(
            e.0,
            vec![
                crate::field::FieldError::new(
                    "content_rating",
                    Problem::OutOfRange { min: 1, max: 5 }
                ),
                crate::field::FieldError::new("trainer_rating", Problem::Required),
            ]
        );
        let all = [
            SurveyDraft::parse(&r("5", "4", "Praktik TIK")).unwrap(),
            SurveyDraft::parse(&r("4", "4", "")).unwrap(),
        ];
        let s = SurveySummary::of(&all);
        assert_eq!(s.responses, 2);
        assert_eq!(s.averages[0], Some(4.5));
        assert_eq!(s.distribution[0], [0, 0, 0, 1, 1]);
        assert_eq!(s.best, ["Praktik TIK"]);
        assert!(s.improve.is_empty());
        let said = [
            "Waktu praktik kurang",
            "Materi bagus",
            "waktu praktik KURANG!",
        ];
        let said: Vec<String> = said.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            tally_comments(&said),
            [
                ("Waktu praktik kurang".to_string(), 2),
                ("Materi bagus".to_string(), 1)
            ]
        );
    }

    #[test]
    fn certificates_need_attendance_and_a_good_code() {
        assert!(qualifies(8, 8, 100));
        assert!(!qualifies(7, 8, 100));
        assert!(qualifies(7, 8, 80));
        assert!(qualifies(1, 8, 1));
        assert!(!qualifies(0, 8, 1));
        assert!(!qualifies(0, 0, 100));

        let mut n = 0u8;
        let code = CertificateCode::generate(|| {
            n = n.wrapping_add(37);
            n
        });
        assert_eq!(code.as_str().len(), 12);
        assert!(code.as_str().bytes().all(|b| CODE_ALPHABET.contains(&b)));
        assert!(!code.as_str().contains(['0', 'O', '1', 'I', 'L']));
        let grouped = code.grouped();
        assert_eq!(grouped.len(), 14);
        assert_eq!(CertificateCode::parse(&grouped.to_lowercase()), Ok(code));
        assert!(CertificateCode::parse("ABCD-EFGH-JKM0").is_err());
        assert!(CertificateCode::parse("ABCD").is_err());
        // Bytes that would bias the draw are skipped.
        let mut bytes = [255u8, 250, 0].into_iter().cycle();
        assert_eq!(random_code(3, || bytes.next().unwrap()), "222");
    }
}

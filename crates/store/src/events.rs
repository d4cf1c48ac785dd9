//! Program events (Bimtek SPP-TIK and others): agenda, trainers, registration, attendance, tests, survey, certificates.
//!
//! The rules (who may do what, seats, certificate eligibility) are in
//! `lentera_core::events`; this module stores and reads. Every write runs in
//! one `write_tx` with its audit entry, and notifications to the library
//! teams concerned go out in the same transaction.
//!
//! Seats are checked under a write lock on the event's row: SQLite's
//! `BEGIN IMMEDIATE` already serialises writers, and on PostgreSQL the
//! no-op `UPDATE events SET updated_at = updated_at` at the start of a
//! registration makes two registrations for one event queue instead of both
//! taking the last seat.

use crate::audit;
use crate::conn::{DbConn, Dialect, write_tx};
use crate::error::{StoreError, StoreResult};
use crate::notifications::{self, Note};
use crate::schema::{
    event_attendance, event_participants, event_sessions, event_survey_responses, event_trainers,
    events, libraries,
};
use crate::{Page, now};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use lentera_core::audit::{ActorRef, Change};
use lentera_core::events::{
    AttendMode, CertificateCode, EventDraft, EventKind, Gender, Mode, ParticipantDraft,
    ParticipantStatus, ScoreSummary, SessionDraft, SurveyDraft, SurveySummary, TeamRole, Topic,
    TrainerDraft, attends, qualifies, seat_for,
};
use lentera_core::field::{Invalid, Problem};
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use lentera_core::users::Reach;
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub id: String,
    pub year: Option<i32>,
    #[serde(flatten)]
    pub details: EventDraft,
    /// The public feedback link's token, when the link is open.
    pub survey_token: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Event {
    pub fn region(&self) -> &RegionCode {
        &self.details.region_code
    }
    /// Libraries may sign their teams up until the first day.
    pub fn open(&self, today: NaiveDate) -> bool {
        today < self.details.starts_on
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = events)]
struct EventRow {
    id: String,
    year: Option<i32>,
    kind: String,
    title: String,
    region_code: String,
    venue: Option<String>,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    mode: String,
    meeting_link: Option<String>,
    organiser: Option<String>,
    capacity_in_person: Option<i32>,
    capacity_online: Option<i32>,
    workplan_due_days: i32,
    certificate_percent: i32,
    signatory_name: Option<String>,
    signatory_position: Option<String>,
    survey_token: Option<String>,
    created_by: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn bad(what: &str, id: &str) -> StoreError {
    StoreError::Data(format!("event data {id}: bad {what}"))
}

impl TryFrom<EventRow> for Event {
    type Error = StoreError;
    fn try_from(r: EventRow) -> StoreResult<Event> {
        Ok(Event {
            details: EventDraft {
                kind: EventKind::parse(&r.kind).map_err(|_| bad("kind", &r.id))?,
                title: r.title,
                region_code: RegionCode::parse(&r.region_code).map_err(|_| bad("region", &r.id))?,
                venue: r.venue,
                starts_on: r.starts_on,
                ends_on: r.ends_on,
                mode: Mode::parse(&r.mode).map_err(|_| bad("mode", &r.id))?,
                meeting_link: r.meeting_link,
                organiser: r.organiser,
                capacity_in_person: r.capacity_in_person,
                capacity_online: r.capacity_online,
                workplan_due_days: r.workplan_due_days,
                certificate_percent: r.certificate_percent,
                signatory_name: r.signatory_name,
                signatory_position: r.signatory_position,
            },
            id: r.id,
            year: r.year,
            survey_token: r.survey_token,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

fn change(action: &'static str, event: &Event, summary: String) -> Change {
    Change {
        action,
        entity: "event",
        entity_id: event.id.clone(),
        region: Some(event.region().clone()),
        library: None,
        summary,
        details: None,
    }
}

pub fn get(conn: &mut DbConn, id: &str) -> StoreResult<Event> {
    events::table
        .find(id)
        .select(EventRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

pub fn create(conn: &mut DbConn, by: &ActorRef, d: &EventDraft) -> StoreResult<Event> {
    let id = Uuid::now_v7().to_string();
    let at = now();
    write_tx(conn, |conn| {
        diesel::insert_into(events::table)
            .values((
                events::id.eq(&id),
                events::year.eq(Some(chrono::Datelike::year(&d.starts_on))),
                events::kind.eq(d.kind.key()),
                events::title.eq(&d.title),
                events::region_code.eq(d.region_code.as_str()),
                events::venue.eq(&d.venue),
                events::starts_on.eq(d.starts_on),
                events::ends_on.eq(d.ends_on),
                events::mode.eq(d.mode.key()),
                events::meeting_link.eq(&d.meeting_link),
                events::organiser.eq(&d.organiser),
                events::capacity_in_person.eq(d.capacity_in_person),
                events::capacity_online.eq(d.capacity_online),
                events::workplan_due_days.eq(d.workplan_due_days),
                events::certificate_percent.eq(d.certificate_percent),
                events::signatory_name.eq(&d.signatory_name),
                events::signatory_position.eq(&d.signatory_position),
                events::created_by.eq(by.id.map(|u| u.to_string())),
                events::created_at.eq(at),
                events::updated_at.eq(at),
            ))
            .execute(conn)?;
        let e = get(conn, &id)?;
        audit::record(
            conn,
            by,
            change(
                "event.create",
                &e,
                format!("{} ({} s.d. {})", d.title, d.starts_on, d.ends_on),
            ),
        )?;
        Ok(e)
    })
}

/// Changes an event. `expected` is the `updated_at` the editor read; a
/// newer one means someone else saved in between (409). Dates may not
/// leave sessions outside the event, and the mode may not drop a way of
/// attending that participants or sessions use.
pub fn update(
    conn: &mut DbConn,
    by: &ActorRef,
    id: &str,
    d: &EventDraft,
    expected: Option<NaiveDateTime>,
) -> StoreResult<Event> {
    write_tx(conn, |conn| {
        let before = get(conn, id)?;
        if expected.is_some_and(|e| e != before.updated_at) {
            return Err(StoreError::Conflict);
        }
        let mut errors = Invalid::default();
        let days: Vec<NaiveDate> = event_sessions::table
            .filter(event_sessions::event_id.eq(id))
            .select(event_sessions::held_on)
            .load(conn)?;
        if let Some(first) = days.iter().min()
            && *first < d.starts_on
        {
            errors.push(
                "starts_on",
                Problem::DateOutOfRange {
                    earliest: NaiveDate::from_ymd_opt(2018, 1, 1).unwrap_or(*first),
                    latest: *first,
                },
            );
        }
        if let Some(last) = days.iter().max()
            && *last > d.ends_on
        {
            errors.push(
                "ends_on",
                Problem::DateOutOfRange {
                    earliest: *last,
                    latest: *last + chrono::Duration::days(lentera_core::events::MAX_EVENT_DAYS),
                },
            );
        }
        if d.mode != before.details.mode {
            let modes: Vec<String> = event_participants::table
                .filter(event_participants::event_id.eq(id))
                .filter(event_participants::status.ne(ParticipantStatus::Cancelled.key()))
                .select(event_participants::attend_mode)
                .distinct()
                .load(conn)?;
            let session_modes: Vec<String> = event_sessions::table
                .filter(event_sessions::event_id.eq(id))
                .select(event_sessions::mode)
                .distinct()
                .load(conn)?;
            let people_fit = modes
                .iter()
                .filter_map(|m| AttendMode::parse(m).ok())
                .all(|a| d.mode.offers(a));
            let sessions_fit =
                d.mode == Mode::Blended || session_modes.iter().all(|m| m.as_str() == d.mode.key());
            if !people_fit || !sessions_fit {
                errors.push("mode", Problem::WrongStatus);
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        diesel::update(events::table.find(id))
            .set((
                events::year.eq(Some(chrono::Datelike::year(&d.starts_on))),
                events::kind.eq(d.kind.key()),
                events::title.eq(&d.title),
                events::region_code.eq(d.region_code.as_str()),
                events::venue.eq(&d.venue),
                events::starts_on.eq(d.starts_on),
                events::ends_on.eq(d.ends_on),
                events::mode.eq(d.mode.key()),
                events::meeting_link.eq(&d.meeting_link),
                events::organiser.eq(&d.organiser),
                events::capacity_in_person.eq(d.capacity_in_person),
                events::capacity_online.eq(d.capacity_online),
                events::workplan_due_days.eq(d.workplan_due_days),
                events::certificate_percent.eq(d.certificate_percent),
                events::signatory_name.eq(&d.signatory_name),
                events::signatory_position.eq(&d.signatory_position),
                events::updated_at
                    .eq(now().max(before.updated_at + chrono::Duration::microseconds(1))),
            ))
            .execute(conn)?;
        let after = get(conn, id)?;
        let mut c = change("event.update", &after, d.title.clone());
        c.details =
            lentera_core::audit::diff(&before.details.to_form().pairs(), &d.to_form().pairs());
        audit::record(conn, by, c)?;
        Ok(after)
    })
}

/// Deletes an event entered by mistake: only while nobody is registered.
pub fn delete(conn: &mut DbConn, by: &ActorRef, id: &str) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let e = get(conn, id)?;
        let people: i64 = event_participants::table
            .filter(event_participants::event_id.eq(id))
            .count()
            .get_result(conn)?;
        if people > 0 {
            return Err(Invalid::one("event", Problem::WrongStatus).into());
        }
        diesel::delete(event_sessions::table.filter(event_sessions::event_id.eq(id)))
            .execute(conn)?;
        diesel::delete(event_trainers::table.filter(event_trainers::event_id.eq(id)))
            .execute(conn)?;
        diesel::delete(
            event_survey_responses::table.filter(event_survey_responses::event_id.eq(id)),
        )
        .execute(conn)?;
        diesel::delete(events::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            by,
            change("event.delete", &e, e.details.title.clone()),
        )
    })
}

/// Who is looking at the list of events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    Everything,
    /// An officer: events in their region, and the events of the regions
    /// above them (the province's Bimtek for a district officer).
    Region(RegionCode),
    /// A library's people or a facilitator: events their libraries are
    /// signed up for, and events of the libraries' province or regency
    /// still open for registration.
    Libraries {
        ids: Vec<LibraryId>,
        villages: Vec<RegionCode>,
    },
}

impl Viewer {
    /// The viewer for a reach; library-bound reaches need the libraries'
    /// villages (see [`villages_of`]).
    pub fn new(reach: Reach, villages: Vec<RegionCode>) -> Viewer {
        match reach {
            Reach::Everything => Viewer::Everything,
            Reach::Region(r) => Viewer::Region(r),
            Reach::Libraries(ids) => Viewer::Libraries { ids, villages },
        }
    }
}

/// The villages of some libraries, with their ids.
pub fn villages_of(
    conn: &mut DbConn,
    ids: &[LibraryId],
) -> StoreResult<Vec<(LibraryId, RegionCode)>> {
    let keys: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
    let rows: Vec<(String, String)> = libraries::table
        .filter(libraries::id.eq_any(keys))
        .select((libraries::id, libraries::village_code))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, v)| Some((LibraryId::parse(&id).ok()?, RegionCode::parse(&v).ok()?)))
        .collect())
}

/// Which events to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum When {
    #[default]
    All,
    /// Not yet ended.
    Current,
    /// Ended.
    Past,
}

#[derive(Debug, Clone)]
pub struct EventQuery {
    pub viewer: Viewer,
    pub when: When,
    pub year: Option<i32>,
    pub text: Option<String>,
    pub today: NaiveDate,
    pub page: i64,
    pub per_page: i64,
}

/// An event in a list, with its numbers.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    #[serde(flatten)]
    pub event: Event,
    pub registered: i64,
    pub waitlisted: i64,
    /// Of the viewer's own libraries (library viewers only).
    pub my_team: i64,
}

diesel::define_sql_function! {
    /// SQL `lower()`.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

type EventFilter = Box<dyn BoxableExpression<events::table, Dialect, SqlType = Bool>>;

fn visible(viewer: &Viewer, today: NaiveDate) -> EventFilter {
    match viewer {
        Viewer::Everything => Box::new(true.into_sql::<Bool>()),
        Viewer::Region(r) => {
            let (lo, hi) = r.subtree_range();
            let above: Vec<String> = r.lineage().iter().map(|c| c.to_string()).collect();
            Box::new(
                events::region_code
                    .ge(lo)
                    .and(events::region_code.lt(hi))
                    .or(events::region_code.eq_any(above)),
            )
        }
        Viewer::Libraries { ids, villages } => {
            let ids: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
            let mut above: Vec<String> = villages
                .iter()
                .flat_map(|v| v.lineage())
                .map(|c| c.to_string())
                .collect();
            above.sort();
            above.dedup();
            Box::new(
                events::id
                    .eq_any(
                        event_participants::table
                            .filter(event_participants::library_id.eq_any(ids))
                            .filter(
                                event_participants::status.ne(ParticipantStatus::Cancelled.key()),
                            )
                            .select(event_participants::event_id),
                    )
                    .or(events::region_code
                        .eq_any(above)
                        .and(events::starts_on.gt(today))),
            )
        }
    }
}

fn filtered(q: &EventQuery) -> events::BoxedQuery<'static, Dialect> {
    let mut query = events::table
        .filter(visible(&q.viewer, q.today))
        .into_boxed::<Dialect>();
    match q.when {
        When::All => {}
        When::Current => query = query.filter(events::ends_on.ge(q.today)),
        When::Past => query = query.filter(events::ends_on.lt(q.today)),
    }
    if let Some(y) = q.year {
        query = query.filter(events::year.eq(y));
    }
    if let Some(t) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // LIKE is case-blind on SQLite only; lower both sides for PostgreSQL.
        let pattern = format!("%{}%", crate::users::like_escape(&t.to_lowercase()));
        query = query.filter(lower(events::title).like(pattern).escape('\\'));
    }
    query
}

/// Events the viewer may see, current ones soonest first, past ones latest
/// first.
pub fn list(conn: &mut DbConn, q: &EventQuery) -> StoreResult<Page<Listed>> {
    let per_page = q.per_page.clamp(1, 200);
    let page = q.page.max(1);
    let total: i64 = filtered(q).count().get_result(conn)?;
    let mut rows = filtered(q);
    rows = match q.when {
        When::Past => rows.order((events::starts_on.desc(), events::id.desc())),
        _ => rows.order((events::starts_on.asc(), events::id.asc())),
    };
    let items: Vec<Event> = rows
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(EventRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Event::try_from)
        .collect::<StoreResult<_>>()?;
    let ids: Vec<String> = items.iter().map(|e| e.id.clone()).collect();
    let counts: Vec<(String, String, i64)> = event_participants::table
        .filter(event_participants::event_id.eq_any(&ids))
        .group_by((event_participants::event_id, event_participants::status))
        .select((
            event_participants::event_id,
            event_participants::status,
            count_star(),
        ))
        .load(conn)?;
    let mine: Vec<(String, i64)> = match &q.viewer {
        Viewer::Libraries { ids: libs, .. } => event_participants::table
            .filter(event_participants::event_id.eq_any(&ids))
            .filter(
                event_participants::library_id
                    .eq_any(libs.iter().map(|l| l.to_string()).collect::<Vec<_>>()),
            )
            .filter(event_participants::status.ne(ParticipantStatus::Cancelled.key()))
            .group_by(event_participants::event_id)
            .select((event_participants::event_id, count_star()))
            .load(conn)?,
        _ => vec![],
    };
    let count = |id: &str, status: ParticipantStatus| {
        counts
            .iter()
            .filter(|(e, s, _)| e == id && s == status.key())
            .map(|c| c.2)
            .sum()
    };
    Ok(Page {
        items: items
            .into_iter()
            .map(|e| Listed {
                registered: count(&e.id, ParticipantStatus::Registered),
                waitlisted: count(&e.id, ParticipantStatus::Waitlisted),
                my_team: mine.iter().find(|(id, _)| *id == e.id).map_or(0, |m| m.1),
                event: e,
            })
            .collect(),
        total,
        page,
        per_page,
    })
}

/// Of `libraries`, those with someone registered or waitlisted for the
/// event (for [`lentera_core::events::Access::of`]).
pub fn registered_libraries(
    conn: &mut DbConn,
    event: &str,
    libraries: &[LibraryId],
) -> StoreResult<Vec<LibraryId>> {
    let keys: Vec<String> = libraries.iter().map(|l| l.to_string()).collect();
    let found: Vec<Option<String>> = event_participants::table
        .filter(event_participants::event_id.eq(event))
        .filter(event_participants::library_id.eq_any(keys))
        .filter(event_participants::status.ne(ParticipantStatus::Cancelled.key()))
        .select(event_participants::library_id)
        .distinct()
        .load(conn)?;
    Ok(found
        .into_iter()
        .flatten()
        .filter_map(|s| LibraryId::parse(&s).ok())
        .collect())
}

// ------------------------------------------------------------- trainers

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable)]
#[diesel(table_name = event_trainers)]
pub struct Trainer {
    pub id: String,
    pub event_id: String,
    pub name: String,
    pub institution: Option<String>,
    pub role: Option<String>,
}

pub fn trainers(conn: &mut DbConn, event: &str) -> StoreResult<Vec<Trainer>> {
    Ok(event_trainers::table
        .filter(event_trainers::event_id.eq(event))
        .order(event_trainers::id)
        .select(Trainer::as_select())
        .load(conn)?)
}

pub fn add_trainer(
    conn: &mut DbConn,
    by: &ActorRef,
    event: &Event,
    d: &TrainerDraft,
) -> StoreResult<Trainer> {
    let t = Trainer {
        id: Uuid::now_v7().to_string(),
        event_id: event.id.clone(),
        name: d.name.clone(),
        institution: d.institution.clone(),
        role: d.role.clone(),
    };
    write_tx(conn, |conn| {
        diesel::insert_into(event_trainers::table)
            .values((
                event_trainers::id.eq(&t.id),
                event_trainers::event_id.eq(&t.event_id),
                event_trainers::name.eq(&t.name),
                event_trainers::institution.eq(&t.institution),
                event_trainers::role.eq(&t.role),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            by,
            change(
                "event.trainer_add",
                event,
                format!("{}: {}", event.details.title, t.name),
            ),
        )?;
        Ok(t)
    })
}

/// Removes a trainer; their sessions keep their place without a trainer.
pub fn remove_trainer(
    conn: &mut DbConn,
    by: &ActorRef,
    event: &Event,
    trainer: &str,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let name: String = event_trainers::table
            .filter(event_trainers::id.eq(trainer))
            .filter(event_trainers::event_id.eq(&event.id))
            .select(event_trainers::name)
            .first(conn)
            .optional()?
            .ok_or(StoreError::NotFound)?;
        diesel::update(event_sessions::table.filter(event_sessions::trainer_id.eq(trainer)))
            .set(event_sessions::trainer_id.eq(None::<String>))
            .execute(conn)?;
        diesel::delete(event_trainers::table.filter(event_trainers::id.eq(trainer)))
            .execute(conn)?;
        audit::record(
            conn,
            by,
            change(
                "event.trainer_remove",
                event,
                format!("{}: {name}", event.details.title),
            ),
        )
    })
}

// ------------------------------------------------------------- sessions

/// One session of the agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    pub id: String,
    pub event_id: String,
    pub topic: Topic,
    /// Empty for a curriculum topic without a title of its own.
    pub title: String,
    pub held_on: NaiveDate,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub mode: Mode,
    pub trainer_id: Option<String>,
}

type SessionRow = (
    String,
    String,
    String,
    String,
    NaiveDate,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    String,
    Option<String>,
    i32,
);

fn session_rows(conn: &mut DbConn, event: &str, one: Option<&str>) -> StoreResult<Vec<Session>> {
    let mut q = event_sessions::table
        .filter(event_sessions::event_id.eq(event.to_string()))
        .into_boxed::<Dialect>();
    if let Some(id) = one {
        q = q.filter(event_sessions::id.eq(id.to_string()));
    }
    let rows: Vec<SessionRow> = q
        .select((
            event_sessions::id,
            event_sessions::event_id,
            event_sessions::topic,
            event_sessions::title,
            event_sessions::held_on,
            event_sessions::starts_at,
            event_sessions::ends_at,
            event_sessions::mode,
            event_sessions::trainer_id,
            event_sessions::position,
        ))
        .load(conn)?;
    let mut out: Vec<(i32, Session)> = rows
        .into_iter()
        .map(
            |(id, event_id, topic, title, held_on, s, e, mode, trainer_id, pos)| {
                Ok((
                    pos,
                    Session {
                        topic: Topic::parse(&topic).map_err(|_| bad("topic", &id))?,
                        mode: Mode::parse(&mode).map_err(|_| bad("session mode", &id))?,
                        id,
                        event_id,
                        title,
                        held_on,
                        starts_at: s,
                        ends_at: e,
                        trainer_id,
                    },
                ))
            },
        )
        .collect::<StoreResult<_>>()?;
    // Day, then start time (untimed sessions after timed ones of their
    // day), then the order they were added. Sorted here: the backends
    // disagree on where NULLs sort.
    out.sort_by(|(pa, a), (pb, b)| {
        (a.held_on, a.starts_at.is_none(), a.starts_at, *pa).cmp(&(
            b.held_on,
            b.starts_at.is_none(),
            b.starts_at,
            *pb,
        ))
    });
    Ok(out.into_iter().map(|(_, s)| s).collect())
}

/// The agenda in order.
pub fn sessions(conn: &mut DbConn, event: &str) -> StoreResult<Vec<Session>> {
    session_rows(conn, event, None)
}

pub fn session(conn: &mut DbConn, event: &str, id: &str) -> StoreResult<Session> {
    session_rows(conn, event, Some(id))?
        .pop()
        .ok_or(StoreError::NotFound)
}

fn check_trainer(conn: &mut DbConn, event: &str, trainer: Option<&str>) -> StoreResult<()> {
    if let Some(t) = trainer {
        let n: i64 = event_trainers::table
            .filter(event_trainers::id.eq(t))
            .filter(event_trainers::event_id.eq(event))
            .count()
            .get_result(conn)?;
        if n == 0 {
            return Err(Invalid::one("trainer_id", Problem::NotFound).into());
        }
    }
    Ok(())
}

fn session_label(d: &SessionDraft) -> String {
    if d.title.is_empty() {
        d.topic.key().to_string()
    } else {
        d.title.clone()
    }
}

pub fn add_session(
    conn: &mut DbConn,
    by: &ActorRef,
    event: &Event,
    d: &SessionDraft,
) -> StoreResult<Session> {
    let id = Uuid::now_v7().to_string();
    write_tx(conn, |conn| {
        check_trainer(conn, &event.id, d.trainer_id.as_deref())?;
        let last: Option<i32> = event_sessions::table
            .filter(event_sessions::event_id.eq(&event.id))
            .select(diesel::dsl::max(event_sessions::position))
            .first(conn)?;
        diesel::insert_into(event_sessions::table)
            .values((
                event_sessions::id.eq(&id),
                event_sessions::event_id.eq(&event.id),
                event_sessions::position.eq(last.unwrap_or(0) + 1),
                event_sessions::topic.eq(d.topic.key()),
                event_sessions::title.eq(&d.title),
                event_sessions::held_on.eq(d.date),
                event_sessions::starts_at.eq(d.starts_at),
                event_sessions::ends_at.eq(d.ends_at),
                event_sessions::mode.eq(d.mode.key()),
                event_sessions::trainer_id.eq(&d.trainer_id),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            by,
            change(
                "event.session_add",
                event,
                format!("{}: {} ({})", event.details.title, session_label(d), d.date),
            ),
        )?;
        session(conn, &event.id, &id)
    })
}

pub fn update_session(
    conn: &mut DbConn,
    by: &ActorRef,
    event: &Event,
    id: &str,
    d: &SessionDraft,
) -> StoreResult<Session> {
    write_tx(conn, |conn| {
        session(conn, &event.id, id)?;
        check_trainer(conn, &event.id, d.trainer_id.as_deref())?;
        diesel::update(event_sessions::table.find(id))
            .set((
                event_sessions::topic.eq(d.topic.key()),
                event_sessions::title.eq(&d.title),
                event_sessions::held_on.eq(d.date),
                event_sessions::starts_at.eq(d.starts_at),
                event_sessions::ends_at.eq(d.ends_at),
                event_sessions::mode.eq(d.mode.key()),
                event_sessions::trainer_id.eq(&d.trainer_id),
            ))
            .execute(conn)?;
        // A session that changed mode keeps only the roll call of the
        // people it is still for.
        let changed = session(conn, &event.id, id)?;
        let rolls = roll_call_in(conn, event, &changed)?;
        let keep: Vec<String> = rolls.iter().map(|(p, _)| p.id.clone()).collect();
        diesel::delete(
            event_attendance::table
                .filter(event_attendance::session_id.eq(id))
                .filter(event_attendance::participant_id.ne_all(keep)),
        )
        .execute(conn)?;
        audit::record(
            conn,
            by,
            change(
                "event.session_update",
                event,
                format!("{}: {} ({})", event.details.title, session_label(d), d.date),
            ),
        )?;
        session(conn, &event.id, id)
    })
}

/// Removes a session and the roll call taken at it.
pub fn delete_session(
    conn: &mut DbConn,
    by: &ActorRef,
    event: &Event,
    id: &str,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let s = session(conn, &event.id, id)?;
        let taken =
            diesel::delete(event_attendance::table.filter(event_attendance::session_id.eq(id)))
                .execute(conn)?;
        diesel::delete(event_sessions::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            by,
            change(
                "event.session_delete",
                event,
                format!(
                    "{}: {} ({}), {taken} catatan hadir",
                    event.details.title,
                    if s.title.is_empty() {
                        s.topic.key()
                    } else {
                        &s.title
                    },
                    s.held_on
                ),
            ),
        )
    })
}

// ---------------------------------------------------------- participants

/// One registration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Participant {
    pub id: String,
    pub event_id: String,
    pub library_id: Option<LibraryId>,
    pub library_name: Option<String>,
    /// The library's village, or the event's region for people from no
    /// library: the place reach is checked against.
    pub region_code: RegionCode,
    pub full_name: String,
    pub team_role: TeamRole,
    pub gender: Gender,
    pub phone: Option<String>,
    pub institution: Option<String>,
    pub attend_mode: AttendMode,
    pub status: ParticipantStatus,
    pub pre_test: Option<f64>,
    pub post_test: Option<f64>,
    pub certificate_code: Option<String>,
    pub certificate_issued_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

type ParticipantRow = (
    (
        String,
        String,
        Option<String>,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        String,
    ),
    (
        Option<f64>,
        Option<f64>,
        Option<String>,
        Option<NaiveDateTime>,
        NaiveDateTime,
        Option<String>,
    ),
);

fn participant_rows(
    conn: &mut DbConn,
    event: &str,
    one: Option<&str>,
) -> StoreResult<Vec<Participant>> {
    let mut q = event_participants::table
        .left_join(libraries::table)
        .filter(event_participants::event_id.eq(event.to_string()))
        .into_boxed::<Dialect>();
    if let Some(id) = one {
        q = q.filter(event_participants::id.eq(id.to_string()));
    }
    let rows: Vec<ParticipantRow> = q
        .order((
            libraries::name.nullable().asc(),
            event_participants::created_at.asc(),
            event_participants::id.asc(),
        ))
        .select((
            (
                event_participants::id,
                event_participants::event_id,
                event_participants::library_id,
                event_participants::region_code,
                event_participants::full_name,
                event_participants::team_role,
                event_participants::gender,
                event_participants::phone,
                event_participants::institution,
                event_participants::attend_mode,
                event_participants::status,
            ),
            (
                event_participants::pre_test,
                event_participants::post_test,
                event_participants::certificate_code,
                event_participants::certificate_issued_at,
                event_participants::created_at,
                libraries::name.nullable(),
            ),
        ))
        .load(conn)?;
    rows.into_iter()
        .map(
            |(
                (
                    id,
                    event_id,
                    lib,
                    region,
                    full_name,
                    role,
                    gender,
                    phone,
                    institution,
                    mode,
                    status,
                ),
                (pre, post, code, issued, created, lib_name),
            )| {
                Ok(Participant {
                    library_id: lib.as_deref().and_then(|l| LibraryId::parse(l).ok()),
                    library_name: lib_name,
                    region_code: RegionCode::parse(&region).map_err(|_| bad("region", &id))?,
                    team_role: TeamRole::parse(&role).map_err(|_| bad("team role", &id))?,
                    gender: lentera_core::visits::gender_from_text(&gender)
                        .ok_or_else(|| bad("gender", &id))?,
                    attend_mode: AttendMode::parse(&mode).map_err(|_| bad("attend mode", &id))?,
                    status: ParticipantStatus::parse(&status).map_err(|_| bad("status", &id))?,
                    id,
                    event_id,
                    full_name,
                    phone,
                    institution,
                    pre_test: pre,
                    post_test: post,
                    certificate_code: code,
                    certificate_issued_at: issued,
                    created_at: created,
                })
            },
        )
        .collect()
}

/// Everyone registered, waitlisted or cancelled, by library name. Callers
/// show each only to those [`lentera_core::events::Access::sees_participant`]
/// allows.
pub fn participants(conn: &mut DbConn, event: &str) -> StoreResult<Vec<Participant>> {
    participant_rows(conn, event, None)
}

pub fn participant(conn: &mut DbConn, event: &str, id: &str) -> StoreResult<Participant> {
    participant_rows(conn, event, Some(id))?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Seats taken and waitlisted per way of attending.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Seats {
    pub in_person: i64,
    pub online: i64,
    pub waitlisted_in_person: i64,
    pub waitlisted_online: i64,
}

impl Seats {
    pub fn taken(&self, a: AttendMode) -> i64 {
        match a {
            AttendMode::InPerson => self.in_person,
            AttendMode::Online => self.online,
        }
    }
    pub fn waitlisted(&self, a: AttendMode) -> i64 {
        match a {
            AttendMode::InPerson => self.waitlisted_in_person,
            AttendMode::Online => self.waitlisted_online,
        }
    }
}

pub fn seats(conn: &mut DbConn, event: &str) -> StoreResult<Seats> {
    let rows: Vec<(String, String, i64)> = event_participants::table
        .filter(event_participants::event_id.eq(event))
        .group_by((event_participants::attend_mode, event_participants::status))
        .select((
            event_participants::attend_mode,
            event_participants::status,
            count_star(),
        ))
        .load(conn)?;
    let mut s = Seats::default();
    for (mode, status, n) in rows {
        let online = mode == AttendMode::Online.key();
        match (status.as_str(), online) {
            ("registered", false) => s.in_person += n,
            ("registered", true) => s.online += n,
            ("waitlisted", false) => s.waitlisted_in_person += n,
            ("waitlisted", true) => s.waitlisted_online += n,
            _ => {}
        }
    }
    Ok(s)
}

/// Queues concurrent registrations for one event (see the module docs).
fn lock_event(conn: &mut DbConn, event: &str) -> StoreResult<()> {
    let n = diesel::update(events::table.find(event))
        .set(events::updated_at.eq(events::updated_at))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

fn note_link(event: &Event) -> String {
    format!("/events/{}", event.id)
}

/// Signs someone up. `village` is the library's village (required with a
/// library: the caller has read the library to check reach). A full mode
/// refuses with `Full` on that mode's seats field, or waitlists when the
/// draft asks. The same person (folded name, same place) twice is a
/// `Duplicate` on `full_name`, unless their earlier registration was
/// cancelled, which this one then revives.
pub fn register(
    conn: &mut DbConn,
    by: &ActorRef,
    event: &Event,
    d: &ParticipantDraft,
    village: Option<&RegionCode>,
) -> StoreResult<Participant> {
    write_tx(conn, |conn| {
        lock_event(conn, &event.id)?;
        register_in(conn, by, event, d, village)
    })
}

/// Signs up a list in one transaction (a participant list typed from
/// paper or a spreadsheet, the demonstration): each row as [`register`]
/// would, in order, so seats fill and the waitlist starts where they run
/// out. Returns each row's outcome; a refused row (duplicate, full) does
/// not stop the others.
pub fn register_many(
    conn: &mut DbConn,
    by: &ActorRef,
    event: &Event,
    rows: &[(ParticipantDraft, Option<RegionCode>)],
) -> StoreResult<Vec<Result<Participant, Invalid>>> {
    write_tx(conn, |conn| {
        lock_event(conn, &event.id)?;
        let mut out = Vec::with_capacity(rows.len());
        for (d, village) in rows {
            out.push(match register_in(conn, by, event, d, village.as_ref()) {
                Ok(p) => Ok(p),
                Err(StoreError::Invalid(e)) => Err(e),
                Err(e) => return Err(e),
            });
        }
        Ok(out)
    })
}

/// One registration inside the caller's transaction, the event locked.
fn register_in(
    conn: &mut DbConn,
    by: &ActorRef,
    event: &Event,
    d: &ParticipantDraft,
    village: Option<&RegionCode>,
) -> StoreResult<Participant> {
    let region = match (d.library_id, village) {
        (Some(_), Some(v)) => v.clone(),
        (Some(_), None) => return Err(Invalid::one("library_id", Problem::NotFound).into()),
        (None, _) => event.region().clone(),
    };
    let key = d.name_key();
    let seats = seats(conn, &event.id)?;
    let status = seat_for(
        event.details.capacity(d.attend_mode),
        seats.taken(d.attend_mode),
        d.waitlist,
    )
    .map_err(|p| Invalid::one(d.attend_mode.seats_field(), p))?;
    let existing: Option<(String, String)> = event_participants::table
        .filter(event_participants::event_id.eq(&event.id))
        .filter(event_participants::region_code.eq(region.as_str()))
        .filter(event_participants::name_key.eq(&key))
        .select((event_participants::id, event_participants::status))
        .first(conn)
        .optional()?;
    let team_before: i64 = match d.library_id {
        Some(l) => event_participants::table
            .filter(event_participants::event_id.eq(&event.id))
            .filter(event_participants::library_id.eq(l.to_string()))
            .filter(event_participants::status.ne(ParticipantStatus::Cancelled.key()))
            .count()
            .get_result(conn)?,
        None => 0,
    };
    let at = now();
    let id = match existing {
        Some((_, s)) if s != ParticipantStatus::Cancelled.key() => {
            return Err(Invalid::one("full_name", Problem::Duplicate).into());
        }
        Some((id, _)) => {
            diesel::update(event_participants::table.find(&id))
                .set((
                    event_participants::library_id.eq(d.library_id.map(|l| l.to_string())),
                    event_participants::full_name.eq(&d.full_name),
                    event_participants::team_role.eq(d.team_role.key()),
                    event_participants::gender.eq(d.gender.key()),
                    event_participants::phone.eq(&d.phone),
                    event_participants::institution.eq(&d.institution),
                    event_participants::attend_mode.eq(d.attend_mode.key()),
                    event_participants::status.eq(status.key()),
                    event_participants::updated_at.eq(at),
                ))
                .execute(conn)?;
            id
        }
        None => {
            let id = Uuid::now_v7().to_string();
            diesel::insert_into(event_participants::table)
                .values((
                    event_participants::id.eq(&id),
                    event_participants::event_id.eq(&event.id),
                    event_participants::library_id.eq(d.library_id.map(|l| l.to_string())),
                    event_participants::region_code.eq(region.as_str()),
                    event_participants::full_name.eq(&d.full_name),
                    event_participants::name_key.eq(&key),
                    event_participants::team_role.eq(d.team_role.key()),
                    event_participants::gender.eq(d.gender.key()),
                    event_participants::phone.eq(&d.phone),
                    event_participants::institution.eq(&d.institution),
                    event_participants::attend_mode.eq(d.attend_mode.key()),
                    event_participants::status.eq(status.key()),
                    event_participants::created_at.eq(at),
                    event_participants::updated_at.eq(at),
                ))
                .execute(conn)?;
            id
        }
    };
    audit::record(
        conn,
        by,
        Change {
            action: "event.register",
            entity: "event_participant",
            entity_id: id.clone(),
            region: Some(region.clone()),
            library: d.library_id,
            summary: format!(
                "{}: {} ({}, {}, {})",
                event.details.title,
                d.full_name,
                d.team_role.key(),
                d.attend_mode.key(),
                status.key()
            ),
            details: None,
        },
    )?;
    // The library's team hears once, when its first member is signed up.
    if let Some(lib) = d.library_id
        && team_before == 0
    {
        let mut to = notifications::library_team(conn, lib)?;
        to.retain(|u| Some(u.as_str()) != by.id.map(|i| i.to_string()).as_deref());
        let id_text = format!("Tim perpustakaan Anda terdaftar di {}", event.details.title);
        let en_text = format!(
            "Your library's team is registered for {}",
            event.details.title
        );
        notifications::send(
            conn,
            &to,
            &Note {
                id: &id_text,
                en: &en_text,
                link: &note_link(event),
            },
        )?;
    }
    participant(conn, &event.id, &id)
}

/// Cancels a registration (and any certificate). When a seat frees up, the
/// earliest waitlisted person of the same way of attending gets it, and
/// their library's team is told. Returns that person.
pub fn cancel(
    conn: &mut DbConn,
    by: &ActorRef,
    event: &Event,
    id: &str,
) -> StoreResult<Option<Participant>> {
    write_tx(conn, |conn| {
        lock_event(conn, &event.id)?;
        let p = participant(conn, &event.id, id)?;
        if p.status == ParticipantStatus::Cancelled {
            return Ok(None);
        }
        diesel::update(event_participants::table.find(id))
            .set((
                event_participants::status.eq(ParticipantStatus::Cancelled.key()),
                event_participants::certificate_code.eq(None::<String>),
                event_participants::certificate_issued_at.eq(None::<NaiveDateTime>),
                event_participants::updated_at.eq(now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            by,
            Change {
                action: "event.cancel_registration",
                entity: "event_participant",
                entity_id: p.id.clone(),
                region: Some(p.region_code.clone()),
                library: p.library_id,
                summary: format!("{}: {}", event.details.title, p.full_name),
                details: None,
            },
        )?;
        if p.status != ParticipantStatus::Registered {
            return Ok(None);
        }
        let seats = seats(conn, &event.id)?;
        let room = event
            .details
            .capacity(p.attend_mode)
            .is_none_or(|cap| seats.taken(p.attend_mode) < i64::from(cap));
        if !room {
            return Ok(None);
        }
        let next: Option<String> = event_participants::table
            .filter(event_participants::event_id.eq(&event.id))
            .filter(event_participants::status.eq(ParticipantStatus::Waitlisted.key()))
            .filter(event_participants::attend_mode.eq(p.attend_mode.key()))
            .order((
                event_participants::created_at.asc(),
                event_participants::id.asc(),
            ))
            .select(event_participants::id)
            .first(conn)
            .optional()?;
        let Some(next) = next else {
            return Ok(None);
        };
        diesel::update(event_participants::table.find(&next))
            .set((
                event_participants::status.eq(ParticipantStatus::Registered.key()),
                event_participants::updated_at.eq(now()),
            ))
            .execute(conn)?;
        let q = participant(conn, &event.id, &next)?;
        audit::record(
            conn,
            by,
            Change {
                action: "event.promote",
                entity: "event_participant",
                entity_id: q.id.clone(),
                region: Some(q.region_code.clone()),
                library: q.library_id,
                summary: format!("{}: {}", event.details.title, q.full_name),
                details: None,
            },
        )?;
        if let Some(lib) = q.library_id {
            let to = notifications::library_team(conn, lib)?;
            let id_text = format!(
                "{} mendapat kursi di {} (dari daftar tunggu)",
                q.full_name, event.details.title
            );
            let en_text = format!(
                "{} has a seat at {} (from the waitlist)",
                q.full_name, event.details.title
            );
            notifications::send(
                conn,
                &to,
                &Note {
                    id: &id_text,
                    en: &en_text,
                    link: &note_link(event),
                },
            )?;
        }
        Ok(Some(q))
    })
}

// ------------------------------------------------------------ attendance

/// The people a session's roll call is for: registered, and attending in
/// the session's way.
fn roll_call_in(
    conn: &mut DbConn,
    event: &Event,
    s: &Session,
) -> StoreResult<Vec<(Participant, Option<bool>)>> {
    let people: Vec<Participant> = participants(conn, &event.id)?
        .into_iter()
        .filter(|p| p.status == ParticipantStatus::Registered && attends(s.mode, p.attend_mode))
        .collect();
    let marks: Vec<(String, bool)> = event_attendance::table
        .filter(event_attendance::session_id.eq(&s.id))
        .select((event_attendance::participant_id, event_attendance::present))
        .load(conn)?;
    let marks: HashMap<String, bool> = marks.into_iter().collect();
    Ok(people
        .into_iter()
        .map(|p| {
            let m = marks.get(&p.id).copied();
            (p, m)
        })
        .collect())
}

/// A session's roll call: each person it is for, and whether they were
/// marked present (`None`: not taken yet).
pub fn roll_call(
    conn: &mut DbConn,
    event: &Event,
    s: &Session,
) -> StoreResult<Vec<(Participant, Option<bool>)>> {
    roll_call_in(conn, event, s)
}

#[derive(Insertable)]
#[diesel(table_name = event_attendance)]
struct AttendanceRow {
    participant_id: String,
    session_id: String,
    mode: String,
    present: bool,
    recorded_by: Option<String>,
    recorded_at: NaiveDateTime,
}

/// Records a session's roll call: everyone in `present` (participant ids)
/// present, everyone else the session is for absent. Returns (present,
/// absent). An id the session is not for is a `NotFound` on `present`.
pub fn record_attendance(
    conn: &mut DbConn,
    by: &ActorRef,
    event: &Event,
    s: &Session,
    present: &[String],
) -> StoreResult<(usize, usize)> {
    write_tx(conn, |conn| {
        let people = roll_call_in(conn, event, s)?;
        if present
            .iter()
            .any(|id| !people.iter().any(|(p, _)| &p.id == id))
        {
            return Err(Invalid::one("present", Problem::NotFound).into());
        }
        let ids: Vec<String> = people.iter().map(|(p, _)| p.id.clone()).collect();
        diesel::delete(
            event_attendance::table
                .filter(event_attendance::session_id.eq(&s.id))
                .filter(event_attendance::participant_id.eq_any(&ids)),
        )
        .execute(conn)?;
        let at = now();
        let rows: Vec<AttendanceRow> = people
            .iter()
            .map(|(p, _)| AttendanceRow {
                participant_id: p.id.clone(),
                session_id: s.id.clone(),
                // A blended session records how each person followed it.
                mode: match s.mode {
                    Mode::Blended => p.attend_mode.key().to_string(),
                    m => m.key().to_string(),
                },
                present: present.contains(&p.id),
                recorded_by: Some(by.username.clone()),
                recorded_at: at,
            })
            .collect();
        for chunk in rows.chunks(500) {
            crate::on_backend!(conn, |c| diesel::insert_into(event_attendance::table)
                .values(chunk)
                .execute(c))?;
        }
        let n_present = rows.iter().filter(|r| r.present).count();
        let n_absent = rows.len() - n_present;
        audit::record(
            conn,
            by,
            change(
                "event.attendance",
                event,
                format!(
                    "{}: {} ({}): {n_present} hadir, {n_absent} tidak hadir",
                    event.details.title,
                    if s.title.is_empty() {
                        s.topic.key()
                    } else {
                        &s.title
                    },
                    s.held_on
                ),
            ),
        )?;
        Ok((n_present, n_absent))
    })
}

/// Per session: how many it is for, how many were marked, how many present.
#[derive(Debug, Clone, Serialize)]
pub struct SessionAttendance {
    pub session: Session,
    pub expected: usize,
    pub recorded: usize,
    pub present: usize,
}

pub fn attendance(conn: &mut DbConn, event: &Event) -> StoreResult<Vec<SessionAttendance>> {
    let people: Vec<Participant> = participants(conn, &event.id)?
        .into_iter()
        .filter(|p| p.status == ParticipantStatus::Registered)
        .collect();
    let registered: Vec<String> = people.iter().map(|p| p.id.clone()).collect();
    let rows: Vec<(String, bool, i64)> = event_attendance::table
        .inner_join(event_sessions::table)
        .filter(event_sessions::event_id.eq(&event.id))
        .filter(event_attendance::participant_id.eq_any(&registered))
        .group_by((event_attendance::session_id, event_attendance::present))
        .select((
            event_attendance::session_id,
            event_attendance::present,
            count_star(),
        ))
        .load(conn)?;
    Ok(sessions(conn, &event.id)?
        .into_iter()
        .map(|s| {
            let of = |present: bool| -> usize {
                rows.iter()
                    .filter(|(id, p, _)| *id == s.id && *p == present)
                    .map(|r| r.2 as usize)
                    .sum()
            };
            let (yes, no) = (of(true), of(false));
            SessionAttendance {
                expected: people
                    .iter()
                    .filter(|p| attends(s.mode, p.attend_mode))
                    .count(),
                recorded: yes + no,
                present: yes,
                session: s,
            }
        })
        .collect())
}

/// Per participant id: sessions present at.
pub fn presence(conn: &mut DbConn, event: &str) -> StoreResult<HashMap<String, usize>> {
    let rows: Vec<(String, i64)> = event_attendance::table
        .inner_join(event_sessions::table)
        .filter(event_sessions::event_id.eq(event))
        .filter(event_attendance::present.eq(true))
        .group_by(event_attendance::participant_id)
        .select((event_attendance::participant_id, count_star()))
        .load(conn)?;
    Ok(rows.into_iter().map(|(p, n)| (p, n as usize)).collect())
}

// ----------------------------------------------------------------- tests

/// Sets pre- and post-test scores: (participant id, pre, post). Every id
/// must be a registered participant of the event.
pub fn set_scores(
    conn: &mut DbConn,
    by: &ActorRef,
    event: &Event,
    scores: &[(String, Option<f64>, Option<f64>)],
) -> StoreResult<usize> {
    write_tx(conn, |conn| {
        let ids: Vec<String> = event_participants::table
            .filter(event_participants::event_id.eq(&event.id))
            .filter(event_participants::status.eq(ParticipantStatus::Registered.key()))
            .select(event_participants::id)
            .load(conn)?;
        if scores.iter().any(|(id, _, _)| !ids.contains(id)) {
            return Err(Invalid::one("participant_id", Problem::NotFound).into());
        }
        let at = now();
        for (id, pre, post) in scores {
            diesel::update(event_participants::table.find(id))
                .set((
                    event_participants::pre_test.eq(pre),
                    event_participants::post_test.eq(post),
                    event_participants::updated_at.eq(at),
                ))
                .execute(conn)?;
        }
        let summary =
            ScoreSummary::of(&scores.iter().map(|(_, a, b)| (*a, *b)).collect::<Vec<_>>());
        audit::record(
            conn,
            by,
            change(
                "event.scores",
                event,
                format!(
                    "{}: {} nilai pre-test, {} nilai post-test",
                    event.details.title, summary.with_pre, summary.with_post
                ),
            ),
        )?;
        Ok(scores.len())
    })
}

// ---------------------------------------------------------------- survey

/// Adds one feedback form. Anonymous: it is tied to no participant, so
/// people answer freely. There can be no more forms than registered
/// participants (a shared link cannot be flooded), else `Full` on `survey`.
pub fn add_survey(
    conn: &mut DbConn,
    by: &ActorRef,
    event: &Event,
    d: &SurveyDraft,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        lock_event(conn, &event.id)?;
        add_survey_in(conn, by, event, d)
    })
}

/// A pile of paper forms in one transaction; stops at the first refusal
/// (the event has no more participants to answer), saving nothing.
pub fn add_surveys(
    conn: &mut DbConn,
    by: &ActorRef,
    event: &Event,
    forms: &[SurveyDraft],
) -> StoreResult<usize> {
    write_tx(conn, |conn| {
        lock_event(conn, &event.id)?;
        for d in forms {
            add_survey_in(conn, by, event, d)?;
        }
        Ok(forms.len())
    })
}

fn add_survey_in(
    conn: &mut DbConn,
    by: &ActorRef,
    event: &Event,
    d: &SurveyDraft,
) -> StoreResult<()> {
    let people: i64 = event_participants::table
        .filter(event_participants::event_id.eq(&event.id))
        .filter(event_participants::status.eq(ParticipantStatus::Registered.key()))
        .count()
        .get_result(conn)?;
    let answered: i64 = event_survey_responses::table
        .filter(event_survey_responses::event_id.eq(&event.id))
        .count()
        .get_result(conn)?;
    if answered >= people {
        return Err(Invalid::one("survey", Problem::Full).into());
    }
    let id = Uuid::now_v7().to_string();
    diesel::insert_into(event_survey_responses::table)
        .values((
            event_survey_responses::id.eq(&id),
            event_survey_responses::event_id.eq(&event.id),
            event_survey_responses::content_rating.eq(d.ratings[0]),
            event_survey_responses::trainer_rating.eq(d.ratings[1]),
            event_survey_responses::organisation_rating.eq(d.ratings[2]),
            event_survey_responses::usefulness_rating.eq(d.ratings[3]),
            event_survey_responses::best.eq(&d.best),
            event_survey_responses::improve.eq(&d.improve),
            event_survey_responses::created_at.eq(now()),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        by,
        change(
            "event.survey",
            event,
            format!("{}: survei ke-{}", event.details.title, answered + 1),
        ),
    )
}

type SurveyRow = (i32, i32, i32, i32, Option<String>, Option<String>);

pub fn survey(conn: &mut DbConn, event: &str) -> StoreResult<SurveySummary> {
    let rows: Vec<SurveyRow> = event_survey_responses::table
        .filter(event_survey_responses::event_id.eq(event))
        .order((
            event_survey_responses::created_at.asc(),
            event_survey_responses::id.asc(),
        ))
        .select((
            event_survey_responses::content_rating,
            event_survey_responses::trainer_rating,
            event_survey_responses::organisation_rating,
            event_survey_responses::usefulness_rating,
            event_survey_responses::best,
            event_survey_responses::improve,
        ))
        .load(conn)?;
    let drafts: Vec<SurveyDraft> = rows
        .into_iter()
        .map(|(a, b, c, d, best, improve)| SurveyDraft {
            ratings: [a, b, c, d],
            best,
            improve,
        })
        .collect();
    Ok(SurveySummary::of(&drafts))
}

/// Opens (a fresh token) or closes (`None`) the public feedback link.
pub fn set_survey_token(
    conn: &mut DbConn,
    by: &ActorRef,
    event: &Event,
    token: Option<&str>,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        diesel::update(events::table.find(&event.id))
            .set(events::survey_token.eq(token))
            .execute(conn)?;
        audit::record(
            conn,
            by,
            change(
                if token.is_some() {
                    "event.survey_open"
                } else {
                    "event.survey_close"
                },
                event,
                event.details.title.clone(),
            ),
        )
    })
}

/// The event whose feedback link has this token.
pub fn by_survey_token(conn: &mut DbConn, token: &str) -> StoreResult<Event> {
    if token.is_empty() {
        return Err(StoreError::NotFound);
    }
    events::table
        .filter(events::survey_token.eq(token))
        .select(EventRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

// ---------------------------------------------------------- certificates

/// What an issuing round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Issued {
    pub issued: usize,
    /// Already had one.
    pub already: usize,
    /// Did not attend enough.
    pub not_qualified: usize,
}

/// Issues certificates to every registered participant who attended
/// enough ([`qualifies`]) and has none yet, each with a fresh code from
/// `next_code`. Already issued certificates stay as they are. The teams of
/// the libraries concerned are told.
pub fn issue_certificates(
    conn: &mut DbConn,
    by: &ActorRef,
    event: &Event,
    next_code: &mut dyn FnMut() -> CertificateCode,
) -> StoreResult<Issued> {
    write_tx(conn, |conn| {
        let sessions = sessions(conn, &event.id)?;
        let presence = presence(conn, &event.id)?;
        let people: Vec<Participant> = participants(conn, &event.id)?
            .into_iter()
            .filter(|p| p.status == ParticipantStatus::Registered)
            .collect();
        let mut report = Issued::default();
        let mut libraries_told: Vec<LibraryId> = Vec::new();
        let at = now();
        for p in &people {
            if p.certificate_code.is_some() {
                report.already += 1;
                continue;
            }
            let theirs = sessions
                .iter()
                .filter(|s| attends(s.mode, p.attend_mode))
                .count();
            let attended = presence.get(&p.id).copied().unwrap_or(0);
            if !qualifies(attended, theirs, event.details.certificate_percent) {
                report.not_qualified += 1;
                continue;
            }
            // A clash among 31^12 codes is next to impossible; draw again
            // rather than fail if it happens.
            let code = loop {
                let c = next_code();
                let used: i64 = event_participants::table
                    .filter(event_participants::certificate_code.eq(c.as_str()))
                    .count()
                    .get_result(conn)?;
                if used == 0 {
                    break c;
                }
            };
            diesel::update(event_participants::table.find(&p.id))
                .set((
                    event_participants::certificate_code.eq(code.as_str()),
                    event_participants::certificate_issued_at.eq(at),
                    event_participants::updated_at.eq(at),
                ))
                .execute(conn)?;
            report.issued += 1;
            if let Some(l) = p.library_id
                && !libraries_told.contains(&l)
            {
                libraries_told.push(l);
            }
        }
        if report.issued > 0 {
            audit::record(
                conn,
                by,
                change(
                    "event.certificates",
                    event,
                    format!(
                        "{}: {} sertifikat diterbitkan",
                        event.details.title, report.issued
                    ),
                ),
            )?;
        }
        let id_text = format!("Sertifikat {} sudah terbit", event.details.title);
        let en_text = format!("Certificates of {} are issued", event.details.title);
        for l in libraries_told {
            let to = notifications::library_team(conn, l)?;
            notifications::send(
                conn,
                &to,
                &Note {
                    id: &id_text,
                    en: &en_text,
                    link: &note_link(event),
                },
            )?;
        }
        Ok(report)
    })
}

/// What the public verification page shows: the name, the event and its
/// dates, nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    pub full_name: String,
    pub event_title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// The certificate with this code, if it exists and was not withdrawn.
pub fn verify(conn: &mut DbConn, code: &CertificateCode) -> StoreResult<Option<Verified>> {
    let row: Option<(String, String, NaiveDate, NaiveDate)> = event_participants::table
        .inner_join(events::table)
        .filter(event_participants::certificate_code.eq(code.as_str()))
        .filter(event_participants::status.eq(ParticipantStatus::Registered.key()))
        .select((
            event_participants::full_name,
            events::title,
            events::starts_on,
            events::ends_on,
        ))
        .first(conn)
        .optional()?;
    Ok(
        row.map(|(full_name, event_title, starts_on, ends_on)| Verified {
            full_name,
            event_title,
            starts_on,
            ends_on,
        }),
    )
}

// ----------------------------------------------------------- to-do lists

/// Events within an organiser's reach running this week or ended in the
/// last seven days, with how many of their sessions up to `today` have no
/// roll call yet. Only events with at least one such session.
pub fn missing_attendance(
    conn: &mut DbConn,
    reach: &Reach,
    today: NaiveDate,
) -> StoreResult<Vec<(Event, usize)>> {
    let mut q = events::table
        .filter(events::starts_on.le(today))
        .filter(events::ends_on.ge(today - chrono::Duration::days(7)))
        .into_boxed::<Dialect>();
    match reach {
        Reach::Everything => {}
        Reach::Region(r) => {
            let (lo, hi) = r.subtree_range();
            q = q
                .filter(events::region_code.ge(lo))
                .filter(events::region_code.lt(hi));
        }
        Reach::Libraries(_) => return Ok(vec![]),
    }
    let found: Vec<Event> = q
        .order(events::starts_on.asc())
        .limit(50)
        .select(EventRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Event::try_from)
        .collect::<StoreResult<_>>()?;
    let mut out = Vec::new();
    for e in found {
        let due: Vec<String> = event_sessions::table
            .filter(event_sessions::event_id.eq(&e.id))
            .filter(event_sessions::held_on.le(today))
            .select(event_sessions::id)
            .load(conn)?;
        let taken: Vec<String> = event_attendance::table
            .filter(event_attendance::session_id.eq_any(&due))
            .select(event_attendance::session_id)
            .distinct()
            .load(conn)?;
        let missing = due.iter().filter(|s| !taken.contains(s)).count();
        if missing > 0 {
            out.push((e, missing));
        }
    }
    Ok(out)
}

/// Events from `today` on that a library's team is signed up for, with how
/// many of its people are registered.
pub fn team_upcoming(
    conn: &mut DbConn,
    library: LibraryId,
    today: NaiveDate,
) -> StoreResult<Vec<(Event, i64)>> {
    let rows: Vec<(String, i64)> = event_participants::table
        .inner_join(events::table)
        .filter(event_participants::library_id.eq(library.to_string()))
        .filter(event_participants::status.eq(ParticipantStatus::Registered.key()))
        .filter(events::ends_on.ge(today))
        .group_by(event_participants::event_id)
        .select((event_participants::event_id, count_star()))
        .load(conn)?;
    let mut out = Vec::new();
    for (id, n) in rows {
        out.push((get(conn, &id)?, n));
    }
    out.sort_by_key(|(e, _)| e.details.starts_on);
    Ok(out)
}

/// Participants of `library` across every event, newest event first (the
/// library's own history of trainings).
pub fn of_library(conn: &mut DbConn, library: LibraryId) -> StoreResult<Vec<(Event, Participant)>> {
    let ids: Vec<String> = event_participants::table
        .filter(event_participants::library_id.eq(library.to_string()))
        .select(event_participants::event_id)
        .distinct()
        .load(conn)?;
    let mut out = Vec::new();
    for id in ids {
        let e = get(conn, &id)?;
        for p in participants(conn, &id)? {
            if p.library_id == Some(library) {
                out.push((e.clone(), p));
            }
        }
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.0.details.starts_on));
    Ok(out)
}

//! `/events`: the list, the event page (details, agenda, trainers), the
//! event form, agenda and trainer editing, and the organisers' summary.

use super::{
    Ctx, E, attend_label, ctx, date, date_range, kind_label, mode_label, session_name, topic_label,
    viewer,
};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{
    Field, Frame, RegionInput, csrf_field, error_summary, input, notice, page, pager, reach_region,
    region_input, select,
};
use crate::i18n::{Lang, Msg};
use crate::session::L;
use crate::state::AppState;
use crate::visits::actor_ref;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDateTime;
use lentera_core::events::{
    EventDraft, EventForm, EventKind, Mode, ScoreSummary, SessionDraft, SessionForm, Topic,
    TrainerDraft, TrainerForm, may_organise,
};
use lentera_core::field::{Invalid, Problem};
use lentera_core::regions::RegionCode;
use lentera_store::events::{
    self as store, Event, EventQuery, Listed, Seats, Session, Trainer, When,
};
use maud::{Markup, html};

pub(super) type Pairs = Result<Form<Vec<(String, String)>>, FormRejection>;

pub(super) fn pairs(body: Pairs) -> Result<Vec<(String, String)>, WebError> {
    body.map(|Form(p)| p)
        .map_err(|e| WebError::BadRequest(e.body_text()))
}

pub(super) fn param<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn has(pairs: &[(String, String)], key: &str) -> bool {
    pairs.iter().any(|(k, _)| k == key)
}

pub(super) fn frame<'a>(u: &'a CurrentUser, lang: Lang, path: &'a str) -> Frame<'a> {
    Frame {
        lang,
        user: Some(u),
        path,
    }
}

/// "Kabupaten Magetan, Jawa Timur".
pub(super) fn region_name(state: &AppState, code: &RegionCode) -> String {
    match state.regions.get(code) {
        Some(r) => lentera_core::regions::path_label(r, &state.regions.ancestors(code)),
        None => code.to_string(),
    }
}

fn choices<T: Copy>(
    all: &[T],
    key: fn(T) -> &'static str,
    label: impl Fn(T) -> String,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (key(*v).to_string(), label(*v)))
        .collect()
}

fn with_status(mut r: Response, errors: &Invalid) -> Response {
    if !errors.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

// ------------------------------------------------------------------ list

fn event_rows(items: &[Listed], lang: Lang, team: bool, caption: &str) -> Markup {
    html! {
        div.table-wrap.event-wrap {
            table.events-list {
                caption { (caption) }
                thead { tr {
                    th scope="col" { (E::Event.get(lang)) }
                    th scope="col" { (E::Dates.get(lang)) }
                    th scope="col" { (E::Place.get(lang)) }
                    th.num scope="col" { (E::Participants.get(lang)) }
                    @if team { th.num scope="col" { (E::YourTeam.get(lang)) } }
                } }
                tbody {
                    @for l in items {
                        @let e = &l.event.details;
                        tr {
                            td {
                                a href={ "/events/" (l.event.id) } { (e.title) }
                                br; small { (kind_label(e.kind, lang)) }
                            }
                            td { (date_range(e.starts_on, e.ends_on, lang)) }
                            td {
                                (mode_label(e.mode, lang))
                                @if let Some(v) = &e.venue { br; small { (v) } }
                            }
                            td.num {
                                (l.registered)
                                @if l.waitlisted > 0 { br; small { "+" (l.waitlisted) " " (E::Waitlisted.get(lang)) } }
                            }
                            @if team { td.num { (l.my_team) } }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /events[?q=&year=&page=]`: running and upcoming events, then the
/// finished ones (paged).
pub(super) async fn list(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let text = param(&q, "q").trim().to_string();
    let year = match param(&q, "year").trim() {
        "" => None,
        y => Some(
            y.parse::<i32>()
                .map_err(|_| Invalid::one("year", Problem::NotANumber))?,
        ),
    };
    let page_no = param(&q, "page").parse::<i64>().unwrap_or(1).max(1);
    let who = u.clone();
    let today = super::today();
    let text2 = text.clone();
    let (current, past) = state
        .run(move |c| {
            let viewer = viewer(c, &who)?;
            let query = |when, page, per_page| EventQuery {
                viewer: viewer.clone(),
                when,
                year,
                text: Some(text2.clone()),
                today,
                page,
                per_page,
            };
            let current = store::list(c, &query(When::Current, 1, 100))?;
            let past = store::list(c, &query(When::Past, page_no, 25))?;
            Ok((current, past))
        })
        .await?;
    let team = u.actor.own_library().is_some();
    let frame = frame(&u, lang, "/events");
    let years: Vec<(String, String)> = (2018..=chrono::Datelike::year(&today) + 1)
        .rev()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    let year_text = year.map(|y| y.to_string()).unwrap_or_default();
    let body = html! {
        @if has(&q, "deleted") { (notice(E::Deleted.get(lang))) }
        @if u.actor.role.is_officer() {
            p.actions { a.button href="/events/new" { (E::New.get(lang)) } }
        }
        form.filters method="get" action="/events" {
            div.field {
                label for="f-q" { (E::Search.get(lang)) }
                input #f-q type="search" name="q" value=(text);
            }
            div.field {
                label for="f-year" { (E::Year.get(lang)) }
                select #f-year name="year" {
                    option value="" { (E::AnyYear.get(lang)) }
                    @for (v, l) in &years { option value=(v) selected[*v == year_text] { (l) } }
                }
            }
            div.actions { button type="submit" { (E::Filter.get(lang)) } }
        }
        h2 { (E::Current.get(lang)) }
        @if current.items.is_empty() {
            p { (E::NoEvents.get(lang)) }
        } @else {
            (event_rows(&current.items, lang, team, E::Current.get(lang)))
        }
        h2 { (E::Past.get(lang)) }
        @if past.items.is_empty() {
            p { (E::NoEvents.get(lang)) }
        } @else {
            (event_rows(&past.items, lang, team, E::Past.get(lang)))
            (pager("/events", &[("q", text.clone()), ("year", year_text.clone())], past.page, past.pages(), lang))
        }
    };
    Ok(page(&frame, E::Title.get(lang), body).into_response())
}

// ------------------------------------------------------------ event form

fn event_form_page(
    state: &AppState,
    u: &CurrentUser,
    lang: Lang,
    f: &EventForm,
    errors: &Invalid,
    editing: Option<(&Event, String)>,
) -> Response {
    let frame = frame(u, lang, "/events");
    let action = match editing {
        Some((e, _)) => format!("/events/{}/edit", e.id),
        None => "/events".to_string(),
    };
    let path_label = RegionCode::parse(&f.region_code)
        .ok()
        .filter(|c| state.regions.contains(c))
        .map(|c| region_name(state, &c));
    let kinds = choices(EventKind::ALL, EventKind::key, |k| {
        kind_label(k, lang).to_string()
    });
    let modes = choices(Mode::ALL, Mode::key, |m| mode_label(m, lang).to_string());
    let hint_region = match lang {
        Lang::Id => "Provinsi atau kabupaten/kota penyelenggara (nama atau kode).",
        Lang::En => "The organising province or regency (name or code).",
    };
    let hint_cap = match lang {
        Lang::Id => "Kosongkan bila tidak dibatasi.",
        Lang::En => "Leave empty for no limit.",
    };
    let hint_percent = match lang {
        Lang::Id => "100 = hadir di semua sesi yang diikutinya (bawaan). 1 = cukup satu sesi.",
        Lang::En => {
            "100 = present at every one of their sessions (default). 1 = one session is enough."
        }
    };
    let body = html! {
        (error_summary(errors, lang))
        form method="post" action=(action) novalidate {
            (csrf_field(&frame))
            @if let Some((_, version)) = &editing {
                input type="hidden" name="updated_at" value=(version);
            }
            fieldset {
                legend { (E::Details.get(lang)) }
                (select("event_kind", &f.kind, &kinds, true, lang, errors))
                (input(Field::text("event_title", &f.title).required(), lang, errors))
                (region_input(RegionInput {
                    name: "region_code",
                    value: &f.region_code,
                    level: None,
                    within: reach_region(Some(u)),
                    path_label,
                    required: true,
                    hint: hint_region,
                }, lang, errors))
                (input(Field::text("organiser", &f.organiser), lang, errors))
            }
            fieldset {
                legend { (E::Dates.get(lang)) }
                div.grid.two {
                    (input(Field::text("starts_on", &f.starts_on).kind("date").required(), lang, errors))
                    (input(Field::text("ends_on", &f.ends_on).kind("date"), lang, errors))
                }
                (select("event_mode", &f.mode, &modes, true, lang, errors))
                (input(Field::text("venue", &f.venue), lang, errors))
                (input(Field::text("meeting_link", &f.meeting_link), lang, errors))
            }
            fieldset {
                legend { (E::Participants.get(lang)) }
                div.grid.two {
                    (input(Field::text("capacity_in_person", &f.capacity_in_person).kind("number").hint(hint_cap), lang, errors))
                    (input(Field::text("capacity_online", &f.capacity_online).kind("number").hint(hint_cap), lang, errors))
                }
                (input(Field::text("workplan_due_days", &f.workplan_due_days).kind("number"), lang, errors))
                (input(Field::text("certificate_percent", &f.certificate_percent).kind("number").hint(hint_percent), lang, errors))
                (input(Field::text("signatory_name", &f.signatory_name), lang, errors))
                (input(Field::text("signatory_position", &f.signatory_position), lang, errors))
            }
            div.actions {
                button type="submit" { (Msg::Save.get(lang)) }
                @match editing {
                    Some((e, _)) => a href={ "/events/" (e.id) } { (Msg::Cancel.get(lang)) },
                    None => a href="/events" { (Msg::Cancel.get(lang)) },
                }
            }
        }
    };
    let title = if editing.is_some() {
        E::EditTitle.get(lang)
    } else {
        E::NewTitle.get(lang)
    };
    with_status(page(&frame, title, body).into_response(), errors)
}

fn form_from(pairs: &[(String, String)]) -> EventForm {
    let mut f = EventForm::default();
    for (k, v) in pairs {
        f.set(k, v);
    }
    f
}

/// `GET /events/new`: officers only.
pub(super) async fn new_form(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
) -> Result<Response, WebError> {
    if !u.actor.role.is_officer() {
        return Err(WebError::Forbidden);
    }
    let f = EventForm {
        region_code: reach_region(Some(&u)).unwrap_or_default(),
        kind: EventKind::Bimtek.key().into(),
        mode: Mode::InPerson.key().into(),
        workplan_due_days: lentera_core::events::DEFAULT_WORKPLAN_DUE_DAYS.to_string(),
        certificate_percent: lentera_core::events::DEFAULT_CERTIFICATE_PERCENT.to_string(),
        ..Default::default()
    };
    Ok(event_form_page(
        &state,
        &u,
        lang,
        &f,
        &Invalid::default(),
        None,
    ))
}

/// Parses an event form and checks the region is the user's to organise.
pub(super) fn parse_event(
    state: &AppState,
    u: &CurrentUser,
    f: &EventForm,
) -> Result<EventDraft, Invalid> {
    let d = EventDraft::parse(f, &state.regions, super::today())?;
    if !may_organise(&u.actor, &d.region_code) {
        return Err(Invalid::one("region_code", Problem::OutsideReach));
    }
    Ok(d)
}

/// `POST /events`.
pub(super) async fn create(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    body: Pairs,
) -> Result<Response, WebError> {
    if !u.actor.role.is_officer() {
        return Err(WebError::Forbidden);
    }
    let f = form_from(&pairs(body)?);
    let d = match parse_event(&state, &u, &f) {
        Ok(d) => d,
        Err(e) => return Ok(event_form_page(&state, &u, lang, &f, &e, None)),
    };
    let by = actor_ref(&u);
    let e = state.run(move |c| Ok(store::create(c, &by, &d)?)).await?;
    Ok(Redirect::to(&format!("/events/{}?created=1", e.id)).into_response())
}

/// `GET /events/{id}/edit`: organisers.
pub(super) async fn edit_form(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let version = crate::audit::utc_json(cx.event.updated_at);
    Ok(event_form_page(
        &state,
        &u,
        lang,
        &cx.event.details.to_form(),
        &Invalid::default(),
        Some((&cx.event, version)),
    ))
}

/// The `updated_at` an edit form carries, as RFC 3339.
pub(super) fn version(s: &str) -> Option<NaiveDateTime> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|d| d.naive_utc())
}

/// `POST /events/{id}/edit`.
pub(super) async fn update(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    body: Pairs,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let p = pairs(body)?;
    let f = form_from(&p);
    let v = param(&p, "updated_at").to_string();
    let d = match parse_event(&state, &u, &f) {
        Ok(d) => d,
        Err(e) => {
            return Ok(event_form_page(
                &state,
                &u,
                lang,
                &f,
                &e,
                Some((&cx.event, v)),
            ));
        }
    };
    let by = actor_ref(&u);
    let eid = cx.event.id.clone();
    let expected = version(&v);
    let r = state
        .run(move |c| Ok(store::update(c, &by, &eid, &d, expected)))
        .await?;
    match r {
        Ok(e) => Ok(Redirect::to(&format!("/events/{}?saved=1", e.id)).into_response()),
        Err(lentera_store::StoreError::Invalid(e)) => Ok(event_form_page(
            &state,
            &u,
            lang,
            &f,
            &e,
            Some((&cx.event, v)),
        )),
        Err(e) => Err(e.into()),
    }
}

/// `POST /events/{id}/delete`: only while nobody is registered.
pub(super) async fn delete(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let by = actor_ref(&u);
    state
        .run(move |c| Ok(store::delete(c, &by, &cx.event.id)?))
        .await?;
    Ok(Redirect::to("/events?deleted=1").into_response())
}

// -------------------------------------------------------------- the page

pub(super) fn seats_lines(e: &Event, seats: &Seats, lang: Lang) -> Markup {
    html! {
        ul.event-seats {
            @for a in e.details.mode.attend_modes() {
                @let n = seats.taken(*a).to_string();
                @let w = seats.waitlisted(*a);
                li id={ "f-" (a.seats_field()) } tabindex="-1" {
                    @match e.details.capacity(*a) {
                        Some(cap) => (E::SeatsLine.get(lang).replace("{mode}", attend_label(*a, lang)).replace("{n}", &n).replace("{cap}", &cap.to_string())),
                        None => (E::SeatsOpen.get(lang).replace("{mode}", attend_label(*a, lang)).replace("{n}", &n)),
                    }
                    @if w > 0 { (E::WaitLine.get(lang).replace("{n}", &w.to_string())) }
                }
            }
        }
    }
}

fn details(state: &AppState, cx: &Ctx, seats: &Seats, lang: Lang) -> Markup {
    let e = &cx.event.details;
    let rule = if e.certificate_percent >= 100 {
        E::RuleAll.get(lang).to_string()
    } else {
        E::RulePercent
            .get(lang)
            .replace("{p}", &e.certificate_percent.to_string())
    };
    html! {
        dl.summary {
            dt { (E::Kind.get(lang)) } dd { (kind_label(e.kind, lang)) }
            dt { (E::Dates.get(lang)) } dd { (date_range(e.starts_on, e.ends_on, lang)) }
            dt { (E::Mode.get(lang)) } dd { (mode_label(e.mode, lang)) }
            @if let Some(v) = &e.venue { dt { (E::Place.get(lang)) } dd { (v) } }
            @if let Some(link) = &e.meeting_link {
                dt { (E::MeetingLink.get(lang)) }
                dd {
                    @if link.starts_with("https://") || link.starts_with("http://") {
                        a href=(link) rel="noopener" { (link) }
                    } @else { (link) }
                }
            }
            dt { (E::Region.get(lang)) } dd { (region_name(state, &e.region_code)) }
            @if let Some(o) = &e.organiser { dt { (E::Organiser.get(lang)) } dd { (o) } }
            dt { (E::Seats.get(lang)) } dd { (seats_lines(&cx.event, seats, lang)) }
            dt { (E::WorkplanDue.get(lang)) }
            dd { (date(e.workplan_due(), lang)) " (" (e.workplan_due_days) " " (E::Days.get(lang)) ")" }
            dt { (E::CertificateRule.get(lang)) } dd { (rule) }
        }
    }
}

fn time_label(s: &Session, lang: Lang) -> String {
    let day = date(s.held_on, lang);
    match (s.starts_at, s.ends_at) {
        (Some(a), Some(b)) => format!("{day}, {}–{}", a.format("%H.%M"), b.format("%H.%M")),
        (Some(a), None) => format!("{day}, {}", a.format("%H.%M")),
        _ => day,
    }
}

fn agenda(
    frame: &Frame<'_>,
    cx: &Ctx,
    sessions: &[Session],
    trainers: &[Trainer],
    counts: &[store::SessionAttendance],
) -> Markup {
    let lang = frame.lang;
    let org = cx.organiser();
    let trainer = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| trainers.iter().find(|t| &t.id == id))
            .map(|t| t.name.clone())
            .unwrap_or_default()
    };
    html! {
        section #agenda aria-labelledby="agenda-h" {
            h2 #agenda-h { (E::Agenda.get(lang)) }
            @if sessions.is_empty() {
                p { (E::NoSessions.get(lang)) }
            } @else {
                div.table-wrap.event-wrap {
                    table.event-agenda {
                        caption { (E::Agenda.get(lang)) ": " (cx.event.details.title) }
                        thead { tr {
                            th scope="col" { (E::Time.get(lang)) }
                            th scope="col" { (E::Topic.get(lang)) }
                            th scope="col" { (E::Mode.get(lang)) }
                            th scope="col" { (E::Trainer.get(lang)) }
                            @if org {
                                th scope="col" { (E::TakeAttendance.get(lang)) }
                                th scope="col" { span.visually-hidden { (Msg::Actions.get(lang)) } }
                            }
                        } }
                        tbody {
                            @for s in sessions {
                                tr {
                                    td { (time_label(s, lang)) }
                                    td { (session_name(s, lang)) }
                                    td { (mode_label(s.mode, lang)) }
                                    td { (trainer(&s.trainer_id)) }
                                    @if org {
                                        @let c = counts.iter().find(|c| c.session.id == s.id);
                                        td {
                                            a href={ "/events/" (cx.event.id) "/sessions/" (s.id) "/attendance" } {
                                                (E::TakeAttendance.get(lang))
                                                span.visually-hidden { ": " (session_name(s, lang)) ", " (date(s.held_on, lang)) }
                                            }
                                            br;
                                            small {
                                                @match c {
                                                    Some(c) if c.recorded > 0 => (E::PresentOf.get(lang).replace("{n}", &c.present.to_string()).replace("{of}", &c.expected.to_string())),
                                                    _ => (E::NotTaken.get(lang)),
                                                }
                                            }
                                        }
                                        td {
                                            a href={ "/events/" (cx.event.id) "/sessions/" (s.id) "/edit" } {
                                                (Msg::Edit.get(lang)) span.visually-hidden { " " (session_name(s, lang)) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn session_fields(
    e: &Event,
    trainers: &[Trainer],
    f: &SessionForm,
    errors: &Invalid,
    lang: Lang,
) -> Markup {
    let topics = choices(Topic::ALL, Topic::key, |t| topic_label(t, lang).to_string());
    let modes = choices(Mode::ALL, Mode::key, |m| mode_label(m, lang).to_string());
    let people: Vec<(String, String)> = trainers
        .iter()
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect();
    let hint_title = match lang {
        Lang::Id => "Wajib untuk materi \"Lainnya\".",
        Lang::En => "Required for the topic \"Other\".",
    };
    html! {
        (select("topic", &f.topic, &topics, true, lang, errors))
        (input(Field::text("session_title", &f.title).hint(hint_title), lang, errors))
        (input(Field::text("session_date", &f.date).kind("date"), lang, errors))
        div.grid.two {
            (input(Field::text("start", &f.start), lang, errors))
            (input(Field::text("end", &f.end), lang, errors))
        }
        @if e.details.mode == Mode::Blended {
            (select("session_mode", &f.mode, &modes, false, lang, errors))
        }
        @if !people.is_empty() {
            (select("trainer_id", &f.trainer_id, &people, false, lang, errors))
        }
    }
}

struct PageData {
    seats: Seats,
    sessions: Vec<Session>,
    trainers: Vec<Trainer>,
    counts: Vec<store::SessionAttendance>,
    /// Participants the user may see (their team, their region's, or all).
    visible: usize,
    people: usize,
}

async fn page_data(state: &AppState, u: &CurrentUser, cx: &Ctx) -> Result<PageData, WebError> {
    let e = cx.event.clone();
    let access = cx.access;
    let actor = u.actor.clone();
    let org = cx.organiser();
    state
        .run(move |c| {
            let seats = store::seats(c, &e.id)?;
            let sessions = store::sessions(c, &e.id)?;
            let trainers = store::trainers(c, &e.id)?;
            let counts = if org {
                store::attendance(c, &e)?
            } else {
                vec![]
            };
            let all = store::participants(c, &e.id)?;
            let live: Vec<_> = all
                .iter()
                .filter(|p| p.status != lentera_core::events::ParticipantStatus::Cancelled)
                .collect();
            let visible = live
                .iter()
                .filter(|p| access.sees_participant(&actor, &p.region_code, p.library_id))
                .count();
            Ok(PageData {
                seats,
                sessions,
                trainers,
                counts,
                visible,
                people: live.len(),
            })
        })
        .await
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    u: &CurrentUser,
    lang: Lang,
    cx: &Ctx,
    flash: Option<&str>,
    session_form: &SessionForm,
    trainer_form: &TrainerForm,
    errors: &Invalid,
) -> Result<Response, WebError> {
    let d = page_data(state, u, cx).await?;
    let path = format!("/events/{}", cx.event.id);
    let frame = frame(u, lang, &path);
    let e = &cx.event;
    let org = cx.organiser();
    let base = format!("/events/{}", e.id);
    let trainer_errors = errors
        .0
        .iter()
        .any(|x| matches!(x.field, "trainer_name" | "institution" | "trainer_role"));
    let none = Invalid::default();
    let session_errors = if trainer_errors { &none } else { errors };
    let body = html! {
        @if let Some(f) = flash { (notice(f)) }
        (details(state, cx, &d.seats, lang))
        @if org {
            nav.event-tools aria-label=(E::Manage.get(lang)) {
                ul {
                    li { a href={ (base) "/participants" } { (E::Participants.get(lang)) " (" (d.people) ")" } }
                    li { a href={ (base) "/scores" } { (E::Scores.get(lang)) } }
                    li { a href={ (base) "/survey" } { (E::Survey.get(lang)) } }
                    li { a href={ (base) "/certificates" } { (E::Certificates.get(lang)) } }
                    li { a href={ (base) "/summary" } { (E::Summary.get(lang)) } }
                    li { a href={ (base) "/edit" } { (E::Edit.get(lang)) } }
                }
            }
        } @else {
            p.actions {
                a.button href={ (base) "/participants" } {
                    @if u.actor.own_library().is_some() { (E::YourTeam.get(lang)) } @else { (E::Participants.get(lang)) }
                    " (" (d.visible) ")"
                }
            }
            @if cx.open() && u.actor.role == lentera_core::users::Role::Manager {
                p.hint { (E::OpenToRegister.get(lang)) }
            }
        }
        (agenda(&frame, cx, &d.sessions, &d.trainers, &d.counts))
        @if org {
            details.event-add open[!errors.is_empty() && !trainer_errors] {
                summary { (E::AddSession.get(lang)) }
                @if !trainer_errors { (error_summary(errors, lang)) }
                form method="post" action={ (base) "/sessions" } novalidate {
                    (csrf_field(&frame))
                    (session_fields(e, &d.trainers, session_form, session_errors, lang))
                    div.actions { button type="submit" { (E::AddSession.get(lang)) } }
                }
            }
        }
        section aria-labelledby="trainers-h" {
            h2 #trainers-h { (E::Trainers.get(lang)) }
            @if d.trainers.is_empty() {
                p { (E::NoTrainers.get(lang)) }
            } @else {
                ul.event-trainers {
                    @for t in &d.trainers {
                        li {
                            strong { (t.name) }
                            @if let Some(r) = &t.role { ", " (r) }
                            @if let Some(i) = &t.institution { " (" (i) ")" }
                            @if org {
                                " "
                                form.inline method="post" action={ (base) "/trainers/" (t.id) "/delete" } data-confirm=(E::ConfirmRemoveTrainer.get(lang)) {
                                    (csrf_field(&frame))
                                    button.link type="submit" { (E::Remove.get(lang)) span.visually-hidden { " " (t.name) } }
                                }
                            }
                        }
                    }
                }
            }
            @if org {
                details.event-add open[trainer_errors] {
                    summary { (E::AddTrainer.get(lang)) }
                    @if trainer_errors { (error_summary(errors, lang)) }
                    form method="post" action={ (base) "/trainers" } novalidate {
                        (csrf_field(&frame))
                        (input(Field::text("trainer_name", &trainer_form.name).required(), lang, errors))
                        (input(Field::text("trainer_role", &trainer_form.role), lang, errors))
                        (input(Field::text("institution", &trainer_form.institution), lang, errors))
                        div.actions { button type="submit" { (E::AddTrainer.get(lang)) } }
                    }
                }
            }
        }
        @if org && d.people == 0 {
            form method="post" action={ (base) "/delete" } data-confirm=(E::ConfirmDelete.get(lang)) {
                (csrf_field(&frame))
                div.actions { button.warning type="submit" { (E::Delete.get(lang)) } }
            }
        }
        p { a href="/events" { "← " (E::BackToList.get(lang)) } }
    };
    Ok(with_status(
        page(&frame, &e.details.title, body).into_response(),
        errors,
    ))
}

/// `GET /events/{id}`.
pub(super) async fn show(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    let flash = if has(&q, "created") {
        Some(E::Created.get(lang))
    } else if has(&q, "saved") {
        Some(E::Saved.get(lang))
    } else {
        None
    };
    render(
        &state,
        &u,
        lang,
        &cx,
        flash,
        &SessionForm::default(),
        &TrainerForm::default(),
        &Invalid::default(),
    )
    .await
}

// --------------------------------------------------------------- trainers

pub(super) fn trainer_form(p: &[(String, String)]) -> TrainerForm {
    TrainerForm {
        name: param(p, "trainer_name").to_string(),
        institution: param(p, "institution").to_string(),
        role: param(p, "trainer_role").to_string(),
    }
}

/// `POST /events/{id}/trainers`.
pub(super) async fn add_trainer(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    body: Pairs,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let f = trainer_form(&pairs(body)?);
    let d = match TrainerDraft::parse(&f) {
        Ok(d) => d,
        Err(e) => {
            return render(&state, &u, lang, &cx, None, &SessionForm::default(), &f, &e).await;
        }
    };
    let by = actor_ref(&u);
    let e = cx.event.clone();
    state
        .run(move |c| Ok(store::add_trainer(c, &by, &e, &d)?))
        .await?;
    Ok(Redirect::to(&format!("/events/{}?saved=1#trainers-h", cx.event.id)).into_response())
}

/// `POST /events/{id}/trainers/{tid}/delete`.
pub(super) async fn remove_trainer(
    State(state): State<AppState>,
    u: CurrentUser,
    Path((id, tid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let by = actor_ref(&u);
    let e = cx.event.clone();
    state
        .run(move |c| Ok(store::remove_trainer(c, &by, &e, &tid)?))
        .await?;
    Ok(Redirect::to(&format!("/events/{}?saved=1#trainers-h", cx.event.id)).into_response())
}

// --------------------------------------------------------------- sessions

pub(super) fn session_form(p: &[(String, String)]) -> SessionForm {
    let mut f = SessionForm::default();
    for (k, v) in p {
        f.set(k, v);
    }
    f
}

pub(super) fn parse_session(e: &Event, f: &SessionForm) -> Result<SessionDraft, Invalid> {
    SessionDraft::parse(f, e.details.mode, e.details.starts_on, e.details.ends_on)
}

/// `POST /events/{id}/sessions`.
pub(super) async fn add_session(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    body: Pairs,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let f = session_form(&pairs(body)?);
    let d = match parse_session(&cx.event, &f) {
        Ok(d) => d,
        Err(e) => {
            return render(&state, &u, lang, &cx, None, &f, &TrainerForm::default(), &e).await;
        }
    };
    let by = actor_ref(&u);
    let e = cx.event.clone();
    let r = state
        .run(move |c| Ok(store::add_session(c, &by, &e, &d)))
        .await?;
    match r {
        Ok(_) => {
            Ok(Redirect::to(&format!("/events/{}?saved=1#agenda", cx.event.id)).into_response())
        }
        Err(lentera_store::StoreError::Invalid(e)) => {
            render(&state, &u, lang, &cx, None, &f, &TrainerForm::default(), &e).await
        }
        Err(e) => Err(e.into()),
    }
}

fn to_form(s: &Session) -> SessionForm {
    SessionForm {
        topic: s.topic.key().into(),
        title: s.title.clone(),
        date: s.held_on.to_string(),
        start: s
            .starts_at
            .map(|t| t.format("%H.%M").to_string())
            .unwrap_or_default(),
        end: s
            .ends_at
            .map(|t| t.format("%H.%M").to_string())
            .unwrap_or_default(),
        mode: s.mode.key().into(),
        trainer_id: s.trainer_id.clone().unwrap_or_default(),
    }
}

async fn session_page(
    state: &AppState,
    u: &CurrentUser,
    lang: Lang,
    cx: &Ctx,
    sid: &str,
    f: &SessionForm,
    errors: &Invalid,
) -> Result<Response, WebError> {
    let e = cx.event.clone();
    let trainers = state.run(move |c| Ok(store::trainers(c, &e.id)?)).await?;
    let path = format!("/events/{}", cx.event.id);
    let frame = frame(u, lang, &path);
    let base = format!("/events/{}/sessions/{sid}", cx.event.id);
    let body = html! {
        p { (cx.event.details.title) }
        (error_summary(errors, lang))
        form method="post" action={ (base) "/edit" } novalidate {
            (csrf_field(&frame))
            (session_fields(&cx.event, &trainers, f, errors, lang))
            div.actions {
                button type="submit" { (Msg::Save.get(lang)) }
                a href={ "/events/" (cx.event.id) "#agenda" } { (Msg::Cancel.get(lang)) }
            }
        }
        form method="post" action={ (base) "/delete" } data-confirm=(E::ConfirmDeleteSession.get(lang)) {
            (csrf_field(&frame))
            div.actions { button.warning type="submit" { (E::DeleteSession.get(lang)) } }
        }
    };
    Ok(with_status(
        page(&frame, E::EditSession.get(lang), body).into_response(),
        errors,
    ))
}

/// `GET /events/{id}/sessions/{sid}/edit`.
pub(super) async fn edit_session_form(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path((id, sid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let (eid, s2) = (cx.event.id.clone(), sid.clone());
    let s = state
        .run(move |c| Ok(store::session(c, &eid, &s2)?))
        .await?;
    session_page(
        &state,
        &u,
        lang,
        &cx,
        &sid,
        &to_form(&s),
        &Invalid::default(),
    )
    .await
}

/// `POST /events/{id}/sessions/{sid}/edit`.
pub(super) async fn update_session(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path((id, sid)): Path<(String, String)>,
    body: Pairs,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let f = session_form(&pairs(body)?);
    let d = match parse_session(&cx.event, &f) {
        Ok(d) => d,
        Err(e) => return session_page(&state, &u, lang, &cx, &sid, &f, &e).await,
    };
    let by = actor_ref(&u);
    let (e, s2) = (cx.event.clone(), sid.clone());
    let r = state
        .run(move |c| Ok(store::update_session(c, &by, &e, &s2, &d)))
        .await?;
    match r {
        Ok(_) => {
            Ok(Redirect::to(&format!("/events/{}?saved=1#agenda", cx.event.id)).into_response())
        }
        Err(lentera_store::StoreError::Invalid(e)) => {
            session_page(&state, &u, lang, &cx, &sid, &f, &e).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /events/{id}/sessions/{sid}/delete`.
pub(super) async fn delete_session(
    State(state): State<AppState>,
    u: CurrentUser,
    Path((id, sid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let by = actor_ref(&u);
    let e = cx.event.clone();
    state
        .run(move |c| Ok(store::delete_session(c, &by, &e, &sid)?))
        .await?;
    Ok(Redirect::to(&format!("/events/{}?saved=1#agenda", cx.event.id)).into_response())
}

// ---------------------------------------------------------------- summary

/// Everything the organisers' summary shows.
pub(super) struct Summary {
    pub seats: Seats,
    pub attendance: Vec<store::SessionAttendance>,
    pub scores: ScoreSummary,
    pub survey: lentera_core::events::SurveySummary,
    pub certificates: usize,
    pub cancelled: usize,
    pub libraries: usize,
}

pub(super) fn summary_of(c: &mut lentera_store::DbConn, e: &Event) -> Result<Summary, WebError> {
    use lentera_core::events::ParticipantStatus;
    let people = store::participants(c, &e.id)?;
    let live: Vec<_> = people
        .iter()
        .filter(|p| p.status == ParticipantStatus::Registered)
        .collect();
    let scores: Vec<_> = live.iter().map(|p| (p.pre_test, p.post_test)).collect();
    let mut libs: Vec<_> = live.iter().filter_map(|p| p.library_id).collect();
    libs.sort();
    libs.dedup();
    Ok(Summary {
        seats: store::seats(c, &e.id)?,
        attendance: store::attendance(c, e)?,
        scores: ScoreSummary::of(&scores),
        survey: store::survey(c, &e.id)?,
        certificates: live.iter().filter(|p| p.certificate_code.is_some()).count(),
        cancelled: people
            .iter()
            .filter(|p| p.status == ParticipantStatus::Cancelled)
            .count(),
        libraries: libs.len(),
    })
}

pub(super) fn score(v: Option<f64>, lang: Lang) -> String {
    match v {
        None => "—".into(),
        Some(x) => {
            let s = format!("{x:.1}");
            if lang == Lang::Id {
                s.replace('.', ",")
            } else {
                s
            }
        }
    }
}

crate::messages!(S {
    People => "Peserta terdaftar", "Registered participants";
    Libraries => "Perpustakaan yang mengirim tim", "Libraries that sent a team";
    CancelledN => "Pendaftaran dibatalkan", "Registrations cancelled";
    AttendanceTitle => "Kehadiran per sesi", "Attendance per session";
    Expected => "Peserta sesi", "Expected";
    Present => "Hadir", "Present";
    Rate => "Kehadiran", "Rate";
    TestsTitle => "Pre-test dan post-test", "Pre- and post-test";
    AvgPre => "Rata-rata pre-test", "Average pre-test";
    AvgPost => "Rata-rata post-test", "Average post-test";
    AvgGain => "Rata-rata kenaikan nilai", "Average gain";
    GainNote => "dari {n} peserta yang mengikuti kedua tes", "over {n} participants who sat both tests";
    SurveyTitle => "Survei kepuasan", "Feedback";
    Responses => "{n} tanggapan", "{n} responses";
    CertificatesN => "Sertifikat terbit", "Certificates issued";
});

/// `GET /events/{id}/summary`: organisers.
pub(super) async fn summary(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let e = cx.event.clone();
    let s = state.run(move |c| summary_of(c, &e)).await?;
    let path = format!("/events/{}", cx.event.id);
    let frame = frame(&u, lang, &path);
    let pct = |n: usize, of: usize| {
        if of == 0 {
            "—".to_string()
        } else {
            format!("{}%", (n as f64 * 100.0 / of as f64).round())
        }
    };
    let total_present: usize = s.attendance.iter().map(|a| a.present).sum();
    let total_expected: usize = s
        .attendance
        .iter()
        .filter(|a| a.recorded > 0)
        .map(|a| a.expected)
        .sum();
    let body = html! {
        p.lead { (cx.event.details.title) ", " (date_range(cx.event.details.starts_on, cx.event.details.ends_on, lang)) }
        ul.cards.event-figures aria-live="polite" {
            li { span.big-number { (s.seats.in_person + s.seats.online) } br; (S::People.get(lang)) }
            li { span.big-number { (s.libraries) } br; (S::Libraries.get(lang)) }
            li { span.big-number { (pct(total_present, total_expected)) } br; (S::Rate.get(lang)) }
            li { span.big-number { (s.certificates) } br; (S::CertificatesN.get(lang)) }
        }
        (seats_lines(&cx.event, &s.seats, lang))
        @if s.cancelled > 0 { p { (S::CancelledN.get(lang)) ": " (s.cancelled) } }
        h2 #attendance-h { (S::AttendanceTitle.get(lang)) }
        div.table-wrap.event-wrap {
            table.event-attendance {
                caption { (S::AttendanceTitle.get(lang)) }
                thead { tr {
                    th scope="col" { (E::Time.get(lang)) }
                    th scope="col" { (E::Topic.get(lang)) }
                    th.num scope="col" { (S::Expected.get(lang)) }
                    th.num scope="col" { (S::Present.get(lang)) }
                    th.num scope="col" { (S::Rate.get(lang)) }
                } }
                tbody {
                    @for a in &s.attendance {
                        tr {
                            td { (time_label(&a.session, lang)) }
                            td { a href={ "/events/" (cx.event.id) "/sessions/" (a.session.id) "/attendance" } { (session_name(&a.session, lang)) } }
                            td.num { (a.expected) }
                            td.num { @if a.recorded > 0 { (a.present) } @else { (E::NotTaken.get(lang)) } }
                            td.num { @if a.recorded > 0 { (pct(a.present, a.expected)) } @else { "—" } }
                        }
                    }
                }
            }
        }
        h2 { (S::TestsTitle.get(lang)) }
        dl.summary {
            dt { (S::AvgPre.get(lang)) } dd { (score(s.scores.avg_pre, lang)) " (n = " (s.scores.with_pre) ")" }
            dt { (S::AvgPost.get(lang)) } dd { (score(s.scores.avg_post, lang)) " (n = " (s.scores.with_post) ")" }
            dt { (S::AvgGain.get(lang)) }
            dd { (score(s.scores.avg_gain, lang)) " " (S::GainNote.get(lang).replace("{n}", &s.scores.with_both.to_string())) }
        }
        h2 { (S::SurveyTitle.get(lang)) }
        p { (S::Responses.get(lang).replace("{n}", &s.survey.responses.to_string())) }
        (super::survey::summary_table(&s.survey, lang))
        p { a href={ "/events/" (cx.event.id) } { "← " (E::Back.get(lang)) } }
    };
    Ok(page(&frame, E::SummaryTitle.get(lang), body).into_response())
}

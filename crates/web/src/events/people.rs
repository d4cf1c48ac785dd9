//! `/events/{id}/participants` and `/events/{id}/scores`: who is signed up
//! (each user sees only the people they may: organisers everyone, a
//! library its own team), registration against the seats of each mode,
//! cancellation, and the pre- and post-test scores.

use super::pages::{Pairs, frame, pairs, param, score, seats_lines};
use super::{Ctx, E, attend_label, ctx, status_label, team_role_label};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{Field, csrf_field, error_summary, input, notice, page, select};
use crate::i18n::{Lang, Msg, field_label, problem_sentence};
use crate::session::L;
use crate::state::AppState;
use crate::visits::{actor_ref, gender_label};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lentera_core::events::{
    Gender, ParticipantDraft, ParticipantForm, ParticipantStatus, ScoreSummary, TeamRole,
    may_register, parse_score,
};
use lentera_core::field::{Invalid, Problem};
use lentera_core::libraries::Library;
use lentera_core::users::{Reach, Role};
use lentera_store::events::{self as store, Participant, Seats};
use lentera_store::libraries::{self as store_libraries, LibraryQuery};
use maud::{Markup, html};

crate::messages!(P {
    Title => "Peserta", "Participants";
    TeamTitle => "Tim perpustakaan Anda", "Your library's team";
    Register => "Daftarkan peserta", "Register a participant";
    RegisterButton => "Daftarkan", "Register";
    Registered => "Peserta terdaftar.", "The participant is registered.";
    RegisteredWait => "Kuota penuh: peserta masuk daftar tunggu.", "The seats are full: the participant is on the waitlist.";
    Cancelled => "Pendaftaran dibatalkan.", "The registration was cancelled.";
    Promoted => "Pendaftaran dibatalkan; {name} dari daftar tunggu mendapat kursinya.", "The registration was cancelled; {name} from the waitlist has the seat.";
    CancelButton => "Batalkan", "Cancel";
    ConfirmCancel => "Batalkan pendaftaran peserta ini? Sertifikatnya (jika ada) ikut dibatalkan.", "Cancel this registration? Its certificate (if any) is withdrawn too.";
    None => "Belum ada peserta yang dapat Anda lihat.", "No participants you can see yet.";
    Caption => "Peserta {title}", "Participants of {title}";
    From => "Asal", "From";
    Role => "Peran", "Role";
    Phone => "Telepon", "Phone";
    How => "Cara", "How";
    NoLibrary => "— tanpa perpustakaan (isi instansi) —", "— no library (give the institution) —";
    FindLibrary => "Cari perpustakaan", "Find a library";
    Find => "Cari", "Find";
    OnlyYours => "Anda hanya melihat peserta dari perpustakaan dalam jangkauan Anda.", "You see only participants from libraries within your reach.";
    Closed => "Pendaftaran oleh perpustakaan sudah ditutup. Hubungi penyelenggara.", "Registration by libraries has closed. Contact the organiser.";
    ScoresTitle => "Nilai pre-test dan post-test", "Pre- and post-test scores";
    ScoresHint => "Nilai 0–100; koma desimal boleh. Kosongkan bila peserta tidak mengikuti tes.", "Scores 0–100; a decimal comma is fine. Leave empty when the participant did not sit the test.";
    ScoresSaved => "Nilai tersimpan.", "The scores are saved.";
    SaveScores => "Simpan nilai", "Save the scores";
    Average => "Rata-rata", "Average";
    Gain => "Rata-rata kenaikan (post − pre)", "Average gain (post − pre)";
    Row => "{name}: {problem}", "{name}: {problem}";
    Certificate => "Sertifikat", "Certificate";
    Download => "Unduh PDF", "Download PDF";
});

/// The participants this user may see.
fn visible<'a>(u: &CurrentUser, cx: &Ctx, all: &'a [Participant]) -> Vec<&'a Participant> {
    all.iter()
        .filter(|p| {
            cx.access
                .sees_participant(&u.actor, &p.region_code, p.library_id)
        })
        .collect()
}

/// May this user sign up (or cancel) a person of `library`?
fn may_sign(u: &CurrentUser, cx: &Ctx, library: Option<&Library>) -> bool {
    let in_region = library.is_none_or(|l| l.details.village_code.is_within(cx.event.region()));
    may_register(
        &u.actor,
        cx.access,
        library.map(|l| l.id),
        in_region,
        cx.open(),
    )
}

struct Data {
    seats: Seats,
    people: Vec<Participant>,
    /// Libraries the registration form offers.
    libraries: Vec<(String, String)>,
}

async fn data(
    state: &AppState,
    u: &CurrentUser,
    cx: &Ctx,
    library_q: String,
) -> Result<Data, WebError> {
    let e = cx.event.clone();
    let organiser = cx.organiser();
    let own = u.actor.own_library();
    state
        .run(move |c| {
            let seats = store::seats(c, &e.id)?;
            let people = store::participants(c, &e.id)?;
            let libraries = if organiser {
                let mut q = LibraryQuery::new(Reach::Region(e.region().clone()));
                q.active = Some(true);
                q.text = Some(library_q).filter(|t| !t.trim().is_empty());
                q.per_page = 300;
                store_libraries::list(c, &q)?
                    .items
                    .into_iter()
                    .map(|l| (l.id.to_string(), l.details.name))
                    .collect()
            } else if let Some(own) = own {
                let l = store_libraries::get(c, own)?;
                vec![(l.id.to_string(), l.details.name)]
            } else {
                vec![]
            };
            Ok(Data {
                seats,
                people,
                libraries,
            })
        })
        .await
}

fn options<T: Copy>(
    all: &[T],
    key: fn(T) -> &'static str,
    label: impl Fn(T) -> String,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (key(*v).to_string(), label(*v)))
        .collect()
}

fn register_form(
    frame: &crate::html::Frame<'_>,
    cx: &Ctx,
    d: &Data,
    f: &ParticipantForm,
    errors: &Invalid,
    library_q: &str,
) -> Markup {
    let lang = frame.lang;
    let organiser = cx.organiser();
    let base = format!("/events/{}/participants", cx.event.id);
    let mut libs = d.libraries.clone();
    if organiser {
        libs.insert(0, (String::new(), P::NoLibrary.get(lang).to_string()));
    }
    let roles = options(TeamRole::ALL, TeamRole::key, |r| {
        team_role_label(r, lang).to_string()
    });
    let genders = options(Gender::ALL, Gender::key, |g| {
        gender_label(g, lang).to_string()
    });
    let modes: Vec<(String, String)> = cx
        .event
        .details
        .mode
        .attend_modes()
        .iter()
        .map(|a| (a.key().to_string(), attend_label(*a, lang).to_string()))
        .collect();
    let has_cap = cx
        .event
        .details
        .mode
        .attend_modes()
        .iter()
        .any(|a| cx.event.details.capacity(*a).is_some());
    html! {
        section #register aria-labelledby="register-h" {
            h2 #register-h { @if organiser { (P::Register.get(lang)) } @else { (E::RegisterTeam.get(lang)) } }
            p.hint { (E::TeamHint.get(lang)) }
            @if organiser {
                form.filters method="get" action={ (base) "#register" } {
                    div.field {
                        label for="f-library_q" { (P::FindLibrary.get(lang)) }
                        input #f-library_q type="search" name="library_q" value=(library_q);
                    }
                    div.actions { button.secondary type="submit" { (P::Find.get(lang)) } }
                }
            }
            (error_summary(errors, lang))
            form method="post" action=(base) novalidate {
                (csrf_field(frame))
                @if organiser {
                    (select("library_id", &f.library_id, &libs, false, lang, errors))
                    (input(Field::text("institution", &f.institution), lang, errors))
                } @else if let Some((id, name)) = libs.first() {
                    input type="hidden" name="library_id" value=(id);
                    p { strong { (field_label("library_id", lang)) ": " } (name) }
                }
                (input(Field::text("full_name", &f.full_name).required(), lang, errors))
                (select("team_role", &f.team_role, &roles, true, lang, errors))
                (select("gender", &f.gender, &genders, true, lang, errors))
                (input(Field::text("phone", &f.phone).kind("tel"), lang, errors))
                @if modes.len() > 1 {
                    (select("attend_mode", &f.attend_mode, &modes, true, lang, errors))
                }
                @if has_cap {
                    (crate::html::checkbox("waitlist", f.waitlist == "true", lang))
                }
                div.actions { button type="submit" { (P::RegisterButton.get(lang)) } }
            }
        }
    }
}

fn people_table(
    frame: &crate::html::Frame<'_>,
    u: &CurrentUser,
    cx: &Ctx,
    people: &[&Participant],
) -> Markup {
    let lang = frame.lang;
    let base = format!("/events/{}/participants", cx.event.id);
    html! {
        div.table-wrap.event-wrap {
            table.event-people {
                caption { (P::Caption.get(lang).replace("{title}", &cx.event.details.title)) }
                thead { tr {
                    th scope="col" { (field_label("full_name", lang)) }
                    th scope="col" { (P::From.get(lang)) }
                    th scope="col" { (P::Role.get(lang)) }
                    th scope="col" { (field_label("gender", lang)) }
                    th scope="col" { (P::Phone.get(lang)) }
                    th scope="col" { (P::How.get(lang)) }
                    th scope="col" { (Msg::Status.get(lang)) }
                    th scope="col" { (P::Certificate.get(lang)) }
                    th scope="col" { span.visually-hidden { (Msg::Actions.get(lang)) } }
                } }
                tbody {
                    @for p in people {
                        tr.event-cancelled[p.status == ParticipantStatus::Cancelled] {
                            td { (p.full_name) }
                            td { (p.library_name.as_deref().or(p.institution.as_deref()).unwrap_or("—")) }
                            td { (team_role_label(p.team_role, lang)) }
                            td { (p.gender.key()) }
                            td { (p.phone.as_deref().unwrap_or("—")) }
                            td { (attend_label(p.attend_mode, lang)) }
                            td { (status_label(p.status, lang)) }
                            td {
                                @if p.certificate_code.is_some() {
                                    a href={ (base) "/" (p.id) "/certificate.pdf" } {
                                        (P::Download.get(lang)) span.visually-hidden { ": " (p.full_name) }
                                    }
                                } @else { "—" }
                            }
                            td {
                                @if p.status != ParticipantStatus::Cancelled && (cx.organiser() || (cx.open() && u.actor.role == Role::Manager && u.actor.own_library() == p.library_id)) {
                                    form.inline method="post" action={ (base) "/" (p.id) "/cancel" } data-confirm=(P::ConfirmCancel.get(lang)) {
                                        (csrf_field(frame))
                                        button.link type="submit" { (P::CancelButton.get(lang)) span.visually-hidden { " " (p.full_name) } }
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

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    u: &CurrentUser,
    lang: Lang,
    cx: &Ctx,
    f: &ParticipantForm,
    errors: &Invalid,
    flash: Option<String>,
    library_q: &str,
) -> Result<Response, WebError> {
    let d = data(state, u, cx, library_q.to_string()).await?;
    let path = format!("/events/{}", cx.event.id);
    let frame = frame(u, lang, &path);
    let shown = visible(u, cx, &d.people);
    let signing =
        cx.organiser() || (u.actor.role == Role::Manager && cx.open() && !d.libraries.is_empty());
    let title = if u.actor.own_library().is_some() {
        P::TeamTitle.get(lang)
    } else {
        P::Title.get(lang)
    };
    let body = html! {
        p.lead { a href={ "/events/" (cx.event.id) } { (cx.event.details.title) } }
        @if let Some(f) = &flash { (notice(f)) }
        (seats_lines(&cx.event, &d.seats, lang))
        @if !cx.organiser() && u.actor.own_library().is_none() { p.hint { (P::OnlyYours.get(lang)) } }
        @if shown.is_empty() {
            p { (P::None.get(lang)) }
        } @else {
            (people_table(&frame, u, cx, &shown))
        }
        @if signing {
            (register_form(&frame, cx, &d, f, errors, library_q))
        } @else if u.actor.role == Role::Manager {
            p { (P::Closed.get(lang)) }
        }
        p { a href={ "/events/" (cx.event.id) } { "← " (E::Back.get(lang)) } }
    };
    let mut r = page(&frame, title, body).into_response();
    if !errors.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

/// `GET /events/{id}/participants[?library_q=]`.
pub(super) async fn list(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    let flash = if q.iter().any(|(k, _)| k == "registered") {
        Some(P::Registered.get(lang).to_string())
    } else if q.iter().any(|(k, _)| k == "waitlisted") {
        Some(P::RegisteredWait.get(lang).to_string())
    } else if q.iter().any(|(k, _)| k == "cancelled") {
        Some(P::Cancelled.get(lang).to_string())
    } else {
        let name = param(&q, "promoted");
        (!name.is_empty()).then(|| P::Promoted.get(lang).replace("{name}", name))
    };
    let f = ParticipantForm {
        library_id: param(&q, "library").to_string(),
        ..Default::default()
    };
    render(
        &state,
        &u,
        lang,
        &cx,
        &f,
        &Invalid::default(),
        flash,
        param(&q, "library_q"),
    )
    .await
}

/// Checks and signs up one participant for the page and the API alike:
/// 404 for a library outside reach, 403 when the user may not register for
/// it, field errors otherwise.
pub(super) async fn sign_up(
    state: &AppState,
    u: &CurrentUser,
    cx: &Ctx,
    f: &ParticipantForm,
) -> Result<Result<Participant, Invalid>, WebError> {
    let mut f = f.clone();
    // A manager always signs up for their own library.
    if !cx.organiser()
        && let Some(own) = u.actor.own_library()
        && f.library_id.trim().is_empty()
    {
        f.library_id = own.to_string();
    }
    let d = match ParticipantDraft::parse(&f, cx.event.details.mode) {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let library = match d.library_id {
        Some(id) => {
            let lib = state
                .run(move |c| Ok(store_libraries::get(c, id)))
                .await?
                .map_err(|_| WebError::NotFound)?;
            let place = lentera_core::users::Place {
                region: &lib.details.village_code,
                library: Some(lib.id),
            };
            // An organiser may sign up any library of the event's region,
            // even one in a district below them; others only in reach.
            let in_region = lib.details.village_code.is_within(cx.event.region());
            if !(u.actor.reaches(&place) || (cx.organiser() && in_region)) {
                return Err(WebError::NotFound);
            }
            if cx.organiser() && !in_region {
                return Ok(Err(Invalid::one("library_id", Problem::OutsideReach)));
            }
            Some(lib)
        }
        None => None,
    };
    if !may_sign(u, cx, library.as_ref()) {
        return Err(WebError::Forbidden);
    }
    let by = actor_ref(u);
    let e = cx.event.clone();
    let village = library.map(|l| l.details.village_code);
    let r = state
        .run(move |c| Ok(store::register(c, &by, &e, &d, village.as_ref())))
        .await?;
    match r {
        Ok(p) => Ok(Ok(p)),
        Err(lentera_store::StoreError::Invalid(e)) => Ok(Err(e)),
        Err(e) => Err(e.into()),
    }
}

pub(super) fn participant_form(p: &[(String, String)]) -> ParticipantForm {
    let mut f = ParticipantForm::default();
    for (k, v) in p {
        f.set(k, v);
    }
    f
}

/// `POST /events/{id}/participants`.
pub(super) async fn register(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    body: Pairs,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    let f = participant_form(&pairs(body)?);
    match sign_up(&state, &u, &cx, &f).await? {
        Ok(p) => {
            let what = if p.status == ParticipantStatus::Waitlisted {
                "waitlisted"
            } else {
                "registered"
            };
            // Back to the form with the library kept, for the next member.
            let lib = p.library_id.map(|l| l.to_string()).unwrap_or_default();
            Ok(Redirect::to(&format!(
                "/events/{}/participants?{what}=1&library={lib}#register",
                cx.event.id
            ))
            .into_response())
        }
        Err(e) => render(&state, &u, lang, &cx, &f, &e, None, "").await,
    }
}

/// Cancels for the page and the API: organisers any, a manager their own
/// team's while registration is open.
pub(super) async fn withdraw(
    state: &AppState,
    u: &CurrentUser,
    cx: &Ctx,
    pid: String,
) -> Result<Option<Participant>, WebError> {
    let eid = cx.event.id.clone();
    let p = state
        .run(move |c| Ok(store::participant(c, &eid, &pid)?))
        .await?;
    if !cx
        .access
        .sees_participant(&u.actor, &p.region_code, p.library_id)
    {
        return Err(WebError::NotFound);
    }
    let allowed = cx.organiser()
        || (u.actor.role == Role::Manager
            && cx.open()
            && p.library_id.is_some()
            && u.actor.own_library() == p.library_id);
    if !allowed {
        return Err(WebError::Forbidden);
    }
    let by = actor_ref(u);
    let e = cx.event.clone();
    state
        .run(move |c| Ok(store::cancel(c, &by, &e, &p.id)?))
        .await
}

/// `POST /events/{id}/participants/{pid}/cancel`.
pub(super) async fn cancel(
    State(state): State<AppState>,
    u: CurrentUser,
    Path((id, pid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    let promoted = withdraw(&state, &u, &cx, pid).await?;
    let to = match promoted {
        Some(p)
            if cx
                .access
                .sees_participant(&u.actor, &p.region_code, p.library_id) =>
        {
            format!(
                "/events/{}/participants?promoted={}",
                cx.event.id,
                crate::html::url_encode(&p.full_name)
            )
        }
        _ => format!("/events/{}/participants?cancelled=1", cx.event.id),
    };
    Ok(Redirect::to(&to).into_response())
}

// ----------------------------------------------------------------- scores

/// Problems in the score table, one per bad cell: (participant, field,
/// problem).
type ScoreErrors = Vec<(String, &'static str, Problem)>;

fn scores_page(
    u: &CurrentUser,
    lang: Lang,
    cx: &Ctx,
    people: &[Participant],
    typed: &[(String, String, String)],
    errors: &ScoreErrors,
    saved: bool,
) -> Response {
    let path = format!("/events/{}", cx.event.id);
    let frame = frame(u, lang, &path);
    let live: Vec<&Participant> = people
        .iter()
        .filter(|p| p.status == ParticipantStatus::Registered)
        .collect();
    let summary = ScoreSummary::of(
        &live
            .iter()
            .map(|p| (p.pre_test, p.post_test))
            .collect::<Vec<_>>(),
    );
    let value = |p: &Participant, pre: bool| -> String {
        match typed.iter().find(|(id, _, _)| *id == p.id) {
            Some((_, a, b)) => {
                if pre {
                    a.clone()
                } else {
                    b.clone()
                }
            }
            None => {
                let v = if pre { p.pre_test } else { p.post_test };
                v.map(|x| score(Some(x), lang)).unwrap_or_default()
            }
        }
    };
    let err = |id: &str, field: &str| errors.iter().find(|(p, f, _)| p == id && *f == field);
    let name = |id: &str| {
        people
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.full_name.clone())
            .unwrap_or_default()
    };
    let body = html! {
        p.lead { a href={ "/events/" (cx.event.id) } { (cx.event.details.title) } }
        @if saved { (notice(P::ScoresSaved.get(lang))) }
        @if !errors.is_empty() {
            div.error-summary role="alert" tabindex="-1" aria-labelledby="error-summary-title" data-autofocus {
                h2 #error-summary-title { (Msg::ErrorSummaryTitle.get(lang)) }
                ul {
                    @for (id, field, problem) in errors {
                        li { a href={ "#" (field) "-" (id) } {
                            (P::Row.get(lang).replace("{name}", &name(id)).replace("{problem}", &problem_sentence(field, problem, lang)))
                        } }
                    }
                }
            }
        }
        dl.summary aria-live="polite" {
            dt { (P::Average.get(lang)) " pre-test" } dd { (score(summary.avg_pre, lang)) " (n = " (summary.with_pre) ")" }
            dt { (P::Average.get(lang)) " post-test" } dd { (score(summary.avg_post, lang)) " (n = " (summary.with_post) ")" }
            dt { (P::Gain.get(lang)) } dd { strong { (score(summary.avg_gain, lang)) } " (n = " (summary.with_both) ")" }
        }
        p.hint { (P::ScoresHint.get(lang)) }
        form method="post" action={ "/events/" (cx.event.id) "/scores" } novalidate {
            (csrf_field(&frame))
            div.table-wrap.event-wrap {
                table.event-scores {
                    caption { (P::ScoresTitle.get(lang)) }
                    thead { tr {
                        th scope="col" { (field_label("full_name", lang)) }
                        th scope="col" { (P::From.get(lang)) }
                        th scope="col" { (field_label("pre_test", lang)) }
                        th scope="col" { (field_label("post_test", lang)) }
                    } }
                    tbody {
                        @for p in &live {
                            tr {
                                th scope="row" id={ "n-" (p.id) } { (p.full_name) }
                                td { (p.library_name.as_deref().or(p.institution.as_deref()).unwrap_or("—")) }
                                @for (pre, field) in [(true, "pre_test"), (false, "post_test")] {
                                    @let bad = err(&p.id, field).is_some();
                                    td.has-error[bad] {
                                        input.event-score id={ (field) "-" (p.id) } type="text" inputmode="decimal"
                                            name={ (if pre { "pre:" } else { "post:" }) (p.id) } value=(value(p, pre))
                                            aria-labelledby={ "n-" (p.id) " " (field) "-h" }
                                            aria-invalid=[bad.then_some("true")] size="5";
                                    }
                                }
                            }
                        }
                    }
                }
            }
            span.visually-hidden id="pre_test-h" { (field_label("pre_test", lang)) }
            span.visually-hidden id="post_test-h" { (field_label("post_test", lang)) }
            div.actions { button type="submit" { (P::SaveScores.get(lang)) } }
        }
    };
    let mut r = page(&frame, P::ScoresTitle.get(lang), body).into_response();
    if !errors.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// `GET /events/{id}/scores`: organisers.
pub(super) async fn scores(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let eid = cx.event.id.clone();
    let people = state
        .run(move |c| Ok(store::participants(c, &eid)?))
        .await?;
    let saved = q.iter().any(|(k, _)| k == "saved");
    Ok(scores_page(&u, lang, &cx, &people, &[], &vec![], saved))
}

/// `POST /events/{id}/scores`: every registered participant's two cells.
pub(super) async fn save_scores(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    body: Pairs,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let p = pairs(body)?;
    let eid = cx.event.id.clone();
    let people = state
        .run(move |c| Ok(store::participants(c, &eid)?))
        .await?;
    let mut typed = Vec::new();
    let mut errors: ScoreErrors = Vec::new();
    let mut scores = Vec::new();
    for person in people
        .iter()
        .filter(|x| x.status == ParticipantStatus::Registered)
    {
        let pre = param(&p, &format!("pre:{}", person.id)).to_string();
        let post = param(&p, &format!("post:{}", person.id)).to_string();
        let a = parse_score(&pre).map_err(|e| errors.push((person.id.clone(), "pre_test", e)));
        let b = parse_score(&post).map_err(|e| errors.push((person.id.clone(), "post_test", e)));
        if let (Ok(a), Ok(b)) = (a, b) {
            scores.push((person.id.clone(), a, b));
        }
        typed.push((person.id.clone(), pre, post));
    }
    if !errors.is_empty() {
        return Ok(scores_page(&u, lang, &cx, &people, &typed, &errors, false));
    }
    let by = actor_ref(&u);
    let e = cx.event.clone();
    state
        .run(move |c| Ok(store::set_scores(c, &by, &e, &scores)?))
        .await?;
    Ok(Redirect::to(&format!("/events/{}/scores?saved=1", cx.event.id)).into_response())
}

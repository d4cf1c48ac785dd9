//! The participants' feedback: four ratings (1–5) and two free texts.
//!
//! Participants have no accounts, so there are two ways in, both
//! anonymous (no name is asked, so people answer freely):
//! - the organiser types in the paper forms collected in the hall
//!   (`/events/{id}/survey`);
//! - the organiser opens a public link with a random 20-symbol token
//!   (`/survey/{token}`), shares it in the participants' WhatsApp group or
//!   the Zoom chat, and closes it afterwards. A link cannot be guessed, and
//!   the event can receive no more forms than it has registered
//!   participants, so a leaked link cannot flood the results.

use super::certificates::random_source;
use super::pages::{Pairs, frame, pairs, score};
use super::{E, ctx};
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::WebError;
use crate::html::{Frame, csrf_field, error_summary, notice, page, textarea};
use crate::i18n::{Lang, field_label, problem_sentence};
use crate::session::L;
use crate::state::AppState;
use crate::visits::actor_ref;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lentera_core::audit::ActorRef;
use lentera_core::events::{
    SURVEY_QUESTIONS, SurveyDraft, SurveyForm, SurveySummary, random_code, tally_comments,
};
use lentera_core::field::Invalid;
use lentera_store::events::{self as store, Event};
use maud::{Markup, html};

crate::messages!(Q {
    Title => "Survei kepuasan peserta", "Participant feedback";
    PublicTitle => "Survei kepuasan: {title}", "Feedback: {title}";
    PublicIntro => "Survei ini tanpa nama. Jawaban Anda membantu penyelenggara memperbaiki pelatihan berikutnya.", "This survey is anonymous. Your answers help the organisers improve the next training.";
    Thanks => "Terima kasih! Jawaban Anda sudah tersimpan.", "Thank you! Your answers are saved.";
    Send => "Kirim jawaban", "Send my answers";
    Scale => "1 = sangat kurang, 5 = sangat baik", "1 = very poor, 5 = very good";
    PaperTitle => "Masukkan formulir kertas", "Enter a paper form";
    PaperSaved => "Formulir tersimpan. Masukkan formulir berikutnya.", "The form is saved. Enter the next one.";
    Question => "Pertanyaan", "Question";
    Average => "Rata-rata", "Average";
    Caption => "Penilaian peserta (1–5)", "Participants' ratings (1–5)";
    Best => "Yang paling bermanfaat menurut peserta", "What participants found most useful";
    Improve => "Saran perbaikan", "Suggestions";
    NoComments => "Belum ada.", "None yet.";
    NoResponses => "Belum ada tanggapan.", "No responses yet.";
    LinkTitle => "Tautan survei untuk peserta", "Survey link for participants";
    LinkOpen => "Tautan terbuka. Bagikan ke peserta (grup WhatsApp, chat Zoom):", "The link is open. Share it with the participants (WhatsApp group, Zoom chat):";
    LinkClosed => "Tautan survei sedang ditutup.", "The survey link is closed.";
    OpenLink => "Buka tautan survei", "Open the survey link";
    NewLink => "Buat tautan baru", "Make a new link";
    CloseLink => "Tutup tautan", "Close the link";
    LinkNote => "Siapa pun yang memegang tautan dapat mengisi; jumlah isian tidak bisa melebihi jumlah peserta terdaftar.", "Anyone with the link can answer; there can be no more answers than registered participants.";
    Responses => "{n} tanggapan", "{n} responses";
});

/// Labels 1–5, for the radio buttons.
fn rating_label(n: i32, lang: Lang) -> &'static str {
    match (n, lang) {
        (1, Lang::Id) => "1 — sangat kurang",
        (1, Lang::En) => "1 — very poor",
        (2, Lang::Id) => "2 — kurang",
        (2, Lang::En) => "2 — poor",
        (3, Lang::Id) => "3 — cukup",
        (3, Lang::En) => "3 — fair",
        (4, Lang::Id) => "4 — baik",
        (4, Lang::En) => "4 — good",
        (_, Lang::Id) => "5 — sangat baik",
        (_, Lang::En) => "5 — very good",
    }
}

/// The averages and the distribution of answers, as a table.
pub(super) fn summary_table(s: &SurveySummary, lang: Lang) -> Markup {
    if s.responses == 0 {
        return html! { p { (Q::NoResponses.get(lang)) } };
    }
    html! {
        div.table-wrap.event-wrap {
            table.event-survey {
                caption { (Q::Caption.get(lang)) }
                thead { tr {
                    th scope="col" { (Q::Question.get(lang)) }
                    th.num scope="col" { (Q::Average.get(lang)) }
                    @for n in 1..=5 { th.num scope="col" { (n) } }
                } }
                tbody {
                    @for (i, q) in SURVEY_QUESTIONS.iter().enumerate() {
                        tr {
                            th scope="row" { (field_label(q, lang)) }
                            td.num { strong { (score(s.averages[i], lang)) } }
                            @for n in 0..5 { td.num { (s.distribution[i][n]) } }
                        }
                    }
                }
            }
        }
        h3 { (Q::Best.get(lang)) }
        (comments(&s.best, lang))
        h3 { (Q::Improve.get(lang)) }
        (comments(&s.improve, lang))
    }
}

fn comments(v: &[String], lang: Lang) -> Markup {
    html! {
        @if v.is_empty() {
            p { (Q::NoComments.get(lang)) }
        } @else {
            ul.event-comments {
                @for (c, n) in tally_comments(v) {
                    li { (c) @if n > 1 { " " span.event-times { "(" (n) "×)" } } }
                }
            }
        }
    }
}

/// The form's fields: four groups of five radio buttons, two texts.
fn fields(f: &SurveyForm, errors: &Invalid, lang: Lang) -> Markup {
    let values = [
        &f.content_rating,
        &f.trainer_rating,
        &f.organisation_rating,
        &f.usefulness_rating,
    ];
    html! {
        p.hint { (Q::Scale.get(lang)) }
        @for (q, v) in SURVEY_QUESTIONS.iter().zip(values) {
            @let err = errors.for_field(q);
            fieldset.field.event-rating.has-error[err.is_some()] {
                legend { (field_label(q, lang)) }
                @if let Some(e) = err {
                    p.error-message id={ "e-" (q) } { (problem_sentence(e.field, &e.problem, lang)) }
                }
                div.event-rating-choices {
                    @for n in 1..=5 {
                        @let id = if n == 1 { format!("f-{q}") } else { format!("f-{q}-{n}") };
                        span.event-rating-choice {
                            input id=(id) type="radio" name=(q) value=(n) checked[v.trim() == n.to_string()];
                            label for=(id) { (rating_label(n, lang)) }
                        }
                    }
                }
            }
        }
        (textarea("best", &f.best, lang, errors))
        (textarea("improve", &f.improve, lang, errors))
    }
}

fn survey_form(p: &[(String, String)]) -> SurveyForm {
    let mut f = SurveyForm::default();
    for (k, v) in p {
        f.set(k, v);
    }
    f
}

/// The public link of an event, from the request's own host.
pub(super) fn public_url(state: &AppState, headers: &HeaderMap, path: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let forwarded = state
        .config
        .trust_proxy
        .then(|| {
            headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
        })
        .flatten();
    let scheme = match forwarded {
        Some(p) if p == "https" || p == "http" => p,
        _ if state.config.secure_cookies => "https",
        _ => "http",
    };
    format!("{scheme}://{host}{path}")
}

#[allow(clippy::too_many_arguments)]
async fn organiser_page(
    state: &AppState,
    u: &CurrentUser,
    lang: Lang,
    headers: &HeaderMap,
    e: &Event,
    f: &SurveyForm,
    errors: &Invalid,
    flash: Option<&str>,
) -> Result<Response, WebError> {
    let id = e.id.clone();
    let s = state.run(move |c| Ok(store::survey(c, &id)?)).await?;
    let path = format!("/events/{}", e.id);
    let frame = frame(u, lang, &path);
    let base = format!("/events/{}/survey", e.id);
    let link = e
        .survey_token
        .as_ref()
        .map(|t| public_url(state, headers, &format!("/survey/{t}")));
    let body = html! {
        p.lead { a href={ "/events/" (e.id) } { (e.details.title) } }
        @if let Some(f) = flash { (notice(f)) }
        p { (Q::Responses.get(lang).replace("{n}", &s.responses.to_string())) }
        (summary_table(&s, lang))
        section aria-labelledby="link-h" {
            h2 #link-h { (Q::LinkTitle.get(lang)) }
            @match &link {
                Some(l) => {
                    p { (Q::LinkOpen.get(lang)) }
                    p { code.event-link { (l) } }
                }
                None => p { (Q::LinkClosed.get(lang)) },
            }
            p.hint { (Q::LinkNote.get(lang)) }
            form method="post" action={ (base) "/link" } {
                (csrf_field(&frame))
                div.actions {
                    button type="submit" name="action" value="open" {
                        @if link.is_some() { (Q::NewLink.get(lang)) } @else { (Q::OpenLink.get(lang)) }
                    }
                    @if link.is_some() {
                        button.secondary type="submit" name="action" value="close" { (Q::CloseLink.get(lang)) }
                    }
                }
            }
        }
        section #paper aria-labelledby="paper-h" {
            h2 #paper-h { (Q::PaperTitle.get(lang)) }
            (error_summary(errors, lang))
            form method="post" action={ (base) "#paper" } novalidate {
                (csrf_field(&frame))
                (fields(f, errors, lang))
                div.actions { button type="submit" { (Q::Send.get(lang)) } }
            }
        }
        p { a href={ "/events/" (e.id) } { "← " (E::Back.get(lang)) } }
    };
    let mut r = page(&frame, Q::Title.get(lang), body).into_response();
    if !errors.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

/// `GET /events/{id}/survey`: organisers.
pub(super) async fn show(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let flash = q
        .iter()
        .any(|(k, _)| k == "saved")
        .then(|| Q::PaperSaved.get(lang));
    organiser_page(
        &state,
        &u,
        lang,
        &headers,
        &cx.event,
        &SurveyForm::default(),
        &Invalid::default(),
        flash,
    )
    .await
}

/// `POST /events/{id}/survey`: one paper form.
pub(super) async fn enter(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Pairs,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let f = survey_form(&pairs(body)?);
    let d = match SurveyDraft::parse(&f) {
        Ok(d) => d,
        Err(e) => {
            return organiser_page(&state, &u, lang, &headers, &cx.event, &f, &e, None).await;
        }
    };
    let by = actor_ref(&u);
    let e = cx.event.clone();
    match state
        .run(move |c| Ok(store::add_survey(c, &by, &e, &d)))
        .await?
    {
        Ok(()) => Ok(
            Redirect::to(&format!("/events/{}/survey?saved=1#paper", cx.event.id)).into_response(),
        ),
        Err(lentera_store::StoreError::Invalid(e)) => {
            organiser_page(&state, &u, lang, &headers, &cx.event, &f, &e, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A fresh public token: 20 symbols of the certificate alphabet.
pub(super) fn new_token() -> Result<String, WebError> {
    let mut next = random_source()?;
    Ok(random_code(20, &mut next))
}

/// `POST /events/{id}/survey/link`: `action=open` (a fresh token) or
/// `close`.
pub(super) async fn link(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
    body: Pairs,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let p = pairs(body)?;
    let open = p.iter().any(|(k, v)| k == "action" && v == "open");
    let token = if open { Some(new_token()?) } else { None };
    let by = actor_ref(&u);
    let e = cx.event.clone();
    state
        .run(move |c| Ok(store::set_survey_token(c, &by, &e, token.as_deref())?))
        .await?;
    Ok(Redirect::to(&format!("/events/{}/survey#link-h", cx.event.id)).into_response())
}

fn public_page(
    user: Option<&CurrentUser>,
    lang: Lang,
    token: &str,
    e: &Event,
    f: &SurveyForm,
    errors: &Invalid,
    thanks: bool,
) -> Response {
    let path = format!("/survey/{token}");
    let frame = Frame {
        lang,
        user,
        path: &path,
    };
    let body = html! {
        p.lead { (super::date_range(e.details.starts_on, e.details.ends_on, lang)) }
        @if thanks {
            (notice(Q::Thanks.get(lang)))
        } @else {
            p { (Q::PublicIntro.get(lang)) }
            (error_summary(errors, lang))
            form method="post" action=(path) novalidate {
                (csrf_field(&frame))
                (fields(f, errors, lang))
                div.actions { button type="submit" { (Q::Send.get(lang)) } }
            }
        }
    };
    let title = Q::PublicTitle
        .get(lang)
        .replace("{title}", &e.details.title);
    let mut r = page(&frame, &title, body).into_response();
    if !errors.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// `GET /survey/{token}`: public, no sign-in.
pub(super) async fn public_form(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    L(lang): L,
    Path(token): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let t = token.clone();
    let e = state
        .run(move |c| Ok(store::by_survey_token(c, &t)?))
        .await?;
    let thanks = q.iter().any(|(k, _)| k == "thanks");
    Ok(public_page(
        user.as_ref(),
        lang,
        &token,
        &e,
        &SurveyForm::default(),
        &Invalid::default(),
        thanks,
    ))
}

/// `POST /survey/{token}`.
pub(super) async fn public_submit(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    L(lang): L,
    Path(token): Path<String>,
    body: Pairs,
) -> Result<Response, WebError> {
    let t = token.clone();
    let e = state
        .run(move |c| Ok(store::by_survey_token(c, &t)?))
        .await?;
    let f = survey_form(&pairs(body)?);
    let d = match SurveyDraft::parse(&f) {
        Ok(d) => d,
        Err(errors) => {
            return Ok(public_page(
                user.as_ref(),
                lang,
                &token,
                &e,
                &f,
                &errors,
                false,
            ));
        }
    };
    let e2 = e.clone();
    let r = state
        .run(move |c| {
            Ok(store::add_survey(
                c,
                &ActorRef::system("survey-link"),
                &e2,
                &d,
            ))
        })
        .await?;
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/survey/{token}?thanks=1")).into_response()),
        Err(lentera_store::StoreError::Invalid(errors)) => Ok(public_page(
            user.as_ref(),
            lang,
            &token,
            &e,
            &f,
            &errors,
            false,
        )),
        Err(e) => Err(e.into()),
    }
}

//! `/events/{id}/sessions/{sid}/attendance`: the roll call of one session.
//!
//! One checkbox per participant the session is for, each a whole row you
//! can tap (48 px and more) or reach with Tab and toggle with Space; "Save"
//! is the form's first button, so Enter saves. "Everyone present" is a
//! second submit button: it works without JavaScript, marking the whole
//! list present in one step, the common case at a Bimtek.

use super::pages::{Pairs, frame, pairs};
use super::{E, ctx, date, mode_label, session_name};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{csrf_field, notice, page};
use crate::session::L;
use crate::state::AppState;
use crate::visits::actor_ref;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use lentera_store::events::{self as store, Session};
use maud::html;

crate::messages!(A {
    Title => "Absensi: {session}", "Roll call: {session}";
    Legend => "Centang peserta yang hadir", "Tick the participants who are present";
    Count => "Hadir: {n} dari {of}", "Present: {n} of {of}";
    NotTaken => "Absensi sesi ini belum diisi.", "This session's roll call has not been taken yet.";
    Save => "Simpan absensi", "Save the roll call";
    AllPresent => "Semua hadir", "Everyone present";
    AllHint => "\"Semua hadir\" langsung menyimpan semua peserta sebagai hadir.", "\"Everyone present\" saves everyone as present at once.";
    Saved => "Absensi tersimpan: {n} hadir, {absent} tidak hadir.", "The roll call is saved: {n} present, {absent} absent.";
    Nobody => "Belum ada peserta untuk sesi ini.", "Nobody is registered for this session yet.";
    Previous => "Sesi sebelumnya", "Previous session";
    Next => "Sesi berikutnya", "Next session";
    Summary => "Lihat ringkasan kegiatan", "See the event summary";
});

/// `GET /events/{id}/sessions/{sid}/attendance`: organisers.
pub(super) async fn show(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path((id, sid)): Path<(String, String)>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let e = cx.event.clone();
    let (session, roll, agenda) = state
        .run(move |c| {
            let s = store::session(c, &e.id, &sid)?;
            let roll = store::roll_call(c, &e, &s)?;
            let agenda = store::sessions(c, &e.id)?;
            Ok((s, roll, agenda))
        })
        .await?;
    let path = format!("/events/{}", cx.event.id);
    let frame = frame(&u, lang, &path);
    let present = roll.iter().filter(|(_, m)| *m == Some(true)).count();
    let taken = roll.iter().any(|(_, m)| m.is_some());
    let at = agenda.iter().position(|s| s.id == session.id).unwrap_or(0);
    let link = |s: &Session| format!("/events/{}/sessions/{}/attendance", cx.event.id, s.id);
    let saved = q.iter().any(|(k, _)| k == "saved").then(|| {
        A::Saved
            .get(lang)
            .replace("{n}", &present.to_string())
            .replace("{absent}", &(roll.len() - present).to_string())
    });
    let when = match (session.starts_at, session.ends_at) {
        (Some(a), Some(b)) => format!(
            "{}, {}–{}",
            date(session.held_on, lang),
            a.format("%H.%M"),
            b.format("%H.%M")
        ),
        (Some(a), None) => format!("{}, {}", date(session.held_on, lang), a.format("%H.%M")),
        _ => date(session.held_on, lang),
    };
    let body = html! {
        p.lead {
            a href={ "/events/" (cx.event.id) "#agenda" } { (cx.event.details.title) }
            br; (when) " · " (mode_label(session.mode, lang))
        }
        @if let Some(s) = &saved { (notice(s)) }
        p #roll-count.event-roll-count aria-live="polite" {
            @if taken {
                strong { (A::Count.get(lang).replace("{n}", &present.to_string()).replace("{of}", &roll.len().to_string())) }
            } @else {
                (A::NotTaken.get(lang))
            }
        }
        @if roll.is_empty() {
            p { (A::Nobody.get(lang)) }
        } @else {
            form.event-roll method="post" action={ "/events/" (cx.event.id) "/sessions/" (session.id) "/attendance" } {
                (csrf_field(&frame))
                div.actions {
                    button type="submit" name="action" value="save" { (A::Save.get(lang)) }
                    button.secondary type="submit" name="action" value="all" aria-describedby="all-hint" { (A::AllPresent.get(lang)) }
                }
                p.hint #all-hint { (A::AllHint.get(lang)) }
                fieldset {
                    legend { (A::Legend.get(lang)) " (" (roll.len()) ")" }
                    ul.event-roll-list {
                        @for (p, mark) in &roll {
                            li {
                                label.event-roll-row for={ "p-" (p.id) } {
                                    input id={ "p-" (p.id) } type="checkbox" name="present" value=(p.id) checked[*mark == Some(true)];
                                    span.event-roll-name { (p.full_name) }
                                    span.event-roll-from { (p.library_name.as_deref().or(p.institution.as_deref()).unwrap_or("")) }
                                }
                            }
                        }
                    }
                }
                div.actions {
                    button type="submit" name="action" value="save" { (A::Save.get(lang)) }
                }
            }
        }
        nav.event-roll-nav aria-label=(E::Agenda.get(lang)) {
            ul {
                @if at > 0 { li { a rel="prev" href=(link(&agenda[at - 1])) { "← " (A::Previous.get(lang)) ": " (session_name(&agenda[at - 1], lang)) } } }
                @if at + 1 < agenda.len() { li { a rel="next" href=(link(&agenda[at + 1])) { (A::Next.get(lang)) ": " (session_name(&agenda[at + 1], lang)) " →" } } }
                li { a href={ "/events/" (cx.event.id) "/summary" } { (A::Summary.get(lang)) } }
            }
        }
    };
    let title = A::Title
        .get(lang)
        .replace("{session}", &session_name(&session, lang));
    Ok(page(&frame, &title, body).into_response())
}

/// `POST /events/{id}/sessions/{sid}/attendance`: `present` per ticked
/// participant, or `action=all` for everyone.
pub(super) async fn save(
    State(state): State<AppState>,
    u: CurrentUser,
    Path((id, sid)): Path<(String, String)>,
    body: Pairs,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let p = pairs(body)?;
    let all = p.iter().any(|(k, v)| k == "action" && v == "all");
    let ticked: Vec<String> = p
        .iter()
        .filter(|(k, _)| k == "present")
        .map(|(_, v)| v.clone())
        .collect();
    let by = actor_ref(&u);
    let e = cx.event.clone();
    let back = format!("/events/{}/sessions/{sid}/attendance?saved=1", cx.event.id);
    state
        .run(move |c| {
            let s = store::session(c, &e.id, &sid)?;
            let present = if all {
                store::roll_call(c, &e, &s)?
                    .into_iter()
                    .map(|(p, _)| p.id)
                    .collect()
            } else {
                ticked
            };
            store::record_attendance(c, &by, &e, &s, &present)?;
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&back).into_response())
}

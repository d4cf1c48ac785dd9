//! Certificates: issuing (organisers), the PDFs (one, or all of an event),
//! and the public verification page `/verify/{code}`.
//!
//! The rule: a registered participant present at the event's share of
//! their own sessions (all of them unless the organiser lowered it) gets a
//! certificate; one present at none never does. A certificate carries a
//! random 12-symbol code (31 symbols, no 0/O/1/I/L: about 59 bits) and a QR
//! code of the verification URL, built from the host the organiser's
//! browser used, so the server's public address is what gets printed.
//! Anyone can open that URL without signing in and sees only the name, the
//! event and its dates. Cancelling a registration withdraws its
//! certificate: the code then answers 404.

use super::pages::{Pairs, frame, pairs, region_name};
use super::survey::public_url;
use super::{Ctx, E, ctx, date_range};
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::WebError;
use crate::html::{Frame, csrf_field, notice, page};
use crate::i18n::{Lang, Msg, field_label};
use crate::session::L;
use crate::state::AppState;
use crate::visits::actor_ref;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lentera_core::events::{CertificateCode, ParticipantStatus, attends, qualifies};
use lentera_print::{Certificate, Signatory, render_certificates};
use lentera_store::events::{self as store, Event, Participant};
use maud::html;
use sha2::{Digest, Sha256};

crate::messages!(C {
    Title => "Sertifikat", "Certificates";
    Rule => "Syarat: {rule}.", "Rule: {rule}.";
    Issue => "Terbitkan sertifikat", "Issue certificates";
    IssueHint => "Menerbitkan sertifikat untuk setiap peserta yang memenuhi syarat dan belum memilikinya. Yang sudah terbit tidak berubah.", "Issues a certificate to every participant who qualifies and has none yet. Certificates already issued stay as they are.";
    Issued => "{n} sertifikat diterbitkan; {not} peserta belum memenuhi syarat kehadiran.", "{n} certificates issued; {not} participants do not meet the attendance rule.";
    All => "Unduh semua sertifikat (PDF)", "Download all certificates (PDF)";
    Attended => "Hadir", "Attended";
    Qualifies => "Memenuhi syarat", "Qualifies";
    Code => "Kode", "Code";
    Pdf => "PDF", "PDF";
    NotYet => "belum diterbitkan", "not issued yet";
    Caption => "Sertifikat peserta", "Participants' certificates";
    VerifyTitle => "Periksa keaslian sertifikat", "Verify a certificate";
    VerifyIntro => "Ketik kode yang tercetak di bawah kode QR sertifikat.", "Type the code printed under the certificate's QR code.";
    Check => "Periksa", "Check";
    Valid => "Sertifikat ini sah.", "This certificate is genuine.";
    ValidFor => "Diterbitkan melalui Lentera untuk:", "Issued through Lentera to:";
    Unknown => "Tidak ada sertifikat dengan kode ini. Periksa kembali kodenya, atau sertifikat ini sudah dibatalkan.", "There is no certificate with this code. Check the code again; the certificate may have been withdrawn.";
    Name => "Nama", "Name";
    Event => "Kegiatan", "Event";
    Dates => "Tanggal", "Dates";
});

/// Random bytes for codes: 256 from the operating system at a time. Should
/// a refill fail, the buffer continues as a SHA-256 chain of what came
/// before, which stays unpredictable without the first buffer.
pub(super) fn random_source() -> Result<impl FnMut() -> u8, WebError> {
    let mut buf = [0u8; 256];
    getrandom::fill(&mut buf).map_err(|e| WebError::Internal(format!("rng: {e}")))?;
    let mut pos = 0usize;
    Ok(move || {
        if pos == buf.len() {
            if getrandom::fill(&mut buf).is_err() {
                for i in (0..buf.len()).step_by(32) {
                    let h = Sha256::digest(buf);
                    buf[i..i + 32].copy_from_slice(&h);
                }
            }
            pos = 0;
        }
        pos += 1;
        buf[pos - 1]
    })
}

/// A certificate as printed (in Bahasa Indonesia: it is an Indonesian
/// official document whatever the screen language).
pub(crate) fn certificate(
    state: &AppState,
    headers: &HeaderMap,
    e: &Event,
    p: &Participant,
) -> Option<Certificate> {
    let code = CertificateCode::parse(p.certificate_code.as_deref()?).ok()?;
    let d = &e.details;
    let place = d
        .venue
        .clone()
        .unwrap_or_else(|| region_name(state, &d.region_code));
    let role = match d.kind {
        lentera_core::events::EventKind::PeerLearning
        | lentera_core::events::EventKind::Stakeholder => "peserta",
        _ => "peserta pelatihan",
    };
    Some(Certificate {
        title: "SERTIFIKAT".into(),
        number: format!("No. {}", code.grouped()),
        recipient: p.full_name.clone(),
        statement: format!(
            "atas partisipasinya sebagai {role}{} dalam kegiatan",
            p.library_name
                .as_deref()
                .map(|l| format!(" dari {l}"))
                .unwrap_or_default()
        ),
        event_title: d.title.clone(),
        dates: date_range(d.starts_on, d.ends_on, Lang::Id),
        place,
        organiser: d.organiser.clone().unwrap_or_else(|| {
            format!("Dinas Perpustakaan {}", region_name(state, &d.region_code))
        }),
        verification_url: public_url(state, headers, &format!("/verify/{}", code.as_str())),
        signatory: match (&d.signatory_name, &d.signatory_position) {
            (Some(name), Some(position)) => Some(Signatory {
                position: position.clone(),
                name: name.clone(),
            }),
            _ => None,
        },
    })
}

fn pdf(certs: &[Certificate], filename: &str) -> Result<Response, WebError> {
    let mut out = Vec::new();
    render_certificates(certs, &mut out).map_err(|e| WebError::Internal(format!("pdf: {e}")))?;
    let mut r = out.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    let safe: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("inline; filename=\"{safe}.pdf\""))
            .map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(r)
}

/// `GET /events/{id}/participants/{pid}/certificate.pdf`: whoever may see
/// the participant (their own library, officers over it, organisers).
pub(super) async fn one_pdf(
    State(state): State<AppState>,
    u: CurrentUser,
    headers: HeaderMap,
    Path((id, pid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    let eid = cx.event.id.clone();
    let p = state
        .run(move |c| Ok(store::participant(c, &eid, &pid)?))
        .await?;
    if !cx
        .access
        .sees_participant(&u.actor, &p.region_code, p.library_id)
        || p.status != ParticipantStatus::Registered
    {
        return Err(WebError::NotFound);
    }
    let cert = certificate(&state, &headers, &cx.event, &p).ok_or(WebError::NotFound)?;
    pdf(&[cert], &format!("sertifikat-{}", p.full_name))
}

/// `GET /events/{id}/certificates.pdf`: organisers, every certificate.
pub(super) async fn all_pdf(
    State(state): State<AppState>,
    u: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let eid = cx.event.id.clone();
    let people = state
        .run(move |c| Ok(store::participants(c, &eid)?))
        .await?;
    let certs: Vec<Certificate> = people
        .iter()
        .filter(|p| p.status == ParticipantStatus::Registered)
        .filter_map(|p| certificate(&state, &headers, &cx.event, p))
        .collect();
    if certs.is_empty() {
        return Err(WebError::NotFound);
    }
    pdf(&certs, &format!("sertifikat-{}", cx.event.details.title))
}

/// Per registered participant: sessions attended, sessions theirs.
pub(super) struct Standing {
    pub person: Participant,
    pub attended: usize,
    pub sessions: usize,
    pub qualifies: bool,
}

pub(super) fn standings(
    c: &mut lentera_store::DbConn,
    e: &Event,
) -> Result<Vec<Standing>, WebError> {
    let sessions = store::sessions(c, &e.id)?;
    let presence = store::presence(c, &e.id)?;
    Ok(store::participants(c, &e.id)?
        .into_iter()
        .filter(|p| p.status == ParticipantStatus::Registered)
        .map(|p| {
            let theirs = sessions
                .iter()
                .filter(|s| attends(s.mode, p.attend_mode))
                .count();
            let attended = presence.get(&p.id).copied().unwrap_or(0);
            Standing {
                qualifies: qualifies(attended, theirs, e.details.certificate_percent),
                attended,
                sessions: theirs,
                person: p,
            }
        })
        .collect())
}

fn rule_text(cx: &Ctx, lang: Lang) -> String {
    let p = cx.event.details.certificate_percent;
    if p >= 100 {
        E::RuleAll.get(lang).to_string()
    } else {
        E::RulePercent.get(lang).replace("{p}", &p.to_string())
    }
}

/// `GET /events/{id}/certificates`: organisers.
pub(super) async fn show(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    cx.require_organiser()?;
    let e = cx.event.clone();
    let rows = state.run(move |c| standings(c, &e)).await?;
    let path = format!("/events/{}", cx.event.id);
    let frame = frame(&u, lang, &path);
    let get = |k: &str| q.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone());
    let flash = get("issued").map(|n| {
        C::Issued
            .get(lang)
            .replace("{n}", &n)
            .replace("{not}", &get("not").unwrap_or_default())
    });
    let base = format!("/events/{}", cx.event.id);
    let any = rows.iter().any(|r| r.person.certificate_code.is_some());
    let body = html! {
        p.lead { a href=(base) { (cx.event.details.title) } }
        @if let Some(f) = &flash { (notice(f)) }
        p { (C::Rule.get(lang).replace("{rule}", &rule_text(&cx, lang))) }
        form method="post" action={ (base) "/certificates" } {
            (csrf_field(&frame))
            p.hint #issue-hint { (C::IssueHint.get(lang)) }
            div.actions {
                button type="submit" aria-describedby="issue-hint" { (C::Issue.get(lang)) }
                @if any { a.button.secondary href={ (base) "/certificates.pdf" } { (C::All.get(lang)) } }
            }
        }
        div.table-wrap.event-wrap {
            table.event-certificates {
                caption { (C::Caption.get(lang)) }
                thead { tr {
                    th scope="col" { (field_label("full_name", lang)) }
                    th scope="col" { (field_label("library_id", lang)) }
                    th.num scope="col" { (C::Attended.get(lang)) }
                    th scope="col" { (C::Qualifies.get(lang)) }
                    th scope="col" { (C::Code.get(lang)) }
                } }
                tbody {
                    @for r in &rows {
                        tr {
                            td { (r.person.full_name) }
                            td { (r.person.library_name.as_deref().or(r.person.institution.as_deref()).unwrap_or("—")) }
                            td.num { (r.attended) " / " (r.sessions) }
                            td { @if r.qualifies { (Msg::Yes.get(lang)) } @else { (Msg::No.get(lang)) } }
                            td {
                                @match r.person.certificate_code.as_deref().and_then(|c| CertificateCode::parse(c).ok()) {
                                    Some(code) => {
                                        a href={ (base) "/participants/" (r.person.id) "/certificate.pdf" } {
                                            (code.grouped()) span.visually-hidden { " (" (C::Pdf.get(lang)) ", " (r.person.full_name) ")" }
                                        }
                                    }
                                    None => (C::NotYet.get(lang)),
                                }
                            }
                        }
                    }
                }
            }
        }
        p { a href=(base) { "← " (E::Back.get(lang)) } }
    };
    Ok(page(&frame, C::Title.get(lang), body).into_response())
}

/// Issues for the page and the API alike.
pub(super) async fn issue_for(
    state: &AppState,
    u: &CurrentUser,
    cx: &Ctx,
) -> Result<store::Issued, WebError> {
    cx.require_organiser()?;
    let mut bytes = random_source()?;
    let by = actor_ref(u);
    let e = cx.event.clone();
    state
        .run(move |c| {
            let mut next = || CertificateCode::generate(&mut bytes);
            Ok(store::issue_certificates(c, &by, &e, &mut next)?)
        })
        .await
}

/// `POST /events/{id}/certificates`.
pub(super) async fn issue(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
    body: Pairs,
) -> Result<Response, WebError> {
    let cx = ctx(&state, &u, id).await?;
    let _ = pairs(body)?;
    let r = issue_for(&state, &u, &cx).await?;
    Ok(Redirect::to(&format!(
        "/events/{}/certificates?issued={}&not={}",
        cx.event.id, r.issued, r.not_qualified
    ))
    .into_response())
}

fn verify_page(
    user: Option<&CurrentUser>,
    lang: Lang,
    code: &str,
    found: Option<&store::Verified>,
    asked: bool,
) -> Response {
    let path = "/verify";
    let frame = Frame { lang, user, path };
    let body = html! {
        @if asked {
            @match found {
                Some(v) => {
                    div.notice.event-valid role="status" {
                        p { strong { (C::Valid.get(lang)) } }
                        p { (C::ValidFor.get(lang)) }
                    }
                    dl.summary {
                        dt { (C::Name.get(lang)) } dd { (v.full_name) }
                        dt { (C::Event.get(lang)) } dd { (v.event_title) }
                        dt { (C::Dates.get(lang)) } dd { (date_range(v.starts_on, v.ends_on, lang)) }
                    }
                }
                None => {
                    div.error-summary role="alert" { p { (C::Unknown.get(lang)) } }
                }
            }
        }
        p { (C::VerifyIntro.get(lang)) }
        form method="get" action="/verify" {
            div.field {
                label for="f-code" { (field_label("certificate_code", lang)) }
                input #f-code type="text" name="code" value=(code) autocomplete="off" autocapitalize="characters" spellcheck="false";
            }
            div.actions { button type="submit" { (C::Check.get(lang)) } }
        }
    };
    let mut r = page(&frame, C::VerifyTitle.get(lang), body).into_response();
    if asked && found.is_none() {
        *r.status_mut() = StatusCode::NOT_FOUND;
    }
    r
}

/// `GET /verify[?code=]`: the form; with a code, on to its page.
pub(super) async fn verify_form(
    MaybeUser(user): MaybeUser,
    L(lang): L,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let code = q
        .iter()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default();
    if code.is_empty() {
        return Ok(verify_page(user.as_ref(), lang, "", None, false));
    }
    match CertificateCode::parse(&code) {
        Ok(c) => Ok(Redirect::to(&format!("/verify/{}", c.as_str())).into_response()),
        Err(_) => Ok(verify_page(user.as_ref(), lang, &code, None, true)),
    }
}

/// `GET /verify/{code}`: public. Only the name, the event and its dates.
pub(super) async fn verify(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    L(lang): L,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let found = match CertificateCode::parse(&code) {
        Ok(c) => state.run(move |db| Ok(store::verify(db, &c)?)).await?,
        Err(_) => None,
    };
    Ok(verify_page(
        user.as_ref(),
        lang,
        &code,
        found.as_ref(),
        true,
    ))
}

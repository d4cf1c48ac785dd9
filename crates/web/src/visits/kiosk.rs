//! `/kiosk`: the guest book on a tablet at the door.
//!
//! One question per screen, answered with one tap on a big button: card or
//! name → gender → age group → purpose → thank you. Every screen is a plain
//! form that posts the answers so far as hidden fields, so it works without
//! JavaScript and from a keyboard; `kiosk.js` only returns to the start a
//! few seconds after the thank-you. A scanned member card skips the
//! questions the member's record already answers. "Rombongan" records a
//! group with its headcount.
//!
//! The page hides the main menu so visitors are not tempted into the
//! library's records; a small link at the bottom leads staff back.

use super::{
    actor_ref, age_hint, age_label, form_from_pairs, gender_label, own_library, purpose_label,
    today,
};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{Frame, asset_version, csrf_field, error_summary, url_encode};
use crate::i18n::{Lang, field_label, problem_sentence};
use crate::session::L;
use crate::state::AppState;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lentera_core::field::{Invalid, Problem};
use lentera_core::libraries::Library;
use lentera_core::visits::{
    AgeGroup, Gender, Granularity, Purpose, VisitDraft, VisitForm, looks_like_card,
};
use lentera_store::visits::{self as store, At, MemberCard, Scope};
use maud::{DOCTYPE, Markup, html};

crate::messages!(K {
    Title => "Buku tamu", "Guest book";
    Welcome => "Selamat datang di {name}", "Welcome to {name}";
    VisitorHint => "Pindai kartu anggota Anda, atau ketik nama Anda.", "Scan your member card, or type your name.";
    Continue => "Lanjut", "Continue";
    GroupLink => "Datang berombongan? Catat rombongan", "Visiting as a group? Record a group";
    GroupTitle => "Kunjungan rombongan", "Group visit";
    GroupHint => "Misalnya kelas 5 SDN 1 Sukomoro, atau PKK Desa. Isi jumlah laki-laki dan perempuan.", "For example a school class or a women's group. Give the number of males and females.";
    SingleLink => "Bukan rombongan? Kembali ke pengunjung perorangan", "Not a group? Back to single visitors";
    Hello => "Halo, {name}!", "Hello, {name}!";
    GroupOf => "Rombongan {name}: {n} orang", "Group {name}: {n} people";
    GenderQ => "Jenis kelamin Anda", "Your gender";
    AgeQ => "Kelompok umur Anda", "Your age group";
    GroupAgeQ => "Kelompok umur sebagian besar anggota rombongan", "The age group of most of the group";
    PurposeQ => "Apa keperluan Anda hari ini?", "What brings you here today?";
    GroupPurposeQ => "Apa keperluan rombongan hari ini?", "What brings the group here today?";
    StartOver => "Mulai lagi dari awal", "Start again";
    Thanks => "Terima kasih!", "Thank you!";
    ThanksName => "Terima kasih, {name}!", "Thank you, {name}!";
    Recorded => "Kunjungan Anda sudah tercatat. Selamat datang di perpustakaan!", "Your visit is recorded. Welcome to the library!";
    GroupRecorded => "Kunjungan rombongan ({n} orang) sudah tercatat. Selamat datang!", "The group's visit ({n} people) is recorded. Welcome!";
    Done => "Selesai", "Done";
    AutoReturn => "Layar kembali ke awal dalam beberapa detik.", "The screen returns to the start in a few seconds.";
    Today => "Pengunjung hari ini: {n}", "Visitors today: {n}";
    Exit => "Keluar dari mode kios (petugas)", "Leave kiosk mode (staff)";
    StepOf => "Langkah {i} dari {n}", "Step {i} of {n}";
});

/// One screen of the kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Visitor,
    Group,
    Gender,
    Age,
    Purpose,
}

/// The fields a step answers.
fn step_fields(step: Step) -> &'static [&'static str] {
    match step {
        Step::Visitor => &["visitor", "member_no", "visitor_name"],
        Step::Group => &["group_name", "males", "females"],
        Step::Gender => &["gender"],
        Step::Age => &["age_group"],
        Step::Purpose => &["purpose"],
    }
}

fn step_key(step: Step) -> &'static str {
    match step {
        Step::Visitor => "visitor",
        Step::Group => "group",
        Step::Gender => "gender",
        Step::Age => "age",
        Step::Purpose => "purpose",
    }
}

/// The screens this visitor goes through, in order.
fn steps(form: &VisitForm, member: Option<&MemberCard>) -> Vec<Step> {
    if form.is_group() {
        return vec![Step::Group, Step::Age, Step::Purpose];
    }
    let mut v = vec![Step::Visitor];
    if member.is_none_or(|m| m.gender.is_none()) {
        v.push(Step::Gender);
    }
    if member.is_none_or(|m| m.age_group.is_none()) {
        v.push(Step::Age);
    }
    v.push(Step::Purpose);
    v
}

/// `reset`: seconds of no use after which `kiosk.js` returns to the start.
fn kiosk_document(lang: Lang, title: &str, body: Markup, reset: Option<&str>) -> Markup {
    let v = asset_version();
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Lentera" }
                link rel="stylesheet" href={ "/assets/app.css?v=" (v) };
                link rel="icon" href={ "/assets/icon.svg?v=" (v) } type="image/svg+xml";
                script src={ "/assets/app.js?v=" (v) } defer {}
                script src={ "/assets/kiosk.js?v=" (v) } defer {}
            }
            body.kiosk data-kiosk-reset=[reset] {
                main #main .kiosk-main tabindex="-1" { (body) }
                footer.kiosk-exit {
                    a href="/visits" { (K::Exit.get(lang)) }
                    " · "
                    a href={ "/lang/" (lang.other().code()) "?next=" (url_encode("/kiosk")) }
                      lang=(lang.other().code()) hreflang=(lang.other().code()) {
                        (crate::i18n::Msg::OtherLanguageName.get(lang))
                    }
                }
            }
        }
    }
}

fn respond(m: Markup, status: StatusCode) -> Response {
    let mut r = m.into_response();
    *r.status_mut() = status;
    r
}

/// The answers so far, carried to the next screen.
fn hidden(form: &VisitForm, except: Step) -> Markup {
    let skip = step_fields(except);
    let pairs = [
        ("mode", &form.mode),
        ("visitor", &form.visitor),
        ("member_no", &form.member_no),
        ("visitor_name", &form.visitor_name),
        ("group_name", &form.group_name),
        ("males", &form.males),
        ("females", &form.females),
        ("gender", &form.gender),
        ("age_group", &form.age_group),
        ("purpose", &form.purpose),
    ];
    html! {
        @for (k, v) in pairs {
            @if !skip.contains(&k) && !v.trim().is_empty() {
                input type="hidden" name=(k) value=(v);
            }
        }
    }
}

fn big_input(
    name: &'static str,
    value: &str,
    kind: &str,
    lang: Lang,
    errors: &Invalid,
    autofocus: bool,
) -> Markup {
    let err = errors.for_field(name);
    html! {
        div.field.has-error[err.is_some()] {
            label for={ "f-" (name) } { (field_label(name, lang)) }
            @if let Some(e) = err {
                p.error-message id={ "e-" (name) } { (problem_sentence(e.field, &e.problem, lang)) }
            }
            @if kind == "number" {
                input id={ "f-" (name) } name=(name) type="number" inputmode="numeric" min="0" max="2000"
                    value=(value) autofocus[autofocus] aria-invalid=[err.is_some().then_some("true")]
                    aria-describedby=[err.map(|_| format!("e-{name}"))];
            } @else {
                input id={ "f-" (name) } name=(name) type="text" value=(value) autocomplete="off"
                    autocapitalize="words" spellcheck="false" autofocus[autofocus]
                    aria-invalid=[err.is_some().then_some("true")]
                    aria-describedby=[err.map(|_| format!("e-{name}"))];
            }
        }
    }
}

struct Screen<'a> {
    lang: Lang,
    frame: &'a Frame<'a>,
    lib: &'a Library,
    form: &'a VisitForm,
    member: Option<&'a MemberCard>,
    errors: &'a Invalid,
    today_count: i64,
}

fn who(s: &Screen<'_>) -> Option<String> {
    let lang = s.lang;
    if s.form.is_group() {
        let n = s.form.males.trim().parse::<i64>().unwrap_or(0)
            + s.form.females.trim().parse::<i64>().unwrap_or(0);
        return (!s.form.group_name.trim().is_empty()).then(|| {
            K::GroupOf
                .get(lang)
                .replace("{name}", s.form.group_name.trim())
                .replace("{n}", &n.to_string())
        });
    }
    let name = match s.member {
        Some(m) => m.full_name.clone(),
        None if !looks_like_card(&s.form.visitor) => s.form.visitor.trim().to_string(),
        None => String::new(),
    };
    (!name.is_empty()).then(|| K::Hello.get(lang).replace("{name}", &name))
}

fn choice_step<T: Copy>(
    s: &Screen<'_>,
    step: Step,
    name: &'static str,
    legend: &str,
    choices: &[(T, &'static str, Option<&'static str>, &'static str)],
) -> Markup {
    let lang = s.lang;
    let err = s.errors.for_field(name);
    html! {
        @if let Some(w) = who(s) { p.kiosk-who { (w) } }
        form method="post" action="/kiosk" {
            (csrf_field(s.frame))
            (hidden(s.form, step))
            input type="hidden" name="step" value=(step_key(step));
            fieldset.kiosk-choices aria-describedby=[err.map(|_| format!("e-{name}"))] {
                legend { h1 { (legend) } }
                @if let Some(e) = err {
                    p.error-message id={ "e-" (name) } { (problem_sentence(e.field, &e.problem, lang)) }
                }
                @for (i, (_, key, hint, label)) in choices.iter().enumerate() {
                    button.kiosk-choice type="submit" name=(name) value=(key) autofocus[i == 0] {
                        span.kiosk-choice-label { (label) }
                        @if let Some(h) = hint { span.kiosk-choice-hint { (h) } }
                    }
                }
            }
        }
    }
}

fn screen(s: &Screen<'_>, step: Step) -> Markup {
    let lang = s.lang;
    let all = steps(s.form, s.member);
    let i = all.iter().position(|x| *x == step).unwrap_or(0) + 1;
    let group = s.form.is_group();
    let progress = html! {
        p.kiosk-step { (K::StepOf.get(lang).replace("{i}", &i.to_string()).replace("{n}", &all.len().to_string())) }
    };
    let body = match step {
        Step::Visitor => html! {
            h1 { (K::Welcome.get(lang).replace("{name}", &s.lib.details.name)) }
            (error_summary(s.errors, lang))
            form method="post" action="/kiosk" {
                (csrf_field(s.frame))
                input type="hidden" name="step" value="visitor";
                p.hint { (K::VisitorHint.get(lang)) }
                (big_input("visitor", &s.form.visitor, "text", lang, s.errors, true))
                button.kiosk-next type="submit" { (K::Continue.get(lang)) " →" }
            }
            p.kiosk-alt { a.button.secondary href="/kiosk?mode=group" { (K::GroupLink.get(lang)) } }
            p.kiosk-today { (K::Today.get(lang).replace("{n}", &s.today_count.to_string())) }
        },
        Step::Group => html! {
            h1 { (K::GroupTitle.get(lang)) }
            (error_summary(s.errors, lang))
            form method="post" action="/kiosk" {
                (csrf_field(s.frame))
                input type="hidden" name="mode" value="group";
                input type="hidden" name="step" value="group";
                p.hint { (K::GroupHint.get(lang)) }
                (big_input("group_name", &s.form.group_name, "text", lang, s.errors, true))
                div.kiosk-counts {
                    (big_input("males", &s.form.males, "number", lang, s.errors, false))
                    (big_input("females", &s.form.females, "number", lang, s.errors, false))
                }
                button.kiosk-next type="submit" { (K::Continue.get(lang)) " →" }
            }
            p.kiosk-alt { a href="/kiosk" { (K::SingleLink.get(lang)) } }
        },
        Step::Gender => {
            let c: Vec<_> = Gender::ALL
                .iter()
                .map(|g| (*g, g.key(), None, gender_label(*g, lang)))
                .collect();
            choice_step(s, step, "gender", K::GenderQ.get(lang), &c)
        }
        Step::Age => {
            let c: Vec<_> = AgeGroup::ALL
                .iter()
                .map(|a| (*a, a.key(), Some(age_hint(*a, lang)), age_label(*a, lang)))
                .collect();
            let q = if group { K::GroupAgeQ } else { K::AgeQ };
            choice_step(s, step, "age_group", q.get(lang), &c)
        }
        Step::Purpose => {
            let c: Vec<_> = Purpose::ALL
                .iter()
                .map(|p| (*p, p.key(), None, purpose_label(*p, lang)))
                .collect();
            let q = if group { K::GroupPurposeQ } else { K::PurposeQ };
            choice_step(s, step, "purpose", q.get(lang), &c)
        }
    };
    html! {
        (progress)
        (body)
        @if !matches!(step, Step::Visitor | Step::Group) {
            p.kiosk-alt { a href="/kiosk" { (K::StartOver.get(lang)) } }
        }
    }
}

async fn today_count(state: &AppState, lib: &Library) -> Result<i64, WebError> {
    let day = today(lib);
    let id = lib.id;
    state
        .run(move |c| {
            Ok(
                store::counts(c, &Scope::Library(id), day, day, Granularity::Day)?
                    .total
                    .visitors,
            )
        })
        .await
}

/// `GET /kiosk`: the first screen, or the thank-you after a check-in.
pub(super) async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let lib = own_library(&state, &user).await?;
    let frame = Frame {
        lang,
        user: Some(&user),
        path: "/kiosk",
    };
    let value = |k: &str| q.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone());
    if let Some(id) = value("done") {
        let lib_id = lib.id;
        let visit = state
            .run(move |c| Ok(store::get(c, lib_id, &id, true).ok()))
            .await?;
        return Ok(thanks(lang, visit.as_ref()).into_response());
    }
    let mut form = VisitForm::default();
    if value("mode").as_deref() == Some("group") {
        form.mode = "group".into();
    }
    let today_count = today_count(&state, &lib).await?;
    let errors = Invalid::default();
    let s = Screen {
        lang,
        frame: &frame,
        lib: &lib,
        form: &form,
        member: None,
        errors: &errors,
        today_count,
    };
    let step = if form.is_group() {
        Step::Group
    } else {
        Step::Visitor
    };
    Ok(kiosk_document(lang, K::Title.get(lang), screen(&s, step), idle(step)).into_response())
}

fn thanks(lang: Lang, visit: Option<&store::Visit>) -> Markup {
    let title = match visit
        .and_then(|v| v.name.as_deref())
        .filter(|_| visit.is_some_and(|v| !v.is_group))
    {
        Some(n) => K::ThanksName.get(lang).replace("{name}", n),
        None => K::Thanks.get(lang).to_string(),
    };
    let line = match visit {
        Some(v) if v.is_group => K::GroupRecorded
            .get(lang)
            .replace("{n}", &v.people().to_string()),
        _ => K::Recorded.get(lang).to_string(),
    };
    kiosk_document(
        lang,
        K::Title.get(lang),
        html! {
            div.kiosk-thanks role="status" {
                h1 { (title) }
                p.lead { (line) }
            }
            p { a.button.kiosk-next #kiosk-done href="/kiosk" autofocus { (K::Done.get(lang)) } }
            p.hint { (K::AutoReturn.get(lang)) }
        },
        Some("8"),
    )
}

/// A visitor who walks away mid-way leaves the screen for the next one.
fn idle(step: Step) -> Option<&'static str> {
    (step != Step::Visitor).then_some("90")
}

/// `POST /kiosk`: takes the answers so far and shows the next question,
/// or records the visit and redirects to the thank-you.
pub(super) async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(pairs) = body.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let lib = own_library(&state, &user).await?;
    let frame = Frame {
        lang,
        user: Some(&user),
        path: "/kiosk",
    };
    let form = form_from_pairs(&pairs);
    let submitted = pairs
        .iter()
        .find(|(k, _)| k == "step")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let day = today(&lib);
    let today_count = today_count(&state, &lib).await?;

    // A card is looked up first, so the next screens greet the member and
    // skip what the record already says.
    let card = (!form.is_group() && looks_like_card(&form.visitor))
        .then(|| form.visitor.trim().to_string());
    let member = match card {
        Some(no) => {
            let id = lib.id;
            let found = state
                .run(move |c| Ok(store::lookup_member(c, id, &no, day)?))
                .await?;
            if found.is_none() {
                let errors = Invalid::one("visitor", Problem::NotFound);
                return Ok(show(
                    &frame,
                    &lib,
                    &form,
                    None,
                    &errors,
                    today_count,
                    Step::Visitor,
                ));
            }
            found
        }
        None => None,
    };

    // Which screen is still unanswered? Its problems are shown only once
    // the visitor has seen it (an empty answer to a screen not yet shown is
    // just the next question, not an error).
    let all = steps(&form, member.as_ref());
    let parsed = VisitDraft::parse(&form, day, false);
    let problems = parsed.as_ref().err().cloned().unwrap_or_default();
    for step in &all {
        let fields = step_fields(*step);
        let mut errs = Invalid(
            problems
                .0
                .iter()
                .filter(|e| fields.contains(&e.field))
                .cloned()
                .collect(),
        );
        // A member without gender or age on record must still answer.
        if member.is_some() {
            if *step == Step::Gender && form.gender.trim().is_empty() {
                errs.push("gender", Problem::Required);
            }
            if *step == Step::Age && form.age_group.trim().is_empty() {
                errs.push("age_group", Problem::Required);
            }
        }
        if errs.is_empty() {
            continue;
        }
        let seen = submitted == step_key(*step)
            || fields
                .iter()
                .any(|f| pairs.iter().any(|(k, v)| k == f && !v.trim().is_empty()));
        let shown = if seen { errs } else { Invalid::default() };
        let status = if seen {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        let mut r = show(
            &frame,
            &lib,
            &form,
            member.as_ref(),
            &shown,
            today_count,
            *step,
        );
        *r.status_mut() = status;
        return Ok(r);
    }
    let draft = parsed.map_err(WebError::Invalid)?;
    let by = actor_ref(&user);
    let id = lib.id;
    let village = lib.details.village_code.clone();
    let saved = state
        .run(move |c| {
            let at = At {
                library: id,
                village: &village,
            };
            Ok(store::record(c, &by, &at, &draft, lentera_store::now()))
        })
        .await?;
    match saved {
        Ok(v) => Ok(Redirect::to(&format!("/kiosk?done={}", v.id)).into_response()),
        Err(lentera_store::StoreError::Invalid(inv)) => {
            // The card vanished between screens: back to the first one.
            let errors = Invalid(
                inv.0
                    .into_iter()
                    .map(|mut e| {
                        if e.field == "member_no" {
                            e.field = "visitor";
                        }
                        e
                    })
                    .collect(),
            );
            let mut r = show(
                &frame,
                &lib,
                &form,
                None,
                &errors,
                today_count,
                Step::Visitor,
            );
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

fn show(
    frame: &Frame<'_>,
    lib: &Library,
    form: &VisitForm,
    member: Option<&MemberCard>,
    errors: &Invalid,
    today_count: i64,
    step: Step,
) -> Response {
    let lang = frame.lang;
    let s = Screen {
        lang,
        frame,
        lib,
        form,
        member,
        errors,
        today_count,
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    respond(
        kiosk_document(lang, K::Title.get(lang), screen(&s, step), idle(step)),
        status,
    )
}

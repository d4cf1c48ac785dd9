//! `/program/years`: the program years — name, targets, the minimum number
//! of proposals per district, the proposal deadline and the decree (SK)
//! naming the recipients. Every officer reads them; national administrators
//! open and change them.

use super::{actor_ref, date, this_year};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{Field, Frame, csrf_field, error_summary, input, notice, page};
use crate::i18n::{Lang, field_label};
use crate::session::L;
use crate::state::AppState;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lentera_core::field::Invalid;
use lentera_core::program::{ProgramYear, ProposalStatus, YearDraft, YearForm, may_manage_years};
use lentera_store::program as store;
use maud::{Markup, html};

crate::messages!(Y {
    Title => "Tahun program TPBIS", "TPBIS programme years";
    Intro => "Setiap tahun program punya target, batas akhir usulan, minimal usulan per kabupaten/kota, dan SK Kepala Perpusnas yang menetapkan penerima.", "Each programme year has its targets, a proposal deadline, a minimum number of proposals per regency/city, and the decree of the Head of Perpusnas naming the recipients.";
    Caption => "Tahun program", "Programme years";
    Year => "Tahun", "Year";
    Targets => "Target penerima", "Recipient targets";
    TargetLine => "{all} perpustakaan ({full} dukungan penuh, {books} bantuan buku); {trained} pengelola dilatih", "{all} libraries ({full} full support, {books} book aid); {trained} managers trained";
    Minimum => "Minimal usulan per kab/kota", "Minimum proposals per regency";
    Deadline => "Batas usulan", "Deadline";
    Decree => "SK penerima", "Recipients' decree";
    NoDecree => "Belum ada SK (usulan masih dibuka)", "No decree yet (proposals open)";
    Proposals => "Usulan (terkirim/semua)", "Proposals (sent/all)";
    EditYear => "Ubah", "Edit";
    None => "Belum ada tahun program.", "No programme years yet.";
    NewTitle => "Buka tahun program baru", "Open a new programme year";
    NewHint => "Nama boleh dikosongkan (menjadi \"TPBIS <tahun>\"). Minimal usulan bawaan 25 per kabupaten/kota.", "The name may be left empty (it becomes \"TPBIS <year>\"). The minimum defaults to 25 per regency/city.";
    Create => "Buka tahun program", "Open the programme year";
    Created => "Tahun program dibuka.", "The programme year was opened.";
    Saved => "Tahun program tersimpan.", "The programme year was saved.";
    EditTitle => "Ubah {name}", "Edit {name}";
    DecreeHint => "Isi nomor dan tanggal SK setelah penerima ditetapkan. Setelah SK dicatat, usulan untuk tahun ini ditutup.", "Fill in the decree's number and date once the recipients are named. Once the decree is recorded, proposals for this year are closed.";
    DecreeExample => "Contoh: SK Kepala Perpusnas Nomor 12 Tahun 2024", "E.g. SK Kepala Perpusnas Nomor 12 Tahun 2024";
    Save => "Simpan", "Save";
    Back => "Kembali ke tahun program", "Back to the programme years";
    TargetsLegend => "Target", "Targets";
    DecreeLegend => "SK penetapan penerima", "Decree naming the recipients";
});

fn year_fields(f: &YearForm, lang: Lang, errors: &Invalid, with_year: bool) -> Markup {
    html! {
        @if with_year {
            (input(Field::text("program_year", &f.program_year).kind("number").required(), lang, errors))
        } @else {
            input type="hidden" name="program_year" value=(f.program_year);
        }
        (input(Field::text("year_name", &f.year_name), lang, errors))
        fieldset {
            legend { (Y::TargetsLegend.get(lang)) }
            (input(Field::text("target_libraries", &f.target_libraries).kind("number"), lang, errors))
            (input(Field::text("target_full_support", &f.target_full_support).kind("number"), lang, errors))
            (input(Field::text("target_book_aid", &f.target_book_aid).kind("number"), lang, errors))
            (input(Field::text("target_trained", &f.target_trained).kind("number"), lang, errors))
        }
        (input(Field::text("min_proposals_per_district", &f.min_proposals_per_district).kind("number"), lang, errors))
        (input(Field::text("proposal_deadline", &f.proposal_deadline).kind("date"), lang, errors))
        fieldset {
            legend { (Y::DecreeLegend.get(lang)) }
            p.hint { (Y::DecreeHint.get(lang)) }
            (input(Field::text("decree_number", &f.decree_number).hint(Y::DecreeExample.get(lang)), lang, errors))
            (input(Field::text("decree_date", &f.decree_date).kind("date"), lang, errors))
        }
    }
}

fn form_from(pairs: &[(String, String)]) -> YearForm {
    let mut f = YearForm::default();
    for (k, v) in pairs {
        f.set(k, v);
    }
    f
}

fn targets_line(y: &ProgramYear, lang: Lang) -> String {
    let d = &y.details;
    Y::TargetLine
        .get(lang)
        .replace("{all}", &d.target_libraries.to_string())
        .replace("{full}", &d.target_full_support.to_string())
        .replace("{books}", &d.target_book_aid.to_string())
        .replace("{trained}", &d.target_trained.to_string())
}

async fn render_list(
    state: &AppState,
    u: &CurrentUser,
    lang: Lang,
    form: &YearForm,
    errors: &Invalid,
    flash: Option<Y>,
) -> Result<Response, WebError> {
    let reach = u.actor.reach();
    let (years, counts) = state
        .run(move |c| Ok((store::list_years(c)?, store::counts_by_year(c, &reach)?)))
        .await?;
    let frame = Frame {
        lang,
        user: Some(u),
        path: "/program/years",
    };
    let manage = may_manage_years(&u.actor);
    let count = |y: i32, sent_only: bool| -> i64 {
        counts
            .iter()
            .filter(|(cy, s, _)| {
                *cy == y
                    && (!sent_only || ProposalStatus::parse(s).is_ok_and(ProposalStatus::proposed))
            })
            .map(|(_, _, n)| n)
            .sum()
    };
    let body = html! {
        @if let Some(m) = flash { (notice(m.get(lang))) }
        p.lead { (Y::Intro.get(lang)) }
        @if years.is_empty() {
            p { (Y::None.get(lang)) }
        } @else {
            div.table-wrap {
                table {
                    caption { (Y::Caption.get(lang)) }
                    thead { tr {
                        th scope="col" { (Y::Year.get(lang)) }
                        th scope="col" { (Y::Targets.get(lang)) }
                        th scope="col" class="num" { (Y::Minimum.get(lang)) }
                        th scope="col" { (Y::Deadline.get(lang)) }
                        th scope="col" { (Y::Decree.get(lang)) }
                        th scope="col" class="num" { (Y::Proposals.get(lang)) }
                        @if manage { th scope="col" { span.visually-hidden { (Y::EditYear.get(lang)) } } }
                    } }
                    tbody {
                        @for y in &years {
                            tr {
                                th scope="row" { a href={ "/program/" (y.year()) } { (y.details.name) } }
                                td { (targets_line(y, lang)) }
                                td.num { (y.details.min_proposals_per_district) }
                                td { @if let Some(d) = y.details.proposal_deadline { (date(d)) } @else { "—" } }
                                td {
                                    @match (&y.details.decree_number, y.details.decree_date) {
                                        (Some(n), Some(d)) => { (n) ", " (date(d)) }
                                        _ => { span.tag.off { (Y::NoDecree.get(lang)) } }
                                    }
                                }
                                td.num {
                                    a href={ "/program/proposals?year=" (y.year()) } {
                                        (count(y.year(), true)) "/" (count(y.year(), false))
                                    }
                                }
                                @if manage {
                                    td { a href={ "/program/years/" (y.year()) } { (Y::EditYear.get(lang)) span.visually-hidden { " " (y.details.name) } } }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if manage {
            h2 #new-year { (Y::NewTitle.get(lang)) }
            (error_summary(errors, lang))
            form method="post" action="/program/years" novalidate {
                (csrf_field(&frame))
                p.hint { (Y::NewHint.get(lang)) }
                (year_fields(form, lang, errors, true))
                div.actions { button type="submit" { (Y::Create.get(lang)) } }
            }
        }
    };
    let mut res = page(&frame, Y::Title.get(lang), body).into_response();
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /program/years`: officers only.
pub(super) async fn list(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if !u.actor.role.is_officer() {
        return Err(WebError::Forbidden);
    }
    let flash = pairs.iter().find_map(|(k, _)| match k.as_str() {
        "created" => Some(Y::Created),
        "saved" => Some(Y::Saved),
        _ => None,
    });
    let form = YearForm {
        program_year: (this_year() + 1).to_string(),
        min_proposals_per_district: lentera_core::program::DEFAULT_MIN_PROPOSALS.to_string(),
        ..Default::default()
    };
    render_list(&state, &u, lang, &form, &Invalid::default(), flash).await
}

/// `POST /program/years`: national administrators open a year.
pub(super) async fn create(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(pairs) = body.map_err(|e| WebError::BadRequest(e.body_text()))?;
    if !may_manage_years(&u.actor) {
        return Err(WebError::Forbidden);
    }
    let form = form_from(&pairs);
    let draft = match YearDraft::parse(&form, this_year()) {
        Ok(d) => d,
        Err(e) => return render_list(&state, &u, lang, &form, &e, None).await,
    };
    let by = actor_ref(&u);
    let saved = state
        .run(move |c| Ok(store::create_year(c, &by, &draft)))
        .await?;
    match saved {
        Ok(_) => Ok(Redirect::to("/program/years?created=1").into_response()),
        Err(lentera_store::StoreError::Invalid(e)) => {
            render_list(&state, &u, lang, &form, &e, None).await
        }
        Err(e) => Err(e.into()),
    }
}

fn render_edit(
    u: &CurrentUser,
    lang: Lang,
    y: &ProgramYear,
    form: &YearForm,
    version: &str,
    errors: &Invalid,
) -> Response {
    let frame = Frame {
        lang,
        user: Some(u),
        path: "/program/years",
    };
    let title = Y::EditTitle.get(lang).replace("{name}", &y.details.name);
    let body = html! {
        (error_summary(errors, lang))
        form method="post" action={ "/program/years/" (y.year()) } novalidate {
            (csrf_field(&frame))
            input type="hidden" name="updated_at" value=(version);
            dl.summary {
                dt { (field_label("program_year", lang)) } dd { (y.year()) }
            }
            (year_fields(form, lang, errors, false))
            div.actions {
                button type="submit" { (Y::Save.get(lang)) }
                a href="/program/years" { (Y::Back.get(lang)) }
            }
        }
    };
    let mut res = page(&frame, &title, body).into_response();
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

fn year_param(s: &str) -> Result<i32, WebError> {
    s.parse().map_err(|_| WebError::NotFound)
}

/// `GET /program/years/{year}`: the edit form (national administrators).
pub(super) async fn edit(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(year): Path<String>,
) -> Result<Response, WebError> {
    let year = year_param(&year)?;
    if !may_manage_years(&u.actor) {
        return Err(WebError::Forbidden);
    }
    let y = state.run(move |c| Ok(store::get_year(c, year)?)).await?;
    let version = crate::libraries::version(&y.updated_at);
    Ok(render_edit(
        &u,
        lang,
        &y,
        &y.to_form(),
        &version,
        &Invalid::default(),
    ))
}

/// `POST /program/years/{year}`: save targets, deadline, minimum, decree.
pub(super) async fn update(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(year): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(pairs) = body.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let year = year_param(&year)?;
    if !may_manage_years(&u.actor) {
        return Err(WebError::Forbidden);
    }
    let y = state.run(move |c| Ok(store::get_year(c, year)?)).await?;
    let mut form = form_from(&pairs);
    // The year is the record's key, not a field to change here.
    form.program_year = year.to_string();
    let version = pairs
        .iter()
        .find(|(k, _)| k == "updated_at")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let expected = crate::libraries::parse_version(&version)?;
    let draft = match YearDraft::parse(&form, this_year().max(year)) {
        Ok(d) => d,
        Err(e) => return Ok(render_edit(&u, lang, &y, &form, &version, &e)),
    };
    let by = actor_ref(&u);
    let saved = state
        .run(move |c| Ok(store::update_year(c, &by, year, &draft, expected)))
        .await?;
    match saved {
        Ok(_) => Ok(Redirect::to("/program/years?saved=1").into_response()),
        Err(lentera_store::StoreError::Invalid(e)) => {
            Ok(render_edit(&u, lang, &y, &form, &version, &e))
        }
        Err(e) => Err(e.into()),
    }
}

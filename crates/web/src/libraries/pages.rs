//! Browser pages of the registry: the list, a library's details, the create
//! and edit forms, and deactivating/reactivating.

use super::{
    Filters, effective_form, has_locked_fields, kind_label, kind_options, load_editable,
    load_visible, parse_checked, parse_version, participation_label, participation_options, place,
    require_registrar, save_existing, save_new, set_active, version, village_path,
};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{
    Field, Frame, RegionInput, checkbox, csrf_field, error_summary, input, notice, page, pager,
    reach_region, region_input, select, textarea,
};
use crate::i18n::{Lang, Msg, field_label};
use crate::regions::fmt_thousands;
use crate::session::L;
use crate::state::AppState;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lentera_core::field::{Invalid, flag};
use lentera_core::libraries::{Library, LibraryDraft, LibraryForm, LibraryType, Participation};
use lentera_core::regions::RegionCode;
use lentera_store::libraries as store;
use maud::{Markup, html};

crate::messages!(P {
    AddLibrary => "Tambah perpustakaan", "Add a library";
    EditTitle => "Ubah data: {name}", "Edit: {name}";
    ListCaption => "Daftar perpustakaan dalam jangkauan Anda", "Libraries within your reach";
    Filter => "Saring", "Filter";
    ClearFilters => "Hapus saringan", "Clear filters";
    FilterTitle => "Saring daftar", "Filter the list";
    QHint => "Sebagian nama perpustakaan, atau awal NPP.", "Part of the library's name, or the start of its NPP.";
    RegionFilterHint => "Provinsi, kabupaten/kota, kecamatan atau desa: ketik nama atau kode.", "Province, regency, district or village: type a name or code.";
    ExportLead => "Unduh daftar ini (dengan saringan yang sama):", "Download this list (with the same filters):";
    ExportCsv => "CSV", "CSV";
    ExportXlsx => "Excel (XLSX)", "Excel (XLSX)";
    ImportLink => "Impor dari berkas CSV/Excel", "Import from a CSV/Excel file";
    SectionIdentity => "Identitas dan lokasi", "Identity and location";
    SectionContact => "Kontak", "Contact";
    SectionServices => "Layanan dan fasilitas", "Services and facilities";
    SectionTpbis => "Program TPBIS", "TPBIS programme";
    VillageHint => "Ketik nama desa/kelurahan lalu pilih dari daftar, atau ketik kodenya (contoh: 35.20.01.2001).", "Type the village's name and choose it from the list, or type its code (e.g. 35.20.01.2001).";
    NppHint => "Jika sudah punya: 6 angka kode kecamatan diikuti huruf/angka, misalnya 352001 2D1 000001.", "If it has one: the 6-digit district code followed by letters/digits, e.g. 352001 2D1 000001.";
    LatHint => "Contoh: -7,6512. Isi lintang dan bujur bersama, atau kosongkan keduanya.", "For example -7.6512. Give both latitude and longitude, or neither.";
    LonHint => "Contoh: 111,3298.", "For example 111.3298.";
    HoursHint => "Contoh: Senin–Sabtu 08.00–15.00", "For example: Mon–Sat 08:00–15:00";
    CohortHint => "Tahun perpustakaan mulai ikut TPBIS. Wajib bila ikut TPBIS.", "The year the library joined TPBIS. Required when it takes part.";
    LockedNote => "Jenis perpustakaan, desa/kelurahan dan keikutsertaan TPBIS hanya dapat diubah oleh petugas dinas perpustakaan.", "The library type, village and TPBIS participation can only be changed by library officers.";
    ConflictLatest => "Yang tersimpan sekarang berbeda dari isian Anda pada:", "What is saved now differs from your form in:";
    ConflictResave => "Isian Anda masih ada di formulir di bawah. Periksa lagi, lalu simpan untuk menimpa versi terbaru — atau batalkan.", "Your entries are still in the form below. Check them, then save to replace the latest version — or cancel.";
    Deactivate => "Nonaktifkan", "Deactivate";
    Reactivate => "Aktifkan kembali", "Reactivate";
    ConfirmDeactivate => "Nonaktifkan perpustakaan ini? Datanya tetap tersimpan dan dapat diaktifkan kembali.", "Deactivate this library? Its data is kept and it can be reactivated.";
    Deactivated => "Perpustakaan dinonaktifkan.", "The library was deactivated.";
    Reactivated => "Perpustakaan diaktifkan kembali.", "The library was reactivated.";
    AuditTrail => "Lihat riwayat perubahan (jejak audit)", "See the change history (audit trail)";
    Created => "Didaftarkan", "Registered";
    LastChanged => "Terakhir diubah", "Last changed";
    Location => "Lokasi", "Location";
});

fn frame<'a>(lang: Lang, user: &'a CurrentUser) -> Frame<'a> {
    Frame {
        lang,
        user: Some(user),
        path: "/libraries",
    }
}

fn with_status(m: Markup, status: StatusCode) -> Response {
    let mut res = m.into_response();
    *res.status_mut() = status;
    res
}

/// A urlencoded form as (field, value) pairs: the library fields, and the
/// version it was based on.
fn form_from_pairs(
    pairs: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<(LibraryForm, String), WebError> {
    let Form(pairs) = pairs.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let mut form = LibraryForm::default();
    let mut updated_at = String::new();
    for (k, v) in pairs {
        if k == "updated_at" {
            updated_at = v;
        } else {
            form.set(&k, &v);
        }
    }
    Ok((form, updated_at))
}

fn dash(s: &str) -> &str {
    if s.trim().is_empty() { "—" } else { s }
}

/// A decimal the way the reader writes it: "6,5" in Indonesian.
fn decimal(v: f64, lang: Lang) -> String {
    let s = v.to_string();
    if lang == Lang::Id {
        s.replace('.', ",")
    } else {
        s
    }
}

fn yes_no(b: bool, lang: Lang) -> &'static str {
    if b {
        Msg::Yes.get(lang)
    } else {
        Msg::No.get(lang)
    }
}

fn status_tag(active: bool, lang: Lang) -> Markup {
    html! {
        @if active { span.tag.on { (Msg::Active.get(lang)) } }
        @else { span.tag.off { (Msg::Inactive.get(lang)) } }
    }
}

/// A stored form value as a reader expects it (labels for choices).
fn shown_value(key: &str, value: &str, lang: Lang) -> String {
    match key {
        "kind" => LibraryType::parse(value)
            .map(|k| kind_label(k, lang).to_string())
            .unwrap_or_else(|_| value.to_string()),
        "participation" => Participation::parse(value)
            .map(|p| participation_label(p, lang).to_string())
            .unwrap_or_else(|_| value.to_string()),
        "has_internet" => yes_no(flag(value).unwrap_or(false), lang).to_string(),
        _ => dash(value).to_string(),
    }
}

// ---------------------------------------------------------------- list

pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let filters = Filters::from_pairs(&pairs);
    let (found, errors) = match filters.query(user.actor.reach(), 50) {
        Ok(mut q) => (
            // 100 rows keep the page well under 100 KB on a slow line; the
            // API and exports serve larger batches.
            Some({
                q.per_page = q.per_page.min(100);
                state.run(move |c| Ok(store::list(c, &q)?)).await?
            }),
            Invalid::default(),
        ),
        Err(e) => (None, e),
    };
    let frame = frame(lang, &user);
    let officer = user.actor.role.is_officer();
    let region_path = RegionCode::parse(&filters.region)
        .ok()
        .filter(|c| state.regions.contains(c))
        .map(|c| village_path(&state.regions, &c));
    let qs = filters.query_string();
    let export = |format: &str| {
        if qs.is_empty() {
            format!("/libraries/export?format={format}")
        } else {
            format!("/libraries/export?format={format}&{qs}")
        }
    };
    let mut pager_pairs = filters.pairs();
    if !filters.per_page.is_empty() {
        pager_pairs.push(("per_page", filters.per_page.clone()));
    }
    let active_options = vec![
        ("true".to_string(), Msg::Active.get(lang).to_string()),
        ("false".to_string(), Msg::Inactive.get(lang).to_string()),
    ];
    let body = html! {
        @if officer {
            p.actions {
                a.button href="/libraries/new" { (P::AddLibrary.get(lang)) }
                " "
                a.button.secondary href="/libraries/import" { (P::ImportLink.get(lang)) }
            }
        }
        (error_summary(&errors, lang))
        form.filters method="get" action="/libraries" role="search" aria-labelledby="filter-title" {
            h2 #filter-title .visually-hidden { (P::FilterTitle.get(lang)) }
            (input(Field::text("q", &filters.q).kind("search").hint(P::QHint.get(lang)), lang, &errors))
            (region_input(RegionInput { name: "region", value: &filters.region, level: None, within: reach_region(frame.user), path_label: region_path, required: false, hint: P::RegionFilterHint.get(lang) }, lang, &errors))
            (select("kind", &filters.kind, &kind_options(lang), false, lang, &errors))
            (select("participation", &filters.participation, &participation_options(lang), false, lang, &errors))
            (select("active", &filters.active, &active_options, false, lang, &errors))
            div.actions {
                button type="submit" { (P::Filter.get(lang)) }
                " "
                a href="/libraries" { (P::ClearFilters.get(lang)) }
            }
        }
        @if let Some(found) = &found {
            p role="status" { (Msg::Results.get(lang).replace("{n}", &fmt_thousands(found.total.max(0) as usize, lang))) }
            @if found.items.is_empty() {
                p { (Msg::NoResults.get(lang)) }
            } @else {
                div.table-wrap {
                    table {
                        caption { (P::ListCaption.get(lang)) }
                        thead { tr {
                            th scope="col" { (field_label("name", lang)) }
                            th scope="col" { (field_label("village_code", lang)) }
                            th scope="col" { (field_label("kind", lang)) }
                            th scope="col" { (field_label("participation", lang)) }
                            th scope="col" { (Msg::Status.get(lang)) }
                        } }
                        tbody {
                            @for lib in &found.items {
                                tr {
                                    td {
                                        a href={ "/libraries/" (lib.id) } { (lib.details.name) }
                                        @if let Some(npp) = &lib.details.npp { br; small { "NPP " (npp.as_str()) } }
                                    }
                                    td { (village_path(&state.regions, &lib.details.village_code)) }
                                    td { (kind_label(lib.details.kind, lang)) }
                                    td {
                                        (participation_label(lib.details.participation, lang))
                                        @if let Some(y) = lib.details.cohort_year { " (" (y) ")" }
                                    }
                                    td { (status_tag(lib.active, lang)) }
                                }
                            }
                        }
                    }
                }
                (pager("/libraries", &pager_pairs, found.page, found.pages(), lang))
            }
            p {
                (P::ExportLead.get(lang)) " "
                a href=(export("csv")) download { (P::ExportCsv.get(lang)) }
                " · "
                a href=(export("xlsx")) download { (P::ExportXlsx.get(lang)) }
            }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(with_status(
        page(&frame, Msg::Libraries.get(lang), body),
        status,
    ))
}

// ---------------------------------------------------------------- details

pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let lib = load_visible(&state, &user, &id).await?;
    let has = |k: &str| q.iter().any(|(a, _)| a == k);
    let d = &lib.details;
    let actor = &user.actor;
    let frame = frame(lang, &user);
    // One way of writing times across the UI: Western Indonesian Time.
    let at = |t: &chrono::NaiveDateTime| format!("{} WIB", crate::audit::wib(*t, lang));
    let body = html! {
        @if has("saved") { (notice(Msg::Saved.get(lang))) }
        @if has("deactivated") { (notice(P::Deactivated.get(lang))) }
        @if has("reactivated") { (notice(P::Reactivated.get(lang))) }
        p { (status_tag(lib.active, lang)) " " (kind_label(d.kind, lang)) }
        h2 { (P::SectionIdentity.get(lang)) }
        dl.summary {
            dt { (field_label("npp", lang)) } dd { (d.npp.as_ref().map(|n| n.as_str()).unwrap_or("—")) }
            dt { (field_label("village_code", lang)) }
            dd {
                a href={ "/regions/" (d.village_code) } { (village_path(&state.regions, &d.village_code)) }
                " (" (d.village_code.dotted()) ")"
            }
            dt { (field_label("address", lang)) } dd { (dash(&d.address)) }
            dt { (P::Location.get(lang)) }
            dd {
                @if let (Some(la), Some(lo)) = (d.latitude, d.longitude) {
                    (decimal(la, lang)) "; " (decimal(lo, lang))
                } @else { "—" }
            }
        }
        h2 { (P::SectionContact.get(lang)) }
        dl.summary {
            dt { (field_label("contact_name", lang)) } dd { (dash(d.contact_name.as_deref().unwrap_or(""))) }
            dt { (field_label("phone", lang)) } dd { (dash(d.phone.as_deref().unwrap_or(""))) }
            dt { (field_label("email", lang)) } dd { (dash(d.email.as_deref().unwrap_or(""))) }
        }
        h2 { (P::SectionServices.get(lang)) }
        dl.summary {
            dt { (field_label("opening_hours", lang)) } dd { (dash(d.opening_hours.as_deref().unwrap_or(""))) }
            dt { (field_label("hours_per_day", lang)) } dd { (d.hours_per_day.map(|v| decimal(v, lang)).unwrap_or_else(|| "—".into())) }
            dt { (field_label("staff_count", lang)) } dd { (d.staff_count.map(|v| v.to_string()).unwrap_or_else(|| "—".into())) }
            dt { (field_label("floor_area_m2", lang)) } dd { (d.floor_area_m2.map(|v| decimal(v, lang)).unwrap_or_else(|| "—".into())) }
            dt { (field_label("computers", lang)) } dd { (d.computers) }
            dt { (field_label("has_internet", lang)) } dd { (yes_no(d.has_internet, lang)) }
        }
        h2 { (P::SectionTpbis.get(lang)) }
        dl.summary {
            dt { (field_label("participation", lang)) } dd { (participation_label(d.participation, lang)) }
            dt { (field_label("cohort_year", lang)) } dd { (d.cohort_year.map(|v| v.to_string()).unwrap_or_else(|| "—".into())) }
        }
        p {
            small { (P::Created.get(lang)) " " (at(&lib.created_at)) " · " (P::LastChanged.get(lang)) " " (at(&lib.updated_at)) }
        }
        div.actions {
            @if actor.may_edit_library(&place(&lib)) {
                a.button href={ "/libraries/" (lib.id) "/edit" } { (Msg::Edit.get(lang)) }
                " "
            }
            @if actor.may_register_library(&place(&lib)) {
                @if lib.active {
                    form.inline method="post" action={ "/libraries/" (lib.id) "/deactivate" } data-confirm=(P::ConfirmDeactivate.get(lang)) {
                        (csrf_field(&frame))
                        button.warning type="submit" { (P::Deactivate.get(lang)) }
                    }
                } @else {
                    form.inline method="post" action={ "/libraries/" (lib.id) "/reactivate" } {
                        (csrf_field(&frame))
                        button.secondary type="submit" { (P::Reactivate.get(lang)) }
                    }
                }
            }
        }
        @if actor.may_read_audit() {
            p { a href={ "/audit?entity=library&entity_id=" (lib.id) } { (P::AuditTrail.get(lang)) } }
        }
        p { a href="/libraries" { "← " (Msg::Libraries.get(lang)) } }
    };
    Ok(page(&frame, &d.name, body).into_response())
}

// ---------------------------------------------------------------- forms

struct FormView<'a> {
    title: String,
    action: String,
    cancel: String,
    form: &'a LibraryForm,
    errors: &'a Invalid,
    version: Option<String>,
    /// For managers: the stored library whose locked fields are shown
    /// read-only instead of as inputs.
    locked: Option<&'a Library>,
    /// On a conflict: the latest stored version and what the user tried
    /// to save.
    conflict: Option<(&'a Library, &'a LibraryDraft)>,
}

fn conflict_box(lang: Lang, latest: &Library, typed: &LibraryDraft) -> Markup {
    // Compare through the same form rendering on both sides, so "6,5"
    // against a stored 6.5 is not reported as a difference.
    let mine = Library {
        details: typed.clone(),
        ..latest.clone()
    }
    .to_form()
    .pairs();
    let diffs: Vec<(&str, String)> = latest
        .to_form()
        .pairs()
        .into_iter()
        .zip(mine)
        .filter(|((_, a), (_, b))| a != b)
        .map(|((k, a), _)| (k, a))
        .collect();
    html! {
        div.error-summary role="alert" tabindex="-1" aria-labelledby="conflict-title" data-autofocus {
            h2 #conflict-title { (Msg::ErrConflict.get(lang)) }
            @if !diffs.is_empty() {
                p { (P::ConflictLatest.get(lang)) }
                ul {
                    @for (k, v) in &diffs {
                        li { a href={ "#f-" (k) } { (field_label(k, lang)) } ": " (shown_value(k, v, lang)) }
                    }
                }
            }
            p { (P::ConflictResave.get(lang)) }
        }
    }
}

fn form_page(state: &AppState, frame: &Frame<'_>, v: FormView<'_>) -> Markup {
    let lang = frame.lang;
    let (f, e) = (v.form, v.errors);
    let village = RegionCode::parse(&f.village_code)
        .ok()
        .filter(|c| state.regions.contains(c))
        .map(|c| village_path(&state.regions, &c));
    let internet = flag(&f.has_internet).unwrap_or(false);
    let body = html! {
        @if let Some((latest, typed)) = v.conflict { (conflict_box(lang, latest, typed)) }
        (error_summary(e, lang))
        form method="post" action=(v.action) novalidate {
            (csrf_field(frame))
            @if let Some(ver) = &v.version { input type="hidden" name="updated_at" value=(ver); }
            fieldset {
                legend { (P::SectionIdentity.get(lang)) }
                @if let Some(lib) = v.locked {
                    p.hint { (P::LockedNote.get(lang)) }
                    dl.summary {
                        dt { (field_label("kind", lang)) } dd { (kind_label(lib.details.kind, lang)) }
                        dt { (field_label("village_code", lang)) }
                        dd { (village_path(&state.regions, &lib.details.village_code)) " (" (lib.details.village_code.dotted()) ")" }
                    }
                } @else {
                    (select("kind", &f.kind, &kind_options(lang), true, lang, e))
                }
                (input(Field::text("name", &f.name).required(), lang, e))
                (input(Field::text("npp", &f.npp).hint(P::NppHint.get(lang)), lang, e))
                @if v.locked.is_none() {
                    (region_input(RegionInput { name: "village_code", value: &f.village_code, level: Some("village"), within: reach_region(frame.user), path_label: village, required: true, hint: P::VillageHint.get(lang) }, lang, e))
                }
                (textarea("address", &f.address, lang, e))
                div.grid {
                    (input(Field::text("latitude", &f.latitude).hint(P::LatHint.get(lang)), lang, e))
                    (input(Field::text("longitude", &f.longitude).hint(P::LonHint.get(lang)), lang, e))
                }
            }
            fieldset {
                legend { (P::SectionContact.get(lang)) }
                (input(Field::text("contact_name", &f.contact_name), lang, e))
                (input(Field::text("phone", &f.phone).kind("tel"), lang, e))
                (input(Field::text("email", &f.email).kind("email"), lang, e))
            }
            fieldset {
                legend { (P::SectionServices.get(lang)) }
                (input(Field::text("opening_hours", &f.opening_hours).hint(P::HoursHint.get(lang)), lang, e))
                (input(Field::text("hours_per_day", &f.hours_per_day), lang, e))
                (input(Field::text("staff_count", &f.staff_count), lang, e))
                (input(Field::text("floor_area_m2", &f.floor_area_m2), lang, e))
                (input(Field::text("computers", &f.computers), lang, e))
                (checkbox("has_internet", internet, lang))
            }
            fieldset {
                legend { (P::SectionTpbis.get(lang)) }
                @if let Some(lib) = v.locked {
                    dl.summary {
                        dt { (field_label("participation", lang)) } dd { (participation_label(lib.details.participation, lang)) }
                        dt { (field_label("cohort_year", lang)) } dd { (lib.details.cohort_year.map(|y| y.to_string()).unwrap_or_else(|| "—".into())) }
                    }
                } @else {
                    (select("participation", &f.participation, &participation_options(lang), true, lang, e))
                    (input(Field::text("cohort_year", &f.cohort_year).hint(P::CohortHint.get(lang)), lang, e))
                }
            }
            div.actions {
                button type="submit" { (Msg::Save.get(lang)) }
                " "
                a href=(v.cancel) { (Msg::Cancel.get(lang)) }
            }
        }
    };
    page(frame, &v.title, body)
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
) -> Result<Response, WebError> {
    require_registrar(&user.actor)?;
    let form = LibraryForm {
        participation: Participation::None.key().into(),
        ..Default::default()
    };
    let frame = frame(lang, &user);
    Ok(form_page(
        &state,
        &frame,
        FormView {
            title: P::AddLibrary.get(lang).into(),
            action: "/libraries".into(),
            cancel: "/libraries".into(),
            form: &form,
            errors: &Invalid::default(),
            version: None,
            locked: None,
            conflict: None,
        },
    )
    .into_response())
}

pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    pairs: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    require_registrar(&user.actor)?;
    let (form, _) = form_from_pairs(pairs)?;
    let saved = match parse_checked(&state.regions, &user.actor, &form, None) {
        Ok(draft) => save_new(&state, &user, draft).await,
        Err(errors) => Err(WebError::Invalid(errors)),
    };
    match saved {
        Ok(lib) => Ok(Redirect::to(&format!("/libraries/{}?saved=1", lib.id)).into_response()),
        Err(WebError::Invalid(errors)) => {
            let frame = frame(lang, &user);
            let page = form_page(
                &state,
                &frame,
                FormView {
                    title: P::AddLibrary.get(lang).into(),
                    action: "/libraries".into(),
                    cancel: "/libraries".into(),
                    form: &form,
                    errors: &errors,
                    version: None,
                    locked: None,
                    conflict: None,
                },
            );
            Ok(with_status(page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e),
    }
}

fn edit_view<'a>(
    lang: Lang,
    user: &CurrentUser,
    lib: &'a Library,
    form: &'a LibraryForm,
    errors: &'a Invalid,
    version: String,
) -> FormView<'a> {
    FormView {
        title: P::EditTitle.get(lang).replace("{name}", &lib.details.name),
        action: format!("/libraries/{}", lib.id),
        cancel: format!("/libraries/{}", lib.id),
        form,
        errors,
        version: Some(version),
        locked: has_locked_fields(&user.actor).then_some(lib),
        conflict: None,
    }
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let lib = load_editable(&state, &user, &id).await?;
    let form = lib.to_form();
    let errors = Invalid::default();
    let frame = frame(lang, &user);
    let view = edit_view(lang, &user, &lib, &form, &errors, version(&lib.updated_at));
    Ok(form_page(&state, &frame, view).into_response())
}

pub(super) async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    pairs: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let lib = load_editable(&state, &user, &id).await?;
    let (typed, sent_version) = form_from_pairs(pairs)?;
    // The hidden field is ours; a bad value means a tampered or broken form.
    let expected =
        parse_version(&sent_version).map_err(|_| WebError::BadRequest("updated_at".into()))?;
    let form = effective_form(&user.actor, typed, &lib);
    let frame = frame(lang, &user);
    let draft = match parse_checked(&state.regions, &user.actor, &form, Some(&lib)) {
        Ok(d) => d,
        Err(errors) => {
            let view = edit_view(lang, &user, &lib, &form, &errors, sent_version);
            return Ok(with_status(
                form_page(&state, &frame, view),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    match save_existing(&state, &user, lib.id, draft.clone(), expected).await {
        Ok(saved) => Ok(Redirect::to(&format!("/libraries/{}?saved=1", saved.id)).into_response()),
        Err(WebError::Invalid(errors)) => {
            let view = edit_view(lang, &user, &lib, &form, &errors, sent_version);
            Ok(with_status(
                form_page(&state, &frame, view),
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(WebError::Conflict) => {
            // Show what changed, keep the user's typing, and base the form
            // on the latest version so saving again is a deliberate choice.
            let latest = load_visible(&state, &user, &id).await?;
            let errors = Invalid::default();
            let mut view = edit_view(
                lang,
                &user,
                &latest,
                &form,
                &errors,
                version(&latest.updated_at),
            );
            view.conflict = Some((&latest, &draft));
            Ok(with_status(
                form_page(&state, &frame, view),
                StatusCode::CONFLICT,
            ))
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn deactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let lib = set_active(&state, &user, &id, false).await?;
    Ok(Redirect::to(&format!("/libraries/{}?deactivated=1", lib.id)).into_response())
}

pub(super) async fn reactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let lib = set_active(&state, &user, &id, true).await?;
    Ok(Redirect::to(&format!("/libraries/{}?reactivated=1", lib.id)).into_response())
}

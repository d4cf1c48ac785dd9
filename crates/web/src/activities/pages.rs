//! `/activities`: the report lists with their participant totals and
//! downloads, the phone-first report form, and the report page with its
//! photos.
//!
//! The new-report form is built for a cheap phone on a slow connection: the
//! first screen holds only what every report needs (date — today by default
//! —, strategy, type, title, the headcount grid and one photo), with large
//! touch targets and no JavaScript; everything else sits in a native
//! `<details>` below. It is a multipart form (the photo), so its CSRF token
//! travels in the action URL.

use super::{
    at, kind_label, load_report, long_date, may_delete, own_library, progress_label,
    readable_library, strategy_label, today_at, today_wib, writable_report,
};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{
    Field, Frame, checkbox, csrf_field, error_summary, input, notice, page, pager, select,
    textarea, url_encode,
};
use crate::i18n::{Lang, Msg, field_label, problem_sentence};
use crate::regions::fmt_thousands;
use crate::session::L;
use crate::state::AppState;
use crate::uploads::{self, FilePart};
use axum::Form;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Duration, NaiveDate};
use lentera_core::activities::{
    ActivityDraft, ActivityForm, ActivityKind, AgeGroup, COUNT_FIELDS, DISABLED_FIELDS, Gender,
    ListFilter, ListForm, Participants, Strategy, earliest_date, parse_caption,
};
use lentera_core::field::{Invalid, Problem};
use lentera_core::uploads::Accept;
use lentera_core::users::Reach;
use lentera_store::activities::{self as store, NewPhoto, PlanActivity, Report, ReportSummary};
use lentera_store::libraries::{self as store_libraries, LibraryQuery};
use lentera_store::{Page, StoreError};
use lentera_tabular::{Cell, Format, TableWriter};
use maud::{Markup, html};

crate::messages!(A {
    Title => "Laporan kegiatan", "Activity reports";
    New => "Laporkan kegiatan", "Report an activity";
    QuickHint => "Isi yang pokok dulu. Bagian lain boleh dilengkapi sekarang atau nanti.", "Fill in the essentials first. The rest can be added now or later.";
    ParticipantsLegend => "Peserta", "Participants";
    ParticipantsHint => "Berapa orang yang ikut, menurut jenis kelamin dan kelompok umur. Kotak yang nol boleh dikosongkan.", "How many people took part, by gender and age group. Leave zeros empty.";
    DisabledLegend => "Dari jumlah itu, berapa penyandang disabilitas?", "Of these, how many have a disability?";
    DisabledHint => "Bagian dari jumlah peserta di atas, bukan tambahan.", "Part of the participants above, not in addition.";
    More => "Lengkapi laporan (tidak wajib)", "Complete the report (optional)";
    Submit => "Kirim laporan", "Send the report";
    SaveChanges => "Simpan perubahan", "Save the changes";
    Saved => "Laporan kegiatan tersimpan. Terima kasih!", "The activity report was saved. Thank you!";
    Updated => "Perubahan tersimpan.", "The changes were saved.";
    Deleted => "Laporan kegiatan dihapus.", "The activity report was deleted.";
    PhotoAdded => "Foto ditambahkan.", "The photos were added.";
    PhotoRemoved => "Foto dihapus.", "The photo was removed.";
    PhotoAgain => "Foto belum tersimpan karena ada isian lain yang perlu diperbaiki. Pilih fotonya lagi.", "The photo was not saved because other entries need fixing. Choose it again.";
    Total => "Jumlah", "Total";
    AgeGroupCol => "Kelompok umur", "Age group";
    Male => "Laki-laki", "Male";
    Female => "Perempuan", "Female";
    WithDisability => "Penyandang disabilitas", "With a disability";
    OfWhomDisabled => "Di antaranya penyandang disabilitas", "Of whom with a disability";
    GridCaption => "Peserta menurut jenis kelamin, kelompok umur dan disabilitas", "Participants by gender, age group and disability";
    TypedTotal => "Jumlah yang Anda isi: {n} orang", "Total you entered: {n} people";
    Photos => "Foto kegiatan", "Photos of the activity";
    NoPhotos => "Belum ada foto.", "No photos yet.";
    AddPhotos => "Tambah foto", "Add photos";
    AddPhotosHint => "Boleh beberapa sekaligus; paling banyak {n} foto per laporan.", "Several at once if you like; at most {n} photos per report.";
    RemovePhoto => "Hapus foto", "Remove photo";
    ConfirmRemovePhoto => "Hapus foto ini dari laporan?", "Remove this photo from the report?";
    Delete => "Hapus laporan", "Delete the report";
    ConfirmDelete => "Hapus laporan ini beserta fotonya? Tindakan ini tidak bisa dibatalkan.", "Delete this report and its photos? This cannot be undone.";
    Edit => "Ubah laporan", "Edit the report";
    EditTitle => "Ubah laporan kegiatan", "Edit the activity report";
    Library => "Perpustakaan", "Library";
    NoPlanActivities => "Belum ada rencana kerja yang disetujui untuk perpustakaan ini.", "This library has no approved work plan yet.";
    Show => "Tampilkan", "Show";
    ClearFilters => "Hapus saringan", "Clear the filters";
    AllLibraries => "Semua perpustakaan dalam jangkauan", "All libraries within reach";
    ListCaption => "Laporan kegiatan, yang terbaru di atas", "Activity reports, newest first";
    TotalsTitle => "Jumlah peserta", "Participants in total";
    TotalsCaption => "Peserta dari {n} laporan menurut jenis kelamin, kelompok umur dan disabilitas", "Participants of {n} reports by gender, age group and disability";
    Reports => "Laporan", "Reports";
    People => "Peserta", "Participants";
    PhotosCol => "Foto", "Photos";
    Date => "Tanggal", "Date";
    NoneYet => "Belum ada laporan kegiatan yang cocok.", "No matching activity reports.";
    Download => "Unduh daftar ini", "Download this list";
    Csv => "CSV", "CSV";
    Xlsx => "Excel (XLSX)", "Excel (XLSX)";
    ReportedBy => "Dilaporkan oleh {who}, {when}.", "Reported by {who}, {when}.";
    Back => "Kembali ke daftar laporan", "Back to the reports";
    Conflict => "Laporan ini baru saja diubah orang lain. Isian Anda masih ada di bawah: periksa, lalu simpan lagi.", "Someone else just changed this report. Your entries are still below: check them, then save again.";
    RegionHint => "Kode wilayah, misalnya 35.20 untuk Kabupaten Magetan", "A region code, e.g. 35.20 for Kabupaten Magetan";
    Advocacy => "Hasil advokasi", "Advocacy outcomes";
    Progress => "Kemajuan", "Progress";
    Filters => "Saring laporan", "Filter the reports";
    Storage => "Foto dan dokumen perpustakaan ini di dalam Lentera: {n} berkas, {mb} MB.", "This library's photos and documents in Lentera: {n} files, {mb} MB.";
});

/// The last day of the month starting at `m`.
pub(crate) fn month_end(m: NaiveDate) -> NaiveDate {
    let next = if m.month() == 12 {
        NaiveDate::from_ymd_opt(m.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(m.year(), m.month() + 1, 1)
    };
    next.map(|n| n - Duration::days(1)).unwrap_or(m)
}

fn n(v: i64, lang: Lang) -> String {
    let s = fmt_thousands(v.unsigned_abs() as usize, lang);
    if v < 0 { format!("-{s}") } else { s }
}

fn param<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn has(pairs: &[(String, String)], key: &str) -> bool {
    pairs.iter().any(|(k, _)| k == key)
}

// ---------------------------------------------------------------- the form

/// Radios in a fieldset: big touch targets for a few choices.
fn radios(
    name: &'static str,
    value: &str,
    options: &[(String, String)],
    lang: Lang,
    errors: &Invalid,
) -> Markup {
    let err = errors.for_field(name);
    html! {
        fieldset.field.activity-radios.has-error[err.is_some()] {
            legend { (field_label(name, lang)) }
            @if let Some(e) = err {
                p.error-message id={ "e-" (name) } { (problem_sentence(e.field, &e.problem, lang)) }
            }
            @for (i, (v, l)) in options.iter().enumerate() {
                @let id = if i == 0 { format!("f-{name}") } else { format!("f-{name}-{v}") };
                div.activity-radio {
                    input type="radio" id=(id) name=(name) value=(v) checked[v == value]
                        aria-describedby=[err.map(|_| format!("e-{name}"))];
                    label for=(id) { (l) }
                }
            }
        }
    }
}

fn date_input(
    name: &'static str,
    value: &str,
    min: NaiveDate,
    max: NaiveDate,
    required: bool,
    lang: Lang,
    errors: &Invalid,
) -> Markup {
    let err = errors.for_field(name);
    html! {
        div.field.has-error[err.is_some()] {
            label for={ "f-" (name) } {
                (field_label(name, lang))
                @if !required { " " span.optional { (Msg::Optional.get(lang)) } }
            }
            @if let Some(e) = err {
                p.error-message id={ "e-" (name) } { (problem_sentence(e.field, &e.problem, lang)) }
            }
            input id={ "f-" (name) } type="date" name=(name) value=(value) min=(min.to_string())
                max=(max.to_string()) required[required] aria-invalid=[err.map(|_| "true")]
                aria-describedby=[err.map(|_| format!("e-{name}"))];
        }
    }
}

/// One grid of number inputs: rows are age groups, columns genders. The
/// column and row headers name each box for screen readers, and each box
/// also has its own (hidden) label that error messages repeat.
fn grid(
    fields: &[[&'static str; 4]; 2],
    values: &[[String; 4]; 2],
    lang: Lang,
    errors: &Invalid,
) -> Markup {
    html! {
        div.table-wrap {
            table.activity-grid {
                thead { tr {
                    th scope="col" { (A::AgeGroupCol.get(lang)) }
                    th scope="col" { (A::Male.get(lang)) }
                    th scope="col" { (A::Female.get(lang)) }
                } }
                tbody {
                    @for (ai, a) in AgeGroup::ALL.iter().enumerate() {
                        tr {
                            th scope="row" {
                                (crate::visits::age_label(*a, lang))
                                br;
                                small { (crate::visits::age_hint(*a, lang)) }
                            }
                            @for gi in 0..2 {
                                @let name = fields[gi][ai];
                                @let err = errors.for_field(name);
                                td.has-error[err.is_some()] {
                                    label.visually-hidden for={ "f-" (name) } { (field_label(name, lang)) }
                                    @if let Some(e) = err {
                                        p.error-message id={ "e-" (name) } { (problem_sentence(e.field, &e.problem, lang)) }
                                    }
                                    input id={ "f-" (name) } name=(name) type="number" inputmode="numeric"
                                        min="0" max="5000" step="1" value=(values[gi][ai])
                                        aria-invalid=[err.map(|_| "true")]
                                        aria-describedby=[err.map(|_| format!("e-{name}"))];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn plan_options(plan: &[PlanActivity], lang: Lang) -> Vec<(String, String)> {
    plan.iter()
        .map(|a| {
            (
                a.id.clone(),
                format!(
                    "{}: {} ({})",
                    a.plan_title,
                    a.name,
                    progress_label(&a.progress, lang)
                ),
            )
        })
        .collect()
}

pub(super) enum Mode<'a> {
    New,
    Edit { id: &'a str, version: &'a str },
}

/// Fields of the optional part; an error in any of them opens it.
const MORE_FIELDS: &[&str] = &[
    "workplan_activity_id",
    "workplan_activity_done",
    "partners",
    "outcome",
    "story",
];

#[allow(clippy::too_many_arguments)]
fn report_form(
    frame: &Frame<'_>,
    form: &ActivityForm,
    errors: &Invalid,
    mode: &Mode<'_>,
    today: NaiveDate,
    plan: &[PlanActivity],
    photo_lost: bool,
) -> Markup {
    let lang = frame.lang;
    let strategies: Vec<(String, String)> = Strategy::ALL
        .iter()
        .map(|s| (s.key().to_string(), strategy_label(*s, lang).to_string()))
        .collect();
    let kinds: Vec<(String, String)> = ActivityKind::ALL
        .iter()
        .map(|k| (k.key().to_string(), kind_label(*k, lang).to_string()))
        .collect();
    let typed = form.typed_total();
    let disabled_err = DISABLED_FIELDS
        .iter()
        .flatten()
        .any(|f| errors.for_field(f).is_some());
    let open_more = matches!(mode, Mode::Edit { .. })
        || disabled_err
        || MORE_FIELDS.iter().any(|f| errors.for_field(f).is_some());
    let participants_err = errors.for_field("participants");
    let action = match mode {
        Mode::New => format!("/activities?csrf={}", url_encode(frame.csrf())),
        Mode::Edit { id, .. } => format!("/activities/{id}"),
    };
    let more = html! {
        fieldset.activity-grid-box {
            legend { (A::DisabledLegend.get(lang)) }
            p.hint { (A::DisabledHint.get(lang)) }
            (grid(&DISABLED_FIELDS, &form.disabled, lang, errors))
        }
        @if plan.is_empty() && form.workplan_activity_id.trim().is_empty() {
            p.hint { (A::NoPlanActivities.get(lang)) }
        } @else {
            (select("workplan_activity_id", &form.workplan_activity_id, &plan_options(plan, lang), false, lang, errors))
            (checkbox("workplan_activity_done", !form.workplan_activity_done.trim().is_empty(), lang))
        }
        (input(Field::text("partners", &form.partners), lang, errors))
        (textarea("outcome", &form.outcome, lang, errors))
        (textarea("story", &form.story, lang, errors))
    };
    html! {
        (error_summary(errors, lang))
        form.activity-form method="post" action=(action) novalidate
            enctype=[matches!(mode, Mode::New).then_some("multipart/form-data")] {
            @if let Mode::Edit { version, .. } = mode {
                (csrf_field(frame))
                input type="hidden" name="updated_at" value=(version);
            }
            @if matches!(mode, Mode::New) {
                p.hint { (A::QuickHint.get(lang)) }
            }
            (date_input("held_on", &form.held_on, earliest_date(today), today, true, lang, errors))
            (radios("strategy", &form.strategy, &strategies, lang, errors))
            (select("activity_type", &form.activity_type, &kinds, true, lang, errors))
            (input(Field::text("title", &form.title).required(), lang, errors))
            fieldset #f-participants .activity-grid-box.has-error[participants_err.is_some()] tabindex="-1" {
                legend { (A::ParticipantsLegend.get(lang)) }
                p.hint { (A::ParticipantsHint.get(lang)) }
                @if let Some(e) = participants_err {
                    p.error-message id="e-participants" { (problem_sentence(e.field, &e.problem, lang)) }
                }
                (grid(&COUNT_FIELDS, &form.counts, lang, errors))
                @if typed > 0 {
                    p.activity-total aria-live="polite" { (A::TypedTotal.get(lang).replace("{n}", &n(typed, lang))) }
                }
            }
            @if matches!(mode, Mode::New) {
                @if photo_lost {
                    p.warn { (A::PhotoAgain.get(lang)) }
                }
                (uploads::file_input("activity_photo", Accept::Photo, false, lang, errors))
                (input(Field::text("photo_caption", &form.photo_caption), lang, errors))
            }
            @if open_more {
                (more)
            } @else {
                details.activity-more {
                    summary { (A::More.get(lang)) }
                    (more)
                }
            }
            div.actions {
                button.activity-submit type="submit" {
                    @match mode {
                        Mode::New => (A::Submit.get(lang)),
                        Mode::Edit { .. } => (A::SaveChanges.get(lang)),
                    }
                }
                @if let Mode::Edit { id, .. } = mode {
                    a href={ "/activities/" (id) } { (Msg::Cancel.get(lang)) }
                }
            }
        }
    }
}

fn respond(markup: Markup, errors: &Invalid) -> Response {
    let mut res = markup.into_response();
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

async fn plan_of(
    state: &AppState,
    library: lentera_core::ids::LibraryId,
) -> Result<Vec<PlanActivity>, WebError> {
    state
        .run(move |c| Ok(store::plan_activities(c, library)?))
        .await
}

/// `GET /activities/new[?workplan_activity_id=…&strategy=…]`: the report
/// form, prefilled from the query (links from a work plan's activity).
pub(super) async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let lib = own_library(&state, &user).await?;
    let today = today_at(&lib.details.village_code);
    let mut form = ActivityForm::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if form.held_on.trim().is_empty() {
        form.held_on = today.to_string();
    }
    let plan = plan_of(&state, lib.id).await?;
    Ok(render_new(
        &user,
        lang,
        &form,
        &Invalid::default(),
        today,
        &plan,
        false,
    ))
}

fn render_new(
    user: &CurrentUser,
    lang: Lang,
    form: &ActivityForm,
    errors: &Invalid,
    today: NaiveDate,
    plan: &[PlanActivity],
    photo_lost: bool,
) -> Response {
    let frame = Frame {
        lang,
        user: Some(user),
        path: "/activities",
    };
    let body = report_form(&frame, form, errors, &Mode::New, today, plan, photo_lost);
    respond(page(&frame, A::New.get(lang), body), errors)
}

/// Runs CPU work (photo decoding) off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, WebError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| WebError::Internal(format!("blocking task: {e}")))
}

/// `uploads::prepare`, which also refuses a cut-off image (decoders paint
/// the missing part grey; evidence must not be half a photo).
pub(super) fn prepare_whole(part: &FilePart, accept: Accept) -> Result<uploads::Prepared, Problem> {
    uploads::prepare(part, accept)
}

/// Checks and re-encodes photos; the first problem is reported on `field`.
pub(super) async fn prepare_photos(
    files: Vec<FilePart>,
    field: &'static str,
    errors: &mut Invalid,
) -> Result<Vec<uploads::Prepared>, WebError> {
    let results = blocking(move || {
        files
            .iter()
            .map(|f| prepare_whole(f, Accept::Photo))
            .collect::<Vec<_>>()
    })
    .await?;
    let mut ok = Vec::new();
    for r in results {
        match r {
            Ok(p) => ok.push(p),
            Err(p) => {
                if errors.for_field(field).is_none() {
                    errors.push(field, p);
                }
            }
        }
    }
    Ok(ok)
}

/// `POST /activities` (multipart, `?csrf=`): a new report with one photo.
/// Every problem — in the fields or the photo — comes back at once with
/// the typing kept, and nothing is stored.
pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let lib = own_library(&state, &user).await?;
    let data = uploads::read_form(multipart).await?;
    let form = ActivityForm::from_pairs(data.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let today = today_at(&lib.details.village_code);
    let mut errors = Invalid::default();
    let draft = match ActivityDraft::parse(&form, today) {
        Ok(d) => Some(d),
        Err(e) => {
            errors = e;
            None
        }
    };
    let files: Vec<FilePart> = data.file_list("activity_photo").to_vec();
    let sent_photo = !files.is_empty();
    let prepared = prepare_photos(files, "activity_photo", &mut errors).await?;
    let caption = parse_caption(&form.photo_caption);
    let plan = plan_of(&state, lib.id).await?;
    let (Some(draft), true) = (draft, errors.is_empty()) else {
        let lost = sent_photo && errors.for_field("activity_photo").is_none();
        return Ok(render_new(&user, lang, &form, &errors, today, &plan, lost));
    };
    let caption = caption.unwrap_or(None);
    let (plan_link, done, title) = (
        draft.workplan_activity_id.clone(),
        draft.mark_done,
        draft.title.clone(),
    );
    let by = super::actor_ref(&user);
    let who = user.clone();
    let lib2 = lib.clone();
    let saved = state
        .run(move |c| {
            let photos: Vec<NewPhoto<'_>> = prepared
                .into_iter()
                .map(|p| NewPhoto {
                    upload: p.into_new(Some(lib2.id), &lib2.details.village_code, &who),
                    caption: caption.clone(),
                })
                .collect();
            Ok(store::create(c, &by, &at(&lib2), &draft, photos))
        })
        .await?;
    match saved {
        Ok(id) => {
            super::advance_plan(&state, &user, lib.id, plan_link, done, &title).await;
            Ok(Redirect::to(&format!("/activities/{id}?saved=1")).into_response())
        }
        Err(StoreError::Invalid(e)) => {
            Ok(render_new(&user, lang, &form, &e, today, &plan, sent_photo))
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------- the report

/// The grid as a table that fits a phone: age groups by L, P and total,
/// then the totals and, of them, the people with a disability.
fn participants_table(p: &Participants, caption: &str, lang: Lang) -> Markup {
    html! {
        div.table-wrap {
            table.activity-participants {
                caption { (caption) }
                thead { tr {
                    th scope="col" { (A::AgeGroupCol.get(lang)) }
                    // "L" and "P" as on Indonesian forms, so the table fits a
                    // phone; screen readers hear the whole word.
                    th.num scope="col" { span aria-hidden="true" { "L" } span.visually-hidden { (A::Male.get(lang)) } }
                    th.num scope="col" { span aria-hidden="true" { "P" } span.visually-hidden { (A::Female.get(lang)) } }
                    th.num scope="col" { (A::Total.get(lang)) }
                } }
                tbody {
                    @for a in AgeGroup::ALL {
                        tr {
                            th scope="row" { (crate::visits::age_label(*a, lang)) br; small { (crate::visits::age_hint(*a, lang)) } }
                            td.num { (n(p.people(Gender::L, *a), lang)) }
                            td.num { (n(p.people(Gender::P, *a), lang)) }
                            td.num { (n(p.by_age(*a), lang)) }
                        }
                    }
                }
                tfoot {
                    tr {
                        th scope="row" { (A::Total.get(lang)) }
                        td.num { (n(p.by_gender(Gender::L), lang)) }
                        td.num { (n(p.by_gender(Gender::P), lang)) }
                        td.num { (n(p.total(), lang)) }
                    }
                    tr.activity-disabled {
                        th scope="row" { (A::OfWhomDisabled.get(lang)) }
                        td.num { (n(p.disabled_by_gender(Gender::L), lang)) }
                        td.num { (n(p.disabled_by_gender(Gender::P), lang)) }
                        td.num { (n(p.with_disability(), lang)) }
                    }
                }
            }
        }
    }
}

fn photo_alt(r: &Report, i: usize, caption: Option<&str>, lang: Lang) -> String {
    match caption {
        Some(c) if !c.trim().is_empty() => c.to_string(),
        _ => match lang {
            Lang::Id => format!("Foto {} kegiatan {}", i + 1, r.details.title),
            Lang::En => format!("Photo {} of {}", i + 1, r.details.title),
        },
    }
}

fn render_report(
    user: &CurrentUser,
    lang: Lang,
    r: &Report,
    errors: &Invalid,
    flash: Option<A>,
) -> Response {
    let frame = Frame {
        lang,
        user: Some(user),
        path: "/activities",
    };
    let d = &r.details;
    let works_here = user.actor.may_work_in(r.library_id);
    let body = html! {
        @if let Some(m) = flash { (notice(m.get(lang))) }
        (error_summary(errors, lang))
        dl.summary {
            dt { (field_label("held_on", lang)) }
            dd { (long_date(d.held_on, lang)) }
            dt { (A::Library.get(lang)) }
            dd {
                @if user.actor.own_library().is_some() { (r.library_name) }
                @else { a href={ "/activities?library=" (r.library_id) } { (r.library_name) } }
            }
            dt { (field_label("strategy", lang)) }
            dd { (strategy_label(d.strategy, lang)) }
            dt { (field_label("activity_type", lang)) }
            dd { (kind_label(d.kind, lang)) }
            @if let Some(a) = &r.plan_activity {
                dt { (field_label("workplan_activity_id", lang)) }
                dd {
                    a href={ "/workplans/" (a.workplan_id) } { (a.plan_title) } ": " (a.name)
                    " (" (A::Progress.get(lang)) ": " (progress_label(&a.progress, lang)) ")"
                }
            }
            @if let Some(p) = &d.partners {
                dt { (field_label("partners", lang)) }
                dd { (p) }
            }
            dt { (A::People.get(lang)) }
            dd { strong { (n(d.participants.total(), lang)) } }
        }
        (participants_table(&d.participants, A::GridCaption.get(lang), lang))
        @if let Some(o) = &d.outcome {
            h2 { (field_label("outcome", lang)) }
            p.activity-text { (o) }
        }
        @if let Some(s) = &d.story {
            h2 { (field_label("story", lang)) }
            blockquote.activity-story { p.activity-text { (s) } }
        }
        h2 #photos { (A::Photos.get(lang)) }
        @if r.photos.is_empty() {
            p { (A::NoPhotos.get(lang)) }
        } @else {
            ul.thumbs.activity-photos {
                @for (i, p) in r.photos.iter().enumerate() {
                    @let alt = photo_alt(r, i, p.caption.as_deref(), lang);
                    li {
                        figure {
                            (uploads::thumbnail(&p.upload_id, &alt))
                            @if let Some(c) = &p.caption { figcaption { (c) } }
                        }
                        @if works_here {
                            form.inline method="post" action={ "/activities/" (r.id) "/photos/" (p.upload_id) "/delete" }
                                data-confirm=(A::ConfirmRemovePhoto.get(lang)) {
                                (csrf_field(&frame))
                                button.link type="submit" { (A::RemovePhoto.get(lang)) span.visually-hidden { " " (i + 1) } }
                            }
                        }
                    }
                }
            }
        }
        @if works_here && r.photos.len() < store::MAX_PHOTOS {
            form.activity-add-photos method="post" enctype="multipart/form-data" novalidate
                action={ "/activities/" (r.id) "/photos?csrf=" (url_encode(frame.csrf())) } {
                h3 { (A::AddPhotos.get(lang)) }
                p.hint { (A::AddPhotosHint.get(lang).replace("{n}", &store::MAX_PHOTOS.to_string())) }
                (uploads::file_input("photos", Accept::Photo, true, lang, errors))
                (input(Field::text("photo_caption", ""), lang, errors))
                div.actions { button type="submit" { (A::AddPhotos.get(lang)) } }
            }
        }
        p.hint {
            (A::ReportedBy.get(lang)
                .replace("{who}", r.created_by.as_deref().unwrap_or("—"))
                .replace("{when}", &long_date(r.created_at.date(), lang)))
        }
        @if works_here {
            div.actions {
                a.button.secondary href={ "/activities/" (r.id) "/edit" } { (A::Edit.get(lang)) }
                @if may_delete(user, r.library_id) {
                    form.inline method="post" action={ "/activities/" (r.id) "/delete" } data-confirm=(A::ConfirmDelete.get(lang)) {
                        (csrf_field(&frame))
                        button.warning type="submit" { (A::Delete.get(lang)) }
                    }
                }
            }
        }
        p { a href="/activities" { "← " (A::Back.get(lang)) } }
    };
    respond(page(&frame, &d.title, body), errors)
}

/// `GET /activities/{id}`.
pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let r = load_report(&state, &user, &id).await?;
    let flash = [
        ("saved", A::Saved),
        ("updated", A::Updated),
        ("photo_added", A::PhotoAdded),
        ("photo_removed", A::PhotoRemoved),
    ]
    .into_iter()
    .find(|(k, _)| has(&pairs, k))
    .map(|(_, m)| m);
    Ok(render_report(&user, lang, &r, &Invalid::default(), flash))
}

/// `POST /activities/{id}/photos` (multipart, `?csrf=`): more photos.
pub(super) async fn add_photos(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (r, lib) = writable_report(&state, &user, &id).await?;
    let data = uploads::read_form(multipart).await?;
    let mut files: Vec<FilePart> = data.file_list("photos").to_vec();
    files.extend(data.file_list("activity_photo").iter().cloned());
    let mut errors = Invalid::default();
    if files.is_empty() {
        errors.push("photos", Problem::Required);
    }
    let caption = match parse_caption(&data.text("photo_caption")) {
        Ok(c) => c,
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let prepared = prepare_photos(files, "photos", &mut errors).await?;
    if !errors.is_empty() {
        return Ok(render_report(&user, lang, &r, &errors, None));
    }
    let by = super::actor_ref(&user);
    let who = user.clone();
    let rid = r.id.clone();
    let saved = state
        .run(move |c| {
            let photos: Vec<NewPhoto<'_>> = prepared
                .into_iter()
                .map(|p| NewPhoto {
                    upload: p.into_new(Some(lib.id), &lib.details.village_code, &who),
                    caption: caption.clone(),
                })
                .collect();
            Ok(store::add_photos(c, &by, &at(&lib), &rid, photos))
        })
        .await?;
    match saved {
        Ok(_) => {
            Ok(Redirect::to(&format!("/activities/{}?photo_added=1#photos", r.id)).into_response())
        }
        Err(StoreError::Invalid(e)) => Ok(render_report(&user, lang, &r, &e, None)),
        Err(e) => Err(e.into()),
    }
}

/// `POST /activities/{id}/photos/{upload}/delete`.
pub(super) async fn remove_photo(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, upload)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (r, lib) = writable_report(&state, &user, &id).await?;
    let by = super::actor_ref(&user);
    let rid = r.id.clone();
    state
        .run(move |c| Ok(store::remove_photo(c, &by, &at(&lib), &rid, &upload)?))
        .await?;
    Ok(Redirect::to(&format!("/activities/{}?photo_removed=1#photos", r.id)).into_response())
}

/// `POST /activities/{id}/delete`: the manager removes a report.
pub(super) async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (r, lib) = writable_report(&state, &user, &id).await?;
    if !may_delete(&user, r.library_id) {
        return Err(WebError::Forbidden);
    }
    let by = super::actor_ref(&user);
    state
        .run(move |c| Ok(store::delete(c, &by, &at(&lib), &r.id)?))
        .await?;
    Ok(Redirect::to("/activities?deleted=1").into_response())
}

#[allow(clippy::too_many_arguments)]
fn render_edit(
    user: &CurrentUser,
    lang: Lang,
    r: &Report,
    form: &ActivityForm,
    errors: &Invalid,
    version: &str,
    plan: &[PlanActivity],
    today: NaiveDate,
    conflict: bool,
) -> Response {
    let frame = Frame {
        lang,
        user: Some(user),
        path: "/activities",
    };
    let body = html! {
        @if conflict { p.warn role="alert" { (A::Conflict.get(lang)) } }
        p { (r.library_name) }
        (report_form(&frame, form, errors, &Mode::Edit { id: &r.id, version }, today, plan, false))
    };
    let mut res = respond(page(&frame, A::EditTitle.get(lang), body), errors);
    if conflict {
        *res.status_mut() = StatusCode::CONFLICT;
    }
    res
}

/// `GET /activities/{id}/edit`.
pub(super) async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (r, lib) = writable_report(&state, &user, &id).await?;
    let plan = plan_of(&state, lib.id).await?;
    let version = crate::libraries::version(&r.updated_at);
    let form = r.details.to_form();
    let today = today_at(&lib.details.village_code);
    Ok(render_edit(
        &user,
        lang,
        &r,
        &form,
        &Invalid::default(),
        &version,
        &plan,
        today,
        false,
    ))
}

/// `POST /activities/{id}`: saves the edit form (urlencoded).
pub(super) async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(pairs) = body.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let (r, lib) = writable_report(&state, &user, &id).await?;
    let form = ActivityForm::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let sent_version = param(&pairs, "updated_at").unwrap_or("").to_string();
    let expected = crate::libraries::parse_version(&sent_version)?;
    let plan = plan_of(&state, lib.id).await?;
    let today = today_at(&lib.details.village_code);
    let draft = match ActivityDraft::parse(&form, today) {
        Ok(d) => d,
        Err(e) => {
            return Ok(render_edit(
                &user,
                lang,
                &r,
                &form,
                &e,
                &sent_version,
                &plan,
                today,
                false,
            ));
        }
    };
    let by = super::actor_ref(&user);
    let rid = r.id.clone();
    let (plan_link, done, title) = (
        draft.workplan_activity_id.clone(),
        draft.mark_done,
        draft.title.clone(),
    );
    let library = lib.id;
    let saved = state
        .run(move |c| Ok(store::update(c, &by, &at(&lib), &rid, &draft, expected)))
        .await?;
    match saved {
        Ok(()) => {
            super::advance_plan(&state, &user, library, plan_link, done, &title).await;
            Ok(Redirect::to(&format!("/activities/{}?updated=1", r.id)).into_response())
        }
        Err(StoreError::Invalid(e)) => Ok(render_edit(
            &user,
            lang,
            &r,
            &form,
            &e,
            &sent_version,
            &plan,
            today,
            false,
        )),
        Err(StoreError::Conflict) => {
            // Show the latest version's stamp so saving again overwrites it
            // knowingly, with the user's typing kept.
            let latest = load_report(&state, &user, &r.id).await?;
            let version = crate::libraries::version(&latest.updated_at);
            Ok(render_edit(
                &user,
                lang,
                &latest,
                &form,
                &Invalid::default(),
                &version,
                &plan,
                today,
                true,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- lists

/// What a list request asks for: filters, page, and the typed form.
pub(super) struct ListRequest {
    pub form: ListForm,
    pub filter: ListFilter,
    pub page: i64,
    pub per_page: i64,
    pub errors: Invalid,
}

pub(super) fn list_request(pairs: &[(String, String)], default_per_page: i64) -> ListRequest {
    let mut form = ListForm::default();
    for (k, v) in pairs {
        form.set(k, v);
    }
    let mut errors = Invalid::default();
    let (page, per_page) = crate::audit::paging(
        param(pairs, "page"),
        param(pairs, "per_page"),
        default_per_page,
        &mut errors,
    );
    let filter = match ListFilter::parse(&form) {
        Ok(f) => f,
        Err(e) => {
            errors.0.extend(e.0);
            ListFilter::default()
        }
    };
    ListRequest {
        form,
        filter,
        page,
        per_page,
        errors,
    }
}

struct ListData {
    /// The user's own library's stored files: (count, bytes).
    storage: Option<(i64, i64)>,
    page: Page<ReportSummary>,
    reports: i64,
    totals: Participants,
    libraries: Vec<(String, String)>,
}

/// `GET /activities`: the user's own library's reports, or every report
/// in reach with filters, totals and downloads.
pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let req = list_request(&pairs, 50);
    // A named library must be in reach: 404 like every other record.
    if let Some(l) = param(&pairs, "library").filter(|s| !s.trim().is_empty())
        && req.errors.for_field("library").is_none()
    {
        readable_library(&state, &user.actor, l).await?;
    }
    let reach = user.actor.reach();
    let chooser = !matches!(reach, Reach::Libraries(ref ids) if ids.len() <= 1);
    let (filter, page_no, per_page) = (req.filter.clone(), req.page, req.per_page);
    let failed = !req.errors.is_empty();
    let own = user.actor.own_library();
    let data = state
        .run(move |c| {
            let storage = match own {
                Some(l) => Some(store::storage(c, l)?),
                None => None,
            };
            let (page, (reports, totals)) = if failed {
                (
                    Page {
                        items: vec![],
                        total: 0,
                        page: 1,
                        per_page,
                    },
                    (0, Participants::default()),
                )
            } else {
                (
                    store::list(c, &reach, &filter, page_no, per_page)?,
                    store::totals(c, &reach, &filter)?,
                )
            };
            let libraries = if chooser {
                let mut q = LibraryQuery::new(reach.clone());
                q.per_page = 500;
                store_libraries::list(c, &q)?
                    .items
                    .into_iter()
                    .map(|l| (l.id.to_string(), l.details.name))
                    .collect()
            } else {
                vec![]
            };
            Ok(ListData {
                storage,
                page,
                reports,
                totals,
                libraries,
            })
        })
        .await?;
    let frame = Frame {
        lang,
        user: Some(&user),
        path: "/activities",
    };
    let flash = has(&pairs, "deleted").then_some(A::Deleted);
    let body = render_list(&frame, &user, &req, &data, flash);
    Ok(respond(page(&frame, A::Title.get(lang), body), &req.errors))
}

fn filters_form(frame: &Frame<'_>, req: &ListRequest, libraries: &[(String, String)]) -> Markup {
    let lang = frame.lang;
    let f = &req.form;
    let strategies: Vec<(String, String)> = Strategy::ALL
        .iter()
        .map(|s| (s.key().to_string(), strategy_label(*s, lang).to_string()))
        .collect();
    let kinds: Vec<(String, String)> = ActivityKind::ALL
        .iter()
        .map(|k| (k.key().to_string(), kind_label(*k, lang).to_string()))
        .collect();
    let e = &req.errors;
    html! {
        form.filters.activity-filters method="get" action="/activities" aria-label=(A::Filters.get(lang)) {
            (select("strategy", &f.strategy, &strategies, false, lang, e))
            (select("activity_type", &f.activity_type, &kinds, false, lang, e))
            (input(Field::text("from", &f.from).kind("date"), lang, e))
            (input(Field::text("to", &f.to).kind("date"), lang, e))
            @if !libraries.is_empty() {
                (input(Field::text("region", &f.region).hint(A::RegionHint.get(lang)), lang, e))
                div.field {
                    label for="f-library" { (A::Library.get(lang)) }
                    select #f-library name="library" {
                        option value="" { (A::AllLibraries.get(lang)) }
                        @for (id, name) in libraries {
                            option value=(id) selected[*id == f.library] { (name) }
                        }
                    }
                }
            }
            div.actions {
                button type="submit" { (A::Show.get(lang)) }
                a href="/activities" { (A::ClearFilters.get(lang)) }
            }
        }
    }
}

fn render_list(
    frame: &Frame<'_>,
    user: &CurrentUser,
    req: &ListRequest,
    data: &ListData,
    flash: Option<A>,
) -> Markup {
    let lang = frame.lang;
    let own = user.actor.own_library().is_some();
    let query: Vec<(&str, String)> = req.form.pairs();
    let export = |format: &str| {
        let mut q: Vec<String> = query
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect();
        q.push(format!("format={format}"));
        format!("/activities/export?{}", q.join("&"))
    };
    html! {
        @if let Some(m) = flash { (notice(m.get(lang))) }
        @if own {
            p.actions {
                a.button.activity-new href="/activities/new" { (A::New.get(lang)) }
                a href="/advocacy" { (A::Advocacy.get(lang)) }
            }
        }
        (error_summary(&req.errors, lang))
        (filters_form(frame, req, &data.libraries))
        ul.cards.activity-summary {
            li { span.big-number { (n(data.reports, lang)) } " " (A::Reports.get(lang)) }
            li { span.big-number { (n(data.totals.total(), lang)) } " " (A::People.get(lang)) }
            li { span.big-number { (n(data.totals.with_disability(), lang)) } " " (A::WithDisability.get(lang)) }
        }
        @if data.page.items.is_empty() {
            p { (A::NoneYet.get(lang)) }
        } @else {
            div.table-wrap {
                table.activity-list {
                    caption { (A::ListCaption.get(lang)) }
                    thead { tr {
                        th scope="col" { (A::Date.get(lang)) }
                        th scope="col" { (field_label("title", lang)) }
                        @if !own { th scope="col" { (A::Library.get(lang)) } }
                        th scope="col" { (field_label("activity_type", lang)) }
                        th.num scope="col" { (A::People.get(lang)) }
                        th.num scope="col" { (A::PhotosCol.get(lang)) }
                    } }
                    tbody {
                        @for r in &data.page.items {
                            tr {
                                td { (r.held_on.format("%d-%m-%Y")) }
                                td { a href={ "/activities/" (r.id) } { (r.title) } }
                                @if !own { td { (r.library_name) } }
                                td { (kind_label(r.kind, lang)) }
                                td.num { (n(r.participants, lang)) }
                                td.num { (r.photos) }
                            }
                        }
                    }
                }
            }
            (pager("/activities", &query, data.page.page, data.page.pages(), lang))
        }
        h2 { (A::TotalsTitle.get(lang)) }
        (participants_table(&data.totals, &A::TotalsCaption.get(lang).replace("{n}", &n(data.reports, lang)), lang))
        h2 { (A::Download.get(lang)) }
        ul {
            li { a href=(export("csv")) download { (A::Csv.get(lang)) } }
            li { a href=(export("xlsx")) download { (A::Xlsx.get(lang)) } }
        }
        @if let Some((files, bytes)) = data.storage {
            p.hint {
                (A::Storage.get(lang)
                    .replace("{n}", &n(files, lang))
                    .replace("{mb}", &format!("{:.1}", bytes as f64 / 1_048_576.0)))
            }
        }
    }
}

/// Rows a download may hold.
const EXPORT_LIMIT: i64 = 100_000;

/// Column keys of the download.
pub(crate) fn export_headers() -> Vec<&'static str> {
    let mut h = vec![
        "id",
        "held_on",
        "library_id",
        "library",
        "region_code",
        "strategy",
        "activity_type",
        "title",
        "partners",
        "participants",
        "males",
        "females",
    ];
    h.extend(AgeGroup::ALL.iter().map(|a| a.key()));
    h.extend([
        "with_disability",
        "males_with_disability",
        "females_with_disability",
        "photos",
        "workplan_activity_id",
        "outcome",
    ]);
    h
}

fn write_export(
    rows: &[(ReportSummary, Participants)],
    format: Format,
    lang: Lang,
) -> Result<Vec<u8>, lentera_tabular::TabularError> {
    let mut w = TableWriter::new(format, Vec::new())?;
    if format == Format::Xlsx {
        w = w.with_sheet_name(A::Title.get(lang))?;
    }
    w.write_header(&export_headers())?;
    for (r, p) in rows {
        let mut row = vec![
            Cell::text(r.id.as_str()),
            Cell::Date(r.held_on),
            Cell::text(r.library_id.as_str()),
            Cell::text(r.library_name.as_str()),
            Cell::text(r.region_code.as_str()),
            Cell::text(r.strategy.key()),
            Cell::text(r.kind.key()),
            Cell::text(r.title.as_str()),
            r.partners.as_deref().map_or(Cell::Empty, Cell::text),
            Cell::Int(r.participants),
            Cell::Int(p.by_gender(Gender::L)),
            Cell::Int(p.by_gender(Gender::P)),
        ];
        row.extend(AgeGroup::ALL.iter().map(|a| Cell::Int(p.by_age(*a))));
        row.extend([
            Cell::Int(p.with_disability()),
            Cell::Int(p.disabled_by_gender(Gender::L)),
            Cell::Int(p.disabled_by_gender(Gender::P)),
            Cell::Int(r.photos),
            r.workplan_activity_id
                .as_deref()
                .map_or(Cell::Empty, Cell::text),
            r.outcome.as_deref().map_or(Cell::Empty, Cell::text),
        ]);
        w.write_row(&row)?;
    }
    w.finish()
}

/// `GET /activities/export?format=csv|xlsx&…filters` (also
/// `/api/v1/activities/export`): the list as a table, within reach.
pub(super) async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let format = match param(&pairs, "format")
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "" | "csv" => Format::Csv,
        "xlsx" => Format::Xlsx,
        _ => return Err(Invalid::one("format", Problem::UnknownChoice).into()),
    };
    let req = list_request(&pairs, 50);
    if !req.errors.is_empty() {
        return Err(req.errors.into());
    }
    if let Some(l) = param(&pairs, "library").filter(|s| !s.trim().is_empty()) {
        readable_library(&state, &user.actor, l).await?;
    }
    let reach = user.actor.reach();
    let filter = req.filter.clone();
    let rows = state
        .run(move |c| Ok(store::export_rows(c, &reach, &filter, EXPORT_LIMIT)?))
        .await?;
    let bytes = write_export(&rows, format, lang)
        .map_err(|e| WebError::Internal(format!("writing a table: {e:?}")))?;
    let stem = match lang {
        Lang::Id => "laporan-kegiatan",
        Lang::En => "activity-reports",
    };
    let name = format!("{stem}-{}.{}", today_wib(), format.extension());
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.mime_type()),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", url_encode(&name)))
            .map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_ends() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(month_end(d(2024, 2, 1)), d(2024, 2, 29));
        assert_eq!(month_end(d(2024, 12, 1)), d(2024, 12, 31));
        assert_eq!(
            super::super::month_year(d(2024, 2, 1), Lang::En),
            "February 2024"
        );
    }
}

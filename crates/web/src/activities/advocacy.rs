//! `/advocacy` and `/api/v1/advocacy`: what a library's advocacy achieved —
//! MoUs and partnerships, a village regulation (Perdes), APBDes allocations
//! per budget year, support from PKK, Posyandu, Puskesmas and Karang Taruna
//! — each with its document (a scan or a photo of the paper, checked by
//! content). Officers and facilitators see their reach, with the number of
//! libraries per kind and the APBDes money per year.

use super::{
    actor_ref, advocacy_label, at, long_date, may_delete, own_library, readable_library, today_at,
    working_library,
};
use crate::api::{JsonBody, json_object, scalar_text};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{
    Field, Frame, checkbox, csrf_field, error_summary, input, notice, page, pager, select,
    textarea, url_encode,
};
use crate::i18n::{Lang, Msg, field_label};
use crate::regions::fmt_thousands;
use crate::session::L;
use crate::state::AppState;
use crate::uploads::{self, FormData, Prepared};
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use lentera_core::activities::{AdvocacyDraft, AdvocacyForm, AdvocacyKind, format_rupiah};
use lentera_core::field::{Collector, Invalid, Problem, flag, optional};
use lentera_core::ids::LibraryId;
use lentera_core::libraries::Library;
use lentera_core::regions::RegionCode;
use lentera_core::uploads::Accept;
use lentera_core::users::Reach;
use lentera_store::StoreError;
use lentera_store::activities::{
    self as store, DocumentChange, Outcome, OutcomeFilter, OutcomeSummary,
};
use lentera_store::libraries::{self as store_libraries, LibraryQuery};
use maud::{Markup, html};
use serde_json::{Map, Value, json};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/advocacy", get(list).post(create))
        .route("/advocacy/new", get(new_form))
        .route("/advocacy/{id}", get(show).post(update))
        .route("/advocacy/{id}/edit", get(edit_form))
        .route("/advocacy/{id}/delete", post(delete))
        .route("/api/v1/advocacy", get(api_list).post(api_create))
        .route(
            "/api/v1/advocacy/{id}",
            get(api_show).put(api_update).delete(api_delete),
        )
        .route("/api/v1/advocacy/{id}/document", post(api_document))
}

crate::messages!(V {
    Title => "Hasil advokasi", "Advocacy outcomes";
    New => "Catat hasil advokasi", "Record an outcome";
    EditTitle => "Ubah hasil advokasi", "Edit the outcome";
    KindHint => "MoU: isi mitranya. APBDes: isi tahun dan jumlah anggaran; judul boleh kosong.", "MoU: give the partner. APBDes: give the year and the amount; the title may stay empty.";
    AmountHint => "Dalam rupiah, misalnya 25.000.000", "In rupiah, e.g. 25.000.000";
    DocumentNow => "Dokumen tersimpan", "Stored document";
    NoDocument => "Belum ada dokumen.", "No document yet.";
    Save => "Simpan", "Save";
    Saved => "Hasil advokasi tersimpan.", "The outcome was saved.";
    Updated => "Perubahan tersimpan.", "The changes were saved.";
    Deleted => "Hasil advokasi dihapus.", "The outcome was deleted.";
    Delete => "Hapus", "Delete";
    ConfirmDelete => "Hapus hasil advokasi ini beserta dokumennya?", "Delete this outcome and its document?";
    Edit => "Ubah", "Edit";
    Library => "Perpustakaan", "Library";
    AllLibraries => "Semua perpustakaan dalam jangkauan", "All libraries within reach";
    Show => "Tampilkan", "Show";
    ListCaption => "Hasil advokasi, yang terbaru di atas", "Advocacy outcomes, newest first";
    NoneYet => "Belum ada hasil advokasi yang dicatat.", "No advocacy outcomes recorded yet.";
    SummaryCaption => "Hasil advokasi menurut jenisnya", "Outcomes by kind";
    Outcomes => "Hasil", "Outcomes";
    Libraries => "Perpustakaan", "Libraries";
    ApbdesCaption => "Anggaran APBDes untuk perpustakaan per tahun", "APBDes allocations to libraries per year";
    Year => "Tahun", "Year";
    Amount => "Jumlah (Rp)", "Amount (Rp)";
    When => "Tanggal / tahun", "Date / year";
    DocumentCol => "Dokumen", "Document";
    Open => "Buka", "Open";
    Back => "Kembali ke daftar hasil advokasi", "Back to the outcomes";
    Reports => "Laporan kegiatan", "Activity reports";
    Conflict => "Hasil advokasi ini baru saja diubah orang lain. Isian Anda masih ada di bawah: periksa, lalu simpan lagi.", "Someone else just changed this outcome. Your entries are still below: check them, then save again.";
    RegionHint => "Kode wilayah, misalnya 35.20", "A region code, e.g. 35.20";
    DocumentAgain => "Dokumen belum tersimpan karena ada isian lain yang perlu diperbaiki. Pilih dokumennya lagi.", "The document was not saved because other entries need fixing. Choose it again.";
});

fn kind_options(lang: Lang) -> Vec<(String, String)> {
    AdvocacyKind::ALL
        .iter()
        .map(|k| (k.key().to_string(), advocacy_label(*k, lang).to_string()))
        .collect()
}

fn param<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn today_of(lib: &Library) -> NaiveDate {
    today_at(&lib.details.village_code)
}

pub(super) fn outcome_json(o: &Outcome) -> Value {
    let d = &o.details;
    json!({
        "id": o.id,
        "library_id": o.library_id.to_string(),
        "library_name": o.library_name,
        "region_code": o.region_code,
        "advocacy_kind": d.kind.key(),
        "title": d.title,
        "partner": d.partner,
        "signed_on": d.signed_on.map(|x| x.to_string()),
        "budget_year": d.budget_year,
        "amount": d.amount,
        "description": d.description,
        "document": o.document.as_ref().map(|doc| json!({
            "upload_id": doc.upload_id,
            "url": format!("/uploads/{}", doc.upload_id),
            "filename": doc.filename,
            "kind": doc.kind,
            "size": doc.size,
        })),
        "created_by": o.created_by,
        "created_at": crate::audit::utc_json(o.created_at),
        "updated_at": crate::libraries::version(&o.updated_at),
    })
}

async fn load(state: &AppState, user: &CurrentUser, id: &str) -> Result<Outcome, WebError> {
    let reach = user.actor.reach();
    let id = id.to_string();
    state
        .run(move |c| Ok(store::get_outcome(c, &reach, &id)?))
        .await
}

/// An outcome the user may change: in reach (404) and their library's (403).
async fn writable(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<(Outcome, Library), WebError> {
    let o = load(state, user, id).await?;
    if !user.actor.may_work_in(o.library_id) {
        return Err(WebError::Forbidden);
    }
    let lib = own_library(state, user).await?;
    Ok((o, lib))
}

fn form_of_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> AdvocacyForm {
    let mut f = AdvocacyForm::default();
    for (k, v) in pairs {
        f.set(k, v);
    }
    f
}

// ---------------------------------------------------------------- pages

fn outcome_form(
    frame: &Frame<'_>,
    form: &AdvocacyForm,
    errors: &Invalid,
    existing: Option<&Outcome>,
    document_lost: bool,
) -> Markup {
    let lang = frame.lang;
    let action = match existing {
        None => format!("/advocacy?csrf={}", url_encode(frame.csrf())),
        Some(o) => format!("/advocacy/{}?csrf={}", o.id, url_encode(frame.csrf())),
    };
    html! {
        (error_summary(errors, lang))
        form.advocacy-form method="post" action=(action) enctype="multipart/form-data" novalidate {
            @if let Some(o) = existing {
                input type="hidden" name="updated_at" value=(crate::libraries::version(&o.updated_at));
            }
            (select("advocacy_kind", &form.advocacy_kind, &kind_options(lang), true, lang, errors))
            p.hint { (V::KindHint.get(lang)) }
            (input(Field::text("title", &form.title), lang, errors))
            (input(Field::text("partner", &form.partner), lang, errors))
            (input(Field::text("signed_on", &form.signed_on).kind("date"), lang, errors))
            (input(Field::text("budget_year", &form.budget_year).kind("number"), lang, errors))
            (input(Field::text("amount", &form.amount).hint(V::AmountHint.get(lang)), lang, errors))
            (textarea("description", &form.description, lang, errors))
            @if let Some(doc) = existing.and_then(|o| o.document.as_ref()) {
                p { (V::DocumentNow.get(lang)) ": " a href={ "/uploads/" (doc.upload_id) } { (doc.filename) } }
                (checkbox("remove_document", false, lang))
            }
            @if document_lost { p.warn { (V::DocumentAgain.get(lang)) } }
            (uploads::file_input("advocacy_document", Accept::Document, false, lang, errors))
            div.actions {
                button type="submit" { (V::Save.get(lang)) }
                a href=(existing.map(|o| format!("/advocacy/{}", o.id)).unwrap_or_else(|| "/advocacy".into())) { (Msg::Cancel.get(lang)) }
            }
        }
    }
}

fn respond(markup: Markup, errors: &Invalid, status: Option<StatusCode>) -> Response {
    let mut res = markup.into_response();
    if let Some(s) = status {
        *res.status_mut() = s;
    } else if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

fn render_form(
    user: &CurrentUser,
    lang: Lang,
    form: &AdvocacyForm,
    errors: &Invalid,
    existing: Option<&Outcome>,
    document_lost: bool,
    conflict: bool,
) -> Response {
    let frame = Frame {
        lang,
        user: Some(user),
        path: "/advocacy",
    };
    let title = if existing.is_some() {
        V::EditTitle.get(lang)
    } else {
        V::New.get(lang)
    };
    let body = html! {
        @if conflict { p.warn role="alert" { (V::Conflict.get(lang)) } }
        (outcome_form(&frame, form, errors, existing, document_lost))
    };
    respond(
        page(&frame, title, body),
        errors,
        conflict.then_some(StatusCode::CONFLICT),
    )
}

/// `GET /advocacy/new`.
async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    own_library(&state, &user).await?;
    let form = form_of_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    Ok(render_form(
        &user,
        lang,
        &form,
        &Invalid::default(),
        None,
        false,
        false,
    ))
}

/// Reads the document of a form, checking it by content.
async fn document_of(data: &FormData, errors: &mut Invalid) -> Result<Option<Prepared>, WebError> {
    let Some(part) = data.file("advocacy_document").cloned() else {
        return Ok(None);
    };
    let r =
        tokio::task::spawn_blocking(move || super::pages::prepare_whole(&part, Accept::Document))
            .await
            .map_err(|e| WebError::Internal(format!("blocking task: {e}")))?;
    match r {
        Ok(p) => Ok(Some(p)),
        Err(p) => {
            errors.push("advocacy_document", p);
            Ok(None)
        }
    }
}

/// `POST /advocacy` (multipart, `?csrf=`).
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let lib = own_library(&state, &user).await?;
    let data = uploads::read_form(multipart).await?;
    let form = form_of_pairs(data.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let mut errors = Invalid::default();
    let draft = match AdvocacyDraft::parse(&form, today_of(&lib)) {
        Ok(d) => Some(d),
        Err(e) => {
            errors = e;
            None
        }
    };
    let sent = data.file("advocacy_document").is_some();
    let doc = document_of(&data, &mut errors).await?;
    let (Some(draft), true) = (draft, errors.is_empty()) else {
        let lost = sent && errors.for_field("advocacy_document").is_none();
        return Ok(render_form(&user, lang, &form, &errors, None, lost, false));
    };
    let by = actor_ref(&user);
    let who = user.clone();
    let saved = state
        .run(move |c| {
            let doc = doc.map(|p| p.into_new(Some(lib.id), &lib.details.village_code, &who));
            Ok(store::create_outcome(c, &by, &at(&lib), &draft, doc))
        })
        .await?;
    match saved {
        Ok(id) => Ok(Redirect::to(&format!("/advocacy/{id}?saved=1")).into_response()),
        Err(StoreError::Invalid(e)) => Ok(render_form(&user, lang, &form, &e, None, sent, false)),
        Err(e) => Err(e.into()),
    }
}

/// `GET /advocacy/{id}`.
async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let o = load(&state, &user, &id).await?;
    let flash = if pairs.iter().any(|(k, _)| k == "saved") {
        Some(V::Saved)
    } else if pairs.iter().any(|(k, _)| k == "updated") {
        Some(V::Updated)
    } else {
        None
    };
    let frame = Frame {
        lang,
        user: Some(&user),
        path: "/advocacy",
    };
    let d = &o.details;
    let works_here = user.actor.may_work_in(o.library_id);
    let body = html! {
        @if let Some(m) = flash { (notice(m.get(lang))) }
        dl.summary {
            dt { (field_label("advocacy_kind", lang)) }
            dd { (advocacy_label(d.kind, lang)) }
            dt { (V::Library.get(lang)) }
            dd { (o.library_name) }
            @if let Some(p) = &d.partner { dt { (field_label("partner", lang)) } dd { (p) } }
            @if let Some(s) = d.signed_on { dt { (field_label("signed_on", lang)) } dd { (long_date(s, lang)) } }
            @if let Some(y) = d.budget_year { dt { (field_label("budget_year", lang)) } dd { (y) } }
            @if let Some(a) = d.amount { dt { (field_label("amount", lang)) } dd { "Rp " (format_rupiah(a)) } }
            @if let Some(t) = &d.description { dt { (field_label("description", lang)) } dd.activity-text { (t) } }
            dt { (field_label("advocacy_document", lang)) }
            dd {
                @match &o.document {
                    Some(doc) => { a href={ "/uploads/" (doc.upload_id) } { (doc.filename) } " (" (fmt_thousands((doc.size as usize).div_ceil(1024), lang)) " KB)" },
                    None => { (V::NoDocument.get(lang)) },
                }
            }
        }
        @if works_here {
            div.actions {
                a.button.secondary href={ "/advocacy/" (o.id) "/edit" } { (V::Edit.get(lang)) }
                @if may_delete(&user, o.library_id) {
                    form.inline method="post" action={ "/advocacy/" (o.id) "/delete" } data-confirm=(V::ConfirmDelete.get(lang)) {
                        (csrf_field(&frame))
                        button.warning type="submit" { (V::Delete.get(lang)) }
                    }
                }
            }
        }
        p { a href="/advocacy" { "← " (V::Back.get(lang)) } }
    };
    Ok(page(&frame, &d.title, body).into_response())
}

/// `GET /advocacy/{id}/edit`.
async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (o, _) = writable(&state, &user, &id).await?;
    let form = o.details.to_form();
    Ok(render_form(
        &user,
        lang,
        &form,
        &Invalid::default(),
        Some(&o),
        false,
        false,
    ))
}

/// `POST /advocacy/{id}` (multipart, `?csrf=`): saves the edit form; a new
/// document replaces the stored one, `remove_document` drops it.
async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (o, lib) = writable(&state, &user, &id).await?;
    let data = uploads::read_form(multipart).await?;
    let form = form_of_pairs(data.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let version = data.text("updated_at");
    let expected = crate::libraries::parse_version(&version)?;
    let mut errors = Invalid::default();
    let draft = match AdvocacyDraft::parse(&form, today_of(&lib)) {
        Ok(d) => Some(d),
        Err(e) => {
            errors = e;
            None
        }
    };
    let remove = match flag(&data.text("remove_document")) {
        Ok(b) => b,
        Err(p) => {
            errors.push("remove_document", p);
            false
        }
    };
    let sent = data.file("advocacy_document").is_some();
    let doc = document_of(&data, &mut errors).await?;
    let (Some(draft), true) = (draft, errors.is_empty()) else {
        let lost = sent && errors.for_field("advocacy_document").is_none();
        return Ok(render_form(
            &user,
            lang,
            &form,
            &errors,
            Some(&o),
            lost,
            false,
        ));
    };
    let by = actor_ref(&user);
    let who = user.clone();
    let oid = o.id.clone();
    let saved = state
        .run(move |c| {
            let change = match (doc, remove) {
                (Some(p), _) => DocumentChange::Replace(p.into_new(
                    Some(lib.id),
                    &lib.details.village_code,
                    &who,
                )),
                (None, true) => DocumentChange::Remove,
                (None, false) => DocumentChange::Keep,
            };
            Ok(store::update_outcome(
                c,
                &by,
                &at(&lib),
                &oid,
                &draft,
                change,
                expected,
            ))
        })
        .await?;
    match saved {
        Ok(()) => Ok(Redirect::to(&format!("/advocacy/{}?updated=1", o.id)).into_response()),
        Err(StoreError::Invalid(e)) => {
            Ok(render_form(&user, lang, &form, &e, Some(&o), sent, false))
        }
        Err(StoreError::Conflict) => {
            let latest = load(&state, &user, &o.id).await?;
            Ok(render_form(
                &user,
                lang,
                &form,
                &Invalid::default(),
                Some(&latest),
                sent,
                true,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /advocacy/{id}/delete`: the library's manager only.
async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (o, lib) = writable(&state, &user, &id).await?;
    if !may_delete(&user, o.library_id) {
        return Err(WebError::Forbidden);
    }
    let by = actor_ref(&user);
    state
        .run(move |c| Ok(store::delete_outcome(c, &by, &at(&lib), &o.id)?))
        .await?;
    Ok(Redirect::to("/advocacy?deleted=1").into_response())
}

struct ListRequest {
    kind: String,
    region: String,
    library: String,
    filter: OutcomeFilter,
    page: i64,
    per_page: i64,
    errors: Invalid,
}

fn list_request(pairs: &[(String, String)]) -> ListRequest {
    let mut errors = Invalid::default();
    let (page, per_page) = crate::audit::paging(
        Some(param(pairs, "page")),
        Some(param(pairs, "per_page")),
        50,
        &mut errors,
    );
    let (kind, region, library) = (
        param(pairs, "advocacy_kind").to_string(),
        param(pairs, "region").to_string(),
        param(pairs, "library").to_string(),
    );
    let mut c = Collector::default();
    let k = c.take(
        "advocacy_kind",
        optional(&kind).map(AdvocacyKind::parse).transpose(),
    );
    let r = c.take(
        "region",
        optional(&region).map(RegionCode::parse).transpose(),
    );
    let l = c.take(
        "library",
        optional(&library).map(LibraryId::parse).transpose(),
    );
    errors.0.extend(c.errors.0);
    ListRequest {
        filter: OutcomeFilter {
            kind: k.flatten(),
            region: r.flatten(),
            library: l.flatten(),
        },
        kind,
        region,
        library,
        page,
        per_page,
        errors,
    }
}

fn summary_tables(s: &OutcomeSummary, lang: Lang) -> Markup {
    html! {
        @if !s.by_kind.is_empty() {
            div.table-wrap {
                table.advocacy-summary {
                    caption { (V::SummaryCaption.get(lang)) }
                    thead { tr {
                        th scope="col" { (field_label("advocacy_kind", lang)) }
                        th.num scope="col" { (V::Outcomes.get(lang)) }
                        th.num scope="col" { (V::Libraries.get(lang)) }
                    } }
                    tbody {
                        @for (k, n, libs) in &s.by_kind {
                            tr {
                                th scope="row" { a href={ "/advocacy?advocacy_kind=" (k.key()) } { (advocacy_label(*k, lang)) } }
                                td.num { (n) }
                                td.num { (libs) }
                            }
                        }
                    }
                }
            }
        }
        @if !s.apbdes.is_empty() {
            div.table-wrap {
                table.advocacy-apbdes {
                    caption { (V::ApbdesCaption.get(lang)) }
                    thead { tr {
                        th scope="col" { (V::Year.get(lang)) }
                        th.num scope="col" { (V::Libraries.get(lang)) }
                        th.num scope="col" { (V::Amount.get(lang)) }
                    } }
                    tbody {
                        @for (y, libs, amount) in &s.apbdes {
                            tr {
                                th scope="row" { (y) }
                                td.num { (libs) }
                                td.num { (format_rupiah(*amount)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /advocacy`.
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let req = list_request(&pairs);
    if !req.library.trim().is_empty() && req.errors.for_field("library").is_none() {
        readable_library(&state, &user.actor, &req.library).await?;
    }
    let reach = user.actor.reach();
    let chooser = !matches!(reach, Reach::Libraries(ref ids) if ids.len() <= 1);
    let (filter, page_no, per_page) = (req.filter.clone(), req.page, req.per_page);
    let failed = !req.errors.is_empty();
    let (items, summary, libraries) = state
        .run(move |c| {
            let items = if failed {
                None
            } else {
                Some(store::list_outcomes(c, &reach, &filter, page_no, per_page)?)
            };
            let summary = store::outcome_summary(c, &reach, &filter)?;
            let libraries: Vec<(String, String)> = if chooser {
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
            Ok((items, summary, libraries))
        })
        .await?;
    let frame = Frame {
        lang,
        user: Some(&user),
        path: "/advocacy",
    };
    let own = user.actor.own_library().is_some();
    let query = vec![
        ("advocacy_kind", req.kind.clone()),
        ("region", req.region.clone()),
        ("library", req.library.clone()),
    ];
    let e = &req.errors;
    let body = html! {
        @if pairs.iter().any(|(k, _)| k == "deleted") { (notice(V::Deleted.get(lang))) }
        @if own {
            p.actions {
                a.button href="/advocacy/new" { (V::New.get(lang)) }
                a href="/activities" { (V::Reports.get(lang)) }
            }
        }
        (error_summary(e, lang))
        form.filters method="get" action="/advocacy" {
            (select("advocacy_kind", &req.kind, &kind_options(lang), false, lang, e))
            @if !libraries.is_empty() {
                (input(Field::text("region", &req.region).hint(V::RegionHint.get(lang)), lang, e))
                div.field {
                    label for="f-library" { (V::Library.get(lang)) }
                    select #f-library name="library" {
                        option value="" { (V::AllLibraries.get(lang)) }
                        @for (id, name) in &libraries {
                            option value=(id) selected[*id == req.library] { (name) }
                        }
                    }
                }
            }
            div.actions { button type="submit" { (V::Show.get(lang)) } }
        }
        (summary_tables(&summary, lang))
        @match &items {
            Some(p) if !p.items.is_empty() => {
                div.table-wrap {
                    table.advocacy-list {
                        caption { (V::ListCaption.get(lang)) }
                        thead { tr {
                            th scope="col" { (field_label("title", lang)) }
                            th scope="col" { (field_label("advocacy_kind", lang)) }
                            @if !own { th scope="col" { (V::Library.get(lang)) } }
                            th scope="col" { (V::When.get(lang)) }
                            th.num scope="col" { (V::Amount.get(lang)) }
                            th scope="col" { (V::DocumentCol.get(lang)) }
                        } }
                        tbody {
                            @for o in &p.items {
                                tr {
                                    td { a href={ "/advocacy/" (o.id) } { (o.details.title) } }
                                    td { (advocacy_label(o.details.kind, lang)) }
                                    @if !own { td { (o.library_name) } }
                                    td {
                                        @if let Some(d) = o.details.signed_on { (d.format("%d-%m-%Y")) }
                                        @else if let Some(y) = o.details.budget_year { (y) }
                                    }
                                    td.num { @if let Some(a) = o.details.amount { (format_rupiah(a)) } }
                                    td {
                                        @if let Some(doc) = &o.document {
                                            a href={ "/uploads/" (doc.upload_id) } { (V::Open.get(lang)) span.visually-hidden { " " (doc.filename) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                (pager("/advocacy", &query, p.page, p.pages(), lang))
            },
            _ => { p { (V::NoneYet.get(lang)) } },
        }
    };
    let mut res = page(&frame, V::Title.get(lang), body).into_response();
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

// ---------------------------------------------------------------- API

fn api_form(map: &Map<String, Value>) -> Result<(AdvocacyForm, Option<String>, String), WebError> {
    let mut form = AdvocacyForm::default();
    let mut library = None;
    let mut version = String::new();
    for (k, v) in map {
        let Some(text) = scalar_text(v) else {
            return Err(WebError::BadRequest(format!(
                "`{k}` must be a string, number or null"
            )));
        };
        match k.as_str() {
            "library" | "library_id" => library = Some(text),
            "updated_at" => version = text,
            _ => {
                form.set(k, &text);
            }
        }
    }
    Ok((form, library, version))
}

/// `GET /api/v1/advocacy?advocacy_kind=&region=&library=&page=&per_page=`.
async fn api_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let req = list_request(&pairs);
    if !req.errors.is_empty() {
        return Err(req.errors.into());
    }
    if !req.library.trim().is_empty() {
        readable_library(&state, &user.actor, &req.library).await?;
    }
    let reach = user.actor.reach();
    let (filter, page, per_page) = (req.filter.clone(), req.page, req.per_page);
    let (list, summary) = state
        .run(move |c| {
            Ok((
                store::list_outcomes(c, &reach, &filter, page, per_page)?,
                store::outcome_summary(c, &reach, &filter)?,
            ))
        })
        .await?;
    Ok(Json(json!({
        "items": list.items.iter().map(outcome_json).collect::<Vec<_>>(),
        "total": list.total,
        "page": list.page,
        "per_page": list.per_page,
        "summary": {
            "by_kind": summary.by_kind.iter().map(|(k, n, libs)| json!({
                "advocacy_kind": k.key(), "outcomes": n, "libraries": libs,
            })).collect::<Vec<_>>(),
            "apbdes": summary.apbdes.iter().map(|(y, libs, amount)| json!({
                "budget_year": y, "libraries": libs, "amount": amount,
            })).collect::<Vec<_>>(),
        },
    })))
}

/// `GET /api/v1/advocacy/{id}`.
async fn api_show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    Ok(Json(outcome_json(&load(&state, &user, &id).await?)))
}

/// `POST /api/v1/advocacy` (JSON; the document goes to `…/{id}/document`).
async fn api_create(
    State(state): State<AppState>,
    user: CurrentUser,
    body: JsonBody,
) -> Result<Response, WebError> {
    let map = json_object(body)?;
    let (form, library, _) = api_form(&map)?;
    let lib = working_library(&state, &user, library.as_deref()).await?;
    let draft = AdvocacyDraft::parse(&form, today_of(&lib))?;
    let by = actor_ref(&user);
    let id = state
        .run(move |c| Ok(store::create_outcome(c, &by, &at(&lib), &draft, None)?))
        .await?;
    let o = load(&state, &user, &id).await?;
    Ok((StatusCode::CREATED, Json(outcome_json(&o))).into_response())
}

/// `PUT /api/v1/advocacy/{id}`: replaces the fields; the document stays.
async fn api_update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    let map = json_object(body)?;
    let (o, lib) = writable(&state, &user, &id).await?;
    let (form, _, version) = api_form(&map)?;
    let expected = crate::libraries::parse_version(&version)?;
    let draft = AdvocacyDraft::parse(&form, today_of(&lib))?;
    let by = actor_ref(&user);
    let oid = o.id.clone();
    state
        .run(move |c| {
            Ok(store::update_outcome(
                c,
                &by,
                &at(&lib),
                &oid,
                &draft,
                DocumentChange::Keep,
                expected,
            )?)
        })
        .await?;
    Ok(Json(outcome_json(&load(&state, &user, &o.id).await?)))
}

/// `DELETE /api/v1/advocacy/{id}`: the library's manager only.
async fn api_delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (o, lib) = writable(&state, &user, &id).await?;
    if !may_delete(&user, o.library_id) {
        return Err(WebError::Forbidden);
    }
    let by = actor_ref(&user);
    state
        .run(move |c| Ok(store::delete_outcome(c, &by, &at(&lib), &o.id)?))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v1/advocacy/{id}/document` (multipart `document`): sets or
/// replaces the outcome's document.
async fn api_document(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<Value>, WebError> {
    let (o, lib) = writable(&state, &user, &id).await?;
    let data = uploads::read_form(multipart).await?;
    let mut errors = Invalid::default();
    if data.file("advocacy_document").is_none() {
        errors.push("advocacy_document", Problem::Required);
    }
    let doc = document_of(&data, &mut errors).await?;
    let Some(doc) = doc.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    let by = actor_ref(&user);
    let who = user.clone();
    let oid = o.id.clone();
    let draft = o.details.clone();
    let version = o.updated_at;
    state
        .run(move |c| {
            let change = DocumentChange::Replace(doc.into_new(
                Some(lib.id),
                &lib.details.village_code,
                &who,
            ));
            Ok(store::update_outcome(
                c,
                &by,
                &at(&lib),
                &oid,
                &draft,
                change,
                Some(version),
            )?)
        })
        .await?;
    Ok(Json(outcome_json(&load(&state, &user, &o.id).await?)))
}

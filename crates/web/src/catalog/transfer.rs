//! Catalogue import and export: pages and API.
//!
//! An upload is streamed to a temporary file (never held in memory), checked
//! by its content, then imported in a background task; the status page
//! refreshes itself (no JavaScript needed) and `/api/v1/catalog/imports/{id}`
//! reports the same progress as JSON. Exports stream from the database to the
//! response, one page of records at a time.
//!
//! Only the library's own manager and staff import (`Actor::may_work_in`);
//! anyone who may read the library exports it.

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{Frame, checkbox, page};
use crate::i18n::{Lang, Msg, problem_sentence};
use crate::session::L;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use lentera_core::catalog::transfer::{COLUMNS, TransferFormat, detect};
use lentera_core::field::{Invalid, Problem, flag};
use lentera_core::ids::{LibraryId, UserId};
use lentera_core::users::Actor;
use lentera_store::catalog::transfer::{
    self as store, ImportError, ImportOptions, ImportProblem, ImportResult, ProblemPosition,
    ProblemReason, Progress, Refusal,
};
use maud::{Markup, html};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{LazyLock, Mutex};
use std::time::Instant;

/// Catalogue files are bigger than registry spreadsheets: a MARC file of a
/// whole library runs to tens of megabytes. The upload goes to disk.
pub const MAX_CATALOG_UPLOAD: usize = 512 * 1024 * 1024;

/// Problems kept per import (the counts are exact beyond it).
const PROBLEM_CAP: usize = 1000;

crate::messages!(T {
    ImportTitle => "Impor katalog", "Import the catalogue";
    ImportLead => "Unggah berkas katalog: MARC 21 (ISO 2709, MARC-8 atau UTF-8), MARCXML, CSV atau Excel (XLSX) dengan kolom di bawah, atau berkas ekspor SLiMS (bibliografi atau eksemplar). Jenis berkas dikenali dari isinya.", "Upload a catalogue file: MARC 21 (ISO 2709, MARC-8 or UTF-8), MARCXML, CSV or Excel (XLSX) with the columns below, or a SLiMS export (bibliography or items). The type is recognised from the content.";
    FileHint => "Paling besar 512 MB. Berkas besar diproses di latar belakang; halaman kemajuan diperbarui sendiri.", "At most 512 MB. Large files are processed in the background; the progress page updates itself.";
    ImportButton => "Impor", "Import";
    How1 => "Rekaman yang rusak atau tidak lengkap tidak menghentikan impor: rekaman yang baik disimpan, dan setiap rekaman yang buruk dilaporkan dengan posisinya (nomor rekaman dan bita, atau nomor baris) dan alasannya.", "Bad or incomplete records do not stop the import: good records are saved, and each bad one is reported with its position (record number and byte, or row number) and the reason.";
    How2 => "Rekaman yang ISBN-nya (atau nomor kontrolnya, MARC 001) sudah ada di perpustakaan ini memperbarui rekaman itu; mengimpor berkas yang sama dua kali tidak menggandakan apa pun.", "A record whose ISBN (or control number, MARC 001) is already in this library updates that record; importing the same file twice duplicates nothing.";
    How3 => "Eksemplar dibaca dari field 952/852 MARC, dari kolom eksemplar spreadsheet (satu baris per eksemplar; kosongkan barcode dan isi kolom eksemplar untuk membuat barcode otomatis), atau dari kode eksemplar SLiMS. Impor ekspor eksemplar SLiMS setelah ekspor bibliografinya.", "Items come from MARC fields 952/852, from the item columns of a spreadsheet (one row per copy; leave the barcode empty and fill in the copies column to have barcodes generated), or from SLiMS item codes. Import SLiMS's item export after its bibliography export.";
    How4 => "Centang \"Periksa saja\" untuk melihat laporannya tanpa menyimpan apa pun.", "Tick \"Check only\" to see the report without saving anything.";
    ColumnsTitle => "Kolom CSV/XLSX", "CSV/XLSX columns";
    ColumnsCaption => "Kolom berkas katalog (judul kolom Indonesia; judul lain yang diterima)", "Catalogue file columns (Indonesian header; other accepted headers)";
    ColColumn => "Kolom", "Column";
    ColAliases => "Judul lain yang diterima", "Other accepted headers";
    ColKind => "Untuk", "For";
    KindRecord => "rekaman", "record";
    KindItem => "eksemplar", "item";
    ExportTitle => "Ekspor katalog", "Export the catalogue";
    ExportLead => "Unduh seluruh katalog perpustakaan ini, termasuk eksemplarnya:", "Download this library's whole catalogue, items included:";
    StatusTitle => "Impor katalog berjalan", "Catalogue import running";
    ResultTitle => "Hasil impor katalog", "Catalogue import result";
    Running => "Sedang mengimpor… halaman ini diperbarui sendiri setiap 2 detik.", "Importing… this page updates itself every 2 seconds.";
    RecordsSoFar => "rekaman diproses", "records processed";
    DryRunNote => "Ini pemeriksaan saja: tidak ada yang disimpan.", "This was a check only: nothing was saved.";
    Read => "Rekaman dibaca", "Records read";
    Created => "Ditambahkan", "Added";
    Updated => "Diperbarui", "Updated";
    Unchanged => "Tidak berubah", "Unchanged";
    Failed => "Ditolak", "Rejected";
    ItemsCreated => "Eksemplar ditambahkan", "Items added";
    Duplicates => "Rekaman dengan ISBN yang sudah dipakai rekaman lain (periksa)", "Records whose ISBN another record already has (check them)";
    Seconds => "Waktu (detik)", "Time (seconds)";
    ProblemsCaption => "Rekaman yang ditolak dan alasannya", "Rejected records and why";
    Position => "Posisi", "Position";
    Reason => "Alasan", "Reason";
    Omitted => "… dan {n} masalah lain tidak ditampilkan.", "… and {n} more problems not shown.";
    ImportAnother => "Impor berkas lain", "Import another file";
    Refused => "Berkas ditolak seluruhnya; tidak ada yang disimpan.", "The file was refused as a whole; nothing was saved.";
    FailedInternal => "Impor gagal karena kesalahan sistem. Rekaman yang sudah disimpan tetap ada; coba lagi.", "The import failed because of a system error. Records already saved are kept; try again.";
    Unrecognised => "Berkas ini tidak dikenali sebagai MARC 21, MARCXML, CSV, XLSX atau ekspor SLiMS.", "This file is not recognised as MARC 21, MARCXML, CSV, XLSX or a SLiMS export.";
    Unreadable => "Berkas tidak dapat dibaca", "The file cannot be read";
    File => "Berkas", "File";
    RecordAt => "Rekaman ke-{n} (bita {o})", "Record {n} (byte {o})";
    RowAt => "Baris {n}", "Row {n}";
    WholeFile => "Berkas", "File";
    BadRecord => "rekaman tidak dapat dibaca", "record cannot be read";
    CellColumn => "kolom", "column";
    NoRecord => "tidak ada rekaman berjudul \"{t}\" di perpustakaan ini untuk eksemplar ini", "no record titled \"{t}\" in this library for this item";
    Stopped => "pembacaan berhenti", "reading stopped";
    NoLibrary => "Impor katalog hanya untuk pengelola dan staf perpustakaan itu sendiri.", "Catalogue imports are for the library's own manager and staff.";
});

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/catalog/import", get(import_page).post(import_submit))
        .route("/catalog/imports/{id}", get(status_page))
        .route("/catalog/export", get(export_page))
        .route("/api/v1/catalog/imports", post(api_import))
        .route("/api/v1/catalog/imports/{id}", get(api_status))
        .route("/api/v1/catalog/export", get(api_export))
        .layer(DefaultBodyLimit::max(MAX_CATALOG_UPLOAD))
}

/// Labels of the fields this module names in errors.
pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    let (id, en) = match field {
        "file" => ("Berkas", "File"),
        "format" => ("Format", "Format"),
        "library" => ("Perpustakaan", "Library"),
        "copies" => ("Jumlah eksemplar", "Copies"),
        "title" => ("Judul", "Title"),
        "subtitle" => ("Anak judul", "Subtitle"),
        "authors" => ("Pengarang", "Authors"),
        "publisher" => ("Penerbit", "Publisher"),
        "place" => ("Kota terbit", "Place of publication"),
        "year" => ("Tahun terbit", "Year"),
        "edition" => ("Edisi", "Edition"),
        "isbn" => ("ISBN", "ISBN"),
        "language" => ("Bahasa", "Language"),
        "ddc" => ("Klasifikasi DDC", "DDC classification"),
        "call_number" => ("Nomor panggil", "Call number"),
        "subjects" => ("Subjek", "Subjects"),
        "collection" => ("Jenis koleksi", "Collection type"),
        "notes" => ("Keterangan", "Notes"),
        "control_number" => ("Nomor kontrol", "Control number"),
        _ => return None,
    };
    Some(match lang {
        Lang::Id => id,
        Lang::En => en,
    })
}

// ------------------------------------------------------------ wording

/// "Rekaman ke-3 (bita 1024)" / "Baris 7".
pub fn position_text(p: &ProblemPosition, lang: Lang) -> String {
    match p {
        ProblemPosition::Record { index, offset } => T::RecordAt
            .get(lang)
            .replace("{n}", &(index + 1).to_string())
            .replace("{o}", &offset.to_string()),
        ProblemPosition::Row { row } => T::RowAt.get(lang).replace("{n}", &row.to_string()),
        ProblemPosition::File => T::WholeFile.get(lang).to_string(),
    }
}

pub fn reason_text(r: &ProblemReason, lang: Lang) -> String {
    match r {
        ProblemReason::Unreadable { detail } => format!("{}: {detail}", T::BadRecord.get(lang)),
        ProblemReason::Invalid { errors } => errors
            .iter()
            .map(|e| problem_sentence(e.field, &e.problem, lang))
            .collect::<Vec<_>>()
            .join("; "),
        ProblemReason::Cell { column, id, en } => format!(
            "{} {column}: {}",
            T::CellColumn.get(lang),
            if lang == Lang::Id { id } else { en }
        ),
        ProblemReason::NoRecordForItem { title } => T::NoRecord.get(lang).replace("{t}", title),
        ProblemReason::Stopped { detail } => format!("{}: {detail}", T::Stopped.get(lang)),
    }
}

/// One line for a terminal or a log: position, then reason.
pub fn problem_text(p: &ImportProblem, lang: Lang) -> String {
    format!(
        "{}: {}",
        position_text(&p.position, lang),
        reason_text(&p.reason, lang)
    )
}

pub fn refusal_text(r: &Refusal, lang: Lang) -> String {
    match r {
        Refusal::Unrecognised => T::Unrecognised.get(lang).to_string(),
        Refusal::Table { id, en } => match lang {
            Lang::Id => id.clone(),
            Lang::En => en.clone(),
        },
        Refusal::Io { detail } => format!("{}: {detail}", T::Unreadable.get(lang)),
    }
}

// ------------------------------------------------------------ jobs

#[derive(Clone)]
enum JobState {
    Running(Progress),
    Done(Box<ImportResult>, f64),
    Refused(Refusal),
    Failed,
}

#[derive(Clone)]
struct Job {
    library: LibraryId,
    user: UserId,
    dry_run: bool,
    state: JobState,
    started: Instant,
}

/// Imports of this process. Kept in memory: a status page outliving a
/// restart is not worth a table; the records themselves are in the database.
static JOBS: LazyLock<Mutex<HashMap<String, Job>>> = LazyLock::new(Default::default);

/// Most finished jobs kept for their status pages.
const KEEP_JOBS: usize = 200;

fn jobs() -> std::sync::MutexGuard<'static, HashMap<String, Job>> {
    JOBS.lock().unwrap_or_else(|p| p.into_inner())
}

fn set_state(id: &str, state: JobState) {
    if let Some(j) = jobs().get_mut(id) {
        j.state = state;
    }
}

/// The job, if this user may see it (their library's staff); else 404.
fn job_for(id: &str, actor: &Actor) -> Result<Job, WebError> {
    let j = jobs().get(id).cloned().ok_or(WebError::NotFound)?;
    if !actor.may_work_in(j.library) {
        return Err(WebError::NotFound);
    }
    Ok(j)
}

fn require_importer(actor: &Actor) -> Result<LibraryId, WebError> {
    actor.own_library().ok_or(WebError::Forbidden)
}

struct Upload {
    path: Option<std::path::PathBuf>,
    size: u64,
    dry_run: bool,
    format: Option<String>,
}

impl Drop for Upload {
    fn drop(&mut self) {
        if let Some(p) = &self.path {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn multipart_error(e: MultipartError) -> WebError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        WebError::TooLarge {
            max_bytes: MAX_CATALOG_UPLOAD,
        }
    } else {
        WebError::BadRequest(e.body_text())
    }
}

/// Streams the `file` field to a temporary file.
async fn read_upload(multipart: Result<Multipart, MultipartRejection>) -> Result<Upload, WebError> {
    let mut mp = multipart.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let mut up = Upload {
        path: None,
        size: 0,
        dry_run: false,
        format: None,
    };
    let io = |e: std::io::Error| WebError::Internal(format!("upload to disk: {e}"));
    while let Some(mut field) = mp.next_field().await.map_err(multipart_error)? {
        match field.name().map(str::to_string).as_deref() {
            Some("file") => {
                let path =
                    std::env::temp_dir().join(format!("lentera-import-{}.upload", uuid_like()));
                up.path = Some(path.clone());
                // Plain writes: chunks are small and land in the page cache.
                let mut f = std::io::BufWriter::with_capacity(
                    256 * 1024,
                    std::fs::File::create(&path).map_err(io)?,
                );
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    up.size += chunk.len() as u64;
                    f.write_all(&chunk).map_err(io)?;
                }
                f.flush().map_err(io)?;
            }
            Some("dry_run") => {
                let text = field.text().await.map_err(multipart_error)?;
                up.dry_run = flag(&text).unwrap_or(false);
            }
            Some("format") => {
                let text = field.text().await.map_err(multipart_error)?;
                up.format = Some(text).filter(|t| !t.trim().is_empty());
            }
            _ => {}
        }
    }
    Ok(up)
}

/// A random job id (no crate needed: the store's UUIDv7 generator).
fn uuid_like() -> String {
    LibraryId::new().to_string()
}

fn param<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.trim().is_empty())
}

/// Checks the upload and starts the import; `Err(Invalid)` for a file
/// refused before starting (missing, empty, unrecognised).
async fn start(
    state: &AppState,
    user: &CurrentUser,
    mut upload: Upload,
    dry_run: bool,
) -> Result<String, WebError> {
    let library = require_importer(&user.actor)?;
    let format = match upload.format.as_deref() {
        None => None,
        Some(f) => Some(
            TransferFormat::parse(f)
                .ok_or_else(|| Invalid::one("format", Problem::UnknownChoice))?,
        ),
    };
    let Some(path) = upload.path.take().filter(|_| upload.size > 0) else {
        return Err(Invalid::one("file", Problem::Required).into());
    };
    // Recognised by content, before anything runs.
    let mut head = vec![0u8; 8192];
    let n = {
        use std::io::Read;
        let mut f = std::fs::File::open(&path)
            .map_err(|e| WebError::Internal(format!("reopen upload: {e}")))?;
        f.read(&mut head)
            .map_err(|e| WebError::Internal(format!("read upload: {e}")))?
    };
    if format.is_none() && detect(&head[..n]).is_none() {
        let _ = std::fs::remove_file(&path);
        return Err(Invalid::one("file", Problem::UnknownChoice).into());
    }
    let id = uuid_like();
    {
        let mut all = jobs();
        if all.len() >= KEEP_JOBS {
            let mut finished: Vec<(String, Instant)> = all
                .iter()
                .filter(|(_, j)| !matches!(j.state, JobState::Running(_)))
                .map(|(k, j)| (k.clone(), j.started))
                .collect();
            finished.sort_by_key(|(_, t)| *t);
            for (k, _) in finished.into_iter().take(all.len() + 1 - KEEP_JOBS) {
                all.remove(&k);
            }
        }
        all.insert(
            id.clone(),
            Job {
                library,
                user: user.user.id,
                dry_run,
                state: JobState::Running(Progress {
                    total_bytes: Some(upload.size),
                    ..Default::default()
                }),
                started: Instant::now(),
            },
        );
    }
    let db = state.db.clone();
    let by = crate::libraries::actor_ref(user);
    let job = id.clone();
    let total = upload.size;
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let outcome = (|| -> Result<ImportResult, ImportError> {
            let mut conn = db.conn()?;
            let file = std::fs::File::open(&path).map_err(|e| {
                ImportError::Refused(Refusal::Io {
                    detail: e.to_string(),
                })
            })?;
            let opts = ImportOptions {
                format,
                dry_run,
                problem_cap: PROBLEM_CAP,
                this_year: this_year(),
                ..ImportOptions::default()
            };
            store::import(
                &mut conn,
                &by,
                library,
                Box::new(file),
                Some(total),
                &opts,
                &mut |p| set_state(&job, JobState::Running(p)),
            )
        })();
        let _ = std::fs::remove_file(&path);
        let state = match outcome {
            Ok(r) => JobState::Done(Box::new(r), started.elapsed().as_secs_f64()),
            Err(ImportError::Refused(r)) => JobState::Refused(r),
            Err(e) => {
                tracing::error!(error = %e, "catalogue import failed");
                JobState::Failed
            }
        };
        set_state(&job, state);
    });
    Ok(id)
}

fn this_year() -> i32 {
    use chrono::Datelike;
    lentera_store::now().year()
}

// ------------------------------------------------------------ pages

fn frame<'a>(lang: Lang, user: &'a CurrentUser) -> Frame<'a> {
    Frame {
        lang,
        user: Some(user),
        path: "/catalog/import",
    }
}

fn import_form(frame: &Frame<'_>, file_error: Option<String>) -> Markup {
    let lang = frame.lang;
    let action = format!(
        "/catalog/import?csrf={}",
        crate::html::url_encode(frame.csrf())
    );
    let described = if file_error.is_some() {
        "h-file e-file"
    } else {
        "h-file"
    };
    let body = html! {
        @if let Some(msg) = &file_error {
            div.error-summary role="alert" tabindex="-1" aria-labelledby="error-summary-title" data-autofocus {
                h2 #error-summary-title { (Msg::ErrorSummaryTitle.get(lang)) }
                ul { li { a href="#f-file" { (msg) } } }
            }
        }
        p.lead { (T::ImportLead.get(lang)) }
        form method="post" action=(action) enctype="multipart/form-data" {
            div.field.has-error[file_error.is_some()] {
                label for="f-file" { (T::File.get(lang)) }
                p.hint #h-file { (T::FileHint.get(lang)) }
                @if let Some(msg) = &file_error { p.error-message #e-file { (msg) } }
                input #f-file type="file" name="file" required
                    aria-invalid=[file_error.as_ref().map(|_| "true")] aria-describedby=(described);
            }
            (checkbox("dry_run", false, lang))
            div.actions { button type="submit" { (T::ImportButton.get(lang)) } }
        }
        ul {
            @for m in [T::How1, T::How2, T::How3, T::How4] { li { (m.get(lang)) } }
        }
        h2 { (T::ExportTitle.get(lang)) }
        (export_links(lang, None))
        h2 { (T::ColumnsTitle.get(lang)) }
        div.table-wrap {
            table {
                caption { (T::ColumnsCaption.get(lang)) }
                thead { tr {
                    th scope="col" { (T::ColColumn.get(lang)) }
                    th scope="col" { (T::ColAliases.get(lang)) }
                    th scope="col" { (T::ColKind.get(lang)) }
                } }
                tbody {
                    @for c in COLUMNS {
                        tr {
                            th scope="row" { code { (c.key) } }
                            td { (c.aliases.join(", ")) }
                            td { @if c.item { (T::KindItem.get(lang)) } @else { (T::KindRecord.get(lang)) } }
                        }
                    }
                }
            }
        }
    };
    page(frame, T::ImportTitle.get(lang), body)
}

fn export_links(lang: Lang, library: Option<LibraryId>) -> Markup {
    let lib = library.map(|l| format!("&library={l}")).unwrap_or_default();
    html! {
        p { (T::ExportLead.get(lang)) }
        ul {
            @for f in TransferFormat::ALL {
                li { a href={ "/catalog/export?format=" (f.key()) (lib) } download { (f.label()) } }
            }
        }
    }
}

fn with_status(m: Markup, status: StatusCode) -> Response {
    let mut res = m.into_response();
    *res.status_mut() = status;
    res
}

/// `GET /catalog/import`.
async fn import_page(user: CurrentUser, L(lang): L) -> Result<Response, WebError> {
    require_importer(&user.actor)?;
    Ok(import_form(&frame(lang, &user), None).into_response())
}

fn file_message(e: &Invalid, lang: Lang) -> String {
    match e.0.first() {
        Some(fe) if fe.field == "file" && fe.problem == Problem::UnknownChoice => {
            T::Unrecognised.get(lang).to_string()
        }
        Some(fe) => problem_sentence(fe.field, &fe.problem, lang),
        None => T::Unreadable.get(lang).to_string(),
    }
}

/// `POST /catalog/import` (multipart; CSRF in the query).
async fn import_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    require_importer(&user.actor)?;
    let upload = read_upload(multipart).await?;
    let dry_run =
        upload.dry_run || param(&pairs, "dry_run").is_some_and(|v| flag(v).unwrap_or(false));
    match start(&state, &user, upload, dry_run).await {
        Ok(id) => Ok(Redirect::to(&format!("/catalog/imports/{id}")).into_response()),
        Err(WebError::Invalid(e)) => Ok(with_status(
            import_form(&frame(lang, &user), Some(file_message(&e, lang))),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e),
    }
}

/// `GET /catalog/imports/{id}`: progress, then the result.
async fn status_page(
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let job = job_for(&id, &user.actor)?;
    let frame = frame(lang, &user);
    let n = |v: u64| crate::regions::fmt_thousands(v as usize, lang);
    let running = matches!(job.state, JobState::Running(_));
    let body = match &job.state {
        JobState::Running(p) => {
            let pct = p
                .total_bytes
                .filter(|t| *t > 0)
                .map(|t| (p.bytes_read * 100 / t).min(100))
                .unwrap_or(0);
            html! {
                meta http-equiv="refresh" content="2";
                p.lead role="status" { (T::Running.get(lang)) }
                p {
                    label for="import-progress" { (n(p.records)) " " (T::RecordsSoFar.get(lang)) " — " (pct) "%" }
                    br;
                    progress #import-progress max="100" value=(pct) { (pct) "%" }
                }
            }
        }
        JobState::Done(r, secs) => result_body(lang, r, *secs),
        JobState::Refused(r) => html! {
            div.error-summary role="alert" {
                h2 { (T::Refused.get(lang)) }
                p { (refusal_text(r, lang)) }
            }
            p { a href="/catalog/import" { (T::ImportAnother.get(lang)) } }
        },
        JobState::Failed => html! {
            div.error-summary role="alert" { p { (T::FailedInternal.get(lang)) } }
            p { a href="/catalog/import" { (T::ImportAnother.get(lang)) } }
        },
    };
    let title = if running {
        T::StatusTitle.get(lang)
    } else {
        T::ResultTitle.get(lang)
    };
    let mut res = page(&frame, title, body).into_response();
    if running {
        // Also as a header: honoured even where a <meta> in the body is not.
        res.headers_mut()
            .insert("refresh", HeaderValue::from_static("2"));
    }
    Ok(res)
}

fn result_body(lang: Lang, r: &ImportResult, secs: f64) -> Markup {
    let n = |v: u64| crate::regions::fmt_thousands(v as usize, lang);
    html! {
        @if r.dry_run { div.warn { (T::DryRunNote.get(lang)) } }
        dl.summary {
            dt { (T::Read.get(lang)) } dd { (n(r.records)) }
            dt { (T::Created.get(lang)) } dd { (n(r.created)) }
            dt { (T::Updated.get(lang)) } dd { (n(r.updated)) }
            dt { (T::Unchanged.get(lang)) } dd { (n(r.unchanged)) }
            dt { (T::Failed.get(lang)) } dd { (n(r.failed)) }
            dt { (T::ItemsCreated.get(lang)) } dd { (n(r.items_created)) }
            @if r.duplicate_isbns > 0 {
                dt { (T::Duplicates.get(lang)) } dd { (n(r.duplicate_isbns)) }
            }
            dt { (T::Seconds.get(lang)) } dd { (format!("{secs:.1}")) }
        }
        @if !r.problems.is_empty() {
            div.table-wrap {
                table {
                    caption { (T::ProblemsCaption.get(lang)) }
                    thead { tr {
                        th scope="col" { (T::Position.get(lang)) }
                        th scope="col" { (T::Reason.get(lang)) }
                    } }
                    tbody {
                        @for p in &r.problems {
                            tr {
                                td { (position_text(&p.position, lang)) }
                                td { (reason_text(&p.reason, lang)) }
                            }
                        }
                    }
                }
            }
            @if r.problems_total > r.problems.len() as u64 {
                p { (T::Omitted.get(lang).replace("{n}", &n(r.problems_total - r.problems.len() as u64))) }
            }
        }
        p { a href="/catalog/import" { (T::ImportAnother.get(lang)) } }
    }
}

// ------------------------------------------------------------ API

/// `POST /api/v1/catalog/imports[?dry_run=true&format=…]` (multipart
/// `file`): 202 with the job's id and status URL.
async fn api_import(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    require_importer(&user.actor)?;
    let mut upload = read_upload(multipart).await?;
    if upload.format.is_none() {
        upload.format = param(&pairs, "format").map(str::to_string);
    }
    let dry_run = upload.dry_run
        || match param(&pairs, "dry_run") {
            None => false,
            Some(v) => flag(v).map_err(|p| Invalid::one("dry_run", p))?,
        };
    let id = start(&state, &user, upload, dry_run).await?;
    let url = format!("/api/v1/catalog/imports/{id}");
    let mut res = (
        StatusCode::ACCEPTED,
        Json(serde_json::json!({ "id": id, "status": "running", "status_url": url, "dry_run": dry_run })),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&url) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// `GET /api/v1/catalog/imports/{id}`.
async fn api_status(
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let job = job_for(&id, &user.actor)?;
    let mut v = serde_json::json!({
        "id": id,
        "library": job.library.to_string(),
        "dry_run": job.dry_run,
        "started_by": job.user.to_string(),
    });
    let o = v.as_object_mut().expect("an object");
    match &job.state {
        JobState::Running(p) => {
            o.insert("status".into(), "running".into());
            o.insert(
                "progress".into(),
                serde_json::to_value(p).unwrap_or_default(),
            );
        }
        JobState::Done(r, secs) => {
            o.insert("status".into(), "done".into());
            o.insert("seconds".into(), (*secs).into());
            let mut result = serde_json::to_value(r.as_ref()).unwrap_or_default();
            if let Some(problems) = result.get_mut("problems").and_then(|p| p.as_array_mut()) {
                for (json, p) in problems.iter_mut().zip(&r.problems) {
                    if let Some(obj) = json.as_object_mut() {
                        obj.insert("message".into(), problem_text(p, lang).into());
                    }
                }
            }
            o.insert("result".into(), result);
        }
        JobState::Refused(r) => {
            o.insert("status".into(), "refused".into());
            o.insert("message".into(), refusal_text(r, lang).into());
        }
        JobState::Failed => {
            o.insert("status".into(), "failed".into());
            o.insert("message".into(), T::FailedInternal.get(lang).into());
        }
    }
    Ok(Json(v).into_response())
}

// ------------------------------------------------------------ export

/// The library to export: `?library=` or the user's own; 404 outside reach.
async fn export_target(
    state: &AppState,
    user: &CurrentUser,
    pairs: &[(String, String)],
) -> Result<(LibraryId, String), WebError> {
    let id = match param(pairs, "library") {
        Some(s) => LibraryId::parse(s.trim()).map_err(|_| WebError::NotFound)?,
        None => user
            .actor
            .own_library()
            .ok_or_else(|| Invalid::one("library", Problem::Required))?,
    };
    let actor = user.actor.clone();
    state
        .run(move |conn| {
            let lib = match lentera_store::libraries::get(conn, id) {
                Ok(l) => l,
                Err(lentera_store::StoreError::NotFound) => return Err(WebError::NotFound),
                Err(e) => return Err(e.into()),
            };
            if !actor.may_read_library(&crate::libraries::place(&lib)) {
                return Err(WebError::NotFound);
            }
            let stem = lib
                .details
                .npp
                .as_ref()
                .map(|n| n.as_str().replace(' ', ""))
                .unwrap_or_else(|| lib.id.to_string());
            Ok((lib.id, stem))
        })
        .await
}

fn export_format(pairs: &[(String, String)]) -> Result<Option<TransferFormat>, WebError> {
    match param(pairs, "format") {
        None => Ok(None),
        Some(f) => TransferFormat::parse(f)
            .map(Some)
            .ok_or_else(|| Invalid::one("format", Problem::UnknownChoice).into()),
    }
}

/// Sends what the blocking export writes to the response as it is written.
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= 64 * 1024 {
            self.flush()?;
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))
    }
}

struct ChannelStream(tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>);

impl futures_core::Stream for ChannelStream {
    type Item = Result<Bytes, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

async fn stream_export(
    state: &AppState,
    library: LibraryId,
    stem: &str,
    format: TransferFormat,
) -> Result<Response, WebError> {
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    let db = state.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut w = ChannelWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(64 * 1024),
        };
        let today = lentera_store::now().date();
        let outcome = db
            .conn()
            .map_err(store::ExportError::from)
            .and_then(|mut conn| store::export(&mut conn, library, format, &mut w, today))
            .and_then(|_| {
                w.flush()
                    .map_err(|e| store::ExportError::Write(e.to_string()))
            });
        if let Err(e) = outcome {
            tracing::error!(error = %e, "catalogue export failed");
            // The client sees a cut-off download rather than a truncated
            // file that looks complete.
            let _ = tx.blocking_send(Err(std::io::Error::other("export failed")));
        }
    });
    let name = format!(
        "katalog-{stem}-{}.{}",
        lentera_store::now().format("%Y%m%d"),
        format.extension()
    );
    let mut res = Body::from_stream(ChannelStream(rx)).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.mime_type()),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            .map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(res)
}

/// `GET /catalog/export[?format=…&library=…]`: the download, or without a
/// format the list of formats.
async fn export_page(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let format = export_format(&pairs)?;
    let (library, stem) = export_target(&state, &user, &pairs).await?;
    match format {
        Some(f) => stream_export(&state, library, &stem, f).await,
        None => {
            let frame = Frame {
                lang,
                user: Some(&user),
                path: "/catalog/export",
            };
            let body = export_links(lang, Some(library));
            Ok(page(&frame, T::ExportTitle.get(lang), body).into_response())
        }
    }
}

/// `GET /api/v1/catalog/export?format=…[&library=…]`.
async fn api_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let format = export_format(&pairs)?.ok_or_else(|| Invalid::one("format", Problem::Required))?;
    let (library, stem) = export_target(&state, &user, &pairs).await?;
    stream_export(&state, library, &stem, format).await
}

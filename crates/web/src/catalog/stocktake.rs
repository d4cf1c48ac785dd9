//! Stock-taking: scan the shelves, then see what is missing.
//!
//! `/stocktake` starts one (one open per library) and lists past ones;
//! `/stocktake/{id}` is the scan box while it is open — the same feel as the
//! circulation desk: an autofocused input a barcode scanner types into,
//! plain form posts without JavaScript, and `stocktake.js` sending scans in
//! the background for rapid scanning with the count announced politely —
//! and the report once finished (`/stocktake/{id}/report` shows it so far).
//! Only the library's own manager and staff take stock.

use crate::api::{JsonBody, json_object};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{Frame, csrf_field, error_summary, notice, page, url_encode};
use crate::i18n::{Lang, Msg, field_label as label};
use crate::session::L;
use crate::state::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use lentera_core::audit::ActorRef;
use lentera_core::catalog::ItemStatus;
use lentera_core::catalog::stocktake::{ReportLine, StocktakeReport};
use lentera_core::field::{Invalid, Problem};
use lentera_core::libraries::Library;
use lentera_core::visits::TimeZone;
use lentera_store::StoreError;
use lentera_store::catalog::stocktake::{self as store, At, ScanOutcome, Stocktake};
use lentera_tabular::{Cell, Format, TableWriter};
use maud::{Markup, html};
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/stocktake", get(index).post(start_page))
        .route("/stocktake/{id}", get(show))
        .route("/stocktake/{id}/scan", post(scan_page))
        .route("/stocktake/{id}/finish", post(finish_page))
        .route("/stocktake/{id}/mark-lost", post(mark_lost_page))
        .route("/stocktake/{id}/report", get(report_page))
        .route("/stocktake/{id}/export", get(export))
        .route("/api/v1/stocktakes", get(api_list).post(api_start))
        .route("/api/v1/stocktakes/{id}", get(api_get))
        .route("/api/v1/stocktakes/{id}/scans", post(api_scan))
        .route("/api/v1/stocktakes/{id}/report", get(api_report))
        .route("/api/v1/stocktakes/{id}/finish", post(api_finish))
        .route("/api/v1/stocktakes/{id}/mark-lost", post(api_mark_lost))
}

pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    let (id, en) = match field {
        "barcode" => ("Barkode eksemplar", "Item barcode"),
        "barcodes" => ("Barkode (satu per baris)", "Barcodes (one per line)"),
        "note" => ("Catatan", "Note"),
        "stocktake" => ("Stok opname", "Stock-take"),
        _ => return None,
    };
    Some(match lang {
        Lang::Id => id,
        Lang::En => en,
    })
}

crate::messages!(S {
    Title => "Stok opname", "Stock-taking";
    Intro => "Pindai semua buku yang ada di rak. Lentera lalu melaporkan buku yang hilang dan buku yang ada di rak tetapi tercatat dipinjam.", "Scan every book on the shelves. Lentera then reports what is missing and what is on the shelf but recorded as on loan.";
    Start => "Mulai stok opname", "Start a stock-take";
    NoteHint => "Misalnya: rak anak dan fiksi, Januari.", "For example: children's and fiction shelves, January.";
    OpenOne => "Stok opname sedang berjalan", "A stock-take is in progress";
    Continue => "Lanjutkan memindai", "Continue scanning";
    Past => "Stok opname sebelumnya", "Earlier stock-takes";
    Started => "Dimulai", "Started";
    Finished => "Selesai", "Finished";
    Scanned => "Dipindai", "Scanned";
    InProgress => "Berjalan", "In progress";
    ScanTitle => "Stok opname: pindai rak", "Stock-take: scan the shelves";
    ScanHint => "Arahkan pemindai ke barkode, atau ketik lalu tekan Enter. Memindai buku yang sama dua kali tidak apa-apa.", "Point the scanner at the barcode, or type it and press Enter. Scanning a book twice does no harm.";
    ScanButton => "Catat", "Record";
    Count => "{n} barkode dipindai", "{n} barcodes scanned";
    Added => "Tercatat: {code}", "Recorded: {code}";
    Repeated => "Sudah dipindai sebelumnya: {code}", "Already scanned: {code}";
    Unknown => "Barkode {code} tidak dikenal di perpustakaan ini — sisihkan bukunya untuk diperiksa.", "Barcode {code} is not known in this library — set the book aside to check.";
    Batch => "Tempel banyak barkode sekaligus", "Paste many barcodes at once";
    BatchButton => "Catat semua", "Record all";
    BatchDone => "{added} barkode baru tercatat, {repeated} sudah ada.", "{added} new barcodes recorded, {repeated} already there.";
    SeeSoFar => "Lihat laporan sementara", "See the report so far";
    Finish => "Selesai dan buat laporan", "Finish and make the report";
    ConfirmFinish => "Selesaikan stok opname? Setelah selesai tidak bisa memindai lagi.", "Finish the stock-take? No more scans can be added afterwards.";
    ReportTitle => "Laporan stok opname", "Stock-take report";
    Provisional => "Laporan sementara: stok opname masih berjalan.", "Provisional report: the stock-take is still in progress.";
    Missing => "Hilang dari rak (tercatat tersedia, tidak dipindai)", "Missing (available on record, not scanned)";
    OnLoan => "Ada di rak tetapi tercatat dipinjam", "On the shelf but recorded as on loan";
    UnknownList => "Dipindai tetapi barkodenya tidak dikenal", "Scanned but the barcode is unknown";
    FoundAgain => "Ditemukan kembali (tercatat hilang atau dikeluarkan)", "Found again (recorded as lost or withdrawn)";
    FoundOk => "Ditemukan sesuai catatan", "Found as recorded";
    None => "Tidak ada.", "None.";
    Title2 => "Judul", "Title";
    CallNo => "Nomor panggil", "Call number";
    Recorded => "Status tercatat", "Recorded status";
    MarkLost => "Tandai {n} eksemplar yang hilang sebagai \"hilang\"", "Mark the {n} missing items as \"lost\"";
    ConfirmMarkLost => "Ubah status semua eksemplar yang hilang menjadi \"hilang\"? Perubahan dicatat di jejak audit.", "Change every missing item's status to \"lost\"? The changes are recorded in the audit trail.";
    MarkedLost => "{n} eksemplar ditandai hilang.", "{n} items marked as lost.";
    Csv => "Unduh laporan (CSV)", "Download the report (CSV)";
    Xlsx => "Unduh laporan (Excel)", "Download the report (Excel)";
    Summary => "Ringkasan", "Summary";
    AlreadyOpen => "Stok opname lain sudah berjalan; lanjutkan yang itu.", "Another stock-take is already in progress; continue that one.";
    Closed => "Stok opname ini sudah selesai.", "This stock-take is finished.";
});

fn status_label(s: ItemStatus, lang: Lang) -> &'static str {
    match (s, lang) {
        (ItemStatus::Available, Lang::Id) => "Tersedia",
        (ItemStatus::Available, Lang::En) => "Available",
        (ItemStatus::OnLoan, Lang::Id) => "Dipinjam",
        (ItemStatus::OnLoan, Lang::En) => "On loan",
        (ItemStatus::InRepair, Lang::Id) => "Diperbaiki",
        (ItemStatus::InRepair, Lang::En) => "In repair",
        (ItemStatus::Lost, Lang::Id) => "Hilang",
        (ItemStatus::Lost, Lang::En) => "Lost",
        (ItemStatus::Withdrawn, Lang::Id) => "Dikeluarkan",
        (ItemStatus::Withdrawn, Lang::En) => "Withdrawn",
    }
}

fn actor_ref(u: &CurrentUser) -> ActorRef {
    ActorRef {
        id: Some(u.user.id),
        username: u.user.username.clone(),
    }
}

/// The user's own library: stock-taking is daily work (403 for others).
async fn library(state: &AppState, user: &CurrentUser) -> Result<Library, WebError> {
    let id = user.actor.own_library().ok_or(WebError::Forbidden)?;
    state
        .run(move |c| Ok(lentera_store::libraries::get(c, id)?))
        .await
}

async fn load(state: &AppState, lib: &Library, id: String) -> Result<Stocktake, WebError> {
    let lib_id = lib.id;
    state.run(move |c| Ok(store::get(c, lib_id, &id)?)).await
}

fn frame<'a>(lang: Lang, user: &'a CurrentUser) -> Frame<'a> {
    Frame {
        lang,
        user: Some(user),
        path: "/stocktake",
    }
}

fn when(lib: &Library, t: chrono::NaiveDateTime) -> String {
    let tz = TimeZone::of_region(&lib.details.village_code);
    format!("{} {}", tz.local(t).format("%d-%m-%Y %H.%M"), tz.abbrev())
}

fn flag(pairs: &[(String, String)], k: &str) -> Option<String> {
    pairs.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone())
}

// ---------------------------------------------------------------- pages

async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let lib = library(&state, &user).await?;
    let id = lib.id;
    let all = state.run(move |c| Ok(store::list(c, id, 50)?)).await?;
    let frame = frame(lang, &user);
    let open = all.iter().find(|s| s.is_open());
    let body = html! {
        @if flag(&q, "open").is_some() { div.warn role="status" { (S::AlreadyOpen.get(lang)) } }
        p.lead { (S::Intro.get(lang)) }
        @if let Some(o) = open {
            h2 { (S::OpenOne.get(lang)) }
            p {
                (S::Started.get(lang)) " " (when(&lib, o.started_at)) " · "
                (S::Count.get(lang).replace("{n}", &o.scans.to_string()))
            }
            p.actions { a.button href={ "/stocktake/" (o.id) } { (S::Continue.get(lang)) } }
        } @else {
            form method="post" action="/stocktake" {
                (csrf_field(&frame))
                div.field {
                    label for="f-note" { (label("note", lang)) " " span.optional { (Msg::Optional.get(lang)) } }
                    p.hint #h-note { (S::NoteHint.get(lang)) }
                    input #f-note type="text" name="note" aria-describedby="h-note";
                }
                div.actions { button type="submit" { (S::Start.get(lang)) } }
            }
        }
        @if all.iter().any(|s| !s.is_open()) {
            h2 { (S::Past.get(lang)) }
            div.table-wrap { table {
                caption.visually-hidden { (S::Past.get(lang)) }
                thead { tr {
                    th scope="col" { (S::Started.get(lang)) }
                    th scope="col" { (S::Finished.get(lang)) }
                    th.num scope="col" { (S::Scanned.get(lang)) }
                    th scope="col" { (label("note", lang)) }
                } }
                tbody {
                    @for s in all.iter().filter(|s| !s.is_open()) {
                        tr {
                            td { a href={ "/stocktake/" (s.id) "/report" } { (when(&lib, s.started_at)) } }
                            td { (s.finished_at.map(|t| when(&lib, t)).unwrap_or_default()) }
                            td.num { (s.scans) }
                            td { (s.note.as_deref().unwrap_or("")) }
                        }
                    }
                }
            } }
        }
    };
    Ok(page(&frame, S::Title.get(lang), body).into_response())
}

async fn start_page(
    State(state): State<AppState>,
    user: CurrentUser,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(pairs) = body.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let lib = library(&state, &user).await?;
    let note = flag(&pairs, "note")
        .map(|n| n.trim().chars().take(200).collect::<String>())
        .filter(|n| !n.is_empty());
    let by = actor_ref(&user);
    let started = state
        .run(move |c| {
            let at = At {
                library: lib.id,
                village: &lib.details.village_code,
            };
            Ok(store::start(c, &by, &at, note.as_deref()))
        })
        .await?;
    match started {
        Ok(s) => Ok(Redirect::to(&format!("/stocktake/{}", s.id)).into_response()),
        Err(StoreError::Conflict) => Ok(Redirect::to("/stocktake?open=1").into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let lib = library(&state, &user).await?;
    let st = load(&state, &lib, id).await?;
    if !st.is_open() {
        return Ok(Redirect::to(&format!("/stocktake/{}/report", st.id)).into_response());
    }
    let frame = frame(lang, &user);
    let last = flag(&q, "code").unwrap_or_default();
    let result = flag(&q, "r").unwrap_or_default();
    let feedback = match result.as_str() {
        "added" => Some(("notice", S::Added.get(lang).replace("{code}", &last))),
        "repeated" => Some(("notice", S::Repeated.get(lang).replace("{code}", &last))),
        "unknown" => Some(("warn", S::Unknown.get(lang).replace("{code}", &last))),
        "batch" => Some((
            "notice",
            S::BatchDone
                .get(lang)
                .replace("{added}", &flag(&q, "added").unwrap_or_default())
                .replace("{repeated}", &flag(&q, "repeated").unwrap_or_default()),
        )),
        _ => None,
    };
    let errors = if result == "empty" {
        Invalid::one("barcode", Problem::Required)
    } else {
        Invalid::default()
    };
    let body = html! {
        (error_summary(&errors, lang))
        form.scanbox method="post" action={ "/stocktake/" (st.id) "/scan" } data-stocktake=(st.id)
            data-msg-added=(S::Added.get(lang)) data-msg-repeated=(S::Repeated.get(lang))
            data-msg-unknown=(S::Unknown.get(lang)) data-msg-count=(S::Count.get(lang)) {
            (csrf_field(&frame))
            div.field.has-error[!errors.is_empty()] {
                label for="f-barcode" { (label("barcode", lang)) }
                p.hint #h-barcode { (S::ScanHint.get(lang)) }
                @if let Some(e) = errors.for_field("barcode") {
                    p.error-message #e-barcode { (crate::i18n::problem_sentence(e.field, &e.problem, lang)) }
                }
                div.scan-row {
                    input #f-barcode .scan-input type="text" name="barcode" autocomplete="off" autofocus
                        spellcheck="false" autocapitalize="off" aria-describedby="h-barcode";
                    button type="submit" { (S::ScanButton.get(lang)) }
                }
            }
        }
        div #scan-status aria-live="polite" {
            @if let Some((class, text)) = &feedback {
                div class=(class) { (text) }
            }
        }
        p.scan-count #scan-count aria-live="polite" {
            (S::Count.get(lang).replace("{n}", &st.scans.to_string()))
        }
        details {
            summary { (S::Batch.get(lang)) }
            form method="post" action={ "/stocktake/" (st.id) "/scan" } {
                (csrf_field(&frame))
                div.field {
                    label for="f-barcodes" { (label("barcodes", lang)) }
                    textarea #f-barcodes name="barcodes" rows="6" {}
                }
                button.secondary type="submit" { (S::BatchButton.get(lang)) }
            }
        }
        div.actions {
            a href={ "/stocktake/" (st.id) "/report" } { (S::SeeSoFar.get(lang)) }
            form.inline method="post" action={ "/stocktake/" (st.id) "/finish" } data-confirm=(S::ConfirmFinish.get(lang)) {
                (csrf_field(&frame))
                button.warning type="submit" { (S::Finish.get(lang)) }
            }
        }
        script src={ "/assets/stocktake.js?v=" (crate::html::asset_version()) } defer {}
    };
    Ok(page(&frame, S::ScanTitle.get(lang), body).into_response())
}

fn barcodes_from(pairs: &[(String, String)]) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == "barcode" || k == "barcodes")
        .flat_map(|(_, v)| v.split(['\n', '\r', ',', ';', '\t']))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

async fn do_scan(
    state: &AppState,
    lib: &Library,
    id: String,
    codes: Vec<String>,
) -> Result<ScanOutcome, WebError> {
    let lib_id = lib.id;
    let r = state
        .run(move |c| Ok(store::scan(c, lib_id, &id, &codes)))
        .await?;
    match r {
        Ok(o) => Ok(o),
        Err(StoreError::Conflict) => Err(Invalid::one("stocktake", Problem::NotAllowedHere).into()),
        Err(e) => Err(e.into()),
    }
}

async fn scan_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(pairs) = body.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let lib = library(&state, &user).await?;
    let st = load(&state, &lib, id).await?;
    if !st.is_open() {
        return Ok(Redirect::to(&format!("/stocktake/{}/report", st.id)).into_response());
    }
    let codes = barcodes_from(&pairs);
    let base = format!("/stocktake/{}", st.id);
    if codes.is_empty() {
        return Ok(Redirect::to(&format!("{base}?r=empty")).into_response());
    }
    let single = codes.len() == 1 && flag(&pairs, "barcodes").is_none();
    let first = codes[0].clone();
    let o = do_scan(&state, &lib, st.id.clone(), codes).await?;
    let to = if single {
        let r = if o.unknown == 1 {
            "unknown"
        } else if o.added == 1 {
            "added"
        } else {
            "repeated"
        };
        format!("{base}?r={r}&code={}", url_encode(&first))
    } else {
        format!("{base}?r=batch&added={}&repeated={}", o.added, o.repeated)
    };
    Ok(Redirect::to(&to).into_response())
}

async fn finish_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let lib = library(&state, &user).await?;
    let st = load(&state, &lib, id).await?;
    let by = actor_ref(&user);
    let sid = st.id.clone();
    let r = state
        .run(move |c| {
            let at = At {
                library: lib.id,
                village: &lib.details.village_code,
            };
            Ok(store::finish(c, &by, &at, &sid))
        })
        .await?;
    match r {
        Ok(_) | Err(StoreError::Conflict) => {
            Ok(Redirect::to(&format!("/stocktake/{}/report", st.id)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn mark_lost_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let lib = library(&state, &user).await?;
    let st = load(&state, &lib, id).await?;
    if st.is_open() {
        return Err(Invalid::one("stocktake", Problem::NotAllowedHere).into());
    }
    let n = mark_lost(&state, &user, &lib, st.id.clone()).await?;
    Ok(Redirect::to(&format!("/stocktake/{}/report?lost={n}", st.id)).into_response())
}

async fn mark_lost(
    state: &AppState,
    user: &CurrentUser,
    lib: &Library,
    id: String,
) -> Result<usize, WebError> {
    let by = actor_ref(user);
    let lib = lib.clone();
    let r = state
        .run(move |c| {
            let at = At {
                library: lib.id,
                village: &lib.details.village_code,
            };
            Ok(store::mark_missing_lost(c, &by, &at, &id))
        })
        .await?;
    match r {
        Ok(n) => Ok(n),
        Err(StoreError::Conflict) => Err(Invalid::one("stocktake", Problem::NotAllowedHere).into()),
        Err(e) => Err(e.into()),
    }
}

fn lines_table(lines: &[ReportLine], caption: &str, lang: Lang) -> Markup {
    html! {
        h2 { (caption) " (" (lines.len()) ")" }
        @if lines.is_empty() {
            p { (S::None.get(lang)) }
        } @else {
            div.table-wrap { table {
                caption.visually-hidden { (caption) }
                thead { tr {
                    th scope="col" { (label("barcode", lang)) }
                    th scope="col" { (S::Title2.get(lang)) }
                    th scope="col" { (S::CallNo.get(lang)) }
                    th scope="col" { (S::Recorded.get(lang)) }
                } }
                tbody {
                    @for l in lines {
                        tr {
                            td { code { (l.barcode) } }
                            td { (l.title.as_deref().unwrap_or("—")) }
                            td { (l.call_number.as_deref().unwrap_or("—")) }
                            td { (l.status.map(|s| status_label(s, lang)).unwrap_or("—")) }
                        }
                    }
                }
            } }
        }
    }
}

async fn report_page(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let lib = library(&state, &user).await?;
    let st = load(&state, &lib, id).await?;
    let (lib_id, sid) = (lib.id, st.id.clone());
    let r = state
        .run(move |c| Ok(store::report(c, lib_id, &sid)?))
        .await?;
    let frame = frame(lang, &user);
    let summary = [
        (S::Scanned, r.scanned),
        (S::FoundOk, r.found),
        (S::Missing, r.missing.len()),
        (S::OnLoan, r.on_shelf_but_on_loan.len()),
        (S::UnknownList, r.unknown.len()),
        (S::FoundAgain, r.found_again.len()),
    ];
    let body = html! {
        @if let Some(n) = flag(&q, "lost") { (notice(&S::MarkedLost.get(lang).replace("{n}", &n))) }
        @if st.is_open() {
            div.warn role="status" { (S::Provisional.get(lang)) " " a href={ "/stocktake/" (st.id) } { (S::Continue.get(lang)) } }
        }
        p {
            (S::Started.get(lang)) " " (when(&lib, st.started_at))
            @if let Some(f) = st.finished_at { " · " (S::Finished.get(lang)) " " (when(&lib, f)) }
            @if let Some(n) = &st.note { " · " (n) }
        }
        h2 { (S::Summary.get(lang)) }
        dl.summary {
            @for (label, n) in summary {
                dt { (label.get(lang)) } dd { (n) }
            }
        }
        (lines_table(&r.missing, S::Missing.get(lang), lang))
        @if !st.is_open() && !r.missing.is_empty() {
            form method="post" action={ "/stocktake/" (st.id) "/mark-lost" } data-confirm=(S::ConfirmMarkLost.get(lang)) {
                (csrf_field(&frame))
                button.warning type="submit" { (S::MarkLost.get(lang).replace("{n}", &r.missing.len().to_string())) }
            }
        }
        (lines_table(&r.on_shelf_but_on_loan, S::OnLoan.get(lang), lang))
        (lines_table(&r.unknown, S::UnknownList.get(lang), lang))
        (lines_table(&r.found_again, S::FoundAgain.get(lang), lang))
        ul {
            li { a href={ "/stocktake/" (st.id) "/export?format=csv" } download { (S::Csv.get(lang)) } }
            li { a href={ "/stocktake/" (st.id) "/export?format=xlsx" } download { (S::Xlsx.get(lang)) } }
        }
        p { a href="/stocktake" { "← " (S::Title.get(lang)) } }
    };
    Ok(page(&frame, S::ReportTitle.get(lang), body).into_response())
}

/// Column keys of the report download.
pub const REPORT_HEADERS: [&str; 5] = ["category", "barcode", "title", "call_number", "status"];

fn write_report(
    r: &StocktakeReport,
    format: Format,
) -> Result<Vec<u8>, lentera_tabular::TabularError> {
    let mut w = TableWriter::new(format, Vec::new())?;
    w.write_header(&REPORT_HEADERS)?;
    for (cat, lines) in [
        ("missing", &r.missing),
        ("on_shelf_but_on_loan", &r.on_shelf_but_on_loan),
        ("unknown", &r.unknown),
        ("found_again", &r.found_again),
    ] {
        for l in lines {
            w.write_row(&[
                Cell::from(cat),
                Cell::from(l.barcode.as_str()),
                Cell::from(l.title.as_deref()),
                Cell::from(l.call_number.as_deref()),
                Cell::from(l.status.map(|s| s.key())),
            ])?;
        }
    }
    w.finish()
}

async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let format = match flag(&q, "format")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .as_str()
    {
        "" | "csv" => Format::Csv,
        "xlsx" => Format::Xlsx,
        _ => return Err(Invalid::one("format", Problem::UnknownChoice).into()),
    };
    let lib = library(&state, &user).await?;
    let st = load(&state, &lib, id).await?;
    let (lib_id, sid) = (lib.id, st.id.clone());
    let r = state
        .run(move |c| Ok(store::report(c, lib_id, &sid)?))
        .await?;
    let bytes = write_report(&r, format)
        .map_err(|e| WebError::Internal(format!("writing a table: {e:?}")))?;
    let name = format!(
        "stok-opname-{}.{}",
        st.started_at.format("%Y%m%d"),
        format.extension()
    );
    let mut res = bytes.into_response();
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

// ---------------------------------------------------------------- API

fn stocktake_json(s: &Stocktake) -> Value {
    json!({
        "id": s.id,
        "library_id": s.library_id,
        "started_at": crate::audit::utc_json(s.started_at),
        "finished_at": s.finished_at.map(crate::audit::utc_json),
        "started_by": s.started_by,
        "note": s.note,
        "open": s.is_open(),
        "scans": s.scans,
    })
}

fn report_json(s: &Stocktake, r: &StocktakeReport) -> Value {
    json!({
        "stocktake": stocktake_json(s),
        "counts": {
            "scanned": r.scanned,
            "found": r.found,
            "missing": r.missing.len(),
            "on_shelf_but_on_loan": r.on_shelf_but_on_loan.len(),
            "unknown": r.unknown.len(),
            "found_again": r.found_again.len(),
        },
        "missing": r.missing,
        "on_shelf_but_on_loan": r.on_shelf_but_on_loan,
        "unknown": r.unknown,
        "found_again": r.found_again,
    })
}

async fn api_list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Value>, WebError> {
    let lib = library(&state, &user).await?;
    let id = lib.id;
    let all = state.run(move |c| Ok(store::list(c, id, 200)?)).await?;
    Ok(Json(
        json!({ "items": all.iter().map(stocktake_json).collect::<Vec<_>>() }),
    ))
}

async fn api_start(
    State(state): State<AppState>,
    user: CurrentUser,
    body: JsonBody,
) -> Result<Response, WebError> {
    let map = json_object(body)?;
    let note = match map.get("note") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            let t = s.trim();
            if t.chars().count() > 200 {
                return Err(Invalid::one("note", Problem::TooLong { max: 200 }).into());
            }
            Some(t.to_string()).filter(|t| !t.is_empty())
        }
        Some(_) => return Err(WebError::BadRequest("`note` must be a string".into())),
    };
    let lib = library(&state, &user).await?;
    let by = actor_ref(&user);
    let s = state
        .run(move |c| {
            let at = At {
                library: lib.id,
                village: &lib.details.village_code,
            };
            Ok(store::start(c, &by, &at, note.as_deref())?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(stocktake_json(&s))).into_response())
}

async fn api_get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let lib = library(&state, &user).await?;
    Ok(Json(stocktake_json(&load(&state, &lib, id).await?)))
}

/// `{"barcode": "…"}` or `{"barcodes": ["…", …]}` (or both).
async fn api_scan(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    let map = json_object(body)?;
    let mut codes = Vec::new();
    match map.get("barcode") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => codes.push(s.clone()),
        Some(Value::Number(n)) => codes.push(n.to_string()),
        Some(_) => return Err(WebError::BadRequest("`barcode` must be a string".into())),
    }
    match map.get("barcodes") {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) => {
            if a.len() > 5000 {
                return Err(WebError::BadRequest(
                    "at most 5000 barcodes per request".into(),
                ));
            }
            for v in a {
                match v {
                    Value::String(s) => codes.push(s.clone()),
                    Value::Number(n) => codes.push(n.to_string()),
                    _ => {
                        return Err(WebError::BadRequest(
                            "`barcodes` must be an array of strings".into(),
                        ));
                    }
                }
            }
        }
        Some(_) => {
            return Err(WebError::BadRequest(
                "`barcodes` must be an array of strings".into(),
            ));
        }
    }
    codes.retain(|c| !c.trim().is_empty());
    if codes.is_empty() {
        return Err(Invalid::one("barcode", Problem::Required).into());
    }
    let lib = library(&state, &user).await?;
    let o = do_scan(&state, &lib, id, codes).await?;
    Ok(Json(json!(o)))
}

async fn api_report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let lib = library(&state, &user).await?;
    let st = load(&state, &lib, id).await?;
    let (lib_id, sid) = (lib.id, st.id.clone());
    let r = state
        .run(move |c| Ok(store::report(c, lib_id, &sid)?))
        .await?;
    Ok(Json(report_json(&st, &r)))
}

async fn api_finish(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let lib = library(&state, &user).await?;
    let st = load(&state, &lib, id).await?;
    let by = actor_ref(&user);
    let sid = st.id.clone();
    let lib2 = lib.clone();
    let r = state
        .run(move |c| {
            let at = At {
                library: lib2.id,
                village: &lib2.details.village_code,
            };
            Ok(store::finish(c, &by, &at, &sid)?)
        })
        .await?;
    let st = load(&state, &lib, st.id).await?;
    Ok(Json(report_json(&st, &r)))
}

async fn api_mark_lost(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let lib = library(&state, &user).await?;
    let st = load(&state, &lib, id).await?;
    if st.is_open() {
        return Err(WebError::Conflict);
    }
    let n = mark_lost(&state, &user, &lib, st.id).await?;
    Ok(Json(json!({ "marked_lost": n })))
}

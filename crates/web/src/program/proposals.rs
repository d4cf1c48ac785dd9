//! `/program/proposals`: candidate libraries proposed by the districts, their
//! documents, and Perpusnas's verification and decision.
//!
//! The new-proposal and edit forms are multipart (the documents travel with
//! the note), so their CSRF token is in the action URL. A rejected file
//! re-renders the form with the problem on its field and everything typed
//! kept; only the file itself has to be chosen again.

use super::{
    actor_ref, allow, date, day_of, decision_note, document_label, participation_short, place,
    readable, status_label, status_short, today,
};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{
    Frame, csrf_field, error_summary, notice, page, pager, select, textarea, url_encode,
};
use crate::i18n::{Lang, field_label};
use crate::session::L;
use crate::state::AppState;
use crate::uploads::{self, FormData, Prepared};
use axum::Form;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lentera_core::field::{Invalid, Problem};
use lentera_core::ids::LibraryId;
use lentera_core::libraries::Library;
use lentera_core::program::{
    Access, Decision, DecisionForm, DocumentKind, GRANTABLE, ProgramYear, ProposalChange,
    ProposalDraft, ProposalForm, ProposalStatus, Step, may_decide, may_propose, shortfall,
};
use lentera_core::regions::RegionCode;
use lentera_core::uploads::Accept;
use lentera_core::users::{Place, Role};
use lentera_store::notifications::Note;
use lentera_store::program::{self as store, NewDocument, Proposal, ProposalQuery};
use lentera_store::{DbConn, StoreError};
use lentera_tabular::{Cell, Format, TableWriter};
use maud::{Markup, html};

crate::messages!(P {
    Title => "Usulan calon penerima TPBIS", "TPBIS candidate proposals";
    Intro => "Dinas kabupaten/kota mengusulkan perpustakaan calon penerima beserta dokumennya; Perpusnas memverifikasi, lalu menerima atau menolak usulan.", "Regency/city agencies propose candidate libraries with their documents; Perpusnas verifies them, then accepts or rejects each proposal.";
    New => "Usulkan perpustakaan", "Propose a library";
    NewTitle => "Usulkan calon penerima", "Propose a candidate";
    AllYears => "Semua tahun", "All years";
    AllStatuses => "Semua status", "All statuses";
    Show => "Tampilkan", "Show";
    RegionHint => "Kode wilayah (provinsi, kabupaten/kota, kecamatan atau desa), boleh dikosongkan.", "Region code (province, regency, district or village); may be left empty.";
    Caption => "Usulan ({n})", "Proposals ({n})";
    Year => "Tahun", "Year";
    Library => "Perpustakaan", "Library";
    Village => "Desa/kelurahan", "Village";
    Requested => "Diusulkan sebagai", "Requested";
    Documents => "Dokumen", "Documents";
    Sent => "Dikirim", "Sent";
    Late => "Terlambat", "Late";
    None => "Belum ada usulan.", "No proposals yet.";
    MinimumCaption => "Usulan terkirim dibandingkan minimal per kabupaten/kota", "Proposals sent against the minimum per regency/city";
    MinimumLine => "{name}: {sent} usulan terkirim dari minimal {min}", "{name}: {sent} proposals sent of at least {min}";
    MinimumShort => "kurang {n} lagi", "{n} more needed";
    MinimumMet => "minimal terpenuhi", "minimum reached";
    DeadlineLine => "batas akhir {d}", "deadline {d}";
    Download => "Unduh daftar", "Download the list";
    Csv => "CSV", "CSV";
    Xlsx => "Excel", "Excel";
    Pdf => "PDF (lampiran surat usulan)", "PDF (attachment to the proposal letter)";
    NoOpenYear => "Tidak ada tahun program yang sedang membuka usulan.", "No programme year is open for proposals.";
    ChooseYear => "Pilih tahun program", "Choose the programme year";
    NoCandidates => "Semua perpustakaan aktif di wilayah Anda sudah diusulkan untuk tahun ini.", "Every active library in your region is already proposed for this year.";
    DocumentsLegend => "Dokumen persyaratan", "Required documents";
    DocumentsHint => "Berkas PDF, atau foto/pindaian JPG atau PNG. Dokumen boleh dilengkapi nanti, sebelum usulan dikirim.", "PDF files, or JPG or PNG photos/scans. Documents may be added later, before the proposal is sent.";
    TbmOnly => "Khusus TBM.", "TBMs only.";
    SaveDraft => "Simpan sebagai draf", "Save as draft";
    Saved => "Usulan tersimpan.", "The proposal was saved.";
    Deleted => "Usulan dibatalkan dan dihapus.", "The proposal was withdrawn and deleted.";
    Submitted => "Usulan dikirim ke Perpusnas.", "The proposal was sent to Perpusnas.";
    Verified => "Usulan ditandai terverifikasi.", "The proposal was marked verified.";
    Decided => "Keputusan tersimpan; kabupaten/kota dan pengelola perpustakaan sudah diberi tahu.", "The decision was saved; the regency/city and the library team were notified.";
    DocsCaption => "Dokumen usulan", "Proposal documents";
    Document => "Dokumen", "Document";
    File => "Berkas", "File";
    Added => "Diunggah", "Uploaded";
    Missing => "Belum ada", "Missing";
    Details => "Rincian usulan", "Proposal details";
    Type => "Jenis perpustakaan", "Library type";
    Npp => "NPP", "NPP";
    ProposedBy => "Diusulkan oleh", "Proposed by";
    VerifiedBy => "Diverifikasi oleh", "Verified by";
    DecidedBy => "Diputuskan oleh", "Decided by";
    Granted => "Ditetapkan sebagai", "Granted";
    ReturnedBox => "Perpusnas mengembalikan usulan ini untuk diperbaiki:", "Perpusnas returned this proposal for correction:";
    RejectedBox => "Usulan ini ditolak:", "This proposal was rejected:";
    Managers => "Pengelola aktif di Lentera", "Active managers in Lentera";
    NoManager => "Belum ada — calon penerima perlu pengelola yang aktif.", "None yet — a candidate needs an active manager.";
    EditTitle => "Ubah usulan dan dokumennya", "Change the proposal and its documents";
    EditHint => "Unggah berkas baru untuk mengganti dokumen yang sudah ada.", "Upload a new file to replace a document already attached.";
    Save => "Simpan perubahan", "Save changes";
    SubmitTitle => "Kirim ke Perpusnas", "Send to Perpusnas";
    SubmitHint => "Setelah dikirim, usulan tidak bisa diubah lagi kecuali dikembalikan Perpusnas.", "Once sent, the proposal cannot be changed unless Perpusnas returns it.";
    SubmitMissing => "Lengkapi dulu: {docs}.", "Attach first: {docs}.";
    SubmitButton => "Kirim usulan", "Send the proposal";
    Withdraw => "Batalkan usulan ini", "Withdraw this proposal";
    WithdrawHint => "Usulan dan dokumennya akan dihapus.", "The proposal and its documents will be deleted.";
    VerifyTitle => "Verifikasi dokumen", "Verify the documents";
    VerifyHint => "Tandai terverifikasi setelah semua dokumen diperiksa dan sesuai.", "Mark it verified once every document has been checked and is in order.";
    VerifyButton => "Tandai terverifikasi", "Mark verified";
    DecideTitle => "Keputusan", "Decision";
    DecideHint => "Terima dengan status keikutsertaan, tolak dengan alasan, atau kembalikan ke kabupaten/kota untuk diperbaiki.", "Accept with a participation status, reject with a reason, or return it to the regency/city for correction.";
    Accept => "Terima", "Accept";
    AcceptOnlyVerified => "Terima (setelah diverifikasi)", "Accept (once verified)";
    Reject => "Tolak", "Reject";
    Return => "Kembalikan untuk diperbaiki", "Return for correction";
    DecideButton => "Simpan keputusan", "Save the decision";
    ReasonHint => "Wajib untuk menolak atau mengembalikan; akan dibaca dinas kabupaten/kota.", "Required to reject or return; the regency/city agency will read it.";
    History => "Riwayat perubahan di jejak audit", "Change history in the audit trail";
    BackToList => "Kembali ke daftar usulan", "Back to the proposals";
    ClosedYear => "SK penerima tahun ini sudah dicatat; usulan ditutup.", "This year's decree is recorded; proposals are closed.";
    PdfTitle => "Daftar Usulan Calon Penerima TPBIS {y}", "TPBIS {y} Candidate Proposals";
    PdfAgency => "Dinas Perpustakaan {name}", "Library Agency of {name}";
    PdfNo => "No.", "No.";
    PdfFooter => "Dibuat dengan Lentera", "Made with Lentera";
});

fn param(pairs: &[(String, String)], key: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The list filters from a query string; bad values are field errors.
struct Filter {
    year: Option<i32>,
    status: Option<ProposalStatus>,
    region: Option<RegionCode>,
    page: i64,
    per_page: i64,
}

impl Filter {
    fn parse(pairs: &[(String, String)]) -> Result<Filter, Invalid> {
        let mut e = Invalid::default();
        let year = match param(pairs, "year").map(|y| y.parse::<i32>()) {
            None => None,
            Some(Ok(y)) => Some(y),
            Some(Err(_)) => {
                e.push("program_year", Problem::NotANumber);
                None
            }
        };
        let status = match param(pairs, "status").map(|s| ProposalStatus::parse(&s)) {
            None => None,
            Some(Ok(s)) => Some(s),
            Some(Err(p)) => {
                e.push("proposal", p);
                None
            }
        };
        let region = match param(pairs, "region").map(|r| RegionCode::parse(&r)) {
            None => None,
            Some(Ok(r)) => Some(r),
            Some(Err(p)) => {
                e.push("region", p);
                None
            }
        };
        let (page, per_page) = crate::audit::paging(
            param(pairs, "page").as_deref(),
            param(pairs, "per_page").as_deref(),
            50,
            &mut e,
        );
        e.finish(Filter {
            year,
            status,
            region,
            page,
            per_page,
        })
    }

    fn query(&self, u: &CurrentUser) -> ProposalQuery {
        ProposalQuery {
            reach: u.actor.reach(),
            year: self.year,
            region: self.region.clone(),
            status: self.status,
            library: None,
            page: self.page,
            per_page: self.per_page,
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("year", self.year.map(|y| y.to_string()).unwrap_or_default()),
            (
                "status",
                self.status.map(|s| s.key().to_string()).unwrap_or_default(),
            ),
            (
                "region",
                self.region
                    .as_ref()
                    .map(|r| r.to_string())
                    .unwrap_or_default(),
            ),
        ]
    }
}

pub(super) fn region_name(state: &AppState, code: &RegionCode) -> String {
    state
        .regions
        .get(code)
        .map(|r| r.display_name())
        .unwrap_or_else(|| code.dotted())
}

fn village_label(state: &AppState, code: &RegionCode) -> String {
    let Some(r) = state.regions.get(code) else {
        return code.dotted();
    };
    let parent = code
        .parent()
        .and_then(|k| state.regions.get(&k))
        .map(|k| format!(", {}", k.display_name()))
        .unwrap_or_default();
    format!("{}{parent}", r.display_name())
}

fn documents_cell(p: &Proposal) -> String {
    let need = DocumentKind::required_for(p.library_kind).len();
    let have = need - p.missing().len();
    format!("{have}/{need}")
}

/// `GET /program/proposals?year=&status=&region=&page=`: proposals within
/// reach; a district officer also sees where they stand against each open
/// year's minimum.
pub(super) async fn list(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let f = Filter::parse(&pairs)?;
    let q = f.query(&u);
    let reach = u.actor.reach();
    let (page_, years, counts) = state
        .run(move |c| {
            Ok((
                store::list(c, &q)?,
                store::list_years(c)?,
                store::counts_by_year(c, &reach)?,
            ))
        })
        .await?;
    let frame = Frame {
        lang,
        user: Some(&u),
        path: "/program/proposals",
    };
    let flash = pairs.iter().find_map(|(k, _)| match k.as_str() {
        "deleted" => Some(P::Deleted),
        _ => None,
    });
    let today = today();
    let district = u.actor.role == Role::District;
    let open: Vec<&ProgramYear> = years.iter().filter(|y| y.open()).collect();
    let sent = |y: i32| -> i64 {
        counts
            .iter()
            .filter(|(cy, s, _)| {
                *cy == y && ProposalStatus::parse(s).is_ok_and(ProposalStatus::proposed)
            })
            .map(|(_, _, n)| n)
            .sum()
    };
    let deadline_of = |y: i32| {
        years
            .iter()
            .find(|p| p.year() == y)
            .and_then(|p| p.details.proposal_deadline)
    };
    let my_region = match u.actor.reach() {
        lentera_core::users::Reach::Region(r) => Some(region_name(&state, &r)),
        _ => None,
    };
    let filter_pairs = f.pairs();
    let export = |format: &str| {
        let mut q: Vec<String> = filter_pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect();
        q.push(format!("format={format}"));
        format!("/program/proposals/export?{}", q.join("&"))
    };
    let status_options: Vec<(String, String)> = ProposalStatus::ALL
        .iter()
        .map(|s| (s.key().to_string(), status_short(*s, lang).to_string()))
        .collect();
    let body = html! {
        @if let Some(m) = flash { (notice(m.get(lang))) }
        p.lead { (P::Intro.get(lang)) }
        @if district && !open.is_empty() {
            section.program-minimum aria-labelledby="min-h" {
                h2 #min-h { (P::MinimumCaption.get(lang)) }
                ul {
                    @for y in &open {
                        @let s = sent(y.year());
                        @let min = y.details.min_proposals_per_district;
                        @let gap = shortfall(s, min);
                        li {
                            (P::MinimumLine.get(lang)
                                .replace("{name}", &y.details.name)
                                .replace("{sent}", &s.to_string())
                                .replace("{min}", &min.to_string()))
                            @if let Some(name) = &my_region { " (" (name) ")" }
                            " — "
                            @if gap > 0 {
                                strong.tag.off { (P::MinimumShort.get(lang).replace("{n}", &gap.to_string())) }
                            } @else {
                                strong.tag.on { (P::MinimumMet.get(lang)) }
                            }
                            @if let Some(d) = y.details.proposal_deadline {
                                "; " (P::DeadlineLine.get(lang).replace("{d}", &date(d)))
                                @if y.past_deadline(today) { " " strong.program-late { (P::Late.get(lang)) } }
                            }
                            " · " a href={ "/program/proposals/new?year=" (y.year()) } { (P::New.get(lang)) }
                        }
                    }
                }
            }
        }
        form.filters method="get" action="/program/proposals" {
            div.field {
                label for="f-year" { (P::Year.get(lang)) }
                select #f-year name="year" {
                    option value="" { (P::AllYears.get(lang)) }
                    @for y in &years {
                        option value=(y.year()) selected[f.year == Some(y.year())] { (y.details.name) }
                    }
                }
            }
            div.field {
                label for="f-status" { (crate::i18n::Msg::Status.get(lang)) }
                select #f-status name="status" {
                    option value="" { (P::AllStatuses.get(lang)) }
                    @for (k, l) in &status_options {
                        option value=(k) selected[f.status.map(|s| s.key()) == Some(k.as_str())] { (l) }
                    }
                }
            }
            div.field {
                label for="f-region" { (field_label("region", lang)) }
                input #f-region type="text" name="region" inputmode="numeric" aria-describedby="h-region"
                    value=(f.region.as_ref().map(|r| r.to_string()).unwrap_or_default());
                p.hint #h-region { (P::RegionHint.get(lang)) }
            }
            div.actions { button type="submit" { (P::Show.get(lang)) } }
        }
        @if page_.items.is_empty() {
            p { (P::None.get(lang)) }
        } @else {
            div.table-wrap {
                table.program-proposals {
                    caption { (P::Caption.get(lang).replace("{n}", &page_.total.to_string())) }
                    thead { tr {
                        th scope="col" { (P::Library.get(lang)) }
                        th scope="col" { (P::Year.get(lang)) }
                        th scope="col" { (P::Village.get(lang)) }
                        th scope="col" { (P::Requested.get(lang)) }
                        th scope="col" class="num" { (P::Documents.get(lang)) }
                        th scope="col" { (crate::i18n::Msg::Status.get(lang)) }
                        th scope="col" { (P::Sent.get(lang)) }
                    } }
                    tbody {
                        @for p in &page_.items {
                            tr {
                                th scope="row" { a href={ "/program/proposals/" (p.id) } { (p.library_name) } }
                                td { (p.year) }
                                td { (village_label(&state, &p.region_code)) }
                                td { (participation_short(p.requested, lang)) }
                                td.num { (documents_cell(p)) }
                                td {
                                    (status_short(p.status, lang))
                                    @if let Some(g) = p.participation { " (" (participation_short(g, lang)) ")" }
                                }
                                td {
                                    @if let Some(t) = p.submitted_at { (day_of(t)) }
                                    @if p.late(deadline_of(p.year)) { " " strong.program-late { (P::Late.get(lang)) } }
                                }
                            }
                        }
                    }
                }
            }
            (pager("/program/proposals", &filter_pairs, page_.page, page_.pages(), lang))
            p {
                (P::Download.get(lang)) ": "
                a href=(export("csv")) download { (P::Csv.get(lang)) } " · "
                a href=(export("xlsx")) download { (P::Xlsx.get(lang)) } " · "
                a href=(export("pdf")) download { (P::Pdf.get(lang)) }
            }
        }
    };
    Ok(page(&frame, P::Title.get(lang), body).into_response())
}

fn requested_options(lang: Lang) -> Vec<(String, String)> {
    GRANTABLE
        .iter()
        .map(|p| {
            (
                p.key().to_string(),
                participation_short(*p, lang).to_string(),
            )
        })
        .collect()
}

/// The document inputs, one per kind; the TBM's only where it applies
/// (always on a new proposal, where the library is not chosen yet).
fn document_inputs(
    lang: Lang,
    errors: &Invalid,
    kind: Option<lentera_core::libraries::LibraryType>,
) -> Markup {
    html! {
        fieldset {
            legend { (P::DocumentsLegend.get(lang)) }
            p.hint { (P::DocumentsHint.get(lang)) }
            @for d in DocumentKind::ALL {
                @if kind.is_none_or(|k| d.applies_to(k)) {
                    (uploads::file_input(d.field(), Accept::Document, false, lang, errors))
                    @if *d == DocumentKind::TbmActive && kind.is_none() {
                        p.hint { (P::TbmOnly.get(lang)) }
                    }
                }
            }
        }
    }
}

struct NewPage<'a> {
    years: &'a [ProgramYear],
    year: Option<i32>,
    candidates: &'a [(LibraryId, String, String)],
}

fn render_new(
    state: &AppState,
    u: &CurrentUser,
    lang: Lang,
    np: &NewPage<'_>,
    form: &ProposalForm,
    errors: &Invalid,
) -> Response {
    let frame = Frame {
        lang,
        user: Some(u),
        path: "/program/proposals",
    };
    let open: Vec<&ProgramYear> = np.years.iter().filter(|y| y.open()).collect();
    let libraries: Vec<(String, String)> = np
        .candidates
        .iter()
        .map(|(id, name, village)| {
            let label = match RegionCode::parse(village) {
                Ok(v) => format!("{name} — {}", village_label(state, &v)),
                Err(_) => name.clone(),
            };
            (id.to_string(), label)
        })
        .collect();
    let body = html! {
        @match np.year {
            None => { p { (P::NoOpenYear.get(lang)) } }
            Some(year) => {
                @if open.len() > 1 {
                    form.filters method="get" action="/program/proposals/new" {
                        div.field {
                            label for="f-year-choice" { (P::ChooseYear.get(lang)) }
                            select #f-year-choice name="year" {
                                @for y in &open {
                                    option value=(y.year()) selected[y.year() == year] { (y.details.name) }
                                }
                            }
                        }
                        div.actions { button.secondary type="submit" { (P::Show.get(lang)) } }
                    }
                }
                (error_summary(errors, lang))
                @if libraries.is_empty() && errors.is_empty() {
                    p { (P::NoCandidates.get(lang)) }
                } @else {
                    form method="post" enctype="multipart/form-data"
                        action={ "/program/proposals?csrf=" (url_encode(frame.csrf())) } novalidate {
                        input type="hidden" name="program_year" value=(year);
                        dl.summary {
                            dt { (field_label("program_year", lang)) }
                            dd { (np.years.iter().find(|y| y.year() == year).map(|y| y.details.name.clone()).unwrap_or_else(|| year.to_string())) }
                        }
                        (select("library_id", &form.library_id, &libraries, true, lang, errors))
                        (select("requested", &form.requested, &requested_options(lang), true, lang, errors))
                        (textarea("proposal_note", &form.proposal_note, lang, errors))
                        (document_inputs(lang, errors, None))
                        div.actions {
                            button type="submit" { (P::SaveDraft.get(lang)) }
                            a href="/program/proposals" { (P::BackToList.get(lang)) }
                        }
                    }
                }
            }
        }
    };
    let mut res = page(&frame, P::NewTitle.get(lang), body).into_response();
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

async fn new_page(
    state: &AppState,
    u: &CurrentUser,
    lang: Lang,
    year: Option<i32>,
    form: &ProposalForm,
    errors: &Invalid,
) -> Result<Response, WebError> {
    let reach = u.actor.reach();
    let (years, chosen, candidates) = state
        .run(move |c| {
            let years = store::list_years(c)?;
            // The year asked for if open, else the newest open one.
            let chosen = year
                .filter(|y| years.iter().any(|p| p.year() == *y && p.open()))
                .or_else(|| years.iter().find(|y| y.open()).map(ProgramYear::year));
            let candidates = match chosen {
                Some(y) => store::candidates(c, &reach, y)?,
                None => Vec::new(),
            };
            Ok((years, chosen, candidates))
        })
        .await?;
    Ok(render_new(
        state,
        u,
        lang,
        &NewPage {
            years: &years,
            year: chosen,
            candidates: &candidates,
        },
        form,
        errors,
    ))
}

fn require_district(u: &CurrentUser) -> Result<(), WebError> {
    if u.actor.role == Role::District {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// `GET /program/proposals/new?year=&library=`: district officers.
pub(super) async fn new_form(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    require_district(&u)?;
    let year = param(&pairs, "year").and_then(|y| y.parse().ok());
    let form = ProposalForm {
        library_id: param(&pairs, "library").unwrap_or_default(),
        ..Default::default()
    };
    new_page(&state, &u, lang, year, &form, &Invalid::default()).await
}

/// The form's text fields as a proposal form.
fn proposal_form(data: &FormData) -> ProposalForm {
    let mut f = ProposalForm::default();
    for (k, v) in &data.fields {
        f.set(k, v);
    }
    f
}

/// Checks every attached document by content (CPU work: call inside
/// `AppState::run`). Problems go to `errors` under the document's field.
pub(super) fn prepare_documents(
    data: &FormData,
    errors: &mut Invalid,
) -> Vec<(DocumentKind, Prepared)> {
    let mut out = Vec::new();
    for kind in DocumentKind::ALL {
        let part = data.file(kind.field()).or_else(|| data.file(kind.key()));
        if let Some(part) = part {
            match uploads::prepare(part, Accept::Document) {
                Ok(p) => out.push((*kind, p)),
                Err(p) => errors.push(kind.field(), p),
            }
        }
    }
    // A file under any other name is a mistake worth naming, not ignoring.
    if data
        .files
        .keys()
        .any(|name| DocumentKind::from_field(name).is_none())
    {
        errors.push("file", Problem::NotAllowedHere);
    }
    out
}

/// Documents ready for the store, placed at the proposal's library.
pub(super) fn new_documents<'a>(
    prepared: Vec<(DocumentKind, Prepared)>,
    library: LibraryId,
    region: &'a RegionCode,
    u: &CurrentUser,
) -> Vec<NewDocument<'a>> {
    prepared
        .into_iter()
        .map(|(kind, p)| NewDocument {
            kind,
            file: p.into_new(Some(library), region, u),
        })
        .collect()
}

/// The library a proposal names, if the proposer may propose it: unknown
/// is a field error, outside reach 404, not a district officer 403.
pub(super) fn proposable_library(
    c: &mut DbConn,
    u: &CurrentUser,
    id: LibraryId,
) -> Result<Result<Library, Invalid>, WebError> {
    let lib = match lentera_store::libraries::get(c, id) {
        Ok(l) => l,
        Err(StoreError::NotFound) => {
            return Ok(Err(Invalid::one("library_id", Problem::NotFound)));
        }
        Err(e) => return Err(e.into()),
    };
    allow(may_propose(
        &u.actor,
        &Place {
            region: &lib.details.village_code,
            library: Some(lib.id),
        },
    ))?;
    Ok(Ok(lib))
}

/// `POST /program/proposals` (multipart): a new proposal with any documents
/// at hand, saved as a draft.
pub(super) async fn create(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    require_district(&u)?;
    let data = uploads::read_form(multipart).await?;
    let form = proposal_form(&data);
    let user = u.clone();
    let outcome = state
        .run(move |c| {
            let mut errors = Invalid::default();
            let draft = match ProposalDraft::parse(&form) {
                Ok(d) => Some(d),
                Err(e) => {
                    errors = e;
                    None
                }
            };
            // The library is checked for reach even when other fields are
            // wrong: a guessed id outside reach must answer 404 all the same.
            let lib = match LibraryId::parse(&form.library_id) {
                Ok(id) => match proposable_library(c, &user, id)? {
                    Ok(l) => Some(l),
                    Err(e) => {
                        errors.0.extend(e.0);
                        None
                    }
                },
                Err(_) => None,
            };
            let prepared = prepare_documents(&data, &mut errors);
            let (Some(draft), Some(lib)) = (draft, lib) else {
                return Ok(Err((form, errors)));
            };
            if !errors.is_empty() {
                return Ok(Err((form, errors)));
            }
            let docs = new_documents(prepared, lib.id, &lib.details.village_code, &user);
            match store::create(c, &actor_ref(&user), &draft, docs) {
                Ok(p) => Ok(Ok(p.id)),
                Err(StoreError::Invalid(e)) => Ok(Err((form, e))),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    match outcome {
        Ok(id) => Ok(Redirect::to(&format!("/program/proposals/{id}?saved=1")).into_response()),
        Err((form, errors)) => {
            let year = form.program_year.trim().parse().ok();
            new_page(&state, &u, lang, year, &form, &errors).await
        }
    }
}

/// What the detail page shows besides the proposal: a message, the forms
/// as typed, and their problems.
#[derive(Default)]
struct ShowState {
    flash: Option<P>,
    edit: Option<ProposalForm>,
    decision: Option<DecisionForm>,
    errors: Invalid,
}

fn render_show(
    state: &AppState,
    u: &CurrentUser,
    lang: Lang,
    p: &Proposal,
    year: &ProgramYear,
    s: ShowState,
) -> Response {
    let frame = Frame {
        lang,
        user: Some(u),
        path: "/program/proposals",
    };
    let title = format!("{}: {}", year.details.name, p.library_name);
    let district = may_propose(&u.actor, &place(p)) == Access::Allowed;
    let national = may_decide(&u.actor, &place(p)) == Access::Allowed;
    let editable = district && p.status.editable() && year.open();
    let errors = &s.errors;
    let edit = s.edit.unwrap_or_else(|| ProposalForm {
        program_year: p.year.to_string(),
        library_id: p.library_id.to_string(),
        requested: p.requested.key().to_string(),
        proposal_note: p.note.clone().unwrap_or_default(),
    });
    let decision = s.decision.unwrap_or_else(|| DecisionForm {
        decision: String::new(),
        granted: p.requested.key().to_string(),
        decision_reason: String::new(),
    });
    let missing = p.missing();
    let missing_text = missing
        .iter()
        .map(|d| document_label(*d, lang))
        .collect::<Vec<_>>()
        .join(", ");
    let required = DocumentKind::required_for(p.library_kind);
    let body = html! {
        @if let Some(m) = s.flash { (notice(m.get(lang))) }
        (error_summary(errors, lang))
        @if let Some(reason) = &p.reason {
            @if p.status == ProposalStatus::Returned {
                div.warn role="note" { p { strong { (P::ReturnedBox.get(lang)) } } p { (reason) } }
            }
            @if p.status == ProposalStatus::Rejected {
                div.warn role="note" { p { strong { (P::RejectedBox.get(lang)) } } p { (reason) } }
            }
        }
        h2 { (P::Details.get(lang)) }
        dl.summary {
            dt { (crate::i18n::Msg::Status.get(lang)) }
            dd {
                strong { (status_label(p.status, lang)) }
                @if p.late(year.details.proposal_deadline) { " " strong.program-late { (P::Late.get(lang)) } }
            }
            dt { (P::Library.get(lang)) }
            dd { a href={ "/libraries/" (p.library_id) } { (p.library_name) } }
            dt { (P::Type.get(lang)) } dd { (crate::libraries::kind_label(p.library_kind, lang)) }
            dt { (P::Npp.get(lang)) } dd { (p.library_npp.as_deref().unwrap_or("—")) }
            dt { (P::Village.get(lang)) } dd { (village_label(state, &p.region_code)) " (" (p.region_code.dotted()) ")" }
            dt { (P::Requested.get(lang)) } dd { (participation_short(p.requested, lang)) }
            dt { (field_label("proposal_note", lang)) } dd { (p.note.as_deref().unwrap_or("—")) }
            dt { (P::Managers.get(lang)) }
            dd { @if p.active_managers > 0 { (p.active_managers) } @else { (P::NoManager.get(lang)) } }
            dt { (P::ProposedBy.get(lang)) }
            dd { (p.proposed_by_name.as_deref().unwrap_or("—")) @if let Some(t) = p.submitted_at { ", " (P::Sent.get(lang).to_lowercase()) " " (day_of(t)) } }
            @if let (Some(n), Some(t)) = (&p.verified_by_name, p.verified_at) {
                dt { (P::VerifiedBy.get(lang)) } dd { (n) ", " (day_of(t)) }
            }
            @if let (Some(n), Some(t)) = (&p.decided_by_name, p.decided_at) {
                dt { (P::DecidedBy.get(lang)) } dd { (n) ", " (day_of(t)) }
            }
            @if let Some(g) = p.participation {
                dt { (P::Granted.get(lang)) } dd { strong { (participation_short(g, lang)) } }
            }
            @if let (Some(n), Some(d)) = (&year.details.decree_number, year.details.decree_date) {
                dt { (field_label("decree_number", lang)) } dd { (n) ", " (date(d)) }
            }
        }
        div.table-wrap {
            table {
                caption { (P::DocsCaption.get(lang)) }
                thead { tr {
                    th scope="col" { (P::Document.get(lang)) }
                    th scope="col" { (P::File.get(lang)) }
                    th scope="col" { (P::Added.get(lang)) }
                } }
                tbody {
                    @for d in DocumentKind::ALL {
                        @let doc = p.document(*d);
                        @if doc.is_some() || required.contains(d) {
                            tr {
                                th scope="row" { (document_label(*d, lang)) }
                                @match doc {
                                    Some(doc) => {
                                        td { a href={ "/uploads/" (doc.upload_id) } { (doc.filename) } " (" (doc.file_kind.to_uppercase()) ", " (crate::regions::fmt_thousands((doc.size as usize).div_ceil(1024), lang)) " KB)" }
                                        td { (day_of(doc.added_at)) }
                                    }
                                    None => {
                                        td { strong.tag.off { (P::Missing.get(lang)) } }
                                        td { "—" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if district && p.status.editable() && !year.open() {
            p.hint { (P::ClosedYear.get(lang)) }
        }
        @if editable {
            h2 #edit { (P::EditTitle.get(lang)) }
            form method="post" enctype="multipart/form-data"
                action={ "/program/proposals/" (p.id) "?csrf=" (url_encode(frame.csrf())) } novalidate {
                input type="hidden" name="updated_at" value=(crate::libraries::version(&p.updated_at));
                (select("requested", &edit.requested, &requested_options(lang), true, lang, errors))
                (textarea("proposal_note", &edit.proposal_note, lang, errors))
                p.hint { (P::EditHint.get(lang)) }
                (document_inputs(lang, errors, Some(p.library_kind)))
                div.actions { button type="submit" { (P::Save.get(lang)) } }
            }
            h2 { (P::SubmitTitle.get(lang)) }
            form method="post" action={ "/program/proposals/" (p.id) "/submit" } {
                (csrf_field(&frame))
                p.hint { (P::SubmitHint.get(lang)) }
                @if !missing.is_empty() {
                    p { (P::SubmitMissing.get(lang).replace("{docs}", &missing_text)) }
                }
                div.actions { button type="submit" { (P::SubmitButton.get(lang)) } }
            }
            form method="post" action={ "/program/proposals/" (p.id) "/delete" } {
                (csrf_field(&frame))
                p.hint { (P::WithdrawHint.get(lang)) }
                div.actions { button.warning type="submit" { (P::Withdraw.get(lang)) } }
            }
        }
        @if national && p.status == ProposalStatus::Submitted {
            h2 { (P::VerifyTitle.get(lang)) }
            form method="post" action={ "/program/proposals/" (p.id) "/verify" } {
                (csrf_field(&frame))
                p.hint { (P::VerifyHint.get(lang)) }
                div.actions { button type="submit" { (P::VerifyButton.get(lang)) } }
            }
        }
        @if national && matches!(p.status, ProposalStatus::Submitted | ProposalStatus::Verified) {
            h2 #decide { (P::DecideTitle.get(lang)) }
            form method="post" action={ "/program/proposals/" (p.id) "/decide" } novalidate {
                (csrf_field(&frame))
                p.hint { (P::DecideHint.get(lang)) }
                fieldset.radios.has-error[errors.for_field("decision").is_some()] id="f-decision" {
                    legend { (field_label("decision", lang)) }
                    @if let Some(e) = errors.for_field("decision") {
                        p.error-message { (crate::i18n::problem_sentence("decision", &e.problem, lang)) }
                    }
                    @let verified = p.status == ProposalStatus::Verified;
                    @for (value, label, enabled) in [
                        ("accept", if verified { P::Accept } else { P::AcceptOnlyVerified }, verified),
                        ("reject", P::Reject, true),
                        ("return", P::Return, true),
                    ] {
                        div.field.radio {
                            input type="radio" name="decision" id={ "f-decision-" (value) } value=(value)
                                checked[decision.decision == value] disabled[!enabled];
                            label for={ "f-decision-" (value) } { (label.get(lang)) }
                        }
                    }
                }
                (select("granted", &decision.granted, &requested_options(lang), false, lang, errors))
                (textarea("decision_reason", &decision.decision_reason, lang, errors))
                p.hint { (P::ReasonHint.get(lang)) }
                div.actions { button type="submit" { (P::DecideButton.get(lang)) } }
            }
        }
        p {
            a href="/program/proposals" { "← " (P::BackToList.get(lang)) }
            @if u.actor.may_read_audit() {
                " · " a href={ "/audit?entity=proposal&entity_id=" (p.id) } { (P::History.get(lang)) }
            }
        }
    };
    let mut res = page(&frame, &title, body).into_response();
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

async fn load(
    state: &AppState,
    u: &CurrentUser,
    id: String,
) -> Result<(Proposal, ProgramYear), WebError> {
    let user = u.clone();
    state
        .run(move |c| {
            let p = readable(c, &user, &id)?;
            let y = store::get_year(c, p.year)?;
            Ok((p, y))
        })
        .await
}

/// `GET /program/proposals/{id}`: anyone whose reach includes the library.
pub(super) async fn show(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (p, y) = load(&state, &u, id).await?;
    let flash = pairs.iter().find_map(|(k, _)| match k.as_str() {
        "saved" => Some(P::Saved),
        "submitted" => Some(P::Submitted),
        "verified" => Some(P::Verified),
        "decided" => Some(P::Decided),
        _ => None,
    });
    Ok(render_show(
        &state,
        &u,
        lang,
        &p,
        &y,
        ShowState {
            flash,
            ..Default::default()
        },
    ))
}

/// `POST /program/proposals/{id}` (multipart): change a draft's request,
/// note and documents.
pub(super) async fn update(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (p, y) = load(&state, &u, id).await?;
    allow(may_propose(&u.actor, &place(&p)))?;
    let data = uploads::read_form(multipart).await?;
    let mut form = proposal_form(&data);
    form.program_year = p.year.to_string();
    form.library_id = p.library_id.to_string();
    let expected = crate::libraries::parse_version(&data.text("updated_at"))?;
    let user = u.clone();
    let pid = p.id.clone();
    let (lib, region) = (p.library_id, p.region_code.clone());
    let f2 = form.clone();
    let outcome = state
        .run(move |c| {
            let mut errors = Invalid::default();
            let change = match ProposalChange::parse(&f2) {
                Ok(ch) => Some(ch),
                Err(e) => {
                    errors = e;
                    None
                }
            };
            let prepared = prepare_documents(&data, &mut errors);
            let Some(change) = change.filter(|_| errors.is_empty()) else {
                return Ok(Err(errors));
            };
            let docs = new_documents(prepared, lib, &region, &user);
            match store::update(c, &actor_ref(&user), &pid, Some(&change), docs, expected) {
                Ok(_) => Ok(Ok(())),
                Err(StoreError::Invalid(e)) => Ok(Err(e)),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/program/proposals/{}?saved=1", p.id)).into_response()),
        Err(errors) => Ok(render_show(
            &state,
            &u,
            lang,
            &p,
            &y,
            ShowState {
                edit: Some(form),
                errors,
                ..Default::default()
            },
        )),
    }
}

/// Takes a step and answers with a redirect, or the page with the problems.
async fn take_step(
    state: &AppState,
    u: &CurrentUser,
    lang: Lang,
    (p, y): (Proposal, ProgramYear),
    step: Step,
    decision: Option<DecisionForm>,
    done: &str,
) -> Result<Response, WebError> {
    let user = u.clone();
    let pid = p.id.clone();
    let texts = decision_note(&p, &step);
    let link = format!("/program/proposals/{}", p.id);
    let outcome = state
        .run(move |c| {
            let note = texts.as_ref().map(|(id, en)| Note {
                id,
                en,
                link: &link,
            });
            match store::step(c, &actor_ref(&user), &pid, &step, note.as_ref()) {
                Ok(_) => Ok(Ok(())),
                Err(StoreError::Invalid(e)) => Ok(Err(e)),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    match outcome {
        Ok(()) => {
            Ok(Redirect::to(&format!("/program/proposals/{}?{done}=1", p.id)).into_response())
        }
        Err(errors) => Ok(render_show(
            state,
            u,
            lang,
            &p,
            &y,
            ShowState {
                decision,
                errors,
                ..Default::default()
            },
        )),
    }
}

/// `POST /program/proposals/{id}/submit`: the district sends it.
pub(super) async fn submit(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (p, y) = load(&state, &u, id).await?;
    allow(may_propose(&u.actor, &place(&p)))?;
    take_step(&state, &u, lang, (p, y), Step::Submit, None, "submitted").await
}

/// `POST /program/proposals/{id}/verify`: Perpusnas checked the documents.
pub(super) async fn verify(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (p, y) = load(&state, &u, id).await?;
    allow(may_decide(&u.actor, &place(&p)))?;
    take_step(&state, &u, lang, (p, y), Step::Verify, None, "verified").await
}

/// `POST /program/proposals/{id}/decide`: accept, reject or return.
pub(super) async fn decide(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(pairs) = body.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let (p, y) = load(&state, &u, id).await?;
    allow(may_decide(&u.actor, &place(&p)))?;
    let mut form = DecisionForm::default();
    for (k, v) in &pairs {
        form.set(k, v);
    }
    match Decision::parse(&form) {
        Ok(Decision(step)) => {
            take_step(&state, &u, lang, (p, y), step, Some(form), "decided").await
        }
        Err(errors) => Ok(render_show(
            &state,
            &u,
            lang,
            &p,
            &y,
            ShowState {
                decision: Some(form),
                errors,
                ..Default::default()
            },
        )),
    }
}

/// `POST /program/proposals/{id}/delete`: the district withdraws a draft.
pub(super) async fn delete(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (p, y) = load(&state, &u, id).await?;
    allow(may_propose(&u.actor, &place(&p)))?;
    let user = u.clone();
    let pid = p.id.clone();
    let outcome = state
        .run(move |c| match store::delete(c, &actor_ref(&user), &pid) {
            Ok(()) => Ok(Ok(())),
            Err(StoreError::Invalid(e)) => Ok(Err(e)),
            Err(e) => Err(e.into()),
        })
        .await?;
    match outcome {
        Ok(()) => Ok(Redirect::to("/program/proposals?deleted=1").into_response()),
        Err(errors) => Ok(render_show(
            &state,
            &u,
            lang,
            &p,
            &y,
            ShowState {
                errors,
                ..Default::default()
            },
        )),
    }
}

/// `GET /program/proposals/export?format=csv|xlsx|pdf&year=&status=&region=`:
/// the list within reach as a spreadsheet, or as the PDF a district attaches
/// to its proposal letter.
pub(super) async fn export(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let f = Filter::parse(&pairs)?;
    let fmt = param(&pairs, "format").unwrap_or_else(|| "csv".into());
    let mut q = f.query(&u);
    q.page = 1;
    q.per_page = 100_000;
    let items = state.run(move |c| Ok(store::list(c, &q)?.items)).await?;
    let (bytes, mime, ext) = match fmt.as_str() {
        "csv" | "xlsx" => {
            let format = if fmt == "csv" {
                Format::Csv
            } else {
                Format::Xlsx
            };
            let bytes = write_table(&state, &items, format)
                .map_err(|e| WebError::Internal(format!("writing a table: {e:?}")))?;
            (bytes, format.mime_type(), format.extension())
        }
        "pdf" => (
            write_pdf(&state, &u, &items, f.year, lang)?,
            "application/pdf",
            "pdf",
        ),
        _ => return Err(Invalid::one("format", Problem::UnknownChoice).into()),
    };
    let stem = match lang {
        Lang::Id => "usulan-tpbis",
        Lang::En => "tpbis-proposals",
    };
    let name = match f.year {
        Some(y) => format!("{stem}-{y}.{ext}"),
        None => format!("{stem}.{ext}"),
    };
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            .map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(res)
}

/// Column keys of the download, as the API names the fields.
const EXPORT_HEADERS: [&str; 13] = [
    "year",
    "name",
    "library_id",
    "npp",
    "village_code",
    "village",
    "kind",
    "requested",
    "status",
    "participation",
    "documents",
    "submitted_on",
    "reason",
];

fn write_table(
    state: &AppState,
    items: &[Proposal],
    format: Format,
) -> Result<Vec<u8>, lentera_tabular::TabularError> {
    let mut w = TableWriter::new(format, Vec::new())?;
    w.write_header(&EXPORT_HEADERS)?;
    for p in items {
        w.write_row(&[
            Cell::Int(i64::from(p.year)),
            Cell::text(p.library_name.clone()),
            Cell::text(p.library_id.to_string()),
            p.library_npp.clone().map_or(Cell::Empty, Cell::text),
            Cell::text(p.region_code.to_string()),
            Cell::text(village_label(state, &p.region_code)),
            Cell::text(p.library_kind.key()),
            Cell::text(p.requested.key()),
            Cell::text(p.status.key()),
            p.participation.map_or(Cell::Empty, |g| Cell::text(g.key())),
            Cell::text(documents_cell(p)),
            p.submitted_at.map_or(Cell::Empty, |t| Cell::Date(t.date())),
            p.reason.clone().map_or(Cell::Empty, Cell::text),
        ])?;
    }
    w.finish()
}

fn write_pdf(
    state: &AppState,
    u: &CurrentUser,
    items: &[Proposal],
    year: Option<i32>,
    lang: Lang,
) -> Result<Vec<u8>, WebError> {
    use lentera_print::{Block, Column, DataTable, Report};
    let y = year.map(|y| y.to_string()).unwrap_or_default();
    let title = P::PdfTitle.get(lang).replace("{y}", &y).replace("  ", " ");
    let mut r = Report::new(title.clone());
    if let lentera_core::users::Reach::Region(code) = u.actor.reach() {
        r.letterhead = vec![
            P::PdfAgency
                .get(lang)
                .replace("{name}", &region_name(state, &code)),
        ];
    }
    r.footer_note = P::PdfFooter.get(lang).to_string();
    r.push(Block::Title(title));
    r.push(Block::Table(DataTable {
        columns: vec![
            Column::right(P::PdfNo.get(lang)),
            Column::left(P::Library.get(lang)),
            Column::left(P::Village.get(lang)),
            Column::left(P::Npp.get(lang)),
            Column::left(P::Requested.get(lang)),
            Column::center(P::Documents.get(lang)),
            Column::left(crate::i18n::Msg::Status.get(lang)),
        ],
        rows: items
            .iter()
            .enumerate()
            .map(|(i, p)| {
                vec![
                    (i + 1).to_string(),
                    p.library_name.clone(),
                    village_label(state, &p.region_code),
                    p.library_npp.clone().unwrap_or_else(|| "—".into()),
                    participation_short(p.requested, lang).to_string(),
                    documents_cell(p),
                    status_short(p.status, lang).to_string(),
                ]
            })
            .collect(),
    }));
    let mut out = Vec::new();
    lentera_print::render_report(&r, &mut out)
        .map_err(|e| WebError::Internal(format!("writing a PDF: {e:?}")))?;
    Ok(out)
}

/// A one-page PDF letter (title and paragraphs), for documents generated on
/// the spot — the demonstration's sample decrees and letters.
pub fn letter_pdf(title: &str, paragraphs: &[String]) -> Result<Vec<u8>, WebError> {
    use lentera_print::{Block, Report};
    let mut r = Report::new(title);
    r.push(Block::Title(title.to_string()));
    for p in paragraphs {
        r.push(Block::Paragraph(p.clone()));
    }
    let mut out = Vec::new();
    lentera_print::render_report(&r, &mut out)
        .map_err(|e| WebError::Internal(format!("writing a PDF: {e:?}")))?;
    Ok(out)
}

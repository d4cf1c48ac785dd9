//! Browser pages of the work plans: the list (a library's own plans by year;
//! for facilitators and officers the plans within reach, those waiting for
//! review first, counts by status, filters and downloads), a plan's page
//! (content, activities with progress and linked reports, the reviewers'
//! comments, the history, and the forms for submitting, reviewing and
//! progress), the "new plan" form and the edit form.
//!
//! The edit form works without JavaScript: activity rows are added and
//! removed with plain submit buttons that send the whole form back, and the
//! page comes back with everything typed kept.

use super::{
    Extras, Filters, extras, kind_label, kind_options, load_visible, open_requests, progress_label,
    progress_options, require_editor, require_reviewer, rupiah, source_label, source_options,
    status_label, status_options, this_year, today, who,
};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{
    Field, Frame, RegionInput, checkbox, csrf_field, error_summary, input, notice, page, pager,
    reach_region, region_input, select, textarea,
};
use crate::i18n::{Lang, Msg, field_label, problem_sentence};
use crate::session::L;
use crate::state::AppState;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDateTime;
use lentera_core::field::{Invalid, Problem, optional_text};
use lentera_core::users::Role;
use lentera_core::visits::TimeZone;
use lentera_core::workplans::{
    ActivityForm, DefaultDue, MAX_ACTIVITIES, NewPlan, NewPlanForm, PlanKind, PlanStatus, Progress,
    ReviewAction, ReviewDraft, ReviewForm, WorkplanDraft, WorkplanForm, activity_key,
    check_complete, may_edit, may_review,
};
use lentera_store::StoreError;
use lentera_store::workplans::{self as store, PlanSummary, Workplan};
use maud::{Markup, html};

crate::messages!(P {
    Title => "Rencana kerja", "Work plans";
    OwnTitle => "Rencana kerja perpustakaan Anda", "Your library's work plans";
    OwnLead => "Setiap tahun setelah Bimtek, perpustakaan menyusun tiga rencana kerja: peningkatan layanan informasi, pelibatan masyarakat dan advokasi.", "Every year after the Bimtek, the library writes three work plans: better information services, community engagement and advocacy.";
    YearCaption => "Rencana kerja tahun {y}", "Work plans for {y}";
    Strategy => "Strategi", "Strategy";
    Due => "Tenggat", "Due";
    Activities => "Kegiatan", "Activities";
    DoneOf => "{d} dari {n} selesai", "{d} of {n} done";
    NotStarted => "Belum dibuat", "Not started";
    Write => "Buat", "Write";
    NewTitle => "Buat rencana kerja", "Write a work plan";
    NewLead => "Pilih strategi dan tahunnya. Rencana dibuat sebagai draf; isinya Anda lengkapi di langkah berikutnya.", "Choose the strategy and the year. The plan starts as a draft; you fill it in at the next step.";
    CopyHint => "Peta potensi, tujuan dan kegiatan disalin dari rencana strategi yang sama tahun sebelumnya; semua kegiatan kembali berstatus direncanakan.", "The potential map, goals and activities are copied from the same strategy's plan of the year before; every activity starts again as planned.";
    Create => "Buat rencana kerja", "Create the work plan";
    Waiting => "Menunggu tinjauan Anda", "Waiting for your review";
    WaitingNone => "Tidak ada rencana kerja yang menunggu tinjauan Anda.", "No work plans are waiting for your review.";
    WaitingCaption => "Rencana kerja yang diajukan perpustakaan dampingan atau wilayah Anda", "Plans submitted by the libraries you assist or oversee";
    Counts => "Ringkasan status", "Status at a glance";
    CountsCaption => "Jumlah rencana kerja menurut status (dengan saringan di bawah)", "Work plans by status (with the filters below)";
    Count => "Jumlah", "Count";
    LateCount => "Terlambat", "Late";
    Total => "Jumlah seluruhnya", "Total";
    MissingCount => "Belum dibuat (tahun {y})", "Not started ({y})";
    MissingHint => "Perpustakaan yang mengikuti kegiatan program atau angkatan TPBIS tahun itu tetapi belum membuat rencana kerjanya.", "Libraries that attended a programme event or joined the TPBIS cohort that year but have not started their plans.";
    MissingPickYear => "Pilih tahun pada saringan untuk melihat rencana yang belum dibuat.", "Choose a year in the filters to see the plans not started.";
    MissingList => "Perpustakaan yang belum membuat rencana kerja", "Libraries with plans not started";
    FilterTitle => "Saring daftar", "Filter the list";
    Filter => "Saring", "Filter";
    ClearFilters => "Hapus saringan", "Clear filters";
    ListCaption => "Rencana kerja dalam jangkauan Anda", "Work plans within your reach";
    Library => "Perpustakaan", "Library";
    Year => "Tahun", "Year";
    ExportLead => "Unduh daftar ini (dengan saringan yang sama):", "Download this list (with the same filters):";
    Settings => "Pengaturan tenggat", "Due date setting";
    SettingsLead => "Rencana kerja jatuh tempo sesuai jumlah hari yang diatur pada kegiatan Bimtek yang diikuti perpustakaan. Bagi perpustakaan yang tidak mengikuti kegiatan apa pun pada tahun itu, dipakai tanggal bawaan ini.", "Work plans are due the number of days set on the Bimtek the library attended. For libraries that attended no event that year, this default day is used.";
    SettingsHint => "Bulan-hari, misalnya 06-30 untuk 30 Juni.", "Month-day, e.g. 06-30 for 30 June.";
    SettingsSaved => "Tenggat bawaan disimpan.", "The default due day was saved.";
    Created => "Rencana kerja dibuat. Lengkapi isinya lalu ajukan.", "The work plan was created. Fill it in, then submit it.";
    Saved => "Rencana kerja disimpan.", "The work plan was saved.";
    Submitted => "Rencana kerja diajukan. Fasilitator dan dinas kabupaten/kota sudah diberi tahu.", "The work plan was submitted. The facilitator and the district office have been notified.";
    Approved => "Rencana kerja disetujui. Perpustakaan sudah diberi tahu.", "The work plan was approved. The library has been notified.";
    RevisionSent => "Permintaan revisi dikirim ke perpustakaan.", "The revision request was sent to the library.";
    ProgressSaved => "Kemajuan kegiatan disimpan.", "The activity's progress was saved.";
    Library2 => "Perpustakaan", "Library";
    Status => "Status", "Status";
    SubmittedAt => "Diajukan", "Submitted";
    ApprovedAt => "Disetujui", "Approved";
    By => "oleh {name}", "by {name}";
    CopiedFrom => "Disalin dari", "Copied from";
    CopiedLink => "rencana kerja tahun sebelumnya", "the previous year's plan";
    BudgetTotal => "Anggaran seluruh kegiatan", "Budget of all activities";
    LateBadge => "Terlambat", "Late";
    Edit => "Ubah rencana kerja", "Edit the work plan";
    Submit => "Ajukan untuk ditinjau", "Submit for review";
    SubmitHint => "Setelah diajukan, rencana tidak bisa diubah kecuali peninjau meminta revisi.", "Once submitted, the plan cannot be changed unless a reviewer asks for a revision.";
    Potential => "Peta potensi desa", "Map of local potential";
    Goals => "Tujuan", "Goals";
    ActivitiesN => "Kegiatan ({n})", "Activities ({n})";
    NoActivities => "Belum ada kegiatan.", "No activities yet.";
    Target => "Sasaran", "Target group";
    Schedule => "Jadwal", "Schedule";
    Place => "Tempat", "Place";
    Partners => "Mitra", "Partners";
    Resources => "Sumber daya", "Resources";
    Budget => "Anggaran", "Budget";
    Targets => "Target terukur", "Measurable targets";
    Reports => "Laporan kegiatan yang membuktikannya", "Activity reports that prove it";
    NoReports => "Belum ada laporan kegiatan yang ditautkan.", "No activity report is linked yet.";
    ParticipantsN => "{n} peserta", "{n} participants";
    UpdateProgress => "Perbarui kemajuan", "Update progress";
    ReviewerComments => "Catatan peninjau", "Reviewer's comments";
    RevisionTitle => "Revisi diminta", "Revision requested";
    RevisionBy => "Oleh {name} ({role}), {when}", "By {name} ({role}), {when}";
    RevisionFix => "Perbaiki rencana kerja", "Revise the work plan";
    OnActivity => "Kegiatan {n} — {name}", "Activity {n} — {name}";
    ReviewTitle => "Tinjauan", "Review";
    ReviewLead => "Tulis catatan untuk seluruh rencana di sini dan, bila perlu, catatan untuk satu kegiatan di kotak di bawah kegiatan itu. Lalu pilih keputusan.", "Write a comment on the whole plan here and, where needed, a comment on one activity in the box under that activity. Then choose your decision.";
    ReviewIntro => "Rencana ini menunggu tinjauan Anda. Kotak catatan ada di bawah setiap kegiatan; keputusan ada di akhir halaman.", "This plan is waiting for your review. There is a comment box under each activity; the decision is at the end of the page.";
    GoReview => "Ke formulir tinjauan", "Go to the review form";
    Approve => "Setujui", "Approve";
    RequestRevision => "Minta revisi", "Request a revision";
    History => "Riwayat", "History";
    HistoryCaption => "Setiap langkah rencana kerja ini", "Every step of this work plan";
    When => "Waktu", "When";
    Who => "Oleh", "By";
    What => "Langkah", "Step";
    Comment => "Catatan", "Comment";
    EditTitle => "Ubah: {title}", "Edit: {title}";
    SaveDraft => "Simpan draf", "Save draft";
    SaveSubmit => "Simpan dan ajukan", "Save and submit";
    AddRow => "Tambah kegiatan", "Add an activity";
    RemoveRow => "Hapus kegiatan {n}", "Remove activity {n}";
    RowLegend => "Kegiatan {n}", "Activity {n}";
    RowsHint => "Isi satu kegiatan per kotak. Kotak yang dibiarkan kosong tidak disimpan.", "One activity per box. Boxes left empty are not saved.";
    PotentialLead => "Petakan apa yang dimiliki desa: orang, alam, lembaga dan ekonomi. Rencana yang baik berangkat dari potensi ini.", "Map what the village has: people, nature, institutions and economy. A good plan starts from these.";
    PeopleHint => "Tokoh, kelompok dan keterampilan warga: PKK, Karang Taruna, kelompok tani, guru…", "Figures, groups and skills: PKK, Karang Taruna, farmers' groups, teachers…";
    NatureHint => "Lahan, hasil bumi, air, hutan, wisata alam…", "Land, crops, water, forest, nature tourism…";
    InstitutionsHint => "Sekolah, Posyandu, Puskesmas, BUMDes, rumah ibadah…", "Schools, Posyandu, Puskesmas, BUMDes, places of worship…";
    EconomyHint => "Pertanian, kerajinan, UMKM, pasar desa…", "Farming, crafts, small businesses, the village market…";
    GoalsHint => "Apa yang ingin dicapai tahun ini, sebaiknya terukur.", "What you want to achieve this year, measurable if possible.";
    DateHint => "TTTT-BB-HH atau HH-BB-TTTT", "YYYY-MM-DD or DD-MM-YYYY";
    BudgetHint => "Rupiah, misalnya 1.500.000", "Rupiah, e.g. 1,500,000";
    TargetsHint => "Misalnya: 30 peserta, 15 di antaranya perempuan; 2 produk baru.", "For example: 30 participants, 15 of them women; 2 new products.";
    Incomplete => "Rencana belum lengkap untuk diajukan. Lengkapi isian yang disebut di atas, lalu ajukan lagi. Anda juga dapat menyimpannya sebagai draf.", "The plan is not complete enough to submit. Complete the fields listed above and submit again. You can also save it as a draft.";
    Conflict => "Rencana kerja ini baru saja diubah orang lain. Isian Anda masih ada di formulir; periksa, lalu simpan untuk menimpa versi terbaru — atau batalkan untuk melihatnya.", "Someone else just changed this work plan. Your entries are still in the form; check them, then save to replace the latest version — or cancel to see it.";
    NotEditable => "Rencana kerja ini sedang ditinjau atau sudah disetujui, jadi tidak dapat diubah.", "This work plan is under review or approved, so it cannot be changed.";
    TooManyRows => "Paling banyak {n} kegiatan per rencana.", "At most {n} activities per plan.";
    Note => "Catatan (tidak wajib)", "Note (optional)";
    NoteHint => "Misalnya jumlah peserta atau alasan pembatalan.", "For example the number of participants or why it was cancelled.";
});

fn frame<'a>(lang: Lang, user: &'a CurrentUser) -> Frame<'a> {
    Frame {
        lang,
        user: Some(user),
        path: "/workplans",
    }
}

fn with_status(m: Markup, status: StatusCode) -> Response {
    let mut res = m.into_response();
    *res.status_mut() = status;
    res
}

fn form_pairs(
    pairs: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Vec<(String, String)>, WebError> {
    pairs
        .map(|Form(p)| p)
        .map_err(|e| WebError::BadRequest(e.body_text()))
}

fn param<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn date(d: chrono::NaiveDate) -> Markup {
    html! { time datetime=(d.format("%Y-%m-%d").to_string()) { (d.format("%d-%m-%Y").to_string()) } }
}

/// A UTC time as the library's wall-clock time, with its zone.
fn local_time(t: NaiveDateTime, plan_region: &lentera_core::regions::RegionCode) -> Markup {
    let tz = TimeZone::of_region(plan_region);
    let l = tz.local(t);
    html! {
        time datetime=(format!("{}Z", t.format("%Y-%m-%dT%H:%M:%S"))) {
            (l.format("%d-%m-%Y %H:%M").to_string()) " " (tz.abbrev())
        }
    }
}

fn status_tag(s: PlanStatus, lang: Lang) -> Markup {
    html! { span class={ "tag wp-status wp-" (s.key()) } { (status_label(s, lang)) } }
}

fn late_tag(lang: Lang) -> Markup {
    html! { " " strong.tag.wp-late { (P::LateBadge.get(lang)) } }
}

/// Multi-line text as paragraphs.
fn paragraphs(s: &str) -> Markup {
    html! {
        @for line in s.lines().filter(|l| !l.trim().is_empty()) { p.wp-text { (line) } }
    }
}

fn dash_or(v: Option<&str>) -> Markup {
    match v {
        Some(s) => paragraphs(s),
        None => html! { "—" },
    }
}

/// A long text field with a hint: label, hint, error, textarea.
fn long_text(
    name: &'static str,
    value: &str,
    hint: &str,
    lang: Lang,
    errors: &Invalid,
    form: Option<&str>,
) -> Markup {
    let err = errors.for_field(name);
    let described = match err {
        Some(_) => format!("h-{name} e-{name}"),
        None => format!("h-{name}"),
    };
    html! {
        div.field.has-error[err.is_some()] {
            label for={ "f-" (name) } {
                (field_label(name, lang)) " " span.optional { (Msg::Optional.get(lang)) }
            }
            p.hint id={ "h-" (name) } { (hint) }
            @if let Some(e) = err {
                p.error-message id={ "e-" (name) } { (problem_sentence(e.field, &e.problem, lang)) }
            }
            textarea id={ "f-" (name) } name=(name) rows="3" form=[form]
                aria-invalid=[err.map(|_| "true")] aria-describedby=(described) { (value) }
        }
    }
}

// --------------------------------------------------------------------- list

pub(in crate::workplans) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let notice_text = match param(&pairs, "settings") {
        "1" => Some(P::SettingsSaved.get(lang)),
        _ => None,
    };
    if let Some(lib) = user.actor.own_library()
        && param(&pairs, "library").is_empty()
    {
        return own_list(&state, &user, lang, lib).await;
    }
    let filters = Filters::from_pairs(&pairs);
    let (q, filter_errors) = match filters.query(user.actor.reach(), 50) {
        Ok(q) => (q, Invalid::default()),
        Err(e) => (Filters::default().query(user.actor.reach(), 50)?, e),
    };
    let reviewer = matches!(user.actor.role, Role::Facilitator | Role::District);
    let national = user.actor.role == Role::National;
    let reach = user.actor.reach();
    let year = q.year;
    let q2 = q.clone();
    let (page_, counts, waiting, missing, default_due) = state
        .run(move |c| {
            let page_ = store::list(c, &q2)?;
            let counts = store::counts(c, &q2)?;
            let waiting = if reviewer {
                let mut w = lentera_store::workplans::PlanQuery::new(reach.clone(), q2.today);
                w.status = Some(PlanStatus::Submitted);
                w.per_page = 50;
                Some(store::list(c, &w)?)
            } else {
                None
            };
            let missing = match year {
                Some(y) => Some(store::missing(c, &reach, y)?),
                None => None,
            };
            let default_due = store::default_due(c)?;
            Ok((page_, counts, waiting, missing, default_due))
        })
        .await?;
    let fr = frame(lang, &user);
    let qs = filters.query_string();
    let status_link = |s: &str| {
        let mut f = filters.clone();
        f.status = s.to_string();
        f.page = String::new();
        format!("/workplans?{}", f.query_string())
    };
    let body = html! {
        (error_summary(&filter_errors, lang))
        @if let Some(n) = notice_text { (notice(n)) }
        @if let Some(w) = &waiting {
            section aria-labelledby="wp-waiting" {
                h2 #wp-waiting { (P::Waiting.get(lang)) " (" (w.total) ")" }
                @if w.items.is_empty() {
                    p { (P::WaitingNone.get(lang)) }
                } @else {
                    (plan_table(&w.items, P::WaitingCaption.get(lang), lang, true))
                }
            }
        }
        section aria-labelledby="wp-counts" {
            h2 #wp-counts { (P::Counts.get(lang)) }
            div.table-wrap {
                table.wp-counts {
                    caption { (P::CountsCaption.get(lang)) }
                    thead { tr { th scope="col" { (P::Status.get(lang)) } th scope="col" { (P::Count.get(lang)) } } }
                    tbody {
                        @for (s, n) in &counts.by_status {
                            tr {
                                th scope="row" { a href=(status_link(s.key())) { (status_label(*s, lang)) } }
                                td { (n) }
                            }
                        }
                        tr {
                            th scope="row" {
                                a href={ "/workplans?" (qs) (if qs.is_empty() { "" } else { "&" }) "late=ya" } { (P::LateCount.get(lang)) }
                            }
                            td { (counts.late) }
                        }
                        @if let (Some(m), Some(y)) = (&missing, year) {
                            tr {
                                th scope="row" { (P::MissingCount.get(lang).replace("{y}", &y.to_string())) }
                                td { (m.iter().map(|x| x.kinds.len()).sum::<usize>()) }
                            }
                        }
                    }
                    tfoot { tr { th scope="row" { (P::Total.get(lang)) } td { (counts.total) } } }
                }
            }
            @match &missing {
                Some(m) if !m.is_empty() => {
                    details.wp-missing {
                        summary { (P::MissingList.get(lang)) " (" (m.len()) ")" }
                        p.hint { (P::MissingHint.get(lang)) }
                        ul {
                            @for x in m.iter().take(200) {
                                li {
                                    a href={ "/libraries/" (x.library_id) } { (x.library_name) } ": "
                                    (x.kinds.iter().map(|k| kind_label(*k, lang)).collect::<Vec<_>>().join(", "))
                                }
                            }
                        }
                    }
                }
                Some(_) => {}
                None => { p.hint { (P::MissingPickYear.get(lang)) } }
            }
        }
        form.filters method="get" action="/workplans" aria-labelledby="wp-filter" {
            h2 #wp-filter .visually-hidden { (P::FilterTitle.get(lang)) }
            (input(Field::text("plan_year", &filters.year).kind("number"), lang, &filter_errors))
            (select("plan_status", &filters.status, &status_options(lang), false, lang, &filter_errors))
            (select("plan_kind", &filters.kind, &kind_options(lang), false, lang, &filter_errors))
            @if user.actor.role.is_officer() {
                (region_input(RegionInput {
                    name: "region",
                    value: &filters.region,
                    level: None,
                    within: reach_region(Some(&user)),
                    path_label: None,
                    required: false,
                    hint: "",
                }, lang, &filter_errors))
            }
            (checkbox("late", !filters.late.is_empty() && lentera_core::field::flag(&filters.late).unwrap_or(false), lang))
            @if !filters.library.is_empty() { input type="hidden" name="library" value=(filters.library); }
            div.actions {
                button type="submit" { (P::Filter.get(lang)) }
                a href="/workplans" { (P::ClearFilters.get(lang)) }
            }
        }
        p aria-live="polite" { (Msg::Results.get(lang).replace("{n}", &page_.total.to_string())) }
        @if page_.items.is_empty() {
            p { (Msg::NoResults.get(lang)) }
        } @else {
            (plan_table(&page_.items, P::ListCaption.get(lang), lang, true))
        }
        (pager("/workplans", &filters.pairs(), page_.page, page_.pages(), lang))
        p {
            (P::ExportLead.get(lang)) " "
            a href={ "/workplans/export?format=csv" (if qs.is_empty() { String::new() } else { format!("&{qs}") }) } { "CSV" } " · "
            a href={ "/workplans/export?format=xlsx" (if qs.is_empty() { String::new() } else { format!("&{qs}") }) } { "Excel (XLSX)" }
        }
        @if national {
            section aria-labelledby="wp-settings" {
                h2 #wp-settings { (P::Settings.get(lang)) }
                p { (P::SettingsLead.get(lang)) }
                form method="post" action="/workplans/settings" {
                    (csrf_field(&fr))
                    (input(Field::text("default_due", &default_due.key()).required().hint(P::SettingsHint.get(lang)), lang, &Invalid::default()))
                    div.actions { button type="submit" { (Msg::Save.get(lang)) } }
                }
            }
        }
    };
    let status = if filter_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(with_status(page(&fr, P::Title.get(lang), body), status))
}

fn plan_table(items: &[PlanSummary], caption: &str, lang: Lang, with_library: bool) -> Markup {
    html! {
        div.table-wrap {
            table.wp-list {
                caption { (caption) }
                thead {
                    tr {
                        @if with_library { th scope="col" { (P::Library.get(lang)) } }
                        th scope="col" { (P::Year.get(lang)) }
                        th scope="col" { (P::Strategy.get(lang)) }
                        th scope="col" { (P::Status.get(lang)) }
                        th scope="col" { (P::Due.get(lang)) }
                        th scope="col" { (P::Activities.get(lang)) }
                    }
                }
                tbody {
                    @for p in items {
                        tr {
                            @if with_library { td { (p.library_name) } }
                            td { (p.year) }
                            th scope="row" { a href={ "/workplans/" (p.id) } { (kind_label(p.kind, lang)) } }
                            td { (status_tag(p.status, lang)) @if p.late { (late_tag(lang)) } }
                            td { @if let Some(d) = p.due_date { (date(d)) } @else { "—" } }
                            td { (P::DoneOf.get(lang).replace("{d}", &p.activities_done.to_string()).replace("{n}", &p.activities.to_string())) }
                        }
                    }
                }
            }
        }
    }
}

/// A library's own view: its three plans per year, with the "new plan" form.
async fn own_list(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    lib: lentera_core::ids::LibraryId,
) -> Result<Response, WebError> {
    let today = today();
    let (plans, expected) = state
        .run(move |c| {
            Ok((
                store::of_library(c, lib, today)?,
                store::expected_years(c, lib, lentera_core::workplans::FIRST_YEAR)?,
            ))
        })
        .await?;
    let mut years: Vec<i32> = plans.iter().map(|p| p.year).collect();
    years.extend(expected.iter().map(|(y, _)| *y));
    years.push(this_year());
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let fr = frame(lang, user);
    let body = html! {
        p.lead { (P::OwnLead.get(lang)) }
        @for y in &years {
            @let due = expected.iter().find(|(ey, _)| ey == y).map(|(_, d)| *d);
            div.table-wrap {
                table.wp-list {
                    caption { (P::YearCaption.get(lang).replace("{y}", &y.to_string())) }
                    thead {
                        tr {
                            th scope="col" { (P::Strategy.get(lang)) }
                            th scope="col" { (P::Status.get(lang)) }
                            th scope="col" { (P::Due.get(lang)) }
                            th scope="col" { (P::Activities.get(lang)) }
                        }
                    }
                    tbody {
                        @for k in PlanKind::ALL {
                            @let p = plans.iter().find(|p| p.year == *y && p.kind == *k);
                            tr {
                                @match p {
                                    Some(p) => {
                                        th scope="row" { a href={ "/workplans/" (p.id) } { (kind_label(*k, lang)) } }
                                        td { (status_tag(p.status, lang)) @if p.late { (late_tag(lang)) } }
                                        td { @if let Some(d) = p.due_date { (date(d)) } @else { "—" } }
                                        td { (P::DoneOf.get(lang).replace("{d}", &p.activities_done.to_string()).replace("{n}", &p.activities.to_string())) }
                                    }
                                    None => {
                                        th scope="row" { (kind_label(*k, lang)) }
                                        td {
                                            (P::NotStarted.get(lang))
                                            @if due.is_some_and(|d| today > d) { (late_tag(lang)) }
                                            " · "
                                            a href={ "/workplans/new?plan_kind=" (k.key()) "&plan_year=" (y) } {
                                                (P::Write.get(lang)) span.visually-hidden { ": " (kind_label(*k, lang)) " " (y) }
                                            }
                                        }
                                        td { @if let Some(d) = due { (date(d)) } @else { "—" } }
                                        td { "—" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (P::NewTitle.get(lang)) }
        (new_plan_form(&fr, &NewPlanForm {
            plan_year: this_year().to_string(),
            ..Default::default()
        }, &Invalid::default(), lang))
    };
    Ok(page(&fr, P::OwnTitle.get(lang), body).into_response())
}

fn new_plan_form(fr: &Frame<'_>, f: &NewPlanForm, errors: &Invalid, lang: Lang) -> Markup {
    let copy = lentera_core::field::flag(&f.copy_last_year).unwrap_or(false);
    html! {
        form method="post" action="/workplans" novalidate {
            (csrf_field(fr))
            p { (P::NewLead.get(lang)) }
            (select("plan_kind", &f.plan_kind, &kind_options(lang), true, lang, errors))
            (input(Field::text("plan_year", &f.plan_year).kind("number").required(), lang, errors))
            div.has-error[errors.for_field("copy_last_year").is_some()] {
                @if let Some(e) = errors.for_field("copy_last_year") {
                    p.error-message id="e-copy_last_year" { (problem_sentence(e.field, &e.problem, lang)) }
                }
                (checkbox("copy_last_year", copy, lang))
                p.hint { (P::CopyHint.get(lang)) }
            }
            div.actions { button type="submit" { (P::Create.get(lang)) } }
        }
    }
}

// ----------------------------------------------------------- new and create

pub(in crate::workplans) async fn new_form(
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if user.actor.own_library().is_none() {
        return Err(WebError::Forbidden);
    }
    let fr = frame(lang, &user);
    let mut f = NewPlanForm {
        plan_kind: param(&pairs, "plan_kind").to_string(),
        plan_year: param(&pairs, "plan_year").to_string(),
        ..Default::default()
    };
    if f.plan_year.is_empty() {
        f.plan_year = this_year().to_string();
    }
    Ok(page(
        &fr,
        P::NewTitle.get(lang),
        new_plan_form(&fr, &f, &Invalid::default(), lang),
    )
    .into_response())
}

pub(in crate::workplans) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let Some(lib) = user.actor.own_library() else {
        return Err(WebError::Forbidden);
    };
    let pairs = form_pairs(form)?;
    let f = NewPlanForm {
        plan_kind: param(&pairs, "plan_kind").to_string(),
        plan_year: param(&pairs, "plan_year").to_string(),
        copy_last_year: param(&pairs, "copy_last_year").to_string(),
    };
    let fr = frame(lang, &user);
    let rerender = |errors: Invalid| {
        with_status(
            page(
                &fr,
                P::NewTitle.get(lang),
                html! { (error_summary(&errors, lang)) (new_plan_form(&fr, &f, &errors, lang)) },
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let new = match NewPlan::parse(&f, this_year()) {
        Ok(n) => n,
        Err(e) => return Ok(rerender(e)),
    };
    let w = who(&user);
    let created = state
        .run(move |c| {
            let library = lentera_store::libraries::get(c, lib)?;
            let village = library.details.village_code.clone();
            Ok(store::create(
                c,
                &w,
                &store::PlanAt {
                    library: lib,
                    village: &village,
                },
                &new,
                None,
                lentera_store::now(),
            ))
        })
        .await?;
    match created {
        Ok(p) => Ok(Redirect::to(&format!("/workplans/{}/edit?created=1", p.id)).into_response()),
        Err(StoreError::Invalid(e)) => Ok(rerender(e)),
        Err(e) => Err(e.into()),
    }
}

// --------------------------------------------------------------- plan page

/// What the user typed on the plan page when a review or progress form
/// came back with errors.
#[derive(Default)]
struct Typed {
    errors: Invalid,
    review: Option<ReviewForm>,
    progress: Option<(String, String, String)>,
    notice: Option<&'static str>,
}

pub(in crate::workplans) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let plan = load_visible(&state, &user, &id).await?;
    let ex = extras(&state, &plan.id).await?;
    let notice = [
        ("saved", "1", P::Saved),
        ("submitted", "1", P::Submitted),
        ("reviewed", "approve", P::Approved),
        ("reviewed", "revision", P::RevisionSent),
        ("progress", "1", P::ProgressSaved),
    ]
    .iter()
    .find(|(k, v, _)| param(&pairs, k) == *v)
    .map(|(_, _, m)| m.get(lang));
    Ok(render_show(
        &user,
        lang,
        &plan,
        &ex,
        &Typed {
            notice,
            ..Default::default()
        },
    )
    .into_response())
}

fn render_show(
    user: &CurrentUser,
    lang: Lang,
    plan: &Workplan,
    ex: &Extras,
    typed: &Typed,
) -> Markup {
    let fr = frame(lang, user);
    let editor = may_edit(&user.actor, plan.library_id);
    let reviewing = may_review(&user.actor, &plan.place()) && plan.status == PlanStatus::Submitted;
    let progressing = editor && plan.status == PlanStatus::Approved;
    let (request, request_comments) = open_requests(plan, &ex.history);
    let activity_name = |aid: &str| {
        plan.activities.iter().position(|a| a.id == aid).map(|i| {
            P::OnActivity
                .get(lang)
                .replace("{n}", &(i + 1).to_string())
                .replace("{name}", &plan.activities[i].details.name)
        })
    };
    let review_form = typed.review.clone().unwrap_or_default();
    let body = html! {
        (error_summary(&typed.errors, lang))
        @if let Some(n) = typed.notice { (notice(n)) }
        @if let Some(r) = &request {
            section.warn.wp-request aria-labelledby="wp-request" {
                h2 #wp-request { (P::RevisionTitle.get(lang)) }
                p {
                    (P::RevisionBy.get(lang)
                        .replace("{name}", &r.actor_name)
                        .replace("{role}", &role_name(&r.actor_role, lang))
                        .replace("{when}", &TimeZone::of_region(&plan.region_code).local(r.at).format("%d-%m-%Y %H:%M").to_string()))
                }
                @if let Some(c) = &r.comment { blockquote { (paragraphs(c)) } }
                @if !request_comments.is_empty() {
                    ul {
                        @for c in &request_comments {
                            li {
                                strong { (c.activity_id.as_deref().and_then(activity_name).unwrap_or_default()) } ": "
                                (c.comment.as_deref().unwrap_or(""))
                            }
                        }
                    }
                }
                @if editor { p { a.button href={ "/workplans/" (plan.id) "/edit" } { (P::RevisionFix.get(lang)) } } }
            }
        }
        @if reviewing {
            p.notice { (P::ReviewIntro.get(lang)) " " a href="#wp-review-h" { (P::GoReview.get(lang)) } }
        }
        dl.summary {
            dt { (P::Library2.get(lang)) } dd { a href={ "/libraries/" (plan.library_id) } { (plan.library_name) } }
            dt { (P::Year.get(lang)) } dd { (plan.year) }
            dt { (P::Strategy.get(lang)) } dd { (kind_label(plan.kind, lang)) }
            dt { (P::Status.get(lang)) } dd { (status_tag(plan.status, lang)) @if plan.is_late(today()) { (late_tag(lang)) } }
            dt { (P::Due.get(lang)) } dd { @if let Some(d) = plan.due_date { (date(d)) } @else { "—" } }
            @if let Some(t) = plan.submitted_at {
                dt { (P::SubmittedAt.get(lang)) } dd { (local_time(t, &plan.region_code)) }
            }
            @if let Some(t) = plan.approved_at {
                dt { (P::ApprovedAt.get(lang)) }
                dd {
                    (local_time(t, &plan.region_code))
                    @if let Some(r) = ex.history.iter().rev().find(|r| r.action == ReviewAction::Approved) {
                        " " (P::By.get(lang).replace("{name}", &r.actor_name)) " (" (role_name(&r.actor_role, lang)) ")"
                    }
                }
            }
            @if let Some(c) = &plan.copied_from {
                dt { (P::CopiedFrom.get(lang)) } dd { a href={ "/workplans/" (c) } { (P::CopiedLink.get(lang)) } }
            }
            dt { (P::BudgetTotal.get(lang)) } dd { (rupiah(plan.activities.iter().filter_map(|a| a.details.budget).sum(), lang)) }
        }
        @if editor && plan.status.editable() {
            div.actions {
                a.button.secondary href={ "/workplans/" (plan.id) "/edit" } { (P::Edit.get(lang)) }
                form method="post" action={ "/workplans/" (plan.id) "/submit" } .inline {
                    (csrf_field(&fr))
                    input type="hidden" name="version" value=(plan.version);
                    button type="submit" aria-describedby="wp-submit-hint" { (P::Submit.get(lang)) }
                }
            }
            p.hint #wp-submit-hint { (P::SubmitHint.get(lang)) }
        }
        h2 { (P::Potential.get(lang)) }
        dl.summary.wp-potential {
            dt { (field_label("potential_people", lang)) } dd { (dash_or(plan.potential.people.as_deref())) }
            dt { (field_label("potential_nature", lang)) } dd { (dash_or(plan.potential.nature.as_deref())) }
            dt { (field_label("potential_institutions", lang)) } dd { (dash_or(plan.potential.institutions.as_deref())) }
            dt { (field_label("potential_economy", lang)) } dd { (dash_or(plan.potential.economy.as_deref())) }
        }
        h2 { (P::Goals.get(lang)) }
        (dash_or(plan.goals.as_deref()))
        h2 { (P::ActivitiesN.get(lang).replace("{n}", &plan.activities.len().to_string())) }
        @if plan.activities.is_empty() { p { (P::NoActivities.get(lang)) } }
        @for (i, a) in plan.activities.iter().enumerate() {
            @let d = &a.details;
            @let reports: Vec<_> = ex.reports.iter().filter(|r| r.activity_id == a.id).collect();
            @let comments: Vec<_> = ex.history.iter().filter(|r| r.action == ReviewAction::Comment && r.activity_id.as_deref() == Some(a.id.as_str())).collect();
            section.wp-activity id={ "a-" (a.id) } aria-labelledby={ "ah-" (a.id) } {
                h3 id={ "ah-" (a.id) } { (i + 1) ". " (d.name) " " span class={ "tag wp-progress wp-" (a.progress.key()) } { (progress_label(a.progress, lang)) } }
                dl.summary {
                    dt { (P::Target.get(lang)) } dd { (d.target_group.as_deref().unwrap_or("—")) }
                    dt { (P::Schedule.get(lang)) }
                    dd {
                        @match (d.starts_on, d.ends_on) {
                            (Some(s), Some(e)) if s == e => { (date(s)) }
                            (Some(s), Some(e)) => { (date(s)) " – " (date(e)) }
                            (Some(s), None) => { (date(s)) }
                            (None, Some(e)) => { "– " (date(e)) }
                            (None, None) => { "—" }
                        }
                    }
                    dt { (P::Place.get(lang)) } dd { (d.place.as_deref().unwrap_or("—")) }
                    dt { (P::Partners.get(lang)) } dd { (d.partners.as_deref().unwrap_or("—")) }
                    dt { (P::Resources.get(lang)) } dd { (d.resources.as_deref().unwrap_or("—")) }
                    dt { (P::Budget.get(lang)) }
                    dd {
                        @if let Some(b) = d.budget { (rupiah(b, lang)) } @else { "—" }
                        @if let Some(s) = d.budget_source { " (" (source_label(s, lang)) ")" }
                    }
                    dt { (P::Targets.get(lang)) } dd { (dash_or(d.targets.as_deref())) }
                }
                @if !comments.is_empty() {
                    h4 { (P::ReviewerComments.get(lang)) }
                    ul.wp-comments {
                        @for c in &comments {
                            li { (c.comment.as_deref().unwrap_or("")) " — " (c.actor_name) ", " (local_time(c.at, &plan.region_code)) }
                        }
                    }
                }
                h4 { (P::Reports.get(lang)) }
                @if reports.is_empty() {
                    p.hint { (P::NoReports.get(lang)) }
                } @else {
                    ul {
                        @for r in &reports {
                            li {
                                a href={ "/activities/" (r.report_id) } { (r.title) } " — " (date(r.held_on)) ", "
                                (P::ParticipantsN.get(lang).replace("{n}", &r.participants.to_string()))
                            }
                        }
                    }
                }
                @if progressing {
                    @let typed_p = typed.progress.as_ref().filter(|(aid, _, _)| *aid == a.id);
                    @let no_errors = Invalid::default();
                    @let errs = if typed_p.is_some() { &typed.errors } else { &no_errors };
                    form.wp-progress-form method="post" action={ "/workplans/" (plan.id) "/activities/" (a.id) "/progress" } {
                        (csrf_field(&fr))
                        (progress_fields(a.progress, typed_p, i, lang, errs))
                        button.secondary type="submit" { (P::UpdateProgress.get(lang)) span.visually-hidden { ": " (d.name) } }
                    }
                }
                @if reviewing {
                    (long_text(activity_key(i, "comment"), review_form.activity_comments.get(i).map(String::as_str).unwrap_or(""),
                        P::ReviewerComments.get(lang), lang, &typed.errors, Some("wp-review")))
                }
            }
        }
        @if reviewing {
            section aria-labelledby="wp-review-h" {
                h2 #wp-review-h { (P::ReviewTitle.get(lang)) }
                p { (P::ReviewLead.get(lang)) }
                form #wp-review method="post" action={ "/workplans/" (plan.id) "/review" } novalidate {
                    (csrf_field(&fr))
                    input type="hidden" name="version" value=(plan.version);
                    (textarea("review_comment", &review_form.review_comment, lang, &typed.errors))
                    div.actions {
                        button.secondary type="submit" name="decision" value="request_revision" { (P::RequestRevision.get(lang)) }
                        button type="submit" name="decision" value="approve" { (P::Approve.get(lang)) }
                    }
                }
            }
        }
        section aria-labelledby="wp-history" {
            h2 #wp-history { (P::History.get(lang)) }
            div.table-wrap {
                table.wp-history {
                    caption { (P::HistoryCaption.get(lang)) }
                    thead {
                        tr {
                            th scope="col" { (P::When.get(lang)) }
                            th scope="col" { (P::Who.get(lang)) }
                            th scope="col" { (P::What.get(lang)) }
                            th scope="col" { (P::Comment.get(lang)) }
                        }
                    }
                    tbody {
                        @for r in ex.history.iter().rev() {
                            tr {
                                td { (local_time(r.at, &plan.region_code)) }
                                td { (r.actor_name) " (" (role_name(&r.actor_role, lang)) ")" }
                                td { (super::action_label(r.action, lang)) }
                                td {
                                    @if let Some(n) = r.activity_id.as_deref().and_then(activity_name) { strong { (n) } ": " }
                                    @if r.action == ReviewAction::Progress {
                                        (progress_text(r.comment.as_deref().unwrap_or(""), lang))
                                    } @else {
                                        (r.comment.as_deref().unwrap_or(""))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    page(&fr, &plan.title, body)
}

/// A progress line as stored (`planned → done: note`, keys so the trail
/// reads the same in both languages) in the reader's words.
fn progress_text(stored: &str, lang: Lang) -> String {
    let (moves, note) = match stored.split_once(": ") {
        Some((m, n)) => (m, Some(n)),
        None => (stored, None),
    };
    match moves
        .split_once(" → ")
        .map(|(a, b)| (Progress::parse(a), Progress::parse(b)))
    {
        Some((Ok(a), Ok(b))) => format!(
            "{} → {}{}",
            progress_label(a, lang),
            progress_label(b, lang),
            note.map(|n| format!(": {n}")).unwrap_or_default()
        ),
        _ => stored.to_string(),
    }
}

fn role_name(key: &str, lang: Lang) -> String {
    Role::parse(key)
        .map(|r| crate::users::role_label(r, lang).to_string())
        .unwrap_or_else(|_| key.to_string())
}

fn progress_fields(
    current: Progress,
    typed: Option<&(String, String, String)>,
    row: usize,
    lang: Lang,
    errors: &Invalid,
) -> Markup {
    // Field ids must be unique on the page: one progress form per activity;
    // the row that came back with an error takes the plain ids the error
    // summary links to.
    let n = row + 1;
    let sel_id = match typed {
        Some(_) => "f-activity_progress".to_string(),
        None => format!("f-activity_progress-{n}"),
    };
    let note_id = match typed {
        Some(_) => "f-progress_note".to_string(),
        None => format!("f-progress_note-{n}"),
    };
    let value = typed
        .map(|t| t.1.clone())
        .unwrap_or_else(|| current.key().to_string());
    let note = typed.map(|t| t.2.clone()).unwrap_or_default();
    let err = errors.for_field("activity_progress");
    html! {
        div.wp-progress-fields {
            div.field.has-error[err.is_some()] {
                label for=(sel_id) { (field_label("activity_progress", lang)) }
                @if let Some(e) = err {
                    p.error-message { (problem_sentence(e.field, &e.problem, lang)) }
                }
                select id=(sel_id) name="activity_progress" {
                    @for (k, l) in progress_options(lang) {
                        option value=(k) selected[k == value] { (l) }
                    }
                }
            }
            div.field {
                label for=(note_id) { (P::Note.get(lang)) }
                p.hint id={ "h-progress_note-" (n) } { (P::NoteHint.get(lang)) }
                input id=(note_id) name="progress_note" type="text" value=(note)
                    aria-describedby={ "h-progress_note-" (n) };
            }
        }
    }
}

// ------------------------------------------------------------------- edit

fn row_fields(i: usize, a: &ActivityForm, lang: Lang, errors: &Invalid) -> Markup {
    let k = |f: &str| activity_key(i, f);
    let n = i + 1;
    html! {
        fieldset.wp-row id={ "row-" (n) } {
            legend { h3 { (P::RowLegend.get(lang).replace("{n}", &n.to_string())) } }
            input type="hidden" name=(k("id")) value=(a.id);
            (input(Field::text(k("name"), &a.name).required(), lang, errors))
            (input(Field::text(k("target_group"), &a.target_group), lang, errors))
            div.wp-dates {
                (input(Field::text(k("starts_on"), &a.starts_on).kind("date").hint(P::DateHint.get(lang)), lang, errors))
                (input(Field::text(k("ends_on"), &a.ends_on).kind("date").hint(P::DateHint.get(lang)), lang, errors))
            }
            (input(Field::text(k("place"), &a.place), lang, errors))
            (input(Field::text(k("partners"), &a.partners), lang, errors))
            (input(Field::text(k("resources"), &a.resources), lang, errors))
            div.wp-budget {
                (input(Field::text(k("budget"), &a.budget).hint(P::BudgetHint.get(lang)), lang, errors))
                (select(k("budget_source"), &a.budget_source, &source_options(lang), false, lang, errors))
            }
            (long_text(k("targets"), &a.targets, P::TargetsHint.get(lang), lang, errors, None))
            button.secondary.wp-remove type="submit" name="op" value={ "remove-" (n) } formnovalidate {
                (P::RemoveRow.get(lang).replace("{n}", &n.to_string()))
            }
        }
    }
}

/// What the edit page shows besides the form itself.
#[derive(Default)]
struct EditNotes {
    errors: Invalid,
    notice: Option<&'static str>,
    warning: Option<&'static str>,
}

fn render_edit(
    user: &CurrentUser,
    lang: Lang,
    plan: &Workplan,
    comments: &[(String, String)],
    form: &WorkplanForm,
    version: i32,
    notes: &EditNotes,
) -> Markup {
    let fr = frame(lang, user);
    let e = &notes.errors;
    let body = html! {
        (error_summary(e, lang))
        @if let Some(w) = notes.warning { div.warn role="alert" { (w) } }
        @if let Some(n) = notes.notice { (notice(n)) }
        p.lead { (plan.library_name) " · " (plan.year) " · " (kind_label(plan.kind, lang)) }
        form.wp-edit method="post" action={ "/workplans/" (plan.id) "/edit" } novalidate {
            (csrf_field(&fr))
            input type="hidden" name="version" value=(version);
            // First in the form, so Enter in any field saves (the browser's
            // default button) rather than removing a row.
            div.actions { button type="submit" name="op" value="save" { (P::SaveDraft.get(lang)) } }
            (input(Field::text("plan_title", &form.plan_title), lang, e))
            h2 { (P::Potential.get(lang)) }
            p { (P::PotentialLead.get(lang)) }
            (long_text("potential_people", &form.potential_people, P::PeopleHint.get(lang), lang, e, None))
            (long_text("potential_nature", &form.potential_nature, P::NatureHint.get(lang), lang, e, None))
            (long_text("potential_institutions", &form.potential_institutions, P::InstitutionsHint.get(lang), lang, e, None))
            (long_text("potential_economy", &form.potential_economy, P::EconomyHint.get(lang), lang, e, None))
            h2 { (P::Goals.get(lang)) }
            (long_text("goals", &form.goals, P::GoalsHint.get(lang), lang, e, None))
            h2 #f-activities tabindex="-1" { (P::Activities.get(lang)) }
            @if let Some(err) = e.for_field("activities") {
                p.error-message { (problem_sentence(err.field, &err.problem, lang)) }
            }
            p.hint { (P::RowsHint.get(lang)) }
            @for (i, a) in form.activities.iter().enumerate() {
                @let mine: Vec<&(String, String)> = comments.iter().filter(|(aid, _)| !a.id.is_empty() && *aid == a.id).collect();
                @if !mine.is_empty() {
                    div.warn.wp-row-comments {
                        strong { (P::ReviewerComments.get(lang)) ": " }
                        @for (_, c) in mine { (c) " " }
                    }
                }
                (row_fields(i, a, lang, e))
            }
            @if form.activities.len() < MAX_ACTIVITIES {
                div.actions { button.secondary type="submit" name="op" value="add" formnovalidate { (P::AddRow.get(lang)) } }
            } @else {
                p.hint { (P::TooManyRows.get(lang).replace("{n}", &MAX_ACTIVITIES.to_string())) }
            }
            div.actions {
                button type="submit" name="op" value="save" { (P::SaveDraft.get(lang)) }
                button type="submit" name="op" value="submit" { (P::SaveSubmit.get(lang)) }
                a href={ "/workplans/" (plan.id) } { (Msg::Cancel.get(lang)) }
            }
        }
    };
    page(
        &fr,
        &P::EditTitle.get(lang).replace("{title}", &plan.title),
        body,
    )
}

/// The comments of the open revision request, per activity id.
fn open_comments(plan: &Workplan, ex: &Extras) -> Vec<(String, String)> {
    let (main, per) = open_requests(plan, &ex.history);
    let _ = main;
    per.into_iter()
        .filter_map(|c| Some((c.activity_id?, c.comment?)))
        .collect()
}

/// The stored content as the form shows it, with one spare row.
fn stored_form(plan: &Workplan) -> WorkplanForm {
    let mut f = plan.draft().to_form(&plan.activity_ids());
    if f.activities.len() < MAX_ACTIVITIES {
        f.activities.push(ActivityForm::default());
    }
    f
}

pub(in crate::workplans) async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let plan = load_visible(&state, &user, &id).await?;
    require_editor(&user, &plan)?;
    if !plan.status.editable() {
        return Ok(Redirect::to(&format!("/workplans/{}", plan.id)).into_response());
    }
    let ex = extras(&state, &plan.id).await?;
    let notes = EditNotes {
        notice: (param(&pairs, "created") == "1").then(|| P::Created.get(lang)),
        ..Default::default()
    };
    Ok(render_edit(
        &user,
        lang,
        &plan,
        &open_comments(&plan, &ex),
        &stored_form(&plan),
        plan.version,
        &notes,
    )
    .into_response())
}

pub(in crate::workplans) async fn edit_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let plan = load_visible(&state, &user, &id).await?;
    require_editor(&user, &plan)?;
    let pairs = form_pairs(form)?;
    let ex = extras(&state, &plan.id).await?;
    let comments = open_comments(&plan, &ex);
    let mut f = WorkplanForm::from_pairs(&pairs);
    let version: i32 = param(&pairs, "version")
        .trim()
        .parse()
        .unwrap_or(plan.version);
    let op = param(&pairs, "op").to_string();
    let render = |f: &WorkplanForm, version: i32, notes: EditNotes, status: StatusCode| {
        with_status(
            render_edit(&user, lang, &plan, &comments, f, version, &notes),
            status,
        )
    };
    if !plan.status.editable() {
        return Ok(render(
            &f,
            version,
            EditNotes {
                errors: Invalid::one("plan_status", Problem::WrongStatus),
                warning: Some(P::NotEditable.get(lang)),
                ..Default::default()
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    if op == "add" {
        if f.activities.len() < MAX_ACTIVITIES {
            f.activities.push(ActivityForm::default());
        }
        return Ok(render(&f, version, EditNotes::default(), StatusCode::OK));
    }
    if let Some(n) = op
        .strip_prefix("remove-")
        .and_then(|n| n.parse::<usize>().ok())
    {
        if n >= 1 && n <= f.activities.len() {
            f.activities.remove(n - 1);
        }
        return Ok(render(&f, version, EditNotes::default(), StatusCode::OK));
    }
    let draft = match WorkplanDraft::parse(&f, plan.kind, plan.year) {
        Ok(d) => d,
        Err(e) => {
            return Ok(render(
                &f,
                version,
                EditNotes {
                    errors: e,
                    ..Default::default()
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let submitting = op == "submit";
    if submitting && let Err(e) = check_complete(&draft) {
        return Ok(render(
            &f,
            version,
            EditNotes {
                errors: e,
                warning: Some(P::Incomplete.get(lang)),
                ..Default::default()
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let w = who(&user);
    let pid = plan.id.clone();
    let saved = state
        .run(move |c| {
            let now = lentera_store::now();
            let saved = match store::update(c, &w, &pid, &draft, version, now) {
                Ok(p) => p,
                Err(e) => return Ok(Err(e)),
            };
            if submitting {
                return Ok(store::submit(c, &w, &pid, saved.version, now).map(|p| (p, true)));
            }
            Ok(Ok((saved, false)))
        })
        .await?;
    match saved {
        Ok((p, true)) => {
            Ok(Redirect::to(&format!("/workplans/{}?submitted=1", p.id)).into_response())
        }
        Ok((p, false)) => Ok(Redirect::to(&format!("/workplans/{}?saved=1", p.id)).into_response()),
        Err(StoreError::Conflict) => {
            let latest = {
                let id = plan.id.clone();
                state.run(move |c| Ok(store::get(c, &id)?)).await?
            };
            Ok(render(
                &f,
                latest.version,
                EditNotes {
                    warning: Some(P::Conflict.get(lang)),
                    ..Default::default()
                },
                StatusCode::CONFLICT,
            ))
        }
        Err(StoreError::Invalid(e)) => Ok(render(
            &f,
            version,
            EditNotes {
                errors: e,
                ..Default::default()
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------ workflow steps

pub(in crate::workplans) async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let plan = load_visible(&state, &user, &id).await?;
    require_editor(&user, &plan)?;
    let pairs = form_pairs(form)?;
    let version: i32 = param(&pairs, "version")
        .trim()
        .parse()
        .map_err(|_| Invalid::one("version", Problem::Required))?;
    let w = who(&user);
    let pid = plan.id.clone();
    let done = state
        .run(move |c| Ok(store::submit(c, &w, &pid, version, lentera_store::now())))
        .await?;
    match done {
        Ok(p) => Ok(Redirect::to(&format!("/workplans/{}?submitted=1", p.id)).into_response()),
        // Incomplete: the edit form, with every gap named.
        Err(StoreError::Invalid(e)) if plan.status.editable() => {
            let ex = extras(&state, &plan.id).await?;
            Ok(with_status(
                render_edit(
                    &user,
                    lang,
                    &plan,
                    &open_comments(&plan, &ex),
                    &stored_form(&plan),
                    plan.version,
                    &EditNotes {
                        errors: e,
                        warning: Some(P::Incomplete.get(lang)),
                        ..Default::default()
                    },
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub(in crate::workplans) async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let plan = load_visible(&state, &user, &id).await?;
    require_reviewer(&user, &plan)?;
    let pairs = form_pairs(form)?;
    let version: i32 = param(&pairs, "version")
        .trim()
        .parse()
        .map_err(|_| Invalid::one("version", Problem::Required))?;
    let typed = ReviewForm {
        decision: param(&pairs, "decision").to_string(),
        review_comment: param(&pairs, "review_comment").to_string(),
        activity_comments: (0..plan.activities.len())
            .map(|i| param(&pairs, activity_key(i, "comment")).to_string())
            .collect(),
    };
    let ex = extras(&state, &plan.id).await?;
    let rerender = |errors: Invalid| {
        with_status(
            render_show(
                &user,
                lang,
                &plan,
                &ex,
                &Typed {
                    errors,
                    review: Some(typed.clone()),
                    ..Default::default()
                },
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let draft = match ReviewDraft::parse(&typed) {
        Ok(d) => d,
        Err(e) => return Ok(rerender(e)),
    };
    let w = who(&user);
    let pid = plan.id.clone();
    let d2 = draft.clone();
    let done = state
        .run(move |c| {
            Ok(store::review(
                c,
                &w,
                &pid,
                &d2,
                version,
                lentera_store::now(),
            ))
        })
        .await?;
    match done {
        Ok(p) => {
            let what = match draft.decision {
                lentera_core::workplans::Decision::Approve => "approve",
                lentera_core::workplans::Decision::RequestRevision => "revision",
            };
            Ok(Redirect::to(&format!("/workplans/{}?reviewed={what}", p.id)).into_response())
        }
        Err(StoreError::Invalid(e)) => Ok(rerender(e)),
        Err(e) => Err(e.into()),
    }
}

pub(in crate::workplans) async fn progress(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path((id, activity)): Path<(String, String)>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let plan = load_visible(&state, &user, &id).await?;
    require_editor(&user, &plan)?;
    if !plan.activities.iter().any(|a| a.id == activity) {
        return Err(WebError::NotFound);
    }
    let pairs = form_pairs(form)?;
    let typed = (
        activity.clone(),
        param(&pairs, "activity_progress").to_string(),
        param(&pairs, "progress_note").to_string(),
    );
    let ex = extras(&state, &plan.id).await?;
    let rerender = |errors: Invalid| {
        with_status(
            render_show(
                &user,
                lang,
                &plan,
                &ex,
                &Typed {
                    errors,
                    progress: Some(typed.clone()),
                    ..Default::default()
                },
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let mut errors = Invalid::default();
    let to = match Progress::parse(&typed.1) {
        Ok(p) => Some(p),
        Err(p) => {
            errors.push("activity_progress", p);
            None
        }
    };
    let note = match optional_text(&typed.2, 500) {
        Ok(n) => Some(n),
        Err(p) => {
            errors.push("progress_note", p);
            None
        }
    };
    let (Some(to), Some(note)) = (to, note) else {
        return Ok(rerender(errors));
    };
    let w = who(&user);
    let pid = plan.id.clone();
    let aid = activity.clone();
    let done = state
        .run(move |c| {
            Ok(store::set_progress(
                c,
                &w,
                &pid,
                &aid,
                to,
                note.as_deref(),
                lentera_store::now(),
            ))
        })
        .await?;
    match done {
        Ok(p) => Ok(
            Redirect::to(&format!("/workplans/{}?progress=1#a-{activity}", p.id)).into_response(),
        ),
        Err(StoreError::Invalid(e)) => Ok(rerender(e)),
        Err(e) => Err(e.into()),
    }
}

pub(in crate::workplans) async fn settings(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    if user.actor.role != Role::National {
        return Err(WebError::Forbidden);
    }
    let pairs = form_pairs(form)?;
    let typed = param(&pairs, "default_due").to_string();
    match DefaultDue::parse(&typed) {
        Ok(due) => {
            let by = who(&user).by;
            state
                .run(move |c| Ok(store::set_default_due(c, &by, due)?))
                .await?;
            Ok(Redirect::to("/workplans?settings=1").into_response())
        }
        Err(p) => {
            let errors = Invalid::one("default_due", p);
            let fr = frame(lang, &user);
            Ok(with_status(
                page(
                    &fr,
                    P::Settings.get(lang),
                    html! {
                        (error_summary(&errors, lang))
                        p { (P::SettingsLead.get(lang)) }
                        form method="post" action="/workplans/settings" {
                            (csrf_field(&fr))
                            (input(Field::text("default_due", &typed).required().hint(P::SettingsHint.get(lang)), lang, &errors))
                            div.actions { button type="submit" { (Msg::Save.get(lang)) } }
                        }
                    },
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_lines_in_words() {
        assert_eq!(
            progress_text("planned → under_way: Sudah dimulai: 10 orang", Lang::Id),
            "Direncanakan → Sedang berjalan: Sudah dimulai: 10 orang"
        );
        assert_eq!(
            progress_text("under_way → done", Lang::En),
            "Under way → Done"
        );
        assert_eq!(progress_text("catatan lama", Lang::Id), "catatan lama");
    }
}

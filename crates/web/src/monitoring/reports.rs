//! `/reports`: monthly library reports — computed figures, manual entry and
//! the XLSX template, validation, submission and approval up the hierarchy.
//!
//! Pages: `/reports` (a library's months; an officer's queue and list),
//! `/reports/{library}/{yyyy-mm}` (figures with their checks, comments,
//! history and the actions the user may take), `…/figures` (typing figures
//! by hand), `…/template.xlsx` and `…/upload` (the spreadsheet way),
//! `…/export` (CSV/XLSX, manual figures marked), and `/reports/completeness`
//! (who reported, and on time, per region). `/api/v1/reports…` mirrors them.
//!
//! Reach first (a report outside it is 404), then the role (core's
//! `reports::may`, 403), then the stage, decided by the store inside its
//! transaction (422 `status`), then the version (409).

use crate::api::{JsonBody, json_object, scalar_text};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{Frame, TodoItem, csrf_field, error_summary, notice, page, pager, url_encode};
use crate::i18n::{Lang, Msg, problem_sentence};
use crate::session::L;
use crate::state::AppState;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use axum::{Form, Json, Router};
use chrono::{NaiveDate, NaiveDateTime};
use lentera_core::audit::ActorRef;
use lentera_core::field::{Invalid, Problem};
use lentera_core::ids::LibraryId;
use lentera_core::monitoring::reports::{
    self as core, ApprovalLevel, Dim, Element, EntryCell, Figures, Finding, ManualForm, Period,
    Severity, Stage, Status, Step, entry_cells,
};
use lentera_core::regions::RegionCode;
use lentera_core::users::{Place, Reach, Role};
use lentera_core::visits::TimeZone;
use lentera_store::DbConn;
use lentera_store::monitoring::reports::{
    self as store, Action, Completeness, LibraryRef, ReportQuery, ReportView, Saved, TemplateIssue,
    Who,
};
use lentera_tabular::{Cell, Format, TableWriter};
use maud::{Markup, html};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(index))
        .route("/reports/completeness", get(completeness_page))
        .route("/reports/deadline", post(deadline_page))
        .route("/reports/{library}/{period}", get(show))
        .route(
            "/reports/{library}/{period}/figures",
            get(figures_form).post(figures_save),
        )
        .route("/reports/{library}/{period}/template.xlsx", get(template))
        .route("/reports/{library}/{period}/upload", post(upload))
        .route("/reports/{library}/{period}/export", get(export))
        .route("/reports/{library}/{period}/submit", post(submit_page))
        .route("/reports/{library}/{period}/withdraw", post(withdraw_page))
        .route("/reports/{library}/{period}/approve", post(approve_page))
        .route("/reports/{library}/{period}/return", post(return_page))
        .route("/reports/{library}/{period}/unlock", post(unlock_page))
        .route("/api/v1/reports", get(api_list))
        .route("/api/v1/reports/completeness", get(api_completeness))
        .route("/api/v1/reports/deadline", put(api_deadline))
        .route("/api/v1/reports/{library}/{period}", get(api_get))
        .route(
            "/api/v1/reports/{library}/{period}/figures",
            put(api_figures),
        )
        .route(
            "/api/v1/reports/{library}/{period}/template",
            post(api_upload),
        )
        .route(
            "/api/v1/reports/{library}/{period}/submit",
            post(api_submit),
        )
        .route(
            "/api/v1/reports/{library}/{period}/withdraw",
            post(api_withdraw),
        )
        .route(
            "/api/v1/reports/{library}/{period}/approve",
            post(api_approve),
        )
        .route(
            "/api/v1/reports/{library}/{period}/return",
            post(api_return),
        )
        .route(
            "/api/v1/reports/{library}/{period}/unlock",
            post(api_unlock),
        )
}

// ------------------------------------------------------------------ labels

/// An element's name.
pub fn element_label(e: Element, lang: Lang) -> &'static str {
    let (id, en) = match e {
        Element::Visits => ("Kunjungan", "Visits"),
        Element::MembersNew => ("Anggota baru", "New members"),
        Element::MembersActive => ("Anggota aktif", "Active members"),
        Element::Members => ("Anggota terdaftar", "Registered members"),
        Element::Loans => ("Peminjaman", "Loans"),
        Element::Titles => ("Judul koleksi", "Titles in the collection"),
        Element::Items => ("Eksemplar koleksi", "Items in the collection"),
        Element::ItemsNew => ("Eksemplar baru", "New items"),
        Element::Activities => ("Kegiatan", "Activities"),
        Element::Participants => ("Peserta kegiatan", "Activity participants"),
        Element::WorkplanPlanned => (
            "Kegiatan rencana kerja yang dijadwalkan",
            "Work-plan activities due",
        ),
        Element::WorkplanDone => (
            "Kegiatan rencana kerja yang selesai",
            "Work-plan activities done",
        ),
        Element::AidReceived => ("Bantuan diterima (BAST)", "Aid received (receipts)"),
    };
    pick(lang, id, en)
}

/// A disaggregation option's name.
pub fn option_label(dim: Dim, option: &str, lang: Lang) -> String {
    let known = match (dim, option) {
        (Dim::Gender, "L") => Some(("Laki-laki", "Male")),
        (Dim::Gender, "P") => Some(("Perempuan", "Female")),
        (Dim::Age, "anak") => Some(("Anak (0–12)", "Children (0–12)")),
        (Dim::Age, "remaja") => Some(("Remaja (13–18)", "Youth (13–18)")),
        (Dim::Age, "dewasa") => Some(("Dewasa (19–59)", "Adults (19–59)")),
        (Dim::Age, "lansia") => Some(("Lansia (60+)", "Older people (60+)")),
        (Dim::Disability, "ya") => Some(("Penyandang disabilitas", "With a disability")),
        (Dim::Disability, "tidak") => Some(("Tanpa disabilitas", "Without a disability")),
        (Dim::Purpose, "membaca") => Some(("Membaca", "Reading")),
        (Dim::Purpose, "meminjam") => Some(("Meminjam", "Borrowing")),
        (Dim::Purpose, "internet") => Some(("Internet", "Internet")),
        (Dim::Purpose, "belajar") => Some(("Belajar", "Studying")),
        (Dim::Purpose, "kegiatan") => Some(("Mengikuti kegiatan", "Attending an activity")),
        (Dim::Purpose, "lainnya") => Some(("Lainnya", "Other")),
        (Dim::Strategy, "layanan_informasi") => Some((
            "Peningkatan layanan informasi",
            "Better information services",
        )),
        (Dim::Strategy, "pelibatan_masyarakat") => {
            Some(("Pelibatan masyarakat", "Community engagement"))
        }
        (Dim::Strategy, "advokasi") => Some(("Advokasi", "Advocacy")),
        _ => None,
    };
    match known {
        Some((id, en)) => pick(lang, id, en).to_string(),
        None => option.replace('_', " "),
    }
}

/// A slice's name: "Perempuan, Anak (0–12)"; the total is "Jumlah".
pub fn disagg_label(d: &lentera_core::monitoring::reports::Disagg, lang: Lang) -> String {
    if d.is_total() {
        return pick(lang, "Jumlah", "Total").to_string();
    }
    d.pairs()
        .iter()
        .map(|(dim, o)| option_label(*dim, o, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

fn dim_label(d: Dim, lang: Lang) -> &'static str {
    match d {
        Dim::Gender => pick(lang, "Jenis kelamin", "Gender"),
        Dim::Age => pick(lang, "Kelompok umur", "Age group"),
        Dim::Disability => pick(lang, "Disabilitas", "Disability"),
        Dim::Purpose => pick(lang, "Keperluan", "Purpose"),
        Dim::Strategy => pick(lang, "Strategi", "Strategy"),
    }
}

fn pick(lang: Lang, id: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

/// A rule's short title (also the field label of its comment box).
pub fn rule_title(key: &str, lang: Lang) -> Option<&'static str> {
    let (id, en) = match key {
        "loans_per_visit" => ("Pinjaman per kunjungan", "Loans per visit"),
        "participants_without_activity" => {
            ("Peserta tanpa kegiatan", "Participants without an activity")
        }
        "activities_without_participants" => {
            ("Kegiatan tanpa peserta", "Activities without participants")
        }
        "workplan_done_over_planned" => (
            "Kegiatan rencana kerja selesai melebihi jadwal",
            "More work-plan activities done than due",
        ),
        "new_items_over_items" => (
            "Eksemplar baru melebihi koleksi",
            "More new items than the collection holds",
        ),
        "titles_over_items" => ("Judul melebihi eksemplar", "More titles than items"),
        "active_over_members" => (
            "Anggota aktif melebihi anggota terdaftar",
            "More active than registered members",
        ),
        "drop_visits" => ("Kunjungan turun tajam", "Visits fell sharply"),
        "drop_loans" => ("Peminjaman turun tajam", "Loans fell sharply"),
        "drop_members_active" => ("Anggota aktif turun tajam", "Active members fell sharply"),
        "drop_titles" => ("Judul koleksi turun tajam", "Titles fell sharply"),
        "drop_items" => ("Eksemplar koleksi turun tajam", "Items fell sharply"),
        "high_visits" => ("Kunjungan sangat tinggi", "Unusually many visits"),
        "high_loans" => ("Peminjaman sangat tinggi", "Unusually many loans"),
        "high_members_new" => ("Anggota baru sangat banyak", "Unusually many new members"),
        "high_items_new" => ("Eksemplar baru sangat banyak", "Unusually many new items"),
        "high_activities" => ("Kegiatan sangat banyak", "Unusually many activities"),
        "high_participants" => ("Peserta sangat banyak", "Unusually many participants"),
        "mismatch_visits" => (
            "Rincian kunjungan tidak sama dengan jumlahnya",
            "Visit breakdowns do not add up",
        ),
        "mismatch_members_new" => (
            "Rincian anggota baru tidak sama dengan jumlahnya",
            "New-member breakdown does not add up",
        ),
        "mismatch_members" => (
            "Rincian anggota tidak sama dengan jumlahnya",
            "Member breakdown does not add up",
        ),
        "mismatch_activities" => (
            "Rincian kegiatan tidak sama dengan jumlahnya",
            "Activity breakdown does not add up",
        ),
        "mismatch_participants" => (
            "Rincian peserta tidak sama dengan jumlahnya",
            "Participant breakdowns do not add up",
        ),
        "nothing_recorded" => (
            "Tidak ada yang tercatat bulan ini",
            "Nothing recorded this month",
        ),
        _ => return None,
    };
    Some(pick(lang, id, en))
}

/// What a finding says, with its numbers.
pub fn finding_text(f: &Finding, lang: Lang) -> String {
    let (v, l) = (num(f.value, lang), num(f.limit, lang));
    let id = lang == Lang::Id;
    let rule = f.rule;
    let t = if rule == "loans_per_visit" {
        if id {
            format!(
                "{v} peminjaman, lebih dari 20 per kunjungan (paling banyak {l} untuk kunjungan yang tercatat)."
            )
        } else {
            format!("{v} loans, more than 20 per visit (at most {l} for the visits recorded).")
        }
    } else if rule.ends_with("_without_activity") {
        if id {
            format!("{v} peserta tercatat, tetapi tidak ada kegiatan.")
        } else {
            format!("{v} participants recorded, but no activity.")
        }
    } else if rule.ends_with("_without_participants") {
        if id {
            format!("{v} kegiatan tanpa peserta tercatat.")
        } else {
            format!("{v} activities with no participants recorded.")
        }
    } else if rule.starts_with("drop_") {
        if id {
            format!("Turun dari {l} bulan lalu menjadi {v} (90% atau lebih).")
        } else {
            format!("Down from {l} last month to {v} (90% or more).")
        }
    } else if rule.starts_with("high_") {
        if id {
            format!("{v}, di atas batas wajar {l} untuk sebulan.")
        } else {
            format!("{v}, above the plausible {l} for one month.")
        }
    } else if rule.starts_with("mismatch_") {
        if id {
            format!("Rinciannya berjumlah {v}, jumlahnya {l}.")
        } else {
            format!("The breakdown adds up to {v}; the total is {l}.")
        }
    } else if rule == "nothing_recorded" {
        if id {
            "Tidak ada kunjungan, peminjaman, maupun kegiatan sepanjang bulan. Perpustakaan tutup?"
                .to_string()
        } else {
            "No visits, loans or activities all month. Was the library closed?".to_string()
        }
    } else if id {
        format!("{v}, lebih dari {l}.")
    } else {
        format!("{v}, more than {l}.")
    };
    match rule_title(rule, lang) {
        Some(title) => format!("{title}: {t}"),
        None => t,
    }
}

/// The label of an entry cell's input ("Kunjungan — Perempuan, Anak (0–12)"),
/// built once per language: field labels are `'static`.
fn entry_label(key: &str, lang: Lang) -> Option<&'static str> {
    static LABELS: LazyLock<[HashMap<&'static str, &'static str>; 2]> = LazyLock::new(|| {
        let build = |lang: Lang| {
            entry_cells()
                .iter()
                .map(|c| {
                    let (e, d) = cell_names(c, lang);
                    let label = if c.disagg.is_total() {
                        e
                    } else {
                        format!("{e} — {d}")
                    };
                    (c.key, &*Box::leak(label.into_boxed_str()))
                })
                .collect()
        };
        [build(Lang::Id), build(Lang::En)]
    });
    let i = usize::from(lang == Lang::En);
    let cell = core::entry_cell(key)?;
    LABELS[i].get(cell.key).copied()
}

fn cell_names(c: &EntryCell, lang: Lang) -> (String, String) {
    (
        element_label(c.element, lang).to_string(),
        disagg_label(&c.disagg, lang),
    )
}

pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    let (id, en) = match field {
        "comment" => ("Komentar", "Comment"),
        "return_comment" => ("Yang perlu diperbaiki", "What needs correcting"),
        "reason" => ("Alasan membuka kembali", "Reason for unlocking"),
        "status" => ("Status laporan", "Report status"),
        "period" => ("Bulan laporan", "Report month"),
        "day" => ("Tanggal batas pelaporan", "Reporting deadline day"),
        "template" => ("Berkas templat (XLSX)", "Template file (XLSX)"),
        "figures" => ("Angka laporan", "Report figures"),
        "comments" => ("Penjelasan", "Explanations"),
        "version" => ("Versi laporan", "Report version"),
        other => return rule_title(other, lang).or_else(|| entry_label(other, lang)),
    };
    Some(pick(lang, id, en))
}

crate::messages!(R {
    Title => "Laporan bulanan", "Monthly reports";
    LibraryIntro => "Setiap bulan Lentera menghitung angka perpustakaan dari buku tamu, peminjaman, anggota, katalog, kegiatan, rencana kerja dan bantuan. Periksa, lengkapi bila perlu, lalu kirim ke dinas kabupaten/kota.", "Every month Lentera computes the library's figures from the guest book, loans, members, catalogue, activities, work plans and aid. Check them, complete them if needed, then send them to the district office.";
    OfficerIntro => "Laporan bulanan perpustakaan naik berjenjang: kabupaten/kota, provinsi, lalu nasional. Laporan yang sudah disetujui terkunci.", "Monthly library reports climb the hierarchy: district, province, then national. Approved reports are locked.";
    Month => "Bulan", "Month";
    Library => "Perpustakaan", "Library";
    Sent => "Dikirim", "Sent";
    OnTime => "Tepat waktu", "On time";
    Late => "Terlambat", "Late";
    Due => "Batas waktu", "Deadline";
    Open => "Buka", "Open";
    Waiting => "Menunggu persetujuan Anda", "Waiting for your approval";
    NothingWaiting => "Tidak ada laporan yang menunggu persetujuan Anda.", "No reports are waiting for your approval.";
    AllReports => "Semua laporan dalam jangkauan Anda", "All reports within your reach";
    NoReports => "Belum ada laporan.", "No reports yet.";
    Filter => "Saring", "Filter";
    Completeness => "Kelengkapan dan ketepatan waktu", "Completeness and timeliness";
    MonthsCaption => "Laporan bulanan perpustakaan ini, bulan terbaru di atas", "This library's monthly reports, newest month first";
    InProgress => "Bulan berjalan", "Month in progress";
    Figures => "Angka bulan ini", "This month's figures";
    FiguresCaption => "Angka laporan {month}", "Report figures for {month}";
    Figure => "Angka", "Figure";
    Value => "Nilai", "Value";
    LastMonth => "Bulan lalu", "Last month";
    Source => "Sumber", "Source";
    Checks => "Pemeriksaan", "Checks";
    Computed => "Dari catatan", "From records";
    Manual => "Diisi manual", "Entered by hand";
    Breakdown => "Rincian", "Breakdown";
    NoFindings => "Tidak ada yang janggal.", "Nothing implausible.";
    Warning => "Peringatan", "Warning";
    Error => "Kesalahan", "Error";
    FindingsIntro => "Peringatan perlu penjelasan sebelum laporan dikirim; kesalahan harus diperbaiki dulu.", "Warnings need an explanation before the report is sent; errors must be fixed first.";
    YourComment => "Penjelasan perpustakaan", "The library's explanation";
    Submit => "Kirim ke dinas kabupaten/kota", "Send to the district office";
    SubmitIntro => "Setelah dikirim, angka laporan dibekukan sampai disetujui atau dikembalikan.", "Once sent, the figures are frozen until approved or returned.";
    NotOverYet => "Laporan bulan ini bisa dikirim mulai {date}.", "This month's report can be sent from {date}.";
    FixFirst => "Perbaiki angka yang salah sebelum mengirim: isi angka secara manual atau perbaiki catatan perpustakaan.", "Fix the wrong figures before sending: enter them by hand or correct the library's records.";
    EnterByHand => "Isi angka secara manual", "Enter figures by hand";
    ManualIntro => "Untuk perpustakaan yang mencatat buku tamu atau peminjaman di luar Lentera. Isi bagian yang perlu saja: bagian yang dibiarkan kosong tetap dihitung dari catatan Lentera. Angka yang diisi di sini ditandai \"diisi manual\" di laporan, dasbor, unduhan dan API.", "For libraries that keep their guest book or loans outside Lentera. Fill only the sections you need: a section left blank stays computed from Lentera's records. Figures entered here are marked \"entered by hand\" in the report, dashboards, downloads and the API.";
    ComputedNow => "Dari catatan saat ini: {n}", "From the records now: {n}";
    SaveFigures => "Simpan angka", "Save figures";
    Template => "Templat Excel", "Excel template";
    TemplateIntro => "Unduh templat, isi kolom \"nilai\", lalu unggah kembali. Baris yang dibiarkan kosong tetap dihitung dari catatan. Mengunggah berkas yang sama dua kali tidak mengubah apa pun.", "Download the template, fill the \"nilai\" (value) column, then upload it. Rows left blank stay computed from the records. Uploading the same file twice changes nothing.";
    DownloadTemplate => "Unduh templat (XLSX)", "Download the template (XLSX)";
    Upload => "Unggah templat yang sudah diisi", "Upload the filled template";
    UploadProblems => "Templat belum bisa dipakai. Tidak ada yang disimpan.", "The template cannot be used yet. Nothing was saved.";
    Row => "Baris", "Row";
    Problem => "Masalah", "Problem";
    Withdraw => "Tarik kembali laporan", "Withdraw the report";
    WithdrawIntro => "Belum ada yang menyetujui: laporan bisa ditarik untuk diperbaiki.", "Nobody has approved it yet: the report can be withdrawn to be corrected.";
    Review => "Tinjau laporan", "Review the report";
    Approve => "Setujui", "Approve";
    ReturnIt => "Kembalikan untuk diperbaiki", "Return for correction";
    ReturnHint => "Jelaskan apa yang perlu diperbaiki perpustakaan.", "Say what the library needs to correct.";
    Unlock => "Buka kunci laporan", "Unlock the report";
    UnlockIntro => "Laporan yang disetujui terkunci. Membukanya mengembalikan laporan ke perpustakaan dan mencabut persetujuan; alasannya dicatat.", "An approved report is locked. Unlocking returns it to the library and withdraws the approvals; the reason is recorded.";
    Locked => "Terkunci: angka tidak bisa diubah kecuali dibuka oleh tingkat yang menyetujui atau di atasnya.", "Locked: the figures cannot change unless the approving level, or one above it, unlocks them.";
    Drift => "Catatan perpustakaan untuk bulan ini berubah setelah laporan dikirim. Laporan tetap memakai angka saat dikirim:", "The library's records for this month changed after the report was sent. The report keeps the figures as sent:";
    DriftLine => "{element}: {reported} di laporan, {now} di catatan sekarang", "{element}: {reported} in the report, {now} in the records now";
    History => "Riwayat", "History";
    When => "Waktu", "When";
    Who => "Oleh", "By";
    What => "Tindakan", "Action";
    NoHistory => "Belum ada riwayat.", "No history yet.";
    Downloads => "Unduh laporan", "Download the report";
    Csv => "CSV", "CSV";
    Xlsx => "Excel (XLSX)", "Excel (XLSX)";
    DoneSave => "Angka tersimpan.", "Figures saved.";
    DoneUnchanged => "Tidak ada perubahan: angka yang sama sudah tersimpan.", "No change: the same figures were already saved.";
    DoneImport => "Templat terbaca dan angka tersimpan.", "The template was read and the figures saved.";
    DoneSubmit => "Laporan terkirim ke dinas kabupaten/kota.", "The report was sent to the district office.";
    DoneWithdraw => "Laporan ditarik kembali.", "The report was withdrawn.";
    DoneApprove => "Laporan disetujui.", "The report was approved.";
    DoneReturn => "Laporan dikembalikan ke perpustakaan.", "The report was returned to the library.";
    DoneUnlock => "Kunci laporan dibuka.", "The report was unlocked.";
    Conflict => "Laporan ini baru saja diubah orang lain. Periksa keadaannya sekarang, lalu ulangi.", "Someone else just changed this report. Check where it stands now, then try again.";
    Expected => "Perpustakaan", "Libraries";
    Reported => "Melapor", "Reported";
    Share => "Kelengkapan", "Completeness";
    Timeliness => "Ketepatan waktu", "Timeliness";
    ApprovedD => "Disetujui kab/kota", "Approved by district";
    ApprovedP => "Disetujui provinsi", "Approved by province";
    ApprovedN => "Disetujui nasional", "Approved nationally";
    Region => "Wilayah", "Region";
    Nation => "Seluruh Indonesia", "All of Indonesia";
    TpbisOnly => "Hanya perpustakaan peserta TPBIS", "TPBIS libraries only";
    CompletenessIntro => "Perpustakaan aktif yang mengirim laporan bulan ini, dan yang mengirim sebelum batas waktu. Pilih wilayah untuk melihat lebih rinci.", "Active libraries that sent this month's report, and those that sent it by the deadline. Choose a region to see more detail.";
    CompletenessCaption => "Kelengkapan laporan {month}, {region}", "Report completeness for {month}, {region}";
    DeadlineTitle => "Batas waktu pelaporan", "Reporting deadline";
    DeadlineIntro => "Laporan bulan lalu jatuh tempo pada tanggal ini di bulan berikutnya. Berlaku untuk {region} kecuali wilayah di bawahnya menetapkan sendiri.", "Last month's report is due on this day of the following month. Applies to {region} unless a region below sets its own.";
    DeadlineNow => "Sekarang: tanggal {day} bulan berikutnya.", "Now: day {day} of the following month.";
    DeadlineInherit => "Ikuti wilayah di atas (kosongkan tanggal)", "Follow the region above (leave the day blank)";
    DeadlineSaved => "Batas waktu tersimpan.", "Deadline saved.";
    Yes => "Ya", "Yes";
    No => "Tidak", "No";
    TodoSend => "Kirim laporan bulanan {month}", "Send the monthly report for {month}";
    TodoFix => "Perbaiki laporan bulanan {month} yang dikembalikan", "Correct the returned monthly report for {month}";
    TodoReview => "{n} laporan bulanan menunggu persetujuan Anda", "{n} monthly reports await your approval";
    Year => "Tahun", "Year";
    ShowYear => "Tampilkan", "Show";
    ApprovedBy => "Disetujui oleh", "Approved by";
    Comments => "Penjelasan peringatan", "Explanations of warnings";
});

fn status_text(stage: Stage, lang: Lang) -> &'static str {
    match (stage.status, stage.approved) {
        (Status::Draft, _) => pick(lang, "Belum dikirim", "Not sent"),
        (Status::Submitted, _) => pick(lang, "Menunggu kabupaten/kota", "Awaiting the district"),
        (Status::Returned, _) => pick(lang, "Dikembalikan", "Returned"),
        (Status::Unlocked, _) => pick(lang, "Dibuka kembali", "Unlocked"),
        (Status::Approved, Some(ApprovalLevel::District)) => pick(
            lang,
            "Disetujui kab/kota · menunggu provinsi",
            "Approved by the district · awaiting the province",
        ),
        (Status::Approved, Some(ApprovalLevel::Province)) => pick(
            lang,
            "Disetujui provinsi · menunggu nasional",
            "Approved by the province · awaiting national",
        ),
        (Status::Approved, _) => pick(lang, "Disetujui nasional", "Approved nationally"),
    }
}

fn status_class(stage: Stage) -> &'static str {
    match stage.status {
        Status::Draft => "tag rep-draft",
        Status::Submitted => "tag rep-submitted",
        Status::Returned | Status::Unlocked => "tag rep-returned",
        Status::Approved => "tag rep-approved",
    }
}

fn status_tag(stage: Stage, lang: Lang) -> Markup {
    html! { span class=(status_class(stage)) { (status_text(stage, lang)) } }
}

fn level_text(l: ApprovalLevel, lang: Lang) -> &'static str {
    match l {
        ApprovalLevel::District => pick(lang, "kabupaten/kota", "district"),
        ApprovalLevel::Province => pick(lang, "provinsi", "province"),
        ApprovalLevel::National => pick(lang, "nasional", "national"),
    }
}

fn step_text(step: Step, level: Option<ApprovalLevel>, lang: Lang) -> String {
    let base = match step {
        Step::Save => pick(lang, "Mengisi angka manual", "Entered figures by hand"),
        Step::Import => pick(lang, "Mengunggah templat", "Uploaded the template"),
        Step::Submit => pick(lang, "Mengirim laporan", "Sent the report"),
        Step::Withdraw => pick(lang, "Menarik kembali", "Withdrew the report"),
        Step::Approve => pick(lang, "Menyetujui", "Approved"),
        Step::Return => pick(lang, "Mengembalikan", "Returned"),
        Step::Unlock => pick(lang, "Membuka kunci", "Unlocked"),
    };
    match level {
        Some(l) => format!("{base} ({})", level_text(l, lang)),
        None => base.to_string(),
    }
}

const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "September 2026".
pub fn month_name(p: Period, lang: Lang) -> String {
    let names = if lang == Lang::Id {
        &MONTHS_ID
    } else {
        &MONTHS_EN
    };
    format!("{} {}", names[(p.month() - 1) as usize], p.year())
}

fn date_text(d: NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    let names = if lang == Lang::Id {
        &MONTHS_ID
    } else {
        &MONTHS_EN
    };
    format!(
        "{} {} {}",
        d.day(),
        names[(d.month() - 1) as usize],
        d.year()
    )
}

/// A stored UTC time in the library's own zone: "10 Oktober 2026 09.30 WIB".
fn time_text(t: NaiveDateTime, tz: TimeZone, lang: Lang) -> String {
    let local = tz.local(t);
    let clock = if lang == Lang::Id {
        local.format("%H.%M")
    } else {
        local.format("%H:%M")
    };
    format!("{} {clock} {}", date_text(local.date(), lang), tz.abbrev())
}

/// Whole numbers with the language's thousands separator.
fn num(v: i64, lang: Lang) -> String {
    let s = v.unsigned_abs().to_string();
    let sep = if lang == Lang::Id { '.' } else { ',' };
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if v < 0 { format!("-{out}") } else { out }
}

fn pct(v: f64, lang: Lang) -> String {
    let s = format!("{v:.1}");
    if lang == Lang::Id {
        format!("{}%", s.replace('.', ","))
    } else {
        format!("{s}%")
    }
}

// ----------------------------------------------------------------- helpers

fn actor_ref(u: &CurrentUser) -> ActorRef {
    ActorRef {
        id: Some(u.user.id),
        username: u.user.username.clone(),
    }
}

fn now() -> NaiveDateTime {
    lentera_store::now()
}

fn today_in(village: &RegionCode) -> NaiveDate {
    TimeZone::of_region(village).local_date(now())
}

/// A national officer has no region: "today" is Jakarta's.
fn today_wib() -> NaiveDate {
    TimeZone::Wib.local_date(now())
}

/// The library named in a URL, when the user's reach includes it; 404
/// otherwise (an unknown id and an unreachable one look the same).
async fn library_in_reach(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<LibraryRef, WebError> {
    let id = LibraryId::parse(id).map_err(|_| WebError::NotFound)?;
    let lib = state.run(move |c| Ok(store::library_ref(c, id)?)).await?;
    let place = Place {
        region: &lib.village,
        library: Some(lib.id),
    };
    if !user.actor.reaches(&place) {
        return Err(WebError::NotFound);
    }
    Ok(lib)
}

/// The month in a URL: a month that has begun, else 404.
fn period_in_url(s: &str, lib: &LibraryRef) -> Result<Period, WebError> {
    core::parse_period(s, today_in(&lib.village)).map_err(|_| WebError::NotFound)
}

async fn target(
    state: &AppState,
    user: &CurrentUser,
    library: &str,
    period: &str,
) -> Result<(LibraryRef, Period), WebError> {
    let lib = library_in_reach(state, user, library).await?;
    let period = period_in_url(period, &lib)?;
    Ok((lib, period))
}

fn require(step: Step, user: &CurrentUser, lib: &LibraryRef) -> Result<(), WebError> {
    if core::may(
        step,
        user.actor.role,
        user.actor.own_library() == Some(lib.id),
    ) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

fn officer_level(user: &CurrentUser) -> Result<ApprovalLevel, WebError> {
    ApprovalLevel::of_role(user.actor.role).ok_or(WebError::Forbidden)
}

fn report_link(lib: &LibraryRef, p: Period) -> String {
    store::link(lib, p)
}

fn param(q: &[(String, String)], k: &str) -> Option<String> {
    q.iter()
        .find(|(a, _)| a == k)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

async fn load_view(state: &AppState, lib: &LibraryRef, p: Period) -> Result<ReportView, WebError> {
    let id = lib.id;
    state.run(move |c| Ok(store::view(c, id, p)?)).await
}

fn frame<'a>(lang: Lang, user: &'a CurrentUser, path: &'a str) -> Frame<'a> {
    Frame {
        lang,
        user: Some(user),
        path,
    }
}

/// Maps the store's answer for a page action: a stale version or a race
/// shows the report again with a notice instead of an error page.
enum Outcome<T> {
    Done(T),
    Conflict,
}

fn outcome<T>(r: Result<T, WebError>) -> Result<Outcome<T>, WebError> {
    match r {
        Ok(v) => Ok(Outcome::Done(v)),
        Err(WebError::Conflict) => Ok(Outcome::Conflict),
        Err(e) => Err(e),
    }
}

fn version_of(pairs: &[(String, String)]) -> Option<i32> {
    param(pairs, "version").and_then(|v| v.parse().ok())
}

fn form_pairs(
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Vec<(String, String)>, WebError> {
    body.map(|Form(p)| p)
        .map_err(|e| WebError::BadRequest(e.body_text()))
}

// ------------------------------------------------------------------- index

async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fr = frame(lang, &user, "/reports");
    let body = match user.actor.own_library() {
        Some(lib) => library_index(&state, &user, lang, lib, &q).await?,
        None => officer_index(&state, &user, lang, &q).await?,
    };
    Ok(page(&fr, R::Title.get(lang), body).into_response())
}

async fn library_index(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    lib: LibraryId,
    q: &[(String, String)],
) -> Result<Markup, WebError> {
    let lib = library_in_reach(state, user, &lib.to_string()).await?;
    let today = today_in(&lib.village);
    let this = Period::of(today);
    let year = param(q, "year").and_then(|y| y.parse::<i32>().ok());
    let (from, to) = match year {
        Some(y) if (2000..=this.year()).contains(&y) => {
            let to = Period::new(y, 12)
                .map_err(|_| WebError::NotFound)?
                .min(this);
            (Period::new(y, 1).map_err(|_| WebError::NotFound)?, to)
        }
        _ => {
            let mut from = this;
            for _ in 0..12 {
                from = from.prev();
            }
            (from, this)
        }
    };
    let id = lib.id;
    let village = lib.village.clone();
    let (months, day) = state
        .run(move |c| {
            Ok((
                store::library_months(c, id, from, to)?,
                store::deadline_day(c, &village)?,
            ))
        })
        .await?;
    let tz = TimeZone::of_region(&lib.village);
    Ok(html! {
        p.lead { (R::LibraryIntro.get(lang)) }
        p { strong { (lib.name) } }
        div.table-wrap { table.rep-months {
            caption { (R::MonthsCaption.get(lang)) }
            thead { tr {
                th scope="col" { (R::Month.get(lang)) }
                th scope="col" { (Msg::Status.get(lang)) }
                th scope="col" { (R::Due.get(lang)) }
                th scope="col" { (R::Sent.get(lang)) }
            } }
            tbody {
                @for (p, r) in &months {
                    @let stage = r.as_ref().map_or(Stage::NEW, |r| r.stage);
                    @let due = core::deadline(*p, day);
                    tr {
                        th scope="row" { a href=(report_link(&lib, *p)) { (month_name(*p, lang)) } }
                        td {
                            @if *p == this { span.tag { (R::InProgress.get(lang)) } }
                            @else { (status_tag(stage, lang)) }
                        }
                        td { (date_text(due, lang)) }
                        td {
                            @if let Some(t) = r.as_ref().and_then(|r| r.first_submitted_at) {
                                (time_text(t, tz, lang)) " "
                                @if core::on_time(t, tz, due) { span.tag.on { (R::OnTime.get(lang)) } }
                                @else { span.tag.off { (R::Late.get(lang)) } }
                            } @else { "—" }
                        }
                    }
                }
            }
        } }
        form.filters method="get" action="/reports" {
            div.field {
                label for="f-year" { (R::Year.get(lang)) }
                input #f-year type="number" name="year" min="2000" max=(this.year()) value=(year.unwrap_or(this.year()));
            }
            div.actions { button.secondary type="submit" { (R::ShowYear.get(lang)) } }
        }
    })
}

fn report_rows(rows: &[store::ReportRow], caption: &str, lang: Lang) -> Markup {
    html! {
        div.table-wrap { table.rep-list {
            caption { (caption) }
            thead { tr {
                th scope="col" { (R::Library.get(lang)) }
                th scope="col" { (R::Month.get(lang)) }
                th scope="col" { (Msg::Status.get(lang)) }
                th scope="col" { (R::Sent.get(lang)) }
            } }
            tbody {
                @for r in rows {
                    @let tz = TimeZone::of_region(&r.report.region_code);
                    tr {
                        th scope="row" {
                            a href={ "/reports/" (r.report.library_id) "/" (r.report.period) } { (r.library_name) }
                        }
                        td { (month_name(r.report.period, lang)) }
                        td { (status_tag(r.report.stage, lang)) }
                        td { (r.report.submitted_at.map(|t| time_text(t, tz, lang)).unwrap_or_else(|| "—".into())) }
                    }
                }
            }
        } }
    }
}

/// Filters of the officers' list, read from the query: region (within
/// reach, else 404), month, status.
struct ListFilters {
    region: Option<RegionCode>,
    period: Option<Period>,
    status: Option<Status>,
    waiting: bool,
    page: i64,
}

fn list_filters(user: &CurrentUser, q: &[(String, String)]) -> Result<ListFilters, WebError> {
    let mut errors = Invalid::default();
    let region = match param(q, "region") {
        None => None,
        Some(r) => match RegionCode::parse(&r) {
            Ok(code)
                if user.actor.reaches_region(&code) || user.actor.reach() == Reach::Everything =>
            {
                Some(code)
            }
            Ok(_) => return Err(WebError::NotFound),
            Err(p) => {
                errors.push("region", p);
                None
            }
        },
    };
    let period = match param(q, "period") {
        None => None,
        Some(p) => match Period::parse(&p) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push("period", e);
                None
            }
        },
    };
    let status = match param(q, "status") {
        None => None,
        Some(s) => match Status::parse(&s) {
            Ok(s) => Some(s),
            Err(e) => {
                errors.push("status", e);
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    Ok(ListFilters {
        region,
        period,
        status,
        waiting: param(q, "waiting").is_some_and(|v| v != "0"),
        page: param(q, "page").and_then(|p| p.parse().ok()).unwrap_or(1),
    })
}

fn query_of(user: &CurrentUser, f: &ListFilters) -> ReportQuery {
    let mut q = ReportQuery::new(user.actor.reach());
    q.region = f.region.clone();
    q.from = f.period;
    q.to = f.period;
    q.status = f.status;
    q.page = f.page;
    q.per_page = 50;
    if f.waiting {
        q.waiting_for = ApprovalLevel::of_role(user.actor.role);
    }
    q
}

async fn officer_index(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    q: &[(String, String)],
) -> Result<Markup, WebError> {
    let f = list_filters(user, q)?;
    let level = ApprovalLevel::of_role(user.actor.role);
    let reach = user.actor.reach();
    let query = query_of(user, &f);
    let (waiting, list) = state
        .run(move |c| {
            let waiting = match level {
                Some(l) => {
                    let mut w = ReportQuery::new(reach);
                    w.waiting_for = Some(l);
                    w.per_page = 100;
                    Some(store::list(c, &w)?)
                }
                None => None,
            };
            Ok((waiting, store::list(c, &query)?))
        })
        .await?;
    let statuses: Vec<(String, String)> = Status::ALL
        .iter()
        .map(|s| {
            let stage = Stage {
                status: *s,
                approved: None,
            };
            let label = match s {
                Status::Approved => pick(lang, "Disetujui", "Approved"),
                _ => status_text(stage, lang),
            };
            (s.key().to_string(), label.to_string())
        })
        .collect();
    let months: Vec<(String, String)> = {
        let mut p = Period::of(today_wib());
        let mut v = Vec::new();
        for _ in 0..24 {
            v.push((p.to_string(), month_name(p, lang)));
            p = p.prev();
        }
        v
    };
    let keep = [
        (
            "region",
            f.region.as_ref().map(|r| r.to_string()).unwrap_or_default(),
        ),
        (
            "period",
            f.period.map(|p| p.to_string()).unwrap_or_default(),
        ),
        (
            "status",
            f.status.map(|s| s.key().to_string()).unwrap_or_default(),
        ),
        (
            "waiting",
            if f.waiting { "1".into() } else { String::new() },
        ),
    ];
    let no_errors = Invalid::default();
    Ok(html! {
        p.lead { (R::OfficerIntro.get(lang)) }
        @if user.actor.role.is_officer() {
            p { a href="/reports/completeness" { (R::Completeness.get(lang)) " →" } }
        }
        @if let Some(w) = &waiting {
            section aria-labelledby="rep-waiting" {
                h2 #rep-waiting { (R::Waiting.get(lang)) " (" (w.total) ")" }
                @if w.items.is_empty() {
                    p { (R::NothingWaiting.get(lang)) }
                } @else {
                    (report_rows(&w.items, R::Waiting.get(lang), lang))
                }
            }
        }
        section aria-labelledby="rep-all" {
            h2 #rep-all { (R::AllReports.get(lang)) }
            form.filters method="get" action="/reports" {
                (crate::html::input(crate::html::Field::text("region", keep[0].1.as_str()).hint(pick(lang, "Kode wilayah, mis. 3520", "Region code, e.g. 3520")), lang, &no_errors))
                (crate::html::select("period", &keep[1].1, &months, false, lang, &no_errors))
                (crate::html::select("status", &keep[2].1, &statuses, false, lang, &no_errors))
                div.actions { button.secondary type="submit" { (R::Filter.get(lang)) } }
            }
            @if list.items.is_empty() {
                p { (R::NoReports.get(lang)) }
            } @else {
                p { (Msg::Results.get(lang).replace("{n}", &list.total.to_string())) }
                (report_rows(&list.items, R::AllReports.get(lang), lang))
                (pager("/reports", &keep, list.page, list.pages(), lang))
            }
        }
    })
}

// -------------------------------------------------------------------- show

/// What the user typed into the page's forms, kept when one is refused.
#[derive(Default)]
struct Typed {
    comments: BTreeMap<String, String>,
    comment: String,
    return_comment: String,
    reason: String,
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path((library, period)): Path<(String, String)>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (lib, p) = target(&state, &user, &library, &period).await?;
    let view = load_view(&state, &lib, p).await?;
    let done = param(&q, "done");
    let conflict = param(&q, "conflict").is_some();
    Ok(render_show(
        &user,
        lang,
        &view,
        &Invalid::default(),
        &Typed::default(),
        done.as_deref(),
        conflict,
    )
    .into_response())
}

fn done_text(done: &str, lang: Lang) -> Option<&'static str> {
    Some(match done {
        "save" => R::DoneSave.get(lang),
        "unchanged" => R::DoneUnchanged.get(lang),
        "import" => R::DoneImport.get(lang),
        "submit" => R::DoneSubmit.get(lang),
        "withdraw" => R::DoneWithdraw.get(lang),
        "approve" => R::DoneApprove.get(lang),
        "return" => R::DoneReturn.get(lang),
        "unlock" => R::DoneUnlock.get(lang),
        _ => return None,
    })
}

fn render_show(
    user: &CurrentUser,
    lang: Lang,
    v: &ReportView,
    errors: &Invalid,
    typed: &Typed,
    done: Option<&str>,
    conflict: bool,
) -> Markup {
    let lib = &v.library;
    let p = v.period;
    let base = report_link(lib, p);
    let fr = frame(lang, user, "/reports");
    let tz = TimeZone::of_region(&lib.village);
    let today = today_in(&lib.village);
    let own = user.actor.own_library() == Some(lib.id);
    let role = user.actor.role;
    let may_edit = core::may(Step::Save, role, own) && v.stage.is_open();
    let may_submit = core::may(Step::Submit, role, own) && v.stage.is_open();
    let may_withdraw = core::may(Step::Withdraw, role, own) && v.stage.status == Status::Submitted;
    let level = ApprovalLevel::of_role(role);
    let may_review = level.is_some() && v.stage.waiting_for() == level;
    let may_unlock = level.is_some() && v.stage.apply(Step::Unlock, level).is_ok();
    let version = v.report.as_ref().map_or(0, |r| r.version);
    let over = core::is_over(p, today);
    let has_errors = v.findings.iter().any(|f| f.severity == Severity::Error);
    let warnings: Vec<&Finding> = v
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .collect();
    let title = format!("{} · {}", R::Title.get(lang), month_name(p, lang));
    let body = html! {
        p { a href="/reports" { "← " (R::Title.get(lang)) } }
        @if let Some(t) = done.and_then(|d| done_text(d, lang)) { (notice(t)) }
        @if conflict { div.warn role="status" { (R::Conflict.get(lang)) } }
        (error_summary(errors, lang))
        dl.summary {
            dt { (R::Library.get(lang)) } dd { (lib.name) }
            dt { (R::Month.get(lang)) } dd { (month_name(p, lang)) }
            dt { (Msg::Status.get(lang)) } dd { (status_tag(v.stage, lang)) }
            dt { (R::Due.get(lang)) } dd { (date_text(v.deadline, lang)) }
            @if let Some(r) = &v.report {
                @if let Some(t) = r.first_submitted_at {
                    dt { (R::Sent.get(lang)) }
                    dd {
                        (time_text(t, tz, lang)) " "
                        @if v.on_time == Some(true) { span.tag.on { (R::OnTime.get(lang)) } }
                        @else { span.tag.off { (R::Late.get(lang)) } }
                    }
                }
                @if let (Some(t), Some(by)) = (r.approved_at, &r.approved_by) {
                    // The approver's name as the history has it; the
                    // username only if the history lacks the step.
                    @let name = v.events.iter().rev().find(|e| e.step == Step::Approve).map_or(by.as_str(), |e| e.actor_name.as_str());
                    dt { (R::ApprovedBy.get(lang)) }
                    dd { (name) " (" (v.stage.approved.map(|l| level_text(l, lang)).unwrap_or("")) "), " (time_text(t, tz, lang)) }
                }
            }
        }
        @if v.stage.is_locked() { p.rep-locked { (R::Locked.get(lang)) } }
        @if !v.drift.is_empty() {
            div.warn role="status" {
                p { (R::Drift.get(lang)) }
                ul { @for (e, reported, now) in &v.drift {
                    li { (R::DriftLine.get(lang)
                        .replace("{element}", element_label(*e, lang))
                        .replace("{reported}", &num(*reported, lang))
                        .replace("{now}", &num(*now, lang))) }
                } }
            }
        }
        (figures_table(v, lang))
        (breakdowns(&v.figures, lang))
        section aria-labelledby="rep-checks" {
            h2 #rep-checks { (R::Checks.get(lang)) }
            @if v.findings.is_empty() {
                p { (R::NoFindings.get(lang)) }
            } @else {
                p { (R::FindingsIntro.get(lang)) }
                ul.rep-findings {
                    @for f in &v.findings {
                        li id=(finding_anchor(f)) class={ "rep-" (f.severity.key()) } {
                            strong { (severity_text(f.severity, lang)) ": " }
                            (finding_text(f, lang))
                            @if let Some(c) = v.notes.get(f.rule) {
                                br; em { (R::YourComment.get(lang)) ": " } (c)
                            }
                        }
                    }
                }
            }
        }
        @if may_edit {
            section aria-labelledby="rep-manual" {
                h2 #rep-manual { (R::EnterByHand.get(lang)) }
                p { a.button.secondary href={ (base) "/figures" } { (R::EnterByHand.get(lang)) } }
                h3 { (R::Template.get(lang)) }
                p { (R::TemplateIntro.get(lang)) }
                p { a href={ (base) "/template.xlsx" } download { (R::DownloadTemplate.get(lang)) } }
                form method="post" enctype="multipart/form-data"
                    action={ (base) "/upload?csrf=" (url_encode(fr.csrf())) } {
                    input type="hidden" name="version" value=(version);
                    div.field.has-error[errors.for_field("template").is_some()] {
                        label for="f-template" { (R::Upload.get(lang)) }
                        @if let Some(e) = errors.for_field("template") {
                            p.error-message #e-template { (problem_sentence("template", &e.problem, lang)) }
                        }
                        input #f-template type="file" name="template" required
                            accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv";
                    }
                    div.actions { button.secondary type="submit" { (R::Upload.get(lang)) } }
                }
            }
        }
        @if may_submit {
            section aria-labelledby="rep-submit" {
                h2 #rep-submit { (R::Submit.get(lang)) }
                @if !over {
                    p { (R::NotOverYet.get(lang).replace("{date}", &date_text(p.end(), lang))) }
                } @else if has_errors {
                    p.warn { (R::FixFirst.get(lang)) }
                } @else {
                    p { (R::SubmitIntro.get(lang)) }
                    form method="post" action={ (base) "/submit" } {
                        (csrf_field(&fr))
                        input type="hidden" name="version" value=(version);
                        @for f in &warnings {
                            @let name = format!("comment.{}", f.rule);
                            @let value = typed.comments.get(f.rule).map(String::as_str).unwrap_or("");
                            @let err = errors.for_field(f.rule);
                            div.field.has-error[err.is_some()] {
                                label for={ "f-" (f.rule) } { (R::YourComment.get(lang)) ": " (rule_title(f.rule, lang).unwrap_or(f.rule)) }
                                p.hint id={ "h-" (f.rule) } { (finding_text(f, lang)) }
                                @if let Some(e) = err {
                                    p.error-message id={ "e-" (f.rule) } { (problem_sentence(f.rule, &e.problem, lang)) }
                                }
                                textarea id={ "f-" (f.rule) } name=(name) rows="2" required
                                    aria-describedby={ "h-" (f.rule) @if err.is_some() { " e-" (f.rule) } }
                                    aria-invalid=[err.map(|_| "true")] { (value) }
                            }
                        }
                        div.actions { button type="submit" { (R::Submit.get(lang)) } }
                    }
                }
            }
        }
        @if may_withdraw {
            section aria-labelledby="rep-withdraw" {
                h2 #rep-withdraw { (R::Withdraw.get(lang)) }
                p { (R::WithdrawIntro.get(lang)) }
                form method="post" action={ (base) "/withdraw" } {
                    (csrf_field(&fr))
                    input type="hidden" name="version" value=(version);
                    div.actions { button.secondary type="submit" { (R::Withdraw.get(lang)) } }
                }
            }
        }
        @if may_review {
            section aria-labelledby="rep-review" {
                h2 #rep-review { (R::Review.get(lang)) " (" (level.map(|l| level_text(l, lang)).unwrap_or("")) ")" }
                form method="post" action={ (base) "/approve" } {
                    (csrf_field(&fr))
                    input type="hidden" name="version" value=(version);
                    (comment_box("comment", &typed.comment, false, None, lang, errors))
                    div.actions { button type="submit" { (R::Approve.get(lang)) } }
                }
                form method="post" action={ (base) "/return" } {
                    (csrf_field(&fr))
                    input type="hidden" name="version" value=(version);
                    (comment_box("return_comment", &typed.return_comment, true, Some(R::ReturnHint.get(lang)), lang, errors))
                    div.actions { button.warning type="submit" { (R::ReturnIt.get(lang)) } }
                }
            }
        }
        @if may_unlock {
            section aria-labelledby="rep-unlock" {
                h2 #rep-unlock { (R::Unlock.get(lang)) }
                p { (R::UnlockIntro.get(lang)) }
                form method="post" action={ (base) "/unlock" } {
                    (csrf_field(&fr))
                    input type="hidden" name="version" value=(version);
                    (comment_box("reason", &typed.reason, true, None, lang, errors))
                    div.actions { button.warning type="submit" { (R::Unlock.get(lang)) } }
                }
            }
        }
        section aria-labelledby="rep-history" {
            h2 #rep-history { (R::History.get(lang)) }
            @if v.events.is_empty() {
                p { (R::NoHistory.get(lang)) }
            } @else {
                div.table-wrap { table {
                    caption.visually-hidden { (R::History.get(lang)) }
                    thead { tr {
                        th scope="col" { (R::When.get(lang)) }
                        th scope="col" { (R::Who.get(lang)) }
                        th scope="col" { (R::What.get(lang)) }
                        th scope="col" { (field_label("comment", lang).unwrap_or("")) }
                    } }
                    tbody {
                        @for e in &v.events {
                            tr {
                                td { (time_text(e.at, tz, lang)) }
                                td { (e.actor_name) }
                                td { (step_text(e.step, e.level, lang)) }
                                td { (e.comment.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                } }
            }
        }
        section aria-labelledby="rep-downloads" {
            h2 #rep-downloads { (R::Downloads.get(lang)) }
            ul {
                li { a href={ (base) "/export?format=csv" } download { (R::Csv.get(lang)) } }
                li { a href={ (base) "/export?format=xlsx" } download { (R::Xlsx.get(lang)) } }
            }
        }
    };
    page(&fr, &title, body)
}

/// A labelled comment textarea named `name` (also its error key; the
/// element id is `f-{name}`, where the error summary links).
fn comment_box(
    name: &'static str,
    value: &str,
    required: bool,
    hint: Option<&str>,
    lang: Lang,
    errors: &Invalid,
) -> Markup {
    let err = errors.for_field(name);
    let id = format!("f-{name}");
    html! {
        div.field.has-error[err.is_some()] {
            label for=(id) {
                (field_label(name, lang).unwrap_or(name))
                @if !required { " " span.optional { (Msg::Optional.get(lang)) } }
            }
            @if let Some(h) = hint { p.hint { (h) } }
            @if let Some(e) = err {
                p.error-message id={ "e-" (name) } { (problem_sentence(name, &e.problem, lang)) }
            }
            textarea id=(id) name=(name) rows="2" required[required]
                aria-invalid=[err.map(|_| "true")] { (value) }
        }
    }
}

/// Where a finding is listed. An error's entry carries the `f-{rule}` id
/// the error summary links to; a warning's id is left to its comment box.
fn finding_anchor(f: &Finding) -> String {
    match f.severity {
        Severity::Error => format!("f-{}", f.rule),
        Severity::Warning => format!("finding-{}", f.rule),
    }
}

fn severity_text(s: Severity, lang: Lang) -> &'static str {
    match s {
        Severity::Warning => R::Warning.get(lang),
        Severity::Error => R::Error.get(lang),
    }
}

fn figures_table(v: &ReportView, lang: Lang) -> Markup {
    html! {
        section aria-labelledby="rep-figures" {
            h2 #rep-figures { (R::Figures.get(lang)) }
            div.table-wrap { table.rep-figures {
                caption { (R::FiguresCaption.get(lang).replace("{month}", &month_name(v.period, lang))) }
                thead { tr {
                    th scope="col" { (R::Figure.get(lang)) }
                    th.num scope="col" { (R::Value.get(lang)) }
                    th.num scope="col" { (R::LastMonth.get(lang)) }
                    th scope="col" { (R::Source.get(lang)) }
                    th scope="col" { (R::Checks.get(lang)) }
                } }
                tbody {
                    @for e in Element::ALL {
                        @let manual = v.figures.is_manual(*e);
                        @let mine: Vec<&Finding> = v.findings.iter().filter(|f| f.element == *e).collect();
                        tr.rep-has-finding[!mine.is_empty()] {
                            th scope="row" { (element_label(*e, lang)) }
                            td.num { (num(v.figures.total(*e), lang)) }
                            td.num { (num(v.previous.total(*e), lang)) }
                            td {
                                @if manual { span.tag.rep-manual { (R::Manual.get(lang)) } }
                                @else { (R::Computed.get(lang)) }
                            }
                            td {
                                @for f in &mine {
                                    a href={ "#" (finding_anchor(f)) } class={ "rep-" (f.severity.key()) } {
                                        (severity_text(f.severity, lang)) ": " (rule_title(f.rule, lang).unwrap_or(f.rule))
                                    }
                                    " "
                                }
                            }
                        }
                    }
                }
            } }
        }
    }
}

/// The slices of each element that has any, in `<details>` so the page
/// stays short on a phone.
fn breakdowns(f: &Figures, lang: Lang) -> Markup {
    html! {
        @for e in Element::ALL {
            @let sets: Vec<&&[Dim]> = e.cell_sets().iter().filter(|s| !s.is_empty()).collect();
            @let cells = f.of(*e);
            @if !sets.is_empty() && cells.iter().any(|(d, v)| !d.is_total() && *v != 0) {
                details.rep-breakdown {
                    summary { (R::Breakdown.get(lang)) ": " (element_label(*e, lang)) }
                    @for set in sets {
                        @let rows = ordered(cells.iter().filter(|(d, _)| d.has_dims(set)).collect());
                        @if !rows.is_empty() {
                            div.table-wrap { table {
                                caption {
                                    (element_label(*e, lang)) " — "
                                    (set.iter().map(|d| dim_label(*d, lang)).collect::<Vec<_>>().join(" × "))
                                }
                                thead { tr {
                                    th scope="col" { (set.iter().map(|d| dim_label(*d, lang)).collect::<Vec<_>>().join(" × ")) }
                                    th.num scope="col" { (R::Value.get(lang)) }
                                } }
                                tbody {
                                    @for (d, v) in rows {
                                        tr { th scope="row" { (disagg_label(d, lang)) } td.num { (num(*v, lang)) } }
                                    }
                                }
                            } }
                        }
                    }
                }
            }
        }
    }
}

/// Slices in the order people read them (the options' order: girls before
/// boys is not alphabetical, and neither are the age groups).
fn ordered(
    mut rows: Vec<&(lentera_core::monitoring::reports::Disagg, i64)>,
) -> Vec<&(lentera_core::monitoring::reports::Disagg, i64)> {
    let rank = |d: &lentera_core::monitoring::reports::Disagg| -> Vec<usize> {
        d.pairs()
            .iter()
            .map(|(dim, o)| {
                let options: Vec<&str> = match dim {
                    Dim::Strategy => lentera_core::activities::Strategy::ALL
                        .iter()
                        .map(|s| s.key())
                        .collect(),
                    _ => dim.options().unwrap_or_default(),
                };
                options.iter().position(|x| x == o).unwrap_or(usize::MAX)
            })
            .collect()
    };
    rows.sort_by_key(|(d, _)| rank(d));
    rows
}

// ------------------------------------------------------------ manual entry

async fn figures_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path((library, period)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (lib, p) = target(&state, &user, &library, &period).await?;
    require(Step::Save, &user, &lib)?;
    let view = load_view(&state, &lib, p).await?;
    if !view.stage.is_open() {
        return Ok(Redirect::to(&report_link(&lib, p)).into_response());
    }
    let typed = core::manual_form_of(&core::manual_part(&view.figures));
    let computed = computed_of(&state, &lib, p).await?;
    Ok(render_manual(&user, lang, &view, &computed, &typed, &Invalid::default()).into_response())
}

async fn computed_of(state: &AppState, lib: &LibraryRef, p: Period) -> Result<Figures, WebError> {
    let id = lib.id;
    state.run(move |c| Ok(store::computed(c, id, p)?)).await
}

fn render_manual(
    user: &CurrentUser,
    lang: Lang,
    v: &ReportView,
    computed: &Figures,
    typed: &ManualForm,
    errors: &Invalid,
) -> Markup {
    let fr = frame(lang, user, "/reports");
    let base = report_link(&v.library, v.period);
    let version = v.report.as_ref().map_or(0, |r| r.version);
    let value = |key: &str| typed.get(key).map(String::as_str).unwrap_or("");
    let title = format!(
        "{} · {}",
        R::EnterByHand.get(lang),
        month_name(v.period, lang)
    );
    let body = html! {
        p { a href=(base) { "← " (R::Title.get(lang)) " " (month_name(v.period, lang)) } }
        (error_summary(errors, lang))
        p.lead { (R::ManualIntro.get(lang)) }
        p { strong { (v.library.name) } }
        form.rep-manual method="post" action={ (base) "/figures" } {
            (csrf_field(&fr))
            input type="hidden" name="version" value=(version);
            @for e in Element::ALL {
                @let cells: Vec<&EntryCell> = entry_cells().iter().filter(|c| c.element == *e).collect();
                fieldset.rep-element {
                    legend { h2 { (element_label(*e, lang)) } }
                    p.hint { (R::ComputedNow.get(lang).replace("{n}", &num(computed.total(*e), lang))) }
                    @for (family, dims) in e.entry_sets().iter().enumerate() {
                        @let fam: Vec<&&EntryCell> = cells.iter().filter(|c| c.family == family).collect();
                        @if dims.is_empty() {
                            @for c in &fam { (number_input(c, value(c.key), lang, errors, true)) }
                        } @else {
                            fieldset.rep-family {
                                legend { (dims.iter().map(|d| dim_label(*d, lang)).collect::<Vec<_>>().join(" × ")) }
                                div.rep-grid {
                                    @for c in &fam { (number_input(c, value(c.key), lang, errors, false)) }
                                }
                            }
                        }
                    }
                }
            }
            div.actions {
                button type="submit" { (R::SaveFigures.get(lang)) }
                " " a href=(base) { (Msg::Cancel.get(lang)) }
            }
        }
    };
    page(&fr, &title, body)
}

fn number_input(c: &EntryCell, value: &str, lang: Lang, errors: &Invalid, total: bool) -> Markup {
    let err = errors.for_field(c.key);
    let label = if total {
        element_label(c.element, lang).to_string()
    } else {
        disagg_label(&c.disagg, lang)
    };
    html! {
        div.field.rep-cell.has-error[err.is_some()] {
            label for={ "f-" (c.key) } { (label) }
            @if let Some(e) = err {
                p.error-message id={ "e-" (c.key) } { (problem_sentence(c.key, &e.problem, lang)) }
            }
            input id={ "f-" (c.key) } type="number" inputmode="numeric" min="0" step="1" name=(c.key) value=(value)
                aria-invalid=[err.map(|_| "true")]
                aria-describedby=[err.map(|_| format!("e-{}", c.key))];
        }
    }
}

fn manual_form_from(pairs: &[(String, String)]) -> ManualForm {
    pairs
        .iter()
        .filter(|(k, _)| core::entry_cell(k).is_some())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn who(user: &CurrentUser) -> (ActorRef, String, Role) {
    (
        actor_ref(user),
        user.user.full_name.clone(),
        user.actor.role,
    )
}

async fn save(
    state: &AppState,
    user: &CurrentUser,
    lib: &LibraryRef,
    p: Period,
    figures: Figures,
    step: Step,
    version: Option<i32>,
) -> Result<Saved, WebError> {
    let (by, name, role) = who(user);
    let id = lib.id;
    state
        .run(move |c| {
            let w = Who {
                by: &by,
                name: &name,
                role,
            };
            Ok(store::save_manual(c, &w, id, p, &figures, step, version)?)
        })
        .await
}

async fn figures_save(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path((library, period)): Path<(String, String)>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let pairs = form_pairs(body)?;
    let (lib, p) = target(&state, &user, &library, &period).await?;
    require(Step::Save, &user, &lib)?;
    let typed = manual_form_from(&pairs);
    let figures = match core::parse_manual(&typed) {
        Ok(f) => f,
        Err(errors) => {
            let view = load_view(&state, &lib, p).await?;
            let computed = computed_of(&state, &lib, p).await?;
            let mut res =
                render_manual(&user, lang, &view, &computed, &typed, &errors).into_response();
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(res);
        }
    };
    let base = report_link(&lib, p);
    match outcome(
        save(
            &state,
            &user,
            &lib,
            p,
            figures,
            Step::Save,
            version_of(&pairs),
        )
        .await,
    )? {
        Outcome::Done(Saved::Changed) => {
            Ok(Redirect::to(&format!("{base}?done=save")).into_response())
        }
        Outcome::Done(Saved::Unchanged) => {
            Ok(Redirect::to(&format!("{base}?done=unchanged")).into_response())
        }
        Outcome::Conflict => Ok(Redirect::to(&format!("{base}?conflict=1")).into_response()),
    }
}

// ---------------------------------------------------------- XLSX template

fn template_bytes(p: Period, manual: &Figures, lang: Lang) -> Result<Vec<u8>, WebError> {
    let headers = match lang {
        Lang::Id => ["kode", "uraian", "rincian", "nilai"],
        Lang::En => ["code", "element", "breakdown", "value"],
    };
    let label = move |c: &EntryCell| cell_names(c, lang);
    store::write_template(
        p,
        manual,
        headers,
        pick(
            lang,
            "Bulan laporan (jangan diubah)",
            "Report month (do not change)",
        ),
        &label,
    )
    .map_err(|e| WebError::Internal(format!("writing the template: {e:?}")))
}

fn attachment(bytes: Vec<u8>, mime: &'static str, name: &str) -> Result<Response, WebError> {
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

async fn template(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path((library, period)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (lib, p) = target(&state, &user, &library, &period).await?;
    require(Step::Import, &user, &lib)?;
    let view = load_view(&state, &lib, p).await?;
    let bytes = template_bytes(p, &core::manual_part(&view.figures), lang)?;
    attachment(
        bytes,
        Format::Xlsx.mime_type(),
        &format!("laporan-bulanan-{p}.xlsx"),
    )
}

fn issue_text(i: &TemplateIssue, lang: Lang) -> (usize, String) {
    let tl = match lang {
        Lang::Id => lentera_tabular::Lang::Id,
        Lang::En => lentera_tabular::Lang::En,
    };
    match i {
        TemplateIssue::File(e) => (0, e.message(tl)),
        TemplateIssue::Row(e) => (e.row().unwrap_or(0), e.message(tl)),
        TemplateIssue::UnknownKey { row, key } => (
            *row,
            match lang {
                Lang::Id => format!("Kode \"{key}\" tidak dikenal."),
                Lang::En => format!("The code \"{key}\" is not known."),
            },
        ),
        TemplateIssue::Duplicate { row, key } => (
            *row,
            match lang {
                Lang::Id => format!("Kode \"{key}\" muncul lebih dari sekali."),
                Lang::En => format!("The code \"{key}\" appears more than once."),
            },
        ),
        TemplateIssue::WrongPeriod { row, found } => (
            *row,
            match lang {
                Lang::Id => {
                    format!("Templat ini untuk bulan \"{found}\", bukan bulan laporan ini.")
                }
                Lang::En => format!("This template is for \"{found}\", not this report's month."),
            },
        ),
        TemplateIssue::Cell { row, key, problem } => (*row, problem_sentence(key, problem, lang)),
    }
}

fn issues_json(issues: &[TemplateIssue], lang: Lang) -> Value {
    json!(
        issues
            .iter()
            .map(|i| {
                let (row, message) = issue_text(i, lang);
                json!({ "row": row, "message": message })
            })
            .collect::<Vec<_>>()
    )
}

async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path((library, period)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (lib, p) = target(&state, &user, &library, &period).await?;
    require(Step::Import, &user, &lib)?;
    let form = crate::uploads::read_form(multipart).await?;
    let version = form.text("version").trim().parse::<i32>().ok();
    let Some(file) = form.file("template").cloned() else {
        let view = load_view(&state, &lib, p).await?;
        let errors = Invalid::one("template", Problem::Required);
        let mut res = render_show(&user, lang, &view, &errors, &Typed::default(), None, false)
            .into_response();
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    };
    let read = state
        .run(move |_| Ok(store::read_template(file.bytes, p)))
        .await?;
    let base = report_link(&lib, p);
    match read {
        Ok(figures) => {
            match outcome(save(&state, &user, &lib, p, figures, Step::Import, version).await)? {
                Outcome::Done(Saved::Changed) => {
                    Ok(Redirect::to(&format!("{base}?done=import")).into_response())
                }
                Outcome::Done(Saved::Unchanged) => {
                    Ok(Redirect::to(&format!("{base}?done=unchanged")).into_response())
                }
                Outcome::Conflict => {
                    Ok(Redirect::to(&format!("{base}?conflict=1")).into_response())
                }
            }
        }
        Err(issues) => {
            let fr = frame(lang, &user, "/reports");
            let body = html! {
                p { a href=(base) { "← " (R::Title.get(lang)) " " (month_name(p, lang)) } }
                div.error-summary role="alert" tabindex="-1" data-autofocus {
                    h2 { (R::UploadProblems.get(lang)) }
                }
                div.table-wrap { table {
                    caption { (R::UploadProblems.get(lang)) }
                    thead { tr {
                        th.num scope="col" { (R::Row.get(lang)) }
                        th scope="col" { (R::Problem.get(lang)) }
                    } }
                    tbody {
                        @for i in &issues {
                            @let (row, text) = issue_text(i, lang);
                            tr {
                                td.num { @if row > 0 { (row) } @else { "—" } }
                                td { (text) }
                            }
                        }
                    }
                } }
                p { a href=(base) { (R::Upload.get(lang)) } }
            };
            let mut res = page(&fr, R::Upload.get(lang), body).into_response();
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
    }
}

// ------------------------------------------------------------------ export

/// Column keys of a report download: one row per figure, manual ones marked.
pub const EXPORT_HEADERS: [&str; 9] = [
    "library_id",
    "library",
    "period",
    "status",
    "element",
    "disaggregation",
    "value",
    "manual",
    "label",
];

fn export_bytes(v: &ReportView, format: Format, lang: Lang) -> Result<Vec<u8>, WebError> {
    let run = || -> Result<Vec<u8>, lentera_tabular::TabularError> {
        let mut w = TableWriter::new(format, Vec::new())?;
        w.write_header(&EXPORT_HEADERS)?;
        let status = match v.stage.approved {
            Some(l) if v.stage.is_locked() => format!("approved_{}", l.key()),
            _ => v.stage.status.key().to_string(),
        };
        for f in v.figures.iter() {
            let label = if f.disagg.is_total() {
                element_label(f.element, lang).to_string()
            } else {
                format!(
                    "{} — {}",
                    element_label(f.element, lang),
                    disagg_label(&f.disagg, lang)
                )
            };
            w.write_row(&[
                Cell::text(v.library.id.to_string()),
                Cell::from(v.library.name.as_str()),
                Cell::text(v.period.to_string()),
                Cell::text(status.clone()),
                Cell::from(f.element.key()),
                Cell::text(f.disagg.key()),
                Cell::Int(f.value),
                Cell::Bool(f.manual),
                Cell::text(label),
            ])?;
        }
        w.finish()
    };
    run().map_err(|e| WebError::Internal(format!("writing a table: {e:?}")))
}

fn format_of(q: &[(String, String)]) -> Result<Format, WebError> {
    match param(q, "format")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .as_str()
    {
        "" | "csv" => Ok(Format::Csv),
        "xlsx" => Ok(Format::Xlsx),
        _ => Err(Invalid::one("format", Problem::UnknownChoice).into()),
    }
}

async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path((library, period)): Path<(String, String)>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let format = format_of(&q)?;
    let (lib, p) = target(&state, &user, &library, &period).await?;
    let view = load_view(&state, &lib, p).await?;
    let bytes = export_bytes(&view, format, lang)?;
    attachment(
        bytes,
        format.mime_type(),
        &format!("laporan-bulanan-{p}.{}", format.extension()),
    )
}

// ------------------------------------------------------------ page actions

fn comments_from(pairs: &[(String, String)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("comment.")
                .map(|r| (r.to_string(), v.clone()))
        })
        .collect()
}

async fn do_submit(
    state: &AppState,
    user: &CurrentUser,
    lib: &LibraryRef,
    p: Period,
    comments: BTreeMap<String, String>,
    version: Option<i32>,
) -> Result<store::Report, WebError> {
    require(Step::Submit, user, lib)?;
    let (by, name, role) = who(user);
    let id = lib.id;
    state
        .run(move |c| {
            let w = Who {
                by: &by,
                name: &name,
                role,
            };
            Ok(store::submit(c, &w, id, p, &comments, version, now())?)
        })
        .await
}

async fn do_act(
    state: &AppState,
    user: &CurrentUser,
    lib: &LibraryRef,
    p: Period,
    action: Action,
    version: Option<i32>,
) -> Result<store::Report, WebError> {
    let (by, name, role) = who(user);
    let id = lib.id;
    state
        .run(move |c| {
            let w = Who {
                by: &by,
                name: &name,
                role,
            };
            Ok(store::act(c, &w, id, p, &action, version, now())?)
        })
        .await
}

/// Runs a page action and answers: redirect on success, the report again
/// with the errors and the typing kept on a refusal, a notice on a race.
async fn page_action(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    (lib, p): (&LibraryRef, Period),
    done: &str,
    typed: Typed,
    result: Result<store::Report, WebError>,
) -> Result<Response, WebError> {
    let base = report_link(lib, p);
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{base}?done={done}")).into_response()),
        Err(WebError::Conflict) => Ok(Redirect::to(&format!("{base}?conflict=1")).into_response()),
        Err(WebError::Invalid(errors)) => {
            let view = load_view(state, lib, p).await?;
            let mut res =
                render_show(user, lang, &view, &errors, &typed, None, false).into_response();
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

async fn submit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path((library, period)): Path<(String, String)>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let pairs = form_pairs(body)?;
    let (lib, p) = target(&state, &user, &library, &period).await?;
    let comments = comments_from(&pairs);
    let typed = Typed {
        comments: comments.clone(),
        ..Typed::default()
    };
    let r = do_submit(&state, &user, &lib, p, comments, version_of(&pairs)).await;
    page_action(&state, &user, lang, (&lib, p), "submit", typed, r).await
}

async fn withdraw_page(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path((library, period)): Path<(String, String)>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let pairs = form_pairs(body)?;
    let (lib, p) = target(&state, &user, &library, &period).await?;
    require(Step::Withdraw, &user, &lib)?;
    let r = do_act(&state, &user, &lib, p, Action::Withdraw, version_of(&pairs)).await;
    page_action(
        &state,
        &user,
        lang,
        (&lib, p),
        "withdraw",
        Typed::default(),
        r,
    )
    .await
}

async fn approve_page(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path((library, period)): Path<(String, String)>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let pairs = form_pairs(body)?;
    let (lib, p) = target(&state, &user, &library, &period).await?;
    let level = officer_level(&user)?;
    let text = param(&pairs, "comment").unwrap_or_default();
    let typed = Typed {
        comment: text.clone(),
        ..Typed::default()
    };
    let r = match core::parse_comment(&text, false) {
        Ok(comment) => {
            do_act(
                &state,
                &user,
                &lib,
                p,
                Action::Approve { level, comment },
                version_of(&pairs),
            )
            .await
        }
        Err(e) => Err(e.into()),
    };
    page_action(&state, &user, lang, (&lib, p), "approve", typed, r).await
}

async fn return_page(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path((library, period)): Path<(String, String)>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let pairs = form_pairs(body)?;
    let (lib, p) = target(&state, &user, &library, &period).await?;
    let level = officer_level(&user)?;
    let text = param(&pairs, "return_comment")
        .or_else(|| param(&pairs, "comment"))
        .unwrap_or_default();
    let typed = Typed {
        return_comment: text.clone(),
        ..Typed::default()
    };
    let r = match core::parse_comment(&text, true) {
        Ok(comment) => {
            do_act(
                &state,
                &user,
                &lib,
                p,
                Action::Return {
                    level,
                    comment: comment.unwrap_or_default(),
                },
                version_of(&pairs),
            )
            .await
        }
        // On the page the return form's box is `return_comment`, apart
        // from the approve form's optional `comment`.
        Err(mut e) => {
            for fe in &mut e.0 {
                if fe.field == "comment" {
                    fe.field = "return_comment";
                }
            }
            Err(e.into())
        }
    };
    page_action(&state, &user, lang, (&lib, p), "return", typed, r).await
}

async fn unlock_page(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path((library, period)): Path<(String, String)>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let pairs = form_pairs(body)?;
    let (lib, p) = target(&state, &user, &library, &period).await?;
    let level = officer_level(&user)?;
    let text = param(&pairs, "reason").unwrap_or_default();
    let typed = Typed {
        reason: text.clone(),
        ..Typed::default()
    };
    let r = match core::parse_reason(&text) {
        Ok(reason) => {
            do_act(
                &state,
                &user,
                &lib,
                p,
                Action::Unlock { level, reason },
                version_of(&pairs),
            )
            .await
        }
        Err(e) => Err(e.into()),
    };
    page_action(&state, &user, lang, (&lib, p), "unlock", typed, r).await
}

// ------------------------------------------------------------ completeness

/// The region a completeness request is about: the one asked for (within
/// reach, else 404), else the officer's own (None: the nation).
fn completeness_region(
    user: &CurrentUser,
    q: &[(String, String)],
) -> Result<Option<RegionCode>, WebError> {
    if !user.actor.role.is_officer() {
        return Err(WebError::Forbidden);
    }
    match param(q, "region") {
        Some(r) => {
            let code =
                RegionCode::parse(&r).map_err(|p| WebError::from(Invalid::one("region", p)))?;
            if user.actor.reaches_region(&code) {
                Ok(Some(code))
            } else {
                Err(WebError::NotFound)
            }
        }
        None => Ok(match user.actor.reach() {
            Reach::Region(r) => Some(r),
            _ => None,
        }),
    }
}

fn completeness_period(q: &[(String, String)]) -> Result<Period, WebError> {
    match param(q, "period") {
        Some(p) => core::parse_period(&p, today_wib())
            .map_err(|e| WebError::from(Invalid::one("period", e))),
        None => Ok(core::last_month(today_wib())),
    }
}

async fn load_completeness(
    state: &AppState,
    region: Option<RegionCode>,
    p: Period,
    tpbis: bool,
) -> Result<(Completeness, u32), WebError> {
    state
        .run(move |c| {
            let day = match &region {
                Some(r) => store::deadline_day(c, r)?,
                None => store::deadlines(c)?
                    .get("")
                    .copied()
                    .unwrap_or(core::DEFAULT_DEADLINE_DAY),
            };
            Ok((store::completeness(c, region.as_ref(), p, tpbis)?, day))
        })
        .await
}

fn region_name(state: &AppState, code: Option<&RegionCode>, lang: Lang) -> String {
    match code {
        None => R::Nation.get(lang).to_string(),
        Some(c) => state
            .regions
            .get(c)
            .map(|r| r.display_name())
            .unwrap_or_else(|| c.to_string()),
    }
}

async fn completeness_page(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let region = completeness_region(&user, &q)?;
    let p = completeness_period(&q)?;
    let tpbis = param(&q, "tpbis").is_some_and(|v| v != "0" && v != "false");
    let (c, day) = load_completeness(&state, region.clone(), p, tpbis).await?;
    if let Some(format) = param(&q, "format") {
        let format = format_of(&[("format".into(), format)])?;
        let bytes = completeness_bytes(&state, &c, format, lang)?;
        return attachment(
            bytes,
            format.mime_type(),
            &format!("kelengkapan-laporan-{p}.{}", format.extension()),
        );
    }
    let fr = frame(lang, &user, "/reports");
    let name = region_name(&state, region.as_ref(), lang);
    let months: Vec<(String, String)> = {
        let mut m = Period::of(today_wib());
        let mut v = Vec::new();
        for _ in 0..24 {
            v.push((m.to_string(), month_name(m, lang)));
            m = m.prev();
        }
        v
    };
    let own_region = match user.actor.reach() {
        Reach::Region(r) => Some(r),
        _ => None,
    };
    let keep = |child: &RegionCode| {
        format!(
            "/reports/completeness?region={}&period={}{}",
            child,
            p,
            if tpbis { "&tpbis=1" } else { "" }
        )
    };
    let t = &c.total;
    let no_errors = Invalid::default();
    let caption = R::CompletenessCaption
        .get(lang)
        .replace("{month}", &month_name(p, lang))
        .replace("{region}", &name);
    let up = region
        .as_ref()
        .and_then(|r| r.parent())
        .filter(|parent| user.actor.reaches_region(parent));
    let body = html! {
        p { a href="/reports" { "← " (R::Title.get(lang)) } }
        p.lead { (R::CompletenessIntro.get(lang)) }
        form.filters method="get" action="/reports/completeness" {
            @if let Some(r) = &region { input type="hidden" name="region" value=(r); }
            (crate::html::select("period", &p.to_string(), &months, true, lang, &no_errors))
            div.field.checkbox {
                input #f-tpbis type="checkbox" name="tpbis" value="1" checked[tpbis];
                label for="f-tpbis" { (R::TpbisOnly.get(lang)) }
            }
            div.actions { button.secondary type="submit" { (R::Filter.get(lang)) } }
        }
        @if let Some(parent) = &up {
            p { a href=(keep(parent)) { "↑ " (region_name(&state, Some(parent), lang)) } }
        } @else if region.is_some() && user.actor.reach() == Reach::Everything {
            p { a href={ "/reports/completeness?period=" (p) } { "↑ " (R::Nation.get(lang)) } }
        }
        h2 { (name) " · " (month_name(p, lang)) }
        dl.summary {
            dt { (R::Expected.get(lang)) } dd { (num(t.expected, lang)) }
            dt { (R::Reported.get(lang)) } dd { (num(t.reported, lang)) " (" (pct(t.completeness(), lang)) ")" }
            dt { (R::OnTime.get(lang)) } dd { (num(t.on_time, lang)) " (" (pct(t.timeliness(), lang)) ")" }
            dt { (R::Late.get(lang)) } dd { (num(t.late(), lang)) }
            dt { (R::ApprovedD.get(lang)) } dd { (num(t.approved_district, lang)) }
            dt { (R::ApprovedP.get(lang)) } dd { (num(t.approved_province, lang)) }
            dt { (R::ApprovedN.get(lang)) } dd { (num(t.approved_national, lang)) }
            dt { (R::Due.get(lang)) } dd { (date_text(core::deadline(p, day), lang)) }
        }
        div.table-wrap { table.rep-completeness {
            caption { (caption) }
            @if c.by_library {
                thead { tr {
                    th scope="col" { (R::Library.get(lang)) }
                    th scope="col" { (Msg::Status.get(lang)) }
                    th scope="col" { (R::Sent.get(lang)) }
                    th scope="col" { (R::OnTime.get(lang)) }
                } }
                tbody {
                    @for row in &c.rows {
                        @if let Some(l) = &row.library {
                            @let tz = TimeZone::of_region(&l.village);
                            tr {
                                th scope="row" { a href=(report_link(l, p)) { (l.name) } }
                                td { (status_tag(row.stage.unwrap_or(Stage::NEW), lang)) }
                                td { (row.first_submitted_at.map(|s| time_text(s, tz, lang)).unwrap_or_else(|| "—".into())) }
                                td {
                                    @if row.tally.reported == 0 { "—" }
                                    @else if row.tally.on_time == 1 { span.tag.on { (R::Yes.get(lang)) } }
                                    @else { span.tag.off { (R::No.get(lang)) } }
                                }
                            }
                        }
                    }
                }
            } @else {
                thead { tr {
                    th scope="col" { (R::Region.get(lang)) }
                    th.num scope="col" { (R::Expected.get(lang)) }
                    th.num scope="col" { (R::Reported.get(lang)) }
                    th.num scope="col" { (R::Share.get(lang)) }
                    th.num scope="col" { (R::OnTime.get(lang)) }
                    th.num scope="col" { (R::Timeliness.get(lang)) }
                    th.num scope="col" { (R::ApprovedD.get(lang)) }
                    th.num scope="col" { (R::ApprovedP.get(lang)) }
                    th.num scope="col" { (R::ApprovedN.get(lang)) }
                } }
                tbody {
                    @for row in &c.rows {
                        tr {
                            th scope="row" { a href=(keep(&row.region)) { (region_name(&state, Some(&row.region), lang)) } }
                            td.num { (num(row.tally.expected, lang)) }
                            td.num { (num(row.tally.reported, lang)) }
                            td.num { (pct(row.tally.completeness(), lang)) }
                            td.num { (num(row.tally.on_time, lang)) }
                            td.num { (pct(row.tally.timeliness(), lang)) }
                            td.num { (num(row.tally.approved_district, lang)) }
                            td.num { (num(row.tally.approved_province, lang)) }
                            td.num { (num(row.tally.approved_national, lang)) }
                        }
                    }
                }
            }
        } }
        p {
            a href={ "/reports/completeness?period=" (p) @if let Some(r) = &region { "&region=" (r) } @if tpbis { "&tpbis=1" } "&format=csv" } download { (R::Csv.get(lang)) }
            " · "
            a href={ "/reports/completeness?period=" (p) @if let Some(r) = &region { "&region=" (r) } @if tpbis { "&tpbis=1" } "&format=xlsx" } download { (R::Xlsx.get(lang)) }
        }
        @if param(&q, "deadline").is_some() { (notice(R::DeadlineSaved.get(lang))) }
        section aria-labelledby="rep-deadline" {
            h2 #rep-deadline { (R::DeadlineTitle.get(lang)) }
            @let home = own_region.as_ref();
            p { (R::DeadlineIntro.get(lang).replace("{region}", &region_name(&state, home, lang))) }
            form method="post" action="/reports/deadline" {
                (csrf_field(&fr))
                div.field {
                    label for="f-day" { (field_label("day", lang).unwrap_or("day")) }
                    p.hint #h-day {
                        (R::DeadlineNow.get(lang).replace("{day}", &day.to_string()))
                        @if home.is_some() { " " (R::DeadlineInherit.get(lang)) }
                    }
                    input #f-day type="number" name="day" min="1" max="28" inputmode="numeric"
                        aria-describedby="h-day" required[home.is_none()];
                }
                div.actions { button.secondary type="submit" { (Msg::Save.get(lang)) } }
            }
        }
    };
    Ok(page(&fr, R::Completeness.get(lang), body).into_response())
}

fn completeness_bytes(
    state: &AppState,
    c: &Completeness,
    format: Format,
    lang: Lang,
) -> Result<Vec<u8>, WebError> {
    let run = || -> Result<Vec<u8>, lentera_tabular::TabularError> {
        let mut w = TableWriter::new(format, Vec::new())?;
        w.write_header(&[
            "period",
            "region_code",
            "name",
            "library_id",
            "expected",
            "reported",
            "on_time",
            "approved_district",
            "approved_province",
            "approved_national",
            "status",
        ])?;
        for row in &c.rows {
            let (name, lib, status) = match &row.library {
                Some(l) => (
                    l.name.clone(),
                    Cell::text(l.id.to_string()),
                    Cell::text(status_text(row.stage.unwrap_or(Stage::NEW), lang)),
                ),
                None => (
                    region_name(state, Some(&row.region), lang),
                    Cell::Empty,
                    Cell::Empty,
                ),
            };
            let t = &row.tally;
            w.write_row(&[
                Cell::text(c.period.to_string()),
                Cell::text(row.region.to_string()),
                Cell::text(name),
                lib,
                Cell::Int(t.expected),
                Cell::Int(t.reported),
                Cell::Int(t.on_time),
                Cell::Int(t.approved_district),
                Cell::Int(t.approved_province),
                Cell::Int(t.approved_national),
                status,
            ])?;
        }
        w.finish()
    };
    run().map_err(|e| WebError::Internal(format!("writing a table: {e:?}")))
}

/// Sets the deadline for the officer's own region (national: the default).
async fn set_deadline(state: &AppState, user: &CurrentUser, day: &str) -> Result<(), WebError> {
    if !user.actor.role.is_officer() {
        return Err(WebError::Forbidden);
    }
    let region = match user.actor.reach() {
        Reach::Region(r) => Some(r),
        Reach::Everything => None,
        Reach::Libraries(_) => return Err(WebError::Forbidden),
    };
    let day = match (core::parse_deadline_day(day), &region) {
        (Ok(d), _) => Some(d),
        // A region may go back to following the one above it.
        (Err(Problem::Required), Some(_)) => None,
        (Err(p), _) => return Err(Invalid::one("day", p).into()),
    };
    let by = actor_ref(user);
    state
        .run(move |c| Ok(store::set_deadline(c, &by, region.as_ref(), day)?))
        .await
}

async fn deadline_page(
    State(state): State<AppState>,
    user: CurrentUser,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let pairs = form_pairs(body)?;
    set_deadline(&state, &user, &param(&pairs, "day").unwrap_or_default()).await?;
    Ok(Redirect::to("/reports/completeness?deadline=1").into_response())
}

// --------------------------------------------------------------------- API

fn utc(t: NaiveDateTime) -> String {
    crate::audit::utc_json(t)
}

fn report_json(v: &ReportView) -> Value {
    let r = v.report.as_ref();
    json!({
        "library": {
            "id": v.library.id,
            "name": v.library.name,
            "village_code": v.library.village.as_str(),
        },
        "period": v.period.to_string(),
        "status": v.stage.status.key(),
        "approved_level": v.stage.approved.map(|l| l.key()),
        "waiting_for": v.stage.waiting_for().map(|l| l.key()),
        "locked": v.stage.is_locked(),
        "open": v.stage.is_open(),
        "version": r.map_or(0, |r| r.version),
        "deadline": v.deadline.to_string(),
        "on_time": v.on_time,
        "first_submitted_at": r.and_then(|r| r.first_submitted_at).map(utc),
        "submitted_at": r.and_then(|r| r.submitted_at).map(utc),
        "submitted_by": r.and_then(|r| r.submitted_by.clone()),
        "approved_at": r.and_then(|r| r.approved_at).map(utc),
        "approved_by": r.and_then(|r| r.approved_by.clone()),
        "figures": v.figures.iter().collect::<Vec<_>>(),
        "manual_elements": Element::ALL.iter().filter(|e| v.figures.is_manual(**e)).map(|e| e.key()).collect::<Vec<_>>(),
        "previous_totals": Element::ALL.iter().map(|e| (e.key().to_string(), json!(v.previous.total(*e)))).collect::<serde_json::Map<_, _>>(),
        "findings": v.findings.iter().map(|f| json!({
            "rule": f.rule,
            "severity": f.severity.key(),
            "element": f.element.key(),
            "value": f.value,
            "limit": f.limit,
            "comment": v.notes.get(f.rule),
        })).collect::<Vec<_>>(),
        "drift": v.drift.iter().map(|(e, reported, now)| json!({
            "element": e.key(), "reported": reported, "records": now,
        })).collect::<Vec<_>>(),
        "history": v.events.iter().map(|e| json!({
            "step": e.step.key(),
            "level": e.level.map(|l| l.key()),
            "actor_name": e.actor_name,
            "actor_role": e.actor_role,
            "comment": e.comment,
            "at": utc(e.at),
        })).collect::<Vec<_>>(),
        "link": report_link(&v.library, v.period),
    })
}

fn row_json(r: &store::ReportRow) -> Value {
    json!({
        "library_id": r.report.library_id,
        "library_name": r.library_name,
        "village_code": r.report.region_code.as_str(),
        "period": r.report.period.to_string(),
        "status": r.report.stage.status.key(),
        "approved_level": r.report.stage.approved.map(|l| l.key()),
        "waiting_for": r.report.stage.waiting_for().map(|l| l.key()),
        "first_submitted_at": r.report.first_submitted_at.map(utc),
        "submitted_at": r.report.submitted_at.map(utc),
        "version": r.report.version,
        "link": format!("/reports/{}/{}", r.report.library_id, r.report.period),
    })
}

async fn api_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let f = list_filters(&user, &q)?;
    let mut query = query_of(&user, &f);
    if let Some(l) = param(&q, "library") {
        let lib = library_in_reach(&state, &user, &l).await?;
        query.library = Some(lib.id);
    }
    if let Some(n) = param(&q, "per_page").and_then(|v| v.parse::<i64>().ok()) {
        query.per_page = n.clamp(1, 500);
    }
    let page = state.run(move |c| Ok(store::list(c, &query)?)).await?;
    Ok(Json(json!({
        "items": page.items.iter().map(row_json).collect::<Vec<_>>(),
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
    })))
}

async fn api_get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((library, period)): Path<(String, String)>,
) -> Result<Json<Value>, WebError> {
    let (lib, p) = target(&state, &user, &library, &period).await?;
    Ok(Json(report_json(&load_view(&state, &lib, p).await?)))
}

fn json_version(map: &serde_json::Map<String, Value>) -> Result<Option<i32>, WebError> {
    match map.get("version") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .and_then(|v| i32::try_from(v).ok())
            .map(Some)
            .ok_or_else(|| WebError::BadRequest("`version` must be a whole number".into())),
        Some(_) => Err(WebError::BadRequest(
            "`version` must be a whole number".into(),
        )),
    }
}

fn json_text(map: &serde_json::Map<String, Value>, key: &str) -> Result<String, WebError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(WebError::BadRequest(format!("`{key}` must be a string"))),
    }
}

/// `{"figures": {"loans": 30, "visits.P.anak": 12, …}, "version": 3}`:
/// the whole set of hand-entered figures (keys as in the form and the
/// template); elements left out go back to computed.
async fn api_figures(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((library, period)): Path<(String, String)>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    let map = json_object(body)?;
    let (lib, p) = target(&state, &user, &library, &period).await?;
    require(Step::Save, &user, &lib)?;
    let mut typed = ManualForm::new();
    let mut errors = Invalid::default();
    match map.get("figures") {
        Some(Value::Object(m)) => {
            for (k, v) in m {
                match (core::entry_cell(k), scalar_text(v)) {
                    (Some(c), Some(t)) => {
                        typed.insert(c.key.to_string(), t);
                    }
                    (Some(c), None) => errors.push(c.key, Problem::NotANumber),
                    (None, _) => errors.push("figures", Problem::UnknownChoice),
                }
            }
        }
        None | Some(Value::Null) => {}
        Some(_) => {
            return Err(WebError::BadRequest(
                "`figures` must be an object of figure keys and numbers".into(),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let figures = core::parse_manual(&typed)?;
    let saved = save(
        &state,
        &user,
        &lib,
        p,
        figures,
        Step::Save,
        json_version(&map)?,
    )
    .await?;
    let mut out = report_json(&load_view(&state, &lib, p).await?);
    out["saved"] = json!(saved);
    Ok(Json(out))
}

/// Multipart `template`: the filled XLSX (or CSV) template. 422 with
/// `problems: [{row, message}]` when any row is refused; nothing is saved.
async fn api_upload(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path((library, period)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (lib, p) = target(&state, &user, &library, &period).await?;
    require(Step::Import, &user, &lib)?;
    let form = crate::uploads::read_form(multipart).await?;
    let version = form.text("version").trim().parse::<i32>().ok();
    let file = form
        .file("template")
        .cloned()
        .ok_or_else(|| WebError::from(Invalid::one("template", Problem::Required)))?;
    let read = state
        .run(move |_| Ok(store::read_template(file.bytes, p)))
        .await?;
    match read {
        Ok(figures) => {
            let saved = save(&state, &user, &lib, p, figures, Step::Import, version).await?;
            let mut out = report_json(&load_view(&state, &lib, p).await?);
            out["saved"] = json!(saved);
            Ok(Json(out).into_response())
        }
        Err(issues) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({
                "error": {
                    "code": "validation_failed",
                    "message": R::UploadProblems.get(lang),
                    "fields": [{"field": "template", "code": "invalid", "message": R::UploadProblems.get(lang)}],
                },
                "problems": issues_json(&issues, lang),
            })),
        )
            .into_response()),
    }
}

async fn api_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((library, period)): Path<(String, String)>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    let map = json_object(body)?;
    let (lib, p) = target(&state, &user, &library, &period).await?;
    let comments: BTreeMap<String, String> = match map.get("comments") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| (k.clone(), scalar_text(v).unwrap_or_default()))
            .collect(),
        Some(_) => {
            return Err(WebError::BadRequest(
                "`comments` must be an object of rule keys and texts".into(),
            ));
        }
    };
    do_submit(&state, &user, &lib, p, comments, json_version(&map)?).await?;
    Ok(Json(report_json(&load_view(&state, &lib, p).await?)))
}

async fn api_step(
    state: &AppState,
    user: &CurrentUser,
    library: &str,
    period: &str,
    body: JsonBody,
    make: impl FnOnce(&CurrentUser, &serde_json::Map<String, Value>) -> Result<Action, WebError>,
) -> Result<Json<Value>, WebError> {
    let map = json_object(body)?;
    let (lib, p) = target(state, user, library, period).await?;
    let action = make(user, &map)?;
    if let Action::Withdraw = action {
        require(Step::Withdraw, user, &lib)?;
    }
    do_act(state, user, &lib, p, action, json_version(&map)?).await?;
    Ok(Json(report_json(&load_view(state, &lib, p).await?)))
}

async fn api_withdraw(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((library, period)): Path<(String, String)>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    api_step(&state, &user, &library, &period, body, |_, _| {
        Ok(Action::Withdraw)
    })
    .await
}

async fn api_approve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((library, period)): Path<(String, String)>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    api_step(&state, &user, &library, &period, body, |u, m| {
        let level = officer_level(u)?;
        let comment = core::parse_comment(&json_text(m, "comment")?, false)?;
        Ok(Action::Approve { level, comment })
    })
    .await
}

async fn api_return(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((library, period)): Path<(String, String)>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    api_step(&state, &user, &library, &period, body, |u, m| {
        let level = officer_level(u)?;
        let comment = core::parse_comment(&json_text(m, "comment")?, true)?.unwrap_or_default();
        Ok(Action::Return { level, comment })
    })
    .await
}

async fn api_unlock(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((library, period)): Path<(String, String)>,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    api_step(&state, &user, &library, &period, body, |u, m| {
        let level = officer_level(u)?;
        let reason = core::parse_reason(&json_text(m, "reason")?)?;
        Ok(Action::Unlock { level, reason })
    })
    .await
}

fn completeness_json(state: &AppState, c: &Completeness, day: u32, lang: Lang) -> Value {
    let tally = |t: &store::Tally| {
        json!({
            "expected": t.expected,
            "reported": t.reported,
            "on_time": t.on_time,
            "late": t.late(),
            "approved_district": t.approved_district,
            "approved_province": t.approved_province,
            "approved_national": t.approved_national,
            "returned": t.returned,
            "completeness_pct": (t.completeness() * 10.0).round() / 10.0,
            "timeliness_pct": (t.timeliness() * 10.0).round() / 10.0,
        })
    };
    json!({
        "period": c.period.to_string(),
        "region": c.region.as_ref().map(|r| r.as_str()),
        "region_name": region_name(state, c.region.as_ref(), lang),
        "deadline_day": day,
        "deadline": core::deadline(c.period, day).to_string(),
        "by_library": c.by_library,
        "total": tally(&c.total),
        "rows": c.rows.iter().map(|r| json!({
            "region": r.region.as_str(),
            "name": r.library.as_ref().map(|l| l.name.clone()).unwrap_or_else(|| region_name(state, Some(&r.region), lang)),
            "library_id": r.library.as_ref().map(|l| l.id),
            "status": r.stage.map(|s| s.status.key()),
            "approved_level": r.stage.and_then(|s| s.approved).map(|l| l.key()),
            "first_submitted_at": r.first_submitted_at.map(utc),
            "deadline": r.deadline.map(|d| d.to_string()),
            "tally": tally(&r.tally),
        })).collect::<Vec<_>>(),
    })
}

async fn api_completeness(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let region = completeness_region(&user, &q)?;
    let p = completeness_period(&q)?;
    let tpbis = param(&q, "tpbis").is_some_and(|v| v != "0" && v != "false");
    let (c, day) = load_completeness(&state, region, p, tpbis).await?;
    Ok(Json(completeness_json(&state, &c, day, lang)))
}

/// `{"day": 15}` for the officer's own region (national: the default);
/// `{"day": null}` lets a region follow the one above again.
async fn api_deadline(
    State(state): State<AppState>,
    user: CurrentUser,
    body: JsonBody,
) -> Result<Json<Value>, WebError> {
    let map = json_object(body)?;
    let day = match map.get("day") {
        None | Some(Value::Null) => String::new(),
        Some(v) => scalar_text(v).unwrap_or_else(|| "x".into()),
    };
    set_deadline(&state, &user, &day).await?;
    let region = match user.actor.reach() {
        Reach::Region(r) => Some(r),
        _ => None,
    };
    let r2 = region.clone();
    let day = state
        .run(move |c| {
            Ok(match &r2 {
                Some(r) => store::deadline_day(c, r)?,
                None => store::deadlines(c)?
                    .get("")
                    .copied()
                    .unwrap_or(core::DEFAULT_DEADLINE_DAY),
            })
        })
        .await?;
    Ok(Json(json!({
        "region": region.as_ref().map(|r| r.as_str()),
        "day": day,
    })))
}

// ------------------------------------------------------------------- to-do

/// What waits for this user: a library's last month not yet sent (due on
/// the deadline) and reports sent back to it; an officer's reports waiting
/// for their level.
pub fn todos(conn: &mut DbConn, u: &CurrentUser, lang: Lang) -> Result<Vec<TodoItem>, WebError> {
    let mut out = Vec::new();
    if let Some(lib) = u.actor.own_library() {
        let lib = store::library_ref(conn, lib)?;
        let today = today_in(&lib.village);
        let last = core::last_month(today);
        let day = store::deadline_day(conn, &lib.village)?;
        let mut from = last;
        for _ in 0..5 {
            from = from.prev();
        }
        for (p, r) in store::library_months(conn, lib.id, from, last)? {
            let stage = r.as_ref().map_or(Stage::NEW, |r| r.stage);
            let due = core::deadline(p, day);
            if matches!(stage.status, Status::Returned | Status::Unlocked) {
                out.push(TodoItem {
                    label: R::TodoFix
                        .get(lang)
                        .replace("{month}", &month_name(p, lang)),
                    href: report_link(&lib, p),
                    due: None,
                    late: false,
                });
            } else if p == last && stage.status == Status::Draft {
                out.push(TodoItem {
                    label: R::TodoSend
                        .get(lang)
                        .replace("{month}", &month_name(p, lang)),
                    href: report_link(&lib, p),
                    due: Some(due),
                    late: today > due,
                });
            }
        }
    } else if let Some(level) = ApprovalLevel::of_role(u.actor.role) {
        let n = store::waiting_count(conn, &u.actor.reach(), level)?;
        if n > 0 {
            out.push(TodoItem {
                label: R::TodoReview.get(lang).replace("{n}", &n.to_string()),
                href: "/reports?waiting=1".into(),
                due: None,
                late: false,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_and_entry_cell_has_a_label_in_both_languages() {
        for r in core::RULES {
            for lang in [Lang::Id, Lang::En] {
                assert!(rule_title(r.key, lang).is_some(), "{}", r.key);
                assert_eq!(field_label(r.key, lang), rule_title(r.key, lang));
            }
        }
        for c in entry_cells() {
            assert!(field_label(c.key, Lang::Id).is_some(), "{}", c.key);
            assert!(field_label(c.key, Lang::En).is_some(), "{}", c.key);
        }
        assert_eq!(
            field_label("visits.P.anak", Lang::Id),
            Some("Kunjungan — Perempuan, Anak (0–12)")
        );
        assert_eq!(field_label("loans", Lang::En), Some("Loans"));
    }

    #[test]
    fn numbers_and_months_read_naturally() {
        assert_eq!(num(1234567, Lang::Id), "1.234.567");
        assert_eq!(num(1234, Lang::En), "1,234");
        assert_eq!(num(12, Lang::Id), "12");
        assert_eq!(num(-1000, Lang::Id), "-1.000");
        assert_eq!(pct(66.666, Lang::Id), "66,7%");
        let p = Period::parse("2026-09").unwrap();
        assert_eq!(month_name(p, Lang::Id), "September 2026");
        assert_eq!(month_name(p.next(), Lang::Id), "Oktober 2026");
    }
}

//! The audit trail: page and `/api/v1/audit`.
//!
//! The store writes an entry with every change; here it is read back through
//! the reader's reach, like every other record: a district officer sees the
//! entries of their regency, a library manager those of their library.
//! National entries (no region) are for national administrators only.

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{Frame, page, pager, url_encode};
use crate::i18n::{Lang, Msg, field_label};
use crate::session::L;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{Datelike, Duration, NaiveDateTime, Timelike};
use lentera_core::field::{Invalid, Problem, optional, optional_int};
use lentera_core::ids::LibraryId;
use lentera_core::users::Place;
use lentera_store::audit::{self, AuditEntry, AuditQuery};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/audit", get(audit_page))
        .route("/api/v1/audit", get(api_list))
}

crate::messages!(AuditText {
    Intro => "Setiap perubahan data tercatat di sini: siapa, kapan, dan apa yang berubah. Anda melihat catatan dalam jangkauan Anda saja.", "Every change is recorded here: who, when and what changed. You see the entries within your reach only.";
    Time => "Waktu (WIB, UTC+7)", "Time (WIB, UTC+7)";
    By => "Oleh", "By";
    Action => "Tindakan", "Action";
    Record => "Data", "Record";
    Changes => "Perubahan", "Changes";
    Field => "Isian", "Field";
    Before => "Sebelum", "Before";
    After => "Sesudah", "After";
    AllTypes => "Semua jenis", "All types";
    AllActions => "Semua tindakan", "All actions";
    AllLibraryActions => "Semua tindakan pada perpustakaan", "All library actions";
    AllUserActions => "Semua tindakan pada pengguna", "All user actions";
    EntityLibrary => "Perpustakaan", "Library";
    EntityUser => "Pengguna", "User";
    Entries => "{n} catatan", "{n} entries";
    System => "Sistem", "System";
    Filter => "Tampilkan", "Show";
    Empty => "(kosong)", "(empty)";
    OtherLibrary => "perpustakaan di luar jangkauan Anda", "a library outside your reach";
});

/// The action keys the store writes, with what they mean.
const ACTIONS: &[(&str, &str, &str)] = &[
    (
        "library.create",
        "Mendaftarkan perpustakaan",
        "Registered a library",
    ),
    (
        "library.update",
        "Mengubah data perpustakaan",
        "Changed a library's details",
    ),
    (
        "library.deactivate",
        "Menonaktifkan perpustakaan",
        "Deactivated a library",
    ),
    (
        "library.reactivate",
        "Mengaktifkan kembali perpustakaan",
        "Reactivated a library",
    ),
    ("user.create", "Menambahkan pengguna", "Added a user"),
    (
        "user.update",
        "Mengubah profil pengguna",
        "Changed a user's profile",
    ),
    (
        "user.password_change",
        "Mengganti kata sandinya sendiri",
        "Changed their own password",
    ),
    (
        "user.password_reset",
        "Mengatur ulang kata sandi pengguna",
        "Reset a user's password",
    ),
    (
        "user.deactivate",
        "Menonaktifkan pengguna",
        "Deactivated a user",
    ),
    (
        "user.reactivate",
        "Mengaktifkan kembali pengguna",
        "Reactivated a user",
    ),
    (
        "user.assign_libraries",
        "Mengubah perpustakaan dampingan fasilitator",
        "Changed a facilitator's assigned libraries",
    ),
    (
        "biblio.create",
        "Menambahkan judul ke katalog",
        "Added a record to the catalogue",
    ),
    (
        "biblio.update",
        "Mengubah data judul",
        "Changed a catalogue record",
    ),
    (
        "biblio.delete",
        "Menghapus judul dari katalog",
        "Deleted a catalogue record",
    ),
    (
        "catalog.import",
        "Mengimpor katalog",
        "Imported a catalogue file",
    ),
    ("item.create", "Menambahkan eksemplar", "Added an item"),
    ("item.update", "Mengubah data eksemplar", "Changed an item"),
    (
        "item.status",
        "Mengubah status eksemplar",
        "Changed an item's status",
    ),
    (
        "member.create",
        "Mendaftarkan anggota",
        "Registered a member",
    ),
    (
        "member.update",
        "Mengubah data anggota",
        "Changed a member's details",
    ),
    (
        "member.deactivate",
        "Menonaktifkan anggota",
        "Deactivated a member",
    ),
    (
        "member.reactivate",
        "Mengaktifkan kembali anggota",
        "Reactivated a member",
    ),
    (
        "member.nik_reveal",
        "Melihat NIK anggota",
        "Viewed a member's NIK",
    ),
    ("loan.checkout", "Meminjamkan buku", "Lent an item"),
    (
        "loan.return",
        "Menerima pengembalian buku",
        "Took back an item",
    ),
    ("loan.renew", "Memperpanjang peminjaman", "Renewed a loan"),
    ("hold.place", "Mencatat pemesanan buku", "Placed a hold"),
    (
        "hold.cancel",
        "Membatalkan pemesanan buku",
        "Cancelled a hold",
    ),
    (
        "circulation.settings",
        "Mengubah pengaturan sirkulasi",
        "Changed circulation settings",
    ),
    (
        "circulation.rule",
        "Mengubah aturan peminjaman",
        "Changed a loan rule",
    ),
    (
        "circulation.holiday",
        "Mengubah hari libur perpustakaan",
        "Changed library holidays",
    ),
    ("visit.create", "Mencatat kunjungan", "Recorded a visit"),
    (
        "visit.delete",
        "Menghapus catatan kunjungan",
        "Deleted a visit entry",
    ),
    ("visit.import", "Mengimpor kunjungan", "Imported visits"),
    (
        "aid.package_create",
        "Membuat paket bantuan",
        "Created an aid package",
    ),
    (
        "aid.package_update",
        "Mengubah paket bantuan",
        "Changed an aid package",
    ),
    (
        "aid.package_book_list",
        "Mengganti daftar buku paket bantuan",
        "Replaced an aid package's book list",
    ),
    ("aid.allocate", "Mengalokasikan bantuan", "Allocated aid"),
    (
        "aid.allocate_bulk",
        "Mengalokasikan bantuan untuk semua penerima",
        "Allocated aid to all recipients",
    ),
    (
        "aid.allocation_update",
        "Mengubah alokasi bantuan",
        "Changed an aid allocation",
    ),
    (
        "aid.allocation_delete",
        "Menghapus alokasi bantuan",
        "Deleted an aid allocation",
    ),
    (
        "aid.shipment",
        "Mencatat pengiriman bantuan",
        "Recorded an aid shipment",
    ),
    (
        "aid.shipment_bulk",
        "Mencatat pengiriman bantuan sekaligus",
        "Recorded aid shipments in bulk",
    ),
    (
        "aid.receipt",
        "Mencatat berita acara serah terima bantuan",
        "Recorded the aid handover (BAST)",
    ),
    (
        "aid.books_import",
        "Memasukkan buku bantuan ke katalog",
        "Added aid books to the catalogue",
    ),
    (
        "stocktake.start",
        "Memulai stok opname",
        "Started a stock-take",
    ),
    (
        "stocktake.finish",
        "Menyelesaikan stok opname",
        "Finished a stock-take",
    ),
    (
        "report.save",
        "Mengisi angka laporan bulanan secara manual",
        "Entered monthly report figures by hand",
    ),
    (
        "report.import",
        "Mengunggah templat laporan bulanan",
        "Uploaded a monthly report template",
    ),
    (
        "report.submit",
        "Mengirim laporan bulanan",
        "Sent a monthly report",
    ),
    (
        "report.withdraw",
        "Menarik kembali laporan bulanan",
        "Withdrew a monthly report",
    ),
    (
        "report.approve",
        "Menyetujui laporan bulanan",
        "Approved a monthly report",
    ),
    (
        "report.return",
        "Mengembalikan laporan bulanan untuk diperbaiki",
        "Returned a monthly report for correction",
    ),
    (
        "report.unlock",
        "Membuka kunci laporan bulanan",
        "Unlocked a monthly report",
    ),
    (
        "report.deadline",
        "Mengubah batas waktu laporan bulanan",
        "Changed the monthly report deadline",
    ),
    (
        "program_year.create",
        "Membuka tahun program TPBIS",
        "Opened a TPBIS programme year",
    ),
    (
        "program_year.update",
        "Mengubah tahun program TPBIS",
        "Changed a TPBIS programme year",
    ),
    (
        "program_year.decree",
        "Mencatat SK penetapan penerima TPBIS",
        "Recorded the decree naming TPBIS recipients",
    ),
    (
        "proposal.create",
        "Mengusulkan calon penerima TPBIS",
        "Proposed a TPBIS candidate",
    ),
    (
        "proposal.update",
        "Mengubah usulan atau dokumennya",
        "Changed a proposal or its documents",
    ),
    (
        "proposal.delete",
        "Membatalkan usulan",
        "Withdrew a proposal",
    ),
    (
        "proposal.submit",
        "Mengirim usulan ke Perpusnas",
        "Sent a proposal to Perpusnas",
    ),
    (
        "proposal.verify",
        "Memverifikasi dokumen usulan",
        "Verified a proposal's documents",
    ),
    (
        "proposal.return",
        "Mengembalikan usulan untuk diperbaiki",
        "Returned a proposal for correction",
    ),
    (
        "proposal.accept",
        "Menerima usulan TPBIS",
        "Accepted a TPBIS proposal",
    ),
    (
        "proposal.reject",
        "Menolak usulan TPBIS",
        "Rejected a TPBIS proposal",
    ),
    (
        "proposal.import",
        "Mencatat keputusan seleksi terdahulu",
        "Recorded an earlier selection decision",
    ),
    (
        "workplan.create",
        "Membuat rencana kerja",
        "Created a work plan",
    ),
    (
        "workplan.copy",
        "Membuat rencana kerja dari rencana tahun lalu",
        "Created a work plan from last year's",
    ),
    (
        "workplan.update",
        "Mengubah rencana kerja",
        "Changed a work plan",
    ),
    (
        "workplan.submit",
        "Mengajukan rencana kerja",
        "Submitted a work plan",
    ),
    (
        "workplan.resubmit",
        "Mengajukan ulang rencana kerja setelah revisi",
        "Resubmitted a work plan after revision",
    ),
    (
        "workplan.request_revision",
        "Meminta revisi rencana kerja",
        "Requested a work plan revision",
    ),
    (
        "workplan.approve",
        "Menyetujui rencana kerja",
        "Approved a work plan",
    ),
    (
        "workplan.progress",
        "Mencatat kemajuan kegiatan rencana kerja",
        "Recorded a work plan activity's progress",
    ),
    (
        "workplan.settings",
        "Mengubah tenggat bawaan rencana kerja",
        "Changed the default work plan due day",
    ),
    // Program events (Bimtek and others).
    (
        "event.create",
        "Membuat kegiatan program",
        "Created a programme event",
    ),
    (
        "event.update",
        "Mengubah kegiatan program",
        "Changed a programme event",
    ),
    (
        "event.delete",
        "Menghapus kegiatan program",
        "Deleted a programme event",
    ),
    (
        "event.trainer_add",
        "Menambahkan pelatih kegiatan",
        "Added an event trainer",
    ),
    (
        "event.trainer_remove",
        "Menghapus pelatih kegiatan",
        "Removed an event trainer",
    ),
    (
        "event.session_add",
        "Menambahkan sesi agenda",
        "Added an agenda session",
    ),
    (
        "event.session_update",
        "Mengubah sesi agenda",
        "Changed an agenda session",
    ),
    (
        "event.session_delete",
        "Menghapus sesi agenda",
        "Deleted an agenda session",
    ),
    (
        "event.register",
        "Mendaftarkan peserta kegiatan",
        "Registered an event participant",
    ),
    (
        "event.cancel_registration",
        "Membatalkan pendaftaran peserta",
        "Cancelled a registration",
    ),
    (
        "event.promote",
        "Memindahkan peserta dari daftar tunggu",
        "Moved a participant off the waitlist",
    ),
    (
        "event.attendance",
        "Mengisi absensi sesi",
        "Took a session's roll call",
    ),
    (
        "event.scores",
        "Mengisi nilai pre-test/post-test",
        "Entered pre-/post-test scores",
    ),
    (
        "event.survey",
        "Mencatat survei kepuasan peserta",
        "Recorded participant feedback",
    ),
    (
        "event.survey_open",
        "Membuka tautan survei peserta",
        "Opened the feedback link",
    ),
    (
        "event.survey_close",
        "Menutup tautan survei peserta",
        "Closed the feedback link",
    ),
    (
        "event.certificates",
        "Menerbitkan sertifikat",
        "Issued certificates",
    ),
    (
        "indicator.create",
        "Menambahkan indikator",
        "Added an indicator",
    ),
    (
        "indicator.update",
        "Mengubah indikator",
        "Changed an indicator",
    ),
    (
        "indicator.target",
        "Menetapkan target indikator",
        "Set an indicator target",
    ),
    (
        "kpi.formula",
        "Menambahkan versi rumus KPI",
        "Added a KPI formula version",
    ),
    (
        "population.import",
        "Mengimpor jumlah penduduk",
        "Imported population figures",
    ),
    (
        "activity.create",
        "Melaporkan kegiatan",
        "Reported an activity",
    ),
    (
        "activity.update",
        "Mengubah laporan kegiatan",
        "Changed an activity report",
    ),
    (
        "activity.delete",
        "Menghapus laporan kegiatan",
        "Deleted an activity report",
    ),
    (
        "activity.photo_add",
        "Menambahkan foto kegiatan",
        "Added activity photos",
    ),
    (
        "activity.photo_remove",
        "Menghapus foto kegiatan",
        "Removed an activity photo",
    ),
    (
        "activity.import",
        "Memuat laporan kegiatan sekaligus",
        "Loaded activity reports in bulk",
    ),
    (
        "advocacy.create",
        "Mencatat hasil advokasi",
        "Recorded an advocacy outcome",
    ),
    (
        "advocacy.update",
        "Mengubah hasil advokasi",
        "Changed an advocacy outcome",
    ),
    (
        "advocacy.delete",
        "Menghapus hasil advokasi",
        "Deleted an advocacy outcome",
    ),
];

/// An action key in words; unknown keys (from newer features) as they are.
pub fn action_label(action: &str, lang: Lang) -> String {
    ACTIONS
        .iter()
        .find(|(k, _, _)| *k == action)
        .map(|(_, id, en)| if lang == Lang::Id { *id } else { *en })
        .unwrap_or(action)
        .to_string()
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

/// A stored UTC time as Western Indonesian Time, the way people write it:
/// "3 Mei 2026 14.05" / "3 May 2026 14:05". Callers label the zone.
pub fn wib(at: NaiveDateTime, lang: Lang) -> String {
    let t = at + Duration::hours(7);
    let m = t.month0() as usize;
    match lang {
        Lang::Id => format!(
            "{} {} {} {:02}.{:02}",
            t.day(),
            MONTHS_ID[m % 12],
            t.year(),
            t.hour(),
            t.minute()
        ),
        Lang::En => format!(
            "{} {} {} {:02}:{:02}",
            t.day(),
            MONTHS_EN[m % 12],
            t.year(),
            t.hour(),
            t.minute()
        ),
    }
}

/// A stored UTC time for the API: RFC 3339 with the zone spelled out.
pub fn utc_json(at: NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// `page` and `per_page` from a query string; `per_page` is capped at 500.
pub fn paging(
    page: Option<&str>,
    per_page: Option<&str>,
    default_per_page: i64,
    errors: &mut Invalid,
) -> (i64, i64) {
    let page = match optional_int(page.unwrap_or(""), 1, i64::from(i32::MAX)) {
        Ok(p) => p.unwrap_or(1),
        Err(p) => {
            errors.push("page", p);
            1
        }
    };
    let per_page = match optional_int(per_page.unwrap_or(""), 1, i64::from(i32::MAX)) {
        Ok(p) => p.unwrap_or(default_per_page).min(500),
        Err(p) => {
            errors.push("per_page", p);
            default_per_page
        }
    };
    (page, per_page)
}

#[derive(Deserialize, Default)]
struct Params {
    entity: Option<String>,
    entity_id: Option<String>,
    action: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

impl Params {
    fn query(&self, default_per_page: i64) -> Result<AuditQuery, Invalid> {
        let mut errors = Invalid::default();
        let (page, per_page) = paging(
            self.page.as_deref(),
            self.per_page.as_deref(),
            default_per_page,
            &mut errors,
        );
        let text = |v: &Option<String>| v.as_deref().and_then(optional).map(str::to_string);
        let long = |v: &Option<String>| v.as_deref().is_some_and(|s| s.len() > 100);
        for (field, v) in [
            ("entity", &self.entity),
            ("entity_id", &self.entity_id),
            ("action", &self.action),
        ] {
            if long(v) {
                errors.push(field, Problem::TooLong { max: 100 });
            }
        }
        errors.finish(AuditQuery {
            entity: text(&self.entity),
            entity_id: text(&self.entity_id),
            action_prefix: text(&self.action),
            page,
            per_page,
        })
    }
}

fn require_reader(u: &CurrentUser) -> Result<(), WebError> {
    if u.actor.may_read_audit() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

async fn load(
    state: &AppState,
    u: &CurrentUser,
    q: AuditQuery,
) -> Result<lentera_store::Page<AuditEntry>, WebError> {
    let reach = u.actor.reach();
    state
        .run(move |conn| Ok(audit::list(conn, &reach, &q)?))
        .await
}

fn entry_json(e: &AuditEntry) -> serde_json::Value {
    serde_json::json!({
        "id": e.id,
        "at": utc_json(e.at),
        "actor_username": e.actor_username,
        "action": e.action,
        "entity": e.entity,
        "entity_id": e.entity_id,
        "region_code": e.region_code,
        "library_id": e.library_id,
        "summary": e.summary,
        "details": e.details,
    })
}

async fn api_list(
    State(state): State<AppState>,
    u: CurrentUser,
    Query(p): Query<Params>,
) -> Result<Json<serde_json::Value>, WebError> {
    require_reader(&u)?;
    let q = p.query(50)?;
    let found = load(&state, &u, q).await?;
    Ok(Json(serde_json::json!({
        "items": found.items.iter().map(entry_json).collect::<Vec<_>>(),
        "total": found.total,
        "page": found.page,
        "per_page": found.per_page,
    })))
}

/// One field's change: `[before, after]` in the store's diff format, or a
/// list (a facilitator's new library ids).
enum Shown {
    Pair(String, String),
    Libraries(Vec<String>),
    Value(String),
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A JSON object's entries in the order they were written: the store lists
/// fields in form order, which `serde_json::Map` would sort away.
struct Ordered(Vec<(String, serde_json::Value)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Ordered, A::Error> {
                let mut v = Vec::new();
                while let Some(entry) = m.next_entry::<String, serde_json::Value>()? {
                    v.push(entry);
                }
                Ok(Ordered(v))
            }
        }
        d.deserialize_map(V)
    }
}

/// Parses `details`; text that is not a JSON object is shown as it is.
fn changes(details: &str) -> Vec<(String, Shown)> {
    let Ok(Ordered(entries)) = serde_json::from_str::<Ordered>(details) else {
        return vec![(String::new(), Shown::Value(details.to_string()))];
    };
    entries
        .into_iter()
        .map(|(k, v)| {
            let shown = match v {
                serde_json::Value::Array(items) if k == "library_ids" => {
                    Shown::Libraries(items.iter().map(scalar).collect())
                }
                serde_json::Value::Array(items) if items.len() == 2 => {
                    Shown::Pair(scalar(&items[0]), scalar(&items[1]))
                }
                other => Shown::Value(scalar(&other)),
            };
            (k, shown)
        })
        .collect()
}

fn or_empty(s: &str, lang: Lang) -> Markup {
    html! {
        @if s.is_empty() { span.hint { (AuditText::Empty.get(lang)) } } @else { (s) }
    }
}

fn actor_name(username: &str, lang: Lang) -> Markup {
    match username.strip_prefix("system:") {
        Some(what) => html! { (AuditText::System.get(lang)) " (" (what) ")" },
        None => html! { (username) },
    }
}

fn record_link(e: &AuditEntry, lang: Lang) -> Markup {
    let (label, base) = match e.entity.as_str() {
        "library" => (AuditText::EntityLibrary.get(lang), Some("/libraries/")),
        "user" => (AuditText::EntityUser.get(lang), Some("/users/")),
        other => (other, None),
    };
    html! {
        (label) ": "
        @match base {
            Some(b) => a href={ (b) (url_encode(&e.entity_id)) } { (e.summary) },
            None => (e.summary),
        }
    }
}

fn changes_table(details: &str, lang: Lang, library_names: &HashMap<String, String>) -> Markup {
    let rows = changes(details);
    html! {
        table.changes {
            thead { tr {
                th scope="col" { (AuditText::Field.get(lang)) }
                th scope="col" { (AuditText::Before.get(lang)) }
                th scope="col" { (AuditText::After.get(lang)) }
            } }
            tbody {
                @for (k, shown) in &rows {
                    tr {
                        th scope="row" { (field_label(k, lang)) }
                        @match shown {
                            Shown::Pair(b, a) => {
                                td { (or_empty(b, lang)) }
                                td { (or_empty(a, lang)) }
                            }
                            Shown::Libraries(ids) => {
                                td { "—" }
                                td {
                                    @if ids.is_empty() { (or_empty("", lang)) }
                                    ul {
                                        @for id in ids {
                                            li {
                                                @match library_names.get(id) {
                                                    Some(n) => a href={ "/libraries/" (url_encode(id)) } { (n) },
                                                    None => (AuditText::OtherLibrary.get(lang)),
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            Shown::Value(v) => {
                                td { "—" }
                                td { (or_empty(v, lang)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Names of the libraries listed in facilitator-assignment entries, for
/// those the reader may see; the others stay anonymous.
async fn library_names(
    state: &AppState,
    u: &CurrentUser,
    entries: &[AuditEntry],
) -> Result<HashMap<String, String>, WebError> {
    let ids: Vec<LibraryId> = entries
        .iter()
        .filter_map(|e| e.details.as_deref())
        .flat_map(changes)
        .flat_map(|(_, s)| match s {
            Shown::Libraries(ids) => ids,
            _ => vec![],
        })
        .filter_map(|s| LibraryId::parse(&s).ok())
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let libs = state
        .run(move |conn| Ok(lentera_store::libraries::get_many(conn, &ids)?))
        .await?;
    Ok(libs
        .into_iter()
        .filter(|l| {
            u.actor.reaches(&Place {
                region: &l.details.village_code,
                library: Some(l.id),
            })
        })
        .map(|l| (l.id.to_string(), l.details.name))
        .collect())
}

fn filters(p: &Params, lang: Lang, errors: &Invalid) -> Markup {
    let entity = p.entity.as_deref().unwrap_or("");
    let action = p.action.as_deref().unwrap_or("");
    let mut actions: Vec<(String, String)> = vec![
        (
            "library.".into(),
            AuditText::AllLibraryActions.get(lang).into(),
        ),
        ("user.".into(), AuditText::AllUserActions.get(lang).into()),
    ];
    actions.extend(
        ACTIONS
            .iter()
            .map(|(k, _, _)| (k.to_string(), action_label(k, lang))),
    );
    // A prefix typed into the URL by hand is kept as a choice.
    if !action.is_empty() && !actions.iter().any(|(k, _)| k == action) {
        actions.push((action.to_string(), action.to_string()));
    }
    let entities = [
        ("library", AuditText::EntityLibrary.get(lang)),
        ("user", AuditText::EntityUser.get(lang)),
    ];
    html! {
        form.filters method="get" action="/audit" {
            div.field {
                label for="f-entity" { (field_label("entity", lang)) }
                select #f-entity name="entity" {
                    option value="" { (AuditText::AllTypes.get(lang)) }
                    @for (k, l) in entities { option value=(k) selected[k == entity] { (l) } }
                }
            }
            div.field.has-error[errors.for_field("entity_id").is_some()] {
                label for="f-entity_id" { (field_label("entity_id", lang)) }
                input #f-entity_id type="text" name="entity_id" value=(p.entity_id.as_deref().unwrap_or(""));
            }
            div.field {
                label for="f-action" { (field_label("action", lang)) }
                select #f-action name="action" {
                    option value="" { (AuditText::AllActions.get(lang)) }
                    @for (k, l) in &actions { option value=(k) selected[k == action] { (l) } }
                }
            }
            button type="submit" { (AuditText::Filter.get(lang)) }
        }
    }
}

async fn audit_page(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Query(p): Query<Params>,
) -> Result<Response, WebError> {
    require_reader(&u)?;
    let frame = Frame {
        lang,
        user: Some(&u),
        path: "/audit",
    };
    // 25 a page keeps a page of full library entries well under 100 KB.
    let q = match p.query(25) {
        Ok(q) => q,
        Err(errors) => {
            let mut res = page(
                &frame,
                Msg::Audit.get(lang),
                html! {
                    (crate::html::error_summary(&errors, lang))
                    (filters(&p, lang, &errors))
                },
            )
            .into_response();
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(res);
        }
    };
    let found = load(&state, &u, q.clone()).await?;
    let names = library_names(&state, &u, &found.items).await?;
    let query: Vec<(&str, String)> = vec![
        ("entity", q.entity.clone().unwrap_or_default()),
        ("entity_id", q.entity_id.clone().unwrap_or_default()),
        ("action", q.action_prefix.clone().unwrap_or_default()),
    ];
    Ok(page(
        &frame,
        Msg::Audit.get(lang),
        html! {
            p { (AuditText::Intro.get(lang)) }
            (filters(&p, lang, &Invalid::default()))
            p role="status" { (AuditText::Entries.get(lang).replace("{n}", &found.total.to_string())) }
            @if found.items.is_empty() {
                p { (Msg::NoResults.get(lang)) }
            } @else {
                div.table-wrap {
                    table.audit {
                        thead { tr {
                            th scope="col" { (AuditText::Time.get(lang)) }
                            th scope="col" { (AuditText::By.get(lang)) }
                            th scope="col" { (AuditText::Action.get(lang)) }
                            th scope="col" { (AuditText::Record.get(lang)) }
                            th scope="col" { (AuditText::Changes.get(lang)) }
                        } }
                        tbody {
                            @for e in &found.items {
                                tr {
                                    td { time datetime=(utc_json(e.at)) { (wib(e.at, lang)) } }
                                    td { (actor_name(&e.actor_username, lang)) }
                                    td { (action_label(&e.action, lang)) br; small { code { (e.action) } } }
                                    td { (record_link(e, lang)) }
                                    td {
                                        @if let Some(d) = &e.details { (changes_table(d, lang, &names)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (pager("/audit", &query, found.page, found.pages(), lang))
        },
    )
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_wib() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 5, 2)
            .and_then(|d| d.and_hms_opt(20, 5, 0))
            .expect("date");
        assert_eq!(wib(at, Lang::Id), "3 Mei 2026 03.05");
        assert_eq!(wib(at, Lang::En), "3 May 2026 03:05");
        assert_eq!(utc_json(at), "2026-05-02T20:05:00.000000Z");
    }

    #[test]
    fn details_become_rows() {
        let rows = changes(r#"{"phone":["1",null],"email":["a@b.id",""],"library_ids":["x","y"]}"#);
        assert_eq!(rows[0].0, "phone", "written order is kept");
        assert!(matches!(&rows[0].1, Shown::Pair(b, a) if b == "1" && a.is_empty()));
        assert!(matches!(&rows[1].1, Shown::Pair(b, a) if b == "a@b.id" && a.is_empty()));
        assert!(matches!(&rows[2].1, Shown::Libraries(ids) if ids.len() == 2));
        assert!(matches!(&changes("[1]")[0].1, Shown::Value(v) if v == "[1]"));
        assert!(matches!(&changes("not json")[0].1, Shown::Value(v) if v == "not json"));
        assert_eq!(action_label("user.create", Lang::En), "Added a user");
        assert_eq!(action_label("x.y", Lang::Id), "x.y");
    }
}

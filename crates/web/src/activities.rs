//! Activity reports (kegiatan) with participants and photo evidence, and advocacy outcomes.
//!
//! [`pages`] serves `/activities` (lists, the phone-first report form, the
//! report page with its photos, downloads), [`api`] the same as JSON under
//! `/api/v1/activities`, and [`advocacy`] the outcomes under `/advocacy` and
//! `/api/v1/advocacy`. Who may do what:
//!
//! - writing reports and outcomes, adding photos and documents: the
//!   library's own manager and staff ([`Actor::may_work_in`]); deleting a
//!   report (evidence) only its manager;
//! - reading: anyone whose reach includes the library — officers of the
//!   region, the library's facilitators. Outside reach: 404.

mod advocacy;
mod api;
mod pages;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::TodoItem;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use chrono::{Datelike, Duration, NaiveDate};
use lentera_core::activities::{
    ActivityKind, AdvocacyKind, COUNT_FIELDS, DISABLED_FIELDS, Participants, Strategy, month_start,
    months_without_reports, previous_month,
};
use lentera_core::audit::ActorRef;
use lentera_core::ids::LibraryId;
use lentera_core::libraries::Library;
use lentera_core::users::{Actor, Home, Place, Role};
use lentera_core::visits::TimeZone;
use lentera_store::activities::{self as store, At, Report};
use lentera_store::libraries as store_libraries;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/activities", get(pages::list).post(pages::create))
        .route("/activities/new", get(pages::new_form))
        .route("/activities/export", get(pages::export))
        .route("/activities/{id}", get(pages::show).post(pages::update))
        .route("/activities/{id}/edit", get(pages::edit_form))
        .route("/activities/{id}/delete", post(pages::delete))
        .route("/activities/{id}/photos", post(pages::add_photos))
        .route(
            "/activities/{id}/photos/{upload}/delete",
            post(pages::remove_photo),
        )
        .route("/api/v1/activities", get(api::list).post(api::create))
        .route("/api/v1/activities/export", get(pages::export))
        .route(
            "/api/v1/activities/{id}",
            get(api::show).put(api::update).delete(api::delete),
        )
        .route("/api/v1/activities/{id}/photos", post(api::add_photos))
        .merge(advocacy::routes())
}

/// Labels of this feature's form fields (see `i18n::field_label`).
pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    let l = usize::from(lang == Lang::En);
    for gi in 0..2 {
        for ai in 0..4 {
            if field == COUNT_FIELDS[gi][ai] {
                return Some(CELL_LABELS[gi][ai][l]);
            }
            if field == DISABLED_FIELDS[gi][ai] {
                return Some(DISABLED_LABELS[gi][ai][l]);
            }
        }
    }
    let (id, en) = match field {
        "held_on" => ("Tanggal kegiatan", "Date of the activity"),
        "strategy" => ("Strategi", "Strategy"),
        "activity_type" => ("Jenis kegiatan", "Type of activity"),
        "title" => ("Judul", "Title"),
        "workplan_activity_id" => ("Kegiatan dalam rencana kerja", "Activity of the work plan"),
        "workplan_activity_done" => (
            "Kegiatan rencana kerja ini sudah selesai dilaksanakan",
            "This work-plan activity is finished",
        ),
        "partners" => ("Mitra yang terlibat", "Partners involved"),
        "outcome" => ("Hasil kegiatan", "Outcome"),
        "story" => (
            "Cerita sukses atau testimoni",
            "Success story or testimonial",
        ),
        "participants" => ("Jumlah peserta", "Number of participants"),
        "activity_photo" => ("Foto kegiatan", "Photo of the activity"),
        "photos" => ("Foto kegiatan", "Photos of the activity"),
        "photo_caption" => (
            "Keterangan foto (dibacakan untuk tunanetra)",
            "Photo caption (read out to blind users)",
        ),
        "advocacy_kind" => ("Jenis hasil advokasi", "Kind of outcome"),
        "partner" => ("Mitra atau lembaga", "Partner or institution"),
        "signed_on" => (
            "Tanggal ditandatangani atau ditetapkan",
            "Date signed or enacted",
        ),
        "budget_year" => ("Tahun anggaran", "Budget year"),
        "amount" => ("Jumlah anggaran (Rp)", "Amount (Rp)"),
        "description" => ("Keterangan", "Description"),
        "advocacy_document" => ("Dokumen", "Document"),
        "remove_document" => ("Hapus dokumen yang tersimpan", "Remove the stored document"),
        _ => return None,
    };
    Some(match lang {
        Lang::Id => id,
        Lang::En => en,
    })
}

/// `[gender][age][lang]`: "everyone" cells, as error messages name them.
const CELL_LABELS: [[[&str; 2]; 4]; 2] = [
    [
        ["Peserta laki-laki anak-anak", "Male participants, children"],
        ["Peserta laki-laki remaja", "Male participants, teenagers"],
        ["Peserta laki-laki dewasa", "Male participants, adults"],
        [
            "Peserta laki-laki lansia",
            "Male participants, older people",
        ],
    ],
    [
        [
            "Peserta perempuan anak-anak",
            "Female participants, children",
        ],
        ["Peserta perempuan remaja", "Female participants, teenagers"],
        ["Peserta perempuan dewasa", "Female participants, adults"],
        [
            "Peserta perempuan lansia",
            "Female participants, older people",
        ],
    ],
];

const DISABLED_LABELS: [[[&str; 2]; 4]; 2] = [
    [
        [
            "Peserta penyandang disabilitas, laki-laki anak-anak",
            "Participants with a disability, male children",
        ],
        [
            "Peserta penyandang disabilitas, laki-laki remaja",
            "Participants with a disability, male teenagers",
        ],
        [
            "Peserta penyandang disabilitas, laki-laki dewasa",
            "Participants with a disability, male adults",
        ],
        [
            "Peserta penyandang disabilitas, laki-laki lansia",
            "Participants with a disability, older men",
        ],
    ],
    [
        [
            "Peserta penyandang disabilitas, perempuan anak-anak",
            "Participants with a disability, female children",
        ],
        [
            "Peserta penyandang disabilitas, perempuan remaja",
            "Participants with a disability, female teenagers",
        ],
        [
            "Peserta penyandang disabilitas, perempuan dewasa",
            "Participants with a disability, female adults",
        ],
        [
            "Peserta penyandang disabilitas, perempuan lansia",
            "Participants with a disability, older women",
        ],
    ],
];

pub(crate) fn strategy_label(s: Strategy, lang: Lang) -> &'static str {
    match (s, lang) {
        (Strategy::LayananInformasi, Lang::Id) => "Peningkatan layanan informasi",
        (Strategy::LayananInformasi, Lang::En) => "Better information services",
        (Strategy::PelibatanMasyarakat, Lang::Id) => "Pelibatan masyarakat",
        (Strategy::PelibatanMasyarakat, Lang::En) => "Community engagement",
        (Strategy::Advokasi, Lang::Id) => "Advokasi",
        (Strategy::Advokasi, Lang::En) => "Advocacy",
    }
}

pub(crate) fn kind_label(k: ActivityKind, lang: Lang) -> &'static str {
    use ActivityKind::*;
    match (k, lang) {
        (PelatihanKeterampilan, Lang::Id) => "Pelatihan keterampilan",
        (PelatihanKeterampilan, Lang::En) => "Skills training",
        (LiterasiAnak, Lang::Id) => "Literasi anak (membaca, mendongeng)",
        (LiterasiAnak, Lang::En) => "Children's literacy (reading, storytelling)",
        (LayananInternet, Lang::Id) => "Layanan internet",
        (LayananInternet, Lang::En) => "Internet service",
        (PendampinganUsaha, Lang::Id) => "Pendampingan usaha",
        (PendampinganUsaha, Lang::En) => "Business coaching",
        (KlubBaca, Lang::Id) => "Klub baca",
        (KlubBaca, Lang::En) => "Reading club",
        (Pameran, Lang::Id) => "Pameran",
        (Pameran, Lang::En) => "Exhibition",
        (Sosialisasi, Lang::Id) => "Sosialisasi atau pertemuan warga",
        (Sosialisasi, Lang::En) => "Community meeting",
        (Lainnya, Lang::Id) => "Lainnya",
        (Lainnya, Lang::En) => "Other",
    }
}

pub(crate) fn advocacy_label(k: AdvocacyKind, lang: Lang) -> &'static str {
    use AdvocacyKind::*;
    match (k, lang) {
        (Mou, Lang::Id) => "MoU atau perjanjian kerja sama",
        (Mou, Lang::En) => "MoU or partnership agreement",
        (Perdes, Lang::Id) => "Peraturan desa (Perdes) tentang perpustakaan",
        (Perdes, Lang::En) => "Village regulation (Perdes) on the library",
        (Apbdes, Lang::Id) => "Anggaran dari APBDes",
        (Apbdes, Lang::En) => "Village budget (APBDes) allocation",
        (SupportPkk, Lang::Id) => "Dukungan PKK",
        (SupportPkk, Lang::En) => "Support from the PKK",
        (SupportPosyandu, Lang::Id) => "Dukungan Posyandu",
        (SupportPosyandu, Lang::En) => "Support from the Posyandu",
        (SupportPuskesmas, Lang::Id) => "Dukungan Puskesmas",
        (SupportPuskesmas, Lang::En) => "Support from the Puskesmas",
        (SupportKarangTaruna, Lang::Id) => "Dukungan Karang Taruna",
        (SupportKarangTaruna, Lang::En) => "Support from Karang Taruna",
        (SupportOther, Lang::Id) => "Dukungan lembaga lain",
        (SupportOther, Lang::En) => "Support from another institution",
    }
}

pub(crate) fn progress_label(p: &str, lang: Lang) -> String {
    let (id, en) = match p {
        "planned" => ("direncanakan", "planned"),
        "under_way" => ("sedang berjalan", "under way"),
        "done" => ("selesai", "done"),
        "cancelled" => ("dibatalkan", "cancelled"),
        other => (other, other),
    };
    match lang {
        Lang::Id => id.to_string(),
        Lang::En => en.to_string(),
    }
}

pub(crate) fn month_year(d: NaiveDate, lang: Lang) -> String {
    const ID: [&str; 12] = [
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
    const EN: [&str; 12] = [
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
    let i = (d.month0() as usize) % 12;
    let m = match lang {
        Lang::Id => ID[i],
        Lang::En => EN[i],
    };
    format!("{m} {}", d.year())
}

/// "14 September 2024".
pub(crate) fn long_date(d: NaiveDate, lang: Lang) -> String {
    format!("{} {}", d.day(), month_year(d, lang))
}

pub(crate) fn actor_ref(u: &CurrentUser) -> ActorRef {
    ActorRef {
        id: Some(u.user.id),
        username: u.user.username.clone(),
    }
}

fn place(lib: &Library) -> Place<'_> {
    Place {
        region: &lib.details.village_code,
        library: Some(lib.id),
    }
}

/// The library's local date now.
pub(crate) fn today_at(village: &lentera_core::regions::RegionCode) -> NaiveDate {
    TimeZone::of_region(village).local_date(lentera_store::now())
}

/// The programme's reference date for lists across zones: Jakarta's.
pub(crate) fn today_wib() -> NaiveDate {
    TimeZone::Wib.local_date(lentera_store::now())
}

pub(crate) fn at(lib: &Library) -> At<'_> {
    At {
        library: lib.id,
        village: &lib.details.village_code,
    }
}

/// The library the user works in: 403 for anyone who is not a library's
/// manager or staff.
pub(crate) async fn own_library(state: &AppState, user: &CurrentUser) -> Result<Library, WebError> {
    let id = user.actor.own_library().ok_or(WebError::Forbidden)?;
    state.run(move |c| Ok(store_libraries::get(c, id)?)).await
}

/// A library the user may read: 404 for a malformed id, an unknown library
/// or one outside reach alike.
pub(crate) async fn readable_library(
    state: &AppState,
    actor: &Actor,
    id: &str,
) -> Result<Library, WebError> {
    let id = LibraryId::parse(id).map_err(|_| WebError::NotFound)?;
    let lib = state.run(move |c| Ok(store_libraries::get(c, id)?)).await?;
    if !actor.may_read_library(&place(&lib)) {
        return Err(WebError::NotFound);
    }
    Ok(lib)
}

/// The library a record is written for: the user's own, or the one named,
/// which must be within reach (else 404) and theirs to work in (else 403).
pub(crate) async fn working_library(
    state: &AppState,
    user: &CurrentUser,
    named: Option<&str>,
) -> Result<Library, WebError> {
    match named.map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => {
            let lib = readable_library(state, &user.actor, id).await?;
            if !user.actor.may_work_in(lib.id) {
                return Err(WebError::Forbidden);
            }
            Ok(lib)
        }
        None => own_library(state, user).await,
    }
}

/// A report within the user's reach (404 otherwise).
pub(crate) async fn load_report(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Report, WebError> {
    let reach = user.actor.reach();
    let id = id.to_string();
    state.run(move |c| Ok(store::get(c, &reach, &id)?)).await
}

/// A report the user may change: in reach (else 404) and of their own
/// library (else 403). Returns the report and its library.
pub(crate) async fn writable_report(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<(Report, Library), WebError> {
    let r = load_report(state, user, id).await?;
    if !user.actor.may_work_in(r.library_id) {
        return Err(WebError::Forbidden);
    }
    let lib = own_library(state, user).await?;
    Ok((r, lib))
}

/// The user as the work plans' history names them.
pub(crate) fn who(u: &CurrentUser) -> lentera_store::workplans::Who {
    lentera_store::workplans::Who {
        by: actor_ref(u),
        name: u.user.full_name.clone(),
        role: u.actor.role,
    }
}

/// After a report naming a plan activity is saved: moves that activity on
/// (done when ticked, else planned → under way) through the work plans'
/// own step. It runs in its own transaction after the report's; if it
/// fails, the report stays saved and the failure is logged.
pub(crate) async fn advance_plan(
    state: &AppState,
    user: &CurrentUser,
    library: LibraryId,
    activity: Option<String>,
    done: bool,
    title: &str,
) {
    let Some(a) = activity else {
        return;
    };
    let who = who(user);
    let note = format!("Laporan kegiatan: {title}");
    let r = state
        .run(move |c| {
            Ok(store::advance_plan_activity(
                c, &who, library, &a, done, &note,
            )?)
        })
        .await;
    if let Err(e) = r {
        tracing::warn!(error = %e, "the plan activity's progress was not moved");
    }
}

/// Deleting evidence is the manager's call.
pub(crate) fn may_delete(user: &CurrentUser, library: LibraryId) -> bool {
    user.actor.role == Role::Manager && user.actor.may_work_in(library)
}

pub(crate) fn participants_json(p: &Participants) -> Value {
    serde_json::to_value(p).unwrap_or(Value::Null)
}

pub(crate) fn report_json(r: &Report) -> Value {
    let d = &r.details;
    json!({
        "id": r.id,
        "library_id": r.library_id.to_string(),
        "library_name": r.library_name,
        "region_code": r.region_code,
        "held_on": d.held_on.to_string(),
        "strategy": d.strategy.key(),
        "activity_type": d.kind.key(),
        "title": d.title,
        "workplan_activity_id": d.workplan_activity_id,
        "workplan_activity": r.plan_activity.as_ref().map(|a| json!({
            "id": a.id,
            "name": a.name,
            "workplan_id": a.workplan_id,
            "plan_title": a.plan_title,
            "progress": a.progress,
        })),
        "partners": d.partners,
        "outcome": d.outcome,
        "story": d.story,
        "participants": participants_json(&d.participants),
        "photos": r.photos.iter().map(|p| json!({
            "upload_id": p.upload_id,
            "url": format!("/uploads/{}", p.upload_id),
            "thumb_url": format!("/uploads/{}/thumb", p.upload_id),
            "caption": p.caption,
            "width": p.width,
            "height": p.height,
        })).collect::<Vec<_>>(),
        "created_by": r.created_by,
        "created_at": crate::audit::utc_json(r.created_at),
        "updated_at": crate::libraries::version(&r.updated_at),
    })
}

/// This user's open tasks for this feature, for the home page's to-do list:
/// a manager hears of the current and last month without any report, and
/// of approved plan activities past their end date that nobody reported.
pub fn todos(
    conn: &mut lentera_store::DbConn,
    u: &crate::auth::CurrentUser,
    lang: crate::i18n::Lang,
) -> Result<Vec<crate::html::TodoItem>, crate::error::WebError> {
    let (
        Role::Manager,
        Home::Library {
            library_id,
            village_code,
        },
    ) = (u.actor.role, &u.actor.home)
    else {
        return Ok(Vec::new());
    };
    let today = today_at(village_code);
    let this = month_start(today);
    let dates = store::reported_dates(conn, *library_id, previous_month(this))?;
    let mut out = Vec::new();
    for m in months_without_reports(today, &dates) {
        let end = pages::month_end(m);
        let label = match lang {
            Lang::Id => format!("Belum ada laporan kegiatan bulan {}", month_year(m, lang)),
            Lang::En => format!("No activity report yet for {}", month_year(m, lang)),
        };
        out.push(TodoItem {
            label,
            href: "/activities/new".into(),
            due: Some(end),
            late: end < today,
        });
    }
    for a in store::overdue_plan_activities(conn, *library_id, today)? {
        let label = match lang {
            Lang::Id => format!(
                "Laporkan kegiatan rencana kerja “{}” ({})",
                a.name, a.plan_title
            ),
            Lang::En => format!(
                "Report the work-plan activity “{}” ({})",
                a.name, a.plan_title
            ),
        };
        out.push(TodoItem {
            label,
            href: format!(
                "/activities/new?workplan_activity_id={}&strategy={}",
                a.id, a.plan_kind
            ),
            due: a.ends_on,
            late: true,
        });
    }
    // Keep the list short: a year of silence is one line per month at most
    // for the last two months, and the oldest overdue activities first.
    out.sort_by_key(|t| t.due.unwrap_or(today + Duration::days(365)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_and_field_has_two_labels() {
        for s in Strategy::ALL {
            assert_ne!(strategy_label(*s, Lang::Id), strategy_label(*s, Lang::En));
        }
        for k in ActivityKind::ALL {
            assert_ne!(kind_label(*k, Lang::Id), kind_label(*k, Lang::En));
        }
        for k in AdvocacyKind::ALL {
            assert_ne!(advocacy_label(*k, Lang::Id), advocacy_label(*k, Lang::En));
        }
        for g in 0..2 {
            for a in 0..4 {
                for f in [COUNT_FIELDS[g][a], DISABLED_FIELDS[g][a]] {
                    let (id, en) = (
                        field_label(f, Lang::Id).unwrap(),
                        field_label(f, Lang::En).unwrap(),
                    );
                    assert_ne!(id, en);
                }
            }
        }
        use lentera_core::activities::{AgeGroup, Gender};
        assert_eq!(Gender::ALL.len() * AgeGroup::ALL.len(), 8);
        // Earlier features' labels win in the shared chain: make sure ours
        // are the ones users see.
        let mut shadowed = Vec::new();
        for f in [
            "held_on",
            "strategy",
            "activity_type",
            "title",
            "workplan_activity_id",
            "workplan_activity_done",
            "partners",
            "outcome",
            "story",
            "participants",
            "activity_photo",
            "photos",
            "photo_caption",
            "advocacy_kind",
            "partner",
            "signed_on",
            "budget_year",
            "amount",
            "description",
            "advocacy_document",
            "remove_document",
            "p_l_anak",
            "d_p_lansia",
        ] {
            for lang in [Lang::Id, Lang::En] {
                if crate::i18n::field_label(f, lang) != field_label(f, lang).unwrap() {
                    shadowed.push((f, crate::i18n::field_label(f, lang)));
                }
            }
        }
        assert!(shadowed.is_empty(), "{shadowed:?}");
        assert_eq!(
            month_year(NaiveDate::from_ymd_opt(2024, 9, 1).unwrap(), Lang::Id),
            "September 2024"
        );
        assert_eq!(
            long_date(NaiveDate::from_ymd_opt(2024, 8, 17).unwrap(), Lang::Id),
            "17 Agustus 2024"
        );
    }
}

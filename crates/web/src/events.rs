//! Program events (Bimtek SPP-TIK and others): agenda, trainers, registration, attendance, tests, survey, certificates.
//!
//! [`pages`]: the list, the event page with its agenda and trainers, the
//! event form; [`people`]: registration and the test scores; [`attendance`]:
//! the roll call per session; [`survey`]: the feedback (paper entry by the
//! organiser and the public link); [`certificates`]: issuing, the PDFs and
//! the public verification page; [`api`]: the same as JSON.
//!
//! Who may do what (rules in `lentera_core::events`):
//! - organisers — officers whose reach contains the event's region — do
//!   everything;
//! - officers below the region (a district at the province's Bimtek) see
//!   the event and the people of their own libraries;
//! - a library's people see the events their team is signed up for, and
//!   open events of their area; the manager signs their own team up;
//! - nobody sees another library's people (names, phones, scores);
//! - the public sees only `/verify/{code}` (name, event, dates) and the
//!   feedback form behind a random link the organiser shares.

mod api;
mod attendance;
mod certificates;
mod pages;
mod people;
mod survey;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::TodoItem;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post, put};
use chrono::{Datelike, NaiveDate};
use lentera_core::events::{
    Access, AttendMode, EventFacts, EventKind, Mode, ParticipantStatus, TeamRole, Topic,
};
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use lentera_core::users::Reach;
use lentera_core::visits::TimeZone;
use lentera_store::DbConn;
use lentera_store::events::{self as store, Event, Session};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events", get(pages::list).post(pages::create))
        .route("/events/new", get(pages::new_form))
        .route("/events/{id}", get(pages::show))
        .route(
            "/events/{id}/edit",
            get(pages::edit_form).post(pages::update),
        )
        .route("/events/{id}/delete", post(pages::delete))
        .route("/events/{id}/trainers", post(pages::add_trainer))
        .route(
            "/events/{id}/trainers/{tid}/delete",
            post(pages::remove_trainer),
        )
        .route("/events/{id}/sessions", post(pages::add_session))
        .route(
            "/events/{id}/sessions/{sid}/edit",
            get(pages::edit_session_form).post(pages::update_session),
        )
        .route(
            "/events/{id}/sessions/{sid}/delete",
            post(pages::delete_session),
        )
        .route(
            "/events/{id}/sessions/{sid}/attendance",
            get(attendance::show).post(attendance::save),
        )
        .route(
            "/events/{id}/participants",
            get(people::list).post(people::register),
        )
        .route(
            "/events/{id}/participants/{pid}/cancel",
            post(people::cancel),
        )
        .route(
            "/events/{id}/participants/{pid}/certificate.pdf",
            get(certificates::one_pdf),
        )
        .route(
            "/events/{id}/scores",
            get(people::scores).post(people::save_scores),
        )
        .route("/events/{id}/survey", get(survey::show).post(survey::enter))
        .route("/events/{id}/survey/link", post(survey::link))
        .route(
            "/events/{id}/certificates",
            get(certificates::show).post(certificates::issue),
        )
        .route("/events/{id}/certificates.pdf", get(certificates::all_pdf))
        .route("/events/{id}/summary", get(pages::summary))
        .route(
            "/survey/{token}",
            get(survey::public_form).post(survey::public_submit),
        )
        .route("/verify", get(certificates::verify_form))
        .route("/verify/{code}", get(certificates::verify))
        .route("/api/v1/events", get(api::list).post(api::create))
        .route("/api/v1/events/{id}", get(api::get).put(api::update))
        .route("/api/v1/events/{id}/trainers", post(api::add_trainer))
        .route(
            "/api/v1/events/{id}/trainers/{tid}",
            axum::routing::delete(api::remove_trainer),
        )
        .route("/api/v1/events/{id}/sessions", post(api::add_session))
        .route(
            "/api/v1/events/{id}/sessions/{sid}",
            put(api::update_session).delete(api::delete_session),
        )
        .route(
            "/api/v1/events/{id}/sessions/{sid}/attendance",
            get(api::roll_call).put(api::record_attendance),
        )
        .route(
            "/api/v1/events/{id}/participants",
            get(api::participants).post(api::register),
        )
        .route(
            "/api/v1/events/{id}/participants/{pid}",
            axum::routing::delete(api::cancel),
        )
        .route("/api/v1/events/{id}/scores", put(api::scores))
        .route(
            "/api/v1/events/{id}/survey",
            get(api::survey).post(api::add_survey),
        )
        .route("/api/v1/events/{id}/certificates", post(api::issue))
        .route("/api/v1/events/{id}/summary", get(api::summary))
        .route("/api/v1/certificates/{code}", get(api::verify))
}

crate::messages!(E {
    Title => "Bimtek & kegiatan program", "Bimtek & programme events";
    New => "Buat kegiatan baru", "New event";
    NewTitle => "Kegiatan baru", "New event";
    EditTitle => "Ubah kegiatan", "Edit event";
    Current => "Sedang berjalan dan akan datang", "Running and upcoming";
    Past => "Sudah selesai", "Finished";
    NoEvents => "Belum ada kegiatan.", "No events yet.";
    Event => "Kegiatan", "Event";
    Dates => "Tanggal", "Dates";
    Place => "Tempat", "Place";
    Participants => "Peserta", "Participants";
    YourTeam => "Tim Anda", "Your team";
    Waitlisted => "dalam daftar tunggu", "on the waitlist";
    Saved => "Tersimpan.", "Saved.";
    Created => "Kegiatan tersimpan. Sekarang susun agendanya.", "The event is saved. Now build its agenda.";
    Deleted => "Kegiatan dihapus.", "The event was deleted.";
    Delete => "Hapus kegiatan", "Delete the event";
    ConfirmDelete => "Hapus kegiatan ini? Hanya bisa selama belum ada peserta.", "Delete this event? Only possible while nobody is registered.";
    Details => "Keterangan", "Details";
    Agenda => "Agenda", "Agenda";
    NoSessions => "Agenda belum disusun.", "No sessions yet.";
    Time => "Waktu", "Time";
    Topic => "Materi", "Topic";
    Trainer => "Pelatih", "Trainer";
    Trainers => "Pelatih ahli dan narasumber", "Trainers and speakers";
    NoTrainers => "Belum ada pelatih.", "No trainers yet.";
    AddTrainer => "Tambah pelatih", "Add a trainer";
    Remove => "Hapus", "Remove";
    ConfirmRemoveTrainer => "Hapus pelatih ini? Sesi yang dibawakannya tetap ada tanpa pelatih.", "Remove this trainer? Their sessions stay, without a trainer.";
    AddSession => "Tambah sesi", "Add a session";
    EditSession => "Ubah sesi", "Edit the session";
    DeleteSession => "Hapus sesi", "Delete the session";
    ConfirmDeleteSession => "Hapus sesi ini beserta absensinya?", "Delete this session and its roll call?";
    TakeAttendance => "Absensi", "Roll call";
    NotTaken => "belum diisi", "not taken";
    PresentOf => "{n} hadir dari {of}", "{n} present of {of}";
    Seats => "Kuota", "Seats";
    SeatsLine => "{mode}: {n} dari {cap} kursi terisi", "{mode}: {n} of {cap} seats taken";
    SeatsOpen => "{mode}: {n} terdaftar (tanpa batas)", "{mode}: {n} registered (no limit)";
    WaitLine => ", {n} dalam daftar tunggu", ", {n} on the waitlist";
    WorkplanDue => "Tenggat rencana kerja", "Work plans due";
    CertificateRule => "Syarat sertifikat", "Certificate rule";
    RuleAll => "hadir di semua sesinya", "present at all of their sessions";
    RulePercent => "hadir di paling sedikit {p}% sesinya", "present at {p}% or more of their sessions";
    MeetingLink => "Tautan rapat daring", "Online meeting link";
    Organiser => "Penyelenggara", "Organiser";
    Region => "Wilayah", "Region";
    Mode => "Cara penyelenggaraan", "How it is held";
    Kind => "Jenis kegiatan", "Kind of event";
    Manage => "Kelola kegiatan", "Manage the event";
    Edit => "Ubah keterangan", "Edit the details";
    Scores => "Nilai pre-test dan post-test", "Pre- and post-test scores";
    Survey => "Survei kepuasan peserta", "Participant feedback";
    Certificates => "Sertifikat", "Certificates";
    Summary => "Ringkasan", "Summary";
    SummaryTitle => "Ringkasan kegiatan", "Event summary";
    OpenToRegister => "Pendaftaran dibuka sampai sehari sebelum kegiatan.", "Registration is open until the day before the event.";
    RegisterTeam => "Daftarkan tim perpustakaan Anda", "Register your library's team";
    TeamHint => "Biasanya lima orang: kepala desa, perangkat desa, pengelola perpustakaan, PKK, dan Karang Taruna atau BPD.", "Usually five people: the village head, a village officer, the library manager, PKK, and Karang Taruna or BPD.";
    Back => "Kembali ke kegiatan", "Back to the event";
    BackToList => "Semua kegiatan", "All events";
    Filter => "Tampilkan", "Show";
    Search => "Cari judul", "Search titles";
    Year => "Tahun", "Year";
    AnyYear => "Semua tahun", "All years";
    Days => "hari setelah kegiatan", "days after the event";
});

/// Labels of this feature's form fields (see `i18n::field_label`).
pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    let (id, en) = match field {
        "event_title" => ("Judul kegiatan", "Title"),
        "event_kind" => ("Jenis kegiatan", "Kind of event"),
        "event_mode" => ("Cara penyelenggaraan", "How it is held"),
        "venue" => (
            "Tempat (hotel, gedung, kota)",
            "Venue (hotel, building, city)",
        ),
        "starts_on" => ("Tanggal mulai", "First day"),
        "ends_on" => ("Tanggal selesai", "Last day"),
        "meeting_link" => (
            "Tautan atau ID rapat daring (Zoom)",
            "Online meeting link or ID (Zoom)",
        ),
        "organiser" => ("Penyelenggara", "Organiser"),
        "capacity_in_person" => ("Kuota peserta tatap muka", "In-person seats"),
        "capacity_online" => ("Kuota peserta daring", "Online seats"),
        "workplan_due_days" => (
            "Tenggat rencana kerja (hari setelah kegiatan)",
            "Work plans due (days after the event)",
        ),
        "certificate_percent" => (
            "Syarat sertifikat: kehadiran minimal (% sesi)",
            "Certificate: minimum attendance (% of sessions)",
        ),
        "signatory_name" => (
            "Penanda tangan sertifikat (nama)",
            "Certificate signatory (name)",
        ),
        "signatory_position" => ("Jabatan penanda tangan", "Signatory's position"),
        "event" => ("Kegiatan", "Event"),
        "trainer_name" => ("Nama pelatih", "Trainer's name"),
        "institution" => ("Instansi/lembaga", "Institution"),
        "trainer_role" => (
            "Peran (pelatih ahli, narasumber, moderator)",
            "Role (master trainer, speaker, moderator)",
        ),
        "topic" => ("Materi", "Topic"),
        "session_title" => ("Judul sesi", "Session title"),
        "session_date" => ("Tanggal sesi", "Session date"),
        "start" => ("Jam mulai (contoh 08.30)", "Start time (e.g. 08.30)"),
        "end" => ("Jam selesai (contoh 10.00)", "End time (e.g. 10.00)"),
        "session_mode" => ("Cara sesi diikuti", "How the session is followed"),
        "trainer_id" => ("Pelatih", "Trainer"),
        "team_role" => ("Peran dalam tim desa", "Role in the village team"),
        "attend_mode" => ("Cara mengikuti", "How they take part"),
        "waitlist" => (
            "Jika kuota penuh, masukkan ke daftar tunggu",
            "If the seats are full, put on the waitlist",
        ),
        "seats_in_person" => ("Kuota tatap muka", "In-person seats"),
        "seats_online" => ("Kuota daring", "Online seats"),
        "present" => ("Peserta hadir", "Present participants"),
        "participant_id" => ("Peserta", "Participant"),
        "pre_test" => ("Nilai pre-test", "Pre-test score"),
        "post_test" => ("Nilai post-test", "Post-test score"),
        "content_rating" => ("Materi pelatihan", "Training content"),
        "trainer_rating" => ("Pelatih/narasumber", "Trainers"),
        "organisation_rating" => ("Penyelenggaraan", "Organisation"),
        "usefulness_rating" => (
            "Manfaat bagi perpustakaan desa",
            "Usefulness for the village library",
        ),
        "best" => ("Yang paling bermanfaat", "What was most useful"),
        "improve" => ("Saran perbaikan", "What should improve"),
        "survey" => ("Survei", "Survey"),
        "certificate_code" => ("Kode sertifikat", "Certificate code"),
        "year" => ("Tahun", "Year"),
        "when" => ("Waktu kegiatan", "When"),
        _ => return None,
    };
    Some(match lang {
        Lang::Id => id,
        Lang::En => en,
    })
}

pub(crate) fn kind_label(k: EventKind, lang: Lang) -> &'static str {
    let (id, en) = match k {
        EventKind::Bimtek => (
            "Bimtek SPP-TIK",
            "Bimtek SPP-TIK (ICT-based library strategy training)",
        ),
        EventKind::Replication => ("Pelatihan replikasi", "Replication training"),
        EventKind::MonitoringSystem => (
            "Pelatihan sistem pemantauan (SIM)",
            "Monitoring-system training",
        ),
        EventKind::PeerLearning => ("Peer learning meeting", "Peer learning meeting"),
        EventKind::Stakeholder => ("Pertemuan pemangku kepentingan", "Stakeholder meeting"),
    };
    pick(lang, id, en)
}

pub(crate) fn mode_label(m: Mode, lang: Lang) -> &'static str {
    let (id, en) = match m {
        Mode::InPerson => ("Tatap muka", "In person"),
        Mode::Online => ("Daring", "Online"),
        Mode::Blended => ("Tatap muka dan daring", "In person and online"),
    };
    pick(lang, id, en)
}

pub(crate) fn attend_label(a: AttendMode, lang: Lang) -> &'static str {
    match a {
        AttendMode::InPerson => pick(lang, "Tatap muka", "In person"),
        AttendMode::Online => pick(lang, "Daring", "Online"),
    }
}

pub(crate) fn topic_label(t: Topic, lang: Lang) -> &'static str {
    let (id, en) = match t {
        Topic::KonsepTpbis => ("Konsep TPBIS", "The TPBIS concept"),
        Topic::LayananInformasi => (
            "Peningkatan layanan informasi",
            "Improving information services",
        ),
        Topic::PelibatanMasyarakat => ("Pelibatan masyarakat", "Community engagement"),
        Topic::Advokasi => ("Advokasi", "Advocacy"),
        Topic::Monev => (
            "Sistem pemantauan dan evaluasi",
            "Monitoring and evaluation system",
        ),
        Topic::RencanaKerja => ("Menyusun rencana kerja", "Writing work plans"),
        Topic::EtosKerja => ("Etos kerja pengelola", "The manager's work ethic"),
        Topic::LayananPrima => ("Layanan prima", "Excellent service"),
        Topic::TikDasar => ("TIK dasar", "Basic ICT"),
        Topic::Other => ("Lainnya", "Other"),
    };
    pick(lang, id, en)
}

pub(crate) fn team_role_label(r: TeamRole, lang: Lang) -> &'static str {
    let (id, en) = match r {
        TeamRole::KepalaDesa => ("Kepala desa/lurah", "Village head"),
        TeamRole::PerangkatDesa => ("Perangkat desa", "Village officer"),
        TeamRole::Pengelola => ("Pengelola perpustakaan", "Library manager"),
        TeamRole::Pkk => ("PKK", "PKK (women's movement)"),
        TeamRole::KarangTaruna => ("Karang Taruna", "Karang Taruna (youth)"),
        TeamRole::Bpd => ("BPD", "BPD (village council)"),
        TeamRole::Other => ("Lainnya", "Other"),
    };
    pick(lang, id, en)
}

pub(crate) fn status_label(s: ParticipantStatus, lang: Lang) -> &'static str {
    let (id, en) = match s {
        ParticipantStatus::Registered => ("Terdaftar", "Registered"),
        ParticipantStatus::Waitlisted => ("Daftar tunggu", "Waitlisted"),
        ParticipantStatus::Cancelled => ("Batal", "Cancelled"),
    };
    pick(lang, id, en)
}

fn pick(lang: Lang, id: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

/// A session's name: its own title, or its topic's.
pub(crate) fn session_name(s: &Session, lang: Lang) -> String {
    if s.title.is_empty() {
        topic_label(s.topic, lang).to_string()
    } else if s.topic == Topic::Other {
        s.title.clone()
    } else {
        format!("{}: {}", topic_label(s.topic, lang), s.title)
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

pub(crate) fn month(m: u32, lang: Lang) -> &'static str {
    let i = (m.saturating_sub(1) as usize) % 12;
    pick(lang, MONTHS_ID[i], MONTHS_EN[i])
}

/// "3 Juli 2024".
pub(crate) fn date(d: NaiveDate, lang: Lang) -> String {
    format!("{} {} {}", d.day(), month(d.month(), lang), d.year())
}

/// "22–25 Mei 2023", "30 Juni – 2 Juli 2021", "3 Juli 2024".
pub(crate) fn date_range(a: NaiveDate, b: NaiveDate, lang: Lang) -> String {
    if a == b {
        date(a, lang)
    } else if (a.year(), a.month()) == (b.year(), b.month()) {
        format!(
            "{}–{} {} {}",
            a.day(),
            b.day(),
            month(a.month(), lang),
            a.year()
        )
    } else if a.year() == b.year() {
        format!(
            "{} {} – {} {} {}",
            a.day(),
            month(a.month(), lang),
            b.day(),
            month(b.month(), lang),
            b.year()
        )
    } else {
        format!("{} – {}", date(a, lang), date(b, lang))
    }
}

/// The day at the event's place (its province's time zone).
pub(crate) fn event_today(e: &Event) -> NaiveDate {
    TimeZone::of_region(e.region()).local_date(lentera_store::now())
}

/// The programme's reference day for lists across zones: Jakarta's.
pub(crate) fn today() -> NaiveDate {
    TimeZone::Wib.local_date(lentera_store::now())
}

/// An event with what the signed-in user may do with it.
pub(crate) struct Ctx {
    pub event: Event,
    pub access: Access,
    pub today: NaiveDate,
}

impl Ctx {
    pub fn organiser(&self) -> bool {
        self.access == Access::Organiser
    }
    pub fn require_organiser(&self) -> Result<(), WebError> {
        if self.organiser() {
            Ok(())
        } else {
            Err(WebError::Forbidden)
        }
    }
    pub fn open(&self) -> bool {
        self.event.open(self.today)
    }
}

/// The libraries a library-bound user works with and their villages.
pub(crate) fn my_villages(
    c: &mut DbConn,
    u: &CurrentUser,
) -> Result<Vec<(LibraryId, RegionCode)>, WebError> {
    match u.actor.reach() {
        Reach::Libraries(ids) => Ok(store::villages_of(c, &ids)?),
        _ => Ok(Vec::new()),
    }
}

/// Loads an event for this user: 404 for a bad id, an unknown event, or one
/// the user may not see at all.
pub(crate) fn load(c: &mut DbConn, u: &CurrentUser, id: &str) -> Result<Ctx, WebError> {
    let event = store::get(c, id)?;
    let villages = my_villages(c, u)?;
    let mine: Vec<LibraryId> = villages.iter().map(|(l, _)| *l).collect();
    let registered = store::registered_libraries(c, &event.id, &mine)?;
    let today = event_today(&event);
    let access = Access::of(
        &u.actor,
        &EventFacts {
            region: event.region(),
            open: event.open(today),
            registered: &registered,
            villages: &villages,
        },
    );
    if access == Access::None {
        return Err(WebError::NotFound);
    }
    Ok(Ctx {
        event,
        access,
        today,
    })
}

/// [`load`] on the blocking pool.
pub(crate) async fn ctx(state: &AppState, u: &CurrentUser, id: String) -> Result<Ctx, WebError> {
    let u = u.clone();
    state.run(move |c| load(c, &u, &id)).await
}

/// The viewer a user lists events as.
pub(crate) fn viewer(c: &mut DbConn, u: &CurrentUser) -> Result<store::Viewer, WebError> {
    let villages = my_villages(c, u)?;
    Ok(store::Viewer::new(
        u.actor.reach(),
        villages.into_iter().map(|(_, v)| v).collect(),
    ))
}

/// This user's open tasks for this feature, for the home page's to-do list:
/// for organisers, events of this week whose sessions have no roll call;
/// for a library's people, the coming events their team is signed up for.
pub fn todos(conn: &mut DbConn, u: &CurrentUser, lang: Lang) -> Result<Vec<TodoItem>, WebError> {
    let today = today();
    let mut out = Vec::new();
    if u.actor.role.is_officer() {
        for (e, missing) in store::missing_attendance(conn, &u.actor.reach(), today)? {
            let label = match lang {
                Lang::Id => format!(
                    "Isi absensi {}: {missing} sesi belum diabsen",
                    e.details.title
                ),
                Lang::En => format!(
                    "Take the roll call of {}: {missing} session(s) without one",
                    e.details.title
                ),
            };
            out.push(TodoItem {
                label,
                href: format!("/events/{}#agenda", e.id),
                due: Some(e.details.ends_on),
                late: e.details.ends_on < today,
            });
        }
    }
    if let Some(lib) = u.actor.own_library() {
        for (e, n) in store::team_upcoming(conn, lib, today)? {
            let label = match lang {
                Lang::Id => format!(
                    "{}, {}: {n} orang dari tim Anda terdaftar",
                    e.details.title,
                    date_range(e.details.starts_on, e.details.ends_on, lang)
                ),
                Lang::En => format!(
                    "{}, {}: {n} of your team registered",
                    e.details.title,
                    date_range(e.details.starts_on, e.details.ends_on, lang)
                ),
            };
            out.push(TodoItem {
                label,
                href: format!("/events/{}", e.id),
                due: Some(e.details.starts_on),
                late: false,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn date_ranges_read_naturally() {
        assert_eq!(
            date_range(d("2023-05-22"), d("2023-05-25"), Lang::Id),
            "22–25 Mei 2023"
        );
        assert_eq!(
            date_range(d("2021-06-29"), d("2021-07-02"), Lang::Id),
            "29 Juni – 2 Juli 2021"
        );
        assert_eq!(
            date_range(d("2024-07-03"), d("2024-07-03"), Lang::En),
            "3 July 2024"
        );
        assert_eq!(
            date_range(d("2025-12-30"), d("2026-01-02"), Lang::Id),
            "30 Desember 2025 – 2 Januari 2026"
        );
    }

    #[test]
    fn every_choice_has_labels_in_both_languages() {
        for k in EventKind::ALL {
            assert!(!kind_label(*k, Lang::Id).is_empty());
        }
        for t in Topic::ALL {
            assert_ne!(topic_label(*t, Lang::Id), topic_label(*t, Lang::En));
        }
        for r in TeamRole::ALL {
            assert!(!team_role_label(*r, Lang::En).is_empty());
        }
        for f in [
            "event_title",
            "seats_in_person",
            "seats_online",
            "content_rating",
            "session_title",
        ] {
            assert!(field_label(f, Lang::Id).is_some(), "{f}");
        }
    }
}

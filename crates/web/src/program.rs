//! Program years, proposals and the decree (SK) naming recipients; participation status.
//!
//! - [`years`]: `/program/years`, the program years with their targets,
//!   minimum per district, deadline and decree (national administrators
//!   change them; every officer reads them).
//! - [`proposals`]: `/program/proposals`, the district's candidates with
//!   their documents (multipart forms, CSRF in the action URL), and
//!   Perpusnas's verification and decision.
//! - [`overview`]: `/program` and `/program/{year}`, the officers' view of a
//!   year in their region: proposals against the minimum, recipients,
//!   deliveries, Bimtek attendance and work plans, one row per child region.
//! - [`api`]: the same as JSON under `/api/v1/program`.
//!
//! Who may do what is decided in `lentera_core::program` (`may_propose`,
//! `may_decide`, `may_manage_years`, `may_see_overview`); records outside
//! reach answer 404, actions not allowed 403.

mod api;
mod overview;
mod proposals;
mod years;

pub use proposals::letter_pdf;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::TodoItem;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use lentera_core::audit::ActorRef;
use lentera_core::libraries::Participation;
use lentera_core::program::{Access, DocumentKind, ProgramYear, ProposalStatus, shortfall};
use lentera_core::users::{Place, Role};
use lentera_core::visits::TimeZone;
use lentera_store::DbConn;
use lentera_store::program::{self as store, Proposal};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/program", get(overview::page_default))
        .route("/program/years", get(years::list).post(years::create))
        .route(
            "/program/years/{year}",
            get(years::edit).post(years::update),
        )
        .route(
            "/program/proposals",
            get(proposals::list).post(proposals::create),
        )
        .route("/program/proposals/new", get(proposals::new_form))
        .route("/program/proposals/export", get(proposals::export))
        .route(
            "/program/proposals/{id}",
            get(proposals::show).post(proposals::update),
        )
        .route("/program/proposals/{id}/submit", post(proposals::submit))
        .route("/program/proposals/{id}/verify", post(proposals::verify))
        .route("/program/proposals/{id}/decide", post(proposals::decide))
        .route("/program/proposals/{id}/delete", post(proposals::delete))
        .route("/program/{year}", get(overview::page_year))
        .route(
            "/api/v1/program/years",
            get(api::years).post(api::create_year),
        )
        .route(
            "/api/v1/program/years/{year}",
            get(api::year).put(api::update_year),
        )
        .route(
            "/api/v1/program/proposals",
            get(api::list).post(api::create),
        )
        .route(
            "/api/v1/program/proposals/{id}",
            get(api::get_one).put(api::update).delete(api::delete),
        )
        .route(
            "/api/v1/program/proposals/{id}/documents",
            post(api::documents),
        )
        .route("/api/v1/program/proposals/{id}/submit", post(api::submit))
        .route("/api/v1/program/proposals/{id}/verify", post(api::verify))
        .route("/api/v1/program/proposals/{id}/decide", post(api::decide))
        .route("/api/v1/program/overview", get(api::overview))
}

/// Labels of this feature's form fields (see `i18n::field_label`).
pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    let (id, en) = match field {
        "program_year" => ("Tahun program", "Programme year"),
        "year_name" => ("Nama program", "Programme name"),
        "target_libraries" => (
            "Target jumlah perpustakaan penerima",
            "Target number of recipient libraries",
        ),
        "target_full_support" => (
            "Target penerima dukungan penuh",
            "Target full-support recipients",
        ),
        "target_book_aid" => ("Target penerima bantuan buku", "Target book-aid recipients"),
        "target_trained" => (
            "Target pengelola yang dilatih (Bimtek)",
            "Target managers trained (Bimtek)",
        ),
        "min_proposals_per_district" => (
            "Minimal usulan per kabupaten/kota",
            "Minimum proposals per regency/city",
        ),
        "proposal_deadline" => ("Batas akhir usulan", "Proposal deadline"),
        "decree_number" => (
            "Nomor SK penetapan penerima",
            "Number of the decree naming recipients",
        ),
        "decree_date" => ("Tanggal SK", "Date of the decree"),
        "requested" => ("Keikutsertaan yang diusulkan", "Requested participation"),
        "proposal_note" => ("Catatan usulan", "Note on the proposal"),
        "proposal" => ("Usulan", "The proposal"),
        "doc_sk_pendirian" => (
            "SK pendirian perpustakaan",
            "Founding decree (SK pendirian)",
        ),
        "doc_npp" => ("Dokumen NPP", "NPP document"),
        "doc_commitment_letter" => (
            "Surat komitmen kepala desa",
            "Village head's commitment letter",
        ),
        "doc_tbm_active" => ("Bukti TBM masih aktif", "Proof that the TBM is active"),
        "decision" => ("Keputusan", "Decision"),
        "granted" => ("Keikutsertaan yang ditetapkan", "Participation granted"),
        "decision_reason" => ("Alasan", "Reason"),
        _ => return None,
    };
    Some(match lang {
        Lang::Id => id,
        Lang::En => en,
    })
}

pub(crate) fn status_label(s: ProposalStatus, lang: Lang) -> &'static str {
    use ProposalStatus::*;
    match (s, lang) {
        (Draft, Lang::Id) => "Draf",
        (Draft, Lang::En) => "Draft",
        (Returned, Lang::Id) => "Dikembalikan untuk diperbaiki",
        (Returned, Lang::En) => "Returned for correction",
        (Submitted, Lang::Id) => "Dikirim, menunggu verifikasi",
        (Submitted, Lang::En) => "Sent, awaiting verification",
        (Verified, Lang::Id) => "Terverifikasi, menunggu keputusan",
        (Verified, Lang::En) => "Verified, awaiting decision",
        (Accepted, Lang::Id) => "Diterima",
        (Accepted, Lang::En) => "Accepted",
        (Rejected, Lang::Id) => "Ditolak",
        (Rejected, Lang::En) => "Rejected",
    }
}

/// A short status for table headings.
pub(crate) fn status_short(s: ProposalStatus, lang: Lang) -> &'static str {
    use ProposalStatus::*;
    match (s, lang) {
        (Draft, Lang::Id) => "Draf",
        (Draft, Lang::En) => "Draft",
        (Returned, Lang::Id) => "Dikembalikan",
        (Returned, Lang::En) => "Returned",
        (Submitted, Lang::Id) => "Dikirim",
        (Submitted, Lang::En) => "Sent",
        (Verified, Lang::Id) => "Terverifikasi",
        (Verified, Lang::En) => "Verified",
        (Accepted, Lang::Id) => "Diterima",
        (Accepted, Lang::En) => "Accepted",
        (Rejected, Lang::Id) => "Ditolak",
        (Rejected, Lang::En) => "Rejected",
    }
}

/// A participation in a few words, for tables and notifications.
pub(crate) fn participation_short(p: Participation, lang: Lang) -> &'static str {
    use Participation::*;
    match (p, lang) {
        (None, Lang::Id) => "Tidak ikut",
        (None, Lang::En) => "Not taking part",
        (FullSupport, Lang::Id) => "Dukungan penuh",
        (FullSupport, Lang::En) => "Full support",
        (BookAidOnly, Lang::Id) => "Bantuan buku saja",
        (BookAidOnly, Lang::En) => "Book aid only",
        (Replication, Lang::Id) => "Replikasi",
        (Replication, Lang::En) => "Replication",
        (DistrictProposed, Lang::Id) => "Usulan kabupaten/kota",
        (DistrictProposed, Lang::En) => "District-proposed",
    }
}

pub(crate) fn document_label(d: DocumentKind, lang: Lang) -> &'static str {
    field_label(d.field(), lang).unwrap_or(d.key())
}

pub(crate) fn actor_ref(u: &CurrentUser) -> ActorRef {
    ActorRef {
        id: Some(u.user.id),
        username: u.user.username.clone(),
    }
}

/// The program's reference date: deadlines are set in Jakarta.
pub(crate) fn today() -> NaiveDate {
    TimeZone::Wib.local_date(lentera_store::now())
}

pub(crate) fn this_year() -> i32 {
    today().year()
}

pub(crate) fn date(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

/// A stored UTC time as the date in Jakarta.
pub(crate) fn day_of(t: NaiveDateTime) -> String {
    let local = t + chrono::Duration::hours(TimeZone::Wib.offset_hours());
    date(local.date())
}

pub(crate) fn place(p: &Proposal) -> Place<'_> {
    Place {
        region: &p.region_code,
        library: Some(p.library_id),
    }
}

/// An access decision as the web answers it.
pub(crate) fn allow(a: Access) -> Result<(), WebError> {
    match a {
        Access::Allowed => Ok(()),
        Access::Forbidden => Err(WebError::Forbidden),
        Access::Hidden => Err(WebError::NotFound),
    }
}

/// A proposal the user may read: 404 when it does not exist or lies outside
/// reach, alike.
pub(crate) fn readable(c: &mut DbConn, u: &CurrentUser, id: &str) -> Result<Proposal, WebError> {
    let p = store::get(c, id)?;
    if !u.actor.reaches(&place(&p)) {
        return Err(WebError::NotFound);
    }
    Ok(p)
}

/// What the district and the library team are told about a decision, in
/// both languages.
pub(crate) fn decision_note(
    p: &Proposal,
    step: &lentera_core::program::Step,
) -> Option<(String, String)> {
    use lentera_core::program::Step;
    let lib = &p.library_name;
    let y = p.year;
    Some(match step {
        Step::Accept { participation } => (
            format!(
                "Usulan TPBIS {y} untuk {lib} diterima: {}",
                participation_short(*participation, Lang::Id)
            ),
            format!(
                "The TPBIS {y} proposal for {lib} was accepted: {}",
                participation_short(*participation, Lang::En)
            ),
        ),
        Step::Reject { .. } => (
            format!("Usulan TPBIS {y} untuk {lib} ditolak"),
            format!("The TPBIS {y} proposal for {lib} was rejected"),
        ),
        Step::Return { .. } => (
            format!("Usulan TPBIS {y} untuk {lib} dikembalikan untuk diperbaiki"),
            format!("The TPBIS {y} proposal for {lib} was returned for correction"),
        ),
        Step::Submit | Step::Verify => return None,
    })
}

crate::messages!(Todo {
    Drafts => "{n} usulan TPBIS {y} masih draf", "{n} TPBIS {y} proposals are still drafts";
    Returned => "{n} usulan TPBIS {y} dikembalikan Perpusnas untuk diperbaiki", "{n} TPBIS {y} proposals were returned by Perpusnas for correction";
    BelowMinimum => "Usulan TPBIS {y}: {sent} terkirim dari minimal {min}", "TPBIS {y} proposals: {sent} sent of at least {min}";
    ToVerify => "{n} usulan TPBIS {y} menunggu verifikasi", "{n} TPBIS {y} proposals await verification";
    ToDecide => "{n} usulan TPBIS {y} terverifikasi menunggu keputusan", "{n} verified TPBIS {y} proposals await a decision";
    Decree => "Catat nomor dan tanggal SK penerima TPBIS {y}", "Record the number and date of the TPBIS {y} decree";
});

fn todo(label: String, href: String, due: Option<NaiveDate>, today: NaiveDate) -> TodoItem {
    TodoItem {
        label,
        href,
        due,
        late: due.is_some_and(|d| today > d),
    }
}

/// This user's open tasks for this feature, for the home page's to-do list:
/// a district officer's drafts, returned proposals and a minimum not yet
/// reached while a year is open; Perpusnas's proposals waiting for
/// verification or a decision, and decrees to record.
pub fn todos(
    conn: &mut lentera_store::DbConn,
    u: &crate::auth::CurrentUser,
    lang: crate::i18n::Lang,
) -> Result<Vec<crate::html::TodoItem>, crate::error::WebError> {
    if !matches!(u.actor.role, Role::District | Role::National) {
        return Ok(Vec::new());
    }
    let today = today();
    let years = store::list_years(conn)?;
    let counts = store::counts_by_year(conn, &u.actor.reach())?;
    let count = |y: i32, s: ProposalStatus| {
        counts
            .iter()
            .filter(|(cy, cs, _)| *cy == y && cs == s.key())
            .map(|(_, _, n)| *n)
            .sum::<i64>()
    };
    let fill = |m: Todo, y: &ProgramYear, n: i64| {
        m.get(lang)
            .replace("{n}", &n.to_string())
            .replace("{y}", &y.year().to_string())
    };
    let mut out = Vec::new();
    for y in &years {
        let yr = y.year();
        let list = |status: ProposalStatus| {
            format!("/program/proposals?year={yr}&status={}", status.key())
        };
        match u.actor.role {
            Role::District => {
                // Only while the call is open and its deadline not passed.
                if !y.open() || y.past_deadline(today) {
                    continue;
                }
                let due = y.details.proposal_deadline;
                let drafts = count(yr, ProposalStatus::Draft);
                if drafts > 0 {
                    out.push(todo(
                        fill(Todo::Drafts, y, drafts),
                        list(ProposalStatus::Draft),
                        due,
                        today,
                    ));
                }
                let returned = count(yr, ProposalStatus::Returned);
                if returned > 0 {
                    out.push(todo(
                        fill(Todo::Returned, y, returned),
                        list(ProposalStatus::Returned),
                        due,
                        today,
                    ));
                }
                let sent: i64 = ProposalStatus::ALL
                    .iter()
                    .filter(|s| s.proposed())
                    .map(|s| count(yr, *s))
                    .sum();
                let min = y.details.min_proposals_per_district;
                if shortfall(sent, min) > 0 {
                    out.push(todo(
                        Todo::BelowMinimum
                            .get(lang)
                            .replace("{y}", &yr.to_string())
                            .replace("{sent}", &sent.to_string())
                            .replace("{min}", &min.to_string()),
                        format!("/program/proposals/new?year={yr}"),
                        due,
                        today,
                    ));
                }
            }
            _ => {
                let submitted = count(yr, ProposalStatus::Submitted);
                if submitted > 0 {
                    out.push(todo(
                        fill(Todo::ToVerify, y, submitted),
                        list(ProposalStatus::Submitted),
                        None,
                        today,
                    ));
                }
                let verified = count(yr, ProposalStatus::Verified);
                if verified > 0 {
                    out.push(todo(
                        fill(Todo::ToDecide, y, verified),
                        list(ProposalStatus::Verified),
                        None,
                        today,
                    ));
                }
                if y.open() && count(yr, ProposalStatus::Accepted) > 0 {
                    out.push(todo(
                        fill(Todo::Decree, y, 0),
                        format!("/program/years/{yr}"),
                        None,
                        today,
                    ));
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_has_two_labels() {
        for s in ProposalStatus::ALL {
            assert_ne!(status_label(*s, Lang::Id), status_label(*s, Lang::En));
            assert_ne!(status_short(*s, Lang::Id), status_short(*s, Lang::En));
        }
        for p in Participation::ALL {
            assert_ne!(
                participation_short(*p, Lang::Id),
                participation_short(*p, Lang::En)
            );
        }
        for d in DocumentKind::ALL {
            assert!(field_label(d.field(), Lang::Id).is_some());
            assert!(field_label(d.field(), Lang::En).is_some());
        }
    }
}

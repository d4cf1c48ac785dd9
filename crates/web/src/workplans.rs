//! The three work plans after a Bimtek: potential map, goals, activities, review workflow and progress.
//!
//! [`pages`] serves browsers (`/workplans…`), [`api`] the same as JSON
//! (`/api/v1/workplans…`). Who may do what (rules in
//! `lentera_core::workplans`):
//!
//! - read: anyone whose reach includes the library; outside reach → 404;
//! - write, submit and report progress: the library's own manager and staff;
//! - review (request a revision, approve): the facilitator assigned to the
//!   library and the district officer over it; other roles in reach → 403.
//!
//! Shared here: loading with the reach check, labels, the list filters
//! (pages, API and exports read the same query), the JSON shape, the
//! exports and the home page's to-do items.

mod api;
mod pages;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::TodoItem;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use lentera_core::audit::ActorRef;
use lentera_core::field::{Invalid, Problem, flag, optional_int};
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use lentera_core::users::{Reach, Role};
use lentera_core::visits::TimeZone;
use lentera_core::workplans::{
    ACTIVITY_FIELDS, BudgetSource, MAX_ACTIVITIES, PlanKind, PlanStatus, Progress, ReviewAction,
    may_edit, may_review, split_activity_key,
};
use lentera_store::DbConn;
use lentera_store::workplans::{
    self as store, LinkedReport, PlanQuery, ReviewEntry, Who, Workplan,
};
use lentera_tabular::{Cell, Format, TableWriter};
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/workplans", get(pages::list).post(pages::create))
        .route("/workplans/new", get(pages::new_form))
        .route("/workplans/export", get(export))
        .route("/workplans/settings", post(pages::settings))
        .route("/workplans/{id}", get(pages::show))
        .route(
            "/workplans/{id}/edit",
            get(pages::edit_form).post(pages::edit_submit),
        )
        .route("/workplans/{id}/submit", post(pages::submit))
        .route("/workplans/{id}/review", post(pages::review))
        .route(
            "/workplans/{id}/activities/{activity}/progress",
            post(pages::progress),
        )
        .route("/api/v1/workplans", get(api::list).post(api::create))
        .route("/api/v1/workplans/export", get(export))
        .route("/api/v1/workplans/{id}", get(api::get).put(api::update))
        .route("/api/v1/workplans/{id}/submit", post(api::submit))
        .route("/api/v1/workplans/{id}/review", post(api::review))
        .route(
            "/api/v1/workplans/{id}/activities/{activity}/progress",
            post(api::progress),
        )
}

macro_rules! activity_labels {
    ($($n:literal)+) => {
        /// "Kegiatan 3: tanggal mulai": the row's number first, so an error
        /// in the summary says which activity it is about.
        const ACTIVITY_LABELS: [[[&str; 12]; MAX_ACTIVITIES]; 2] = [
            [$([
                concat!("Kegiatan ", $n, ": pengenal"),
                concat!("Kegiatan ", $n, ": nama kegiatan"),
                concat!("Kegiatan ", $n, ": sasaran"),
                concat!("Kegiatan ", $n, ": tanggal mulai"),
                concat!("Kegiatan ", $n, ": tanggal selesai"),
                concat!("Kegiatan ", $n, ": tempat"),
                concat!("Kegiatan ", $n, ": mitra"),
                concat!("Kegiatan ", $n, ": sumber daya"),
                concat!("Kegiatan ", $n, ": anggaran (Rp)"),
                concat!("Kegiatan ", $n, ": sumber anggaran"),
                concat!("Kegiatan ", $n, ": target terukur"),
                concat!("Kegiatan ", $n, ": catatan peninjau"),
            ]),+],
            [$([
                concat!("Activity ", $n, ": identifier"),
                concat!("Activity ", $n, ": name"),
                concat!("Activity ", $n, ": target group"),
                concat!("Activity ", $n, ": start date"),
                concat!("Activity ", $n, ": end date"),
                concat!("Activity ", $n, ": place"),
                concat!("Activity ", $n, ": partners"),
                concat!("Activity ", $n, ": resources"),
                concat!("Activity ", $n, ": budget (Rp)"),
                concat!("Activity ", $n, ": budget source"),
                concat!("Activity ", $n, ": measurable targets"),
                concat!("Activity ", $n, ": reviewer's comment"),
            ]),+],
        ];
    };
}
activity_labels!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30);

/// Labels of this feature's form fields (see `i18n::field_label`).
pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    if let Some((row, f)) = split_activity_key(field) {
        let i = ACTIVITY_FIELDS.iter().position(|x| *x == f)?;
        let l = if lang == Lang::Id { 0 } else { 1 };
        return Some(ACTIVITY_LABELS[l][row][i]);
    }
    let (id, en) = match field {
        "plan_kind" => ("Strategi", "Strategy"),
        "plan_year" => ("Tahun", "Year"),
        "plan_title" => ("Judul rencana kerja", "Title of the work plan"),
        "plan_status" => ("Status rencana kerja", "Work plan status"),
        "potential_people" => ("Potensi manusia", "People"),
        "potential_nature" => ("Potensi alam", "Natural resources"),
        "potential_institutions" => ("Potensi kelembagaan", "Institutions"),
        "potential_economy" => ("Potensi ekonomi", "Economy"),
        "goals" => ("Tujuan", "Goals"),
        "activities" => ("Kegiatan", "Activities"),
        "copy_last_year" => (
            "Salin dari rencana kerja tahun sebelumnya",
            "Copy from the previous year's plan",
        ),
        "decision" => ("Keputusan", "Decision"),
        "review_comment" => ("Catatan untuk seluruh rencana", "Comment on the whole plan"),
        "activity_progress" => ("Kemajuan kegiatan", "Progress of the activity"),
        "progress_note" => ("Catatan kemajuan", "Progress note"),
        "default_due" => ("Tenggat bawaan (BB-HH)", "Default due day (MM-DD)"),
        "late" => ("Hanya yang terlambat", "Late only"),
        "version" => ("Versi rencana kerja", "Work plan version"),
        "activity_comments" => ("Catatan per kegiatan", "Comments per activity"),
        _ => return None,
    };
    Some(match lang {
        Lang::Id => id,
        Lang::En => en,
    })
}

pub(crate) fn kind_label(k: PlanKind, lang: Lang) -> &'static str {
    match lang {
        Lang::Id => k.name_id(),
        Lang::En => k.name_en(),
    }
}

pub(crate) fn status_label(s: PlanStatus, lang: Lang) -> &'static str {
    use PlanStatus::*;
    match (s, lang) {
        (Draft, Lang::Id) => "Draf",
        (Draft, Lang::En) => "Draft",
        (Submitted, Lang::Id) => "Diajukan, menunggu tinjauan",
        (Submitted, Lang::En) => "Submitted, awaiting review",
        (RevisionRequested, Lang::Id) => "Perlu revisi",
        (RevisionRequested, Lang::En) => "Revision requested",
        (Approved, Lang::Id) => "Disetujui",
        (Approved, Lang::En) => "Approved",
    }
}

pub(crate) fn progress_label(p: Progress, lang: Lang) -> &'static str {
    use Progress::*;
    match (p, lang) {
        (Planned, Lang::Id) => "Direncanakan",
        (Planned, Lang::En) => "Planned",
        (UnderWay, Lang::Id) => "Sedang berjalan",
        (UnderWay, Lang::En) => "Under way",
        (Done, Lang::Id) => "Selesai",
        (Done, Lang::En) => "Done",
        (Cancelled, Lang::Id) => "Dibatalkan",
        (Cancelled, Lang::En) => "Cancelled",
    }
}

pub(crate) fn source_label(s: BudgetSource, lang: Lang) -> &'static str {
    use BudgetSource::*;
    match (s, lang) {
        (Apbdes, Lang::Id) => "APBDes (dana desa)",
        (Apbdes, Lang::En) => "APBDes (village budget)",
        (Swadaya, Lang::Id) => "Swadaya masyarakat",
        (Swadaya, Lang::En) => "Community self-funding (swadaya)",
        (Csr, Lang::Id) => "CSR / swasta",
        (Csr, Lang::En) => "CSR / private sector",
        (Other, Lang::Id) => "Lainnya",
        (Other, Lang::En) => "Other",
    }
}

pub(crate) fn action_label(a: ReviewAction, lang: Lang) -> &'static str {
    use ReviewAction::*;
    match (a, lang) {
        (Created, Lang::Id) => "Dibuat",
        (Created, Lang::En) => "Created",
        (Copied, Lang::Id) => "Dibuat dari rencana tahun lalu",
        (Copied, Lang::En) => "Copied from last year's plan",
        (Submitted, Lang::Id) => "Diajukan",
        (Submitted, Lang::En) => "Submitted",
        (Resubmitted, Lang::Id) => "Diajukan ulang setelah revisi",
        (Resubmitted, Lang::En) => "Resubmitted after revision",
        (RevisionRequested, Lang::Id) => "Revisi diminta",
        (RevisionRequested, Lang::En) => "Revision requested",
        (Comment, Lang::Id) => "Catatan pada kegiatan",
        (Comment, Lang::En) => "Comment on an activity",
        (Approved, Lang::Id) => "Disetujui",
        (Approved, Lang::En) => "Approved",
        (Progress, Lang::Id) => "Kemajuan kegiatan",
        (Progress, Lang::En) => "Activity progress",
    }
}

pub(crate) fn kind_options(lang: Lang) -> Vec<(String, String)> {
    PlanKind::ALL
        .iter()
        .map(|k| (k.key().to_string(), kind_label(*k, lang).to_string()))
        .collect()
}

pub(crate) fn status_options(lang: Lang) -> Vec<(String, String)> {
    PlanStatus::ALL
        .iter()
        .map(|s| (s.key().to_string(), status_label(*s, lang).to_string()))
        .collect()
}

pub(crate) fn source_options(lang: Lang) -> Vec<(String, String)> {
    BudgetSource::ALL
        .iter()
        .map(|s| (s.key().to_string(), source_label(*s, lang).to_string()))
        .collect()
}

pub(crate) fn progress_options(lang: Lang) -> Vec<(String, String)> {
    Progress::ALL
        .iter()
        .map(|p| (p.key().to_string(), progress_label(*p, lang).to_string()))
        .collect()
}

/// Rupiah the way the reader writes it: "Rp 2.500.000" / "Rp 2,500,000".
pub(crate) fn rupiah(n: i64, lang: Lang) -> String {
    format!(
        "Rp {}",
        crate::regions::fmt_thousands(n.unsigned_abs() as usize, lang)
    )
}

pub(crate) fn who(u: &CurrentUser) -> Who {
    Who {
        by: ActorRef {
            id: Some(u.user.id),
            username: u.user.username.clone(),
        },
        name: u.user.full_name.clone(),
        role: u.actor.role,
    }
}

/// The programme's reference day: Jakarta's date.
pub(crate) fn today() -> NaiveDate {
    TimeZone::Wib.local_date(lentera_store::now())
}

pub(crate) fn this_year() -> i32 {
    today().year()
}

/// A plan the user may read: unknown ids and plans outside reach are both
/// 404, so nobody learns what exists elsewhere.
pub(crate) async fn load_visible(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Workplan, WebError> {
    let id = id.to_string();
    let plan = state.run(move |c| Ok(store::get(c, &id)?)).await?;
    if !user.actor.reaches(&plan.place()) {
        return Err(WebError::NotFound);
    }
    Ok(plan)
}

/// Writing and submitting: the library's own manager and staff (403 for
/// the others who can see the plan).
pub(crate) fn require_editor(user: &CurrentUser, plan: &Workplan) -> Result<(), WebError> {
    if may_edit(&user.actor, plan.library_id) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// Reviewing: the assigned facilitator and the district officer (403 for
/// the others who can see the plan).
pub(crate) fn require_reviewer(user: &CurrentUser, plan: &Workplan) -> Result<(), WebError> {
    if may_review(&user.actor, &plan.place()) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// What the plan page and the API show besides the plan itself.
pub(crate) struct Extras {
    pub history: Vec<ReviewEntry>,
    pub reports: Vec<LinkedReport>,
}

pub(crate) async fn extras(state: &AppState, id: &str) -> Result<Extras, WebError> {
    let id = id.to_string();
    state
        .run(move |c| {
            Ok(Extras {
                history: store::history(c, &id)?,
                reports: store::linked_reports(c, &id)?,
            })
        })
        .await
}

/// The comments of the latest revision request: on the plan, and per
/// activity id. Empty once the plan was resubmitted and approved.
pub(crate) fn open_requests(
    plan: &Workplan,
    history: &[ReviewEntry],
) -> (Option<ReviewEntry>, Vec<ReviewEntry>) {
    if plan.status != PlanStatus::RevisionRequested {
        return (None, Vec::new());
    }
    let Some(start) = history
        .iter()
        .rposition(|r| r.action == ReviewAction::RevisionRequested)
    else {
        return (None, Vec::new());
    };
    let main = history[start].clone();
    let comments = history[start + 1..]
        .iter()
        .take_while(|r| r.action == ReviewAction::Comment)
        .cloned()
        .collect();
    (Some(main), comments)
}

/// A plan as JSON: the stored plan, whether it is late, what this user may
/// do with it, its history and the reports linked to its activities.
pub(crate) fn plan_json(
    plan: &Workplan,
    extras: &Extras,
    user: &CurrentUser,
) -> Result<Value, WebError> {
    let mut v = serde_json::to_value(plan).map_err(|e| WebError::Internal(e.to_string()))?;
    let editor = may_edit(&user.actor, plan.library_id);
    let reviewer = may_review(&user.actor, &plan.place());
    if let Some(o) = v.as_object_mut() {
        o.insert("late".into(), plan.is_late(today()).into());
        o.insert(
            "budget_total".into(),
            plan.activities
                .iter()
                .filter_map(|a| a.details.budget)
                .sum::<i64>()
                .into(),
        );
        o.insert(
            "may".into(),
            json!({
                "edit": editor && plan.status.editable(),
                "submit": editor && plan.status.editable(),
                "review": reviewer && plan.status == PlanStatus::Submitted,
                "progress": editor && plan.status == PlanStatus::Approved,
            }),
        );
        o.insert(
            "history".into(),
            serde_json::to_value(&extras.history).map_err(|e| WebError::Internal(e.to_string()))?,
        );
        o.insert(
            "reports".into(),
            serde_json::to_value(&extras.reports).map_err(|e| WebError::Internal(e.to_string()))?,
        );
    }
    Ok(v)
}

/// List filters as typed (query keys `plan_year`, `plan_status`,
/// `plan_kind`, `region`, `library`, `late`, `page`, `per_page`), shared by
/// the list page, the API and the exports so an export carries exactly what
/// the list showed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filters {
    pub year: String,
    pub status: String,
    pub kind: String,
    pub region: String,
    pub library: String,
    pub late: String,
    pub page: String,
    pub per_page: String,
}

impl Filters {
    pub fn from_pairs(pairs: &[(String, String)]) -> Filters {
        let mut f = Filters::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "plan_year" => &mut f.year,
                "plan_status" => &mut f.status,
                "plan_kind" => &mut f.kind,
                "region" => &mut f.region,
                "library" => &mut f.library,
                "late" => &mut f.late,
                "page" => &mut f.page,
                "per_page" => &mut f.per_page,
                _ => continue,
            };
            v.trim().clone_into(slot);
        }
        f
    }

    /// The filters (not the page) as query pairs, for links.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("plan_year", &self.year),
            ("plan_status", &self.status),
            ("plan_kind", &self.kind),
            ("region", &self.region),
            ("library", &self.library),
            ("late", &self.late),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.clone()))
        .collect()
    }

    pub fn query_string(&self) -> String {
        self.pairs()
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::html::url_encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The store query within `reach`; every bad filter is named.
    pub fn query(&self, reach: Reach, default_per_page: i64) -> Result<PlanQuery, Invalid> {
        let mut errors = Invalid::default();
        let mut q = PlanQuery::new(reach, today());
        match optional_int(&self.year, 2000, 2100) {
            Ok(y) => q.year = y.map(|y| y as i32),
            Err(p) => errors.push("plan_year", p),
        }
        if !self.status.is_empty() {
            match PlanStatus::parse(&self.status) {
                Ok(s) => q.status = Some(s),
                Err(p) => errors.push("plan_status", p),
            }
        }
        if !self.kind.is_empty() {
            match PlanKind::parse(&self.kind) {
                Ok(k) => q.kind = Some(k),
                Err(p) => errors.push("plan_kind", p),
            }
        }
        if !self.region.is_empty() {
            match RegionCode::parse(&self.region) {
                Ok(c) => q.region = Some(c),
                Err(p) => errors.push("region", p),
            }
        }
        if !self.library.is_empty() {
            match LibraryId::parse(&self.library) {
                Ok(l) => q.library = Some(l),
                Err(p) => errors.push("library", p),
            }
        }
        match flag(&self.late) {
            Ok(l) => q.late_only = l,
            Err(p) => errors.push("late", p),
        }
        match optional_int(&self.page, 1, 1_000_000) {
            Ok(p) => q.page = p.unwrap_or(1),
            Err(p) => errors.push("page", p),
        }
        match optional_int(&self.per_page, 1, 500) {
            Ok(p) => q.per_page = p.unwrap_or(default_per_page),
            Err(p) => errors.push("per_page", p),
        }
        errors.finish(q)
    }
}

/// Column keys of the list export.
pub(crate) const EXPORT_COLUMNS: [&str; 16] = [
    "library",
    "library_id",
    "village_code",
    "year",
    "plan_kind",
    "title",
    "status",
    "due_date",
    "submitted_at",
    "late",
    "approved_at",
    "activities",
    "activities_done",
    "budget",
    "id",
    "updated_at",
];

/// `GET /workplans/export?format=csv|xlsx` (and under `/api/v1`): the list
/// with the same filters, every page of it.
pub(crate) async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    crate::session::L(lang): crate::session::L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let format = match pairs
        .iter()
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
        .as_str()
    {
        "" | "csv" => Format::Csv,
        "xlsx" => Format::Xlsx,
        _ => return Err(Invalid::one("format", Problem::UnknownChoice).into()),
    };
    let mut q = Filters::from_pairs(&pairs).query(user.actor.reach(), 500)?;
    q.per_page = 500;
    let rows = state
        .run(move |c| {
            let mut all = Vec::new();
            loop {
                let page = store::list(c, &q)?;
                let n = page.items.len();
                all.extend(page.items);
                if n < q.per_page as usize || all.len() as i64 >= page.total {
                    break;
                }
                q.page += 1;
            }
            Ok(all)
        })
        .await?;
    let bytes = (|| {
        let mut w = TableWriter::new(format, Vec::new())?;
        if format == Format::Xlsx {
            w = w.with_sheet_name(crate::i18n::Msg::Workplans.get(lang))?;
        }
        w.write_header(&EXPORT_COLUMNS)?;
        for p in &rows {
            w.write_row(&[
                Cell::text(p.library_name.clone()),
                Cell::text(p.library_id.clone()),
                Cell::text(p.region_code.clone()),
                Cell::Int(i64::from(p.year)),
                Cell::text(p.kind.key()),
                Cell::text(p.title.clone()),
                Cell::text(p.status.key()),
                p.due_date.map(Cell::Date).unwrap_or(Cell::Empty),
                p.submitted_at
                    .map(|t| Cell::text(t.format("%Y-%m-%d %H:%M").to_string()))
                    .unwrap_or(Cell::Empty),
                Cell::Bool(p.late),
                p.approved_at
                    .map(|t| Cell::text(t.format("%Y-%m-%d %H:%M").to_string()))
                    .unwrap_or(Cell::Empty),
                Cell::Int(p.activities),
                Cell::Int(p.activities_done),
                Cell::Int(p.budget),
                Cell::text(p.id.clone()),
                Cell::text(p.updated_at.format("%Y-%m-%d %H:%M:%S").to_string()),
            ])?;
        }
        w.finish()
    })()
    .map_err(|e: lentera_tabular::TabularError| {
        WebError::Internal(format!("writing a table: {e:?}"))
    })?;
    let stem = match lang {
        Lang::Id => "rencana-kerja",
        Lang::En => "work-plans",
    };
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.mime_type()),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "attachment; filename=\"{stem}-{}.{}\"",
            today(),
            format.extension()
        ))
        .map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(res)
}

crate::messages!(T {
    Revise => "Revisi diminta: rencana kerja {kind} {year}", "Revision requested: work plan {kind} {year}";
    Finish => "Lengkapi dan ajukan: rencana kerja {kind} {year}", "Complete and submit: work plan {kind} {year}";
    Start => "Buat rencana kerja {kind} {year}", "Write the work plan {kind} {year}";
    Review => "Tinjau rencana kerja {kind} {year} — {library}", "Review the work plan {kind} {year} — {library}";
    More => "{n} rencana kerja lain menunggu tinjauan", "{n} more work plans are waiting for review";
});

fn fill(t: T, lang: Lang, kind: PlanKind, year: i32) -> String {
    t.get(lang)
        .replace("{kind}", kind_label(kind, lang))
        .replace("{year}", &year.to_string())
}

/// This user's open tasks for this feature, for the home page's to-do list:
/// for a library's team, plans sent back, drafts and plans not started yet
/// (this year and last); for reviewers, the plans waiting for them.
pub fn todos(conn: &mut DbConn, u: &CurrentUser, lang: Lang) -> Result<Vec<TodoItem>, WebError> {
    let today = today();
    let mut out = Vec::new();
    if let Some(lib) = u.actor.own_library() {
        let plans = store::of_library(conn, lib, today)?;
        for p in &plans {
            let t = match p.status {
                PlanStatus::RevisionRequested => T::Revise,
                PlanStatus::Draft => T::Finish,
                _ => continue,
            };
            out.push(TodoItem {
                label: fill(t, lang, p.kind, p.year),
                href: format!("/workplans/{}", p.id),
                due: p.due_date,
                late: p.late,
            });
        }
        for (year, due) in store::expected_years(conn, lib, today.year() - 1)? {
            for kind in PlanKind::ALL {
                if plans.iter().any(|p| p.year == year && p.kind == *kind) {
                    continue;
                }
                out.push(TodoItem {
                    label: fill(T::Start, lang, *kind, year),
                    href: format!("/workplans/new?plan_kind={}&plan_year={year}", kind.key()),
                    due: Some(due),
                    late: today > due,
                });
            }
        }
    } else if matches!(u.actor.role, Role::Facilitator | Role::District) {
        let mut q = PlanQuery::new(u.actor.reach(), today);
        q.status = Some(PlanStatus::Submitted);
        q.per_page = 20;
        let page = store::list(conn, &q)?;
        for p in &page.items {
            out.push(TodoItem {
                label: fill(T::Review, lang, p.kind, p.year).replace("{library}", &p.library_name),
                href: format!("/workplans/{}", p.id),
                due: None,
                late: false,
            });
        }
        if page.total > page.items.len() as i64 {
            out.push(TodoItem {
                label: T::More
                    .get(lang)
                    .replace("{n}", &(page.total - page.items.len() as i64).to_string()),
                href: "/workplans?plan_status=submitted".into(),
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
    fn every_activity_key_has_a_label_in_both_languages() {
        for row in 0..MAX_ACTIVITIES {
            for f in ACTIVITY_FIELDS {
                let key = lentera_core::workplans::activity_key(row, f);
                let id = field_label(key, Lang::Id).unwrap();
                let en = field_label(key, Lang::En).unwrap();
                assert!(id.starts_with(&format!("Kegiatan {}:", row + 1)), "{id}");
                assert!(en.starts_with(&format!("Activity {}:", row + 1)), "{en}");
            }
        }
        assert_eq!(field_label("goals", Lang::Id), Some("Tujuan"));
        assert_eq!(field_label("act31_name", Lang::Id), None);
    }

    #[test]
    fn choices_have_two_labels() {
        for s in PlanStatus::ALL {
            assert_ne!(status_label(*s, Lang::Id), status_label(*s, Lang::En));
        }
        for p in Progress::ALL {
            assert_ne!(progress_label(*p, Lang::Id), progress_label(*p, Lang::En));
        }
        for b in BudgetSource::ALL {
            assert!(!source_label(*b, Lang::Id).is_empty());
        }
        for a in ReviewAction::ALL {
            assert_ne!(action_label(*a, Lang::Id), action_label(*a, Lang::En));
        }
        assert_eq!(rupiah(2_500_000, Lang::Id), "Rp 2.500.000");
        assert_eq!(rupiah(2_500_000, Lang::En), "Rp 2,500,000");
    }

    #[test]
    fn filters_name_bad_values() {
        let pairs = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>()
        };
        let f = Filters::from_pairs(&pairs(&[
            ("plan_year", "2024"),
            ("plan_status", "submitted"),
            ("late", "on"),
            ("csrf", "x"),
        ]));
        let q = f.query(Reach::Everything, 50).unwrap();
        assert_eq!(q.year, Some(2024));
        assert_eq!(q.status, Some(PlanStatus::Submitted));
        assert!(q.late_only);
        assert_eq!(
            f.query_string(),
            "plan_year=2024&plan_status=submitted&late=on"
        );
        let bad = Filters::from_pairs(&pairs(&[("plan_kind", "x"), ("library", "nope")]));
        let e = bad.query(Reach::Everything, 50).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["plan_kind", "library"]);
    }
}

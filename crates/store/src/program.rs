//! Program years, proposals and the decree (SK) naming recipients; participation status.
//!
//! Every change runs in one `write_tx` with its audit entry and, for
//! Perpusnas's decisions, the notifications to the district and the library
//! team. Accepting a proposal also sets the library's participation and
//! cohort year in the registry, audited as a `library.update` in the same
//! transaction. [`overview`] reads the other features' tables (aid, events,
//! work plans) directly with grouped counts, so the officers' overview costs
//! a handful of queries whatever the region's size.

use crate::audit;
use crate::conn::{DbConn, Dialect, write_tx};
use crate::error::{StoreError, StoreResult};
use crate::notifications::{self, Note};
use crate::schema::{
    aid_allocations, aid_receipts, event_attendance, event_participants, events, libraries,
    program_years, proposal_documents, proposals, uploads, users, workplans,
};
use crate::uploads::NewUpload;
use crate::{Page, now};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use lentera_core::audit::{ActorRef, Change, diff};
use lentera_core::field::{Invalid, Problem};
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{LibraryType, Participation};
use lentera_core::program::{
    Count, DocumentKind, Overview, ProgramYear, ProposalChange, ProposalDraft, ProposalStatus,
    Step, YearDraft, child_level, missing_documents,
};
use lentera_core::regions::{Level, RegionCode};
use lentera_core::users::Reach;
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

// ------------------------------------------------------------------ years

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = program_years, treat_none_as_null = true)]
struct YearRow {
    year: i32,
    name: String,
    target_libraries: i32,
    target_full_support: i32,
    target_book_aid: i32,
    target_trained: i32,
    min_proposals_per_district: i32,
    proposal_deadline: Option<NaiveDate>,
    decree_number: Option<String>,
    decree_date: Option<NaiveDate>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl YearRow {
    fn new(d: &YearDraft, created_at: NaiveDateTime, updated_at: NaiveDateTime) -> Self {
        YearRow {
            year: d.year,
            name: d.name.clone(),
            target_libraries: d.target_libraries,
            target_full_support: d.target_full_support,
            target_book_aid: d.target_book_aid,
            target_trained: d.target_trained,
            min_proposals_per_district: d.min_proposals_per_district,
            proposal_deadline: d.proposal_deadline,
            decree_number: d.decree_number.clone(),
            decree_date: d.decree_date,
            created_at,
            updated_at,
        }
    }

    fn into_year(self) -> ProgramYear {
        ProgramYear {
            details: YearDraft {
                year: self.year,
                name: self.name,
                target_libraries: self.target_libraries,
                target_full_support: self.target_full_support,
                target_book_aid: self.target_book_aid,
                target_trained: self.target_trained,
                min_proposals_per_district: self.min_proposals_per_district,
                proposal_deadline: self.proposal_deadline,
                decree_number: self.decree_number,
                decree_date: self.decree_date,
            },
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

fn year_change(action: &'static str, y: &ProgramYear, details: Option<String>) -> Change {
    Change {
        action,
        entity: "program_year",
        entity_id: y.year().to_string(),
        // A national record: only those who reach everything read it in the trail.
        region: None,
        library: None,
        summary: y.details.name.clone(),
        details,
    }
}

/// Every program year, newest first.
pub fn list_years(conn: &mut DbConn) -> StoreResult<Vec<ProgramYear>> {
    Ok(program_years::table
        .order(program_years::year.desc())
        .select(YearRow::as_select())
        .load(conn)?
        .into_iter()
        .map(YearRow::into_year)
        .collect())
}

pub fn get_year(conn: &mut DbConn, year: i32) -> StoreResult<ProgramYear> {
    program_years::table
        .find(year)
        .select(YearRow::as_select())
        .first(conn)
        .optional()?
        .map(YearRow::into_year)
        .ok_or(StoreError::NotFound)
}

/// Opens a program year. A year that exists already is a `program_year`
/// duplicate.
pub fn create_year(conn: &mut DbConn, by: &ActorRef, d: &YearDraft) -> StoreResult<ProgramYear> {
    write_tx(conn, |conn| {
        let t = now();
        let row = YearRow::new(d, t, t);
        diesel::insert_into(program_years::table)
            .values(&row)
            .execute(conn)
            .map_err(|e| StoreError::unique_to_field(e, |_| "program_year"))?;
        let y = row.into_year();
        let details = diff(&[], &y.to_form().pairs());
        audit::record(conn, by, year_change("program_year.create", &y, details))?;
        Ok(y)
    })
}

/// Changes a year's name, targets, minimum, deadline or decree. The year
/// itself cannot change (proposals hang on it). With `expected`, a year
/// saved by someone else since it was read is a conflict. Recording the
/// decree is audited as `program_year.decree`.
pub fn update_year(
    conn: &mut DbConn,
    by: &ActorRef,
    year: i32,
    d: &YearDraft,
    expected: Option<NaiveDateTime>,
) -> StoreResult<ProgramYear> {
    if d.year != year {
        return Err(Invalid::one("program_year", Problem::NotAllowedHere).into());
    }
    write_tx(conn, |conn| {
        let before = get_year(conn, year)?;
        if expected.is_some_and(|e| e != before.updated_at) {
            return Err(StoreError::Conflict);
        }
        let row = YearRow::new(d, before.created_at, now());
        diesel::update(program_years::table.find(year))
            .set(&row)
            .execute(conn)?;
        let y = row.into_year();
        let details = diff(&before.to_form().pairs(), &y.to_form().pairs());
        let action = if before.details.decree_number != y.details.decree_number
            || before.details.decree_date != y.details.decree_date
        {
            "program_year.decree"
        } else {
            "program_year.update"
        };
        audit::record(conn, by, year_change(action, &y, details))?;
        Ok(y)
    })
}

// -------------------------------------------------------------- proposals

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = proposals)]
struct ProposalRow {
    id: String,
    year: i32,
    library_id: String,
    region_code: String,
    requested: String,
    note: Option<String>,
    status: String,
    proposed_by: Option<String>,
    submitted_at: Option<NaiveDateTime>,
    verified_by: Option<String>,
    verified_at: Option<NaiveDateTime>,
    decided_by: Option<String>,
    decided_at: Option<NaiveDateTime>,
    reject_reason: Option<String>,
    participation: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A document attached to a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProposalDocument {
    pub kind: DocumentKind,
    pub upload_id: String,
    pub filename: String,
    /// The stored file's kind (`pdf`, `jpeg`, `png`).
    pub file_kind: String,
    pub size: i64,
    pub added_at: NaiveDateTime,
}

/// A proposal with its library's name and type and its documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    pub id: String,
    pub year: i32,
    pub library_id: LibraryId,
    pub library_name: String,
    pub library_kind: LibraryType,
    pub library_npp: Option<String>,
    /// The library's village.
    pub region_code: RegionCode,
    pub requested: Participation,
    pub note: Option<String>,
    pub status: ProposalStatus,
    pub proposed_by: Option<String>,
    pub proposed_by_name: Option<String>,
    pub submitted_at: Option<NaiveDateTime>,
    pub verified_by_name: Option<String>,
    pub verified_at: Option<NaiveDateTime>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    /// Why it was rejected, or returned for correction.
    pub reason: Option<String>,
    /// The participation granted, once accepted.
    pub participation: Option<Participation>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub documents: Vec<ProposalDocument>,
    /// Active managers the library has in Lentera (a candidate needs an
    /// active manager).
    pub active_managers: i64,
}

impl Proposal {
    pub fn kinds(&self) -> Vec<DocumentKind> {
        self.documents.iter().map(|d| d.kind).collect()
    }
    /// Required documents not attached yet.
    pub fn missing(&self) -> Vec<DocumentKind> {
        missing_documents(self.library_kind, &self.kinds())
    }
    pub fn document(&self, kind: DocumentKind) -> Option<&ProposalDocument> {
        self.documents.iter().find(|d| d.kind == kind)
    }
    /// Sent after the year's deadline.
    pub fn late(&self, deadline: Option<NaiveDate>) -> bool {
        match (self.submitted_at, deadline) {
            (Some(at), Some(d)) => at.date() > d,
            _ => false,
        }
    }
}

type LibraryFacts = (String, String, Option<String>);

fn bad(id: &str, what: &str) -> StoreError {
    StoreError::Data(format!("proposal {id}: bad {what}"))
}

fn assemble(
    r: ProposalRow,
    lib: LibraryFacts,
    documents: Vec<ProposalDocument>,
    names: &HashMap<String, String>,
    active_managers: i64,
) -> StoreResult<Proposal> {
    let name = |id: &Option<String>| id.as_ref().and_then(|i| names.get(i).cloned());
    Ok(Proposal {
        library_id: LibraryId::parse(&r.library_id).map_err(|_| bad(&r.id, "library"))?,
        library_name: lib.0,
        library_kind: LibraryType::parse(&lib.1).map_err(|_| bad(&r.id, "library kind"))?,
        library_npp: lib.2,
        region_code: RegionCode::parse(&r.region_code).map_err(|_| bad(&r.id, "region"))?,
        requested: Participation::parse(&r.requested).map_err(|_| bad(&r.id, "requested"))?,
        status: ProposalStatus::parse(&r.status).map_err(|_| bad(&r.id, "status"))?,
        participation: r
            .participation
            .as_deref()
            .map(Participation::parse)
            .transpose()
            .map_err(|_| bad(&r.id, "participation"))?,
        proposed_by_name: name(&r.proposed_by),
        verified_by_name: name(&r.verified_by),
        decided_by_name: name(&r.decided_by),
        proposed_by: r.proposed_by,
        id: r.id,
        year: r.year,
        note: r.note,
        submitted_at: r.submitted_at,
        verified_at: r.verified_at,
        decided_at: r.decided_at,
        reason: r.reject_reason,
        created_at: r.created_at,
        updated_at: r.updated_at,
        documents,
        active_managers,
    })
}

fn documents_of(
    conn: &mut DbConn,
    ids: &[String],
) -> StoreResult<HashMap<String, Vec<ProposalDocument>>> {
    let rows: Vec<(String, String, String, String, String, i64, NaiveDateTime)> =
        proposal_documents::table
            .inner_join(uploads::table)
            .filter(proposal_documents::proposal_id.eq_any(ids))
            .select((
                proposal_documents::proposal_id,
                proposal_documents::kind,
                proposal_documents::upload_id,
                uploads::filename,
                uploads::kind,
                uploads::size,
                proposal_documents::added_at,
            ))
            .load(conn)?;
    let mut out: HashMap<String, Vec<ProposalDocument>> = HashMap::new();
    for (pid, kind, upload_id, filename, file_kind, size, added_at) in rows {
        let Ok(kind) = DocumentKind::parse(&kind) else {
            return Err(bad(&pid, "document kind"));
        };
        out.entry(pid).or_default().push(ProposalDocument {
            kind,
            upload_id,
            filename,
            file_kind,
            size,
            added_at,
        });
    }
    for docs in out.values_mut() {
        docs.sort_by_key(|d| DocumentKind::ALL.iter().position(|k| *k == d.kind));
    }
    Ok(out)
}

fn names_of(conn: &mut DbConn, rows: &[ProposalRow]) -> StoreResult<HashMap<String, String>> {
    let mut ids: Vec<String> = rows
        .iter()
        .flat_map(|r| [&r.proposed_by, &r.verified_by, &r.decided_by])
        .flatten()
        .cloned()
        .collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::full_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

fn load_full(
    conn: &mut DbConn,
    rows: Vec<(ProposalRow, LibraryFacts)>,
    with_managers: bool,
) -> StoreResult<Vec<Proposal>> {
    let ids: Vec<String> = rows.iter().map(|(r, _)| r.id.clone()).collect();
    let mut docs = documents_of(conn, &ids)?;
    let plain: Vec<ProposalRow> = rows.iter().map(|(r, _)| r.clone()).collect();
    let names = names_of(conn, &plain)?;
    let mut out = Vec::with_capacity(rows.len());
    for (r, lib) in rows {
        let managers = if with_managers {
            users::table
                .filter(users::library_id.eq(&r.library_id))
                .filter(users::role.eq("manager"))
                .filter(users::active.eq(true))
                .count()
                .get_result(conn)?
        } else {
            0
        };
        let d = docs.remove(&r.id).unwrap_or_default();
        out.push(assemble(r, lib, d, &names, managers)?);
    }
    Ok(out)
}

/// One proposal, whoever asks: callers check reach against its library.
pub fn get(conn: &mut DbConn, id: &str) -> StoreResult<Proposal> {
    let row: (ProposalRow, LibraryFacts) = proposals::table
        .inner_join(libraries::table)
        .filter(proposals::id.eq(id))
        .select((
            ProposalRow::as_select(),
            (libraries::name, libraries::kind, libraries::npp),
        ))
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    load_full(conn, vec![row], true)?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// What to list.
#[derive(Debug, Clone)]
pub struct ProposalQuery {
    pub reach: Reach,
    pub year: Option<i32>,
    /// Only proposals inside this region.
    pub region: Option<RegionCode>,
    pub status: Option<ProposalStatus>,
    pub library: Option<LibraryId>,
    pub page: i64,
    pub per_page: i64,
}

impl ProposalQuery {
    pub fn new(reach: Reach) -> Self {
        ProposalQuery {
            reach,
            year: None,
            region: None,
            status: None,
            library: None,
            page: 1,
            per_page: 50,
        }
    }
}

fn ids_text(ids: &[LibraryId]) -> Vec<String> {
    ids.iter().map(|i| i.to_string()).collect()
}

/// Filters any query on a table with a region code and a library id by
/// reach and by an optional region, with range predicates on the code (see
/// `RegionCode::subtree_range`).
macro_rules! scoped {
    ($query:expr, $region:expr, $library:expr, $reach:expr, $within:expr) => {{
        let mut q = $query;
        match $reach {
            Reach::Everything => {}
            Reach::Region(r) => {
                let (lo, hi) = r.subtree_range();
                q = q.filter($region.ge(lo)).filter($region.lt(hi));
            }
            Reach::Libraries(ids) => q = q.filter($library.eq_any(ids_text(ids))),
        }
        if let Some(r) = $within {
            let (lo, hi) = r.subtree_range();
            q = q.filter($region.ge(lo)).filter($region.lt(hi));
        }
        q
    }};
}

fn filtered<'a>(
    q: &'a ProposalQuery,
) -> diesel::helper_types::IntoBoxed<
    'a,
    diesel::helper_types::InnerJoin<proposals::table, libraries::table>,
    Dialect,
> {
    let mut query = scoped!(
        proposals::table
            .inner_join(libraries::table)
            .into_boxed::<Dialect>(),
        proposals::region_code,
        proposals::library_id,
        &q.reach,
        q.region.as_ref()
    );
    if let Some(y) = q.year {
        query = query.filter(proposals::year.eq(y));
    }
    if let Some(s) = q.status {
        query = query.filter(proposals::status.eq(s.key()));
    }
    if let Some(l) = q.library {
        query = query.filter(proposals::library_id.eq(l.to_string()));
    }
    query
}

/// Proposals within reach matching the query, by village then library name.
pub fn list(conn: &mut DbConn, q: &ProposalQuery) -> StoreResult<Page<Proposal>> {
    let per_page = q.per_page.clamp(1, 1000);
    let page = q.page.max(1);
    let total: i64 = filtered(q).count().get_result(conn)?;
    let rows: Vec<(ProposalRow, LibraryFacts)> = filtered(q)
        .order((
            proposals::year.desc(),
            proposals::region_code.asc(),
            libraries::name_key.asc(),
        ))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select((
            ProposalRow::as_select(),
            (libraries::name, libraries::kind, libraries::npp),
        ))
        .load(conn)?;
    Ok(Page {
        items: load_full(conn, rows, false)?,
        total,
        page,
        per_page,
    })
}

/// Proposal counts by year and status within reach (for the years page and
/// the to-do list).
pub fn counts_by_year(conn: &mut DbConn, reach: &Reach) -> StoreResult<Vec<(i32, String, i64)>> {
    // Grouped before boxing: Diesel groups plain statements, then filters
    // the boxed one (WHERE still runs before GROUP BY).
    let q = scoped!(
        proposals::table
            .group_by((proposals::year, proposals::status))
            .select((
                proposals::year,
                proposals::status,
                diesel::dsl::count_star(),
            ))
            .into_boxed::<Dialect>(),
        proposals::region_code,
        proposals::library_id,
        reach,
        None::<&RegionCode>
    );
    Ok(q.load(conn)?)
}

/// Libraries within reach that can still be proposed for `year`: active,
/// and without a proposal that year. `(id, name, village code)`, by village
/// then name.
pub fn candidates(
    conn: &mut DbConn,
    reach: &Reach,
    year: i32,
) -> StoreResult<Vec<(LibraryId, String, String)>> {
    let taken = proposals::table
        .filter(proposals::year.eq(year))
        .select(proposals::library_id);
    let q = scoped!(
        libraries::table
            .filter(libraries::active.eq(true))
            .filter(diesel::dsl::not(libraries::id.eq_any(taken)))
            .into_boxed::<Dialect>(),
        libraries::village_code,
        libraries::id,
        reach,
        None::<&RegionCode>
    );
    q.order((libraries::village_code.asc(), libraries::name_key.asc()))
        .select((libraries::id, libraries::name, libraries::village_code))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(id, name, v)| {
            LibraryId::parse(&id)
                .map(|id| (id, name, v))
                .map_err(|_| StoreError::Data(format!("library {id}: bad id")))
        })
        .collect()
}

/// A document to attach: which one, and the checked file.
pub struct NewDocument<'a> {
    pub kind: DocumentKind,
    pub file: NewUpload<'a>,
}

fn proposal_change(action: &'static str, p: &Proposal, details: Option<String>) -> Change {
    Change {
        action,
        entity: "proposal",
        entity_id: p.id.clone(),
        region: Some(p.region_code.clone()),
        library: Some(p.library_id),
        summary: format!("TPBIS {}: {}", p.year, p.library_name),
        details,
    }
}

fn open_year(conn: &mut DbConn, year: i32) -> StoreResult<ProgramYear> {
    let y = match get_year(conn, year) {
        Ok(y) => y,
        Err(StoreError::NotFound) => {
            return Err(Invalid::one("program_year", Problem::NotFound).into());
        }
        Err(e) => return Err(e),
    };
    if !y.open() {
        return Err(Invalid::one("program_year", Problem::WrongStatus).into());
    }
    Ok(y)
}

/// Saves documents, replacing any of the same kind (the old file is
/// removed: nothing points at it any more). Returns the kinds attached.
fn attach(
    conn: &mut DbConn,
    proposal: &str,
    library_kind: LibraryType,
    docs: Vec<NewDocument<'_>>,
) -> StoreResult<Vec<&'static str>> {
    let mut errors = Invalid::default();
    for d in &docs {
        if !d.kind.applies_to(library_kind) {
            errors.push(d.kind.field(), Problem::NotAllowedHere);
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut kinds = Vec::new();
    for d in docs {
        let kind = d.kind;
        let old: Option<String> = proposal_documents::table
            .find((proposal, kind.key()))
            .select(proposal_documents::upload_id)
            .first(conn)
            .optional()?;
        let upload = crate::uploads::save(conn, d.file)?;
        match &old {
            Some(_) => {
                diesel::update(proposal_documents::table.find((proposal, kind.key())))
                    .set((
                        proposal_documents::upload_id.eq(&upload),
                        proposal_documents::added_at.eq(now()),
                    ))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(proposal_documents::table)
                    .values((
                        proposal_documents::proposal_id.eq(proposal),
                        proposal_documents::kind.eq(kind.key()),
                        proposal_documents::upload_id.eq(&upload),
                        proposal_documents::added_at.eq(now()),
                    ))
                    .execute(conn)?;
            }
        }
        if let Some(old) = old {
            crate::uploads::delete(conn, &old)?;
        }
        kinds.push(kind.key());
    }
    Ok(kinds)
}

/// Proposes a library for a year, with any documents already at hand. The
/// caller has checked that the proposer may propose this library
/// (`lentera_core::program::may_propose`). A library proposed already that
/// year is a `library_id` duplicate; a year with its decree recorded is
/// closed (`program_year`: wrong status).
pub fn create(
    conn: &mut DbConn,
    by: &ActorRef,
    d: &ProposalDraft,
    docs: Vec<NewDocument<'_>>,
) -> StoreResult<Proposal> {
    write_tx(conn, |conn| {
        open_year(conn, d.year)?;
        let lib = match crate::libraries::get(conn, d.library) {
            Ok(l) => l,
            Err(StoreError::NotFound) => {
                return Err(Invalid::one("library_id", Problem::NotFound).into());
            }
            Err(e) => return Err(e),
        };
        if !lib.active {
            return Err(Invalid::one("library_id", Problem::NotAllowedHere).into());
        }
        let id = Uuid::now_v7().to_string();
        let t = now();
        diesel::insert_into(proposals::table)
            .values((
                proposals::id.eq(&id),
                proposals::year.eq(d.year),
                proposals::library_id.eq(lib.id.to_string()),
                proposals::region_code.eq(lib.details.village_code.as_str()),
                proposals::requested.eq(d.requested.key()),
                proposals::note.eq(&d.note),
                proposals::status.eq(ProposalStatus::Draft.key()),
                proposals::proposed_by.eq(by.id.map(|u| u.to_string())),
                proposals::created_at.eq(t),
                proposals::updated_at.eq(t),
            ))
            .execute(conn)
            .map_err(|e| StoreError::unique_to_field(e, |_| "library_id"))?;
        let kinds = attach(conn, &id, lib.details.kind, docs)?;
        let p = get(conn, &id)?;
        let mut after = vec![
            ("requested", p.requested.key().to_string()),
            ("proposal_note", p.note.clone().unwrap_or_default()),
        ];
        after.extend(kinds.iter().map(|k| (*k, "+".to_string())));
        audit::record(
            conn,
            by,
            proposal_change("proposal.create", &p, diff(&[], &after)),
        )?;
        Ok(p)
    })
}

/// Changes a draft (or returned) proposal: what it requests and its note
/// (when `change` is given) and its documents. Anything else is a
/// `proposal` wrong-status error. With `expected`, a proposal saved by
/// someone else since it was read is a conflict.
pub fn update(
    conn: &mut DbConn,
    by: &ActorRef,
    id: &str,
    change: Option<&ProposalChange>,
    docs: Vec<NewDocument<'_>>,
    expected: Option<NaiveDateTime>,
) -> StoreResult<Proposal> {
    write_tx(conn, |conn| {
        let before = get(conn, id)?;
        if expected.is_some_and(|e| e != before.updated_at) {
            return Err(StoreError::Conflict);
        }
        if !before.status.editable() {
            return Err(Invalid::one("proposal", Problem::WrongStatus).into());
        }
        open_year(conn, before.year)?;
        if let Some(c) = change {
            diesel::update(proposals::table.find(id))
                .set((
                    proposals::requested.eq(c.requested.key()),
                    proposals::note.eq(&c.note),
                ))
                .execute(conn)?;
        }
        let kinds = attach(conn, id, before.library_kind, docs)?;
        diesel::update(proposals::table.find(id))
            .set(proposals::updated_at.eq(now()))
            .execute(conn)?;
        let p = get(conn, id)?;
        let pairs = |p: &Proposal| {
            vec![
                ("requested", p.requested.key().to_string()),
                ("proposal_note", p.note.clone().unwrap_or_default()),
            ]
        };
        let mut after = pairs(&p);
        let mut before_pairs = pairs(&before);
        for k in &kinds {
            before_pairs.push((*k, String::new()));
            after.push((*k, "+".to_string()));
        }
        audit::record(
            conn,
            by,
            proposal_change("proposal.update", &p, diff(&before_pairs, &after)),
        )?;
        Ok(p)
    })
}

/// Withdraws a proposal the district has not sent: it and its files go.
pub fn delete(conn: &mut DbConn, by: &ActorRef, id: &str) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let p = get(conn, id)?;
        if !p.status.editable() {
            return Err(Invalid::one("proposal", Problem::WrongStatus).into());
        }
        diesel::delete(proposal_documents::table.filter(proposal_documents::proposal_id.eq(id)))
            .execute(conn)?;
        for d in &p.documents {
            crate::uploads::delete(conn, &d.upload_id)?;
        }
        diesel::delete(proposals::table.find(id)).execute(conn)?;
        audit::record(conn, by, proposal_change("proposal.delete", &p, None))?;
        Ok(())
    })
}

/// Takes one step (submit, verify, return, accept, reject). The caller has
/// checked who may take it (`may_propose` for submit, `may_decide` for the
/// rest). Submitting needs every required document (each missing one is a
/// `Required` error on its field); a step out of order is a `proposal`
/// wrong-status error. Accepting sets the library's participation and cohort
/// year in the registry. `note`, when given, goes to the district's officers
/// (return, accept, reject) and the library's team (accept, reject).
pub fn step(
    conn: &mut DbConn,
    by: &ActorRef,
    id: &str,
    step: &Step,
    note: Option<&Note<'_>>,
) -> StoreResult<Proposal> {
    write_tx(conn, |conn| {
        let before = get(conn, id)?;
        let to = step
            .apply(before.status)
            .map_err(|p| Invalid::one("proposal", p))?;
        let t = now();
        let who = by.id.map(|u| u.to_string());
        let target = proposals::table.find(id);
        let details;
        match step {
            Step::Submit => {
                open_year(conn, before.year)?;
                let missing = before.missing();
                if !missing.is_empty() {
                    let mut e = Invalid::default();
                    for m in missing {
                        e.push(m.field(), Problem::Required);
                    }
                    return Err(e.into());
                }
                diesel::update(target)
                    .set((
                        proposals::status.eq(to.key()),
                        proposals::submitted_at.eq(t),
                        proposals::reject_reason.eq(None::<String>),
                        proposals::updated_at.eq(t),
                    ))
                    .execute(conn)?;
                details = None;
            }
            Step::Verify => {
                diesel::update(target)
                    .set((
                        proposals::status.eq(to.key()),
                        proposals::verified_by.eq(&who),
                        proposals::verified_at.eq(t),
                        proposals::updated_at.eq(t),
                    ))
                    .execute(conn)?;
                details = None;
            }
            Step::Return { reason } => {
                diesel::update(target)
                    .set((
                        proposals::status.eq(to.key()),
                        proposals::reject_reason.eq(reason),
                        proposals::verified_by.eq(None::<String>),
                        proposals::verified_at.eq(None::<NaiveDateTime>),
                        proposals::updated_at.eq(t),
                    ))
                    .execute(conn)?;
                details = diff(&[], &[("decision_reason", reason.clone())]);
            }
            Step::Reject { reason } => {
                diesel::update(target)
                    .set((
                        proposals::status.eq(to.key()),
                        proposals::reject_reason.eq(reason),
                        proposals::decided_by.eq(&who),
                        proposals::decided_at.eq(t),
                        proposals::updated_at.eq(t),
                    ))
                    .execute(conn)?;
                details = diff(&[], &[("decision_reason", reason.clone())]);
            }
            Step::Accept { participation } => {
                diesel::update(target)
                    .set((
                        proposals::status.eq(to.key()),
                        proposals::participation.eq(participation.key()),
                        proposals::decided_by.eq(&who),
                        proposals::decided_at.eq(t),
                        proposals::updated_at.eq(t),
                    ))
                    .execute(conn)?;
                details = diff(&[], &[("granted", participation.key().to_string())]);
                set_participation(conn, by, before.library_id, *participation, before.year)?;
            }
        }
        let p = get(conn, id)?;
        audit::record(conn, by, proposal_change(step.action(), &p, details))?;
        if let Some(note) = note {
            let mut to = Vec::new();
            if !step.by_district() && *step != Step::Verify {
                to.extend(notifications::officers_over(
                    conn,
                    &p.region_code,
                    "district",
                )?);
            }
            if matches!(step, Step::Accept { .. } | Step::Reject { .. }) {
                to.extend(notifications::library_team(conn, p.library_id)?);
            }
            notifications::send(conn, &to, note)?;
        }
        Ok(p)
    })
}

/// When a past selection happened: for recording earlier years' decisions
/// from the paper files (and the demonstration).
#[derive(Debug, Clone, Copy)]
pub struct PastDates {
    pub submitted_at: NaiveDateTime,
    pub verified_at: NaiveDateTime,
    pub decided_at: NaiveDateTime,
}

/// Records a proposal that was decided before Lentera: accepted with
/// `participation` on the given dates, even in a year whose decree is
/// recorded. The registry follows as for a decision made here (only when it
/// does not say so already). Audited as `proposal.import`.
pub fn import_accepted(
    conn: &mut DbConn,
    by: &ActorRef,
    d: &ProposalDraft,
    docs: Vec<NewDocument<'_>>,
    participation: Participation,
    at: PastDates,
) -> StoreResult<Proposal> {
    write_tx(conn, |conn| {
        if let Err(StoreError::NotFound) = get_year(conn, d.year) {
            return Err(Invalid::one("program_year", Problem::NotFound).into());
        }
        let lib = crate::libraries::get(conn, d.library)?;
        let id = Uuid::now_v7().to_string();
        let who = by.id.map(|u| u.to_string());
        diesel::insert_into(proposals::table)
            .values((
                proposals::id.eq(&id),
                proposals::year.eq(d.year),
                proposals::library_id.eq(lib.id.to_string()),
                proposals::region_code.eq(lib.details.village_code.as_str()),
                proposals::requested.eq(d.requested.key()),
                proposals::note.eq(&d.note),
                proposals::status.eq(ProposalStatus::Accepted.key()),
                proposals::proposed_by.eq(&who),
                proposals::submitted_at.eq(at.submitted_at),
                proposals::verified_by.eq(&who),
                proposals::verified_at.eq(at.verified_at),
                proposals::decided_by.eq(&who),
                proposals::decided_at.eq(at.decided_at),
                proposals::participation.eq(participation.key()),
                proposals::created_at.eq(at.submitted_at),
                proposals::updated_at.eq(at.decided_at),
            ))
            .execute(conn)
            .map_err(|e| StoreError::unique_to_field(e, |_| "library_id"))?;
        attach(conn, &id, lib.details.kind, docs)?;
        if lib.details.participation != participation || lib.details.cohort_year != Some(d.year) {
            set_participation(conn, by, lib.id, participation, d.year)?;
        }
        let p = get(conn, &id)?;
        let details = diff(&[], &[("granted", participation.key().to_string())]);
        audit::record(conn, by, proposal_change("proposal.import", &p, details))?;
        Ok(p)
    })
}

/// The registry follows the decision: the library takes part from `year`
/// with `participation`. Recorded as the registry's own `library.update`.
fn set_participation(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    participation: Participation,
    year: i32,
) -> StoreResult<()> {
    let before = crate::libraries::get(conn, library)?;
    diesel::update(libraries::table.find(library.to_string()))
        .set((
            libraries::participation.eq(participation.key()),
            libraries::cohort_year.eq(Some(year)),
            libraries::updated_at.eq(now()),
        ))
        .execute(conn)?;
    let pairs = |p: &str, y: Option<i32>| {
        vec![
            ("participation", p.to_string()),
            ("cohort_year", y.map(|y| y.to_string()).unwrap_or_default()),
        ]
    };
    let details = diff(
        &pairs(
            before.details.participation.key(),
            before.details.cohort_year,
        ),
        &pairs(participation.key(), Some(year)),
    );
    audit::record(
        conn,
        by,
        Change {
            action: "library.update",
            entity: "library",
            entity_id: library.to_string(),
            region: Some(before.details.village_code.clone()),
            library: Some(library),
            summary: before.details.name.clone(),
            details,
        },
    )
}

// --------------------------------------------------------------- overview

/// The code prefix of a region column at `level`, as SQL (the same
/// `substr` on both backends). `column` is one of our own column names,
/// never input.
fn prefix(column: &str, level: Level) -> String {
    format!("substr({column}, 1, {})", level.code_len())
}

/// `(prefix, status, count)` rows of `table` grouped by the prefix of its
/// region column and a status column, filtered by reach and region: one
/// macro so each feature's table is written once.
macro_rules! grouped {
    ($conn:expr, $base:expr, $region:expr, $library:expr, $reach:expr, $within:expr, $key:expr, $status:literal) => {{
        let q = scoped!(
            $base
                .group_by(sql::<Text>(&format!("{}, {}", $key, $status)))
                .select(sql::<(Text, Text, BigInt)>(&format!(
                    "{}, {}, COUNT(*)",
                    $key, $status
                )))
                .into_boxed::<Dialect>(),
            $region,
            $library,
            $reach,
            $within
        );
        q.load::<(String, String, i64)>($conn)
    }};
    ($conn:expr, $base:expr, $region:expr, $library:expr, $reach:expr, $within:expr, $key:expr) => {{
        let q = scoped!(
            $base
                .group_by(sql::<Text>(&$key))
                .select(sql::<(Text, BigInt)>(&format!("{}, COUNT(*)", $key)))
                .into_boxed::<Dialect>(),
            $region,
            $library,
            $reach,
            $within
        );
        q.load::<(String, i64)>($conn)
    }};
}

/// Proposal counts by regency and status within reach (and `within`), for
/// the minimum per district.
pub fn proposals_by_regency(
    conn: &mut DbConn,
    reach: &Reach,
    year: i32,
    within: Option<&RegionCode>,
) -> StoreResult<Vec<(String, String, i64)>> {
    let key = prefix("proposals.region_code", Level::Regency);
    Ok(grouped!(
        conn,
        proposals::table.filter(proposals::year.eq(year)),
        proposals::region_code,
        proposals::library_id,
        reach,
        within,
        key,
        "proposals.status"
    )?)
}

/// Participant statuses that are not (or no longer) a place at the event.
const NOT_REGISTERED: [&str; 4] = ["cancelled", "canceled", "waitlisted", "waitlist"];
/// Allocation statuses that are never late.
const NOT_DUE: [&str; 2] = ["cancelled", "canceled"];

/// The overview of `year` within reach, one row per child region of
/// `within` (the nation when `None`). Late deliveries are those past their
/// due date on `today` with no receipt. A year that does not exist is not
/// found.
pub fn overview(
    conn: &mut DbConn,
    reach: &Reach,
    year: i32,
    within: Option<&RegionCode>,
    today: NaiveDate,
) -> StoreResult<Overview> {
    let y = get_year(conn, year)?;
    let level = child_level(within);
    let mut counts: Vec<(String, Count)> = Vec::new();

    // Proposals by status.
    let key = prefix("proposals.region_code", level);
    let rows = grouped!(
        conn,
        proposals::table.filter(proposals::year.eq(year)),
        proposals::region_code,
        proposals::library_id,
        reach,
        within,
        key,
        "proposals.status"
    )?;
    counts.extend(
        rows.into_iter()
            .map(|(c, status, n)| (c, Count::Proposals { status, n })),
    );

    // Recipients: the registry's libraries of this year's cohort.
    let key = prefix("libraries.village_code", level);
    let rows = grouped!(
        conn,
        libraries::table
            .filter(libraries::cohort_year.eq(year))
            .filter(libraries::participation.ne("none"))
            .filter(libraries::active.eq(true)),
        libraries::village_code,
        libraries::id,
        reach,
        within,
        key,
        "libraries.participation"
    )?;
    counts.extend(
        rows.into_iter()
            .map(|(c, participation, n)| (c, Count::Recipients { participation, n })),
    );

    // Aid allocations by status, received, late.
    let key = prefix("aid_allocations.region_code", level);
    let rows = grouped!(
        conn,
        aid_allocations::table.filter(aid_allocations::year.eq(year)),
        aid_allocations::region_code,
        aid_allocations::library_id,
        reach,
        within,
        key,
        "aid_allocations.status"
    )?;
    counts.extend(
        rows.into_iter()
            .map(|(c, status, n)| (c, Count::Aid { status, n })),
    );
    let rows = grouped!(
        conn,
        aid_allocations::table
            .filter(aid_allocations::year.eq(year))
            .filter(
                aid_allocations::id.eq_any(aid_receipts::table.select(aid_receipts::allocation_id))
            ),
        aid_allocations::region_code,
        aid_allocations::library_id,
        reach,
        within,
        key
    )?;
    counts.extend(rows.into_iter().map(|(c, n)| (c, Count::AidReceived(n))));
    let rows = grouped!(
        conn,
        aid_allocations::table
            .filter(aid_allocations::year.eq(year))
            .filter(aid_allocations::due_date.lt(today))
            .filter(aid_allocations::status.ne_all(NOT_DUE))
            .filter(diesel::dsl::not(aid_allocations::id.eq_any(
                aid_receipts::table.select(aid_receipts::allocation_id)
            ))),
        aid_allocations::region_code,
        aid_allocations::library_id,
        reach,
        within,
        key
    )?;
    counts.extend(rows.into_iter().map(|(c, n)| (c, Count::AidLate(n))));

    // Event participants of the year's events, and who attended a session.
    // An event without a program year counts in the year it starts.
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
    let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
    let year_events = || {
        events::table
            .filter(
                events::year.eq(year).or(events::year
                    .is_null()
                    .and(events::starts_on.ge(start).and(events::starts_on.le(end)))),
            )
            .select(events::id)
    };
    let key = prefix("event_participants.region_code", level);
    let rows = grouped!(
        conn,
        event_participants::table
            .filter(event_participants::event_id.eq_any(year_events()))
            .filter(event_participants::status.ne_all(NOT_REGISTERED)),
        event_participants::region_code,
        event_participants::library_id,
        reach,
        within,
        key
    )?;
    counts.extend(rows.into_iter().map(|(c, n)| (c, Count::Participants(n))));
    let rows = grouped!(
        conn,
        event_participants::table
            .filter(event_participants::event_id.eq_any(year_events()))
            .filter(event_participants::status.ne_all(NOT_REGISTERED))
            .filter(
                event_participants::id.eq_any(
                    event_attendance::table
                        .filter(event_attendance::present.eq(true))
                        .select(event_attendance::participant_id)
                )
            ),
        event_participants::region_code,
        event_participants::library_id,
        reach,
        within,
        key
    )?;
    counts.extend(rows.into_iter().map(|(c, n)| (c, Count::Attended(n))));

    // Work plans by status.
    let key = prefix("workplans.region_code", level);
    let rows = grouped!(
        conn,
        workplans::table.filter(workplans::year.eq(year)),
        workplans::region_code,
        workplans::library_id,
        reach,
        within,
        key,
        "workplans.status"
    )?;
    counts.extend(
        rows.into_iter()
            .map(|(c, status, n)| (c, Count::Workplans { status, n })),
    );

    let by_regency = proposals_by_regency(conn, reach, year, within)?;
    Ok(lentera_core::program::overview(
        year,
        within.cloned(),
        y.details.min_proposals_per_district,
        &counts,
        &by_regency,
    ))
}

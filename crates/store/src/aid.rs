//! Aid: packages (templates per year), allocations per library and year,
//! shipments per component, the receipt (BAST) and the aid books into the
//! receiving library's catalogue.
//!
//! Allocations carry the library's id and village code, so reach is one
//! predicate on the allocation row (see [`AllocationQuery`]). An
//! allocation's status is derived from its shipments and receipt
//! (`lentera_core::aid::status_from`) and refreshed in the transaction of
//! every change that can move it. Packages are national templates: anyone
//! signed in may read them; their book list is an upload placed at the
//! pseudo-region [`NATIONAL_REGION`].

mod books;

pub use books::{Marking, Prepared as PreparedBookList, prepare as prepare_book_list};

use crate::audit;
use crate::catalog::transfer::{self, ImportError, ImportOptions, ImportResult, Refusal};
use crate::conn::{DbConn, Dialect, write_tx};
use crate::error::{StoreError, StoreResult};
use crate::notifications::{self, Note};
use crate::schema::{
    aid_allocations, aid_package_components, aid_packages, aid_receipts, aid_shipments, libraries,
    proposals,
};
use crate::uploads::{self, NewUpload};
use crate::{Page, now};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use lentera_core::aid::{
    AllocationStatus, BulkDraft, COMPONENT_KIND_FIELDS, ComponentKind, Condition, MAX_COMPONENTS,
    PackageDraft, ReceiptDraft, ShipmentDraft, ShipmentFacts, is_late, item_source, package_for,
    status_from,
};
use lentera_core::audit::{ActorRef, Change};
use lentera_core::field::{Invalid, Problem};
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use lentera_core::users::Reach;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The region national records (package book lists) are stored under: no
/// province has code 00, so only national reach covers it.
pub const NATIONAL_REGION: &str = "00";

pub fn national_region() -> RegionCode {
    RegionCode::parse(NATIONAL_REGION).expect("two digits")
}

// ------------------------------------------------------------------ packages

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    pub id: String,
    pub position: i32,
    pub kind: ComponentKind,
    pub label: String,
    pub quantity: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Package {
    pub id: String,
    pub year: i32,
    pub name: String,
    pub description: Option<String>,
    pub full_support: bool,
    pub book_list_upload_id: Option<String>,
    /// Titles and copies of the book list, counted when it was uploaded.
    pub book_titles: i32,
    pub book_copies: i32,
    pub components: Vec<Component>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = aid_packages)]
struct PackageRow {
    id: String,
    year: i32,
    name: String,
    description: Option<String>,
    full_support: bool,
    book_list_upload_id: Option<String>,
    book_titles: i32,
    book_copies: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = aid_package_components)]
struct ComponentRow {
    id: String,
    package_id: String,
    position: i32,
    kind: String,
    label: String,
    quantity: i32,
}

impl ComponentRow {
    fn into_component(self) -> StoreResult<Component> {
        Ok(Component {
            kind: ComponentKind::parse(&self.kind)
                .map_err(|_| StoreError::Data(format!("component {}: bad kind", self.id)))?,
            id: self.id,
            position: self.position,
            label: self.label,
            quantity: self.quantity,
        })
    }
}

/// A book list to attach to a package: the checked file and what it holds.
pub struct BookList<'a> {
    pub upload: NewUpload<'a>,
    pub titles: u64,
    pub copies: u64,
}

fn packages_with_components(conn: &mut DbConn, rows: Vec<PackageRow>) -> StoreResult<Vec<Package>> {
    let ids: Vec<&String> = rows.iter().map(|r| &r.id).collect();
    let comps: Vec<ComponentRow> = aid_package_components::table
        .filter(aid_package_components::package_id.eq_any(ids))
        .order((
            aid_package_components::package_id,
            aid_package_components::position,
        ))
        .select(ComponentRow::as_select())
        .load(conn)?;
    let mut by_package: HashMap<String, Vec<Component>> = HashMap::new();
    for c in comps {
        let pid = c.package_id.clone();
        by_package.entry(pid).or_default().push(c.into_component()?);
    }
    Ok(rows
        .into_iter()
        .map(|r| Package {
            components: by_package.remove(&r.id).unwrap_or_default(),
            id: r.id,
            year: r.year,
            name: r.name,
            description: r.description,
            full_support: r.full_support,
            book_list_upload_id: r.book_list_upload_id,
            book_titles: r.book_titles,
            book_copies: r.book_copies,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect())
}

pub fn get_package(conn: &mut DbConn, id: &str) -> StoreResult<Package> {
    let row = aid_packages::table
        .find(id)
        .select(PackageRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    Ok(packages_with_components(conn, vec![row])?.remove(0))
}

/// Packages, newest year first; one year's with `year`.
pub fn list_packages(conn: &mut DbConn, year: Option<i32>) -> StoreResult<Vec<Package>> {
    let mut q = aid_packages::table.into_boxed::<Dialect>();
    if let Some(y) = year {
        q = q.filter(aid_packages::year.eq(y));
    }
    let rows = q
        .order((
            aid_packages::year.desc(),
            aid_packages::full_support.asc(),
            aid_packages::name.asc(),
        ))
        .select(PackageRow::as_select())
        .load(conn)?;
    packages_with_components(conn, rows)
}

fn insert_components(
    conn: &mut DbConn,
    package: &str,
    from: usize,
    draft: &PackageDraft,
) -> StoreResult<()> {
    for (i, c) in draft.components.iter().enumerate().skip(from) {
        diesel::insert_into(aid_package_components::table)
            .values((
                aid_package_components::id.eq(Uuid::now_v7().to_string()),
                aid_package_components::package_id.eq(package),
                aid_package_components::position.eq(i as i32),
                aid_package_components::kind.eq(c.kind.key()),
                aid_package_components::label.eq(&c.label),
                aid_package_components::quantity.eq(c.quantity),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn summary_of(draft: &PackageDraft) -> String {
    let parts: Vec<String> = draft
        .components
        .iter()
        .map(|c| format!("{} {}", c.quantity, c.label))
        .collect();
    format!("{} ({}): {}", draft.name, draft.year, parts.join(", "))
}

fn attach_book_list(conn: &mut DbConn, package: &str, list: BookList<'_>) -> StoreResult<String> {
    let upload = uploads::save(conn, list.upload)?;
    diesel::update(aid_packages::table.find(package))
        .set((
            aid_packages::book_list_upload_id.eq(&upload),
            aid_packages::book_titles.eq(list.titles.min(i32::MAX as u64) as i32),
            aid_packages::book_copies.eq(list.copies.min(i32::MAX as u64) as i32),
        ))
        .execute(conn)?;
    Ok(upload)
}

/// Creates a package (national administrators only; the caller checks).
pub fn create_package(
    conn: &mut DbConn,
    by: &ActorRef,
    draft: &PackageDraft,
    book_list: Option<BookList<'_>>,
) -> StoreResult<Package> {
    let id = Uuid::now_v7().to_string();
    write_tx(conn, |conn| {
        let t = now();
        diesel::insert_into(aid_packages::table)
            .values((
                aid_packages::id.eq(&id),
                aid_packages::year.eq(draft.year),
                aid_packages::name.eq(&draft.name),
                aid_packages::description.eq(&draft.description),
                aid_packages::full_support.eq(draft.full_support),
                aid_packages::created_at.eq(t),
                aid_packages::updated_at.eq(t),
            ))
            .execute(conn)?;
        insert_components(conn, &id, 0, draft)?;
        let mut summary = summary_of(draft);
        if let Some(list) = book_list {
            summary.push_str(&format!(
                "; daftar buku {} judul, {} eksemplar",
                list.titles, list.copies
            ));
            attach_book_list(conn, &id, list)?;
        }
        audit::record(
            conn,
            by,
            Change {
                action: "aid.package_create",
                entity: "aid_package",
                entity_id: id.clone(),
                region: None,
                library: None,
                summary,
                details: None,
            },
        )?;
        Ok::<_, StoreError>(())
    })?;
    get_package(conn, &id)
}

/// Changes a package. Components are matched by position: a row kept keeps
/// its id (and its shipments); a row removed must have no shipments. The
/// year cannot change once libraries are allocated the package.
pub fn update_package(
    conn: &mut DbConn,
    by: &ActorRef,
    id: &str,
    draft: &PackageDraft,
    book_list: Option<BookList<'_>>,
) -> StoreResult<Package> {
    write_tx(conn, |conn| {
        let before = get_package(conn, id)?;
        let allocated: i64 = aid_allocations::table
            .filter(aid_allocations::package_id.eq(id))
            .count()
            .get_result(conn)?;
        let mut errors = Invalid::default();
        if before.year != draft.year && allocated > 0 {
            errors.push("program_year", Problem::WrongStatus);
        }
        for (i, c) in before
            .components
            .iter()
            .enumerate()
            .skip(draft.components.len())
        {
            let shipped: i64 = aid_shipments::table
                .filter(aid_shipments::component_id.eq(&c.id))
                .count()
                .get_result(conn)?;
            if shipped > 0 {
                errors.push(
                    COMPONENT_KIND_FIELDS[i.min(MAX_COMPONENTS - 1)],
                    Problem::WrongStatus,
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        diesel::update(aid_packages::table.find(id))
            .set((
                aid_packages::year.eq(draft.year),
                aid_packages::name.eq(&draft.name),
                aid_packages::description.eq(&draft.description),
                aid_packages::full_support.eq(draft.full_support),
                aid_packages::updated_at.eq(now()),
            ))
            .execute(conn)?;
        for (old, new) in before.components.iter().zip(&draft.components) {
            diesel::update(aid_package_components::table.find(&old.id))
                .set((
                    aid_package_components::kind.eq(new.kind.key()),
                    aid_package_components::label.eq(&new.label),
                    aid_package_components::quantity.eq(new.quantity),
                ))
                .execute(conn)?;
        }
        for old in before.components.iter().skip(draft.components.len()) {
            diesel::delete(aid_package_components::table.find(&old.id)).execute(conn)?;
        }
        insert_components(conn, id, before.components.len(), draft)?;
        let mut summary = summary_of(draft);
        if let Some(list) = book_list {
            summary.push_str(&format!(
                "; daftar buku baru {} judul, {} eksemplar",
                list.titles, list.copies
            ));
            attach_book_list(conn, id, list)?;
        }
        audit::record(
            conn,
            by,
            Change {
                action: "aid.package_update",
                entity: "aid_package",
                entity_id: id.to_string(),
                region: None,
                library: None,
                summary,
                details: None,
            },
        )?;
        Ok::<_, StoreError>(())
    })?;
    get_package(conn, id)
}

/// Replaces a package's book list. Libraries that already imported the old
/// list keep their books; a later import reads the new one.
pub fn set_book_list(
    conn: &mut DbConn,
    by: &ActorRef,
    id: &str,
    list: BookList<'_>,
) -> StoreResult<Package> {
    write_tx(conn, |conn| {
        let p = get_package(conn, id)?;
        let summary = format!(
            "{} ({}): daftar buku {} judul, {} eksemplar",
            p.name, p.year, list.titles, list.copies
        );
        attach_book_list(conn, id, list)?;
        diesel::update(aid_packages::table.find(id))
            .set(aid_packages::updated_at.eq(now()))
            .execute(conn)?;
        audit::record(
            conn,
            by,
            Change {
                action: "aid.package_book_list",
                entity: "aid_package",
                entity_id: id.to_string(),
                region: None,
                library: None,
                summary,
                details: None,
            },
        )?;
        Ok::<_, StoreError>(())
    })?;
    get_package(conn, id)
}

// --------------------------------------------------------------- allocations

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Allocation {
    pub id: String,
    pub year: i32,
    pub library_id: String,
    pub library_name: String,
    pub region_code: String,
    pub package_id: String,
    pub package_name: String,
    pub full_support: bool,
    pub has_book_list: bool,
    pub due_date: Option<NaiveDate>,
    pub status: AllocationStatus,
    pub received_on: Option<NaiveDate>,
    pub books_imported_at: Option<NaiveDateTime>,
    pub books_imported: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Allocation {
    pub fn library(&self) -> Option<LibraryId> {
        LibraryId::parse(&self.library_id).ok()
    }
    pub fn region(&self) -> Option<RegionCode> {
        RegionCode::parse(&self.region_code).ok()
    }
    pub fn late(&self, today: NaiveDate) -> bool {
        is_late(self.due_date, self.status, today)
    }
    /// Received, with a book list whose books are not in the catalogue yet.
    pub fn books_pending(&self) -> bool {
        self.status == AllocationStatus::Received
            && self.has_book_list
            && self.books_imported_at.is_none()
    }
}

type AllocationTuple = (
    (
        String,
        i32,
        String,
        String,
        String,
        Option<NaiveDate>,
        String,
        Option<NaiveDateTime>,
        i32,
        NaiveDateTime,
        NaiveDateTime,
    ),
    String,
    (String, bool, Option<String>),
    Option<NaiveDate>,
);

fn into_allocation(t: AllocationTuple) -> StoreResult<Allocation> {
    let (
        (
            id,
            year,
            library_id,
            region_code,
            package_id,
            due_date,
            status,
            imported_at,
            imported,
            created_at,
            updated_at,
        ),
        library_name,
        (package_name, full_support, list),
        received_on,
    ) = t;
    Ok(Allocation {
        status: AllocationStatus::parse(&status)
            .map_err(|_| StoreError::Data(format!("allocation {id}: bad status")))?,
        id,
        year,
        library_id,
        library_name,
        region_code,
        package_id,
        package_name,
        full_support,
        has_book_list: list.is_some(),
        due_date,
        received_on,
        books_imported_at: imported_at,
        books_imported: imported,
        created_at,
        updated_at,
    })
}

/// Which allocations to list.
#[derive(Debug, Clone)]
pub struct AllocationQuery {
    pub reach: Reach,
    pub year: Option<i32>,
    pub status: Option<AllocationStatus>,
    /// Only those late on this day.
    pub late_on: Option<NaiveDate>,
    /// Only inside this region.
    pub region: Option<RegionCode>,
    pub library: Option<LibraryId>,
    pub package: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

impl AllocationQuery {
    pub fn new(reach: Reach) -> Self {
        AllocationQuery {
            reach,
            year: None,
            status: None,
            late_on: None,
            region: None,
            library: None,
            package: None,
            page: 1,
            per_page: 50,
        }
    }
}

fn in_region<'a>(
    q: aid_allocations::BoxedQuery<'a, Dialect>,
    r: &RegionCode,
) -> aid_allocations::BoxedQuery<'a, Dialect> {
    let (lo, hi) = r.subtree_range();
    q.filter(aid_allocations::region_code.ge(lo))
        .filter(aid_allocations::region_code.lt(hi))
}

/// The query's filters on the allocation row alone (reach included).
fn filtered(q: &AllocationQuery) -> aid_allocations::BoxedQuery<'static, Dialect> {
    let mut query = aid_allocations::table.into_boxed::<Dialect>();
    match &q.reach {
        Reach::Everything => {}
        Reach::Region(r) => query = in_region(query, r),
        Reach::Libraries(ids) => {
            query = query.filter(
                aid_allocations::library_id
                    .eq_any(ids.iter().map(|i| i.to_string()).collect::<Vec<_>>()),
            )
        }
    }
    if let Some(r) = &q.region {
        query = in_region(query, r);
    }
    if let Some(y) = q.year {
        query = query.filter(aid_allocations::year.eq(y));
    }
    if let Some(s) = q.status {
        query = query.filter(aid_allocations::status.eq(s.key()));
    }
    if let Some(day) = q.late_on {
        query = query
            .filter(aid_allocations::due_date.lt(day))
            .filter(aid_allocations::status.ne(AllocationStatus::Received.key()));
    }
    if let Some(l) = q.library {
        query = query.filter(aid_allocations::library_id.eq(l.to_string()));
    }
    if let Some(p) = &q.package {
        query = query.filter(aid_allocations::package_id.eq(p.clone()));
    }
    query
}

/// The ids the query selects, for the joined load.
fn load_allocations(conn: &mut DbConn, ids: &[String]) -> StoreResult<Vec<Allocation>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<AllocationTuple> = aid_allocations::table
            .inner_join(libraries::table)
            .inner_join(aid_packages::table)
            .left_join(aid_receipts::table)
            .filter(aid_allocations::id.eq_any(chunk))
            .select((
                (
                    aid_allocations::id,
                    aid_allocations::year,
                    aid_allocations::library_id,
                    aid_allocations::region_code,
                    aid_allocations::package_id,
                    aid_allocations::due_date,
                    aid_allocations::status,
                    aid_allocations::books_imported_at,
                    aid_allocations::books_imported,
                    aid_allocations::created_at,
                    aid_allocations::updated_at,
                ),
                libraries::name,
                (
                    aid_packages::name,
                    aid_packages::full_support,
                    aid_packages::book_list_upload_id,
                ),
                aid_receipts::received_on.nullable(),
            ))
            .load(conn)?;
        for r in rows {
            out.push(into_allocation(r)?);
        }
    }
    // Keep the order of `ids`.
    let pos: HashMap<&String, usize> = ids.iter().enumerate().map(|(i, id)| (id, i)).collect();
    out.sort_by_key(|a| pos.get(&a.id).copied().unwrap_or(usize::MAX));
    Ok(out)
}

/// Allocations matching the query, by year (newest first), region and id.
pub fn list_allocations(conn: &mut DbConn, q: &AllocationQuery) -> StoreResult<Page<Allocation>> {
    let per_page = q.per_page.clamp(1, 100_000);
    let page = q.page.max(1);
    let total: i64 = filtered(q).count().get_result(conn)?;
    let ids: Vec<String> = filtered(q)
        .order((
            aid_allocations::year.desc(),
            aid_allocations::region_code.asc(),
            aid_allocations::id.asc(),
        ))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(aid_allocations::id)
        .load(conn)?;
    Ok(Page {
        items: load_allocations(conn, &ids)?,
        total,
        page,
        per_page,
    })
}

/// How many allocations of the query stand at each status, and how many are
/// late on `today`: the officers' view at a glance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    pub total: i64,
    pub allocated: i64,
    pub shipped: i64,
    pub delivered: i64,
    pub received: i64,
    pub late: i64,
    pub books_imported: i64,
}

pub fn status_counts(
    conn: &mut DbConn,
    q: &AllocationQuery,
    today: NaiveDate,
) -> StoreResult<StatusCounts> {
    let mut base = q.clone();
    base.status = None;
    base.late_on = None;
    let count =
        |conn: &mut DbConn, status: Option<AllocationStatus>, late: bool| -> StoreResult<i64> {
            let mut x = base.clone();
            x.status = status;
            x.late_on = late.then_some(today);
            Ok(filtered(&x).count().get_result(conn)?)
        };
    let imported: i64 = filtered(&base)
        .filter(aid_allocations::books_imported_at.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(StatusCounts {
        total: count(conn, None, false)?,
        allocated: count(conn, Some(AllocationStatus::Allocated), false)?,
        shipped: count(conn, Some(AllocationStatus::Shipped), false)?,
        delivered: count(conn, Some(AllocationStatus::Delivered), false)?,
        received: count(conn, Some(AllocationStatus::Received), false)?,
        late: count(conn, None, true)?,
        books_imported: imported,
    })
}

/// Late allocations within reach on `today`.
pub fn late_count(conn: &mut DbConn, reach: &Reach, today: NaiveDate) -> StoreResult<i64> {
    let mut q = AllocationQuery::new(reach.clone());
    q.late_on = Some(today);
    Ok(filtered(&q).count().get_result(conn)?)
}

pub fn get_allocation(conn: &mut DbConn, id: &str) -> StoreResult<Allocation> {
    load_allocations(conn, &[id.to_string()])?
        .pop()
        .ok_or(StoreError::NotFound)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable)]
#[diesel(table_name = aid_shipments)]
pub struct Shipment {
    pub id: String,
    pub allocation_id: String,
    pub component_id: String,
    pub planned_date: Option<NaiveDate>,
    pub shipped_date: Option<NaiveDate>,
    pub delivered_date: Option<NaiveDate>,
    pub courier: Option<String>,
    pub tracking: Option<String>,
    pub note: Option<String>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub allocation_id: String,
    pub received_on: NaiveDate,
    pub receiver_name: String,
    pub receiver_position: Option<String>,
    pub condition: Condition,
    pub shortfalls: Option<String>,
    pub photo_upload_id: Option<String>,
    pub document_upload_id: Option<String>,
    pub recorded_by: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = aid_receipts)]
struct ReceiptRow {
    allocation_id: String,
    received_on: NaiveDate,
    receiver_name: String,
    receiver_position: Option<String>,
    condition: String,
    shortfalls: Option<String>,
    photo_upload_id: Option<String>,
    document_upload_id: Option<String>,
    recorded_by: Option<String>,
    created_at: NaiveDateTime,
}

pub fn receipt(conn: &mut DbConn, allocation: &str) -> StoreResult<Option<Receipt>> {
    let Some(r) = aid_receipts::table
        .find(allocation)
        .select(ReceiptRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    Ok(Some(Receipt {
        condition: Condition::parse(&r.condition)
            .map_err(|_| StoreError::Data(format!("receipt {}: bad condition", r.allocation_id)))?,
        allocation_id: r.allocation_id,
        received_on: r.received_on,
        receiver_name: r.receiver_name,
        receiver_position: r.receiver_position,
        shortfalls: r.shortfalls,
        photo_upload_id: r.photo_upload_id,
        document_upload_id: r.document_upload_id,
        recorded_by: r.recorded_by,
        created_at: r.created_at,
    }))
}

/// Everything about one allocation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllocationDetail {
    #[serde(flatten)]
    pub allocation: Allocation,
    pub package: Package,
    pub shipments: Vec<Shipment>,
    pub receipt: Option<Receipt>,
}

impl AllocationDetail {
    /// The shipment of a component, if any was recorded.
    pub fn shipment(&self, component: &str) -> Option<&Shipment> {
        self.shipments.iter().find(|s| s.component_id == component)
    }
}

pub fn detail(conn: &mut DbConn, id: &str) -> StoreResult<AllocationDetail> {
    let allocation = get_allocation(conn, id)?;
    let package = get_package(conn, &allocation.package_id)?;
    let shipments = aid_shipments::table
        .filter(aid_shipments::allocation_id.eq(id))
        .select(Shipment::as_select())
        .load(conn)?;
    let receipt = receipt(conn, id)?;
    Ok(AllocationDetail {
        allocation,
        package,
        shipments,
        receipt,
    })
}

/// Recomputes and stores an allocation's status from its facts.
fn refresh_status(conn: &mut DbConn, id: &str) -> StoreResult<AllocationStatus> {
    let package: String = aid_allocations::table
        .find(id)
        .select(aid_allocations::package_id)
        .first(conn)?;
    let components: i64 = aid_package_components::table
        .filter(aid_package_components::package_id.eq(&package))
        .count()
        .get_result(conn)?;
    let facts: Vec<(Option<NaiveDate>, Option<NaiveDate>)> = aid_shipments::table
        .filter(aid_shipments::allocation_id.eq(id))
        .select((aid_shipments::shipped_date, aid_shipments::delivered_date))
        .load(conn)?;
    let facts: Vec<ShipmentFacts> = facts
        .into_iter()
        .map(|(s, d)| ShipmentFacts {
            shipped: s.is_some(),
            delivered: d.is_some(),
        })
        .collect();
    let received: i64 = aid_receipts::table
        .filter(aid_receipts::allocation_id.eq(id))
        .count()
        .get_result(conn)?;
    let status = status_from(components as usize, &facts, received > 0);
    diesel::update(aid_allocations::table.find(id))
        .set((
            aid_allocations::status.eq(status.key()),
            aid_allocations::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(status)
}

/// The facts of a library an allocation needs.
struct LibraryFacts {
    village: RegionCode,
    name: String,
}

fn library_facts(conn: &mut DbConn, library: LibraryId) -> StoreResult<LibraryFacts> {
    let (village, name): (String, String) = libraries::table
        .find(library.to_string())
        .select((libraries::village_code, libraries::name))
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    Ok(LibraryFacts {
        village: RegionCode::parse(&village)
            .map_err(|_| StoreError::Data(format!("library {library}: bad village")))?,
        name,
    })
}

fn package_year(
    conn: &mut DbConn,
    package: &str,
    field: &'static str,
) -> StoreResult<(i32, String)> {
    aid_packages::table
        .find(package)
        .select((aid_packages::year, aid_packages::name))
        .first(conn)
        .optional()?
        .ok_or_else(|| Invalid::one(field, Problem::NotFound).into())
}

fn allocated_note(
    year: i32,
    package: &str,
    link: &str,
    to: &[String],
    conn: &mut DbConn,
) -> StoreResult<()> {
    let id = format!("Bantuan TPBIS {year} dialokasikan untuk perpustakaan Anda: {package}.");
    let en = format!("TPBIS {year} aid was allocated to your library: {package}.");
    notifications::send(
        conn,
        to,
        &Note {
            id: &id,
            en: &en,
            link,
        },
    )
}

/// Allocates a package to a library for the package's year. The caller has
/// checked the library is within reach. One allocation per library and year.
pub fn create_allocation(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    package: &str,
    due_date: Option<NaiveDate>,
) -> StoreResult<Allocation> {
    let id = Uuid::now_v7().to_string();
    write_tx(conn, |conn| {
        let lib = library_facts(conn, library)?;
        let (year, package_name) = package_year(conn, package, "package")?;
        let t = now();
        diesel::insert_into(aid_allocations::table)
            .values((
                aid_allocations::id.eq(&id),
                aid_allocations::year.eq(year),
                aid_allocations::library_id.eq(library.to_string()),
                aid_allocations::region_code.eq(lib.village.to_string()),
                aid_allocations::package_id.eq(package),
                aid_allocations::due_date.eq(due_date),
                aid_allocations::status.eq(AllocationStatus::Allocated.key()),
                aid_allocations::created_at.eq(t),
                aid_allocations::updated_at.eq(t),
            ))
            .execute(conn)
            .map_err(|e| StoreError::unique_to_field(e, |_| "library"))?;
        let team = notifications::library_team(conn, library)?;
        allocated_note(
            year,
            &package_name,
            &format!("/aid/allocations/{id}"),
            &team,
            conn,
        )?;
        audit::record(
            conn,
            by,
            Change {
                action: "aid.allocate",
                entity: "aid_allocation",
                entity_id: id.clone(),
                region: Some(lib.village.clone()),
                library: Some(library),
                summary: format!("{} — {} ({year})", lib.name, package_name),
                details: None,
            },
        )?;
        Ok::<_, StoreError>(())
    })?;
    get_allocation(conn, &id)
}

/// Changes the package or due date. Not after receipt; the package only
/// within the same year and before anything was shipped.
pub fn update_allocation(
    conn: &mut DbConn,
    by: &ActorRef,
    id: &str,
    package: &str,
    due_date: Option<NaiveDate>,
) -> StoreResult<Allocation> {
    write_tx(conn, |conn| {
        let a = get_allocation(conn, id)?;
        if a.status == AllocationStatus::Received {
            return Err(Invalid::one("due_date", Problem::WrongStatus).into());
        }
        if package != a.package_id {
            let (year, _) = package_year(conn, package, "package")?;
            if year != a.year {
                return Err(Invalid::one("package", Problem::NotAllowedHere).into());
            }
            let shipments: i64 = aid_shipments::table
                .filter(aid_shipments::allocation_id.eq(id))
                .count()
                .get_result(conn)?;
            if shipments > 0 {
                return Err(Invalid::one("package", Problem::WrongStatus).into());
            }
        }
        diesel::update(aid_allocations::table.find(id))
            .set((
                aid_allocations::package_id.eq(package),
                aid_allocations::due_date.eq(due_date),
                aid_allocations::updated_at.eq(now()),
            ))
            .execute(conn)?;
        refresh_status(conn, id)?;
        audit::record(
            conn,
            by,
            Change {
                action: "aid.allocation_update",
                entity: "aid_allocation",
                entity_id: id.to_string(),
                region: a.region(),
                library: a.library(),
                summary: format!(
                    "{} ({}): tenggat {}",
                    a.library_name,
                    a.year,
                    due_date
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "-".into())
                ),
                details: lentera_core::audit::diff(
                    &[
                        ("package", a.package_id.clone()),
                        (
                            "due_date",
                            a.due_date.map(|d| d.to_string()).unwrap_or_default(),
                        ),
                    ],
                    &[
                        ("package", package.to_string()),
                        (
                            "due_date",
                            due_date.map(|d| d.to_string()).unwrap_or_default(),
                        ),
                    ],
                ),
            },
        )?;
        Ok::<_, StoreError>(())
    })?;
    get_allocation(conn, id)
}

/// Removes an allocation made by mistake: only while nothing was shipped.
pub fn delete_allocation(conn: &mut DbConn, by: &ActorRef, id: &str) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let a = get_allocation(conn, id)?;
        if a.status != AllocationStatus::Allocated {
            return Err(Invalid::one("status", Problem::WrongStatus).into());
        }
        diesel::delete(aid_shipments::table.filter(aid_shipments::allocation_id.eq(id)))
            .execute(conn)?;
        diesel::delete(aid_allocations::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            by,
            Change {
                action: "aid.allocation_delete",
                entity: "aid_allocation",
                entity_id: id.to_string(),
                region: a.region(),
                library: a.library(),
                summary: format!("{} — {} ({})", a.library_name, a.package_name, a.year),
                details: None,
            },
        )
    })
}

/// What a bulk allocation did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BulkOutcome {
    /// Accepted proposals of the year within reach.
    pub recipients: u64,
    pub created: u64,
    /// Already had an allocation that year.
    pub existing: u64,
    /// No package for their participation (replication, or the package
    /// was left empty).
    pub without_package: u64,
}

#[derive(Insertable)]
#[diesel(table_name = aid_allocations)]
struct NewAllocation {
    id: String,
    year: i32,
    library_id: String,
    region_code: String,
    package_id: String,
    due_date: Option<NaiveDate>,
    status: String,
    books_imported: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Allocates the year's packages to every accepted proposal within reach:
/// full support gets `full_support_package`, book aid and district-proposed
/// recipients `book_aid_package` (see `lentera_core::aid::package_for`).
/// Libraries already allocated that year are left alone, so running it again
/// after more decisions adds only the new recipients.
pub fn bulk_allocate(
    conn: &mut DbConn,
    by: &ActorRef,
    reach: &Reach,
    draft: &BulkDraft,
) -> StoreResult<BulkOutcome> {
    write_tx(conn, |conn| {
        let mut errors = Invalid::default();
        let mut load = |conn: &mut DbConn,
                        field: &'static str,
                        id: &Option<String>|
         -> StoreResult<Option<(String, String)>> {
            let Some(id) = id else { return Ok(None) };
            match package_year(conn, id, field) {
                Ok((year, name)) if year == draft.year => Ok(Some((id.clone(), name))),
                Ok(_) => {
                    errors.push(field, Problem::NotAllowedHere);
                    Ok(None)
                }
                Err(StoreError::Invalid(i)) => {
                    errors.0.extend(i.0);
                    Ok(None)
                }
                Err(e) => Err(e),
            }
        };
        let full = load(conn, "full_support_package", &draft.full_support_package)?;
        let book = load(conn, "book_aid_package", &draft.book_aid_package)?;
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let mut q = proposals::table
            .filter(proposals::year.eq(draft.year))
            .filter(proposals::status.eq("accepted"))
            .into_boxed::<Dialect>();
        match reach {
            Reach::Everything => {}
            Reach::Region(r) => {
                let (lo, hi) = r.subtree_range();
                q = q
                    .filter(proposals::region_code.ge(lo))
                    .filter(proposals::region_code.lt(hi));
            }
            Reach::Libraries(ids) => {
                q = q.filter(
                    proposals::library_id
                        .eq_any(ids.iter().map(|i| i.to_string()).collect::<Vec<_>>()),
                )
            }
        }
        let accepted: Vec<(String, Option<String>)> = q
            .order(proposals::region_code)
            .select((proposals::library_id, proposals::participation))
            .load(conn)?;
        let mut outcome = BulkOutcome {
            recipients: accepted.len() as u64,
            ..Default::default()
        };
        let lib_ids: Vec<String> = accepted.iter().map(|(l, _)| l.clone()).collect();
        let mut facts: HashMap<String, (String, String, String)> = HashMap::new();
        let mut existing: HashSet<String> = HashSet::new();
        for chunk in lib_ids.chunks(500) {
            let rows: Vec<(String, String, String, String)> = libraries::table
                .filter(libraries::id.eq_any(chunk))
                .select((
                    libraries::id,
                    libraries::village_code,
                    libraries::name,
                    libraries::participation,
                ))
                .load(conn)?;
            for (id, village, name, participation) in rows {
                facts.insert(id, (village, name, participation));
            }
            existing.extend(
                aid_allocations::table
                    .filter(aid_allocations::year.eq(draft.year))
                    .filter(aid_allocations::library_id.eq_any(chunk))
                    .select(aid_allocations::library_id)
                    .load::<String>(conn)?,
            );
        }
        let t = now();
        let mut rows = Vec::new();
        let mut notes: Vec<(LibraryId, String, String)> = Vec::new();
        for (library, participation) in accepted {
            if existing.contains(&library) {
                outcome.existing += 1;
                continue;
            }
            let Some((village, _, lib_participation)) = facts.get(&library) else {
                continue;
            };
            // The decree's participation; the registry's when the proposal
            // does not say.
            let participation = participation.unwrap_or_else(|| lib_participation.clone());
            let Some((package, name)) = package_for(&participation, full.as_ref(), book.as_ref())
            else {
                outcome.without_package += 1;
                continue;
            };
            let id = Uuid::now_v7().to_string();
            if let Ok(l) = LibraryId::parse(&library) {
                notes.push((l, id.clone(), name.clone()));
            }
            rows.push(NewAllocation {
                id,
                year: draft.year,
                library_id: library.clone(),
                region_code: village.clone(),
                package_id: package.clone(),
                due_date: draft.due_date,
                status: AllocationStatus::Allocated.key().to_string(),
                books_imported: 0,
                created_at: t,
                updated_at: t,
            });
            existing.insert(library);
        }
        outcome.created = rows.len() as u64;
        for chunk in rows.chunks(500) {
            crate::on_backend!(&mut *conn, |c| diesel::insert_into(aid_allocations::table)
                .values(chunk)
                .execute(c))?;
        }
        for (library, id, package) in notes {
            let team = notifications::library_team(conn, library)?;
            allocated_note(
                draft.year,
                &package,
                &format!("/aid/allocations/{id}"),
                &team,
                conn,
            )?;
        }
        let region = match reach {
            Reach::Region(r) => Some(r.clone()),
            _ => None,
        };
        audit::record(
            conn,
            by,
            Change {
                action: "aid.allocate_bulk",
                entity: "aid_allocation",
                entity_id: draft.year.to_string(),
                region,
                library: None,
                summary: format!(
                    "{}: {} penerima, {} alokasi baru, {} sudah ada, {} tanpa paket",
                    draft.year,
                    outcome.recipients,
                    outcome.created,
                    outcome.existing,
                    outcome.without_package
                ),
                details: None,
            },
        )?;
        Ok(outcome)
    })
}

// ----------------------------------------------------------------- shipments

fn shipped_note(conn: &mut DbConn, a: &Allocation, what: &str, delivered: bool) -> StoreResult<()> {
    let Some(lib) = a.library() else {
        return Ok(());
    };
    let team = notifications::library_team(conn, lib)?;
    let (id, en) = if delivered {
        (
            format!(
                "Bantuan {} tiba ({what}). Konfirmasikan penerimaan dengan berita acara.",
                a.year
            ),
            format!(
                "{} aid delivered ({what}). Confirm receipt with the handover record (BAST).",
                a.year
            ),
        )
    } else {
        (
            format!("Bantuan {} sedang dikirim: {what}.", a.year),
            format!("{} aid is on its way: {what}.", a.year),
        )
    };
    notifications::send(
        conn,
        &team,
        &Note {
            id: &id,
            en: &en,
            link: &format!("/aid/allocations/{}", a.id),
        },
    )
}

fn merged(old: Option<&Shipment>, d: &ShipmentDraft, replace: bool) -> ShipmentDraft {
    let keep =
        |new: &Option<NaiveDate>, old: Option<NaiveDate>| if replace { *new } else { new.or(old) };
    let keep_s = |new: &Option<String>, old: Option<&String>| {
        if replace {
            new.clone()
        } else {
            new.clone().or(old.cloned())
        }
    };
    ShipmentDraft {
        planned_date: keep(&d.planned_date, old.and_then(|o| o.planned_date)),
        shipped_date: keep(&d.shipped_date, old.and_then(|o| o.shipped_date)),
        delivered_date: keep(&d.delivered_date, old.and_then(|o| o.delivered_date)),
        courier: keep_s(&d.courier, old.and_then(|o| o.courier.as_ref())),
        tracking: keep_s(&d.tracking, old.and_then(|o| o.tracking.as_ref())),
        note: keep_s(&d.note, old.and_then(|o| o.note.as_ref())),
    }
}

/// Writes one component's shipment; `Ok(false)` when nothing changed.
fn put_shipment(
    conn: &mut DbConn,
    allocation: &str,
    component: &str,
    old: Option<&Shipment>,
    d: &ShipmentDraft,
) -> StoreResult<bool> {
    if let Some(o) = old {
        let same = o.planned_date == d.planned_date
            && o.shipped_date == d.shipped_date
            && o.delivered_date == d.delivered_date
            && o.courier == d.courier
            && o.tracking == d.tracking
            && o.note == d.note;
        if same {
            return Ok(false);
        }
        diesel::update(aid_shipments::table.find(&o.id))
            .set((
                aid_shipments::planned_date.eq(d.planned_date),
                aid_shipments::shipped_date.eq(d.shipped_date),
                aid_shipments::delivered_date.eq(d.delivered_date),
                aid_shipments::courier.eq(&d.courier),
                aid_shipments::tracking.eq(&d.tracking),
                aid_shipments::note.eq(&d.note),
                aid_shipments::updated_at.eq(now()),
            ))
            .execute(conn)?;
    } else {
        diesel::insert_into(aid_shipments::table)
            .values((
                aid_shipments::id.eq(Uuid::now_v7().to_string()),
                aid_shipments::allocation_id.eq(allocation),
                aid_shipments::component_id.eq(component),
                aid_shipments::planned_date.eq(d.planned_date),
                aid_shipments::shipped_date.eq(d.shipped_date),
                aid_shipments::delivered_date.eq(d.delivered_date),
                aid_shipments::courier.eq(&d.courier),
                aid_shipments::tracking.eq(&d.tracking),
                aid_shipments::note.eq(&d.note),
                aid_shipments::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(true)
}

/// Records one component's shipment of an allocation, replacing what was
/// recorded before. The library hears when its goods are shipped or arrive.
pub fn save_shipment(
    conn: &mut DbConn,
    by: &ActorRef,
    allocation: &str,
    component: &str,
    draft: &ShipmentDraft,
) -> StoreResult<AllocationDetail> {
    write_tx(conn, |conn| {
        let d = detail(conn, allocation)?;
        let comp = d
            .package
            .components
            .iter()
            .find(|c| c.id == component)
            .ok_or(StoreError::NotFound)?
            .clone();
        let old = d.shipment(component).cloned();
        if !put_shipment(conn, allocation, component, old.as_ref(), draft)? {
            return Ok(());
        }
        refresh_status(conn, allocation)?;
        let newly_delivered = draft.delivered_date.is_some()
            && old.as_ref().is_none_or(|o| o.delivered_date.is_none());
        let newly_shipped =
            draft.shipped_date.is_some() && old.as_ref().is_none_or(|o| o.shipped_date.is_none());
        if d.receipt.is_none() && (newly_delivered || newly_shipped) {
            shipped_note(conn, &d.allocation, &comp.label, newly_delivered)?;
        }
        let date = |x: Option<NaiveDate>| x.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
        audit::record(
            conn,
            by,
            Change {
                action: "aid.shipment",
                entity: "aid_allocation",
                entity_id: allocation.to_string(),
                region: d.allocation.region(),
                library: d.allocation.library(),
                summary: format!(
                    "{} ({}): {} — rencana {}, dikirim {}, tiba {}",
                    d.allocation.library_name,
                    d.allocation.year,
                    comp.label,
                    date(draft.planned_date),
                    date(draft.shipped_date),
                    date(draft.delivered_date)
                ),
                details: None,
            },
        )?;
        Ok::<_, StoreError>(())
    })?;
    detail(conn, allocation)
}

/// What a bulk shipment did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BulkShipment {
    /// Shipments written.
    pub updated: u64,
    /// Already received, or the dates would end before they start.
    pub skipped: u64,
}

/// Records the same shipment facts for one kind of component of every
/// allocation of a package within reach (and `region`), e.g. "shelves of
/// the 2024 book package shipped on 15 July by Pos Indonesia". Only the
/// facts given are written; the others are kept.
pub fn bulk_shipment(
    conn: &mut DbConn,
    by: &ActorRef,
    reach: &Reach,
    region: Option<&RegionCode>,
    package: &str,
    kind: ComponentKind,
    draft: &ShipmentDraft,
) -> StoreResult<BulkShipment> {
    write_tx(conn, |conn| {
        let p = get_package(conn, package).map_err(|e| match e {
            StoreError::NotFound => Invalid::one("package", Problem::NotFound).into(),
            e => e,
        })?;
        let comps: Vec<Component> = p
            .components
            .iter()
            .filter(|c| c.kind == kind)
            .cloned()
            .collect();
        if comps.is_empty() {
            return Err(Invalid::one("component_kind", Problem::NotAllowedHere).into());
        }
        let mut q = AllocationQuery::new(reach.clone());
        q.package = Some(package.to_string());
        q.region = region.cloned();
        let ids: Vec<String> = filtered(&q)
            .filter(aid_allocations::status.ne(AllocationStatus::Received.key()))
            .select(aid_allocations::id)
            .load(conn)?;
        let mut out = BulkShipment::default();
        let received: i64 = filtered(&q)
            .filter(aid_allocations::status.eq(AllocationStatus::Received.key()))
            .count()
            .get_result(conn)?;
        out.skipped += received as u64;
        let comp_ids: Vec<&String> = comps.iter().map(|c| &c.id).collect();
        let mut existing: HashMap<(String, String), Shipment> = HashMap::new();
        for chunk in ids.chunks(500) {
            for s in aid_shipments::table
                .filter(aid_shipments::allocation_id.eq_any(chunk))
                .filter(aid_shipments::component_id.eq_any(&comp_ids))
                .select(Shipment::as_select())
                .load(conn)?
            {
                existing.insert((s.allocation_id.clone(), s.component_id.clone()), s);
            }
        }
        let allocations = load_allocations(conn, &ids)?;
        for a in &allocations {
            let mut touched = false;
            let mut announce: Option<(String, bool)> = None;
            for c in &comps {
                let old = existing.get(&(a.id.clone(), c.id.clone()));
                let new = merged(old, draft, false);
                if let (Some(s), Some(d)) = (new.shipped_date, new.delivered_date)
                    && d < s
                {
                    out.skipped += 1;
                    continue;
                }
                if put_shipment(conn, &a.id, &c.id, old, &new)? {
                    out.updated += 1;
                    touched = true;
                    let delivered = new.delivered_date.is_some()
                        && old.is_none_or(|o| o.delivered_date.is_none());
                    let shipped =
                        new.shipped_date.is_some() && old.is_none_or(|o| o.shipped_date.is_none());
                    if delivered || shipped {
                        announce = Some((c.label.clone(), delivered));
                    }
                }
            }
            if touched {
                refresh_status(conn, &a.id)?;
            }
            if let Some((what, delivered)) = announce {
                shipped_note(conn, a, &what, delivered)?;
            }
        }
        let date = |x: Option<NaiveDate>| x.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
        audit::record(
            conn,
            by,
            Change {
                action: "aid.shipment_bulk",
                entity: "aid_package",
                entity_id: package.to_string(),
                region: region.cloned().or(match reach {
                    Reach::Region(r) => Some(r.clone()),
                    _ => None,
                }),
                library: None,
                summary: format!(
                    "{} ({}), {}: {} pengiriman — rencana {}, dikirim {}, tiba {}",
                    p.name,
                    p.year,
                    kind.key(),
                    out.updated,
                    date(draft.planned_date),
                    date(draft.shipped_date),
                    date(draft.delivered_date)
                ),
                details: None,
            },
        )?;
        Ok(out)
    })
}

// ------------------------------------------------------------------ receipt

/// Records the berita acara serah terima. The photo and the signed scan
/// (already checked) are stored with the library. A receipt that records
/// shortfalls or damage notifies the district officers over the library.
pub fn record_receipt(
    conn: &mut DbConn,
    by: &ActorRef,
    allocation: &str,
    draft: &ReceiptDraft,
    photo: Option<NewUpload<'_>>,
    document: Option<NewUpload<'_>>,
) -> StoreResult<Receipt> {
    write_tx(conn, |conn| {
        let a = get_allocation(conn, allocation)?;
        let exists: i64 = aid_receipts::table
            .filter(aid_receipts::allocation_id.eq(allocation))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Err(Invalid::one("received_on", Problem::WrongStatus).into());
        }
        let photo = photo.map(|u| uploads::save(conn, u)).transpose()?;
        let document = document.map(|u| uploads::save(conn, u)).transpose()?;
        diesel::insert_into(aid_receipts::table)
            .values((
                aid_receipts::allocation_id.eq(allocation),
                aid_receipts::received_on.eq(draft.received_on),
                aid_receipts::receiver_name.eq(&draft.receiver_name),
                aid_receipts::receiver_position.eq(&draft.receiver_position),
                aid_receipts::condition.eq(draft.condition.key()),
                aid_receipts::shortfalls.eq(&draft.shortfalls),
                aid_receipts::photo_upload_id.eq(&photo),
                aid_receipts::document_upload_id.eq(&document),
                aid_receipts::recorded_by.eq(&by.username),
                aid_receipts::created_at.eq(now()),
            ))
            .execute(conn)?;
        refresh_status(conn, allocation)?;
        if draft.has_problems()
            && let Some(region) = a.region()
        {
            let officers = notifications::officers_over(conn, &region, "district")?;
            let what = draft.shortfalls.as_deref().unwrap_or("");
            let what: String = what.chars().take(120).collect();
            let id = format!(
                "Penerimaan bantuan {} di {} mencatat kekurangan/kerusakan: {what}",
                a.year, a.library_name
            );
            let en = format!(
                "The {} aid receipt at {} records shortfalls/damage: {what}",
                a.year, a.library_name
            );
            notifications::send(
                conn,
                &officers,
                &Note {
                    id: &id,
                    en: &en,
                    link: &format!("/aid/allocations/{allocation}"),
                },
            )?;
        }
        audit::record(
            conn,
            by,
            Change {
                action: "aid.receipt",
                entity: "aid_allocation",
                entity_id: allocation.to_string(),
                region: a.region(),
                library: a.library(),
                summary: format!(
                    "{} ({}): diterima {} oleh {}, kondisi {}{}",
                    a.library_name,
                    a.year,
                    draft.received_on,
                    draft.receiver_name,
                    draft.condition.key(),
                    if draft.shortfalls.is_some() {
                        ", ada kekurangan"
                    } else {
                        ""
                    }
                ),
                details: None,
            },
        )?;
        Ok::<_, StoreError>(())
    })?;
    receipt(conn, allocation)?.ok_or(StoreError::NotFound)
}

// ------------------------------------------------------- books into catalogue

/// What bringing the aid books into the catalogue did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BooksImport {
    /// The catalogue import's report, with positions in the original list.
    pub result: ImportResult,
    /// Aid copies of this allocation in the catalogue after this run.
    pub total: i32,
}

/// Brings the package's book list into the receiving library's catalogue as
/// records and items with source "Bantuan Perpusnas <year>", through the
/// catalogue import. Only after receipt; safe to run again (nothing is
/// duplicated). Bad records are skipped and reported.
pub fn import_books(
    conn: &mut DbConn,
    by: &ActorRef,
    allocation: &str,
    this_year: i32,
) -> StoreResult<BooksImport> {
    let a = get_allocation(conn, allocation)?;
    let library = a
        .library()
        .ok_or_else(|| StoreError::Data("allocation without library".into()))?;
    let received = receipt(conn, allocation)?
        .ok_or_else(|| StoreError::from(Invalid::one("books", Problem::WrongStatus)))?;
    let package = get_package(conn, &a.package_id)?;
    let upload = package
        .book_list_upload_id
        .as_deref()
        .ok_or_else(|| StoreError::from(Invalid::one("book_list", Problem::Required)))?;
    let bytes = uploads::bytes(conn, upload)?;
    let source = item_source(a.year);
    let prepared = prepare_book_list(
        &bytes,
        &Marking {
            year: a.year,
            source: &source,
            acquired_on: received.received_on,
        },
    )
    .map_err(|_| StoreError::from(Invalid::one("book_list", Problem::FileDamaged)))?;
    drop(bytes);
    let opts = ImportOptions {
        format: Some(prepared.format),
        this_year: this_year.max(received.received_on.year()),
        ..ImportOptions::default()
    };
    let len = prepared.bytes.len() as u64;
    let mut result = transfer::import(
        conn,
        by,
        library,
        Box::new(std::io::Cursor::new(prepared.bytes.clone())),
        Some(len),
        &opts,
        &mut |_| {},
    )
    .map_err(|e| match e {
        ImportError::Store(e) => e,
        ImportError::Refused(Refusal::Io { detail }) => StoreError::Data(detail),
        ImportError::Refused(_) | ImportError::DryRun(_) => {
            Invalid::one("book_list", Problem::FileDamaged).into()
        }
    })?;
    for p in &mut result.problems {
        p.position = prepared.original_position(&p.position);
    }
    // Records the rewrite already had to skip come first, as in the file.
    let skipped = prepared.problems_total;
    let mut problems = prepared.problems.clone();
    problems.append(&mut result.problems);
    result.problems = problems;
    result.problems_total += skipped;
    result.records += skipped;
    result.failed += skipped;
    result.format = Some(prepared.original);
    let total = write_tx(conn, |conn| {
        let total = a
            .books_imported
            .saturating_add(result.items_created.min(i32::MAX as u64) as i32);
        diesel::update(aid_allocations::table.find(allocation))
            .set((
                aid_allocations::books_imported_at.eq(now()),
                aid_allocations::books_imported.eq(total),
                aid_allocations::updated_at.eq(now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            by,
            Change {
                action: "aid.books_import",
                entity: "aid_allocation",
                entity_id: allocation.to_string(),
                region: a.region(),
                library: Some(library),
                summary: format!(
                    "{} ({}): {} eksemplar baru, {} judul baru, {} bermasalah",
                    a.library_name, a.year, result.items_created, result.created, result.failed
                ),
                details: None,
            },
        )?;
        Ok::<_, StoreError>(total)
    })?;
    Ok(BooksImport { result, total })
}

/// The allocations of a library (newest year first).
pub fn for_library(conn: &mut DbConn, library: LibraryId) -> StoreResult<Vec<Allocation>> {
    let mut q = AllocationQuery::new(Reach::Libraries(vec![library]));
    q.per_page = 1000;
    Ok(list_allocations(conn, &q)?.items)
}

/// The first day an allocation's goods can have been received: the start of
/// the year before its program year (deliveries of a year's aid can start
/// the year before it is named, when the decree comes late).
pub fn earliest_receipt(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year - 1, 1, 1).unwrap_or_default()
}

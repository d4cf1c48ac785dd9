//! The library registry table.

use crate::audit;
use crate::conn::{DbConn, Dialect, write_tx};
use crate::error::{StoreError, StoreResult};
use crate::schema::libraries;
use crate::{Page, now};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use lentera_core::audit::{ActorRef, Change, diff};
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{Library, LibraryDraft, LibraryType, Npp, Participation};
use lentera_core::regions::RegionCode;
use lentera_core::text::search_key;
use lentera_core::users::Reach;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = libraries, treat_none_as_null = true)]
struct LibraryRow {
    id: String,
    kind: String,
    name: String,
    name_key: String,
    npp: Option<String>,
    village_code: String,
    address: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    contact_name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    opening_hours: Option<String>,
    hours_per_day: Option<f64>,
    staff_count: Option<i32>,
    floor_area_m2: Option<f64>,
    computers: i32,
    has_internet: bool,
    participation: String,
    cohort_year: Option<i32>,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl LibraryRow {
    fn new(
        id: LibraryId,
        d: &LibraryDraft,
        active: bool,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    ) -> Self {
        LibraryRow {
            id: id.to_string(),
            kind: d.kind.key().to_string(),
            name: d.name.clone(),
            name_key: d.name_key(),
            npp: d.npp.as_ref().map(|n| n.as_str().to_string()),
            village_code: d.village_code.to_string(),
            address: d.address.clone(),
            latitude: d.latitude,
            longitude: d.longitude,
            contact_name: d.contact_name.clone(),
            phone: d.phone.clone(),
            email: d.email.clone(),
            opening_hours: d.opening_hours.clone(),
            hours_per_day: d.hours_per_day,
            staff_count: d.staff_count,
            floor_area_m2: d.floor_area_m2,
            computers: d.computers,
            has_internet: d.has_internet,
            participation: d.participation.key().to_string(),
            cohort_year: d.cohort_year,
            active,
            created_at,
            updated_at,
        }
    }

    fn into_library(self) -> StoreResult<Library> {
        let bad = |what: &str| StoreError::Data(format!("library {}: bad {what}", self.id));
        Ok(Library {
            id: LibraryId::parse(&self.id).map_err(|_| bad("id"))?,
            details: LibraryDraft {
                kind: LibraryType::parse(&self.kind).map_err(|_| bad("kind"))?,
                name: self.name.clone(),
                npp: self
                    .npp
                    .as_deref()
                    .map(Npp::parse)
                    .transpose()
                    .map_err(|_| bad("npp"))?,
                village_code: RegionCode::parse(&self.village_code)
                    .map_err(|_| bad("village_code"))?,
                address: self.address.clone(),
                latitude: self.latitude,
                longitude: self.longitude,
                contact_name: self.contact_name.clone(),
                phone: self.phone.clone(),
                email: self.email.clone(),
                opening_hours: self.opening_hours.clone(),
                hours_per_day: self.hours_per_day,
                staff_count: self.staff_count,
                floor_area_m2: self.floor_area_m2,
                computers: self.computers,
                has_internet: self.has_internet,
                participation: Participation::parse(&self.participation)
                    .map_err(|_| bad("participation"))?,
                cohort_year: self.cohort_year,
            },
            active: self.active,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

fn unique_field(hint: &str) -> &'static str {
    if hint.contains("npp") { "npp" } else { "name" }
}

fn change(action: &'static str, lib: &Library, details: Option<String>) -> Change {
    Change {
        action,
        entity: "library",
        entity_id: lib.id.to_string(),
        region: Some(lib.details.village_code.clone()),
        library: Some(lib.id),
        summary: lib.details.name.clone(),
        details,
    }
}

/// Adds a library to the registry and records it in the audit trail.
pub fn create(conn: &mut DbConn, by: &ActorRef, draft: &LibraryDraft) -> StoreResult<Library> {
    write_tx(conn, |conn| {
        let t = now();
        let row = LibraryRow::new(LibraryId::new(), draft, true, t, t);
        diesel::insert_into(libraries::table)
            .values(&row)
            .execute(conn)
            .map_err(|e| StoreError::unique_to_field(e, unique_field))?;
        let lib = row.into_library()?;
        let details = diff(&[], &lib.to_form().pairs());
        audit::record(conn, by, change("library.create", &lib, details))?;
        Ok(lib)
    })
}

/// Replaces a library's details. With `expected`, fails with
/// [`StoreError::Conflict`] if someone saved it since that version was read,
/// so two officers editing at once don't silently overwrite each other.
pub fn update(
    conn: &mut DbConn,
    by: &ActorRef,
    id: LibraryId,
    draft: &LibraryDraft,
    expected: Option<NaiveDateTime>,
) -> StoreResult<Library> {
    write_tx(conn, |conn| {
        let before = get(conn, id)?;
        if expected.is_some_and(|e| e != before.updated_at) {
            return Err(StoreError::Conflict);
        }
        let row = LibraryRow::new(id, draft, before.active, before.created_at, now());
        diesel::update(libraries::table.find(id.to_string()))
            .set(&row)
            .execute(conn)
            .map_err(|e| StoreError::unique_to_field(e, unique_field))?;
        let lib = row.into_library()?;
        let details = diff(&before.to_form().pairs(), &lib.to_form().pairs());
        audit::record(conn, by, change("library.update", &lib, details))?;
        Ok(lib)
    })
}

/// Deactivates (closed, merged) or reactivates a library. Nothing is deleted:
/// its history stays in reports.
pub fn set_active(
    conn: &mut DbConn,
    by: &ActorRef,
    id: LibraryId,
    active: bool,
) -> StoreResult<Library> {
    write_tx(conn, |conn| {
        let before = get(conn, id)?;
        if before.active == active {
            return Ok(before);
        }
        diesel::update(libraries::table.find(id.to_string()))
            .set((
                libraries::active.eq(active),
                libraries::updated_at.eq(now()),
            ))
            .execute(conn)?;
        let lib = get(conn, id)?;
        let action = if active {
            "library.reactivate"
        } else {
            "library.deactivate"
        };
        audit::record(conn, by, change(action, &lib, None))?;
        Ok(lib)
    })
}

pub fn get(conn: &mut DbConn, id: LibraryId) -> StoreResult<Library> {
    libraries::table
        .find(id.to_string())
        .select(LibraryRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?
        .into_library()
}

/// Several libraries by id, in no particular order; missing ids are skipped.
pub fn get_many(conn: &mut DbConn, ids: &[LibraryId]) -> StoreResult<Vec<Library>> {
    let ids: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
    libraries::table
        .filter(libraries::id.eq_any(ids))
        .select(LibraryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(LibraryRow::into_library)
        .collect()
}

/// The library an import row or a form refers to, if it already exists: by
/// NPP when it has one, else by village and folded name. This is what makes
/// importing the same file twice a no-op.
pub fn find_existing(conn: &mut DbConn, draft: &LibraryDraft) -> StoreResult<Option<Library>> {
    if let Some(npp) = &draft.npp {
        let found = libraries::table
            .filter(libraries::npp.eq(npp.as_str()))
            .select(LibraryRow::as_select())
            .first(conn)
            .optional()?;
        if let Some(row) = found {
            return row.into_library().map(Some);
        }
    }
    libraries::table
        .filter(libraries::village_code.eq(draft.village_code.as_str()))
        .filter(libraries::name_key.eq(draft.name_key()))
        .select(LibraryRow::as_select())
        .first(conn)
        .optional()?
        .map(LibraryRow::into_library)
        .transpose()
}

/// What to list.
#[derive(Debug, Clone)]
pub struct LibraryQuery {
    pub reach: Reach,
    /// Matches the folded name or the NPP.
    pub text: Option<String>,
    /// Only libraries inside this region.
    pub region: Option<RegionCode>,
    pub kind: Option<LibraryType>,
    pub participation: Option<Participation>,
    pub active: Option<bool>,
    pub page: i64,
    pub per_page: i64,
}

impl LibraryQuery {
    pub fn new(reach: Reach) -> Self {
        LibraryQuery {
            reach,
            text: None,
            region: None,
            kind: None,
            participation: None,
            active: None,
            page: 1,
            per_page: 50,
        }
    }
}

fn in_region<'a>(
    query: libraries::BoxedQuery<'a, Dialect>,
    region: &RegionCode,
) -> libraries::BoxedQuery<'a, Dialect> {
    let (lo, hi) = region.subtree_range();
    query
        .filter(libraries::village_code.ge(lo))
        .filter(libraries::village_code.lt(hi))
}

fn filtered<'a>(q: &'a LibraryQuery) -> libraries::BoxedQuery<'a, Dialect> {
    let mut query = libraries::table.into_boxed::<Dialect>();
    match &q.reach {
        Reach::Everything => {}
        Reach::Region(r) => query = in_region(query, r),
        Reach::Libraries(ids) => {
            query = query
                .filter(libraries::id.eq_any(ids.iter().map(|i| i.to_string()).collect::<Vec<_>>()))
        }
    }
    if let Some(r) = &q.region {
        query = in_region(query, r);
    }
    if let Some(t) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let key = format!("%{}%", search_key(t).replace(['%', '_'], ""));
        let npp: String = t
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_uppercase();
        if npp.len() >= 4 {
            query = query.filter(
                libraries::name_key
                    .like(key)
                    .or(libraries::npp.like(format!("{npp}%"))),
            );
        } else {
            query = query.filter(libraries::name_key.like(key));
        }
    }
    if let Some(k) = q.kind {
        query = query.filter(libraries::kind.eq(k.key()));
    }
    if let Some(p) = q.participation {
        query = query.filter(libraries::participation.eq(p.key()));
    }
    if let Some(a) = q.active {
        query = query.filter(libraries::active.eq(a));
    }
    query
}

/// Libraries within reach matching the query, by village then name.
pub fn list(conn: &mut DbConn, q: &LibraryQuery) -> StoreResult<Page<Library>> {
    let per_page = q.per_page.clamp(1, 100_000);
    let page = q.page.max(1);
    let total: i64 = filtered(q).count().get_result(conn)?;
    let items = filtered(q)
        .order((libraries::village_code.asc(), libraries::name_key.asc()))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(LibraryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(LibraryRow::into_library)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

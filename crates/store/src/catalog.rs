//! Bibliographic records, items, imports and exports.

pub mod index;
pub mod stocktake;
pub mod transfer;

use crate::audit;
use crate::conn::{DbConn, Dialect, write_tx};
use crate::error::{StoreError, StoreResult};
use crate::schema::{biblios, catalog_changes, counters, holds, items, loans, stocktake_scans};
use crate::users::like_escape;
use crate::{Page, now};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use lentera_core::audit::{ActorRef, Change, diff};
use lentera_core::catalog::{
    Barcode, BiblioDraft, BiblioForm, Collection, Isbn, ItemDraft, ItemForm, ItemStatus,
    default_call_number, split_list,
};
use lentera_core::field::{Invalid, Problem};
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use lentera_core::text::search_key;
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Notes that a record (or one of its items) changed, so the search index
/// picks it up. Call inside the writing transaction: a change the database
/// rolls back must not reach the index, and one it keeps must.
pub fn touch(conn: &mut DbConn, library: LibraryId, biblio_id: &str) -> StoreResult<()> {
    diesel::insert_into(catalog_changes::table)
        .values((
            catalog_changes::biblio_id.eq(biblio_id),
            catalog_changes::library_id.eq(library.to_string()),
            catalog_changes::changed_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The next value of a per-library sequence (item barcodes, member numbers),
/// starting at 1. Call inside a write transaction, so the increment and the
/// read that follows see the same row (the upsert holds its row lock).
pub fn next_counter(conn: &mut DbConn, library: LibraryId, kind: &str) -> StoreResult<i64> {
    let lib = library.to_string();
    // An upsert that increments is atomic on both backends. MultiConnection
    // has no ON CONFLICT, so it is spelled once per backend by the macro.
    crate::on_backend!(conn, |c| diesel::insert_into(counters::table)
        .values((
            counters::library_id.eq(&lib),
            counters::kind.eq(kind),
            counters::value.eq(1i64),
        ))
        .on_conflict((counters::library_id, counters::kind))
        .do_update()
        .set(counters::value.eq(counters::value + 1))
        .execute(c))?;
    Ok(counters::table
        .find((&lib, kind))
        .select(counters::value)
        .first(conn)?)
}

// ------------------------------------------------------------------ records

/// A bibliographic record as stored: every column. Lists are one entry per
/// line (`authors`, `subjects`); `marc` is the full MARC21 record kept from
/// an import, for lossless round trips.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = biblios, treat_none_as_null = true)]
pub struct Biblio {
    pub id: String,
    pub library_id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub authors: String,
    pub publisher: Option<String>,
    pub place: Option<String>,
    pub year: Option<i32>,
    pub edition: Option<String>,
    pub isbn: Option<String>,
    pub language: Option<String>,
    pub ddc: Option<String>,
    pub call_number: Option<String>,
    pub subjects: String,
    pub collection: String,
    pub notes: Option<String>,
    pub control_number: Option<String>,
    pub title_key: String,
    #[serde(skip)]
    pub marc: Option<Vec<u8>>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Biblio {
    fn new(
        id: String,
        library: LibraryId,
        d: &BiblioDraft,
        marc: Option<Vec<u8>>,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    ) -> Biblio {
        Biblio {
            id,
            library_id: library.to_string(),
            title: d.title.clone(),
            subtitle: d.subtitle.clone(),
            authors: d.authors.join("\n"),
            publisher: d.publisher.clone(),
            place: d.place.clone(),
            year: d.year,
            edition: d.edition.clone(),
            isbn: d.isbn.as_ref().map(|i| i.as_str().to_string()),
            language: d.language.clone(),
            ddc: d.ddc.clone(),
            call_number: d.call_number.clone(),
            subjects: d.subjects.join("\n"),
            collection: d.collection.key().to_string(),
            notes: d.notes.clone(),
            control_number: d.control_number.clone(),
            title_key: d.title_key(),
            marc,
            created_at,
            updated_at,
        }
    }

    pub fn authors(&self) -> Vec<String> {
        split_list(&self.authors)
    }

    pub fn subjects(&self) -> Vec<String> {
        split_list(&self.subjects)
    }

    pub fn library(&self) -> StoreResult<LibraryId> {
        LibraryId::parse(&self.library_id)
            .map_err(|_| StoreError::Data(format!("biblio {}: bad library id", self.id)))
    }

    /// The record as form text, for its edit form.
    pub fn to_form(&self) -> BiblioForm {
        BiblioForm {
            title: self.title.clone(),
            subtitle: self.subtitle.clone().unwrap_or_default(),
            authors: self.authors.clone(),
            publisher: self.publisher.clone().unwrap_or_default(),
            place: self.place.clone().unwrap_or_default(),
            year: self.year.map(|y| y.to_string()).unwrap_or_default(),
            edition: self.edition.clone().unwrap_or_default(),
            isbn: self.isbn.clone().unwrap_or_default(),
            language: self.language.clone().unwrap_or_default(),
            ddc: self.ddc.clone().unwrap_or_default(),
            call_number: self.call_number.clone().unwrap_or_default(),
            subjects: self.subjects.clone(),
            collection: self.collection.clone(),
            notes: self.notes.clone().unwrap_or_default(),
            control_number: self.control_number.clone().unwrap_or_default(),
        }
    }

    /// The record's call number, or the default built from its DDC, first
    /// author and title ("910 SUY b").
    pub fn call_number_or_default(&self) -> Option<String> {
        self.call_number
            .clone()
            .or_else(|| default_call_number(self.ddc.as_deref(), &self.authors(), &self.title))
    }
}

/// A record in a list, with its item counts.
#[derive(Debug, Clone, Serialize)]
pub struct BiblioEntry {
    #[serde(flatten)]
    pub biblio: Biblio,
    pub items_total: i64,
    pub items_available: i64,
    /// Another record of the same library has the same ISBN.
    pub duplicate_isbn: bool,
}

/// The region a library lies in, for audit entries (read by reach).
fn library_region(conn: &mut DbConn, library: LibraryId) -> StoreResult<RegionCode> {
    Ok(crate::libraries::get(conn, library)?.details.village_code)
}

fn biblio_change(
    action: &'static str,
    region: RegionCode,
    b: &Biblio,
    details: Option<String>,
) -> StoreResult<Change> {
    Ok(Change {
        action,
        entity: "biblio",
        entity_id: b.id.clone(),
        region: Some(region),
        library: Some(b.library()?),
        summary: b.title.clone(),
        details,
    })
}

/// Adds a record without an audit entry, for importers that write
/// thousands of records and record one summary entry themselves. Notes the
/// change for the search index. Call inside the importer's write
/// transaction.
pub fn insert_biblio(
    conn: &mut DbConn,
    library: LibraryId,
    draft: &BiblioDraft,
    marc: Option<&[u8]>,
) -> StoreResult<String> {
    let t = now();
    let row = Biblio::new(
        Uuid::now_v7().to_string(),
        library,
        draft,
        marc.map(<[u8]>::to_vec),
        t,
        t,
    );
    diesel::insert_into(biblios::table)
        .values(&row)
        .execute(conn)?;
    touch(conn, library, &row.id)?;
    Ok(row.id)
}

/// Replaces a record's fields (and MARC) without an audit entry, for an
/// importer that matched a record it imported before ([`find_match`]).
/// Keeps the record's id, items and creation time.
pub fn overwrite_biblio(
    conn: &mut DbConn,
    library: LibraryId,
    id: &str,
    draft: &BiblioDraft,
    marc: Option<&[u8]>,
) -> StoreResult<()> {
    let before = get_biblio(conn, id)?;
    if before.library_id != library.to_string() {
        return Err(StoreError::NotFound);
    }
    let row = Biblio::new(
        id.to_string(),
        library,
        draft,
        marc.map(<[u8]>::to_vec),
        before.created_at,
        now(),
    );
    diesel::update(biblios::table.find(id))
        .set(&row)
        .execute(conn)?;
    touch(conn, library, id)
}

/// Adds a record typed into the form, with its audit entry.
pub fn create_biblio(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    draft: &BiblioDraft,
) -> StoreResult<Biblio> {
    write_tx(conn, |conn| {
        let region = library_region(conn, library)?;
        let id = insert_biblio(conn, library, draft, None)?;
        let b = get_biblio(conn, &id)?;
        let details = diff(&[], &b.to_form().pairs());
        audit::record(
            conn,
            by,
            biblio_change("biblio.create", region, &b, details)?,
        )?;
        Ok(b)
    })
}

/// Replaces a record's fields. With `expected`, fails with
/// [`StoreError::Conflict`] if someone saved it since that version was
/// read. The stored MARC record is kept: the form edits the fields the
/// form shows, exports rebuild the rest from it.
pub fn update_biblio(
    conn: &mut DbConn,
    by: &ActorRef,
    id: &str,
    draft: &BiblioDraft,
    expected: Option<NaiveDateTime>,
) -> StoreResult<Biblio> {
    write_tx(conn, |conn| {
        let before = get_biblio(conn, id)?;
        if expected.is_some_and(|e| e != before.updated_at) {
            return Err(StoreError::Conflict);
        }
        let library = before.library()?;
        let region = library_region(conn, library)?;
        let row = Biblio::new(
            id.to_string(),
            library,
            draft,
            before.marc.clone(),
            before.created_at,
            now(),
        );
        diesel::update(biblios::table.find(id))
            .set(&row)
            .execute(conn)?;
        touch(conn, library, id)?;
        let details = diff(&before.to_form().pairs(), &row.to_form().pairs());
        audit::record(
            conn,
            by,
            biblio_change("biblio.update", region, &row, details)?,
        )?;
        Ok(row)
    })
}

pub fn get_biblio(conn: &mut DbConn, id: &str) -> StoreResult<Biblio> {
    biblios::table
        .find(id)
        .select(Biblio::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// Deletes a record and its items — for mistakes and duplicates; books
/// that leave the shelves are better marked `withdrawn`, which keeps their
/// history. Refused (a field error on `items`) while any item is on loan.
/// The items' closed loans, holds on the record and stock-taking links go
/// with them, since they would point at nothing.
pub fn delete_biblio(conn: &mut DbConn, by: &ActorRef, id: &str) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let b = get_biblio(conn, id)?;
        let library = b.library()?;
        let item_ids: Vec<String> = items::table
            .filter(items::biblio_id.eq(id))
            .select(items::id)
            .load(conn)?;
        let on_loan: i64 = loans::table
            .filter(loans::item_id.eq_any(&item_ids))
            .filter(loans::returned_at.is_null())
            .count()
            .get_result(conn)?;
        let status_on_loan: i64 = items::table
            .filter(items::biblio_id.eq(id))
            .filter(items::status.eq(ItemStatus::OnLoan.key()))
            .count()
            .get_result(conn)?;
        if on_loan > 0 || status_on_loan > 0 {
            return Err(Invalid::one("items", Problem::NotAllowedHere).into());
        }
        let region = library_region(conn, library)?;
        diesel::delete(holds::table.filter(holds::biblio_id.eq(id))).execute(conn)?;
        diesel::delete(holds::table.filter(holds::item_id.eq_any(&item_ids))).execute(conn)?;
        diesel::delete(loans::table.filter(loans::item_id.eq_any(&item_ids))).execute(conn)?;
        diesel::update(stocktake_scans::table.filter(stocktake_scans::item_id.eq_any(&item_ids)))
            .set(stocktake_scans::item_id.eq(None::<String>))
            .execute(conn)?;
        diesel::delete(items::table.filter(items::biblio_id.eq(id))).execute(conn)?;
        diesel::delete(biblios::table.find(id)).execute(conn)?;
        touch(conn, library, id)?;
        let details = format!("{{\"items\":{}}}", item_ids.len());
        audit::record(
            conn,
            by,
            biblio_change("biblio.delete", region, &b, Some(details))?,
        )?;
        Ok(())
    })
}

/// The record an import row refers to, if the library already has it: by
/// ISBN first, then by the source's control number. Both lookups use an
/// index on (library_id, …), so matching stays fast at a million records.
pub fn find_match(
    conn: &mut DbConn,
    library: LibraryId,
    isbn: Option<&Isbn>,
    control_number: Option<&str>,
) -> StoreResult<Option<String>> {
    let lib = library.to_string();
    if let Some(i) = isbn {
        let found = biblios::table
            .filter(biblios::library_id.eq(&lib))
            .filter(biblios::isbn.eq(i.as_str()))
            .select(biblios::id)
            .order(biblios::id.asc())
            .first::<String>(conn)
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    if let Some(c) = control_number.map(str::trim).filter(|c| !c.is_empty()) {
        return Ok(biblios::table
            .filter(biblios::library_id.eq(&lib))
            .filter(biblios::control_number.eq(c))
            .select(biblios::id)
            .order(biblios::id.asc())
            .first::<String>(conn)
            .optional()?);
    }
    Ok(None)
}

/// ISBNs that more than one record of the library carries, sorted.
pub fn duplicate_isbns(conn: &mut DbConn, library: LibraryId) -> StoreResult<Vec<String>> {
    let rows: Vec<Option<String>> = biblios::table
        .filter(biblios::library_id.eq(library.to_string()))
        .filter(biblios::isbn.is_not_null())
        .group_by(biblios::isbn)
        .having(diesel::dsl::count_star().gt(1))
        .select(biblios::isbn)
        .order(biblios::isbn.asc())
        .load(conn)?;
    Ok(rows.into_iter().flatten().collect())
}

/// What to list of one library's catalogue.
#[derive(Debug, Clone)]
pub struct BiblioQuery {
    pub library: LibraryId,
    /// Words of the title, part of an author's name, an ISBN (10 or 13,
    /// with or without hyphens), a control number or an item barcode.
    pub text: Option<String>,
    pub collection: Option<Collection>,
    /// Only records whose ISBN another record also has.
    pub duplicates_only: bool,
    pub page: i64,
    pub per_page: i64,
}

impl BiblioQuery {
    pub fn new(library: LibraryId) -> Self {
        BiblioQuery {
            library,
            text: None,
            collection: None,
            duplicates_only: false,
            page: 1,
            per_page: 50,
        }
    }
}

diesel::define_sql_function! {
    /// SQL `lower()`, the same on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

fn filtered<'a>(q: &'a BiblioQuery, dups: &'a [String]) -> biblios::BoxedQuery<'a, Dialect> {
    let lib = q.library.to_string();
    let mut query = biblios::table
        .filter(biblios::library_id.eq(lib.clone()))
        .into_boxed::<Dialect>();
    if let Some(t) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let key = format!("%{}%", like_escape(&search_key(t)));
        let low = format!("%{}%", like_escape(&t.to_lowercase()));
        let by_barcode = items::table
            .filter(items::library_id.eq(lib))
            .filter(items::barcode.eq(t.to_string()))
            .select(items::biblio_id);
        let mut cond: Box<dyn BoxableExpression<biblios::table, Dialect, SqlType = Bool>> =
            Box::new(
                biblios::title_key
                    .like(key)
                    .escape('\\')
                    .or(lower(biblios::authors).like(low).escape('\\'))
                    .or(biblios::control_number.eq(t.to_string()).assume_not_null())
                    .or(biblios::id.eq_any(by_barcode)),
            );
        if let Ok(isbn) = Isbn::parse(t) {
            cond = Box::new(
                cond.or(biblios::isbn
                    .eq(isbn.as_str().to_string())
                    .assume_not_null()),
            );
        }
        query = query.filter(cond);
    }
    if let Some(c) = q.collection {
        query = query.filter(biblios::collection.eq(c.key()));
    }
    if q.duplicates_only {
        query = query.filter(biblios::isbn.eq_any(dups));
    }
    query
}

/// One library's records matching the query, by title, with item counts
/// and the duplicate-ISBN flag.
pub fn list_biblios(conn: &mut DbConn, q: &BiblioQuery) -> StoreResult<Page<BiblioEntry>> {
    let per_page = q.per_page.clamp(1, 10_000);
    let page = q.page.max(1);
    let dups = duplicate_isbns(conn, q.library)?;
    let total: i64 = filtered(q, &dups).count().get_result(conn)?;
    let rows: Vec<Biblio> = filtered(q, &dups)
        .order((biblios::title_key.asc(), biblios::id.asc()))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(Biblio::as_select())
        .load(conn)?;
    let ids: Vec<String> = rows.iter().map(|b| b.id.clone()).collect();
    let counts = item_counts(conn, &ids)?;
    let items = rows
        .into_iter()
        .map(|b| {
            let (total, available) = counts.get(&b.id).copied().unwrap_or((0, 0));
            let duplicate_isbn = b.isbn.as_ref().is_some_and(|i| dups.contains(i));
            BiblioEntry {
                biblio: b,
                items_total: total,
                items_available: available,
                duplicate_isbn,
            }
        })
        .collect();
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// (all, available) items per record.
pub fn item_counts(
    conn: &mut DbConn,
    biblio_ids: &[String],
) -> StoreResult<HashMap<String, (i64, i64)>> {
    let mut out: HashMap<String, (i64, i64)> = HashMap::new();
    if biblio_ids.is_empty() {
        return Ok(out);
    }
    let all: Vec<(String, i64)> = items::table
        .filter(items::biblio_id.eq_any(biblio_ids))
        .group_by(items::biblio_id)
        .select((items::biblio_id, diesel::dsl::count_star()))
        .load(conn)?;
    for (id, n) in all {
        out.entry(id).or_default().0 = n;
    }
    let available: Vec<(String, i64)> = items::table
        .filter(items::biblio_id.eq_any(biblio_ids))
        .filter(items::status.eq(ItemStatus::Available.key()))
        .group_by(items::biblio_id)
        .select((items::biblio_id, diesel::dsl::count_star()))
        .load(conn)?;
    for (id, n) in available {
        out.entry(id).or_default().1 = n;
    }
    Ok(out)
}

/// How many records the library's catalogue holds, and how many items.
pub fn catalog_totals(conn: &mut DbConn, library: LibraryId) -> StoreResult<(i64, i64)> {
    let lib = library.to_string();
    let b: i64 = biblios::table
        .filter(biblios::library_id.eq(&lib))
        .count()
        .get_result(conn)?;
    let i: i64 = items::table
        .filter(items::library_id.eq(&lib))
        .count()
        .get_result(conn)?;
    Ok((b, i))
}

// ------------------------------------------------------------------ items

/// An item (one physical copy) as stored: every column.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = items, treat_none_as_null = true)]
pub struct Item {
    pub id: String,
    pub library_id: String,
    pub biblio_id: String,
    pub barcode: String,
    pub call_number: Option<String>,
    pub location: Option<String>,
    pub status: String,
    pub source: Option<String>,
    pub acquired_on: Option<NaiveDate>,
    /// Whole rupiah.
    pub price: Option<i64>,
    pub notes: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Item {
    pub fn status(&self) -> StoreResult<ItemStatus> {
        ItemStatus::parse(&self.status)
            .map_err(|_| StoreError::Data(format!("item {}: bad status", self.id)))
    }

    pub fn library(&self) -> StoreResult<LibraryId> {
        LibraryId::parse(&self.library_id)
            .map_err(|_| StoreError::Data(format!("item {}: bad library id", self.id)))
    }

    /// The item as form text, for its edit form and audit diffs.
    pub fn to_form(&self) -> ItemForm {
        ItemForm {
            barcode: self.barcode.clone(),
            call_number: self.call_number.clone().unwrap_or_default(),
            location: self.location.clone().unwrap_or_default(),
            status: self.status.clone(),
            source: self.source.clone().unwrap_or_default(),
            acquired_on: self
                .acquired_on
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            price: self.price.map(|p| p.to_string()).unwrap_or_default(),
            notes: self.notes.clone().unwrap_or_default(),
        }
    }
}

fn item_change(
    action: &'static str,
    region: RegionCode,
    it: &Item,
    title: &str,
    details: Option<String>,
) -> StoreResult<Change> {
    Ok(Change {
        action,
        entity: "item",
        entity_id: it.id.clone(),
        region: Some(region),
        library: Some(it.library()?),
        summary: format!("{} — {}", it.barcode, title),
        details,
    })
}

fn barcode_taken(conn: &mut DbConn, library: &str, barcode: &str) -> StoreResult<bool> {
    Ok(items::table
        .filter(items::library_id.eq(library))
        .filter(items::barcode.eq(barcode))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// The next free generated barcode of the library ([`Barcode::generated`]).
/// Skips numbers a scanned label already took.
pub fn next_barcode(conn: &mut DbConn, library: LibraryId) -> StoreResult<Barcode> {
    let lib = library.to_string();
    loop {
        let b = Barcode::generated(next_counter(conn, library, "item")?);
        if !barcode_taken(conn, &lib, b.as_str())? {
            return Ok(b);
        }
    }
}

/// Adds an item without an audit entry, for importers and the demo. A
/// missing barcode is generated, a missing call number taken from the
/// record (or its default). A scanned barcode the library already uses is a
/// field error on `barcode`. Notes the change for the search index. Call
/// inside a write transaction.
pub fn insert_item(conn: &mut DbConn, biblio: &Biblio, draft: &ItemDraft) -> StoreResult<Item> {
    let library = biblio.library()?;
    let barcode = match &draft.barcode {
        Some(b) => {
            if barcode_taken(conn, &biblio.library_id, b.as_str())? {
                return Err(Invalid::one("barcode", Problem::Duplicate).into());
            }
            b.clone()
        }
        None => next_barcode(conn, library)?,
    };
    let t = now();
    let row = Item {
        id: Uuid::now_v7().to_string(),
        library_id: biblio.library_id.clone(),
        biblio_id: biblio.id.clone(),
        barcode: barcode.to_string(),
        call_number: draft
            .call_number
            .clone()
            .or_else(|| biblio.call_number_or_default()),
        location: draft.location.clone(),
        status: draft
            .status
            .unwrap_or(ItemStatus::Available)
            .key()
            .to_string(),
        source: draft.source.clone(),
        acquired_on: draft.acquired_on,
        price: draft.price,
        notes: draft.notes.clone(),
        created_at: t,
        updated_at: t,
    };
    diesel::insert_into(items::table)
        .values(&row)
        .execute(conn)
        .map_err(|e| StoreError::unique_to_field(e, |_| "barcode"))?;
    touch(conn, library, &biblio.id)?;
    Ok(row)
}

/// Adds an item to a record from the form, with its audit entry.
pub fn add_item(
    conn: &mut DbConn,
    by: &ActorRef,
    biblio_id: &str,
    draft: &ItemDraft,
) -> StoreResult<Item> {
    write_tx(conn, |conn| {
        let b = get_biblio(conn, biblio_id)?;
        let region = library_region(conn, b.library()?)?;
        let it = insert_item(conn, &b, draft)?;
        let details = diff(&[], &it.to_form().pairs());
        audit::record(
            conn,
            by,
            item_change("item.create", region, &it, &b.title, details)?,
        )?;
        Ok(it)
    })
}

/// Changes an item's details. An empty barcode keeps the current one; a
/// status of `None` keeps the status. An item on loan keeps its status
/// (only a return ends a loan): trying to change it is a field error on
/// `status`. With `expected`, a concurrent save is a conflict.
pub fn update_item(
    conn: &mut DbConn,
    by: &ActorRef,
    id: &str,
    draft: &ItemDraft,
    expected: Option<NaiveDateTime>,
) -> StoreResult<Item> {
    write_tx(conn, |conn| {
        let before = get_item(conn, id)?;
        if expected.is_some_and(|e| e != before.updated_at) {
            return Err(StoreError::Conflict);
        }
        let current = before.status()?;
        let status = match draft.status {
            Some(s) if current == ItemStatus::OnLoan && s != current => {
                return Err(Invalid::one("status", Problem::NotAllowedHere).into());
            }
            Some(s) => s,
            None => current,
        };
        let barcode = match &draft.barcode {
            Some(b) if b.as_str() != before.barcode => {
                if barcode_taken(conn, &before.library_id, b.as_str())? {
                    return Err(Invalid::one("barcode", Problem::Duplicate).into());
                }
                b.to_string()
            }
            _ => before.barcode.clone(),
        };
        let b = get_biblio(conn, &before.biblio_id)?;
        let row = Item {
            barcode,
            call_number: draft
                .call_number
                .clone()
                .or_else(|| b.call_number_or_default()),
            location: draft.location.clone(),
            status: status.key().to_string(),
            source: draft.source.clone(),
            acquired_on: draft.acquired_on,
            price: draft.price,
            notes: draft.notes.clone(),
            updated_at: now(),
            ..before.clone()
        };
        diesel::update(items::table.find(id))
            .set(&row)
            .execute(conn)
            .map_err(|e| StoreError::unique_to_field(e, |_| "barcode"))?;
        let library = row.library()?;
        touch(conn, library, &row.biblio_id)?;
        let region = library_region(conn, library)?;
        let details = diff(&before.to_form().pairs(), &row.to_form().pairs());
        audit::record(
            conn,
            by,
            item_change("item.update", region, &row, &b.title, details)?,
        )?;
        Ok(row)
    })
}

/// Marks an item available, in repair, lost or withdrawn. Lending and
/// returning are circulation's: setting or leaving `on_loan` here is a
/// field error on `status`.
pub fn set_item_status(
    conn: &mut DbConn,
    by: &ActorRef,
    id: &str,
    status: ItemStatus,
) -> StoreResult<Item> {
    write_tx(conn, |conn| {
        let before = get_item(conn, id)?;
        let current = before.status()?;
        if status == ItemStatus::OnLoan || current == ItemStatus::OnLoan {
            return Err(Invalid::one("status", Problem::NotAllowedHere).into());
        }
        if current == status {
            return Ok(before);
        }
        let t = now();
        diesel::update(items::table.find(id))
            .set((items::status.eq(status.key()), items::updated_at.eq(t)))
            .execute(conn)?;
        let library = before.library()?;
        touch(conn, library, &before.biblio_id)?;
        let region = library_region(conn, library)?;
        let title: String = biblios::table
            .find(&before.biblio_id)
            .select(biblios::title)
            .first(conn)?;
        let after = Item {
            status: status.key().to_string(),
            updated_at: t,
            ..before.clone()
        };
        let details = diff(
            &[("status", before.status.clone())],
            &[("status", after.status.clone())],
        );
        audit::record(
            conn,
            by,
            item_change("item.status", region, &after, &title, details)?,
        )?;
        Ok(after)
    })
}

pub fn get_item(conn: &mut DbConn, id: &str) -> StoreResult<Item> {
    items::table
        .find(id)
        .select(Item::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// The library's item with this barcode (exactly as printed).
pub fn item_by_barcode(
    conn: &mut DbConn,
    library: LibraryId,
    barcode: &str,
) -> StoreResult<Option<Item>> {
    Ok(items::table
        .filter(items::library_id.eq(library.to_string()))
        .filter(items::barcode.eq(barcode.trim()))
        .select(Item::as_select())
        .first(conn)
        .optional()?)
}

/// A record's items, by barcode.
pub fn items_of(conn: &mut DbConn, biblio_id: &str) -> StoreResult<Vec<Item>> {
    Ok(items::table
        .filter(items::biblio_id.eq(biblio_id))
        .order(items::barcode.asc())
        .select(Item::as_select())
        .load(conn)?)
}

// ------------------------------------------------------------------ labels

/// Which items to print labels for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelChoice {
    /// Items added since the last print run that used [`LabelChoice::NotPrinted`]
    /// (or every item, before the first).
    NotPrinted,
    /// Items added on or after this date.
    AddedSince(NaiveDate),
    /// The items of one record.
    Record(String),
    /// These barcodes, in this order.
    Barcodes(Vec<String>),
    /// Every item of the library.
    All,
}

/// One label to print: the item's barcode and spine call number, with the
/// record's title for the chooser's preview.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelRow {
    pub barcode: String,
    pub call_number: String,
    pub title: String,
    pub created_at: NaiveDateTime,
}

/// The counter that remembers the newest item already printed, as
/// microseconds since 1970, so "not yet printed" needs no extra column.
const PRINTED_MARK: &str = "labels_printed_upto";

/// The items to label, oldest first (the order books were shelved). At most
/// `limit`.
pub fn label_rows(
    conn: &mut DbConn,
    library: LibraryId,
    choice: &LabelChoice,
    limit: i64,
) -> StoreResult<Vec<LabelRow>> {
    let lib = library.to_string();
    let mut q = items::table
        .inner_join(biblios::table)
        .filter(items::library_id.eq(lib.clone()))
        .into_boxed::<Dialect>();
    match choice {
        LabelChoice::NotPrinted => {
            let mark: Option<i64> = counters::table
                .find((&lib, PRINTED_MARK))
                .select(counters::value)
                .first(conn)
                .optional()?;
            if let Some(t) = mark.and_then(chrono::DateTime::from_timestamp_micros) {
                q = q.filter(items::created_at.gt(t.naive_utc()));
            }
        }
        LabelChoice::AddedSince(d) => {
            q = q.filter(items::created_at.ge(d.and_time(chrono::NaiveTime::MIN)));
        }
        LabelChoice::Record(id) => q = q.filter(items::biblio_id.eq(id.clone())),
        LabelChoice::Barcodes(b) => q = q.filter(items::barcode.eq_any(b.clone())),
        LabelChoice::All => {}
    }
    let rows: Vec<(Item, Biblio)> = q
        .order((items::created_at.asc(), items::barcode.asc()))
        .limit(limit.max(1))
        .select((Item::as_select(), Biblio::as_select()))
        .load(conn)?;
    let mut out: Vec<LabelRow> = rows
        .into_iter()
        .map(|(it, b)| LabelRow {
            call_number: it
                .call_number
                .clone()
                .or_else(|| b.call_number_or_default())
                .unwrap_or_default(),
            barcode: it.barcode,
            title: b.title,
            created_at: it.created_at,
        })
        .collect();
    if let LabelChoice::Barcodes(order) = choice {
        out.sort_by_key(|r| order.iter().position(|b| *b == r.barcode));
    }
    Ok(out)
}

/// Remembers that labels up to `upto` (an item's `created_at`) are printed,
/// for [`LabelChoice::NotPrinted`]. Never moves backwards.
pub fn mark_labels_printed(
    conn: &mut DbConn,
    library: LibraryId,
    upto: NaiveDateTime,
) -> StoreResult<()> {
    let lib = library.to_string();
    let v = upto.and_utc().timestamp_micros();
    write_tx(conn, |conn| {
        let cur: Option<i64> = counters::table
            .find((&lib, PRINTED_MARK))
            .select(counters::value)
            .first(conn)
            .optional()?;
        match cur {
            Some(c) if c >= v => {}
            Some(_) => {
                diesel::update(counters::table.find((&lib, PRINTED_MARK)))
                    .set(counters::value.eq(v))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(counters::table)
                    .values((
                        counters::library_id.eq(&lib),
                        counters::kind.eq(PRINTED_MARK),
                        counters::value.eq(v),
                    ))
                    .execute(conn)?;
            }
        }
        Ok(())
    })
}

// ------------------------------------------------------------------ bulk

/// A record to add in bulk, with its items.
#[derive(Debug, Clone)]
pub struct NewRecord<'a> {
    pub draft: &'a BiblioDraft,
    pub marc: Option<&'a [u8]>,
    pub items: Vec<ItemDraft>,
}

/// Reserves `n` consecutive values of a per-library counter and returns the
/// first. Call inside a write transaction.
fn reserve_counter(conn: &mut DbConn, library: LibraryId, kind: &str, n: i64) -> StoreResult<i64> {
    let lib = library.to_string();
    crate::on_backend!(conn, |c| diesel::insert_into(counters::table)
        .values((
            counters::library_id.eq(&lib),
            counters::kind.eq(kind),
            counters::value.eq(n),
        ))
        .on_conflict((counters::library_id, counters::kind))
        .do_update()
        .set(counters::value.eq(counters::value + n))
        .execute(c))?;
    let last: i64 = counters::table
        .find((&lib, kind))
        .select(counters::value)
        .first(conn)?;
    Ok(last - n + 1)
}

/// `n` free generated barcodes of the library, in order, skipping any a
/// scanned label already took. Call inside a write transaction.
pub fn next_barcodes(conn: &mut DbConn, library: LibraryId, n: usize) -> StoreResult<Vec<Barcode>> {
    let lib = library.to_string();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let want = n - out.len();
        let first = reserve_counter(conn, library, "item", want as i64)?;
        let codes: Vec<Barcode> = (first..first + want as i64)
            .map(Barcode::generated)
            .collect();
        let mut taken: Vec<String> = Vec::new();
        for chunk in codes.chunks(1000) {
            taken.extend(
                items::table
                    .filter(items::library_id.eq(&lib))
                    .filter(items::barcode.eq_any(chunk.iter().map(Barcode::as_str)))
                    .select(items::barcode)
                    .load::<String>(conn)?,
            );
        }
        out.extend(
            codes
                .into_iter()
                .filter(|c| !taken.iter().any(|t| t == c.as_str())),
        );
    }
    Ok(out)
}

/// Adds many records with their items in few statements, without audit
/// entries (the caller records one summary), for importers and the demo.
/// Generated barcodes are reserved as one block; a scanned barcode the
/// library (or the batch) already uses fails the whole call with a field
/// error on `barcode`, so check scanned codes first when rows must be
/// reported one by one. Returns the new records' ids, in order. Call inside
/// a write transaction.
pub fn insert_bulk(
    conn: &mut DbConn,
    library: LibraryId,
    records: &[NewRecord<'_>],
) -> StoreResult<Vec<String>> {
    let lib = library.to_string();
    let t = now();
    let rows: Vec<Biblio> = records
        .iter()
        .map(|r| {
            Biblio::new(
                Uuid::now_v7().to_string(),
                library,
                r.draft,
                r.marc.map(<[u8]>::to_vec),
                t,
                t,
            )
        })
        .collect();
    // Scanned barcodes must be new to the library and to the batch.
    let scanned: Vec<&str> = records
        .iter()
        .flat_map(|r| {
            r.items
                .iter()
                .filter_map(|i| i.barcode.as_ref().map(Barcode::as_str))
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    if scanned.iter().any(|b| !seen.insert(*b)) {
        return Err(Invalid::one("barcode", Problem::Duplicate).into());
    }
    for chunk in scanned.chunks(1000) {
        let n: i64 = items::table
            .filter(items::library_id.eq(&lib))
            .filter(items::barcode.eq_any(chunk))
            .count()
            .get_result(conn)?;
        if n > 0 {
            return Err(Invalid::one("barcode", Problem::Duplicate).into());
        }
    }
    let generate = records
        .iter()
        .flat_map(|r| r.items.iter())
        .filter(|i| i.barcode.is_none())
        .count();
    let mut generated = next_barcodes(conn, library, generate)?.into_iter();
    let mut item_rows: Vec<Item> = Vec::new();
    for (r, b) in records.iter().zip(&rows) {
        for d in &r.items {
            let barcode = match &d.barcode {
                Some(code) => code.clone(),
                None => generated
                    .next()
                    .ok_or_else(|| StoreError::Data("barcode block too small".into()))?,
            };
            item_rows.push(Item {
                id: Uuid::now_v7().to_string(),
                library_id: lib.clone(),
                biblio_id: b.id.clone(),
                barcode: barcode.to_string(),
                call_number: d.call_number.clone().or_else(|| b.call_number_or_default()),
                location: d.location.clone(),
                status: d.status.unwrap_or(ItemStatus::Available).key().to_string(),
                source: d.source.clone(),
                acquired_on: d.acquired_on,
                price: d.price,
                notes: d.notes.clone(),
                created_at: t,
                updated_at: t,
            });
        }
    }
    // Chunks stay under SQLite's 32,766 bound parameters per statement.
    for chunk in rows.chunks(500) {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(biblios::table)
            .values(chunk)
            .execute(c))?;
    }
    for chunk in item_rows.chunks(1000) {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(items::table)
            .values(chunk)
            .execute(c))
        .map_err(|e| StoreError::unique_to_field(e, |_| "barcode"))?;
    }
    let changes: Vec<_> = rows
        .iter()
        .map(|b| {
            (
                catalog_changes::biblio_id.eq(b.id.clone()),
                catalog_changes::library_id.eq(lib.clone()),
                catalog_changes::changed_at.eq(t),
            )
        })
        .collect();
    for chunk in changes.chunks(1000) {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(catalog_changes::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(rows.into_iter().map(|b| b.id).collect())
}

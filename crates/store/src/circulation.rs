//! Members, circulation settings, loan rules, holidays, loans and holds.
//!
//! Every function takes the library it works in: members and loans belong to
//! one library and are only ever read through it, so a query cannot wander
//! into another library's patrons. Who may call them (that library's staff)
//! is the web layer's check, through `Actor::may_see_patrons`.
//!
//! Checkout, return and renewal are each ONE write transaction. "An item is
//! never on loan twice" is the unique partial index `loans_item_open`; the
//! checkout also flips the item from `available` to `on_loan` with a guarded
//! UPDATE, and locks the member's row first so two desks cannot both push a
//! member past their limit.

use crate::audit;
use crate::catalog::{next_counter, touch};
use crate::conn::{DbConn, Dialect, write_tx};
use crate::error::{StoreError, StoreResult};
use crate::schema::{
    biblios, circulation_settings, holds, holidays, items, libraries, loan_rules, loans, members,
};
use crate::{Page, now};
use chrono::{Duration, NaiveDate, NaiveDateTime, Weekday};
use diesel::prelude::*;
use lentera_core::audit::{ActorRef, Change, diff};
use lentera_core::catalog::ItemStatus;
use lentera_core::circulation::{
    Calendar, LoanRule, MemberDraft, MemberForm, Nik, Refusal, Scanned, due_date, fine,
    resolve_rule,
};
use lentera_core::field::{Invalid, Problem};
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use lentera_core::text::search_key;
use serde::Serialize;

// ------------------------------------------------------------------ members

/// A member as stored. Not `Serialize`: the NIK must be masked or revealed
/// by a deliberate choice of the caller (see [`Member::nik`]).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = members, treat_none_as_null = true)]
pub struct Member {
    pub id: String,
    pub library_id: String,
    pub member_no: String,
    pub full_name: String,
    pub name_key: String,
    pub member_type: String,
    pub gender: String,
    pub birth_date: Option<NaiveDate>,
    pub address: Option<String>,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub village_code: Option<String>,
    pub phone: Option<String>,
    pub occupation: Option<String>,
    pub education: Option<String>,
    pub disability: Option<String>,
    nik: Option<String>,
    pub joined_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Member {
    /// The NIK, masked by its `Display`; `reveal()` only for that library's staff.
    pub fn nik(&self) -> Option<Nik> {
        self.nik.as_deref().and_then(|n| Nik::parse(n).ok())
    }

    /// The form that shows this member for editing. The NIK is in it only
    /// when `reveal_nik`; an edit that leaves the NIK field empty while one
    /// is stored keeps it (see [`update_member`]).
    pub fn to_form(&self, reveal_nik: bool) -> MemberForm {
        let d = |v: Option<NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        MemberForm {
            member_no: self.member_no.clone(),
            full_name: self.full_name.clone(),
            gender: self.gender.clone(),
            birth_date: d(self.birth_date),
            member_type: self.member_type.clone(),
            address: s(&self.address),
            rt: s(&self.rt),
            rw: s(&self.rw),
            village_code: s(&self.village_code),
            phone: s(&self.phone),
            occupation: s(&self.occupation),
            education: s(&self.education),
            disability: s(&self.disability),
            nik: match self.nik() {
                Some(n) if reveal_nik => n.reveal().to_string(),
                Some(n) => n.masked(),
                None => String::new(),
            },
            expires_on: d(self.expires_on),
        }
    }

    /// Whether the member may borrow on `today`.
    pub fn is_expired(&self, today: NaiveDate) -> bool {
        self.expires_on.is_some_and(|e| e < today)
    }

    fn apply(&mut self, d: &MemberDraft) {
        self.full_name = d.full_name.clone();
        self.name_key = search_key(&d.full_name);
        self.member_type = d.member_type.as_str().to_string();
        self.gender = d.gender.key().to_string();
        self.birth_date = d.birth_date;
        self.address = d.address.clone();
        self.rt = d.rt.clone();
        self.rw = d.rw.clone();
        self.village_code = d.village_code.as_ref().map(|c| c.to_string());
        self.phone = d.phone.clone();
        self.occupation = d.occupation.clone();
        self.education = d.education.map(|e| e.key().to_string());
        self.disability = d.disability.map(|e| e.key().to_string());
        if let Some(n) = &d.nik {
            self.nik = Some(n.reveal().to_string());
        }
        self.expires_on = d.expires_on;
        if let Some(no) = &d.member_no {
            self.member_no = no.clone();
        }
    }
}

/// What a member's audit entry records. Officers read the audit trail of
/// their region but must never see patrons, so personal values (name, NIK,
/// birth date, address, phone, disability…) are replaced by a short
/// fingerprint: the trail still shows *that* a field changed, not to what.
/// Only the membership's own facts are written out.
fn audit_pairs(m: &Member) -> Vec<(&'static str, String)> {
    const OPEN: &[&str] = &["member_no", "member_type", "expires_on"];
    m.to_form(true)
        .pairs()
        .into_iter()
        .map(|(k, v)| {
            if OPEN.contains(&k) || v.is_empty() {
                (k, v)
            } else {
                (k, fingerprint(&v))
            }
        })
        .collect()
}

/// "•3f9a1c": FNV-1a of the value, 24 bits: enough to see a change, far too
/// little to recover a name or a NIK from.
fn fingerprint(v: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in v.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    format!("•{:06x}", h & 0x00ff_ffff)
}

fn library_region(conn: &mut DbConn, library: LibraryId) -> StoreResult<RegionCode> {
    let code: String = libraries::table
        .find(library.to_string())
        .select(libraries::village_code)
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    RegionCode::parse(&code).map_err(|_| StoreError::Data(format!("library {library}: village")))
}

fn member_change(
    conn: &mut DbConn,
    action: &'static str,
    library: LibraryId,
    m: &Member,
    details: Option<String>,
) -> StoreResult<Change> {
    Ok(Change {
        action,
        entity: "member",
        entity_id: m.id.clone(),
        region: Some(library_region(conn, library)?),
        library: Some(library),
        // The number, not the name: officers read the trail too.
        summary: format!("member {}", m.member_no),
        details,
    })
}

fn member_unique_field(hint: &str) -> &'static str {
    if hint.contains("nik") {
        "nik"
    } else {
        "member_no"
    }
}

/// Adds a member; without a number in the draft the library's next one
/// (`A00001`, …) is assigned. `today` is the joining date.
pub fn create_member(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    draft: &MemberDraft,
    today: NaiveDate,
) -> StoreResult<Member> {
    write_tx(conn, |conn| {
        let member_no = match &draft.member_no {
            Some(n) => n.clone(),
            None => loop {
                // Skip numbers someone typed in by hand earlier.
                let n = format!("A{:05}", next_counter(conn, library, "member")?);
                if find_member_by_no(conn, library, &n)?.is_none() {
                    break n;
                }
            },
        };
        let t = now();
        let mut m = Member {
            id: uuid::Uuid::now_v7().to_string(),
            library_id: library.to_string(),
            member_no,
            full_name: String::new(),
            name_key: String::new(),
            member_type: String::new(),
            gender: String::new(),
            birth_date: None,
            address: None,
            rt: None,
            rw: None,
            village_code: None,
            phone: None,
            occupation: None,
            education: None,
            disability: None,
            nik: None,
            joined_on: today,
            expires_on: None,
            active: true,
            created_at: t,
            updated_at: t,
        };
        m.apply(draft);
        diesel::insert_into(members::table)
            .values(&m)
            .execute(conn)
            .map_err(|e| StoreError::unique_to_field(e, member_unique_field))?;
        let details = diff(&[], &audit_pairs(&m));
        let c = member_change(conn, "member.create", library, &m, details)?;
        audit::record(conn, by, c)?;
        Ok(m)
    })
}

/// Replaces a member's details; `expected` guards against a concurrent edit.
/// A draft without NIK keeps the stored one unless `clear_nik`.
pub fn update_member(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    id: &str,
    draft: &MemberDraft,
    clear_nik: bool,
    expected: Option<NaiveDateTime>,
) -> StoreResult<Member> {
    write_tx(conn, |conn| {
        let before = get_member(conn, library, id)?;
        if expected.is_some_and(|e| e != before.updated_at) {
            return Err(StoreError::Conflict);
        }
        let mut m = before.clone();
        m.apply(draft);
        if clear_nik && draft.nik.is_none() {
            m.nik = None;
        }
        if m == before {
            return Ok(before);
        }
        m.updated_at = now();
        diesel::update(members::table.find(&m.id))
            .set(&m)
            .execute(conn)
            .map_err(|e| StoreError::unique_to_field(e, member_unique_field))?;
        let details = diff(&audit_pairs(&before), &audit_pairs(&m));
        let c = member_change(conn, "member.update", library, &m, details)?;
        audit::record(conn, by, c)?;
        Ok(m)
    })
}

/// Deactivates (moved away) or reactivates a member; loans stay on record.
pub fn set_member_active(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    id: &str,
    active: bool,
) -> StoreResult<Member> {
    write_tx(conn, |conn| {
        let mut m = get_member(conn, library, id)?;
        if m.active == active {
            return Ok(m);
        }
        m.active = active;
        m.updated_at = now();
        diesel::update(members::table.find(&m.id))
            .set((
                members::active.eq(active),
                members::updated_at.eq(m.updated_at),
            ))
            .execute(conn)?;
        let action = if active {
            "member.reactivate"
        } else {
            "member.deactivate"
        };
        let c = member_change(conn, action, library, &m, None)?;
        audit::record(conn, by, c)?;
        Ok(m)
    })
}

/// A member of `library`; members of other libraries are not found.
pub fn get_member(conn: &mut DbConn, library: LibraryId, id: &str) -> StoreResult<Member> {
    members::table
        .find(id)
        .filter(members::library_id.eq(library.to_string()))
        .select(Member::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

pub fn find_member_by_no(
    conn: &mut DbConn,
    library: LibraryId,
    member_no: &str,
) -> StoreResult<Option<Member>> {
    Ok(members::table
        .filter(members::library_id.eq(library.to_string()))
        .filter(members::member_no.eq(member_no.trim().to_ascii_uppercase()))
        .select(Member::as_select())
        .first(conn)
        .optional()?)
}

/// The member an import row refers to: by NIK, else member number, else
/// folded name with birth date. What makes a re-import change nothing.
pub fn find_existing_member(
    conn: &mut DbConn,
    library: LibraryId,
    draft: &MemberDraft,
) -> StoreResult<Option<Member>> {
    let lib = library.to_string();
    if let Some(nik) = &draft.nik {
        let found = members::table
            .filter(members::library_id.eq(&lib))
            .filter(members::nik.eq(nik.reveal()))
            .select(Member::as_select())
            .first(conn)
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    if let Some(no) = &draft.member_no
        && let Some(m) = find_member_by_no(conn, library, no)?
    {
        return Ok(Some(m));
    }
    if let Some(b) = draft.birth_date {
        return Ok(members::table
            .filter(members::library_id.eq(&lib))
            .filter(members::name_key.eq(search_key(&draft.full_name)))
            .filter(members::birth_date.eq(b))
            .select(Member::as_select())
            .first(conn)
            .optional()?);
    }
    Ok(None)
}

#[derive(Debug, Clone)]
pub struct MemberQuery {
    pub library: LibraryId,
    /// Part of the name, or the start of the member number.
    pub text: Option<String>,
    pub active: Option<bool>,
    pub page: i64,
    pub per_page: i64,
}

impl MemberQuery {
    pub fn new(library: LibraryId) -> Self {
        MemberQuery {
            library,
            text: None,
            active: None,
            page: 1,
            per_page: 50,
        }
    }
}

fn members_filtered(q: &MemberQuery) -> members::BoxedQuery<'_, Dialect> {
    let mut query = members::table
        .filter(members::library_id.eq(q.library.to_string()))
        .into_boxed::<Dialect>();
    if let Some(t) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let key = format!("%{}%", crate::users::like_escape(&search_key(t)));
        let no = format!("{}%", crate::users::like_escape(&t.to_ascii_uppercase()));
        query = query.filter(
            members::name_key
                .like(key)
                .escape('\\')
                .or(members::member_no.like(no).escape('\\')),
        );
    }
    if let Some(a) = q.active {
        query = query.filter(members::active.eq(a));
    }
    query
}

/// A library's members matching the query, by name.
pub fn list_members(conn: &mut DbConn, q: &MemberQuery) -> StoreResult<Page<Member>> {
    let per_page = q.per_page.clamp(1, 10_000);
    let page = q.page.max(1);
    let total: i64 = members_filtered(q).count().get_result(conn)?;
    let items = members_filtered(q)
        .order((members::name_key.asc(), members::member_no.asc()))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(Member::as_select())
        .load(conn)?;
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

// ----------------------------------------------------------- settings

/// A library's circulation settings. Libraries without a row get the
/// defaults: closed on Sunday, fines off, holds kept 3 days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settings {
    #[serde(serialize_with = "weekdays_ser")]
    pub closed_weekdays: Vec<Weekday>,
    pub fines_enabled: bool,
    pub hold_pickup_days: i32,
}

fn weekdays_ser<S: serde::Serializer>(w: &[Weekday], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(w.iter().map(|d| d.number_from_monday()))
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            closed_weekdays: vec![Weekday::Sun],
            fines_enabled: false,
            hold_pickup_days: 3,
        }
    }
}

pub fn settings(conn: &mut DbConn, library: LibraryId) -> StoreResult<Settings> {
    let row: Option<(String, bool, i32)> = circulation_settings::table
        .find(library.to_string())
        .select((
            circulation_settings::closed_weekdays,
            circulation_settings::fines_enabled,
            circulation_settings::hold_pickup_days,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        None => Settings::default(),
        Some((w, f, h)) => Settings {
            closed_weekdays: Calendar::parse_weekdays(&w).unwrap_or_default(),
            fines_enabled: f,
            hold_pickup_days: h,
        },
    })
}

pub fn save_settings(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    s: &Settings,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let lib = library.to_string();
        let w = Calendar::weekdays_text(&s.closed_weekdays);
        let exists = circulation_settings::table
            .find(&lib)
            .count()
            .get_result::<i64>(conn)?
            > 0;
        let values = (
            circulation_settings::closed_weekdays.eq(&w),
            circulation_settings::fines_enabled.eq(s.fines_enabled),
            circulation_settings::hold_pickup_days.eq(s.hold_pickup_days),
            circulation_settings::updated_at.eq(now()),
        );
        if exists {
            diesel::update(circulation_settings::table.find(&lib))
                .set(values)
                .execute(conn)?;
        } else {
            diesel::insert_into(circulation_settings::table)
                .values((circulation_settings::library_id.eq(&lib), values))
                .execute(conn)?;
        }
        let region = library_region(conn, library)?;
        audit::record(
            conn,
            by,
            Change {
                action: "circulation.settings",
                entity: "library",
                entity_id: lib.clone(),
                region: Some(region),
                library: Some(library),
                summary: format!(
                    "closed={w} fines={} hold_days={}",
                    s.fines_enabled, s.hold_pickup_days
                ),
                details: None,
            },
        )
    })
}

/// The open days around `today`: closed weekdays and holidays from a month
/// back (fines) to a year ahead (due dates).
pub fn calendar(conn: &mut DbConn, library: LibraryId, today: NaiveDate) -> StoreResult<Calendar> {
    let s = settings(conn, library)?;
    let days: Vec<NaiveDate> = holidays::table
        .filter(holidays::library_id.eq(library.to_string()))
        .filter(holidays::day.ge(today - Duration::days(400)))
        .filter(holidays::day.le(today + Duration::days(400)))
        .select(holidays::day)
        .load(conn)?;
    Ok(Calendar {
        closed: s.closed_weekdays,
        holidays: days.into_iter().collect(),
    })
}

// --------------------------------------------------------------- rules

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Serialize)]
#[diesel(table_name = loan_rules)]
pub struct StoredRule {
    pub id: String,
    pub member_type: String,
    pub collection: String,
    pub loan_days: i32,
    pub max_loans: i32,
    pub max_renewals: i32,
    pub fine_per_day: i64,
}

impl StoredRule {
    pub fn rule(&self) -> LoanRule {
        LoanRule {
            member_type: self.member_type.clone(),
            collection: self.collection.clone(),
            loan_days: self.loan_days,
            max_loans: self.max_loans,
            max_renewals: self.max_renewals,
            fine_per_day: self.fine_per_day,
        }
    }
}

pub fn rules(conn: &mut DbConn, library: LibraryId) -> StoreResult<Vec<StoredRule>> {
    Ok(loan_rules::table
        .filter(loan_rules::library_id.eq(library.to_string()))
        .order((loan_rules::member_type.asc(), loan_rules::collection.asc()))
        .select(StoredRule::as_select())
        .load(conn)?)
}

fn rules_change(conn: &mut DbConn, library: LibraryId, summary: String) -> StoreResult<Change> {
    Ok(Change {
        action: "circulation.rule",
        entity: "library",
        entity_id: library.to_string(),
        region: Some(library_region(conn, library)?),
        library: Some(library),
        summary,
        details: None,
    })
}

/// Adds a rule, or replaces the one with the same member type × collection.
pub fn save_rule(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    r: &LoanRule,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let lib = library.to_string();
        let existing: Option<String> = loan_rules::table
            .filter(loan_rules::library_id.eq(&lib))
            .filter(loan_rules::member_type.eq(&r.member_type))
            .filter(loan_rules::collection.eq(&r.collection))
            .select(loan_rules::id)
            .first(conn)
            .optional()?;
        let values = (
            loan_rules::loan_days.eq(r.loan_days),
            loan_rules::max_loans.eq(r.max_loans),
            loan_rules::max_renewals.eq(r.max_renewals),
            loan_rules::fine_per_day.eq(r.fine_per_day),
            loan_rules::updated_at.eq(now()),
        );
        match existing {
            Some(id) => {
                diesel::update(loan_rules::table.find(id))
                    .set(values)
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(loan_rules::table)
                    .values((
                        loan_rules::id.eq(uuid::Uuid::now_v7().to_string()),
                        loan_rules::library_id.eq(&lib),
                        loan_rules::member_type.eq(&r.member_type),
                        loan_rules::collection.eq(&r.collection),
                        values,
                    ))
                    .execute(conn)?;
            }
        }
        let c = rules_change(
            conn,
            library,
            format!(
                "{} × {}: {} days, {} loans, {} renewals, {}/day",
                r.member_type,
                r.collection,
                r.loan_days,
                r.max_loans,
                r.max_renewals,
                r.fine_per_day
            ),
        )?;
        audit::record(conn, by, c)
    })
}

pub fn delete_rule(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    id: &str,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let n = diesel::delete(
            loan_rules::table
                .find(id)
                .filter(loan_rules::library_id.eq(library.to_string())),
        )
        .execute(conn)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        let c = rules_change(conn, library, format!("deleted rule {id}"))?;
        audit::record(conn, by, c)
    })
}

// ------------------------------------------------------------- holidays

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Serialize)]
#[diesel(table_name = holidays)]
pub struct Holiday {
    pub day: NaiveDate,
    pub name: String,
}

/// Holidays from `from` on, by date.
pub fn holidays(
    conn: &mut DbConn,
    library: LibraryId,
    from: NaiveDate,
) -> StoreResult<Vec<Holiday>> {
    Ok(holidays::table
        .filter(holidays::library_id.eq(library.to_string()))
        .filter(holidays::day.ge(from))
        .order(holidays::day.asc())
        .select(Holiday::as_select())
        .load(conn)?)
}

/// Adds a holiday, or renames the one on that day.
pub fn save_holiday(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    day: NaiveDate,
    name: &str,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let lib = library.to_string();
        let n = diesel::update(holidays::table.find((&lib, day)))
            .set(holidays::name.eq(name))
            .execute(conn)?;
        if n == 0 {
            diesel::insert_into(holidays::table)
                .values((
                    holidays::library_id.eq(&lib),
                    holidays::day.eq(day),
                    holidays::name.eq(name),
                ))
                .execute(conn)?;
        }
        let c = rules_change(conn, library, format!("holiday {day}: {name}"))?;
        audit::record(
            conn,
            by,
            Change {
                action: "circulation.holiday",
                ..c
            },
        )
    })
}

pub fn delete_holiday(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    day: NaiveDate,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let n = diesel::delete(holidays::table.find((library.to_string(), day))).execute(conn)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        let c = rules_change(conn, library, format!("holiday {day} removed"))?;
        audit::record(
            conn,
            by,
            Change {
                action: "circulation.holiday",
                ..c
            },
        )
    })
}

// ---------------------------------------------------------------- loans

/// An item as circulation sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemInfo {
    pub id: String,
    pub barcode: String,
    pub biblio_id: String,
    pub status: String,
    pub title: String,
    pub collection: String,
}

fn item_by_barcode(
    conn: &mut DbConn,
    library: LibraryId,
    code: &str,
) -> StoreResult<Option<ItemInfo>> {
    let row: Option<(String, String, String, String, String, String)> = items::table
        .inner_join(biblios::table)
        .filter(items::library_id.eq(library.to_string()))
        .filter(items::barcode.eq(code.trim()))
        .select((
            items::id,
            items::barcode,
            items::biblio_id,
            items::status,
            biblios::title,
            biblios::collection,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(
        |(id, barcode, biblio_id, status, title, collection)| ItemInfo {
            id,
            barcode,
            biblio_id,
            status,
            title,
            collection,
        },
    ))
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = loans)]
struct LoanRow {
    id: String,
    item_id: String,
    member_id: String,
    loaned_at: NaiveDateTime,
    due_on: NaiveDate,
    returned_at: Option<NaiveDateTime>,
    renewals: i32,
    fine: i64,
}

fn open_loan(conn: &mut DbConn, item_id: &str) -> StoreResult<Option<LoanRow>> {
    Ok(loans::table
        .filter(loans::item_id.eq(item_id))
        .filter(loans::returned_at.is_null())
        .select(LoanRow::as_select())
        .first(conn)
        .optional()?)
}

/// A loan as lists and the scan box show it. No NIK, ever.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoanView {
    pub id: String,
    pub item_id: String,
    pub barcode: String,
    pub title: String,
    pub member_id: String,
    pub member_no: String,
    pub member_name: String,
    pub loaned_at: NaiveDateTime,
    pub due_on: NaiveDate,
    pub returned_at: Option<NaiveDateTime>,
    pub renewals: i32,
    pub fine: i64,
    pub overdue: bool,
}

#[derive(Debug, Clone, Default)]
pub struct LoanQuery {
    pub member: Option<String>,
    /// Only open loans due before this day.
    pub overdue_on: Option<NaiveDate>,
    /// Include returned loans (history).
    pub include_returned: bool,
    pub limit: i64,
}

/// A library's loans, open ones by due date.
pub fn list_loans(
    conn: &mut DbConn,
    library: LibraryId,
    q: &LoanQuery,
    today: NaiveDate,
) -> StoreResult<Vec<LoanView>> {
    let mut query = loans::table
        .inner_join(items::table.inner_join(biblios::table))
        .inner_join(members::table)
        .filter(loans::library_id.eq(library.to_string()))
        .into_boxed::<Dialect>();
    if let Some(m) = &q.member {
        query = query.filter(loans::member_id.eq(m.clone()));
    }
    if !q.include_returned || q.overdue_on.is_some() {
        query = query.filter(loans::returned_at.is_null());
    }
    if let Some(d) = q.overdue_on {
        query = query.filter(loans::due_on.lt(d));
    }
    let limit = if q.limit <= 0 { 500 } else { q.limit.min(5000) };
    let rows: Vec<(LoanRow, String, String, String, String)> = query
        // Open loans first, then the most recently returned. NULLs sort
        // differently on the two backends, so "open" is its own key.
        .order((
            loans::returned_at.is_null().desc(),
            loans::returned_at.desc(),
            loans::due_on.asc(),
            loans::id.asc(),
        ))
        .limit(limit)
        .select((
            LoanRow::as_select(),
            items::barcode,
            biblios::title,
            members::member_no,
            members::full_name,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(l, barcode, title, member_no, member_name)| LoanView {
            overdue: l.returned_at.is_none() && l.due_on < today,
            id: l.id,
            item_id: l.item_id,
            barcode,
            title,
            member_id: l.member_id,
            member_no,
            member_name,
            loaned_at: l.loaned_at,
            due_on: l.due_on,
            returned_at: l.returned_at,
            renewals: l.renewals,
            fine: l.fine,
        })
        .collect())
}

fn loan_view(
    conn: &mut DbConn,
    library: LibraryId,
    loan_id: &str,
    today: NaiveDate,
) -> StoreResult<LoanView> {
    let mut q = LoanQuery {
        include_returned: true,
        ..Default::default()
    };
    q.limit = 1;
    // Narrow by id through the member filter's sibling: a direct lookup.
    let l: LoanRow = loans::table
        .find(loan_id)
        .select(LoanRow::as_select())
        .first(conn)?;
    q.member = Some(l.member_id.clone());
    let (barcode, title): (String, String) = items::table
        .inner_join(biblios::table)
        .filter(items::id.eq(&l.item_id))
        .select((items::barcode, biblios::title))
        .first(conn)?;
    let (member_no, member_name): (String, String) = members::table
        .find(&l.member_id)
        .filter(members::library_id.eq(library.to_string()))
        .select((members::member_no, members::full_name))
        .first(conn)?;
    Ok(LoanView {
        overdue: l.returned_at.is_none() && l.due_on < today,
        id: l.id,
        item_id: l.item_id,
        barcode,
        title,
        member_id: l.member_id,
        member_no,
        member_name,
        loaned_at: l.loaned_at,
        due_on: l.due_on,
        returned_at: l.returned_at,
        renewals: l.renewals,
        fine: l.fine,
    })
}

/// What a scanned code is in this library: a member card first (member
/// numbers start with a letter by default), else an item barcode.
pub fn lookup(
    conn: &mut DbConn,
    library: LibraryId,
    code: &str,
) -> StoreResult<(Scanned, Option<Member>, Option<ItemInfo>)> {
    let code = code.trim();
    if code.is_empty() {
        return Ok((Scanned::Unknown, None, None));
    }
    if let Some(m) = find_member_by_no(conn, library, code)? {
        return Ok((
            Scanned::Member {
                id: m.id.clone(),
                active: m.active,
            },
            Some(m),
            None,
        ));
    }
    let Some(item) = item_by_barcode(conn, library, code)? else {
        return Ok((Scanned::Unknown, None, None));
    };
    let loaned_to = open_loan(conn, &item.id)?.map(|l| l.member_id);
    let status = ItemStatus::parse(&item.status).unwrap_or(ItemStatus::Withdrawn);
    Ok((Scanned::Item { status, loaned_to }, None, Some(item)))
}

/// Inside a circulation transaction: a refusal rolls back like an error.
enum Fail {
    Refused(Refusal),
    Store(StoreError),
}

impl From<diesel::result::Error> for Fail {
    fn from(e: diesel::result::Error) -> Self {
        Fail::Store(e.into())
    }
}
impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        Fail::Store(e)
    }
}

/// The outcome of a circulation action: done, or refused for a reason the
/// desk can act on. Database failures are the outer error.
pub type Outcome<T> = StoreResult<Result<T, Refusal>>;

fn run<T>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn) -> Result<T, Fail>) -> Outcome<T> {
    match write_tx(conn, f) {
        Ok(v) => Ok(Ok(v)),
        Err(Fail::Refused(r)) => Ok(Err(r)),
        Err(Fail::Store(e)) => Err(e),
    }
}

fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

fn loan_audit(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    action: &'static str,
    loan_id: &str,
    summary: String,
) -> StoreResult<()> {
    let region = library_region(conn, library)?;
    audit::record(
        conn,
        by,
        Change {
            action,
            entity: "loan",
            entity_id: loan_id.to_string(),
            region: Some(region),
            library: Some(library),
            summary,
            details: None,
        },
    )
}

fn all_rules(conn: &mut DbConn, library: LibraryId) -> StoreResult<Vec<LoanRule>> {
    Ok(rules(conn, library)?.iter().map(StoredRule::rule).collect())
}

/// Lends the item with `barcode` to `member_id`, in one transaction: the
/// member is active and not expired and under the limit, the item is this
/// library's and available, no other member's hold is waiting for it at the
/// desk. A concurrent checkout of the same item loses with `AlreadyOnLoan`.
pub fn checkout(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    member_id: &str,
    barcode: &str,
    today: NaiveDate,
) -> Outcome<LoanView> {
    let lib = library.to_string();
    let loan_id = run(conn, |conn| {
        // Lock the member's row first (a no-op update takes the row lock on
        // PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers),
        // so two desks cannot both pass the limit check.
        let locked = diesel::update(
            members::table
                .find(member_id)
                .filter(members::library_id.eq(&lib)),
        )
        .set(members::active.eq(members::active))
        .execute(conn)?;
        if locked == 0 {
            return Err(Fail::Store(StoreError::NotFound));
        }
        let member = get_member(conn, library, member_id)?;
        if !member.active {
            return Err(Fail::Refused(Refusal::MemberInactive));
        }
        if member.is_expired(today) {
            return Err(Fail::Refused(Refusal::MemberExpired));
        }
        let item =
            item_by_barcode(conn, library, barcode)?.ok_or(Fail::Refused(Refusal::UnknownCode))?;
        if open_loan(conn, &item.id)?.is_some() {
            return Err(Fail::Refused(Refusal::AlreadyOnLoan));
        }
        if item.status != ItemStatus::Available.key() {
            return Err(Fail::Refused(Refusal::NotAvailable));
        }
        let rule = resolve_rule(
            &all_rules(conn, library)?,
            &member.member_type,
            &item.collection,
        );
        let open: i64 = loans::table
            .filter(loans::member_id.eq(member_id))
            .filter(loans::returned_at.is_null())
            .count()
            .get_result(conn)?;
        if open >= i64::from(rule.max_loans) {
            return Err(Fail::Refused(Refusal::LimitReached));
        }
        expire_holds_tx(conn, library, today)?;
        // A copy set aside for someone else's hold stays on the hold shelf.
        let ready_for: Option<(String, String)> = holds::table
            .filter(holds::item_id.eq(&item.id))
            .filter(holds::status.eq("ready"))
            .select((holds::id, holds::member_id))
            .first(conn)
            .optional()?;
        if let Some((_, who)) = &ready_for
            && who != member_id
        {
            return Err(Fail::Refused(Refusal::HeldForOther));
        }
        let cal = calendar(conn, library, today)?;
        let due = due_date(today, rule.loan_days, &cal);
        let id = uuid::Uuid::now_v7().to_string();
        // Guarded flip: only one transaction can move the item off `available`.
        let flipped = diesel::update(
            items::table
                .find(&item.id)
                .filter(items::status.eq(ItemStatus::Available.key())),
        )
        .set((
            items::status.eq(ItemStatus::OnLoan.key()),
            items::updated_at.eq(now()),
        ))
        .execute(conn)?;
        if flipped == 0 {
            return Err(Fail::Refused(Refusal::AlreadyOnLoan));
        }
        diesel::insert_into(loans::table)
            .values((
                loans::id.eq(&id),
                loans::library_id.eq(&lib),
                loans::item_id.eq(&item.id),
                loans::member_id.eq(member_id),
                loans::loaned_at.eq(now()),
                loans::due_on.eq(due),
                loans::renewals.eq(0),
                loans::fine.eq(0i64),
                loans::fine_paid.eq(false),
                loans::loaned_by.eq(&by.username),
            ))
            .execute(conn)
            .map_err(|e| {
                if is_unique_violation(&e) {
                    Fail::Refused(Refusal::AlreadyOnLoan)
                } else {
                    Fail::from(e)
                }
            })?;
        // The member's own hold on this record is fulfilled by borrowing it.
        diesel::update(
            holds::table
                .filter(holds::biblio_id.eq(&item.biblio_id))
                .filter(holds::member_id.eq(member_id))
                .filter(holds::status.eq_any(["waiting", "ready"])),
        )
        .set((holds::status.eq("fulfilled"), holds::closed_at.eq(now())))
        .execute(conn)?;
        touch(conn, library, &item.biblio_id)?;
        loan_audit(
            conn,
            by,
            library,
            "loan.checkout",
            &id,
            format!("{} → {} (due {due})", item.barcode, member.member_no),
        )?;
        Ok(id)
    })?;
    match loan_id {
        Ok(id) => Ok(Ok(loan_view(conn, library, &id, today)?)),
        Err(r) => Ok(Err(r)),
    }
}

/// What a return did.
#[derive(Debug, Clone, Serialize)]
pub struct Returned {
    pub loan: LoanView,
    /// Rupiah, when fines are on and the loan was overdue.
    pub fine: i64,
    /// The member whose hold the item now waits for, if any.
    pub hold_for: Option<String>,
}

/// Returns the item with `barcode`: closes its open loan, fines it when
/// fines are on, and sets the item aside for the first waiting hold.
pub fn return_item(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    barcode: &str,
    today: NaiveDate,
) -> Outcome<Returned> {
    let done = run(conn, |conn| {
        let item =
            item_by_barcode(conn, library, barcode)?.ok_or(Fail::Refused(Refusal::UnknownCode))?;
        let loan = open_loan(conn, &item.id)?.ok_or(Fail::Refused(Refusal::NotOnLoanToMember))?;
        let member = get_member(conn, library, &loan.member_id)?;
        let settings = settings(conn, library)?;
        let cal = calendar(conn, library, today)?;
        let rule = resolve_rule(
            &all_rules(conn, library)?,
            &member.member_type,
            &item.collection,
        );
        let amount = fine(
            loan.due_on,
            today,
            rule.fine_per_day,
            settings.fines_enabled,
            &cal,
        );
        let closed = diesel::update(
            loans::table
                .find(&loan.id)
                .filter(loans::returned_at.is_null()),
        )
        .set((
            loans::returned_at.eq(now()),
            loans::returned_by.eq(&by.username),
            loans::fine.eq(amount),
        ))
        .execute(conn)?;
        if closed == 0 {
            return Err(Fail::Refused(Refusal::NotOnLoanToMember));
        }
        diesel::update(items::table.find(&item.id))
            .set((
                items::status.eq(ItemStatus::Available.key()),
                items::updated_at.eq(now()),
            ))
            .execute(conn)?;
        let hold_for = assign_next_hold(
            conn,
            library,
            &item.biblio_id,
            &item.id,
            today,
            &settings,
            &cal,
        )?;
        touch(conn, library, &item.biblio_id)?;
        loan_audit(
            conn,
            by,
            library,
            "loan.return",
            &loan.id,
            format!("{} ← {} (fine {amount})", item.barcode, member.member_no),
        )?;
        Ok((loan.id, amount, hold_for))
    })?;
    match done {
        Ok((id, fine, hold_for)) => Ok(Ok(Returned {
            loan: loan_view(conn, library, &id, today)?,
            fine,
            hold_for,
        })),
        Err(r) => Ok(Err(r)),
    }
}

/// Renews the open loan of `barcode` held by `member_id`: a new period from
/// today, up to the rule's renewals, never while another member waits for
/// the record.
pub fn renew(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    member_id: &str,
    barcode: &str,
    today: NaiveDate,
) -> Outcome<LoanView> {
    let done = run(conn, |conn| {
        let item =
            item_by_barcode(conn, library, barcode)?.ok_or(Fail::Refused(Refusal::UnknownCode))?;
        let loan = open_loan(conn, &item.id)?
            .filter(|l| l.member_id == member_id)
            .ok_or(Fail::Refused(Refusal::NotOnLoanToMember))?;
        let member = get_member(conn, library, member_id)?;
        if !member.active {
            return Err(Fail::Refused(Refusal::MemberInactive));
        }
        if member.is_expired(today) {
            return Err(Fail::Refused(Refusal::MemberExpired));
        }
        let rule = resolve_rule(
            &all_rules(conn, library)?,
            &member.member_type,
            &item.collection,
        );
        if loan.renewals >= rule.max_renewals {
            return Err(Fail::Refused(Refusal::MaxRenewals));
        }
        let others_waiting: i64 = holds::table
            .filter(holds::biblio_id.eq(&item.biblio_id))
            .filter(holds::status.eq("waiting"))
            .filter(holds::member_id.ne(member_id))
            .count()
            .get_result(conn)?;
        if others_waiting > 0 {
            return Err(Fail::Refused(Refusal::HeldForOther));
        }
        let cal = calendar(conn, library, today)?;
        let due = due_date(today, rule.loan_days, &cal).max(loan.due_on);
        diesel::update(loans::table.find(&loan.id))
            .set((loans::due_on.eq(due), loans::renewals.eq(loan.renewals + 1)))
            .execute(conn)?;
        loan_audit(
            conn,
            by,
            library,
            "loan.renew",
            &loan.id,
            format!("{} ({}) due {due}", item.barcode, member.member_no),
        )?;
        Ok(loan.id)
    })?;
    match done {
        Ok(id) => Ok(Ok(loan_view(conn, library, &id, today)?)),
        Err(r) => Ok(Err(r)),
    }
}

// ---------------------------------------------------------------- holds

/// A reservation as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoldView {
    pub id: String,
    pub biblio_id: String,
    pub title: String,
    pub member_id: String,
    pub member_no: String,
    pub member_name: String,
    pub placed_at: NaiveDateTime,
    /// waiting, ready, fulfilled, cancelled, expired
    pub status: String,
    pub item_barcode: Option<String>,
    pub ready_until: Option<NaiveDate>,
    /// 1 for the first in line (waiting holds only).
    pub position: Option<i64>,
}

/// Sets the item aside for the oldest waiting hold on its record.
fn assign_next_hold(
    conn: &mut DbConn,
    library: LibraryId,
    biblio_id: &str,
    item_id: &str,
    today: NaiveDate,
    settings: &Settings,
    cal: &Calendar,
) -> StoreResult<Option<String>> {
    let next: Option<(String, String)> = holds::table
        .filter(holds::library_id.eq(library.to_string()))
        .filter(holds::biblio_id.eq(biblio_id))
        .filter(holds::status.eq("waiting"))
        .order((holds::placed_at.asc(), holds::id.asc()))
        .select((holds::id, holds::member_id))
        .first(conn)
        .optional()?;
    let Some((hold_id, member_id)) = next else {
        return Ok(None);
    };
    let until = due_date(today, settings.hold_pickup_days, cal);
    diesel::update(holds::table.find(&hold_id))
        .set((
            holds::status.eq("ready"),
            holds::item_id.eq(item_id),
            holds::ready_until.eq(until),
        ))
        .execute(conn)?;
    Ok(Some(member_id))
}

/// Closes ready holds not picked up in time and passes their copy to the
/// next in line.
fn expire_holds_tx(conn: &mut DbConn, library: LibraryId, today: NaiveDate) -> StoreResult<usize> {
    let stale: Vec<(String, String, Option<String>)> = holds::table
        .filter(holds::library_id.eq(library.to_string()))
        .filter(holds::status.eq("ready"))
        .filter(holds::ready_until.lt(today))
        .select((holds::id, holds::biblio_id, holds::item_id))
        .load(conn)?;
    if stale.is_empty() {
        return Ok(0);
    }
    let settings = settings(conn, library)?;
    let cal = calendar(conn, library, today)?;
    for (id, biblio, item) in &stale {
        diesel::update(holds::table.find(id))
            .set((holds::status.eq("expired"), holds::closed_at.eq(now())))
            .execute(conn)?;
        if let Some(item) = item {
            assign_next_hold(conn, library, biblio, item, today, &settings, &cal)?;
        }
    }
    Ok(stale.len())
}

pub fn expire_holds(conn: &mut DbConn, library: LibraryId, today: NaiveDate) -> StoreResult<usize> {
    write_tx(conn, |conn| expire_holds_tx(conn, library, today))
}

/// Places a hold for `member_id` on a record of this library. A member holds
/// a record once; if a copy is on the shelf it is ready at once.
pub fn place_hold(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    member_id: &str,
    biblio_id: &str,
    today: NaiveDate,
) -> StoreResult<HoldView> {
    let id = write_tx(conn, |conn| {
        let lib = library.to_string();
        let member = get_member(conn, library, member_id)?;
        let exists: i64 = biblios::table
            .find(biblio_id)
            .filter(biblios::library_id.eq(&lib))
            .count()
            .get_result(conn)?;
        if exists == 0 {
            return Err(StoreError::Invalid(Invalid::one(
                "biblio_id",
                Problem::NotFound,
            )));
        }
        let dup: i64 = holds::table
            .filter(holds::biblio_id.eq(biblio_id))
            .filter(holds::member_id.eq(member_id))
            .filter(holds::status.eq_any(["waiting", "ready"]))
            .count()
            .get_result(conn)?;
        if dup > 0 {
            return Err(StoreError::Invalid(Invalid::one(
                "biblio_id",
                Problem::Duplicate,
            )));
        }
        let id = uuid::Uuid::now_v7().to_string();
        diesel::insert_into(holds::table)
            .values((
                holds::id.eq(&id),
                holds::library_id.eq(&lib),
                holds::biblio_id.eq(biblio_id),
                holds::member_id.eq(member_id),
                holds::placed_at.eq(now()),
                holds::status.eq("waiting"),
            ))
            .execute(conn)?;
        // A copy on the shelf not set aside for anyone: ready now.
        let reserved: Vec<Option<String>> = holds::table
            .filter(holds::biblio_id.eq(biblio_id))
            .filter(holds::status.eq("ready"))
            .select(holds::item_id)
            .load(conn)?;
        let reserved: Vec<String> = reserved.into_iter().flatten().collect();
        let free: Option<String> = items::table
            .filter(items::biblio_id.eq(biblio_id))
            .filter(items::status.eq(ItemStatus::Available.key()))
            .filter(items::id.ne_all(reserved))
            .select(items::id)
            .first(conn)
            .optional()?;
        if let Some(item) = free {
            let settings = settings(conn, library)?;
            let cal = calendar(conn, library, today)?;
            let queue_before: i64 = holds::table
                .filter(holds::biblio_id.eq(biblio_id))
                .filter(holds::status.eq("waiting"))
                .filter(holds::id.ne(&id))
                .count()
                .get_result(conn)?;
            if queue_before == 0 {
                assign_next_hold(conn, library, biblio_id, &item, today, &settings, &cal)?;
            }
        }
        let region = library_region(conn, library)?;
        audit::record(
            conn,
            by,
            Change {
                action: "hold.place",
                entity: "hold",
                entity_id: id.clone(),
                region: Some(region),
                library: Some(library),
                summary: format!("{} holds {biblio_id}", member.member_no),
                details: None,
            },
        )?;
        Ok(id)
    })?;
    list_holds(conn, library, None, today)?
        .into_iter()
        .find(|h| h.id == id)
        .ok_or(StoreError::NotFound)
}

/// Cancels a waiting or ready hold; a copy set aside passes to the next.
pub fn cancel_hold(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    hold_id: &str,
    today: NaiveDate,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let row: Option<(String, Option<String>, String)> = holds::table
            .find(hold_id)
            .filter(holds::library_id.eq(library.to_string()))
            .filter(holds::status.eq_any(["waiting", "ready"]))
            .select((holds::biblio_id, holds::item_id, holds::status))
            .first(conn)
            .optional()?;
        let (biblio, item, status) = row.ok_or(StoreError::NotFound)?;
        diesel::update(holds::table.find(hold_id))
            .set((holds::status.eq("cancelled"), holds::closed_at.eq(now())))
            .execute(conn)?;
        if status == "ready"
            && let Some(item) = item
        {
            let s = settings(conn, library)?;
            let cal = calendar(conn, library, today)?;
            assign_next_hold(conn, library, &biblio, &item, today, &s, &cal)?;
        }
        let region = library_region(conn, library)?;
        audit::record(
            conn,
            by,
            Change {
                action: "hold.cancel",
                entity: "hold",
                entity_id: hold_id.to_string(),
                region: Some(region),
                library: Some(library),
                summary: format!("hold on {biblio} cancelled"),
                details: None,
            },
        )
    })
}

/// Open holds (waiting and ready) of a library, or of one member, with
/// their place in the queue.
pub fn list_holds(
    conn: &mut DbConn,
    library: LibraryId,
    member: Option<&str>,
    _today: NaiveDate,
) -> StoreResult<Vec<HoldView>> {
    let mut q = holds::table
        .inner_join(biblios::table)
        .inner_join(members::table)
        .filter(holds::library_id.eq(library.to_string()))
        .filter(holds::status.eq_any(["waiting", "ready"]))
        .into_boxed::<Dialect>();
    if let Some(m) = member {
        q = q.filter(holds::member_id.eq(m.to_string()));
    }
    type Row = (
        String,
        String,
        String,
        String,
        NaiveDateTime,
        String,
        Option<String>,
        Option<NaiveDate>,
        String,
        String,
    );
    let rows: Vec<Row> = q
        .order((
            holds::biblio_id.asc(),
            holds::placed_at.asc(),
            holds::id.asc(),
        ))
        .select((
            holds::id,
            holds::biblio_id,
            biblios::title,
            holds::member_id,
            holds::placed_at,
            holds::status,
            holds::item_id,
            holds::ready_until,
            members::member_no,
            members::full_name,
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, biblio_id, title, member_id, placed_at, status, item_id, ready_until, no, name) in rows
    {
        let position = if status == "waiting" {
            let ahead: i64 = holds::table
                .filter(holds::biblio_id.eq(&biblio_id))
                .filter(holds::status.eq("waiting"))
                .filter(holds::placed_at.lt(placed_at))
                .count()
                .get_result(conn)?;
            Some(ahead + 1)
        } else {
            None
        };
        let item_barcode = match &item_id {
            Some(i) => items::table
                .find(i)
                .select(items::barcode)
                .first(conn)
                .optional()?,
            None => None,
        };
        out.push(HoldView {
            id,
            biblio_id,
            title,
            member_id,
            member_no: no,
            member_name: name,
            placed_at,
            status,
            item_barcode,
            ready_until,
            position,
        });
    }
    Ok(out)
}

/// Counts for the scan box's member panel.
#[derive(Debug, Clone, Serialize)]
pub struct MemberStanding {
    pub open_loans: i64,
    pub overdue: i64,
    /// The limit of the member's general rule (`*` collection).
    pub limit: i32,
}

pub fn standing(
    conn: &mut DbConn,
    library: LibraryId,
    member: &Member,
    today: NaiveDate,
) -> StoreResult<MemberStanding> {
    let open: i64 = loans::table
        .filter(loans::member_id.eq(&member.id))
        .filter(loans::returned_at.is_null())
        .count()
        .get_result(conn)?;
    let overdue: i64 = loans::table
        .filter(loans::member_id.eq(&member.id))
        .filter(loans::returned_at.is_null())
        .filter(loans::due_on.lt(today))
        .count()
        .get_result(conn)?;
    let rule = resolve_rule(&all_rules(conn, library)?, &member.member_type, "*");
    Ok(MemberStanding {
        open_loans: open,
        overdue,
        limit: rule.max_loans,
    })
}

/// Barcodes of available items of a library, in barcode order, from `from`
/// on: the demo and the benchmark pick the items they lend with it.
pub fn available_barcodes(
    conn: &mut DbConn,
    library: LibraryId,
    from: &str,
    limit: i64,
) -> StoreResult<Vec<String>> {
    Ok(items::table
        .filter(items::library_id.eq(library.to_string()))
        .filter(items::status.eq(ItemStatus::Available.key()))
        .filter(items::barcode.ge(from))
        .order(items::barcode.asc())
        .limit(limit)
        .select(items::barcode)
        .load(conn)?)
}

/// Records that someone looked at a member's NIK in clear: the number is
/// personal data, so seeing it leaves a trace like changing it does.
pub fn record_nik_reveal(
    conn: &mut DbConn,
    by: &ActorRef,
    library: LibraryId,
    member: &Member,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let c = member_change(conn, "member.nik_reveal", library, member, None)?;
        audit::record(conn, by, c)
    })
}

/// The record of an item of this library, by barcode: holds can be placed
/// by scanning any copy.
pub fn biblio_of_barcode(
    conn: &mut DbConn,
    library: LibraryId,
    barcode: &str,
) -> StoreResult<Option<String>> {
    Ok(item_by_barcode(conn, library, barcode)?.map(|i| i.biblio_id))
}

//! The guest book: check-ins, recent visits and the counts monitoring needs.
//!
//! Counts are one grouped query over the `(library_id, visit_date)` index,
//! summing males and females so a group counts by its headcount; the folding
//! into days or months is `lentera_core::visits::Counts`. [`counts`] serves
//! one library or a whole reach (a region subtree, a facilitator's libraries,
//! the nation), so monitoring rolls up the very same figures.

use crate::audit;
use crate::conn::{DbConn, Dialect, write_tx};
use crate::error::{StoreError, StoreResult};
use crate::schema::{libraries, members, visits};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, sum};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use lentera_core::audit::{ActorRef, Change};
use lentera_core::field::{Invalid, Problem};
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use lentera_core::users::Reach;
use lentera_core::visits::{
    AgeGroup, CountRow, Counts, Gender, Granularity, Purpose, Tally, TimeZone, VisitDraft, Visitor,
    gender_from_text,
};
use serde::Serialize;
use uuid::Uuid;

/// Whose visits to count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One library.
    Library(LibraryId),
    /// Every library within a reach (a region subtree, assigned libraries,
    /// everything), summed.
    Reach(Reach),
}

/// One stored visit. Names are present only when asked for
/// ([`recent`] with `with_names`): officers see counts, not people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Visit {
    pub id: String,
    pub library_id: String,
    pub visited_at: NaiveDateTime,
    pub visit_date: NaiveDate,
    pub member_id: Option<String>,
    pub member_no: Option<String>,
    /// The visitor's name (a member's current name), or the group's name.
    pub name: Option<String>,
    pub is_group: bool,
    pub males: i32,
    pub females: i32,
    pub age_group: AgeGroup,
    pub purpose: Purpose,
}

impl Visit {
    pub fn people(&self) -> i32 {
        self.males + self.females
    }
}

/// The library a visit is recorded for: its id and village (for the time
/// zone and the audit trail's reach).
#[derive(Debug, Clone)]
pub struct At<'a> {
    pub library: LibraryId,
    pub village: &'a RegionCode,
}

struct MemberFacts {
    id: String,
    gender: String,
    birth_date: Option<NaiveDate>,
}

fn find_member(conn: &mut DbConn, library: LibraryId, no: &str) -> StoreResult<MemberFacts> {
    let lib = library.to_string();
    let q = |conn: &mut DbConn, no: &str| {
        members::table
            .filter(members::library_id.eq(&lib))
            .filter(members::member_no.eq(no))
            .select((members::id, members::gender, members::birth_date))
            .first::<(String, String, Option<NaiveDate>)>(conn)
            .optional()
    };
    // Cards are printed in upper case; a hand-typed number may not be.
    let found = match q(conn, no)? {
        Some(m) => Some(m),
        None => q(conn, &no.to_uppercase())?,
    };
    found
        .map(|(id, gender, birth_date)| MemberFacts {
            id,
            gender,
            birth_date,
        })
        .ok_or_else(|| StoreError::Invalid(Invalid::one("member_no", Problem::NotFound)))
}

/// What the kiosk needs to know about a scanned card: whose it is, and
/// whether the record already says gender and age (so those steps are
/// skipped). `None` when no member of this library has the number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberCard {
    pub member_no: String,
    pub full_name: String,
    pub gender: Option<Gender>,
    pub age_group: Option<AgeGroup>,
}

pub fn lookup_member(
    conn: &mut DbConn,
    library: LibraryId,
    no: &str,
    today: NaiveDate,
) -> StoreResult<Option<MemberCard>> {
    let m = match find_member(conn, library, no) {
        Ok(m) => m,
        Err(StoreError::Invalid(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let (member_no, full_name): (String, String) = members::table
        .find(&m.id)
        .select((members::member_no, members::full_name))
        .first(conn)?;
    Ok(Some(MemberCard {
        member_no,
        full_name,
        gender: gender_from_text(&m.gender),
        age_group: m.birth_date.map(|b| AgeGroup::on(b, today)),
    }))
}

/// Records a check-in at `now` (UTC). A member card must belong to this
/// library; the member's gender and age group (from the birth date) fill in
/// what the visitor did not say. Unknown cards answer a `member_no` field
/// error.
pub fn record(
    conn: &mut DbConn,
    by: &ActorRef,
    at: &At<'_>,
    draft: &VisitDraft,
    now: NaiveDateTime,
) -> StoreResult<Visit> {
    let tz = TimeZone::of_region(at.village);
    let today = tz.local_date(now);
    let (visit_date, visited_at) = match draft.date {
        // A day entered afterwards: noon local time, a time inside that day.
        Some(d) => (
            d,
            d.and_hms_opt(12, 0, 0).unwrap_or_default() - Duration::hours(tz.offset_hours()),
        ),
        None => (today, now),
    };
    write_tx(conn, |conn| {
        let (member_id, visitor_name, group_name, males, females, age) = match &draft.visitor {
            Visitor::Member { member_no } => {
                let m = find_member(conn, at.library, member_no)?;
                let mut errors = Invalid::default();
                let gender = gender_from_text(&m.gender).or(draft.gender);
                if gender.is_none() {
                    errors.push("gender", Problem::Required);
                }
                let age = m
                    .birth_date
                    .map(|b| AgeGroup::on(b, visit_date))
                    .or(draft.age_group);
                if age.is_none() {
                    errors.push("age_group", Problem::Required);
                }
                let (Some(gender), Some(age)) = (gender, age) else {
                    return Err(errors.into());
                };
                let male = gender == Gender::L;
                (
                    Some(m.id),
                    None,
                    None,
                    i32::from(male),
                    i32::from(!male),
                    age,
                )
            }
            Visitor::Named { name } => {
                let (Some(gender), Some(age)) = (draft.gender, draft.age_group) else {
                    return Err(Invalid::one("gender", Problem::Required).into());
                };
                let male = gender == Gender::L;
                (
                    None,
                    Some(name.clone()),
                    None,
                    i32::from(male),
                    i32::from(!male),
                    age,
                )
            }
            Visitor::Group {
                name,
                males,
                females,
            } => {
                let Some(age) = draft.age_group else {
                    return Err(Invalid::one("age_group", Problem::Required).into());
                };
                (None, None, Some(name.clone()), *males, *females, age)
            }
        };
        let id = Uuid::now_v7().to_string();
        diesel::insert_into(visits::table)
            .values((
                visits::id.eq(&id),
                visits::library_id.eq(at.library.to_string()),
                visits::visited_at.eq(visited_at),
                visits::visit_date.eq(visit_date),
                visits::member_id.eq(&member_id),
                visits::visitor_name.eq(&visitor_name),
                visits::group_name.eq(&group_name),
                visits::males.eq(males),
                visits::females.eq(females),
                visits::age_group.eq(age.key()),
                visits::purpose.eq(draft.purpose.key()),
                visits::recorded_by.eq(by.username.as_str()),
            ))
            .execute(conn)?;
        // The trail says what was counted, never who came: officers read
        // the trail, and named visitors are for the library's staff only.
        let summary = format!(
            "{} {} {} ({}, {}){}",
            visit_date,
            males + females,
            if group_name.is_some() {
                "rombongan"
            } else {
                "pengunjung"
            },
            age.key(),
            draft.purpose.key(),
            if draft.date.is_some() {
                " [susulan]"
            } else {
                ""
            }
        );
        audit::record(
            conn,
            by,
            Change {
                action: "visit.create",
                entity: "visit",
                entity_id: id.clone(),
                region: Some(at.village.clone()),
                library: Some(at.library),
                summary,
                details: None,
            },
        )?;
        Ok(Visit {
            id,
            library_id: at.library.to_string(),
            visited_at,
            visit_date,
            member_id,
            member_no: match &draft.visitor {
                Visitor::Member { member_no } => Some(member_no.clone()),
                _ => None,
            },
            is_group: group_name.is_some(),
            name: visitor_name.or(group_name),
            males,
            females,
            age_group: age,
            purpose: draft.purpose,
        })
    })
}

/// Removes a visit recorded by mistake (a double tap at the kiosk).
pub fn delete(conn: &mut DbConn, by: &ActorRef, at: &At<'_>, id: &str) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let n = diesel::delete(
            visits::table
                .filter(visits::id.eq(id))
                .filter(visits::library_id.eq(at.library.to_string())),
        )
        .execute(conn)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        audit::record(
            conn,
            by,
            Change {
                action: "visit.delete",
                entity: "visit",
                entity_id: id.to_string(),
                region: Some(at.village.clone()),
                library: Some(at.library),
                summary: String::new(),
                details: None,
            },
        )
    })
}

type RecentRow = (
    String,
    NaiveDateTime,
    NaiveDate,
    Option<String>,
    Option<String>,
    Option<String>,
    i32,
    i32,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// The library's latest visits, newest first. Without `with_names` the
/// names and card numbers are not even read.
pub fn recent(
    conn: &mut DbConn,
    library: LibraryId,
    limit: i64,
    with_names: bool,
) -> StoreResult<Vec<Visit>> {
    query_visits(conn, library, None, limit, with_names)
}

fn query_visits(
    conn: &mut DbConn,
    library: LibraryId,
    id: Option<&str>,
    limit: i64,
    with_names: bool,
) -> StoreResult<Vec<Visit>> {
    let mut q = visits::table
        .left_join(members::table)
        .filter(visits::library_id.eq(library.to_string()))
        .into_boxed::<Dialect>();
    if let Some(id) = id {
        q = q.filter(visits::id.eq(id.to_string()));
    }
    let rows: Vec<RecentRow> = q
        .order((visits::visited_at.desc(), visits::id.desc()))
        .limit(limit.clamp(1, 500))
        .select((
            visits::id,
            visits::visited_at,
            visits::visit_date,
            visits::member_id,
            visits::visitor_name,
            visits::group_name,
            visits::males,
            visits::females,
            visits::age_group,
            visits::purpose,
            members::member_no.nullable(),
            members::full_name.nullable(),
        ))
        .load(conn)?;
    rows.into_iter()
        .map(
            |(id, visited_at, visit_date, member_id, name, group, m, f, age, purpose, no, full)| {
                let bad = |what: &str| StoreError::Data(format!("visit {id}: bad {what}"));
                let is_group = group.is_some();
                Ok(Visit {
                    age_group: AgeGroup::parse(&age).map_err(|_| bad("age_group"))?,
                    purpose: Purpose::parse(&purpose).map_err(|_| bad("purpose"))?,
                    library_id: library.to_string(),
                    visited_at,
                    visit_date,
                    member_id: if with_names { member_id } else { None },
                    member_no: if with_names { no } else { None },
                    name: if with_names {
                        full.or(name).or(group)
                    } else {
                        None
                    },
                    is_group,
                    males: m,
                    females: f,
                    id,
                })
            },
        )
        .collect()
}

/// One visit of this library; `NotFound` for another library's.
pub fn get(
    conn: &mut DbConn,
    library: LibraryId,
    id: &str,
    with_names: bool,
) -> StoreResult<Visit> {
    query_visits(conn, library, Some(id), 1, with_names)?
        .pop()
        .ok_or(StoreError::NotFound)
}

type ScopeFilter = Box<dyn BoxableExpression<visits::table, Dialect, SqlType = Bool>>;

/// The scope as one predicate on `visits` (a boxed query cannot be grouped).
fn scoped(scope: &Scope) -> ScopeFilter {
    match scope {
        Scope::Library(id) => Box::new(visits::library_id.eq(id.to_string())),
        Scope::Reach(Reach::Everything) => Box::new(true.into_sql::<Bool>()),
        Scope::Reach(Reach::Region(r)) => {
            // The libraries of a subtree by the prefix range on their
            // village code; the visits then by the (library, date) index.
            let (lo, hi) = r.subtree_range();
            Box::new(
                visits::library_id.eq_any(
                    libraries::table
                        .filter(libraries::village_code.ge(lo))
                        .filter(libraries::village_code.lt(hi))
                        .select(libraries::id),
                ),
            )
        }
        Scope::Reach(Reach::Libraries(ids)) => Box::new(
            visits::library_id.eq_any(ids.iter().map(|i| i.to_string()).collect::<Vec<_>>()),
        ),
    }
}

type GroupRow = (NaiveDate, String, String, i64, Option<i64>, Option<i64>);

/// Visit counts from `from` to `to` (inclusive, library-local dates) by day
/// or month, with breakdowns by gender, age group and purpose. Every period
/// in the range is present, zeros included.
pub fn counts(
    conn: &mut DbConn,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
    granularity: Granularity,
) -> StoreResult<Counts> {
    let rows: Vec<GroupRow> = visits::table
        .filter(scoped(scope))
        .filter(visits::visit_date.ge(from))
        .filter(visits::visit_date.le(to))
        .group_by((visits::visit_date, visits::age_group, visits::purpose))
        .select((
            visits::visit_date,
            visits::age_group,
            visits::purpose,
            count_star(),
            sum(visits::males),
            sum(visits::females),
        ))
        .load(conn)?;
    Ok(Counts::from_rows(
        from,
        to,
        granularity,
        rows.into_iter()
            .map(|(date, age, purpose, n, m, f)| CountRow {
                date,
                age_group: age,
                purpose,
                checkins: n,
                males: m.unwrap_or(0),
                females: f.unwrap_or(0),
            }),
    ))
}

type LibraryGroupRow = (String, String, String, i64, Option<i64>, Option<i64>);

/// Totals per library over a range, for roll-ups that list libraries (the
/// monitoring tables). Libraries without visits are absent.
pub fn totals_by_library(
    conn: &mut DbConn,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<(LibraryId, Tally)>> {
    let rows: Vec<LibraryGroupRow> = visits::table
        .filter(scoped(scope))
        .filter(visits::visit_date.ge(from))
        .filter(visits::visit_date.le(to))
        .group_by((visits::library_id, visits::age_group, visits::purpose))
        .select((
            visits::library_id,
            visits::age_group,
            visits::purpose,
            count_star(),
            sum(visits::males),
            sum(visits::females),
        ))
        .load(conn)?;
    let mut out: Vec<(LibraryId, Vec<CountRow>)> = Vec::new();
    for (lib, age, purpose, n, m, f) in rows {
        let Ok(id) = LibraryId::parse(&lib) else {
            continue;
        };
        let row = CountRow {
            date: from,
            age_group: age,
            purpose,
            checkins: n,
            males: m.unwrap_or(0),
            females: f.unwrap_or(0),
        };
        match out.iter_mut().find(|(l, _)| *l == id) {
            Some((_, v)) => v.push(row),
            None => out.push((id, vec![row])),
        }
    }
    Ok(out
        .into_iter()
        .map(|(id, rows)| {
            (
                id,
                Counts::from_rows(from, from, Granularity::Day, rows).total,
            )
        })
        .collect())
}

/// A visit to insert in bulk (the demonstration, imports of paper guest
/// books). Names are optional: a tally copied from paper has none.
#[derive(Debug, Clone)]
pub struct NewVisit {
    pub library: LibraryId,
    pub visited_at: NaiveDateTime,
    pub visit_date: NaiveDate,
    pub visitor_name: Option<String>,
    pub group_name: Option<String>,
    pub males: i32,
    pub females: i32,
    pub age_group: AgeGroup,
    pub purpose: Purpose,
}

#[derive(Insertable)]
#[diesel(table_name = visits)]
struct VisitRow {
    id: String,
    library_id: String,
    visited_at: NaiveDateTime,
    visit_date: NaiveDate,
    member_id: Option<String>,
    visitor_name: Option<String>,
    group_name: Option<String>,
    males: i32,
    females: i32,
    age_group: String,
    purpose: String,
    recorded_by: Option<String>,
}

/// Inserts many visits in one transaction with multi-row inserts, and one
/// audit entry per library (how many, which dates) rather than one per row.
/// `villages` gives each library's village for the audit trail's reach.
pub fn insert_many(
    conn: &mut DbConn,
    by: &ActorRef,
    rows: &[NewVisit],
    villages: &[(LibraryId, RegionCode)],
) -> StoreResult<usize> {
    write_tx(conn, |conn| {
        for chunk in rows.chunks(500) {
            let batch: Vec<VisitRow> = chunk
                .iter()
                .map(|v| VisitRow {
                    id: Uuid::now_v7().to_string(),
                    library_id: v.library.to_string(),
                    visited_at: v.visited_at,
                    visit_date: v.visit_date,
                    member_id: None,
                    visitor_name: v.visitor_name.clone(),
                    group_name: v.group_name.clone(),
                    males: v.males,
                    females: v.females,
                    age_group: v.age_group.key().to_string(),
                    purpose: v.purpose.key().to_string(),
                    recorded_by: Some(by.username.clone()),
                })
                .collect();
            crate::on_backend!(conn, |c| diesel::insert_into(visits::table)
                .values(&batch)
                .execute(c))?;
        }
        for (lib, village) in villages {
            let mine: Vec<&NewVisit> = rows.iter().filter(|v| v.library == *lib).collect();
            let (Some(first), Some(last)) = (
                mine.iter().map(|v| v.visit_date).min(),
                mine.iter().map(|v| v.visit_date).max(),
            ) else {
                continue;
            };
            audit::record(
                conn,
                by,
                Change {
                    action: "visit.import",
                    entity: "visit",
                    entity_id: lib.to_string(),
                    region: Some(village.clone()),
                    library: Some(*lib),
                    summary: format!("{} kunjungan, {first} s.d. {last}", mine.len()),
                    details: None,
                },
            )?;
        }
        Ok(rows.len())
    })
}

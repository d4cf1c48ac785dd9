//! In-app notifications: a short line in both languages and a link, per
//! user. Written in the transaction of the change they announce; e-mail is
//! optional and off by default, so the app is the channel that always works.
//!
//! The `to_*` helpers find who should hear about a library's or a region's
//! record: its manager and staff, its assigned facilitators, the district
//! and province officers above it.

use crate::conn::DbConn;
use crate::error::StoreResult;
use crate::now;
use crate::schema::{facilitator_libraries, notifications, users};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use lentera_core::ids::{LibraryId, UserId};
use lentera_core::regions::RegionCode;
use serde::Serialize;
use uuid::Uuid;

/// A message to send: both languages, so it reads right whichever language
/// the recipient uses when they open it.
#[derive(Debug, Clone)]
pub struct Note<'a> {
    pub id: &'a str,
    pub en: &'a str,
    /// A path inside Lentera, e.g. `/workplans/…`.
    pub link: &'a str,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: String,
    pub user_id: String,
    pub title_id: String,
    pub title_en: String,
    pub link: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

/// Sends `note` to each user once (duplicates in `to` are dropped).
pub fn send(conn: &mut DbConn, to: &[String], note: &Note<'_>) -> StoreResult<()> {
    let mut to: Vec<&String> = to.iter().collect();
    to.sort();
    to.dedup();
    let at = now();
    for user in to {
        diesel::insert_into(notifications::table)
            .values((
                notifications::id.eq(Uuid::now_v7().to_string()),
                notifications::user_id.eq(user),
                notifications::title_id.eq(note.id),
                notifications::title_en.eq(note.en),
                notifications::link.eq(note.link),
                notifications::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Active managers and staff of a library.
pub fn library_team(conn: &mut DbConn, library: LibraryId) -> StoreResult<Vec<String>> {
    Ok(users::table
        .filter(users::library_id.eq(library.to_string()))
        .filter(users::active.eq(true))
        .select(users::id)
        .load(conn)?)
}

/// Active facilitators assigned to a library.
pub fn facilitators_of(conn: &mut DbConn, library: LibraryId) -> StoreResult<Vec<String>> {
    Ok(facilitator_libraries::table
        .inner_join(users::table)
        .filter(facilitator_libraries::library_id.eq(library.to_string()))
        .filter(users::active.eq(true))
        .select(users::id)
        .load(conn)?)
}

/// Active officers whose region contains `place` at exactly `role` (e.g.
/// `"district"` for the regency above a village).
pub fn officers_over(
    conn: &mut DbConn,
    place: &RegionCode,
    role: &str,
) -> StoreResult<Vec<String>> {
    let ancestors: Vec<String> = place.lineage().iter().map(|c| c.to_string()).collect();
    Ok(users::table
        .filter(users::role.eq(role))
        .filter(users::active.eq(true))
        .filter(users::region_code.eq_any(ancestors))
        .select(users::id)
        .load(conn)?)
}

/// The latest notifications of a user, newest first.
pub fn recent(conn: &mut DbConn, user: UserId, limit: i64) -> StoreResult<Vec<Notification>> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user.to_string()))
        .order(notifications::created_at.desc())
        .limit(limit)
        .select(Notification::as_select())
        .load(conn)?)
}

pub fn unread_count(conn: &mut DbConn, user: UserId) -> StoreResult<i64> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user.to_string()))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Marks one (or, with `None`, every) notification of the user read.
pub fn mark_read(conn: &mut DbConn, user: UserId, id: Option<&str>) -> StoreResult<usize> {
    let mine = notifications::table
        .filter(notifications::user_id.eq(user.to_string()))
        .filter(notifications::read_at.is_null());
    Ok(match id {
        Some(id) => diesel::update(mine.filter(notifications::id.eq(id)))
            .set(notifications::read_at.eq(now()))
            .execute(conn)?,
        None => diesel::update(mine)
            .set(notifications::read_at.eq(now()))
            .execute(conn)?,
    })
}

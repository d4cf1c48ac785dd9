//! Sign-in sessions and API tokens.
//!
//! Only a SHA-256 hash of each token is stored, so a copy of the database
//! does not let anyone sign in. Browser sessions and script tokens share the
//! table and differ in `kind`.

use crate::conn::DbConn;
use crate::error::StoreResult;
use crate::schema::sessions;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use lentera_core::ids::UserId;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub token_hash: String,
    pub user_id: String,
    /// `browser` or `token`.
    pub kind: String,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

pub fn create(conn: &mut DbConn, s: &Session) -> StoreResult<()> {
    diesel::insert_into(sessions::table)
        .values(s)
        .execute(conn)?;
    Ok(())
}

/// The live session with this token hash.
pub fn find(
    conn: &mut DbConn,
    token_hash: &str,
    now: NaiveDateTime,
) -> StoreResult<Option<Session>> {
    Ok(sessions::table
        .find(token_hash)
        .filter(sessions::expires_at.gt(now))
        .select(Session::as_select())
        .first(conn)
        .optional()?)
}

/// Slides the expiry forward. Callers do this at most every few minutes so
/// reading a page does not cost a write.
pub fn touch(
    conn: &mut DbConn,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> StoreResult<()> {
    diesel::update(sessions::table.find(token_hash))
        .set((
            sessions::last_seen_at.eq(now),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConn, token_hash: &str) -> StoreResult<()> {
    diesel::delete(sessions::table.find(token_hash)).execute(conn)?;
    Ok(())
}

/// Ends every session of a user: after a password reset or deactivation.
pub fn delete_for_user(conn: &mut DbConn, user: UserId) -> StoreResult<usize> {
    Ok(
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user.to_string())))
            .execute(conn)?,
    )
}

/// Ends every session of a user except one: "sign out other devices" after a
/// password change.
pub fn delete_others(conn: &mut DbConn, user: UserId, keep_hash: &str) -> StoreResult<usize> {
    Ok(diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user.to_string()))
            .filter(sessions::token_hash.ne(keep_hash)),
    )
    .execute(conn)?)
}

pub fn purge_expired(conn: &mut DbConn, now: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)?)
}

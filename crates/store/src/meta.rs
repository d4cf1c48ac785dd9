//! Small facts about the installation itself (dataset versions, demo flag).

use crate::conn::DbConn;
use crate::error::StoreResult;
use crate::schema::meta;
use diesel::prelude::*;

pub fn get(conn: &mut DbConn, key: &str) -> StoreResult<Option<String>> {
    Ok(meta::table
        .find(key)
        .select(meta::value)
        .first(conn)
        .optional()?)
}

pub fn set(conn: &mut DbConn, key: &str, value: &str) -> StoreResult<()> {
    diesel::delete(meta::table.find(key)).execute(conn)?;
    diesel::insert_into(meta::table)
        .values((meta::key.eq(key), meta::value.eq(value)))
        .execute(conn)?;
    Ok(())
}

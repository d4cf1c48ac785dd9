//! Lentera's persistence layer: the only crate that speaks SQL.
//!
//! One Diesel query codebase serves SQLite (village installs) and PostgreSQL
//! (district, province and national servers) through [`conn::DbConn`], a
//! `MultiConnection`. Each feature has a module with the same name as in
//! `lentera-core` and `lentera-web`; functions take a `&mut DbConn` so the
//! caller decides the transaction, and every write records its audit entry in
//! the same transaction.

pub mod activities;
pub mod aid;
pub mod audit;
pub mod catalog;
pub mod circulation;
pub mod conn;
pub mod error;
pub mod events;
pub mod libraries;
pub mod meta;
pub mod monitoring;
pub mod national;
pub mod notifications;
pub mod program;
pub mod regions;
pub mod schema;
pub mod sessions;
pub mod uploads;
pub mod users;
pub mod visits;
pub mod workplans;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use conn::{Backend, Conn, Db, DbConn, Target, write_tx};
pub use error::{StoreError, StoreResult};

/// A page of results with the total count, for lists and their pagers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page.max(1)).max(1)
    }
}

/// Current UTC time, truncated to microseconds so the value read back from
/// either backend equals the value written.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}

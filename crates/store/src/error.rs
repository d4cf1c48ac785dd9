//! The store's one error type.

use lentera_core::field::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist — or exists outside the caller's reach,
    /// which callers must not be able to tell apart.
    #[error("not found")]
    NotFound,
    /// The input broke a rule that only the stored data can check
    /// (a duplicate NPP, an unknown library). Names the field.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// Someone else changed the record since it was read.
    #[error("conflict")]
    Conflict,
    #[error("database: {0}")]
    Db(#[from] diesel::result::Error),
    #[error("database connection: {0}")]
    Connection(String),
    #[error("migration: {0}")]
    Migration(String),
    #[error("data: {0}")]
    Data(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// Maps a unique-constraint violation to a field error, so "NPP already
    /// used" reaches the user as a message on the NPP field, not a 500.
    pub fn unique_to_field(
        e: diesel::result::Error,
        field_for: impl Fn(&str) -> &'static str,
    ) -> StoreError {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                // PostgreSQL names the constraint; SQLite names the columns
                // in the message ("UNIQUE constraint failed: libraries.npp").
                let hint = info
                    .constraint_name()
                    .map(str::to_string)
                    .unwrap_or_else(|| info.message().to_string());
                StoreError::Invalid(Invalid::one(
                    field_for(&hint),
                    lentera_core::field::Problem::Duplicate,
                ))
            }
            e => StoreError::Db(e),
        }
    }
}

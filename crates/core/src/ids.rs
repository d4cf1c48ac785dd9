//! Identifiers.
//!
//! Every row created by Lentera gets a UUIDv7: unique without coordination, so
//! an offline village install can later sync to a central server without
//! renumbering, and time-ordered, so B-tree inserts stay append-mostly.
//! Ids are stored as their 36-character text form on both backends (see
//! ARCHITECTURE.md, "Identifiers").

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh time-ordered id.
            pub fn new() -> Self {
                $name(Uuid::now_v7())
            }
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
            /// Parses the canonical hyphenated form (any case).
            pub fn parse(s: &str) -> Result<Self, crate::field::Problem> {
                Uuid::parse_str(s.trim()).map($name).map_err(|_| crate::field::Problem::BadId)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // Lowercase hyphenated: the same bytes on every backend, so
                // text comparison and ordering agree everywhere.
                write!(f, "{}", self.0.hyphenated())
            }
        }

        impl FromStr for $name {
            type Err = crate::field::Problem;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

id_type!(
    /// A library in the registry.
    LibraryId
);
id_type!(
    /// A user account.
    UserId
);
id_type!(
    /// One entry of the audit trail.
    AuditId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_order_by_time() {
        let a = LibraryId::new();
        let b = LibraryId::new();
        assert_eq!(LibraryId::parse(&a.to_string()), Ok(a));
        assert_eq!(a.as_uuid().get_version_num(), 7);
        assert_ne!(a, b);
        assert!(LibraryId::parse("not-an-id").is_err());
    }
}

//! Test databases on both backends.
//!
//! Every data test runs twice: on a fresh SQLite file and on a fresh
//! PostgreSQL schema. PostgreSQL is found at `LENTERA_TEST_DATABASE_URL`
//! (default `postgres://postgres@127.0.0.1:5432/test`). When it is
//! unreachable the PostgreSQL half is skipped with a note — except under
//! `CI=true`, where it fails: CI must never pass by testing less.

use crate::conn::{Backend, Db, Target};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use lentera_core::regions::RegionCode;
use std::path::PathBuf;

/// Regencies the test region subset keeps: the demo events' districts and a
/// few neighbours to test reach against.
pub const TEST_REGENCIES: &[&str] = &[
    "3520", "3578", "6103", "6171", "5371", "1571", "6271", "3519",
];

pub fn keep_test_regions(code: &RegionCode) -> bool {
    TEST_REGENCIES.iter().any(|r| code.as_str().starts_with(r))
}

pub struct TestDb {
    pub db: Db,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Schema { admin_url: String, schema: String },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(p) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
                }
            }
            Cleanup::Schema { admin_url, schema } => {
                if let Ok(mut c) = PgConnection::establish(admin_url) {
                    let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
                }
            }
        }
    }
}

pub fn pg_admin_url() -> String {
    std::env::var("LENTERA_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// A migrated database on `backend` with the test subset of regions loaded,
/// or `None` when PostgreSQL is unreachable outside CI.
pub fn fresh(backend: Backend) -> Option<TestDb> {
    fresh_with(backend, &keep_test_regions)
}

/// Like [`fresh`], loading the regions `keep` selects.
pub fn fresh_with(backend: Backend, keep: &dyn Fn(&RegionCode) -> bool) -> Option<TestDb> {
    let t = empty(backend)?;
    let mut conn = t.db.conn().expect("test connection");
    crate::regions::load_if_empty(&mut conn, keep).expect("load regions");
    drop(conn);
    Some(t)
}

/// A migrated, empty database.
pub fn empty(backend: Backend) -> Option<TestDb> {
    let name = format!("t_{}", uuid::Uuid::now_v7().simple());
    match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("lentera-{name}.db"));
            let db = Db::open(&Target::Sqlite(path.clone())).expect("open test sqlite");
            Some(TestDb {
                db,
                cleanup: Cleanup::File(path),
            })
        }
        Backend::Postgres => {
            let admin_url = pg_admin_url();
            let mut admin = match PgConnection::establish(&admin_url) {
                Ok(c) => c,
                Err(e) if in_ci() => {
                    panic!("PostgreSQL unreachable at {admin_url} under CI=true: {e}")
                }
                Err(e) => {
                    eprintln!(
                        "note: PostgreSQL unreachable ({e}); skipping the PostgreSQL half of this test"
                    );
                    return None;
                }
            };
            admin
                .batch_execute(&format!("CREATE SCHEMA {name}"))
                .expect("create test schema");
            let sep = if admin_url.contains('?') { '&' } else { '?' };
            let url = format!("{admin_url}{sep}options=-csearch_path%3D{name}");
            let db = Db::open(&Target::Postgres(url)).expect("open test postgres");
            Some(TestDb {
                db,
                cleanup: Cleanup::Schema {
                    admin_url,
                    schema: name,
                },
            })
        }
    }
}

/// Generates one test per backend from one body:
///
/// ```text
/// both_backends!(creates_a_library, |db: &Db| { … });
/// ```
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[test]
            fn sqlite() {
                let t = $crate::testing::fresh($crate::Backend::Sqlite).expect("sqlite");
                ($body)(&t.db);
            }
            #[test]
            fn postgres() {
                if let Some(t) = $crate::testing::fresh($crate::Backend::Postgres) {
                    ($body)(&t.db);
                }
            }
        }
    };
}

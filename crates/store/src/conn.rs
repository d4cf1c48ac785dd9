//! Connections: one enum over both backends, a pool, migrations, and the
//! transaction helper every write goes through.
//!
//! Where SQLite and PostgreSQL differ in *behaviour* (locking, pragmas,
//! migrations), the difference is matched on here and nowhere else; the
//! feature modules write one Diesel query for both.

use crate::error::{StoreError, StoreResult};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection};
use diesel::{Connection, PgConnection, RunQueryDsl, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::path::{Path, PathBuf};
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend. Queries written against `DbConn` run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum Target {
    /// An SQLite file (created with its folder if missing).
    Sqlite(PathBuf),
    /// A `postgres://` or `postgresql://` URL.
    Postgres(String),
}

impl Target {
    /// `--database-url` wins; otherwise the SQLite file in the data folder.
    pub fn from_args(database_url: Option<&str>, data_dir: &Path) -> StoreResult<Target> {
        match database_url {
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                Ok(Target::Postgres(u.to_string()))
            }
            Some(u) if u.starts_with("sqlite://") => {
                Ok(Target::Sqlite(PathBuf::from(&u["sqlite://".len()..])))
            }
            Some(u) => Err(StoreError::Connection(format!(
                "unsupported database URL {:?}: use postgres://… or sqlite://PATH",
                redact(u)
            ))),
            None => Ok(Target::Sqlite(data_dir.join("lentera.db"))),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Target::Sqlite(_) => Backend::Sqlite,
            Target::Postgres(_) => Backend::Postgres,
        }
    }
}

impl std::fmt::Debug for Target {
    // Never print a password from a URL into a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
            Target::Postgres(u) => write!(f, "{}", redact(u)),
        }
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

/// Opens connections for the pool, applying per-backend settings.
pub struct Manager {
    target: Target,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match &self.target {
            Target::Postgres(url) => {
                let mut c = PgConnection::establish(url).map_err(r2d2::Error::ConnectionError)?;
                // Timestamps are stored as UTC wall time.
                c.batch_execute("SET TIME ZONE 'UTC'")
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Pg(c))
            }
            Target::Sqlite(path) => {
                let url = path.to_string_lossy();
                let mut c =
                    SqliteConnection::establish(&url).map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers run while one writer writes; NORMAL sync is
                // durable across application crashes and fast on cheap disks;
                // busy_timeout makes writers queue instead of failing.
                c.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 15000; \
                     PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16000;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(c))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        diesel::sql_query("SELECT 1")
            .execute(conn)
            .map(|_| ())
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

pub type Conn = PooledConnection<Manager>;

/// The database: a pool of connections to one target.
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    backend: Backend,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Db({})", self.backend.name())
    }
}

impl Db {
    /// Connects, creating the SQLite file and its folder when needed, and
    /// runs pending migrations.
    pub fn open(target: &Target) -> StoreResult<Db> {
        if let Target::Sqlite(path) = target
            && let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Connection(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let manager = Manager {
            target: target.clone(),
        };
        // SQLite has one writer at a time; more connections only help
        // readers. PostgreSQL gets a pool sized for a small server.
        let size = match target {
            Target::Sqlite(_) => 8,
            Target::Postgres(_) => 16,
        };
        let pool = Pool::builder()
            .max_size(size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .map_err(|e| StoreError::Connection(e.to_string()))?;
        let db = Db {
            pool,
            backend: target.backend(),
        };
        db.migrate()?;
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn conn(&self) -> StoreResult<Conn> {
        self.pool
            .get()
            .map_err(|e| StoreError::Connection(e.to_string()))
    }

    fn migrate(&self) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let applied = match &mut *conn {
            DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
            DbConn::Pg(c) => c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len()),
        }
        .map_err(|e| StoreError::Migration(e.to_string()))?;
        if applied > 0 {
            tracing::info!(applied, backend = self.backend.name(), "migrations applied");
        }
        Ok(())
    }
}

/// Runs the same Diesel expression on the concrete connection inside a
/// [`DbConn`]. For the few query shapes `MultiConnection` cannot express
/// (multi-row `INSERT … VALUES (…), (…)`), the query is still written once.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::DbConn::Pg($c) => $body,
            $crate::DbConn::Sqlite($c) => $body,
        }
    };
}

/// Runs `f` with SQLite's temporary sort space on disk instead of in memory
/// (the connection default), then restores it. For statements that group
/// every row of the database: at national size the in-memory sorter of a
/// figure rebuild grew past 23 GB and was killed. PostgreSQL spills by
/// itself (`work_mem`).
pub fn with_disk_temp<T, E>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    if let DbConn::Sqlite(c) = conn {
        c.batch_execute("PRAGMA temp_store = FILE;")?;
    }
    let out = f(conn);
    if let DbConn::Sqlite(c) = conn {
        c.batch_execute("PRAGMA temp_store = MEMORY;")?;
    }
    out
}

/// Runs `f` in a write transaction and commits when it returns `Ok`.
///
/// On SQLite the transaction starts with `BEGIN IMMEDIATE`: it takes the write
/// lock up front, so two writers queue on `busy_timeout` instead of both
/// reading, then one failing to upgrade its lock with SQLITE_BUSY — the
/// classic lost-update trap under concurrent scans.
pub fn write_tx<T, E>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConn::Pg(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    let result = f(conn);
    let end = match (&result, &mut *conn) {
        (Ok(_), DbConn::Sqlite(c)) => AnsiTransactionManager::commit_transaction(c),
        (Ok(_), DbConn::Pg(c)) => AnsiTransactionManager::commit_transaction(c),
        (Err(_), DbConn::Sqlite(c)) => AnsiTransactionManager::rollback_transaction(c),
        (Err(_), DbConn::Pg(c)) => AnsiTransactionManager::rollback_transaction(c),
    };
    match (result, end) {
        (Ok(v), Ok(())) => Ok(v),
        (Ok(_), Err(e)) => Err(e.into()),
        (Err(e), _) => Err(e),
    }
}

/// A round trip to the database, for health checks.
pub fn ping(conn: &mut DbConn) -> StoreResult<()> {
    diesel::sql_query("SELECT 1").execute(conn)?;
    Ok(())
}

/// The backend type Diesel generated for [`DbConn`]; boxed queries name it.
pub type Dialect = <DbConn as Connection>::Backend;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact("postgres://u:pw@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        let t = Target::from_args(Some("postgresql://a:b@c/d"), Path::new("x")).unwrap();
        assert_eq!(format!("{t:?}"), "postgresql://a:***@c/d");
        assert!(Target::from_args(Some("mysql://x"), Path::new("x")).is_err());
        assert_eq!(
            Target::from_args(None, Path::new("d")).unwrap(),
            Target::Sqlite(PathBuf::from("d/lentera.db"))
        );
    }
}

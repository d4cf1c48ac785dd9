//! The one shared state: configuration, the database, the region tree, the
//! login throttle and the catalogue's search index.

use crate::auth::LoginThrottle;
use crate::error::WebError;
use lentera_core::regions::RegionTree;
use lentera_store::catalog::index::SearchIndex;
use lentera_store::{Db, DbConn};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

#[derive(Debug, Clone)]
pub struct Config {
    /// Mark cookies `Secure`. On for servers behind HTTPS; off for a village
    /// PC on plain http://127.0.0.1, where a Secure cookie would never be sent.
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-For` for the client address (behind a reverse proxy).
    pub trust_proxy: bool,
    /// Browser session lifetime, sliding.
    pub session_hours: i64,
    /// Script token lifetime.
    pub token_days: i64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            secure_cookies: false,
            trust_proxy: false,
            session_hours: 12,
            token_days: 30,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub regions: Arc<RegionTree>,
    pub throttle: Arc<LoginThrottle>,
    /// The catalogue's full-text index (local to this server, also when the
    /// database is PostgreSQL).
    pub index: Arc<SearchIndex>,
    /// Poked after catalogue writes so the index follows without waiting for
    /// the next tick of [`AppState::spawn_index_sync`].
    pub index_notify: Arc<Notify>,
}

impl AppState {
    /// A state with an empty in-memory search index (tests, tools); servers
    /// use [`AppState::with_index`].
    pub fn new(db: Db, regions: RegionTree, config: Config) -> Self {
        let index = SearchIndex::in_memory().expect("an in-memory index needs no I/O");
        Self::with_index(db, regions, config, Arc::new(index))
    }

    pub fn with_index(
        db: Db,
        regions: RegionTree,
        config: Config,
        index: Arc<SearchIndex>,
    ) -> Self {
        AppState {
            config: Arc::new(config),
            db,
            regions: Arc::new(regions),
            throttle: Arc::new(LoginThrottle::default()),
            index,
            index_notify: Arc::new(Notify::new()),
        }
    }

    /// Call after any write to records or items (the `catalog_changes` row
    /// is already in the database): the search index catches up now instead
    /// of at the next one-second tick. Cheap and never blocks.
    pub fn catalog_changed(&self) {
        self.index_notify.notify_one();
    }

    /// Brings the search index up to date with the database now (tests, and
    /// the background task).
    pub async fn sync_index(&self) -> Result<lentera_store::catalog::index::SyncReport, WebError> {
        let index = self.index.clone();
        self.run(move |c| Ok(index.sync(c)?)).await
    }

    /// Keeps the search index in step: syncs every `every`, or at once when
    /// [`AppState::catalog_changed`] is called. Searches lag writes by at
    /// most about that interval. Runs until the runtime stops.
    pub fn spawn_index_sync(&self, every: Duration) -> tokio::task::JoinHandle<()> {
        let state = self.clone();
        tokio::spawn(async move {
            let mut failures = 0u32;
            loop {
                tokio::select! {
                    _ = state.index_notify.notified() => {}
                    _ = tokio::time::sleep(every) => {}
                }
                match state.sync_index().await {
                    Ok(_) => failures = 0,
                    Err(e) => {
                        // Log once per streak, then back off: a database that
                        // is down must not flood the log every second.
                        if failures == 0 {
                            tracing::error!(error = %e, "search index sync failed");
                        }
                        failures = failures.saturating_add(1);
                        tokio::time::sleep(every * failures.min(30)).await;
                    }
                }
            }
        })
    }

    /// Runs blocking database work off the async threads with a pooled
    /// connection. Every handler reaches the database through here.
    pub async fn run<T, F>(&self, f: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, WebError> + Send + 'static,
    {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| WebError::Internal(format!("blocking task: {e}")))?
    }
}

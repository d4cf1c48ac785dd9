//! The one shared state: configuration, the database, the region tree and
//! the login throttle.

use crate::auth::LoginThrottle;
use crate::error::WebError;
use lentera_core::regions::RegionTree;
use lentera_store::{Db, DbConn};
use std::sync::Arc;

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
}

impl AppState {
    pub fn new(db: Db, regions: RegionTree, config: Config) -> Self {
        AppState {
            config: Arc::new(config),
            db,
            regions: Arc::new(regions),
            throttle: Arc::new(LoginThrottle::default()),
        }
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

//! Signing in, sessions, CSRF protection and login throttling.
//!
//! - Passwords are hashed with Argon2id (RFC 9106's second recommended
//!   parameter set scaled to a cheap PC: 19 MiB, 2 passes).
//! - A session is a random 256-bit token in an HttpOnly, SameSite=Lax cookie;
//!   scripts get the same kind of token as a bearer token. Only its SHA-256
//!   is stored.
//! - Every state-changing request made with a session cookie must carry the
//!   session's CSRF token (form field `csrf`, header `X-CSRF-Token`, or
//!   `?csrf=` for multipart uploads). Bearer-token requests are exempt: a
//!   browser never attaches them on its own.
//! - Failed sign-ins are counted per client address and per username.

use crate::error::WebError;
use crate::state::AppState;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header, request::Parts};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{Duration, NaiveDateTime};
use lentera_core::users::Actor;
use lentera_store::sessions::{self, Session};
use lentera_store::users::{self, User};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::Instant;

pub const SESSION_COOKIE: &str = "lentera_session";
/// Double-submit cookie protecting the sign-in form itself.
pub const PRE_COOKIE: &str = "lentera_pre";

fn argon2() -> Argon2<'static> {
    // 19 MiB, 2 iterations, 1 lane: ~50 ms on a cheap PC, and memory-hard.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a self-describing PHC string (`$argon2id$…`).
pub fn hash_password(password: &str) -> Result<String, WebError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| WebError::Internal(format!("rng: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| WebError::Internal(e.to_string()))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Internal(format!("hash: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash of nothing, verified against when the username is unknown so the
/// answer takes as long as for a real user and does not reveal who exists.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("lentera-dummy-password").unwrap_or_default())
}

/// 32 random bytes as 64 hex characters.
pub fn random_token() -> Result<String, WebError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| WebError::Internal(format!("rng: {e}")))?;
    Ok(hex(&b))
}

pub fn hex(b: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        s.push(H[(x >> 4) as usize] as char);
        s.push(H[(x & 15) as usize] as char);
    }
    s
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Compares secrets in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Reads one cookie from a Cookie header.
pub fn cookie(h: Option<&HeaderValue>, name: &str) -> Option<String> {
    let raw = h?.to_str().ok()?;
    raw.split(';').map(str::trim).find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// A Set-Cookie value with our security attributes.
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age_secs: i64,
    secure: bool,
    http_only: bool,
) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age_secs}; SameSite=Lax{}{}",
        if http_only { "; HttpOnly" } else { "" },
        if secure { "; Secure" } else { "" }
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Browser,
    Token,
}

/// The signed-in user, put in request extensions by [`load_session`].
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub actor: Actor,
    pub kind: SessionKind,
    pub token_hash: String,
    pub csrf: String,
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = WebError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, WebError> {
        let u = parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(WebError::Unauthorized)?;
        // A temporary password must be changed before anything else.
        if u.user.must_change_password && u.kind == SessionKind::Browser {
            let p = parts.uri.path();
            if !(p.starts_with("/account/password")
                || p == "/logout"
                || p.starts_with("/api/v1/auth/"))
            {
                return Err(WebError::MustChangePassword);
            }
        }
        Ok(u)
    }
}

/// The signed-in user if any; never rejects.
pub struct MaybeUser(pub Option<CurrentUser>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(parts.extensions.get::<CurrentUser>().cloned()))
    }
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let t = v
        .strip_prefix("Bearer ")
        .or_else(|| v.strip_prefix("bearer "))?;
    Some(t.trim().to_string())
}

/// Middleware: resolves the session cookie or bearer token to a
/// [`CurrentUser`]. Unknown, expired or deactivated sessions are ignored
/// (the request is anonymous).
pub async fn load_session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let (token, kind) = match bearer(req.headers()) {
        Some(t) => (Some(t), SessionKind::Token),
        None => (
            cookie(req.headers().get(header::COOKIE), SESSION_COOKIE),
            SessionKind::Browser,
        ),
    };
    if let Some(token) = token.filter(|t| t.len() == 64) {
        let hash = token_hash(&token);
        let config = state.config.clone();
        let found = state
            .run(move |conn| {
                let now = lentera_store::now();
                let Some(s) = sessions::find(conn, &hash, now)? else {
                    return Ok(None);
                };
                let stored_kind = if s.kind == "token" {
                    SessionKind::Token
                } else {
                    SessionKind::Browser
                };
                if stored_kind != kind {
                    return Ok(None);
                }
                let id = lentera_core::ids::UserId::parse(&s.user_id)
                    .map_err(|_| WebError::Internal("bad session user".into()))?;
                let user = users::get(conn, id)?;
                if !user.active {
                    return Ok(None);
                }
                // Slide browser sessions, writing at most every 5 minutes.
                if kind == SessionKind::Browser && now - s.last_seen_at > Duration::minutes(5) {
                    sessions::touch(
                        conn,
                        &hash,
                        now,
                        now + Duration::hours(config.session_hours),
                    )?;
                }
                let actor = users::actor(conn, &user)?;
                Ok(Some(CurrentUser {
                    user,
                    actor,
                    kind,
                    token_hash: hash,
                    csrf: s.csrf_token,
                }))
            })
            .await;
        match found {
            Ok(Some(u)) => {
                req.extensions_mut().insert(u);
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "loading session"),
        }
    }
    next.run(req).await
}

/// Middleware: refuses state-changing requests that lack proof they came from
/// our own pages.
pub async fn csrf_guard(req: Request, next: Next) -> Result<Response, WebError> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(next.run(req).await);
    }
    // A foreign Origin is refused outright, signed in or not.
    if let (Some(origin), Some(host)) = (
        req.headers().get(header::ORIGIN),
        req.headers().get(header::HOST),
    ) {
        let origin = origin.to_str().unwrap_or("");
        let host = host.to_str().unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
        if origin != "null" && origin_host != host {
            return Err(WebError::Csrf);
        }
    }
    let Some(user) = req.extensions().get::<CurrentUser>().cloned() else {
        // Anonymous requests change nothing except signing in, which has its
        // own double-submit check.
        return Ok(next.run(req).await);
    };
    if user.kind == SessionKind::Token {
        return Ok(next.run(req).await);
    }
    if let Some(h) = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        return if same_secret(h, &user.csrf) {
            Ok(next.run(req).await)
        } else {
            Err(WebError::Csrf)
        };
    }
    if let Some(q) = req.uri().query()
        && let Some(t) = query_value(q, "csrf")
    {
        return if same_secret(&t, &user.csrf) {
            Ok(next.run(req).await)
        } else {
            Err(WebError::Csrf)
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(WebError::Csrf);
    }
    // Forms are small; read the body, check the field, hand the bytes on.
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 2 * 1024 * 1024)
        .await
        .map_err(|_| WebError::TooLarge {
            max_bytes: 2 * 1024 * 1024,
        })?;
    let token = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|s| query_value(s, "csrf"));
    match token {
        Some(t) if same_secret(&t, &user.csrf) => Ok(next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await),
        _ => Err(WebError::Csrf),
    }
}

/// The decoded value of `key` in an `a=b&c=d` string.
pub fn query_value(s: &str, key: &str) -> Option<String> {
    s.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key).then(|| crate::html::url_decode(v))
    })
}

/// Counts failed sign-ins in memory. Per address: 20 failures in 15 minutes;
/// per username: 5, so one account can't be guessed from many addresses
/// either. A success clears the username's count.
#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginThrottle {
    const WINDOW_SECS: u64 = 15 * 60;
    const PER_ADDRESS: usize = 20;
    const PER_USERNAME: usize = 5;

    fn keys(ip: IpAddr, username: &str) -> [(String, usize); 2] {
        [
            (format!("ip:{ip}"), Self::PER_ADDRESS),
            (
                format!("user:{}", username.trim().to_lowercase()),
                Self::PER_USERNAME,
            ),
        ]
    }

    /// `Err(retry_after_secs)` when either limit is reached.
    pub fn check(&self, ip: IpAddr, username: &str) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let mut wait = 0;
        for (key, limit) in Self::keys(ip, username) {
            if let Some(v) = map.get_mut(&key) {
                v.retain(|t| now.duration_since(*t).as_secs() < Self::WINDOW_SECS);
                if v.len() >= limit
                    && let Some(oldest) = v.first()
                {
                    wait = wait.max(
                        Self::WINDOW_SECS
                            .saturating_sub(now.duration_since(*oldest).as_secs())
                            .max(1),
                    );
                }
            }
        }
        if wait > 0 { Err(wait) } else { Ok(()) }
    }

    pub fn failed(&self, ip: IpAddr, username: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Bound memory under a flood of random usernames.
        if map.len() > 100_000 {
            map.clear();
        }
        for (key, _) in Self::keys(ip, username) {
            map.entry(key).or_default().push(Instant::now());
        }
    }

    pub fn succeeded(&self, username: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("user:{}", username.trim().to_lowercase()));
    }
}

/// The socket peer's address, when the server was started with connect info
/// (tests that call the router directly have none).
pub struct Peer(pub Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

/// The client's address: the socket peer, or the first `X-Forwarded-For`
/// hop when configured to trust a proxy.
pub fn client_ip(state: &AppState, headers: &HeaderMap, peer: Option<SocketAddr>) -> IpAddr {
    if state.config.trust_proxy
        && let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return ip;
    }
    peer.map(|p| p.ip()).unwrap_or(IpAddr::from([127, 0, 0, 1]))
}

/// Why a sign-in failed.
pub enum LoginError {
    BadCredentials,
    Disabled,
    Throttled(u64),
    Web(WebError),
}

/// Checks credentials and opens a session. Returns the session's token and
/// CSRF token with the user.
pub async fn sign_in(
    state: &AppState,
    ip: IpAddr,
    username: String,
    password: String,
    kind: SessionKind,
) -> Result<(String, Session, User), LoginError> {
    if let Err(wait) = state.throttle.check(ip, &username) {
        return Err(LoginError::Throttled(wait));
    }
    let uname = username.clone();
    let found = state
        .run(move |conn| Ok(users::with_hash(conn, &uname)?))
        .await
        .map_err(LoginError::Web)?;
    // Argon2 is deliberately slow: verify off the async threads.
    let (ok, user) = tokio::task::spawn_blocking(move || match found {
        Some((user, hash)) => (verify_password(&password, &hash), Some(user)),
        None => {
            let _ = verify_password(&password, dummy_hash());
            (false, None)
        }
    })
    .await
    .map_err(|e| LoginError::Web(WebError::Internal(e.to_string())))?;
    let Some(user) = user.filter(|_| ok) else {
        state.throttle.failed(ip, &username);
        return Err(LoginError::BadCredentials);
    };
    if !user.active {
        state.throttle.failed(ip, &username);
        return Err(LoginError::Disabled);
    }
    state.throttle.succeeded(&username);
    let token = random_token().map_err(LoginError::Web)?;
    let now = lentera_store::now();
    let expires: NaiveDateTime = match kind {
        SessionKind::Browser => now + Duration::hours(state.config.session_hours),
        SessionKind::Token => now + Duration::days(state.config.token_days),
    };
    let session = Session {
        token_hash: token_hash(&token),
        user_id: user.id.to_string(),
        kind: match kind {
            SessionKind::Browser => "browser".into(),
            SessionKind::Token => "token".into(),
        },
        csrf_token: random_token().map_err(LoginError::Web)?,
        created_at: now,
        expires_at: expires,
        last_seen_at: now,
    };
    let s2 = session.clone();
    let uid = user.id;
    state
        .run(move |conn| {
            sessions::create(conn, &s2)?;
            users::record_login(conn, uid)?;
            // Opportunistic clean-up keeps the table small without a timer.
            sessions::purge_expired(conn, lentera_store::now())?;
            Ok(())
        })
        .await
        .map_err(LoginError::Web)?;
    Ok((token, session, user))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_hashes_verify() {
        let h = hash_password("rahasia panjang").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("rahasia panjang", &h));
        assert!(!verify_password("rahasia pendek", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn throttle_limits_per_username_then_clears() {
        let t = LoginThrottle::default();
        let ip = IpAddr::from([10, 0, 0, 1]);
        for _ in 0..LoginThrottle::PER_USERNAME {
            assert!(t.check(ip, "sari").is_ok());
            t.failed(ip, "sari");
        }
        let wait = t.check(ip, "SARI").unwrap_err();
        assert!(wait > 0 && wait <= LoginThrottle::WINDOW_SECS);
        // Another user from the same address is still allowed.
        assert!(t.check(ip, "budi").is_ok());
        t.succeeded("sari");
        assert!(t.check(ip, "sari").is_ok());
    }

    #[test]
    fn cookies_and_secrets() {
        let h = HeaderValue::from_static("a=1; lentera_session=abc; lang=en");
        assert_eq!(cookie(Some(&h), "lentera_session").as_deref(), Some("abc"));
        assert_eq!(cookie(Some(&h), "nope"), None);
        assert!(same_secret("abc", "abc") && !same_secret("abc", "abd") && !same_secret("a", "ab"));
        let c = set_cookie("s", "v", 60, true, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert_eq!(random_token().unwrap().len(), 64);
    }
}

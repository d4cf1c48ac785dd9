//! The web layer's one error type.
//!
//! Handlers return [`WebError`]; it becomes a response in one place
//! ([`render_errors`]), which knows whether the request came from a browser
//! page or the JSON API and in which language to answer. Internals are
//! logged with a reference number and never shown.

use crate::i18n::{Lang, Msg, problem_sentence};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lentera_core::field::Invalid;
use lentera_store::StoreError;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Not signed in (or the session expired).
    #[error("unauthorized")]
    Unauthorized,
    /// Signed in with a temporary password that must be changed first.
    #[error("password change required")]
    MustChangePassword,
    /// Signed in but not allowed. Used for actions, never to reveal that a
    /// record exists: out-of-reach records are [`WebError::NotFound`].
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The state-changing request lacked a valid CSRF token.
    #[error("csrf")]
    Csrf,
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    /// Input problems, by field. `fields` maps field keys to labels.
    #[error("invalid")]
    Invalid(Invalid),
    /// A malformed body or query (bad JSON, wrong content type).
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("payload too large")]
    TooLarge { max_bytes: usize },
    #[error("conflict")]
    Conflict,
    #[error("internal: {0}")]
    Internal(String),
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => WebError::NotFound,
            StoreError::Invalid(i) => WebError::Invalid(i),
            StoreError::Conflict => WebError::Conflict,
            e => WebError::Internal(e.to_string()),
        }
    }
}

impl From<Invalid> for WebError {
    fn from(i: Invalid) -> Self {
        WebError::Invalid(i)
    }
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::Csrf | WebError::MustChangePassword => {
                StatusCode::FORBIDDEN
            }
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Conflict => StatusCode::CONFLICT,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code API clients match on.
    pub fn code(&self) -> &'static str {
        match self {
            WebError::Unauthorized => "unauthorized",
            WebError::Forbidden => "forbidden",
            WebError::MustChangePassword => "password_change_required",
            WebError::NotFound => "not_found",
            WebError::Csrf => "csrf_failed",
            WebError::TooManyAttempts { .. } => "too_many_attempts",
            WebError::Invalid(_) => "validation_failed",
            WebError::BadRequest(_) => "bad_request",
            WebError::TooLarge { .. } => "payload_too_large",
            WebError::Conflict => "conflict",
            WebError::Internal(_) => "internal_error",
        }
    }

    /// The sentence for the user, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            WebError::Unauthorized => Msg::ErrUnauthorized.get(lang).into(),
            WebError::Forbidden => Msg::ErrForbidden.get(lang).into(),
            WebError::MustChangePassword => Msg::MustChangePassword.get(lang).into(),
            WebError::NotFound => Msg::ErrNotFound.get(lang).into(),
            WebError::Csrf => Msg::ErrCsrf.get(lang).into(),
            WebError::TooManyAttempts { retry_after_secs } => Msg::ErrTooMany
                .get(lang)
                .replace("{min}", &retry_after_secs.div_ceil(60).to_string()),
            WebError::Invalid(_) => Msg::ErrInvalid.get(lang).into(),
            WebError::BadRequest(detail) => format!("{} ({detail})", Msg::ErrBadRequest.get(lang)),
            WebError::TooLarge { max_bytes } => Msg::ErrTooLarge
                .get(lang)
                .replace("{mb}", &format!("{:.0}", *max_bytes as f64 / 1_048_576.0)),
            WebError::Conflict => Msg::ErrConflict.get(lang).into(),
            WebError::Internal(_) => Msg::ErrInternal.get(lang).into(),
        }
    }
}

/// Carried from `into_response` to [`render_errors`] in the response's
/// extensions, so the body is rendered once the request's context is known.
#[derive(Clone)]
pub struct PendingError(pub Arc<WebError>);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut r = self.status().into_response();
        if let WebError::TooManyAttempts { retry_after_secs } = &self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        r.extensions_mut().insert(PendingError(Arc::new(self)));
        r
    }
}

/// Where the request came from decides the error's shape.
fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path == "/healthz"
}

/// Middleware: renders any [`WebError`] as JSON for the API and as a page for
/// browsers; a browser that is not signed in is sent to the login page.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let lang = Lang::from_request(&req);
    let ctx = req.extensions().get::<crate::auth::CurrentUser>().cloned();
    let mut res = next.run(req).await;
    let Some(PendingError(err)) = res.extensions_mut().remove::<PendingError>() else {
        return res;
    };
    let status = res.status();
    let headers = res.headers().clone();
    let mut out = if is_api(&path) {
        api_error_response(&err, lang)
    } else if matches!(*err, WebError::MustChangePassword) {
        axum::response::Redirect::to("/account/password").into_response()
    } else if matches!(*err, WebError::Unauthorized) {
        let next = match query {
            Some(q) => format!("{path}?{q}"),
            None => path.clone(),
        };
        let to = format!("/login?next={}", crate::html::url_encode(&next));
        axum::response::Redirect::to(&to).into_response()
    } else {
        crate::html::error_page(&err, lang, ctx.as_ref()).into_response()
    };
    if let WebError::Internal(detail) = &*err {
        tracing::error!(path, detail, "internal error");
    }
    if !matches!(*err, WebError::Unauthorized | WebError::MustChangePassword) || is_api(&path) {
        *out.status_mut() = status;
    }
    if let Some(v) = headers.get(header::RETRY_AFTER) {
        out.headers_mut().insert(header::RETRY_AFTER, v.clone());
    }
    out
}

/// `{"error": {"code", "message", "fields": [{"field", "code", "message"}]}}`
pub fn api_error_response(err: &WebError, lang: Lang) -> Response {
    let fields: Vec<serde_json::Value> = match err {
        WebError::Invalid(inv) => inv
            .0
            .iter()
            .map(|e| {
                serde_json::json!({
                    "field": e.field,
                    "code": serde_json::to_value(&e.problem).ok().and_then(|v| v.get("kind").cloned()),
                    "message": problem_sentence(e.field, &e.problem, lang),
                })
            })
            .collect(),
        _ => vec![],
    };
    let body = serde_json::json!({
        "error": { "code": err.code(), "message": err.message(lang), "fields": fields }
    });
    (err.status(), axum::Json(body)).into_response()
}

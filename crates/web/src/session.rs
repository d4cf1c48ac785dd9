//! Signing in and out, the language switch, the home page and the account
//! page — HTML and `/api/v1/auth`.

use crate::auth::{
    self, CurrentUser, LoginError, MaybeUser, PRE_COOKIE, Peer, SESSION_COOKIE, SessionKind,
    client_ip, cookie, set_cookie,
};
use crate::error::WebError;
use crate::html::{Field, Frame, csrf_field, error_summary, input, page, safe_next};
use crate::i18n::{Lang, Msg};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use lentera_core::audit::ActorRef;
use lentera_core::field::{Invalid, Problem};
use lentera_core::users::{Home, NewPassword, Reach};
use lentera_store::users;
use maud::html;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(switch_lang))
        .route("/account", get(account))
        .route(
            "/account/password",
            get(password_page).post(password_submit),
        )
        .route("/api/v1/auth/login", post(api_login))
        .route("/api/v1/auth/logout", post(api_logout))
        .route("/api/v1/auth/me", get(api_me))
}

/// The request's language, as an extractor.
pub struct L(pub Lang);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for L {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let req = axum::extract::Request::from_parts(parts.clone(), axum::body::Body::empty());
        Ok(L(Lang::from_request(&req)))
    }
}

/// Describes a user's reach in a sentence.
pub fn reach_label(state: &AppState, u: &CurrentUser, lang: Lang) -> String {
    match u.actor.reach() {
        Reach::Everything => Msg::ReachNation.get(lang).to_string(),
        Reach::Region(code) => state
            .regions
            .get(&code)
            .map(|r| lentera_core::regions::path_label(r, &state.regions.ancestors(&code)))
            .unwrap_or_else(|| code.to_string()),
        Reach::Libraries(ids) => match &u.actor.home {
            Home::Library { .. } => Msg::Libraries.get(lang).to_string(),
            _ => Msg::ReachAssigned
                .get(lang)
                .replace("{n}", &ids.len().to_string()),
        },
    }
}

async fn home(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    L(lang): L,
) -> Result<Response, WebError> {
    let Some(u) = user else {
        return Ok(Redirect::to("/login").into_response());
    };
    if u.user.must_change_password {
        return Ok(Redirect::to("/account/password").into_response());
    }
    let frame = Frame {
        lang,
        user: Some(&u),
        path: "/",
    };
    let title = Msg::Welcome.get(lang).replace("{name}", &u.user.full_name);
    let reach = reach_label(&state, &u, lang);
    let who = u.clone();
    let (mut todos, unread) = state
        .run(move |c| {
            let mut all = Vec::new();
            // Each program feature lists what is waiting for this user.
            all.extend(crate::program::todos(c, &who, lang)?);
            all.extend(crate::aid::todos(c, &who, lang)?);
            all.extend(crate::events::todos(c, &who, lang)?);
            all.extend(crate::workplans::todos(c, &who, lang)?);
            all.extend(crate::activities::todos(c, &who, lang)?);
            all.extend(crate::monitoring::reports::todos(c, &who, lang)?);
            let unread = lentera_store::notifications::unread_count(c, who.user.id)?;
            Ok((all, unread))
        })
        .await?;
    // Late first, then by due date; undated last.
    todos.sort_by_key(|t| (!t.late, t.due.is_none(), t.due));
    Ok(page(
        &frame,
        &title,
        html! {
            p.lead { (Msg::Tagline.get(lang)) }
            dl.summary {
                dt { (crate::i18n::field_label("role", lang)) } dd { (crate::users::role_label(u.actor.role, lang)) }
                dt { (Msg::YourReach.get(lang)) } dd { (reach) }
            }
            section aria-labelledby="todo-h" {
                h2 #todo-h { (Msg::TodoTitle.get(lang)) }
                @if todos.is_empty() {
                    p { (Msg::TodoNone.get(lang)) }
                } @else {
                    ul.todo {
                        @for t in &todos {
                            li.late[t.late] {
                                a href=(t.href) { (t.label) }
                                @if let Some(d) = t.due {
                                    " · " (Msg::DueOn.get(lang)) " " time datetime=(d.format("%Y-%m-%d").to_string()) { (d.format("%d-%m-%Y").to_string()) }
                                }
                                @if t.late { " " strong.badge.bad { (Msg::Late.get(lang)) } }
                            }
                        }
                    }
                }
                p { a href="/notifications" { (Msg::NotificationsLink.get(lang).replace("{n}", &unread.to_string())) } }
            }
            ul.cards {
                li { h2 { a href="/libraries" { (Msg::Libraries.get(lang)) } } }
                li { h2 { a href="/regions" { (Msg::Regions.get(lang)) } } }
                @if u.actor.role.is_officer() || u.actor.role == lentera_core::users::Role::Manager {
                    li { h2 { a href="/users" { (Msg::Users.get(lang)) } } }
                }
                @if u.actor.may_read_audit() {
                    li { h2 { a href="/audit" { (Msg::Audit.get(lang)) } } }
                }
            }
        },
    )
    .into_response())
}

#[derive(Deserialize, Default)]
struct NextQuery {
    next: Option<String>,
}

fn login_form(
    lang: Lang,
    pre: &str,
    username: &str,
    next: &str,
    problem: Option<&str>,
) -> maud::Markup {
    let frame = Frame {
        lang,
        user: None,
        path: "/login",
    };
    page(
        &frame,
        Msg::LoginTitle.get(lang),
        html! {
            @if let Some(p) = problem {
                div.error-summary role="alert" tabindex="-1" data-autofocus {
                    h2 { (Msg::ErrorSummaryTitle.get(lang)) }
                    p { a href="#f-password" { (p) } }
                }
            }
            form method="post" action="/login" novalidate {
                input type="hidden" name="pre" value=(pre);
                input type="hidden" name="next" value=(next);
                div.field {
                    label for="f-username" { (Msg::Username.get(lang)) }
                    input #f-username name="username" type="text" value=(username) required
                        autocomplete="username" autocapitalize="none" spellcheck="false";
                }
                div.field.has-error[problem.is_some()] {
                    label for="f-password" { (Msg::Password.get(lang)) }
                    input #f-password name="password" type="password" required autocomplete="current-password"
                        aria-invalid=[problem.map(|_| "true")];
                }
                div.actions { button type="submit" { (Msg::Login.get(lang)) } }
            }
        },
    )
}

async fn login_page(
    State(state): State<AppState>,
    L(lang): L,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let pre = auth::random_token()?;
    let next = safe_next(q.next.as_deref());
    let mut res = login_form(lang, &pre, "", &next, None).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(PRE_COOKIE, &pre, 3600, state.config.secure_cookies, true)
            .parse()
            .map_err(|_| WebError::Internal("cookie".into()))?,
    );
    Ok(res)
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    pre: String,
    #[serde(default)]
    next: String,
}

async fn login_submit(
    State(state): State<AppState>,
    L(lang): L,
    Peer(peer): Peer,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    // Login CSRF: the form's hidden value must match the cookie we set with it.
    let pre_cookie = cookie(headers.get(header::COOKIE), PRE_COOKIE).unwrap_or_default();
    if f.pre.is_empty() || !auth::same_secret(&f.pre, &pre_cookie) {
        return Err(WebError::Csrf);
    }
    let ip = client_ip(&state, &headers, peer);
    let next = safe_next(Some(&f.next));
    match auth::sign_in(
        &state,
        ip,
        f.username.clone(),
        f.password,
        SessionKind::Browser,
    )
    .await
    {
        Ok((token, _, user)) => {
            let to = if user.must_change_password {
                "/account/password".to_string()
            } else {
                next
            };
            let mut res = Redirect::to(&to).into_response();
            let max_age = state.config.session_hours * 3600;
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(
                    SESSION_COOKIE,
                    &token,
                    max_age,
                    state.config.secure_cookies,
                    true,
                )
                .parse()
                .map_err(|_| WebError::Internal("cookie".into()))?,
            );
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(PRE_COOKIE, "", 0, state.config.secure_cookies, true)
                    .parse()
                    .map_err(|_| WebError::Internal("cookie".into()))?,
            );
            Ok(res)
        }
        Err(LoginError::Throttled(wait)) => Err(WebError::TooManyAttempts {
            retry_after_secs: wait,
        }),
        Err(LoginError::Web(e)) => Err(e),
        Err(e) => {
            let msg = if matches!(e, LoginError::Disabled) {
                Msg::LoginDisabled
            } else {
                Msg::LoginFailed
            };
            let mut res =
                login_form(lang, &f.pre, &f.username, &next, Some(msg.get(lang))).into_response();
            *res.status_mut() = StatusCode::UNAUTHORIZED;
            Ok(res)
        }
    }
}

async fn logout(State(state): State<AppState>, user: CurrentUser) -> Result<Response, WebError> {
    let hash = user.token_hash.clone();
    state
        .run(move |conn| Ok(lentera_store::sessions::delete(conn, &hash)?))
        .await?;
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies, true)
            .parse()
            .map_err(|_| WebError::Internal("cookie".into()))?,
    );
    Ok(res)
}

/// Where the language link was clicked, from the same-origin Referer, so the
/// user stays on the very page (with its query) they were reading; the
/// `next` parameter is the fallback when a browser sends no Referer.
fn back_to(headers: &HeaderMap, next: Option<&str>) -> String {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let referer = headers.get(header::REFERER).and_then(|v| v.to_str().ok());
    if let (Some(host), Some(r)) = (host, referer)
        && let Some((_, rest)) = r.split_once("://")
        && let Some(path) = rest.strip_prefix(host)
    {
        return safe_next(Some(if path.is_empty() { "/" } else { path }));
    }
    safe_next(next)
}

async fn switch_lang(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let lang = Lang::parse(&code).ok_or(WebError::NotFound)?;
    let mut res = Redirect::to(&back_to(&headers, q.next.as_deref())).into_response();
    // Readable by scripts on purpose: it is a preference, not a secret.
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            "lang",
            lang.code(),
            365 * 24 * 3600,
            state.config.secure_cookies,
            false,
        )
        .parse()
        .map_err(|_| WebError::Internal("cookie".into()))?,
    );
    Ok(res)
}

async fn account(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
) -> Result<Response, WebError> {
    let frame = Frame {
        lang,
        user: Some(&user),
        path: "/account",
    };
    let u = &user.user;
    Ok(page(
        &frame,
        Msg::MyAccount.get(lang),
        html! {
            dl.summary {
                dt { (Msg::Username.get(lang)) } dd { (u.username) }
                dt { (crate::i18n::field_label("full_name", lang)) } dd { (u.full_name) }
                dt { (crate::i18n::field_label("role", lang)) } dd { (crate::users::role_label(u.role, lang)) }
                dt { (Msg::YourReach.get(lang)) } dd { (reach_label(&state, &user, lang)) }
            }
            p { a.button href="/account/password" { (Msg::ChangePassword.get(lang)) } }
        },
    )
    .into_response())
}

#[derive(Deserialize, Default)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

fn password_form(frame: &Frame<'_>, errors: &Invalid, saved: bool) -> maud::Markup {
    let lang = frame.lang;
    page(
        frame,
        Msg::ChangePassword.get(lang),
        html! {
            @if saved { (crate::html::notice(Msg::Saved.get(lang))) }
            @if frame.user.is_some_and(|u| u.user.must_change_password) {
                div.warn { (Msg::MustChangePassword.get(lang)) }
            }
            (error_summary(errors, lang))
            form method="post" action="/account/password" novalidate {
                (csrf_field(frame))
                (input(Field::text("current_password", "").kind("password").required(), lang, errors))
                (input(Field::text("password", "").kind("password").required()
                    .hint(if lang == Lang::Id { "Paling sedikit 10 karakter. Kalimat pendek yang mudah diingat lebih aman daripada kata yang rumit." } else { "At least 10 characters. A short sentence you remember is safer than a complicated word." }), lang, errors))
                (input(Field::text("password_confirm", "").kind("password").required(), lang, errors))
                div.actions { button type="submit" { (Msg::Save.get(lang)) } }
            }
        },
    )
}

async fn password_page(user: CurrentUser, L(lang): L) -> Response {
    let frame = Frame {
        lang,
        user: Some(&user),
        path: "/account/password",
    };
    password_form(&frame, &Invalid::default(), false).into_response()
}

async fn password_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Form(f): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let uid = user.user.id;
    let hash = state
        .run(move |conn| Ok(users::password_hash(conn, uid)?))
        .await?;
    let current = f.current_password.clone();
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&current, &hash))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let mut errors = Invalid::default();
    if !ok {
        errors.push("current_password", Problem::PasswordsDiffer);
    }
    let new = match NewPassword::parse(&f.password, &user.user.username) {
        Ok(p) => Some(p),
        Err(p) => {
            errors.push("password", p);
            None
        }
    };
    if f.password != f.password_confirm {
        errors.push("password_confirm", Problem::PasswordsDiffer);
    }
    let frame = Frame {
        lang,
        user: Some(&user),
        path: "/account/password",
    };
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        let mut res = password_form(&frame, &errors, false).into_response();
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    };
    let pw = new.expose().to_string();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&pw))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))??;
    let keep = user.token_hash.clone();
    let by = ActorRef {
        id: Some(uid),
        username: user.user.username.clone(),
    };
    state
        .run(move |conn| {
            Ok(users::set_password(
                conn,
                &by,
                uid,
                &hash,
                false,
                Some(&keep),
            )?)
        })
        .await?;
    Ok(Redirect::to("/?saved=1").into_response())
}

#[derive(Deserialize)]
struct ApiLogin {
    username: String,
    password: String,
    /// `true` for a bearer token (scripts); otherwise a session cookie.
    #[serde(default)]
    token: bool,
}

async fn api_login(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    body: Result<Json<ApiLogin>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, WebError> {
    let Json(b) = body.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let ip = client_ip(&state, &headers, peer);
    let kind = if b.token {
        SessionKind::Token
    } else {
        SessionKind::Browser
    };
    match auth::sign_in(&state, ip, b.username, b.password, kind).await {
        Ok((token, session, user)) => {
            let user_json = serde_json::json!({
                "id": user.id, "username": user.username, "full_name": user.full_name,
                "role": user.role.key(), "must_change_password": user.must_change_password,
            });
            if b.token {
                Ok(Json(serde_json::json!({
                    "token": token, "token_type": "Bearer", "expires_at": session.expires_at, "user": user_json,
                }))
                .into_response())
            } else {
                let mut res = Json(
                    serde_json::json!({ "csrf_token": session.csrf_token, "user": user_json }),
                )
                .into_response();
                res.headers_mut().append(
                    header::SET_COOKIE,
                    set_cookie(
                        SESSION_COOKIE,
                        &token,
                        state.config.session_hours * 3600,
                        state.config.secure_cookies,
                        true,
                    )
                    .parse()
                    .map_err(|_| WebError::Internal("cookie".into()))?,
                );
                Ok(res)
            }
        }
        Err(LoginError::Throttled(wait)) => Err(WebError::TooManyAttempts {
            retry_after_secs: wait,
        }),
        Err(LoginError::Web(e)) => Err(e),
        Err(_) => Err(WebError::Unauthorized),
    }
}

async fn api_logout(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<StatusCode, WebError> {
    let hash = user.token_hash.clone();
    state
        .run(move |conn| Ok(lentera_store::sessions::delete(conn, &hash)?))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn api_me(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "id": user.user.id,
        "username": user.user.username,
        "full_name": user.user.full_name,
        "role": user.user.role.key(),
        "region_code": user.user.region_code,
        "library_id": user.user.library_id,
        "reach": reach_label(&state, &user, lang),
        "csrf_token": if user.kind == SessionKind::Browser { Some(user.csrf.clone()) } else { None },
    }))
}

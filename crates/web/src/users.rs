//! Users: administration pages and `/api/v1/users`, `/api/v1/account`.
//!
//! The rules live in `lentera_core::users`; this module applies them the
//! same way for the pages ([`pages`]) and the API ([`api`]):
//!
//! - officers and library managers administer people; others get 403;
//! - a user whose home lies outside the actor's reach does not exist for
//!   them (404), exactly as the list leaves them out;
//! - acting on a visible user needs [`Actor::may_manage_user`] (else 403);
//! - nobody deactivates themselves or resets their own password here (the
//!   account page changes your own password, knowing the current one).

mod api;
mod pages;
mod secret;

pub use secret::temporary_password;

use crate::auth::{self, CurrentUser};
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post, put};
use lentera_core::audit::ActorRef;
use lentera_core::field::{Invalid, Problem};
use lentera_core::ids::{LibraryId, UserId};
use lentera_core::libraries::Library;
use lentera_core::users::{
    Actor, Home, NewPassword, Place, Reach, Role, UserDraft, UserForm, parse_profile,
};
use lentera_store::libraries::{self as store_libraries, LibraryQuery};
use lentera_store::users::{self as store_users, User};
use std::collections::{BTreeSet, HashMap};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(pages::list).post(pages::create))
        .route("/users/new", get(pages::new_form))
        .route("/users/{id}", get(pages::show).post(pages::update))
        .route("/users/{id}/edit", get(pages::edit_form))
        .route("/users/{id}/password-reset", post(pages::reset_password))
        .route("/users/{id}/deactivate", post(pages::deactivate))
        .route("/users/{id}/reactivate", post(pages::reactivate))
        .route("/users/{id}/libraries", post(pages::assign))
        .route("/api/v1/users", get(api::list).post(api::create))
        .route("/api/v1/users/{id}", get(api::show).put(api::update))
        .route(
            "/api/v1/users/{id}/password-reset",
            post(api::reset_password),
        )
        .route("/api/v1/users/{id}/deactivate", post(api::deactivate))
        .route("/api/v1/users/{id}/reactivate", post(api::reactivate))
        .route("/api/v1/users/{id}/libraries", put(api::assign))
        .route("/api/v1/account/password", post(api::account_password))
}

pub fn role_label(role: Role, lang: Lang) -> &'static str {
    match (role, lang) {
        (Role::National, Lang::Id) => "Admin nasional (Perpusnas)",
        (Role::National, Lang::En) => "National administrator (Perpusnas)",
        (Role::Province, Lang::Id) => "Petugas dinas perpustakaan provinsi",
        (Role::Province, Lang::En) => "Province library officer",
        (Role::District, Lang::Id) => "Petugas dinas perpustakaan kabupaten/kota",
        (Role::District, Lang::En) => "District library officer",
        (Role::Facilitator, Lang::Id) => "Fasilitator/konsultan",
        (Role::Facilitator, Lang::En) => "Facilitator/consultant",
        (Role::Manager, Lang::Id) => "Pengelola perpustakaan",
        (Role::Manager, Lang::En) => "Library manager",
        (Role::Staff, Lang::Id) => "Staf/relawan perpustakaan",
        (Role::Staff, Lang::En) => "Library staff/volunteer",
    }
}

/// Officers and library managers administer people.
pub fn is_administrator(a: &Actor) -> bool {
    a.role.is_officer() || a.role == Role::Manager
}

fn require_administrator(u: &CurrentUser) -> Result<(), WebError> {
    if is_administrator(&u.actor) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

fn by(u: &CurrentUser) -> ActorRef {
    ActorRef {
        id: Some(u.user.id),
        username: u.user.username.clone(),
    }
}

/// Whether a user with this home lies within reach: the rule
/// `lentera_store::users::list` applies in SQL, for one user.
pub fn home_within(reach: &Reach, home: &Home) -> bool {
    match (reach, home) {
        (Reach::Everything, _) => true,
        (Reach::Region(r), Home::Region { code }) => code.is_within(r),
        (Reach::Region(r), Home::Library { village_code, .. }) => village_code.is_within(r),
        (Reach::Libraries(ids), Home::Library { library_id, .. }) => ids.contains(library_id),
        _ => false,
    }
}

fn library_in_reach(a: &Actor, l: &Library) -> bool {
    a.reaches(&Place {
        region: &l.details.village_code,
        library: Some(l.id),
    })
}

/// A user the actor may see, with their home.
pub struct Target {
    pub user: User,
    pub home: Home,
}

impl Target {
    fn is_self(&self, u: &CurrentUser) -> bool {
        self.user.id == u.user.id
    }
}

/// Loads a user the actor may see. Unknown ids, malformed ids and users
/// outside reach are all the same 404.
async fn visible(state: &AppState, u: &CurrentUser, id: &str) -> Result<Target, WebError> {
    require_administrator(u)?;
    let id = UserId::parse(id).map_err(|_| WebError::NotFound)?;
    let (user, home) = state
        .run(move |conn| {
            let user = store_users::get(conn, id)?;
            let home = store_users::home_of(conn, &user)?;
            Ok((user, home))
        })
        .await?;
    if !home_within(&u.actor.reach(), &home) {
        return Err(WebError::NotFound);
    }
    Ok(Target { user, home })
}

fn require_manage(u: &CurrentUser, t: &Target) -> Result<(), WebError> {
    if u.actor.may_manage_user(t.user.role, &t.home) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// Active libraries within the actor's reach, for pickers: at most `limit`,
/// optionally inside a region and matching a text. Returns the total too.
async fn reachable_libraries(
    state: &AppState,
    u: &CurrentUser,
    region: Option<lentera_core::regions::RegionCode>,
    text: Option<String>,
    limit: i64,
) -> Result<(Vec<Library>, i64), WebError> {
    let mut q = LibraryQuery::new(u.actor.reach());
    q.active = Some(true);
    q.region = region;
    q.text = text;
    q.per_page = limit;
    state
        .run(move |conn| {
            let p = store_libraries::list(conn, &q)?;
            Ok((p.items, p.total))
        })
        .await
}

/// A facilitator's assigned libraries that the actor may see, and how many
/// others they have.
async fn assigned_in_reach(
    state: &AppState,
    u: &CurrentUser,
    user: UserId,
) -> Result<(Vec<Library>, usize), WebError> {
    let libs = state
        .run(move |conn| {
            let ids = store_users::assignments(conn, user)?;
            Ok(store_libraries::get_many(conn, &ids)?)
        })
        .await?;
    let total = libs.len();
    let mut seen: Vec<Library> = libs
        .into_iter()
        .filter(|l| library_in_reach(&u.actor, l))
        .collect();
    seen.sort_by(|a, b| a.details.name.cmp(&b.details.name));
    let hidden = total - seen.len();
    Ok((seen, hidden))
}

/// How the first password is chosen when creating a user.
pub enum FirstPassword {
    /// Generated, shown once, to be changed at first sign-in.
    Generate,
    /// Typed by the administrator; `confirm` when the form asked twice.
    Typed {
        password: String,
        confirm: Option<String>,
    },
}

pub struct Created {
    pub user: User,
    pub temporary_password: Option<String>,
}

async fn hash(password: String) -> Result<String, WebError> {
    // Argon2 is deliberately slow: off the async threads.
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
}

/// The library field accepts an NPP as well as an id, for pickers too long
/// for a select. An NPP is looked up within reach only.
async fn resolve_library(state: &AppState, u: &CurrentUser, value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() || LibraryId::parse(v).is_ok() {
        return None;
    }
    let npp = lentera_core::libraries::Npp::parse(v).ok()?;
    let (libs, _) = reachable_libraries(state, u, None, Some(npp.as_str().to_string()), 20)
        .await
        .ok()?;
    libs.into_iter()
        .find(|l| l.details.npp.as_ref() == Some(&npp))
        .map(|l| l.id.to_string())
}

/// Creates a user within the actor's reach and rank.
///
/// A role the actor may not manage at all is 403; a home outside reach is a
/// field error (a library outside reach reads as "not a choice", so its
/// existence is not revealed).
async fn create(
    state: &AppState,
    u: &CurrentUser,
    mut form: UserForm,
    first: FirstPassword,
) -> Result<Created, WebError> {
    require_administrator(u)?;
    if let Ok(role) = Role::parse(&form.role)
        && !u.actor.role.may_manage(role)
    {
        return Err(WebError::Forbidden);
    }
    if let Some(id) = resolve_library(state, u, &form.library_id).await {
        form.library_id = id;
    }
    let mut errors = Invalid::default();
    let draft = match UserDraft::parse(&form) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let typed = match &first {
        FirstPassword::Generate => None,
        FirstPassword::Typed { password, confirm } => {
            let p = match NewPassword::parse(password, &form.username) {
                Ok(p) => Some(p),
                Err(p) => {
                    errors.push("password", p);
                    None
                }
            };
            if confirm.as_ref().is_some_and(|c| c != password) {
                errors.push("password_confirm", Problem::PasswordsDiffer);
            }
            p
        }
    };
    let Some(draft) = draft else {
        return Err(WebError::Invalid(errors));
    };
    // The home must exist and lie within the actor's reach.
    let home = match (draft.role, &draft.region_code, draft.library_id) {
        (Role::National, _, _) => Some(Home::Nation),
        (Role::Manager | Role::Staff, _, Some(lib)) => {
            let found = state
                .run(move |conn| match store_libraries::get(conn, lib) {
                    Ok(l) => Ok(Some(l)),
                    Err(lentera_store::StoreError::NotFound) => Ok(None),
                    Err(e) => Err(e.into()),
                })
                .await?;
            match found {
                Some(l) => Some(Home::Library {
                    library_id: l.id,
                    village_code: l.details.village_code,
                }),
                None => {
                    errors.push("library_id", Problem::UnknownChoice);
                    None
                }
            }
        }
        (_, Some(code), _) if state.regions.contains(code) => {
            Some(Home::Region { code: code.clone() })
        }
        (_, Some(_), _) => {
            errors.push("region_code", Problem::UnknownRegion);
            None
        }
        // UserDraft::parse guarantees the home fits the role.
        _ => return Err(WebError::Internal("user draft without a home".into())),
    };
    if let Some(h) = &home
        && !u.actor.may_manage_user(draft.role, h)
    {
        match h {
            Home::Nation => return Err(WebError::Forbidden),
            Home::Region { .. } => errors.push("region_code", Problem::OutsideReach),
            Home::Library { .. } => errors.push("library_id", Problem::UnknownChoice),
        }
    }
    if !errors.is_empty() {
        return Err(WebError::Invalid(errors));
    }
    let (password, temporary) = match typed {
        Some(p) => (p.expose().to_string(), None),
        None => {
            let t = secret::temporary_password()?;
            (t.clone(), Some(t))
        }
    };
    let hashed = hash(password).await?;
    let by = by(u);
    let must_change = temporary.is_some();
    let user = state
        .run(move |conn| {
            Ok(store_users::create(
                conn,
                &by,
                &draft,
                &hashed,
                must_change,
            )?)
        })
        .await?;
    Ok(Created {
        user,
        temporary_password: temporary,
    })
}

async fn update_profile(
    state: &AppState,
    u: &CurrentUser,
    t: &Target,
    full_name: &str,
    email: &str,
    phone: &str,
) -> Result<User, WebError> {
    require_manage(u, t)?;
    let (name, email, phone) = parse_profile(full_name, email, phone)?;
    let by = by(u);
    let id = t.user.id;
    state
        .run(move |conn| {
            Ok(store_users::update_profile(
                conn,
                &by,
                id,
                &name,
                email.as_deref(),
                phone.as_deref(),
            )?)
        })
        .await
}

/// Sets a new temporary password and signs the user out everywhere.
async fn reset_password(state: &AppState, u: &CurrentUser, t: &Target) -> Result<String, WebError> {
    require_manage(u, t)?;
    if t.is_self(u) {
        return Err(WebError::Forbidden);
    }
    let temporary = secret::temporary_password()?;
    let hashed = hash(temporary.clone()).await?;
    let by = by(u);
    let id = t.user.id;
    state
        .run(move |conn| {
            Ok(store_users::set_password(
                conn, &by, id, &hashed, true, None,
            )?)
        })
        .await?;
    Ok(temporary)
}

async fn set_active(
    state: &AppState,
    u: &CurrentUser,
    t: &Target,
    active: bool,
) -> Result<User, WebError> {
    require_manage(u, t)?;
    if t.is_self(u) {
        return Err(WebError::Forbidden);
    }
    if t.user.active == active {
        return Ok(t.user.clone());
    }
    let by = by(u);
    let id = t.user.id;
    state
        .run(move |conn| Ok(store_users::set_active(conn, &by, id, active)?))
        .await
}

/// Which libraries the submission covered: the page sends the ones it
/// showed; the API covers every library within reach.
pub enum Shown {
    All,
    Ids(Vec<String>),
}

/// Changes a facilitator's assignments. Every chosen library must be within
/// the actor's reach; assignments the actor cannot see (made by someone with
/// a wider reach) or did not see (filtered out of the page) are kept.
async fn assign(
    state: &AppState,
    u: &CurrentUser,
    t: &Target,
    shown: Shown,
    chosen: &[String],
) -> Result<Vec<LibraryId>, WebError> {
    require_manage(u, t)?;
    if t.user.role != Role::Facilitator {
        return Err(Invalid::one("library_ids", Problem::NotAllowedHere).into());
    }
    let mut picked = BTreeSet::new();
    for s in chosen {
        match LibraryId::parse(s) {
            Ok(id) => {
                picked.insert(id);
            }
            Err(p) => return Err(Invalid::one("library_ids", p).into()),
        }
    }
    let shown: Option<BTreeSet<LibraryId>> = match shown {
        Shown::All => None,
        Shown::Ids(v) => Some(v.iter().filter_map(|s| LibraryId::parse(s).ok()).collect()),
    };
    let actor = u.actor.clone();
    let by = by(u);
    let id = t.user.id;
    state
        .run(move |conn| {
            let current = store_users::assignments(conn, id)?;
            let mut ids: Vec<LibraryId> = picked.iter().copied().collect();
            ids.extend(current.iter().copied());
            let libs: HashMap<LibraryId, Library> = store_libraries::get_many(conn, &ids)?
                .into_iter()
                .map(|l| (l.id, l))
                .collect();
            let reachable =
                |id: &LibraryId| libs.get(id).is_some_and(|l| library_in_reach(&actor, l));
            if !picked.iter().all(reachable) {
                return Err(Invalid::one("library_ids", Problem::UnknownChoice).into());
            }
            let mut next: BTreeSet<LibraryId> = current
                .iter()
                .copied()
                .filter(|l| !(reachable(l) && shown.as_ref().is_none_or(|s| s.contains(l))))
                .collect();
            next.extend(picked.iter().copied());
            let next: Vec<LibraryId> = next.into_iter().collect();
            let before: BTreeSet<LibraryId> = current.into_iter().collect();
            // Saving an unchanged list would only add noise to the trail.
            if before.iter().copied().collect::<Vec<_>>() != next {
                store_users::set_assignments(conn, &by, id, &next)?;
            }
            Ok(next)
        })
        .await
}

/// Changes the signed-in user's own password, keeping this session and
/// ending the others.
async fn change_own_password(
    state: &AppState,
    u: &CurrentUser,
    current: String,
    new: &str,
    confirm: Option<&str>,
) -> Result<(), WebError> {
    let uid = u.user.id;
    let stored = state
        .run(move |conn| Ok(store_users::password_hash(conn, uid)?))
        .await?;
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&current, &stored))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let mut errors = Invalid::default();
    if !ok {
        errors.push("current_password", Problem::PasswordsDiffer);
    }
    let parsed = match NewPassword::parse(new, &u.user.username) {
        Ok(p) => Some(p),
        Err(p) => {
            errors.push("password", p);
            None
        }
    };
    if confirm.is_some_and(|c| c != new) {
        errors.push("password_confirm", Problem::PasswordsDiffer);
    }
    let Some(parsed) = parsed.filter(|_| errors.is_empty()) else {
        return Err(WebError::Invalid(errors));
    };
    let hashed = hash(parsed.expose().to_string()).await?;
    let by = by(u);
    let keep = u.token_hash.clone();
    state
        .run(move |conn| {
            Ok(store_users::set_password(
                conn,
                &by,
                uid,
                &hashed,
                false,
                Some(&keep),
            )?)
        })
        .await
}

/// A user in API answers. Never the password hash (the store's `User` does
/// not even carry it).
pub fn user_json(u: &User) -> serde_json::Value {
    use crate::audit::utc_json;
    serde_json::json!({
        "id": u.id,
        "username": u.username,
        "full_name": u.full_name,
        "email": u.email,
        "phone": u.phone,
        "role": u.role.key(),
        "region_code": u.region_code.as_ref().map(|c| c.to_string()),
        "library_id": u.library_id,
        "active": u.active,
        "must_change_password": u.must_change_password,
        "last_login_at": u.last_login_at.map(utc_json),
        "created_at": utc_json(u.created_at),
        "updated_at": utc_json(u.updated_at),
    })
}

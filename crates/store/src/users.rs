//! User accounts and facilitator assignments.

use crate::audit;
use crate::conn::{DbConn, Dialect, write_tx};
use crate::error::{StoreError, StoreResult};
use crate::schema::{facilitator_libraries, libraries, users};
use crate::{Page, now, sessions};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use lentera_core::audit::{ActorRef, Change};
use lentera_core::field::{Invalid, Problem};
use lentera_core::ids::{LibraryId, UserId};
use lentera_core::regions::RegionCode;
use lentera_core::users::{Actor, Home, Reach, Role, UserDraft};
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: String,
    username: String,
    full_name: String,
    email: Option<String>,
    phone: Option<String>,
    role: String,
    region_code: Option<String>,
    library_id: Option<String>,
    must_change_password: bool,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    last_login_at: Option<NaiveDateTime>,
}

/// A user as the application sees it. The password hash is never part of it.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: Role,
    pub region_code: Option<RegionCode>,
    pub library_id: Option<LibraryId>,
    pub must_change_password: bool,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
}

impl UserRow {
    fn into_user(self) -> StoreResult<User> {
        let bad = |what: &str| StoreError::Data(format!("user {}: bad {what}", self.id));
        Ok(User {
            id: UserId::parse(&self.id).map_err(|_| bad("id"))?,
            role: Role::parse(&self.role).map_err(|_| bad("role"))?,
            region_code: self
                .region_code
                .as_deref()
                .map(RegionCode::parse)
                .transpose()
                .map_err(|_| bad("region"))?,
            library_id: self
                .library_id
                .as_deref()
                .map(LibraryId::parse)
                .transpose()
                .map_err(|_| bad("library"))?,
            username: self.username,
            full_name: self.full_name,
            email: self.email,
            phone: self.phone,
            must_change_password: self.must_change_password,
            active: self.active,
            created_at: self.created_at,
            updated_at: self.updated_at,
            last_login_at: self.last_login_at,
        })
    }
}

/// The home a stored user belongs to; library users need their library's
/// village, which is looked up.
pub fn home_of(conn: &mut DbConn, u: &User) -> StoreResult<Home> {
    Ok(match (u.role, &u.region_code, u.library_id) {
        (Role::National, _, _) => Home::Nation,
        (Role::Manager | Role::Staff, _, Some(lib)) => {
            let village: String = libraries::table
                .find(lib.to_string())
                .select(libraries::village_code)
                .first(conn)?;
            Home::Library {
                library_id: lib,
                village_code: RegionCode::parse(&village)
                    .map_err(|_| StoreError::Data(format!("library {lib}: bad village")))?,
            }
        }
        (_, Some(code), _) => Home::Region { code: code.clone() },
        _ => return Err(StoreError::Data(format!("user {} has no home", u.username))),
    })
}

/// Builds the [`Actor`] every rule checks, with a facilitator's assignments.
pub fn actor(conn: &mut DbConn, u: &User) -> StoreResult<Actor> {
    let home = home_of(conn, u)?;
    let assigned = if u.role == Role::Facilitator {
        assignments(conn, u.id)?
    } else {
        vec![]
    };
    Ok(Actor {
        id: u.id,
        username: u.username.clone(),
        full_name: u.full_name.clone(),
        role: u.role,
        home,
        assigned,
    })
}

fn change(
    action: &'static str,
    conn: &mut DbConn,
    u: &User,
    details: Option<String>,
) -> StoreResult<Change> {
    let (region, library) = match home_of(conn, u)? {
        Home::Nation => (None, None),
        Home::Region { code } => (Some(code), None),
        Home::Library {
            library_id,
            village_code,
        } => (Some(village_code), Some(library_id)),
    };
    Ok(Change {
        action,
        entity: "user",
        entity_id: u.id.to_string(),
        region,
        library,
        summary: format!("{} ({})", u.username, u.role.key()),
        details,
    })
}

/// Creates a user. The draft's home must exist: an unknown region or library
/// is reported on its field.
pub fn create(
    conn: &mut DbConn,
    by: &ActorRef,
    d: &UserDraft,
    password_hash: &str,
    must_change_password: bool,
) -> StoreResult<User> {
    write_tx(conn, |conn| {
        if let Some(lib) = d.library_id {
            let exists: i64 = libraries::table
                .find(lib.to_string())
                .count()
                .get_result(conn)?;
            if exists == 0 {
                return Err(Invalid::one("library_id", Problem::UnknownChoice).into());
            }
        }
        if let Some(code) = &d.region_code {
            let exists: i64 = crate::schema::regions::table
                .find(code.as_str())
                .count()
                .get_result(conn)?;
            if exists == 0 {
                return Err(Invalid::one("region_code", Problem::UnknownRegion).into());
            }
        }
        let t = now();
        let id = UserId::new();
        diesel::insert_into(users::table)
            .values((
                users::id.eq(id.to_string()),
                users::username.eq(d.username.as_str()),
                users::full_name.eq(&d.full_name),
                users::email.eq(&d.email),
                users::phone.eq(&d.phone),
                users::role.eq(d.role.key()),
                users::region_code.eq(d.region_code.as_ref().map(|c| c.as_str())),
                users::library_id.eq(d.library_id.map(|l| l.to_string())),
                users::password_hash.eq(password_hash),
                users::must_change_password.eq(must_change_password),
                users::active.eq(true),
                users::created_at.eq(t),
                users::updated_at.eq(t),
            ))
            .execute(conn)
            .map_err(|e| StoreError::unique_to_field(e, |_| "username"))?;
        let u = get(conn, id)?;
        let c = change("user.create", conn, &u, None)?;
        audit::record(conn, by, c)?;
        Ok(u)
    })
}

pub fn get(conn: &mut DbConn, id: UserId) -> StoreResult<User> {
    users::table
        .find(id.to_string())
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?
        .into_user()
}

/// The user and their password hash, for signing in.
pub fn with_hash(conn: &mut DbConn, username: &str) -> StoreResult<Option<(User, String)>> {
    let row: Option<(UserRow, String)> = users::table
        .filter(users::username.eq(username.trim().to_lowercase()))
        .select((UserRow::as_select(), users::password_hash))
        .first(conn)
        .optional()?;
    row.map(|(r, h)| Ok((r.into_user()?, h))).transpose()
}

pub fn password_hash(conn: &mut DbConn, id: UserId) -> StoreResult<String> {
    Ok(users::table
        .find(id.to_string())
        .select(users::password_hash)
        .first(conn)?)
}

pub fn count(conn: &mut DbConn) -> StoreResult<i64> {
    Ok(users::table.count().get_result(conn)?)
}

pub fn record_login(conn: &mut DbConn, id: UserId) -> StoreResult<()> {
    diesel::update(users::table.find(id.to_string()))
        .set(users::last_login_at.eq(now()))
        .execute(conn)?;
    Ok(())
}

/// Sets a new password hash and ends the user's other sessions. `keep`
/// names the session to keep (the user changing their own password).
pub fn set_password(
    conn: &mut DbConn,
    by: &ActorRef,
    id: UserId,
    hash: &str,
    must_change: bool,
    keep: Option<&str>,
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let u = get(conn, id)?;
        diesel::update(users::table.find(id.to_string()))
            .set((
                users::password_hash.eq(hash),
                users::must_change_password.eq(must_change),
                users::updated_at.eq(now()),
            ))
            .execute(conn)?;
        match keep {
            Some(k) => sessions::delete_others(conn, id, k)?,
            None => sessions::delete_for_user(conn, id)?,
        };
        let action = if by.id == Some(id) {
            "user.password_change"
        } else {
            "user.password_reset"
        };
        let c = change(action, conn, &u, None)?;
        audit::record(conn, by, c)?;
        Ok(())
    })
}

/// Deactivates or reactivates a user; deactivation ends their sessions.
pub fn set_active(conn: &mut DbConn, by: &ActorRef, id: UserId, active: bool) -> StoreResult<User> {
    write_tx(conn, |conn| {
        diesel::update(users::table.find(id.to_string()))
            .set((users::active.eq(active), users::updated_at.eq(now())))
            .execute(conn)?;
        if !active {
            sessions::delete_for_user(conn, id)?;
        }
        let u = get(conn, id)?;
        let c = change(
            if active {
                "user.reactivate"
            } else {
                "user.deactivate"
            },
            conn,
            &u,
            None,
        )?;
        audit::record(conn, by, c)?;
        Ok(u)
    })
}

/// Updates name and contact details.
pub fn update_profile(
    conn: &mut DbConn,
    by: &ActorRef,
    id: UserId,
    full_name: &str,
    email: Option<&str>,
    phone: Option<&str>,
) -> StoreResult<User> {
    write_tx(conn, |conn| {
        let before = get(conn, id)?;
        diesel::update(users::table.find(id.to_string()))
            .set((
                users::full_name.eq(full_name),
                users::email.eq(email),
                users::phone.eq(phone),
                users::updated_at.eq(now()),
            ))
            .execute(conn)?;
        let u = get(conn, id)?;
        let details = lentera_core::audit::diff(
            &[
                ("full_name", before.full_name.clone()),
                ("email", before.email.clone().unwrap_or_default()),
                ("phone", before.phone.clone().unwrap_or_default()),
            ],
            &[
                ("full_name", u.full_name.clone()),
                ("email", u.email.clone().unwrap_or_default()),
                ("phone", u.phone.clone().unwrap_or_default()),
            ],
        );
        let c = change("user.update", conn, &u, details)?;
        audit::record(conn, by, c)?;
        Ok(u)
    })
}

pub fn assignments(conn: &mut DbConn, user: UserId) -> StoreResult<Vec<LibraryId>> {
    let ids: Vec<String> = facilitator_libraries::table
        .filter(facilitator_libraries::user_id.eq(user.to_string()))
        .select(facilitator_libraries::library_id)
        .order(facilitator_libraries::library_id)
        .load(conn)?;
    ids.iter()
        .map(|s| LibraryId::parse(s).map_err(|_| StoreError::Data(format!("bad library id {s}"))))
        .collect()
}

/// Replaces a facilitator's assigned libraries.
pub fn set_assignments(
    conn: &mut DbConn,
    by: &ActorRef,
    user: UserId,
    libs: &[LibraryId],
) -> StoreResult<()> {
    write_tx(conn, |conn| {
        let u = get(conn, user)?;
        if u.role != Role::Facilitator {
            return Err(Invalid::one("library_ids", Problem::NotAllowedHere).into());
        }
        diesel::delete(
            facilitator_libraries::table
                .filter(facilitator_libraries::user_id.eq(user.to_string())),
        )
        .execute(conn)?;
        let t = now();
        for l in libs {
            diesel::insert_into(facilitator_libraries::table)
                .values((
                    facilitator_libraries::user_id.eq(user.to_string()),
                    facilitator_libraries::library_id.eq(l.to_string()),
                    facilitator_libraries::assigned_at.eq(t),
                ))
                .execute(conn)?;
        }
        let details = Some(format!(
            "{{\"library_ids\":[{}]}}",
            libs.iter()
                .map(|l| format!("\"{l}\""))
                .collect::<Vec<_>>()
                .join(",")
        ));
        let c = change("user.assign_libraries", conn, &u, details)?;
        audit::record(conn, by, c)?;
        Ok(())
    })
}

diesel::define_sql_function! {
    /// SQL `lower()`, the same on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Escapes `LIKE` wildcards with a backslash, for use with `.escape('\\')`.
pub fn like_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

#[derive(Debug, Clone)]
pub struct UserQuery {
    pub reach: Reach,
    pub text: Option<String>,
    pub role: Option<Role>,
    pub page: i64,
    pub per_page: i64,
}

fn filtered<'a>(q: &'a UserQuery) -> users::BoxedQuery<'a, Dialect> {
    let mut query = users::table.into_boxed::<Dialect>();
    match &q.reach {
        Reach::Everything => {}
        Reach::Region(r) => {
            let (lo, hi) = r.subtree_range();
            let libs_in = libraries::table
                .filter(libraries::village_code.ge(lo.clone()))
                .filter(libraries::village_code.lt(hi.clone()))
                .select(libraries::id.nullable());
            query = query.filter(
                users::region_code
                    .ge(lo)
                    .and(users::region_code.lt(hi))
                    .or(users::library_id.eq_any(libs_in)),
            );
        }
        Reach::Libraries(ids) => {
            query = query.filter(
                users::library_id.eq_any(ids.iter().map(|i| i.to_string()).collect::<Vec<_>>()),
            );
        }
    }
    if let Some(t) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // Usernames may contain `_`, so wildcards are escaped, not dropped;
        // lower() makes PostgreSQL match names the way SQLite already does.
        let pat = format!("%{}%", like_escape(&t.to_lowercase()));
        query = query.filter(
            users::username
                .like(pat.clone())
                .escape('\\')
                .or(lower(users::full_name).like(pat).escape('\\')),
        );
    }
    if let Some(r) = q.role {
        query = query.filter(users::role.eq(r.key()));
    }
    query
}

/// Users whose home lies within reach.
pub fn list(conn: &mut DbConn, q: &UserQuery) -> StoreResult<Page<User>> {
    let per_page = q.per_page.clamp(1, 10_000);
    let page = q.page.max(1);
    let total: i64 = filtered(q).count().get_result(conn)?;
    let items = filtered(q)
        .order(users::username.asc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(UserRow::as_select())
        .load(conn)?
        .into_iter()
        .map(UserRow::into_user)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

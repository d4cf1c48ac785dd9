//! The audit trail table.

use crate::conn::{DbConn, Dialect};
use crate::error::StoreResult;
use crate::schema::audit_log;
use crate::{Page, now};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use lentera_core::audit::{ActorRef, Change};
use lentera_core::ids::AuditId;
use lentera_core::users::Reach;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: String,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub actor_username: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub region_code: Option<String>,
    pub library_id: Option<String>,
    pub summary: String,
    pub details: Option<String>,
}

/// Records a change. Call inside the transaction that makes the change.
pub fn record(conn: &mut DbConn, by: &ActorRef, change: Change) -> StoreResult<()> {
    let row = AuditEntry {
        id: AuditId::new().to_string(),
        at: now(),
        actor_id: by.id.map(|i| i.to_string()),
        actor_username: by.username.clone(),
        action: change.action.to_string(),
        entity: change.entity.to_string(),
        entity_id: change.entity_id,
        region_code: change.region.map(|r| r.to_string()),
        library_id: change.library.map(|l| l.to_string()),
        summary: change.summary,
        details: change.details,
    };
    diesel::insert_into(audit_log::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub action_prefix: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

fn filtered<'a>(reach: &'a Reach, q: &'a AuditQuery) -> audit_log::BoxedQuery<'a, Dialect> {
    let mut query = audit_log::table.into_boxed::<Dialect>();
    match reach {
        Reach::Everything => {}
        Reach::Region(r) => {
            let (lo, hi) = r.subtree_range();
            query = query
                .filter(audit_log::region_code.ge(lo))
                .filter(audit_log::region_code.lt(hi));
        }
        Reach::Libraries(ids) => {
            let ids: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
            query = query.filter(audit_log::library_id.eq_any(ids));
        }
    }
    if let Some(e) = &q.entity {
        query = query.filter(audit_log::entity.eq(e));
    }
    if let Some(id) = &q.entity_id {
        query = query.filter(audit_log::entity_id.eq(id));
    }
    if let Some(p) = &q.action_prefix {
        // Action keys contain `_` (`user.password_reset`): escape, don't drop.
        query = query.filter(
            audit_log::action
                .like(format!("{}%", crate::users::like_escape(p)))
                .escape('\\'),
        );
    }
    query
}

/// Entries within reach, newest first. National-level entries (no region)
/// are visible only to those who reach everything.
pub fn list(conn: &mut DbConn, reach: &Reach, q: &AuditQuery) -> StoreResult<Page<AuditEntry>> {
    let per_page = q.per_page.clamp(1, 500);
    let page = q.page.max(1);
    let total: i64 = filtered(reach, q).count().get_result(conn)?;
    let items = filtered(reach, q)
        .order((audit_log::at.desc(), audit_log::id.desc()))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(AuditEntry::as_select())
        .load(conn)?;
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

//! The audit trail: who changed what, when.
//!
//! Every state change writes one entry in the same transaction as the change
//! itself, so the trail can't miss a change or record one that rolled back.
//! Entries carry the region (and library) they concern so reading the trail
//! is filtered by the same reach as everything else.

use crate::ids::{LibraryId, UserId};
use crate::regions::RegionCode;
use serde::Serialize;

/// A change about to be recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// Dotted verb, stable for filtering: `library.create`, `user.password_reset`.
    pub action: &'static str,
    /// The kind of record: `library`, `user`, …
    pub entity: &'static str,
    pub entity_id: String,
    /// Where the record lives, for reach filtering. `None` for national records.
    pub region: Option<RegionCode>,
    pub library: Option<LibraryId>,
    /// A one-line human summary, e.g. the library's name.
    pub summary: String,
    /// Field-level before/after values, as JSON text.
    pub details: Option<String>,
}

/// Who acted: a signed-in user, or the system itself (CLI, demo, migrations).
#[derive(Debug, Clone)]
pub struct ActorRef {
    pub id: Option<UserId>,
    pub username: String,
}

impl ActorRef {
    pub fn system(what: &str) -> ActorRef {
        ActorRef {
            id: None,
            username: format!("system:{what}"),
        }
    }
}

/// The before/after of the fields that changed, as a JSON object text
/// `{"field": [before, after], …}`. Unchanged fields are left out so the
/// trail shows what matters.
pub fn diff(before: &[(&str, String)], after: &[(&str, String)]) -> Option<String> {
    let mut out = Vec::new();
    for (k, a) in after {
        let b = before
            .iter()
            .find(|(bk, _)| bk == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        if b != a {
            out.push(format!("{}:[{},{}]", json_str(k), json_str(b), json_str(a)));
        }
    }
    (!out.is_empty()).then(|| format!("{{{}}}", out.join(",")))
}

fn json_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_lists_only_changes() {
        let before = [("name", "Lama".to_string()), ("npp", "".to_string())];
        let after = [("name", "Baru \"A\"".to_string()), ("npp", "".to_string())];
        assert_eq!(
            diff(&before, &after).unwrap(),
            r#"{"name":["Lama","Baru \"A\""]}"#
        );
        assert_eq!(diff(&before, &before), None);
    }
}

//! The review store: reads and writes reviewers' decisions in SQLite. Each
//! decision is one row, inserted in its own transaction and on disk (WAL,
//! `synchronous = FULL`) before it is acknowledged, so a killed server loses
//! no decision it answered for; SQLite's locking lets two servers, or two
//! clients of one, write at once.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection};

/// What a reviewer did to a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The stance and entities as shown are right.
    Accept,
    /// The stance is `value`.
    Stance,
    /// An entity of type `value` at `start..end`.
    AddEntity,
    /// No entity at `start..end`.
    RemoveEntity,
    /// The entity at `start..end` is of type `value`.
    EntityType,
    /// The entity at `start..end` has role `value`.
    Role,
}

impl Action {
    pub const ALL: [Action; 6] =
        [Action::Accept, Action::Stance, Action::AddEntity, Action::RemoveEntity, Action::EntityType, Action::Role];

    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Stance => "stance",
            Action::AddEntity => "add_entity",
            Action::RemoveEntity => "remove_entity",
            Action::EntityType => "entity_type",
            Action::Role => "role",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Whether the action names an entity span.
    pub fn has_span(self) -> bool {
        !matches!(self, Action::Accept | Action::Stance)
    }
}

/// One stored decision. `start`/`end` are code-point offsets within the
/// sentence's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub id: i64,
    pub doc_id: String,
    pub sentence: usize,
    pub action: Action,
    pub span: Option<(usize, usize)>,
    pub value: Option<String>,
    pub reviewer: String,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("review database {}: {source}", .path.display())]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("review database {}: row {id} has an unknown action `{action}`", .path.display())]
    BadRow { path: PathBuf, id: i64, action: String },
}

/// A decisions row as SQLite gives it: id, doc_id, sentence, action, start,
/// end, value, reviewer, at.
type RawRow = (i64, String, i64, String, Option<i64>, Option<i64>, Option<String>, String, String);

pub struct Store {
    path: PathBuf,
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (or creates) the database.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let err = |source| StoreError::Sqlite { path: path.to_path_buf(), source };
        let conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(err)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(err)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS decisions (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                doc_id TEXT NOT NULL,
                sentence INTEGER NOT NULL,
                action TEXT NOT NULL,
                start INTEGER,
                end INTEGER,
                value TEXT,
                reviewer TEXT NOT NULL,
                at TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS decisions_doc ON decisions (doc_id);",
        )
        .map_err(err)?;
        Ok(Store { path: path.to_path_buf(), conn: Mutex::new(conn) })
    }

    /// Stores a decision and returns its id once it is durable.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &self,
        doc_id: &str,
        sentence: usize,
        action: Action,
        span: Option<(usize, usize)>,
        value: Option<&str>,
        reviewer: &str,
    ) -> Result<i64, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        conn.execute(
            "INSERT INTO decisions (doc_id, sentence, action, start, end, value, reviewer, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                doc_id,
                sentence as i64,
                action.as_str(),
                span.map(|s| s.0 as i64),
                span.map(|s| s.1 as i64),
                value,
                reviewer,
                now_utc()
            ],
        )
        .map_err(|source| StoreError::Sqlite { path: self.path.clone(), source })?;
        Ok(conn.last_insert_rowid())
    }

    /// Every decision on a document (all of them without one), oldest first.
    pub fn decisions(&self, doc_id: Option<&str>) -> Result<Vec<Decision>, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let err = |source| StoreError::Sqlite { path: self.path.clone(), source };
        let sql = "SELECT id, doc_id, sentence, action, start, end, value, reviewer, at FROM decisions";
        let mut stmt = match doc_id {
            Some(_) => conn.prepare(&format!("{sql} WHERE doc_id = ?1 ORDER BY id")),
            None => conn.prepare(&format!("{sql} ORDER BY id")),
        }
        .map_err(err)?;
        let map = |r: &rusqlite::Row| -> rusqlite::Result<RawRow> {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
        };
        let rows = match doc_id {
            Some(d) => stmt.query_map(params![d], map),
            None => stmt.query_map([], map),
        }
        .map_err(err)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, doc_id, sentence, action, start, end, value, reviewer, at) = row.map_err(err)?;
            let action =
                Action::parse(&action).ok_or_else(|| StoreError::BadRow { path: self.path.clone(), id, action: action.clone() })?;
            let span = match (start, end) {
                (Some(s), Some(e)) => Some((s.max(0) as usize, e.max(0) as usize)),
                _ => None,
            };
            out.push(Decision { id, doc_id, sentence: sentence.max(0) as usize, action, span, value, reviewer, at });
        }
        Ok(out)
    }
}

/// The current time as `YYYY-MM-DDTHH:MM:SSZ`.
fn now_utc() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let day = crate::summarize::Date::from_days(days as i32);
    format!("{day}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_round_trip_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("r.sqlite")).unwrap();
        let a = store.record("d1", 0, Action::Stance, None, Some("threatening"), "ana").unwrap();
        let b = store.record("d1", 1, Action::AddEntity, Some((3, 7)), Some("ORG"), "ana").unwrap();
        store.record("d2", 0, Action::Accept, None, None, "ben").unwrap();
        assert!(a < b);
        let got = store.decisions(Some("d1")).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].action, got[0].value.as_deref()), (Action::Stance, Some("threatening")));
        assert_eq!((got[1].span, got[1].reviewer.as_str()), (Some((3, 7)), "ana"));
        assert_eq!(got[1].at.len(), "2026-11-30T12:00:00Z".len());
        assert_eq!(store.decisions(None).unwrap().len(), 3);
        // Reopened, everything is there.
        drop(store);
        assert_eq!(Store::open(&dir.path().join("r.sqlite")).unwrap().decisions(None).unwrap().len(), 3);
    }
}

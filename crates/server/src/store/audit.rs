//! The audit log's SQL: appending an entry (in the caller's transaction, so nothing happens
//! without its entry), reading it back for the manager's screen and for verification, and
//! retention. The table refuses UPDATE always and DELETE of anything younger than retention
//! (triggers in migration 10); core decides what an entry's hash covers.

use crate::secrets::digest;
use burrow_core::api::StaffMember;
use burrow_core::audit::{self, Action, Anchor, Entry, GENESIS, Hash};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

/// What happened, before it is numbered and chained.
#[derive(Debug, Clone)]
pub struct Event {
    action: Action,
    actor: Option<Uuid>,
    actor_name: Option<String>,
    device: Option<Uuid>,
    child: Option<Uuid>,
    subject: Option<String>,
    detail: Option<String>,
}

impl Event {
    pub fn new(action: Action) -> Event {
        Event {
            action,
            actor: None,
            actor_name: None,
            device: None,
            child: None,
            subject: None,
            detail: None,
        }
    }

    pub fn by(mut self, staff: &StaffMember) -> Event {
        self.actor = Some(staff.id);
        self.actor_name = Some(staff.name.clone());
        self
    }

    pub fn device(mut self, device: Uuid) -> Event {
        self.device = Some(device);
        self
    }

    pub fn child(mut self, child: Uuid) -> Event {
        self.child = Some(child);
        self
    }

    pub fn subject(mut self, subject: impl ToString) -> Event {
        self.subject = Some(subject.to_string());
        self
    }

    /// A fixed phrase or code: never text someone typed about a child.
    pub fn detail(mut self, detail: impl Into<String>) -> Event {
        self.detail = Some(detail.into());
        self
    }
}

fn uuid_text(u: Option<Uuid>) -> Option<String> {
    u.map(|u| u.to_string())
}

/// The last entry written, or the anchor retention left when the log is empty.
pub fn head(conn: &Connection) -> rusqlite::Result<Anchor> {
    let last = conn
        .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
        .optional()?;
    match last {
        Some((seq, hash)) => Ok(Anchor {
            seq,
            hash: to_hash(hash)?,
        }),
        None => anchor(conn),
    }
}

pub fn anchor(conn: &Connection) -> rusqlite::Result<Anchor> {
    let (seq, hash) = conn
        .prepare_cached("SELECT seq, hash FROM audit_anchor WHERE id = 1")?
        .query_row([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
    Ok(Anchor {
        seq,
        hash: to_hash(hash)?,
    })
}

fn to_hash(bytes: Vec<u8>) -> rusqlite::Result<Hash> {
    bytes.try_into().map_err(|b: Vec<u8>| {
        rusqlite::Error::FromSqlConversionFailure(
            b.len(),
            rusqlite::types::Type::Blob,
            "an audit hash is 32 bytes".into(),
        )
    })
}

/// Appends `event`, chained to the entry before it. Call inside the transaction that does
/// what it records.
pub fn append(conn: &Connection, event: Event, now: DateTime<Utc>) -> rusqlite::Result<Entry> {
    let last = head(conn)?;
    // Micro-second precision: what the hash covers is exactly what is stored.
    let at = DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now);
    let entry = audit::seal(
        Entry {
            seq: last.seq + 1,
            at,
            action: event.action,
            actor: event.actor,
            actor_name: event.actor_name,
            device: event.device,
            child: event.child,
            subject: event.subject,
            detail: event.detail,
            prev_hash: last.hash,
            hash: GENESIS,
        },
        digest,
    );
    conn.prepare_cached(
        "INSERT INTO audit (seq, at, action, actor, actor_name, device, child, subject, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        entry.seq,
        entry.at.timestamp_micros(),
        entry.action.code(),
        uuid_text(entry.actor),
        entry.actor_name,
        uuid_text(entry.device),
        uuid_text(entry.child),
        entry.subject,
        entry.detail,
        &entry.prev_hash[..],
        &entry.hash[..],
    ])?;
    Ok(entry)
}

const COLUMNS: &str =
    "seq, at, action, actor, actor_name, device, child, subject, detail, prev_hash, hash";

fn entry_from(r: &Row) -> rusqlite::Result<Entry> {
    let uuid = |i: usize| -> rusqlite::Result<Option<Uuid>> {
        r.get::<_, Option<String>>(i)?
            .map(|s| {
                Uuid::parse_str(&s).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        i,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })
            })
            .transpose()
    };
    let code: String = r.get(2)?;
    let action = Action::from_code(&code).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            2,
            rusqlite::types::Type::Text,
            format!("unknown audit action {code:?}").into(),
        )
    })?;
    let micros: i64 = r.get(1)?;
    Ok(Entry {
        seq: r.get(0)?,
        at: DateTime::from_timestamp_micros(micros).unwrap_or_default(),
        action,
        actor: uuid(3)?,
        actor_name: r.get(4)?,
        device: uuid(5)?,
        child: uuid(6)?,
        subject: r.get(7)?,
        detail: r.get(8)?,
        prev_hash: to_hash(r.get(9)?)?,
        hash: to_hash(r.get(10)?)?,
    })
}

/// What the manager's screen asks for; every part optional. Newest first, `before` for paging.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub action: Option<Action>,
    pub child: Option<Uuid>,
    pub actor: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub before: Option<i64>,
    pub limit: u32,
}

pub fn list(conn: &Connection, f: &Filter) -> rusqlite::Result<Vec<Entry>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM audit
         WHERE (?1 IS NULL OR action = ?1) AND (?2 IS NULL OR child = ?2) AND (?3 IS NULL OR actor = ?3)
           AND (?4 IS NULL OR at >= ?4) AND (?5 IS NULL OR at < ?5) AND (?6 IS NULL OR seq < ?6)
         ORDER BY seq DESC LIMIT ?7"
    );
    conn.prepare_cached(&sql)?
        .query_map(
            params![
                f.action.map(Action::code),
                uuid_text(f.child),
                uuid_text(f.actor),
                f.from.map(|t| t.timestamp_micros()),
                f.to.map(|t| t.timestamp_micros()),
                f.before,
                f.limit,
            ],
            entry_from,
        )?
        .collect()
}

/// The newest kept entry of any of these kinds (0 if none).
pub fn last_of(conn: &Connection, actions: &[Action]) -> rusqlite::Result<i64> {
    let mut last = 0;
    for action in actions {
        let seq: Option<i64> = conn
            .prepare_cached("SELECT MAX(seq) FROM audit WHERE action = ?1")?
            .query_row(params![action.code()], |r| r.get(0))?;
        last = last.max(seq.unwrap_or(0));
    }
    Ok(last)
}

/// Walks the whole kept log, oldest first, through `visit` (it may be long: not collected).
pub fn each(conn: &Connection, mut visit: impl FnMut(Entry)) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM audit ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        visit(entry_from(r)?);
    }
    Ok(())
}

pub fn retention_days(conn: &Connection) -> rusqlite::Result<u32> {
    conn.prepare_cached("SELECT audit_retention_days FROM setting WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()
        .map(|d| d.unwrap_or(audit::DEFAULT_RETENTION_DAYS))
}

pub fn set_retention_days(conn: &Connection, days: u32) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE setting SET audit_retention_days = ?1 WHERE id = 1")?
        .execute(params![days])?;
    Ok(())
}

/// Removes entries older than retention, moving the anchor to the last one removed so the
/// rest still verifies. Returns how many went. Call in a transaction.
pub fn purge(conn: &Connection, now: DateTime<Utc>) -> rusqlite::Result<usize> {
    let days = retention_days(conn)?;
    let cutoff = now - chrono::Duration::days(i64::from(days));
    let last_old = conn
        .prepare_cached("SELECT seq, hash FROM audit WHERE at < ?1 ORDER BY seq DESC LIMIT 1")?
        .query_row(params![cutoff.timestamp_micros()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
        })
        .optional()?;
    let Some((seq, hash)) = last_old else {
        return Ok(0);
    };
    conn.prepare_cached("UPDATE audit_anchor SET seq = ?1, hash = ?2 WHERE id = 1")?
        .execute(params![seq, hash])?;
    conn.prepare_cached("DELETE FROM audit WHERE seq <= ?1")?
        .execute(params![seq])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;
    use burrow_core::audit::verify;

    #[tokio::test]
    async fn retention_removes_only_what_is_old_and_the_rest_still_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.sqlite3")).unwrap();
        let (removed, anchor, kept) = db
            .call(|c| {
                let now = Utc::now();
                for days in [400, 380, 370, 10, 0] {
                    append(
                        c,
                        Event::new(Action::SignedIn).detail("test"),
                        now - chrono::Duration::days(days),
                    )?;
                }
                let tx = c.transaction()?;
                let removed = purge(&tx, now)?;
                tx.commit()?;
                let mut kept = Vec::new();
                each(c, |e| kept.push(e))?;
                Ok((removed, anchor(c)?, kept))
            })
            .await
            .unwrap();
        assert_eq!(removed, 3);
        assert_eq!(anchor.seq, 3);
        assert_eq!(kept.len(), 2);
        let head = Anchor {
            seq: kept[1].seq,
            hash: kept[1].hash,
        };
        assert_eq!(verify(anchor, kept, Some(head), digest), Ok(2));
    }
}

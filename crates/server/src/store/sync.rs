//! Records pushed by tablets, the sync sequence, and each device's last answered counter.

use burrow_core::sync::{Held, RecordKind};
use burrow_core::workflow::{Status, Subject};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

pub fn last_counter(conn: &Connection, device: Uuid) -> rusqlite::Result<u64> {
    conn.prepare_cached("SELECT last_counter FROM devices WHERE id = ?1")?
        .query_row(params![device], |r| r.get(0))
}

pub fn set_last_counter(conn: &Connection, device: Uuid, counter: u64) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE devices SET last_counter = ?2 WHERE id = ?1")?
        .execute(params![device, counter])?;
    Ok(())
}

/// The next number in the one sequence every accepted change gets.
pub fn next_seq(conn: &Connection) -> rusqlite::Result<u64> {
    conn.prepare_cached("UPDATE sync_sequence SET last = last + 1 WHERE id = 1 RETURNING last")?
        .query_row([], |r| r.get(0))
}

/// What the server holds of a record of `kind`, for the rules.
pub enum Kept {
    Never,
    /// Deleted by its author: only the tombstone is left.
    Deleted,
    Workflow(Held),
    /// A record outside the workflow (a photo, a day's wishes): only its version matters.
    Plain {
        version: u64,
    },
}

pub fn kept(conn: &Connection, kind: RecordKind, id: Uuid) -> rusqlite::Result<Kept> {
    let row = conn
        .prepare_cached(
            "SELECT version, status, author, from_home FROM records WHERE id = ?1 AND kind = ?2",
        )?
        .query_row(params![id, kind.as_str()], |r| {
            Ok((
                r.get::<_, u64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Uuid>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })
        .optional()?;
    let workflow = matches!(kind, RecordKind::Observation | RecordKind::ProgressCheck);
    Ok(match row {
        None => Kept::Never,
        Some((version, _, _, _)) if !workflow => Kept::Plain { version },
        Some((version, status, author, from_home)) => {
            match status.as_deref().and_then(Status::parse) {
                None => Kept::Deleted,
                Some(status) => Kept::Workflow(Held {
                    version,
                    subject: Subject {
                        status,
                        author,
                        from_home,
                    },
                }),
            }
        }
    })
}

/// A change as the server keeps it.
pub struct Change<'a> {
    pub kind: RecordKind,
    pub id: Uuid,
    pub version: u64,
    pub status: Option<Status>,
    pub author: Uuid,
    pub from_home: bool,
    pub body: &'a str,
    pub seq: u64,
    pub by: Uuid,
    pub device: Uuid,
    pub at: DateTime<Utc>,
}

pub fn put(conn: &Connection, c: &Change) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO records (id, kind, version, status, author, from_home, body, seq, changed_by, device_id, changed_at)
         VALUES (?1, ?11, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET version = ?2, status = ?3, body = ?6, seq = ?7,
             changed_by = ?8, device_id = ?9, changed_at = ?10")?.execute(
        params![
            c.id,
            c.version,
            c.status.map(Status::as_str),
            c.author,
            c.from_home,
            c.body,
            c.seq,
            c.by,
            c.device,
            c.at,
            c.kind.as_str(),
        ],
    )?;
    Ok(())
}

/// A kept record as pull reads it.
pub struct Row {
    pub seq: u64,
    pub kind: String,
    pub id: Uuid,
    pub version: u64,
    pub status: Option<String>,
    pub author: Uuid,
    pub body: String,
    /// The device its latest change came from.
    pub device: Uuid,
    /// Who made its latest change (its receipt names them).
    pub by: Uuid,
}

/// Up to `limit` records changed after `after`, in the order they changed, leaving out those
/// whose latest change came from `device` itself: it holds them already, exactly (its receipt
/// checked the hash the server echoed).
pub fn after(
    conn: &Connection,
    after: u64,
    limit: usize,
    not_from: Option<Uuid>,
) -> rusqlite::Result<Vec<Row>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, kind, id, version, status, author, body, device_id, changed_by FROM records
         WHERE seq > ?1 AND (?3 IS NULL OR device_id != ?3) ORDER BY seq LIMIT ?2",
    )?;
    let device = not_from;
    stmt.query_map(params![after, limit as i64, device], |r| {
        Ok(Row {
            seq: r.get(0)?,
            kind: r.get(1)?,
            id: r.get(2)?,
            version: r.get(3)?,
            status: r.get(4)?,
            author: r.get(5)?,
            body: r.get(6)?,
            device: r.get(7)?,
            by: r.get(8)?,
        })
    })?
    .collect()
}

/// A record as the server holds it now, whatever its kind: for a retry's answer and for a
/// record sent back after a restore.
pub struct Holding {
    pub kind: String,
    pub version: u64,
    pub body: String,
    pub by: Uuid,
}

/// Only the version the server holds of a record (no body read): what a tablet sending records
/// back after a restore is compared with.
pub fn version_held(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<u64>> {
    conn.prepare_cached("SELECT version FROM records WHERE id = ?1")?
        .query_row(params![id], |r| r.get(0))
        .optional()
}

pub fn held(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<Holding>> {
    conn.prepare_cached("SELECT kind, version, body, changed_by FROM records WHERE id = ?1")?
        .query_row(params![id], |r| {
            Ok(Holding {
                kind: r.get(0)?,
                version: r.get(1)?,
                body: r.get(2)?,
                by: r.get(3)?,
            })
        })
        .optional()
}

/// The body the server keeps of a record of `kind`, as it was pushed.
pub fn body(conn: &Connection, kind: RecordKind, id: Uuid) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT body FROM records WHERE id = ?1 AND kind = ?2")?
        .query_row(params![id, kind.as_str()], |r| r.get(0))
        .optional()
}

/// The highest sequence number given so far.
pub fn last_seq(conn: &Connection) -> rusqlite::Result<u64> {
    conn.prepare_cached("SELECT last FROM sync_sequence WHERE id = 1")?
        .query_row([], |r| r.get(0))
}

/// The children on a day's "no photos" list, as the server last heard it.
pub fn not_today(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT body FROM records WHERE id = ?1 AND kind = 'not_today'")?
        .query_row(params![id], |r| r.get(0))
        .optional()
}

pub fn date_of_birth(
    conn: &Connection,
    child: Uuid,
) -> rusqlite::Result<Option<chrono::NaiveDate>> {
    conn.prepare_cached("SELECT date_of_birth FROM children WHERE id = ?1")?
        .query_row(params![child], |r| r.get(0))
        .optional()
}

pub fn first_name(conn: &Connection, child: Uuid) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT first_name FROM children WHERE id = ?1")?
        .query_row(params![child], |r| r.get(0))
        .optional()
}

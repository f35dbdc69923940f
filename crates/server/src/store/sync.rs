//! Records pushed by tablets, the sync sequence, and each device's last answered counter.

use burrow_core::sync::Held;
use burrow_core::workflow::{Status, Subject};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

pub fn last_counter(conn: &Connection, device: Uuid) -> rusqlite::Result<u64> {
    conn.query_row(
        "SELECT last_counter FROM devices WHERE id = ?1",
        params![device],
        |r| r.get(0),
    )
}

pub fn set_last_counter(conn: &Connection, device: Uuid, counter: u64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE devices SET last_counter = ?2 WHERE id = ?1",
        params![device, counter],
    )?;
    Ok(())
}

/// The next number in the one sequence every accepted change gets.
pub fn next_seq(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row(
        "UPDATE sync_sequence SET last = last + 1 WHERE id = 1 RETURNING last",
        [],
        |r| r.get(0),
    )
}

/// What the server holds of an observation: None if it never had it; Some(None) if deleted.
pub fn held_observation(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<Option<Held>>> {
    conn.query_row(
        "SELECT version, status, author, from_home FROM records WHERE id = ?1 AND kind = 'observation'",
        params![id],
        |r| {
            let version: u64 = r.get(0)?;
            let status: Option<String> = r.get(1)?;
            let author: Uuid = r.get(2)?;
            let from_home: bool = r.get(3)?;
            Ok(status.and_then(|s| Status::parse(&s)).map(|status| Held {
                version,
                subject: Subject {
                    status,
                    author,
                    from_home,
                },
            }))
        },
    )
    .optional()
}

/// A change as the server keeps it.
pub struct Change<'a> {
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

pub fn put_observation(conn: &Connection, c: &Change) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO records (id, kind, version, status, author, from_home, body, seq, changed_by, device_id, changed_at)
         VALUES (?1, 'observation', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET version = ?2, status = ?3, body = ?6, seq = ?7,
             changed_by = ?8, device_id = ?9, changed_at = ?10",
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
            c.at
        ],
    )?;
    Ok(())
}

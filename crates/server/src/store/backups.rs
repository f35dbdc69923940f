//! Backups' settings and the record of each attempt.

use burrow_core::backup::Attempt;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

/// The recovery key's public half (an age recipient), when one was made, and the folder.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub recipient: Option<String>,
    pub set_up_at: Option<DateTime<Utc>>,
    pub folder: Option<String>,
}

pub fn settings(conn: &Connection) -> rusqlite::Result<Settings> {
    Ok(conn
        .prepare_cached("SELECT recipient, set_up_at, folder FROM backup_settings WHERE id = 1")?
        .query_row([], |r| {
            Ok(Settings {
                recipient: r.get(0)?,
                set_up_at: r.get(1)?,
                folder: r.get(2)?,
            })
        })
        .optional()?
        .unwrap_or_default())
}

pub fn set_recipient(
    conn: &Connection,
    recipient: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO backup_settings (id, recipient, set_up_at) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET recipient = ?1, set_up_at = ?2",
    )?
    .execute(params![recipient, now])?;
    Ok(())
}

pub fn set_folder(conn: &Connection, folder: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO backup_settings (id, folder) VALUES (1, ?1)
         ON CONFLICT (id) DO UPDATE SET folder = ?1",
    )?
    .execute(params![folder])?;
    Ok(())
}

/// Notes an attempt and keeps only the last hundred.
pub fn record(conn: &Connection, attempt: &Attempt) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO backup_attempts (at, failed, size) VALUES (?1, ?2, ?3)")?
        .execute(params![
            attempt.at,
            attempt.failed,
            attempt.size.map(|s| s as i64)
        ])?;
    conn.prepare_cached(
        "DELETE FROM backup_attempts WHERE id <= (SELECT max(id) - 100 FROM backup_attempts)",
    )?
    .execute([])?;
    Ok(())
}

fn attempt(r: &rusqlite::Row) -> rusqlite::Result<Attempt> {
    Ok(Attempt {
        at: r.get(0)?,
        failed: r.get(1)?,
        size: r.get::<_, Option<i64>>(2)?.map(|s| s.max(0) as u64),
    })
}

pub fn last_attempt(conn: &Connection) -> rusqlite::Result<Option<Attempt>> {
    conn.prepare_cached("SELECT at, failed, size FROM backup_attempts ORDER BY id DESC LIMIT 1")?
        .query_row([], attempt)
        .optional()
}

pub fn last_good(conn: &Connection) -> rusqlite::Result<Option<(DateTime<Utc>, u64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT at, failed, size FROM backup_attempts WHERE failed IS NULL ORDER BY id DESC LIMIT 1",
        )?
        .query_row([], attempt)
        .optional()?
        .map(|a| (a.at, a.size.unwrap_or(0))))
}

/// This server's history id (hex): new for every server, and for every restore.
pub fn history(conn: &Connection) -> rusqlite::Result<String> {
    conn.prepare_cached("SELECT history FROM server_history WHERE id = 1")?
        .query_row([], |r| r.get::<_, Vec<u8>>(0))
        .map(hex::encode)
}

/// A restored folder's new history, and the newest sequence number it holds from the backup:
/// a tablet that pulled past it holds records this server may have lost.
pub fn new_history(conn: &Connection) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE server_history SET history = randomblob(16),
             restored_at_seq = (SELECT last FROM sync_sequence WHERE id = 1) WHERE id = 1",
    )?
    .execute([])?;
    Ok(())
}

/// The newest sequence number the folder held when it was restored (None: never restored).
pub fn restored_at(conn: &Connection) -> rusqlite::Result<Option<u64>> {
    conn.prepare_cached("SELECT restored_at_seq FROM server_history WHERE id = 1")?
        .query_row([], |r| r.get(0))
}

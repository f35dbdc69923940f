//! Which photos the server holds, and how far each upload got. The bytes are on disk, sealed
//! (`crate::photos`); this table is only hashes, sizes and progress.

use rusqlite::{Connection, OptionalExtension, params};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub size: u64,
    pub received: u64,
    pub complete: bool,
}

pub fn progress(conn: &Connection, sha256: &str) -> rusqlite::Result<Option<Progress>> {
    conn.prepare_cached("SELECT size, received, complete FROM photos WHERE sha256 = ?1")?
        .query_row(params![sha256], |r| {
            Ok(Progress {
                size: r.get(0)?,
                received: r.get(1)?,
                complete: r.get(2)?,
            })
        })
        .optional()
}

/// Starts an upload (or keeps one that started) of a photo of `size` bytes.
pub fn expect(conn: &Connection, sha256: &str, size: u64) -> rusqlite::Result<Progress> {
    conn.prepare_cached(
        "INSERT INTO photos (sha256, size, received, complete) VALUES (?1, ?2, 0, 0)
         ON CONFLICT (sha256) DO UPDATE SET size = ?2, received = 0
             WHERE complete = 0 AND size != ?2",
    )?
    .execute(params![sha256, size])?;
    progress(conn, sha256).map(|p| {
        p.unwrap_or(Progress {
            size,
            received: 0,
            complete: false,
        })
    })
}

pub fn set_received(
    conn: &Connection,
    sha256: &str,
    received: u64,
    complete: bool,
) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE photos SET received = ?2, complete = ?3 WHERE sha256 = ?1")?
        .execute(params![sha256, received, complete])?;
    Ok(())
}

pub fn is_complete(conn: &Connection, sha256: &str) -> rusqlite::Result<bool> {
    Ok(progress(conn, sha256)?.is_some_and(|p| p.complete))
}

//! The setting's retention window for photos on tablets (core::retention), kept as JSON, and
//! its switch for what a tablet keeps on an outing.

use burrow_core::retention::Retention;
use rusqlite::{Connection, OptionalExtension, params};

/// The window a manager chose, or the default when none was (or it no longer reads).
pub fn get(conn: &Connection) -> rusqlite::Result<Retention> {
    let kept: Option<Option<String>> = conn
        .prepare_cached("SELECT photo_retention FROM setting WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(kept
        .flatten()
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

pub fn set(conn: &Connection, retention: &Retention) -> rusqlite::Result<()> {
    let json = serde_json::to_string(retention)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    conn.prepare_cached("UPDATE setting SET photo_retention = ?1 WHERE id = 1")?
        .execute(params![json])?;
    Ok(())
}

/// Whether a tablet getting ready for an outing keeps only the children going (on unless a
/// manager turned it off).
pub fn outing_clears_tablet(conn: &Connection) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached("SELECT outing_clears_tablet FROM setting WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or(true))
}

pub fn set_outing_clears_tablet(conn: &Connection, on: bool) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE setting SET outing_clears_tablet = ?1 WHERE id = 1")?
        .execute(params![on])?;
    Ok(())
}

//! Leaving dates and the setting's grace period before a leaver's data is deleted.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

/// A child's start date and leaving date, if the child is on the roll.
pub fn dates_of(
    conn: &Connection,
    child: Uuid,
) -> rusqlite::Result<Option<(NaiveDate, Option<NaiveDate>)>> {
    conn.prepare_cached("SELECT start_date, leaving_date FROM children WHERE id = ?1")?
        .query_row(params![child], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

pub fn set(conn: &Connection, child: Uuid, date: Option<NaiveDate>) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached("UPDATE children SET leaving_date = ?2 WHERE id = ?1")?
        .execute(params![child, date])?
        == 1)
}

/// Each of a parent's children with their leaving date, if one is set.
pub fn family_dates(
    conn: &Connection,
    parent: Uuid,
) -> rusqlite::Result<Vec<(Uuid, Option<NaiveDate>)>> {
    conn.prepare_cached(
        "SELECT c.id, c.leaving_date FROM parent_children pc JOIN children c ON c.id = pc.child_id
         WHERE pc.parent_id = ?1 ORDER BY c.id",
    )?
    .query_map(params![parent], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}

pub fn grace_days(conn: &Connection) -> rusqlite::Result<u32> {
    Ok(conn
        .prepare_cached("SELECT deletion_grace_days FROM setting WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or(burrow_core::leaving::GRACE_DEFAULT_DAYS))
}

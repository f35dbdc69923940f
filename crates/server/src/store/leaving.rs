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

pub fn set(
    conn: &Connection,
    child: Uuid,
    date: Option<NaiveDate>,
    by: Uuid,
) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached("UPDATE children SET leaving_date = ?2, leaving_set_by = ?3 WHERE id = ?1")?
        .execute(params![child, date, by])?
        == 1)
}

/// Children whose leaving date has passed, with it: deletion may be due for them.
pub fn left_before(
    conn: &Connection,
    today: NaiveDate,
) -> rusqlite::Result<Vec<(Uuid, NaiveDate)>> {
    conn.prepare_cached(
        "SELECT id, leaving_date FROM children WHERE leaving_date IS NOT NULL AND leaving_date < ?1",
    )?
    .query_map(params![today], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}

pub fn set_grace_days(conn: &Connection, days: u32) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE setting SET deletion_grace_days = ?1 WHERE id = 1")?
        .execute(params![days])?;
    Ok(())
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

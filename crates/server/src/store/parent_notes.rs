//! Parents' comments and wow moments from home, the photo that may come with a wow moment (by
//! its SHA-256 in the vault), and whether staff brought one into the journal.

use burrow_core::api::ParentNote;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

/// A note as it is kept: what staff and the parent see, and whose it is.
pub struct Kept {
    pub note: ParentNote,
    pub parent: Uuid,
    pub photo_sha256: Option<String>,
}

/// A new note from a parent's phone (its text already trimmed).
pub struct NewNote<'a> {
    pub id: Uuid,
    pub parent: Uuid,
    pub device: Uuid,
    pub child: Uuid,
    pub entry: Option<Uuid>,
    pub text: &'a str,
    pub written_at: DateTime<Utc>,
}

/// The parent's name and their children, unless the setting withdrew them.
pub fn family(conn: &Connection, parent: Uuid) -> rusqlite::Result<Option<(String, Vec<Uuid>)>> {
    let name: Option<String> = conn
        .prepare_cached("SELECT name FROM parents WHERE id = ?1 AND removed_at IS NULL")?
        .query_row(params![parent], |r| r.get(0))
        .optional()?;
    let Some(name) = name else {
        return Ok(None);
    };
    let children = super::parents::children_of(conn, parent)?;
    Ok(Some((name, children)))
}

pub fn insert(conn: &Connection, n: &NewNote, now: DateTime<Utc>) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO parent_notes (id, parent_id, device_id, child_id, entry_id, text, written_at, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        n.id,
        n.parent,
        n.device,
        n.child,
        n.entry,
        n.text,
        n.written_at,
        now
    ])?;
    Ok(())
}

const SELECT: &str = "SELECT n.id, n.child_id, n.entry_id, n.text, n.written_at, p.name,
        n.photo_sha256, n.brought_in, n.parent_id
     FROM parent_notes n JOIN parents p ON p.id = n.parent_id";

fn kept(r: &Row) -> rusqlite::Result<Kept> {
    let photo_sha256: Option<String> = r.get(6)?;
    Ok(Kept {
        note: ParentNote {
            id: r.get(0)?,
            child: r.get(1)?,
            entry: r.get(2)?,
            text: r.get(3)?,
            written_at: r.get(4)?,
            from: r.get(5)?,
            has_photo: photo_sha256.is_some(),
            brought_in: r.get(7)?,
        },
        parent: r.get(8)?,
        photo_sha256,
    })
}

pub fn get(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<Kept>> {
    conn.prepare_cached(&format!("{SELECT} WHERE n.id = ?1"))?
        .query_row(params![id], kept)
        .optional()
}

/// A parent's own notes, newest first.
pub fn of_parent(conn: &Connection, parent: Uuid, limit: usize) -> rusqlite::Result<Vec<Kept>> {
    conn.prepare_cached(&format!(
        "{SELECT} WHERE n.parent_id = ?1 ORDER BY n.written_at DESC, n.id DESC LIMIT ?2"
    ))?
    .query_map(params![parent, limit as i64], kept)?
    .collect()
}

/// Every family's notes (or one child's), newest first, for the setting's staff.
pub fn for_staff(
    conn: &Connection,
    child: Option<Uuid>,
    limit: usize,
) -> rusqlite::Result<Vec<Kept>> {
    match child {
        Some(child) => conn
            .prepare_cached(&format!(
                "{SELECT} WHERE n.child_id = ?1 ORDER BY n.written_at DESC, n.id DESC LIMIT ?2"
            ))?
            .query_map(params![child, limit as i64], kept)?
            .collect(),
        None => conn
            .prepare_cached(&format!(
                "{SELECT} ORDER BY n.written_at DESC, n.id DESC LIMIT ?1"
            ))?
            .query_map(params![limit as i64], kept)?
            .collect(),
    }
}

/// Records the photo of a wow moment that has none yet; false if it already had one.
pub fn set_photo(conn: &Connection, id: Uuid, sha256: &str) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE parent_notes SET photo_sha256 = ?2 WHERE id = ?1 AND photo_sha256 IS NULL",
        )?
        .execute(params![id, sha256])?
        == 1)
}

/// Records that a member of staff made `observation` from a wow moment; false if it already was.
pub fn bring_in(
    conn: &Connection,
    id: Uuid,
    observation: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE parent_notes SET brought_in = ?2, brought_in_by = ?3, brought_in_at = ?4
             WHERE id = ?1 AND brought_in IS NULL",
        )?
        .execute(params![id, observation, by, now])?
        == 1)
}

/// An observation's latest body, unless it was deleted.
pub fn observation_body(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT body FROM records WHERE id = ?1 AND kind = 'observation' AND status IS NOT NULL",
    )?
    .query_row(params![id], |r| r.get(0))
    .optional()
}

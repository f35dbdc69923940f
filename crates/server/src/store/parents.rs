//! Parents and carers, the children each is linked to, and what their journal is made from.

use burrow_core::api::Parent;
use burrow_core::parent_view::ChildFacts;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

/// A parent as a manager links them: their children and the hash of their phone's code.
pub struct NewParent<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub children: &'a [Uuid],
    pub invite_hash: &'a [u8],
    pub invite_expires: DateTime<Utc>,
    pub by: Uuid,
}

pub fn insert(conn: &Connection, p: &NewParent, now: DateTime<Utc>) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO parents (id, name, invite_hash, invite_expires, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        p.id,
        p.name,
        p.invite_hash,
        p.invite_expires,
        p.by,
        now
    ])?;
    for child in p.children {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO parent_children (parent_id, child_id) VALUES (?1, ?2)",
        )?
        .execute(params![p.id, child])?;
    }
    Ok(())
}

pub fn children_of(conn: &Connection, parent: Uuid) -> rusqlite::Result<Vec<Uuid>> {
    conn.prepare_cached(
        "SELECT child_id FROM parent_children WHERE parent_id = ?1 ORDER BY child_id",
    )?
    .query_map(params![parent], |r| r.get(0))?
    .collect()
}

pub fn get(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<Parent>> {
    let row = conn
        .prepare_cached(
            "SELECT name, EXISTS (SELECT 1 FROM devices d WHERE d.parent_id = p.id AND d.status = 'enrolled')
             FROM parents p WHERE id = ?1 AND removed_at IS NULL",
        )?
        .query_row(params![id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?)))
        .optional()?;
    let Some((name, enrolled)) = row else {
        return Ok(None);
    };
    Ok(Some(Parent {
        id,
        name,
        children: children_of(conn, id)?,
        enrolled,
    }))
}

pub fn list(conn: &Connection) -> rusqlite::Result<Vec<Parent>> {
    let ids: Vec<Uuid> = conn
        .prepare_cached("SELECT id FROM parents WHERE removed_at IS NULL ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(p) = get(conn, id)? {
            out.push(p);
        }
    }
    Ok(out)
}

/// The parent whose unused, unexpired invite has this hash.
pub fn by_invite(
    conn: &Connection,
    invite_hash: &[u8],
    now: DateTime<Utc>,
) -> rusqlite::Result<Option<Uuid>> {
    conn.prepare_cached(
        "SELECT id FROM parents WHERE invite_hash = ?1 AND invite_expires > ?2 AND removed_at IS NULL",
    )?
    .query_row(params![invite_hash, now], |r| r.get(0))
    .optional()
}

/// The invite works once: the phone that used it is now the parent's.
pub fn enrol_phone(
    conn: &Connection,
    parent: Uuid,
    device: Uuid,
    public_key: &[u8],
    name: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE parents SET invite_hash = NULL, invite_expires = NULL WHERE id = ?1",
    )?
    .execute(params![parent])?;
    conn.prepare_cached(
        "INSERT INTO devices (id, public_key, code, status, name, requested_at, approved_at, parent_id)
         VALUES (?1, ?2, '', 'enrolled', ?3, ?4, ?4, ?5)",
    )?
    .execute(params![device, public_key, name, now, parent])?;
    Ok(())
}

/// What `parent_view` needs of a child: names, and the flag. Consent is added by the caller.
pub fn child_facts(conn: &Connection, child: Uuid) -> rusqlite::Result<Option<ChildFacts>> {
    conn.prepare_cached("SELECT first_name, surname, high_risk FROM children WHERE id = ?1")?
        .query_row(params![child], |r| {
            Ok(ChildFacts {
                id: child,
                first_name: r.get(0)?,
                surname: r.get(1)?,
                other_journals: false,
                high_risk: r.get(2)?,
            })
        })
        .optional()
}

/// Observations changed after `after`, for a parent's journal: (seq, body), oldest first.
pub fn observations_after(
    conn: &Connection,
    after: u64,
    limit: usize,
    family: &[Uuid],
) -> rusqlite::Result<Vec<(u64, String)>> {
    // Only entries naming one of the family's children, found through the index the triggers
    // keep (migration 25): a page of 200 was otherwise mostly other families'.
    let family =
        serde_json::Value::from(family.iter().map(ToString::to_string).collect::<Vec<_>>())
            .to_string();
    conn.prepare_cached(
        "SELECT seq, body FROM records
         WHERE seq IN (SELECT o.seq FROM observation_children o JOIN json_each(?3) f
                         ON o.child = f.value WHERE o.seq > ?1)
           AND kind = 'observation' AND status IS NOT NULL
         ORDER BY seq LIMIT ?2",
    )?
    .query_map(params![after, limit as i64, family], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?
    .collect()
}

pub fn set_high_risk(conn: &Connection, child: Uuid, on: bool) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached("UPDATE children SET high_risk = ?2 WHERE id = ?1")?
        .execute(params![child, on])?
        == 1)
}

pub fn sign_off(
    conn: &Connection,
    photo: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO photo_signoffs (photo_id, signed_by, signed_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (photo_id) DO NOTHING",
        )?
        .execute(params![photo, by, now])?
        == 1)
}

pub fn signed_off(conn: &Connection, photo: Uuid) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM photo_signoffs WHERE photo_id = ?1)")?
        .query_row(params![photo], |r| r.get(0))
}

/// A photo record's body, by its id.
pub fn photo_body(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT body FROM records WHERE id = ?1 AND kind = 'photo'")?
        .query_row(params![id], |r| r.get(0))
        .optional()
}

/// The bodies of a child's two-year checks that were shared (validated or published), in the
/// order they were kept.
pub fn shared_checks(conn: &Connection, child: Uuid) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(
        "SELECT body FROM records WHERE kind = 'progress_check' AND status IN ('validated', 'published')
         AND json_valid(body) AND json_extract(body, '$.child') = ?1 ORDER BY seq",
    )?
    .query_map(params![child.to_string()], |r| r.get(0))?
    .collect()
}

/// Every child's names but `child`'s, to take out of words written about `child`.
pub fn other_names(conn: &Connection, child: Uuid) -> rusqlite::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stmt =
        conn.prepare_cached("SELECT first_name, surname FROM children WHERE id != ?1")?;
    for row in stmt.query_map(params![child], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })? {
        let (first, surname) = row?;
        out.push(first);
        out.push(surname);
    }
    Ok(out)
}

/// The bodies of the kept observations (not deleted) that hold photo `id`, whatever their state.
pub fn observations_with_photo(conn: &Connection, id: Uuid) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(
        "SELECT r.body FROM observation_photos p JOIN records r ON r.seq = p.seq
         WHERE p.photo = ?1 AND r.kind = 'observation' AND r.status IS NOT NULL
         ORDER BY r.seq",
    )?
    .query_map(params![id.to_string()], |r| r.get(0))?
    .collect()
}

/// A manager withdraws a parent's access: the parent is no longer listed, their code stops
/// working and every phone of theirs is revoked (it hears 410 and wipes itself). False if there
/// was no such parent still linked.
pub fn withdraw(
    conn: &Connection,
    id: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> rusqlite::Result<bool> {
    let withdrawn = conn
        .prepare_cached("UPDATE parents SET removed_at = ?2 WHERE id = ?1 AND removed_at IS NULL")?
        .execute(params![id, now])?
        == 1;
    if withdrawn {
        conn.prepare_cached(
            "UPDATE devices SET status = 'revoked', revoked_by = ?2, revoked_at = ?3
             WHERE parent_id = ?1 AND status != 'revoked'",
        )?
        .execute(params![id, by, now])?;
        let phones: Vec<Uuid> = conn
            .prepare_cached("SELECT id FROM devices WHERE parent_id = ?1")?
            .query_map(params![id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for phone in phones {
            super::deletion::device_removed(conn, phone, now)?;
        }
    }
    Ok(withdrawn)
}

/// The sequence number of the newest photo record (a new photo, or faces marked on one).
pub fn last_photo_change(conn: &Connection) -> rusqlite::Result<u64> {
    conn.prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM records WHERE kind = 'photo'")?
        .query_row([], |r| r.get(0))
}

//! A leaver's deletion: the rows that name them, the deletion's own record and its devices, and
//! the vault's trash. The job that calls these is `crate::deletion`; every write here runs in
//! its one transaction.

use burrow_core::api::{DeletionNotice, DeletionSummary};
use burrow_core::receipt::{DeviceKind, DeviceLine, DeviceState, PHONE_NAME, Removed};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

/// The server's own device row (migration 17): its changes reach every tablet.
pub const SERVER_DEVICE: Uuid = Uuid::nil();

/// A kept record that names the leaver somewhere in its body.
pub struct Naming {
    pub id: Uuid,
    pub kind: String,
    pub version: u64,
    pub status: Option<String>,
    pub author: Uuid,
    pub from_home: bool,
    pub body: String,
}

/// The photo records naming `child` (a body that will not read is left out: the deletion
/// removes such a row on its own).
pub fn photos_naming(
    conn: &Connection,
    child: Uuid,
) -> rusqlite::Result<Vec<burrow_core::photo::PhotoRecord>> {
    Ok(records_naming(conn, child)?
        .into_iter()
        .filter(|r| r.kind == burrow_core::sync::RecordKind::Photo.as_str())
        .filter_map(|r| serde_json::from_str(&r.body).ok())
        .collect())
}

/// Every record naming `child`: observations and photos by their children, two-year checks by
/// their child, the day's "no photos" lists and the camera's refusals by theirs.
pub fn records_naming(conn: &Connection, child: Uuid) -> rusqlite::Result<Vec<Naming>> {
    let child = child.to_string();
    conn.prepare(
        "SELECT id, kind, version, status, author, from_home, body FROM records r WHERE
            (kind IN ('observation', 'photo', 'not_today') AND json_valid(body)
                AND EXISTS (SELECT 1 FROM json_each(r.body, '$.children') WHERE value = ?1))
            OR (kind = 'progress_check' AND json_valid(body) AND json_extract(body, '$.child') = ?1)
            OR (kind = 'refused_capture' AND json_valid(body) AND EXISTS (
                SELECT 1 FROM json_each(r.body, '$.reasons') WHERE json_extract(value, '$.child_id') = ?1))
         ORDER BY seq",
    )?
    .query_map(params![child], |r| {
        Ok(Naming {
            id: r.get(0)?,
            kind: r.get(1)?,
            version: r.get(2)?,
            status: r.get(3)?,
            author: r.get(4)?,
            from_home: r.get(5)?,
            body: r.get(6)?,
        })
    })?
    .collect()
}

/// Observations holding any of `photos` (a photo that went), whoever they are about.
pub fn observations_holding(conn: &Connection, photos: &[Uuid]) -> rusqlite::Result<Vec<Naming>> {
    let mut out: Vec<Naming> = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT id, kind, version, status, author, from_home, body FROM records r
         WHERE kind = 'observation' AND json_valid(body)
           AND EXISTS (SELECT 1 FROM json_each(r.body, '$.photos') WHERE value = ?1)",
    )?;
    for photo in photos {
        for row in stmt.query_map(params![photo.to_string()], |r| {
            Ok(Naming {
                id: r.get(0)?,
                kind: r.get(1)?,
                version: r.get(2)?,
                status: r.get(3)?,
                author: r.get(4)?,
                from_home: r.get(5)?,
                body: r.get(6)?,
            })
        })? {
            let row = row?;
            if !out.iter().any(|o| o.id == row.id) {
                out.push(row);
            }
        }
    }
    Ok(out)
}

pub fn delete_record(conn: &Connection, id: Uuid) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM records WHERE id = ?1")?
        .execute(params![id])?;
    Ok(())
}

/// The child's names, as their words could hold them.
pub fn names_of(conn: &Connection, child: Uuid) -> rusqlite::Result<Option<(String, String)>> {
    conn.prepare_cached("SELECT first_name, surname FROM children WHERE id = ?1")?
        .query_row(params![child], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

/// Who a server-made change is recorded as made for: whoever recorded the leaving date, else
/// the setting's first manager.
pub fn responsible(conn: &Connection, child: Uuid) -> rusqlite::Result<Option<Uuid>> {
    let set_by: Option<Uuid> = conn
        .prepare_cached("SELECT leaving_set_by FROM children WHERE id = ?1")?
        .query_row(params![child], |r| r.get(0))
        .optional()?
        .flatten();
    match set_by {
        Some(id) => Ok(Some(id)),
        None => conn
            .prepare_cached(
                "SELECT id FROM staff WHERE role = 'manager' ORDER BY created_at LIMIT 1",
            )?
            .query_row([], |r| r.get(0))
            .optional(),
    }
}

/// Photos of a parent's notes about the child (wow moments from home), by hash.
pub fn note_photos(conn: &Connection, child: Uuid) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(
        "SELECT photo_sha256 FROM parent_notes WHERE child_id = ?1 AND photo_sha256 IS NOT NULL",
    )?
    .query_map(params![child], |r| r.get(0))?
    .collect()
}

/// The child's rows outside `records`, counted as they go: consents, parents' notes, links,
/// and the child. A parent left with no child at the setting loses their name too (the row
/// stays as an id, so their phones' rows still point somewhere) and their phones are revoked.
pub fn remove_child_rows(
    conn: &Connection,
    child: Uuid,
    now: DateTime<Utc>,
) -> rusqlite::Result<(u32, u32, u32, Vec<Uuid>)> {
    let mut revoked = Vec::new();
    let consents = conn.execute("DELETE FROM consents WHERE child_id = ?1", params![child])? as u32;
    // Photos used beyond the journals keep their record, without the leaver's name on it.
    conn.execute(
        "DELETE FROM published_children WHERE child_id = ?1",
        params![child],
    )?;
    let notes = conn.execute(
        "DELETE FROM parent_notes WHERE child_id = ?1",
        params![child],
    )? as u32;
    let parents: Vec<Uuid> = conn
        .prepare("SELECT parent_id FROM parent_children WHERE child_id = ?1")?
        .query_map(params![child], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let links = conn.execute(
        "DELETE FROM parent_children WHERE child_id = ?1",
        params![child],
    )? as u32;
    for parent in parents {
        let others: u32 = conn.query_row(
            "SELECT COUNT(*) FROM parent_children WHERE parent_id = ?1",
            params![parent],
            |r| r.get(0),
        )?;
        if others == 0 {
            conn.execute(
                "DELETE FROM parent_notes WHERE parent_id = ?1",
                params![parent],
            )?;
            conn.execute(
                "UPDATE parents SET name = '', invite_hash = NULL, invite_expires = NULL,
                    removed_at = COALESCE(removed_at, ?2) WHERE id = ?1",
                params![parent, now],
            )?;
            let phones: Vec<Uuid> = conn
                .prepare(
                    "UPDATE devices SET status = 'revoked', revoked_at = COALESCE(revoked_at, ?2),
                        name = 'A parent''s phone'
                     WHERE parent_id = ?1 RETURNING id",
                )?
                .query_map(params![parent, now], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            revoked.extend(phones);
        }
    }
    conn.execute("DELETE FROM children WHERE id = ?1", params![child])?;
    Ok((consents, notes, links, revoked))
}

/// The leaver's photos kept for posterity.
pub fn posterity_of(conn: &Connection, child: Uuid) -> rusqlite::Result<Vec<Uuid>> {
    conn.prepare_cached("SELECT photo_id FROM posterity WHERE child_id = ?1")?
        .query_map(params![child], |r| r.get(0))?
        .collect()
}

pub fn keep_for_posterity(
    conn: &Connection,
    photo: Uuid,
    child: Uuid,
    by: Uuid,
    at: DateTime<Utc>,
) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached(
            "INSERT OR IGNORE INTO posterity (photo_id, child_id, kept_by, kept_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![photo, child, by, at])?
        == 1)
}

pub fn no_longer_for_posterity(
    conn: &Connection,
    photo: Uuid,
    child: Uuid,
) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached("DELETE FROM posterity WHERE photo_id = ?1 AND child_id = ?2")?
        .execute(params![photo, child])?
        == 1)
}

pub fn forget_signoff(conn: &Connection, photo: Uuid) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM photo_signoffs WHERE photo_id = ?1")?
        .execute(params![photo])?;
    Ok(())
}

pub fn trash(conn: &Connection, sha256: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO vault_trash (sha256) VALUES (?1)")?
        .execute(params![sha256])?;
    Ok(())
}

pub fn trashed(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached("SELECT sha256 FROM vault_trash")?
        .query_map([], |r| r.get(0))?
        .collect()
}

/// Whether a kept record or note still holds this photo (two records can share one picture).
pub fn still_used(conn: &Connection, sha256: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM records WHERE kind = 'photo' AND json_valid(body)
             AND (json_extract(body, '$.sha256') = ?1 OR json_extract(body, '$.thumb_sha256') = ?1))
         OR EXISTS (SELECT 1 FROM parent_notes WHERE photo_sha256 = ?1)",
    )?
    .query_row(params![sha256], |r| r.get(0))
}

/// The photo's file is gone: its upload row and its trash row go too.
pub fn emptied(conn: &Connection, sha256: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM photos WHERE sha256 = ?1")?
        .execute(params![sha256])?;
    conn.prepare_cached("DELETE FROM vault_trash WHERE sha256 = ?1")?
        .execute(params![sha256])?;
    Ok(())
}

/// The devices that may hold a copy of the child's data: every enrolled tablet, and the
/// family's phones (those that already took the journal off count as confirmed).
pub fn holders(conn: &Connection, child: Uuid) -> rusqlite::Result<Vec<DeviceLine>> {
    let mut out: Vec<DeviceLine> = conn
        .prepare(
            "SELECT id, COALESCE(name, 'A tablet') FROM devices
             WHERE status = 'enrolled' AND parent_id IS NULL AND id != zeroblob(16)
             ORDER BY approved_at",
        )?
        .query_map([], |r| {
            Ok(DeviceLine {
                device: r.get(0)?,
                kind: DeviceKind::Tablet,
                name: r.get(1)?,
                state: DeviceState::Waiting,
            })
        })?
        .collect::<Result<_, _>>()?;
    let phones = conn
        .prepare(
            "SELECT d.id, pc.cleared_at FROM devices d
             JOIN parent_children l ON l.parent_id = d.parent_id
             LEFT JOIN phone_cleared pc ON pc.device_id = d.id AND pc.child_id = l.child_id
             WHERE l.child_id = ?1 AND (d.status = 'enrolled' OR pc.cleared_at IS NOT NULL)
             ORDER BY d.requested_at",
        )?
        .query_map(params![child], |r| {
            let cleared: Option<DateTime<Utc>> = r.get(1)?;
            Ok(DeviceLine {
                device: r.get(0)?,
                kind: DeviceKind::Phone,
                name: PHONE_NAME.into(),
                state: match cleared {
                    Some(at) => DeviceState::Confirmed { at },
                    None => DeviceState::Waiting,
                },
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    out.extend(phones);
    Ok(out)
}

pub fn record(
    conn: &Connection,
    id: Uuid,
    child: Uuid,
    last_day: NaiveDate,
    at: DateTime<Utc>,
    removed: &Removed,
    devices: &[DeviceLine],
) -> rusqlite::Result<()> {
    let removed = serde_json::to_string(removed).unwrap_or_default();
    conn.execute(
        "INSERT INTO deletions (id, child_id, last_day, deleted_at, removed) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, child, last_day, at, removed],
    )?;
    let mut stmt = conn.prepare(
        "INSERT INTO deletion_devices (deletion_id, device_id, kind, name, confirmed_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for d in devices {
        let kind = match d.kind {
            DeviceKind::Tablet => "tablet",
            DeviceKind::Phone => "phone",
        };
        let confirmed = match d.state {
            DeviceState::Confirmed { at } => Some(at),
            _ => None,
        };
        stmt.execute(params![id, d.device, kind, d.name, confirmed])?;
    }
    Ok(())
}

/// Whether the child's data was deleted: nothing about them may come back.
pub fn was_deleted(conn: &Connection, child: Uuid) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM deletions WHERE child_id = ?1)")?
        .query_row(params![child], |r| r.get(0))
}

/// Deletions a device has still to carry out.
pub fn waiting_for(conn: &Connection, device: Uuid) -> rusqlite::Result<Vec<DeletionNotice>> {
    conn.prepare_cached(
        "SELECT d.id, d.child_id FROM deletion_devices dd JOIN deletions d ON d.id = dd.deletion_id
         WHERE dd.device_id = ?1 AND dd.confirmed_at IS NULL AND dd.removed_at IS NULL
         ORDER BY d.deleted_at",
    )?
    .query_map(params![device], |r| {
        Ok(DeletionNotice {
            id: r.get(0)?,
            child: r.get(1)?,
        })
    })?
    .collect()
}

/// A device says it deleted these; returns the children of those it had still to confirm.
pub fn confirm(
    conn: &Connection,
    device: Uuid,
    ids: &[Uuid],
    at: DateTime<Utc>,
) -> rusqlite::Result<Vec<Uuid>> {
    let mut done = Vec::new();
    for id in ids {
        let child: Option<Uuid> = conn
            .prepare_cached(
                "UPDATE deletion_devices SET confirmed_at = ?3
                 WHERE deletion_id = ?1 AND device_id = ?2 AND confirmed_at IS NULL AND removed_at IS NULL
                 RETURNING (SELECT child_id FROM deletions WHERE id = ?1)",
            )?
            .query_row(params![id, device, at], |r| r.get(0))
            .optional()?;
        done.extend(child);
    }
    Ok(done)
}

/// A phone took closed children's journals off itself: noted (it counts at deletion time) and
/// any deletion waiting on it for those children is confirmed.
pub fn phone_cleared(
    conn: &Connection,
    device: Uuid,
    children: &[Uuid],
    at: DateTime<Utc>,
) -> rusqlite::Result<Vec<Uuid>> {
    let mut confirmed = Vec::new();
    for child in children {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO phone_cleared (device_id, child_id, cleared_at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![device, child, at])?;
        let ids: Vec<Uuid> = conn
            .prepare_cached("SELECT id FROM deletions WHERE child_id = ?1")?
            .query_map(params![child], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        confirmed.extend(confirm(conn, device, &ids, at)?);
    }
    Ok(confirmed)
}

/// The children whose closed journals this phone has already let go.
pub fn cleared_by(conn: &Connection, device: Uuid) -> rusqlite::Result<Vec<Uuid>> {
    conn.prepare_cached("SELECT child_id FROM phone_cleared WHERE device_id = ?1")?
        .query_map(params![device], |r| r.get(0))?
        .collect()
}

/// A manager removed the device: whatever it still held can no longer be opened or synced,
/// and it wipes itself if it comes back, so its part of every deletion is complete.
pub fn device_removed(conn: &Connection, device: Uuid, at: DateTime<Utc>) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE deletion_devices SET removed_at = ?2
         WHERE device_id = ?1 AND confirmed_at IS NULL AND removed_at IS NULL",
    )?
    .execute(params![device, at])?;
    Ok(())
}

/// One deletion with its devices as they stand.
pub struct Kept {
    pub id: Uuid,
    pub child: Uuid,
    pub last_day: NaiveDate,
    pub deleted_at: DateTime<Utc>,
    pub removed: Removed,
    pub devices: Vec<DeviceLine>,
}

fn devices_of(conn: &Connection, id: Uuid) -> rusqlite::Result<Vec<DeviceLine>> {
    conn.prepare_cached(
        "SELECT device_id, kind, name, confirmed_at, removed_at FROM deletion_devices
         WHERE deletion_id = ?1 ORDER BY kind DESC, name",
    )?
    .query_map(params![id], |r| {
        let kind: String = r.get(1)?;
        let confirmed: Option<DateTime<Utc>> = r.get(3)?;
        let removed: Option<DateTime<Utc>> = r.get(4)?;
        Ok(DeviceLine {
            device: r.get(0)?,
            kind: if kind == "phone" {
                DeviceKind::Phone
            } else {
                DeviceKind::Tablet
            },
            name: r.get(2)?,
            state: match (confirmed, removed) {
                (Some(at), _) => DeviceState::Confirmed { at },
                (None, Some(at)) => DeviceState::Removed { at },
                (None, None) => DeviceState::Waiting,
            },
        })
    })?
    .collect()
}

pub fn get(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<Kept>> {
    let row = conn
        .prepare_cached(
            "SELECT child_id, last_day, deleted_at, removed FROM deletions WHERE id = ?1",
        )?
        .query_row(params![id], |r| {
            Ok((
                r.get::<_, Uuid>(0)?,
                r.get::<_, NaiveDate>(1)?,
                r.get::<_, DateTime<Utc>>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .optional()?;
    let Some((child, last_day, deleted_at, removed)) = row else {
        return Ok(None);
    };
    Ok(Some(Kept {
        id,
        child,
        last_day,
        deleted_at,
        removed: serde_json::from_str(&removed).unwrap_or_default(),
        devices: devices_of(conn, id)?,
    }))
}

/// Every deletion, newest first.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<DeletionSummary>> {
    let ids: Vec<Uuid> = conn
        .prepare_cached("SELECT id FROM deletions ORDER BY deleted_at DESC")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(k) = get(conn, id)? {
            out.push(DeletionSummary {
                id: k.id,
                child: k.child,
                last_day: k.last_day,
                deleted_at: k.deleted_at,
                removed: k.removed,
                waiting: burrow_core::receipt::waiting(&k.devices)
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            });
        }
    }
    Ok(out)
}

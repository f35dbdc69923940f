//! Devices in SQLite: asking to enrol, approval, revocation, and the nonces of signed requests.

use burrow_core::device::{Device, DeviceStatus, PROOF_WINDOW_SECS};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

/// What the proof check needs to know about a device.
pub struct Known {
    pub status: DeviceStatus,
    pub public_key: Vec<u8>,
    /// A parent's phone, enrolled with their invite code.
    pub parent: Option<Uuid>,
}

fn status_of(raw: String) -> rusqlite::Result<DeviceStatus> {
    DeviceStatus::parse(&raw).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("unknown device status {raw}").into(),
        )
    })
}

/// Registers a key as a pending device, or returns the device that already has this key (a
/// tablet that asks twice gets the same answer).
pub fn request(
    conn: &Connection,
    id: Uuid,
    public_key: &[u8],
    code: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<Uuid> {
    conn.prepare_cached("INSERT INTO devices (id, public_key, code, status, requested_at) VALUES (?1, ?2, ?3, 'pending', ?4)
         ON CONFLICT (public_key) DO NOTHING")?.execute(
        params![id, public_key, code, now],
    )?;
    conn.prepare_cached("SELECT id FROM devices WHERE public_key = ?1")?
        .query_row(params![public_key], |r| r.get(0))
}

pub fn has_key(conn: &Connection, public_key: &[u8]) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM devices WHERE public_key = ?1)")?
        .query_row(params![public_key], |r| r.get(0))
}

pub fn pending_count(conn: &Connection) -> rusqlite::Result<u32> {
    conn.prepare_cached("SELECT COUNT(*) FROM devices WHERE status = 'pending'")?
        .query_row([], |r| r.get(0))
}

pub fn known(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<Known>> {
    conn.prepare_cached("SELECT status, public_key, parent_id FROM devices WHERE id = ?1")?
        .query_row(params![id], |r| {
            Ok(Known {
                status: status_of(r.get(0)?)?,
                public_key: r.get(1)?,
                parent: r.get(2)?,
            })
        })
        .optional()
}

fn device_from(r: &rusqlite::Row) -> rusqlite::Result<Device> {
    let status = status_of(r.get(1)?)?;
    Ok(Device {
        id: r.get(0)?,
        status,
        name: r.get(2)?,
        code: (status == DeviceStatus::Pending)
            .then(|| r.get(3))
            .transpose()?,
        requested_at: r.get(4)?,
        holdings: r
            .get::<_, Option<String>>(5)?
            .and_then(|json| serde_json::from_str(&json).ok()),
        outing: r
            .get::<_, Option<String>>(6)?
            .and_then(|json| serde_json::from_str(&json).ok()),
    })
}

/// A tablet leaves on an outing (Some) or is back (None).
pub fn set_outing(
    conn: &Connection,
    id: Uuid,
    outing: Option<&burrow_core::outing::Outing>,
) -> rusqlite::Result<()> {
    let json = outing
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    conn.prepare_cached("UPDATE devices SET outing = ?2 WHERE id = ?1")?
        .execute(params![id, json])?;
    Ok(())
}

/// What a tablet said it holds at its last sync.
pub fn set_holdings(
    conn: &Connection,
    id: Uuid,
    reported: &burrow_core::holdings::Reported,
) -> rusqlite::Result<()> {
    let json = serde_json::to_string(reported)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    conn.prepare_cached("UPDATE devices SET holdings = ?2 WHERE id = ?1")?
        .execute(params![id, json])?;
    Ok(())
}

pub fn get(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<Device>> {
    conn.prepare_cached(
        "SELECT id, status, name, code, requested_at, holdings, outing FROM devices WHERE id = ?1",
    )?
    .query_row(params![id], device_from)
    .optional()
}

/// Every device, pending ones first, then by when they asked.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<Device>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, status, name, code, requested_at, holdings, outing FROM devices WHERE id != zeroblob(16)
         ORDER BY status != 'pending', requested_at",
    )?;
    stmt.query_map([], device_from)?.collect()
}

/// The code a pending device showed when it asked.
pub fn pending_code(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT code FROM devices WHERE id = ?1 AND status = 'pending'")?
        .query_row(params![id], |r| r.get(0))
        .optional()
}

pub fn approve(
    conn: &Connection,
    id: Uuid,
    name: &str,
    by: Uuid,
    now: DateTime<Utc>,
) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE devices SET status = 'enrolled', name = ?2, approved_by = ?3, approved_at = ?4
         WHERE id = ?1 AND status = 'pending'",
        )?
        .execute(params![id, name, by, now])?
        == 1)
}

/// Revokes a device; any leaver's deletion still waiting on it is complete (it wipes itself if
/// it ever comes back).
pub fn revoke(conn: &Connection, id: Uuid, by: Uuid, now: DateTime<Utc>) -> rusqlite::Result<bool> {
    let revoked = conn
        .prepare_cached(
            "UPDATE devices SET status = 'revoked', revoked_by = ?2, revoked_at = ?3
         WHERE id = ?1 AND status != 'revoked'",
        )?
        .execute(params![id, by, now])?
        == 1;
    super::deletion::device_removed(conn, id, now)?;
    Ok(revoked)
}

/// Records a signed request's nonce; false if this device already used it. Nonces older than
/// the proof window are forgotten first: their proofs would be refused as expired anyway.
pub fn use_nonce(conn: &Connection, device: Uuid, nonce: &str, now: i64) -> rusqlite::Result<bool> {
    conn.prepare_cached("DELETE FROM device_nonces WHERE seen_at < ?1")?
        .execute(params![now - 2 * PROOF_WINDOW_SECS])?;
    Ok(conn
        .prepare_cached(
            "INSERT INTO device_nonces (device_id, nonce, seen_at) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
        )?
        .execute(params![device, nonce, now])?
        == 1)
}

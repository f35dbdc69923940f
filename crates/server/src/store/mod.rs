//! Every SQL statement the server runs. Functions take a connection (or transaction) so that a
//! handler can put several of them in one transaction: set-up writes the setting, the manager
//! and their session, and consumes the code, all or nothing.

pub mod audit;
pub mod backups;
pub mod deletion;
pub mod devices;
pub mod leaving;
pub mod parent_notes;
pub mod parents;
pub mod photos;
pub mod publishing;
pub mod retention;
pub mod sync;

use burrow_core::api::{Child, ConsentEntry, StaffMember};
use burrow_core::child::ValidChild;
use burrow_core::consent::{ConsentRecord, HowGiven, Purpose};
use burrow_core::staff::Role;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

pub fn setting_name(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT name FROM setting WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()
}

pub fn lock_after_minutes(conn: &Connection) -> rusqlite::Result<Option<u32>> {
    conn.prepare_cached("SELECT lock_after_minutes FROM setting WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()
}

pub fn validation_required(conn: &Connection) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT validation_required FROM setting WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()
        .map(|v| v.unwrap_or(true))
}

pub fn set_options(
    conn: &Connection,
    minutes: u32,
    validation_required: bool,
) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE setting SET lock_after_minutes = ?1, validation_required = ?2 WHERE id = 1",
        )?
        .execute(params![minutes, validation_required])?
        == 1)
}

/// A tablet's key as the server keeps it: sealed, with the public half of the tablet's door key
/// and the enrolment it is tied to.
pub struct TabletKeyRow {
    pub sealed: Vec<u8>,
    pub door_key: Option<Vec<u8>>,
    pub enrolled_as: Option<Uuid>,
}

pub fn tablet_key(conn: &Connection, device_id: Uuid) -> rusqlite::Result<Option<TabletKeyRow>> {
    conn.prepare_cached(
        "SELECT data_key, door_key, device_id_enrolled FROM tablet_keys WHERE device_id = ?1",
    )?
    .query_row(params![device_id], |r| {
        Ok(TabletKeyRow {
            sealed: r.get(0)?,
            door_key: r.get(1)?,
            enrolled_as: r.get(2)?,
        })
    })
    .optional()
}

/// Ties a tablet's key to the enrolment it asked for, unless it is tied already.
pub fn link_tablet_key(conn: &Connection, tablet: Uuid, device: Uuid) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE tablet_keys SET device_id_enrolled = ?2
             WHERE device_id = ?1 AND (device_id_enrolled IS NULL OR device_id_enrolled = ?2)",
        )?
        .execute(params![tablet, device])?
        == 1)
}

/// Tablet keys an older Burrow kept in the clear (exactly a key's length; sealed ones are longer).
pub fn tablet_keys_in_clear(conn: &Connection) -> rusqlite::Result<Vec<(Uuid, Vec<u8>)>> {
    conn.prepare_cached("SELECT device_id, data_key FROM tablet_keys WHERE length(data_key) = ?1")?
        .query_map(params![burrow_core::keys::KEY_LEN as i64], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect()
}

pub fn replace_tablet_key(
    conn: &Connection,
    device_id: Uuid,
    sealed: &[u8],
) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE tablet_keys SET data_key = ?2 WHERE device_id = ?1")?
        .execute(params![device_id, sealed])?;
    Ok(())
}

/// Stores a tablet's key unless it already has one; the first one stays.
pub fn insert_tablet_key(
    conn: &Connection,
    device_id: Uuid,
    key: &[u8],
    door_key: &[u8],
    staff_id: Uuid,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO tablet_keys (device_id, data_key, door_key, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (device_id) DO NOTHING")?.execute(
        params![device_id, key, door_key, staff_id, now],
    )?;
    Ok(())
}

pub fn insert_setting(conn: &Connection, name: &str, now: DateTime<Utc>) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO setting (id, name, created_at) VALUES (1, ?1, ?2)")?
        .execute(params![name, now])?;
    Ok(())
}

pub fn replace_setup_code(
    conn: &Connection,
    code_hash: &[u8],
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO setup_code (id, code_hash, created_at) VALUES (1, ?1, ?2)",
    )?
    .execute(params![code_hash, now])?;
    Ok(())
}

pub fn setup_code_hash(conn: &Connection) -> rusqlite::Result<Option<Vec<u8>>> {
    conn.prepare_cached("SELECT code_hash FROM setup_code WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()
}

pub fn delete_setup_code(conn: &Connection) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM setup_code")?.execute([])?;
    Ok(())
}

/// A staff row with what sign-in needs.
pub struct StaffAuth {
    pub member: StaffMember,
    pub passphrase_hash: Option<String>,
    pub invite_hash: Option<Vec<u8>>,
    pub invite_expires: Option<DateTime<Utc>>,
}

const STAFF_COLUMNS: &str = "id, name, role, passphrase_hash, invite_hash, invite_expires, removed_at IS NOT NULL, deleted_at IS NOT NULL";

fn staff_auth_from_row(r: &Row) -> rusqlite::Result<StaffAuth> {
    let passphrase_hash: Option<String> = r.get(3)?;
    Ok(StaffAuth {
        member: StaffMember {
            id: r.get(0)?,
            name: r.get(1)?,
            role: role_from_sql(r.get::<_, String>(2)?)?,
            has_signed_in: passphrase_hash.is_some(),
            removed: r.get(6)?,
            deleted: r.get(7)?,
        },
        passphrase_hash,
        invite_hash: r.get(4)?,
        invite_expires: r.get(5)?,
    })
}

fn role_from_sql(s: String) -> rusqlite::Result<Role> {
    Role::parse(&s)
        .ok_or_else(|| rusqlite::Error::InvalidColumnType(2, s, rusqlite::types::Type::Text))
}

pub fn staff_by_name_key(conn: &Connection, name_key: &str) -> rusqlite::Result<Option<StaffAuth>> {
    conn.prepare_cached(&format!(
        "SELECT {STAFF_COLUMNS} FROM staff WHERE name_key = ?1"
    ))?
    .query_row([name_key], staff_auth_from_row)
    .optional()
}

pub fn staff_by_id(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<StaffMember>> {
    conn.prepare_cached(&format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = ?1"))?
        .query_row([id], staff_auth_from_row)
        .optional()
        .map(|s| s.map(|s| s.member))
}

/// A member of staff whose access has not been removed.
pub fn active_staff(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<StaffMember>> {
    Ok(staff_by_id(conn, id)?.filter(|s| !s.removed))
}

pub fn list_staff(conn: &Connection) -> rusqlite::Result<Vec<StaffMember>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {STAFF_COLUMNS} FROM staff ORDER BY name_key"
    ))?;
    stmt.query_map([], staff_auth_from_row)?
        .map(|r| r.map(|s| s.member))
        .collect()
}

/// Removes a member of staff's access: marked (their records and the audit trail keep their
/// name), their invite cancelled and every session of theirs ended, in one statement each.
pub fn set_role(conn: &Connection, id: Uuid, role: Role) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE staff SET role = ?2 WHERE id = ?1 AND removed_at IS NULL")?
        .execute(params![id, role.as_str()])?;
    Ok(())
}

/// A leaver's account: their name, passphrase and invite go; the row stays (records name its
/// id), as "Former member of staff". Only after their access was removed.
pub fn delete_staff(conn: &Connection, id: Uuid, now: DateTime<Utc>) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE staff SET name = 'Former member of staff', name_key = 'deleted ' || hex(id),
                passphrase_hash = NULL, invite_hash = NULL, invite_expires = NULL, deleted_at = ?2
             WHERE id = ?1 AND removed_at IS NOT NULL AND deleted_at IS NULL",
        )?
        .execute(params![id, now])?
        == 1)
}

pub fn remove_staff(
    conn: &Connection,
    id: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE staff SET removed_at = ?3, removed_by = ?2, invite_hash = NULL, invite_expires = NULL
         WHERE id = ?1 AND removed_at IS NULL",
    )?
    .execute(params![id, by, now])?;
    conn.prepare_cached("DELETE FROM sessions WHERE staff_id = ?1")?
        .execute(params![id])?;
    Ok(())
}

pub struct NewStaff<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub name_key: &'a str,
    pub role: Role,
    pub passphrase_hash: Option<&'a str>,
    pub invite_hash: Option<&'a [u8]>,
    pub invite_expires: Option<DateTime<Utc>>,
}

/// Returns false (and writes nothing) when someone with the same name already exists.
pub fn insert_staff(conn: &Connection, s: &NewStaff, now: DateTime<Utc>) -> rusqlite::Result<bool> {
    let n = conn.prepare_cached("INSERT INTO staff (id, name, name_key, role, passphrase_hash, invite_hash, invite_expires, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (name_key) DO NOTHING")?.execute(
        params![s.id, s.name, s.name_key, s.role.as_str(), s.passphrase_hash, s.invite_hash, s.invite_expires, now],
    )?;
    Ok(n == 1)
}

pub fn set_passphrase_and_clear_invite(
    conn: &Connection,
    id: Uuid,
    hash: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE staff SET passphrase_hash = ?2, invite_hash = NULL, invite_expires = NULL WHERE id = ?1")?.execute(
        params![id, hash],
    )?;
    Ok(())
}

pub fn insert_session(
    conn: &Connection,
    token_hash: &[u8],
    staff_id: Uuid,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO sessions (token_hash, staff_id, created_at, last_seen_at) VALUES (?1, ?2, ?3, ?3)")?.execute(
        params![token_hash, staff_id, now],
    )?;
    Ok(())
}

pub struct SessionRow {
    pub staff_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

pub fn session(conn: &Connection, token_hash: &[u8]) -> rusqlite::Result<Option<SessionRow>> {
    conn.prepare_cached(
        "SELECT staff_id, created_at, last_seen_at FROM sessions WHERE token_hash = ?1",
    )?
    .query_row([token_hash], |r| {
        Ok(SessionRow {
            staff_id: r.get(0)?,
            created_at: r.get(1)?,
            last_seen_at: r.get(2)?,
        })
    })
    .optional()
}

pub fn touch_session(
    conn: &Connection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1")?
        .execute(params![token_hash, now])?;
    Ok(())
}

/// Sweeps sessions that can no longer be used, so the table does not grow for ever.
pub fn delete_expired_sessions(
    conn: &Connection,
    now: DateTime<Utc>,
    idle: chrono::Duration,
    lifetime: chrono::Duration,
) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM sessions WHERE last_seen_at < ?1 OR created_at < ?2")?
        .execute(params![now - idle, now - lifetime])?;
    Ok(())
}

pub fn delete_session(conn: &Connection, token_hash: &[u8]) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM sessions WHERE token_hash = ?1")?
        .execute([token_hash])?;
    Ok(())
}

pub fn insert_child(
    conn: &Connection,
    id: Uuid,
    c: &ValidChild,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO children (id, first_name, surname, date_of_birth, start_date, key_person_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?.execute(
        params![id, c.first_name, c.surname, c.date_of_birth, c.start_date, c.key_person_id, now],
    )?;
    Ok(())
}

pub fn list_children(conn: &Connection) -> rusqlite::Result<Vec<Child>> {
    let mut stmt = conn.prepare_cached("SELECT c.id, c.first_name, c.surname, c.date_of_birth, c.start_date, c.key_person_id, s.name, c.high_risk, c.leaving_date, c.picture
         FROM children c JOIN staff s ON s.id = c.key_person_id
         ORDER BY c.first_name COLLATE NOCASE, c.surname COLLATE NOCASE")?;
    stmt.query_map([], |r| {
        Ok(Child {
            id: r.get(0)?,
            first_name: r.get(1)?,
            surname: r.get(2)?,
            date_of_birth: r.get(3)?,
            start_date: r.get(4)?,
            key_person_id: r.get(5)?,
            key_person_name: r.get(6)?,
            high_risk: r.get(7)?,
            leaving_date: r.get(8)?,
            picture: r.get(9)?,
        })
    })?
    .collect()
}

/// The photo shown for a child on staff lists, or none.
pub fn set_child_picture(
    conn: &Connection,
    child: Uuid,
    photo: Option<Uuid>,
) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE children SET picture = ?2 WHERE id = ?1")?
        .execute(params![child, photo])?;
    Ok(())
}

/// A child's consent history, oldest first, with the name of who recorded each answer.
pub fn consents_of(conn: &Connection, child_id: Uuid) -> rusqlite::Result<Vec<ConsentEntry>> {
    consents_where(conn, "WHERE k.child_id = ?1", [child_id])
}

/// Every consent answer in the setting, oldest first.
pub fn all_consents(conn: &Connection) -> rusqlite::Result<Vec<ConsentEntry>> {
    consents_where(conn, "", [])
}

fn consents_where(
    conn: &Connection,
    filter: &str,
    args: impl rusqlite::Params,
) -> rusqlite::Result<Vec<ConsentEntry>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT k.id, k.child_id, k.purpose, k.granted, k.given_by, k.form_reference,
                k.recorded_by, k.recorded_at, k.review_by, s.name
         FROM consents k JOIN staff s ON s.id = k.recorded_by {filter}
         ORDER BY k.recorded_at, k.id"
    ))?;
    stmt.query_map(args, |r| {
        let purpose: String = r.get(2)?;
        let reference: Option<String> = r.get(5)?;
        Ok(ConsentEntry {
            record: ConsentRecord {
                id: r.get(0)?,
                child_id: r.get(1)?,
                // The table's CHECK allows only known purposes.
                purpose: Purpose::parse(&purpose).unwrap_or(Purpose::SocialMedia),
                granted: r.get(3)?,
                given_by: r.get(4)?,
                how: match reference {
                    Some(reference) => HowGiven::WrittenForm { reference },
                    None => HowGiven::SignedOnTablet,
                },
                recorded_by: r.get(6)?,
                recorded_at: r.get(7)?,
                review_by: r.get(8)?,
            },
            recorded_by_name: r.get(9)?,
        })
    })?
    .collect()
}

pub fn insert_consent(conn: &Connection, k: &ConsentRecord) -> rusqlite::Result<()> {
    let reference = match &k.how {
        HowGiven::WrittenForm { reference } => Some(reference.as_str()),
        HowGiven::SignedOnTablet => None,
    };
    conn.prepare_cached(
        "INSERT INTO consents (id, child_id, purpose, granted, given_by, form_reference,
                               recorded_by, recorded_at, review_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        k.id,
        k.child_id,
        k.purpose.as_str(),
        k.granted,
        k.given_by,
        reference,
        k.recorded_by,
        k.recorded_at,
        k.review_by
    ])?;
    Ok(())
}

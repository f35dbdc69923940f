//! Photos used beyond the journals (issue 21): what was chosen, for which use, by whom, the
//! children in each, what was taken down; the setting's social media policy; and the journals'
//! photos a manager chooses from.

use burrow_core::observation::Observation;
use burrow_core::parent_view::published;
use burrow_core::publishing::{FacesPolicy, Use};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

/// One use as kept.
pub struct Row {
    pub id: Uuid,
    pub photo: Uuid,
    pub used_for: Use,
    pub file_name: String,
    pub caption: String,
    pub masked: bool,
    pub chosen_by: Uuid,
    pub chosen_by_name: String,
    pub chosen_at: DateTime<Utc>,
    pub taken_down: Option<(String, DateTime<Utc>)>,
    pub children: Vec<Uuid>,
    pub children_total: usize,
}

pub struct New<'a> {
    pub id: Uuid,
    pub photo: Uuid,
    pub used_for: Use,
    pub day: NaiveDate,
    pub n: u32,
    pub file_name: &'a str,
    pub caption: &'a str,
    pub masked: bool,
    pub by: Uuid,
    pub at: DateTime<Utc>,
    pub children: &'a [Uuid],
}

pub fn add(conn: &Connection, new: &New<'_>) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO published (id, photo_id, used_for, day, n, children_total, file_name, caption,
             masked, chosen_by, chosen_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        new.id,
        new.photo,
        new.used_for.as_str(),
        new.day,
        new.n,
        new.children.len(),
        new.file_name,
        new.caption,
        new.masked,
        new.by,
        new.at
    ])?;
    let mut child = conn.prepare_cached(
        "INSERT OR IGNORE INTO published_children (published_id, child_id) VALUES (?1, ?2)",
    )?;
    for c in new.children {
        child.execute(params![new.id, c])?;
    }
    Ok(())
}

/// The next number for a file chosen on `day` (the setting's files of a day are numbered).
pub fn next_number(conn: &Connection, day: NaiveDate) -> rusqlite::Result<u32> {
    conn.prepare_cached("SELECT COALESCE(MAX(n), 0) + 1 FROM published WHERE day = ?1")?
        .query_row(params![day], |r| r.get(0))
}

/// Every use, newest first; or only `id`'s.
pub fn list(conn: &Connection, only: Option<Uuid>) -> rusqlite::Result<Vec<Row>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.photo_id, p.used_for, p.file_name, p.caption, p.masked, p.chosen_by,
                s.name, p.chosen_at, d.name, p.taken_down_at, p.children_total
         FROM published p JOIN staff s ON s.id = p.chosen_by
              LEFT JOIN staff d ON d.id = p.taken_down_by
         WHERE ?1 IS NULL OR p.id = ?1
         ORDER BY p.chosen_at DESC, p.n DESC",
    )?;
    let rows = stmt
        .query_map(params![only], |r| {
            let used: String = r.get(2)?;
            // A use Burrow does not know is an error, never read as the least strict one.
            let used_for = Use::parse(&used).ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    2,
                    rusqlite::types::Type::Text,
                    "not a use core::publishing knows".into(),
                )
            })?;
            let down_by: Option<String> = r.get(9)?;
            let down: Option<DateTime<Utc>> = r.get(10)?;
            Ok(Row {
                id: r.get(0)?,
                photo: r.get(1)?,
                used_for,
                file_name: r.get(3)?,
                caption: r.get(4)?,
                masked: r.get(5)?,
                chosen_by: r.get(6)?,
                chosen_by_name: r.get(7)?,
                chosen_at: r.get(8)?,
                taken_down: down.map(|at| (down_by.unwrap_or_default(), at)),
                children: Vec::new(),
                children_total: r.get(11)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut children =
        conn.prepare_cached("SELECT child_id FROM published_children WHERE published_id = ?1")?;
    rows.into_iter()
        .map(|mut row| {
            row.children = children
                .query_map(params![row.id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            Ok(row)
        })
        .collect()
}

/// Records that the manager took it down; false if it already was.
pub fn take_down(
    conn: &Connection,
    id: Uuid,
    by: Uuid,
    at: DateTime<Utc>,
) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE published SET taken_down_by = ?2, taken_down_at = ?3
             WHERE id = ?1 AND taken_down_at IS NULL",
        )?
        .execute(params![id, by, at])?
        == 1)
}

/// The photos already in use (not taken down) for `used_for`.
pub fn in_use(conn: &Connection, used_for: Use) -> rusqlite::Result<Vec<Uuid>> {
    conn.prepare_cached(
        "SELECT photo_id FROM published WHERE used_for = ?1 AND taken_down_at IS NULL",
    )?
    .query_map(params![used_for.as_str()], |r| r.get(0))?
    .collect()
}

pub fn policy(conn: &Connection) -> rusqlite::Result<FacesPolicy> {
    let kept: Option<String> = conn
        .prepare_cached("SELECT social_media_faces FROM setting WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(kept
        .as_deref()
        .and_then(FacesPolicy::parse)
        .unwrap_or_default())
}

pub fn set_policy(conn: &Connection, policy: FacesPolicy) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached("UPDATE setting SET social_media_faces = ?1 WHERE id = 1")?
        .execute(params![policy.as_str()])?
        == 1)
}

/// The manager or deputy who signed a photo off for its high-risk child, if anyone has.
pub fn signed_off_by(conn: &Connection, photo: Uuid) -> rusqlite::Result<Option<Uuid>> {
    conn.prepare_cached("SELECT signed_by FROM photo_signoffs WHERE photo_id = ?1")?
        .query_row(params![photo], |r| r.get(0))
        .optional()
}

/// The photos of the journals' shared entries (published to families, so a manager has seen
/// them through the workflow), newest entry first, with the EYFS aspects of the entry each is
/// in: at most `limit` photos.
pub fn journal_photos(
    conn: &Connection,
    limit: usize,
) -> rusqlite::Result<Vec<(Uuid, Vec<String>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT body FROM records WHERE kind = 'observation' AND json_valid(body)
           AND json_array_length(body, '$.photos') > 0
         ORDER BY seq DESC",
    )?;
    let mut rows = stmt.query([])?;
    let mut out: Vec<(Uuid, Vec<String>)> = Vec::new();
    while let Some(row) = rows.next()? {
        let body: String = row.get(0)?;
        let Ok(entry) = serde_json::from_str::<Observation>(&body) else {
            continue;
        };
        if !published(entry.status) {
            continue;
        }
        for photo in entry.photos {
            if !out.iter().any(|(p, _)| *p == photo) {
                out.push((photo, entry.tags.aspects.clone()));
            }
        }
        if out.len() >= limit {
            out.truncate(limit);
            break;
        }
    }
    Ok(out)
}

/// The aspects of the newest shared entry holding `photo`, if one does.
pub fn aspects_of(conn: &Connection, photo: Uuid) -> rusqlite::Result<Option<Vec<String>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT body FROM records r WHERE kind = 'observation' AND json_valid(body)
           AND EXISTS (SELECT 1 FROM json_each(r.body, '$.photos') WHERE value = ?1)
         ORDER BY seq DESC",
    )?;
    let mut rows = stmt.query(params![photo.to_string()])?;
    while let Some(row) = rows.next()? {
        let body: String = row.get(0)?;
        if let Ok(entry) = serde_json::from_str::<Observation>(&body)
            && published(entry.status)
        {
            return Ok(Some(entry.tags.aspects));
        }
    }
    Ok(None)
}

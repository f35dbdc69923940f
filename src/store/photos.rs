//! Photos on the tablet: the picture and its thumbnail sealed in chunks, and a sealed record
//! (who is in it, when) written with its outbox entry. Camera refusals are kept the same way,
//! for the audit log, without any image.

use super::crypto;
use super::db::{NewRecord, Store, StoreError};
use super::keys::Keys;
use burrow_core::envelope::Kind;
use burrow_core::photo::PhotoRecord;
use burrow_core::sync::{NotToday, not_today_id};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

/// A frame as the camera gave it, already scaled and re-encoded.
pub struct Shot {
    pub jpeg: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

fn child_lookups(children: &[Uuid]) -> Vec<(&'static str, String)> {
    children.iter().map(|c| ("child", c.to_string())).collect()
}

fn json<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|e| StoreError::Failed(e.to_string()))
}

/// Seals the photo and its thumbnail (refused before the quota is reached), then its record
/// with the outbox entry. Chunks left by a crash between the two belong to no record and are
/// never shown; the record and its outbox entry are still all or nothing.
pub async fn save(
    store: &Store,
    keys: &Keys,
    shot: &Shot,
    children: &[Uuid],
    taken_by: Uuid,
    taken_at: DateTime<Utc>,
) -> Result<PhotoRecord, StoreError> {
    // The hashes name the photo to the server when it syncs (DESIGN §5: photos go first).
    let sha256 = hex::encode(crypto::sha256(&shot.jpeg).await?);
    let thumb_sha256 = hex::encode(crypto::sha256(&shot.thumb).await?);
    let record = PhotoRecord {
        id: Uuid::now_v7(),
        thumb_id: Uuid::now_v7(),
        children: children.to_vec(),
        taken_by,
        taken_at,
        width: shot.width,
        height: shot.height,
        sha256: Some(sha256),
        thumb_sha256: Some(thumb_sha256),
        regions: Vec::new(),
    };
    store.put_photo(keys, record.id, &shot.jpeg).await?;
    store.put_photo(keys, record.thumb_id, &shot.thumb).await?;
    let body = json(&record)?;
    let lookups = child_lookups(children);
    store
        .put_record(
            keys,
            &NewRecord {
                id: record.id,
                kind: Kind::Photo,
                version: 1,
                lookups: &lookups,
                body: &body,
            },
        )
        .await?;
    Ok(record)
}

/// One photo's record (who is in it, its thumbnail), if this tablet holds it.
pub async fn record(
    store: &Store,
    keys: &Keys,
    id: Uuid,
) -> Result<Option<PhotoRecord>, StoreError> {
    match store.get_record(keys, Kind::Photo, id).await? {
        Some(body) => serde_json::from_slice(&body)
            .map(Some)
            .map_err(|_| StoreError::Damaged { record_id: id }),
        None => Ok(None),
    }
}

/// Every photo this tablet holds, newest first, and the ids of any record that would not open.
pub async fn taken(
    store: &Store,
    keys: &Keys,
) -> Result<(Vec<PhotoRecord>, Vec<Uuid>), StoreError> {
    let mut photos = Vec::new();
    let mut damaged = Vec::new();
    for (id, opened) in store.all_of(keys, Kind::Photo).await? {
        match opened
            .ok()
            .and_then(|b| serde_json::from_slice::<PhotoRecord>(&b).ok())
        {
            Some(p) => photos.push(p),
            None => damaged.push(id),
        }
    }
    photos.sort_by_key(|p| std::cmp::Reverse(p.taken_at));
    Ok((photos, damaged))
}

pub use burrow_core::sync::RefusedCapture;

pub async fn record_refusal(
    store: &Store,
    keys: &Keys,
    refusal: &RefusedCapture,
) -> Result<(), StoreError> {
    let body = json(refusal)?;
    let children: Vec<Uuid> = refusal.reasons.iter().map(|r| r.child_id).collect();
    let lookups = child_lookups(&children);
    store
        .put_record(
            keys,
            &NewRecord {
                id: Uuid::now_v7(),
                kind: Kind::RefusedCapture,
                version: 1,
                lookups: &lookups,
                body: &body,
            },
        )
        .await?;
    Ok(())
}

/// How many refusals this tablet holds for the audit log.
pub async fn refusals(store: &Store, keys: &Keys) -> Result<usize, StoreError> {
    Ok(store.all_of(keys, Kind::RefusedCapture).await?.len())
}

/// The children who have said they do not want photos taken on `day`.
pub async fn not_today(
    store: &Store,
    keys: &Keys,
    day: NaiveDate,
) -> Result<Vec<Uuid>, StoreError> {
    let id = not_today_id(day);
    match store.get_record(keys, Kind::Meta, id).await? {
        Some(body) => serde_json::from_slice::<NotToday>(&body)
            .map(|w| w.children)
            .map_err(|_| StoreError::Damaged { record_id: id }),
        None => Ok(Vec::new()),
    }
}

/// Records the day's wishes (with an outbox entry, so every tablet will honour them).
pub async fn set_not_today(
    store: &Store,
    keys: &Keys,
    day: NaiveDate,
    children: &[Uuid],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let body = json(&NotToday {
        day,
        children: children.to_vec(),
    })?;
    store
        .put_record(
            keys,
            &NewRecord {
                id: not_today_id(day),
                kind: Kind::Meta,
                version: now.timestamp_millis().unsigned_abs(),
                lookups: &[],
                body: &body,
            },
        )
        .await?;
    Ok(())
}

/// Reads a sealed photo back (the thumbnail, to show it was kept).
pub async fn bytes(store: &Store, keys: &Keys, id: Uuid) -> Result<Vec<u8>, StoreError> {
    store
        .get_photo(keys, id)
        .await?
        .ok_or(StoreError::Damaged { record_id: id })
}

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

/// Keeps the faces the key person marked as the photo record's next version, sealed, with its
/// outbox entry (one transaction; sealing happens before it), so sync sends it on top of the
/// version the server holds. The caller checks the regions with core's `check_regions`.
pub async fn mark_faces(
    store: &Store,
    keys: &Keys,
    marked: &PhotoRecord,
) -> Result<PhotoRecord, StoreError> {
    let held = store
        .get_versioned(keys, Kind::Photo, marked.id)
        .await?
        .ok_or(StoreError::Damaged {
            record_id: marked.id,
        })?;
    let mut record: PhotoRecord =
        serde_json::from_slice(&held.body).map_err(|_| StoreError::Damaged {
            record_id: marked.id,
        })?;
    record.regions = marked.regions.clone();
    let body = json(&record)?;
    let lookups = child_lookups(&record.children);
    store
        .put_record(
            keys,
            &NewRecord {
                id: record.id,
                kind: Kind::Photo,
                version: held.version + 1,
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

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::store::keys::keys_from;
    use burrow_core::photo::FaceRegion;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// Marking faces keeps the photo as it was taken, with the regions, as its next version,
    /// and puts that version in the outbox.
    #[wasm_bindgen_test]
    async fn marked_faces_are_the_photo_records_next_version_in_the_outbox() {
        let name = format!("burrow-test-{}", Uuid::now_v7());
        let store = Store::open(&name).await.unwrap();
        let keys = keys_from(&[0x42; 32], Uuid::nil()).await.unwrap();
        let (ava, noah, me) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let shot = Shot {
            jpeg: vec![0xFF, 0xD8, 1, 2, 3],
            thumb: vec![0xFF, 0xD8, 4, 5],
            width: 640,
            height: 480,
        };
        let taken = save(&store, &keys, &shot, &[ava, noah], me, chrono::Utc::now())
            .await
            .unwrap();
        let mut marked = taken.clone();
        marked.regions = vec![FaceRegion::from_corners(noah, (0.6, 0.2), (0.9, 0.7)).unwrap()];
        // Whatever else the caller changed, only the regions are kept.
        marked.children = vec![ava];
        let kept = mark_faces(&store, &keys, &marked).await.unwrap();
        assert_eq!(kept.children, vec![ava, noah]);
        assert_eq!(kept.regions, marked.regions);
        assert_eq!(record(&store, &keys, taken.id).await.unwrap(), Some(kept));
        let outbox = store.outbox(&keys).await.unwrap();
        let last = outbox.last().unwrap();
        assert_eq!((last.record_id, last.version), (taken.id, 2));

        store.close();
        Store::delete(&name).await.unwrap();
    }
}

//! A leaver's data taken off this tablet once the server has deleted it (issue 15 part 7):
//! every record found by the child's lookup (observations, drafts among them, photos with
//! their chunks and thumbnails, two-year checks, the camera's refusals), their waiting outbox
//! entries, and the child's rows in the tablet's copies of the roster and consent answers.
//! One transaction, so a tablet never holds half a leaver.

use super::db::{Store, StoreError};
use super::keys::Keys;
use burrow_core::api::Child;
use burrow_core::consent::ConsentRecord;
use burrow_core::envelope::Kind;
use burrow_core::photo::PhotoRecord;
use uuid::Uuid;

/// Removes everything this tablet holds of `child`. Returns how many records went.
pub async fn forget(store: &Store, keys: &Keys, child: Uuid) -> Result<usize, StoreError> {
    let value = child.to_string();
    let mut records = Vec::new();
    let mut photos = Vec::new();
    for kind in [
        Kind::Observation,
        Kind::Photo,
        Kind::ProgressCheck,
        Kind::RefusedCapture,
    ] {
        for (id, body) in store.find(keys, kind, "child", &value).await? {
            records.push(id);
            if kind == Kind::Photo {
                photos.push(id);
                if let Some(record) = body
                    .ok()
                    .and_then(|b| serde_json::from_slice::<PhotoRecord>(&b).ok())
                {
                    photos.push(record.thumb_id);
                }
            }
        }
    }
    for (id, body) in store.all_of(keys, Kind::Child).await? {
        let theirs = id == child
            || body
                .ok()
                .and_then(|b| serde_json::from_slice::<Child>(&b).ok())
                .is_some_and(|c| c.id == child);
        if theirs {
            records.push(id);
        }
    }
    for (id, body) in store.all_of(keys, Kind::Consent).await? {
        if body
            .ok()
            .and_then(|b| serde_json::from_slice::<ConsentRecord>(&b).ok())
            .is_some_and(|c| c.child_id == child)
        {
            records.push(id);
        }
    }
    let outbox: Vec<u64> = store
        .outbox(keys)
        .await?
        .into_iter()
        .filter(|e| records.contains(&e.record_id))
        .map(|e| e.counter)
        .collect();
    store.remove_all(&records, &photos, &outbox).await?;
    Ok(records.len())
}

//! Two-year progress checks on the tablet: each one sealed, found by child through the keyed
//! index, and written with its outbox entry on every save.

use super::db::{NewRecord, Store, StoreError};
use super::keys::Keys;
use burrow_core::envelope::Kind;
use burrow_core::progress_check::ProgressCheck;
use uuid::Uuid;

pub async fn save(store: &Store, keys: &Keys, check: &ProgressCheck) -> Result<(), StoreError> {
    let body = serde_json::to_vec(check).map_err(|e| StoreError::Failed(e.to_string()))?;
    let lookups = [("child", check.child.to_string())];
    store
        .put_record(
            keys,
            &NewRecord {
                id: check.id,
                kind: Kind::ProgressCheck,
                version: check.version,
                lookups: &lookups,
                body: &body,
            },
        )
        .await?;
    Ok(())
}

/// The child's latest check, if one has been started on this tablet.
pub async fn latest_of_child(
    store: &Store,
    keys: &Keys,
    child: Uuid,
) -> Result<Option<ProgressCheck>, StoreError> {
    let found = store
        .find(keys, Kind::ProgressCheck, "child", &child.to_string())
        .await?;
    let mut checks = Vec::with_capacity(found.len());
    for (id, body) in found {
        let check: ProgressCheck =
            serde_json::from_slice(&body?).map_err(|_| StoreError::Damaged { record_id: id })?;
        checks.push(check);
    }
    Ok(checks.into_iter().max_by_key(|c| c.updated_at))
}

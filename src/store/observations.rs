//! Observations on the tablet: each one sealed, found through the keyed index by child and by
//! author, and written with its outbox entry on every save.

use super::db::{NewRecord, Store, StoreError};
use super::keys::Keys;
use burrow_core::envelope::Kind;
use burrow_core::observation::{Observation, Tombstone};
use uuid::Uuid;

pub(crate) fn lookups(obs: &Observation) -> Vec<(&'static str, String)> {
    let mut lookups: Vec<_> = obs
        .children
        .iter()
        .map(|c| ("child", c.to_string()))
        .collect();
    lookups.push(("author", obs.author.to_string()));
    lookups
}

fn opened(found: Vec<(Uuid, Result<Vec<u8>, StoreError>)>) -> (Vec<Observation>, Vec<Uuid>) {
    let mut all = Vec::with_capacity(found.len());
    let mut damaged = Vec::new();
    for (id, body) in found {
        match body.ok().and_then(|b| serde_json::from_slice(&b).ok()) {
            Some(obs) => all.push(obs),
            None => damaged.push(id),
        }
    }
    (all, damaged)
}

/// Seals the observation as it is now (the caller counts its version) with its outbox entry.
pub async fn save(store: &Store, keys: &Keys, obs: &Observation) -> Result<(), StoreError> {
    let body = serde_json::to_vec(obs).map_err(|e| StoreError::Failed(e.to_string()))?;
    let lookups = lookups(obs);
    store
        .put_record(
            keys,
            &NewRecord {
                id: obs.id,
                kind: Kind::Observation,
                version: obs.version,
                lookups: &lookups,
                body: &body,
            },
        )
        .await?;
    Ok(())
}

/// Seals a change to the observation made on top of `server_version` (see
/// `Store::put_record_on`), on behalf of `by`, with its outbox entry.
pub async fn save_on(
    store: &Store,
    keys: &Keys,
    obs: &Observation,
    server_version: u64,
    by: Uuid,
) -> Result<(), StoreError> {
    let body = serde_json::to_vec(obs).map_err(|e| StoreError::Failed(e.to_string()))?;
    let lookups = lookups(obs);
    let record = NewRecord {
        id: obs.id,
        kind: Kind::Observation,
        version: obs.version,
        lookups: &lookups,
        body: &body,
    };
    store
        .put_record_on(keys, &record, server_version, by)
        .await?;
    Ok(())
}

/// The observation, or None if it is not on this tablet or was deleted.
pub async fn get(store: &Store, keys: &Keys, id: Uuid) -> Result<Option<Observation>, StoreError> {
    let Some(body) = store.get_record(keys, Kind::Observation, id).await? else {
        return Ok(None);
    };
    if let Ok(obs) = serde_json::from_slice(&body) {
        return Ok(Some(obs));
    }
    match serde_json::from_slice::<Tombstone>(&body) {
        Ok(_) => Ok(None),
        Err(_) => Err(StoreError::Damaged { record_id: id }),
    }
}

/// Deletes a draft (the caller has asked core's workflow): its next version is a tombstone with
/// no lookups, so it leaves the journals and the day at once, and sync carries the deletion.
/// Its photos stay on the tablet, on the photo page, until they are synced or removed there.
pub async fn delete(
    store: &Store,
    keys: &Keys,
    obs: &Observation,
    by: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let gone = Tombstone {
        id: obs.id,
        deleted_by: by,
        deleted_at: now,
    };
    let body = serde_json::to_vec(&gone).map_err(|e| StoreError::Failed(e.to_string()))?;
    store
        .put_record(
            keys,
            &NewRecord {
                id: obs.id,
                kind: Kind::Observation,
                version: obs.version + 1,
                lookups: &[],
                body: &body,
            },
        )
        .await?;
    Ok(())
}

/// A child's observations (in any order), and the ids of any that would not open.
pub async fn of_child(
    store: &Store,
    keys: &Keys,
    child: Uuid,
) -> Result<(Vec<Observation>, Vec<Uuid>), StoreError> {
    let found = store
        .find(keys, Kind::Observation, "child", &child.to_string())
        .await?;
    Ok(opened(found))
}

/// What one member of staff wrote on this tablet.
pub async fn by_author(
    store: &Store,
    keys: &Keys,
    author: Uuid,
) -> Result<(Vec<Observation>, Vec<Uuid>), StoreError> {
    let found = store
        .find(keys, Kind::Observation, "author", &author.to_string())
        .await?;
    Ok(opened(found))
}

/// Adds a photo just taken to an observation, as its next version.
pub async fn add_photo(
    store: &Store,
    keys: &Keys,
    id: Uuid,
    photo: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let mut obs = get(store, keys, id).await?.ok_or(StoreError::Failed(
        "the observation is not on this tablet".into(),
    ))?;
    obs.photos.push(photo);
    obs.version += 1;
    obs.updated_at = now;
    save(store, keys, &obs).await
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::store::keys::keys_from;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// A deleted draft is gone from its children's journals and its author's list, opens as
    /// "not on this tablet", and the deletion is in the outbox as the record's next version.
    #[wasm_bindgen_test]
    async fn a_deleted_draft_leaves_the_journals_and_its_deletion_is_sent() {
        let name = format!("burrow-test-{}", Uuid::now_v7());
        let store = Store::open(&name).await.unwrap();
        let keys = keys_from(&[0x42; 32], Uuid::nil()).await.unwrap();
        let (child, author) = (Uuid::now_v7(), Uuid::now_v7());
        let mut obs = Observation::new(Uuid::now_v7(), author, vec![child], chrono::Utc::now());
        obs.text = "Built a tower".into();
        save(&store, &keys, &obs).await.unwrap();
        assert_eq!(of_child(&store, &keys, child).await.unwrap().0.len(), 1);

        delete(&store, &keys, &obs, author, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!(get(&store, &keys, obs.id).await.unwrap(), None);
        assert_eq!(
            of_child(&store, &keys, child).await.unwrap(),
            (vec![], vec![])
        );
        assert_eq!(
            by_author(&store, &keys, author).await.unwrap(),
            (vec![], vec![])
        );
        let outbox = store.outbox(&keys).await.unwrap();
        let last = outbox.last().unwrap();
        assert_eq!((last.record_id, last.version), (obs.id, obs.version + 1));

        store.close();
        Store::delete(&name).await.unwrap();
    }
}

//! Observations on the tablet: each one sealed, found through the keyed index by child and by
//! author, and written with its outbox entry on every save.

use super::db::{NewRecord, Store, StoreError};
use super::keys::Keys;
use burrow_core::envelope::Kind;
use burrow_core::observation::Observation;
use uuid::Uuid;

fn lookups(obs: &Observation) -> Vec<(&'static str, String)> {
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

pub async fn get(store: &Store, keys: &Keys, id: Uuid) -> Result<Option<Observation>, StoreError> {
    match store.get_record(keys, Kind::Observation, id).await? {
        Some(body) => serde_json::from_slice(&body)
            .map(Some)
            .map_err(|_| StoreError::Damaged { record_id: id }),
        None => Ok(None),
    }
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

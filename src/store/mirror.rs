//! Lists the server owns, kept sealed on the tablet so screens (and the camera's consent check)
//! work when the setting's server is out of reach: the garden, an outing, the Wi-Fi down.

use super::db::{NewRecord, Store, StoreError};
use super::keys::Keys;
use burrow_core::envelope::Kind;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// What the tablet holds: the items it could open, and the ids of any it could not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept<T> {
    pub items: Vec<T>,
    pub damaged: Vec<Uuid>,
}

/// Replaces the tablet's copy of `kind` with the server's list, in one transaction.
pub async fn keep<T: Serialize>(
    store: &Store,
    keys: &Keys,
    kind: Kind,
    items: &[T],
    id: impl Fn(&T) -> Uuid,
) -> Result<(), StoreError> {
    let bodies: Vec<Vec<u8>> = items
        .iter()
        .map(|c| serde_json::to_vec(c).map_err(|e| StoreError::Failed(e.to_string())))
        .collect::<Result<_, _>>()?;
    let records: Vec<NewRecord<'_>> = items
        .iter()
        .zip(&bodies)
        .map(|(item, body)| NewRecord {
            id: id(item),
            kind,
            version: 1,
            lookups: &[],
            body,
        })
        .collect();
    store.replace_from_server(keys, kind, &records).await
}

/// The tablet's copy of `kind`; a record that does not open is named, never skipped.
pub async fn kept<T: DeserializeOwned>(
    store: &Store,
    keys: &Keys,
    kind: Kind,
) -> Result<Kept<T>, StoreError> {
    let mut out = Kept {
        items: Vec::new(),
        damaged: Vec::new(),
    };
    for (id, opened) in store.all_of(keys, kind).await? {
        match opened.ok().and_then(|b| serde_json::from_slice(&b).ok()) {
            Some(item) => out.items.push(item),
            None => out.damaged.push(id),
        }
    }
    Ok(out)
}

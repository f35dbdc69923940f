//! What this tablet holds (issue 16): counts, dates and size, read from the store without
//! opening a picture; shown on the sync page and sent to the server for the manager's list.

use super::db::{Store, StoreError};
use super::health;
use super::keys::Keys;
use super::purge::{self, Known};
use burrow_core::envelope::Kind;
use burrow_core::holdings::Holdings;

pub async fn of(store: &Store, keys: &Keys) -> Result<Holdings, StoreError> {
    from_known(store, keys, &purge::known(store, keys).await?).await
}

/// The same from the photos already `known` (the end of a sync has just read them to purge).
pub async fn from_known(store: &Store, keys: &Keys, known: &Known) -> Result<Holdings, StoreError> {
    let mut records = 0usize;
    for kind in [Kind::Observation, Kind::ProgressCheck] {
        records += store.count_of(keys, kind).await?;
    }
    let here: Vec<_> = known
        .records
        .iter()
        .filter(|(r, _)| known.held.contains(&r.id))
        .collect();
    Ok(Holdings {
        records: records as u32,
        photos: known.records.len() as u32,
        photos_here: here.len() as u32,
        oldest_photo_here: here.iter().map(|(_, p)| p.taken_on).min(),
        not_on_server: known.waiting.len() as u32,
        bytes: health::estimate().await.map(|e| e.usage),
    })
}

//! What this tablet holds (issue 16): counts, dates and size, read from the store without
//! opening a picture; shown on the sync page and sent to the server for the manager's list.

use super::db::{Store, StoreError};
use super::keys::Keys;
use super::{health, purge, sync_state};
use burrow_core::envelope::Kind;
use burrow_core::holdings::Holdings;

pub async fn of(store: &Store, keys: &Keys) -> Result<Holdings, StoreError> {
    let known = purge::known(store, keys).await?;
    let mut records = 0usize;
    for kind in [Kind::Observation, Kind::ProgressCheck] {
        records += store.all_of(keys, kind).await?.len();
    }
    let here: Vec<_> = known
        .records
        .iter()
        .filter(|(r, _)| known.held.contains(&r.id))
        .collect();
    let waiting = sync_state::waiting(&store.outbox(keys).await?);
    Ok(Holdings {
        records: records as u32,
        photos: known.records.len() as u32,
        photos_here: here.len() as u32,
        oldest_photo_here: here.iter().map(|(_, p)| p.taken_on).min(),
        not_on_server: waiting.len() as u32,
        bytes: health::estimate().await.map(|e| e.usage),
    })
}

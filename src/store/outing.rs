//! A tablet on an outing (issue 16): it carries only the children going, by first name, with
//! their answers for the camera, and the photos taken while out (sealed as always). Everything
//! else it held is on the setting's server (core's `outing::ready` saw to that) and leaves the
//! tablet; the pull checkpoint goes back to the start first, so the next sync back on the
//! premises brings it all back, even after a crash half way.

use super::db::{Store, StoreError};
use super::keys::Keys;
use super::sync_state::CHECKPOINT_KEY;
use super::{mirror, roster};
use burrow_core::api::Child;
use burrow_core::consent::ConsentRecord;
use burrow_core::envelope::Kind;
use burrow_core::outing::carried;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where the outing is kept (meta, in the clear: a time and a count, no names).
const OUTING_KEY: &str = "outing";

/// This tablet's outing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnOuting {
    pub since: DateTime<Utc>,
    pub children: u32,
    /// The setting's server has been out of reach since: the next sync that reaches it means
    /// the tablet is back.
    pub left: bool,
}

pub async fn current(store: &Store) -> Result<Option<OnOuting>, StoreError> {
    store.meta(OUTING_KEY).await
}

/// The tablet lost the server: it is away.
pub async fn left(store: &Store) -> Result<(), StoreError> {
    if let Some(mut outing) = current(store).await?
        && !outing.left
    {
        outing.left = true;
        store.set_meta(OUTING_KEY, &outing).await?;
    }
    Ok(())
}

/// Back: the outing ends (the caller has synced everything back).
pub async fn end(store: &Store) -> Result<(), StoreError> {
    store.forget_meta(OUTING_KEY).await
}

/// The outing starts with the tablet keeping everything it holds (the setting's switch is off).
pub async fn begin_keeping_all(
    store: &Store,
    children: u32,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    store
        .set_meta(
            OUTING_KEY,
            &OnOuting {
                since: now,
                children,
                left: false,
            },
        )
        .await
}

/// Takes off this tablet everything but what the outing needs. Returns how many records went.
pub async fn begin(
    store: &Store,
    keys: &Keys,
    going: &[Uuid],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    // First, so whatever goes below comes back at the next sync on the premises.
    store.set_meta_number(CHECKPOINT_KEY, 0).await?;
    let mut records = Vec::new();
    for kind in [
        Kind::Observation,
        Kind::ProgressCheck,
        Kind::Photo,
        Kind::RefusedCapture,
    ] {
        for (id, _) in store.all_of(keys, kind).await? {
            records.push(id);
        }
    }
    // Every picture's chunks, a record that would not open among them: all are on the server.
    let photos: Vec<Uuid> = store.photos_held().await?.into_iter().collect();
    store.remove_all(&records, &photos, &[]).await?;
    let children: Vec<Child> = roster::kept(store, keys)
        .await?
        .children
        .iter()
        .filter(|c| going.contains(&c.id))
        .map(carried)
        .collect();
    roster::keep(store, keys, &children).await?;
    let consents: Vec<ConsentRecord> = mirror::kept::<ConsentRecord>(store, keys, Kind::Consent)
        .await?
        .items
        .into_iter()
        .filter(|c| going.contains(&c.child_id))
        .collect();
    mirror::keep(store, keys, Kind::Consent, &consents, |c| c.id).await?;
    store
        .set_meta(
            OUTING_KEY,
            &OnOuting {
                since: now,
                children: children.len() as u32,
                left: false,
            },
        )
        .await?;
    Ok(records.len())
}

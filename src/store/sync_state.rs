//! What sync remembers on the tablet, sealed (a refusal's reason can name a child): the changes
//! the server refused, with the reason to show against each, and when the tablet last synced.
//! Which records are still only on this tablet is not kept here: it is what the outbox holds.

use super::crypto;
use super::db::{Kept, OutboxEntry, Store, StoreError};
use super::keys::Keys;
use burrow_core::envelope::{Aad, Kind};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uuid::Uuid;

/// The meta key the sealed state lives under.
pub const STATE_KEY: &str = "sync_state";
/// The meta key of the pull checkpoint: the last server sequence number this tablet holds.
pub const CHECKPOINT_KEY: &str = "pull_checkpoint";
/// The sealed state's envelope is bound to this id, so no other record can stand in for it.
const STATE_ID: Uuid = Uuid::from_u128(0x7379_6e63_2d73_7461_7465_0000_0000_0001);

/// A change the server would not keep, and why: shown until a later change to the same record
/// is kept, or the person says they have seen it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedChange {
    pub record_id: Uuid,
    /// The server's kind name (`burrow_core::sync::RecordKind::as_str`).
    pub kind: String,
    pub version: u64,
    pub reason: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    pub refused: Vec<RefusedChange>,
    pub last_synced: Option<DateTime<Utc>>,
}

fn aad() -> Aad {
    Aad::record(Kind::Meta, STATE_ID, 0)
}

pub async fn load(store: &Store, keys: &Keys) -> Result<SyncState, StoreError> {
    let Some(sealed) = store.meta_bytes(STATE_KEY).await? else {
        return Ok(SyncState::default());
    };
    let plain = crypto::open(&keys.records, &aad(), &sealed)
        .await
        .map_err(|_| StoreError::Damaged {
            record_id: STATE_ID,
        })?;
    serde_json::from_slice(&plain).map_err(|_| StoreError::Damaged {
        record_id: STATE_ID,
    })
}

pub async fn seal(keys: &Keys, state: &SyncState) -> Result<Vec<u8>, StoreError> {
    let plain = serde_json::to_vec(state).map_err(|e| StoreError::Failed(e.to_string()))?;
    Ok(crypto::seal(&keys.records, &aad(), &plain).await?)
}

/// Takes the answered changes out of the outbox and keeps `state`, in one transaction.
pub async fn answered(
    store: &Store,
    keys: &Keys,
    counters: &[u64],
    kept: &[Kept],
    state: &SyncState,
) -> Result<(), StoreError> {
    store
        .answered(counters, kept, STATE_KEY, &seal(keys, state).await?)
        .await
}

/// Keeps `state` alone (no answer to settle).
pub async fn save(store: &Store, keys: &Keys, state: &SyncState) -> Result<(), StoreError> {
    answered(store, keys, &[], &[], state).await
}

/// The records with a change the server has not answered yet: only on this tablet.
pub fn waiting(outbox: &[OutboxEntry]) -> HashSet<Uuid> {
    outbox.iter().map(|e| e.record_id).collect()
}

/// Where one record stands with the server, for its receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receipt {
    /// Changed here since the server last took it.
    OnlyHere,
    /// The server refused its latest change, with the reason.
    Refused(String),
    /// The server holds it as it is here.
    OnServer,
}

pub fn receipt(id: Uuid, waiting: &HashSet<Uuid>, state: &SyncState) -> Receipt {
    if waiting.contains(&id) {
        return Receipt::OnlyHere;
    }
    match state.refused.iter().rev().find(|r| r.record_id == id) {
        Some(r) => Receipt::Refused(r.reason.clone()),
        None => Receipt::OnServer,
    }
}

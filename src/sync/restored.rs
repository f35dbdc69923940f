//! Before anything moves, is this the server the tablet knows? A server restored from a backup
//! has a new history; if it lacks work it had answered this tablet, or records this tablet
//! pulled, sync stops here and the tablet keeps everything (core's `sync::restored`).

use super::SyncError;
use crate::enrolment::Signer;
use crate::store::db::Store;
use crate::store::keys::Keys;
use crate::store::sync_state::CHECKPOINT_KEY;
use burrow_core::sync::restored::{Meeting, SyncStanding, answered_up_to, meet};

/// The meta key of the server's history id as this tablet last met it (a random id, nothing
/// personal, so not sealed).
pub const HISTORY_KEY: &str = "server_history";

pub async fn check(store: &Store, keys: &Keys, signer: &Signer) -> Result<Meeting, SyncError> {
    let response = signer.send("GET", "/api/sync/standing", b"", "").await?;
    let standing: SyncStanding = crate::api::read(response).await?;
    let known: Option<String> = store.meta(HISTORY_KEY).await?;
    let waiting: Vec<u64> = store
        .outbox(keys)
        .await?
        .iter()
        .map(|e| e.counter)
        .collect();
    let answered = answered_up_to(store.mutation_counter().await?, waiting);
    let checkpoint = store.meta_number(CHECKPOINT_KEY).await?;
    let meeting = meet(known.as_deref(), &standing, answered, checkpoint);
    if meeting == Meeting::Adopt {
        store.set_meta(HISTORY_KEY, &standing.history).await?;
    }
    Ok(meeting)
}

//! Before anything moves, is this the server the tablet knows? A server restored from a backup
//! has a new history; if it lacks work it had answered this tablet, or records this tablet
//! pulled (core's `sync::restored`), the tablet sends back everything it holds that the server
//! once kept and lost (`resend`), then pulls again from where the restored server stood. Until
//! that is done, nothing is pushed or pulled and no photo leaves the tablet.

use super::{Sync, SyncError, resend};
use crate::enrolment::Signer;
use crate::store::db::Store;
use crate::store::keys::Keys;
use crate::store::sync_state::CHECKPOINT_KEY;
use burrow_core::sync::restored::{Meeting, SyncStanding, answered_up_to, meet};
use serde::{Deserialize, Serialize};

/// The meta key of the server's history id as this tablet last met it (a random id, nothing
/// personal, so not sealed).
pub const HISTORY_KEY: &str = "server_history";
/// The meta key of a send-back under way: which restored server, and the newest sequence number
/// it held from its backup. Kept until the send-back is whole, so a run cut short carries on next time
/// even once the server's own numbers have moved past the tablet's.
const RESENDING_KEY: &str = "resending_to";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Resending {
    history: String,
    restored_at: u64,
}

pub async fn check(
    store: &Store,
    keys: &Keys,
    signer: &Signer,
    sync: Sync,
) -> Result<(), SyncError> {
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
    let under_way = store
        .meta::<Option<Resending>>(RESENDING_KEY)
        .await?
        .flatten()
        .filter(|r| r.history == standing.history);
    let resending = match (
        under_way,
        meet(known.as_deref(), &standing, answered, checkpoint),
    ) {
        (Some(r), _) => r,
        (None, Meeting::Same) => return Ok(()),
        (None, Meeting::Adopt) => {
            store.set_meta(HISTORY_KEY, &standing.history).await?;
            return Ok(());
        }
        (None, Meeting::Lost) => {
            let r = Resending {
                history: standing.history.clone(),
                restored_at: standing.restored_at,
            };
            store.set_meta(RESENDING_KEY, &Some(&r)).await?;
            r
        }
    };
    resend::run(store, keys, signer, sync, answered).await?;
    // Everything is back: pull again from where the restored server stood, so what other
    // tablets send back reaches this one too.
    store
        .set_meta_number(CHECKPOINT_KEY, checkpoint.min(resending.restored_at))
        .await?;
    store.set_meta(HISTORY_KEY, &standing.history).await?;
    store.set_meta(RESENDING_KEY, &None::<Resending>).await?;
    Ok(())
}

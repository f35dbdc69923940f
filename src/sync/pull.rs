//! Pull: what changed on the server after this tablet's checkpoint, page by page. Each page's
//! photos are fetched first; then its records and the new checkpoint are written in one
//! transaction, so a cut halfway leaves the tablet at the last whole page. A record changed
//! here and not yet pushed is newer than the server's and stays as it is.

use super::SyncError;
use crate::enrolment::Signer;
use crate::store::db::{FromServer, NewRecord, Store, StoreError};
use crate::store::keys::Keys;
use crate::store::leaver;
use crate::store::observations;
use crate::store::sync_state::{self, CHECKPOINT_KEY};
use burrow_core::envelope::Kind;
use burrow_core::observation::Observation;
use burrow_core::photo::PhotoRecord;
use burrow_core::progress_check::ProgressCheck;
use burrow_core::retention::PhotoWindow;
use burrow_core::sync::{PullAnswer, Pulled, RecordKind};
use std::collections::HashMap;
use uuid::Uuid;

fn damaged(id: Uuid) -> SyncError {
    SyncError::Store(StoreError::Damaged { record_id: id })
}

/// Fetches a photo this tablet lacks, or whose bytes the server changed (a group photo with a
/// leaver's face masked for good: the tablet's copy of the original must go), and seals it.
async fn fetch_photo(
    store: &Store,
    keys: &Keys,
    signer: &Signer,
    photo_id: Uuid,
    sha256: Option<&str>,
    held: Option<&str>,
) -> Result<(), SyncError> {
    let Some(sha256) = sha256 else {
        return Ok(());
    };
    let changed = held.is_some_and(|h| h != sha256);
    if !changed && store.has_photo(photo_id).await? {
        return Ok(());
    }
    let response = signer
        .send("GET", &format!("/api/photos/{sha256}"), b"", "")
        .await?;
    if !response.ok() {
        return Err(crate::api::read::<()>(response)
            .await
            .err()
            .map_or_else(|| damaged(photo_id), SyncError::Api));
    }
    let bytes = response
        .binary()
        .await
        .map_err(|_| SyncError::Api(crate::api::ApiError::BadAnswer))?;
    store.put_photo(keys, photo_id, &bytes).await?;
    Ok(())
}

/// One pulled record sealed for the store, with the lookups its kind is found by.
async fn sealed(store: &Store, keys: &Keys, p: &Pulled) -> Result<Option<FromServer>, SyncError> {
    let body = serde_json::to_vec(&p.body).map_err(|_| damaged(p.id))?;
    let (kind, lookups): (Kind, Vec<(&str, String)>) = match p.kind {
        RecordKind::Observation if p.deleted => (Kind::Observation, Vec::new()),
        RecordKind::Observation => {
            let obs: Observation =
                serde_json::from_value(p.body.clone()).map_err(|_| damaged(p.id))?;
            (Kind::Observation, observations::lookups(&obs))
        }
        RecordKind::ProgressCheck => {
            let check: ProgressCheck =
                serde_json::from_value(p.body.clone()).map_err(|_| damaged(p.id))?;
            (
                Kind::ProgressCheck,
                vec![("child", check.child.to_string())],
            )
        }
        RecordKind::Photo => {
            let record: PhotoRecord =
                serde_json::from_value(p.body.clone()).map_err(|_| damaged(p.id))?;
            (
                Kind::Photo,
                record
                    .children
                    .iter()
                    .map(|c| ("child", c.to_string()))
                    .collect(),
            )
        }
        RecordKind::NotToday => (Kind::Meta, Vec::new()),
        // Never sent to tablets; ignored if it were.
        RecordKind::RefusedCapture => return Ok(None),
    };
    let lookups: Vec<(&str, String)> = lookups;
    let record = NewRecord {
        id: p.id,
        kind,
        version: p.version,
        lookups: &lookups,
        body: &body,
    };
    Ok(Some(
        store
            .seal_from_server(keys, &record, p.receipt.as_deref())
            .await?,
    ))
}

/// What a pull did here.
pub struct Pull {
    /// Records that changed on this tablet.
    pub changed: usize,
    /// Changes to a leaver's group entries kept for the other children: new changes to push.
    pub kept_for_others: usize,
    /// Which photos this tablet keeps, by the server's date.
    pub photo_window: Option<PhotoWindow>,
}

/// Pulls until the server has nothing newer.
pub async fn run(store: &Store, keys: &Keys, signer: &Signer) -> Result<Pull, SyncError> {
    let mut checkpoint = store.meta_number(CHECKPOINT_KEY).await?;
    // From the beginning (a new tablet, or one back from an outing that let its records go):
    // this tablet's own changes come back too.
    let own = if checkpoint == 0 { "&own=true" } else { "" };
    let mut changed = 0;
    // The server's versions of records left aside for a change waiting here.
    let mut left_aside: HashMap<Uuid, u64> = HashMap::new();
    loop {
        let response = signer
            .send(
                "GET",
                &format!("/api/sync/pull?after={checkpoint}{own}"),
                b"",
                "",
            )
            .await?;
        let page: PullAnswer = crate::api::read(response).await?;
        let keep_from = page.photo_window.and_then(|w| w.keep_from);
        for p in &page.records {
            if p.kind == RecordKind::Photo
                && let Ok(record) = serde_json::from_value::<PhotoRecord>(p.body.clone())
            {
                // Older than the setting's window and not here: the server holds it and this
                // tablet need not (the journal shows it from the server on the premises). One
                // held here is left to the purge, which knows whether a draft still needs it.
                if keep_from.is_some_and(|from| crate::today::local_day(record.taken_at) < from)
                    && !store.has_photo(record.id).await?
                    && !store.has_photo(record.thumb_id).await?
                {
                    continue;
                }
                let held: Option<PhotoRecord> = store
                    .get_record(keys, Kind::Photo, record.id)
                    .await
                    .ok()
                    .flatten()
                    .and_then(|b| serde_json::from_slice(&b).ok());
                fetch_photo(
                    store,
                    keys,
                    signer,
                    record.thumb_id,
                    record.thumb_sha256.as_deref(),
                    held.as_ref().and_then(|h| h.thumb_sha256.as_deref()),
                )
                .await?;
                fetch_photo(
                    store,
                    keys,
                    signer,
                    record.id,
                    record.sha256.as_deref(),
                    held.as_ref().and_then(|h| h.sha256.as_deref()),
                )
                .await?;
            }
        }
        // A record with a change waiting here keeps it: the next push sends it on top of the
        // version it was made on, and the server decides. Any other takes the server's copy.
        let mut tries = 0;
        loop {
            let counter = store.mutation_counter().await?;
            let waiting = sync_state::waiting(&store.outbox(keys).await?);
            let ids: Vec<Uuid> = page.records.iter().map(|p| p.id).collect();
            let here = store.versions(&ids).await?;
            // Already here exactly as the server holds it (this tablet's own change, kept).
            let same = |p: &Pulled| here.get(&p.id) == Some(&(p.version, p.version));
            for p in page.records.iter().filter(|p| waiting.contains(&p.id)) {
                left_aside.insert(p.id, p.version);
            }
            // A change of this tablet's to an entry naming a leaver, refused just now because
            // the server had already rewritten it without them: set aside rather than
            // overwritten, to be kept for the others on top of that rewrite below.
            let leavers: Vec<Uuid> = page.deletions.iter().map(|d| d.child).collect();
            let mut aside = std::collections::HashSet::new();
            if !leavers.is_empty() {
                for p in page.records.iter().filter(|p| {
                    p.kind == RecordKind::Observation && !p.deleted && !waiting.contains(&p.id)
                }) {
                    let Some(&(version, held)) = here.get(&p.id) else {
                        continue;
                    };
                    if version <= held {
                        continue;
                    }
                    let names_a_leaver = observations::get(store, keys, p.id)
                        .await
                        .ok()
                        .flatten()
                        .is_some_and(|local| local.children.iter().any(|c| leavers.contains(c)));
                    if names_a_leaver {
                        left_aside.insert(p.id, p.version);
                        aside.insert(p.id);
                    }
                }
            }
            let mut rows = Vec::with_capacity(page.records.len());
            for p in page
                .records
                .iter()
                .filter(|p| !waiting.contains(&p.id) && !aside.contains(&p.id) && !same(p))
            {
                if let Some(row) = sealed(store, keys, p).await? {
                    rows.push(row);
                }
            }
            match store
                .put_from_server(&rows, CHECKPOINT_KEY, page.last, counter)
                .await
            {
                Ok(()) => {
                    changed += rows.len();
                    break;
                }
                Err(StoreError::ChangedMeanwhile) if tries < 3 => tries += 1,
                Err(e) => return Err(e.into()),
            }
        }
        checkpoint = page.last;
        if !page.more {
            // Leavers the server deleted: what it kept of them for the others came in these
            // pages; everything else of theirs goes from here, and the server hears so.
            let mut kept = Vec::new();
            if !page.deletions.is_empty() {
                for deletion in &page.deletions {
                    kept.extend(
                        leaver::keep_changes_for_others(store, keys, deletion.child, &left_aside)
                            .await?,
                    );
                    changed += leaver::forget(store, keys, deletion.child).await?;
                }
                // A refusal of a change now kept for the others no longer stands.
                if !kept.is_empty() {
                    let mut state = sync_state::load(store, keys).await?;
                    state.refused.retain(|r| !kept.contains(&r.record_id));
                    sync_state::save(store, keys, &state).await?;
                }
                let done = burrow_core::api::DeletionsDone {
                    ids: page.deletions.iter().map(|d| d.id).collect(),
                };
                let body = serde_json::to_vec(&done)
                    .map_err(|_| SyncError::Api(crate::api::ApiError::BadAnswer))?;
                let response = signer
                    .send("POST", "/api/sync/deletions", &body, "application/json")
                    .await?;
                if !response.ok() {
                    crate::api::read::<()>(response).await?;
                }
            }
            return Ok(Pull {
                changed: changed + kept.len(),
                kept_for_others: kept.len(),
                photo_window: page.photo_window,
            });
        }
    }
}

//! Push: the outbox, oldest change first, as operations. A change a later one replaced goes
//! with no body (its counter is answered, nothing kept). Photos go before the records that
//! name them, each uploaded from wherever the server says it got to. Every answer is kept with
//! the outbox entries it settles, in one transaction: a refusal with its reason, to show.

use super::{Phase, Progress, Sync, SyncError};
use crate::api::ApiError;
use crate::enrolment::Signer;
use crate::store::crypto;
use crate::store::db::{Kept, OutboxEntry, Store, StoreError};
use crate::store::keys::Keys;
use crate::store::sync_state::{self, RefusedChange};
use burrow_core::envelope::Kind;
use burrow_core::photo::PhotoRecord;
use burrow_core::sync::{
    BATCH_MAX, MissingAnswer, MissingRequest, Outcome, PhotoWanted, PushAnswer, PushOp,
    PushRequest, RecordKind, UPLOAD_CHUNK, UploadAnswer,
};
use chrono::Utc;
use leptos::prelude::*;

/// The envelope kinds an outbox can hold, and the server's name for each.
pub(super) const KINDS: [(Kind, RecordKind); 5] = [
    (Kind::Observation, RecordKind::Observation),
    (Kind::ProgressCheck, RecordKind::ProgressCheck),
    (Kind::Photo, RecordKind::Photo),
    (Kind::RefusedCapture, RecordKind::RefusedCapture),
    (Kind::Meta, RecordKind::NotToday),
];

fn kind_of(kind: u8) -> Option<(Kind, RecordKind)> {
    KINDS.into_iter().find(|(k, _)| *k as u8 == kind)
}

/// What is sent for a record this tablet cannot read: not null (that would mean "replaced by a
/// later change"), but a body no kind accepts, so the server refuses it and says so.
fn unreadable() -> serde_json::Value {
    serde_json::json!({ "unreadable_on_tablet": true })
}

/// The operation for one outbox entry: the record's body if it is still at this version.
async fn op(store: &Store, keys: &Keys, entry: &OutboxEntry) -> Result<PushOp, SyncError> {
    let mut base = 0;
    let body = match kind_of(entry.kind) {
        Some((kind, _)) => match store.get_versioned(keys, kind, entry.record_id).await {
            // A record that will not open is still sent, unreadable: the server refuses it and
            // the refusal names it here. Skipping it would stall every change after it.
            Err(StoreError::Damaged { .. }) => Some(unreadable()),
            Err(e) => return Err(e.into()),
            Ok(Some(v)) if v.version == entry.version => {
                base = v.server_version;
                Some(serde_json::from_slice(&v.body).unwrap_or_else(|_| unreadable()))
            }
            Ok(_) => None,
        },
        None => Some(unreadable()),
    };
    Ok(PushOp {
        counter: entry.counter,
        record_id: entry.record_id,
        // An unknown kind is sent all the same: the server refuses it by name, the queue goes on.
        kind: kind_of(entry.kind).map_or_else(
            || format!("kind {}", entry.kind),
            |(_, r)| r.as_str().to_owned(),
        ),
        version: entry.version,
        base,
        by: entry.by.unwrap_or(keys.person),
        body,
    })
}

/// Photos asked about in one question: a round trip saved per photo, while only this many
/// pictures (and thumbnails) are open in memory at once.
pub(super) const PHOTOS_PER_QUESTION: usize = 16;

/// Sends what the server lacks of these pictures (one question for all), each from the offset
/// the server says it holds. A picture that will not open here is left out: its record goes
/// without it and the server refuses it for want of the photo, which the sync screen shows.
pub(super) async fn upload(
    store: &Store,
    keys: &Keys,
    signer: &Signer,
    images: &[(uuid::Uuid, String)],
    sync: Sync,
    progress: &mut Progress,
) -> Result<(), SyncError> {
    let mut opened: Vec<(String, Vec<u8>)> = Vec::with_capacity(images.len());
    for (id, sha256) in images {
        // The same picture twice (a thumbnail shared by two records) is sent once.
        if opened.iter().any(|(h, _)| h == sha256) {
            continue;
        }
        match store.get_photo(keys, *id).await {
            Ok(Some(bytes)) => opened.push((sha256.clone(), bytes)),
            Ok(None) | Err(StoreError::Damaged { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    if opened.is_empty() {
        return Ok(());
    }
    let asked: MissingAnswer = signer
        .json(
            "POST",
            "/api/photos/missing",
            &MissingRequest {
                photos: opened
                    .iter()
                    .map(|(sha256, bytes)| PhotoWanted {
                        sha256: sha256.clone(),
                        size: bytes.len() as u64,
                    })
                    .collect(),
            },
        )
        .await?;
    let mut wanted: Vec<(&str, &[u8], usize)> = Vec::with_capacity(asked.missing.len());
    for missing in &asked.missing {
        if let Some((sha256, bytes)) = opened.iter().find(|(h, _)| *h == missing.sha256)
            && !wanted.iter().any(|(h, _, _)| h == sha256)
        {
            let offset = (missing.offset as usize).min(bytes.len());
            progress.bytes += (bytes.len() - offset) as u64;
            wanted.push((sha256, bytes, offset));
        }
    }
    for (sha256, bytes, offset) in wanted {
        progress.bytes_done += send_photo(signer, sha256, bytes, offset).await?;
        sync.phase.set(Phase::Syncing(*progress));
    }
    Ok(())
}

/// One photo's pieces from `offset` on, each answered before the next goes. Returns the bytes
/// the server took.
async fn send_photo(
    signer: &Signer,
    sha256: &str,
    bytes: &[u8],
    mut offset: usize,
) -> Result<u64, SyncError> {
    let from = offset;
    while offset < bytes.len() {
        let end = (offset + UPLOAD_CHUNK).min(bytes.len());
        let path = format!("/api/photos/{sha256}?offset={offset}");
        let response = signer
            .send("PUT", &path, &bytes[offset..end], "image/jpeg")
            .await?;
        let answer: UploadAnswer = crate::api::read(response).await?;
        offset = answer.received as usize;
        if answer.complete {
            break;
        }
    }
    Ok(offset.saturating_sub(from) as u64)
}

/// Makes sure a photo record carries its hashes (records from before photos synced do not).
async fn with_hashes(
    store: &Store,
    keys: &Keys,
    record: &mut PhotoRecord,
) -> Result<(), SyncError> {
    for (id, hash) in [
        (record.id, &mut record.sha256),
        (record.thumb_id, &mut record.thumb_sha256),
    ] {
        if hash.is_none() {
            let bytes = store
                .get_photo(keys, id)
                .await?
                .ok_or(StoreError::Damaged { record_id: id })?;
            let digest = crypto::sha256(&bytes).await.map_err(StoreError::from)?;
            *hash = Some(hex::encode(digest));
        }
    }
    Ok(())
}

/// The photos the batch's records name, uploaded (resuming) before the records, a group of
/// them to a question; each record that now carries its hashes gets its body back with them.
async fn photos_first(
    store: &Store,
    keys: &Keys,
    signer: &Signer,
    ops: &mut [PushOp],
    sync: Sync,
    progress: &mut Progress,
) -> Result<(), SyncError> {
    let mut records: Vec<(usize, PhotoRecord)> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| op.kind == RecordKind::Photo.as_str())
        .filter_map(|(i, op)| {
            let record = serde_json::from_value::<PhotoRecord>(op.body.clone()?).ok()?;
            Some((i, record))
        })
        .collect();
    for group in records.chunks_mut(PHOTOS_PER_QUESTION) {
        let mut images = Vec::with_capacity(group.len() * 2);
        let mut ready = Vec::with_capacity(group.len());
        for (i, record) in group.iter_mut() {
            match with_hashes(store, keys, record).await {
                Ok(()) => {
                    images.push((record.id, record.sha256.clone().unwrap_or_default()));
                    images.push((
                        record.thumb_id,
                        record.thumb_sha256.clone().unwrap_or_default(),
                    ));
                    ready.push(*i);
                }
                // Its picture will not open here: the record goes as it is, and is refused.
                Err(SyncError::Store(StoreError::Damaged { .. })) => {}
                Err(e) => return Err(e),
            }
        }
        upload(store, keys, signer, &images, sync, progress).await?;
        for (i, record) in group.iter() {
            if ready.contains(i) {
                ops[*i].body = serde_json::to_value(record).ok();
            }
        }
    }
    Ok(())
}

/// What the tablet shows if the server's copy is not the one it sent (a fault on the way).
const MISMATCH: &str = "The server kept a copy that does not match this tablet's. Change the record again to send it afresh, and tell your manager.";

/// The server echoes the SHA-256 of the body it kept; only a match makes the receipt "safe".
async fn kept_as_sent(op: &PushOp, server_sha256: &str) -> bool {
    let Some(body) = &op.body else {
        return false;
    };
    let Ok(bytes) = serde_json::to_vec(body) else {
        return false;
    };
    match crypto::sha256(&bytes).await {
        Ok(hash) => hex::encode(hash) == server_sha256,
        Err(_) => false,
    }
}

pub async fn run(store: &Store, keys: &Keys, signer: &Signer, sync: Sync) -> Result<(), SyncError> {
    let outbox = store.outbox(keys).await?;
    let mut progress = Progress {
        items: outbox.len(),
        ..Progress::default()
    };
    sync.phase.set(Phase::Syncing(progress));
    for batch in outbox.chunks(BATCH_MAX) {
        // Each entry's record read and opened at once, not one after another: IndexedDB and
        // WebCrypto work off the page's thread, and the page waited for each in turn (P6).
        let mut ops =
            futures::future::try_join_all(batch.iter().map(|entry| op(store, keys, entry))).await?;
        photos_first(store, keys, signer, &mut ops, sync, &mut progress).await?;
        let answer: PushAnswer = signer
            .json("POST", "/api/sync/push", &PushRequest { ops: ops.clone() })
            .await?;
        let mut state = sync_state::load(store, keys).await?;
        let mut settled = Vec::with_capacity(answer.answers.len());
        let mut kept = Vec::new();
        let mut gap = None;
        // Whether the server kept each body as sent, all hashed at once.
        let answered: Vec<(&PushOp, &Outcome)> = answer
            .answers
            .iter()
            .filter_map(|a| Some((ops.iter().find(|o| o.counter == a.counter)?, &a.outcome)))
            .collect();
        let as_sent = futures::future::join_all(answered.iter().map(|(op, outcome)| async move {
            match outcome {
                Outcome::Accepted { sha256, .. }
                | Outcome::AlreadyApplied {
                    sha256: Some(sha256),
                    ..
                } => kept_as_sent(op, sha256).await,
                _ => false,
            }
        }))
        .await;
        for ((op, outcome), as_sent) in answered.into_iter().zip(as_sent) {
            let outcome = match outcome {
                Outcome::Accepted { .. } if !as_sent => Outcome::Refused {
                    reason: MISMATCH.into(),
                },
                other => other.clone(),
            };
            match &outcome {
                Outcome::Accepted { receipt, .. } => {
                    // A later change kept: earlier refusals of this record are behind it.
                    state
                        .refused
                        .retain(|r| !(r.record_id == op.record_id && r.version < op.version));
                    settled.push(op.counter);
                    kept.push(Kept {
                        id: op.record_id,
                        version: op.version,
                        receipt: receipt.clone(),
                    });
                }
                Outcome::AlreadyApplied { held, receipt, .. } => {
                    // A retry after a lost answer: if the server holds exactly this change, the
                    // tablet now knows its version (no pull brings a tablet its own changes).
                    settled.push(op.counter);
                    if *held == Some(op.version) && as_sent {
                        kept.push(Kept {
                            id: op.record_id,
                            version: op.version,
                            receipt: receipt.clone(),
                        });
                    }
                }
                Outcome::Superseded => settled.push(op.counter),
                Outcome::Gap { reason, .. } => {
                    // The server is missing an earlier change: keep this one queued.
                    gap = Some(reason.clone());
                }
                Outcome::Refused { reason } => {
                    state.refused.push(RefusedChange {
                        record_id: op.record_id,
                        kind: op.kind.clone(),
                        version: op.version,
                        reason: reason.clone(),
                        at: Utc::now(),
                    });
                    settled.push(op.counter);
                }
            }
        }
        sync_state::answered(store, keys, &settled, &kept, &state).await?;
        sync.refused.set(state.refused.clone());
        progress.items_done += settled.len();
        sync.waiting.set(progress.items - progress.items_done);
        sync.phase.set(Phase::Syncing(progress));
        if let Some(reason) = gap {
            return Err(SyncError::Api(ApiError::on_tablet(reason)));
        }
    }
    Ok(())
}

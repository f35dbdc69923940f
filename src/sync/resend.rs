//! Sending back to a restored server what it lost (issue 17): every record this tablet holds
//! exactly as the server once kept it (its own changes, and what it pulled from others), with
//! the server's receipt for each. The server says which it lacks; their photos go first, then
//! the records in batches, the last with the tablet's answered counter. A record the server
//! will not take back is shown with the reason, like any refusal.

use super::push::{KINDS, PHOTOS_PER_QUESTION, upload};
use super::{Phase, Progress, Sync, SyncError};
use crate::enrolment::Signer;
use crate::store::db::Store;
use crate::store::keys::Keys;
use crate::store::sync_state::{self, RefusedChange};
use burrow_core::photo::PhotoRecord;
use burrow_core::sync::RecordKind;
use burrow_core::sync::restored::{
    HeldHere, LacksAnswer, LacksRequest, RESEND_MAX, ResendAnswer, ResendOutcome, ResendRequest,
    Resent,
};
use chrono::Utc;
use leptos::prelude::*;
use std::collections::HashSet;

/// Every record here whose body is the version the server gave a receipt for.
async fn with_receipts(store: &Store, keys: &Keys) -> Result<Vec<Resent>, SyncError> {
    let mut out = Vec::new();
    for (kind, record_kind) in KINDS {
        for (id, opened) in store.all_of_versioned(keys, kind).await? {
            // A record that will not open here cannot be sent back; it is reported where it is
            // shown, as damaged.
            let Ok(v) = opened else { continue };
            let Some(receipt) = v.receipt_for_body() else {
                continue;
            };
            let Ok(body) = serde_json::from_slice(&v.body) else {
                continue;
            };
            out.push(Resent {
                kind: record_kind,
                id,
                version: v.version,
                body,
                receipt: receipt.to_owned(),
            });
        }
    }
    Ok(out)
}

pub async fn run(
    store: &Store,
    keys: &Keys,
    signer: &Signer,
    sync: Sync,
    answered: u64,
) -> Result<(), SyncError> {
    let held = with_receipts(store, keys).await?;
    let mut lacking = HashSet::new();
    for group in held.chunks(RESEND_MAX) {
        let asked: LacksAnswer = signer
            .json(
                "POST",
                "/api/sync/lacks",
                &LacksRequest {
                    records: group
                        .iter()
                        .map(|r| HeldHere {
                            kind: r.kind,
                            id: r.id,
                            version: r.version,
                        })
                        .collect(),
                },
            )
            .await?;
        lacking.extend(asked.lacking);
    }
    let mut lost: Vec<Resent> = held
        .into_iter()
        .filter(|r| lacking.contains(&r.id))
        .collect();
    let mut progress = Progress {
        items: lost.len(),
        ..Progress::default()
    };
    sync.phase.set(Phase::Syncing(progress));
    // Photos first, their files and then their records. One whose files are not on this tablet
    // any more (let go at the end of a half term) cannot be sent: the server had them long
    // before, so its backup has them.
    let mut photos = Vec::new();
    for r in lost.iter().filter(|r| r.kind == RecordKind::Photo) {
        if let Ok(p) = serde_json::from_value::<PhotoRecord>(r.body.clone())
            && let (Some(full), Some(thumb)) = (p.sha256, p.thumb_sha256)
        {
            if store.has_photo(p.id).await? && store.has_photo(p.thumb_id).await? {
                photos.push((p.id, full));
                photos.push((p.thumb_id, thumb));
            } else {
                lacking.remove(&r.id);
            }
        }
    }
    lost.retain(|r| lacking.contains(&r.id));
    lost.sort_by_key(|r| r.kind != RecordKind::Photo);
    for group in photos.chunks(PHOTOS_PER_QUESTION) {
        upload(store, keys, signer, group, sync, &mut progress).await?;
    }
    let batches: Vec<&[Resent]> = if lost.is_empty() {
        vec![&[]]
    } else {
        lost.chunks(RESEND_MAX).collect()
    };
    let last = batches.len() - 1;
    for (n, batch) in batches.into_iter().enumerate() {
        let answer: ResendAnswer = signer
            .json(
                "POST",
                "/api/sync/resend",
                &ResendRequest {
                    records: batch.to_vec(),
                    answered: (n == last).then_some(answered),
                },
            )
            .await?;
        let mut state = sync_state::load(store, keys).await?;
        for a in &answer.answers {
            if let ResendOutcome::Refused { reason } = &a.outcome
                && let Some(r) = batch.iter().find(|r| r.id == a.id)
            {
                state.refused.push(RefusedChange {
                    record_id: r.id,
                    kind: r.kind.as_str().to_owned(),
                    version: r.version,
                    reason: reason.clone(),
                    at: Utc::now(),
                });
            }
        }
        sync_state::save(store, keys, &state).await?;
        sync.refused.set(state.refused.clone());
        progress.items_done += batch.len();
        sync.phase.set(Phase::Syncing(progress));
    }
    Ok(())
}

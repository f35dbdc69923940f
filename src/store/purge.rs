//! The half-term purge (issue 16): photos leave this tablet once the server holds them, no
//! draft needs them, and they were taken before the setting's window (core's `may_purge`, by
//! the server's date). Their records stay, so the journal still knows each photo and shows it
//! is on the setting's server. A few photos to a transaction, each with its thumbnail in the
//! same one, with the screen given a turn between: the journal stays usable, and a browser
//! killed half way leaves every photo whole or gone, never torn.

use super::db::{Store, StoreError};
use super::keys::Keys;
use burrow_core::envelope::Kind;
use burrow_core::observation::Observation;
use burrow_core::photo::PhotoRecord;
use burrow_core::retention::{HeldPhoto, may_purge};
use burrow_core::workflow::Status;
use chrono::NaiveDate;
use std::collections::HashSet;
use uuid::Uuid;

/// Where the last pull's window is kept (meta, in the clear: two dates, nothing of a child).
pub const WINDOW_KEY: &str = "photo_window";

/// Photos removed in one transaction (each with its thumbnail).
pub const PER_TRANSACTION: usize = 10;

/// What this tablet knows of each photo record it holds: whether the server holds it (this
/// version was taken, and both hashes were checked there) and whether a draft names it.
pub struct Known {
    pub records: Vec<(PhotoRecord, HeldPhoto)>,
    /// Pictures (photos and thumbnails) whose chunks are here.
    pub held: HashSet<Uuid>,
    /// Records with a change the server has not answered yet.
    pub waiting: HashSet<Uuid>,
}

pub async fn known(store: &Store, keys: &Keys) -> Result<Known, StoreError> {
    // Each photo with (its version, the server's): the server holds it once they meet.
    let records: Vec<(PhotoRecord, (u64, u64))> = store
        .all_of_versioned(keys, Kind::Photo)
        .await?
        .into_iter()
        .filter_map(|(_, opened)| opened.ok())
        .filter_map(|v| {
            let record = serde_json::from_slice(&v.body).ok()?;
            Some((record, (v.version, v.server_version)))
        })
        .collect();
    let waiting = super::sync_state::waiting(&store.outbox(keys).await?);
    let in_drafts: HashSet<Uuid> = store
        .all_of(keys, Kind::Observation)
        .await?
        .into_iter()
        .filter_map(|(_, body)| body.ok())
        .filter_map(|b| serde_json::from_slice::<Observation>(&b).ok())
        .filter(|o| o.status == Status::Draft)
        .flat_map(|o| o.photos)
        .collect();
    let held = store.photos_held().await?;
    let records = records
        .into_iter()
        .map(|(r, (version, server))| {
            let on_server = version <= server
                && !waiting.contains(&r.id)
                && r.sha256.is_some()
                && r.thumb_sha256.is_some();
            let photo = HeldPhoto {
                taken_on: crate::today::local_day(r.taken_at),
                on_server,
                in_draft: in_drafts.contains(&r.id),
            };
            (r, photo)
        })
        .collect();
    Ok(Known {
        records,
        held,
        waiting,
    })
}

/// The photos (and thumbnails) the purge takes off this tablet for the window starting
/// `keep_from`: only pictures that are here.
pub fn chosen(known: &Known, keep_from: Option<NaiveDate>) -> Vec<Uuid> {
    known
        .records
        .iter()
        .filter(|(_, photo)| may_purge(*photo, keep_from))
        .flat_map(|(r, _)| [r.id, r.thumb_id])
        .filter(|id| known.held.contains(id))
        .collect()
}

/// Removes the chosen pictures, a few photos to a transaction, giving the screen a turn
/// between. Returns how many pictures went.
pub async fn run(
    store: &Store,
    keys: &Keys,
    keep_from: Option<NaiveDate>,
) -> Result<usize, StoreError> {
    if keep_from.is_none() {
        return Ok(0);
    }
    remove(store, &mut known(store, keys).await?, keep_from).await
}

/// The same from what is already `known` (read once for the purge and for what the tablet
/// holds after it, at the end of a sync), which is kept true: the pictures removed leave `held`.
pub async fn remove(
    store: &Store,
    known: &mut Known,
    keep_from: Option<NaiveDate>,
) -> Result<usize, StoreError> {
    if keep_from.is_none() {
        return Ok(0);
    }
    let chosen = chosen(known, keep_from);
    for batch in chosen.chunks(PER_TRANSACTION * 2) {
        store.remove_all(&[], batch, &[]).await?;
        for id in batch {
            known.held.remove(id);
        }
        // The screen gets a turn before the next transaction.
        crate::pause::pause(0).await;
    }
    Ok(chosen.len())
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::store::db::NewRecord;
    use crate::store::keys::keys_from;
    use crate::store::observations;
    use chrono::{DateTime, TimeZone, Utc};
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn record(taken_at: DateTime<Utc>) -> PhotoRecord {
        PhotoRecord {
            id: Uuid::now_v7(),
            thumb_id: Uuid::now_v7(),
            children: vec![Uuid::now_v7()],
            taken_by: Uuid::now_v7(),
            taken_at,
            width: 4,
            height: 3,
            sha256: Some("ab".repeat(32)),
            thumb_sha256: Some("cd".repeat(32)),
            regions: vec![],
        }
    }

    /// Four old photos and a new one: only the old ones the server holds and no draft needs
    /// leave, each with its thumbnail; every record stays.
    #[wasm_bindgen_test]
    async fn only_old_photos_the_server_holds_outside_drafts_leave_the_tablet() {
        let name = format!("burrow-test-{}", Uuid::now_v7());
        let store = Store::open(&name).await.unwrap();
        let keys = keys_from(&[0x42; 32], Uuid::now_v7()).await.unwrap();
        let old = Utc.with_ymd_and_hms(2026, 10, 1, 10, 0, 0).unwrap();
        let new = Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap();
        let (synced, unsynced, drafted, recent) =
            (record(old), record(old), record(old), record(new));
        for r in [&synced, &unsynced, &drafted, &recent] {
            let body = serde_json::to_vec(r).unwrap();
            let row = NewRecord {
                id: r.id,
                kind: Kind::Photo,
                version: 1,
                lookups: &[],
                body: &body,
            };
            if r.id == unsynced.id {
                // Taken here and not yet pushed.
                store.put_record(&keys, &row).await.unwrap();
            } else {
                let sealed = store.seal_from_server(&keys, &row, None).await.unwrap();
                let counter = store.mutation_counter().await.unwrap();
                store
                    .put_from_server(&[sealed], "test-checkpoint", 1, counter)
                    .await
                    .unwrap();
            }
            store
                .put_photo_within(&keys, r.id, b"photo", roomy())
                .await
                .unwrap();
            store
                .put_photo_within(&keys, r.thumb_id, b"thumb", roomy())
                .await
                .unwrap();
        }
        let mut draft = Observation::new(Uuid::now_v7(), Uuid::now_v7(), vec![], Utc::now());
        draft.version = 1;
        draft.photos = vec![drafted.id];
        observations::save(&store, &keys, &draft).await.unwrap();

        let gone = run(&store, &keys, NaiveDate::from_ymd_opt(2026, 11, 2))
            .await
            .unwrap();
        assert_eq!(gone, 2, "the synced old photo and its thumbnail");
        let held = store.photos_held().await.unwrap();
        assert!(!held.contains(&synced.id) && !held.contains(&synced.thumb_id));
        for kept in [&unsynced, &drafted, &recent] {
            assert!(held.contains(&kept.id) && held.contains(&kept.thumb_id));
        }
        // The record stays: the journal still knows the photo.
        assert!(
            crate::store::photos::record(&store, &keys, synced.id)
                .await
                .unwrap()
                .is_some()
        );
        // No window yet: nothing goes.
        assert_eq!(run(&store, &keys, None).await.unwrap(), 0);

        store.close();
        Store::delete(&name).await.unwrap();
    }

    fn roomy() -> burrow_core::storage::Estimate {
        burrow_core::storage::Estimate {
            usage: 0,
            quota: 1 << 40,
        }
    }
}

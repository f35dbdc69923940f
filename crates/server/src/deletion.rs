//! A leaver's data deleted from the server once their last day and the setting's grace period
//! have passed (DESIGN §2 rule 7, issue 15 part 6).
//!
//! Core decides what each record keeps (`leaving::entry_fate`, `leaving::photo_fate`); this
//! runs it. Masking a group photo for good is done first, off the database (it is slow and
//! only writes new files). Then one SQLite transaction removes the child's own records, rewrites
//! the group entries and photos that stay for the other children as new versions from the
//! server's own device (so every tablet pulls them), removes consents, two-year checks,
//! parents' notes and links and the child's row, lists the devices still holding a copy, notes
//! the photo files to destroy and audits it. A crash before the commit leaves everything as it
//! was and the next run starts again; after it, `sweep` destroys the files at the next start.

use crate::error::AppError;
use crate::routes::today_in_england;
use crate::state::AppState;
use crate::store::audit::{self, Event};
use crate::store::deletion::{self as store, Naming, SERVER_DEVICE};
use crate::store::leaving;
use crate::store::sync as records;
use burrow_core::audit::Action;
use burrow_core::leaving::{EntryFate, PhotoFate, deletion_due, entry_fate, photo_fate};
use burrow_core::observation::Observation;
use burrow_core::photo::PhotoRecord;
use burrow_core::receipt::Removed;
use burrow_core::sync::{NotToday, RecordKind, RefusedCapture};
use burrow_core::workflow::Status;
use chrono::{NaiveDate, Utc};
use rusqlite::Connection;
use std::collections::HashMap;
use uuid::Uuid;

/// One deletion at a time, whichever start, timer or request asked for it.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Deletes every leaver whose deletion is due today. Returns how many.
pub async fn run_due(state: &AppState) -> Result<usize, AppError> {
    let _one = ONE_AT_A_TIME.lock().await;
    let today = today_in_england();
    let due = state
        .db
        .call(move |c| {
            let grace = leaving::grace_days(c)?;
            Ok(leaving::left_before(c, today)?
                .into_iter()
                .filter(|(_, last_day)| deletion_due(Some(*last_day), grace, today))
                .collect::<Vec<_>>())
        })
        .await?;
    for (child, last_day) in &due {
        delete_child(state, *child, *last_day).await?;
    }
    sweep(state).await?;
    Ok(due.len())
}

/// Runs `run_due` in the background (after a leaving date or the grace period changed), so
/// the request that asked is answered at once. A failure is logged and tried again within the
/// hour.
pub fn soon(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = run_due(&state).await {
            tracing::warn!("deleting leavers' data failed: {e}");
        }
    });
}

/// A group photo masked for good, ready before the transaction: the kept record with the new
/// files' hashes, and the hashes it was made from (if the record changed meanwhile, the photo
/// goes instead).
struct Masked {
    from: (Option<String>, Option<String>),
    kept: PhotoRecord,
    /// The new files, by hash and size.
    files: Vec<(String, u64)>,
}

async fn delete_child(state: &AppState, child: Uuid, last_day: NaiveDate) -> Result<(), AppError> {
    let photos = state
        .db
        .read(move |c| {
            let posterity = store::posterity_of(c, child)?;
            Ok(store::photos_naming(c, child)?
                .into_iter()
                .filter(|p| !posterity.contains(&p.id))
                .collect::<Vec<_>>())
        })
        .await?;
    let mut masked: HashMap<Uuid, Masked> = HashMap::new();
    for record in photos {
        if let PhotoFate::MaskForGood { face, kept } = photo_fate(&record, child) {
            let state = state.clone();
            let made = tokio::task::spawn_blocking(move || mask_for_good(&state, *kept, face))
                .await
                .map_err(|e| AppError::internal(format!("masking task failed: {e}")))?;
            match made {
                Ok((kept, files)) => {
                    masked.insert(
                        record.id,
                        Masked {
                            from: (record.sha256.clone(), record.thumb_sha256.clone()),
                            kept,
                            files,
                        },
                    );
                }
                // A photo that cannot be masked goes, rather than keep the leaver's face.
                Err(why) => tracing::warn!("a group photo could not be masked: {why}"),
            }
        }
    }
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            // Still due now (the grace period may have been lengthened meanwhile).
            let still_due = leaving::dates_of(&tx, child)?.is_some_and(|(_, date)| {
                leaving::grace_days(&tx)
                    .is_ok_and(|grace| deletion_due(date, grace, today_in_england()))
            });
            if !still_due {
                return Ok(());
            }
            let removed = remove_in(&tx, child, &masked)?;
            let id = Uuid::now_v7();
            let now = Utc::now();
            let devices = store::holders(&tx, child)?;
            let (consents, notes, links, revoked) = store::remove_child_rows(&tx, child, now)?;
            let removed = Removed {
                consents,
                notes,
                parent_links: links,
                ..removed
            };
            store::record(&tx, id, child, last_day, now, &removed, &devices)?;
            // A phone whose family has no child left here is revoked: it wipes itself whole
            // when it next calls, and can open nothing until then.
            for phone in revoked {
                store::device_removed(&tx, phone, now)?;
            }
            let detail = format!(
                "entries {}, group entries kept {}, photos {}, masked {}, checks {}, consents {}, notes {}",
                removed.entries,
                removed.group_entries_kept,
                removed.photos,
                removed.photos_masked,
                removed.two_year_checks,
                removed.consents,
                removed.notes
            );
            audit::append(
                &tx,
                Event::new(Action::ChildDataDeleted)
                    .child(child)
                    .subject(id)
                    .detail(detail),
                now,
            )?;
            crash_here_if_asked();
            tx.commit()?;
            tracing::info!(
                entries = removed.entries,
                photos = removed.photos,
                devices = devices.len(),
                "a leaver's data was deleted"
            );
            Ok(())
        })
        .await
}

/// For the crash test only (debug builds): `BURROW_CRASH_IN_DELETION=1` ends the process the
/// way kill -9 would, with the deletion's writes made and not committed.
fn crash_here_if_asked() {
    #[cfg(debug_assertions)]
    if std::env::var_os("BURROW_CRASH_IN_DELETION").is_some() {
        std::process::abort();
    }
}

/// The leaver's photo masked for good: both the photo and its thumbnail, new files in the
/// vault, the record pointing at them.
/// The new files a masking made: each hash and its size.
type NewFiles = Vec<(String, u64)>;

fn mask_for_good(
    state: &AppState,
    mut kept: PhotoRecord,
    face: burrow_core::photo::FaceRegion,
) -> Result<(PhotoRecord, NewFiles), &'static str> {
    let mut files = Vec::new();
    // Only fixed phrases come out (for the log), never a path, a hash or a decoder's words.
    let mut one = |sha: &Option<String>| -> Result<Option<String>, &'static str> {
        let Some(sha) = sha else {
            return Ok(None);
        };
        let bytes = state.photos.read(sha).map_err(|e| e.class())?;
        let out = crate::mask::mask(&bytes, &[face]).map_err(|e| e.class())?;
        let new = hex::encode(crate::secrets::sha256(&out));
        state.photos.keep_whole(&new, &out).map_err(|e| e.class())?;
        files.push((new.clone(), out.len() as u64));
        Ok(Some(new))
    };
    kept.sha256 = one(&kept.sha256)?;
    kept.thumb_sha256 = one(&kept.thumb_sha256)?;
    Ok((kept, files))
}

/// A new version of a record from the server itself.
fn rewrite(
    tx: &Connection,
    row: &Naming,
    version: u64,
    body: &str,
    by: Uuid,
) -> Result<(), AppError> {
    let kind = RecordKind::parse(&row.kind).ok_or_else(|| AppError::internal("record kind"))?;
    let seq = records::next_seq(tx)?;
    records::put(
        tx,
        &records::Change {
            kind,
            id: row.id,
            version,
            status: row.status.as_deref().and_then(Status::parse),
            author: row.author,
            from_home: row.from_home,
            body,
            seq,
            by,
            device: SERVER_DEVICE,
            at: Utc::now(),
        },
    )?;
    Ok(())
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|_| AppError::internal("a record would not serialise"))
}

/// Every record naming the leaver, each as core says: gone, or kept for the others.
fn remove_in(
    tx: &Connection,
    child: Uuid,
    masked: &HashMap<Uuid, Masked>,
) -> Result<Removed, AppError> {
    let mut removed = Removed::default();
    let (first, surname) = store::names_of(tx, child)?.unwrap_or_default();
    let names = [first.as_str(), surname.as_str()];
    let by = store::responsible(tx, child)?
        .ok_or_else(|| AppError::internal("no manager to record the deletion for"))?;
    let rows = store::records_naming(tx, child)?;
    let posterity = store::posterity_of(tx, child)?;
    let mut gone_photos = Vec::new();
    // Photos first: an entry that stays stops naming the photos that went.
    for row in rows.iter().filter(|r| r.kind == RecordKind::Photo.as_str()) {
        let Ok(record) = serde_json::from_str::<PhotoRecord>(&row.body) else {
            store::delete_record(tx, row.id)?;
            continue;
        };
        // Kept for posterity: it stays as it is, with its bytes. The setting keeps it for
        // displays; every family's copy still masks or withholds the leaver, who now has no
        // consent on record.
        if posterity.contains(&row.id) {
            removed.photos_for_posterity += 1;
            continue;
        }
        let ready = masked
            .get(&row.id)
            .filter(|m| m.from == (record.sha256.clone(), record.thumb_sha256.clone()));
        match (photo_fate(&record, child), ready) {
            (PhotoFate::Untouched, _) => {}
            (PhotoFate::MaskForGood { .. }, Some(m)) => {
                for (sha, size) in &m.files {
                    crate::store::photos::expect(tx, sha, *size)?;
                    crate::store::photos::set_received(tx, sha, *size, true)?;
                }
                rewrite(tx, row, row.version + 1, &json(&m.kept)?, by)?;
                removed.photos_masked += 1;
            }
            _ => {
                store::delete_record(tx, row.id)?;
                store::forget_signoff(tx, row.id)?;
                gone_photos.push(row.id);
                removed.photos += 1;
            }
        }
        // The original goes either way: a masked copy is a new file.
        if photo_fate(&record, child) != PhotoFate::Untouched {
            for sha in [&record.sha256, &record.thumb_sha256].into_iter().flatten() {
                store::trash(tx, sha)?;
            }
        }
    }
    for row in &rows {
        match RecordKind::parse(&row.kind) {
            Some(RecordKind::Observation) => {
                let Ok(obs) = serde_json::from_str::<Observation>(&row.body) else {
                    // A tombstone names no one in words; one that still names the child goes.
                    store::delete_record(tx, row.id)?;
                    continue;
                };
                match entry_fate(&obs, child, &names, &gone_photos) {
                    EntryFate::Untouched => {}
                    EntryFate::Remove => {
                        store::delete_record(tx, row.id)?;
                        removed.entries += 1;
                    }
                    EntryFate::Kept(mut kept) => {
                        kept.version = row.version + 1;
                        rewrite(tx, row, kept.version, &json(&*kept)?, by)?;
                        removed.group_entries_kept += 1;
                    }
                }
            }
            Some(RecordKind::ProgressCheck) => {
                store::delete_record(tx, row.id)?;
                removed.two_year_checks += 1;
            }
            Some(RecordKind::NotToday) => {
                if let Ok(mut wishes) = serde_json::from_str::<NotToday>(&row.body) {
                    wishes.children.retain(|c| *c != child);
                    // Its version is a time: the server's change must be the newest.
                    let version = (row.version + 1).max(Utc::now().timestamp_millis() as u64);
                    rewrite(tx, row, version, &json(&wishes)?, by)?;
                } else {
                    store::delete_record(tx, row.id)?;
                }
            }
            Some(RecordKind::RefusedCapture) => {
                match serde_json::from_str::<RefusedCapture>(&row.body) {
                    Ok(mut refusal) => {
                        refusal.reasons.retain(|r| r.child_id != child);
                        if refusal.reasons.is_empty() {
                            store::delete_record(tx, row.id)?;
                        } else {
                            rewrite(tx, row, row.version + 1, &json(&refusal)?, by)?;
                        }
                    }
                    Err(_) => store::delete_record(tx, row.id)?,
                }
            }
            Some(RecordKind::Photo) | None => {}
        }
    }
    // Another child's entry may hold a photo that went (the leaver in it, face not marked).
    for row in store::observations_holding(tx, &gone_photos)? {
        if let Ok(mut obs) = serde_json::from_str::<Observation>(&row.body) {
            obs.photos.retain(|p| !gone_photos.contains(p));
            obs.version = row.version + 1;
            rewrite(tx, &row, obs.version, &json(&obs)?, by)?;
        }
    }
    for sha in store::note_photos(tx, child)? {
        store::trash(tx, &sha)?;
    }
    Ok(removed)
}

/// Destroys the files of trashed photos no kept record still holds.
pub async fn sweep(state: &AppState) -> Result<(), AppError> {
    let trashed = state.db.call(|c| Ok(store::trashed(c)?)).await?;
    for sha in trashed {
        let used = {
            let sha = sha.clone();
            state
                .db
                .call(move |c| Ok(store::still_used(c, &sha)?))
                .await?
        };
        if !used && let Err(e) = state.photos.destroy(&sha) {
            tracing::warn!(
                "a leaver's photo file could not be destroyed: {}",
                e.class()
            );
            continue;
        }
        let sha = sha.clone();
        state.db.call(move |c| Ok(store::emptied(c, &sha)?)).await?;
    }
    Ok(())
}

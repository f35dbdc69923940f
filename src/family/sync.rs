//! A family phone's sync, on the setting's network: first the parent's waiting notes go (a
//! refusal is kept beside the note with the server's reason, never dropped), then the journal
//! comes, page by page, with each entry's photo as the setting rendered it for this family,
//! then the parent's notes as the setting holds them and who had the journal.

use crate::api::{self, ApiError};
use crate::enrolment::Signer;
use crate::store::db::{Store, StoreError};
use crate::store::family::{self, Note, NoteState, Phone};
use crate::store::keys::Keys;
use burrow_core::api::{ClosedDone, ParentAuditEntry, ParentJournalPage, ParentNote};
use burrow_core::parent_view::{ParentEntry, ParentPhoto};
use std::collections::HashMap;
use thiserror::Error;
use uuid::Uuid;

#[derive(Debug, Clone, Error)]
pub enum FamilySyncError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("Burrow could not save the journal on this phone: {0}")]
    Store(#[from] StoreError),
    /// The setting withdrew this phone: the caller wipes it.
    #[error("The setting has withdrawn this phone's access to the journal.")]
    Withdrawn,
}

/// What one sync did, for the screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub entries: usize,
    pub notes_sent: usize,
    pub notes_refused: usize,
    /// Children whose journals closed at this sync (they left the setting).
    pub closed: Vec<Uuid>,
}

fn withdrawn(e: ApiError) -> FamilySyncError {
    match e {
        ApiError::Refused { status: 410, .. } => FamilySyncError::Withdrawn,
        other => FamilySyncError::Api(other),
    }
}

async fn get<T: serde::de::DeserializeOwned>(
    signer: &Signer,
    path: &str,
) -> Result<T, FamilySyncError> {
    api::read(signer.send("GET", path, &[], "").await?)
        .await
        .map_err(withdrawn)
}

pub async fn run(store: &Store, keys: &Keys, phone: &Phone) -> Result<Report, FamilySyncError> {
    let signer = Signer::new(&phone.enrolment).await.map_err(withdrawn)?;
    let mut report = Report::default();
    send_notes(store, keys, &signer, &mut report).await?;
    pull(store, keys, &signer, &mut report).await?;
    let held: Vec<ParentNote> = get(&signer, "/api/parent/notes").await?;
    for mut note in family::notes(store, keys).await? {
        let brought_in = held
            .iter()
            .any(|h| h.id == note.note.id && h.brought_in.is_some());
        if brought_in && !note.brought_in {
            note.brought_in = true;
            family::keep_note(store, keys, note).await?;
        }
    }
    let trail: Vec<ParentAuditEntry> = get(&signer, "/api/parent/audit").await?;
    family::keep_trail(store, keys, &trail).await?;
    Ok(report)
}

/// The journal after the checkpoint, page by page; from the start if what families may see
/// changed since the last full read (`views`), so a photo is re-rendered or taken back.
async fn pull(
    store: &Store,
    keys: &Keys,
    signer: &Signer,
    report: &mut Report,
) -> Result<(), FamilySyncError> {
    let seen = family::views(store).await?;
    let mut after = family::checkpoint(store).await?;
    // An entry that no longer opens on this phone comes again with a full read.
    let damaged = !family::entries(store, keys).await?.damaged.is_empty();
    let mut phone = family::phone(store, keys).await?;
    let mut told = false;
    loop {
        let page: ParentJournalPage =
            get(signer, &format!("/api/parent/journal?after={after}")).await?;
        // A child who left: their journal leaves this phone, then the rest is read afresh.
        if let Some(phone) = phone.as_mut() {
            let closing: Vec<Uuid> = page
                .closed
                .iter()
                .copied()
                .filter(|c| phone.children.iter().any(|(id, _)| id == c))
                .collect();
            if !closing.is_empty() {
                family::close_children(store, keys, phone, &closing).await?;
                report.closed.extend(closing);
            }
            if !page.closed.is_empty() && !told {
                told = true;
                // The setting hears that nothing of theirs is left here (for its deletion
                // receipt); it stops listing them once it has.
                let done = ClosedDone {
                    children: page.closed.clone(),
                };
                let body = serde_json::to_vec(&done).map_err(|_| api::ApiError::BadAnswer)?;
                let response = signer
                    .send("POST", "/api/parent/closed", &body, "application/json")
                    .await?;
                if !response.ok() {
                    api::read::<()>(response).await?;
                }
                after = 0;
                continue;
            }
            if phone.leaving != page.leaving {
                phone.leaving = page.leaving.clone();
                family::keep_phone(store, keys, phone).await?;
            }
        }
        if (page.views != seen || damaged) && after != 0 {
            family::restart(store).await?;
            after = 0;
            continue;
        }
        let held: HashMap<Uuid, ParentEntry> = family::entries(store, keys)
            .await?
            .items
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        for entry in &page.entries {
            let before = held.get(&entry.id);
            if before != Some(entry) {
                report.entries += 1;
            }
            take_photos(store, keys, signer, before, Some(entry)).await?;
        }
        for id in &page.withdrawn {
            take_photos(store, keys, signer, held.get(id), None).await?;
        }
        family::take_page(store, keys, &page).await?;
        after = page.last;
        if !page.more {
            family::set_views(store, &page.views).await?;
            return Ok(());
        }
    }
}

/// Brings an entry's photos as the setting now renders them for this family: fetched when new
/// or when the faces to blur changed; removed from the phone when the entry no longer has them.
async fn take_photos(
    store: &Store,
    keys: &Keys,
    signer: &Signer,
    before: Option<&ParentEntry>,
    now: Option<&ParentEntry>,
) -> Result<(), FamilySyncError> {
    let now_photos: &[ParentPhoto] = now.map_or(&[], |e| &e.photos);
    for old in before.map_or(&[][..], |e| &e.photos) {
        if !now_photos.iter().any(|p| p.id == old.id) {
            store.delete_photo(old.id).await?;
        }
    }
    for photo in now_photos {
        let same = before
            .and_then(|b| b.photos.iter().find(|p| p.id == photo.id))
            .is_some_and(|p| p.rendering == photo.rendering);
        if same && store.has_photo(photo.id).await? {
            continue;
        }
        let response = signer
            .send("GET", &format!("/api/parent/photos/{}", photo.id), &[], "")
            .await?;
        match response.status() {
            200 => {
                let bytes = response.binary().await.map_err(|_| ApiError::BadAnswer)?;
                store.put_photo(keys, photo.id, &bytes).await?;
            }
            // Held back for this family since the page was made: it leaves the phone.
            404 => store.delete_photo(photo.id).await?,
            _ => {
                let e = api::read::<()>(response)
                    .await
                    .err()
                    .unwrap_or(ApiError::BadAnswer);
                return Err(withdrawn(e));
            }
        }
    }
    Ok(())
}

/// Each waiting note, then its photo. A refusal (4xx) is kept on the note; no network stops here
/// and leaves the rest waiting for the next sync.
async fn send_notes(
    store: &Store,
    keys: &Keys,
    signer: &Signer,
    report: &mut Report,
) -> Result<(), FamilySyncError> {
    for mut note in family::notes(store, keys).await? {
        if note.state != NoteState::Waiting {
            continue;
        }
        let body = serde_json::to_vec(&note.note).map_err(|_| ApiError::BadAnswer)?;
        let sent = signer
            .send("POST", "/api/parent/notes", &body, "application/json")
            .await?;
        let words = api::read::<ParentNote>(sent).await.map(|_| ());
        let photo = match (&words, note.has_photo) {
            (Ok(()), true) => send_photo(store, keys, signer, &note).await,
            _ => Ok(()),
        };
        note.state = match (words, photo) {
            (Ok(()), Ok(())) => {
                report.notes_sent += 1;
                NoteState::Sent
            }
            (Err(ApiError::Refused { status: 410, .. }), _)
            | (_, Err(ApiError::Refused { status: 410, .. })) => {
                return Err(FamilySyncError::Withdrawn);
            }
            (Err(ApiError::Refused { status: 404, .. }), _) if note.note.entry.is_some() => {
                report.notes_refused += 1;
                NoteState::Refused(
                    "This entry is no longer in the journal, so your comment was not sent. Share it as a wow moment if you would still like the setting to know.".into(),
                )
            }
            (
                Err(ApiError::Refused {
                    status, message, ..
                }),
                _,
            ) if (400..500).contains(&status) => {
                report.notes_refused += 1;
                NoteState::Refused(message)
            }
            (
                Ok(()),
                Err(ApiError::Refused {
                    status, message, ..
                }),
            ) if (400..500).contains(&status) => {
                report.notes_refused += 1;
                NoteState::Refused(format!(
                    "Your words reached the setting, but the photo did not: {message}"
                ))
            }
            (Err(e), _) | (_, Err(e)) => return Err(e.into()),
        };
        family::keep_note(store, keys, note).await?;
    }
    Ok(())
}

async fn send_photo(
    store: &Store,
    keys: &Keys,
    signer: &Signer,
    note: &Note,
) -> Result<(), ApiError> {
    let bytes = store
        .get_photo(keys, note.note.id)
        .await
        .map_err(|e| ApiError::on_tablet(e.to_string()))?
        .ok_or_else(|| {
            ApiError::on_tablet("The photo with this moment is no longer on this phone.".into())
        })?;
    let response = signer
        .send(
            "PUT",
            &format!("/api/parent/notes/{}/photo", note.note.id),
            &bytes,
            "image/jpeg",
        )
        .await?;
    if response.ok() {
        Ok(())
    } else {
        api::read::<()>(response).await
    }
}

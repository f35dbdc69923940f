//! A parent's phone: their children's journal as the setting sent it, the notes they wrote and
//! who had the journal, each sealed exactly like a tablet's records (same data key hierarchy,
//! same envelope), so the phone holds nothing readable without the parent's passphrase.
//!
//! In the clear sits only what a tablet keeps there: the wrapped key and the pull checkpoint.

use super::db::{NewRecord, Store, StoreError};
use super::keys::Keys;
use super::mirror::{self, Kept};
use crate::enrolment::Enrolment;
use burrow_core::api::{ChildLeaving, NewParentNote, ParentAuditEntry, ParentJournalPage};
use burrow_core::envelope::Kind;
use burrow_core::parent_view::ParentEntry;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where this phone has read the family's journal up to (the server's sequence number).
const CHECKPOINT: &str = "family_checkpoint";
/// The server's `views` as of the last full read (a number and a date, nothing personal).
const VIEWS: &str = "family_views";

/// The phone itself: its enrolment and whose journal it holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Phone {
    pub enrolment: Enrolment,
    pub parent_name: String,
    /// The children this parent follows, by first name.
    pub children: Vec<(Uuid, String)>,
    /// Last days still to come, as the setting last said.
    #[serde(default)]
    pub leaving: Vec<ChildLeaving>,
    /// Children who left: their journals closed and were removed from this phone.
    #[serde(default)]
    pub left: Vec<(Uuid, String)>,
}

impl Phone {
    pub fn first_name(&self, child: Uuid) -> String {
        self.children
            .iter()
            .find(|(id, _)| *id == child)
            .map_or_else(|| "your child".to_owned(), |(_, n)| n.clone())
    }
}

/// Where a note stands: written here, with the setting, or refused (and why).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoteState {
    Waiting,
    Sent,
    Refused(String),
}

/// A comment or wow moment as the phone keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub note: NewParentNote,
    /// A photo of their child, kept sealed in the photo chunks under the note's id.
    pub has_photo: bool,
    pub state: NoteState,
    /// A member of staff made an observation from it.
    pub brought_in: bool,
}

pub async fn phone(store: &Store, keys: &Keys) -> Result<Option<Phone>, StoreError> {
    Ok(mirror::kept::<Phone>(store, keys, Kind::FamilyPhone)
        .await?
        .items
        .into_iter()
        .next())
}

pub async fn keep_phone(store: &Store, keys: &Keys, phone: &Phone) -> Result<(), StoreError> {
    mirror::keep(
        store,
        keys,
        Kind::FamilyPhone,
        std::slice::from_ref(phone),
        |p| p.enrolment.id,
    )
    .await
}

/// The journal on this phone, newest first; an entry that does not open is named.
pub async fn entries(store: &Store, keys: &Keys) -> Result<Kept<ParentEntry>, StoreError> {
    let mut kept = mirror::kept::<ParentEntry>(store, keys, Kind::FamilyEntry).await?;
    kept.items
        .sort_by(|a, b| b.observed_at.cmp(&a.observed_at).then(b.id.cmp(&a.id)));
    Ok(kept)
}

/// Takes in one page from the setting: new and changed entries replace theirs, withdrawn ones
/// go. The checkpoint moves only after the entries are written, so an interrupted sync asks
/// for the same page again (taking it twice changes nothing).
pub async fn take_page(
    store: &Store,
    keys: &Keys,
    page: &ParentJournalPage,
) -> Result<(), StoreError> {
    let kept = entries(store, keys).await?;
    let mut all: Vec<ParentEntry> = kept
        .items
        .into_iter()
        .filter(|e| !page.withdrawn.contains(&e.id) && !page.entries.iter().any(|n| n.id == e.id))
        .collect();
    all.extend(page.entries.iter().cloned());
    mirror::keep(store, keys, Kind::FamilyEntry, &all, |e| e.id).await?;
    store.set_meta(CHECKPOINT, &page.last).await
}

pub async fn checkpoint(store: &Store) -> Result<u64, StoreError> {
    Ok(store.meta(CHECKPOINT).await?.unwrap_or(0))
}

/// Read the journal again from the start at the next page (what families may see changed).
pub async fn restart(store: &Store) -> Result<(), StoreError> {
    store.set_meta(CHECKPOINT, &0u64).await
}

/// The server's `views` when this phone last read its journal to the end.
pub async fn views(store: &Store) -> Result<String, StoreError> {
    Ok(store.meta(VIEWS).await?.unwrap_or_default())
}

pub async fn set_views(store: &Store, views: &str) -> Result<(), StoreError> {
    store.set_meta(VIEWS, &views).await
}

/// The parent's notes, newest first.
pub async fn notes(store: &Store, keys: &Keys) -> Result<Vec<Note>, StoreError> {
    let mut notes = mirror::kept::<Note>(store, keys, Kind::FamilyNote)
        .await?
        .items;
    notes.sort_by_key(|n| std::cmp::Reverse(n.note.written_at));
    Ok(notes)
}

/// Keeps a new or changed note as its own record, so a note written while a sync runs is never
/// overwritten by the sync's copy of the list.
pub async fn keep_note(store: &Store, keys: &Keys, note: Note) -> Result<(), StoreError> {
    let body = serde_json::to_vec(&note).map_err(|e| StoreError::Failed(e.to_string()))?;
    store
        .put_alone(
            keys,
            &NewRecord {
                id: note.note.id,
                kind: Kind::FamilyNote,
                version: 1,
                lookups: &[],
                body: &body,
            },
        )
        .await
}

pub async fn trail(store: &Store, keys: &Keys) -> Result<Vec<ParentAuditEntry>, StoreError> {
    Ok(
        mirror::kept::<Vec<ParentAuditEntry>>(store, keys, Kind::FamilyTrail)
            .await?
            .items
            .into_iter()
            .next()
            .unwrap_or_default(),
    )
}

/// The one record the trail is kept in.
const TRAIL_ID: Uuid = Uuid::from_u128(0x7472_6169_6c00);

pub async fn keep_trail(
    store: &Store,
    keys: &Keys,
    trail: &[ParentAuditEntry],
) -> Result<(), StoreError> {
    let one = vec![trail.to_vec()];
    mirror::keep(store, keys, Kind::FamilyTrail, &one, |_| TRAIL_ID).await
}

/// A child's journal closed (they left the setting): everything of theirs leaves this phone —
/// entries naming them and those entries' photos, the parent's notes about them with their
/// photos, their part of the trail — and the phone stops following them. Entries shared with a
/// sibling still followed come back at the next read, which starts from the beginning.
pub async fn close_children(
    store: &Store,
    keys: &Keys,
    phone: &mut Phone,
    closed: &[Uuid],
) -> Result<(), StoreError> {
    let held = entries(store, keys).await?.items;
    let (gone, kept): (Vec<ParentEntry>, Vec<ParentEntry>) = held
        .into_iter()
        .partition(|e| e.children.iter().any(|c| closed.contains(c)));
    for photo in gone.iter().flat_map(|e| e.photos.iter()) {
        store.delete_photo(photo.id).await?;
    }
    mirror::keep(store, keys, Kind::FamilyEntry, &kept, |e| e.id).await?;
    let (gone, kept): (Vec<Note>, Vec<Note>) = notes(store, keys)
        .await?
        .into_iter()
        .partition(|n| closed.contains(&n.note.child));
    for note in gone.iter().filter(|n| n.has_photo) {
        store.delete_photo(note.note.id).await?;
    }
    mirror::keep(store, keys, Kind::FamilyNote, &kept, |n| n.note.id).await?;
    let trail_kept: Vec<ParentAuditEntry> = trail(store, keys)
        .await?
        .into_iter()
        .filter(|t| !closed.contains(&t.child))
        .collect();
    keep_trail(store, keys, &trail_kept).await?;
    let (left, staying) = std::mem::take(&mut phone.children)
        .into_iter()
        .partition::<Vec<_>, _>(|(id, _)| closed.contains(id));
    phone.children = staying;
    phone.left.extend(left);
    phone.leaving.retain(|l| !closed.contains(&l.child));
    keep_phone(store, keys, phone).await?;
    restart(store).await
}

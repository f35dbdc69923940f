//! Writing a comment or wow moment on the phone: checked with core's rule, kept sealed here and
//! sent at the next sync at the setting (the phone may be at home, with no way to the server).

use crate::store::family::{self, Note, NoteState, Phone};
use crate::store::keys::Keys;
use crate::store::tablet;
use burrow_core::api::NewParentNote;
use burrow_core::parent_note::{check_note, clean_text};
use chrono::Utc;
use uuid::Uuid;

/// Keeps the note on the phone, with its photo (a JPEG the app made) sealed under its id.
pub async fn write(
    keys: &Keys,
    phone: &Phone,
    child: Uuid,
    entry: Option<Uuid>,
    text: &str,
    photo: Option<Vec<u8>>,
) -> Result<(), String> {
    let note = NewParentNote {
        id: Uuid::now_v7(),
        child,
        entry,
        text: clean_text(text).to_owned(),
        written_at: Utc::now(),
    };
    let family_ids: Vec<Uuid> = phone.children.iter().map(|(id, _)| *id).collect();
    check_note(&note, &family_ids, Utc::now()).map_err(|e| e.to_string())?;
    let store = tablet::open().await.map_err(|e| e.to_string())?;
    if let Some(jpeg) = &photo {
        store
            .put_photo(keys, note.id, jpeg)
            .await
            .map_err(|e| e.to_string())?;
    }
    family::keep_note(
        &store,
        keys,
        Note {
            note,
            has_photo: photo.is_some(),
            state: NoteState::Waiting,
            brought_in: false,
        },
    )
    .await
    .map_err(|e| e.to_string())
}

//! A parent's note, as the server reads it from a phone: the JSON body, then core's rules.

use burrow_core::api::{NewParentNote, PARENT_NOTE_MAX_CHARS};
use burrow_core::parent_note::{brought_in_text, check_note, clean_text};

pub fn check(data: &[u8]) {
    let Ok(note) = serde_json::from_slice::<NewParentNote>(data) else {
        return;
    };
    let now = crate::now();
    if check_note(&note, &[note.child], now).is_ok() {
        let kept = clean_text(&note.text);
        assert!(!kept.is_empty(), "an empty note was accepted");
        assert!(kept.chars().count() <= PARENT_NOTE_MAX_CHARS);
        assert_eq!(kept, kept.trim());
        assert!(note.written_at <= now + burrow_core::parent_note::FUTURE_SLACK);
        let _ = brought_in_text("Ava's mum", kept);
    }
    // Another family's child is never accepted, whatever the note says.
    let other = uuid::Uuid::from_u128(note.child.as_u128().wrapping_add(1));
    assert!(check_note(&note, &[other], now).is_err());
}

//! What a parent may send from their phone (issue 7 part 3): a comment on an entry in their own
//! child's journal, or a "wow moment" from home, perhaps with a photo of their own child. The
//! server checks every note with these rules; the phone app calls them to explain a refusal
//! before sending.
//!
//! A note about a child outside the family is refused as `NotFound`, with a sentence that names
//! nothing: a parent's phone must not learn that another child exists.

use chrono::{DateTime, Duration, Utc};
use thiserror::Error;
use uuid::Uuid;

use crate::api::{NewParentNote, PARENT_NOTE_MAX_CHARS};

/// How far ahead of the server's clock a phone's clock may be. Wider than the signed request's
/// window would need, since a note may be written while the phone is off the network.
pub const FUTURE_SLACK: Duration = Duration::minutes(10);

/// The largest photo a parent may send with a wow moment: the same as a tablet's.
pub const PHOTO_MAX: usize = crate::sync::PHOTO_MAX as usize;

/// Why a note was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum NoteRefusal {
    /// Another family's child, or an entry this family cannot see: nothing more is said.
    #[error("Not found.")]
    NotFound,
    #[error("Write something before sending.")]
    Empty,
    /// The limit is `PARENT_NOTE_MAX_CHARS`, written here as a person reads it.
    #[error(
        "That is {chars} characters; a note can be at most 2,000. Shorten it and send it again."
    )]
    TooLong { chars: usize },
    #[error(
        "This phone's clock is ahead of the setting's, so the note seems to be written in the future. Set the phone's date and time, then send it again."
    )]
    InFuture,
}

/// Why a wow moment's photo was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PhotoRefusal {
    #[error("The photo arrived empty. Choose it again and send it once more.")]
    Empty,
    #[error(
        "This photo is larger than {max} MB. Add it again through the Burrow app, which makes it smaller.",
        max = PHOTO_MAX / 1024 / 1024
    )]
    TooLarge,
    #[error(
        "Only a JPEG photo can be sent. Add it again through the Burrow app, which makes a JPEG of it."
    )]
    NotJpeg,
    #[error(
        "This photo still carries the camera's details (EXIF, which can say where it was taken). Add it again through the Burrow app, which takes them out before sending."
    )]
    CameraDetails,
}

/// What only a wow moment from home may have, and a comment on an entry may not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum NotAMoment {
    #[error(
        "A photo can go with a wow moment from home, not with a comment on an entry. Send it as a wow moment."
    )]
    Photo,
    #[error(
        "Only a wow moment from home is brought into the journal; a comment is about an entry already in it."
    )]
    BroughtIn,
}

/// A photo of their child goes only with a wow moment (a note about no `entry`).
pub fn may_have_photo(entry: Option<Uuid>) -> Result<(), NotAMoment> {
    match entry {
        None => Ok(()),
        Some(_) => Err(NotAMoment::Photo),
    }
}

/// Staff bring only a wow moment into the journal (a comment is about an entry already there).
pub fn may_bring_in(entry: Option<Uuid>) -> Result<(), NotAMoment> {
    match entry {
        None => Ok(()),
        Some(_) => Err(NotAMoment::BroughtIn),
    }
}

/// The text as it is kept: without the spaces and blank lines around it. Otherwise exactly as
/// written (HTML or script in it is shown as text, never run).
pub fn clean_text(text: &str) -> &str {
    text.trim()
}

/// Whether the phone of a parent whose children are `family` may send `note` `now`. The child is
/// checked first, so a note about another family's child learns only "not found". Whether a
/// comment's entry is one this family may see is the server's question (it holds the entries).
pub fn check_note(
    note: &NewParentNote,
    family: &[Uuid],
    now: DateTime<Utc>,
) -> Result<(), NoteRefusal> {
    if !family.contains(&note.child) {
        return Err(NoteRefusal::NotFound);
    }
    let text = clean_text(&note.text);
    if text.is_empty() {
        return Err(NoteRefusal::Empty);
    }
    let chars = text.chars().count();
    if chars > PARENT_NOTE_MAX_CHARS {
        return Err(NoteRefusal::TooLong { chars });
    }
    if note.written_at > now + FUTURE_SLACK {
        return Err(NoteRefusal::InFuture);
    }
    Ok(())
}

/// Whether `bytes` may be kept as a wow moment's photo: a JPEG within the size limit, with no
/// APP1 segment (EXIF, GPS, XMP). The phone app re-encodes through a canvas, so it has none.
pub fn check_photo(bytes: &[u8]) -> Result<(), PhotoRefusal> {
    if bytes.is_empty() {
        return Err(PhotoRefusal::Empty);
    }
    if bytes.len() > PHOTO_MAX {
        return Err(PhotoRefusal::TooLarge);
    }
    let Some(segments) = crate::photo::jpeg_segments(bytes) else {
        return Err(PhotoRefusal::NotJpeg);
    };
    if segments.contains(&0xE1) {
        return Err(PhotoRefusal::CameraDetails);
    }
    Ok(())
}

/// The text a member of staff starts from when they bring a wow moment into the journal.
pub fn brought_in_text(from: &str, text: &str) -> String {
    format!("From home ({}): {}", from.trim(), clean_text(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    fn note(child: Uuid, text: &str, written_at: DateTime<Utc>) -> NewParentNote {
        NewParentNote {
            id: Uuid::from_u128(1),
            child,
            entry: None,
            text: text.into(),
            written_at,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-23T14:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap()
    }

    const AVA: Uuid = Uuid::from_u128(10);
    const NOAH: Uuid = Uuid::from_u128(11);

    #[test]
    fn a_note_about_their_own_child_is_accepted() {
        let n = note(AVA, "  Ava sang the whole alphabet in the bath!  ", now());
        assert_eq!(check_note(&n, &[AVA], now()), Ok(()));
        assert_eq!(
            clean_text(&n.text),
            "Ava sang the whole alphabet in the bath!"
        );
    }

    #[test]
    fn another_familys_child_is_not_found_whatever_the_note_says() {
        for text in ["", "hello", &"x".repeat(PARENT_NOTE_MAX_CHARS + 1)] {
            let n = note(NOAH, text, now() + Duration::days(3));
            assert_eq!(check_note(&n, &[AVA], now()), Err(NoteRefusal::NotFound));
        }
        assert_eq!(NoteRefusal::NotFound.to_string(), "Not found.");
        assert_eq!(
            check_note(&note(AVA, "hi", now()), &[], now()),
            Err(NoteRefusal::NotFound)
        );
    }

    #[test]
    fn blank_long_and_future_notes_are_refused_with_what_to_do() {
        assert_eq!(
            check_note(&note(AVA, " \n\t ", now()), &[AVA], now()),
            Err(NoteRefusal::Empty)
        );
        let long = "é".repeat(PARENT_NOTE_MAX_CHARS + 1);
        let refusal = check_note(&note(AVA, &long, now()), &[AVA], now()).unwrap_err();
        assert_eq!(refusal, NoteRefusal::TooLong { chars: 2001 });
        assert!(refusal.to_string().contains("at most 2,000."), "{refusal}");
        assert_eq!(
            PARENT_NOTE_MAX_CHARS, 2_000,
            "the sentence above says 2,000"
        );
        // Exactly the limit, counted in characters (not bytes), is fine.
        let exact = "é".repeat(PARENT_NOTE_MAX_CHARS);
        assert_eq!(check_note(&note(AVA, &exact, now()), &[AVA], now()), Ok(()));
        let ahead = note(AVA, "hi", now() + FUTURE_SLACK + Duration::seconds(1));
        let refusal = check_note(&ahead, &[AVA], now()).unwrap_err();
        assert_eq!(refusal, NoteRefusal::InFuture);
        assert!(refusal.to_string().contains("date and time"));
        // A little ahead, or written days ago while off the network, is fine.
        assert!(
            check_note(
                &note(AVA, "hi", now() + Duration::minutes(5)),
                &[AVA],
                now()
            )
            .is_ok()
        );
        assert!(check_note(&note(AVA, "hi", now() - Duration::days(9)), &[AVA], now()).is_ok());
    }

    #[test]
    fn html_is_kept_as_written() {
        let text = "<script>alert('hi')</script><b>bold</b>";
        assert_eq!(check_note(&note(AVA, text, now()), &[AVA], now()), Ok(()));
        assert_eq!(clean_text(text), text);
        assert_eq!(
            brought_in_text("Grace Okafor ", text),
            format!("From home (Grace Okafor): {text}")
        );
    }

    #[test]
    fn only_a_plain_jpeg_is_kept() {
        // SOI, an APP0 (JFIF) segment, then start of scan.
        let plain = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46, 0xFF, 0xDA, 0x00, 0x02, 0x00,
        ];
        assert_eq!(check_photo(&plain), Ok(()));
        let exif = [
            0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x04, 0x45, 0x78, 0xFF, 0xDA, 0x00, 0x02, 0x00,
        ];
        assert_eq!(check_photo(&exif), Err(PhotoRefusal::CameraDetails));
        assert_eq!(check_photo(b"GIF89a"), Err(PhotoRefusal::NotJpeg));
        assert_eq!(check_photo(&[]), Err(PhotoRefusal::Empty));
        let mut big = plain.to_vec();
        big.resize(PHOTO_MAX + 1, 0);
        assert_eq!(check_photo(&big), Err(PhotoRefusal::TooLarge));
        assert!(
            PhotoRefusal::CameraDetails
                .to_string()
                .contains("Burrow app")
        );
    }

    proptest! {
        /// Whatever is written, whenever: a child outside the family is only ever "not found",
        /// and a note about the family's own child is never refused as "not found".
        #[test]
        fn the_family_decides_not_found(
            text in ".{0,40}",
            ahead in -100_000i64..100_000,
            ours in any::<bool>(),
        ) {
            let child = if ours { AVA } else { NOAH };
            let n = note(child, &text, now() + Duration::seconds(ahead));
            let got = check_note(&n, &[AVA], now());
            if ours {
                prop_assert_ne!(got, Err(NoteRefusal::NotFound));
                let expect_ok = !text.trim().is_empty()
                    && Duration::seconds(ahead) <= FUTURE_SLACK;
                prop_assert_eq!(got.is_ok(), expect_ok);
            } else {
                prop_assert_eq!(got, Err(NoteRefusal::NotFound));
            }
        }
    }

    #[test]
    fn only_a_wow_moment_has_a_photo_or_is_brought_in() {
        assert_eq!(may_have_photo(None), Ok(()));
        assert_eq!(may_bring_in(None), Ok(()));
        let entry = Some(Uuid::from_u128(3));
        assert_eq!(may_have_photo(entry), Err(NotAMoment::Photo));
        assert_eq!(may_bring_in(entry), Err(NotAMoment::BroughtIn));
    }
}

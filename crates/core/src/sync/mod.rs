//! Sync (DESIGN §5): what a tablet and the server say to each other, and the rules the server
//! runs on every operation a tablet pushes — the per-device counter (a retry is skipped, a gap
//! refused), and for each kind of record, whether the person who made the change on the tablet
//! may make it. A refusal's words are what the tablet then shows against the record.
//!
//! - `checks`: observations and two-year checks (the workflow, shared with the tablet).
//! - `photos`: photo records (consent at the moment taken), refused captures, "not today" wishes.

mod checks;
mod photos;
pub mod restored;

pub use checks::{Held, Incoming, Proposed, check_observation, check_progress_check};
// `check_base` is defined below, beside the op it reads.
pub use photos::{
    NotToday, PHOTO_HASH_LEN, PhotoCheck, RefusedCapture, check_photo, check_refused_capture,
    check_wishes, is_photo_hash, not_today_id,
};

use crate::workflow::Refused;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

/// Most operations in one push; the tablet sends the rest in the next batch.
pub const BATCH_MAX: usize = 200;
/// Most records in one pull answer; the tablet asks again for the rest.
pub const PULL_MAX: usize = 500;

/// Where an operation's counter stands against what the server applied from that device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterCheck {
    /// Applied before (a retry): skipped, and said so.
    Applied,
    /// The next one expected: applied now (or refused, which also counts as answered).
    Next,
    /// Something in between never arrived: refused until it does.
    Gap { expected: u64 },
}

pub fn counter(last_answered: u64, counter: u64) -> CounterCheck {
    if counter <= last_answered {
        CounterCheck::Applied
    } else if counter == last_answered + 1 {
        CounterCheck::Next
    } else {
        CounterCheck::Gap {
            expected: last_answered + 1,
        }
    }
}

/// The kinds of record tablets push. The tablet's envelope kinds map onto these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Observation,
    ProgressCheck,
    Photo,
    /// A camera refusal, for the audit log; never sent back to any tablet.
    RefusedCapture,
    /// The children who said "no photos" on a day.
    NotToday,
}

impl RecordKind {
    pub const ALL: [RecordKind; 5] = [
        RecordKind::Observation,
        RecordKind::ProgressCheck,
        RecordKind::Photo,
        RecordKind::RefusedCapture,
        RecordKind::NotToday,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Observation => "observation",
            RecordKind::ProgressCheck => "progress_check",
            RecordKind::Photo => "photo",
            RecordKind::RefusedCapture => "refused_capture",
            RecordKind::NotToday => "not_today",
        }
    }

    pub fn parse(s: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// What a refusal calls it, for the person reading the sync screen.
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Observation => "Observation",
            RecordKind::ProgressCheck => "Two-year check",
            RecordKind::Photo => "Photo",
            RecordKind::RefusedCapture => "Camera refusal",
            RecordKind::NotToday => "“No photos today” list",
        }
    }
}

/// One change from a tablet's outbox: the record as it is now on the tablet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushOp {
    #[serde(deserialize_with = "crate::api::stored_number")]
    pub counter: u64,
    pub record_id: Uuid,
    /// As text, so an unknown kind is refused for that one operation, not the whole batch.
    pub kind: String,
    #[serde(deserialize_with = "crate::api::stored_number")]
    pub version: u64,
    /// The version of this record the tablet last had from the server (0: none): the change
    /// was made on top of it. If the server has moved on since, the change is stale.
    #[serde(deserialize_with = "crate::api::stored_number")]
    pub base: u64,
    /// The member of staff who made the change, unlocked with their own passphrase on this
    /// tablet. The rules are run for them, not for whoever is signed in when it syncs.
    pub by: Uuid,
    /// The record at this version. None: a later change on the tablet replaced this one before
    /// it was sent, so there is nothing to keep; the counter is answered all the same.
    pub body: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub ops: Vec<PushOp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Kept on the server, at this sequence number. `sha256` (hex) is of the body exactly as the
    /// server kept it: the tablet checks it against what it sent before calling it safe.
    /// `receipt`: the server's MAC on this version, which the tablet keeps to send the record
    /// back should the server be restored from an older backup (`restored`).
    Accepted {
        seq: u64,
        sha256: String,
        #[serde(default)]
        receipt: Option<String>,
    },
    /// This counter was answered before (a retry after a lost answer). `held` is the version
    /// the server holds of the record now and `sha256` its body's hash, so the tablet can
    /// tell whether its change is the one kept.
    AlreadyApplied {
        #[serde(default)]
        held: Option<u64>,
        #[serde(default)]
        sha256: Option<String>,
        /// The receipt for the version held.
        #[serde(default)]
        receipt: Option<String>,
    },
    /// Replaced on the tablet by a later change before it was sent: nothing to keep.
    Superseded,
    /// An earlier change from this tablet never arrived: this one stays queued until it does.
    Gap { expected: u64, reason: String },
    /// Not kept, with the reason to show against the record.
    Refused { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpAnswer {
    pub counter: u64,
    pub record_id: Uuid,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushAnswer {
    pub answers: Vec<OpAnswer>,
}

/// One record as pull hands it to a tablet: the newest version the server keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pulled {
    pub seq: u64,
    pub kind: RecordKind,
    pub id: Uuid,
    pub version: u64,
    /// The record, or its tombstone once deleted.
    pub body: serde_json::Value,
    pub deleted: bool,
    /// The server's receipt for this version (see `Outcome::Accepted`).
    #[serde(default)]
    pub receipt: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullAnswer {
    pub records: Vec<Pulled>,
    /// The checkpoint to ask after next time: the last sequence number this answer covers
    /// (records this person may not see are skipped but still covered).
    pub last: u64,
    /// More are waiting: ask again after `last`.
    pub more: bool,
    /// Leavers whose data this tablet must delete (after the last page), then confirm.
    #[serde(default)]
    pub deletions: Vec<crate::api::DeletionNotice>,
    /// Which photos this tablet keeps, by the server's date (issue 16).
    #[serde(default)]
    pub photo_window: Option<crate::retention::PhotoWindow>,
}

/// Photo upload: which of these photos the server still lacks, and how far each got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoWanted {
    pub sha256: String,
    #[serde(deserialize_with = "crate::api::stored_number")]
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MissingRequest {
    pub photos: Vec<PhotoWanted>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Missing {
    pub sha256: String,
    /// Bytes already received from an earlier, cut upload: send from here.
    pub offset: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingAnswer {
    pub missing: Vec<Missing>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadAnswer {
    /// Bytes the server now holds of this photo.
    pub received: u64,
    /// The whole photo arrived and its SHA-256 matched: it is kept.
    pub complete: bool,
}

/// Most bytes of a photo in one upload request; the tablet sends the rest from the new offset.
pub const UPLOAD_CHUNK: usize = 512 * 1024;
/// The largest photo the server takes (a 2048 px JPEG is well under this).
pub const PHOTO_MAX: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SyncRefusal {
    #[error(
        "Changes made on this tablet before this one never reached the server (expected number {expected}). Sync again."
    )]
    Gap { expected: u64 },
    #[error("The server does not take records of the kind “{0}” from tablets.")]
    UnknownKind(String),
    #[error("The record could not be read. Tell your manager.")]
    Unreadable,
    #[error("The record's identifier does not match the change.")]
    WrongRecord,
    #[error("The person who made this change is not on the setting's staff list any more.")]
    UnknownStaff,
    #[error(
        "It was changed elsewhere since this tablet last synced, and the server keeps the newer version."
    )]
    Stale,
    #[error("Only its author may create it.")]
    NotTheAuthor,
    #[error("The author cannot change.")]
    AuthorChanged,
    #[error("{0}")]
    Workflow(#[from] Refused),
    #[error("It is not ready to submit: {0}")]
    Incomplete(String),
    #[error("It is not on the server, so there is nothing to delete.")]
    NothingToDelete,
    #[error("It was deleted on another tablet.")]
    Deleted,
    #[error("The photo is for a child the server does not know.")]
    UnknownChild,
    #[error("A photo cannot be changed once taken, except for the faces marked on it.")]
    PhotoChanged,
    #[error("Only the person who took a photo may mark the faces on it.")]
    NotThePhotographer,
    #[error("{0}")]
    Regions(#[from] crate::photo::RegionError),
    #[error("The photo itself has not reached the server yet. Sync again.")]
    PhotoMissing,
    #[error("The photo should not have been taken ({0}), so it is kept on this tablet only.")]
    NoConsent(String),
    #[error("Its time is in the future. Check the tablet's clock.")]
    InTheFuture,
    #[error(
        "It is about a child who has left the setting and whose records have been deleted, so the server cannot keep it. The tablet lets it go at its next sync."
    )]
    ChildDeleted,
}

/// A change to a record that more than one tablet may edit must be made on top of the version
/// the server holds: otherwise two tablets' edits would overwrite each other unseen. A change
/// made on a newer version than the server holds is not stale: the server lost that version
/// (restored from a backup, issue 17), and the tablet's change carries on from it.
pub fn check_base(held_version: Option<u64>, base: u64) -> Result<(), SyncRefusal> {
    match held_version {
        Some(held) if held > base => Err(SyncRefusal::Stale),
        _ => Ok(()),
    }
}

/// Whether pull hands a kept record to a member of staff: everything but other people's
/// drafts (a draft is its author's until submitted) and the camera's refusals (for the audit
/// log, not for tablets). A deletion's tombstone goes to everyone, so it leaves every tablet.
pub fn staff_may_pull(
    kind: RecordKind,
    status: Option<crate::workflow::Status>,
    author: Uuid,
    viewer: Uuid,
) -> bool {
    use crate::workflow::Status;
    match kind {
        RecordKind::RefusedCapture => false,
        RecordKind::Photo | RecordKind::NotToday => true,
        RecordKind::Observation | RecordKind::ProgressCheck => match status {
            Some(Status::Draft) => author == viewer,
            _ => true,
        },
    }
}

#[cfg(test)]
mod pull_tests {
    use super::*;
    use crate::workflow::Status;

    #[test]
    fn a_change_made_on_an_older_version_than_the_servers_is_stale() {
        assert_eq!(check_base(None, 0), Ok(()), "new on the server");
        assert_eq!(
            check_base(Some(4), 4),
            Ok(()),
            "made on what the server holds"
        );
        assert_eq!(
            check_base(Some(5), 4),
            Err(SyncRefusal::Stale),
            "another tablet got there first"
        );
        assert_eq!(
            check_base(Some(4), 0),
            Err(SyncRefusal::Stale),
            "made without ever seeing it"
        );
        assert_eq!(
            check_base(Some(2), 5),
            Ok(()),
            "made on a version a restored server lost"
        );
    }

    #[test]
    fn a_draft_reaches_only_its_author_and_refusals_no_tablet() {
        let (priya, sam) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let o = RecordKind::Observation;
        assert!(staff_may_pull(o, Some(Status::Draft), priya, priya));
        assert!(!staff_may_pull(o, Some(Status::Draft), priya, sam));
        assert!(staff_may_pull(o, Some(Status::Submitted), priya, sam));
        assert!(
            staff_may_pull(o, None, priya, sam),
            "tombstones reach everyone"
        );
        assert!(!staff_may_pull(
            RecordKind::ProgressCheck,
            Some(Status::Draft),
            priya,
            sam
        ));
        assert!(!staff_may_pull(
            RecordKind::RefusedCapture,
            None,
            priya,
            priya
        ));
        assert!(staff_may_pull(RecordKind::Photo, None, priya, sam));
        for k in RecordKind::ALL {
            assert_eq!(RecordKind::parse(k.as_str()), Some(k));
        }
    }
}

//! The audit log's rules (DESIGN §2 rule 8, issue 7 part 7): what is recorded, and the hash chain
//! that makes any edit or deletion show.
//!
//! Each entry's hash covers its own fields and the hash before it, so changing an entry breaks
//! its hash and removing one breaks the next entry's link (and the run of numbers). Entries carry
//! no children's names, observation text or images: a child appears only by id, a person by the
//! name they had when they acted (a leaver's account goes; the trail keeps who did what).
//!
//! The caller hashes (the server with SHA-256): core has no crypto of its own on this side.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

pub type Hash = [u8; 32];

/// The hash an empty log starts from.
pub const GENESIS: Hash = [0; 32];

/// The shortest retention a manager may choose: a month, so a parent's question about last
/// month can still be answered.
pub const MIN_RETENTION_DAYS: u32 = 31;
pub const DEFAULT_RETENTION_DAYS: u32 = 365;

/// What happened. Stored by its `code`, so renaming a variant never changes old entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    SignedIn,
    SignInRefused,
    WrongPassphraseOnTablet,
    StaffInvited,
    StaffJoined,
    StaffRemoved,
    RoleChanged,
    StaffDeleted,
    DeviceRequested,
    DeviceApproved,
    DeviceRemoved,
    ParentInvited,
    ParentPhoneEnrolled,
    ConsentRecorded,
    ChildFlagged,
    ChildUnflagged,
    PhotoSignedOff,
    ObservationValidated,
    ObservationReturned,
    PhotoRefused,
    CaptureRefused,
    OptionsChanged,
    JournalViewed,
    JournalExported,
    JournalSentToParent,
    ParentNoteAdded,
    ParentNoteBroughtIn,
    ParentWithdrawn,
    LeavingDateSet,
    LeavingCancelled,
    ChildDataDeleted,
    DeletionConfirmed,
    PosterityChosen,
    OutingStarted,
    OutingEnded,
    /// A tablet's data key handed to someone signing in on it (issue 18).
    TabletKeyGiven,
    /// Backups set up or changed: a recovery key made, a folder chosen (issue 17).
    BackupsChanged,
    /// A backup written to the backup folder.
    BackupMade,
    /// This data folder was rebuilt from a backup.
    RestoredFromBackup,
    /// A tablet sent back records a restored server had lost (with the server's receipts).
    ResentAfterRestore,
    /// A child's own picture on staff lists chosen or taken away (issue 20).
    ChildPictureChosen,
    /// A photo chosen for a display, the website or social media (issue 21), one entry per
    /// child in it; the detail is the use.
    PhotoPublished,
    /// A published photo recorded as taken down by the manager, one entry per child.
    PhotoTakenDown,
}

impl Action {
    pub const ALL: [Action; 43] = [
        Action::SignedIn,
        Action::SignInRefused,
        Action::WrongPassphraseOnTablet,
        Action::StaffInvited,
        Action::StaffJoined,
        Action::StaffRemoved,
        Action::RoleChanged,
        Action::StaffDeleted,
        Action::DeviceRequested,
        Action::DeviceApproved,
        Action::DeviceRemoved,
        Action::ParentInvited,
        Action::ParentPhoneEnrolled,
        Action::ConsentRecorded,
        Action::ChildFlagged,
        Action::ChildUnflagged,
        Action::PhotoSignedOff,
        Action::ObservationValidated,
        Action::ObservationReturned,
        Action::PhotoRefused,
        Action::CaptureRefused,
        Action::OptionsChanged,
        Action::JournalViewed,
        Action::JournalExported,
        Action::JournalSentToParent,
        Action::ParentNoteAdded,
        Action::ParentNoteBroughtIn,
        Action::ParentWithdrawn,
        Action::LeavingDateSet,
        Action::LeavingCancelled,
        Action::ChildDataDeleted,
        Action::DeletionConfirmed,
        Action::PosterityChosen,
        Action::OutingStarted,
        Action::OutingEnded,
        Action::TabletKeyGiven,
        Action::BackupsChanged,
        Action::BackupMade,
        Action::RestoredFromBackup,
        Action::ResentAfterRestore,
        Action::ChildPictureChosen,
        Action::PhotoPublished,
        Action::PhotoTakenDown,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::SignedIn => "signed_in",
            Action::SignInRefused => "sign_in_refused",
            Action::WrongPassphraseOnTablet => "wrong_passphrase_on_tablet",
            Action::StaffInvited => "staff_invited",
            Action::StaffJoined => "staff_joined",
            Action::StaffRemoved => "staff_removed",
            Action::RoleChanged => "role_changed",
            Action::StaffDeleted => "staff_deleted",
            Action::DeviceRequested => "device_requested",
            Action::DeviceApproved => "device_approved",
            Action::DeviceRemoved => "device_removed",
            Action::ParentInvited => "parent_invited",
            Action::ParentPhoneEnrolled => "parent_phone_enrolled",
            Action::ConsentRecorded => "consent_recorded",
            Action::ChildFlagged => "child_flagged",
            Action::ChildUnflagged => "child_unflagged",
            Action::PhotoSignedOff => "photo_signed_off",
            Action::ObservationValidated => "observation_validated",
            Action::ObservationReturned => "observation_returned",
            Action::PhotoRefused => "photo_refused",
            Action::CaptureRefused => "capture_refused",
            Action::OptionsChanged => "options_changed",
            Action::JournalViewed => "journal_viewed",
            Action::JournalExported => "journal_exported",
            Action::JournalSentToParent => "journal_sent_to_parent",
            Action::ParentNoteAdded => "parent_note_added",
            Action::ParentNoteBroughtIn => "parent_note_brought_in",
            Action::ParentWithdrawn => "parent_withdrawn",
            Action::LeavingDateSet => "leaving_date_set",
            Action::LeavingCancelled => "leaving_cancelled",
            Action::ChildDataDeleted => "child_data_deleted",
            Action::DeletionConfirmed => "deletion_confirmed",
            Action::PosterityChosen => "posterity_chosen",
            Action::OutingStarted => "outing_started",
            Action::OutingEnded => "outing_ended",
            Action::TabletKeyGiven => "tablet_key_given",
            Action::BackupsChanged => "backups_changed",
            Action::BackupMade => "backup_made",
            Action::RestoredFromBackup => "restored_from_backup",
            Action::ResentAfterRestore => "resent_after_restore",
            Action::ChildPictureChosen => "child_picture_chosen",
            Action::PhotoPublished => "photo_published",
            Action::PhotoTakenDown => "photo_taken_down",
        }
    }

    /// What a parent is shown of their own child's trail: who looked at, sent out, exported or
    /// changed the journal (DESIGN §2 rule 8). Not safeguarding flags or sign-ins.
    pub fn shown_to_parents(self) -> bool {
        matches!(
            self,
            Action::JournalViewed
                | Action::JournalExported
                | Action::JournalSentToParent
                | Action::ObservationValidated
                | Action::ObservationReturned
                | Action::ParentNoteBroughtIn
                | Action::LeavingDateSet
                | Action::LeavingCancelled
                | Action::PhotoPublished
                | Action::PhotoTakenDown
        )
    }

    pub fn from_code(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code)
    }

    /// For the manager's screen and a parent's "who looked at my child's journal".
    pub fn label(self) -> &'static str {
        match self {
            Action::SignedIn => "Signed in",
            Action::SignInRefused => "Sign-in refused",
            Action::WrongPassphraseOnTablet => "Wrong passphrase on a tablet",
            Action::StaffInvited => "Member of staff invited",
            Action::StaffJoined => "Member of staff joined",
            Action::StaffRemoved => "Staff access removed",
            Action::RoleChanged => "Role changed",
            Action::StaffDeleted => "Leaver's account deleted",
            Action::DeviceRequested => "Tablet asked to enrol",
            Action::DeviceApproved => "Tablet enrolled",
            Action::DeviceRemoved => "Tablet removed",
            Action::ParentInvited => "Parent linked to their child",
            Action::ParentPhoneEnrolled => "Parent's phone enrolled",
            Action::ConsentRecorded => "Consent recorded",
            Action::ChildFlagged => "Child flagged high-risk",
            Action::ChildUnflagged => "High-risk flag taken away",
            Action::PhotoSignedOff => "Photo signed off by a second manager",
            Action::ObservationValidated => "Observation validated",
            Action::ObservationReturned => "Observation returned",
            Action::PhotoRefused => "Photo refused at sync",
            Action::CaptureRefused => "Photo not taken (consent)",
            Action::OptionsChanged => "Settings changed",
            Action::JournalViewed => "Journal viewed",
            Action::JournalExported => "Journal exported",
            Action::JournalSentToParent => "Journal sent to a parent's phone",
            Action::ParentNoteAdded => "Parent's comment or wow moment received",
            Action::ParentNoteBroughtIn => "Wow moment from home brought into the journal",
            Action::ParentWithdrawn => "Parent's access withdrawn",
            Action::LeavingDateSet => "Leaving date recorded",
            Action::LeavingCancelled => "Leaving date cancelled",
            Action::ChildDataDeleted => "A leaver's data deleted from the server",
            Action::DeletionConfirmed => "A device confirmed it deleted a leaver's data",
            Action::PosterityChosen => "A leaver's photo kept for posterity, or no longer",
            Action::OutingStarted => "A tablet left on an outing, carrying only the children going",
            Action::OutingEnded => "A tablet came back from an outing",
            Action::TabletKeyGiven => "A tablet's key given to someone signing in on it",
            Action::BackupsChanged => "Backups set up or changed",
            Action::BackupMade => "Backup made",
            Action::RestoredFromBackup => "Server restored from a backup",
            Action::ResentAfterRestore => "Records sent back by a tablet after a restore",
            Action::ChildPictureChosen => "A child's picture for staff lists chosen, or taken away",
            Action::PhotoPublished => "A photo chosen for a display, the website or social media",
            Action::PhotoTakenDown => "A published photo taken down",
        }
    }
}

/// One entry as it is kept. `detail` is a short fixed phrase or code (a purpose, a role, a
/// reason) and never free text someone typed about a child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub action: Action,
    /// Who acted, by id and by the name they had then; `None` for the server or an unknown name.
    pub actor: Option<Uuid>,
    pub actor_name: Option<String>,
    pub device: Option<Uuid>,
    pub child: Option<Uuid>,
    /// The thing acted on: a record, a device or a member of staff, by id.
    pub subject: Option<String>,
    pub detail: Option<String>,
    pub prev_hash: Hash,
    pub hash: Hash,
}

/// The bytes an entry's hash covers: every field but the hash itself, each on its own line and
/// length-prefixed so no two entries can share a message.
pub fn entry_message(e: &Entry) -> Vec<u8> {
    let mut m = b"burrow audit v1\n".to_vec();
    let mut field = |s: &str| {
        m.extend_from_slice(s.len().to_string().as_bytes());
        m.push(b':');
        m.extend_from_slice(s.as_bytes());
        m.push(b'\n');
    };
    let opt_uuid = |u: Option<Uuid>| u.map(|u| u.to_string()).unwrap_or_default();
    field(&e.seq.to_string());
    field(&e.at.timestamp_micros().to_string());
    field(e.action.code());
    field(&opt_uuid(e.actor));
    field(e.actor_name.as_deref().unwrap_or(""));
    field(&opt_uuid(e.device));
    field(&opt_uuid(e.child));
    field(e.subject.as_deref().unwrap_or(""));
    field(e.detail.as_deref().unwrap_or(""));
    m.extend_from_slice(&e.prev_hash);
    m
}

/// Where a chain stops being trustworthy, in words a manager can act on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChainBreak {
    #[error("entry {seq} was changed after it was written")]
    Edited { seq: i64 },
    #[error("entries between {after} and {next} are missing")]
    Missing { after: i64, next: i64 },
    #[error("entry {seq} does not follow the one before it")]
    Unlinked { seq: i64 },
    #[error("entries after {seq} are missing (the log ends early)")]
    Truncated { seq: i64 },
}

/// Where the kept log starts: the number and hash of the last entry removed by retention (or 0
/// and `GENESIS` when nothing has been removed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: Hash,
}

impl Anchor {
    pub const START: Anchor = Anchor {
        seq: 0,
        hash: GENESIS,
    };
}

/// The next entry's hash fields: given the entry with `seq` and `prev_hash` set, fills `hash`.
pub fn seal(mut e: Entry, sha256: impl Fn(&[u8]) -> Hash) -> Entry {
    e.hash = sha256(&entry_message(&e));
    e
}

/// Checks a run of entries, oldest first, from `anchor`. `head` is the last entry known to have
/// been written (kept apart from the log): a log that ends before it lost its newest entries.
/// Returns how many entries were checked.
pub fn verify(
    anchor: Anchor,
    entries: impl IntoIterator<Item = Entry>,
    head: Option<Anchor>,
    sha256: impl Fn(&[u8]) -> Hash,
) -> Result<u64, ChainBreak> {
    let mut last = anchor;
    let mut count = 0;
    // A head older than the anchor went with retention; one at the anchor must be the anchor.
    let mut head_seen = match head {
        None => true,
        Some(h) if h.seq < anchor.seq => true,
        Some(h) => h == anchor,
    };
    for e in entries {
        if e.seq != last.seq + 1 {
            return Err(ChainBreak::Missing {
                after: last.seq,
                next: e.seq,
            });
        }
        if e.prev_hash != last.hash {
            return Err(ChainBreak::Unlinked { seq: e.seq });
        }
        if sha256(&entry_message(&e)) != e.hash {
            return Err(ChainBreak::Edited { seq: e.seq });
        }
        last = Anchor {
            seq: e.seq,
            hash: e.hash,
        };
        if head == Some(last) {
            head_seen = true;
        }
        count += 1;
    }
    match head {
        Some(h) if !head_seen && h.seq > last.seq => Err(ChainBreak::Truncated { seq: last.seq }),
        Some(h) if !head_seen => Err(ChainBreak::Edited { seq: h.seq }),
        _ => Ok(count),
    }
}

/// Checks a retention choice.
pub fn check_retention(days: u32) -> Result<u32, RetentionError> {
    if days < MIN_RETENTION_DAYS {
        Err(RetentionError::TooShort)
    } else if days > 3650 {
        Err(RetentionError::TooLong)
    } else {
        Ok(days)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum RetentionError {
    #[error("keep the audit log for at least {MIN_RETENTION_DAYS} days")]
    TooShort,
    #[error("keep the audit log for at most ten years (3,650 days)")]
    TooLong,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use sha2::{Digest, Sha256};

    fn sha(b: &[u8]) -> Hash {
        Sha256::digest(b).into()
    }

    fn chain(n: usize, anchor: Anchor) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        let mut last = anchor;
        for i in 0..n {
            let e = seal(
                Entry {
                    seq: last.seq + 1,
                    at: DateTime::from_timestamp(1_700_000_000 + i as i64 * 60, 0).unwrap(),
                    action: Action::ALL[i % Action::ALL.len()],
                    actor: Some(Uuid::from_u128(i as u128)),
                    actor_name: Some(format!("Staff {i}")),
                    device: None,
                    child: (i % 2 == 0).then(|| Uuid::from_u128(1000 + i as u128)),
                    subject: Some(format!("record-{i}")),
                    detail: None,
                    prev_hash: last.hash,
                    hash: GENESIS,
                },
                sha,
            );
            last = Anchor {
                seq: e.seq,
                hash: e.hash,
            };
            out.push(e);
        }
        out
    }

    fn head_of(c: &[Entry]) -> Option<Anchor> {
        c.last().map(|e| Anchor {
            seq: e.seq,
            hash: e.hash,
        })
    }

    #[test]
    fn an_intact_chain_verifies_from_the_start_and_from_an_anchor() {
        let c = chain(10, Anchor::START);
        assert_eq!(verify(Anchor::START, c.clone(), head_of(&c), sha), Ok(10));
        // Retention removed the first four: the fourth is the anchor.
        let anchor = Anchor {
            seq: c[3].seq,
            hash: c[3].hash,
        };
        assert_eq!(verify(anchor, c[4..].to_vec(), head_of(&c), sha), Ok(6));
        assert_eq!(verify(Anchor::START, Vec::new(), None, sha), Ok(0));
    }

    #[test]
    fn codes_round_trip_and_are_distinct() {
        for a in Action::ALL {
            assert_eq!(Action::from_code(a.code()), Some(a));
        }
        let mut codes: Vec<_> = Action::ALL.iter().map(|a| a.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), Action::ALL.len());
    }

    #[test]
    fn losing_the_newest_entries_shows_against_the_head() {
        let c = chain(5, Anchor::START);
        let head = head_of(&c);
        assert_eq!(
            verify(Anchor::START, c[..3].to_vec(), head, sha),
            Err(ChainBreak::Truncated { seq: 3 })
        );
        // The head may lag behind the log (written after the entry): that is fine.
        assert_eq!(
            verify(Anchor::START, c.clone(), head_of(&c[..4]), sha),
            Ok(5)
        );
    }

    #[test]
    fn retention_is_at_least_a_month() {
        assert_eq!(check_retention(30), Err(RetentionError::TooShort));
        assert_eq!(check_retention(31), Ok(31));
        assert_eq!(check_retention(3651), Err(RetentionError::TooLong));
    }

    proptest! {
        /// Any change to any field of any entry is found.
        #[test]
        fn any_edit_is_found(n in 1usize..20, which in 0usize..20, field in 0u8..7, salt in any::<u8>()) {
            let mut c = chain(n, Anchor::START);
            let head = head_of(&c);
            let i = which % n;
            let e = &mut c[i];
            match field {
                0 => e.at += chrono::Duration::seconds(1 + salt as i64),
                1 => e.action = Action::ALL[(Action::ALL.iter().position(|a| *a == e.action).unwrap() + 1 + salt as usize % 24) % Action::ALL.len()],
                2 => e.actor = Some(Uuid::from_u128(u128::MAX - salt as u128)),
                3 => e.actor_name = Some(format!("Someone else {salt}")),
                4 => e.child = match e.child { Some(_) => None, None => Some(Uuid::from_u128(7)) },
                5 => e.subject = Some(format!("other-{salt}")),
                _ => e.detail = Some(format!("x{salt}")),
            }
            prop_assert!(verify(Anchor::START, c, head, sha).is_err());
        }

        /// Removing any entry, or any run of entries, is found, even if the remover renumbers
        /// nothing or re-links the next entry without its hash.
        #[test]
        fn any_deletion_is_found(n in 1usize..20, from in 0usize..20, len in 1usize..5) {
            let c = chain(n, Anchor::START);
            let head = head_of(&c);
            let from = from % n;
            let to = (from + len).min(n);
            let mut kept = c[..from].to_vec();
            kept.extend_from_slice(&c[to..]);
            prop_assert!(verify(Anchor::START, kept.clone(), head, sha).is_err());
            // Re-linking the next entry to the entry before the gap breaks its own hash.
            if to < n {
                let mut relinked = kept;
                relinked[from].prev_hash = if from == 0 { GENESIS } else { c[from - 1].hash };
                relinked[from].seq = from as i64 + 1;
                prop_assert!(verify(Anchor::START, relinked, head, sha).is_err());
            }
        }
    }
}

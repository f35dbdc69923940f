//! The messages the app and the server exchange over HTTP. Both sides use these types, so they
//! cannot drift apart. Requests refuse unknown fields: a misspelt field is an error, not ignored.

use crate::consent::{ConsentRecord, OverviewRow, Purpose, Standing};
use crate::staff::Role;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Every refusal the server sends: a sentence for a person, and the form field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// `GET /api/status`: what the app needs before anyone signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub setup_needed: bool,
    pub setting_name: Option<String>,
}

/// `POST /api/setup`: the first manager sets the setting up with the one-time code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    pub code: String,
    pub setting_name: String,
    pub manager_name: String,
    pub passphrase: String,
}

/// `POST /api/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub name: String,
    pub passphrase: String,
}

/// `POST /api/invites/claim`: a new member of staff chooses their passphrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimInviteRequest {
    pub name: String,
    pub code: String,
    pub passphrase: String,
}

/// Who is signed in (`GET /api/session`, and the answer to set-up, sign-in and claiming).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub staff: StaffMember,
    pub setting_name: String,
    /// Seconds without a touch before the tablet locks itself (the setting's choice).
    pub lock_after_seconds: u32,
    /// The setting's switch: observations wait for a manager's validation before parents see them.
    pub validation_required: bool,
}

/// `GET /api/setting/options` (anyone signed in) and `PUT` (managers): how the setting runs Burrow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingOptions {
    /// Minutes without a touch before a tablet locks (see `lock::check_lock_after`).
    pub lock_after_minutes: u32,
    /// Observations wait for a manager's or deputy's validation before parents see them.
    pub validation_required: bool,
    /// Days after a leaver's last day (and the day after it) before their data is deleted.
    #[serde(default = "default_grace")]
    pub deletion_grace_days: u32,
    /// A tablet getting ready for an outing keeps only the children going (issue 16); off, it
    /// keeps everything it holds while out (a setting whose policy allows it).
    #[serde(default = "default_outing_clears")]
    pub outing_clears_tablet: bool,
}

fn default_outing_clears() -> bool {
    true
}

fn default_grace() -> u32 {
    crate::leaving::GRACE_DEFAULT_DAYS
}

/// A deletion this device has still to carry out: everything it holds of `child` goes, then
/// it says so (`POST /api/sync/deletions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionNotice {
    pub id: Uuid,
    pub child: Uuid,
}

/// `POST /api/sync/deletions`: a tablet has deleted everything of these children's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeletionsDone {
    pub ids: Vec<Uuid>,
}

/// `POST /api/parent/closed`: a parent's phone has taken these children's journals off itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosedDone {
    pub children: Vec<Uuid>,
}

/// `GET /api/children/{id}/posterity`: one of a leaving child's photos, and whether a manager
/// may keep it "for posterity" when the rest of the child's data is deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PosterityPhoto {
    pub photo: Uuid,
    /// The thumbnail's id, as tablets hold it.
    pub thumb: Uuid,
    pub taken_at: DateTime<Utc>,
    /// The other children in it, by first name.
    pub with: Vec<String>,
    pub kept: bool,
    /// Why it cannot be kept (a child in it without consent for displays).
    pub refused: Option<String>,
}

/// `PUT /api/children/{id}/posterity/{photo}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PosterityRequest {
    pub keep: bool,
}

/// `GET /api/publishing/photos?for=…`: a photo from the journals a manager might use beyond
/// them (issue 21), with whether it may be, and why not, naming each child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishCandidate {
    /// The record, so the tablet can show its thumbnail (its own copy, or the server's).
    pub record: crate::photo::PhotoRecord,
    /// The children in it, by first name (for the manager only: never in what leaves).
    pub children: Vec<String>,
    /// Every reason it cannot be used for this purpose; empty if it can.
    pub refused: Option<String>,
    /// Already chosen for this purpose and not taken down.
    pub in_use: bool,
}

/// `POST /api/published`: use this photo for this purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    pub photo: Uuid,
    pub used_for: crate::publishing::Use,
}

/// `GET /api/published`: a photo used beyond the journals, where, and whether it still may be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    pub id: Uuid,
    pub photo: Uuid,
    pub used_for: crate::publishing::Use,
    pub chosen_by: String,
    pub chosen_at: DateTime<Utc>,
    /// The name the file leaves with: the setting and the day, never a child.
    pub file_name: String,
    /// A caption to start from, naming no child.
    pub caption: String,
    /// The children in it, by first name, for the manager.
    pub children: Vec<String>,
    /// Faces masked in the file (the "no identifiable faces" policy).
    pub masked: bool,
    /// Why it no longer may be used (consent withdrawn or lapsed, a child flagged since).
    pub no_longer: Option<String>,
    pub taken_down: Option<TakenDown>,
    /// The photo's record, for its thumbnail; None once the photo has been deleted.
    pub record: Option<crate::photo::PhotoRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TakenDown {
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Where a use stands, decided once for the server (which sends the file only while it is
/// `InUse`) and the manager's list (which offers the download only then).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UseStanding<'a> {
    /// Recorded as taken down: done with.
    TakenDown(&'a TakenDown),
    /// Still up, but no longer allowed (the reason given): it is to be taken down.
    NoLonger(&'a str),
    /// Still up, and still allowed.
    InUse,
}

impl Published {
    pub fn standing(&self) -> UseStanding<'_> {
        match (&self.taken_down, &self.no_longer) {
            (Some(down), _) => UseStanding::TakenDown(down),
            (None, Some(why)) => UseStanding::NoLonger(why),
            (None, None) => UseStanding::InUse,
        }
    }
}

/// `GET`/`PUT /api/publishing/policy`: the setting's policy for social media.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishingPolicy {
    pub social_media: crate::publishing::FacesPolicy,
}

/// `GET /api/deletions`: a leaver's deletion as the manager's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionSummary {
    pub id: Uuid,
    pub child: Uuid,
    pub last_day: NaiveDate,
    pub deleted_at: DateTime<Utc>,
    pub removed: crate::receipt::Removed,
    /// Devices still to confirm, by name.
    pub waiting: Vec<String>,
}

/// The answer of `GET /api/tablet-keys/{id}`: a tablet's data key, held by the server so that
/// any member of staff who signs in on that tablet can be given their own wrapped copy.
/// 64 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TabletKey {
    pub key: String,
}

/// `PUT /api/tablet-keys/{id}`, from the first person to sign in on a new tablet: its data key,
/// and the public half of its door key (hex of a P-256 point). The door key never leaves the
/// tablet's browser; the server gives the data key back only to a request it signed, from a
/// tablet a manager has enrolled (`device::TabletLink`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTabletKey {
    pub key: String,
    pub door_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    /// False until they have used their invite code to choose a passphrase.
    pub has_signed_in: bool,
    /// A manager removed their access: the server refuses them, and tablets stop unlocking
    /// for them once they have synced.
    #[serde(default)]
    pub removed: bool,
    /// A leaver's account deleted after their access was removed: the name is gone from the
    /// list (the audit log keeps who did what).
    #[serde(default)]
    pub deleted: bool,
}

/// `POST /api/staff/{id}/role`: a manager gives someone another role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    pub role: Role,
}

/// `POST /api/staff`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewStaffRequest {
    pub name: String,
    pub role: Role,
}

/// The new member of staff, and the code the manager passes on to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewStaffResponse {
    pub staff: StaffMember,
    pub invite_code: String,
    pub invite_expires: DateTime<Utc>,
}

/// `POST /api/children`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewChildRequest {
    pub first_name: String,
    pub surname: String,
    pub date_of_birth: NaiveDate,
    pub start_date: NaiveDate,
    pub key_person_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    pub id: Uuid,
    pub first_name: String,
    pub surname: String,
    pub date_of_birth: NaiveDate,
    pub start_date: NaiveDate,
    pub key_person_id: Uuid,
    pub key_person_name: String,
    /// Flagged by a manager: any image of them needs a second manager's sign-off.
    #[serde(default)]
    pub high_risk: bool,
    /// The child's last day at the setting, once a manager has recorded it.
    #[serde(default)]
    pub leaving_date: Option<NaiveDate>,
    /// The photo shown for them on staff lists (core::child_picture), once one is chosen.
    #[serde(default)]
    pub picture: Option<Uuid>,
}

/// `PUT /api/children/{id}/picture`: their key person or a manager chooses the photo shown for a
/// child on staff lists, or takes it away (`null`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChildPictureRequest {
    pub photo: Option<Uuid>,
}

/// `PUT /api/children/{id}/leaving`: a manager or deputy records a child's last day, changes
/// it, or cancels it (`null`), until it has passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeavingRequest {
    pub leaving_date: Option<NaiveDate>,
}

/// `PUT /api/children/{id}/high-risk`: a manager flags a child, or takes the flag away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HighRiskFlag {
    pub high_risk: bool,
    /// Required when flagging: the category, never the story.
    pub reason: Option<crate::high_risk::Reason>,
}

/// One consent answer, with the name of the member of staff who recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentEntry {
    #[serde(flatten)]
    pub record: ConsentRecord,
    pub recorded_by_name: String,
}

/// `GET /api/children/{id}/consents`: a child's answers (oldest first) and where they stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildConsents {
    pub child: Child,
    pub today: NaiveDate,
    pub history: Vec<ConsentEntry>,
    /// Every purpose, in `Purpose::ALL` order.
    pub standings: Vec<(Purpose, Standing)>,
}

/// `GET /api/consents`: the whole setting at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentOverview {
    pub today: NaiveDate,
    pub children: Vec<(Child, OverviewRow)>,
}

/// One audit entry as the manager's screen shows it (`GET /api/audit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub action: crate::audit::Action,
    /// The name the person had when they acted; `None` for the server or an unknown name.
    pub actor_name: Option<String>,
    pub device: Option<Uuid>,
    pub child: Option<Uuid>,
    pub subject: Option<String>,
    pub detail: Option<String>,
}

/// `GET /api/audit`: newest first; ask again with `before` = the last `seq` for more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub more: bool,
}

/// `GET /api/audit/check`: whether the chain is intact, as the verification command says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditCheck {
    pub intact: bool,
    pub checked: u64,
    /// What is wrong, in words, when it is not intact.
    pub problem: Option<String>,
}

/// `GET`/`PUT /api/audit/retention`: how long entries are kept (core's `check_retention`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditRetention {
    pub days: u32,
}

/// `POST /api/audit/wrong-passphrases` (signed by the tablet): wrong passphrases typed on this
/// tablet since it last reported them, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrongPassphrases {
    pub attempts: Vec<WrongPassphraseAttempt>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrongPassphraseAttempt {
    /// Whose passphrase was tried.
    pub staff_id: Uuid,
    pub at: DateTime<Utc>,
}

/// `GET /api/parent/audit` (a parent's phone): who looked at, sent out, exported or changed
/// their own children's journals, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentAuditEntry {
    pub at: DateTime<Utc>,
    pub action: crate::audit::Action,
    pub child: Uuid,
    /// The member of staff, or "you" for this parent's own phone.
    pub who: String,
    /// Where a photo of the child was used or taken down from (issue 21).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_for: Option<crate::publishing::Use>,
}

/// At most this many attempts in one report (a tablet sends the rest next time).
pub const WRONG_PASSPHRASES_MAX: usize = 200;

/// A parent or carer, linked by a manager to their own children (`GET /api/parents`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parent {
    pub id: Uuid,
    pub name: String,
    pub children: Vec<Uuid>,
    /// Their phone has enrolled with the invite code.
    pub enrolled: bool,
}

/// `POST /api/parents`: a manager links a parent to their child(ren).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewParentRequest {
    pub name: String,
    pub children: Vec<Uuid>,
}

/// The parent, and the code the manager gives them for their phone (shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewParentResponse {
    pub parent: Parent,
    pub invite_code: String,
    pub invite_expires: DateTime<Utc>,
}

/// `POST /api/parents/enrol`: a parent's phone, on the premises, with its invite code and the
/// public half of the key it made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParentEnrolRequest {
    pub code: String,
    pub public_key: String,
}

/// The phone is enrolled for this parent; their children by first name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentEnrolResponse {
    pub device_id: Uuid,
    pub parent_name: String,
    pub children: Vec<(Uuid, String)>,
}

/// `GET /api/parent/journal?after=` (signed by a parent's phone): what changed in their own
/// children's published journal after a sequence number, as core's `parent_view` gives it;
/// `withdrawn` are entries they may no longer see (to remove from the phone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentJournalPage {
    pub entries: Vec<crate::parent_view::ParentEntry>,
    pub withdrawn: Vec<Uuid>,
    pub last: u64,
    pub more: bool,
    /// Changes whenever something other than the entries may have changed what this family
    /// sees (a consent answer recorded, a high-risk flag, a sign-off, a new day for answers that
    /// lapse): a phone that last saw another value reads its journal again from the start, so
    /// a photo is re-rendered or taken back.
    #[serde(default)]
    pub views: String,
    /// The family's children with a last day still to come: the phone says when, so the
    /// family downloads the journal before then.
    #[serde(default)]
    pub leaving: Vec<ChildLeaving>,
    /// The family's children who have left: their journals are closed, and the phone deletes
    /// everything it holds of them.
    #[serde(default)]
    pub closed: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildLeaving {
    pub child: Uuid,
    pub last_day: NaiveDate,
}

/// Longest comment or "wow moment" a parent may send, in characters.
pub const PARENT_NOTE_MAX_CHARS: usize = 2_000;

/// What a parent writes from their phone: a comment on an entry in their own child's journal
/// (`entry` is that entry's id), or a "wow moment" from home (`entry` is `None`).
/// `POST /api/parent/notes`, signed by the phone. The id is made on the phone, so sending the
/// same note twice keeps one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewParentNote {
    pub id: Uuid,
    pub child: Uuid,
    #[serde(default)]
    pub entry: Option<Uuid>,
    pub text: String,
    pub written_at: DateTime<Utc>,
}

/// A parent's comment or wow moment as the setting's staff see it (`GET /api/family-notes`),
/// and as the parent's own phone lists what it sent (`GET /api/parent/notes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentNote {
    pub id: Uuid,
    pub child: Uuid,
    pub entry: Option<Uuid>,
    pub text: String,
    pub written_at: DateTime<Utc>,
    /// The parent or carer's name as the manager entered it.
    pub from: String,
    /// A photo of their own child came with it (`GET /api/family-notes/{id}/photo` for staff).
    pub has_photo: bool,
    /// The observation a member of staff made from it, once they brought it into the journal.
    pub brought_in: Option<Uuid>,
}

/// `POST /api/family-notes/{id}/brought-in`: staff made an observation from a wow moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BroughtIn {
    pub observation: Uuid,
}

/// The largest counter, version, checkpoint or size the setting's database can keep: SQLite's
/// integers are signed 64-bit.
pub const STORED_MAX: u64 = i64::MAX as u64;

/// serde's `deserialize_with` for a number a request carries into the database (a counter, a
/// version, a checkpoint, an offset): one above `STORED_MAX` is refused as a value of the wrong
/// kind where the request is read, never left to fail in SQLite.
pub fn stored_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let n = u64::deserialize(d)?;
    if n > STORED_MAX {
        return Err(serde::de::Error::invalid_value(
            serde::de::Unexpected::Other("a number too large"),
            &"a number the setting's database can keep",
        ));
    }
    Ok(n)
}

/// `GET /api/server/addresses`: where devices on the setting's network open Burrow, and where
/// they download the setting's certificate, one each per address of the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerAddresses {
    pub tablets: Vec<String>,
    pub certificate: Vec<String>,
}

/// `GET /api/backups` (managers): where the server's backups stand and where they go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupStatus {
    pub standing: crate::backup::Standing,
    /// The folder on the server the nightly backups go to, once chosen.
    pub folder: Option<String>,
    /// Whether a recovery key has been made (its public half is all the server keeps).
    pub has_recovery_key: bool,
    /// How many backups the folder holds now (at most `backup::KEEP`).
    pub kept: u32,
    /// A backup is being written at this moment.
    pub running: bool,
}

/// `POST /api/backups/recovery-key` (managers): the new recovery key, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRecoveryKey {
    /// In groups of six after its prefix, as it is best printed.
    pub recovery_key: String,
}

/// `POST /api/backups/recovery-key`: `replace` must be true when a key exists already (backups
/// made before then still need the old one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecoveryKeyRequest {
    #[serde(default)]
    pub replace: bool,
}

/// `PUT /api/backups/folder` (managers): a folder on the server, such as a USB disk's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupFolder {
    pub folder: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_refuse_unknown_fields() {
        let err = serde_json::from_str::<SignInRequest>(
            r#"{"name":"Jo","passphrase":"x","remember_me":true}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown field `remember_me`"));
    }

    #[test]
    fn a_use_taken_down_stays_down_and_one_no_longer_allowed_is_not_in_use() {
        let mut used = Published {
            id: uuid::Uuid::nil(),
            photo: uuid::Uuid::nil(),
            used_for: crate::publishing::Use::Display,
            chosen_by: "Sam Patel".into(),
            chosen_at: DateTime::<Utc>::UNIX_EPOCH,
            file_name: "little-acorns-2027-03-14-1.jpg".into(),
            caption: "Exploring at Little Acorns.".into(),
            children: vec!["Ava".into()],
            masked: false,
            no_longer: None,
            taken_down: None,
            record: None,
        };
        assert_eq!(used.standing(), UseStanding::InUse);
        used.no_longer = Some("Ava: consent for displays was withdrawn.".into());
        assert_eq!(
            used.standing(),
            UseStanding::NoLonger("Ava: consent for displays was withdrawn.")
        );
        let down = TakenDown {
            by: "Sam Patel".into(),
            at: DateTime::<Utc>::UNIX_EPOCH,
        };
        used.taken_down = Some(down.clone());
        assert_eq!(used.standing(), UseStanding::TakenDown(&down));
    }

    #[test]
    fn error_bodies_omit_an_absent_field() {
        let body = ErrorBody {
            error: "No.".into(),
            field: None,
        };
        assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"error":"No."}"#);
    }

    mod stored_numbers {
        use super::super::{STORED_MAX, stored_number};
        use proptest::prelude::*;
        use serde::Deserialize;

        #[derive(Deserialize)]
        struct Counted {
            #[serde(deserialize_with = "stored_number")]
            n: u64,
        }

        fn read(n: u64) -> Option<u64> {
            serde_json::from_str::<Counted>(&format!("{{\"n\":{n}}}"))
                .ok()
                .map(|c| c.n)
        }

        proptest! {
            #[test]
            fn every_number_the_database_keeps_is_read_as_sent(n in 0..=STORED_MAX) {
                prop_assert_eq!(read(n), Some(n));
            }

            #[test]
            fn every_number_above_it_is_refused(n in (STORED_MAX + 1)..=u64::MAX) {
                prop_assert_eq!(read(n), None);
            }
        }

        #[test]
        fn the_boundary() {
            assert_eq!(read(STORED_MAX), Some(STORED_MAX));
            assert_eq!(read(STORED_MAX + 1), None);
            assert_eq!(read(u64::MAX), None);
            // The refusal never repeats the number.
            let e = serde_json::from_str::<Counted>(&format!("{{\"n\":{}}}", u64::MAX))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(e.starts_with("invalid value"), "{e}");
            assert!(!e.contains(&u64::MAX.to_string()), "{e}");
        }
    }
}

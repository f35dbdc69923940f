//! Photos and the camera's records as the server checks them. A photo record is kept only once
//! the photo itself (and its thumbnail) reached the server, and only if consent allowed it at
//! the moment it was taken — checked again here, so a tablet that skipped the camera's gate is
//! refused. A later withdrawal does not reach back: that is for the journal to mark.
//!
//! Once kept, a photo changes in one way only: its photographer marks (or moves) the children's
//! faces, so a family without a child's consent gets that face blurred. Such a version is kept
//! on top of the one the server holds, like any later version, and pulled by the other tablets.

use super::SyncRefusal;
use crate::consent::{CaptureRefused, ConsentRecord, InFrame, Purpose, Refusal, may_capture};
use crate::photo::{PhotoRecord, check_regions, only_regions_changed};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A photo's SHA-256 as lowercase hex.
pub const PHOTO_HASH_LEN: usize = 64;

pub fn is_photo_hash(s: &str) -> bool {
    s.len() == PHOTO_HASH_LEN && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// How far ahead of the server's clock a tablet's time may be before it is refused.
const CLOCK_SLACK_MINUTES: i64 = 10;

/// A refused attempt to open the camera, as the audit log receives it: who, when, which
/// children and why. Never an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedCapture {
    pub by: Uuid,
    pub at: DateTime<Utc>,
    pub reasons: Vec<Refusal>,
}

/// The children who have said they do not want photos taken on `day`. One record a day,
/// replaced whole; its version is the time it was changed, so the latest change wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotToday {
    pub day: NaiveDate,
    pub children: Vec<Uuid>,
}

/// The one record id for a day's wishes, the same on every tablet.
pub fn not_today_id(day: NaiveDate) -> Uuid {
    Uuid::from_u128(
        (0x6e6f_7420_746f_6461_u128 << 64) | day.num_days_from_ce().unsigned_abs() as u128,
    )
}

/// What the server knows that bears on a pushed photo record.
pub struct PhotoCheck<'a> {
    /// The version the server already keeps of this record and that version, if any.
    pub held: Option<(u64, &'a PhotoRecord)>,
    /// The children in the photo as the server knows them; None for a child it does not.
    pub children: &'a [Option<InFrame>],
    /// Every consent answer on record for those children.
    pub history: &'a [ConsentRecord],
    /// The day the photo was taken, in England.
    pub day: NaiveDate,
    /// The children who said "no photos" that day, as far as the server has heard.
    pub not_today: &'a [Uuid],
    /// Both the photo and its thumbnail are on the server, their hashes verified.
    pub bytes_present: bool,
}

/// A pushed photo record, `version` made on top of the server's `base`: a new photo through
/// consent as it stood when taken, or a later version that only marks faces.
pub fn check_photo(
    op_record: Uuid,
    (version, base): (u64, u64),
    record: &PhotoRecord,
    by: Uuid,
    facts: &PhotoCheck,
    now: DateTime<Utc>,
) -> Result<(), SyncRefusal> {
    if record.id != op_record {
        return Err(SyncRefusal::WrongRecord);
    }
    if let Some((held_version, held)) = facts.held {
        if !only_regions_changed(held, record) {
            return Err(SyncRefusal::PhotoChanged);
        }
        check_regions(record)?;
        if held.taken_by != by {
            return Err(SyncRefusal::NotThePhotographer);
        }
        if version <= held_version || base != held_version {
            return Err(SyncRefusal::Stale);
        }
        // Who is in it, when and the bytes are as they were checked when it was first kept.
        return Ok(());
    }
    check_regions(record)?;
    if record.taken_by != by {
        return Err(SyncRefusal::NotTheAuthor);
    }
    if record.taken_at > now + chrono::Duration::minutes(CLOCK_SLACK_MINUTES) {
        return Err(SyncRefusal::InTheFuture);
    }
    let Some(children) = facts
        .children
        .iter()
        .cloned()
        .collect::<Option<Vec<InFrame>>>()
    else {
        return Err(SyncRefusal::UnknownChild);
    };
    // The answers as they stood when the shutter was pressed.
    let then: Vec<ConsentRecord> = facts
        .history
        .iter()
        .filter(|c| c.recorded_at <= record.taken_at)
        .cloned()
        .collect();
    may_capture(
        &children,
        &then,
        Purpose::JournalPhotos,
        facts.day,
        facts.not_today,
    )
    .map_err(|e| {
        SyncRefusal::NoConsent(match e {
            CaptureRefused::Reasons(reasons) => reasons
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
            CaptureRefused::NoChildren => "no child is named in it".into(),
        })
    })?;
    if !facts.bytes_present {
        return Err(SyncRefusal::PhotoMissing);
    }
    Ok(())
}

pub fn check_refused_capture(
    op_record: Uuid,
    held: bool,
    refusal: &RefusedCapture,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<(), SyncRefusal> {
    let _ = op_record;
    if held {
        return Err(SyncRefusal::Stale);
    }
    if refusal.by != by {
        return Err(SyncRefusal::NotTheAuthor);
    }
    if refusal.at > now + chrono::Duration::minutes(CLOCK_SLACK_MINUTES) {
        return Err(SyncRefusal::InTheFuture);
    }
    Ok(())
}

pub fn check_wishes(
    op_record: Uuid,
    op_version: u64,
    held: Option<u64>,
    wishes: &NotToday,
) -> Result<(), SyncRefusal> {
    if not_today_id(wishes.day) != op_record {
        return Err(SyncRefusal::WrongRecord);
    }
    if held.is_some_and(|v| op_version <= v) {
        return Err(SyncRefusal::Stale);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::HowGiven;
    use proptest::prelude::*;

    const KEY_PERSON: Uuid = Uuid::from_u128(1);

    fn child(n: u128) -> InFrame {
        InFrame {
            child_id: Uuid::from_u128(n),
            first_name: format!("Child{n}"),
        }
    }

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        NaiveDate::from_ymd_opt(2026, 3, day)
            .unwrap()
            .and_hms_opt(hour, 0, 0)
            .unwrap()
            .and_utc()
    }

    fn answer(n: u128, purpose: Purpose, granted: bool, when: DateTime<Utc>) -> ConsentRecord {
        ConsentRecord {
            id: Uuid::from_u128(n << 8 | u128::from(granted)),
            child_id: Uuid::from_u128(n),
            purpose,
            granted,
            given_by: "A parent".into(),
            how: HowGiven::SignedOnTablet,
            recorded_by: KEY_PERSON,
            recorded_at: when,
            review_by: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        }
    }

    fn photo(children: &[u128], taken_at: DateTime<Utc>) -> PhotoRecord {
        PhotoRecord {
            id: Uuid::from_u128(99),
            thumb_id: Uuid::from_u128(98),
            children: children.iter().map(|n| Uuid::from_u128(*n)).collect(),
            taken_by: KEY_PERSON,
            taken_at,
            width: 2048,
            height: 1536,
            sha256: Some("a".repeat(64)),
            thumb_sha256: Some("b".repeat(64)),
            regions: Vec::new(),
        }
    }

    fn facts<'a>(
        children: &'a [Option<InFrame>],
        history: &'a [ConsentRecord],
        present: bool,
    ) -> PhotoCheck<'a> {
        PhotoCheck {
            held: None,
            children,
            history,
            day: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
            not_today: &[],
            bytes_present: present,
        }
    }

    #[test]
    fn a_photo_taken_with_consent_is_kept_once_its_bytes_arrived() {
        let history = [answer(5, Purpose::JournalPhotos, true, at(1, 9))];
        let children = [Some(child(5))];
        let p = photo(&[5], at(10, 10));
        assert_eq!(
            check_photo(
                p.id,
                (1, 0),
                &p,
                KEY_PERSON,
                &facts(&children, &history, true),
                at(10, 11)
            ),
            Ok(())
        );
        assert_eq!(
            check_photo(
                p.id,
                (1, 0),
                &p,
                KEY_PERSON,
                &facts(&children, &history, false),
                at(10, 11)
            ),
            Err(SyncRefusal::PhotoMissing)
        );
    }

    #[test]
    fn a_photo_without_consent_then_is_refused_naming_the_child() {
        let children = [Some(child(5)), Some(child(6))];
        // Child 6 may be in their own journal, not in others'.
        let history = [
            answer(5, Purpose::JournalPhotos, true, at(1, 9)),
            answer(5, Purpose::OtherJournals, true, at(1, 9)),
            answer(6, Purpose::JournalPhotos, true, at(1, 9)),
        ];
        let p = photo(&[5, 6], at(10, 10));
        let got = check_photo(
            p.id,
            (1, 0),
            &p,
            KEY_PERSON,
            &facts(&children, &history, true),
            at(10, 11),
        );
        let Err(SyncRefusal::NoConsent(why)) = got else {
            panic!("expected a consent refusal, got {got:?}");
        };
        assert!(why.contains("Child6"), "{why}");
        assert!(!why.contains("Child5"), "{why}");
    }

    #[test]
    fn a_withdrawal_after_the_shutter_does_not_reach_back() {
        let children = [Some(child(5))];
        let history = [
            answer(5, Purpose::JournalPhotos, true, at(1, 9)),
            answer(5, Purpose::JournalPhotos, false, at(10, 12)),
        ];
        let p = photo(&[5], at(10, 10));
        assert_eq!(
            check_photo(
                p.id,
                (1, 0),
                &p,
                KEY_PERSON,
                &facts(&children, &history, true),
                at(10, 13)
            ),
            Ok(())
        );
    }

    #[test]
    fn unknown_children_other_people_and_changes_are_refused() {
        let history = [answer(5, Purpose::JournalPhotos, true, at(1, 9))];
        let p = photo(&[5], at(10, 10));
        assert_eq!(
            check_photo(
                p.id,
                (1, 0),
                &p,
                KEY_PERSON,
                &facts(&[None], &history, true),
                at(10, 11)
            ),
            Err(SyncRefusal::UnknownChild)
        );
        let children = [Some(child(5))];
        assert_eq!(
            check_photo(
                p.id,
                (1, 0),
                &p,
                Uuid::from_u128(2),
                &facts(&children, &history, true),
                at(10, 11)
            ),
            Err(SyncRefusal::NotTheAuthor)
        );
        let mut other = p.clone();
        other.children.push(Uuid::from_u128(6));
        let mut held = facts(&children, &history, true);
        held.held = Some((1, &other));
        assert_eq!(
            check_photo(p.id, (2, 1), &p, KEY_PERSON, &held, at(10, 11)),
            Err(SyncRefusal::PhotoChanged)
        );
        assert_eq!(
            check_photo(
                p.id,
                (1, 0),
                &p,
                KEY_PERSON,
                &facts(&children, &history, true),
                at(9, 11)
            ),
            Err(SyncRefusal::InTheFuture)
        );
    }

    #[test]
    fn the_photographer_may_mark_faces_in_a_later_version_and_nothing_else() {
        let history = [answer(5, Purpose::JournalPhotos, true, at(1, 9))];
        let children = [Some(child(5)), Some(child(6))];
        let held = photo(&[5, 6], at(10, 10));
        let mut marked = held.clone();
        marked.regions = vec![crate::photo::FaceRegion {
            child: Uuid::from_u128(6),
            x: 100,
            y: 200,
            w: 1500,
            h: 2000,
        }];
        // Consent is not asked again: who is in it did not change (child 6 has none on record).
        let mut facts = facts(&children, &history, true);
        facts.held = Some((1, &held));
        let check = |record: &PhotoRecord, versions, by| {
            check_photo(record.id, versions, record, by, &facts, at(10, 11))
        };
        assert_eq!(check(&marked, (2, 1), KEY_PERSON), Ok(()));
        assert_eq!(
            check(&marked, (2, 1), Uuid::from_u128(2)),
            Err(SyncRefusal::NotThePhotographer)
        );
        assert_eq!(check(&marked, (1, 1), KEY_PERSON), Err(SyncRefusal::Stale));
        assert_eq!(check(&marked, (3, 0), KEY_PERSON), Err(SyncRefusal::Stale));
        let mut moved = marked.clone();
        moved.taken_at = at(10, 9);
        assert_eq!(
            check(&moved, (2, 1), KEY_PERSON),
            Err(SyncRefusal::PhotoChanged)
        );
        let mut outside = marked.clone();
        outside.regions[0].x = 9000;
        assert_eq!(
            check(&outside, (2, 1), KEY_PERSON),
            Err(SyncRefusal::Regions(
                crate::photo::RegionError::OutsideThePhoto
            ))
        );
    }

    #[test]
    fn wishes_belong_to_their_day_and_the_latest_wins() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let w = NotToday {
            day,
            children: vec![Uuid::from_u128(5)],
        };
        assert_eq!(check_wishes(not_today_id(day), 20, Some(10), &w), Ok(()));
        assert_eq!(
            check_wishes(not_today_id(day), 5, Some(10), &w),
            Err(SyncRefusal::Stale)
        );
        assert_eq!(
            check_wishes(not_today_id(day.succ_opt().unwrap()), 20, None, &w),
            Err(SyncRefusal::WrongRecord)
        );
    }

    proptest! {
        /// The server keeps a photo exactly when the camera's own rule allowed it at the time.
        #[test]
        fn the_server_agrees_with_the_camera(grants in proptest::collection::vec((any::<bool>(), any::<bool>()), 1..4)) {
            let children: Vec<Option<InFrame>> = (0..grants.len() as u128).map(|n| Some(child(n + 10))).collect();
            let mut history = Vec::new();
            for (n, (own, others)) in grants.iter().enumerate() {
                history.push(answer(n as u128 + 10, Purpose::JournalPhotos, *own, at(1, 9)));
                history.push(answer(n as u128 + 10, Purpose::OtherJournals, *others, at(1, 9)));
            }
            let ids: Vec<u128> = (0..grants.len() as u128).map(|n| n + 10).collect();
            let p = photo(&ids, at(10, 10));
            let in_frame: Vec<InFrame> = children.iter().flatten().cloned().collect();
            let camera = may_capture(&in_frame, &history, Purpose::JournalPhotos, NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(), &[]);
            let server = check_photo(p.id, (1, 0), &p, KEY_PERSON, &facts(&children, &history, true), at(10, 11));
            prop_assert_eq!(camera.is_ok(), server.is_ok());
        }
    }
}

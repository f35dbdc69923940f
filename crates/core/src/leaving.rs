//! A child leaving the setting (DESIGN §2 rule 7): the leaving date and what it may be, when the
//! family's access closes, when the child's data is due to be deleted, and what a group entry
//! and a group photo keep for the other children once the leaver is taken out of them.
//!
//! The settings' policies: "Parental access to your child's learning journal will be closed on
//! the date your child leaves the setting"; "After a child has left the setting all images of
//! that child will be destroyed."

use crate::observation::Observation;
use crate::parent_view::redact;
use crate::photo::{FaceRegion, PhotoRecord};
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

/// A leaving date is planned, but not years ahead (the same horizon as a start date).
pub const LATEST_MONTHS_AHEAD: u32 = 24;
/// Days between access closing and the data going, unless the manager sets another figure:
/// long enough for a family that missed the download to ask for it.
pub const GRACE_DEFAULT_DAYS: u32 = 30;
pub const GRACE_MAX_DAYS: u32 = 365;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LeavingError {
    #[error("The leaving date is before the child started ({0}). Check the day, month and year.")]
    BeforeStart(String),
    #[error("The leaving date is more than two years away. Check the year.")]
    TooFarAhead,
    #[error(
        "This child left on {0} and their family's access has closed, so the date can no longer be changed."
    )]
    Passed(String),
    #[error("The time before deletion must be between 0 and {GRACE_MAX_DAYS} days.")]
    Grace,
}

impl LeavingError {
    pub fn field(&self) -> &'static str {
        match self {
            LeavingError::Grace => "deletion_grace_days",
            _ => "leaving_date",
        }
    }
}

/// Checks a change to a child's leaving date: `current` is the date on record, `new` the one
/// asked for (`None` cancels). A date may be changed or cancelled until it has passed.
pub fn check_leaving(
    start: NaiveDate,
    current: Option<NaiveDate>,
    new: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), LeavingError> {
    if let Some(current) = current
        && !access_open(Some(current), today)
    {
        return Err(LeavingError::Passed(crate::dates::format_uk(current)));
    }
    let Some(new) = new else {
        return Ok(());
    };
    if new < start {
        return Err(LeavingError::BeforeStart(crate::dates::format_uk(start)));
    }
    let latest = today
        .checked_add_months(Months::new(LATEST_MONTHS_AHEAD))
        .unwrap_or(NaiveDate::MAX);
    if new > latest {
        return Err(LeavingError::TooFarAhead);
    }
    Ok(())
}

pub fn check_grace(days: u32) -> Result<(), LeavingError> {
    if days > GRACE_MAX_DAYS {
        return Err(LeavingError::Grace);
    }
    Ok(())
}

/// The family can open the child's journal on their last day, and not from the day after.
pub fn access_open(leaving: Option<NaiveDate>, today: NaiveDate) -> bool {
    leaving.is_none_or(|last_day| today <= last_day)
}

/// The first day the child's data may be deleted: the day after the last day, plus the grace.
pub fn deletion_due_on(leaving: NaiveDate, grace_days: u32) -> NaiveDate {
    leaving
        .checked_add_days(Days::new(1 + u64::from(grace_days)))
        .unwrap_or(NaiveDate::MAX)
}

pub fn deletion_due(leaving: Option<NaiveDate>, grace_days: u32, today: NaiveDate) -> bool {
    leaving.is_some_and(|d| today >= deletion_due_on(d, grace_days))
}

/// For the manager's "leaving this month": a last day still to come in this calendar month.
pub fn leaves_this_month(leaving: Option<NaiveDate>, today: NaiveDate) -> bool {
    leaving.is_some_and(|d| d >= today && d.year() == today.year() && d.month() == today.month())
}

/// Where a child stands, for the screens that show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Standing {
    Staying,
    /// The last day is set and not passed: the family can still download the journal.
    Leaving {
        last_day: NaiveDate,
    },
    /// Access has closed; the data goes on `deleted_on`.
    Left {
        last_day: NaiveDate,
        deleted_on: NaiveDate,
    },
}

pub fn standing(leaving: Option<NaiveDate>, grace_days: u32, today: NaiveDate) -> Standing {
    match leaving {
        None => Standing::Staying,
        Some(last_day) if access_open(leaving, today) => Standing::Leaving { last_day },
        Some(last_day) => Standing::Left {
            last_day,
            deleted_on: deletion_due_on(last_day, grace_days),
        },
    }
}

/// A short mark for lists: "Leaving 18/07/2027", "Left 18/07/2027", or nothing.
pub fn badge(leaving: Option<NaiveDate>, today: NaiveDate) -> Option<String> {
    let last_day = leaving?;
    let word = if access_open(leaving, today) {
        "Leaving"
    } else {
        "Left"
    };
    Some(format!("{word} {}", crate::dates::format_uk(last_day)))
}

/// What becomes of an observation when a child in it is deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryFate {
    /// The leaver's own: it goes.
    Remove,
    /// Nothing of the leaver's in it.
    Untouched,
    /// A group entry: it stays for the others, the leaver taken out of it.
    Kept(Box<Observation>),
}

/// Takes `leaver` out of an observation: out of its children, and every one of `names` (their
/// first name, surname, any name they were known by) out of its words and next steps as "a
/// friend". Photos are decided on their own (`photo_fate`); `gone_photos` are those that went,
/// so the entry stops naming them.
pub fn entry_fate(
    obs: &Observation,
    leaver: Uuid,
    names: &[&str],
    gone_photos: &[Uuid],
) -> EntryFate {
    if !obs.children.contains(&leaver) {
        return EntryFate::Untouched;
    }
    let children: Vec<Uuid> = obs
        .children
        .iter()
        .copied()
        .filter(|c| *c != leaver)
        .collect();
    if children.is_empty() {
        return EntryFate::Remove;
    }
    let mut kept = obs.clone();
    kept.children = children;
    kept.text = redact(&obs.text, names);
    kept.next_steps = redact(&obs.next_steps, names);
    for step in &mut kept.steps {
        if let Some(comment) = &step.comment {
            step.comment = Some(redact(comment, names));
        }
    }
    kept.photos.retain(|p| !gone_photos.contains(p));
    EntryFate::Kept(Box::new(kept))
}

/// A change a tablet made to an entry naming a leaver that the server has not taken (still
/// waiting, or new and refused because the leaver's data is gone) when the tablet hears of the
/// deletion. The key person's words stay for the other children, the leaver taken out as
/// `entry_fate` says, as the next version on top of what the server holds (`server_version`, 0
/// when it holds nothing): so the next push is neither lost with the leaver's records nor
/// refused as changed elsewhere. The tablet's own version only ever grows.
pub fn keep_change_for_others(
    obs: &Observation,
    leaver: Uuid,
    names: &[&str],
    gone_photos: &[Uuid],
    server_version: u64,
) -> EntryFate {
    match entry_fate(obs, leaver, names, gone_photos) {
        EntryFate::Kept(mut kept) => {
            kept.version = obs.version.max(server_version) + 1;
            EntryFate::Kept(kept)
        }
        other => other,
    }
}

/// What becomes of a photo when a child in it is deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoFate {
    Untouched,
    /// The leaver alone, or in a group without their face marked: the photo is destroyed.
    Remove,
    /// A group photo with the leaver's face marked: kept for the others with that face masked
    /// for good (the original destroyed) and the record no longer naming the leaver.
    MaskForGood {
        face: FaceRegion,
        kept: Box<PhotoRecord>,
    },
}

pub fn photo_fate(record: &PhotoRecord, leaver: Uuid) -> PhotoFate {
    if !record.children.contains(&leaver) {
        return PhotoFate::Untouched;
    }
    let others: Vec<Uuid> = record
        .children
        .iter()
        .copied()
        .filter(|c| *c != leaver)
        .collect();
    let face = record.regions.iter().find(|r| r.child == leaver).copied();
    match face {
        Some(face) if !others.is_empty() => {
            let mut kept = record.clone();
            kept.children = others;
            kept.regions.retain(|r| r.child != leaver);
            PhotoFate::MaskForGood {
                face,
                kept: Box::new(kept),
            }
        }
        _ => PhotoFate::Remove,
    }
}

/// Why a photo cannot be kept "for posterity" when a child leaves.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PosterityError {
    #[error("Only a photo of the child who is leaving can be kept for posterity from their page.")]
    NotOfThisChild,
    #[error(
        "This photo cannot be kept for posterity: {0} without consent for displays. Only photos where every child has consent for displays can be kept."
    )]
    NoDisplayConsent(String),
}

/// A manager may keep a leaver's photo "for posterity" (after the child has left, "the only
/// images kept will be those kept for posterity") only if every child in it has consent for
/// displays. `displays` says whether a child has it today; `name` gives a first name for the
/// refusal.
pub fn may_keep_for_posterity(
    record: &PhotoRecord,
    leaver: Uuid,
    displays: impl Fn(Uuid) -> bool,
    name: impl Fn(Uuid) -> String,
) -> Result<(), PosterityError> {
    if !record.children.contains(&leaver) {
        return Err(PosterityError::NotOfThisChild);
    }
    let without: Vec<String> = record
        .children
        .iter()
        .filter(|c| !displays(**c))
        .map(|c| name(*c))
        .collect();
    match without.len() {
        0 => Ok(()),
        1 => Err(PosterityError::NoDisplayConsent(format!(
            "{} is",
            without[0]
        ))),
        _ => Err(PosterityError::NoDisplayConsent(format!(
            "{} are",
            without.join(" and ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn a_photo_is_kept_for_posterity_only_with_every_childs_consent_for_displays() {
        let record = photo(&[1, 2], &[]);
        let name = |c: Uuid| {
            if c == id(1) {
                "Ava".to_owned()
            } else {
                "Noah".to_owned()
            }
        };
        assert_eq!(
            may_keep_for_posterity(&record, id(1), |_| true, name),
            Ok(())
        );
        assert_eq!(
            may_keep_for_posterity(&record, id(1), |c| c == id(1), name)
                .unwrap_err()
                .to_string(),
            "This photo cannot be kept for posterity: Noah is without consent for displays. Only photos where every child has consent for displays can be kept."
        );
        assert!(
            may_keep_for_posterity(&record, id(1), |_| false, name)
                .unwrap_err()
                .to_string()
                .contains("Ava and Noah are without")
        );
        assert_eq!(
            may_keep_for_posterity(&record, id(3), |_| true, name),
            Err(PosterityError::NotOfThisChild)
        );
    }

    fn obs(children: &[u128], text: &str) -> Observation {
        let at = Utc.with_ymd_and_hms(2027, 3, 14, 10, 30, 0).unwrap();
        let mut o = Observation::new(
            id(900),
            id(800),
            children.iter().map(|n| id(*n)).collect(),
            at,
        );
        o.text = text.into();
        o
    }

    fn photo(children: &[u128], faces: &[u128]) -> PhotoRecord {
        PhotoRecord {
            id: id(700),
            thumb_id: id(701),
            children: children.iter().map(|n| id(*n)).collect(),
            taken_by: id(800),
            taken_at: Utc.with_ymd_and_hms(2027, 3, 14, 10, 30, 0).unwrap(),
            width: 1920,
            height: 1080,
            sha256: None,
            thumb_sha256: None,
            regions: faces
                .iter()
                .map(|n| FaceRegion {
                    child: id(*n),
                    x: 100,
                    y: 100,
                    w: 1000,
                    h: 1000,
                })
                .collect(),
        }
    }

    #[test]
    fn a_leaving_date_is_after_the_start_and_within_two_years() {
        let start = day(2025, 9, 1);
        let today = day(2027, 1, 10);
        assert_eq!(
            check_leaving(start, None, Some(day(2027, 7, 18)), today),
            Ok(())
        );
        assert_eq!(
            check_leaving(start, None, Some(day(2025, 8, 31)), today),
            Err(LeavingError::BeforeStart("01/09/2025".into()))
        );
        assert_eq!(
            check_leaving(start, None, Some(day(2029, 1, 11)), today),
            Err(LeavingError::TooFarAhead)
        );
        assert_eq!(
            check_leaving(start, None, Some(day(2029, 1, 10)), today),
            Ok(())
        );
        // A date already gone by may be recorded (a family that left without notice).
        assert_eq!(
            check_leaving(start, None, Some(day(2026, 12, 1)), today),
            Ok(())
        );
    }

    #[test]
    fn a_date_is_changed_or_cancelled_until_it_passes() {
        let start = day(2025, 9, 1);
        let last = day(2027, 7, 18);
        assert_eq!(check_leaving(start, Some(last), None, last), Ok(()));
        assert_eq!(
            check_leaving(start, Some(last), Some(day(2027, 7, 25)), last),
            Ok(())
        );
        let after = day(2027, 7, 19);
        assert_eq!(
            check_leaving(start, Some(last), None, after),
            Err(LeavingError::Passed("18/07/2027".into()))
        );
        assert_eq!(LeavingError::Passed(String::new()).field(), "leaving_date");
    }

    #[test]
    fn access_closes_the_day_after_and_data_goes_after_the_grace() {
        let last = day(2027, 7, 18);
        assert!(access_open(None, last));
        assert!(access_open(Some(last), last));
        assert!(!access_open(Some(last), day(2027, 7, 19)));
        assert_eq!(deletion_due_on(last, 30), day(2027, 8, 18));
        assert_eq!(deletion_due_on(last, 0), day(2027, 7, 19));
        assert!(!deletion_due(Some(last), 30, day(2027, 8, 17)));
        assert!(deletion_due(Some(last), 30, day(2027, 8, 18)));
        assert!(!deletion_due(None, 0, day(2099, 1, 1)));
        assert_eq!(standing(None, 30, last), Standing::Staying);
        assert_eq!(
            standing(Some(last), 30, last),
            Standing::Leaving { last_day: last }
        );
        assert_eq!(
            standing(Some(last), 30, day(2027, 7, 19)),
            Standing::Left {
                last_day: last,
                deleted_on: day(2027, 8, 18)
            }
        );
        assert_eq!(check_grace(365), Ok(()));
        assert_eq!(check_grace(366), Err(LeavingError::Grace));
    }

    #[test]
    fn a_list_marks_who_is_leaving_and_who_has_left() {
        let last = day(2027, 7, 18);
        assert_eq!(badge(None, last), None);
        assert_eq!(
            badge(Some(last), last).as_deref(),
            Some("Leaving 18/07/2027")
        );
        assert_eq!(
            badge(Some(last), day(2027, 7, 19)).as_deref(),
            Some("Left 18/07/2027")
        );
    }

    #[test]
    fn leaving_this_month_is_a_day_still_to_come_this_month() {
        let today = day(2027, 7, 10);
        assert!(leaves_this_month(Some(day(2027, 7, 18)), today));
        assert!(leaves_this_month(Some(today), today));
        assert!(!leaves_this_month(Some(day(2027, 7, 9)), today));
        assert!(!leaves_this_month(Some(day(2027, 8, 1)), today));
        assert!(!leaves_this_month(Some(day(2028, 7, 18)), today));
        assert!(!leaves_this_month(None, today));
    }

    #[test]
    fn a_group_entry_stays_for_the_others_with_the_leaver_taken_out() {
        let mut o = obs(&[1, 2], "Ava and Maya built a tower. Ava's was taller.");
        o.next_steps = "Ava to count the blocks.".into();
        o.photos = vec![id(700), id(702)];
        let EntryFate::Kept(kept) = entry_fate(&o, id(1), &["Ava", "Smith"], &[id(700)]) else {
            panic!("a group entry is kept");
        };
        assert_eq!(kept.children, vec![id(2)]);
        assert_eq!(
            kept.text,
            "A friend and Maya built a tower. A friend's was taller."
        );
        assert_eq!(kept.next_steps, "A friend to count the blocks.");
        assert_eq!(kept.photos, vec![id(702)]);
        assert_eq!(kept.id, o.id);
        assert_eq!(
            entry_fate(&obs(&[1], "Ava"), id(1), &["Ava"], &[]),
            EntryFate::Remove
        );
        assert_eq!(entry_fate(&o, id(3), &["Zed"], &[]), EntryFate::Untouched);
    }

    #[test]
    fn a_group_photo_stays_only_with_the_leavers_face_masked() {
        assert_eq!(photo_fate(&photo(&[1], &[]), id(1)), PhotoFate::Remove);
        assert_eq!(photo_fate(&photo(&[1, 2], &[2]), id(1)), PhotoFate::Remove);
        assert_eq!(
            photo_fate(&photo(&[2, 3], &[2]), id(1)),
            PhotoFate::Untouched
        );
        let PhotoFate::MaskForGood { face, kept } = photo_fate(&photo(&[1, 2], &[1, 2]), id(1))
        else {
            panic!("a marked face is masked for good");
        };
        assert_eq!(face.child, id(1));
        assert_eq!(kept.children, vec![id(2)]);
        assert_eq!(kept.regions.len(), 1);
        assert_eq!(kept.regions[0].child, id(2));
    }

    fn words(text: &str) -> Vec<String> {
        text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .map(|w| w.trim_end_matches("'s").to_lowercase())
            .collect()
    }

    proptest! {
        /// After a leaver is taken out, nothing in what stays names them, and what stays of
        /// everyone else is as it was.
        #[test]
        fn nothing_kept_names_the_leaver(
            others in proptest::collection::vec(2u128..20, 0..4),
            leaver_first in "[A-Z][a-z]{2,7}",
            filler in proptest::collection::vec("[a-z]{1,6}", 0..12),
            marked in any::<bool>(),
        ) {
            let leaver = 1u128;
            let mut children = vec![leaver];
            children.extend(others.iter().copied().filter(|c| *c != leaver));
            children.dedup();
            let mut text = filler.join(" ");
            text.push_str(&format!(" {leaver_first} and {leaver_first}'s friend. "));
            text.push_str(&filler.join(" "));
            let o = obs(&children, &text);
            let faces: Vec<u128> = if marked { children.clone() } else { vec![] };
            let p = photo(&children, &faces);
            let fate = photo_fate(&p, id(leaver));
            let gone: Vec<Uuid> = match &fate {
                PhotoFate::Remove => vec![p.id],
                _ => vec![],
            };
            match &fate {
                PhotoFate::MaskForGood { kept, .. } => {
                    prop_assert!(!kept.children.contains(&id(leaver)));
                    prop_assert!(kept.regions.iter().all(|r| r.child != id(leaver)));
                    prop_assert!(children.len() > 1 && marked);
                }
                PhotoFate::Remove => prop_assert!(children.len() == 1 || !marked),
                PhotoFate::Untouched => prop_assert!(false, "the leaver is in it"),
            }
            match entry_fate(&o, id(leaver), &[&leaver_first], &gone) {
                EntryFate::Kept(kept) => {
                    prop_assert!(!kept.children.contains(&id(leaver)));
                    let others: Vec<Uuid> = o.children.iter().copied().filter(|c| *c != id(leaver)).collect();
                    prop_assert_eq!(&kept.children, &others);
                    let lower = leaver_first.to_lowercase();
                    prop_assert!(!words(&kept.text).contains(&lower), "{}", kept.text);
                    for w in &filler {
                        if *w != lower { prop_assert!(kept.text.contains(w.as_str())); }
                    }
                }
                EntryFate::Remove => prop_assert_eq!(children.len(), 1),
                EntryFate::Untouched => prop_assert!(false, "the leaver is in it"),
            }
        }

        /// A tablet's change kept for the others is newer than both its own copy and the
        /// server's, names nobody who left, and keeps the key person's other words.
        #[test]
        fn a_change_kept_for_the_others_goes_on_top_of_the_server(
            local in 1u64..50,
            server in 0u64..50,
            others in proptest::collection::vec(2u128..20, 0..3),
            filler in proptest::collection::vec("[a-z]{1,6}", 1..8),
        ) {
            prop_assume!(filler.iter().all(|w| w != "ava"));
            let leaver = 1u128;
            let mut children = vec![leaver];
            children.extend(others.iter().copied());
            children.dedup();
            let mut o = obs(&children, &format!("Ava {}", filler.join(" ")));
            o.version = local;
            match keep_change_for_others(&o, id(leaver), &["Ava"], &[], server) {
                EntryFate::Kept(kept) => {
                    prop_assert!(kept.version > local && kept.version > server);
                    prop_assert!(!kept.children.contains(&id(leaver)));
                    prop_assert!(!words(&kept.text).contains(&"ava".to_string()));
                    prop_assert!(kept.text.ends_with(&filler.join(" ")));
                }
                EntryFate::Remove => prop_assert!(others.iter().all(|c| *c == leaver)),
                EntryFate::Untouched => prop_assert!(false, "the leaver is in it"),
            }
        }

        #[test]
        fn access_is_open_exactly_until_the_last_day(offset in -800i64..800, grace in 0u32..=365) {
            let last = day(2027, 7, 18);
            let today = last + chrono::Duration::days(offset);
            prop_assert_eq!(access_open(Some(last), today), offset <= 0);
            // Deletion never comes while the family can still download.
            if deletion_due(Some(last), grace, today) {
                prop_assert!(!access_open(Some(last), today));
            }
        }
    }
}

//! Consent: what parents have agreed to, per child and per purpose, and the one rule that
//! decides whether the camera may open (`may_capture`). The app calls it to disable the camera
//! and say why; the server calls it again for every photo it receives.
//!
//! History is never overwritten: a change (a withdrawal, a renewal) is a new record, and the
//! latest record for a child and purpose is the one that counts. A grant whose review date has
//! passed counts as not granted.

use crate::dates::format_uk;
use crate::names::{NameError, clean_name};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;
use uuid::Uuid;

/// What a photo or video may be used for. Each is agreed separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Photos in the child's own learning journal.
    JournalPhotos,
    /// Video in the child's own learning journal.
    Video,
    /// Appearing in other children's journals (group photos).
    OtherJournals,
    /// Displays inside the setting.
    Displays,
    /// The setting's website or publicity.
    Publicity,
    /// Social media.
    SocialMedia,
}

impl Purpose {
    pub const ALL: [Purpose; 6] = [
        Purpose::JournalPhotos,
        Purpose::Video,
        Purpose::OtherJournals,
        Purpose::Displays,
        Purpose::Publicity,
        Purpose::SocialMedia,
    ];

    /// As it reads in a sentence: "no consent for …".
    pub fn label(self) -> &'static str {
        match self {
            Purpose::JournalPhotos => "photos in their learning journal",
            Purpose::Video => "video in their learning journal",
            Purpose::OtherJournals => "appearing in other children’s journals",
            Purpose::Displays => "displays in the setting",
            Purpose::Publicity => "the setting’s website or publicity",
            Purpose::SocialMedia => "social media",
        }
    }

    /// As a column heading or a form label.
    pub fn title(self) -> &'static str {
        match self {
            Purpose::JournalPhotos => "Journal photos",
            Purpose::Video => "Video",
            Purpose::OtherJournals => "Other children’s journals",
            Purpose::Displays => "Displays",
            Purpose::Publicity => "Website and publicity",
            Purpose::SocialMedia => "Social media",
        }
    }

    /// The stable name used in storage and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::JournalPhotos => "journal_photos",
            Purpose::Video => "video",
            Purpose::OtherJournals => "other_journals",
            Purpose::Displays => "displays",
            Purpose::Publicity => "publicity",
            Purpose::SocialMedia => "social_media",
        }
    }

    pub fn parse(s: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// How the parent or carer gave their answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum HowGiven {
    /// On paper; the reference finds the form in the setting's files.
    WrittenForm { reference: String },
    /// Signed on the tablet, in front of the member of staff who recorded it.
    SignedOnTablet,
}

/// One answer from a parent or carer, as recorded. Never changed once written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    pub id: Uuid,
    pub child_id: Uuid,
    pub purpose: Purpose,
    pub granted: bool,
    /// The parent or carer who answered.
    pub given_by: String,
    pub how: HowGiven,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
    /// After this day the answer must be asked again; a grant no longer counts.
    pub review_by: NaiveDate,
}

/// Where a child stands for one purpose today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "standing", rename_all = "snake_case")]
pub enum Standing {
    Granted {
        review_by: NaiveDate,
    },
    /// Granted, but the review date has passed.
    Lapsed {
        review_by: NaiveDate,
    },
    Refused,
    /// Nothing on record.
    Missing,
}

impl Standing {
    pub fn is_granted(self) -> bool {
        matches!(self, Standing::Granted { .. })
    }

    /// In a table cell: short, and never colour alone.
    pub fn short(self) -> &'static str {
        match self {
            Standing::Granted { .. } => "Yes",
            Standing::Lapsed { .. } => "Lapsed",
            Standing::Refused => "Refused",
            Standing::Missing => "Not asked",
        }
    }

    /// In a sentence, with what to do next.
    pub fn describe(self) -> String {
        match self {
            Standing::Granted { review_by } => {
                format!("Yes, until {}", format_uk(review_by))
            }
            Standing::Lapsed { review_by } => format!(
                "Lapsed: due for review on {}. Ask the parent again.",
                format_uk(review_by)
            ),
            Standing::Refused => "Refused".to_owned(),
            Standing::Missing => "Not asked yet".to_owned(),
        }
    }
}

/// The latest record for this child and purpose decides; ties (same instant) go to the larger
/// id so every caller picks the same one.
pub fn standing(
    history: &[ConsentRecord],
    child_id: Uuid,
    purpose: Purpose,
    today: NaiveDate,
) -> Standing {
    let latest = history
        .iter()
        .filter(|r| r.child_id == child_id && r.purpose == purpose)
        .max_by_key(|r| (r.recorded_at, r.id));
    match latest {
        None => Standing::Missing,
        Some(r) if !r.granted => Standing::Refused,
        Some(r) if r.review_by < today => Standing::Lapsed {
            review_by: r.review_by,
        },
        Some(r) => Standing::Granted {
            review_by: r.review_by,
        },
    }
}

/// A child the key person has picked for a photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InFrame {
    pub child_id: Uuid,
    pub first_name: String,
}

/// Why one child stops the camera.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    Missing {
        purpose: Purpose,
    },
    Refused {
        purpose: Purpose,
    },
    Lapsed {
        purpose: Purpose,
        review_by: NaiveDate,
    },
    /// The child has said they do not want photos today.
    NotToday,
}

impl Reason {
    /// A short fixed phrase for the audit log: never a name.
    pub fn code(&self) -> String {
        match self {
            Reason::Missing { purpose } => format!("{}: no consent on record", purpose.as_str()),
            Reason::Refused { purpose } => format!("{}: refused or withdrawn", purpose.as_str()),
            Reason::Lapsed { purpose, .. } => format!("{}: due for review", purpose.as_str()),
            Reason::NotToday => "not today, the child said".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub child_id: Uuid,
    pub first_name: String,
    #[serde(flatten)]
    pub reason: Reason,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = &self.first_name;
        match &self.reason {
            Reason::Missing { purpose } => {
                write!(f, "{name}: no consent on record for {}", purpose.label())
            }
            Reason::Refused { purpose } => {
                write!(f, "{name}: consent for {} was refused", purpose.label())
            }
            Reason::Lapsed { purpose, review_by } => write!(
                f,
                "{name}: consent for {} was due for review on {} and has lapsed",
                purpose.label(),
                format_uk(*review_by)
            ),
            Reason::NotToday => write!(f, "{name} does not want photos taken today"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CaptureRefused {
    #[error("Choose the children in the photo first.")]
    NoChildren,
    /// Every reason, for every child: staff fix them all at once, not one at a time.
    #[error("The camera stays closed. {}.", join(.0))]
    Reasons(Vec<Refusal>),
}

/// Reasons as one run of sentences, without the last full stop: "Ava: … . Maya: …".
pub(crate) fn join<T: fmt::Display>(reasons: &[T]) -> String {
    reasons
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(". ")
}

/// The purposes a capture for `purpose` of these many children needs from each of them.
pub fn required(purpose: Purpose, children: usize) -> Vec<Purpose> {
    let mut needed = vec![purpose];
    if children > 1 && purpose != Purpose::OtherJournals {
        needed.push(Purpose::OtherJournals);
    }
    needed
}

/// May a photo (or video) for `purpose` be taken of exactly these children today? A picture of
/// two or more children also needs each one's consent to appear in the others' journals.
/// `not_today` lists the children who have said no photos today.
pub fn may_capture(
    children: &[InFrame],
    history: &[ConsentRecord],
    purpose: Purpose,
    today: NaiveDate,
    not_today: &[Uuid],
) -> Result<(), CaptureRefused> {
    let mut unique: Vec<&InFrame> = Vec::with_capacity(children.len());
    for child in children {
        if !unique.iter().any(|c| c.child_id == child.child_id) {
            unique.push(child);
        }
    }
    if unique.is_empty() {
        return Err(CaptureRefused::NoChildren);
    }
    let needed = required(purpose, unique.len());
    let mut reasons = Vec::new();
    for child in unique {
        let refuse = |reason| Refusal {
            child_id: child.child_id,
            first_name: child.first_name.clone(),
            reason,
        };
        if not_today.contains(&child.child_id) {
            reasons.push(refuse(Reason::NotToday));
        }
        for &purpose in &needed {
            match standing(history, child.child_id, purpose, today) {
                Standing::Granted { .. } => {}
                Standing::Missing => reasons.push(refuse(Reason::Missing { purpose })),
                Standing::Refused => reasons.push(refuse(Reason::Refused { purpose })),
                Standing::Lapsed { review_by } => {
                    reasons.push(refuse(Reason::Lapsed { purpose, review_by }))
                }
            }
        }
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(CaptureRefused::Reasons(reasons))
    }
}

/// A photo already taken, checked against today's answers: the reasons it could no longer be
/// taken (a withdrawal, a lapsed review), each naming the child. Empty if it still could. Later
/// issues hide such photos from parents and purge them; the key person sees them marked now.
/// The children's own "not today" wishes do not reach back to photos already taken.
pub fn withdrawn_since(
    children: &[InFrame],
    history: &[ConsentRecord],
    purpose: Purpose,
    today: NaiveDate,
) -> Vec<Refusal> {
    match may_capture(children, history, purpose, today, &[]) {
        Err(CaptureRefused::Reasons(reasons)) => reasons,
        Ok(()) | Err(CaptureRefused::NoChildren) => Vec::new(),
    }
}

/// A consent answer as a manager enters it (`POST /api/children/{id}/consents`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewConsentRequest {
    pub purpose: Purpose,
    pub granted: bool,
    pub given_by: String,
    pub how: HowGiven,
    pub review_by: NaiveDate,
}

/// Settings review consent at least yearly; two years is the longest an answer may stand.
const LONGEST_REVIEW_MONTHS: u32 = 24;
const LONGEST_REFERENCE: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConsentError {
    #[error("Parent or carer: {0}")]
    GivenBy(NameError),
    #[error("Enter the reference written on the paper form, so it can be found again.")]
    NoReference,
    #[error("The form reference is too long: keep it under {LONGEST_REFERENCE} characters.")]
    LongReference,
    #[error("The review date must be after today.")]
    ReviewNotAhead,
    #[error("The review date is more than two years away. Choose an earlier date.")]
    ReviewTooFar,
}

impl ConsentError {
    /// The form field the message belongs next to.
    pub fn field(&self) -> &'static str {
        match self {
            ConsentError::GivenBy(_) => "given_by",
            ConsentError::NoReference | ConsentError::LongReference => "reference",
            ConsentError::ReviewNotAhead | ConsentError::ReviewTooFar => "review_by",
        }
    }
}

/// Checks and tidies a new answer against `today` (the setting's date).
pub fn validate_new_consent(
    req: &NewConsentRequest,
    today: NaiveDate,
) -> Result<NewConsentRequest, ConsentError> {
    let given_by = clean_name(&req.given_by).map_err(ConsentError::GivenBy)?;
    let how = match &req.how {
        HowGiven::WrittenForm { reference } => {
            let reference = reference.trim();
            if reference.is_empty() {
                return Err(ConsentError::NoReference);
            }
            if reference.chars().count() > LONGEST_REFERENCE {
                return Err(ConsentError::LongReference);
            }
            HowGiven::WrittenForm {
                reference: reference.to_owned(),
            }
        }
        HowGiven::SignedOnTablet => HowGiven::SignedOnTablet,
    };
    if req.review_by <= today {
        return Err(ConsentError::ReviewNotAhead);
    }
    let latest = today
        .checked_add_months(Months::new(LONGEST_REVIEW_MONTHS))
        .unwrap_or(NaiveDate::MAX);
    if req.review_by > latest {
        return Err(ConsentError::ReviewTooFar);
    }
    Ok(NewConsentRequest {
        purpose: req.purpose,
        granted: req.granted,
        given_by,
        how,
        review_by: req.review_by,
    })
}

/// One child's line in the setting's consent overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverviewRow {
    pub child_id: Uuid,
    /// Every purpose, in `Purpose::ALL` order.
    pub standings: Vec<(Purpose, Standing)>,
    /// Grants whose review falls between today and the end of this month.
    pub reviews_due: Vec<(Purpose, NaiveDate)>,
}

impl OverviewRow {
    /// Purposes the child may not be photographed for: missing, refused or lapsed.
    pub fn lacking(&self) -> Vec<Purpose> {
        self.standings
            .iter()
            .filter(|(_, s)| !s.is_granted())
            .map(|(p, _)| *p)
            .collect()
    }
}

/// The consent overview for these children, in the order given.
pub fn overview(
    children: &[Uuid],
    history: &[ConsentRecord],
    today: NaiveDate,
) -> Vec<OverviewRow> {
    let month_end = end_of_month(today);
    children
        .iter()
        .map(|&child_id| {
            let standings: Vec<(Purpose, Standing)> = Purpose::ALL
                .into_iter()
                .map(|p| (p, standing(history, child_id, p, today)))
                .collect();
            let reviews_due = standings
                .iter()
                .filter_map(|(p, s)| match s {
                    Standing::Granted { review_by } if *review_by <= month_end => {
                        Some((*p, *review_by))
                    }
                    _ => None,
                })
                .collect();
            OverviewRow {
                child_id,
                standings,
                reviews_due,
            }
        })
        .collect()
}

fn end_of_month(day: NaiveDate) -> NaiveDate {
    let first = day.with_day(1).unwrap_or(day);
    first
        .checked_add_months(Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn record(
        child: Uuid,
        purpose: Purpose,
        granted: bool,
        at_day: u32,
        review: NaiveDate,
    ) -> ConsentRecord {
        ConsentRecord {
            id: Uuid::from_u128(u128::from(at_day) << 8 | purpose as u128),
            child_id: child,
            purpose,
            granted,
            given_by: "Grace Okafor".into(),
            how: HowGiven::SignedOnTablet,
            recorded_by: Uuid::from_u128(99),
            recorded_at: Utc.with_ymd_and_hms(2026, 1, at_day, 9, 0, 0).unwrap(),
            review_by: review,
        }
    }

    fn ava() -> InFrame {
        InFrame {
            child_id: Uuid::from_u128(1),
            first_name: "Ava".into(),
        }
    }

    fn ben() -> InFrame {
        InFrame {
            child_id: Uuid::from_u128(2),
            first_name: "Ben".into(),
        }
    }

    const TODAY: fn() -> NaiveDate = || day(2026, 11, 22);

    #[test]
    fn a_child_with_no_record_stops_the_camera_with_a_sentence_naming_them() {
        let err = may_capture(&[ava()], &[], Purpose::JournalPhotos, TODAY(), &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "The camera stays closed. Ava: no consent on record for photos in their learning journal."
        );
    }

    #[test]
    fn the_latest_answer_counts_so_a_withdrawal_closes_the_camera() {
        let a = ava().child_id;
        let granted = record(a, Purpose::JournalPhotos, true, 1, day(2027, 9, 1));
        assert_eq!(
            may_capture(
                &[ava()],
                std::slice::from_ref(&granted),
                Purpose::JournalPhotos,
                TODAY(),
                &[]
            ),
            Ok(())
        );
        let withdrawn = record(a, Purpose::JournalPhotos, false, 2, day(2027, 9, 1));
        let err = may_capture(
            &[ava()],
            &[withdrawn, granted],
            Purpose::JournalPhotos,
            TODAY(),
            &[],
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("Ava: consent for photos in their learning journal was refused")
        );
    }

    #[test]
    fn a_grant_past_its_review_date_has_lapsed() {
        let a = ava().child_id;
        let old = record(a, Purpose::JournalPhotos, true, 1, day(2026, 11, 21));
        let err = may_capture(&[ava()], &[old], Purpose::JournalPhotos, TODAY(), &[]).unwrap_err();
        assert!(
            err.to_string()
                .contains("was due for review on 21/11/2026 and has lapsed")
        );
        // The review day itself still counts.
        let today = record(a, Purpose::JournalPhotos, true, 1, TODAY());
        assert_eq!(
            may_capture(&[ava()], &[today], Purpose::JournalPhotos, TODAY(), &[]),
            Ok(())
        );
    }

    #[test]
    fn a_group_photo_needs_everyone_in_it_to_appear_in_others_journals() {
        let review = day(2027, 9, 1);
        let mut history = vec![
            record(ava().child_id, Purpose::JournalPhotos, true, 1, review),
            record(ben().child_id, Purpose::JournalPhotos, true, 1, review),
            record(ava().child_id, Purpose::OtherJournals, true, 1, review),
        ];
        let err = may_capture(
            &[ava(), ben()],
            &history,
            Purpose::JournalPhotos,
            TODAY(),
            &[],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "The camera stays closed. Ben: no consent on record for appearing in other children’s journals."
        );
        history.push(record(
            ben().child_id,
            Purpose::OtherJournals,
            true,
            1,
            review,
        ));
        assert_eq!(
            may_capture(
                &[ava(), ben()],
                &history,
                Purpose::JournalPhotos,
                TODAY(),
                &[]
            ),
            Ok(())
        );
        // Alone, Ben needs only his own journal consent.
        assert_eq!(
            required(Purpose::JournalPhotos, 1),
            vec![Purpose::JournalPhotos]
        );
    }

    #[test]
    fn a_childs_own_wish_not_to_be_photographed_today_closes_the_camera() {
        let history = vec![record(
            ava().child_id,
            Purpose::JournalPhotos,
            true,
            1,
            day(2027, 9, 1),
        )];
        let err = may_capture(
            &[ava()],
            &history,
            Purpose::JournalPhotos,
            TODAY(),
            &[ava().child_id],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "The camera stays closed. Ava does not want photos taken today."
        );
    }

    #[test]
    fn a_photo_taken_before_a_withdrawal_is_marked_with_the_child() {
        let a = ava().child_id;
        let granted = record(a, Purpose::JournalPhotos, true, 1, day(2027, 9, 1));
        assert!(
            withdrawn_since(
                &[ava()],
                std::slice::from_ref(&granted),
                Purpose::JournalPhotos,
                TODAY()
            )
            .is_empty()
        );
        let withdrawn = record(a, Purpose::JournalPhotos, false, 2, day(2027, 9, 1));
        let marks = withdrawn_since(
            &[ava()],
            &[granted, withdrawn],
            Purpose::JournalPhotos,
            TODAY(),
        );
        assert_eq!(marks.len(), 1);
        assert_eq!(marks[0].child_id, a);
    }

    #[test]
    fn no_children_chosen_is_refused_first() {
        assert_eq!(
            may_capture(&[], &[], Purpose::JournalPhotos, TODAY(), &[]),
            Err(CaptureRefused::NoChildren)
        );
    }

    #[test]
    fn a_new_answer_is_checked_and_tidied() {
        let req = NewConsentRequest {
            purpose: Purpose::Displays,
            granted: true,
            given_by: "  grace  okafor ".into(),
            how: HowGiven::WrittenForm {
                reference: " F-12 ".into(),
            },
            review_by: day(2027, 9, 1),
        };
        let ok = validate_new_consent(&req, TODAY()).unwrap();
        assert_eq!(
            ok.how,
            HowGiven::WrittenForm {
                reference: "F-12".into()
            }
        );
        let no_ref = NewConsentRequest {
            how: HowGiven::WrittenForm {
                reference: " ".into(),
            },
            ..req.clone()
        };
        assert_eq!(
            validate_new_consent(&no_ref, TODAY()),
            Err(ConsentError::NoReference)
        );
        let past = NewConsentRequest {
            review_by: TODAY(),
            ..req.clone()
        };
        assert_eq!(
            validate_new_consent(&past, TODAY()).unwrap_err().field(),
            "review_by"
        );
        let far = NewConsentRequest {
            review_by: day(2028, 11, 23),
            ..req
        };
        assert_eq!(
            validate_new_consent(&far, TODAY()),
            Err(ConsentError::ReviewTooFar)
        );
    }

    #[test]
    fn the_overview_shows_what_each_child_lacks_and_reviews_due_this_month() {
        let a = ava().child_id;
        let history = vec![
            record(a, Purpose::JournalPhotos, true, 1, day(2026, 11, 30)),
            record(a, Purpose::OtherJournals, true, 1, day(2027, 3, 1)),
            record(a, Purpose::SocialMedia, false, 1, day(2027, 3, 1)),
        ];
        let rows = overview(&[a], &history, TODAY());
        assert_eq!(
            rows[0].reviews_due,
            vec![(Purpose::JournalPhotos, day(2026, 11, 30))]
        );
        assert_eq!(
            rows[0].lacking(),
            vec![
                Purpose::Video,
                Purpose::Displays,
                Purpose::Publicity,
                Purpose::SocialMedia
            ]
        );
        assert_eq!(end_of_month(day(2026, 12, 5)), day(2026, 12, 31));
        assert_eq!(end_of_month(day(2028, 2, 1)), day(2028, 2, 29));
    }

    #[test]
    fn purposes_round_trip_through_their_stored_names() {
        for p in Purpose::ALL {
            assert_eq!(Purpose::parse(p.as_str()), Some(p));
        }
        assert_eq!(Purpose::parse("photos"), None);
    }

    // For arbitrary children, histories, dates and wishes: a capture is allowed exactly when
    // every required consent is current for every child and nobody said "not today"; a refusal
    // names every failing child and no other.
    fn any_history(children: usize) -> impl Strategy<Value = Vec<ConsentRecord>> {
        prop::collection::vec(
            (0..children, 0..6usize, any::<bool>(), 1u32..28, 0i64..400),
            0..30,
        )
        .prop_map(|rows| {
            rows.into_iter()
                .enumerate()
                .map(
                    |(n, (child, purpose, granted, at_day, review_offset))| ConsentRecord {
                        id: Uuid::from_u128(n as u128 + 1000),
                        child_id: Uuid::from_u128(child as u128 + 1),
                        purpose: Purpose::ALL[purpose],
                        granted,
                        given_by: "A Parent".into(),
                        how: HowGiven::SignedOnTablet,
                        recorded_by: Uuid::from_u128(99),
                        recorded_at: Utc.with_ymd_and_hms(2026, 1, at_day, 9, 0, 0).unwrap(),
                        review_by: day(2026, 6, 1) + chrono::Days::new(review_offset as u64),
                    },
                )
                .collect()
        })
    }

    proptest! {
        #[test]
        fn capture_is_allowed_exactly_when_every_required_consent_is_current(
            n in 1usize..5,
            history in any_history(5),
            purpose in 0..6usize,
            today_offset in 0u64..400,
            wishes in prop::collection::vec(0..5usize, 0..3),
        ) {
            let children: Vec<InFrame> = (0..n)
                .map(|i| InFrame { child_id: Uuid::from_u128(i as u128 + 1), first_name: format!("Child{i}") })
                .collect();
            let purpose = Purpose::ALL[purpose];
            let today = day(2026, 6, 1) + chrono::Days::new(today_offset);
            let not_today: Vec<Uuid> = wishes.iter().map(|&i| Uuid::from_u128(i as u128 + 1)).collect();

            // The model: the latest record per (child, purpose), granted and not past review.
            let current = |child: Uuid, p: Purpose| {
                history
                    .iter()
                    .filter(|r| r.child_id == child && r.purpose == p)
                    .max_by_key(|r| (r.recorded_at, r.id))
                    .is_some_and(|r| r.granted && r.review_by >= today)
            };
            let failing: Vec<Uuid> = children
                .iter()
                .map(|c| c.child_id)
                .filter(|&c| {
                    not_today.contains(&c)
                        || !current(c, purpose)
                        || (n > 1 && !current(c, Purpose::OtherJournals))
                })
                .collect();

            match may_capture(&children, &history, purpose, today, &not_today) {
                Ok(()) => prop_assert!(failing.is_empty()),
                Err(CaptureRefused::Reasons(reasons)) => {
                    let mut named: Vec<Uuid> = reasons.iter().map(|r| r.child_id).collect();
                    named.dedup();
                    prop_assert_eq!(named, failing);
                    for r in &reasons {
                        let first = children.iter().find(|c| c.child_id == r.child_id).unwrap();
                        prop_assert!(r.to_string().starts_with(&first.first_name));
                    }
                }
                Err(CaptureRefused::NoChildren) => prop_assert!(false, "children were chosen"),
            }
        }
    }
}

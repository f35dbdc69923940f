//! Photos used beyond the journals (DESIGN §2.9, issue 21): on a display in the setting, on the
//! website or in publicity, or on social media. A manager or deputy chooses, and this decides,
//! for every child in the photo: consent for that purpose standing today; never a child flagged
//! high-risk in public, and on a display only once a second manager has signed the photo off;
//! a child's "not today" when it was taken honoured; and under the setting's "no identifiable
//! faces" policy for social media, every face masked, so a child whose face is not marked stops
//! it. What leaves is named for the setting and the day, never a child.

use crate::consent::{ConsentRecord, Purpose, Standing, join, standing};
use crate::dates::format_uk;
use crate::eyfs;
use crate::staff::Role;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;
use uuid::Uuid;

/// Where a photo is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Use {
    Display,
    Website,
    SocialMedia,
}

impl Use {
    pub const ALL: [Use; 3] = [Use::Display, Use::Website, Use::SocialMedia];

    /// The consent each child in the photo must have given.
    pub fn purpose(self) -> Purpose {
        match self {
            Use::Display => Purpose::Displays,
            Use::Website => Purpose::Publicity,
            Use::SocialMedia => Purpose::SocialMedia,
        }
    }

    /// Seen by anyone outside the setting.
    pub fn public(self) -> bool {
        !matches!(self, Use::Display)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Use::Display => "display",
            Use::Website => "website",
            Use::SocialMedia => "social_media",
        }
    }

    pub fn parse(s: &str) -> Option<Use> {
        Use::ALL.into_iter().find(|u| u.as_str() == s)
    }

    /// As a heading or an option.
    pub fn title(self) -> &'static str {
        match self {
            Use::Display => "A display in the setting",
            Use::Website => "The website or publicity",
            Use::SocialMedia => "Social media",
        }
    }

    /// In a sentence: "chosen for …", "taken down from …".
    pub fn phrase(self) -> &'static str {
        match self {
            Use::Display => "a display in the setting",
            Use::Website => "the setting’s website or publicity",
            Use::SocialMedia => "the setting’s social media",
        }
    }

    /// The longest side of the file that leaves, in pixels: a display is printed, so it keeps
    /// the photo's own size; a web page and a social post need far less, and less detail of a
    /// child online is better.
    pub fn long_edge(self) -> u32 {
        match self {
            Use::Display => crate::photo::LONG_EDGE,
            Use::Website => 1600,
            Use::SocialMedia => 1080,
        }
    }
}

/// The setting's policy for social media, as its own policy document words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FacesPolicy {
    /// "Children may appear with their parents' written consent."
    #[default]
    WithConsent,
    /// "No child's face may be identifiable": every face is masked before it leaves.
    NoIdentifiableFaces,
}

impl FacesPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            FacesPolicy::WithConsent => "with_consent",
            FacesPolicy::NoIdentifiableFaces => "no_identifiable_faces",
        }
    }

    pub fn parse(s: &str) -> Option<FacesPolicy> {
        [FacesPolicy::WithConsent, FacesPolicy::NoIdentifiableFaces]
            .into_iter()
            .find(|p| p.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            FacesPolicy::WithConsent => "Children may appear, with their family’s consent",
            FacesPolicy::NoIdentifiableFaces => {
                "No child’s face may be identifiable: every face is masked"
            }
        }
    }
}

/// A child in the photo, as the setting knows them today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InPhoto {
    pub child: Uuid,
    pub first_name: String,
    pub high_risk: bool,
    /// The photographer marked this child's face on the photo.
    pub face_marked: bool,
}

/// The photo and who is choosing it.
#[derive(Debug, Clone, Copy)]
pub struct Choice<'a> {
    pub by: Uuid,
    pub role: Role,
    pub used_for: Use,
    pub policy: FacesPolicy,
    pub children: &'a [InPhoto],
    /// The children who had said "no photos today" on the day it was taken.
    pub not_today: &'a [Uuid],
    /// The manager or deputy who signed the photo off for a high-risk child, if one has.
    pub signed_off_by: Option<Uuid>,
}

/// Why one child stops a photo being used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Why {
    NoConsent,
    Refused,
    Lapsed {
        review_by: NaiveDate,
    },
    /// Flagged high-risk: never in public.
    HighRisk,
    /// Flagged high-risk: on a display only once a second manager has signed the photo off.
    NeedsSignOff,
    /// Flagged high-risk, and the manager choosing signed the photo off: another must choose.
    SignedOffByChooser,
    /// The setting's policy is now "no identifiable faces", and this went out unmasked.
    FaceShown,
    NotThatDay,
    /// "No identifiable faces", and this child's face is not marked, so it cannot be masked.
    FaceNotMarked,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub child: Uuid,
    pub first_name: String,
    pub used_for: Use,
    #[serde(flatten)]
    pub why: Why,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, purpose) = (&self.first_name, self.used_for.purpose().label());
        match self.why {
            Why::NoConsent => write!(f, "{name}: no consent on record for {purpose}"),
            Why::Refused => write!(f, "{name}: consent for {purpose} was refused"),
            Why::Lapsed { review_by } => write!(
                f,
                "{name}: consent for {purpose} was due for review on {} and has lapsed",
                format_uk(review_by)
            ),
            Why::HighRisk => write!(
                f,
                "{name} is flagged high-risk, so no photo of them is used outside the setting"
            ),
            Why::NeedsSignOff => write!(
                f,
                "{name} is flagged high-risk: a second manager must sign this photo off before it goes on a display"
            ),
            Why::SignedOffByChooser => write!(
                f,
                "{name} is flagged high-risk and this photo was signed off by the manager choosing it: another manager or deputy must choose it for a display"
            ),
            Why::FaceShown => write!(
                f,
                "{name}’s face shows, and the setting’s policy is now that no child’s face may be identifiable on social media"
            ),
            Why::NotThatDay => write!(f, "{name} did not want photos taken that day"),
            Why::FaceNotMarked => write!(
                f,
                "{name}’s face is not marked, so it cannot be masked as the setting’s policy asks"
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PublishRefused {
    #[error("Only a manager or deputy can choose photos to use beyond the journals.")]
    NotAManager,
    #[error("A photo with no children named on it cannot be checked, so it is not used.")]
    NoChildren,
    /// Every reason, for every child, so the manager sees them all at once.
    #[error("This photo cannot be used for {}. {}.", .0.phrase(), join(.1))]
    Reasons(Use, Vec<Refusal>),
}

/// Every reason as sentences, for a list or a refusal.
pub fn in_words(reasons: &[Refusal]) -> String {
    format!("{}.", join(reasons))
}

/// What the file that leaves must have done to it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// The children whose faces are masked.
    pub mask: Vec<Uuid>,
}

/// The reasons a photo of these children cannot be used for `used_for` today, consent and
/// flags only: also what the "Published" list checks again after a photo has gone out.
fn standing_reasons(
    children: &[InPhoto],
    used_for: Use,
    chooser: Uuid,
    signed_off_by: Option<Uuid>,
    consents: &[ConsentRecord],
    today: NaiveDate,
) -> Vec<Refusal> {
    let mut reasons = Vec::new();
    for c in children {
        let refuse = |why| Refusal {
            child: c.child,
            first_name: c.first_name.clone(),
            used_for,
            why,
        };
        match standing(consents, c.child, used_for.purpose(), today) {
            Standing::Granted { .. } => {}
            Standing::Missing => reasons.push(refuse(Why::NoConsent)),
            Standing::Refused => reasons.push(refuse(Why::Refused)),
            Standing::Lapsed { review_by } => reasons.push(refuse(Why::Lapsed { review_by })),
        }
        if c.high_risk {
            if used_for.public() {
                reasons.push(refuse(Why::HighRisk));
            } else if signed_off_by.is_none() {
                reasons.push(refuse(Why::NeedsSignOff));
            } else if signed_off_by == Some(chooser) {
                reasons.push(refuse(Why::SignedOffByChooser));
            }
        }
    }
    reasons
}

/// Whether this photo may be used for its purpose today, and what the file needs.
pub fn may_publish(
    choice: Choice<'_>,
    consents: &[ConsentRecord],
    today: NaiveDate,
) -> Result<Plan, PublishRefused> {
    if !choice.role.may_manage_setting() {
        return Err(PublishRefused::NotAManager);
    }
    if choice.children.is_empty() {
        return Err(PublishRefused::NoChildren);
    }
    let mut reasons = standing_reasons(
        choice.children,
        choice.used_for,
        choice.by,
        choice.signed_off_by,
        consents,
        today,
    );
    let masking =
        choice.used_for == Use::SocialMedia && choice.policy == FacesPolicy::NoIdentifiableFaces;
    for c in choice.children {
        let refuse = |why| Refusal {
            child: c.child,
            first_name: c.first_name.clone(),
            used_for: choice.used_for,
            why,
        };
        if choice.not_today.contains(&c.child) {
            reasons.push(refuse(Why::NotThatDay));
        }
        if masking && !c.face_marked {
            reasons.push(refuse(Why::FaceNotMarked));
        }
    }
    if !reasons.is_empty() {
        return Err(PublishRefused::Reasons(choice.used_for, reasons));
    }
    Ok(Plan {
        mask: if masking {
            choice.children.iter().map(|c| c.child).collect()
        } else {
            Vec::new()
        },
    })
}

/// A photo already used, as it went out.
#[derive(Debug, Clone, Copy)]
pub struct InUse<'a> {
    pub used_for: Use,
    pub chosen_by: Uuid,
    pub signed_off_by: Option<Uuid>,
    /// Every face was masked in the file.
    pub masked: bool,
    /// The children still on record for it (a leaver's deletion takes theirs).
    pub children: &'a [InPhoto],
    /// How many children were in it when it was chosen.
    pub children_when_chosen: usize,
    /// The photo itself is still on the setting's server.
    pub photo_held: bool,
}

/// Why a photo already used may no longer be: the photo or a child in it deleted since (a
/// leaver: their records are gone, so no name), or reasons naming each child (consent withdrawn
/// or lapsed, a child flagged since, the setting's policy now masking faces). None if it still
/// may be. The manager takes it down where it is and records that they did.
pub fn no_longer_stands(
    used: InUse<'_>,
    policy: FacesPolicy,
    consents: &[ConsentRecord],
    today: NaiveDate,
) -> Option<String> {
    if !used.photo_held {
        return Some("The photo has since been deleted from the setting’s server.".into());
    }
    if used.children.len() < used.children_when_chosen {
        return Some(
            "A child in it has left the setting and their records have been deleted.".into(),
        );
    }
    let mut reasons = standing_reasons(
        used.children,
        used.used_for,
        used.chosen_by,
        used.signed_off_by,
        consents,
        today,
    );
    if used.used_for == Use::SocialMedia
        && policy == FacesPolicy::NoIdentifiableFaces
        && !used.masked
    {
        for c in used.children {
            reasons.push(Refusal {
                child: c.child,
                first_name: c.first_name.clone(),
                used_for: used.used_for,
                why: Why::FaceShown,
            });
        }
    }
    (!reasons.is_empty()).then(|| in_words(&reasons))
}

/// The display sheet's file name: the setting and the day, never a child.
pub fn sheet_file_name(setting: &str, day: NaiveDate) -> String {
    let jpeg = file_name(setting, day, 1, "pdf");
    let slug = jpeg.trim_end_matches(&format!("-{}-1.pdf", day.format("%Y-%m-%d")));
    format!("{slug}-display-{}.pdf", day.format("%Y-%m-%d"))
}

/// The file's name: the setting and the day, numbered, never a child
/// ("little-acorns-2027-03-14-1.jpg").
pub fn file_name(setting: &str, day: NaiveDate, n: u32, extension: &str) -> String {
    let mut slug = String::new();
    for ch in setting.chars() {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug = if slug.is_empty() { "setting" } else { slug };
    format!("{slug}-{}-{n}.{extension}", day.format("%Y-%m-%d"))
}

/// A caption to start from, naming no child: what the photo's observation was about, from its
/// EYFS areas, and the setting.
pub fn caption(setting: &str, aspects: &[String]) -> String {
    let catalogue = eyfs::current();
    let mut areas: Vec<&str> = Vec::new();
    for code in aspects {
        if let Some(area) = catalogue.area_of(code)
            && !areas.contains(&area.name)
        {
            areas.push(area.name);
        }
    }
    let setting = setting.trim();
    match areas.as_slice() {
        [] => format!("Learning through play at {setting}."),
        [one] => format!("{} at {setting}.", lowered(one)),
        [first, rest @ ..] => format!(
            "{} and {} at {setting}.",
            lowered(first),
            rest.iter()
                .map(|a| a.to_lowercase())
                .collect::<Vec<_>>()
                .join(" and ")
        ),
    }
}

fn lowered(area: &str) -> String {
    let mut out = String::from("Exploring ");
    out.push_str(&area.to_lowercase());
    out
}

/// What a family's trail says of a photo of their child used beyond the journals.
pub fn trail_sentence(used_for: Use, taken_down: bool, first_name: &str, day: NaiveDate) -> String {
    if taken_down {
        format!(
            "A photo of {first_name} was taken down from {} on {}.",
            used_for.phrase(),
            format_uk(day)
        )
    } else {
        format!(
            "A photo of {first_name} was chosen for {} on {}.",
            used_for.phrase(),
            format_uk(day)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::HowGiven;
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 3, d).expect("a date")
    }

    fn answer(child: Uuid, purpose: Purpose, granted: bool, at: u32) -> ConsentRecord {
        ConsentRecord {
            id: Uuid::from_u128(1000 + at as u128),
            child_id: child,
            purpose,
            granted,
            given_by: "A parent".into(),
            how: HowGiven::SignedOnTablet,
            recorded_by: Uuid::from_u128(9),
            recorded_at: Utc
                .with_ymd_and_hms(2027, 3, at, 9, 0, 0)
                .single()
                .expect("a time"),
            review_by: day(30),
        }
    }

    fn kid(n: u128, name: &str) -> InPhoto {
        InPhoto {
            child: Uuid::from_u128(n),
            first_name: name.into(),
            high_risk: false,
            face_marked: true,
        }
    }

    const SAM: Uuid = Uuid::from_u128(50);
    const JO: Uuid = Uuid::from_u128(51);

    fn choice<'a>(used_for: Use, children: &'a [InPhoto]) -> Choice<'a> {
        Choice {
            by: SAM,
            role: Role::Manager,
            used_for,
            policy: FacesPolicy::WithConsent,
            children,
            not_today: &[],
            signed_off_by: None,
        }
    }

    #[test]
    fn a_group_photo_needs_every_childs_consent_for_that_purpose_and_names_who_lacks_it() {
        let kids = [kid(1, "Ava"), kid(2, "Noah")];
        let consents = [
            answer(kids[0].child, Purpose::SocialMedia, true, 1),
            answer(kids[1].child, Purpose::Publicity, true, 1),
        ];
        let refused = may_publish(choice(Use::SocialMedia, &kids), &consents, day(10));
        let Err(PublishRefused::Reasons(Use::SocialMedia, reasons)) = refused.clone() else {
            panic!("refused with reasons: {refused:?}")
        };
        assert_eq!(reasons.len(), 1);
        assert_eq!(reasons[0].child, kids[1].child);
        assert_eq!(
            refused.map(|_| ()).unwrap_err().to_string(),
            "This photo cannot be used for the setting’s social media. Noah: no consent on record for social media."
        );
        assert_eq!(
            may_publish(choice(Use::Website, &kids), &consents, day(10))
                .map_err(|e| e.to_string()),
            Err("This photo cannot be used for the setting’s website or publicity. Ava: no consent on record for the setting’s website or publicity.".into())
        );
        // Withdrawn later: the newest answer counts.
        let mut later = consents.to_vec();
        later.push(answer(kids[1].child, Purpose::SocialMedia, true, 2));
        assert_eq!(
            may_publish(choice(Use::SocialMedia, &kids), &later, day(10)),
            Ok(Plan::default())
        );
        later.push(answer(kids[1].child, Purpose::SocialMedia, false, 3));
        assert!(may_publish(choice(Use::SocialMedia, &kids), &later, day(10)).is_err());
        // Lapsed after its review date.
        let lapsed = may_publish(choice(Use::SocialMedia, &kids[..1]), &consents, day(31));
        assert!(
            lapsed
                .map_err(|e| e.to_string())
                .unwrap_err()
                .contains("Ava: consent for social media was due for review on 30/03/2027")
        );
    }

    #[test]
    fn only_a_manager_or_deputy_chooses() {
        let kids = [kid(1, "Ava")];
        let consents = [answer(kids[0].child, Purpose::Displays, true, 1)];
        let mut c = choice(Use::Display, &kids);
        c.role = Role::Practitioner;
        assert_eq!(
            may_publish(c, &consents, day(10)),
            Err(PublishRefused::NotAManager)
        );
        c.role = Role::Deputy;
        assert!(may_publish(c, &consents, day(10)).is_ok());
    }

    #[test]
    fn a_high_risk_child_never_goes_public_and_reaches_a_display_only_with_a_second_managers_sign_off()
     {
        let mut kids = [kid(1, "Ava")];
        kids[0].high_risk = true;
        let consents: Vec<_> = Use::ALL
            .iter()
            .map(|u| answer(kids[0].child, u.purpose(), true, 1))
            .collect();
        for public in [Use::Website, Use::SocialMedia] {
            let mut c = choice(public, &kids);
            c.signed_off_by = Some(JO);
            let err = may_publish(c, &consents, day(10)).unwrap_err().to_string();
            assert!(err.contains("Ava is flagged high-risk"), "{err}");
        }
        let mut c = choice(Use::Display, &kids);
        assert!(may_publish(c, &consents, day(10)).is_err());
        c.signed_off_by = Some(SAM);
        assert_eq!(
            may_publish(c, &consents, day(10)).map_err(|e| e.to_string()),
            Err("This photo cannot be used for a display in the setting. Ava is flagged high-risk and this photo was signed off by the manager choosing it: another manager or deputy must choose it for a display.".into()),
            "the chooser is not a second manager"
        );
        c.signed_off_by = Some(JO);
        assert!(may_publish(c, &consents, day(10)).is_ok());
    }

    #[test]
    fn a_childs_not_today_when_it_was_taken_is_honoured() {
        let kids = [kid(1, "Ava")];
        let consents = [answer(kids[0].child, Purpose::Displays, true, 1)];
        let mut c = choice(Use::Display, &kids);
        let said = [kids[0].child];
        c.not_today = &said;
        assert_eq!(
            may_publish(c, &consents, day(10)).unwrap_err().to_string(),
            "This photo cannot be used for a display in the setting. Ava did not want photos taken that day."
        );
    }

    #[test]
    fn no_identifiable_faces_masks_every_face_and_refuses_an_unmarked_one() {
        let kids = [kid(1, "Ava"), kid(2, "Noah")];
        let consents: Vec<_> = kids
            .iter()
            .map(|k| answer(k.child, Purpose::SocialMedia, true, 1))
            .collect();
        let mut c = choice(Use::SocialMedia, &kids);
        c.policy = FacesPolicy::NoIdentifiableFaces;
        assert_eq!(
            may_publish(c, &consents, day(10)),
            Ok(Plan {
                mask: vec![kids[0].child, kids[1].child]
            })
        );
        let mut unmarked = kids.clone();
        unmarked[1].face_marked = false;
        c.children = &unmarked;
        assert!(
            may_publish(c, &consents, day(10))
                .unwrap_err()
                .to_string()
                .contains("Noah’s face is not marked")
        );
        // The policy is for social media only.
        let website: Vec<_> = kids
            .iter()
            .map(|k| answer(k.child, Purpose::Publicity, true, 1))
            .collect();
        c.used_for = Use::Website;
        assert_eq!(may_publish(c, &website, day(10)), Ok(Plan::default()));
    }

    #[test]
    fn the_file_and_its_caption_name_the_setting_and_the_day_never_a_child() {
        assert_eq!(
            file_name("Little Acorns", day(14), 1, "jpg"),
            "little-acorns-2027-03-14-1.jpg"
        );
        assert_eq!(
            file_name("St. Mary’s  Nursery!", day(14), 2, "pdf"),
            "st-mary-s-nursery-2027-03-14-2.pdf"
        );
        assert_eq!(
            file_name("Ŵŷ", day(1), 3, "jpg"),
            "setting-2027-03-01-3.jpg"
        );
        assert_eq!(
            caption("Little Acorns", &["CL.S".into(), "PD.GM".into()]),
            "Exploring communication and language and physical development at Little Acorns."
        );
        assert_eq!(
            caption("Little Acorns", &[]),
            "Learning through play at Little Acorns."
        );
        assert_eq!(
            trail_sentence(Use::Website, false, "Ava", day(14)),
            "A photo of Ava was chosen for the setting’s website or publicity on 14/03/2027."
        );
    }

    #[test]
    fn a_photo_in_use_no_longer_stands_once_a_family_withdraws_a_child_is_flagged_or_leaves() {
        let mut kids = vec![kid(1, "Ava"), kid(2, "Maya")];
        let mut consents: Vec<_> = kids
            .iter()
            .map(|k| answer(k.child, Purpose::SocialMedia, true, 1))
            .collect();
        fn used(kids: &[InPhoto]) -> InUse<'_> {
            InUse {
                used_for: Use::SocialMedia,
                chosen_by: SAM,
                signed_off_by: None,
                masked: false,
                children: kids,
                children_when_chosen: 2,
                photo_held: true,
            }
        }
        let check = |u: InUse<'_>, policy, consents: &[ConsentRecord]| {
            no_longer_stands(u, policy, consents, day(10))
        };
        assert_eq!(
            check(used(&kids), FacesPolicy::WithConsent, &consents),
            None
        );
        // The setting now masks every face: this went out unmasked.
        assert_eq!(
            check(used(&kids), FacesPolicy::NoIdentifiableFaces, &consents).as_deref(),
            Some(
                "Ava’s face shows, and the setting’s policy is now that no child’s face may be identifiable on social media. Maya’s face shows, and the setting’s policy is now that no child’s face may be identifiable on social media."
            )
        );
        assert_eq!(
            check(
                InUse {
                    masked: true,
                    ..used(&kids)
                },
                FacesPolicy::NoIdentifiableFaces,
                &consents
            ),
            None
        );
        consents.push(answer(kids[1].child, Purpose::SocialMedia, false, 2));
        assert_eq!(
            check(used(&kids), FacesPolicy::WithConsent, &consents).as_deref(),
            Some("Maya: consent for social media was refused.")
        );
        kids[0].high_risk = true;
        assert!(
            check(used(&kids), FacesPolicy::WithConsent, &consents)
                .is_some_and(|w| w.contains("Ava is flagged high-risk"))
        );
        // A leaver's deletion took one child off it; or the photo went.
        assert_eq!(
            check(used(&kids[..1]), FacesPolicy::WithConsent, &[]).as_deref(),
            Some("A child in it has left the setting and their records have been deleted.")
        );
        assert!(
            check(
                InUse {
                    photo_held: false,
                    ..used(&kids)
                },
                FacesPolicy::WithConsent,
                &consents
            )
            .is_some_and(|w| w.contains("deleted"))
        );
        assert_eq!(
            sheet_file_name("Little Acorns", day(14)),
            "little-acorns-display-2027-03-14.pdf"
        );
    }

    fn arb_child() -> impl Strategy<Value = (bool, bool, u8, bool)> {
        // high-risk, face marked, consent (0 none, 1 granted, 2 refused, 3 lapsed), not today
        (
            any::<bool>(),
            any::<bool>(),
            0u8..4,
            prop::bool::weighted(0.2),
        )
    }

    proptest! {
        /// Whatever the children, answers, flags, wishes and policy: a photo chosen for a
        /// purpose has every child's consent for it standing, no high-risk child in public (and
        /// on a display only with another manager's sign-off), no child who said "not today",
        /// and under "no identifiable faces" every child's face masked.
        #[test]
        fn nothing_leaves_without_what_each_child_needs(
            kids in prop::collection::vec(arb_child(), 1..6),
            use_index in 0usize..3,
            strict in any::<bool>(),
            signed in prop::option::of(prop_oneof![Just(SAM), Just(JO)]),
            role in prop_oneof![Just(Role::Manager), Just(Role::Deputy), Just(Role::Practitioner)],
        ) {
            let used_for = Use::ALL[use_index];
            let today = day(10);
            let mut children = Vec::new();
            let mut consents = Vec::new();
            let mut not_today = Vec::new();
            for (i, (risk, marked, answer_kind, said_no)) in kids.iter().enumerate() {
                let id = Uuid::from_u128(i as u128 + 1);
                children.push(InPhoto { child: id, first_name: format!("Child{i}"), high_risk: *risk, face_marked: *marked });
                let mut a = answer(id, used_for.purpose(), *answer_kind != 2, 1);
                a.id = Uuid::from_u128(5000 + i as u128);
                if *answer_kind == 3 { a.review_by = day(5); }
                if *answer_kind != 0 { consents.push(a); }
                if *said_no { not_today.push(id); }
            }
            let c = Choice {
                by: SAM,
                role,
                used_for,
                policy: if strict { FacesPolicy::NoIdentifiableFaces } else { FacesPolicy::WithConsent },
                children: &children,
                not_today: &not_today,
                signed_off_by: signed,
            };
            if let Ok(plan) = may_publish(c, &consents, today) {
                prop_assert!(role.may_manage_setting());
                for child in &children {
                    prop_assert!(standing(&consents, child.child, used_for.purpose(), today).is_granted());
                    prop_assert!(!not_today.contains(&child.child));
                    if child.high_risk {
                        prop_assert!(!used_for.public());
                        prop_assert!(signed.is_some_and(|s| s != SAM));
                    }
                    if strict && used_for == Use::SocialMedia {
                        prop_assert!(child.face_marked && plan.mask.contains(&child.child));
                    }
                }
                let policy = if strict { FacesPolicy::NoIdentifiableFaces } else { FacesPolicy::WithConsent };
                let used = InUse {
                    used_for,
                    chosen_by: SAM,
                    signed_off_by: signed,
                    masked: !plan.mask.is_empty(),
                    children: &children,
                    children_when_chosen: children.len(),
                    photo_held: true,
                };
                prop_assert_eq!(no_longer_stands(used, policy, &consents, today), None);
            }
        }

        /// A file name never holds a child's name, whatever the setting is called.
        #[test]
        fn a_file_name_holds_only_the_setting_and_the_day(setting in "\\PC{0,40}", n in 1u32..100) {
            let name = file_name(&setting, day(14), n, "jpg");
            let tail = format!("-2027-03-14-{n}.jpg");
            prop_assert!(name.ends_with(&tail));
            prop_assert!(name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'));
        }
    }
}

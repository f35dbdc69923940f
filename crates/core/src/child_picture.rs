//! A child's own picture on staff lists (Children, Today, "Who is it about?"), because staff
//! pick a child faster by face than by name. It is one photo from the child's journal, chosen by
//! their key person or a manager: of that child alone, so no other child's face is on a list;
//! never for a child flagged high-risk; and shown only while the family's consent to photos in
//! the child's own journal stands. Otherwise, and until one is chosen, their initials.

use crate::consent::{ConsentRecord, Purpose, standing};
use crate::staff::Role;
use chrono::NaiveDate;
use thiserror::Error;
use uuid::Uuid;

/// Why a photo cannot be a child's picture, in words for the person choosing.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PictureRefused {
    #[error("Only the child’s key person or a manager can choose their picture.")]
    NotTheirs,
    #[error("Choose a photo of this child alone, so no other child’s face is on the lists.")]
    NotAlone,
    #[error(
        "Their family has not agreed to photos in their journal, so their initials are shown instead."
    )]
    NoConsent,
    #[error(
        "This child is flagged high-risk, so no picture of them is shown on lists: their initials are."
    )]
    HighRisk,
}

/// Who is choosing, and the child as the setting knows them.
#[derive(Debug, Clone, Copy)]
pub struct Choice<'a> {
    pub by: Uuid,
    pub role: Role,
    pub child: Uuid,
    pub key_person: Uuid,
    pub high_risk: bool,
    /// The children the photo's record names.
    pub in_photo: &'a [Uuid],
}

/// Whether this photo may become the child's picture today.
pub fn may_choose(
    choice: Choice<'_>,
    consents: &[ConsentRecord],
    today: NaiveDate,
) -> Result<(), PictureRefused> {
    may_take_away(choice.by, choice.role, choice.key_person)?;
    if choice.in_photo != [choice.child] {
        return Err(PictureRefused::NotAlone);
    }
    if choice.high_risk {
        return Err(PictureRefused::HighRisk);
    }
    if !may_show(choice.child, false, consents, today) {
        return Err(PictureRefused::NoConsent);
    }
    Ok(())
}

/// Whether this person may take a child's picture away: their key person or a manager.
pub fn may_take_away(by: Uuid, role: Role, key_person: Uuid) -> Result<(), PictureRefused> {
    if by != key_person && !role.may_manage_setting() {
        return Err(PictureRefused::NotTheirs);
    }
    Ok(())
}

/// Whether a chosen picture is shown today: consent may have been withdrawn or lapsed since,
/// or the child flagged.
pub fn may_show(
    child: Uuid,
    high_risk: bool,
    consents: &[ConsentRecord],
    today: NaiveDate,
) -> bool {
    !high_risk && standing(consents, child, Purpose::JournalPhotos, today).is_granted()
}

/// What stands in for a picture: the first letter of the first name and of the surname.
pub fn initials(first_name: &str, surname: &str) -> String {
    [first_name, surname]
        .iter()
        .filter_map(|n| n.trim().chars().next())
        .flat_map(char::to_uppercase)
        .collect()
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

    fn answer(child: Uuid, granted: bool, review_by: NaiveDate, at: u32) -> ConsentRecord {
        ConsentRecord {
            id: Uuid::from_u128(at as u128),
            child_id: child,
            purpose: Purpose::JournalPhotos,
            granted,
            given_by: "Grace Okafor".into(),
            how: HowGiven::SignedOnTablet,
            recorded_by: Uuid::from_u128(9),
            recorded_at: Utc.with_ymd_and_hms(2027, 3, at, 9, 0, 0).unwrap(),
            review_by,
        }
    }

    #[test]
    fn only_the_key_person_or_a_manager_takes_a_picture_away() {
        let (priya, tom, sam) = (Uuid::from_u128(3), Uuid::from_u128(4), Uuid::from_u128(5));
        assert_eq!(may_take_away(priya, Role::Practitioner, priya), Ok(()));
        assert_eq!(may_take_away(sam, Role::Manager, priya), Ok(()));
        assert_eq!(may_take_away(sam, Role::Deputy, priya), Ok(()));
        assert_eq!(
            may_take_away(tom, Role::Practitioner, priya),
            Err(PictureRefused::NotTheirs)
        );
    }

    #[test]
    fn the_key_person_chooses_a_photo_of_the_child_alone_with_consent() {
        let (ava, maya, priya, tom) = (
            Uuid::from_u128(1),
            Uuid::from_u128(2),
            Uuid::from_u128(3),
            Uuid::from_u128(4),
        );
        let consents = [answer(ava, true, day(30), 1)];
        let choice = Choice {
            by: priya,
            role: Role::Practitioner,
            child: ava,
            key_person: priya,
            high_risk: false,
            in_photo: &[ava],
        };
        assert_eq!(may_choose(choice, &consents, day(10)), Ok(()));
        assert_eq!(
            may_choose(Choice { by: tom, ..choice }, &consents, day(10)),
            Err(PictureRefused::NotTheirs)
        );
        assert_eq!(
            may_choose(
                Choice {
                    by: tom,
                    role: Role::Deputy,
                    ..choice
                },
                &consents,
                day(10)
            ),
            Ok(())
        );
        assert_eq!(
            may_choose(
                Choice {
                    in_photo: &[ava, maya],
                    ..choice
                },
                &consents,
                day(10)
            ),
            Err(PictureRefused::NotAlone)
        );
        assert_eq!(
            may_choose(
                Choice {
                    in_photo: &[maya],
                    ..choice
                },
                &consents,
                day(10)
            ),
            Err(PictureRefused::NotAlone)
        );
        assert_eq!(
            may_choose(
                Choice {
                    high_risk: true,
                    ..choice
                },
                &consents,
                day(10)
            ),
            Err(PictureRefused::HighRisk)
        );
        assert_eq!(
            may_choose(choice, &[], day(10)),
            Err(PictureRefused::NoConsent)
        );
    }

    #[test]
    fn a_picture_stops_showing_when_consent_is_withdrawn_or_lapses() {
        let ava = Uuid::from_u128(1);
        let granted = answer(ava, true, day(20), 1);
        assert!(may_show(
            ava,
            false,
            std::slice::from_ref(&granted),
            day(20)
        ));
        assert!(
            !may_show(ava, false, std::slice::from_ref(&granted), day(21)),
            "lapsed"
        );
        assert!(
            !may_show(
                ava,
                false,
                &[granted.clone(), answer(ava, false, day(30), 5)],
                day(6)
            ),
            "withdrawn"
        );
        assert!(
            !may_show(ava, true, &[granted], day(6)),
            "flagged high-risk"
        );
    }

    #[test]
    fn initials_from_both_names() {
        assert_eq!(initials("Ava", "Okafor"), "AO");
        assert_eq!(initials("émile", " zola"), "ÉZ");
        assert_eq!(initials("Ava", ""), "A");
    }

    proptest! {
        /// Whoever chooses and whatever the photo, a picture that may be chosen is of that
        /// child alone, with consent standing and no flag.
        #[test]
        fn a_chosen_picture_is_always_the_child_alone_with_consent(
            in_photo in proptest::collection::vec(0u128..4, 0..4),
            by in 0u128..4,
            manager in any::<bool>(),
            high_risk in any::<bool>(),
            granted in any::<bool>(),
            review in 1u32..28,
            today in 1u32..28,
        ) {
            let child = Uuid::from_u128(0);
            let in_photo: Vec<Uuid> = in_photo.into_iter().map(Uuid::from_u128).collect();
            let consents = [answer(child, granted, day(review), 1)];
            let choice = Choice {
                by: Uuid::from_u128(by),
                role: if manager { Role::Manager } else { Role::Practitioner },
                child,
                key_person: Uuid::from_u128(1),
                high_risk,
                in_photo: &in_photo,
            };
            if may_choose(choice, &consents, day(today)).is_ok() {
                prop_assert_eq!(&in_photo, &vec![child]);
                prop_assert!(granted && review >= today && !high_risk);
                prop_assert!(manager || by == 1);
            }
        }
    }
}

//! High-risk children (DESIGN §2a, issue 7 part 6): a manager flags a child who is looked
//! after, adopted, or the subject of a consent dispute; from then on any image of them needs a
//! second manager's sign-off before it is published to anyone (see `parent_view`).

use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use crate::staff::Role;

/// Why a child is flagged: a category only, never the story (that stays on paper).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    LookedAfter,
    Adopted,
    ConsentDispute,
    Other,
}

impl Reason {
    pub const ALL: [Reason; 4] = [
        Reason::LookedAfter,
        Reason::Adopted,
        Reason::ConsentDispute,
        Reason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::LookedAfter => "looked_after",
            Reason::Adopted => "adopted",
            Reason::ConsentDispute => "consent_dispute",
            Reason::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Reason::LookedAfter => "Looked after",
            Reason::Adopted => "Adopted",
            Reason::ConsentDispute => "A dispute about consent",
            Reason::Other => "Another safeguarding reason",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum SignOffError {
    #[error("Only a manager or deputy can sign off a photo of a child flagged high-risk.")]
    NotAManager,
    #[error("A second manager must sign off this photo: not the person who took it.")]
    TookIt,
    #[error("Only a manager can flag a child as high-risk or take the flag away.")]
    FlagNotAManager,
}

/// Whether `signer` may sign off a photo taken by `taken_by`: a manager or deputy, and not the
/// person who took it (the second pair of eyes is the point).
pub fn check_sign_off(signer: (Uuid, Role), taken_by: Uuid) -> Result<(), SignOffError> {
    if !signer.1.may_manage_setting() {
        return Err(SignOffError::NotAManager);
    }
    if signer.0 == taken_by {
        return Err(SignOffError::TookIt);
    }
    Ok(())
}

/// Whether `who` may flag a child or take the flag away: a manager.
pub fn check_flag(who: Role) -> Result<(), SignOffError> {
    if who == Role::Manager {
        Ok(())
    } else {
        Err(SignOffError::FlagNotAManager)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_manager_signs_off_never_the_photographer() {
        let (sam, jo, priya) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        assert_eq!(check_sign_off((sam, Role::Manager), priya), Ok(()));
        assert_eq!(check_sign_off((jo, Role::Deputy), sam), Ok(()));
        assert_eq!(
            check_sign_off((sam, Role::Manager), sam),
            Err(SignOffError::TookIt)
        );
        assert_eq!(
            check_sign_off((priya, Role::Practitioner), sam),
            Err(SignOffError::NotAManager)
        );
        assert_eq!(check_flag(Role::Deputy), Err(SignOffError::FlagNotAManager));
        assert_eq!(check_flag(Role::Manager), Ok(()));
    }

    #[test]
    fn reasons_are_categories_with_stable_codes() {
        for r in Reason::ALL {
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
        }
    }
}

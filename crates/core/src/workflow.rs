//! An observation's way from draft to the parents: who may move it between which states. The
//! app greys out what this refuses, and the server (sync) runs the very same function on every
//! operation, so a tablet cannot publish what needed validating.
//!
//! draft ─submit─▶ submitted ─validate─▶ validated      (the setting requires validation)
//! draft ─submit─▶ published                             (it does not)
//! submitted | validated | published ─return (with a comment)─▶ returned ─submit─▶ …

use crate::staff::Role;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    Returned,
    Validated,
    Published,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Draft,
        Status::Submitted,
        Status::Returned,
        Status::Validated,
        Status::Published,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::Submitted => "Waiting for validation",
            Status::Returned => "Returned to you",
            Status::Validated => "Validated",
            Status::Published => "Shared",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Validated => "validated",
            Status::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// What a parent may ever see (their own child's part of it: the parent-view rule decides).
    pub fn reaches_parents(self) -> bool {
        matches!(self, Status::Validated | Status::Published)
    }

    /// Still being written: the key person may change it.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Edit,
    Submit,
    Validate,
    Return,
    Delete,
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::Edit,
        Action::Submit,
        Action::Validate,
        Action::Return,
        Action::Delete,
    ];

    fn verb(self) -> &'static str {
        match self {
            Action::Edit => "changed",
            Action::Submit => "submitted",
            Action::Validate => "validated",
            Action::Return => "returned",
            Action::Delete => "deleted",
        }
    }
}

/// Who is acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Staff { id: Uuid, role: Role },
    Parent { id: Uuid },
}

impl Actor {
    fn id(self) -> Uuid {
        match self {
            Actor::Staff { id, .. } | Actor::Parent { id } => id,
        }
    }

    fn validates(self) -> bool {
        matches!(self, Actor::Staff { role, .. } if role.may_manage_setting())
    }
}

/// The observation as the rule needs to see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    pub status: Status,
    pub author: Uuid,
    /// Written by a parent at home (a "wow moment"): staff decide whether it joins the journal.
    pub from_home: bool,
}

/// The setting's switch "validation required before parents see".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting {
    pub validation_required: bool,
}

/// Why an action is refused, in words for the person who tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum Refused {
    #[error("Only the person who wrote it, a manager or a deputy may do that.")]
    NotYours,
    #[error("Only a manager or a deputy may validate or return an observation.")]
    NotAValidator,
    #[error("Someone else must validate an observation you wrote.")]
    OwnWork,
    #[error(
        "It has been validated, so it is locked. A manager or deputy can return it to reopen it."
    )]
    Locked,
    #[error("Parents may only change their own observations from home.")]
    NotYourHomeObservation,
    #[error("It cannot be {} while it is {}.", .action.verb(), .status.label().to_lowercase())]
    NotNow { action: Action, status: Status },
}

/// What `action` by `actor` does to the observation: its next status, `None` when deleted.
pub fn next(
    subject: Subject,
    actor: Actor,
    action: Action,
    setting: Setting,
) -> Result<Option<Status>, Refused> {
    use Action::*;
    use Status::*;
    let status = subject.status;
    let not_now = Err(Refused::NotNow { action, status });
    let author = actor.id() == subject.author;

    if let Actor::Parent { .. } = actor {
        if !(subject.from_home && author) {
            return Err(Refused::NotYourHomeObservation);
        }
        return match (action, status) {
            (Edit, Draft | Returned) => Ok(Some(status)),
            // A parent's own words wait for staff, whatever the switch says.
            (Submit, Draft | Returned) => Ok(Some(Submitted)),
            (Delete, Draft | Returned) => Ok(None),
            (Validate | Return, _) => Err(Refused::NotAValidator),
            _ => not_now,
        };
    }

    let validator = actor.validates();
    match action {
        Edit | Submit | Delete if subject.from_home && !validator => Err(Refused::NotYours),
        // A parent's words are theirs to change; staff validate or return them.
        Edit | Submit | Delete if subject.from_home => not_now,
        Edit | Submit | Delete if status == Validated => Err(Refused::Locked),
        Edit | Submit | Delete if !(author || validator) => Err(Refused::NotYours),
        Edit => match status {
            Draft | Returned | Published => Ok(Some(status)),
            // What is being validated changes only in the validator's hands.
            Submitted if validator => Ok(Some(status)),
            _ => not_now,
        },
        Submit => match status {
            Draft | Returned if setting.validation_required => Ok(Some(Submitted)),
            Draft | Returned => Ok(Some(Published)),
            _ => not_now,
        },
        Delete => match status {
            Draft | Returned => Ok(None),
            _ => not_now,
        },
        Validate | Return if !validator => Err(Refused::NotAValidator),
        Validate => match status {
            Submitted if author => Err(Refused::OwnWork),
            Submitted => Ok(Some(Validated)),
            _ => not_now,
        },
        Return => match status {
            Submitted | Validated | Published => Ok(Some(Returned)),
            _ => not_now,
        },
    }
}

/// Every action this actor may take now (for the buttons a screen shows).
pub fn allowed(subject: Subject, actor: Actor, setting: Setting) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| next(subject, actor, *a, setting).is_ok())
        .collect()
}

pub const RETURN_COMMENT_MAX: usize = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CommentError {
    #[error("Say what should change, so the key person knows what to do.")]
    Missing,
    #[error("Keep the comment under {RETURN_COMMENT_MAX} characters.")]
    TooLong,
}

/// A return needs a comment that tells the key person what to change.
pub fn return_comment(text: &str) -> Result<String, CommentError> {
    let text = text.trim();
    if text.is_empty() {
        Err(CommentError::Missing)
    } else if text.chars().count() > RETURN_COMMENT_MAX {
        Err(CommentError::TooLong)
    } else {
        Ok(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const AUTHOR: Uuid = Uuid::from_u128(1);
    const OTHER: Uuid = Uuid::from_u128(2);

    /// Who acts, as the table names them.
    fn actor(name: &str) -> (Actor, bool) {
        let staff = |id, role| Actor::Staff { id, role };
        match name {
            // (actor, is the observation from home)
            "author" => (staff(AUTHOR, Role::Practitioner), false),
            "colleague" => (staff(OTHER, Role::Practitioner), false),
            "deputy" => (staff(OTHER, Role::Deputy), false),
            "manager" => (staff(OTHER, Role::Manager), false),
            "mgr-author" => (staff(AUTHOR, Role::Manager), false),
            "parent" => (Actor::Parent { id: AUTHOR }, true),
            "other-parent" => (Actor::Parent { id: OTHER }, true),
            "staff-on-home" => (staff(OTHER, Role::Practitioner), true),
            "mgr-on-home" => (staff(OTHER, Role::Manager), true),
            _ => unreachable!("{name}"),
        }
    }

    fn code(result: Result<Option<Status>, Refused>) -> &'static str {
        match result {
            Ok(None) => "gone",
            Ok(Some(Status::Draft)) => "D",
            Ok(Some(Status::Submitted)) => "S",
            Ok(Some(Status::Returned)) => "R",
            Ok(Some(Status::Validated)) => "V",
            Ok(Some(Status::Published)) => "P",
            Err(Refused::NotYours) => "notyours",
            Err(Refused::NotAValidator) => "notval",
            Err(Refused::OwnWork) => "own",
            Err(Refused::Locked) => "locked",
            Err(Refused::NotYourHomeObservation) => "nothome",
            Err(Refused::NotNow { .. }) => "-",
        }
    }

    /// Every (actor, status, action) with validation required. Columns: edit, submit, validate,
    /// return, delete.
    const TABLE: &str = "
        author        draft      D        S        notval notval gone
        author        submitted  -        -        notval notval -
        author        returned   R        S        notval notval gone
        author        validated  locked   locked   notval notval locked
        author        published  P        -        notval notval -
        colleague     draft      notyours notyours notval notval notyours
        colleague     submitted  notyours notyours notval notval notyours
        colleague     returned   notyours notyours notval notval notyours
        colleague     validated  locked   locked   notval notval locked
        colleague     published  notyours notyours notval notval notyours
        deputy        draft      D        S        -      -      gone
        deputy        submitted  S        -        V      R      -
        deputy        returned   R        S        -      -      gone
        deputy        validated  locked   locked   -      R      locked
        deputy        published  P        -        -      R      -
        manager       draft      D        S        -      -      gone
        manager       submitted  S        -        V      R      -
        manager       returned   R        S        -      -      gone
        manager       validated  locked   locked   -      R      locked
        manager       published  P        -        -      R      -
        mgr-author    submitted  S        -        own    R      -
        parent        draft      D        S        notval notval gone
        parent        submitted  -        -        notval notval -
        parent        returned   R        S        notval notval gone
        parent        validated  -        -        notval notval -
        parent        published  -        -        notval notval -
        other-parent  draft      nothome  nothome  nothome nothome nothome
        other-parent  validated  nothome  nothome  nothome nothome nothome
        staff-on-home draft      notyours notyours notval notval notyours
        staff-on-home submitted  notyours notyours notval notval notyours
        mgr-on-home   draft      -        -        -      -      -
        mgr-on-home   submitted  -        -        V      R      -
        mgr-on-home   validated  -        -        -      R      -
    ";

    #[test]
    fn every_role_state_and_action_as_the_table_says() {
        let setting = Setting {
            validation_required: true,
        };
        let mut seen = 0;
        for row in TABLE.lines().map(str::split_whitespace) {
            let cells: Vec<&str> = row.collect();
            if cells.is_empty() {
                continue;
            }
            let (who, from_home) = actor(cells[0]);
            let status = Status::parse(cells[1]).expect("status");
            let subject = Subject {
                status,
                author: AUTHOR,
                from_home,
            };
            for (action, expected) in Action::ALL.into_iter().zip(&cells[2..]) {
                let got = code(next(subject, who, action, setting));
                assert_eq!(got, *expected, "{} {} {:?}", cells[0], cells[1], action);
                seen += 1;
            }
        }
        assert_eq!(seen, 33 * 5);
    }

    #[test]
    fn without_validation_submitting_shares_at_once_except_from_home() {
        let setting = Setting {
            validation_required: false,
        };
        let draft = |from_home| Subject {
            status: Status::Draft,
            author: AUTHOR,
            from_home,
        };
        let author = Actor::Staff {
            id: AUTHOR,
            role: Role::Practitioner,
        };
        assert_eq!(
            next(draft(false), author, Action::Submit, setting),
            Ok(Some(Status::Published))
        );
        assert_eq!(
            next(
                draft(true),
                Actor::Parent { id: AUTHOR },
                Action::Submit,
                setting
            ),
            Ok(Some(Status::Submitted))
        );
    }

    #[test]
    fn refusals_read_as_sentences() {
        let refused = Refused::NotNow {
            action: Action::Validate,
            status: Status::Draft,
        };
        assert_eq!(
            refused.to_string(),
            "It cannot be validated while it is draft."
        );
        assert_eq!(return_comment("  "), Err(CommentError::Missing));
        assert_eq!(
            return_comment(" Add the date. ").as_deref(),
            Ok("Add the date.")
        );
    }

    fn any_actor() -> impl Strategy<Value = Actor> {
        let ids = prop_oneof![Just(AUTHOR), Just(OTHER), Just(Uuid::from_u128(3))];
        let roles = prop_oneof![
            Just(Role::Practitioner),
            Just(Role::Deputy),
            Just(Role::Manager)
        ];
        prop_oneof![
            (ids.clone(), roles).prop_map(|(id, role)| Actor::Staff { id, role }),
            ids.prop_map(|id| Actor::Parent { id }),
        ]
    }

    fn any_action() -> impl Strategy<Value = Action> {
        proptest::sample::select(Action::ALL.to_vec())
    }

    proptest! {
        /// Whatever anyone tries, in any order, an observation in a setting that requires
        /// validation reaches parents only through a validation by a manager or deputy who did
        /// not write it, and nothing but a validator's return reopens a validated one.
        #[test]
        fn nothing_reaches_parents_unvalidated(
            from_home in any::<bool>(),
            steps in proptest::collection::vec((any_actor(), any_action()), 0..40),
        ) {
            let setting = Setting { validation_required: true };
            let mut subject = Subject { status: Status::Draft, author: AUTHOR, from_home };
            for (actor, action) in steps {
                let before = subject.status;
                match next(subject, actor, action, setting) {
                    Ok(None) => break,
                    Ok(Some(after)) => {
                        if after.reaches_parents() && !before.reaches_parents() {
                            prop_assert_eq!(action, Action::Validate);
                            prop_assert!(actor.validates());
                            prop_assert_ne!(match actor { Actor::Staff { id, .. } | Actor::Parent { id } => id }, AUTHOR);
                        }
                        prop_assert_ne!(after, Status::Published, "published without validation");
                        if before == Status::Validated && after != before {
                            prop_assert_eq!(action, Action::Return);
                            prop_assert!(actor.validates());
                        }
                        if action == Action::Edit {
                            prop_assert_eq!(after, before, "an edit never moves it");
                        }
                        subject.status = after;
                    }
                    Err(_) => {}
                }
            }
        }
    }
}

//! The workflow's records — observations and two-year checks — as the server checks them: the
//! same `workflow::next` the tablet ran, for the person who made the change there, so a tablet
//! that skipped it, or was stale, is refused with the reason it then shows against the record.

use super::SyncRefusal;
use crate::observation::{Observation, Tombstone, ready_to_submit};
use crate::progress_check::{self, ProgressCheck};
use crate::workflow::{self, Action, Actor, Refused, Setting, Status, Subject};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// A workflow record as the server holds it, for the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub version: u64,
    pub subject: Subject,
}

/// What a pushed observation body is.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    Observation(Box<Observation>),
    Deleted(Tombstone),
}

impl Incoming {
    /// Reads a pushed body, as JSON text: an observation, or its tombstone.
    pub fn parse(body: &str) -> Result<Incoming, SyncRefusal> {
        if let Ok(o) = serde_json::from_str::<Observation>(body) {
            return Ok(Incoming::Observation(Box::new(o)));
        }
        serde_json::from_str::<Tombstone>(body)
            .map(Incoming::Deleted)
            .map_err(|_| SyncRefusal::Unreadable)
    }
}

/// What any workflow record proposes: whose it is, and the status it would have (None: deleted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proposed {
    pub id: Uuid,
    pub author: Option<Uuid>,
    pub from_home: bool,
    pub status: Option<Status>,
}

/// Checks a pushed observation (or its deletion) against what the server holds. Returns the
/// status it now has on the server (None: deleted).
pub fn check_observation(
    held: Option<Held>,
    op_record: Uuid,
    op_version: u64,
    incoming: &Incoming,
    actor: Actor,
    setting: Setting,
    now: DateTime<Utc>,
) -> Result<Option<Status>, SyncRefusal> {
    let proposed = match incoming {
        Incoming::Observation(o) => Proposed {
            id: o.id,
            author: Some(o.author),
            from_home: o.from_home,
            status: Some(o.status),
        },
        Incoming::Deleted(t) => Proposed {
            id: t.id,
            author: None,
            from_home: false,
            status: None,
        },
    };
    check(
        held,
        op_record,
        op_version,
        proposed,
        actor,
        setting,
        || match incoming {
            Incoming::Observation(o) => ready_to_submit(o, now)
                .iter()
                .map(ToString::to_string)
                .collect(),
            Incoming::Deleted(_) => Vec::new(),
        },
    )
}

/// Checks a pushed two-year check against what the server holds; `born` is the child's date of
/// birth (None: a child the server does not know).
pub fn check_progress_check(
    held: Option<Held>,
    op_record: Uuid,
    op_version: u64,
    incoming: &ProgressCheck,
    born: Option<NaiveDate>,
    actor: Actor,
    setting: Setting,
) -> Result<Option<Status>, SyncRefusal> {
    let born = born.ok_or(SyncRefusal::UnknownChild)?;
    let proposed = Proposed {
        id: incoming.id,
        author: Some(incoming.author),
        from_home: false,
        status: Some(incoming.status),
    };
    check(
        held,
        op_record,
        op_version,
        proposed,
        actor,
        setting,
        || {
            progress_check::ready_to_submit(incoming, born)
                .iter()
                .map(ToString::to_string)
                .collect()
        },
    )
}

/// The workflow, for any record that follows it. `problems` says what stops a submit.
fn check(
    held: Option<Held>,
    op_record: Uuid,
    op_version: u64,
    proposed: Proposed,
    actor: Actor,
    setting: Setting,
    problems: impl FnOnce() -> Vec<String>,
) -> Result<Option<Status>, SyncRefusal> {
    if proposed.id != op_record {
        return Err(SyncRefusal::WrongRecord);
    }
    if let Some(h) = held
        && op_version <= h.version
    {
        return Err(SyncRefusal::Stale);
    }
    let actor_id = match actor {
        Actor::Staff { id, .. } | Actor::Parent { id } => id,
    };
    let from = match (held, proposed.author) {
        (Some(h), Some(author)) => {
            if author != h.subject.author || proposed.from_home != h.subject.from_home {
                return Err(SyncRefusal::AuthorChanged);
            }
            h.subject
        }
        (Some(h), None) => h.subject,
        (None, Some(author)) => {
            // A new record starts as its author's draft, wherever it has got to since.
            if author != actor_id {
                return Err(SyncRefusal::NotTheAuthor);
            }
            Subject {
                status: Status::Draft,
                author,
                from_home: proposed.from_home,
            }
        }
        (None, None) => return Err(SyncRefusal::NothingToDelete),
    };
    let to = proposed.status;
    // The action that takes `from` to `to`: an edit keeps the status.
    let action = match to {
        None => Action::Delete,
        Some(s) if s == from.status => Action::Edit,
        Some(Status::Submitted | Status::Published) if from.status.is_open() => Action::Submit,
        Some(Status::Validated) => Action::Validate,
        Some(Status::Returned) => Action::Return,
        Some(_) => Action::Submit,
    };
    let reached = workflow::next(from, actor, action, setting)?;
    if reached != to {
        return Err(SyncRefusal::Workflow(Refused::NotNow {
            action,
            status: from.status,
        }));
    }
    if action == Action::Submit {
        let problems = problems();
        if !problems.is_empty() {
            return Err(SyncRefusal::Incomplete(problems.join(" ")));
        }
    }
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observation::Incomplete;
    use crate::staff::Role;
    use proptest::prelude::*;

    fn staff(n: u128, role: Role) -> Actor {
        Actor::Staff {
            id: Uuid::from_u128(n),
            role,
        }
    }
    const PRIYA: u128 = 1;
    const SAM: u128 = 2;
    const ON: Setting = Setting {
        validation_required: true,
    };

    fn draft() -> Observation {
        let mut o = Observation::new(
            Uuid::from_u128(9),
            Uuid::from_u128(PRIYA),
            vec![Uuid::from_u128(50)],
            DateTime::<Utc>::MIN_UTC,
        );
        o.text = "Counted seven bricks".into();
        o
    }

    fn held(o: &Observation) -> Held {
        Held {
            version: o.version,
            subject: Subject {
                status: o.status,
                author: o.author,
                from_home: o.from_home,
            },
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::<Utc>::MIN_UTC + chrono::Duration::days(1)
    }

    #[test]
    fn counters_skip_retries_and_refuse_gaps() {
        use crate::sync::{CounterCheck, counter};
        assert_eq!(counter(0, 1), CounterCheck::Next);
        assert_eq!(counter(4, 3), CounterCheck::Applied);
        assert_eq!(counter(4, 4), CounterCheck::Applied);
        assert_eq!(counter(4, 5), CounterCheck::Next);
        assert_eq!(counter(4, 7), CounterCheck::Gap { expected: 5 });
    }

    #[test]
    fn a_new_draft_and_its_submission_are_taken_from_their_author() {
        let o = draft();
        let priya = staff(PRIYA, Role::Practitioner);
        let got = check_observation(
            None,
            o.id,
            1,
            &Incoming::Observation(Box::new(o.clone())),
            priya,
            ON,
            now(),
        );
        assert_eq!(got, Ok(Some(Status::Draft)));
        // Written and submitted offline: arrives already submitted.
        let mut sent = o.clone();
        sent.status = Status::Submitted;
        let got = check_observation(
            None,
            o.id,
            3,
            &Incoming::Observation(Box::new(sent)),
            priya,
            ON,
            now(),
        );
        assert_eq!(got, Ok(Some(Status::Submitted)));
        // Someone else's new observation is not Sam's to create.
        let got = check_observation(
            None,
            o.id,
            1,
            &Incoming::Observation(Box::new(o)),
            staff(SAM, Role::Manager),
            ON,
            now(),
        );
        assert_eq!(got, Err(SyncRefusal::NotTheAuthor));
    }

    #[test]
    fn a_stale_edit_of_a_validated_observation_is_refused() {
        let mut o = draft();
        o.status = Status::Validated;
        o.version = 5;
        let h = held(&o);
        let mut edit = o.clone();
        edit.status = Status::Submitted;
        edit.version = 4;
        let priya = staff(PRIYA, Role::Practitioner);
        assert_eq!(
            check_observation(
                Some(h),
                o.id,
                4,
                &Incoming::Observation(Box::new(edit.clone())),
                priya,
                ON,
                now()
            ),
            Err(SyncRefusal::Stale)
        );
        edit.status = Status::Validated;
        edit.version = 6;
        edit.text.push_str(" and then some");
        assert_eq!(
            check_observation(
                Some(h),
                o.id,
                6,
                &Incoming::Observation(Box::new(edit)),
                priya,
                ON,
                now()
            ),
            Err(SyncRefusal::Workflow(Refused::Locked))
        );
    }

    #[test]
    fn validating_needs_a_validator_and_not_the_author() {
        let mut o = draft();
        o.status = Status::Submitted;
        o.version = 2;
        let h = held(&o);
        let mut v = o.clone();
        v.status = Status::Validated;
        v.version = 3;
        let incoming = Incoming::Observation(Box::new(v));
        assert_eq!(
            check_observation(
                Some(h),
                o.id,
                3,
                &incoming,
                staff(PRIYA, Role::Practitioner),
                ON,
                now()
            ),
            Err(SyncRefusal::Workflow(Refused::NotAValidator))
        );
        assert_eq!(
            check_observation(
                Some(h),
                o.id,
                3,
                &incoming,
                staff(SAM, Role::Manager),
                ON,
                now()
            ),
            Ok(Some(Status::Validated))
        );
    }

    #[test]
    fn an_incomplete_submission_is_refused_with_its_reasons() {
        let mut o = draft();
        o.text.clear();
        o.status = Status::Submitted;
        let got = check_observation(
            None,
            o.id,
            2,
            &Incoming::Observation(Box::new(o)),
            staff(PRIYA, Role::Practitioner),
            ON,
            now(),
        );
        let Err(SyncRefusal::Incomplete(problems)) = got else {
            panic!("expected the submit checks, got {got:?}");
        };
        assert_eq!(problems, Incomplete::Empty.to_string());
    }

    #[test]
    fn deleting_a_draft_on_the_server_and_nothing_else() {
        let o = draft();
        let gone = Incoming::Deleted(Tombstone {
            id: o.id,
            deleted_by: o.author,
            deleted_at: now(),
        });
        let priya = staff(PRIYA, Role::Practitioner);
        assert_eq!(
            check_observation(Some(held(&o)), o.id, 2, &gone, priya, ON, now()),
            Ok(None)
        );
        assert_eq!(
            check_observation(None, o.id, 2, &gone, priya, ON, now()),
            Err(SyncRefusal::NothingToDelete)
        );
        let mut sub = o.clone();
        sub.status = Status::Submitted;
        assert!(check_observation(Some(held(&sub)), o.id, 2, &gone, priya, ON, now()).is_err());
    }

    #[test]
    fn a_body_for_another_record_or_of_another_author_is_refused() {
        let o = draft();
        let priya = staff(PRIYA, Role::Practitioner);
        assert_eq!(
            check_observation(
                None,
                Uuid::from_u128(77),
                1,
                &Incoming::Observation(Box::new(o.clone())),
                priya,
                ON,
                now()
            ),
            Err(SyncRefusal::WrongRecord)
        );
        let mut other = o.clone();
        other.author = Uuid::from_u128(SAM);
        other.version = 2;
        assert_eq!(
            check_observation(
                Some(held(&o)),
                o.id,
                2,
                &Incoming::Observation(Box::new(other)),
                staff(SAM, Role::Manager),
                ON,
                now()
            ),
            Err(SyncRefusal::AuthorChanged)
        );
    }

    fn status() -> impl Strategy<Value = Status> {
        prop_oneof![
            Just(Status::Draft),
            Just(Status::Submitted),
            Just(Status::Returned),
            Just(Status::Validated),
            Just(Status::Published),
        ]
    }

    proptest! {
        /// Whatever a tablet pushes, the server never takes an observation into Published or
        /// Validated from a draft when validation is required, and never from a practitioner.
        #[test]
        fn nothing_skips_validation_through_sync(from in status(), to in status(), author_is_actor in any::<bool>()) {
            let mut o = draft();
            o.status = from;
            o.version = 3;
            let h = held(&o);
            let mut sent = o.clone();
            sent.status = to;
            sent.version = 4;
            let actor = if author_is_actor { staff(PRIYA, Role::Practitioner) } else { staff(3, Role::Practitioner) };
            let got = check_observation(Some(h), o.id, 4, &Incoming::Observation(Box::new(sent)), actor, ON, now());
            if let Ok(Some(s)) = got {
                prop_assert!(!(from != Status::Published && from != Status::Validated && matches!(s, Status::Published | Status::Validated)),
                    "a practitioner took {from:?} to {s:?}");
            }
        }
    }
}

//! A tablet meeting a server restored from a backup (issue 17). Each server's history has its
//! own random id, and a restore gives the restored folder a new one. A tablet that sees a new id
//! compares what the server now says it holds of it with what the server had answered before:
//! if the server lacks nothing the tablet was told it had, the tablet carries on; otherwise it
//! sends back everything it holds that the server once kept and has lost, with the server's own
//! receipt for each version (a MAC only the server can make), before anything else moves.
//! Until that is done it keeps everything, so no receipt it shows is false and no photo leaves
//! it on the word of a server that no longer holds it.

use super::RecordKind;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `GET /api/sync/standing` (a signed tablet): the server's history id and what it holds of
/// this tablet's work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStanding {
    /// Hex; new for every server and every restore.
    pub history: String,
    /// The last of this tablet's changes the server answered.
    pub last_counter: u64,
    /// The server's newest sequence number (pull's checkpoints count these).
    pub last_seq: u64,
    /// The newest sequence number a restored server held from its backup (its newest, if it was
    /// never restored). A tablet that pulled past it may hold records the server lost; and what
    /// tablets send back after the restore is numbered from it, so a tablet pulls again from
    /// there, however far the server's numbers have since come.
    #[serde(default)]
    pub restored_at: u64,
}

/// What the tablet does about the server's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meeting {
    /// The server it knows: carry on.
    Same,
    /// A server it has not met, or a restored one that lacks nothing of what it answered this
    /// tablet or handed it: remember the new history and carry on.
    Adopt,
    /// A restored server that lost some of this tablet's answered changes, or records the tablet
    /// pulled: stop, keep everything.
    Lost,
}

/// The last change of this tablet's the server has answered: every counter up to the last one
/// given, but for those still waiting in the outbox (always the newest, since pushes go in
/// order and are answered in order).
pub fn answered_up_to(last_given: u64, waiting: impl IntoIterator<Item = u64>) -> u64 {
    waiting.into_iter().min().map_or(last_given, |oldest| {
        oldest.saturating_sub(1).min(last_given)
    })
}

pub fn meet(known: Option<&str>, server: &SyncStanding, answered: u64, checkpoint: u64) -> Meeting {
    match known {
        Some(h) if h == server.history => Meeting::Same,
        None => Meeting::Adopt,
        Some(_) if server.last_counter >= answered && server.restored_at >= checkpoint => {
            Meeting::Adopt
        }
        Some(_) => Meeting::Lost,
    }
}

/// Most records in one `lacks` question or one `resend` batch.
pub const RESEND_MAX: usize = 200;

/// A version of a record this tablet holds exactly as the server once kept it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeldHere {
    pub kind: RecordKind,
    pub id: Uuid,
    #[serde(deserialize_with = "crate::api::stored_number")]
    pub version: u64,
}

/// `POST /api/sync/lacks`: which of these the server does not hold (at that version or newer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LacksRequest {
    pub records: Vec<HeldHere>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LacksAnswer {
    pub lacking: Vec<Uuid>,
}

/// A record sent back to a restored server: its body as the server kept it, with the receipt
/// the server gave for that version (on push or on pull).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resent {
    pub kind: RecordKind,
    pub id: Uuid,
    #[serde(deserialize_with = "crate::api::stored_number")]
    pub version: u64,
    pub body: serde_json::Value,
    pub receipt: String,
}

/// `POST /api/sync/resend`. `answered` goes with the last batch only: the tablet's changes the
/// server had answered, all now accounted for, so the server expects the next one after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResendRequest {
    pub records: Vec<Resent>,
    #[serde(default)]
    pub answered: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ResendOutcome {
    /// Kept again, at this sequence number.
    Restored { seq: u64 },
    /// The server holds this version or a newer one (another tablet sent it back first).
    AlreadyHeld,
    /// Not taken back, with the reason to show.
    Refused { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResentAnswer {
    pub id: Uuid,
    #[serde(flatten)]
    pub outcome: ResendOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResendAnswer {
    pub answers: Vec<ResentAnswer>,
}

/// Whether a server holding `held` of a record lacks `version` of it. Versions of a record only
/// grow, and each body is the whole record, so keeping the highest version any tablet sends
/// back ends where the lost server was, whatever order the tablets come back in.
pub fn lacks(held: Option<u64>, version: u64) -> bool {
    held.is_none_or(|h| h < version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn standing(history: &str, last_counter: u64, restored_at: u64) -> SyncStanding {
        SyncStanding {
            history: history.into(),
            last_counter,
            // Tablets sending back what it lost have moved its numbers on since: no matter.
            last_seq: restored_at + 700,
            restored_at,
        }
    }

    #[test]
    fn a_restored_server_that_lost_answered_work_stops_the_tablet() {
        // Answered up to 120 and pulled up to 5000; restored from a backup holding 100 and 4000.
        let restored = standing("b", 100, 4000);
        assert_eq!(meet(Some("a"), &restored, 120, 5000), Meeting::Lost);
        assert_eq!(meet(Some("a"), &restored, 100, 5000), Meeting::Lost);
        assert_eq!(meet(Some("a"), &restored, 120, 4000), Meeting::Lost);
        // A tablet that did nothing since the backup carries on.
        assert_eq!(meet(Some("a"), &restored, 100, 4000), Meeting::Adopt);
        assert_eq!(meet(Some("a"), &restored, 90, 3500), Meeting::Adopt);
        // The server it knows, or its first meeting.
        assert_eq!(meet(Some("b"), &restored, 500, 9000), Meeting::Same);
        assert_eq!(meet(None, &restored, 500, 9000), Meeting::Adopt);
    }

    #[test]
    fn a_server_lacks_only_what_is_newer_than_it_holds() {
        assert!(lacks(None, 1));
        assert!(lacks(Some(2), 3));
        assert!(!lacks(Some(3), 3), "the same version: kept once");
        assert!(!lacks(Some(4), 3), "a newer one came back first");
    }

    #[test]
    fn answered_is_everything_before_the_oldest_waiting_change() {
        assert_eq!(answered_up_to(0, []), 0);
        assert_eq!(answered_up_to(42, []), 42);
        assert_eq!(answered_up_to(42, [40, 41, 42]), 39);
        assert_eq!(answered_up_to(42, [1]), 0);
    }

    proptest! {
        /// Tablets come back in any order, each with the versions it holds of one record: the
        /// server ends at the highest, keeps each at most once and never goes backwards.
        #[test]
        fn sent_back_in_any_order_the_server_ends_at_the_newest(
            restored in proptest::option::of(0u64..5),
            mut sent in proptest::collection::vec(0u64..10, 0..8),
            seed in any::<u64>(),
        ) {
            let mut order = seed;
            for i in (1..sent.len()).rev() {
                order = order.wrapping_mul(6364136223846793005).wrapping_add(1);
                sent.swap(i, (order % (i as u64 + 1)) as usize);
            }
            let mut held = restored;
            let mut kept = Vec::new();
            for v in &sent {
                if lacks(held, *v) {
                    prop_assert!(held.is_none_or(|h| h < *v), "never backwards");
                    held = Some(*v);
                    kept.push(*v);
                }
            }
            let newest = sent.iter().copied().chain(restored).max();
            prop_assert_eq!(held, newest);
            let mut unique = kept.clone();
            unique.dedup();
            prop_assert_eq!(unique, kept);
        }

        #[test]
        fn never_carries_on_past_a_server_that_lacks_what_it_answered(
            answered in 0u64..1000, checkpoint in 0u64..1000,
            held in 0u64..1000, seq in 0u64..1000,
        ) {
            let m = meet(Some("old"), &standing("new", held, seq), answered, checkpoint);
            prop_assert_eq!(m == Meeting::Lost, held < answered || seq < checkpoint);
        }
    }
}

//! A tablet meeting a server restored from a backup (issue 17). Each server's history has its
//! own random id, and a restore gives the restored folder a new one. A tablet that sees a new id
//! compares what the server now says it holds of it with what the server had answered before:
//! if the server lacks nothing the tablet was told it had, the tablet carries on; otherwise it
//! stops syncing and keeps everything, so no receipt it shows is false and no photo leaves it on
//! the word of a server that no longer holds it.

use serde::{Deserialize, Serialize};

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
        Some(_) if server.last_counter >= answered && server.last_seq >= checkpoint => {
            Meeting::Adopt
        }
        Some(_) => Meeting::Lost,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn standing(history: &str, last_counter: u64, last_seq: u64) -> SyncStanding {
        SyncStanding {
            history: history.into(),
            last_counter,
            last_seq,
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
    fn answered_is_everything_before_the_oldest_waiting_change() {
        assert_eq!(answered_up_to(0, []), 0);
        assert_eq!(answered_up_to(42, []), 42);
        assert_eq!(answered_up_to(42, [40, 41, 42]), 39);
        assert_eq!(answered_up_to(42, [1]), 0);
    }

    proptest! {
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

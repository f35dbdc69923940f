//! When a tablet locks itself, and how long a wrong passphrase makes the next try wait.
//!
//! The app runs the timers; these are the numbers and the rules, so the manager's settings
//! screen, the server that stores the choice and the lock screen agree.

use thiserror::Error;

/// Minutes without a touch before a tablet locks, unless the setting chooses otherwise.
pub const DEFAULT_LOCK_AFTER_MINUTES: u32 = 5;
/// The range a manager may choose: a tablet left unlocked for longer is a tablet left open.
pub const MIN_LOCK_AFTER_MINUTES: u32 = 1;
pub const MAX_LOCK_AFTER_MINUTES: u32 = 30;
/// A tablet put away (the app hidden) for longer than this locks, however recent the last touch.
pub const HIDDEN_LOCK_AFTER_SECONDS: u32 = 60;

/// Wrong passphrases allowed before the lock screen makes people wait.
pub const FREE_TRIES: u32 = 3;
/// The first wait, doubled with every further wrong passphrase, up to the longest.
pub const FIRST_WAIT_SECONDS: u64 = 5;
pub const LONGEST_WAIT_SECONDS: u64 = 5 * 60;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LockAfterError {
    #[error(
        "Choose between {MIN_LOCK_AFTER_MINUTES} and {MAX_LOCK_AFTER_MINUTES} minutes: a tablet left unlocked for longer could show children’s records to anyone who picks it up."
    )]
    OutOfRange,
}

/// Checks a manager's choice of idle-lock time.
pub fn check_lock_after(minutes: u32) -> Result<u32, LockAfterError> {
    if (MIN_LOCK_AFTER_MINUTES..=MAX_LOCK_AFTER_MINUTES).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(LockAfterError::OutOfRange)
    }
}

/// Seconds to wait before the next unlock attempt, after `failures` wrong passphrases in a row.
/// The first few are free (people mistype); then the wait doubles, so guessing a passphrase by
/// hand on a stolen tablet takes years while a flustered key person loses seconds.
pub fn unlock_wait_seconds(failures: u32) -> u64 {
    if failures < FREE_TRIES {
        return 0;
    }
    let doublings = (failures - FREE_TRIES).min(16);
    FIRST_WAIT_SECONDS
        .saturating_mul(1 << doublings)
        .min(LONGEST_WAIT_SECONDS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_default_is_a_valid_choice() {
        assert_eq!(check_lock_after(DEFAULT_LOCK_AFTER_MINUTES), Ok(5));
    }

    #[test]
    fn lock_times_outside_the_range_are_refused_with_a_reason() {
        assert_eq!(check_lock_after(0), Err(LockAfterError::OutOfRange));
        assert_eq!(check_lock_after(31), Err(LockAfterError::OutOfRange));
        assert_eq!(check_lock_after(1), Ok(1));
        assert_eq!(check_lock_after(30), Ok(30));
        assert!(
            LockAfterError::OutOfRange
                .to_string()
                .contains("between 1 and 30 minutes")
        );
    }

    #[test]
    fn the_first_wrong_passphrases_cost_nothing_then_the_wait_doubles() {
        assert_eq!(unlock_wait_seconds(0), 0);
        assert_eq!(unlock_wait_seconds(2), 0);
        assert_eq!(unlock_wait_seconds(3), 5);
        assert_eq!(unlock_wait_seconds(4), 10);
        assert_eq!(unlock_wait_seconds(5), 20);
        assert_eq!(unlock_wait_seconds(9), 300);
        assert_eq!(unlock_wait_seconds(u32::MAX), 300);
    }

    proptest! {
        #[test]
        fn the_wait_never_shrinks_and_never_exceeds_the_longest(n in 0u32..10_000) {
            prop_assert!(unlock_wait_seconds(n) <= unlock_wait_seconds(n + 1));
            prop_assert!(unlock_wait_seconds(n) <= LONGEST_WAIT_SECONDS);
        }
    }
}

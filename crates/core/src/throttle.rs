//! Sliding-window limits on failed attempts (sign-in, set-up code, invite codes).
//!
//! The server keeps one `Throttle` per account and one per address; this module decides, given
//! the time, whether another attempt may be made and, if not, for how long to wait.

use chrono::{DateTime, Duration, Utc};
use std::collections::VecDeque;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failures allowed inside `window` before further attempts are refused.
    pub max_failures: usize,
    pub window: Duration,
}

impl Policy {
    /// Per account: a guesser gets 5 tries in 15 minutes, a person who forgot gets the hint.
    pub const ACCOUNT: Policy = Policy {
        max_failures: 5,
        window: Duration::minutes(15),
    };
    /// Per address: a tablet shared by a room of staff may mistype more often.
    pub const ADDRESS: Policy = Policy {
        max_failures: 20,
        window: Duration::minutes(15),
    };
}

#[derive(Debug, Clone, Default)]
pub struct Throttle {
    failures: VecDeque<DateTime<Utc>>,
}

impl Throttle {
    /// `Ok` if an attempt may be made now, otherwise how long until the next one may.
    pub fn check(&mut self, now: DateTime<Utc>, policy: Policy) -> Result<(), Duration> {
        self.forget_before(now - policy.window);
        if self.failures.len() < policy.max_failures {
            return Ok(());
        }
        let oldest = self.failures[self.failures.len() - policy.max_failures];
        Err((oldest + policy.window - now).max(Duration::seconds(1)))
    }

    pub fn record_failure(&mut self, now: DateTime<Utc>, policy: Policy) {
        self.forget_before(now - policy.window);
        self.failures.push_back(now);
    }

    /// True once nothing is remembered, so the owner can drop the entry.
    pub fn is_idle(&mut self, now: DateTime<Utc>, policy: Policy) -> bool {
        self.forget_before(now - policy.window);
        self.failures.is_empty()
    }

    fn forget_before(&mut self, cutoff: DateTime<Utc>) {
        while self.failures.front().is_some_and(|t| *t <= cutoff) {
            self.failures.pop_front();
        }
    }
}

/// "15 minutes", "1 minute", "30 seconds": how long to wait, for a person.
pub fn wait_label(wait: Duration) -> String {
    let secs = wait.num_seconds().max(1);
    if secs < 60 {
        return format!("{secs} second{}", if secs == 1 { "" } else { "s" });
    }
    let mins = (secs + 59) / 60;
    format!("{mins} minute{}", if mins == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn allows_up_to_the_limit_then_refuses_until_the_window_passes() {
        let p = Policy {
            max_failures: 3,
            window: Duration::minutes(10),
        };
        let mut th = Throttle::default();
        for i in 0..3 {
            assert_eq!(th.check(t(i), p), Ok(()));
            th.record_failure(t(i), p);
        }
        assert_eq!(th.check(t(5), p), Err(Duration::seconds(595)));
        // The first failure slides out of the window at t=600.
        assert_eq!(th.check(t(600), p), Ok(()));
    }

    #[test]
    fn labels_waits() {
        assert_eq!(wait_label(Duration::seconds(1)), "1 second");
        assert_eq!(wait_label(Duration::seconds(61)), "2 minutes");
        assert_eq!(wait_label(Duration::minutes(15)), "15 minutes");
    }

    proptest! {
        #[test]
        fn never_more_than_max_failures_inside_any_window(gaps in proptest::collection::vec(0i64..400, 1..60)) {
            let p = Policy { max_failures: 5, window: Duration::minutes(15) };
            let mut th = Throttle::default();
            let mut now = 0;
            let mut accepted: Vec<i64> = Vec::new();
            for gap in gaps {
                now += gap;
                if th.check(t(now), p).is_ok() {
                    th.record_failure(t(now), p);
                    accepted.push(now);
                }
            }
            for (i, start) in accepted.iter().enumerate() {
                let inside = accepted[i..].iter().filter(|x| **x < start + 900).count();
                prop_assert!(inside <= 5);
            }
        }
    }
}

//! A member of staff's session on the server: when it ends, and when its last use is worth
//! writing down again.
//!
//! Every request checks its session. Writing the time of every request would make each one a
//! database write, queued behind every tablet's sync on the server's single writer; the time is
//! written again once it is a thirtieth of the idle limit old (a minute of a half-hour limit).
//! A session can therefore end up to that much before the exact idle limit, never after it.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionCheck {
    /// Unused for longer than the idle limit, or older than its lifetime: it ends now.
    Ended,
    /// Live, and its last use should be written down again.
    Touch,
    /// Live, and its last use was written down recently enough.
    Live,
}

/// How old the recorded last use may grow before it is written again.
pub fn touch_every(idle: Duration) -> Duration {
    idle / 30
}

/// Checks a session opened at `created_at`, last recorded in use at `last_seen_at`, at `now`.
pub fn check(
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    now: DateTime<Utc>,
    idle: Duration,
    lifetime: Duration,
) -> SessionCheck {
    if now - last_seen_at > idle || now - created_at > lifetime {
        SessionCheck::Ended
    } else if now - last_seen_at >= touch_every(idle) {
        SessionCheck::Touch
    } else {
        SessionCheck::Live
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000 + seconds, 0).unwrap_or_default()
    }

    const IDLE: i64 = 30 * 60;
    const LIFETIME: i64 = 12 * 60 * 60;

    fn check_at(created: i64, seen: i64, now: i64) -> SessionCheck {
        check(
            at(created),
            at(seen),
            at(now),
            Duration::seconds(IDLE),
            Duration::seconds(LIFETIME),
        )
    }

    #[test]
    fn a_session_used_moments_ago_is_not_written_again() {
        assert_eq!(check_at(0, 0, 59), SessionCheck::Live);
        assert_eq!(check_at(0, 0, 60), SessionCheck::Touch);
    }

    #[test]
    fn idle_past_the_limit_or_past_its_lifetime_ends_it() {
        assert_eq!(check_at(0, 0, IDLE), SessionCheck::Touch);
        assert_eq!(check_at(0, 0, IDLE + 1), SessionCheck::Ended);
        assert_eq!(check_at(0, LIFETIME, LIFETIME + 1), SessionCheck::Ended);
    }

    proptest! {
        /// Used again within the idle limit less the touch interval, each time, a session lives
        /// until its lifetime, and never past it.
        #[test]
        fn steady_use_keeps_a_session_until_its_lifetime(
            gaps in prop::collection::vec(0..(IDLE - IDLE / 30), 1..200)
        ) {
            let (mut seen, mut now) = (0, 0);
            for gap in gaps {
                now += gap;
                match check_at(0, seen, now) {
                    SessionCheck::Ended => {
                        prop_assert!(now > LIFETIME, "ended at {now}, last seen {seen}");
                        break;
                    }
                    SessionCheck::Touch => seen = now,
                    SessionCheck::Live => prop_assert!(now - seen < IDLE / 30),
                }
            }
        }

        /// Whatever was written down, a session unused for longer than the idle limit has ended.
        #[test]
        fn never_live_past_the_idle_limit(seen in 0..LIFETIME, later in 0..(2 * IDLE)) {
            let outcome = check_at(0, seen, seen + later);
            prop_assert_eq!(outcome == SessionCheck::Ended, later > IDLE || seen + later > LIFETIME);
        }
    }
}

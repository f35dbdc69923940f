//! Backups of the premises server: when the nightly one is due, which files are kept, what the
//! manager is told about the last one, and the recovery key as a person types it.
//!
//! The server makes and restores backups (I/O); the rules about them are here so the manager's
//! screen, the server's schedule and the command line agree.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// How many nightly backups stay in the backup folder; older ones are removed after a new one
/// is written whole.
pub const KEEP: usize = 14;

/// The setting's local time at which the nightly backup runs (tablets are asleep).
pub const NIGHTLY_AT: NaiveTime = match NaiveTime::from_hms_opt(1, 0, 0) {
    Some(t) => t,
    None => panic!("01:00 is a time"),
};

/// A backup older than this, or none at all since backups were set up, is a warning.
pub fn too_old() -> Duration {
    Duration::days(2)
}

/// Whether the nightly backup should run now: the last attempt (successful or not) was before
/// the most recent [`NIGHTLY_AT`] in the setting's local time. A server switched on at 09:00
/// after a night off makes the backup it missed.
pub fn due(now_local: NaiveDateTime, last_attempt_local: Option<NaiveDateTime>) -> bool {
    let today = now_local.date().and_time(NIGHTLY_AT);
    let last_run_time = if now_local >= today {
        today
    } else {
        today - Duration::days(1)
    };
    last_attempt_local.is_none_or(|last| last < last_run_time)
}

const PREFIX: &str = "burrow-backup-";
const SUFFIX: &str = ".age";

/// A backup file's name: when it was made, in UTC to the second, so names sort by time and
/// never name the setting or a child.
pub fn file_name(made_at: DateTime<Utc>) -> String {
    format!("{PREFIX}{}{SUFFIX}", made_at.format("%Y-%m-%d-%H%M%S"))
}

/// When a file named by [`file_name`] was made; `None` for any other file in the folder.
pub fn made_at(name: &str) -> Option<DateTime<Utc>> {
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (date, time) = stamp.split_at_checked(10)?;
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let time = NaiveTime::parse_from_str(time.strip_prefix('-')?, "%H%M%S").ok()?;
    Some(date.and_time(time).and_utc())
}

/// Which of the folder's files to remove so that the newest `keep` backups stay. Files that are
/// not Burrow backups are never named.
pub fn to_remove(names: &[String], keep: usize) -> Vec<String> {
    let mut ours: Vec<(DateTime<Utc>, &String)> = names
        .iter()
        .filter_map(|n| made_at(n).map(|t| (t, n)))
        .collect();
    ours.sort();
    let excess = ours.len().saturating_sub(keep);
    ours.into_iter()
        .take(excess)
        .map(|(_, n)| n.clone())
        .collect()
}

/// What happened the last time a backup was tried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    /// `None` when it was written whole; otherwise why not, in words for the manager.
    pub failed: Option<String>,
    /// The file's size, when written.
    pub size: Option<u64>,
}

/// Where backups stand, for the manager's screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "standing", rename_all = "snake_case")]
pub enum Standing {
    /// No recovery key or no folder yet.
    Off,
    /// Set up, and the first one has not run yet.
    NotYet,
    /// The last backup is recent.
    Fine { at: DateTime<Utc>, size: u64 },
    /// The last good backup is older than [`too_old`] (or there never was one) and nothing
    /// failed since: the server was off, most likely.
    Old { last_good: Option<DateTime<Utc>> },
    /// The last attempt failed.
    Failed {
        at: DateTime<Utc>,
        why: String,
        last_good: Option<DateTime<Utc>>,
    },
}

impl Standing {
    /// Whether the manager's screen shows it as a warning.
    pub fn warns(&self) -> bool {
        matches!(self, Standing::Old { .. } | Standing::Failed { .. })
    }
}

/// Where backups stand, from whether they are set up, the last good backup and the last attempt.
pub fn standing(
    now: DateTime<Utc>,
    set_up: Option<DateTime<Utc>>,
    last_good: Option<(DateTime<Utc>, u64)>,
    last_attempt: Option<&Attempt>,
) -> Standing {
    let Some(set_up) = set_up else {
        return Standing::Off;
    };
    if let Some(Attempt {
        at,
        failed: Some(why),
        ..
    }) = last_attempt
    {
        return Standing::Failed {
            at: *at,
            why: why.clone(),
            last_good: last_good.map(|(t, _)| t),
        };
    }
    match last_good {
        Some((at, size)) if now - at <= too_old() => Standing::Fine { at, size },
        Some((at, _)) => Standing::Old {
            last_good: Some(at),
        },
        None if now - set_up > too_old() => Standing::Old { last_good: None },
        None => Standing::NotYet,
    }
}

/// An age recovery key as printed: `AGE-SECRET-KEY-1` and 58 more letters and digits.
pub const RECOVERY_KEY_LEN: usize = 74;
const KEY_PREFIX: &str = "AGE-SECRET-KEY-1";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecoveryKeyError {
    #[error(
        "That is not a recovery key. It starts AGE-SECRET-KEY-1 and is 74 letters and digits long; check it against the printed copy."
    )]
    NotAKey,
}

/// The recovery key as someone typed it from paper: spaces and line breaks taken out, and
/// capitals (the format does not care about case, the decoder does).
pub fn read_recovery_key(typed: &str) -> Result<String, RecoveryKeyError> {
    let key: String = typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let ok = key.len() == RECOVERY_KEY_LEN
        && key.starts_with(KEY_PREFIX)
        && key[KEY_PREFIX.len()..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(key)
    } else {
        Err(RecoveryKeyError::NotAKey)
    }
}

/// The recovery key in groups of six after its prefix, easier to copy onto paper and back.
pub fn grouped(key: &str) -> String {
    let (prefix, rest) = key.split_at(KEY_PREFIX.len().min(key.len()));
    let groups: Vec<String> = rest
        .as_bytes()
        .chunks(6)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    format!("{prefix} {}", groups.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_nightly_backup_is_due_once_after_one_in_the_morning() {
        assert!(due(at("2026-12-05 09:00"), None));
        assert!(due(at("2026-12-05 01:00"), Some(at("2026-12-04 01:00"))));
        assert!(!due(at("2026-12-05 01:05"), Some(at("2026-12-05 01:00"))));
        assert!(!due(at("2026-12-05 23:59"), Some(at("2026-12-05 01:00"))));
        // Before one: last night's is the one that counts.
        assert!(!due(at("2026-12-05 00:30"), Some(at("2026-12-04 01:02"))));
        assert!(due(at("2026-12-05 00:30"), Some(at("2026-12-03 23:00"))));
        // Switched on in the morning after a night off: the missed one runs.
        assert!(due(at("2026-12-05 08:00"), Some(at("2026-12-04 16:00"))));
    }

    #[test]
    fn names_say_when_and_nothing_else() {
        let t = DateTime::parse_from_rfc3339("2026-12-05T01:00:07Z")
            .unwrap()
            .to_utc();
        assert_eq!(file_name(t), "burrow-backup-2026-12-05-010007.age");
        assert_eq!(made_at(&file_name(t)), Some(t));
        for other in [
            "notes.txt",
            "burrow-backup-2026-12-05.age",
            "burrow-backup-2026-13-05-010007.age",
            "burrow-backup-2026-12-05-010007.age.partial",
            "burrow-backup-2026-12-05x010007.age",
        ] {
            assert_eq!(made_at(other), None, "{other}");
        }
    }

    proptest! {
        #[test]
        fn the_newest_are_kept_and_nothing_else_is_touched(
            stamps in proptest::collection::btree_set(0i64..10_000_000, 0..40),
            others in proptest::collection::vec("[a-z]{1,8}\\.txt", 0..4),
            keep in 1usize..20,
        ) {
            let base = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap().to_utc();
            let times: Vec<_> = stamps.iter().map(|s| base + Duration::seconds(*s)).collect();
            let mut names: Vec<String> = times.iter().map(|t| file_name(*t)).collect();
            names.extend(others.iter().cloned());
            names.reverse();
            let removed = to_remove(&names, keep);
            prop_assert_eq!(removed.len(), times.len().saturating_sub(keep));
            for r in &removed {
                prop_assert!(made_at(r).is_some());
            }
            let newest_removed = removed.iter().filter_map(|r| made_at(r)).max();
            let oldest_kept = names.iter().filter(|n| !removed.contains(n)).filter_map(|n| made_at(n)).min();
            if let (Some(r), Some(k)) = (newest_removed, oldest_kept) {
                prop_assert!(r < k);
            }
        }

        #[test]
        fn a_typed_key_reads_back_whatever_the_spacing(key in "[0-9A-Z]{58}", lower in any::<bool>()) {
            let key = format!("{KEY_PREFIX}{key}");
            let printed = grouped(&key);
            let typed = if lower { printed.to_lowercase() } else { printed.clone() };
            prop_assert_eq!(read_recovery_key(&typed), Ok(key));
        }
    }

    #[test]
    fn a_wrong_key_is_refused_in_words() {
        for typed in [
            "",
            "AGE-SECRET-KEY-1",
            "AGE-PUBLIC-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ",
            "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ-Q",
        ] {
            assert_eq!(read_recovery_key(typed), Err(RecoveryKeyError::NotAKey));
        }
    }

    #[test]
    fn the_manager_is_warned_of_an_old_or_failed_backup() {
        let now = DateTime::parse_from_rfc3339("2026-12-05T12:00:00Z")
            .unwrap()
            .to_utc();
        let h = Duration::hours;
        assert_eq!(standing(now, None, None, None), Standing::Off);
        assert_eq!(
            standing(now, Some(now - h(3)), None, None),
            Standing::NotYet
        );
        assert_eq!(
            standing(now, Some(now - h(72)), None, None),
            Standing::Old { last_good: None }
        );
        let good = Attempt {
            at: now - h(11),
            failed: None,
            size: Some(42),
        };
        assert_eq!(
            standing(now, Some(now - h(72)), Some((now - h(11), 42)), Some(&good)),
            Standing::Fine {
                at: now - h(11),
                size: 42
            }
        );
        assert!(standing(now, Some(now - h(99)), Some((now - h(49), 42)), Some(&good)).warns());
        let failed = Attempt {
            at: now - h(1),
            failed: Some("the folder is full".into()),
            size: None,
        };
        let s = standing(
            now,
            Some(now - h(99)),
            Some((now - h(25), 42)),
            Some(&failed),
        );
        assert!(s.warns());
        assert_eq!(
            s,
            Standing::Failed {
                at: now - h(1),
                why: "the folder is full".into(),
                last_good: Some(now - h(25))
            }
        );
    }
}

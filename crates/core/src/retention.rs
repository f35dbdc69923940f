//! How long a tablet keeps photos (DESIGN §2 rule 7; issue 16). The settings' policies: photos
//! "must be downloaded or deleted every half term". A manager enters the half terms of the year,
//! or chooses "the last N weeks"; a tablet keeps the photos of the current window and lets go
//! of older ones once the server holds them.
//!
//! Half terms are entered as periods that follow each other with no gap (a half term runs to
//! the day before the next one starts, its holiday included), so every day of the year falls
//! in exactly one.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A window shorter than a week would purge photos taken this week.
pub const MIN_DAYS: u64 = 7;
/// "The last N weeks": at most a year.
pub const MAX_WEEKS: u32 = 52;
/// A school year's six half terms and the first two of the next.
pub const MAX_TERMS: usize = 8;
/// What a setting that has chosen nothing keeps: roughly a half term.
pub const DEFAULT_WEEKS: u32 = 7;

/// One half term, its first and last day (the last is the day before the next one starts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HalfTerm {
    pub starts: NaiveDate,
    pub ends: NaiveDate,
}

/// The setting's retention window for photos on tablets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Retention {
    /// Photos from the start of the current half term stay on tablets.
    HalfTerms { terms: Vec<HalfTerm> },
    /// Photos from the last `weeks` weeks stay on tablets.
    LastWeeks { weeks: u32 },
}

impl Default for Retention {
    fn default() -> Self {
        Retention::LastWeeks {
            weeks: DEFAULT_WEEKS,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RetentionError {
    #[error("Enter at least one half term, or choose a number of weeks instead.")]
    NoTerms,
    #[error(
        "Enter at most {MAX_TERMS} half terms: the year's six, and the next year's first two if you like."
    )]
    TooManyTerms,
    #[error("Half term {0} ends before it starts. Check its dates.")]
    Backwards(usize),
    #[error("Half term {0} is shorter than a week. Photos would leave the tablets too soon.")]
    TermTooShort(usize),
    #[error("Half term {0} starts before half term {1} ends. Half terms cannot overlap.")]
    Overlap(usize, usize),
    #[error(
        "There is a gap between half term {0} and half term {1}. Let each half term run to the day before the next one starts, its holiday included."
    )]
    Gap(usize, usize),
    #[error("Choose between 1 and {MAX_WEEKS} weeks.")]
    Weeks,
}

impl RetentionError {
    /// The form field the refusal is shown beside.
    pub fn field(&self) -> &'static str {
        match self {
            RetentionError::Weeks => "weeks",
            _ => "terms",
        }
    }
}

/// Whether the window is one a setting may use: half terms in order, each at least a week,
/// following each other with no gap and no overlap; or between 1 and 52 weeks.
pub fn check(retention: &Retention) -> Result<(), RetentionError> {
    match retention {
        Retention::LastWeeks { weeks } => {
            if (1..=MAX_WEEKS).contains(weeks) {
                Ok(())
            } else {
                Err(RetentionError::Weeks)
            }
        }
        Retention::HalfTerms { terms } => {
            if terms.is_empty() {
                return Err(RetentionError::NoTerms);
            }
            if terms.len() > MAX_TERMS {
                return Err(RetentionError::TooManyTerms);
            }
            for (i, term) in terms.iter().enumerate() {
                if term.ends < term.starts {
                    return Err(RetentionError::Backwards(i + 1));
                }
                if (term.ends - term.starts).num_days() + 1 < MIN_DAYS as i64 {
                    return Err(RetentionError::TermTooShort(i + 1));
                }
            }
            for (i, pair) in terms.windows(2).enumerate() {
                let (before, after) = (pair[0], pair[1]);
                if after.starts <= before.ends {
                    return Err(RetentionError::Overlap(i + 2, i + 1));
                }
                if before.ends.checked_add_days(Days::new(1)) != Some(after.starts) {
                    return Err(RetentionError::Gap(i + 1, i + 2));
                }
            }
            Ok(())
        }
    }
}

/// The first day whose photos a tablet keeps on `today` (the server's date, never a tablet's
/// own clock): the start of the half term `today` falls in, or `weeks` weeks ago. None when
/// nothing may go yet (before the first half term entered). After the last half term entered,
/// the last one's start: nothing newer goes until the manager enters the next year's dates.
pub fn keep_from(retention: &Retention, today: NaiveDate) -> Option<NaiveDate> {
    match retention {
        Retention::LastWeeks { weeks } => {
            today.checked_sub_days(Days::new(u64::from((*weeks).max(1)) * 7))
        }
        Retention::HalfTerms { terms } => terms
            .iter()
            .filter(|t| t.starts <= today)
            .map(|t| t.starts)
            .max(),
    }
}

/// `GET /api/setting/photo-retention` (anyone signed in; a manager's `PUT` sends the
/// `Retention` alone and gets this back): the window, the server's date and the first day
/// whose photos tablets keep on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionAnswer {
    pub retention: Retention,
    pub window: PhotoWindow,
}

/// What a tablet is told at every pull: the server's date (a tablet purges by it, never by its
/// own clock) and the first day whose photos it keeps (None: nothing goes yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoWindow {
    pub today: NaiveDate,
    pub keep_from: Option<NaiveDate>,
}

impl PhotoWindow {
    pub fn on(retention: &Retention, today: NaiveDate) -> PhotoWindow {
        PhotoWindow {
            today,
            keep_from: keep_from(retention, today),
        }
    }
}

/// The window in words, for the audit log and the settings page (dates only, no names).
pub fn describe(retention: &Retention) -> String {
    match retention {
        Retention::LastWeeks { weeks: 1 } => "photos stay on tablets for a week".into(),
        Retention::LastWeeks { weeks } => format!("photos stay on tablets for {weeks} weeks"),
        Retention::HalfTerms { terms } => match (terms.first(), terms.last()) {
            (Some(first), Some(last)) => format!(
                "photos stay on tablets for the half term: {} half terms from {} to {}",
                terms.len(),
                crate::dates::format_uk(first.starts),
                crate::dates::format_uk(last.ends)
            ),
            _ => "photos stay on tablets for the half term".into(),
        },
    }
}

/// What a tablet knows of one photo it holds, to decide whether it may let it go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldPhoto {
    /// The day it was taken, in the setting's time.
    pub taken_on: NaiveDate,
    /// The server has acknowledged its bytes by hash (photo and thumbnail).
    pub on_server: bool,
    /// An observation still a draft names it: it stays with the draft.
    pub in_draft: bool,
}

/// A photo leaves a tablet only when the server holds it, no draft needs it, and it was taken
/// before the window's first day.
pub fn may_purge(photo: HeldPhoto, keep_from: Option<NaiveDate>) -> bool {
    photo.on_server && !photo.in_draft && keep_from.is_some_and(|from| photo.taken_on < from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn term(a: NaiveDate, b: NaiveDate) -> HalfTerm {
        HalfTerm { starts: a, ends: b }
    }

    /// A school year in England, each half term running to the day before the next.
    fn year() -> Vec<HalfTerm> {
        vec![
            term(day(2026, 9, 1), day(2026, 11, 1)),
            term(day(2026, 11, 2), day(2027, 1, 3)),
            term(day(2027, 1, 4), day(2027, 2, 21)),
            term(day(2027, 2, 22), day(2027, 4, 11)),
            term(day(2027, 4, 12), day(2027, 5, 30)),
            term(day(2027, 5, 31), day(2027, 8, 31)),
        ]
    }

    #[test]
    fn half_terms_that_overlap_run_backwards_or_leave_gaps_are_refused() {
        let terms = |t: Vec<HalfTerm>| Retention::HalfTerms { terms: t };
        assert_eq!(check(&terms(year())), Ok(()));
        assert_eq!(check(&terms(vec![])), Err(RetentionError::NoTerms));
        let mut backwards = year();
        backwards[2] = term(day(2027, 2, 21), day(2027, 1, 4));
        assert_eq!(check(&terms(backwards)), Err(RetentionError::Backwards(3)));
        let mut overlap = year();
        overlap[1].starts = day(2026, 10, 30);
        assert_eq!(check(&terms(overlap)), Err(RetentionError::Overlap(2, 1)));
        let mut gap = year();
        gap[1].starts = day(2026, 11, 9);
        assert_eq!(check(&terms(gap)), Err(RetentionError::Gap(1, 2)));
        let short = vec![term(day(2026, 9, 1), day(2026, 9, 6))];
        assert_eq!(check(&terms(short)), Err(RetentionError::TermTooShort(1)));
        let many = (0..9)
            .map(|i| {
                let s = day(2026, 1, 1) + chrono::Duration::days(i * 14);
                term(s, s + chrono::Duration::days(13))
            })
            .collect();
        assert_eq!(check(&terms(many)), Err(RetentionError::TooManyTerms));
    }

    #[test]
    fn a_window_shorter_than_a_week_or_longer_than_a_year_is_refused() {
        let weeks = |w| check(&Retention::LastWeeks { weeks: w });
        assert_eq!(weeks(0), Err(RetentionError::Weeks));
        assert_eq!(weeks(1), Ok(()));
        assert_eq!(weeks(52), Ok(()));
        assert_eq!(weeks(53), Err(RetentionError::Weeks));
        assert_eq!(RetentionError::Weeks.field(), "weeks");
        assert_eq!(RetentionError::NoTerms.field(), "terms");
    }

    #[test]
    fn a_tablet_keeps_the_current_half_terms_photos() {
        let r = Retention::HalfTerms { terms: year() };
        // Before the year starts, nothing may go.
        assert_eq!(keep_from(&r, day(2026, 8, 31)), None);
        assert_eq!(keep_from(&r, day(2026, 9, 1)), Some(day(2026, 9, 1)));
        assert_eq!(keep_from(&r, day(2026, 11, 1)), Some(day(2026, 9, 1)));
        assert_eq!(keep_from(&r, day(2026, 11, 2)), Some(day(2026, 11, 2)));
        // After the last half term entered, its start holds until next year's dates come.
        assert_eq!(keep_from(&r, day(2027, 10, 1)), Some(day(2027, 5, 31)));
        let weeks = Retention::LastWeeks { weeks: 2 };
        assert_eq!(keep_from(&weeks, day(2027, 3, 15)), Some(day(2027, 3, 1)));
    }

    #[test]
    fn a_photo_goes_only_when_on_the_server_in_no_draft_and_older_than_the_window() {
        let from = Some(day(2026, 11, 2));
        let photo = |taken_on, on_server, in_draft| HeldPhoto {
            taken_on,
            on_server,
            in_draft,
        };
        assert!(may_purge(photo(day(2026, 11, 1), true, false), from));
        assert!(
            !may_purge(photo(day(2026, 11, 2), true, false), from),
            "the first day stays"
        );
        assert!(
            !may_purge(photo(day(2026, 10, 1), false, false), from),
            "not on the server"
        );
        assert!(
            !may_purge(photo(day(2026, 10, 1), true, true), from),
            "part of a draft"
        );
        assert!(
            !may_purge(photo(day(2020, 1, 1), true, false), None),
            "no window yet"
        );
    }

    proptest! {
        /// Nothing the server has not acknowledged, or a draft still needs, is ever chosen; and
        /// nothing taken on or after the window's first day.
        #[test]
        fn only_acknowledged_older_photos_outside_drafts_go(
            taken in 0i64..800,
            today in 0i64..800,
            on_server in any::<bool>(),
            in_draft in any::<bool>(),
            weeks in 1u32..=MAX_WEEKS,
            halves in any::<bool>(),
        ) {
            let base = day(2026, 1, 1);
            let retention = if halves {
                Retention::HalfTerms { terms: year() }
            } else {
                Retention::LastWeeks { weeks }
            };
            let today = base + chrono::Duration::days(today);
            let photo = HeldPhoto {
                taken_on: base + chrono::Duration::days(taken),
                on_server,
                in_draft,
            };
            let from = keep_from(&retention, today);
            if may_purge(photo, from) {
                prop_assert!(on_server && !in_draft);
                let from = from.unwrap();
                prop_assert!(photo.taken_on < from);
                prop_assert!(from <= today);
                // The window is honoured at its boundary: a day later would be kept.
                prop_assert!(photo.taken_on.succ_opt().unwrap() <= from);
            }
            // Every day of the year falls in exactly one valid half term.
            if halves && today >= day(2026, 9, 1) && today <= day(2027, 8, 31) {
                let within = year().iter().filter(|t| t.starts <= today && today <= t.ends).count();
                prop_assert_eq!(within, 1);
                prop_assert!(year().iter().any(|t| Some(t.starts) == from && today <= t.ends));
            }
        }
    }
}

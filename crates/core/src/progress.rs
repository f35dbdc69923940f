//! Progress at a glance: how often each area of learning has been observed month by month, the
//! latest age band seen in each area, and which key children have not been observed lately.
//! Counted from the observations the tablet holds; group observations count for each child.

use crate::eyfs::{self, AgeBand};
use crate::observation::Observation;
use chrono::{Datelike, Months, NaiveDate};
use uuid::Uuid;

/// A calendar month, first day.
fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// One area's row of the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaRow {
    pub code: &'static str,
    pub name: &'static str,
    /// Observations per month, oldest month first, aligned with `Chart::months`.
    pub counts: Vec<u32>,
    /// The age band of the latest observation in this area that gave one.
    pub latest_band: Option<AgeBand>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub months: Vec<NaiveDate>,
    pub areas: Vec<AreaRow>,
}

/// The last `months` calendar months up to `today`, for one child.
pub fn chart(all: &[Observation], child: Uuid, today: NaiveDate, months: u32) -> Chart {
    let last = month_of(today);
    let months: Vec<NaiveDate> = (0..months)
        .rev()
        .filter_map(|back| last.checked_sub_months(Months::new(back)))
        .collect();
    let mine: Vec<&Observation> = all.iter().filter(|o| o.children.contains(&child)).collect();
    let areas = eyfs::current()
        .areas
        .iter()
        .map(|area| {
            let in_area: Vec<&&Observation> = mine
                .iter()
                .filter(|o| o.tags.areas().contains(&area.code))
                .collect();
            let counts = months
                .iter()
                .map(|m| {
                    in_area
                        .iter()
                        .filter(|o| month_of(o.observed_at.date_naive()) == *m)
                        .count() as u32
                })
                .collect();
            let latest_band = in_area
                .iter()
                .filter(|o| o.tags.band.is_some())
                .max_by_key(|o| o.observed_at)
                .and_then(|o| o.tags.band);
            AreaRow {
                code: area.code,
                name: area.name,
                counts,
                latest_band,
            }
        })
        .collect();
    Chart { months, areas }
}

/// Each child's latest observed day, if any: the longest without an observation first (never
/// observed before anyone).
pub fn last_observed(children: &[Uuid], all: &[Observation]) -> Vec<(Uuid, Option<NaiveDate>)> {
    let mut rows: Vec<(Uuid, Option<NaiveDate>)> = children
        .iter()
        .map(|c| {
            let last = all
                .iter()
                .filter(|o| o.children.contains(c))
                .map(|o| o.observed_at.date_naive())
                .max();
            (*c, last)
        })
        .collect();
    rows.sort_by_key(|(_, last)| *last);
    rows
}

/// Whether a child counts as not observed recently.
pub fn is_quiet(last: Option<NaiveDate>, today: NaiveDate, days: i64) -> bool {
    last.is_none_or(|d| (today - d).num_days() >= days)
}

/// How long without an observation before the key person's day mentions a child.
pub const QUIET_DAYS: i64 = 14;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn obs(
        n: u128,
        children: &[u128],
        y: i32,
        m: u32,
        d: u32,
        aspects: &[&str],
        band: Option<AgeBand>,
    ) -> Observation {
        let mut o = Observation::new(
            Uuid::from_u128(n),
            Uuid::from_u128(99),
            children.iter().map(|c| Uuid::from_u128(*c)).collect(),
            Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap(),
        );
        o.tags.aspects = aspects.iter().map(|a| (*a).to_owned()).collect();
        o.tags.band = band;
        o
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn counts_per_area_per_month_with_the_latest_band() {
        let all = [
            obs(
                1,
                &[1, 2],
                2026,
                11,
                20,
                &["M.N", "M.NP"],
                Some(AgeBand::ThreeAndFour),
            ),
            obs(
                2,
                &[1],
                2026,
                10,
                3,
                &["M.N", "CL.S"],
                Some(AgeBand::BirthToThree),
            ),
            obs(3, &[1], 2026, 4, 3, &["M.N"], None),
            obs(4, &[2], 2026, 11, 1, &["PD.GM"], None),
        ];
        let c = chart(&all, Uuid::from_u128(1), day(2026, 11, 23), 6);
        assert_eq!(c.months.first(), Some(&day(2026, 6, 1)));
        assert_eq!(c.months.last(), Some(&day(2026, 11, 1)));
        let maths = c.areas.iter().find(|a| a.code == "M").unwrap();
        // Two aspects of one area in one observation count once; April is outside the window.
        assert_eq!(maths.counts, [0, 0, 0, 0, 1, 1]);
        assert_eq!(maths.latest_band, Some(AgeBand::ThreeAndFour));
        let physical = c.areas.iter().find(|a| a.code == "PD").unwrap();
        assert_eq!(physical.counts.iter().sum::<u32>(), 0);
        assert_eq!(c.areas.len(), 7);
    }

    #[test]
    fn the_children_not_observed_lately_come_first() {
        let all = [
            obs(1, &[1], 2026, 11, 20, &[], None),
            obs(2, &[2], 2026, 10, 1, &[], None),
        ];
        let rows = last_observed(
            &[Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3)],
            &all,
        );
        let order: Vec<u128> = rows.iter().map(|(c, _)| c.as_u128()).collect();
        assert_eq!(order, [3, 2, 1]);
        let today = day(2026, 11, 23);
        assert!(is_quiet(None, today, QUIET_DAYS));
        assert!(is_quiet(Some(day(2026, 10, 1)), today, QUIET_DAYS));
        assert!(!is_quiet(Some(day(2026, 11, 20)), today, QUIET_DAYS));
    }
}

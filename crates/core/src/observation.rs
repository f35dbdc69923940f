//! An observation as the tablet keeps it (sealed) and the server will store it: who is in it,
//! what was seen, its EYFS tags and next steps, the photos, when it happened, where it is in the
//! workflow and how it got there. Plus the checks before submitting and the journal's filter.

use crate::eyfs::{self, AgeBand, Characteristic};
use crate::workflow::{Action, Status};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

pub const TEXT_MAX: usize = 10_000;
pub const NEXT_STEPS_MAX: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tags {
    /// The EYFS catalogue the codes belong to (see `eyfs`).
    pub catalogue: String,
    /// Aspect codes, such as "CL.S"; their areas follow from them.
    pub aspects: Vec<String>,
    pub band: Option<AgeBand>,
    pub characteristics: Vec<Characteristic>,
}

impl Default for Tags {
    fn default() -> Self {
        Tags {
            catalogue: eyfs::CURRENT.to_owned(),
            aspects: Vec::new(),
            band: None,
            characteristics: Vec::new(),
        }
    }
}

impl Tags {
    /// The area codes of the tagged aspects, each once, in catalogue order.
    pub fn areas(&self) -> Vec<&'static str> {
        let Some(catalogue) = eyfs::catalogue(&self.catalogue) else {
            return Vec::new();
        };
        catalogue
            .areas
            .iter()
            .filter(|area| {
                self.aspects
                    .iter()
                    .any(|a| catalogue.area_of(a).is_some_and(|x| x.code == area.code))
            })
            .map(|area| area.code)
            .collect()
    }
}

/// One step of the workflow, kept for the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub action: Action,
    pub by: Uuid,
    pub at: DateTime<Utc>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    pub id: Uuid,
    /// A group observation is written once and appears in each child's journal.
    pub children: Vec<Uuid>,
    pub author: Uuid,
    pub from_home: bool,
    pub text: String,
    pub photos: Vec<Uuid>,
    pub tags: Tags,
    pub next_steps: String,
    pub observed_at: DateTime<Utc>,
    pub status: Status,
    /// Counts the saves of this observation (each one an outbox entry for sync).
    pub version: u64,
    pub updated_at: DateTime<Utc>,
    pub steps: Vec<Step>,
}

impl Observation {
    pub fn new(id: Uuid, author: Uuid, children: Vec<Uuid>, now: DateTime<Utc>) -> Observation {
        Observation {
            id,
            children,
            author,
            from_home: false,
            text: String::new(),
            photos: Vec::new(),
            tags: Tags::default(),
            next_steps: String::new(),
            observed_at: now,
            status: Status::Draft,
            version: 0,
            updated_at: now,
            steps: Vec::new(),
        }
    }

    /// The comment of the latest return, while it is returned.
    pub fn return_comment(&self) -> Option<&str> {
        if self.status != Status::Returned {
            return None;
        }
        self.steps
            .iter()
            .rev()
            .find(|s| s.action == Action::Return)
            .and_then(|s| s.comment.as_deref())
    }
}

/// What stops an observation being submitted, each naming the field to fix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Incomplete {
    #[error("Choose at least one child.")]
    NoChildren,
    #[error("Write what you saw, or add a photo.")]
    Empty,
    #[error("The observation is too long: keep it under {TEXT_MAX} characters.")]
    TextTooLong,
    #[error("The next steps are too long: keep them under {NEXT_STEPS_MAX} characters.")]
    NextStepsTooLong,
    #[error("The time observed is in the future. Check the date and time.")]
    InTheFuture,
    #[error("A tag is not in the EYFS framework this observation uses: {0}.")]
    UnknownTag(String),
}

impl Incomplete {
    /// The field the problem is about, for placing the message next to it.
    pub fn field(&self) -> &'static str {
        match self {
            Incomplete::NoChildren => "children",
            Incomplete::Empty | Incomplete::TextTooLong => "text",
            Incomplete::NextStepsTooLong => "next_steps",
            Incomplete::InTheFuture => "observed_at",
            Incomplete::UnknownTag(_) => "tags",
        }
    }
}

/// Every reason this observation may not be submitted yet; empty when it may.
pub fn ready_to_submit(obs: &Observation, now: DateTime<Utc>) -> Vec<Incomplete> {
    let mut problems = Vec::new();
    if obs.children.is_empty() {
        problems.push(Incomplete::NoChildren);
    }
    if obs.text.trim().is_empty() && obs.photos.is_empty() {
        problems.push(Incomplete::Empty);
    }
    if obs.text.chars().count() > TEXT_MAX {
        problems.push(Incomplete::TextTooLong);
    }
    if obs.next_steps.chars().count() > NEXT_STEPS_MAX {
        problems.push(Incomplete::NextStepsTooLong);
    }
    // A few minutes' grace for a tablet clock that runs a little fast.
    if obs.observed_at > now + chrono::Duration::minutes(5) {
        problems.push(Incomplete::InTheFuture);
    }
    match eyfs::catalogue(&obs.tags.catalogue) {
        Some(c) => {
            if let Some(bad) = obs.tags.aspects.iter().find(|a| c.aspect(a).is_none()) {
                problems.push(Incomplete::UnknownTag(bad.clone()));
            }
        }
        None => problems.push(Incomplete::UnknownTag(obs.tags.catalogue.clone())),
    }
    problems
}

/// The journal's filter: every part left empty matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub area: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub status: Option<Status>,
    /// Words that must all appear (in any case) in the text or the next steps.
    pub text: String,
}

impl Filter {
    pub fn matches(&self, obs: &Observation) -> bool {
        let day = obs.observed_at.date_naive();
        let area = self
            .area
            .as_deref()
            .is_none_or(|code| obs.tags.areas().contains(&code));
        let words = {
            let haystack = format!("{}\n{}", obs.text, obs.next_steps).to_lowercase();
            self.text
                .split_whitespace()
                .all(|w| haystack.contains(&w.to_lowercase()))
        };
        area && words
            && self.from.is_none_or(|f| day >= f)
            && self.to.is_none_or(|t| day <= t)
            && self.status.is_none_or(|s| obs.status == s)
    }
}

/// A child's journal: their observations that match, newest moment first.
pub fn journal<'a>(all: &'a [Observation], child: Uuid, filter: &Filter) -> Vec<&'a Observation> {
    let mut entries: Vec<&Observation> = all
        .iter()
        .filter(|o| o.children.contains(&child) && filter.matches(o))
        .collect();
    entries.sort_by(|a, b| b.observed_at.cmp(&a.observed_at).then(b.id.cmp(&a.id)));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    fn obs(n: u128, children: &[u128], day: u32, text: &str, aspects: &[&str]) -> Observation {
        let mut o = Observation::new(
            Uuid::from_u128(n),
            Uuid::from_u128(99),
            children.iter().map(|c| Uuid::from_u128(*c)).collect(),
            at(day, 10),
        );
        o.text = text.into();
        o.tags.aspects = aspects.iter().map(|a| (*a).to_owned()).collect();
        o
    }

    #[test]
    fn a_quick_observation_is_ready_with_a_child_and_some_words() {
        let o = obs(1, &[1], 20, "Counted five ducks.", &["M.N"]);
        assert!(ready_to_submit(&o, at(22, 9)).is_empty());
        let mut empty = obs(2, &[], 20, "  ", &[]);
        empty.observed_at = at(23, 9);
        empty.tags.aspects.push("M.ZZ".into());
        let problems = ready_to_submit(&empty, at(22, 9));
        assert_eq!(
            problems,
            vec![
                Incomplete::NoChildren,
                Incomplete::Empty,
                Incomplete::InTheFuture,
                Incomplete::UnknownTag("M.ZZ".into())
            ]
        );
        assert_eq!(problems[0].field(), "children");
        let mut photo_only = obs(3, &[1], 20, "", &[]);
        photo_only.photos.push(Uuid::from_u128(7));
        assert!(ready_to_submit(&photo_only, at(22, 9)).is_empty());
    }

    #[test]
    fn a_group_observation_appears_in_each_childs_journal_newest_first() {
        let all = [
            obs(1, &[1, 2], 20, "Built a den together.", &["PSED.BR"]),
            obs(2, &[1], 21, "Counted five ducks.", &["M.N"]),
            obs(3, &[2], 19, "Painted the sky.", &["EAD.CM"]),
        ];
        let ids = |child| {
            journal(&all, Uuid::from_u128(child), &Filter::default())
                .iter()
                .map(|o| o.id.as_u128())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(1), [2, 1]);
        assert_eq!(ids(2), [1, 3]);
    }

    #[test]
    fn filters_by_area_dates_status_and_words() {
        let all = [
            obs(1, &[1], 20, "Built a DEN with Noah.", &["PSED.BR", "PD.GM"]),
            obs(2, &[1], 21, "Counted five ducks.", &["M.N"]),
        ];
        let find = |filter: Filter| {
            journal(&all, Uuid::from_u128(1), &filter)
                .iter()
                .map(|o| o.id.as_u128())
                .collect::<Vec<_>>()
        };
        let area = |a: &str| Filter {
            area: Some(a.into()),
            ..Filter::default()
        };
        assert_eq!(find(area("PD")), [1]);
        assert_eq!(find(area("M")), [2]);
        assert_eq!(find(area("L")), Vec::<u128>::new());
        let text = |t: &str| Filter {
            text: t.into(),
            ..Filter::default()
        };
        assert_eq!(find(text("den noah")), [1]);
        assert_eq!(find(text("den ducks")), Vec::<u128>::new());
        let from = Filter {
            from: Some(NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()),
            ..Filter::default()
        };
        assert_eq!(find(from), [2]);
        let drafts = Filter {
            status: Some(Status::Submitted),
            ..Filter::default()
        };
        assert_eq!(find(drafts), Vec::<u128>::new());
    }

    #[test]
    fn the_return_comment_shows_only_while_returned() {
        let mut o = obs(1, &[1], 20, "x", &[]);
        o.steps.push(Step {
            action: Action::Return,
            by: Uuid::from_u128(5),
            at: at(21, 9),
            comment: Some("Add the next steps.".into()),
        });
        assert_eq!(o.return_comment(), None);
        o.status = Status::Returned;
        assert_eq!(o.return_comment(), Some("Add the next steps."));
    }

    proptest! {
        /// The filter is a conjunction: an entry matches the whole filter exactly when it
        /// matches each part on its own.
        #[test]
        fn filter_is_each_part_together(
            day in 1u32..29, from in proptest::option::of(1u32..29), to in proptest::option::of(1u32..29),
            area in proptest::option::of(proptest::sample::select(vec!["CL", "PD", "M"])),
            aspects in proptest::sample::subsequence(vec!["CL.S", "PD.FM", "M.N", "L.W"], 0..4),
            words in "[a-d ]{0,6}", text in "[a-d ]{0,12}",
        ) {
            let o = obs(1, &[1], day, &text, &aspects);
            let date = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
            let whole = Filter { area: area.map(str::to_owned), from: from.map(date), to: to.map(date), status: None, text: words.clone() };
            let parts = [
                Filter { area: area.map(str::to_owned), ..Filter::default() },
                Filter { from: from.map(date), ..Filter::default() },
                Filter { to: to.map(date), ..Filter::default() },
                Filter { text: words, ..Filter::default() },
            ];
            prop_assert_eq!(whole.matches(&o), parts.iter().all(|p| p.matches(&o)));
            if let Some(a) = area {
                prop_assert_eq!(parts[0].matches(&o), aspects.iter().any(|x| x.starts_with(&format!("{a}."))));
            }
        }
    }
}

/// What is left of a record its author deleted: the next version of the record, so sync sends
/// the deletion like any other change, with nothing of what it said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tombstone {
    pub id: Uuid,
    pub deleted_by: Uuid,
    pub deleted_at: DateTime<Utc>,
}

#[cfg(test)]
mod tombstone_tests {
    use super::*;

    /// A tombstone is never read as an observation, nor an observation as a tombstone.
    #[test]
    fn tombstones_and_observations_do_not_mix() {
        let obs = Observation::new(
            Uuid::from_u128(1),
            Uuid::from_u128(2),
            vec![],
            DateTime::<Utc>::MIN_UTC,
        );
        let gone = Tombstone {
            id: obs.id,
            deleted_by: obs.author,
            deleted_at: DateTime::<Utc>::MIN_UTC,
        };
        let gone_json = serde_json::to_vec(&gone).unwrap();
        let obs_json = serde_json::to_vec(&obs).unwrap();
        assert!(serde_json::from_slice::<Observation>(&gone_json).is_err());
        assert!(serde_json::from_slice::<Tombstone>(&obs_json).is_err());
        assert_eq!(
            serde_json::from_slice::<Tombstone>(&gone_json).unwrap(),
            gone
        );
    }
}

//! The progress check at age two (EYFS statutory framework, section 2): between a child's
//! second and third birthdays the key person writes a short summary of the child's development
//! in the three prime areas, naming strengths and any area where progress is less than
//! expected; where there is a concern, the summary says how the setting will support the child,
//! agreed with the parents. It goes through the same workflow as an observation, and parents
//! read it once it is shared.

use crate::dates::format_uk;
use crate::eyfs::{self, Kind};
use crate::observation::Step;
use crate::workflow::{Status, Subject};
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How a child's development in one prime area stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Strength,
    /// Developing as expected for their age.
    Expected,
    /// Progress is less than expected: an area of concern.
    Concern,
}

impl Standing {
    pub const ALL: [Standing; 3] = [Standing::Strength, Standing::Expected, Standing::Concern];

    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Strength => "strength",
            Standing::Expected => "expected",
            Standing::Concern => "concern",
        }
    }

    pub fn parse(s: &str) -> Option<Standing> {
        Standing::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// In the words staff and parents read.
    pub fn label(self) -> &'static str {
        match self {
            Standing::Strength => "A strength",
            Standing::Expected => "Developing as expected",
            Standing::Concern => "An area of concern",
        }
    }
}

/// What the key person wrote about one prime area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaSummary {
    /// The area's code in the catalogue the check was written against.
    pub area: String,
    pub standing: Option<Standing>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressCheck {
    pub id: Uuid,
    pub child: Uuid,
    pub author: Uuid,
    /// The EYFS catalogue version the areas come from.
    pub catalogue: String,
    /// One per prime area, in the catalogue's order.
    pub areas: Vec<AreaSummary>,
    /// How the setting will support the child (needed when there is a concern).
    pub support: String,
    /// Ideas the parents may try at home.
    pub at_home: String,
    pub written_on: NaiveDate,
    pub status: Status,
    pub version: u64,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub steps: Vec<Step>,
}

impl ProgressCheck {
    /// A new draft with an empty summary for each prime area of the current framework.
    pub fn new(
        id: Uuid,
        child: Uuid,
        author: Uuid,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> ProgressCheck {
        let catalogue = eyfs::current();
        ProgressCheck {
            id,
            child,
            author,
            catalogue: catalogue.version.to_owned(),
            areas: catalogue
                .areas
                .iter()
                .filter(|a| a.kind == Kind::Prime)
                .map(|a| AreaSummary {
                    area: a.code.to_owned(),
                    standing: None,
                    note: String::new(),
                })
                .collect(),
            support: String::new(),
            at_home: String::new(),
            written_on: today,
            status: Status::Draft,
            version: 1,
            updated_at: now,
            steps: Vec::new(),
        }
    }

    pub fn subject(&self) -> Subject {
        Subject {
            status: self.status,
            author: self.author,
            from_home: false,
        }
    }

    /// The areas marked as strengths, by name.
    pub fn strengths(&self) -> Vec<&'static str> {
        self.named(Standing::Strength)
    }

    /// The areas of concern, by name.
    pub fn concerns(&self) -> Vec<&'static str> {
        self.named(Standing::Concern)
    }

    fn named(&self, standing: Standing) -> Vec<&'static str> {
        let catalogue = eyfs::catalogue(&self.catalogue);
        self.areas
            .iter()
            .filter(|a| a.standing == Some(standing))
            .filter_map(|a| catalogue.and_then(|c| c.area(&a.area)).map(|a| a.name))
            .collect()
    }
}

/// When a child's check is due, from their date of birth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Not two yet: the check may be written from this day.
    NotYet { from: NaiveDate },
    /// Between two and three: due before this day (the third birthday).
    Now { by: NaiveDate },
    /// Three or older: the check is no longer the two-year check.
    Past,
}

/// A birthday `years` on; a 29 February birthday falls on 28 February in other years.
fn birthday(born: NaiveDate, years: u32) -> NaiveDate {
    born.checked_add_months(Months::new(12 * years))
        .unwrap_or(NaiveDate::MAX)
}

pub fn due(born: NaiveDate, today: NaiveDate) -> Due {
    let two = birthday(born, 2);
    let three = birthday(born, 3);
    if today < two {
        Due::NotYet { from: two }
    } else if today < three {
        Due::Now { by: three }
    } else {
        Due::Past
    }
}

impl Due {
    /// In the words on the progress screen.
    pub fn describe(self) -> String {
        match self {
            Due::NotYet { from } => format!("Due from their second birthday, {}.", format_uk(from)),
            Due::Now { by } => format!("Due now: before their third birthday, {}.", format_uk(by)),
            Due::Past => "Past the age for the two-year check.".to_owned(),
        }
    }
}

pub const NOTE_MAX: usize = 2_000;

/// Why a check may not be submitted yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Incomplete {
    #[error("Say how {0} stands: a strength, developing as expected, or an area of concern.")]
    NoStanding(&'static str),
    #[error("Write a few words about {0}.")]
    NoNote(&'static str),
    #[error("The words about {0} are too long: keep them under {NOTE_MAX} characters.")]
    NoteTooLong(&'static str),
    #[error(
        "There is an area of concern: say how the setting will support the child, as agreed with the parents."
    )]
    NoSupportPlan,
    #[error("The support plan is too long: keep it under {NOTE_MAX} characters.")]
    SupportTooLong,
    #[error("The ideas for home are too long: keep them under {NOTE_MAX} characters.")]
    AtHomeTooLong,
    #[error("The child is not two until {0}: the two-year check is written between two and three.")]
    TooYoung(String),
    #[error("This check was written against an EYFS framework Burrow does not know: {0}.")]
    UnknownFramework(String),
}

impl Incomplete {
    /// The field the message belongs next to: an area's code, or "support" / "at_home" / "check".
    pub fn field(&self, check: &ProgressCheck) -> String {
        let area_code = |name: &str| {
            eyfs::catalogue(&check.catalogue)
                .and_then(|c| c.areas.iter().find(|a| a.name == name))
                .map(|a| a.code.to_owned())
                .unwrap_or_default()
        };
        match self {
            Incomplete::NoStanding(n) | Incomplete::NoNote(n) | Incomplete::NoteTooLong(n) => {
                area_code(n)
            }
            Incomplete::NoSupportPlan | Incomplete::SupportTooLong => "support".into(),
            Incomplete::AtHomeTooLong => "at_home".into(),
            Incomplete::TooYoung(_) | Incomplete::UnknownFramework(_) => "check".into(),
        }
    }
}

/// Every reason the check may not be submitted yet; empty when it may.
pub fn ready_to_submit(check: &ProgressCheck, born: NaiveDate) -> Vec<Incomplete> {
    let mut problems = Vec::new();
    let Some(catalogue) = eyfs::catalogue(&check.catalogue) else {
        return vec![Incomplete::UnknownFramework(check.catalogue.clone())];
    };
    if let Due::NotYet { from } = due(born, check.written_on) {
        problems.push(Incomplete::TooYoung(format_uk(from)));
    }
    for area in catalogue.areas.iter().filter(|a| a.kind == Kind::Prime) {
        let written = check.areas.iter().find(|s| s.area == area.code);
        if written.and_then(|s| s.standing).is_none() {
            problems.push(Incomplete::NoStanding(area.name));
        }
        let note = written.map(|s| s.note.as_str()).unwrap_or("");
        if note.trim().is_empty() {
            problems.push(Incomplete::NoNote(area.name));
        } else if note.chars().count() > NOTE_MAX {
            problems.push(Incomplete::NoteTooLong(area.name));
        }
    }
    let concern = check
        .areas
        .iter()
        .any(|a| a.standing == Some(Standing::Concern));
    if concern && check.support.trim().is_empty() {
        problems.push(Incomplete::NoSupportPlan);
    }
    if check.support.chars().count() > NOTE_MAX {
        problems.push(Incomplete::SupportTooLong);
    }
    if check.at_home.chars().count() > NOTE_MAX {
        problems.push(Incomplete::AtHomeTooLong);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn filled(today: NaiveDate) -> ProgressCheck {
        let mut c = ProgressCheck::new(
            Uuid::from_u128(1),
            Uuid::from_u128(2),
            Uuid::from_u128(3),
            today,
            DateTime::<Utc>::MIN_UTC,
        );
        for a in &mut c.areas {
            a.standing = Some(Standing::Expected);
            a.note = "Chatty and confident at group time.".into();
        }
        c
    }

    #[test]
    fn a_new_check_has_the_three_prime_areas() {
        let c = filled(day(2026, 11, 23));
        let codes: Vec<&str> = c.areas.iter().map(|a| a.area.as_str()).collect();
        assert_eq!(codes, ["CL", "PSED", "PD"]);
        for a in &c.areas {
            assert_eq!(eyfs::current().area(&a.area).unwrap().kind, Kind::Prime);
        }
    }

    #[test]
    fn due_between_the_second_and_third_birthdays() {
        let born = day(2024, 3, 10);
        assert_eq!(
            due(born, day(2026, 3, 9)),
            Due::NotYet {
                from: day(2026, 3, 10)
            }
        );
        assert_eq!(
            due(born, day(2026, 3, 10)),
            Due::Now {
                by: day(2027, 3, 10)
            }
        );
        assert_eq!(
            due(born, day(2027, 3, 9)),
            Due::Now {
                by: day(2027, 3, 10)
            }
        );
        assert_eq!(due(born, day(2027, 3, 10)), Due::Past);
    }

    #[test]
    fn a_leap_day_birthday_is_kept_on_the_28th() {
        let born = day(2024, 2, 29);
        assert_eq!(
            due(born, day(2026, 2, 27)),
            Due::NotYet {
                from: day(2026, 2, 28)
            }
        );
        assert_eq!(
            due(born, day(2026, 2, 28)),
            Due::Now {
                by: day(2027, 2, 28)
            }
        );
    }

    #[test]
    fn a_complete_check_may_be_submitted() {
        assert_eq!(
            ready_to_submit(&filled(day(2026, 11, 23)), day(2024, 6, 1)),
            vec![]
        );
    }

    #[test]
    fn every_prime_area_needs_a_standing_and_words() {
        let mut c = filled(day(2026, 11, 23));
        c.areas[0].standing = None;
        c.areas[1].note = "  ".into();
        let problems = ready_to_submit(&c, day(2024, 6, 1));
        let first = eyfs::current().area(&c.areas[0].area).unwrap().name;
        let second = eyfs::current().area(&c.areas[1].area).unwrap().name;
        assert_eq!(
            problems,
            vec![Incomplete::NoStanding(first), Incomplete::NoNote(second)]
        );
        assert_eq!(problems[0].field(&c), c.areas[0].area);
        assert!(problems[0].to_string().contains(first));
    }

    #[test]
    fn a_concern_needs_a_support_plan() {
        let mut c = filled(day(2026, 11, 23));
        c.areas[2].standing = Some(Standing::Concern);
        assert_eq!(
            ready_to_submit(&c, day(2024, 6, 1)),
            vec![Incomplete::NoSupportPlan]
        );
        c.support =
            "Weekly small-group talk time; speech and language referral discussed with mum.".into();
        assert_eq!(ready_to_submit(&c, day(2024, 6, 1)), vec![]);
        assert_eq!(
            c.concerns(),
            vec![eyfs::current().area(&c.areas[2].area).unwrap().name]
        );
    }

    #[test]
    fn not_before_the_second_birthday() {
        let c = filled(day(2026, 5, 31));
        assert_eq!(
            ready_to_submit(&c, day(2024, 6, 1)),
            vec![Incomplete::TooYoung("01/06/2026".into())]
        );
    }

    #[test]
    fn an_unknown_framework_is_named() {
        let mut c = filled(day(2026, 11, 23));
        c.catalogue = "eyfs-2031".into();
        assert_eq!(
            ready_to_submit(&c, day(2024, 6, 1)),
            vec![Incomplete::UnknownFramework("eyfs-2031".into())]
        );
    }

    fn standing() -> impl Strategy<Value = Option<Standing>> {
        prop_oneof![
            Just(None),
            Just(Some(Standing::Strength)),
            Just(Some(Standing::Expected)),
            Just(Some(Standing::Concern)),
        ]
    }

    proptest! {
        /// A check that names an area of concern is never ready without a support plan, and
        /// a ready check always has a standing for every prime area.
        #[test]
        fn no_concern_goes_without_a_plan(
            standings in proptest::collection::vec(standing(), 3),
            notes in proptest::collection::vec("[a-z ]{0,12}", 3),
            support in "[a-z ]{0,8}",
        ) {
            let mut c = filled(day(2026, 11, 23));
            for ((a, s), n) in c.areas.iter_mut().zip(standings).zip(notes) {
                a.standing = s;
                a.note = n;
            }
            c.support = support;
            let ready = ready_to_submit(&c, day(2024, 6, 1)).is_empty();
            if ready {
                prop_assert!(c.areas.iter().all(|a| a.standing.is_some() && !a.note.trim().is_empty()));
                prop_assert!(c.concerns().is_empty() || !c.support.trim().is_empty());
            }
        }

        /// Round trip: what the tablet seals is what it reads back.
        #[test]
        fn survives_json(note in ".{0,40}") {
            let mut c = filled(day(2026, 11, 23));
            c.areas[0].note = note;
            let back: ProgressCheck = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
            prop_assert_eq!(back, c);
        }
    }
}

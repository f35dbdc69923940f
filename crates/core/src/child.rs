//! Registering a child: what makes the details acceptable.

use crate::api::NewChildRequest;
use crate::names::{NameError, clean_name};
use chrono::{Months, NaiveDate};
use thiserror::Error;
use uuid::Uuid;

/// Early years run to the end of reception, but settings also take siblings into holiday clubs.
const OLDEST_AGE_YEARS: u32 = 12;
/// Places are offered ahead of time, but not years ahead.
const LATEST_START_MONTHS_AHEAD: u32 = 24;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChildError {
    #[error("First name: {0}")]
    FirstName(NameError),
    #[error("Surname: {0}")]
    Surname(NameError),
    #[error("The date of birth is in the future. Check the day, month and year.")]
    BornInFuture,
    #[error("That date of birth makes the child older than {OLDEST_AGE_YEARS}. Check the year.")]
    TooOld,
    #[error("The start date is before the date of birth. Check both dates.")]
    StartsBeforeBirth,
    #[error("The start date is more than two years away. Check the year.")]
    StartsTooFarAhead,
}

impl ChildError {
    /// The form field the message belongs next to.
    pub fn field(&self) -> &'static str {
        match self {
            ChildError::FirstName(_) => "first_name",
            ChildError::Surname(_) => "surname",
            ChildError::BornInFuture | ChildError::TooOld => "date_of_birth",
            ChildError::StartsBeforeBirth | ChildError::StartsTooFarAhead => "start_date",
        }
    }
}

/// A child's details once they have been checked and tidied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidChild {
    pub first_name: String,
    pub surname: String,
    pub date_of_birth: NaiveDate,
    pub start_date: NaiveDate,
    pub key_person_id: Uuid,
}

/// Checks a new child against `today` (the setting's local date). Whether the key person is
/// really a member of staff is for the caller, who holds the staff list.
pub fn validate_new_child(
    req: &NewChildRequest,
    today: NaiveDate,
) -> Result<ValidChild, ChildError> {
    let first_name = clean_name(&req.first_name).map_err(ChildError::FirstName)?;
    let surname = clean_name(&req.surname).map_err(ChildError::Surname)?;
    if req.date_of_birth > today {
        return Err(ChildError::BornInFuture);
    }
    let oldest = today
        .checked_sub_months(Months::new(12 * OLDEST_AGE_YEARS))
        .unwrap_or(NaiveDate::MIN);
    if req.date_of_birth < oldest {
        return Err(ChildError::TooOld);
    }
    if req.start_date < req.date_of_birth {
        return Err(ChildError::StartsBeforeBirth);
    }
    let latest = today
        .checked_add_months(Months::new(LATEST_START_MONTHS_AHEAD))
        .unwrap_or(NaiveDate::MAX);
    if req.start_date > latest {
        return Err(ChildError::StartsTooFarAhead);
    }
    Ok(ValidChild {
        first_name,
        surname,
        date_of_birth: req.date_of_birth,
        start_date: req.start_date,
        key_person_id: req.key_person_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn today() -> NaiveDate {
        d(2026, 11, 22)
    }

    fn req() -> NewChildRequest {
        NewChildRequest {
            first_name: " Ava ".into(),
            surname: "Okafor".into(),
            date_of_birth: d(2023, 4, 3),
            start_date: d(2025, 9, 1),
            key_person_id: Uuid::nil(),
        }
    }

    #[test]
    fn a_typical_child_is_accepted_and_tidied() {
        let child = validate_new_child(&req(), today()).unwrap();
        assert_eq!(child.first_name, "Ava");
        assert_eq!(child.surname, "Okafor");
    }

    #[test]
    fn empty_names_are_refused_with_the_field() {
        let mut r = req();
        r.first_name = "  ".into();
        let err = validate_new_child(&r, today()).unwrap_err();
        assert_eq!(err, ChildError::FirstName(NameError::Empty));
        assert_eq!(err.field(), "first_name");
        assert_eq!(err.to_string(), "First name: Enter a name.");
        let mut r = req();
        r.surname = String::new();
        assert_eq!(
            validate_new_child(&r, today()).unwrap_err().field(),
            "surname"
        );
    }

    #[test]
    fn born_tomorrow_is_refused_born_today_is_not() {
        let mut r = req();
        r.date_of_birth = d(2026, 11, 23);
        r.start_date = d(2026, 11, 23);
        assert_eq!(
            validate_new_child(&r, today()),
            Err(ChildError::BornInFuture)
        );
        r.date_of_birth = today();
        assert!(validate_new_child(&r, today()).is_ok());
    }

    #[test]
    fn implausible_dates_are_refused() {
        let mut r = req();
        r.date_of_birth = d(2003, 4, 3);
        assert_eq!(validate_new_child(&r, today()), Err(ChildError::TooOld));
        let mut r = req();
        r.start_date = d(2023, 1, 1);
        assert_eq!(
            validate_new_child(&r, today()),
            Err(ChildError::StartsBeforeBirth)
        );
        let mut r = req();
        r.start_date = d(2030, 1, 1);
        assert_eq!(
            validate_new_child(&r, today()),
            Err(ChildError::StartsTooFarAhead)
        );
    }

    proptest! {
        #[test]
        fn accepted_children_are_never_born_after_today(offset in -6000i64..6000, start_after in 0i64..800) {
            let dob = today() + chrono::Duration::days(offset);
            let mut r = req();
            r.date_of_birth = dob;
            r.start_date = dob + chrono::Duration::days(start_after);
            if let Ok(child) = validate_new_child(&r, today()) {
                prop_assert!(child.date_of_birth <= today());
                prop_assert!(child.start_date >= child.date_of_birth);
            } else {
                // Refused only for a reason the rule names, at its calendar boundaries.
                let oldest = today().checked_sub_months(Months::new(12 * OLDEST_AGE_YEARS)).unwrap();
                let latest = today().checked_add_months(Months::new(LATEST_START_MONTHS_AHEAD)).unwrap();
                prop_assert!(dob > today() || dob < oldest || r.start_date > latest, "offset {}", offset);
            }
        }
    }
}

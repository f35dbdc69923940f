//! Outings (issue 16). The settings' policies: "In the case of an outing, all data must be
//! transferred/deleted from the setting's technological device before leaving the setting";
//! devices may go on visits "as long as the photographs are not linked with children's names".
//! A tablet goes only once everything made on it is on the setting's server, and carries only
//! the children on the outing, by first name, with their answers for the camera.

use crate::api::Child;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a tablet is not ready to go.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NotReady {
    #[error(
        "{0} on this tablet not on the setting’s server yet. Sync on the setting’s Wi-Fi first, then get ready again."
    )]
    NotOnServer(String),
    #[error(
        "{0} refused by the server: see the list below, deal with each or mark it seen, then get ready again."
    )]
    Refused(String),
    #[error("Choose the children going on the outing.")]
    NoChildren,
}

fn changes(n: usize) -> String {
    if n == 1 {
        "1 change is".into()
    } else {
        format!("{n} changes are")
    }
}

/// Ready when nothing made here waits for the server or stands refused, and someone is going.
pub fn ready(waiting: usize, refused: usize, children: usize) -> Result<(), NotReady> {
    if waiting > 0 {
        return Err(NotReady::NotOnServer(changes(waiting)));
    }
    if refused > 0 {
        let were = if refused == 1 {
            "1 change was".to_owned()
        } else {
            format!("{refused} changes were")
        };
        return Err(NotReady::Refused(were));
    }
    if children == 0 {
        return Err(NotReady::NoChildren);
    }
    Ok(())
}

/// What a tablet carries of a child on the outing: the first name the camera's list shows and
/// the id its consent answers are found by; no surname, no key person.
pub fn carried(child: &Child) -> Child {
    Child {
        surname: String::new(),
        key_person_name: String::new(),
        ..child.clone()
    }
}

/// `POST /api/sync/outing`: a tablet leaves with `children` children (`out`), or is back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutingReport {
    pub out: bool,
    pub children: u32,
}

/// A tablet out on an outing, as the manager sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outing {
    pub since: DateTime<Utc>,
    pub children: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use uuid::Uuid;

    #[test]
    fn a_tablet_goes_only_with_everything_on_the_server_and_someone_going() {
        assert_eq!(ready(0, 0, 2), Ok(()));
        assert_eq!(
            ready(3, 0, 2).unwrap_err().to_string(),
            "3 changes are on this tablet not on the setting’s server yet. Sync on the setting’s Wi-Fi first, then get ready again."
        );
        assert!(
            ready(1, 0, 2)
                .unwrap_err()
                .to_string()
                .starts_with("1 change is")
        );
        assert!(
            ready(0, 1, 2)
                .unwrap_err()
                .to_string()
                .starts_with("1 change was refused")
        );
        assert_eq!(ready(0, 0, 0), Err(NotReady::NoChildren));
    }

    #[test]
    fn a_child_goes_by_first_name_only() {
        let day = NaiveDate::from_ymd_opt(2024, 9, 2).unwrap();
        let ava = Child {
            id: Uuid::from_u128(1),
            first_name: "Ava".into(),
            surname: "Okafor".into(),
            date_of_birth: day,
            start_date: day,
            key_person_id: Uuid::from_u128(2),
            key_person_name: "Priya Shah".into(),
            high_risk: false,
            leaving_date: None,
            picture: None,
        };
        let out = carried(&ava);
        assert_eq!((out.id, out.first_name.as_str()), (ava.id, "Ava"));
        assert!(out.surname.is_empty() && out.key_person_name.is_empty());
    }
}

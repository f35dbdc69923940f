//! What a tablet holds (issue 16): what a manager answering an inspector's "what is on that
//! tablet?" can show, on the tablet's own sync page and for every tablet on the manager's.
//! Counts, dates and sizes only: never a name, a word of an entry or a picture.

use crate::dates::format_uk;
use crate::storage::human_size;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// `POST /api/sync/holdings`, sent by a tablet after each sync, and shown to managers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holdings {
    /// Observations (drafts among them) and two-year checks.
    pub records: u32,
    /// Photos the tablet knows of, and how many of them it holds the picture of.
    pub photos: u32,
    pub photos_here: u32,
    /// The day the oldest photo held here was taken.
    pub oldest_photo_here: Option<NaiveDate>,
    /// Changes made here that the server has not taken yet.
    pub not_on_server: u32,
    /// What the browser says Burrow uses on the tablet, if it says.
    pub bytes: Option<u64>,
}

/// Why a report of holdings is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoldingsError {
    #[error("A tablet cannot hold the pictures of more photos than it knows of.")]
    MorePicturesThanPhotos,
}

pub fn check(h: &Holdings) -> Result<(), HoldingsError> {
    if h.photos_here > h.photos {
        return Err(HoldingsError::MorePicturesThanPhotos);
    }
    Ok(())
}

fn count(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The holdings in a sentence or two, for the sync page and the manager's list of tablets.
pub fn describe(h: &Holdings) -> String {
    let mut said = format!(
        "{}; {}",
        count(h.records, "record", "records"),
        count(h.photos, "photo", "photos")
    );
    if h.photos > 0 {
        said.push_str(&format!(", the pictures of {} here", h.photos_here));
    }
    if let Some(oldest) = h.oldest_photo_here {
        said.push_str(&format!(" (the oldest taken on {})", format_uk(oldest)));
    }
    if let Some(bytes) = h.bytes {
        said.push_str(&format!("; {} in all", human_size(bytes)));
    }
    said.push_str(". ");
    said.push_str(&match h.not_on_server {
        0 => "Everything made here is on the setting’s server.".to_owned(),
        n => format!(
            "{} not on the setting’s server yet.",
            count(n, "change is", "changes are")
        ),
    });
    said
}

/// A tablet's holdings as the manager sees them: what it said, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reported {
    pub holdings: Holdings,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some() -> Holdings {
        Holdings {
            records: 12,
            photos: 40,
            photos_here: 25,
            oldest_photo_here: NaiveDate::from_ymd_opt(2026, 9, 1),
            not_on_server: 0,
            bytes: Some(35_200_000),
        }
    }

    #[test]
    fn holdings_read_as_counts_and_dates() {
        assert_eq!(
            describe(&some()),
            "12 records; 40 photos, the pictures of 25 here (the oldest taken on 01/09/2026); 35.2 MB in all. Everything made here is on the setting’s server."
        );
        let mut waiting = some();
        waiting.not_on_server = 1;
        assert!(describe(&waiting).ends_with("1 change is not on the setting’s server yet."));
        waiting.not_on_server = 3;
        assert!(describe(&waiting).ends_with("3 changes are not on the setting’s server yet."));
    }

    #[test]
    fn a_tablet_cannot_hold_more_pictures_than_photos() {
        assert_eq!(check(&some()), Ok(()));
        let mut wrong = some();
        wrong.photos_here = 41;
        assert_eq!(check(&wrong), Err(HoldingsError::MorePicturesThanPhotos));
    }
}

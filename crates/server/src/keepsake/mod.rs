//! A leaver's keepsake (issue 15): their journal as the family may see it, made into a PDF on
//! the server (`pdf`). What goes in is gathered by `routes::keepsake` through the same path as
//! a family's phone (core's `parent_view`, photos as rendered for that family), so the book
//! never names another child.

pub mod archive;
pub mod pdf;
pub mod resume;
pub(crate) mod shape;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// The whole journal, ready to lay out. Serialised only for its fingerprint (`resume`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Book {
    pub first_name: String,
    /// Never printed: kept so no photo in the archive is named with it.
    pub surname: String,
    pub setting: String,
    pub started: NaiveDate,
    pub left: Option<NaiveDate>,
    /// When this copy was made (the PDF's own date, which PDF/A requires). Not part of the
    /// fingerprint: the ETag carries it beside.
    #[serde(skip)]
    pub made_at: DateTime<Utc>,
    /// Oldest first.
    pub entries: Vec<BookEntry>,
    pub progress: Vec<AreaSummary>,
    /// The progress check at age two, if one was shared with the family.
    pub two_year_check: Option<TwoYearCheck>,
}

/// The two-year check as the family read it: each prime area's standing and note, how the
/// setting will support the child and ideas for home, other children's names taken out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TwoYearCheck {
    pub written_on: NaiveDate,
    /// Area name, its standing in words (if given), the key person's note.
    pub areas: Vec<(String, Option<String>, String)>,
    pub support: String,
    pub at_home: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BookEntry {
    pub observed_at: DateTime<Utc>,
    /// As written, other children already "a friend".
    pub text: String,
    /// Area and aspect names, not codes.
    pub aspects: Vec<String>,
    pub characteristics: Vec<String>,
    pub next_steps: String,
    /// JPEGs as rendered for this family, embedded unchanged (filled in just before the PDF
    /// is made; what they are made from is in the fingerprint apart).
    #[serde(skip)]
    pub photos: Vec<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaSummary {
    pub area: String,
    pub entries: u32,
    pub latest_band: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeepsakeError {
    #[error("the keepsake's font could not be read")]
    Font,
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

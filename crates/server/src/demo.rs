//! A demo setting, so a newcomer can click around at once (`cargo xtask serve --demo`).
//! Made only when the setting is not yet set up; everyone in it is fictional.

use crate::db::Db;
use crate::error::AppError;
use crate::routes::today_in_england;
use crate::secrets;
use crate::store::{self, NewStaff};
use burrow_core::api::NewChildRequest;
use burrow_core::child::validate_new_child;
use burrow_core::consent::{ConsentRecord, HowGiven, Purpose};
use burrow_core::names::name_key;
use burrow_core::staff::Role;
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use uuid::Uuid;

pub const SETTING: &str = "Little Acorns Nursery (demo)";
/// Everyone in the demo signs in with this passphrase.
pub const PASSPHRASE: &str = "teapot river lantern";
pub const STAFF: &[(&str, Role)] = &[
    ("Sam Patel", Role::Manager),
    ("Jo Bloggs", Role::Deputy),
    ("Priya Shah", Role::Practitioner),
    ("Tom Evans", Role::Practitioner),
];
/// First name, surname, age in months, key person (index into STAFF).
const CHILDREN: &[(&str, &str, u32, usize)] = &[
    ("Ava", "Okafor", 38, 2),
    ("Noah", "Williams", 27, 2),
    ("Isla", "Kowalski", 44, 3),
    ("Leo", "Hughes", 19, 3),
    ("Maya", "Begum", 52, 1),
];

/// Returns true if the demo was created, false if the setting already existed.
pub async fn create_if_new(db: &Db) -> Result<bool, AppError> {
    let hash = secrets::hash_passphrase(PASSPHRASE.to_owned()).await?;
    let today = today_in_england();
    db.call(move |conn| {
        let tx = conn.transaction()?;
        if store::setting_name(&tx)?.is_some() {
            return Ok(false);
        }
        let now = Utc::now();
        store::insert_setting(&tx, SETTING, now)?;
        let mut ids = Vec::new();
        for (name, role) in STAFF {
            let id = Uuid::now_v7();
            let key = name_key(name);
            let staff = NewStaff {
                id,
                name,
                name_key: &key,
                role: *role,
                passphrase_hash: Some(&hash),
                invite_hash: None,
                invite_expires: None,
            };
            store::insert_staff(&tx, &staff, now)?;
            ids.push(id);
        }
        for (first, surname, months, key_person) in CHILDREN {
            let born = today
                .checked_sub_months(Months::new(*months))
                .unwrap_or(today);
            let req = NewChildRequest {
                first_name: (*first).into(),
                surname: (*surname).into(),
                date_of_birth: born,
                start_date: born
                    .checked_add_months(Months::new(9))
                    .unwrap_or(today)
                    .min(today),
                key_person_id: ids[*key_person],
            };
            let child = validate_new_child(&req, today)
                .map_err(|e| AppError::internal(format!("demo child: {e}")))?;
            let child_id = Uuid::now_v7();
            store::insert_child(&tx, child_id, &child, now)?;
            // Consent is collected at admission: recorded on the child's first day, so a photo
            // a tablet dated earlier in the term (a test's clock) is checked against it.
            let admitted = child
                .start_date
                .and_hms_opt(9, 0, 0)
                .map_or(now, |t| t.and_utc().min(now));
            for record in consents(child_id, first, ids[0], admitted, today) {
                store::insert_consent(&tx, &record)?;
            }
        }
        store::delete_setup_code(&tx)?;
        tx.commit()?;
        Ok(true)
    })
    .await
}

/// Consents that show each way the camera can refuse: Ava has them all; Noah may not appear in
/// other children's journals; Isla's parent said no to photos; Leo's answer is past its review;
/// Maya's review is due by the end of this month.
fn consents(
    child_id: Uuid,
    first_name: &str,
    manager: Uuid,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Vec<ConsentRecord> {
    let in_months = |m: u32| today.checked_add_months(Months::new(m)).unwrap_or(today);
    let end_of_month = today
        .with_day(1)
        .and_then(|d| d.checked_add_months(Months::new(1)))
        .and_then(|d| d.pred_opt())
        .unwrap_or(today);
    let (parent, answers): (&str, Vec<(Purpose, bool, NaiveDate)>) = match first_name {
        "Ava" => (
            "Grace Okafor",
            Purpose::ALL
                .iter()
                .map(|&p| (p, true, in_months(10)))
                .collect(),
        ),
        "Noah" => (
            "Daniel Williams",
            vec![(Purpose::JournalPhotos, true, in_months(10))],
        ),
        "Isla" => (
            "Anna Kowalski",
            vec![(Purpose::JournalPhotos, false, in_months(10))],
        ),
        "Leo" => (
            "Chris Hughes",
            vec![
                (
                    Purpose::JournalPhotos,
                    true,
                    today.pred_opt().unwrap_or(today),
                ),
                (
                    Purpose::OtherJournals,
                    true,
                    today.pred_opt().unwrap_or(today),
                ),
            ],
        ),
        _ => (
            "Rubina Begum",
            vec![
                (Purpose::JournalPhotos, true, end_of_month),
                (Purpose::OtherJournals, true, end_of_month),
            ],
        ),
    };
    answers
        .into_iter()
        .map(|(purpose, granted, review_by)| ConsentRecord {
            id: Uuid::now_v7(),
            child_id,
            purpose,
            granted,
            given_by: parent.into(),
            how: HowGiven::WrittenForm {
                reference: format!("Admission form {}", &parent[..1]),
            },
            recorded_by: manager,
            recorded_at: now,
            review_by,
        })
        .collect()
}

//! A demo setting, so a newcomer can click around at once (`cargo xtask serve --demo`).
//! Made only when the setting is not yet set up; everyone in it is fictional.

use crate::db::Db;
use crate::error::AppError;
use crate::routes::today_in_england;
use crate::secrets;
use crate::store::{self, NewStaff};
use burrow_core::api::NewChildRequest;
use burrow_core::child::validate_new_child;
use burrow_core::names::name_key;
use burrow_core::staff::Role;
use chrono::{Months, Utc};
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
            store::insert_child(&tx, Uuid::now_v7(), &child, now)?;
        }
        store::delete_setup_code(&tx)?;
        tx.commit()?;
        Ok(true)
    })
    .await
}

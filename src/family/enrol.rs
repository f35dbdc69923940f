//! Enrolling a parent's phone: the server proves its identity (pinned from then on), the phone
//! makes its P-256 signing key and sends the public half with the invite code. The data key is
//! made and wrapped under the parent's passphrase before the code is spent, so once the server
//! said yes only the phone's own writes remain.

use super::mark;
use crate::api::{self, ApiError};
use crate::enrolment::{self, Enrolment};
use crate::lock::{Lock, as_form_error};
use crate::store::family::{self, Phone};
use crate::store::keys::{keys_from, new_data_key, wrap};
use crate::store::{crypto, tablet};
use burrow_core::api::{ParentEnrolRequest, ParentEnrolResponse};
use burrow_core::keys::PBKDF2_ITERATIONS;
use burrow_core::passphrase;
use uuid::Uuid;

fn on_phone(e: impl std::fmt::Display) -> ApiError {
    ApiError::on_tablet(e.to_string())
}

/// Enrols this phone with `code` and locks its store under `passphrase`; unlocks it.
pub async fn enrol(lock: Lock, code: &str, passphrase_typed: &str) -> Result<(), ApiError> {
    if code.trim().is_empty() {
        return Err(ApiError::invalid(
            "code",
            "Type the invite code the setting's manager gave you.",
        ));
    }
    passphrase::check(passphrase_typed, &[])
        .map_err(|w| ApiError::invalid("passphrase", &w.to_string()))?;
    let mut store = tablet::open().await.map_err(on_phone)?;
    if !tablet::people(&store).await.map_err(on_phone)?.is_empty() {
        return Err(ApiError::on_tablet(
            "This device is already one of the setting's tablets, so it cannot also be a family's phone. Use your own phone.".into(),
        ));
    }
    // What an earlier set-up of this phone left (its key wrapped under a forgotten passphrase,
    // where it had read to) goes first, so the new journal starts from the beginning.
    if !store.wrapped_keys().await.map_err(on_phone)?.is_empty() {
        store.close();
        tablet::wipe().await.map_err(on_phone)?;
        store = tablet::open().await.map_err(on_phone)?;
    }
    // Everything that can fail on the phone happens before the code is spent.
    let person = Uuid::now_v7();
    let data_key = new_data_key().map_err(on_phone)?;
    let wrapped = wrap(&data_key, person, passphrase_typed, PBKDF2_ITERATIONS)
        .await
        .map_err(on_phone)?;
    let keys = keys_from(&data_key, person).await.map_err(on_phone)?;
    let server_key = enrolment::identity().await?;
    let (private_key, public_key) = crypto::new_signing_key().await.map_err(on_phone)?;
    let answer: ParentEnrolResponse = api::post(
        "/api/parents/enrol",
        &ParentEnrolRequest {
            code: code.trim().to_owned(),
            public_key: hex::encode(&public_key),
        },
    )
    .await?;
    let phone = Phone {
        enrolment: Enrolment::for_phone(answer.device_id, private_key, server_key),
        parent_name: answer.parent_name,
        children: answer.children,
        leaving: Vec::new(),
        left: Vec::new(),
    };
    family::keep_phone(&store, &keys, &phone)
        .await
        .map_err(on_phone)?;
    store
        .save_wrapped_key(&wrapped)
        .await
        .map_err(|e| as_form_error(e.into()))?;
    mark(person);
    lock.unlocked(
        tablet::Person {
            id: person,
            name: phone.parent_name.clone(),
        },
        keys,
    );
    Ok(())
}

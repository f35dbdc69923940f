//! The first manager sets the setting up with the one-time code the server printed.

use super::session::{refuse_if_throttled, start_session};
use crate::auth::Scheme;
use crate::error::{ApiJson, AppError};
use crate::premises::ClientAddr;
use crate::secrets;
use crate::state::AppState;
use crate::store::{self, NewStaff};
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use burrow_core::api::SetupRequest;
use burrow_core::names::{clean_name, name_key};
use burrow_core::passphrase;
use burrow_core::staff::Role;
use chrono::Utc;
use uuid::Uuid;

fn already_set_up() -> AppError {
    AppError::conflict(
        Some("code"),
        "This setting is already set up, so the set-up code no longer works. Sign in instead.",
    )
}

pub async fn setup(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    Extension(scheme): Extension<Scheme>,
    ApiJson(req): ApiJson<SetupRequest>,
) -> Result<Response, AppError> {
    refuse_if_throttled(&state, None, ip)?;
    let typed = secrets::code_hash(&req.code);
    let (existing, stored) = state
        .db
        .call(|c| Ok((store::setting_name(c)?, store::setup_code_hash(c)?)))
        .await?;
    if existing.is_some() {
        return Err(already_set_up());
    }
    if !stored.is_some_and(|h| secrets::same_hash(&h, &typed)) {
        state.throttles.record_failure(None, ip, Utc::now());
        return Err(AppError::Refused {
            status: StatusCode::FORBIDDEN,
            message: "That set-up code is not right. Use the code the server printed when it started; it looks like ABCDE-FGHJK.".into(),
            field: Some("code".into()),
        });
    }
    let setting_name = clean_name(&req.setting_name)
        .map_err(|e| AppError::invalid("setting_name", format!("Setting name: {e}")))?;
    let manager_name = clean_name(&req.manager_name)
        .map_err(|e| AppError::invalid("manager_name", format!("Your name: {e}")))?;
    passphrase::check(&req.passphrase, &[&manager_name, &setting_name])
        .map_err(|e| AppError::invalid("passphrase", e.to_string()))?;
    let hash = secrets::hash_passphrase(req.passphrase).await?;

    let manager_id = Uuid::now_v7();
    start_session(&state, scheme, manager_id, move |tx, now| {
        // Checked again inside the transaction: two people racing with the same code get one winner.
        if store::setting_name(tx)?.is_some() {
            return Err(already_set_up());
        }
        if !store::setup_code_hash(tx)?.is_some_and(|h| secrets::same_hash(&h, &typed)) {
            return Err(already_set_up());
        }
        store::insert_setting(tx, &setting_name, now)?;
        let key = name_key(&manager_name);
        let manager = NewStaff {
            id: manager_id,
            name: &manager_name,
            name_key: &key,
            role: Role::Manager,
            passphrase_hash: Some(&hash),
            invite_hash: None,
            invite_expires: None,
        };
        store::insert_staff(tx, &manager, now)?;
        store::delete_setup_code(tx)?;
        Ok(())
    })
    .await
}

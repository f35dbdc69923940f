//! How the setting runs Burrow: for now, how soon an idle tablet locks itself.

use crate::auth::{Manager, SignedIn};
use crate::error::{ApiJson, AppError};
use crate::state::AppState;
use crate::store;
use axum::Json;
use axum::extract::State;
use burrow_core::api::SettingOptions;
use burrow_core::lock::{DEFAULT_LOCK_AFTER_MINUTES, check_lock_after};

pub async fn get(
    _: SignedIn,
    State(state): State<AppState>,
) -> Result<Json<SettingOptions>, AppError> {
    let minutes = state.db.call(|c| Ok(store::lock_after_minutes(c)?)).await?;
    Ok(Json(SettingOptions {
        lock_after_minutes: minutes.unwrap_or(DEFAULT_LOCK_AFTER_MINUTES),
    }))
}

pub async fn put(
    _: Manager,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SettingOptions>,
) -> Result<Json<SettingOptions>, AppError> {
    let minutes = check_lock_after(req.lock_after_minutes)
        .map_err(|e| AppError::invalid("lock_after_minutes", e.to_string()))?;
    state
        .db
        .call(move |c| {
            if store::set_lock_after_minutes(c, minutes)? {
                Ok(())
            } else {
                Err(AppError::internal("no setting row"))
            }
        })
        .await?;
    tracing::info!(minutes, "idle-lock time changed");
    Ok(Json(SettingOptions {
        lock_after_minutes: minutes,
    }))
}

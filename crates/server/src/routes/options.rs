//! How the setting runs Burrow: how soon an idle tablet locks itself, and whether observations
//! wait for validation before parents see them.

use crate::auth::{Manager, SignedIn};
use crate::error::{ApiJson, AppError};
use crate::state::AppState;
use crate::store;
use crate::store::audit::{self, Event};
use axum::Json;
use axum::extract::State;
use burrow_core::api::SettingOptions;
use burrow_core::audit::Action;
use burrow_core::lock::{DEFAULT_LOCK_AFTER_MINUTES, check_lock_after};
use chrono::Utc;

pub async fn get(
    _: SignedIn,
    State(state): State<AppState>,
) -> Result<Json<SettingOptions>, AppError> {
    let (minutes, validation_required) = state
        .db
        .call(|c| {
            Ok((
                store::lock_after_minutes(c)?,
                store::validation_required(c)?,
            ))
        })
        .await?;
    Ok(Json(SettingOptions {
        lock_after_minutes: minutes.unwrap_or(DEFAULT_LOCK_AFTER_MINUTES),
        validation_required,
    }))
}

pub async fn put(
    Manager(me): Manager,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SettingOptions>,
) -> Result<Json<SettingOptions>, AppError> {
    let minutes = check_lock_after(req.lock_after_minutes)
        .map_err(|e| AppError::invalid("lock_after_minutes", e.to_string()))?;
    let validation_required = req.validation_required;
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            if !store::set_options(&tx, minutes, validation_required)? {
                return Err(AppError::internal("no setting row"));
            }
            let detail = format!(
                "lock after {minutes} min; validation {}",
                if validation_required {
                    "required"
                } else {
                    "not required"
                }
            );
            audit::append(
                &tx,
                Event::new(Action::OptionsChanged).by(&me).detail(detail),
                Utc::now(),
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    tracing::info!(minutes, validation_required, "setting options changed");
    Ok(Json(SettingOptions {
        lock_after_minutes: minutes,
        validation_required,
    }))
}

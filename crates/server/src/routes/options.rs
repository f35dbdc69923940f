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
use burrow_core::leaving::check_grace;
use burrow_core::lock::{DEFAULT_LOCK_AFTER_MINUTES, check_lock_after};
use chrono::Utc;

pub async fn get(
    _: SignedIn,
    State(state): State<AppState>,
) -> Result<Json<SettingOptions>, AppError> {
    let (minutes, validation_required, grace, outing_clears_tablet) = state
        .db
        .call(|c| {
            Ok((
                store::lock_after_minutes(c)?,
                store::validation_required(c)?,
                store::leaving::grace_days(c)?,
                store::retention::outing_clears_tablet(c)?,
            ))
        })
        .await?;
    Ok(Json(SettingOptions {
        lock_after_minutes: minutes.unwrap_or(DEFAULT_LOCK_AFTER_MINUTES),
        validation_required,
        deletion_grace_days: grace,
        outing_clears_tablet,
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
    let grace = req.deletion_grace_days;
    let outing_clears_tablet = req.outing_clears_tablet;
    check_grace(grace).map_err(|e| AppError::invalid(e.field(), e.to_string()))?;
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            if !store::set_options(&tx, minutes, validation_required)? {
                return Err(AppError::internal("no setting row"));
            }
            store::leaving::set_grace_days(&tx, grace)?;
            store::retention::set_outing_clears_tablet(&tx, outing_clears_tablet)?;
            let detail = format!(
                "lock after {minutes} min; validation {}; leavers' data deleted {grace} days after leaving; outings {}",
                if validation_required {
                    "required"
                } else {
                    "not required"
                },
                if outing_clears_tablet {
                    "carry only the children going"
                } else {
                    "keep everything on the tablet"
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
    tracing::info!(
        minutes,
        validation_required,
        grace,
        "setting options changed"
    );
    // A shorter grace period may make a leaver's deletion due now.
    crate::deletion::soon(&state);
    Ok(Json(SettingOptions {
        lock_after_minutes: minutes,
        validation_required,
        deletion_grace_days: grace,
        outing_clears_tablet,
    }))
}

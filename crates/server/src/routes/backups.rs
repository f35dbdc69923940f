//! Backups, for managers (issue 17): where they stand, the recovery key (shown once), the
//! folder they go to, and "Back up now".

use crate::auth::Manager;
use crate::backup::{self, nightly};
use crate::error::{ApiJson, AppError};
use crate::state::AppState;
use crate::store;
use crate::store::audit::{self, Event};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use burrow_core::api::{BackupFolder, BackupStatus, NewRecoveryKey, RecoveryKeyRequest};
use burrow_core::audit::Action;
use chrono::Utc;

pub async fn status(
    _: Manager,
    State(state): State<AppState>,
) -> Result<Json<BackupStatus>, AppError> {
    Ok(Json(nightly::status(&state).await?))
}

/// Makes the recovery key. The server keeps only its public half; the key itself is in this
/// answer and nowhere else.
pub async fn recovery_key(
    Manager(me): Manager,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RecoveryKeyRequest>,
) -> Result<Json<NewRecoveryKey>, AppError> {
    let (secret, public) = backup::new_recovery_key();
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let had = store::backups::settings(&tx)?.recipient.is_some();
            if had && !req.replace {
                return Err(AppError::refused(
                    StatusCode::CONFLICT,
                    "Backups have a recovery key already. Make a new one only if the old one is lost: backups made before still need the old key.",
                ));
            }
            store::backups::set_recipient(&tx, &public, Utc::now())?;
            audit::append(
                &tx,
                Event::new(Action::BackupsChanged).by(&me).detail(if had {
                    "a new recovery key replaced the old one"
                } else {
                    "recovery key made"
                }),
                Utc::now(),
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    tracing::info!("backup recovery key made");
    Ok(Json(NewRecoveryKey {
        recovery_key: burrow_core::backup::grouped(&secret),
    }))
}

pub async fn folder(
    Manager(me): Manager,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<BackupFolder>,
) -> Result<Json<BackupStatus>, AppError> {
    let folder = req.folder.trim().to_owned();
    let data_dir = state.data_dir.clone();
    let checked = folder.clone();
    tokio::task::spawn_blocking(move || backup::check_folder(&checked, &data_dir))
        .await
        .map_err(|e| AppError::internal(e.to_string()))?
        .map_err(|why| AppError::invalid("folder", why))?;
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            store::backups::set_folder(&tx, &folder)?;
            audit::append(
                &tx,
                Event::new(Action::BackupsChanged)
                    .by(&me)
                    .detail("backup folder chosen"),
                Utc::now(),
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(Json(nightly::status(&state).await?))
}

/// Writes a backup now; the answer says how it went (a failure is in `standing`, in words).
pub async fn now(
    _: Manager,
    State(state): State<AppState>,
) -> Result<Json<BackupStatus>, AppError> {
    nightly::run(&state).await?;
    Ok(Json(nightly::status(&state).await?))
}

//! A leaver's deletion after it ran (issue 15 parts 7 and 8): the manager's list of deletions
//! with the devices still holding a copy, the signed receipt, and the devices saying they have
//! deleted their copies (a tablet at sync, a parent's phone when it closes a journal).

use crate::auth::{Manager, SignedIn};
use crate::error::AppError;
use crate::extract::Path;
use crate::proof::{ParentSigned, Signed};
use crate::state::AppState;
use crate::store;
use crate::store::audit::{self, Event};
use crate::store::deletion;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use burrow_core::api::{ClosedDone, DeletionSummary, DeletionsDone};
use burrow_core::audit::Action;
use burrow_core::receipt::{Receipt, file_name};
use chrono::Utc;
use uuid::Uuid;

/// Most ids one confirmation may carry: far more than any tablet has waiting.
const MAX_IDS: usize = 500;

/// `GET /api/deletions`: every deletion, newest first, with the devices still to confirm.
pub async fn list(
    _: Manager,
    State(state): State<AppState>,
) -> Result<Json<Vec<DeletionSummary>>, AppError> {
    Ok(Json(state.db.read(|c| Ok(deletion::list(c)?)).await?))
}

/// `GET /api/deletions/{id}/receipt`: the receipt as it stands now, signed by the server.
pub async fn receipt(
    _: Manager,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let (kept, setting) = state
        .db
        .read(move |c| Ok((deletion::get(c, id)?, store::setting_name(c)?)))
        .await?;
    let Some(kept) = kept else {
        return Err(AppError::refused(StatusCode::NOT_FOUND, "Not found."));
    };
    let receipt = Receipt {
        setting: setting.unwrap_or_default(),
        child: kept.child,
        last_day: kept.last_day,
        deleted_at: kept.deleted_at,
        removed: kept.removed,
        devices: kept.devices,
        issued_at: Utc::now(),
    };
    let name = file_name(&receipt);
    let signed = state
        .identity
        .sign_receipt(receipt)
        .ok_or_else(|| AppError::internal("the receipt could not be signed"))?;
    let body = serde_json::to_vec_pretty(&signed)
        .map_err(|_| AppError::internal("the receipt would not serialise"))?;
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .map_err(|_| AppError::internal("receipt file name"))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

fn too_many() -> AppError {
    AppError::refused(
        StatusCode::UNPROCESSABLE_ENTITY,
        "That is more than one confirmation can carry. Sync again.",
    )
}

/// `POST /api/sync/deletions`: a tablet deleted everything it held of these leavers.
pub async fn tablet_done(
    _: SignedIn,
    State(state): State<AppState>,
    signed: Signed,
) -> Result<StatusCode, AppError> {
    let done: DeletionsDone = serde_json::from_slice(&signed.body).map_err(|_| {
        AppError::refused(
            StatusCode::BAD_REQUEST,
            "Send the deletions this tablet carried out, as a list of ids.",
        )
    })?;
    if done.ids.len() > MAX_IDS {
        return Err(too_many());
    }
    let device = signed.device;
    confirm(&state, device, move |c, now| {
        Ok(deletion::confirm(c, device, &done.ids, now)?)
    })
    .await
}

/// `POST /api/parent/closed`: a parent's phone took these children's journals off itself.
pub async fn phone_done(
    State(state): State<AppState>,
    signed: ParentSigned,
) -> Result<StatusCode, AppError> {
    let done: ClosedDone = serde_json::from_slice(&signed.body).map_err(|_| {
        AppError::refused(
            StatusCode::BAD_REQUEST,
            "Send the children the phone closed, as a list of ids.",
        )
    })?;
    if done.children.len() > MAX_IDS {
        return Err(too_many());
    }
    let (device, parent) = (signed.device, signed.parent);
    confirm(&state, device, move |c, now| {
        // Only children this phone's family had, closed or deleted: nothing else is noted.
        let family = crate::routes::family(c, parent)?;
        let waiting: Vec<Uuid> = deletion::waiting_for(c, device)?
            .into_iter()
            .map(|w| w.child)
            .collect();
        let theirs: Vec<Uuid> = done
            .children
            .into_iter()
            .filter(|child| family.closed.contains(child) || waiting.contains(child))
            .collect();
        Ok(deletion::phone_cleared(c, device, &theirs, now)?)
    })
    .await
}

async fn confirm<F>(state: &AppState, device: Uuid, f: F) -> Result<StatusCode, AppError>
where
    F: FnOnce(&rusqlite::Connection, chrono::DateTime<Utc>) -> Result<Vec<Uuid>, AppError>
        + Send
        + 'static,
{
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let now = Utc::now();
            for child in f(&tx, now)? {
                audit::append(
                    &tx,
                    Event::new(Action::DeletionConfirmed)
                        .device(device)
                        .child(child),
                    now,
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

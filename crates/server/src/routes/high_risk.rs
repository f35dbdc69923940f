//! High-risk children: a manager flags a child (or takes the flag away), and a second manager
//! signs off each photo of them before any family may see it (core::high_risk, parent_view).

use crate::auth::Manager;
use crate::error::{ApiJson, AppError};
use crate::extract::Path;
use crate::state::AppState;
use crate::store::audit::{self, Event};
use crate::store::parents;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use burrow_core::api::HighRiskFlag;
use burrow_core::audit::Action;
use burrow_core::high_risk::{SignOffError, check_flag, check_sign_off};
use burrow_core::photo::PhotoRecord;
use chrono::Utc;
use uuid::Uuid;

fn refused(e: SignOffError) -> AppError {
    let status = match e {
        SignOffError::NotAManager | SignOffError::FlagNotAManager => StatusCode::FORBIDDEN,
        SignOffError::TookIt => StatusCode::CONFLICT,
    };
    AppError::refused(status, e.to_string())
}

/// `PUT /api/children/{id}/high-risk`.
pub async fn flag(
    Manager(me): Manager,
    State(state): State<AppState>,
    Path(child): Path<Uuid>,
    ApiJson(req): ApiJson<HighRiskFlag>,
) -> Result<Json<HighRiskFlag>, AppError> {
    check_flag(me.role).map_err(refused)?;
    if req.high_risk && req.reason.is_none() {
        return Err(AppError::invalid(
            "reason",
            "Choose why: looked after, adopted, a dispute about consent, or another safeguarding reason.",
        ));
    }
    let answer = req.clone();
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            if !parents::set_high_risk(&tx, child, req.high_risk)? {
                return Err(AppError::refused(
                    StatusCode::NOT_FOUND,
                    "There is no such child.",
                ));
            }
            let event = if req.high_risk {
                let reason = req.reason.map(|r| r.as_str()).unwrap_or("other");
                Event::new(Action::ChildFlagged).detail(reason)
            } else {
                Event::new(Action::ChildUnflagged)
            };
            audit::append(&tx, event.by(&me).child(child), Utc::now())?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(Json(answer))
}

/// `POST /api/photo-records/{id}/sign-off`: a manager or deputy who did not take the photo.
pub async fn sign_off(
    Manager(me): Manager,
    State(state): State<AppState>,
    Path(photo): Path<Uuid>,
) -> Result<StatusCode, AppError> {
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let record: PhotoRecord = parents::photo_body(&tx, photo)?
                .and_then(|b| serde_json::from_str(&b).ok())
                .ok_or_else(|| {
                    AppError::refused(
                        StatusCode::NOT_FOUND,
                        "There is no such photo on the server yet. Sync the tablet that took it.",
                    )
                })?;
            check_sign_off((me.id, me.role), record.taken_by).map_err(refused)?;
            let mut flagged = Vec::new();
            for child in &record.children {
                if parents::child_facts(&tx, *child)?.is_some_and(|f| f.high_risk) {
                    flagged.push(*child);
                }
            }
            if flagged.is_empty() {
                return Err(AppError::conflict(
                    None,
                    "No child in this photo is flagged high-risk, so it needs no sign-off.",
                ));
            }
            let now = Utc::now();
            if !parents::sign_off(&tx, photo, me.id, now)? {
                return Err(AppError::conflict(
                    None,
                    "This photo has already been signed off.",
                ));
            }
            for child in flagged {
                audit::append(
                    &tx,
                    Event::new(Action::PhotoSignedOff)
                        .by(&me)
                        .child(child)
                        .subject(photo),
                    now,
                )?;
            }
            tx.commit()?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}

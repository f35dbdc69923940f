//! The children's list, and a manager registering a child.

use crate::auth::{Manager, SignedIn};
use crate::error::{ApiJson, AppError};
use crate::state::AppState;
use crate::store;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use burrow_core::api::{Child, NewChildRequest};
use burrow_core::child::validate_new_child;
use burrow_core::child_picture;
use chrono::{NaiveDate, Utc};
use uuid::Uuid;

/// The setting's own date: a child born at 00:30 on the 1st in London was born on the 1st.
pub fn today_in_england() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .date_naive()
}

pub async fn list(
    _: SignedIn,
    State(state): State<AppState>,
) -> Result<Json<Vec<Child>>, AppError> {
    let today = today_in_england();
    let children = state
        .db
        .call(move |c| {
            let mut children = store::list_children(c)?;
            // A chosen picture goes out only while it may be shown: consent withdrawn or lapsed
            // since, or the child flagged, and the tablets show initials.
            // Only the answers of children with a picture are read (usually none).
            for child in children.iter_mut().filter(|c| c.picture.is_some()) {
                let consents: Vec<_> = store::consents_of(c, child.id)?
                    .into_iter()
                    .map(|e| e.record)
                    .collect();
                if !child_picture::may_show(child.id, child.high_risk, &consents, today) {
                    child.picture = None;
                }
            }
            Ok(children)
        })
        .await?;
    Ok(Json(children))
}

pub async fn add(
    _: Manager,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<NewChildRequest>,
) -> Result<(StatusCode, Json<Child>), AppError> {
    let child = validate_new_child(&req, today_in_england())
        .map_err(|e| AppError::invalid(e.field(), e.to_string()))?;
    let id = Uuid::now_v7();
    let saved = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            if store::staff_by_id(&tx, child.key_person_id)?.is_none() {
                return Err(AppError::invalid(
                    "key_person_id",
                    "Choose a key person from the staff list.",
                ));
            }
            store::insert_child(&tx, id, &child, Utc::now())?;
            let saved = store::list_children(&tx)?
                .into_iter()
                .find(|c| c.id == id)
                .ok_or_else(|| AppError::internal("new child row missing"))?;
            tx.commit()?;
            Ok(saved)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

//! Consent: each child's answers and where they stand, a manager recording a new answer, and
//! the setting's overview. Staff read them (the camera depends on them); managers and deputies
//! record them. Core decides what the answers mean.

use super::children::today_in_england;
use crate::auth::{Manager, SignedIn};
use crate::error::{ApiJson, AppError};
use crate::extract::Path;
use crate::state::AppState;
use crate::store;
use crate::store::audit::{self, Event};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use burrow_core::api::{Child, ChildConsents, ConsentEntry, ConsentOverview};
use burrow_core::audit::Action;
use burrow_core::consent::{
    ConsentRecord, NewConsentRequest, Purpose, overview, standing, validate_new_consent,
};
use chrono::Utc;
use rusqlite::Connection;
use uuid::Uuid;

fn child_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| {
        AppError::refused(
            StatusCode::BAD_REQUEST,
            "That is not a child's identifier. Go back to the children's list and choose again.",
        )
    })
}

fn child(conn: &Connection, id: Uuid) -> Result<Child, AppError> {
    store::list_children(conn)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| {
            AppError::refused(
                StatusCode::NOT_FOUND,
                "There is no such child in this setting. Go back to the children's list.",
            )
        })
}

pub async fn of_child(
    _: SignedIn,
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<ChildConsents>, AppError> {
    let id = child_id(&raw)?;
    let today = today_in_england();
    let answer = state
        .db
        .call(move |c| {
            let child = child(c, id)?;
            let history = store::consents_of(c, id)?;
            let records: Vec<ConsentRecord> = history.iter().map(|e| e.record.clone()).collect();
            let standings = Purpose::ALL
                .into_iter()
                .map(|p| (p, standing(&records, id, p, today)))
                .collect();
            Ok(ChildConsents {
                child,
                today,
                history,
                standings,
            })
        })
        .await?;
    Ok(Json(answer))
}

pub async fn record(
    Manager(me): Manager,
    State(state): State<AppState>,
    Path(raw): Path<String>,
    ApiJson(req): ApiJson<NewConsentRequest>,
) -> Result<(StatusCode, Json<ConsentEntry>), AppError> {
    let id = child_id(&raw)?;
    let ok = validate_new_consent(&req, today_in_england())
        .map_err(|e| AppError::invalid(e.field(), e.to_string()))?;
    let record = ConsentRecord {
        id: Uuid::now_v7(),
        child_id: id,
        purpose: ok.purpose,
        granted: ok.granted,
        given_by: ok.given_by,
        how: ok.how,
        recorded_by: me.id,
        recorded_at: Utc::now(),
        review_by: ok.review_by,
    };
    let entry = ConsentEntry {
        record: record.clone(),
        recorded_by_name: me.name.clone(),
    };
    // The purpose and the answer, never who gave it or the form's reference.
    let event = Event::new(Action::ConsentRecorded)
        .by(&me)
        .child(id)
        .subject(record.id)
        .detail(format!(
            "{}: {}",
            record.purpose.as_str(),
            if record.granted {
                "given"
            } else {
                "refused or withdrawn"
            }
        ));
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            child(&tx, id)?;
            store::insert_consent(&tx, &record)?;
            audit::append(&tx, event, record.recorded_at)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    // Which purpose changed is not personal; who and for whom stay out of the log.
    tracing::info!(purpose = entry.record.purpose.as_str(), "consent recorded");
    Ok((StatusCode::CREATED, Json(entry)))
}

pub async fn setting_overview(
    _: SignedIn,
    State(state): State<AppState>,
) -> Result<Json<ConsentOverview>, AppError> {
    let today = today_in_england();
    let answer = state
        .db
        .call(move |c| {
            let children = store::list_children(c)?;
            let records: Vec<ConsentRecord> = store::all_consents(c)?
                .into_iter()
                .map(|e| e.record)
                .collect();
            let ids: Vec<Uuid> = children.iter().map(|c| c.id).collect();
            let rows = overview(&ids, &records, today);
            Ok(ConsentOverview {
                today,
                children: children.into_iter().zip(rows).collect(),
            })
        })
        .await?;
    Ok(Json(answer))
}

/// Every answer in the setting, for tablets to keep (sealed) so the camera can check consent
/// when the server is out of reach.
pub async fn records(
    _: SignedIn,
    State(state): State<AppState>,
) -> Result<Json<Vec<ConsentRecord>>, AppError> {
    let records = state
        .db
        .call(|c| {
            Ok(store::all_consents(c)?
                .into_iter()
                .map(|e| e.record)
                .collect())
        })
        .await?;
    Ok(Json(records))
}

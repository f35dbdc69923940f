//! A child's leaving date (issue 15 part 1): a manager or deputy records it, changes it or
//! cancels it until it passes (core::leaving), audited. The family's access closes the day
//! after (`family`, used by every route a parent's phone calls).

use crate::auth::Manager;
use crate::error::{ApiJson, AppError};
use crate::extract::Path;
use crate::routes::today_in_england;
use crate::state::AppState;
use crate::store::audit::{self, Event};
use crate::{store, store::leaving};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use burrow_core::api::{Child, ChildLeaving, LeavingRequest};
use burrow_core::audit::Action;
use burrow_core::leaving::{access_open, check_leaving};
use chrono::Utc;
use rusqlite::Connection;
use uuid::Uuid;

/// `PUT /api/children/{id}/leaving`.
pub async fn set(
    Manager(me): Manager,
    State(state): State<AppState>,
    Path(child): Path<Uuid>,
    ApiJson(req): ApiJson<LeavingRequest>,
) -> Result<Json<Child>, AppError> {
    let today = today_in_england();
    let saved = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let Some((start, current)) = leaving::dates_of(&tx, child)? else {
                return Err(AppError::refused(
                    StatusCode::NOT_FOUND,
                    "There is no such child.",
                ));
            };
            check_leaving(start, current, req.leaving_date, today)
                .map_err(|e| AppError::invalid(e.field(), e.to_string()))?;
            if current != req.leaving_date {
                leaving::set(&tx, child, req.leaving_date, me.id)?;
                let event = match req.leaving_date {
                    Some(date) => Event::new(Action::LeavingDateSet).detail(date.to_string()),
                    None => Event::new(Action::LeavingCancelled),
                };
                audit::append(&tx, event.by(&me).child(child), Utc::now())?;
            }
            let saved = store::list_children(&tx)?
                .into_iter()
                .find(|c| c.id == child)
                .ok_or_else(|| AppError::internal("child row missing"))?;
            tx.commit()?;
            Ok(saved)
        })
        .await?;
    // A date moved into the past may make the deletion due now.
    crate::deletion::soon(&state);
    Ok(Json(saved))
}

/// A parent's children as their phone may have them today: those whose journals are open, the
/// leavers among them with their last day, and those who have left (closed to the family).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Family {
    pub open: Vec<Uuid>,
    pub leaving: Vec<ChildLeaving>,
    pub closed: Vec<Uuid>,
}

pub fn family(c: &Connection, parent: Uuid) -> Result<Family, AppError> {
    let today = today_in_england();
    let mut family = Family::default();
    for (child, date) in leaving::family_dates(c, parent)? {
        if !access_open(date, today) {
            family.closed.push(child);
            continue;
        }
        family.open.push(child);
        if let Some(last_day) = date {
            family.leaving.push(ChildLeaving { child, last_day });
        }
    }
    Ok(family)
}

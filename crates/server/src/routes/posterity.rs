//! A leaving child's photos a manager keeps "for posterity" (issue 15 part 6): only where every
//! child in the photo has consent for displays (core::leaving::may_keep_for_posterity), until
//! the child's data is deleted; each choice audited. The deletion leaves those photos.

use crate::auth::Manager;
use crate::error::{ApiJson, AppError};
use crate::extract::Path;
use crate::routes::today_in_england;
use crate::state::AppState;
use crate::store::audit::{self, Event};
use crate::store::deletion as store;
use crate::store::{self as db, sync as records};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use burrow_core::api::{PosterityPhoto, PosterityRequest};
use burrow_core::audit::Action;
use burrow_core::consent::{Purpose, Standing, standing};
use burrow_core::leaving::may_keep_for_posterity;
use burrow_core::photo::PhotoRecord;
use chrono::{NaiveDate, Utc};
use rusqlite::Connection;
use uuid::Uuid;

fn no_child() -> AppError {
    AppError::refused(StatusCode::NOT_FOUND, "There is no such child.")
}

/// One photo as the manager's page shows it.
fn describe(
    c: &Connection,
    child: Uuid,
    record: &PhotoRecord,
    kept: bool,
    today: NaiveDate,
) -> Result<PosterityPhoto, AppError> {
    let mut names = std::collections::HashMap::new();
    let mut displays = std::collections::HashMap::new();
    for other in &record.children {
        names.insert(
            *other,
            records::first_name(c, *other)?.unwrap_or_else(|| "A child who has left".into()),
        );
        let history: Vec<_> = db::consents_of(c, *other)?
            .into_iter()
            .map(|e| e.record)
            .collect();
        displays.insert(
            *other,
            matches!(
                standing(&history, *other, Purpose::Displays, today),
                Standing::Granted { .. }
            ),
        );
    }
    let refused = may_keep_for_posterity(
        record,
        child,
        |c| displays.get(&c).copied().unwrap_or(false),
        |c| names.get(&c).cloned().unwrap_or_default(),
    )
    .err()
    .map(|e| e.to_string());
    Ok(PosterityPhoto {
        photo: record.id,
        thumb: record.thumb_id,
        taken_at: record.taken_at,
        with: record
            .children
            .iter()
            .filter(|c| **c != child)
            .filter_map(|c| names.get(c).cloned())
            .collect(),
        kept,
        refused,
    })
}

/// `GET /api/children/{id}/posterity`: the child's photos, newest first, with whether each may
/// be kept.
pub async fn list(
    _: Manager,
    State(state): State<AppState>,
    Path(child): Path<Uuid>,
) -> Result<Json<Vec<PosterityPhoto>>, AppError> {
    let today = today_in_england();
    let photos = state
        .db
        .read(move |c| {
            if crate::store::leaving::dates_of(c, child)?.is_none() {
                return Err(no_child());
            }
            let kept = store::posterity_of(c, child)?;
            let mut out = Vec::new();
            for record in store::photos_naming(c, child)? {
                out.push(describe(
                    c,
                    child,
                    &record,
                    kept.contains(&record.id),
                    today,
                )?);
            }
            out.sort_by_key(|p| std::cmp::Reverse(p.taken_at));
            Ok(out)
        })
        .await?;
    Ok(Json(photos))
}

/// `PUT /api/children/{id}/posterity/{photo}`: keep it, or no longer.
pub async fn choose(
    Manager(me): Manager,
    State(state): State<AppState>,
    Path((child, photo)): Path<(Uuid, Uuid)>,
    ApiJson(req): ApiJson<PosterityRequest>,
) -> Result<Json<PosterityPhoto>, AppError> {
    let today = today_in_england();
    let shown = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            if crate::store::leaving::dates_of(&tx, child)?.is_none() {
                return Err(no_child());
            }
            let Some(record) = store::photos_naming(&tx, child)?
                .into_iter()
                .find(|r| r.id == photo)
            else {
                return Err(AppError::refused(StatusCode::NOT_FOUND, "Not found."));
            };
            let mut shown = describe(&tx, child, &record, req.keep, today)?;
            if req.keep
                && let Some(why) = shown.refused.take()
            {
                return Err(AppError::conflict(None, why));
            }
            let changed = if req.keep {
                store::keep_for_posterity(&tx, photo, child, me.id, Utc::now())?
            } else {
                store::no_longer_for_posterity(&tx, photo, child)?
            };
            if changed {
                audit::append(
                    &tx,
                    Event::new(Action::PosterityChosen)
                        .by(&me)
                        .child(child)
                        .subject(photo)
                        .detail(if req.keep { "kept" } else { "no longer kept" }),
                    Utc::now(),
                )?;
            }
            tx.commit()?;
            Ok(shown)
        })
        .await?;
    Ok(Json(shown))
}

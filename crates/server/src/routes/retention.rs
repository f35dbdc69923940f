//! How long photos stay on the setting's tablets (issue 16): a manager enters the year's half
//! terms or chooses "the last N weeks"; every signed-in person can read it, and tablets are told
//! the window at each pull, by the server's date.

use crate::auth::{Manager, SignedIn};
use crate::error::{ApiJson, AppError};
use crate::routes::children::today_in_england;
use crate::state::AppState;
use crate::store;
use crate::store::audit::{self, Event};
use axum::Json;
use axum::extract::State;
use burrow_core::audit::Action;
use burrow_core::retention::{PhotoWindow, Retention, RetentionAnswer, check, describe};
use chrono::Utc;

fn answer(retention: Retention) -> RetentionAnswer {
    let window = PhotoWindow::on(&retention, today_in_england());
    RetentionAnswer { retention, window }
}

pub async fn get(
    _: SignedIn,
    State(state): State<AppState>,
) -> Result<Json<RetentionAnswer>, AppError> {
    let retention = state.db.call(|c| Ok(store::retention::get(c)?)).await?;
    Ok(Json(answer(retention)))
}

pub async fn put(
    Manager(me): Manager,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<Retention>,
) -> Result<Json<RetentionAnswer>, AppError> {
    check(&req).map_err(|e| AppError::invalid(e.field(), e.to_string()))?;
    let kept = req.clone();
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            store::retention::set(&tx, &kept)?;
            audit::append(
                &tx,
                Event::new(Action::OptionsChanged)
                    .by(&me)
                    .detail(describe(&kept)),
                Utc::now(),
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    tracing::info!("photo retention changed");
    Ok(Json(answer(req)))
}

use crate::error::AppError;
use crate::state::AppState;
use crate::store;
use axum::Json;
use axum::extract::State;
use burrow_core::api::Status;

/// What the app asks first: set the setting up, or sign in?
pub async fn status(State(state): State<AppState>) -> Result<Json<Status>, AppError> {
    let name = state.db.call(|conn| Ok(store::setting_name(conn)?)).await?;
    Ok(Json(Status {
        setup_needed: name.is_none(),
        setting_name: name,
    }))
}

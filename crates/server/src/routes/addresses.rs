//! The server's addresses on the setting's network, and QR codes of them for tablets' cameras
//! (staff signed in; the addresses are no secret, but only staff set tablets up).

use crate::addresses::{certificate, qr_svg};
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use burrow_core::api::ServerAddresses;

fn listed(state: &AppState) -> Vec<String> {
    state.addresses.get().cloned().unwrap_or_default()
}

pub async fn list(_: SignedIn, State(state): State<AppState>) -> Json<ServerAddresses> {
    let tablets = listed(&state);
    Json(ServerAddresses {
        certificate: tablets.iter().map(|a| certificate(a)).collect(),
        tablets,
    })
}

fn svg_of(
    state: &AppState,
    what: impl Fn(&str) -> String,
) -> Result<axum::response::Response, AppError> {
    let first = listed(state).into_iter().next().ok_or_else(|| {
        AppError::refused(
            StatusCode::NOT_FOUND,
            "This server is not on the setting's network: HTTPS is turned off in its settings.",
        )
    })?;
    let svg = qr_svg(&what(&first)).ok_or_else(|| AppError::internal("the QR code"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        svg,
    )
        .into_response())
}

/// The first address as a QR code: a tablet's camera opens Burrow.
pub async fn app_qr(
    _: SignedIn,
    State(state): State<AppState>,
) -> Result<impl IntoResponse, AppError> {
    svg_of(&state, |a| a.to_owned())
}

/// The certificate's download at the first address as a QR code.
pub async fn certificate_qr(
    _: SignedIn,
    State(state): State<AppState>,
) -> Result<impl IntoResponse, AppError> {
    svg_of(&state, certificate)
}

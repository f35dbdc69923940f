use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

/// The setting's certificate authority, for a manager to install on each tablet so that the
/// tablets trust the server's HTTPS on the setting's network.
pub async fn ca_certificate(State(state): State<AppState>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/x-x509-ca-cert"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"burrow-setting-ca.crt\"",
            ),
        ],
        state.ca_certificate_pem.clone(),
    )
}

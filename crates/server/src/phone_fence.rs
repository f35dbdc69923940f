//! A parent's phone speaks only to the parents' routes. Whatever else it asks for — a staff list,
//! a tablet's sync, any child's consents by id — the answer is "Not found.", the same whether the
//! thing exists or not, so a guessed id tells it nothing (issue 7: hostile parents).
//!
//! A phone is known by the device header its signed requests carry. A request without it is an
//! anonymous one, answered as any stranger's (sign in first); one with a tablet's id goes on.

use crate::error::AppError;
use crate::state::AppState;
use crate::store::devices;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use burrow_core::device::header;
use uuid::Uuid;

/// Paths under /api a parent's phone may use (before and after it enrolled).
fn for_phones(path: &str) -> bool {
    path.starts_with("/parent/")
        || matches!(path, "/parents/enrol" | "/server/identity" | "/status")
}

pub async fn fence(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let device = req
        .headers()
        .get(header::DEVICE)
        .and_then(|v| v.to_str().ok())
        .and_then(|s| Uuid::parse_str(s).ok());
    if let Some(device) = device
        && !for_phones(req.uri().path())
    {
        let known = state.db.read(move |c| Ok(devices::known(c, device)?)).await;
        match known {
            Ok(Some(k)) if k.parent.is_some() => {
                return AppError::refused(StatusCode::NOT_FOUND, "Not found.").into_response();
            }
            Ok(_) => {}
            Err(e) => return e.into_response(),
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::for_phones;

    #[test]
    fn a_phone_reaches_only_its_own_routes() {
        assert!(for_phones("/parent/journal"));
        assert!(for_phones("/parent/photos/1"));
        assert!(for_phones("/parents/enrol"));
        assert!(!for_phones("/parents"));
        assert!(!for_phones("/parents/enrol/x"));
        assert!(!for_phones("/children"));
        assert!(!for_phones("/sync/pull"));
        assert!(!for_phones("/parentx/journal"));
    }
}

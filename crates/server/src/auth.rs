//! Sessions: the cookie, its expiry, and the extractors handlers use to know who is asking.

use crate::error::AppError;
use crate::secrets;
use crate::state::AppState;
use crate::store;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use burrow_core::api::StaffMember;
use burrow_core::session::{self, SessionCheck};
use chrono::Utc;

pub const COOKIE: &str = "burrow_session";

/// Set on each listener so cookies are marked Secure when they travel over HTTPS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

pub fn session_cookie(token: &str, scheme: Scheme) -> HeaderValue {
    let secure = if scheme == Scheme::Https {
        "; Secure"
    } else {
        ""
    };
    // The session's own rules end it; the cookie only needs to outlive them.
    let value = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}");
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("burrow_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

pub fn token_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// The signed-in member of staff. Refuses with 401 when there is no live session.
pub struct SignedIn {
    pub staff: StaffMember,
    pub token_hash: Vec<u8>,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let not_signed_in = || {
            AppError::refused(
                StatusCode::UNAUTHORIZED,
                "You are not signed in. Sign in to carry on.",
            )
        };
        let token = token_from(&parts.headers).ok_or_else(not_signed_in)?;
        let token_hash = secrets::sha256(token.as_bytes());
        let (idle, lifetime) = (state.session_idle, state.session_lifetime);
        // Looked up beside the writer: a request takes the writer only to end its session or,
        // once a minute or so, to write down that it is still in use (core's session rule).
        let hash = token_hash.clone();
        let live = state
            .db
            .lookup(move |conn| {
                let Some(session) = store::session(conn, &hash)? else {
                    return Err(not_signed_in());
                };
                let touch = match session::check(
                    session.created_at,
                    session.last_seen_at,
                    Utc::now(),
                    idle,
                    lifetime,
                ) {
                    SessionCheck::Ended => return Ok(None),
                    SessionCheck::Touch => true,
                    SessionCheck::Live => false,
                };
                let staff =
                    store::active_staff(conn, session.staff_id)?.ok_or_else(not_signed_in)?;
                Ok(Some((touch, staff)))
            })
            .await?;
        let hash = token_hash.clone();
        let Some((touch, staff)) = live else {
            state
                .db
                .call(move |conn| Ok(store::delete_session(conn, &hash)?))
                .await?;
            return Err(AppError::refused(
                StatusCode::UNAUTHORIZED,
                "You were signed out to keep children's details safe. Sign in again to carry on.",
            ));
        };
        if touch {
            state
                .db
                .call(move |conn| Ok(store::touch_session(conn, &hash, Utc::now())?))
                .await?;
        }
        Ok(SignedIn { staff, token_hash })
    }
}

/// A signed-in manager or deputy. Refuses others with 403 and says who can help.
pub struct Manager(pub StaffMember);

impl FromRequestParts<AppState> for Manager {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let SignedIn { staff, .. } = SignedIn::from_request_parts(parts, state).await?;
        if !staff.role.may_manage_setting() {
            return Err(AppError::refused(
                StatusCode::FORBIDDEN,
                "Only a manager or deputy can do this. Ask your manager.",
            ));
        }
        Ok(Manager(staff))
    }
}

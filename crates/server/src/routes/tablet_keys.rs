//! Each tablet's data key, held by the setting's server. The first person to sign in on a
//! tablet creates the key there and leaves a copy here; anyone who signs in on that tablet
//! later (with their passphrase checked by the server) is given it to wrap under their own
//! passphrase. The tablet never stores it unwrapped.
//!
//! Kept sealed under a key apart from the database (`key_seal`); handed out only to someone
//! whose passphrase the server checked in the last few minutes (a sign-in, which the tablet
//! does just before asking), each hand-out audited; a second key offered for the same tablet
//! is refused rather than answered with the first. (Still to come, issue 18: binding the key
//! to the enrolled tablet's own signature.)

use crate::auth::SignedIn;
use crate::error::{ApiJson, AppError};
use crate::extract::Path;
use crate::state::AppState;
use crate::store;
use crate::store::audit::{self, Event};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use burrow_core::api::TabletKey;
use burrow_core::audit::Action;
use burrow_core::keys::KEY_LEN;
use chrono::Utc;
use uuid::Uuid;

fn device_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| {
        AppError::refused(
            StatusCode::BAD_REQUEST,
            "That is not a tablet's identifier. Reload Burrow on the tablet and try again.",
        )
    })
}

fn answer(key: &[u8]) -> Json<TabletKey> {
    Json(TabletKey {
        key: hex::encode(key),
    })
}

/// How long after a sign-in its passphrase counts as just checked.
const FRESH: chrono::Duration = chrono::Duration::minutes(5);

fn not_known() -> AppError {
    AppError::refused(
        StatusCode::NOT_FOUND,
        "The setting's server does not know this tablet's key. Ask someone who can unlock this tablet to unlock it, so their records are kept.",
    )
}

fn damaged() -> AppError {
    AppError::internal("a tablet key would not open under the server's seal")
}

pub async fn get(
    signed_in: SignedIn,
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<TabletKey>, AppError> {
    let id = device_id(&raw)?;
    let staff = signed_in.staff.clone();
    let token_hash = signed_in.token_hash.clone();
    let sealed = state
        .db
        .call(move |c| {
            let now = Utc::now();
            let fresh = store::session(c, &token_hash)?
                .is_some_and(|s| now - s.created_at <= FRESH);
            if !fresh {
                return Err(AppError::refused(
                    StatusCode::FORBIDDEN,
                    "Sign in again on this tablet to unlock it: its key is given only just after a sign-in.",
                ));
            }
            let tx = c.transaction()?;
            let Some(sealed) = store::tablet_key(&tx, id)? else {
                return Err(not_known());
            };
            audit::append(
                &tx,
                Event::new(Action::TabletKeyGiven)
                    .by(&staff)
                    .subject(id.to_string()),
                now,
            )?;
            tx.commit()?;
            Ok(sealed)
        })
        .await?;
    let key = state.key_seal.open(id, &sealed).ok_or_else(damaged)?;
    Ok(answer(&key))
}

/// Stores the tablet's key, sealed, unless the server already has one for it. A second key
/// for the same tablet is refused, never answered with the first: whoever gets a tablet's key
/// gets it from `get`, just after signing in, audited.
pub async fn put(
    signed_in: SignedIn,
    State(state): State<AppState>,
    Path(raw): Path<String>,
    ApiJson(req): ApiJson<TabletKey>,
) -> Result<Json<TabletKey>, AppError> {
    let id = device_id(&raw)?;
    let key = hex::decode(&req.key)
        .ok()
        .filter(|k| k.len() == KEY_LEN)
        .ok_or_else(|| {
            AppError::invalid(
                "key",
                "A tablet key is 64 hexadecimal digits. Reload Burrow on the tablet and try again.",
            )
        })?;
    let sealed = state.key_seal.seal(id, &key).ok_or_else(damaged)?;
    let staff_id = signed_in.staff.id;
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            if store::tablet_key(&tx, id)?.is_some() {
                return Err(AppError::conflict(
                    None,
                    "Someone has just set this tablet up. Sign in again and it will open with their key.",
                ));
            }
            store::insert_tablet_key(&tx, id, &sealed, staff_id, Utc::now())?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(answer(&key))
}

//! Each tablet's data key, held by the setting's server. The first person to sign in on a
//! tablet creates the key there and leaves a copy here; anyone who signs in on that tablet
//! later (with their passphrase checked by the server) is given it to wrap under their own
//! passphrase. The tablet never stores it unwrapped. (The sync issue binds this to enrolled
//! devices and keeps the copy encrypted under a server key apart from the database.)

use crate::auth::SignedIn;
use crate::error::{ApiJson, AppError};
use crate::extract::Path;
use crate::state::AppState;
use crate::store;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use burrow_core::api::TabletKey;
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

pub async fn get(
    _: SignedIn,
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<TabletKey>, AppError> {
    let id = device_id(&raw)?;
    match state
        .db
        .call(move |c| Ok(store::tablet_key(c, id)?))
        .await?
    {
        Some(key) => Ok(answer(&key)),
        None => Err(AppError::refused(
            StatusCode::NOT_FOUND,
            "The setting's server does not know this tablet's key. Ask someone who can unlock this tablet to unlock it, so their records are kept.",
        )),
    }
}

/// Stores the tablet's key unless the server already has one, and answers with the key that
/// counts: if two people set up the same tablet at once, both end up with the first key.
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
    let staff_id = signed_in.staff.id;
    let stored = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            store::insert_tablet_key(&tx, id, &key, staff_id, Utc::now())?;
            let stored = store::tablet_key(&tx, id)?
                .ok_or_else(|| AppError::internal("tablet key vanished"))?;
            tx.commit()?;
            Ok(stored)
        })
        .await?;
    Ok(answer(&stored))
}

//! Each tablet's data key, held by the setting's server. The first person to sign in on a
//! tablet creates the key there and leaves a copy here, with the public half of the tablet's
//! door key (a signing key its browser made and cannot export). Anyone who signs in on that
//! tablet later is given the data key to wrap under their own passphrase, only when all of
//! these hold (issue 18):
//!
//! - the request is signed by that tablet's door key: a staff cookie from any other browser
//!   gets nothing;
//! - a manager has enrolled that tablet, and not removed it (the enrolment is tied to the key
//!   by the door key's signature when the tablet asks to enrol);
//! - the person's passphrase was checked by the server in the last few minutes (the tablet
//!   signs them in just before asking);
//!
//! and each hand-out is audited. The key is kept sealed under a key apart from the database
//! (`key_seal`); a second key offered for the same tablet is refused, never answered with the
//! first.

use crate::auth::SignedIn;
use crate::error::{ApiJson, AppError};
use crate::extract::Path;
use crate::proof::check_door;
use crate::state::AppState;
use crate::store;
use crate::store::audit::{self, Event};
use crate::store::devices;
use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};
use burrow_core::api::{NewTabletKey, TabletKey};
use burrow_core::audit::Action;
use burrow_core::device::{DeviceStatus, ProofError, check_public_key};
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

fn not_enrolled() -> AppError {
    AppError::refused(
        StatusCode::FORBIDDEN,
        "Only the person who set this tablet up can sign in on it until a manager enrols it. Ask them to enrol it in Settings, then sign in again.",
    )
}

pub async fn get(
    signed_in: SignedIn,
    State(state): State<AppState>,
    Path(raw): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Result<Json<TabletKey>, AppError> {
    let id = device_id(&raw)?;
    let staff = signed_in.staff.clone();
    let token_hash = signed_in.token_hash.clone();
    let path = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned());
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
            let Some(row) = store::tablet_key(&tx, id)? else {
                return Err(not_known());
            };
            // Only the browser that made this key, proven by its door key.
            let door = row.door_key.as_deref().ok_or_else(not_known)?;
            let proof = check_door(&headers, "GET", &path, door)?;
            if proof.device != id {
                return Err(AppError::refused(
                    StatusCode::UNAUTHORIZED,
                    ProofError::BadSignature.to_string(),
                ));
            }
            // Only while a manager has it enrolled.
            let device = row.enrolled_as.ok_or_else(not_enrolled)?;
            match devices::known(&tx, device)?.map(|k| k.status) {
                Some(DeviceStatus::Enrolled) => {}
                Some(DeviceStatus::Revoked) => {
                    return Err(AppError::refused(
                        StatusCode::GONE,
                        ProofError::Revoked.to_string(),
                    ));
                }
                Some(DeviceStatus::Pending) | None => return Err(not_enrolled()),
            }
            if !devices::use_nonce(&tx, device, &proof.nonce, now.timestamp())? {
                return Err(AppError::refused(
                    StatusCode::CONFLICT,
                    ProofError::Replayed.to_string(),
                ));
            }
            audit::append(
                &tx,
                Event::new(Action::TabletKeyGiven)
                    .by(&staff)
                    .device(device),
                now,
            )?;
            tx.commit()?;
            Ok(row.sealed)
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
    ApiJson(req): ApiJson<NewTabletKey>,
) -> Result<Json<TabletKey>, AppError> {
    let id = device_id(&raw)?;
    let door_key = hex::decode(&req.door_key)
        .ok()
        .filter(|k| check_public_key(k).is_ok())
        .ok_or_else(|| {
            AppError::invalid(
                "door_key",
                "A tablet's door key is a P-256 public key in hexadecimal. Reload Burrow on the tablet and try again.",
            )
        })?;
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
            store::insert_tablet_key(&tx, id, &sealed, &door_key, staff_id, Utc::now())?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(answer(&key))
}

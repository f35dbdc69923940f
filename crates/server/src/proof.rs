//! Signed requests from enrolled devices. Each carries its device id, the time, a unique id and
//! an ECDSA P-256 signature over core's `proof_message` (method, path, body hash, time, id).
//! The extractor checks all of it before a handler sees the body: an unknown, pending or revoked
//! device, a changed request, an old one or a replay is refused with the reason.

use crate::error::AppError;
use crate::state::AppState;
use crate::store::devices;
use axum::body::Bytes;
use axum::extract::{FromRequest, OriginalUri, Request};
use axum::http::{HeaderMap, StatusCode};
use burrow_core::device::{
    DeviceStatus, ProofError, ProofHeaderError, ProofHeaders, fresh, header, proof_message,
    read_proof_headers,
};
use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
use uuid::Uuid;

/// A request proven to come from one of the setting's enrolled tablets, with its body. A
/// parent's phone is refused here: it has routes of its own (`ParentSigned`).
pub struct Signed {
    pub device: Uuid,
    pub body: Bytes,
}

/// A request proven to come from a parent's enrolled phone: the parent it belongs to.
pub struct ParentSigned {
    pub device: Uuid,
    pub parent: Uuid,
    pub body: Bytes,
}

fn refused(status: StatusCode, why: ProofError) -> AppError {
    AppError::refused(status, why.to_string())
}

fn read(headers: &HeaderMap) -> Result<ProofHeaders, AppError> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    read_proof_headers(
        text(header::DEVICE),
        text(header::TIME),
        text(header::NONCE),
        text(header::PROOF),
    )
    .map_err(|e| match e {
        ProofHeaderError::Missing => refused(StatusCode::UNAUTHORIZED, ProofError::Missing),
        ProofHeaderError::Malformed(_) => AppError::refused(StatusCode::BAD_REQUEST, e.to_string()),
    })
}

/// A request signed by a tablet's door key (`routes::tablet_keys`): the headers read, the
/// signature checked over `method path` with an empty body, the time close to now. The caller
/// checks the nonce against the enrolment the key is tied to.
pub fn check_door(
    headers: &HeaderMap,
    method: &str,
    path: &str,
    door_key: &[u8],
) -> Result<ProofHeaders, AppError> {
    let proof = read(headers)?;
    let message = proof_message(
        method,
        path,
        &crate::secrets::digest(b""),
        proof.time,
        &proof.nonce,
    );
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, door_key)
        .verify(&message, &proof.signature)
        .map_err(|_| refused(StatusCode::UNAUTHORIZED, ProofError::BadSignature))?;
    fresh(proof.time, chrono::Utc::now().timestamp())
        .map_err(|e| refused(StatusCode::UNAUTHORIZED, e))?;
    Ok(proof)
}

impl FromRequest<AppState> for Signed {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let (device, body, parent) = verify(req, state).await?;
        if parent.is_some() {
            return Err(AppError::refused(
                StatusCode::FORBIDDEN,
                "This is a parent's phone: it syncs only its own family's journal.",
            ));
        }
        Ok(Signed { device, body })
    }
}

impl FromRequest<AppState> for ParentSigned {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let (device, body, parent) = verify(req, state).await?;
        let parent = parent.ok_or_else(|| {
            AppError::refused(
                StatusCode::FORBIDDEN,
                "This is one of the setting's tablets, not a parent's phone.",
            )
        })?;
        Ok(ParentSigned {
            device,
            parent,
            body,
        })
    }
}

/// Checks the proof on any device's request: its key, its status, the time and the nonce.
async fn verify(req: Request, state: &AppState) -> Result<(Uuid, Bytes, Option<Uuid>), AppError> {
    let proof = read(req.headers())?;
    let method = req.method().as_str().to_owned();
    // The path as the device sent it, before the /api prefix was stripped for routing.
    let path = req
        .extensions()
        .get::<OriginalUri>()
        .map(|u| u.0.clone())
        .unwrap_or_else(|| req.uri().clone());
    let path = path
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| path.path().to_owned());
    let body = Bytes::from_request(req, state)
        .await
        .map_err(|e| AppError::refused(e.status(), "The request's body could not be read."))?;

    let device = proof.device;
    let known = state
        .db
        .lookup(move |c| Ok(devices::known(c, device)?))
        .await?
        .ok_or_else(|| refused(StatusCode::UNAUTHORIZED, ProofError::UnknownDevice))?;
    let body_hash = crate::secrets::digest(&body);
    let message = proof_message(&method, &path, &body_hash, proof.time, &proof.nonce);
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &known.public_key)
        .verify(&message, &proof.signature)
        .map_err(|_| refused(StatusCode::UNAUTHORIZED, ProofError::BadSignature))?;
    // A revoked device hears so whatever its clock says, so it can wipe itself.
    match known.status {
        DeviceStatus::Enrolled => {}
        DeviceStatus::Pending => {
            return Err(refused(StatusCode::FORBIDDEN, ProofError::NotApproved));
        }
        // 410: the device's cue to wipe itself (DESIGN §2.5).
        DeviceStatus::Revoked => return Err(refused(StatusCode::GONE, ProofError::Revoked)),
    }
    let now = chrono::Utc::now().timestamp();
    fresh(proof.time, now).map_err(|e| refused(StatusCode::UNAUTHORIZED, e))?;
    let nonce = proof.nonce;
    let first = state
        .db
        .call(move |c| Ok(devices::use_nonce(c, device, &nonce, now)?))
        .await?;
    if !first {
        return Err(refused(StatusCode::CONFLICT, ProofError::Replayed));
    }
    Ok((device, body, known.parent))
}

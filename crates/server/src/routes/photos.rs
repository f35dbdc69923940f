//! Photo upload and download for enrolled tablets (DESIGN §5: photos go first). The tablet
//! asks which hashes the server lacks and from which offset; sends each in pieces from there
//! (a cut connection resumes, it does not restart); the server checks the SHA-256 before it
//! keeps the photo, sealed on disk (`crate::photos`). Only then may a record name it.

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::extract::{Path, Query};
use crate::photos::VaultError;
use crate::proof::Signed;
use crate::state::AppState;
use crate::store::photos;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use burrow_core::sync::{
    Missing, MissingAnswer, MissingRequest, PHOTO_MAX, UPLOAD_CHUNK, UploadAnswer, is_photo_hash,
};
use serde::Deserialize;

/// Room for one piece and its request.
pub const BODY_LIMIT: usize = UPLOAD_CHUNK + 64 * 1024;

fn bad_hash() -> AppError {
    AppError::refused(
        StatusCode::BAD_REQUEST,
        "A photo is named by its SHA-256 in lowercase hex (64 characters).",
    )
}

pub async fn missing(
    _signed_in: SignedIn,
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Json<MissingAnswer>, AppError> {
    let request: MissingRequest = crate::error::signed_json(&signed.body)?;
    if request.photos.len() > 1000 {
        return Err(AppError::refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Ask about at most 1,000 photos at once.",
        ));
    }
    for p in &request.photos {
        if !is_photo_hash(&p.sha256) {
            return Err(bad_hash());
        }
        if p.size == 0 || p.size > PHOTO_MAX {
            return Err(AppError::refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "A photo must be between 1 byte and {} MB.",
                    PHOTO_MAX / 1024 / 1024
                ),
            ));
        }
    }
    let answer = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let mut missing = Vec::new();
            for p in &request.photos {
                let before = photos::progress(&tx, &p.sha256)?;
                let now = photos::expect(&tx, &p.sha256, p.size)?;
                if before.is_some_and(|b| b.size != p.size && !b.complete) {
                    // Said to be another size than before: the pieces so far are no use.
                    missing.push((
                        Missing {
                            sha256: p.sha256.clone(),
                            offset: 0,
                        },
                        true,
                    ));
                } else if !now.complete {
                    missing.push((
                        Missing {
                            sha256: p.sha256.clone(),
                            offset: now.received,
                        },
                        false,
                    ));
                }
            }
            tx.commit()?;
            Ok(missing)
        })
        .await?;
    let mut out = Vec::with_capacity(answer.len());
    for (m, restart) in answer {
        if restart {
            state.photos.discard_pieces(&m.sha256);
        }
        out.push(m);
    }
    Ok(Json(MissingAnswer { missing: out }))
}

#[derive(Deserialize)]
pub struct Offset {
    #[serde(deserialize_with = "burrow_core::api::stored_number")]
    offset: u64,
}

pub async fn upload(
    _signed_in: SignedIn,
    State(state): State<AppState>,
    Path(sha256): Path<String>,
    Query(Offset { offset }): Query<Offset>,
    signed: Signed,
) -> Result<Json<UploadAnswer>, AppError> {
    if !is_photo_hash(&sha256) {
        return Err(bad_hash());
    }
    let piece = signed.body;
    if piece.is_empty() || piece.len() > UPLOAD_CHUNK {
        return Err(AppError::refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Send a photo in pieces of 1 to {UPLOAD_CHUNK} bytes."),
        ));
    }
    let state2 = state.clone();
    let answer = state
        .db
        .call(move |c| {
            let Some(p) = photos::progress(c, &sha256)? else {
                return Ok(Err(AppError::refused(
                    StatusCode::NOT_FOUND,
                    "Ask which photos the server lacks before sending one.",
                )));
            };
            if p.complete {
                return Ok(Ok(UploadAnswer {
                    received: p.size,
                    complete: true,
                }));
            }
            if offset != p.received {
                return Ok(Err(AppError::refused(
                    StatusCode::CONFLICT,
                    format!(
                        "The server holds {} bytes of this photo: send from there.",
                        p.received
                    ),
                )));
            }
            let received = p.received + piece.len() as u64;
            if received > p.size {
                return Ok(Err(AppError::refused(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "That is more than the photo's size.",
                )));
            }
            let complete = received == p.size;
            let whole = offset == 0 && complete;
            // The piece is on disk before it is counted: a crash in between sends it again.
            // A photo in one piece is checked and kept at once.
            if !whole && let Err(e) = state2.photos.write_piece(&sha256, offset, &piece) {
                tracing::error!(error = e.class(), "could not write a photo piece");
                return Ok(Err(AppError::internal("photo piece not written")));
            }
            if complete {
                let kept = if whole {
                    state2.photos.keep_whole(&sha256, &piece)
                } else {
                    state2.photos.finish(&sha256, p.size)
                };
                match kept {
                    Ok(()) => {}
                    Err(VaultError::Mismatch) => {
                        photos::set_received(c, &sha256, 0, false)?;
                        return Ok(Err(AppError::refused(
                            StatusCode::UNPROCESSABLE_ENTITY,
                            "The photo arrived changed: its SHA-256 does not match. It will be sent again from the start.",
                        )));
                    }
                    Err(e) => {
                        tracing::error!(error = e.class(), "could not keep a photo");
                        return Ok(Err(AppError::internal("photo not kept")));
                    }
                }
            }
            photos::set_received(c, &sha256, received, complete)?;
            Ok(Ok(UploadAnswer { received, complete }))
        })
        .await??;
    Ok(Json(answer))
}

pub async fn download(
    _signed_in: SignedIn,
    State(state): State<AppState>,
    Path(sha256): Path<String>,
    _signed: Signed,
) -> Result<Response, AppError> {
    if !is_photo_hash(&sha256) {
        return Err(bad_hash());
    }
    let hash = sha256.clone();
    let complete = state
        .db
        .call(move |c| Ok(photos::is_complete(c, &hash)?))
        .await?;
    if !complete {
        return Err(AppError::refused(
            StatusCode::NOT_FOUND,
            "The server does not have that photo.",
        ));
    }
    let bytes = state.photos.read(&sha256).map_err(|e| {
        tracing::error!(error = e.class(), "a kept photo would not open");
        AppError::internal("photo not readable")
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response())
}

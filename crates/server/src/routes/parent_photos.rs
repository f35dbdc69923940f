//! `GET /api/parent/photos/{id}`: one photo of a family's journal, rendered for that family
//! (issue 7 part 5). The photo goes out only if an entry this family may see holds it, decided
//! by the same code as the journal (`parents::view`, core's `parent_view`), and with exactly the
//! faces that entry says to blur made unrecognisable (`crate::mask`). Anything else — an unknown
//! id, another family's photo, one held back, a thumbnail's id — is the same "not found".

use super::parents::{Facts, view};
use crate::error::AppError;
use crate::extract::Path;
use crate::mask;
use crate::proof::ParentSigned;
use crate::state::AppState;
use crate::store::parents;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use burrow_core::observation::Observation;
use burrow_core::photo::{FaceRegion, PhotoRecord};
use uuid::Uuid;

/// How many family copies are read and rendered at once.
static RENDERING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(8);

fn nothing() -> AppError {
    AppError::refused(StatusCode::NOT_FOUND, "Not found.")
}

pub async fn photo(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: ParentSigned,
) -> Result<Response, AppError> {
    let id = Uuid::parse_str(&id).map_err(|_| nothing())?;
    let parent = signed.parent;
    let found = state
        .db
        .read(move |c| {
            let family = crate::routes::family(c, parent)?.open;
            if family.is_empty() {
                return Ok(None);
            }
            let Some(record) = parents::photo_body(c, id)?
                .and_then(|b| serde_json::from_str::<PhotoRecord>(&b).ok())
            else {
                return Ok(None);
            };
            let mut facts = Facts::default();
            for body in parents::observations_with_photo(c, id)? {
                let Ok(obs) = serde_json::from_str::<Observation>(&body) else {
                    continue;
                };
                if !obs.children.iter().any(|c| family.contains(c)) {
                    continue;
                }
                let shown = view(c, &family, &obs, &mut facts)?
                    .and_then(|entry| entry.photos.into_iter().find(|p| p.id == id));
                if let Some(shown) = shown {
                    return Ok(Some((record, shown.blur)));
                }
            }
            Ok(None)
        })
        .await?;
    let Some((record, blur)) = found else {
        return Err(nothing());
    };
    let Some((sha256, faces)) = to_blur(&record, &blur) else {
        return Err(nothing());
    };
    // At drop-off a hundred phones ask at once: a few photos are opened at a time, so the
    // server's memory stays bounded (each is held two or three times over while it is read,
    // opened and sent), and the rest wait their turn for a moment.
    let _turn = RENDERING
        .acquire()
        .await
        .map_err(|_| AppError::internal("photo queue closed"))?;
    let vault = state.clone();
    let bytes = tokio::task::spawn_blocking(move || family_copy(&vault.photos, &sha256, &faces))
        .await
        .map_err(|e| AppError::internal(format!("masking task failed: {e}")))??;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        bytes,
    )
        .into_response())
}

/// The photo's hash and the faces to blur in a family's copy, or `None` if a child to blur has
/// no marked face (parent_view blurs only marked faces; were one missing, nothing goes out).
pub(super) fn to_blur(record: &PhotoRecord, blur: &[Uuid]) -> Option<(String, Vec<FaceRegion>)> {
    let faces: Vec<FaceRegion> = record
        .regions
        .iter()
        .filter(|r| blur.contains(&r.child))
        .copied()
        .collect();
    if blur
        .iter()
        .any(|child| !faces.iter().any(|f| f.child == *child))
    {
        return None;
    }
    Some((record.sha256.clone()?, faces))
}

/// A family's copy of a kept photo: the original, or with the given faces masked. Blocking:
/// call it off the async threads.
pub(super) fn family_copy(
    vault: &crate::photos::PhotoVault,
    sha256: &str,
    faces: &[FaceRegion],
) -> Result<Vec<u8>, AppError> {
    let original = vault.read(sha256).map_err(|e| {
        tracing::error!(error = e.class(), "a kept photo would not open");
        AppError::internal("photo not readable")
    })?;
    if faces.is_empty() {
        return Ok(original);
    }
    mask::mask(&original, faces).map_err(|e| {
        tracing::error!(error = e.class(), "a photo could not be masked");
        AppError::internal("photo not masked")
    })
}

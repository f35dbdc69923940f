//! Parents' comments and wow moments (issue 7 part 3). A parent's phone, signed, sends a comment
//! on an entry of their own child's journal or a wow moment from home (core::parent_note), and
//! may add a photo of their own child to a wow moment; staff read them, see the photo and, when
//! they bring a wow moment into the journal, record the observation they made of it.
//!
//! As everywhere a parent's phone asks: anything about another family's child, an entry the
//! family cannot see, or another family's note is 404 "Not found.", whatever else was wrong.

use crate::auth::SignedIn;
use crate::error::{ApiJson, AppError};
use crate::extract::{Path, Query};
use crate::proof::ParentSigned;
use crate::state::AppState;
use crate::store::audit::{self, Event};
use crate::store::parent_notes::{self, NewNote};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use burrow_core::api::{BroughtIn, NewParentNote, ParentNote};
use burrow_core::audit::Action;
use burrow_core::observation::Observation;
use burrow_core::parent_note::{
    NoteRefusal, PHOTO_MAX, check_note, check_photo, clean_text, may_bring_in, may_have_photo,
};
use burrow_core::parent_view::parent_view;
use chrono::Utc;
use rusqlite::Connection;
use serde::Deserialize;
use uuid::Uuid;

/// Room for the largest photo and its request.
pub const PHOTO_BODY_LIMIT: usize = PHOTO_MAX + 64 * 1024;
/// The most notes one list returns.
const LIST_MAX: usize = 500;

/// The same words whatever was not found, so nothing is learnt from them.
fn not_found() -> AppError {
    AppError::refused(StatusCode::NOT_FOUND, "Not found.")
}

fn withdrawn() -> AppError {
    AppError::refused(
        StatusCode::GONE,
        "This phone's invitation was withdrawn by the setting.",
    )
}

fn refused(e: NoteRefusal) -> AppError {
    match e {
        NoteRefusal::NotFound => not_found(),
        NoteRefusal::Empty | NoteRefusal::TooLong { .. } => {
            AppError::invalid("text", e.to_string())
        }
        NoteRefusal::InFuture => AppError::invalid("written_at", e.to_string()),
    }
}

/// This parent's children whose journals are open (not those who left), or 410 if the setting
/// withdrew them.
fn family_of(c: &Connection, parent: Uuid) -> Result<Vec<Uuid>, AppError> {
    match parent_notes::family(c, parent)? {
        Some((_, children)) if !children.is_empty() => Ok(crate::routes::family(c, parent)?.open),
        _ => Err(withdrawn()),
    }
}

/// Whether this family may see `entry` now with `child` in it: the same question the journal
/// asks of core's `parent_view` (published, holding their child). Whether it returns an entry
/// at all depends on neither names nor photos, so none are looked up here.
fn family_sees(
    c: &Connection,
    family: &[Uuid],
    entry: Uuid,
    child: Uuid,
) -> Result<bool, AppError> {
    let Some(body) = parent_notes::observation_body(c, entry)? else {
        return Ok(false);
    };
    let Ok(obs) = serde_json::from_str::<Observation>(&body) else {
        return Ok(false);
    };
    Ok(parent_view(&obs, family, &[], &[]).is_some_and(|e| e.children.contains(&child)))
}

/// `POST /api/parent/notes`: a comment or a wow moment from this parent's phone. Sent again, the
/// same note is answered 200; another note with the same id is refused.
pub async fn add(
    State(state): State<AppState>,
    signed: ParentSigned,
) -> Result<(StatusCode, Json<ParentNote>), AppError> {
    let note: NewParentNote = serde_json::from_slice(&signed.body).map_err(|_| {
        AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The note could not be read. Update the Burrow app, then send it again.",
        )
    })?;
    let (parent, device) = (signed.parent, signed.device);
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let now = Utc::now();
            let family = family_of(&tx, parent)?;
            // Not 410: that would clear the whole phone, and a sibling's journal is still open.
            if crate::routes::family(&tx, parent)?.closed.contains(&note.child) {
                return Err(AppError::refused(
                    StatusCode::FORBIDDEN,
                    "This journal closed when your child left the setting, so this was not sent.",
                ));
            }
            check_note(&note, &family, now).map_err(refused)?;
            if let Some(entry) = note.entry
                && !family_sees(&tx, &family, entry, note.child)?
            {
                return Err(not_found());
            }
            let text = clean_text(&note.text);
            if let Some(kept) = parent_notes::get(&tx, note.id)? {
                if kept.parent != parent {
                    return Err(not_found());
                }
                let k = &kept.note;
                let same = k.child == note.child
                    && k.entry == note.entry
                    && k.text == text
                    && k.written_at == note.written_at;
                if !same {
                    return Err(AppError::conflict(
                        None,
                        "A different note was already sent with this one's id. Write it again as a new note.",
                    ));
                }
                return Ok((StatusCode::OK, kept.note));
            }
            let new = NewNote {
                id: note.id,
                parent,
                device,
                child: note.child,
                entry: note.entry,
                text,
                written_at: note.written_at,
            };
            parent_notes::insert(&tx, &new, now)?;
            let kind = if note.entry.is_some() {
                "comment"
            } else {
                "wow moment"
            };
            audit::append(
                &tx,
                Event::new(Action::ParentNoteAdded)
                    .device(device)
                    .child(note.child)
                    .subject(note.id)
                    .detail(kind),
                now,
            )?;
            let kept = parent_notes::get(&tx, note.id)?
                .ok_or_else(|| AppError::internal("new parent note missing"))?;
            tx.commit()?;
            Ok((StatusCode::CREATED, kept.note))
        })
        .await
        .map(|(status, note)| (status, Json(note)))
}

/// `PUT /api/parent/notes/{id}/photo`: a photo of their own child with their own wow moment,
/// kept sealed in the vault. The same photo again is answered 200.
pub async fn add_photo(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    signed: ParentSigned,
) -> Result<(StatusCode, Json<ParentNote>), AppError> {
    let id = Uuid::parse_str(&raw).map_err(|_| not_found())?;
    let (parent, device) = (signed.parent, signed.device);
    let bytes = signed.body;
    let vault = state.clone();
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let family = family_of(&tx, parent)?;
            let Some(kept) = parent_notes::get(&tx, id)? else {
                return Err(not_found());
            };
            if kept.parent != parent || !family.contains(&kept.note.child) {
                return Err(not_found());
            }
            if let Err(e) = may_have_photo(kept.note.entry) {
                return Err(AppError::invalid("photo", e.to_string()));
            }
            check_photo(&bytes).map_err(|e| AppError::invalid("photo", e.to_string()))?;
            let sha256 = hex::encode(crate::secrets::sha256(&bytes));
            match kept.photo_sha256 {
                Some(had) if had == sha256 => return Ok((StatusCode::OK, kept.note)),
                Some(_) => {
                    return Err(AppError::conflict(
                        Some("photo"),
                        "This wow moment already has a photo. To share another, send it with a new wow moment.",
                    ));
                }
                None => {}
            }
            if let Err(e) = vault.photos.keep_whole(&sha256, &bytes) {
                tracing::error!(error = e.class(), "could not keep a parent's photo");
                return Err(AppError::internal("parent photo not kept"));
            }
            let now = Utc::now();
            if !parent_notes::set_photo(&tx, id, &sha256)? {
                return Err(AppError::internal("parent note photo not recorded"));
            }
            audit::append(
                &tx,
                Event::new(Action::ParentNoteAdded)
                    .device(device)
                    .child(kept.note.child)
                    .subject(id)
                    .detail("photo"),
                now,
            )?;
            let kept = parent_notes::get(&tx, id)?
                .ok_or_else(|| AppError::internal("parent note vanished"))?;
            tx.commit()?;
            Ok((StatusCode::CREATED, kept.note))
        })
        .await
        .map(|(status, note)| (status, Json(note)))
}

/// `GET /api/parent/notes`: what this parent sent about their children, newest first.
pub async fn mine(
    State(state): State<AppState>,
    signed: ParentSigned,
) -> Result<Json<Vec<ParentNote>>, AppError> {
    let parent = signed.parent;
    let notes = state
        .db
        .read(move |c| {
            let family = family_of(c, parent)?;
            Ok(parent_notes::of_parent(c, parent, LIST_MAX)?
                .into_iter()
                .filter(|k| family.contains(&k.note.child))
                .map(|k| k.note)
                .collect())
        })
        .await?;
    Ok(Json(notes))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    #[serde(default)]
    child: Option<Uuid>,
}

/// `GET /api/family-notes?child=`: families' notes for the setting's staff, newest first.
pub async fn list(
    _: SignedIn,
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, AppError>,
) -> Result<Json<Vec<ParentNote>>, AppError> {
    let Query(q) = query.map_err(|_| {
        AppError::refused(
            StatusCode::BAD_REQUEST,
            "Ask for every family's notes, or one child's with ?child= and the child's id.",
        )
    })?;
    let notes = state
        .db
        .read(move |c| {
            Ok(parent_notes::for_staff(c, q.child, LIST_MAX)?
                .into_iter()
                .map(|k| k.note)
                .collect())
        })
        .await?;
    Ok(Json(notes))
}

/// `GET /api/family-notes/{id}/photo`: a wow moment's photo, for staff, never cached.
pub async fn photo(
    _: SignedIn,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let sha256 = state
        .db
        .read(move |c| Ok(parent_notes::get(c, id)?.and_then(|k| k.photo_sha256)))
        .await?
        .ok_or_else(|| {
            AppError::refused(
                StatusCode::NOT_FOUND,
                "This note has no photo on the server.",
            )
        })?;
    let bytes = state.photos.read(&sha256).map_err(|e| {
        tracing::error!(error = e.class(), "a parent's photo would not open");
        AppError::internal("parent photo not readable")
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

/// `POST /api/family-notes/{id}/brought-in`: a member of staff made an observation from a wow
/// moment. Saying so again for the same observation is answered 200.
pub async fn brought_in(
    SignedIn { staff, .. }: SignedIn,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    ApiJson(req): ApiJson<BroughtIn>,
) -> Result<Json<ParentNote>, AppError> {
    let note = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let Some(kept) = parent_notes::get(&tx, id)? else {
                return Err(AppError::refused(
                    StatusCode::NOT_FOUND,
                    "There is no such note from a family. Reload the page to see the latest.",
                ));
            };
            if let Err(e) = may_bring_in(kept.note.entry) {
                return Err(AppError::invalid("observation", e.to_string()));
            }
            match kept.note.brought_in {
                Some(obs) if obs == req.observation => return Ok(kept.note),
                Some(_) => {
                    return Err(AppError::conflict(
                        None,
                        "This wow moment was already brought into the journal, in another observation.",
                    ));
                }
                None => {}
            }
            let now = Utc::now();
            if !parent_notes::bring_in(&tx, id, req.observation, staff.id, now)? {
                return Err(AppError::internal("brought-in not recorded"));
            }
            audit::append(
                &tx,
                Event::new(Action::ParentNoteBroughtIn)
                    .by(&staff)
                    .child(kept.note.child)
                    .subject(id)
                    .detail(format!("observation {}", req.observation)),
                now,
            )?;
            let kept = parent_notes::get(&tx, id)?
                .ok_or_else(|| AppError::internal("parent note vanished"))?;
            tx.commit()?;
            Ok(kept.note)
        })
        .await?;
    Ok(Json(note))
}

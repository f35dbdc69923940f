//! A child's own picture on staff lists (issue 20 part 5): their key person or a manager chooses
//! one photo of the child alone, with consent for their journal, never for a high-risk child
//! (core::child_picture), from the photos the server holds; or takes it away. Audited by id.

use crate::auth::SignedIn;
use crate::error::{ApiJson, AppError};
use crate::extract::Path;
use crate::routes::today_in_england;
use crate::state::AppState;
use crate::store;
use crate::store::audit::{self, Event};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use burrow_core::api::{Child, ChildPictureRequest};
use burrow_core::audit::Action;
use burrow_core::child_picture::{Choice, PictureRefused, may_choose, may_take_away};
use chrono::Utc;
use uuid::Uuid;

/// `PUT /api/children/{id}/picture`.
pub async fn set(
    me: SignedIn,
    State(state): State<AppState>,
    Path(child): Path<Uuid>,
    ApiJson(req): ApiJson<ChildPictureRequest>,
) -> Result<Json<Child>, AppError> {
    let me = me.staff;
    let today = today_in_england();
    let saved = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let Some(found) = store::list_children(&tx)?.into_iter().find(|x| x.id == child)
            else {
                return Err(AppError::refused(StatusCode::NOT_FOUND, "There is no such child."));
            };
            let refused = |e: PictureRefused| {
                let status = match e {
                    PictureRefused::NotTheirs => StatusCode::FORBIDDEN,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                AppError::refused(status, e.to_string())
            };
            match req.photo {
                Some(photo) => {
                    // Only a photo the server holds, among those naming this child.
                    let Some(record) = store::deletion::photos_naming(&tx, child)?
                        .into_iter()
                        .find(|p| p.id == photo)
                    else {
                        return Err(AppError::invalid(
                            "photo",
                            "That photo is not on the setting’s server yet. Sync this tablet, then choose it again.",
                        ));
                    };
                    let consents: Vec<_> = store::consents_of(&tx, child)?
                        .into_iter()
                        .map(|e| e.record)
                        .collect();
                    let choice = Choice {
                        by: me.id,
                        role: me.role,
                        child,
                        key_person: found.key_person_id,
                        high_risk: found.high_risk,
                        in_photo: &record.children,
                    };
                    may_choose(choice, &consents, today).map_err(refused)?;
                }
                None => {
                    may_take_away(me.id, me.role, found.key_person_id).map_err(refused)?;
                }
            }
            if found.picture != req.photo {
                store::set_child_picture(&tx, child, req.photo)?;
                let phrase = if req.photo.is_some() { "chosen" } else { "taken away" };
                audit::append(
                    &tx,
                    Event::new(Action::ChildPictureChosen).detail(phrase).by(&me).child(child),
                    Utc::now(),
                )?;
            }
            let saved = store::list_children(&tx)?
                .into_iter()
                .find(|x| x.id == child)
                .ok_or_else(|| AppError::internal("child row missing"))?;
            tx.commit()?;
            Ok(saved)
        })
        .await?;
    Ok(Json(saved))
}

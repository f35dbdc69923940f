//! The staff list, and a manager adding a member of staff with an invite code.

use crate::auth::{Manager, SignedIn};
use crate::error::{ApiJson, AppError};
use crate::extract::Path;
use crate::secrets;
use crate::state::AppState;
use crate::store::audit::{self, Event};
use crate::store::{self, NewStaff};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use burrow_core::api::{NewStaffRequest, NewStaffResponse, RoleChange, StaffMember};
use burrow_core::audit::Action;
use burrow_core::names::{clean_name, name_key};
use burrow_core::staff::Role;
use burrow_core::staff::{AccessError, check_delete, check_role_change};
use chrono::{Duration, Utc};
use uuid::Uuid;

/// Long enough to cover a new starter's first week, short enough that a lost slip expires.
const INVITE_LIFETIME: Duration = Duration::days(7);

pub async fn list(
    _: SignedIn,
    State(state): State<AppState>,
) -> Result<Json<Vec<StaffMember>>, AppError> {
    Ok(Json(state.db.call(|c| Ok(store::list_staff(c)?)).await?))
}

/// `POST /api/staff/{id}/remove`: their access ends at once (sessions ended, sign-in and sync
/// refused); tablets forget their key when they next sync. Nobody removes themselves, and only
/// a manager removes a manager or deputy.
pub async fn remove(
    Manager(me): Manager,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<StaffMember>, AppError> {
    if id == me.id {
        return Err(AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "You cannot remove your own access. Ask another manager.",
        ));
    }
    let by = me.id;
    let my_role = me.role;
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let them = store::staff_by_id(&tx, id)?.ok_or_else(|| {
                AppError::refused(StatusCode::NOT_FOUND, "There is no such member of staff.")
            })?;
            if them.role.may_manage_setting() && my_role != Role::Manager {
                return Err(AppError::refused(
                    StatusCode::FORBIDDEN,
                    "Only a manager can remove a manager's or a deputy's access.",
                ));
            }
            let now = Utc::now();
            store::remove_staff(&tx, id, by, now)?;
            audit::append(
                &tx,
                Event::new(Action::StaffRemoved)
                    .by(&me)
                    .subject(id)
                    .detail(them.role.as_str()),
                now,
            )?;
            let after = store::staff_by_id(&tx, id)?
                .ok_or_else(|| AppError::internal("removed staff row missing"))?;
            tx.commit()?;
            tracing::info!("staff access removed");
            Ok(Json(after))
        })
        .await
}

fn refused(e: AccessError) -> AppError {
    let status = match e {
        AccessError::NotAManager => StatusCode::FORBIDDEN,
        AccessError::Yourself
        | AccessError::Removed
        | AccessError::Unchanged
        | AccessError::StillActive => StatusCode::CONFLICT,
    };
    AppError::refused(status, e.to_string())
}

fn no_such() -> AppError {
    AppError::refused(StatusCode::NOT_FOUND, "There is no such member of staff.")
}

/// `POST /api/staff/{id}/role`: a manager gives someone another role, at once (their next
/// request is judged by it; tablets learn it when that person next signs in there).
pub async fn change_role(
    Manager(me): Manager,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    ApiJson(req): ApiJson<RoleChange>,
) -> Result<Json<StaffMember>, AppError> {
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let them = store::staff_by_id(&tx, id)?.ok_or_else(no_such)?;
            check_role_change((me.id, me.role), (id, them.role, them.removed), req.role)
                .map_err(refused)?;
            store::set_role(&tx, id, req.role)?;
            let detail = format!("{} to {}", them.role.as_str(), req.role.as_str());
            audit::append(
                &tx,
                Event::new(Action::RoleChanged)
                    .by(&me)
                    .subject(id)
                    .detail(detail),
                Utc::now(),
            )?;
            let after = store::staff_by_id(&tx, id)?.ok_or_else(no_such)?;
            tx.commit()?;
            Ok(Json(after))
        })
        .await
}

/// `DELETE /api/staff/{id}`: a leaver's account, once their access was removed. Their name
/// leaves the list; the audit log keeps who did what.
pub async fn delete(
    Manager(me): Manager,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<StaffMember>, AppError> {
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let them = store::staff_by_id(&tx, id)?.ok_or_else(no_such)?;
            check_delete((me.id, me.role), (id, them.removed)).map_err(refused)?;
            let now = Utc::now();
            if !store::delete_staff(&tx, id, now)? {
                return Err(AppError::conflict(
                    None,
                    "This account was already deleted.",
                ));
            }
            audit::append(
                &tx,
                Event::new(Action::StaffDeleted).by(&me).subject(id),
                now,
            )?;
            let after = store::staff_by_id(&tx, id)?.ok_or_else(no_such)?;
            tx.commit()?;
            tracing::info!("leaver's account deleted");
            Ok(Json(after))
        })
        .await
}

pub async fn add(
    Manager(me): Manager,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<NewStaffRequest>,
) -> Result<(StatusCode, Json<NewStaffResponse>), AppError> {
    let name =
        clean_name(&req.name).map_err(|e| AppError::invalid("name", format!("Name: {e}")))?;
    if !req.role.may_be_added() {
        return Err(AppError::invalid(
            "role",
            "New staff can be added as a deputy manager or a practitioner.",
        ));
    }
    let (invite_code, invite_hash) = secrets::new_code();
    let id = Uuid::now_v7();
    let invite_expires = Utc::now() + INVITE_LIFETIME;
    let role = req.role;
    let staff = state
        .db
        .call(move |c| {
            let key = name_key(&name);
            let new = NewStaff {
                id,
                name: &name,
                name_key: &key,
                role,
                passphrase_hash: None,
                invite_hash: Some(&invite_hash),
                invite_expires: Some(invite_expires),
            };
            let tx = c.transaction()?;
            let now = Utc::now();
            if !store::insert_staff(&tx, &new, now)? {
                return Err(AppError::conflict(
                    Some("name"),
                    format!("There is already a member of staff called {name}. Add a surname or an initial to tell them apart."),
                ));
            }
            audit::append(
                &tx,
                Event::new(Action::StaffInvited).by(&me).subject(id).detail(role.as_str()),
                now,
            )?;
            let added = store::staff_by_id(&tx, id)?
                .ok_or_else(|| AppError::internal("new staff row missing"))?;
            tx.commit()?;
            Ok(added)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(NewStaffResponse {
            staff,
            invite_code,
            invite_expires,
        }),
    ))
}

//! Signing in and out, and a new member of staff choosing their passphrase with an invite code.

use crate::auth::{Scheme, SignedIn, clear_cookie, session_cookie};
use crate::error::{ApiJson, AppError};
use crate::premises::ClientAddr;
use crate::secrets;
use crate::state::{AppState, Blocked};
use crate::store;
use crate::store::audit::{self, Event};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use burrow_core::api::{ClaimInviteRequest, Session, SignInRequest};
use burrow_core::audit::Action;
use burrow_core::names::{clean_name, name_key};
use burrow_core::passphrase;
use chrono::{DateTime, Utc};
use rusqlite::Transaction;
use std::net::IpAddr;
use uuid::Uuid;

pub fn refuse_if_throttled(
    state: &AppState,
    account: Option<&str>,
    ip: IpAddr,
) -> Result<(), AppError> {
    state
        .throttles
        .check(account, ip, Utc::now())
        .map_err(|blocked| match blocked {
            Blocked::Account(wait) => AppError::TooManyAttempts {
                wait,
                who: "to sign in with this name",
            },
            Blocked::Address(wait) => AppError::TooManyAttempts {
                wait,
                who: "from this device",
            },
        })
}

/// Runs `write` and creates a session for `staff_id`, in one transaction; answers with the
/// session cookie and who is now signed in.
pub async fn start_session<F>(
    state: &AppState,
    scheme: Scheme,
    staff_id: Uuid,
    write: F,
) -> Result<Response, AppError>
where
    F: FnOnce(&Transaction, DateTime<Utc>) -> Result<(), AppError> + Send + 'static,
{
    let (token, token_hash) = secrets::new_session_token();
    let (idle, lifetime) = (state.session_idle, state.session_lifetime);
    let session = state
        .db
        .call(move |conn| {
            let now = Utc::now();
            let tx = conn.transaction()?;
            store::delete_expired_sessions(&tx, now, idle, lifetime)?;
            write(&tx, now)?;
            store::insert_session(&tx, &token_hash, staff_id, now)?;
            let staff = store::staff_by_id(&tx, staff_id)?
                .ok_or_else(|| AppError::internal("staff row vanished"))?;
            let setting_name = store::setting_name(&tx)?.unwrap_or_default();
            let minutes = store::lock_after_minutes(&tx)?;
            let validation_required = store::validation_required(&tx)?;
            tx.commit()?;
            Ok((staff, setting_name, minutes, validation_required))
        })
        .await?;
    let (staff, setting_name, minutes, validation_required) = session;
    let session = Session {
        staff,
        setting_name,
        lock_after_seconds: state.lock_after_seconds(minutes),
        validation_required,
    };
    Ok((
        [(header::SET_COOKIE, session_cookie(&token, scheme))],
        Json(session),
    )
        .into_response())
}

fn no_match() -> AppError {
    AppError::refused(
        StatusCode::UNAUTHORIZED,
        "That name and passphrase do not match. Check both and try again.",
    )
}

pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    Extension(scheme): Extension<Scheme>,
    ApiJson(req): ApiJson<SignInRequest>,
) -> Result<Response, AppError> {
    let name =
        clean_name(&req.name).map_err(|e| AppError::invalid("name", format!("Your name: {e}")))?;
    let key = name_key(&name);
    refuse_if_throttled(&state, Some(&key), ip)?;
    let lookup_key = key.clone();
    let found = state
        .db
        .call(move |c| Ok(store::staff_by_name_key(c, &lookup_key)?))
        .await?;
    let (member, stored) = match found {
        Some(s) => (Some(s.member), s.passphrase_hash),
        None => (None, None),
    };
    let ok = secrets::verify_passphrase(req.passphrase, stored).await?;
    let Some(member) = member.clone().filter(|_| ok) else {
        state.throttles.record_failure(Some(&key), ip, Utc::now());
        tracing::info!("sign-in refused");
        // A wrong passphrase for a real account is noted against it; an unknown name as such.
        let event = match &member {
            Some(m) => Event::new(Action::SignInRefused)
                .by(m)
                .detail("wrong passphrase"),
            None => Event::new(Action::SignInRefused).detail("unknown name"),
        };
        record(&state, event).await?;
        return Err(no_match());
    };
    state.throttles.forget_account(&key);
    // Said only after the right passphrase, so a guesser learns nothing about the account.
    if member.removed {
        tracing::info!("sign-in refused: access removed");
        record(
            &state,
            Event::new(Action::SignInRefused)
                .by(&member)
                .detail("access removed"),
        )
        .await?;
        return Err(AppError::refused(
            StatusCode::FORBIDDEN,
            "Your access to Burrow has been removed by the setting’s manager. Speak to them if you think this is wrong.",
        ));
    }
    let event = Event::new(Action::SignedIn).by(&member);
    start_session(&state, scheme, member.id, move |tx, now| {
        audit::append(tx, event, now)?;
        Ok(())
    })
    .await
}

/// Notes something in the audit log on its own (when nothing else is written with it).
pub async fn record(state: &AppState, event: Event) -> Result<(), AppError> {
    state
        .db
        .call(move |c| Ok(audit::append(c, event, Utc::now()).map(|_| ())?))
        .await
}

pub async fn current(
    signed_in: SignedIn,
    State(state): State<AppState>,
) -> Result<Json<Session>, AppError> {
    let (setting_name, minutes, validation_required) = state
        .db
        .call(|c| {
            Ok((
                store::setting_name(c)?.unwrap_or_default(),
                store::lock_after_minutes(c)?,
                store::validation_required(c)?,
            ))
        })
        .await?;
    Ok(Json(Session {
        staff: signed_in.staff,
        setting_name,
        lock_after_seconds: state.lock_after_seconds(minutes),
        validation_required,
    }))
}

/// Signing out ends the session on the server, not only in this browser.
pub async fn sign_out(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    if let Some(token) = crate::auth::token_from(&headers) {
        let hash = secrets::sha256(token.as_bytes());
        state
            .db
            .call(move |c| Ok(store::delete_session(c, &hash)?))
            .await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, clear_cookie())],
    )
        .into_response())
}

pub async fn claim_invite(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    Extension(scheme): Extension<Scheme>,
    ApiJson(req): ApiJson<ClaimInviteRequest>,
) -> Result<Response, AppError> {
    let name =
        clean_name(&req.name).map_err(|e| AppError::invalid("name", format!("Your name: {e}")))?;
    let key = name_key(&name);
    refuse_if_throttled(&state, Some(&key), ip)?;
    let typed = secrets::code_hash(&req.code);
    let lookup_key = key.clone();
    let (found, setting) = state
        .db
        .call(move |c| {
            Ok((
                store::staff_by_name_key(c, &lookup_key)?,
                store::setting_name(c)?.unwrap_or_default(),
            ))
        })
        .await?;
    let now = Utc::now();
    let valid = found.filter(|s| {
        s.passphrase_hash.is_none()
            && s.invite_expires.is_some_and(|e| e > now)
            && s.invite_hash
                .as_deref()
                .is_some_and(|h| secrets::same_hash(h, &typed))
    });
    let Some(staff) = valid else {
        state.throttles.record_failure(Some(&key), ip, now);
        return Err(AppError::Refused {
            status: StatusCode::FORBIDDEN,
            message: "That invite code does not match this name, or it has expired or been used. Check the spelling of your name as your manager entered it, or ask them for a new code.".into(),
            field: Some("code".into()),
        });
    };
    passphrase::check(&req.passphrase, &[&staff.member.name, &setting])
        .map_err(|e| AppError::invalid("passphrase", e.to_string()))?;
    let hash = secrets::hash_passphrase(req.passphrase).await?;
    let id = staff.member.id;
    state.throttles.forget_account(&key);
    start_session(&state, scheme, id, move |tx, now| {
        // Still unclaimed inside the transaction: a code works once.
        let still_open =
            store::staff_by_name_key(tx, &key)?.is_some_and(|s| s.passphrase_hash.is_none());
        if !still_open {
            return Err(AppError::conflict(
                Some("code"),
                "That invite code has already been used. Sign in instead.",
            ));
        }
        store::set_passphrase_and_clear_invite(tx, id, &hash)?;
        audit::append(tx, Event::new(Action::StaffJoined).by(&staff.member), now)?;
        Ok(())
    })
    .await
}

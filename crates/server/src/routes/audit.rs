//! The audit log for managers: filtered reading, the chain's check and the retention setting;
//! and tablets reporting wrong passphrases typed on them.

use crate::auth::{Manager, SignedIn};
use crate::error::{ApiJson, AppError};
use crate::extract::Query;
use crate::proof::Signed;
use crate::state::AppState;
use crate::store::{self, audit as log};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use burrow_core::api::{
    AuditCheck, AuditEntry, AuditPage, AuditRetention, WRONG_PASSPHRASES_MAX, WrongPassphrases,
};
use burrow_core::audit::{Action, check_retention};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

const PAGE: u32 = 100;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    action: Option<String>,
    child: Option<Uuid>,
    actor: Option<Uuid>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    before: Option<i64>,
}

pub async fn list(
    _: Manager,
    State(state): State<AppState>,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    let action = match q.action.as_deref().filter(|a| !a.is_empty()) {
        None => None,
        Some(code) => Some(Action::from_code(code).ok_or_else(|| {
            AppError::invalid("action", "There is no such kind of entry in the audit log.")
        })?),
    };
    let filter = log::Filter {
        action,
        child: q.child,
        actor: q.actor,
        from: q.from,
        to: q.to,
        before: q.before,
        limit: PAGE + 1,
    };
    let mut entries = state.db.read(move |c| Ok(log::list(c, &filter)?)).await?;
    let more = entries.len() > PAGE as usize;
    entries.truncate(PAGE as usize);
    Ok(Json(AuditPage {
        entries: entries
            .into_iter()
            .map(|e| AuditEntry {
                seq: e.seq,
                at: e.at,
                action: e.action,
                actor_name: e.actor_name,
                device: e.device,
                child: e.child,
                subject: e.subject,
                detail: e.detail,
            })
            .collect(),
        more,
    }))
}

/// The same check as `burrow-server verify-audit`, for the manager's screen.
pub async fn check(
    _: Manager,
    State(state): State<AppState>,
) -> Result<Json<AuditCheck>, AppError> {
    let head = state.audit_head.read().map_err(|e| {
        tracing::warn!("audit-head unreadable: {e}");
        AppError::internal("audit-head unreadable")
    })?;
    let report = state
        .db
        .read(move |c| crate::audit::verify(c, head))
        .await?;
    Ok(Json(AuditCheck {
        intact: report.result.is_ok(),
        checked: report.checked,
        problem: report.result.err().map(|e| e.to_string()),
    }))
}

pub async fn retention(
    _: Manager,
    State(state): State<AppState>,
) -> Result<Json<AuditRetention>, AppError> {
    let days = state.db.read(|c| Ok(log::retention_days(c)?)).await?;
    Ok(Json(AuditRetention { days }))
}

/// A shorter retention removes what is now too old at once (moving the chain's anchor).
pub async fn set_retention(
    Manager(me): Manager,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<AuditRetention>,
) -> Result<Json<AuditRetention>, AppError> {
    let days = check_retention(req.days)
        .map_err(|e| AppError::invalid("days", format!("Enter a number of days: {e}.")))?;
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let now = Utc::now();
            log::set_retention_days(&tx, days)?;
            log::append(
                &tx,
                log::Event::new(Action::OptionsChanged)
                    .by(&me)
                    .detail(format!("audit log kept {days} days")),
                now,
            )?;
            log::purge(&tx, now)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(Json(AuditRetention { days }))
}

/// Wrong passphrases a tablet saw, each noted against the person whose passphrase was tried
/// (if they are on the staff list), with the tablet and the time it happened there.
pub async fn wrong_passphrases(
    _: SignedIn,
    State(state): State<AppState>,
    signed: Signed,
) -> Result<StatusCode, AppError> {
    let report: WrongPassphrases = crate::error::signed_json(&signed.body)?;
    if report.attempts.len() > WRONG_PASSPHRASES_MAX {
        return Err(AppError::refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Send at most {WRONG_PASSPHRASES_MAX} attempts at once."),
        ));
    }
    let device = signed.device;
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let now = Utc::now();
            for attempt in &report.attempts {
                let mut event = log::Event::new(Action::WrongPassphraseOnTablet)
                    .device(device)
                    .detail(format!(
                        "tried on the tablet at {}",
                        attempt.at.to_rfc3339()
                    ));
                if let Some(staff) = store::staff_by_id(&tx, attempt.staff_id)? {
                    event = event.by(&staff);
                }
                log::append(&tx, event, now)?;
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

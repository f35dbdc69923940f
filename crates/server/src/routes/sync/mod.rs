//! Sync: a signed-in member of staff on an enrolled tablet pushes its outbox in batches and
//! pulls what changed since its checkpoint.
//!
//! Push: one SQLite transaction a batch; each operation answered on its own — accepted with its
//! sequence number, already applied (a retry), superseded (replaced on the tablet before it was
//! sent), or refused with the reason core's rules give (`apply`). A refusal does not block the
//! operations after it; a gap in the counters does.
//!
//! Pull: the records changed after a sequence number, newest version of each, filtered by
//! core's `staff_may_pull`, with tombstones for deletions.

pub mod apply;
pub mod resend;

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::extract::Query;
use crate::proof::Signed;
use crate::state::AppState;
use crate::store::{self, sync as records};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use burrow_core::sync::{
    BATCH_MAX, CounterCheck, OpAnswer, Outcome, PULL_MAX, PushAnswer, RecordKind, SyncRefusal,
    counter, staff_may_pull,
};
use burrow_core::workflow::{Actor, Setting, Status};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// 200 observations of a few kilobytes each, with room to spare.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

pub async fn push(
    _signed_in: SignedIn,
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Json<PushAnswer>, AppError> {
    let request: apply::PushRequest = crate::error::signed_json(&signed.body)?;
    if request.ops.len() > BATCH_MAX {
        return Err(AppError::refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Send at most {BATCH_MAX} changes at once."),
        ));
    }
    let device = signed.device;
    let answers = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let setting = Setting {
                validation_required: store::validation_required(&tx)?,
            };
            let mut last = records::last_counter(&tx, device)?;
            let key = crate::receipts::key(&tx)?;
            let mut staff = std::collections::HashMap::new();
            let mut answers = Vec::with_capacity(request.ops.len());
            for op in &request.ops {
                let outcome = match counter(last, op.counter) {
                    CounterCheck::Applied => {
                        let held = records::held(&tx, op.record_id)?;
                        Outcome::AlreadyApplied {
                            held: held.as_ref().map(|h| h.version),
                            sha256: held
                                .as_ref()
                                .map(|h| hex::encode(crate::secrets::digest(h.body.as_bytes()))),
                            receipt: held.and_then(|h| {
                                let kind = RecordKind::parse(&h.kind)?;
                                Some(key.issue(kind, op.record_id, h.version, h.by, &h.body))
                            }),
                        }
                    }
                    CounterCheck::Gap { expected } => Outcome::Gap {
                        expected,
                        reason: SyncRefusal::Gap { expected }.to_string(),
                    },
                    CounterCheck::Next => {
                        last = op.counter;
                        match apply::one(&tx, op, setting, device, &mut staff) {
                            Ok(Some((seq, sha256))) => Outcome::Accepted {
                                seq,
                                sha256,
                                receipt: kept_receipt(&key, op),
                            },
                            Ok(None) => Outcome::Superseded,
                            Err(apply::Refusal::Rule(why)) => {
                                // Which record, never what it says.
                                tracing::info!(%device, counter = op.counter, kind = %op.kind, "sync refused a change");
                                Outcome::Refused {
                                    reason: why.to_string(),
                                }
                            }
                            Err(apply::Refusal::Db(e)) => return Err(e.into()),
                        }
                    }
                };
                answers.push(OpAnswer {
                    counter: op.counter,
                    record_id: op.record_id,
                    outcome,
                });
            }
            records::set_last_counter(&tx, device, last)?;
            tx.commit()?;
            Ok(answers)
        })
        .await?;
    Ok(Json(PushAnswer { answers }))
}

#[derive(Deserialize)]
pub struct PullQuery {
    #[serde(default, deserialize_with = "burrow_core::api::stored_number")]
    after: u64,
    /// A tablet starting again from the beginning (back from an outing, whose records it let
    /// go) asks for its own changes too.
    #[serde(default)]
    own: bool,
}

/// Pull's answer as sent: each record's body passed on exactly as it was kept (core's
/// `PullAnswer` is what the tablet reads; the JSON is the same).
#[derive(Serialize)]
pub struct PullOut {
    records: Vec<PulledOut>,
    last: u64,
    more: bool,
    deletions: Vec<burrow_core::api::DeletionNotice>,
    photo_window: burrow_core::retention::PhotoWindow,
}

#[derive(Serialize)]
struct PulledOut {
    seq: u64,
    kind: RecordKind,
    id: uuid::Uuid,
    version: u64,
    body: Box<RawValue>,
    deleted: bool,
    receipt: String,
}

/// The receipt for an operation just kept: for its body exactly as it came.
fn kept_receipt(key: &crate::receipts::Key, op: &apply::PushOp) -> Option<String> {
    let kind = RecordKind::parse(&op.kind)?;
    let body = op.body.as_deref()?.get();
    Some(key.issue(kind, op.record_id, op.version, op.by, body))
}

pub async fn pull(
    signed_in: SignedIn,
    State(state): State<AppState>,
    Query(query): Query<PullQuery>,
    signed: Signed,
) -> Result<Json<PullOut>, AppError> {
    let viewer = signed_in.staff.id;
    let device = signed.device;
    let (rows, last, deletions, retention, key) = state
        .db
        .read(move |c| {
            // One snapshot: the checkpoint may then move past this tablet's own changes, and a
            // deletion is seen only with the server's changes to the group entries it kept.
            let tx = c.unchecked_transaction()?;
            let not_from = (!query.own).then_some(device);
            let rows = records::after(&tx, query.after, PULL_MAX, not_from)?;
            let last = if rows.len() == PULL_MAX {
                rows.last().map_or(query.after, |r| r.seq)
            } else {
                records::last_seq(&tx)?.max(query.after)
            };
            let deletions = crate::store::deletion::waiting_for(&tx, device)?;
            let retention = crate::store::retention::get(&tx)?;
            let key = crate::receipts::key(&tx)?;
            tx.commit()?;
            Ok((rows, last, deletions, retention, key))
        })
        .await?;
    let photo_window = burrow_core::retention::PhotoWindow::on(
        &retention,
        crate::routes::children::today_in_england(),
    );
    let more = rows.len() == PULL_MAX;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(kind) = RecordKind::parse(&row.kind) else {
            continue;
        };
        let status = row.status.as_deref().and_then(Status::parse);
        let workflow = matches!(kind, RecordKind::Observation | RecordKind::ProgressCheck);
        let deleted = workflow && status.is_none();
        // A tablet starting again from the beginning gets back every draft it sent itself,
        // whoever wrote it: it let them go for an outing and they were its to hold.
        let its_own = query.own && row.device == device;
        if !staff_may_pull(kind, status, row.author, viewer) && !its_own {
            continue;
        }
        let receipt = key.issue(kind, row.id, row.version, row.by, &row.body);
        let body = RawValue::from_string(row.body)
            .map_err(|_| AppError::internal("a kept record is not JSON"))?;
        out.push(PulledOut {
            seq: row.seq,
            kind,
            id: row.id,
            version: row.version,
            body,
            deleted,
            receipt,
        });
    }
    Ok(Json(PullOut {
        records: out,
        last,
        more,
        deletions,
        photo_window,
    }))
}

/// The member of staff a pushed change is checked for.
fn actor(staff: &burrow_core::api::StaffMember) -> Actor {
    Actor::Staff {
        id: staff.id,
        role: staff.role,
    }
}

/// `GET /api/sync/standing`: this server's history and what it holds of the asking tablet's
/// work, which the tablet checks before it pushes anything (core's `sync::restored`).
pub async fn standing(
    _: SignedIn,
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Json<burrow_core::sync::restored::SyncStanding>, AppError> {
    let device = signed.device;
    let standing = state
        .db
        .read(move |c| {
            let last_seq = store::sync::last_seq(c)?;
            Ok(burrow_core::sync::restored::SyncStanding {
                history: store::backups::history(c)?,
                last_counter: store::sync::last_counter(c, device)?,
                last_seq,
                restored_at: store::backups::restored_at(c)?.unwrap_or(last_seq),
            })
        })
        .await?;
    Ok(Json(standing))
}

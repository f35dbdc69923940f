//! Sync, push half: a signed-in member of staff on an enrolled tablet sends its outbox in
//! batches. One SQLite transaction a batch; each operation answered on its own: accepted with
//! its sequence number, already applied (a retry), or refused with the reason core's rules
//! give. A refusal does not block the operations after it; a gap in the counters does.

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::proof::Signed;
use crate::state::AppState;
use crate::store::{self, sync as records};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use burrow_core::sync::{
    BATCH_MAX, CounterCheck, Incoming, OpAnswer, Outcome, PushAnswer, PushOp, PushRequest,
    RecordKind, SyncRefusal, check_observation, counter,
};
use burrow_core::workflow::{Actor, Setting};
use chrono::Utc;
use rusqlite::Connection;
use uuid::Uuid;

/// 200 observations of a few kilobytes each, with room to spare.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

pub async fn push(
    signed_in: SignedIn,
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Json<PushAnswer>, AppError> {
    let request: PushRequest = serde_json::from_slice(&signed.body).map_err(|e| {
        AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("The changes could not be read: {e}."),
        )
    })?;
    if request.ops.len() > BATCH_MAX {
        return Err(AppError::refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Send at most {BATCH_MAX} changes at once."),
        ));
    }
    let actor = Actor::Staff {
        id: signed_in.staff.id,
        role: signed_in.staff.role,
    };
    let device = signed.device;
    let answers = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let setting = Setting {
                validation_required: store::validation_required(&tx)?,
            };
            let mut last = records::last_counter(&tx, device)?;
            let mut answers = Vec::with_capacity(request.ops.len());
            for op in &request.ops {
                let outcome = match counter(last, op.counter) {
                    CounterCheck::Applied => Outcome::AlreadyApplied,
                    CounterCheck::Gap { expected } => Outcome::Refused {
                        reason: SyncRefusal::Gap { expected }.to_string(),
                    },
                    CounterCheck::Next => {
                        last = op.counter;
                        match apply(&tx, op, actor, setting, device) {
                            Ok(seq) => Outcome::Accepted { seq },
                            Err(Refusal::Rule(why)) => {
                                // Which rule, never what the record says.
                                tracing::info!(%device, counter = op.counter, "sync refused a change");
                                Outcome::Refused {
                                    reason: why.to_string(),
                                }
                            }
                            Err(Refusal::Db(e)) => return Err(e.into()),
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

enum Refusal {
    Rule(SyncRefusal),
    Db(rusqlite::Error),
}

impl From<rusqlite::Error> for Refusal {
    fn from(e: rusqlite::Error) -> Self {
        Refusal::Db(e)
    }
}

fn apply(
    tx: &Connection,
    op: &PushOp,
    actor: Actor,
    setting: Setting,
    device: Uuid,
) -> Result<u64, Refusal> {
    let kind: RecordKind = serde_json::from_value(serde_json::Value::String(op.kind.clone()))
        .map_err(|_| Refusal::Rule(SyncRefusal::UnknownKind(op.kind.clone())))?;
    match kind {
        RecordKind::Observation => {
            let incoming = Incoming::parse(&op.body).map_err(Refusal::Rule)?;
            let held = match records::held_observation(tx, op.record_id)? {
                None => None,
                Some(Some(h)) => Some(h),
                Some(None) => return Err(Refusal::Rule(SyncRefusal::Deleted)),
            };
            let now = Utc::now();
            let status = check_observation(
                held,
                op.record_id,
                op.version,
                &incoming,
                actor,
                setting,
                now,
            )
            .map_err(Refusal::Rule)?;
            let (author, from_home) = match (&incoming, held) {
                (Incoming::Observation(o), _) => (o.author, o.from_home),
                (Incoming::Deleted(_), Some(h)) => (h.subject.author, h.subject.from_home),
                (Incoming::Deleted(_), None) => {
                    return Err(Refusal::Rule(SyncRefusal::NothingToDelete));
                }
            };
            let seq = records::next_seq(tx)?;
            let body = op.body.to_string();
            let Actor::Staff { id: by, .. } = actor else {
                return Err(Refusal::Rule(SyncRefusal::NotTheAuthor));
            };
            records::put_observation(
                tx,
                &records::Change {
                    id: op.record_id,
                    version: op.version,
                    status,
                    author,
                    from_home,
                    body: &body,
                    seq,
                    by,
                    device,
                    at: now,
                },
            )?;
            Ok(seq)
        }
    }
}

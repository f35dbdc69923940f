//! Records a tablet sends back to a server restored from an older backup (issue 17; core's
//! `sync::restored`). `lacks` says which of the tablet's records the server no longer holds at
//! that version; `resend` takes each back if its receipt is the server's own for exactly that
//! body, and if the server does not hold that version or a newer one already. The rules were
//! run when the server first kept it, so they are not run again on the word of the person now
//! signed in: the receipt is the proof. The tablet's answered counter comes with the last batch.

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::proof::Signed;
use crate::state::AppState;
use crate::store::audit::{self, Event};
use crate::store::{photos, sync as records};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use burrow_core::audit::Action;
use burrow_core::observation::Observation;
use burrow_core::photo::PhotoRecord;
use burrow_core::progress_check::ProgressCheck;
use burrow_core::sync::restored::{
    LacksAnswer, LacksRequest, RESEND_MAX, ResendAnswer, ResendOutcome, ResentAnswer, lacks,
};
use burrow_core::sync::{Incoming, NotToday, RecordKind, RefusedCapture, SyncRefusal};
use chrono::Utc;
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::value::RawValue;
use uuid::Uuid;

/// A record sent back, its body kept as the tablet sent it (the receipt covers those bytes).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resent {
    pub kind: RecordKind,
    pub id: Uuid,
    #[serde(deserialize_with = "burrow_core::api::stored_number")]
    pub version: u64,
    pub body: Box<RawValue>,
    pub receipt: String,
}

fn optional_stored<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    burrow_core::api::stored_number(d).map(Some)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResendRequest {
    pub records: Vec<Resent>,
    #[serde(default, deserialize_with = "optional_stored")]
    pub answered: Option<u64>,
}

fn too_many() -> AppError {
    AppError::refused(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("Send at most {RESEND_MAX} records at once."),
    )
}

/// `POST /api/sync/lacks`
pub async fn lacking(
    _: SignedIn,
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Json<LacksAnswer>, AppError> {
    let request: LacksRequest = crate::error::signed_json(&signed.body)?;
    if request.records.len() > RESEND_MAX {
        return Err(too_many());
    }
    let lacking = state
        .db
        .read(move |c| {
            let mut lacking = Vec::new();
            for r in &request.records {
                if lacks(records::version_held(c, r.id)?, r.version) {
                    lacking.push(r.id);
                }
            }
            Ok(lacking)
        })
        .await?;
    Ok(Json(LacksAnswer { lacking }))
}

/// `POST /api/sync/resend`
pub async fn resend(
    signed_in: SignedIn,
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Json<ResendAnswer>, AppError> {
    let request: ResendRequest = crate::error::signed_json(&signed.body)?;
    if request.records.len() > RESEND_MAX {
        return Err(too_many());
    }
    let device = signed.device;
    let staff = signed_in.staff;
    let answers = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let key = crate::receipts::key(&tx)?;
            let mut answers = Vec::with_capacity(request.records.len());
            let mut restored = 0usize;
            for r in &request.records {
                let body = r.body.get();
                let outcome = match key.check(r.kind, r.id, r.version, body, &r.receipt) {
                    None => {
                        tracing::info!(%device, kind = r.kind.as_str(), "a record sent back without a receipt this server gave");
                        ResendOutcome::Refused {
                            reason: NOT_OURS.into(),
                        }
                    }
                    Some(by) => match take_back(&tx, r, by, device)? {
                        Ok(outcome) => outcome,
                        Err(why) => ResendOutcome::Refused {
                            reason: why.to_string(),
                        },
                    },
                };
                if matches!(outcome, ResendOutcome::Restored { .. }) {
                    restored += 1;
                }
                answers.push(ResentAnswer { id: r.id, outcome });
            }
            if let Some(answered) = request.answered {
                let last = records::last_counter(&tx, device)?;
                records::set_last_counter(&tx, device, last.max(answered))?;
            }
            if restored > 0 {
                let event = Event::new(Action::ResentAfterRestore)
                    .by(&staff)
                    .device(device)
                    .detail(format!("{restored} records"));
                audit::append(&tx, event, Utc::now())?;
            }
            tx.commit()?;
            Ok(answers)
        })
        .await?;
    Ok(Json(ResendAnswer { answers }))
}

const NOT_OURS: &str = "The server cannot confirm it kept this version before, so it was not taken back. Tell your manager.";

/// Keeps one record again, with its receipt checked: whose it is and its status come from the
/// body the server once kept. A leaver's record stays deleted; a photo needs its files first.
fn take_back(
    tx: &Connection,
    r: &Resent,
    by: Uuid,
    device: Uuid,
) -> rusqlite::Result<Result<ResendOutcome, SyncRefusal>> {
    if !lacks(records::version_held(tx, r.id)?, r.version) {
        return Ok(Ok(ResendOutcome::AlreadyHeld));
    }
    let body = r.body.get();
    let unreadable = || Ok(Err(SyncRefusal::Unreadable));
    let (status, author, from_home, children) = match r.kind {
        RecordKind::Observation => match Incoming::parse(body) {
            Ok(Incoming::Observation(o)) => {
                let Observation {
                    status,
                    author,
                    from_home,
                    children,
                    ..
                } = *o;
                (Some(status), author, from_home, children)
            }
            // A deletion the server lost: the record goes again, as its tombstone.
            Ok(Incoming::Deleted(_)) => match records::kept(tx, r.kind, r.id)? {
                records::Kept::Workflow(h) => {
                    (None, h.subject.author, h.subject.from_home, Vec::new())
                }
                _ => return Ok(Ok(ResendOutcome::AlreadyHeld)),
            },
            Err(_) => return unreadable(),
        },
        RecordKind::ProgressCheck => match serde_json::from_str::<ProgressCheck>(body) {
            Ok(c) => (Some(c.status), c.author, false, vec![c.child]),
            Err(_) => return unreadable(),
        },
        RecordKind::Photo => match serde_json::from_str::<PhotoRecord>(body) {
            Ok(p) => {
                let present = |h: &Option<String>| match h {
                    Some(h) => photos::is_complete(tx, h),
                    None => Ok(false),
                };
                if !(present(&p.sha256)? && present(&p.thumb_sha256)?) {
                    return Ok(Err(SyncRefusal::PhotoMissing));
                }
                (None, p.taken_by, false, p.children)
            }
            Err(_) => return unreadable(),
        },
        RecordKind::RefusedCapture => match serde_json::from_str::<RefusedCapture>(body) {
            Ok(refusal) => {
                // The camera's refusals are kept for the audit log: it hears of them again.
                for reason in &refusal.reasons {
                    let event = Event::new(Action::CaptureRefused)
                        .device(device)
                        .child(reason.child_id)
                        .subject(r.id)
                        .detail(reason.reason.code());
                    audit::append(tx, event, Utc::now())?;
                }
                (None, refusal.by, false, Vec::new())
            }
            Err(_) => return unreadable(),
        },
        RecordKind::NotToday => match serde_json::from_str::<NotToday>(body) {
            Ok(_) => (None, by, false, Vec::new()),
            Err(_) => return unreadable(),
        },
    };
    for child in children {
        if crate::store::deletion::was_deleted(tx, child)? {
            return Ok(Err(SyncRefusal::ChildDeleted));
        }
    }
    let seq = records::next_seq(tx)?;
    records::put(
        tx,
        &records::Change {
            kind: r.kind,
            id: r.id,
            version: r.version,
            status,
            author,
            from_home,
            body,
            seq,
            by,
            device,
            at: Utc::now(),
        },
    )?;
    Ok(Ok(ResendOutcome::Restored { seq }))
}

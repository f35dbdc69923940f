//! One pushed operation: read what the server holds, ask core whether this change may be
//! made by the person who made it on the tablet, and keep it. Returns its sequence number and
//! the SHA-256 of the body as kept, or None for an operation a later change on the tablet
//! superseded.

use super::actor;
use crate::store::audit::{self, Event};
use crate::store::{self, photos, sync as records};
use burrow_core::api::StaffMember;
use burrow_core::audit::Action;
use burrow_core::consent::InFrame;
use burrow_core::photo::PhotoRecord;
use burrow_core::progress_check::ProgressCheck;
use burrow_core::sync::{
    Held, Incoming, NotToday, PhotoCheck, RecordKind, RefusedCapture, SyncRefusal, check_base,
    check_observation, check_photo, check_progress_check, check_refused_capture, check_wishes,
    not_today_id,
};
use burrow_core::workflow::{Setting, Status};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use std::collections::HashMap;
use uuid::Uuid;

pub enum Refusal {
    Rule(SyncRefusal),
    Db(rusqlite::Error),
}

impl From<rusqlite::Error> for Refusal {
    fn from(e: rusqlite::Error) -> Self {
        Refusal::Db(e)
    }
}

impl From<SyncRefusal> for Refusal {
    fn from(e: SyncRefusal) -> Self {
        Refusal::Rule(e)
    }
}

fn parse<T: DeserializeOwned>(body: &str) -> Result<T, Refusal> {
    serde_json::from_str(body).map_err(|_| Refusal::Rule(SyncRefusal::Unreadable))
}

/// A pushed operation as the server reads it: the body kept as the tablet sent it (parsed once
/// for the rules, stored as it came).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushOp {
    #[serde(deserialize_with = "burrow_core::api::stored_number")]
    pub counter: u64,
    pub record_id: Uuid,
    pub kind: String,
    #[serde(deserialize_with = "burrow_core::api::stored_number")]
    pub version: u64,
    #[serde(deserialize_with = "burrow_core::api::stored_number")]
    pub base: u64,
    pub by: Uuid,
    pub body: Option<Box<RawValue>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub ops: Vec<PushOp>,
}

/// The day a photo was taken, in England: the day its "no photos today" wishes are for.
pub fn photo_day(taken_at: DateTime<Utc>) -> chrono::NaiveDate {
    taken_at
        .with_timezone(&chrono_tz::Europe::London)
        .date_naive()
}

/// What is kept once a change passed its rules.
struct Keep {
    status: Option<Status>,
    author: Uuid,
    from_home: bool,
}

pub fn one(
    tx: &Connection,
    op: &PushOp,
    setting: Setting,
    device: Uuid,
    staff_cache: &mut HashMap<Uuid, Option<StaffMember>>,
) -> Result<Option<(u64, String)>, Refusal> {
    let kind =
        RecordKind::parse(&op.kind).ok_or_else(|| SyncRefusal::UnknownKind(op.kind.clone()))?;
    let Some(body) = op.body.as_deref().map(RawValue::get) else {
        return Ok(None);
    };
    // A batch is mostly one person's changes: look them up once a batch.
    let staff = match staff_cache.get(&op.by) {
        Some(known) => known.clone(),
        None => {
            let found = store::active_staff(tx, op.by)?;
            staff_cache.insert(op.by, found.clone());
            found
        }
    }
    .ok_or(SyncRefusal::UnknownStaff)?;
    let actor = actor(&staff);
    let now = Utc::now();
    let kept = records::kept(tx, kind, op.record_id)?;
    let held = match kept {
        records::Kept::Deleted => return Err(SyncRefusal::Deleted.into()),
        records::Kept::Workflow(h) => Some(h),
        records::Kept::Never | records::Kept::Plain { .. } => None,
    };
    // Records two tablets may both edit must be edited on top of the server's version.
    check_base(held.map(|h| h.version), op.base)?;
    let plain = match kept {
        records::Kept::Plain { version } => Some(version),
        _ => None,
    };
    let keep = match kind {
        RecordKind::Observation => {
            let incoming = Incoming::parse(body)?;
            if let Incoming::Observation(o) = &incoming {
                not_deleted(tx, &o.children)?;
            }
            let status = check_observation(
                held,
                op.record_id,
                op.version,
                &incoming,
                actor,
                setting,
                now,
            )?;
            if let Incoming::Observation(o) = &incoming {
                audit_decision(tx, held, status, &staff, op, &o.children, device, now)?;
            }
            let (author, from_home) = match (&incoming, held) {
                (Incoming::Observation(o), _) => (o.author, o.from_home),
                (Incoming::Deleted(_), Some(h)) => (h.subject.author, h.subject.from_home),
                (Incoming::Deleted(_), None) => return Err(SyncRefusal::NothingToDelete.into()),
            };
            Keep {
                status,
                author,
                from_home,
            }
        }
        RecordKind::ProgressCheck => {
            let check: ProgressCheck = parse(body)?;
            not_deleted(tx, &[check.child])?;
            let born = records::date_of_birth(tx, check.child)?;
            let status =
                check_progress_check(held, op.record_id, op.version, &check, born, actor, setting)?;
            audit_decision(tx, held, status, &staff, op, &[check.child], device, now)?;
            Keep {
                status,
                author: check.author,
                from_home: false,
            }
        }
        RecordKind::Photo => {
            let record: PhotoRecord = parse(body)?;
            not_deleted(tx, &record.children)?;
            photo(tx, op, &record, plain, now).inspect_err(|e| {
                // A photo consent did not allow is refused, and the refusal audited.
                if let Refusal::Rule(SyncRefusal::NoConsent(_)) = e {
                    for &child in &record.children {
                        let event = Event::new(Action::PhotoRefused)
                            .by(&staff)
                            .device(device)
                            .child(child)
                            .subject(op.record_id)
                            .detail("no consent when it was taken");
                        if let Err(e) = audit::append(tx, event, now) {
                            tracing::warn!("could not audit a refused photo: {e}");
                        }
                    }
                }
            })?;
            Keep {
                status: None,
                author: record.taken_by,
                from_home: false,
            }
        }
        RecordKind::RefusedCapture => {
            let refusal: RefusedCapture = parse(body)?;
            check_refused_capture(op.record_id, plain.is_some(), &refusal, op.by, now)?;
            // The camera's refusal, one entry per child it was refused for (no names).
            for reason in &refusal.reasons {
                let event = Event::new(Action::CaptureRefused)
                    .by(&staff)
                    .device(device)
                    .child(reason.child_id)
                    .subject(op.record_id)
                    .detail(reason.reason.code());
                audit::append(tx, event, now)?;
            }
            Keep {
                status: None,
                author: refusal.by,
                from_home: false,
            }
        }
        RecordKind::NotToday => {
            let wishes: NotToday = parse(body)?;
            check_wishes(op.record_id, op.version, plain, &wishes)?;
            Keep {
                status: None,
                author: op.by,
                from_home: false,
            }
        }
    };
    let seq = records::next_seq(tx)?;
    let text = body;
    records::put(
        tx,
        &records::Change {
            kind,
            id: op.record_id,
            version: op.version,
            status: keep.status,
            author: keep.author,
            from_home: keep.from_home,
            body: text,
            seq,
            by: op.by,
            device,
            at: now,
        },
    )?;
    Ok(Some((
        seq,
        hex::encode(crate::secrets::digest(text.as_bytes())),
    )))
}

/// A manager's validation or return, once per child the record is about.
#[allow(clippy::too_many_arguments)]
fn audit_decision(
    tx: &Connection,
    held: Option<Held>,
    now_status: Option<Status>,
    staff: &StaffMember,
    op: &PushOp,
    children: &[Uuid],
    device: Uuid,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    let action = match (held.map(|h| h.subject.status), now_status) {
        (Some(Status::Submitted), Some(Status::Validated)) => Action::ObservationValidated,
        (Some(Status::Submitted), Some(Status::Returned)) => Action::ObservationReturned,
        _ => return Ok(()),
    };
    for &child in children {
        let event = Event::new(action)
            .by(staff)
            .device(device)
            .child(child)
            .subject(op.record_id)
            .detail(op.kind.as_str());
        audit::append(tx, event, now)?;
    }
    Ok(())
}

/// A photo record: consent as it stood when it was taken, and both its files already here; or
/// a later version of one the server keeps, with only its marked faces changed.
fn photo(
    tx: &Connection,
    op: &PushOp,
    record: &PhotoRecord,
    held: Option<u64>,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let held = match held {
        Some(version) => {
            let body = records::body(tx, RecordKind::Photo, op.record_id)?
                .ok_or(SyncRefusal::Unreadable)?;
            Some((version, parse::<PhotoRecord>(&body)?))
        }
        None => None,
    };
    let mut children = Vec::with_capacity(record.children.len());
    let mut history = Vec::new();
    for &child in &record.children {
        children.push(records::first_name(tx, child)?.map(|first_name| InFrame {
            child_id: child,
            first_name,
        }));
        history.extend(store::consents_of(tx, child)?.into_iter().map(|e| e.record));
    }
    let day = photo_day(record.taken_at);
    let not_today = records::not_today(tx, not_today_id(day))?
        .and_then(|body| serde_json::from_str::<NotToday>(&body).ok())
        .map(|w| w.children)
        .unwrap_or_default();
    let present = |hash: &Option<String>| -> Result<bool, rusqlite::Error> {
        match hash {
            Some(h) => photos::is_complete(tx, h),
            None => Ok(false),
        }
    };
    let bytes_present = present(&record.sha256)? && present(&record.thumb_sha256)?;
    let facts = PhotoCheck {
        held: held.as_ref().map(|(v, r)| (*v, r)),
        children: &children,
        history: &history,
        day,
        not_today: &not_today,
        bytes_present,
    };
    check_photo(
        op.record_id,
        (op.version, op.base),
        record,
        op.by,
        &facts,
        now,
    )?;
    Ok(())
}

/// Nothing about a leaver whose data was deleted comes back from a tablet that was away.
fn not_deleted(tx: &rusqlite::Connection, children: &[Uuid]) -> Result<(), Refusal> {
    for child in children {
        if crate::store::deletion::was_deleted(tx, *child)? {
            return Err(SyncRefusal::ChildDeleted.into());
        }
    }
    Ok(())
}

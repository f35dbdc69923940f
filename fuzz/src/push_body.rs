//! A tablet's push, as the server reads it: the body decoded as the route does, then each
//! operation's record read and put to core's rules as if the server held nothing yet.

use burrow_core::api::STORED_MAX;
use burrow_core::consent::InFrame;
use burrow_core::photo::PhotoRecord;
use burrow_core::progress_check::ProgressCheck;
use burrow_core::staff::Role;
use burrow_core::sync::{
    Incoming, NotToday, PhotoCheck, RecordKind, RefusedCapture, check_observation, check_photo,
    check_progress_check, check_refused_capture, check_wishes,
};
use burrow_core::workflow::{Actor, Setting};
use burrow_server::error::signed_json;
use burrow_server::routes::sync::apply::{PushRequest, photo_day};
use serde::de::DeserializeOwned;

const FIELDS: [&str; 8] = [
    "ops",
    "counter",
    "record_id",
    "kind",
    "version",
    "base",
    "by",
    "body",
];

fn read<T: DeserializeOwned>(body: &str) -> Option<T> {
    serde_json::from_str(body).ok()
}

pub fn check(data: &[u8]) {
    let request = match signed_json::<PushRequest>(data) {
        Ok(r) => r,
        Err(e) => return crate::assert_plain_refusal(&e, &FIELDS),
    };
    let now = crate::now();
    let setting = Setting {
        validation_required: true,
    };
    for op in &request.ops {
        // Every number that reaches SQLite fits its INTEGER.
        for n in [op.counter, op.version, op.base] {
            assert!(n <= STORED_MAX, "a number SQLite cannot hold got through");
        }
        let Some(kind) = RecordKind::parse(&op.kind) else {
            continue;
        };
        let Some(body) = op.body.as_deref().map(|b| b.get()) else {
            continue;
        };
        let actor = Actor::Staff {
            id: op.by,
            role: Role::Practitioner,
        };
        match kind {
            RecordKind::Observation => {
                if let Ok(incoming) = Incoming::parse(body) {
                    let _ = check_observation(
                        None,
                        op.record_id,
                        op.version,
                        &incoming,
                        actor,
                        setting,
                        now,
                    );
                }
            }
            RecordKind::ProgressCheck => {
                if let Some(c) = read::<ProgressCheck>(body) {
                    let born = now.date_naive() - chrono::Duration::days(800);
                    let _ = check_progress_check(
                        None,
                        op.record_id,
                        op.version,
                        &c,
                        Some(born),
                        actor,
                        setting,
                    );
                }
            }
            RecordKind::Photo => {
                if let Some(record) = read::<PhotoRecord>(body) {
                    let children: Vec<Option<InFrame>> = record
                        .children
                        .iter()
                        .map(|&child_id| {
                            Some(InFrame {
                                child_id,
                                first_name: "Ava".into(),
                            })
                        })
                        .collect();
                    let facts = PhotoCheck {
                        held: None,
                        children: &children,
                        history: &[],
                        day: photo_day(record.taken_at),
                        not_today: &[],
                        bytes_present: true,
                    };
                    // Nobody in it has consent on record: it must never be kept.
                    let kept = check_photo(
                        op.record_id,
                        (op.version, op.base),
                        &record,
                        op.by,
                        &facts,
                        now,
                    );
                    assert!(
                        record.children.is_empty() || kept.is_err(),
                        "a photo of children without consent was accepted"
                    );
                }
            }
            RecordKind::RefusedCapture => {
                if let Some(r) = read::<RefusedCapture>(body) {
                    let _ = check_refused_capture(op.record_id, false, &r, op.by, now);
                }
            }
            RecordKind::NotToday => {
                if let Some(w) = read::<NotToday>(body) {
                    let _ = check_wishes(op.record_id, op.version, None, &w);
                }
            }
        }
    }
}

//! A start for each target: the bytes a real tablet or phone sends, made from core's own types,
//! so libFuzzer begins inside the formats rather than guessing at JSON.

use burrow_core::api::NewParentNote;
use burrow_core::envelope::{Aad, Kind, native};
use burrow_core::observation::Observation;
use burrow_core::photo::PhotoRecord;
use burrow_core::sync::{NotToday, not_today_id};
use serde_json::json;
use uuid::Uuid;

/// The targets, by the name of their binary.
pub const TARGETS: [&str; 5] = [
    "envelope",
    "push_body",
    "jpeg",
    "device_proof",
    "parent_note",
];

/// A small JPEG as a canvas makes one: SOI, JFIF APP0, a quantisation table, frame, scan, EOI.
pub fn plain_jpeg() -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8];
    j.extend_from_slice(&[
        0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
    ]);
    j.extend_from_slice(&[0xFF, 0xDB, 0, 67, 0]);
    j.extend_from_slice(&[1; 64]);
    j.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0]);
    j.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0, 0x12, 0x34]);
    j.extend_from_slice(&[0xFF, 0xD9]);
    j
}

fn push(kind: &str, record: Uuid, body: serde_json::Value) -> Vec<u8> {
    let op = json!({
        "counter": 1, "record_id": record, "kind": kind, "version": 1, "base": 0,
        "by": Uuid::from_u128(3), "body": body,
    });
    serde_json::to_vec(&json!({ "ops": [op] })).unwrap_or_default()
}

pub fn for_target(target: &str) -> Vec<Vec<u8>> {
    let at = crate::now();
    let child = Uuid::from_u128(2);
    match target {
        "envelope" => {
            let aad = Aad::record(Kind::Observation, Uuid::from_u128(1), 1);
            // Sealed under another tablet's key: well formed, and not openable here.
            vec![native::seal(&[1; 32], [1; 12], &aad, b"Ava built a den")]
        }
        "push_body" => {
            let mut o = Observation::new(Uuid::from_u128(1), Uuid::from_u128(3), vec![child], at);
            o.text = "Ava built a den with the big blocks".into();
            o.version = 1;
            let photo = PhotoRecord {
                id: Uuid::from_u128(4),
                thumb_id: Uuid::from_u128(5),
                children: vec![child],
                taken_by: Uuid::from_u128(3),
                taken_at: at,
                width: 1920,
                height: 1440,
                sha256: Some("ab".repeat(32)),
                thumb_sha256: Some("cd".repeat(32)),
                regions: Vec::new(),
            };
            let day = at.date_naive();
            let wishes = NotToday {
                day,
                children: vec![child],
            };
            vec![
                push("observation", o.id, json!(o)),
                push("photo", photo.id, json!(photo)),
                push("not_today", not_today_id(day), json!(wishes)),
                push("refused_capture", Uuid::from_u128(6), json!({"by": Uuid::from_u128(3), "at": at, "reasons": []})),
                br#"{"ops":[{"counter":1,"record_id":"00000000-0000-0000-0000-000000000001","kind":"observation","version":1,"base":0,"by":"00000000-0000-0000-0000-000000000003","body":null}]}"#.to_vec(),
            ]
        }
        "jpeg" => {
            let plain = plain_jpeg();
            let taken = at.naive_utc();
            let with = burrow_core::keepsake::with_exif(&plain, taken, "+00:00", "A den")
                .unwrap_or_default();
            vec![plain, with]
        }
        "device_proof" => vec![
            format!(
                "{}\n{}\nabcdef0123456789\n{}\nPOST\n/api/sync/push\n{{\"ops\":[]}}",
                Uuid::from_u128(9),
                at.timestamp(),
                "00".repeat(64)
            )
            .into_bytes(),
        ],
        "parent_note" => {
            let note = NewParentNote {
                id: Uuid::from_u128(7),
                child,
                entry: None,
                text: "She counted the steps all the way home!".into(),
                written_at: at,
            };
            vec![serde_json::to_vec(&note).unwrap_or_default()]
        }
        _ => Vec::new(),
    }
}

/// The check for a target, by name.
pub fn check_for(target: &str) -> Option<fn(&[u8])> {
    Some(match target {
        "envelope" => crate::envelope::check,
        "push_body" => crate::push_body::check,
        "jpeg" => crate::jpeg::check,
        "device_proof" => crate::device_proof::check,
        "parent_note" => crate::parent_note::check,
        _ => return None,
    })
}

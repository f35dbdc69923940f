//! Tablets after a restore (issue 17, item 5), over real HTTP, the real binary's backup and
//! restore, and real SQLite files. Priya's tablet pushes an observation and a photo after the
//! nightly backup; the manager validates the observation on the office tablet and Priya's
//! tablet pulls the validated copy. The server is lost and restored from the backup. Each
//! tablet sends back what the server lacks, with the server's receipts: the server ends where it
//! was, each record once, at its newest version, whichever tablet comes back first; a record
//! with a receipt that is not the server's, or a body changed under a real receipt, is refused;
//! counters carry on with no gap; the audit log is intact and says who sent what back.

mod support;
use burrow_core::observation::Observation;
use burrow_core::photo::PhotoRecord;
use burrow_core::workflow::Status;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use support::device::{Tablet, upload_photo};
use support::{Base, PASSPHRASE, TestServer, client, hash, picture};
use uuid::Uuid;

struct Restored(String);

impl Base for Restored {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

fn op(counter: u64, o: &Observation, base: u64, by: Uuid) -> Value {
    json!({"counter": counter, "record_id": o.id, "kind": "observation", "version": o.version, "base": base, "by": by, "body": o})
}

async fn post(tablet: &Tablet, who: &Client, server: &impl Base, path: &str, body: Value) -> Value {
    let bytes = serde_json::to_vec(&body).unwrap();
    let r = tablet.post(who, server, path, &bytes).await;
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{path}: {text}");
    serde_json::from_str(&text).unwrap()
}

async fn get(tablet: &Tablet, who: &Client, server: &impl Base, path: &str) -> Value {
    let r = tablet
        .send(reqwest::Method::GET, who, server, path, b"")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// Pushes `ops`; each answer.
async fn push(tablet: &Tablet, who: &Client, server: &impl Base, ops: Vec<Value>) -> Vec<Value> {
    let answer = post(tablet, who, server, "/api/sync/push", json!({ "ops": ops })).await;
    answer["answers"].as_array().unwrap().clone()
}

/// Every record a tablet pulls from the start, by id (the newest version of each).
async fn pull_all(tablet: &Tablet, who: &Client, server: &impl Base) -> Vec<Value> {
    let mut after = 0u64;
    let mut out = Vec::new();
    loop {
        let page = get(
            tablet,
            who,
            server,
            &format!("/api/sync/pull?after={after}&own=true"),
        )
        .await;
        out.extend(page["records"].as_array().unwrap().iter().cloned());
        if page["more"] != true {
            return out;
        }
        after = page["last"].as_u64().unwrap();
    }
}

/// A record as a tablet sends it back: its body and receipt as the server handed them over.
fn resent(kind: &str, body: &Value, version: u64, receipt: &Value) -> Value {
    json!({"kind": kind, "id": body["id"], "version": version, "body": body, "receipt": receipt})
}

fn burrow(args: &[&str], stdin: &str) -> String {
    let (ok, said) = support::process::command(args, stdin);
    assert!(ok, "{args:?}: {said}");
    said
}

#[tokio::test]
async fn tablets_send_back_what_a_restored_server_lost_once_each_in_any_order() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = client();
    assert_eq!(
        server.sign_in(&sam, "Sam Patel", PASSPHRASE).await.status(),
        StatusCode::OK
    );
    let sam_id = server.whoami(&sam).await;
    let noah = server.child_id(&sam, "Noah").await;
    let (priya, priya_id) = server.practitioner(&sam, "Ruth Okoro").await;
    let priya_id = Uuid::parse_str(&priya_id).unwrap();
    let room = Tablet::enrol(&server, &sam, "Room 1 tablet").await;
    let office = Tablet::enrol(&server, &sam, "Office tablet").await;

    let observation = |text: &str| {
        let mut o = Observation::new(Uuid::now_v7(), priya_id, vec![noah], chrono::Utc::now());
        o.text = text.into();
        o.status = Status::Submitted;
        o.version = 1;
        o
    };
    let before = observation("Noah poured water from jug to jug");
    assert_eq!(
        push(&room, &priya, &server, vec![op(1, &before, 0, priya_id)]).await[0]["outcome"],
        "accepted"
    );

    // Last night's backup.
    let key = post(
        &office,
        &sam,
        &server,
        "/api/backups/recovery-key",
        json!({}),
    )
    .await["recovery_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let outside = tempfile::tempdir().unwrap();
    let backup = outside.path().join("nightly.age");
    let data = server.data.path().to_str().unwrap().to_owned();
    burrow(
        &[
            "--data-dir",
            &data,
            "backup",
            "--to",
            backup.to_str().unwrap(),
        ],
        "",
    );

    // Today: an observation and a photo from the room; the office validates the observation;
    // the room pulls the validated copy (with the server's receipt for it).
    let today = observation("Noah built a tower of ten blocks and counted them");
    let answers = push(&room, &priya, &server, vec![op(2, &today, 0, priya_id)]).await;
    assert_eq!(answers[0]["outcome"], "accepted");
    let room_receipt_v1 = answers[0]["receipt"].clone();
    assert!(room_receipt_v1.is_string(), "{answers:?}");
    let (photo, thumb) = (picture(200_000, 71), picture(20_000, 72));
    upload_photo(&room, &priya, &server, &photo).await;
    upload_photo(&room, &priya, &server, &thumb).await;
    let record = PhotoRecord {
        id: Uuid::now_v7(),
        thumb_id: Uuid::now_v7(),
        children: vec![noah],
        taken_by: priya_id,
        taken_at: chrono::Utc::now(),
        width: 2048,
        height: 1536,
        sha256: Some(hash(&photo)),
        thumb_sha256: Some(hash(&thumb)),
        regions: Vec::new(),
    };
    let photo_body = serde_json::to_value(&record).unwrap();
    let answers = push(
        &room,
        &priya,
        &server,
        vec![json!({"counter": 3, "record_id": record.id, "kind": "photo", "version": 1, "base": 0, "by": priya_id, "body": photo_body})],
    )
    .await;
    assert_eq!(answers[0]["outcome"], "accepted", "{answers:?}");
    let photo_receipt = answers[0]["receipt"].clone();

    let mut validated = today.clone();
    validated.version = 2;
    validated.status = Status::Validated;
    let answers = push(&office, &sam, &server, vec![op(1, &validated, 1, sam_id)]).await;
    assert_eq!(answers[0]["outcome"], "accepted", "{answers:?}");
    let office_receipt = answers[0]["receipt"].clone();
    let pulled = pull_all(&room, &priya, &server).await;
    let room_copy = pulled
        .iter()
        .find(|p| p["id"] == json!(today.id))
        .unwrap()
        .clone();
    assert_eq!(room_copy["version"], 2);
    let validated_body = room_copy["body"].clone();
    let room_receipt_v2 = room_copy["receipt"].clone();
    let audited_before = get(&office, &sam, &server, "/api/audit").await["entries"]
        .as_array()
        .unwrap()
        .len();
    assert!(audited_before > 0);

    // The server is lost, and restored from last night's backup.
    server.stop().await;
    let target = outside.path().join("restored");
    let said = burrow(
        &[
            "restore",
            "--from",
            backup.to_str().unwrap(),
            "--data-dir",
            target.to_str().unwrap(),
        ],
        &format!("{key}\n"),
    );
    assert!(said.contains("The audit log is intact"), "{said}");
    let running = {
        let mut config = burrow_server::Config::with_data_dir(&target);
        config.app_dir = Some(support::process::app_folder());
        config.http = Some("127.0.0.1:0".parse().unwrap());
        config.https = None;
        burrow_server::start(config).await.unwrap()
    };
    let restored = Restored(format!("http://{}", running.http.unwrap()));
    for (who, name, passphrase) in [
        (&sam, "Sam Patel", PASSPHRASE),
        (&priya, "Ruth Okoro", "marble kettle orchard"),
    ] {
        let r = who
            .post(restored.url("/api/session"))
            .json(&json!({"name": name, "passphrase": passphrase}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let standing = get(&room, &priya, &restored, "/api/sync/standing").await;
    assert_eq!(standing["last_counter"], 1, "only last night's change");
    let restored_at = standing["restored_at"].as_u64().unwrap();
    assert_eq!(standing["last_seq"], restored_at);

    // A receipt that is not the server's own, or a body changed under a real one: refused,
    // and nothing kept.
    let mut altered = validated_body.clone();
    altered["text"] = json!("Noah built a tower of twenty blocks");
    let forged = format!("{priya_id}.{}", "ab".repeat(32));
    let answer = post(
        &room,
        &priya,
        &restored,
        "/api/sync/resend",
        json!({"records": [
            resent("observation", &altered, 2, &room_receipt_v2),
            resent("observation", &validated_body, 2, &json!(forged)),
            resent("observation", &validated_body, 3, &room_receipt_v2),
        ]}),
    )
    .await;
    for a in answer["answers"].as_array().unwrap() {
        assert_eq!(a["outcome"], "refused", "{answer}");
        assert!(
            a["reason"].as_str().unwrap().contains("cannot confirm"),
            "{answer}"
        );
    }

    // The room asks what the server lacks: today's observation and photo, not last night's.
    let lacks = post(
        &room,
        &priya,
        &restored,
        "/api/sync/lacks",
        json!({"records": [
            {"kind": "observation", "id": before.id, "version": 1},
            {"kind": "observation", "id": today.id, "version": 2},
            {"kind": "photo", "id": record.id, "version": 1},
        ]}),
    )
    .await;
    assert_eq!(lacks["lacking"], json!([today.id, record.id]), "{lacks}");

    // A photo record before its files: refused, to be sent again once they are there.
    let answer = post(
        &room,
        &priya,
        &restored,
        "/api/sync/resend",
        json!({"records": [resent("photo", &photo_body, 1, &photo_receipt)]}),
    )
    .await;
    assert_eq!(answer["answers"][0]["outcome"], "refused", "{answer}");
    assert!(
        answer["answers"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("has not reached the server"),
        "{answer}"
    );
    upload_photo(&room, &priya, &restored, &photo).await;
    upload_photo(&room, &priya, &restored, &thumb).await;

    // The room comes back first, with the validated copy it pulled (and the receipt for its
    // own first version, which is older and so not kept over it); then the office, with the
    // same version: already held, not kept twice.
    let answer = post(
        &room,
        &priya,
        &restored,
        "/api/sync/resend",
        json!({"records": [
            resent("observation", &validated_body, 2, &room_receipt_v2),
            resent("photo", &photo_body, 1, &photo_receipt),
            resent("observation", &serde_json::to_value(&today).unwrap(), 1, &room_receipt_v1),
        ], "answered": 3}),
    )
    .await;
    let outcomes: Vec<&Value> = answer["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["outcome"])
        .collect();
    assert_eq!(
        outcomes,
        [
            &json!("restored"),
            &json!("restored"),
            &json!("already_held")
        ],
        "{answer}"
    );
    let answer = post(
        &office,
        &sam,
        &restored,
        "/api/sync/resend",
        json!({"records": [resent("observation", &serde_json::to_value(&validated).unwrap(), 2, &office_receipt)], "answered": 1}),
    )
    .await;
    assert_eq!(answer["answers"][0]["outcome"], "already_held", "{answer}");
    // Sent again (an answer lost on the way): nothing changes.
    let again = post(
        &room,
        &priya,
        &restored,
        "/api/sync/resend",
        json!({"records": [resent("observation", &validated_body, 2, &room_receipt_v2)], "answered": 3}),
    )
    .await;
    assert_eq!(again["answers"][0]["outcome"], "already_held");

    // The server holds everything, once each, at its newest version.
    let everything = pull_all(&office, &sam, &restored).await;
    let copies: Vec<&Value> = everything
        .iter()
        .filter(|p| p["id"] == json!(today.id))
        .collect();
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0]["version"], 2);
    assert_eq!(copies[0]["body"]["status"], "validated");
    assert_eq!(
        copies[0]["body"]["text"],
        "Noah built a tower of ten blocks and counted them"
    );
    assert_eq!(
        everything
            .iter()
            .filter(|p| p["id"] == json!(record.id) || p["id"] == json!(before.id))
            .count(),
        2
    );
    let r = room
        .send(
            reqwest::Method::GET,
            &priya,
            &restored,
            &format!("/api/photos/{}", hash(&photo)),
            b"",
        )
        .await;
    assert_eq!(r.bytes().await.unwrap().to_vec(), photo);

    // Both tablets carry on where they were, with no gap and nothing applied twice.
    let standing = get(&room, &priya, &restored, "/api/sync/standing").await;
    assert_eq!(standing["last_counter"], 3);
    // Records sent back are numbered after where the restore left the server, which stays put:
    // a tablet meeting it later pulls again from there.
    assert_eq!(standing["restored_at"], restored_at);
    assert!(standing["last_seq"].as_u64().unwrap() >= restored_at + 2);
    let mut sams = Observation::new(Uuid::now_v7(), sam_id, vec![noah], chrono::Utc::now());
    sams.text = "Noah waved goodbye at the gate".into();
    sams.version = 1;
    let answers = push(&office, &sam, &restored, vec![op(2, &sams, 0, sam_id)]).await;
    assert_eq!(answers[0]["outcome"], "accepted", "{answers:?}");
    let later = observation("Noah shared the paints");
    let answers = push(&room, &priya, &restored, vec![op(4, &later, 0, priya_id)]).await;
    assert_eq!(answers[0]["outcome"], "accepted", "{answers:?}");

    // The audit log is intact and says the room sent records back.
    let check = get(&office, &sam, &restored, "/api/audit/check").await;
    assert_eq!(check["intact"], true, "{check}");
    let log = get(
        &office,
        &sam,
        &restored,
        "/api/audit?action=resent_after_restore",
    )
    .await;
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");
    assert_eq!(entries[0]["detail"], "2 records");
    running.stop().await;
}

//! The setting's idle-lock time and validation switch (a manager's choice, told to every tablet
//! at sign-in) and each
//! tablet's data key held for the staff who sign in there.

mod support;
use burrow_core::device::link_message;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::device::Tablet;
use support::{PASSPHRASE, TestServer, client, refusal};

#[tokio::test]
async fn tablets_lock_after_five_minutes_until_a_manager_chooses_otherwise() {
    let server = TestServer::start().await;
    let manager = server.set_up().await;
    let me: Value = manager
        .get(server.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["lock_after_seconds"], 300);
    assert_eq!(me["validation_required"], true);

    let r = manager
        .put(server.url("/api/setting/options"))
        .json(&json!({"lock_after_minutes": 45, "validation_required": true}))
        .send()
        .await
        .unwrap();
    let (status, error, field) = refusal(r).await;
    // Half a request is refused, not half applied.
    let partial = manager
        .put(server.url("/api/setting/options"))
        .json(&json!({"lock_after_minutes": 10}))
        .send()
        .await
        .unwrap();
    assert_eq!(partial.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field.as_deref(), Some("lock_after_minutes"));
    assert!(error.contains("between 1 and 30 minutes"), "{error}");

    let r = manager
        .put(server.url("/api/setting/options"))
        .json(&json!({"lock_after_minutes": 2, "validation_required": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // A practitioner signing in later is told the new time; they may read it, not change it.
    let (_, code) = server
        .add_staff(&manager, "Priya Shah", "practitioner")
        .await;
    let priya = client();
    let r = priya
        .post(server.url("/api/invites/claim"))
        .json(&json!({"name": "Priya Shah", "code": code, "passphrase": "marble kettle orchard"}))
        .send()
        .await
        .unwrap();
    let session: Value = r.json().await.unwrap();
    assert_eq!(session["lock_after_seconds"], 120);
    assert_eq!(session["validation_required"], false);
    let options: Value = priya
        .get(server.url("/api/setting/options"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(options["lock_after_minutes"], 2);
    assert_eq!(options["validation_required"], false);
    let r = priya
        .put(server.url("/api/setting/options"))
        .json(&json!({"lock_after_minutes": 30, "validation_required": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(refusal(r).await.0, StatusCode::FORBIDDEN);
    server.stop().await;
}

#[tokio::test]
async fn the_lock_time_can_be_shortened_by_configuration_for_demos_and_tests() {
    let server = TestServer::start_with(|c| c.lock_after_seconds = Some(3)).await;
    let manager = server.set_up().await;
    let r = server.sign_in(&manager, "Jo Bloggs", PASSPHRASE).await;
    let session: Value = r.json().await.unwrap();
    assert_eq!(session["lock_after_seconds"], 3);
    server.stop().await;
}

/// A new tablet's door key (its browser's own signing key) and the id of its key on the server.
fn door() -> Tablet {
    let mut door = Tablet::new();
    door.id = uuid::Uuid::now_v7().to_string();
    door
}

fn key_url(server: &TestServer, door: &Tablet) -> String {
    server.url(&format!("/api/tablet-keys/{}", door.id))
}

/// The tablet asks for its key: as `who` (their cookie), signed by `door`.
async fn ask(server: &TestServer, who: &reqwest::Client, door: &Tablet) -> reqwest::Response {
    door.send(
        reqwest::Method::GET,
        who,
        server,
        &format!("/api/tablet-keys/{}", door.id),
        b"",
    )
    .await
}

/// Asks to enrol the tablet with a fresh enrolment key, tied to its key on the server by
/// `signer`'s word (the door key, or someone else's): the enrolment and the server's answer.
async fn enrol_tied(
    server: &TestServer,
    door: &Tablet,
    signer: &Tablet,
) -> (Tablet, reqwest::Response) {
    let enrolment = Tablet::new();
    let public = hex::decode(enrolment.public_hex()).unwrap();
    let tablet: uuid::Uuid = door.id.parse().unwrap();
    let proof = signer.sign_message(&link_message(tablet, &public));
    let r = client()
        .post(server.url("/api/devices"))
        .json(&json!({"public_key": enrolment.public_hex(), "tablet": {"id": tablet, "proof": proof}}))
        .send()
        .await
        .unwrap();
    (enrolment, r)
}

#[tokio::test]
async fn a_tablet_key_goes_only_to_its_own_enrolled_tablet_just_after_a_sign_in() {
    let server = TestServer::start().await;
    let manager = server.set_up().await;
    let door = door();
    let url = key_url(&server, &door);

    let r = ask(&server, &manager, &door).await;
    let (status, error, _) = refusal(r).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(error.contains("does not know this tablet"), "{error}");

    let first = "ab".repeat(32);
    let r = manager
        .put(&url)
        .json(&json!({"key": first, "door_key": door.public_hex()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["key"], first);

    // A second tablet set-up racing the first is refused, never answered with the first key.
    let r = manager
        .put(&url)
        .json(&json!({"key": "cd".repeat(32), "door_key": door.public_hex()}))
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Someone has just set this tablet up"),
        "{body}"
    );
    assert!(!body.contains(&first), "{body}");

    // A staff cookie alone, from any browser, gets nothing (it did before: issue 18).
    let r = manager.get(&url).send().await.unwrap();
    let (status, body, _) = refusal(r).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(!body.contains(&first));
    // Nor does another browser's door key under this tablet's id.
    let mut impostor = Tablet::new();
    impostor.id = door.id.clone();
    let r = ask(&server, &manager, &impostor).await;
    assert_eq!(refusal(r).await.0, StatusCode::UNAUTHORIZED);

    // The right tablet, not yet enrolled: only its first person can sign in there.
    let r = ask(&server, &manager, &door).await;
    let (status, error, _) = refusal(r).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(error.contains("until a manager enrols it"), "{error}");

    // Someone else's word cannot tie this tablet's key to their enrolment.
    let (_, r) = enrol_tied(&server, &door, &impostor).await;
    let (status, error, _) = refusal(r).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(error.contains("could not prove"), "{error}");

    // The tablet asks to enrol, its door key vouching: while pending, still nothing.
    let (mut enrolment, r) = enrol_tied(&server, &door, &door).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let asked: Value = r.json().await.unwrap();
    enrolment.id = asked["id"].as_str().unwrap().to_owned();
    let code = asked["code"].clone();
    let r = ask(&server, &manager, &door).await;
    assert_eq!(refusal(r).await.0, StatusCode::FORBIDDEN);

    // A manager approves it: now the key is given, and the hand-out is in the audit log.
    let r = manager
        .post(server.url(&format!("/api/devices/{}/approve", enrolment.id)))
        .json(&json!({"code": code, "name": "Room 2 tablet"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let got: Value = ask(&server, &manager, &door).await.json().await.unwrap();
    assert_eq!(got["key"], first);
    let log: Value = manager
        .get(server.url("/api/audit?action=tablet_key_given"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");

    // The same signed request again is a replay.
    let path = format!("/api/tablet-keys/{}", door.id);
    let headers = door.proof(
        "GET",
        &path,
        b"",
        chrono::Utc::now().timestamp(),
        "same-nonce-1",
    );
    for expected in [StatusCode::OK, StatusCode::CONFLICT] {
        let mut req = manager.get(&url);
        for (k, v) in &headers {
            req = req.header(*k, v);
        }
        assert_eq!(req.send().await.unwrap().status(), expected);
    }

    // A copy of the database alone holds no tablet's key: it is sealed under a key kept apart.
    let db = rusqlite::Connection::open(server.data.path().join("burrow.sqlite3")).unwrap();
    let stored: Vec<u8> = db
        .query_row("SELECT data_key FROM tablet_keys", [], |r| r.get(0))
        .unwrap();
    let raw = hex::decode(&first).unwrap();
    assert!(stored.len() > raw.len());
    assert!(!stored.windows(raw.len()).any(|w| w == raw.as_slice()));

    // A sign-in from a while ago is not a passphrase just checked: no key.
    db.execute(
        "UPDATE sessions SET created_at = ?1",
        rusqlite::params![chrono::Utc::now() - chrono::Duration::minutes(10)],
    )
    .unwrap();
    drop(db);
    let r = ask(&server, &manager, &door).await;
    let (status, error, _) = refusal(r).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(error.contains("Sign in again"), "{error}");

    // Removed by a manager: the tablet hears so (410, its cue to wipe itself), and no key.
    let manager = client();
    server.sign_in(&manager, "Jo Bloggs", PASSPHRASE).await;
    let r = manager
        .post(server.url(&format!("/api/devices/{}/revoke", enrolment.id)))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let r = ask(&server, &manager, &door).await;
    assert_eq!(refusal(r).await.0, StatusCode::GONE);

    // Nobody signed in gets nothing.
    let r = ask(&server, &client(), &door).await;
    assert_eq!(refusal(r).await.0, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn bad_tablet_keys_and_identifiers_get_a_precise_refusal() {
    let server = TestServer::start().await;
    let manager = server.set_up().await;
    let r = manager
        .get(server.url("/api/tablet-keys/not-a-uuid"))
        .send()
        .await
        .unwrap();
    let (status, error, _) = refusal(r).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error.contains("tablet's identifier"), "{error}");

    let door = door();
    let url = key_url(&server, &door);
    let good_door = door.public_hex();
    for (bad, field) in [
        (json!({"key": "abc", "door_key": good_door}), "key"),
        (
            json!({"key": "zz".repeat(32), "door_key": good_door}),
            "key",
        ),
        (
            json!({"key": "ab".repeat(33), "door_key": good_door}),
            "key",
        ),
        (
            json!({"key": "ab".repeat(32), "door_key": "04"}),
            "door_key",
        ),
        (
            json!({"key": "ab".repeat(32), "door_key": "ab".repeat(65)}),
            "door_key",
        ),
    ] {
        let r = manager.put(&url).json(&bad).send().await.unwrap();
        let (status, _, got) = refusal(r).await;
        assert_eq!(
            (status, got.as_deref()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field))
        );
    }
    for bad in [
        json!({"key": "ab".repeat(32), "door_key": good_door, "extra": 1}),
        json!({"key": "ab".repeat(32)}),
    ] {
        let r = manager.put(&url).json(&bad).send().await.unwrap();
        assert_eq!(refusal(r).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Nothing was stored by any of them.
    let r = ask(&server, &manager, &door).await;
    assert_eq!(refusal(r).await.0, StatusCode::NOT_FOUND);
    server.stop().await;
}

/// A key an older Burrow kept in the clear is sealed at the next start and still opens.
#[tokio::test]
async fn a_key_left_in_the_clear_is_sealed_at_start() {
    let mut server = TestServer::start().await;
    let manager = server.set_up().await;
    let door = door();
    let enrolment = Tablet::enrol(&server, &manager, "Room 1 tablet").await;
    let me = server.whoami(&manager).await;
    let raw = [0x5au8; 32];
    {
        let db = rusqlite::Connection::open(server.data.path().join("burrow.sqlite3")).unwrap();
        let tablet: uuid::Uuid = door.id.parse().unwrap();
        let device: uuid::Uuid = enrolment.id.parse().unwrap();
        db.execute(
            "INSERT INTO tablet_keys (device_id, data_key, door_key, device_id_enrolled, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![
                tablet,
                raw.to_vec(),
                hex::decode(door.public_hex()).unwrap(),
                device,
                me,
                chrono::Utc::now()
            ],
        )
        .unwrap();
    }
    server.restart().await;
    let db = rusqlite::Connection::open(server.data.path().join("burrow.sqlite3")).unwrap();
    let stored: Vec<u8> = db
        .query_row("SELECT data_key FROM tablet_keys", [], |r| r.get(0))
        .unwrap();
    assert!(stored.len() > raw.len() && !stored.windows(32).any(|w| w == raw));
    drop(db);
    let manager = client();
    assert_eq!(
        server
            .sign_in(&manager, "Jo Bloggs", PASSPHRASE)
            .await
            .status(),
        StatusCode::OK
    );
    let got: Value = ask(&server, &manager, &door).await.json().await.unwrap();
    assert_eq!(got["key"], hex::encode(raw));
    server.stop().await;
}

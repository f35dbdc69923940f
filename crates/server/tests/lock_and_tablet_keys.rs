//! The setting's idle-lock time and validation switch (a manager's choice, told to every tablet
//! at sign-in) and each
//! tablet's data key held for the staff who sign in there.

mod support;
use reqwest::StatusCode;
use serde_json::{Value, json};
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

#[tokio::test]
async fn a_tablet_key_is_kept_once_and_given_only_to_signed_in_staff() {
    let server = TestServer::start().await;
    let manager = server.set_up().await;
    let device = "0193a1b2-0000-7000-8000-000000000001";
    let url = server.url(&format!("/api/tablet-keys/{device}"));

    let r = manager.get(&url).send().await.unwrap();
    let (status, error, _) = refusal(r).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(error.contains("does not know this tablet"), "{error}");

    let first = "ab".repeat(32);
    let r = manager
        .put(&url)
        .json(&json!({"key": first}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["key"], first);

    // A second tablet set-up racing the first is refused, never answered with the first key.
    let r = manager
        .put(&url)
        .json(&json!({"key": "cd".repeat(32)}))
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Someone has just set this tablet up"),
        "{body}"
    );
    assert!(!body.contains(&first), "{body}");

    // Just after signing in (as the tablet does before asking), the key is given, and the
    // hand-out is in the audit log (issue 18).
    let got: Value = manager
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
    assert_eq!(entries[0]["subject"], device);

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
    let r = manager.get(&url).send().await.unwrap();
    let (status, error, _) = refusal(r).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(error.contains("Sign in again"), "{error}");

    // Nobody signed in gets nothing.
    let stranger = client();
    let r = stranger.get(&url).send().await.unwrap();
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

    let url = server.url("/api/tablet-keys/0193a1b2-0000-7000-8000-000000000002");
    for bad in [
        json!({"key": "abc"}),
        json!({"key": "zz".repeat(32)}),
        json!({"key": "ab".repeat(33)}),
    ] {
        let r = manager.put(&url).json(&bad).send().await.unwrap();
        let (status, _, field) = refusal(r).await;
        assert_eq!(
            (status, field.as_deref()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("key"))
        );
    }
    let r = manager
        .put(&url)
        .json(&json!({"key": "ab".repeat(32), "extra": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(refusal(r).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    // Nothing was stored by any of them.
    let r = manager.get(&url).send().await.unwrap();
    assert_eq!(refusal(r).await.0, StatusCode::NOT_FOUND);
    server.stop().await;
}

/// A key an older Burrow kept in the clear is sealed at the next start and still given out.
#[tokio::test]
async fn a_key_left_in_the_clear_is_sealed_at_start() {
    let mut server = TestServer::start().await;
    let manager = server.set_up().await;
    let device = uuid::Uuid::now_v7();
    let me = server.whoami(&manager).await;
    let raw = [0x5au8; 32];
    {
        let db = rusqlite::Connection::open(server.data.path().join("burrow.sqlite3")).unwrap();
        db.execute(
            "INSERT INTO tablet_keys (device_id, data_key, created_by, created_at) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![device, raw.to_vec(), me, chrono::Utc::now()],
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
    let got: Value = manager
        .get(server.url(&format!("/api/tablet-keys/{device}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["key"], hex::encode(raw));
    server.stop().await;
}

//! Sync's push over real HTTP and SQLite: a practitioner's tablet sends its outbox; a retry is
//! skipped, a gap refused, a stale edit of a validated observation refused with the reason, an
//! unknown kind refused without blocking what follows, and each answer is per operation.

mod support;
use burrow_core::observation::Observation;
use burrow_core::workflow::Status;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use support::device::Tablet;
use support::{TestServer, client, refusal};
use uuid::Uuid;

/// An observation change made on the tablet by its author.
fn op(counter: u64, obs: &Observation) -> Value {
    op_by(counter, obs, obs.author)
}

fn op_by(counter: u64, obs: &Observation, by: Uuid) -> Value {
    json!({"counter": counter, "record_id": obs.id, "kind": "observation", "version": obs.version, "base": obs.version.saturating_sub(1), "by": by, "body": obs})
}

async fn push(tablet: &Tablet, who: &Client, server: &TestServer, ops: Vec<Value>) -> Vec<Value> {
    let body = serde_json::to_vec(&json!({ "ops": ops })).unwrap();
    let r = tablet.post(who, server, "/api/sync/push", &body).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let answer: Value = r.json().await.unwrap();
    answer["answers"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_tablets_outbox_is_applied_once_in_order_and_every_change_is_answered() {
    let server = TestServer::start().await;
    let manager = server.set_up().await;
    let (priya, priya_id) = server.practitioner(&manager, "Priya Shah").await;
    let priya_id = Uuid::parse_str(&priya_id).unwrap();
    let room2 = Tablet::enrol(&server, &manager, "Room 2 tablet").await;
    let office = Tablet::enrol(&server, &manager, "Office tablet").await;

    let mut obs = Observation::new(
        Uuid::now_v7(),
        priya_id,
        vec![Uuid::now_v7()],
        chrono::Utc::now(),
    );
    obs.text = "Counted seven bricks".into();
    obs.version = 1;
    let answers = push(&room2, &priya, &server, vec![op(1, &obs)]).await;
    assert_eq!(answers[0]["outcome"], "accepted");
    let first_seq = answers[0]["seq"].as_u64().unwrap();
    // The server echoes the hash of the body it kept: the tablet's receipt rests on it.
    let sent = serde_json::to_vec(&serde_json::to_value(&obs).unwrap()).unwrap();
    assert_eq!(
        answers[0]["sha256"],
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&sent))
    );

    // The same batch again (a retry after a lost answer): skipped, not duplicated.
    let answers = push(&room2, &priya, &server, vec![op(1, &obs)]).await;
    assert_eq!(answers[0]["outcome"], "already_applied");

    // Counter 3 before 2: refused until 2 arrives; then both in one batch.
    obs.version = 2;
    obs.text.push_str(" and knocked them down");
    let v2 = obs.clone();
    obs.version = 3;
    obs.status = Status::Submitted;
    let v3 = obs.clone();
    let answers = push(&room2, &priya, &server, vec![op(3, &v3)]).await;
    assert_eq!(answers[0]["outcome"], "gap");
    assert_eq!(answers[0]["expected"], 2);
    assert!(
        answers[0]["reason"]
            .as_str()
            .unwrap()
            .contains("expected number 2")
    );
    let answers = push(&room2, &priya, &server, vec![op(2, &v2), op(3, &v3)]).await;
    assert_eq!(answers[0]["outcome"], "accepted");
    assert_eq!(answers[1]["outcome"], "accepted");
    assert!(answers[1]["seq"].as_u64().unwrap() > first_seq);

    // The manager validates it on the office tablet.
    let mut validated = v3.clone();
    validated.version = 4;
    validated.status = Status::Validated;
    let manager_id = server.whoami(&manager).await;
    let answers = push(
        &office,
        &manager,
        &server,
        vec![op_by(1, &validated, manager_id)],
    )
    .await;
    assert_eq!(answers[0]["outcome"], "accepted", "{answers:?}");

    // Priya's tablet had not synced: its edit is stale; a newer-numbered one is locked. An
    // unknown kind is refused without blocking the change after it.
    let mut stale = v3.clone();
    stale.status = Status::Submitted;
    stale.text.push_str(", twice");
    let mut locked = validated.clone();
    locked.version = 5;
    locked.text.push_str(", twice");
    let mut another = Observation::new(
        Uuid::now_v7(),
        priya_id,
        vec![Uuid::now_v7()],
        chrono::Utc::now(),
    );
    another.text = "Shared the paints".into();
    another.version = 1;
    let unknown = json!({"counter": 6, "record_id": Uuid::now_v7(), "kind": "photo_album", "version": 1, "base": 0, "by": priya_id, "body": {}});
    let answers = push(
        &room2,
        &priya,
        &server,
        vec![op(4, &stale), op(5, &locked), unknown, op(7, &another)],
    )
    .await;
    let reasons: Vec<&str> = answers
        .iter()
        .map(|a| a["reason"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(answers[0]["outcome"], "refused");
    assert!(reasons[0].contains("changed elsewhere"), "{reasons:?}");
    assert_eq!(answers[1]["outcome"], "refused");
    assert!(
        reasons[1].contains("validated, so it is locked"),
        "{reasons:?}"
    );
    assert_eq!(answers[2]["outcome"], "refused");
    assert!(reasons[2].contains("photo_album"), "{reasons:?}");
    assert_eq!(
        answers[3]["outcome"], "accepted",
        "a refusal does not block the queue"
    );

    // A practitioner cannot validate through sync either, nor create another's observation.
    let mut own = another.clone();
    own.version = 2;
    own.status = Status::Submitted;
    let mut self_validated = own.clone();
    self_validated.version = 3;
    self_validated.status = Status::Validated;
    let mut not_mine = Observation::new(Uuid::now_v7(), Uuid::now_v7(), vec![], chrono::Utc::now());
    not_mine.text = "x".into();
    let answers = push(
        &room2,
        &priya,
        &server,
        vec![
            op(8, &own),
            op(9, &self_validated),
            op_by(10, &not_mine, priya_id),
        ],
    )
    .await;
    assert_eq!(answers[0]["outcome"], "accepted");
    assert!(
        answers[1]["reason"]
            .as_str()
            .unwrap()
            .contains("Only a manager or a deputy")
    );
    assert!(
        answers[2]["reason"]
            .as_str()
            .unwrap()
            .contains("Only its author")
    );
    server.stop().await;
}

#[tokio::test]
async fn a_push_needs_a_signed_in_person_on_an_enrolled_tablet_and_a_readable_batch() {
    let server = TestServer::start().await;
    let manager = server.set_up().await;
    let tablet = Tablet::enrol(&server, &manager, "Room 1 tablet").await;
    let body = br#"{"ops": []}"#;

    // Signed by the tablet, but nobody signed in.
    let r = tablet
        .post(&client(), &server, "/api/sync/push", body)
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Signed in, but not signed by a tablet.
    let r = manager
        .post(server.url("/api/sync/push"))
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    let (status, error, _) = refusal(r).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error, "This request is not signed by an enrolled tablet.");
    // Not JSON; an unknown field; too many changes at once.
    let r = tablet
        .post(&manager, &server, "/api/sync/push", b"{not json")
        .await;
    let (status, error, _) = refusal(r).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "The request is not valid JSON.")
    );
    let r = tablet
        .post(
            &manager,
            &server,
            "/api/sync/push",
            br#"{"ops": [], "extra": 1}"#,
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let ops: Vec<Value> = (1..=201)
        .map(|n| json!({"counter": n, "record_id": Uuid::now_v7(), "kind": "observation", "version": 1, "base": 0, "by": Uuid::now_v7(), "body": {}}))
        .collect();
    let big = serde_json::to_vec(&json!({ "ops": ops })).unwrap();
    let r = tablet.post(&manager, &server, "/api/sync/push", &big).await;
    // Over the API's body limit or the batch limit: refused either way, nothing applied.
    assert!(
        matches!(r.status(), StatusCode::PAYLOAD_TOO_LARGE),
        "{}",
        r.status()
    );
    // An empty batch is fine.
    let r = tablet.post(&manager, &server, "/api/sync/push", body).await;
    assert_eq!(r.status(), StatusCode::OK);
    server.stop().await;
}

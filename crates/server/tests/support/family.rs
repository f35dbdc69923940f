//! Steps the parents' tests share: a member of staff signed in, a parent linked to children with
//! a code, a phone enrolled with it, an observation as a tablet would push it.

use super::device::Tablet;
use super::{PASSPHRASE, TestServer, client};
use burrow_core::observation::Observation;
use burrow_core::workflow::Status;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

pub async fn signed_in(server: &TestServer, name: &str) -> Client {
    let c = client();
    assert_eq!(
        server.sign_in(&c, name, PASSPHRASE).await.status(),
        StatusCode::OK
    );
    c
}

/// Links a parent to `children`; returns the invite code.
pub async fn invite(
    server: &TestServer,
    manager: &Client,
    name: &str,
    children: &[Uuid],
) -> String {
    let r = manager
        .post(server.url("/api/parents"))
        .json(&json!({"name": name, "children": children}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let body: Value = r.json().await.unwrap();
    body["invite_code"].as_str().unwrap().to_owned()
}

/// A phone that enrols with `code`.
pub async fn phone(server: &TestServer, code: &str) -> Tablet {
    let mut phone = Tablet::new();
    let r = Client::new()
        .post(server.url("/api/parents/enrol"))
        .json(&json!({"code": code, "public_key": phone.public_hex()}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let body: Value = r.json().await.unwrap();
    phone.id = body["device_id"].as_str().unwrap().to_owned();
    phone
}

/// Links a parent to `children` and enrols their phone with the code.
pub async fn parent_phone(
    server: &TestServer,
    manager: &Client,
    name: &str,
    children: &[Uuid],
) -> Tablet {
    phone(server, &invite(server, manager, name, children).await).await
}

pub fn observation(author: Uuid, children: Vec<Uuid>, text: &str, status: Status) -> Observation {
    let mut o = Observation::new(Uuid::now_v7(), author, children, chrono::Utc::now());
    o.text = text.into();
    o.next_steps = "More den building".into();
    o.status = status;
    o.version = 1;
    o
}

/// Entries reach families as soon as they are submitted (no validation), so a test's pushed
/// entries are what parents see.
pub async fn shared_at_once(server: &TestServer, manager: &Client) {
    let r = manager
        .put(server.url("/api/setting/options"))
        .json(&json!({"lock_after_minutes": 5, "validation_required": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

/// Pushes `ops` from `tablet` as `who`; every one must be accepted.
pub async fn push_accepted(tablet: &Tablet, who: &Client, server: &TestServer, ops: Vec<Value>) {
    let body = serde_json::to_vec(&json!({ "ops": ops })).unwrap();
    let answer: Value = tablet
        .post(who, server, "/api/sync/push", &body)
        .await
        .json()
        .await
        .unwrap();
    for a in answer["answers"].as_array().unwrap() {
        assert_eq!(a["outcome"], "accepted", "{a}");
    }
}

/// A parent's answer for `purpose` ("journal_photos", "other_journals", …), recorded by a
/// manager as signed on the tablet, for review in 300 days.
pub async fn consent(
    server: &TestServer,
    manager: &Client,
    child: Uuid,
    purpose: &str,
    granted: bool,
) {
    let r = manager
        .post(server.url(&format!("/api/children/{child}/consents")))
        .json(&json!({"purpose": purpose, "granted": granted, "given_by": "A parent",
            "how": {"kind": "signed_on_tablet"},
            "review_by": (chrono::Utc::now().date_naive() + chrono::Duration::days(300)).to_string()}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
}

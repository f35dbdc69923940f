//! A child's own picture on staff lists (issue 20 part 5) over real HTTP and SQLite: only their
//! key person or a manager chooses it, only a photo of the child alone that the server holds;
//! it goes out on the children list only while the family's consent to journal photos stands.

mod support;

use burrow_core::photo::PhotoRecord;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use support::device::{Tablet, upload_photo};
use support::family::{consent, signed_in};
use support::{TestServer, hash};
use uuid::Uuid;

async fn choose(
    server: &TestServer,
    who: &Client,
    child: Uuid,
    photo: Option<Uuid>,
) -> (StatusCode, Value) {
    let r = who
        .put(server.url(&format!("/api/children/{child}/picture")))
        .json(&json!({ "photo": photo }))
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap())
}

async fn picture_listed(server: &TestServer, who: &Client, child: Uuid) -> Value {
    let list: Vec<Value> = who
        .get(server.url("/api/children"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let found = list.into_iter().find(|c| c["id"] == json!(child)).unwrap();
    found["picture"].clone()
}

#[tokio::test]
async fn a_child_s_picture_is_a_photo_of_them_alone_chosen_by_their_key_person_while_consent_stands()
 {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let priya = signed_in(&server, "Priya Shah").await;
    let tom = signed_in(&server, "Tom Evans").await;
    let priya_id = server.whoami(&priya).await;
    let (ava, maya) = (
        server.child_id(&sam, "Ava").await,
        server.child_id(&sam, "Maya").await,
    );
    consent(&server, &sam, ava, "journal_photos", true).await;

    // Two photos on the server: Ava alone, and Ava with Maya.
    let tablet = Tablet::enrol(&server, &sam, "Room 2 tablet").await;
    let photo = support::picture(3_000, 1);
    let thumb = support::picture(2_000, 2);
    upload_photo(&tablet, &priya, &server, &photo).await;
    upload_photo(&tablet, &priya, &server, &thumb).await;
    let record = |children: Vec<Uuid>| PhotoRecord {
        id: Uuid::now_v7(),
        thumb_id: Uuid::now_v7(),
        children,
        taken_by: priya_id,
        taken_at: chrono::Utc::now(),
        width: 640,
        height: 480,
        sha256: Some(hash(&photo)),
        thumb_sha256: Some(hash(&thumb)),
        regions: Vec::new(),
    };
    let (alone, group) = (record(vec![ava]), record(vec![ava, maya]));
    let ops: Vec<Value> = [&alone, &group]
        .iter()
        .enumerate()
        .map(|(i, p)| json!({"counter": i + 1, "record_id": p.id, "kind": "photo", "version": 1, "base": 0, "by": priya_id, "body": p}))
        .collect();
    support::family::push_accepted(&tablet, &priya, &server, ops).await;

    // Tom is not Ava's key person.
    let (status, body) = choose(&server, &tom, ava, Some(alone.id)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body["error"],
        "Only the child’s key person or a manager can choose their picture."
    );
    // Maya would be on the lists beside Ava's name.
    let (status, body) = choose(&server, &priya, ava, Some(group.id)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"],
        "Choose a photo of this child alone, so no other child’s face is on the lists."
    );
    // A photo the server does not hold.
    let (status, body) = choose(&server, &priya, ava, Some(Uuid::now_v7())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["field"], "photo");
    assert_eq!(picture_listed(&server, &tom, ava).await, Value::Null);

    let (status, body) = choose(&server, &priya, ava, Some(alone.id)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["picture"], json!(alone.id));
    assert_eq!(picture_listed(&server, &tom, ava).await, json!(alone.id));
    assert_eq!(picture_listed(&server, &tom, maya).await, Value::Null);

    // Ava's mum withdraws consent to photos in her journal: the lists show her initials again,
    // and the photo cannot be chosen again.
    consent(&server, &sam, ava, "journal_photos", false).await;
    assert_eq!(picture_listed(&server, &tom, ava).await, Value::Null);
    let (status, body) = choose(&server, &sam, ava, Some(alone.id)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("Their family has not agreed"),
        "{body}"
    );
    // Her key person takes it away.
    let (status, body) = choose(&server, &priya, ava, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["picture"], Value::Null);

    // Each change is in the audit log, by id, with no name.
    let audit: Value = sam
        .get(server.url("/api/audit?action=child_picture_chosen"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = audit.to_string();
    assert!(
        text.contains("taken away") && text.contains("chosen"),
        "{text}"
    );
    assert!(!text.contains("Ava"), "{text}");
}

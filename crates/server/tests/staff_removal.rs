//! Removing a member of staff's access, over real HTTP and SQLite: their sessions end at once,
//! their passphrase no longer signs them in, changes a tablet pushes in their name are refused,
//! and the staff list says so (tablets forget them from it). Nobody removes themselves; a deputy
//! cannot remove a manager.

mod support;
use burrow_core::observation::Observation;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::device::Tablet;
use support::{PASSPHRASE, TestServer, client, refusal};
use uuid::Uuid;

#[tokio::test]
async fn a_removed_member_of_staff_is_refused_everywhere_at_once() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = client();
    assert_eq!(
        server.sign_in(&sam, "Sam Patel", PASSPHRASE).await.status(),
        StatusCode::OK
    );
    let tom = client();
    assert_eq!(
        server.sign_in(&tom, "Tom Evans", PASSPHRASE).await.status(),
        StatusCode::OK
    );
    let jo = client();
    assert_eq!(
        server.sign_in(&jo, "Jo Bloggs", PASSPHRASE).await.status(),
        StatusCode::OK
    );
    let (sam_id, tom_id) = (server.whoami(&sam).await, server.whoami(&tom).await);
    let tablet = Tablet::enrol(&server, &sam, "Room 1 tablet").await;

    // A deputy cannot remove the manager; nobody removes themselves.
    let r = jo
        .post(server.url(&format!("/api/staff/{sam_id}/remove")))
        .send()
        .await
        .unwrap();
    assert_eq!(refusal(r).await.0, StatusCode::FORBIDDEN);
    let r = sam
        .post(server.url(&format!("/api/staff/{sam_id}/remove")))
        .send()
        .await
        .unwrap();
    let (status, error, _) = refusal(r).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.contains("your own access"), "{error}");

    let r = sam
        .post(server.url(&format!("/api/staff/{tom_id}/remove")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let removed: Value = r.json().await.unwrap();
    assert_eq!(removed["removed"], true);

    // Tom's session is over; his passphrase no longer signs him in, and says why.
    let r = tom.get(server.url("/api/session")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (status, error, _) =
        refusal(server.sign_in(&client(), "Tom Evans", PASSPHRASE).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        error.contains("access to Burrow has been removed"),
        "{error}"
    );
    // A wrong passphrase still hears only that it is wrong.
    let (status, _, _) = refusal(
        server
            .sign_in(&client(), "Tom Evans", "not his passphrase at all")
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A change a tablet made in his name before it heard is refused, not kept.
    let mut obs = Observation::new(
        Uuid::now_v7(),
        tom_id,
        vec![Uuid::now_v7()],
        chrono::Utc::now(),
    );
    obs.text = "Painted a rainbow".into();
    obs.version = 1;
    let body = serde_json::to_vec(&json!({"ops": [
        {"counter": 1, "record_id": obs.id, "kind": "observation", "version": 1, "base": 0, "by": tom_id, "body": obs}
    ]}))
    .unwrap();
    let answer: Value = tablet
        .post(&sam, &server, "/api/sync/push", &body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["answers"][0]["outcome"], "refused");
    assert!(
        answer["answers"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("not on the setting's staff list")
    );

    // The staff list says so, for managers and for tablets to forget him.
    let list: Value = sam
        .get(server.url("/api/staff"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tom_row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Tom Evans")
        .unwrap();
    assert_eq!(tom_row["removed"], true);
    server.stop().await;
}

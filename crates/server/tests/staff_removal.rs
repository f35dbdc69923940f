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

#[tokio::test]
async fn a_manager_changes_roles_at_once_and_deletes_a_leavers_account_after_removal() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sign_in = |name: &'static str| {
        let server = &server;
        async move {
            let c = client();
            assert_eq!(
                server.sign_in(&c, name, PASSPHRASE).await.status(),
                StatusCode::OK
            );
            c
        }
    };
    let sam = sign_in("Sam Patel").await;
    let jo = sign_in("Jo Bloggs").await;
    let priya = sign_in("Priya Shah").await;
    let (sam_id, priya_id) = (server.whoami(&sam).await, server.whoami(&priya).await);
    let role = |who: &reqwest::Client, id: Uuid, role: &str| {
        who.post(server.url(&format!("/api/staff/{id}/role")))
            .json(&json!({ "role": role }))
            .send()
    };

    // Priya cannot read the audit log yet; a deputy cannot promote her; Sam cannot demote himself.
    let r = priya.get(server.url("/api/audit")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (status, error, _) = refusal(role(&jo, priya_id, "deputy").await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(error.contains("Only a manager"), "{error}");
    let (status, error, _) = refusal(role(&sam, sam_id, "deputy").await.unwrap()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error.contains("your own role"), "{error}");
    let r = role(&sam, priya_id, "chef").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Sam makes her a deputy: her very next request is judged by it.
    let r = role(&sam, priya_id, "deputy").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let changed: Value = r.json().await.unwrap();
    assert_eq!(changed["role"], "deputy");
    let r = priya.get(server.url("/api/audit")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Her account cannot be deleted while she can still use it; after removal it can.
    let r = sam
        .delete(server.url(&format!("/api/staff/{priya_id}")))
        .send()
        .await
        .unwrap();
    let (status, error, _) = refusal(r).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error.contains("Remove their access first"), "{error}");
    let r = sam
        .post(server.url(&format!("/api/staff/{priya_id}/remove")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = sam
        .delete(server.url(&format!("/api/staff/{priya_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let gone: Value = r.json().await.unwrap();
    assert_eq!(gone["deleted"], true);
    assert_eq!(gone["name"], "Former member of staff");

    // Her name is gone from the staff list and from sign-in; the audit log keeps the trail.
    let list = sam
        .get(server.url("/api/staff"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!list.contains("Priya Shah"), "{list}");
    let (status, _, _) = refusal(server.sign_in(&client(), "Priya Shah", PASSPHRASE).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let audit: Value = sam
        .get(server.url("/api/audit?action=staff_deleted"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(audit["entries"][0]["subject"], priya_id.to_string());
    let trail: Value = sam
        .get(server.url(&format!("/api/audit?actor={priya_id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(trail["entries"][0]["actor_name"], "Priya Shah", "{trail}");
    server.stop().await;
}

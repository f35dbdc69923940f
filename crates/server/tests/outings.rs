//! Tablets on outings and what they hold (issue 16), over real HTTP and SQLite: a tablet says it
//! leaves with two children (never which) and is back; the manager's list of tablets shows it
//! out, then not; both are audited; what it holds is kept for managers only; the setting's
//! switch for outings is on by default and a manager may turn it off; bad reports are refused in
//! words.

mod support;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::device::Tablet;
use support::family::signed_in;
use support::{TestServer, refusal};

#[tokio::test]
async fn a_tablet_out_on_an_outing_shows_to_managers_and_is_audited() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let priya = signed_in(&server, "Priya Shah").await;
    let tablet = Tablet::enrol(&server, &sam, "Room 2 tablet").await;
    let send = |path: &'static str, body: Value| {
        let (tablet, priya, server) = (&tablet, &priya, &server);
        async move {
            tablet
                .send(
                    Method::POST,
                    priya,
                    server,
                    path,
                    &serde_json::to_vec(&body).unwrap(),
                )
                .await
        }
    };
    let listed = || async {
        let devices: Value = sam
            .get(server.url("/api/devices"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        devices
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == "Room 2 tablet")
            .unwrap()
            .clone()
    };

    let r = send("/api/sync/outing", json!({"out": true, "children": 2})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let out = listed().await;
    assert_eq!(out["outing"]["children"], 2);
    assert!(out["outing"]["since"].is_string());

    // What it holds, for managers; never to an unsigned status request.
    let holdings = json!({"records": 3, "photos": 2, "photos_here": 1,
        "oldest_photo_here": "2026-11-02", "not_on_server": 0, "bytes": 1_000_000});
    let r = send("/api/sync/holdings", holdings.clone()).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(listed().await["holdings"]["holdings"], holdings);
    let r = reqwest::Client::new()
        .get(server.url(&format!("/api/devices/{}", tablet.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let status: Value = r.json().await.unwrap();
    assert!(status.get("holdings").is_none() && status.get("outing").is_none());

    // Impossible or unreadable reports are refused in words.
    let mut wrong = holdings.clone();
    wrong["photos_here"] = json!(5);
    let (status, error, _) = refusal(send("/api/sync/holdings", wrong).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.contains("more photos than it knows of"), "{error}");
    let (status, error, _) =
        refusal(send("/api/sync/outing", json!({"out": "Ava Okafor"})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(!error.contains("Ava"), "{error}");

    let r = send("/api/sync/outing", json!({"out": false, "children": 0})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(listed().await.get("outing").is_none());

    let log: Value = sam
        .get(server.url("/api/audit"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = log.to_string();
    assert!(
        text.contains("outing_started") && text.contains("2 children"),
        "{text}"
    );
    assert!(text.contains("outing_ended"), "{text}");
}

#[tokio::test]
async fn the_outings_switch_is_on_by_default_and_a_manager_may_turn_it_off() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let options: Value = sam
        .get(server.url("/api/setting/options"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(options["outing_clears_tablet"], true);
    let mut off = options.clone();
    off["outing_clears_tablet"] = json!(false);
    let r = sam
        .put(server.url("/api/setting/options"))
        .json(&off)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let again: Value = sam
        .get(server.url("/api/setting/options"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["outing_clears_tablet"], false);
}

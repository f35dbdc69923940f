//! A child leaving (issue 15), over real HTTP and SQLite: a manager or deputy records the last
//! day (refused with the reason before the start or years ahead, changeable until it passes,
//! audited); the family's phone hears when; from the day after, the leaver's journal is closed
//! to the family (a sibling's stays open), an unused code for the leaver stops working, and a
//! note about the leaver is refused with a sentence.

mod support;

use burrow_core::workflow::Status;
use chrono::{Duration, NaiveDate};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use support::device::Tablet;
use support::family::{invite, observation, phone, push_accepted, shared_at_once, signed_in};
use support::{TestServer, client, refusal};
use uuid::Uuid;

fn today() -> NaiveDate {
    burrow_server::routes::today_in_england()
}

async fn set_leaving(
    server: &TestServer,
    who: &Client,
    child: Uuid,
    date: Option<NaiveDate>,
) -> reqwest::Response {
    who.put(server.url(&format!("/api/children/{child}/leaving")))
        .json(&json!({ "leaving_date": date }))
        .send()
        .await
        .unwrap()
}

async fn journal(server: &TestServer, phone: &Tablet) -> Value {
    let r = phone
        .send(
            Method::GET,
            &client(),
            server,
            "/api/parent/journal?after=0",
            b"",
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_leaving_date_is_recorded_checked_and_closes_the_journal_the_day_after() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let priya = signed_in(&server, "Priya Shah").await;
    let priya_id = server.whoami(&priya).await;
    let (ava, noah) = (
        server.child_id(&sam, "Ava").await,
        server.child_id(&sam, "Noah").await,
    );
    shared_at_once(&server, &sam).await;

    // One entry each, pushed from Priya's tablet; a family with both children (siblings).
    let tablet = Tablet::enrol(&server, &sam, "Room 2 tablet").await;
    let of_ava = observation(
        priya_id,
        vec![ava],
        "Ava painted a sunflower",
        Status::Published,
    );
    let of_noah = observation(
        priya_id,
        vec![noah],
        "Noah counted to twenty",
        Status::Published,
    );
    let ops: Vec<Value> = [&of_ava, &of_noah]
        .iter()
        .enumerate()
        .map(|(i, o)| json!({"counter": i + 1, "record_id": o.id, "kind": "observation", "version": 1, "base": 0, "by": priya_id, "body": o}))
        .collect();
    push_accepted(&tablet, &priya, &server, ops).await;
    let grace = phone(
        &server,
        &invite(&server, &sam, "Grace Okafor", &[ava, noah]).await,
    )
    .await;
    // A second carer for Ava alone, whose code is not used yet.
    let unused = invite(&server, &sam, "Tom Okafor", &[ava]).await;

    // Bad dates are refused with the reason; a practitioner may not set one; nor for no child.
    let children: Value = sam
        .get(server.url("/api/children"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let start: NaiveDate = children
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == ava.to_string())
        .map(|c| c["start_date"].as_str().unwrap().parse().unwrap())
        .unwrap();
    let (status, error, field) =
        refusal(set_leaving(&server, &sam, ava, Some(start - Duration::days(1))).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field.as_deref(), Some("leaving_date"));
    assert!(error.contains("before the child started"), "{error}");
    let (status, error, _) =
        refusal(set_leaving(&server, &sam, ava, Some(today() + Duration::days(800))).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.contains("more than two years away"), "{error}");
    let (status, _, _) =
        refusal(set_leaving(&server, &priya, ava, Some(today() + Duration::days(30))).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = refusal(
        set_leaving(
            &server,
            &sam,
            Uuid::now_v7(),
            Some(today() + Duration::days(30)),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let r = sam
        .put(server.url(&format!("/api/children/{ava}/leaving")))
        .body(r#"{"leaving_date": "18 July"}"#)
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());

    // A last day to come: on the roll, and the family's phone hears when.
    let last_day = today() + Duration::days(30);
    let r = set_leaving(&server, &sam, ava, Some(last_day)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let child: Value = r.json().await.unwrap();
    assert_eq!(child["leaving_date"], last_day.to_string());
    let page = journal(&server, &grace).await;
    assert_eq!(
        page["leaving"],
        json!([{ "child": ava, "last_day": last_day }])
    );
    assert_eq!(page["closed"], json!([]));
    assert_eq!(page["entries"].as_array().unwrap().len(), 2, "{page}");

    // Cancelled, then recorded as yesterday (a family that left without notice).
    assert_eq!(
        set_leaving(&server, &sam, ava, None).await.status(),
        StatusCode::OK
    );
    assert_eq!(journal(&server, &grace).await["leaving"], json!([]));
    let yesterday = today() - Duration::days(1);
    assert_eq!(
        set_leaving(&server, &sam, ava, Some(yesterday))
            .await
            .status(),
        StatusCode::OK
    );

    // Ava's journal is closed to the family; Noah's stays open on the same phone.
    let page = journal(&server, &grace).await;
    assert_eq!(page["closed"], json!([ava]));
    assert_eq!(page["leaving"], json!([]));
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{page}");
    assert_eq!(entries[0]["id"], of_noah.id.to_string());
    assert!(!page.to_string().contains("sunflower"), "{page}");

    // Past its date, it can no longer be changed or cancelled.
    let (status, error, field) = refusal(set_leaving(&server, &sam, ava, None).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field.as_deref(), Some("leaving_date"));
    assert!(error.contains("can no longer be changed"), "{error}");

    // A note about Ava is refused with a sentence (not 410, which would clear Noah's journal
    // from the phone); one about Noah still goes.
    for (child, expected) in [(ava, StatusCode::FORBIDDEN), (noah, StatusCode::CREATED)] {
        let note = json!({"id": Uuid::now_v7(), "child": child, "entry": null, "text": "We went to the beach", "written_at": chrono::Utc::now()});
        let body = serde_json::to_vec(&note).unwrap();
        let r = grace
            .send(Method::POST, &client(), &server, "/api/parent/notes", &body)
            .await;
        let status = r.status();
        let text = r.text().await.unwrap();
        assert_eq!(status, expected, "{text}");
        if status == StatusCode::FORBIDDEN {
            assert!(text.contains("closed when your child left"), "{text}");
        }
    }

    // Tom's unused code was for Ava alone: it stops working with her journal.
    let tom = Tablet::new();
    let r = Client::new()
        .post(server.url("/api/parents/enrol"))
        .json(&json!({"code": unused, "public_key": tom.public_hex()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Audited by id and fixed phrase, never a name; shown in the family's trail.
    let log: Value = sam
        .get(server.url(&format!("/api/audit?child={ava}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = log.to_string();
    assert!(text.contains("leaving_date_set"), "{text}");
    assert!(text.contains("leaving_cancelled"), "{text}");
    assert!(!text.contains("Ava"), "{text}");

    server.stop().await;
}

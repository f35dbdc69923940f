//! Consent over real HTTP and a real SQLite file: managers record answers, everyone signed in
//! reads them and the overview, history is never overwritten, and bad answers are refused with
//! the field to fix.

mod support;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{PASSPHRASE, TestServer, client, refusal};

async fn demo() -> (TestServer, reqwest::Client) {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = client();
    let r = server.sign_in(&sam, "Sam Patel", PASSPHRASE).await;
    assert_eq!(r.status(), StatusCode::OK);
    (server, sam)
}

async fn get(client: &reqwest::Client, url: String) -> Value {
    let r = client.get(url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn child_id(server: &TestServer, client: &reqwest::Client, first: &str) -> String {
    let list = get(client, server.url("/api/children")).await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["first_name"] == first)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn standing(answer: &Value, purpose: &str) -> String {
    answer["standings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p[0] == purpose)
        .unwrap()[1]["standing"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn in_days(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

#[tokio::test]
async fn a_withdrawal_is_a_new_answer_and_the_history_keeps_both() {
    let (server, sam) = demo().await;
    let noah = child_id(&server, &sam, "Noah").await;
    let url = server.url(&format!("/api/children/{noah}/consents"));
    let before = get(&sam, url.clone()).await;
    assert_eq!(standing(&before, "journal_photos"), "granted");
    assert_eq!(standing(&before, "other_journals"), "missing");

    let r = sam
        .post(&url)
        .json(&json!({
            "purpose": "journal_photos", "granted": false, "given_by": "Daniel Williams",
            "how": {"kind": "signed_on_tablet"}, "review_by": in_days(90),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let entry: Value = r.json().await.unwrap();
    assert_eq!(entry["recorded_by_name"], "Sam Patel");

    let after = get(&sam, url).await;
    assert_eq!(standing(&after, "journal_photos"), "refused");
    let history = after["history"].as_array().unwrap();
    let photos: Vec<&Value> = history
        .iter()
        .filter(|e| e["purpose"] == "journal_photos")
        .collect();
    assert_eq!(photos.len(), 2, "the grant is kept beside the withdrawal");
    assert_eq!(photos[0]["granted"], true);
    assert_eq!(photos[1]["granted"], false);
    server.stop().await;
}

#[tokio::test]
async fn the_overview_shows_who_lacks_what_and_reviews_due() {
    let (server, sam) = demo().await;
    let overview = get(&sam, server.url("/api/consents")).await;
    let rows = overview["children"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    let row = |first: &str| rows.iter().find(|r| r[0]["first_name"] == first).unwrap()[1].clone();
    let lacking = |first: &str| -> Vec<String> {
        row(first)["standings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p[1]["standing"] != "granted")
            .map(|p| p[0].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(lacking("Ava").is_empty());
    assert!(lacking("Isla").contains(&"journal_photos".to_owned()));
    assert_eq!(row("Leo")["standings"][0][1]["standing"], "lapsed");
    assert_eq!(row("Maya")["reviews_due"].as_array().unwrap().len(), 2);

    // Tablets keep every answer, to check consent at the camera when out of reach.
    let records = get(&sam, server.url("/api/consent-records")).await;
    assert_eq!(records.as_array().unwrap().len(), 6 + 1 + 1 + 2 + 2);
    server.stop().await;
}

#[tokio::test]
async fn staff_read_consents_but_only_managers_and_deputies_record_them() {
    let (server, _) = demo().await;
    let tom = client();
    server.sign_in(&tom, "Tom Evans", PASSPHRASE).await;
    let ava = child_id(&server, &tom, "Ava").await;
    let url = server.url(&format!("/api/children/{ava}/consents"));
    get(&tom, url.clone()).await;
    let r = tom
        .post(&url)
        .json(&json!({
            "purpose": "social_media", "granted": false, "given_by": "Grace Okafor",
            "how": {"kind": "signed_on_tablet"}, "review_by": in_days(90),
        }))
        .send()
        .await
        .unwrap();
    let (status, error, _) = refusal(r).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(error.contains("Only a manager or deputy"), "{error}");

    // Nobody signed in reads nothing.
    let r = client().get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn bad_answers_are_refused_with_the_field_and_nothing_is_written() {
    let (server, sam) = demo().await;
    let isla = child_id(&server, &sam, "Isla").await;
    let url = server.url(&format!("/api/children/{isla}/consents"));
    let before = get(&sam, url.clone()).await["history"].clone();
    let base = json!({
        "purpose": "journal_photos", "granted": true, "given_by": "Anna Kowalski",
        "how": {"kind": "written_form", "reference": "F-7"}, "review_by": in_days(90),
    });
    let with = |key: &str, value: Value| {
        let mut b = base.clone();
        b[key] = value;
        b
    };
    let cases = [
        (
            with("review_by", json!(in_days(-1))),
            "review_by",
            "The review date must be after today.",
        ),
        (
            with("review_by", json!(in_days(800))),
            "review_by",
            "The review date is more than two years away.",
        ),
        (
            with("given_by", json!("  ")),
            "given_by",
            "Parent or carer:",
        ),
        (
            with("how", json!({"kind": "written_form", "reference": ""})),
            "reference",
            "Enter the reference written on the paper form",
        ),
    ];
    for (body, want_field, want_text) in cases {
        let r = sam.post(&url).json(&body).send().await.unwrap();
        let (status, error, field) = refusal(r).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(field.as_deref(), Some(want_field), "{body}");
        assert!(error.starts_with(want_text), "{error}");
    }
    // An unknown purpose is a bad request, not a crash.
    let r = sam
        .post(&url)
        .json(&with("purpose", json!("tiktok")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(get(&sam, url).await["history"], before);

    // A malformed id, and a child who is not in the setting.
    let r = sam
        .get(server.url("/api/children/not-a-child/consents"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let stranger = uuid::Uuid::now_v7();
    let r = sam
        .post(server.url(&format!("/api/children/{stranger}/consents")))
        .json(&base)
        .send()
        .await
        .unwrap();
    let (status, error, _) = refusal(r).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(error.contains("no such child"), "{error}");
    server.stop().await;
}

#[tokio::test]
async fn the_database_itself_refuses_to_change_an_answer() {
    let (server, _) = demo().await;
    let path = server.data.path().join("burrow.sqlite3");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let err = conn
        .execute("UPDATE consents SET granted = 1 WHERE granted = 0", [])
        .unwrap_err();
    assert!(err.to_string().contains("never changed"), "{err}");
    server.stop().await;
}

//! How long photos stay on tablets (issue 16 part 1), over real HTTP and SQLite: a manager
//! enters the year's half terms or chooses a number of weeks; windows that overlap, run
//! backwards, leave gaps or are shorter than a week are refused in words beside their field; a
//! practitioner cannot change it; the change is audited without names; every tablet's pull
//! carries the window by the server's date.

mod support;

use chrono::{Days, NaiveDate};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use support::device::Tablet;
use support::family::signed_in;
use support::{TestServer, refusal};

fn today() -> NaiveDate {
    burrow_server::routes::today_in_england()
}

async fn put(server: &TestServer, who: &Client, body: Value) -> reqwest::Response {
    who.put(server.url("/api/setting/photo-retention"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Three half terms around today, each running to the day before the next.
fn terms_around(today: NaiveDate) -> Value {
    let d = |n: i64| {
        if n >= 0 {
            today + Days::new(n as u64)
        } else {
            today - Days::new((-n) as u64)
        }
    };
    json!({"kind": "half_terms", "terms": [
        {"starts": d(-80), "ends": d(-21)},
        {"starts": d(-20), "ends": d(29)},
        {"starts": d(30), "ends": d(90)},
    ]})
}

#[tokio::test]
async fn a_bad_window_is_refused_in_words_and_nothing_changes() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let t = today();
    let cases = [
        (
            json!({"kind": "half_terms", "terms": [
                {"starts": t, "ends": t + Days::new(40)},
                {"starts": t + Days::new(30), "ends": t + Days::new(80)},
            ]}),
            "terms",
            "cannot overlap",
        ),
        (
            json!({"kind": "half_terms", "terms": [
                {"starts": t, "ends": t + Days::new(40)},
                {"starts": t + Days::new(50), "ends": t + Days::new(80)},
            ]}),
            "terms",
            "gap between half term 1 and half term 2",
        ),
        (
            json!({"kind": "half_terms", "terms": [{"starts": t + Days::new(9), "ends": t}]}),
            "terms",
            "ends before it starts",
        ),
        (
            json!({"kind": "half_terms", "terms": [{"starts": t, "ends": t + Days::new(3)}]}),
            "terms",
            "shorter than a week",
        ),
        (
            json!({"kind": "last_weeks", "weeks": 0}),
            "weeks",
            "between 1 and 52",
        ),
    ];
    for (body, field, words) in cases {
        let (status, error, got) = refusal(put(&server, &sam, body).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert_eq!(got.as_deref(), Some(field));
        assert!(error.contains(words), "{error}");
    }
    // Not a window at all: a sentence, never serde's words or the input echoed.
    let (status, error, _) = refusal(
        put(
            &server,
            &sam,
            json!({"kind": "fortnightly", "secret": "Ava"}),
        )
        .await,
    )
    .await;
    assert!(status.is_client_error(), "{status}");
    assert!(
        !error.contains("Ava") && !error.contains("variant"),
        "{error}"
    );
    // A practitioner may read it but not change it.
    let priya = signed_in(&server, "Priya Shah").await;
    let r = put(&server, &priya, json!({"kind": "last_weeks", "weeks": 2})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = priya
        .get(server.url("/api/setting/photo-retention"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let kept: Value = r.json().await.unwrap();
    // Still the default: seven weeks.
    assert_eq!(kept["retention"], json!({"kind": "last_weeks", "weeks": 7}));
    assert_eq!(
        kept["window"]["keep_from"],
        json!((today() - Days::new(49)).to_string())
    );
}

#[tokio::test]
async fn half_terms_are_kept_audited_and_reach_every_tablet_at_pull() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let t = today();
    let r = put(&server, &sam, terms_around(t)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let answer: Value = r.json().await.unwrap();
    assert_eq!(answer["window"]["today"], json!(t.to_string()));
    // Today is in the second half term: its photos stay, older ones may go.
    assert_eq!(
        answer["window"]["keep_from"],
        json!((t - Days::new(20)).to_string())
    );
    let r = sam
        .get(server.url("/api/setting/photo-retention"))
        .send()
        .await
        .unwrap();
    let kept: Value = r.json().await.unwrap();
    assert_eq!(kept["retention"], terms_around(t));

    // The audit log says what changed, in dates.
    let log: Value = sam
        .get(server.url("/api/audit?action=options_changed"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = log.to_string();
    assert!(
        text.contains("photos stay on tablets for the half term: 3 half terms"),
        "{text}"
    );

    // A tablet is told the window with every pull, by the server's date.
    let tablet = Tablet::enrol(&server, &sam, "Room 2 tablet").await;
    let priya = signed_in(&server, "Priya Shah").await;
    let r = tablet
        .send(Method::GET, &priya, &server, "/api/sync/pull?after=0", b"")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page: Value = r.json().await.unwrap();
    assert_eq!(
        page["photo_window"],
        json!({"today": t.to_string(), "keep_from": (t - Days::new(20)).to_string()})
    );

    // "The last two weeks" from now on.
    let r = put(&server, &sam, json!({"kind": "last_weeks", "weeks": 2})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = tablet
        .send(Method::GET, &priya, &server, "/api/sync/pull?after=0", b"")
        .await;
    let page: Value = r.json().await.unwrap();
    assert_eq!(
        page["photo_window"]["keep_from"],
        json!((t - Days::new(14)).to_string())
    );
}

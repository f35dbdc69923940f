//! Malformed, oversized and unexpected requests get a precise 4xx with a sentence; never a 500.

mod support;
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::json;
use support::{TestServer, client, refusal};

#[tokio::test]
async fn malformed_bodies_get_precise_refusals() {
    let server = TestServer::start().await;
    let manager = server.set_up().await;
    let post = |path: &str, content_type: &str, body: String| {
        manager
            .post(server.url(path))
            .header(CONTENT_TYPE, content_type)
            .body(body)
            .send()
    };

    let (status, error, _) = refusal(
        post("/api/staff", "application/json", "{\"name\": ".into())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "The request is not valid JSON.")
    );

    let (status, error, _) =
        refusal(post("/api/staff", "text/plain", "{}".into()).await.unwrap()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(error.contains("Content-Type: application/json"));

    let unknown = json!({"name": "Tom", "role": "deputy", "is_admin": true}).to_string();
    let (status, error, _) = refusal(
        post("/api/staff", "application/json", unknown)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.contains("a field this form does not have"), "{error}");
    // Never the input echoed back, nor serde's own words.
    assert!(
        !error.contains("is_admin") && !error.contains('`'),
        "{error}"
    );

    let missing = json!({"name": "Tom"}).to_string();
    let (status, error, _) = refusal(
        post("/api/staff", "application/json", missing)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error, "The request is missing its “role” field.");

    let bad_date = json!({"first_name": "A", "surname": "B", "date_of_birth": "2023-02-30", "start_date": "2025-09-01", "key_person_id": "x"}).to_string();
    let (status, _, _) = refusal(
        post("/api/children", "application/json", bad_date)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let huge = json!({"name": "x".repeat(100_000), "role": "deputy"}).to_string();
    let (status, error, _) =
        refusal(post("/api/staff", "application/json", huge).await.unwrap()).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.")
    );

    let long_name = json!({"name": "x".repeat(200), "role": "deputy"}).to_string();
    let (status, _, field) = refusal(
        post("/api/staff", "application/json", long_name)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, field.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("name"))
    );

    let control = json!({"name": "Tom\u{0007}", "role": "deputy"}).to_string();
    let (status, _, _) = refusal(
        post("/api/staff", "application/json", control)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // None of that reached the staff list.
    let staff: serde_json::Value = manager
        .get(server.url("/api/staff"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(staff.as_array().unwrap().len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn unknown_addresses_and_methods_and_missing_sessions_are_refused_in_json() {
    let server = TestServer::start().await;
    let c = client();
    let (status, error, _) =
        refusal(c.get(server.url("/api/nothing-here")).send().await.unwrap()).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::NOT_FOUND, "There is nothing at this address.")
    );
    let (status, _, _) = refusal(c.put(server.url("/api/status")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let (status, error, _) =
        refusal(c.get(server.url("/api/children")).send().await.unwrap()).await;
    assert_eq!(
        (status, error.as_str()),
        (
            StatusCode::UNAUTHORIZED,
            "You are not signed in. Sign in to carry on."
        )
    );
    let forged = c
        .get(server.url("/api/children"))
        .header("Cookie", "burrow_session=00ff")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn app_routes_fall_back_to_the_shell_and_responses_carry_safety_headers() {
    let server = TestServer::start().await;
    let r = client().get(server.url("/children")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    assert!(r.text().await.unwrap().contains("<title>Burrow</title>"));
    let api = client()
        .get(server.url("/api/status"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.headers()["cache-control"], "no-store");
    server.stop().await;
}

/// A name that shows as someone else's (a right-to-left override, a zero-width space) is
/// refused for staff, children and parents alike, with the reason (issue 18).
#[tokio::test]
async fn names_with_invisible_characters_are_refused() {
    let server = TestServer::start().await;
    let manager = server.set_up().await;
    let sneaky = "\u{202E}hahS aynirP";
    let me = server.whoami(&manager).await;
    for (path, body) in [
        (
            "/api/staff",
            json!({"name": sneaky, "role": "practitioner"}),
        ),
        (
            "/api/children",
            json!({"first_name": "Ava\u{200B}", "surname": "Okafor", "date_of_birth": "2023-03-01", "start_date": "2025-09-01", "key_person_id": me}),
        ),
        ("/api/parents", json!({"name": sneaky, "children": []})),
    ] {
        let r = manager
            .post(server.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        let (status, error, _) = refusal(r).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {error}");
        assert!(error.contains("invisible character"), "{path}: {error}");
    }
}

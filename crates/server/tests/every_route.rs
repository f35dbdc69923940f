//! Every route of the API, walked as a hostile client would (issue 18): malformed bodies, paths
//! and queries, from a manager's browser and from an enrolled tablet's signed requests. The
//! routes are read from `src/routes/mod.rs`, so a new one is walked too. Each answer is below
//! 500; each refusal is Burrow's JSON `{"error", "field"}` in plain English, never serde's or
//! axum's words and never what was sent.

mod support;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::device::Tablet;
use support::family::{parent_phone, signed_in};
use support::{TestServer, client};

/// A string that must never come back in a refusal.
const MARKER: &str = "Zebedee-Quokka-7731";

/// (path, methods) for each `.route(` in the router's source.
fn routes() -> Vec<(String, Vec<Method>)> {
    let source = include_str!("../src/routes/mod.rs");
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        // The call runs to its matching parenthesis.
        let mut depth = 1;
        let mut end = 0;
        for (i, ch) in rest.char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let call = &rest[..end];
        let path = call
            .split('"')
            .nth(1)
            .expect("a route's path as a string literal");
        let methods: Vec<Method> = [
            ("get(", Method::GET),
            ("post(", Method::POST),
            ("put(", Method::PUT),
            ("delete(", Method::DELETE),
            ("patch(", Method::PATCH),
        ]
        .into_iter()
        .filter(|(word, _)| {
            call.match_indices(word).any(|(i, _)| {
                i == 0 || !call[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
            })
        })
        .map(|(_, m)| m)
        .collect();
        assert!(!methods.is_empty(), "no method found for {path}");
        out.push((format!("/api{path}"), methods));
    }
    out
}

/// The words of a framework, a parser or a type that a person should never read.
fn sounds_like_code(text: &str) -> Option<&'static str> {
    [
        "`",
        "serde",
        "deserializ",
        "Failed to",
        "line 1 column",
        "Invalid URL",
        "UUID parsing",
        "expected",
        "invalid type",
        "invalid digit",
        "EOF",
        "struct ",
        "Uuid",
        "u64",
        "i64",
    ]
    .into_iter()
    .find(|w| text.contains(w))
}

async fn check(what: &str, r: reqwest::Response) -> StatusCode {
    let status = r.status();
    let is_json = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let body = r.text().await.unwrap_or_default();
    assert!(status.as_u16() < 500, "{what}: {status} {body}");
    if status.is_client_error() {
        assert!(is_json, "{what}: {status} not JSON: {body}");
        let value: Value = serde_json::from_str(&body).expect("JSON");
        let error = value["error"].as_str().unwrap_or_default();
        assert!(!error.is_empty(), "{what}: no sentence: {body}");
        if let Some(word) = sounds_like_code(error) {
            panic!("{what}: {status} reads like code ({word}): {error}");
        }
        assert!(!body.contains(MARKER), "{what}: the input echoed: {body}");
        assert!(body.len() < 1_000, "{what}: a long refusal: {body}");
    }
    status
}

#[tokio::test]
async fn every_route_refuses_malformed_requests_in_words() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let manager = signed_in(&server, "Sam Patel").await;
    let tablet = Tablet::enrol(&server, &manager, "Walker").await;
    let long = MARKER.repeat(600);
    let paths = [
        "not-an-id".to_owned(),
        MARKER.to_owned(),
        long.clone(),
        "00000000-0000-0000-0000-000000000000".to_owned(),
    ];
    let queries = [
        String::new(),
        "?after=18446744073709551615&offset=18446744073709551615".to_owned(),
        "?after=abc&offset=-1&child=nope&before=x".to_owned(),
        format!("?{MARKER}={MARKER}&after={long}"),
    ];
    let bodies: Vec<Vec<u8>> = vec![
        b"{\"name\": ".to_vec(),
        b"[1, 2, 3]".to_vec(),
        json!({"a": MARKER}).to_string().into_bytes(),
        json!({"role": MARKER, "kind": long, "version": 9223372036854775808u64})
            .to_string()
            .into_bytes(),
        json!({"ops": [{"counter": 1, "record_id": MARKER, "kind": MARKER, "version": 1, "base": 0, "by": MARKER}]})
            .to_string()
            .into_bytes(),
    ];
    let mut walked = 0;
    let mut routes = routes();
    // Signing out last: the walk runs signed in.
    routes.sort_by_key(|(path, _)| path == "/api/session");
    assert!(routes.len() >= 50, "the router's routes were not all read");
    for (template, methods) in &routes {
        for method in methods {
            if template == "/api/session" && *method == Method::DELETE {
                continue;
            }
            for segment in &paths {
                let path = template
                    .split('/')
                    .map(|part| {
                        if part.starts_with('{') {
                            segment.as_str()
                        } else {
                            part
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("/");
                for query in &queries {
                    let target = format!("{path}{query}");
                    let with_body = *method != Method::GET;
                    for body in bodies.iter().take(if with_body { bodies.len() } else { 1 }) {
                        let body: &[u8] = if with_body { body } else { b"" };
                        // From a manager's browser, by cookie alone.
                        let r = manager
                            .request(method.clone(), server.url(&target))
                            .header("content-type", "application/json")
                            .body(body.to_vec())
                            .send()
                            .await
                            .unwrap();
                        check(&format!("{method} {template} (browser)"), r).await;
                        // From an enrolled tablet, signed.
                        let r = tablet
                            .send(method.clone(), &manager, &server, &target, body)
                            .await;
                        check(&format!("{method} {template} (tablet)"), r).await;
                        walked += 2;
                    }
                }
            }
        }
    }
    // And with no one signed in.
    let stranger = client();
    for (template, methods) in &routes {
        for method in methods {
            let path = template.replace("{id}", MARKER);
            let r = stranger
                .request(method.clone(), server.url(&path))
                .header("content-type", "application/json")
                .body(bodies[2].clone())
                .send()
                .await
                .unwrap();
            check(&format!("{method} {template} (stranger)"), r).await;
            walked += 1;
        }
    }
    assert!(walked > 1_000, "walked {walked}");
}

/// The three numbers that reached SQLite as 500s: each refused where it is read.
#[tokio::test]
async fn numbers_too_large_for_the_database_are_refused_not_500() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let manager = signed_in(&server, "Sam Patel").await;
    let tablet = Tablet::enrol(&server, &manager, "Room 1").await;
    let r = tablet
        .send(
            Method::GET,
            &manager,
            &server,
            "/api/sync/pull?after=18446744073709551615",
            b"",
        )
        .await;
    assert_eq!(check("pull", r).await, StatusCode::BAD_REQUEST);

    let child = server.child_id(&manager, "Ava").await;
    let phone = parent_phone(&server, &manager, "Grace Okafor", &[child]).await;
    let r = phone
        .send(
            Method::GET,
            &client(),
            &server,
            "/api/parent/journal?after=18446744073709551615",
            b"",
        )
        .await;
    assert_eq!(check("parent journal", r).await, StatusCode::BAD_REQUEST);

    let me = server.whoami(&manager).await;
    let op = json!({"ops": [{
        "counter": 1,
        "record_id": uuid::Uuid::now_v7(),
        "kind": "observation",
        "version": 9223372036854775808u64,
        "base": 0,
        "by": me,
        "body": null
    }]});
    let r = tablet
        .send(
            Method::POST,
            &manager,
            &server,
            "/api/sync/push",
            op.to_string().as_bytes(),
        )
        .await;
    assert_eq!(check("push", r).await, StatusCode::UNPROCESSABLE_ENTITY);
}

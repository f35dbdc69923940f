//! Enrolling a tablet over real HTTP and SQLite: the server proves its identity with a key that
//! survives a restart; a tablet registers its P-256 key and is approved only with the code it
//! shows; its signed requests are accepted, and a replayed, changed, old, unknown or unsigned
//! one is refused with the reason; once revoked it is told so (410) at its next contact.

mod support;
use burrow_core::device::identity_message;
use reqwest::{Client, StatusCode};
use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
use serde_json::{Value, json};
use support::device::Tablet;
use support::{TestServer, client, refusal};

async fn send(
    server: &TestServer,
    path: &str,
    body: &[u8],
    headers: &[(&'static str, String)],
) -> reqwest::Response {
    let mut req = Client::new()
        .post(server.url(path))
        .header("content-type", "application/json")
        .body(body.to_vec());
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    req.send().await.unwrap()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test]
async fn the_server_proves_its_identity_with_a_key_that_survives_a_restart() {
    let mut server = TestServer::start().await;
    let nonce = [7u8; 32];
    let ask = |server: &TestServer| {
        let url = server.url("/api/server/identity");
        async move {
            let r = client()
                .post(url)
                .json(&json!({"nonce": hex::encode(nonce)}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<Value>().await.unwrap()
        }
    };
    let first = ask(&server).await;
    let public = hex::decode(first["public_key"].as_str().unwrap()).unwrap();
    let signature = hex::decode(first["signature"].as_str().unwrap()).unwrap();
    assert_eq!(public.len(), 65);
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &public)
        .verify(&identity_message(&nonce), &signature)
        .expect("the server's signature verifies against its public key");
    // Not a signature of anything else: a different nonce does not verify.
    assert!(
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &public)
            .verify(&identity_message(&[8; 32]), &signature)
            .is_err()
    );

    server.restart().await;
    let again = ask(&server).await;
    assert_eq!(
        again["public_key"], first["public_key"],
        "the pinned key is the same after a restart"
    );

    let r = client()
        .post(server.url("/api/server/identity"))
        .json(&json!({"nonce": "abc"}))
        .send()
        .await
        .unwrap();
    let (status, _, field) = refusal(r).await;
    assert_eq!(
        (status, field.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("nonce"))
    );
    server.stop().await;
}

#[tokio::test]
async fn a_tablet_is_enrolled_with_its_code_and_its_signed_requests_are_checked() {
    let server = TestServer::start().await;
    let manager = server.set_up().await;
    let mut tablet = Tablet::new();

    // A key that is not a P-256 point is refused, naming the field.
    let r = client()
        .post(server.url("/api/devices"))
        .json(&json!({"public_key": "04abcd"}))
        .send()
        .await
        .unwrap();
    let (status, _, field) = refusal(r).await;
    assert_eq!(
        (status, field.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("public_key"))
    );

    let r = client()
        .post(server.url("/api/devices"))
        .json(&json!({"public_key": tablet.public_hex()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let asked: Value = r.json().await.unwrap();
    tablet.id = asked["id"].as_str().unwrap().to_owned();
    let code = asked["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 11);
    // Asking again with the same key is the same device.
    let r = client()
        .post(server.url("/api/devices"))
        .json(&json!({"public_key": tablet.public_hex()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["id"], asked["id"]);

    // Not approved yet: anyone else who knows its id learns nothing of it, its code least of
    // all (issue 18); the tablet itself hears it is waiting, on a request signed with its key.
    let r = client()
        .get(server.url(&format!("/api/devices/{}", tablet.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(!r.text().await.unwrap().contains(&code));
    let (practitioner_early, _) = server.practitioner(&manager, "Priya Early").await;
    let r = practitioner_early
        .get(server.url(&format!("/api/devices/{}", tablet.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(!r.text().await.unwrap().contains(&code));
    let status: Value = manager
        .get(server.url(&format!("/api/devices/{}", tablet.id)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["status"], "pending");
    let body = b"{}";
    let r = send(
        &server,
        "/api/device/hello",
        body,
        &tablet.proof("POST", "/api/device/hello", body, now(), "nonce-0001"),
    )
    .await;
    let (status, error, _) = refusal(r).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error, "This tablet is waiting for a manager to approve it.");

    // Only a manager or deputy approves, only with the code the tablet shows, and with a name.
    let (practitioner, _) = server.practitioner(&manager, "Priya Shah").await;
    let approve = format!("/api/devices/{}/approve", tablet.id);
    let r = practitioner
        .post(server.url(&approve))
        .json(&json!({"code": code, "name": "Room 2 tablet"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = manager
        .post(server.url(&approve))
        .json(&json!({"code": "AAAAA-AAAAA", "name": "Room 2 tablet"}))
        .send()
        .await
        .unwrap();
    let (status, error, field) = refusal(r).await;
    assert_eq!(
        (status, field.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("code"))
    );
    assert!(error.contains("not the one this tablet shows"));
    let r = manager
        .post(server.url(&approve))
        .json(&json!({"code": code, "name": "   "}))
        .send()
        .await
        .unwrap();
    let (status, _, field) = refusal(r).await;
    assert_eq!(
        (status, field.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("name"))
    );
    // Typed as people type it: lower case, no dash.
    let r = manager
        .post(server.url(&approve))
        .json(&json!({"code": code.to_lowercase().replace('-', ""), "name": " Room 2  tablet "}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let approved: Value = r.json().await.unwrap();
    assert_eq!(approved["status"], "enrolled");
    assert_eq!(approved["name"], "Room 2 tablet");
    assert_eq!(
        approved["code"],
        Value::Null,
        "the code is not shown once used"
    );
    let r = manager
        .post(server.url(&approve))
        .json(&json!({"code": code, "name": "Room 2 tablet"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // Enrolled: a signed hello is answered.
    let proof = tablet.proof("POST", "/api/device/hello", body, now(), "nonce-0002");
    let r = send(&server, "/api/device/hello", body, &proof).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["name"], "Room 2 tablet");

    // The same request again is a replay.
    let (status, error, _) = refusal(send(&server, "/api/device/hello", body, &proof).await).await;
    assert_eq!(
        (status, error.as_str()),
        (
            StatusCode::CONFLICT,
            "This request was already received once."
        )
    );
    // A changed body, or a proof made for another path, does not match.
    let proof = tablet.proof("POST", "/api/device/hello", body, now(), "nonce-0003");
    let (status, error, _) =
        refusal(send(&server, "/api/device/hello", b"{\"x\":1}", &proof).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(error.contains("signature does not match"));
    let proof = tablet.proof(
        "POST",
        "/api/device/hello?again=1",
        body,
        now(),
        "nonce-0004",
    );
    let (status, _, _) = refusal(send(&server, "/api/device/hello", body, &proof).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Ten minutes old: refused, saying why.
    let proof = tablet.proof("POST", "/api/device/hello", body, now() - 600, "nonce-0005");
    let (status, error, _) = refusal(send(&server, "/api/device/hello", body, &proof).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(error.contains("clock"));
    // Another key claiming this device's id; a device the server never saw; no proof at all;
    // a proof that is not hex.
    let mut impostor = Tablet::new();
    impostor.id = tablet.id.clone();
    let proof = impostor.proof("POST", "/api/device/hello", body, now(), "nonce-0006");
    assert_eq!(
        send(&server, "/api/device/hello", body, &proof)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let mut stranger = Tablet::new();
    stranger.id = uuid::Uuid::now_v7().to_string();
    let proof = stranger.proof("POST", "/api/device/hello", body, now(), "nonce-0007");
    let (status, error, _) = refusal(send(&server, "/api/device/hello", body, &proof).await).await;
    assert_eq!(
        (status, error.as_str()),
        (
            StatusCode::UNAUTHORIZED,
            "This tablet is not enrolled with the setting's server."
        )
    );
    let (status, _, _) = refusal(send(&server, "/api/device/hello", body, &[]).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let mut proof = tablet.proof("POST", "/api/device/hello", body, now(), "nonce-0008");
    proof[3].1 = "zz".into();
    let (status, _, _) = refusal(send(&server, "/api/device/hello", body, &proof).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Revoked: its next signed request is told so (410, its cue to wipe), whatever its clock.
    let practitioner_revoke = practitioner
        .post(server.url(&format!("/api/devices/{}/revoke", tablet.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(practitioner_revoke.status(), StatusCode::FORBIDDEN);
    let r = manager
        .post(server.url(&format!("/api/devices/{}/revoke", tablet.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let proof = tablet.proof(
        "POST",
        "/api/device/hello",
        body,
        now() - 3600,
        "nonce-0009",
    );
    let (status, error, _) = refusal(send(&server, "/api/device/hello", body, &proof).await).await;
    assert_eq!(
        (status, error.as_str()),
        (
            StatusCode::GONE,
            "This tablet has been removed by a manager."
        )
    );
    let r = manager
        .post(server.url(&format!("/api/devices/{}/revoke", tablet.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);

    let list: Value = manager
        .get(server.url("/api/devices"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["status"], "revoked");
    assert_eq!(list[0]["name"], "Room 2 tablet");
    assert_eq!(
        practitioner
            .get(server.url("/api/devices"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    server.stop().await;
}

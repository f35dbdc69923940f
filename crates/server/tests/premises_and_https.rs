//! The premises guard and the setting's own HTTPS.

mod support;
use reqwest::StatusCode;
use support::{PASSPHRASE, TestServer, client, refusal};

#[tokio::test]
async fn a_device_outside_the_premises_networks_is_refused() {
    let server =
        TestServer::start_with(|c| c.premises = vec!["127.0.0.1/32".parse().unwrap()]).await;
    let inside = client();
    assert_eq!(
        inside
            .get(server.url("/api/status"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // Another loopback address stands in for a device on another network.
    let outside = reqwest::Client::builder()
        .local_address("127.0.0.2".parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap();
    let r = outside
        .get(server.url("/api/status"))
        .header("X-Forwarded-For", "127.0.0.1")
        .send()
        .await
        .unwrap();
    let (status, error, _) = refusal(r).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a forwarded-for header is not believed"
    );
    assert!(error.starts_with("Burrow only answers devices on the setting's own network."));
    let r = outside
        .post(server.url("/api/setup"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "refused before the body is even read"
    );
    server.stop().await;
}

#[tokio::test]
async fn tablets_trust_the_server_once_they_have_the_setting_certificate() {
    let server = TestServer::start().await;
    let ca_pem = client()
        .get(server.url("/burrow-ca.crt"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let ca = reqwest::Certificate::from_pem(&ca_pem).unwrap();
    let https = server.running().https.unwrap();
    let url = format!("https://localhost:{}/api/status", https.port());

    // Without the setting's certificate, the connection is refused.
    let stranger = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(rcgen_other_ca().as_bytes()).unwrap());
    assert!(stranger.build().unwrap().get(&url).send().await.is_err());

    let tablet = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca)
        .cookie_store(true)
        .build()
        .unwrap();
    assert_eq!(
        tablet.get(&url).send().await.unwrap().status(),
        StatusCode::OK
    );
    let by_ip = format!("https://127.0.0.1:{}/api/status", https.port());
    assert_eq!(
        tablet.get(&by_ip).send().await.unwrap().status(),
        StatusCode::OK
    );

    // Over HTTPS the session cookie is marked Secure.
    server.set_up().await;
    let r = tablet
        .post(format!("https://localhost:{}/api/session", https.port()))
        .json(&serde_json::json!({"name": "Jo Bloggs", "passphrase": PASSPHRASE}))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("; Secure")
    );
    server.stop().await;
}

/// A certificate authority that is not the setting's.
fn rcgen_other_ca() -> String {
    let dir = tempfile::tempdir().unwrap();
    burrow_server::tls::load_or_create(dir.path(), &["localhost".into()], &[])
        .unwrap()
        .ca_pem
}

#[tokio::test]
async fn behind_a_trusted_proxy_only_the_address_it_saw_counts() {
    // The proxy is 127.0.0.1; the premises network is one no test machine is on.
    let server = TestServer::start_with(|c| {
        c.premises = vec!["10.9.0.0/16".parse().unwrap()];
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let via_proxy = |xff: Option<&str>| {
        let mut req = client().get(server.url("/api/status"));
        if let Some(xff) = xff {
            req = req.header("X-Forwarded-For", xff);
        }
        async move { req.send().await.unwrap().status() }
    };
    assert_eq!(via_proxy(Some("10.9.1.2")).await, StatusCode::OK);
    assert_eq!(via_proxy(Some("192.0.2.7")).await, StatusCode::FORBIDDEN);
    // A client off the premises that writes its own header: the proxy appends what it saw.
    assert_eq!(
        via_proxy(Some("10.9.1.2, 192.0.2.7")).await,
        StatusCode::FORBIDDEN
    );
    // The proxy did not say who its client is: refused.
    assert_eq!(via_proxy(None).await, StatusCode::FORBIDDEN);
    // Not the proxy: a header changes nothing.
    let other = reqwest::Client::builder()
        .local_address("127.0.0.2".parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap();
    let r = other
        .get(server.url("/api/status"))
        .header("X-Forwarded-For", "10.9.1.2")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    server.stop().await;
}

/// Behind a trusted proxy every client's connection comes from the proxy: failed attempts are
/// counted for the client the guard judged, so one person guessing locks out only themselves,
/// not every tablet in the building (issue 18).
#[tokio::test]
async fn behind_a_trusted_proxy_throttles_count_each_client_not_the_proxy() {
    let server = TestServer::start_with(|c| {
        c.premises = vec!["10.9.0.0/16".parse().unwrap()];
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let sign_in = |from: &'static str, name: String, passphrase: &'static str| {
        let r = client()
            .post(server.url("/api/session"))
            .header("X-Forwarded-For", from)
            .json(&serde_json::json!({"name": name, "passphrase": passphrase}))
            .send();
        async move { r.await.unwrap() }
    };
    let r = client()
        .post(server.url("/api/setup"))
        .header("X-Forwarded-For", "10.9.1.1")
        .json(&serde_json::json!({"code": server.code(), "setting_name": "Little Acorns", "manager_name": "Jo Bloggs", "passphrase": PASSPHRASE}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Someone at 10.9.1.2 guesses twenty names.
    for i in 0..20 {
        let r = sign_in("10.9.1.2", format!("Guess {i}"), "wrong wrong wrong").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let (status, error, _) =
        refusal(sign_in("10.9.1.2", "Jo Bloggs".into(), PASSPHRASE).await).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(error.contains("from this device"), "{error}");
    // The manager at another tablet, through the same proxy, signs in.
    let r = sign_in("10.9.1.3", "Jo Bloggs".into(), PASSPHRASE).await;
    assert_eq!(r.status(), StatusCode::OK);
    server.stop().await;
}

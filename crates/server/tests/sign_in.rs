//! Signing in and out, session expiry and the limits on guessing.

mod support;
use chrono::Duration;
use reqwest::StatusCode;
use reqwest::header::{RETRY_AFTER, SET_COOKIE};
use serde_json::Value;
use support::{PASSPHRASE, TestServer, client, refusal};

#[tokio::test]
async fn sign_in_is_case_insensitive_on_the_name_and_exact_on_the_passphrase() {
    let server = TestServer::start().await;
    server.set_up().await;
    let c = client();
    let (status, error, _) = refusal(
        server
            .sign_in(&c, "Jo Bloggs", "teapot river lanterns")
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        error,
        "That name and passphrase do not match. Check both and try again."
    );
    let (status, unknown, _) = refusal(server.sign_in(&c, "Nobody Here", PASSPHRASE).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        unknown, error,
        "an unknown name reads exactly like a wrong passphrase"
    );
    let r = server.sign_in(&c, "  jo   BLOGGS ", PASSPHRASE).await;
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let me: Value = c
        .get(server.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["staff"]["name"], "Jo Bloggs");
    server.stop().await;
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let server = TestServer::start().await;
    server.set_up().await;
    let c = client();
    let r = server.sign_in(&c, "Jo Bloggs", PASSPHRASE).await;
    let token = r.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        c.delete(server.url("/api/session"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    // Replaying the old cookie by hand gets nowhere.
    let replay = reqwest::Client::new()
        .get(server.url("/api/session"))
        .header("Cookie", token)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn five_wrong_passphrases_lock_the_account_for_a_while_even_for_the_right_one() {
    let server = TestServer::start().await;
    server.set_up().await;
    let c = client();
    for _ in 0..5 {
        assert_eq!(
            server
                .sign_in(&c, "Jo Bloggs", "wrong wrong wrong")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = server.sign_in(&c, "Jo Bloggs", PASSPHRASE).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: i64 = r.headers()[RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((800..=900).contains(&retry), "{retry}");
    let (_, error, _) = refusal(r).await;
    assert_eq!(
        error,
        "Too many attempts to sign in with this name. Wait 15 minutes and try again, or ask a manager for help."
    );
    server.stop().await;
}

#[tokio::test]
async fn one_address_guessing_many_names_is_stopped_too() {
    let server = TestServer::start().await;
    server.set_up().await;
    let c = client();
    for i in 0..20 {
        let r = server
            .sign_in(&c, &format!("Guess {i}"), "wrong wrong wrong")
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = server.sign_in(&c, "Jo Bloggs", PASSPHRASE).await;
    let (status, error, _) = refusal(r).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(error.contains("from this device"), "{error}");
    server.stop().await;
}

/// When the server last wrote down that the (only) session was in use.
fn last_seen(server: &TestServer) -> String {
    let db = rusqlite::Connection::open(server.data.path().join("burrow.sqlite3")).unwrap();
    db.query_row("SELECT last_seen_at FROM sessions", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test]
async fn a_session_in_steady_use_outlives_the_idle_limit() {
    // 1.5 s idle limit: core's session rule writes the last use down again once it is 50 ms old.
    let server = TestServer::start_with(|c| c.session_idle = Duration::milliseconds(1500)).await;
    let manager = server.set_up().await;
    let first = last_seen(&server);
    for _ in 0..6 {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let r = manager.get(server.url("/api/staff")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "3 s of use, every half second");
    }
    assert_ne!(last_seen(&server), first, "its use was written down");

    server.stop().await;
}

#[tokio::test]
async fn requests_moments_apart_do_not_each_write_the_session_down() {
    // The default half-hour limit: the last use is written again once it is a minute old.
    let server = TestServer::start().await;
    let manager = server.set_up().await;
    let before = last_seen(&server);
    for _ in 0..5 {
        let r = manager.get(server.url("/api/staff")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    assert_eq!(last_seen(&server), before);
    server.stop().await;
}

#[tokio::test]
async fn an_idle_session_ends() {
    let server = TestServer::start_with(|c| c.session_idle = Duration::milliseconds(1500)).await;
    let manager = server.set_up().await;
    assert_eq!(
        manager
            .get(server.url("/api/staff"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    tokio::time::sleep(std::time::Duration::from_millis(1700)).await;
    let (status, error, _) =
        refusal(manager.get(server.url("/api/staff")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        error.starts_with("You were signed out to keep children's details safe."),
        "{error}"
    );

    // Signing in again sweeps every session that can no longer be used.
    server
        .sign_in(&client(), "Jo Bloggs", support::PASSPHRASE)
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(1700)).await;
    let r = server
        .sign_in(&client(), "Jo Bloggs", support::PASSPHRASE)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let db = rusqlite::Connection::open(server.data.path().join("burrow.sqlite3")).unwrap();
    let sessions: i64 = db
        .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sessions, 1);
    server.stop().await;
}

#[tokio::test]
async fn an_active_session_still_ends_at_its_lifetime() {
    let server = TestServer::start_with(|c| c.session_lifetime = Duration::seconds(2)).await;
    let manager = server.set_up().await;
    for _ in 0..3 {
        assert_eq!(
            manager
                .get(server.url("/api/staff"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    assert_eq!(
        manager
            .get(server.url("/api/staff"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    server.stop().await;
}

//! Set-up with the one-time code: works once, refuses wrong and reused codes, loses nothing.

mod support;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{PASSPHRASE, TestServer, client, refusal};

#[tokio::test]
async fn a_new_server_asks_for_set_up_and_prints_a_code() {
    let server = TestServer::start().await;
    let status: Value = client()
        .get(server.url("/api/status"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status, json!({"setup_needed": true, "setting_name": null}));
    assert_eq!(server.code().len(), 11);
    server.stop().await;
}

#[tokio::test]
async fn the_code_works_once_and_signs_the_manager_in() {
    let server = TestServer::start().await;
    let manager = server.set_up().await;
    let me: Value = manager
        .get(server.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["staff"]["name"], "Jo Bloggs");
    assert_eq!(me["staff"]["role"], "manager");
    assert_eq!(me["setting_name"], "Little Acorns");

    let again = client()
        .post(server.url("/api/setup"))
        .json(&json!({"code": server.code(), "setting_name": "Other", "manager_name": "Mallory", "passphrase": "marble kettle orchard"}))
        .send()
        .await
        .unwrap();
    let (status, error, field) = refusal(again).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error.contains("already set up"), "{error}");
    assert_eq!(field.as_deref(), Some("code"));
    let status: Value = client()
        .get(server.url("/api/status"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["setting_name"], "Little Acorns");
    server.stop().await;
}

#[tokio::test]
async fn a_wrong_code_is_refused_and_the_right_one_still_works() {
    let server = TestServer::start().await;
    let r = client()
        .post(server.url("/api/setup"))
        .json(&json!({"code": "AAAAA-AAAAA", "setting_name": "Little Acorns", "manager_name": "Jo", "passphrase": PASSPHRASE}))
        .send()
        .await
        .unwrap();
    let (status, error, field) = refusal(r).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(error.starts_with("That set-up code is not right."));
    assert_eq!(field.as_deref(), Some("code"));
    server.set_up().await;
    server.stop().await;
}

#[tokio::test]
async fn weak_passphrases_and_empty_names_are_refused_without_using_the_code() {
    let server = TestServer::start().await;
    let attempt = |setting: &str, manager: &str, passphrase: &str| json!({"code": server.code(), "setting_name": setting, "manager_name": manager, "passphrase": passphrase});
    let cases = [
        (
            attempt("Little Acorns", "Jo Bloggs", "short"),
            "passphrase",
            "Use at least 12 characters",
        ),
        (
            attempt("Little Acorns", "Jo Bloggs", "little acorns nursery"),
            "passphrase",
            "Don’t use your own name",
        ),
        (
            attempt("Little Acorns", "Jo Bloggs", "Password12345"),
            "passphrase",
            "people guess first",
        ),
        (
            attempt("   ", "Jo Bloggs", PASSPHRASE),
            "setting_name",
            "Enter a name",
        ),
        (
            attempt("Little Acorns", "", PASSPHRASE),
            "manager_name",
            "Enter a name",
        ),
    ];
    for (body, want_field, want_text) in cases {
        let r = client()
            .post(server.url("/api/setup"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let (status, error, field) = refusal(r).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(field.as_deref(), Some(want_field), "{body}");
        assert!(error.contains(want_text), "{error}");
    }
    // Nothing was half-written: still not set up, and the code still works.
    let status: Value = client()
        .get(server.url("/api/status"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["setup_needed"], true);
    server.set_up().await;
    server.stop().await;
}

#[tokio::test]
async fn after_a_restart_a_set_up_server_prints_no_code_and_an_unset_one_prints_a_new_one() {
    let mut server = TestServer::start().await;
    let first = server.code();
    server.restart().await;
    let second = server.code();
    assert_ne!(first, second, "each start prints a fresh code");
    let r = client()
        .post(server.url("/api/setup"))
        .json(&json!({"code": first, "setting_name": "Little Acorns", "manager_name": "Jo", "passphrase": PASSPHRASE}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "an old printout no longer works"
    );
    server.set_up().await;
    server.restart().await;
    assert!(server.running().setup_code.is_none());
    let status: Value = client()
        .get(server.url("/api/status"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["setting_name"], "Little Acorns");
    server.stop().await;
}

/// `burrow-server setup-code` on `data`: its exit status and what it printed.
fn setup_code_command(data: &std::path::Path) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_burrow-server"))
        .arg("--data-dir")
        .arg(data)
        .arg("setup-code")
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[tokio::test]
async fn an_admin_who_missed_the_code_gets_a_new_one_and_the_old_stops_working() {
    let server = TestServer::start().await;
    let printed_at_start = server.code();
    let (ok, said) = setup_code_command(server.data.path());
    assert!(ok, "{said}");
    let code = said
        .lines()
        .find_map(|l| l.strip_prefix("Set-up code: "))
        .expect("a code")
        .to_owned();
    assert_ne!(code, printed_at_start);
    let setup = |code: String| {
        client()
            .post(server.url("/api/setup"))
            .json(&json!({"code": code, "setting_name": "Little Acorns", "manager_name": "Jo Bloggs", "passphrase": PASSPHRASE}))
            .send()
    };
    let (status, error, _) = refusal(setup(printed_at_start).await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        error.starts_with("That set-up code is not right."),
        "{error}"
    );
    assert_eq!(setup(code).await.unwrap().status(), StatusCode::OK);
    // Set up: no code any more, said in words.
    let (ok, said) = setup_code_command(server.data.path());
    assert!(!ok);
    assert!(said.contains("set up already"), "{said}");
    let empty = tempfile::tempdir().unwrap();
    let (ok, said) = setup_code_command(empty.path());
    assert!(!ok && said.contains("no Burrow database"), "{said}");
    server.stop().await;
}

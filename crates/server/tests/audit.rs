//! The audit log over real HTTP and a real SQLite file: what is recorded, who may read it,
//! the chain's check (through the API and the `verify-audit` command) after someone edits or
//! removes entries behind the server's back, retention, and tablets' wrong passphrases.

mod support;

use reqwest::{Client, StatusCode};
use rusqlite::Connection;
use serde_json::{Value, json};
use support::device::Tablet;
use support::{PASSPHRASE, TestServer, client, refusal};

async fn get(who: &Client, server: &TestServer, path: &str) -> Value {
    let r = who.get(server.url(path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

fn actions(page: &Value) -> Vec<String> {
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

fn db(server: &TestServer) -> Connection {
    Connection::open(server.data.path().join("burrow.sqlite3")).unwrap()
}

fn verify_command(server: &TestServer) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_burrow-server"))
        .args(["verify-audit", "--data-dir"])
        .arg(server.data.path())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[tokio::test]
async fn what_happens_is_recorded_and_only_managers_read_it() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = client();
    assert_eq!(
        server.sign_in(&sam, "Sam Patel", PASSPHRASE).await.status(),
        StatusCode::OK
    );
    // A wrong passphrase for a real person, and a name nobody has.
    let stranger = client();
    server
        .sign_in(&stranger, "Priya Shah", "not her passphrase at all")
        .await;
    server
        .sign_in(&stranger, "Nobody Here", "not a passphrase at all")
        .await;
    let (priya_id, _) = server.add_staff(&sam, "Ravi Kumar", "practitioner").await;
    let tablet = Tablet::enrol(&server, &sam, "Room 1 tablet").await;
    let children: Value = get(&sam, &server, "/api/children").await;
    let ava = children[0]["id"].as_str().unwrap().to_owned();
    let r = sam
        .post(server.url(&format!("/api/children/{ava}/consents")))
        .json(&json!({"purpose": "journal_photos", "granted": false, "given_by": "Mrs Okafor", "how": {"kind": "written_form", "reference": "F-12"},
            "review_by": (chrono::Utc::now().date_naive() + chrono::Duration::days(90)).to_string()}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let r = sam
        .post(server.url(&format!("/api/devices/{}/revoke", tablet.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let page = get(&sam, &server, "/api/audit").await;
    assert_eq!(
        actions(&page),
        [
            "device_removed",
            "consent_recorded",
            "device_approved",
            "device_requested",
            "staff_invited",
            "sign_in_refused",
            "sign_in_refused",
            "signed_in",
        ],
        "newest first: {page}"
    );
    let e = &page["entries"];
    assert_eq!(e[5]["detail"], "unknown name");
    assert_eq!(e[6]["actor_name"], "Priya Shah");
    assert_eq!(e[6]["detail"], "wrong passphrase");
    assert_eq!(e[4]["subject"], priya_id);
    assert_eq!(e[1]["child"], ava);
    assert_eq!(e[1]["detail"], "journal_photos: refused or withdrawn");
    // Nothing the parent wrote on the form reaches the log.
    assert!(!page.to_string().contains("Okafor"), "{page}");
    assert!(!page.to_string().contains("F-12"), "{page}");

    // Filters: by child, by kind, by paging.
    let only_ava = get(&sam, &server, &format!("/api/audit?child={ava}")).await;
    assert_eq!(actions(&only_ava), ["consent_recorded"]);
    let refusals = get(&sam, &server, "/api/audit?action=sign_in_refused").await;
    assert_eq!(refusals["entries"].as_array().unwrap().len(), 2);
    let older = e[3]["seq"].as_i64().unwrap();
    let page2 = get(&sam, &server, &format!("/api/audit?before={older}")).await;
    assert_eq!(page2["entries"].as_array().unwrap().len(), 4);
    let (status, error, field) = refusal(
        sam.get(server.url("/api/audit?action=lunch"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field.as_deref(), Some("action"), "{error}");

    // A practitioner cannot read it.
    let priya = client();
    server.sign_in(&priya, "Priya Shah", PASSPHRASE).await;
    let r = priya.get(server.url("/api/audit")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = priya
        .get(server.url("/api/audit/check"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let check = get(&sam, &server, "/api/audit/check").await;
    assert_eq!(check["intact"], true, "{check}");
    server.stop().await;
}

#[tokio::test]
async fn an_edit_or_a_removal_behind_the_servers_back_is_found() {
    let mut server = TestServer::start_with(|c| c.demo = true).await;
    let sam = client();
    for _ in 0..3 {
        server.sign_in(&sam, "Sam Patel", PASSPHRASE).await;
    }
    // The database itself refuses to change or remove an entry.
    {
        let conn = db(&server);
        let err = conn
            .execute("UPDATE audit SET actor_name = 'Someone' WHERE seq = 2", [])
            .unwrap_err();
        assert!(err.to_string().contains("never changed"), "{err}");
        let err = conn
            .execute("DELETE FROM audit WHERE seq = 2", [])
            .unwrap_err();
        assert!(err.to_string().contains("retention"), "{err}");
    }
    // Stopping writes the head down; the log is intact.
    server.restart().await;
    let (ok, said) = verify_command(&server);
    assert!(ok, "{said}");
    assert!(said.contains("intact: 3 entries"), "{said}");

    // Someone with the file drops the guard and edits the middle entry.
    {
        let conn = db(&server);
        conn.execute_batch(
            "DROP TRIGGER audit_is_never_changed; DROP TRIGGER audit_is_kept_for_its_retention;
             UPDATE audit SET actor_name = 'Someone Else' WHERE seq = 2;",
        )
        .unwrap();
    }
    let (ok, said) = verify_command(&server);
    assert!(!ok);
    assert!(said.contains("entry 2 was changed"), "{said}");
    server.sign_in(&sam, "Sam Patel", PASSPHRASE).await;
    let check = get(&sam, &server, "/api/audit/check").await;
    assert_eq!(check["intact"], false);
    assert!(
        check["problem"]
            .as_str()
            .unwrap()
            .contains("entry 2 was changed"),
        "{check}"
    );

    // Put back, then the newest entries removed: the chain still links, the head does not.
    {
        let conn = db(&server);
        conn.execute(
            "UPDATE audit SET actor_name = 'Sam Patel' WHERE seq = 2",
            [],
        )
        .unwrap();
    }
    server.restart().await;
    assert!(verify_command(&server).0);
    {
        let conn = db(&server);
        conn.execute_batch(
            "DROP TRIGGER IF EXISTS audit_is_kept_for_its_retention;
             DELETE FROM audit WHERE seq >= 4;",
        )
        .unwrap();
    }
    let (ok, said) = verify_command(&server);
    assert!(!ok);
    assert!(said.contains("entries after 3 are missing"), "{said}");
    server.stop().await;
}

#[tokio::test]
async fn retention_is_at_least_a_month_and_tablets_report_wrong_passphrases() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = client();
    server.sign_in(&sam, "Sam Patel", PASSPHRASE).await;
    assert_eq!(
        get(&sam, &server, "/api/audit/retention").await["days"],
        365
    );
    let r = sam
        .put(server.url("/api/audit/retention"))
        .json(&json!({"days": 30}))
        .send()
        .await
        .unwrap();
    let (status, error, field) = refusal(r).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field.as_deref(), Some("days"));
    assert!(error.contains("at least 31 days"), "{error}");
    let r = sam
        .put(server.url("/api/audit/retention"))
        .json(&json!({"days": 31}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(get(&sam, &server, "/api/audit/retention").await["days"], 31);

    // A tablet reports two wrong passphrases typed for Priya while it was offline.
    let tablet = Tablet::enrol(&server, &sam, "Room 2 tablet").await;
    let staff: Value = get(&sam, &server, "/api/staff").await;
    let priya = staff
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Priya Shah")
        .unwrap()["id"]
        .clone();
    let body = serde_json::to_vec(&json!({"attempts": [
        {"staff_id": priya, "at": "2026-11-20T09:15:00Z"},
        {"staff_id": priya, "at": "2026-11-20T09:16:00Z"},
    ]}))
    .unwrap();
    let r = tablet
        .post(&sam, &server, "/api/audit/wrong-passphrases", &body)
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // Unsigned: refused, nothing recorded.
    let r = sam
        .post(server.url("/api/audit/wrong-passphrases"))
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error());
    let page = get(
        &sam,
        &server,
        "/api/audit?action=wrong_passphrase_on_tablet",
    )
    .await;
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{page}");
    assert_eq!(entries[0]["actor_name"], "Priya Shah");
    assert_eq!(entries[0]["device"].as_str().unwrap(), tablet.id);
    assert!(
        entries[1]["detail"]
            .as_str()
            .unwrap()
            .contains("2026-11-20T09:15:00")
    );
    server.stop().await;
}

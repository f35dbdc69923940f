//! A manager adds staff (with invite codes) and registers children; others may not.

mod support;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{TestServer, client, refusal};

#[tokio::test]
async fn an_invited_member_of_staff_chooses_a_passphrase_once() {
    let server = TestServer::start().await;
    let manager = server.set_up().await;
    let (_, code) = server
        .add_staff(&manager, "Priya Shah", "practitioner")
        .await;
    let staff: Value = manager
        .get(server.url("/api/staff"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let priya = staff
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Priya Shah")
        .unwrap();
    assert_eq!(priya["has_signed_in"], false);

    let claim = |code: &str, passphrase: &str| json!({"name": "priya shah", "code": code, "passphrase": passphrase});
    let c = client();
    let r = c
        .post(server.url("/api/invites/claim"))
        .json(&claim("AAAAA-BBBBB", "marble kettle orchard"))
        .send()
        .await
        .unwrap();
    assert_eq!(refusal(r).await.0, StatusCode::FORBIDDEN);
    let r = c
        .post(server.url("/api/invites/claim"))
        .json(&claim(&code, "priya shah 2026!"))
        .send()
        .await
        .unwrap();
    let (status, _, field) = refusal(r).await;
    assert_eq!(
        (status, field.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("passphrase"))
    );
    let r = c
        .post(server.url("/api/invites/claim"))
        .json(&claim(&code, "marble kettle orchard"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["staff"]["role"], "practitioner");

    let r = client()
        .post(server.url("/api/invites/claim"))
        .json(&claim(&code, "another good passphrase"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        refusal(r).await.0,
        StatusCode::FORBIDDEN,
        "a used code does not work again"
    );
    assert_eq!(
        server
            .sign_in(&client(), "Priya Shah", "marble kettle orchard")
            .await
            .status(),
        StatusCode::OK
    );
    server.stop().await;
}

#[tokio::test]
async fn names_are_unique_and_new_staff_cannot_be_made_managers() {
    let server = TestServer::start().await;
    let manager = server.set_up().await;
    server
        .add_staff(&manager, "Priya Shah", "practitioner")
        .await;
    let r = manager
        .post(server.url("/api/staff"))
        .json(&json!({"name": "PRIYA shah", "role": "deputy"}))
        .send()
        .await
        .unwrap();
    let (status, error, field) = refusal(r).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(field.as_deref(), Some("name"));
    assert!(error.starts_with("There is already a member of staff called PRIYA shah."));
    let r = manager
        .post(server.url("/api/staff"))
        .json(&json!({"name": "Tom Evans", "role": "manager"}))
        .send()
        .await
        .unwrap();
    let (status, _, field) = refusal(r).await;
    assert_eq!(
        (status, field.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("role"))
    );
    let r = manager
        .post(server.url("/api/staff"))
        .json(&json!({"name": "Tom Evans", "role": "parent"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refusal(r).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    server.stop().await;
}

fn child(key_person: &str, born: &str) -> Value {
    json!({"first_name": "Ava", "surname": "Okafor", "date_of_birth": born, "start_date": "2025-09-01", "key_person_id": key_person})
}

#[tokio::test]
async fn a_manager_registers_a_child_with_a_key_person() {
    let server = TestServer::start().await;
    let manager = server.set_up().await;
    let (priya, _) = server
        .add_staff(&manager, "Priya Shah", "practitioner")
        .await;
    let r = manager
        .post(server.url("/api/children"))
        .json(&child(&priya, "2023-04-03"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let list: Value = manager
        .get(server.url("/api/children"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["first_name"], "Ava");
    assert_eq!(list[0]["key_person_name"], "Priya Shah");
    assert_eq!(list[0]["date_of_birth"], "2023-04-03");
    server.stop().await;
}

#[tokio::test]
async fn bad_children_are_refused_with_the_field_and_nothing_is_written() {
    let server = TestServer::start().await;
    let manager = server.set_up().await;
    let (priya, _) = server
        .add_staff(&manager, "Priya Shah", "practitioner")
        .await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(2))
        .date_naive()
        .to_string();
    let mut empty_name = child(&priya, "2023-04-03");
    empty_name["first_name"] = json!("  ");
    let cases = [
        (
            child(&priya, &tomorrow),
            "date_of_birth",
            "The date of birth is in the future.",
        ),
        (empty_name, "first_name", "First name: Enter a name."),
        (
            child("0190b5a0-0000-7000-8000-000000000000", "2023-04-03"),
            "key_person_id",
            "Choose a key person",
        ),
    ];
    for (body, want_field, want_text) in cases {
        let r = manager
            .post(server.url("/api/children"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let (status, error, field) = refusal(r).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(field.as_deref(), Some(want_field));
        assert!(error.starts_with(want_text), "{error}");
    }
    let list: Value = manager
        .get(server.url("/api/children"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list, json!([]));
    server.stop().await;
}

#[tokio::test]
async fn practitioners_see_children_but_cannot_register_them_or_add_staff() {
    let server = TestServer::start().await;
    let manager = server.set_up().await;
    let (priya, code) = server
        .add_staff(&manager, "Priya Shah", "practitioner")
        .await;
    let practitioner = client();
    let r = practitioner
        .post(server.url("/api/invites/claim"))
        .json(&json!({"name": "Priya Shah", "code": code, "passphrase": "marble kettle orchard"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = practitioner
        .post(server.url("/api/children"))
        .json(&child(&priya, "2023-04-03"))
        .send()
        .await
        .unwrap();
    let (status, error, _) = refusal(r).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        error,
        "Only a manager or deputy can do this. Ask your manager."
    );
    let r = practitioner
        .post(server.url("/api/staff"))
        .json(&json!({"name": "X Y", "role": "deputy"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        practitioner
            .get(server.url("/api/children"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    server.stop().await;
}

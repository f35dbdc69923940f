//! Parents over real HTTP and SQLite: a manager links a parent to their child and gives a code;
//! the parent's phone enrols with it (once); its journal holds only its own child's published
//! entries, other children unnamed; and a hostile parent's phone, walking every route with
//! another child's ids, learns nothing about that child.

mod support;

use burrow_core::workflow::Status;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use support::device::Tablet;
use support::family::{invite, observation, phone, signed_in};
use support::{TestServer, client, hash, picture, refusal};
use uuid::Uuid;

#[tokio::test]
async fn a_parent_sees_only_their_own_childs_published_journal_and_nothing_of_anyone_else() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let priya = signed_in(&server, "Priya Shah").await;
    let priya_id = server.whoami(&priya).await;
    let (ava, noah) = (
        server.child_id(&sam, "Ava").await,
        server.child_id(&sam, "Noah").await,
    );
    // Shared as soon as submitted, so the key person's submission is what parents see.
    let r = sam
        .put(server.url("/api/setting/options"))
        .json(&json!({"lock_after_minutes": 5, "validation_required": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Priya's tablet pushes a group observation, one of Noah alone, and a draft of Ava.
    let tablet = Tablet::enrol(&server, &sam, "Room 2 tablet").await;
    let group = observation(
        priya_id,
        vec![ava, noah],
        "Ava and Noah built a den; Noah's roof held.",
        Status::Published,
    );
    let noah_only = observation(
        priya_id,
        vec![noah],
        "Noah counted to twenty",
        Status::Published,
    );
    let draft = observation(priya_id, vec![ava], "Ava is still painting", Status::Draft);
    let ops: Vec<Value> = [&group, &noah_only, &draft]
        .iter()
        .enumerate()
        .map(|(i, o)| json!({"counter": i + 1, "record_id": o.id, "kind": "observation", "version": 1, "base": 0, "by": priya_id, "body": o}))
        .collect();
    let body = serde_json::to_vec(&json!({ "ops": ops })).unwrap();
    let answer: Value = tablet
        .post(&priya, &server, "/api/sync/push", &body)
        .await
        .json()
        .await
        .unwrap();
    for a in answer["answers"].as_array().unwrap() {
        assert_eq!(a["outcome"], "accepted", "{a}");
    }

    // Ava's mum is linked to Ava; her phone enrols with the code, which then stops working.
    let code = invite(&server, &sam, "Grace Okafor", &[ava]).await;
    let grace = phone(&server, &code).await;
    let again = Tablet::new();
    let r = Client::new()
        .post(server.url("/api/parents/enrol"))
        .json(&json!({"code": code, "public_key": again.public_hex()}))
        .send()
        .await
        .unwrap();
    let (status, error, field) = refusal(r).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(field.as_deref(), Some("code"));
    assert!(error.contains("expired or been used"), "{error}");

    // Her journal: the group observation only, as Ava's part, Noah unnamed and unlisted.
    let r = grace
        .send(
            Method::GET,
            &client(),
            &server,
            "/api/parent/journal?after=0",
            b"",
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page: Value = r.json().await.unwrap();
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{page}");
    assert_eq!(entries[0]["id"], group.id.to_string());
    assert_eq!(entries[0]["children"], json!([ava]));
    assert_eq!(
        entries[0]["text"],
        "Ava and a friend built a den; a friend's roof held."
    );
    let text = page.to_string();
    assert!(!text.contains("Noah"), "{text}");
    assert!(!text.contains(&noah.to_string()), "{text}");
    assert!(!text.contains(&noah_only.id.to_string()), "{text}");
    assert!(!text.contains("still painting"), "{text}");

    // The hostile walk: every route the server has (read from its router, so a new one is
    // walked too), each method, with Noah's id in every place an id goes, from Grace's phone.
    // Outside the parents' own routes the answer is 404 "Not found." whatever exists; nothing
    // anywhere names Noah or says he exists.
    let router = include_str!("../src/routes/mod.rs");
    let routes: Vec<&str> = router
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|p| p.starts_with('/'))
        .collect();
    assert!(
        routes.len() >= 40,
        "routes read from the router: {routes:?}"
    );
    let noah_hash = "ab".repeat(32);
    for route in &routes {
        let path = format!(
            "/api{}",
            route
                .replace("{sha256}", &noah_hash)
                .replace("{device_id}", &noah.to_string())
                .replace("{id}", &noah.to_string())
        );
        let own = route.starts_with("/parent/")
            || matches!(*route, "/parents/enrol" | "/server/identity" | "/status");
        for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
            let r = grace
                .send(method.clone(), &client(), &server, &path, b"{}")
                .await;
            let status = r.status();
            let body = r.text().await.unwrap();
            assert!(
                !body.contains("Noah") && !body.contains(&noah.to_string()),
                "{method} {path}: {body}"
            );
            if own {
                assert!(
                    !status.is_server_error(),
                    "{method} {path}: {status} {body}"
                );
            } else {
                assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {body}");
                assert!(body.contains("Not found."), "{method} {path}: {body}");
            }
        }
    }
    for path in [
        format!("/api/audit?child={noah}"),
        format!("/api/parent/journal?after=0&child={noah}"),
        format!("/api/family-notes?child={noah}"),
    ] {
        let r = grace
            .send(Method::GET, &client(), &server, &path, b"")
            .await;
        let status = r.status();
        let body = r.text().await.unwrap();
        assert!(status.is_client_error(), "{path}: {status} {body}");
        assert!(
            !body.contains("Noah") && !body.contains(&noah.to_string()),
            "{path}: {body}"
        );
    }
    // A parent's phone cannot push into the setting's records, even with a staff cookie.
    let r = grace.post(&priya, &server, "/api/sync/push", &body).await;
    let (status, error, _) = refusal(r).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error, "Not found.");
    // And a setting tablet does not get a parent's journal.
    let r = tablet
        .send(
            Method::GET,
            &priya,
            &server,
            "/api/parent/journal?after=0",
            b"",
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Noah's dad, linked to Noah, sees both of Noah's entries with Ava unnamed.
    let code = invite(&server, &sam, "Daniel Williams", &[noah]).await;
    let daniel = phone(&server, &code).await;
    let page: Value = daniel
        .send(
            Method::GET,
            &client(),
            &server,
            "/api/parent/journal?after=0",
            b"",
        )
        .await
        .json()
        .await
        .unwrap();
    let texts: Vec<&str> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "A friend and Noah built a den; Noah's roof held.",
            "Noah counted to twenty"
        ]
    );
    assert!(!page.to_string().contains(&ava.to_string()));

    // Each parent sees who had their own child's journal: here, their phone's syncs; nothing
    // of the other family's.
    let trail: Value = grace
        .send(Method::GET, &client(), &server, "/api/parent/audit", b"")
        .await
        .json()
        .await
        .unwrap();
    let trail = trail.as_array().unwrap();
    assert!(!trail.is_empty());
    assert!(
        trail.iter().all(|e| e["child"] == ava.to_string()),
        "{trail:?}"
    );
    assert_eq!(trail[0]["action"], "journal_sent_to_parent");
    assert_eq!(trail[0]["who"], "A parent's phone");
    let r = tablet
        .send(Method::GET, &priya, &server, "/api/parent/audit", b"")
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The manager sees both parents, each with their own child; the log has the invitations.
    let parents: Value = sam
        .get(server.url("/api/parents"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(parents.as_array().unwrap().len(), 2);
    assert!(
        parents
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["enrolled"] == true)
    );
    let log: Value = sam
        .get(server.url("/api/audit?action=parent_phone_enrolled"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log["entries"].as_array().unwrap().len(), 2);
    server.stop().await;
}

/// How many photos the first entry of this phone's journal carries.
async fn photos_seen(phone: &Tablet, server: &TestServer) -> usize {
    let page: Value = phone
        .send(
            Method::GET,
            &client(),
            server,
            "/api/parent/journal?after=0",
            b"",
        )
        .await
        .json()
        .await
        .unwrap();
    page["entries"][0]["photos"].as_array().unwrap().len()
}

/// Sends a photo's bytes whole, as a tablet does before the record that names it.
async fn upload(tablet: &Tablet, who: &Client, server: &TestServer, photo: &[u8]) {
    let body =
        serde_json::to_vec(&json!({"photos": [{"sha256": hash(photo), "size": photo.len()}]}))
            .unwrap();
    assert_eq!(
        tablet
            .post(who, server, "/api/photos/missing", &body)
            .await
            .status(),
        StatusCode::OK
    );
    let path = format!("/api/photos/{}?offset=0", hash(photo));
    let r = tablet.send(Method::PUT, who, server, &path, photo).await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_high_risk_childs_photo_reaches_no_family_until_a_second_manager_signs_it_off() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let jo = signed_in(&server, "Jo Bloggs").await;
    let priya = signed_in(&server, "Priya Shah").await;
    let priya_id = server.whoami(&priya).await;
    let ava = server.child_id(&sam, "Ava").await;
    sam.put(server.url("/api/setting/options"))
        .json(&json!({"lock_after_minutes": 5, "validation_required": false}))
        .send()
        .await
        .unwrap();

    // Only a manager flags, and says why (a category, not the story).
    let flag = |who: &Client, body: Value| {
        who.put(server.url(&format!("/api/children/{ava}/high-risk")))
            .json(&body)
            .send()
    };
    let r = flag(&jo, json!({"high_risk": true, "reason": "looked_after"}))
        .await
        .unwrap();
    assert_eq!(refusal(r).await.0, StatusCode::FORBIDDEN);
    let r = flag(&sam, json!({"high_risk": true, "reason": null}))
        .await
        .unwrap();
    let (status, _, field) = refusal(r).await;
    assert_eq!(
        (status, field.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
    let r = flag(&sam, json!({"high_risk": true, "reason": "looked_after"}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let children: Value = sam
        .get(server.url("/api/children"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        children
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == ava.to_string() && c["high_risk"] == true)
    );

    // Priya photographs Ava and shares an observation with the photo.
    let tablet = Tablet::enrol(&server, &sam, "Room 2 tablet").await;
    let (photo, thumb) = (picture(50_000, 1), picture(5_000, 2));
    upload(&tablet, &priya, &server, &photo).await;
    upload(&tablet, &priya, &server, &thumb).await;
    let record = burrow_core::photo::PhotoRecord {
        id: Uuid::now_v7(),
        thumb_id: Uuid::now_v7(),
        children: vec![ava],
        taken_by: priya_id,
        taken_at: chrono::Utc::now(),
        width: 2048,
        height: 1536,
        sha256: Some(hash(&photo)),
        thumb_sha256: Some(hash(&thumb)),
        regions: Vec::new(),
    };
    let mut obs = observation(
        priya_id,
        vec![ava],
        "Ava on the big slide",
        Status::Published,
    );
    obs.photos = vec![record.id];
    let body = serde_json::to_vec(&json!({"ops": [
        {"counter": 1, "record_id": record.id, "kind": "photo", "version": 1, "base": 0, "by": priya_id, "body": record},
        {"counter": 2, "record_id": obs.id, "kind": "observation", "version": 1, "base": 0, "by": priya_id, "body": obs},
    ]}))
    .unwrap();
    let answer: Value = tablet
        .post(&priya, &server, "/api/sync/push", &body)
        .await
        .json()
        .await
        .unwrap();
    for a in answer["answers"].as_array().unwrap() {
        assert_eq!(a["outcome"], "accepted", "{a}");
    }

    // Her family sees the entry, but not the photo, until a second manager signs it off.
    let grace = phone(
        &server,
        &invite(&server, &sam, "Grace Okafor", &[ava]).await,
    )
    .await;
    assert_eq!(photos_seen(&grace, &server).await, 0);
    let sign = |who: &Client| {
        who.post(server.url(&format!("/api/photo-records/{}/sign-off", record.id)))
            .send()
    };
    let r = sign(&priya).await.unwrap();
    assert_eq!(refusal(r).await.0, StatusCode::FORBIDDEN);
    let r = sign(&jo).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = sign(&sam).await.unwrap();
    assert_eq!(
        refusal(r).await.0,
        StatusCode::CONFLICT,
        "already signed off"
    );
    assert_eq!(photos_seen(&grace, &server).await, 1);

    let log: Value = sam
        .get(server.url(&format!("/api/audit?child={ava}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"child_flagged") && actions.contains(&"photo_signed_off"),
        "{actions:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_withdrawn_parent_is_refused_at_once_and_their_phone_told_to_wipe() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let priya = signed_in(&server, "Priya Shah").await;
    let ava = server.child_id(&sam, "Ava").await;
    let grace = phone(
        &server,
        &invite(&server, &sam, "Grace Okafor", &[ava]).await,
    )
    .await;
    let c = client();
    let journal_path = "/api/parent/journal?after=0";
    assert_eq!(
        grace
            .send(Method::GET, &c, &server, journal_path, b"")
            .await
            .status(),
        StatusCode::OK
    );
    // A consent answer changes what families may see: the journal's `views` says so, and the
    // phone reads its journal again from the start.
    let views = |r: Value| r["views"].as_str().unwrap().to_owned();
    let before = views(
        grace
            .send(Method::GET, &c, &server, journal_path, b"")
            .await
            .json()
            .await
            .unwrap(),
    );
    let r = sam
        .post(server.url(&format!("/api/children/{ava}/consents")))
        .json(&json!({
            "purpose": "other_journals", "granted": false, "given_by": "Grace Okafor",
            "how": {"kind": "signed_on_tablet"},
            "review_by": (chrono::Utc::now().date_naive() + chrono::Days::new(90)).to_string(),
        }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let after = views(
        grace
            .send(Method::GET, &c, &server, journal_path, b"")
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_ne!(before, after);

    let list: Vec<Value> = sam
        .get(server.url("/api/parents"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = list[0]["id"].as_str().unwrap().to_owned();
    let withdraw = |who: &Client, id: &str| {
        who.post(server.url(&format!("/api/parents/{id}/withdraw")))
            .send()
    };

    // A second carer's code, not used yet, stops working with the withdrawal too.
    let unused = invite(&server, &sam, "Sam Okafor", &[ava]).await;

    // A practitioner cannot; a manager can, once.
    assert_eq!(
        refusal(withdraw(&priya, &id).await.unwrap()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        withdraw(&sam, &id).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let (status, error, _) = refusal(withdraw(&sam, &id).await.unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let list: Vec<Value> = sam
        .get(server.url("/api/parents"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let second = list[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        withdraw(&sam, &second).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let r = Client::new()
        .post(server.url("/api/parents/enrol"))
        .json(&json!({"code": unused, "public_key": Tablet::new().public_hex()}))
        .send()
        .await
        .unwrap();
    assert_eq!(refusal(r).await.0, StatusCode::FORBIDDEN);
    assert!(error.contains("no such parent"), "{error}");

    // Her phone hears 410 at once (its cue to wipe itself), on every route of its own.
    let r = grace
        .send(Method::GET, &c, &server, journal_path, b"")
        .await;
    assert_eq!(r.status(), StatusCode::GONE);
    for path in ["/api/parent/audit", "/api/parent/notes"] {
        let r = grace.send(Method::GET, &client(), &server, path, b"").await;
        assert_eq!(r.status(), StatusCode::GONE, "{path}");
    }
    // She is no longer listed, and the log says who withdrew her, for Ava.
    let list: Vec<Value> = sam
        .get(server.url("/api/parents"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(list.is_empty(), "{list:?}");
    let log: Value = sam
        .get(server.url(&format!("/api/audit?child={ava}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "parent_withdrawn" && e["actor_name"] == "Sam Patel"),
        "{log}"
    );
    server.stop().await;
}

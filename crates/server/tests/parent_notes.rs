//! Parents' comments and wow moments over real HTTP and SQLite: a parent's phone comments on an
//! entry of their own child's journal and sends a wow moment from home with a photo; staff read
//! them, see the photo and bring the wow moment into the journal. Sending again keeps one; text
//! is kept exactly as written (the app shows it as text); a photo with EXIF is refused. A
//! hostile parent's phone, walking every new route with another family's child, entry and note
//! ids, gets "Not found." and nothing about them; a removed phone and a withdrawn parent are
//! refused.

mod support;

use burrow_core::parent_note::PHOTO_MAX;
use burrow_core::workflow::Status;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::device::Tablet;
use support::family::{observation, parent_phone, signed_in};
use support::{TestServer, client, refusal};
use uuid::Uuid;

/// A small JPEG as a canvas writes it (APP0, then the scan), or with an APP1 (EXIF) segment.
fn jpeg(seed: u8, exif: bool) -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x06, b'J', b'F', b'I', b'F'];
    if exif {
        j.extend([0xFF, 0xE1, 0x00, 0x08, b'E', b'x', b'i', b'f', 0, 0]);
    }
    j.extend([0xFF, 0xDA, 0x00, 0x02]);
    // Coded data as an encoder writes it: a 0xFF in it would be followed by a stuffed zero.
    j.extend((0..2000u32).map(|i| (i as u8).wrapping_mul(seed).min(0xFE)));
    j.extend([0xFF, 0xD9]);
    j
}

fn note(child: Uuid, entry: Option<Uuid>, text: &str) -> Value {
    json!({
        "id": Uuid::now_v7(),
        "child": child,
        "entry": entry,
        "text": text,
        "written_at": chrono::Utc::now(),
    })
}

async fn send(phone: &Tablet, server: &TestServer, body: &Value) -> reqwest::Response {
    let bytes = serde_json::to_vec(body).unwrap();
    phone
        .send(Method::POST, &client(), server, "/api/parent/notes", &bytes)
        .await
}

async fn put_photo(
    phone: &Tablet,
    server: &TestServer,
    id: &Value,
    photo: &[u8],
) -> reqwest::Response {
    let path = format!("/api/parent/notes/{}/photo", id.as_str().unwrap());
    phone
        .send(Method::PUT, &client(), server, &path, photo)
        .await
}

async fn json_of(r: reqwest::Response, expect: StatusCode) -> Value {
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, expect, "{text}");
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn a_parents_comment_and_wow_moment_reach_staff_and_nothing_crosses_families() {
    let mut server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let priya = signed_in(&server, "Priya Shah").await;
    let priya_id = server.whoami(&priya).await;
    let (ava, noah) = (
        server.child_id(&sam, "Ava").await,
        server.child_id(&sam, "Noah").await,
    );
    let r = sam
        .put(server.url("/api/setting/options"))
        .json(&json!({"lock_after_minutes": 5, "validation_required": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Priya's tablet shares a group observation, one of Noah alone, and keeps a draft of Ava.
    let tablet = Tablet::enrol(&server, &sam, "Room 2 tablet").await;
    let group = observation(
        priya_id,
        vec![ava, noah],
        "Ava and Noah built a den",
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

    let grace = parent_phone(&server, &sam, "Grace Okafor", &[ava]).await;
    let daniel = parent_phone(&server, &sam, "Daniel Williams", &[noah]).await;

    // Grace comments on the den; script in it is kept exactly as written.
    let words = "<script>alert('x')</script> <b>Lovely</b> den!";
    let comment = note(ava, Some(group.id), words);
    let kept = json_of(send(&grace, &server, &comment).await, StatusCode::CREATED).await;
    assert_eq!(kept["text"], words);
    assert_eq!(kept["from"], "Grace Okafor");
    assert_eq!(kept["entry"], group.id.to_string());
    assert_eq!(kept["has_photo"], false);
    // The same note again is the same note; another with its id is refused.
    let again = json_of(send(&grace, &server, &comment).await, StatusCode::OK).await;
    assert_eq!(again, kept);
    let mut changed = comment.clone();
    changed["text"] = json!("Something else");
    let (status, error, _) = refusal(send(&grace, &server, &changed).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error.contains("new note"), "{error}");
    // An empty or over-long note is refused with what to do.
    let (status, error, field) =
        refusal(send(&grace, &server, &note(ava, None, "   ")).await).await;
    assert_eq!(
        (status, field.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("text"))
    );
    assert!(error.contains("Write something"), "{error}");
    let long = "a".repeat(2001);
    let (status, error, _) = refusal(send(&grace, &server, &note(ava, None, &long)).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.contains("2,000"), "{error}");
    // A draft is not in her journal, so there is nothing there to comment on.
    let (status, error, _) =
        refusal(send(&grace, &server, &note(ava, Some(draft.id), "Hi")).await).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::NOT_FOUND, "Not found.")
    );

    // Her wow moment from home, with a photo: EXIF, or not a JPEG, or too big, is refused.
    let wow_text = "Ava rode her bike without stabilisers!";
    let wow = json_of(
        send(&grace, &server, &note(ava, None, wow_text)).await,
        StatusCode::CREATED,
    )
    .await;
    let (status, error, field) =
        refusal(put_photo(&grace, &server, &wow["id"], &jpeg(3, true)).await).await;
    assert_eq!(
        (status, field.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("photo"))
    );
    assert!(
        error.contains("EXIF") && error.contains("Burrow app"),
        "{error}"
    );
    let (status, error, _) =
        refusal(put_photo(&grace, &server, &wow["id"], b"GIF89a....").await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.contains("JPEG"), "{error}");
    let mut big = jpeg(3, false);
    big.resize(PHOTO_MAX + 1, 0);
    let (status, error, _) = refusal(put_photo(&grace, &server, &wow["id"], &big).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.contains("16 MB"), "{error}");
    let photo = jpeg(3, false);
    let with = json_of(
        put_photo(&grace, &server, &wow["id"], &photo).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(with["has_photo"], true);
    json_of(
        put_photo(&grace, &server, &wow["id"], &photo).await,
        StatusCode::OK,
    )
    .await;
    let (status, _, _) =
        refusal(put_photo(&grace, &server, &wow["id"], &jpeg(5, false)).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, error, _) = refusal(put_photo(&grace, &server, &kept["id"], &photo).await).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a comment takes no photo"
    );
    assert!(error.contains("wow moment"), "{error}");

    // Noah's dad sends a wow moment and comments on Noah's own entry.
    let daniel_text = "Noah tied his shoelaces";
    let d_wow = json_of(
        send(&daniel, &server, &note(noah, None, daniel_text)).await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        put_photo(&daniel, &server, &d_wow["id"], &jpeg(7, false)).await,
        StatusCode::CREATED,
    )
    .await;
    let d_comment = json_of(
        send(
            &daniel,
            &server,
            &note(noah, Some(noah_only.id), "Proud of him"),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    // The hostile walk: Grace's phone asks with Noah's ids, his entry and his family's notes.
    // Every parent route answers "Not found."; staff routes want a staff sign-in; nothing
    // names Noah, his dad or their notes.
    let mut taken = note(ava, None, daniel_text);
    taken["id"] = d_wow["id"].clone();
    let walk: Vec<(Method, String, Vec<u8>)> = vec![
        (
            Method::POST,
            "/api/parent/notes".into(),
            serde_json::to_vec(&note(noah, None, "Hi")).unwrap(),
        ),
        (
            Method::POST,
            "/api/parent/notes".into(),
            serde_json::to_vec(&note(noah, Some(noah_only.id), "Hi")).unwrap(),
        ),
        (
            Method::POST,
            "/api/parent/notes".into(),
            serde_json::to_vec(&note(ava, Some(noah_only.id), "Hi")).unwrap(),
        ),
        (
            Method::POST,
            "/api/parent/notes".into(),
            serde_json::to_vec(&note(noah, Some(group.id), "Hi")).unwrap(),
        ),
        (
            Method::POST,
            "/api/parent/notes".into(),
            serde_json::to_vec(&note(noah, None, "")).unwrap(),
        ),
        (
            Method::POST,
            "/api/parent/notes".into(),
            serde_json::to_vec(&taken).unwrap(),
        ),
        (
            Method::PUT,
            format!("/api/parent/notes/{}/photo", d_wow["id"].as_str().unwrap()),
            jpeg(9, false),
        ),
        (
            Method::PUT,
            format!(
                "/api/parent/notes/{}/photo",
                d_comment["id"].as_str().unwrap()
            ),
            jpeg(9, true),
        ),
        (
            Method::PUT,
            format!("/api/parent/notes/{}/photo", Uuid::now_v7()),
            jpeg(9, false),
        ),
        (
            Method::PUT,
            format!("/api/parent/notes/{noah}/photo"),
            jpeg(9, false),
        ),
    ];
    let staff_walk: Vec<(Method, String, Vec<u8>)> = vec![
        (
            Method::GET,
            format!("/api/family-notes?child={noah}"),
            Vec::new(),
        ),
        (Method::GET, "/api/family-notes".into(), Vec::new()),
        (
            Method::GET,
            format!("/api/family-notes/{}/photo", d_wow["id"].as_str().unwrap()),
            Vec::new(),
        ),
        (
            Method::POST,
            format!(
                "/api/family-notes/{}/brought-in",
                d_wow["id"].as_str().unwrap()
            ),
            serde_json::to_vec(&json!({"observation": Uuid::now_v7()})).unwrap(),
        ),
    ];
    let secrets = [
        "Noah".to_owned(),
        "Daniel".to_owned(),
        "shoelaces".to_owned(),
        "Proud".to_owned(),
        noah.to_string(),
        noah_only.id.to_string(),
        d_wow["id"].as_str().unwrap().to_owned(),
        d_comment["id"].as_str().unwrap().to_owned(),
    ];
    let names_nothing = |path: &str, body: &str| {
        for s in &secrets {
            assert!(!body.contains(s.as_str()), "{path} named {s}: {body}");
        }
    };
    for (method, path, body) in &walk {
        let r = grace
            .send(method.clone(), &client(), &server, path, body)
            .await;
        let status = r.status();
        let text = r.text().await.unwrap();
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {text}");
        assert_eq!(text, r#"{"error":"Not found."}"#, "{method} {path}");
        names_nothing(path, &text);
    }
    for (method, path, body) in &staff_walk {
        let r = grace
            .send(method.clone(), &client(), &server, path, body)
            .await;
        let status = r.status();
        let text = r.text().await.unwrap();
        // Staff routes are not found from a parent's phone, whatever the id.
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {text}");
        names_nothing(path, &text);
    }
    // Her own list holds her two notes, newest first, and nothing of Noah's family.
    let r = grace
        .send(
            Method::GET,
            &client(),
            &server,
            &format!("/api/parent/notes?child={noah}"),
            b"",
        )
        .await;
    let text = r.text().await.unwrap();
    names_nothing("/api/parent/notes", &text);
    let mine: Value = serde_json::from_str(&text).unwrap();
    let ids: Vec<&str> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [wow["id"].as_str().unwrap(), kept["id"].as_str().unwrap()]
    );
    // And none of it reached her through the journal or her trail either.
    for path in ["/api/parent/journal?after=0", "/api/parent/audit"] {
        let r = grace.send(Method::GET, &client(), &server, path, b"").await;
        names_nothing(path, &r.text().await.unwrap());
    }
    // A setting tablet is not a parent's phone.
    let r = tablet
        .send(Method::GET, &priya, &server, "/api/parent/notes", b"")
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The key person sees every family's notes, newest first, with who they are from.
    let all = json_of(
        priya
            .get(server.url("/api/family-notes"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(all[0]["id"], d_comment["id"]);
    assert!(
        all.iter()
            .any(|n| n["text"] == words && n["from"] == "Grace Okafor")
    );
    let avas = json_of(
        priya
            .get(server.url(&format!("/api/family-notes?child={ava}")))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let avas: Vec<&str> = avas
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        avas,
        [wow["id"].as_str().unwrap(), kept["id"].as_str().unwrap()]
    );
    let r = priya
        .get(server.url(&format!(
            "/api/family-notes/{}/photo",
            wow["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.bytes().await.unwrap().as_ref(), photo.as_slice());
    let r = priya
        .get(server.url(&format!(
            "/api/family-notes/{}/photo",
            kept["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(refusal(r).await.0, StatusCode::NOT_FOUND);

    // Priya brings Grace's wow moment into the journal (once; a comment cannot be).
    let bring = |id: &Value, obs: Uuid| {
        priya
            .post(server.url(&format!(
                "/api/family-notes/{}/brought-in",
                id.as_str().unwrap()
            )))
            .json(&json!({ "observation": obs }))
            .send()
    };
    let made = Uuid::now_v7();
    let done = json_of(bring(&wow["id"], made).await.unwrap(), StatusCode::OK).await;
    assert_eq!(done["brought_in"], made.to_string());
    json_of(bring(&wow["id"], made).await.unwrap(), StatusCode::OK).await;
    let r = bring(&wow["id"], Uuid::now_v7()).await.unwrap();
    assert_eq!(refusal(r).await.0, StatusCode::CONFLICT);
    let r = bring(&kept["id"], Uuid::now_v7()).await.unwrap();
    assert_eq!(refusal(r).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    // Grace's phone sees it was brought in, and her trail says who did.
    let mine: Value = grace
        .send(Method::GET, &client(), &server, "/api/parent/notes", b"")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine[0]["brought_in"], made.to_string());
    let trail: Value = grace
        .send(Method::GET, &client(), &server, "/api/parent/audit", b"")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        trail
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "parent_note_brought_in" && e["who"] == "Priya Shah"),
        "{trail}"
    );

    // The log has each note, photo and the bringing-in, by id and never with their words.
    let log: Value = sam
        .get(server.url("/api/audit?action=parent_note_added"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log["entries"].as_array().unwrap().len(), 6, "{log}");
    let log: Value = sam
        .get(server.url("/api/audit"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = log.to_string();
    for words in ["Lovely", "stabilisers", "shoelaces", "Proud"] {
        assert!(!text.contains(words), "{words} in the log");
    }
    assert!(text.contains("parent_note_brought_in"));

    // Noah's dad is withdrawn by the setting (no route yet: the row, as a manager's removal
    // will leave it), and Grace's phone is removed: both are refused from then on.
    {
        let db = rusqlite::Connection::open(server.data.path().join("burrow.sqlite3")).unwrap();
        db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
        db.execute(
            "UPDATE parents SET removed_at = ?1 WHERE name = 'Daniel Williams'",
            [chrono::Utc::now()],
        )
        .unwrap();
    }
    let (status, error, _) = refusal(send(&daniel, &server, &note(noah, None, "Hi")).await).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(error.contains("withdrawn"), "{error}");
    let r = sam
        .post(server.url(&format!("/api/devices/{}/revoke", grace.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = send(&grace, &server, &note(ava, None, "Hi")).await;
    assert_eq!(r.status(), StatusCode::GONE);
    let r = grace
        .send(Method::GET, &client(), &server, "/api/parent/notes", b"")
        .await;
    assert_eq!(r.status(), StatusCode::GONE);

    // What was sent stays after a restart (migration 14 holds it).
    server.restart().await;
    let all = json_of(
        priya
            .get(server.url("/api/family-notes"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(all.as_array().unwrap().len(), 4);
    server.stop().await;
}

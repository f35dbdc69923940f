//! Photos and pull over real HTTP, a real SQLite file and the real data folder: a photo is
//! uploaded in pieces and resumes from the server's offset after a cut; it is sealed on disk;
//! its record is kept only once the bytes are there and only if consent allowed it when taken;
//! pull hands each person what they may see, tombstones included, after their checkpoint.

mod support;
use burrow_core::observation::{Observation, Tombstone};
use burrow_core::photo::PhotoRecord;
use burrow_core::workflow::Status;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use support::device::Tablet;
use support::{PASSPHRASE, TestServer, client, hash, picture, refusal};
use uuid::Uuid;

async fn demo() -> (TestServer, Client, Client) {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = client();
    assert_eq!(
        server.sign_in(&sam, "Sam Patel", PASSPHRASE).await.status(),
        StatusCode::OK
    );
    let priya = client();
    assert_eq!(
        server
            .sign_in(&priya, "Priya Shah", PASSPHRASE)
            .await
            .status(),
        StatusCode::OK
    );
    (server, sam, priya)
}

async fn json_of(r: reqwest::Response) -> Value {
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

async fn missing(tablet: &Tablet, who: &Client, server: &TestServer, photos: &[&[u8]]) -> Value {
    let list: Vec<Value> = photos
        .iter()
        .map(|p| json!({"sha256": hash(p), "size": p.len()}))
        .collect();
    let body = serde_json::to_vec(&json!({ "photos": list })).unwrap();
    json_of(tablet.post(who, server, "/api/photos/missing", &body).await).await
}

async fn put(
    tablet: &Tablet,
    who: &Client,
    server: &TestServer,
    photo: &[u8],
    offset: usize,
    end: usize,
) -> reqwest::Response {
    let path = format!("/api/photos/{}?offset={offset}", hash(photo));
    tablet
        .send(Method::PUT, who, server, &path, &photo[offset..end])
        .await
}

async fn push(tablet: &Tablet, who: &Client, server: &TestServer, ops: Vec<Value>) -> Vec<Value> {
    let body = serde_json::to_vec(&json!({ "ops": ops })).unwrap();
    let answer = json_of(tablet.post(who, server, "/api/sync/push", &body).await).await;
    answer["answers"].as_array().unwrap().clone()
}

async fn pull(tablet: &Tablet, who: &Client, server: &TestServer, after: u64) -> Value {
    let path = format!("/api/sync/pull?after={after}");
    json_of(tablet.send(Method::GET, who, server, &path, b"").await).await
}

fn photo_op(counter: u64, record: &PhotoRecord) -> Value {
    json!({"counter": counter, "record_id": record.id, "kind": "photo", "version": 1, "base": 0, "by": record.taken_by, "body": record})
}

#[tokio::test]
async fn a_photo_resumes_after_a_cut_is_sealed_on_disk_and_its_record_needs_consent_and_bytes() {
    let (server, sam, _priya) = demo().await;
    let sam_id = server.whoami(&sam).await;
    let tablet = Tablet::enrol(&server, &sam, "Room 1 tablet").await;
    let noah = server.child_id(&sam, "Noah").await;
    let isla = server.child_id(&sam, "Isla").await;

    let photo = picture(700_000, 1);
    let thumb = picture(20_000, 2);
    let asked = missing(&tablet, &sam, &server, &[&photo, &thumb]).await;
    let offsets: Vec<u64> = asked["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["offset"].as_u64().unwrap())
        .collect();
    assert_eq!(offsets, vec![0, 0], "nothing there yet");

    // The record before its bytes: refused, and the tablet will send it again later.
    let record = PhotoRecord {
        id: Uuid::now_v7(),
        thumb_id: Uuid::now_v7(),
        children: vec![noah],
        taken_by: sam_id,
        taken_at: chrono::Utc::now(),
        width: 2048,
        height: 1536,
        sha256: Some(hash(&photo)),
        thumb_sha256: Some(hash(&thumb)),
        regions: Vec::new(),
    };
    let answers = push(&tablet, &sam, &server, vec![photo_op(1, &record)]).await;
    assert_eq!(answers[0]["outcome"], "refused");
    assert!(
        answers[0]["reason"]
            .as_str()
            .unwrap()
            .contains("has not reached the server")
    );

    // The first piece lands; the connection is "cut"; the tablet asks again and resumes.
    let r = put(&tablet, &sam, &server, &photo, 0, 400_000).await;
    let got = json_of(r).await;
    assert_eq!(got["received"], 400_000);
    assert_eq!(got["complete"], false);
    let asked = missing(&tablet, &sam, &server, &[&photo]).await;
    assert_eq!(asked["missing"][0]["offset"], 400_000);
    // From the wrong place: refused with where to send from.
    let (status, error, _) = refusal(put(&tablet, &sam, &server, &photo, 0, 100).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error.contains("400000 bytes"), "{error}");
    let got = json_of(put(&tablet, &sam, &server, &photo, 400_000, 700_000).await).await;
    assert_eq!(got["complete"], true);
    let got = json_of(put(&tablet, &sam, &server, &thumb, 0, thumb.len()).await).await;
    assert_eq!(got["complete"], true);
    let asked = missing(&tablet, &sam, &server, &[&photo, &thumb]).await;
    assert_eq!(asked["missing"], json!([]), "both kept");

    // Sealed on disk: no run of the picture's bytes in any file of the data folder.
    let data = server.data.path().to_path_buf();
    for entry in walk(&data) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !bytes.windows(32).any(|w| w == &photo[1000..1032]),
            "{} holds the photo in the clear",
            entry.display()
        );
    }
    // Read back whole through the API.
    let path = format!("/api/photos/{}", hash(&photo));
    let r = tablet.send(Method::GET, &sam, &server, &path, b"").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().to_vec(), photo);

    // Now the record is kept: the next counter, since the first was answered (refused).
    let answers = push(&tablet, &sam, &server, vec![photo_op(2, &record)]).await;
    assert_eq!(answers[0]["outcome"], "accepted", "{answers:?}");

    // Isla's parents refused photos: a record of her is refused naming her, even with bytes.
    let mut of_isla = record.clone();
    of_isla.id = Uuid::now_v7();
    of_isla.children = vec![isla];
    let answers = push(&tablet, &sam, &server, vec![photo_op(3, &of_isla)]).await;
    assert_eq!(answers[0]["outcome"], "refused");
    let reason = answers[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("Isla") && reason.contains("refused"),
        "{reason}"
    );
    // ...and audited against Isla, without her name.
    let audit: Value = sam
        .get(server.url(&format!("/api/audit?action=photo_refused&child={isla}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entries = audit["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    assert_eq!(entries[0]["actor_name"], "Sam Patel");
    assert_eq!(entries[0]["subject"], of_isla.id.to_string());
    assert!(!audit.to_string().contains("Isla"), "{audit}");

    // A piece that does not add up to the hash is thrown away, not kept.
    let liar = picture(1000, 3);
    let wrong_hash = hash(&picture(1000, 4));
    let body =
        serde_json::to_vec(&json!({"photos": [{"sha256": wrong_hash, "size": 1000}]})).unwrap();
    json_of(
        tablet
            .post(&sam, &server, "/api/photos/missing", &body)
            .await,
    )
    .await;
    let path = format!("/api/photos/{wrong_hash}?offset=0");
    let (status, error, _) =
        refusal(tablet.send(Method::PUT, &sam, &server, &path, &liar).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.contains("SHA-256"), "{error}");
    // More than the photo's size, or a piece over the limit: refused, nothing counted.
    let small = picture(1000, 5);
    missing(&tablet, &sam, &server, &[&small]).await;
    let mut longer = small.clone();
    longer.extend_from_slice(&[0; 10]);
    let path = format!("/api/photos/{}?offset=0", hash(&small));
    let (status, error, _) = refusal(
        tablet
            .send(Method::PUT, &sam, &server, &path, &longer)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.contains("more than the photo's size"), "{error}");
    let big = vec![7u8; 600 * 1024];
    let r = tablet.send(Method::PUT, &sam, &server, &path, &big).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let asked = missing(&tablet, &sam, &server, &[&small]).await;
    assert_eq!(asked["missing"][0]["offset"], 0, "nothing was counted");
    // Bad names and unasked photos are precise 4xx.
    let r = tablet
        .send(
            Method::PUT,
            &sam,
            &server,
            "/api/photos/nothex?offset=0",
            b"x",
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let path = format!("/api/photos/{}?offset=0", hash(b"never asked"));
    let r = tablet.send(Method::PUT, &sam, &server, &path, b"x").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Without a signed-in person, nothing.
    let r = tablet
        .send(
            Method::GET,
            &client(),
            &server,
            &format!("/api/photos/{}", hash(&photo)),
            b"",
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test]
async fn pull_hands_each_person_what_they_may_see_after_their_checkpoint() {
    let (server, sam, priya) = demo().await;
    let priya_id = server.whoami(&priya).await;
    let room = Tablet::enrol(&server, &sam, "Room 2 tablet").await;
    let office = Tablet::enrol(&server, &sam, "Office tablet").await;
    let noah = server.child_id(&sam, "Noah").await;

    let mut draft = Observation::new(Uuid::now_v7(), priya_id, vec![noah], chrono::Utc::now());
    draft.text = "Built a tower of nine".into();
    let mut sent = Observation::new(Uuid::now_v7(), priya_id, vec![noah], chrono::Utc::now());
    sent.text = "Sang the whole song".into();
    let mut superseded = sent.clone();
    superseded.version = 1;
    sent.version = 2;
    sent.status = Status::Submitted;
    let op = |counter: u64, o: &Observation| json!({"counter": counter, "record_id": o.id, "kind": "observation", "version": o.version, "base": o.version.saturating_sub(1), "by": o.author, "body": o});
    let answers = push(
        &room,
        &priya,
        &server,
        vec![
            op(1, &draft),
            json!({"counter": 2, "record_id": sent.id, "kind": "observation", "version": 1, "base": 0, "by": priya_id, "body": null}),
            op(3, &sent),
        ],
    )
    .await;
    let outcomes: Vec<&str> = answers
        .iter()
        .map(|a| a["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, vec!["accepted", "superseded", "accepted"]);

    // The manager sees the submitted one, not Priya's draft; Priya sees both.
    let seen = pull(&office, &sam, &server, 0).await;
    let ids: Vec<&str> = seen["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![sent.id.to_string()]);
    assert_eq!(seen["records"][0]["body"]["text"], "Sang the whole song");
    let checkpoint = seen["last"].as_u64().unwrap();
    assert_eq!(seen["more"], false);
    let mine = pull(&office, &priya, &server, 0).await;
    assert_eq!(mine["records"].as_array().unwrap().len(), 2);
    // The tablet that sent them is not handed them back, but its checkpoint moves past them.
    let own = pull(&room, &priya, &server, 0).await;
    assert_eq!(own["records"], json!([]));
    assert_eq!(own["last"].as_u64().unwrap(), checkpoint);

    // Priya deletes her draft: everyone pulls the tombstone after their checkpoint, and only it.
    let gone = Tombstone {
        id: draft.id,
        deleted_by: priya_id,
        deleted_at: chrono::Utc::now(),
    };
    let answers = push(
        &room,
        &priya,
        &server,
        vec![json!({"counter": 4, "record_id": draft.id, "kind": "observation", "version": draft.version + 1, "base": draft.version, "by": priya_id, "body": gone})],
    )
    .await;
    assert_eq!(answers[0]["outcome"], "accepted", "{answers:?}");
    let seen = pull(&office, &sam, &server, checkpoint).await;
    let records = seen["records"].as_array().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["id"], draft.id.to_string());
    assert_eq!(records[0]["deleted"], true);
    assert!(
        records[0]["body"].get("text").is_none(),
        "nothing of what it said"
    );

    // A change said to be by someone the server does not know is refused, not kept.
    let mut ghost = Observation::new(
        Uuid::now_v7(),
        Uuid::now_v7(),
        vec![noah],
        chrono::Utc::now(),
    );
    ghost.text = "x".into();
    let answers = push(&room, &priya, &server, vec![op(5, &ghost)]).await;
    assert!(
        answers[0]["reason"]
            .as_str()
            .unwrap()
            .contains("not on the setting's staff list")
    );
    // Pull needs the tablet's signature and a person signed in.
    let r = sam
        .get(server.url("/api/sync/pull?after=0"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
}

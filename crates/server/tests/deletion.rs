//! A leaver's data deleted (issue 15 parts 6–8) over real HTTP, SQLite and the photo vault:
//! once the last day and the grace period have passed, Ava's own entries, photos, consents,
//! notes and links go, and her record; a group entry stays for Noah with "a friend" in her
//! place; a group photo with her face marked stays masked for good (the original destroyed),
//! one without goes. Tablets are told at pull and confirm; the signed receipt is checked with
//! `burrow-server verify-receipt`, and an edited one fails. A server killed mid-deletion
//! (abort before the commit) still has everything, and finishes the deletion when it starts.

mod support;

use burrow_core::observation::Observation;
use burrow_core::photo::{FaceRegion, PhotoRecord};
use burrow_core::workflow::Status;
use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, Rgb, RgbImage};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;
use support::device::{Tablet, upload_photo};
use support::family::{observation, parent_phone, signed_in};
use support::process::Process;
use support::{Base, TestServer, client, hash};
use uuid::Uuid;

const W: u32 = 320;
const H: u32 = 240;

/// A textured picture (stripes left, checks right), so a masked face shows in the pixels.
fn picture(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| {
        let on = if x < w / 2 {
            (x / 5 + y / 7) % 2 == 0
        } else {
            (x / 6 + y / 6) % 2 == 0
        };
        if on {
            Rgb([210, 190, 170])
        } else {
            Rgb([40, 60, 80])
        }
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .unwrap();
    out
}

fn op(counter: u64, id: Uuid, kind: &str, body: Value) -> Value {
    let by = body["author"]
        .as_str()
        .or(body["taken_by"].as_str())
        .unwrap()
        .to_owned();
    json!({"counter": counter, "record_id": id, "kind": kind, "version": 1, "base": 0, "by": by, "body": body})
}

async fn push(tablet: &Tablet, who: &Client, server: &impl Base, ops: Vec<Value>) -> Vec<Value> {
    let body = serde_json::to_vec(&json!({ "ops": ops })).unwrap();
    let answer: Value = tablet
        .post(who, server, "/api/sync/push", &body)
        .await
        .json()
        .await
        .unwrap();
    answer["answers"].as_array().unwrap().clone()
}

async fn options(server: &impl Base, sam: &Client, grace: u32) -> reqwest::Response {
    sam.put(server.url("/api/setting/options"))
        .json(&json!({"lock_after_minutes": 5, "validation_required": false, "deletion_grace_days": grace}))
        .send()
        .await
        .unwrap()
}

async fn leaving(server: &impl Base, sam: &Client, child: Uuid, days_ago: i64) {
    let day = burrow_server::routes::today_in_england() - chrono::Duration::days(days_ago);
    let r = sam
        .put(server.url(&format!("/api/children/{child}/leaving")))
        .json(&json!({ "leaving_date": day }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
}

async fn deletions(server: &impl Base, sam: &Client) -> Vec<Value> {
    sam.get(server.url("/api/deletions"))
        .send()
        .await
        .unwrap()
        .json::<Vec<Value>>()
        .await
        .unwrap()
}

/// Waits for the deletion the server runs in the background.
async fn deleted(server: &impl Base, sam: &Client) -> Value {
    for _ in 0..200 {
        if let Some(d) = deletions(server, sam).await.into_iter().next() {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no deletion ran");
}

async fn pull_all(tablet: &Tablet, who: &Client, server: &impl Base) -> (Vec<Value>, Vec<Value>) {
    let (mut after, mut records) = (0, Vec::new());
    loop {
        let path = format!("/api/sync/pull?after={after}");
        let page: Value = tablet
            .send(Method::GET, who, server, &path, b"")
            .await
            .json()
            .await
            .unwrap();
        records.extend(page["records"].as_array().unwrap().iter().cloned());
        after = page["last"].as_u64().unwrap();
        if !page["more"].as_bool().unwrap() {
            return (records, page["deletions"].as_array().unwrap().clone());
        }
    }
}

/// Every text value in every table of the database, for a search.
fn database_text(path: &std::path::Path) -> String {
    let db =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut all = String::new();
    for table in tables {
        let mut stmt = db.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..columns {
                match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(t) => {
                        all.push_str(&String::from_utf8_lossy(t));
                        all.push('\n');
                    }
                    rusqlite::types::ValueRef::Blob(b) => {
                        all.push_str(&String::from_utf8_lossy(b));
                        all.push('\n');
                    }
                    _ => {}
                }
            }
        }
    }
    all
}

fn verify_receipt(data: &std::path::Path, file: &std::path::Path) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_burrow-server"))
        .arg("--data-dir")
        .arg(data)
        .arg("verify-receipt")
        .arg(file)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[tokio::test]
async fn a_leavers_data_goes_from_the_server_group_entries_stay_for_the_others_and_the_receipt_is_signed()
 {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let priya = signed_in(&server, "Priya Shah").await;
    let priya_id = server.whoami(&priya).await;
    let (ava, noah) = (
        server.child_id(&sam, "Ava").await,
        server.child_id(&sam, "Noah").await,
    );
    assert_eq!(options(&server, &sam, 30).await.status(), StatusCode::OK);
    support::family::consent(&server, &sam, noah, "other_journals", true).await;
    let tablet = Tablet::enrol(&server, &sam, "Room 2 tablet").await;
    let office = Tablet::enrol(&server, &sam, "Office tablet").await;

    // Three photos: Ava alone; Ava and Noah with Ava's face marked; Ava and Noah unmarked.
    let (solo, group, unmarked) = (picture(W, H), picture(W, H + 8), picture(W, H + 16));
    let thumbs = (picture(64, 48), picture(64, 50), picture(64, 52));
    for p in [&solo, &group, &unmarked, &thumbs.0, &thumbs.1, &thumbs.2] {
        upload_photo(&tablet, &priya, &server, p).await;
    }
    let taken_at = chrono::Utc::now();
    let record = |children: Vec<Uuid>, photo: &[u8], thumb: &[u8], regions| PhotoRecord {
        id: Uuid::now_v7(),
        thumb_id: Uuid::now_v7(),
        children,
        taken_by: priya_id,
        taken_at,
        width: W,
        height: H,
        sha256: Some(hash(photo)),
        thumb_sha256: Some(hash(thumb)),
        regions,
    };
    let ava_face = FaceRegion {
        child: ava,
        x: 0,
        y: 0,
        w: 5000,
        h: 5000,
    };
    let p_solo = record(vec![ava], &solo, &thumbs.0, vec![]);
    let p_group = record(vec![ava, noah], &group, &thumbs.1, vec![ava_face]);
    let p_unmarked = record(vec![ava, noah], &unmarked, &thumbs.2, vec![]);
    let mut of_ava = observation(
        priya_id,
        vec![ava],
        "Ava painted a sunflower",
        Status::Published,
    );
    of_ava.photos = vec![p_solo.id];
    let mut together = observation(
        priya_id,
        vec![ava, noah],
        "Ava and Noah built a den; Ava's idea was a door",
        Status::Published,
    );
    together.next_steps = "Ask Okafor twins about doors".into();
    together.photos = vec![p_group.id, p_unmarked.id];
    let mut of_noah = observation(
        priya_id,
        vec![noah],
        "Noah showed the den to his friends",
        Status::Published,
    );
    of_noah.photos = vec![p_unmarked.id];
    let answers = push(
        &tablet,
        &priya,
        &server,
        vec![
            op(1, p_solo.id, "photo", json!(p_solo)),
            op(2, p_group.id, "photo", json!(p_group)),
            op(3, p_unmarked.id, "photo", json!(p_unmarked)),
            op(4, of_ava.id, "observation", json!(of_ava)),
            op(5, together.id, "observation", json!(together)),
            op(6, of_noah.id, "observation", json!(of_noah)),
        ],
    )
    .await;
    for a in &answers {
        assert_eq!(a["outcome"], "accepted", "{a}");
    }
    // Ava's mum (Ava only) and Noah's dad, each with a phone; Ava's mum sends a wow moment.
    let grace = parent_phone(&server, &sam, "Grace Okafor", &[ava]).await;
    let daniel = parent_phone(&server, &sam, "Daniel Williams", &[noah]).await;
    let note = json!({"id": Uuid::now_v7(), "child": ava, "entry": null,
        "text": "Ava sang all the way home", "written_at": chrono::Utc::now()});
    let r = grace
        .send(
            Method::POST,
            &client(),
            &server,
            "/api/parent/notes",
            &serde_json::to_vec(&note).unwrap(),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );

    // Ava left yesterday; within the grace period nothing goes.
    leaving(&server, &sam, ava, 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(deletions(&server, &sam).await.is_empty());
    let db_path = server.data.path().join("burrow.sqlite3");
    let before = database_text(&db_path);
    assert!(before.contains("Okafor") && before.contains("sunflower"));

    // The manager shortens the grace period to none: the deletion is due, and runs.
    assert_eq!(options(&server, &sam, 0).await.status(), StatusCode::OK);
    let done = deleted(&server, &sam).await;
    assert_eq!(done["child"], json!(ava));
    let removed = &done["removed"];
    assert_eq!(removed["entries"], 1, "{done}");
    assert_eq!(removed["group_entries_kept"], 1, "{done}");
    assert_eq!(removed["photos"], 2, "{done}");
    assert_eq!(removed["photos_masked"], 1, "{done}");
    assert_eq!(removed["notes"], 1, "{done}");
    assert_eq!(removed["parent_links"], 1, "{done}");
    assert!(removed["consents"].as_u64().unwrap() >= 6, "{done}");
    let mut waiting: Vec<&str> = done["waiting"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    waiting.sort();
    // Grace's phone was revoked with her last child here; the two tablets have to confirm.
    assert_eq!(waiting, vec!["Office tablet", "Room 2 tablet"]);

    // Nothing in the database names Ava any more (the audit log keeps her id only); the
    // other children are still there.
    let after = database_text(&db_path);
    for word in ["Okafor", "Ava", "sunflower", "sang all the way"] {
        let at: Vec<&str> = after.lines().filter(|l| l.contains(word)).collect();
        assert!(at.is_empty(), "the database still holds {word:?}: {at:?}");
    }
    let den: Vec<&str> = after
        .lines()
        .filter(|l| l.contains("built a den"))
        .collect();
    assert!(
        after.contains("Noah") && after.contains("A friend and Noah built a den"),
        "{den:?}"
    );
    let children: Value = sam
        .get(server.url("/api/children"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!children.to_string().contains(&ava.to_string()));

    // The photos' files: Ava's own and the unmarked one are destroyed; the marked one is a new
    // file, its original destroyed. Files go just after the deletion commits: wait for them.
    let vault = server.data.path().join("photos");
    let gone = [&solo, &unmarked, &group, &thumbs.0, &thumbs.1, &thumbs.2];
    for _ in 0..200 {
        if gone.iter().all(|g| !vault.join(hash(g)).exists()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for g in gone {
        assert!(
            !vault.join(hash(g)).exists(),
            "a leaver's photo file is still kept"
        );
    }

    // The tablet pulls the group entry without her and is told to delete the rest.
    let (records, notices) = pull_all(&tablet, &priya, &server).await;
    let pulled = serde_json::to_string(&records).unwrap();
    assert!(!pulled.contains(&ava.to_string()) && !pulled.contains("Ava"));
    let kept: Observation = serde_json::from_value(
        records
            .iter()
            .find(|r| r["id"] == json!(together.id))
            .unwrap()["body"]
            .clone(),
    )
    .unwrap();
    assert_eq!(kept.children, vec![noah]);
    assert_eq!(
        kept.text,
        "A friend and Noah built a den; a friend's idea was a door"
    );
    assert_eq!(kept.next_steps, "Ask a friend twins about doors");
    assert_eq!(kept.photos, vec![p_group.id]);
    let noahs: Observation = serde_json::from_value(
        records
            .iter()
            .find(|r| r["id"] == json!(of_noah.id))
            .unwrap()["body"]
            .clone(),
    )
    .unwrap();
    assert!(
        noahs.photos.is_empty(),
        "the unmarked photo went from Noah's entry too"
    );
    assert!(!records.iter().any(|r| r["id"] == json!(of_ava.id)));
    let masked: PhotoRecord = serde_json::from_value(
        records
            .iter()
            .find(|r| r["id"] == json!(p_group.id))
            .unwrap()["body"]
            .clone(),
    )
    .unwrap();
    assert_eq!(masked.children, vec![noah]);
    assert!(masked.regions.is_empty());
    let new_sha = masked.sha256.clone().unwrap();
    assert_ne!(new_sha, hash(&group));
    let r = tablet
        .send(
            Method::GET,
            &priya,
            &server,
            &format!("/api/photos/{new_sha}"),
            b"",
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let masked_bytes = r.bytes().await.unwrap();
    // Ava's corner lost its stripes; Noah's half is as it was, up to re-encoding.
    let spread = |jpeg: &[u8], x0: u32, x1: u32| {
        let img = image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg)
            .unwrap()
            .to_luma8();
        let px: Vec<f64> = (0..H / 3)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .map(|(x, y)| f64::from(img.get_pixel(x, y).0[0]))
            .collect();
        let mean = px.iter().sum::<f64>() / px.len() as f64;
        (px.iter().map(|p| (p - mean).powi(2)).sum::<f64>() / px.len() as f64).sqrt()
    };
    assert!(spread(&group, 0, W / 4) > 60.0);
    assert!(
        spread(&masked_bytes, 0, W / 4) < 30.0,
        "Ava's face is masked"
    );
    assert!(
        spread(&masked_bytes, 3 * W / 4, W) > 60.0,
        "Noah's side is intact"
    );
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0]["child"], json!(ava));

    // A tablet that was away pushes something new about Ava: refused with the reason.
    let late = observation(priya_id, vec![ava], "Ava again", Status::Published);
    let answers = push(
        &tablet,
        &priya,
        &server,
        vec![op(7, late.id, "observation", json!(late))],
    )
    .await;
    assert_eq!(answers[0]["outcome"], "refused");
    assert!(
        answers[0]["reason"]
            .as_str()
            .unwrap()
            .contains("has left the setting"),
        "{}",
        answers[0]
    );

    // Grace's phone is closed for good; Daniel's still has the entry, with "a friend".
    let r = grace
        .send(
            Method::GET,
            &client(),
            &server,
            "/api/parent/journal?after=0",
            b"",
        )
        .await;
    assert_eq!(r.status(), StatusCode::GONE);
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
    assert!(page.to_string().contains("A friend and Noah built a den"));
    assert!(!page.to_string().contains("Ava"));

    // The tablet confirms; the office tablet is removed instead: the deletion is complete.
    let id = done["id"].as_str().unwrap().to_owned();
    let body = serde_json::to_vec(&json!({ "ids": [id] })).unwrap();
    let r = tablet
        .post(&priya, &server, "/api/sync/deletions", &body)
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, notices) = pull_all(&tablet, &priya, &server).await;
    assert!(notices.is_empty());
    assert_eq!(
        deletions(&server, &sam).await[0]["waiting"],
        json!(["Office tablet"])
    );
    let r = sam
        .post(server.url(&format!("/api/devices/{}/revoke", office.id)))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    assert_eq!(deletions(&server, &sam).await[0]["waiting"], json!([]));

    // The receipt: signed, checked by the server's command; an edited one fails.
    let r = sam
        .get(server.url(&format!("/api/deletions/{id}/receipt")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()[reqwest::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("burrow-deletion-receipt-")
    );
    let receipt: Value = r.json().await.unwrap();
    assert!(!receipt.to_string().contains("Okafor"));
    let states: Vec<&str> = receipt["receipt"]["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["state"]["state"].as_str().unwrap())
        .collect();
    assert!(states.contains(&"confirmed") && states.contains(&"removed"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("receipt.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&receipt).unwrap()).unwrap();
    let (genuine, said) = verify_receipt(server.data.path(), &file);
    assert!(genuine, "{said}");
    assert!(said.starts_with("Genuine"), "{said}");
    let mut edited = receipt.clone();
    edited["receipt"]["removed"]["photos"] = json!(0);
    std::fs::write(&file, serde_json::to_vec_pretty(&edited).unwrap()).unwrap();
    let (genuine, said) = verify_receipt(server.data.path(), &file);
    assert!(!genuine);
    assert!(said.starts_with("Not genuine"), "{said}");
    // Another server's data folder does not vouch for it either.
    let other = TestServer::start().await;
    std::fs::write(&file, serde_json::to_vec_pretty(&receipt).unwrap()).unwrap();
    assert!(!verify_receipt(other.data.path(), &file).0);
    // An unknown receipt is "Not found."
    let r = sam
        .get(server.url(&format!("/api/deletions/{}/receipt", Uuid::now_v7())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The audit log says so, by ids and fixed phrases.
    let log: Value = sam
        .get(server.url(&format!("/api/audit?child={ava}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let log = log.to_string();
    assert!(
        log.contains("child_data_deleted") && log.contains("deletion_confirmed"),
        "{log}"
    );
}

#[tokio::test]
async fn a_cancelled_leaving_stops_the_deletion_and_a_bad_grace_period_is_refused() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let leo = server.child_id(&sam, "Leo").await;
    let r = options(&server, &sam, 400).await;
    let (status, error, field) = support::refusal(r).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field.as_deref(), Some("deletion_grace_days"));
    assert!(error.contains("365"), "{error}");
    // Leo's leaving is recorded for today and then cancelled; with no grace period, nothing goes.
    leaving(&server, &sam, leo, 0).await;
    let r = sam
        .put(server.url(&format!("/api/children/{leo}/leaving")))
        .json(&json!({ "leaving_date": null }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(options(&server, &sam, 0).await.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(deletions(&server, &sam).await.is_empty());
    assert_eq!(server.child_id(&sam, "Leo").await, leo);
    let got: Value = sam
        .get(server.url("/api/setting/options"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["deletion_grace_days"], 0);
}

#[tokio::test]
async fn a_deletion_cut_by_a_crash_is_undone_whole_and_finished_at_the_next_start() {
    let data = tempfile::tempdir().unwrap();
    let app = tempfile::tempdir().unwrap();
    let mut server = Process::start_with_env(
        data.path(),
        app.path(),
        &[("BURROW_CRASH_IN_DELETION", "1")],
    );
    let sam = server.sign_in_manager().await;
    let list: Value = sam
        .get(server.url("/api/children"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ava: Uuid = serde_json::from_value(
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["first_name"] == "Ava")
            .unwrap()["id"]
            .clone(),
    )
    .unwrap();
    leaving(&server, &sam, ava, 1).await;
    // No grace: the deletion starts, and the process dies before it commits.
    let _ = options(&server, &sam, 0).await;
    assert!(
        server.exited_within(Duration::from_secs(20)),
        "the server should have crashed"
    );
    let db = data.path().join("burrow.sqlite3");
    let text = database_text(&db);
    assert!(
        text.contains("Okafor"),
        "nothing was deleted: the transaction rolled back"
    );
    assert!(!text.contains("child_data_deleted"));

    // Started again, it finishes the deletion, whole.
    server = Process::start(data.path(), app.path());
    let sam = server.sign_in_manager().await;
    let done = deleted(&server, &sam).await;
    assert_eq!(done["child"], json!(ava));
    assert!(done["removed"]["consents"].as_u64().unwrap() >= 6);
    let text = database_text(&db);
    assert!(!text.contains("Okafor") && !text.contains("Grace"));
    drop(server);
}

#[tokio::test]
async fn a_photo_kept_for_posterity_needs_every_childs_consent_for_displays_and_stays() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let priya = signed_in(&server, "Priya Shah").await;
    let priya_id = server.whoami(&priya).await;
    let (ava, noah) = (
        server.child_id(&sam, "Ava").await,
        server.child_id(&sam, "Noah").await,
    );
    assert_eq!(options(&server, &sam, 30).await.status(), StatusCode::OK);
    support::family::consent(&server, &sam, noah, "other_journals", true).await;
    let tablet = Tablet::enrol(&server, &sam, "Room 2 tablet").await;
    let (bytes, thumb) = (picture(W, H), picture(64, 48));
    upload_photo(&tablet, &priya, &server, &bytes).await;
    upload_photo(&tablet, &priya, &server, &thumb).await;
    let record = PhotoRecord {
        id: Uuid::now_v7(),
        thumb_id: Uuid::now_v7(),
        children: vec![ava, noah],
        taken_by: priya_id,
        taken_at: chrono::Utc::now(),
        width: W,
        height: H,
        sha256: Some(hash(&bytes)),
        thumb_sha256: Some(hash(&thumb)),
        regions: vec![],
    };
    let answers = push(
        &tablet,
        &priya,
        &server,
        vec![op(1, record.id, "photo", json!(record))],
    )
    .await;
    assert_eq!(answers[0]["outcome"], "accepted", "{}", answers[0]);
    leaving(&server, &sam, ava, 1).await;
    let keep = |keep: bool| {
        let url = server.url(&format!("/api/children/{ava}/posterity/{}", record.id));
        let sam = sam.clone();
        async move {
            sam.put(url)
                .json(&json!({ "keep": keep }))
                .send()
                .await
                .unwrap()
        }
    };
    // Noah has no consent for displays: refused, with the reason, and nothing kept.
    let (status, error, _) = support::refusal(keep(true).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        error.contains("Noah is without consent for displays"),
        "{error}"
    );
    let list: Value = sam
        .get(server.url(&format!("/api/children/{ava}/posterity")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["kept"], false);
    assert_eq!(list[0]["with"], json!(["Noah"]));
    assert!(list[0]["refused"].as_str().unwrap().contains("Noah"));
    // A practitioner may not choose.
    let r = priya
        .put(server.url(&format!("/api/children/{ava}/posterity/{}", record.id)))
        .json(&json!({ "keep": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Noah's dad agrees to displays: now it can be kept, and the choice is audited.
    let r = sam
        .post(server.url(&format!("/api/children/{noah}/consents")))
        .json(&json!({"purpose": "displays", "granted": true, "given_by": "Daniel Williams",
            "how": {"kind": "signed_on_tablet"},
            "review_by": (chrono::Utc::now().date_naive() + chrono::Duration::days(300)).to_string()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = keep(true).await;
    assert_eq!(r.status(), StatusCode::OK);
    let kept: Value = r.json().await.unwrap();
    assert_eq!(kept["kept"], true);
    // The deletion leaves it, with its file.
    assert_eq!(options(&server, &sam, 0).await.status(), StatusCode::OK);
    let done = deleted(&server, &sam).await;
    assert_eq!(done["removed"]["photos_for_posterity"], 1, "{done}");
    assert_eq!(done["removed"]["photos"], 0, "{done}");
    assert!(
        server
            .data
            .path()
            .join("photos")
            .join(hash(&bytes))
            .exists()
    );
    let log: Value = sam
        .get(server.url(&format!("/api/audit?child={ava}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(log.to_string().contains("posterity_chosen"), "{log}");
    // After the deletion there is no child to choose for.
    assert_eq!(keep(false).await.status(), StatusCode::NOT_FOUND);
}

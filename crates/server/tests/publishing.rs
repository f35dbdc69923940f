//! Photos used beyond the journals (issue 21) over real HTTP and SQLite: only a manager or
//! deputy chooses; every child in a photo needs consent for that use, a high-risk child never
//! goes public and reaches a display only after a second manager's sign-off; the file leaves
//! with no metadata and no child's name, at a size for its use; each use is audited per child
//! and shows in that child's family's trail, and no other's; a withdrawal afterwards flags it.

mod support;

use burrow_core::observation::Observation;
use burrow_core::photo::{FaceRegion, PhotoRecord};
use burrow_core::workflow::Status;
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use support::device::{Tablet, upload_photo};
use support::family::{consent, parent_phone, push_accepted, shared_at_once, signed_in};
use support::{TestServer, client, hash, refusal};
use uuid::Uuid;

const W: u32 = 1600;
const H: u32 = 1200;

/// A real JPEG carrying a comment with a child's full name, as a careless camera app might.
fn photo_with_a_name_inside() -> Vec<u8> {
    let img = RgbImage::from_fn(W, H, |x, y| {
        if (x / 40 + y / 40) % 2 == 0 {
            Rgb([200, 170, 140])
        } else {
            Rgb([30, 70, 90])
        }
    });
    let mut plain = Vec::new();
    JpegEncoder::new_with_quality(&mut plain, 85)
        .encode_image(&img)
        .unwrap();
    let comment = b"Ava Okafor at Little Acorns";
    let mut out = plain[..2].to_vec();
    out.extend([0xFF, 0xFE]);
    out.extend(((comment.len() + 2) as u16).to_be_bytes());
    out.extend(comment);
    out.extend(&plain[2..]);
    out
}

/// The markers of a JPEG's segments before its image data.
fn markers(jpeg: &[u8]) -> Vec<u8> {
    let mut at = 2;
    let mut out = Vec::new();
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF {
        let marker = jpeg[at + 1];
        out.push(marker);
        if marker == 0xDA {
            break;
        }
        let len = u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]) as usize;
        at += 2 + len;
    }
    out
}

async fn choose(
    server: &TestServer,
    who: &Client,
    photo: Uuid,
    used_for: &str,
) -> reqwest::Response {
    who.post(server.url("/api/published"))
        .json(&json!({"photo": photo, "used_for": used_for}))
        .send()
        .await
        .unwrap()
}

/// A push operation: the first version of a record, made by `by`.
fn first_version(by: Uuid, counter: u64, id: Uuid, kind: &str, body: Value) -> Value {
    json!({"counter": counter, "record_id": id, "kind": kind, "version": 1, "base": 0, "by": by, "body": body})
}

async fn json_of(who: &Client, url: String) -> Value {
    who.get(url).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn a_manager_chooses_a_photo_for_social_media_with_every_childs_consent_and_it_leaves_without_names()
 {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let jo = signed_in(&server, "Jo Bloggs").await;
    let priya = signed_in(&server, "Priya Shah").await;
    let priya_id = server.whoami(&priya).await;
    let (ava, maya) = (
        server.child_id(&sam, "Ava").await,
        server.child_id(&sam, "Maya").await,
    );
    shared_at_once(&server, &sam).await;

    // A group photo of Ava and Maya with both faces marked, and one of Ava alone, unmarked, in
    // one shared entry.
    let tablet = Tablet::enrol(&server, &sam, "Room 2 tablet").await;
    let photo = photo_with_a_name_inside();
    let thumb = support::picture(3_000, 7);
    upload_photo(&tablet, &priya, &server, &photo).await;
    upload_photo(&tablet, &priya, &server, &thumb).await;
    let record = |children: Vec<Uuid>, regions: Vec<FaceRegion>| PhotoRecord {
        id: Uuid::now_v7(),
        thumb_id: Uuid::now_v7(),
        children,
        taken_by: priya_id,
        taken_at: chrono::Utc::now(),
        width: W,
        height: H,
        sha256: Some(hash(&photo)),
        thumb_sha256: Some(hash(&thumb)),
        regions,
    };
    let face = |child, x| FaceRegion {
        child,
        x,
        y: 2_000,
        w: 2_000,
        h: 3_000,
    };
    let group = record(vec![ava, maya], vec![face(ava, 1_000), face(maya, 6_000)]);
    let alone = record(vec![ava], Vec::new());
    let mut entry = Observation::new(
        Uuid::now_v7(),
        priya_id,
        vec![ava, maya],
        chrono::Utc::now(),
    );
    entry.text = "Ava and Maya planted sunflowers".into();
    entry.next_steps = "Measure them next week".into();
    entry.status = Status::Published;
    entry.version = 1;
    entry.photos = vec![group.id, alone.id];
    entry.tags.aspects = vec!["UW.NW".into(), "PD.FM".into()];
    let op = |counter, id, kind, body| first_version(priya_id, counter, id, kind, body);
    push_accepted(
        &tablet,
        &priya,
        &server,
        vec![
            op(1, group.id, "photo", json!(group)),
            op(2, alone.id, "photo", json!(alone)),
            op(3, entry.id, "observation", json!(entry)),
        ],
    )
    .await;

    // A practitioner neither sees the choice nor makes it.
    let r = priya
        .get(server.url("/api/publishing/photos?for=social_media"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        refusal(choose(&server, &priya, group.id, "social_media").await)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, _, field) = refusal(
        sam.get(server.url("/api/publishing/photos?for=the_papers"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, field.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("for"))
    );

    // Maya's family has not said yes to social media: the list and the choice both say so, by
    // her first name.
    let offered = json_of(&sam, server.url("/api/publishing/photos?for=social_media")).await;
    let listed = offered
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["record"]["id"] == json!(group.id))
        .expect("the group photo is offered");
    assert_eq!(listed["children"], json!(["Ava", "Maya"]));
    assert_eq!(
        listed["refused"],
        "This photo cannot be used for the setting’s social media. Maya: no consent on record for social media."
    );
    let (status, error, _) = refusal(choose(&server, &sam, group.id, "social_media").await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        error.contains("Maya: no consent on record for social media"),
        "{error}"
    );

    // With her parent's yes, Jo (a deputy) chooses it.
    consent(&server, &sam, maya, "social_media", true).await;
    let r = choose(&server, &jo, group.id, "social_media").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let used: Value = r.json().await.unwrap();
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(
        used["file_name"],
        format!("little-acorns-nursery-demo-{today}-1.jpg")
    );
    let caption = used["caption"].as_str().unwrap();
    assert!(caption.contains("Little Acorns"), "{caption}");
    assert!(
        !caption.contains("Ava") && !caption.contains("Maya"),
        "{caption}"
    );
    assert_eq!(used["masked"], false);
    let (status, error, _) = refusal(choose(&server, &sam, group.id, "social_media").await).await;
    assert_eq!(
        (status, error.as_str()),
        (
            StatusCode::CONFLICT,
            "This photo is already chosen for the setting’s social media."
        )
    );

    // The file: a JPEG re-encoded with nothing but its pixels, a post's size, named neutrally.
    let id = used["id"].as_str().unwrap().to_owned();
    let r = sam
        .get(server.url(&format!("/api/published/{id}/file")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-disposition"],
        format!("attachment; filename=\"little-acorns-nursery-demo-{today}-1.jpg\"").as_str()
    );
    let file = r.bytes().await.unwrap().to_vec();
    assert!(
        !file.windows(6).any(|w| w == b"Okafor") && !file.windows(3).any(|w| w == b"Ava"),
        "the name inside the original left with it"
    );
    let kinds = markers(&file);
    assert!(
        kinds
            .iter()
            .all(|m| matches!(m, 0xE0 | 0xDB | 0xC0..=0xC3 | 0xC4 | 0xDD | 0xDA)),
        "a metadata segment left with the photo: {kinds:x?}"
    );
    assert!(
        exif::Reader::new()
            .read_from_container(&mut std::io::Cursor::new(&file))
            .is_err()
    );
    let shown = image::load_from_memory(&file).unwrap();
    assert_eq!((shown.width(), shown.height()), (1080, 810));

    // Audited once per child, by id, with no name.
    let audit = json_of(&sam, server.url("/api/audit?action=photo_published")).await;
    let entries = audit["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{audit}");
    assert!(!audit.to_string().contains("Ava"), "{audit}");

    // Ava's mum's phone shows it in Ava's trail; nothing of Maya's.
    let grace = parent_phone(&server, &sam, "Grace Okafor", &[ava]).await;
    let trail = || async {
        let r = grace
            .send(Method::GET, &client(), &server, "/api/parent/audit", b"")
            .await;
        r.json::<Value>().await.unwrap()
    };
    let seen = trail().await;
    let published: Vec<&Value> = seen
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "photo_published")
        .collect();
    assert_eq!(published.len(), 1, "{seen}");
    assert_eq!(published[0]["child"], json!(ava));
    assert_eq!(published[0]["used_for"], "social_media");
    assert!(
        seen.as_array()
            .unwrap()
            .iter()
            .all(|e| e["child"] == json!(ava))
    );

    // Maya's parent withdraws: the Published list flags it, the file is not given again, and
    // the manager records taking it down, which Ava's trail shows too.
    consent(&server, &sam, maya, "social_media", false).await;
    let list = json_of(&sam, server.url("/api/published")).await;
    assert_eq!(
        list[0]["no_longer"],
        "Maya: consent for social media was refused."
    );
    let (status, error, _) = refusal(
        sam.get(server.url(&format!("/api/published/{id}/file")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error.contains("Take it down"), "{error}");
    let r = sam
        .post(server.url(&format!("/api/published/{id}/taken-down")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let down: Value = r.json().await.unwrap();
    assert_eq!(down["taken_down"]["by"], "Sam Patel");
    assert!(
        trail()
            .await
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "photo_taken_down" && e["used_for"] == "social_media")
    );

    // Ava alone goes on social media while children may appear with consent.
    let r = choose(&server, &sam, alone.id, "social_media").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let alone_used: Value = r.json().await.unwrap();

    // "No identifiable faces": the photo already out with Ava's face is flagged and no longer
    // given; Ava alone, unmarked, is refused; the marked group photo goes with faces masked.
    let r = priya
        .put(server.url("/api/publishing/policy"))
        .json(&json!({"social_media": "no_identifiable_faces"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = sam
        .put(server.url("/api/publishing/policy"))
        .json(&json!({"social_media": "no_identifiable_faces"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let list = json_of(&sam, server.url("/api/published")).await;
    let flagged = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == alone_used["id"])
        .unwrap();
    assert_eq!(
        flagged["no_longer"],
        "Ava’s face shows, and the setting’s policy is now that no child’s face may be identifiable on social media."
    );
    let alone_id = alone_used["id"].as_str().unwrap();
    let (status, _, _) = refusal(
        sam.get(server.url(&format!("/api/published/{alone_id}/file")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let r = sam
        .post(server.url(&format!("/api/published/{alone_id}/taken-down")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, error, _) = refusal(choose(&server, &sam, alone.id, "social_media").await).await;
    assert!(
        error.contains("Ava’s face is not marked, so it cannot be masked"),
        "{error}"
    );
    consent(&server, &sam, maya, "social_media", true).await;
    let r = choose(&server, &sam, group.id, "social_media").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let masked: Value = r.json().await.unwrap();
    assert_eq!(masked["masked"], true);
    assert_eq!(
        masked["file_name"],
        format!("little-acorns-nursery-demo-{today}-3.jpg")
    );
    // The masked face is flat where the original had sharp squares.
    let file = sam
        .get(server.url(&format!(
            "/api/published/{}/file",
            masked["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let img = image::load_from_memory(&file).unwrap().to_rgb8();
    let spread = |x0: u32, y0: u32| {
        let (mut lo, mut hi) = (255u8, 0u8);
        for y in y0..y0 + 60 {
            for x in x0..x0 + 60 {
                let v = img.get_pixel(x, y)[0];
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        hi - lo
    };
    // Ava's face (from 10% across, 20% down) against an unmarked corner.
    assert!(spread(180, 300) < 60, "Ava's face is not masked");
    assert!(
        spread(1000, 20) > 120,
        "the rest of the photo is not as it was"
    );

    // Flagged high-risk, Ava never goes on the website; on a display only once another
    // manager has signed the photo off.
    consent(&server, &sam, ava, "displays", true).await;
    consent(&server, &sam, ava, "publicity", true).await;
    let r = sam
        .put(server.url(&format!("/api/children/{ava}/high-risk")))
        .json(&json!({"high_risk": true, "reason": "looked_after"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, error, _) = refusal(choose(&server, &sam, alone.id, "website").await).await;
    assert!(
        error.contains("Ava is flagged high-risk, so no photo of them is used outside the setting"),
        "{error}"
    );
    let (_, error, _) = refusal(choose(&server, &sam, alone.id, "display").await).await;
    assert!(
        error.contains("a second manager must sign this photo off"),
        "{error}"
    );
    let r = jo
        .post(server.url(&format!("/api/photo-records/{}/sign-off", alone.id)))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let r = choose(&server, &sam, alone.id, "display").await;
    assert_eq!(r.status(), StatusCode::CREATED);

    // The display sheet: an A4 PDF of it with its caption, and no child's name.
    let r = sam
        .get(server.url("/api/published/display-sheet.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-disposition"],
        format!("attachment; filename=\"little-acorns-nursery-demo-display-{today}.pdf\"").as_str()
    );
    let pdf = r.bytes().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sheet.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args([path.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    // A caption may wrap onto a second line: read the words as a run.
    let text = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("photos for a display"), "{text}");
    assert!(text.contains("at Little Acorns Nursery (demo)."), "{text}");
    assert!(!text.contains("Ava") && !text.contains("Maya"), "{text}");
    let info = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("595 x 842 pts (A4)"), "{info}");
    assert!(!info.contains("Ava"), "{info}");
}

/// A child whose family said "not today" on the day a photo was taken stops it, whoever asks;
/// a day's wishes the server cannot read refuse the photo too, in words, never "nobody said no".
#[tokio::test]
async fn a_not_today_stops_a_photo_and_wishes_that_will_not_read_refuse_it() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let priya = signed_in(&server, "Priya Shah").await;
    let priya_id = server.whoami(&priya).await;
    let ava = server.child_id(&sam, "Ava").await;
    shared_at_once(&server, &sam).await;
    consent(&server, &sam, ava, "displays", true).await;

    let tablet = Tablet::enrol(&server, &sam, "Room 2 tablet").await;
    let photo = photo_with_a_name_inside();
    let thumb = support::picture(3_000, 9);
    upload_photo(&tablet, &priya, &server, &photo).await;
    upload_photo(&tablet, &priya, &server, &thumb).await;
    let taken_at = chrono::Utc::now();
    let alone = PhotoRecord {
        id: Uuid::now_v7(),
        thumb_id: Uuid::now_v7(),
        children: vec![ava],
        taken_by: priya_id,
        taken_at,
        width: W,
        height: H,
        sha256: Some(hash(&photo)),
        thumb_sha256: Some(hash(&thumb)),
        regions: Vec::new(),
    };
    let mut entry = Observation::new(Uuid::now_v7(), priya_id, vec![ava], taken_at);
    entry.text = "Ava painted a rainbow".into();
    entry.status = Status::Published;
    entry.version = 1;
    entry.photos = vec![alone.id];
    let day = burrow_server::routes::sync::apply::photo_day(taken_at);
    let wishes = burrow_core::sync::not_today_id(day);
    let op = |counter, id, kind, body| first_version(priya_id, counter, id, kind, body);
    push_accepted(
        &tablet,
        &priya,
        &server,
        vec![
            op(1, alone.id, "photo", json!(alone)),
            op(2, entry.id, "observation", json!(entry)),
            // Ava's mum asked at pick-up, after the photo: no photos of her today.
            op(
                3,
                wishes,
                "not_today",
                json!({"day": day, "children": [ava]}),
            ),
        ],
    )
    .await;

    let listed = |offered: Value| {
        offered
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["record"]["id"] == json!(alone.id))
            .expect("the photo is offered")
            .clone()
    };
    let said = listed(json_of(&sam, server.url("/api/publishing/photos?for=display")).await);
    let refused = said["refused"].as_str().expect("refused");
    assert_eq!(
        refused,
        "This photo cannot be used for a display in the setting. Ava did not want photos taken that day."
    );
    let (status, error, _) = refusal(choose(&server, &sam, alone.id, "display").await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error, refused);

    // The day's wishes damaged on disk: the photo is refused in words, on the list and when
    // chosen, and the list still answers.
    rusqlite::Connection::open(server.data.path().join("burrow.sqlite3"))
        .unwrap()
        .execute(
            "UPDATE records SET body = 'not the wishes' WHERE kind = 'not_today'",
            [],
        )
        .unwrap();
    let unreadable = "The setting’s record of who said “not today” on the day this photo was taken cannot be read, so it is not used. Tell whoever looks after the server.";
    let said = listed(json_of(&sam, server.url("/api/publishing/photos?for=display")).await);
    assert_eq!(said["refused"], unreadable);
    assert_eq!(said["children"], json!([]));
    let (status, error, _) = refusal(choose(&server, &sam, alone.id, "display").await).await;
    assert_eq!((status, error.as_str()), (StatusCode::CONFLICT, unreadable));
    server.stop().await;
}

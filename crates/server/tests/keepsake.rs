//! The leaver's journal as a PDF (issue 15 parts 2 and 4), over real HTTP and SQLite, read back
//! with poppler's `pdftotext` and `pdfimages` as a family's PDF reader would: the cover, every
//! published entry with its words as written and its photo, other children as "a friend" and
//! never named; another family's child "Not found."; a practitioner refused; each export in the
//! family's trail; closed (410) once the child has left; a cut zip download carried on with
//! `Range` and `If-Range`, checked whole by Info-ZIP's `unzip`.

mod support;

use burrow_core::photo::PhotoRecord;
use burrow_core::workflow::Status;
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use std::process::Command;
use support::device::{Tablet, upload_photo};
use support::family::{observation, parent_phone, push_accepted, shared_at_once, signed_in};
use support::{TestServer, client, hash, refusal};
use uuid::Uuid;

fn photo() -> Vec<u8> {
    let img = RgbImage::from_fn(320, 240, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .unwrap();
    out
}

/// A photo of `child` and its thumbnail uploaded from `tablet`, and its record (taken now).
async fn photo_of(
    server: &TestServer,
    tablet: &Tablet,
    who: &Client,
    child: Uuid,
    by: Uuid,
    (picture, thumb): (Vec<u8>, Vec<u8>),
) -> PhotoRecord {
    upload_photo(tablet, who, server, &picture).await;
    upload_photo(tablet, who, server, &thumb).await;
    PhotoRecord {
        id: Uuid::now_v7(),
        thumb_id: Uuid::now_v7(),
        children: vec![child],
        taken_by: by,
        taken_at: chrono::Utc::now(),
        width: 320,
        height: 240,
        sha256: Some(hash(&picture)),
        thumb_sha256: Some(hash(&thumb)),
        regions: Vec::new(),
    }
}

/// The PDF's words and its images, as poppler reads them.
fn read_pdf(bytes: &[u8]) -> (String, usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.pdf");
    std::fs::write(&path, bytes).unwrap();
    let text = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by cargo xtask setup");
    assert!(text.status.success(), "pdftotext could not read the PDF");
    let images = Command::new("pdfimages")
        .arg("-list")
        .arg(&path)
        .output()
        .unwrap();
    assert!(images.status.success());
    // Two header lines, then one line an image.
    let count = String::from_utf8_lossy(&images.stdout).lines().count() - 2;
    (String::from_utf8_lossy(&text.stdout).into_owned(), count)
}

#[tokio::test]
async fn a_leavers_journal_is_a_pdf_of_what_their_family_may_see_and_names_no_other_child() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let priya = signed_in(&server, "Priya Shah").await;
    let priya_id = server.whoami(&priya).await;
    let (ava, noah) = (
        server.child_id(&sam, "Ava").await,
        server.child_id(&sam, "Noah").await,
    );
    shared_at_once(&server, &sam).await;

    // Priya's tablet: a photo of Ava with her painting, a group entry with Noah, one of Noah
    // alone, and a draft.
    let tablet = Tablet::enrol(&server, &sam, "Room 2 tablet").await;
    let record = photo_of(
        &server,
        &tablet,
        &priya,
        ava,
        priya_id,
        (photo(), support::picture(3_000, 5)),
    )
    .await;
    let mut painting = observation(
        priya_id,
        vec![ava],
        "Ava painted a sunflower and told me about its petals.",
        Status::Published,
    );
    painting.photos = vec![record.id];
    painting.tags.aspects = vec!["CL.S".into()];
    painting.tags.characteristics = vec![burrow_core::eyfs::Characteristic::ActiveLearning];
    painting.observed_at -= chrono::Duration::days(2);
    let den = observation(
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
    let draft = observation(
        priya_id,
        vec![ava],
        "Ava is still at the easel",
        Status::Draft,
    );
    let mut ops = vec![
        json!({"counter": 1, "record_id": record.id, "kind": "photo", "version": 1, "base": 0, "by": priya_id, "body": record}),
    ];
    for (i, o) in [&painting, &den, &noah_only, &draft].iter().enumerate() {
        ops.push(json!({"counter": i + 2, "record_id": o.id, "kind": "observation", "version": 1, "base": 0, "by": priya_id, "body": o}));
    }
    push_accepted(&tablet, &priya, &server, ops).await;

    // Ava's mum downloads it on her phone.
    let grace = parent_phone(&server, &sam, "Grace Okafor", &[ava]).await;
    let path = format!("/api/parent/children/{ava}/keepsake.pdf");
    let r = grace
        .send(Method::GET, &client(), &server, &path, b"")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let (text, images) = read_pdf(&pdf);
    assert!(text.contains("Ava’s learning journal"), "{text}");
    assert!(text.contains("Little Acorns Nursery (demo)"), "{text}");
    assert!(
        text.contains("Ava painted a sunflower and told me about its petals."),
        "{text}"
    );
    assert!(
        text.contains("Ava and a friend built a den; a friend’s roof held.")
            || text.contains("Ava and a friend built a den; a friend's roof held."),
        "{text}"
    );
    assert!(
        text.contains("Communication and language"),
        "the area's name: {text}"
    );
    assert!(text.contains("Active learning"), "{text}");
    assert!(text.contains("Next steps: More den building"), "{text}");
    // Oldest first: the painting was two days before the den.
    assert!(text.find("sunflower") < text.find("den;"), "{text}");
    for never in [
        "Noah",
        "Williams",
        "counted to twenty",
        "still at the easel",
        "Okafor",
    ] {
        assert!(!text.contains(never), "{never} is in the PDF: {text}");
    }
    assert_eq!(images, 1, "the one photo of Ava is in it");

    // The keepsake zip: the PDF, an index that reads offline, and the photo, named by its day
    // and a word of its caption, carrying both in its own Exif.
    let zip_path = format!("/api/parent/children/{ava}/keepsake.zip");
    let r = grace
        .send(Method::GET, &client(), &server, &zip_path, b"")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let bytes = r.bytes().await.unwrap();
    // Info-ZIP's unzip tests every file's CRC, as a family's computer would on opening it.
    let dir = tempfile::tempdir().unwrap();
    let zip_file = dir.path().join("keepsake.zip");
    std::fs::write(&zip_file, &bytes).unwrap();
    let tested = Command::new("unzip")
        .arg("-t")
        .arg(&zip_file)
        .output()
        .unwrap();
    assert!(
        tested.status.success(),
        "{}",
        String::from_utf8_lossy(&tested.stdout)
    );
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let taken = record.taken_at.with_timezone(&chrono_tz::Europe::London);
    let photo_name = format!("photos/{}_painted.jpg", taken.format("%Y-%m-%d_%H%M"));
    let mut names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "Ava-learning-journal.pdf".to_owned(),
            "index.html".into(),
            photo_name.clone()
        ]
    );
    let mut jpeg = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name(&photo_name).unwrap(), &mut jpeg).unwrap();
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(&jpeg))
        .expect("the photo carries Exif");
    let field = |tag| {
        exif.get_field(tag, exif::In::PRIMARY)
            .map(|f| f.display_value().to_string())
            .unwrap_or_default()
    };
    assert_eq!(
        field(exif::Tag::DateTimeOriginal),
        taken.format("%Y-%m-%d %H:%M:%S").to_string()
    );
    assert!(
        field(exif::Tag::ImageDescription).contains("Ava painted a sunflower"),
        "{}",
        field(exif::Tag::ImageDescription)
    );
    let mut index = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("index.html").unwrap(), &mut index).unwrap();
    assert!(index.contains("Ava painted a sunflower"), "{index}");
    assert!(index.contains(&format!("src=\"{photo_name}\"")), "{index}");
    assert!(!index.contains("Noah"), "{index}");
    let mut kept_pdf = Vec::new();
    std::io::Read::read_to_end(
        &mut zip.by_name("Ava-learning-journal.pdf").unwrap(),
        &mut kept_pdf,
    )
    .unwrap();
    assert!(read_pdf(&kept_pdf).0.contains("Ava painted a sunflower"));

    // Another family's child is "Not found."; a practitioner may not export; a manager may.
    let r = grace
        .send(
            Method::GET,
            &client(),
            &server,
            &format!("/api/parent/children/{noah}/keepsake.pdf"),
            b"",
        )
        .await;
    let (status, error, _) = refusal(r).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::NOT_FOUND, "Not found.")
    );
    let staff_path = format!("/api/children/{ava}/keepsake.pdf");
    let (status, _, _) = refusal(priya.get(server.url(&staff_path)).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let r = sam.get(server.url(&staff_path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (text, images) = read_pdf(&r.bytes().await.unwrap());
    assert!(text.contains("Ava painted a sunflower"), "{text}");
    assert!(!text.contains("Noah"), "{text}");
    assert_eq!(images, 1);

    // Both exports are in the family's trail.
    let trail: Value = grace
        .send(Method::GET, &client(), &server, "/api/parent/audit", b"")
        .await
        .json()
        .await
        .unwrap();
    let exports = trail
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "journal_exported")
        .count();
    assert_eq!(exports, 3, "{trail}");
    let by_phone = trail
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "journal_exported" && e["who"] == "A parent's phone")
        .count();
    let by_sam = trail
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "journal_exported" && e["who"] == "Sam Patel")
        .count();
    assert_eq!((by_phone, by_sam), (2, 1), "{trail}");

    // Once Ava has left, her journal is closed to the family.
    let yesterday = burrow_server::routes::today_in_england() - chrono::Duration::days(1);
    let r = sam
        .put(server.url(&format!("/api/children/{ava}/leaving")))
        .json(&json!({ "leaving_date": yesterday }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = grace
        .send(Method::GET, &client(), &server, &path, b"")
        .await;
    assert_eq!(r.status(), StatusCode::GONE);

    server.stop().await;
}

#[tokio::test]
async fn the_two_year_check_is_in_the_journal_once_shared_with_other_children_as_a_friend() {
    use burrow_core::progress_check::{ProgressCheck, Standing};
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let priya = signed_in(&server, "Priya Shah").await;
    let priya_id = server.whoami(&priya).await;
    shared_at_once(&server, &sam).await;
    // Noah is two: Priya writes his check, naming Ava in a note.
    let noah = server.child_id(&sam, "Noah").await;
    let tablet = Tablet::enrol(&server, &sam, "Room 2 tablet").await;
    let today = burrow_server::routes::today_in_england();
    let mut check = ProgressCheck::new(Uuid::now_v7(), noah, priya_id, today, chrono::Utc::now());
    for area in &mut check.areas {
        area.standing = Some(Standing::Expected);
        area.note = format!("Noah plays alongside Ava in {}", area.area);
    }
    check.at_home = "Sing counting songs at bath time".into();
    check.status = Status::Published;
    check.version = 1;
    let pdf = |who: &Client| {
        let url = server.url(&format!("/api/children/{noah}/keepsake.pdf"));
        let who = who.clone();
        async move {
            let r = who.get(url).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            read_pdf(&r.bytes().await.unwrap()).0
        }
    };
    // A draft is not shared: the journal has no check.
    let mut draft = check.clone();
    draft.status = Status::Draft;
    push_accepted(
        &tablet,
        &priya,
        &server,
        vec![json!({"counter": 1, "record_id": check.id, "kind": "progress_check", "version": 1, "base": 0, "by": priya_id, "body": draft})],
    )
    .await;
    assert!(!pdf(&sam).await.contains("progress check at age two"));
    check.version = 2;
    push_accepted(
        &tablet,
        &priya,
        &server,
        vec![json!({"counter": 2, "record_id": check.id, "kind": "progress_check", "version": 2, "base": 1, "by": priya_id, "body": check})],
    )
    .await;
    let text = pdf(&sam).await;
    assert!(text.contains("The progress check at age two"), "{text}");
    assert!(text.contains("Developing as expected"), "{text}");
    assert!(text.contains("Noah plays alongside a friend"), "{text}");
    assert!(text.contains("Sing counting songs at bath time"), "{text}");
    assert!(!text.contains("Ava"), "{text}");
}

/// A keepsake zip request from the phone, signed, with any extra headers.
async fn zip_request(
    phone: &Tablet,
    server: &TestServer,
    path: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = client().get(server.url(path));
    for (k, v) in phone.sign("GET", path, b"") {
        req = req.header(k, v);
    }
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

/// Info-ZIP's test of every file's CRC, as a family's computer would on opening it.
fn unzip_tests_clean(bytes: &[u8]) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keepsake.zip");
    std::fs::write(&file, bytes).unwrap();
    Command::new("unzip")
        .arg("-tq")
        .arg(&file)
        .output()
        .unwrap()
        .status
        .success()
}

#[tokio::test]
async fn a_cut_download_carries_on_where_it_stopped_and_starts_again_if_the_journal_changed() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let priya = signed_in(&server, "Priya Shah").await;
    let priya_id = server.whoami(&priya).await;
    let ava = server.child_id(&sam, "Ava").await;
    shared_at_once(&server, &sam).await;
    let tablet = Tablet::enrol(&server, &sam, "Room 2 tablet").await;

    // Four entries of Ava with a photo each, big enough that the zip goes in several pieces.
    let mut ops = Vec::new();
    for n in 0..4u8 {
        let pictures = (
            support::picture(200_000, n),
            support::picture(3_000, n + 10),
        );
        let record = photo_of(&server, &tablet, &priya, ava, priya_id, pictures).await;
        let mut entry = observation(
            priya_id,
            vec![ava],
            &format!("Ava splashed in puddle number {n}"),
            Status::Published,
        );
        entry.photos = vec![record.id];
        ops.push(json!({"counter": ops.len() + 1, "record_id": record.id, "kind": "photo", "version": 1, "base": 0, "by": priya_id, "body": record}));
        ops.push(json!({"counter": ops.len() + 1, "record_id": entry.id, "kind": "observation", "version": 1, "base": 0, "by": priya_id, "body": entry}));
    }
    push_accepted(&tablet, &priya, &server, ops).await;
    let grace = parent_phone(&server, &sam, "Grace Okafor", &[ava]).await;
    let path = format!("/api/parent/children/{ava}/keepsake.zip");

    // The phone's download is cut after the first 300 KB or so.
    let mut r = zip_request(&grace, &server, &path, &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["accept-ranges"], "bytes");
    let tag = r.headers()["etag"].to_str().unwrap().to_owned();
    let mut have = Vec::new();
    while have.len() < 300_000 {
        have.extend_from_slice(&r.chunk().await.unwrap().expect("more of the zip"));
    }
    drop(r);
    assert!(!unzip_tests_clean(&have), "a cut zip is not whole");

    // It asks for the rest of that same archive, and gets exactly that.
    let from = format!("bytes={}-", have.len());
    let r = zip_request(
        &grace,
        &server,
        &path,
        &[("range", &from), ("if-range", &tag)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.headers()["etag"].to_str().unwrap(), tag);
    let range = r.headers()["content-range"].to_str().unwrap().to_owned();
    let length: usize = r.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let rest = r.bytes().await.unwrap();
    assert_eq!(rest.len(), length);
    let whole = [have.as_slice(), &rest].concat();
    assert_eq!(
        range,
        format!("bytes {}-{}/{}", have.len(), whole.len() - 1, whole.len())
    );
    assert!(unzip_tests_clean(&whole), "the joined zip is whole");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(whole.clone())).unwrap();
    assert_eq!(
        zip.file_names()
            .filter(|n| n.as_ref().is_ok_and(|n| n.starts_with("photos/")))
            .count(),
        4
    );
    let mut index = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("index.html").unwrap(), &mut index).unwrap();
    assert!(index.contains("puddle number 2"), "{index}");

    // Made again under the same tag it is the same bytes, start to end.
    let r = zip_request(
        &grace,
        &server,
        &path,
        &[("range", "bytes=0-"), ("if-range", &tag)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert!(r.bytes().await.unwrap() == whole, "the same archive again");

    // A tag this server has not made recently (its length unknown) is counted first.
    let (fingerprint, secs) = tag.trim_matches('"').split_once('-').unwrap();
    let older = format!("\"{fingerprint}-{}\"", secs.parse::<i64>().unwrap() - 60);
    let r = zip_request(
        &grace,
        &server,
        &path,
        &[("range", "bytes=100-"), ("if-range", &older)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    let range = r.headers()["content-range"].to_str().unwrap().to_owned();
    let rest = r.bytes().await.unwrap();
    assert_eq!(
        range,
        format!("bytes 100-{}/{}", rest.len() + 99, rest.len() + 100)
    );

    // Past the end: 416, in words, with the length.
    let past = format!("bytes={}-", whole.len());
    let r = zip_request(
        &grace,
        &server,
        &path,
        &[("range", &past), ("if-range", &tag)],
    )
    .await;
    assert_eq!(
        r.headers()["content-range"].to_str().unwrap(),
        format!("bytes */{}", whole.len())
    );
    let (status, error, _) = refusal(r).await;
    assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert!(
        error.contains("Download it again from the start"),
        "{error}"
    );

    // A range with a tag that is not ours, or none, gets the whole archive afresh.
    for extra in [
        vec![("range", from.as_str()), ("if-range", "\"not-a-tag\"")],
        vec![("range", from.as_str())],
    ] {
        let r = zip_request(&grace, &server, &path, &extra).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(unzip_tests_clean(&r.bytes().await.unwrap()));
    }

    // The journal changed (a new entry published): the old tag no longer matches, so the
    // phone is given the new archive whole rather than a splice of two.
    let news = observation(priya_id, vec![ava], "Ava found a snail", Status::Published);
    push_accepted(
        &tablet,
        &priya,
        &server,
        vec![json!({"counter": 9, "record_id": news.id, "kind": "observation", "version": 1, "base": 0, "by": priya_id, "body": news})],
    )
    .await;
    let r = zip_request(
        &grace,
        &server,
        &path,
        &[("range", &from), ("if-range", &tag)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_ne!(r.headers()["etag"].to_str().unwrap(), tag);
    let fresh = r.bytes().await.unwrap();
    assert!(unzip_tests_clean(&fresh));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(fresh.to_vec())).unwrap();
    let mut index = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("index.html").unwrap(), &mut index).unwrap();
    assert!(index.contains("Ava found a snail"), "{index}");

    // A manager's download (for a USB stick) resumes the same way.
    let staff_path = format!("/api/children/{ava}/keepsake.zip");
    let r = sam.get(server.url(&staff_path)).send().await.unwrap();
    let tag = r.headers()["etag"].to_str().unwrap().to_owned();
    let whole = r.bytes().await.unwrap();
    let r = sam
        .get(server.url(&staff_path))
        .header("range", "bytes=1000-")
        .header("if-range", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert!(r.bytes().await.unwrap() == whole[1000..]);

    server.stop().await;
}

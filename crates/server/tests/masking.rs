//! Per-family masking of group photos (issue 7 part 5) over real HTTP and SQLite, measured on
//! the pixels: a photo of Ava, Maya (consented to other children's journals) and Noah (whose
//! parent withdrew that consent after the photo was taken). Priya marks the faces in a later
//! version of the photo record, pushed through sync. Ava's mum then gets a copy in which Noah's
//! face differs strongly from the original and has lost its detail, while Maya's is the original
//! up to JPEG re-encoding; Noah's dad gets Noah as he was; a family not in the entry, a
//! thumbnail's id and a photo of Noah with no face marked are "not found".

mod support;

use burrow_core::observation::Observation;
use burrow_core::photo::{FaceRegion, PhotoRecord, has_app1};
use burrow_core::workflow::Status;
use image::codecs::jpeg::JpegEncoder;
use image::{GrayImage, ImageFormat, Rgb, RgbImage};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use support::device::{Tablet, upload_photo};
use support::family::{parent_phone, signed_in};
use support::{TestServer, client, hash, refusal};
use uuid::Uuid;

const W: u32 = 640;
const H: u32 = 480;

/// Pushes one op; returns its answer.
async fn push(tablet: &Tablet, who: &Client, server: &TestServer, op: Value) -> Value {
    let body = serde_json::to_vec(&json!({ "ops": [op] })).unwrap();
    let answer: Value = tablet
        .post(who, server, "/api/sync/push", &body)
        .await
        .json()
        .await
        .unwrap();
    answer["answers"][0].clone()
}

/// A small pseudo-random generator, so the picture is the same on every run.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 56) as u8
    }
}

/// A textured group photo: a soft background and three "faces", each a different pattern with
/// edges (stripes, a checkerboard, rings) and noise on top, saved at the tablets' quality.
fn group_photo() -> Vec<u8> {
    let mut noise = Noise(7);
    let img = RgbImage::from_fn(W, H, |x, y| {
        let n = i32::from(noise.next() % 24) - 12;
        let (fx, fy) = (x as i32, y as i32);
        let base: i32 = match x * 3 / W {
            // Stripes.
            0 => {
                if (fx / 6 + fy / 9) % 2 == 0 {
                    200
                } else {
                    60
                }
            }
            // A checkerboard.
            1 => {
                if (fx / 8 + fy / 8) % 2 == 0 {
                    190
                } else {
                    50
                }
            }
            // Rings.
            _ => {
                let (dx, dy) = (fx - 528, fy - 240);
                if ((dx * dx + dy * dy) as f64).sqrt() as i32 / 7 % 2 == 0 {
                    210
                } else {
                    70
                }
            }
        };
        let v = |shift: i32| (base + shift + n).clamp(0, 255) as u8;
        Rgb([v(0), v(-20), v(15)])
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .unwrap();
    out
}

fn gray(jpeg: &[u8]) -> GrayImage {
    image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg)
        .unwrap()
        .to_luma8()
}

/// A face's pixels: columns and rows, as the server reads ten-thousandths.
fn pixels(r: &FaceRegion) -> (u32, u32, u32, u32) {
    let f = |v: u16, side: u32| u32::from(v) * side / 10_000;
    (f(r.x, W), f(r.y, H), f(r.x + r.w, W), f(r.y + r.h, H))
}

/// Mean absolute difference between two images over a face, in grey levels.
fn mean_abs_diff(a: &GrayImage, b: &GrayImage, r: &FaceRegion) -> f64 {
    let (x0, y0, x1, y1) = pixels(r);
    let mut sum = 0u64;
    for y in y0..y1 {
        for x in x0..x1 {
            sum += u64::from(a.get_pixel(x, y)[0].abs_diff(b.get_pixel(x, y)[0]));
        }
    }
    sum as f64 / f64::from((x1 - x0) * (y1 - y0))
}

/// Detail in a face: the mean absolute difference between neighbouring pixels.
fn edge_energy(img: &GrayImage, r: &FaceRegion) -> f64 {
    let (x0, y0, x1, y1) = pixels(r);
    let mut sum = 0u64;
    for y in y0..y1 - 1 {
        for x in x0..x1 - 1 {
            let p = img.get_pixel(x, y)[0];
            sum += u64::from(p.abs_diff(img.get_pixel(x + 1, y)[0]));
            sum += u64::from(p.abs_diff(img.get_pixel(x, y + 1)[0]));
        }
    }
    sum as f64 / f64::from((x1 - x0 - 1) * (y1 - y0 - 1))
}

async fn fetch(phone: &Tablet, server: &TestServer, id: Uuid) -> reqwest::Response {
    phone
        .send(
            Method::GET,
            &client(),
            server,
            &format!("/api/parent/photos/{id}"),
            b"",
        )
        .await
}

#[tokio::test]
async fn each_family_gets_the_group_photo_with_only_the_faces_it_may_not_see_blurred() {
    let server = TestServer::start_with(|c| c.demo = true).await;
    let sam = signed_in(&server, "Sam Patel").await;
    let priya = signed_in(&server, "Priya Shah").await;
    let priya_id = server.whoami(&priya).await;
    let (ava, maya, noah, isla) = (
        server.child_id(&sam, "Ava").await,
        server.child_id(&sam, "Maya").await,
        server.child_id(&sam, "Noah").await,
        server.child_id(&sam, "Isla").await,
    );
    let r = sam
        .put(server.url("/api/setting/options"))
        .json(&json!({"lock_after_minutes": 5, "validation_required": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Noah could be in a group photo when it was taken; his dad withdraws that afterwards.
    support::family::consent(&server, &sam, noah, "other_journals", true).await;

    let tablet = Tablet::enrol(&server, &sam, "Room 2 tablet").await;
    let photo = group_photo();
    let thumb = support::picture(4_000, 3);
    upload_photo(&tablet, &priya, &server, &photo).await;
    upload_photo(&tablet, &priya, &server, &thumb).await;
    let taken_at = chrono::Utc::now();
    let record = |id: Uuid, children: Vec<Uuid>| PhotoRecord {
        id,
        thumb_id: Uuid::now_v7(),
        children,
        taken_by: priya_id,
        taken_at,
        width: W,
        height: H,
        sha256: Some(hash(&photo)),
        thumb_sha256: Some(hash(&thumb)),
        regions: Vec::new(),
    };
    let group = record(Uuid::now_v7(), vec![ava, maya, noah]);
    // A second photo of Ava and Noah in which nobody will mark Noah's face.
    let unmarked = record(Uuid::now_v7(), vec![ava, noah]);
    let mut obs = Observation::new(
        Uuid::now_v7(),
        priya_id,
        vec![ava, maya, noah],
        chrono::Utc::now(),
    );
    obs.text = "Ava, Maya and Noah built a tower of blocks".into();
    obs.next_steps = "Count the blocks together".into();
    obs.status = Status::Published;
    obs.version = 1;
    obs.photos = vec![group.id, unmarked.id];
    let op = |counter: u64,
              id: Uuid,
              kind: &str,
              version: u64,
              base: u64,
              by: Uuid,
              body: Value| {
        json!({"counter": counter, "record_id": id, "kind": kind, "version": version, "base": base, "by": by, "body": body})
    };
    for (i, p) in [&group, &unmarked].into_iter().enumerate() {
        let a = push(
            &tablet,
            &priya,
            &server,
            op(i as u64 + 1, p.id, "photo", 1, 0, priya_id, json!(p)),
        )
        .await;
        assert_eq!(a["outcome"], "accepted", "{a}");
    }
    let a = push(
        &tablet,
        &priya,
        &server,
        op(3, obs.id, "observation", 1, 0, priya_id, json!(obs)),
    )
    .await;
    assert_eq!(a["outcome"], "accepted", "{a}");
    support::family::consent(&server, &sam, noah, "other_journals", false).await;

    let grace = parent_phone(&server, &sam, "Grace Okafor", &[ava]).await;
    let daniel = parent_phone(&server, &sam, "Daniel Williams", &[noah]).await;
    let anna = parent_phone(&server, &sam, "Anna Kowalski", &[isla]).await;
    // With no face marked, Ava's mum gets neither photo: Noah would be in it unblurred.
    assert_eq!(
        fetch(&grace, &server, group.id).await.status(),
        StatusCode::NOT_FOUND
    );

    // Priya marks the faces: a later version that changes only the regions, on top of the
    // server's version 1.
    let face = |child, x| FaceRegion {
        child,
        x,
        y: 2500,
        w: 2500,
        h: 4000,
    };
    let (ava_face, maya_face, noah_face) = (face(ava, 500), face(maya, 3750), face(noah, 7000));
    let mut marked = group.clone();
    marked.regions = vec![ava_face, maya_face, noah_face];
    let a = push(
        &tablet,
        &priya,
        &server,
        op(4, group.id, "photo", 2, 1, priya_id, json!(marked)),
    )
    .await;
    assert_eq!(a["outcome"], "accepted", "{a}");
    // Anything else about a photo stays as taken, and only its photographer marks faces.
    let mut changed = marked.clone();
    changed.children = vec![ava, maya];
    let a = push(
        &tablet,
        &priya,
        &server,
        op(5, group.id, "photo", 3, 2, priya_id, json!(changed)),
    )
    .await;
    assert_eq!(a["outcome"], "refused", "{a}");
    assert!(
        a["reason"].as_str().unwrap().contains("cannot be changed"),
        "{a}"
    );
    let sam_id = server.whoami(&sam).await;
    let a = push(
        &tablet,
        &sam,
        &server,
        op(6, group.id, "photo", 3, 2, sam_id, json!(marked)),
    )
    .await;
    assert_eq!(a["outcome"], "refused", "{a}");
    assert!(
        a["reason"].as_str().unwrap().contains("person who took"),
        "{a}"
    );
    let mut outside = marked.clone();
    outside.regions[2].x = 9000;
    let a = push(
        &tablet,
        &priya,
        &server,
        op(7, group.id, "photo", 3, 2, priya_id, json!(outside)),
    )
    .await;
    assert_eq!(a["outcome"], "refused", "{a}");
    // Another tablet pulls the marked version.
    let other = Tablet::enrol(&server, &sam, "Room 1 tablet").await;
    let pulled: Value = other
        .send(Method::GET, &sam, &server, "/api/sync/pull?after=0", b"")
        .await
        .json()
        .await
        .unwrap();
    let kept = pulled["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == group.id.to_string())
        .unwrap();
    assert_eq!(kept["version"], 2);
    assert_eq!(kept["body"]["regions"].as_array().unwrap().len(), 3);

    // Ava's mum: the entry lists the marked photo only; fetched, Noah's face is blurred.
    let page: Value = grace
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
    // The phone learns which photo and an opaque fingerprint of its copy; never who is blurred.
    let photos = page["entries"][0]["photos"].as_array().unwrap();
    assert_eq!(photos.len(), 1, "{page}");
    assert_eq!(photos[0]["id"], json!(group.id), "{page}");
    assert_eq!(photos[0]["rendering"].as_str().unwrap().len(), 24, "{page}");
    assert!(!page.to_string().contains(&noah.to_string()), "{page}");
    let r = fetch(&grace, &server, group.id).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let hers = r.bytes().await.unwrap();
    assert!(!has_app1(&hers), "no metadata in the family's copy");
    let (original, hers) = (gray(&photo), gray(&hers));
    assert_eq!(hers.dimensions(), (W, H));

    let noah_diff = mean_abs_diff(&original, &hers, &noah_face);
    let noah_detail = edge_energy(&hers, &noah_face) / edge_energy(&original, &noah_face);
    let maya_diff = mean_abs_diff(&original, &hers, &maya_face);
    let ava_diff = mean_abs_diff(&original, &hers, &ava_face);
    println!(
        "MASKING noah: mean abs diff {noah_diff:.1} levels, detail left {:.1}% | maya: mean abs diff {maya_diff:.2} | ava: {ava_diff:.2}",
        noah_detail * 100.0
    );
    assert!(noah_diff >= 30.0, "Noah's face barely changed: {noah_diff}");
    assert!(
        noah_detail <= 0.2,
        "Noah's face kept {:.0}% of its detail",
        noah_detail * 100.0
    );
    assert!(maya_diff < 4.0, "Maya's face changed: {maya_diff}");
    assert!(ava_diff < 4.0, "Ava's face changed: {ava_diff}");

    // Noah's dad gets his own son as he was: nobody else in it needs blurring for him.
    let r = fetch(&daniel, &server, group.id).await;
    assert_eq!(r.status(), StatusCode::OK);
    let his = gray(&r.bytes().await.unwrap());
    let noah_for_dad = mean_abs_diff(&original, &his, &noah_face);
    println!("MASKING noah for his own family: mean abs diff {noah_for_dad:.2}");
    assert!(noah_for_dad < 4.0, "{noah_for_dad}");
    assert_eq!(
        fetch(&daniel, &server, unmarked.id).await.status(),
        StatusCode::OK
    );

    // Not found, naming nothing: the unmarked photo for Ava's mum, any photo for a family not
    // in the entry, a thumbnail's id, an id that is no photo at all.
    for (phone, id) in [
        (&grace, unmarked.id),
        (&anna, group.id),
        (&grace, group.thumb_id),
        (&grace, Uuid::now_v7()),
    ] {
        let r = fetch(phone, &server, id).await;
        let (status, error, _) = refusal(r).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(
            !error.contains("Noah") && !error.contains(&noah.to_string()),
            "{error}"
        );
    }
    let r = grace
        .send(
            Method::GET,
            &client(),
            &server,
            "/api/parent/photos/not-an-id",
            b"",
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A setting tablet is not a parent's phone.
    let r = tablet
        .send(
            Method::GET,
            &priya,
            &server,
            &format!("/api/parent/photos/{}", group.id),
            b"",
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    server.stop().await;
}

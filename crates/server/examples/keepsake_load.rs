//! P10 (DESIGN §7): a leaver's keepsake. Seeds a release server (demo setting) with a journal
//! of 500 observations and 300 photos of one child, pushed and uploaded from an enrolled tablet
//! as a real one does; restarts the server on the same data (so its peak memory is the
//! keepsake's alone); then, in the same run, times a baseline — reading and decrypting the same
//! 300 photos from the vault — and the manager's download of the keepsake zip to its last byte.
//! Prints `BENCH {json}` lines for P10 (time ÷ baseline) and P10m (the server's peak RSS), and a
//! detail line with the PDF's pages and the zip's bytes.
//!
//! `cargo run -p burrow-server --example keepsake_load --release -- <path to burrow-server>`

use burrow_core::observation::Observation;
use burrow_core::photo::PhotoRecord;
use burrow_core::workflow::Status;
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use serde_json::{Value, json};
use std::io::Read;
use std::time::Instant;
use support::{Error, enrol, peak_rss_mb, sign_in, start_server};
use uuid::Uuid;

mod support;

const OBSERVATIONS: usize = 500;
const PHOTOS: usize = 300;
const BATCH: usize = 50;

/// A 1280×960 photo, different for each `n`, at the tablets' quality.
fn photo(n: usize) -> Vec<u8> {
    let img = RgbImage::from_fn(1280, 960, |x, y| {
        let v = (x + y * 3 + n as u32 * 17) % 251;
        Rgb([v as u8, ((x ^ y) % 256) as u8, ((n * 7) % 256) as u8])
    });
    let mut out = Vec::new();
    let _ = JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img);
    out
}

/// Its 320×240 thumbnail.
fn thumbnail(n: usize) -> Vec<u8> {
    let img = RgbImage::from_fn(320, 240, |x, y| {
        let v = (x * 4 + y * 12 + n as u32 * 17) % 251;
        Rgb([v as u8, ((x ^ y) % 256) as u8, ((n * 7) % 256) as u8])
    });
    let mut out = Vec::new();
    let _ = JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img);
    out
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let binary = std::env::args()
        .nth(1)
        .ok_or("usage: keepsake_load <burrow-server>")?;
    let data = tempfile::tempdir()?;
    let (mut server, url, _, _app) = start_server(&binary, Some(data.path()))?;
    let seeded = async {
        let (sam, _) = sign_in(&url, "Sam Patel").await?;
        sam.put(format!("{url}/api/setting/options"))
            .json(&json!({"lock_after_minutes": 5, "validation_required": false}))
            .send()
            .await?;
        let children: Value = sam
            .get(format!("{url}/api/children"))
            .send()
            .await?
            .json()
            .await?;
        let ava = children
            .as_array()
            .and_then(|a| a.iter().find(|c| c["first_name"] == "Ava"))
            .and_then(|c| c["id"].as_str())
            .ok_or("no Ava in the demo")?;
        let ava = Uuid::parse_str(ava)?;
        let mut tablet = enrol(&url, &sam, 2).await?;
        let me = tablet.staff;
        let mut counter = 0u64;
        let mut hashes = Vec::with_capacity(PHOTOS);
        let mut ops = Vec::new();
        for n in 0..PHOTOS {
            let sha = tablet.upload(&url, photo(n)).await?;
            // Each photo's own thumbnail, as a tablet makes it (the keepsake zip's PDF uses them).
            let thumb_sha = tablet.upload(&url, thumbnail(n)).await?;
            let record = PhotoRecord {
                id: Uuid::now_v7(),
                thumb_id: Uuid::now_v7(),
                children: vec![ava],
                taken_by: me,
                taken_at: chrono::Utc::now(),
                width: 1280,
                height: 960,
                sha256: Some(sha.clone()),
                thumb_sha256: Some(thumb_sha.clone()),
                regions: Vec::new(),
            };
            counter += 1;
            ops.push(json!({"counter": counter, "record_id": record.id, "kind": "photo", "version": 1, "base": 0, "by": me, "body": record}));
            hashes.push((record.id, sha));
        }
        for n in 0..OBSERVATIONS {
            let mut obs = Observation::new(Uuid::now_v7(), me, vec![ava], chrono::Utc::now());
            obs.version = 1;
            obs.status = Status::Published;
            obs.text = format!("Ava built a tower of {n} blocks, counted them aloud and knocked it down, laughing. ").repeat(3);
            obs.next_steps = "Count the blocks together".into();
            obs.tags.aspects = vec!["M.N".into()];
            if let Some((id, _)) = hashes.get(n) {
                obs.photos = vec![*id];
            }
            counter += 1;
            ops.push(json!({"counter": counter, "record_id": obs.id, "kind": "observation", "version": 1, "base": 0, "by": me, "body": obs}));
        }
        tablet.push_all(&url, &ops, BATCH).await?;
        Ok::<_, Error>((ava, hashes))
    }
    .await;
    let _ = server.kill();
    let _ = server.wait();
    let (ava, hashes) = seeded?;

    // The baseline: the same photos read and decrypted from the vault, in this process.
    let vault = burrow_server::photos::PhotoVault::load_or_create(data.path())?;
    let started = Instant::now();
    let mut read = 0usize;
    for (_, sha) in &hashes {
        read += vault.read(sha).map_err(|e| e.class())?.len();
    }
    let baseline = started.elapsed().as_secs_f64();

    // The keepsake, from a fresh server on the same data.
    let (mut server, url, _, app2) = start_server(&binary, Some(data.path()))?;
    let outcome = async {
        let (sam, _) = sign_in(&url, "Sam Patel").await?;
        let started = Instant::now();
        let r = sam
            .get(format!("{url}/api/children/{ava}/keepsake.zip"))
            .send()
            .await?;
        if !r.status().is_success() {
            return Err(format!("keepsake: {}", r.status()).into());
        }
        // Timed to the last byte's arrival; joining the pieces afterwards is the client's work.
        let mut r = r;
        let mut pieces = Vec::new();
        while let Some(piece) = r.chunk().await? {
            pieces.push(piece);
        }
        let took = started.elapsed().as_secs_f64();
        let bytes = pieces.concat();
        // The floor under any archive: the same bytes sent by the same server as a file it
        // already holds, to the same client, timed the same way.
        std::fs::write(app2.path().join("same-bytes.bin"), &bytes)?;
        let started = Instant::now();
        let mut r = sam.get(format!("{url}/same-bytes.bin")).send().await?;
        let mut sent = 0;
        while let Some(piece) = r.chunk().await? {
            sent += piece.len();
        }
        let floor = started.elapsed().as_secs_f64();
        if sent != bytes.len() {
            return Err(format!("the file came back as {sent} bytes").into());
        }
        Ok::<_, Error>((took, bytes, floor))
    }
    .await;
    let rss = peak_rss_mb(server.id());
    let _ = server.kill();
    let _ = server.wait();
    let (took, bytes, floor) = outcome?;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec()))?;
    let photos_in = zip
        .file_names()
        .filter(|n| n.as_ref().is_ok_and(|n| n.starts_with("photos/")))
        .count();
    let mut pdf = Vec::new();
    zip.by_name("Ava-learning-journal.pdf")?
        .read_to_end(&mut pdf)?;
    let pages = String::from_utf8_lossy(&pdf)
        .matches("/Type /Page\n")
        .count()
        .max(String::from_utf8_lossy(&pdf).matches("/Type/Page").count());
    let ratio = (took / baseline * 100.0).round() / 100.0;
    println!(
        "BENCH-DETAIL P10: the same {:.1} MB sent as a plain file by the same server in {floor:.3} s ({:.1}× the baseline): delivery alone, before any photo is read or PDF made",
        bytes.len() as f64 / 1e6,
        floor / baseline
    );
    println!(
        "BENCH-DETAIL P10: keepsake of {OBSERVATIONS} observations and {PHOTOS} photos in {took:.2} s (baseline: reading {PHOTOS} photos, {:.1} MB, from the vault in {baseline:.2} s); zip {:.1} MB with {photos_in} photos; PDF {:.1} MB, about {pages} pages; server peak RSS {rss} MB",
        read as f64 / 1e6,
        bytes.len() as f64 / 1e6,
        pdf.len() as f64 / 1e6,
    );
    println!(
        "BENCH {}",
        json!({"id": "P10", "name": "leaver's keepsake zip ÷ reading its photos from the vault", "value": ratio, "unit": "×", "target": 3.0, "baseline": (baseline * 1000.0).round()})
    );
    println!(
        "BENCH {}",
        json!({"id": "P10m", "name": "server peak RSS while making the keepsake", "value": rss, "unit": "MB", "target": 150.0})
    );
    Ok(())
}

//! P12 (issue 17): a backup of a setting with 1,000 observations and 1,000 photos. Seeds a
//! release server (demo setting) from an enrolled tablet as a real one does, makes the
//! recovery key as a manager would, stops the server; then in the same run times a `tar` of the
//! same data folder synced to disk (the baseline; a backup syncs its file too),
//! `burrow-server backup`, and `burrow-server restore` of it into a new folder. Prints `BENCH`
//! lines for P12 (backup ÷ tar) and P12r (the restore), and tar alone in the detail.
//!
//! `cargo run -p burrow-server --example backup_load --release -- <path to burrow-server>`

use burrow_core::observation::Observation;
use burrow_core::photo::PhotoRecord;
use burrow_core::workflow::Status;
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use serde_json::{Value, json};
use std::process::Command;
use std::time::Instant;
use support::{Error, enrol, sign_in, start_server};
use uuid::Uuid;

mod support;

const OBSERVATIONS: usize = 1000;
const PHOTOS: usize = 1000;
const BATCH: usize = 50;

/// A 1280×960 photo with some grain, different for each `n`, at the tablets' quality.
fn photo(n: usize) -> Vec<u8> {
    let img = RgbImage::from_fn(1280, 960, |x, y| {
        let grain = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503) ^ n as u32) % 23;
        let v = (x + y * 3 + n as u32 * 17 + grain) % 251;
        Rgb([
            v as u8,
            ((x ^ y) % 256) as u8,
            ((n * 7) as u32 + grain) as u8,
        ])
    });
    let mut out = Vec::new();
    let _ = JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img);
    out
}

fn timed(cmd: &mut Command, what: &str) -> Result<f64, Error> {
    let started = Instant::now();
    let out = cmd.output()?;
    let took = started.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(format!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(took)
}

fn folder_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| match e.file_type() {
                    Ok(t) if t.is_dir() => folder_size(&e.path()),
                    _ => e.metadata().map(|m| m.len()).unwrap_or(0),
                })
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let binary = std::env::args()
        .nth(1)
        .ok_or("usage: backup_load <burrow-server>")?;
    let data = tempfile::tempdir()?;
    let (mut server, url, _, _app) = start_server(&binary, Some(data.path()))?;
    let seeded = async {
        let (sam, _) = sign_in(&url, "Sam Patel").await?;
        let children: Value = sam.get(format!("{url}/api/children")).send().await?.json().await?;
        let ava = children
            .as_array()
            .and_then(|a| a.iter().find(|c| c["first_name"] == "Ava"))
            .and_then(|c| c["id"].as_str())
            .ok_or("no Ava in the demo")?;
        let ava = Uuid::parse_str(ava)?;
        let mut tablet = enrol(&url, &sam, 2).await?;
        let me = tablet.staff;
        let mut ops = Vec::new();
        let mut counter = 0u64;
        let mut ids = Vec::with_capacity(PHOTOS);
        for n in 0..PHOTOS {
            let sha = tablet.upload(&url, photo(n)).await?;
            let record = PhotoRecord {
                id: Uuid::now_v7(),
                thumb_id: Uuid::now_v7(),
                children: vec![ava],
                taken_by: me,
                taken_at: chrono::Utc::now(),
                width: 1280,
                height: 960,
                sha256: Some(sha.clone()),
                thumb_sha256: Some(sha),
                regions: Vec::new(),
            };
            counter += 1;
            ops.push(json!({"counter": counter, "record_id": record.id, "kind": "photo", "version": 1, "base": 0, "by": me, "body": record}));
            ids.push(record.id);
        }
        for n in 0..OBSERVATIONS {
            let mut obs = Observation::new(Uuid::now_v7(), me, vec![ava], chrono::Utc::now());
            obs.version = 1;
            obs.status = Status::Submitted;
            obs.text = format!("Ava built a tower of {n} blocks, counted them aloud and knocked it down, laughing. ").repeat(3);
            obs.next_steps = "Count the blocks together".into();
            obs.photos = vec![ids[n % ids.len()]];
            counter += 1;
            ops.push(json!({"counter": counter, "record_id": obs.id, "kind": "observation", "version": 1, "base": 0, "by": me, "body": obs}));
        }
        tablet.push_all(&url, &ops, BATCH).await?;
        let key: Value = sam
            .post(format!("{url}/api/backups/recovery-key"))
            .json(&json!({}))
            .send()
            .await?
            .json()
            .await?;
        Ok::<_, Error>(key["recovery_key"].as_str().ok_or("no recovery key")?.to_owned())
    }
    .await;
    let _ = server.kill();
    let _ = server.wait();
    let key = seeded?;

    let out = tempfile::tempdir()?;
    let size = folder_size(data.path());
    // Both read the same folder, warm in the page cache the same way: tar once unmeasured.
    let tar = |file: &str| {
        let mut c = Command::new("tar");
        c.arg("-cf")
            .arg(out.path().join(file))
            .arg("-C")
            .arg(data.path())
            .arg(".");
        c
    };
    timed(&mut tar("warm.tar"), "tar")?;
    let tar_alone = timed(&mut tar("data.tar"), "tar")?;
    // The baseline is a tar that is on the disk when it is done, as a backup must be (the
    // backup syncs its file before it says so): the same tar again, then `sync FILE`.
    let baseline = timed(&mut tar("durable.tar"), "tar")?
        + timed(
            Command::new("sync").arg(out.path().join("durable.tar")),
            "sync",
        )?;
    let backup = out.path().join("burrow.age");
    let took = timed(
        Command::new(&binary)
            .arg("--data-dir")
            .arg(data.path())
            .arg("backup")
            .arg("--to")
            .arg(&backup)
            .env("RUST_LOG", "off"),
        "burrow-server backup",
    )?;
    let key_file = out.path().join("key.txt");
    std::fs::write(&key_file, &key)?;
    let restored = out.path().join("restored");
    let restore = timed(
        Command::new(&binary)
            .args(["restore", "--from"])
            .arg(&backup)
            .arg("--data-dir")
            .arg(&restored)
            .arg("--recovery-key-file")
            .arg(&key_file)
            .env("RUST_LOG", "off"),
        "burrow-server restore",
    )?;
    let backup_size = std::fs::metadata(&backup)?.len();
    let ratio = (took / baseline * 100.0).round() / 100.0;
    println!(
        "BENCH-DETAIL P12: a data folder of {:.1} MB ({OBSERVATIONS} observations, {PHOTOS} photos): tar {tar_alone:.2} s ({:.2}× that), tar synced to disk {baseline:.2} s, backup (synced) {took:.2} s to {:.1} MB, restore {restore:.2} s",
        size as f64 / 1e6,
        took / tar_alone,
        backup_size as f64 / 1e6
    );
    println!(
        "BENCH {}",
        json!({"id": "P12", "name": "backup of 1,000 observations and 1,000 photos ÷ tar of the same folder, both synced to disk", "value": ratio, "unit": "×", "target": 1.5, "baseline": (baseline * 100.0).round() / 100.0})
    );
    println!(
        "BENCH {}",
        json!({"id": "P12r", "name": "restore of that backup into a new folder", "value": (restore * 100.0).round() / 100.0, "unit": "s", "target": 60.0})
    );
    Ok(())
}

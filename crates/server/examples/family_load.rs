//! P13 (issue 19 part 6): a morning drop-off. A setting of 150 children, each with a year of
//! published entries (80 each, one in four with a photo), and 100 parents' phones syncing their
//! family journals at once on the setting's Wi-Fi: every journal page from the start, then every
//! photo in it, as the phone does. Prints `BENCH {json}` lines for P13 (p99 of a journal page),
//! P13p (p99 of a photo fetch) and P13m (the server's peak resident memory, VmHWM from /proc),
//! and a detail line with the medians and the wall time.
//!
//! `cargo run -p burrow-server --example family_load --release -- <path to burrow-server>`

use burrow_core::observation::Observation;
use burrow_core::photo::PhotoRecord;
use burrow_core::workflow::Status;
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use reqwest::Client;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use uuid::Uuid;

const CHILDREN: usize = 150;
const PHONES: usize = 100;
const ENTRIES: usize = 80;
/// One entry in this many has a photo.
const PHOTO_EVERY: usize = 4;

use support::{Error, Tablet, enrol, peak_rss_mb, reset_peak_rss, rss_mb, sign_in, start_server};

mod support;

const FIRST: [&str; 15] = [
    "Ava", "Noah", "Isla", "Leo", "Maya", "Oscar", "Freya", "Arlo", "Ivy", "Theo", "Rosie",
    "Alfie", "Esme", "Finn", "Nia",
];
const SURNAMES: [&str; 10] = [
    "Okafor", "Williams", "Kowalski", "Hughes", "Begum", "Smith", "Patel", "Jones", "Nowak",
    "Evans",
];

/// A photo as a tablet sends one: 2,048 pixels wide with a little grain, about 300 KB (the
/// size P6 takes for a tablet's photo).
fn photo() -> Result<Vec<u8>, Error> {
    let mut x = 0x9e37_79b9u32;
    let img = RgbImage::from_fn(2048, 1536, |px, py| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let grain = (x & 15) as u8;
        Rgb([
            (px / 9) as u8 ^ grain,
            (py / 7) as u8 ^ grain,
            ((px + py) / 13) as u8,
        ])
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img)?;
    Ok(out)
}

/// A phone enrolled with its family's code, signing its requests as the app does.
async fn phone(url: &str, code: &str) -> Result<Tablet, Error> {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
        .map_err(|_| "key generation failed")?;
    let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
        .map_err(|_| "key parsing failed")?;
    let enrolled: Value = Client::new()
        .post(format!("{url}/api/parents/enrol"))
        .json(&json!({"code": code, "public_key": hex::encode(key.public_key().as_ref())}))
        .send()
        .await?
        .json()
        .await?;
    let id = enrolled["device_id"]
        .as_str()
        .ok_or_else(|| format!("the phone was not enrolled: {enrolled}"))?
        .to_owned();
    Ok(Tablet {
        key,
        rng,
        id,
        client: Client::new(),
        staff: Uuid::nil(),
        sent: 0,
    })
}

/// One phone at drop-off: its journal page by page from the start, then each photo in it.
async fn drop_off(url: String, mut phone: Tablet) -> Result<(Vec<Duration>, Vec<Duration>), Error> {
    let mut pages = Vec::new();
    let mut photos = Vec::new();
    let mut after = 0u64;
    let mut wanted: Vec<String> = Vec::new();
    loop {
        let start = Instant::now();
        let page: Value = phone
            .send(
                &url,
                "GET",
                &format!("/api/parent/journal?after={after}"),
                Vec::new(),
            )
            .await?;
        pages.push(start.elapsed());
        for entry in page["entries"].as_array().into_iter().flatten() {
            for p in entry["photos"].as_array().into_iter().flatten() {
                if let Some(id) = p["id"].as_str() {
                    wanted.push(id.to_owned());
                }
            }
        }
        after = page["last"].as_u64().ok_or("a page with no last")?;
        if page["more"] != true {
            break;
        }
    }
    for id in wanted {
        let start = Instant::now();
        let bytes = phone
            .fetch(&url, &format!("/api/parent/photos/{id}"))
            .await?;
        photos.push(start.elapsed());
        if bytes.len() < 1_000 {
            return Err("a photo came back too small".into());
        }
    }
    Ok((pages, photos))
}

fn percentile(sorted: &[Duration], p: f64) -> u128 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_millis()
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let binary = std::env::args()
        .nth(1)
        .ok_or("usage: family_load <path to burrow-server>")?;
    let (mut server, url, _data, _app) = start_server(&binary, None)?;
    let pid = server.id();
    let outcome = async {
        let (sam, _) = sign_in(&url, "Sam Patel").await?;
        let r = sam
            .put(format!("{url}/api/setting/options"))
            .json(&json!({"lock_after_minutes": 5, "validation_required": false}))
            .send()
            .await?;
        if !r.status().is_success() {
            return Err(format!("options: {}", r.status()).into());
        }
        let mut tablet = enrol(&url, &sam, 2).await?;
        let today = chrono::Utc::now().date_naive();
        let review = today + chrono::Duration::days(300);

        // The setting: 150 children, each with consent to photos in their journal.
        let mut children = Vec::with_capacity(CHILDREN);
        for n in 0..CHILDREN {
            let made: Value = sam
                .post(format!("{url}/api/children"))
                .json(&json!({
                    "first_name": FIRST[n % FIRST.len()],
                    "surname": format!("{}-{}", SURNAMES[n % SURNAMES.len()], SURNAMES[(n / SURNAMES.len()) % SURNAMES.len()]),
                    "date_of_birth": today - chrono::Duration::days(900 + n as i64),
                    "start_date": today - chrono::Duration::days(400),
                    "key_person_id": tablet.staff,
                }))
                .send()
                .await?
                .json()
                .await?;
            let child = Uuid::parse_str(made["id"].as_str().ok_or_else(|| format!("no child: {made}"))?)?;
            let r = sam
                .post(format!("{url}/api/children/{child}/consents"))
                .json(&json!({"purpose": "journal_photos", "granted": true, "given_by": "A parent",
                    "how": {"kind": "signed_on_tablet"}, "review_by": review}))
                .send()
                .await?;
            if !r.status().is_success() {
                return Err(format!("consent: {}", r.status()).into());
            }
            children.push(child);
        }

        // A year of published entries, one in four with a photo (the same bytes: the vault
        // holds them once, and every fetch still reads and opens them).
        let bytes = photo()?;
        let photo_kb = bytes.len() / 1024;
        let sha = tablet.upload(&url, bytes).await?;
        let mut counter = 0u64;
        let mut ops = Vec::new();
        let mut op = |id: Uuid, kind: &str, body: Value, by: Uuid| {
            counter += 1;
            json!({"counter": counter, "record_id": id, "kind": kind, "version": 1, "base": 0, "by": by, "body": body})
        };
        let now = chrono::Utc::now();
        for &child in &children {
            for e in 0..ENTRIES {
                let mut obs = Observation::new(
                    Uuid::now_v7(),
                    tablet.staff,
                    vec![child],
                    now - chrono::Duration::hours((e as i64) * 24 * 365 / ENTRIES as i64 + 1),
                );
                obs.version = 1;
                obs.status = Status::Published;
                obs.text = "Built a tower of wooden blocks, counted the bricks aloud and then knocked it down, laughing.".into();
                obs.next_steps = "Count to twenty together.".into();
                obs.tags.aspects = vec!["M.N".into(), "PD.FM".into()];
                if e % PHOTO_EVERY == 0 {
                    let record = PhotoRecord {
                        id: Uuid::now_v7(),
                        thumb_id: Uuid::now_v7(),
                        children: vec![child],
                        taken_by: tablet.staff,
                        taken_at: now,
                        width: 2048,
                        height: 1536,
                        sha256: Some(sha.clone()),
                        thumb_sha256: Some(sha.clone()),
                        regions: Vec::new(),
                    };
                    obs.photos.push(record.id);
                    ops.push(op(record.id, "photo", json!(record), tablet.staff));
                }
                ops.push(op(obs.id, "observation", json!(obs), tablet.staff));
            }
        }
        let seeded = Instant::now();
        tablet.push_all(&url, &ops, 200).await?;
        let seed_s = seeded.elapsed().as_secs_f64();

        // 100 families, each with their phone set up.
        let mut phones = Vec::with_capacity(PHONES);
        for (n, child) in children.iter().take(PHONES).enumerate() {
            let linked: Value = sam
                .post(format!("{url}/api/parents"))
                .json(&json!({"name": format!("Parent {}", FIRST[n % FIRST.len()]), "children": [child]}))
                .send()
                .await?
                .json()
                .await?;
            let code = linked["invite_code"]
                .as_str()
                .ok_or_else(|| format!("no invite code: {linked}"))?;
            phones.push(phone(&url, code).await?);
        }

        // Drop-off: every phone at once; the peak memory from here on.
        let before = rss_mb(pid);
        reset_peak_rss(pid);
        let started = Instant::now();
        let runs: Vec<_> = phones
            .into_iter()
            .map(|p| tokio::spawn(drop_off(url.clone(), p)))
            .collect();
        let mut pages = Vec::new();
        let mut photos = Vec::new();
        for run in runs {
            let (p, f) = run.await??;
            pages.extend(p);
            photos.extend(f);
        }
        Ok::<_, Error>((pages, photos, started.elapsed(), seed_s, photo_kb, before))
    }
    .await;
    let rss = peak_rss_mb(server.id());
    let _ = server.kill();
    let _ = server.wait();
    let (mut pages, mut photos, wall, seed_s, photo_kb, before) = outcome?;
    pages.sort();
    photos.sort();
    println!(
        "BENCH-DETAIL P13: {PHONES} phones at once against {CHILDREN} children × {ENTRIES} entries (seeded in {seed_s:.1} s): {} journal pages, median {} ms, p99 {} ms; {} photos of {photo_kb} KB, median {} ms, p99 {} ms; all done in {:.1} s; server RSS {before} MB before, peak {rss} MB",
        pages.len(),
        percentile(&pages, 0.5),
        percentile(&pages, 0.99),
        photos.len(),
        percentile(&photos, 0.5),
        percentile(&photos, 0.99),
        wall.as_secs_f64(),
    );
    println!(
        "BENCH {}",
        json!({"id": "P13", "name": format!("a journal page's p99, {PHONES} parents' phones at drop-off (baseline: median)"), "value": percentile(&pages, 0.99), "unit": "ms", "target": 500.0, "baseline": percentile(&pages, 0.5)})
    );
    println!(
        "BENCH {}",
        json!({"id": "P13p", "name": format!("a photo fetch's p99, {PHONES} phones at drop-off (baseline: median)"), "value": percentile(&photos, 0.99), "unit": "ms", "target": 500.0, "baseline": percentile(&photos, 0.5)})
    );
    println!(
        "BENCH {}",
        json!({"id": "P13m", "name": format!("server peak RSS while {PHONES} phones sync at once"), "value": rss, "unit": "MB", "target": 150.0})
    );
    Ok(())
}

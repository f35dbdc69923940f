//! P7 (DESIGN §7): the server with 30 tablets syncing at once. Starts the given burrow-server
//! binary on loopback with the demo setting, enrols 30 tablets (each with a member of staff
//! signed in), then every tablet pushes its outbox in batches of 50 observations, all at once,
//! and pulls. Prints `BENCH {json}` lines for P7 (p99 push time) and P8 (the server's peak
//! resident memory, VmHWM from /proc), and a detail line with the median and the pull time.
//!
//! `cargo run -p burrow-server --example sync_load --release -- <path to burrow-server>`

use burrow_core::device::{header, proof_message};
use burrow_core::observation::Observation;
use reqwest::Client;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use uuid::Uuid;

const TABLETS: usize = 30;
const BATCHES: usize = 10;
const BATCH: usize = 50;
const PASSPHRASE: &str = "teapot river lantern";
const STAFF: [&str; 4] = ["Sam Patel", "Jo Bloggs", "Priya Shah", "Tom Evans"];

type Error = Box<dyn std::error::Error + Send + Sync>;

struct Tablet {
    key: EcdsaKeyPair,
    rng: SystemRandom,
    id: String,
    client: Client,
    staff: Uuid,
    sent: u64,
}

impl Tablet {
    async fn send<T: serde::de::DeserializeOwned>(
        &mut self,
        url: &str,
        method: &str,
        path: &str,
        body: Vec<u8>,
    ) -> Result<T, Error> {
        self.sent += 1;
        let hash: [u8; 32] = Sha256::digest(&body).into();
        let time = chrono::Utc::now().timestamp();
        let nonce = format!("{}-{:08}", &self.id[..8], self.sent);
        let sig = self
            .key
            .sign(&self.rng, &proof_message(method, path, &hash, time, &nonce))
            .map_err(|_| "signing failed")?;
        let req = match method {
            "GET" => self.client.get(format!("{url}{path}")),
            _ => self
                .client
                .post(format!("{url}{path}"))
                .header("content-type", "application/json")
                .body(body),
        };
        let r = req
            .header(header::DEVICE, &self.id)
            .header(header::TIME, time.to_string())
            .header(header::NONCE, nonce)
            .header(header::PROOF, hex::encode(sig.as_ref()))
            .send()
            .await?;
        let status = r.status();
        let text = r.text().await?;
        if !status.is_success() {
            return Err(format!("{method} {path}: {status} {text}").into());
        }
        Ok(serde_json::from_str(&text)?)
    }
}

async fn sign_in(url: &str, name: &str) -> Result<(Client, Uuid), Error> {
    let client = Client::builder().cookie_store(true).build()?;
    let r = client
        .post(format!("{url}/api/session"))
        .json(&json!({"name": name, "passphrase": PASSPHRASE}))
        .send()
        .await?;
    if !r.status().is_success() {
        return Err(format!("sign-in as {name}: {}", r.status()).into());
    }
    let me: Value = client
        .get(format!("{url}/api/session"))
        .send()
        .await?
        .json()
        .await?;
    let id = Uuid::parse_str(me["staff"]["id"].as_str().ok_or("no staff id")?)?;
    Ok((client, id))
}

async fn enrol(url: &str, manager: &Client, n: usize) -> Result<Tablet, Error> {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
        .map_err(|_| "key generation failed")?;
    let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
        .map_err(|_| "key parsing failed")?;
    let asked: Value = Client::new()
        .post(format!("{url}/api/devices"))
        .json(&json!({"public_key": hex::encode(key.public_key().as_ref())}))
        .send()
        .await?
        .json()
        .await?;
    let id = asked["id"].as_str().ok_or("no device id")?.to_owned();
    let r = manager
        .post(format!("{url}/api/devices/{id}/approve"))
        .json(&json!({"code": asked["code"], "name": format!("Tablet {n}")}))
        .send()
        .await?;
    if !r.status().is_success() {
        return Err(format!("approving tablet {n}: {}", r.status()).into());
    }
    let (client, staff) = sign_in(url, STAFF[n % STAFF.len()]).await?;
    Ok(Tablet {
        key,
        rng,
        id,
        client,
        staff,
        sent: 0,
    })
}

/// One tablet's day: its outbox in batches, each timed, then a pull from the start.
async fn sync(url: String, mut tablet: Tablet) -> Result<(Vec<Duration>, Duration), Error> {
    let mut counter = 0u64;
    let mut times = Vec::with_capacity(BATCHES);
    let child = Uuid::now_v7();
    for _ in 0..BATCHES {
        let ops: Vec<Value> = (0..BATCH)
            .map(|_| {
                counter += 1;
                let mut obs = Observation::new(Uuid::now_v7(), tablet.staff, vec![child], chrono::Utc::now());
                obs.version = 1;
                obs.text = "Built a tower of wooden blocks, counted the bricks aloud and then knocked it down, laughing. ".repeat(5);
                json!({"counter": counter, "record_id": obs.id, "kind": "observation", "version": 1, "base": 0, "by": tablet.staff, "body": obs})
            })
            .collect();
        let body = serde_json::to_vec(&json!({ "ops": ops }))?;
        let start = Instant::now();
        let answer: Value = tablet.send(&url, "POST", "/api/sync/push", body).await?;
        times.push(start.elapsed());
        let accepted = answer["answers"].as_array().map_or(0, |a| {
            a.iter().filter(|a| a["outcome"] == "accepted").count()
        });
        if accepted != BATCH {
            return Err(format!("only {accepted} of {BATCH} accepted: {answer}").into());
        }
    }
    let start = Instant::now();
    let mut after = 0;
    loop {
        // The records are read past, not into memory: the client should not crowd the server.
        let page: Page = tablet
            .send(
                &url,
                "GET",
                &format!("/api/sync/pull?after={after}"),
                Vec::new(),
            )
            .await?;
        after = page.last;
        if !page.more {
            break;
        }
    }
    Ok((times, start.elapsed()))
}

#[derive(serde::Deserialize)]
struct Page {
    #[allow(dead_code)]
    records: serde::de::IgnoredAny,
    last: u64,
    more: bool,
}

fn peak_rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| (kb / 1024.0 * 10.0).round() / 10.0)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    (sorted[i].as_secs_f64() * 1000.0 * 10.0).round() / 10.0
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let binary = std::env::args()
        .nth(1)
        .ok_or("usage: sync_load <burrow-server>")?;
    let data = tempfile::tempdir()?;
    let app = tempfile::tempdir()?;
    std::fs::write(app.path().join("index.html"), "<!doctype html>")?;
    let mut server = Command::new(&binary)
        .args([
            "--http",
            "127.0.0.1:0",
            "--https",
            "off",
            "--demo",
            "--app-dir",
        ])
        .arg(app.path())
        .arg("--data-dir")
        .arg(data.path())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = server.stdout.take().ok_or("no stdout")?;
    let url = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            l.trim()
                .strip_prefix("On this computer:")
                .map(|u| u.trim().to_owned())
        })
        .ok_or("burrow-server did not print its address")?;
    let outcome = async {
        let (manager, _) = sign_in(&url, "Sam Patel").await?;
        let mut tablets = Vec::with_capacity(TABLETS);
        for n in 0..TABLETS {
            tablets.push(enrol(&url, &manager, n).await?);
        }
        let started = Instant::now();
        let runs: Vec<_> = tablets
            .into_iter()
            .map(|t| tokio::spawn(sync(url.clone(), t)))
            .collect();
        let mut pushes = Vec::new();
        let mut pulls = Vec::new();
        for run in runs {
            let (times, pull) = run.await??;
            pushes.extend(times);
            pulls.push(pull);
        }
        Ok::<_, Error>((pushes, pulls, started.elapsed()))
    }
    .await;
    let rss = peak_rss_mb(server.id());
    let _ = server.kill();
    let _ = server.wait();
    let (mut pushes, mut pulls, wall) = outcome?;
    pushes.sort();
    pulls.sort();
    println!(
        "BENCH-DETAIL P7: {TABLETS} tablets × {BATCHES} pushes of {BATCH} observations in {:.1} s; push median {} ms, p99 {} ms; pull of {} records median {} ms; server peak RSS {rss} MB",
        wall.as_secs_f64(),
        percentile(&pushes, 0.5),
        percentile(&pushes, 0.99),
        TABLETS * BATCHES * BATCH,
        percentile(&pulls, 0.5),
    );
    println!(
        "BENCH {}",
        json!({"id": "P7", "name": format!("push p99, {TABLETS} tablets syncing at once (baseline: median)"), "value": percentile(&pushes, 0.99), "unit": "ms", "target": 200.0, "baseline": percentile(&pushes, 0.5)})
    );
    println!(
        "BENCH {}",
        json!({"id": "P8", "name": format!("server peak RSS while {TABLETS} tablets sync at once"), "value": rss, "unit": "MB", "target": 150.0})
    );
    Ok(())
}

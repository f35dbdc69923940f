//! What the server's load benchmarks share: a release server started on loopback with the demo
//! setting, staff signed in, and tablets that enrol and sign their requests as a real one does.

#![allow(dead_code)]

use burrow_core::device::{header, proof_message};
use reqwest::Client;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use uuid::Uuid;

pub const PASSPHRASE: &str = "teapot river lantern";
pub const STAFF: [&str; 4] = ["Sam Patel", "Jo Bloggs", "Priya Shah", "Tom Evans"];

pub type Error = Box<dyn std::error::Error + Send + Sync>;

pub struct Tablet {
    pub key: EcdsaKeyPair,
    pub rng: SystemRandom,
    pub id: String,
    pub client: Client,
    pub staff: Uuid,
    pub sent: u64,
}

impl Tablet {
    /// Pushes `ops` in batches of `batch`, as sync does; every one must be accepted.
    pub async fn push_all(&mut self, url: &str, ops: &[Value], batch: usize) -> Result<(), Error> {
        for chunk in ops.chunks(batch) {
            let body = serde_json::to_vec(&json!({ "ops": chunk }))?;
            let answer: Value = self.send(url, "POST", "/api/sync/push", body).await?;
            let refused = answer["answers"].as_array().map_or(0, |a| {
                a.iter().filter(|a| a["outcome"] != "accepted").count()
            });
            if refused > 0 {
                return Err(format!("{refused} refused: {answer}").into());
            }
        }
        Ok(())
    }

    /// Uploads a photo as sync does (asks what the server lacks, then sends it in pieces); its
    /// SHA-256 in hex.
    pub async fn upload(&mut self, url: &str, bytes: Vec<u8>) -> Result<String, Error> {
        let sha = hex::encode(Sha256::digest(&bytes));
        let ask = serde_json::to_vec(&json!({"photos": [{"sha256": sha, "size": bytes.len()}]}))?;
        let _: Value = self.send(url, "POST", "/api/photos/missing", ask).await?;
        let chunk = burrow_core::sync::UPLOAD_CHUNK;
        for (n, piece) in bytes.chunks(chunk).enumerate() {
            let path = format!("/api/photos/{sha}?offset={}", n * chunk);
            let _: Value = self.send(url, "PUT", &path, piece.to_vec()).await?;
        }
        Ok(sha)
    }

    /// A signed GET whose answer is not JSON (a photo): its bytes.
    pub async fn fetch(&mut self, url: &str, path: &str) -> Result<Vec<u8>, Error> {
        let r = self.signed("GET", url, path, Vec::new()).send().await?;
        let status = r.status();
        let bytes = r.bytes().await?;
        if !status.is_success() {
            return Err(format!("GET {path}: {status}").into());
        }
        Ok(bytes.to_vec())
    }

    pub async fn send<T: serde::de::DeserializeOwned>(
        &mut self,
        url: &str,
        method: &str,
        path: &str,
        body: Vec<u8>,
    ) -> Result<T, Error> {
        let r = self.signed(method, url, path, body).send().await?;
        let status = r.status();
        let text = r.text().await?;
        if !status.is_success() {
            return Err(format!("{method} {path}: {status} {text}").into());
        }
        Ok(serde_json::from_str(&text)?)
    }

    /// The request, signed as the device signs it.
    fn signed(
        &mut self,
        method: &str,
        url: &str,
        path: &str,
        body: Vec<u8>,
    ) -> reqwest::RequestBuilder {
        self.sent += 1;
        let hash: [u8; 32] = Sha256::digest(&body).into();
        let time = chrono::Utc::now().timestamp();
        let nonce = format!("{}-{:08}", &self.id[..8], self.sent);
        // A signature that fails (it does not, with ring's P-256) is sent empty and refused.
        let sig = self
            .key
            .sign(&self.rng, &proof_message(method, path, &hash, time, &nonce))
            .map(|s| hex::encode(s.as_ref()))
            .unwrap_or_default();
        let req = match method {
            "GET" => self.client.get(format!("{url}{path}")),
            "PUT" => self
                .client
                .put(format!("{url}{path}"))
                .header("content-type", "application/octet-stream")
                .body(body),
            _ => self
                .client
                .post(format!("{url}{path}"))
                .header("content-type", "application/json")
                .body(body),
        };
        req.header(header::DEVICE, &self.id)
            .header(header::TIME, time.to_string())
            .header(header::NONCE, nonce)
            .header(header::PROOF, sig)
    }
}

pub async fn sign_in(url: &str, name: &str) -> Result<(Client, Uuid), Error> {
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

pub async fn enrol(url: &str, manager: &Client, n: usize) -> Result<Tablet, Error> {
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

/// Resets the kernel's record of the process's peak memory, so the next `peak_rss_mb` covers
/// only what follows.
pub fn reset_peak_rss(pid: u32) {
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}

pub fn peak_rss_mb(pid: u32) -> f64 {
    status_mb(pid, "VmHWM:")
}

/// The process's resident memory now.
pub fn rss_mb(pid: u32) -> f64 {
    status_mb(pid, "VmRSS:")
}

fn status_mb(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| (kb / 1024.0 * 10.0).round() / 10.0)
}

/// Starts `binary` on loopback with the demo setting (on `data`, or a new folder); returns the
/// process, its address and the folders to keep alive.
pub fn start_server(
    binary: &str,
    data: Option<&Path>,
) -> Result<(Child, String, Option<tempfile::TempDir>, tempfile::TempDir), Error> {
    let own = match data {
        Some(_) => None,
        None => Some(tempfile::tempdir()?),
    };
    let data_dir = data
        .map(Path::to_path_buf)
        .or_else(|| own.as_ref().map(|d| d.path().to_path_buf()))
        .ok_or("no data folder")?;
    let app = tempfile::tempdir()?;
    std::fs::write(app.path().join("index.html"), "<!doctype html>")?;
    let mut server = Command::new(binary)
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
        .arg(&data_dir)
        // BURROW_BENCH_LOG=burrow_server=debug shows the server's own timings (the keepsake's
        // PDF and photos, say) on stderr while a figure is measured.
        .env(
            "RUST_LOG",
            std::env::var("BURROW_BENCH_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::piped())
        .stderr(if std::env::var_os("BURROW_BENCH_LOG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .spawn()?;
    let stdout = server.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
    let url = lines
        .by_ref()
        .find_map(|l| {
            l.trim()
                .strip_prefix("On this computer:")
                .map(|u| u.trim().to_owned())
        })
        .ok_or("burrow-server did not print its address")?;
    // The rest is read too, so the server never writes into a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Ok((server, url, own, app))
}

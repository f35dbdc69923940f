//! A tablet's device key and signed requests, made with ring as WebCrypto would make them.

use super::Base as TestServer;
use burrow_core::device::{header, proof_message};
use reqwest::{Client, StatusCode};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub struct Tablet {
    key: EcdsaKeyPair,
    rng: SystemRandom,
    pub id: String,
    nonces: std::cell::Cell<u64>,
}

impl Tablet {
    pub fn new() -> Tablet {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        Tablet {
            key,
            rng,
            id: String::new(),
            nonces: std::cell::Cell::new(0),
        }
    }

    pub fn public_hex(&self) -> String {
        hex::encode(self.key.public_key().as_ref())
    }

    /// The proof headers for `method path body` at `time` with `nonce`.
    pub fn proof(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        time: i64,
        nonce: &str,
    ) -> Vec<(&'static str, String)> {
        let hash: [u8; 32] = Sha256::digest(body).into();
        let sig = self
            .key
            .sign(&self.rng, &proof_message(method, path, &hash, time, nonce))
            .unwrap();
        vec![
            (header::DEVICE, self.id.clone()),
            (header::TIME, time.to_string()),
            (header::NONCE, nonce.to_owned()),
            (header::PROOF, hex::encode(sig.as_ref())),
        ]
    }

    /// This key's signature over `message`, in hex (a door key's word for an enrolment).
    pub fn sign_message(&self, message: &[u8]) -> String {
        hex::encode(self.key.sign(&self.rng, message).unwrap().as_ref())
    }

    /// A fresh proof for a POST of `body` to `path` now.
    pub fn sign_post(&self, path: &str, body: &[u8]) -> Vec<(&'static str, String)> {
        self.sign("POST", path, body)
    }

    /// A fresh proof for `method path body` now.
    pub fn sign(&self, method: &str, path: &str, body: &[u8]) -> Vec<(&'static str, String)> {
        let n = self.nonces.get() + 1;
        self.nonces.set(n);
        let nonce = format!("{}-{n:08}", &self.id[..8]);
        self.proof(method, path, body, chrono::Utc::now().timestamp(), &nonce)
    }

    /// Any request signed by this tablet, as `client`.
    pub async fn send(
        &self,
        method: reqwest::Method,
        client: &Client,
        server: &impl TestServer,
        path: &str,
        body: &[u8],
    ) -> reqwest::Response {
        let mut req = client
            .request(method.clone(), server.url(path))
            .body(body.to_vec());
        if !body.is_empty() {
            req = req.header("content-type", "application/json");
        }
        for (k, v) in self.sign(method.as_str(), path, body) {
            req = req.header(k, v);
        }
        req.send().await.unwrap()
    }

    /// Asks to enrol and has `manager` approve it with its code.
    pub async fn enrol(server: &impl TestServer, manager: &Client, name: &str) -> Tablet {
        let mut tablet = Tablet::new();
        let r = Client::new()
            .post(server.url("/api/devices"))
            .json(&json!({"public_key": tablet.public_hex()}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let asked: Value = r.json().await.unwrap();
        tablet.id = asked["id"].as_str().unwrap().to_owned();
        let r = manager
            .post(server.url(&format!("/api/devices/{}/approve", tablet.id)))
            .json(&json!({"code": asked["code"], "name": name}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        tablet
    }

    /// POSTs `body` to `path` signed by this tablet, as `client` (whose cookie says who).
    pub async fn post(
        &self,
        client: &Client,
        server: &impl TestServer,
        path: &str,
        body: &[u8],
    ) -> reqwest::Response {
        self.try_post(client, server, path, body).await.unwrap()
    }

    /// As `post`, for a server that may not answer (killed on purpose).
    pub async fn try_post(
        &self,
        client: &Client,
        server: &impl TestServer,
        path: &str,
        body: &[u8],
    ) -> reqwest::Result<reqwest::Response> {
        let mut req = client
            .post(server.url(path))
            .header("content-type", "application/json")
            .body(body.to_vec());
        for (k, v) in self.sign_post(path, body) {
            req = req.header(k, v);
        }
        req.send().await
    }
}

/// Uploads a photo from `tablet` as `who`, as sync does: asks what the server lacks, then sends
/// it whole in one piece.
pub async fn upload_photo(tablet: &Tablet, who: &Client, server: &impl TestServer, photo: &[u8]) {
    let sha = super::hash(photo);
    let body =
        serde_json::to_vec(&json!({"photos": [{"sha256": sha, "size": photo.len()}]})).unwrap();
    let r = tablet.post(who, server, "/api/photos/missing", &body).await;
    assert_eq!(r.status(), StatusCode::OK);
    let path = format!("/api/photos/{sha}?offset=0");
    let r = tablet
        .send(reqwest::Method::PUT, who, server, &path, photo)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

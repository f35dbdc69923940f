//! A real burrow-server on loopback ports with its own SQLite file, and clients for it.
#![allow(dead_code)]

pub mod device;
pub mod family;
pub mod process;

use burrow_server::{Config, Running};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use std::net::SocketAddr;
use tempfile::TempDir;

pub const PASSPHRASE: &str = "teapot river lantern";

pub struct TestServer {
    pub running: Option<Running>,
    pub data: TempDir,
    pub app: TempDir,
    pub config: Config,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> TestServer {
        let data = tempfile::tempdir().unwrap();
        let app = tempfile::tempdir().unwrap();
        std::fs::write(
            app.path().join("index.html"),
            "<!doctype html><title>Burrow</title>",
        )
        .unwrap();
        let mut config = Config::with_data_dir(data.path());
        config.app_dir = Some(app.path().to_path_buf());
        config.http = Some("127.0.0.1:0".parse().unwrap());
        config.https = Some("127.0.0.1:0".parse().unwrap());
        adjust(&mut config);
        let running = burrow_server::start(config.clone()).await.unwrap();
        TestServer {
            running: Some(running),
            data,
            app,
            config,
        }
    }

    pub fn running(&self) -> &Running {
        self.running.as_ref().unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.http())
    }

    pub fn http(&self) -> SocketAddr {
        self.running().http.unwrap()
    }

    pub fn code(&self) -> String {
        self.running().setup_code.clone().expect("a set-up code")
    }

    /// Stops and starts again on the same data folder, as after a power cut or an update.
    pub async fn restart(&mut self) {
        self.running.take().unwrap().stop().await;
        self.running = Some(burrow_server::start(self.config.clone()).await.unwrap());
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }

    /// Sets the setting up with manager Jo Bloggs; returns their signed-in client.
    pub async fn set_up(&self) -> Client {
        let client = client();
        let r = client
            .post(self.url("/api/setup"))
            .json(&json!({"code": self.code(), "setting_name": "Little Acorns", "manager_name": "Jo Bloggs", "passphrase": PASSPHRASE}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
        client
    }

    pub async fn sign_in(&self, client: &Client, name: &str, passphrase: &str) -> Response {
        client
            .post(self.url("/api/session"))
            .json(&json!({"name": name, "passphrase": passphrase}))
            .send()
            .await
            .unwrap()
    }

    /// A practitioner added by `manager` who has claimed their invite: their signed-in client
    /// and id.
    pub async fn practitioner(&self, manager: &Client, name: &str) -> (Client, String) {
        let (id, invite) = self.add_staff(manager, name, "practitioner").await;
        let c = client();
        let r = c
            .post(self.url("/api/invites/claim"))
            .json(&json!({"name": name, "code": invite, "passphrase": "marble kettle orchard"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        (c, id)
    }

    /// The id of whoever `client` is signed in as.
    pub async fn whoami(&self, client: &Client) -> uuid::Uuid {
        let r = client.get(self.url("/api/session")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.unwrap();
        uuid::Uuid::parse_str(body["staff"]["id"].as_str().unwrap()).unwrap()
    }

    /// The id of the child with this first name, as `who` sees the roll.
    pub async fn child_id(&self, who: &Client, first: &str) -> uuid::Uuid {
        let list: Value = who
            .get(self.url("/api/children"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let found = list
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["first_name"] == first)
            .unwrap_or_else(|| panic!("no child called {first}"));
        uuid::Uuid::parse_str(found["id"].as_str().unwrap()).unwrap()
    }

    /// Adds a practitioner as the given manager; returns their id and invite code.
    pub async fn add_staff(&self, manager: &Client, name: &str, role: &str) -> (String, String) {
        let r = manager
            .post(self.url("/api/staff"))
            .json(&json!({"name": name, "role": role}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let body: Value = r.json().await.unwrap();
        (
            body["staff"]["id"].as_str().unwrap().to_owned(),
            body["invite_code"].as_str().unwrap().to_owned(),
        )
    }
}

/// Anything with an address: a server in this process or one in its own.
pub trait Base {
    fn url(&self, path: &str) -> String;
}

impl Base for TestServer {
    fn url(&self, path: &str) -> String {
        TestServer::url(self, path)
    }
}

/// A JPEG-looking file of `n` bytes that no other photo made with another seed shares.
pub fn picture(n: usize, seed: u8) -> Vec<u8> {
    let mut p = vec![0xFF, 0xD8];
    p.extend((0..n - 2).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    p
}

/// SHA-256 in hex, as photos are named.
pub fn hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

pub fn client() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

/// Status and body of a refusal; asserts the body is Burrow's `{"error": ...}` shape.
pub async fn refusal(r: Response) -> (StatusCode, String, Option<String>) {
    let status = r.status();
    let body: Value = r.json().await.expect("a JSON error body");
    let error = body["error"]
        .as_str()
        .expect("an error sentence")
        .to_owned();
    (status, error, body["field"].as_str().map(str::to_owned))
}

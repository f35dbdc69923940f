//! burrow-server as its own process, for what only a process can show: being killed.

use super::Base;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct Process {
    child: Child,
    base: String,
    pub data: PathBuf,
}

impl Process {
    /// Starts the built binary on a loopback port with the demo setting, on `data`.
    pub fn start(data: &Path, app: &Path) -> Process {
        Process::start_with_env(data, app, &[])
    }

    /// As `start`, with environment variables set for the process (a crash asked for).
    pub fn start_with_env(data: &Path, app: &Path, env: &[(&str, &str)]) -> Process {
        // A server refuses an app folder with no app in it.
        if !app.join("index.html").exists() {
            std::fs::write(app.join("index.html"), "<!doctype html>").unwrap();
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_burrow-server"))
            .arg("--data-dir")
            .arg(data)
            .arg("--app-dir")
            .arg(app)
            .args(["--http", "127.0.0.1:0", "--https", "off", "--demo"])
            .env("RUST_LOG", "burrow_server=warn")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        let mut base = None;
        for line in out.lines() {
            let line = line.unwrap();
            if let Some(url) = line.trim().strip_prefix("On this computer:") {
                base = Some(url.trim().to_owned());
            }
            if line.starts_with("Ready.") {
                break;
            }
        }
        Process {
            child,
            base: base.expect("the server says where it listens"),
            data: data.to_path_buf(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process ended by itself within `wait`.
    pub fn exited_within(&mut self, wait: std::time::Duration) -> bool {
        let until = std::time::Instant::now() + wait;
        while std::time::Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        false
    }

    /// SIGKILL: no shutdown, no flushing, as a power cut looks to the process.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Process {
    /// The demo's manager, signed in.
    pub async fn sign_in_manager(&self) -> reqwest::Client {
        let sam = super::client();
        let r = sam
            .post(self.url("/api/session"))
            .json(&serde_json::json!({"name": "Sam Patel", "passphrase": super::PASSPHRASE}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), reqwest::StatusCode::OK);
        sam
    }
}

impl Base for Process {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The burrow-server binary run as a command with `args` (backup, restore), `stdin` on its
/// standard input (a recovery key): whether it succeeded, and what it printed.
pub fn command(args: &[&str], stdin: &str) -> (bool, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_burrow-server"))
        .args(args)
        .env("RUST_LOG", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// An app folder for a server started outside `TestServer` (on a restored data folder).
pub fn app_folder() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("burrow-app-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>Burrow</title>",
    )
    .unwrap();
    dir
}

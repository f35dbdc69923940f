//! The audit log's guard outside the database, and its verification.
//!
//! The chain (core::audit) shows an edited or removed entry, but someone who deletes the newest
//! entries leaves a shorter chain that still links up. So the server writes the newest entry's
//! number and hash to `audit-head`, a file beside the database, every few seconds and when it
//! stops; verification checks the log still reaches it. (A person who can rewrite both the
//! database and this file can rewrite history; that is what backups are for.)

use crate::db::Db;
use crate::error::AppError;
use crate::store::audit as log;
use anyhow::Context;
use burrow_core::audit::{Anchor, ChainBreak};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::watch;

pub const HEAD_FILE: &str = "audit-head";

/// How often the head is written: an entry deleted within this long of being written may go
/// unnoticed.
const HEAD_EVERY: Duration = Duration::from_secs(2);

#[derive(Debug, Clone)]
pub struct HeadFile {
    path: PathBuf,
}

impl HeadFile {
    pub fn in_dir(data_dir: &Path) -> HeadFile {
        HeadFile {
            path: data_dir.join(HEAD_FILE),
        }
    }

    /// `None` before the first entry was ever written down.
    pub fn read(&self) -> anyhow::Result<Option<Anchor>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("reading {}", self.path.display())),
        };
        let (seq, hash) = text
            .trim()
            .split_once(' ')
            .context("audit-head should hold a number and a hash")?;
        let hash: [u8; 32] = hex::decode(hash)
            .ok()
            .and_then(|b| b.try_into().ok())
            .context("audit-head's hash is not 64 hex digits")?;
        Ok(Some(Anchor {
            seq: seq.parse().context("audit-head's number")?,
            hash,
        }))
    }

    /// Written whole or not at all (a new file renamed over the old).
    pub fn write(&self, head: Anchor) -> std::io::Result<()> {
        let tmp = self.path.with_extension("new");
        std::fs::write(&tmp, format!("{} {}\n", head.seq, hex::encode(head.hash)))?;
        std::fs::rename(&tmp, &self.path)
    }
}

/// How often entries older than retention are removed (and once at start).
const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// Keeps `audit-head` up to date until the server stops, then writes it a last time; removes
/// entries older than retention once an hour.
pub async fn keep_head(db: Db, file: HeadFile, mut stopped: watch::Receiver<bool>) {
    let mut written: Option<Anchor> = None;
    let mut purged: Option<std::time::Instant> = None;
    loop {
        if purged.is_none_or(|t| t.elapsed() >= PURGE_EVERY) {
            purged = Some(std::time::Instant::now());
            let result = db
                .call(|c| {
                    let tx = c.transaction()?;
                    let n = log::purge(&tx, chrono::Utc::now())?;
                    tx.commit()?;
                    Ok(n)
                })
                .await;
            match result {
                Ok(0) => {}
                Ok(n) => tracing::info!(entries = n, "audit entries past retention removed"),
                Err(_) => tracing::warn!("could not remove audit entries past retention"),
            }
        }
        let stop = tokio::select! {
            _ = tokio::time::sleep(HEAD_EVERY) => false,
            _ = stopped.wait_for(|s| *s) => true,
        };
        match db.read(|c| Ok(log::head(c)?)).await {
            Ok(head) if written != Some(head) && head.seq > 0 => {
                let f = file.clone();
                match tokio::task::spawn_blocking(move || f.write(head)).await {
                    Ok(Ok(())) => written = Some(head),
                    _ => tracing::warn!("could not write audit-head"),
                }
            }
            Ok(_) => {}
            Err(_) => tracing::warn!("could not read the audit log's head"),
        }
        if stop {
            return;
        }
    }
}

/// What verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub checked: u64,
    pub anchor: Anchor,
    pub result: Result<(), ChainBreak>,
}

/// Walks the kept log from its anchor and checks it reaches the head file.
pub fn verify(conn: &Connection, head: Option<Anchor>) -> Result<Report, AppError> {
    let anchor = log::anchor(conn)?;
    let mut entries = Vec::new();
    log::each(conn, |e| entries.push(e))?;
    let result = burrow_core::audit::verify(anchor, entries, head, crate::secrets::digest);
    Ok(Report {
        checked: *result.as_ref().unwrap_or(&0),
        anchor,
        result: result.map(|_| ()),
    })
}

/// `burrow-server verify-audit`: opens the data folder's database read-only and prints what it
/// found. Exit status 0 only for an intact log.
pub fn verify_command(data_dir: &Path) -> anyhow::Result<bool> {
    let db_path = data_dir.join("burrow.sqlite3");
    anyhow::ensure!(
        db_path.exists(),
        "there is no Burrow database in {}",
        data_dir.display()
    );
    let conn = Connection::open_with_flags(&db_path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("opening {}", db_path.display()))?;
    let head = HeadFile::in_dir(data_dir).read()?;
    let report = verify(&conn, head).map_err(|e| anyhow::anyhow!("{e}"))?;
    match &report.result {
        Ok(()) => {
            println!(
                "The audit log is intact: {} entries checked (from number {}).",
                report.checked,
                report.anchor.seq + 1
            );
            Ok(true)
        }
        Err(why) => {
            println!("The audit log has been tampered with: {why}.");
            Ok(false)
        }
    }
}

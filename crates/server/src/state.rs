//! What every handler shares: the database, the session policy and the attempt counters.

use crate::db::Db;
use burrow_core::throttle::{Policy, Throttle};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub db: Db,
    pub session_idle: Duration,
    pub session_lifetime: Duration,
    /// PEM of the setting's certificate authority, offered for download to install on tablets.
    pub ca_certificate_pem: String,
    pub throttles: Throttles,
    /// The key this server proves itself with; tablets pin its public half.
    pub identity: crate::identity::Identity,
    /// Photos, sealed on disk under a key kept apart from the database.
    pub photos: crate::photos::PhotoVault,
    /// Tablets' data keys are sealed under this, kept apart from the database.
    pub key_seal: crate::key_seal::KeySeal,
    /// Where the audit log's newest entry is noted, apart from the database.
    pub audit_head: crate::audit::HeadFile,
    /// Overrides the setting's idle-lock time (`--lock-after-seconds`), for demos and tests.
    pub lock_after_seconds: Option<u32>,
    /// `--bench-sink`: the benchmark's upload baseline route is mounted.
    pub bench_sink: bool,
    /// The data folder, which backups copy.
    pub data_dir: std::path::PathBuf,
    /// A backup is being written (one at a time).
    pub backup_running: std::sync::atomic::AtomicBool,
    /// This server's HTTPS addresses on the setting's network, once it listens.
    pub addresses: std::sync::OnceLock<Vec<String>>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Seconds before a tablet locks itself: the override if set, otherwise the setting's minutes.
    pub fn lock_after_seconds(&self, setting_minutes: Option<u32>) -> u32 {
        self.lock_after_seconds.unwrap_or_else(|| {
            setting_minutes.unwrap_or(burrow_core::lock::DEFAULT_LOCK_AFTER_MINUTES) * 60
        })
    }

    /// Mounts the benchmark's upload sink (before the state is shared).
    pub fn set_bench_sink(&mut self, on: bool) {
        if let Some(inner) = Arc::get_mut(&mut self.0) {
            inner.bench_sink = on;
        }
    }

    pub fn new(
        db: Db,
        config: &crate::config::Config,
        ca_certificate_pem: String,
        identity: crate::identity::Identity,
        photos: crate::photos::PhotoVault,
        key_seal: crate::key_seal::KeySeal,
        audit_head: crate::audit::HeadFile,
    ) -> AppState {
        AppState(Arc::new(Inner {
            db,
            session_idle: config.session_idle,
            session_lifetime: config.session_lifetime,
            ca_certificate_pem,
            throttles: Throttles::default(),
            identity,
            photos,
            key_seal,
            audit_head,
            lock_after_seconds: config.lock_after_seconds,
            bench_sink: false,
            data_dir: config.data_dir.clone(),
            backup_running: std::sync::atomic::AtomicBool::new(false),
            addresses: std::sync::OnceLock::new(),
        }))
    }
}

/// Failed attempts, counted per account (a name) and per address. Kept in memory: a restart
/// forgets them, which costs a guesser nothing they could not get by waiting.
#[derive(Default)]
pub struct Throttles {
    accounts: Mutex<HashMap<String, Throttle>>,
    addresses: Mutex<HashMap<IpAddr, Throttle>>,
}

/// Which limit stopped an attempt, for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocked {
    Account(Duration),
    Address(Duration),
}

impl Throttles {
    pub fn check(
        &self,
        account: Option<&str>,
        address: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<(), Blocked> {
        if let Ok(mut map) = self.addresses.lock()
            && let Some(t) = map.get_mut(&address)
        {
            t.check(now, Policy::ADDRESS).map_err(Blocked::Address)?;
        }
        if let (Some(account), Ok(mut map)) = (account, self.accounts.lock())
            && let Some(t) = map.get_mut(account)
        {
            t.check(now, Policy::ACCOUNT).map_err(Blocked::Account)?;
        }
        Ok(())
    }

    pub fn record_failure(&self, account: Option<&str>, address: IpAddr, now: DateTime<Utc>) {
        if let Ok(mut map) = self.addresses.lock() {
            map.retain(|_, t| !t.is_idle(now, Policy::ADDRESS));
            map.entry(address)
                .or_default()
                .record_failure(now, Policy::ADDRESS);
        }
        if let (Some(account), Ok(mut map)) = (account, self.accounts.lock()) {
            map.retain(|_, t| !t.is_idle(now, Policy::ACCOUNT));
            map.entry(account.to_owned())
                .or_default()
                .record_failure(now, Policy::ACCOUNT);
        }
    }

    /// A correct passphrase clears the account's count (not the address's).
    pub fn forget_account(&self, account: &str) {
        if let Ok(mut map) = self.accounts.lock() {
            map.remove(account);
        }
    }
}

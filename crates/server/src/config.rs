//! Where the server listens, keeps its data and finds the app; and who counts as "on premises".
//!
//! Settings come from flags, then from the config file (`<data-dir>/burrow.toml` unless
//! `--config` names another), then from the defaults below.

use anyhow::Context;
use chrono::Duration;
use clap::Parser;
use ipnet::IpNet;
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    /// The built app to serve; `None` serves the one built into the binary (`embed-app`).
    pub app_dir: Option<PathBuf>,
    /// Plain HTTP, meant for this computer only (development, and the first set-up).
    pub http: Option<SocketAddr>,
    /// HTTPS with the setting's own certificate authority, for the tablets on the LAN.
    pub https: Option<SocketAddr>,
    /// Networks whose devices may use the API. Empty means: loopback and this machine's subnets.
    pub premises: Vec<IpNet>,
    /// Reverse proxies whose X-Forwarded-For is believed. Empty: no header is believed.
    pub trusted_proxies: Vec<IpAddr>,
    pub session_idle: Duration,
    pub session_lifetime: Duration,
    /// Create a demo setting with staff and children if the setting is not yet set up.
    pub demo: bool,
    /// Seconds before tablets lock when idle, overriding the manager's choice (demos, tests).
    pub lock_after_seconds: Option<u32>,
    /// Only for `cargo xtask bench` (P6): an API route that reads an upload and throws it away,
    /// the baseline a sync's upload is measured against. Off unless asked for.
    pub bench_sink: bool,
}

impl Config {
    /// Defaults for a given data folder; used by tests and as the base for `from_args`.
    pub fn with_data_dir(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            data_dir: data_dir.into(),
            app_dir: None,
            http: Some(SocketAddr::from(([127, 0, 0, 1], 8080))),
            https: Some(SocketAddr::from(([0, 0, 0, 0], 8443))),
            premises: Vec::new(),
            trusted_proxies: Vec::new(),
            session_idle: Duration::minutes(30),
            session_lifetime: Duration::hours(12),
            demo: false,
            lock_after_seconds: None,
            bench_sink: false,
        }
    }

    /// What the command line asks for: serving (the default), or checking the audit log.
    pub fn from_args() -> anyhow::Result<Invocation> {
        let cli = Cli::parse();
        match cli.command {
            Some(Sub::VerifyAudit) => Ok(Invocation::VerifyAudit(
                cli.data_dir
                    .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
            )),
            Some(Sub::VerifyReceipt { ref file }) => Ok(Invocation::VerifyReceipt {
                data_dir: cli
                    .data_dir
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
                file: file.clone(),
            }),
            Some(Sub::Backup { ref to }) => Ok(Invocation::Backup {
                data_dir: cli
                    .data_dir
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
                to: to.clone(),
            }),
            Some(Sub::Restore {
                ref from,
                ref recovery_key_file,
            }) => Ok(Invocation::Restore {
                data_dir: cli.data_dir.clone().context(
                    "say which folder to restore into with --data-dir (a new or empty one)",
                )?,
                from: from.clone(),
                recovery_key_file: recovery_key_file.clone(),
            }),
            Some(Sub::SetupCode) => Ok(Invocation::SetupCode(
                cli.data_dir
                    .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
            )),
            None => cli.resolve().map(Invocation::Serve),
        }
    }
}

pub enum Invocation {
    Serve(Config),
    /// `verify-audit`: check the data folder's audit log and exit.
    VerifyAudit(PathBuf),
    /// `verify-receipt FILE`: check a deletion receipt against the data folder's identity key.
    VerifyReceipt {
        data_dir: PathBuf,
        file: PathBuf,
    },
    /// `backup --to FILE`: an encrypted backup of the data folder, while the server runs.
    Backup {
        data_dir: PathBuf,
        to: PathBuf,
    },
    /// `restore --from FILE --data-dir DIR`: a backup rebuilt into a new or empty folder.
    Restore {
        data_dir: PathBuf,
        from: PathBuf,
        recovery_key_file: Option<PathBuf>,
    },
    /// `setup-code`: a fresh set-up code, while the setting is not set up.
    SetupCode(PathBuf),
}

const DEFAULT_DATA_DIR: &str = "burrow-data";

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Check that the audit log has not been edited or cut short, then exit (status 1 if it was).
    VerifyAudit,
    /// Check that a deletion receipt was signed by this server and not edited (status 1 if not).
    VerifyReceipt {
        /// The receipt, as downloaded from the manager's page.
        file: PathBuf,
    },
    /// Write an encrypted backup of the data folder to FILE (safe while the server runs).
    Backup {
        /// Where to write it, for example /media/usb/burrow.age.
        #[arg(long)]
        to: PathBuf,
    },
    /// Rebuild a data folder from a backup, into a new or empty folder given by --data-dir. Asks
    /// for the recovery key.
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
        /// Read the recovery key from this file instead of asking for it.
        #[arg(long)]
        recovery_key_file: Option<PathBuf>,
    },
    /// Print a new set-up code, for an admin who missed the one printed at start (the old one
    /// stops working). Only before the setting is set up.
    SetupCode,
}

/// burrow-server: the setting's own server for the Burrow learning journal.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Sub>,
    /// Folder for the database, keys and certificates.
    #[arg(long, env = "BURROW_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// Config file (TOML). Defaults to <data-dir>/burrow.toml when that exists.
    #[arg(long)]
    config: Option<PathBuf>,
    /// The built app (trunk's dist folder). Default: the app built into this server.
    #[arg(long)]
    app_dir: Option<PathBuf>,
    /// Address for plain HTTP, or "off". Default 127.0.0.1:8080.
    #[arg(long)]
    http: Option<String>,
    /// Address for HTTPS on the setting's network, or "off". Default 0.0.0.0:8443.
    #[arg(long)]
    https: Option<String>,
    /// A premises network in CIDR form (repeat for several). Default: loopback and this machine's subnets.
    #[arg(long = "premises")]
    premises: Vec<IpNet>,
    /// A reverse proxy in front of Burrow whose X-Forwarded-For is believed (repeat for several).
    /// Default: none, and no forwarded-for header is ever believed.
    #[arg(long = "trusted-proxy")]
    trusted_proxies: Vec<IpAddr>,
    /// Minutes without activity after which a sign-in ends. Default 30.
    #[arg(long)]
    session_idle_minutes: Option<i64>,
    /// Hours after which a sign-in ends however active. Default 12.
    #[arg(long)]
    session_lifetime_hours: Option<i64>,
    /// Create a demo setting with a few staff and children (only if not yet set up).
    #[arg(long)]
    demo: bool,
    /// Seconds without a touch before tablets lock, overriding the setting's choice (for demos
    /// and tests; managers choose minutes in the app).
    #[arg(long)]
    lock_after_seconds: Option<u32>,
    /// For benchmarks only: POST /api/bench/sink reads a body and discards it.
    #[arg(long, hide = true)]
    bench_sink: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    app_dir: Option<PathBuf>,
    http: Option<String>,
    https: Option<String>,
    premises: Option<Vec<IpNet>>,
    trusted_proxies: Option<Vec<IpAddr>>,
    session_idle_minutes: Option<i64>,
    session_lifetime_hours: Option<i64>,
    lock_after_seconds: Option<u32>,
}

impl Cli {
    fn resolve(self) -> anyhow::Result<Config> {
        let data_dir = self
            .data_dir
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let file = read_file_config(self.config.as_deref(), &data_dir)?;
        let mut config = Config::with_data_dir(data_dir);
        config.app_dir = self.app_dir.or(file.app_dir);
        if let Some(http) = self.http.or(file.http) {
            config.http = parse_listen(&http).context("--http")?;
        }
        if let Some(https) = self.https.or(file.https) {
            config.https = parse_listen(&https).context("--https")?;
        }
        config.premises = if self.premises.is_empty() {
            file.premises.unwrap_or_default()
        } else {
            self.premises
        };
        config.trusted_proxies = if self.trusted_proxies.is_empty() {
            file.trusted_proxies.unwrap_or_default()
        } else {
            self.trusted_proxies
        };
        if let Some(m) = self.session_idle_minutes.or(file.session_idle_minutes) {
            anyhow::ensure!(m > 0, "session_idle_minutes must be at least 1");
            config.session_idle = Duration::minutes(m);
        }
        if let Some(h) = self.session_lifetime_hours.or(file.session_lifetime_hours) {
            anyhow::ensure!(h > 0, "session_lifetime_hours must be at least 1");
            config.session_lifetime = Duration::hours(h);
        }
        anyhow::ensure!(
            config.http.is_some() || config.https.is_some(),
            "both --http and --https are off: the server would not be reachable"
        );
        config.demo = self.demo;
        config.bench_sink = self.bench_sink;
        if let Some(s) = self.lock_after_seconds.or(file.lock_after_seconds) {
            anyhow::ensure!(s > 0, "lock_after_seconds must be at least 1");
            config.lock_after_seconds = Some(s);
        }
        Ok(config)
    }
}

fn read_file_config(explicit: Option<&Path>, data_dir: &Path) -> anyhow::Result<FileConfig> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let p = data_dir.join("burrow.toml");
            if !p.exists() {
                return Ok(FileConfig::default());
            }
            p
        }
    };
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("in {}", path.display()))
}

fn parse_listen(value: &str) -> anyhow::Result<Option<SocketAddr>> {
    if value.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let addr = value
        .parse()
        .with_context(|| format!("{value:?} is not an address such as 127.0.0.1:8080"))?;
    Ok(Some(addr))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_file_which_overrides_defaults() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("burrow.toml"),
            "http = \"127.0.0.1:9000\"\nhttps = \"off\"\npremises = [\"10.0.0.0/8\"]\nsession_idle_minutes = 5\n",
        )
        .unwrap();
        let cli = Cli::try_parse_from([
            "burrow-server",
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--http",
            "127.0.0.1:9100",
        ])
        .unwrap();
        let config = cli.resolve().unwrap();
        assert_eq!(config.http, Some("127.0.0.1:9100".parse().unwrap()));
        assert_eq!(config.https, None);
        assert_eq!(
            config.premises,
            vec!["10.0.0.0/8".parse::<IpNet>().unwrap()]
        );
        assert_eq!(config.session_idle, Duration::minutes(5));
        assert_eq!(config.session_lifetime, Duration::hours(12));
    }

    #[test]
    fn unknown_settings_in_the_file_are_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("burrow.toml"), "htps = \"off\"\n").unwrap();
        let cli =
            Cli::try_parse_from(["burrow-server", "--data-dir", dir.path().to_str().unwrap()])
                .unwrap();
        let err = format!("{:#}", cli.resolve().unwrap_err());
        assert!(err.contains("unknown field `htps`"), "{err}");
    }
}

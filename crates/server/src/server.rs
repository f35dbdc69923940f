//! Starting and stopping the server: data folder, database, certificates, listeners.

use crate::app::router;
use crate::auth::Scheme;
use crate::config::Config;
use crate::db::Db;
use crate::premises::Premises;
use crate::state::AppState;
use crate::{demo, secrets, store, tls};
use anyhow::Context;
use axum::Router;
use chrono::Utc;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinSet;

pub struct Running {
    pub http: Option<SocketAddr>,
    pub https: Option<SocketAddr>,
    /// The one-time set-up code, while the setting is not set up.
    pub setup_code: Option<String>,
    pub demo_created: bool,
    pub premises: Vec<ipnet::IpNet>,
    /// Where devices on the setting's network open Burrow (HTTPS), real addresses.
    pub addresses: Vec<String>,
    stop: watch::Sender<bool>,
    tls_handle: axum_server::Handle,
    tasks: JoinSet<std::io::Result<()>>,
}

pub async fn start(config: Config) -> anyhow::Result<Running> {
    create_private_dir(&config.data_dir)?;
    let app_dir = crate::embedded::app_dir(config.app_dir.as_deref(), &config.data_dir)?;
    let db = Db::open(&config.data_dir.join("burrow.sqlite3")).context("opening the database")?;
    let (names, ips) = tls::local_names_and_ips();
    let tls = tls::load_or_create(&config.data_dir, &names, &ips)?;
    let identity = crate::identity::Identity::load_or_create(&config.data_dir)?;
    let photos = crate::photos::PhotoVault::load_or_create(&config.data_dir)?;
    let audit_head = crate::audit::HeadFile::in_dir(&config.data_dir);

    let demo_created = config.demo
        && demo::create_if_new(&db)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    // A fresh code at every start while not set up: an old printout stops working.
    let setup_code = new_setup_code(&db).await?;

    let mut state = AppState::new(
        db,
        &config,
        tls.ca_pem.clone(),
        identity,
        photos,
        crate::key_seal::KeySeal::load_or_create(&config.data_dir)?,
        audit_head.clone(),
    );
    state.set_bench_sink(config.bench_sink);
    let sealing = state.clone();
    state
        .db
        .call(move |c| {
            crate::key_seal::seal_left_in_clear(c, &sealing.key_seal)
                .map_err(|e| crate::error::AppError::internal(e.to_string()))
        })
        .await
        .map_err(|e| anyhow::anyhow!("sealing tablet keys: {e}"))?;
    let premises = Arc::new(Premises::new(&config.premises, &config.trusted_proxies));
    let (stop, stopped) = watch::channel(false);
    let tls_handle = axum_server::Handle::new();
    let mut tasks = JoinSet::new();
    {
        let (db, stopped) = (state.db.clone(), stopped.clone());
        tasks.spawn(async move {
            crate::audit::keep_head(db, audit_head, stopped).await;
            Ok(())
        });
    }

    {
        // The nightly backup, once a manager set backups up (issue 17).
        let (state, stopped) = (state.clone(), stopped.clone());
        tasks.spawn(async move {
            crate::backup::nightly::keep_nightly(state, stopped).await;
            Ok(())
        });
    }

    {
        // A leaver's data goes once it is due (DESIGN §2 rule 7): at start, which also finishes
        // a deletion a crash cut short, and then every hour.
        let (state, mut stopped) = (state.clone(), stopped.clone());
        tasks.spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                tokio::select! {
                    _ = every.tick() => {
                        if let Err(e) = crate::deletion::run_due(&state).await {
                            tracing::warn!("deleting leavers' data failed: {e}");
                        }
                    }
                    _ = async { let _ = stopped.wait_for(|s| *s).await; } => break,
                }
            }
            Ok(())
        });
    }

    let http = match config.http {
        Some(addr) => {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("listening on {addr}"))?;
            let local = listener.local_addr()?;
            let app = router(state.clone(), premises.clone(), &app_dir, Scheme::Http);
            let mut stopped = stopped.clone();
            tasks.spawn(async move {
                axum::serve(
                    listener,
                    app.into_make_service_with_connect_info::<SocketAddr>(),
                )
                .with_graceful_shutdown(async move {
                    let _ = stopped.wait_for(|s| *s).await;
                })
                .await
            });
            Some(local)
        }
        None => None,
    };

    let https = match config.https {
        Some(addr) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let rustls_config = axum_server::tls_rustls::RustlsConfig::from_pem(
                tls.cert_pem.into_bytes(),
                tls.key_pem.into_bytes(),
            )
            .await
            .context("loading the server certificate")?;
            let listener = std::net::TcpListener::bind(addr)
                .with_context(|| format!("listening on {addr}"))?;
            listener.set_nonblocking(true)?;
            let local = listener.local_addr()?;
            let app: Router = router(state.clone(), premises.clone(), &app_dir, Scheme::Https);
            let server =
                axum_server::from_tcp_rustls(listener, rustls_config).handle(tls_handle.clone());
            tasks.spawn(async move {
                server
                    .serve(app.into_make_service_with_connect_info::<SocketAddr>())
                    .await
            });
            Some(local)
        }
        None => None,
    };

    let addresses = https.map(crate::addresses::on_network).unwrap_or_default();
    let _ = state.addresses.set(addresses.clone());
    Ok(Running {
        addresses,
        http,
        https,
        setup_code,
        demo_created,
        premises: premises.networks().to_vec(),
        stop,
        tls_handle,
        tasks,
    })
}

impl Running {
    /// Stops accepting, lets requests in flight finish, and returns when both listeners are closed.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        self.tls_handle
            .graceful_shutdown(Some(std::time::Duration::from_secs(5)));
        while let Some(result) = self.tasks.join_next().await {
            if let Ok(Err(e)) = result {
                tracing::warn!("listener ended with an error: {e}");
            }
        }
    }
}

fn create_private_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// A new set-up code while the setting is not set up (the one before stops working, since only
/// the newest one's hash is kept); `None` once it is set up.
pub async fn new_setup_code(db: &Db) -> anyhow::Result<Option<String>> {
    db.call(|c| {
        if store::setting_name(c)?.is_some() {
            return Ok(None);
        }
        let (code, hash) = secrets::new_code();
        store::replace_setup_code(c, &hash, Utc::now())?;
        Ok(Some(code))
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))
}

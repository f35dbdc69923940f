use burrow_server::config::Invocation;
use burrow_server::{Config, addresses, audit, commands, demo, start};

/// A line for the person who started the server. Never a panic when nobody reads it any more
/// (a closed terminal or pipe): the server goes on serving.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}
use tracing_subscriber::EnvFilter;

fn main() -> anyhow::Result<()> {
    burrow_server::memory::hand_back_large_blocks();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

async fn run() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("burrow_server=info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = match Config::from_args()? {
        Invocation::Serve(config) => config,
        Invocation::VerifyAudit(data_dir) => {
            let intact = audit::verify_command(&data_dir)?;
            std::process::exit(if intact { 0 } else { 1 });
        }
        Invocation::VerifyReceipt { data_dir, file } => {
            let genuine = burrow_server::identity::verify_receipt_command(&data_dir, &file)?;
            std::process::exit(if genuine { 0 } else { 1 });
        }
        Invocation::Backup { data_dir, to } => {
            let ok = commands::backup(&data_dir, &to)?;
            std::process::exit(if ok { 0 } else { 1 });
        }
        Invocation::Restore {
            data_dir,
            from,
            recovery_key_file,
        } => {
            let ok = commands::restore(&from, &data_dir, recovery_key_file.as_deref())?;
            std::process::exit(if ok { 0 } else { 1 });
        }
        Invocation::SetupCode(data_dir) => {
            let ok = commands::setup_code(&data_dir).await?;
            std::process::exit(if ok { 0 } else { 1 });
        }
    };
    let running = start(config).await?;

    // What a person sees: where to go, and what to type. Tests read these lines too.
    say!("Burrow is running.");
    if let Some(http) = running.http {
        say!("  On this computer:          http://{http}");
        say!(
            "  Setting certificate:       http://{http}/burrow-ca.crt (install it on each tablet)"
        );
    }
    if let Some(https) = running.https {
        if running.addresses.is_empty() {
            say!(
                "  On the setting's network:  https://<this computer's address>:{} (no network found: is this computer connected?)",
                https.port()
            );
        }
        for address in &running.addresses {
            say!("  On the setting's network:  {address}");
        }
    }
    if let Some(first) = running.addresses.first() {
        let certificate = addresses::certificate(first);
        if let (Some(open), Some(cert)) = (
            addresses::qr_for_terminal(first),
            addresses::qr_for_terminal(&certificate),
        ) {
            say!(
                "\nOn a tablet, point the camera at the first code to get the setting's certificate"
            );
            say!("({certificate}), install it, then at the second to open Burrow ({first}).");
            for line in addresses::side_by_side(&cert, &open) {
                say!("  {line}");
            }
        }
    }
    let networks: Vec<String> = running.premises.iter().map(ToString::to_string).collect();
    say!("  Premises networks:         {}", networks.join(", "));
    if let Some(code) = &running.setup_code {
        say!("Set-up code: {code}");
        say!("  Open the app and enter it to set up your setting. It works once.");
    }
    if running.demo_created {
        say!(
            "Demo setting \"{}\" created. Sign in as any of:",
            demo::SETTING
        );
        for (name, role) in demo::STAFF {
            say!(
                "  {name} ({}), passphrase: {}",
                role.label(),
                demo::PASSPHRASE
            );
        }
    }

    say!("Ready. Press Ctrl+C to stop.");

    shutdown_signal().await;
    say!("Stopping Burrow…");
    running.stop().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

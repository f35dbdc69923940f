//! The nightly backup to the manager's folder, "Back up now", and where backups stand.

use super::BackupError;
use crate::error::AppError;
use crate::state::AppState;
use crate::store;
use crate::store::audit::{self, Event};
use burrow_core::api::BackupStatus;
use burrow_core::audit::Action;
use burrow_core::backup::{self as rules, Attempt};
use chrono::Utc;
use chrono_tz::Europe::London;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use tokio::sync::watch;

/// How often the server looks whether the nightly backup is due.
const LOOK_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Runs the nightly backup when core says it is due, until the server stops.
pub async fn keep_nightly(state: AppState, mut stopped: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(LOOK_EVERY) => {}
            _ = stopped.wait_for(|s| *s) => return,
        }
        let due = state
            .db
            .read(|c| {
                let settings = store::backups::settings(c)?;
                let last = store::backups::last_attempt(c)?;
                Ok((settings, last))
            })
            .await;
        let Ok((settings, last)) = due else { continue };
        if settings.recipient.is_none() || settings.folder.is_none() {
            continue;
        }
        let local = |t: chrono::DateTime<Utc>| t.with_timezone(&London).naive_local();
        if rules::due(local(Utc::now()), last.map(|a| local(a.at))) {
            let _ = run(&state).await;
        }
    }
}

/// Makes a backup into the chosen folder now, removes those past the newest fourteen, and
/// records how it went (the audit log too, when it was written). Refused when backups are not
/// set up or one is being written.
pub async fn run(state: &AppState) -> Result<Attempt, AppError> {
    let settings = state.db.read(|c| Ok(store::backups::settings(c)?)).await?;
    let (Some(recipient), Some(folder)) = (settings.recipient, settings.folder) else {
        return Err(AppError::invalid(
            "folder",
            "Backups are not set up yet: make a recovery key and choose a folder first.",
        ));
    };
    if state.backup_running.swap(true, Ordering::SeqCst) {
        return Err(AppError::refused(
            axum::http::StatusCode::CONFLICT,
            "A backup is being written now. Wait a minute, then look again.",
        ));
    }
    let data_dir = state.data_dir.clone();
    let at = Utc::now();
    let made = tokio::task::spawn_blocking(move || {
        let folder = PathBuf::from(folder);
        let out = folder.join(rules::file_name(at));
        let made = super::write(&data_dir, &recipient, &out)?;
        prune(&folder);
        Ok::<_, BackupError>(made)
    })
    .await;
    state.backup_running.store(false, Ordering::SeqCst);
    let attempt = match made {
        Ok(Ok(made)) => Attempt {
            at,
            failed: None,
            size: Some(made.size),
        },
        Ok(Err(e)) => Attempt {
            at,
            failed: Some(e.to_string()),
            size: None,
        },
        Err(_) => Attempt {
            at,
            failed: Some("The backup stopped unexpectedly. Try again; if it keeps failing, the server's log says more.".into()),
            size: None,
        },
    };
    match &attempt.failed {
        None => tracing::info!(bytes = attempt.size, "backup written"),
        Some(_) => tracing::warn!("backup failed"),
    }
    let kept = attempt.clone();
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            store::backups::record(&tx, &kept)?;
            if kept.failed.is_none() {
                audit::append(
                    &tx,
                    Event::new(Action::BackupMade)
                        .detail(format!("{} bytes", kept.size.unwrap_or(0))),
                    Utc::now(),
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(attempt)
}

/// Removes backups past the newest [`rules::KEEP`]; never another file.
fn prune(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for name in rules::to_remove(&names, rules::KEEP) {
        if std::fs::remove_file(folder.join(&name)).is_err() {
            tracing::warn!("could not remove an old backup");
        }
    }
}

/// How many backups the folder holds now.
fn count(folder: &Path) -> u32 {
    std::fs::read_dir(folder)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| rules::made_at(&e.file_name().to_string_lossy()).is_some())
                .count() as u32
        })
        .unwrap_or(0)
}

/// Where backups stand, for the manager's screen.
pub async fn status(state: &AppState) -> Result<BackupStatus, AppError> {
    let (settings, last, good) = state
        .db
        .read(|c| {
            Ok((
                store::backups::settings(c)?,
                store::backups::last_attempt(c)?,
                store::backups::last_good(c)?,
            ))
        })
        .await?;
    let set_up = match (&settings.recipient, &settings.folder) {
        (Some(_), Some(_)) => settings.set_up_at,
        _ => None,
    };
    let kept = match &settings.folder {
        Some(f) => {
            let f = PathBuf::from(f);
            tokio::task::spawn_blocking(move || count(&f))
                .await
                .unwrap_or(0)
        }
        None => 0,
    };
    Ok(BackupStatus {
        standing: rules::standing(Utc::now(), set_up, good, last.as_ref()),
        folder: settings.folder,
        has_recovery_key: settings.recipient.is_some(),
        kept,
        running: state.backup_running.load(Ordering::SeqCst),
    })
}

//! The terminal's side of `backup`, `restore` and `setup-code`: what they ask and print. Each
//! returns whether it did what was asked (the exit status).

use crate::backup;
use crate::db::Db;
use crate::store;
use anyhow::Context;
use rusqlite::{Connection, OpenFlags};
use std::io::{BufRead, Write};
use std::path::Path;

/// `burrow-server backup --to FILE`: encrypted to the recovery key a manager made in Settings.
pub fn backup(data_dir: &Path, to: &Path) -> anyhow::Result<bool> {
    let db = data_dir.join(backup::DB_FILE);
    if !db.is_file() {
        println!("There is no Burrow database in {}.", data_dir.display());
        return Ok(false);
    }
    let recipient = {
        let conn = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .with_context(|| format!("opening {}", db.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        store::backups::settings(&conn)
            .ok()
            .and_then(|s| s.recipient)
    };
    let Some(recipient) = recipient else {
        println!("{}", backup::BackupError::NoRecoveryKey);
        return Ok(false);
    };
    match backup::write(data_dir, &recipient, to) {
        Ok(made) => {
            println!(
                "Backup written to {} ({}, {} photos). It opens only with the setting's recovery key.",
                to.display(),
                burrow_core::storage::human_size(made.size),
                made.photos
            );
            if !made.audit_intact {
                println!(
                    "Warning: the audit log did not check out when the backup was taken. Run `burrow-server verify-audit` to see why."
                );
            }
            Ok(true)
        }
        Err(e) => {
            println!("{e}");
            Ok(false)
        }
    }
}

/// `burrow-server restore --from FILE --data-dir DIR`: asks for the recovery key (or reads it
/// from a file), rebuilds DIR, and checks the audit log.
pub fn restore(from: &Path, data_dir: &Path, key_file: Option<&Path>) -> anyhow::Result<bool> {
    let typed = match key_file {
        Some(f) => std::fs::read_to_string(f)
            .with_context(|| format!("reading the recovery key from {}", f.display()))?,
        None => {
            eprint!("Type the recovery key (it starts AGE-SECRET-KEY-1; spaces do not matter): ");
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line
        }
    };
    let key = match burrow_core::backup::read_recovery_key(&typed) {
        Ok(k) => k,
        Err(e) => {
            println!("{e}");
            return Ok(false);
        }
    };
    match backup::restore(from, &key, data_dir) {
        Ok(done) => {
            println!(
                "Restored into {}: the backup made {} with {} photos.",
                data_dir.display(),
                done.made_at.format("%d/%m/%Y at %H:%M UTC"),
                done.photos
            );
            match &done.audit.result {
                Ok(()) => println!(
                    "The audit log is intact: {} entries checked.",
                    done.audit.checked
                ),
                Err(why) => {
                    println!("Warning: the audit log in this backup does not check out: {why}.")
                }
            }
            println!(
                "Start Burrow on it with: burrow-server --data-dir {}. Tablets send again what they made since.",
                data_dir.display()
            );
            Ok(done.audit.result.is_ok())
        }
        Err(e) => {
            println!("{e}");
            Ok(false)
        }
    }
}

/// `burrow-server setup-code`: a new set-up code while the setting is not set up. The code the
/// server printed at its start stops working (only the newest one's hash is kept).
pub async fn setup_code(data_dir: &Path) -> anyhow::Result<bool> {
    let db = data_dir.join(backup::DB_FILE);
    if !db.is_file() {
        println!(
            "There is no Burrow database in {}. Start the server once first.",
            data_dir.display()
        );
        return Ok(false);
    }
    let db = Db::open(&db)?;
    match crate::server::new_setup_code(&db).await? {
        Some(code) => {
            println!("Set-up code: {code}");
            println!(
                "  Open the app and enter it to set up your setting. It works once; any earlier code no longer does."
            );
            Ok(true)
        }
        None => {
            println!("This setting is set up already. A manager adds staff from the Staff page.");
            Ok(false)
        }
    }
}

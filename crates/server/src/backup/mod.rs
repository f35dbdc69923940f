//! Backups that can leave the building (issue 17): the data folder in one file, encrypted with
//! age to a recovery key the manager keeps on paper; restoring it into an empty folder; and the
//! nightly backup to a folder the manager chose.
//!
//! What goes in: a snapshot of the database taken with `VACUUM INTO` (consistent while tablets
//! sync), the photo vault, the keys, certificates and config beside it, and an `audit-head`
//! that matches the snapshot. The rules (when it is due, what is kept, what the manager is told)
//! are core's `backup`.

mod make;
pub mod nightly;
mod restore;

pub use make::{Made, write};
pub use restore::{Restored, restore};

use std::path::Path;

/// The database's file in a data folder.
pub const DB_FILE: &str = "burrow.sqlite3";
/// What a backup says about itself, the first thing in it.
const MANIFEST: &str = "burrow-backup.json";
/// The only layout this Burrow writes and reads.
const FORMAT: u32 = 1;

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Manifest {
    format: u32,
    burrow: String,
    made_at: chrono::DateTime<chrono::Utc>,
    photos: u64,
    audit_intact: bool,
}

/// Why a backup was not written, in words for the manager's screen and the command line.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("There is no Burrow database in {0}.")]
    NoDatabase(String),
    #[error("Backups have no recovery key yet. A manager makes one in Burrow: Settings, Backups.")]
    NoRecoveryKey,
    #[error(
        "The backup folder {0} is not there. If it is a USB disk, it may have been taken out: put it back, or choose another folder."
    )]
    FolderMissing(String),
    #[error(
        "The backup folder {0} is full. Make room on the disk, or choose a bigger one; Burrow keeps the last 14 backups."
    )]
    FolderFull(String),
    #[error(
        "Burrow may not write to the backup folder {0}. Ask whoever looks after the server to let the burrow user write there."
    )]
    NotAllowed(String),
    #[error("The backup could not be written to {0}: {1}.")]
    Io(String, String),
    #[error("The backup could not be made: {0}.")]
    Internal(String),
}

impl BackupError {
    /// An I/O failure writing into `folder`, named for what a person can do about it.
    fn writing(folder: &Path, e: &std::io::Error) -> BackupError {
        use std::io::ErrorKind as K;
        let folder = folder.display().to_string();
        match e.kind() {
            K::NotFound => BackupError::FolderMissing(folder),
            K::StorageFull | K::QuotaExceeded | K::FileTooLarge => BackupError::FolderFull(folder),
            K::PermissionDenied | K::ReadOnlyFilesystem => BackupError::NotAllowed(folder),
            kind => BackupError::Io(folder, kind.to_string()),
        }
    }
}

/// A new recovery key: the secret for the manager to print (shown once) and the public half the
/// server keeps to encrypt backups to.
pub fn new_recovery_key() -> (String, String) {
    use age::secrecy::ExposeSecret;
    let identity = age::x25519::Identity::generate();
    let secret = identity.to_string().expose_secret().to_owned();
    (secret, identity.to_public().to_string())
}

/// Checks a folder chosen for backups: a full path to a folder Burrow can write in, outside its
/// own data folder.
pub fn check_folder(folder: &str, data_dir: &Path) -> Result<(), String> {
    let path = Path::new(folder);
    if folder.trim().is_empty() || !path.is_absolute() {
        return Err("Give the folder's full path on the server, starting with /, for example /media/backup-disk.".into());
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err("That is a file, not a folder. Give a folder's full path.".into()),
        Err(_) => {
            return Err(
                "There is no such folder on the server. If it is a USB disk, check it is plugged in."
                    .into(),
            );
        }
    }
    let data = std::fs::canonicalize(data_dir).map_err(|e| e.to_string())?;
    let chosen = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    if chosen.starts_with(&data) {
        return Err("That folder is inside Burrow's own data folder: a backup there is lost with it. Choose a folder on another disk.".into());
    }
    let probe = chosen.join(".burrow-write-test");
    std::fs::write(&probe, b"burrow")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| {
            // In words, without the path sent back (a refusal never echoes what was sent).
            use std::io::ErrorKind as K;
            match e.kind() {
                K::PermissionDenied | K::ReadOnlyFilesystem => "Burrow may not write to that folder. Ask whoever looks after the server to let the burrow user write there, or choose another.",
                K::StorageFull | K::QuotaExceeded => "That folder's disk is full. Make room on it, or choose another.",
                _ => "Burrow could not write a test file in that folder. Check the disk, or choose another.",
            }
            .to_owned()
        })
}

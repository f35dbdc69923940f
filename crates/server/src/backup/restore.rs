//! Restoring a backup into an empty folder: everything or nothing.

use super::{DB_FILE, FORMAT, MANIFEST, Manifest};
use crate::audit::HeadFile;
use rusqlite::{Connection, OpenFlags};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::str::FromStr;

/// What a restore rebuilt.
#[derive(Debug)]
pub struct Restored {
    pub made_at: chrono::DateTime<chrono::Utc>,
    pub photos: u64,
    /// The audit log's check, made on the restored folder.
    pub audit: crate::audit::Report,
}

/// Why nothing was restored, in words for the person at the terminal.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error(
        "{0} already holds files. Restore only into a new or empty folder, never over a server's data: choose another folder."
    )]
    NotEmpty(String),
    #[error("There is no backup file at {0}.")]
    NoFile(String),
    #[error("That file is not a Burrow backup. Nothing was restored.")]
    NotABackup,
    #[error(
        "That is not a recovery key: a letter or digit may be wrong. Check it against the printed copy."
    )]
    NotAKey,
    #[error(
        "This recovery key does not open this backup. A backup opens only with the recovery key that was in use when it was made; check it against the printed copy. Nothing was restored."
    )]
    WrongKey,
    #[error(
        "This backup file is damaged or incomplete: it was cut short or changed after it was made. Nothing was restored; try the backup before it."
    )]
    Damaged,
    #[error("The backup could not be restored into {0}: {1}. Nothing was restored.")]
    Io(String, String),
}

/// Restores the backup at `from`, opened with `recovery_key`, into `data_dir`, which must be
/// missing or empty. It is unpacked beside `data_dir` first and moved into place only when all
/// of it has been read and authenticated, so a bad backup leaves nothing behind.
pub fn restore(from: &Path, recovery_key: &str, data_dir: &Path) -> Result<Restored, RestoreError> {
    let target = data_dir.display().to_string();
    let io = |e: std::io::Error| RestoreError::Io(target.clone(), e.kind().to_string());
    if data_dir.exists() {
        let empty = std::fs::read_dir(data_dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(RestoreError::NotEmpty(target));
        }
    }
    let identity =
        age::x25519::Identity::from_str(recovery_key).map_err(|_| RestoreError::NotAKey)?;
    let mut file = BufReader::new(File::open(from).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => RestoreError::NoFile(from.display().to_string()),
        _ => io(e),
    })?);
    // age's own first line tells a backup from any other file.
    {
        use std::io::BufRead;
        let start = file.fill_buf().map_err(io)?;
        if !start.starts_with(b"age-encryption.org/") {
            return Err(RestoreError::NotABackup);
        }
    }
    let decryptor = age::Decryptor::new_buffered(file).map_err(|e| match e {
        age::DecryptError::UnknownFormat => RestoreError::NotABackup,
        _ => RestoreError::Damaged,
    })?;
    let plain = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => RestoreError::WrongKey,
            _ => RestoreError::Damaged,
        })?;

    let parent = match data_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io)?;
    let staging = tempfile::Builder::new()
        .prefix(".burrow-restore-")
        .tempdir_in(&parent)
        .map_err(io)?;

    let mut archive = tar::Archive::new(plain);
    archive.set_preserve_permissions(true);
    archive.set_overwrite(false);
    // Any failure reading is the file's (age authenticates every 64 KiB and the end), except a
    // disk that is full or refuses: those are said as such.
    let reading = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::StorageFull
        | std::io::ErrorKind::PermissionDenied
        | std::io::ErrorKind::ReadOnlyFilesystem => io(e),
        _ => RestoreError::Damaged,
    };
    for entry in archive.entries().map_err(reading)? {
        let mut entry = entry.map_err(reading)?;
        if !entry.unpack_in(staging.path()).map_err(reading)? {
            // A name that would land outside the folder: not something Burrow writes.
            return Err(RestoreError::Damaged);
        }
    }
    // Read on to age's end, which proves the file was not cut short after the archive.
    let mut rest = archive.into_inner();
    std::io::copy(&mut rest, &mut std::io::sink()).map_err(reading)?;
    let mut tail = [0u8; 1];
    if rest.read(&mut tail).map_err(reading)? != 0 {
        return Err(RestoreError::Damaged);
    }

    let manifest: Manifest = std::fs::read(staging.path().join(MANIFEST))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(RestoreError::NotABackup)?;
    if manifest.format != FORMAT {
        return Err(RestoreError::NotABackup);
    }
    std::fs::remove_file(staging.path().join(MANIFEST)).map_err(io)?;
    let audit = {
        let conn = Connection::open_with_flags(
            staging.path().join(DB_FILE),
            OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .map_err(|_| RestoreError::Damaged)?;
        let head = HeadFile::in_dir(staging.path())
            .read()
            .map_err(|_| RestoreError::Damaged)?;
        crate::audit::verify(&conn, head).map_err(|_| RestoreError::Damaged)?
    };

    // A history of its own, so tablets that worked with the server after the backup notice
    // (core's `sync::restored`); and the restore in the audit log. Opening it migrates a backup
    // an older Burrow made.
    {
        let db_path = staging.path().join(DB_FILE);
        drop(crate::db::Db::open(&db_path).map_err(|_| RestoreError::Damaged)?);
        let mut conn = Connection::open(&db_path).map_err(|_| RestoreError::Damaged)?;
        let tx = conn.transaction().map_err(|_| RestoreError::Damaged)?;
        crate::store::backups::new_history(&tx).map_err(|_| RestoreError::Damaged)?;
        crate::store::audit::append(
            &tx,
            crate::store::audit::Event::new(burrow_core::audit::Action::RestoredFromBackup).detail(
                format!(
                    "from the backup made {}",
                    manifest.made_at.format("%d/%m/%Y at %H:%M UTC")
                ),
            ),
            chrono::Utc::now(),
        )
        .map_err(|_| RestoreError::Damaged)?;
        tx.commit().map_err(|_| RestoreError::Damaged)?;
    }

    // On the disk before it takes the data folder's name: a power cut after the restore said
    // it was done must not leave a folder of empty or half-written files.
    sync_tree(staging.path()).map_err(io)?;
    if data_dir.exists() {
        std::fs::remove_dir(data_dir).map_err(io)?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, data_dir).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staged);
        io(e)
    })?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700)).map_err(io)?;
    }
    // The rename itself, kept by the folder that holds it.
    File::open(&parent).and_then(|d| d.sync_all()).map_err(io)?;
    Ok(Restored {
        made_at: manifest.made_at,
        photos: manifest.photos,
        audit,
    })
}

/// Every file and folder under `dir` written through to the disk, the folders after what they
/// hold.
fn sync_tree(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            sync_tree(&entry.path())?;
        } else {
            File::open(entry.path())?.sync_all()?;
        }
    }
    File::open(dir)?.sync_all()
}

//! Writing a backup: the snapshot, the files beside it, all in one age-encrypted tar.

use super::{BackupError, DB_FILE, FORMAT, MANIFEST, Manifest};
use crate::audit::{HEAD_FILE, HeadFile};
use rusqlite::{Connection, OpenFlags};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// What a written backup holds.
#[derive(Debug, Clone)]
pub struct Made {
    pub size: u64,
    pub photos: u64,
    /// Whether the audit log checked out against `audit-head` when the snapshot was taken.
    pub audit_intact: bool,
}

/// Files in a data folder that never go into a backup as they are: the live database (the
/// snapshot goes instead), its journal files, and the audit head (one matching the snapshot
/// goes instead).
fn left_out(name: &str) -> bool {
    name == HEAD_FILE
        || name.starts_with(DB_FILE)
        || name.starts_with('.')
        || name.ends_with(".new")
        || name.ends_with(".partial")
}

/// Writes a backup of `data_dir` to `out`, encrypted to `recipient` (the recovery key's public
/// half). The file appears under its name only once written whole and flushed to the disk; a
/// failure leaves nothing under that name.
pub fn write(data_dir: &Path, recipient: &str, out: &Path) -> Result<Made, BackupError> {
    let db_path = data_dir.join(DB_FILE);
    if !db_path.is_file() {
        return Err(BackupError::NoDatabase(data_dir.display().to_string()));
    }
    let internal =
        |what: &str, e: &dyn std::fmt::Display| BackupError::Internal(format!("{what} ({e})"));
    let recipient = age::x25519::Recipient::from_str(recipient)
        .map_err(|e| internal("the recovery key's public half is unreadable", &e))?;

    // The head first, then the snapshot: the snapshot holds at least every entry the head names.
    let head = HeadFile::in_dir(data_dir)
        .read()
        .map_err(|e| internal("reading audit-head", &e))?;
    let scratch = tempfile::Builder::new()
        .prefix(".backup-snapshot-")
        .tempfile_in(data_dir)
        .map_err(|e| internal("making room for the snapshot", &e))?;
    let snapshot_path = scratch.path().to_path_buf();
    {
        let live = Connection::open_with_flags(&db_path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| internal("opening the database", &e))?;
        live.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(|e| internal("opening the database", &e))?;
        live.execute("VACUUM INTO ?1", [snapshot_path.to_string_lossy()])
            .map_err(|e| internal("taking the snapshot", &e))?;
    }
    let (audit_intact, snapshot_head) = {
        let snap = Connection::open_with_flags(&snapshot_path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| internal("opening the snapshot", &e))?;
        let report = crate::audit::verify(&snap, head)
            .map_err(|e| internal("checking the audit log", &e))?;
        let h =
            crate::store::audit::head(&snap).map_err(|e| internal("reading the audit log", &e))?;
        (report.result.is_ok(), h)
    };

    let folder = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let name = out
        .file_name()
        .ok_or_else(|| BackupError::Internal("the backup needs a file name".into()))?;
    let partial = folder.join(format!("{}.partial", name.to_string_lossy()));
    let writing = |e: std::io::Error| BackupError::writing(&folder, &e);

    let result = (|| {
        let file = File::create(&partial).map_err(writing)?;
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(|e| internal("encrypting", &e))?;
        let sealed = encryptor
            .wrap_output(BufWriter::with_capacity(256 * 1024, file))
            .map_err(writing)?;
        // Reading and packing the folder here overlaps encrypting and writing on a second
        // thread (a setting's server has two cores or more).
        let (pieces, arriving) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        let (packed, written) = std::thread::scope(|scope| {
            let writer = scope.spawn(move || -> std::io::Result<File> {
                let mut sealed = sealed;
                for piece in arriving {
                    sealed.write_all(&piece)?;
                }
                let buffered = sealed.finish()?;
                let file = buffered.into_inner().map_err(|e| e.into_error())?;
                file.sync_all()?;
                Ok(file)
            });
            let packed = pack(
                Handoff {
                    to: pieces,
                    piece: Vec::with_capacity(PIECE),
                },
                data_dir,
                &folder,
                &snapshot_path,
                snapshot_head,
                audit_intact,
            );
            let written = writer
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the writing thread stopped")));
            (packed, written)
        });
        // The writer's failure (a full or missing disk) is the cause of any on this side.
        let file = written.map_err(writing)?;
        let photos = packed?;
        let size = file.metadata().map_err(writing)?.len();
        drop(file);
        std::fs::rename(&partial, out).map_err(writing)?;
        if let Ok(dir) = File::open(&folder) {
            let _ = dir.sync_all();
        }
        Ok(Made {
            size,
            photos,
            audit_intact,
        })
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    drop(scratch);
    result
}

/// How much is handed to the writing thread at a time.
const PIECE: usize = 1 << 20;

/// A `Write` that hands what it is given to another thread in pieces of [`PIECE`].
struct Handoff {
    to: std::sync::mpsc::SyncSender<Vec<u8>>,
    piece: Vec<u8>,
}

impl Handoff {
    fn send(&mut self) -> std::io::Result<()> {
        if self.piece.is_empty() {
            return Ok(());
        }
        let piece = std::mem::replace(&mut self.piece, Vec::with_capacity(PIECE));
        self.to
            .send(piece)
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }
}

impl Write for Handoff {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = bytes.len().min(PIECE - self.piece.len());
        self.piece.extend_from_slice(&bytes[..n]);
        if self.piece.len() == PIECE {
            self.send()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// Packs the backup's tar into `out`: what it says of itself, the snapshot, an audit head that
/// matches it, then the folder's files. Returns how many photos went in.
fn pack(
    out: Handoff,
    data_dir: &Path,
    folder: &Path,
    snapshot_path: &Path,
    snapshot_head: burrow_core::audit::Anchor,
    audit_intact: bool,
) -> Result<u64, BackupError> {
    let internal =
        |what: &str, e: &dyn std::fmt::Display| BackupError::Internal(format!("{what} ({e})"));
    let writing = |e: std::io::Error| BackupError::writing(folder, &e);
    let mut tar = tar::Builder::new(out);
    tar.follow_symlinks(false);
    let photos = count_photos(data_dir).map_err(|e| internal("reading the photo vault", &e))?;
    let manifest = Manifest {
        format: FORMAT,
        burrow: env!("CARGO_PKG_VERSION").to_owned(),
        made_at: chrono::Utc::now(),
        photos,
        audit_intact,
    };
    let manifest =
        serde_json::to_vec_pretty(&manifest).map_err(|e| internal("describing the backup", &e))?;
    append_bytes(&mut tar, MANIFEST, &manifest).map_err(writing)?;
    tar.append_path_with_name(snapshot_path, DB_FILE)
        .map_err(writing)?;
    let head_line = format!(
        "{} {}\n",
        snapshot_head.seq,
        hex::encode(snapshot_head.hash)
    );
    append_bytes(&mut tar, HEAD_FILE, head_line.as_bytes()).map_err(writing)?;
    for (path, name) in
        members(data_dir, folder).map_err(|e| internal("reading the data folder", &e))?
    {
        // A photo destroyed meanwhile (a leaver's, deleted while this ran) is left out: the
        // snapshot, taken before, has it in the trash, and a restored server destroys it.
        let mut file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(internal("reading the data folder", &e)),
        };
        tar.append_file(&name, &mut file).map_err(writing)?;
    }
    let mut out = tar.into_inner().map_err(writing)?;
    out.flush().map_err(writing)?;
    Ok(photos)
}

fn append_bytes<W: Write>(
    tar: &mut tar::Builder<W>,
    name: &str,
    bytes: &[u8],
) -> std::io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o600);
    header.set_mtime(chrono::Utc::now().timestamp().max(0) as u64);
    header.set_cksum();
    tar.append_data(&mut header, name, bytes)
}

/// Sealed photos in the vault (not uploads still arriving).
fn count_photos(data_dir: &Path) -> std::io::Result<u64> {
    let dir = data_dir.join("photos");
    if !dir.is_dir() {
        return Ok(0);
    }
    let mut n = 0;
    for entry in std::fs::read_dir(dir)? {
        if entry?.file_type()?.is_file() {
            n += 1;
        }
    }
    Ok(n)
}

/// Every file of the data folder that goes in as it is, with its name inside the backup:
/// keys, certificates, config and the sealed photos; never uploads still arriving, scratch
/// files, or the backup folder itself should someone have put it inside.
fn members(data_dir: &Path, backup_folder: &Path) -> std::io::Result<Vec<(PathBuf, PathBuf)>> {
    let skip = std::fs::canonicalize(backup_folder).ok();
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for entry in std::fs::read_dir(data_dir.join(&rel))? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let kind = entry.file_type()?;
            let (path, inner) = (entry.path(), rel.join(&name));
            if skip.as_deref() == std::fs::canonicalize(&path).ok().as_deref() {
                continue;
            }
            if kind.is_dir() {
                let unpacked_app = rel.as_os_str().is_empty() && name == crate::embedded::DIR;
                if inner != Path::new("photos/partial") && !name.starts_with('.') && !unpacked_app {
                    stack.push(inner);
                }
            } else if kind.is_file() && !(rel.as_os_str().is_empty() && left_out(&name)) {
                out.push((path, inner));
            }
        }
    }
    out.sort();
    Ok(out)
}

//! Photos on the server's disk, sealed with AES-256-GCM under a key kept in its own file in the
//! data folder — never in the database — so a copy of the database alone shows no child.
//! An upload arrives in pieces, each sealed as it lands (`photos/partial/<hash>/<offset>`);
//! when the last piece is in, the whole is checked against its SHA-256 and only then kept as
//! `photos/<hash>`. A piece written but not yet counted is simply written again.

use crate::sealing::SealingKey;
use std::path::{Path, PathBuf};

const KEY_FILE: &str = "photo-key";

pub struct PhotoVault {
    dir: PathBuf,
    key: SealingKey,
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("the photo's bytes do not match its SHA-256")]
    Mismatch,
    #[error("a sealed photo file would not open")]
    Damaged,
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl VaultError {
    /// What went wrong, for the log: a fixed word, never a path or a hash.
    pub fn class(&self) -> &'static str {
        match self {
            VaultError::Mismatch => "hash mismatch",
            VaultError::Damaged => "sealed file would not open",
            VaultError::Io(_) => "disk error",
        }
    }
}

impl PhotoVault {
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<PhotoVault> {
        let key = SealingKey::load_or_create(&data_dir.join(KEY_FILE))?;
        let dir = data_dir.join("photos");
        std::fs::create_dir_all(dir.join("partial"))?;
        Ok(PhotoVault { dir, key })
    }

    fn seal(&self, aad: &str, plain: &[u8]) -> Result<Vec<u8>, VaultError> {
        self.key
            .seal(aad.as_bytes(), plain)
            .ok_or(VaultError::Damaged)
    }

    fn open(&self, aad: &str, sealed: &[u8]) -> Result<Vec<u8>, VaultError> {
        self.key
            .open(aad.as_bytes(), sealed)
            .ok_or(VaultError::Damaged)
    }

    fn partial_dir(&self, sha256: &str) -> PathBuf {
        self.dir.join("partial").join(sha256)
    }

    /// Seals one piece of an upload, starting at `offset`.
    pub fn write_piece(&self, sha256: &str, offset: u64, bytes: &[u8]) -> Result<(), VaultError> {
        let dir = self.partial_dir(sha256);
        std::fs::create_dir_all(&dir)?;
        let sealed = self.seal(&format!("{sha256}/{offset}"), bytes)?;
        std::fs::write(dir.join(format!("{offset:016}")), sealed)?;
        Ok(())
    }

    /// Joins the pieces of a finished upload, checks the SHA-256 and keeps the photo. A
    /// mismatch throws the pieces away so the tablet sends it again from the start.
    pub fn finish(&self, sha256: &str, size: u64) -> Result<(), VaultError> {
        let dir = self.partial_dir(sha256);
        let mut whole = Vec::with_capacity(size as usize);
        let mut pieces: Vec<PathBuf> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        pieces.sort();
        for piece in &pieces {
            let offset = piece
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.parse::<u64>().ok())
                .ok_or(VaultError::Damaged)?;
            if offset != whole.len() as u64 {
                // A piece from an earlier, abandoned attempt at another offset.
                continue;
            }
            let sealed = std::fs::read(piece)?;
            whole.extend(self.open(&format!("{sha256}/{offset}"), &sealed)?);
        }
        let matches =
            whole.len() as u64 == size && hex::encode(crate::secrets::sha256(&whole)) == sha256;
        if !matches {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(VaultError::Mismatch);
        }
        let sealed = self.seal(sha256, &whole)?;
        let tmp = self.dir.join(format!("{sha256}.tmp"));
        std::fs::write(&tmp, sealed)?;
        std::fs::rename(&tmp, self.dir.join(sha256))?;
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }

    /// A photo that arrived whole in one piece: checked and kept without the piecework.
    pub fn keep_whole(&self, sha256: &str, bytes: &[u8]) -> Result<(), VaultError> {
        if hex::encode(crate::secrets::sha256(bytes)) != sha256 {
            return Err(VaultError::Mismatch);
        }
        let sealed = self.seal(sha256, bytes)?;
        let tmp = self.dir.join(format!("{sha256}.tmp"));
        std::fs::write(&tmp, sealed)?;
        std::fs::rename(&tmp, self.dir.join(sha256))?;
        Ok(())
    }

    /// Forgets the pieces of an upload (its size changed: it starts again).
    pub fn discard_pieces(&self, sha256: &str) {
        let _ = std::fs::remove_dir_all(self.partial_dir(sha256));
    }

    /// Destroys a kept photo's sealed file and any pieces of it (a leaver's photo, or the
    /// original of one masked for good). A file already gone is not an error.
    pub fn destroy(&self, sha256: &str) -> Result<(), VaultError> {
        self.discard_pieces(sha256);
        match std::fs::remove_file(self.dir.join(sha256)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    /// Whether a photo's sealed file is kept.
    pub fn holds(&self, sha256: &str) -> bool {
        self.dir.join(sha256).is_file()
    }

    /// A kept photo's bytes.
    pub fn read(&self, sha256: &str) -> Result<Vec<u8>, VaultError> {
        let sealed = std::fs::read(self.dir.join(sha256))?;
        self.open(sha256, &sealed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_join_into_a_sealed_photo_that_names_nothing_in_the_clear() {
        let dir = tempfile::tempdir().unwrap();
        let vault = PhotoVault::load_or_create(dir.path()).unwrap();
        let photo: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
        let hash = hex::encode(crate::secrets::sha256(&photo));
        vault.write_piece(&hash, 0, &photo[..1000]).unwrap();
        vault.write_piece(&hash, 1000, &photo[1000..]).unwrap();
        vault.finish(&hash, 3000).unwrap();
        assert_eq!(vault.read(&hash).unwrap(), photo);
        let on_disk = std::fs::read(dir.path().join("photos").join(&hash)).unwrap();
        assert!(!on_disk.windows(64).any(|w| w == &photo[..64]));
        // A changed piece fails the hash and leaves nothing behind.
        vault.write_piece(&hash, 0, &[0u8; 3000]).unwrap();
        assert!(matches!(
            vault.finish(&hash, 3000),
            Err(VaultError::Mismatch)
        ));
        assert!(!dir.path().join("photos/partial").join(&hash).exists());
        // Another server's key cannot read it.
        let other = tempfile::tempdir().unwrap();
        let stranger = PhotoVault::load_or_create(other.path()).unwrap();
        std::fs::create_dir_all(other.path().join("photos")).unwrap();
        std::fs::write(other.path().join("photos").join(&hash), &on_disk).unwrap();
        assert!(matches!(stranger.read(&hash), Err(VaultError::Damaged)));
    }
}

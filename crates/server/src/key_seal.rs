//! Tablets' data keys at rest (issue 18): sealed with AES-256-GCM under `tablet-key-seal`, a
//! key in its own file in the data folder (as the photo key is), never in the database, so a
//! copy of the database alone gives no tablet's key. The tablet's id is the AAD: a sealed key
//! copied onto another tablet's row does not open.

use crate::sealing::SealingKey;
use std::path::Path;
use uuid::Uuid;

const KEY_FILE: &str = "tablet-key-seal";

pub struct KeySeal(SealingKey);

fn aad(device: Uuid) -> String {
    format!("burrow tablet key {device}")
}

impl KeySeal {
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<KeySeal> {
        SealingKey::load_or_create(&data_dir.join(KEY_FILE)).map(KeySeal)
    }

    /// `key` sealed for `device`.
    pub fn seal(&self, device: Uuid, key: &[u8]) -> Option<Vec<u8>> {
        self.0.seal(aad(device).as_bytes(), key)
    }

    /// The key sealed for `device`, or None if it will not open (another seal, another tablet).
    pub fn open(&self, device: Uuid, sealed: &[u8]) -> Option<Vec<u8>> {
        self.0.open(aad(device).as_bytes(), sealed)
    }
}

/// Seals every key an older Burrow left in the database in the clear (a raw key is exactly
/// `KEY_LEN` bytes; a sealed one is longer). Run at start, in one transaction.
pub fn seal_left_in_clear(
    conn: &mut rusqlite::Connection,
    seal: &KeySeal,
) -> anyhow::Result<usize> {
    let tx = conn.transaction()?;
    let clear = crate::store::tablet_keys_in_clear(&tx)?;
    for (device, key) in &clear {
        let sealed = seal
            .seal(*device, key)
            .ok_or_else(|| anyhow::anyhow!("could not seal a tablet key"))?;
        crate::store::replace_tablet_key(&tx, *device, &sealed)?;
    }
    tx.commit()?;
    Ok(clear.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_key_opens_only_for_its_tablet_and_under_its_seal() {
        let dir = tempfile::tempdir().unwrap();
        let seal = KeySeal::load_or_create(dir.path()).unwrap();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let sealed = seal.seal(a, &[7u8; 32]).unwrap();
        assert!(!sealed.windows(32).any(|w| w == [7u8; 32]));
        assert_eq!(seal.open(a, &sealed), Some(vec![7u8; 32]));
        assert_eq!(seal.open(b, &sealed), None);
        let other = tempfile::tempdir().unwrap();
        let stranger = KeySeal::load_or_create(other.path()).unwrap();
        assert_eq!(stranger.open(a, &sealed), None);
        // The seal is read back from its file at the next start.
        let again = KeySeal::load_or_create(dir.path()).unwrap();
        assert_eq!(again.open(a, &sealed), Some(vec![7u8; 32]));
    }
}

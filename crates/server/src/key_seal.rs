//! Tablets' data keys at rest (issue 18): sealed with AES-256-GCM under `tablet-key-seal`, a
//! key in its own file in the data folder (as the photo key is), never in the database, so a
//! copy of the database alone gives no tablet's key. The tablet's id is the AAD: a sealed key
//! copied onto another tablet's row does not open.

use anyhow::Context;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use std::path::Path;
use uuid::Uuid;

const KEY_FILE: &str = "tablet-key-seal";

pub struct KeySeal {
    key: LessSafeKey,
    rng: SystemRandom,
}

fn aad(device: Uuid) -> String {
    format!("burrow tablet key {device}")
}

impl KeySeal {
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<KeySeal> {
        let rng = SystemRandom::new();
        let path = data_dir.join(KEY_FILE);
        let bytes = if path.exists() {
            std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?
        } else {
            let mut key = [0u8; 32];
            rng.fill(&mut key)
                .map_err(|_| anyhow::anyhow!("no randomness for the tablet-key seal"))?;
            crate::tls::write_private(&path, key)?;
            key.to_vec()
        };
        let key = UnboundKey::new(&AES_256_GCM, &bytes)
            .map_err(|_| anyhow::anyhow!("{} is not a 32-byte key", path.display()))?;
        Ok(KeySeal {
            key: LessSafeKey::new(key),
            rng,
        })
    }

    /// `key` sealed for `device`: nonce, then ciphertext and tag.
    pub fn seal(&self, device: Uuid, key: &[u8]) -> Option<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).ok()?;
        let mut out = key.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(device).as_bytes()),
                &mut out,
            )
            .ok()?;
        let mut sealed = nonce.to_vec();
        sealed.append(&mut out);
        Some(sealed)
    }

    /// The key sealed for `device`, or None if it will not open (another seal, another tablet).
    pub fn open(&self, device: Uuid, sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, rest) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut buf = rest.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(aad(device).as_bytes()), &mut buf)
            .ok()?;
        Some(plain.to_vec())
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
        assert_ne!(&sealed[NONCE_LEN..NONCE_LEN + 32], &[7u8; 32]);
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

//! An AES-256-GCM key held in its own file in the data folder, never in the database: what the
//! photo vault and the tablets' keys are sealed under, so a copy of the database alone opens
//! neither. Each sealed value is the nonce, then the ciphertext and tag; the AAD names what it
//! is, so a value moved onto another's place does not open.

use anyhow::Context;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use std::path::Path;

pub struct SealingKey {
    key: LessSafeKey,
    rng: SystemRandom,
}

impl SealingKey {
    /// The key in `path`, made (readable by the owner only) if there is none yet.
    pub fn load_or_create(path: &Path) -> anyhow::Result<SealingKey> {
        let rng = SystemRandom::new();
        let bytes = if path.exists() {
            std::fs::read(path).with_context(|| format!("reading {}", path.display()))?
        } else {
            let mut key = [0u8; 32];
            rng.fill(&mut key)
                .map_err(|_| anyhow::anyhow!("no randomness for {}", path.display()))?;
            crate::tls::write_private(path, key)?;
            key.to_vec()
        };
        let key = UnboundKey::new(&AES_256_GCM, &bytes)
            .map_err(|_| anyhow::anyhow!("{} is not a 32-byte key", path.display()))?;
        Ok(SealingKey {
            key: LessSafeKey::new(key),
            rng,
        })
    }

    /// `plain` sealed with `aad`; None only if the system has no randomness.
    pub fn seal(&self, aad: &[u8], plain: &[u8]) -> Option<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).ok()?;
        let mut out = plain.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad),
                &mut out,
            )
            .ok()?;
        let mut sealed = nonce.to_vec();
        sealed.append(&mut out);
        Some(sealed)
    }

    /// What `sealed` holds, or None if it will not open under this key and `aad`.
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, rest) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut buf = rest.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(aad), &mut buf)
            .ok()?;
        Some(plain.to_vec())
    }
}

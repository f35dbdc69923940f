//! The server's identity key: an ECDSA P-256 key made on the first run and kept in the data
//! folder beside (not inside) the database, readable only by the server's user. Tablets pin its
//! public key at enrolment and ask the server to sign a fresh nonce before every sync, so a
//! machine pretending to be the setting's server on the same network gets nothing.

use anyhow::Context;
use burrow_core::device::{NONCE_LEN, identity_message};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use std::path::Path;

const FILE: &str = "identity-key.pk8";

pub struct Identity {
    key: EcdsaKeyPair,
    rng: SystemRandom,
}

impl Identity {
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<Identity> {
        let rng = SystemRandom::new();
        let path = data_dir.join(FILE);
        let pkcs8 = if path.exists() {
            std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?
        } else {
            let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                .map_err(|_| anyhow::anyhow!("could not generate the server's identity key"))?;
            crate::tls::write_private(&path, doc.as_ref())?;
            doc.as_ref().to_vec()
        };
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &rng)
            .map_err(|_| anyhow::anyhow!("{} is not a P-256 key", path.display()))?;
        Ok(Identity { key, rng })
    }

    /// The 65-byte uncompressed point tablets pin.
    pub fn public_key(&self) -> &[u8] {
        self.key.public_key().as_ref()
    }

    /// The 64-byte r‖s signature of the identity message for `nonce`.
    pub fn prove(&self, nonce: &[u8; NONCE_LEN]) -> Option<Vec<u8>> {
        self.key
            .sign(&self.rng, &identity_message(nonce))
            .ok()
            .map(|s| s.as_ref().to_vec())
    }
}

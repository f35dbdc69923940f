//! The server's identity key: an ECDSA P-256 key made on the first run and kept in the data
//! folder beside (not inside) the database, readable only by the server's user. Tablets pin its
//! public key at enrolment and ask the server to sign a fresh nonce before every sync, so a
//! machine pretending to be the setting's server on the same network gets nothing.

use anyhow::Context;
use burrow_core::device::{NONCE_LEN, identity_message};
use burrow_core::receipt::{Receipt, SignedReceipt, message};
use ring::rand::SystemRandom;
use ring::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair,
    UnparsedPublicKey,
};
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

    /// A deletion receipt signed over core's `receipt::message`.
    pub fn sign_receipt(&self, receipt: Receipt) -> Option<SignedReceipt> {
        let signature = self.key.sign(&self.rng, &message(&receipt)).ok()?;
        Some(SignedReceipt {
            receipt,
            server_key: hex::encode(self.public_key()),
            signature: hex::encode(signature.as_ref()),
        })
    }
}

/// Whether a receipt was signed by the server whose public key is `public_key` and says
/// exactly what it said then.
pub fn receipt_is_genuine(public_key: &[u8], signed: &SignedReceipt) -> bool {
    let Ok(signature) = hex::decode(&signed.signature) else {
        return false;
    };
    hex::encode(public_key) == signed.server_key
        && UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, public_key)
            .verify(&message(&signed.receipt), &signature)
            .is_ok()
}

/// `burrow-server verify-receipt FILE`: checks a receipt against this data folder's identity
/// key. Prints what it found; true if genuine.
pub fn verify_receipt_command(data_dir: &Path, file: &Path) -> anyhow::Result<bool> {
    let path = data_dir.join(FILE);
    anyhow::ensure!(
        path.exists(),
        "There is no server identity key in {}. Give the data folder of the server that made the receipt with --data-dir.",
        data_dir.display()
    );
    let identity = Identity::load_or_create(data_dir)?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let Ok(signed) = serde_json::from_str::<SignedReceipt>(&text) else {
        println!("Not a deletion receipt: the file is not one Burrow made, or it was edited.");
        return Ok(false);
    };
    if receipt_is_genuine(identity.public_key(), &signed) {
        let r = &signed.receipt;
        println!(
            "Genuine: signed by this setting's server. The data of the child who left on {} was deleted on {}: {} entries, {} photos, {} notes; {} of {} devices have deleted their copies.",
            burrow_core::dates::format_uk(r.last_day),
            burrow_core::dates::format_uk(r.deleted_at.date_naive()),
            r.removed.entries,
            r.removed.photos,
            r.removed.notes,
            r.devices.len() - burrow_core::receipt::waiting(&r.devices).len(),
            r.devices.len(),
        );
        Ok(true)
    } else {
        println!("Not genuine: this receipt was edited, or another server signed it.");
        Ok(false)
    }
}

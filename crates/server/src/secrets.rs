//! Passphrase hashing (argon2id), session tokens and one-time codes.
//!
//! Tokens and codes are stored only as SHA-256 hashes: a copy of the database cannot be used to
//! sign in or to set the setting up. Passphrases get argon2id with OWASP's parameters.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use burrow_core::codes;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::AppError;

fn argon2() -> Argon2<'static> {
    // 19 MiB, 2 passes, 1 lane: OWASP's recommended minimum for argon2id.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// At most this many passphrases are hashed at once. Each hash holds 19 MiB and a core for a
/// moment; a crowd of sign-ins queues here rather than taking the server's memory.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

async fn hashing_turn() -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    HASHING
        .acquire()
        .await
        .map_err(|_| AppError::internal("passphrase hashing closed"))
}

/// Hashes on a blocking thread: argon2 is slow on purpose.
pub async fn hash_passphrase(passphrase: String) -> Result<String, AppError> {
    let _turn = hashing_turn().await?;
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt =
            SaltString::encode_b64(&salt).map_err(|e| AppError::internal(format!("salt: {e}")))?;
        argon2()
            .hash_password(passphrase.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(format!("hashing: {e}")))
    })
    .await
    .map_err(|e| AppError::internal(format!("hashing task: {e}")))?
}

/// Checks a passphrase. With no stored hash it still does the work, so that timing does not
/// tell a guesser which names exist.
pub async fn verify_passphrase(
    passphrase: String,
    stored: Option<String>,
) -> Result<bool, AppError> {
    let _turn = hashing_turn().await?;
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| AppError::internal(format!("stored hash: {e}")))?;
        let ok = argon2()
            .verify_password(passphrase.as_bytes(), &parsed)
            .is_ok();
        Ok(ok && stored != DUMMY_HASH)
    })
    .await
    .map_err(|e| AppError::internal(format!("verify task: {e}")))?
}

/// argon2id of a random string nobody knows, with the same parameters as real hashes.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$YnVycm93LWR1bW15LXNhbHQ$2nOcbldZLXlUQt47Y3zh4sAeKMi9d2s6NSFsWe/Vjs4";

pub fn sha256(data: &[u8]) -> Vec<u8> {
    digest(data).to_vec()
}

/// SHA-256 as a fixed array: signed messages, the audit chain, the hashes sync echoes.
pub fn digest(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

pub fn same_hash(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// A fresh code for people to type, and the hash to store.
pub fn new_code() -> (String, Vec<u8>) {
    let mut bytes = [0u8; codes::CODE_CHARS];
    rand::rng().fill_bytes(&mut bytes);
    let code = codes::format_code(bytes);
    let hash = code_hash(&code);
    (code, hash)
}

pub fn code_hash(typed: &str) -> Vec<u8> {
    sha256(codes::normalise_code(typed).as_bytes())
}

/// A session token for the cookie (256 random bits, hex) and the hash to store.
pub fn new_session_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = sha256(token.as_bytes());
    (token, hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_passphrase_only() {
        let h = hash_passphrase("teapot river lantern".into())
            .await
            .unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify_passphrase("teapot river lantern".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify_passphrase("teapot river lanterns".into(), Some(h))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn no_stored_hash_never_verifies() {
        assert!(
            !verify_passphrase("anything at all".into(), None)
                .await
                .unwrap()
        );
    }

    #[test]
    fn codes_hash_the_same_however_typed() {
        let (code, hash) = new_code();
        assert_eq!(code_hash(&code.to_lowercase().replace('-', " ")), hash);
    }
}

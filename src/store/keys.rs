//! The tablet's keys: one random data key, stored only wrapped (once per user who may unlock
//! this tablet), and the working keys derived from it, which exist only in memory while unlocked.

use super::crypto::{self, CryptoError};
use burrow_core::envelope::{Aad, EnvelopeError, Kind};
use burrow_core::keys::{
    INDEX_INFO, KEY_LEN, MIN_PBKDF2_ITERATIONS, PBKDF2_ITERATIONS, PHOTOS_INFO, RECORDS_INFO,
    SALT_LEN, index_message,
};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;
use thiserror::Error;
use uuid::Uuid;
use web_sys::CryptoKey;
use zeroize::Zeroizing;

/// The data key wrapped for one user: safe to store, useless without their passphrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKey {
    pub user_id: Uuid,
    pub salt: [u8; SALT_LEN],
    /// Stored so the cost can be raised later without locking anyone out.
    pub iterations: u32,
    pub envelope: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UnlockError {
    /// Says nothing about how close the guess was.
    #[error("That passphrase is not right for this tablet. Check it and try again.")]
    WrongPassphrase,
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

/// The working keys of an unlocked tablet. Dropping them locks the tablet: they are never stored.
pub struct Keys {
    pub records: CryptoKey,
    pub photos: CryptoKey,
    pub index: CryptoKey,
    /// Who unlocked with these keys: every change made with them is theirs, and sync says so.
    pub person: Uuid,
    /// Index tokens already computed while unlocked, by their HMAC message. A key person writes
    /// about the same children on the same days all session, and each WebCrypto call is a round
    /// trip off the page's thread (P5). Dropped with the keys at lock; the tokens themselves are
    /// in IndexedDB's index anyway.
    tokens: RefCell<HashMap<Vec<u8>, String>>,
}

/// Enough for a room's children, dates and kinds many times over; past it the memo starts again.
const TOKENS_KEPT: usize = 4_096;

impl Keys {
    /// The index token that says a record is of `kind`. The kind is sealed too: even how many
    /// observations a tablet holds is not in the clear.
    pub async fn kind_token(&self, kind: Kind) -> Result<String, CryptoError> {
        self.index_token("kind", &(kind as u8).to_string()).await
    }

    /// The index token for a lookup (core::keys::index_message), computed once while unlocked.
    pub async fn index_token(&self, field: &str, value: &str) -> Result<String, CryptoError> {
        let message = index_message(field, value);
        if let Some(token) = self.tokens.borrow().get(&message) {
            return Ok(token.clone());
        }
        let token = crypto::index_token(&self.index, &message).await?;
        let mut tokens = self.tokens.borrow_mut();
        if tokens.len() >= TOKENS_KEPT {
            tokens.clear();
        }
        tokens.insert(message, token.clone());
        Ok(token)
    }
}

fn wrap_aad(user_id: Uuid) -> Aad {
    Aad::record(Kind::WrappedKey, user_id, 0)
}

/// A new random data key for a tablet that has none yet.
pub fn new_data_key() -> Result<Zeroizing<[u8; KEY_LEN]>, CryptoError> {
    Ok(Zeroizing::new(crypto::random_bytes()?))
}

/// Wraps the data key for a user. Each wrap has its own salt.
pub async fn wrap(
    data_key: &[u8; KEY_LEN],
    user_id: Uuid,
    passphrase: &str,
    iterations: u32,
) -> Result<WrappedKey, CryptoError> {
    let iterations = iterations.max(MIN_PBKDF2_ITERATIONS);
    wrap_with_cost(data_key, user_id, passphrase, iterations).await
}

/// `wrap` without the floor on the cost, so tests can use a cheap one. Never for real keys.
pub(crate) async fn wrap_with_cost(
    data_key: &[u8; KEY_LEN],
    user_id: Uuid,
    passphrase: &str,
    iterations: u32,
) -> Result<WrappedKey, CryptoError> {
    let salt: [u8; SALT_LEN] = crypto::random_bytes()?;
    let kek = crypto::derive_kek(passphrase, &salt, iterations).await?;
    let envelope = crypto::seal(&kek, &wrap_aad(user_id), data_key).await?;
    Ok(WrappedKey {
        user_id,
        salt,
        iterations,
        envelope,
    })
}

/// The raw data key, briefly, to derive working keys or to re-wrap it.
async fn unwrap(
    wrapped: &WrappedKey,
    passphrase: &str,
) -> Result<Zeroizing<[u8; KEY_LEN]>, UnlockError> {
    let kek = crypto::derive_kek(passphrase, &wrapped.salt, wrapped.iterations).await?;
    let raw = match crypto::open(&kek, &wrap_aad(wrapped.user_id), &wrapped.envelope).await {
        Ok(raw) => Zeroizing::new(raw),
        Err(CryptoError::Envelope(EnvelopeError::Damaged)) => {
            return Err(UnlockError::WrongPassphrase);
        }
        Err(e) => return Err(e.into()),
    };
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    if raw.len() != KEY_LEN {
        return Err(CryptoError::Envelope(EnvelopeError::Damaged).into());
    }
    key.copy_from_slice(&raw);
    Ok(key)
}

/// Unlocks: the passphrase opens the wrapped data key, and the working keys are derived from it
/// as non-extractable CryptoKeys. The raw data key is wiped before this returns.
pub async fn unlock(wrapped: &WrappedKey, passphrase: &str) -> Result<Keys, UnlockError> {
    let raw = unwrap(wrapped, passphrase).await?;
    Ok(keys_from(&raw, wrapped.user_id).await?)
}

pub(crate) async fn keys_from(data_key: &[u8; KEY_LEN], person: Uuid) -> Result<Keys, CryptoError> {
    let base = crypto::import_data_key(data_key).await?;
    Ok(Keys {
        person,
        records: crypto::derive_aes(&base, RECORDS_INFO).await?,
        photos: crypto::derive_aes(&base, PHOTOS_INFO).await?,
        index: crypto::derive_hmac(&base, INDEX_INFO).await?,
        tokens: RefCell::new(HashMap::new()),
    })
}

/// A passphrase change: the same data key, wrapped anew. No record is re-encrypted.
pub async fn rewrap(wrapped: &WrappedKey, old: &str, new: &str) -> Result<WrappedKey, UnlockError> {
    let raw = unwrap(wrapped, old).await?;
    Ok(wrap_with_cost(
        &raw,
        wrapped.user_id,
        new,
        wrapped.iterations.max(PBKDF2_ITERATIONS),
    )
    .await?)
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use burrow_core::envelope::native;
    use burrow_core::keys::native::{derive_subkeys, index_token, key_encryption_key};
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// Cheap, so the tests are quick; the real cost is measured by the bench.
    const TEST_COST: u32 = 1_000;
    const DATA_KEY: [u8; 32] = [0x5a; 32];

    fn aad() -> Aad {
        Aad {
            kind: Kind::Observation,
            record_id: Uuid::from_u128(7),
            version: 2,
            chunk: 0,
        }
    }

    #[wasm_bindgen_test]
    async fn webcrypto_opens_rustcrypto_envelopes_and_the_other_way_round() {
        let key = crypto::import_aes_key(&DATA_KEY).await.unwrap();
        let from_native = native::seal(
            &DATA_KEY,
            [3; 12],
            &aad(),
            b"Ava built a tower of six bricks",
        );
        assert_eq!(
            crypto::open(&key, &aad(), &from_native).await.unwrap(),
            b"Ava built a tower of six bricks"
        );

        let from_browser = crypto::seal(&key, &aad(), b"Noah said 'more' at snack time")
            .await
            .unwrap();
        assert_eq!(
            native::open(&DATA_KEY, &aad(), &from_browser).unwrap(),
            b"Noah said 'more' at snack time"
        );

        let again = crypto::seal(&key, &aad(), b"Noah said 'more' at snack time")
            .await
            .unwrap();
        assert_ne!(from_browser[1..13], again[1..13], "a fresh IV every time");
    }

    #[wasm_bindgen_test]
    async fn both_sides_refuse_tampered_moved_and_truncated_envelopes() {
        let key = crypto::import_aes_key(&DATA_KEY).await.unwrap();
        let env = crypto::seal(&key, &aad(), b"Isla counted to ten")
            .await
            .unwrap();
        let damaged = CryptoError::Envelope(EnvelopeError::Damaged);

        let mut flipped = env.clone();
        flipped[20] ^= 1;
        assert_eq!(
            crypto::open(&key, &aad(), &flipped).await,
            Err(damaged.clone())
        );
        assert_eq!(
            native::open(&DATA_KEY, &aad(), &flipped),
            Err(EnvelopeError::Damaged)
        );

        let mut elsewhere = aad();
        elsewhere.record_id = Uuid::from_u128(8);
        assert_eq!(
            crypto::open(&key, &elsewhere, &env).await,
            Err(damaged.clone())
        );
        let mut older = aad();
        older.version = 1;
        assert_eq!(crypto::open(&key, &older, &env).await, Err(damaged.clone()));

        assert_eq!(
            crypto::open(&key, &aad(), &env[..10]).await,
            Err(CryptoError::Envelope(EnvelopeError::Truncated))
        );
        assert_eq!(
            crypto::open(&key, &aad(), &env[..env.len() - 1]).await,
            Err(damaged)
        );
    }

    #[wasm_bindgen_test]
    async fn the_browser_derives_the_same_keys_as_core() {
        let user = Uuid::from_u128(99);
        let wrapped = wrap_with_cost(&DATA_KEY, user, "teapot river lantern", TEST_COST)
            .await
            .unwrap();
        // RustCrypto unwraps what WebCrypto wrapped: same PBKDF2, same envelope.
        let kek = key_encryption_key("teapot river lantern", &wrapped.salt, TEST_COST);
        let raw = native::open(&kek, &wrap_aad(user), &wrapped.envelope).unwrap();
        assert_eq!(raw, DATA_KEY);

        let keys = unlock(&wrapped, "teapot river lantern").await.unwrap();
        let native_keys = derive_subkeys(&DATA_KEY);
        let child = "0190b5a0-0000-7000-8000-000000000001";
        let token = keys.index_token("child", child).await.unwrap();
        assert_eq!(token, index_token(&native_keys.index, "child", child));
        // Asked again, the token comes from the keys' memo: still the same HMAC.
        assert_eq!(keys.index_token("child", child).await.unwrap(), token);
        assert_ne!(keys.index_token("date", child).await.unwrap(), token);
        let sealed = crypto::seal(&keys.records, &aad(), b"next step: counting to 20")
            .await
            .unwrap();
        assert_eq!(
            native::open(&native_keys.records, &aad(), &sealed).unwrap(),
            b"next step: counting to 20"
        );
        let photo = crypto::seal(&keys.photos, &aad(), &[0xff, 0xd8, 0xff])
            .await
            .unwrap();
        assert_eq!(
            native::open(&native_keys.photos, &aad(), &photo).unwrap(),
            [0xff, 0xd8, 0xff]
        );
        assert!(
            native::open(&native_keys.records, &aad(), &photo).is_err(),
            "photos and records use different keys"
        );
        assert!(
            !keys.records.extractable() && !keys.photos.extractable() && !keys.index.extractable()
        );
    }

    #[wasm_bindgen_test]
    async fn a_passphrase_change_rewraps_and_the_old_passphrase_stops_working() {
        let user = Uuid::from_u128(5);
        let first = wrap_with_cost(&DATA_KEY, user, "teapot river lantern", TEST_COST)
            .await
            .unwrap();
        assert_eq!(
            unlock(&first, "teapot river lanterns").await.err(),
            Some(UnlockError::WrongPassphrase)
        );

        let second = rewrap(&first, "teapot river lantern", "marble kettle orchard")
            .await
            .unwrap();
        assert_ne!(second.salt, first.salt);
        assert!(
            second.iterations >= MIN_PBKDF2_ITERATIONS,
            "a re-wrap never lowers the cost"
        );
        assert_eq!(
            unlock(&second, "teapot river lantern").await.err(),
            Some(UnlockError::WrongPassphrase)
        );
        let keys = unlock(&second, "marble kettle orchard").await.unwrap();
        // Same data key, so the same lookups: nothing needed re-encrypting.
        let token = keys.index_token("child", "x").await.unwrap();
        assert_eq!(
            token,
            index_token(&derive_subkeys(&DATA_KEY).index, "child", "x")
        );
        assert_eq!(
            rewrap(&first, "wrong passphrase here", "x y z").await.err(),
            Some(UnlockError::WrongPassphrase)
        );
    }

    #[wasm_bindgen_test]
    fn new_data_keys_are_random() {
        assert_ne!(*new_data_key().unwrap(), *new_data_key().unwrap());
    }
}

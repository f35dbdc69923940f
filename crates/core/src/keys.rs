//! The tablet's key hierarchy, defined once so that WebCrypto and RustCrypto derive the same keys.
//!
//! ```text
//! passphrase ──PBKDF2-SHA256(salt, iterations)──► key-encryption key (one per user)
//!                                                     │ wraps (an envelope of kind WrappedKey)
//! random data key (one per tablet) ◄──────────────────┘
//!     ├─HKDF-SHA256(info = RECORDS)─► records key   (AES-256-GCM)
//!     ├─HKDF-SHA256(info = PHOTOS)──► photos key    (AES-256-GCM)
//!     └─HKDF-SHA256(info = INDEX)───► index key     (HMAC-SHA256: lookups without names in the clear)
//! ```
//!
//! Only wrapped data keys are stored. A passphrase change re-wraps the data key; the data stays
//! as it is.

/// OWASP's 2023 floor for PBKDF2-HMAC-SHA256. The count is stored with each wrapped key, so it
/// can be raised later without locking anyone out.
pub const MIN_PBKDF2_ITERATIONS: u32 = 600_000;
/// What new wraps use: twice the floor, as DESIGN §7 asks (P9: unlocking with at least 1.2
/// million, at 4× CPU throttle, within a second). The derivation alone takes about 0.2 s in
/// headless Chromium here (P9k).
pub const PBKDF2_ITERATIONS: u32 = 1_200_000;
pub const SALT_LEN: usize = 16;
pub const KEY_LEN: usize = 32;

pub const HKDF_SALT: &[u8] = b"burrow/hkdf-salt/v1";
pub const RECORDS_INFO: &[u8] = b"burrow/records/v1";
pub const PHOTOS_INFO: &[u8] = b"burrow/photos/v1";
pub const INDEX_INFO: &[u8] = b"burrow/index/v1";

/// What the index key signs for a lookup such as ("child", child id): the field name, a zero
/// byte, then the value. Field names never contain a zero byte.
pub fn index_message(field: &str, value: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(field.len() + 1 + value.len());
    out.extend_from_slice(field.as_bytes());
    out.push(0);
    out.extend_from_slice(value.as_bytes());
    out
}

/// How an index MAC is stored: lowercase hex, so it is a plain IndexedDB key.
pub fn index_token_from_mac(mac: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(mac.len() * 2);
    for b in mac {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

/// A data key as it travels to the setting's server (`api::TabletKey`): 64 lowercase hex digits.
pub fn key_to_hex(key: &[u8; KEY_LEN]) -> String {
    index_token_from_mac(key)
}

/// The inverse of `key_to_hex`; `None` for anything that is not exactly 64 hex digits.
pub fn key_from_hex(text: &str) -> Option<[u8; KEY_LEN]> {
    let bytes = text.as_bytes();
    if bytes.len() != KEY_LEN * 2 {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut key = [0u8; KEY_LEN];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        key[i] = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(key)
}

/// The same derivations with RustCrypto, for native code and for proving the browser agrees.
#[cfg(any(test, feature = "rustcrypto"))]
pub mod native {
    use super::*;
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    pub struct SubKeys {
        pub records: [u8; KEY_LEN],
        pub photos: [u8; KEY_LEN],
        pub index: [u8; KEY_LEN],
    }

    pub fn derive_subkeys(data_key: &[u8; KEY_LEN]) -> SubKeys {
        let hk = hkdf::Hkdf::<Sha256>::new(Some(HKDF_SALT), data_key);
        let expand = |info: &[u8]| {
            let mut out = [0u8; KEY_LEN];
            // 32 bytes is far below HKDF-SHA256's limit of 8160.
            let _ = hk.expand(info, &mut out);
            out
        };
        SubKeys {
            records: expand(RECORDS_INFO),
            photos: expand(PHOTOS_INFO),
            index: expand(INDEX_INFO),
        }
    }

    pub fn key_encryption_key(passphrase: &str, salt: &[u8], iterations: u32) -> [u8; KEY_LEN] {
        pbkdf2::pbkdf2_hmac_array::<Sha256, KEY_LEN>(passphrase.as_bytes(), salt, iterations)
    }

    pub fn index_token(index_key: &[u8; KEY_LEN], field: &str, value: &str) -> String {
        // HMAC accepts keys of any length.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(index_key) else {
            return String::new();
        };
        mac.update(&index_message(field, value));
        index_token_from_mac(&mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::native::*;
    use super::*;

    #[test]
    fn pbkdf2_is_hmac_sha256() {
        // RFC 7914 §11's PBKDF2-HMAC-SHA-256 vector ("passwd", "salt", c = 1), first 32 bytes.
        let kek = key_encryption_key("passwd", b"salt", 1);
        assert_eq!(
            index_token_from_mac(&kek),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        );
    }

    #[test]
    fn sub_keys_are_distinct_and_stable() {
        let a = derive_subkeys(&[1; 32]);
        let b = derive_subkeys(&[1; 32]);
        assert_eq!(a.records, b.records);
        assert_ne!(a.records, a.photos);
        assert_ne!(a.records, a.index);
        assert_ne!(derive_subkeys(&[2; 32]).records, a.records);
    }

    #[test]
    fn index_tokens_hide_the_value_and_separate_fields() {
        let keys = derive_subkeys(&[1; 32]);
        let t = index_token(&keys.index, "child", "Ava");
        assert_eq!(t.len(), 64);
        assert!(!t.contains("Ava"));
        assert_eq!(t, index_token(&keys.index, "child", "Ava"));
        assert_ne!(t, index_token(&keys.index, "chil", "dAva"));
        assert_ne!(
            t,
            index_token(&derive_subkeys(&[2; 32]).index, "child", "Ava")
        );
    }

    #[test]
    fn a_data_key_survives_its_trip_as_hex() {
        let key: [u8; KEY_LEN] = core::array::from_fn(|i| (i * 37) as u8);
        let text = key_to_hex(&key);
        assert_eq!(text.len(), 64);
        assert_eq!(key_from_hex(&text), Some(key));
        assert_eq!(key_from_hex(&text.to_uppercase()), Some(key));
        assert_eq!(key_from_hex(&text[2..]), None);
        assert_eq!(key_from_hex(&format!("zz{}", &text[2..])), None);
        assert_eq!(key_from_hex(&format!("{text}00")), None);
    }
}

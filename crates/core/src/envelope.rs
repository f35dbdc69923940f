//! The envelope: how every encrypted thing on a tablet is laid out, whoever encrypts it.
//!
//! ```text
//! [version: 1 byte][IV: 12 bytes][AES-256-GCM ciphertext and 16-byte tag]
//! ```
//!
//! The associated data is not stored: it is rebuilt from where the envelope is found (which
//! record, of which kind, which version, which chunk). So an envelope copied onto another record,
//! another version or another chunk fails to open, rather than showing one child's words under
//! another child's name. The browser seals with WebCrypto, native code with RustCrypto (the
//! `rustcrypto` feature); both read this one layout.

use thiserror::Error;
use uuid::Uuid;

pub const VERSION: u8 = 1;
pub const IV_LEN: usize = 12;
pub const TAG_LEN: usize = 16;
/// Bytes an envelope adds to its plaintext.
pub const OVERHEAD: usize = 1 + IV_LEN + TAG_LEN;

/// What a sealed thing is. Part of the associated data, so a photo chunk cannot pass for an
/// observation. Numbers are forever: add new kinds, never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Kind {
    /// The tablet's data key, wrapped by a key derived from one user's passphrase.
    WrappedKey = 1,
    Child = 2,
    Staff = 3,
    Observation = 4,
    PhotoChunk = 5,
    Consent = 6,
    OutboxEntry = 7,
    Meta = 8,
    /// A photo's record: who is in it, when, which chunks hold it and its thumbnail.
    Photo = 9,
    /// A camera refusal, kept for the audit log (never an image).
    RefusedCapture = 10,
    /// A child's two-year progress check.
    ProgressCheck = 11,
    /// This tablet's enrolment: its signing key (PKCS#8) and the server key it pinned.
    Device = 12,
    /// On a parent's phone: the phone's enrolment, the parent and their children's first names.
    FamilyPhone = 13,
    /// On a parent's phone: one entry of their child's journal, as the setting sent it.
    FamilyEntry = 14,
    /// On a parent's phone: a comment or wow moment they wrote, and whether the setting has it.
    FamilyNote = 15,
    /// On a parent's phone: who had or changed their children's journals.
    FamilyTrail = 16,
}

/// Where an envelope belongs. Rebuilt by the reader; never stored beside the envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aad {
    pub kind: Kind,
    pub record_id: Uuid,
    /// The record's version: an old version's envelope cannot replace a newer one's.
    pub version: u64,
    /// Which chunk of a photo (0 for records).
    pub chunk: u32,
}

impl Aad {
    pub const LEN: usize = 9 + 1 + 1 + 16 + 8 + 4;

    pub fn record(kind: Kind, record_id: Uuid, version: u64) -> Aad {
        Aad {
            kind,
            record_id,
            version,
            chunk: 0,
        }
    }

    /// The bytes both sides feed to AES-GCM as associated data.
    pub fn to_bytes(&self) -> [u8; Aad::LEN] {
        let mut out = [0u8; Aad::LEN];
        out[..9].copy_from_slice(b"burrow/e1");
        out[9] = VERSION;
        out[10] = self.kind as u8;
        out[11..27].copy_from_slice(self.record_id.as_bytes());
        out[27..35].copy_from_slice(&self.version.to_be_bytes());
        out[35..39].copy_from_slice(&self.chunk.to_be_bytes());
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum EnvelopeError {
    /// Too short to be an envelope at all: cut off when written or copied.
    #[error("the stored data is cut short")]
    Truncated,
    #[error("the stored data is in a format this version of Burrow does not know ({0})")]
    UnknownVersion(u8),
    /// The tag did not verify: wrong key, changed bytes, or an envelope moved from elsewhere.
    #[error("the stored data is damaged or does not belong here")]
    Damaged,
}

/// An envelope split into its parts, without decrypting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts<'a> {
    pub iv: [u8; IV_LEN],
    /// Ciphertext followed by the tag, as WebCrypto and RustCrypto both produce it.
    pub sealed: &'a [u8],
}

pub fn parse(envelope: &[u8]) -> Result<Parts<'_>, EnvelopeError> {
    let (&version, rest) = envelope.split_first().ok_or(EnvelopeError::Truncated)?;
    if version != VERSION {
        return Err(EnvelopeError::UnknownVersion(version));
    }
    if rest.len() < IV_LEN + TAG_LEN {
        return Err(EnvelopeError::Truncated);
    }
    let (iv, sealed) = rest.split_at(IV_LEN);
    let mut iv_bytes = [0u8; IV_LEN];
    iv_bytes.copy_from_slice(iv);
    Ok(Parts {
        iv: iv_bytes,
        sealed,
    })
}

pub fn assemble(iv: [u8; IV_LEN], sealed: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + IV_LEN + sealed.len());
    out.push(VERSION);
    out.extend_from_slice(&iv);
    out.extend_from_slice(sealed);
    out
}

/// Sealing and opening with RustCrypto. The caller supplies the IV from a CSPRNG: core does no
/// I/O, and a fresh IV per encryption is the caller's duty (one per call to `seal`).
#[cfg(any(test, feature = "rustcrypto"))]
pub mod native {
    use super::*;
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    use aes_gcm::{Aes256Gcm, Nonce};

    pub fn seal(key: &[u8; 32], iv: [u8; IV_LEN], aad: &Aad, plaintext: &[u8]) -> Vec<u8> {
        let cipher = Aes256Gcm::new(key.into());
        let aad = aad.to_bytes();
        // Encryption with a valid key and nonce cannot fail for any length we can hold.
        let sealed = cipher
            .encrypt(
                Nonce::from_slice(&iv),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .unwrap_or_default();
        assemble(iv, &sealed)
    }

    pub fn open(key: &[u8; 32], aad: &Aad, envelope: &[u8]) -> Result<Vec<u8>, EnvelopeError> {
        let parts = parse(envelope)?;
        let cipher = Aes256Gcm::new(key.into());
        let aad = aad.to_bytes();
        cipher
            .decrypt(
                Nonce::from_slice(&parts.iv),
                Payload {
                    msg: parts.sealed,
                    aad: &aad,
                },
            )
            .map_err(|_| EnvelopeError::Damaged)
    }
}

#[cfg(test)]
mod tests {
    use super::native::{open, seal};
    use super::*;
    use proptest::prelude::*;

    const KEY: [u8; 32] = [7; 32];

    fn aad(chunk: u32) -> Aad {
        Aad {
            kind: Kind::Observation,
            record_id: Uuid::from_u128(42),
            version: 3,
            chunk,
        }
    }

    #[test]
    fn the_layout_is_version_iv_then_sealed() {
        let env = seal(&KEY, [9; IV_LEN], &aad(0), b"Ava stacked five bricks");
        assert_eq!(env[0], VERSION);
        assert_eq!(&env[1..13], &[9; IV_LEN]);
        assert_eq!(env.len(), b"Ava stacked five bricks".len() + OVERHEAD);
    }

    #[test]
    fn unknown_versions_and_stubs_are_named() {
        assert_eq!(parse(&[]), Err(EnvelopeError::Truncated));
        assert_eq!(parse(&[2, 0, 0]), Err(EnvelopeError::UnknownVersion(2)));
        assert_eq!(parse(&[VERSION; 20]), Err(EnvelopeError::Truncated));
    }

    #[test]
    fn aad_bytes_are_fixed_and_distinct_per_field() {
        let base = aad(0).to_bytes();
        assert_eq!(base.len(), Aad::LEN);
        let mut other = aad(0);
        other.kind = Kind::PhotoChunk;
        assert_ne!(other.to_bytes(), base);
        assert_ne!(aad(1).to_bytes(), base);
    }

    fn any_kind() -> impl Strategy<Value = Kind> {
        prop_oneof![
            Just(Kind::WrappedKey),
            Just(Kind::Child),
            Just(Kind::Observation),
            Just(Kind::PhotoChunk),
            Just(Kind::OutboxEntry),
        ]
    }

    fn any_aad() -> impl Strategy<Value = Aad> {
        (any_kind(), any::<u128>(), any::<u64>(), any::<u32>()).prop_map(
            |(kind, id, version, chunk)| Aad {
                kind,
                record_id: Uuid::from_u128(id),
                version,
                chunk,
            },
        )
    }

    proptest! {
        #[test]
        fn round_trips(key in any::<[u8; 32]>(), iv in any::<[u8; 12]>(), aad in any_aad(), text in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let env = seal(&key, iv, &aad, &text);
            prop_assert_eq!(open(&key, &aad, &env), Ok(text));
        }

        #[test]
        fn any_flipped_bit_is_refused(aad in any_aad(), text in proptest::collection::vec(any::<u8>(), 0..256), pos in any::<prop::sample::Index>(), bit in 0u8..8) {
            let mut env = seal(&KEY, [1; 12], &aad, &text);
            let i = pos.index(env.len());
            env[i] ^= 1 << bit;
            let result = open(&KEY, &aad, &env);
            if i == 0 {
                prop_assert!(matches!(result, Err(EnvelopeError::UnknownVersion(_))));
            } else {
                prop_assert_eq!(result, Err(EnvelopeError::Damaged));
            }
        }

        #[test]
        fn any_other_aad_is_refused(a in any_aad(), b in any_aad(), text in proptest::collection::vec(any::<u8>(), 0..256)) {
            prop_assume!(a != b);
            let env = seal(&KEY, [1; 12], &a, &text);
            prop_assert_eq!(open(&KEY, &b, &env), Err(EnvelopeError::Damaged));
        }

        #[test]
        fn any_truncation_is_refused(aad in any_aad(), text in proptest::collection::vec(any::<u8>(), 0..256), cut in any::<prop::sample::Index>()) {
            let env = seal(&KEY, [1; 12], &aad, &text);
            let keep = cut.index(env.len());
            let result = open(&KEY, &aad, &env[..keep]);
            prop_assert!(matches!(result, Err(EnvelopeError::Truncated | EnvelopeError::Damaged)), "{result:?}");
        }

        #[test]
        fn another_key_is_refused(key in any::<[u8; 32]>(), aad in any_aad()) {
            prop_assume!(key != KEY);
            let env = seal(&KEY, [1; 12], &aad, b"Noah's first steps");
            prop_assert_eq!(open(&key, &aad, &env), Err(EnvelopeError::Damaged));
        }
    }
}

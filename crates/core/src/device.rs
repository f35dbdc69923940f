//! Enrolled devices: the messages a tablet and the setting's server sign, and the rules around
//! them (DESIGN §2.4, §5). Written once so the tablet (WebCrypto) and the server (ring) sign and
//! check exactly the same bytes. Keys are ECDSA P-256; signatures are the 64-byte r‖s form
//! WebCrypto gives; public keys are the 65-byte uncompressed point ("raw" in WebCrypto).

use crate::codes::format_code;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

pub const PUBLIC_KEY_LEN: usize = 65;
pub const SIGNATURE_LEN: usize = 64;
pub const NONCE_LEN: usize = 32;
/// How far a proof's time may be from the server's clock, either way.
pub const PROOF_WINDOW_SECS: i64 = 300;

/// The server proves who it is by signing the tablet's fresh nonce inside this message, so the
/// signature cannot be reused as anything else.
pub fn identity_message(nonce: &[u8; NONCE_LEN]) -> Vec<u8> {
    let mut m = b"burrow server identity v1\n".to_vec();
    m.extend_from_slice(nonce);
    m
}

/// What a device signs for each request: the method, the path with its query, the SHA-256 of
/// the body, the time (Unix seconds) and a unique id. Any change to one of them breaks the proof.
pub fn proof_message(
    method: &str,
    path: &str,
    body_sha256: &[u8; 32],
    time: i64,
    nonce: &str,
) -> Vec<u8> {
    format!(
        "burrow device proof v1\n{}\n{}\n{}\n{}\n{}",
        method.to_ascii_uppercase(),
        path,
        hex_lower(body_sha256),
        time,
        nonce
    )
    .into_bytes()
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The code a new tablet shows and the manager types to approve it: taken from the SHA-256 of
/// the tablet's public key, so approving the code approves that key and no other.
pub fn enrol_code(public_key_sha256: &[u8; 32]) -> String {
    let mut ten = [0u8; 10];
    ten.copy_from_slice(&public_key_sha256[..10]);
    format_code(ten)
}

/// A P-256 public key as the tablet sends it: checked for shape here (the point itself is
/// checked by the server's crypto when it first verifies with it).
pub fn check_public_key(bytes: &[u8]) -> Result<(), DeviceError> {
    if bytes.len() == PUBLIC_KEY_LEN && bytes[0] == 0x04 {
        Ok(())
    } else {
        Err(DeviceError::BadKey)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceStatus {
    /// Registered its key; waiting for a manager to approve it.
    Pending,
    Enrolled,
    /// Must wipe itself at its next contact.
    Revoked,
}

impl DeviceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceStatus::Pending => "pending",
            DeviceStatus::Enrolled => "enrolled",
            DeviceStatus::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<DeviceStatus> {
        [
            DeviceStatus::Pending,
            DeviceStatus::Enrolled,
            DeviceStatus::Revoked,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

pub const NAME_MAX: usize = 40;

/// A device's name as the manager gives it ("Room 2 tablet").
pub fn device_name(typed: &str) -> Result<String, DeviceError> {
    let name = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        Err(DeviceError::NoName)
    } else if name.chars().count() > NAME_MAX {
        Err(DeviceError::NameTooLong)
    } else {
        Ok(name)
    }
}

/// Is a proof's time close enough to now?
pub fn fresh(time: i64, now: i64) -> Result<(), ProofError> {
    // abs_diff: any i64 may arrive in the header, and `time - now` overflows at the ends.
    if time.abs_diff(now) <= PROOF_WINDOW_SECS.unsigned_abs() {
        Ok(())
    } else {
        Err(ProofError::Expired)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeviceError {
    #[error("The tablet's key is not a P-256 public key.")]
    BadKey,
    #[error("Give the tablet a name, such as “Room 2 tablet”.")]
    NoName,
    #[error("Keep the tablet's name under {NAME_MAX} characters.")]
    NameTooLong,
    #[error("That code is not the one this tablet shows. Check the code on the tablet's screen.")]
    WrongCode,
}

/// Why a signed request was refused. Shown to the person on the tablet.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProofError {
    #[error("This request is not signed by an enrolled tablet.")]
    Missing,
    #[error("This tablet is not enrolled with the setting's server.")]
    UnknownDevice,
    #[error("This tablet is waiting for a manager to approve it.")]
    NotApproved,
    #[error("This tablet has been removed by a manager.")]
    Revoked,
    #[error(
        "The tablet's clock is too far from the server's. Check the date and time on the tablet."
    )]
    Expired,
    #[error("This request was already received once.")]
    Replayed,
    #[error("The request's signature does not match. It may have been changed on the way.")]
    BadSignature,
}

/// The answer to `GET /api/devices/{id}/status` and part of the device list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub id: Uuid,
    pub status: DeviceStatus,
    pub name: Option<String>,
    /// Shown while pending, so a manager can match it with the tablet's screen.
    pub code: Option<String>,
    pub requested_at: chrono::DateTime<chrono::Utc>,
    /// What the tablet said it holds at its last sync (issue 16), for managers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holdings: Option<crate::holdings::Reported>,
    /// Out on an outing since when, with how many children (issue 16), for managers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outing: Option<crate::outing::Outing>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    /// Hex of the 65-byte uncompressed P-256 point.
    pub public_key: String,
    /// The tablet's key on the server, and its door key's word that this enrolment is its own:
    /// once a manager approves, that key is given to this tablet (and only while it is enrolled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tablet: Option<TabletLink>,
}

/// A tablet key's id and its door key's signature over `link_message`, in hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TabletLink {
    pub id: Uuid,
    pub proof: String,
}

/// What a tablet's door key signs to tie its key on the server to the enrolment it asks for:
/// the enrolment's public key, so the signature cannot tie it to anyone else's.
pub fn link_message(tablet: Uuid, enrolment_public_key: &[u8]) -> Vec<u8> {
    format!(
        "burrow tablet link v1\n{tablet}\n{}",
        hex_lower(enrolment_public_key)
    )
    .into_bytes()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolResponse {
    pub id: Uuid,
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApproveRequest {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityRequest {
    /// Hex of 32 fresh random bytes.
    pub nonce: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityResponse {
    /// Hex of the server's 65-byte public key: pinned by the tablet at enrolment.
    pub public_key: String,
    /// Hex of the 64-byte signature of `identity_message(nonce)`.
    pub signature: String,
}

/// The headers a signed request carries.
pub mod header {
    pub const DEVICE: &str = "burrow-device";
    pub const TIME: &str = "burrow-time";
    pub const NONCE: &str = "burrow-nonce";
    pub const PROOF: &str = "burrow-proof";
}

/// A request's proof headers, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofHeaders {
    pub device: Uuid,
    pub time: i64,
    pub nonce: String,
    pub signature: Vec<u8>,
}

/// What is wrong with a request's proof headers.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProofHeaderError {
    #[error("This request is not signed by an enrolled tablet.")]
    Missing,
    /// The header's name (one of `header`'s), never its value.
    #[error("The request's {0} header is not in the right form.")]
    Malformed(&'static str),
}

/// Reads the four proof headers as a device sent them (None: absent or not text). Untrusted
/// bytes from anyone on the premises, so fuzzed (`fuzz/`).
pub fn read_proof_headers(
    device: Option<&str>,
    time: Option<&str>,
    nonce: Option<&str>,
    proof: Option<&str>,
) -> Result<ProofHeaders, ProofHeaderError> {
    let (Some(device), Some(time), Some(nonce), Some(proof)) = (device, time, nonce, proof) else {
        return Err(ProofHeaderError::Missing);
    };
    let nonce_ok = (8..=64).contains(&nonce.len())
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !nonce_ok {
        return Err(ProofHeaderError::Malformed(header::NONCE));
    }
    Ok(ProofHeaders {
        device: Uuid::parse_str(device).map_err(|_| ProofHeaderError::Malformed(header::DEVICE))?,
        time: time
            .parse()
            .map_err(|_| ProofHeaderError::Malformed(header::TIME))?,
        nonce: nonce.to_owned(),
        signature: hex::decode(proof)
            .ok()
            .filter(|s| s.len() == SIGNATURE_LEN)
            .ok_or(ProofHeaderError::Malformed(header::PROOF))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_proof_covers_every_part() {
        let base = proof_message("post", "/api/sync?x=1", &[7; 32], 1_700_000_000, "n1");
        assert!(base.starts_with(b"burrow device proof v1\nPOST\n/api/sync?x=1\n0707"));
        for other in [
            proof_message("GET", "/api/sync?x=1", &[7; 32], 1_700_000_000, "n1"),
            proof_message("POST", "/api/sync?x=2", &[7; 32], 1_700_000_000, "n1"),
            proof_message("POST", "/api/sync?x=1", &[8; 32], 1_700_000_000, "n1"),
            proof_message("POST", "/api/sync?x=1", &[7; 32], 1_700_000_001, "n1"),
            proof_message("POST", "/api/sync?x=1", &[7; 32], 1_700_000_000, "n2"),
        ] {
            assert_ne!(other, base);
        }
    }

    #[test]
    fn the_identity_message_is_not_a_proof() {
        let m = identity_message(&[1; 32]);
        assert!(m.starts_with(b"burrow server identity v1\n"));
        assert_eq!(m.len(), 26 + 32);
    }

    #[test]
    fn a_code_reads_like_the_other_codes() {
        let code = enrol_code(&[0; 32]);
        assert_eq!(code, "AAAAA-AAAAA");
        assert_ne!(enrol_code(&[1; 32]), code);
    }

    #[test]
    fn keys_names_and_times() {
        let mut key = [0u8; 65];
        key[0] = 4;
        assert_eq!(check_public_key(&key), Ok(()));
        assert_eq!(check_public_key(&key[..64]), Err(DeviceError::BadKey));
        key[0] = 2;
        assert_eq!(check_public_key(&key), Err(DeviceError::BadKey));
        assert_eq!(
            device_name("  Room 2   tablet "),
            Ok("Room 2 tablet".into())
        );
        assert_eq!(device_name("   "), Err(DeviceError::NoName));
        assert_eq!(device_name(&"x".repeat(41)), Err(DeviceError::NameTooLong));
        assert_eq!(fresh(1000, 1300), Ok(()));
        assert_eq!(fresh(1000, 1301), Err(ProofError::Expired));
        assert_eq!(fresh(1301, 1000), Err(ProofError::Expired));
        assert_eq!(fresh(i64::MIN, 1_800_000_000), Err(ProofError::Expired));
        assert_eq!(fresh(i64::MAX, -1), Err(ProofError::Expired));
        for s in [
            DeviceStatus::Pending,
            DeviceStatus::Enrolled,
            DeviceStatus::Revoked,
        ] {
            assert_eq!(DeviceStatus::parse(s.as_str()), Some(s));
        }
    }

    proptest! {
        /// Two different keys practically never share a code, and a code depends only on the key.
        #[test]
        fn codes_follow_the_key(a in any::<[u8; 32]>(), b in any::<[u8; 32]>()) {
            prop_assert_eq!(enrol_code(&a), enrol_code(&a));
            if a[..10] != b[..10] {
                // 5 bits of each of ten bytes: equal codes need equal low bits everywhere.
                let same_low_bits = a[..10].iter().zip(&b[..10]).all(|(x, y)| x & 31 == y & 31);
                prop_assert_eq!(enrol_code(&a) == enrol_code(&b), same_low_bits);
            }
        }
    }
}

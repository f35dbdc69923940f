//! A signed request's proof, as the server reads it from the headers: device, time, nonce and
//! signature, then the signature checked over the message core builds.

use burrow_core::device::{check_public_key, fresh, proof_message, read_proof_headers};
use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
use std::sync::OnceLock;

/// A real enrolled tablet's public key: made once a run.
fn tablet_key() -> &'static [u8] {
    static KEY: OnceLock<Vec<u8>> = OnceLock::new();
    KEY.get_or_init(|| {
        use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
        let rng = ring::rand::SystemRandom::new();
        EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .ok()
            .and_then(|p| {
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, p.as_ref(), &rng).ok()
            })
            .map(|k| k.public_key().as_ref().to_vec())
            .unwrap_or_default()
    })
}

pub fn check(data: &[u8]) {
    // Five lines: the four headers (as header text, which is ASCII) and the method and path;
    // the rest is the body.
    let mut parts = data.splitn(7, |b| *b == b'\n');
    let mut line = || {
        parts
            .next()
            .and_then(|l| std::str::from_utf8(l).ok())
            .filter(|l| l.is_ascii())
    };
    let (device, time, nonce, proof) = (line(), line(), line(), line());
    let (method, path) = (line().unwrap_or("POST"), line().unwrap_or("/api/sync/push"));
    let body = parts.next().unwrap_or_default();

    // Any key a tablet offers at enrolment is checked for shape without a panic.
    let _ = check_public_key(data);

    let Ok(h) = read_proof_headers(device, time, nonce, proof) else {
        return;
    };
    let _ = fresh(h.time, crate::now().timestamp());
    let digest = ring::digest::digest(&ring::digest::SHA256, body);
    let mut hash = [0u8; 32];
    hash.copy_from_slice(digest.as_ref());
    let message = proof_message(method, path, &hash, h.time, &h.nonce);
    assert!(
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, tablet_key())
            .verify(&message, &h.signature)
            .is_err(),
        "a proof nobody signed was accepted"
    );
}

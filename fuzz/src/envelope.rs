//! The sealed envelope every record travels and rests in: version, IV, ciphertext and tag.

use burrow_core::envelope::{Aad, IV_LEN, Kind, native, parse};
use uuid::Uuid;

const KEY: [u8; 32] = [7; 32];

fn aad() -> Aad {
    Aad::record(Kind::Observation, Uuid::from_u128(1), 1)
}

pub fn check(data: &[u8]) {
    // Anything at all: read or refused, never a panic, and never opened without the key's tag.
    let _ = parse(data);
    assert!(
        native::open(&KEY, &aad(), data).is_err(),
        "an envelope nobody sealed was opened"
    );
    // Sealed, it opens to exactly what went in; one byte changed anywhere, it does not open.
    let iv = [data.len() as u8; IV_LEN];
    let sealed = native::seal(&KEY, iv, &aad(), data);
    assert_eq!(native::open(&KEY, &aad(), &sealed).as_deref(), Ok(data));
    let at = data.iter().fold(0usize, |a, b| {
        a.wrapping_mul(31).wrapping_add(usize::from(*b))
    }) % sealed.len();
    let mut changed = sealed.clone();
    changed[at] ^= 1;
    assert!(
        native::open(&KEY, &aad(), &changed).is_err(),
        "a changed envelope opened"
    );
    // Under another record's label, it does not open either.
    let other = Aad::record(Kind::Observation, Uuid::from_u128(1), 2);
    assert!(native::open(&KEY, &other, &sealed).is_err());
}

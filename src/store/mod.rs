//! The tablet's encrypted store: WebCrypto for the envelope and the key hierarchy that core
//! defines, and (next) IndexedDB for records, photo chunks, the outbox and metadata.

// The lock screen and the record store that call this are the next step of issue 3; until
// then only the tests in Chromium use it.
#![allow(dead_code)]

pub mod crypto;
pub mod db;
pub mod health;
pub mod keys;
pub mod roster;
pub mod tablet;

#[cfg(all(test, target_arch = "wasm32"))]
mod bench;

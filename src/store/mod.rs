//! The tablet's encrypted store: WebCrypto for the envelope and the key hierarchy that core
//! defines, and IndexedDB for records, photo chunks, the outbox and metadata.

pub mod crypto;
pub mod db;
pub mod family;
pub mod health;
pub mod holdings;
pub mod keys;
pub mod leaver;
pub mod mirror;
pub mod observations;
pub mod outing;
pub mod photos;
pub mod progress_checks;
pub mod purge;
pub mod roster;
pub mod sync_state;
pub mod tablet;

#[cfg(all(test, target_arch = "wasm32"))]
mod bench;

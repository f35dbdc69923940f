//! burrow-core: Burrow's domain, written once and called by both the app and the server.
//!
//! Everything here is a pure function or a plain type: no I/O, no clocks, no randomness, no
//! web-sys, no tokio. Callers pass in "today", "now" and random bytes, so every rule can be
//! tested natively and gives the same answer on a tablet and on the server.

pub mod api;
pub mod audit;
pub mod backup;
pub mod child;
pub mod child_picture;
pub mod codes;
pub mod consent;
pub mod dates;
pub mod device;
pub mod envelope;
pub mod eyfs;
pub mod high_risk;
pub mod holdings;
pub mod keepsake;
pub mod keys;
pub mod leaving;
pub mod lock;
pub mod names;
pub mod observation;
pub mod outing;
pub mod parent_note;
pub mod parent_view;
pub mod passphrase;
pub mod photo;
pub mod progress;
pub mod progress_check;
pub mod publishing;
pub mod receipt;
pub mod retention;
pub mod session;
pub mod staff;
pub mod storage;
pub mod sync;
pub mod throttle;
pub mod workflow;

//! burrow-server: the setting's own server. Serves the app and its API from one origin, keeps
//! the setting's data in SQLite, and enforces core's rules where no client can bypass them.

pub mod addresses;
pub mod app;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod commands;
pub mod config;
pub mod csp;
pub mod db;
pub mod deletion;
pub mod demo;
pub mod display_sheet;
pub mod embedded;
pub mod error;
pub mod extract;
pub mod identity;
pub mod keepsake;
pub mod key_seal;
pub mod mask;
pub mod memory;
pub mod phone_fence;
pub mod photos;
pub mod premises;
pub mod proof;
pub mod receipts;
pub mod routes;
pub mod sealing;
pub mod secrets;
pub mod server;
pub mod state;
pub mod store;
pub mod tls;

pub use config::Config;
pub use server::{Running, start};

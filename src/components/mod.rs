//! Reusable pieces of screens.

pub mod field;
pub mod form_errors;
pub mod notice;
pub mod offline;
pub mod passphrase_field;
pub mod shell;

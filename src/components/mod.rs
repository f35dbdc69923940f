//! Reusable pieces of screens.

pub mod auto_lock;
pub mod child_face;
pub mod deletions;
pub mod family_notes;
pub mod field;
pub mod form_errors;
pub mod front_door;
pub mod leaving_card;
pub mod lock_screen;
pub mod nav;
pub mod notice;
pub mod offline;
pub mod outing_card;
pub mod passphrase_field;
pub mod photo_thumb;
pub mod posterity;
pub mod receipt;
pub mod select_field;
pub mod shell;
pub mod sync_bar;

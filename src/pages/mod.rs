//! One module per screen.

pub mod children;
pub mod claim;
pub mod settings;
pub mod setup;
pub mod sign_in;
pub mod staff;

//! One module per screen.

pub mod audit;
pub mod child_consents;
pub mod children;
pub mod claim;
pub mod consents;
pub mod families;
pub mod family;
pub mod journal;
pub mod more;
pub mod observe;
pub mod photo;
pub mod progress;
pub mod progress_check;
pub mod published;
pub mod settings;
pub mod setup;
pub mod sign_in;
pub mod staff;
pub mod sync;
pub mod today;
pub mod validate;

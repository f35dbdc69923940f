//! The checks behind each fuzz target: what decodes untrusted bytes on the setting's server or
//! a tablet, fed anything. Each panics when a property a user would notice breaks, not only on
//! a crash: a refusal that repeats what was sent, EXIF let through, a forged proof accepted.
//!
//! `cargo xtask fuzz` runs them under libFuzzer (`fuzz_targets/`); `cargo test` runs them over
//! the seeds and every crash kept in `regressions/`, so a crash once found stays fixed.

pub mod device_proof;
pub mod envelope;
pub mod jpeg;
pub mod parent_note;
pub mod push_body;
pub mod seeds;

use burrow_server::error::AppError;

/// A fixed "now" (a school day in 2027), so a run is repeatable.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
}

/// A refusal of a JSON body must be one of the server's own sentences: never serde's words,
/// never a piece of what was sent, and a field (if named) only one of the form's own.
pub fn assert_plain_refusal(e: &AppError, fields: &[&str]) {
    let AppError::Refused { message, field, .. } = e else {
        panic!("a bad body must be refused (4xx), not {e:?}");
    };
    let fixed = [
        "The request is not valid JSON.",
        "The request has a field this form does not have. Send only the form's own fields.",
        "One of the request's values is not one of the choices offered.",
        "One of the request's fields has a value of the wrong kind.",
        "The request's fields are not right.",
    ];
    let named = fields
        .iter()
        .any(|f| *message == format!("The request is missing its “{f}” field."));
    assert!(
        fixed.contains(&message.as_str()) || named,
        "a refusal not in the server's words: {message:?}"
    );
    if let Some(f) = field {
        assert!(
            fields.contains(&f.as_ref()),
            "a field not of the form: {f:?}"
        );
    }
}

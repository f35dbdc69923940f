//! Names of people and of the setting, as typed by a person.

use thiserror::Error;

/// Longest name we accept. Generous for real names, small enough to lay out on a tablet.
pub const MAX_NAME_CHARS: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NameError {
    #[error("Enter a name.")]
    Empty,
    #[error("Use at most {MAX_NAME_CHARS} characters.")]
    TooLong,
    #[error("Names can only contain letters, spaces and ordinary punctuation.")]
    ControlCharacters,
}

/// Trims a typed name and checks it. Inner runs of whitespace become one space, so
/// "Ava  Smith" and "Ava Smith" are the same person to a search or a uniqueness check.
pub fn clean_name(raw: &str) -> Result<String, NameError> {
    if raw.chars().any(|c| c.is_control() && c != '\t') {
        return Err(NameError::ControlCharacters);
    }
    let cleaned = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        return Err(NameError::Empty);
    }
    if cleaned.chars().count() > MAX_NAME_CHARS {
        return Err(NameError::TooLong);
    }
    Ok(cleaned)
}

/// The key under which two names count as the same (for "already a member of staff called ...").
pub fn name_key(cleaned: &str) -> String {
    cleaned.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_collapses_whitespace() {
        assert_eq!(clean_name("  Ava \t Smith ").as_deref(), Ok("Ava Smith"));
    }

    #[test]
    fn refuses_empty_and_blank() {
        assert_eq!(clean_name(""), Err(NameError::Empty));
        assert_eq!(clean_name("   "), Err(NameError::Empty));
    }

    #[test]
    fn refuses_control_characters() {
        assert_eq!(clean_name("Ava\u{0}"), Err(NameError::ControlCharacters));
        assert_eq!(clean_name("Ava\nSmith"), Err(NameError::ControlCharacters));
    }

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        let ok = "é".repeat(MAX_NAME_CHARS);
        assert!(clean_name(&ok).is_ok());
        assert_eq!(
            clean_name(&"a".repeat(MAX_NAME_CHARS + 1)),
            Err(NameError::TooLong)
        );
    }

    #[test]
    fn keys_ignore_case() {
        assert_eq!(name_key("Ava Smith"), name_key("ava smith"));
    }
}

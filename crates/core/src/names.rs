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
    /// Right-to-left overrides, zero-width spaces and the like: a name that shows as someone
    /// else's, or two names that look the same and are not.
    #[error(
        "This name has an invisible character in it (one that changes the text's direction or takes no space), perhaps from copying and pasting. Type the name in again."
    )]
    Invisible,
}

/// Characters that draw nothing or change how the text around them is shown: Unicode's format
/// characters (general category Cf: direction marks, embeddings, overrides and isolates,
/// zero-width spaces, word joiners, invisible operators, the byte order mark, interlinear
/// annotation, tags) and the other default-ignorable fillers. The two joiners (U+200C, U+200D)
/// are judged by `joiner_in_place`.
fn invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x0600..=0x0605 | 0x06DD | 0x070F | 0x0890 | 0x0891 | 0x08E2
        | 0x200B | 0x200E | 0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164
        | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFFB
        | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF)
}

/// A zero-width joiner or non-joiner is part of how some names are written (Persian, the
/// Indic scripts): allowed between two letters of a script that joins, never beside a space,
/// at either end, or in Latin text where it only hides.
fn joiner_in_place(before: Option<char>, after: Option<char>) -> bool {
    let joins = |c: Option<char>| {
        c.is_some_and(|c| c.is_alphabetic() && !c.is_ascii() && (c as u32) >= 0x0590)
    };
    joins(before) && joins(after)
}

fn has_invisible(raw: &str) -> bool {
    let chars: Vec<char> = raw.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| {
        if c == '\u{200C}' || c == '\u{200D}' {
            !joiner_in_place(
                i.checked_sub(1).map(|j| chars[j]),
                chars.get(i + 1).copied(),
            )
        } else {
            invisible(c)
        }
    })
}

/// Trims a typed name and checks it. Inner runs of whitespace become one space, so
/// "Ava  Smith" and "Ava Smith" are the same person to a search or a uniqueness check.
pub fn clean_name(raw: &str) -> Result<String, NameError> {
    if raw.chars().any(|c| c.is_control() && c != '\t') {
        return Err(NameError::ControlCharacters);
    }
    if has_invisible(raw) {
        return Err(NameError::Invisible);
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
    fn refuses_invisible_characters() {
        // "Ava" shown as someone else's name, or two names that look alike and are not.
        for name in [
            "\u{202E}avA Smith",
            "Ava\u{200B} Smith",
            "Ava\u{2066}Smith\u{2069}",
            "\u{FEFF}Ava",
            "Ava\u{200D}Smith",
            "Ava\u{200C} Smith",
            "Ava\u{00AD}Smith",
            "Ava\u{E0041}",
            "Ava\u{2060}",
            "\u{3164}",
        ] {
            assert_eq!(clean_name(name), Err(NameError::Invisible), "{name:?}");
        }
    }

    #[test]
    fn keeps_joiners_inside_names_written_with_them() {
        // Persian: Mehr + ZWNJ + nush; Hindi with a ZWJ between two Devanagari letters.
        assert!(clean_name("مهر\u{200C}نوش").is_ok());
        assert!(clean_name("क\u{200D}ष").is_ok());
        assert!(clean_name("Zoë O’Brien-Łukasiewicz").is_ok());
    }

    proptest::proptest! {
        #[test]
        fn no_accepted_name_holds_a_format_character(raw in "\\PC{0,20}", at in 0usize..20, pick in 0usize..6) {
            let sneaky = ['\u{202E}', '\u{200B}', '\u{2067}', '\u{FEFF}', '\u{200F}', '\u{2062}'][pick];
            let mut chars: Vec<char> = raw.chars().collect();
            chars.insert(at.min(chars.len()), sneaky);
            let name: String = chars.into_iter().collect();
            proptest::prop_assert!(clean_name(&name).is_err());
        }
    }

    #[test]
    fn keys_ignore_case() {
        assert_eq!(name_key("Ava Smith"), name_key("ava smith"));
    }
}

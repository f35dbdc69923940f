//! One-time codes that people type: the setting's set-up code and staff invite codes.
//!
//! The caller supplies the random bytes (core does no I/O); these functions only turn them into
//! something readable aloud and typeable on a tablet, and normalise what was typed.

/// No 0/O or 1/I: codes are read aloud and typed from paper (always shown in capitals).
const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
pub const CODE_CHARS: usize = 10;

/// Turns ten random bytes into a code such as `K7QXM-2HD9T` (5 bits a character: 50 bits).
pub fn format_code(random: [u8; CODE_CHARS]) -> String {
    let mut out = String::with_capacity(CODE_CHARS + 1);
    for (i, b) in random.iter().enumerate() {
        if i == CODE_CHARS / 2 {
            out.push('-');
        }
        out.push(ALPHABET[(b & 31) as usize] as char);
    }
    out
}

/// What a person typed, made comparable: case, spaces and dashes do not matter.
pub fn normalise_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn looks_like_two_groups_of_five() {
        let code = format_code([0, 1, 2, 3, 4, 5, 6, 7, 8, 31]);
        assert_eq!(code, "ABCDE-FGHJ9");
    }

    proptest! {
        #[test]
        fn typed_back_sloppily_it_still_matches(bytes in any::<[u8; 10]>()) {
            let code = format_code(bytes);
            let sloppy = format!("  {} ", code.to_lowercase().replace('-', " "));
            prop_assert_eq!(normalise_code(&sloppy), normalise_code(&code));
            prop_assert!(!code.contains(['0', 'O', '1', 'I']));
        }
    }
}

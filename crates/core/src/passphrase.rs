//! Is a passphrase strong enough to protect children's data?
//!
//! A tablet's data key is wrapped by a key derived from each user's passphrase (DESIGN §4), so a
//! copied browser profile is only as safe as the weakest passphrase on it. We follow the NCSC's
//! "three random words" advice: length matters most, and a passphrase built from the names
//! around it or from the passwords everyone tries first is refused, with the reason.

use thiserror::Error;

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 200;
/// Letters that must remain once common words, digits and symbols are taken out.
const MIN_OWN_LETTERS: usize = 6;

/// Words and keyboard runs that guessers try first, plus words anyone at a nursery would guess.
const PREDICTABLE: &[&str] = &[
    "password",
    "passw0rd",
    "letmein",
    "welcome",
    "qwertyuiop",
    "qwerty",
    "asdfghjkl",
    "asdfgh",
    "zxcvbnm",
    "abcdefghijklmnopqrstuvwxyz",
    "abcdef",
    "abc",
    "iloveyou",
    "admin",
    "login",
    "monkey",
    "dragon",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "batman",
    "trustno1",
    "master",
    "shadow",
    "secret",
    "changeme",
    "default",
    "nursery",
    "preschool",
    "burrow",
    "children",
    "teacher",
    "summer",
    "winter",
    "spring",
    "autumn",
    "london",
    "england",
];

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Weakness {
    #[error(
        "Use at least {MIN_CHARS} characters. Three random words work well, such as “puffin ladder velvet”."
    )]
    TooShort,
    #[error("Use at most {MAX_CHARS} characters.")]
    TooLong,
    #[error(
        "That passphrase repeats the same few characters. Three random words work well, such as “puffin ladder velvet”."
    )]
    TooRepetitive,
    #[error(
        "Don’t use your own name or the setting’s name in your passphrase: they are the first things someone would try."
    )]
    ContainsName,
    #[error(
        "That passphrase is built from words and numbers that people guess first. Three random words work well, such as “puffin ladder velvet”."
    )]
    Predictable,
    #[error("That is the example. Choose three words of your own.")]
    TheExample,
}

/// The example the messages give; it is refused as a passphrase, since it is printed for all to see.
pub const EXAMPLE: &str = "puffin ladder velvet";

/// Checks a new passphrase. `personal` holds the words someone would try first for this
/// person: their name and the setting's name.
pub fn check(passphrase: &str, personal: &[&str]) -> Result<(), Weakness> {
    let chars = passphrase.chars().count();
    if chars < MIN_CHARS {
        return Err(Weakness::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(Weakness::TooLong);
    }
    let lower = passphrase.to_lowercase();
    if lower.split_whitespace().collect::<Vec<_>>().join(" ") == EXAMPLE {
        return Err(Weakness::TheExample);
    }
    let mut distinct: Vec<char> = lower.chars().filter(|c| !c.is_whitespace()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 6 {
        return Err(Weakness::TooRepetitive);
    }
    let personal_words = personal
        .iter()
        .flat_map(|p| p.split(|c: char| !c.is_alphanumeric()))
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3);
    let squashed: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    for word in personal_words {
        if squashed.contains(&word) {
            return Err(Weakness::ContainsName);
        }
    }
    let mut rest = squashed;
    for word in PREDICTABLE {
        rest = rest.replace(word, "");
    }
    let own_letters = rest.chars().filter(|c| c.is_alphabetic()).count();
    if own_letters < MIN_OWN_LETTERS {
        return Err(Weakness::Predictable);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn three_random_words_pass() {
        assert_eq!(
            check("teapot river lantern", &["Jo Bloggs", "Little Acorns"]),
            Ok(())
        );
        assert_eq!(check("correct horse battery staple", &[]), Ok(()));
    }

    #[test]
    fn short_ones_are_refused() {
        assert_eq!(check("tea river", &[]), Err(Weakness::TooShort));
        // Counted in characters: twelve accented letters are enough.
        assert_eq!(check("éàüöñçøåæœßð", &[]), Ok(()));
    }

    #[test]
    fn very_long_ones_are_refused() {
        let long = "lantern ".repeat(30);
        assert_eq!(check(&long, &[]), Err(Weakness::TooLong));
    }

    #[test]
    fn repetition_is_refused() {
        assert_eq!(check("aaaaaaaaaaaaaaaa", &[]), Err(Weakness::TooRepetitive));
        assert_eq!(check("ababababababab", &[]), Err(Weakness::TooRepetitive));
    }

    #[test]
    fn names_around_the_user_are_refused() {
        assert_eq!(
            check("JoBloggs-rules-2026", &["Jo Bloggs", "Little Acorns"]),
            Err(Weakness::ContainsName)
        );
        assert_eq!(
            check(
                "my little acorns passphrase",
                &["Jo Bloggs", "Little Acorns"]
            ),
            Err(Weakness::ContainsName)
        );
    }

    #[test]
    fn common_passwords_dressed_up_are_refused() {
        for p in [
            "Password1234!",
            "qwerty123456",
            "Nursery2026!!",
            "letmein-letmein",
            "Summer2026!!",
        ] {
            assert_eq!(check(p, &[]), Err(Weakness::Predictable), "{p}");
        }
    }

    #[test]
    fn every_refusal_says_what_to_do() {
        for w in [
            Weakness::TooShort,
            Weakness::TooLong,
            Weakness::TooRepetitive,
            Weakness::ContainsName,
            Weakness::Predictable,
        ] {
            assert!(w.to_string().len() > 20);
        }
    }

    proptest! {
        #[test]
        fn anything_shorter_than_the_minimum_is_refused(p in "\\PC{0,11}") {
            prop_assert_eq!(check(&p, &[]), Err(Weakness::TooShort));
        }

        #[test]
        fn three_lowercase_words_of_five_or_more_random_letters_pass(
            a in "[b-y]{5,8}", b in "[b-y]{5,8}", c in "[b-y]{5,8}"
        ) {
            let p = format!("{a} {b} {c}");
            // Random letters can, rarely, spell a guessable word or repeat themselves;
            // those are the only reasons such a passphrase may be refused.
            match check(&p, &[]) {
                Ok(()) | Err(Weakness::Predictable) | Err(Weakness::TooRepetitive) => {}
                Err(other) => prop_assert!(false, "{p}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_printed_example_is_refused() {
        assert_eq!(
            check("Puffin  ladder velvet", &[]),
            Err(Weakness::TheExample)
        );
        assert_eq!(check("puffin ladder velvets", &[]), Ok(()));
    }
}

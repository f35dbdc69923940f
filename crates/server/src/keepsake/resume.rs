//! Resumable keepsake downloads (issue 15 part 4: "large and resumable"). The archive is the
//! same bytes every time it is made from the same journal with the same "made at" time (the PDF
//! and the zip hold no other clock or randomness), so its ETag names both: a fingerprint of what
//! goes in, and that time to the second. A phone that lost the connection asks for the rest with
//! `Range` and `If-Range: <that tag>`; the server makes the archive again with that time and
//! sends only what the phone lacks. No copy of the archive is kept on disk. If the journal
//! changed in between, the tag no longer matches and the whole archive comes again.

use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::sync::Mutex;

/// Changed whenever the archive's layout changes, so a server upgrade never splices old bytes
/// onto new ones.
const FORMAT: &str = "keepsake-zip-2";

/// A fingerprint of everything the archive is made from (the journal as the family sees it,
/// which photos with which faces masked), in hex.
pub fn fingerprint(parts: &impl Serialize) -> String {
    let mut hash = Sha256::new();
    hash.update(FORMAT.as_bytes());
    // Serialising our own types cannot fail; if it somehow did, the tag would just never match.
    hash.update(serde_json::to_vec(parts).unwrap_or_default());
    hex::encode(&hash.finalize()[..16])
}

/// An archive's ETag: what it is made from and when it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub fingerprint: String,
    pub made_at: DateTime<Utc>,
}

impl Tag {
    pub fn new(fingerprint: String, made_at: DateTime<Utc>) -> Tag {
        let made_at = Utc
            .timestamp_opt(made_at.timestamp(), 0)
            .single()
            .unwrap_or(made_at);
        Tag {
            fingerprint,
            made_at,
        }
    }

    /// As it goes in the `ETag` header (a strong tag: the bytes are always the same).
    pub fn header(&self) -> String {
        format!("\"{}-{}\"", self.fingerprint, self.made_at.timestamp())
    }

    /// An `If-Range` header's tag, if it is one of ours made no later than `now`.
    pub fn parse(header: &str, now: DateTime<Utc>) -> Option<Tag> {
        let inner = header.trim().strip_prefix('"')?.strip_suffix('"')?;
        let (fingerprint, secs) = inner.split_once('-')?;
        if fingerprint.len() != 32 || !fingerprint.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let made_at = Utc.timestamp_opt(secs.parse().ok()?, 0).single()?;
        (made_at <= now).then(|| Tag {
            fingerprint: fingerprint.to_ascii_lowercase(),
            made_at,
        })
    }
}

/// One byte range asked for; several at once are not offered (the whole archive comes instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    /// `bytes=N-`: from N to the end (what a resuming phone asks).
    From(u64),
    /// `bytes=N-M`, inclusive.
    Span(u64, u64),
    /// `bytes=-K`: the last K bytes.
    Last(u64),
}

impl Range {
    pub fn parse(header: &str) -> Option<Range> {
        let spec = header.trim().strip_prefix("bytes=")?.trim();
        if spec.contains(',') {
            return None;
        }
        let (start, end) = spec.split_once('-')?;
        let number = |s: &str| -> Option<u64> {
            let s = s.trim();
            (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        match (start.trim().is_empty(), end.trim().is_empty()) {
            (false, true) => Some(Range::From(number(start)?)),
            (false, false) => {
                let (a, b) = (number(start)?, number(end)?);
                (a <= b).then_some(Range::Span(a, b))
            }
            (true, false) => Some(Range::Last(number(end)?)),
            (true, true) => None,
        }
    }

    /// The first and last byte (inclusive) of an archive of `total` bytes, or `None` when the
    /// range lies wholly past its end.
    pub fn within(self, total: u64) -> Option<(u64, u64)> {
        if total == 0 {
            return None;
        }
        let (first, last) = match self {
            Range::From(n) => (n, total - 1),
            Range::Span(a, b) => (a, b.min(total - 1)),
            Range::Last(0) => return None,
            Range::Last(k) => (total.saturating_sub(k), total - 1),
        };
        (first < total).then_some((first, last))
    }
}

/// How long recent archives were, by tag, so a resume can say its length before making it
/// again. A few are enough: one family resumes at a time.
static LENGTHS: Mutex<VecDeque<(String, u64)>> = Mutex::new(VecDeque::new());
const REMEMBERED: usize = 16;

pub fn remember(tag: &Tag, length: u64) {
    let key = tag.header();
    if let Ok(mut lengths) = LENGTHS.lock() {
        lengths.retain(|(k, _)| *k != key);
        lengths.push_back((key, length));
        while lengths.len() > REMEMBERED {
            lengths.pop_front();
        }
    }
}

pub fn length_of(tag: &Tag) -> Option<u64> {
    let key = tag.header();
    LENGTHS
        .lock()
        .ok()?
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, n)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, 0).unwrap()
    }

    #[test]
    fn a_tag_reads_back_as_itself_and_never_from_the_future() {
        let tag = Tag::new("0123456789abcdef0123456789abcdef".into(), at(1_800_000_000));
        assert_eq!(
            Tag::parse(&tag.header(), at(1_800_000_001)),
            Some(tag.clone())
        );
        assert_eq!(Tag::parse(&tag.header(), at(1_799_999_999)), None);
        for bad in [
            "",
            "\"\"",
            "W/\"0123456789abcdef0123456789abcdef-1\"",
            "\"0123456789abcdef-1\"",
            "\"0123456789abcdef0123456789abcdeg-1\"",
            "\"0123456789abcdef0123456789abcdef-x\"",
            "0123456789abcdef0123456789abcdef-1",
        ] {
            assert_eq!(Tag::parse(bad, at(1_800_000_000)), None, "{bad}");
        }
    }

    #[test]
    fn a_tag_is_to_the_second() {
        let precise = Utc.timestamp_opt(1_800_000_000, 999_000_000).unwrap();
        assert_eq!(Tag::new("a".repeat(32), precise).made_at, at(1_800_000_000));
    }

    #[test]
    fn ranges_as_browsers_and_phones_ask_for_them() {
        assert_eq!(Range::parse("bytes=100-"), Some(Range::From(100)));
        assert_eq!(Range::parse("bytes=0-99"), Some(Range::Span(0, 99)));
        assert_eq!(Range::parse("bytes=-500"), Some(Range::Last(500)));
        for bad in [
            "bytes=",
            "bytes=-",
            "bytes=5-4",
            "bytes=0-1,5-6",
            "items=0-",
            "bytes=+1-",
            "bytes=a-",
        ] {
            assert_eq!(Range::parse(bad), None, "{bad}");
        }
        assert_eq!(Range::From(100).within(1000), Some((100, 999)));
        assert_eq!(Range::From(1000).within(1000), None);
        assert_eq!(Range::Span(10, 5000).within(1000), Some((10, 999)));
        assert_eq!(Range::Last(5000).within(1000), Some((0, 999)));
        assert_eq!(Range::Last(0).within(1000), None);
    }

    #[test]
    fn a_fingerprint_changes_with_what_goes_in() {
        assert_eq!(fingerprint(&("Ava", 1)), fingerprint(&("Ava", 1)));
        assert_ne!(fingerprint(&("Ava", 1)), fingerprint(&("Ava", 2)));
        assert_eq!(fingerprint(&1).len(), 32);
    }

    #[test]
    fn lengths_are_remembered_by_tag() {
        let tag = Tag::new("b".repeat(32), at(1_800_000_123));
        assert_eq!(length_of(&tag), None);
        remember(&tag, 42);
        assert_eq!(length_of(&tag), Some(42));
        remember(&tag, 43);
        assert_eq!(length_of(&tag), Some(43));
    }

    proptest! {
        #[test]
        fn a_range_within_an_archive_stays_inside_it(total in 1u64..10_000, a in 0u64..20_000, b in 0u64..20_000) {
            for range in [Range::From(a), Range::Span(a.min(b), a.max(b)), Range::Last(b)] {
                if let Some((first, last)) = range.within(total) {
                    prop_assert!(first <= last && last < total);
                }
            }
        }
    }
}

//! The leaver's keepsake archive: what each photo is called and what it carries in itself, so a
//! family's photo app files it on the right day with its caption. Names say when and a word of
//! the caption (`2027-03-14_1030_blocks.jpg`), never the child's name or anyone else's.

use chrono::NaiveDateTime;
use std::collections::HashSet;

/// Words that say nothing about the moment, skipped when choosing a photo's word.
const PLAIN: &[&str] = &[
    "a", "an", "the", "and", "but", "with", "of", "to", "in", "on", "at", "is", "was", "were",
    "for", "her", "his", "their", "she", "he", "they", "friend", "friends", "some", "very", "then",
    "today", "this", "that", "from", "home",
];

/// A file name for a photo taken at `taken` (UK local time) in an entry whose words, already
/// without other children's names, are `caption`. `own_names` (the child's own names) are never
/// used as the word; `used` keeps names unique within one archive (`-2`, `-3`…).
pub fn photo_name(
    taken: NaiveDateTime,
    caption: &str,
    own_names: &[&str],
    used: &mut HashSet<String>,
) -> String {
    let own: Vec<String> = own_names.iter().map(|n| n.to_lowercase()).collect();
    let word = caption
        .split(|c: char| !c.is_ascii_alphabetic())
        .map(str::to_ascii_lowercase)
        .find(|w| w.len() >= 3 && !PLAIN.contains(&w.as_str()) && !own.contains(w))
        .unwrap_or_else(|| "photo".to_owned());
    let stem = format!("{}_{word}", taken.format("%Y-%m-%d_%H%M"));
    let mut name = format!("{stem}.jpg");
    let mut n = 2;
    while !used.insert(name.clone()) {
        name = format!("{stem}-{n}.jpg");
        n += 1;
    }
    name
}

/// Longest caption carried in a photo's own metadata, in bytes (an APP1 segment holds 64 KB).
pub const CAPTION_MAX: usize = 2_000;

/// The JPEG with an Exif segment saying when it was taken (DateTimeOriginal, in local time,
/// with OffsetTimeOriginal) and its caption (ImageDescription). `None` if it is not a JPEG.
pub fn with_exif(
    jpeg: &[u8],
    taken: NaiveDateTime,
    offset: &str,
    caption: &str,
) -> Option<Vec<u8>> {
    let (at, app1) = exif_segment(jpeg, taken, offset, caption)?;
    let mut out = Vec::with_capacity(jpeg.len() + app1.len());
    out.extend_from_slice(&jpeg[..at]);
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[at..]);
    Some(out)
}

/// What `with_exif` puts in and where: the APP1 segment and the offset it goes in at, so a
/// writer can send the photo's bytes either side of it without copying the photo.
pub fn exif_segment(
    jpeg: &[u8],
    taken: NaiveDateTime,
    offset: &str,
    caption: &str,
) -> Option<(usize, Vec<u8>)> {
    if jpeg.len() < 4 || jpeg[..2] != [0xFF, 0xD8] {
        return None;
    }
    let mut caption = caption.trim().to_owned();
    if caption.len() > CAPTION_MAX {
        let mut end = CAPTION_MAX;
        while !caption.is_char_boundary(end) {
            end -= 1;
        }
        caption.truncate(end);
    }
    let tiff = tiff(
        &format!("{}", taken.format("%Y:%m:%d %H:%M:%S")),
        offset,
        &caption,
    );
    let mut app1 = vec![0xFF, 0xE1];
    let len = u16::try_from(2 + 6 + tiff.len()).ok()?;
    app1.extend_from_slice(&len.to_be_bytes());
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&tiff);
    // After a JFIF APP0 if there is one (JFIF wants to be first), else straight after SOI.
    let at = if jpeg[2..4] == [0xFF, 0xE0] && jpeg.len() >= 6 {
        4 + usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]))
    } else {
        2
    };
    if at > jpeg.len() {
        return None;
    }
    Some((at, app1))
}

/// One IFD entry whose value is ASCII text (NUL-terminated), inline when it fits in four bytes.
struct Ascii<'a> {
    tag: u16,
    text: &'a [u8],
}

/// A big-endian TIFF block: IFD0 (ImageDescription, the Exif IFD's offset), then the Exif IFD
/// (DateTimeOriginal, OffsetTimeOriginal), then the texts too long to sit inline.
fn tiff(date_time: &str, offset: &str, caption: &str) -> Vec<u8> {
    let ifd0 = [Ascii {
        tag: 0x010E,
        text: caption.as_bytes(),
    }];
    let exif = [
        Ascii {
            tag: 0x9003,
            text: date_time.as_bytes(),
        },
        Ascii {
            tag: 0x9011,
            text: offset.as_bytes(),
        },
    ];
    let ifd_size = |n: usize| 2 + 12 * n + 4;
    let ifd0_at = 8usize;
    let exif_at = ifd0_at + ifd_size(ifd0.len() + 1);
    let mut data_at = exif_at + ifd_size(exif.len());
    let mut out = b"MM\0\x2A".to_vec();
    out.extend_from_slice(&(ifd0_at as u32).to_be_bytes());
    let mut data = Vec::new();
    let mut entry = |out: &mut Vec<u8>, e: &Ascii, data_at: &mut usize| {
        let count = e.text.len() + 1;
        out.extend_from_slice(&e.tag.to_be_bytes());
        out.extend_from_slice(&2u16.to_be_bytes());
        out.extend_from_slice(&(count as u32).to_be_bytes());
        let mut value = e.text.to_vec();
        value.push(0);
        if count <= 4 {
            value.resize(4, 0);
            out.extend_from_slice(&value);
        } else {
            out.extend_from_slice(&(*data_at as u32).to_be_bytes());
            *data_at += value.len();
            data.extend_from_slice(&value);
        }
    };
    out.extend_from_slice(&((ifd0.len() + 1) as u16).to_be_bytes());
    for e in &ifd0 {
        entry(&mut out, e, &mut data_at);
    }
    // ExifIFDPointer (LONG).
    out.extend_from_slice(&0x8769u16.to_be_bytes());
    out.extend_from_slice(&4u16.to_be_bytes());
    out.extend_from_slice(&1u32.to_be_bytes());
    out.extend_from_slice(&(exif_at as u32).to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes());
    out.extend_from_slice(&(exif.len() as u16).to_be_bytes());
    for e in &exif {
        entry(&mut out, e, &mut data_at);
    }
    out.extend_from_slice(&0u32.to_be_bytes());
    out.extend_from_slice(&data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2027, 3, 14)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    #[test]
    fn a_photo_is_named_by_when_and_a_word_of_its_caption() {
        let mut used = HashSet::new();
        let name = |c: &str, used: &mut HashSet<String>| {
            photo_name(at(10, 30), c, &["Ava", "Okafor"], used)
        };
        assert_eq!(
            name("Ava and a friend built blocks", &mut used),
            "2027-03-14_1030_built.jpg"
        );
        assert_eq!(
            name("Ava and a friend built blocks", &mut used),
            "2027-03-14_1030_built-2.jpg"
        );
        assert_eq!(name("", &mut used), "2027-03-14_1030_photo.jpg");
        assert_eq!(name("Ava Okafor", &mut used), "2027-03-14_1030_photo-2.jpg");
        assert_eq!(
            name("Éclairs! Ava’s first", &mut used),
            "2027-03-14_1030_clairs.jpg"
        );
    }

    fn jpeg() -> Vec<u8> {
        vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, b'J', b'F', 0xFF, 0xD9]
    }

    #[test]
    fn the_exif_goes_after_jfif_and_says_when_and_what() {
        let out = with_exif(&jpeg(), at(10, 30), "+00:00", "Built a tower").unwrap();
        // SOI, then the whole APP0 (marker, length 4, two bytes), then the APP1.
        assert_eq!(&out[..8], &jpeg()[..8]);
        assert_eq!(&out[8..10], &[0xFF, 0xE1]);
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("Exif\0\0MM"));
        assert!(text.contains("2027:03:14 10:30:00\0"));
        assert!(text.contains("Built a tower\0"));
        assert!(out.ends_with(&[0xFF, 0xD9]));
        assert!(crate::photo::has_app1(&out));
        assert_eq!(with_exif(b"not a jpeg", at(1, 1), "+00:00", ""), None);
    }

    proptest! {
        #[test]
        fn the_segment_length_always_matches(caption in ".{0,3000}") {
            let out = with_exif(&[0xFF, 0xD8, 0xFF, 0xD9], at(9, 5), "+01:00", &caption).unwrap();
            let len = usize::from(u16::from_be_bytes([out[4], out[5]]));
            prop_assert_eq!(2 + 2 + len + 2, out.len());
        }

        #[test]
        fn names_are_unique_and_never_a_childs_name(words in proptest::collection::vec("[A-Za-z]{1,8}", 0..6), n in 1usize..5) {
            let caption = words.join(" ");
            let mut used = HashSet::new();
            let names: Vec<String> = (0..n).map(|_| photo_name(at(8, 0), &caption, &["Ava"], &mut used)).collect();
            let unique: HashSet<&String> = names.iter().collect();
            prop_assert_eq!(unique.len(), n);
            for name in &names {
                let word = name.rsplit('_').next().unwrap().trim_end_matches(".jpg");
                prop_assert_ne!(word.split('-').next().unwrap(), "ava");
            }
        }
    }
}

//! A photo's JPEG segments: what a parent's phone sends as a wow moment (refused with camera
//! details in it), and what the keepsake and the sync check for APP1.

use burrow_core::parent_note::check_photo;
use burrow_core::photo::{has_app1, jpeg_segments};
use std::io::Cursor;

pub fn check(data: &[u8]) {
    let segments = jpeg_segments(data);
    assert_eq!(
        has_app1(data),
        segments.as_ref().is_some_and(|s| s.contains(&0xE1))
    );
    if check_photo(data).is_ok() {
        // Accepted as a photo with no camera details: an independent EXIF reader must agree.
        let found = exif::Reader::new().read_from_container(&mut Cursor::new(data));
        assert!(
            found.is_err(),
            "a photo with EXIF in it was accepted as having none"
        );
    }
}

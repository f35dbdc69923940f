//! Photos as Burrow keeps them: scaled so the long edge is at most 2048 px (a 320 px thumbnail
//! beside it), and re-encoded as a plain JPEG, so nothing the camera wrote (EXIF, GPS, the
//! device's name) survives. The browser does the pixels; these are the rules it follows.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const LONG_EDGE: u32 = 2048;
pub const THUMB_LONG_EDGE: u32 = 320;
/// Good enough to see a child's drawing; small enough for a day of photos on a tablet.
pub const JPEG_QUALITY: f64 = 0.85;

/// The size to draw a `width` × `height` frame at so its long edge is at most `long_edge`,
/// keeping its shape. Never enlarges, never returns zero.
pub fn scaled(width: u32, height: u32, long_edge: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= long_edge || long == 0 {
        return (width.max(1), height.max(1));
    }
    let scale = |side: u32| {
        ((u64::from(side) * u64::from(long_edge) + u64::from(long) / 2) / u64::from(long)).max(1)
            as u32
    };
    (scale(width), scale(height))
}

/// The marker bytes of a JPEG's segments before the image data, in order (0xE1 is APP1, where
/// EXIF and XMP live). None if it is not a JPEG.
pub fn jpeg_segments(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.get(..2) != Some(&[0xFF, 0xD8]) {
        return None;
    }
    let mut markers = Vec::new();
    let mut pos = 2;
    while pos + 4 <= bytes.len() {
        if bytes[pos] != 0xFF {
            return None;
        }
        let marker = bytes[pos + 1];
        markers.push(marker);
        if marker == 0xDA {
            break; // start of scan: image data follows
        }
        let len = usize::from(u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]));
        pos += 2 + len;
    }
    Some(markers)
}

/// True if the JPEG carries an APP1 segment (EXIF, GPS, XMP).
pub fn has_app1(bytes: &[u8]) -> bool {
    jpeg_segments(bytes).is_some_and(|m| m.contains(&0xE1))
}

/// What the tablet records about a photo (sealed, with an outbox entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoRecord {
    pub id: Uuid,
    pub thumb_id: Uuid,
    pub children: Vec<Uuid>,
    pub taken_by: Uuid,
    pub taken_at: chrono::DateTime<chrono::Utc>,
    pub width: u32,
    pub height: u32,
    /// SHA-256 (hex) of the photo and of its thumbnail: how the server knows it has them.
    /// Absent only on records written before photos synced.
    #[serde(default)]
    pub sha256: Option<String>,
    #[serde(default)]
    pub thumb_sha256: Option<String>,
    /// Faces the key person marked, so a family without that child's consent gets them blurred.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<FaceRegion>,
}

/// Region coordinates are in ten-thousandths of the photo's width and height, so a region means
/// the same on the full photo, its thumbnail and a screen of any size.
pub const REGION_SCALE: u16 = 10_000;

/// One child's face on a photo: a rectangle from (x, y), `w` wide and `h` high, in
/// ten-thousandths of the photo (`REGION_SCALE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaceRegion {
    pub child: Uuid,
    pub x: u16,
    pub y: u16,
    pub w: u16,
    pub h: u16,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_full_hd_frame_is_kept_and_a_large_one_scaled() {
        assert_eq!(scaled(1920, 1080, LONG_EDGE), (1920, 1080));
        assert_eq!(scaled(4032, 3024, LONG_EDGE), (2048, 1536));
        assert_eq!(scaled(3024, 4032, LONG_EDGE), (1536, 2048));
        assert_eq!(scaled(1920, 1080, THUMB_LONG_EDGE), (320, 180));
    }

    #[test]
    fn app1_is_found_and_a_clean_jpeg_has_none() {
        let clean = [0xFF, 0xD8, 0xFF, 0xE0, 0, 4, b'J', b'F', 0xFF, 0xDA, 0, 2];
        assert_eq!(jpeg_segments(&clean), Some(vec![0xE0, 0xDA]));
        assert!(!has_app1(&clean));
        let exif = [0xFF, 0xD8, 0xFF, 0xE1, 0, 4, b'E', b'x', 0xFF, 0xDA, 0, 2];
        assert!(has_app1(&exif));
        assert_eq!(jpeg_segments(b"not a jpeg"), None);
    }

    proptest! {
        #[test]
        fn scaling_fits_keeps_shape_and_never_enlarges(w in 1u32..10_000, h in 1u32..10_000, edge in 16u32..4096) {
            let (sw, sh) = scaled(w, h, edge);
            prop_assert!(sw.max(sh) <= edge.max(w.max(h).min(edge)));
            prop_assert!(sw <= w && sh <= h);
            prop_assert!(sw >= 1 && sh >= 1);
            // Shape: each side is its exactly scaled length, rounded, or one pixel where it
            // would otherwise vanish (a 1×157 strip cannot keep its shape at 16 px).
            let long = w.max(h);
            let s = if long > edge { f64::from(edge) / f64::from(long) } else { 1.0 };
            for (side, got) in [(w, sw), (h, sh)] {
                let exact = f64::from(side) * s;
                prop_assert!((f64::from(got) - exact).abs() <= 0.5 + 1e-9 || (got == 1 && exact < 1.0),
                    "{side} scaled by {s} gave {got}");
            }
        }
    }
}

//! Photos as Burrow keeps them: scaled so the long edge is at most 2048 px (a 320 px thumbnail
//! beside it), and re-encoded as a plain JPEG, so nothing the camera wrote (EXIF, GPS, the
//! device's name) survives. The browser does the pixels; these are the rules it follows.

use serde::{Deserialize, Serialize};
use thiserror::Error;
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

/// The marker bytes of a JPEG's segments, in order, through every scan to the end of the image
/// (0xE1 is APP1, where EXIF and XMP live). None if it is not a JPEG, or not one read the way
/// JPEG readers read it: a segment this check stepped over differently could carry EXIF past it.
///
/// As the JPEG standard (ITU T.81, B.1.1) has it: any number of 0xFF fill bytes may come before
/// a marker; TEM and RST0–7 stand alone; every other segment's length counts its own two bytes,
/// so less than two is malformed. After a scan's header comes its coded data, in which 0xFF is
/// followed by a stuffed zero or a restart marker; the next other marker ends it. Segments may
/// follow a scan (a progressive JPEG has several scans), and EXIF readers look there too: a
/// fuzzer found EXIF hidden first behind a fill byte, then after a scan.
pub fn jpeg_segments(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.get(..2) != Some(&[0xFF, 0xD8]) {
        return None;
    }
    let mut markers = Vec::new();
    let mut pos = 2;
    while pos < bytes.len() {
        if bytes[pos] != 0xFF {
            return None;
        }
        while bytes.get(pos + 1) == Some(&0xFF) {
            pos += 1; // fill
        }
        let &marker = bytes.get(pos + 1)?;
        if marker == 0x00 {
            return None; // a stuffed zero belongs to coded data, never between segments
        }
        markers.push(marker);
        if marker == 0xD9 {
            break; // the end of the image
        }
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            pos += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([
            *bytes.get(pos + 2)?,
            *bytes.get(pos + 3)?,
        ]));
        if len < 2 {
            return None;
        }
        pos += 2 + len;
        if marker == 0xDA {
            pos = after_coded_data(bytes, pos);
        }
    }
    Some(markers)
}

/// Where a scan's coded data ends: the first 0xFF that is not a stuffed zero or a restart.
fn after_coded_data(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] == 0xFF {
            match bytes.get(i + 1) {
                Some(0x00) | Some(0xD0..=0xD7) => {
                    i += 2;
                    continue;
                }
                _ => return i,
            }
        }
        i += 1;
    }
    bytes.len()
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

/// Only the person who took a photo marks faces on it, and only on a photo of more than one
/// child (alone in the picture, a child is in their own family's copy only).
pub fn may_mark_faces(record: &PhotoRecord, person: Uuid) -> bool {
    record.children.len() > 1 && record.taken_by == person
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

impl FaceRegion {
    /// The rectangle someone dragged between two corners, each given as fractions (0 to 1) of
    /// the photo's width and height, in either order; kept inside the photo. None if it has no
    /// width or height there.
    pub fn from_corners(child: Uuid, a: (f64, f64), b: (f64, f64)) -> Option<FaceRegion> {
        let scale = f64::from(REGION_SCALE);
        let at = |f: f64| (f.clamp(0.0, 1.0) * scale).round() as u16;
        let (x0, x1) = (at(a.0.min(b.0)), at(a.0.max(b.0)));
        let (y0, y1) = (at(a.1.min(b.1)), at(a.1.max(b.1)));
        (x1 > x0 && y1 > y0).then_some(FaceRegion {
            child,
            x: x0,
            y: y0,
            w: x1 - x0,
            h: y1 - y0,
        })
    }
}

/// Why a photo's marked faces cannot be kept, written for the key person marking them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum RegionError {
    #[error("A face is marked for a child who is not in this photo. Mark only the children in it.")]
    NotInPhoto,
    #[error("One child's face is marked twice. Keep one rectangle for each child.")]
    Twice,
    #[error("A marked face has no size. Drag across the child's face to mark it.")]
    Empty,
    #[error("A marked face reaches past the edge of the photo. Mark it inside the picture.")]
    OutsideThePhoto,
}

/// The faces marked on a photo hold together: each is of a child in the photo, at most one a
/// child, not empty, and inside the picture.
pub fn check_regions(record: &PhotoRecord) -> Result<(), RegionError> {
    for (i, r) in record.regions.iter().enumerate() {
        if !record.children.contains(&r.child) {
            return Err(RegionError::NotInPhoto);
        }
        if record.regions[..i].iter().any(|o| o.child == r.child) {
            return Err(RegionError::Twice);
        }
        if r.w == 0 || r.h == 0 {
            return Err(RegionError::Empty);
        }
        let fits = |at: u16, len: u16| u32::from(at) + u32::from(len) <= u32::from(REGION_SCALE);
        if !fits(r.x, r.w) || !fits(r.y, r.h) {
            return Err(RegionError::OutsideThePhoto);
        }
    }
    Ok(())
}

/// True if `new` is `held` with only its marked faces changed.
pub fn only_regions_changed(held: &PhotoRecord, new: &PhotoRecord) -> bool {
    let bare = |p: &PhotoRecord| PhotoRecord {
        regions: Vec::new(),
        ..p.clone()
    };
    bare(held) == bare(new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_photographer_marks_faces_and_only_on_a_group_photo() {
        let record = |children: u128| PhotoRecord {
            id: Uuid::from_u128(1),
            thumb_id: Uuid::from_u128(2),
            children: (0..children).map(|c| Uuid::from_u128(10 + c)).collect(),
            taken_by: Uuid::from_u128(5),
            taken_at: chrono::Utc::now(),
            width: 640,
            height: 480,
            sha256: None,
            thumb_sha256: None,
            regions: Vec::new(),
        };
        assert!(may_mark_faces(&record(2), Uuid::from_u128(5)));
        assert!(!may_mark_faces(&record(2), Uuid::from_u128(6)));
        assert!(!may_mark_faces(&record(1), Uuid::from_u128(5)));
    }
    use proptest::prelude::*;

    fn group(children: &[u128], regions: &[(u128, u16, u16, u16, u16)]) -> PhotoRecord {
        PhotoRecord {
            id: Uuid::from_u128(99),
            thumb_id: Uuid::from_u128(98),
            children: children.iter().map(|&c| Uuid::from_u128(c)).collect(),
            taken_by: Uuid::from_u128(1),
            taken_at: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
            width: 2048,
            height: 1536,
            sha256: None,
            thumb_sha256: None,
            regions: regions
                .iter()
                .map(|&(child, x, y, w, h)| FaceRegion {
                    child: Uuid::from_u128(child),
                    x,
                    y,
                    w,
                    h,
                })
                .collect(),
        }
    }

    #[test]
    fn faces_are_of_children_in_the_photo_once_each_and_inside_it() {
        assert_eq!(check_regions(&group(&[1, 2], &[])), Ok(()));
        assert_eq!(
            check_regions(&group(
                &[1, 2],
                &[(1, 0, 0, 5000, 5000), (2, 5000, 5000, 5000, 5000)]
            )),
            Ok(())
        );
        assert_eq!(
            check_regions(&group(&[1, 2], &[(3, 0, 0, 10, 10)])),
            Err(RegionError::NotInPhoto)
        );
        assert_eq!(
            check_regions(&group(&[1, 2], &[(1, 0, 0, 10, 10), (1, 20, 20, 10, 10)])),
            Err(RegionError::Twice)
        );
        assert_eq!(
            check_regions(&group(&[1, 2], &[(1, 0, 0, 0, 10)])),
            Err(RegionError::Empty)
        );
        assert_eq!(
            check_regions(&group(&[1, 2], &[(1, 9000, 0, 1001, 10)])),
            Err(RegionError::OutsideThePhoto)
        );
        assert_eq!(
            check_regions(&group(&[1, 2], &[(1, 0, u16::MAX, 10, u16::MAX)])),
            Err(RegionError::OutsideThePhoto)
        );
    }

    #[test]
    fn only_the_faces_may_differ_in_a_later_version() {
        let held = group(&[1, 2], &[]);
        let marked = group(&[1, 2], &[(2, 10, 10, 100, 100)]);
        assert!(only_regions_changed(&held, &marked));
        let mut other = marked.clone();
        other.children.pop();
        assert!(!only_regions_changed(&held, &other));
        let mut other = marked;
        other.sha256 = Some("c".repeat(64));
        assert!(!only_regions_changed(&held, &other));
    }

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

    #[test]
    fn fill_bytes_and_short_lengths_hide_no_segment() {
        // EXIF behind a fill byte before a marker: read as every JPEG reader reads it.
        let hidden = [
            &[0xFF, 0xD8, 0xFF, 0xFF, 0xE1, 0x00, 0x08][..],
            b"Exif\0\0",
            &[0xFF, 0xDA, 0x00, 0x02],
        ]
        .concat();
        assert_eq!(jpeg_segments(&hidden), Some(vec![0xE1, 0xDA]));
        // EXIF after a scan, where progressive JPEGs keep segments and EXIF readers look.
        let after = [
            &[
                0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0x12, 0xFF, 0x00, 0xFF, 0xD0, 0x34,
            ][..],
            &[0xFF, 0xE1, 0x00, 0x08],
            b"Exif\0\0",
            &[0xFF, 0xD9],
        ]
        .concat();
        assert_eq!(jpeg_segments(&after), Some(vec![0xDA, 0xE1, 0xD9]));
        assert!(has_app1(&after));
        assert!(has_app1(&hidden));
        // A length that counts less than itself is not a JPEG anyone should accept.
        assert_eq!(
            jpeg_segments(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0xFF, 0xE1]),
            None
        );
        // Standalone markers step two bytes.
        assert_eq!(
            jpeg_segments(&[0xFF, 0xD8, 0xFF, 0x01, 0xFF, 0xD0, 0xFF, 0xDA, 0x00, 0x02]),
            Some(vec![0x01, 0xD0, 0xDA])
        );
        // Cut off inside a segment's header: not a JPEG.
        assert_eq!(jpeg_segments(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00]), None);
    }

    proptest! {
        /// Whatever two points a finger gives, the rectangle between them is one the check
        /// accepts, or none at all.
        #[test]
        fn a_dragged_rectangle_is_always_a_valid_face(
            a in (-0.5f64..1.5, -0.5f64..1.5), b in (-0.5f64..1.5, -0.5f64..1.5)
        ) {
            let mut p = group(&[1], &[]);
            match FaceRegion::from_corners(Uuid::from_u128(1), a, b) {
                Some(r) => {
                    p.regions.push(r);
                    prop_assert_eq!(check_regions(&p), Ok(()));
                }
                None => {
                    let gap = |u: f64, v: f64| (u.clamp(0.0, 1.0) - v.clamp(0.0, 1.0)).abs();
                    prop_assert!(gap(a.0, b.0) < 1e-4 || gap(a.1, b.1) < 1e-4);
                }
            }
        }

        /// A region the check accepts lies inside the photo, names a child in it, and no child
        /// has two; anything else is refused.
        #[test]
        fn accepted_regions_are_inside_and_one_a_child(
            regions in proptest::collection::vec((1u128..5, any::<u16>(), any::<u16>(), any::<u16>(), any::<u16>()), 0..5)
        ) {
            let regions: Vec<_> = regions.into_iter().map(|(c, x, y, w, h)| (c, x % 11_000, y % 11_000, w % 11_000, h % 11_000)).collect();
            let p = group(&[1, 2, 3], &regions);
            let ok = regions.iter().enumerate().all(|(i, &(c, x, y, w, h))| {
                (1..=3).contains(&c)
                    && !regions[..i].iter().any(|o| o.0 == c)
                    && w > 0 && h > 0
                    && u32::from(x) + u32::from(w) <= 10_000
                    && u32::from(y) + u32::from(h) <= 10_000
            });
            prop_assert_eq!(check_regions(&p).is_ok(), ok);
        }

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

//! Each family's own copy of a group photo (DESIGN §2a.2, issue 7 part 5): the faces of the
//! children that family may not see are made unrecognisable before the photo leaves the server.
//!
//! A face is taken a margin wider than it was marked (a marked rectangle is rarely exact), cut
//! into a few coarse blocks of one colour each, and then box-blurred so the blocks' edges do not
//! hint at a shape. What comes out is re-encoded as a plain JPEG: nothing the original carried
//! besides its pixels goes with it. Pure CPU work: callers run it off the async runtime.

use burrow_core::photo::{FaceRegion, LONG_EDGE, REGION_SCALE};
use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, ImageReader, Limits, RgbImage};
use std::io::Cursor;

/// How much wider than its marked rectangle a face is masked, on each side.
const MARGIN_PERCENT: u32 = 15;
/// Blocks across the masked area's longer side: too few to show a face.
const BLOCKS_ACROSS: u32 = 6;
/// Box-blur passes over the blocks (three approach a Gaussian).
const BLUR_PASSES: usize = 3;
/// A second generation of JPEG: higher than the tablets' 85, so the children left as they were
/// lose as little as they can to re-encoding.
const QUALITY: u8 = 92;

#[derive(Debug, thiserror::Error)]
pub enum MaskError {
    #[error("the kept photo is not a JPEG that could be decoded")]
    Decode(#[source] image::ImageError),
    #[error("the masked photo could not be encoded")]
    Encode(#[source] image::ImageError),
}

impl MaskError {
    /// What went wrong, for the log: a fixed phrase (the decoder's own words are left out).
    pub fn class(&self) -> &'static str {
        match self {
            MaskError::Decode(_) => "not a JPEG that decodes",
            MaskError::Encode(_) => "could not be encoded",
        }
    }
}

/// The largest side a kept photo may claim before it is decoded: tablets send at most
/// `LONG_EDGE`, so a header claiming far more is refused rather than allocated.
const MAX_SIDE: u32 = 4 * LONG_EDGE;

/// The photo with each of `faces` made unrecognisable, as a new JPEG.
pub fn mask(jpeg: &[u8], faces: &[FaceRegion]) -> Result<Vec<u8>, MaskError> {
    let mut img = decode(jpeg)?;
    mask_faces(&mut img, faces);
    encode(&img)
}

/// A copy to use beyond the journals (issue 21): the given faces made unrecognisable, no longer
/// than `long_edge` on its longer side, re-encoded with nothing but its pixels.
pub fn for_use(jpeg: &[u8], faces: &[FaceRegion], long_edge: u32) -> Result<Vec<u8>, MaskError> {
    let mut img = decode(jpeg)?;
    mask_faces(&mut img, faces);
    if img.width().max(img.height()) > long_edge {
        let (w, h) = burrow_core::photo::scaled(img.width(), img.height(), long_edge);
        img = image::imageops::resize(&img, w, h, image::imageops::FilterType::Triangle);
    }
    encode(&img)
}

fn decode(jpeg: &[u8]) -> Result<RgbImage, MaskError> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    let mut reader = ImageReader::with_format(Cursor::new(jpeg), ImageFormat::Jpeg);
    reader.limits(limits);
    Ok(reader.decode().map_err(MaskError::Decode)?.to_rgb8())
}

fn mask_faces(img: &mut RgbImage, faces: &[FaceRegion]) {
    for face in faces {
        if let Some(area) = Area::around(face, img.width(), img.height()) {
            pixelate(img, area);
            for _ in 0..BLUR_PASSES {
                box_blur(img, area, area.block() / 2);
            }
        }
    }
}

fn encode(img: &RgbImage) -> Result<Vec<u8>, MaskError> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, QUALITY)
        .encode_image(img)
        .map_err(MaskError::Encode)?;
    Ok(out)
}

/// A rectangle of pixels: columns `x0..x1`, rows `y0..y1`, never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
}

impl Area {
    /// The pixels a marked face covers on a `width` × `height` photo, widened by the margin and
    /// kept inside the photo. None if nothing of it is on the photo.
    pub fn around(face: &FaceRegion, width: u32, height: u32) -> Option<Area> {
        let scale = u64::from(REGION_SCALE);
        let to_px = |at: u16, side: u32, up: bool| -> u32 {
            let n = u64::from(at) * u64::from(side);
            let px = if up { n.div_ceil(scale) } else { n / scale };
            px.min(u64::from(side)) as u32
        };
        let (x0, x1) = (
            to_px(face.x, width, false),
            to_px(face.x.saturating_add(face.w), width, true),
        );
        let (y0, y1) = (
            to_px(face.y, height, false),
            to_px(face.y.saturating_add(face.h), height, true),
        );
        let widen = |lo: u32, hi: u32, side: u32| {
            let m = ((hi - lo) * MARGIN_PERCENT).div_ceil(100);
            (lo.saturating_sub(m), (hi + m).min(side))
        };
        let (x0, x1) = widen(x0, x1, width);
        let (y0, y1) = widen(y0, y1, height);
        (x1 > x0 && y1 > y0).then_some(Area { x0, y0, x1, y1 })
    }

    fn block(self) -> u32 {
        ((self.x1 - self.x0).max(self.y1 - self.y0) / BLOCKS_ACROSS).max(2)
    }
}

/// Each block of the area becomes its mean colour.
fn pixelate(img: &mut RgbImage, a: Area) {
    let b = a.block();
    for by in (a.y0..a.y1).step_by(b as usize) {
        for bx in (a.x0..a.x1).step_by(b as usize) {
            let (ex, ey) = ((bx + b).min(a.x1), (by + b).min(a.y1));
            let mut sum = [0u64; 3];
            for y in by..ey {
                for x in bx..ex {
                    let p = img.get_pixel(x, y);
                    for c in 0..3 {
                        sum[c] += u64::from(p[c]);
                    }
                }
            }
            let n = u64::from((ex - bx) * (ey - by)).max(1);
            let mean = image::Rgb(sum.map(|s| (s / n) as u8));
            for y in by..ey {
                for x in bx..ex {
                    img.put_pixel(x, y, mean);
                }
            }
        }
    }
}

/// A box blur of `radius` inside the area, rows then columns (edges clamped to the area).
fn box_blur(img: &mut RgbImage, a: Area, radius: u32) {
    if radius == 0 {
        return;
    }
    let r = radius as i64;
    let mut line: Vec<[u8; 3]> = Vec::new();
    // Rows.
    for y in a.y0..a.y1 {
        line.clear();
        line.extend((a.x0..a.x1).map(|x| img.get_pixel(x, y).0));
        for (i, px) in blur_line(&line, r).into_iter().enumerate() {
            img.put_pixel(a.x0 + i as u32, y, image::Rgb(px));
        }
    }
    // Columns.
    for x in a.x0..a.x1 {
        line.clear();
        line.extend((a.y0..a.y1).map(|y| img.get_pixel(x, y).0));
        for (i, px) in blur_line(&line, r).into_iter().enumerate() {
            img.put_pixel(x, a.y0 + i as u32, image::Rgb(px));
        }
    }
}

/// Each pixel the mean of those within `r` of it on the line (the ends repeated).
fn blur_line(line: &[[u8; 3]], r: i64) -> Vec<[u8; 3]> {
    let n = line.len() as i64;
    let at = |i: i64| line[i.clamp(0, n - 1) as usize];
    let width = (2 * r + 1) as u64;
    let mut sum = [0u64; 3];
    for i in -r..=r {
        for (c, s) in sum.iter_mut().enumerate() {
            *s += u64::from(at(i)[c]);
        }
    }
    let mut out = Vec::with_capacity(line.len());
    for i in 0..n {
        out.push(sum.map(|s| (s / width) as u8));
        let (leaving, entering) = (at(i - r), at(i + r + 1));
        for (c, s) in sum.iter_mut().enumerate() {
            *s = *s + u64::from(entering[c]) - u64::from(leaving[c]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn face(x: u16, y: u16, w: u16, h: u16) -> FaceRegion {
        FaceRegion {
            child: Uuid::nil(),
            x,
            y,
            w,
            h,
        }
    }

    #[test]
    fn a_photo_claiming_an_enormous_size_is_refused_before_it_is_decoded() {
        let mut jpeg = Vec::new();
        JpegEncoder::new_with_quality(&mut jpeg, 80)
            .encode_image(&RgbImage::new(16, 16))
            .unwrap();
        assert!(mask(&jpeg, &[face(0, 0, 5000, 5000)]).is_ok());
        // The frame header (SOF0: FF C0, length, precision) then height and width.
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        jpeg[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]); // 60000 × 60000
        assert!(matches!(
            mask(&jpeg, &[face(0, 0, 5000, 5000)]),
            Err(MaskError::Decode(image::ImageError::Limits(_)))
        ));
    }

    #[test]
    fn a_face_is_widened_by_the_margin_and_kept_inside_the_photo() {
        // 1000 × 500: a face of 200 × 100 px at (400, 200) grows by 30 and 15 px a side.
        assert_eq!(
            Area::around(&face(4000, 4000, 2000, 2000), 1000, 500),
            Some(Area {
                x0: 370,
                y0: 185,
                x1: 630,
                y1: 315
            })
        );
        // At the corner, the margin stops at the edge.
        assert_eq!(
            Area::around(&face(0, 0, 10_000, 10_000), 1000, 500),
            Some(Area {
                x0: 0,
                y0: 0,
                x1: 1000,
                y1: 500
            })
        );
        assert_eq!(Area::around(&face(0, 0, 0, 0), 1000, 500), None);
    }

    #[test]
    fn a_blurred_line_keeps_a_flat_colour_and_spreads_an_edge() {
        let flat = vec![[100, 50, 25]; 10];
        assert_eq!(blur_line(&flat, 3), flat);
        let mut edge = vec![[0, 0, 0]; 5];
        edge.extend(vec![[255, 255, 255]; 5]);
        let out = blur_line(&edge, 2);
        assert!(out[4][0] > 0 && out[5][0] < 255, "{out:?}");
    }
}

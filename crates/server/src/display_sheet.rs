//! The photos chosen for displays (issue 21), on A4 pages to print: two a page, each fitted to
//! its half and captioned, the setting's name at the top. No child's name is on it: the
//! captions name none (core::publishing::caption) and the document's metadata holds only the
//! setting.

use crate::keepsake::KeepsakeError;
use crate::keepsake::pdf::{Measure, bold, regular};
use crate::keepsake::shape::Shaper;
use krilla::geom::{Point, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::text::Font;
use krilla::{Document, SerializeSettings};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 42.0;
const HEADER: f32 = 12.0;
const CAPTION: f32 = 14.0;
/// Each photo's half of the page below the header, less room for its caption.
const SLOT_H: f32 = (PAGE_H - 2.0 * MARGIN - 24.0) / 2.0;
/// Room under each photo for two lines of caption.
const PHOTO_MAX_H: f32 = SLOT_H - 2.0 * (CAPTION + 3.0) - 24.0;
const PHOTO_MAX_W: f32 = PAGE_W - 2.0 * MARGIN;

/// The sheet for `setting`, of `photos` (each a JPEG and its caption), as PDF bytes.
pub fn render(setting: &str, photos: &[(Vec<u8>, String)]) -> Result<Vec<u8>, KeepsakeError> {
    let mut document = Document::new_with(SerializeSettings::default());
    document.set_metadata(
        Metadata::new()
            .title(format!("Photos for a display at {setting}"))
            .creator(setting.to_owned())
            .language("en-GB".into()),
    );
    let font_regular = Font::new(regular().into(), 0).ok_or(KeepsakeError::Font)?;
    let font_bold = Font::new(bold().into(), 0).ok_or(KeepsakeError::Font)?;
    let mut shape_regular = Shaper::new(regular()).ok_or(KeepsakeError::Font)?;
    let mut shape_bold = Shaper::new(bold()).ok_or(KeepsakeError::Font)?;
    let measure = Measure::new()?;
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| KeepsakeError::Pdf("page size".into()))?;
    for pair in photos.chunks(2) {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        let head = measure.printable(&format!("{setting}: photos for a display"));
        surface.draw_glyphs(
            Point::from_xy(MARGIN, MARGIN + HEADER),
            &shape_bold.glyphs(&head),
            font_bold.clone(),
            &head,
            HEADER,
            false,
        );
        for (i, (jpeg, caption)) in pair.iter().enumerate() {
            let top = MARGIN + 24.0 + i as f32 * SLOT_H;
            let image = Image::from_jpeg(jpeg.clone().into(), false)
                .map_err(|_| KeepsakeError::Pdf("a photo would not embed".into()))?;
            let (w, h) = image.size();
            let scale = (PHOTO_MAX_W / w as f32).min(PHOTO_MAX_H / h as f32);
            let (dw, dh) = (w as f32 * scale, h as f32 * scale);
            let Some(size) = Size::from_wh(dw, dh) else {
                continue;
            };
            surface.push_transform(&Transform::from_translate((PAGE_W - dw) / 2.0, top));
            surface.draw_image(image, size);
            surface.pop();
            // A caption wider than the page wraps; a character the font lacks is '?'.
            let lines = measure.wrap(&measure.printable(caption), CAPTION, false, PHOTO_MAX_W);
            for (n, line) in lines.iter().take(2).enumerate() {
                surface.draw_glyphs(
                    Point::from_xy(MARGIN, top + dh + 20.0 + n as f32 * (CAPTION + 3.0)),
                    &shape_regular.glyphs(line),
                    font_regular.clone(),
                    line,
                    CAPTION,
                    false,
                );
            }
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|_| KeepsakeError::Pdf("the writer refused the sheet".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
            .encode_image(&img)
            .expect("a JPEG");
        out
    }

    /// Three photos make two A4 pages; a caption too long for one line wraps onto a second
    /// rather than running off the page, as poppler reads it back.
    #[test]
    fn three_photos_make_two_pages_with_their_captions_kept_on_the_page() {
        let long = "Exploring communication and language and physical development and understanding the world at Little Acorns.";
        let photos = vec![
            (jpeg(640, 480), long.to_owned()),
            (
                jpeg(480, 640),
                "Exploring mathematics at Little Acorns.".to_owned(),
            ),
            (
                jpeg(800, 400),
                "Learning through play at Little Acorns.".to_owned(),
            ),
        ];
        let pdf = render("Little Acorns", &photos).expect("a sheet");
        let dir = tempfile::tempdir().expect("a folder");
        let path = dir.path().join("sheet.pdf");
        std::fs::write(&path, &pdf).expect("written");
        let run = |tool: &str, args: &[&str]| {
            let out = std::process::Command::new(tool)
                .args(args)
                .arg(&path)
                .args(if tool == "pdftotext" {
                    &["-"][..]
                } else {
                    &[][..]
                })
                .output()
                .expect("poppler");
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        assert!(run("pdfinfo", &[]).contains("Pages:           2"));
        let text = run("pdftotext", &["-layout"]);
        let words: Vec<&str> = text.split_whitespace().collect();
        for caption in photos.iter().map(|(_, c)| c) {
            for word in caption.split_whitespace() {
                assert!(words.contains(&word), "{word} missing from {text}");
            }
        }
        // Wrapped: no line of the long caption holds all of it.
        assert!(
            !text
                .lines()
                .any(|l| l.contains("Exploring communication") && l.contains("Little Acorns.")),
            "{text}"
        );
    }
}

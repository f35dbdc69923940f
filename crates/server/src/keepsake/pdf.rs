//! The journal as an A4 PDF/A-2b, with krilla: chosen over typst because it builds in about
//! three minutes with 71 crates (typst: 16 minutes, 325 crates, a 40 MB binary), which matters
//! for CI and for a Raspberry Pi build, and it embeds JPEGs unchanged. krilla places lines, so
//! this module wraps words itself, measuring them with the font's own advances (skrifa).
//! The font is Libertinus Serif, shipped inside the `typst-assets` crate: nothing is downloaded
//! at build or run time.

use super::shape::Shaper;
use super::{Book, BookEntry, KeepsakeError};
use burrow_core::dates::format_uk;
use chrono_tz::Europe::London;
use krilla::configure::{Archival, Configuration, ConfigurationBuilder};
use krilla::geom::{Point, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::text::Font;
use krilla::{Document, SerializeSettings};
use skrifa::MetadataProvider;

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;
const BODY: f32 = 11.0;
const PHOTO_MAX_H: f32 = 340.0;

pub(crate) fn regular() -> &'static [u8] {
    typst_assets::fonts().next().unwrap_or_default()
}

pub(crate) fn bold() -> &'static [u8] {
    typst_assets::fonts().nth(1).unwrap_or_default()
}

/// One thing placed on a page; y is the baseline for text, the top edge for a photo.
enum Item {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Photo {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        entry: usize,
        photo: usize,
    },
}

/// Measures text in a font at a size, in points.
pub(crate) struct Measure<'a> {
    regular: skrifa::FontRef<'a>,
    bold: skrifa::FontRef<'a>,
}

impl Measure<'static> {
    /// The keepsake's two fonts, as the display sheet measures its captions too.
    pub(crate) fn new() -> Result<Measure<'static>, KeepsakeError> {
        Ok(Measure {
            regular: skrifa::FontRef::new(regular()).map_err(|_| KeepsakeError::Font)?,
            bold: skrifa::FontRef::new(bold()).map_err(|_| KeepsakeError::Font)?,
        })
    }
}

impl Measure<'_> {
    /// The text with each character the font cannot draw as '?': PDF/A forbids the empty glyph
    /// a missing one would be (an emoji, say), and the words stay exact in index.html.
    pub(crate) fn printable(&self, text: &str) -> String {
        let charmap = self.regular.charmap();
        text.chars()
            .map(|c| {
                if c.is_whitespace() || charmap.map(c).is_some_and(|g| g.to_u32() != 0) {
                    c
                } else {
                    '?'
                }
            })
            .collect()
    }

    /// A line's width, measured whole (the tests check `wrap`'s running sums against it).
    #[cfg(test)]
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let font = if bold { &self.bold } else { &self.regular };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(
            skrifa::instance::Size::new(size),
            skrifa::instance::LocationRef::default(),
        );
        text.chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|g| metrics.advance_width(g))
                    .unwrap_or(size * 0.5)
            })
            .sum()
    }

    /// Breaks a paragraph into lines no wider than `width`; a word longer than a line is cut.
    /// Each word is measured once and lines are summed as they grow (a journal has thousands of
    /// lines: measuring each candidate line afresh made the PDF most of the keepsake's time).
    pub(crate) fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let font = if bold { &self.bold } else { &self.regular };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(
            skrifa::instance::Size::new(size),
            skrifa::instance::LocationRef::default(),
        );
        let advance = |c: char| {
            charmap
                .map(c)
                .and_then(|g| metrics.advance_width(g))
                .unwrap_or(size * 0.5)
        };
        // A hair under the measure, so rounding in the running sum never lets a line over it.
        let fits = |w: f32| w <= width - 0.01;
        let space = advance(' ');
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0f32;
            for word in paragraph.split_whitespace() {
                let word_w: f32 = word.chars().map(advance).sum();
                let grown = if line.is_empty() {
                    word_w
                } else {
                    line_w + space + word_w
                };
                if fits(grown) {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                    line_w = grown;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let mut piece = String::new();
                let mut piece_w = 0.0f32;
                for c in word.chars() {
                    let a = advance(c);
                    if !piece.is_empty() && !fits(piece_w + a) {
                        lines.push(std::mem::take(&mut piece));
                        piece_w = 0.0;
                    }
                    piece.push(c);
                    piece_w += a;
                }
                line = piece;
                line_w = piece_w;
            }
            lines.push(line);
        }
        lines
    }
}

/// Lays the book out into pages of items, then draws them.
struct Layout<'a> {
    measure: Measure<'a>,
    pages: Vec<Vec<Item>>,
    y: f32,
}

impl Layout<'_> {
    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    fn room_for(&mut self, height: f32) {
        if self.y + height > PAGE_H - MARGIN {
            self.new_page();
        }
    }

    fn push(&mut self, item: Item) {
        if let Some(page) = self.pages.last_mut() {
            page.push(item);
        }
    }

    fn text(&mut self, text: &str, size: f32, bold: bool) {
        let lead = size * 1.4;
        let text = self.measure.printable(text);
        for line in self.measure.wrap(&text, size, bold, WIDTH) {
            self.room_for(lead);
            self.y += lead;
            self.push(Item::Text {
                x: MARGIN,
                y: self.y,
                size,
                bold,
                text: line,
            });
        }
    }

    fn gap(&mut self, height: f32) {
        self.y += height;
    }

    fn entry(&mut self, index: usize, entry: &BookEntry, sizes: &[(u32, u32)]) {
        let when = entry.observed_at.with_timezone(&London);
        self.room_for(BODY * 6.0);
        self.gap(BODY);
        self.text(
            &format!(
                "{} at {}",
                format_uk(when.date_naive()),
                when.format("%H:%M")
            ),
            13.0,
            true,
        );
        if !entry.text.trim().is_empty() {
            self.text(&entry.text, BODY, false);
        }
        for (p, (w, h)) in sizes.iter().enumerate() {
            let scale = (WIDTH / *w as f32).min(PHOTO_MAX_H / *h as f32).min(1.0);
            let (pw, ph) = (*w as f32 * scale, *h as f32 * scale);
            self.room_for(ph + BODY);
            self.gap(BODY * 0.6);
            self.push(Item::Photo {
                x: MARGIN,
                y: self.y,
                w: pw,
                h: ph,
                entry: index,
                photo: p,
            });
            self.y += ph + BODY * 0.4;
        }
        if !entry.aspects.is_empty() {
            self.text(
                &format!("Learning: {}", entry.aspects.join("; ")),
                BODY - 1.0,
                false,
            );
        }
        if !entry.characteristics.is_empty() {
            self.text(
                &format!(
                    "Characteristics of effective learning: {}",
                    entry.characteristics.join("; ")
                ),
                BODY - 1.0,
                false,
            );
        }
        if !entry.next_steps.trim().is_empty() {
            self.text(
                &format!("Next steps: {}", entry.next_steps),
                BODY - 1.0,
                false,
            );
        }
    }
}

fn made_at(at: chrono::DateTime<chrono::Utc>) -> krilla::metadata::DateTime {
    use chrono::{Datelike, Timelike};
    krilla::metadata::DateTime::new(u16::try_from(at.year()).unwrap_or(2000))
        .month(at.month() as u8)
        .day(at.day() as u8)
        .hour(at.hour() as u8)
        .minute(at.minute() as u8)
        .second(at.second() as u8)
        .utc_offset_hour(0)
}

/// The book as PDF bytes. Photos are embedded as the JPEGs they are, and moved out of the book
/// into the PDF rather than copied (a journal's photos are most of its memory).
pub fn render(book: &mut Book) -> Result<Vec<u8>, KeepsakeError> {
    let measure = Measure::new()?;
    let mut images: Vec<Vec<Image>> = Vec::with_capacity(book.entries.len());
    let mut sizes: Vec<Vec<(u32, u32)>> = Vec::with_capacity(book.entries.len());
    for entry in &mut book.entries {
        let mut these = Vec::new();
        for jpeg in std::mem::take(&mut entry.photos) {
            // A photo that will not open is left out, not the whole book.
            if let Ok(image) = Image::from_jpeg(jpeg.into(), false) {
                these.push(image);
            }
        }
        sizes.push(these.iter().map(Image::size).collect());
        images.push(these);
    }
    let mut layout = Layout {
        measure,
        pages: Vec::new(),
        y: MARGIN,
    };
    layout.new_page();
    layout.gap(PAGE_H * 0.25);
    layout.text(
        &format!("{}’s learning journal", book.first_name),
        28.0,
        true,
    );
    layout.gap(12.0);
    layout.text(&book.setting, 16.0, false);
    let dates = match book.left {
        Some(left) => format!("{} to {}", format_uk(book.started), format_uk(left)),
        None => format!("From {}", format_uk(book.started)),
    };
    layout.text(&dates, 14.0, false);
    layout.gap(24.0);
    layout.text(
        &format!(
            "{} entries. Kept for {}’s family by {}.",
            book.entries.len(),
            book.first_name,
            book.setting
        ),
        BODY,
        false,
    );
    layout.new_page();
    layout.text("The journal", 18.0, true);
    if book.entries.is_empty() {
        layout.text("No entries were shared with the family.", BODY, false);
    }
    for (i, entry) in book.entries.iter().enumerate() {
        layout.entry(i, entry, &sizes[i]);
    }
    layout.new_page();
    layout.text("Progress across the areas of learning", 18.0, true);
    layout.gap(6.0);
    for area in &book.progress {
        let band = area
            .latest_band
            .as_deref()
            .map(|b| format!(", latest age band {b}"))
            .unwrap_or_default();
        let noun = if area.entries == 1 {
            "entry"
        } else {
            "entries"
        };
        layout.text(
            &format!("{}: {} {noun}{band}", area.area, area.entries),
            BODY,
            false,
        );
    }

    if let Some(check) = &book.two_year_check {
        layout.gap(12.0);
        layout.text("The progress check at age two", 18.0, true);
        layout.text(
            &format!("Written on {}.", format_uk(check.written_on)),
            BODY,
            false,
        );
        for (area, standing, note) in &check.areas {
            layout.gap(4.0);
            let head = match standing {
                Some(s) => format!("{area}: {s}"),
                None => area.clone(),
            };
            layout.text(&head, BODY, true);
            if !note.trim().is_empty() {
                layout.text(note, BODY, false);
            }
        }
        if !check.support.trim().is_empty() {
            layout.gap(4.0);
            layout.text("How the setting will support", BODY, true);
            layout.text(&check.support, BODY, false);
        }
        if !check.at_home.trim().is_empty() {
            layout.gap(4.0);
            layout.text("Ideas for home", BODY, true);
            layout.text(&check.at_home, BODY, false);
        }
    }

    let configuration: Configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|_| KeepsakeError::Pdf("the PDF/A settings were refused".into()))?;
    let mut document = Document::new_with(SerializeSettings {
        configuration,
        ..SerializeSettings::default()
    });
    document.set_metadata(
        Metadata::new()
            .title(format!("{}’s learning journal", book.first_name))
            .creator(book.setting.clone())
            .language("en-GB".into())
            .creation_date(made_at(book.made_at)),
    );
    let font_regular = Font::new(regular().into(), 0).ok_or(KeepsakeError::Font)?;
    let font_bold = Font::new(bold().into(), 0).ok_or(KeepsakeError::Font)?;
    let mut shape_regular = Shaper::new(regular()).ok_or(KeepsakeError::Font)?;
    let mut shape_bold = Shaper::new(bold()).ok_or(KeepsakeError::Font)?;
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| KeepsakeError::Pdf("page size".into()))?;
    for items in layout.pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for item in items {
            match item {
                Item::Text {
                    x,
                    y,
                    size,
                    bold,
                    text,
                } => {
                    let (font, shaper) = if bold {
                        (&font_bold, &mut shape_bold)
                    } else {
                        (&font_regular, &mut shape_regular)
                    };
                    surface.draw_glyphs(
                        Point::from_xy(x, y),
                        &shaper.glyphs(&text),
                        font.clone(),
                        &text,
                        size,
                        false,
                    );
                }
                Item::Photo {
                    x,
                    y,
                    w,
                    h,
                    entry,
                    photo,
                } => {
                    let (Some(image), Some(size)) = (images[entry].get(photo), Size::from_wh(w, h))
                    else {
                        continue;
                    };
                    surface.push_transform(&Transform::from_translate(x, y));
                    surface.draw_image(image.clone(), size);
                    surface.pop();
                }
            }
        }
        surface.finish();
        page.finish();
    }
    // Only the kind of failure: krilla's own report can quote the journal's words.
    document.finish().map_err(|e| {
        KeepsakeError::Pdf(match e {
            krilla::error::KrillaError::Validation(problems) => {
                format!("{} PDF/A problems", problems.len())
            }
            krilla::error::KrillaError::Font(..) => "a font could not be embedded".into(),
            _ => "the writer refused the document".into(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keepsake::AreaSummary;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
            .encode_image(&img)
            .unwrap();
        out
    }

    #[test]
    fn a_long_journal_flows_over_pages_with_its_photos() {
        let long = "The quick brown fox jumps over the lazy dog again and again. ".repeat(40);
        let entries = (0..30)
            .map(|i| BookEntry {
                observed_at: Utc
                    .with_ymd_and_hms(2027, 3, 1 + i % 28, 10, 30, 0)
                    .unwrap(),
                text: match i {
                    3 => long.clone(),
                    // PDF/A cannot hold a character the font lacks: it prints as '?'.
                    4 => "Painted 🎨 a rainbow – très bien".into(),
                    _ => format!("Entry {i}: built a tower."),
                },
                aspects: vec!["Communication: Speaking".into()],
                characteristics: vec!["Active learning".into()],
                next_steps: "Count the blocks".into(),
                photos: if i % 10 == 0 {
                    vec![jpeg(640, 480)]
                } else {
                    vec![]
                },
            })
            .collect();
        let mut book = Book {
            first_name: "Ava".into(),
            surname: "Okafor".into(),
            setting: "Little Acorns".into(),
            started: NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
            left: NaiveDate::from_ymd_opt(2027, 7, 18),
            entries,
            made_at: Utc::now(),
            progress: vec![AreaSummary {
                area: "Communication and language".into(),
                entries: 30,
                latest_band: Some("Three and four-year-olds".into()),
            }],
            two_year_check: Some(crate::keepsake::TwoYearCheck {
                written_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
                areas: vec![(
                    "Communication and language".into(),
                    Some("A strength".into()),
                    "Ava talks in long sentences.".into(),
                )],
                support: String::new(),
                at_home: "Share a story at bedtime.".into(),
            }),
        };
        let mut twin = book.clone();
        let pdf = render(&mut book).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        // The same book at the same time is the same bytes (a cut download resumes on them).
        assert!(
            render(&mut twin).unwrap() == pdf,
            "the PDF is not reproducible"
        );
        // Kept where a developer can open it and look.
        let _ = std::fs::write(
            std::env::temp_dir().join("burrow-keepsake-sample.pdf"),
            &pdf,
        );
        // Every wrapped line fits the measure it was wrapped to.
        let m = Measure {
            regular: skrifa::FontRef::new(regular()).unwrap(),
            bold: skrifa::FontRef::new(bold()).unwrap(),
        };
        let lines = m.wrap(&long, BODY, false, WIDTH);
        assert!(lines.len() > 10);
        assert!(lines.iter().all(|l| m.width(l, BODY, false) <= WIDTH));
        assert_eq!(
            lines.join(" ").split_whitespace().count(),
            long.split_whitespace().count()
        );
    }
}

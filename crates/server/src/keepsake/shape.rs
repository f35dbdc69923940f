//! The keepsake's lines shaped with one rustybuzz plan per font, made once per book, and each
//! word shaped once. krilla's
//! own `draw_text` parses the font and plans the shaping afresh for every line it draws, which
//! was most of the time a 180-page journal took; the glyphs are the same (kerning and ligatures
//! included), drawn with `draw_glyphs`.

use krilla::text::{GlyphId, KrillaGlyph};
use rustybuzz::{Direction, Face, ShapePlan, UnicodeBuffer, script};
use std::collections::HashMap;

pub struct Shaper<'a> {
    face: Face<'a>,
    plan: ShapePlan,
    units_per_em: f32,
    /// Each word's glyphs, positioned from the word's own start.
    words: HashMap<String, Vec<KrillaGlyph>>,
}

impl<'a> Shaper<'a> {
    pub fn new(font: &'a [u8]) -> Option<Shaper<'a>> {
        let face = Face::from_slice(font, 0)?;
        // Left to right, Latin: the journal's words (a character the font lacks is already '?').
        let plan = ShapePlan::new(
            &face,
            Direction::LeftToRight,
            Some(script::LATIN),
            None,
            &[],
        );
        let units_per_em = f32::from(u16::try_from(face.units_per_em()).unwrap_or(1000));
        Some(Shaper {
            face,
            plan,
            units_per_em,
            words: HashMap::new(),
        })
    }

    /// One line's glyphs, their advances normalised to the em as krilla wants them. Each word is
    /// shaped once per book and reused (a journal says "blocks" and "together" hundreds of
    /// times); ligatures and kerning inside a word are kept, and a space is its own glyph.
    pub fn glyphs(&mut self, text: &str) -> Vec<KrillaGlyph> {
        let mut out = Vec::with_capacity(text.len());
        let mut offset = 0;
        for (i, word) in text.split(' ').enumerate() {
            if i > 0 {
                self.push_shaped(" ", offset, &mut out);
                offset += 1;
            }
            if !word.is_empty() {
                self.push_shaped(word, offset, &mut out);
            }
            offset += word.len();
        }
        out
    }

    fn push_shaped(&mut self, word: &str, offset: usize, out: &mut Vec<KrillaGlyph>) {
        if !self.words.contains_key(word) {
            let shaped = self.shape(word);
            self.words.insert(word.to_owned(), shaped);
        }
        if let Some(glyphs) = self.words.get(word) {
            out.extend(glyphs.iter().map(|g| {
                let mut g = g.clone();
                g.text_range = g.text_range.start + offset..g.text_range.end + offset;
                g
            }));
        }
    }

    fn shape(&self, text: &str) -> Vec<KrillaGlyph> {
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(Direction::LeftToRight);
        buffer.set_script(script::LATIN);
        let shaped = rustybuzz::shape_with_plan(&self.face, &self.plan, buffer);
        let infos = shaped.glyph_infos();
        let positions = shaped.glyph_positions();
        let em = self.units_per_em;
        (0..shaped.len())
            .map(|i| {
                let start = infos[i].cluster as usize;
                // A cluster's text runs to where the next cluster starts.
                let end = infos[i + 1..]
                    .iter()
                    .map(|g| g.cluster as usize)
                    .find(|c| *c != start)
                    .unwrap_or(text.len());
                let p = positions[i];
                KrillaGlyph::new(
                    GlyphId::new(infos[i].glyph_id),
                    p.x_advance as f32 / em,
                    p.x_offset as f32 / em,
                    p.y_offset as f32 / em,
                    p.y_advance as f32 / em,
                    start..end,
                    None,
                )
            })
            .collect()
    }
}

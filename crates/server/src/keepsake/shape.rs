//! The keepsake's lines shaped with one rustybuzz plan per font, made once per book. krilla's
//! own `draw_text` parses the font and plans the shaping afresh for every line it draws, which
//! was most of the time a 180-page journal took; the glyphs are the same (kerning and ligatures
//! included), drawn with `draw_glyphs`.

use krilla::text::{GlyphId, KrillaGlyph};
use rustybuzz::{Direction, Face, ShapePlan, UnicodeBuffer, script};

pub struct Shaper<'a> {
    face: Face<'a>,
    plan: ShapePlan,
    units_per_em: f32,
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
        })
    }

    /// One line's glyphs, their advances normalised to the em as krilla wants them.
    pub fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
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

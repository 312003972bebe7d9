//! Whether a font file draws a text: the characters it has no glyph for.

/// A font file under `assets/` (collections: the first face).
pub struct FontFile {
    path: String,
    data: Vec<u8>,
}

impl FontFile {
    pub fn open(path: &str) -> FontFile {
        let full = format!("{}/../assets/{path}", env!("CARGO_MANIFEST_DIR"));
        let data = std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
        FontFile {
            path: path.to_string(),
            data,
        }
    }

    /// The characters of `text` (spaces aside) without a glyph.
    pub fn missing(&self, text: &str) -> String {
        let face =
            ttf_parser::Face::parse(&self.data, 0).unwrap_or_else(|e| panic!("{}: {e}", self.path));
        text.chars()
            .filter(|c| !c.is_whitespace() && face.glyph_index(*c).is_none())
            .collect()
    }
}

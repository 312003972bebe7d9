//! Which font file shows which language, and text sized to the screen.
//! BIZ UDPGothic (a universal-design face) is the apps' face; it has no
//! Hangul and lacks simplified-only Chinese characters and some Vietnamese
//! letters, so those languages use a face that has them.

use bevy::prelude::*;

pub const BIZ_UD_REGULAR: &str = "fonts/BIZUDPGothic-Regular.ttf";
pub const BIZ_UD_BOLD: &str = "fonts/BIZUDPGothic-Bold.ttf";

/// The font file (under `assets/`) for text in `lang`, regular or bold.
/// Faces other than BIZ UD have one weight.
pub fn font_file(lang: &str, bold: bool) -> &'static str {
    match lang {
        "ko" => "fonts/NanumGothic.ttf",
        // Droid Sans Fallback has no Latin letters or digits (a ticket
        // number would be boxes); WenQuanYi Micro Hei has both.
        "zh" => "fonts/wqy-microhei.ttc",
        "vi" => "fonts/DejaVuSans.ttf",
        _ if bold => BIZ_UD_BOLD,
        _ => BIZ_UD_REGULAR,
    }
}

/// One face per language. The asset server loads each file once, so
/// languages that share a file share its handle.
#[derive(Clone)]
pub struct FontsByLanguage(Vec<(&'static str, Handle<Font>)>);

impl FontsByLanguage {
    pub fn load(
        assets: &AssetServer,
        languages: &[&'static str],
        file: impl Fn(&str) -> &'static str,
    ) -> FontsByLanguage {
        FontsByLanguage(
            languages
                .iter()
                .map(|lang| (*lang, assets.load(file(lang))))
                .collect(),
        )
    }

    /// The face of `lang`, if it is one of the loaded languages.
    pub fn get(&self, lang: &str) -> Option<&Handle<Font>> {
        self.0.iter().find(|(l, _)| *l == lang).map(|(_, h)| h)
    }
}

/// Text in `handle` at `vmin` per cent of the shorter screen side, so a
/// portrait screen fits too.
pub fn text_font(handle: &Handle<Font>, vmin: f32) -> TextFont {
    TextFont {
        font: handle.clone().into(),
        font_size: FontSize::VMin(vmin),
        ..default()
    }
}

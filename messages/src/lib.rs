//! The one message catalogue for every screen and page: Fluent files per
//! language in `locales/`, embedded in the binary. Japanese is the
//! reference; a message missing in another language falls back to English,
//! then Japanese.

use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// Languages with a catalogue file, in the order the board rotates them.
pub const LANGUAGES: &[&str] = &["ja", "en", "zh", "ko", "vi", "pt"];

const SOURCES: &[(&str, &str)] = &[
    ("ja", include_str!("../locales/ja.ftl")),
    ("en", include_str!("../locales/en.ftl")),
    ("zh", include_str!("../locales/zh.ftl")),
    ("ko", include_str!("../locales/ko.ftl")),
    ("vi", include_str!("../locales/vi.ftl")),
    ("pt", include_str!("../locales/pt.ftl")),
];

pub struct Catalogue {
    bundles: HashMap<&'static str, FluentBundle<FluentResource>>,
}

impl Default for Catalogue {
    fn default() -> Self {
        Self::new()
    }
}

/// An argument value for a message.
pub enum Arg<'a> {
    Str(&'a str),
    Num(i64),
}

impl Catalogue {
    pub fn new() -> Catalogue {
        let mut bundles = HashMap::new();
        for (lang, src) in SOURCES {
            let id: LanguageIdentifier = lang.parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Unicode isolation marks render as boxes in game-engine text.
            bundle.set_use_isolating(false);
            // The embedded files are checked by the tests below.
            let resource = FluentResource::try_new(src.to_string()).unwrap_or_else(|(r, _)| r);
            let _ = bundle.add_resource(resource);
            bundles.insert(*lang, bundle);
        }
        Catalogue { bundles }
    }

    /// Whether `lang` has its own text for `id` (without falling back).
    pub fn has(&self, lang: &str, id: &str) -> bool {
        self.bundles.get(lang).is_some_and(|b| b.has_message(id))
    }

    pub fn text(&self, lang: &str, id: &str) -> String {
        self.text_with(lang, id, &[])
    }

    pub fn text_with(&self, lang: &str, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            match v {
                Arg::Str(s) => fargs.set(*k, FluentValue::from(*s)),
                Arg::Num(n) => fargs.set(*k, FluentValue::from(*n)),
            }
        }
        for candidate in [lang, "en", "ja"] {
            let Some(bundle) = self.bundles.get(candidate) else {
                continue;
            };
            let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
            return text.into_owned();
        }
        id.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_parses_and_every_english_message_exists_in_japanese() {
        for (lang, src) in SOURCES {
            assert!(
                FluentResource::try_new(src.to_string()).is_ok(),
                "{lang}.ftl has syntax errors"
            );
        }
        let c = Catalogue::new();
        let ids: Vec<&str> = SOURCES[1]
            .1
            .lines()
            .filter_map(|l| l.split_once(" = ").map(|(id, _)| id))
            .filter(|id| id.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'))
            .collect();
        assert!(ids.len() > 10, "{ids:?}");
        for id in ids {
            assert!(c.has("ja", id), "{id} missing in ja.ftl");
            assert!(c.has("en", id), "{id}");
        }
    }

    #[test]
    fn messages_take_arguments_and_plurals() {
        let c = Catalogue::new();
        assert_eq!(
            c.text_with("ja", "board-wait", &[("minutes", Arg::Num(15))]),
            "約15分"
        );
        assert_eq!(
            c.text_with("en", "board-waiting", &[("count", Arg::Num(1))]),
            "1 waiting"
        );
        assert_eq!(
            c.text_with("en", "board-waiting", &[("count", Arg::Num(4))]),
            "4 waiting"
        );
        assert_eq!(
            c.text_with(
                "ja",
                "announce-call",
                &[("number", Arg::Str("A001")), ("booth", Arg::Str("3番窓口"))]
            ),
            "A001番の方、3番窓口へお越しください。"
        );
    }

    #[test]
    fn guidance_exists_in_six_languages_and_missing_text_falls_back() {
        let c = Catalogue::new();
        for lang in LANGUAGES {
            assert!(c.has(lang, "board-guidance"), "{lang}");
        }
        assert_eq!(c.text("zh", "booth-open"), "Open", "falls back to English");
        assert_eq!(c.text("xx", "booth-open"), "Open");
        assert_eq!(c.text("ja", "no-such-message"), "no-such-message");
    }
}

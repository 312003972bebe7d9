//! The one message catalogue for every screen, page, mail and voice line:
//! Fluent files per language in `locales/`, embedded in the binary.
//! Japanese is the reference; visitor texts exist in every language of
//! `LANGUAGES` (a test fails when one is missing or its placeholders
//! differ), staff texts in Japanese and English. A message missing in a
//! language falls back as `language::fallbacks` says.
//!
//! Texts may carry furigana (`ruby`): `text` gives the plain text for
//! screens, `rich` the runs for `<ruby>` on web pages, `spoken` the
//! readings for voices.

pub mod language;
pub mod ruby;

use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

pub use language::{LANGUAGES, STAFF_LANGUAGES};
pub use ruby::Segment;

const SOURCES: &[(&str, &str)] = &[
    ("ja", include_str!("../locales/ja.ftl")),
    ("en", include_str!("../locales/en.ftl")),
    ("zh", include_str!("../locales/zh.ftl")),
    ("ko", include_str!("../locales/ko.ftl")),
    ("vi", include_str!("../locales/vi.ftl")),
    ("pt", include_str!("../locales/pt.ftl")),
    ("ja-x-easy", include_str!("../locales/ja-x-easy.ftl")),
];

/// Message ids shown to visitors (kiosk, board, voice, visitor pages,
/// mails) start with one of these; each exists in every language.
pub const VISITOR_PREFIXES: &[&str] = &[
    "office-",
    "board-",
    "booth-",
    "announce-",
    "voice-",
    "kiosk-",
    "status-",
    "resv-",
    "cong-",
    "visitor-",
    "book-",
    "mail-",
    "notify-",
    "language-",
    "summary-",
    "details-",
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

/// The process's one catalogue, built on first use: every page, mail and
/// form reads it (building parses every language's files).
pub fn catalogue() -> &'static Catalogue {
    static C: std::sync::OnceLock<Catalogue> = std::sync::OnceLock::new();
    C.get_or_init(Catalogue::new)
}

impl Catalogue {
    pub fn new() -> Catalogue {
        let mut bundles = HashMap::new();
        for (lang, src) in SOURCES {
            // Plural rules: the easy register is Japanese.
            let tag = if language::is_japanese(lang) {
                "ja"
            } else {
                lang
            };
            let id: LanguageIdentifier = tag.parse().unwrap_or_default();
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

    /// The plain text (furigana dropped), for screens and mails.
    pub fn text(&self, lang: &str, id: &str) -> String {
        self.text_with(lang, id, &[])
    }

    pub fn text_with(&self, lang: &str, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        ruby::plain(&self.marked(lang, id, args))
    }

    /// The text as read aloud (furigana in place of the kanji).
    pub fn spoken(&self, lang: &str, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        ruby::reading(&self.marked(lang, id, args))
    }

    /// The text with its ruby marks, for pages that render `<ruby>`
    /// (`ruby::segments` cuts it).
    pub fn marked(&self, lang: &str, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            match v {
                Arg::Str(s) => fargs.set(*k, FluentValue::from(*s)),
                Arg::Num(n) => fargs.set(*k, FluentValue::from(*n)),
            }
        }
        let candidates = std::iter::once(lang).chain(language::fallbacks(lang).iter().copied());
        for candidate in candidates {
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
    use fluent_syntax::ast;

    /// Message id → the variables it uses, straight from the file.
    fn variables(src: &str) -> HashMap<String, Vec<String>> {
        fn walk_pattern(p: &ast::Pattern<&str>, out: &mut Vec<String>) {
            for element in &p.elements {
                if let ast::PatternElement::Placeable { expression } = element {
                    walk_expression(expression, out);
                }
            }
        }
        fn walk_expression(e: &ast::Expression<&str>, out: &mut Vec<String>) {
            match e {
                ast::Expression::Select { selector, variants } => {
                    walk_inline(selector, out);
                    for v in variants {
                        walk_pattern(&v.value, out);
                    }
                }
                ast::Expression::Inline(i) => walk_inline(i, out),
            }
        }
        fn walk_inline(i: &ast::InlineExpression<&str>, out: &mut Vec<String>) {
            match i {
                ast::InlineExpression::VariableReference { id } => out.push(id.name.to_string()),
                ast::InlineExpression::Placeable { expression } => walk_expression(expression, out),
                _ => {}
            }
        }
        let resource = match fluent_syntax::parser::parse(src) {
            Ok(r) => r,
            Err((r, _)) => r,
        };
        let mut out = HashMap::new();
        for entry in resource.body {
            if let ast::Entry::Message(m) = entry {
                let mut vars = Vec::new();
                if let Some(p) = &m.value {
                    walk_pattern(p, &mut vars);
                }
                vars.sort();
                vars.dedup();
                out.insert(m.id.name.to_string(), vars);
            }
        }
        out
    }

    #[test]
    fn every_file_parses_without_errors() {
        for (lang, src) in SOURCES {
            if let Err((_, errors)) = fluent_syntax::parser::parse(*src) {
                panic!("{lang}.ftl: {errors:?}");
            }
        }
    }

    #[test]
    fn every_visitor_text_exists_in_every_language_with_the_same_placeholders() {
        let reference = variables(SOURCES[0].1);
        let visitor: Vec<&String> = reference
            .keys()
            .filter(|id| VISITOR_PREFIXES.iter().any(|p| id.starts_with(p)))
            .collect();
        assert!(visitor.len() > 150, "{}", visitor.len());
        let mut problems = Vec::new();
        for (lang, src) in &SOURCES[1..] {
            let theirs = variables(src);
            let staff_too = STAFF_LANGUAGES.contains(lang);
            for (id, vars) in &reference {
                let needed = staff_too || visitor.contains(&id);
                match theirs.get(id) {
                    None if needed => problems.push(format!("{lang}: {id} is missing")),
                    Some(v) if v != vars => {
                        problems.push(format!("{lang}: {id} uses {v:?}, ja.ftl {vars:?}"))
                    }
                    _ => {}
                }
            }
            for id in theirs.keys() {
                if !reference.contains_key(id) {
                    problems.push(format!("{lang}: {id} is not in ja.ftl"));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
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
    fn easy_japanese_carries_furigana_for_pages_and_readings_for_voices() {
        let c = Catalogue::new();
        let marked = c.marked("ja-x-easy", "status-title", &[]);
        assert!(marked.contains('｜') && marked.contains('《'), "{marked}");
        let plain = c.text("ja-x-easy", "status-title");
        assert!(!plain.contains('｜') && !plain.contains('《'), "{plain}");
        let spoken = c.spoken("ja-x-easy", "status-title", &[]);
        assert!(!spoken.contains('《'), "{spoken}");
        assert_ne!(plain, spoken, "the voice reads the furigana");
    }

    #[test]
    fn every_language_names_itself_and_missing_text_falls_back() {
        let c = Catalogue::new();
        let names: Vec<String> = LANGUAGES
            .iter()
            .map(|l| c.text(l, "language-name"))
            .collect();
        assert_eq!(
            names,
            [
                "日本語",
                "English",
                "中文",
                "한국어",
                "Tiếng Việt",
                "Português",
                "やさしい にほんご"
            ]
        );
        assert_eq!(c.text("zh", "console-open"), "Open", "staff text: English");
        assert_eq!(
            c.text("ja-x-easy", "console-open"),
            "受付開始",
            "easy: Japanese"
        );
        assert_eq!(c.text("xx", "booth-open"), "Open");
        assert_eq!(c.text("ja", "no-such-message"), "no-such-message");
    }
}

//! The languages visitors can choose, and which one a request wants.

/// Every language of the visitor screens, pages and mails, in the order
/// choosers list them (and the board rotates its guidance line).
/// `ja-x-easy` is やさしい日本語: short sentences, furigana.
pub const LANGUAGES: &[&str] = &["ja", "en", "zh", "ko", "vi", "pt", "ja-x-easy"];

/// Staff screens (console, statistics, prep) are in these only.
pub const STAFF_LANGUAGES: &[&str] = &["ja", "en"];

/// The supported code for a tag: `zh-CN`/`zh-Hans` → `zh`, `pt-BR` →
/// `pt`, `ja-x-easy` as it is, case-insensitive. Traditional Chinese has
/// no catalogue and is not taken for `zh`.
pub fn parse(tag: &str) -> Option<&'static str> {
    let tag = tag.trim().to_ascii_lowercase();
    if let Some(code) = LANGUAGES.iter().find(|l| **l == tag) {
        return Some(code);
    }
    if tag == "ja-easy" || tag == "ja-x-yasashii" {
        return Some("ja-x-easy");
    }
    let primary = tag.split(['-', '_']).next().unwrap_or("");
    if primary == "zh"
        && ["-tw", "-hk", "-mo", "-hant"]
            .iter()
            .any(|t| tag.contains(t))
    {
        return None;
    }
    LANGUAGES.iter().find(|l| **l == primary).copied()
}

/// The first supported language of an `Accept-Language` header, by its
/// q-values (RFC 9110 §12.5.4); `None` when nothing fits.
pub fn negotiate(accept_language: &str) -> Option<&'static str> {
    let mut ranked: Vec<(f32, usize, &str)> = accept_language
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut fields = part.split(';');
            let tag = fields.next()?.trim();
            let q = fields
                .find_map(|f| f.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (q > 0.0 && !tag.is_empty()).then_some((q, i, tag))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().find_map(|(_, _, tag)| parse(tag))
}

/// Japanese or its easy register: one voice, one printer mode, one
/// fallback.
pub fn is_japanese(lang: &str) -> bool {
    lang == "ja" || lang.starts_with("ja-")
}

/// The language whose text stands in for `lang` when it has none: the
/// easy register falls back to ordinary Japanese, the others to English,
/// English to Japanese.
pub fn fallbacks(lang: &str) -> &'static [&'static str] {
    if is_japanese(lang) {
        &["ja", "en"]
    } else {
        &["en", "ja"]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_map_to_the_supported_codes() {
        assert_eq!(parse("zh-CN"), Some("zh"));
        assert_eq!(parse("zh-Hans-CN"), Some("zh"));
        assert_eq!(parse("zh-TW"), None);
        assert_eq!(parse("pt-BR"), Some("pt"));
        assert_eq!(parse("KO"), Some("ko"));
        assert_eq!(parse("ja-x-easy"), Some("ja-x-easy"));
        assert_eq!(parse("ja-JP"), Some("ja"));
        assert_eq!(parse("fr"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn the_browser_preference_is_followed_by_q_value() {
        assert_eq!(negotiate("vi-VN,vi;q=0.9,en;q=0.8"), Some("vi"));
        assert_eq!(negotiate("fr-FR,fr;q=0.9,ko;q=0.5,en;q=0.7"), Some("en"));
        assert_eq!(negotiate("en;q=0.5, pt-BR"), Some("pt"));
        assert_eq!(negotiate("de, fr"), None);
        assert_eq!(negotiate("ko;q=0, ja;q=0.1"), Some("ja"));
        assert_eq!(negotiate("zh-TW,zh;q=0.8"), Some("zh"));
        assert_eq!(negotiate("*"), None);
        assert_eq!(negotiate(""), None);
    }
}

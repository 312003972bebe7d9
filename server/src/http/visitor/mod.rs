//! Pages for visitors' phones: server-rendered, readable without
//! JavaScript, mobile-first, Japanese and English (`?lang=en`), BIZ UD
//! font, printable. A small script keeps them live over SSE.

pub mod booking;
pub mod congestion;
pub mod reservation;
pub mod status;

use axum::http::{HeaderMap, header};

use crate::http::pages::esc;

pub(crate) use crate::http::pages::catalogue;

/// The page around a visitor page's body; `tail` goes before `</body>`
/// (scripts). Pages that follow live events reload themselves every 30 s
/// when scripts are off.
pub(crate) fn page(lang: &str, title: &str, body: &str, tail: &str) -> String {
    let refresh = if tail.contains("<script") {
        r#"<noscript><meta http-equiv="refresh" content="30"></noscript>"#.to_string()
    } else {
        String::new()
    };
    shell(lang, title, body, tail, &refresh)
}

/// A page whose scripts update it in place (no reload without script).
pub(crate) fn page_static(lang: &str, title: &str, body: &str, tail: &str) -> String {
    shell(lang, title, body, tail, "")
}

fn shell(lang: &str, title: &str, body: &str, tail: &str, refresh: &str) -> String {
    let c = catalogue();
    let other = if lang == "ja" { "en" } else { "ja" };
    format!(
        r#"<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
{refresh}
<link rel="stylesheet" href="/visitor/visitor.css">
</head>
<body>
<header><span>{site}</span><a href="?lang={other}" lang="{other}">{switch}</a></header>
<main>
{body}
</main>
{tail}
</body>
</html>
"#,
        title = esc(title),
        site = esc(&localized_site(lang)),
        switch = esc(&c.text(lang, "console-lang")),
    )
}

fn localized_site(lang: &str) -> String {
    catalogue().text(lang, "visitor-site")
}

/// `?lang=en`, else the browser's first language if English, else Japanese.
pub fn language(query: Option<&str>, headers: &HeaderMap) -> &'static str {
    match query {
        Some("en") => return "en",
        Some("ja") => return "ja",
        _ => {}
    }
    let preferred = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .unwrap_or("");
    if preferred.trim().starts_with("en") {
        "en"
    } else {
        "ja"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_comes_from_the_query_then_the_browser() {
        let mut h = HeaderMap::new();
        assert_eq!(language(None, &h), "ja");
        h.insert(
            header::ACCEPT_LANGUAGE,
            "en-US,en;q=0.9".parse().expect("h"),
        );
        assert_eq!(language(None, &h), "en");
        assert_eq!(language(Some("ja"), &h), "ja");
        assert_eq!(language(Some("xx"), &HeaderMap::new()), "ja");
    }
}

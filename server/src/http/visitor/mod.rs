//! Pages for visitors' phones: server-rendered, readable without
//! JavaScript, mobile-first, Japanese and English (`?lang=en`), BIZ UD
//! font, printable. A small script keeps them live over SSE.

pub mod status;

use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

const VISITOR_CSS: &str = include_str!("../web/visitor.css");
const STATUS_JS: &str = include_str!("../web/status.js");

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

pub async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        VISITOR_CSS,
    )
        .into_response()
}

pub async fn status_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        STATUS_JS,
    )
        .into_response()
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

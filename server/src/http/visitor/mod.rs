//! Pages for visitors' phones: server-rendered, readable without
//! JavaScript, mobile-first, Japanese and English (`?lang=en`), BIZ UD
//! font, printable. A small script keeps them live over SSE.

pub mod booking;
pub mod congestion;
mod details_form;
pub mod home;
pub mod reservation;
mod ruby;
pub mod status;

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::app::{App, OfficeApp};

pub(crate) use crate::http::pages::catalogue;

/// Whether a page follows live events with a script (and so reloads itself
/// every 30 s when scripts are off) or updates in place / not at all.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refresh {
    ReloadWithoutScript,
    Never,
}

/// A page without live updates or scripts, answered with `status`.
pub(crate) fn static_page(status: StatusCode, lang: &str, title: &str, body: Markup) -> Response {
    let html = page(lang, title, body, html! {}, Refresh::Never);
    (status, Html(html.into_string())).into_response()
}

/// The page around a visitor page's body; `tail` goes before `</body>`
/// (scripts). Templates are maud: checked at compile time, every
/// interpolated value escaped.
pub(crate) fn page(
    lang: &str,
    title: &str,
    body: Markup,
    tail: Markup,
    refresh: Refresh,
) -> Markup {
    let c = catalogue();
    let page = html! {
        (DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                meta name="referrer" content="no-referrer";
                title { (title) }
                @if refresh == Refresh::ReloadWithoutScript {
                    noscript { meta http-equiv="refresh" content="30"; }
                }
                link rel="stylesheet" href="/visitor/visitor.css";
            }
            body {
                header {
                    span { (c.marked(lang, "visitor-site", &[])) }
                    nav.languages aria-label=(c.marked(lang, "language-choose", &[])) {
                        @for code in messages::LANGUAGES {
                            @if *code == lang {
                                span lang=(code) aria-current="true" { (c.marked(code, "language-name", &[])) }
                            } @else {
                                a href={ "?lang=" (code) } lang=(code) hreflang=(code) { (c.marked(code, "language-name", &[])) }
                            }
                        }
                    }
                }
                main { (body) }
                (tail)
            }
        }
    };
    PreEscaped(ruby::resolve(&page.into_string()))
}

/// The office of a visitor page's `{office}`; an unknown one is a 404
/// page in the visitor's language.
pub struct PageOffice(pub Arc<OfficeApp>);

impl FromRequestParts<Arc<App>> for PageOffice {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Response> {
        match crate::http::auth::office_in_path(parts, app).await {
            Ok(office) => Ok(PageOffice(office.clone())),
            Err(_) => {
                let query = axum::extract::Query::<std::collections::HashMap<String, String>>::try_from_uri(&parts.uri)
                    .map(|q| q.0)
                    .unwrap_or_default();
                let lang = language(query.get("lang").map(String::as_str), &parts.headers);
                Err(unknown_office(lang))
            }
        }
    }
}

/// 404: no office has this id; the way back to the list of offices.
pub(crate) fn unknown_office(lang: &str) -> Response {
    let c = catalogue();
    let title = c.marked(lang, "office-unknown", &[]);
    let body = html! {
        section.card {
            h1 { (title) }
            p { a href={ "/book?lang=" (lang) } { (c.marked(lang, "office-choose", &[])) } }
        }
    };
    static_page(StatusCode::NOT_FOUND, lang, &title, body)
}

/// An office's address and today's hours (or that it is closed today),
/// and whether it is open now (as `GET /api/v1/offices` says it): one
/// line under its name in a list.
pub(crate) fn office_line(office: &protocol::OfficeInfo, lang: &str) -> Markup {
    let c = catalogue();
    html! {
        (protocol::localized_marked(&office.address, lang))
        br;
        @match &office.hours_today {
            Some(h) => {
                (c.marked(lang, "office-hours-today", &[("hours", messages::Arg::Str(&format!("{}–{}", h.opens, h.closes)))]))
                " · "
                @if office.open_now {
                    strong.open { (c.marked(lang, "office-open-now", &[])) }
                } @else {
                    (c.marked(lang, "office-closed-now", &[]))
                }
            }
            None => { (c.marked(lang, "office-closed-today", &[])) }
        }
    }
}

/// A small JSON document for a page script, safe inside `<script>`.
pub(crate) fn script_json(id: &str, json: &str) -> Markup {
    html! {
        script id=(id) type="application/json" { (PreEscaped(json.replace("</", "<\\/"))) }
    }
}

/// `?lang=` (any supported code), else the browser's preferred supported
/// language (`Accept-Language`), else Japanese.
pub fn language(query: Option<&str>, headers: &HeaderMap) -> &'static str {
    chosen_language(query, None, headers)
}

/// As `language`, with the language the visitor chose at the kiosk or
/// when booking (`chosen`) before the browser's.
pub fn chosen_language(
    query: Option<&str>,
    chosen: Option<&str>,
    headers: &HeaderMap,
) -> &'static str {
    query
        .and_then(messages::language::parse)
        .or_else(|| chosen.and_then(messages::language::parse))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(messages::language::negotiate)
        })
        .unwrap_or("ja")
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
        assert_eq!(language(Some("ko"), &h), "ko");
        assert_eq!(language(Some("ja-x-easy"), &h), "ja-x-easy");
        h.insert(
            header::ACCEPT_LANGUAGE,
            "pt-BR,pt;q=0.9,en;q=0.5".parse().expect("h"),
        );
        assert_eq!(language(None, &h), "pt");
    }
}

//! Web pages. `/board` is the display board for phones and hall TVs: the
//! server renders the current state (readable without JavaScript), a small
//! script keeps it live over SSE. Text comes from the message catalogue.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use messages::{Arg, Catalogue};
use protocol::{BoardSnapshot, BoothState, localized};

use crate::app::{App, OfficeApp};
use crate::http::visitor::PageOffice;
use maud::{DOCTYPE, PreEscaped, html};

const BOARD_CSS: &str = include_str!("web/board.css");
const BOARD_JS: &str = include_str!("web/board.js");
/// BIZ UDPGothic (SIL OFL 1.1, see assets/fonts/OFL.txt), embedded so pages
/// render Japanese the same everywhere.
const FONT: &[u8] = include_bytes!("../../../assets/fonts/BIZUDPGothic-Regular.ttf");
/// The fallback face for the simplified hanzi BIZ UD lacks (请, 办 …):
/// Droid Sans Fallback (Apache 2.0), fetched by a browser only for
/// characters the earlier fonts have no glyph for (visitor.css). Hangul
/// comes from the device's own fonts: Droid has none, and Chromium's font
/// sanitiser refuses Debian's Nanum Gothic (which the kiosk draws with).
const CJK_FONT: &[u8] = include_bytes!("../../../assets/fonts/DroidSansFallbackFull.ttf");

pub(crate) use messages::catalogue;

/// JSON inside `<script type="application/json">`: `</` must not appear.
fn script_json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v)
        .unwrap_or_else(|_| "null".into())
        .replace("</", "<\\/")
}

fn two(c: &Catalogue, id: &str) -> String {
    format!("{} / {}", c.text("ja", id), c.text("en", id))
}

pub fn render_board(app: &OfficeApp, snap: &BoardSnapshot) -> String {
    let c = catalogue();
    let office = localized(&snap.office, "ja");
    let latest = snap.recent_calls.first();
    let short = |id: &str| {
        app.office
            .service(id)
            .map(|s| protocol::short_name(&s.name).to_string())
            .unwrap_or_else(|| id.to_string())
    };
    let state_text = |s: BoothState| match s {
        BoothState::Open => c.text("ja", "booth-open"),
        BoothState::Paused => c.text("ja", "booth-paused"),
        BoothState::Closed => c.text("ja", "booth-closed"),
    };
    let go_to = |lang: &str, label: &protocol::Localized| {
        c.text_with(
            lang,
            "board-go-to",
            &[("booth", Arg::Str(&localized(label, lang)))],
        )
    };
    let names: std::collections::BTreeMap<String, String> = app
        .office
        .services
        .iter()
        .map(|s| (s.id.clone(), short(&s.id)))
        .collect();
    let texts = serde_json::json!({
        "go_to_ja": c.text_with("ja", "board-go-to", &[("booth", Arg::Str("{booth}"))]),
        "go_to_en": c.text_with("en", "board-go-to", &[("booth", Arg::Str("{booth}"))]),
        "no_calls": c.text("ja", "board-no-calls"),
        "no_wait": two(c, "board-wait-none"),
        "wait": c.text_with("ja", "board-wait", &[("minutes", Arg::Str("{minutes}"))]),
        "waiting": c.text_with("ja", "board-waiting", &[("count", Arg::Str("{count}"))]),
        "states": { "open": c.text("ja", "booth-open"), "paused": c.text("ja", "booth-paused"), "closed": c.text("ja", "booth-closed") },
        "names": names,
        "time_zone": app.office.time_zone.name(),
        "office": app.office.id,
    });
    // maud: checked at compile time, every interpolated value escaped.
    let page = html! {
        (DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (office) " — " (c.text("ja", "board-now-calling")) }
                style { (PreEscaped(BOARD_CSS)) }
            }
            body {
                header { h1 #office { (office) } div #clock {} }
                main {
                    section #now .panel {
                        h2 { (two(c, "board-now-calling")) }
                        div #number { (latest.map_or("—", |l| l.number.as_str())) }
                        div #booth {
                            @match latest {
                                Some(l) => { (go_to("ja", &l.booth_label)) br; (go_to("en", &l.booth_label)) }
                                None => { (c.text("ja", "board-no-calls")) }
                            }
                        }
                    }
                    section #history .panel {
                        h2 { (two(c, "board-recent")) }
                        ol #calls {
                            @for l in snap.recent_calls.iter().skip(1) {
                                li { span.n { (l.number) } span { (localized(&l.booth_label, "ja")) } }
                            }
                        }
                    }
                }
                section #services aria-label=(two(c, "board-services")) {
                    @for w in &snap.services {
                        div class={ "card " (w.lamp.as_str()) } {
                            div.name { (short(&w.service)) }
                            div.count { (c.text_with("ja", "board-waiting", &[("count", Arg::Num(i64::from(w.waiting)))])) }
                            div {
                                @if w.waiting == 0 {
                                    (two(c, "board-wait-none"))
                                } @else {
                                    (c.text_with("ja", "board-wait", &[("minutes", Arg::Num(i64::from(w.estimated_wait.minutes)))]))
                                }
                            }
                        }
                    }
                }
                section #booths aria-label=(two(c, "board-booths")) {
                    @for b in &snap.booths {
                        div class={ "booth " (b.state.as_str()) } {
                            b { (localized(&b.label, "ja")) }
                            span { (state_text(b.state)) " " (b.current_number.as_deref().unwrap_or("")) }
                        }
                    }
                }
                p #guidance { (c.text("ja", "board-guidance")) }
                p #status role="status" hidden { (two(c, "board-reconnecting")) }
                script #texts type="application/json" { (PreEscaped(script_json(&texts))) }
                script #snapshot type="application/json" { (PreEscaped(script_json(snap))) }
                script { (PreEscaped(BOARD_JS)) }
            }
        }
    };
    page.into_string()
}

/// `/board/{office}`: that office's board.
pub async fn board(PageOffice(app): PageOffice) -> Html<String> {
    let snap = app.board().await;
    Html(render_board(&app, &snap))
}

/// `/board`: the only office's board, or the list of the city's boards.
pub async fn boards(State(city): State<Arc<App>>) -> Html<String> {
    if let [only] = city.offices() {
        return Html(render_board(only, &only.board().await));
    }
    let c = catalogue();
    let city_name = localized(&city.city.name, "ja");
    let page = html! {
        (DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (city_name) " — " (c.text("ja", "board-now-calling")) }
                style { (PreEscaped(BOARD_CSS)) }
            }
            body {
                header { h1 #office { (city_name) } }
                main {
                    section .panel {
                        h2 { (two(c, "office-choose")) }
                        ul #offices {
                            @for o in city.offices() {
                                li { a href={ "/board/" (o.office.id) } { (localized(&o.office.name, "ja")) " / " (localized(&o.office.name, "en")) } }
                            }
                        }
                    }
                }
            }
        }
    };
    Html(page.into_string())
}

/// The web pages' scripts and styles, embedded: (path, content type, body).
/// `no-cache` so a new server version is picked up at once.
pub const ASSETS: &[(&str, &str, &str)] = &[
    (
        "/staff/console.css",
        "text/css; charset=utf-8",
        include_str!("web/console.css"),
    ),
    (
        "/staff/console.js",
        "text/javascript; charset=utf-8",
        include_str!("web/console.js"),
    ),
    (
        "/visitor/visitor.css",
        "text/css; charset=utf-8",
        include_str!("web/visitor.css"),
    ),
    (
        "/visitor/status.js",
        "text/javascript; charset=utf-8",
        include_str!("web/status.js"),
    ),
    (
        "/visitor/congestion.js",
        "text/javascript; charset=utf-8",
        include_str!("web/congestion.js"),
    ),
];

/// Adds a route for each of `ASSETS`.
pub fn asset_routes(mut router: axum::Router<Arc<App>>) -> axum::Router<Arc<App>> {
    for (path, content_type, body) in ASSETS {
        router = router.route(
            path,
            axum::routing::get(move || async move {
                (
                    [
                        (header::CONTENT_TYPE, *content_type),
                        (header::CACHE_CONTROL, "no-cache"),
                    ],
                    *body,
                )
                    .into_response()
            }),
        );
    }
    router
}

pub async fn font() -> Response {
    font_response(FONT)
}

pub async fn cjk_font() -> Response {
    font_response(CJK_FONT)
}

fn font_response(bytes: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, "font/ttf"),
            (header::CACHE_CONTROL, "public, max-age=604800, immutable"),
        ],
        bytes,
    )
        .into_response()
}

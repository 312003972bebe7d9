//! Web pages. `/board` is the display board for phones and hall TVs: the
//! server renders the current state (readable without JavaScript), a small
//! script keeps it live over SSE. Text comes from the message catalogue.

use std::sync::{Arc, OnceLock};

use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use messages::{Arg, Catalogue};
use protocol::{BoardSnapshot, BoothState, localized};

use crate::app::App;

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

/// The message catalogue, loaded once for every page.
pub(crate) fn catalogue() -> &'static Catalogue {
    static C: OnceLock<Catalogue> = OnceLock::new();
    C.get_or_init(Catalogue::new)
}

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON inside `<script type="application/json">`: `</` must not appear.
fn script_json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v)
        .unwrap_or_else(|_| "null".into())
        .replace("</", "<\\/")
}

fn two(c: &Catalogue, id: &str) -> String {
    format!("{} / {}", c.text("ja", id), c.text("en", id))
}

pub fn render_board(app: &App, snap: &BoardSnapshot) -> String {
    let c = catalogue();
    let office = localized(&snap.office, "ja");
    let latest = snap.recent_calls.first();
    let number = latest.map(|l| esc(&l.number)).unwrap_or_else(|| "—".into());
    let booth = match latest {
        Some(l) => format!(
            "{}<br>{}",
            esc(&c.text_with(
                "ja",
                "board-go-to",
                &[("booth", Arg::Str(&localized(&l.booth_label, "ja")))]
            )),
            esc(&c.text_with(
                "en",
                "board-go-to",
                &[("booth", Arg::Str(&localized(&l.booth_label, "en")))]
            ))
        ),
        None => esc(&c.text("ja", "board-no-calls")),
    };
    let calls: String = snap
        .recent_calls
        .iter()
        .skip(1)
        .map(|l| {
            format!(
                "<li><span class=\"n\">{}</span><span>{}</span></li>",
                esc(&l.number),
                esc(&localized(&l.booth_label, "ja"))
            )
        })
        .collect();
    let short = |id: &str| {
        app.office
            .service(id)
            .map(|s| protocol::short_name(&s.name).to_string())
            .unwrap_or_else(|| id.to_string())
    };
    let services: String = snap
        .services
        .iter()
        .map(|w| {
            let m = w.estimated_wait.minutes;
            let lamp = w.lamp.as_str();
            let wait = if w.waiting == 0 {
                two(c, "board-wait-none")
            } else {
                c.text_with("ja", "board-wait", &[("minutes", Arg::Num(i64::from(m)))])
            };
            format!(
                "<div class=\"card {lamp}\"><div class=\"name\">{}</div><div class=\"count\">{}</div><div>{}</div></div>",
                esc(&short(&w.service)),
                esc(&c.text_with("ja", "board-waiting", &[("count", Arg::Num(i64::from(w.waiting)))])),
                esc(&wait)
            )
        })
        .collect();
    let state_text = |s: BoothState| match s {
        BoothState::Open => c.text("ja", "booth-open"),
        BoothState::Paused => c.text("ja", "booth-paused"),
        BoothState::Closed => c.text("ja", "booth-closed"),
    };
    let booths: String = snap
        .booths
        .iter()
        .map(|b| {
            format!(
                "<div class=\"booth {}\"><b>{}</b><span>{} {}</span></div>",
                b.state.as_str(),
                esc(&localized(&b.label, "ja")),
                esc(&state_text(b.state)),
                esc(b.current_number.as_deref().unwrap_or(""))
            )
        })
        .collect();
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
    });
    format!(
        r#"<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{office} — {title}</title>
<style>{css}</style>
</head>
<body>
<header><h1 id="office">{office}</h1><div id="clock"></div></header>
<main>
<section id="now" class="panel"><h2>{now_calling}</h2><div id="number">{number}</div><div id="booth">{booth}</div></section>
<section id="history" class="panel"><h2>{recent}</h2><ol id="calls">{calls}</ol></section>
</main>
<section id="services" aria-label="{services_label}">{services}</section>
<section id="booths" aria-label="{booths_label}">{booths}</section>
<p id="guidance">{guidance}</p>
<p id="status" role="status" hidden>{reconnecting}</p>
<script id="texts" type="application/json">{texts}</script>
<script id="snapshot" type="application/json">{snapshot}</script>
<script>{js}</script>
</body>
</html>
"#,
        office = esc(&office),
        title = esc(&c.text("ja", "board-now-calling")),
        css = BOARD_CSS,
        now_calling = esc(&two(c, "board-now-calling")),
        recent = esc(&two(c, "board-recent")),
        services_label = esc(&two(c, "board-services")),
        booths_label = esc(&two(c, "board-booths")),
        guidance = esc(&c.text("ja", "board-guidance")),
        reconnecting = esc(&two(c, "board-reconnecting")),
        texts = script_json(&texts),
        snapshot = script_json(snap),
        js = BOARD_JS,
    )
}

pub async fn board(State(app): State<Arc<App>>) -> Html<String> {
    let snap = app.board().await;
    Html(render_board(&app, &snap))
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

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn html_is_escaped() {
        assert_eq!(esc("<script>\"&'"), "&lt;script&gt;&quot;&amp;&#39;");
        assert_eq!(esc("1番窓口"), "1番窓口");
    }
}

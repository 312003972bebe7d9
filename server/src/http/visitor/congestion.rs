//! The congestion page (混雑情報案内, `/congestion`): per procedure the
//! people waiting, the wait now with a three-colour lamp (the colour is
//! also written out), and the usual wait by hour as a bar chart. Readable
//! without script; with it, the figures refresh every minute in place (a
//! meta refresh would move a screen reader's focus: WCAG 2.2.1).

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use messages::Arg;
use protocol::{HourlyWait, localized};
use serde::Deserialize;

use super::{catalogue, page_static};
use crate::app::App;
use crate::http::pages::esc;

#[derive(Debug, Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

/// Bars of the usual wait per opening hour, labelled with their minutes.
fn hour_chart(title: &str, hours: &[HourlyWait]) -> String {
    let max = hours
        .iter()
        .map(|h| h.average_wait)
        .fold(0.0_f64, f64::max)
        .max(10.0);
    let width = 36.0 * hours.len() as f64 + 10.0;
    let mut out = format!(
        r#"<svg role="img" aria-label="{t}" viewBox="0 0 {width} 150" width="{width}" height="150" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title),
    );
    for (i, h) in hours.iter().enumerate() {
        let x = 8.0 + 36.0 * i as f64;
        let bar = 100.0 * h.average_wait / max;
        out.push_str(&format!(
            r##"<rect x="{x}" y="{y:.1}" width="26" height="{bar:.1}" fill="#123a7a"/><text x="{tx}" y="{vy:.1}" font-size="12" text-anchor="middle" fill="#1b2535">{m:.0}</text><text x="{tx}" y="145" font-size="12" text-anchor="middle" fill="#1b2535">{hour}</text>"##,
            y = 125.0 - bar,
            tx = x + 13.0,
            vy = 121.0 - bar,
            m = h.average_wait,
            hour = h.hour,
        ));
    }
    out.push_str("</svg>");
    out
}

pub async fn show(
    State(app): State<Arc<App>>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let c = catalogue();
    let lang = super::language(q.lang.as_deref(), &headers);
    let t = |id: &str| esc(&c.text(lang, id));
    let data = match app.congestion().await {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let mut body = format!(
        r#"<h1>{title}</h1><p class="muted" id="updated">{updated} <a href="?lang={lang}">{refresh}</a></p><div id="congestion">"#,
        refresh = t("cong-refresh"),
        title = t("cong-title"),
        updated = esc(&c.text_with(
            lang,
            "cong-updated",
            &[(
                "time",
                Arg::Str(&data.updated_at.format("%H:%M").to_string())
            )]
        )),
    );
    for s in &data.services {
        let wait = if s.waiting == 0 {
            c.text(lang, "board-wait-none")
        } else {
            c.text_with(
                lang,
                "kiosk-ticket-wait",
                &[
                    ("low", Arg::Num(i64::from(s.estimated_wait.low))),
                    ("high", Arg::Num(i64::from(s.estimated_wait.high))),
                ],
            )
        };
        let name = localized(&s.name, lang);
        body.push_str(&format!(
            r#"<section class="card lamp-{lamp}" data-service="{id}"><h2 class="service">{name}</h2>
<p><span class="lamp" aria-hidden="true"></span><b>{lamp_text}</b>　{waiting}</p><p>{wait}</p>"#,
            lamp = esc(&s.lamp),
            id = esc(&s.service),
            name = esc(name),
            lamp_text = t(&format!("cong-lamp-{}", s.lamp)),
            waiting = esc(&c.text_with(
                lang,
                "board-waiting",
                &[("count", Arg::Num(i64::from(s.waiting)))]
            )),
            wait = esc(&wait),
        ));
        if !s.by_hour.is_empty() {
            let title = c.text_with(
                lang,
                "cong-usual",
                &[("weeks", Arg::Num(i64::from(data.history_weeks)))],
            );
            body.push_str(&format!(
                r#"<h3>{}</h3>{}"#,
                esc(&title),
                hour_chart(&format!("{title} — {name}"), &s.by_hour)
            ));
        }
        body.push_str("</section>");
    }
    body.push_str(&format!(r#"</div><p class="muted">{}</p>"#, t("cong-note")));
    let tail = r#"<script src="/visitor/congestion.js"></script>"#;
    Html(page_static(lang, &c.text(lang, "cong-title"), &body, tail)).into_response()
}

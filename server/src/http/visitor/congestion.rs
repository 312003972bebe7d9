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
use protocol::{HourlyWait, localized_marked};
use serde::Deserialize;

use super::{Refresh, catalogue, page};
use crate::app::App;
use maud::{Markup, html};

#[derive(Debug, Deserialize)]
pub struct LangQuery {
    pub(crate) lang: Option<String>,
}

/// Bars of the usual wait per opening hour, labelled with their minutes.
fn hour_chart(title: &str, hours: &[HourlyWait]) -> Markup {
    let max = hours
        .iter()
        .map(|h| h.average_wait)
        .fold(0.0_f64, f64::max)
        .max(10.0);
    let width = 36.0 * hours.len() as f64 + 10.0;
    html! {
        svg role="img" aria-label=(title) viewBox={ "0 0 " (width) " 150" } width=(width) height="150" xmlns="http://www.w3.org/2000/svg" {
            title { (title) }
            @for (i, h) in hours.iter().enumerate() {
                @let x = 8.0 + 36.0 * i as f64;
                @let bar = 100.0 * h.average_wait / max;
                rect x=(x) y=(format!("{:.1}", 125.0 - bar)) width="26" height=(format!("{bar:.1}")) fill="#123a7a" {}
                text x=(x + 13.0) y=(format!("{:.1}", 121.0 - bar)) font-size="12" text-anchor="middle" fill="#1b2535" { (format!("{:.0}", h.average_wait)) }
                text x=(x + 13.0) y="145" font-size="12" text-anchor="middle" fill="#1b2535" { (h.hour) }
            }
        }
    }
}

pub async fn show(
    State(app): State<Arc<App>>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let c = catalogue();
    let lang = super::language(q.lang.as_deref(), &headers);
    let t = |id: &str| c.marked(lang, id, &[]);
    let data = match app.congestion().await {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let updated = c.marked(
        lang,
        "cong-updated",
        &[(
            "time",
            Arg::Str(&data.updated_at.format("%H:%M").to_string()),
        )],
    );
    let name_of = |id: &str| {
        data.offices
            .iter()
            .find(|o| o.office.id == id)
            .map(|o| localized_marked(&o.office.name, lang).to_string())
            .unwrap_or_default()
    };
    let body = html! {
        h1 { (t("cong-title")) }
        p.muted #updated { (updated) " " a href={ "?lang=" (lang) } { (t("cong-refresh")) } }
        div #congestion {
            @if !data.shortest.is_empty() {
                section.card #shortest {
                    h2 { (t("cong-shortest-title")) }
                    ul.plain {
                        @for s in &data.shortest {
                            li data-service=(s.service) data-office=(s.office) {
                                b { (localized_marked(&s.name, lang)) } "　"
                                (c.marked(lang, "cong-shortest", &[
                                    ("office", Arg::Str(&name_of(&s.office))),
                                    ("minutes", Arg::Num(i64::from(s.estimated_wait.minutes))),
                                ]))
                            }
                        }
                    }
                }
            }
            @for o in &data.offices {
                section.office id={ "office-" (o.office.id) } data-office=(o.office.id) {
                    @if data.offices.len() > 1 {
                        h2.office-name { (localized_marked(&o.office.name, lang)) }
                        p.muted { (super::office_line(&o.office, lang)) }
                    }
                    (office_services(lang, &o.congestion))
                }
            }
        }
        p.muted { (t("cong-note")) }
    };
    let tail = html! { script src="/visitor/congestion.js" {} };
    Html(page(lang, &t("cong-title"), body, tail, Refresh::Never).into_string()).into_response()
}

/// One office's procedures: people waiting, the wait now with its lamp,
/// and the usual wait by hour.
fn office_services(lang: &str, data: &protocol::Congestion) -> Markup {
    let c = catalogue();
    let t = |id: &str| c.marked(lang, id, &[]);
    html! {
        @for s in &data.services {
            @let name = localized_marked(&s.name, lang);
            @let wait = if s.waiting == 0 {
                c.marked(lang, "board-wait-none", &[])
            } else {
                c.marked(
                    lang,
                    "kiosk-ticket-wait",
                    &[
                        ("low", Arg::Num(i64::from(s.estimated_wait.low))),
                        ("high", Arg::Num(i64::from(s.estimated_wait.high))),
                    ],
                )
            };
            section class={ "card lamp-" (s.lamp) } data-service=(s.service) {
                h3.service { (name) }
                p {
                    span.lamp aria-hidden="true" {}
                    b { (t(&format!("cong-lamp-{}", s.lamp))) }
                    "　" (c.marked(lang, "board-waiting", &[("count", Arg::Num(i64::from(s.waiting)))]))
                }
                p { (wait) }
                @if !s.by_hour.is_empty() {
                    @let title = c.marked(
                        lang,
                        "cong-usual",
                        &[("weeks", Arg::Num(i64::from(data.history_weeks)))],
                    );
                    h4 { (title) }
                    (hour_chart(&format!("{title} — {name}"), &s.by_hour))
                }
            }
        }
    }
}

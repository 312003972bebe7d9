//! The phone status page (`/t/{status_token}`), reached from the ticket's
//! QR code: number, state, people ahead, the wait as a range, and where to
//! go once called. Live over SSE; without JavaScript it reloads itself.

use std::sync::Arc;

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use messages::{Arg, Catalogue};

use super::{catalogue, page};
use protocol::{TicketState, TicketStatus, localized};
use serde::Deserialize;

use crate::app::App;
use crate::http::pages::esc;

#[derive(Debug, Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
    /// The outcome of the e-mail form (`ok`, `bad-email`, `finished`).
    notify: Option<String>,
}

/// People-ahead choices offered by the e-mail form.
const AHEAD_CHOICES: [u32; 5] = [1, 2, 3, 5, 10];

/// The headline and the line under it for a state.
pub fn headline(c: &Catalogue, lang: &str, s: &TicketStatus) -> (String, String) {
    match s.state {
        TicketState::Waiting => {
            let detail = match &s.estimated_wait {
                Some(w) if s.people_ahead > 0 => format!(
                    "{}　{}",
                    c.text_with(
                        lang,
                        "status-ahead",
                        &[("count", Arg::Num(i64::from(s.people_ahead)))]
                    ),
                    c.text_with(
                        lang,
                        "status-wait",
                        &[
                            ("low", Arg::Num(i64::from(w.low))),
                            ("high", Arg::Num(i64::from(w.high)))
                        ]
                    )
                ),
                _ => c.text(lang, "status-next"),
            };
            (c.text(lang, "status-waiting"), detail)
        }
        TicketState::Called => {
            let booth = s
                .booth_label
                .as_ref()
                .map(|l| localized(l, lang))
                .unwrap_or("");
            (
                c.text(lang, "status-called"),
                c.text_with(lang, "status-go", &[("booth", Arg::Str(booth))]),
            )
        }
        TicketState::Serving => (c.text(lang, "status-serving"), String::new()),
        TicketState::Done => (c.text(lang, "status-done"), String::new()),
        TicketState::NoShow => (
            c.text(lang, "status-no-show"),
            c.text(lang, "kiosk-ask-staff"),
        ),
        TicketState::Cancelled => (c.text(lang, "status-cancelled"), String::new()),
    }
}

fn live_script(token: &str, lang: &str) -> String {
    format!(
        r#"<script id="status-texts" type="application/json">{texts}</script><script src="/visitor/status.js" data-token="{token}"></script>"#,
        token = esc(token),
        texts = status_texts(lang).replace("</", "<\\/"),
    )
}

fn status_texts(lang: &str) -> String {
    let c = catalogue();
    let mut m = serde_json::Map::new();
    for id in [
        "status-waiting",
        "status-next",
        "status-called",
        "status-serving",
        "status-done",
        "status-no-show",
        "status-cancelled",
        "kiosk-ask-staff",
        "status-offline",
    ] {
        m.insert(id.into(), c.text(lang, id).into());
    }
    m.insert(
        "status-ahead".into(),
        c.text_with(lang, "status-ahead", &[("count", Arg::Str("{count}"))])
            .into(),
    );
    m.insert(
        "status-wait".into(),
        c.text_with(
            lang,
            "status-wait",
            &[("low", Arg::Str("{low}")), ("high", Arg::Str("{high}"))],
        )
        .into(),
    );
    m.insert(
        "status-go".into(),
        c.text_with(lang, "status-go", &[("booth", Arg::Str("{booth}"))])
            .into(),
    );
    m.insert("lang".into(), lang.into());
    serde_json::Value::Object(m).to_string()
}

pub async fn show(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let c = catalogue();
    let lang = super::language(q.lang.as_deref(), &headers);
    let status = match app.ticket_status(&token).await {
        Ok(s) => s,
        Err(e) if e.status() == StatusCode::NOT_FOUND => {
            let body = format!(
                r#"<section class="card"><h1>{}</h1><p>{}</p></section>"#,
                esc(&c.text(lang, "status-unknown")),
                esc(&c.text(lang, "kiosk-ask-staff"))
            );
            return (
                StatusCode::NOT_FOUND,
                Html(page(lang, &c.text(lang, "status-unknown"), &body, "")),
            )
                .into_response();
        }
        Err(e) => return e.into_response(),
    };
    let (head, detail) = headline(c, lang, &status);
    let procedures: String = status
        .services
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let name = app
                .office
                .service(id)
                .map(|s| localized(&s.name, lang).to_string())
                .unwrap_or_else(|| id.clone());
            let now = if i == status.step {
                r#" class="now""#
            } else {
                ""
            };
            format!("<li{now}>{}</li>", esc(&name))
        })
        .collect();
    let mut body = format!(
        r#"<section class="card state-{state}" id="status" aria-live="polite">
<p class="label">{your_number}</p>
<p class="number" id="number">{number}</p>
<p class="headline" id="headline">{head}</p>
<p class="detail" id="detail">{detail}</p>
</section>
<section class="card">
<h2>{place_label}</h2>
<p id="place">{place}</p>
<h2>{procedures_label}</h2>
<ol id="procedures">{procedures}</ol>
</section>
<p class="muted" id="live">{live}</p>
<p class="offline" id="offline" role="status" hidden></p>"#,
        state = status.state.as_str(),
        your_number = esc(&c.text(lang, "kiosk-ticket-your-number")),
        number = esc(&status.number),
        head = esc(&head),
        detail = esc(&detail),
        place_label = esc(&c.text(lang, "status-place")),
        place = esc(localized(&status.location, lang)),
        procedures_label = esc(&c.text(lang, "kiosk-ticket-procedures")),
        live = esc(&c.text(lang, "status-live")),
    );
    if status.state == TicketState::Waiting {
        let registered = app.registration_for(&token).await;
        body.push_str(&notify_form(
            &app,
            lang,
            &token,
            registered.as_ref(),
            q.notify.as_deref(),
        ));
    }
    let title = format!("{} {}", status.number, head);
    let tail = format!(
        r#"<noscript><p class="muted">{}</p></noscript>{}"#,
        esc(&c.text(lang, "status-reload")),
        live_script(&token, lang)
    );
    Html(page(lang, &title, &body, &tail)).into_response()
}

/// "E-mail me when my turn is near": works without JavaScript (a form post
/// and a redirect back here).
fn notify_form(
    app: &App,
    lang: &str,
    token: &str,
    registered: Option<&crate::storage::Registration>,
    outcome: Option<&str>,
) -> String {
    let c = catalogue();
    let t = |id: &str| esc(&c.text(lang, id));
    let chosen = registered.map_or(app.office.mail.notify_ahead, |r| r.ahead);
    let mut out = format!(
        r#"<section class="card" id="notify"><h2>{}</h2>"#,
        t("notify-title")
    );
    match (registered, outcome) {
        (_, Some("bad-email")) => out.push_str(&format!(
            r#"<p class="error" role="alert">{}</p>"#,
            t("notify-bad-email")
        )),
        (_, Some("finished")) => out.push_str(&format!(
            r#"<p class="error" role="alert">{}</p>"#,
            t("notify-finished")
        )),
        (Some(r), _) => out.push_str(&format!(
            r#"<p class="banner" role="status" id="notify-done">{}</p>"#,
            esc(&c.text_with(
                lang,
                "notify-done",
                &[
                    ("count", Arg::Num(i64::from(r.ahead))),
                    ("email", Arg::Str(&masked(&r.email))),
                ]
            ))
        )),
        _ => {}
    }
    let options: String = AHEAD_CHOICES
        .iter()
        .map(|n| {
            format!(
                r#"<option value="{n}"{sel}>{label}</option>"#,
                sel = if *n == chosen { " selected" } else { "" },
                label = esc(&c.text_with(
                    lang,
                    "notify-ahead-option",
                    &[("count", Arg::Num(i64::from(*n)))]
                )),
            )
        })
        .collect();
    out.push_str(&format!(
        r#"<form method="post" action="/t/{tok}/notify" class="stack">
<input type="hidden" name="lang" value="{lang}">
<label for="notify-email">{email}</label>
<input id="notify-email" name="email" type="email" autocomplete="email" inputmode="email" required maxlength="254">
<label for="notify-ahead">{ahead}</label>
<select id="notify-ahead" name="ahead">{options}</select>
<button type="submit" class="primary">{submit}</button>
</form></section>"#,
        tok = esc(token),
        email = t("notify-email"),
        ahead = t("notify-ahead"),
        submit = t("notify-submit"),
    ));
    out
}

/// `hanako@example.jp` → `ha***@example.jp`: enough to recognise, not to
/// read off the screen of a phone left on a bench.
fn masked(email: &str) -> String {
    match email.split_once('@') {
        Some((user, host)) => {
            let head: String = user.chars().take(2).collect();
            format!("{head}***@{host}")
        }
        None => "***".into(),
    }
}

/// The e-mail form's post: registers, then back to the status page.
pub async fn notify(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = match form.get("lang").map(String::as_str) {
        Some("en") => "en",
        _ => "ja",
    };
    // Only a well-formed token goes back into the redirect's address.
    if !crate::tokens::looks_like_token(&token) {
        return crate::error::Error::not_found("unknown_ticket", "no ticket has this status code")
            .into_response();
    }
    let req = protocol::NotifyRequest {
        email: form.get("email").cloned().unwrap_or_default(),
        ahead: form.get("ahead").and_then(|a| a.parse().ok()),
        lang: Some(lang.to_string()),
    };
    let outcome = match app.register_notification(&token, &req).await {
        Ok(_) => "ok",
        Err(e) if e.code() == "invalid_email" || e.code() == "invalid_ahead" => "bad-email",
        Err(e) if e.code() == "ticket_finished" => "finished",
        Err(e) => return e.into_response(),
    };
    let back = format!("/t/{}?lang={lang}&notify={outcome}#notify", token);
    Redirect::to(&back).into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn addresses_are_masked_on_screen() {
        assert_eq!(super::masked("hanako@example.jp"), "ha***@example.jp");
        assert_eq!(super::masked("h@example.jp"), "h***@example.jp");
        assert_eq!(super::masked("nonsense"), "***");
    }
}

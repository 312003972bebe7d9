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

use super::{Refresh, catalogue, page, script_json, static_page};
use protocol::{ErrorCode, TicketState, TicketStatus, localized_marked};
use serde::Deserialize;

use crate::app::{App, OfficeApp};
use crate::http::extract::SameOrigin;
use maud::{Markup, html};

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
                    c.marked(
                        lang,
                        "status-ahead",
                        &[("count", Arg::Num(i64::from(s.people_ahead)))]
                    ),
                    c.marked(
                        lang,
                        "status-wait",
                        &[
                            ("low", Arg::Num(i64::from(w.low))),
                            ("high", Arg::Num(i64::from(w.high)))
                        ]
                    )
                ),
                _ => c.marked(lang, "status-next", &[]),
            };
            (c.marked(lang, "status-waiting", &[]), detail)
        }
        TicketState::Called => {
            let booth = s
                .booth_label
                .as_ref()
                .map(|l| localized_marked(l, lang))
                .unwrap_or_default();
            (
                c.marked(lang, "status-called", &[]),
                c.marked(lang, "status-go", &[("booth", Arg::Str(booth))]),
            )
        }
        TicketState::Serving => (c.marked(lang, "status-serving", &[]), String::new()),
        TicketState::Done => (c.marked(lang, "status-done", &[]), String::new()),
        TicketState::NoShow => (
            c.marked(lang, "status-no-show", &[]),
            c.marked(lang, "kiosk-ask-staff", &[]),
        ),
        TicketState::Cancelled => (c.marked(lang, "status-cancelled", &[]), String::new()),
        TicketState::Expired => (c.marked(lang, "status-expired", &[]), String::new()),
    }
}

fn live_script(office: &str, token: &str, lang: &str) -> Markup {
    html! {
        (script_json("status-texts", &status_texts(lang)))
        script src="/visitor/status.js" data-token=(token) data-office=(office) {}
    }
}

/// A count no text contains, replaced by `{count}` for the page script.
const PLACEHOLDER: i64 = 987_654_321;

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
        "status-expired",
        "kiosk-ask-staff",
        "status-offline",
    ] {
        m.insert(id.into(), c.marked(lang, id, &[]).into());
    }
    // Plural forms are chosen by the catalogue: one person ahead has its
    // own text; for more, a number stands in for the placeholder (a
    // string argument would always pick the plural).
    m.insert(
        "status-ahead-1".into(),
        c.marked(lang, "status-ahead", &[("count", Arg::Num(1))])
            .into(),
    );
    m.insert(
        "status-ahead".into(),
        c.marked(lang, "status-ahead", &[("count", Arg::Num(PLACEHOLDER))])
            .replace(&PLACEHOLDER.to_string(), "{count}")
            .into(),
    );
    m.insert(
        "status-wait".into(),
        c.marked(
            lang,
            "status-wait",
            &[("low", Arg::Str("{low}")), ("high", Arg::Str("{high}"))],
        )
        .into(),
    );
    m.insert(
        "status-go".into(),
        c.marked(lang, "status-go", &[("booth", Arg::Str("{booth}"))])
            .into(),
    );
    m.insert("lang".into(), lang.into());
    serde_json::Value::Object(m).to_string()
}

pub async fn show(
    State(city): State<Arc<App>>,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let c = catalogue();
    // Status links carry no office: the ticket's is looked up.
    let (app, status) = match city.office_of_ticket(&token).await {
        Ok(o) => (o.clone(), o.ticket_status(&token).await),
        Err(e) => (city.first_office().clone(), Err(e)),
    };
    let chosen = status.as_ref().ok().and_then(|s| s.language.as_deref());
    let lang = super::chosen_language(q.lang.as_deref(), chosen, &headers);
    let t = |id: &str| c.marked(lang, id, &[]);
    let status = match status {
        Ok(s) => s,
        Err(e) if e.status() == StatusCode::NOT_FOUND => {
            let body = html! {
                section.card {
                    h1 { (t("status-unknown")) }
                    p { (t("kiosk-ask-staff")) }
                }
            };
            return static_page(StatusCode::NOT_FOUND, lang, &t("status-unknown"), body);
        }
        Err(e) => return e.into_response(),
    };
    let (head, detail) = headline(c, lang, &status);
    let name_of = |id: &str| {
        app.office
            .service(id)
            .map(|s| localized_marked(&s.name, lang).to_string())
            .unwrap_or_else(|| id.to_string())
    };
    let notify = if status.state == TicketState::Waiting {
        let registered = app.registration_for(&token).await;
        Some(notify_form(
            &app,
            lang,
            &token,
            registered.as_ref(),
            q.notify.as_deref(),
        ))
    } else {
        None
    };
    let body = html! {
        section class={ "card state-" (status.state.as_str()) } #status aria-live="polite" {
            p.label { (t("kiosk-ticket-your-number")) }
            p.number #number { (status.number) }
            p.headline #headline { (head) }
            p.detail #detail { (detail) }
        }
        section.card {
            h2 { (t("status-place")) }
            p #office { b { (localized_marked(&app.office.name, lang)) } br; (localized_marked(&app.office.address, lang)) }
            p #place { (localized_marked(&status.location, lang)) }
            h2 { (t("kiosk-ticket-procedures")) }
            ol #procedures {
                @for (i, id) in status.services.iter().enumerate() {
                    li class=[(i == status.step).then_some("now")] { (name_of(id)) }
                }
            }
        }
        p.muted #live { (t("status-live")) }
        p.offline #offline role="status" hidden {}
        @if let Some(form) = notify { (form) }
    };
    let title = format!("{} {}", status.number, head);
    let tail = html! {
        noscript { p.muted { (t("status-reload")) } }
        (live_script(&app.office.id, &token, lang))
    };
    Html(page(lang, &title, body, tail, Refresh::ReloadWithoutScript).into_string()).into_response()
}

/// "E-mail me when my turn is near": works without JavaScript (a form post
/// and a redirect back here).
fn notify_form(
    app: &OfficeApp,
    lang: &str,
    token: &str,
    registered: Option<&crate::storage::Registration>,
    outcome: Option<&str>,
) -> Markup {
    let c = catalogue();
    let t = |id: &str| c.marked(lang, id, &[]);
    let chosen = registered.map_or(app.office.mail.notify_ahead, |r| r.ahead);
    html! {
        section.card #notify {
            h2 { (t("notify-title")) }
            @match (registered, outcome) {
                (_, Some("bad-email")) => p.error role="alert" { (t("notify-bad-email")) },
                (_, Some("finished")) => p.error role="alert" { (t("notify-finished")) },
                (Some(r), _) => p.banner role="status" #notify-done {
                    (c.marked(
                        lang,
                        "notify-done",
                        &[
                            ("count", Arg::Num(i64::from(r.ahead))),
                            ("email", Arg::Str(&masked(&r.email))),
                        ],
                    ))
                },
                _ => {}
            }
            form.stack method="post" action={ "/t/" (token) "/notify" } {
                input type="hidden" name="lang" value=(lang);
                label for="notify-email" { (t("notify-email")) }
                input #notify-email name="email" type="email" autocomplete="email" inputmode="email" required maxlength="254";
                label for="notify-ahead" { (t("notify-ahead")) }
                select #notify-ahead name="ahead" {
                    @for n in AHEAD_CHOICES {
                        option value=(n) selected[n == chosen] {
                            (c.marked(lang, "notify-ahead-option", &[("count", Arg::Num(i64::from(n)))]))
                        }
                    }
                }
                button.primary type="submit" { (t("notify-submit")) }
            }
        }
    }
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
    _: SameOrigin,
    State(city): State<Arc<App>>,
    Path(token): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = form
        .get("lang")
        .and_then(|l| messages::language::parse(l))
        .unwrap_or("ja");
    // Only a well-formed token goes back into the redirect's address.
    if !crate::tokens::looks_like_token(&token) {
        return crate::error::Error::not_found(
            ErrorCode::UnknownTicket,
            "no ticket has this status code",
        )
        .into_response();
    }
    let req = protocol::NotifyRequest {
        email: form.get("email").cloned().unwrap_or_default(),
        ahead: form.get("ahead").and_then(|a| a.parse().ok()),
        lang: Some(lang.to_string()),
    };
    let registered = match city.office_of_ticket(&token).await {
        Ok(o) => o.register_notification(&token, &req).await,
        Err(e) => Err(e),
    };
    let outcome = match registered {
        Ok(_) => "ok",
        Err(e) if e.code() == ErrorCode::InvalidEmail || e.code() == ErrorCode::InvalidAhead => {
            "bad-email"
        }
        Err(e) if e.code() == ErrorCode::TicketFinished => "finished",
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

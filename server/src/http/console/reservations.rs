//! Reservations page: a day's bookings per procedure (filled by console.js
//! from the staff API), with check-in by hand, cancel and move with a reason.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use messages::Arg;
use protocol::localized;
use serde::Deserialize;

use super::{Shell, StaffPage, catalogue, render};
use crate::app::App;
use crate::http::pages::esc;

#[derive(Debug, Deserialize)]
pub struct DayQuery {
    date: Option<String>,
}

pub async fn page(
    State(app): State<Arc<App>>,
    Query(q): Query<DayQuery>,
    page: StaffPage,
) -> Response {
    let c = catalogue();
    let lang = page.lang;
    let t = |id: &str| esc(&c.text(lang, id));
    let today = app.today();
    let date = q
        .date
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or(today);
    let prev = date.pred_opt().unwrap_or(date);
    let next = date.succ_opt().unwrap_or(date);
    let body = format!(
        r#"<form method="get" action="/staff/reservations" class="card row" id="day-form">
<a id="prev-day" href="/staff/reservations?date={prev}">◀ {prev_label}</a>
<label for="date">{date_label}</label>
<input type="date" id="date" name="date" value="{date}">
<button type="submit">{show}</button>
<a id="next-day" href="/staff/reservations?date={next}">{next_label} ▶</a>
<a href="/staff/reservations?date={today}">{today_label}</a>
</form>
<div id="reservations" aria-live="polite"></div>"#,
        prev_label = t("res-prev-day"),
        next_label = t("res-next-day"),
        today_label = t("res-today"),
        date_label = t("stats-date"),
        show = t("stats-show"),
    );
    let mut texts = serde_json::Map::new();
    for key in [
        "time",
        "number",
        "name",
        "contact",
        "state",
        "ticket",
        "reason",
        "checkin",
        "change",
        "cancel",
        "move",
        "move-to",
        "none",
        "state-booked",
        "state-cancelled",
        "state-checked_in",
        "state-completed",
        "state-no_show",
    ] {
        texts.insert(key.into(), c.text(lang, &format!("res-{key}")).into());
    }
    texts.insert(
        "checked-in".into(),
        c.text_with(lang, "res-checked-in", &[("number", Arg::Str("{number}"))])
            .into(),
    );
    texts.insert(
        "error".into(),
        c.text_with(lang, "console-error", &[("reason", Arg::Str("{reason}"))])
            .into(),
    );
    let names: serde_json::Map<String, serde_json::Value> = app
        .office
        .services
        .iter()
        .filter(|s| app.office.slot_templates.iter().any(|t| t.service == s.id))
        .map(|s| (s.id.clone(), localized(&s.name, lang).into()))
        .collect();
    texts.insert("names".into(), names.into());
    let html = render(
        &app,
        Shell {
            lang,
            title: format!("{} {date}", c.text(lang, "console-reservations")),
            page: "reservations",
            session: Some(&page.session),
            data: format!(r#" data-date="{date}" data-today="{today}""#),
            body,
            texts: texts.into(),
        },
    );
    Html(html).into_response()
}

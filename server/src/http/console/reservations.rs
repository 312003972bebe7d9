//! Reservations page: a day's bookings per procedure (filled by console.js
//! from the staff API), with check-in by hand, cancel and move with a reason.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use messages::Arg;
use protocol::localized;
use serde::Deserialize;

use super::{BodyData, Shell, StaffPage, catalogue, render};
use crate::app::App;
use maud::html;

#[derive(Debug, Deserialize)]
pub struct DayQuery {
    date: Option<String>,
}

pub async fn page(
    State(city): State<Arc<App>>,
    Path(office): Path<String>,
    Query(q): Query<DayQuery>,
    page: StaffPage,
) -> Response {
    let app = match super::office_page(&city, &page, &office) {
        Ok(app) => app,
        Err(refused) => return *refused,
    };
    let c = catalogue();
    let lang = page.lang;
    let t = |id: &str| c.text(lang, id);
    let today = app.today();
    let date = q
        .date
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or(today);
    let prev = date.pred_opt().unwrap_or(date);
    let next = date.succ_opt().unwrap_or(date);
    let body = html! {
        form #day-form .card.row method="get" action={ "/staff/" (app.office.id) "/reservations" } {
            a #prev-day href={ "/staff/" (app.office.id) "/reservations?date=" (prev) } { "◀ " (t("res-prev-day")) }
            label for="date" { (t("stats-date")) }
            input #date type="date" name="date" value=(date);
            button type="submit" { (t("stats-show")) }
            a #next-day href={ "/staff/" (app.office.id) "/reservations?date=" (next) } { (t("res-next-day")) " ▶" }
            a href={ "/staff/" (app.office.id) "/reservations?date=" (today) } { (t("res-today")) }
        }
        div #reservations aria-live="polite" {}
    };
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
        &city,
        Some(&app.office),
        Shell {
            lang,
            title: format!("{} {date}", c.text(lang, "console-reservations")),
            page: "reservations",
            session: Some(&page.session),
            data: BodyData {
                office: Some(app.office.id.clone()),
                date: Some(date.to_string()),
                today: Some(today.to_string()),
                ..BodyData::default()
            },
            body,
            texts: texts.into(),
        },
    );
    Html(html).into_response()
}

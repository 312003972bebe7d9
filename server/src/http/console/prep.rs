//! Department prep page (事前準備): a day's おくやみ visits and, for each,
//! the procedures that concern the chosen department with the family's
//! answers, so forms can be prepared before they arrive. Server-rendered
//! and printable.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use protocol::localized;
use serde::Deserialize;

use super::{BodyData, Shell, StaffPage, catalogue, render};
use crate::app::accounts::sees_details_of;
use crate::app::{App, OfficeApp};
use maud::html;

#[derive(Debug, Deserialize)]
pub struct PrepQuery {
    date: Option<String>,
    department: Option<String>,
}

fn answer_text(
    app: &OfficeApp,
    lang: &str,
    id: &str,
    value: &serde_json::Value,
) -> (String, String) {
    let q = app.office.questionnaire.question(id);
    let question = q
        .map(|q| localized(&q.text, lang).to_string())
        .unwrap_or_else(|| id.to_string());
    let c = catalogue();
    let answer = match value {
        serde_json::Value::Bool(true) => c.text(lang, "prep-yes"),
        serde_json::Value::Bool(false) => c.text(lang, "prep-no"),
        serde_json::Value::String(s) => q
            .and_then(|q| q.choices.iter().find(|ch| &ch.id == s))
            .map(|ch| localized(&ch.text, lang).to_string())
            .unwrap_or_else(|| s.clone()),
        other => other.to_string(),
    };
    (question, answer)
}

pub async fn page(
    State(city): State<Arc<App>>,
    Path(office): Path<String>,
    Query(q): Query<PrepQuery>,
    page: StaffPage,
) -> Response {
    let app = match super::office_page(&city, &page, &office) {
        Ok(app) => app,
        Err(refused) => return *refused,
    };
    let c = catalogue();
    let lang = page.lang;
    let t = |id: &str| c.text(lang, id);
    let date = q
        .date
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| app.today());
    let department = q.department.as_deref().filter(|d| !d.is_empty());
    let (status, list) = match app.prep(date, department).await {
        Ok(list) => (StatusCode::OK, list),
        Err(_) => match app.prep(date, None).await {
            // An unknown department: show everything, and say so.
            Ok(list) => (StatusCode::BAD_REQUEST, list),
            Err(e) => return e.into_response(),
        },
    };
    // In the questionnaire's order, then anything it no longer asks.
    let order = &app.office.questionnaire.questions;
    let answers_in_order = |answers: &serde_json::Map<String, serde_json::Value>| {
        let mut keys: Vec<&String> = answers.keys().collect();
        keys.sort_by_key(|k| order.iter().position(|q| &q.id == *k).unwrap_or(usize::MAX));
        keys.into_iter()
            .map(|id| answer_text(&app, lang, id, &answers[id]))
            .collect::<Vec<_>>()
    };
    let body = html! {
        form #prep-form .card.row method="get" action={ "/staff/" (app.office.id) "/prep" } {
            label for="date" { (t("stats-date")) }
            input #date type="date" name="date" value=(date);
            label for="department" { (t("admin-department")) }
            select #department name="department" {
                option value="" { (t("prep-all")) }
                @for d in &list.departments {
                    option value=(d) selected[department == Some(d.as_str())] { (d) }
                }
            }
            button type="submit" { (t("stats-show")) }
            button type="button" onclick="window.print()" { (t("prep-print")) }
            // The department's pre-filled forms for the day, for its clerks.
        }
        // The department's pre-filled forms for the day, for its clerks
        // (a GET form: the browser encodes the department's name).
        @if let Some(d) = department.filter(|d| sees_details_of(&page.session.departments, d)) {
            form #print-forms .card.row method="get" target="_blank" action={ "/api/v1/offices/" (app.office.id) "/staff/forms" } {
                input type="hidden" name="date" value=(date);
                input type="hidden" name="department" value=(d);
                button type="submit" { (t("prep-forms-day")) }
            }
        }
        @if status == StatusCode::BAD_REQUEST {
            p.error role="alert" { (t("prep-unknown-department")) }
        }
        div #prep {
            @if list.items.is_empty() {
                p.card.muted { (t("prep-none")) }
            }
            @for item in &list.items {
                @let r = &item.reservation;
                section.card.prep-item data-reservation=(r.id) {
                    h2 { (r.start.format("%H:%M")) " " (r.name.as_deref().unwrap_or("—")) }
                    p.muted { (c.text(lang, &format!("res-state-{}", r.state.as_str()))) }
                    p.row {
                        @if item.procedures.iter().any(|p| sees_details_of(&page.session.departments, &p.department)) {
                            a.button.print-family-forms href={ "/api/v1/offices/" (app.office.id) "/staff/reservations/" (r.id) "/forms" } target="_blank" {
                                (t("prep-forms-family"))
                            }
                        }
                        a.button.print-summary href={ "/api/v1/offices/" (app.office.id) "/staff/reservations/" (r.id) "/summary.pdf" } target="_blank" {
                            (t("prep-summary"))
                        }
                    }
                    table {
                        thead {
                            tr {
                                th scope="col" { (t("prep-procedure")) }
                                th scope="col" { (t("admin-department")) }
                                th scope="col" { (t("prep-what")) }
                                th scope="col" { (t("prep-how")) }
                                th scope="col" { (t("prep-deadline")) }
                            }
                        }
                        tbody {
                            @for p in &item.procedures {
                                tr {
                                    td {
                                        (localized(&p.title, lang))
                                        @if p.at_original_department {
                                            " " span.tag.priority { (t("prep-at-department")) }
                                        }
                                    }
                                    td { (p.department) div.muted { (localized(&p.place, lang)) } }
                                    td { (localized(&p.what, lang)) }
                                    td { (localized(&p.how, lang)) }
                                    td { (p.deadline.as_ref().map_or("—".to_string(), |d| localized(d, lang))) }
                                }
                            }
                        }
                    }
                    @if let Some(answers) = &r.answers {
                        h3 { (t("console-answers")) }
                        dl.answers {
                            @for (question, answer) in answers_in_order(answers) {
                                dt { (question) }
                                dd { (answer) }
                            }
                        }
                    }
                }
            }
        }
    };
    let title = match department {
        Some(d) if status == StatusCode::OK => {
            format!("{} {date} {d}", c.text(lang, "console-prep"))
        }
        _ => format!("{} {date}", c.text(lang, "console-prep")),
    };
    let html = render(
        &city,
        Some(&app.office),
        Shell {
            lang,
            title,
            page: "prep",
            session: Some(&page.session),
            data: BodyData {
                office: Some(app.office.id.clone()),
                ..BodyData::default()
            },
            body,
            texts: serde_json::json!({}),
        },
    );
    (status, Html(html)).into_response()
}

//! Department prep page (事前準備): a day's おくやみ visits and, for each,
//! the procedures that concern the chosen department with the family's
//! answers, so forms can be prepared before they arrive. Server-rendered
//! and printable.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use protocol::localized;
use serde::Deserialize;

use super::{Shell, StaffPage, catalogue, render};
use crate::app::App;
use crate::http::pages::esc;

#[derive(Debug, Deserialize)]
pub struct PrepQuery {
    date: Option<String>,
    department: Option<String>,
}

fn answer_text(app: &App, lang: &str, id: &str, value: &serde_json::Value) -> (String, String) {
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
    State(app): State<Arc<App>>,
    Query(q): Query<PrepQuery>,
    page: StaffPage,
) -> Response {
    let c = catalogue();
    let lang = page.lang;
    let t = |id: &str| esc(&c.text(lang, id));
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
    let options: String =
        std::iter::once(format!(r#"<option value="">{}</option>"#, t("prep-all")))
            .chain(list.departments.iter().map(|d| {
                let selected = if department == Some(d.as_str()) {
                    " selected"
                } else {
                    ""
                };
                format!(r#"<option value="{v}"{selected}>{v}</option>"#, v = esc(d))
            }))
            .collect();
    let mut body = format!(
        r#"<form method="get" action="/staff/prep" class="card row" id="prep-form">
<label for="date">{date_label}</label><input type="date" id="date" name="date" value="{date}">
<label for="department">{dept_label}</label><select id="department" name="department">{options}</select>
<button type="submit">{show}</button>
<button type="button" onclick="window.print()">{print}</button>
</form>"#,
        date_label = t("stats-date"),
        dept_label = t("admin-department"),
        show = t("stats-show"),
        print = t("prep-print"),
    );
    if status == StatusCode::BAD_REQUEST {
        body.push_str(&format!(
            r#"<p class="error" role="alert">{}</p>"#,
            t("prep-unknown-department")
        ));
    }
    body.push_str(r#"<div id="prep">"#);
    if list.items.is_empty() {
        body.push_str(&format!(r#"<p class="card muted">{}</p>"#, t("prep-none")));
    }
    for item in &list.items {
        let r = &item.reservation;
        body.push_str(&format!(
            r#"<section class="card prep-item" data-reservation="{id}"><h2>{time} {name}</h2><p class="muted">{state}</p>"#,
            id = r.id,
            time = r.start.format("%H:%M"),
            name = esc(r.name.as_deref().unwrap_or("—")),
            state = esc(&c.text(lang, &format!("res-state-{}", r.state.as_str()))),
        ));
        body.push_str(&format!(
            r#"<table><thead><tr><th scope="col">{p}</th><th scope="col">{dept}</th><th scope="col">{what}</th><th scope="col">{how}</th><th scope="col">{deadline}</th></tr></thead><tbody>"#,
            p = t("prep-procedure"),
            dept = t("admin-department"),
            what = t("prep-what"),
            how = t("prep-how"),
            deadline = t("prep-deadline"),
        ));
        for p in &item.procedures {
            let mark = if p.at_original_department {
                format!(
                    r#" <span class="tag priority">{}</span>"#,
                    t("prep-at-department")
                )
            } else {
                String::new()
            };
            body.push_str(&format!(
                "<tr><td>{}{mark}</td><td>{}<div class=\"muted\">{}</div></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&localized(&p.title, lang)),
                esc(&p.department),
                esc(&localized(&p.place, lang)),
                esc(&localized(&p.what, lang)),
                esc(&localized(&p.how, lang)),
                esc(&p.deadline.as_ref().map_or("—".to_string(), |d| localized(d, lang))),
            ));
        }
        body.push_str("</tbody></table>");
        if let Some(answers) = &r.answers {
            body.push_str(&format!(
                r#"<h3>{}</h3><dl class="answers">"#,
                t("console-answers")
            ));
            // In the questionnaire's order, then anything it no longer asks.
            let order = &app.office.questionnaire.questions;
            let mut keys: Vec<&String> = answers.keys().collect();
            keys.sort_by_key(|k| order.iter().position(|q| &q.id == *k).unwrap_or(usize::MAX));
            for id in keys {
                let v = &answers[id];
                let (question, answer) = answer_text(&app, lang, id, v);
                body.push_str(&format!(
                    "<dt>{}</dt><dd>{}</dd>",
                    esc(&question),
                    esc(&answer)
                ));
            }
            body.push_str("</dl>");
        }
        body.push_str("</section>");
    }
    body.push_str("</div>");
    let title = match department {
        Some(d) if status == StatusCode::OK => {
            format!("{} {date} {d}", c.text(lang, "console-prep"))
        }
        _ => format!("{} {date}", c.text(lang, "console-prep")),
    };
    let html = render(
        &app,
        Shell {
            lang,
            title,
            page: "prep",
            session: Some(&page.session),
            data: String::new(),
            body,
            texts: serde_json::json!({}),
        },
    );
    (status, Html(html)).into_response()
}

//! Statistics page (server-rendered, charts as inline SVG) and its CSV
//! export (UTF-8 with BOM and CRLF, so Excel opens Japanese correctly).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use protocol::{DayStats, localized};
use serde::Deserialize;

use super::{BodyData, Shell, StaffPage, catalogue, render};
use crate::app::{App, OfficeApp};
use maud::{Markup, html};

#[derive(Debug, Deserialize)]
pub struct StatsQuery {
    date: Option<String>,
}

/// The day asked for, today when none; `Err` for a malformed date.
fn day(app: &OfficeApp, q: &StatsQuery) -> Result<NaiveDate, String> {
    match q.date.as_deref().filter(|d| !d.is_empty()) {
        None => Ok(app.today()),
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| d.to_string()),
    }
}

fn minutes(v: Option<f64>) -> String {
    v.map(|m| format!("{m:.1}")).unwrap_or_else(|| "—".into())
}

/// A horizontal bar chart; every bar is labelled with its value, and the
/// chart has a text alternative. Labels get 290 px: the longest procedure
/// name (「おくやみコーナー（ご遺族の手続き）」, 17 characters at 14 px) fits.
fn bar_chart(title: &str, bars: &[(String, f64, String)]) -> Markup {
    let max = bars.iter().map(|b| b.1).fold(0.0_f64, f64::max).max(1.0);
    let row = 28.0;
    let height = row * bars.len() as f64 + 10.0;
    html! {
        figure {
            figcaption { (title) }
            svg role="img" aria-label=(title) viewBox={ "0 0 740 " (height) } width="740" height=(height) xmlns="http://www.w3.org/2000/svg" {
                title { (title) }
                @for (i, (label, value, shown)) in bars.iter().enumerate() {
                    @let y = 5.0 + row * i as f64;
                    @let w = 380.0 * value / max;
                    text x="290" y=(y + 15.0) text-anchor="end" font-size="14" fill="#1b2535" { (label) }
                    rect x="300" y=(y) width=(format!("{w:.1}")) height="20" fill="#123a7a" {}
                    text x=(format!("{:.1}", 306.0 + w)) y=(y + 15.0) font-size="14" fill="#1b2535" { (shown) }
                }
            }
        }
    }
}

fn service_name(app: &OfficeApp, id: &str, lang: &str) -> String {
    app.office
        .service(id)
        .map(|s| localized(&s.name, lang).to_string())
        .unwrap_or_else(|| id.to_string())
}

const COLUMNS: [&str; 9] = [
    "stats-tickets",
    "stats-served",
    "stats-no-shows",
    "stats-expired",
    "stats-wait-avg",
    "stats-wait-p90",
    "stats-service-avg",
    "stats-service-p90",
    "stats-service",
];

fn page_body(
    app: &OfficeApp,
    lang: &str,
    date: NaiveDate,
    stats: &DayStats,
    bad: Option<&str>,
) -> Markup {
    let c = catalogue();
    let t = |id: &str| c.text(lang, id);
    let hours: Vec<(String, f64, String)> = stats
        .hours
        .iter()
        .map(|h| {
            (
                format!("{}:00", h.hour),
                f64::from(h.issued),
                h.issued.to_string(),
            )
        })
        .collect();
    let waits: Vec<(String, f64, String)> = stats
        .services
        .iter()
        .map(|s| {
            (
                service_name(app, &s.service, lang),
                s.wait_avg.unwrap_or(0.0),
                minutes(s.wait_avg),
            )
        })
        .collect();
    let csv = format!("/api/v1/staff/stats?from={date}&to={date}&format=csv&lang={lang}");
    html! {
        form.card.row method="get" action={ "/staff/" (app.office.id) "/stats" } {
            label for="date" { (t("stats-date")) }
            input #date type="date" name="date" value=(date);
            button type="submit" { (t("stats-show")) }
            a #csv href=(csv) download { (t("stats-csv")) }
        }
        @if let Some(bad) = bad {
            p.error role="alert" { (c.text_with(lang, "stats-bad-date", &[("date", messages::Arg::Str(bad))])) }
        }
        section.card {
            table #stats-table {
                thead {
                    tr {
                        th scope="col" { (t(COLUMNS[8])) }
                        @for col in &COLUMNS[..8] {
                            th scope="col" { (t(col)) }
                        }
                    }
                }
                tbody {
                    @for s in &stats.services {
                        tr {
                            th scope="row" { (service_name(app, &s.service, lang)) }
                            td { (s.tickets) }
                            td { (s.served) }
                            td { (s.no_shows) }
                            td { (s.expired) }
                            td { (minutes(s.wait_avg)) }
                            td { (minutes(s.wait_p90)) }
                            td { (minutes(s.service_avg)) }
                            td { (minutes(s.service_p90)) }
                        }
                    }
                }
            }
        }
        section.card.charts {
            @if hours.is_empty() {
                p.muted { (t("stats-none")) }
            } @else {
                (bar_chart(&c.text(lang, "stats-chart-hours"), &hours))
            }
            (bar_chart(&c.text(lang, "stats-chart-waits"), &waits))
        }
    }
}

pub async fn page(
    State(city): State<Arc<App>>,
    Path(office): Path<String>,
    Query(q): Query<StatsQuery>,
    page: StaffPage,
) -> Response {
    let app = match super::office_page(&city, &page, &office) {
        Ok(app) => app,
        Err(refused) => return *refused,
    };
    let lang = page.lang;
    let (date, bad) = match day(&app, &q) {
        Ok(d) => (d, None),
        Err(bad) => (app.today(), Some(bad)),
    };
    let stats = match app.day_stats(date, date).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let body = page_body(&app, lang, date, &stats, bad.as_deref());
    let html = render(
        &city,
        Some(&app.office),
        Shell {
            lang,
            title: format!("{} {}", catalogue().text(lang, "console-stats"), date),
            page: "stats",
            session: Some(&page.session),
            data: BodyData {
                office: Some(app.office.id.clone()),
                ..BodyData::default()
            },
            body,
            texts: serde_json::json!({}),
        },
    );
    let status = if bad.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    (status, Html(html)).into_response()
}

/// One table of the CSV: rows ending in CRLF, fields quoted where needed.
fn csv_table(rows: &[Vec<String>]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        // Writing to memory fails only on a bug; such a row is left out.
        let _ = w.write_record(row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Figures as CSV for Excel: a BOM (so Excel reads UTF-8), the
/// per-procedure table, a blank line, the per-hour table; each row starts
/// with its office, so a city's offices share one file.
pub fn csv(offices: &[(&OfficeApp, &DayStats)], lang: &str) -> String {
    let mut services = Vec::new();
    let mut hours = Vec::new();
    for (i, (app, stats)) in offices.iter().enumerate() {
        let (s, h) = csv_rows(app, lang, stats);
        // The headings once, from the first office's tables.
        let skip = usize::from(i > 0);
        services.extend(s.into_iter().skip(skip));
        hours.extend(h.into_iter().skip(skip));
    }
    format!("\u{feff}{}\r\n{}", csv_table(&services), csv_table(&hours))
}

type Rows = Vec<Vec<String>>;

/// One office's two tables, each with its heading row first.
fn csv_rows(app: &OfficeApp, lang: &str, stats: &DayStats) -> (Rows, Rows) {
    let c = catalogue();
    let office = localized(&app.office.name, lang);
    let days = if stats.from == stats.to {
        stats.from.to_string()
    } else {
        format!("{}/{}", stats.from, stats.to)
    };
    let mut header = vec![
        c.text(lang, "stats-office"),
        c.text(lang, "stats-date"),
        c.text(lang, COLUMNS[8]),
    ];
    header.extend(COLUMNS[..8].iter().map(|id| c.text(lang, id)));
    let mut services = vec![header];
    services.extend(stats.services.iter().map(|s| {
        vec![
            office.clone(),
            days.clone(),
            service_name(app, &s.service, lang),
            s.tickets.to_string(),
            s.served.to_string(),
            s.no_shows.to_string(),
            s.expired.to_string(),
            minutes(s.wait_avg),
            minutes(s.wait_p90),
            minutes(s.service_avg),
            minutes(s.service_p90),
        ]
    }));
    let mut hours = vec![vec![
        c.text(lang, "stats-office"),
        c.text(lang, "stats-date"),
        c.text(lang, "stats-hour"),
        c.text(lang, "stats-issued"),
        c.text(lang, "stats-served"),
        c.text(lang, "stats-wait-avg"),
    ]];
    hours.extend(stats.hours.iter().map(|h| {
        vec![
            office.clone(),
            days.clone(),
            format!("{}:00", h.hour),
            h.issued.to_string(),
            h.served.to_string(),
            minutes(h.wait_avg),
        ]
    }));
    (services, hours)
}

/// The CSV of `offices` (one, or every office a clerk works at) as a
/// download named after its days.
pub fn csv_response(
    offices: &[(&OfficeApp, &DayStats)],
    lang: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Response {
    let name = if from == to {
        format!("madoguchi-stats-{from}.csv")
    } else {
        format!("madoguchi-stats-{from}_{to}.csv")
    };
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        csv(offices, lang),
    )
        .into_response()
}

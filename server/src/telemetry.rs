//! Prometheus metrics (`serve --metrics-listen ADDR`, `GET /metrics`),
//! with the `metrics` facade and its Prometheus exporter. Labels are ids
//! the configuration gives (office, service, booth-free), HTTP route
//! templates and statuses: never a name, a token or a path.
//!
//! What is counted where: the floor's changes in [`record_outcome`], once,
//! by the server that committed them (with several servers on one
//! PostgreSQL each counts its own; Prometheus sums them); HTTP requests in
//! [`track_request`]; mails in the outbox worker. What is a level (people
//! waiting, open counters, subscribers, outbox depth) is read from the
//! city when scraped ([`render`]).

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use protocol::EventKind;

use crate::app::App;
use crate::rules::engine::Outcome;

/// Waits at a counter hall: minutes to over an hour.
const WAIT_BUCKETS: &[f64] = &[
    60.0, 300.0, 600.0, 900.0, 1200.0, 1800.0, 2700.0, 3600.0, 5400.0, 7200.0,
];
/// Requests and transactions: a millisecond to seconds.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The process's recorder, installed once (tests run several servers in
/// one process; they share it).
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_wait_seconds".into()), WAIT_BUCKETS)
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Suffix("_service_seconds".into()),
                        WAIT_BUCKETS,
                    )
                })
                .and_then(|b| b.set_buckets(LATENCY_BUCKETS))
                .map(|b| b.build_recorder());
            match built {
                Ok(recorder) => {
                    let handle = recorder.handle();
                    if metrics::set_global_recorder(recorder).is_err() {
                        tracing::warn!(
                            "another metrics recorder is installed; /metrics stays empty"
                        );
                    }
                    describe();
                    handle
                }
                // Only empty bucket lists fail, and these are constants.
                Err(e) => {
                    tracing::error!(error = %e, "metrics recorder");
                    PrometheusBuilder::new().build_recorder().handle()
                }
            }
        })
        .clone()
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "madoguchi_tickets_issued_total",
        "Tickets issued (kiosk walk-ins and check-ins), per procedure"
    );
    describe_counter!(
        "madoguchi_tickets_called_total",
        "First calls of a ticket to a counter, per procedure"
    );
    describe_counter!(
        "madoguchi_tickets_recalled_total",
        "Repeated calls, per procedure"
    );
    describe_counter!(
        "madoguchi_tickets_completed_total",
        "Procedures finished at a counter"
    );
    describe_counter!(
        "madoguchi_tickets_no_show_total",
        "Tickets marked as not come"
    );
    describe_histogram!(
        "madoguchi_wait_seconds",
        Unit::Seconds,
        "From joining a procedure's queue to the call"
    );
    describe_histogram!(
        "madoguchi_service_seconds",
        Unit::Seconds,
        "From the call (or start) to the procedure's end"
    );
    describe_gauge!(
        "madoguchi_people_waiting",
        "People waiting now, per procedure"
    );
    describe_gauge!("madoguchi_open_counters", "Counters open now");
    describe_gauge!(
        "madoguchi_event_subscribers",
        "Boards, consoles and phones following the event stream"
    );
    describe_gauge!("madoguchi_outbox_mails", "Mails in the outbox, by state");
    describe_counter!(
        "madoguchi_mail_sent_total",
        "Mails handed to the SMTP server (or written as files)"
    );
    describe_counter!(
        "madoguchi_mail_failures_total",
        "Failed mail attempts (retried until give_up_hours)"
    );
    describe_counter!(
        "madoguchi_http_requests_total",
        "HTTP requests answered, by route template and status"
    );
    describe_histogram!(
        "madoguchi_http_request_duration_seconds",
        Unit::Seconds,
        "HTTP request latency, by route template"
    );
    describe_histogram!(
        "madoguchi_db_transaction_seconds",
        Unit::Seconds,
        "A change's write transaction, begin to commit"
    );
}

/// Counts a committed change of `office`'s floor.
pub fn record_outcome(office: &str, outcome: &Outcome) {
    for (kind, data) in &outcome.events {
        let service = data.service.clone().unwrap_or_default();
        let labels = [("office", office.to_string()), ("service", service)];
        match kind {
            EventKind::TicketIssued => {
                counter!("madoguchi_tickets_issued_total", &labels).increment(1)
            }
            EventKind::TicketCalled => {
                counter!("madoguchi_tickets_called_total", &labels).increment(1);
                let ticket = outcome
                    .tickets
                    .iter()
                    .find(|t| Some(t.id) == data.ticket_id);
                if let Some(t) = ticket
                    && let Some(called) = t.called_at
                {
                    histogram!("madoguchi_wait_seconds", &labels)
                        .record(seconds(called - t.queued_at));
                }
            }
            EventKind::TicketRecalled => {
                counter!("madoguchi_tickets_recalled_total", &labels).increment(1)
            }
            EventKind::TicketDone => {
                counter!("madoguchi_tickets_completed_total", &labels).increment(1)
            }
            EventKind::TicketNoShow => {
                counter!("madoguchi_tickets_no_show_total", &labels).increment(1)
            }
            _ => {}
        }
    }
    if let Some(st) = &outcome.service_time
        && let Some(from) = st.started_at.or(st.called_at)
    {
        let labels = [
            ("office", office.to_string()),
            ("service", st.service.clone()),
        ];
        histogram!("madoguchi_service_seconds", &labels).record(seconds(st.done_at - from));
    }
}

fn seconds(d: chrono::TimeDelta) -> f64 {
    d.num_milliseconds().max(0) as f64 / 1000.0
}

/// A write transaction of `office` committed, `began` when it began.
pub fn record_transaction(office: &str, began: Instant) {
    histogram!("madoguchi_db_transaction_seconds", "office" => office.to_string())
        .record(began.elapsed());
}

/// A mail attempt's result (the outbox worker).
pub fn record_mail(sent: bool) {
    if sent {
        counter!("madoguchi_mail_sent_total").increment(1);
    } else {
        counter!("madoguchi_mail_failures_total").increment(1);
    }
}

/// The route template of a request (`/api/v1/reservations/{token}`),
/// never its path: paths carry tokens. Logs and metrics name it alike.
pub fn route_of<B>(req: &axum::http::Request<B>) -> String {
    req.extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into())
}

/// Middleware: every answered request, by method, route template and status.
pub async fn track_request(req: Request, next: Next) -> Response {
    let route = route_of(&req);
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    counter!("madoguchi_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    histogram!("madoguchi_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed());
    response
}

/// The levels read at a scrape, then the text exposition.
pub async fn render(app: &App, handle: &PrometheusHandle) -> String {
    for office in app.offices() {
        let id = office.office.id.clone();
        let (waits, open) = office.levels().await;
        for w in waits {
            gauge!("madoguchi_people_waiting", "office" => id.clone(), "service" => w.service)
                .set(f64::from(w.waiting));
        }
        gauge!("madoguchi_open_counters", "office" => id.clone()).set(f64::from(open));
        gauge!("madoguchi_event_subscribers", "office" => id).set(office.hub.subscribers() as f64);
    }
    match tokio::time::timeout(Duration::from_secs(2), app.store.outbox_counts()).await {
        Ok(Ok(c)) => {
            for (state, n) in [
                ("pending", c.pending),
                ("sent", c.sent),
                ("failed", c.failed),
            ] {
                gauge!("madoguchi_outbox_mails", "state" => state).set(n as f64);
            }
        }
        Ok(Err(e)) => tracing::warn!(error = %e, "metrics: outbox counts"),
        Err(_) => tracing::warn!("metrics: outbox counts took over 2 s"),
    }
    handle.run_upkeep();
    handle.render()
}

/// `GET /metrics` on the metrics listener.
async fn metrics_page(State(app): State<std::sync::Arc<App>>) -> impl IntoResponse {
    let text = render(&app, &handle()).await;
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
}

/// The metrics listener's routes: `/metrics` and nothing else.
pub fn router(app: std::sync::Arc<App>) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(metrics_page))
        .with_state(app)
}

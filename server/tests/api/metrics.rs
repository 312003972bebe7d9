//! Prometheus metrics (issue 21): `serve --metrics-listen ADDR` answers
//! `/metrics`, scraped while kiosks issue tickets and read back with the
//! reference parser (Python `prometheus_client`): the counters are what
//! the test did, the levels what the hall shows, and no label holds a
//! token or a name.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::durability::{STAFF_PASSWORD, cli, start_logging};
use crate::helpers::*;

/// The reference parser: `MADOGUCHI_PROMETHEUS_PYTHON` (scripts/setup.sh
/// installs prometheus_client in its own virtualenv), else python3.
fn parse(text: &str) -> Vec<Value> {
    let python = std::env::var("MADOGUCHI_PROMETHEUS_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/api/fixtures/parse_metrics.py"
    );
    let mut child = Command::new(&python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{python}: {e} (scripts/setup.sh installs prometheus_client)"));
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("parser");
    assert!(
        out.status.success(),
        "prometheus_client refused the exposition: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

async fn scrape(http: &reqwest::Client, url: &str) -> String {
    http.get(url)
        .send()
        .await
        .expect("scrape")
        .text()
        .await
        .expect("text")
}

/// One sample's value by name and exactly these labels.
fn value(families: &[Value], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let want: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    families
        .iter()
        .flat_map(|f| f["samples"].as_array().cloned().unwrap_or_default())
        .find(|s| {
            s["name"] == name
                && serde_json::from_value::<BTreeMap<String, String>>(s["labels"].clone())
                    .is_ok_and(|l| l == want)
        })
        .and_then(|s| s["value"].as_f64())
}

fn family_type(families: &[Value], name: &str) -> Option<String> {
    families
        .iter()
        .find(|f| f["name"] == name)
        .and_then(|f| f["type"].as_str().map(str::to_string))
}

#[tokio::test]
async fn metrics_scraped_under_load_count_what_happened() {
    let dir = tempfile::tempdir().expect("dir");
    let kiosk_token = cli(
        dir.path(),
        &[
            "device", "add", "entrance", "--role", "kiosk", "--office", "honcho",
        ],
    );
    cli(dir.path(), &["user", "add", "tanaka", "--office", "honcho"]);
    let p = start_logging(
        dir.path(),
        "127.0.0.1:0",
        &["--metrics-listen", "127.0.0.1:0"],
        &[],
        Stdio::null(),
    );
    let metrics_url = format!(
        "http://{}/metrics",
        p.metrics.clone().expect("metrics address")
    );
    let public = p.client.clone();
    let session = public.login("tanaka", STAFF_PASSWORD).await.expect("login");
    let staff = public.with_token(&session.token);
    staff.booth_action("1", "open").await.expect("open");
    // A board follows the stream throughout.
    let mut board = public.events(None);
    let follower = tokio::spawn(async move { while board.next().await.is_ok() {} });

    // Two kiosks issue 10 + 5 tickets while a scraper reads /metrics.
    let kiosk = public.with_token(&kiosk_token);
    let mut load = Vec::new();
    for (service, n) in [("shomei", 10), ("juminido", 5)] {
        let kiosk = kiosk.clone();
        load.push(tokio::spawn(async move {
            for i in 0..n {
                kiosk
                    .walk_in(&walk_in_request(&[service], &format!("{service}-{i}")))
                    .await
                    .expect("walk-in");
            }
        }));
    }
    let http = reqwest::Client::new();
    let mut scrapes = 0;
    while load.iter().any(|l| !l.is_finished()) || scrapes < 3 {
        let text = scrape(&http, &metrics_url).await;
        parse(&text);
        scrapes += 1;
    }
    for l in load {
        l.await.expect("load");
    }

    // Counter 1 calls three: finishes the first, the second does not
    // come, finishes the third.
    let mut called: BTreeMap<String, u32> = BTreeMap::new();
    let mut completed: BTreeMap<String, u32> = BTreeMap::new();
    let mut no_show: BTreeMap<String, u32> = BTreeMap::new();
    for round in 0..3 {
        let t = staff
            .call_next("1")
            .await
            .expect("call")
            .ticket
            .expect("somebody waits");
        let service = t.services[0].clone();
        *called.entry(service.clone()).or_default() += 1;
        if round == 1 {
            staff.ticket_action(t.id, "no-show").await.expect("no-show");
            *no_show.entry(service).or_default() += 1;
        } else {
            staff
                .ticket_action(t.id, "complete")
                .await
                .expect("complete");
            *completed.entry(service).or_default() += 1;
        }
    }

    let text = scrape(&http, &metrics_url).await;
    let f = parse(&text);
    let at = |service: &'static str| [("office", "honcho"), ("service", service)];
    assert_eq!(
        value(&f, "madoguchi_tickets_issued_total", &at("shomei")),
        Some(10.0),
        "{text}"
    );
    assert_eq!(
        value(&f, "madoguchi_tickets_issued_total", &at("juminido")),
        Some(5.0)
    );
    for service in ["shomei", "juminido"] {
        let n = |m: &BTreeMap<String, u32>| m.get(service).copied().map(f64::from);
        assert_eq!(
            value(&f, "madoguchi_tickets_called_total", &at(service)),
            n(&called)
        );
        assert_eq!(
            value(&f, "madoguchi_tickets_completed_total", &at(service)),
            n(&completed)
        );
        assert_eq!(
            value(&f, "madoguchi_tickets_no_show_total", &at(service)),
            n(&no_show)
        );
        assert_eq!(
            value(&f, "madoguchi_wait_seconds_count", &at(service)),
            n(&called)
        );
        let issued = if service == "shomei" { 10.0 } else { 5.0 };
        assert_eq!(
            value(&f, "madoguchi_people_waiting", &at(service)),
            Some(issued - n(&called).unwrap_or(0.0)),
            "{service}"
        );
    }
    assert_eq!(
        value(&f, "madoguchi_open_counters", &[("office", "honcho")]),
        Some(1.0)
    );
    assert_eq!(
        value(&f, "madoguchi_event_subscribers", &[("office", "honcho")]),
        Some(1.0)
    );
    assert_eq!(
        value(
            &f,
            "madoguchi_http_requests_total",
            &[
                ("method", "POST"),
                ("route", "/api/v1/offices/{office}/kiosk/tickets"),
                ("status", "201")
            ]
        ),
        Some(15.0)
    );
    assert_eq!(
        value(
            &f,
            "madoguchi_http_request_duration_seconds_count",
            &[
                ("method", "POST"),
                ("route", "/api/v1/offices/{office}/kiosk/tickets")
            ]
        ),
        Some(15.0)
    );
    assert_eq!(
        value(
            &f,
            "madoguchi_http_requests_total",
            &[
                ("method", "POST"),
                ("route", "/api/v1/session"),
                ("status", "201")
            ]
        ),
        Some(1.0)
    );
    // 15 tickets, 1 opening, 3 calls, 3 ends: 22 floor transactions.
    assert_eq!(
        value(
            &f,
            "madoguchi_db_transaction_seconds_count",
            &[("office", "honcho")]
        ),
        Some(22.0)
    );
    assert_eq!(
        value(&f, "madoguchi_outbox_mails", &[("state", "pending")]),
        Some(0.0)
    );
    for (name, kind) in [
        ("madoguchi_tickets_issued", "counter"),
        ("madoguchi_wait_seconds", "histogram"),
        ("madoguchi_service_seconds", "histogram"),
        ("madoguchi_http_request_duration_seconds", "histogram"),
        ("madoguchi_people_waiting", "gauge"),
    ] {
        assert_eq!(family_type(&f, name).as_deref(), Some(kind), "{name}");
    }
    // Labels are ids, routes, methods, statuses and states only.
    let values: BTreeSet<String> = f
        .iter()
        .flat_map(|fam| fam["samples"].as_array().cloned().unwrap_or_default())
        .flat_map(|s| {
            serde_json::from_value::<BTreeMap<String, String>>(s["labels"].clone())
                .unwrap_or_default()
                .into_values()
        })
        .collect();
    for v in &values {
        assert!(
            v.len() < 64 && !v.contains(&kiosk_token) && !v.contains(&session.token),
            "label value {v:?}"
        );
    }
    assert!(!text.contains(&kiosk_token) && !text.contains(&session.token));
    follower.abort();
}

//! Logs for a collector (issue 21): `--log-format json` writes one JSON
//! object per line, each line of a request carries its request id, and no
//! line holds a token, a password or what a visitor typed.

use std::process::Stdio;

use crate::durability::{STAFF_PASSWORD, cli, start_logging};
use crate::helpers::*;

#[tokio::test]
async fn json_logs_carry_the_request_id_and_no_personal_data() {
    let dir = tempfile::tempdir().expect("dir");
    let kiosk_token = cli(
        dir.path(),
        &[
            "device", "add", "entrance", "--role", "kiosk", "--office", "honcho",
        ],
    );
    cli(dir.path(), &["user", "add", "tanaka", "--office", "honcho"]);
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    // A line per request answered (RUST_LOG of the child).
    let mut p = start_logging(
        dir.path(),
        "127.0.0.1:0",
        &["--log-format", "json"],
        &[("RUST_LOG", "info,sqlx=warn,tower_http=info")],
        Stdio::from(log),
    );
    let public = p.client.clone();
    let session = public.login("tanaka", STAFF_PASSWORD).await.expect("login");
    let ticket = public
        .with_token(&kiosk_token)
        .walk_in(&walk_in_request(&["shomei"], "log-test"))
        .await
        .expect("walk-in");
    let mut booking = bare_booking("okuyami", "2026-12-01T10:30:00+09:00");
    booking.name = Some("山田 太郎".into());
    booking.email = Some("yamada.taro@example.jp".into());
    booking.phone = Some("090-1234-5678".into());
    let r = public.create_reservation(&booking).await.expect("booking");
    public.reservation(&r.token).await.expect("reservation");
    public
        .ticket_status(&ticket.status_token)
        .await
        .expect("status");
    // The proxy's id is kept and answered; a hostile one is replaced.
    let http = reqwest::Client::new();
    let base = public.base_url().to_string();
    let answered = http
        .get(format!("{base}/healthz"))
        .header("x-request-id", "nginx-7f3a")
        .send()
        .await
        .expect("healthz");
    assert_eq!(
        answered.headers().get("x-request-id").map(|v| v.as_bytes()),
        Some(&b"nginx-7f3a"[..])
    );
    let replaced = http
        .get(format!("{base}/healthz"))
        .header("x-request-id", "a\"b, \"level\":\"ERROR")
        .send()
        .await
        .expect("healthz");
    let own = replaced
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("an id of the server's")
        .to_string();
    assert!(!own.contains('"'), "{own}");
    let _ = p.child.kill();
    let _ = p.child.wait();

    let text = std::fs::read_to_string(&log_path).expect("log");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let requests: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["span"]["name"] == "http")
        .collect();
    // One line per request answered, in order (the client looks up the
    // office once), with the route's template.
    let routes: Vec<String> = requests
        .iter()
        .map(|l| {
            format!(
                "{} {} {}",
                l["span"]["method"].as_str().unwrap_or("?"),
                l["span"]["route"].as_str().unwrap_or("?"),
                l["status"]
            )
        })
        .collect();
    assert_eq!(
        routes,
        [
            "POST /api/v1/session 201",
            "GET /api/v1/offices 200",
            "POST /api/v1/offices/{office}/kiosk/tickets 201",
            "POST /api/v1/offices/{office}/reservations 201",
            "GET /api/v1/reservations/{token} 200",
            "GET /api/v1/tickets/{status_token} 200",
            "GET /healthz 200",
            "GET /healthz 200",
        ],
        "{text}"
    );
    for l in &requests {
        assert!(
            l["span"]["request_id"]
                .as_str()
                .is_some_and(|id| id.len() > 3),
            "{l}"
        );
        assert!(l["status"].is_number(), "{l}");
    }
    let with = |id: &str| {
        requests
            .iter()
            .filter(|l| l["span"]["request_id"] == id)
            .count()
    };
    assert_eq!(with("nginx-7f3a"), 1);
    assert_eq!(with(&own), 1);
    let ids: std::collections::BTreeSet<&str> = requests
        .iter()
        .filter_map(|l| l["span"]["request_id"].as_str())
        .collect();
    assert_eq!(ids.len(), 8, "every request has its own id");
    for secret in [
        kiosk_token.as_str(),
        session.token.as_str(),
        STAFF_PASSWORD,
        r.token.as_str(),
        ticket.status_token.as_str(),
        "山田",
        "yamada.taro",
        "090-1234-5678",
    ] {
        assert!(!text.contains(secret), "the log holds {secret:?}");
    }
}

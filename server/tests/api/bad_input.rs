//! Malformed, oversized and unknown input: 4xx with a specific code, and
//! nothing written.

use reqwest::Method;
use serde_json::Value;

use crate::helpers::*;

async fn error_of(resp: reqwest::Response) -> (u16, String) {
    let status = resp.status().as_u16();
    let body: Value = resp
        .json()
        .await
        .unwrap_or_else(|e| panic!("JSON error body for {status}: {e}"));
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or("<none>")
            .to_string(),
    )
}

#[tokio::test]
async fn malformed_bodies_get_specific_codes() {
    let t = spawn_app().await;
    let http = t.http();
    let post = |path: &str| http.post(t.url(path));
    let r = post("/api/v1/offices/honcho/reservations")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("req");
    assert_eq!(error_of(r).await, (400, "malformed_json".into()));
    let r = post("/api/v1/offices/honcho/reservations")
        .body("{}")
        .send()
        .await
        .expect("req");
    assert_eq!(error_of(r).await, (415, "unsupported_media_type".into()));
    let r = post("/api/v1/offices/honcho/reservations")
        .json(&serde_json::json!({"service": "okuyami"}))
        .send()
        .await
        .expect("req");
    assert_eq!(error_of(r).await, (400, "invalid_body".into()));
    let r = post("/api/v1/offices/honcho/reservations")
        .json(&serde_json::json!({"service": "okuyami", "start": "2026-12-02T10:30:00+09:00", "admin": true}))
        .send()
        .await
        .expect("req");
    assert_eq!(
        error_of(r).await,
        (400, "invalid_body".into()),
        "unknown fields are refused"
    );
    let r = post("/api/v1/offices/honcho/reservations")
        .json(&serde_json::json!({"service": "okuyami", "start": "tomorrow"}))
        .send()
        .await
        .expect("req");
    assert_eq!(error_of(r).await, (400, "invalid_body".into()));
    let big = "x".repeat(200_000);
    let r = post("/api/v1/offices/honcho/reservations")
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .expect("req");
    assert_eq!(error_of(r).await, (413, "body_too_large".into()));
    let r = post("/api/v1/offices/honcho/reservations")
        .json(&serde_json::json!({"service": "okuyami", "start": "2026-12-02T10:30:00+09:00", "email": "not an address"}))
        .send()
        .await
        .expect("req");
    assert_eq!(error_of(r).await, (400, "invalid_email".into()));
    let r = post("/api/v1/offices/honcho/staff/tickets/abc/start")
        .bearer_auth(&t.session.token)
        .send()
        .await
        .expect("req");
    assert_eq!(error_of(r).await, (400, "invalid_path".into()));
    let r = http
        .get(t.url("/api/v1/offices/honcho/slots?service=okuyami&from=2026-13-01&to=2026-12-02"))
        .send()
        .await
        .expect("req");
    assert_eq!(error_of(r).await, (400, "invalid_date".into()));
    let r = http
        .get(t.url("/api/v1/offices/honcho/slots?service=okuyami"))
        .send()
        .await
        .expect("req");
    assert_eq!(error_of(r).await, (400, "invalid_query".into()));
    let r = http
        .get(t.url("/api/v1/offices/honcho/slots?service=okuyami&from=2026-01-01&to=2027-12-31"))
        .send()
        .await
        .expect("req");
    assert_eq!(error_of(r).await, (400, "range_too_long".into()));
    let r = http
        .get(t.url("/api/v1/offices/honcho/slots?service=nope&from=2026-12-01&to=2026-12-02"))
        .send()
        .await
        .expect("req");
    assert_eq!(error_of(r).await, (404, "unknown_service".into()));
    let r = http
        .get(t.url("/api/v1/tickets/O001"))
        .send()
        .await
        .expect("req");
    assert_eq!(error_of(r).await, (404, "unknown_ticket".into()));
    let r = http
        .get(t.url("/api/v1/nothing/here"))
        .send()
        .await
        .expect("req");
    assert_eq!(error_of(r).await, (404, "not_found".into()));
    let r = http
        .request(Method::PATCH, t.url("/api/v1/offices/honcho/board"))
        .send()
        .await
        .expect("req");
    assert_eq!(error_of(r).await, (405, "method_not_allowed".into()));
}

#[tokio::test]
async fn garbage_on_every_write_route_is_a_4xx_and_changes_nothing() {
    let t = spawn_app().await;
    let before = t.public.board().await.expect("board").last_event_id;
    let bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"{\"services\": \"shomei\"}".to_vec(),
        b"{\"services\": [1, 2], \"idempotency_key\": 5}".to_vec(),
        b"{\"code\": null}".to_vec(),
        b"{\"service\": \"\\u0000\", \"start\": \"2026-12-02T10:30:00+09:00\"}".to_vec(),
        b"{\"text\": 12}".to_vec(),
        b"{\"ticket\": \"one\"}".to_vec(),
        vec![0xff, 0xfe, 0x00, 0x7b],
        "{\"名前\": \"山田\"}".as_bytes().to_vec(),
        b"{\"a\":".repeat(1000),
    ];
    let routes = [
        ("/api/v1/offices/honcho/reservations", None),
        ("/api/v1/offices/honcho/kiosk/checkin", Some("kiosk")),
        ("/api/v1/offices/honcho/kiosk/tickets", Some("kiosk")),
        ("/api/v1/session", None),
        ("/api/v1/offices/honcho/staff/booths/1/call", Some("staff")),
        (
            "/api/v1/offices/honcho/staff/tickets/1/transfer",
            Some("staff"),
        ),
        (
            "/api/v1/offices/honcho/staff/tickets/1/notes",
            Some("staff"),
        ),
    ];
    let kiosk_token = {
        let token = madoguchi_server::tokens::new_token();
        t.app
            .store
            .add_device(
                "k2",
                "kiosk",
                "honcho",
                &madoguchi_server::tokens::hash(&token),
                chrono::Utc::now(),
            )
            .await
            .expect("device");
        token
    };
    let http = t.http();
    let mut count = 0;
    for (path, role) in routes {
        for body in &bodies {
            let mut req = http
                .post(t.url(path))
                .header("content-type", "application/json")
                .body(body.clone());
            req = match role {
                Some("kiosk") => req.bearer_auth(&kiosk_token),
                Some(_) => req.bearer_auth(&t.session.token),
                None => req,
            };
            let resp = req.send().await.expect("response");
            let status = resp.status().as_u16();
            assert!(
                (400..500).contains(&status),
                "{path} {:?} → {status}",
                String::from_utf8_lossy(body)
            );
            let json: Value = resp.json().await.expect("JSON error");
            assert!(json["error"]["code"].is_string(), "{json}");
            count += 1;
        }
    }
    assert_eq!(count, routes.len() * bodies.len());
    assert_eq!(
        t.public.board().await.expect("board").last_event_id,
        before,
        "no event, so no change"
    );
    assert!(
        t.staff
            .staff_queue()
            .await
            .expect("queue")
            .tickets
            .is_empty()
    );
}

//! `/openapi.json` describes exactly the routes the server answers.

use serde_json::Value;

use crate::helpers::*;

const CONTRACT: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/api/v1/offices/{office}/services"),
    ("get", "/api/v1/offices/{office}/booths"),
    ("get", "/api/v1/offices/{office}/slots"),
    ("post", "/api/v1/offices/{office}/reservations"),
    ("get", "/api/v1/reservations/{token}"),
    ("delete", "/api/v1/reservations/{token}"),
    ("get", "/api/v1/reservations/{token}/qr.svg"),
    ("get", "/api/v1/reservations/{token}/calendar.ics"),
    ("get", "/api/v1/tickets/{status_token}"),
    ("get", "/api/v1/offices/{office}/board"),
    ("get", "/api/v1/offices/{office}/events"),
    ("post", "/api/v1/session"),
    ("post", "/api/v1/offices/{office}/kiosk/checkin"),
    ("post", "/api/v1/offices/{office}/kiosk/tickets"),
    ("post", "/api/v1/offices/{office}/staff/booths/{id}/open"),
    ("post", "/api/v1/offices/{office}/staff/booths/{id}/pause"),
    ("post", "/api/v1/offices/{office}/staff/booths/{id}/close"),
    (
        "post",
        "/api/v1/offices/{office}/staff/booths/{id}/call-next",
    ),
    ("post", "/api/v1/offices/{office}/staff/tickets/{id}/recall"),
    ("post", "/api/v1/offices/{office}/staff/tickets/{id}/start"),
    (
        "post",
        "/api/v1/offices/{office}/staff/tickets/{id}/complete",
    ),
    (
        "post",
        "/api/v1/offices/{office}/staff/tickets/{id}/no-show",
    ),
    (
        "post",
        "/api/v1/offices/{office}/staff/tickets/{id}/transfer",
    ),
    ("post", "/api/v1/offices/{office}/staff/tickets/{id}/notes"),
    ("get", "/api/v1/offices/{office}/staff/queue"),
    ("get", "/api/v1/offices/{office}/staff/reservations"),
];

#[tokio::test]
async fn the_document_covers_the_contract_and_every_documented_route_answers() {
    let t = spawn_app().await;
    let doc: Value = t.openapi().await;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let paths = doc["paths"].as_object().expect("paths");
    for (method, path) in CONTRACT {
        assert!(
            paths.get(*path).and_then(|p| p.get(*method)).is_some(),
            "{method} {path} is not documented"
        );
    }
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for name in [
        "Ticket",
        "IssuedTicket",
        "BoardSnapshot",
        "Event",
        "ApiError",
    ] {
        assert!(schemas.contains_key(name), "schema {name}");
    }
    // The document says what the server enforces (schemathesis checks
    // both ways in schema_fuzz.rs): query parameters are in the query and
    // required where the server needs them; fields carry their rules; what
    // the office decides is an enumeration.
    let slots = &doc["paths"]["/api/v1/offices/{office}/slots"]["get"]["parameters"];
    let params: Vec<(&str, &str, bool)> = slots
        .as_array()
        .expect("parameters")
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or(""),
                p["in"].as_str().unwrap_or(""),
                p["required"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        params,
        [
            ("office", "path", true),
            ("service", "query", true),
            ("from", "query", true),
            ("to", "query", true)
        ]
    );
    assert_eq!(slots[2]["schema"]["format"], "date");
    let reservation = &schemas["CreateReservation"]["properties"];
    assert_eq!(
        reservation["service"]["enum"],
        serde_json::json!(["okuyami"])
    );
    assert_eq!(reservation["name"]["maxLength"], 100);
    assert_eq!(
        reservation["language"]["enum"].as_array().map(Vec::len),
        Some(messages::LANGUAGES.len() + 1),
        "the seven languages, or null"
    );
    assert_eq!(
        schemas["NewStaffUser"]["properties"]["role"]["enum"],
        serde_json::json!(["staff", "admin"])
    );
    let answers = &schemas["ChecklistRequest"]["properties"]["answers"];
    assert_eq!(answers["additionalProperties"], false);
    assert!(
        answers["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|q| q == "relationship")),
        "{answers}"
    );
    assert_eq!(
        schemas["ErrorCode"]["enum"].as_array().map(Vec::len),
        Some(protocol::ErrorCode::ALL.len()),
        "every error code, by its wire name"
    );
    assert!(
        schemas["ErrorCode"]["enum"]
            .as_array()
            .is_some_and(|e| e.iter().any(|c| c == "slot_full"))
    );
    // Every documented route exists: without credentials it answers with
    // data or a JSON 4xx, never "no such route" or a 5xx.
    let token = madoguchi_server::tokens::new_token();
    let http = t.http();
    let mut checked = 0;
    for (path, item) in paths {
        for method in item.as_object().expect("methods").keys() {
            let concrete = path
                .replace("{token}", &token)
                .replace("{status_token}", &token)
                .replace("{office}", "honcho")
                .replace("{id}", "1");
            let url = t.url(&concrete);
            let req = match method.as_str() {
                "get" => http.get(url),
                "post" => http.post(url).json(&serde_json::json!({})),
                "put" => http.put(url).json(&serde_json::json!({})),
                "delete" => http.delete(url),
                other => panic!("unexpected method {other}"),
            };
            let resp = req.send().await.expect("response");
            let status = resp.status().as_u16();
            assert!(status < 500, "{method} {path} → {status}");
            if path == "/api/v1/offices/{office}/events" {
                checked += 1;
                continue; // a stream; its headers are enough
            }
            if status >= 400 {
                let body: Value = resp.json().await.expect("JSON error");
                assert_ne!(
                    body["error"]["code"], "not_found",
                    "{method} {path} is documented but not routed"
                );
                assert_ne!(
                    body["error"]["code"], "method_not_allowed",
                    "{method} {path}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= CONTRACT.len(), "{checked}");
}

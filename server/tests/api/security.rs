//! Security walk: every route of `/openapi.json` is tried without
//! credentials, with a stranger's token and with each wrong role; the
//! public routes are an explicit list, so a new route that forgets its
//! guard fails here. Bearer secrets are long and unrelated to numbers.

use std::collections::{BTreeSet, HashSet};

use reqwest::Method;
use serde_json::Value;

use crate::helpers::*;

/// Routes anyone may call (no personal data, or the holder of a token in
/// the path). Adding one here is a decision, not an accident.
const PUBLIC: &[&str] = &[
    "get /healthz",
    "get /api/v1/services",
    "get /api/v1/booths",
    "get /api/v1/slots",
    "post /api/v1/reservations",
    "get /api/v1/reservations/{token}",
    "delete /api/v1/reservations/{token}",
    "get /api/v1/reservations/{token}/qr.svg",
    "get /api/v1/reservations/{token}/qr.png",
    "get /api/v1/reservations/{token}/calendar.ics",
    "get /api/v1/tickets/{status_token}",
    "post /api/v1/tickets/{status_token}/notify",
    "get /api/v1/board",
    "get /api/v1/events",
    "get /api/v1/congestion",
    "get /api/v1/okuyami/questions",
    "post /api/v1/okuyami/checklist",
    "post /api/v1/session",
    "delete /api/v1/session",
];

/// Path parameters naming nothing that exists, so that the calls the
/// right role may make change nothing (they answer 404 or 400).
fn concrete(path: &str) -> String {
    path.replace("{id}", "999999")
        .replace("{username}", "nobody")
        .replace("{token}", &"A".repeat(43))
        .replace("{status_token}", &"A".repeat(43))
}

#[tokio::test]
async fn every_route_refuses_missing_and_wrong_credentials() {
    let t = spawn_app().await;
    let doc: Value = t.openapi().await;
    // An admin and the other roles' tokens.
    let admin_token = {
        let hash = madoguchi_server::auth::hash_password(STAFF_PASSWORD).expect("hash");
        t.app
            .store
            .add_user("kanri", &hash, "admin", chrono::Utc::now())
            .await
            .expect("admin");
        t.public
            .login("kanri", STAFF_PASSWORD)
            .await
            .expect("login")
            .token
    };
    let tokens = [
        ("kiosk", t.kiosk_token.clone()),
        ("board", t.board_token.clone()),
        ("staff", t.session.token.clone()),
        ("admin", admin_token),
    ];
    let http = t.http();
    let mut public_seen = BTreeSet::new();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let Ok(m) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let route = format!("{method} {path}");
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            if !secured {
                assert!(
                    PUBLIC.contains(&route.as_str()),
                    "{route} has no guard and is not in the public list"
                );
                public_seen.insert(route);
                continue;
            }
            // Which roles may call it, from its tag.
            let tag = op["tags"][0].as_str().unwrap_or("");
            let allowed: &[&str] = match tag {
                "kiosk" => &["kiosk"],
                "staff" => &["staff", "admin"],
                "admin" => &["admin"],
                other => panic!("{route}: secured route with unexpected tag {other:?}"),
            };
            let url = t.url(&concrete(path));
            let send = |auth: Option<String>| {
                let mut rb = http.request(m.clone(), &url).json(&serde_json::json!({}));
                if let Some(a) = auth {
                    rb = rb.header("Authorization", a);
                }
                rb.send()
            };
            let status = send(None).await.expect("request").status().as_u16();
            assert_eq!(status, 401, "{route} without credentials");
            let stranger = format!("Bearer {}", madoguchi_server::tokens::new_token());
            let status = send(Some(stranger))
                .await
                .expect("request")
                .status()
                .as_u16();
            assert_eq!(status, 401, "{route} with an unknown token");
            for (role, token) in &tokens {
                let r = send(Some(format!("Bearer {token}")))
                    .await
                    .expect("request");
                let status = r.status().as_u16();
                if allowed.contains(role) {
                    assert!(
                        status != 401 && status != 403,
                        "{route} refused its own role {role}: {status}"
                    );
                } else {
                    let body: Value = r.json().await.expect("json error");
                    assert_eq!(status, 403, "{route} with a {role} token: {body}");
                    assert_eq!(body["error"]["code"], "forbidden", "{route} {role}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} secured routes found");
    let expected: BTreeSet<String> = PUBLIC.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        public_seen, expected,
        "the public list matches the document"
    );
}

#[tokio::test]
async fn bearer_secrets_are_long_random_and_unrelated_to_numbers() {
    let t = spawn_app().await;
    let mut seen = HashSet::new();
    let mut status_tokens = Vec::new();
    for i in 0..50 {
        let ticket = t
            .walk_in(&["shomei"], &format!("s{i}"))
            .await
            .expect("ticket");
        status_tokens.push(ticket.status_token.clone());
        assert!(seen.insert(ticket.status_token));
    }
    let booked = t
        .book("okuyami", "2026-12-03T10:30:00+09:00")
        .await
        .expect("booked");
    assert!(seen.insert(booked.token.clone()));
    for token in status_tokens.iter().chain([&booked.token]) {
        // URL-safe base64 of 32 random bytes: 256 bits, well over 128.
        assert_eq!(token.len(), 43, "{token}");
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
    }
    // Consecutive numbers share no long common prefix or suffix (not a
    // counter or a hash of the number with a fixed key).
    for pair in status_tokens.windows(2) {
        let prefix = pair[0]
            .bytes()
            .zip(pair[1].bytes())
            .take_while(|(a, b)| a == b)
            .count();
        assert!(prefix < 6, "{} / {}", pair[0], pair[1]);
    }
    // Bits are balanced over all tokens (a random source, not a pattern).
    let mut ones = 0u32;
    let mut bits = 0u32;
    for token in &status_tokens {
        for c in token.bytes() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'-' => 62,
                _ => 63,
            };
            ones += u32::from(v).count_ones();
            bits += 6;
        }
    }
    let share = f64::from(ones) / f64::from(bits);
    assert!((0.45..0.55).contains(&share), "share of one bits {share}");
    // A guessed token of the right shape finds nothing.
    assert_eq!(
        code(t.public.ticket_status(&"A".repeat(43)).await),
        (404, "unknown_ticket".into())
    );
}

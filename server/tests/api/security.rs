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
    "get /readyz",
    "get /api/v1/offices",
    "get /api/v1/congestion",
    "get /api/v1/offices/{office}/services",
    "get /api/v1/offices/{office}/booths",
    "get /api/v1/offices/{office}/slots",
    "post /api/v1/offices/{office}/reservations",
    "get /api/v1/reservations/{token}",
    "delete /api/v1/reservations/{token}",
    "put /api/v1/reservations/{token}/details",
    "get /api/v1/reservations/{token}/qr.svg",
    "get /api/v1/reservations/{token}/qr.png",
    "get /api/v1/reservations/{token}/calendar.ics",
    "get /api/v1/tickets/{status_token}",
    "post /api/v1/tickets/{status_token}/notify",
    "get /api/v1/offices/{office}/board",
    "get /api/v1/offices/{office}/events",
    "get /api/v1/offices/{office}/congestion",
    "get /api/v1/offices/{office}/okuyami/questions",
    "post /api/v1/offices/{office}/okuyami/checklist",
    "post /api/v1/session",
    "delete /api/v1/session",
];

/// Path parameters naming nothing that exists, so that the calls the
/// right role may make change nothing (they answer 404 or 400).
fn concrete(path: &str) -> String {
    path.replace("{office}", "honcho")
        .replace("{id}", "999999")
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
            .add_user("kanri", &hash, "admin", &[], &[], chrono::Utc::now())
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

/// Who may open a page or post a form.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Access {
    /// Anyone (visitor pages, the web board, assets, the login page).
    Anyone,
    /// A form of the visitor pages: refused when posted from another site.
    VisitorForm,
    /// A staff page: without a session, a redirect to the login page.
    Staff,
    /// An admin page: a staff session sees "admins only", never the data.
    Admin,
    /// A staff form: needs the session and its CSRF token.
    StaffForm,
}

/// Every route outside the OpenAPI document, with who may use it. The
/// router's source is read below: a route missing here fails the test.
const PAGES: &[(&str, &str, Access)] = &[
    ("get", "/", Access::Anyone),
    ("get", "/openapi.json", Access::Anyone),
    ("get", "/board", Access::Anyone),
    ("get", "/board/{office}", Access::Anyone),
    ("get", "/t/{token}", Access::Anyone),
    ("post", "/t/{token}/notify", Access::VisitorForm),
    ("get", "/congestion", Access::Anyone),
    ("get", "/book", Access::Anyone),
    ("get", "/book/{office}", Access::Anyone),
    ("get", "/book/{office}/{service}", Access::Anyone),
    ("get", "/book/{office}/{service}/form", Access::Anyone),
    (
        "post",
        "/book/{office}/{service}/confirm",
        Access::VisitorForm,
    ),
    (
        "post",
        "/book/{office}/{service}/submit",
        Access::VisitorForm,
    ),
    ("get", "/r/{token}", Access::Anyone),
    // Before the cancel, which our own page's post makes real.
    ("get", "/r/{token}/details", Access::Anyone),
    ("post", "/r/{token}/details", Access::VisitorForm),
    ("post", "/r/{token}/cancel", Access::VisitorForm),
    ("get", "/staff", Access::Staff),
    ("get", "/staff/login", Access::Anyone),
    ("get", "/staff/{office}", Access::Staff),
    ("post", "/staff/logout", Access::StaffForm),
    ("get", "/staff/{office}/booths/{id}", Access::Staff),
    ("get", "/staff/{office}/stats", Access::Staff),
    ("get", "/staff/admin", Access::Admin),
    ("get", "/staff/{office}/prep", Access::Staff),
    ("get", "/staff/{office}/reservations", Access::Staff),
    (
        "get",
        "/assets/fonts/BIZUDPGothic-Regular.ttf",
        Access::Anyone,
    ),
    (
        "get",
        "/assets/fonts/DroidSansFallbackFull.ttf",
        Access::Anyone,
    ),
];

/// `(method, path)` of every `.route(…)` in the router's source.
fn routes_in_source() -> BTreeSet<(String, String)> {
    let src = include_str!("../../src/http/mod.rs");
    let mut found = BTreeSet::new();
    let mut rest = src;
    while let Some(i) = rest.find(".route(") {
        rest = &rest[i + ".route(".len()..];
        let path = rest
            .trim_start()
            .strip_prefix('"')
            .and_then(|s| s.split('"').next())
            .expect("a literal path");
        let method = ["get", "post", "delete"]
            .into_iter()
            .min_by_key(|m| rest.find(&format!("routing::{m}(")).unwrap_or(usize::MAX))
            .expect("a method");
        found.insert((method.to_string(), path.to_string()));
    }
    found
}

#[tokio::test]
async fn every_page_and_form_route_has_its_guard() {
    let listed: BTreeSet<(String, String)> = PAGES
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(routes_in_source(), listed, "every page route is classified");

    let t = spawn_app().await;
    let hash = madoguchi_server::auth::hash_password(STAFF_PASSWORD).expect("hash");
    t.app
        .store
        .add_user("kanri", &hash, "admin", &[], &[], chrono::Utc::now())
        .await
        .expect("admin");
    let admin = t
        .public
        .login("kanri", STAFF_PASSWORD)
        .await
        .expect("login");
    let booked = t
        .book("okuyami", "2026-12-03T10:30:00+09:00")
        .await
        .expect("booked");
    let ticket = t.walk_in(&["shomei"], "walk").await.expect("ticket");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let concrete = |path: &str| {
        path.replace("{token}", &booked.token)
            .replace("{office}", "honcho")
            .replace("{service}", "okuyami")
            .replace("{id}", "1")
    };
    let cookie = |token: &str| format!("madoguchi_session={token}");
    let mut checked = 0;
    for (method, path, access) in PAGES {
        let url = t.url(&concrete(path));
        let url = if *path == "/t/{token}/notify" || *path == "/t/{token}" {
            t.url(&path.replace("{token}", &ticket.status_token))
        } else {
            url
        };
        let m: Method = method.to_uppercase().parse().expect("method");
        let req = || http.request(m.clone(), &url);
        match access {
            Access::Anyone => {
                // Open without credentials (a missing query is the
                // caller's mistake, 400, not a refusal).
                let r = req().send().await.expect("page");
                let status = r.status().as_u16();
                assert!(
                    status == 200 || (*path == "/book/{office}/{service}/form" && status == 400),
                    "{method} {path}: {status}"
                );
            }
            Access::Staff | Access::Admin => {
                let r = req().send().await.expect("page");
                assert_eq!(r.status(), 303, "{path} without a session");
                let to = r.headers()["location"].to_str().expect("loc");
                assert!(to.starts_with("/staff/login?next=/staff"), "{path}: {to}");
                // A device token is no staff session, even as a cookie.
                let r = req()
                    .header("cookie", cookie(&t.kiosk_token))
                    .send()
                    .await
                    .expect("page");
                assert_eq!(r.status(), 303, "{path} with a kiosk token cookie");
                let r = req()
                    .header("cookie", cookie(&t.session.token))
                    .send()
                    .await
                    .expect("page");
                let status = r.status().as_u16();
                let html = r.text().await.expect("html");
                if *access == Access::Admin {
                    assert_eq!(status, 403, "{path} with a staff session");
                    assert!(!html.contains("kiosk-test"), "no device list for staff");
                    let r = req()
                        .header("cookie", cookie(&admin.token))
                        .send()
                        .await
                        .expect("page");
                    assert_eq!(r.status(), 200, "{path} as admin");
                } else if *path == "/staff" {
                    // A clerk of one office goes straight to it.
                    assert_eq!(status, 303, "{path} with a staff session");
                } else {
                    assert_eq!(status, 200, "{path} with a staff session");
                }
            }
            Access::VisitorForm => {
                // Posted from another site: refused, nothing changes.
                for headers in [
                    [("origin", "https://evil.example"), ("x-none", "")],
                    [("origin", "null"), ("sec-fetch-site", "cross-site")],
                    [
                        ("origin", "https://evil.example"),
                        ("sec-fetch-site", "same-site"),
                    ],
                ] {
                    let mut r = req();
                    for (name, value) in headers {
                        r = r.header(name, value);
                    }
                    let r = r
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body("email=a%40example.jp&ahead=1&name=x&phone=0900000000")
                        .send()
                        .await
                        .expect("post");
                    assert_eq!(r.status(), 403, "{path} with {headers:?}");
                    let body: Value = r.json().await.expect("json");
                    assert_eq!(body["error"]["code"], "csrf_failed", "{path}");
                }
                if *path == "/r/{token}/cancel" {
                    let r = t.public.reservation(&booked.token).await.expect("read");
                    assert_eq!(
                        r.state,
                        protocol::ReservationState::Booked,
                        "forged cancels"
                    );
                }
                // From our own page it is taken (whatever its answer).
                let r = req()
                    .header("origin", "null")
                    .header("sec-fetch-site", "same-origin")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body("lang=ja")
                    .send()
                    .await
                    .expect("post");
                assert_ne!(r.status(), 403, "{path} from our own page");
            }
            Access::StaffForm => {
                // A session of its own: this one ends here.
                let admin = t
                    .public
                    .login("kanri", STAFF_PASSWORD)
                    .await
                    .expect("login");
                let r = req().send().await.expect("post");
                assert_eq!(r.status(), 303, "{path} without a session");
                let form = |csrf: &str| format!("csrf={csrf}");
                let r = req()
                    .header("cookie", cookie(&admin.token))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(form("wrong"))
                    .send()
                    .await
                    .expect("post");
                assert_eq!(r.status(), 403, "{path} without the CSRF token");
                assert!(
                    t.public
                        .with_token(admin.token.clone())
                        .staff_queue()
                        .await
                        .is_ok(),
                    "the session lives on"
                );
                let r = req()
                    .header("cookie", cookie(&admin.token))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(form(&admin.csrf_token))
                    .send()
                    .await
                    .expect("post");
                assert_eq!(r.status(), 303, "{path} with its token");
                assert!(
                    t.public
                        .with_token(admin.token.clone())
                        .staff_queue()
                        .await
                        .is_err(),
                    "logged out"
                );
            }
        }
        checked += 1;
    }
    assert_eq!(checked, PAGES.len());
    // The forged cancels changed nothing; the one from our own page did.
    assert_eq!(
        t.public
            .reservation(&booked.token)
            .await
            .expect("reservation")
            .state,
        protocol::ReservationState::Cancelled,
        "the same-origin cancel went through"
    );
}

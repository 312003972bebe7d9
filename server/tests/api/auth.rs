//! Credentials and roles.

use reqwest::Method;

use crate::helpers::*;

#[tokio::test]
async fn protected_routes_want_credentials_of_the_right_role() {
    let t = spawn_app().await;
    // No credentials → 401.
    assert_eq!(
        code(t.public.staff_queue().await),
        (401, "unauthorized".into())
    );
    assert_eq!(
        code(t.public.checkin("x").await),
        (401, "unauthorized".into())
    );
    // Unknown token → 401.
    let stranger = t.public.with_token(madoguchi_server::tokens::new_token());
    assert_eq!(
        code(stranger.staff_queue().await),
        (401, "invalid_token".into())
    );
    assert_eq!(
        code(t.public.with_token("short").staff_queue().await),
        (401, "invalid_token".into())
    );
    // Wrong role → 403.
    assert_eq!(code(t.kiosk.staff_queue().await), (403, "forbidden".into()));
    assert_eq!(code(t.board.staff_queue().await), (403, "forbidden".into()));
    assert_eq!(code(t.board.checkin("x").await), (403, "forbidden".into()));
    assert_eq!(code(t.staff.checkin("x").await), (403, "forbidden".into()));
    assert_eq!(
        code(t.kiosk.call_next("1").await),
        (403, "forbidden".into())
    );
    // The board reads the public board.
    t.board.board().await.expect("board reads");
}

#[tokio::test]
async fn wrong_passwords_are_refused_and_throttled() {
    let t = spawn_app().await;
    assert_eq!(
        code(t.public.login("sato", "wrong").await),
        (401, "invalid_credentials".into())
    );
    assert_eq!(
        code(t.public.login("nobody", "wrong").await),
        (401, "invalid_credentials".into())
    );
    for _ in 0..4 {
        let _ = t.public.login("sato", "wrong").await;
    }
    // Locked for a while, even with the right password.
    assert_eq!(
        code(t.public.login("sato", STAFF_PASSWORD).await),
        (429, "too_many_attempts".into())
    );
}

#[tokio::test]
async fn cookie_sessions_need_the_csrf_header_for_changes() {
    let t = spawn_app().await;
    let cookie = format!("madoguchi_session={}", t.session.token);
    let http = t.http();
    let get = http
        .get(t.url("/api/v1/offices/honcho/staff/queue"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("get");
    assert_eq!(get.status(), 200, "reading needs no CSRF token");
    let post = http
        .request(
            Method::POST,
            t.url("/api/v1/offices/honcho/staff/booths/1/open"),
        )
        .header("cookie", &cookie)
        .send()
        .await
        .expect("post");
    assert_eq!(post.status(), 403);
    assert!(post.text().await.expect("body").contains("csrf_failed"));
    let ok = http
        .request(
            Method::POST,
            t.url("/api/v1/offices/honcho/staff/booths/1/open"),
        )
        .header("cookie", &cookie)
        .header("x-csrf-token", &t.session.csrf_token)
        .send()
        .await
        .expect("post");
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn login_sets_an_http_only_strict_cookie_and_logout_ends_the_session() {
    let t = spawn_app().await;
    let resp = t
        .http()
        .post(t.url("/api/v1/session"))
        .json(&serde_json::json!({"username": "sato", "password": STAFF_PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(resp.status(), 201);
    let cookie = resp.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let out = t
        .http()
        .delete(t.url("/api/v1/session"))
        .bearer_auth(&t.session.token)
        .send()
        .await
        .expect("logout");
    assert_eq!(out.status(), 204);
    assert_eq!(
        code(t.staff.staff_queue().await),
        (401, "invalid_token".into())
    );
}

#[tokio::test]
async fn sessions_expire() {
    let dir = tempfile::tempdir().expect("dir");
    let morning = spawn_with(office(), TUESDAY_1005, Some(dir.path())).await;
    let token = morning.session.token.clone();
    drop(morning);
    // Nine hours later (sessions last 8).
    let evening = spawn_with(office(), "2026-12-01T19:10:00+09:00", Some(dir.path())).await;
    assert_eq!(
        code(evening.public.with_token(token).staff_queue().await),
        (401, "invalid_token".into())
    );
}

#[tokio::test]
async fn revoked_devices_and_deactivated_users_are_cut_off_at_once() {
    let t = spawn_app().await;
    t.walk_in(&["shomei"], "before").await.expect("kiosk works");
    t.staff.staff_queue().await.expect("staff works");
    let devices = t.app.store.devices().await.expect("devices");
    let kiosk = devices
        .iter()
        .find(|d| d.role == "kiosk")
        .expect("kiosk")
        .id;
    assert!(t.app.store.revoke_device(kiosk).await.expect("revoke"));
    assert_eq!(
        code(t.walk_in(&["shomei"], "after").await),
        (401, "invalid_token".into())
    );
    assert!(
        t.app
            .store
            .deactivate_user("sato")
            .await
            .expect("deactivate")
    );
    assert_eq!(
        code(t.staff.staff_queue().await),
        (401, "invalid_token".into())
    );
    assert_eq!(
        code(t.public.login("sato", STAFF_PASSWORD).await),
        (401, "invalid_credentials".into())
    );
}

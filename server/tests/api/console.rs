//! The staff console in a real browser (Debian chromium + chromium-driver)
//! at a counter PC's 1366×768, against the real server on a free port.
//! Screenshots go to `$CARGO_TARGET_TMPDIR/console-screens/`.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use crate::browser::{browser_sized, click_css, save_screenshot, text_of};
use crate::helpers::*;

/// Saves a screenshot, after checking that no text is missing from the
/// catalogue (an `undefined` or a bare message id on screen).
async fn shot(c: &Client, name: &str) {
    let text = c
        .find(Locator::Css("body"))
        .await
        .expect("body")
        .text()
        .await
        .expect("text");
    assert!(
        !text.contains("undefined"),
        "{name}: undefined text on the page"
    );
    let catalogue = messages::Catalogue::new();
    for word in text.split(|ch: char| ch.is_whitespace()) {
        assert!(
            !catalogue.has("ja", word),
            "{name}: message id {word:?} shown instead of its text"
        );
    }
    save_screenshot(c, "console-screens", name).await;
}

async fn click(c: &Client, id: &str) {
    wait_enabled(c, id).await;
    click_css(c, &format!("#{id}")).await;
}

/// Buttons are enabled once the page has the queue; wait for it.
async fn wait_enabled(c: &Client, id: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let el = c.find(Locator::Id(id)).await.expect("element");
        if el.is_enabled().await.unwrap_or(false) {
            return;
        }
        assert!(Instant::now() < deadline, "#{id} never became enabled");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_text(c: &Client, id: &str, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = match c.find(Locator::Id(id)).await {
            Ok(el) => el.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains(want) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "#{id} never showed {want:?}; it shows {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn log_in(c: &Client, t: &TestApp, path: &str) {
    log_in_as(c, t, path, "sato", STAFF_PASSWORD).await;
}

async fn log_in_as(c: &Client, t: &TestApp, path: &str, user: &str, password: &str) {
    c.goto(&t.url(path)).await.expect("page");
    // Logged out: sent to the login page, which comes back here.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !c
        .current_url()
        .await
        .expect("url")
        .path()
        .ends_with("/staff/login")
    {
        assert!(Instant::now() < deadline, "not redirected to the login");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    c.find(Locator::Id("username"))
        .await
        .expect("user field")
        .send_keys(user)
        .await
        .expect("type");
    c.find(Locator::Id("password"))
        .await
        .expect("password field")
        .send_keys(password)
        .await
        .expect("type");
    c.find(Locator::Id("login-button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("click");
    let deadline = Instant::now() + Duration::from_secs(10);
    while c.current_url().await.expect("url").path() != path {
        assert!(Instant::now() < deadline, "not back on {path} after login");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn logged_out_visits_are_redirected_and_posts_without_csrf_are_refused() {
    let t = spawn_app().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    for path in ["/staff", "/staff/honcho/booths/1"] {
        let r = http.get(t.url(path)).send().await.expect("get");
        assert_eq!(r.status(), 303, "{path}");
        assert_eq!(
            r.headers()["location"],
            format!("/staff/login?next={path}").as_str()
        );
    }
    // With the session cookie but without the CSRF header/field: refused.
    let cookie = format!("madoguchi_session={}", t.session.token);
    let r = http
        .post(t.url("/api/v1/offices/honcho/staff/booths/1/open"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "csrf_failed");
    let r = http
        .post(t.url("/staff/logout"))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("csrf=wrong")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403, "logout needs the session's token");
    let still = http
        .get(t.url("/staff/honcho"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("get");
    assert_eq!(
        still.status(),
        200,
        "the session survived the forged logout"
    );
    assert!(
        still
            .text()
            .await
            .expect("body")
            .contains(&format!("content=\"{}\"", t.session.csrf_token)),
        "the page carries the session's CSRF token"
    );
    let r = http
        .get(t.url("/staff/honcho/booths/nope"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn call_transfer_with_a_note_and_the_next_booth_sees_the_note() {
    let t = spawn_app().await;
    let ticket = t.walk_in(&["juminido"], "v1").await.expect("ticket");
    let (c, _driver, _profile) = browser_sized(1366, 768).await;
    log_in(&c, &t, "/staff/honcho/booths/1").await;
    shot(&c, "booth-closed").await;
    click(&c, "open").await;
    wait_text(&c, "booth-state", "受付中").await;
    click(&c, "call-next").await;
    wait_text(&c, "current-number", &ticket.number).await;
    // 住民異動 done; the visitor also needs a certificate: transfer with a note.
    // The options are redrawn with every event (the choice is kept):
    // find the option again if it was replaced.
    click_css(&c, "#transfer-service option[value='mynumber']").await;
    c.find(Locator::Id("transfer-note"))
        .await
        .expect("note")
        .send_keys("転入届は受理済み。マイナンバーカードの住所変更のみ")
        .await
        .expect("type");
    shot(&c, "booth-serving").await;
    click(&c, "transfer").await;
    wait_text(&c, "current-body", "呼び出し中の方はいません").await;

    // Booth 3 serves マイナンバー: the same number, with the note.
    c.goto(&t.url("/staff/honcho/booths/3"))
        .await
        .expect("booth 3");
    click(&c, "open").await;
    click(&c, "call-next").await;
    wait_text(&c, "current-number", &ticket.number).await;
    wait_text(&c, "notes", "転入届は受理済み").await;
    shot(&c, "booth-transferred").await;

    // Logging out ends the session: the console asks for the login again.
    c.find(Locator::Id("logout"))
        .await
        .expect("logout")
        .click()
        .await
        .expect("click");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !c
        .current_url()
        .await
        .expect("url")
        .path()
        .ends_with("/staff/login")
    {
        assert!(
            Instant::now() < deadline,
            "logout did not lead to the login"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    c.goto(&t.url("/staff/honcho/booths/3"))
        .await
        .expect("page");
    assert!(
        c.current_url()
            .await
            .expect("url")
            .path()
            .ends_with("/staff/login")
    );
    c.close().await.expect("close");
}

#[tokio::test]
async fn a_no_show_is_reactivated_and_keyboard_shortcuts_work() {
    let t = spawn_app().await;
    let first = t.walk_in(&["shomei"], "v1").await.expect("ticket");
    let (c, _driver, _profile) = browser_sized(1366, 768).await;
    log_in(&c, &t, "/staff/honcho/booths/2").await;
    click(&c, "open").await;
    wait_enabled(&c, "call-next").await;
    // N calls the next visitor.
    c.find(Locator::Css("body"))
        .await
        .expect("body")
        .send_keys("n")
        .await
        .expect("key");
    wait_text(&c, "current-number", &first.number).await;
    click(&c, "recall").await;
    wait_text(&c, "current-body", "呼出2回").await;
    click(&c, "no-show").await;
    wait_text(&c, "no-shows", &first.number).await;
    // The no-show list is redrawn on every event: find and click again
    // if it was replaced in between (a stale element, seen in CI).
    click_css(&c, "#no-shows button.reactivate").await;
    wait_text(&c, "waiting", &first.number).await;
    // Back in the queue at its original place: the next call gets it again.
    click(&c, "call-next").await;
    wait_text(&c, "current-number", &first.number).await;
    click(&c, "start").await;
    wait_text(&c, "current-body", "対応中").await;
    click(&c, "complete").await;
    wait_text(&c, "current-body", "呼び出し中の方はいません").await;
    c.close().await.expect("close");
}

#[tokio::test]
async fn two_counters_calling_at_once_get_different_visitors_and_see_each_other() {
    let t = spawn_app().await;
    for i in 0..2 {
        t.walk_in(&["shomei"], &format!("v{i}"))
            .await
            .expect("ticket");
    }
    let (a, _da, _pa) = browser_sized(1366, 768).await;
    let (b, _db, _pb) = browser_sized(1366, 768).await;
    log_in(&a, &t, "/staff/honcho/booths/1").await;
    log_in(&b, &t, "/staff/honcho/booths/2").await;
    click(&a, "open").await;
    click(&b, "open").await;
    wait_enabled(&a, "call-next").await;
    wait_enabled(&b, "call-next").await;
    let (ea, eb) = (
        a.find(Locator::Id("call-next")).await.expect("a"),
        b.find(Locator::Id("call-next")).await.expect("b"),
    );
    let (ra, rb) = tokio::join!(ea.click(), eb.click());
    ra.expect("click a");
    rb.expect("click b");
    wait_text(&a, "current-number", "B00").await;
    wait_text(&b, "current-number", "B00").await;
    let na = text_of(&a, "current-number").await;
    let nb = text_of(&b, "current-number").await;
    assert_ne!(na, nb, "two counters never call the same visitor");
    // Live: a new walk-in appears at both counters without reloading…
    let third = t.walk_in(&["shomei"], "v3").await.expect("ticket");
    wait_text(&a, "waiting", &third.number).await;
    wait_text(&b, "waiting", &third.number).await;
    shot(&a, "booth-live").await;
    // …and when counter A takes it, it leaves counter B's list.
    click(&a, "complete").await;
    click(&a, "call-next").await;
    wait_text(&a, "current-number", &third.number).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while text_of(&b, "waiting").await.contains(&third.number) {
        assert!(
            Instant::now() < deadline,
            "B still lists the ticket A called"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    a.close().await.expect("close a");
    b.close().await.expect("close b");
}

#[tokio::test]
async fn a_wrong_password_is_said_on_the_page_and_english_is_one_click_away() {
    let t = spawn_app().await;
    let (c, _driver, _profile) = browser_sized(1366, 768).await;
    c.goto(&t.url("/staff/login")).await.expect("page");
    c.find(Locator::Id("username"))
        .await
        .expect("user")
        .send_keys("sato")
        .await
        .expect("type");
    c.find(Locator::Id("password"))
        .await
        .expect("password")
        .send_keys("wrong-password")
        .await
        .expect("type");
    c.find(Locator::Id("login-button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("click");
    wait_text(&c, "message", "パスワードが違います").await;
    shot(&c, "login-failed").await;
    // Repeated failures lock the name for a while; the page says so.
    for _ in 0..5 {
        let _ = t.public.login("sato", "wrong-again").await;
    }
    c.find(Locator::Id("password"))
        .await
        .expect("password")
        .send_keys("wrong-password")
        .await
        .expect("type");
    c.find(Locator::Id("login-button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("click");
    wait_text(&c, "message", "しばらくしてから").await;
    c.find(Locator::Id("lang"))
        .await
        .expect("lang")
        .click()
        .await
        .expect("click");
    wait_text(&c, "login-button", "Log in").await;
    c.close().await.expect("close");
}

#[tokio::test]
async fn statistics_count_the_day_and_export_csv_for_excel() {
    let t = spawn_app().await;
    for i in 0..3 {
        t.walk_in(&["shomei"], &format!("v{i}"))
            .await
            .expect("ticket");
    }
    t.staff.booth_action("1", "open").await.expect("open");
    for _ in 0..2 {
        let called = t
            .staff
            .call_next("1")
            .await
            .expect("call")
            .ticket
            .expect("one");
        t.staff
            .ticket_action(called.id, "start")
            .await
            .expect("start");
        t.staff
            .ticket_action(called.id, "complete")
            .await
            .expect("complete");
    }
    let last = t
        .staff
        .call_next("1")
        .await
        .expect("call")
        .ticket
        .expect("one");
    t.staff
        .ticket_action(last.id, "no-show")
        .await
        .expect("absent");

    let stats: protocol::DayStats = protocol::client::decode(
        t.staff
            .raw(
                reqwest::Method::GET,
                "/api/v1/offices/honcho/staff/stats?from=2026-12-01&to=2026-12-01",
            )
            .send()
            .await
            .expect("stats"),
    )
    .await
    .expect("json");
    let shomei = stats
        .services
        .iter()
        .find(|s| s.service == "shomei")
        .expect("shomei");
    assert_eq!((shomei.tickets, shomei.served, shomei.no_shows), (3, 2, 1));
    assert!(shomei.wait_avg.is_some() && shomei.service_avg.is_some());
    assert_eq!(stats.hours.iter().map(|h| h.issued).sum::<u32>(), 3);
    let bad = t
        .staff
        .raw(
            reqwest::Method::GET,
            "/api/v1/offices/honcho/staff/stats?from=yesterday&to=2026-12-01",
        )
        .send()
        .await
        .expect("bad");
    assert_eq!(bad.status(), 400);
    for (query, code) in [
        ("from=2026-12-02&to=2026-12-01", "invalid_range"),
        ("from=2026-12-01&to=2026-12-01&format=xml", "invalid_format"),
    ] {
        let r = t
            .staff
            .raw(
                reqwest::Method::GET,
                &format!("/api/v1/offices/honcho/staff/stats?{query}"),
            )
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), 400, "{query}");
        let body: serde_json::Value = r.json().await.expect("json");
        assert_eq!(body["error"]["code"], code);
    }
    // A week: the same figures (nothing on the other days).
    let week: protocol::DayStats = protocol::client::decode(
        t.staff
            .raw(
                reqwest::Method::GET,
                "/api/v1/offices/honcho/staff/stats?from=2026-11-30&to=2026-12-06",
            )
            .send()
            .await
            .expect("stats"),
    )
    .await
    .expect("json");
    assert_eq!(week.services, stats.services);

    let cookie = format!("madoguchi_session={}", t.session.token);
    let csv = reqwest::Client::new()
        .get(t.url("/api/v1/offices/honcho/staff/stats?from=2026-12-01&to=2026-12-01&format=csv"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .expect("header")
            .contains("madoguchi-stats-2026-12-01.csv")
    );
    let bytes = csv.bytes().await.expect("body");
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert!(
        lines[0].starts_with("庁舎,日付,手続き,件数,完了,不在"),
        "{}",
        lines[0]
    );
    let row = lines
        .iter()
        .find(|l| l.contains("証明書"))
        .expect("a row for 証明書");
    assert!(
        row.starts_with("みどり市役所 本庁舎（デモ）,2026-12-01,"),
        "{row}"
    );
    assert!(row.contains(",3,2,1,"), "{row}");

    let (c, _driver, _profile) = browser_sized(1366, 768).await;
    log_in(&c, &t, "/staff/honcho/stats").await;
    wait_text(&c, "stats-table", "証明書").await;
    let svgs = c
        .find_all(Locator::Css("svg[role=img]"))
        .await
        .expect("charts");
    assert_eq!(svgs.len(), 2, "two charts");
    shot(&c, "stats").await;
    c.close().await.expect("close");
}

#[tokio::test]
async fn an_admin_manages_users_and_devices_and_changes_take_effect_at_once() {
    let t = spawn_app().await;
    let hash = madoguchi_server::auth::hash_password("admin-password-1").expect("hash");
    t.app
        .store
        .add_user("kanri", &hash, "admin", &[], &[], chrono::Utc::now())
        .await
        .expect("admin");
    // Staff are not admins.
    let refused = t
        .staff
        .raw(reqwest::Method::GET, "/api/v1/admin/users")
        .send()
        .await
        .expect("get");
    assert_eq!(refused.status(), 403);

    let (c, _driver, _profile) = browser_sized(1366, 768).await;
    log_in_as(&c, &t, "/staff/admin", "kanri", "admin-password-1").await;
    wait_text(&c, "users", "sato").await;
    wait_text(&c, "config", "証明書").await;
    // A new staff member.
    c.find(Locator::Id("new-username"))
        .await
        .expect("f")
        .send_keys("suzuki")
        .await
        .expect("type");
    c.find(Locator::Id("new-password"))
        .await
        .expect("f")
        .send_keys("suzuki-pass-1")
        .await
        .expect("type");
    // A clerk of 保険年金課: sees that department's families' details.
    click_css(&c, "#new-departments input[value='保険年金課']").await;
    click(&c, "add-user").await;
    wait_text(&c, "users", "suzuki").await;
    let row = c
        .find(Locator::Css("#users tr[data-user='suzuki'] td.departments"))
        .await
        .expect("row")
        .text()
        .await
        .expect("text");
    assert_eq!(row, "保険年金課");
    let suzuki = t
        .app
        .store
        .users()
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.username == "suzuki")
        .expect("suzuki");
    assert_eq!(suzuki.departments, ["保険年金課"]);
    assert_eq!(suzuki.offices, ["honcho"]);
    assert!(
        t.public.login("suzuki", "suzuki-pass-1").await.is_ok(),
        "the new account logs in"
    );
    // A new kiosk: its token is shown once and works.
    c.find(Locator::Id("new-device"))
        .await
        .expect("f")
        .send_keys("entrance-2")
        .await
        .expect("type");
    click(&c, "add-device").await;
    wait_text(&c, "devices", "entrance-2").await;
    let token = text_of(&c, "token").await;
    assert_eq!(token.len(), 43, "a bearer token: {token:?}");
    let kiosk = t.public.with_token(token.clone());
    let walk_in = protocol::WalkInRequest {
        services: vec!["shomei".into()],
        priority: false,
        idempotency_key: "admin-test".into(),
        language: None,
    };
    kiosk.walk_in(&walk_in).await.expect("the new token works");
    shot(&c, "admin").await;
    // Revoked: refused on its next request.
    let id = t
        .app
        .store
        .devices()
        .await
        .expect("devices")
        .into_iter()
        .find(|d| d.name == "entrance-2")
        .expect("the new device")
        .id;
    click_css(&c, &format!("#devices button.revoke[data-device='{id}']")).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match kiosk.walk_in(&walk_in).await {
            Err(e) if e.status() == Some(401) => break,
            _ => {
                assert!(Instant::now() < deadline, "the revoked token still works");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    // Deactivating sato ends sato's session at once.
    t.staff.staff_queue().await.expect("sato is logged in");
    click_css(&c, "#users button.deactivate[data-user='sato']").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while t.staff.staff_queue().await.is_ok() {
        assert!(Instant::now() < deadline, "sato's session survived");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    c.close().await.expect("close");
}

async fn post_json(t: &TestApp, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let r = t
        .staff
        .raw(reqwest::Method::POST, path)
        .json(&body)
        .send()
        .await
        .expect("post");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn staff_check_in_cancel_and_move_reservations_with_a_reason() {
    let t = spawn_app().await;
    let late = t
        .book("okuyami", "2026-12-01T13:30:00+09:00")
        .await
        .expect("book");
    let tomorrow = t
        .book("okuyami", "2026-12-02T10:30:00+09:00")
        .await
        .expect("book");
    let to_move = t
        .book("okuyami", "2026-12-01T10:30:00+09:00")
        .await
        .expect("book");
    let to_cancel = t
        .book("okuyami", "2026-12-01T15:00:00+09:00")
        .await
        .expect("book");

    // By hand: staff may check in a visitor the kiosk calls too early.
    let path = format!(
        "/api/v1/offices/honcho/staff/reservations/{}/checkin",
        late.id
    );
    let (status, first) = post_json(&t, &path, serde_json::json!({})).await;
    assert_eq!(status, 201, "{first}");
    let (status, again) = post_json(&t, &path, serde_json::json!({})).await;
    assert_eq!((status, &again["number"]), (200, &first["number"]));
    let (status, body) = post_json(
        &t,
        &format!(
            "/api/v1/offices/honcho/staff/reservations/{}/checkin",
            tomorrow.id
        ),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("wrong_day"))
    );

    // Cancel needs a reason; the reason stays with the reservation only.
    let cancel = format!(
        "/api/v1/offices/honcho/staff/reservations/{}/cancel",
        to_cancel.id
    );
    let (status, body) = post_json(&t, &cancel, serde_json::json!({"reason": "  "})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_reason"))
    );
    let (status, body) = post_json(
        &t,
        &cancel,
        serde_json::json!({"reason": "ご家族から電話：日程を改めるとのこと"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "cancelled");
    assert_eq!(
        body["change_reason"],
        "ご家族から電話：日程を改めるとのこと"
    );
    let (status, body) = post_json(&t, &cancel, serde_json::json!({"reason": "again"})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("cancelled"))
    );

    // Move: only to a real slot with room.
    let mv = format!(
        "/api/v1/offices/honcho/staff/reservations/{}/move",
        to_move.id
    );
    let (status, body) = post_json(
        &t,
        &mv,
        serde_json::json!({"start": "2026-12-01T11:11:00+09:00", "reason": "x"}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("unknown_slot"))
    );
    t.book("okuyami", "2026-12-03T09:00:00+09:00")
        .await
        .expect("book");
    t.book("okuyami", "2026-12-03T09:00:00+09:00")
        .await
        .expect("book");
    let (status, body) = post_json(
        &t,
        &mv,
        serde_json::json!({"start": "2026-12-03T09:00:00+09:00", "reason": "x"}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("slot_full"))
    );
    let (status, body) = post_json(
        &t,
        &mv,
        serde_json::json!({"start": "2026-12-03T13:30:00+09:00", "reason": "おくやみコーナー臨時休止のため"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["start"]
            .as_str()
            .expect("start")
            .starts_with("2026-12-03T13:30")
    );
    // The visitor's own page shows the new time; the event stream never the reason.
    let mine = t
        .public
        .reservation(&to_move.token)
        .await
        .expect("reservation");
    assert_eq!(mine.start.to_rfc3339(), "2026-12-03T13:30:00+09:00");
    let events = t.app.store.events_after(0, 1000).await.expect("events");
    let all = serde_json::to_string(&events).expect("json");
    assert!(
        !all.contains("臨時休止") && !all.contains("ご家族"),
        "no reasons in events"
    );
}

#[tokio::test]
async fn the_reservations_page_lists_the_day_and_checks_in_by_hand() {
    let t = spawn_app().await;
    let r = t
        .book("okuyami", "2026-12-01T13:30:00+09:00")
        .await
        .expect("book");
    let other = t
        .book("okuyami", "2026-12-01T15:00:00+09:00")
        .await
        .expect("book");
    let (c, _driver, _profile) = browser_sized(1366, 768).await;
    log_in(&c, &t, "/staff/honcho/reservations").await;
    wait_text(&c, "reservations", "山田 花子").await;
    click_css(&c, &format!("button.checkin[data-id='{}']", r.id)).await;
    wait_text(&c, "message", "O001").await;
    wait_text(&c, "reservations", "受付済み").await;
    // Cancel the other with a reason.
    click_css(&c, &format!("details[data-id='{}'] summary", other.id)).await;
    c.find(Locator::Id(&format!("reason-{}", other.id)))
        .await
        .expect("reason")
        .send_keys("体調不良のため後日")
        .await
        .expect("type");
    click_css(&c, &format!("button.cancel[data-id='{}']", other.id)).await;
    wait_text(&c, "reservations", "体調不良のため後日").await;
    wait_text(&c, "reservations", "取消").await;
    shot(&c, "reservations").await;
    c.close().await.expect("close");
}

#[tokio::test]
async fn a_reservation_shows_its_pre_entry_answers_at_the_booth() {
    let t = spawn_app().await;
    let r = t
        .book_answering(
            "2026-12-01T10:30:00+09:00",
            "山田 花子",
            serde_json::json!({"relationship": "長女", "insurance": "kokuho"}),
        )
        .await;
    t.kiosk.checkin(&r.token).await.expect("check in");
    let (c, _driver, _profile) = browser_sized(1366, 768).await;
    log_in(&c, &t, "/staff/honcho/booths/okuyami-1").await;
    click(&c, "open").await;
    click(&c, "call-next").await;
    wait_text(&c, "current-number", "O001").await;
    wait_text(&c, "current-body", "予約").await;
    wait_text(&c, "current-body", "relationship").await;
    wait_text(&c, "current-body", "長女").await;
    wait_text(&c, "checklist", "国民健康保険 葬祭費の申請").await;
    // The take-home summary is there for any clerk; the family's forms
    // only for a clerk of its departments (sato has none).
    wait_text(&c, "print-summary", "手続きのまとめ").await;
    assert!(
        c.find(Locator::Id("print-forms")).await.is_err(),
        "no forms link for a clerk of no department"
    );
    let body = text_of(&c, "current-body").await;
    assert!(
        !body.contains("undefined"),
        "every text is in the catalogue: {body}"
    );
    shot(&c, "booth-reservation").await;
    c.close().await.expect("close");
}

#[tokio::test]
async fn the_questionnaire_gives_a_checklist_and_each_department_its_prep_list() {
    let t = spawn_app().await;
    let questions = t
        .http()
        .get(t.url("/api/v1/offices/honcho/okuyami/questions"))
        .send()
        .await
        .expect("questions");
    let questions: Vec<protocol::Question> = questions.json().await.expect("json");
    assert!((20..=30).contains(&questions.len()));
    assert!(questions.iter().all(|q| q.text.contains_key("en")));

    let mut answers = serde_json::Map::new();
    for q in &questions {
        let v = match q.kind {
            protocol::QuestionKind::YesNo => serde_json::json!(false),
            protocol::QuestionKind::Choice => serde_json::json!(q.choices[0].id),
        };
        answers.insert(q.id.clone(), v);
    }
    answers.insert("relationship".into(), serde_json::json!("spouse"));
    answers.insert("insurance".into(), serde_json::json!("kokuho"));
    answers.insert("age".into(), serde_json::json!("65to74"));
    answers.insert("land".into(), serde_json::json!(true));
    let r = t
        .http()
        .post(t.url("/api/v1/offices/honcho/okuyami/checklist"))
        .json(&serde_json::json!({ "answers": answers }))
        .send()
        .await
        .expect("checklist");
    assert_eq!(r.status(), 200);
    let list: protocol::Checklist = r.json().await.expect("json");
    let ids: Vec<&str> = list.procedures.iter().map(|p| p.id.as_str()).collect();
    for want in ["kokuho_loss", "kokuho_funeral", "kaigo_loss", "fixed_asset"] {
        assert!(ids.contains(&want), "{want} in {ids:?}");
    }
    let grant = &list.procedures[ids
        .iter()
        .position(|i| *i == "kokuho_funeral")
        .expect("grant")];
    assert!(grant.at_original_department && grant.place["ja"].contains("保険年金課"));
    // Wrong answers are named.
    let mut wrong = answers.clone();
    wrong.insert("age".into(), serde_json::json!("200"));
    let r = t
        .http()
        .post(t.url("/api/v1/offices/honcho/okuyami/checklist"))
        .json(&serde_json::json!({ "answers": wrong }))
        .send()
        .await
        .expect("checklist");
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "invalid_answers");
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("msg")
            .contains("age")
    );

    // A family books with these answers; departments see what concerns them.
    t.book_answering(
        "2026-12-02T10:30:00+09:00",
        "鈴木 一郎",
        serde_json::Value::Object(answers.clone()),
    )
    .await;
    let prep = |dept: &str| {
        let path = format!(
            "/api/v1/offices/honcho/staff/prep?date=2026-12-02&department={}",
            percent(dept)
        );
        let staff = t.staff.clone();
        async move {
            let r = staff
                .raw(reqwest::Method::GET, &path)
                .send()
                .await
                .expect("prep");
            (
                r.status().as_u16(),
                r.json::<serde_json::Value>().await.expect("json"),
            )
        }
    };
    let (status, body) = prep("保険年金課").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"].as_array().expect("items").len(), 1);
    let procs: Vec<&str> = body["items"][0]["procedures"]
        .as_array()
        .expect("procedures")
        .iter()
        .map(|p| p["id"].as_str().expect("id"))
        .collect();
    assert_eq!(procs, vec!["kokuho_loss", "kokuho_funeral"]);
    assert_eq!(body["items"][0]["reservation"]["name"], "鈴木 一郎");
    let (_, tax) = prep("税務課").await;
    assert_eq!(tax["items"][0]["procedures"][0]["id"], "fixed_asset");
    let (_, env) = prep("環境課").await;
    assert_eq!(
        env["items"].as_array().expect("items").len(),
        0,
        "no dog, nothing to prepare"
    );
    let (status, body) = prep("宇宙課").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("unknown_department"))
    );

    let (c, _driver, _profile) = browser_sized(1366, 768).await;
    log_in(&c, &t, "/staff/honcho/prep").await;
    c.goto(&t.url(&format!(
        "/staff/honcho/prep?date=2026-12-02&department={}",
        percent("保険年金課")
    )))
    .await
    .expect("page");
    wait_text(&c, "prep", "鈴木 一郎").await;
    wait_text(&c, "prep", "国民健康保険 葬祭費の申請").await;
    wait_text(&c, "prep", "担当課で").await;
    shot(&c, "prep").await;
    c.close().await.expect("close");
}

//! Visitor pages: the phone status page behind the ticket's QR code.

use std::time::{Duration, Instant};

use fantoccini::Locator;

use crate::browser::{browser_sized, text_of};
use crate::helpers::*;

#[tokio::test]
async fn the_status_page_answers_without_javascript_and_unknown_codes_get_a_clear_page() {
    let t = spawn_app().await;
    t.walk_in(&["shomei"], "first").await.expect("ticket");
    let mine = t.walk_in(&["shomei"], "mine").await.expect("ticket");
    let path = format!("/t/{}", mine.status_token);
    assert!(mine.status_url.ends_with(&path), "the QR points here");
    let r = t.http().get(t.url(&path)).send().await.expect("page");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("html");
    assert!(html.contains(&mine.number));
    assert!(html.contains("前に1人"), "people ahead");
    assert!(html.contains("待ち時間の目安"), "wait as a range");
    assert!(html.contains("1階 市民課"), "where to wait");
    assert!(
        html.contains(r#"http-equiv="refresh""#),
        "reloads itself without JavaScript"
    );
    let en = t
        .http()
        .get(t.url(&format!("{path}?lang=en")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(en.contains("1 person ahead"), "English");
    for bad in ["/t/not-a-token", &format!("/t/{}", "A".repeat(43))] {
        let r = t.http().get(t.url(bad)).send().await.expect("page");
        assert_eq!(r.status(), 404, "{bad}");
        let html = r.text().await.expect("html");
        assert!(html.contains("この番号札は見つかりません"), "{bad}");
        assert!(
            html.starts_with("<!doctype html>"),
            "a page, not an error dump"
        );
    }
}

#[tokio::test]
async fn the_status_page_on_a_phone_shows_the_call_as_it_happens() {
    let t = spawn_app().await;
    let ticket = t.walk_in(&["shomei"], "v1").await.expect("ticket");
    let (c, _driver, _profile) = browser_sized(390, 844).await;
    c.goto(&t.url(&format!("/t/{}?lang=ja", ticket.status_token)))
        .await
        .expect("page");
    assert_eq!(text_of(&c, "number").await, ticket.number);
    assert!(text_of(&c, "headline").await.contains("お待ちください"));
    // Give the page its event stream, then call the ticket at booth 3.
    tokio::time::sleep(Duration::from_millis(500)).await;
    t.staff.booth_action("3", "open").await.expect("open");
    t.staff.call_next("3").await.expect("call");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !text_of(&c, "headline").await.contains("お呼びしています") {
        assert!(
            Instant::now() < deadline,
            "the call did not reach the phone"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        text_of(&c, "detail")
            .await
            .contains("3番窓口へお越しください")
    );
    let png = c.screenshot().await.expect("screenshot");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("web-screens");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("phone-status-called.png"), &png).expect("write");
    eprintln!(
        "screenshot: {}",
        dir.join("phone-status-called.png").display()
    );
    assert!(c.find(Locator::Id("offline")).await.is_ok());
    c.close().await.expect("close");
}

#[tokio::test]
async fn the_reservation_page_shows_the_qr_and_checklist_and_cancels_in_two_steps() {
    let t = spawn_app().await;
    let created = t
        .public
        .create_reservation(&protocol::CreateReservation {
            service: "okuyami".into(),
            start: chrono::DateTime::parse_from_rfc3339("2026-12-02T13:30:00+09:00").expect("t"),
            name: Some("山田 花子".into()),
            email: None,
            phone: None,
            answers: serde_json::json!({"insurance": "kokuho", "land": true})
                .as_object()
                .cloned(),
        })
        .await
        .expect("book");
    let path = format!("/r/{}", created.token);
    assert!(
        created.manage_url.ends_with(&path),
        "the QR and e-mail point here"
    );
    let html = t
        .http()
        .get(t.url(&format!("{path}?lang=ja")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(html.contains("おくやみコーナー"));
    assert!(html.contains("2026-12-02 13:30–15:00"));
    assert!(html.contains(&format!("/api/v1/reservations/{}/qr.svg", created.token)));
    assert!(html.contains("国民健康保険 葬祭費の申請"), "the checklist");
    assert!(html.contains("固定資産税"), "the checklist");
    assert!(html.contains("calendar.ics"));
    // Cancelling asks first …
    let ask = t
        .http()
        .get(t.url(&format!("{path}?cancel=1&lang=ja")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(ask.contains("この予約を取り消しますか"));
    let still = t.public.reservation(&created.token).await.expect("r");
    assert_eq!(
        still.state,
        protocol::ReservationState::Booked,
        "asking changes nothing"
    );
    // … then the form cancels and shows the page again.
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = no_redirect
        .post(t.url(&format!("{path}/cancel")))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], path.as_str());
    let gone = t.public.reservation(&created.token).await.expect("r");
    assert_eq!(gone.state, protocol::ReservationState::Cancelled);
    let html = t
        .http()
        .get(t.url(&format!("{path}?lang=ja")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("取消") && !html.contains("qr.svg"),
        "no QR for a cancelled booking"
    );
    let r = t
        .http()
        .get(t.url(&format!("/r/{}", "A".repeat(43))))
        .send()
        .await
        .expect("page");
    assert_eq!(r.status(), 404);
    let body = r.text().await.expect("html");
    assert!(
        body.contains("この予約は見つかりません") || body.contains("find this reservation"),
        "{body}"
    );
}

#[tokio::test]
async fn the_congestion_page_shows_lamps_and_the_usual_wait_by_hour() {
    let t = spawn_app().await;
    for i in 0..8 {
        t.walk_in(&["juminido"], &format!("j{i}"))
            .await
            .expect("ticket");
    }
    for i in 0..2 {
        t.walk_in(&["shomei"], &format!("s{i}"))
            .await
            .expect("ticket");
    }
    t.staff.booth_action("3", "open").await.expect("open");
    for _ in 0..2 {
        let called = t
            .staff
            .call_next("3")
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
    let data: protocol::Congestion = t
        .http()
        .get(t.url("/api/v1/congestion"))
        .send()
        .await
        .expect("api")
        .json()
        .await
        .expect("json");
    let of = |id: &str| {
        data.services
            .iter()
            .find(|s| s.service == id)
            .cloned()
            .expect("service")
    };
    let busy = of("juminido");
    assert_eq!(busy.waiting, 8);
    assert_eq!(
        busy.lamp, "red",
        "8 waiting, no counter open: {:?}",
        busy.estimated_wait
    );
    assert_eq!(of("kokuho").lamp, "blue");
    let shomei = of("shomei");
    assert_eq!(shomei.by_hour.len(), 1, "{:?}", shomei.by_hour);
    assert_eq!((shomei.by_hour[0].hour, shomei.by_hour[0].samples), (10, 2));
    assert_eq!(data.history_weeks, 4);

    let html = t
        .http()
        .get(t.url("/congestion?lang=ja"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("混んでいます") && html.contains("空いています"),
        "lamps in words"
    );
    assert!(html.contains("8人待ち"));
    assert!(html.contains(r#"<svg role="img""#), "the usual-wait chart");
    assert!(
        html.contains("/visitor/congestion.js"),
        "figures refresh in place"
    );
    assert!(!html.contains("http-equiv"), "no meta refresh (WCAG 2.2.1)");

    let (c, _driver, _profile) = browser_sized(390, 844).await;
    c.goto(&t.url("/congestion?lang=ja")).await.expect("page");
    assert!(text_of(&c, "congestion").await.contains("住民異動"));
    let png = c.screenshot().await.expect("screenshot");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("web-screens");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("congestion.png"), &png).expect("write");
    eprintln!("screenshot: {}", dir.join("congestion.png").display());
    c.close().await.expect("close");
}

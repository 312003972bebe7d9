//! Visitor pages: the phone status page behind the ticket's QR code.

use std::time::{Duration, Instant};

use fantoccini::Locator;

use crate::browser::{browser_sized, save_screenshot, text_of};
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
            html.to_ascii_lowercase().starts_with("<!doctype html>"),
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
    save_screenshot(&c, "web-screens", "phone-status-called").await;
    assert!(c.find(Locator::Id("offline")).await.is_ok());
    c.close().await.expect("close");
}

#[tokio::test]
async fn a_visitor_registers_for_the_turn_mail_from_the_status_page() {
    let t = spawn_app().await;
    for i in 0..4 {
        t.walk_in(&["shomei"], &format!("before-{i}"))
            .await
            .expect("ticket");
    }
    let ticket = t.walk_in(&["shomei"], "mine").await.expect("ticket");
    let (c, _driver, _profile) = browser_sized(390, 844).await;
    let page = t.url(&format!("/t/{}?lang=ja", ticket.status_token));
    c.goto(&page).await.expect("page");
    let email = c
        .find(Locator::Id("notify-email"))
        .await
        .expect("e-mail field");
    email.send_keys("taro@example.jp").await.expect("type");
    c.find(Locator::Css("#notify-ahead option[value='2']"))
        .await
        .expect("choice of 2")
        .click()
        .await
        .expect("choose");
    c.find(Locator::Css("#notify button[type=submit]"))
        .await
        .expect("button")
        .click()
        .await
        .expect("submit");
    let deadline = Instant::now() + Duration::from_secs(10);
    let done = loop {
        if let Ok(e) = c.find(Locator::Id("notify-done")).await {
            break e.text().await.expect("text");
        }
        assert!(Instant::now() < deadline, "no confirmation on the page");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(done.contains("登録しました"), "{done}");
    assert!(done.contains("前に2人"), "{done}");
    assert!(done.contains("ta***@example.jp"), "masked address: {done}");
    assert!(!done.contains("taro@"), "the full address is not shown");
    assert_eq!(
        text_of(&c, "number").await,
        ticket.number,
        "back on the status page"
    );
    save_screenshot(&c, "web-screens", "phone-status-mail-registered").await;
    let reg = t
        .app
        .first_office()
        .registration_for(&ticket.status_token)
        .await
        .expect("stored");
    assert_eq!(
        (reg.email.as_str(), reg.ahead, reg.lang.as_str()),
        ("taro@example.jp", 2, "ja")
    );

    // A mistyped address is refused with a message, and nothing is stored.
    let other = t.walk_in(&["shomei"], "other").await.expect("ticket");
    c.goto(&t.url(&format!("/t/{}?lang=en", other.status_token)))
        .await
        .expect("page");
    c.find(Locator::Id("notify-email"))
        .await
        .expect("field")
        .send_keys("taro@@example")
        .await
        .expect("type");
    // The browser's own check would stop the form; the server's is tested.
    c.execute(
        "document.getElementById('notify-email').type='text'",
        vec![],
    )
    .await
    .expect("script");
    c.find(Locator::Css("#notify button[type=submit]"))
        .await
        .expect("button")
        .click()
        .await
        .expect("submit");
    let deadline = Instant::now() + Duration::from_secs(10);
    while c.find(Locator::Css("#notify .error")).await.is_err() {
        assert!(Instant::now() < deadline, "no error shown");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let err = c
        .find(Locator::Css("#notify .error"))
        .await
        .expect("error")
        .text()
        .await
        .expect("text");
    assert!(err.contains("does not look right"), "{err}");
    assert!(
        t.app
            .first_office()
            .registration_for(&other.status_token)
            .await
            .is_none()
    );
    c.close().await.expect("close");
}

#[tokio::test]
async fn the_reservation_page_shows_the_qr_and_checklist_and_cancels_in_two_steps() {
    let t = spawn_app().await;
    let created = t
        .book_answering(
            "2026-12-02T13:30:00+09:00",
            "山田 花子",
            serde_json::json!({"insurance": "kokuho", "land": true}),
        )
        .await;
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
    assert!(
        html.contains(&format!("予約番号: <b>{:06}</b>", created.id)),
        "the reservation number to quote on the phone"
    );
    assert!(html.contains(&format!("/api/v1/reservations/{}/qr.svg", created.token)));
    assert!(html.contains("国民健康保険 葬祭費の申請"), "the checklist");
    assert!(html.contains("固定資産税"), "the checklist");
    assert!(html.contains("calendar.ics"));
    // The same QR as PNG (for e-mail and printing).
    let png = t
        .http()
        .get(t.url(&format!("/api/v1/reservations/{}/qr.png", created.token)))
        .send()
        .await
        .expect("png");
    assert_eq!(png.headers()["content-type"], "image/png");
    let bytes = png.bytes().await.expect("bytes");
    let img = image::load_from_memory(&bytes).expect("a PNG");
    assert!(
        img.width() >= 240 && img.width() == img.height(),
        "square QR"
    );
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
    // Back to the page, in the language it was shown in.
    assert_eq!(r.headers()["location"], format!("{path}?lang=ja").as_str());
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
        html.contains("取り消し済み") && !html.contains("qr.svg"),
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
        .get(t.url("/api/v1/offices/honcho/congestion"))
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
        busy.lamp.as_str(),
        "red",
        "8 waiting, no counter open: {:?}",
        busy.estimated_wait
    );
    assert_eq!(of("kokuho").lamp.as_str(), "blue");
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
    save_screenshot(&c, "web-screens", "congestion").await;
    c.close().await.expect("close");
}

#[tokio::test]
async fn a_family_books_an_okuyami_slot_through_the_pages_and_answers_the_questions() {
    let t = spawn_app().await;
    let (c, _driver, _profile) = browser_sized(500, 900).await;
    c.goto(&t.url("/book?lang=ja")).await.expect("page");
    c.find(Locator::Css("a[href^='/book/honcho/okuyami']"))
        .await
        .expect("okuyami")
        .click()
        .await
        .expect("click");
    c.find(Locator::Css("a.slot.free"))
        .await
        .expect("a free slot")
        .click()
        .await
        .expect("click");
    // Sent empty: the reasons stand next to the fields.
    c.find(Locator::Id("to-confirm"))
        .await
        .expect("b")
        .click()
        .await
        .expect("click");
    assert!(
        text_of(&c, "err-name")
            .await
            .contains("お名前を入力してください")
    );
    assert!(
        text_of(&c, "err-phone")
            .await
            .contains("電話番号かメールアドレス")
    );
    assert!(
        text_of(&c, "err-q_insurance")
            .await
            .contains("この質問にお答えください")
    );
    c.find(Locator::Id("name"))
        .await
        .expect("f")
        .send_keys("佐藤 一郎")
        .await
        .expect("type");
    c.find(Locator::Id("phone"))
        .await
        .expect("f")
        .send_keys("090-1111-2222")
        .await
        .expect("type");
    // Answer every question with its first option, then 国保 and land.
    let fieldsets = c
        .find_all(Locator::Css("fieldset.question"))
        .await
        .expect("questions");
    assert!(fieldsets.len() >= 20, "the questionnaire is on the form");
    for f in fieldsets {
        f.find(Locator::Css("input[type=radio]"))
            .await
            .expect("radio")
            .click()
            .await
            .expect("click");
    }
    c.find(Locator::Css("input[name=q_insurance][value=kokuho]"))
        .await
        .expect("r")
        .click()
        .await
        .expect("click");
    c.find(Locator::Css("input[name=q_land][value=yes]"))
        .await
        .expect("r")
        .click()
        .await
        .expect("click");
    c.find(Locator::Id("to-confirm"))
        .await
        .expect("b")
        .click()
        .await
        .expect("click");
    let deadline = Instant::now() + Duration::from_secs(10);
    while c.find(Locator::Id("book-it")).await.is_err() {
        assert!(Instant::now() < deadline, "no confirmation page");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(c.source().await.expect("html").contains("佐藤 一郎"));
    c.find(Locator::Id("book-it"))
        .await
        .expect("b")
        .click()
        .await
        .expect("click");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !c
        .current_url()
        .await
        .expect("url")
        .path()
        .starts_with("/r/")
    {
        assert!(Instant::now() < deadline, "not on the reservation page");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page = c.source().await.expect("html");
    assert!(page.contains("ご予約を承りました"));
    assert!(page.contains("qr.svg"), "the QR code");
    assert!(
        page.contains("国民健康保険 葬祭費の申請") && page.contains("固定資産税"),
        "the checklist"
    );
    save_screenshot(&c, "web-screens", "booking-done").await;
    c.close().await.expect("close");
    // Staff see it with its answers.
    let list = t
        .staff
        .staff_reservations(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("d"))
        .await
        .expect("list");
    let mine = list
        .iter()
        .find(|r| r.name.as_deref() == Some("佐藤 一郎"))
        .expect("booked");
    assert_eq!(
        mine.answers.as_ref().expect("answers")["insurance"],
        "kokuho"
    );
    assert_eq!(mine.answers.as_ref().expect("answers")["land"], true);
}

#[tokio::test]
async fn sending_the_confirmation_many_times_at_once_books_once_even_after_a_restart() {
    let dir = tempfile::tempdir().expect("dir");
    let t = spawn_with(office(), TUESDAY_1005, Some(dir.path())).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let form = [
        ("start", "2026-12-01T15:00:00+09:00"),
        ("name", "二重 送信"),
        ("phone", "090-3333-4444"),
        ("form_key", "K".repeat(43).leak() as &str),
        ("q_relationship", "child"),
        ("q_chief_mourner", "yes"),
        ("q_age", "75plus"),
        ("q_was_head", "no"),
        ("q_household", "none"),
        ("q_insurance", "kouki"),
        ("q_care_certified", "no"),
        ("q_high_costs", "no"),
        ("q_pension", "none"),
        ("q_paid_in", "no"),
        ("q_child_under18", "no"),
        ("q_seal", "no"),
        ("q_disability_card", "no"),
        ("q_medical_card", "no"),
        ("q_child_allowance", "no"),
        ("q_land", "no"),
        ("q_vehicle", "no"),
        ("q_account_transfer", "no"),
        ("q_water", "no"),
        ("q_housing", "no"),
    ];
    let body: String = form
        .iter()
        .map(|(k, v)| format!("{k}={}", percent(v)))
        .collect::<Vec<_>>()
        .join("&");
    let submit = |t: &TestApp| {
        let request = client
            .post(t.url("/book/honcho/okuyami/submit?lang=ja"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone());
        async move {
            let r = request.send().await.expect("post");
            assert_eq!(r.status(), 303);
            r.headers()["location"].to_str().expect("loc").to_string()
        }
    };
    let booked = |t: &TestApp| {
        let staff = t.staff.clone();
        async move {
            staff
                .staff_reservations(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("d"))
                .await
                .expect("list")
                .iter()
                .filter(|r| r.name.as_deref() == Some("二重 送信"))
                .count()
        }
    };
    // Eight taps of the same confirmation page at the same instant (two
    // bookings were made when the keys lived in a map beside the lock).
    let places = futures::future::join_all((0..8).map(|_| submit(&t))).await;
    assert!(places[0].starts_with("/r/"), "{}", places[0]);
    assert_eq!(
        places.iter().filter(|p| **p == places[0]).count(),
        8,
        "the same reservation: {places:?}"
    );
    assert_eq!(booked(&t).await, 1);
    // The key is kept with the booking: after a restart a reload of the
    // page still shows that booking instead of making another.
    drop(t);
    let t = spawn_with(office(), TUESDAY_1005, Some(dir.path())).await;
    assert_eq!(submit(&t).await, places[0]);
    assert_eq!(booked(&t).await, 1);
    // A bad e-mail gets its reason next to the field (422), nothing booked.
    let r = client
        .post(t.url("/book/honcho/okuyami/confirm?lang=ja"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("start=2026-12-01T15%3A00%3A00%2B09%3A00&name=x&email=not-an-address")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("html");
    assert!(
        html.contains(r#"id="err-email""#)
            && html.contains("メールアドレスの形式が正しくありません")
    );
}

#[tokio::test]
async fn okuyami_is_booked_two_working_days_ahead() {
    // The demo office as shipped: おくやみ needs two working days' notice.
    let mut office = madoguchi_server::config::Office::demo();
    office.security.kiosk_requests_per_minute = 1_000;
    let t = spawn_with(office, TUESDAY_1005, None).await;
    let code = |r: Result<protocol::ReservationCreated, protocol::ClientError>| {
        r.err()
            .and_then(|e| e.code().map(|c| c.as_str().to_string()))
    };
    // Tuesday → Wednesday is one working day ahead, Thursday two.
    assert_eq!(
        code(t.book("okuyami", "2026-12-02T10:30:00+09:00").await),
        Some("too_late_to_book".into())
    );
    t.book("okuyami", "2026-12-03T10:30:00+09:00")
        .await
        .expect("two working days ahead");
    let slots: Vec<protocol::Slot> = t
        .http()
        .get(t.url("/api/v1/offices/honcho/slots?service=okuyami&from=2026-12-01&to=2026-12-03"))
        .send()
        .await
        .expect("slots")
        .json()
        .await
        .expect("json");
    // Tuesday and Wednesday are inside the lead time, not full: the
    // slots say so, and so does the page (受付終了, never 満席).
    let closed = |day: &str| {
        slots
            .iter()
            .filter(|s| s.start.date_naive().to_string() == day)
            .map(|s| (s.start.format("%H:%M").to_string(), s.bookable, s.closed))
            .collect::<Vec<_>>()
    };
    use protocol::SlotClosed::*;
    for day in ["2026-12-01", "2026-12-02"] {
        assert_eq!(
            closed(day),
            ["09:00", "10:30", "13:30", "15:00"].map(|t| (
                t.to_string(),
                false,
                Some(TooLateToBook)
            )),
            "{day}"
        );
    }
    let thursday = closed("2026-12-03");
    assert_eq!(thursday.len(), 4);
    let ten_thirty = slots
        .iter()
        .find(|s| s.start.to_rfc3339() == "2026-12-03T10:30:00+09:00")
        .expect("10:30");
    if ten_thirty.capacity == 1 {
        assert_eq!(
            (ten_thirty.bookable, ten_thirty.closed),
            (false, Some(SlotFull))
        );
    }
    assert_eq!(
        thursday.iter().filter(|(_, bookable, _)| *bookable).count(),
        if ten_thirty.capacity == 1 { 3 } else { 4 }
    );
    assert!(slots.iter().all(|s| s.bookable == (s.available > 0)));
    let page = t
        .http()
        .get(t.url("/book/honcho/okuyami?from=2026-12-01"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert_eq!(page.matches("<span>受付終了</span>").count(), 8, "{page}");
    assert_eq!(
        page.matches("<span>満席</span>").count(),
        usize::from(ten_thirty.capacity == 1)
    );
    assert!(page.contains("この手続きは、2営業日前までにご予約ください"));
}

/// The phone status page in Korean and in やさしい日本語 (furigana as
/// <ruby>), following the browser's language, and the live line's plural
/// in English once the visitor ahead is called ("1 person ahead", not
/// "1 people ahead" as the page script wrote before).
#[tokio::test]
async fn the_status_page_speaks_korean_and_easy_japanese_with_furigana() {
    let t = spawn_app().await;
    let texts = messages::Catalogue::new();
    t.walk_in(&["shomei"], "first").await.expect("ticket");
    t.walk_in(&["shomei"], "second").await.expect("ticket");
    let mine = t.walk_in(&["shomei"], "mine").await.expect("ticket");
    let (c, _driver, _profile) = browser_sized(390, 844).await;
    let page = t.url(&format!("/t/{}", mine.status_token));

    c.goto(&format!("{page}?lang=ko")).await.expect("page");
    assert_eq!(
        text_of(&c, "headline").await,
        texts.text("ko", "status-waiting")
    );
    let ahead = texts.text_with("ko", "status-ahead", &[("count", messages::Arg::Num(2))]);
    assert!(text_of(&c, "detail").await.contains(&ahead), "{ahead}");
    save_screenshot(&c, "web-screens", "phone-status-ko").await;

    c.goto(&format!("{page}?lang=ja-x-easy"))
        .await
        .expect("page");
    let lang = c
        .find(Locator::Css("html"))
        .await
        .expect("html")
        .attr("lang")
        .await
        .expect("attr");
    assert_eq!(lang.as_deref(), Some("ja-x-easy"));
    let readings = c
        .find_all(Locator::Css("main ruby rt"))
        .await
        .expect("ruby");
    assert!(
        readings.len() >= 5,
        "furigana over the kanji: {}",
        readings.len()
    );
    let first = readings[0].text().await.expect("text");
    assert!(
        first.chars().all(|ch| ('ぁ'..='ゟ').contains(&ch)),
        "readings are hiragana: {first}"
    );
    let title = c.title().await.expect("title");
    assert!(!title.contains('｜') && !title.contains('《'), "{title}");
    save_screenshot(&c, "web-screens", "phone-status-easy").await;

    // English, live: the first visitor is called, the page says 1 person.
    c.goto(&format!("{page}?lang=en")).await.expect("page");
    assert!(text_of(&c, "detail").await.contains("2 people ahead"));
    tokio::time::sleep(Duration::from_millis(500)).await;
    t.staff.booth_action("3", "open").await.expect("open");
    t.staff.call_next("3").await.expect("call");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !text_of(&c, "detail").await.contains("ahead")
        || text_of(&c, "detail").await.contains("2 people")
    {
        assert!(
            Instant::now() < deadline,
            "the call did not reach the phone"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let detail = text_of(&c, "detail").await;
    assert!(detail.contains("1 person ahead"), "{detail}");
    c.close().await.expect("close");
}

/// The bereavement questionnaire as configured, in the visitor's language:
/// Korean from the demo office's own texts, and やさしい日本語 with its
/// furigana as <ruby> (configured names and questions, not only the
/// catalogue's labels).
#[tokio::test]
async fn the_booking_form_asks_the_configured_questions_in_the_visitors_language() {
    let t = spawn_app().await;
    let question = &t.app.first_office().office.questionnaire.questions[0];
    let start = "2026-12-01T13%3A30%3A00%2B09%3A00";
    let form = |lang: &str| {
        let url = t.url(&format!(
            "/book/honcho/okuyami/form?start={start}&lang={lang}"
        ));
        let http = t.http();
        async move {
            http.get(url)
                .send()
                .await
                .expect("form")
                .text()
                .await
                .expect("html")
        }
    };
    let ko = form("ko").await;
    let asked = question.text.get("ko").expect("the demo asks in Korean");
    assert!(
        ko.contains(asked.as_str()),
        "{asked} not in the Korean form"
    );
    let easy = form("ja-x-easy").await;
    let marked = question
        .text
        .get("ja-x-easy")
        .expect("and in easy Japanese");
    let first = messages::ruby::segments(marked)
        .into_iter()
        .find_map(|s| match s {
            messages::Segment::Ruby { base, reading } => Some((base, reading)),
            messages::Segment::Plain(_) => None,
        })
        .expect("the question has furigana");
    let ruby = format!("<ruby>{}<rt>{}</rt></ruby>", first.0, first.1);
    assert!(easy.contains(&ruby), "{ruby} not in the easy form");
    assert!(!easy.contains('《'), "no raw marks left");
}

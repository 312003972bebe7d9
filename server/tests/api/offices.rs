//! A city of two offices (本庁舎 `honcho`, 北支所 `kita`) with the same
//! procedure ids and number prefixes: numbers, queues and event streams
//! stay apart, every credential works at its own office only, and the
//! city's lists and congestion cover both.

use madoguchi_server::config::City;
use protocol::{Client, EventKind};

use crate::browser::{browser_sized, save_screenshot, text_of};
use crate::helpers::*;

/// The demo city, with the test office's relaxed limits at each office.
pub fn city() -> City {
    let mut city = City::demo();
    for o in &mut city.offices {
        o.security.kiosk_requests_per_minute = 1_000_000;
        for s in &mut o.services {
            s.lead_working_days = 0;
        }
    }
    city
}

/// A device token of `role` at `office`, as a client of that office.
async fn device(t: &TestApp, name: &str, role: &str, office: &str) -> (Client, String) {
    let token = madoguchi_server::tokens::new_token();
    t.app
        .store
        .add_device(
            name,
            role,
            office,
            &madoguchi_server::tokens::hash(&token),
            chrono::Utc::now(),
        )
        .await
        .expect("device");
    (t.public.with_token(token.clone()).at_office(office), token)
}

/// A clerk working at `offices`, logged in.
async fn clerk(t: &TestApp, name: &str, role: &str, offices: &[&str]) -> String {
    let hash = madoguchi_server::auth::hash_password(STAFF_PASSWORD).expect("hash");
    let offices: Vec<String> = offices.iter().map(|o| o.to_string()).collect();
    t.app
        .store
        .add_user(name, &hash, role, &offices, &[], chrono::Utc::now())
        .await
        .expect("user");
    t.public
        .login(name, STAFF_PASSWORD)
        .await
        .expect("login")
        .token
}

/// The ticket ids of every `ticket.called` event an office's stream
/// carries from `after` until it has carried `n` of them.
async fn called(client: &Client, after: i64, n: usize) -> Vec<i64> {
    let mut sub = client.events(Some(after));
    let mut ids = Vec::new();
    while ids.len() < n {
        let e = tokio::time::timeout(std::time::Duration::from_secs(10), sub.next())
            .await
            .expect("an event within 10 s")
            .expect("event");
        if e.kind == EventKind::TicketCalled {
            ids.push(e.data.ticket_id.expect("ticket id"));
        }
    }
    ids
}

#[tokio::test]
async fn two_offices_with_the_same_procedures_number_queue_and_stream_apart() {
    let t = spawn_city(city(), TUESDAY_1005, None).await;
    let (kita_kiosk, _) = device(&t, "kita-kiosk", "kiosk", "kita").await;
    let kita_staff = t
        .public
        .with_token(clerk(&t, "kitano", "staff", &["kita"]).await)
        .at_office("kita");
    let honcho_staff = t.staff.at_office("honcho");
    let walk = |c: &Client, s: &'static str, key: &'static str| {
        let c = c.clone();
        async move {
            c.walk_in(&walk_in_request(&[s], key))
                .await
                .expect("walk-in")
                .number
        }
    };
    let honcho_kiosk = t.kiosk.at_office("honcho");
    assert_eq!(walk(&honcho_kiosk, "shomei", "h1").await, "B001");
    assert_eq!(
        walk(&kita_kiosk, "shomei", "k1").await,
        "B001",
        "every office starts at 001"
    );
    assert_eq!(walk(&honcho_kiosk, "shomei", "h2").await, "B002");
    assert_eq!(walk(&kita_kiosk, "juminido", "k2").await, "A001");
    assert_eq!(walk(&honcho_kiosk, "juminido", "h3").await, "A001");

    let honcho_queue = honcho_staff.staff_queue().await.expect("queue");
    let kita_queue = kita_staff.staff_queue().await.expect("queue");
    let numbers = |q: &protocol::StaffQueue| {
        let mut n: Vec<String> = q.tickets.iter().map(|t| t.number.clone()).collect();
        n.sort();
        n
    };
    assert_eq!(numbers(&honcho_queue), ["A001", "B001", "B002"]);
    assert_eq!(numbers(&kita_queue), ["A001", "B001"]);
    let honcho_ids: Vec<i64> = honcho_queue.tickets.iter().map(|t| t.id).collect();
    let kita_ids: Vec<i64> = kita_queue.tickets.iter().map(|t| t.id).collect();
    assert!(
        honcho_ids.iter().all(|id| !kita_ids.contains(id)),
        "ticket ids are the city's: {honcho_ids:?} {kita_ids:?}"
    );

    // Each office's stream, from where each stands now.
    let honcho_last = t
        .public
        .at_office("honcho")
        .board()
        .await
        .expect("board")
        .last_event_id;
    let kita_last = t
        .public
        .at_office("kita")
        .board()
        .await
        .expect("board")
        .last_event_id;
    kita_staff.booth_action("1", "open").await.expect("open");
    let kita_call = kita_staff
        .call_next("1")
        .await
        .expect("call")
        .ticket
        .expect("a ticket");
    honcho_staff.booth_action("1", "open").await.expect("open");
    let honcho_a001 = honcho_queue
        .tickets
        .iter()
        .find(|t| t.number == "A001")
        .expect("A001")
        .id;
    honcho_staff
        .call_ticket("1", honcho_a001)
        .await
        .expect("call");
    assert_eq!(
        called(&t.public.at_office("honcho"), honcho_last, 1).await,
        [honcho_a001],
        "the main building's board never sees the branch's call"
    );
    assert_eq!(
        called(&t.public.at_office("kita"), kita_last, 1).await,
        [kita_call.id]
    );
    // The branch's counter 1 called its own B001; the main building's queue
    // still has both of its B tickets waiting.
    assert_eq!(kita_call.number, "B001");
    let waiting: Vec<String> = honcho_staff
        .staff_queue()
        .await
        .expect("queue")
        .tickets
        .iter()
        .filter(|t| t.state == protocol::TicketState::Waiting)
        .map(|t| t.number.clone())
        .collect();
    assert_eq!(waiting, ["B001", "B002"]);
}

#[tokio::test]
async fn every_credential_works_at_its_own_office_only() {
    let t = spawn_city(city(), TUESDAY_1005, None).await;
    // t.kiosk, t.board and the clerk `sato` belong to honcho.
    let at_kita = |c: &Client| c.at_office("kita");
    let (s, c) = code(
        at_kita(&t.kiosk)
            .walk_in(&walk_in_request(&["shomei"], "x"))
            .await,
    );
    assert_eq!(
        (s, c.as_str()),
        (403, "wrong_office"),
        "kiosk walk-in at another office"
    );
    let (s, c) = code(at_kita(&t.kiosk).checkin("MADO1-whatever").await);
    assert_eq!(
        (s, c.as_str()),
        (403, "wrong_office"),
        "kiosk check-in at another office"
    );
    let (s, c) = code(at_kita(&t.board).board().await);
    assert_eq!(
        (s, c.as_str()),
        (403, "wrong_office"),
        "board at another office"
    );
    let r = t
        .http()
        .get(t.url("/api/v1/offices/kita/events?since=now"))
        .bearer_auth(&t.board_token)
        .send()
        .await
        .expect("events");
    assert_eq!(
        r.status(),
        403,
        "the board's token opens no other office's stream"
    );
    // Every staff operation at the other office is refused.
    let clerk_at_kita = at_kita(&t.staff);
    let refusals = [
        code(clerk_at_kita.staff_queue().await),
        code(clerk_at_kita.booth_action("1", "open").await),
        code(clerk_at_kita.booth_action("1", "pause").await),
        code(clerk_at_kita.booth_action("1", "close").await),
        code(clerk_at_kita.call_next("1").await),
        code(clerk_at_kita.call_ticket("1", 1).await),
        code(clerk_at_kita.ticket_action(1, "recall").await),
        code(clerk_at_kita.ticket_action(1, "start").await),
        code(clerk_at_kita.ticket_action(1, "complete").await),
        code(clerk_at_kita.ticket_action(1, "no-show").await),
        code(clerk_at_kita.ticket_action(1, "reactivate").await),
        code(clerk_at_kita.transfer(1, "shomei", None).await),
        code(clerk_at_kita.add_note(1, "メモ").await),
        code(
            clerk_at_kita
                .staff_reservations(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("day"))
                .await,
        ),
    ];
    assert_eq!(refusals.len(), 14);
    for (i, r) in refusals.iter().enumerate() {
        assert_eq!((r.0, r.1.as_str()), (403, "wrong_office"), "staff call {i}");
    }
    // The same clerk works at honcho, and an admin at both.
    t.staff
        .at_office("honcho")
        .staff_queue()
        .await
        .expect("own office");
    let admin = t.public.with_token(clerk(&t, "kanri", "admin", &[]).await);
    admin
        .at_office("kita")
        .staff_queue()
        .await
        .expect("admin at kita");
    admin
        .at_office("honcho")
        .staff_queue()
        .await
        .expect("admin at honcho");
    // A booking of the main building scanned at the branch's kiosk.
    let (kita_kiosk, _) = device(&t, "kita-kiosk", "kiosk", "kita").await;
    let booked = t
        .public
        .at_office("honcho")
        .create_reservation(&bare_booking("okuyami", "2026-12-01T13:30:00+09:00"))
        .await
        .expect("book");
    let (s, c) = code(kita_kiosk.checkin(&booked.token).await);
    assert_eq!(
        (s, c.as_str()),
        (409, "wrong_office"),
        "sent to the office booked"
    );
    // Its pages say which office, with the address.
    let page = t
        .http()
        .get(t.url(&format!("/r/{}?lang=ja", booked.token)))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains(
            "<p id=\"office\"><b>みどり市役所 本庁舎（デモ）</b><br>みどり市中央1-1-1</p>"
        ),
        "{page}"
    );
    let kita_ticket = kita_kiosk
        .walk_in(&walk_in_request(&["shomei"], "kita-page"))
        .await
        .expect("walk-in");
    let status = t
        .http()
        .get(t.url(&format!("/t/{}?lang=ja", kita_ticket.status_token)))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        status.contains("<p id=\"office\"><b>みどり市役所 北支所（デモ）</b><br>みどり市北町2-3-4"),
        "{status}"
    );
    // An office no city has.
    let (s, c) = code(t.public.at_office("minami").board().await);
    assert_eq!((s, c.as_str()), (404, "unknown_office"));
    // A device can only be given an office of the city.
    let r = t
        .http()
        .post(t.url("/api/v1/admin/devices"))
        .bearer_auth(clerk(&t, "kanri2", "admin", &[]).await)
        .json(&serde_json::json!({ "name": "k", "role": "kiosk", "office": "minami" }))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "invalid_offices");
}

#[tokio::test]
async fn the_city_lists_its_offices_and_where_each_wait_is_shortest() {
    let t = spawn_city(city(), TUESDAY_1005, None).await;
    let offices = t.public.offices().await.expect("offices");
    let ids: Vec<&str> = offices.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["honcho", "kita"]);
    assert!(offices.iter().all(|o| o.open_now), "a Tuesday at 10:05");
    assert_eq!(
        offices[1]
            .hours_today
            .as_ref()
            .map(|h| (h.opens.as_str(), h.closes.as_str())),
        Some(("09:00", "16:30"))
    );
    // Three people wait for 証明書 at the main building, none at the branch.
    let honcho_kiosk = t.kiosk.at_office("honcho");
    for key in ["a", "b", "c"] {
        honcho_kiosk
            .walk_in(&walk_in_request(&["shomei"], key))
            .await
            .expect("walk-in");
    }
    let city = t.public.city_congestion().await.expect("congestion");
    assert_eq!(city.offices.len(), 2);
    let shomei = city
        .shortest
        .iter()
        .find(|s| s.service == "shomei")
        .expect("証明書 is offered at both");
    assert_eq!((shomei.office.as_str(), shomei.waiting), ("kita", 0));
    assert!(
        city.shortest.iter().all(|s| s.service != "okuyami"),
        "おくやみ is offered at the main building only"
    );
    let honcho_shomei = city.offices[0]
        .congestion
        .services
        .iter()
        .find(|s| s.service == "shomei")
        .expect("shomei");
    assert_eq!(honcho_shomei.waiting, 3);
    // The pages: the booking asks for the office, the congestion page
    // shows both and the shortest.
    let book = t
        .http()
        .get(t.url("/book?lang=ja"))
        .send()
        .await
        .expect("book");
    assert_eq!(book.status(), 200);
    let html = book.text().await.expect("html");
    assert_eq!(
        html.matches("class=\"choice\" href=\"/book/").count(),
        2,
        "{html}"
    );
    assert!(html.contains("北支所"), "{html}");
    let page = t
        .http()
        .get(t.url("/congestion?lang=ja"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert_eq!(page.matches("class=\"office\" id=\"office-").count(), 2);
    assert!(page.contains("id=\"shortest\""), "{page}");
    // In a phone's browser: where to go now first, then each office under
    // a heading that stands out (not a small grey label).
    let (b, _driver, _profile) = browser_sized(390, 844).await;
    b.goto(&t.url("/congestion?lang=ja")).await.expect("page");
    let shortest = text_of(&b, "shortest").await;
    assert!(
        shortest.contains("証明書") && shortest.contains("北支所"),
        "{shortest}"
    );
    let headings: Vec<String> = b
        .execute(
            "return [...document.querySelectorAll('h2.office-name')].map(h => {
               const s = getComputedStyle(h);
               return h.textContent + '|' + s.fontSize + '|' + s.color;
             })",
            vec![],
        )
        .await
        .expect("headings")
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        headings,
        [
            "みどり市役所 本庁舎（デモ）|22px|rgb(18, 58, 122)",
            "みどり市役所 北支所（デモ）|22px|rgb(18, 58, 122)"
        ]
    );
    let honcho = text_of(&b, "office-honcho").await;
    assert!(
        honcho.contains("みどり市中央1-1-1") && honcho.contains("3人待ち"),
        "{honcho}"
    );
    save_screenshot(&b, "web-screens", "city-congestion").await;
    b.close().await.expect("close");
    let missing = t
        .http()
        .get(t.url("/book/minami"))
        .send()
        .await
        .expect("404");
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn a_database_from_before_the_city_becomes_its_first_office() {
    if on_postgres() {
        return; // The fixture is a SQLite file made by the old binary.
    }
    let dir = tempfile::tempdir().expect("dir");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/api/fixtures/before-offices/madoguchi.db"
        ),
        dir.path().join("madoguchi.db"),
    )
    .expect("fixture");
    let t = spawn_city(city(), TUESDAY_1005, Some(dir.path())).await;
    // Its staff member, device, booking, tickets and events are the first
    // office's now.
    let suzuki = t.public.with_token(
        t.public
            .login("suzuki", "correct-horse-1")
            .await
            .expect("the old user logs in")
            .token,
    );
    let queue = suzuki
        .at_office("honcho")
        .staff_queue()
        .await
        .expect("queue");
    let mut tickets: Vec<(String, protocol::TicketState)> = queue
        .tickets
        .iter()
        .map(|t| (t.number.clone(), t.state))
        .collect();
    tickets.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        tickets,
        [
            ("B001".to_string(), protocol::TicketState::Called),
            ("B002".to_string(), protocol::TicketState::Waiting)
        ]
    );
    let (s, c) = code(suzuki.at_office("kita").staff_queue().await);
    assert_eq!(
        (s, c.as_str()),
        (403, "wrong_office"),
        "suzuki works at honcho only"
    );
    let status = t
        .public
        .ticket_status("JHyJTxdR3KKIAWV26_dWTYCmZw-zVa6HzH0_hRbWEzk")
        .await
        .expect("the old status link still works");
    assert_eq!(status.number, "B002");
    let r = t
        .public
        .reservation("zNAICsCvqMHRYKLXqkS1GIXEzByOViSBa3n8lbCoZxE")
        .await
        .expect("the old booking");
    assert_eq!(r.service, "okuyami");
    let board = t.public.at_office("honcho").board().await.expect("board");
    assert_eq!(
        board.last_event_id, 5,
        "the old events are the first office's"
    );
    assert_eq!(
        t.public
            .at_office("kita")
            .board()
            .await
            .expect("board")
            .last_event_id,
        0
    );
    // The old kiosk goes on numbering at its office, and is refused at the other.
    let kiosk = t
        .public
        .with_token("HWNCUYMjsR_7AoJ93tp-utXRON9wQpVIyp8qgsXf9MY");
    let next = kiosk
        .at_office("honcho")
        .walk_in(&walk_in_request(&["shomei"], "after"))
        .await
        .expect("walk-in");
    assert_eq!(next.number, "B003");
    let (s, c) = code(
        kiosk
            .at_office("kita")
            .walk_in(&walk_in_request(&["shomei"], "there"))
            .await,
    );
    assert_eq!((s, c.as_str()), (403, "wrong_office"));
    let mut events = t.public.at_office("honcho").events(Some(5));
    let e = tokio::time::timeout(std::time::Duration::from_secs(10), events.next())
        .await
        .expect("event")
        .expect("event");
    assert_eq!(
        (e.id, e.kind),
        (6, EventKind::TicketIssued),
        "ids go on densely"
    );
}

#[tokio::test]
async fn statistics_are_per_office_and_for_the_city_with_the_office_in_the_csv() {
    let t = spawn_city(city(), TUESDAY_1005, None).await;
    let (kita_kiosk, _) = device(&t, "kita-kiosk", "kiosk", "kita").await;
    let honcho_kiosk = t.kiosk.at_office("honcho");
    for key in ["a", "b"] {
        honcho_kiosk
            .walk_in(&walk_in_request(&["shomei"], key))
            .await
            .expect("walk-in");
    }
    kita_kiosk
        .walk_in(&walk_in_request(&["shomei"], "c"))
        .await
        .expect("walk-in");
    let both = clerk(&t, "ryoho", "staff", &["honcho", "kita"]).await;
    let stats = |token: String, format: &'static str| {
        let t = &t;
        async move {
            t.http()
                .get(t.url(&format!(
                    "/api/v1/staff/stats?from=2026-12-01&to=2026-12-01&format={format}"
                )))
                .bearer_auth(token)
                .send()
                .await
                .expect("stats")
        }
    };
    let city: protocol::CityStats = stats(both.clone(), "json")
        .await
        .json()
        .await
        .expect("json");
    let tickets: Vec<(String, u32)> = city
        .offices
        .iter()
        .map(|o| {
            let shomei = o.stats.services.iter().find(|s| s.service == "shomei");
            (o.office.clone(), shomei.map_or(0, |s| s.tickets))
        })
        .collect();
    assert_eq!(
        tickets,
        [("honcho".to_string(), 2), ("kita".to_string(), 1)]
    );
    // A clerk of one office sees that office only.
    let mine: protocol::CityStats = stats(t.session.token.clone(), "json")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(mine.offices.len(), 1);
    assert_eq!(mine.offices[0].office, "honcho");
    // One CSV for the city, the office first on every row.
    let csv = stats(both, "csv").await.text().await.expect("csv");
    let rows: Vec<&str> = csv
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .filter(|l| l.contains(",2026-12-01,証明書"))
        .collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows[0].starts_with("みどり市役所 本庁舎（デモ）,"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].starts_with("みどり市役所 北支所（デモ）,"),
        "{}",
        rows[1]
    );
}

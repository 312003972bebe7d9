//! Closing the day: at midnight the numbers restart, and what was left
//! unfinished ends as `expired` (an event each, counted in statistics),
//! so yesterday's B001 no longer waits beside today's.

use std::time::Duration;

use madoguchi_server::clock::Clock;

use crate::helpers::*;

/// Two tickets left waiting and one called at the counter on Tuesday.
async fn leave_three_unfinished(t: &TestApp) -> Vec<protocol::IssuedTicket> {
    let mut tickets = Vec::new();
    for key in ["a", "b", "c"] {
        tickets.push(t.walk_in(&["shomei"], key).await.expect("ticket"));
    }
    t.staff.booth_action("3", "open").await.expect("open");
    t.staff.call_next("3").await.expect("call");
    tickets
}

async fn state_of(t: &TestApp, ticket: &protocol::IssuedTicket) -> protocol::TicketState {
    t.public
        .ticket_status(&ticket.status_token)
        .await
        .expect("status")
        .state
}

async fn tuesday_stats(t: &TestApp) -> serde_json::Value {
    let r = t
        .staff
        .raw(
            reqwest::Method::GET,
            "/api/v1/offices/honcho/staff/stats?from=2026-12-01&to=2026-12-01",
        )
        .send()
        .await
        .expect("stats");
    assert_eq!(r.status(), 200);
    r.json().await.expect("json")
}

async fn expired_events(t: &TestApp) -> usize {
    t.app
        .store
        .events_after(0, 10_000)
        .await
        .expect("events")
        .iter()
        .filter(|e| e.kind == protocol::EventKind::TicketExpired)
        .count()
}

#[tokio::test]
async fn a_server_running_through_midnight_expires_what_was_left() {
    let dir = tempfile::tempdir().expect("dir");
    let t = spawn_with(office(), TUESDAY_1005, Some(dir.path())).await;
    let tickets = leave_three_unfinished(&t).await;
    drop(t);
    // The same floor, ten seconds before midnight, on a running clock (a
    // debug build takes seconds to start: it lays out the forms).
    let t = spawn_clocked(
        office(),
        Clock::starting_at(at("2026-12-01T23:59:50+09:00")),
        Some(dir.path()),
    )
    .await;
    let before = t.board.board().await.expect("board").last_event_id;
    assert_eq!(
        state_of(&t, &tickets[2]).await,
        protocol::TicketState::Waiting,
        "the server is up before midnight"
    );
    let until = std::time::Instant::now() + Duration::from_secs(20);
    while state_of(&t, &tickets[2]).await != protocol::TicketState::Expired {
        assert!(
            std::time::Instant::now() < until,
            "yesterday's waiting ticket expired at midnight"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        state_of(&t, &tickets[0]).await,
        protocol::TicketState::Expired
    );
    assert_eq!(
        expired_events(&t).await,
        3,
        "one event per unfinished ticket"
    );
    // Subscribers see them in the event stream.
    let mut events = t.public.events(Some(before));
    let mut seen = 0;
    while seen < 3 {
        let e = tokio::time::timeout(Duration::from_secs(5), events.next())
            .await
            .expect("events arrive")
            .expect("event");
        if e.kind == protocol::EventKind::TicketExpired {
            seen += 1;
            assert_eq!(e.data.state.as_deref(), Some("expired"));
        }
    }
    let stats = tuesday_stats(&t).await;
    let shomei = stats["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["service"] == "shomei")
        .expect("shomei");
    assert_eq!(
        (shomei["tickets"].as_u64(), shomei["expired"].as_u64()),
        (Some(3), Some(3))
    );
    // Today starts from B001 again, and yesterday's status page says so.
    let today = t.walk_in(&["shomei"], "wed").await;
    assert_eq!(
        today.err().map(|e| e.code()),
        Some(Some(protocol::ErrorCode::OfficeClosed)),
        "midnight: closed, but the day has rolled"
    );
    let page = t
        .http()
        .get(t.url(&format!("/t/{}", tickets[2].status_token)))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains(
            "<p class=\"headline\" id=\"headline\">受付の日が終わったため、この番号札はもう使えません。あらためて番号札をお取りください</p>"
        ),
        "{page}"
    );
    assert!(page.contains("class=\"card state-expired\""), "{page}");
}

#[tokio::test]
async fn a_server_started_the_next_morning_closes_the_day_before() {
    let dir = tempfile::tempdir().expect("dir");
    let t = spawn_with(office(), TUESDAY_1005, Some(dir.path())).await;
    let tickets = leave_three_unfinished(&t).await;
    let done = t.walk_in(&["kokuho"], "done").await.expect("ticket");
    drop(t);
    let t = spawn_with(office(), "2026-12-02T08:45:00+09:00", Some(dir.path())).await;
    for ticket in &tickets {
        assert_eq!(state_of(&t, ticket).await, protocol::TicketState::Expired);
    }
    assert_eq!(state_of(&t, &done).await, protocol::TicketState::Expired);
    assert_eq!(expired_events(&t).await, 4);
    // Numbers restart; Wednesday's first certificate ticket is B001 again.
    let first = t.walk_in(&["shomei"], "wed").await.expect("ticket");
    assert_eq!(first.number, tickets[0].number);
    assert_eq!(state_of(&t, &first).await, protocol::TicketState::Waiting);
    // Restarting again closes nothing twice.
    drop(t);
    let t = spawn_with(office(), "2026-12-02T09:00:00+09:00", Some(dir.path())).await;
    assert_eq!(expired_events(&t).await, 4);
    assert_eq!(state_of(&t, &first).await, protocol::TicketState::Waiting);
}

//! The event stream: order, resume without loss or repeats, heartbeats,
//! no personal data.

use std::time::Duration;

use futures::StreamExt;
use protocol::EventKind;

use crate::helpers::*;

async fn next(sub: &mut protocol::EventSubscription) -> protocol::Event {
    tokio::time::timeout(Duration::from_secs(10), sub.next())
        .await
        .expect("an event within 10 s")
        .expect("event")
}

#[tokio::test]
async fn a_staff_call_reaches_subscribers_in_order() {
    let t = spawn_app().await;
    let start = t.public.board().await.expect("board").last_event_id;
    let mut sub = t.public.events(Some(start));
    let ticket = t.walk_in(&["shomei"], "v1").await.expect("ticket");
    t.staff.booth_action("3", "open").await.expect("open");
    t.staff.call_next("3").await.expect("call");
    let events = [
        next(&mut sub).await,
        next(&mut sub).await,
        next(&mut sub).await,
    ];
    let kinds: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::TicketIssued,
            EventKind::BoothChanged,
            EventKind::TicketCalled
        ]
    );
    assert_eq!(
        events.iter().map(|e| e.id).collect::<Vec<_>>(),
        [start + 1, start + 2, start + 3]
    );
    let call = &events[2].data;
    assert_eq!(
        (call.number.as_deref(), call.booth.as_deref()),
        (Some(ticket.number.as_str()), Some("3"))
    );
    assert_eq!(
        events[2].at.offset().local_minus_utc(),
        9 * 3600,
        "office time zone"
    );
}

#[tokio::test]
async fn resuming_with_last_event_id_misses_nothing_and_repeats_nothing() {
    let t = spawn_app().await;
    let mut first = t.public.events(Some(0));
    for i in 0..3 {
        t.walk_in(&["shomei"], &format!("v{i}"))
            .await
            .expect("ticket");
    }
    let seen: Vec<i64> = vec![next(&mut first).await.id, next(&mut first).await.id];
    let resume_from = first.last_event_id().expect("position");
    drop(first);
    // Events happen while nobody listens.
    for i in 3..6 {
        t.walk_in(&["shomei"], &format!("v{i}"))
            .await
            .expect("ticket");
    }
    let mut second = t.public.events(Some(resume_from));
    let mut rest = Vec::new();
    for _ in 0..4 {
        rest.push(next(&mut second).await);
    }
    let ids: Vec<i64> = seen
        .iter()
        .copied()
        .chain(rest.iter().map(|e| e.id))
        .collect();
    assert_eq!(ids, (1..=6).collect::<Vec<i64>>());
    let numbers: Vec<String> = rest.iter().filter_map(|e| e.data.number.clone()).collect();
    assert_eq!(numbers, ["B003", "B004", "B005", "B006"]);

    // The same through ?since= on a raw request.
    let resp = t
        .http()
        .get(t.url("/api/v1/offices/honcho/events?since=4"))
        .send()
        .await
        .expect("sse");
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let mut body = resp.bytes_stream();
    let mut text = String::new();
    while !text.contains("id: 6") {
        let chunk = tokio::time::timeout(Duration::from_secs(5), body.next())
            .await
            .expect("data")
            .expect("chunk")
            .expect("bytes");
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(
        !text.contains("id: 4\n") && text.contains("id: 5\n"),
        "{text}"
    );
    let bad = t
        .http()
        .get(t.url("/api/v1/offices/honcho/events"))
        .header("last-event-id", "abc")
        .send()
        .await
        .expect("bad id");
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn events_carry_no_personal_data() {
    let t = spawn_app().await;
    let r = t
        .book("okuyami", "2026-12-01T10:30:00+09:00")
        .await
        .expect("book");
    t.kiosk.checkin(&r.token).await.expect("check in");
    let resp = t
        .http()
        .get(t.url("/api/v1/offices/honcho/events?since=0"))
        .send()
        .await
        .expect("sse");
    let mut body = resp.bytes_stream();
    let mut text = String::new();
    while !text.contains("ticket.issued") {
        let chunk = tokio::time::timeout(Duration::from_secs(5), body.next())
            .await
            .expect("data")
            .expect("chunk")
            .expect("bytes");
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    for secret in ["山田", "hanako", "090-1234", "長女", "pension", &r.token] {
        assert!(
            !text.contains(secret),
            "{secret:?} leaked into events: {text}"
        );
    }
}

#[tokio::test]
async fn an_idle_stream_gets_heartbeats() {
    let t = spawn_app().await;
    let resp = t
        .http()
        .get(t.url("/api/v1/offices/honcho/events"))
        .send()
        .await
        .expect("sse");
    let mut body = resp.bytes_stream();
    let chunk = tokio::time::timeout(Duration::from_secs(15), body.next())
        .await
        .expect("a heartbeat within 15 s")
        .expect("chunk")
        .expect("bytes");
    assert!(
        String::from_utf8_lossy(&chunk).starts_with(':'),
        "an SSE comment"
    );
}

#[tokio::test]
async fn an_idle_subscription_stays_connected_on_heartbeats_alone() {
    let t = spawn_app().await;
    // Trust silence for 12 s only: the 10 s heartbeats must keep it alive.
    let mut sub = t
        .public
        .events(None)
        .with_read_timeout(Duration::from_secs(12));
    let kiosk = t.kiosk.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(26)).await;
        kiosk
            .walk_in(&protocol::WalkInRequest {
                services: vec!["shomei".into()],
                priority: false,
                idempotency_key: "late".into(),
                language: None,
            })
            .await
            .expect("walk-in");
    });
    let first = tokio::time::timeout(Duration::from_secs(40), sub.next())
        .await
        .expect("within 40 s");
    let event = first.expect("no reconnect in between: the first result is the event itself");
    assert_eq!(event.kind, EventKind::TicketIssued);
}

/// The visitor's language rides with the ticket: booked in Korean (or
/// chosen at the kiosk), the call event names it so the board adds it to
/// Japanese and English; Japanese and English are never named.
#[tokio::test]
async fn a_call_names_the_visitors_own_language_from_the_booking_or_the_kiosk() {
    let t = spawn_app().await;
    let booked = t
        .public
        .create_reservation(&protocol::CreateReservation {
            service: "okuyami".into(),
            start: chrono::DateTime::parse_from_rfc3339("2026-12-01T10:30:00+09:00").expect("t"),
            name: Some("김 민지".into()),
            email: None,
            phone: Some("090-2222-3333".into()),
            answers: None,
            language: Some("ko-KR".into()),
            details: None,
        })
        .await
        .expect("book");
    let bad = t
        .public
        .create_reservation(&protocol::CreateReservation {
            service: "okuyami".into(),
            start: chrono::DateTime::parse_from_rfc3339("2026-12-01T11:30:00+09:00").expect("t"),
            name: Some("x".into()),
            email: None,
            phone: Some("090-2222-3333".into()),
            answers: None,
            language: Some("klingon".into()),
            details: None,
        })
        .await;
    assert_eq!(code(bad), (400, "invalid_language".into()));
    // Checked in without a choice at the kiosk: the booking's language.
    t.kiosk.checkin(&booked.manage_url).await.expect("check in");
    // A walk-in who chose Vietnamese, one who chose English, one who chose nothing.
    for (key, language) in [("v1", Some("vi")), ("v2", Some("en")), ("v3", None)] {
        t.kiosk
            .walk_in(&protocol::WalkInRequest {
                services: vec!["shomei".into()],
                priority: false,
                idempotency_key: key.into(),
                language: language.map(str::to_string),
            })
            .await
            .expect("walk-in");
    }
    assert_eq!(
        code(
            t.kiosk
                .walk_in(&protocol::WalkInRequest {
                    services: vec!["shomei".into()],
                    priority: false,
                    idempotency_key: "v4".into(),
                    language: Some("x".repeat(300)),
                })
                .await
        ),
        (400, "invalid_language".into())
    );
    let start = t.public.board().await.expect("board").last_event_id;
    let mut sub = t.public.events(Some(start));
    let booths = ["okuyami-1", "1", "2", "3"];
    for booth in booths {
        t.staff.booth_action(booth, "open").await.expect("open");
    }
    let mut called = Vec::new();
    for booth in booths {
        t.staff.call_next(booth).await.expect("call");
    }
    while called.len() < 4 {
        let e = next(&mut sub).await;
        if e.kind == EventKind::TicketCalled {
            called.push((
                e.data.number.clone().unwrap_or_default(),
                e.data.language.clone(),
            ));
        }
    }
    called.sort();
    assert_eq!(
        called,
        [
            ("B001".to_string(), Some("vi".to_string())),
            ("B002".to_string(), None),
            ("B003".to_string(), None),
            ("O001".to_string(), Some("ko".to_string())),
        ]
    );
}

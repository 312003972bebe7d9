//! Kiosk check-in and walk-in tickets.

use protocol::{TicketState, WalkInRequest};

use crate::helpers::*;

#[tokio::test]
async fn checkin_issues_one_ticket_and_scanning_again_returns_it() {
    let t = spawn_app().await;
    let r = t
        .book("okuyami", "2026-12-01T10:30:00+09:00")
        .await
        .expect("book");
    let ticket = t.kiosk.checkin(&r.manage_url).await.expect("check in");
    assert_eq!(ticket.number, "O001");
    assert_eq!(ticket.state, TicketState::Waiting);
    assert!(
        ticket
            .status_url
            .ends_with(&format!("/t/{}", ticket.status_token))
    );
    assert!(
        ticket
            .location
            .get("ja")
            .is_some_and(|l| l.contains("おくやみ"))
    );
    let again = t
        .kiosk
        .checkin(&format!("  {}\n", r.token))
        .await
        .expect("scan again");
    assert_eq!((again.id, &again.number), (ticket.id, &ticket.number));
    let res = t.public.reservation(&r.token).await.expect("reservation");
    assert_eq!(res.state, protocol::ReservationState::CheckedIn);
    assert_eq!(res.ticket_number.as_deref(), Some("O001"));
    let status = t
        .public
        .ticket_status(&ticket.status_token)
        .await
        .expect("status");
    assert_eq!(status.number, "O001");
    assert!(
        t.public.cancel_reservation(&r.token).await.is_err(),
        "checked in: cannot cancel"
    );
}

#[tokio::test]
async fn checkin_refusals_have_their_own_codes() {
    let t = spawn_app().await;
    let later = t
        .book("okuyami", "2026-12-01T13:30:00+09:00")
        .await
        .expect("book");
    assert_eq!(
        code(t.kiosk.checkin(&later.token).await),
        (409, "too_early".into())
    );
    let tomorrow = t
        .book("okuyami", "2026-12-02T10:30:00+09:00")
        .await
        .expect("book");
    assert_eq!(
        code(t.kiosk.checkin(&tomorrow.token).await),
        (409, "wrong_day".into())
    );
    let gone = t
        .book("okuyami", "2026-12-01T10:30:00+09:00")
        .await
        .expect("book");
    t.public
        .cancel_reservation(&gone.token)
        .await
        .expect("cancel");
    assert_eq!(
        code(t.kiosk.checkin(&gone.token).await),
        (409, "cancelled".into())
    );
    let unknown = madoguchi_server::tokens::new_token();
    assert_eq!(
        code(t.kiosk.checkin(&unknown).await),
        (404, "unknown_code".into())
    );
    for garbage in [
        "",
        "hello",
        "O001",
        "http://x/r/",
        "\u{1b}[A",
        "１２３",
        &"9".repeat(5000),
    ] {
        assert_eq!(
            code(t.kiosk.checkin(garbage).await),
            (400, "malformed_code".into()),
            "{garbage:?}"
        );
    }
    let queue = t.staff.staff_queue().await.expect("queue");
    assert!(queue.tickets.is_empty(), "no refused scan made a ticket");
}

#[tokio::test]
async fn a_late_visitor_is_told_so() {
    let dir = tempfile::tempdir().expect("dir");
    let early = spawn_with(office(), "2026-12-01T08:00:00+09:00", Some(dir.path())).await;
    let r = early
        .book("okuyami", "2026-12-01T09:00:00+09:00")
        .await
        .expect("book");
    drop(early);
    let late = spawn_with(office(), "2026-12-01T09:45:00+09:00", Some(dir.path())).await;
    assert_eq!(
        code(late.kiosk.checkin(&r.token).await),
        (409, "too_late".into())
    );
}

#[tokio::test]
async fn walk_in_tickets_are_numbered_per_prefix_and_idempotent() {
    let t = spawn_app().await;
    let a = t.walk_in(&["shomei"], "visitor-1").await.expect("B001");
    let b = t
        .walk_in(&["juminido", "shomei"], "visitor-2")
        .await
        .expect("A001");
    let c = t.walk_in(&["shomei"], "visitor-3").await.expect("B002");
    assert_eq!([&a.number, &b.number, &c.number], ["B001", "A001", "B002"]);
    assert_eq!(c.people_ahead, 1);
    assert_eq!(
        c.estimated_wait.minutes, 6,
        "1 ahead × 6 min, no booth open yet counts as one"
    );
    let retry = t.walk_in(&["shomei"], "visitor-1").await.expect("retry");
    assert_eq!(
        (retry.id, &retry.number, &retry.status_token),
        (a.id, &a.number, &a.status_token)
    );
    assert_eq!(
        code(t.walk_in(&["juminido"], "visitor-1").await),
        (409, "idempotency_conflict".into())
    );
    assert_eq!(t.staff.staff_queue().await.expect("queue").tickets.len(), 3);

    let prio = t
        .kiosk
        .walk_in(&WalkInRequest {
            services: vec!["shomei".into()],
            priority: true,
            idempotency_key: "visitor-4".into(),
            language: None,
        })
        .await
        .expect("priority");
    assert_eq!(prio.people_ahead, 0, "priority goes before walk-ins");
}

#[tokio::test]
async fn walk_ins_are_refused_where_the_office_says_so() {
    let t = spawn_app().await;
    assert_eq!(
        code(t.walk_in(&["okuyami"], "k1").await),
        (409, "reservation_only".into())
    );
    assert_eq!(
        code(t.walk_in(&["nope"], "k2").await),
        (400, "unknown_service".into())
    );
    assert_eq!(
        code(t.walk_in(&[], "k3").await),
        (400, "invalid_services".into())
    );
    // The same procedure twice is one visit, not two steps (schemathesis
    // found it accepted, though the document says the items are unique).
    assert_eq!(
        code(t.walk_in(&["shomei", "shomei"], "k4").await),
        (400, "invalid_services".into())
    );
    assert_eq!(
        code(t.walk_in(&["shomei"], "").await),
        (400, "invalid_idempotency_key".into())
    );
    let evening = spawn_with(office(), "2026-12-01T19:00:00+09:00", None).await;
    assert_eq!(
        code(evening.walk_in(&["shomei"], "k4").await),
        (409, "office_closed".into())
    );
}

#[tokio::test]
async fn a_kiosk_is_rate_limited() {
    let mut office = office();
    office.security.kiosk_requests_per_minute = 5;
    let t = spawn_with(office, TUESDAY_1005, None).await;
    for i in 0..5 {
        t.walk_in(&["shomei"], &format!("v{i}"))
            .await
            .expect("within the limit");
    }
    let err = t.walk_in(&["shomei"], "v5").await;
    assert_eq!(code(err), (429, "rate_limited".into()));
}

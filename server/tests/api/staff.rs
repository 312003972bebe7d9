//! Booths and staff actions over HTTP.

use protocol::{BoothState, TicketState};

use crate::helpers::*;

#[tokio::test]
async fn open_call_start_complete_frees_the_booth() {
    let t = spawn_app().await;
    let issued = t.walk_in(&["shomei"], "v1").await.expect("ticket");
    assert_eq!(
        code(t.staff.call_next("1").await),
        (409, "booth_not_open".into())
    );
    let booth = t.staff.booth_action("1", "open").await.expect("open");
    assert_eq!(booth.state, BoothState::Open);
    let called = t
        .staff
        .call_next("1")
        .await
        .expect("call")
        .ticket
        .expect("someone waits");
    assert_eq!(
        (
            called.number.as_str(),
            called.state,
            called.booth.as_deref()
        ),
        ("B001", TicketState::Called, Some("1"))
    );
    let status = t
        .public
        .ticket_status(&issued.status_token)
        .await
        .expect("status");
    assert_eq!(status.state, TicketState::Called);
    assert_eq!(
        status
            .booth_label
            .as_ref()
            .and_then(|l| l.get("ja"))
            .map(String::as_str),
        Some("1番窓口")
    );
    assert_eq!(
        code(t.staff.call_next("1").await),
        (409, "booth_busy".into())
    );
    assert_eq!(
        code(t.staff.booth_action("1", "close").await),
        (409, "booth_busy".into())
    );
    assert_eq!(
        t.staff
            .ticket_action(called.id, "start")
            .await
            .expect("start")
            .state,
        TicketState::Serving
    );
    assert_eq!(
        t.staff
            .ticket_action(called.id, "complete")
            .await
            .expect("complete")
            .state,
        TicketState::Done
    );
    assert_eq!(
        code(t.staff.ticket_action(called.id, "complete").await),
        (409, "invalid_transition".into())
    );
    assert!(
        t.staff.call_next("1").await.expect("call").ticket.is_none(),
        "nobody left"
    );
    assert_eq!(
        t.staff
            .booth_action("1", "close")
            .await
            .expect("close")
            .state,
        BoothState::Closed
    );
    let board = t.public.board().await;
    let board = board.expect("board");
    assert_eq!(
        board.recent_calls.first().map(|c| c.number.as_str()),
        Some("B001")
    );
}

#[tokio::test]
async fn recall_counts_and_turns_into_a_no_show_which_can_be_reactivated() {
    let t = spawn_app().await;
    t.walk_in(&["shomei"], "v1").await.expect("B001");
    t.walk_in(&["shomei"], "v2").await.expect("B002");
    t.staff.booth_action("3", "open").await.expect("open");
    let first = t
        .staff
        .call_next("3")
        .await
        .expect("call")
        .ticket
        .expect("B001");
    assert_eq!(
        t.staff
            .ticket_action(first.id, "recall")
            .await
            .expect("recall")
            .call_count,
        2
    );
    assert_eq!(
        t.staff
            .ticket_action(first.id, "recall")
            .await
            .expect("recall")
            .call_count,
        3
    );
    let gone = t
        .staff
        .ticket_action(first.id, "recall")
        .await
        .expect("4th call");
    assert_eq!(
        gone.state,
        TicketState::NoShow,
        "max_calls = 3 in the demo office"
    );
    let back = t
        .staff
        .ticket_action(first.id, "reactivate")
        .await
        .expect("reactivate");
    assert_eq!(back.state, TicketState::Waiting);
    let again = t
        .staff
        .call_next("3")
        .await
        .expect("call")
        .ticket
        .expect("someone");
    assert_eq!(again.number, "B001", "keeps its original place before B002");
    assert_eq!(
        t.staff
            .ticket_action(again.id, "no-show")
            .await
            .expect("no-show")
            .state,
        TicketState::NoShow
    );
}

#[tokio::test]
async fn transfer_keeps_number_place_and_notes_across_booths() {
    let t = spawn_app().await;
    let early = t.walk_in(&["shomei"], "v1").await.expect("B001");
    t.walk_in(&["kokuho"], "v2").await.expect("D001");
    t.staff.booth_action("3", "open").await.expect("open");
    t.staff.booth_action("4", "open").await.expect("open");
    let called = t
        .staff
        .call_next("3")
        .await
        .expect("call")
        .ticket
        .expect("B001");
    t.staff
        .add_note(called.id, "住民票は取得済み")
        .await
        .expect("note");
    let moved = t
        .staff
        .transfer(called.id, "kokuho", Some("国保の資格喪失も必要"))
        .await
        .expect("transfer");
    assert_eq!(
        (
            moved.number.as_str(),
            moved.current_service.as_str(),
            moved.state
        ),
        ("B001", "kokuho", TicketState::Waiting)
    );
    let at_four = t
        .staff
        .call_next("4")
        .await
        .expect("call")
        .ticket
        .expect("someone");
    assert_eq!(
        at_four.id, early.id,
        "issued before D001, so called first at the kokuho booth"
    );
    let notes: Vec<&str> = at_four.notes.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(notes, ["住民票は取得済み", "国保の資格喪失も必要"]);
    assert_eq!(at_four.notes[0].author, "sato");
    assert_eq!(at_four.notes[0].booth.as_deref(), Some("3"));
    assert_eq!(
        code(t.staff.transfer(at_four.id, "nope", None).await),
        (400, "unknown_service".into())
    );
    assert_eq!(
        code(t.staff.add_note(at_four.id, "   ").await),
        (400, "invalid_note".into())
    );
}

#[tokio::test]
async fn a_multi_procedure_ticket_goes_on_to_its_next_step() {
    let t = spawn_app().await;
    let multi = t
        .walk_in(&["juminido", "kokuho"], "v1")
        .await
        .expect("A001");
    t.staff.booth_action("1", "open").await.expect("open");
    t.staff.booth_action("4", "open").await.expect("open");
    let c = t
        .staff
        .call_next("1")
        .await
        .expect("call")
        .ticket
        .expect("A001");
    let next = t
        .staff
        .ticket_action(c.id, "complete")
        .await
        .expect("complete");
    assert_eq!(
        (next.step, next.current_service.as_str(), next.state),
        (1, "kokuho", TicketState::Waiting)
    );
    let status = t
        .public
        .ticket_status(&multi.status_token)
        .await
        .expect("status");
    assert_eq!(
        (status.step, status.current_service.as_str()),
        (1, "kokuho")
    );
    let c2 = t
        .staff
        .call_next("4")
        .await
        .expect("call")
        .ticket
        .expect("A001 again");
    assert_eq!(c2.number, "A001");
    assert_eq!(
        t.staff
            .ticket_action(c2.id, "complete")
            .await
            .expect("done")
            .state,
        TicketState::Done
    );
}

#[tokio::test]
async fn calling_a_specific_ticket_and_the_order_of_reservations() {
    let t = spawn_app().await;
    let a = t.walk_in(&["shomei"], "v1").await.expect("B001");
    let b = t.walk_in(&["shomei"], "v2").await.expect("B002");
    t.staff.booth_action("3", "open").await.expect("open");
    let out_of_order = t
        .staff
        .call_ticket("3", b.id)
        .await
        .expect("call B002")
        .ticket
        .expect("ticket");
    assert_eq!(out_of_order.number, "B002");
    t.staff
        .ticket_action(b.id, "complete")
        .await
        .expect("complete");
    t.staff.booth_action("4", "open").await.expect("open");
    assert_eq!(
        code(t.staff.call_ticket("4", a.id).await),
        (409, "service_not_served".into())
    );
    assert_eq!(
        code(t.staff.call_ticket("3", 9999).await),
        (404, "unknown_ticket".into())
    );
    assert_eq!(
        code(t.staff.call_next("99").await),
        (404, "unknown_booth".into())
    );
    let queue = t.staff.staff_queue().await.expect("queue");
    assert_eq!(
        queue
            .tickets
            .iter()
            .map(|t| t.number.as_str())
            .collect::<Vec<_>>(),
        ["B001"]
    );
    let shomei = queue
        .services
        .iter()
        .find(|s| s.service == "shomei")
        .expect("shomei");
    assert_eq!((shomei.waiting, shomei.open_booths), (1, 1));
}

#[tokio::test]
async fn staff_see_the_day_s_reservations_with_contact() {
    let t = spawn_app().await;
    t.book("okuyami", "2026-12-01T13:30:00+09:00")
        .await
        .expect("book");
    t.book("okuyami", "2026-12-02T13:30:00+09:00")
        .await
        .expect("book");
    let today = t
        .staff
        .staff_reservations("2026-12-01".parse().expect("date"))
        .await
        .expect("list");
    assert_eq!(today.len(), 1);
    assert_eq!(today[0].email.as_deref(), Some("hanako@example.jp"));
    let resp = t
        .http()
        .get(t.url("/api/v1/offices/honcho/staff/reservations?date=yesterday"))
        .bearer_auth(&t.session.token)
        .send()
        .await
        .expect("req");
    assert_eq!(resp.status(), 400);
}

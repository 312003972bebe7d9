//! Races: booths calling at once, people booking the last place at once,
//! a kiosk retrying at once.

use std::collections::HashSet;

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn booths_calling_at_once_never_share_a_ticket() {
    let t = spawn_app().await;
    let mut issued = HashSet::new();
    for i in 0..40 {
        let services: &[&str] = if i % 2 == 0 {
            &["juminido"]
        } else {
            &["shomei"]
        };
        issued.insert(
            t.walk_in(services, &format!("v{i}"))
                .await
                .expect("ticket")
                .id,
        );
    }
    let booths = ["1", "2", "3", "5"];
    for b in booths {
        t.staff.booth_action(b, "open").await.expect("open");
    }
    let mut tasks = Vec::new();
    for b in booths {
        let staff = t.staff.clone();
        tasks.push(tokio::spawn(async move {
            let mut called = Vec::new();
            while let Some(ticket) = staff.call_next(b).await.expect("call-next").ticket {
                called.push(ticket.id);
                staff
                    .ticket_action(ticket.id, "complete")
                    .await
                    .expect("complete");
            }
            called
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("task"));
    }
    let unique: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(
        unique.len(),
        all.len(),
        "a ticket was handed to two booths: {all:?}"
    );
    assert_eq!(unique, issued, "every ticket was called");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_bookings_never_exceed_capacity() {
    let t = spawn_app().await;
    let mut tasks = Vec::new();
    for _ in 0..30 {
        let public = t.public.clone();
        tasks.push(tokio::spawn(async move {
            public
                .create_reservation(&bare_booking("okuyami", "2026-12-03T15:00:00+09:00"))
                .await
        }));
    }
    let mut ok = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(e.code().map(|c| c.as_str()), Some("slot_full"), "{e}"),
        }
    }
    assert_eq!(ok, 2, "capacity is the 2 okuyami booths");
    let listed = t
        .staff
        .staff_reservations("2026-12-03".parse().expect("date"))
        .await
        .expect("list");
    assert_eq!(listed.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_kiosk_retrying_at_once_gets_one_ticket() {
    let t = spawn_app().await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let kiosk = t.kiosk.clone();
        tasks.push(tokio::spawn(async move {
            kiosk
                .walk_in(&protocol::WalkInRequest {
                    services: vec!["shomei".into()],
                    priority: false,
                    idempotency_key: "same-visitor".into(),
                    language: None,
                })
                .await
                .expect("walk-in")
                .id
        }));
    }
    let mut ids = HashSet::new();
    for task in tasks {
        ids.insert(task.await.expect("task"));
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(t.staff.staff_queue().await.expect("queue").tickets.len(), 1);
}

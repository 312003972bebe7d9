//! Moving an office from SQLite to PostgreSQL (`copy-db`, issue 18): the
//! office runs on from PostgreSQL with the same tickets, bookings, tokens,
//! users and event ids. The source is SQLite, so the PostgreSQL pass of
//! the suite skips this file; the target is always the test cluster.

use std::process::Command;
use std::time::{Duration, Instant};

use protocol::EventKind;

use crate::durability::{BIN, start};
use crate::helpers::*;

fn copy_db(data: &std::path::Path, to: &str) -> (bool, String, String) {
    let out = Command::new(BIN)
        .args(["copy-db", "--data"])
        .arg(data)
        .args(["--to", to])
        .output()
        .expect("copy-db runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every event from the start, as (id, kind).
async fn event_log(client: &protocol::Client, last: i64) -> Vec<(i64, EventKind)> {
    let mut sub = client.events(Some(0));
    let mut log = Vec::new();
    while log.last().is_none_or(|(id, _)| *id < last) {
        let e = tokio::time::timeout(Duration::from_secs(5), sub.next())
            .await
            .expect("event")
            .expect("ok");
        log.push((e.id, e.kind));
    }
    log
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_office_copied_to_postgresql_runs_on_with_its_history_and_tokens() {
    let dir = tempfile::tempdir().expect("dir");
    // A morning on SQLite: three walk-ins, one served with a note, a
    // booking with its confirmation mail.
    let (kiosk_token, statuses, booking, before, last) = {
        let t = spawn_with(office(), TUESDAY_1005, Some(dir.path())).await;
        let mut statuses = Vec::new();
        for key in ["a", "b", "c"] {
            let ticket = t.walk_in(&["shomei"], key).await.expect("ticket");
            statuses.push((ticket.number, ticket.status_token));
        }
        t.staff.booth_action("1", "open").await.expect("open");
        let called = t.staff.call_next("1").await.expect("call").ticket;
        let called = called.expect("someone waits");
        t.staff
            .add_note(called.id, "住民票 2通")
            .await
            .expect("note");
        t.staff
            .ticket_action(called.id, "complete")
            .await
            .expect("done");
        let booking = t
            .book("okuyami", "2026-12-02T10:30:00+09:00")
            .await
            .expect("booked");
        let deadline = Instant::now() + Duration::from_secs(10);
        while t.app.store.outbox_counts().await.expect("counts").pending > 0 {
            assert!(Instant::now() < deadline, "mail not written");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let last = t.public.board().await.expect("board").last_event_id;
        let before = t.public.reservation(&booking.token).await.expect("booking");
        let log = event_log(&t.public, last).await;
        (
            t.kiosk_token.clone(),
            statuses,
            booking,
            (before, log),
            last,
        )
    };
    tokio::time::sleep(Duration::from_millis(200)).await; // server stopped

    let url = pgtest::Cluster::shared()
        .and_then(|c| c.create_database())
        .unwrap_or_else(|e| panic!("test PostgreSQL: {e}"));
    let (ok, out, err) = copy_db(dir.path(), &url);
    assert!(ok, "{err}");
    for line in [
        "tickets: 3 rows",
        "reservations: 1 rows",
        "users: 1 rows",
        "devices: 2 rows",
        "outbox: 1 rows",
        &format!("events: {last} rows"),
    ] {
        assert!(out.lines().any(|l| l == line), "{line:?} in\n{out}");
    }
    // A second copy would mix two offices' data: refused, nothing changed.
    let (ok, _, err) = copy_db(dir.path(), &url);
    assert!(!ok);
    assert!(err.contains("already holds data"), "{err}");

    // The office runs on from PostgreSQL.
    let pg = tempfile::tempdir().expect("dir");
    std::fs::write(pg.path().join("test-database-url"), &url).expect("url");
    // The same details key: the copy keeps its check value.
    let key = madoguchi_server::vault::Vault::default_path(dir.path());
    std::fs::write(
        pg.path().join("test-details-key"),
        key.to_string_lossy().as_bytes(),
    )
    .expect("key");
    let p = start(pg.path());
    for (number, token) in &statuses {
        let s = p.client.ticket_status(token).await.expect("status token");
        assert_eq!(&s.number, number);
    }
    let (before, log) = before;
    let after = p.client.reservation(&booking.token).await.expect("booking");
    assert_eq!(
        (after.id, after.start, after.name, after.email),
        (before.id, before.start, before.name, before.email)
    );
    assert_eq!(p.client.board().await.expect("board").last_event_id, last);
    assert_eq!(event_log(&p.client, last).await, log, "same history");
    p.client
        .login("sato", STAFF_PASSWORD)
        .await
        .expect("the staff's password still works");
    // The kiosk's token still works; numbers, ticket ids and event ids go on.
    let next = p
        .client
        .with_token(&kiosk_token)
        .walk_in(&walk_in_request(&["shomei"], "d"))
        .await
        .expect("the kiosk's token still works");
    assert_eq!(next.number, "B004");
    assert_eq!(
        p.client.board().await.expect("board").last_event_id,
        last + 1
    );
    let again = p
        .client
        .create_reservation(&bare_booking("okuyami", "2026-12-02T13:30:00+09:00"))
        .await
        .expect("a new booking gets a new id");
    assert_eq!(again.id, booking.id + 1);
}

//! Personal data is erased after `[privacy] retention_days`: at server
//! start (then daily) and with `madoguchi-server purge`. Numbers, times and
//! events stay for statistics.

use std::process::Command;
use std::time::{Duration, Instant};

use protocol::NotifyRequest;

use crate::helpers::*;

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi-server");

/// A visit on `clock`'s day with every kind of personal data: a booking
/// with contact and answers, a ticket with a staff note, a notification
/// request and mails. Returns the reservation token and the ticket id.
async fn a_visit_with_personal_data(t: &TestApp, slot: &str) -> (String, i64) {
    let booked = t.book("okuyami", slot).await.expect("booked");
    let ticket = t.walk_in(&["shomei"], "p1").await.expect("ticket");
    t.public
        .register_notification(
            &ticket.status_token,
            &NotifyRequest {
                email: "taro@example.jp".into(),
                ahead: Some(1),
                lang: None,
            },
        )
        .await
        .expect("registered");
    t.staff
        .add_note(ticket.id, "長女の方が代理で来庁")
        .await
        .expect("note");
    (booked.token, ticket.id)
}

async fn wait_until_mails_sent(t: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while t.app.store.outbox_counts().await.expect("counts").pending > 0 {
        assert!(Instant::now() < deadline, "mails not written");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn notes_of(t: &TestApp, ticket: i64) -> usize {
    t.app
        .store
        .ticket_by_id(ticket)
        .await
        .expect("query")
        .expect("ticket kept")
        .notes
        .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_after_the_retention_period_erases_personal_data_but_keeps_numbers() {
    let dir = tempfile::tempdir().expect("dir");
    let (token, ticket) = {
        let t = spawn_with(office(), TUESDAY_1005, Some(dir.path())).await;
        let visit = a_visit_with_personal_data(&t, "2026-12-01T13:30:00+09:00").await;
        // A visitor who chose Korean at the kiosk, called: the language is
        // on the ticket and in the call's event.
        t.kiosk
            .walk_in(&protocol::WalkInRequest {
                services: vec!["shomei".into()],
                priority: false,
                idempotency_key: "p-ko".into(),
                language: Some("ko".into()),
            })
            .await
            .expect("ticket");
        for booth in ["1", "3"] {
            t.staff.booth_action(booth, "open").await.expect("open");
            t.staff.call_next(booth).await.expect("call");
        }
        let carried: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM events WHERE data LIKE '%\"language\":\"ko\"%'",
        )
        .fetch_one(t.app.store.pool())
        .await
        .expect("q");
        assert_eq!(carried, 1, "the call carried the language");
        // A later booking, still within retention at the second start.
        t.book("okuyami", "2027-01-13T10:30:00+09:00")
            .await
            .expect("later booking");
        wait_until_mails_sent(&t).await;
        visit
    };
    // 31 days later: the first visit is past the 30 days kept.
    let t = spawn_with(office(), "2027-01-01T09:00:00+09:00", Some(dir.path())).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let r = loop {
        let r = t.public.reservation(&token).await.expect("still there");
        if r.name.is_none() {
            break r;
        }
        assert!(Instant::now() < deadline, "not purged at start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!((r.email, r.phone, r.answers), (None, None, None));
    assert_eq!(
        r.start.format("%Y-%m-%d %H:%M").to_string(),
        "2026-12-01 13:30"
    );
    assert_eq!(notes_of(&t, ticket).await, 0, "staff notes erased");
    let languages: (i64, i64) = (
        sqlx::query_scalar("SELECT COUNT(*) FROM tickets WHERE language IS NOT NULL")
            .fetch_one(t.app.store.pool())
            .await
            .expect("q"),
        sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE data LIKE '%language%'")
            .fetch_one(t.app.store.pool())
            .await
            .expect("q"),
    );
    assert_eq!(languages, (0, 0), "the visitor's language is erased too");
    let (notifications, mails): (i64, i64) = (
        sqlx::query_scalar("SELECT COUNT(*) FROM ticket_notifications")
            .fetch_one(t.app.store.pool())
            .await
            .expect("q"),
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
            .fetch_one(t.app.store.pool())
            .await
            .expect("q"),
    );
    // The later booking's confirmation (created 2026-12-01) is also past 30
    // days at this start: sent mails go with their period.
    assert_eq!((notifications, mails), (0, 0));
    // The later booking keeps its contact (its visit is still to come).
    let later: Option<String> =
        sqlx::query_scalar("SELECT name FROM reservations WHERE slot_start LIKE '2027-01-13%'")
            .fetch_one(t.app.store.pool())
            .await
            .expect("q");
    assert_eq!(later.as_deref(), Some("山田 花子"));
    // Statistics of the day are untouched.
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("d");
    let stats = t
        .app
        .first_office()
        .day_stats(day, day)
        .await
        .expect("stats");
    let shomei = stats.services.iter().find(|s| s.service == "shomei");
    // The visit's walk-in and the Korean visitor's.
    assert_eq!(shomei.map(|s| s.tickets), Some(2), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_purge_command_erases_old_visits_and_says_what_it_did() {
    let dir = tempfile::tempdir().expect("dir");
    // A Tuesday in September 2026: past the 30 days by the real clock.
    {
        let t = spawn_with(office(), "2026-09-01T08:30:00+09:00", Some(dir.path())).await;
        a_visit_with_personal_data(&t, "2026-09-01T10:30:00+09:00").await;
        wait_until_mails_sent(&t).await;
    }
    assert!(
        std::fs::read_dir(dir.path().join("mail"))
            .map(|d| d.count())
            .unwrap_or(0)
            > 0,
        "mails were written as files"
    );
    let out = Command::new(BIN)
        .arg("purge")
        .args(data_args(dir.path()))
        .output()
        .expect("purge runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("1 reservations"), "{said}");
    assert!(said.contains("1 tickets' notes"), "{said}");
    assert!(said.contains("1 notification requests"), "{said}");
    // Files are judged by their age on disk: written seconds ago, kept.
    assert!(said.contains("0 mail files"), "{said}");
    let store = madoguchi_server::storage::Store::open(&test_database(dir.path()))
        .await
        .expect("open");
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM reservations WHERE slot_start LIKE '2026-09-01%'")
            .fetch_one(store.pool())
            .await
            .expect("q");
    assert_eq!(name, None);
    // Running it again finds nothing more.
    let again = Command::new(BIN)
        .arg("purge")
        .args(data_args(dir.path()))
        .output()
        .expect("purge runs");
    assert!(String::from_utf8_lossy(&again.stdout).contains(": 0 reservations, 0 tickets' notes"));
}

//! Several servers on one PostgreSQL database (issue 18): counters, kiosks
//! and phones on different servers behave as on one. These tests always
//! run on the test cluster, whichever backend the rest of the suite uses.

use std::collections::HashSet;
use std::time::Duration;

use protocol::{Client, EventKind};

use crate::helpers::*;

/// Counters on two servers call at the same moment, again and again:
/// every visitor is called exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn counters_on_two_servers_never_call_one_visitor_twice() {
    let servers = spawn_instances(2).await;
    let (a, b) = (&servers[0], &servers[1]);
    const VISITORS: usize = 24;
    for i in 0..VISITORS {
        a.walk_in(&["shomei"], &format!("v{i}"))
            .await
            .expect("ticket");
    }
    // Booths 1 and 3 on server A, 2 on server B: all serve 証明書.
    let counters = [(a, "1"), (b, "2"), (a, "3")];
    for (s, booth) in counters {
        s.staff.booth_action(booth, "open").await.expect("open");
    }
    let mut called = Vec::new();
    loop {
        let calls = futures::future::join_all(
            counters
                .iter()
                .map(|(s, booth)| async move { s.staff.call_next(booth).await }),
        )
        .await;
        let mut any = false;
        for (result, (s, _)) in calls.into_iter().zip(counters) {
            if let Some(t) = result.expect("call-next").ticket {
                any = true;
                called.push(t.id);
                s.staff.ticket_action(t.id, "complete").await.expect("done");
            }
        }
        if !any {
            break;
        }
    }
    let distinct: HashSet<i64> = called.iter().copied().collect();
    assert_eq!(
        (called.len(), distinct.len()),
        (VISITORS, VISITORS),
        "each visitor called once: {called:?}"
    );
}

/// Kiosks on two servers issue at once: numbers are never issued twice
/// and run without gaps; one idempotency key is one ticket whichever
/// server it reaches.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn walk_ins_on_two_servers_get_one_number_each_and_one_ticket_per_key() {
    let servers = spawn_instances(2).await;
    let (a, b) = (&servers[0], &servers[1]);
    let issued = futures::future::join_all((0..20).map(|i| {
        let s = if i % 2 == 0 { a } else { b };
        async move { s.walk_in(&["shomei"], &format!("k{i}")).await }
    }))
    .await;
    let mut numbers: Vec<String> = issued
        .into_iter()
        .map(|r| r.expect("ticket").number)
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=20).map(|n| format!("B{n:03}")).collect();
    assert_eq!(numbers, expected);

    // One kiosk's retry lands on the other server (a load balancer).
    let same_kiosk_on_b = Client::new(&b.base)
        .expect("client")
        .with_token(a.kiosk_token.clone());
    let req = walk_in_request(&["juminido"], "retry-1");
    let (first, second) = tokio::join!(a.kiosk.walk_in(&req), same_kiosk_on_b.walk_in(&req));
    let (first, second) = (first.expect("a"), second.expect("b"));
    assert_eq!((first.id, &first.number), (second.id, &second.number));
}

/// Families book the last places of one slot on two servers at once:
/// exactly as many bookings as the slot holds, the rest told it is full.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_slot_booked_from_two_servers_at_once_is_never_overbooked() {
    let servers = spawn_instances(2).await;
    let (a, b) = (&servers[0], &servers[1]);
    // The demo office's おくやみ rooms: two, so two places per slot.
    let slot = "2026-12-02T10:30:00+09:00";
    let tries = futures::future::join_all((0..8).map(|i| {
        let s = if i % 2 == 0 { a } else { b };
        async move { s.book("okuyami", slot).await }
    }))
    .await;
    let booked = tries.iter().filter(|r| r.is_ok()).count();
    let full = tries
        .iter()
        .filter(|r| r.as_ref().err().and_then(|e| e.code()) == Some(protocol::ErrorCode::SlotFull))
        .count();
    assert_eq!((booked, full), (2, 6), "{tries:?}");
}

/// A call made on one server reaches a board following the other, and
/// the other's board snapshot shows it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_call_on_one_server_reaches_the_board_of_the_other() {
    let servers = spawn_instances(2).await;
    let (a, b) = (&servers[0], &servers[1]);
    let start = b.public.board().await.expect("board").last_event_id;
    let mut on_b = b.public.events(Some(start));
    let ticket = a.walk_in(&["shomei"], "v1").await.expect("ticket");
    a.staff.booth_action("1", "open").await.expect("open");
    a.staff.call_next("1").await.expect("call");
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let e = tokio::time::timeout(Duration::from_secs(5), on_b.next())
            .await
            .expect("B passes A's events on within 5 s")
            .expect("event");
        seen.push((e.id, e.kind));
    }
    assert_eq!(
        seen,
        [
            (start + 1, EventKind::TicketIssued),
            (start + 2, EventKind::BoothChanged),
            (start + 3, EventKind::TicketCalled),
        ]
    );
    let board = b.public.board().await.expect("board");
    assert_eq!(
        board.recent_calls.first().map(|c| c.number.as_str()),
        Some(ticket.number.as_str()),
        "B's board shows A's call"
    );
}

/// Failed logins on both servers count together: the name is locked out
/// on both after as many failures as one server allows.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_logins_on_two_servers_are_counted_together() {
    let servers = spawn_instances(2).await;
    let (a, b) = (&servers[0], &servers[1]);
    // `[security] login_failures` is 5: three on A, two on B.
    for s in [a, a, a, b, b] {
        assert_eq!(
            code(s.public.login("sato", "wrong").await),
            (401, "invalid_credentials".into())
        );
    }
    for s in [a, b] {
        assert_eq!(
            code(s.public.login("sato", STAFF_PASSWORD).await),
            (429, "too_many_attempts".into()),
            "locked out on {}",
            s.base
        );
    }
}

/// Both servers' outboxes look for due mail at once: each mail is claimed
/// by exactly one of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_mail_is_claimed_by_one_server() {
    let servers = spawn_instances(2).await;
    let (a, b) = (servers[0].app.clone(), servers[1].app.clone());
    let now = a.clock.now();
    let mut tx = a.store.begin().await.expect("begin");
    for i in 0..60 {
        madoguchi_server::storage::Store::enqueue_mail(
            &mut tx,
            "test",
            &format!("v{i}@example.jp"),
            b"Subject: test\r\n\r\nhello",
            now + chrono::Duration::hours(1),
        )
        .await
        .expect("queued");
    }
    tx.commit().await.expect("commit");
    // Due an hour from now, so the servers' own outboxes leave them alone.
    let later = now + chrono::Duration::hours(2);
    let claim = |app: std::sync::Arc<madoguchi_server::app::App>| async move {
        let mut mine = Vec::new();
        loop {
            let got = app
                .store
                .claim_due_mails(later, later + chrono::Duration::minutes(5), 5)
                .await
                .expect("claim");
            if got.is_empty() {
                return mine;
            }
            mine.extend(got.into_iter().map(|m| m.id));
        }
    };
    // Mails another server is busy claiming (their rows locked) are
    // skipped, not waited for.
    let mut busy = a.store.begin().await.expect("begin");
    let locked: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM outbox ORDER BY id LIMIT 5 FOR UPDATE")
            .fetch_all(&mut *busy)
            .await
            .expect("lock five");
    let meanwhile = tokio::time::timeout(
        Duration::from_secs(5),
        b.store
            .claim_due_mails(later, later + chrono::Duration::minutes(5), 5),
    )
    .await
    .expect("B does not wait for A's locks")
    .expect("claim");
    let meanwhile: Vec<i64> = meanwhile.into_iter().map(|m| m.id).collect();
    assert_eq!(meanwhile.len(), 5);
    assert!(
        meanwhile.iter().all(|id| !locked.contains(id)),
        "{locked:?} {meanwhile:?}"
    );
    busy.rollback().await.expect("release");

    let (on_a, on_b) = tokio::join!(claim(a), claim(b));
    let all: HashSet<i64> = on_a
        .iter()
        .chain(&on_b)
        .chain(&meanwhile)
        .copied()
        .collect();
    assert_eq!(
        (on_a.len() + on_b.len() + meanwhile.len(), all.len()),
        (60, 60),
        "A claimed {on_a:?}, B {on_b:?}"
    );
}

/// The day's purge, started on both servers at once, runs on one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_daily_purge_runs_on_one_server() {
    let servers = spawn_instances(2).await;
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).expect("day");
    let before = at("2026-11-01T00:00:00+09:00");
    let old_day = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("day");
    let runs = futures::future::join_all(
        servers
            .iter()
            .map(|s| s.app.store.purge_before(before, old_day, Some(day))),
    )
    .await;
    let ran = runs
        .into_iter()
        .map(|r| r.expect("purge"))
        .filter(Option::is_some)
        .count();
    assert_eq!(ran, 1);
    let again = servers[0]
        .app
        .store
        .purge_before(before, old_day, Some(day))
        .await
        .expect("purge");
    assert_eq!(again, None, "done for today");
}

/// Servers starting together on an empty database: one migrates (sqlx's
/// migrator holds an advisory lock), both open it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn servers_starting_together_migrate_once() {
    use madoguchi_server::storage::{Database, Store};
    let url = pgtest::Cluster::shared()
        .and_then(|c| c.create_database())
        .unwrap_or_else(|e| panic!("test PostgreSQL: {e}"));
    let db = Database::Postgres(url);
    let opened = futures::future::join_all((0..4).map(|_| Store::open(&db))).await;
    let stores: Vec<Store> = opened
        .into_iter()
        .map(|s| s.expect("opened while the others migrate"))
        .collect();
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
        .expect("migrations")
        .count() as i64;
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(stores[0].pool())
        .await
        .expect("count");
    assert_eq!(applied, migrations, "each migration applied once");
}

/// Through midnight: server A issues the new day's first numbers while B
/// has been idle since yesterday; B goes on from A's numbers.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn after_midnight_an_idle_server_goes_on_from_the_others_numbers() {
    let url = pgtest::Cluster::shared()
        .and_then(|c| c.create_database())
        .unwrap_or_else(|e| panic!("test PostgreSQL: {e}"));
    let mut open_all_night = office();
    open_all_night.open_all_hours();
    let mut servers = Vec::new();
    let mut key = None;
    for _ in 0..2 {
        let d = instance_dir(&url, &mut key);
        let clock = madoguchi_server::clock::Clock::starting_at(at("2026-12-01T23:59:58+09:00"));
        let t = spawn_clocked(open_all_night.clone(), clock, Some(d.path())).await;
        servers.push((t, d));
    }
    let (a, b) = (&servers[0].0, &servers[1].0);
    tokio::time::sleep(Duration::from_millis(2_500)).await; // past midnight
    let first: Vec<String> = futures::future::join_all(
        ["a1", "a2"].map(|k| async move { a.walk_in(&["shomei"], k).await }),
    )
    .await
    .into_iter()
    .map(|r| r.expect("A's ticket").number)
    .collect();
    // B follows A (its once-a-second look) before it issues anything.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let on_b = b.walk_in(&["shomei"], "b1").await.expect("B's ticket");
    let mut numbers = first;
    numbers.sort();
    numbers.push(on_b.number);
    assert_eq!(numbers, ["B001", "B002", "B003"]);
}

//! Two servers on one PostgreSQL, one killed with `kill -9` in the middle
//! of a morning's load (issue 18): what either acknowledged is in the
//! database, the survivor carries the floor, and clients given both
//! servers move over by themselves. Always on the test cluster.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use protocol::{Client, ClientError, Event, EventKind};
use tokio::sync::watch;

use crate::durability::{STAFF_PASSWORD, cli, start};
use crate::helpers::{bare_booking, walk_in_request};

/// Two data directories pointing at one new database of the test cluster.
fn two_servers_one_database() -> (String, [tempfile::TempDir; 2]) {
    let url = pgtest::Cluster::shared()
        .and_then(|c| c.create_database())
        .unwrap_or_else(|e| panic!("test PostgreSQL: {e}"));
    let mut key = None;
    let dirs = [
        crate::helpers::instance_dir(&url, &mut key),
        crate::helpers::instance_dir(&url, &mut key),
    ];
    (url, dirs)
}

const WALK_INS: usize = 40;
/// おくやみ slots of the day after the test's morning (two rooms each).
const SLOTS: [&str; 3] = [
    "2026-12-02T09:00:00+09:00",
    "2026-12-02T10:30:00+09:00",
    "2026-12-02T13:30:00+09:00",
];
const BOOKING_TRIES: usize = 12;
/// Server A is killed once this many walk-ins are acknowledged.
const KILL_AFTER: usize = 12;

/// A walk-in acknowledged, through whichever server answered: sent again
/// with the same key until acknowledged, as the kiosk does.
async fn walk_in_until_acknowledged(kiosk: &Client, key: &str) -> (i64, String) {
    let req = walk_in_request(&["shomei"], key);
    for _ in 0..100 {
        match kiosk.walk_in(&req).await {
            Ok(t) => return (t.id, t.number),
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    panic!("walk-in {key} never acknowledged");
}

/// A counter calling and completing until told the kiosks are done and
/// nobody waits. After an error (its server died mid-request) it does what
/// a clerk does: reads its booth again and finishes whoever is there.
/// Returns the tickets this counter called, as acknowledged to it.
async fn counter(staff: Client, booth: &'static str, done: watch::Receiver<bool>) -> Vec<i64> {
    let mut called = Vec::new();
    let mut current: Option<i64> = None;
    loop {
        if let Some(id) = current {
            match staff.ticket_action(id, "complete").await {
                Ok(_) => current = None,
                Err(ClientError::Api { status: 409, .. }) => current = None,
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            }
        }
        match staff.call_next(booth).await {
            Ok(r) => match r.ticket {
                Some(t) => {
                    called.push(t.id);
                    current = Some(t.id);
                }
                None if *done.borrow() => return called,
                None => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                current = on_my_booth(&staff, booth).await;
                if let Some(id) = current
                    && !called.contains(&id)
                {
                    called.push(id);
                }
            }
        }
    }
}

/// The ticket called or served at `booth`, read from the floor.
async fn on_my_booth(staff: &Client, booth: &str) -> Option<i64> {
    let queue = staff.staff_queue().await.ok()?;
    let number = queue
        .booths
        .iter()
        .find(|b| b.id == booth)?
        .current_number
        .clone()?;
    queue
        .tickets
        .iter()
        .find(|t| t.number == number && t.booth.as_deref() == Some(booth))
        .map(|t| t.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_of_two_servers_killed_under_load_loses_nothing_and_the_other_carries_on() {
    let (url, dirs) = two_servers_one_database();
    let kiosk_token = cli(
        dirs[0].path(),
        &[
            "device", "add", "entrance", "--role", "kiosk", "--office", "honcho",
        ],
    );
    cli(
        dirs[0].path(),
        &[
            "user", "add", "clerk", "--role", "staff", "--office", "honcho",
        ],
    );
    let a = start(dirs[0].path());
    let b = start(dirs[1].path());
    let (ua, ub) = (
        a.client.base_url().to_string(),
        b.client.base_url().to_string(),
    );
    let a_first = Client::with_servers(&[&ua, &ub]).expect("client");
    let b_first = Client::with_servers(&[&ub, &ua]).expect("client");

    // The session was opened on A and is used on both: it lives in the
    // database, not in A.
    let session = a_first.login("clerk", STAFF_PASSWORD).await.expect("login");
    let staff_a = a_first.with_token(&session.token);
    let staff_b = b_first.with_token(&session.token);
    staff_a.booth_action("1", "open").await.expect("open 1");
    staff_b.booth_action("2", "open").await.expect("open 2");

    // A board on A, told about B.
    let start_id = a_first.board().await.expect("board").last_event_id;
    let board = Client::with_servers(&[&ua, &ub]).expect("client");
    let (stop_board, mut board_stopped) = watch::channel(false);
    let board_task = tokio::spawn({
        let board = board.clone();
        async move {
            let mut sub = board.events(Some(start_id));
            let mut seen: Vec<Event> = Vec::new();
            loop {
                tokio::select! {
                    next = sub.next() => {
                        if let Ok(e) = next {
                            seen.push(e);
                        }
                    }
                    _ = board_stopped.changed() => return seen,
                }
            }
        }
    });

    let (kiosks_done, done) = watch::channel(false);
    let counters = [
        tokio::spawn(counter(staff_a.clone(), "1", done.clone())),
        tokio::spawn(counter(staff_b.clone(), "2", done.clone())),
    ];
    // Families booking the おくやみ rooms (two places a slot) on both
    // servers all through it: each attempt once, as a phone would.
    let bookings = tokio::spawn({
        let clients = [a_first.clone(), b_first.clone()];
        async move {
            let mut tries = Vec::new();
            for i in 0..BOOKING_TRIES {
                let slot = SLOTS[i % SLOTS.len()];
                let client = clients[i % 2].clone();
                let r = client
                    .create_reservation(&bare_booking("okuyami", slot))
                    .await;
                tries.push((slot, r));
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            tries
        }
    });
    let acknowledged_walk_ins = Arc::new(AtomicUsize::new(0));
    let kiosks: Vec<_> = [a_first.clone(), b_first.clone()]
        .into_iter()
        .enumerate()
        .map(|(k, client)| {
            let kiosk = client.with_token(&kiosk_token);
            let count = acknowledged_walk_ins.clone();
            tokio::spawn(async move {
                let mut issued = Vec::new();
                for i in (k..WALK_INS).step_by(2) {
                    issued.push(walk_in_until_acknowledged(&kiosk, &format!("w{i}")).await);
                    count.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(15)).await;
                }
                issued
            })
        })
        .collect();

    // kill -9 A in the middle of it.
    let mut a = a;
    while acknowledged_walk_ins.load(Ordering::SeqCst) < KILL_AFTER {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    a.child.kill().expect("kill -9");
    a.child.wait().expect("reaped");

    let mut issued = Vec::new();
    for k in kiosks {
        issued.extend(k.await.expect("kiosk task"));
    }
    let tries = bookings.await.expect("booking task");
    kiosks_done.send(true).expect("counters listen");
    let mut called = Vec::new();
    for c in counters {
        called.extend(c.await.expect("counter task"));
    }

    // Every acknowledged walk-in is in the database with its number; the
    // numbers run without gaps or repeats.
    let store = madoguchi_server::storage::Store::open(
        &madoguchi_server::storage::Database::Postgres(url.clone()),
    )
    .await
    .expect("database");
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, number, state FROM tickets ORDER BY id")
            .fetch_all(store.pool())
            .await
            .expect("tickets");
    let stored: BTreeMap<i64, (String, String)> =
        rows.into_iter().map(|(id, n, s)| (id, (n, s))).collect();
    assert_eq!(issued.len(), WALK_INS);
    for (id, number) in &issued {
        assert_eq!(
            stored.get(id).map(|(n, _)| n),
            Some(number),
            "acknowledged ticket {id} ({number}) is stored"
        );
    }
    let mut numbers: Vec<&str> = stored.values().map(|(n, _)| n.as_str()).collect();
    numbers.sort();
    let expected: Vec<String> = (1..=WALK_INS).map(|n| format!("B{n:03}")).collect();
    assert_eq!(numbers, expected, "one ticket per key, numbered densely");

    // Every acknowledged booking is stored, and no slot holds more than
    // its two places; the others were told it is full (or lost their
    // answer with the server).
    let booked: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, slot_start FROM reservations ORDER BY id")
            .fetch_all(store.pool())
            .await
            .expect("reservations");
    let acknowledged: Vec<i64> = tries
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok().map(|b| b.id))
        .collect();
    for id in &acknowledged {
        assert!(
            booked.iter().any(|(b, _)| b == id),
            "booking {id} is stored"
        );
    }
    for slot in SLOTS {
        let at = chrono::DateTime::parse_from_rfc3339(slot).expect("slot");
        let held = booked
            .iter()
            .filter(|(_, s)| chrono::DateTime::parse_from_rfc3339(s).is_ok_and(|s| s == at))
            .count();
        assert!(held <= 2, "{slot} holds {held} bookings");
    }
    let full = tries
        .iter()
        .filter(|(_, r)| {
            r.as_ref().err().and_then(|e| e.code()) == Some(protocol::ErrorCode::SlotFull)
        })
        .count();
    assert!(
        acknowledged.len() + full >= BOOKING_TRIES - 2,
        "at most the attempts in flight at the kill go unanswered: {tries:?}"
    );
    assert!(acknowledged.len() >= SLOTS.len(), "{tries:?}");

    // Every visitor was called once and finished.
    let distinct: HashSet<i64> = called.iter().copied().collect();
    assert_eq!(
        (called.len(), distinct.len()),
        (WALK_INS, WALK_INS),
        "each visitor called once: {called:?}"
    );
    let calls: Vec<(String,)> =
        sqlx::query_as("SELECT data FROM events WHERE kind = 'ticket.called'")
            .fetch_all(store.pool())
            .await
            .expect("calls");
    assert_eq!(calls.len(), WALK_INS, "one call event per visitor");
    assert!(
        stored.values().all(|(_, state)| state == "done"),
        "everyone finished: {stored:?}"
    );

    // The board moved to B and missed nothing, twice nothing: it saw the
    // event log from where it started, in order.
    let last: i64 = sqlx::query_scalar("SELECT MAX(id) FROM events")
        .fetch_one(store.pool())
        .await
        .expect("last id");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while b_first.board().await.expect("B answers").last_event_id < last {
        assert!(tokio::time::Instant::now() < deadline, "B caught up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop_board.send(true).expect("board listens");
    let seen = board_task.await.expect("board task");
    let ids: Vec<i64> = seen.iter().map(|e| e.id).collect();
    assert_eq!(ids, ((start_id + 1)..=last).collect::<Vec<_>>());
    assert_eq!(
        seen.iter()
            .filter(|e| e.kind == EventKind::TicketCalled)
            .count(),
        WALK_INS
    );
    assert_eq!(board.base_url(), ub, "the board follows B now");
    assert_eq!(a_first.base_url(), ub, "so do A's kiosk and counter");
}

/// nginx run from a temporary prefix with the shipped site file, the two
/// servers' addresses put in; stopped on drop.
struct Nginx {
    child: std::process::Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Nginx {
    fn start(servers: [&str; 2]) -> Nginx {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let site = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../ops/nginx/madoguchi.conf"
        ))
        .expect("the shipped nginx site");
        let host = |url: &str| url.trim_start_matches("http://").to_string();
        let site = site
            .replace("10.0.0.11:8080", &host(servers[0]))
            .replace("10.0.0.12:8080", &host(servers[1]))
            .replace("listen 80;", &format!("listen 127.0.0.1:{port};"));
        assert_eq!(site.matches("127.0.0.1:").count(), 3, "{site}");
        let d = dir.path().display();
        std::fs::write(dir.path().join("madoguchi.conf"), site).expect("site");
        // As root, nginx would hand its workers to `nobody`, who cannot
        // read the temporary prefix.
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        let conf = format!(
            "{user}worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log info;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
             include {d}/madoguchi.conf;\n}}\n",
            user = if root { "user root;\n" } else { "" },
        );
        std::fs::write(dir.path().join("nginx.conf"), conf).expect("conf");
        let child = std::process::Command::new("nginx")
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .args(["-g", "daemon off;"])
            .stderr(std::fs::File::create(dir.path().join("stderr")).expect("stderr"))
            .spawn()
            .unwrap_or_else(|e| panic!("nginx cannot start ({e}): scripts/setup.sh installs it"));
        let nginx = Nginx {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "nginx did not listen: {}",
                std::fs::read_to_string(nginx._dir.path().join("error.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        nginx
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM: the master stops its workers, then itself.
        let _ = std::process::Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// Kiosk and board know one address, nginx's, in front of two servers:
/// events come through at once, one server is killed, and the kiosk's
/// next check-ins are answered at the first try while the board goes on
/// from where it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nginx_in_front_of_two_servers_carries_kiosk_and_board_past_a_death() {
    let (_url, dirs) = two_servers_one_database();
    let kiosk_token = cli(
        dirs[0].path(),
        &[
            "device", "add", "entrance", "--role", "kiosk", "--office", "honcho",
        ],
    );
    let mut a = start(dirs[0].path());
    let b = start(dirs[1].path());
    let nginx = Nginx::start([a.client.base_url(), b.client.base_url()]);
    let front = Client::new(&nginx.base)
        .expect("client")
        .at_office("honcho");
    let kiosk = front.with_token(&kiosk_token);
    let walk_in = |key: &str| {
        let (kiosk, key) = (kiosk.clone(), key.to_string());
        async move { kiosk.walk_in(&walk_in_request(&["shomei"], &key)).await }
    };
    // The stream is nginx's first request, so round robin gives it to A,
    // the server about to die (checked below).
    let start_id = a.client.board().await.expect("board").last_event_id;
    let (seen, mut board) = tokio::sync::mpsc::unbounded_channel();
    let mut sub = front.events(Some(start_id));
    let follow =
        tokio::spawn(async move { while seen.send(sub.next().await.map(|e| e.id)).is_ok() {} });
    // Connected (a loopback connect takes milliseconds; checked below).
    tokio::time::sleep(Duration::from_secs(1)).await;
    let first = walk_in("n0").await.expect("through nginx");
    let e = tokio::time::timeout(Duration::from_secs(5), board.recv())
        .await
        .expect("the event is not held back by nginx")
        .expect("board task")
        .expect("event");
    assert_eq!(e, start_id + 1);
    assert_eq!(first.number, "B001");

    a.child.kill().expect("kill -9");
    a.child.wait().expect("reaped");
    let mut numbers = vec![first.number];
    for i in 1..=6 {
        let t = walk_in(&format!("n{i}"))
            .await
            .expect("nginx passes the check-in to the survivor at the first try");
        numbers.push(t.number);
    }
    assert_eq!(
        numbers,
        ["B001", "B002", "B003", "B004", "B005", "B006", "B007"]
    );
    let (mut ids, mut breaks) = (vec![e], 0);
    while ids.len() < 7 {
        match tokio::time::timeout(Duration::from_secs(10), board.recv())
            .await
            .expect("the board goes on within 10 s")
            .expect("board task")
        {
            Ok(id) => ids.push(id),
            Err(_) => breaks += 1, // the stream broke with its server: resume
        }
    }
    assert_eq!(ids, ((start_id + 1)..=(start_id + 7)).collect::<Vec<_>>());
    assert!(
        breaks >= 1,
        "the board's stream went through the server killed"
    );
    follow.abort();
}

/// Stops its cluster however the test ends.
struct OwnCluster(Option<pgtest::Cluster>);

impl Drop for OwnCluster {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            c.stop();
        }
    }
}

/// `/readyz` on PostgreSQL, for a load balancer in front of two servers:
/// ready while the database answers; once PostgreSQL is gone, 503
/// `storage_unavailable` within seconds while `/healthz` still answers (so
/// the balancer takes the server out and systemd does not restart it), and
/// the server stays up. On a cluster of its own, which this test stops.
#[tokio::test]
async fn readyz_says_when_postgresql_is_gone_and_the_server_stays_up() {
    let mut cluster = OwnCluster(Some(
        pgtest::Cluster::start().unwrap_or_else(|e| panic!("PostgreSQL: {e}")),
    ));
    let url = cluster
        .0
        .as_ref()
        .expect("cluster")
        .create_database()
        .unwrap_or_else(|e| panic!("database: {e}"));
    let dir = tempfile::tempdir().expect("dir");
    // The helpers take this directory's database from this file.
    std::fs::write(dir.path().join("test-database-url"), &url).expect("url");
    let mut p = start(dir.path());
    let http = reqwest::Client::new();
    let base = p.client.base_url().to_string();
    let get = |path: &str| {
        let (http, url) = (http.clone(), format!("{base}{path}"));
        async move {
            let r = http.get(url).send().await.expect("answered");
            let status = r.status().as_u16();
            (
                status,
                r.json::<serde_json::Value>().await.unwrap_or_default(),
            )
        }
    };
    let (status, body) = get("/readyz").await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("ready")),
        "{body}"
    );

    if let Some(c) = cluster.0.take() {
        c.stop();
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let (status, body) = loop {
        let (status, body) = get("/readyz").await;
        if status != 200 || std::time::Instant::now() > deadline {
            break (status, body);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "storage_unavailable", "{body}");
    let (status, body) = get("/healthz").await;
    assert_eq!(status, 200, "alive all the same: {body}");
    assert!(
        p.child.try_wait().expect("wait").is_none(),
        "the server runs on"
    );
}

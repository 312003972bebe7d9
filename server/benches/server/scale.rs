//! Several servers on one PostgreSQL (issue 18), side by side in one run:
//!
//! - the kiosk load at 200 requests/s on SQLite, on PostgreSQL with one
//!   server and with two (requests spread over both);
//! - a call on server A → its `ticket.called` frame at subscribers of
//!   server B, beside subscribers of A itself;
//! - failover: the server a board follows is killed, the next call is made
//!   on the survivor; time from the kill until the board has that call.
//!
//! PostgreSQL is a throw-away cluster of the bench's own with its default
//! durability (fsync, synchronous commit), as SQLite syncs every commit.

use super::*;

const SUBSCRIBERS_PER_SERVER: usize = 20;
const CROSS_CALLS: usize = 50;
const FAILOVERS: usize = 10;

pub async fn run() {
    let cluster = match pgtest::Cluster::start_durable() {
        Ok(c) => c,
        Err(e) => {
            println!("scale: no PostgreSQL ({e}); skipped");
            return;
        }
    };
    let db = || cluster.create_database().expect("database");
    for (label, url, instances) in [
        ("SQLite, one server", None, 1),
        ("PostgreSQL, one server", Some(db()), 1),
        ("PostgreSQL, two servers", Some(db()), 2),
    ] {
        let load = kiosk_load(url.as_deref(), instances).await;
        println!(
            "kiosk load on {label}: check-in p50 {} p99 {}, walk-in p50 {} p99 {} ({} errors, {:.1} s)",
            ms(percentile(&load.checkins, 0.5)),
            ms(percentile(&load.checkins, 0.99)),
            ms(percentile(&load.walkins, 0.5)),
            ms(percentile(&load.walkins, 0.99)),
            load.errors,
            load.elapsed.as_secs_f64()
        );
        println!(
            "FIGURE|scale|check-in latency at {RATE} requests/s open loop (check-ins and walk-ins, half each), {label} ({} errors)|p50 {}, p99 {}|p99 < 20 ms|{}",
            load.errors,
            ms(percentile(&load.checkins, 0.5)),
            ms(percentile(&load.checkins, 0.99)),
            load.errors == 0 && percentile(&load.checkins, 0.99) < Duration::from_millis(20)
        );
    }
    cross_server_events(&db()).await;
    failover(&db()).await;
    cluster.stop();
}

struct Pair {
    servers: Vec<Server>,
    staff_token: String,
    kiosk_token: String,
    _dir: tempfile::TempDir,
}

/// Two servers on `url` at fixed ports (a killed one comes back on its
/// own), a staff session and a kiosk token that work on both.
async fn pair(url: &str) -> Pair {
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("office.toml");
    std::fs::write(&config, bench_config()).expect("config");
    let data = dir.path().join("data0");
    std::fs::create_dir_all(&data).expect("data");
    let kiosk_token = cli_on(
        &data,
        &config,
        &["device", "add", "k", "--role", "kiosk"],
        None,
        Some(url),
    );
    cli_on(
        &data,
        &config,
        &["user", "add", "bench"],
        Some("bench-password"),
        Some(url),
    );
    let servers: Vec<Server> = (0..2)
        .map(|i| {
            let d = dir.path().join(format!("data{i}"));
            std::fs::create_dir_all(&d).expect("data");
            start_on(&d, Some(&config), T0, Some(url), &free_listen()).0
        })
        .collect();
    let session = servers[0]
        .client
        .login("bench", "bench-password")
        .await
        .expect("login");
    Pair {
        servers,
        staff_token: session.token,
        kiosk_token,
        _dir: dir,
    }
}

fn free_listen() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    format!("127.0.0.1:{port}")
}

async fn walk_ins(kiosk: &Client, n: usize, prefix: &str) {
    for i in 0..n {
        kiosk
            .walk_in(&WalkInRequest {
                services: vec!["shomei".into()],
                priority: false,
                idempotency_key: format!("{prefix}{i}"),
                language: None,
            })
            .await
            .expect("walk-in");
    }
}

async fn cross_server_events(url: &str) {
    let p = pair(url).await;
    let (a, b) = (&p.servers[0].client, &p.servers[1].client);
    let staff = a.with_token(&p.staff_token);
    staff.booth_action("1", "open").await.expect("open");
    walk_ins(&a.with_token(&p.kiosk_token), CROSS_CALLS, "x").await;
    let connected = Arc::new(AtomicUsize::new(0));
    let (to_a, mut on_a) = tokio::sync::mpsc::unbounded_channel();
    let (to_b, mut on_b) = tokio::sync::mpsc::unbounded_channel();
    let mut tasks = subscribe(
        a.base_url(),
        SUBSCRIBERS_PER_SERVER,
        to_a,
        connected.clone(),
    );
    tasks.extend(subscribe(
        b.base_url(),
        SUBSCRIBERS_PER_SERVER,
        to_b,
        connected.clone(),
    ));
    super::until_connected(&connected, 2 * SUBSCRIBERS_PER_SERVER).await;
    let (mut same, mut other) = (Vec::new(), Vec::new());
    for _ in 0..CROSS_CALLS {
        let sent = Instant::now();
        let called = staff.call_next("1").await.expect("call").ticket;
        let number = called
            .as_ref()
            .map(|t| t.number.clone())
            .expect("a visitor");
        for (rx, into) in [(&mut on_a, &mut same), (&mut on_b, &mut other)] {
            let mut got = 0;
            while got < SUBSCRIBERS_PER_SERVER {
                match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
                    Ok(Some((n, at))) if n == number => {
                        into.push(at - sent);
                        got += 1;
                    }
                    Ok(Some(_)) => {}
                    _ => break,
                }
            }
        }
        if let Some(t) = called {
            staff.ticket_action(t.id, "complete").await.expect("done");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    same.sort();
    other.sort();
    let expected = CROSS_CALLS * SUBSCRIBERS_PER_SERVER;
    println!(
        "call on A → frame: at A's subscribers p50 {} p99 {} ({} of {expected}); at B's p50 {} p99 {} ({} of {expected})",
        ms(percentile(&same, 0.5)),
        ms(percentile(&same, 0.99)),
        same.len(),
        ms(percentile(&other, 0.5)),
        ms(percentile(&other, 0.99)),
        other.len(),
    );
    println!(
        "FIGURE|scale|staff `call-next` sent to server A → `ticket.called` frame at {SUBSCRIBERS_PER_SERVER} SSE subscribers of A itself ({CROSS_CALLS} calls, PostgreSQL)|p50 {}, p99 {} ({} of {expected} frames)||",
        ms(percentile(&same, 0.5)),
        ms(percentile(&same, 0.99)),
        same.len(),
    );
    println!(
        "FIGURE|scale|… and at {SUBSCRIBERS_PER_SERVER} subscribers of server B (LISTEN/NOTIFY, then B reads the event table)|p50 {}, p99 {} ({} of {expected} frames)|p99 < 50 ms|{}",
        ms(percentile(&other, 0.5)),
        ms(percentile(&other, 0.99)),
        other.len(),
        other.len() == expected && percentile(&other, 0.99) < Duration::from_millis(50)
    );
    for t in tasks {
        t.abort();
    }
}

/// Kill the server a board follows, call on the survivor at once: how
/// long until the board shows that call. The killed server comes back
/// on its port; the next round kills the other.
async fn failover(url: &str) {
    let mut p = pair(url).await;
    let bases: Vec<String> = p
        .servers
        .iter()
        .map(|s| s.client.base_url().to_string())
        .collect();
    let listens: Vec<String> = bases
        .iter()
        .map(|b| b.trim_start_matches("http://").to_string())
        .collect();
    let staff_on: Vec<Client> = p
        .servers
        .iter()
        .map(|s| s.client.with_token(&p.staff_token))
        .collect();
    staff_on[0].booth_action("1", "open").await.expect("open");
    walk_ins(&staff_on[0].with_token(&p.kiosk_token), FAILOVERS, "f").await;
    let board = Client::with_servers(&bases).expect("client");
    let start_id = board.board().await.expect("board").last_event_id;
    let (tx, mut seen) = tokio::sync::mpsc::unbounded_channel::<(String, Instant)>();
    let follower = tokio::spawn({
        let board = board.clone();
        async move {
            let mut sub = board.events(Some(start_id));
            loop {
                if let Ok(e) = sub.next().await
                    && e.kind == protocol::EventKind::TicketCalled
                    && let Some(n) = e.data.number
                    && tx.send((n, Instant::now())).is_err()
                {
                    return;
                }
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("office.toml");
    std::fs::write(&config, bench_config()).expect("config");
    let mut times = Vec::new();
    let mut current: Option<i64> = None;
    for round in 0..FAILOVERS {
        let on = bases
            .iter()
            .position(|b| b == board.base_url())
            .expect("the board's server");
        let survivor = 1 - on;
        let killed = Instant::now();
        let _ = p.servers[on].child.kill();
        let _ = p.servers[on].child.wait();
        let staff = &staff_on[survivor];
        if let Some(id) = current.take() {
            staff.ticket_action(id, "complete").await.expect("done");
        }
        let called = staff
            .call_next("1")
            .await
            .expect("call on the survivor")
            .ticket
            .expect("a visitor");
        current = Some(called.id);
        loop {
            match tokio::time::timeout(Duration::from_secs(30), seen.recv()).await {
                Ok(Some((n, at))) if n == called.number => {
                    times.push(at - killed);
                    break;
                }
                Ok(Some(_)) => {}
                _ => {
                    println!("failover round {round}: the board never showed the call");
                    break;
                }
            }
        }
        // The killed server comes back on its address for the next round.
        let d = dir.path().join(format!("again{round}"));
        std::fs::create_dir_all(&d).expect("data");
        p.servers[on] = start_on(&d, Some(&config), T0, Some(url), &listens[on]).0;
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    follower.abort();
    times.sort();
    println!(
        "failover (kill -9 the board's server → next call, made on the survivor, on the board): p50 {} p99 {} max {} ({} of {FAILOVERS})",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().unwrap_or(&Duration::ZERO)),
        times.len()
    );
    println!(
        "FIGURE|scale|failover: `kill -9` of the server a board follows → the next call, made on the survivor, shown on that board ({FAILOVERS} kills, board given both servers)|p50 {}, p99 {} ({} of {FAILOVERS})|p99 < 3 s|{}",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        times.len(),
        times.len() == FAILOVERS && percentile(&times, 0.99) < Duration::from_secs(3)
    );
}

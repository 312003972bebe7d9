//! What the server acknowledged survives `kill -9`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use protocol::Client;

use crate::helpers::{bare_booking, data_args, walk_in_request};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_madoguchi-server");
pub(crate) const STAFF_PASSWORD: &str = "a long test password";

pub(crate) struct Proc {
    pub child: Child,
    pub client: Client,
    /// The metrics address, when started with `--metrics-listen`.
    pub metrics: Option<String>,
}

/// A test that fails never leaves its server running.
impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start(data: &std::path::Path) -> Proc {
    start_at(data, "127.0.0.1:0")
}

/// The demo office, with same-day おくやみ bookings (the test books and
/// checks in within one morning).
fn same_day_config(data: &std::path::Path) -> std::path::PathBuf {
    let config = data.join("config");
    let demo = Command::new(BIN)
        .args(["demo-config", "--out"])
        .arg(&config)
        .output()
        .expect("demo-config");
    assert!(demo.status.success(), "demo-config");
    let honcho = config.join("honcho.toml");
    let text = std::fs::read_to_string(&honcho)
        .expect("honcho.toml")
        .replace("lead_working_days = 2", "lead_working_days = 0");
    std::fs::write(&honcho, text).expect("config");
    honcho
}

fn start_at(data: &std::path::Path, listen: &str) -> Proc {
    start_logging(data, listen, &[], &[], Stdio::null())
}

/// As `start_at`, with more `serve` arguments and environment, and its
/// logs to `stderr`.
pub(crate) fn start_logging(
    data: &std::path::Path,
    listen: &str,
    extra: &[&str],
    env: &[(&str, &str)],
    stderr: Stdio,
) -> Proc {
    let config = same_day_config(data);
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            listen,
            "--print-addr",
            "--clock-start",
            "2026-12-01T10:05:00+09:00",
            "--config",
        ])
        .arg(&config)
        .args(data_args(data))
        .args(extra)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("server starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("address line");
    let client = Client::new(&format!("http://{}", line.trim())).expect("client");
    let metrics = extra.contains(&"--metrics-listen").then(|| {
        let mut m = String::new();
        stdout.read_line(&mut m).expect("metrics address line");
        m.trim().to_string()
    });
    Proc {
        child,
        client,
        metrics,
    }
}

/// Runs a data command; `user add` gets the password `STAFF_PASSWORD`.
pub(crate) fn cli(data: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .env("MADOGUCHI_PASSWORD", STAFF_PASSWORD)
        .args(data_args(data))
        .output()
        .expect("cli runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[tokio::test]
async fn acknowledged_tickets_and_bookings_survive_kill_9() {
    let dir = tempfile::tempdir().expect("dir");
    let kiosk_token = cli(
        dir.path(),
        &[
            "device", "add", "entrance", "--role", "kiosk", "--office", "honcho",
        ],
    );
    assert_eq!(kiosk_token.len(), 43, "the token is printed once");

    let mut acknowledged = Vec::new();
    let mut reservation = None;
    for round in 0..4 {
        let mut p = start(dir.path());
        let kiosk = p.client.with_token(&kiosk_token);
        let ticket = kiosk
            .walk_in(&walk_in_request(&["shomei"], &format!("round-{round}")))
            .await
            .expect("walk-in acknowledged");
        acknowledged.push((ticket.number.clone(), ticket.status_token.clone()));
        if round == 1 {
            let r = p
                .client
                .create_reservation(&bare_booking("okuyami", "2026-12-01T10:30:00+09:00"))
                .await
                .expect("booking acknowledged");
            let t = kiosk
                .checkin(&r.token)
                .await
                .expect("check-in acknowledged");
            acknowledged.push((t.number.clone(), t.status_token.clone()));
            reservation = Some(r.token);
        }
        // No graceful shutdown: SIGKILL right after the acknowledgement.
        p.child.kill().expect("kill -9");
        p.child.wait().expect("reaped");
    }

    let mut p = start(dir.path());
    for (number, token) in &acknowledged {
        let status = p
            .client
            .ticket_status(token)
            .await
            .expect("ticket survived");
        assert_eq!(&status.number, number);
    }
    let numbers: Vec<&str> = acknowledged.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        numbers,
        ["B001", "B002", "O001", "B003", "B004"],
        "numbering continued after each crash"
    );
    let r = p
        .client
        .reservation(reservation.as_deref().expect("booked"))
        .await
        .expect("reservation survived");
    assert_eq!(r.state, protocol::ReservationState::CheckedIn);

    // The event log has no holes and replays from the start.
    let last = p.client.board().await.expect("board").last_event_id;
    let mut sub = p.client.events(Some(0));
    let mut ids = Vec::new();
    while ids.last().copied().unwrap_or(0) < last {
        let e = tokio::time::timeout(Duration::from_secs(5), sub.next())
            .await
            .expect("event")
            .expect("ok");
        ids.push(e.id);
    }
    assert_eq!(ids, (1..=last).collect::<Vec<i64>>());
    p.child.kill().expect("kill");
    p.child.wait().expect("reaped");
}

#[tokio::test]
async fn an_event_subscription_resumes_across_a_server_crash() {
    let dir = tempfile::tempdir().expect("dir");
    let kiosk_token = cli(
        dir.path(),
        &[
            "device", "add", "entrance", "--role", "kiosk", "--office", "honcho",
        ],
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port();
    let listen = format!("127.0.0.1:{port}");
    let walk_in = |client: &Client, key: &str| {
        let kiosk = client.with_token(&kiosk_token);
        let key = key.to_string();
        async move {
            kiosk
                .walk_in(&walk_in_request(&["shomei"], &key))
                .await
                .expect("walk-in")
        }
    };

    let mut p = start_at(dir.path(), &listen);
    let mut sub = p.client.events(Some(0));
    walk_in(&p.client, "a").await;
    let first = tokio::time::timeout(Duration::from_secs(5), sub.next())
        .await
        .expect("event")
        .expect("ok");
    assert_eq!(first.data.number.as_deref(), Some("B001"));
    p.child.kill().expect("kill -9");
    p.child.wait().expect("reaped");

    let mut p = start_at(dir.path(), &listen);
    walk_in(&p.client, "b").await;
    walk_in(&p.client, "c").await;
    let mut got = Vec::new();
    let mut errors = 0;
    while got.len() < 2 {
        match tokio::time::timeout(Duration::from_secs(15), sub.next())
            .await
            .expect("progress")
        {
            Ok(e) => got.push(e),
            Err(_) => errors += 1, // reported once per broken connection, then it reconnects
        }
        assert!(errors < 20, "never reconnected");
    }
    assert!(errors >= 1, "the crash was noticed");
    assert_eq!(
        got.iter().map(|e| e.id).collect::<Vec<_>>(),
        [first.id + 1, first.id + 2]
    );
    let numbers: Vec<&str> = got
        .iter()
        .filter_map(|e| e.data.number.as_deref())
        .collect();
    assert_eq!(numbers, ["B002", "B003"]);
    p.child.kill().expect("kill");
    p.child.wait().expect("reaped");
}

/// The claim behind "survives a power cut": an acknowledged write was
/// on disk first. The server runs under `strace`; between the booking's
/// last write to the WAL and the `201` going out on the socket, the WAL
/// must have been fsynced (SQLite WAL with `synchronous=FULL`). This
/// shows the order of the system calls, not a real power cut.
#[tokio::test]
async fn a_booking_is_fsynced_before_it_is_acknowledged() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("data");
    let config = same_day_config(&data);
    let trace = dir.path().join("trace.txt");
    let mut child = Command::new("strace")
        .args(["-f", "-qq", "-s", "64", "-o"])
        .arg(&trace)
        .args([
            "-e",
            "trace=openat,pwrite64,write,writev,sendto,sendmsg,fsync,fdatasync",
        ])
        .arg(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--print-addr",
            "--clock-start",
            "2026-12-01T10:05:00+09:00",
            "--config",
        ])
        .arg(&config)
        .args(data_args(&data))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("strace runs (Debian package strace)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("address line");
    let client = Client::new(&format!("http://{}", line.trim())).expect("client");
    let booked = client
        .create_reservation(&protocol::CreateReservation {
            service: "okuyami".into(),
            start: chrono::DateTime::parse_from_rfc3339("2026-12-01T13:30:00+09:00")
                .expect("start"),
            name: Some("同期 確認".into()),
            email: None,
            phone: Some("090-1111-2222".into()),
            answers: None,
            language: None,
            details: None,
        })
        .await;
    let _ = child.kill();
    let _ = child.wait();
    booked.expect("booked");

    let text = std::fs::read_to_string(&trace).expect("trace");
    let lines: Vec<&str> = text.lines().collect();
    // The WAL's file descriptors (each pooled connection opens it).
    let wal_fds: Vec<i64> = lines
        .iter()
        .filter(|l| l.contains("openat(") && l.contains("madoguchi.db-wal\""))
        .filter_map(|l| l.rsplit("= ").next()?.trim().parse::<i64>().ok())
        .collect();
    assert!(!wal_fds.is_empty(), "the WAL is opened");
    let wal_call = |l: &str, call: &str| {
        wal_fds
            .iter()
            .copied()
            .find(|fd| l.contains(&format!("{call}({fd},")) || l.contains(&format!("{call}({fd})")))
    };
    let answer = lines
        .iter()
        .position(|l| l.contains("HTTP/1.1 201"))
        .expect("the 201 answer in the trace");
    let last_wal_write = lines[..answer]
        .iter()
        .rposition(|l| wal_call(l, "pwrite64").is_some())
        .expect("the booking was written to the WAL before the answer");
    let fd = wal_call(lines[last_wal_write], "pwrite64").expect("fd");
    // An fsync of that WAL that finished after the write, before the answer.
    let synced = lines[last_wal_write..answer]
        .iter()
        .enumerate()
        .any(|(i, l)| {
            let sync = [("fsync"), ("fdatasync")]
                .iter()
                .any(|c| l.contains(&format!("{c}({fd})")) || l.contains(&format!("{c}({fd} ")));
            if !sync {
                return false;
            }
            if !l.contains("<unfinished ...>") {
                return l.trim_end().ends_with("= 0");
            }
            let pid = l.split_whitespace().next().unwrap_or("");
            lines[last_wal_write + i + 1..answer].iter().any(|r| {
                r.starts_with(pid) && r.contains("resumed>") && r.trim_end().ends_with("= 0")
            })
        });
    assert!(
        synced,
        "no fsync of the WAL (fd {fd}) between its last write (line {last_wal_write}) and the answer (line {answer}):\n{}",
        lines[last_wal_write.saturating_sub(3)..(answer + 2).min(lines.len())].join("\n")
    );
}

/// The suite runs on the backend it was asked for
/// (`MADOGUCHI_TEST_DATABASE`), so the PostgreSQL pass of `scripts/test`
/// is not SQLite twice; and a ticket acknowledged over HTTP is a row of
/// that database.
#[tokio::test]
async fn the_suite_runs_on_the_backend_it_was_asked_for() {
    use madoguchi_server::storage::Backend;
    let t = crate::helpers::spawn_app().await;
    let want = if crate::helpers::on_postgres() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    assert_eq!(t.app.store.backend(), want);
    let ticket = t.walk_in(&["shomei"], "backend").await.expect("ticket");
    let stored: String = sqlx::query_scalar("SELECT number FROM tickets WHERE id = $1")
        .bind(ticket.id)
        .fetch_one(t.app.store.pool())
        .await
        .expect("the ticket's row");
    assert_eq!(stored, ticket.number);
}

//! Server figures for BENCHMARKS.md (`scripts/bench`, or
//! `cargo bench -p madoguchi-server --bench server`):
//!
//! - start-up time and idle RSS of the release binary;
//! - event fan-out latency from a staff call to 1,000 SSE subscribers, and
//!   beside it the same frame written by a minimal program (`baseline.rs`);
//! - check-in and walk-in latency under an open-loop 200 requests/s.
//!
//! Everything runs on loopback against the real binary, in bounded loops.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use protocol::{Client, CreateReservation, WalkInRequest};

mod baseline;
mod scale;

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi-server");
const T0: &str = "2026-12-01T12:00:00+09:00";
const BEFORE_T0: &str = "2026-12-01T11:20:00+09:00";
const DEFAULT_SUBSCRIBERS: usize = 1000;
const CALLS: usize = 50;
const RATE: u64 = 200;
const KIOSK_REQUESTS: usize = 2000;
const RESERVATION_BOOTHS: usize = 100;

fn bench_config() -> String {
    let mut s = String::from(
        r#"[office]
id = "honcho"
name = { ja = "ベンチマーク庁舎", en = "Benchmark office" }
time_zone = "Asia/Tokyo"
[office.hours]
mon = "00:00-23:59"
tue = "00:00-23:59"
wed = "00:00-23:59"
thu = "00:00-23:59"
fri = "00:00-23:59"
sat = "00:00-23:59"
sun = "00:00-23:59"
[security]
kiosk_requests_per_minute = 1000000
[[services]]
id = "shomei"
prefix = "B"
name = { ja = "証明書" }
average_minutes = 5
department = "市民課"
location = { ja = "1階" }
[[services]]
id = "yoyaku"
prefix = "R"
name = { ja = "予約窓口" }
average_minutes = 20
reservation_only = true
department = "市民課"
location = { ja = "2階" }
[[booths]]
id = "1"
label = { ja = "1番" }
location = { ja = "1階" }
services = ["shomei"]
"#,
    );
    for i in 0..RESERVATION_BOOTHS {
        s.push_str(&format!(
            "[[booths]]\nid = \"r{i}\"\nlabel = {{ ja = \"予約{i}\" }}\nlocation = {{ ja = \"2階\" }}\nservices = [\"yoyaku\"]\n"
        ));
    }
    let starts: Vec<String> = (0..24 * 12)
        .map(|i| format!("\"{:02}:{:02}\"", i / 12, (i % 12) * 5))
        .collect();
    s.push_str(&format!(
        "[[slot_templates]]\nservice = \"yoyaku\"\nweekdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\nstarts = [{}]\nminutes = 5\n",
        starts.join(", ")
    ));
    s
}

struct Server {
    child: Child,
    client: Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(data: &Path, config: Option<&Path>, clock: &str) -> (Server, Duration) {
    start_on(data, config, clock, None, "127.0.0.1:0")
}

/// The details key every server of the run shares: servers on one
/// PostgreSQL database must.
fn details_key() -> &'static Path {
    static KEY: std::sync::OnceLock<(tempfile::TempDir, std::path::PathBuf)> =
        std::sync::OnceLock::new();
    &KEY.get_or_init(|| {
        let dir = tempfile::tempdir().expect("key dir");
        let path = dir.path().join("details.key");
        (dir, path)
    })
    .1
}

/// A server on `database_url` (PostgreSQL) or the data directory's SQLite,
/// listening on `listen`.
fn start_on(
    data: &Path,
    config: Option<&Path>,
    clock: &str,
    database_url: Option<&str>,
    listen: &str,
) -> (Server, Duration) {
    let began = Instant::now();
    let mut cmd = Command::new(BIN);
    cmd.args([
        "serve",
        "--listen",
        listen,
        "--print-addr",
        "--clock-start",
        clock,
        "--data",
    ])
    .arg(data)
    .env("MADOGUCHI_DETAILS_KEY", details_key())
    .env("RUST_LOG", "warn")
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    if let Some(url) = database_url {
        cmd.args(["--database-url", url]);
    }
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    let mut child = cmd.spawn().expect("server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("address");
    let took = began.elapsed();
    let client = Client::new(&format!("http://{}", line.trim())).expect("client");
    (Server { child, client }, took)
}

/// A data command on the benchmark's office (`config`): the demo city
/// has two offices, so a command without it would ask which.
fn cli(data: &Path, config: &Path, args: &[&str], password: Option<&str>) -> String {
    cli_on(data, config, args, password, None)
}

fn cli_on(
    data: &Path,
    config: &Path,
    args: &[&str],
    password: Option<&str>,
    database_url: Option<&str>,
) -> String {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .arg("--data")
        .arg(data)
        .arg("--config")
        .arg(config)
        .env("MADOGUCHI_DETAILS_KEY", details_key());
    if let Some(url) = database_url {
        cmd.args(["--database-url", url]);
    }
    if let Some(p) = password {
        cmd.env("MADOGUCHI_PASSWORD", p);
    }
    let out = cmd.output().expect("cli");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

async fn wait_healthy(client: &Client) -> Duration {
    let began = Instant::now();
    while client.health().await.is_err() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    began.elapsed()
}

async fn startup_and_idle() {
    let mut fresh = Vec::new();
    let mut reopen = Vec::new();
    let dir = tempfile::tempdir().expect("dir");
    for i in 0..10 {
        let d = dir.path().join(format!("fresh{i}"));
        let (s, took) = start(&d, None, T0);
        let health = wait_healthy(&s.client).await;
        fresh.push(took + health);
    }
    let kept = dir.path().join("fresh0");
    for _ in 0..10 {
        let (s, took) = start(&kept, None, T0);
        let health = wait_healthy(&s.client).await;
        reopen.push(took + health);
    }
    fresh.sort();
    reopen.sort();
    println!(
        "start-up (spawn → first /healthz answered): new data dir p50 {} max {}; existing data dir p50 {} max {}   [goal < 300 ms]",
        ms(percentile(&fresh, 0.5)),
        ms(*fresh.last().unwrap_or(&Duration::ZERO)),
        ms(percentile(&reopen, 0.5)),
        ms(*reopen.last().unwrap_or(&Duration::ZERO)),
    );
    // Machine-readable lines for scripts/bench-report (BENCHMARKS.md).
    let worst = |v: &[Duration]| *v.last().unwrap_or(&Duration::ZERO);
    println!(
        "FIGURE|server|start-up, spawn → first `/healthz` answered, new data dir (migrations run)|p50 {}, max {}|< 300 ms|{}",
        ms(percentile(&fresh, 0.5)),
        ms(worst(&fresh)),
        worst(&fresh) < Duration::from_millis(300)
    );
    println!(
        "FIGURE|server|start-up, existing data dir|p50 {}, max {}|< 300 ms|{}",
        ms(percentile(&reopen, 0.5)),
        ms(worst(&reopen)),
        worst(&reopen) < Duration::from_millis(300)
    );

    let (s, _) = start(&kept, None, T0);
    for _ in 0..100 {
        let _ = s.client.board().await;
        let _ = s.client.services().await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss = rss_kib(s.child.id());
    println!(
        "idle RSS (demo office, after 200 requests, 3 s idle): {:.1} MB   [goal < 30 MB]",
        rss as f64 / 1024.0
    );
    println!(
        "FIGURE|server|idle RSS, demo office, after 200 requests and 3 s idle|{:.1} MB|< 30 MB|{}",
        rss as f64 / 1024.0,
        rss < 30 * 1024
    );
}

/// The length of the last `ticket.called` frame a subscriber read, so the
/// baseline writes frames as long as the server's.
static CALLED_FRAME_LEN: AtomicUsize = AtomicUsize::new(0);

/// Light SSE subscribers on `base` (frame split + substring, so that a
/// figure is the server's fan-out more than client parsing): each
/// `ticket.called` frame's number and arrival time go to `tx`.
fn subscribe(
    base: &str,
    n: usize,
    tx: tokio::sync::mpsc::UnboundedSender<(String, Instant)>,
    connected: Arc<AtomicUsize>,
) -> Vec<tokio::task::JoinHandle<()>> {
    // One connection each, none reused.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("http");
    let url = format!("{base}/api/v1/offices/honcho/events?since=now");
    (0..n)
        .map(|_| {
            let (http, url, tx, connected) =
                (http.clone(), url.clone(), tx.clone(), connected.clone());
            tokio::spawn(async move {
                let Ok(resp) = http.get(&url).send().await else {
                    return;
                };
                connected.fetch_add(1, Ordering::SeqCst);
                let mut body = resp.bytes_stream();
                let mut buf: Vec<u8> = Vec::new();
                while let Some(Ok(chunk)) = body.next().await {
                    let at = Instant::now();
                    buf.extend_from_slice(&chunk);
                    while let Some(end) = buf.windows(2).position(|w| w == b"\n\n") {
                        let frame: Vec<u8> = buf.drain(..end + 2).collect();
                        let text = String::from_utf8_lossy(&frame);
                        if text.contains("event: ticket.called")
                            && let Some(rest) = text.split("\"number\":\"").nth(1)
                        {
                            CALLED_FRAME_LEN.store(frame.len(), Ordering::Relaxed);
                            let number = rest.split('"').next().unwrap_or("").to_string();
                            let _ = tx.send((number, at));
                        }
                    }
                }
            })
        })
        .collect()
}

/// Waits until `n` subscribers are connected, then half a second more so
/// that none is still setting up when the first frame goes out.
async fn until_connected(connected: &AtomicUsize, n: usize) {
    while connected.load(Ordering::SeqCst) < n {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
}

/// When each of `n` subscribers got the frame with `number`, counted from
/// `t0` (frames of other numbers are skipped; 10 s at most).
async fn arrivals(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<(String, Instant)>,
    number: &str,
    n: usize,
    t0: Instant,
) -> Vec<Duration> {
    let mut got = Vec::with_capacity(n);
    while got.len() < n {
        let (frame_number, at) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("all subscribers within 10 s")
            .expect("channel");
        if frame_number == number {
            got.push(at.saturating_duration_since(t0));
        }
    }
    got
}

async fn fan_out() {
    let subscribers: usize = std::env::var("BENCH_SUBSCRIBERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_SUBSCRIBERS);
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("office.toml");
    std::fs::write(&config, bench_config()).expect("config");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("data");
    let kiosk_token = cli(
        &data,
        &config,
        &["device", "add", "k", "--role", "kiosk"],
        None,
    );
    cli(
        &data,
        &config,
        &["user", "add", "bench"],
        Some("bench-password"),
    );
    let (s, _) = start(&data, Some(&config), T0);
    let session = s
        .client
        .login("bench", "bench-password")
        .await
        .expect("login");
    let staff = s.client.with_token(session.token);
    let kiosk = s.client.with_token(kiosk_token);
    staff.booth_action("1", "open").await.expect("open");

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(String, Instant)>();
    let connected = Arc::new(AtomicUsize::new(0));
    let tasks = subscribe(
        s.client.base_url(),
        subscribers,
        tx.clone(),
        connected.clone(),
    );
    drop(tx);
    until_connected(&connected, subscribers).await;

    let mut latencies = Vec::with_capacity(subscribers * CALLS);
    let mut last_arrival = Vec::with_capacity(CALLS);
    let mut first_arrival = Vec::with_capacity(CALLS);
    let mut round_trip = Vec::with_capacity(CALLS);
    for i in 0..CALLS {
        let t = kiosk
            .walk_in(&WalkInRequest {
                services: vec!["shomei".into()],
                priority: false,
                idempotency_key: format!("f{i}"),
                language: None,
            })
            .await
            .expect("ticket");
        // Let the ticket.issued (and previous ticket.done) fan-out finish, so
        // each call is measured on its own, as calls come seconds apart.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let t0 = Instant::now();
        let called = staff
            .call_next("1")
            .await
            .expect("call")
            .ticket
            .expect("ticket");
        round_trip.push(t0.elapsed());
        assert_eq!(called.number, t.number);
        let got = arrivals(&mut rx, &t.number, subscribers, t0).await;
        last_arrival.push(got.iter().copied().max().unwrap_or_default());
        first_arrival.push(got.iter().copied().min().unwrap_or_default());
        latencies.extend(got);
        staff
            .ticket_action(called.id, "complete")
            .await
            .expect("complete");
    }
    latencies.sort();
    last_arrival.sort();
    first_arrival.sort();
    round_trip.sort();
    println!(
        "  (call-next HTTP round trip p50 {}; first subscriber per call p50 {})",
        ms(percentile(&round_trip, 0.5)),
        ms(percentile(&first_arrival, 0.5)),
    );
    println!(
        "event fan-out, staff call-next request sent → event frame received by each of {subscribers} SSE subscribers ({CALLS} calls, {} deliveries): p50 {} p99 {}; last subscriber per call p50 {} p99 {}   [goal p99 < 5 ms]",
        latencies.len(),
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99)),
        ms(percentile(&last_arrival, 0.5)),
        ms(percentile(&last_arrival, 0.99)),
    );
    let p99 = percentile(&latencies, 0.99);
    println!(
        "FIGURE|server|event fan-out, staff `call-next` sent → `ticket.called` frame received, {subscribers} SSE subscribers ({CALLS} calls)|p50 {}, p99 {} (last subscriber per call p99 {})|p99 < 5 ms|{}",
        ms(percentile(&latencies, 0.5)),
        ms(p99),
        ms(percentile(&last_arrival, 0.99)),
        p99 < Duration::from_millis(5)
    );
    for t in tasks {
        t.abort();
    }
    drop(s);

    // The same subscribers and frames against a minimal writer, now, on
    // the same machine: what the kernel's TCP path alone costs.
    let frame_len = CALLED_FRAME_LEN.load(Ordering::Relaxed);
    let floor = baseline::run(subscribers, CALLS, frame_len).await;
    let (b50, b99) = (
        percentile(&floor.deliveries, 0.5),
        percentile(&floor.deliveries, 0.99),
    );
    let ratio = p99.as_secs_f64() / b99.as_secs_f64().max(1e-9);
    println!(
        "baseline fan-out, the same {frame_len}-byte frame written to {subscribers} loopback connections by one thread: p50 {} p99 {}; last per call p99 {}; server ÷ baseline at p99 {ratio:.2}×   [goal ≤ 1.5×]",
        ms(b50),
        ms(b99),
        ms(percentile(&floor.last, 0.99)),
    );
    println!(
        "FIGURE|server|event fan-out as a ratio of its baseline (the same frame written to {subscribers} loopback TCP connections by a minimal program, same subscribers, same run: p50 {}, p99 {}), at p99|{ratio:.2}×|≤ 1.5×|{}",
        ms(b50),
        ms(b99),
        ratio <= 1.5
    );
}

/// Latencies of a kiosk load: check-ins of bookings and walk-ins, half
/// each, open loop at `RATE`.
struct KioskLoad {
    checkins: Vec<Duration>,
    walkins: Vec<Duration>,
    errors: usize,
    elapsed: Duration,
}

/// The kiosk load against `instances` servers on `database_url` (else one
/// on SQLite), requests spread over them in turn as a load balancer would.
async fn kiosk_load(database_url: Option<&str>, instances: usize) -> KioskLoad {
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("office.toml");
    std::fs::write(&config, bench_config()).expect("config");
    let data_of = |i: usize| {
        let d = dir.path().join(format!("data{i}"));
        std::fs::create_dir_all(&d).expect("data");
        d
    };
    let data = data_of(0);
    let kiosk_token = cli_on(
        &data,
        &config,
        &["device", "add", "k", "--role", "kiosk"],
        None,
        database_url,
    );

    // Book the slots around T0 from a server whose clock is 40 min earlier.
    let mut tokens = Vec::new();
    {
        let (s, _) = start_on(&data, Some(&config), BEFORE_T0, database_url, "127.0.0.1:0");
        let t0 = chrono::DateTime::parse_from_rfc3339(T0).expect("t0");
        'outer: for minutes in (-25..=30).step_by(5) {
            let start = t0 + chrono::Duration::minutes(minutes);
            for _ in 0..RESERVATION_BOOTHS {
                let r = s
                    .client
                    .create_reservation(&CreateReservation {
                        service: "yoyaku".into(),
                        start,
                        name: None,
                        email: None,
                        phone: None,
                        answers: None,
                        language: None,
                        details: None,
                    })
                    .await
                    .expect("booking");
                tokens.push(r.manage_url);
                if tokens.len() >= KIOSK_REQUESTS / 2 {
                    break 'outer;
                }
            }
        }
    }
    let servers: Vec<Server> = (0..instances)
        .map(|i| start_on(&data_of(i), Some(&config), T0, database_url, "127.0.0.1:0").0)
        .collect();
    let kiosks: Vec<Client> = servers
        .iter()
        .map(|s| s.client.with_token(&kiosk_token))
        .collect();
    let interval = Duration::from_micros(1_000_000 / RATE);
    let began = Instant::now();
    let mut tasks = Vec::with_capacity(KIOSK_REQUESTS);
    for i in 0..KIOSK_REQUESTS {
        let at = began + interval * i as u32;
        tokio::time::sleep_until(at.into()).await;
        let kiosk = kiosks[i % kiosks.len()].clone();
        let code = if i % 2 == 0 {
            tokens.get(i / 2).cloned()
        } else {
            None
        };
        tasks.push(tokio::spawn(async move {
            let sent = Instant::now();
            let ok = match &code {
                Some(c) => kiosk.checkin(c).await.is_ok(),
                None => kiosk
                    .walk_in(&WalkInRequest {
                        services: vec!["shomei".into()],
                        priority: false,
                        idempotency_key: format!("w{i}"),
                        language: None,
                    })
                    .await
                    .is_ok(),
            };
            (code.is_some(), ok, sent.elapsed())
        }));
    }
    let mut load = KioskLoad {
        checkins: Vec::new(),
        walkins: Vec::new(),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    for t in tasks {
        let (is_checkin, ok, took) = t.await.expect("task");
        if !ok {
            load.errors += 1;
        }
        if is_checkin {
            load.checkins.push(took)
        } else {
            load.walkins.push(took)
        }
    }
    load.elapsed = began.elapsed();
    load.checkins.sort();
    load.walkins.sort();
    load
}

async fn kiosk_latency() {
    let KioskLoad {
        checkins,
        walkins,
        errors,
        elapsed,
    } = kiosk_load(None, 1).await;
    println!(
        "kiosk at {RATE} requests/s open loop ({KIOSK_REQUESTS} requests in {:.1} s, {errors} errors): check-in p50 {} p99 {}; walk-in p50 {} p99 {}   [goal p99 < 20 ms]",
        elapsed.as_secs_f64(),
        ms(percentile(&checkins, 0.5)),
        ms(percentile(&checkins, 0.99)),
        ms(percentile(&walkins, 0.5)),
        ms(percentile(&walkins, 0.99)),
    );
    for (what, v) in [("check-in", &checkins), ("walk-in ticket", &walkins)] {
        println!(
            "FIGURE|server|{what} latency at {RATE} requests/s open loop ({errors} errors)|p50 {}, p99 {}|p99 < 20 ms|{}",
            ms(percentile(v, 0.5)),
            ms(percentile(v, 0.99)),
            errors == 0 && percentile(v, 0.99) < Duration::from_millis(20)
        );
    }
}

fn main() {
    // `cargo bench` passes --bench; a filter word picks one part.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let want = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "madoguchi-server benchmarks — {} cores, release build, loopback",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    rt.block_on(async {
        if want("startup") {
            startup_and_idle().await;
        }
        if want("fanout") {
            fan_out().await;
        }
        if want("kiosk") {
            kiosk_latency().await;
        }
        // Several servers on PostgreSQL: only when asked for (`-- scale`),
        // as `scripts/bench-report scale` does; it starts its own cluster.
        if filter.as_deref() == Some("scale") {
            scale::run().await;
        }
    });
}

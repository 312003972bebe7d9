//! `madoguchi-sim`: a whole office day against the real server on loopback,
//! at many times real speed, then a check of what must hold and a report of
//! how good the wait estimates were. With `--crash-every` the server is
//! killed with SIGKILL at random moments and restarted (the crash test).
//!
//!   madoguchi-sim                                  # 2,000 visitors, 08:30–17:00, 100×
//!   madoguchi-sim --visitors 300 --until 10:30 --speed 200 --crash-every 2-5
//!   madoguchi-sim --database postgres --instances 2 --crash-every 5-20
//!
//! On PostgreSQL the sim starts a throw-away cluster of its own (or uses
//! `--database-url`); with several instances every kiosk, counter and board
//! is given all of them (each its own first choice), and `--crash-every`
//! kills them in turn.
//!
//! Exit status 1 when an invariant is broken. Only 127.0.0.1 is contacted;
//! every loop is bounded and the run stops by itself.

mod agents;
mod check;
mod clock;
mod plan;
mod server;

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use clap::Parser;
use madoguchi_server::config::Office;
use protocol::{Client, CreateReservation};

use crate::agents::{Acks, Received, Schedule, Shared};
use crate::clock::SimClock;
use crate::server::ServerProcess;

#[derive(Parser)]
#[command(
    name = "madoguchi-sim",
    about = "Simulate an office day against the real server and check it"
)]
struct Cli {
    /// Walk-in visitors over the day.
    #[arg(long, default_value_t = 2000)]
    visitors: usize,
    /// Simulated seconds per real second.
    #[arg(long, default_value_t = 100.0)]
    speed: f64,
    /// Last walk-in arrival (HH:MM, office time); counters then serve who is left.
    #[arg(long, default_value = "17:00")]
    until: String,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Kill -9 and restart the server every MIN-MAX real seconds (e.g. 2-6).
    #[arg(long)]
    crash_every: Option<String>,
    /// The server binary (default: next to this one).
    #[arg(long)]
    server: Option<PathBuf>,
    /// Data directory to use (default: a fresh temporary one, removed after).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Where the office's data lives: `sqlite` (the data directory) or
    /// `postgres` (a throw-away cluster the sim starts, or --database-url).
    #[arg(long, default_value = "sqlite", value_parser = ["sqlite", "postgres"])]
    database: String,
    /// An existing, empty PostgreSQL database to use instead.
    #[arg(long)]
    database_url: Option<String>,
    /// Servers on the one database (PostgreSQL only).
    #[arg(long, default_value_t = 1)]
    instances: usize,
}

const DAY: (i32, u32, u32) = (2026, 12, 1); // a Tuesday, no holiday

fn hhmm(s: &str) -> anyhow::Result<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").with_context(|| format!("{s:?} is not HH:MM"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Ctrl-C or SIGTERM: take the server down too, then stop.
    tokio::spawn(async {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {}
        }
        server::kill_children();
        if let Some(dir) = TEMP_DIR.get() {
            let _ = std::fs::remove_dir_all(dir);
        }
        eprintln!("madoguchi-sim: stopped");
        std::process::exit(130);
    });
    run(cli).await
}

/// The temporary data directory, removed by the signal handler too.
static TEMP_DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// The run's scratch directory (the default data directory), named after
/// the process so two runs never share one, and removed when the run ends.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn create() -> std::io::Result<ScratchDir> {
        let dir = std::env::temp_dir().join(format!("madoguchi-sim-{}", std::process::id()));
        // Left by an earlier process of the same id that was killed.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(ScratchDir(dir))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    anyhow::ensure!(cli.speed >= 1.0 && cli.speed <= 2000.0, "--speed 1..=2000");
    anyhow::ensure!(cli.visitors <= 20_000, "--visitors at most 20,000");
    let crash_every = match &cli.crash_every {
        None => None,
        Some(s) => {
            let (a, b) = s.split_once('-').context("--crash-every MIN-MAX")?;
            let (a, b): (f64, f64) = (a.parse()?, b.parse()?);
            anyhow::ensure!(a >= 0.5 && b >= a, "--crash-every: 0.5 <= MIN <= MAX");
            Some((a, b))
        }
    };
    let tmp = ScratchDir::create()?;
    let _ = TEMP_DIR.set(tmp.0.clone());
    let data = cli.data.clone().unwrap_or_else(|| tmp.0.join("data"));
    std::fs::create_dir_all(&data)?;
    let bin = match &cli.server {
        Some(p) => p.clone(),
        None => std::env::current_exe()?
            .parent()
            .context("no directory")?
            .join("madoguchi-server"),
    };
    let config = server::write_office(&data)?;
    let office = Office::parse(&server::office_toml()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let tz = office.time_zone;
    let day = NaiveDate::from_ymd_opt(DAY.0, DAY.1, DAY.2).context("day")?;
    let local = |t: NaiveTime| {
        tz.from_local_datetime(&day.and_time(t))
            .single()
            .map(|d| d.with_timezone(&Utc))
            .context("local time")
    };
    let open_time = hhmm("08:30")?;
    let until = hhmm(&cli.until)?;
    anyhow::ensure!(until > open_time, "--until after 08:30");
    let day_plan = plan::plan(&plan::PlanSettings {
        seed: cli.seed,
        visitors: cli.visitors,
        day,
        tz,
        open: open_time,
        until,
        okuyami_slots: ["09:00", "10:30", "13:30", "15:00"]
            .iter()
            .map(|s| hhmm(s))
            .collect::<anyhow::Result<_>>()?,
        okuyami_capacity: office.booths_serving("okuyami"),
    });

    // PostgreSQL: the sim's own cluster unless a database is given.
    let mut cluster = None;
    let database_url = match (&cli.database_url, cli.database.as_str()) {
        (Some(url), _) => Some(url.clone()),
        (None, "postgres") => {
            let c =
                pgtest::Cluster::start_durable().map_err(|e| anyhow::anyhow!("PostgreSQL: {e}"))?;
            let url = c
                .create_database()
                .map_err(|e| anyhow::anyhow!("PostgreSQL: {e}"))?;
            cluster = Some(c);
            Some(url)
        }
        _ => None,
    };
    anyhow::ensure!((1..=8).contains(&cli.instances), "--instances 1..=8");
    anyhow::ensure!(
        cli.instances == 1 || database_url.is_some(),
        "several --instances share one PostgreSQL: add --database postgres"
    );
    let mut servers = Vec::new();
    for i in 0..cli.instances {
        // Each instance its own data directory (its mail files, its log).
        let dir = if cli.instances == 1 {
            data.clone()
        } else {
            data.join(format!("instance-{}", i + 1))
        };
        std::fs::create_dir_all(&dir)?;
        servers.push(ServerProcess::new(
            bin.clone(),
            dir,
            config.clone(),
            cli.speed,
            database_url.clone(),
        )?);
    }
    let booth_ids: Vec<String> = office.booths.iter().map(|b| b.id.clone()).collect();
    let kiosk_token = servers[0].set_up(&booth_ids)?;
    // The day starts an hour before the doors open: servers, bookings and
    // fourteen logins (argon2 each) fit in that hour even on a busy
    // machine (at 300× it is 12 real seconds), so no family arrives after
    // its check-in closed because the set-up was slow.
    let clock = SimClock::new(local(hhmm("07:30")?)?, cli.speed);
    for s in &mut servers {
        s.start(clock.now()).await?;
    }
    let bases: Vec<String> = servers.iter().map(|s| s.base()).collect();
    let backend = match (&database_url, cli.instances) {
        (None, _) => "SQLite".to_string(),
        (Some(_), 1) => "PostgreSQL, one server".to_string(),
        (Some(_), n) => format!("PostgreSQL, {n} servers"),
    };
    // Agent `k` tries instance k first, then the others in turn.
    let client_for = |k: usize| {
        let n = bases.len();
        let order: Vec<&str> = (0..n).map(|j| bases[(k + j) % n].as_str()).collect();
        // The simulated office's routes, named: no lookup of the city's
        // first office by each agent (a server may be dead at that moment).
        Client::with_servers(&order).map(|c| c.at_office(office.id.clone()))
    };
    let public = client_for(0)?;
    let kiosk = client_for(1)?.with_token(kiosk_token);
    let (stop, _) = tokio::sync::watch::channel(false);
    let shared = Arc::new(Shared {
        clock,
        acks: Mutex::new(Acks::default()),
        behaviour: Mutex::new(Default::default()),
        arrivals_done: Default::default(),
        retries: Default::default(),
        stop,
    });
    let started = Instant::now();
    println!(
        "madoguchi-sim: {} visitors, {} reservations, {} counters, {}× ({} real s per simulated hour), {}{}",
        day_plan.visitors.len(),
        day_plan.bookings.len(),
        booth_ids.len(),
        cli.speed,
        3600.0 / cli.speed,
        backend,
        crash_every.map_or(String::new(), |(a, b)| format!(", kill -9 every {a}–{b} s"))
    );

    // Reservations, booked before the doors open.
    let mut booking_tokens = Vec::new();
    for b in &day_plan.bookings {
        let created = public
            .create_reservation(&CreateReservation {
                service: "okuyami".into(),
                start: b.slot.with_timezone(&tz).fixed_offset(),
                name: Some("シミュ 花子".into()),
                email: None,
                phone: Some("090-0000-0000".into()),
                answers: None,
                language: None,
            })
            .await
            .context("booking a reservation")?;
        if let Ok(mut a) = shared.acks.lock() {
            a.bookings.push(created.id);
        }
        booking_tokens.push((b.arrive, b.slot, created.token));
    }

    let servers = Arc::new(
        servers
            .into_iter()
            .map(tokio::sync::Mutex::new)
            .collect::<Vec<_>>(),
    );
    // Subscribers: two steady wall boards and one whose network flaps.
    let boards: Arc<Mutex<Vec<Received>>> = Arc::default();
    let phones: Arc<Mutex<Vec<Received>>> = Arc::default();
    let _ = agents::PHONES.set(phones.clone());
    let mut board_tasks = Vec::new();
    let mut progress = Vec::new();
    for (name, drop_every) in [
        ("board-1", None),
        ("board-2", None),
        ("board-flapping", Some(20.0)),
    ] {
        let p = Arc::new(std::sync::atomic::AtomicI64::new(0));
        progress.push(p.clone());
        board_tasks.push(tokio::spawn(agents::board(
            shared.clone(),
            client_for(progress.len())?,
            name.into(),
            drop_every,
            p,
            boards.clone(),
        )));
    }

    // Counters: two open late, a third pause before and a third after the
    // middle of the day; the おくやみ rooms do not pause.
    let open = local(open_time)?;
    let last_arrival = local(until)?;
    let mid = open + (last_arrival - open) / 2;
    let mut counters = Vec::new();
    for (i, b) in booth_ids.iter().enumerate() {
        let staff = public
            .login(&format!("staff-{b}"), server::PASSWORD)
            .await
            .context("staff login")?;
        let okuyami = b.starts_with("okuyami");
        let pause = match (okuyami, i % 3) {
            (false, 0) => Some((mid - chrono::Duration::minutes(40), mid)),
            (false, 1) => Some((mid, mid + chrono::Duration::minutes(40))),
            _ => None,
        };
        let schedule = Schedule {
            open: if i % 5 == 4 {
                open + chrono::Duration::minutes(30)
            } else {
                open
            },
            pause,
            last_arrival,
        };
        counters.push(tokio::spawn(agents::counter(
            shared.clone(),
            client_for(i)?.with_token(staff.token),
            b.clone(),
            schedule,
            cli.seed.wrapping_add(i as u64 * 7919),
        )));
    }

    // The crash test starts once everyone is logged in.
    let (stop_crashing, crash_stop) = tokio::sync::watch::channel(false);
    let crasher = crash_every.map(|every| {
        tokio::spawn(agents::crasher(
            shared.clone(),
            servers.clone(),
            every,
            cli.seed,
            crash_stop,
        ))
    });

    // Arrivals: walk-ins in time order, families at their reservation.
    let mut arrivals = Vec::new();
    for (arrive, slot, token) in booking_tokens {
        let Some(at) = arrive else { continue };
        let (shared, kiosk) = (shared.clone(), kiosk.clone());
        arrivals.push(tokio::spawn(async move {
            shared.clock.sleep_until(at).await;
            agents::reservation_visit(shared, kiosk, token, slot).await;
        }));
    }
    for v in day_plan.visitors.clone() {
        shared.clock.sleep_until(v.arrive).await;
        arrivals.push(tokio::spawn(agents::walk_in(
            shared.clone(),
            kiosk.clone(),
            public.clone(),
            v,
        )));
    }
    for a in arrivals {
        let _ = a.await;
    }
    shared.arrivals_done.store(true, Ordering::SeqCst);

    // The counters finish the day (bounded: three times the planned length).
    let bound = clock.real(((last_arrival - clock.now()).num_minutes().max(0) + 180) as f64) * 3
        + Duration::from_secs(60);
    let finished = tokio::time::timeout(bound, async {
        for c in counters {
            let _ = c.await;
        }
    })
    .await;
    if finished.is_err() {
        bail!("the counters did not finish within {bound:?}: queue stuck?");
    }
    // Stop crashing, let every board catch up with the last event, stop.
    let _ = stop_crashing.send(true);
    let crashes = match crasher {
        Some(c) => c.await.unwrap_or(0),
        None => 0,
    };
    let mut last_id = 0;
    for _ in 0..300 {
        if let Ok(b) = public.board().await {
            last_id = b.last_event_id;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline && progress.iter().any(|p| p.load(Ordering::SeqCst) < last_id) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = shared.stop.send(true);
    for t in board_tasks {
        let _ = t.await;
    }
    for s in servers.iter() {
        s.lock().await.stop();
    }
    let database = madoguchi_server::storage::Database::choose(&data, database_url.as_deref())?;

    let acks = std::mem::take(&mut *shared.acks.lock().map_err(|_| anyhow::anyhow!("acks"))?);
    let mut received = boards
        .lock()
        .map_err(|_| anyhow::anyhow!("boards"))?
        .clone();
    received.extend(
        phones
            .lock()
            .map_err(|_| anyhow::anyhow!("phones"))?
            .iter()
            .cloned(),
    );
    let report = check::check(&database, &office, &acks, &received).await?;
    if let Some(c) = cluster {
        c.stop();
    }
    let real = started.elapsed().as_secs_f64();
    println!(
        "simulated day finished in {real:.0} s real ({:.1} simulated h)",
        real * cli.speed / 3600.0
    );
    println!(
        "tickets {}  calls {}  events {}  subscribers {}  crashes {}  retried requests {}",
        report.tickets,
        report.calls,
        report.events,
        report.subscribers,
        crashes,
        shared.retries.load(Ordering::Relaxed)
    );
    println!(
        "acknowledged: {} tickets, {} calls, {} completed, {} absent, {} transfers, {} bookings; refused {:?}",
        acks.issued.len(),
        acks.calls.len(),
        acks.completes.len(),
        acks.no_shows.len(),
        acks.transfers.len(),
        acks.bookings.len(),
        acks.refused
    );
    println!(
        "wait estimates at the kiosk ({} walk-ins): mean absolute error {:.1} min, {:.0} % within the range shown; real wait mean {:.1} min, max {:.0} min",
        report.estimated,
        report.mean_abs_error,
        report.within_range * 100.0,
        report.mean_wait,
        report.max_wait
    );
    // Exact figures for the tests: what the plan asked for beside what
    // the server acknowledged.
    let planned_families = day_plan
        .bookings
        .iter()
        .filter(|b| b.arrive.is_some())
        .count();
    println!(
        "SUMMARY|{}",
        serde_json::json!({
            "planned": {
                "walk_ins": day_plan.visitors.len(),
                "bookings": day_plan.bookings.len(),
                "families": planned_families,
                "priority": day_plan.visitors.iter().filter(|v| v.priority).count(),
                "absent": day_plan.visitors.iter().filter(|v| v.absent).count(),
                // Procedure steps of those who come when called (a transfer
                // replaces a step; a family's visit is one).
                "steps": day_plan.visitors.iter().filter(|v| !v.absent).map(|v| v.services.len()).sum::<usize>() + planned_families,
            },
            "acknowledged": {
                "tickets": acks.issued.len(),
                "walk_ins": acks.issued.iter().filter(|i| i.walk_in).count(),
                "families": acks.issued.iter().filter(|i| !i.walk_in).count(),
                "bookings": acks.bookings.len(),
                "calls": acks.calls.len(),
                "completed": acks.completes.len(),
                "absent": acks.no_shows.len(),
                "transfers": acks.transfers.len(),
                "refused": acks.refused,
            },
            "crashes": crashes,
            "violations": report.violations.len(),
        })
    );
    // Machine-readable lines for scripts/bench-report (BENCHMARKS.md).
    let section = match (crash_every.is_some(), database_url.is_some()) {
        (_, true) => "scale",
        (true, false) => "crash",
        (false, false) => "sim",
    };
    println!(
        "FIGURE|{section}|{} walk-ins + {} reservations, 12 counters + 2 おくやみ rooms, {}× speed, {backend}{}: every ticket finished, nobody called twice or out of turn, every acknowledged action on record, event ids dense, every subscriber stream complete|{}|all hold|{}",
        day_plan.visitors.len(),
        day_plan.bookings.len(),
        cli.speed,
        if crashes > 0 {
            format!(", kill -9 {crashes} times")
        } else {
            String::new()
        },
        if report.violations.is_empty() {
            "all hold".to_string()
        } else {
            format!("{} broken", report.violations.len())
        },
        report.violations.is_empty()
    );
    if section == "sim" {
        println!(
            "FIGURE|sim|wait shown at the kiosk vs real wait ({} walk-ins; real wait mean {:.1} min, max {:.0} min)|mean absolute error {:.1} min; {:.0} % within the range shown||",
            report.estimated,
            report.mean_wait,
            report.max_wait,
            report.mean_abs_error,
            report.within_range * 100.0
        );
    }
    if report.violations.is_empty() {
        println!("invariants: all hold");
        Ok(())
    } else {
        println!("invariants: {} broken", report.violations.len());
        for v in report.violations.iter().take(50) {
            println!("  - {v}");
        }
        std::process::exit(1);
    }
}

//! `madoguchi-sim`: a whole office day against the real server on loopback,
//! at many times real speed, then a check of what must hold and a report of
//! how good the wait estimates were. With `--crash-every` the server is
//! killed with SIGKILL at random moments and restarted (the crash test).
//!
//!   madoguchi-sim                                  # 2,000 visitors, 08:30–17:00, 100×
//!   madoguchi-sim --visitors 300 --until 10:30 --speed 200 --crash-every 2-5
//!   madoguchi-sim --database postgres --instances 2 --crash-every 5-20
//!   madoguchi-sim --offices 20 --database postgres --instances 2
//!
//! On PostgreSQL the sim starts a throw-away cluster of its own (or uses
//! `--database-url`); with several instances every kiosk, counter and board
//! is given all of them (each its own first choice), and `--crash-every`
//! kills them in turn. With `--offices N` the servers run a city of N
//! offices, each with the whole simulated day at once (its own visitors,
//! counters, kiosk and boards), and every invariant is checked per office.
//!
//! Exit status 1 when an invariant is broken. Only 127.0.0.1 is contacted;
//! every loop is bounded and the run stops by itself.

mod agents;
mod check;
mod clock;
mod cpu;
mod day;
mod plan;
mod server;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use clap::Parser;

use crate::clock::SimClock;
use crate::day::{OfficeRecord, OfficeSetup};
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
    /// Offices of the simulated city, each with the whole day
    /// (`--visitors` each) at the same time.
    #[arg(long, default_value_t = 1)]
    offices: usize,
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
    anyhow::ensure!((1..=50).contains(&cli.offices), "--offices 1..=50");
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
    let (config, offices) = server::write_config(&data, cli.offices)?;
    let tz = offices[0].time_zone;
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
            database_url.clone(),
            madoguchi_server::vault::Vault::default_path(&data),
        )?);
    }
    let ids: Vec<&str> = offices.iter().map(|o| o.id.as_str()).collect();
    let kiosk_tokens = servers[0].set_up(&ids)?;
    // The day starts an hour before the doors open: servers, bookings and
    // the clerks' logins (argon2 each) fit in that hour even on a busy
    // machine (at 300× it is 12 real seconds), so no family arrives after
    // its check-in closed because the set-up was slow.
    let clock = SimClock::new(local(hhmm("07:30")?)?, cli.speed);
    for s in &mut servers {
        s.start(&clock).await?;
    }
    let bases = Arc::new(servers.iter().map(|s| s.base()).collect::<Vec<_>>());
    let backend = match (&database_url, cli.instances) {
        (None, _) => "SQLite".to_string(),
        (Some(_), 1) => "PostgreSQL, one server".to_string(),
        (Some(_), n) => format!("PostgreSQL, {n} servers"),
    };
    let (open, last_arrival) = (local(open_time)?, local(until)?);
    let mut setups = Vec::new();
    for (i, (office, kiosk_token)) in offices.iter().zip(kiosk_tokens).enumerate() {
        let seed = cli.seed.wrapping_add(i as u64 * 1_000_003);
        let plan = plan::plan(&plan::PlanSettings {
            seed,
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
        setups.push(OfficeSetup {
            office: office.clone(),
            plan,
            kiosk_token,
            bases: bases.clone(),
            first_agent: i,
            open,
            last_arrival,
            seed,
        });
    }
    let started = Instant::now();
    println!(
        "madoguchi-sim: {}{} visitors, {} reservations, {} counters{}, {}× ({} real s per simulated hour), {}{}",
        if cli.offices > 1 {
            format!("{} offices × ", cli.offices)
        } else {
            String::new()
        },
        cli.visitors,
        setups[0].plan.bookings.len(),
        offices[0].booths.len(),
        if cli.offices > 1 { " each" } else { "" },
        cli.speed,
        3600.0 / cli.speed,
        backend,
        crash_every.map_or(String::new(), |(a, b)| format!(", kill -9 every {a}–{b} s"))
    );

    let servers = Arc::new(
        servers
            .into_iter()
            .map(tokio::sync::Mutex::new)
            .collect::<Vec<_>>(),
    );

    let cpu_start = cpu::sample(&pids(&servers).await);
    let day_started = Instant::now();
    // Every office's day at once.
    let days: Vec<_> = setups
        .into_iter()
        .map(|s| tokio::spawn(day::run(s, clock)))
        .collect();
    // The crash test starts once the days have begun.
    let (stop_crashing, crash_stop) = tokio::sync::watch::channel(false);
    let crasher = crash_every.map(|every| {
        tokio::spawn(agents::crasher(
            clock,
            servers.clone(),
            every,
            cli.seed,
            crash_stop,
        ))
    });
    let mut finished = Vec::new();
    for d in days {
        finished.push(d.await.context("an office's day panicked")??);
    }
    // Stop crashing, let every board catch up with the last event, stop.
    let _ = stop_crashing.send(true);
    let crashes = match crasher {
        Some(c) => c.await.unwrap_or(0),
        None => 0,
    };
    let cpu = cpu::usage(
        &cpu_start,
        &cpu::sample(&pids(&servers).await),
        day_started.elapsed().as_secs_f64(),
    );
    let mut records = Vec::new();
    for d in finished {
        let (office, plan) = (d.office.clone(), d.plan.clone());
        records.push((office, plan, d.finish().await?));
    }
    for s in servers.iter() {
        s.lock().await.stop();
    }
    let database = madoguchi_server::storage::Database::choose(&data, database_url.as_deref())?;
    let store = madoguchi_server::storage::Store::open(&database).await?;
    let mut reports = Vec::new();
    for (office, _, record) in &records {
        reports.push(check::check(&store, office, &record.acks, &record.received).await?);
    }
    store.pool().close().await;
    if let Some(c) = cluster {
        c.stop();
    }
    let real = started.elapsed().as_secs_f64();
    let outcome = Outcome {
        records: &records,
        reports: &reports,
        cpu: &cpu,
    };
    outcome.print(
        &cli,
        real,
        crashes,
        &backend,
        crash_every.is_some(),
        database_url.is_some(),
    );
    let broken: usize = reports.iter().map(|r| r.violations.len()).sum();
    if broken == 0 {
        println!("invariants: all hold");
        Ok(())
    } else {
        println!("invariants: {broken} broken");
        for ((office, _, _), r) in records.iter().zip(&reports) {
            for v in r.violations.iter().take(50) {
                println!("  - {}: {v}", office.id);
            }
        }
        std::process::exit(1);
    }
}

/// The day of every office, checked: what the run prints.
/// The servers' process ids now (a restart gives a new one).
async fn pids(servers: &[tokio::sync::Mutex<ServerProcess>]) -> Vec<u32> {
    let mut pids = Vec::new();
    for s in servers {
        pids.extend(s.lock().await.pid());
    }
    pids
}

struct Outcome<'a> {
    records: &'a [(
        madoguchi_server::config::Office,
        plan::DayPlan,
        OfficeRecord,
    )],
    reports: &'a [check::Report],
    cpu: &'a cpu::Usage,
}

impl Outcome<'_> {
    fn sum(&self, f: impl Fn(&OfficeRecord) -> usize) -> usize {
        self.records.iter().map(|(_, _, r)| f(r)).sum()
    }

    fn planned(&self, f: impl Fn(&plan::DayPlan) -> usize) -> usize {
        self.records.iter().map(|(_, p, _)| f(p)).sum()
    }

    fn reported(&self, f: impl Fn(&check::Report) -> usize) -> usize {
        self.reports.iter().map(f).sum()
    }

    fn print(
        &self,
        cli: &Cli,
        real: f64,
        crashes: u32,
        backend: &str,
        crashing: bool,
        postgres: bool,
    ) {
        println!(
            "simulated day finished in {real:.0} s real ({:.1} simulated h)",
            real * cli.speed / 3600.0
        );
        let mut refused = std::collections::BTreeMap::<String, u32>::new();
        for (_, _, r) in self.records {
            for (code, n) in &r.acks.refused {
                *refused.entry(code.clone()).or_default() += n;
            }
        }
        println!(
            "tickets {}  calls {}  events {}  subscribers {}  crashes {}  retried requests {}",
            self.reported(|r| r.tickets),
            self.reported(|r| r.calls),
            self.reported(|r| r.events),
            self.reported(|r| r.subscribers),
            crashes,
            self.records.iter().map(|(_, _, r)| r.retries).sum::<u64>()
        );
        println!(
            "acknowledged: {} tickets, {} calls, {} completed, {} absent, {} transfers, {} bookings; refused {:?}",
            self.sum(|r| r.acks.issued.len()),
            self.sum(|r| r.acks.calls.len()),
            self.sum(|r| r.acks.completes.len()),
            self.sum(|r| r.acks.no_shows.len()),
            self.sum(|r| r.acks.transfers.len()),
            self.sum(|r| r.acks.bookings.len()),
            refused
        );
        if self.records.len() > 1 {
            for ((office, _, _), report) in self.records.iter().zip(self.reports) {
                println!(
                    "  {}: {} tickets, {} calls, {} events, {} subscribers; invariants {}",
                    office.id,
                    report.tickets,
                    report.calls,
                    report.events,
                    report.subscribers,
                    if report.violations.is_empty() {
                        "all hold".to_string()
                    } else {
                        format!("{} broken", report.violations.len())
                    }
                );
            }
        }
        // The kiosk's estimates, over every office's walk-ins.
        let estimated = self.reported(|r| r.estimated);
        let weighted = |f: fn(&check::Report) -> f64| {
            self.reports
                .iter()
                .map(|r| f(r) * r.estimated as f64)
                .sum::<f64>()
                / (estimated.max(1) as f64)
        };
        let (mean_abs_error, within_range, mean_wait) = (
            weighted(|r| r.mean_abs_error),
            weighted(|r| r.within_range),
            weighted(|r| r.mean_wait),
        );
        let max_wait = self.reports.iter().map(|r| r.max_wait).fold(0.0, f64::max);
        println!(
            "wait estimates at the kiosk ({estimated} walk-ins): mean absolute error {mean_abs_error:.1} min, {:.0} % within the range shown; real wait mean {mean_wait:.1} min, max {max_wait:.0} min",
            within_range * 100.0,
        );
        let mut latencies: Vec<Duration> = self
            .records
            .iter()
            .flat_map(|(_, _, r)| r.call_to_board.iter().copied())
            .collect();
        latencies.sort();
        let pct = |q: f64| {
            latencies
                .get(((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1))
                .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        let (p50, p99) = (pct(0.50), pct(0.99));
        println!(
            "call → board: p50 {p50:.1} ms, p99 {p99:.1} ms over {} calls (call-next sent → ticket.called at a steady board)",
            latencies.len()
        );
        println!("{}", self.cpu.line());
        // Exact figures for the tests: what the plan asked for beside what
        // the server acknowledged (summed over the offices).
        // Families who come in time to check in.
        let families = |p: &plan::DayPlan| {
            p.bookings
                .iter()
                .filter(|b| b.arrive.is_some() && !b.too_late)
                .count()
        };
        let violations = self.reported(|r| r.violations.len());
        let offices: Vec<_> = self
            .records
            .iter()
            .zip(self.reports)
            .map(|((office, plan, record), report)| {
                serde_json::json!({
                    "id": office.id,
                    "planned_tickets": plan.visitors.len() + families(plan),
                    "tickets": record.acks.issued.len(),
                    "events": report.events,
                    "violations": report.violations.len(),
                })
            })
            .collect();
        println!(
            "SUMMARY|{}",
            serde_json::json!({
                "planned": {
                    "walk_ins": self.planned(|p| p.visitors.len()),
                    "bookings": self.planned(|p| p.bookings.len()),
                    "families": self.planned(families),
                    "too_late": self.planned(|p| p.bookings.iter().filter(|b| b.too_late).count()),
                    "priority": self.planned(|p| p.visitors.iter().filter(|v| v.priority).count()),
                    "absent": self.planned(|p| p.visitors.iter().filter(|v| v.absent).count()),
                    // Procedure steps of those who come when called (a transfer
                    // replaces a step; a family's visit is one).
                    "steps": self.planned(|p| p.visitors.iter().filter(|v| !v.absent).map(|v| v.services.len()).sum::<usize>() + families(p)),
                },
                "acknowledged": {
                    "tickets": self.sum(|r| r.acks.issued.len()),
                    "walk_ins": self.sum(|r| r.acks.issued.iter().filter(|i| i.walk_in).count()),
                    "families": self.sum(|r| r.acks.issued.iter().filter(|i| !i.walk_in).count()),
                    "bookings": self.sum(|r| r.acks.bookings.len()),
                    "calls": self.sum(|r| r.acks.calls.len()),
                    "completed": self.sum(|r| r.acks.completes.len()),
                    "absent": self.sum(|r| r.acks.no_shows.len()),
                    "transfers": self.sum(|r| r.acks.transfers.len()),
                    "refused": refused,
                    "too_late": self.sum(|r| r.acks.turned_away as usize),
                },
                "crashes": crashes,
                "violations": violations,
                "offices": offices,
                "call_to_board_ms": { "p50": p50, "p99": p99, "calls": latencies.len() },
                "cpu_seconds": self.cpu,
            })
        );
        let holds = if violations == 0 {
            "all hold".to_string()
        } else {
            format!("{violations} broken")
        };
        let (visitors, bookings) = (
            self.records[0].1.visitors.len(),
            self.records[0].1.bookings.len(),
        );
        let kills = if crashes > 0 {
            format!(", kill -9 {crashes} times")
        } else {
            String::new()
        };
        // Machine-readable lines for scripts/bench-report (BENCHMARKS.md).
        if self.records.len() > 1 {
            let n = self.records.len();
            println!(
                "FIGURE|city|{n} offices × ({visitors} walk-ins + {bookings} reservations, 12 counters + 2 おくやみ rooms), all at once, {}× speed, {backend}{kills}: at every office every ticket finished, nobody called twice or out of turn, every acknowledged action on record, event ids dense, every subscriber stream complete|{holds}|all hold|{}",
                cli.speed,
                violations == 0
            );
            println!(
                "FIGURE|city|staff `call-next` sent → `ticket.called` at the office's steady board, across the city ({} calls)|p50 {p50:.1} ms, p99 {p99:.1} ms|p99 < 100 ms|{}",
                latencies.len(),
                p99 < 100.0
            );
            return;
        }
        let section = match (crashing, postgres) {
            (_, true) => "scale",
            (true, false) => "crash",
            (false, false) => "sim",
        };
        println!(
            "FIGURE|{section}|{visitors} walk-ins + {bookings} reservations, 12 counters + 2 おくやみ rooms, {}× speed, {backend}{kills}: every ticket finished, nobody called twice or out of turn, every acknowledged action on record, event ids dense, every subscriber stream complete|{holds}|all hold|{}",
            cli.speed,
            violations == 0
        );
        if section == "sim" {
            println!(
                "FIGURE|sim|wait shown at the kiosk vs real wait ({estimated} walk-ins; real wait mean {mean_wait:.1} min, max {max_wait:.0} min)|mean absolute error {mean_abs_error:.1} min; {:.0} % within the range shown||",
                within_range * 100.0
            );
        }
    }
}

//! Board figures for BENCHMARKS.md (`scripts/bench board`):
//! - staff call → board frame showing the number (release board on Xvfb);
//! - idle CPU and memory (PSS) of the board over 60 s, beside Chromium in
//!   kiosk mode showing `/board` with the same data on the same Xvfb.
//!
//! Loopback only; every loop is bounded.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use madoguchi_testkit::usage::cpu_and_memory;
use madoguchi_testkit::{Floor, Stop, Xvfb, percentile};

const CALLS: usize = 30;
const IDLE_SECS: u64 = 60;

fn now_micros() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros())
        .unwrap_or(0)
}

/// All processes whose command line mentions `marker` (Chromium's helpers).
fn pids_with(marker: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmd).contains(marker) {
            out.push(pid);
        }
    }
    out
}

fn main() {
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with("--") && !"board".contains(a.as_str()))
    {
        return; // another bench was asked for
    }
    let floor = Floor::start();
    for i in 0..CALLS + 6 {
        floor.walk_in(
            if i % 2 == 0 { "shomei" } else { "juminido" },
            &format!("v{i}"),
        );
    }
    floor.open("1");
    floor.open("2");
    let x = Xvfb::with_size(161, 1920, 1080);
    let display = x.display.clone();
    let dir = tempfile::tempdir().expect("dir");
    let log = dir.path().join("drawn.tsv");
    let board = Stop(
        x.app(env!("CARGO_BIN_EXE_madoguchi-board"))
            .env("RUST_LOG", "error")
            .args([
                "--server",
                &floor.base,
                "--windowed",
                "--no-voice",
                "--flash-secs",
                "1",
                "--latency-log",
            ])
            .arg(&log)
            .spawn()
            .expect("board"),
    );
    std::thread::sleep(Duration::from_secs(8));

    // Calls arrive at an idle board (after the flash of the previous one).
    let mut latencies = Vec::new();
    for _ in 0..CALLS {
        let t0 = now_micros();
        let (id, number) = floor.call_next("1");
        let deadline = Instant::now() + Duration::from_secs(5);
        let drawn = loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(line) = text
                .lines()
                .rev()
                .find(|l| l.starts_with(&format!("shown\t{number}\t")))
            {
                break line
                    .split('\t')
                    .nth(2)
                    .and_then(|v| v.parse::<u128>().ok())
                    .unwrap_or(0);
            }
            assert!(
                Instant::now() < deadline,
                "{number} never reached the screen"
            );
            std::thread::sleep(Duration::from_millis(2));
        };
        latencies.push((drawn.saturating_sub(t0)) as f64 / 1000.0);
        floor.act(id, "complete");
        std::thread::sleep(Duration::from_millis(2500));
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    println!(
        "board: staff call sent → frame with the number rendered ({CALLS} calls, release, Xvfb + lavapipe): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms   [goal p99 < 100 ms]",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(0.0)
    );
    // Machine-readable line for scripts/bench-report (BENCHMARKS.md).
    println!(
        "FIGURE|board|staff `call-next` sent → first frame with the number presented ({CALLS} calls, idle board, release, Xvfb + lavapipe)|p50 {:.1} ms, p99 {:.1} ms|p99 < 100 ms|{}",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        percentile(&latencies, 0.99) < 100.0
    );

    std::thread::sleep(Duration::from_secs(3));
    let board_pid = board.0.id();
    let (board_cpu, board_pss) = cpu_and_memory(&|| vec![board_pid], IDLE_SECS);
    drop(board);

    let profile = tempfile::tempdir().expect("profile");
    let marker = profile.path().to_string_lossy().to_string();
    let chromium = Stop(
        Command::new("chromium")
            .env("DISPLAY", &display)
            .args([
                "--no-sandbox",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--noerrdialogs",
                "--window-size=1920,1080",
                &format!("--user-data-dir={marker}"),
                "--kiosk",
                &format!("{}/board", floor.base),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium"),
    );
    std::thread::sleep(Duration::from_secs(15));
    let (chrome_cpu, chrome_pss) = cpu_and_memory(&|| pids_with(&marker), IDLE_SECS);
    drop(chromium);
    println!(
        "idle over {IDLE_SECS} s, same data and Xvfb: Bevy board {board_cpu:.3} % of a core, PSS {board_pss:.0} MB; Chromium kiosk /board {chrome_cpu:.3} % of a core, PSS {chrome_pss:.0} MB (all its processes)   [goal: board ≤ 1/3 of Chromium's CPU and ≤ 1/2 of its memory]"
    );
    println!(
        "  ratios: CPU {:.2}×, memory {:.2}× of Chromium",
        board_cpu / chrome_cpu.max(1e-9),
        board_pss / chrome_pss.max(1e-9)
    );
    let (cpu_ratio, mem_ratio) = (
        board_cpu / chrome_cpu.max(1e-9),
        board_pss / chrome_pss.max(1e-9),
    );
    println!(
        "FIGURE|board|idle CPU over {IDLE_SECS} s, same data, same Xvfb: Bevy board vs Chromium `--kiosk /board`|board {board_cpu:.3} % of a core, Chromium {chrome_cpu:.3} % ({cpu_ratio:.2}×)|≤ 1/3 of Chromium|{}",
        cpu_ratio <= 1.0 / 3.0
    );
    println!(
        "FIGURE|board|idle memory, PSS summed over all processes|board {board_pss:.0} MB, Chromium {chrome_pss:.0} MB ({mem_ratio:.2}×)|≤ 1/2 of Chromium|{}",
        mem_ratio <= 0.5
    );
}

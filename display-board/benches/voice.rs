//! Voice figures for BENCHMARKS.md (`scripts/bench voice`): a staff call →
//! the first sound sample of the announcement (the chime) and → the first
//! sample of the synthesised Japanese voice after it, over 30 calls, on
//! the release board with the default voices playing into a PulseAudio
//! null sink (a real audio path). Times are when each piece enters the
//! audio device's queue (`MADOGUCHI_LOG_SOUND`); the device's own buffer
//! adds its latency on top. English is silenced here so that calls are
//! spaced by the Japanese line only; it would follow the same way.
//!
//! Loopback only; every loop is bounded.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use madoguchi_testkit::pulse::PulseAudio;
use madoguchi_testkit::{Floor, Stop, Xvfb, percentile};

const CALLS: usize = 30;

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0)
}

/// Times (unix ms) of the log lines that start with `what`.
fn logged(path: &std::path::Path, what: &str) -> Vec<u128> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(' '))
        .filter(|(_, w)| w.starts_with(what))
        .filter_map(|(t, _)| t.parse().ok())
        .collect()
}

fn main() {
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with("--") && !"voice".contains(a.as_str()))
    {
        return; // another bench was asked for
    }
    let floor = Floor::start();
    for i in 0..CALLS {
        floor.walk_in("shomei", &format!("v{i}"));
    }
    floor.open("1");
    let pulse = PulseAudio::start();
    let x = Xvfb::with_size(171, 1920, 1080);
    let dir = tempfile::tempdir().expect("dir");
    let log = dir.path().join("sound.tsv");
    let _board = Stop(
        pulse
            .env(&mut x.app(env!("CARGO_BIN_EXE_madoguchi-board")))
            .env("MADOGUCHI_LOG_SOUND", &log)
            .env("RUST_LOG", "error")
            .args(["--server", &floor.base, "--windowed", "--voice", "en="])
            .spawn()
            .expect("board"),
    );
    std::thread::sleep(Duration::from_secs(5));
    let (mut chime, mut voice) = (Vec::new(), Vec::new());
    for i in 0..CALLS {
        let (id, _) = floor.call_next("1");
        let sent = now_ms();
        let deadline = Instant::now() + Duration::from_secs(20);
        while logged(&log, "voice").len() <= i {
            assert!(Instant::now() < deadline, "call {i} was not spoken");
            std::thread::sleep(Duration::from_millis(20));
        }
        let voice_at = logged(&log, "voice")[i];
        chime.push((logged(&log, "chime")[i] - sent) as f64);
        voice.push((voice_at - sent) as f64);
        floor.act(id, "complete");
        // The voice entry is logged when the line is queued, with the time
        // it will start; let it end (a call line is under 6 s) before the
        // next call, so no call waits behind the previous announcement.
        let ends = voice_at + 6_500;
        while now_ms() < ends {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let mut gap: Vec<f64> = voice.iter().zip(&chime).map(|(v, c)| v - c).collect();
    chime.sort_by(f64::total_cmp);
    voice.sort_by(f64::total_cmp);
    gap.sort_by(f64::total_cmp);
    let (c50, c99) = (percentile(&chime, 0.5), percentile(&chime, 0.99));
    let (v50, v99) = (percentile(&voice, 0.5), percentile(&voice, 0.99));
    let g99 = percentile(&gap, 0.99);
    println!(
        "FIGURE|voice|staff `call-next` sent → first sample of the announcement (the chime) queued to the audio device ({CALLS} calls, release board, PulseAudio null sink)|p50 {c50:.0} ms, p99 {c99:.0} ms|p99 < 1.5 s|{}",
        c99 < 1500.0
    );
    println!(
        "FIGURE|voice|staff `call-next` sent → first sample of the Japanese voice (Open JTalk, synthesised while the 1.35 s chime and 0.15 s pause play)|p50 {v50:.0} ms, p99 {v99:.0} ms; after the chime's start p99 {g99:.0} ms|the voice waits for nothing but the chime (≤ 1.55 s after it)|{}",
        g99 <= 1550.0
    );
}

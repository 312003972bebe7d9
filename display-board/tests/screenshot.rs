//! Screenshots of the real board window under Xvfb (software Vulkan),
//! checked for the regions a visitor looks at. The PNGs are kept in
//! `$CARGO_TARGET_TMPDIR/board-screens/` as test artefacts.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use madoguchi_testkit::frame_log::{frames_between, unix_ms};
use madoguchi_testkit::pixels::{count, near};
use madoguchi_testkit::{Floor, Xvfb};

fn shots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("board-screens");
    std::fs::create_dir_all(&dir).expect("artefact dir");
    dir
}

fn shoot(x: &Xvfb, server: &str, name: &str, extra: &[&str]) -> image::RgbaImage {
    let out = shots_dir().join(format!("{name}.png"));
    let _ = std::fs::remove_file(&out);
    let status = board(x, server)
        .arg("--screenshot")
        .arg(&out)
        .args(["--screenshot-after", "4", "--guidance-language", "ja"])
        .args(extra)
        .status()
        .expect("board runs");
    assert!(status.success(), "board exited with {status}");
    eprintln!("screenshot: {}", out.display());
    image::open(&out).expect("a PNG was written").to_rgba8()
}

/// The board on `x` following `server`, silent and quiet, ready to run.
fn board(x: &Xvfb, server: &str) -> Command {
    let mut board = x.app(env!("CARGO_BIN_EXE_madoguchi-board"));
    board.args(["--server", server, "--no-voice"]);
    board
}

/// The board in a window (not fullscreen), as the idle tests run it.
fn windowed_board(x: &Xvfb, server: &str) -> Command {
    let mut board = board(x, server);
    board.arg("--windowed");
    board
}

/// A windowed board that logs every presented frame to `NAME.tsv` among
/// the artefacts (read with `frames_between`).
fn frame_logging_board(x: &Xvfb, server: &str, name: &str) -> (Command, PathBuf) {
    let log = shots_dir().join(format!("{name}.tsv"));
    let _ = std::fs::remove_file(&log);
    let mut board = windowed_board(x, server);
    board
        .env("MADOGUCHI_LOG_FRAMES", "1")
        .arg("--latency-log")
        .arg(&log);
    (board, log)
}

/// The colour of the big called number (ACCENT in app.rs).
const ACCENT: [u8; 3] = [255, 214, 64];

fn busy_floor() -> Floor {
    let floor = Floor::start();
    for i in 0..6 {
        floor.walk_in(
            if i % 2 == 0 { "shomei" } else { "juminido" },
            &format!("v{i}"),
        );
    }
    floor.open("1");
    floor.open("2");
    floor.open("4");
    floor.call_next("1");
    floor.call_next("2");
    floor.pause("4");
    floor
}

#[test]
fn the_board_shows_calls_waits_and_booths_in_landscape_and_portrait() {
    let floor = busy_floor();
    let x = Xvfb::start(101);

    let img = shoot(&x, &floor.base, "landscape-1080p", &[]);
    assert_eq!((img.width(), img.height()), (1920, 1080));
    let number = count(&img, (0, 80, 1150, 790), near(ACCENT, 40));
    assert!(
        number > 5_000,
        "the called number is drawn large: {number} accent pixels"
    );
    let paused = count(&img, (0, 900, 1920, 1040), near([140, 115, 26], 30));
    assert!(paused > 500, "a paused booth is marked: {paused}");
    let open = count(&img, (0, 900, 1920, 1040), near([31, 107, 64], 30));
    assert!(open > 500, "open booths are marked: {open}");
    let bright_text = count(&img, (0, 0, 1920, 1080), |p| p.iter().all(|c| *c > 200));
    assert!(bright_text > 10_000, "text is drawn: {bright_text}");

    let img = shoot(&x, &floor.base, "portrait", &["--portrait"]);
    assert_eq!((img.width(), img.height()), (1080, 1920));
    let number = count(&img, (0, 0, 1080, 1920), near(ACCENT, 40));
    assert!(number > 5_000, "portrait shows the number: {number}");
}

#[test]
fn without_a_server_the_board_says_it_is_reconnecting() {
    let x = Xvfb::start(101);
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let img = shoot(&x, &format!("http://127.0.0.1:{port}"), "reconnecting", &[]);
    let mark = count(&img, (1300, 950, 1920, 1080), |p| {
        p[0] > 110 && p[1] < 70 && p[2] < 70
    });
    assert!(mark > 1_000, "the reconnecting mark is shown: {mark}");
    let number = count(&img, (0, 80, 1150, 790), near(ACCENT, 40));
    assert!(number < 5_000, "no number is invented: {number}");
}

#[test]
fn ctrl_c_ends_an_idle_board_at_once() {
    let floor = Floor::start();
    let x = Xvfb::start(101);
    let mut board = windowed_board(&x, &floor.base).spawn().expect("board runs");
    // Let it settle into its low-power wait (it sleeps until the next minute).
    std::thread::sleep(Duration::from_secs(6));
    assert!(board.try_wait().expect("status").is_none(), "still running");
    let sent = Instant::now();
    let status = Command::new("kill")
        .args(["-INT", &board.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    loop {
        if let Some(status) = board.try_wait().expect("status") {
            // 130 = 128 + SIGINT, Bevy's conventional exit code for Ctrl-C.
            assert!(
                matches!(status.code(), Some(0) | Some(130)),
                "orderly exit, not a crash: {status}"
            );
            break;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(3),
            "Ctrl-C took longer than 3 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!("exited {} ms after Ctrl-C", sent.elapsed().as_millis());
}

/// An idle board draws one frame a minute, just after the minute turns, so
/// its clock is right and it costs almost nothing. (With Bevy's reactive
/// timer as the clock, the board drew two frames every minute.)
#[test]
fn an_idle_board_draws_once_a_minute_when_the_clock_turns() {
    let floor = Floor::start();
    let x = Xvfb::start(102);
    let (mut board, log) = frame_logging_board(&x, &floor.base, "idle-frames");
    let mut board = board.spawn().expect("board runs");
    // Let start-up (window, fonts, first snapshot) finish, then watch from
    // here to a few seconds past the next minute boundary.
    std::thread::sleep(Duration::from_secs(8));
    let watch_from = unix_ms();
    let boundary = watch_from - watch_from % 60_000 + 60_000;
    let watch_to = boundary + 4_000;
    std::thread::sleep(Duration::from_millis((watch_to - unix_ms()).max(0) as u64));
    let frames = frames_between(&log, watch_from, watch_to);
    let _ = board.kill();
    let _ = board.wait();
    let late: Vec<i64> = frames.iter().map(|ms| ms - boundary).collect();
    eprintln!("frames relative to the minute boundary (ms): {late:?}");
    assert_eq!(
        frames.len(),
        1,
        "one frame for the minute, none while idle: {late:?}"
    );
    assert!(
        (0..2_000).contains(&late[0]),
        "the clock turns with the minute, not {} ms late",
        late[0]
    );
}

#[test]
fn a_call_after_a_quiet_spell_flashes_for_the_configured_time() {
    let floor = Floor::start();
    floor.walk_in("shomei", "v1");
    floor.open("1");
    let x = Xvfb::start(103);
    let (mut board, log) = frame_logging_board(&x, &floor.base, "flash-frames");
    let mut board = board
        .args(["--flash-secs", "3"])
        .spawn()
        .expect("board runs");
    // Start-up, then a quiet spell: the board sleeps between frames.
    std::thread::sleep(Duration::from_secs(15));
    let called = unix_ms();
    let (_, number) = floor.call_next("1");
    std::thread::sleep(Duration::from_secs(6));
    let frames = frames_between(&log, called, called + 6_000);
    let _ = board.kill();
    let _ = board.wait();
    let first = frames.first().copied().unwrap_or(called);
    let last = frames.last().copied().unwrap_or(called);
    eprintln!(
        "{number}: {} frames from {} ms to {} ms after the call",
        frames.len(),
        first - called,
        last - called
    );
    assert!(
        last - first >= 2_500,
        "{number} flashes for about the 3 s configured, not {} ms",
        last - first
    );
}

/// On an X server without a window manager (`xinit /usr/bin/madoguchi-board`,
/// as many signage PCs run it) nobody answers the full-screen request: the
/// board fills the monitor itself instead of drawing in a corner.
#[test]
fn without_a_window_manager_the_fullscreen_board_fills_the_monitor() {
    let floor = Floor::start();
    let x = Xvfb::with_size(181, 1600, 900);
    // Its log is kept: an early exit says why there.
    let log = shots_dir().join("fill-monitor-board.log");
    let mut board = board(&x, &floor.base)
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("board runs");
    let seen = madoguchi_testkit::wait_for_geometry(
        &x.display,
        "Madoguchi",
        (0, 0, 1600, 900),
        Duration::from_secs(120),
    );
    // Under a loaded CI machine the first frame (lavapipe) can take long.
    let exited = board.try_wait().ok().flatten();
    let _ = board.kill();
    let _ = board.wait();
    assert_eq!(
        seen,
        Some((0, 0, 1600, 900)),
        "the whole monitor, from its corner (exited early: {exited:?}); its log ends:\n{}",
        madoguchi_testkit::last_lines(&log, 80)
    );
}

//! Screenshots of the real kiosk window under Xvfb (software Vulkan), every
//! screen in Japanese and English, driven through the same keyboard and
//! button paths as a visitor (`--script`). Checked for the regions a
//! visitor looks at; the PNGs stay in `$CARGO_TARGET_TMPDIR/kiosk-screens/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use madoguchi_testkit::frame_log::{frames_between, unix_ms};
use madoguchi_testkit::pixels::{count, near};
use madoguchi_testkit::{Floor, Xvfb};

/// Colours from screen.rs.
const PRIMARY: [u8; 3] = [18, 58, 122];
const SELECTED: [u8; 3] = [14, 122, 79];
const WARN: [u8; 3] = [184, 110, 0];
const INK: [u8; 3] = [27, 37, 53];

fn shots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kiosk-screens");
    std::fs::create_dir_all(&dir).expect("artefact dir");
    dir
}

/// Runs the kiosk with `steps`; `shot:NAME` is expanded to the artefact path.
fn run(x: &Xvfb, server: &str, token: &str, steps: &str, extra: &[&str]) {
    let dir = shots_dir();
    let steps: Vec<String> = steps
        .split(';')
        .map(|s| match s.strip_prefix("shot:") {
            Some(name) => {
                let path = dir.join(format!("{name}.png"));
                let _ = std::fs::remove_file(&path);
                format!("shot:{}", path.display())
            }
            None => s.to_string(),
        })
        .collect();
    let status = kiosk(x, server, token)
        .arg("--script")
        .arg(steps.join(";"))
        .args(extra)
        .status()
        .expect("kiosk runs");
    assert!(status.success(), "kiosk script failed: {status}");
}

/// The kiosk on `x` checking in at `server`, quiet, ready to run.
fn kiosk(x: &Xvfb, server: &str, token: &str) -> Command {
    let mut kiosk = x.app(env!("CARGO_BIN_EXE_madoguchi-kiosk"));
    kiosk.args(["--server", server, "--token", token]);
    kiosk
}

/// A real mouse click on the welcome screen's walk-in button (x 960,
/// y ~800 at 1080p), as a visitor's finger or mouse would.
fn click_walk_in(display: &str) -> std::process::ExitStatus {
    Command::new("xdotool")
        .env("DISPLAY", display)
        .args(["mousemove", "960", "800", "click", "1"])
        .status()
        .expect("xdotool (Debian package xdotool; scripts/setup.sh installs it)")
}

fn open(name: &str) -> image::RgbaImage {
    let path = shots_dir().join(format!("{name}.png"));
    eprintln!("screenshot: {}", path.display());
    image::open(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgba8()
}

fn ink(img: &image::RgbaImage) -> usize {
    count(img, (0, 110, img.width(), img.height()), near(INK, 40))
}

/// How many pixels differ between two screenshots.
fn differ(a: &image::RgbaImage, b: &image::RgbaImage) -> usize {
    a.pixels().zip(b.pixels()).filter(|(p, q)| p != q).count()
}

/// Every screen in `lang`; closing the ticket starts the next visitor (in
/// Japanese), who chooses the language again.
fn screens(lang: &str) -> String {
    let switch = if lang == "en" { "tap:lang;" } else { "" };
    format!(
        "{switch}wait:2;shot:welcome-{lang};\
         tap:walkin;tap:service:shomei;tap:service:juminido;tap:priority;wait:0.5;shot:walkin-{lang};\
         tap:confirm;until:ticket;shot:ticket-{lang};\
         tap:home;{switch}scan:{unknown};until:problem;shot:problem-{lang};exit",
        unknown = "A".repeat(43)
    )
}

#[test]
fn every_screen_in_japanese_and_english_shows_what_a_visitor_needs() {
    let floor = Floor::start();
    floor.walk_in("shomei", "someone-before");
    let x = Xvfb::start(201);
    for lang in ["ja", "en"] {
        run(&x, &floor.base, &floor.kiosk_token, &screens(lang), &[]);
    }
    for lang in ["ja", "en"] {
        let welcome = open(&format!("welcome-{lang}"));
        assert_eq!((welcome.width(), welcome.height()), (1920, 1080));
        assert!(ink(&welcome) > 5_000, "the QR prompt is written");
        let button = count(&welcome, (400, 650, 1520, 950), near(PRIMARY, 12));
        assert!(button > 50_000, "a big walk-in button: {button}");

        let walkin = open(&format!("walkin-{lang}"));
        let chosen = count(&walkin, (0, 200, 1920, 1080), near(SELECTED, 12));
        assert!(
            chosen > 60_000,
            "two procedures and priority chosen: {chosen}"
        );

        let ticket = open(&format!("ticket-{lang}"));
        let number = count(&ticket, (0, 250, 1050, 600), near(PRIMARY, 30));
        assert!(number > 30_000, "the number is very large: {number}");
        let qr = count(&ticket, (1050, 250, 1920, 750), |p| {
            p.iter().all(|c| *c < 20)
        });
        assert!(qr > 20_000, "a QR code for the phone: {qr}");
        assert!(
            ink(&ticket) > 5_000,
            "procedures, place and wait are written"
        );

        let problem = open(&format!("problem-{lang}"));
        let bar = count(&problem, (0, 200, 1920, 1000), near(WARN, 20));
        assert!(bar > 3_000, "the calm amber mark of a problem: {bar}");
        assert!(ink(&problem) > 5_000, "the reason is written");
    }
    for screen in ["welcome", "walkin", "ticket", "problem"] {
        let (ja, en) = (open(&format!("{screen}-ja")), open(&format!("{screen}-en")));
        assert!(
            differ(&ja, &en) > 10_000,
            "{screen}: English differs from Japanese"
        );
    }
}

/// Text on a screenshot, read back by tesseract (Debian tesseract-ocr).
fn ocr(name: &str, langs: &str) -> String {
    let path = shots_dir().join(format!("{name}.png"));
    let out = Command::new("tesseract")
        .arg(&path)
        .args(["-", "-l", langs, "--psm", "11"])
        .output()
        .expect("tesseract (Debian tesseract-ocr, tesseract-ocr-jpn)");
    String::from_utf8_lossy(&out.stdout).replace([' ', '\n'], "")
}

#[test]
fn the_kiosk_speaks_every_visitor_language_and_prints_large() {
    let floor = Floor::start();
    let x = Xvfb::start(241);
    let langs = messages::LANGUAGES;
    for lang in langs {
        run(
            &x,
            &floor.base,
            &floor.kiosk_token,
            &format!(
                "wait:1;tap:lang:{lang};wait:1;shot:welcome-all-{lang};\
                 tap:walkin;tap:service:shomei;tap:confirm;until:ticket;shot:ticket-all-{lang};exit"
            ),
            &[],
        );
    }
    // Every language draws its own screens (and its own script's glyphs:
    // a missing glyph would draw the same empty boxes in two languages).
    for (i, a) in langs.iter().enumerate() {
        for b in &langs[i + 1..] {
            for screen in ["welcome-all", "ticket-all"] {
                let (x, y) = (
                    open(&format!("{screen}-{a}")),
                    open(&format!("{screen}-{b}")),
                );
                assert!(differ(&x, &y) > 10_000, "{screen}: {a} and {b} look alike");
            }
        }
    }
    // Read back: the words a visitor looks for are there.
    let ja = ocr("ticket-all-ja", "jpn");
    assert!(ja.contains("あなたの番号"), "{ja}");
    let en = ocr("ticket-all-en", "eng");
    assert!(en.contains("Yournumber"), "{en}");
    let pt = ocr("ticket-all-pt", "eng");
    assert!(pt.contains("senha") || pt.contains("Senha"), "{pt}");

    // Large print: the same ticket, bigger text (more ink), nothing cut off.
    run(
        &x,
        &floor.base,
        &floor.kiosk_token,
        "wait:1;tap:large;tap:walkin;tap:service:shomei;tap:confirm;until:ticket;shot:ticket-large;exit",
        &[],
    );
    let (normal, large) = (open("ticket-all-ja"), open("ticket-large"));
    assert!(
        ink(&large) > ink(&normal) * 11 / 10,
        "large print: {} vs {}",
        ink(&large),
        ink(&normal)
    );
}

#[test]
fn portrait_shows_the_ticket_and_a_dead_server_is_said_calmly() {
    let floor = Floor::start();
    let x = Xvfb::start(231);
    run(
        &x,
        &floor.base,
        &floor.kiosk_token,
        "wait:1;tap:walkin;tap:service:shomei;tap:confirm;until:ticket;shot:ticket-portrait;exit",
        &["--portrait"],
    );
    let img = open("ticket-portrait");
    assert_eq!((img.width(), img.height()), (1080, 1920));
    let number = count(&img, (0, 0, 1080, 1920), near(PRIMARY, 30));
    assert!(number > 30_000, "portrait shows the number: {number}");
    let qr = count(&img, (0, 0, 1080, 1920), |p| p.iter().all(|c| *c < 20));
    assert!(qr > 20_000, "and the QR code: {qr}");

    // A port nobody listens on: the banner, then the offline problem.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    run(
        &x,
        &format!("http://127.0.0.1:{port}"),
        "token",
        "wait:2;shot:offline-welcome;scan:http://127.0.0.1/r/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG;until:retrying;shot:retrying;until:problem;shot:offline-problem;exit",
        &[],
    );
    let welcome = open("offline-welcome");
    let banner = count(&welcome, (0, 100, 1920, 220), near(WARN, 20));
    assert!(banner > 50_000, "the not-connected banner: {banner}");
    let retrying = open("retrying");
    assert!(ink(&retrying) > 3_000, "it says it is waiting");
    let problem = open("offline-problem");
    // Between the language row and the buttons: no big blue number.
    let number = count(&problem, (0, 300, 1920, 730), near(PRIMARY, 30));
    assert!(number < 3_000, "no number is invented: {number}");
    assert!(count(&problem, (0, 200, 1920, 1000), near(WARN, 20)) > 3_000);
}

#[test]
fn a_real_mouse_click_on_the_walk_in_button_opens_the_walk_in_screen() {
    let floor = Floor::start();
    let x = Xvfb::start(261);
    let display = x.display.clone();
    // Click once the window is up.
    let clicker = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(5));
        click_walk_in(&display)
    });
    run(
        &x,
        &floor.base,
        &floor.kiosk_token,
        "until:walkin;shot:clicked-walkin;exit",
        &[],
    );
    assert!(clicker.join().expect("clicker").success());
    let img = open("clicked-walkin");
    let cards = count(&img, (0, 200, 1920, 1080), near([255, 255, 255], 3));
    assert!(cards > 100_000, "the procedure cards are shown: {cards}");
}

#[test]
fn an_idle_kiosk_draws_nothing_until_touched_and_sleeps_again_after_returning() {
    use std::time::Duration;
    let floor = Floor::start();
    let x = Xvfb::start(262);
    let log = shots_dir().join("idle-frames.tsv");
    let _ = std::fs::remove_file(&log);
    // A real window without a script: the kiosk paces itself as on the floor.
    let mut kiosk = kiosk(&x, &floor.base, &floor.kiosk_token)
        .env("MADOGUCHI_LOG_FRAMES", "1")
        .args(["--windowed", "--idle-secs", "5", "--latency-log"])
        .arg(&log)
        .spawn()
        .expect("kiosk runs");
    std::thread::sleep(Duration::from_secs(8));
    let idle_from = unix_ms();
    std::thread::sleep(Duration::from_secs(5));
    let welcome = frames_between(&log, idle_from, unix_ms());
    let touched = unix_ms();
    let clicked = click_walk_in(&x.display);
    std::thread::sleep(Duration::from_secs(12));
    let walk_in = frames_between(&log, touched, touched + 4_000);
    let back_home = frames_between(&log, touched + 8_000, touched + 12_000);
    let still_running = matches!(kiosk.try_wait(), Ok(None));
    let _ = kiosk.kill();
    let _ = kiosk.wait();
    assert!(clicked.success());
    assert!(still_running, "the kiosk keeps running");
    assert!(
        welcome.is_empty(),
        "the welcome screen is drawn once, not redrawn while nobody comes: {} frames in 5 s",
        welcome.len()
    );
    assert!(
        walk_in.len() >= 3,
        "the touch opens the walk-in screen and its idle clock ticks: {} frames",
        walk_in.len()
    );
    assert!(
        back_home.is_empty(),
        "after 5 s untouched the kiosk is back at welcome and asleep: {} frames",
        back_home.len()
    );
}

/// On an X server without a window manager nobody answers the full-screen
/// request: the kiosk fills the monitor itself instead of a corner.
#[test]
fn without_a_window_manager_the_fullscreen_kiosk_fills_the_monitor() {
    let floor = Floor::start();
    let x = Xvfb::with_size(191, 1600, 900);
    // Its log is kept: an early exit says why there.
    let log = shots_dir().join("fill-monitor-kiosk.log");
    let mut kiosk = kiosk(&x, &floor.base, &floor.kiosk_token)
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("kiosk runs");
    let seen = madoguchi_testkit::wait_for_geometry(
        &x.display,
        "Madoguchi",
        (0, 0, 1600, 900),
        std::time::Duration::from_secs(120),
    );
    // Under a loaded CI machine the first frame (lavapipe) can take long.
    let exited = kiosk.try_wait().ok().flatten();
    let _ = kiosk.kill();
    let _ = kiosk.wait();
    assert_eq!(
        seen,
        Some((0, 0, 1600, 900)),
        "the whole monitor, from its corner (exited early: {exited:?}); its log ends:\n{}",
        madoguchi_testkit::last_lines(&log, 80)
    );
}

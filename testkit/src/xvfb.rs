//! A private X display (Xvfb) for window and screenshot tests.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running Xvfb on a free display number; stopped when dropped.
pub struct Xvfb {
    child: Child,
    pub display: String,
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        // Already gone (and reaped): its pid may be another process's now.
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        // SIGTERM lets Xvfb remove its lock file and socket; SIGKILL would
        // leave them behind and use up display numbers run after run.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether display `n` is taken; a lock left by a dead server is cleared.
fn taken(n: u32) -> bool {
    let lock = format!("/tmp/.X{n}-lock");
    let socket = format!("/tmp/.X11-unix/X{n}");
    match std::fs::read_to_string(&lock) {
        Ok(text) => {
            let alive = text
                .trim()
                .parse::<u32>()
                .is_ok_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
            if alive {
                return true;
            }
            let _ = std::fs::remove_file(&lock);
            let _ = std::fs::remove_file(&socket);
            false
        }
        Err(_) => Path::new(&socket).exists(),
    }
}

impl Xvfb {
    /// A board or kiosk binary ready to run on this display: the project's
    /// assets, warnings only, output discarded.
    pub fn app(&self, binary: &str) -> Command {
        let mut app = Command::new(binary);
        app.env("DISPLAY", &self.display)
            .env(
                "BEVY_ASSET_ROOT",
                concat!(env!("CARGO_MANIFEST_DIR"), "/.."),
            )
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        app
    }

    /// Starts a 1920×1920 screen (room for landscape and portrait windows),
    /// searching free display numbers from `first`.
    pub fn start(first: u32) -> Xvfb {
        Xvfb::with_size(first, 1920, 1920)
    }

    /// A `width`×`height` screen on the first free display from `first`.
    pub fn with_size(first: u32, width: u32, height: u32) -> Xvfb {
        let screen = format!("{width}x{height}x24");
        for n in first..first + 60 {
            if taken(n) {
                continue;
            }
            let child = Command::new("Xvfb")
                .args([&format!(":{n}"), "-screen", "0", &screen, "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("Xvfb is needed for screenshot tests (Debian package xvfb; scripts/setup.sh installs it)");
            let socket = format!("/tmp/.X11-unix/X{n}");
            let deadline = Instant::now() + Duration::from_secs(10);
            let mut xvfb = Xvfb {
                child,
                display: format!(":{n}"),
            };
            while !Path::new(&socket).exists() {
                if let Ok(Some(_)) = xvfb.child.try_wait() {
                    break; // lost a race for this number: try the next
                }
                assert!(Instant::now() < deadline, "Xvfb :{n} did not start");
                std::thread::sleep(Duration::from_millis(50));
            }
            // The socket may be another Xvfb's that won the race for this
            // number (ours then exits on its lock file): only ours, still
            // running a moment later, is ours to use. Taking the other's
            // display let a test's app lose it when that test ended.
            if Path::new(&socket).exists() {
                std::thread::sleep(Duration::from_millis(200));
                if let Ok(None) = xvfb.child.try_wait() {
                    return xvfb;
                }
            }
            let _ = xvfb.child.wait();
        }
        panic!("no free X display number");
    }
}

/// Position and size `(x, y, width, height)` of the first window whose
/// name matches `name` on `display`, as the X server sees it (xdotool).
pub fn window_geometry(display: &str, name: &str) -> Option<(i32, i32, u32, u32)> {
    let out = Command::new("xdotool")
        .env("DISPLAY", display)
        .args(["search", "--name", name, "getwindowgeometry", "--shell"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .and_then(|v| v.trim().parse::<i64>().ok())
    };
    Some((
        i32::try_from(field("X")?).ok()?,
        i32::try_from(field("Y")?).ok()?,
        u32::try_from(field("WIDTH")?).ok()?,
        u32::try_from(field("HEIGHT")?).ok()?,
    ))
}

/// The last `n` lines of a log file (for a failing test's message).
pub fn last_lines(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Waits up to `limit` for `name`'s window to have `want` geometry, and
/// returns the last geometry seen.
pub fn wait_for_geometry(
    display: &str,
    name: &str,
    want: (i32, i32, u32, u32),
    limit: Duration,
) -> Option<(i32, i32, u32, u32)> {
    let deadline = Instant::now() + limit;
    let mut last = None;
    while Instant::now() < deadline {
        last = window_geometry(display, name).or(last);
        if last == Some(want) {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    last
}

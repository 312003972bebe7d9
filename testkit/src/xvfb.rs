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
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Xvfb {
    /// Starts a 1920×1920 screen (room for landscape and portrait windows),
    /// searching free display numbers from `first`.
    pub fn start(first: u32) -> Xvfb {
        Xvfb::with_size(first, 1920, 1920)
    }

    /// A `width`×`height` screen on the first free display from `first`.
    pub fn with_size(first: u32, width: u32, height: u32) -> Xvfb {
        let screen = format!("{width}x{height}x24");
        for n in first..first + 60 {
            if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                || Path::new(&format!("/tmp/.X{n}-lock")).exists()
            {
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
            if Path::new(&socket).exists() {
                return xvfb;
            }
            let _ = xvfb.child.wait();
        }
        panic!("no free X display number");
    }
}

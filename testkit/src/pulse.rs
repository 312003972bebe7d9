//! A real audio path without a sound card: a user-mode PulseAudio
//! (Debian `pulseaudio`) with one null sink in its own runtime folder,
//! ALSA's default device routed to it (`libasound2-plugins`), and a
//! recorder on the sink's monitor. Apps started with `env(cmd)` play into
//! it. Everything stops when dropped, also when a test fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct PulseAudio {
    dir: tempfile::TempDir,
    daemon: Child,
}

/// `parec` recording the sink to a WAV file until `finish`.
pub struct Recording {
    child: Child,
    pub path: PathBuf,
}

impl PulseAudio {
    pub fn start() -> PulseAudio {
        let dir = tempfile::tempdir().expect("temp dir");
        let daemon = Command::new("pulseaudio")
            .env("XDG_RUNTIME_DIR", dir.path())
            .env("HOME", dir.path())
            .args([
                "--daemonize=no",
                "--exit-idle-time=-1",
                "-n",
                "--load=module-native-protocol-unix",
                "--load=module-null-sink sink_name=madoguchi",
                "--load=module-always-sink",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pulseaudio starts (Debian pulseaudio; scripts/setup.sh installs it)");
        let pulse = PulseAudio { dir, daemon };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !pulse
            .env(&mut Command::new("pactl"))
            .args(["set-default-sink", "madoguchi"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        {
            assert!(Instant::now() < deadline, "pulseaudio did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
        std::fs::write(
            pulse.dir.path().join(".asoundrc"),
            "pcm.!default { type pulse }\nctl.!default { type pulse }\n",
        )
        .expect("asoundrc");
        pulse
    }

    /// Points `cmd` at this PulseAudio (its runtime dir, and a HOME whose
    /// `.asoundrc` sends ALSA's default device there).
    pub fn env<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.env("XDG_RUNTIME_DIR", self.dir.path())
            .env("HOME", self.dir.path())
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Starts recording what the sink plays (48 kHz mono, 16 bit).
    pub fn record(&self, name: &str) -> Recording {
        let path = self.dir.path().join(name);
        let child = self
            .env(&mut Command::new("parec"))
            .args([
                "-d",
                "madoguchi.monitor",
                "--channels=1",
                "--rate=48000",
                "--format=s16le",
                "--file-format=wav",
            ])
            .arg(&path)
            .spawn()
            .expect("parec records (Debian pulseaudio-utils)");
        Recording { child, path }
    }
}

impl Recording {
    /// Stops with SIGTERM, so that parec writes the WAV header's sizes
    /// (a kill leaves a file that reads as empty).
    pub fn finish(mut self) -> PathBuf {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.path.clone()
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for PulseAudio {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

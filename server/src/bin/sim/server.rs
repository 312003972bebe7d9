//! The real server as a child process on a fixed loopback port: set up
//! (staff users, a kiosk device), started with a fast clock, killed with
//! SIGKILL and restarted on the same data directory. Several of them share
//! one PostgreSQL database (`--instances`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use madoguchi_server::config::{City, Office};

use crate::clock::SimClock;

pub const PASSWORD: &str = "simulation-pass-1";

/// The running servers' pids, for the Ctrl-C / SIGTERM handler: a stopped
/// simulation must not leave its servers behind.
static CHILDREN: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());

fn children() -> std::sync::MutexGuard<'static, Vec<u32>> {
    CHILDREN.lock().unwrap_or_else(|p| p.into_inner())
}

/// Kills the server children at once (signal handler path).
pub fn kill_children() {
    for pid in std::mem::take(&mut *children()) {
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
}

pub struct ServerProcess {
    pub bin: PathBuf,
    pub data: PathBuf,
    pub config: PathBuf,
    pub port: u16,
    /// PostgreSQL instead of the data directory's SQLite file.
    pub database_url: Option<String>,
    /// The details key every instance shares (they share one database).
    pub details_key: PathBuf,
    child: Option<Child>,
}

impl ServerProcess {
    pub fn new(
        bin: PathBuf,
        data: PathBuf,
        config: PathBuf,
        database_url: Option<String>,
        details_key: PathBuf,
    ) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        Ok(ServerProcess {
            bin,
            data,
            config,
            port,
            database_url,
            details_key,
            child: None,
        })
    }

    /// The running server's process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|c| c.id())
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn database_args(&self) -> Vec<&str> {
        match &self.database_url {
            Some(url) => vec!["--database-url", url],
            None => Vec::new(),
        }
    }

    fn cli(&self, args: &[&str]) -> anyhow::Result<String> {
        let out = Command::new(&self.bin)
            .args(args)
            .arg("--data")
            .arg(&self.data)
            .args(self.database_args())
            .env("MADOGUCHI_DETAILS_KEY", &self.details_key)
            .env("MADOGUCHI_PASSWORD", PASSWORD)
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running {}", self.bin.display()))?;
        if !out.status.success() {
            bail!("{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// At each office one clerk (whose account every counter there logs
    /// in with) and a kiosk device; returns the kiosk tokens, by office.
    pub fn set_up(&self, offices: &[&str]) -> anyhow::Result<Vec<String>> {
        let config = self.config.display().to_string();
        let mut tokens = Vec::new();
        for office in offices {
            let config = ["--config", config.as_str()];
            let staff = format!("staff-{office}");
            self.cli(&[&["user", "add", &staff, "--office", office][..], &config].concat())?;
            let device = format!("sim-kiosk-{office}");
            tokens.push(
                self.cli(
                    &[
                        &[
                            "device", "add", &device, "--role", "kiosk", "--office", office,
                        ][..],
                        &config,
                    ]
                    .concat(),
                )?,
            );
        }
        Ok(tokens)
    }

    /// Starts the server on the simulation's clock (the same start, rate
    /// and real anchor, so a restart is not behind either), and waits
    /// until it answers.
    pub async fn start(&mut self, clock: &SimClock) -> anyhow::Result<()> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.data.join("server.log"))?;
        let child = Command::new(&self.bin)
            .arg("serve")
            .args(["--listen", &format!("127.0.0.1:{}", self.port)])
            .arg("--data")
            .arg(&self.data)
            .args(self.database_args())
            .arg("--config")
            .arg(&self.config)
            .args(["--clock-start", &clock.start.to_rfc3339()])
            .args(["--clock-real-start", &clock.wall.to_rfc3339()])
            .args(["--clock-rate", &clock.speed.to_string()])
            .env("MADOGUCHI_DETAILS_KEY", &self.details_key)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", self.bin.display()))?;
        children().push(child.id());
        self.child = Some(child);
        let client = protocol::Client::new(&self.base())?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while client.health().await.is_err() {
            if Instant::now() > deadline {
                bail!(
                    "the server did not answer within 30 s (see {})",
                    self.data.join("server.log").display()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(())
    }

    /// `kill -9`: no shutdown, no flush beyond what was committed.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            children().retain(|&pid| pid != c.id());
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// A clean stop (SIGTERM), as at the end of the day.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            children().retain(|&pid| pid != c.id());
            let _ = Command::new("kill")
                .args(["-TERM", &c.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = c.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The simulated office: the demo office with twelve counters for walk-in
/// procedures (and its two おくやみ rooms), service
/// times of a busy 市民課, walk-ins all day and no daily limits that a
/// simulated day would trip over.
fn office_body() -> String {
    let mut toml = madoguchi_server::config::DEMO_OFFICE_TOML
        .replace("average_minutes = 12", "average_minutes = 3")
        .replace("average_minutes = 6", "average_minutes = 1")
        .replace("average_minutes = 15", "average_minutes = 3")
        .replace("average_minutes = 60", "average_minutes = 45")
        .replace("lead_working_days = 2", "lead_working_days = 0");
    let general = [
        ("6", "[\"shomei\", \"juminido\"]"),
        ("7", "[\"shomei\", \"juminido\", \"mynumber\"]"),
        ("8", "[\"shomei\", \"kokuho\"]"),
        ("9", "[\"shomei\", \"mynumber\", \"kokuho\"]"),
        ("10", "[\"shomei\", \"juminido\", \"kokuho\", \"mynumber\"]"),
        ("11", "[\"shomei\", \"juminido\"]"),
        ("12", "[\"shomei\", \"kokuho\", \"mynumber\"]"),
    ];
    for (id, services) in general {
        toml.push_str(&format!(
            "\n[[booths]]\nid = \"{id}\"\nlabel = {{ ja = \"{id}番窓口\", en = \"Counter {id}\" }}\nlocation = {{ ja = \"1階 市民課\", en = \"1F Citizens Division\" }}\nservices = {services}\n"
        ));
    }
    toml
}

/// What the simulation needs of security: long sessions, no kiosk limit.
const SECURITY: &str = "\n[security]\nsession_hours = 72\nkiosk_requests_per_minute = 1000000\n";

/// The simulated office as a lone office file (id `honcho`).
pub fn office_toml() -> String {
    office_body() + SECURITY
}

/// The simulated city's office ids: `honcho` alone, or `office-01` ….
pub fn office_ids(n: usize) -> Vec<String> {
    if n == 1 {
        vec!["honcho".into()]
    } else {
        (1..=n).map(|i| format!("office-{i:02}")).collect()
    }
}

/// Writes the configuration the servers run with: the lone office file
/// for one office, else a city file and one office file per office (each
/// the simulated office under its own id and name). Returns the file to
/// pass to `--config` and the offices, parsed as the server parses them.
pub fn write_config(dir: &Path, offices: usize) -> anyhow::Result<(PathBuf, Vec<Office>)> {
    // The demo office's forms, which its procedures name.
    for (name, src) in madoguchi_server::config::DEMO_CITY_FILES {
        if name.starts_with("forms/") {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, src)?;
        }
    }
    let parse = |path: &Path| {
        City::load(path)
            .map(|c| c.offices)
            .map_err(|e| anyhow::anyhow!("{e}"))
    };
    if offices == 1 {
        let path = dir.join("sim-office.toml");
        std::fs::write(&path, office_toml())?;
        return Ok((path.clone(), parse(&path)?));
    }
    let mut city =
        String::from("[city]\nname = { ja = \"シミュレーション市\", en = \"Simulation City\" }\n");
    city.push_str(SECURITY);
    for (i, id) in office_ids(offices).iter().enumerate() {
        let file = format!("{id}.toml");
        let body = renamed(&office_body(), id, i + 1);
        std::fs::write(dir.join(&file), body)?;
        city.push_str(&format!(
            "\n[[offices]]\nid = \"{id}\"\nfile = \"{file}\"\n"
        ));
    }
    let path = dir.join("sim-city.toml");
    std::fs::write(&path, city)?;
    Ok((path.clone(), parse(&path)?))
}

/// The office file under another id and name: the first `id =` and
/// `name =` lines are the `[office]` table's (it comes first).
fn renamed(body: &str, id: &str, n: usize) -> String {
    let (mut id_done, mut name_done) = (false, false);
    let lines: Vec<String> = body
        .lines()
        .map(|l| {
            if !id_done && l.starts_with("id = ") {
                id_done = true;
                format!("id = \"{id}\"")
            } else if !name_done && l.starts_with("name = ") {
                name_done = true;
                format!("name = {{ ja = \"第{n}庁舎（シミュレーション）\", en = \"Office {n} (simulation)\" }}")
            } else {
                l.to_string()
            }
        })
        .collect();
    lines.join("\n") + "\n"
}

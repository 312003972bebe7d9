//! A throw-away PostgreSQL cluster (Debian `postgresql-15` or newer):
//! `initdb` in a temporary directory, `postgres` on a free loopback port,
//! one database per test (`create_database`). No service set up by hand.
//!
//! The server process is a child of a thread that lives as long as the
//! owner, started through `setpriv --pdeathsig INT`: when the owning
//! process ends — tests passed, failed or were killed — the kernel tells
//! PostgreSQL to shut down fast. Run as root, the cluster runs as the
//! `postgres` user (PostgreSQL refuses root). Durability is off
//! (`fsync=off`): a test cluster never outlives its tests.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The superuser `initdb` creates.
const SUPERUSER: &str = "madoguchi";

pub struct Cluster {
    bin: PathBuf,
    user: Option<(u32, u32)>,
    dir: PathBuf,
    port: u16,
    next: AtomicU64,
}

/// Why a cluster could not start, in words a developer can act on.
#[derive(Debug)]
pub struct ClusterError(pub String);

impl std::fmt::Display for ClusterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ClusterError {}

fn fail(what: impl Into<String>) -> ClusterError {
    ClusterError(what.into())
}

/// The newest `/usr/lib/postgresql/N/bin` (N ≥ 15), or `$MADOGUCHI_PG_BIN`.
fn find_bin() -> Result<PathBuf, ClusterError> {
    if let Some(dir) = std::env::var_os("MADOGUCHI_PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|v| *v >= 15)
        .max();
    match newest {
        Some(v) => Ok(PathBuf::from(format!("/usr/lib/postgresql/{v}/bin"))),
        None => Err(fail(
            "PostgreSQL 15 or newer is not installed (/usr/lib/postgresql/N/bin): \
             scripts/setup.sh installs Debian's postgresql-15, or set MADOGUCHI_PG_BIN",
        )),
    }
}

/// `postgres`'s uid and gid when running as root (from /etc/passwd).
fn postgres_user() -> Result<Option<(u32, u32)>, ClusterError> {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let root = status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .and_then(|l| l.split_whitespace().nth(2))
        == Some("0");
    if !root {
        return Ok(None);
    }
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&"postgres"))
        .and_then(|f| Some((f.get(2)?.parse().ok()?, f.get(3)?.parse().ok()?)))
        .map(Some)
        .ok_or_else(|| fail("running as root, but there is no `postgres` user to run PostgreSQL as (Debian's postgresql package creates it)"))
}

/// `cmd` as the cluster's user, with `setpriv` in front.
fn as_cluster_user(user: Option<(u32, u32)>, pdeathsig: bool, program: &Path) -> Command {
    let mut cmd = Command::new("setpriv");
    if let Some((uid, gid)) = user {
        cmd.args([
            "--reuid",
            &uid.to_string(),
            "--regid",
            &gid.to_string(),
            "--clear-groups",
        ]);
    }
    if pdeathsig {
        cmd.args(["--pdeathsig", "INT"]);
    }
    cmd.arg("--").arg(program);
    cmd
}

/// Runs a PostgreSQL tool; its error output is the failure's message.
fn run(cmd: &mut Command, what: &str) -> Result<(), ClusterError> {
    let out = cmd.output().map_err(|e| fail(format!("{what}: {e}")))?;
    if !out.status.success() {
        return Err(fail(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(())
}

fn free_port() -> Result<u16, ClusterError> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| fail(format!("no free port: {e}")))
}

/// Directories of clusters whose process is gone (killed before it could
/// clean up), so temporary space does not fill up run after run.
fn remove_stale(parent: &Path) {
    for entry in std::fs::read_dir(parent).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("madoguchi-pg-"))
            .and_then(|n| n.split('-').next())
        else {
            continue;
        };
        let alive = Path::new(&format!("/proc/{pid}")).exists();
        let running = entry.path().join("data/postmaster.pid").exists();
        if !alive && !running {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

impl Cluster {
    /// The process's cluster: started at first use, shut down when the
    /// process ends. Every test of a test binary shares it, each with its
    /// own database.
    pub fn shared() -> Result<&'static Cluster, ClusterError> {
        static SHARED: OnceLock<Result<Cluster, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| Cluster::start().map_err(|e| e.0))
            .as_ref()
            .map_err(|e| fail(e.clone()))
    }

    /// A new cluster, shut down when this process ends (for one that ends
    /// sooner, see `stop`). Fast: nothing is synced to disk, which tests
    /// of behaviour do not need.
    pub fn start() -> Result<Cluster, ClusterError> {
        Cluster::start_with(false)
    }

    /// As `start`, with PostgreSQL's own defaults for durability (fsync,
    /// synchronous commit, full pages): for benchmarks set beside SQLite,
    /// which syncs every commit, and for the day simulation.
    pub fn start_durable() -> Result<Cluster, ClusterError> {
        Cluster::start_with(true)
    }

    fn start_with(durable: bool) -> Result<Cluster, ClusterError> {
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let bin = find_bin()?;
        let user = postgres_user()?;
        let parent = std::env::temp_dir();
        remove_stale(&parent);
        let dir = parent.join(format!(
            "madoguchi-pg-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
        if let Some((uid, gid)) = user {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
                .map_err(|e| fail(format!("chown {}: {e}", dir.display())))?;
        }
        let data = dir.join("data");
        run(
            as_cluster_user(user, false, &bin.join("initdb"))
                .arg("-D")
                .arg(&data)
                .args(["-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-sync"])
                .args(["--locale", "C"]),
            "initdb",
        )?;
        let port = free_port()?;
        let mut postgres = as_cluster_user(user, true, &bin.join("postgres"));
        postgres
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-k"])
            .arg(&dir)
            .args(["-c", "listen_addresses=127.0.0.1"])
            .args(["-c", "max_connections=400"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(
                std::fs::File::create(dir.join("postgres.log"))
                    .map(Stdio::from)
                    .unwrap_or_else(|_| Stdio::null()),
            );
        if !durable {
            postgres
                .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
                .args(["-c", "full_page_writes=off"]);
        }
        // The child's parent-death signal follows the thread that spawned
        // it, so that thread waits for the server and never ends sooner.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name(format!("postgres-{port}"))
            .spawn(move || match postgres.spawn() {
                Ok(mut child) => {
                    let _ = tx.send(Ok(()));
                    let _ = child.wait();
                }
                Err(e) => {
                    let _ = tx.send(Err(e.to_string()));
                }
            })
            .map_err(|e| fail(format!("thread: {e}")))?;
        rx.recv()
            .map_err(|e| fail(e.to_string()))?
            .map_err(|e| fail(format!("postgres: {e}")))?;
        let cluster = Cluster {
            bin,
            user,
            dir,
            port,
            next: AtomicU64::new(0),
        };
        cluster.wait_ready()?;
        Ok(cluster)
    }

    fn wait_ready(&self) -> Result<(), ClusterError> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return Ok(());
            }
            if Instant::now() > deadline {
                let log =
                    std::fs::read_to_string(self.dir.join("postgres.log")).unwrap_or_default();
                return Err(fail(format!(
                    "PostgreSQL did not accept connections on port {} within 30 s: {log}",
                    self.port
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL of database `name` on this cluster.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{name}", self.port)
    }

    /// A new, empty database; its URL.
    pub fn create_database(&self) -> Result<String, ClusterError> {
        let name = format!("t{}", self.next.fetch_add(1, Ordering::Relaxed));
        run(
            Command::new(self.bin.join("createdb"))
                .args([
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &self.port.to_string(),
                    "-U",
                    SUPERUSER,
                ])
                .arg(&name),
            &format!("createdb {name}"),
        )?;
        Ok(self.url(&name))
    }

    /// Shuts the cluster down now (fast shutdown) and removes its files.
    pub fn stop(self) {
        let _ = as_cluster_user(self.user, false, &self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "fast", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

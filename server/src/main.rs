//! `madoguchi-server`: serve the office, manage users and devices, check a
//! configuration file.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use madoguchi_server::app::accounts::Accounts;
use madoguchi_server::clock::Clock;
use madoguchi_server::config::{City, DEMO_CITY_FILES, SecuritySettings};
use madoguchi_server::startup::Server;
use madoguchi_server::storage::{Database, Store};

#[derive(Parser)]
#[command(
    name = "madoguchi-server",
    version,
    about = "Visitor flow for city hall counters"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Log lines as text, or as one JSON object per line for log
    /// collectors (with the request id of the request they belong to).
    #[arg(
        long,
        global = true,
        value_enum,
        env = "MADOGUCHI_LOG_FORMAT",
        default_value = "text"
    )]
    log_format: LogFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// Logs go to stderr; `RUST_LOG` chooses what (`tower_http=info` adds a
/// line per request with its status and latency).
fn init_logs(format: LogFormat) {
    use tracing_subscriber::prelude::*;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into());
    let lines = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let lines = match format {
        LogFormat::Text => lines.boxed(),
        // The request's span (its route, method and request id) on each
        // line, the event's fields at the top level.
        LogFormat::Json => lines
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .boxed(),
    };
    tracing_subscriber::registry()
        .with(lines)
        .with(filter)
        .init();
}

/// Where the data lives: every command that reads or writes it takes both.
#[derive(Args)]
struct DataArgs {
    /// The data directory: mail files, and the SQLite database unless
    /// --database-url names PostgreSQL.
    #[arg(long, env = "MADOGUCHI_DATA", default_value = "data")]
    data: PathBuf,
    /// PostgreSQL instead of SQLite: postgres://user:password@host:port/db
    /// (several servers can share one).
    #[arg(long, env = "MADOGUCHI_DATABASE_URL")]
    database_url: Option<String>,
    /// The key the family's details are sealed with, a file kept apart
    /// from the database (made on first start; default
    /// DATA/keys/details.key). Servers sharing one database share it.
    #[arg(long, env = "MADOGUCHI_DETAILS_KEY")]
    details_key: Option<PathBuf>,
}

impl DataArgs {
    fn details_key(&self) -> PathBuf {
        self.details_key
            .clone()
            .unwrap_or_else(|| madoguchi_server::vault::Vault::default_path(&self.data))
    }

    fn vault(&self) -> anyhow::Result<madoguchi_server::vault::Vault> {
        Ok(madoguchi_server::vault::Vault::open_or_create(
            &self.details_key(),
        )?)
    }

    fn database(&self) -> anyhow::Result<Database> {
        Ok(Database::choose(&self.data, self.database_url.as_deref())?)
    }

    async fn open(&self) -> anyhow::Result<Store> {
        std::fs::create_dir_all(&self.data)
            .with_context(|| format!("creating {}", self.data.display()))?;
        Ok(Store::open(&self.database()?).await?)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (without --config: the embedded demo office).
    Serve {
        #[arg(long, env = "MADOGUCHI_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        #[command(flatten)]
        data: DataArgs,
        #[arg(long, env = "MADOGUCHI_CONFIG")]
        config: Option<PathBuf>,
        /// Address visitors' phones reach the server at (QR codes); overrides the config.
        #[arg(long, env = "MADOGUCHI_PUBLIC_URL")]
        public_url: Option<String>,
        /// Demo: take walk-ins at any hour and on any day (ignores opening hours and closed days).
        #[arg(long)]
        always_open: bool,
        /// Start the clock at this RFC 3339 instant (tests and demos only).
        #[arg(long, hide = true)]
        clock_start: Option<String>,
        /// With --clock-start: run the clock this many times faster (the
        /// day simulation).
        #[arg(long, hide = true, default_value_t = 1.0)]
        clock_rate: f64,
        /// With --clock-start: the system time (RFC 3339) at which the
        /// clock read --clock-start, so this server's start-up does not
        /// put it behind the program that started it (the simulation).
        #[arg(long, hide = true, requires = "clock_start")]
        clock_real_start: Option<String>,
        /// Serve HTTPS with this PEM certificate chain (with --tls-key),
        /// for halls without a reverse proxy; read again on SIGHUP. The
        /// public URL becomes https://, answers carry HSTS and the
        /// session cookie is Secure.
        #[arg(long, env = "MADOGUCHI_TLS_CERT", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The certificate's PEM private key.
        #[arg(long, env = "MADOGUCHI_TLS_KEY", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Serve Prometheus metrics at http://ADDR/metrics, on an address
        /// of their own (no authentication: loopback or the monitoring
        /// network only).
        #[arg(long, env = "MADOGUCHI_METRICS_LISTEN")]
        metrics_listen: Option<SocketAddr>,
        /// Print the listening address as the first line on stdout (and
        /// the metrics address as the second).
        #[arg(long, hide = true)]
        print_addr: bool,
    },
    /// Staff users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Kiosk and board devices.
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// Erase personal data (names, contacts, answers, staff notes, mails)
    /// of visits older than `[privacy] retention_days`. The server also does
    /// this at start and daily.
    Purge {
        #[command(flatten)]
        data: DataArgs,
        #[arg(long, env = "MADOGUCHI_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Check a configuration (a city file and its office files, or one
    /// office file) and report every problem with its file and line.
    CheckConfig { file: PathBuf },
    /// The embedded demo city's configuration, a starting point: printed
    /// (the city file), or written with its office files into --out.
    DemoConfig {
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// A consistent copy of a SQLite office's database, taken while the
    /// server runs (SQLite `VACUUM INTO`), checked with `PRAGMA
    /// integrity_check`. The details key is not in it: keep a copy of the
    /// key file apart. PostgreSQL: use `pg_dump` (see the README).
    Backup {
        #[command(flatten)]
        data: DataArgs,
        /// A new file, or a directory: then `madoguchi-YYYYMMDD-HHMMSS-mmm.db`
        /// in it.
        #[arg(long)]
        to: PathBuf,
        /// With a directory: keep only the newest N backups in it.
        #[arg(long)]
        keep: Option<usize>,
    },
    /// Replace a SQLite office's database by a backup, after checking the
    /// backup. Refused while a server serves the data directory; the
    /// database replaced is kept beside it.
    Restore {
        #[command(flatten)]
        data: DataArgs,
        #[arg(long)]
        from: PathBuf,
    },
    /// Move an office from SQLite to PostgreSQL: copy everything in the
    /// data directory's database (tickets, events, bookings, users,
    /// devices, outbox, notes) into an empty PostgreSQL database, in one
    /// transaction, with the same ids, tokens and event ids. Stop the
    /// server first; then start it with --database-url.
    CopyDb {
        /// The data directory whose madoguchi.db is copied.
        #[arg(long, env = "MADOGUCHI_DATA", default_value = "data")]
        data: PathBuf,
        /// The PostgreSQL database to fill: postgres://user:password@host:port/db
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a staff user; a name already taken is refused (use `password`).
    /// The password is read from MADOGUCHI_PASSWORD or, failing that, from
    /// the first line of stdin.
    Add {
        username: String,
        #[arg(long, value_enum, default_value = "staff")]
        role: UserRole,
        /// An office the clerk works at (repeat for several; may be left
        /// out in a city of one office). Admins work at every office.
        #[arg(long = "office")]
        offices: Vec<String>,
        /// A department (of the procedures, e.g. 保険年金課) whose
        /// families' details and forms the user may see and print (repeat
        /// for several; none by default, for admins too).
        #[arg(long = "department")]
        departments: Vec<String>,
        /// The city (or office) file naming the offices; without it the
        /// embedded demo.
        #[arg(long, env = "MADOGUCHI_CONFIG")]
        config: Option<PathBuf>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Give a user a new password (read as for `add`), make them active
    /// again and end their sessions.
    Password {
        username: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Deactivate a user and end their sessions at once.
    Deactivate {
        username: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum UserRole {
    Staff,
    Admin,
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// Register a device and print its token once (only a hash is stored).
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: DeviceRole,
        /// The office the kiosk or board serves (may be left out in a
        /// city of one office).
        #[arg(long)]
        office: Option<String>,
        /// The city (or office) file naming the offices; without it the
        /// embedded demo.
        #[arg(long, env = "MADOGUCHI_CONFIG")]
        config: Option<PathBuf>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// List devices.
    List {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Revoke a device's token at once.
    Revoke {
        id: i64,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DeviceRole {
    Kiosk,
    Board,
}

/// The city a command serves: `--config` (a city file, or one office
/// file), else the embedded demo city.
fn load_city(config: Option<&Path>) -> anyhow::Result<City> {
    match config {
        None => Ok(City::demo()),
        Some(path) => Ok(City::load(path)?),
    }
}

/// Accounts and devices through the same rules as the admin API, with
/// the city's offices (`config`, else the demo's) to give them.
async fn accounts(data: &DataArgs, config: Option<&Path>) -> anyhow::Result<Accounts> {
    let city = load_city(config)?;
    let departments = madoguchi_server::app::city_departments(&city);
    let offices = city.offices.into_iter().map(|o| o.id).collect();
    let store = data.open().await?;
    // The CLI opens no sessions: the time zone and limits are not used.
    Ok(Accounts::new(
        store,
        offices,
        departments,
        Clock::system(),
        chrono_tz::UTC,
        &SecuritySettings::default(),
    ))
}

/// `backup` and `restore` are SQLite's; PostgreSQL has its own tools.
fn sqlite_only(data: &DataArgs, tool: &str) -> anyhow::Result<()> {
    match data.database()? {
        Database::Sqlite(_) => Ok(()),
        Database::Postgres(_) => anyhow::bail!(
            "this office is on PostgreSQL: back it up and restore it with PostgreSQL's tools ({tool})"
        ),
    }
}

/// The password for `user add` / `user password`.
fn read_password() -> anyhow::Result<String> {
    match std::env::var("MADOGUCHI_PASSWORD") {
        Ok(p) => Ok(p),
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            Ok(line.trim_end_matches(['\r', '\n']).to_string())
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_logs(cli.log_format);
    match cli.command {
        Command::Serve {
            listen,
            data,
            config,
            public_url,
            always_open,
            clock_start,
            clock_rate,
            clock_real_start,
            metrics_listen,
            tls_cert,
            tls_key,
            print_addr,
        } => {
            let mut city = load_city(config.as_deref())?;
            if let Some(url) = public_url {
                anyhow::ensure!(
                    url.starts_with("http://") || url.starts_with("https://"),
                    "--public-url must start with http:// or https://"
                );
                city.set_public_url(url.trim_end_matches('/'));
            }
            if always_open {
                city.open_all_hours();
            }
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(madoguchi_server::tls::Tls::load(cert, key).await?),
                _ => None,
            };
            if tls.is_some() {
                // Links in QR codes and mails, and the cookie's Secure
                // flag, follow the scheme the server answers on.
                let url = city.first().public_url.clone();
                if let Some(rest) = url.strip_prefix("http://") {
                    tracing::info!(public_url = %format!("https://{rest}"), "TLS: the public URL is https");
                    city.set_public_url(&format!("https://{rest}"));
                }
            }
            let instant = |flag: &str, s: &str| {
                chrono::DateTime::parse_from_rfc3339(s)
                    .with_context(|| format!("{flag} {s:?}"))
                    .map(|t| t.with_timezone(&chrono::Utc))
            };
            let clock = match (clock_start, clock_real_start) {
                (Some(s), None) => {
                    Clock::starting_at_rate(instant("--clock-start", &s)?, clock_rate)
                }
                (Some(s), Some(r)) => Clock::starting_at_rate_since(
                    instant("--clock-start", &s)?,
                    clock_rate,
                    instant("--clock-real-start", &r)?,
                ),
                (None, _) => Clock::system(),
            };
            let started = std::time::Instant::now();
            let database = data.database()?;
            let mut server = Server::build(
                city,
                data.data.clone(),
                database.clone(),
                listen,
                clock,
                &data.details_key(),
            )
            .await?;
            let addr = server.local_addr()?;
            if let Some(tls) = tls {
                server.use_tls(tls);
            }
            let metrics = match metrics_listen {
                Some(m) => Some(server.serve_metrics(m).await?),
                None => None,
            };
            if print_addr {
                println!("{addr}");
                if let Some(m) = metrics {
                    println!("{m}");
                }
            }
            if let Some(m) = metrics {
                tracing::info!(addr = %m, "metrics at /metrics");
            }
            tracing::info!(%addr, data = %data.data.display(), database = %database.describe(), ready_ms = started.elapsed().as_millis() as u64, "madoguchi-server listening");
            server.run(shutdown_signal()).await?;
        }
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    offices,
                    departments,
                    config,
                    data,
                },
        } => {
            let role = match role {
                UserRole::Staff => "staff",
                UserRole::Admin => "admin",
            };
            let user = accounts(&data, config.as_deref())
                .await?
                .add_user(&username, &read_password()?, role, &offices, &departments)
                .await
                .map_err(|e| anyhow::anyhow!("{e} ({})", e.code()))?;
            let at = if user.offices.is_empty() {
                "every office".to_string()
            } else {
                user.offices.join(", ")
            };
            let sees = if user.departments.is_empty() {
                String::new()
            } else {
                format!("; details of {}", user.departments.join(", "))
            };
            println!("user {} ({}, {at}{sees}) added", user.username, user.role);
        }
        Command::User {
            command: UserCommand::Password { username, data },
        } => {
            accounts(&data, None)
                .await?
                .reset_password(&username, &read_password()?)
                .await
                .map_err(|e| anyhow::anyhow!("{e} ({})", e.code()))?;
            println!("user {username}: new password saved, sessions ended");
        }
        Command::Device {
            command:
                DeviceCommand::Add {
                    name,
                    role,
                    office,
                    config,
                    data,
                },
        } => {
            let role = match role {
                DeviceRole::Kiosk => "kiosk",
                DeviceRole::Board => "board",
            };
            let created = accounts(&data, config.as_deref())
                .await?
                .add_device(&name, role, office.as_deref())
                .await
                .map_err(|e| anyhow::anyhow!("{e} ({})", e.code()))?;
            let d = &created.device;
            eprintln!(
                "device {} {:?} ({}, office {}) added; its token is shown only now:",
                d.id, d.name, d.role, d.office
            );
            println!("{}", created.token);
        }
        Command::User {
            command: UserCommand::Deactivate { username, data },
        } => {
            accounts(&data, None)
                .await?
                .deactivate_user(None, &username)
                .await
                .map_err(|e| anyhow::anyhow!("{e} ({})", e.code()))?;
            println!("user {username} deactivated");
        }
        Command::Device {
            command: DeviceCommand::List { data },
        } => {
            for d in accounts(&data, None).await?.devices().await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    d.id,
                    d.role,
                    d.office,
                    if d.active { "active" } else { "revoked" },
                    d.name
                );
            }
        }
        Command::Device {
            command: DeviceCommand::Revoke { id, data },
        } => {
            accounts(&data, None)
                .await?
                .revoke_device(id)
                .await
                .map_err(|e| anyhow::anyhow!("{e} ({})", e.code()))?;
            println!("device {id} revoked");
        }
        Command::CheckConfig { file } => match City::load(&file) {
            Ok(city) => {
                println!("{}: ok ({} office(s))", file.display(), city.offices.len());
                for office in &city.offices {
                    println!(
                        "  {}: {} services, {} booths, {} slot templates",
                        office.id,
                        office.services.len(),
                        office.booths.len(),
                        office.slot_templates.len()
                    );
                }
            }
            Err(e) => {
                for p in &e.0 {
                    eprintln!("{p}");
                }
                eprintln!("{} problem(s)", e.0.len());
                std::process::exit(1);
            }
        },
        Command::Purge { data, config } => {
            let city = load_city(config.as_deref())?;
            let days = city.first().privacy.retention_days;
            let store = data.open().await?;
            let app = madoguchi_server::app::App::new(city, store, Clock::system(), data.vault()?)
                .await?;
            let s = app.purge(Some(&data.data.join("mail"))).await?;
            println!(
                "purged visits before {} ({days} days kept): {} reservations, {} tickets' notes, {} notification requests, {} mails, {} mail files",
                s.before,
                s.records.reservations,
                s.records.ticket_notes,
                s.records.notifications,
                s.records.mails,
                s.mail_files
            );
        }
        Command::DemoConfig { out: None } => print!("{}", DEMO_CITY_FILES[0].1),
        Command::DemoConfig { out: Some(dir) } => {
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            for (name, src) in DEMO_CITY_FILES {
                let path = dir.join(name);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("creating {}", parent.display()))?;
                }
                std::fs::write(&path, src)
                    .with_context(|| format!("writing {}", path.display()))?;
                println!("{}", path.display());
            }
        }
        Command::Backup { data, to, keep } => {
            sqlite_only(&data, "pg_dump --format=custom --file=FILE DATABASE")?;
            let r = madoguchi_server::storage::backup::backup(
                &data.data,
                &to,
                keep,
                chrono::Utc::now(),
            )
            .await?;
            println!(
                "backup {} ({} bytes: {} tickets, {} reservations, {} events; integrity ok)",
                r.file.display(),
                r.bytes,
                r.tickets,
                r.reservations,
                r.events
            );
            for old in &r.removed {
                println!("removed old backup {}", old.display());
            }
            eprintln!(
                "the details key ({}) is not in the backup: keep a copy of it apart",
                data.details_key().display()
            );
        }
        Command::Restore { data, from } => {
            sqlite_only(&data, "pg_restore --clean --dbname=DATABASE FILE")?;
            let r =
                madoguchi_server::storage::backup::restore(&data.data, &from, chrono::Utc::now())
                    .await?;
            println!(
                "restored {} into {} ({} tickets, {} reservations, {} events)",
                from.display(),
                r.file.display(),
                r.tickets,
                r.reservations,
                r.events
            );
            if let Some(old) = &r.replaced {
                println!("the database it replaced is kept as {}", old.display());
            }
            eprintln!(
                "the server needs the details key of the office backed up at {} (the copy kept apart)",
                data.details_key().display()
            );
        }
        Command::CopyDb { data, to } => {
            let target = Database::choose(&data, Some(&to))?;
            if !data.join("madoguchi.db").is_file() {
                anyhow::bail!(
                    "no office database in {}",
                    data.join("madoguchi.db").display()
                );
            }
            let source = Store::open(&Database::Sqlite(data.clone())).await?;
            let into = Store::open(&target).await?;
            let report = source.copy_into(&into).await?;
            for (table, rows) in &report {
                println!("{table}: {rows} rows");
            }
            println!(
                "copied {} into {}; start the server with --database-url",
                Database::Sqlite(data).describe(),
                target.describe()
            );
        }
    }
    Ok(())
}

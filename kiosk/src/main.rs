//! `madoguchi-kiosk`: the check-in screen at the entrance.
//!
//! Each option comes from the command line, else the environment, else the
//! config file (`--config kiosk.toml`), else its default.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use madoguchi_kiosk::app::{KioskSettings, run};
use madoguchi_kiosk::printer::PrinterTarget;
use serde::Deserialize;

#[derive(Parser)]
#[command(name = "madoguchi-kiosk", version, about = "Madoguchi check-in kiosk")]
struct Cli {
    /// Server root URL [default: http://127.0.0.1:8080]; several (repeated,
    /// or comma-separated) for servers of one floor on one database: the
    /// kiosk moves to the next when one cannot be reached.
    #[arg(long = "server", env = "MADOGUCHI_SERVER", value_delimiter = ',')]
    servers: Vec<String>,
    /// The office it serves, by id (`madoguchi-server device add
    /// --office`); without it the city's first office.
    #[arg(long, env = "MADOGUCHI_OFFICE")]
    office: Option<String>,
    /// Kiosk device token (`madoguchi-server device add --role kiosk`).
    /// (Tokens are URL-safe base64 and may start with `-`.)
    #[arg(
        long,
        env = "MADOGUCHI_KIOSK_TOKEN",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    token: Option<String>,
    /// Trust this certificate authority (PEM) besides the system's, for
    /// `https://` servers with the city's own certificates.
    #[arg(long, env = "MADOGUCHI_CA_CERT", value_name = "FILE.pem")]
    ca_cert: Option<PathBuf>,
    /// A TOML file with server, token, idle_secs, portrait, printer.
    #[arg(long, env = "MADOGUCHI_KIOSK_CONFIG")]
    config: Option<PathBuf>,
    /// A normal window that can be closed (development); else full screen
    /// and locked: only Ctrl+Alt+Shift+Q leaves.
    #[arg(long)]
    windowed: bool,
    /// Portrait layout (1080×1920).
    #[arg(long)]
    portrait: bool,
    /// Seconds without a touch before returning to the welcome screen [default: 30].
    #[arg(long, env = "MADOGUCHI_KIOSK_IDLE_SECS")]
    idle_secs: Option<f64>,
    /// Receipt printer: a device file (/dev/usb/lp0) or tcp:HOST:PORT.
    #[arg(long, env = "MADOGUCHI_KIOSK_PRINTER")]
    printer: Option<String>,
    /// Unattended steps (screenshots, demos), e.g. "tap:walkin;wait:2;shot:a.png;exit".
    #[arg(long, hide = true)]
    script: Option<String>,
    /// Benchmarks: log Enter and the presented frame with the number.
    #[arg(long, hide = true)]
    latency_log: Option<PathBuf>,
    /// A language's voice for 音声案内, `LANG=COMMAND` (as on the board;
    /// repeatable, or MADOGUCHI_VOICES separated by `;`).
    #[arg(long = "voice", env = "MADOGUCHI_VOICES", value_delimiter = ';')]
    voices: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    /// One URL, or several separated by commas.
    server: Option<String>,
    office: Option<String>,
    token: Option<String>,
    ca_cert: Option<PathBuf>,
    idle_secs: Option<f64>,
    portrait: Option<bool>,
    printer: Option<String>,
    /// `[voices] ja = "COMMAND"`: a language's voice for 音声案内.
    #[serde(default)]
    voices: std::collections::BTreeMap<String, String>,
}

fn settings(cli: Cli) -> Result<KioskSettings, String> {
    let file: FileConfig = match &cli.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => FileConfig::default(),
    };
    let defaults = KioskSettings::default();
    let idle_secs = cli
        .idle_secs
        .or(file.idle_secs)
        .unwrap_or(defaults.idle_secs);
    if !(idle_secs.is_finite() && idle_secs >= 5.0) {
        return Err(format!("idle_secs must be at least 5, got {idle_secs}"));
    }
    let printer = match cli.printer.or(file.printer).filter(|p| !p.is_empty()) {
        Some(p) => Some(p.parse::<PrinterTarget>()?),
        None => None,
    };
    let mut voices = defaults.voices.clone();
    let settings = file
        .voices
        .iter()
        .map(|(lang, command)| format!("{lang}={command}"))
        .chain(cli.voices.iter().filter(|s| !s.trim().is_empty()).cloned());
    for setting in settings {
        voices.set(&setting).map_err(|e| e.to_string())?;
    }
    let servers = match (cli.servers, file.server) {
        (cli, _) if !cli.is_empty() => cli,
        (_, Some(file)) => file.split(',').map(str::to_string).collect(),
        _ => defaults.connection.servers.clone(),
    };
    let connection = protocol::Connection {
        servers,
        office: cli.office.or(file.office),
        token: cli.token.or(file.token),
        ca_pem: app_support::read_ca_cert(cli.ca_cert.or(file.ca_cert).as_deref())?,
    };
    Ok(KioskSettings {
        voices,
        connection,
        windowed: cli.windowed,
        portrait: cli.portrait || file.portrait.unwrap_or(false),
        idle_secs,
        printer,
        script: cli.script,
        latency_log: cli.latency_log,
        ..defaults
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match settings(cli) {
        Ok(s) => {
            if s.connection.token.is_none() {
                eprintln!(
                    "madoguchi-kiosk: no device token (--token, MADOGUCHI_KIOSK_TOKEN or the config file); \
                     the server will refuse check-ins"
                );
            }
            if run(s).is_success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("madoguchi-kiosk: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_starting_with_a_hyphen_is_a_value_not_a_flag() {
        // Device tokens are URL-safe base64: one in 64 starts with '-'.
        let cli = Cli::try_parse_from(["madoguchi-kiosk", "--token", "-x9Q_token", "--windowed"])
            .expect("parses");
        assert_eq!(cli.token.as_deref(), Some("-x9Q_token"));
        assert!(cli.windowed);
        let s = settings(cli).expect("settings");
        assert_eq!(s.connection.token.as_deref(), Some("-x9Q_token"));
    }

    #[test]
    fn bad_settings_are_refused_with_a_reason() {
        let cli = Cli::try_parse_from(["madoguchi-kiosk", "--idle-secs", "1"]).expect("parses");
        assert!(settings(cli).expect_err("too short").contains("idle_secs"));
        let cli =
            Cli::try_parse_from(["madoguchi-kiosk", "--printer", "tcp:nowhere"]).expect("parses");
        assert!(settings(cli).is_err());
    }
}

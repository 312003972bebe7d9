//! `madoguchi-board`: the wall screen.

use clap::Parser;
use madoguchi_board::announce;
use madoguchi_board::app::{BoardSettings, run, voices_dir};
use madoguchi_board::model::Announcement;

#[derive(Parser)]
#[command(name = "madoguchi-board", version, about = "Madoguchi display board")]
struct Cli {
    /// Server root URL; several (repeated, or comma-separated) for servers
    /// of one floor on one database: the board moves to the next when one
    /// stops answering and resumes the events where it was.
    #[arg(
        long = "server",
        env = "MADOGUCHI_SERVER",
        value_delimiter = ',',
        default_value = "http://127.0.0.1:8080"
    )]
    servers: Vec<String>,
    /// The office it serves, by id (`madoguchi-server device add
    /// --office`); without it the city's first office.
    #[arg(long, env = "MADOGUCHI_OFFICE")]
    office: Option<String>,
    /// Board device token (optional: the board reads public data).
    #[arg(long, env = "MADOGUCHI_BOARD_TOKEN", allow_hyphen_values = true)]
    token: Option<String>,
    /// Trust this certificate authority (PEM) besides the system's, for
    /// `https://` servers with the city's own certificates.
    #[arg(long, env = "MADOGUCHI_CA_CERT", value_name = "FILE.pem")]
    ca_cert: Option<std::path::PathBuf>,
    /// A window instead of full screen (development).
    #[arg(long)]
    windowed: bool,
    /// Portrait layout (1080×1920).
    #[arg(long)]
    portrait: bool,
    /// Office time zone for the clock.
    #[arg(long, default_value = "Asia/Tokyo")]
    time_zone: chrono_tz::Tz,
    /// Seconds a new call flashes.
    #[arg(long, default_value_t = 8.0)]
    flash_secs: f64,
    /// Chime and voice volume, 0–1.
    #[arg(long, default_value_t = 0.8)]
    volume: f32,
    /// A language's voice, `LANG=COMMAND` (repeatable; also
    /// MADOGUCHI_VOICES, separated by `;`). In the command `{out}`,
    /// `{text}`, `{text_file}` and `{voices}` are replaced; an empty
    /// command silences the language. Defaults: Open JTalk with the
    /// shipped voice for ja, espeak-ng for en, ko, vi, pt.
    #[arg(long = "voice", env = "MADOGUCHI_VOICES", value_delimiter = ';')]
    voices: Vec<String>,
    /// Chime only, no voice.
    #[arg(long)]
    no_voice: bool,
    /// Speak TEXT as the board would (chime, then the voice of
    /// --language) and exit: into --out FILE.wav, else out loud.
    #[arg(long, value_name = "TEXT", conflicts_with = "say_call")]
    say: Option<String>,
    /// Announce a call as the board would (chime, every line of the
    /// languages it is announced in) and exit; with --booth and, for a
    /// visitor's language, --language.
    #[arg(long, value_name = "NUMBER", requires = "booth")]
    say_call: Option<String>,
    /// The counter's label for --say-call (as configured, e.g. 3番窓口).
    #[arg(long)]
    booth: Option<String>,
    /// Language of --say (ja, en, zh, ko, vi, pt, ja-x-easy), or the
    /// visitor's language for --say-call.
    #[arg(long, default_value = "ja")]
    language: String,
    /// Write --say/--say-call to this WAV file instead of playing it.
    #[arg(long, value_name = "FILE.wav")]
    out: Option<std::path::PathBuf>,
    /// Save a screenshot to this PNG after --screenshot-after seconds, then exit.
    #[arg(long)]
    screenshot: Option<std::path::PathBuf>,
    #[arg(long, default_value_t = 3.0)]
    screenshot_after: f64,
    /// Show the guidance line in this language only (ja, en, zh, ko, vi, pt).
    #[arg(long)]
    guidance_language: Option<String>,
    /// Benchmarks: log when each new number is drawn.
    #[arg(long, hide = true)]
    latency_log: Option<std::path::PathBuf>,
}

fn main() -> bevy::app::AppExit {
    madoguchi_board::memory::tune_allocator();
    let cli = Cli::parse();
    let mut voices = if cli.no_voice {
        voice::Voices::silent()
    } else {
        voice::Voices::defaults(voices_dir())
    };
    for setting in cli.voices.iter().filter(|s| !s.trim().is_empty()) {
        if let Err(e) = voices.set(setting) {
            eprintln!("madoguchi-board: {e}");
            return bevy::app::AppExit::error();
        }
    }
    let player = voice::player::PlayerSettings {
        voices,
        volume: cli.volume,
        sound_log: std::env::var_os("MADOGUCHI_LOG_SOUND").map(Into::into),
    };
    if cli.say.is_some() || cli.say_call.is_some() {
        return try_the_voice(&cli, player);
    }
    let ca_pem = match app_support::read_ca_cert(cli.ca_cert.as_deref()) {
        Ok(pem) => pem,
        Err(e) => {
            eprintln!("madoguchi-board: {e}");
            return bevy::app::AppExit::error();
        }
    };
    run(BoardSettings {
        connection: protocol::Connection {
            servers: cli.servers,
            office: cli.office,
            token: cli.token,
            ca_pem,
        },
        windowed: cli.windowed,
        portrait: cli.portrait,
        time_zone: cli.time_zone,
        flash_secs: cli.flash_secs,
        history: 8,
        screenshot: cli.screenshot,
        screenshot_after: cli.screenshot_after,
        voice: player,
        guidance_language: cli.guidance_language,
        latency_log: cli.latency_log,
    })
}

/// `--say` / `--say-call`: exactly what the board would play, into a
/// file or out loud, for operators trying a voice or a booth label.
fn try_the_voice(cli: &Cli, player: voice::player::PlayerSettings) -> bevy::app::AppExit {
    let Some(language) = messages::language::parse(&cli.language) else {
        eprintln!(
            "madoguchi-board: unknown language {:?} (one of {})",
            cli.language,
            messages::LANGUAGES.join(", ")
        );
        return bevy::app::AppExit::error();
    };
    let utterance = match (&cli.say, &cli.say_call) {
        (Some(text), _) => voice::Utterance {
            chime: true,
            lines: vec![voice::player::Line {
                lang: language.to_string(),
                text: messages::ruby::reading(text),
            }],
            interrupt: false,
        },
        (None, Some(number)) => {
            let label = cli.booth.clone().unwrap_or_default();
            let booth_label = messages::LANGUAGES
                .iter()
                .map(|l| (l.to_string(), label.clone()))
                .collect();
            let call = Announcement {
                number: number.clone(),
                booth_label,
                recall: false,
                language: Some(language.to_string()),
            };
            let lines = announce::lines(&messages::Catalogue::new(), &call);
            for line in &lines {
                println!("{}\t{}\t{}", line.lang, line.shown, line.spoken);
            }
            announce::utterance(&lines)
        }
        (None, None) => return bevy::app::AppExit::Success,
    };
    let result = match &cli.out {
        Some(path) => voice::player::render(&player.voices, player.volume, &utterance)
            .map_err(|e| e.to_string())
            .and_then(|pieces| {
                voice::Pcm::join(&pieces)
                    .write(path)
                    .map_err(|e| e.to_string())
            }),
        None => voice::player::play_now(&player, utterance).map_err(|e| e.to_string()),
    };
    match result {
        Ok(()) => bevy::app::AppExit::Success,
        Err(e) => {
            eprintln!("madoguchi-board: {e}");
            bevy::app::AppExit::error()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_starting_with_a_hyphen_is_a_value_not_a_flag() {
        let cli = Cli::try_parse_from(["madoguchi-board", "--token", "-abc", "--windowed"])
            .expect("parses");
        assert_eq!(cli.token.as_deref(), Some("-abc"));
        assert!(cli.windowed);
    }
}

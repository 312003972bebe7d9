//! `madoguchi-board`: the wall screen.

use clap::Parser;
use madoguchi_board::app::{BoardSettings, run};

#[derive(Parser)]
#[command(name = "madoguchi-board", version, about = "Madoguchi display board")]
struct Cli {
    /// Server root URL.
    #[arg(
        long,
        env = "MADOGUCHI_SERVER",
        default_value = "http://127.0.0.1:8080"
    )]
    server: String,
    /// Board device token (optional: the board reads public data).
    #[arg(long, env = "MADOGUCHI_BOARD_TOKEN", allow_hyphen_values = true)]
    token: Option<String>,
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
    /// Text-to-speech command ({voice}, {out}, {text}); empty for chime only.
    #[arg(
        long,
        env = "MADOGUCHI_TTS",
        default_value = "espeak-ng -v {voice} -s 140 -w {out} {text}"
    )]
    tts: String,
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
    run(BoardSettings {
        server: cli.server,
        token: cli.token,
        windowed: cli.windowed,
        portrait: cli.portrait,
        time_zone: cli.time_zone,
        flash_secs: cli.flash_secs,
        history: 8,
        screenshot: cli.screenshot,
        screenshot_after: cli.screenshot_after,
        sound: madoguchi_board::sound::SoundConfig {
            volume: cli.volume,
            tts: cli.tts,
        },
        guidance_language: cli.guidance_language,
        latency_log: cli.latency_log,
    })
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

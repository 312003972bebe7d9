//! Voices for the board's announcements and the kiosk's spoken guidance
//! (音声案内), one engine for both apps:
//!
//! - `spell`: ticket numbers as a clerk reads them aloud (A012 → 「エー、12」,
//!   "A 12"), pure;
//! - `voices`: which offline synthesiser command speaks which language,
//!   with built-in defaults (Open JTalk for Japanese, espeak-ng for the
//!   rest) that a city replaces with the voice it licenses;
//! - `wav`: PCM read and written with hound, the synthesised chime,
//!   joining a chime and lines into one recording (`--say --out`);
//! - `player`: the audio thread: utterances one after another, the next
//!   line synthesised while the previous one plays.

pub mod player;
pub mod spell;
pub mod voices;
pub mod wav;

pub use player::{Player, Utterance};
pub use spell::spoken_number;
pub use voices::{Voice, Voices};
pub use wav::Pcm;

/// What can go wrong making a voice line.
#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    #[error("no voice is configured for language {0}")]
    NoVoice(String),
    #[error("voice command for {lang} could not start ({program}): {source}")]
    Start {
        lang: String,
        program: String,
        source: std::io::Error,
    },
    #[error("voice command for {lang} failed ({status}): {stderr}")]
    Failed {
        lang: String,
        status: std::process::ExitStatus,
        stderr: String,
    },
    #[error("voice command for {lang} took over {secs} s and was stopped")]
    TimedOut { lang: String, secs: u64 },
    #[error("voice command for {lang} wrote no usable WAV: {source}")]
    BadWav { lang: String, source: hound::Error },
    #[error("a voice setting must be LANG=COMMAND, got {0:?}")]
    BadSetting(String),
    #[error("no audio device: {0}")]
    NoDevice(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("WAV: {0}")]
    Wav(#[from] hound::Error),
}

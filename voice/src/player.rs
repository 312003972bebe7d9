//! The audio thread: one utterance after another (calls that arrive
//! together never talk over each other). While the chime plays, the
//! lines are synthesised on a helper thread and each is queued as soon as
//! it is ready, so the voice follows the chime without a gap. Without an
//! audio device it logs what it would have said and goes on.

use std::collections::VecDeque;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use crate::{Pcm, VoiceError, Voices};

/// One line to speak, already in its spoken form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub lang: String,
    pub text: String,
}

/// The chime (board calls) and lines, spoken in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utterance {
    pub chime: bool,
    pub lines: Vec<Line>,
    /// Stop whatever is playing first (the kiosk's 音声案内 button pressed
    /// again, or another screen): the visitor wants the new text now.
    pub interrupt: bool,
}

/// How the audio thread plays.
#[derive(Debug, Clone)]
pub struct PlayerSettings {
    pub voices: Voices,
    /// 0.0–1.0.
    pub volume: f32,
    /// Benchmarks: append `<unix ms> chime|voice <lang>` when each piece
    /// starts sounding.
    pub sound_log: Option<PathBuf>,
}

/// Handle of the audio thread.
#[derive(Debug, Clone)]
pub struct Player {
    tx: Sender<Utterance>,
}

impl Player {
    pub fn spawn(settings: PlayerSettings) -> Player {
        let (tx, rx) = crossbeam_channel::unbounded::<Utterance>();
        let spawned = std::thread::Builder::new()
            .name("voice".into())
            .spawn(move || run(settings, rx));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "no sound thread");
        }
        Player { tx }
    }

    pub fn say(&self, utterance: Utterance) {
        let _ = self.tx.send(utterance);
    }
}

/// The whole utterance as pieces of one recording: what the speaker
/// would play (`--say --out`). A line that cannot be spoken is an error
/// here: the operator is trying that voice.
pub fn render(voices: &Voices, volume: f32, utterance: &Utterance) -> Result<Vec<Pcm>, VoiceError> {
    let mut pieces = Vec::new();
    if utterance.chime {
        pieces.push(Pcm::chime(48_000, volume));
        pieces.push(Pcm::silence(48_000, CHIME_GAP_SECS));
    }
    for line in &utterance.lines {
        match voices.synthesize(&line.lang, &line.text) {
            Ok(pcm) => pieces.push(pcm.scaled(volume)),
            // As the board: a language without a voice is shown, not spoken.
            Err(VoiceError::NoVoice(lang)) if utterance.lines.len() > 1 => {
                tracing::warn!(lang, "no voice: the board shows this line only");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(pieces)
}

/// Plays an utterance on the default device and returns when it ends.
pub fn play_now(settings: &PlayerSettings, utterance: Utterance) -> Result<(), VoiceError> {
    let pieces = render(&settings.voices, settings.volume, &utterance)?;
    let sink = rodio::DeviceSinkBuilder::open_default_sink()
        .map_err(|e| VoiceError::NoDevice(e.to_string()))?;
    let player = rodio::Player::connect_new(sink.mixer());
    for piece in &pieces {
        player.append(piece.source());
    }
    player.sleep_until_end();
    Ok(())
}

/// Silence between the chime and the first line.
const CHIME_GAP_SECS: f32 = 0.15;

fn run(settings: PlayerSettings, rx: Receiver<Utterance>) {
    let open = || {
        rodio::DeviceSinkBuilder::open_default_sink()
            .inspect_err(|e| tracing::warn!(error = %e, "no audio device: nothing is spoken"))
            .ok()
    };
    let mut sink = open();
    let chime = Pcm::chime(48_000, settings.volume);
    let mut pending: VecDeque<Utterance> = VecDeque::new();
    loop {
        let Some(utterance) = pending.pop_front().or_else(|| rx.recv().ok()) else {
            return;
        };
        // A sound server that came up after the app (or came back) is
        // found at the next utterance.
        if sink.is_none() {
            sink = open();
        }
        // Languages only, never the text: a line holds a visitor's number.
        let langs: Vec<&str> = utterance.lines.iter().map(|l| l.lang.as_str()).collect();
        tracing::debug!(languages = ?langs, audio = sink.is_some(), "speak");
        let Some(sink) = &sink else { continue };
        let player = rodio::Player::connect_new(sink.mixer());
        let lines = synthesize_in_order(&settings, utterance.lines);
        // When the queued audio runs out: what is queued now starts then.
        let mut queued_until = Instant::now();
        let mut enqueue = |pcm: &Pcm, what: &str| {
            let now = Instant::now();
            let starts = queued_until.max(now);
            log_sound(&settings.sound_log, starts - now, what);
            queued_until = starts + Duration::from_secs_f32(pcm.seconds());
            player.append(pcm.source());
        };
        if utterance.chime {
            enqueue(&chime, "chime");
            enqueue(&Pcm::silence(48_000, CHIME_GAP_SECS), "gap");
        }
        let mut lines_open = true;
        while lines_open || !player.empty() {
            if lines_open {
                match lines.recv_timeout(Duration::from_millis(20)) {
                    Ok((lang, pcm)) => enqueue(&pcm, &format!("voice {lang}")),
                    Err(RecvTimeoutError::Disconnected) => lines_open = false,
                    Err(RecvTimeoutError::Timeout) => {}
                }
            } else {
                std::thread::sleep(Duration::from_millis(20));
            }
            if let Ok(newer) = rx.try_recv() {
                if newer.interrupt {
                    // Stop at once and say the newest next; older
                    // interrupting ones are stale, calls still wait.
                    pending.retain(|u| !u.interrupt);
                    pending.push_front(newer);
                    player.stop();
                    break;
                }
                pending.push_back(newer);
            }
        }
    }
}

/// Synthesises lines one after another on a helper thread; each is sent
/// as soon as it is ready (the first while the chime still plays).
fn synthesize_in_order(settings: &PlayerSettings, lines: Vec<Line>) -> Receiver<(String, Pcm)> {
    let (tx, rx) = crossbeam_channel::unbounded();
    let voices = settings.voices.clone();
    let volume = settings.volume;
    let spawned = std::thread::Builder::new()
        .name("voice-synth".into())
        .spawn(move || {
            for line in lines {
                match voices.synthesize(&line.lang, &line.text) {
                    Ok(pcm) => {
                        if tx.send((line.lang, pcm.scaled(volume))).is_err() {
                            return;
                        }
                    }
                    // Shown on the board, not spoken (Chinese by default).
                    Err(VoiceError::NoVoice(_)) => {}
                    Err(e) => tracing::warn!(error = %e, lang = %line.lang, "line not spoken"),
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no synthesis thread");
    }
    rx
}

fn log_sound(path: &Option<PathBuf>, delay: Duration, what: &str) {
    let Some(path) = path else { return };
    let at = SystemTime::now() + delay;
    let ms = at
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = writeln!(f, "{ms} {what}");
    }
}

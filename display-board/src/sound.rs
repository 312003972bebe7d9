//! Chime and voice: one audio thread plays announcements in order (calls
//! that arrive together never talk over each other). The chime is
//! synthesised here (two tones, "ピン・ポーン"); the voice comes from an
//! offline text-to-speech command (default espeak-ng). Without an audio
//! device, or without the command, it logs and goes on.

use std::io::Cursor;
use std::process::Command;

use crossbeam_channel::{Receiver, Sender};

/// One announcement: the chime, then each (voice, text) in order.
#[derive(Debug, Clone)]
pub struct Spoken {
    pub lines: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct SoundConfig {
    /// 0.0–1.0.
    pub volume: f32,
    /// Text-to-speech command; `{voice}`, `{out}` and `{text}` are replaced.
    /// Empty: no voice, chime only.
    pub tts: String,
}

impl Default for SoundConfig {
    fn default() -> Self {
        SoundConfig {
            volume: 0.8,
            tts: "espeak-ng -v {voice} -s 140 -w {out} {text}".into(),
        }
    }
}

pub const SAMPLE_RATE: u32 = 22_050;

/// The two-tone chime as a 16-bit mono WAV file.
pub fn chime_wav(volume: f32) -> Vec<u8> {
    let mut samples: Vec<i16> = Vec::new();
    for (freq, secs) in [(880.0f32, 0.45f32), (660.0, 0.9)] {
        let n = (SAMPLE_RATE as f32 * secs) as usize;
        for i in 0..n {
            let t = i as f32 / SAMPLE_RATE as f32;
            // Soft attack, exponential decay: a bell rather than a beep.
            let envelope = (t * 200.0).min(1.0) * (-3.0 * t / secs).exp();
            let wave = (2.0 * std::f32::consts::PI * freq * t).sin()
                + 0.3 * (4.0 * std::f32::consts::PI * freq * t).sin();
            samples.push((wave / 1.3 * envelope * volume.clamp(0.0, 1.0) * i16::MAX as f32) as i16);
        }
    }
    wav_bytes(&samples)
}

fn wav_bytes(samples: &[i16]) -> Vec<u8> {
    let data_len = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&SAMPLE_RATE.to_le_bytes());
    out.extend_from_slice(&(SAMPLE_RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

/// Runs the TTS command for one line; returns the WAV bytes.
pub fn speak(template: &str, voice: &str, text: &str) -> Option<Vec<u8>> {
    if template.trim().is_empty() {
        return None;
    }
    let dir = std::env::temp_dir();
    let out = dir.join(format!(
        "madoguchi-board-{}-{voice}.wav",
        std::process::id()
    ));
    let out_s = out.to_string_lossy().to_string();
    let mut words = template.split_whitespace();
    let program = words.next()?;
    let args: Vec<String> = words
        .map(|w| {
            w.replace("{voice}", voice)
                .replace("{out}", &out_s)
                .replace("{text}", text)
        })
        .collect();
    match Command::new(program).args(&args).output() {
        Ok(o) if o.status.success() => {
            let bytes = std::fs::read(&out).ok();
            let _ = std::fs::remove_file(&out);
            bytes
        }
        Ok(o) => {
            tracing::warn!(status = %o.status, "text-to-speech command failed");
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, command = program, "text-to-speech command not available");
            None
        }
    }
}

/// Starts the audio thread; send announcements to the returned channel.
pub fn spawn(config: SoundConfig) -> Sender<Spoken> {
    let (tx, rx) = crossbeam_channel::unbounded::<Spoken>();
    let spawned = std::thread::Builder::new()
        .name("board-sound".into())
        .spawn(move || run(config, rx));
    if let Err(e) = spawned {
        tracing::error!(error = %e, "no sound thread");
    }
    tx
}

fn run(config: SoundConfig, rx: Receiver<Spoken>) {
    let sink = rodio::DeviceSinkBuilder::open_default_sink()
        .inspect_err(
            |e| tracing::warn!(error = %e, "no audio device: announcements are logged only"),
        )
        .ok();
    let chime = chime_wav(config.volume);
    let play = |bytes: Vec<u8>| {
        if let Some(sink) = &sink {
            match rodio::play(sink.mixer(), Cursor::new(bytes)) {
                Ok(player) => player.sleep_until_end(),
                Err(e) => tracing::warn!(error = %e, "could not play sound"),
            }
        }
    };
    for spoken in rx.iter() {
        let text: Vec<&str> = spoken.lines.iter().map(|(_, t)| t.as_str()).collect();
        tracing::info!(announcement = %text.join(" / "), audio = sink.is_some(), "announce");
        if sink.is_none() {
            continue;
        }
        play(chime.clone());
        for (voice, line) in &spoken.lines {
            if let Some(wav) = speak(&config.tts, voice, line) {
                play(wav);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chime_is_a_valid_wav_of_about_a_second_and_a_half() {
        let wav = chime_wav(1.0);
        assert_eq!(&wav[..4], b"RIFF");
        assert_eq!(&wav[8..16], b"WAVEfmt ");
        let samples = (wav.len() - 44) / 2;
        let secs = samples as f32 / SAMPLE_RATE as f32;
        assert!((1.3..1.4).contains(&secs), "{secs}");
        let peak = wav[44..]
            .chunks(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]).unsigned_abs())
            .max()
            .unwrap_or(0);
        assert!(peak > 20_000, "audible: {peak}");
        let quiet = chime_wav(0.1);
        let quiet_peak = quiet[44..]
            .chunks(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]).unsigned_abs())
            .max()
            .unwrap_or(0);
        assert!(quiet_peak < peak / 5, "volume scales");
    }

    #[test]
    fn a_missing_tts_command_is_not_an_error() {
        assert!(speak("no-such-tts-program-xyz {out} {text}", "ja", "テスト").is_none());
        assert!(speak("", "ja", "テスト").is_none());
    }
}

//! Sound that really comes out: the real board, a real call, played
//! through ALSA into a PulseAudio null sink whose monitor is recorded
//! (Debian `pulseaudio`, `libasound2-plugins`). The recording must hold
//! the chime first (its 880 Hz tone), then the voice, and neither is
//! silence. Every other test runs the board without an audio device.

use std::time::Duration;

use madoguchi_testkit::pulse::PulseAudio;
use madoguchi_testkit::{Floor, Stop, Xvfb};
use voice::Pcm;

/// Energy of `freq` in `samples` (Goertzel), relative to their total.
fn share_of_tone(samples: &[f32], rate: u32, freq: f32) -> f32 {
    let w = 2.0 * std::f32::consts::PI * freq / rate as f32;
    let (mut s1, mut s2) = (0.0f32, 0.0f32);
    for x in samples {
        let s = x + 2.0 * w.cos() * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    let power = s1 * s1 + s2 * s2 - 2.0 * w.cos() * s1 * s2;
    let total: f32 = samples.iter().map(|x| x * x).sum();
    power / (total * samples.len() as f32 / 2.0).max(f32::MIN_POSITIVE)
}

#[test]
fn a_call_plays_the_chime_then_the_voice_through_a_real_audio_device() {
    let pulse = PulseAudio::start();
    let recorder = pulse.record("hall.wav");
    let floor = Floor::start();
    let x = Xvfb::start(111);
    let _board = Stop(
        pulse
            .env(&mut x.app(env!("CARGO_BIN_EXE_madoguchi-board")))
            .args(["--server", &floor.base, "--windowed"])
            .spawn()
            .expect("board"),
    );
    // The board connects, then a call is made.
    std::thread::sleep(Duration::from_secs(4));
    floor.walk_in("shomei", "sound-1");
    floor.open("2");
    floor.call_next("2");
    // Chime (1.35 s) + Japanese (~5 s) + English (~3 s).
    std::thread::sleep(Duration::from_secs(14));
    let recording = recorder.finish();
    let pcm = Pcm::read(&recording).expect("a WAV was recorded");
    let loud: Vec<usize> = pcm
        .samples
        .chunks(pcm.rate as usize / 20)
        .enumerate()
        .filter(|(_, c)| c.iter().map(|s| s * s).sum::<f32>() / c.len() as f32 > 1e-4)
        .map(|(i, _)| i)
        .collect();
    let first = *loud.first().expect("something was played");
    let chunk = pcm.rate as usize / 20;
    let at = |i: usize, secs: f32| {
        let start = i * chunk;
        let end = (start + (secs * pcm.rate as f32) as usize).min(pcm.samples.len());
        &pcm.samples[start..end]
    };
    // First the chime: its first 0.4 s are the 880 Hz tone.
    let chime = share_of_tone(at(first, 0.4), pcm.rate, 880.0);
    assert!(
        chime > 0.5,
        "the first sound is the chime: 880 Hz share {chime:.2}"
    );
    // Then the voice: after the chime, seconds of sound that is no tone.
    let voice_start = first + 30; // 1.5 s later
    let voiced = loud.iter().filter(|i| **i >= voice_start).count();
    assert!(voiced >= 40, "the voice follows for {voiced} × 50 ms");
    let voice = at(voice_start + 4, 1.0);
    let tone = share_of_tone(voice, pcm.rate, 880.0) + share_of_tone(voice, pcm.rate, 660.0);
    assert!(
        tone < 0.2,
        "after the chime comes speech, not the tones: {tone:.2}"
    );
    let rms = (voice.iter().map(|s| s * s).sum::<f32>() / voice.len() as f32).sqrt();
    assert!(rms > 0.01, "the voice is not silence: {rms}");
}

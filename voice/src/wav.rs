//! Mono PCM: read from what a synthesiser wrote, the chime, and one
//! recording made of several pieces at different sample rates.

use std::num::NonZero;
use std::path::Path;

use rodio::buffer::SamplesBuffer;
use rodio::source::UniformSourceIterator;

/// Mono samples in −1.0…1.0 at `rate` Hz.
#[derive(Debug, Clone, PartialEq)]
pub struct Pcm {
    pub rate: u32,
    pub samples: Vec<f32>,
}

/// The chime's two tones ("ピン・ポーン"): frequency and length.
const CHIME_TONES: [(f32, f32); 2] = [(880.0, 0.45), (660.0, 0.9)];

impl Pcm {
    /// Reads a WAV file of any sample format; channels are mixed to mono.
    pub fn read(path: &Path) -> Result<Pcm, hound::Error> {
        let mut reader = hound::WavReader::open(path)?;
        let spec = reader.spec();
        let interleaved: Vec<f32> = match spec.sample_format {
            hound::SampleFormat::Float => reader.samples::<f32>().collect::<Result<_, _>>()?,
            hound::SampleFormat::Int => {
                let scale = (1i64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
                reader
                    .samples::<i32>()
                    .map(|s| s.map(|s| s as f32 / scale))
                    .collect::<Result<_, _>>()?
            }
        };
        let channels = usize::from(spec.channels.max(1));
        let samples = interleaved
            .chunks(channels)
            .map(|frame| frame.iter().sum::<f32>() / frame.len() as f32)
            .collect();
        Ok(Pcm {
            rate: spec.sample_rate.max(1),
            samples,
        })
    }

    /// Writes 16-bit mono PCM.
    pub fn write(&self, path: &Path) -> Result<(), hound::Error> {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: self.rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut writer = hound::WavWriter::create(path, spec)?;
        for s in &self.samples {
            writer.write_sample((s.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16)?;
        }
        writer.finalize()
    }

    /// The two-tone chime, at `volume` (0–1).
    pub fn chime(rate: u32, volume: f32) -> Pcm {
        let mut samples = Vec::new();
        for (freq, secs) in CHIME_TONES {
            let n = (rate as f32 * secs) as usize;
            for i in 0..n {
                let t = i as f32 / rate as f32;
                // Soft attack, exponential decay: a bell rather than a beep.
                let envelope = (t * 200.0).min(1.0) * (-3.0 * t / secs).exp();
                let wave = (2.0 * std::f32::consts::PI * freq * t).sin()
                    + 0.3 * (4.0 * std::f32::consts::PI * freq * t).sin();
                samples.push(wave / 1.3 * envelope * volume.clamp(0.0, 1.0));
            }
        }
        Pcm { rate, samples }
    }

    /// Silence of `secs` seconds.
    pub fn silence(rate: u32, secs: f32) -> Pcm {
        Pcm {
            rate,
            samples: vec![0.0; (rate as f32 * secs) as usize],
        }
    }

    pub fn seconds(&self) -> f32 {
        self.samples.len() as f32 / self.rate.max(1) as f32
    }

    /// Root mean square level (0 for silence).
    pub fn rms(&self) -> f32 {
        if self.samples.is_empty() {
            return 0.0;
        }
        (self.samples.iter().map(|s| s * s).sum::<f32>() / self.samples.len() as f32).sqrt()
    }

    /// Scaled by `volume` (0–1).
    pub fn scaled(mut self, volume: f32) -> Pcm {
        let v = volume.clamp(0.0, 1.0);
        self.samples.iter_mut().for_each(|s| *s *= v);
        self
    }

    /// As a source for rodio's mixer.
    pub fn source(&self) -> SamplesBuffer {
        SamplesBuffer::new(
            NonZero::<u16>::MIN,
            NonZero::new(self.rate).unwrap_or(NonZero::<u32>::MIN),
            self.samples.clone(),
        )
    }

    /// Pieces one after another, converted to the highest of their rates.
    pub fn join(pieces: &[Pcm]) -> Pcm {
        let rate = pieces.iter().map(|p| p.rate).max().unwrap_or(48_000);
        let mut samples = Vec::new();
        for piece in pieces {
            if piece.rate == rate {
                samples.extend_from_slice(&piece.samples);
            } else {
                let converted = UniformSourceIterator::new(
                    piece.source(),
                    NonZero::<u16>::MIN,
                    NonZero::new(rate).unwrap_or(NonZero::<u32>::MIN),
                );
                samples.extend(converted);
            }
        }
        Pcm { rate, samples }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chime_lasts_a_second_and_a_third_and_scales_with_volume() {
        let loud = Pcm::chime(22_050, 1.0);
        assert!((1.3..1.4).contains(&loud.seconds()), "{}", loud.seconds());
        let peak = |p: &Pcm| p.samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!(peak(&loud) > 0.6, "audible: {}", peak(&loud));
        assert!(peak(&Pcm::chime(22_050, 0.1)) < peak(&loud) / 5.0);
    }

    #[test]
    fn a_written_wav_reads_back_and_pieces_join_at_one_rate() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("x.wav");
        let chime = Pcm::chime(22_050, 0.8);
        chime.write(&path).expect("written");
        let back = Pcm::read(&path).expect("read");
        assert_eq!(back.rate, 22_050);
        assert_eq!(back.samples.len(), chime.samples.len());
        assert!((back.rms() - chime.rms()).abs() < 0.001);

        let joined = Pcm::join(&[chime.clone(), Pcm::silence(48_000, 0.5)]);
        assert_eq!(joined.rate, 48_000);
        // 1.35 s of chime resampled to 48 kHz, then half a second of silence.
        assert!(
            (joined.seconds() - 1.85).abs() < 0.01,
            "{}",
            joined.seconds()
        );
    }
}

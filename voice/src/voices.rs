//! Which synthesiser speaks which language. Each language has a command
//! run without a shell: its words are split on spaces and `{out}` (the
//! WAV to write), `{text}` (the line, as one argument), `{text_file}` (a
//! UTF-8 file holding the line) and `{voices}` (the folder of shipped
//! voice files, `assets/voices`) are replaced inside them. A city that
//! licenses another voice sets its command for that language; an empty
//! command silences a language.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::spell::is_japanese;
use crate::{Pcm, VoiceError};

/// Open JTalk with the shipped "Mei" voice (Debian `open-jtalk` and
/// `open-jtalk-mecab-naist-jdic`): espeak-ng has no kanji dictionary and
/// reads every kanji as "Chinese letter".
pub const OPEN_JTALK: &str = "open_jtalk -x /var/lib/mecab/dic/open-jtalk/naist-jdic -m {voices}/mei_normal.htsvoice -r 1.0 -ow {out} {text_file}";

/// espeak-ng voices for the languages it reads well. Not Chinese:
/// Debian's espeak-ng 1.51 `cmn` voice spells most hanzi as English
/// letters and tone numbers (号 → "h-a-o four"), so Chinese is shown, not
/// spoken, until a city sets a Chinese voice (`zh=COMMAND`).
const ESPEAK: &[(&str, &str)] = &[
    ("en", "en"),
    ("ko", "ko"),
    ("vi", "vi"),
    // Japan's Portuguese speakers are mostly Brazilian.
    ("pt", "pt-br"),
];

/// The longest a line may take to synthesise (a call line takes ~0.2 s).
const SYNTHESIS_LIMIT: Duration = Duration::from_secs(10);

/// One language's voice command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voice {
    pub lang: String,
    pub command: String,
}

/// The voice of every language.
#[derive(Debug, Clone)]
pub struct Voices {
    voices_dir: PathBuf,
    by_lang: BTreeMap<String, String>,
    time_limit: Duration,
}

impl Voices {
    /// The built-in voices; `voices_dir` holds the shipped voice files.
    pub fn defaults(voices_dir: impl Into<PathBuf>) -> Voices {
        let mut by_lang = BTreeMap::new();
        by_lang.insert("ja".to_string(), OPEN_JTALK.to_string());
        for (lang, voice) in ESPEAK {
            by_lang.insert(
                (*lang).to_string(),
                format!("espeak-ng -v {voice} -s 160 -w {{out}} {{text}}"),
            );
        }
        Voices {
            voices_dir: voices_dir.into(),
            by_lang,
            time_limit: SYNTHESIS_LIMIT,
        }
    }

    /// No voice at all (chime only).
    pub fn silent() -> Voices {
        Voices {
            voices_dir: PathBuf::new(),
            by_lang: BTreeMap::new(),
            time_limit: SYNTHESIS_LIMIT,
        }
    }

    /// Applies `LANG=COMMAND` (an empty command silences the language).
    pub fn set(&mut self, setting: &str) -> Result<(), VoiceError> {
        let (lang, command) = setting
            .split_once('=')
            .ok_or_else(|| VoiceError::BadSetting(setting.to_string()))?;
        let lang = lang.trim();
        if lang.is_empty() || !lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(VoiceError::BadSetting(setting.to_string()));
        }
        self.by_lang
            .insert(lang.to_string(), command.trim().to_string());
        Ok(())
    }

    /// The command that speaks `lang`: its own, else that of its base
    /// language (`ja-x-easy` → `ja`, `pt-BR` → `pt`).
    pub fn voice(&self, lang: &str) -> Option<Voice> {
        let base = if is_japanese(lang) {
            "ja"
        } else {
            lang.split('-').next().unwrap_or(lang)
        };
        [lang, base]
            .into_iter()
            .find_map(|l| self.by_lang.get(l))
            .filter(|c| !c.trim().is_empty())
            .map(|command| Voice {
                lang: lang.to_string(),
                command: command.clone(),
            })
    }

    /// How long one line may take to synthesise before it is given up.
    pub fn with_time_limit(mut self, limit: Duration) -> Voices {
        self.time_limit = limit;
        self
    }

    /// Speaks `text` in `lang` into PCM.
    pub fn synthesize(&self, lang: &str, text: &str) -> Result<Pcm, VoiceError> {
        let voice = self
            .voice(lang)
            .ok_or_else(|| VoiceError::NoVoice(lang.to_string()))?;
        let text = &spoken_text(lang, text);
        let dir = tempfile::Builder::new()
            .prefix("madoguchi-voice-")
            .tempdir()?;
        let out = dir.path().join("line.wav");
        let text_file = dir.path().join("line.txt");
        std::fs::write(&text_file, format!("{text}\n"))?;
        let fill = |word: &str| {
            word.replace("{out}", &out.to_string_lossy())
                .replace("{text_file}", &text_file.to_string_lossy())
                .replace("{voices}", &self.voices_dir.to_string_lossy())
                .replace("{text}", text)
        };
        let mut words = voice.command.split_whitespace();
        let program = words.next().unwrap_or_default().to_string();
        let mut child = Command::new(&program)
            .args(words.map(fill))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| VoiceError::Start {
                lang: lang.to_string(),
                program: program.clone(),
                source,
            })?;
        // A synthesiser that hangs must not silence every later call.
        let deadline = Instant::now() + self.time_limit;
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(VoiceError::TimedOut {
                    lang: lang.to_string(),
                    secs: self.time_limit.as_secs(),
                });
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        if !status.success() {
            let mut stderr = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
            }
            return Err(VoiceError::Failed {
                lang: lang.to_string(),
                status,
                stderr: stderr.trim().to_string(),
            });
        }
        Pcm::read(&out).map_err(|source| VoiceError::BadWav {
            lang: lang.to_string(),
            source,
        })
    }
}

/// Japanese is written without spaces; the spaces of やさしい日本語
/// (分かち書き) help the eye, but Open JTalk pauses at each one, and a call
/// took 6.3 s instead of 4.8.
fn spoken_text(lang: &str, text: &str) -> String {
    if is_japanese(lang) {
        text.chars().filter(|c| *c != ' ' && *c != '　').collect()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn japanese_is_spoken_without_the_spaces_of_easy_japanese() {
        assert_eq!(
            super::spoken_text("ja-x-easy", "3ばん まどぐちへ　きて"),
            "3ばんまどぐちへきて"
        );
        assert_eq!(super::spoken_text("en", "Counter 3"), "Counter 3");
    }

    use super::*;

    #[test]
    fn japanese_is_open_jtalk_and_the_easy_register_uses_it_too() {
        let v = Voices::defaults("/usr/share/madoguchi/voices");
        assert_eq!(v.voice("ja").map(|v| v.command), Some(OPEN_JTALK.into()));
        assert_eq!(
            v.voice("ja-x-easy").map(|v| v.command),
            Some(OPEN_JTALK.into())
        );
        assert!(
            v.voice("ko")
                .is_some_and(|v| v.command.starts_with("espeak-ng -v ko "))
        );
        assert_eq!(v.voice("zh"), None, "no Chinese voice reads hanzi here");
        assert!(
            v.voice("pt-BR")
                .is_some_and(|v| v.command.contains("pt-br"))
        );
        assert_eq!(v.voice("xx"), None);
    }

    #[test]
    fn a_city_replaces_or_silences_a_language() {
        let mut v = Voices::defaults("/v");
        v.set("ko=my-tts --lang ko --out {out} {text}")
            .expect("valid");
        assert_eq!(
            v.voice("ko").map(|v| v.command),
            Some("my-tts --lang ko --out {out} {text}".into())
        );
        v.set("en=").expect("valid");
        assert_eq!(v.voice("en"), None);
        assert!(matches!(
            v.set("no equals sign"),
            Err(VoiceError::BadSetting(_))
        ));
        assert!(matches!(v.set("=cmd"), Err(VoiceError::BadSetting(_))));
        assert!(matches!(v.set("a b=cmd"), Err(VoiceError::BadSetting(_))));
    }

    #[test]
    fn a_missing_program_or_language_is_an_error_not_a_panic() {
        let mut v = Voices::silent();
        assert!(matches!(
            v.synthesize("ja", "テスト"),
            Err(VoiceError::NoVoice(_))
        ));
        v.set("ja=no-such-tts-program-xyz {out} {text}")
            .expect("valid");
        assert!(matches!(
            v.synthesize("ja", "テスト"),
            Err(VoiceError::Start { .. })
        ));
        v.set("ja=false").expect("valid");
        assert!(matches!(
            v.synthesize("ja", "テスト"),
            Err(VoiceError::Failed { .. })
        ));
        v.set("ja=true").expect("valid");
        assert!(matches!(
            v.synthesize("ja", "テスト"),
            Err(VoiceError::BadWav { .. })
        ));
        let mut v = v.with_time_limit(Duration::from_millis(300));
        v.set("ja=sleep 30").expect("valid");
        let started = Instant::now();
        assert!(matches!(
            v.synthesize("ja", "テスト"),
            Err(VoiceError::TimedOut { .. })
        ));
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "stopped, not waited for"
        );
    }
}

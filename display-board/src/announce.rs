//! What the board says and shows for a call, pure: Japanese, then
//! English, then the visitor's own language when it is another one. Each
//! line has its shown text (the catalogue's `announce-*`) and its spoken
//! text (`voice-*`, with the number spelled for the ear and furigana read).

use messages::{Arg, Catalogue, LANGUAGES};
use protocol::{localized, localized_marked};

use crate::model::Announcement;

/// One language's line of an announcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub lang: String,
    /// As shown on the board.
    pub shown: String,
    /// As the voice reads it.
    pub spoken: String,
}

/// The languages a call is announced in.
pub fn languages(visitor: Option<&str>) -> Vec<&'static str> {
    let mut langs = vec!["ja", "en"];
    if let Some(extra) = visitor.and_then(|v| LANGUAGES.iter().find(|l| **l == v))
        && !langs.contains(extra)
    {
        langs.push(extra);
    }
    langs
}

/// Shown and spoken lines of `a`, in announcement order.
pub fn lines(texts: &Catalogue, a: &Announcement) -> Vec<Line> {
    let (shown_id, spoken_id) = if a.recall {
        ("announce-recall", "voice-recall")
    } else {
        ("announce-call", "voice-call")
    };
    languages(a.language.as_deref())
        .into_iter()
        .map(|lang| {
            let booth = localized(&a.booth_label, lang);
            let shown = texts.text_with(
                lang,
                shown_id,
                &[("number", Arg::Str(&a.number)), ("booth", Arg::Str(&booth))],
            );
            let spoken = texts.spoken(
                lang,
                spoken_id,
                &[
                    ("number", Arg::Str(&voice::spoken_number(lang, &a.number))),
                    ("booth", Arg::Str(localized_marked(&a.booth_label, lang))),
                ],
            );
            Line {
                lang: lang.to_string(),
                shown,
                spoken,
            }
        })
        .collect()
}

/// The utterance for the audio thread: the chime, then each line.
pub fn utterance(lines: &[Line]) -> voice::Utterance {
    voice::Utterance {
        chime: true,
        lines: lines
            .iter()
            .map(|l| voice::player::Line {
                lang: l.lang.clone(),
                text: l.spoken.clone(),
            })
            .collect(),
        interrupt: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::Localized;

    fn booth() -> Localized {
        [
            ("ja", "3番窓口"),
            ("en", "Counter 3"),
            ("ko", "3번 창구"),
            ("ja-x-easy", "3｜番《ばん》 ｜窓口《まどぐち》"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn call(language: Option<&str>, recall: bool) -> Announcement {
        Announcement {
            number: "A012".into(),
            booth_label: booth(),
            recall,
            language: language.map(str::to_string),
        }
    }

    #[test]
    fn japanese_and_english_always_then_the_visitors_language() {
        let t = Catalogue::new();
        let langs = |v| {
            lines(&t, &call(v, false))
                .into_iter()
                .map(|l| l.lang)
                .collect::<Vec<_>>()
        };
        assert_eq!(langs(None), ["ja", "en"]);
        assert_eq!(langs(Some("en")), ["ja", "en"]);
        assert_eq!(langs(Some("ko")), ["ja", "en", "ko"]);
        assert_eq!(langs(Some("ja-x-easy")), ["ja", "en", "ja-x-easy"]);
        assert_eq!(
            langs(Some("xx")),
            ["ja", "en"],
            "unknown languages are not spoken"
        );
    }

    #[test]
    fn the_voice_reads_the_number_as_a_clerk_would_and_the_board_shows_it_as_printed() {
        let t = Catalogue::new();
        let l = lines(&t, &call(Some("ko"), false));
        assert_eq!(l[0].shown, "A012番の方、3番窓口へお越しください。");
        assert_eq!(l[0].spoken, "エー、12番のかた、3番窓口へお越しください。");
        assert_eq!(l[1].spoken, "Number A 12, please go to Counter 3.");
        assert!(
            l[2].shown.contains("A012") && l[2].shown.contains("3번 창구"),
            "{}",
            l[2].shown
        );
        assert!(l[2].spoken.contains("A 12"), "{}", l[2].spoken);
    }

    #[test]
    fn easy_japanese_shows_plain_text_and_speaks_the_furigana() {
        let t = Catalogue::new();
        let l = lines(&t, &call(Some("ja-x-easy"), true));
        let easy = &l[2];
        assert!(easy.shown.contains("3番 窓口"), "{}", easy.shown);
        assert!(!easy.shown.contains('《'), "{}", easy.shown);
        assert!(easy.spoken.contains("3ばん まどぐち"), "{}", easy.spoken);
        assert!(easy.spoken.contains("エー、12"), "{}", easy.spoken);
    }
}

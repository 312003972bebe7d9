//! Every announcement line of the catalogue, synthesised with the default
//! voices as the board speaks it: not silence, at most 6 s, and for
//! Japanese the reading checked in Open JTalk's own trace (`-ot`), so a
//! voice that reads kanji as noise fails here (espeak-ng said "Chinese
//! letter" for every kanji of the Japanese line for weeks).

use std::process::Command;

use madoguchi_board::announce;
use madoguchi_board::model::Announcement;
use messages::{Catalogue, LANGUAGES};
use protocol::Localized;
use voice::Voices;

fn voices() -> Voices {
    Voices::defaults(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/voices"))
}

/// A counter label as the demo office writes it.
fn booth() -> Localized {
    [
        ("ja", "3番窓口"),
        ("en", "Counter 3"),
        ("zh", "3号窗口"),
        ("ko", "3번 창구"),
        ("vi", "Quầy số 3"),
        ("pt", "Guichê 3"),
        ("ja-x-easy", "3｜番《ばん》 ｜窓口《まどぐち》"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn all_lines() -> Vec<announce::Line> {
    let texts = Catalogue::new();
    let mut lines = Vec::new();
    for recall in [false, true] {
        for lang in LANGUAGES {
            let call = Announcement {
                number: "A012".into(),
                booth_label: booth(),
                recall,
                language: Some(lang.to_string()),
            };
            let said = announce::lines(&texts, &call);
            lines.extend(said.into_iter().filter(|l| l.lang == *lang));
        }
    }
    lines
}

#[test]
fn every_announcement_line_is_spoken_audibly_within_six_seconds() {
    let voices = voices();
    let lines = all_lines();
    assert_eq!(lines.len(), 2 * LANGUAGES.len());
    let mut spoken = 0;
    for line in &lines {
        if voices.voice(&line.lang).is_none() {
            // Chinese: no default voice reads hanzi (see voice::voices).
            assert_eq!(line.lang, "zh", "only Chinese is shown without a voice");
            continue;
        }
        let pcm = voices
            .synthesize(&line.lang, &line.spoken)
            .unwrap_or_else(|e| panic!("{}: {e}", line.lang));
        assert!(
            pcm.seconds() > 1.0 && pcm.seconds() <= 6.0,
            "{} takes {:.2} s: {}",
            line.lang,
            pcm.seconds(),
            line.spoken
        );
        assert!(pcm.rms() > 0.01, "{} is silence: {}", line.lang, pcm.rms());
        spoken += 1;
    }
    assert_eq!(spoken, 2 * (LANGUAGES.len() - 1));
}

/// Open JTalk's reading of `text`, word by word (the trace's 10th field).
fn open_jtalk_reading(text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in.txt");
    let trace = dir.path().join("trace.txt");
    std::fs::write(&input, text).expect("write");
    let status = Command::new("open_jtalk")
        .args(["-x", "/var/lib/mecab/dic/open-jtalk/naist-jdic", "-m"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/voices/mei_normal.htsvoice"
        ))
        .arg("-ow")
        .arg(dir.path().join("out.wav"))
        .arg("-ot")
        .arg(&trace)
        .arg(&input)
        .status()
        .expect("open_jtalk runs (Debian open-jtalk)");
    assert!(status.success());
    let trace = std::fs::read_to_string(&trace).expect("trace");
    trace
        .lines()
        .skip_while(|l| !l.starts_with("[Text analysis result]"))
        .skip(1)
        .take_while(|l| !l.starts_with("[Output label]"))
        // The pronunciation field, without its accent marks.
        .filter_map(|l| l.split(',').nth(9).map(|p| p.replace('’', "")))
        .collect()
}

#[test]
fn japanese_calls_are_read_as_a_clerk_reads_them() {
    let lines = all_lines();
    let ja = |lang: &str, recall: bool| {
        let l = lines
            .iter()
            .filter(|l| l.lang == lang)
            .nth(usize::from(recall))
            .expect("line");
        open_jtalk_reading(&l.spoken).concat()
    };
    // 「エー、じゅうにばんのかた、さんばんまどぐちへおこしください」
    assert_eq!(
        ja("ja", false),
        "エー、ジューニバンノカタ、サンバンマドグチエオコシクダサイ、"
    );
    let recall = ja("ja", true);
    assert!(
        recall.starts_with("モーイチド、エー、ジューニバンノカタ"),
        "{recall}"
    );
    let easy = ja("ja-x-easy", false);
    assert!(
        easy.contains("ジューニバンノ") && easy.contains("マドグチ"),
        "{easy}"
    );
    assert!(easy.contains("キテクダサイ"), "{easy}");
}

//! Furigana in plain text, written as Aozora Bunko writes it:
//! `｜番号《ばんごう》` — a full-width bar before the base, the reading in
//! 《》. The やさしい日本語 catalogue and configured names use it; web pages
//! render it as `<ruby>`, screens without ruby show the base, and voices
//! read the reading (a synthesiser never guesses a kanji's reading wrong).

/// A run of text, with or without a reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    Plain(&'a str),
    Ruby { base: &'a str, reading: &'a str },
}

/// `s` cut into plain runs and ruby pairs. A bar without a closed reading
/// is kept as text.
pub fn segments(s: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(bar) = rest.find('｜') {
        let after = &rest[bar + '｜'.len_utf8()..];
        let parsed = after.split_once('《').and_then(|(base, tail)| {
            let (reading, tail) = tail.split_once('》')?;
            (!base.is_empty() && !base.contains('｜')).then_some((base, reading, tail))
        });
        match parsed {
            Some((base, reading, tail)) => {
                if bar > 0 {
                    out.push(Segment::Plain(&rest[..bar]));
                }
                out.push(Segment::Ruby { base, reading });
                rest = tail;
            }
            None => {
                out.push(Segment::Plain(&rest[..bar + '｜'.len_utf8()]));
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        out.push(Segment::Plain(rest));
    }
    out
}

/// The text as shown without ruby: bases only.
pub fn plain(s: &str) -> String {
    if !s.contains('｜') {
        return s.to_string();
    }
    segments(s)
        .into_iter()
        .map(|seg| match seg {
            Segment::Plain(t) => t,
            Segment::Ruby { base, .. } => base,
        })
        .collect()
}

/// The text as read aloud: readings in place of their bases.
pub fn reading(s: &str) -> String {
    segments(s)
        .into_iter()
        .map(|seg| match seg {
            Segment::Plain(t) => t,
            Segment::Ruby { reading, .. } => reading,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases_readings_and_plain_runs_come_apart() {
        let s = "｜番号《ばんごう》を ｜呼《よ》びます";
        assert_eq!(
            segments(s),
            vec![
                Segment::Ruby {
                    base: "番号",
                    reading: "ばんごう"
                },
                Segment::Plain("を "),
                Segment::Ruby {
                    base: "呼",
                    reading: "よ"
                },
                Segment::Plain("びます"),
            ]
        );
        assert_eq!(plain(s), "番号を 呼びます");
        assert_eq!(reading(s), "ばんごうを よびます");
    }

    #[test]
    fn text_without_ruby_or_with_a_broken_mark_is_kept() {
        assert_eq!(plain("3番窓口"), "3番窓口");
        assert_eq!(plain("a｜b"), "a｜b");
        assert_eq!(plain("｜《x》"), "｜《x》");
        assert_eq!(plain("｜窓口《まどぐち"), "｜窓口《まどぐち");
        assert_eq!(reading("x｜窓口《まどぐち》y"), "xまどぐちy");
    }
}

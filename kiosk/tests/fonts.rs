//! Every kiosk text of every language, and the ticket numbers, have a
//! glyph in the face the kiosk draws that language with (a Chinese face
//! without Latin digits drew every ticket number as boxes).

use madoguchi_kiosk::screen::font_files;
use madoguchi_testkit::glyphs::FontFile;
use messages::{Catalogue, LANGUAGES};

#[test]
fn each_language_s_kiosk_texts_can_be_drawn_with_its_font() {
    let texts = Catalogue::new();
    let ids: Vec<String> = include_str!("../../messages/locales/ja.ftl")
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(id, _)| id.to_string()))
        .filter(|id| id.starts_with("kiosk-") || id.starts_with("language-"))
        .collect();
    assert!(ids.len() > 40, "{}", ids.len());
    let office = madoguchi_testkit::Office::demo();
    for lang in LANGUAGES {
        for file in [font_files(lang).0, font_files(lang).1] {
            let font = FontFile::open(file);
            let mut shown: Vec<String> = ids.iter().map(|id| texts.text(lang, id)).collect();
            shown.push("A012 B105 O001 0123456789 ~–".into());
            for s in &office.services {
                shown.push(protocol::localized(&s.name, lang));
                shown.push(protocol::localized(&s.location, lang));
            }
            for line in &shown {
                let missing = font.missing(line);
                assert!(
                    missing.is_empty(),
                    "{lang}: {file} lacks {missing:?} of {line:?}"
                );
            }
        }
    }
}

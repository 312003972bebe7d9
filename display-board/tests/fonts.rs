//! Every character of every guidance line has a glyph in the font the board
//! draws it with. The Chinese font is cut down to that line's characters
//! (`scripts/subset-fonts`); a changed text without a new subset would show
//! empty boxes on the wall, so it fails here instead.

use madoguchi_board::announce;
use madoguchi_board::app::{announcement_font_file, guidance_font_file};
use madoguchi_board::model::Announcement;
use madoguchi_testkit::glyphs::FontFile;
use messages::{Catalogue, LANGUAGES};

#[test]
fn each_guidance_line_can_be_drawn_with_its_font() {
    let texts = Catalogue::new();
    for lang in LANGUAGES {
        let path = guidance_font_file(lang);
        let missing = FontFile::open(path).missing(&texts.text(lang, "board-guidance"));
        assert!(
            missing.is_empty(),
            "{lang}: {path} has no glyph for {missing:?} (run scripts/subset-fonts)"
        );
    }
}

#[test]
fn the_check_notices_a_character_the_subset_lacks() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/fonts/DroidSansFallback-guidance.ttf"
    );
    let data = std::fs::read(path).expect("subset font");
    let face = ttf_parser::Face::parse(&data, 0).expect("parses");
    assert!(face.glyph_index('号').is_some(), "a character of the line");
    assert!(face.glyph_index('龍').is_none(), "a character outside it");
}

/// A call's line in each visitor language, with the demo office's counter
/// labels, can be drawn with the font the board shows it in.
#[test]
fn each_language_s_call_line_can_be_drawn_with_its_font() {
    let texts = Catalogue::new();
    let office = madoguchi_testkit::Office::demo();
    for lang in LANGUAGES {
        let path = announcement_font_file(lang);
        let font = FontFile::open(path);
        for booth in &office.booths {
            for recall in [false, true] {
                let call = Announcement {
                    number: "O012".into(),
                    booth_label: booth.label.clone(),
                    recall,
                    language: Some(lang.to_string()),
                };
                let lines = announce::lines(&texts, &call);
                let line = &lines.iter().find(|l| l.lang == *lang).expect("line").shown;
                let missing = font.missing(line);
                assert!(
                    missing.is_empty(),
                    "{lang}: {path} has no glyph for {missing:?} in {line}"
                );
            }
        }
    }
}

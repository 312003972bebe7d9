//! Ticket numbers for the ear. Shown as `A012`, a number is read as a
//! clerk reads it: the letter by its name, then the number without its
//! leading zeros (「エー、12」 → エー、ジューニ; "A 12" → "A twelve"), the
//! same way in every line, so "A zero one two" never happens.

/// Katakana names of the Latin letters, as Japanese counters say them.
const LETTERS_JA: [&str; 26] = [
    "エー",
    "ビー",
    "シー",
    "ディー",
    "イー",
    "エフ",
    "ジー",
    "エイチ",
    "アイ",
    "ジェー",
    "ケー",
    "エル",
    "エム",
    "エヌ",
    "オー",
    "ピー",
    "キュー",
    "アール",
    "エス",
    "ティー",
    "ユー",
    "ブイ",
    "ダブリュー",
    "エックス",
    "ワイ",
    "ゼット",
];

/// `number` (prefix letters + digits, e.g. `A012`) spelled for speech in
/// `lang`. Anything not of that shape is returned as it is.
pub fn spoken_number(lang: &str, number: &str) -> String {
    let split = number
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(number.len());
    let (letters, digits) = number.split_at(split);
    if digits.is_empty()
        || !digits.chars().all(|c| c.is_ascii_digit())
        || !letters.chars().all(|c| c.is_ascii_alphabetic())
    {
        return number.to_string();
    }
    let value = digits.trim_start_matches('0');
    let value = if value.is_empty() { "0" } else { value };
    if letters.is_empty() {
        return value.to_string();
    }
    if is_japanese(lang) {
        let names: String = letters
            .chars()
            .map(|c| LETTERS_JA[(c.to_ascii_uppercase() as u8 - b'A') as usize])
            .collect();
        format!("{names}、{value}")
    } else {
        format!("{} {value}", letters.to_ascii_uppercase())
    }
}

pub use messages::language::is_japanese;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_reads_the_letter_by_name_and_the_number_as_a_number() {
        assert_eq!(spoken_number("ja", "A012"), "エー、12");
        assert_eq!(spoken_number("ja", "O001"), "オー、1");
        assert_eq!(spoken_number("ja", "B105"), "ビー、105");
        assert_eq!(spoken_number("ja-x-easy", "W020"), "ダブリュー、20");
        assert_eq!(spoken_number("ja", "a010"), "エー、10");
    }

    #[test]
    fn other_languages_read_letter_then_number_the_same_way_every_time() {
        assert_eq!(spoken_number("en", "A012"), "A 12");
        assert_eq!(spoken_number("pt", "A000"), "A 0");
        assert_eq!(spoken_number("ko", "C100"), "C 100");
    }

    #[test]
    fn what_is_not_a_ticket_number_is_left_alone() {
        assert_eq!(spoken_number("ja", "窓口"), "窓口");
        assert_eq!(spoken_number("en", "A1B"), "A1B");
        assert_eq!(spoken_number("en", "ABC"), "ABC");
        assert_eq!(spoken_number("en", ""), "");
        assert_eq!(spoken_number("ja", "007"), "7");
    }
}

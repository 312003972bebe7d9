//! The reservation's calendar file (`.ics`), pure, by RFC 5545: CRLF line
//! ends, TEXT values escaped (§3.3.11), and content lines folded at 75
//! octets on character boundaries (§3.1) — Japanese titles pass that
//! limit. Written here rather than with a crate: `icalendar` 0.17.17
//! leaves a 76-octet last continuation line (its leading space is not
//! counted), which the test below caught.

use chrono::{DateTime, Utc};

use crate::config::Office;
use crate::storage::ReservationRow;

/// Longest content line in octets, without its CRLF (RFC 5545 §3.1).
const LINE_OCTETS: usize = 75;

/// One event for the booked visit, titled and placed in Japanese (the
/// office's language), linking to the reservation's page.
pub fn reservation_ics(
    office: &Office,
    r: &ReservationRow,
    manage_url: &str,
    now: DateTime<Utc>,
) -> String {
    let service = office.service(&r.service);
    let title = service
        .map(|s| protocol::localized(&s.name, "ja"))
        .unwrap_or_default();
    let place = service
        .map(|s| protocol::localized(&s.location, "ja"))
        .unwrap_or_default();
    let office_name = protocol::localized(&office.name, "ja");
    let utc = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//Madoguchi//JA".into(),
        "BEGIN:VEVENT".into(),
        format!("UID:reservation-{}@madoguchi", r.id),
        format!("DTSTAMP:{}", utc(now)),
        format!("DTSTART:{}", utc(r.start)),
        format!("DTEND:{}", utc(r.end)),
        format!("SUMMARY:{}", text(&format!("{title}（{office_name}）"))),
        format!("LOCATION:{}", text(&place)),
        format!("URL:{manage_url}"),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
    ]
    .iter()
    .map(|line| fold(line) + "\r\n")
    .collect()
}

/// A TEXT value: backslash, semicolon, comma and line breaks escaped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | ';' | ',' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Splits a content line into lines of at most 75 octets, the leading
/// space of each continuation counted, never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 24);
    let mut room = LINE_OCTETS;
    for c in line.chars() {
        if c.len_utf8() > room {
            out.push_str("\r\n ");
            room = LINE_OCTETS - 1;
        }
        out.push(c);
        room -= c.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_on_character_boundaries() {
        let short = "SUMMARY:おくやみ";
        assert_eq!(fold(short), short);
        let ascii = "X".repeat(75);
        assert_eq!(fold(&ascii), ascii);
        let line = format!("SUMMARY:{}", "あ".repeat(40)); // 8 + 120 octets
        let folded = fold(&line);
        let parts: Vec<&str> = folded.split("\r\n").collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].len(), 8 + 66, "22 characters, 75th octet unsplit");
        assert!(parts[1].starts_with(' ') && parts[1].len() == 1 + 54);
        // Unfolding (drop CRLF + one space) gives the line back.
        assert_eq!(folded.replace("\r\n ", ""), line);
        for n in 0..200 {
            let line = format!("LOCATION:{}", "é".repeat(n));
            let folded = fold(&line);
            assert!(folded.split("\r\n").all(|l| l.len() <= 75), "{n}");
            assert_eq!(folded.replace("\r\n ", ""), line);
        }
    }

    #[test]
    fn text_values_escape_what_rfc_5545_reserves() {
        assert_eq!(text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        assert_eq!(text("みどり市役所（デモ）"), "みどり市役所（デモ）");
    }
}

//! The mails' text, from the message catalogue. Pure: given the facts and
//! the time, each function returns the exact bytes that will be sent.

use chrono::{DateTime, FixedOffset, Utc};
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use messages::{Arg, Catalogue};
use protocol::localized;

use super::MailError;
use crate::config::{Office, ServiceConfig};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    Booking,
    Ahead,
    Called,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Booking => "booking",
            MailKind::Ahead => "ahead",
            MailKind::Called => "called",
        }
    }
}

/// A mail ready for the outbox.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub kind: MailKind,
    pub recipient: String,
    pub message: Vec<u8>,
}

/// The booking confirmation's facts.
pub struct Booking<'a> {
    /// The reservation number (see `views::reservation_number`).
    pub number: &'a str,
    pub service: &'a ServiceConfig,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    pub manage_url: &'a str,
    /// The reservation's QR code (PNG) to show at the kiosk.
    pub qr_png: Vec<u8>,
    /// The language it was booked in; the mail is in it, then in
    /// Japanese and English.
    pub lang: &'a str,
}

/// The visitor's language first, then Japanese and English, each once.
fn booking_languages(lang: &str) -> Vec<&str> {
    let mut langs = vec![lang];
    for l in ["ja", "en"] {
        if !langs.contains(&l) {
            langs.push(l);
        }
    }
    langs
}

/// A turn notification's facts.
pub struct Turn<'a> {
    pub lang: &'a str,
    pub number: &'a str,
    pub status_url: &'a str,
}

fn mailbox(addr: &str) -> Result<Mailbox, MailError> {
    addr.parse::<Mailbox>()
        .map_err(|e| MailError::Address(addr.to_string(), e.to_string()))
}

fn build(
    office: &Office,
    to: &str,
    subject: String,
    now: DateTime<Utc>,
    body: MultiPart,
) -> Result<Message, MailError> {
    Message::builder()
        .from(mailbox(&office.mail.from)?)
        .to(Mailbox::new(
            None,
            to.parse::<lettre::Address>()
                .map_err(|e| MailError::Address(to.to_string(), e.to_string()))?,
        ))
        .subject(subject)
        .date(now.into())
        .message_id(None)
        .multipart(body)
        .map_err(|e| MailError::Build(e.to_string()))
}

/// Booking confirmation: Japanese, then English (the visitor's language is
/// not known for a booking made by API or by staff), with the QR attached.
pub fn booking(
    c: &Catalogue,
    office: &Office,
    to: &str,
    b: &Booking<'_>,
    now: DateTime<Utc>,
) -> Result<Outgoing, MailError> {
    let section = |lang: &str| {
        let t = |id: &str| c.text(lang, id);
        format!(
            "{intro}\n\n{l_number}: {number}\n{l_service}: {service}\n{l_when}: {date} {from}–{to}\n{l_office}: {office_name}\n{l_address}: {address}\n{l_where}: {place}\n\n{qr}\n\n{manage}:\n{url}\n",
            l_office = t("mail-field-office"),
            office_name = localized(&office.name, lang),
            l_address = t("office-address"),
            address = localized(&office.address, lang),
            intro = t("mail-booking-intro"),
            l_number = t("mail-field-number"),
            number = b.number,
            l_service = t("mail-field-service"),
            service = localized(&b.service.name, lang),
            l_when = t("mail-field-when"),
            date = b.start.format("%Y-%m-%d"),
            from = b.start.format("%H:%M"),
            to = b.end.format("%H:%M"),
            l_where = t("mail-field-where"),
            place = localized(&b.service.location, lang),
            qr = t("mail-booking-qr"),
            manage = t("mail-booking-manage"),
            url = b.manage_url,
        )
    };
    let langs = booking_languages(b.lang);
    // The subject in the first two languages: a third would be cut off.
    let subject = langs[..2]
        .iter()
        .map(|lang| {
            c.text_with(
                lang,
                "mail-booking-subject",
                &[("office", Arg::Str(&localized(&office.name, lang)))],
            )
        })
        .collect::<Vec<_>>()
        .join(" / ");
    let sections: Vec<String> = langs.iter().map(|l| section(l)).collect();
    let footers: Vec<String> = langs.iter().map(|l| c.text(l, "mail-footer")).collect();
    let text = format!(
        "{}\n--\n{}\n",
        sections.join("\n--\n\n"),
        footers.join("\n")
    );
    let png = ContentType::parse("image/png").map_err(|e| MailError::Build(e.to_string()))?;
    let body = MultiPart::mixed()
        .singlepart(SinglePart::plain(text))
        .singlepart(Attachment::new("reservation-qr.png".into()).body(b.qr_png.clone(), png));
    let message = build(office, to, subject, now, body)?;
    Ok(Outgoing {
        kind: MailKind::Booking,
        recipient: to.to_string(),
        message: message.formatted(),
    })
}

/// "Your turn is near": `people_ahead` at most the visitor's threshold.
pub fn ahead(
    c: &Catalogue,
    office: &Office,
    to: &str,
    turn: &Turn<'_>,
    people_ahead: u32,
    now: DateTime<Utc>,
) -> Result<Outgoing, MailError> {
    let lang = turn.lang;
    let subject = c.text_with(
        lang,
        "mail-ahead-subject",
        &[
            ("office", Arg::Str(&localized(&office.name, lang))),
            ("number", Arg::Str(turn.number)),
        ],
    );
    let line = if people_ahead == 0 {
        c.text_with(lang, "mail-next-body", &[("number", Arg::Str(turn.number))])
    } else {
        c.text_with(
            lang,
            "mail-ahead-body",
            &[
                ("number", Arg::Str(turn.number)),
                ("count", Arg::Num(i64::from(people_ahead))),
            ],
        )
    };
    turn_mail(c, office, to, turn, MailKind::Ahead, subject, line, now)
}

/// "We are calling you": where to go.
pub fn called(
    c: &Catalogue,
    office: &Office,
    to: &str,
    turn: &Turn<'_>,
    booth: &str,
    place: &str,
    now: DateTime<Utc>,
) -> Result<Outgoing, MailError> {
    let lang = turn.lang;
    let subject = c.text_with(
        lang,
        "mail-called-subject",
        &[
            ("office", Arg::Str(&localized(&office.name, lang))),
            ("number", Arg::Str(turn.number)),
        ],
    );
    let line = c.text_with(
        lang,
        "mail-called-body",
        &[
            ("number", Arg::Str(turn.number)),
            ("booth", Arg::Str(booth)),
            ("place", Arg::Str(place)),
        ],
    );
    turn_mail(c, office, to, turn, MailKind::Called, subject, line, now)
}

#[allow(clippy::too_many_arguments)]
fn turn_mail(
    c: &Catalogue,
    office: &Office,
    to: &str,
    turn: &Turn<'_>,
    kind: MailKind,
    subject: String,
    line: String,
    now: DateTime<Utc>,
) -> Result<Outgoing, MailError> {
    let text = format!(
        "{line}\n\n{}:\n{}\n\n--\n{}\n",
        c.text(turn.lang, "mail-status-link"),
        turn.status_url,
        c.text(turn.lang, "mail-footer")
    );
    let body = MultiPart::mixed().singlepart(SinglePart::plain(text));
    let message = build(office, to, subject, now, body)?;
    Ok(Outgoing {
        kind,
        recipient: to.to_string(),
        message: message.formatted(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    use messages::catalogue;

    fn text_of(raw: &[u8]) -> String {
        let parsed = mailparse::parse_mail(raw).expect("a parsable mail");
        let mut out = String::new();
        if parsed.subparts.is_empty() {
            out.push_str(&parsed.get_body().unwrap_or_default());
        }
        for p in &parsed.subparts {
            if p.ctype.mimetype == "text/plain" {
                out.push_str(&p.get_body().unwrap_or_default());
            }
        }
        out
    }

    /// The demo's おくやみ booking of 2026-12-01 10:00, number `number`,
    /// booked in `lang`, confirmed to `to`.
    fn okuyami_booking_mail(to: &str, number: &str, lang: &str) -> Outgoing {
        let office = Office::demo();
        let service = office
            .services
            .iter()
            .find(|s| s.id == "okuyami")
            .expect("demo okuyami");
        let start = chrono_tz::Asia::Tokyo
            .with_ymd_and_hms(2026, 12, 1, 10, 0, 0)
            .single()
            .expect("test value")
            .fixed_offset();
        let now = Utc
            .with_ymd_and_hms(2026, 11, 25, 1, 0, 0)
            .single()
            .expect("test value");
        booking(
            catalogue(),
            &office,
            to,
            &Booking {
                number,
                service,
                start,
                end: start + chrono::Duration::minutes(60),
                manage_url: "http://127.0.0.1:8080/r/abc",
                qr_png: vec![0x89, b'P', b'N', b'G'],
                lang,
            },
            now,
        )
        .expect("composed")
    }

    #[test]
    fn a_booking_made_in_vietnamese_is_confirmed_in_vietnamese_then_japanese_and_english() {
        let mail = okuyami_booking_mail("lan@example.vn", "000043", "vi");
        let body = text_of(&mail.message);
        let c = catalogue();
        let at = |lang: &str| {
            let label = c.text(lang, "mail-field-number");
            body.find(&format!("{label}: 000043"))
                .unwrap_or_else(|| panic!("{lang} section missing: {body}"))
        };
        assert!(at("vi") < at("ja") && at("ja") < at("en"), "{body}");
        assert_eq!(body.matches("000043").count(), 3, "each language once");
        // The Vietnamese name of the corner from the demo office.
        let office = Office::demo();
        let corner = office.service("okuyami").expect("demo okuyami");
        assert!(
            body.contains(&protocol::localized(&corner.name, "vi")),
            "{body}"
        );
    }

    #[test]
    fn booking_mail_has_both_languages_the_time_and_the_qr() {
        let mail = okuyami_booking_mail("hanako@example.jp", "000042", "ja");
        assert_eq!(mail.recipient, "hanako@example.jp");
        let parsed = mailparse::parse_mail(&mail.message).expect("parsable");
        let subject = parsed
            .headers
            .iter()
            .find(|h| h.get_key() == "Subject")
            .map(|h| h.get_value())
            .unwrap_or_default();
        assert!(subject.contains("ご予約を承りました"), "{subject}");
        assert!(subject.contains("Your visit is booked"), "{subject}");
        let body = text_of(&mail.message);
        assert!(body.contains("2026-12-01 10:00–11:00"), "{body}");
        assert!(body.contains("http://127.0.0.1:8080/r/abc"), "{body}");
        assert!(body.contains("おくやみ"), "{body}");
        assert!(body.contains("予約番号: 000042"), "{body}");
        assert!(body.contains("Reservation number: 000042"), "{body}");
        let attachment = parsed
            .subparts
            .iter()
            .find(|p| p.ctype.mimetype == "image/png")
            .expect("QR attached");
        assert_eq!(
            attachment.get_body_raw().expect("test value"),
            vec![0x89, b'P', b'N', b'G']
        );
    }

    #[test]
    fn turn_mails_in_the_visitors_language() {
        let office = Office::demo();
        let now = Utc
            .with_ymd_and_hms(2026, 11, 25, 1, 0, 0)
            .single()
            .expect("test value");
        let turn = Turn {
            lang: "en",
            number: "A-012",
            status_url: "http://x/t/abc",
        };
        let m = ahead(catalogue(), &office, "a@example.jp", &turn, 1, now).expect("test value");
        let body = text_of(&m.message);
        assert!(
            body.contains("There is 1 person ahead of number A-012"),
            "{body}"
        );
        let m = ahead(catalogue(), &office, "a@example.jp", &turn, 0, now).expect("test value");
        assert!(text_of(&m.message).contains("A-012 is next"));
        let m = called(
            catalogue(),
            &office,
            "a@example.jp",
            &turn,
            "Counter 3",
            "1F",
            now,
        )
        .expect("test value");
        assert!(text_of(&m.message).contains("Please go to Counter 3 (1F)"));
        assert_eq!(m.kind, MailKind::Called);
    }

    #[test]
    fn a_bad_address_is_an_error_not_a_panic() {
        let office = Office::demo();
        let turn = Turn {
            lang: "ja",
            number: "A-1",
            status_url: "u",
        };
        assert!(matches!(
            ahead(catalogue(), &office, "not an address", &turn, 1, Utc::now()),
            Err(MailError::Address(..))
        ));
    }
}

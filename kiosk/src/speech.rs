//! 音声案内: what the kiosk says when the visitor touches the voice
//! button, for the screen on show, in the chosen language. Pure: the
//! screen's model and the catalogue in, one line of speech out (the
//! `voice` crate speaks it). The ticket screen says the number as a clerk
//! reads it, the procedures, where to wait and the wait.

use messages::{Arg, Catalogue};
use protocol::localized_marked;

use crate::model::{KioskModel, Screen};

/// Between the procedures of a ticket, as each language writes a list.
fn list_separator(lang: &str) -> &'static str {
    if messages::language::is_japanese(lang) {
        "、"
    } else {
        ", "
    }
}

/// The speech for the screen on show.
pub fn for_screen(model: &KioskModel, t: &Catalogue) -> String {
    let lang = model.lang;
    match &model.screen {
        Screen::Welcome => t.spoken(lang, "kiosk-say-welcome", &[]),
        Screen::WalkIn => t.spoken(lang, "kiosk-say-walkin", &[]),
        Screen::Busy { .. } => t.spoken(lang, "kiosk-say-checking", &[]),
        Screen::Problem(p) => {
            let reason = t.spoken(lang, p.message_id(), &[]);
            let said = t.spoken(lang, "kiosk-say-error", &[("reason", Arg::Str(&reason))]);
            format!("{said}{}", t.spoken(lang, "kiosk-ask-staff", &[]))
        }
        Screen::Ticket(ticket) => {
            let procedures: Vec<String> = ticket
                .services
                .iter()
                .map(|id| {
                    model
                        .services
                        .iter()
                        .find(|s| &s.id == id)
                        .map_or(id.clone(), |s| {
                            messages::ruby::reading(localized_marked(&s.name, lang))
                        })
                })
                .collect();
            let place = messages::ruby::reading(localized_marked(&ticket.location, lang));
            let mut said = t.spoken(
                lang,
                "kiosk-say-ticket",
                &[
                    (
                        "number",
                        Arg::Str(&voice::spoken_number(lang, &ticket.number)),
                    ),
                    (
                        "procedures",
                        Arg::Str(&procedures.join(list_separator(lang))),
                    ),
                    ("place", Arg::Str(&place)),
                ],
            );
            let wait = &ticket.estimated_wait;
            let wait_line = if wait.high == 0 {
                t.spoken(lang, "kiosk-ticket-no-wait", &[])
            } else {
                t.spoken(
                    lang,
                    "kiosk-say-wait",
                    &[
                        ("low", Arg::Num(i64::from(wait.low))),
                        ("high", Arg::Num(i64::from(wait.high))),
                    ],
                )
            };
            said.push(' ');
            said.push_str(&wait_line);
            said
        }
    }
}

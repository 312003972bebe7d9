use super::*;
use protocol::{ErrorCode, Localized, TicketState, WaitEstimate};

fn names(ja: &str) -> Localized {
    [("ja".to_string(), ja.to_string())].into_iter().collect()
}

fn service(id: &str, reservation_only: bool) -> Service {
    Service {
        id: id.into(),
        name: names(id),
        prefix: "A".into(),
        average_minutes: 10,
        reservation_only,
        department: "d".into(),
        location: names("1階"),
    }
}

fn ticket(number: &str) -> Box<IssuedTicket> {
    Box::new(IssuedTicket {
        id: 1,
        number: number.into(),
        services: vec!["shomei".into()],
        state: TicketState::Waiting,
        priority: false,
        status_token: "s".into(),
        status_url: "http://x/t/s".into(),
        people_ahead: 2,
        estimated_wait: WaitEstimate {
            minutes: 10,
            low: 5,
            high: 15,
        },
        location: names("1階"),
        issued_at: chrono::DateTime::parse_from_rfc3339("2026-12-01T10:05:00+09:00").expect("time"),
    })
}

fn kiosk() -> KioskModel {
    let mut k = KioskModel::new("k", 30.0);
    k.set_services(vec![
        service("juminido", false),
        service("shomei", false),
        service("okuyami", true),
    ]);
    k
}

fn scan(k: &mut KioskModel, text: &str, now: f64) -> Option<Request> {
    for c in text.chars() {
        k.typed(&c.to_string(), now);
    }
    k.enter(now)
}

#[test]
fn a_fast_scan_then_enter_checks_in_with_the_code() {
    let mut k = kiosk();
    let req = scan(&mut k, "http://hall/r/abcdefgh1234", 1.0).expect("a request");
    assert!(matches!(&req, Request::Checkin { code, .. } if code == "http://hall/r/abcdefgh1234"));
    assert!(matches!(
        k.screen,
        Screen::Busy {
            retrying: false,
            ..
        }
    ));
}

#[test]
fn stray_keys_are_dropped_and_do_not_spoil_the_next_scan() {
    let mut k = kiosk();
    k.typed("x", 1.0);
    k.typed("y", 1.1);
    assert_eq!(k.enter(1.2), None, "a few stray keys are no scan");
    assert_eq!(k.screen, Screen::Welcome);
    k.typed("zz", 2.0);
    // The scanner starts after a pause: the stray keys are forgotten.
    let req = scan(&mut k, "abcdefghijkl", 3.0).expect("request");
    assert!(matches!(req, Request::Checkin { code, .. } if code == "abcdefghijkl"));
    // Enter long after the last character is a stray Enter.
    let mut k = kiosk();
    k.typed("abcdefghijkl", 1.0);
    assert_eq!(k.enter(5.0), None);
    // Control characters (a scanner's prefix byte) are ignored.
    let req = scan(&mut k, "\u{2}abcdefghijkl\u{3}", 9.0).expect("request");
    assert!(matches!(req, Request::Checkin { code, .. } if code == "abcdefghijkl"));
}

#[test]
fn an_endless_scan_is_refused_without_asking_the_server() {
    let mut k = kiosk();
    let long = "a".repeat(MAX_CODE_CHARS + 10);
    assert_eq!(scan(&mut k, &long, 1.0), None);
    assert_eq!(k.screen, Screen::Problem(Problem::MalformedCode));
}

#[test]
fn a_scan_while_busy_is_ignored() {
    let mut k = kiosk();
    let first = scan(&mut k, "abcdefghijkl", 1.0).expect("request");
    assert_eq!(scan(&mut k, "mnopqrstuvwx", 1.1), None);
    assert_eq!(k.in_flight(), Some(&first));
}

#[test]
fn walk_in_keeps_one_key_per_visitor_and_orders_the_procedures() {
    let mut k = kiosk();
    k.act(Action::StartWalkIn, 1.0);
    assert_eq!(k.act(Action::Confirm, 1.5), None, "nothing chosen");
    assert_eq!(k.notice, Some("kiosk-select-one"));
    k.act(Action::ToggleService("shomei".into()), 2.0);
    k.act(Action::ToggleService("juminido".into()), 2.1);
    k.act(Action::ToggleService("okuyami".into()), 2.2);
    assert_eq!(k.notice, Some("kiosk-error-reservation_only"));
    assert_eq!(k.selected, vec!["juminido", "shomei"], "config order");
    k.act(Action::TogglePriority, 2.3);
    let Some(Request::WalkIn { id, req }) = k.act(Action::Confirm, 3.0) else {
        panic!("a walk-in request");
    };
    assert!(req.priority);
    assert_eq!(req.services, vec!["juminido", "shomei"]);
    // The server did not answer in time: retry sends the same key.
    k.reply(Reply::Retrying { id }, 4.0);
    assert_eq!(
        k.screen,
        Screen::Busy {
            request: id,
            retrying: true
        }
    );
    k.reply(Reply::GaveUp { id }, 20.0);
    assert_eq!(k.screen, Screen::Problem(Problem::Offline));
    let Some(Request::WalkIn {
        id: id2,
        req: again,
    }) = k.act(Action::Retry, 21.0)
    else {
        panic!("retry re-sends");
    };
    assert_ne!(id, id2);
    assert_eq!(again, req, "same idempotency key: never two tickets");
    // A late answer to the first attempt is ignored.
    k.reply(
        Reply::Ticket {
            id,
            ticket: ticket("A001"),
        },
        21.5,
    );
    assert!(matches!(k.screen, Screen::Busy { .. }));
    k.reply(
        Reply::Ticket {
            id: id2,
            ticket: ticket("A001"),
        },
        22.0,
    );
    assert!(matches!(&k.screen, Screen::Ticket(t) if t.number == "A001"));
    // The next visitor gets a new key.
    k.act(Action::StartWalkIn, 30.0);
    k.act(Action::ToggleService("shomei".into()), 30.1);
    let Some(Request::WalkIn { req: next, .. }) = k.act(Action::Confirm, 30.2) else {
        panic!("request");
    };
    assert_ne!(next.idempotency_key, req.idempotency_key);
}

#[test]
fn every_refusal_has_its_own_message() {
    let cases = [
        (ErrorCode::UnknownCode, Problem::UnknownCode),
        (ErrorCode::MalformedCode, Problem::MalformedCode),
        (ErrorCode::Cancelled, Problem::Cancelled),
        (ErrorCode::TooEarly, Problem::TooEarly),
        (ErrorCode::TooLate, Problem::TooLate),
        (ErrorCode::WrongDay, Problem::WrongDay),
        (ErrorCode::AlreadyUsed, Problem::AlreadyUsed),
        (ErrorCode::ReservationOnly, Problem::ReservationOnly),
        (ErrorCode::OfficeClosed, Problem::OfficeClosed),
        (ErrorCode::WrongOffice, Problem::WrongOffice),
    ];
    let texts = messages::Catalogue::new();
    let mut seen = std::collections::HashSet::new();
    for (code, problem) in cases {
        assert_eq!(Problem::from_reply(Some(409), Some(code)), problem);
        for lang in LANGUAGES {
            assert!(texts.has(lang, problem.message_id()), "{lang} {code}");
        }
        assert!(seen.insert(texts.text("ja", problem.message_id())));
    }
    assert_eq!(
        Problem::from_reply(Some(401), Some(ErrorCode::InvalidToken)),
        Problem::Unauthorized
    );
    assert_eq!(
        Problem::from_reply(Some(403), Some(ErrorCode::WrongOffice)),
        Problem::Unauthorized,
        "a kiosk token of another office is this kiosk's setup, not the visitor's booking"
    );
    assert_eq!(Problem::from_reply(Some(200), None), Problem::Other);
    for p in [Problem::Unauthorized, Problem::Offline, Problem::Other] {
        assert!(texts.has("ja", p.message_id()) && texts.has("en", p.message_id()));
    }
}

#[test]
fn a_refusal_is_shown_and_retry_starts_over() {
    let mut k = kiosk();
    let req = scan(&mut k, "abcdefghijkl", 1.0).expect("request");
    k.reply(
        Reply::Refused {
            id: req.id(),
            status: Some(409),
            code: Some(ErrorCode::TooEarly),
        },
        1.2,
    );
    assert_eq!(k.screen, Screen::Problem(Problem::TooEarly));
    assert_eq!(k.act(Action::Retry, 2.0), None, "only offline is retried");
    assert_eq!(k.screen, Screen::Welcome);
}

#[test]
fn idle_screens_return_to_welcome_but_a_request_in_flight_waits() {
    let mut k = kiosk();
    k.act(Action::StartWalkIn, 1.0);
    k.tick(20.0);
    assert_eq!(k.screen, Screen::WalkIn);
    k.tick(31.0);
    assert_eq!(k.screen, Screen::Welcome);
    let req = scan(&mut k, "abcdefghijkl", 40.0).expect("request");
    k.tick(100.0);
    assert!(
        matches!(k.screen, Screen::Busy { .. }),
        "never hide an answer"
    );
    k.reply(
        Reply::Ticket {
            id: req.id(),
            ticket: ticket("O001"),
        },
        101.0,
    );
    k.tick(120.0);
    assert!(matches!(k.screen, Screen::Ticket(_)));
    k.tick(131.0);
    assert_eq!(k.screen, Screen::Welcome);
}

#[test]
fn only_screens_that_time_out_keep_the_idle_clock_running() {
    // The kiosk sleeps without a tick while this is false (welcome: all day).
    let mut k = kiosk();
    assert!(!k.times_out(), "welcome stays");
    k.act(Action::StartWalkIn, 1.0);
    assert!(k.times_out(), "walk-in choice returns to welcome");
    k.tick(40.0);
    assert!(!k.times_out());
    let req = scan(&mut k, "abcdefghijkl", 50.0).expect("request");
    assert!(!k.times_out(), "an answer on its way is waited for");
    k.reply(
        Reply::Ticket {
            id: req.id(),
            ticket: ticket("O001"),
        },
        51.0,
    );
    assert!(k.times_out(), "the ticket screen returns to welcome");
}

#[test]
fn every_language_can_be_chosen_goes_with_the_request_and_the_next_visitor_starts_in_japanese() {
    let mut k = kiosk();
    let v = k.version;
    k.act(Action::SwitchLanguage, 1.0);
    assert_eq!(k.lang, "en");
    assert!(k.version > v);
    for _ in 1..LANGUAGES.len() {
        k.act(Action::SwitchLanguage, 1.5);
    }
    assert_eq!(k.lang, "ja", "the seven languages cycle");
    k.act(Action::ChooseLanguage("ko"), 2.0);
    k.act(Action::ToggleLargeText, 2.0);
    assert!(k.large_text);
    let req = scan(&mut k, "abcdefghijkl", 3.0).expect("request");
    assert!(
        matches!(&req, Request::Checkin { language: Some(l), .. } if l == "ko"),
        "{req:?}"
    );
    // The ticket, then nobody touches the kiosk: the next visitor gets
    // Japanese and normal print again.
    k.reply(
        Reply::Ticket {
            id: req.id(),
            ticket: ticket("O001"),
        },
        3.1,
    );
    k.tick(100.0);
    assert_eq!(k.screen, Screen::Welcome);
    assert_eq!(
        (k.lang, k.language_chosen, k.large_text),
        ("ja", false, false)
    );
    let req = scan(&mut k, "abcdefghijkl", 101.0).expect("request");
    assert!(
        matches!(&req, Request::Checkin { language: None, .. }),
        "{req:?}"
    );

    // Closing the ticket also ends the visitor's choices; going back from
    // the walk-in screen does not (same visitor).
    k.reply(
        Reply::Ticket {
            id: req.id(),
            ticket: ticket("O002"),
        },
        101.1,
    );
    k.act(Action::Home, 101.5);
    k.act(Action::ChooseLanguage("vi"), 102.0);
    k.act(Action::StartWalkIn, 102.5);
    k.act(Action::Home, 103.0);
    assert_eq!(k.lang, "vi", "back from walk-in keeps the language");
    let req = scan(&mut k, "abcdefghijkl", 104.0).expect("request");
    k.reply(
        Reply::Ticket {
            id: req.id(),
            ticket: ticket("O003"),
        },
        104.1,
    );
    k.act(Action::Home, 105.0);
    assert_eq!(
        (k.lang, k.language_chosen),
        ("ja", false),
        "closed: next visitor"
    );
}

#[test]
fn a_print_failure_is_noted_on_the_matching_ticket_only() {
    let mut k = kiosk();
    let req = scan(&mut k, "abcdefghijkl", 1.0).expect("request");
    k.reply(
        Reply::Ticket {
            id: req.id(),
            ticket: ticket("O001"),
        },
        1.1,
    );
    k.print_failed("O002");
    assert!(!k.print_failed);
    k.print_failed("O001");
    assert!(k.print_failed);
}

#[test]
fn the_voice_button_reads_the_ticket_with_its_number_as_a_clerk_says_it() {
    let mut k = kiosk();
    let texts = messages::Catalogue::new();
    assert!(crate::speech::for_screen(&k, &texts).starts_with("予約のあるかたは"));
    let req = scan(&mut k, "abcdefghijkl", 1.0).expect("request");
    k.reply(
        Reply::Ticket {
            id: req.id(),
            ticket: ticket("O001"),
        },
        1.1,
    );
    let said = crate::speech::for_screen(&k, &texts);
    assert!(
        said.starts_with("あなたの番号は、オー、1番です。"),
        "{said}"
    );
    // The wait as a sentence for the ear, not the screen's "5〜15分".
    assert!(
        said.ends_with("待ち時間の目安は、5分から15分です。"),
        "{said}"
    );
    k.act(Action::ChooseLanguage("en"), 2.0);
    let said = crate::speech::for_screen(&k, &texts);
    assert!(said.starts_with("Your number is O 1."), "{said}");
}

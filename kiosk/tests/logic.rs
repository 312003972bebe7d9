//! Kiosk logic with Bevy's headless setup (no window): simulated scanner
//! keystrokes and touches → requests to a real server spawned by the test →
//! the screen the visitor would see.

use std::time::{Duration, Instant};

use bevy::input::keyboard::{Key, KeyboardInput, NativeKeyCode};
use bevy::input::{ButtonState, InputPlugin};
use bevy::prelude::*;
use madoguchi_kiosk::app::{Kiosk, KioskAction, KioskLogicPlugin, KioskSettings};
use madoguchi_kiosk::model::{Action, Problem, Screen};
use madoguchi_kiosk::net::Patience;
use madoguchi_testkit::{Floor, Proxy};

fn kiosk_app(server: &str, token: &str, patience: Patience) -> App {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("madoguchi_kiosk=info")
        .try_init();
    let (tx, rx) = crossbeam_channel::unbounded();
    let (req_tx, req_rx) = tokio::sync::mpsc::unbounded_channel();
    let connection = protocol::Connection {
        servers: vec![server.to_string()],
        token: Some(token.to_string()),
        ..Default::default()
    };
    madoguchi_kiosk::net::spawn(connection.clone(), patience, req_rx, tx, || {});
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .add_plugins(InputPlugin)
        .add_plugins(KioskLogicPlugin {
            settings: KioskSettings {
                connection,
                ..KioskSettings::default()
            },
            inbox: rx,
            outbox: req_tx,
        });
    app
}

fn screen(app: &App) -> Screen {
    app.world().resource::<Kiosk>().0.screen.clone()
}

fn pump_until(app: &mut App, what: &str, done: impl Fn(&Screen, &App) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        app.update();
        if done(&screen(app), app) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; screen is {:?}",
            screen(app)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn key(logical_key: Key, key_code: KeyCode) -> KeyboardInput {
    KeyboardInput {
        key_code,
        text: match &logical_key {
            Key::Character(s) => Some(s.clone()),
            _ => None,
        },
        logical_key,
        state: ButtonState::Pressed,
        repeat: false,
        window: Entity::PLACEHOLDER,
    }
}

/// Types like a USB scanner: every character, then Enter, all at once.
fn scan(app: &mut App, code: &str) {
    for c in code.chars() {
        app.world_mut().write_message(key(
            Key::Character(c.to_string().into()),
            KeyCode::Unidentified(NativeKeyCode::Unidentified),
        ));
    }
    app.world_mut()
        .write_message(key(Key::Enter, KeyCode::Enter));
}

fn tap(app: &mut App, action: Action) {
    app.world_mut().write_message(KioskAction(action));
}

fn settled(app: &mut App) -> Screen {
    pump_until(app, "an answer", |s, _| !matches!(s, Screen::Busy { .. }));
    screen(app)
}

fn ready(floor: &Floor) -> App {
    let mut app = kiosk_app(&floor.base, &floor.kiosk_token, Patience::default());
    pump_until(&mut app, "the list of procedures", |_, app| {
        !app.world().resource::<Kiosk>().0.services.is_empty()
    });
    app
}

#[test]
fn a_scanned_reservation_shows_its_ticket_and_scanning_again_shows_the_same() {
    let floor = Floor::start();
    let token = floor.book("okuyami", "2026-12-01T10:30:00+09:00");
    let mut app = ready(&floor);
    scan(&mut app, &format!("{}/r/{token}", floor.base));
    let Screen::Ticket(t) = settled(&mut app) else {
        panic!("a ticket, got {:?}", screen(&app));
    };
    assert!(t.number.starts_with('O'), "{}", t.number);
    assert!(t.status_url.contains("/t/"), "QR target: {}", t.status_url);
    assert!(!t.location.is_empty(), "where to go");
    // The bare token works as well, and gives the same ticket.
    tap(&mut app, Action::Home);
    app.update();
    scan(&mut app, &token);
    let Screen::Ticket(again) = settled(&mut app) else {
        panic!("the same ticket");
    };
    assert_eq!(again.number, t.number);
    assert_eq!(floor.ticket_numbers(), vec![t.number.clone()]);
}

#[test]
fn each_refusal_shows_its_own_calm_message() {
    let floor = Floor::start();
    let mut app = ready(&floor);
    let later = floor.book("okuyami", "2026-12-01T13:30:00+09:00");
    let tomorrow = floor.book("okuyami", "2026-12-02T10:30:00+09:00");
    let gone = floor.book("okuyami", "2026-12-01T10:30:00+09:00");
    floor.cancel(&gone);
    let unknown = "A".repeat(43);
    let cases = [
        (later.as_str(), Problem::TooEarly),
        (tomorrow.as_str(), Problem::WrongDay),
        (gone.as_str(), Problem::Cancelled),
        (unknown.as_str(), Problem::UnknownCode),
        ("not-a-code-at-all", Problem::MalformedCode),
    ];
    for (code, want) in cases {
        scan(&mut app, code);
        assert_eq!(settled(&mut app), Screen::Problem(want), "{code}");
        tap(&mut app, Action::Home);
        app.update();
    }
    assert!(
        floor.ticket_numbers().is_empty(),
        "no refusal made a ticket"
    );
}

#[test]
fn a_late_visitor_and_a_closed_office_are_told_so() {
    let dir = tempfile::tempdir().expect("dir");
    let token = {
        let early = Floor::start_at("2026-12-01T08:00:00+09:00", Some(dir.path()));
        early.book("okuyami", "2026-12-01T09:00:00+09:00")
    };
    let late = Floor::start_at("2026-12-01T09:45:00+09:00", Some(dir.path()));
    let mut app = ready(&late);
    scan(&mut app, &token);
    assert_eq!(settled(&mut app), Screen::Problem(Problem::TooLate));

    let evening = Floor::start_at("2026-12-01T19:00:00+09:00", None);
    let mut app = ready(&evening);
    tap(&mut app, Action::StartWalkIn);
    tap(&mut app, Action::ToggleService("shomei".into()));
    tap(&mut app, Action::Confirm);
    assert_eq!(settled(&mut app), Screen::Problem(Problem::OfficeClosed));
}

#[test]
fn a_walk_in_ticket_for_two_procedures() {
    let floor = Floor::start();
    floor.walk_in("shomei", "earlier-visitor");
    let mut app = ready(&floor);
    tap(&mut app, Action::StartWalkIn);
    tap(&mut app, Action::ToggleService("okuyami".into()));
    app.update();
    assert_eq!(
        app.world().resource::<Kiosk>().0.notice,
        Some("kiosk-error-reservation_only"),
        "okuyami is by reservation: said at once"
    );
    tap(&mut app, Action::ToggleService("shomei".into()));
    tap(&mut app, Action::ToggleService("juminido".into()));
    tap(&mut app, Action::Confirm);
    let Screen::Ticket(t) = settled(&mut app) else {
        panic!("a ticket, got {:?}", screen(&app));
    };
    assert_eq!(t.services, vec!["juminido", "shomei"]);
    assert_eq!(floor.ticket_numbers().len(), 2);
}

#[test]
fn a_stale_list_of_procedures_gets_the_servers_reservation_only_answer() {
    let floor = Floor::start();
    let mut app = ready(&floor);
    // As if the office made okuyami reservation-only after the kiosk's
    // last refresh of the list.
    for s in &mut app.world_mut().resource_mut::<Kiosk>().0.services {
        s.reservation_only = false;
    }
    tap(&mut app, Action::StartWalkIn);
    tap(&mut app, Action::ToggleService("okuyami".into()));
    tap(&mut app, Action::Confirm);
    assert_eq!(settled(&mut app), Screen::Problem(Problem::ReservationOnly));
    assert!(floor.ticket_numbers().is_empty());
}

#[test]
fn a_revoked_kiosk_says_it_is_not_registered() {
    let floor = Floor::start();
    let mut app = kiosk_app(&floor.base, "not-a-real-device-token", Patience::default());
    pump_until(&mut app, "services", |_, app| {
        !app.world().resource::<Kiosk>().0.services.is_empty()
    });
    tap(&mut app, Action::StartWalkIn);
    tap(&mut app, Action::ToggleService("shomei".into()));
    tap(&mut app, Action::Confirm);
    assert_eq!(settled(&mut app), Screen::Problem(Problem::Unauthorized));
}

#[test]
fn with_the_server_unreachable_it_says_so_and_never_invents_a_ticket() {
    let floor = Floor::start();
    let proxy = Proxy::start(&floor);
    let patience = Patience {
        attempt: Duration::from_millis(800),
        give_up: Duration::from_secs(3),
    };
    let mut app = kiosk_app(&proxy.url, &floor.kiosk_token, patience);
    pump_until(&mut app, "services", |_, app| {
        !app.world().resource::<Kiosk>().0.services.is_empty()
    });
    proxy.cut();
    tap(&mut app, Action::StartWalkIn);
    tap(&mut app, Action::ToggleService("shomei".into()));
    tap(&mut app, Action::Confirm);
    pump_until(&mut app, "the retrying notice", |s, _| {
        matches!(s, Screen::Busy { retrying: true, .. })
    });
    assert_eq!(settled(&mut app), Screen::Problem(Problem::Offline));
    pump_until(&mut app, "the offline banner", |_, app| {
        !app.world().resource::<Kiosk>().0.connected
    });
    assert!(floor.ticket_numbers().is_empty(), "nothing was issued");
    // The server is back: "try again" issues exactly one ticket.
    proxy.restore();
    tap(&mut app, Action::Retry);
    let Screen::Ticket(t) = settled(&mut app) else {
        panic!("a ticket after the retry, got {:?}", screen(&app));
    };
    assert_eq!(floor.ticket_numbers(), vec![t.number.clone()]);
}

#[test]
fn a_lost_reply_is_retried_without_a_second_ticket() {
    let floor = Floor::start();
    let proxy = Proxy::start(&floor);
    let patience = Patience {
        attempt: Duration::from_millis(700),
        give_up: Duration::from_secs(15),
    };
    let mut app = kiosk_app(&proxy.url, &floor.kiosk_token, patience);
    pump_until(&mut app, "services", |_, app| {
        !app.world().resource::<Kiosk>().0.services.is_empty()
    });
    proxy.swallow_replies();
    tap(&mut app, Action::StartWalkIn);
    tap(&mut app, Action::ToggleService("shomei".into()));
    tap(&mut app, Action::Confirm);
    // The server gets the request and issues a ticket; the kiosk never hears.
    pump_until(&mut app, "the retrying notice", |s, _| {
        matches!(s, Screen::Busy { retrying: true, .. })
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    let issued = loop {
        app.update();
        let numbers = floor.ticket_numbers();
        if !numbers.is_empty() || Instant::now() > deadline {
            break numbers;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(issued.len(), 1, "an attempt reached the server");
    assert!(
        matches!(screen(&app), Screen::Busy { .. }),
        "no reply came back, so no ticket is shown yet"
    );
    proxy.restore();
    let Screen::Ticket(t) = settled(&mut app) else {
        panic!("the ticket, got {:?}", screen(&app));
    };
    assert_eq!(t.number, issued[0], "the retry returned the same ticket");
    assert_eq!(floor.ticket_numbers(), issued, "still one ticket");
}

#[test]
fn stray_keys_then_a_scan_check_in_once() {
    let floor = Floor::start();
    let token = floor.book("okuyami", "2026-12-01T10:30:00+09:00");
    let mut app = ready(&floor);
    // Someone leans on the keyboard: a few keys and Enter do nothing.
    scan(&mut app, "asd");
    app.update();
    assert_eq!(screen(&app), Screen::Welcome);
    app.world_mut()
        .write_message(key(Key::Escape, KeyCode::Escape));
    app.update();
    assert_eq!(screen(&app), Screen::Welcome);
    scan(&mut app, &token);
    assert!(matches!(settled(&mut app), Screen::Ticket(_)));
}

#[test]
fn the_staff_key_combination_leaves_the_kiosk() {
    let floor = Floor::start();
    let mut app = ready(&floor);
    for (k, code) in [
        (Key::Control, KeyCode::ControlLeft),
        (Key::Alt, KeyCode::AltLeft),
        (Key::Shift, KeyCode::ShiftLeft),
    ] {
        app.world_mut().write_message(key(k, code));
    }
    app.update();
    app.world_mut()
        .write_message(key(Key::Character("Q".into()), KeyCode::KeyQ));
    app.update();
    assert!(app.should_exit().is_some(), "Ctrl+Alt+Shift+Q exits");
    // A plain Q is just a typed character.
    let mut app = ready(&floor);
    app.world_mut()
        .write_message(key(Key::Character("q".into()), KeyCode::KeyQ));
    app.update();
    assert!(app.should_exit().is_none());
}

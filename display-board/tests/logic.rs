//! Board logic with Bevy's headless setup (no window) fed by a real server.

use std::time::{Duration, Instant};

use bevy::prelude::*;
use madoguchi_board::app::{Announce, Board, BoardLogicPlugin, BoardSettings};
use madoguchi_testkit::{Floor, Proxy};

#[derive(Resource, Default)]
struct Heard(Vec<(String, bool)>);

fn record(mut calls: MessageReader<Announce>, mut heard: ResMut<Heard>) {
    for Announce(a) in calls.read() {
        heard.0.push((a.number.clone(), a.recall));
    }
}

fn board_app(server: &str) -> App {
    board_app_on(&[server])
}

/// A board given several servers (`--server A --server B`).
fn board_app_on(servers: &[&str]) -> App {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("madoguchi_board=info")
        .try_init();
    let (tx, rx) = crossbeam_channel::unbounded();
    let connection = protocol::Connection {
        servers: servers.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    madoguchi_board::net::spawn(connection.clone(), tx, || {});
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .add_plugins(BoardLogicPlugin {
            settings: BoardSettings {
                connection,
                ..BoardSettings::default()
            },
            inbox: rx,
        })
        .init_resource::<Heard>()
        .add_systems(Update, record);
    app
}

fn pump_until(app: &mut App, what: &str, done: impl Fn(&World) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        app.update();
        if done(app.world()) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn heard(app: &App) -> Vec<(String, bool)> {
    app.world().resource::<Heard>().0.clone()
}

#[test]
fn calls_appear_in_order_and_a_recall_highlights_again() {
    let floor = Floor::start();
    for i in 0..3 {
        floor.walk_in("shomei", &format!("v{i}"));
    }
    let mut app = board_app(&floor.base);
    pump_until(&mut app, "first snapshot", |w| {
        w.resource::<Board>().0.snapshot.is_some()
    });
    floor.open("1");
    let (first, n1) = floor.call_next("1");
    floor.act(first, "complete");
    let (second, n2) = floor.call_next("1");
    floor.act(second, "recall");
    pump_until(&mut app, "three announcements", |w| {
        w.resource::<Heard>().0.len() >= 3
    });
    assert_eq!(
        heard(&app),
        [(n1.clone(), false), (n2.clone(), false), (n2.clone(), true)]
    );
    let board = &app.world().resource::<Board>().0;
    assert_eq!(
        board
            .calls
            .iter()
            .map(|c| c.number.as_str())
            .collect::<Vec<_>>(),
        [n2.as_str(), n1.as_str()]
    );
    assert_eq!(board.calls[0].call_count, 2);
    assert_eq!(
        board.calls[0].booth_label.get("ja").map(String::as_str),
        Some("1番窓口")
    );
    let now = app.world().resource::<Time<Real>>().elapsed_secs_f64();
    assert_eq!(
        board.flashing(now),
        Some(n2.as_str()),
        "the recall flashes again"
    );
    // More updates announce nothing twice.
    for _ in 0..20 {
        app.update();
    }
    assert_eq!(heard(&app).len(), 3);
}

#[test]
fn after_a_cut_every_call_made_meanwhile_is_shown_once() {
    let floor = Floor::start();
    for i in 0..4 {
        floor.walk_in("shomei", &format!("v{i}"));
    }
    let proxy = Proxy::start(&floor);
    let mut app = board_app(&proxy.url);
    pump_until(&mut app, "connected", |w| w.resource::<Board>().0.connected);
    floor.open("3");
    let (t1, n1) = floor.call_next("3");
    pump_until(&mut app, "first call", |w| {
        w.resource::<Heard>().0.len() == 1
    });

    proxy.cut();
    pump_until(&mut app, "the board notices", |w| {
        !w.resource::<Board>().0.connected
    });
    floor.act(t1, "complete");
    let (t2, n2) = floor.call_next("3");
    floor.act(t2, "complete");
    let (_, n3) = floor.call_next("3");
    proxy.restore();

    pump_until(&mut app, "calls made meanwhile", |w| {
        w.resource::<Heard>().0.len() >= 3 && w.resource::<Board>().0.connected
    });
    for _ in 0..30 {
        app.update();
        std::thread::sleep(Duration::from_millis(10));
    }
    let numbers: Vec<String> = heard(&app).into_iter().map(|(n, _)| n).collect();
    assert_eq!(numbers, [n1, n2, n3.clone()], "each exactly once, in order");
    assert_eq!(app.world().resource::<Board>().0.calls[0].number, n3);
}

/// A board told about two servers, the first of which is gone (its port
/// refuses), shows the floor of the second and its calls.
#[test]
fn a_board_whose_first_server_is_gone_follows_the_next() {
    let floor = Floor::start();
    floor.walk_in("shomei", "v0");
    let gone = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a port nobody listens on");
    let gone = format!("http://{gone}");
    let mut app = board_app_on(&[&gone, &floor.base]);
    pump_until(&mut app, "connected to the second server", |w| {
        w.resource::<Board>().0.connected
    });
    floor.open("1");
    let (_, number) = floor.call_next("1");
    pump_until(&mut app, "the call", |w| w.resource::<Heard>().0.len() == 1);
    assert_eq!(heard(&app), [(number, false)]);
}

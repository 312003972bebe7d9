//! The Bevy side. `BoardLogicPlugin` (inbox → model → announcements) runs
//! under `MinimalPlugins` in tests; `BoardScreenPlugin` draws; `run` adds the
//! window, the low-power event loop and the threads.

use std::time::Duration;

use bevy::prelude::*;
use bevy::window::{WindowMode, WindowResolution};
use bevy::winit::{EventLoopProxyWrapper, WinitUserEvent};
use crossbeam_channel::{Receiver, Sender};
use messages::Catalogue;

use crate::announce;
use crate::model::{Announcement, BoardModel};
use crate::net::NetMsg;
pub use crate::screen::{BoardScreenPlugin, announcement_font_file, guidance_font_file};

/// Board options (from the command line).
#[derive(Resource, Debug, Clone)]
pub struct BoardSettings {
    /// The floor's servers (tried in turn), the office it serves (None:
    /// the city's first), its device token and the CA it trusts.
    pub connection: protocol::Connection,
    pub windowed: bool,
    pub portrait: bool,
    pub time_zone: chrono_tz::Tz,
    /// How long a new call flashes, in seconds.
    pub flash_secs: f64,
    pub history: usize,
    /// Save a screenshot here after `screenshot_after` seconds, then exit.
    pub screenshot: Option<std::path::PathBuf>,
    pub screenshot_after: f64,
    /// Voices per language, volume, and (benchmarks) the sound log.
    pub voice: voice::player::PlayerSettings,
    /// Fix the guidance line to one language (screenshots); else it rotates.
    pub guidance_language: Option<String>,
    /// Benchmarks: append "number<TAB>unix µs" when a new number has been
    /// drawn (logged at the start of the frame after the one that drew it).
    pub latency_log: Option<std::path::PathBuf>,
}

impl Default for BoardSettings {
    fn default() -> Self {
        BoardSettings {
            connection: protocol::Connection {
                servers: vec!["http://127.0.0.1:8080".into()],
                ..Default::default()
            },
            windowed: false,
            portrait: false,
            time_zone: chrono_tz::Asia::Tokyo,
            flash_secs: 8.0,
            history: 8,
            screenshot: None,
            screenshot_after: 3.0,
            voice: voice::player::PlayerSettings {
                voices: voice::Voices::defaults(voices_dir()),
                volume: 0.8,
                sound_log: None,
            },
            guidance_language: None,
            latency_log: None,
        }
    }
}

#[derive(Resource)]
pub struct Inbox(pub Receiver<NetMsg>);

#[derive(Resource)]
pub struct Board(pub BoardModel);

#[derive(Resource)]
pub struct Texts(pub Catalogue);

/// Where announcements go (the audio thread); absent in logic tests.
#[derive(Resource)]
pub struct Speaker(pub voice::Player);

/// The lines of the latest call, shown while it is the latest (the third
/// line, in the visitor's language, appears only for such a call).
#[derive(Resource, Default)]
pub struct Announcing {
    pub number: String,
    pub lines: Vec<announce::Line>,
}

/// A call to announce, in arrival order.
#[derive(Message, Debug, Clone)]
pub struct Announce(pub Announcement);

/// Set when the screen must be rebuilt from the model (and on the first
/// frame, so headings and the offline mark show before any data).
#[derive(Resource)]
pub struct Dirty(pub bool);

impl Default for Dirty {
    fn default() -> Self {
        Dirty(true)
    }
}

pub struct BoardLogicPlugin {
    pub settings: BoardSettings,
    pub inbox: Receiver<NetMsg>,
}

impl Plugin for BoardLogicPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(self.settings.clone())
            .insert_resource(Inbox(self.inbox.clone()))
            .insert_resource(Board(BoardModel::new(self.settings.history)))
            .insert_resource(Texts(Catalogue::new()))
            .init_resource::<Dirty>()
            .init_resource::<Announcing>()
            .add_message::<Announce>()
            .add_systems(Update, (drain_inbox, speak).chain());
    }
}

pub(crate) fn drain_inbox(
    inbox: Res<Inbox>,
    mut board: ResMut<Board>,
    settings: Res<BoardSettings>,
    time: Res<Time<Real>>,
    mut announce: MessageWriter<Announce>,
    mut dirty: ResMut<Dirty>,
    mut exit: MessageWriter<AppExit>,
) {
    let now = app_support::seconds_now(&time);
    for msg in inbox.0.try_iter() {
        match msg {
            NetMsg::Snapshot(s) => {
                dirty.0 |= board.0.apply_snapshot(*s);
            }
            NetMsg::Event(e) => {
                let applied = board.0.apply_event(&e, now, settings.flash_secs);
                if let Some(a) = applied.announcement {
                    announce.write(Announce(a));
                }
                dirty.0 |= applied.redraw;
            }
            NetMsg::Services(list) => {
                board.0.service_names = list.into_iter().map(|s| (s.id, s.name)).collect();
                dirty.0 = true;
            }
            NetMsg::Quit => {
                exit.write(AppExit::Success);
            }
            NetMsg::Connected(c) => {
                if board.0.connected != c {
                    board.0.connected = c;
                    dirty.0 = true;
                }
            }
        }
    }
}

/// Each call: its lines are shown and handed to the audio thread at once.
fn speak(
    mut calls: MessageReader<Announce>,
    speaker: Option<Res<Speaker>>,
    texts: Res<Texts>,
    mut announcing: ResMut<Announcing>,
    mut dirty: ResMut<Dirty>,
) {
    for Announce(a) in calls.read() {
        let lines = announce::lines(&texts.0, a);
        if let Some(s) = &speaker {
            s.0.say(announce::utterance(&lines));
        }
        *announcing = Announcing {
            number: a.number.clone(),
            lines,
        };
        dirty.0 = true;
    }
}

pub use app_support::{assets_dir, voices_dir};

// ---------------------------------------------------------------- runtime

#[derive(Resource)]
struct ExitAfter(f64);

/// Runs the board in a window until closed (or until the screenshot).
pub fn run(settings: BoardSettings) -> AppExit {
    let (tx, rx) = crossbeam_channel::unbounded();
    let mut app = App::new();
    let (w, h) = if settings.portrait {
        (1080, 1920)
    } else {
        (1920, 1080)
    };
    let mode = if settings.windowed || settings.screenshot.is_some() {
        WindowMode::Windowed
    } else {
        WindowMode::BorderlessFullscreen(bevy::window::MonitorSelection::Primary)
    };
    app.add_plugins(app_support::default_plugins(
        Window {
            title: "Madoguchi 呼出表示".into(),
            resolution: WindowResolution::new(w, h).with_scale_factor_override(1.0),
            mode,
            // One frame in flight: a board draws rarely, and every
            // extra swapchain image is 8 MB at 1080p.
            desired_maximum_frame_latency: std::num::NonZero::new(1),
            ..default()
        },
        true,
    ))
    .insert_resource(app_support::update_settings(
        settings.screenshot.is_some(),
        SAFETY_WAKE,
    ))
    .add_plugins(BoardLogicPlugin {
        settings: settings.clone(),
        inbox: rx,
    })
    .add_plugins(BoardScreenPlugin)
    .insert_resource(Speaker(voice::Player::spawn(settings.voice.clone())))
    .insert_resource(PendingNet(Some(tx)))
    .add_systems(Startup, (start_network, start_minute_ticker))
    .add_systems(Update, app_support::fill_monitor_when_unanswered);
    if let Some(path) = &settings.latency_log
        && let Ok(file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
    {
        app_support::frame_log::log_presented_frames(&mut app, file);
    }
    if let Some(path) = settings.screenshot.clone() {
        app.insert_resource(ExitAfter(settings.screenshot_after))
            .insert_resource(ScreenshotPath(path, false))
            .add_systems(Update, screenshot_then_exit);
    }
    app.run()
}

#[derive(Resource)]
struct PendingNet(Option<Sender<NetMsg>>);

#[derive(Resource)]
struct ScreenshotPath(std::path::PathBuf, bool);

fn start_network(
    mut pending: ResMut<PendingNet>,
    settings: Res<BoardSettings>,
    proxy: Res<EventLoopProxyWrapper>,
) {
    let Some(tx) = pending.0.take() else { return };
    let proxy = (**proxy).clone();
    crate::net::spawn(settings.connection.clone(), tx, move || {
        let _ = proxy.send_event(WinitUserEvent::WakeUp);
    });
}

/// The board sleeps until something wakes it: the network thread (an event
/// from the server) or the minute ticker (the clock). Bevy's own reactive
/// timer is only a safety net. Measured with it as the clock (a wait up to
/// the minute boundary, then 60 s): every minute drew two frames back to
/// back, the second prompted by a window event (with window events ignored
/// there was one), which on a software renderer doubled the idle board's
/// CPU. A wake-up event from the ticker draws one frame.
const SAFETY_WAKE: Duration = Duration::from_secs(3600);

/// Wakes the event loop just after each minute boundary, so the clock turns
/// on time and the board draws once a minute while idle.
fn start_minute_ticker(proxy: Res<EventLoopProxyWrapper>) {
    let proxy = (**proxy).clone();
    let spawned = std::thread::Builder::new()
        .name("minute-ticker".into())
        .spawn(move || {
            loop {
                let now_ms = chrono::Utc::now().timestamp_millis();
                // 20 ms past the boundary, so the minute has turned when the
                // clock is read.
                let until_next = 60_000 - now_ms.rem_euclid(60_000) + 20;
                std::thread::sleep(Duration::from_millis(until_next.unsigned_abs()));
                if proxy.send_event(WinitUserEvent::WakeUp).is_err() {
                    return; // the event loop has ended
                }
            }
        });
    if let Err(e) = spawned {
        error!("minute ticker not started ({e}): the clock turns at most hourly");
    }
}

fn screenshot_then_exit(
    mut commands: Commands,
    time: Res<Time<Real>>,
    after: Res<ExitAfter>,
    mut shot: ResMut<ScreenshotPath>,
    mut exit: MessageWriter<AppExit>,
) {
    let t = time.elapsed_secs_f64();
    if !shot.1 && t >= after.0 {
        shot.1 = true;
        commands
            .spawn(bevy::render::view::screenshot::Screenshot::primary_window())
            .observe(bevy::render::view::screenshot::save_to_disk(shot.0.clone()));
    }
    if shot.1 && t >= after.0 + 1.5 {
        exit.write(AppExit::Success);
    }
}

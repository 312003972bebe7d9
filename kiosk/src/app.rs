//! The Bevy side. `KioskLogicPlugin` (keyboard wedge, touches, replies →
//! model → requests) runs under `MinimalPlugins` in tests; `screen.rs`
//! draws; `run` adds the window, the event loop, the threads.

use std::time::Duration;

use app_support::frame_log::unix_micros;
use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::prelude::*;
use bevy::window::{WindowMode, WindowResolution};
use bevy::winit::{EventLoopProxyWrapper, UpdateMode, WinitSettings, WinitUserEvent};
use crossbeam_channel::{Receiver, Sender};
use messages::Catalogue;
use tokio::sync::mpsc::UnboundedSender;

use crate::model::{Action, KioskModel, Request, Screen};
use crate::net::{NetMsg, Patience};
use crate::printer::{Job, PrinterTarget};

/// Kiosk options (command line, environment, config file).
#[derive(Resource, Debug, Clone)]
pub struct KioskSettings {
    /// The floor's servers (tried in turn), the office it serves (None:
    /// the city's first), its device token and the CA it trusts.
    pub connection: protocol::Connection,
    pub windowed: bool,
    pub portrait: bool,
    /// Seconds without a touch before a screen returns to welcome.
    pub idle_secs: f64,
    pub printer: Option<PrinterTarget>,
    pub patience: Patience,
    /// Steps for unattended runs (screenshots, demos): see `script.rs`.
    pub script: Option<String>,
    /// Benchmarks: log Enter and the presented frame with the number.
    pub latency_log: Option<std::path::PathBuf>,
    /// Voices of the 音声案内 button (the board's engine and defaults).
    pub voices: voice::Voices,
}

impl Default for KioskSettings {
    fn default() -> Self {
        KioskSettings {
            connection: protocol::Connection {
                servers: vec!["http://127.0.0.1:8080".into()],
                ..Default::default()
            },
            windowed: false,
            portrait: false,
            idle_secs: 30.0,
            printer: None,
            patience: Patience::default(),
            script: None,
            latency_log: None,
            voices: voice::Voices::defaults(app_support::voices_dir()),
        }
    }
}

#[derive(Resource)]
pub struct Kiosk(pub KioskModel);

#[derive(Resource)]
pub struct Inbox(pub Receiver<NetMsg>);

/// Where requests go (the network thread).
#[derive(Resource)]
pub struct Outbox(pub UnboundedSender<Request>);

#[derive(Resource)]
pub struct Texts(pub Catalogue);

/// A touch on a button (or a scripted one).
#[derive(Message, Debug, Clone)]
pub struct KioskAction(pub Action);

/// The printer thread and the numbers it could not print.
#[derive(Resource)]
pub struct Printer {
    pub jobs: Sender<Job>,
    pub failed: Receiver<String>,
}

/// Benchmarks: when Enter was pressed (µs since the epoch).
#[derive(Resource)]
pub struct LatencyFile(pub std::fs::File);

pub struct KioskLogicPlugin {
    pub settings: KioskSettings,
    pub inbox: Receiver<NetMsg>,
    pub outbox: UnboundedSender<Request>,
}

impl Plugin for KioskLogicPlugin {
    fn build(&self, app: &mut App) {
        let key_prefix = format!("kiosk-{}", unix_micros());
        app.insert_resource(self.settings.clone())
            .insert_resource(Inbox(self.inbox.clone()))
            .insert_resource(Outbox(self.outbox.clone()))
            .insert_resource(Kiosk(KioskModel::new(key_prefix, self.settings.idle_secs)))
            .insert_resource(Texts(Catalogue::new()))
            .add_message::<KioskAction>()
            .add_systems(
                Update,
                (read_keyboard, read_actions, drain_inbox, idle)
                    .chain()
                    .in_set(KioskLogic),
            );
    }
}

/// The logic systems; drawing runs after them.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct KioskLogic;

fn send(outbox: &Outbox, req: Option<Request>) {
    if let Some(req) = req
        && outbox.0.send(req).is_err()
    {
        tracing::error!("network thread is gone");
    }
}

/// Staff leave the locked-down kiosk with Ctrl+Alt+Shift+Q.
fn staff_exit(keys: Option<&ButtonInput<KeyCode>>, pressed: KeyCode) -> bool {
    let Some(keys) = keys else { return false };
    pressed == KeyCode::KeyQ
        && keys.any_pressed([KeyCode::ControlLeft, KeyCode::ControlRight])
        && keys.any_pressed([KeyCode::AltLeft, KeyCode::AltRight])
        && keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight])
}

#[allow(clippy::too_many_arguments)]
fn read_keyboard(
    mut keys: MessageReader<KeyboardInput>,
    held: Option<Res<ButtonInput<KeyCode>>>,
    mut kiosk: ResMut<Kiosk>,
    outbox: Res<Outbox>,
    time: Res<Time<Real>>,
    mut latency: Option<ResMut<LatencyFile>>,
    mut exit: MessageWriter<AppExit>,
) {
    let now = app_support::seconds_now(&time);
    for k in keys.read() {
        if k.state != ButtonState::Pressed {
            continue;
        }
        if staff_exit(held.as_deref(), k.key_code) {
            tracing::info!("staff key combination: leaving the kiosk");
            exit.write(AppExit::Success);
            return;
        }
        match &k.logical_key {
            Key::Enter => {
                let req = kiosk.0.enter(now);
                if req.is_some()
                    && let Some(f) = latency.as_mut()
                {
                    use std::io::Write;
                    let _ = writeln!(f.0, "enter\t\t{}", unix_micros());
                }
                send(&outbox, req);
            }
            Key::Character(s) => kiosk.0.typed(s, now),
            // Everything else (arrows, F-keys, Escape…) does nothing here.
            _ => {}
        }
    }
}

/// The fonts the receipt draws non-Japanese lines with, read from the
/// assets the first time a visitor of that language prints.
#[derive(Default)]
pub struct ReceiptFonts(std::collections::HashMap<&'static str, Option<std::sync::Arc<Vec<u8>>>>);

impl ReceiptFonts {
    /// The font of `lang`, when `needed` (only languages the receipt
    /// draws as an image need one).
    fn get(&mut self, lang: &'static str, needed: bool) -> Option<std::sync::Arc<Vec<u8>>> {
        if !needed {
            return None;
        }
        self.0
            .entry(lang)
            .or_insert_with(|| {
                let file = format!("{}/{}", assets_dir(), crate::screen::font_files(lang).0);
                std::fs::read(&file)
                    .inspect_err(|e| tracing::warn!(error = %e, file, "receipt font"))
                    .ok()
                    .map(std::sync::Arc::new)
            })
            .clone()
    }
}

/// The 音声案内 voice; absent in logic tests.
#[derive(Resource)]
pub struct Speaker(pub voice::Player);

fn read_actions(
    mut actions: MessageReader<KioskAction>,
    mut kiosk: ResMut<Kiosk>,
    outbox: Res<Outbox>,
    time: Res<Time<Real>>,
    texts: Res<Texts>,
    speaker: Option<Res<Speaker>>,
) {
    let now = app_support::seconds_now(&time);
    for KioskAction(a) in actions.read() {
        if *a == Action::Speak
            && let Some(s) = &speaker
        {
            s.0.say(voice::Utterance {
                chime: false,
                lines: vec![voice::player::Line {
                    lang: kiosk.0.lang.to_string(),
                    text: crate::speech::for_screen(&kiosk.0, &texts.0),
                }],
                interrupt: true,
            });
        }
        let req = kiosk.0.act(a.clone(), now);
        send(&outbox, req);
    }
}

fn drain_inbox(
    inbox: Res<Inbox>,
    mut kiosk: ResMut<Kiosk>,
    time: Res<Time<Real>>,
    printer: Option<Res<Printer>>,
    texts: Res<Texts>,
    mut receipt_fonts: Local<ReceiptFonts>,
    mut exit: MessageWriter<AppExit>,
) {
    let now = app_support::seconds_now(&time);
    for msg in inbox.0.try_iter() {
        match msg {
            NetMsg::Reply(r) => {
                kiosk.0.reply(r, now);
                if let (Screen::Ticket(t), Some(p)) = (&kiosk.0.screen, &printer) {
                    let names_in = |lang: &str| -> Vec<(String, String)> {
                        kiosk
                            .0
                            .services
                            .iter()
                            .map(|s| (s.id.clone(), protocol::localized(&s.name, lang)))
                            .collect()
                    };
                    let lang = kiosk.0.lang;
                    let visitor_names = names_in(lang);
                    let font = receipt_fonts.get(lang, crate::printer::draws(lang));
                    let visitor = crate::printer::Visitor {
                        lang,
                        font: font.as_deref().map(Vec::as_slice),
                        service_names: &visitor_names,
                    };
                    let bytes =
                        crate::printer::receipt(t, &names_in("ja"), &texts.0, Some(&visitor));
                    let _ = p.jobs.send(Job {
                        number: t.number.clone(),
                        bytes,
                    });
                }
            }
            NetMsg::Connected(c) => kiosk.0.set_connected(c),
            NetMsg::Services(list) => kiosk.0.set_services(list),
            NetMsg::Quit => {
                exit.write(AppExit::Success);
            }
        }
    }
    if let Some(p) = &printer {
        for number in p.failed.try_iter() {
            kiosk.0.print_failed(&number);
        }
    }
}

fn idle(mut kiosk: ResMut<Kiosk>, time: Res<Time<Real>>) {
    kiosk.0.tick(app_support::seconds_now(&time));
}

// ---------------------------------------------------------------- runtime

pub use app_support::assets_dir;

/// Runs the kiosk in a window until the staff combination (or a signal).
pub fn run(settings: KioskSettings) -> AppExit {
    let (net_tx, net_rx) = crossbeam_channel::unbounded();
    let (req_tx, req_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut app = App::new();
    let (w, h) = if settings.portrait {
        (1080, 1920)
    } else {
        (1920, 1080)
    };
    let unattended = settings.script.is_some();
    let mode = if settings.windowed || unattended {
        WindowMode::Windowed
    } else {
        WindowMode::BorderlessFullscreen(bevy::window::MonitorSelection::Primary)
    };
    let locked = !settings.windowed;
    app.add_plugins(app_support::default_plugins(
        Window {
            title: "Madoguchi 受付".into(),
            resolution: WindowResolution::new(w, h).with_scale_factor_override(1.0),
            mode,
            decorations: !locked,
            desired_maximum_frame_latency: std::num::NonZero::new(1),
            ..default()
        },
        // Locked down: the window manager's close (Alt+F4) is ignored.
        !locked,
    ))
    // Reactive: input and network replies wake the loop; `pace_updates`
    // adds a 1 s tick only while a screen can time out.
    .insert_resource(app_support::update_settings(unattended, SAFETY_WAKE))
    .add_plugins(KioskLogicPlugin {
        settings: settings.clone(),
        inbox: net_rx,
        outbox: req_tx,
    })
    .add_plugins(crate::screen::KioskScreenPlugin)
    .insert_resource(Speaker(voice::Player::spawn(
        voice::player::PlayerSettings {
            voices: settings.voices.clone(),
            volume: 0.9,
            sound_log: None,
        },
    )))
    .insert_resource(PendingNet(Some((net_tx, req_rx))))
    .add_systems(Startup, start_threads)
    .add_systems(Update, app_support::fill_monitor_when_unanswered);
    if let Some(steps) = &settings.script {
        app.add_plugins(crate::script::ScriptPlugin::new(steps));
    } else {
        app.add_systems(Update, pace_updates.after(idle));
    }
    if let Some(path) = &settings.latency_log
        && let Ok(file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
    {
        if let Ok(render_copy) = file.try_clone() {
            app_support::frame_log::log_presented_frames(&mut app, render_copy);
        }
        app.insert_resource(LatencyFile(file));
    }
    app.run()
}

/// How long the kiosk sleeps without input or network news: only a safety
/// net, nothing on the welcome screen changes with time.
const SAFETY_WAKE: Duration = Duration::from_secs(3600);
/// The idle timer's tick while a screen can time out.
const IDLE_TICK: Duration = Duration::from_secs(1);

/// Every wake draws a frame, so a constant 1 s tick kept the kiosk drawing
/// once a second all day: 4.5 % of a core under lavapipe, measured idle on
/// the welcome screen. It ticks only while the screen can time out, and
/// the mode is written only when it changes (each change draws a frame).
fn pace_updates(kiosk: Res<Kiosk>, mut winit: ResMut<WinitSettings>) {
    let wait = if kiosk.0.times_out() {
        IDLE_TICK
    } else {
        SAFETY_WAKE
    };
    let mode = UpdateMode::reactive_low_power(wait);
    if winit.focused_mode != mode {
        winit.focused_mode = mode;
        winit.unfocused_mode = mode;
    }
}

#[derive(Resource)]
struct PendingNet(
    Option<(
        Sender<NetMsg>,
        tokio::sync::mpsc::UnboundedReceiver<Request>,
    )>,
);

fn start_threads(
    mut commands: Commands,
    mut pending: ResMut<PendingNet>,
    settings: Res<KioskSettings>,
    proxy: Res<EventLoopProxyWrapper>,
) {
    let Some((tx, rx)) = pending.0.take() else {
        return;
    };
    let proxy = (**proxy).clone();
    let wake = move || {
        let _ = proxy.send_event(WinitUserEvent::WakeUp);
    };
    if let Some(target) = settings.printer.clone() {
        let (failed_tx, failed_rx) = crossbeam_channel::unbounded();
        let jobs = crate::printer::spawn(target, failed_tx, wake.clone());
        commands.insert_resource(Printer {
            jobs,
            failed: failed_rx,
        });
    }
    crate::net::spawn(
        settings.connection.clone(),
        settings.patience.clone(),
        rx,
        tx,
        wake,
    );
}

//! The Bevy side. `BoardLogicPlugin` (inbox → model → announcements) runs
//! under `MinimalPlugins` in tests; `BoardScreenPlugin` draws; `run` adds the
//! window, the low-power event loop and the threads.

use std::time::Duration;

use bevy::prelude::*;
use bevy::window::{RequestRedraw, WindowMode, WindowResolution};
use bevy::winit::{EventLoopProxyWrapper, UpdateMode, WinitSettings, WinitUserEvent};
use chrono::Timelike;
use crossbeam_channel::{Receiver, Sender};
use messages::{Arg, Catalogue, LANGUAGES};
use protocol::{BoothState, Lamp, localized};

use crate::announce;
use crate::model::{Announcement, BoardModel};
use crate::net::NetMsg;

/// Board options (from the command line).
#[derive(Resource, Debug, Clone)]
pub struct BoardSettings {
    pub server: String,
    pub token: Option<String>,
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
            server: "http://127.0.0.1:8080".into(),
            token: None,
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

/// Seconds since start-up, read when called. Not `Time<Real>::elapsed`:
/// Bevy takes that from the end of the previous frame, so the first update
/// after a sleep sees the moment the board fell asleep, and a call after a
/// quiet spell flashed for a quarter second instead of `flash_secs`
/// (test `a_call_after_a_quiet_spell_flashes_for_the_configured_time`).
fn seconds_now(time: &Time<Real>) -> f64 {
    time.startup().elapsed().as_secs_f64()
}

fn drain_inbox(
    inbox: Res<Inbox>,
    mut board: ResMut<Board>,
    settings: Res<BoardSettings>,
    time: Res<Time<Real>>,
    mut announce: MessageWriter<Announce>,
    mut dirty: ResMut<Dirty>,
    mut exit: MessageWriter<AppExit>,
) {
    let now = seconds_now(&time);
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

/// `{asset root}/assets`: `BEVY_ASSET_ROOT`, else the source tree.
pub fn assets_dir() -> String {
    let root = std::env::var("BEVY_ASSET_ROOT")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/..").to_string());
    format!("{root}/assets")
}

/// The shipped voice files (`assets/voices`).
pub fn voices_dir() -> String {
    format!("{}/voices", assets_dir())
}

// ---------------------------------------------------------------- screen

#[derive(Component)]
struct ClockText;
#[derive(Component)]
struct OfficeText;
#[derive(Component)]
struct NowPanel;
#[derive(Component)]
struct NowNumber;
#[derive(Component)]
struct NowBooth;
/// The announcement in the visitor's own language (a third language).
#[derive(Component)]
struct NowVisitorLine;
#[derive(Component)]
struct HistoryList;
#[derive(Component)]
struct ServiceList;
#[derive(Component)]
struct BoothGrid;
#[derive(Component)]
struct GuidanceText;
#[derive(Component)]
struct ReconnectMark;

#[derive(Resource, Clone)]
struct Fonts {
    regular: Handle<Font>,
    bold: Handle<Font>,
    /// The guidance line's font per language (`guidance_font_file`).
    guidance: Vec<(&'static str, Handle<Font>)>,
}

const REGULAR_FONT: &str = "fonts/BIZUDPGothic-Regular.ttf";

/// The font file (under `assets/`) of the guidance line in `lang`. BIZ UD
/// has no Hangul and lacks some simplified Chinese and Vietnamese letters;
/// the Chinese font is cut down to the line's characters
/// (`scripts/subset-fonts`), which the board's tests check.
pub fn guidance_font_file(lang: &str) -> &'static str {
    match lang {
        "ko" => "fonts/NanumGothic.ttf",
        "zh" => "fonts/DroidSansFallback-guidance.ttf",
        "vi" => "fonts/DejaVuSans.ttf",
        _ => REGULAR_FONT,
    }
}

/// The font file of a call's line in the visitor's language: the
/// guidance face, except for Chinese, whose guidance face holds only that
/// line's characters; a Chinese call loads WenQuanYi Micro Hei (hanzi and
/// the number's Latin letters and digits, 5 MB the board needs only when
/// such a call comes).
pub fn announcement_font_file(lang: &str) -> &'static str {
    match lang {
        "zh" => "fonts/wqy-microhei.ttc",
        _ => guidance_font_file(lang),
    }
}

impl Fonts {
    fn for_language(&self, lang: &str) -> &Handle<Font> {
        self.guidance
            .iter()
            .find(|(l, _)| *l == lang)
            .map_or(&self.regular, |(_, handle)| handle)
    }
}

const BG: Color = Color::srgb(0.05, 0.09, 0.16);
const PANEL: Color = Color::srgb(0.10, 0.16, 0.27);
const RULE: Color = Color::srgb(0.30, 0.38, 0.52);
const ACCENT: Color = Color::srgb(1.0, 0.84, 0.25);
const FLASH: Color = Color::srgb(0.85, 0.25, 0.15);
const TEXT: Color = Color::srgb(0.96, 0.97, 1.0);
const MUTED: Color = Color::srgb(0.70, 0.76, 0.86);

pub struct BoardScreenPlugin;

impl Plugin for BoardScreenPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Startup, setup_screen).add_systems(
            Update,
            (rebuild_lists, update_now_calling, update_clock)
                .chain()
                .after(drain_inbox),
        );
    }
}

/// Sizes are a share of the shorter screen side, so portrait fits too.
fn font(handle: &Handle<Font>, vh: f32) -> TextFont {
    TextFont {
        font: handle.clone().into(),
        font_size: FontSize::VMin(vh),
        ..default()
    }
}

fn setup_screen(mut commands: Commands, assets: Res<AssetServer>, settings: Res<BoardSettings>) {
    let fonts = Fonts {
        regular: assets.load(REGULAR_FONT),
        bold: assets.load("fonts/BIZUDPGothic-Bold.ttf"),
        // The asset server loads each file once: languages that use the
        // regular font share its handle.
        guidance: LANGUAGES
            .iter()
            .map(|lang| (*lang, assets.load(guidance_font_file(lang))))
            .collect(),
    };
    commands.insert_resource(fonts.clone());
    // Flat UI: no multisampling (4× MSAA costs memory and software-render
    // time for nothing on text and rectangles). The page colour is the
    // camera's clear colour, not a full-screen node: every UI node runs
    // Bevy's rounded-box fragment shader over each of its pixels, and on a
    // software renderer large filled nodes were most of an idle frame's
    // cost (see BENCHMARKS.md). Areas are set apart by thin rules instead.
    commands.spawn((
        Camera2d,
        Msaa::Off,
        Camera {
            clear_color: ClearColorConfig::Custom(BG),
            ..default()
        },
    ));
    let main_direction = if settings.portrait {
        FlexDirection::Column
    } else {
        FlexDirection::Row
    };
    commands
        .spawn(Node {
            width: Val::Percent(100.0),
            height: Val::Percent(100.0),
            flex_direction: FlexDirection::Column,
            padding: UiRect::all(Val::VMin(1.5)),
            row_gap: Val::VMin(1.2),
            ..default()
        })
        .with_children(|root| {
            // Header: office name, date and clock.
            root.spawn(Node {
                width: Val::Percent(100.0),
                justify_content: JustifyContent::SpaceBetween,
                align_items: AlignItems::Center,
                ..default()
            })
            .with_children(|h| {
                h.spawn((
                    Text::new(""),
                    font(&fonts.bold, 4.0),
                    TextColor(TEXT),
                    OfficeText,
                ));
                h.spawn((
                    Text::new(""),
                    font(&fonts.bold, 4.0),
                    TextColor(TEXT),
                    ClockText,
                ));
            });
            root.spawn(rule(true));
            // Main: now calling (big) and the recent calls.
            root.spawn(Node {
                width: Val::Percent(100.0),
                flex_grow: 1.0,
                flex_direction: main_direction,
                column_gap: Val::VMin(1.5),
                row_gap: Val::VMin(1.5),
                ..default()
            })
            .with_children(|m| {
                m.spawn((
                    Node {
                        flex_grow: 3.0,
                        flex_basis: Val::Percent(60.0),
                        flex_direction: FlexDirection::Column,
                        justify_content: JustifyContent::Center,
                        align_items: AlignItems::Center,
                        padding: UiRect::all(Val::VMin(2.0)),
                        ..default()
                    },
                    // Filled only while a new call flashes.
                    BackgroundColor(Color::NONE),
                    NowPanel,
                ))
                .with_children(|p| {
                    p.spawn((
                        Text::new(""),
                        font(&fonts.regular, 3.5),
                        TextColor(MUTED),
                        NowHeading,
                    ));
                    p.spawn((
                        Text::new(""),
                        font(&fonts.bold, 22.0),
                        TextColor(ACCENT),
                        NowNumber,
                    ));
                    p.spawn((
                        Text::new(""),
                        font(&fonts.bold, 6.0),
                        TextColor(TEXT),
                        NowBooth,
                    ));
                    p.spawn((
                        Text::new(""),
                        font(&fonts.regular, 3.6),
                        TextColor(TEXT),
                        NowVisitorLine,
                    ));
                });
                m.spawn(rule(settings.portrait));
                m.spawn((
                    Node {
                        flex_grow: 2.0,
                        flex_basis: Val::Percent(40.0),
                        flex_direction: FlexDirection::Column,
                        padding: UiRect::all(Val::VMin(1.5)),
                        row_gap: Val::VMin(0.6),
                        ..default()
                    },
                    HistoryList,
                ));
            });
            root.spawn(rule(true));
            // Waits per procedure.
            root.spawn((
                Node {
                    width: Val::Percent(100.0),
                    flex_wrap: FlexWrap::Wrap,
                    column_gap: Val::VMin(1.0),
                    row_gap: Val::VMin(1.0),
                    ..default()
                },
                ServiceList,
            ));
            // Booth states.
            root.spawn((
                Node {
                    width: Val::Percent(100.0),
                    flex_wrap: FlexWrap::Wrap,
                    column_gap: Val::VMin(0.8),
                    row_gap: Val::VMin(0.8),
                    ..default()
                },
                BoothGrid,
            ));
            root.spawn((
                Text::new(""),
                font(&fonts.regular, 2.8),
                TextColor(MUTED),
                GuidanceText,
            ));
        });
    commands.spawn((
        Node {
            position_type: PositionType::Absolute,
            right: Val::VMin(1.5),
            bottom: Val::VMin(1.5),
            padding: UiRect::axes(Val::VMin(1.0), Val::VMin(0.5)),
            ..default()
        },
        BackgroundColor(Color::srgba(0.6, 0.1, 0.1, 0.85)),
        Visibility::Hidden,
        ReconnectMark,
        children![(Text::new(""), font(&fonts.regular, 2.4), TextColor(TEXT))],
    ));
}

#[derive(Component)]
struct NowHeading;

/// A thin line between areas (horizontal across the screen, or vertical).
fn rule(horizontal: bool) -> impl Bundle {
    let (width, height) = if horizontal {
        (Val::Percent(100.0), Val::VMin(0.3))
    } else {
        (Val::VMin(0.3), Val::Auto)
    };
    (
        Node {
            width,
            height,
            flex_shrink: 0.0,
            ..default()
        },
        BackgroundColor(RULE),
    )
}

fn two(texts: &Catalogue, id: &str) -> String {
    format!("{} / {}", texts.text("ja", id), texts.text("en", id))
}

fn lamp_color(lamp: Lamp) -> Color {
    match lamp {
        Lamp::Blue => Color::srgb(0.2, 0.55, 1.0),
        Lamp::Yellow => Color::srgb(1.0, 0.8, 0.1),
        Lamp::Red => Color::srgb(0.95, 0.25, 0.2),
    }
}

fn rebuild_lists(
    mut commands: Commands,
    mut dirty: ResMut<Dirty>,
    board: Res<Board>,
    texts: Res<Texts>,
    fonts: Option<Res<Fonts>>,
    history: Query<Entity, With<HistoryList>>,
    services: Query<Entity, With<ServiceList>>,
    booths: Query<Entity, With<BoothGrid>>,
    mut office: Query<&mut Text, With<OfficeText>>,
    mut heading: Query<&mut Text, (With<NowHeading>, Without<OfficeText>)>,
    mut mark: Query<(&mut Visibility, &Children), With<ReconnectMark>>,
    mut mark_text: Query<&mut Text, (Without<OfficeText>, Without<NowHeading>)>,
) {
    let Some(fonts) = fonts else { return };
    if !dirty.0 {
        return;
    }
    dirty.0 = false;
    let t = &texts.0;
    let model = &board.0;
    for mut h in &mut heading {
        **h = two(t, "board-now-calling");
    }
    if let Some(s) = &model.snapshot {
        for mut o in &mut office {
            **o = localized(&s.office, "ja").to_string();
        }
    }
    for (mut vis, children) in &mut mark {
        *vis = if model.connected {
            Visibility::Hidden
        } else {
            Visibility::Visible
        };
        for c in children.iter() {
            if let Ok(mut txt) = mark_text.get_mut(c) {
                **txt = two(t, "board-reconnecting");
            }
        }
    }
    for list in &history {
        commands.entity(list).despawn_related::<Children>();
        commands.entity(list).with_children(|l| {
            l.spawn((
                Text::new(two(t, "board-recent")),
                font(&fonts.regular, 3.0),
                TextColor(MUTED),
            ));
            for c in model.calls.iter().skip(1) {
                l.spawn(Node {
                    justify_content: JustifyContent::SpaceBetween,
                    width: Val::Percent(100.0),
                    ..default()
                })
                .with_children(|row| {
                    row.spawn((
                        Text::new(c.number.clone()),
                        font(&fonts.bold, 5.0),
                        TextColor(TEXT),
                    ));
                    row.spawn((
                        Text::new(localized(&c.booth_label, "ja").to_string()),
                        font(&fonts.regular, 4.0),
                        TextColor(TEXT),
                    ));
                });
            }
        });
    }
    let Some(snapshot) = &model.snapshot else {
        return;
    };
    for list in &services {
        commands.entity(list).despawn_related::<Children>();
        commands.entity(list).with_children(|l| {
            for w in &snapshot.services {
                let name = model
                    .service_names
                    .get(&w.service)
                    .map(|n| protocol::short_name(n).to_string())
                    .unwrap_or_else(|| w.service.clone());
                let wait = if w.waiting == 0 {
                    two(t, "board-wait-none")
                } else {
                    t.text_with(
                        "ja",
                        "board-wait",
                        &[("minutes", Arg::Num(i64::from(w.estimated_wait.minutes)))],
                    )
                };
                // The lamp is a strip of its own: a border would make Bevy
                // shade the whole card a second time.
                l.spawn(Node {
                    min_width: Val::Percent(18.0),
                    ..default()
                })
                .with_children(|lamp_and_card| {
                    lamp_and_card.spawn((
                        Node {
                            width: Val::VMin(0.8),
                            ..default()
                        },
                        BackgroundColor(lamp_color(w.lamp)),
                    ));
                    lamp_and_card
                        .spawn((
                            Node {
                                flex_direction: FlexDirection::Column,
                                flex_grow: 1.0,
                                padding: UiRect::all(Val::VMin(0.8)),
                                ..default()
                            },
                            BackgroundColor(PANEL),
                        ))
                        .with_children(|card| {
                            card.spawn((
                                Text::new(name),
                                font(&fonts.regular, 2.6),
                                TextColor(MUTED),
                            ));
                            card.spawn((
                                Text::new(t.text_with(
                                    "ja",
                                    "board-waiting",
                                    &[("count", Arg::Num(i64::from(w.waiting)))],
                                )),
                                font(&fonts.bold, 3.6),
                                TextColor(TEXT),
                            ));
                            card.spawn((
                                Text::new(wait),
                                font(&fonts.regular, 2.6),
                                TextColor(TEXT),
                            ));
                        });
                });
            }
        });
    }
    for grid in &booths {
        commands.entity(grid).despawn_related::<Children>();
        commands.entity(grid).with_children(|g| {
            for b in &snapshot.booths {
                let (bg, state_id) = match b.state {
                    BoothState::Open => (Color::srgb(0.12, 0.42, 0.25), "booth-open"),
                    BoothState::Paused => (Color::srgb(0.55, 0.45, 0.1), "booth-paused"),
                    BoothState::Closed => (Color::srgb(0.25, 0.27, 0.32), "booth-closed"),
                };
                let current = b.current_number.clone().unwrap_or_default();
                g.spawn((
                    Node {
                        flex_direction: FlexDirection::Column,
                        padding: UiRect::axes(Val::VMin(1.0), Val::VMin(0.5)),
                        ..default()
                    },
                    BackgroundColor(bg),
                ))
                .with_children(|cell| {
                    cell.spawn((
                        Text::new(localized(&b.label, "ja").to_string()),
                        font(&fonts.bold, 2.4),
                        TextColor(TEXT),
                    ));
                    cell.spawn((
                        Text::new(format!("{} {}", t.text("ja", state_id), current)),
                        font(&fonts.regular, 2.2),
                        TextColor(TEXT),
                    ));
                });
            }
        });
    }
}

/// Benchmarks: the number the UI shows, extracted to the render world,
/// which logs the moment the first frame containing it was presented.
#[derive(Resource, Clone, Default)]
struct DrawnNumber(Option<String>);

impl bevy::render::extract_resource::ExtractResource for DrawnNumber {
    type Source = DrawnNumber;

    fn extract_resource(source: &Self::Source) -> Self {
        source.clone()
    }
}

#[derive(Resource)]
struct LatencyLog {
    file: std::fs::File,
    logged: Option<String>,
    /// `MADOGUCHI_LOG_FRAMES=1`: also log every presented frame.
    every_frame: bool,
}

/// Runs after the frame was rendered and presented (render world, Cleanup).
fn log_presented_number(drawn: Option<Res<DrawnNumber>>, mut log: ResMut<LatencyLog>) {
    use std::io::Write;
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros())
        .unwrap_or(0);
    // Idle-cost diagnosis: one line per presented frame.
    if log.every_frame {
        let _ = writeln!(log.file, "frame\t{micros}");
    }
    let Some(number) = drawn.and_then(|d| d.0.clone()) else {
        return;
    };
    if log.logged.as_ref() == Some(&number) {
        return;
    }
    let _ = writeln!(log.file, "{number}\t{micros}");
    log.logged = Some(number);
}

fn update_now_calling(
    latency: Option<ResMut<DrawnNumber>>,
    board: Res<Board>,
    time: Res<Time<Real>>,
    texts: Res<Texts>,
    mut number: Query<&mut Text, With<NowNumber>>,
    mut booth: Query<&mut Text, (With<NowBooth>, Without<NowNumber>)>,
    mut visitor_line: Query<
        (&mut Text, &mut TextFont),
        (With<NowVisitorLine>, Without<NowBooth>, Without<NowNumber>),
    >,
    announcing: Res<Announcing>,
    assets: Res<AssetServer>,
    mut panel: Query<&mut BackgroundColor, With<NowPanel>>,
    mut redraw: MessageWriter<RequestRedraw>,
) {
    let now = seconds_now(&time);
    let latest = board.0.calls.first();
    let mut latency = latency;
    for mut n in &mut number {
        let want = latest
            .map(|c| c.number.clone())
            .unwrap_or_else(|| "—".into());
        if **n != want {
            if let Some(drawn) = latency.as_mut() {
                drawn.0 = Some(want.clone());
            }
            **n = want;
        }
    }
    for mut b in &mut booth {
        let want = match latest {
            Some(c) => {
                let ja = texts.0.text_with(
                    "ja",
                    "board-go-to",
                    &[("booth", Arg::Str(&localized(&c.booth_label, "ja")))],
                );
                let en = texts.0.text_with(
                    "en",
                    "board-go-to",
                    &[("booth", Arg::Str(&localized(&c.booth_label, "en")))],
                );
                format!("{ja}\n{en}")
            }
            None => texts.0.text("ja", "board-no-calls"),
        };
        if **b != want {
            **b = want;
        }
    }
    // Shown from the moment it is spoken, while that call is the latest.
    let third = announcing
        .lines
        .get(2)
        .filter(|_| latest.is_some_and(|c| c.number == announcing.number));
    for (mut t, mut f) in &mut visitor_line {
        let want = third.map(|l| l.shown.clone()).unwrap_or_default();
        if **t != want {
            **t = want;
            if let Some(line) = third {
                // Loaded when the first call in that language comes (the
                // asset server keeps one handle per file).
                f.font = assets
                    .load::<Font>(announcement_font_file(&line.lang))
                    .into();
            }
        }
    }
    let flashing = board.0.flashing(now).is_some();
    let on = flashing && (now * 2.0) as i64 % 2 == 0;
    for mut bg in &mut panel {
        let want = if on { FLASH } else { Color::NONE };
        if bg.0 != want {
            bg.0 = want;
        }
    }
    if flashing {
        // Keep frames coming while the new call flashes.
        redraw.write(RequestRedraw);
    }
}

fn update_clock(
    settings: Res<BoardSettings>,
    texts: Res<Texts>,
    fonts: Option<Res<Fonts>>,
    mut clock: Query<&mut Text, With<ClockText>>,
    mut guidance: Query<(&mut Text, &mut TextFont), (With<GuidanceText>, Without<ClockText>)>,
) {
    let now = chrono::Utc::now().with_timezone(&settings.time_zone);
    let shown = now.format("%Y年%-m月%-d日 %H:%M").to_string();
    for mut c in &mut clock {
        if **c != shown {
            **c = shown.clone();
            // Once a minute: give back what the last minute freed.
            crate::memory::return_free_memory();
        }
    }
    // The guidance line changes language with the minute (no extra wake-ups).
    let lang = settings
        .guidance_language
        .as_deref()
        .filter(|l| LANGUAGES.contains(l))
        .unwrap_or(LANGUAGES[(now.minute() as usize) % LANGUAGES.len()]);
    let line = texts.0.text(lang, "board-guidance");
    for (mut g, mut f) in &mut guidance {
        if **g != line {
            **g = line.clone();
            if let Some(fonts) = &fonts {
                f.font = fonts.for_language(lang).clone().into();
            }
        }
    }
}

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
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: "Madoguchi 呼出表示".into(),
                    resolution: WindowResolution::new(w, h).with_scale_factor_override(1.0),
                    mode,
                    // One frame in flight: a board draws rarely, and every
                    // extra swapchain image is 8 MB at 1080p.
                    desired_maximum_frame_latency: std::num::NonZero::new(1),
                    ..default()
                }),
                ..default()
            })
            .set(AssetPlugin {
                file_path: assets_dir(),
                ..default()
            })
            .set(bevy::log::LogPlugin {
                // Text layout warns once per Japanese line that it has no
                // word-segmentation model; lines are kept short instead.
                filter: "info,wgpu=error,naga=warn,icu_provider=error,icu_segmenter=error".into(),
                ..default()
            }),
    )
    .insert_resource(if settings.screenshot.is_some() {
        WinitSettings::game()
    } else {
        let asleep = UpdateMode::reactive_low_power(SAFETY_WAKE);
        WinitSettings {
            focused_mode: asleep,
            unfocused_mode: asleep,
        }
    })
    .add_plugins(BoardLogicPlugin {
        settings: settings.clone(),
        inbox: rx,
    })
    .add_plugins(BoardScreenPlugin)
    .insert_resource(Speaker(voice::Player::spawn(settings.voice.clone())))
    .insert_resource(PendingNet(Some(tx)))
    .add_systems(Startup, (start_network, start_minute_ticker));
    if let Some(path) = &settings.latency_log
        && let Ok(file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
    {
        use bevy::render::{Render, RenderApp, RenderSystems};
        app.init_resource::<DrawnNumber>().add_plugins(
            bevy::render::extract_resource::ExtractResourcePlugin::<DrawnNumber>::default(),
        );
        app.sub_app_mut(RenderApp)
            .insert_resource(LatencyLog {
                file,
                logged: None,
                every_frame: std::env::var_os("MADOGUCHI_LOG_FRAMES").is_some(),
            })
            .add_systems(Render, log_presented_number.in_set(RenderSystems::Cleanup));
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
    crate::net::spawn(
        settings.server.clone(),
        settings.token.clone(),
        tx,
        move || {
            let _ = proxy.send_event(WinitUserEvent::WakeUp);
        },
    );
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

//! The board's screen: the layout (header, the number now called with
//! where to go, recent calls, waits per procedure with their lamp, booths,
//! guidance) built once, the systems that redraw its parts from the
//! `Board` model when it changes (and the number shown, for the
//! benchmarks' frame log, `app_support::frame_log`). No rules: what to
//! show is the model's.

use app_support::fonts::{BIZ_UD_BOLD, BIZ_UD_REGULAR, FontsByLanguage, font_file, text_font};
use app_support::frame_log::ShownNumber;

use crate::app::{Announcing, Board, BoardSettings, Dirty, Texts, drain_inbox};
use bevy::prelude::*;
use bevy::window::RequestRedraw;
use chrono::Timelike;
use messages::{Arg, Catalogue, LANGUAGES};
use protocol::{BoothState, Lamp, localized};

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
    guidance: FontsByLanguage,
}

/// The font file (under `assets/`) of the guidance line in `lang`: the
/// language's face (`font_file`), except that the Chinese one is cut down
/// to the line's characters (`scripts/subset-fonts`, checked by the
/// board's tests); the full face loads only when a Chinese call comes.
pub fn guidance_font_file(lang: &str) -> &'static str {
    match lang {
        "zh" => "fonts/DroidSansFallback-guidance.ttf",
        _ => font_file(lang, false),
    }
}

/// The font file of a call's line in the visitor's language: the
/// language's face (for Chinese WenQuanYi Micro Hei, 5 MB, with hanzi and
/// the number's Latin letters and digits, which the board needs only when
/// such a call comes).
pub fn announcement_font_file(lang: &str) -> &'static str {
    font_file(lang, false)
}

impl Fonts {
    fn for_language(&self, lang: &str) -> &Handle<Font> {
        self.guidance.get(lang).unwrap_or(&self.regular)
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

fn setup_screen(mut commands: Commands, assets: Res<AssetServer>, settings: Res<BoardSettings>) {
    let fonts = Fonts {
        regular: assets.load(BIZ_UD_REGULAR),
        bold: assets.load(BIZ_UD_BOLD),
        guidance: FontsByLanguage::load(&assets, LANGUAGES, guidance_font_file),
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
                    text_font(&fonts.bold, 4.0),
                    TextColor(TEXT),
                    OfficeText,
                ));
                h.spawn((
                    Text::new(""),
                    text_font(&fonts.bold, 4.0),
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
                        text_font(&fonts.regular, 3.5),
                        TextColor(MUTED),
                        NowHeading,
                    ));
                    p.spawn((
                        Text::new(""),
                        text_font(&fonts.bold, 22.0),
                        TextColor(ACCENT),
                        NowNumber,
                    ));
                    p.spawn((
                        Text::new(""),
                        text_font(&fonts.bold, 6.0),
                        TextColor(TEXT),
                        NowBooth,
                    ));
                    p.spawn((
                        Text::new(""),
                        text_font(&fonts.regular, 3.6),
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
                text_font(&fonts.regular, 2.8),
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
        children![(
            Text::new(""),
            text_font(&fonts.regular, 2.4),
            TextColor(TEXT)
        )],
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
                text_font(&fonts.regular, 3.0),
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
                        text_font(&fonts.bold, 5.0),
                        TextColor(TEXT),
                    ));
                    row.spawn((
                        Text::new(localized(&c.booth_label, "ja").to_string()),
                        text_font(&fonts.regular, 4.0),
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
                                text_font(&fonts.regular, 2.6),
                                TextColor(MUTED),
                            ));
                            card.spawn((
                                Text::new(t.text_with(
                                    "ja",
                                    "board-waiting",
                                    &[("count", Arg::Num(i64::from(w.waiting)))],
                                )),
                                text_font(&fonts.bold, 3.6),
                                TextColor(TEXT),
                            ));
                            card.spawn((
                                Text::new(wait),
                                text_font(&fonts.regular, 2.6),
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
                        text_font(&fonts.bold, 2.4),
                        TextColor(TEXT),
                    ));
                    cell.spawn((
                        Text::new(format!("{} {}", t.text("ja", state_id), current)),
                        text_font(&fonts.regular, 2.2),
                        TextColor(TEXT),
                    ));
                });
            }
        });
    }
}

fn update_now_calling(
    latency: Option<ResMut<ShownNumber>>,
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
    let now = app_support::seconds_now(&time);
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

//! Drawing: the whole screen is rebuilt from the model when its version
//! moves (a visitor's touch or a reply — a few times a minute), so what is
//! shown is always exactly the model. Buttons carry the `Action` they send.

use bevy::prelude::*;
use messages::{Arg, Catalogue};
use protocol::localized;

use app_support::fonts::{FontsByLanguage, font_file, text_font};
use app_support::frame_log::ShownNumber;

use crate::app::{Kiosk, KioskAction, KioskLogic, KioskSettings, Texts};
use crate::model::{Action, KioskModel, LANGUAGES, Problem, Screen};

pub const BG: Color = Color::srgb(0.957, 0.965, 0.976);
pub const PANEL: Color = Color::WHITE;
pub const INK: Color = Color::srgb(0.106, 0.145, 0.208);
pub const MUTED: Color = Color::srgb(0.357, 0.404, 0.471);
/// Buttons and the ticket number (a calm dark blue).
pub const PRIMARY: Color = Color::srgb(0.071, 0.227, 0.478);
pub const SELECTED: Color = Color::srgb(0.055, 0.478, 0.310);
pub const WARN: Color = Color::srgb(0.722, 0.431, 0.0);
const DISABLED: Color = Color::srgb(0.80, 0.82, 0.85);

#[derive(Component)]
struct Root;

/// A button and what it does.
#[derive(Component, Clone)]
pub struct ActionButton(pub Action);

#[derive(Resource, Clone)]
struct Fonts {
    regular: FontsByLanguage,
    bold: FontsByLanguage,
}

impl Fonts {
    /// The regular and bold face of `lang`; Japanese for a language the
    /// kiosk does not offer.
    fn for_language(&self, lang: &str) -> (&Handle<Font>, &Handle<Font>) {
        (face(&self.regular, lang), face(&self.bold, lang))
    }
}

fn face<'a>(fonts: &'a FontsByLanguage, lang: &str) -> &'a Handle<Font> {
    fonts
        .get(lang)
        .or_else(|| fonts.get("ja"))
        .expect("the Japanese fonts are always loaded")
}

/// Regular and bold font files (under `assets/`) for `lang`.
pub fn font_files(lang: &str) -> (&'static str, &'static str) {
    (font_file(lang, false), font_file(lang, true))
}

pub struct KioskScreenPlugin;

impl Plugin for KioskScreenPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ShownNumber>()
            .add_systems(Startup, setup)
            .add_systems(Update, press_buttons.before(KioskLogic))
            .add_systems(Update, rebuild.after(KioskLogic));
    }
}

fn setup(mut commands: Commands, assets: Res<AssetServer>) {
    // The asset server loads each file once; languages sharing a face
    // share its handles.
    commands.insert_resource(Fonts {
        regular: FontsByLanguage::load(&assets, LANGUAGES, |l| font_file(l, false)),
        bold: FontsByLanguage::load(&assets, LANGUAGES, |l| font_file(l, true)),
    });
    commands.spawn((Camera2d, Msaa::Off));
    commands.spawn((
        Node {
            width: Val::Percent(100.0),
            height: Val::Percent(100.0),
            flex_direction: FlexDirection::Column,
            ..default()
        },
        BackgroundColor(BG),
        Root,
    ));
}

fn press_buttons(
    buttons: Query<(&Interaction, &ActionButton), Changed<Interaction>>,
    mut actions: MessageWriter<KioskAction>,
) {
    for (interaction, button) in &buttons {
        if *interaction == Interaction::Pressed {
            actions.write(KioskAction(button.0.clone()));
        }
    }
}

#[derive(Clone, Copy)]
struct Draw<'a> {
    fonts: &'a Fonts,
    t: &'a Catalogue,
    lang: &'a str,
    portrait: bool,
    /// 1.0, or larger for large print.
    scale: f32,
}

impl Draw<'_> {
    fn text(&self, id: &str) -> String {
        self.t.text(self.lang, id)
    }

    /// The screen language's face at `size` (scaled for large print).
    fn font(&self, bold: bool, size: f32) -> TextFont {
        let (regular, heavy) = self.fonts.for_language(self.lang);
        text_font(if bold { heavy } else { regular }, size * self.scale)
    }

    fn label(
        &self,
        p: &mut ChildSpawnerCommands,
        text: String,
        size: f32,
        bold: bool,
        color: Color,
    ) {
        p.spawn((
            Text::new(text),
            self.font(bold, size),
            TextColor(color),
            TextLayout::justify(Justify::Center),
        ));
    }

    fn button(
        &self,
        p: &mut ChildSpawnerCommands,
        text: String,
        action: Action,
        bg: Color,
        fg: Color,
        size: f32,
    ) {
        p.spawn((
            Button,
            Node {
                padding: UiRect::axes(Val::VMin(4.0), Val::VMin(2.2)),
                justify_content: JustifyContent::Center,
                align_items: AlignItems::Center,
                border: UiRect::all(Val::VMin(0.3)),
                border_radius: BorderRadius::all(Val::VMin(1.5)),
                ..default()
            },
            BackgroundColor(bg),
            BorderColor::all(PRIMARY),
            ActionButton(action),
        ))
        .with_children(|b| {
            b.spawn((Text::new(text), self.font(true, size), TextColor(fg)));
        });
    }
}

fn column() -> Node {
    Node {
        flex_direction: FlexDirection::Column,
        align_items: AlignItems::Center,
        justify_content: JustifyContent::Center,
        row_gap: Val::VMin(2.5),
        ..default()
    }
}

#[allow(clippy::too_many_arguments)]
fn rebuild(
    mut commands: Commands,
    kiosk: Res<Kiosk>,
    texts: Res<Texts>,
    settings: Res<KioskSettings>,
    fonts: Option<Res<Fonts>>,
    root: Query<Entity, With<Root>>,
    mut images: ResMut<Assets<Image>>,
    mut qr: Local<Option<Handle<Image>>>,
    mut shown_version: Local<u64>,
    mut shown_number: ResMut<ShownNumber>,
) {
    let Some(fonts) = fonts else { return };
    let model = &kiosk.0;
    if model.version == *shown_version {
        return;
    }
    *shown_version = model.version;
    let Ok(root) = root.single() else { return };
    if let Some(old) = qr.take() {
        images.remove(&old);
    }
    let d = Draw {
        fonts: &fonts,
        t: &texts.0,
        lang: model.lang,
        portrait: settings.portrait,
        scale: if model.large_text { 1.25 } else { 1.0 },
    };
    let number = match &model.screen {
        Screen::Ticket(t) => Some(t.number.clone()),
        _ => None,
    };
    if shown_number.0 != number {
        shown_number.0 = number;
    }
    commands.entity(root).despawn_related::<Children>();
    commands.entity(root).with_children(|r| {
        header(r, &d, model, settings.voices.voice(model.lang).is_some());
        r.spawn(Node {
            flex_grow: 1.0,
            flex_direction: FlexDirection::Column,
            align_items: AlignItems::Center,
            justify_content: JustifyContent::Center,
            padding: UiRect::all(Val::VMin(3.0)),
            row_gap: Val::VMin(2.5),
            ..default()
        })
        .with_children(|body| match &model.screen {
            Screen::Welcome => welcome(body, &d),
            Screen::WalkIn => walk_in(body, &d, model),
            Screen::Busy { retrying, .. } => {
                let id = if *retrying {
                    "kiosk-retrying"
                } else {
                    "kiosk-checking"
                };
                d.label(body, d.text(id), 6.0, true, INK);
            }
            Screen::Ticket(t) => {
                let handle = crate::qr::image(&t.status_url).map(|img| images.add(img));
                *qr = handle.clone();
                ticket(body, &d, model, t, handle);
            }
            Screen::Problem(p) => problem(body, &d, *p),
        });
    });
}

fn header(r: &mut ChildSpawnerCommands, d: &Draw, model: &KioskModel, speaks: bool) {
    r.spawn((
        Node {
            width: Val::Percent(100.0),
            justify_content: JustifyContent::SpaceBetween,
            align_items: AlignItems::Center,
            padding: UiRect::axes(Val::VMin(3.0), Val::VMin(1.5)),
            ..default()
        },
        BackgroundColor(PRIMARY),
    ))
    .with_children(|h| {
        h.spawn((
            Text::new(d.text("kiosk-title")),
            d.font(true, 4.0),
            TextColor(Color::WHITE),
        ));
        h.spawn(Node {
            column_gap: Val::VMin(1.0),
            align_items: AlignItems::Center,
            ..default()
        })
        .with_children(|tools| {
            // No button that does nothing: a language without a voice
            // (Chinese by default) has none.
            if speaks {
                d.button(
                    tools,
                    d.text("kiosk-speak"),
                    Action::Speak,
                    PANEL,
                    PRIMARY,
                    2.8,
                );
            }
            let large = if model.large_text {
                "kiosk-normal-text"
            } else {
                "kiosk-large-text"
            };
            d.button(
                tools,
                d.text(large),
                Action::ToggleLargeText,
                PANEL,
                PRIMARY,
                2.8,
            );
        });
    });
    if !model.connected {
        r.spawn((
            Node {
                width: Val::Percent(100.0),
                justify_content: JustifyContent::Center,
                padding: UiRect::all(Val::VMin(1.2)),
                ..default()
            },
            BackgroundColor(WARN),
        ))
        .with_children(|b| {
            b.spawn((
                Text::new(d.text("kiosk-offline-banner")),
                d.font(true, 3.0),
                TextColor(Color::WHITE),
            ));
        });
    }
    // The language is chosen at the start; later screens need the room.
    if model.screen == Screen::Welcome {
        language_row(r, d);
    }
}

/// Every language, each named in itself and in its own face.
fn language_row(r: &mut ChildSpawnerCommands, d: &Draw) {
    r.spawn(Node {
        width: Val::Percent(100.0),
        justify_content: JustifyContent::Center,
        flex_wrap: FlexWrap::Wrap,
        column_gap: Val::VMin(1.0),
        row_gap: Val::VMin(0.8),
        padding: UiRect::axes(Val::VMin(2.0), Val::VMin(1.0)),
        ..default()
    })
    .with_children(|langs| {
        for lang in LANGUAGES {
            let chosen = *lang == d.lang;
            let (bg, fg) = if chosen {
                (PRIMARY, Color::WHITE)
            } else {
                (PANEL, PRIMARY)
            };
            let own = Draw {
                lang,
                scale: 1.0,
                ..*d
            };
            own.button(
                langs,
                d.t.text(lang, "language-name"),
                Action::ChooseLanguage(lang),
                bg,
                fg,
                2.6,
            );
        }
    });
}

fn welcome(body: &mut ChildSpawnerCommands, d: &Draw) {
    body.spawn(column()).with_children(|c| {
        d.label(c, d.text("kiosk-welcome-scan"), 6.0, true, INK);
        d.label(c, d.text("kiosk-welcome-scan-hint"), 3.0, false, MUTED);
        d.label(c, "▼".into(), 9.0, true, PRIMARY);
    });
    body.spawn(Node {
        height: Val::VMin(4.0),
        ..default()
    });
    d.button(
        body,
        d.text("kiosk-welcome-walkin"),
        Action::StartWalkIn,
        PRIMARY,
        Color::WHITE,
        5.0,
    );
}

fn walk_in(body: &mut ChildSpawnerCommands, d: &Draw, model: &KioskModel) {
    d.label(body, d.text("kiosk-walkin-title"), 4.5, true, INK);
    body.spawn(Node {
        width: Val::Percent(100.0),
        flex_wrap: FlexWrap::Wrap,
        justify_content: JustifyContent::Center,
        column_gap: Val::VMin(2.0),
        row_gap: Val::VMin(2.0),
        ..default()
    })
    .with_children(|grid| {
        for s in &model.services {
            let chosen = model.selected.contains(&s.id);
            let (bg, fg, mark) = if s.reservation_only {
                (DISABLED, MUTED, "")
            } else if chosen {
                (SELECTED, Color::WHITE, "● ")
            } else {
                (PANEL, INK, "○ ")
            };
            let mut name = format!("{mark}{}", localized(&s.name, d.lang));
            if s.reservation_only {
                name = format!("{name}（{}）", d.text("kiosk-reservation-only-tag"));
            }
            grid.spawn((
                Button,
                Node {
                    width: Val::Percent(if d.portrait { 90.0 } else { 44.0 }),
                    padding: UiRect::all(Val::VMin(2.0)),
                    flex_direction: FlexDirection::Column,
                    border: UiRect::all(Val::VMin(0.3)),
                    border_radius: BorderRadius::all(Val::VMin(1.2)),
                    ..default()
                },
                BackgroundColor(bg),
                BorderColor::all(if chosen { SELECTED } else { DISABLED }),
                ActionButton(Action::ToggleService(s.id.clone())),
            ))
            .with_children(|b| {
                b.spawn((Text::new(name), d.font(true, 3.6), TextColor(fg)));
                b.spawn((
                    Text::new(localized(&s.location, d.lang).to_string()),
                    d.font(false, 2.4),
                    TextColor(fg),
                ));
            });
        }
    });
    let (bg, fg, mark) = if model.priority {
        (SELECTED, Color::WHITE, "● ")
    } else {
        (PANEL, INK, "○ ")
    };
    d.button(
        body,
        format!("{mark}{}", d.text("kiosk-priority")),
        Action::TogglePriority,
        bg,
        fg,
        3.0,
    );
    if let Some(id) = model.notice {
        d.label(body, d.text(id), 3.2, true, WARN);
    }
    body.spawn(Node {
        column_gap: Val::VMin(4.0),
        ..default()
    })
    .with_children(|row| {
        d.button(row, d.text("kiosk-back"), Action::Home, PANEL, PRIMARY, 4.0);
        d.button(
            row,
            d.text("kiosk-confirm"),
            Action::Confirm,
            PRIMARY,
            Color::WHITE,
            4.0,
        );
    });
}

fn ticket(
    body: &mut ChildSpawnerCommands,
    d: &Draw,
    model: &KioskModel,
    t: &protocol::IssuedTicket,
    qr: Option<Handle<Image>>,
) {
    body.spawn(Node {
        flex_direction: if d.portrait {
            FlexDirection::Column
        } else {
            FlexDirection::Row
        },
        align_items: AlignItems::Center,
        column_gap: Val::VMin(6.0),
        row_gap: Val::VMin(3.0),
        ..default()
    })
    .with_children(|row| {
        row.spawn(column()).with_children(|c| {
            d.label(c, d.text("kiosk-ticket-your-number"), 4.0, false, MUTED);
            d.label(c, t.number.clone(), 20.0, true, PRIMARY);
            // One line per procedure (names may contain slashes themselves).
            for id in &t.services {
                let name = model
                    .services
                    .iter()
                    .find(|s| s.id == *id)
                    .map_or(id.clone(), |s| localized(&s.name, d.lang).to_string());
                d.label(c, name, 3.4, true, INK);
            }
            d.label(
                c,
                d.t.text_with(
                    d.lang,
                    "kiosk-ticket-where",
                    &[("place", Arg::Str(&localized(&t.location, d.lang)))],
                ),
                3.6,
                true,
                INK,
            );
            let wait = if t.people_ahead == 0 {
                d.text("kiosk-ticket-no-wait")
            } else {
                format!(
                    "{}　{}",
                    d.t.text_with(
                        d.lang,
                        "kiosk-ticket-ahead",
                        &[("count", Arg::Num(i64::from(t.people_ahead)))]
                    ),
                    d.t.text_with(
                        d.lang,
                        "kiosk-ticket-wait",
                        &[
                            ("low", Arg::Num(i64::from(t.estimated_wait.low))),
                            ("high", Arg::Num(i64::from(t.estimated_wait.high))),
                        ]
                    )
                )
            };
            d.label(c, wait, 3.2, false, INK);
            d.label(c, d.text("kiosk-ticket-called"), 2.8, false, MUTED);
            if model.print_failed {
                d.label(c, d.text("kiosk-ticket-print-failed"), 3.0, true, WARN);
            }
        });
        if let Some(handle) = qr {
            row.spawn(column()).with_children(|c| {
                c.spawn((
                    ImageNode::new(handle),
                    Node {
                        width: Val::VMin(28.0),
                        height: Val::VMin(28.0),
                        ..default()
                    },
                ));
                d.label(c, d.text("kiosk-ticket-phone"), 2.6, false, MUTED);
            });
        }
    });
    d.button(
        body,
        d.text("kiosk-ticket-done"),
        Action::Home,
        PRIMARY,
        Color::WHITE,
        4.0,
    );
}

fn problem(body: &mut ChildSpawnerCommands, d: &Draw, p: Problem) {
    body.spawn((
        Node {
            flex_direction: FlexDirection::Column,
            align_items: AlignItems::Center,
            row_gap: Val::VMin(2.5),
            padding: UiRect::all(Val::VMin(4.0)),
            border: UiRect::left(Val::VMin(1.5)),
            border_radius: BorderRadius::all(Val::VMin(1.0)),
            ..default()
        },
        BackgroundColor(PANEL),
        BorderColor::all(WARN),
    ))
    .with_children(|c| {
        d.label(c, d.text("kiosk-error-title"), 4.0, false, MUTED);
        d.label(c, d.text(p.message_id()), 5.0, true, INK);
        d.label(c, d.text("kiosk-ask-staff"), 3.6, false, INK);
    });
    body.spawn(Node {
        column_gap: Val::VMin(4.0),
        ..default()
    })
    .with_children(|row| {
        if p.can_retry() {
            d.button(
                row,
                d.text("kiosk-retry"),
                Action::Retry,
                PRIMARY,
                Color::WHITE,
                4.0,
            );
        }
        d.button(
            row,
            d.text("kiosk-start-over"),
            Action::Home,
            PANEL,
            PRIMARY,
            4.0,
        );
    });
}

//! Unattended runs (screenshot tests, benchmarks, demos): a list of steps
//! separated by `;` that types into the same keyboard path a scanner uses
//! and presses the same actions as the buttons.
//!
//! Steps: `scan:CODE`, `tap:walkin|lang|priority|confirm|home|retry|
//! large|speak`, `tap:lang:CODE`, `tap:service:ID`, `wait:SECONDS`, `until:welcome|walkin|busy|retrying|
//! ticket|problem` (30 s at most, else exit with an error), `shot:PATH`,
//! `exit`.

use std::collections::VecDeque;

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyCode, KeyboardInput, NativeKeyCode};
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};
use bevy::window::PrimaryWindow;

use crate::app::{Kiosk, KioskAction};
use crate::model::{Action, Screen};

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Scan(String),
    Tap(Action),
    Wait(f64),
    Until(String),
    Shot(std::path::PathBuf),
    Exit,
}

pub fn parse(steps: &str) -> Result<Vec<Step>, String> {
    steps
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (verb, arg) = s.split_once(':').unwrap_or((s, ""));
            Ok(match (verb, arg) {
                ("scan", code) => Step::Scan(code.to_string()),
                ("tap", "walkin") => Step::Tap(Action::StartWalkIn),
                ("tap", "lang") => Step::Tap(Action::SwitchLanguage),
                ("tap", "priority") => Step::Tap(Action::TogglePriority),
                ("tap", "confirm") => Step::Tap(Action::Confirm),
                ("tap", "home") => Step::Tap(Action::Home),
                ("tap", "retry") => Step::Tap(Action::Retry),
                ("tap", "large") => Step::Tap(Action::ToggleLargeText),
                ("tap", "speak") => Step::Tap(Action::Speak),
                ("tap", other) if other.starts_with("lang:") => {
                    let code = &other["lang:".len()..];
                    let lang = crate::model::LANGUAGES
                        .iter()
                        .find(|l| **l == code)
                        .ok_or_else(|| format!("unknown language: {s}"))?;
                    Step::Tap(Action::ChooseLanguage(lang))
                }
                ("tap", other) if other.starts_with("service:") => {
                    Step::Tap(Action::ToggleService(other["service:".len()..].to_string()))
                }
                ("wait", secs) => Step::Wait(secs.parse().map_err(|_| format!("bad wait: {s}"))?),
                ("until", what) => Step::Until(what.to_string()),
                ("shot", path) if !path.is_empty() => Step::Shot(path.into()),
                ("exit", _) => Step::Exit,
                _ => return Err(format!("unknown step: {s}")),
            })
        })
        .collect()
}

#[derive(Resource)]
struct Script {
    steps: VecDeque<Step>,
    /// When the current step started (waits, timeouts, screenshots).
    since: Option<f64>,
    shot_at: Option<f64>,
}

pub struct ScriptPlugin {
    steps: Vec<Step>,
}

impl ScriptPlugin {
    /// Invalid steps are reported and the run ends at once.
    pub fn new(steps: &str) -> ScriptPlugin {
        match parse(steps) {
            Ok(steps) => ScriptPlugin { steps },
            Err(e) => {
                tracing::error!("{e}");
                ScriptPlugin {
                    steps: vec![Step::Exit],
                }
            }
        }
    }
}

impl Plugin for ScriptPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(Script {
            steps: self.steps.iter().cloned().collect(),
            since: None,
            shot_at: None,
        })
        .add_systems(Update, play.before(crate::app::KioskLogic));
    }
}

fn screen_is(screen: &Screen, what: &str) -> bool {
    matches!(
        (screen, what),
        (Screen::Welcome, "welcome")
            | (Screen::WalkIn, "walkin")
            | (Screen::Busy { .. }, "busy")
            | (Screen::Busy { retrying: true, .. }, "retrying")
            | (Screen::Ticket(_), "ticket")
            | (Screen::Problem(_), "problem")
    )
}

fn key(window: Entity, logical_key: Key, key_code: KeyCode) -> KeyboardInput {
    let text = match &logical_key {
        Key::Character(s) => Some(s.clone()),
        _ => None,
    };
    KeyboardInput {
        key_code,
        logical_key,
        state: ButtonState::Pressed,
        text,
        repeat: false,
        window,
    }
}

#[allow(clippy::too_many_arguments)]
fn play(
    mut commands: Commands,
    mut script: ResMut<Script>,
    kiosk: Res<Kiosk>,
    time: Res<Time<Real>>,
    window: Query<Entity, With<PrimaryWindow>>,
    mut keys: MessageWriter<KeyboardInput>,
    mut actions: MessageWriter<KioskAction>,
    mut exit: MessageWriter<AppExit>,
) {
    let now = time.elapsed_secs_f64();
    let window = window.single().unwrap_or(Entity::PLACEHOLDER);
    let Some(step) = script.steps.front().cloned() else {
        return;
    };
    let since = *script.since.get_or_insert(now);
    let done = match step {
        Step::Scan(code) => {
            for c in code.chars() {
                keys.write(key(
                    window,
                    Key::Character(c.to_string().into()),
                    KeyCode::Unidentified(NativeKeyCode::Unidentified),
                ));
            }
            keys.write(key(window, Key::Enter, KeyCode::Enter));
            true
        }
        Step::Tap(a) => {
            actions.write(KioskAction(a));
            true
        }
        Step::Wait(secs) => now - since >= secs,
        Step::Until(what) => {
            if now - since > 30.0 {
                tracing::error!("script: no {what} screen within 30 s");
                exit.write(AppExit::error());
                return;
            }
            screen_is(&kiosk.0.screen, &what)
        }
        Step::Shot(path) => match script.shot_at {
            // Let the screen settle (fonts, layout), shoot, give it time to save.
            None if now - since >= 1.0 => {
                commands
                    .spawn(Screenshot::primary_window())
                    .observe(save_to_disk(path));
                script.shot_at = Some(now);
                false
            }
            Some(at) => now - at >= 1.5,
            None => false,
        },
        Step::Exit => {
            exit.write(AppExit::Success);
            true
        }
    };
    if done {
        script.steps.pop_front();
        script.since = None;
        script.shot_at = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_parse_and_mistakes_are_named() {
        let steps = parse("scan:http://h/r/abc; tap:walkin ;tap:service:shomei;wait:1.5;until:ticket;shot:/tmp/a.png;exit")
            .expect("parses");
        assert_eq!(steps.len(), 7);
        assert_eq!(steps[2], Step::Tap(Action::ToggleService("shomei".into())));
        assert_eq!(steps[3], Step::Wait(1.5));
        assert!(
            parse("tap:dance")
                .expect_err("unknown")
                .contains("tap:dance")
        );
        assert!(parse("wait:soon").is_err());
    }
}

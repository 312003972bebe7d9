//! The benchmarks' frame log (`--latency-log FILE`), written by the render
//! world after a frame was presented: `shown\t<number>\t<µs>` the first
//! time a frame shows a new ticket number, and with `MADOGUCHI_LOG_FRAMES=1`
//! one `frame\t<µs>` per presented frame (the idle-cost tests count them).
//! Times are µs since the Unix epoch (`unix_micros`).

use std::io::Write;

use bevy::prelude::*;
use bevy::render::extract_resource::{ExtractResource, ExtractResourcePlugin};
use bevy::render::{Render, RenderApp, RenderSystems};

/// The ticket number the screen shows now; the app sets it when it draws
/// one, and it is copied to the render world each frame.
#[derive(Resource, Clone, Default)]
pub struct ShownNumber(pub Option<String>);

impl ExtractResource for ShownNumber {
    type Source = ShownNumber;

    fn extract_resource(source: &Self::Source) -> Self {
        source.clone()
    }
}

#[derive(Resource)]
struct PresentedLog {
    file: std::fs::File,
    logged: Option<String>,
    every_frame: bool,
}

/// µs since the Unix epoch: the clock the benchmarks compare against.
pub fn unix_micros() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros())
        .unwrap_or(0)
}

/// Writes the frame log to `file` (appending).
pub fn log_presented_frames(app: &mut App, file: std::fs::File) {
    app.init_resource::<ShownNumber>()
        .add_plugins(ExtractResourcePlugin::<ShownNumber>::default());
    app.sub_app_mut(RenderApp)
        .insert_resource(PresentedLog {
            file,
            logged: None,
            every_frame: std::env::var_os("MADOGUCHI_LOG_FRAMES").is_some(),
        })
        .add_systems(Render, presented.in_set(RenderSystems::Cleanup));
}

/// Runs after the frame was rendered and presented (render world, Cleanup).
fn presented(shown: Option<Res<ShownNumber>>, mut log: ResMut<PresentedLog>) {
    let micros = unix_micros();
    if log.every_frame {
        let _ = writeln!(log.file, "frame\t{micros}");
    }
    let number = shown.and_then(|s| s.0.clone());
    if log.logged == number {
        return;
    }
    if let Some(n) = &number {
        let _ = writeln!(log.file, "shown\t{n}\t{micros}");
    }
    log.logged = number;
}

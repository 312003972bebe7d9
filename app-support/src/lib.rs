//! What the two Bevy apps, the wall board and the kiosk, both need to run:
//! the clock they read after a sleep, where the assets are, how they log,
//! how they sleep between wakes, and their network thread that ends on
//! Ctrl-C or SIGTERM, which font shows which language, and the benchmarks'
//! frame log. Nothing of their screens or rules: those stay in each app
//! (they share no UI).

pub mod fonts;
pub mod frame_log;

use std::future::Future;
use std::time::Duration;

use bevy::prelude::*;
use bevy::winit::{UpdateMode, WinitSettings};

/// Seconds since start-up, read when called. Not `Time<Real>::elapsed`:
/// Bevy takes that from the end of the previous frame, so the first update
/// after a sleep sees the moment the app fell asleep (a call flashed for a
/// quarter second on the board; a touch on the kiosk looked long idle).
pub fn seconds_now(time: &Time<Real>) -> f64 {
    time.startup().elapsed().as_secs_f64()
}

/// Where the Debian package `madoguchi-data` puts the fonts and voices.
pub const INSTALLED_ASSETS: &str = "/usr/share/madoguchi";

/// The folder with `fonts/` and `voices/`: `$MADOGUCHI_ASSETS` when it is
/// set, else `$BEVY_ASSET_ROOT/assets`, else the build tree's `assets/` when
/// the app runs from a checkout, else the installed `/usr/share/madoguchi`
/// (the packages).
pub fn assets_dir() -> String {
    let build_tree = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets");
    assets_dir_from(
        std::env::var("MADOGUCHI_ASSETS").ok(),
        std::env::var("BEVY_ASSET_ROOT").ok(),
        std::path::Path::new(build_tree).is_dir(),
    )
    .unwrap_or_else(|| build_tree.to_string())
}

fn assets_dir_from(
    assets: Option<String>,
    asset_root: Option<String>,
    build_tree_exists: bool,
) -> Option<String> {
    match (assets, asset_root, build_tree_exists) {
        (Some(dir), _, _) => Some(dir),
        (None, Some(root), _) => Some(format!("{root}/assets")),
        (None, None, true) => None,
        (None, None, false) => Some(INSTALLED_ASSETS.to_string()),
    }
}

/// The shipped voice files (`assets/voices`).
pub fn voices_dir() -> String {
    format!("{}/voices", assets_dir())
}

/// `--ca-cert FILE`: the PEM, checked as the network thread will use it,
/// so a bad file stops the start with its name instead of leaving a
/// device that never connects.
pub fn read_ca_cert(file: Option<&std::path::Path>) -> Result<Option<Vec<u8>>, String> {
    let Some(file) = file else { return Ok(None) };
    let pem = std::fs::read(file).map_err(|e| format!("--ca-cert {}: {e}", file.display()))?;
    protocol::client::check_ca_pem(&pem)
        .map_err(|e| format!("--ca-cert {}: {e}", file.display()))?;
    Ok(Some(pem))
}

/// The apps' log filter. Text layout warns once per Japanese line that it
/// has no word-segmentation model (lines are kept short instead); wgpu and
/// naga are loud about what does not matter here.
pub const LOG_FILTER: &str = "info,wgpu=error,naga=warn,icu_provider=error,icu_segmenter=error";

/// Bevy's default plugins as both apps run them: `window` as the primary
/// window, the shared assets folder, the shared log filter.
/// `close_when_requested: false` ignores the window manager's close
/// (Alt+F4) on a locked-down kiosk.
pub fn default_plugins(window: Window, close_when_requested: bool) -> impl PluginGroup {
    DefaultPlugins
        .set(WindowPlugin {
            primary_window: Some(window),
            close_when_requested,
            ..default()
        })
        .set(AssetPlugin {
            file_path: assets_dir(),
            ..default()
        })
        .set(bevy::log::LogPlugin {
            filter: LOG_FILTER.into(),
            ..default()
        })
}

/// Sleep until woken (input, the network thread, a ticker), with a safety
/// wake after `safety`; `unattended` runs (screenshots, scripts) draw
/// continuously instead.
pub fn update_settings(unattended: bool, safety: Duration) -> WinitSettings {
    if unattended {
        WinitSettings::game()
    } else {
        let asleep = UpdateMode::reactive_low_power(safety);
        WinitSettings {
            focused_mode: asleep,
            unfocused_mode: asleep,
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM (a kiosk PC shutting down).
pub async fn quit_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let (Ok(mut int), Ok(mut term)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Runs `work` on a thread of its own with a single-threaded tokio
/// runtime until it ends or a quit signal comes (then `on_quit`, which
/// tells the Bevy side to exit). Failing to start is logged, not fatal:
/// the screen then says it cannot reach the server.
pub fn spawn_network<W, F>(name: &str, work: W, on_quit: impl FnOnce() + Send + 'static)
where
    W: FnOnce() -> F + Send + 'static,
    F: Future<Output = ()>,
{
    let spawned = std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    tracing::error!(error = %e, "no network runtime");
                    return;
                }
            };
            rt.block_on(async {
                tokio::select! {
                    _ = work() => {}
                    _ = quit_signal() => on_quit(),
                }
            });
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "no network thread");
    }
}

/// How long a window manager may take to answer the full-screen request.
const FULLSCREEN_ANSWER: f64 = 1.5;

/// Fills the monitor when nobody answers the full-screen request: on an X
/// server without a window manager (`xinit /usr/bin/madoguchi-board`, as
/// many signage and kiosk PCs run) the request is a window-manager message
/// that nobody reads, and the window stays at its first size in a corner.
/// For the first moments the loop is kept awake to see whether the size
/// came; if not, the window is placed at the monitor's origin with the
/// monitor's size itself (without a window manager, that is honoured).
pub fn fill_monitor_when_unanswered(
    mut windows: Query<&mut Window, With<bevy::window::PrimaryWindow>>,
    monitors: Query<&bevy::window::Monitor, With<bevy::window::PrimaryMonitor>>,
    time: Res<Time<Real>>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
    mut done: Local<bool>,
) {
    if *done {
        return;
    }
    let Ok(mut window) = windows.single_mut() else {
        return;
    };
    if !matches!(
        window.mode,
        bevy::window::WindowMode::BorderlessFullscreen(_)
            | bevy::window::WindowMode::Fullscreen(..)
    ) {
        *done = true;
        return;
    }
    let Ok(monitor) = monitors.single() else {
        redraw.write(bevy::window::RequestRedraw);
        return;
    };
    let size = monitor.physical_size();
    if window.physical_width() == size.x && window.physical_height() == size.y {
        *done = true;
        return;
    }
    if seconds_now(&time) < FULLSCREEN_ANSWER {
        // Stay awake (the apps otherwise sleep until woken) to look again.
        redraw.write(bevy::window::RequestRedraw);
        return;
    }
    tracing::info!(
        width = size.x,
        height = size.y,
        "nobody answered the full-screen request (no window manager?): filling the monitor"
    );
    window.mode = bevy::window::WindowMode::Windowed;
    window.decorations = false;
    window.position = bevy::window::WindowPosition::At(monitor.physical_position);
    window.resolution.set_physical_resolution(size.x, size.y);
    *done = true;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_installed_app_reads_usr_share_madoguchi_and_a_checkout_its_assets() {
        assert_eq!(
            assets_dir_from(None, None, false).as_deref(),
            Some(INSTALLED_ASSETS)
        );
        assert_eq!(assets_dir_from(None, None, true), None);
        assert_eq!(
            assets_dir_from(None, Some("/opt/m".into()), false).as_deref(),
            Some("/opt/m/assets")
        );
        assert_eq!(
            assets_dir_from(Some("/srv/a".into()), Some("/opt/m".into()), true).as_deref(),
            Some("/srv/a")
        );
    }
}

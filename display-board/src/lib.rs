//! Madoguchi display board: a Bevy wall screen that shows the numbers being
//! called, where to go, the waits per procedure and the booths — numbers
//! only, never names — with a chime and a voice for every call.
//!
//! Layout: `model` (pure board state), `announce` (what a call says and
//! shows, in which languages; pure), `net` (network thread), `app` (Bevy
//! logic plugin and runtime), `screen` (layout and redraw systems), `memory` (allocator settings for a
//! small idle footprint). The voices and the audio thread are the
//! `voice` crate's, shared with the kiosk.

// Bevy systems take their data as parameters: long query types and many
// parameters are the normal shape of a system.
#![allow(clippy::type_complexity, clippy::too_many_arguments)]

pub mod announce;
pub mod app;
pub mod memory;
pub mod model;
pub mod net;
pub mod screen;

//! Madoguchi display board: a Bevy wall screen that shows the numbers being
//! called, where to go, the waits per procedure and the booths — numbers
//! only, never names — with a chime and a voice for every call.
//!
//! Layout: `model` (pure board state), `net` (network thread), `sound`
//! (audio thread), `app` (Bevy plugins: logic, screen, runtime), `memory`
//! (allocator settings for a small idle footprint).

// Bevy systems take their data as parameters: long query types and many
// parameters are the normal shape of a system.
#![allow(clippy::type_complexity, clippy::too_many_arguments)]

pub mod app;
pub mod memory;
pub mod model;
pub mod net;
pub mod sound;

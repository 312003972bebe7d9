//! Madoguchi kiosk: checks visitors in by QR code and issues walk-in
//! tickets. `model` holds every rule (pure, unit-tested); `net` talks to the
//! server on its own thread; `screen` draws; `app` wires them into Bevy.

pub mod app;
pub mod model;
pub mod net;
pub mod printer;
pub mod qr;
pub mod raster;
pub mod screen;
pub mod script;
pub mod speech;

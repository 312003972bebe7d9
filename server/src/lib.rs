//! Madoguchi server: the office's queue engine, storage, HTTP API and live
//! events. See ARCHITECTURE.md for the map.

pub mod config;
pub mod engine;

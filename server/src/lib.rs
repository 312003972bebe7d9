//! Madoguchi server: the office's queue engine, storage, HTTP API and live
//! events. See ARCHITECTURE.md for the map.

pub mod app;
pub mod auth;
pub mod clock;
pub mod config;
pub mod directory;
pub mod error;
pub mod forms;
pub mod http;
pub mod hub;
pub mod limiter;
pub mod mail;
pub mod qr;
pub mod rules;
pub mod startup;
pub mod storage;
pub mod summary;
pub mod telemetry;
pub mod tls;
pub mod tokens;
pub mod vault;
pub mod views;

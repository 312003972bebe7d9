//! Madoguchi server: the office's queue engine, storage, HTTP API and live
//! events. See ARCHITECTURE.md for the map.

pub mod app;
pub mod auth;
pub mod booking;
pub mod calendar;
pub mod checklist;
pub mod clock;
pub mod config;
pub mod engine;
pub mod error;
pub mod http;
pub mod hub;
pub mod input;
pub mod limiter;
pub mod mail;
pub mod qr;
pub mod startup;
pub mod stats;
pub mod storage;
pub mod tokens;
pub mod views;

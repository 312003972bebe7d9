//! **The pure half of the server**: rules and calculations with no I/O and
//! no clock — every input, the time included, is an argument. Tested
//! without a database, a network or a runtime. Everything that touches
//! the outside (storage, HTTP, mail, the clock) lives outside this folder
//! and calls in.
//!
//! - `engine/`: the queue engine (one service day on the floor).
//! - `booking`: slots, the booking window, scanned codes, check-in window.
//! - `checklist`: the おくやみ checklist from the questionnaire's answers.
//! - `stats`: day statistics and the usual waits by hour.
//! - `holidays`: Japanese national holidays and the year-end closure.
//! - `calendar`: the reservation's `.ics` file.
//! - `input`: request fields parsed into validated types.
//! - `details`: the family's details for the pre-filled forms, checked.
//! - `city`: where the wait is shortest across the city's offices.

pub mod booking;
pub mod calendar;
pub mod checklist;
pub mod city;
pub mod details;
pub mod engine;
pub mod holidays;
pub mod input;
pub mod stats;

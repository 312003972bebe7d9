//! HTTP tests: each starts the real server on a free port with a temporary
//! data directory and talks to it over loopback with the `protocol` client.
//! One test binary (fewer link steps on small machines).

mod helpers;

mod a11y;
mod auth;
mod backup;
mod bad_input;
mod browser;
mod cli;
mod closing;
mod concurrency;
mod console;
mod copy_db;
mod details;
mod directory;
mod durability;
mod events;
mod failover;
mod instances;
mod kiosk;
mod logs;
mod mail;
mod metrics;
mod offices;
mod openapi;
mod pages;
mod privacy;
mod public;
mod schema_fuzz;
mod security;
mod shutdown;
mod sim;
mod staff;
mod tls;
mod visitor;

//! Wire types and async client for the Madoguchi HTTP contract (v1).
//!
//! Every request, response and event body of `DESIGN.md` lives here, so the
//! server, the kiosk, the board and the tests agree on one definition.
//! With the `openapi` feature the types also derive `utoipa::ToSchema`.

pub mod client;
pub mod error;
pub mod error_code;
pub mod events;
pub mod types;

pub use client::{Client, Connection};
pub use error::ClientError;
pub use error_code::ErrorCode;
pub use events::EventSubscription;
pub use types::*;

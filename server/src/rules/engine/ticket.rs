//! The ticket record and the transitions of its state machine.

use chrono::{DateTime, NaiveDate, Utc};
use protocol::{TicketSource, TicketState};

pub type TicketId = i64;

/// A staff note that travels with the ticket.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Note {
    pub at: DateTime<Utc>,
    pub booth: Option<String>,
    pub service: String,
    pub author: String,
    pub text: String,
}

/// A numbered ticket. `issued_at` never changes: it is the visitor's place
/// in every queue the ticket enters (next step, transfer, re-activation).
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub id: TicketId,
    pub day: NaiveDate,
    pub number: String,
    pub prefix: char,
    pub seq: u32,
    pub services: Vec<String>,
    pub step: usize,
    pub source: TicketSource,
    pub reservation_id: Option<i64>,
    pub slot_start: Option<DateTime<Utc>>,
    pub priority: bool,
    pub state: TicketState,
    pub booth: Option<String>,
    pub issued_at: DateTime<Utc>,
    /// When it entered the queue of its current step (waiting-time statistics).
    pub queued_at: DateTime<Utc>,
    pub called_at: Option<DateTime<Utc>>,
    pub call_count: u32,
    pub started_at: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
    pub notes: Vec<Note>,
    pub status_token: String,
    pub device_id: Option<i64>,
    pub idempotency_key: Option<String>,
    /// The visitor's chosen language (a supported code), if any.
    pub language: Option<String>,
}

impl Ticket {
    /// The procedure the ticket is at (its queue).
    pub fn current_service(&self) -> &str {
        self.services
            .get(self.step)
            .or_else(|| self.services.last())
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn is_last_step(&self) -> bool {
        self.step + 1 >= self.services.len()
    }
}

/// What staff can do to a ticket; used to name refused transitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Call,
    Recall,
    Start,
    Complete,
    NoShow,
    Reactivate,
    Transfer,
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Call => "call",
            Action::Recall => "recall",
            Action::Start => "start",
            Action::Complete => "complete",
            Action::NoShow => "no-show",
            Action::Reactivate => "reactivate",
            Action::Transfer => "transfer",
        }
    }

    /// The states from which the action is allowed.
    pub fn allowed_from(self, state: TicketState) -> bool {
        use TicketState::*;
        match self {
            Action::Call => state == Waiting,
            Action::Recall | Action::NoShow => state == Called,
            Action::Start => state == Called,
            Action::Complete => matches!(state, Called | Serving),
            Action::Reactivate => state == NoShow,
            Action::Transfer => matches!(state, Waiting | Called | Serving),
        }
    }
}

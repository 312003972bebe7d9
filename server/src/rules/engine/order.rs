//! Call-next order (DESIGN.md): checked-in reservations whose slot has
//! started (earliest slot first), then priority tickets, then the rest by
//! original issue time.

use chrono::{DateTime, Utc};

use super::ticket::Ticket;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct OrderKey {
    bucket: u8,
    first: DateTime<Utc>,
    second: DateTime<Utc>,
    id: i64,
}

impl OrderKey {
    pub fn of(t: &Ticket, now: DateTime<Utc>) -> OrderKey {
        match t.slot_start {
            Some(slot) if slot <= now => OrderKey {
                bucket: 0,
                first: slot,
                second: t.issued_at,
                id: t.id,
            },
            _ => OrderKey {
                bucket: if t.priority { 1 } else { 2 },
                first: t.issued_at,
                second: t.issued_at,
                id: t.id,
            },
        }
    }
}

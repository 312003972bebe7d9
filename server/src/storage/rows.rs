//! Conversions between rows and engine records.

use protocol::{BoothState, Event, EventKind, TicketSource, TicketState};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{StoreError, parse_ts, ts};
use crate::rules::engine::{Note, Ticket};

pub(crate) fn booth_state(s: &str) -> Result<BoothState, StoreError> {
    BoothState::parse(s).ok_or_else(|| StoreError::Corrupt(format!("booth state {s:?}")))
}

pub(crate) fn ticket_state(s: &str) -> Result<TicketState, StoreError> {
    TicketState::parse(s).ok_or_else(|| StoreError::Corrupt(format!("ticket state {s:?}")))
}

fn opt_ts(row: &AnyRow, col: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
    row.try_get::<Option<String>, _>(col)?
        .as_deref()
        .map(parse_ts)
        .transpose()
}

fn json<T: serde::de::DeserializeOwned>(row: &AnyRow, col: &str) -> Result<T, StoreError> {
    let s: String = row.try_get(col)?;
    serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

pub(crate) fn ticket_from_row(row: &AnyRow) -> Result<Ticket, StoreError> {
    let day: String = row.try_get("day")?;
    let prefix: String = row.try_get("prefix")?;
    let source: String = row.try_get("source")?;
    let state: String = row.try_get("state")?;
    let step: i64 = row.try_get("step")?;
    let seq: i64 = row.try_get("seq")?;
    let call_count: i64 = row.try_get("call_count")?;
    let notes: Vec<Note> = json(row, "notes")?;
    Ok(Ticket {
        id: row.try_get("id")?,
        day: day
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("day {day:?}: {e}")))?,
        number: row.try_get("number")?,
        prefix: prefix.chars().next().unwrap_or('X'),
        seq: seq as u32,
        services: json(row, "services")?,
        step: step as usize,
        source: if source == "reservation" {
            TicketSource::Reservation
        } else {
            TicketSource::WalkIn
        },
        reservation_id: row.try_get("reservation_id")?,
        slot_start: opt_ts(row, "slot_start")?,
        priority: row.try_get::<i64, _>("priority")? != 0,
        state: ticket_state(&state)?,
        booth: row.try_get("booth")?,
        issued_at: parse_ts(&row.try_get::<String, _>("issued_at")?)?,
        queued_at: parse_ts(&row.try_get::<String, _>("queued_at")?)?,
        called_at: opt_ts(row, "called_at")?,
        call_count: call_count as u32,
        started_at: opt_ts(row, "started_at")?,
        done_at: opt_ts(row, "done_at")?,
        notes,
        status_token: row.try_get("status_token")?,
        device_id: row.try_get("device_id")?,
        idempotency_key: row.try_get("idempotency_key")?,
        language: row.try_get("language")?,
    })
}

/// Writes a ticket as floor `version` leaves it.
pub(crate) async fn upsert_ticket(
    tx: &mut AnyConnection,
    office: &str,
    t: &Ticket,
    version: i64,
) -> Result<(), StoreError> {
    let services =
        serde_json::to_string(&t.services).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let notes = serde_json::to_string(&t.notes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query(
        "INSERT INTO tickets (id, day, number, prefix, seq, services, step, source, reservation_id,
            slot_start, priority, state, booth, issued_at, queued_at, called_at, call_count,
            started_at, done_at, notes, status_token, device_id, idempotency_key, language, floor_version, office)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)
         ON CONFLICT (id) DO UPDATE SET
            services = excluded.services, step = excluded.step, state = excluded.state,
            booth = excluded.booth, queued_at = excluded.queued_at, called_at = excluded.called_at,
            call_count = excluded.call_count, started_at = excluded.started_at,
            done_at = excluded.done_at, notes = excluded.notes,
            floor_version = excluded.floor_version",
    )
    .bind(t.id)
    .bind(t.day.to_string())
    .bind(&t.number)
    .bind(t.prefix.to_string())
    .bind(i64::from(t.seq))
    .bind(services)
    .bind(t.step as i64)
    .bind(t.source.as_str())
    .bind(t.reservation_id)
    .bind(t.slot_start.map(ts))
    .bind(i64::from(t.priority))
    .bind(t.state.as_str())
    .bind(&t.booth)
    .bind(ts(t.issued_at))
    .bind(ts(t.queued_at))
    .bind(t.called_at.map(ts))
    .bind(i64::from(t.call_count))
    .bind(t.started_at.map(ts))
    .bind(t.done_at.map(ts))
    .bind(notes)
    .bind(&t.status_token)
    .bind(t.device_id)
    .bind(&t.idempotency_key)
    .bind(&t.language)
    .bind(version)
    .bind(office)
    .execute(tx)
    .await?;
    Ok(())
}

pub(crate) fn event_from_row(row: &AnyRow) -> Result<Event, StoreError> {
    let kind: String = row.try_get("kind")?;
    let at: String = row.try_get("at")?;
    Ok(Event {
        id: row.try_get("id")?,
        kind: EventKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("event kind {kind:?}")))?,
        at: parse_ts(&at)?.fixed_offset(),
        data: json(row, "data")?,
    })
}

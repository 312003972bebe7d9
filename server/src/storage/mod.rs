//! SQLite storage (WAL, foreign keys, migrations). Every write of the
//! floor goes through one `BEGIN IMMEDIATE` transaction that also appends
//! the events it causes, so the log and the records never disagree.

mod auth;
mod mail;
mod reservations;
mod rows;
mod stats;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use protocol::{BoothState, Event, EventData, EventKind};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::rules::engine::{BoothStatus, Outcome, Ticket, TicketId};

pub use auth::{DeviceRow, SessionRow, UserRow};
pub use mail::{OutboxCounts, OutboxMail, PurgeReport, Registration};
pub use reservations::{NewReservation, ReservationRow};

/// Storage failures. Callers map them to 503 (busy) or 500; they never
/// come from user input, which is validated before it reaches here.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("corrupt record: {0}")]
    Corrupt(String),
}

pub type Tx = sqlx::Transaction<'static, sqlx::Sqlite>;

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

pub(crate) fn parse_ts(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("time {s:?}: {e}")))
}

#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
}

/// What a service day looks like in the database.
pub struct DayState {
    pub tickets: Vec<Ticket>,
    pub booths: Vec<(String, BoothStatus)>,
    pub next_ticket_id: TicketId,
    pub service_samples: Vec<(String, f64)>,
}

impl Store {
    /// Opens (or creates) `madoguchi.db` in `dir` and migrates it.
    pub async fn open(dir: &Path) -> Result<Store, StoreError> {
        let opts = SqliteConnectOptions::from_str("sqlite://madoguchi.db")?
            .filename(dir.join("madoguchi.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an acknowledged write survives a power cut, not only kill -9.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Store { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A write transaction that takes the database lock at once.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    pub async fn load_day(&self, day: NaiveDate) -> Result<DayState, StoreError> {
        let rows = sqlx::query("SELECT * FROM tickets WHERE day = ? ORDER BY id")
            .bind(day.to_string())
            .fetch_all(&self.pool)
            .await?;
        let tickets = rows
            .iter()
            .map(rows::ticket_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let booths = sqlx::query("SELECT id, state, current_ticket FROM booths")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                let state: String = r.try_get("state")?;
                Ok((
                    r.try_get::<String, _>("id")?,
                    BoothStatus {
                        state: rows::booth_state(&state)?,
                        current: r.try_get("current_ticket")?,
                    },
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let max: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM tickets")
            .fetch_one(&self.pool)
            .await?;
        // The estimate's samples are counter times (call → done), as the
        // engine measures them; `minutes` (start → done) is for statistics.
        let samples = sqlx::query(
            "SELECT service, minutes, called_at, done_at FROM service_times WHERE day = ? ORDER BY id",
        )
        .bind(day.to_string())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let called: Option<String> = r.try_get("called_at")?;
            let minutes = match called {
                Some(c) => {
                    let done = parse_ts(&r.try_get::<String, _>("done_at")?)?;
                    (done - parse_ts(&c)?).num_milliseconds() as f64 / 60_000.0
                }
                None => r.try_get("minutes")?,
            };
            Ok((r.try_get("service")?, minutes))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(DayState {
            tickets,
            booths,
            next_ticket_id: max.unwrap_or(0) + 1,
            service_samples: samples,
        })
    }

    /// Writes an engine outcome and its events; returns the events with ids.
    pub async fn save_outcome(
        tx: &mut SqliteConnection,
        outcome: &Outcome,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, StoreError> {
        for t in &outcome.tickets {
            rows::upsert_ticket(tx, t).await?;
        }
        for (id, b) in &outcome.booths {
            sqlx::query(
                "INSERT INTO booths (id, state, current_ticket) VALUES (?, ?, ?)
                 ON CONFLICT (id) DO UPDATE SET state = excluded.state, current_ticket = excluded.current_ticket",
            )
            .bind(id)
            .bind(b.state.as_str())
            .bind(b.current)
            .execute(&mut *tx)
            .await?;
        }
        if let Some((rid, state)) = outcome.reservation {
            let ticket = outcome.ticket().map(|t| t.id);
            sqlx::query("UPDATE reservations SET state = ?, ticket_id = COALESCE(?, ticket_id), updated_at = ? WHERE id = ?")
                .bind(state.as_str())
                .bind(ticket)
                .bind(ts(now))
                .bind(rid)
                .execute(&mut *tx)
                .await?;
        }
        if let (Some((service, _)), Some(t)) = (&outcome.service_minutes, outcome.ticket()) {
            let started = t.started_at.or(t.called_at).unwrap_or(now);
            let minutes = (now - started).num_milliseconds() as f64 / 60_000.0;
            sqlx::query(
                "INSERT INTO service_times (ticket_id, service, day, queued_at, called_at, done_at, minutes)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(t.id)
            .bind(service)
            .bind(t.day.to_string())
            .bind(ts(t.queued_at))
            .bind(t.called_at.map(ts))
            .bind(ts(now))
            .bind(minutes)
            .execute(&mut *tx)
            .await?;
        }
        Self::append_events(tx, &outcome.events, actor, now).await
    }

    pub async fn append_events(
        tx: &mut SqliteConnection,
        events: &[(EventKind, EventData)],
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, StoreError> {
        let mut out = Vec::with_capacity(events.len());
        for (kind, data) in events {
            let json =
                serde_json::to_string(data).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO events (kind, at, data, actor) VALUES (?, ?, ?, ?) RETURNING id",
            )
            .bind(kind.as_str())
            .bind(ts(now))
            .bind(json)
            .bind(actor)
            .fetch_one(&mut *tx)
            .await?;
            out.push(Event {
                id,
                kind: *kind,
                at: now.fixed_offset(),
                data: data.clone(),
            });
        }
        Ok(out)
    }

    /// Events after `after`, oldest first, at most `limit`.
    pub async fn events_after(&self, after: i64, limit: i64) -> Result<Vec<Event>, StoreError> {
        sqlx::query("SELECT id, kind, at, data FROM events WHERE id > ? ORDER BY id LIMIT ?")
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::event_from_row)
            .collect()
    }

    pub async fn last_event_id(&self) -> Result<i64, StoreError> {
        let id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM events")
            .fetch_one(&self.pool)
            .await?;
        Ok(id.unwrap_or(0))
    }

    /// A ticket of any day, by its status token (today's are in memory).
    pub async fn ticket_by_status_token(&self, token: &str) -> Result<Option<Ticket>, StoreError> {
        sqlx::query("SELECT * FROM tickets WHERE status_token = ?")
            .bind(token)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(rows::ticket_from_row)
            .transpose()
    }

    pub async fn ticket_by_id(&self, id: TicketId) -> Result<Option<Ticket>, StoreError> {
        sqlx::query("SELECT * FROM tickets WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(rows::ticket_from_row)
            .transpose()
    }

    /// Booth state rows for booths not yet stored (first start).
    pub async fn ensure_booths(&self, ids: &[String]) -> Result<(), StoreError> {
        for id in ids {
            sqlx::query("INSERT INTO booths (id, state) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")
                .bind(id)
                .bind(BoothState::Closed.as_str())
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }
}

//! The application: the queue engine, the store and the event hub behind
//! one write lock. HTTP handlers call these operations and nothing else.
//!
//! Write path (every change): take the lock → plan with the pure engine →
//! store records and events in one transaction → commit → apply to memory →
//! publish events. A failure before commit changes nothing anywhere.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use protocol::ErrorCode;
use tokio::sync::{Mutex, MutexGuard};

use crate::clock::Clock;
use crate::config::Office;
use crate::error::{Error, Result};
use crate::hub::EventHub;
use crate::limiter::Limiter;
use crate::rules::booking::{self};
use crate::rules::engine::{Floor, Outcome, Rules, TicketId};
use crate::storage::Store;

pub mod accounts;
mod mail;
mod queue;
mod reports;
mod reservations;
pub use mail::PurgeSummary;

/// Who made a change: recorded in the event log's audit column only.
#[derive(Debug, Clone)]
pub enum Actor {
    Visitor,
    /// The server itself (closing the day).
    System,
    Device {
        id: i64,
        name: String,
    },
    Staff {
        username: String,
    },
}

impl Actor {
    fn audit(&self) -> String {
        match self {
            Actor::Visitor => "visitor".into(),
            Actor::System => "system".into(),
            Actor::Device { id, name } => format!("device:{id}:{name}"),
            Actor::Staff { username } => format!("staff:{username}"),
        }
    }

    fn author(&self) -> String {
        match self {
            Actor::Staff { username } => username.clone(),
            other => other.audit(),
        }
    }
}

pub struct App {
    pub office: Office,
    pub store: Store,
    pub hub: EventHub,
    pub clock: Clock,
    /// Staff accounts, sessions and devices (HTTP and CLI alike).
    pub accounts: accounts::Accounts,
    pub kiosk_limiter: Limiter,
    /// Wakes the outbox worker when a mail is queued.
    pub mail_wake: tokio::sync::Notify,
    floor: Mutex<Floor>,
    /// Today's e-mail notification requests (read after every change;
    /// the table is the truth, this is its cache).
    registrations:
        std::sync::Mutex<std::collections::HashMap<TicketId, crate::storage::Registration>>,
}

impl App {
    pub async fn new(
        office: Office,
        store: Store,
        clock: Clock,
    ) -> std::result::Result<App, crate::storage::StoreError> {
        let now = clock.now();
        let day = booking::local_day(&office, now);
        let booth_ids: Vec<String> = office.booths.iter().map(|b| b.id.clone()).collect();
        store.ensure_booths(&booth_ids).await?;
        let state = store.load_day(day).await?;
        let floor = Floor::restore(
            Rules::from_office(&office),
            day,
            state.next_ticket_id,
            state.tickets,
            state.booths,
            state.service_samples,
        );
        let hub = EventHub::new(store.last_event_id().await?, office.time_zone);
        let registrations = store
            .registrations_of_day(day)
            .await?
            .into_iter()
            .map(|r| (r.ticket_id, r))
            .collect();
        let sec = &office.security;
        let app = App {
            accounts: accounts::Accounts::new(store.clone(), clock.clone(), office.time_zone, sec),
            kiosk_limiter: Limiter::new(sec.kiosk_requests_per_minute, Duration::minutes(1)),
            floor: Mutex::new(floor),
            mail_wake: tokio::sync::Notify::new(),
            registrations: std::sync::Mutex::new(registrations),
            office,
            store,
            hub,
            clock,
        };
        // Days that closed while the server was down are closed now.
        if let Err(e) = app.close_days_before(day, now).await {
            tracing::error!(error = %e, "closing earlier days failed");
        }
        Ok(app)
    }

    /// The floor, rolled over to today, and the time of this operation.
    async fn lock(&self) -> (MutexGuard<'_, Floor>, DateTime<Utc>) {
        let mut floor = self.floor.lock().await;
        let now = self.clock.now();
        let today = booking::local_day(&self.office, now);
        if floor.day != today {
            // The day closed: what was left unfinished ends as expired
            // before the numbers restart. Should storage fail here, the
            // next start-up closes those days again.
            if let Err(e) = self.close_days_before(today, now).await {
                tracing::error!(error = %e, "closing the day failed");
            }
            floor.roll_to(today);
        }
        (floor, now)
    }

    /// Ends every ticket of an earlier day that is still unfinished as
    /// `expired`, in one transaction, and publishes their events.
    async fn close_days_before(&self, today: NaiveDate, now: DateTime<Utc>) -> Result<usize> {
        let stale = self.store.unfinished_before(today).await?;
        if stale.is_empty() {
            return Ok(0);
        }
        let outcome = crate::rules::engine::expire_unfinished(&stale, now);
        let mut tx = self.store.begin().await?;
        let events = Store::save_outcome(&mut tx, &outcome, &Actor::System.audit(), now).await?;
        tx.commit()
            .await
            .map_err(crate::storage::StoreError::from)?;
        self.hub.publish(&events);
        tracing::info!(
            tickets = stale.len(),
            "closed the day: unfinished tickets expired"
        );
        Ok(stale.len())
    }

    /// Stores an outcome, then applies and publishes it (lock held).
    async fn commit(
        &self,
        floor: &mut Floor,
        outcome: &Outcome,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.store.begin().await?;
        let events = Store::save_outcome(&mut tx, outcome, &actor.audit(), now).await?;
        tx.commit()
            .await
            .map_err(crate::storage::StoreError::from)?;
        floor.apply(outcome);
        self.hub.publish(&events);
        // The change is done; a mail problem must not undo or fail it.
        self.send_due_notifications(floor, now).await;
        Ok(())
    }

    /// Today in the office's time zone.
    pub fn today(&self) -> NaiveDate {
        self.clock
            .now()
            .with_timezone(&self.office.time_zone)
            .date_naive()
    }

    fn day_bounds(&self, date: NaiveDate) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
        use chrono::TimeZone;
        let start = |d: NaiveDate| {
            self.office
                .time_zone
                .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
                .earliest()
                .map(|t| t.with_timezone(&Utc))
        };
        let next = date
            .succ_opt()
            .ok_or_else(|| Error::invalid(ErrorCode::InvalidDate, "date out of range"))?;
        match (start(date), start(next)) {
            (Some(a), Some(b)) => Ok((a, b)),
            _ => Err(Error::invalid(ErrorCode::InvalidDate, "date out of range")),
        }
    }

    // ---- public ----
}

//! One office of the city: its queue engine, its share of the store and
//! its event hub behind its floor's write lock. HTTP handlers of an
//! office's routes call these operations and nothing else.
//!
//! Write path (every change, `write` then `commit`): take this server's
//! floor → begin a transaction and lock the floor in the database → if
//! another server changed the floor since (its version moved), read it
//! again and pass on that server's events → plan with the pure engine →
//! store records, events and the new version in the transaction → commit
//! → apply to memory → publish events. A failure before commit changes
//! nothing anywhere. Several servers on one PostgreSQL take turns at the
//! database lock, so they behave as one.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, NaiveDate, Utc};
use protocol::ErrorCode;
use tokio::sync::{Mutex, MutexGuard};

use crate::clock::Clock;
use crate::config::Office;
use crate::error::{Error, Result};
use crate::hub::EventHub;
use crate::limiter::Limiter;
use crate::rules::booking::{self};
use crate::rules::engine::{Floor, Outcome, Rules};
use crate::storage::{DayState, Store, StoreError, Tx};

use super::accounts::Accounts;
use super::{Actor, Shared};

/// An office's application (see `App` for the city's).
pub struct OfficeApp {
    pub office: Office,
    pub store: Store,
    pub hub: EventHub,
    pub clock: Clock,
    /// Staff accounts, sessions and devices (HTTP and CLI alike).
    pub accounts: Arc<Accounts>,
    pub kiosk_limiter: Arc<Limiter>,
    /// Wakes the outbox worker when a mail is queued.
    pub mail_wake: Arc<tokio::sync::Notify>,
    /// Seals and opens the family's details.
    pub vault: Arc<crate::vault::Vault>,
    /// The procedures' forms, when the office has any.
    pub forms: Option<Arc<crate::forms::FormPrinter>>,
    floor: Mutex<Floor>,
    /// The floor version this server's floor shows (`floors.version`).
    known_version: AtomicI64,
}

/// A change in progress: this server's floor, caught up with the
/// database, the transaction that holds the floor's lock there, and the
/// change's time. `OfficeApp::commit` ends it; dropped, it changes nothing.
pub(super) struct Writer<'a> {
    pub floor: MutexGuard<'a, Floor>,
    pub tx: Tx,
    pub now: DateTime<Utc>,
    version: i64,
    /// When its transaction began (metrics: database time of a change).
    began: std::time::Instant,
}

impl<'a> Writer<'a> {
    /// Commits what was written without touching the floor (bookings);
    /// `last_event` is the last event it appended, if any.
    pub async fn commit_plain(
        mut self,
        app: &OfficeApp,
        last_event: Option<i64>,
    ) -> Result<MutexGuard<'a, Floor>> {
        app.store.notify_change(&mut self.tx, last_event).await?;
        self.tx.commit().await.map_err(StoreError::from)?;
        crate::telemetry::record_transaction(&app.office.id, self.began);
        Ok(self.floor)
    }
}

impl OfficeApp {
    /// The office's floor read from the database; `shared` are the city's
    /// accounts, kiosk limiter and outbox wake-up.
    pub(super) async fn new(
        office: Office,
        store: &Store,
        clock: Clock,
        shared: &Shared,
    ) -> std::result::Result<OfficeApp, super::StartError> {
        let forms = crate::forms::FormPrinter::new(&office)?.map(Arc::new);
        let store = store.at_office(&office.id);
        let now = clock.now();
        let day = booking::local_day(&office, now);
        let booth_ids: Vec<String> = office.booths.iter().map(|b| b.id.clone()).collect();
        store.ensure_booths(&booth_ids).await?;
        let (version, state) = store.floor_changes(day, None).await?;
        let floor = restore(&office, day, state);
        let hub = EventHub::new(store.last_event_id().await?, office.time_zone);
        let app = OfficeApp {
            accounts: shared.accounts.clone(),
            kiosk_limiter: shared.kiosk_limiter.clone(),
            floor: Mutex::new(floor),
            known_version: AtomicI64::new(version),
            mail_wake: shared.mail_wake.clone(),
            vault: shared.vault.clone(),
            forms,
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

    /// Begins a change: this server's floor, the floor locked in the
    /// database, and the floor read again if another server changed it.
    pub(super) async fn write(&self) -> Result<Writer<'_>> {
        let (mut floor, now) = self.lock().await;
        let began = std::time::Instant::now();
        let mut tx = self.store.begin().await?;
        let version = self.store.lock_floor(&mut tx).await?;
        let known = self.known_version.load(Ordering::SeqCst);
        if version != known {
            let changes = self
                .store
                .floor_changes_on(&mut tx, floor.day, Some(known))
                .await?;
            catch_up(&mut floor, changes);
            self.pass_on_events(&mut tx).await?;
            self.known_version.store(version, Ordering::SeqCst);
        }
        Ok(Writer {
            floor,
            tx,
            now,
            version,
            began,
        })
    }

    /// Publishes the events in the database this server has not sent
    /// (another server's), oldest first.
    pub(super) async fn pass_on_events(&self, conn: &mut sqlx::AnyConnection) -> Result<()> {
        loop {
            let events = self
                .store
                .events_after_on(conn, self.hub.last_id(), 1000)
                .await?;
            if events.is_empty() {
                return Ok(());
            }
            self.hub.publish(&events);
        }
    }

    /// After another server's change (PostgreSQL's notification, or a
    /// periodic look): its events are passed on to this server's
    /// subscribers and the floor is read again if it moved.
    pub async fn refresh(&self) -> Result<()> {
        let (mut floor, _) = self.lock().await;
        let mut conn = self
            .store
            .pool()
            .acquire()
            .await
            .map_err(StoreError::from)?;
        self.pass_on_events(&mut conn).await?;
        drop(conn);
        let known = self.known_version.load(Ordering::SeqCst);
        if self.store.floor_version().await? != known {
            let (version, changes) = self.store.floor_changes(floor.day, Some(known)).await?;
            catch_up(&mut floor, changes);
            self.known_version.store(version, Ordering::SeqCst);
        }
        Ok(())
    }

    /// The floor, rolled over to today, and the time of this operation.
    pub(super) async fn lock(&self) -> (MutexGuard<'_, Floor>, DateTime<Utc>) {
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
            // The new day is read whole at the next catch-up: what other
            // servers wrote for it while this floor showed the old day was
            // never taken in.
            self.known_version.store(i64::MIN, Ordering::SeqCst);
        }
        (floor, now)
    }

    /// Ends every ticket of an earlier day that is still unfinished as
    /// `expired`, in one transaction, and publishes their events.
    pub(super) async fn close_days_before(
        &self,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        // A cheap look first: most start-ups and days find nothing.
        if self.store.unfinished_before(today).await?.is_empty() {
            return Ok(0);
        }
        let mut tx = self.store.begin().await?;
        let version = self.store.lock_floor(&mut tx).await?;
        // Read again under the lock: another server may have closed them.
        let stale = self.store.unfinished_before_on(&mut tx, today).await?;
        if stale.is_empty() {
            return Ok(0);
        }
        self.pass_on_events(&mut tx).await?;
        let outcome = crate::rules::engine::expire_unfinished(&stale, now);
        // Earlier days' tickets: on no server's floor of today, so the
        // version stays.
        let events = self
            .store
            .save_outcome(&mut tx, &outcome, version, &Actor::System.audit(), now)
            .await?;
        self.store
            .notify_change(&mut tx, events.last().map(|e| e.id))
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.hub.publish(&events);
        tracing::info!(
            tickets = stale.len(),
            "closed the day: unfinished tickets expired"
        );
        Ok(stale.len())
    }

    /// Stores an outcome with its events and the floor's new version,
    /// commits, then applies and publishes it; the floor comes back for
    /// the answer.
    pub(super) async fn commit<'a>(
        &'a self,
        w: Writer<'a>,
        outcome: &Outcome,
        actor: &Actor,
    ) -> Result<MutexGuard<'a, Floor>> {
        let Writer {
            mut floor,
            mut tx,
            now,
            version,
            began,
        } = w;
        let version = if outcome.changes_floor() {
            self.store.bump_floor(&mut tx).await?
        } else {
            version
        };
        let events = self
            .store
            .save_outcome(&mut tx, outcome, version, &actor.audit(), now)
            .await?;
        // The mails the change makes due go in its transaction, judged on
        // the floor as the change leaves it (memory moves after commit).
        // (A copy of the floor only when somebody asked for mail today.)
        let regs = self.store.registrations_of_day(&mut tx, floor.day).await?;
        let after = (!regs.is_empty()).then(|| {
            let mut after = floor.clone();
            after.apply(outcome);
            after
        });
        let mail_queued = match &after {
            Some(after) => {
                self.queue_due_notifications(&mut tx, after, regs, now)
                    .await?
            }
            None => false,
        };
        self.store
            .notify_change(&mut tx, events.last().map(|e| e.id))
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        crate::telemetry::record_transaction(&self.office.id, began);
        crate::telemetry::record_outcome(&self.office.id, outcome);
        self.known_version.store(version, Ordering::SeqCst);
        match after {
            Some(after) => *floor = after,
            None => floor.apply(outcome),
        }
        self.hub.publish(&events);
        if mail_queued {
            self.mail_wake.notify_one();
        }
        Ok(floor)
    }

    /// Today in the office's time zone.
    pub fn today(&self) -> NaiveDate {
        self.clock
            .now()
            .with_timezone(&self.office.time_zone)
            .date_naive()
    }

    pub(super) fn day_bounds(&self, date: NaiveDate) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
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

/// Another server's changes taken into this server's floor.
fn catch_up(floor: &mut Floor, changes: DayState) {
    floor.catch_up(
        changes.next_ticket_id,
        changes.tickets,
        changes.booths,
        changes.service_samples,
    );
}

/// This server's floor of `day` from what the database holds.
fn restore(office: &Office, day: NaiveDate, state: DayState) -> Floor {
    Floor::restore(
        Rules::from_office(office),
        day,
        state.next_ticket_id,
        state.tickets,
        state.booths,
        state.service_samples,
    )
}

//! The application: the queue engine, the store and the event hub behind
//! one write lock. HTTP handlers call these operations and nothing else.
//!
//! Write path (every change): take the lock → plan with the pure engine →
//! store records and events in one transaction → commit → apply to memory →
//! publish events. A failure before commit changes nothing anywhere.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use protocol::{
    BoardSnapshot, BoothState, CheckinRequest, CreateReservation, ErrorCode, EventData, EventKind,
    IssuedTicket, ReservationCreated, ReservationState, SlotClosed, StaffQueue, TicketSource,
    TicketState, WalkInRequest,
};
use tokio::sync::{Mutex, MutexGuard};

use crate::booking::{self, CheckinRefusal, ScannedCode};
use crate::clock::Clock;
use crate::config::Office;
use crate::engine::{
    Action, EngineError, Floor, NewTicket, Note, OrderKey, Outcome, Rules, TicketId,
};
use crate::error::{Error, Result};
use crate::hub::EventHub;
use crate::input::{Contact, Language, NoteText, Reason};
use crate::limiter::Limiter;
use crate::storage::{NewReservation, ReservationRow, Store};
use crate::{tokens, views};

/// A visitor's language from a request: one of the catalogue's codes
/// (`zh-CN` → `zh`), or 400 `invalid_language`.
pub mod accounts;
mod mail;
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

const MAX_ANSWERS_BYTES: usize = 16 * 1024;

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
        let outcome = crate::engine::expire_unfinished(&stale, now);
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

    /// Plans a ticket command with the engine, stores it and returns the
    /// ticket as staff see it.
    async fn ticket_command(
        &self,
        actor: &Actor,
        plan: impl FnOnce(&Floor, DateTime<Utc>) -> Result<Outcome>,
    ) -> Result<protocol::Ticket> {
        let (mut floor, now) = self.lock().await;
        let outcome = plan(&floor, now)?;
        self.commit(&mut floor, &outcome, actor, now).await?;
        let t = outcome
            .ticket()
            .ok_or_else(|| Error::conflict(ErrorCode::InvalidTransition, "nothing changed"))?;
        Ok(views::staff_ticket(&self.office, t))
    }

    // ---- kiosk ----

    /// Issues a ticket (lock held) and answers what the kiosk shows.
    async fn issue(
        &self,
        floor: &mut Floor,
        req: NewTicket,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<IssuedTicket> {
        let outcome = floor.issue(req, now)?;
        self.commit(floor, &outcome, actor, now).await?;
        let t = outcome
            .ticket()
            .ok_or_else(|| Error::conflict(ErrorCode::InvalidTransition, "no ticket issued"))?;
        Ok(views::issued_ticket(&self.office, floor, t, now))
    }

    pub async fn checkin(
        &self,
        device: &Actor,
        device_id: i64,
        req: &CheckinRequest,
    ) -> Result<(bool, IssuedTicket)> {
        let chosen = Language::parse_optional(req.language.as_deref())?.map(Language::as_str);
        let token = match booking::parse_scanned_code(&req.code) {
            Some(ScannedCode::Reservation(t)) => t,
            Some(ScannedCode::TicketStatus) => {
                return Err(Error::invalid(
                    ErrorCode::MalformedCode,
                    "this is a ticket's status code, not a reservation",
                ));
            }
            None => {
                return Err(Error::invalid(
                    ErrorCode::MalformedCode,
                    "the scanned code is not a reservation code",
                ));
            }
        };
        let hash = tokens::hash(&token);
        let (mut floor, now) = self.lock().await;
        // Read under the lock: a cancellation cannot slip in between.
        let mut res = self
            .store
            .reservation_by_token_hash(&hash)
            .await?
            .ok_or_else(|| {
                Error::not_found(ErrorCode::UnknownCode, "no reservation has this code")
            })?;
        // A language chosen at the kiosk wins over the booking's.
        if let Some(lang) = chosen {
            res.language = Some(lang.to_string());
        }
        self.check_in_locked(&mut floor, res, device, Some(device_id), true, now)
            .await
    }

    /// Staff check a visitor in by hand (no phone, no printout): the same
    /// as a scan, except that staff judge an early or late arrival.
    pub async fn staff_checkin(&self, staff: &Actor, id: i64) -> Result<(bool, IssuedTicket)> {
        let (mut floor, now) = self.lock().await;
        let res = self.store.reservation_by_id(id).await?.ok_or_else(|| {
            Error::not_found(ErrorCode::UnknownReservation, "no such reservation")
        })?;
        self.check_in_locked(&mut floor, res, staff, None, false, now)
            .await
    }

    /// Check-in with the write lock held.
    async fn check_in_locked(
        &self,
        floor: &mut Floor,
        res: ReservationRow,
        actor: &Actor,
        device_id: Option<i64>,
        enforce_window: bool,
        now: DateTime<Utc>,
    ) -> Result<(bool, IssuedTicket)> {
        if let Some(t) = floor.ticket_for_reservation(res.id) {
            // Scanning twice gives the same ticket.
            return Ok((false, views::issued_ticket(&self.office, floor, t, now)));
        }
        if res.state == ReservationState::Cancelled {
            return Err(Error::conflict(
                ErrorCode::Cancelled,
                "this reservation was cancelled",
            ));
        }
        match booking::checkin_window(&self.office, res.start, now) {
            Ok(()) => {}
            Err(CheckinRefusal::WrongDay) => {
                return Err(Error::conflict(
                    ErrorCode::WrongDay,
                    "this reservation is for another day",
                ));
            }
            Err(CheckinRefusal::TooEarly) if enforce_window => {
                return Err(Error::conflict(
                    ErrorCode::TooEarly,
                    "check-in opens shortly before the reserved time",
                ));
            }
            Err(CheckinRefusal::TooLate) if enforce_window => {
                return Err(Error::conflict(
                    ErrorCode::TooLate,
                    "the reserved time has passed; please ask at the counter",
                ));
            }
            Err(_) => {}
        }
        if res.state != ReservationState::Booked {
            return Err(Error::conflict(
                ErrorCode::AlreadyUsed,
                "this reservation was already used",
            ));
        }
        let req = NewTicket {
            services: vec![res.service.clone()],
            source: TicketSource::Reservation,
            reservation_id: Some(res.id),
            slot_start: Some(res.start),
            priority: false,
            status_token: tokens::new_token(),
            device_id,
            idempotency_key: None,
            language: res.language.clone(),
        };
        Ok((true, self.issue(floor, req, actor, now).await?))
    }

    pub async fn walk_in(
        &self,
        device: &Actor,
        device_id: i64,
        req: &WalkInRequest,
    ) -> Result<(bool, IssuedTicket)> {
        let key = req.idempotency_key.trim();
        if key.is_empty() || key.len() > 100 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::invalid(
                ErrorCode::InvalidIdempotencyKey,
                "idempotency_key must be 1–100 printable ASCII characters",
            ));
        }
        let (mut floor, now) = self.lock().await;
        if let Some(t) = floor.ticket_by_idempotency(device_id, key) {
            if t.services != req.services || t.priority != req.priority {
                return Err(Error::conflict(
                    ErrorCode::IdempotencyConflict,
                    "this idempotency_key was used for a different request",
                ));
            }
            return Ok((false, views::issued_ticket(&self.office, &floor, t, now)));
        }
        let local = now.with_timezone(&self.office.time_zone);
        let open = self
            .office
            .hours_on(local.date_naive())
            .is_some_and(|(from, to)| (from..to).contains(&local.time()));
        if !open {
            return Err(Error::conflict(
                ErrorCode::OfficeClosed,
                "the office is closed now",
            ));
        }
        let ticket = NewTicket {
            services: req.services.clone(),
            source: TicketSource::WalkIn,
            reservation_id: None,
            slot_start: None,
            priority: req.priority,
            status_token: tokens::new_token(),
            device_id: Some(device_id),
            idempotency_key: Some(key.to_string()),
            language: Language::parse_optional(req.language.as_deref())?
                .map(Language::as_str)
                .map(str::to_string),
        };
        Ok((true, self.issue(&mut floor, ticket, device, now).await?))
    }

    // ---- staff ----

    pub async fn set_booth(
        &self,
        actor: &Actor,
        booth: &str,
        state: BoothState,
    ) -> Result<protocol::Booth> {
        let (mut floor, now) = self.lock().await;
        let outcome = floor.set_booth_state(booth, state)?;
        self.commit(&mut floor, &outcome, actor, now).await?;
        views::booths(&self.office, &floor)
            .into_iter()
            .find(|b| b.id == booth)
            .ok_or_else(|| Error::not_found(ErrorCode::UnknownBooth, format!("no booth {booth:?}")))
    }

    pub async fn call_next(&self, actor: &Actor, booth: &str) -> Result<Option<protocol::Ticket>> {
        let (mut floor, now) = self.lock().await;
        let Some(outcome) = floor.call_next(booth, now)? else {
            return Ok(None);
        };
        self.commit(&mut floor, &outcome, actor, now).await?;
        Ok(outcome
            .ticket()
            .map(|t| views::staff_ticket(&self.office, t)))
    }

    pub async fn call_ticket(
        &self,
        actor: &Actor,
        booth: &str,
        ticket: TicketId,
    ) -> Result<protocol::Ticket> {
        self.ticket_command(actor, |f, now| Ok(f.call(booth, ticket, now)?))
            .await
    }

    /// Recall, start, complete, no-show or re-activate a ticket.
    pub async fn ticket_action(
        &self,
        actor: &Actor,
        id: TicketId,
        action: Action,
    ) -> Result<protocol::Ticket> {
        self.ticket_command(actor, |f, now| {
            Ok(match action {
                Action::Recall => f.recall(id, now)?,
                Action::Start => f.start(id, now)?,
                Action::Complete => f.complete(id, now)?,
                Action::NoShow => f.no_show(id, now)?,
                Action::Reactivate => f.reactivate(id, now)?,
                Action::Call | Action::Transfer => {
                    return Err(Error::invalid(
                        ErrorCode::InvalidAction,
                        "use the call or transfer route",
                    ));
                }
            })
        })
        .await
    }

    fn note(
        &self,
        floor: &Floor,
        actor: &Actor,
        id: TicketId,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<Note> {
        let text = NoteText::parse(text)?;
        let t = floor.ticket(id).ok_or(EngineError::UnknownTicket(id))?;
        Ok(Note {
            at: now,
            booth: t.booth.clone(),
            service: t.current_service().to_string(),
            author: actor.author(),
            text: text.to_string(),
        })
    }

    pub async fn transfer(
        &self,
        actor: &Actor,
        id: TicketId,
        service: &str,
        note: Option<&str>,
    ) -> Result<protocol::Ticket> {
        self.ticket_command(actor, |f, now| {
            let note = note
                .filter(|n| !n.trim().is_empty())
                .map(|n| self.note(f, actor, id, n, now))
                .transpose()?;
            Ok(f.transfer(id, service, note, now)?)
        })
        .await
    }

    pub async fn add_note(
        &self,
        actor: &Actor,
        id: TicketId,
        text: &str,
    ) -> Result<protocol::Ticket> {
        self.ticket_command(actor, |f, now| {
            Ok(f.add_note(id, self.note(f, actor, id, text, now)?)?)
        })
        .await
    }

    pub async fn staff_queue(&self) -> StaffQueue {
        let (floor, now) = self.lock().await;
        let mut tickets: Vec<_> = floor
            .tickets()
            .filter(|t| !matches!(t.state, TicketState::Done | TicketState::Cancelled))
            .collect();
        tickets.sort_by_key(|t| {
            (
                t.state,
                t.current_service().to_string(),
                OrderKey::of(t, now),
            )
        });
        StaffQueue {
            now: views::local(&self.office, now),
            tickets: tickets
                .into_iter()
                .map(|t| views::staff_ticket(&self.office, t))
                .collect(),
            services: views::service_waits(&self.office, &floor, now),
            booths: views::booths(&self.office, &floor),
        }
    }

    /// Statistics over the days `from`–`to` (at most a year).
    pub async fn day_stats(&self, from: NaiveDate, to: NaiveDate) -> Result<protocol::DayStats> {
        if to < from || (to - from).num_days() > 366 {
            return Err(Error::invalid(
                ErrorCode::InvalidRange,
                "from must not be after to, and the range at most a year",
            ));
        }
        let mut tickets = Vec::new();
        let mut steps = Vec::new();
        for day in from.iter_days().take_while(|d| *d <= to) {
            tickets.extend(self.store.tickets_of_day(day).await?);
            steps.extend(self.store.steps_of_day(day).await?);
        }
        let services: Vec<String> = self.office.services.iter().map(|s| s.id.clone()).collect();
        Ok(crate::stats::day_stats(
            (from, to),
            &services,
            &tickets,
            &steps,
            self.office.time_zone,
        ))
    }

    /// The おくやみ checklist for a visitor's answers (checked strictly).
    pub fn checklist(
        &self,
        answers: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<protocol::Checklist> {
        let q = &self.office.questionnaire;
        let answers = crate::checklist::normalize(q, answers, true)
            .map_err(|e| Error::invalid(ErrorCode::InvalidAnswers, e.to_string()))?;
        Ok(protocol::Checklist {
            procedures: crate::checklist::checklist(q, &answers),
        })
    }

    /// The congestion page's data: waits now with the office's lamp, and
    /// the usual wait by hour over the last `history_weeks` weeks.
    pub async fn congestion(&self) -> Result<protocol::Congestion> {
        let settings = &self.office.congestion;
        let (waits, now) = {
            let (floor, now) = self.lock().await;
            (views::service_waits(&self.office, &floor, now), now)
        };
        let today = now.with_timezone(&self.office.time_zone).date_naive();
        let from = today - Duration::weeks(i64::from(settings.history_weeks));
        let steps = self.store.steps_between(from, today).await?;
        let services = waits
            .into_iter()
            .filter_map(|w| {
                let s = self.office.service(&w.service)?;
                Some(protocol::ServiceCongestion {
                    name: s.name.clone(),
                    lamp: w.lamp,
                    by_hour: crate::stats::hourly_waits(&w.service, &steps, self.office.time_zone),
                    service: w.service,
                    waiting: w.waiting,
                    estimated_wait: w.estimated_wait,
                })
            })
            .collect();
        Ok(protocol::Congestion {
            updated_at: views::local(&self.office, now),
            history_weeks: settings.history_weeks,
            services,
        })
    }

    /// The checklist of a stored booking (its answers read leniently: the
    /// questionnaire may have changed since); empty without a questionnaire.
    /// The checklist a booking's token holder sees, for a procedure with
    /// the questionnaire only.
    fn procedures_of(&self, r: &protocol::Reservation) -> Option<Vec<protocol::Procedure>> {
        self.checklist_for(&r.service, r.answers.as_ref())
    }

    /// The おくやみ checklist of a booking (empty when it uses no questionnaire).
    pub fn reservation_checklist(&self, r: &protocol::Reservation) -> Vec<protocol::Procedure> {
        self.procedures_of(r).unwrap_or_default()
    }

    /// The checklist for stored answers (read leniently: the questionnaire
    /// may have changed since), `None` for a procedure without it.
    fn checklist_for(
        &self,
        service: &str,
        answers: Option<&serde_json::Map<String, serde_json::Value>>,
    ) -> Option<Vec<protocol::Procedure>> {
        let uses = self
            .office
            .service(service)
            .is_some_and(|s| s.questionnaire);
        if !uses {
            return None;
        }
        let q = &self.office.questionnaire;
        let answers = answers.cloned().unwrap_or_default();
        Some(
            crate::checklist::normalize(q, &answers, false)
                .map(|a| crate::checklist::checklist(q, &a))
                .unwrap_or_default(),
        )
    }

    /// A department's prep list (事前準備) for a day: every questionnaire
    /// booking that is not cancelled, with the procedures that concern it.
    pub async fn prep(
        &self,
        date: NaiveDate,
        department: Option<&str>,
    ) -> Result<protocol::PrepList> {
        let q = &self.office.questionnaire;
        let departments = q.departments();
        if let Some(d) = department
            && !departments.iter().any(|x| x == d)
        {
            return Err(Error::invalid(
                ErrorCode::UnknownDepartment,
                format!("no procedure belongs to {d:?}"),
            ));
        }
        let mut items = Vec::new();
        for r in self.staff_reservations(date).await? {
            let uses = self
                .office
                .service(&r.service)
                .is_some_and(|s| s.questionnaire);
            if !uses || r.state == ReservationState::Cancelled {
                continue;
            }
            let procedures: Vec<protocol::Procedure> = self
                .reservation_checklist(&r)
                .into_iter()
                .filter(|p| department.is_none_or(|d| p.department == d))
                .collect();
            if department.is_some() && procedures.is_empty() {
                continue;
            }
            items.push(protocol::PrepItem {
                reservation: r,
                procedures,
            });
        }
        Ok(protocol::PrepList {
            date,
            department: department.map(str::to_string),
            departments,
            items,
        })
    }

    /// Today in the office's time zone.
    pub fn today(&self) -> NaiveDate {
        self.clock
            .now()
            .with_timezone(&self.office.time_zone)
            .date_naive()
    }

    pub async fn staff_reservations(&self, date: NaiveDate) -> Result<Vec<protocol::Reservation>> {
        let (from, to) = self.day_bounds(date)?;
        let rows = self.store.reservations_between(from, to).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let number = self.ticket_number(r).await?;
            out.push(views::reservation(&self.office, r, number));
        }
        Ok(out)
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

    pub async fn board(&self) -> BoardSnapshot {
        let (floor, now) = self.lock().await;
        BoardSnapshot {
            office: self.office.name.clone(),
            recent_calls: views::recent_calls(&self.office, &floor),
            services: views::service_waits(&self.office, &floor, now),
            booths: views::booths(&self.office, &floor),
            // Read under the lock: consistent with the snapshot above.
            last_event_id: self.hub.last_id(),
        }
    }

    pub async fn booths(&self) -> Vec<protocol::Booth> {
        let (floor, _) = self.lock().await;
        views::booths(&self.office, &floor)
    }

    pub async fn ticket_status(&self, status_token: &str) -> Result<protocol::TicketStatus> {
        let unknown =
            || Error::not_found(ErrorCode::UnknownTicket, "no ticket has this status code");
        if !tokens::looks_like_token(status_token) {
            return Err(unknown());
        }
        {
            let (floor, now) = self.lock().await;
            if let Some(t) = floor.ticket_by_status_token(status_token) {
                return Ok(views::ticket_status(&self.office, Some(&floor), t, now));
            }
        }
        let t = self
            .store
            .ticket_by_status_token(status_token)
            .await?
            .ok_or_else(unknown)?;
        Ok(views::ticket_status(
            &self.office,
            None,
            &t,
            self.clock.now(),
        ))
    }

    pub fn slots(
        &self,
        service: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<booking::SlotTime>> {
        if self.office.service(service).is_none() {
            return Err(Error::not_found(
                ErrorCode::UnknownService,
                format!("no service {service:?}"),
            ));
        }
        if to < from {
            return Err(Error::invalid(
                ErrorCode::InvalidDate,
                "`to` is before `from`",
            ));
        }
        if (to - from).num_days() > booking::MAX_SLOT_RANGE_DAYS {
            return Err(Error::invalid(
                ErrorCode::RangeTooLong,
                format!(
                    "ask for at most {} days at once",
                    booking::MAX_SLOT_RANGE_DAYS
                ),
            ));
        }
        Ok(booking::slots_for(&self.office, service, from, to))
    }

    pub async fn slots_with_availability(
        &self,
        service: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<protocol::Slot>> {
        let slots = self.slots(service, from, to)?;
        let (Some(first), Some(last)) = (slots.first(), slots.last()) else {
            return Ok(Vec::new());
        };
        let taken = self
            .store
            .taken_between(service, first.start, last.start + Duration::seconds(1))
            .await?;
        let capacity = self.office.booths_serving(service) as u32;
        let now = self.clock.now();
        let Some(svc) = self.office.service(service) else {
            return Ok(Vec::new());
        };
        Ok(slots
            .iter()
            .map(|s| {
                let used = taken
                    .iter()
                    .find(|(start, _)| *start == s.start)
                    .map(|(_, n)| *n as u32)
                    .unwrap_or(0);
                let left = capacity.saturating_sub(used);
                let closed = match booking::booking_window(&self.office, svc, s.start, now) {
                    Err(why) => Some(why),
                    Ok(()) if left == 0 => Some(SlotClosed::SlotFull),
                    Ok(()) => None,
                };
                protocol::Slot {
                    start: views::local(&self.office, s.start),
                    end: views::local(&self.office, s.end),
                    capacity,
                    available: if closed.is_none() { left } else { 0 },
                    bookable: closed.is_none(),
                    closed,
                }
            })
            .collect())
    }

    pub async fn book(&self, req: &CreateReservation) -> Result<ReservationCreated> {
        self.book_keyed(req, None).await
    }

    /// Books from the booking form: the same form key books once, however
    /// often and however simultaneously it is sent; a repeat answers with
    /// the booking already made.
    pub async fn book_once(
        &self,
        req: &CreateReservation,
        key: &tokens::SubmitKey,
    ) -> Result<ReservationCreated> {
        self.book_keyed(req, Some(key)).await
    }

    async fn book_keyed(
        &self,
        req: &CreateReservation,
        key: Option<&tokens::SubmitKey>,
    ) -> Result<ReservationCreated> {
        let service = self.office.service(&req.service).ok_or_else(|| {
            Error::invalid(
                ErrorCode::UnknownService,
                format!("no service {:?}", req.service),
            )
        })?;
        let contact = Contact::parse(
            req.name.as_deref(),
            req.email.as_deref(),
            req.phone.as_deref(),
        )?;
        check_answers_size(req)?;
        let language = Language::parse_optional(req.language.as_deref())?.map(Language::as_str);
        let start = req.start.with_timezone(&Utc);
        let slot = booking::find_slot(&self.office, &service.id, start).ok_or_else(|| {
            Error::invalid(
                ErrorCode::UnknownSlot,
                "there is no bookable slot of this service at that time",
            )
        })?;
        let (_writer, now) = self.lock().await;
        let token = key.map_or_else(tokens::new_token, tokens::from_submit_key);
        if key.is_some()
            && let Some(made) = self
                .store
                .reservation_by_token_hash(&tokens::hash(&token))
                .await?
        {
            return Ok(ReservationCreated {
                id: made.id,
                manage_url: format!("{}/r/{}", self.office.public_url, token),
                token,
                service: made.service.clone(),
                start: views::local(&self.office, made.start),
                end: views::local(&self.office, made.end),
                state: made.state,
                procedures: self.checklist_for(&made.service, made.answers.as_ref()),
            });
        }
        match booking::booking_window(&self.office, service, slot.start, now) {
            Ok(()) => {}
            Err(SlotClosed::TooFarAhead) => {
                return Err(Error::conflict(
                    ErrorCode::TooFarAhead,
                    "this slot cannot be booked yet",
                ));
            }
            Err(_) if service.lead_working_days > 0 => {
                return Err(Error::conflict(
                    ErrorCode::TooLateToBook,
                    format!(
                        "this procedure is booked {} working day(s) ahead",
                        service.lead_working_days
                    ),
                ));
            }
            Err(_) => {
                return Err(Error::conflict(
                    ErrorCode::TooLateToBook,
                    "this slot can no longer be booked",
                ));
            }
        }
        let capacity = self.office.booths_serving(&service.id) as i64;
        let mut tx = self.store.begin().await?;
        let taken = Store::taken_in_slot(&mut tx, &service.id, slot.start).await?;
        if taken >= capacity {
            return Err(Error::conflict(
                ErrorCode::SlotFull,
                "this slot is fully booked",
            ));
        }
        let id = Store::insert_reservation(
            &mut tx,
            &NewReservation {
                token_hash: &tokens::hash(&token),
                service: &service.id,
                start: slot.start,
                end: slot.end,
                name: contact.name.as_deref(),
                email: contact.email.as_deref(),
                phone: contact.phone.as_deref(),
                answers: req.answers.as_ref(),
                language,
            },
            now,
        )
        .await?;
        let manage_url = format!("{}/r/{}", self.office.public_url, token);
        if let Some(email) = contact.email.as_deref() {
            let to = (email, language.unwrap_or("ja"));
            let mail = self.booking_mail(id, to, service, &slot, &manage_url, now)?;
            Store::enqueue_mail(
                &mut tx,
                mail.kind.as_str(),
                &mail.recipient,
                &mail.message,
                now,
            )
            .await?;
        }
        self.commit_reservation_change(
            tx,
            reservation_event(id, &service.id, slot.start, ReservationState::Booked),
            &Actor::Visitor,
            now,
        )
        .await?;
        if contact.email.is_some() {
            self.mail_wake.notify_one();
        }
        Ok(ReservationCreated {
            id,
            manage_url,
            token,
            service: service.id.clone(),
            start: views::local(&self.office, slot.start),
            end: views::local(&self.office, slot.end),
            state: ReservationState::Booked,
            procedures: self.checklist_for(&service.id, req.answers.as_ref()),
        })
    }

    /// Appends the reservation's `reservation.changed` event to `tx`, commits
    /// and publishes it (write lock held by the caller).
    async fn commit_reservation_change(
        &self,
        mut tx: crate::storage::Tx,
        change: EventData,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let events = Store::append_events(
            &mut tx,
            &[(EventKind::ReservationChanged, change)],
            &actor.audit(),
            now,
        )
        .await?;
        tx.commit()
            .await
            .map_err(crate::storage::StoreError::from)?;
        self.hub.publish(&events);
        Ok(())
    }

    async fn reservation_by_token(&self, token: &str) -> Result<ReservationRow> {
        let unknown = || {
            Error::not_found(
                ErrorCode::UnknownReservation,
                "no reservation has this code",
            )
        };
        if !tokens::looks_like_token(token) {
            return Err(unknown());
        }
        self.store
            .reservation_by_token_hash(&tokens::hash(token))
            .await?
            .ok_or_else(unknown)
    }

    async fn ticket_number(&self, r: &ReservationRow) -> Result<Option<String>> {
        let Some(id) = r.ticket_id else {
            return Ok(None);
        };
        Ok(self.store.ticket_by_id(id).await?.map(|t| t.number))
    }

    pub async fn reservation(&self, token: &str) -> Result<protocol::Reservation> {
        let r = self.reservation_by_token(token).await?;
        let number = self.ticket_number(&r).await?;
        let mut view = views::reservation(&self.office, &r, number);
        view.procedures = self.procedures_of(&view);
        Ok(view)
    }

    /// Cancels a booking; cancelling twice is harmless.
    pub async fn cancel(&self, token: &str) -> Result<protocol::Reservation> {
        let r = self.reservation_by_token(token).await?;
        let (guard, now) = self.lock().await;
        let mut r = self.store.reservation_by_id(r.id).await?.ok_or_else(|| {
            Error::not_found(
                ErrorCode::UnknownReservation,
                "no reservation has this code",
            )
        })?;
        match r.state {
            ReservationState::Cancelled => {}
            ReservationState::Booked => {
                let mut tx = self.store.begin().await?;
                Store::set_reservation_state(&mut tx, r.id, ReservationState::Cancelled, now)
                    .await?;
                self.commit_reservation_change(
                    tx,
                    reservation_event(r.id, &r.service, r.start, ReservationState::Cancelled),
                    &Actor::Visitor,
                    now,
                )
                .await?;
                r.state = ReservationState::Cancelled;
            }
            _ => {
                return Err(Error::conflict(
                    ErrorCode::AlreadyCheckedIn,
                    "a reservation that was checked in cannot be cancelled",
                ));
            }
        }
        drop(guard);
        Ok(views::reservation(&self.office, &r, None))
    }

    /// Staff cancel a booking, saying why (kept with the reservation).
    pub async fn staff_cancel(
        &self,
        staff: &Actor,
        id: i64,
        reason: &str,
    ) -> Result<protocol::Reservation> {
        let reason = Reason::parse(reason)?;
        let (_guard, now) = self.lock().await;
        let mut r = self.booked(id).await?;
        let mut tx = self.store.begin().await?;
        Store::set_reservation_state(&mut tx, r.id, ReservationState::Cancelled, now).await?;
        Store::set_change_reason(&mut tx, r.id, &reason, &staff.author()).await?;
        self.commit_reservation_change(
            tx,
            reservation_event(r.id, &r.service, r.start, ReservationState::Cancelled),
            staff,
            now,
        )
        .await?;
        r.state = ReservationState::Cancelled;
        r.change_reason = Some(reason.to_string());
        Ok(views::reservation(&self.office, &r, None))
    }

    /// Staff move a booking to another slot of its service, saying why.
    pub async fn staff_move(
        &self,
        staff: &Actor,
        id: i64,
        start: DateTime<Utc>,
        reason: &str,
    ) -> Result<protocol::Reservation> {
        let reason = Reason::parse(reason)?;
        let (_guard, now) = self.lock().await;
        let mut r = self.booked(id).await?;
        let slot = booking::find_slot(&self.office, &r.service, start).ok_or_else(|| {
            Error::invalid(
                ErrorCode::UnknownSlot,
                "there is no slot of this service at that time",
            )
        })?;
        if slot.start == r.start {
            return Err(Error::conflict(
                ErrorCode::SameSlot,
                "the reservation is already in this slot",
            ));
        }
        if slot.start < now {
            return Err(Error::conflict(
                ErrorCode::TooLateToBook,
                "this slot has passed",
            ));
        }
        let capacity = self.office.booths_serving(&r.service) as i64;
        let mut tx = self.store.begin().await?;
        if Store::taken_in_slot(&mut tx, &r.service, slot.start).await? >= capacity {
            return Err(Error::conflict(
                ErrorCode::SlotFull,
                "this slot is fully booked",
            ));
        }
        Store::move_reservation(&mut tx, r.id, slot.start, slot.end, now).await?;
        Store::set_change_reason(&mut tx, r.id, &reason, &staff.author()).await?;
        self.commit_reservation_change(
            tx,
            reservation_event(r.id, &r.service, slot.start, ReservationState::Booked),
            staff,
            now,
        )
        .await?;
        r.start = slot.start;
        r.end = slot.end;
        r.change_reason = Some(reason.to_string());
        Ok(views::reservation(&self.office, &r, None))
    }

    /// A reservation that is still booked (write lock held by the caller).
    async fn booked(&self, id: i64) -> Result<ReservationRow> {
        let r = self.store.reservation_by_id(id).await?.ok_or_else(|| {
            Error::not_found(ErrorCode::UnknownReservation, "no such reservation")
        })?;
        match r.state {
            ReservationState::Booked => Ok(r),
            ReservationState::Cancelled => Err(Error::conflict(
                ErrorCode::Cancelled,
                "this reservation was cancelled",
            )),
            _ => Err(Error::conflict(
                ErrorCode::AlreadyCheckedIn,
                "a reservation that was checked in cannot be changed",
            )),
        }
    }

    /// The reservation's manage URL, for its QR code.
    /// The booking's calendar file for its token holder.
    pub async fn reservation_calendar(&self, token: &str) -> Result<String> {
        let (r, url) = self.reservation_url(token).await?;
        Ok(crate::calendar::reservation_ics(
            &self.office,
            &r,
            &url,
            self.clock.now(),
        ))
    }

    pub async fn reservation_url(&self, token: &str) -> Result<(ReservationRow, String)> {
        let r = self.reservation_by_token(token).await?;
        Ok((r, format!("{}/r/{}", self.office.public_url, token)))
    }
}

fn reservation_event(
    id: i64,
    service: &str,
    start: DateTime<Utc>,
    state: ReservationState,
) -> EventData {
    EventData {
        reservation_id: Some(id),
        service: Some(service.to_string()),
        slot_start: Some(start.fixed_offset()),
        state: Some(state.as_str().to_string()),
        ..EventData::default()
    }
}

/// The answers of a booking are kept whole, up to a size.
fn check_answers_size(req: &CreateReservation) -> Result<()> {
    if let Some(answers) = &req.answers {
        let size = serde_json::to_string(answers)
            .map(|s| s.len())
            .unwrap_or(usize::MAX);
        if size > MAX_ANSWERS_BYTES {
            return Err(Error::invalid(
                ErrorCode::AnswersTooLarge,
                format!("answers: at most {MAX_ANSWERS_BYTES} bytes"),
            ));
        }
    }
    Ok(())
}

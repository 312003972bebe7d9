//! The queue engine: numbering, ticket state machine, call-next order and
//! wait estimates. Pure code: no I/O, no clock (callers pass `now`).
//!
//! Every command is planned against `&self` and returns an [`Outcome`]
//! (changed records and the events they cause). The caller stores the
//! outcome durably and only then [`Floor::apply`]s it, so memory never runs
//! ahead of the database.

pub mod order;
pub mod ticket;
pub mod wait;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use protocol::{
    BoothState, EventData, EventKind, ReservationState, TicketSource, TicketState, WaitEstimate,
};

pub use order::OrderKey;
pub use ticket::{Action, Note, Ticket, TicketId};
pub use wait::Ewma;

/// Why the engine refused a command.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    #[error("no ticket with id {0}")]
    UnknownTicket(TicketId),
    #[error("no booth {0:?}")]
    UnknownBooth(String),
    #[error("no service {0:?}")]
    UnknownService(String),
    #[error("a ticket needs 1 to 10 different services")]
    BadServiceList,
    #[error("cannot {action} a ticket that is {}", .from.as_str())]
    InvalidTransition { from: TicketState, action: Action },
    #[error("booth {0:?} is not open")]
    BoothNotOpen(String),
    #[error("booth {booth:?} is still busy with ticket {number}")]
    BoothBusy { booth: String, number: String },
    #[error("booth {booth:?} does not serve {service:?}")]
    ServiceNotServed { booth: String, service: String },
    #[error("service {0:?} takes reservations only")]
    ReservationOnly(String),
}

/// The per-service rules the engine needs from the office configuration.
#[derive(Debug, Clone)]
pub struct ServiceRule {
    pub prefix: char,
    pub average_minutes: f64,
    pub reservation_only: bool,
}

#[derive(Debug, Clone)]
pub struct Rules {
    pub services: BTreeMap<String, ServiceRule>,
    pub booth_services: BTreeMap<String, Vec<String>>,
    /// Calls after which a recall turns the ticket into a no-show.
    pub max_calls: u32,
    pub ewma_alpha: f64,
}

impl Rules {
    pub fn from_office(office: &crate::config::Office) -> Rules {
        Rules {
            services: office
                .services
                .iter()
                .map(|s| {
                    (
                        s.id.clone(),
                        ServiceRule {
                            prefix: s.prefix.chars().next().unwrap_or('X'),
                            average_minutes: f64::from(s.average_minutes),
                            reservation_only: s.reservation_only,
                        },
                    )
                })
                .collect(),
            booth_services: office
                .booths
                .iter()
                .map(|b| (b.id.clone(), b.services.clone()))
                .collect(),
            max_calls: office.queue.max_calls,
            ewma_alpha: office.queue.ewma_alpha,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoothStatus {
    pub state: BoothState,
    pub current: Option<TicketId>,
}

/// A request for a new ticket.
#[derive(Debug, Clone)]
pub struct NewTicket {
    pub services: Vec<String>,
    pub source: TicketSource,
    pub reservation_id: Option<i64>,
    pub slot_start: Option<DateTime<Utc>>,
    pub priority: bool,
    pub status_token: String,
    pub device_id: Option<i64>,
    pub idempotency_key: Option<String>,
    pub language: Option<String>,
}

/// The result of a command: records to store, then apply.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub tickets: Vec<Ticket>,
    pub booths: Vec<(String, BoothStatus)>,
    pub events: Vec<(EventKind, EventData)>,
    pub reservation: Option<(i64, ReservationState)>,
    pub service_time: Option<ServiceTime>,
}

/// A procedure finished at a counter: its times, as they were before the
/// ticket moved on to its next step (statistics, and the estimate's
/// samples on every server), and the service's average after it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceTime {
    pub service: String,
    pub queued_at: DateTime<Utc>,
    pub called_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub done_at: DateTime<Utc>,
    pub average_minutes: f64,
}

impl Outcome {
    /// The (last) ticket this outcome touched.
    pub fn ticket(&self) -> Option<&Ticket> {
        self.tickets.last()
    }

    /// Whether the floor (its tickets or booths) changes: other servers on
    /// the same database then read it again.
    pub fn changes_floor(&self) -> bool {
        !self.tickets.is_empty() || !self.booths.is_empty()
    }
}

/// The state of one service day on the floor.
#[derive(Debug, Clone)]
pub struct Floor {
    pub day: NaiveDate,
    rules: Rules,
    tickets: BTreeMap<TicketId, Ticket>,
    booths: BTreeMap<String, BoothStatus>,
    next_id: TicketId,
    last_seq: BTreeMap<char, u32>,
    service_minutes: BTreeMap<String, Ewma>,
}

/// Ends every unfinished ticket among `tickets` as expired at `now`.
pub fn expire_unfinished<'a>(
    tickets: impl IntoIterator<Item = &'a Ticket>,
    now: DateTime<Utc>,
) -> Outcome {
    let mut out = Outcome::default();
    for t in tickets.into_iter().filter(|t| !t.state.is_final()) {
        let mut t = t.clone();
        t.state = TicketState::Expired;
        t.booth = None;
        t.done_at = Some(now);
        out.events
            .push((EventKind::TicketExpired, ticket_event(&t)));
        out.tickets.push(t);
    }
    out
}

fn ticket_event(t: &Ticket) -> EventData {
    EventData {
        ticket_id: Some(t.id),
        number: Some(t.number.clone()),
        services: t.services.clone(),
        service: Some(t.current_service().to_string()),
        booth: t.booth.clone(),
        state: Some(t.state.as_str().to_string()),
        call_count: Some(t.call_count),
        ..EventData::default()
    }
}

/// A call's event also names the visitor's language when the board must
/// add it to Japanese and English (nothing else about the visitor).
fn call_event(t: &Ticket) -> EventData {
    EventData {
        language: t.language.clone().filter(|l| l != "ja" && l != "en"),
        ..ticket_event(t)
    }
}

fn booth_event(id: &str, b: &BoothStatus, number: Option<String>) -> EventData {
    EventData {
        booth: Some(id.to_string()),
        state: Some(b.state.as_str().to_string()),
        number,
        ..EventData::default()
    }
}

impl Floor {
    /// An empty day. `next_id` continues the store's ticket ids.
    pub fn new(rules: Rules, day: NaiveDate, next_id: TicketId) -> Floor {
        let booths = rules
            .booth_services
            .keys()
            .map(|id| {
                (
                    id.clone(),
                    BoothStatus {
                        state: BoothState::Closed,
                        current: None,
                    },
                )
            })
            .collect();
        let service_minutes = rules
            .services
            .iter()
            .map(|(id, r)| (id.clone(), Ewma::new(r.average_minutes)))
            .collect();
        Floor {
            day,
            rules,
            tickets: BTreeMap::new(),
            booths,
            next_id: next_id.max(1),
            last_seq: BTreeMap::new(),
            service_minutes,
        }
    }

    /// Rebuilds a day from stored tickets and booth states (at start-up).
    /// Service-time averages are replayed from the day's finished steps.
    pub fn restore(
        rules: Rules,
        day: NaiveDate,
        next_id: TicketId,
        tickets: Vec<Ticket>,
        booths: Vec<(String, BoothStatus)>,
        service_samples: Vec<(String, f64)>,
    ) -> Floor {
        let mut floor = Floor::new(rules, day, next_id);
        floor.catch_up(next_id, tickets, booths, service_samples);
        floor
    }

    /// Takes in what the database holds beyond this floor (another server's
    /// changes, or the whole day at start-up): tickets as they now are,
    /// every booth, the service times recorded since, in order.
    pub fn catch_up(
        &mut self,
        next_id: TicketId,
        tickets: Vec<Ticket>,
        booths: Vec<(String, BoothStatus)>,
        service_samples: Vec<(String, f64)>,
    ) {
        self.next_id = self.next_id.max(next_id);
        for (id, status) in booths {
            if self.booths.contains_key(&id) {
                self.booths.insert(id, status);
            }
        }
        for t in tickets {
            let seq = self.last_seq.entry(t.prefix).or_insert(0);
            *seq = (*seq).max(t.seq);
            self.next_id = self.next_id.max(t.id + 1);
            self.tickets.insert(t.id, t);
        }
        // A booth may point at a ticket of an earlier day: let it go.
        for b in self.booths.values_mut() {
            if b.current.is_some_and(|c| !self.tickets.contains_key(&c)) {
                b.current = None;
            }
        }
        let alpha = self.rules.ewma_alpha;
        for (service, minutes) in service_samples {
            if let Some(e) = self.service_minutes.get_mut(&service) {
                *e = e.observe(minutes, alpha);
            }
        }
    }

    /// Closes the floor's day: every ticket still unfinished ends as
    /// `expired` (an event each), so nothing from yesterday waits for
    /// ever beside today's restarted numbers.
    pub fn close_day(&self, now: DateTime<Utc>) -> Outcome {
        expire_unfinished(self.tickets.values(), now)
    }

    /// Starts a new service day: numbering restarts, booths keep their state
    /// but drop yesterday's tickets.
    pub fn roll_to(&mut self, day: NaiveDate) {
        if day == self.day {
            return;
        }
        self.day = day;
        self.tickets.clear();
        self.last_seq.clear();
        for b in self.booths.values_mut() {
            b.current = None;
        }
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    pub fn ticket(&self, id: TicketId) -> Option<&Ticket> {
        self.tickets.get(&id)
    }

    pub fn tickets(&self) -> impl Iterator<Item = &Ticket> {
        self.tickets.values()
    }

    pub fn ticket_by_status_token(&self, token: &str) -> Option<&Ticket> {
        self.tickets.values().find(|t| t.status_token == token)
    }

    pub fn ticket_by_idempotency(&self, device: i64, key: &str) -> Option<&Ticket> {
        self.tickets
            .values()
            .find(|t| t.device_id == Some(device) && t.idempotency_key.as_deref() == Some(key))
    }

    pub fn ticket_for_reservation(&self, reservation: i64) -> Option<&Ticket> {
        self.tickets
            .values()
            .find(|t| t.reservation_id == Some(reservation))
    }

    pub fn booth(&self, id: &str) -> Option<&BoothStatus> {
        self.booths.get(id)
    }

    pub fn booths(&self) -> impl Iterator<Item = (&String, &BoothStatus)> {
        self.booths.iter()
    }

    pub fn next_id(&self) -> TicketId {
        self.next_id
    }

    pub fn service_minutes(&self, service: &str) -> f64 {
        self.service_minutes
            .get(service)
            .map(|e| e.minutes)
            .unwrap_or(10.0)
    }

    /// Stores the outcome's records in memory (after the database has them).
    pub fn apply(&mut self, outcome: &Outcome) {
        for t in &outcome.tickets {
            let seq = self.last_seq.entry(t.prefix).or_insert(0);
            *seq = (*seq).max(t.seq);
            self.next_id = self.next_id.max(t.id + 1);
            self.tickets.insert(t.id, t.clone());
        }
        for (id, b) in &outcome.booths {
            self.booths.insert(id.clone(), *b);
        }
        if let Some(st) = &outcome.service_time {
            self.service_minutes
                .insert(st.service.clone(), Ewma::new(st.average_minutes));
        }
    }

    fn get(&self, id: TicketId) -> Result<&Ticket, EngineError> {
        self.tickets.get(&id).ok_or(EngineError::UnknownTicket(id))
    }

    fn booth_status(&self, id: &str) -> Result<BoothStatus, EngineError> {
        self.booths
            .get(id)
            .copied()
            .ok_or_else(|| EngineError::UnknownBooth(id.to_string()))
    }

    fn check(action: Action, t: &Ticket) -> Result<(), EngineError> {
        if action.allowed_from(t.state) {
            Ok(())
        } else {
            Err(EngineError::InvalidTransition {
                from: t.state,
                action,
            })
        }
    }

    /// Issues a ticket: daily number from the first service's prefix.
    pub fn issue(&self, req: NewTicket, now: DateTime<Utc>) -> Result<Outcome, EngineError> {
        self.issue_as(self.next_id, req, now)
    }

    /// Issues a ticket with id `id`. In a city every office's floor issues
    /// tickets, whose ids are unique across the city: the store hands them
    /// out (`Store::next_ticket_id`).
    pub fn issue_as(
        &self,
        id: TicketId,
        req: NewTicket,
        now: DateTime<Utc>,
    ) -> Result<Outcome, EngineError> {
        let repeated = req
            .services
            .iter()
            .enumerate()
            .any(|(i, s)| req.services[..i].contains(s));
        if req.services.is_empty() || req.services.len() > 10 || repeated {
            return Err(EngineError::BadServiceList);
        }
        for s in &req.services {
            let rule = self
                .rules
                .services
                .get(s)
                .ok_or_else(|| EngineError::UnknownService(s.clone()))?;
            if rule.reservation_only && req.source == TicketSource::WalkIn {
                return Err(EngineError::ReservationOnly(s.clone()));
            }
        }
        let prefix = self.rules.services[&req.services[0]].prefix;
        let seq = self.last_seq.get(&prefix).copied().unwrap_or(0) + 1;
        let ticket = Ticket {
            id,
            day: self.day,
            number: format!("{prefix}{seq:03}"),
            prefix,
            seq,
            services: req.services,
            step: 0,
            source: req.source,
            reservation_id: req.reservation_id,
            slot_start: req.slot_start,
            priority: req.priority,
            state: TicketState::Waiting,
            booth: None,
            issued_at: now,
            queued_at: now,
            called_at: None,
            call_count: 0,
            started_at: None,
            done_at: None,
            notes: Vec::new(),
            status_token: req.status_token,
            device_id: req.device_id,
            idempotency_key: req.idempotency_key,
            language: req.language,
        };
        let mut events = vec![(EventKind::TicketIssued, ticket_event(&ticket))];
        let reservation = ticket.reservation_id.map(|r| {
            let data = EventData {
                reservation_id: Some(r),
                service: Some(ticket.current_service().to_string()),
                state: Some(ReservationState::CheckedIn.as_str().to_string()),
                number: Some(ticket.number.clone()),
                ..EventData::default()
            };
            events.push((EventKind::ReservationChanged, data));
            (r, ReservationState::CheckedIn)
        });
        Ok(Outcome {
            tickets: vec![ticket],
            events,
            reservation,
            ..Outcome::default()
        })
    }

    /// Opens, pauses or closes a booth. A booth with a visitor at it cannot
    /// close (it can pause: the current visitor is still served).
    pub fn set_booth_state(&self, booth: &str, state: BoothState) -> Result<Outcome, EngineError> {
        let mut status = self.booth_status(booth)?;
        if state == BoothState::Closed
            && let Some(current) = status.current
        {
            return Err(self.busy(booth, current));
        }
        status.state = state;
        let number = status
            .current
            .and_then(|c| self.tickets.get(&c))
            .map(|t| t.number.clone());
        Ok(Outcome {
            booths: vec![(booth.to_string(), status)],
            events: vec![(EventKind::BoothChanged, booth_event(booth, &status, number))],
            ..Outcome::default()
        })
    }

    /// The booth is still serving `current`: say whom, so staff know.
    fn busy(&self, booth: &str, current: TicketId) -> EngineError {
        EngineError::BoothBusy {
            booth: booth.to_string(),
            number: self
                .tickets
                .get(&current)
                .map(|t| t.number.clone())
                .unwrap_or_default(),
        }
    }

    fn ready_booth(&self, booth: &str) -> Result<BoothStatus, EngineError> {
        let status = self.booth_status(booth)?;
        if status.state != BoothState::Open {
            return Err(EngineError::BoothNotOpen(booth.to_string()));
        }
        if let Some(current) = status.current {
            return Err(self.busy(booth, current));
        }
        Ok(status)
    }

    fn serves(&self, booth: &str, service: &str) -> bool {
        self.rules
            .booth_services
            .get(booth)
            .is_some_and(|s| s.iter().any(|x| x == service))
    }

    /// The ticket call-next would choose for a booth, without calling it.
    pub fn next_for_booth(&self, booth: &str, now: DateTime<Utc>) -> Option<&Ticket> {
        self.tickets
            .values()
            .filter(|t| t.state == TicketState::Waiting && self.serves(booth, t.current_service()))
            .min_by_key(|t| OrderKey::of(t, now))
    }

    /// Calls the next visitor to a booth: `Ok(None)` when nobody waits.
    pub fn call_next(
        &self,
        booth: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Outcome>, EngineError> {
        self.ready_booth(booth)?;
        match self.next_for_booth(booth, now) {
            Some(t) => self.call(booth, t.id, now).map(Some),
            None => Ok(None),
        }
    }

    /// Calls a specific waiting ticket out of order.
    pub fn call(
        &self,
        booth: &str,
        id: TicketId,
        now: DateTime<Utc>,
    ) -> Result<Outcome, EngineError> {
        let mut status = self.ready_booth(booth)?;
        let mut t = self.get(id)?.clone();
        Self::check(Action::Call, &t)?;
        if !self.serves(booth, t.current_service()) {
            return Err(EngineError::ServiceNotServed {
                booth: booth.to_string(),
                service: t.current_service().to_string(),
            });
        }
        t.state = TicketState::Called;
        t.booth = Some(booth.to_string());
        t.called_at = Some(now);
        t.call_count = 1;
        status.current = Some(t.id);
        Ok(Outcome {
            events: vec![(EventKind::TicketCalled, call_event(&t))],
            tickets: vec![t],
            booths: vec![(booth.to_string(), status)],
            ..Outcome::default()
        })
    }

    /// Calls again. The call after `max_calls` makes the ticket a no-show.
    pub fn recall(&self, id: TicketId, now: DateTime<Utc>) -> Result<Outcome, EngineError> {
        let t = self.get(id)?;
        Self::check(Action::Recall, t)?;
        if t.call_count >= self.rules.max_calls {
            return self.no_show(id, now);
        }
        let mut t = t.clone();
        t.call_count += 1;
        t.called_at = Some(now);
        Ok(Outcome {
            events: vec![(EventKind::TicketRecalled, call_event(&t))],
            tickets: vec![t],
            ..Outcome::default()
        })
    }

    pub fn start(&self, id: TicketId, now: DateTime<Utc>) -> Result<Outcome, EngineError> {
        let mut t = self.get(id)?.clone();
        Self::check(Action::Start, &t)?;
        t.state = TicketState::Serving;
        t.started_at = Some(now);
        Ok(Outcome {
            events: vec![(EventKind::TicketServing, ticket_event(&t))],
            tickets: vec![t],
            ..Outcome::default()
        })
    }

    fn free_booth(&self, t: &Ticket, outcome: &mut Outcome) {
        if let Some(b) = &t.booth
            && let Some(status) = self.booths.get(b)
            && status.current == Some(t.id)
        {
            outcome.booths.push((
                b.clone(),
                BoothStatus {
                    state: status.state,
                    current: None,
                },
            ));
        }
    }

    /// Finishes the current procedure. A ticket with more procedures goes on
    /// waiting for the next one, keeping its number and its place.
    pub fn complete(&self, id: TicketId, now: DateTime<Utc>) -> Result<Outcome, EngineError> {
        let before = self.get(id)?;
        Self::check(Action::Complete, before)?;
        let mut out = Outcome::default();
        self.free_booth(before, &mut out);
        let mut t = before.clone();
        // Counter time: from the call (walking up, recalls) to done.
        let started = t.called_at.or(t.started_at).unwrap_or(now);
        let sample = (now - started).num_milliseconds() as f64 / 60_000.0;
        let service = t.current_service().to_string();
        let ewma = self
            .service_minutes
            .get(&service)
            .copied()
            .unwrap_or(Ewma::new(10.0))
            .observe(sample, self.rules.ewma_alpha);
        out.service_time = Some(ServiceTime {
            service: service.clone(),
            queued_at: t.queued_at,
            called_at: t.called_at,
            started_at: t.started_at,
            done_at: now,
            average_minutes: ewma.minutes,
        });
        let mut done_event = ticket_event(&t);
        done_event.state = Some(TicketState::Done.as_str().to_string());
        out.events.push((EventKind::TicketDone, done_event));
        if t.is_last_step() {
            t.state = TicketState::Done;
            t.done_at = Some(now);
            if let Some(r) = t.reservation_id {
                out.reservation = Some((r, ReservationState::Completed));
                out.events.push((
                    EventKind::ReservationChanged,
                    EventData {
                        reservation_id: Some(r),
                        service: Some(service),
                        state: Some(ReservationState::Completed.as_str().to_string()),
                        ..EventData::default()
                    },
                ));
            }
        } else {
            t.step += 1;
            t.state = TicketState::Waiting;
            t.booth = None;
            t.queued_at = now;
            t.called_at = None;
            t.call_count = 0;
            t.started_at = None;
            // The next step is announced as a transfer into its queue.
            out.events
                .push((EventKind::TicketTransferred, ticket_event(&t)));
        }
        out.tickets.push(t);
        Ok(out)
    }

    pub fn no_show(&self, id: TicketId, now: DateTime<Utc>) -> Result<Outcome, EngineError> {
        let before = self.get(id)?;
        Self::check(Action::NoShow, before)?;
        let mut out = Outcome::default();
        self.free_booth(before, &mut out);
        let mut t = before.clone();
        t.state = TicketState::NoShow;
        t.done_at = Some(now);
        out.events.push((EventKind::TicketNoShow, ticket_event(&t)));
        if let Some(r) = t.reservation_id {
            out.reservation = Some((r, ReservationState::NoShow));
        }
        out.tickets.push(t);
        Ok(out)
    }

    /// Puts a no-show back in the queue at its original place.
    pub fn reactivate(&self, id: TicketId, now: DateTime<Utc>) -> Result<Outcome, EngineError> {
        let mut t = self.get(id)?.clone();
        Self::check(Action::Reactivate, &t)?;
        t.state = TicketState::Waiting;
        t.booth = None;
        t.call_count = 0;
        t.called_at = None;
        t.done_at = None;
        t.queued_at = now;
        let mut out = Outcome {
            events: vec![(EventKind::TicketReactivated, ticket_event(&t))],
            ..Outcome::default()
        };
        if let Some(r) = t.reservation_id {
            out.reservation = Some((r, ReservationState::CheckedIn));
        }
        out.tickets.push(t);
        Ok(out)
    }

    /// Sends the ticket to another service's queue: same number, same notes,
    /// same place by original issue time.
    pub fn transfer(
        &self,
        id: TicketId,
        service: &str,
        note: Option<Note>,
        now: DateTime<Utc>,
    ) -> Result<Outcome, EngineError> {
        let before = self.get(id)?;
        Self::check(Action::Transfer, before)?;
        if !self.rules.services.contains_key(service) {
            return Err(EngineError::UnknownService(service.to_string()));
        }
        let mut out = Outcome::default();
        self.free_booth(before, &mut out);
        let mut t = before.clone();
        let step = t.step;
        t.services[step] = service.to_string();
        t.state = TicketState::Waiting;
        t.booth = None;
        t.queued_at = now;
        t.called_at = None;
        t.call_count = 0;
        t.started_at = None;
        t.notes.extend(note);
        out.events
            .push((EventKind::TicketTransferred, ticket_event(&t)));
        out.tickets.push(t);
        Ok(out)
    }

    pub fn add_note(&self, id: TicketId, note: Note) -> Result<Outcome, EngineError> {
        let mut t = self.get(id)?.clone();
        t.notes.push(note);
        // Notes are staff-only: no public event.
        Ok(Outcome {
            tickets: vec![t],
            ..Outcome::default()
        })
    }

    /// Waiting tickets of a service, in call order.
    pub fn waiting_in_order(&self, service: &str, now: DateTime<Utc>) -> Vec<&Ticket> {
        let mut v: Vec<&Ticket> = self
            .tickets
            .values()
            .filter(|t| t.state == TicketState::Waiting && t.current_service() == service)
            .collect();
        v.sort_by_key(|t| OrderKey::of(t, now));
        v
    }

    /// Waiting tickets of the same service that will be called before this one.
    pub fn people_ahead(&self, t: &Ticket, now: DateTime<Utc>) -> u32 {
        if t.state != TicketState::Waiting {
            return 0;
        }
        let key = OrderKey::of(t, now);
        self.tickets
            .values()
            .filter(|o| {
                o.state == TicketState::Waiting
                    && o.current_service() == t.current_service()
                    && OrderKey::of(o, now) < key
            })
            .count() as u32
    }

    pub fn open_booths(&self, service: &str) -> u32 {
        self.booths
            .iter()
            .filter(|(id, b)| b.state == BoothState::Open && self.serves(id, service))
            .count() as u32
    }

    /// The wait of someone joining the queue for `service` now.
    pub fn estimate(&self, service: &str, now: DateTime<Utc>) -> WaitEstimate {
        wait::range(self.expected_wait(service, None, now))
    }

    /// The estimate for one waiting ticket.
    pub fn estimate_for(&self, t: &Ticket, now: DateTime<Utc>) -> (u32, WaitEstimate) {
        let ahead = self.people_ahead(t, now);
        let key = OrderKey::of(t, now);
        (
            ahead,
            wait::range(self.expected_wait(t.current_service(), Some(key), now)),
        )
    }

    /// Minutes until a counter serving `service` is free for the visitor
    /// whose place is `before` (`None`: behind everyone). "People ahead ×
    /// service time ÷ open counters" (the domain notes), with what the day
    /// simulation showed it missed: a counter that also serves other
    /// procedures spends time on the people ahead in those too (each
    /// counted by the share of its procedure's open counters that are also
    /// ours), and a busy counter first finishes its visitor (half a visit
    /// on average). Service times are counter times (call → done).
    pub fn expected_wait(
        &self,
        service: &str,
        before: Option<OrderKey>,
        now: DateTime<Utc>,
    ) -> f64 {
        let ahead_of_me = |o: &&Ticket| {
            o.state == TicketState::Waiting && before.is_none_or(|k| OrderKey::of(o, now) < k)
        };
        let pool: Vec<&String> = self
            .booths
            .iter()
            .filter(|(id, b)| b.state == BoothState::Open && self.serves(id, service))
            .map(|(id, _)| id)
            .collect();
        if pool.is_empty() {
            // No counter open yet: as if one opens for this procedure.
            let ahead = self
                .tickets
                .values()
                .filter(ahead_of_me)
                .filter(|o| o.current_service() == service)
                .count();
            return ahead as f64 * self.service_minutes(service);
        }
        let mut work = 0.0;
        for o in self.tickets.values().filter(ahead_of_me) {
            let theirs = o.current_service();
            let shared = pool.iter().filter(|b| self.serves(b, theirs)).count();
            if shared > 0 {
                let open = self.open_booths(theirs).max(1) as f64;
                work += self.service_minutes(theirs) * shared as f64 / open;
            }
        }
        for b in &pool {
            if let Some(current) = self.booths.get(*b).and_then(|s| s.current)
                && let Some(t) = self.tickets.get(&current)
            {
                work += self.service_minutes(t.current_service()) / 2.0;
            }
        }
        work / pool.len() as f64
    }

    /// Tickets called most recently first (the board's "now calling").
    pub fn recent_calls(&self, n: usize) -> Vec<&Ticket> {
        let mut v: Vec<&Ticket> = self
            .tickets
            .values()
            .filter(|t| t.called_at.is_some())
            .collect();
        v.sort_by_key(|t| std::cmp::Reverse((t.called_at, t.id)));
        v.truncate(n);
        v
    }
}

#[cfg(test)]
mod tests;

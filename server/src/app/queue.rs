//! The floor: check-in, walk-ins, counters, calls and every ticket step,
//! and what the boards, the staff queue and a visitor's phone read.

use chrono::{DateTime, Utc};
use protocol::{
    BoardSnapshot, BoothState, CheckinRequest, ErrorCode, IssuedTicket, ReservationState,
    StaffQueue, TicketSource, TicketState, WalkInRequest,
};

use super::{Actor, OfficeApp, Writer};
use crate::error::{Error, Result};
use crate::rules::booking::{self, CheckinRefusal, ScannedCode};
use crate::rules::engine::{
    Action, EngineError, Floor, NewTicket, Note, OrderKey, Outcome, TicketId,
};
use crate::rules::input::{BoothId, IdempotencyKey, Language, NoteText, ServiceId};
use crate::storage::ReservationRow;
use crate::{tokens, views};

impl OfficeApp {
    /// Plans a ticket command with the engine, stores it and returns the
    /// ticket as staff see it.
    pub(super) async fn ticket_command(
        &self,
        actor: &Actor,
        plan: impl FnOnce(&Floor, DateTime<Utc>) -> Result<Outcome>,
    ) -> Result<protocol::Ticket> {
        let w = self.write().await?;
        let outcome = plan(&w.floor, w.now)?;
        drop(self.commit(w, &outcome, actor).await?);
        let t = outcome
            .ticket()
            .ok_or_else(|| Error::conflict(ErrorCode::InvalidTransition, "nothing changed"))?;
        Ok(views::staff_ticket(&self.office, t))
    }

    // ---- kiosk ----

    /// Issues a ticket and answers what the kiosk shows.
    pub(super) async fn issue(
        &self,
        w: Writer<'_>,
        req: NewTicket,
        actor: &Actor,
    ) -> Result<IssuedTicket> {
        let mut w = w;
        let now = w.now;
        // Ticket ids are the city's: the store hands out the next one.
        let id = self.store.next_ticket_id(&mut w.tx).await?;
        let outcome = w.floor.issue_as(id, req, now)?;
        let floor = self.commit(w, &outcome, actor).await?;
        let t = outcome
            .ticket()
            .ok_or_else(|| Error::conflict(ErrorCode::InvalidTransition, "no ticket issued"))?;
        Ok(views::issued_ticket(&self.office, &floor, t, now))
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
        let w = self.write().await?;
        // Read under the lock: a cancellation cannot slip in between.
        let mut res = self
            .store
            .reservation_by_token_hash(&hash)
            .await?
            .ok_or_else(|| {
                Error::not_found(ErrorCode::UnknownCode, "no reservation has this code")
            })?;
        // Booked at another office of the city: the visitor is sent there.
        if res.office != self.office.id {
            return Err(Error::conflict(
                ErrorCode::WrongOffice,
                "this booking is for another office",
            ));
        }
        // A language chosen at the kiosk wins over the booking's.
        if let Some(lang) = chosen {
            res.language = Some(lang.to_string());
        }
        self.check_in_locked(w, res, device, Some(device_id), true)
            .await
    }

    /// Staff check a visitor in by hand (no phone, no printout): the same
    /// as a scan, except that staff judge an early or late arrival.
    pub async fn staff_checkin(&self, staff: &Actor, id: i64) -> Result<(bool, IssuedTicket)> {
        let w = self.write().await?;
        let res = self.reservation_row(id).await?;
        self.check_in_locked(w, res, staff, None, false).await
    }

    /// Check-in within a change (`write`).
    pub(super) async fn check_in_locked(
        &self,
        w: Writer<'_>,
        res: ReservationRow,
        actor: &Actor,
        device_id: Option<i64>,
        enforce_window: bool,
    ) -> Result<(bool, IssuedTicket)> {
        let now = w.now;
        if let Some(t) = w.floor.ticket_for_reservation(res.id) {
            // Scanning twice gives the same ticket.
            return Ok((false, views::issued_ticket(&self.office, &w.floor, t, now)));
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
        Ok((true, self.issue(w, req, actor).await?))
    }

    pub async fn walk_in(
        &self,
        device: &Actor,
        device_id: i64,
        req: &WalkInRequest,
    ) -> Result<(bool, IssuedTicket)> {
        let key = IdempotencyKey::parse(&req.idempotency_key)?;
        let key = key.as_str();
        let services = req
            .services
            .iter()
            .map(|s| ServiceId::parse(s).map(ServiceId::into_string))
            .collect::<Result<Vec<_>>>()?;
        let w = self.write().await?;
        let now = w.now;
        if let Some(t) = w.floor.ticket_by_idempotency(device_id, key) {
            if t.services != req.services || t.priority != req.priority {
                return Err(Error::conflict(
                    ErrorCode::IdempotencyConflict,
                    "this idempotency_key was used for a different request",
                ));
            }
            return Ok((false, views::issued_ticket(&self.office, &w.floor, t, now)));
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
            services,
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
        Ok((true, self.issue(w, ticket, device).await?))
    }

    // ---- staff ----

    pub async fn set_booth(
        &self,
        actor: &Actor,
        booth: &BoothId,
        state: BoothState,
    ) -> Result<protocol::Booth> {
        let booth = booth.as_str();
        let w = self.write().await?;
        let outcome = w.floor.set_booth_state(booth, state)?;
        let floor = self.commit(w, &outcome, actor).await?;
        views::booths(&self.office, &floor)
            .into_iter()
            .find(|b| b.id == booth)
            .ok_or_else(|| Error::not_found(ErrorCode::UnknownBooth, format!("no booth {booth:?}")))
    }

    pub async fn call_next(
        &self,
        actor: &Actor,
        booth: &BoothId,
    ) -> Result<Option<protocol::Ticket>> {
        let w = self.write().await?;
        let Some(outcome) = w.floor.call_next(booth.as_str(), w.now)? else {
            return Ok(None);
        };
        drop(self.commit(w, &outcome, actor).await?);
        Ok(outcome
            .ticket()
            .map(|t| views::staff_ticket(&self.office, t)))
    }

    pub async fn call_ticket(
        &self,
        actor: &Actor,
        booth: &BoothId,
        ticket: TicketId,
    ) -> Result<protocol::Ticket> {
        self.ticket_command(actor, |f, now| Ok(f.call(booth.as_str(), ticket, now)?))
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

    pub(super) fn note(
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
        service: &ServiceId,
        note: Option<&str>,
    ) -> Result<protocol::Ticket> {
        self.ticket_command(actor, |f, now| {
            let note = note
                .filter(|n| !n.trim().is_empty())
                .map(|n| self.note(f, actor, id, n, now))
                .transpose()?;
            Ok(f.transfer(id, service.as_str(), note, now)?)
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
}

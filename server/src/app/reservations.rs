//! Bookings: slots and their booking window, booking (once per form
//! key), the token holder's reservation and its checklist and calendar,
//! cancelling, and staff cancelling or moving a booking.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use protocol::{
    CreateReservation, ErrorCode, EventData, EventKind, ReservationCreated, ReservationState,
    SlotClosed,
};

use super::{Actor, OfficeApp, Writer};
use crate::error::{Error, Result};
use crate::rules::booking::{self};
use crate::rules::details::Details;
use crate::rules::engine::EngineError;
use crate::rules::input::{Contact, Language, MAX_ANSWERS_BYTES, Reason, ServiceId};
use crate::storage::{NewReservation, ReservationRow, Store, StoreError};
use crate::{tokens, views};

impl OfficeApp {
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

    pub(super) async fn book_keyed(
        &self,
        req: &CreateReservation,
        key: Option<&tokens::SubmitKey>,
    ) -> Result<ReservationCreated> {
        let id = ServiceId::parse(&req.service)?;
        let service = self
            .office
            .service(&id)
            .ok_or_else(|| EngineError::UnknownService(id.into_string()))?;
        let contact = Contact::parse(
            req.name.as_deref(),
            req.email.as_deref(),
            req.phone.as_deref(),
        )?;
        check_answers_size(req)?;
        let language = Language::parse_optional(req.language.as_deref())?.map(Language::as_str);
        let start = req.start.with_timezone(&Utc);
        let sealed_details = self
            .sealed_details(service, req.answers.as_ref(), req.details.as_ref())?
            .map(|(sealed, _)| sealed);
        let slot = booking::find_slot(&self.office, &service.id, start).ok_or_else(|| {
            Error::invalid(
                ErrorCode::UnknownSlot,
                "there is no bookable slot of this service at that time",
            )
        })?;
        let mut w = self.write().await?;
        let now = w.now;
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
        let taken = self
            .store
            .taken_in_slot(&mut w.tx, &service.id, slot.start)
            .await?;
        if taken >= capacity {
            return Err(Error::conflict(
                ErrorCode::SlotFull,
                "this slot is fully booked",
            ));
        }
        let id = self
            .store
            .insert_reservation(
                &mut w.tx,
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
                    sealed_details: sealed_details.as_deref(),
                },
                now,
            )
            .await?;
        let manage_url = format!("{}/r/{}", self.office.public_url, token);
        if let Some(email) = contact.email.as_deref() {
            let to = (email, language.unwrap_or("ja"));
            let mail = self.booking_mail(id, to, service, &slot, &manage_url, now)?;
            Store::enqueue_mail(
                &mut w.tx,
                mail.kind.as_str(),
                &mail.recipient,
                &mail.message,
                now,
            )
            .await?;
        }
        self.commit_reservation_change(
            w,
            reservation_event(id, &service.id, slot.start, ReservationState::Booked),
            &Actor::Visitor,
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

    /// The family's details checked and sealed for storage, with the
    /// checked details (`None` when none are given). Only a procedure with
    /// the questionnaire (おくやみ) takes them; the first problem is the
    /// 400 `invalid_details` answer.
    pub(super) fn sealed_details(
        &self,
        service: &crate::config::ServiceConfig,
        answers: Option<&serde_json::Map<String, serde_json::Value>>,
        details: Option<&protocol::FamilyDetails>,
    ) -> Result<Option<(String, Details)>> {
        let Some(details) = details else {
            return Ok(None);
        };
        if !service.questionnaire {
            return Err(Error::InvalidField {
                code: ErrorCode::InvalidDetails,
                field: "details".into(),
                message: format!(
                    "details: {:?} takes no family details (only a procedure with the questionnaire does)",
                    service.id
                ),
            });
        }
        let details = self
            .check_details(&service.id, answers, details)
            .map_err(|problems| problems[0].into_error())?;
        if details.is_empty() {
            return Ok(None);
        }
        let json = serde_json::to_vec(details.get())
            .map_err(|e| Error::Storage(StoreError::Corrupt(e.to_string())))?;
        let sealed = self.vault.seal(&json).map_err(|e| {
            Error::Storage(StoreError::Corrupt(format!("sealing the details: {e}")))
        })?;
        Ok(Some((sealed, details)))
    }

    /// The one check of a family's details, for the API and the pages:
    /// every field's own rule, then — when any detail is given — the
    /// fields the forms of the family's checklist need (`needs`). None at
    /// all is fine: the family may give them later or at the counter.
    pub fn check_details(
        &self,
        service: &str,
        answers: Option<&serde_json::Map<String, serde_json::Value>>,
        details: &protocol::FamilyDetails,
    ) -> std::result::Result<Details, Vec<crate::rules::details::FieldProblem>> {
        let today = booking::local_day(&self.office, self.clock.now());
        let details = Details::parse(details, today)?;
        if details.is_empty() {
            return Ok(details);
        }
        let missing = details.missing(&self.details_needed(service, answers));
        if missing.is_empty() {
            Ok(details)
        } else {
            Err(missing)
        }
    }

    /// The details the forms of a family's checklist cannot do without.
    pub fn details_needed(
        &self,
        service: &str,
        answers: Option<&serde_json::Map<String, serde_json::Value>>,
    ) -> Vec<&'static str> {
        let mut needed: Vec<&'static str> = self
            .checklist_for(service, answers)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| self.office.questionnaire.form_of(&p.id))
            .flat_map(|f| f.needs.iter().copied())
            .collect();
        needed.sort_unstable();
        needed.dedup();
        needed
    }

    /// Appends the reservation's `reservation.changed` event to the
    /// change, commits and publishes it.
    pub(super) async fn commit_reservation_change(
        &self,
        mut w: Writer<'_>,
        change: EventData,
        actor: &Actor,
    ) -> Result<()> {
        let events = self
            .store
            .append_events(
                &mut w.tx,
                &[(EventKind::ReservationChanged, change)],
                &actor.audit(),
                w.now,
            )
            .await?;
        // Published before the floor is let go: events go out in id order.
        let _floor = w.commit_plain(self, events.last().map(|e| e.id)).await?;
        self.hub.publish(&events);
        Ok(())
    }

    pub(super) async fn reservation_by_token(&self, token: &str) -> Result<ReservationRow> {
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

    pub(super) async fn ticket_number(&self, r: &ReservationRow) -> Result<Option<String>> {
        let Some(id) = r.ticket_id else {
            return Ok(None);
        };
        Ok(self.store.ticket_by_id(id).await?.map(|t| t.number))
    }

    pub async fn reservation(&self, token: &str) -> Result<protocol::Reservation> {
        let r = self.reservation_by_token(token).await?;
        let number = self.ticket_number(&r).await?;
        let mut view = views::reservation(&self.office, &r, number);
        view.procedures = self.checklist_for(&view.service, view.answers.as_ref());
        Ok(view)
    }

    /// Cancels a booking; cancelling twice is harmless.
    pub async fn cancel(&self, token: &str) -> Result<protocol::Reservation> {
        let r = self.reservation_by_token(token).await?;
        let mut w = self.write().await?;
        let now = w.now;
        let mut r = self.store.reservation_by_id(r.id).await?.ok_or_else(|| {
            Error::not_found(
                ErrorCode::UnknownReservation,
                "no reservation has this code",
            )
        })?;
        match r.state {
            ReservationState::Cancelled => {}
            ReservationState::Booked => {
                Store::set_reservation_state(&mut w.tx, r.id, ReservationState::Cancelled, now)
                    .await?;
                self.commit_reservation_change(
                    w,
                    reservation_event(r.id, &r.service, r.start, ReservationState::Cancelled),
                    &Actor::Visitor,
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
        let mut w = self.write().await?;
        let now = w.now;
        let mut r = self.booked(id).await?;
        Store::set_reservation_state(&mut w.tx, r.id, ReservationState::Cancelled, now).await?;
        Store::set_change_reason(&mut w.tx, r.id, &reason, &staff.author()).await?;
        self.commit_reservation_change(
            w,
            reservation_event(r.id, &r.service, r.start, ReservationState::Cancelled),
            staff,
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
        let mut w = self.write().await?;
        let now = w.now;
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
        if self
            .store
            .taken_in_slot(&mut w.tx, &r.service, slot.start)
            .await?
            >= capacity
        {
            return Err(Error::conflict(
                ErrorCode::SlotFull,
                "this slot is fully booked",
            ));
        }
        Store::move_reservation(&mut w.tx, r.id, slot.start, slot.end, now).await?;
        Store::set_change_reason(&mut w.tx, r.id, &reason, &staff.author()).await?;
        self.commit_reservation_change(
            w,
            reservation_event(r.id, &r.service, slot.start, ReservationState::Booked),
            staff,
        )
        .await?;
        r.start = slot.start;
        r.end = slot.end;
        r.change_reason = Some(reason.to_string());
        Ok(views::reservation(&self.office, &r, None))
    }

    /// One of this office's reservations by id (404 `unknown_reservation`).
    pub(super) async fn reservation_row(&self, id: i64) -> Result<ReservationRow> {
        self.store
            .reservation_by_id(id)
            .await?
            .ok_or_else(|| Error::not_found(ErrorCode::UnknownReservation, "no such reservation"))
    }

    /// A reservation that is still booked (write lock held by the caller).
    pub(super) async fn booked(&self, id: i64) -> Result<ReservationRow> {
        let r = self.reservation_row(id).await?;
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
        Ok(crate::rules::calendar::reservation_ics(
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

    /// The おくやみ checklist of a booking (empty when it uses no questionnaire).
    pub fn reservation_checklist(&self, r: &protocol::Reservation) -> Vec<protocol::Procedure> {
        self.checklist_for(&r.service, r.answers.as_ref())
            .unwrap_or_default()
    }

    /// The checklist for stored answers (read leniently: the questionnaire
    /// may have changed since), `None` for a procedure without it.
    pub(super) fn checklist_for(
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
            crate::rules::checklist::normalize(q, &answers, false)
                .map(|a| crate::rules::checklist::checklist(q, &a))
                .unwrap_or_default(),
        )
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

//! Engine and storage records turned into wire types, in the office's time
//! zone. Public views carry numbers, states and places only.

use chrono::{DateTime, FixedOffset, Utc};
use protocol::{BoardCall, Booth, Localized, ServiceWait, TicketNote, TicketState};

use crate::config::Office;
use crate::rules::engine::{Floor, Ticket};
use crate::storage::ReservationRow;

pub fn local(office: &Office, t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&office.time_zone).fixed_offset()
}

fn service_location(office: &Office, service: &str) -> Localized {
    office
        .service(service)
        .map(|s| s.location.clone())
        .unwrap_or_default()
}

pub fn staff_ticket(office: &Office, t: &Ticket) -> protocol::Ticket {
    protocol::Ticket {
        id: t.id,
        number: t.number.clone(),
        services: t.services.clone(),
        step: t.step,
        current_service: t.current_service().to_string(),
        source: t.source,
        priority: t.priority,
        state: t.state,
        booth: t.booth.clone(),
        reservation_id: t.reservation_id,
        slot_start: t.slot_start.map(|s| local(office, s)),
        issued_at: local(office, t.issued_at),
        called_at: t.called_at.map(|s| local(office, s)),
        call_count: t.call_count,
        started_at: t.started_at.map(|s| local(office, s)),
        done_at: t.done_at.map(|s| local(office, s)),
        notes: t
            .notes
            .iter()
            .map(|n| TicketNote {
                at: local(office, n.at),
                booth: n.booth.clone(),
                service: n.service.clone(),
                author: n.author.clone(),
                text: n.text.clone(),
            })
            .collect(),
    }
}

pub fn issued_ticket(
    office: &Office,
    floor: &Floor,
    t: &Ticket,
    now: DateTime<Utc>,
) -> protocol::IssuedTicket {
    let (ahead, wait) = floor.estimate_for(t, now);
    protocol::IssuedTicket {
        id: t.id,
        number: t.number.clone(),
        services: t.services.clone(),
        state: t.state,
        priority: t.priority,
        status_token: t.status_token.clone(),
        status_url: format!("{}/t/{}", office.public_url, t.status_token),
        people_ahead: ahead,
        estimated_wait: wait,
        location: service_location(office, t.current_service()),
        issued_at: local(office, t.issued_at),
    }
}

/// The phone page's view. `floor` is None for tickets of earlier days.
pub fn ticket_status(
    office: &Office,
    floor: Option<&Floor>,
    t: &Ticket,
    now: DateTime<Utc>,
) -> protocol::TicketStatus {
    let (ahead, wait) = match floor {
        Some(f) if t.state == TicketState::Waiting => {
            let (a, w) = f.estimate_for(t, now);
            (a, Some(w))
        }
        _ => (0, None),
    };
    let booth = t
        .booth
        .as_deref()
        .filter(|_| matches!(t.state, TicketState::Called | TicketState::Serving))
        .and_then(|b| office.booth(b));
    protocol::TicketStatus {
        number: t.number.clone(),
        services: t.services.clone(),
        step: t.step,
        current_service: t.current_service().to_string(),
        state: t.state,
        people_ahead: ahead,
        estimated_wait: wait,
        booth: booth.map(|b| b.id.clone()),
        booth_label: booth.map(|b| b.label.clone()),
        location: booth
            .map(|b| b.location.clone())
            .unwrap_or_else(|| service_location(office, t.current_service())),
        called_at: t.called_at.map(|c| local(office, c)),
        language: t.language.clone(),
    }
}

pub fn booths(office: &Office, floor: &Floor) -> Vec<Booth> {
    office
        .booths
        .iter()
        .map(|b| {
            let status = floor.booth(&b.id);
            Booth {
                id: b.id.clone(),
                label: b.label.clone(),
                location: b.location.clone(),
                services: b.services.clone(),
                state: status
                    .map(|s| s.state)
                    .unwrap_or(protocol::BoothState::Closed),
                current_number: status
                    .and_then(|s| s.current)
                    .and_then(|c| floor.ticket(c))
                    .map(|t| t.number.clone()),
            }
        })
        .collect()
}

pub fn service_waits(office: &Office, floor: &Floor, now: DateTime<Utc>) -> Vec<ServiceWait> {
    office
        .services
        .iter()
        .map(|s| {
            let waiting = floor.waiting_in_order(&s.id, now).len() as u32;
            let estimated_wait = floor.estimate(&s.id, now);
            let thresholds = &office.congestion;
            ServiceWait {
                service: s.id.clone(),
                waiting,
                lamp: protocol::Lamp::with_thresholds(
                    estimated_wait.minutes,
                    thresholds.blue_below_minutes,
                    thresholds.red_above_minutes,
                ),
                estimated_wait,
                open_booths: floor.open_booths(&s.id),
            }
        })
        .collect()
}

pub fn recent_calls(office: &Office, floor: &Floor) -> Vec<BoardCall> {
    floor
        .recent_calls(office.queue.recent_calls)
        .into_iter()
        .filter_map(|t| {
            let booth = office.booth(t.booth.as_deref()?)?;
            Some(BoardCall {
                number: t.number.clone(),
                booth: booth.id.clone(),
                booth_label: booth.label.clone(),
                location: booth.location.clone(),
                called_at: local(office, t.called_at?),
                call_count: t.call_count,
            })
        })
        .collect()
}

/// The reservation number visitors quote on the phone and staff look up:
/// the record id, zero-padded (not a secret; the token is).
pub fn reservation_number(id: i64) -> String {
    format!("{id:06}")
}

pub fn reservation(
    office: &Office,
    r: &ReservationRow,
    ticket_number: Option<String>,
) -> protocol::Reservation {
    protocol::Reservation {
        id: r.id,
        service: r.service.clone(),
        start: local(office, r.start),
        end: local(office, r.end),
        state: r.state,
        name: r.name.clone(),
        email: r.email.clone(),
        phone: r.phone.clone(),
        answers: r.answers.clone(),
        ticket_number,
        change_reason: r.change_reason.clone(),
        language: r.language.clone(),
        procedures: None,
    }
}

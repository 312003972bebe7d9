//! The people of the simulated day, each a task talking to the server over
//! loopback with the `protocol` client: visitors at the kiosk, families with
//! reservations, counter staff, the wall board and phones following events.
//! Every acknowledged answer is written down for the final check. When the
//! server is down (crash test) they retry or re-read the state, as the
//! real kiosk and console do.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use protocol::{Client, ClientError, TicketState, WalkInRequest};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::clock::SimClock;
use crate::plan::{self, Visitor};

/// A ticket the kiosk handed out, with the wait it showed.
#[derive(Debug, Clone)]
pub struct Issued {
    pub ticket: i64,
    pub walk_in: bool,
    /// What the visitor asked for (not what the server stored).
    pub priority: bool,
    /// The family's booked slot, from the plan.
    pub slot: Option<DateTime<Utc>>,
    /// The issue time printed on the visitor's ticket (the kiosk's answer).
    pub issued_at: DateTime<Utc>,
    pub estimate: protocol::WaitEstimate,
}

/// Everything the server acknowledged (a 2xx answer).
#[derive(Debug, Default)]
pub struct Acks {
    pub issued: Vec<Issued>,
    pub bookings: Vec<i64>,
    pub calls: Vec<(i64, String)>,
    pub starts: Vec<i64>,
    pub completes: Vec<i64>,
    pub no_shows: Vec<i64>,
    pub transfers: Vec<i64>,
    pub recalls: Vec<i64>,
    /// Refusals that were not meant to happen, by code.
    pub refused: HashMap<String, u32>,
    /// Families the plan sends too late, refused as they must be.
    pub turned_away: u32,
}

/// How a called visitor will behave, by ticket id.
#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    pub absent: bool,
    pub transfer_to: Option<String>,
}

pub struct Shared {
    pub clock: SimClock,
    pub acks: Mutex<Acks>,
    pub behaviour: Mutex<HashMap<i64, Behaviour>>,
    /// Every visitor has arrived (and got a ticket or a refusal).
    pub arrivals_done: AtomicBool,
    /// Requests that failed on the transport or with 5xx and were retried.
    pub retries: AtomicU64,
    pub stop: tokio::sync::watch::Sender<bool>,
    /// What the phones following a ticket received.
    pub phones: Mutex<Vec<Received>>,
    /// Each acknowledged call: its ticket and when `call-next` was sent
    /// (for call → board latency).
    pub calls_sent: Mutex<Vec<(i64, Instant)>>,
}

impl Shared {
    fn ack(&self, f: impl FnOnce(&mut Acks)) {
        if let Ok(mut a) = self.acks.lock() {
            f(&mut a);
        }
    }

    fn refused(&self, code: &str) {
        self.ack(|a| *a.refused.entry(code.to_string()).or_default() += 1);
    }

    fn behaviour_of(&self, ticket: i64) -> Behaviour {
        self.behaviour
            .lock()
            .ok()
            .and_then(|b| b.get(&ticket).cloned())
            .unwrap_or_default()
    }
}

/// A failure worth retrying: the server is down or restarting.
fn transient(e: &ClientError) -> bool {
    match e {
        ClientError::Api { status, .. } => *status >= 500 || *status == 429,
        _ => true,
    }
}

fn api_code(e: &ClientError) -> Option<&str> {
    match e {
        ClientError::Api { body, .. } => Some(body.code.as_str()),
        _ => None,
    }
}

const PAUSE: Duration = Duration::from_millis(100);
/// Retries of one request before the agent gives up on it.
const MAX_TRIES: u32 = 600;

/// Sends a kiosk request until the server answers: transport failures and
/// 5xx are retried (the server may be restarting). A refusal gives its
/// code (`gave_up` after too many tries).
async fn at_the_kiosk<F, Fut>(
    shared: &Shared,
    mut send: F,
) -> Result<protocol::IssuedTicket, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<protocol::IssuedTicket, ClientError>>,
{
    for _ in 0..MAX_TRIES {
        match send().await {
            Ok(t) => return Ok(t),
            Err(e) if transient(&e) => {
                shared.retries.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(PAUSE).await;
            }
            Err(e) => return Err(api_code(&e).unwrap_or("other").to_string()),
        }
    }
    Err("gave_up".into())
}

fn record_issued(
    shared: &Shared,
    t: &protocol::IssuedTicket,
    walk_in: bool,
    priority: bool,
    slot: Option<DateTime<Utc>>,
) {
    shared.ack(|a| {
        a.issued.push(Issued {
            ticket: t.id,
            walk_in,
            priority,
            slot,
            issued_at: t.issued_at.with_timezone(&Utc),
            estimate: t.estimated_wait,
        })
    });
}

/// A walk-in visitor: takes a ticket (the same one on every retry, by its
/// idempotency key), then perhaps follows it on the phone for a while.
pub async fn walk_in(shared: Arc<Shared>, kiosk: Client, phone: Client, v: Visitor) {
    let req = WalkInRequest {
        services: v.services.clone(),
        priority: v.priority,
        idempotency_key: v.key.clone(),
        language: None,
    };
    let t = match at_the_kiosk(&shared, || kiosk.walk_in(&req)).await {
        Ok(t) => t,
        Err(code) => return shared.refused(&code),
    };
    if let Ok(mut b) = shared.behaviour.lock() {
        b.insert(
            t.id,
            Behaviour {
                absent: v.absent,
                transfer_to: v.transfer_to.clone(),
            },
        );
    }
    record_issued(&shared, &t, true, v.priority, None);
    if let Some(minutes) = v.watches_minutes {
        tokio::spawn(phone_follows(shared.clone(), phone, minutes));
    }
}

/// A family with a reservation scans its QR code at the kiosk. One the
/// plan sends after check-in closed must be refused (`too_late`).
pub async fn reservation_visit(
    shared: Arc<Shared>,
    kiosk: Client,
    token: String,
    slot: DateTime<Utc>,
    too_late: bool,
) {
    match (
        at_the_kiosk(&shared, || kiosk.checkin(&token)).await,
        too_late,
    ) {
        (Ok(t), false) => record_issued(&shared, &t, false, false, Some(slot)),
        (Ok(_), true) => shared.refused("checked_in_after_closing"),
        (Err(code), true) if code == "too_late" => shared.ack(|a| a.turned_away += 1),
        (Err(code), _) => shared.refused(&code),
    }
}

/// When a counter works: opens at `open`, pauses for lunch, closes when the
/// day is over and nobody is left.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub open: DateTime<Utc>,
    pub pause: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub last_arrival: DateTime<Utc>,
}

/// What the counter is busy with.
#[derive(Debug, Clone)]
struct Current {
    id: i64,
    state: TicketState,
    service: String,
    step: usize,
    call_count: u32,
}

impl From<&protocol::Ticket> for Current {
    fn from(t: &protocol::Ticket) -> Current {
        Current {
            id: t.id,
            state: t.state,
            service: t.current_service.clone(),
            step: t.step,
            call_count: t.call_count,
        }
    }
}

/// One counter's staff member: opens, calls the next visitor, serves them
/// (or marks them absent after a recall, or sends them on), pauses for
/// lunch, closes at the end. After any failed request the counter re-reads
/// its state from the server, like the console after a reload.
pub async fn counter(
    shared: Arc<Shared>,
    staff: Client,
    booth: String,
    schedule: Schedule,
    seed: u64,
) {
    let clock = shared.clock;
    let mut rng = StdRng::seed_from_u64(seed);
    clock.sleep_until(schedule.open).await;
    let mut desk = Desk::default();
    let mut transferred: std::collections::HashSet<i64> = Default::default();
    loop {
        if desk.failures > MAX_TRIES {
            shared.refused("counter_gave_up");
            return;
        }
        let now = clock.now();
        let in_pause = schedule.pause.is_some_and(|(a, b)| now >= a && now < b);
        // Serve the visitor at the counter first.
        if let Some(c) = desk.current.clone() {
            let step = serve_step(&shared, &staff, &c, &mut rng, &mut transferred).await;
            match step {
                Ok(next) => {
                    desk.current = next;
                    desk.failures = 0;
                }
                Err(()) => {
                    desk.recover(&shared, &staff, &booth).await;
                }
            }
            continue;
        }
        let wanted = if in_pause {
            protocol::BoothState::Paused
        } else {
            protocol::BoothState::Open
        };
        if desk.booth_state != Some(wanted) {
            let action = if in_pause { "pause" } else { "open" };
            match staff.booth_action(&booth, action).await {
                Ok(b) => {
                    desk.booth_state = Some(b.state);
                    desk.failures = 0;
                }
                Err(_) => {
                    desk.recover(&shared, &staff, &booth).await;
                }
            }
            continue;
        }
        if in_pause {
            clock.sleep_minutes(1.0).await;
            continue;
        }
        let sent = Instant::now();
        match staff.call_next(&booth).await {
            Ok(r) => {
                desk.failures = 0;
                match r.ticket {
                    Some(t) => {
                        shared.ack(|a| a.calls.push((t.id, booth.clone())));
                        if let Ok(mut c) = shared.calls_sent.lock() {
                            c.push((t.id, sent));
                        }
                        desk.current = Some(Current::from(&t));
                    }
                    None => {
                        if now >= schedule.last_arrival
                            && shared.arrivals_done.load(Ordering::SeqCst)
                            && nobody_left(&staff).await
                        {
                            let _ = staff.booth_action(&booth, "close").await;
                            return;
                        }
                        clock.sleep_minutes(0.5).await;
                    }
                }
            }
            Err(_) => {
                desk.recover(&shared, &staff, &booth).await;
            }
        }
    }
}

/// What a counter agent knows of its booth.
#[derive(Default)]
struct Desk {
    booth_state: Option<protocol::BoothState>,
    current: Option<Current>,
    /// Failed requests in a row.
    failures: u32,
}

impl Desk {
    /// A request failed (the server may be restarting): count it, wait,
    /// and take the booth's state and its visitor from the server again.
    async fn recover(&mut self, shared: &Shared, staff: &Client, booth: &str) {
        self.failures += 1;
        shared.retries.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(PAUSE).await;
        if let Some((state, cur)) = reread(staff, booth).await {
            self.booth_state = Some(state);
            self.current = cur;
        }
    }
}

/// Whether no ticket is waiting, called or being served anywhere (a
/// visitor sent on by another counter may still come to this one).
async fn nobody_left(staff: &Client) -> bool {
    staff.staff_queue().await.is_ok_and(|q| {
        !q.tickets.iter().any(|t| {
            matches!(
                t.state,
                TicketState::Waiting | TicketState::Called | TicketState::Serving
            )
        })
    })
}

/// The counter's state and its visitor, as the server has them.
async fn reread(staff: &Client, booth: &str) -> Option<(protocol::BoothState, Option<Current>)> {
    let q = staff.staff_queue().await.ok()?;
    let state = q.booths.iter().find(|b| b.id == booth)?.state;
    let current = q
        .tickets
        .iter()
        .find(|t| {
            t.booth.as_deref() == Some(booth)
                && matches!(t.state, TicketState::Called | TicketState::Serving)
        })
        .map(Current::from);
    Some((state, current))
}

/// One step with the visitor at the counter; `Ok(None)` when they left.
async fn serve_step(
    shared: &Shared,
    staff: &Client,
    c: &Current,
    rng: &mut StdRng,
    transferred: &mut std::collections::HashSet<i64>,
) -> Result<Option<Current>, ()> {
    let clock = shared.clock;
    let who = shared.behaviour_of(c.id);
    match c.state {
        TicketState::Called if who.absent && c.step == 0 => {
            clock.sleep_minutes(1.0).await;
            if c.call_count < 2 {
                let t = staff.ticket_action(c.id, "recall").await.map_err(|_| ())?;
                shared.ack(|a| a.recalls.push(c.id));
                Ok(Some(Current::from(&t)))
            } else {
                staff.ticket_action(c.id, "no-show").await.map_err(|_| ())?;
                shared.ack(|a| a.no_shows.push(c.id));
                Ok(None)
            }
        }
        TicketState::Called => {
            clock.sleep_minutes(rng.random_range(0.2..0.4)).await;
            let t = staff.ticket_action(c.id, "start").await.map_err(|_| ())?;
            shared.ack(|a| a.starts.push(c.id));
            Ok(Some(Current::from(&t)))
        }
        TicketState::Serving => {
            clock
                .sleep_minutes(plan::service_minutes(rng, &c.service))
                .await;
            match who.transfer_to {
                Some(to) if c.step == 0 && transferred.insert(c.id) => {
                    staff
                        .transfer(c.id, &to, Some("転送（シミュレーション）"))
                        .await
                        .map_err(|_| ())?;
                    shared.ack(|a| a.transfers.push(c.id));
                }
                _ => {
                    staff
                        .ticket_action(c.id, "complete")
                        .await
                        .map_err(|_| ())?;
                    shared.ack(|a| a.completes.push(c.id));
                }
            }
            Ok(None)
        }
        _ => Ok(None),
    }
}

/// What one event subscriber received, in order.
#[derive(Debug, Default, Clone)]
pub struct Received {
    pub name: String,
    pub ids: Vec<i64>,
    /// Followed from the first event of the day (a wall board).
    pub whole_day: bool,
    /// `ticket.called` events: the ticket and when the frame arrived.
    pub called: Vec<(i64, Instant)>,
}

impl Received {
    fn got(&mut self, ev: &protocol::Event) {
        self.ids.push(ev.id);
        if ev.kind == protocol::EventKind::TicketCalled
            && let Some(t) = ev.data.ticket_id
        {
            self.called.push((t, Instant::now()));
        }
    }
}

/// A wall board: follows every event from the start of the day; if
/// `drop_every` is set it also hangs up now and then and comes back with
/// `Last-Event-ID`, like a board whose network flaps.
pub async fn board(
    shared: Arc<Shared>,
    client: Client,
    name: String,
    drop_every_minutes: Option<f64>,
    progress: Arc<std::sync::atomic::AtomicI64>,
    out: Arc<Mutex<Vec<Received>>>,
) {
    let mut got = Received {
        name,
        whole_day: true,
        ..Received::default()
    };
    let mut stop = shared.stop.subscribe();
    let mut sub = client.events(Some(0));
    let mut next_drop = drop_every_minutes.map(|m| shared.clock.real(m));
    loop {
        let hang_up = async {
            match next_drop {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            ev = sub.next() => {
                if let Ok(ev) = ev {
                    got.got(&ev);
                    progress.store(ev.id, Ordering::SeqCst);
                }
            }
            _ = hang_up => {
                let last = got.ids.last().copied().unwrap_or(0);
                sub = client.events(Some(last));
                next_drop = drop_every_minutes.map(|m| shared.clock.real(m));
            }
            _ = stop.changed() => break,
        }
    }
    if let Ok(mut o) = out.lock() {
        o.push(got);
    }
}

/// Phones following a ticket: new events only, for a while, then gone.
async fn phone_follows(shared: Arc<Shared>, client: Client, minutes: i64) {
    let mut got = Received {
        name: "phone".into(),
        ..Received::default()
    };
    let mut sub = client.events(None);
    let mut stop = shared.stop.subscribe();
    let until = tokio::time::sleep(shared.clock.real(minutes as f64));
    tokio::pin!(until);
    loop {
        tokio::select! {
            ev = sub.next() => {
                if let Ok(ev) = ev {
                    got.got(&ev);
                }
            }
            _ = &mut until => break,
            _ = stop.changed() => break,
        }
    }
    if let Ok(mut p) = shared.phones.lock() {
        p.push(got);
    }
}

/// Kills the server now and then and starts it again at the same
/// simulated time, until the day is over. Returns how many crashes.
pub async fn crasher(
    clock: SimClock,
    servers: Arc<Vec<tokio::sync::Mutex<crate::server::ServerProcess>>>,
    every: (f64, f64),
    seed: u64,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> u32 {
    let mut rng = StdRng::seed_from_u64(seed ^ 0xC0FFEE);
    let mut crashes = 0;
    loop {
        let wait = Duration::from_secs_f64(rng.random_range(every.0..=every.1));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stop.changed() => return crashes,
        }
        // Several instances: each in turn, the others carry the floor.
        let mut s = servers[crashes as usize % servers.len()].lock().await;
        s.kill();
        crashes += 1;
        tokio::time::sleep(Duration::from_millis(rng.random_range(50..400))).await;
        if let Err(e) = s.start(&clock).await {
            eprintln!("restart after crash {crashes} failed: {e:#}");
        }
    }
}

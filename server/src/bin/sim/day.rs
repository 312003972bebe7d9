//! One office's day: its bookings, its boards and phones, its counters and
//! its visitors, each agent talking to that office's routes. A city runs
//! one of these per office at the same time, on the same servers.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use madoguchi_server::config::Office;
use protocol::{Client, CreateReservation};
use tokio::task::JoinHandle;

use crate::agents::{self, Acks, Received, Schedule, Shared};
use crate::clock::SimClock;
use crate::plan::DayPlan;

/// What an office's day needs from the run.
pub struct OfficeSetup {
    pub office: Office,
    pub plan: DayPlan,
    pub kiosk_token: String,
    /// The servers' base URLs; agent `k` tries server `k` first.
    pub bases: Arc<Vec<String>>,
    /// Spreads this office's agents over the servers.
    pub first_agent: usize,
    pub open: DateTime<Utc>,
    pub last_arrival: DateTime<Utc>,
    pub seed: u64,
}

impl OfficeSetup {
    /// A client of this office's routes that tries server `k` first, then
    /// the others in turn. The office is named: no agent looks up the
    /// city's first office (a server may be dead at that moment).
    fn client(&self, k: usize) -> anyhow::Result<Client> {
        let n = self.bases.len();
        let k = self.first_agent + k;
        let order: Vec<&str> = (0..n).map(|j| self.bases[(k + j) % n].as_str()).collect();
        Ok(Client::with_servers(&order)?.at_office(self.office.id.clone()))
    }
}

/// An office's day once its counters have closed: its boards still follow
/// the stream until [`OfficeDay::finish`].
pub struct OfficeDay {
    pub office: Office,
    pub plan: DayPlan,
    pub shared: Arc<Shared>,
    public: Client,
    boards: Arc<Mutex<Vec<Received>>>,
    board_tasks: Vec<JoinHandle<()>>,
    progress: Vec<Arc<AtomicI64>>,
}

/// What an office's agents were told and received, for the check.
pub struct OfficeRecord {
    pub acks: Acks,
    pub received: Vec<Received>,
    /// `call-next` sent → `ticket.called` at the steady board, per call.
    pub call_to_board: Vec<Duration>,
    pub retries: u64,
}

/// Runs the office's day until every visitor has come and every counter
/// has closed.
pub async fn run(s: OfficeSetup, clock: SimClock) -> anyhow::Result<OfficeDay> {
    let public = s.client(0)?;
    let kiosk = s.client(1)?.with_token(s.kiosk_token.clone());
    let (stop, _) = tokio::sync::watch::channel(false);
    let shared = Arc::new(Shared {
        clock,
        acks: Mutex::new(Acks::default()),
        behaviour: Mutex::new(Default::default()),
        arrivals_done: Default::default(),
        retries: Default::default(),
        stop,
        phones: Mutex::default(),
        calls_sent: Mutex::default(),
    });
    let tz = s.office.time_zone;

    // Reservations, booked before the doors open.
    let mut booking_tokens = Vec::new();
    for b in &s.plan.bookings {
        let created = public
            .create_reservation(&CreateReservation {
                service: "okuyami".into(),
                start: b.slot.with_timezone(&tz).fixed_offset(),
                name: Some("シミュ 花子".into()),
                email: None,
                phone: Some("090-0000-0000".into()),
                answers: None,
                language: None,
                details: None,
            })
            .await
            .with_context(|| format!("booking a reservation at {}", s.office.id))?;
        if let Ok(mut a) = shared.acks.lock() {
            a.bookings.push(created.id);
        }
        booking_tokens.push((b.arrive, b.slot, b.too_late, created.token));
    }

    // Subscribers: two steady wall boards and one whose network flaps.
    let boards: Arc<Mutex<Vec<Received>>> = Arc::default();
    let mut board_tasks = Vec::new();
    let mut progress = Vec::new();
    for (name, drop_every) in [
        ("board-1", None),
        ("board-2", None),
        ("board-flapping", Some(20.0)),
    ] {
        let p = Arc::new(AtomicI64::new(0));
        progress.push(p.clone());
        board_tasks.push(tokio::spawn(agents::board(
            shared.clone(),
            s.client(progress.len())?,
            name.into(),
            drop_every,
            p,
            boards.clone(),
        )));
    }

    // Counters: every fifth opens late, a third pause before and a third
    // after the middle of the day; the おくやみ rooms do not pause. All of
    // the office's counters log in with its one clerk account.
    let (open, last_arrival) = (s.open, s.last_arrival);
    let mid = open + (last_arrival - open) / 2;
    let staff = public
        .login(&format!("staff-{}", s.office.id), crate::server::PASSWORD)
        .await
        .with_context(|| format!("staff login at {}", s.office.id))?;
    let mut counters = Vec::new();
    for (i, b) in s.office.booths.iter().enumerate() {
        let okuyami = b.id.starts_with("okuyami");
        let pause = match (okuyami, i % 3) {
            (false, 0) => Some((mid - chrono::Duration::minutes(40), mid)),
            (false, 1) => Some((mid, mid + chrono::Duration::minutes(40))),
            _ => None,
        };
        let schedule = Schedule {
            open: if i % 5 == 4 {
                open + chrono::Duration::minutes(30)
            } else {
                open
            },
            pause,
            last_arrival,
        };
        counters.push(tokio::spawn(agents::counter(
            shared.clone(),
            s.client(i)?.with_token(staff.token.clone()),
            b.id.clone(),
            schedule,
            s.seed.wrapping_add(i as u64 * 7919),
        )));
    }

    // Arrivals: walk-ins in time order, families at their reservation.
    let mut arrivals = Vec::new();
    for (arrive, slot, too_late, token) in booking_tokens {
        let Some(at) = arrive else { continue };
        let (shared, kiosk) = (shared.clone(), kiosk.clone());
        arrivals.push(tokio::spawn(async move {
            shared.clock.sleep_until(at).await;
            agents::reservation_visit(shared, kiosk, token, slot, too_late).await;
        }));
    }
    for v in s.plan.visitors.clone() {
        shared.clock.sleep_until(v.arrive).await;
        arrivals.push(tokio::spawn(agents::walk_in(
            shared.clone(),
            kiosk.clone(),
            public.clone(),
            v,
        )));
    }
    for a in arrivals {
        let _ = a.await;
    }
    shared.arrivals_done.store(true, Ordering::SeqCst);

    // The counters finish the day (bounded: three times the planned length).
    let bound = clock.real(((last_arrival - clock.now()).num_minutes().max(0) + 180) as f64) * 3
        + Duration::from_secs(60);
    let finished = tokio::time::timeout(bound, async {
        for c in counters {
            let _ = c.await;
        }
    })
    .await;
    if finished.is_err() {
        bail!(
            "the counters of {} did not finish within {bound:?}: queue stuck?",
            s.office.id
        );
    }
    Ok(OfficeDay {
        office: s.office,
        plan: s.plan,
        shared,
        public,
        boards,
        board_tasks,
        progress,
    })
}

impl OfficeDay {
    /// Lets every board catch up with the office's last event, stops them,
    /// and hands over what everyone was told and received.
    pub async fn finish(self) -> anyhow::Result<OfficeRecord> {
        let mut last_id = 0;
        for _ in 0..300 {
            if let Ok(b) = self.public.board().await {
                last_id = b.last_event_id;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline
            && self
                .progress
                .iter()
                .any(|p| p.load(Ordering::SeqCst) < last_id)
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = self.shared.stop.send(true);
        for t in self.board_tasks {
            let _ = t.await;
        }
        let lock_error = |what: &str| anyhow::anyhow!("{what}: a task panicked");
        let acks = std::mem::take(&mut *self.shared.acks.lock().map_err(|_| lock_error("acks"))?);
        let mut received = self
            .boards
            .lock()
            .map_err(|_| lock_error("boards"))?
            .clone();
        let call_to_board = {
            let sent = self
                .shared
                .calls_sent
                .lock()
                .map_err(|_| lock_error("calls"))?;
            let steady = received.iter().find(|r| r.name == "board-1");
            steady.map_or_else(Vec::new, |b| latencies(&sent, &b.called))
        };
        received.extend(
            self.shared
                .phones
                .lock()
                .map_err(|_| lock_error("phones"))?
                .iter()
                .cloned(),
        );
        Ok(OfficeRecord {
            acks,
            received,
            call_to_board,
            retries: self.shared.retries.load(Ordering::Relaxed),
        })
    }
}

/// For each call, from `call-next` sent to the first `ticket.called` of
/// that ticket the board received after it (a ticket sent on to another
/// procedure is called again later).
fn latencies(sent: &[(i64, Instant)], shown: &[(i64, Instant)]) -> Vec<Duration> {
    sent.iter()
        .filter_map(|(ticket, at)| {
            shown
                .iter()
                .find(|(t, seen)| t == ticket && seen >= at)
                .map(|(_, seen)| *seen - *at)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_call_is_matched_with_the_frame_after_it() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        // Ticket 7 called twice (sent on in between), ticket 8 once, and
        // ticket 9's frame never came.
        let sent = [(7, ms(0)), (8, ms(10)), (7, ms(100)), (9, ms(120))];
        let shown = [(7, ms(3)), (8, ms(15)), (7, ms(104))];
        assert_eq!(
            latencies(&sent, &shown),
            [
                Duration::from_millis(3),
                Duration::from_millis(5),
                Duration::from_millis(4)
            ]
        );
    }
}

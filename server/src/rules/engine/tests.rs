use chrono::{Duration, TimeZone};
use proptest::prelude::*;

use super::*;

fn rules() -> Rules {
    let mut services = BTreeMap::new();
    for (id, prefix, res) in [("a", 'A', false), ("b", 'B', false), ("o", 'O', true)] {
        services.insert(
            id.to_string(),
            ServiceRule {
                prefix,
                average_minutes: 10.0,
                reservation_only: res,
            },
        );
    }
    let mut booth_services = BTreeMap::new();
    booth_services.insert("1".to_string(), vec!["a".to_string(), "b".to_string()]);
    booth_services.insert("2".to_string(), vec!["a".to_string()]);
    booth_services.insert("3".to_string(), vec!["b".to_string(), "o".to_string()]);
    Rules {
        services,
        booth_services,
        max_calls: 3,
        ewma_alpha: 0.5,
    }
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 1, 0, 0)
        .single()
        .expect("valid time")
}

fn floor() -> Floor {
    Floor::new(rules(), t0().date_naive(), 1)
}

fn walk_in(services: &[&str], priority: bool) -> NewTicket {
    NewTicket {
        services: services.iter().map(|s| s.to_string()).collect(),
        source: TicketSource::WalkIn,
        reservation_id: None,
        slot_start: None,
        priority,
        status_token: format!("tok-{}", services.join("-")),
        device_id: None,
        idempotency_key: None,
        language: None,
    }
}

fn reservation(id: i64, slot: DateTime<Utc>) -> NewTicket {
    NewTicket {
        services: vec!["o".to_string()],
        source: TicketSource::Reservation,
        reservation_id: Some(id),
        slot_start: Some(slot),
        priority: false,
        status_token: format!("res-{id}"),
        device_id: None,
        idempotency_key: None,
        language: None,
    }
}

/// Runs a command and applies it, like the server does after storing.
fn run(f: &mut Floor, cmd: impl FnOnce(&Floor) -> Result<Outcome, EngineError>) -> Ticket {
    let o = cmd(f).expect("command accepted");
    f.apply(&o);
    o.ticket().cloned().expect("a ticket")
}

fn open(f: &mut Floor, booth: &str) {
    let o = f.set_booth_state(booth, BoothState::Open).expect("open");
    f.apply(&o);
}

fn call_next(f: &mut Floor, booth: &str, now: DateTime<Utc>) -> Option<Ticket> {
    let o = f.call_next(booth, now).expect("call-next accepted")?;
    f.apply(&o);
    o.ticket().cloned()
}

#[test]
fn numbers_count_per_prefix_from_one() {
    let mut f = floor();
    let a1 = run(&mut f, |f| f.issue(walk_in(&["a"], false), t0()));
    let b1 = run(&mut f, |f| f.issue(walk_in(&["b"], false), t0()));
    let a2 = run(&mut f, |f| f.issue(walk_in(&["a", "b"], false), t0()));
    assert_eq!([a1.number, b1.number, a2.number], ["A001", "B001", "A002"]);
    assert_ne!(a1.id, b1.id);
}

#[test]
fn walk_ins_are_refused_for_reservation_only_services() {
    let f = floor();
    assert_eq!(
        f.issue(walk_in(&["o"], false), t0()).err(),
        Some(EngineError::ReservationOnly("o".into()))
    );
    assert_eq!(
        f.issue(walk_in(&["zzz"], false), t0()).err(),
        Some(EngineError::UnknownService("zzz".into()))
    );
    assert_eq!(
        f.issue(walk_in(&[], false), t0()).err(),
        Some(EngineError::BadServiceList)
    );
    assert_eq!(
        f.issue(walk_in(&["a", "a"], false), t0()).err(),
        Some(EngineError::BadServiceList),
        "one procedure twice is not two steps"
    );
}

#[test]
fn closing_the_day_expires_exactly_the_unfinished_tickets() {
    let mut f = floor();
    open(&mut f, "1");
    let served = run(&mut f, |f| f.issue(walk_in(&["a"], false), t0()));
    let waiting = run(&mut f, |f| f.issue(walk_in(&["b"], false), t0()));
    let called = run(&mut f, |f| f.issue(walk_in(&["a"], false), t0()));
    assert_eq!(call_next(&mut f, "1", t0()).map(|t| t.id), Some(served.id));
    run(&mut f, |f| f.start(served.id, t0()));
    run(&mut f, |f| f.complete(served.id, t0()));
    let second = call_next(&mut f, "1", t0()).expect("a second call");
    assert_eq!(second.state, TicketState::Called);
    let midnight = t0() + Duration::hours(15);
    let out = f.close_day(midnight);
    let ids: Vec<TicketId> = out.tickets.iter().map(|t| t.id).collect();
    assert_eq!(ids, [waiting.id, called.id]);
    assert!(out.tickets.iter().all(|t| t.state == TicketState::Expired
        && t.booth.is_none()
        && t.done_at == Some(midnight)));
    assert_eq!(
        out.events.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        [EventKind::TicketExpired, EventKind::TicketExpired]
    );
    f.apply(&out);
    assert!(f.close_day(midnight).tickets.is_empty(), "closed once");
}

#[test]
fn numbering_restarts_on_a_new_day() {
    let mut f = floor();
    run(&mut f, |f| f.issue(walk_in(&["a"], false), t0()));
    let tomorrow = t0() + Duration::days(1);
    f.roll_to(tomorrow.date_naive());
    let t = run(&mut f, |f| f.issue(walk_in(&["a"], false), tomorrow));
    assert_eq!(t.number, "A001");
    assert!(t.id > 1, "ids keep growing across days");
}

#[test]
fn call_next_follows_reservation_priority_then_issue_time() {
    let mut f = floor();
    let now = t0();
    let plain = run(&mut f, |f| f.issue(walk_in(&["b"], false), now));
    let prio = run(&mut f, |f| {
        f.issue(walk_in(&["b"], true), now + Duration::minutes(1))
    });
    let future_res = run(&mut f, |f| {
        f.issue(
            reservation(1, now + Duration::hours(2)),
            now + Duration::minutes(2),
        )
    });
    let started_res = run(&mut f, |f| {
        f.issue(
            reservation(2, now + Duration::minutes(3)),
            now + Duration::minutes(3),
        )
    });
    open(&mut f, "3");
    let later = now + Duration::minutes(5);
    let order: Vec<String> = std::iter::from_fn(|| {
        let t = call_next(&mut f, "3", later)?;
        let o = f.complete(t.id, later).expect("complete");
        f.apply(&o);
        Some(t.number)
    })
    .collect();
    assert_eq!(
        order,
        [
            started_res.number,
            prio.number,
            plain.number,
            future_res.number
        ]
    );
}

#[test]
fn a_booth_only_calls_services_it_serves() {
    let mut f = floor();
    run(&mut f, |f| f.issue(walk_in(&["b"], false), t0()));
    open(&mut f, "2");
    assert!(
        call_next(&mut f, "2", t0()).is_none(),
        "booth 2 serves only a"
    );
    open(&mut f, "1");
    assert_eq!(
        call_next(&mut f, "1", t0()).map(|t| t.number),
        Some("B001".into())
    );
}

#[test]
fn closed_or_busy_booths_cannot_call() {
    let mut f = floor();
    let t = run(&mut f, |f| f.issue(walk_in(&["a"], false), t0()));
    run(&mut f, |f| f.issue(walk_in(&["a"], false), t0()));
    assert_eq!(
        f.call_next("1", t0()).err(),
        Some(EngineError::BoothNotOpen("1".into()))
    );
    open(&mut f, "1");
    call_next(&mut f, "1", t0());
    assert!(matches!(
        f.call_next("1", t0()),
        Err(EngineError::BoothBusy { .. })
    ));
    assert!(matches!(
        f.set_booth_state("1", BoothState::Closed),
        Err(EngineError::BoothBusy { .. })
    ));
    let o = f.complete(t.id, t0()).expect("complete");
    f.apply(&o);
    assert_eq!(f.booth("1").and_then(|b| b.current), None);
    let o = f
        .set_booth_state("1", BoothState::Closed)
        .expect("close when free");
    f.apply(&o);
    assert_eq!(
        f.call_next("9", t0()).err(),
        Some(EngineError::UnknownBooth("9".into()))
    );
}

#[test]
fn invalid_transitions_are_refused() {
    let mut f = floor();
    let t = run(&mut f, |f| f.issue(walk_in(&["a"], false), t0()));
    for r in [
        f.start(t.id, t0()),
        f.complete(t.id, t0()),
        f.recall(t.id, t0()),
        f.no_show(t.id, t0()),
        f.reactivate(t.id, t0()),
    ] {
        assert!(
            matches!(
                r,
                Err(EngineError::InvalidTransition {
                    from: TicketState::Waiting,
                    ..
                })
            ),
            "{r:?}"
        );
    }
    open(&mut f, "1");
    call_next(&mut f, "1", t0());
    run(&mut f, |f| f.start(t.id, t0()));
    assert!(matches!(
        f.no_show(t.id, t0()),
        Err(EngineError::InvalidTransition {
            from: TicketState::Serving,
            ..
        })
    ));
    let done = run(&mut f, |f| f.complete(t.id, t0() + Duration::minutes(8)));
    assert_eq!(done.state, TicketState::Done);
    assert!(matches!(
        f.complete(t.id, t0()),
        Err(EngineError::InvalidTransition {
            from: TicketState::Done,
            ..
        })
    ));
    assert_eq!(
        f.start(999, t0()).err(),
        Some(EngineError::UnknownTicket(999))
    );
}

#[test]
fn recall_counts_and_the_call_after_the_limit_is_a_no_show() {
    let mut f = floor();
    let t = run(&mut f, |f| f.issue(walk_in(&["a"], false), t0()));
    open(&mut f, "1");
    call_next(&mut f, "1", t0());
    assert_eq!(run(&mut f, |f| f.recall(t.id, t0())).call_count, 2);
    assert_eq!(run(&mut f, |f| f.recall(t.id, t0())).call_count, 3);
    let gone = run(&mut f, |f| f.recall(t.id, t0()));
    assert_eq!(gone.state, TicketState::NoShow);
    assert_eq!(
        f.booth("1").and_then(|b| b.current),
        None,
        "the booth is free again"
    );
}

#[test]
fn reactivated_no_show_gets_its_original_place_back() {
    let mut f = floor();
    let first = run(&mut f, |f| f.issue(walk_in(&["a"], false), t0()));
    let second = run(&mut f, |f| {
        f.issue(walk_in(&["a"], false), t0() + Duration::minutes(1))
    });
    open(&mut f, "1");
    call_next(&mut f, "1", t0());
    run(&mut f, |f| f.no_show(first.id, t0() + Duration::minutes(2)));
    run(&mut f, |f| {
        f.reactivate(first.id, t0() + Duration::minutes(3))
    });
    assert_eq!(
        f.people_ahead(f.ticket(second.id).expect("second"), t0()),
        1
    );
    assert_eq!(call_next(&mut f, "1", t0()).map(|t| t.id), Some(first.id));
}

#[test]
fn calling_a_specific_ticket_skips_the_order_but_checks_the_booth() {
    let mut f = floor();
    run(&mut f, |f| f.issue(walk_in(&["a"], false), t0()));
    let b = run(&mut f, |f| f.issue(walk_in(&["b"], false), t0()));
    open(&mut f, "2");
    assert!(matches!(
        f.call("2", b.id, t0()),
        Err(EngineError::ServiceNotServed { .. })
    ));
    open(&mut f, "1");
    let called = run(&mut f, |f| f.call("1", b.id, t0()));
    assert_eq!(
        (called.state, called.booth.as_deref()),
        (TicketState::Called, Some("1"))
    );
}

#[test]
fn transfer_keeps_number_notes_and_place() {
    let mut f = floor();
    let early = run(&mut f, |f| f.issue(walk_in(&["a"], false), t0()));
    let late = run(&mut f, |f| {
        f.issue(walk_in(&["b"], false), t0() + Duration::minutes(10))
    });
    open(&mut f, "2");
    call_next(&mut f, "2", t0());
    let note = |text: &str| Note {
        at: t0(),
        booth: Some("2".into()),
        service: "a".into(),
        author: "sato".into(),
        text: text.into(),
    };
    run(&mut f, |f| f.add_note(early.id, note("first note")));
    let moved = run(&mut f, |f| {
        f.transfer(
            early.id,
            "b",
            Some(note("needs certificate")),
            t0() + Duration::minutes(20),
        )
    });
    assert_eq!(moved.number, early.number);
    assert_eq!(moved.current_service(), "b");
    assert_eq!(moved.notes.len(), 2);
    assert_eq!(f.booth("2").and_then(|b| b.current), None);
    // Issued earlier than B001, so it goes before it in the b queue.
    let queue: Vec<TicketId> = f.waiting_in_order("b", t0()).iter().map(|t| t.id).collect();
    assert_eq!(queue, [early.id, late.id]);
    assert!(matches!(
        f.transfer(early.id, "nope", None, t0()),
        Err(EngineError::UnknownService(_))
    ));
}

#[test]
fn multi_procedure_ticket_moves_to_its_next_step_in_place() {
    let mut f = floor();
    let multi = run(&mut f, |f| f.issue(walk_in(&["a", "b"], false), t0()));
    let other = run(&mut f, |f| {
        f.issue(walk_in(&["b"], false), t0() + Duration::minutes(1))
    });
    open(&mut f, "2");
    call_next(&mut f, "2", t0());
    let next = run(&mut f, |f| {
        f.complete(multi.id, t0() + Duration::minutes(5))
    });
    assert_eq!(
        (next.state, next.step, next.current_service()),
        (TicketState::Waiting, 1, "b")
    );
    assert_eq!(next.number, multi.number);
    let queue: Vec<TicketId> = f.waiting_in_order("b", t0()).iter().map(|t| t.id).collect();
    assert_eq!(queue, [multi.id, other.id]);
    open(&mut f, "1");
    call_next(&mut f, "1", t0());
    let done = run(&mut f, |f| {
        f.complete(multi.id, t0() + Duration::minutes(9))
    });
    assert_eq!(done.state, TicketState::Done);
}

#[test]
fn completing_a_reservation_ticket_completes_the_reservation() {
    let mut f = floor();
    let t = run(&mut f, |f| f.issue(reservation(7, t0()), t0()));
    open(&mut f, "3");
    call_next(&mut f, "3", t0());
    let o = f
        .complete(t.id, t0() + Duration::minutes(50))
        .expect("complete");
    assert_eq!(o.reservation, Some((7, ReservationState::Completed)));
}

#[test]
fn estimate_uses_people_ahead_service_time_and_open_booths() {
    let mut f = floor();
    for i in 0..4 {
        run(&mut f, |f| {
            f.issue(walk_in(&["a"], false), t0() + Duration::minutes(i))
        });
    }
    let last = run(&mut f, |f| {
        f.issue(walk_in(&["a"], false), t0() + Duration::minutes(5))
    });
    let (ahead, one_booth) = f.estimate_for(&last, t0());
    assert_eq!(ahead, 4);
    assert_eq!(one_booth.minutes, 40, "4 × 10 min ÷ max(0 open, 1)");
    open(&mut f, "1");
    open(&mut f, "2");
    assert_eq!(f.estimate_for(&last, t0()).1.minutes, 20);
}

#[test]
fn a_shared_counter_spends_time_on_the_other_procedure_too() {
    // Counter 1 serves a and b; counter 3 serves b (and o). Three people
    // wait for b, then one for a: counter 1 takes about half of the b
    // queue (one of its two open counters), so the a visitor waits for it.
    let mut f = floor();
    for i in 0..3 {
        run(&mut f, |f| {
            f.issue(walk_in(&["b"], false), t0() + Duration::seconds(i))
        });
    }
    let mine = run(&mut f, |f| {
        f.issue(walk_in(&["a"], false), t0() + Duration::seconds(9))
    });
    open(&mut f, "1");
    open(&mut f, "3");
    let (ahead, e) = f.estimate_for(&mine, t0() + Duration::seconds(10));
    assert_eq!(ahead, 0, "nobody ahead for the same procedure");
    assert_eq!(
        e.minutes, 15,
        "3 × 10 min × 1/2 of b's counters, at 1 counter"
    );
    // A second counter for a halves it.
    open(&mut f, "2");
    assert_eq!(f.estimate_for(&mine, t0()).1.minutes, 8, "15 ÷ 2, rounded");
}

#[test]
fn a_busy_counter_first_finishes_its_visitor() {
    let mut f = floor();
    run(&mut f, |f| f.issue(walk_in(&["a"], false), t0()));
    let mine = run(&mut f, |f| {
        f.issue(walk_in(&["a"], false), t0() + Duration::seconds(1))
    });
    open(&mut f, "2");
    call_next(&mut f, "2", t0());
    let (ahead, e) = f.estimate_for(&mine, t0());
    assert_eq!(ahead, 0);
    assert_eq!(e.minutes, 5, "half of a 10-minute visit left on average");
    assert!(e.low <= 5 && e.high >= 5);
    // A newcomer waits for the one ahead of them as well.
    assert_eq!(f.estimate("a", t0()).minutes, 15);
}

#[test]
fn service_time_average_follows_completed_visits() {
    let mut f = floor();
    let t = run(&mut f, |f| f.issue(walk_in(&["a"], false), t0()));
    open(&mut f, "1");
    call_next(&mut f, "1", t0());
    run(&mut f, |f| f.start(t.id, t0()));
    run(&mut f, |f| f.complete(t.id, t0() + Duration::minutes(30)));
    assert!(
        (f.service_minutes("a") - 20.0).abs() < 1e-9,
        "0.5 × 30 + 0.5 × 10"
    );
}

#[test]
fn restore_rebuilds_numbering_and_booths() {
    let mut f = floor();
    let t = run(&mut f, |f| f.issue(walk_in(&["a"], false), t0()));
    open(&mut f, "1");
    call_next(&mut f, "1", t0());
    let tickets: Vec<Ticket> = f.tickets().cloned().collect();
    let booths: Vec<(String, BoothStatus)> = f.booths().map(|(k, v)| (k.clone(), *v)).collect();
    let mut g = Floor::restore(rules(), f.day, 1, tickets, booths, vec![("a".into(), 20.0)]);
    assert_eq!(g.booth("1").and_then(|b| b.current), Some(t.id));
    let next = run(&mut g, |f| f.issue(walk_in(&["a"], false), t0()));
    assert_eq!(next.number, "A002");
    assert_eq!(next.id, t.id + 1);
    assert!((g.service_minutes("a") - 15.0).abs() < 1e-9);
}

// ---- properties ----

#[derive(Debug, Clone)]
enum Op {
    Issue { service: usize, priority: bool },
    Reserve { minutes_from_start: i64 },
    Open(usize),
    Pause(usize),
    CallNext(usize),
    Recall(usize),
    Start(usize),
    Complete(usize),
    NoShow(usize),
    Reactivate(usize),
    Transfer(usize, usize),
    Tick(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0usize..4, any::<bool>()).prop_map(|(service, priority)| Op::Issue { service, priority }),
        1 => (-60i64..120).prop_map(|m| Op::Reserve { minutes_from_start: m }),
        2 => (0usize..3).prop_map(Op::Open),
        1 => (0usize..3).prop_map(Op::Pause),
        4 => (0usize..3).prop_map(Op::CallNext),
        1 => (0usize..40).prop_map(Op::Recall),
        2 => (0usize..40).prop_map(Op::Start),
        3 => (0usize..40).prop_map(Op::Complete),
        1 => (0usize..40).prop_map(Op::NoShow),
        1 => (0usize..40).prop_map(Op::Reactivate),
        1 => (0usize..40, 0usize..3).prop_map(|(t, s)| Op::Transfer(t, s)),
        2 => (1i64..15).prop_map(Op::Tick),
    ]
}

const BOOTHS: [&str; 3] = ["1", "2", "3"];
const SERVICES: [&str; 3] = ["a", "b", "o"];

fn check_invariants(f: &Floor) -> Result<(), TestCaseError> {
    // A ticket at a booth is the booth's current ticket, and vice versa:
    // nobody is at two booths, no booth has two visitors.
    for t in f.tickets() {
        let active = matches!(t.state, TicketState::Called | TicketState::Serving);
        if active {
            let b = t.booth.as_deref().expect("an active ticket has a booth");
            prop_assert_eq!(f.booth(b).and_then(|s| s.current), Some(t.id));
        } else {
            // Finished tickets remember where they were served, but hold no booth.
            prop_assert!(
                f.booths().all(|(_, s)| s.current != Some(t.id)),
                "{} {:?} still at a booth",
                t.number,
                t.state
            );
        }
        if t.state == TicketState::Waiting {
            prop_assert_eq!(t.booth.as_deref(), None);
        }
    }
    for (id, b) in f.booths() {
        if let Some(c) = b.current {
            let t = f.ticket(c).expect("current ticket exists");
            prop_assert_eq!(t.booth.as_deref(), Some(id.as_str()));
        }
    }
    let mut numbers: Vec<&str> = f.tickets().map(|t| t.number.as_str()).collect();
    let n = numbers.len();
    numbers.sort();
    numbers.dedup();
    prop_assert_eq!(numbers.len(), n, "numbers are unique in a day");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn floor_invariants_hold_and_call_next_follows_the_order(ops in prop::collection::vec(op(), 1..120)) {
        let mut f = floor();
        let mut now = t0();
        let mut reservation_ids = 0;
        let mut called_steps = std::collections::HashSet::new();
        for op in ops {
            let ids: Vec<TicketId> = f.tickets().map(|t| t.id).collect();
            let pick = |i: usize| ids.get(i % ids.len().max(1)).copied().unwrap_or(0);
            let result: Option<Result<Outcome, EngineError>> = match op {
                Op::Issue { service, priority } => {
                    let services: &[&str] = match service { 0 => &["a"], 1 => &["b"], 2 => &["a", "b"], _ => &["b", "a"] };
                    Some(f.issue(walk_in(services, priority), now))
                }
                Op::Reserve { minutes_from_start } => {
                    reservation_ids += 1;
                    Some(f.issue(reservation(reservation_ids, t0() + Duration::minutes(minutes_from_start)), now))
                }
                Op::Open(b) => Some(f.set_booth_state(BOOTHS[b], BoothState::Open)),
                Op::Pause(b) => Some(f.set_booth_state(BOOTHS[b], BoothState::Paused)),
                Op::CallNext(b) => {
                    let expected = f.next_for_booth(BOOTHS[b], now).map(|t| (t.id, OrderKey::of(t, now)));
                    match f.call_next(BOOTHS[b], now) {
                        Ok(Some(o)) => {
                            let called = o.ticket().expect("called ticket");
                            // Nobody waiting for this booth's services comes before it.
                            let key = OrderKey::of(f.ticket(called.id).expect("exists"), now);
                            for other in f.tickets() {
                                let serves = f.rules().booth_services[BOOTHS[b]].iter().any(|s| s == other.current_service());
                                if other.state == TicketState::Waiting && serves {
                                    prop_assert!(OrderKey::of(other, now) >= key, "{} skipped {}", called.number, other.number);
                                }
                            }
                            prop_assert_eq!(Some(called.id), expected.map(|e| e.0));
                            // Called once per time it waits in a queue.
                            prop_assert!(called_steps.insert(called.id), "{} called twice", called.number);
                            Some(Ok(o))
                        }
                        Ok(None) => { prop_assert!(expected.is_none()); None }
                        Err(e) => Some(Err(e)),
                    }
                }
                Op::Recall(i) => Some(f.recall(pick(i), now)),
                Op::Start(i) => Some(f.start(pick(i), now)),
                Op::Complete(i) => Some(f.complete(pick(i), now)),
                Op::NoShow(i) => Some(f.no_show(pick(i), now)),
                Op::Reactivate(i) => Some(f.reactivate(pick(i), now)),
                Op::Transfer(i, s) => Some(f.transfer(pick(i), SERVICES[s], None, now)),
                Op::Tick(m) => { now += Duration::minutes(m); None }
            };
            if let Some(Ok(o)) = result {
                f.apply(&o);
                for t in o.tickets.iter().filter(|t| t.state == TicketState::Waiting) {
                    called_steps.remove(&t.id);
                }
            }
            check_invariants(&f)?;
        }
    }

    #[test]
    fn estimates_never_shrink_as_people_ahead_grow(a in 0u32..200, b in 0u32..200, minutes in 1.0f64..120.0, booths in 0u32..12) {
        let (lo, hi) = (a.min(b), a.max(b));
        let e1 = wait::estimate(lo, minutes, booths);
        let e2 = wait::estimate(hi, minutes, booths);
        prop_assert!(e1.minutes <= e2.minutes);
        prop_assert!(e2.low <= e2.minutes && e2.minutes <= e2.high);
    }
}

/// A floor that takes in another floor's tickets and booths (another
/// server's changes) issues the next number and calls the next visitor
/// exactly as that floor would.
#[test]
fn a_floor_caught_up_with_another_goes_on_as_it_would() {
    let mut a = floor();
    let mut b = floor();
    for services in [&["a"][..], &["b"], &["a", "b"], &["a"]] {
        run(&mut a, |f| f.issue(walk_in(services, false), t0()));
    }
    open(&mut a, "1");
    let first = call_next(&mut a, "1", t0()).expect("a visitor");
    b.catch_up(
        a.next_id(),
        a.tickets().cloned().collect(),
        a.booths().map(|(id, s)| (id.clone(), *s)).collect(),
        Vec::new(),
    );
    assert_eq!(b.booth("1"), a.booth("1"));
    assert_eq!(b.ticket(first.id), a.ticket(first.id));
    let later = t0() + Duration::minutes(5);
    let (on_a, on_b) = (
        a.issue(walk_in(&["a"], false), later).expect("a"),
        b.issue(walk_in(&["a"], false), later).expect("b"),
    );
    let number = |o: &Outcome| o.ticket().map(|t| (t.id, t.number.clone()));
    assert_eq!(number(&on_b), number(&on_a));
    assert_eq!(number(&on_a), Some((5, "A004".to_string())));
    let order = |f: &Floor| -> Vec<TicketId> {
        f.waiting_in_order("a", later)
            .iter()
            .map(|t| t.id)
            .collect()
    };
    assert_eq!(order(&b), order(&a));
    assert_eq!(order(&a).len(), 2, "A002 and A003 wait: A001 was called");
}

/// Finishing the first of two procedures records that procedure's own
/// times (the ticket itself already waits for its next one), so every
/// server replays the same sample.
#[test]
fn a_finished_step_keeps_its_own_times() {
    let mut f = floor();
    let t = run(&mut f, |f| f.issue(walk_in(&["a", "b"], false), t0()));
    open(&mut f, "1");
    let called_at = t0() + Duration::minutes(3);
    call_next(&mut f, "1", called_at).expect("called");
    let done = called_at + Duration::minutes(7);
    let o = f.complete(t.id, done).expect("done");
    let st = o.service_time.clone().expect("a service time");
    assert_eq!(
        (st.service.as_str(), st.queued_at, st.called_at, st.done_at),
        ("a", t0(), Some(called_at), done)
    );
    let next = o.ticket().expect("the ticket");
    assert_eq!(
        (next.called_at, next.queued_at),
        (None, done),
        "on to step two"
    );
}

//! The end-of-day check, from the database the server wrote and what the
//! agents were told: every ticket finished, nobody called twice or out of
//! turn, every acknowledged action on record, the event log without gaps,
//! every subscriber's stream complete — and how good the wait estimates
//! shown at the kiosk were.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use madoguchi_server::config::Office;
use madoguchi_server::storage::Store;
use sqlx::Row;

use crate::agents::{Acks, Received};

#[derive(Debug, Default)]
pub struct Report {
    pub tickets: usize,
    pub events: usize,
    pub calls: usize,
    pub violations: Vec<String>,
    /// Walk-in tickets with a shown estimate and a real wait.
    pub estimated: usize,
    pub mean_abs_error: f64,
    pub within_range: f64,
    pub mean_wait: f64,
    pub max_wait: f64,
    pub subscribers: usize,
}

struct TicketRow {
    state: String,
    priority: bool,
    slot_start: Option<DateTime<Utc>>,
    issued_at: DateTime<Utc>,
}

fn ts(s: &str) -> anyhow::Result<DateTime<Utc>> {
    Ok(DateTime::parse_from_rfc3339(s)?.with_timezone(&Utc))
}

/// The call-next order of DESIGN.md, written out again here (not taken from
/// the engine) so that the check is independent of the code it checks.
fn order_key(
    t: &TicketRow,
    id: i64,
    now: DateTime<Utc>,
) -> (u8, DateTime<Utc>, DateTime<Utc>, i64) {
    match t.slot_start {
        Some(slot) if slot <= now => (0, slot, t.issued_at, id),
        _ => (if t.priority { 1 } else { 2 }, t.issued_at, t.issued_at, id),
    }
}

/// Checks one office's day: its tickets, its event stream (ids dense per
/// office), what its agents were told and what its subscribers received.
pub async fn check(
    store: &Store,
    office: &Office,
    acks: &Acks,
    received: &[Received],
) -> anyhow::Result<Report> {
    let pool = store.pool().clone();
    let mut r = Report::default();
    let mut v = Vec::new();

    let mut tickets = HashMap::new();
    for row in sqlx::query(
        "SELECT id, state, priority, slot_start, issued_at FROM tickets WHERE office = $1",
    )
    .bind(&office.id)
    .fetch_all(&pool)
    .await?
    {
        let slot: Option<String> = row.try_get("slot_start")?;
        tickets.insert(
            row.try_get::<i64, _>("id")?,
            TicketRow {
                state: row.try_get("state")?,
                priority: row.try_get::<i64, _>("priority")? != 0,
                slot_start: slot.as_deref().map(ts).transpose()?,
                issued_at: ts(&row.try_get::<String, _>("issued_at")?)?,
            },
        );
    }
    r.tickets = tickets.len();
    // The call order is checked against what the visitors asked for and
    // the time on their tickets, not against what the server stored: a
    // server that dropped a priority flag or rewrote an issue time must
    // fail here. (A ticket whose answer was lost in a crash was never
    // acknowledged; only the database knows it.)
    for i in &acks.issued {
        let Some(t) = tickets.get_mut(&i.ticket) else {
            continue;
        };
        if t.priority != i.priority {
            v.push(format!(
                "ticket {} asked for priority {} but is stored with {}",
                i.ticket, i.priority, t.priority
            ));
        }
        if (t.issued_at - i.issued_at).num_milliseconds().abs() > 1 {
            v.push(format!(
                "ticket {} was issued at {} but is stored as {}",
                i.ticket, i.issued_at, t.issued_at
            ));
        }
        if i.slot.is_some() && t.slot_start != i.slot {
            v.push(format!(
                "ticket {}: booked slot {:?} stored as {:?}",
                i.ticket, i.slot, t.slot_start
            ));
        }
        t.priority = i.priority;
        t.issued_at = i.issued_at;
        if i.slot.is_some() {
            t.slot_start = i.slot;
        }
    }
    // Nobody in the plan is meant to be turned away or to give up.
    for (code, n) in &acks.refused {
        v.push(format!("{n} request(s) refused or given up: {code}"));
    }
    for (id, t) in &tickets {
        if !matches!(t.state.as_str(), "done" | "no_show" | "cancelled") {
            v.push(format!("ticket {id} ends the day {}", t.state));
        }
    }

    // The event log: dense ids, then replayed against the ordering rules.
    let events = sqlx::query("SELECT id, kind, at, data FROM events WHERE office = $1 ORDER BY id")
        .bind(&office.id)
        .fetch_all(&pool)
        .await?;
    r.events = events.len();
    let booths: HashMap<&str, HashSet<&str>> = office
        .booths
        .iter()
        .map(|b| {
            (
                b.id.as_str(),
                b.services.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    // Waiting tickets → the service they wait for.
    let mut waiting: BTreeMap<i64, String> = BTreeMap::new();
    let mut first_call: HashMap<i64, DateTime<Utc>> = HashMap::new();
    let mut kinds: HashMap<(String, i64), usize> = HashMap::new();
    let mut called_at_booth: HashSet<(i64, String)> = HashSet::new();
    let mut expected_id = 1;
    for e in &events {
        let id: i64 = e.try_get("id")?;
        if id != expected_id {
            v.push(format!("event ids jump from {} to {id}", expected_id - 1));
        }
        expected_id = id + 1;
        let kind: String = e.try_get("kind")?;
        let at = ts(&e.try_get::<String, _>("at")?)?;
        let data: protocol::EventData = serde_json::from_str(&e.try_get::<String, _>("data")?)?;
        let Some(ticket) = data.ticket_id else {
            continue;
        };
        *kinds.entry((kind.clone(), ticket)).or_default() += 1;
        match kind.as_str() {
            "ticket.issued" | "ticket.transferred" | "ticket.reactivated" => {
                if let Some(s) = data.service.clone() {
                    waiting.insert(ticket, s);
                }
            }
            "ticket.called" => {
                r.calls += 1;
                let booth = data.booth.clone().unwrap_or_default();
                called_at_booth.insert((ticket, booth.clone()));
                first_call.entry(ticket).or_insert(at);
                if waiting.remove(&ticket).is_none() {
                    v.push(format!(
                        "ticket {ticket} called at {booth} while not waiting (called twice?)"
                    ));
                    continue;
                }
                let (Some(serves), Some(me)) = (booths.get(booth.as_str()), tickets.get(&ticket))
                else {
                    v.push(format!("call of ticket {ticket} at unknown booth {booth}"));
                    continue;
                };
                let mine = order_key(me, ticket, at);
                for (other, service) in &waiting {
                    if !serves.contains(service.as_str()) {
                        continue;
                    }
                    if let Some(o) = tickets.get(other)
                        && order_key(o, *other, at) < mine
                    {
                        v.push(format!(
                            "ticket {other} ({service}) was skipped when {booth} called {ticket}"
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    if !waiting.is_empty() {
        v.push(format!(
            "{} tickets still waiting at the end of the log",
            waiting.len()
        ));
    }

    // What the server acknowledged is on record.
    let has = |kind: &str, t: i64| kinds.get(&(kind.to_string(), t)).copied().unwrap_or(0) > 0;
    for i in &acks.issued {
        if !tickets.contains_key(&i.ticket) || !has("ticket.issued", i.ticket) {
            v.push(format!("acknowledged ticket {} is missing", i.ticket));
        }
    }
    for (t, booth) in &acks.calls {
        if !called_at_booth.contains(&(*t, booth.clone())) {
            v.push(format!("acknowledged call of {t} at {booth} is missing"));
        }
    }
    for (list, kind) in [
        (&acks.completes, "ticket.done"),
        (&acks.no_shows, "ticket.no_show"),
        (&acks.transfers, "ticket.transferred"),
        (&acks.recalls, "ticket.recalled"),
        (&acks.starts, "ticket.serving"),
    ] {
        for t in list {
            if !has(kind, *t) {
                v.push(format!("acknowledged {kind} of ticket {t} is missing"));
            }
        }
    }
    for b in &acks.bookings {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM reservations WHERE id = $1 AND office = $2")
                .bind(b)
                .bind(&office.id)
                .fetch_optional(&pool)
                .await?;
        if found.is_none() {
            v.push(format!("acknowledged reservation {b} is missing"));
        }
    }

    // Every subscriber got each event once, in order, without gaps.
    let last = events.len() as i64;
    for s in received {
        r.subscribers += 1;
        if s.ids.windows(2).any(|w| w[1] != w[0] + 1) {
            let gap = s.ids.windows(2).find(|w| w[1] != w[0] + 1);
            v.push(format!(
                "{} skipped or repeated events around {gap:?}",
                s.name
            ));
        }
        if s.whole_day && (s.ids.first() != Some(&1) || s.ids.last() != Some(&last)) {
            v.push(format!(
                "{} saw events {:?}..{:?} of 1..{last}",
                s.name,
                s.ids.first(),
                s.ids.last()
            ));
        }
    }

    // The waits shown at the kiosk against the real ones.
    let mut errors = Vec::new();
    let mut within = 0;
    let mut waits = Vec::new();
    for i in acks.issued.iter().filter(|i| i.walk_in) {
        let Some(called) = first_call.get(&i.ticket) else {
            continue;
        };
        let real = (*called - i.issued_at).num_milliseconds() as f64 / 60_000.0;
        waits.push(real);
        errors.push((real - f64::from(i.estimate.minutes)).abs());
        if real >= f64::from(i.estimate.low) - 0.5 && real <= f64::from(i.estimate.high) + 0.5 {
            within += 1;
        }
    }
    r.estimated = errors.len();
    if !errors.is_empty() {
        r.mean_abs_error = errors.iter().sum::<f64>() / errors.len() as f64;
        r.within_range = within as f64 / errors.len() as f64;
        r.mean_wait = waits.iter().sum::<f64>() / waits.len() as f64;
        r.max_wait = waits.iter().copied().fold(0.0, f64::max);
    }
    r.violations = v;
    Ok(r)
}

#[cfg(test)]
mod tests {
    //! The checker must catch what it is there to catch: a log written by
    //! hand with a ticket skipped, a ticket called twice, a gap in the
    //! event ids, an unfinished ticket and a subscriber that missed one.

    use std::path::Path;

    use madoguchi_server::storage::Database;

    use super::*;
    use crate::agents::Received;

    const T0: &str = "2026-12-01T00:00:00.000000Z";

    async fn write(
        dir: &Path,
        office: &str,
        tickets: &[(i64, &str, &str)],
        events: &[(i64, &str, &str, &str)],
    ) {
        let store = madoguchi_server::storage::Store::open(
            &madoguchi_server::storage::Database::Sqlite(dir.to_path_buf()),
        )
        .await
        .expect("db");
        for (id, state, issued) in tickets {
            sqlx::query(
                "INSERT INTO tickets (id, office, day, number, prefix, seq, services, step, source, priority, state,
                   issued_at, queued_at, call_count, notes, status_token)
                 VALUES ($1, $8, '2026-12-01', $2, 'B', $3, '[\"shomei\"]', 0, 'walk_in', 0, $4, $5, $6, 0, '[]', $7)",
            )
            .bind(id)
            .bind(format!("B{id:03}"))
            .bind(id)
            .bind(state)
            .bind(issued)
            .bind(issued)
            .bind(format!("token-{office}-{id}"))
            .bind(office)
            .execute(store.pool())
            .await
            .expect("ticket");
        }
        for (id, kind, at, data) in events {
            sqlx::query(
                "INSERT INTO events (office, id, kind, at, data, actor) VALUES ($5, $1, $2, $3, $4, 'test')",
            )
            .bind(id)
            .bind(kind)
            .bind(at)
            .bind(data)
            .bind(office)
            .execute(store.pool())
            .await
            .expect("event");
        }
        store.pool().close().await;
    }

    async fn store(dir: &Path) -> Store {
        Store::open(&Database::Sqlite(dir.to_path_buf()))
            .await
            .expect("db")
    }

    fn office() -> Office {
        Office::parse(&crate::server::office_toml()).expect("office")
    }

    #[tokio::test]
    async fn a_clean_day_passes() {
        let dir = tempfile::tempdir().expect("dir");
        write(
            dir.path(),
            "honcho",
            &[(1, "done", T0)],
            &[
                (
                    1,
                    "ticket.issued",
                    T0,
                    r#"{"ticket_id":1,"service":"shomei"}"#,
                ),
                (
                    2,
                    "ticket.called",
                    T0,
                    r#"{"ticket_id":1,"service":"shomei","booth":"1"}"#,
                ),
                (3, "ticket.done", T0, r#"{"ticket_id":1}"#),
            ],
        )
        .await;
        let seen = Received {
            name: "board".into(),
            ids: vec![1, 2, 3],
            whole_day: true,
            called: Vec::new(),
        };
        let r = check(
            &store(dir.path()).await,
            &office(),
            &Acks::default(),
            &[seen],
        )
        .await
        .expect("check");
        assert!(r.violations.is_empty(), "{:?}", r.violations);
        assert_eq!((r.tickets, r.events, r.calls), (1, 3, 1));
    }

    /// Each office is checked on its own: another office's unfinished
    /// ticket and its own event ids (from 1 again) are not this one's.
    #[tokio::test]
    async fn each_office_is_checked_on_its_own() {
        let dir = tempfile::tempdir().expect("dir");
        let issued = r#"{"ticket_id":1,"service":"shomei"}"#;
        let called = r#"{"ticket_id":1,"service":"shomei","booth":"1"}"#;
        write(
            dir.path(),
            "honcho",
            &[(1, "done", T0)],
            &[
                (1, "ticket.issued", T0, issued),
                (2, "ticket.called", T0, called),
                (3, "ticket.done", T0, r#"{"ticket_id":1}"#),
            ],
        )
        .await;
        write(
            dir.path(),
            "kita",
            &[(2, "waiting", T0)],
            &[(
                1,
                "ticket.issued",
                T0,
                r#"{"ticket_id":2,"service":"shomei"}"#,
            )],
        )
        .await;
        let store = store(dir.path()).await;
        let board = |ids: Vec<i64>| Received {
            name: "board".into(),
            ids,
            whole_day: true,
            called: Vec::new(),
        };
        let honcho = check(&store, &office(), &Acks::default(), &[board(vec![1, 2, 3])])
            .await
            .expect("check");
        assert!(honcho.violations.is_empty(), "{:?}", honcho.violations);
        assert_eq!((honcho.tickets, honcho.events), (1, 3));
        let mut kita_office = office();
        kita_office.id = "kita".into();
        let kita = check(&store, &kita_office, &Acks::default(), &[board(vec![1])])
            .await
            .expect("check");
        assert_eq!(
            kita.violations,
            [
                "ticket 2 ends the day waiting",
                "1 tickets still waiting at the end of the log"
            ],
        );
        assert_eq!((kita.tickets, kita.events), (1, 1));
    }

    #[tokio::test]
    async fn skipped_twice_called_unfinished_and_gaps_are_all_caught() {
        let dir = tempfile::tempdir().expect("dir");
        let later = "2026-12-01T00:01:00.000000Z";
        write(
            dir.path(),
            "honcho",
            &[(1, "waiting", T0), (2, "done", later)],
            &[
                (
                    1,
                    "ticket.issued",
                    T0,
                    r#"{"ticket_id":1,"service":"shomei"}"#,
                ),
                (
                    2,
                    "ticket.issued",
                    later,
                    r#"{"ticket_id":2,"service":"shomei"}"#,
                ),
                // Booth 1 serves shomei: calling 2 before 1 skips 1.
                (
                    3,
                    "ticket.called",
                    later,
                    r#"{"ticket_id":2,"service":"shomei","booth":"1"}"#,
                ),
                (
                    4,
                    "ticket.called",
                    later,
                    r#"{"ticket_id":2,"service":"shomei","booth":"2"}"#,
                ),
                (6, "ticket.done", later, r#"{"ticket_id":2}"#),
            ],
        )
        .await;
        let acks = Acks {
            calls: vec![(1, "3".into())],
            ..Acks::default()
        };
        let seen = Received {
            name: "board".into(),
            ids: vec![1, 2, 4],
            whole_day: true,
            called: Vec::new(),
        };
        let r = check(&store(dir.path()).await, &office(), &acks, &[seen])
            .await
            .expect("check");
        let all = r.violations.join("\n");
        for expected in [
            "ticket 1 (shomei) was skipped when 1 called 2",
            "ticket 2 called at 2 while not waiting",
            "ticket 1 ends the day waiting",
            "event ids jump from 4 to 6",
            "acknowledged call of 1 at 3 is missing",
            "board skipped or repeated events",
        ] {
            assert!(all.contains(expected), "missing {expected:?} in:\n{all}");
        }
    }
}

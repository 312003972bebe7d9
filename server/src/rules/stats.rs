//! Day statistics, pure: from a day's tickets and completed steps to the
//! figures per procedure and per hour. Waits are counted from when a step
//! entered its queue to its first call; service time is the step's own
//! recorded minutes. No I/O, no clock.

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use protocol::{DayStats, HourStats, ServiceStats, TicketState};

use crate::rules::engine::Ticket;

/// One completed step of one ticket (a `service_times` row).
#[derive(Debug, Clone)]
pub struct StepRecord {
    pub service: String,
    pub queued_at: DateTime<Utc>,
    pub called_at: Option<DateTime<Utc>>,
    pub done_at: DateTime<Utc>,
    pub minutes: f64,
}

impl StepRecord {
    fn waited(&self) -> Option<f64> {
        self.called_at
            .map(|c| ((c - self.queued_at).num_milliseconds() as f64 / 60_000.0).max(0.0))
    }
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// The 90th percentile, nearest rank (the value 90 % of visitors did not exceed).
fn p90(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let rank = ((0.9 * s.len() as f64).ceil() as usize).clamp(1, s.len());
    Some(s[rank - 1])
}

fn round1(v: Option<f64>) -> Option<f64> {
    v.map(|x| (x * 10.0).round() / 10.0)
}

/// `services` gives the order (the office's list of procedures); tickets
/// and steps are those of the days `from`–`to`.
pub fn day_stats(
    (from, to): (NaiveDate, NaiveDate),
    services: &[String],
    tickets: &[Ticket],
    steps: &[StepRecord],
    tz: Tz,
) -> DayStats {
    let per_service = services
        .iter()
        .map(|id| {
            let mine: Vec<&StepRecord> = steps.iter().filter(|s| &s.service == id).collect();
            let waits: Vec<f64> = mine.iter().filter_map(|s| s.waited()).collect();
            let served: Vec<f64> = mine.iter().map(|s| s.minutes).collect();
            ServiceStats {
                service: id.clone(),
                tickets: tickets.iter().filter(|t| t.services.contains(id)).count() as u32,
                served: mine.len() as u32,
                no_shows: tickets
                    .iter()
                    .filter(|t| t.state == TicketState::NoShow && t.current_service() == id)
                    .count() as u32,
                expired: tickets
                    .iter()
                    .filter(|t| t.state == TicketState::Expired && t.current_service() == id)
                    .count() as u32,
                wait_avg: round1(mean(&waits)),
                wait_p90: round1(p90(&waits)),
                service_avg: round1(mean(&served)),
                service_p90: round1(p90(&served)),
            }
        })
        .collect();
    let hour = |t: DateTime<Utc>| t.with_timezone(&tz).hour();
    let mut hours: Vec<u32> = tickets
        .iter()
        .map(|t| hour(t.issued_at))
        .chain(steps.iter().map(|s| hour(s.done_at)))
        .collect();
    hours.sort_unstable();
    hours.dedup();
    let per_hour = hours
        .into_iter()
        .map(|h| {
            let waits: Vec<f64> = steps
                .iter()
                .filter(|s| s.called_at.is_some_and(|c| hour(c) == h))
                .filter_map(|s| s.waited())
                .collect();
            HourStats {
                hour: h,
                issued: tickets.iter().filter(|t| hour(t.issued_at) == h).count() as u32,
                served: steps.iter().filter(|s| hour(s.done_at) == h).count() as u32,
                wait_avg: round1(mean(&waits)),
            }
        })
        .collect();
    DayStats {
        from,
        to,
        services: per_service,
        hours: per_hour,
    }
}

/// Average wait by local hour of day (when the step was called), per
/// service: the "usual wait" of the congestion page.
pub fn hourly_waits(service: &str, steps: &[StepRecord], tz: Tz) -> Vec<protocol::HourlyWait> {
    let mut by_hour: std::collections::BTreeMap<u32, Vec<f64>> = Default::default();
    for s in steps.iter().filter(|s| s.service == service) {
        if let (Some(called), Some(w)) = (s.called_at, s.waited()) {
            by_hour
                .entry(called.with_timezone(&tz).hour())
                .or_default()
                .push(w);
        }
    }
    by_hour
        .into_iter()
        .map(|(hour, waits)| protocol::HourlyWait {
            hour,
            average_wait: round1(mean(&waits)).unwrap_or(0.0),
            samples: waits.len() as u32,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        // 2026-12-01 in Tokyo (UTC+9).
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .map(|t| t.and_utc() - chrono::Duration::hours(9))
            .unwrap_or_default()
    }

    fn step(service: &str, queued: (u32, u32), called: (u32, u32), minutes: f64) -> StepRecord {
        StepRecord {
            service: service.into(),
            queued_at: at(queued.0, queued.1),
            called_at: Some(at(called.0, called.1)),
            done_at: at(called.0, called.1) + chrono::Duration::minutes(minutes as i64),
            minutes,
        }
    }

    #[test]
    fn usual_waits_are_averaged_by_the_hour_of_the_call() {
        let steps = vec![
            step("shomei", (9, 0), (9, 10), 5.0),
            step("shomei", (9, 30), (9, 50), 5.0),
            step("shomei", (13, 0), (13, 5), 5.0),
            step("juminido", (9, 0), (9, 40), 5.0),
        ];
        let h = hourly_waits("shomei", &steps, chrono_tz::Asia::Tokyo);
        assert_eq!(h.len(), 2);
        assert_eq!((h[0].hour, h[0].average_wait, h[0].samples), (9, 15.0, 2));
        assert_eq!((h[1].hour, h[1].average_wait), (13, 5.0));
    }

    #[test]
    fn percentiles_use_nearest_rank() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(p90(&v), Some(9.0));
        assert_eq!(p90(&[4.0]), Some(4.0));
        assert_eq!(p90(&[]), None);
        assert_eq!(mean(&[1.0, 2.0]), Some(1.5));
    }

    #[test]
    fn waits_service_times_and_hours_are_counted_per_procedure() {
        let steps = vec![
            step("shomei", (9, 0), (9, 10), 5.0),
            step("shomei", (9, 5), (9, 25), 7.0),
            step("juminido", (10, 0), (10, 2), 20.0),
        ];
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        let s = day_stats(
            (day, day),
            &["juminido".into(), "shomei".into(), "kokuho".into()],
            &[],
            &steps,
            chrono_tz::Asia::Tokyo,
        );
        let shomei = &s.services[1];
        assert_eq!(shomei.served, 2);
        assert_eq!(shomei.wait_avg, Some(15.0));
        assert_eq!(shomei.wait_p90, Some(20.0));
        assert_eq!(shomei.service_avg, Some(6.0));
        assert_eq!(s.services[2].wait_avg, None, "nothing measured is not zero");
        assert_eq!(
            s.hours.iter().map(|h| h.hour).collect::<Vec<_>>(),
            vec![9, 10]
        );
        assert_eq!(s.hours[0].served, 2);
        assert_eq!(s.hours[0].wait_avg, Some(15.0));
    }
}

//! The day's plan, pure and seeded: who arrives when for what, who will
//! not answer the call, who is sent on to another procedure, which
//! reservations come on time, late, too late or not at all.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Walk-in procedures: (service, share of first procedures, mean minutes
/// at the counter). With 12 counters and 2,000 visitors a day the counters
/// are busy ~95 % of the time: queues build at the peaks and drain after.
pub const PROCEDURES: [(&str, f64, f64); 4] = [
    ("shomei", 0.55, 1.2),
    ("juminido", 0.20, 3.0),
    ("kokuho", 0.13, 2.5),
    ("mynumber", 0.12, 2.5),
];

/// Mean minutes of an おくやみ appointment.
pub const OKUYAMI_MINUTES: f64 = 45.0;

/// Arrivals per hour relative to the mean, from the domain notes: a rush
/// at opening and the busiest hours 11:00–14:00 (lunch break).
const HOURLY_WEIGHT: [(u32, f64); 9] = [
    (8, 0.9),
    (9, 1.2),
    (10, 1.1),
    (11, 1.3),
    (12, 1.5),
    (13, 1.3),
    (14, 0.9),
    (15, 0.8),
    (16, 0.6),
];

#[derive(Debug, Clone)]
pub struct Visitor {
    pub key: String,
    pub arrive: DateTime<Utc>,
    pub services: Vec<String>,
    pub priority: bool,
    /// Does not come when called (recalled, then marked absent).
    pub absent: bool,
    /// Sent on to this procedure at the first counter (a transfer).
    pub transfer_to: Option<String>,
    /// Follows the turn on the phone (an SSE subscriber for a while).
    pub watches_minutes: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Booking {
    pub slot: DateTime<Utc>,
    /// When the family scans the QR code; `None`: they never come.
    pub arrive: Option<DateTime<Utc>>,
    /// They come after check-in has closed: the kiosk must refuse them.
    pub too_late: bool,
}

#[derive(Debug, Clone)]
pub struct DayPlan {
    pub visitors: Vec<Visitor>,
    pub bookings: Vec<Booking>,
}

pub struct PlanSettings {
    pub seed: u64,
    pub visitors: usize,
    pub day: chrono::NaiveDate,
    pub tz: Tz,
    pub open: NaiveTime,
    /// Last arrival (walk-ins stop here; the counters serve who is left).
    pub until: NaiveTime,
    pub okuyami_slots: Vec<NaiveTime>,
    pub okuyami_capacity: usize,
}

fn at(s: &PlanSettings, t: NaiveTime) -> DateTime<Utc> {
    s.tz.from_local_datetime(&s.day.and_time(t))
        .single()
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_default()
}

fn pick_service(rng: &mut StdRng, except: &[String]) -> String {
    loop {
        let mut x: f64 = rng.random();
        for (id, share, _) in PROCEDURES {
            if x < share {
                if !except.iter().any(|e| e == id) {
                    return id.to_string();
                }
                break;
            }
            x -= share;
        }
        if except.len() >= PROCEDURES.len() {
            return PROCEDURES[0].0.to_string();
        }
    }
}

/// Minutes a procedure takes this time: around its mean, skewed long.
pub fn service_minutes(rng: &mut impl Rng, service: &str) -> f64 {
    let mean = PROCEDURES
        .iter()
        .find(|p| p.0 == service)
        .map_or(OKUYAMI_MINUTES, |p| p.2);
    // Log-normal with σ = 0.4, scaled so that its mean is `mean`.
    let (u1, u2): (f64, f64) = (rng.random::<f64>().max(1e-9), rng.random());
    let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    mean * (0.4 * z - 0.08).exp()
}

pub fn plan(s: &PlanSettings) -> DayPlan {
    let mut rng = StdRng::seed_from_u64(s.seed);
    let open = at(s, s.open);
    let until = at(s, s.until);
    // Hour buckets inside [open, until) with their weights.
    let mut buckets = Vec::new();
    for (hour, w) in HOURLY_WEIGHT {
        let start = at(s, NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(s.open)).max(open);
        let end = (at(s, NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(s.open))
            + Duration::hours(1))
        .min(until);
        if end > start {
            let share = (end - start).num_seconds() as f64 / 3600.0;
            buckets.push((start, end, w * share));
        }
    }
    let total: f64 = buckets.iter().map(|b| b.2).sum();
    let mut visitors = Vec::with_capacity(s.visitors);
    for i in 0..s.visitors {
        let mut x = rng.random::<f64>() * total;
        let (start, end, _) = *buckets
            .iter()
            .find(|b| {
                if x < b.2 {
                    true
                } else {
                    x -= b.2;
                    false
                }
            })
            .unwrap_or(&buckets[buckets.len() - 1]);
        let secs = (end - start).num_seconds().max(1);
        let arrive = start + Duration::seconds(rng.random_range(0..secs));
        let mut services = vec![pick_service(&mut rng, &[])];
        if rng.random::<f64>() < 0.15 {
            services.push(pick_service(&mut rng, &services));
            if rng.random::<f64>() < 0.2 {
                services.push(pick_service(&mut rng, &services));
            }
        }
        let transfer_to = (rng.random::<f64>() < 0.03).then(|| pick_service(&mut rng, &services));
        visitors.push(Visitor {
            key: format!("sim-{i}"),
            arrive,
            services,
            priority: rng.random::<f64>() < 0.02,
            absent: rng.random::<f64>() < 0.04,
            transfer_to,
            watches_minutes: (rng.random::<f64>() < 0.05).then(|| rng.random_range(5..40)),
        });
    }
    visitors.sort_by_key(|v| v.arrive);
    let mut bookings = Vec::new();
    for slot in &s.okuyami_slots {
        let slot = at(s, *slot);
        if slot >= until {
            continue;
        }
        for _ in 0..s.okuyami_capacity {
            let roll: f64 = rng.random();
            let too_late = (0.2..0.25).contains(&roll);
            let arrive = if roll < 0.1 {
                None
            } else if roll < 0.2 {
                // Late, still in time: 20 simulated minutes before the
                // 30-minute limit, so a crash and restart on a slow
                // machine (at 300×, 4 real seconds) does not turn it
                // into a refusal the plan did not ask for.
                Some(slot + Duration::minutes(10))
            } else if roll < 0.25 {
                Some(slot + Duration::minutes(45)) // too late to check in
            } else {
                Some(slot - Duration::minutes(rng.random_range(0..15)))
            };
            bookings.push(Booking {
                slot,
                arrive,
                too_late,
            });
        }
    }
    DayPlan { visitors, bookings }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(visitors: usize, seed: u64) -> PlanSettings {
        PlanSettings {
            seed,
            visitors,
            day: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("day"),
            tz: chrono_tz::Asia::Tokyo,
            open: NaiveTime::from_hms_opt(8, 30, 0).expect("t"),
            until: NaiveTime::from_hms_opt(17, 0, 0).expect("t"),
            okuyami_slots: vec![NaiveTime::from_hms_opt(9, 0, 0).expect("t")],
            okuyami_capacity: 2,
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_day_and_lunch_is_busier_than_afternoon() {
        let a = plan(&settings(2000, 7));
        let b = plan(&settings(2000, 7));
        assert_eq!(a.visitors.len(), 2000);
        assert!(
            a.visitors
                .iter()
                .zip(&b.visitors)
                .all(|(x, y)| x.arrive == y.arrive)
        );
        let hour = |h: u32| {
            a.visitors
                .iter()
                .filter(|v| {
                    v.arrive
                        .with_timezone(&chrono_tz::Asia::Tokyo)
                        .format("%H")
                        .to_string()
                        == format!("{h:02}")
                })
                .count()
        };
        assert!(
            hour(12) > hour(16) * 2,
            "12h {} vs 16h {}",
            hour(12),
            hour(16)
        );
        let multi = a.visitors.iter().filter(|v| v.services.len() > 1).count();
        assert!(
            (200..400).contains(&multi),
            "{multi} multi-procedure visitors"
        );
        assert!(a.visitors.iter().all(|v| {
            let mut s = v.services.clone();
            s.sort();
            s.dedup();
            s.len() == v.services.len()
        }));
    }

    #[test]
    fn service_times_average_near_their_mean() {
        let mut rng = StdRng::seed_from_u64(1);
        let n = 20_000;
        let mean = (0..n)
            .map(|_| service_minutes(&mut rng, "shomei"))
            .sum::<f64>()
            / n as f64;
        assert!((1.08..1.32).contains(&mean), "{mean}");
    }
}

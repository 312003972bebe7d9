//! The server's clock. Production uses the system time; tests and demos can
//! start it at a chosen instant (`serve --clock-start`), after which it runs
//! at normal speed, so time rules (slots, check-in windows) are testable.
//! The day simulation also speeds it up (`--clock-rate 100`: a day in
//! minutes).

use chrono::{DateTime, SubsecRound, Utc};
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct Clock {
    start: Option<(DateTime<Utc>, Instant)>,
    rate: f64,
}

impl Clock {
    pub fn system() -> Clock {
        Clock {
            start: None,
            rate: 1.0,
        }
    }

    pub fn starting_at(at: DateTime<Utc>) -> Clock {
        Clock::starting_at_rate(at, 1.0)
    }

    /// Starts at `at` and runs `rate` times faster than real time.
    pub fn starting_at_rate(at: DateTime<Utc>, rate: f64) -> Clock {
        Clock::anchored(at, rate, Instant::now())
    }

    /// Read `at` when the system time was `real` (`--clock-real-start`):
    /// a process started later runs the same clock as the one that
    /// started it, with no lag for its own start-up (at 300× a two-second
    /// start-up would put it ten simulated minutes behind).
    pub fn starting_at_rate_since(at: DateTime<Utc>, rate: f64, real: DateTime<Utc>) -> Clock {
        let ago = (Utc::now() - real).to_std().unwrap_or_default();
        let since = Instant::now().checked_sub(ago).unwrap_or_else(Instant::now);
        Clock::anchored(at, rate, since)
    }

    fn anchored(at: DateTime<Utc>, rate: f64, since: Instant) -> Clock {
        Clock {
            start: Some((at, since)),
            rate: if rate.is_finite() && rate > 0.0 {
                rate
            } else {
                1.0
            },
        }
    }

    /// Now, to the microsecond (what the database keeps).
    pub fn now(&self) -> DateTime<Utc> {
        let now = match self.start {
            None => Utc::now(),
            Some((at, since)) => {
                at + chrono::Duration::from_std(since.elapsed().mul_f64(self.rate))
                    .unwrap_or_default()
            }
        };
        now.trunc_subsecs(6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server started two real seconds after the simulation's clock
    /// read 08:00 at 300× reads 08:10, not 08:00: its start-up does not
    /// put it behind (on a slow machine that lag once turned a walk-in
    /// at the opening away as "office closed").
    #[test]
    fn an_anchored_clock_is_not_behind_by_its_own_start_up() {
        let at = DateTime::parse_from_rfc3339("2026-12-04T08:00:00+09:00")
            .expect("instant")
            .with_timezone(&Utc);
        let real = Utc::now() - chrono::Duration::seconds(2);
        let clock = Clock::starting_at_rate_since(at, 300.0, real);
        let ahead = (clock.now() - at).num_seconds();
        assert!((600..=660).contains(&ahead), "{ahead} s after 08:00");
        let unanchored = Clock::starting_at_rate(at, 300.0);
        assert!((unanchored.now() - at).num_seconds() < 60);
    }

    /// An anchor in the future (clocks of two machines) is no lag at all.
    #[test]
    fn an_anchor_in_the_future_starts_the_clock_now() {
        let at = Utc::now();
        let clock = Clock::starting_at_rate_since(at, 1.0, at + chrono::Duration::hours(1));
        assert!((clock.now() - at).num_seconds().abs() < 5);
    }
}

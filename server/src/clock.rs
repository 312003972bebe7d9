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
        Clock {
            start: Some((at, Instant::now())),
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

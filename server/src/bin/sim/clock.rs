//! Simulated time: `speed` times real time from a starting instant. The
//! server runs the same clock (`--clock-start`, `--clock-rate`, and
//! `--clock-real-start` so that its own start-up does not put it behind).

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

#[derive(Clone, Copy)]
pub struct SimClock {
    pub start: DateTime<Utc>,
    real: Instant,
    /// The system time at `real`, for the servers' `--clock-real-start`.
    pub wall: DateTime<Utc>,
    pub speed: f64,
}

impl SimClock {
    pub fn new(start: DateTime<Utc>, speed: f64) -> SimClock {
        SimClock {
            start,
            real: Instant::now(),
            wall: Utc::now(),
            speed,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.start
            + chrono::Duration::from_std(self.real.elapsed().mul_f64(self.speed))
                .unwrap_or_default()
    }

    /// Real time for `minutes` of simulated time.
    pub fn real(&self, minutes: f64) -> Duration {
        Duration::from_secs_f64((minutes * 60.0 / self.speed).max(0.0))
    }

    pub async fn sleep_minutes(&self, minutes: f64) {
        tokio::time::sleep(self.real(minutes)).await;
    }

    pub async fn sleep_until(&self, at: DateTime<Utc>) {
        let ahead = (at - self.now()).num_milliseconds() as f64 / 60_000.0;
        if ahead > 0.0 {
            self.sleep_minutes(ahead).await;
        }
    }
}

//! The server's clock. Production uses the system time; tests and demos can
//! start it at a chosen instant (`serve --clock-start`), after which it runs
//! at normal speed, so time rules (slots, check-in windows) are testable.

use chrono::{DateTime, SubsecRound, Utc};
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct Clock {
    start: Option<(DateTime<Utc>, Instant)>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock { start: None }
    }

    pub fn starting_at(at: DateTime<Utc>) -> Clock {
        Clock {
            start: Some((at, Instant::now())),
        }
    }

    /// Now, to the microsecond (what the database keeps).
    pub fn now(&self) -> DateTime<Utc> {
        let now = match self.start {
            None => Utc::now(),
            Some((at, since)) => {
                at + chrono::Duration::from_std(since.elapsed()).unwrap_or_default()
            }
        };
        now.trunc_subsecs(6)
    }
}

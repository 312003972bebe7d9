//! Fixed-window counters for login throttling and kiosk rate limits.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

pub struct Limiter {
    max: u32,
    window: Duration,
    counts: Mutex<HashMap<String, (DateTime<Utc>, u32)>>,
}

impl Limiter {
    pub fn new(max: u32, window: Duration) -> Limiter {
        Limiter {
            max,
            window,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds until `key` may try again, or None when it is not limited.
    pub fn blocked(&self, key: &str, now: DateTime<Utc>) -> Option<u64> {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        match counts.get(key) {
            Some((start, n)) if *n >= self.max && now < *start + self.window => {
                Some(((*start + self.window - now).num_seconds().max(1)) as u64)
            }
            _ => None,
        }
    }

    /// Counts one attempt; returns the wait if this attempt is over the limit.
    pub fn hit(&self, key: &str, now: DateTime<Utc>) -> Option<u64> {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if counts.len() > 10_000 {
            // Bound memory against floods of distinct keys.
            counts.retain(|_, (start, _)| now < *start + self.window);
        }
        let entry = counts.entry(key.to_string()).or_insert((now, 0));
        if now >= entry.0 + self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        if entry.1 > self.max {
            Some(((entry.0 + self.window - now).num_seconds().max(1)) as u64)
        } else {
            None
        }
    }

    pub fn reset(&self, key: &str) {
        self.counts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_within_a_window_and_forgets_after_it() {
        let l = Limiter::new(2, Duration::minutes(1));
        let t = Utc::now();
        assert_eq!(l.hit("a", t), None);
        assert_eq!(l.hit("a", t), None);
        assert!(l.hit("a", t).is_some());
        assert!(l.blocked("a", t).is_some());
        assert_eq!(l.hit("b", t), None, "keys are separate");
        assert_eq!(l.hit("a", t + Duration::minutes(2)), None);
        l.reset("b");
        assert_eq!(l.blocked("b", t), None);
    }
}

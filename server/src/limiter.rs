//! Fixed-window counters for login throttling and kiosk rate limits.
//!
//! The rule (`Rule`) is pure; where the counts live depends on the
//! backend. One server serves a SQLite file, so its counts stay in its
//! memory (a kiosk request costs no extra write). Several servers share a
//! PostgreSQL, so there the counts are rows of `rate_limits`, and five
//! failed logins spread over two servers lock the name out on both.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::storage::{Backend, Store, StoreError};

/// One key's window: when it began and how many hits it has seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub hits: u32,
}

/// At most `max` hits per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub max: u32,
    pub window: Duration,
}

impl Rule {
    /// Seconds until the key may try again, or None when it is not limited.
    pub fn wait(&self, w: Option<Window>, now: DateTime<Utc>) -> Option<u64> {
        match w {
            Some(w) if w.hits >= self.max && now < w.start + self.window => {
                Some(self.seconds_left(w, now))
            }
            _ => None,
        }
    }

    /// The window after one more hit, and the wait if this hit is over
    /// the limit. A window that has run out starts again.
    pub fn hit(&self, w: Option<Window>, now: DateTime<Utc>) -> (Window, Option<u64>) {
        let w = match w {
            Some(w) if now < w.start + self.window => Window {
                start: w.start,
                hits: w.hits.saturating_add(1),
            },
            _ => Window {
                start: now,
                hits: 1,
            },
        };
        let over = (w.hits > self.max).then(|| self.seconds_left(w, now));
        (w, over)
    }

    /// Whole seconds, at least one, until window `w` runs out.
    fn seconds_left(&self, w: Window, now: DateTime<Utc>) -> u64 {
        (w.start + self.window - now).num_seconds().max(1) as u64
    }
}

enum Counts {
    Memory(Mutex<HashMap<String, Window>>),
    Shared(Store),
}

pub struct Limiter {
    rule: Rule,
    counts: Counts,
}

impl Limiter {
    /// A limiter whose counts live where `store`'s backend needs them.
    pub fn new(max: u32, window: Duration, store: &Store) -> Limiter {
        let counts = match store.backend() {
            Backend::Sqlite => Counts::Memory(Mutex::new(HashMap::new())),
            Backend::Postgres => Counts::Shared(store.clone()),
        };
        Limiter {
            rule: Rule { max, window },
            counts,
        }
    }

    /// Seconds until `key` may try again, or None when it is not limited.
    pub async fn blocked(&self, key: &str, now: DateTime<Utc>) -> Result<Option<u64>, StoreError> {
        let w = match &self.counts {
            Counts::Memory(m) => m
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(key)
                .copied(),
            Counts::Shared(store) => store.rate_window(key).await?,
        };
        Ok(self.rule.wait(w, now))
    }

    /// Counts one attempt; returns the wait if this attempt is over the limit.
    pub async fn hit(&self, key: &str, now: DateTime<Utc>) -> Result<Option<u64>, StoreError> {
        match &self.counts {
            Counts::Memory(m) => {
                let mut counts = m.lock().unwrap_or_else(|p| p.into_inner());
                if counts.len() > 10_000 {
                    // Bound memory against floods of distinct keys.
                    counts.retain(|_, w| now < w.start + self.rule.window);
                }
                let (w, over) = self.rule.hit(counts.get(key).copied(), now);
                counts.insert(key.to_string(), w);
                Ok(over)
            }
            Counts::Shared(store) => {
                let rule = self.rule;
                store.hit_rate_window(key, move |w| rule.hit(w, now)).await
            }
        }
    }

    pub async fn reset(&self, key: &str) -> Result<(), StoreError> {
        match &self.counts {
            Counts::Memory(m) => {
                m.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
                Ok(())
            }
            Counts::Shared(store) => store.reset_rate_window(key).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_within_a_window_and_forgets_after_it() {
        let rule = Rule {
            max: 2,
            window: Duration::minutes(1),
        };
        let t = Utc::now();
        let (w, over) = rule.hit(None, t);
        assert_eq!((w.hits, over), (1, None));
        let (w, over) = rule.hit(Some(w), t);
        assert_eq!((w.hits, over), (2, None));
        assert_eq!(rule.wait(Some(w), t), Some(60), "two hits fill the window");
        let (w3, over) = rule.hit(Some(w), t + Duration::seconds(15));
        assert_eq!((w3.hits, over), (3, Some(45)));
        assert_eq!(rule.wait(None, t), None, "keys are separate");
        let (w, over) = rule.hit(Some(w3), t + Duration::minutes(2));
        assert_eq!((w.hits, over), (1, None), "a new window begins");
        assert_eq!(w.start, t + Duration::minutes(2));
    }
}

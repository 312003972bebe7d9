//! The frame log of a board or kiosk started with `--latency-log FILE` and
//! `MADOGUCHI_LOG_FRAMES=1`: one `frame\t<unix µs>` line per presented
//! frame. Tests read it to check when an app draws and when it sleeps.

use std::path::Path;

/// Now, in unix milliseconds (the log's clock).
pub fn unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as i64
}

/// Frames presented from `from_ms` to `to_ms` (unix ms).
pub fn frames_between(log: &Path, from_ms: i64, to_ms: i64) -> Vec<i64> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.strip_prefix("frame\t"))
        .filter_map(|micros| micros.parse::<i64>().ok())
        .map(|micros| micros / 1000)
        .filter(|ms| (from_ms..to_ms).contains(ms))
        .collect()
}

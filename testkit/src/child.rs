//! A child process (an app under test, a helper server) that is stopped
//! when dropped, also when the test or benchmark fails.

use std::process::Child;

pub struct Stop(pub Child);

impl Drop for Stop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The nearest-rank `p` quantile (0–1) of `sorted` (0 when empty), as the
/// benchmarks report p50 and p99.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

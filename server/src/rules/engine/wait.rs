//! Wait estimates: people ahead × recent service time ÷ open booths.

use protocol::WaitEstimate;

/// Exponentially weighted moving average of service minutes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ewma {
    pub minutes: f64,
}

impl Ewma {
    pub fn new(initial_minutes: f64) -> Self {
        Ewma {
            minutes: initial_minutes,
        }
    }

    /// Adds one observed service time. Samples are clamped to 0.5–240 min so
    /// a ticket left open over lunch does not wreck the estimate.
    pub fn observe(self, sample_minutes: f64, alpha: f64) -> Self {
        let sample = sample_minutes.clamp(0.5, 240.0);
        Ewma {
            minutes: alpha * sample + (1.0 - alpha) * self.minutes,
        }
    }
}

/// "About N minutes" with a ±25 % range (rounded outward), never false precision.
pub fn estimate(people_ahead: u32, service_minutes: f64, open_booths: u32) -> WaitEstimate {
    let booths = f64::from(open_booths.max(1));
    range(f64::from(people_ahead) * service_minutes / booths)
}

/// Expected minutes → "about N minutes" with a ±25 % range (rounded
/// outward), never false precision.
pub fn range(minutes: f64) -> WaitEstimate {
    let m = minutes.max(0.0);
    WaitEstimate {
        minutes: m.round() as u32,
        low: (m * 0.75).floor() as u32,
        high: (m * 1.25).ceil() as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nobody_ahead_means_no_wait() {
        assert_eq!(
            estimate(0, 12.0, 2),
            WaitEstimate {
                minutes: 0,
                low: 0,
                high: 0
            }
        );
    }

    #[test]
    fn wait_scales_with_people_and_divides_by_open_booths() {
        let one = estimate(4, 10.0, 1);
        let two = estimate(4, 10.0, 2);
        assert_eq!(one.minutes, 40);
        assert_eq!(two.minutes, 20);
        assert!(two.low <= 20 && two.high >= 20 && two.low < two.high);
    }

    #[test]
    fn closed_service_is_estimated_as_one_booth() {
        assert_eq!(estimate(3, 5.0, 0).minutes, 15);
    }

    #[test]
    fn ewma_moves_towards_recent_samples() {
        let e = Ewma::new(10.0).observe(20.0, 0.5);
        assert!((e.minutes - 15.0).abs() < 1e-9);
        let e = e.observe(20.0, 0.5).observe(20.0, 0.5);
        assert!(e.minutes > 18.0 && e.minutes < 20.0);
        assert_eq!(Ewma::new(10.0).observe(100_000.0, 1.0).minutes, 240.0);
    }
}

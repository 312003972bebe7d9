//! Japanese national holidays (国民の祝日) and the city-hall year-end
//! closure (12/29–1/3), computed rather than listed, so an office file
//! does not need updating every year. Rules as in force since 2020
//! (the 2020/2021 Olympic moves are not modelled); equinox days by the
//! usual formula, valid 1980–2099.

use chrono::{Datelike, NaiveDate, Weekday};

fn nth_monday(year: i32, month: u32, n: u32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, n as u8)
}

fn equinox_day(year: i32, base: f64) -> u32 {
    let y = f64::from(year - 1980);
    (base + 0.242194 * y - (y / 4.0).floor()).floor() as u32
}

/// A holiday by its own rule (before substitutes and sandwiched days).
fn named_holiday(d: NaiveDate) -> bool {
    let (y, m, day) = (d.year(), d.month(), d.day());
    let fixed = matches!(
        (m, day),
        (1, 1)
            | (2, 11)
            | (2, 23)
            | (4, 29)
            | (5, 3)
            | (5, 4)
            | (5, 5)
            | (8, 11)
            | (11, 3)
            | (11, 23)
    );
    let monday = |month, n| nth_monday(y, month, n) == Some(d);
    fixed
        || monday(1, 2) // 成人の日
        || monday(7, 3) // 海の日
        || monday(9, 3) // 敬老の日
        || monday(10, 2) // スポーツの日
        || (m == 3 && day == equinox_day(y, 20.8431)) // 春分の日
        || (m == 9 && day == equinox_day(y, 23.2488)) // 秋分の日
}

/// 国民の祝日, 振替休日 (a holiday on Sunday moves to the next non-holiday)
/// and 国民の休日 (a weekday between two holidays).
pub fn is_national_holiday(d: NaiveDate) -> bool {
    if named_holiday(d) {
        return true;
    }
    // Substitute: walk back over a run of holidays to a Sunday.
    let mut prev = d.pred_opt();
    while let Some(p) = prev {
        if !named_holiday(p) {
            break;
        }
        if p.weekday() == Weekday::Sun {
            return true;
        }
        prev = p.pred_opt();
    }
    let between =
        d.pred_opt().is_some_and(named_holiday) && d.succ_opt().is_some_and(named_holiday);
    between && d.weekday() != Weekday::Sun
}

/// City halls close from 29 December to 3 January.
pub fn is_year_end(d: NaiveDate) -> bool {
    matches!((d.month(), d.day()), (12, 29..=31) | (1, 1..=3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(list: &[(i32, u32, u32)]) -> Vec<NaiveDate> {
        list.iter()
            .filter_map(|(y, m, d)| NaiveDate::from_ymd_opt(*y, *m, *d))
            .collect()
    }

    #[test]
    fn the_holidays_of_2026_are_found_including_substitutes_and_silver_week() {
        let want = days(&[
            (2026, 1, 1),
            (2026, 1, 12),
            (2026, 2, 11),
            (2026, 2, 23),
            (2026, 3, 20),
            (2026, 4, 29),
            (2026, 5, 3),
            (2026, 5, 4),
            (2026, 5, 5),
            (2026, 5, 6), // 振替休日 for Sunday 5/3
            (2026, 7, 20),
            (2026, 8, 11),
            (2026, 9, 21),
            (2026, 9, 22), // 国民の休日, between 敬老の日 and 秋分の日
            (2026, 9, 23),
            (2026, 10, 12),
            (2026, 11, 3),
            (2026, 11, 23),
        ]);
        let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        let found: Vec<NaiveDate> = start
            .iter_days()
            .take_while(|d| d.year() == 2026)
            .filter(|d| is_national_holiday(*d))
            .collect();
        assert_eq!(found, want);
    }

    #[test]
    fn substitutes_in_2027_and_the_year_end() {
        // 2027: 2/11 Thu, 3/21 Sun → 3/22 substitute, 11/23 Tue.
        for (m, d) in [(2, 11), (3, 21), (3, 22), (1, 11)] {
            let day = NaiveDate::from_ymd_opt(2027, m, d).unwrap_or_default();
            assert!(is_national_holiday(day), "{day}");
        }
        let tuesday = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        assert!(!is_national_holiday(tuesday));
        assert!(is_year_end(
            NaiveDate::from_ymd_opt(2026, 12, 29).unwrap_or_default()
        ));
        assert!(is_year_end(
            NaiveDate::from_ymd_opt(2027, 1, 3).unwrap_or_default()
        ));
        assert!(!is_year_end(
            NaiveDate::from_ymd_opt(2027, 1, 4).unwrap_or_default()
        ));
    }
}

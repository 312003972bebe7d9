//! Booking rules, pure: slots from the weekly templates, scanned codes, and
//! the check-in window. Times are UTC inside, local to the office outside.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use protocol::SlotClosed;

use crate::config::{Office, ServiceConfig};
use crate::tokens;

/// A bookable slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotTime {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// Longest range `GET /slots` answers for at once.
pub const MAX_SLOT_RANGE_DAYS: i64 = 92;

/// Slots of a service on the open days from `from` to `to` (inclusive).
pub fn slots_for(office: &Office, service: &str, from: NaiveDate, to: NaiveDate) -> Vec<SlotTime> {
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        if office.hours_on(day).is_some() {
            for t in office
                .slot_templates
                .iter()
                .filter(|t| t.service == service)
            {
                if !t.weekdays.contains(&chrono::Datelike::weekday(&day)) {
                    continue;
                }
                for start in &t.starts {
                    // A local time that does not exist (DST gap) has no slot.
                    if let Some(s) = office
                        .time_zone
                        .from_local_datetime(&day.and_time(*start))
                        .earliest()
                    {
                        let start = s.with_timezone(&Utc);
                        out.push(SlotTime {
                            start,
                            end: start + Duration::minutes(i64::from(t.minutes)),
                        });
                    }
                }
            }
        }
        match day.succ_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    out.sort_by_key(|s| s.start);
    out.dedup_by_key(|s| s.start);
    out
}

/// The slot of a service that starts exactly at `start`, if any.
pub fn find_slot(office: &Office, service: &str, start: DateTime<Utc>) -> Option<SlotTime> {
    let day = start.with_timezone(&office.time_zone).date_naive();
    slots_for(office, service, day, day)
        .into_iter()
        .find(|s| s.start == start)
}

/// Whether a slot of `service` starting at `start` can be booked at `now`
/// by its time (places left are the caller's to count): inside the lead
/// time (minutes, or the procedure's working days) it is too late, beyond
/// the horizon too early. The one rule for the slots list and the booking.
pub fn booking_window(
    office: &Office,
    service: &ServiceConfig,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), SlotClosed> {
    let today = local_day(office, now);
    if start < now + Duration::minutes(office.booking.lead_minutes)
        || local_day(office, start) < office.earliest_booking_day(service, today)
    {
        return Err(SlotClosed::TooLateToBook);
    }
    if start > now + Duration::days(office.booking.horizon_days) {
        return Err(SlotClosed::TooFarAhead);
    }
    Ok(())
}

/// The local date of an instant at the office.
pub fn local_day(office: &Office, t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&office.time_zone).date_naive()
}

/// What a scanner sent, reduced to a reservation token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScannedCode {
    Reservation(String),
    /// A ticket's status QR held up instead of a reservation.
    TicketStatus,
}

/// Accepts `{public_url}/r/{token}` (any host: the office may be reached
/// by several names) or the bare token; tolerates surrounding whitespace
/// and a trailing slash, query or fragment. Anything else is malformed.
/// Longest scanned code read, in bytes (a URL with the token).
pub const MAX_SCANNED_CODE: usize = 512;

pub fn parse_scanned_code(code: &str) -> Option<ScannedCode> {
    let code = code.trim();
    if code.is_empty() || code.len() > MAX_SCANNED_CODE {
        return None;
    }
    let (kind, rest) = if let Some(i) = code.rfind("/r/") {
        ("r", &code[i + 3..])
    } else if let Some(i) = code.rfind("/t/") {
        ("t", &code[i + 3..])
    } else {
        ("r", code)
    };
    let token = rest
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim_end_matches('/');
    if !tokens::looks_like_token(token) {
        return None;
    }
    Some(match kind {
        "t" => ScannedCode::TicketStatus,
        _ => ScannedCode::Reservation(token.to_string()),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckinRefusal {
    WrongDay,
    TooEarly,
    TooLate,
}

/// Check-in is open from `early` minutes before the slot until `late`
/// minutes after it started, on the slot's day only.
pub fn checkin_window(
    office: &Office,
    slot_start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), CheckinRefusal> {
    if local_day(office, slot_start) != local_day(office, now) {
        return Err(CheckinRefusal::WrongDay);
    }
    if now < slot_start - Duration::minutes(office.queue.checkin_early_minutes) {
        return Err(CheckinRefusal::TooEarly);
    }
    if now > slot_start + Duration::minutes(office.queue.checkin_late_minutes) {
        return Err(CheckinRefusal::TooLate);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jst(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Tokyo
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("valid")
            .with_timezone(&Utc)
    }

    #[test]
    fn the_booking_window_closes_inside_the_lead_time_and_opens_at_the_horizon() {
        let mut office = Office::demo();
        office.booking.lead_minutes = 60;
        office.booking.horizon_days = 30;
        let now = jst(2026, 12, 1, 10, 5); // Tuesday
        let mut shomei = office.service("shomei").expect("shomei").clone();
        shomei.lead_working_days = 0;
        let okuyami = office.service("okuyami").expect("okuyami").clone();
        assert_eq!(okuyami.lead_working_days, 2);
        let window = |s: &ServiceConfig, t| booking_window(&office, s, t, now);
        assert_eq!(
            window(&shomei, jst(2026, 12, 1, 11, 0)),
            Err(SlotClosed::TooLateToBook)
        );
        assert_eq!(window(&shomei, jst(2026, 12, 1, 11, 5)), Ok(()));
        // Wednesday is one working day ahead, Thursday two.
        assert_eq!(
            window(&okuyami, jst(2026, 12, 2, 9, 0)),
            Err(SlotClosed::TooLateToBook)
        );
        assert_eq!(window(&okuyami, jst(2026, 12, 3, 9, 0)), Ok(()));
        assert_eq!(window(&okuyami, jst(2026, 12, 31, 10, 5)), Ok(()));
        assert_eq!(
            window(&okuyami, jst(2026, 12, 31, 10, 6)),
            Err(SlotClosed::TooFarAhead)
        );
    }

    #[test]
    fn demo_okuyami_has_four_slots_on_weekdays_and_none_on_closed_days() {
        let office = Office::demo();
        let tue = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        let slots = slots_for(&office, "okuyami", tue, tue);
        let starts: Vec<String> = slots
            .iter()
            .map(|s| {
                s.start
                    .with_timezone(&office.time_zone)
                    .format("%H:%M")
                    .to_string()
            })
            .collect();
        assert_eq!(starts, ["09:00", "10:30", "13:30", "15:00"]);
        assert_eq!(slots[0].end - slots[0].start, Duration::minutes(90));
        let sat = NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");
        assert!(slots_for(&office, "okuyami", sat, sat).is_empty());
        let new_year = NaiveDate::from_ymd_opt(2026, 12, 29).expect("date");
        assert!(slots_for(&office, "okuyami", new_year, new_year).is_empty());
        assert!(
            slots_for(&office, "shomei", tue, tue).is_empty(),
            "walk-in service has no slots"
        );
        assert!(find_slot(&office, "okuyami", jst(2026, 12, 1, 10, 30)).is_some());
        assert!(find_slot(&office, "okuyami", jst(2026, 12, 1, 10, 31)).is_none());
    }

    #[test]
    fn scanned_codes_accept_urls_and_bare_tokens_only() {
        let t = tokens::new_token();
        let want = Some(ScannedCode::Reservation(t.clone()));
        assert_eq!(parse_scanned_code(&t), want);
        assert_eq!(parse_scanned_code(&format!("  {t}\r\n")), want);
        assert_eq!(
            parse_scanned_code(&format!("https://city.example/r/{t}")),
            want
        );
        assert_eq!(
            parse_scanned_code(&format!("http://127.0.0.1:8080/r/{t}/?x=1#y")),
            want
        );
        assert_eq!(
            parse_scanned_code(&format!("http://h/t/{t}")),
            Some(ScannedCode::TicketStatus)
        );
        for bad in [
            "",
            "hello",
            "https://city.example/r/",
            "O001",
            "\u{0}\u{1}",
            &"A".repeat(600),
            &format!("{t}x"),
        ] {
            assert_eq!(parse_scanned_code(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn checkin_window_is_early_minutes_before_to_late_minutes_after() {
        let office = Office::demo();
        let slot = jst(2026, 12, 1, 10, 30);
        assert_eq!(
            checkin_window(&office, slot, jst(2026, 12, 1, 9, 59)),
            Err(CheckinRefusal::TooEarly)
        );
        assert_eq!(
            checkin_window(&office, slot, jst(2026, 12, 1, 10, 0)),
            Ok(())
        );
        assert_eq!(
            checkin_window(&office, slot, jst(2026, 12, 1, 11, 0)),
            Ok(())
        );
        assert_eq!(
            checkin_window(&office, slot, jst(2026, 12, 1, 11, 1)),
            Err(CheckinRefusal::TooLate)
        );
        assert_eq!(
            checkin_window(&office, slot, jst(2026, 11, 30, 10, 30)),
            Err(CheckinRefusal::WrongDay)
        );
    }
}

//! Rules across the offices of a city: where a procedure's wait is
//! shortest now. Pure: the offices' congestion in, the answer out.

use protocol::{OfficeCongestion, ShortestWait};

/// For each procedure offered at two or more offices that are open now,
/// the office with the shortest estimated wait (ties: fewer people
/// waiting, then the city file's order). Procedures in the order they
/// first appear.
pub fn shortest_waits(offices: &[OfficeCongestion]) -> Vec<ShortestWait> {
    let mut order: Vec<&str> = Vec::new();
    for o in offices {
        for s in &o.congestion.services {
            if !order.contains(&s.service.as_str()) {
                order.push(&s.service);
            }
        }
    }
    order
        .into_iter()
        .filter_map(|service| {
            let open: Vec<(&OfficeCongestion, &protocol::ServiceCongestion)> = offices
                .iter()
                .filter(|o| o.office.open_now)
                .filter_map(|o| {
                    o.congestion
                        .services
                        .iter()
                        .find(|s| s.service == service)
                        .map(|s| (o, s))
                })
                .collect();
            if open.len() < 2 {
                return None;
            }
            // `min_by_key` keeps the first of equals: the city file's order.
            let (o, s) = open
                .into_iter()
                .min_by_key(|(_, s)| (s.estimated_wait.minutes, s.waiting))?;
            Some(ShortestWait {
                service: s.service.clone(),
                name: s.name.clone(),
                office: o.office.id.clone(),
                waiting: s.waiting,
                estimated_wait: s.estimated_wait,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::{Congestion, Lamp, OfficeInfo, ServiceCongestion, WaitEstimate};

    fn office(id: &str, open: bool, waits: &[(&str, u32, u32)]) -> OfficeCongestion {
        OfficeCongestion {
            office: OfficeInfo {
                id: id.into(),
                name: Default::default(),
                address: Default::default(),
                hours_today: None,
                open_now: open,
            },
            congestion: Congestion {
                updated_at: chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00+09:00")
                    .expect("time"),
                history_weeks: 4,
                services: waits
                    .iter()
                    .map(|(service, waiting, minutes)| ServiceCongestion {
                        service: service.to_string(),
                        name: Default::default(),
                        waiting: *waiting,
                        estimated_wait: WaitEstimate {
                            minutes: *minutes,
                            low: *minutes,
                            high: *minutes,
                        },
                        lamp: Lamp::Blue,
                        by_hour: Vec::new(),
                    })
                    .collect(),
            },
        }
    }

    #[test]
    fn the_shortest_wait_is_among_open_offices_offering_the_procedure() {
        let city = [
            office(
                "honcho",
                true,
                &[("juminido", 9, 45), ("shomei", 2, 10), ("okuyami", 0, 0)],
            ),
            office("kita", true, &[("juminido", 3, 15), ("shomei", 2, 10)]),
            office("minami", false, &[("juminido", 0, 0)]),
        ];
        let got: Vec<(String, String, u32)> = shortest_waits(&city)
            .into_iter()
            .map(|s| (s.service, s.office, s.estimated_wait.minutes))
            .collect();
        assert_eq!(
            got,
            vec![
                ("juminido".to_string(), "kita".to_string(), 15),
                // A tie goes to the first office of the city file.
                ("shomei".to_string(), "honcho".to_string(), 10),
            ],
            "okuyami is offered at one office only; a closed office is never the answer"
        );
    }

    #[test]
    fn one_open_office_is_no_choice() {
        let city = [
            office("honcho", true, &[("juminido", 9, 45)]),
            office("kita", false, &[("juminido", 0, 0)]),
        ];
        assert!(shortest_waits(&city).is_empty());
    }
}

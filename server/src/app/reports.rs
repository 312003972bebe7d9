//! Reports: day statistics, the congestion page's data, the おくやみ
//! checklist and each department's prep list.

use chrono::{Duration, NaiveDate};
use protocol::{ErrorCode, ReservationState};

use super::OfficeApp;
use crate::error::{Error, Result};
use crate::views;

impl OfficeApp {
    /// Statistics over the days `from`–`to` (at most a year).
    pub async fn day_stats(&self, from: NaiveDate, to: NaiveDate) -> Result<protocol::DayStats> {
        if to < from || (to - from).num_days() > 366 {
            return Err(Error::invalid(
                ErrorCode::InvalidRange,
                "from must not be after to, and the range at most a year",
            ));
        }
        let mut tickets = Vec::new();
        let mut steps = Vec::new();
        for day in from.iter_days().take_while(|d| *d <= to) {
            tickets.extend(self.store.tickets_of_day(day).await?);
            steps.extend(self.store.steps_of_day(day).await?);
        }
        let services: Vec<String> = self.office.services.iter().map(|s| s.id.clone()).collect();
        Ok(crate::rules::stats::day_stats(
            (from, to),
            &services,
            &tickets,
            &steps,
            self.office.time_zone,
        ))
    }

    /// The おくやみ checklist for a visitor's answers (checked strictly).
    pub fn checklist(
        &self,
        answers: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<protocol::Checklist> {
        let q = &self.office.questionnaire;
        let answers = crate::rules::checklist::normalize(q, answers, true)
            .map_err(|e| Error::invalid(ErrorCode::InvalidAnswers, e.to_string()))?;
        Ok(protocol::Checklist {
            procedures: crate::rules::checklist::checklist(q, &answers),
        })
    }

    /// The congestion page's data: waits now with the office's lamp, and
    /// the usual wait by hour over the last `history_weeks` weeks.
    /// What the hall looks like now (metrics): the wait of each procedure
    /// and the counters open.
    pub async fn levels(&self) -> (Vec<protocol::ServiceWait>, u32) {
        let (floor, now) = self.lock().await;
        let waits = views::service_waits(&self.office, &floor, now);
        let open = floor
            .booths()
            .filter(|(_, b)| b.state == protocol::BoothState::Open)
            .count();
        (waits, u32::try_from(open).unwrap_or(u32::MAX))
    }

    pub async fn congestion(&self) -> Result<protocol::Congestion> {
        let settings = &self.office.congestion;
        let (waits, now) = {
            let (floor, now) = self.lock().await;
            (views::service_waits(&self.office, &floor, now), now)
        };
        let today = now.with_timezone(&self.office.time_zone).date_naive();
        let from = today - Duration::weeks(i64::from(settings.history_weeks));
        let steps = self.store.steps_between(from, today).await?;
        let services = waits
            .into_iter()
            .filter_map(|w| {
                let s = self.office.service(&w.service)?;
                Some(protocol::ServiceCongestion {
                    name: s.name.clone(),
                    lamp: w.lamp,
                    by_hour: crate::rules::stats::hourly_waits(
                        &w.service,
                        &steps,
                        self.office.time_zone,
                    ),
                    service: w.service,
                    waiting: w.waiting,
                    estimated_wait: w.estimated_wait,
                })
            })
            .collect();
        Ok(protocol::Congestion {
            updated_at: views::local(&self.office, now),
            history_weeks: settings.history_weeks,
            services,
        })
    }

    /// A department's prep list (事前準備) for a day: every questionnaire
    /// booking that is not cancelled, with the procedures that concern it.
    pub async fn prep(
        &self,
        date: NaiveDate,
        department: Option<&str>,
    ) -> Result<protocol::PrepList> {
        let q = &self.office.questionnaire;
        let departments = q.departments();
        if let Some(d) = department
            && !departments.iter().any(|x| x == d)
        {
            return Err(Error::invalid(
                ErrorCode::UnknownDepartment,
                format!("no procedure belongs to {d:?}"),
            ));
        }
        let mut items = Vec::new();
        for r in self.staff_reservations(date).await? {
            let uses = self
                .office
                .service(&r.service)
                .is_some_and(|s| s.questionnaire);
            if !uses || r.state == ReservationState::Cancelled {
                continue;
            }
            let procedures: Vec<protocol::Procedure> = self
                .reservation_checklist(&r)
                .into_iter()
                .filter(|p| department.is_none_or(|d| p.department == d))
                .collect();
            if department.is_some() && procedures.is_empty() {
                continue;
            }
            items.push(protocol::PrepItem {
                reservation: r,
                procedures,
            });
        }
        Ok(protocol::PrepList {
            date,
            department: department.map(str::to_string),
            departments,
            items,
        })
    }
}

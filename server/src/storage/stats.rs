//! Reads for the statistics page: a day's tickets and completed steps.

use chrono::NaiveDate;
use sqlx::Row;

use super::{Store, StoreError, parse_ts, rows};
use crate::rules::stats::StepRecord;

impl Store {
    /// Tickets of days before `day` that never finished (the server was
    /// down, or idle, when their day closed).
    pub async fn unfinished_before(
        &self,
        day: NaiveDate,
    ) -> Result<Vec<crate::rules::engine::Ticket>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        self.unfinished_before_on(&mut conn, day).await
    }

    pub async fn unfinished_before_on(
        &self,
        conn: &mut sqlx::AnyConnection,
        day: NaiveDate,
    ) -> Result<Vec<crate::rules::engine::Ticket>, StoreError> {
        sqlx::query(
            "SELECT * FROM tickets WHERE office = $1 AND day < $2 AND state IN ('waiting', 'called', 'serving') ORDER BY id",
        )
        .bind(self.office())
        .bind(day.to_string())
        .fetch_all(conn)
        .await?
        .iter()
        .map(rows::ticket_from_row)
        .collect()
    }

    pub async fn tickets_of_day(
        &self,
        day: NaiveDate,
    ) -> Result<Vec<crate::rules::engine::Ticket>, StoreError> {
        sqlx::query("SELECT * FROM tickets WHERE office = $1 AND day = $2 ORDER BY id")
            .bind(self.office())
            .bind(day.to_string())
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::ticket_from_row)
            .collect()
    }

    pub async fn steps_of_day(&self, day: NaiveDate) -> Result<Vec<StepRecord>, StoreError> {
        sqlx::query(
            "SELECT service, queued_at, called_at, done_at, minutes FROM service_times WHERE office = $1 AND day = $2 ORDER BY id",
        )
        .bind(self.office())
        .bind(day.to_string())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(step_from_row)
        .collect()
    }

    /// Completed steps of the days `from`–`to` (inclusive).
    pub async fn steps_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<StepRecord>, StoreError> {
        sqlx::query(
            "SELECT service, queued_at, called_at, done_at, minutes FROM service_times WHERE office = $1 AND day >= $2 AND day <= $3 ORDER BY id",
        )
        .bind(self.office())
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(step_from_row)
        .collect()
    }
}

fn step_from_row(r: &sqlx::any::AnyRow) -> Result<StepRecord, StoreError> {
    let called: Option<String> = r.try_get("called_at")?;
    Ok(StepRecord {
        service: r.try_get("service")?,
        queued_at: parse_ts(&r.try_get::<String, _>("queued_at")?)?,
        called_at: called.as_deref().map(parse_ts).transpose()?,
        done_at: parse_ts(&r.try_get::<String, _>("done_at")?)?,
        minutes: r.try_get("minutes")?,
    })
}

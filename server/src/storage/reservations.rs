//! Reservations: booked against slots, looked up by the hash of their token.

use chrono::{DateTime, Utc};
use protocol::ReservationState;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{Store, StoreError, parse_ts, ts};

#[derive(Debug, Clone)]
pub struct ReservationRow {
    pub id: i64,
    /// The office it was booked at.
    pub office: String,
    pub service: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub state: ReservationState,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub answers: Option<serde_json::Map<String, serde_json::Value>>,
    pub ticket_id: Option<i64>,
    /// Why staff cancelled or moved it (staff pages, the visitor's page).
    pub change_reason: Option<String>,
    /// The language it was booked in (its ticket's, unless the visitor
    /// chooses another at the kiosk).
    pub language: Option<String>,
    /// The family's details, sealed (`crate::vault`): opened only for the
    /// clerks of the departments concerned.
    pub sealed_details: Option<String>,
}

pub struct NewReservation<'a> {
    pub token_hash: &'a str,
    pub service: &'a str,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub answers: Option<&'a serde_json::Map<String, serde_json::Value>>,
    pub language: Option<&'a str>,
    /// Sealed by `crate::vault::Vault::seal`.
    pub sealed_details: Option<&'a str>,
}

fn state(s: &str) -> Result<ReservationState, StoreError> {
    Ok(match s {
        "booked" => ReservationState::Booked,
        "cancelled" => ReservationState::Cancelled,
        "checked_in" => ReservationState::CheckedIn,
        "completed" => ReservationState::Completed,
        "no_show" => ReservationState::NoShow,
        other => return Err(StoreError::Corrupt(format!("reservation state {other:?}"))),
    })
}

fn from_row(row: &AnyRow) -> Result<ReservationRow, StoreError> {
    let answers: Option<String> = row.try_get("answers")?;
    Ok(ReservationRow {
        id: row.try_get("id")?,
        office: row.try_get("office")?,
        service: row.try_get("service")?,
        start: parse_ts(&row.try_get::<String, _>("slot_start")?)?,
        end: parse_ts(&row.try_get::<String, _>("slot_end")?)?,
        state: state(&row.try_get::<String, _>("state")?)?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        answers: answers
            .map(|a| serde_json::from_str(&a))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("answers: {e}")))?,
        ticket_id: row.try_get("ticket_id")?,
        change_reason: row.try_get("change_reason")?,
        language: row.try_get("language")?,
        sealed_details: row.try_get("details")?,
    })
}

impl Store {
    /// Places taken in one slot (inside the booking transaction).
    pub async fn taken_in_slot(
        &self,
        tx: &mut AnyConnection,
        service: &str,
        start: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM reservations WHERE office = $1 AND service = $2 AND slot_start = $3
               AND state IN ('booked', 'checked_in', 'completed', 'no_show')",
        )
        .bind(self.office())
        .bind(service)
        .bind(ts(start))
        .fetch_one(tx)
        .await?)
    }

    /// Places taken per slot start in a range.
    pub async fn taken_between(
        &self,
        service: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(DateTime<Utc>, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT slot_start, COUNT(*) AS n FROM reservations
             WHERE office = $1 AND service = $2 AND slot_start >= $3 AND slot_start < $4
               AND state IN ('booked', 'checked_in', 'completed', 'no_show')
             GROUP BY slot_start",
        )
        .bind(self.office())
        .bind(service)
        .bind(ts(from))
        .bind(ts(to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    parse_ts(&r.try_get::<String, _>("slot_start")?)?,
                    r.try_get("n")?,
                ))
            })
            .collect()
    }

    pub async fn insert_reservation(
        &self,
        tx: &mut AnyConnection,
        r: &NewReservation<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let answers = r
            .answers
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(sqlx::query_scalar(
            "INSERT INTO reservations (token_hash, service, slot_start, slot_end, state, name, email, phone, answers, language, created_at, updated_at, office, details)
             VALUES ($1, $2, $3, $4, 'booked', $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(r.token_hash)
        .bind(r.service)
        .bind(ts(r.start))
        .bind(ts(r.end))
        .bind(r.name)
        .bind(r.email)
        .bind(r.phone)
        .bind(answers)
        .bind(r.language)
        .bind(ts(now))
        .bind(ts(now))
        .bind(self.office())
        .bind(r.sealed_details)
        .fetch_one(tx)
        .await?)
    }

    /// The sealed check value of the details key, if one was stored.
    pub async fn details_key_check(&self) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT check_value FROM details_key WHERE id = 1")
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Stores the check value unless one is there already (two servers
    /// starting at once with the same key); returns the one stored.
    pub async fn keep_details_key_check(&self, check: &str) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO details_key (id, check_value) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
        )
        .bind(check)
        .execute(&self.pool)
        .await?;
        self.details_key_check()
            .await?
            .ok_or_else(|| StoreError::Corrupt("details key check not kept".into()))
    }

    /// A reservation of any office by its token (reservation links and
    /// codes carry no office).
    pub async fn reservation_by_token_hash(
        &self,
        hash: &str,
    ) -> Result<Option<ReservationRow>, StoreError> {
        sqlx::query("SELECT * FROM reservations WHERE token_hash = $1")
            .bind(hash)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(from_row)
            .transpose()
    }

    /// One of this office's reservations.
    pub async fn reservation_by_id(&self, id: i64) -> Result<Option<ReservationRow>, StoreError> {
        sqlx::query("SELECT * FROM reservations WHERE id = $1 AND office = $2")
            .bind(id)
            .bind(self.office())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(from_row)
            .transpose()
    }

    pub async fn set_reservation_state(
        tx: &mut AnyConnection,
        id: i64,
        state: ReservationState,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE reservations SET state = $1, updated_at = $2 WHERE id = $3")
            .bind(state.as_str())
            .bind(ts(now))
            .bind(id)
            .execute(tx)
            .await?;
        Ok(())
    }

    /// Reservations whose slot starts in `[from, to)`, by start time.
    pub async fn reservations_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ReservationRow>, StoreError> {
        sqlx::query("SELECT * FROM reservations WHERE office = $1 AND slot_start >= $2 AND slot_start < $3 ORDER BY slot_start, id")
            .bind(self.office())
            .bind(ts(from))
            .bind(ts(to))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(from_row)
            .collect()
    }

    /// Records a staff change: the reason and who made it.
    pub async fn set_change_reason(
        tx: &mut AnyConnection,
        id: i64,
        reason: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE reservations SET change_reason = $1, changed_by = $2 WHERE id = $3")
            .bind(reason)
            .bind(by)
            .bind(id)
            .execute(tx)
            .await?;
        Ok(())
    }

    /// Moves a reservation to another slot of its service.
    pub async fn move_reservation(
        tx: &mut AnyConnection,
        id: i64,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE reservations SET slot_start = $1, slot_end = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(ts(start))
        .bind(ts(end))
        .bind(ts(now))
        .bind(id)
        .execute(tx)
        .await?;
        Ok(())
    }
}

/// One view or print of a family's details (never the details).
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub username: String,
    pub office: String,
    pub reservation_id: i64,
    pub action: String,
}

impl Store {
    /// Writes down that `username` viewed or printed (`action`) the
    /// details of one of this office's reservations.
    pub async fn audit_details(
        &self,
        username: &str,
        reservation_id: i64,
        action: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO details_audit (at, username, office, reservation_id, action) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(ts(now))
        .bind(username)
        .bind(self.office())
        .bind(reservation_id)
        .bind(action)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The audit log of every office in `[from, to)`, oldest first.
    pub async fn details_audit(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<AuditRow>, StoreError> {
        sqlx::query(
            "SELECT at, username, office, reservation_id, action FROM details_audit
             WHERE at >= $1 AND at < $2 ORDER BY id",
        )
        .bind(ts(from))
        .bind(ts(to))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(AuditRow {
                at: parse_ts(&r.try_get::<String, _>("at")?)?,
                username: r.try_get("username")?,
                office: r.try_get("office")?,
                reservation_id: r.try_get("reservation_id")?,
                action: r.try_get("action")?,
            })
        })
        .collect()
    }
}

impl Store {
    /// Replaces a booked reservation's sealed details; false when it is
    /// no longer booked (checked in, cancelled) by the time of the write.
    pub async fn set_reservation_details(
        &self,
        id: i64,
        sealed: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE reservations SET details = $1, updated_at = $2 WHERE id = $3 AND office = $4 AND state = 'booked'",
        )
        .bind(sealed)
        .bind(ts(now))
        .bind(id)
        .bind(self.office())
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() == 1)
    }
}

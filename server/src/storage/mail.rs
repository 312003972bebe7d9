//! The outbox, visitors' notification requests and the privacy purge.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{AnyConnection, Row};

use super::{Backend, Store, StoreError, parse_ts, ts};

/// A mail waiting in the outbox.
#[derive(Debug, Clone)]
pub struct OutboxMail {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub message: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
}

/// A visitor's request to be told about one ticket by e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub ticket_id: i64,
    pub email: String,
    pub ahead: u32,
    pub lang: String,
    /// The ticket step the two flags belong to.
    pub step: usize,
    pub ahead_sent: bool,
    pub called_sent: bool,
}

/// What one purge erased.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PurgeReport {
    pub reservations: u64,
    pub ticket_notes: u64,
    pub notifications: u64,
    pub mails: u64,
}

/// Outbox totals, for the admin view and logs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct OutboxCounts {
    pub pending: i64,
    pub sent: i64,
    pub failed: i64,
}

impl Store {
    /// Adds a mail to the outbox inside the caller's transaction.
    pub async fn enqueue_mail(
        tx: &mut AnyConnection,
        kind: &str,
        recipient: &str,
        message: &[u8],
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO outbox (kind, recipient, message, created_at, next_attempt_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(kind)
        .bind(recipient)
        .bind(message)
        .bind(ts(now))
        .bind(ts(now))
        .fetch_one(&mut *tx)
        .await?)
    }

    /// Claims up to `limit` mails due for an attempt until `until`, oldest
    /// first. A mail another server holds is skipped (`SKIP LOCKED` on
    /// PostgreSQL; SQLite has one writer at a time anyway), so each mail is
    /// sent by one server; a claim that runs out (its server died) frees
    /// the mail for the next attempt.
    pub async fn claim_due_mails(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutboxMail>, StoreError> {
        let mut mails = sqlx::query(match self.backend {
            Backend::Sqlite => {
                "UPDATE outbox SET claimed_until = $2 WHERE id IN (
                   SELECT id FROM outbox
                   WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1
                     AND (claimed_until IS NULL OR claimed_until <= $1)
                   ORDER BY id LIMIT $3)
                 RETURNING id, kind, recipient, message, created_at, attempts"
            }
            Backend::Postgres => {
                "UPDATE outbox SET claimed_until = $2 WHERE id IN (
                   SELECT id FROM outbox
                   WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1
                     AND (claimed_until IS NULL OR claimed_until <= $1)
                   ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
                 RETURNING id, kind, recipient, message, created_at, attempts"
            }
        })
        .bind(ts(now))
        .bind(ts(until))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(OutboxMail {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                recipient: r.try_get("recipient")?,
                message: r.try_get("message")?,
                created_at: parse_ts(&r.try_get::<String, _>("created_at")?)?,
                attempts: r.try_get::<i64, _>("attempts")?.try_into().unwrap_or(0),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        mails.sort_by_key(|m| m.id);
        Ok(mails)
    }

    /// When the next pending mail is due, if any (a claimed one: when its
    /// claim runs out).
    pub async fn next_mail_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<String> = sqlx::query_scalar(
            "SELECT MIN(CASE WHEN claimed_until > next_attempt_at THEN claimed_until
                             ELSE next_attempt_at END)
             FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .fetch_one(&self.pool)
        .await?;
        at.as_deref().map(parse_ts).transpose()
    }

    /// Gives claimed mails back unsent (their server stops sending for now).
    pub async fn release_mail_claims(&self, ids: &[i64]) -> Result<(), StoreError> {
        for id in ids {
            sqlx::query("UPDATE outbox SET claimed_until = NULL WHERE id = $1 AND sent_at IS NULL")
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    pub async fn mail_sent(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL,
               claimed_until = NULL WHERE id = $2",
        )
        .bind(ts(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed attempt: retry at `retry_at`, or give up (`None`).
    pub async fn mail_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1,
               next_attempt_at = COALESCE($2, next_attempt_at),
               failed_at = CASE WHEN $2 IS NULL THEN $3 ELSE NULL END,
               claimed_until = NULL
             WHERE id = $4",
        )
        .bind(error)
        .bind(retry_at.map(ts))
        .bind(ts(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let r = sqlx::query(
            "SELECT
               COUNT(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 END) AS pending,
               COUNT(CASE WHEN sent_at IS NOT NULL THEN 1 END) AS sent,
               COUNT(CASE WHEN failed_at IS NOT NULL THEN 1 END) AS failed
             FROM outbox",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(OutboxCounts {
            pending: r.try_get("pending")?,
            sent: r.try_get("sent")?,
            failed: r.try_get("failed")?,
        })
    }

    /// Registers (or replaces) a ticket's notification request.
    pub async fn save_registration(
        tx: &mut AnyConnection,
        r: &Registration,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO ticket_notifications
               (ticket_id, email, ahead, lang, step, ahead_sent, called_sent, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (ticket_id) DO UPDATE SET email = excluded.email,
               ahead = excluded.ahead, lang = excluded.lang, step = excluded.step,
               ahead_sent = excluded.ahead_sent, called_sent = excluded.called_sent",
        )
        .bind(r.ticket_id)
        .bind(&r.email)
        .bind(i64::from(r.ahead))
        .bind(&r.lang)
        .bind(r.step as i64)
        .bind(i64::from(r.ahead_sent))
        .bind(i64::from(r.called_sent))
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// Notification requests for the tickets of `day`.
    pub async fn registrations_of_day(
        &self,
        conn: &mut AnyConnection,
        day: NaiveDate,
    ) -> Result<Vec<Registration>, StoreError> {
        sqlx::query(
            "SELECT n.* FROM ticket_notifications n JOIN tickets t ON t.id = n.ticket_id
             WHERE t.office = $1 AND t.day = $2",
        )
        .bind(self.office())
        .bind(day.to_string())
        .fetch_all(conn)
        .await?
        .iter()
        .map(registration)
        .collect()
    }

    /// One ticket's notification request, if it has one.
    pub async fn registration_of(
        &self,
        ticket_id: i64,
    ) -> Result<Option<Registration>, StoreError> {
        sqlx::query("SELECT * FROM ticket_notifications WHERE ticket_id = $1")
            .bind(ticket_id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(registration)
            .transpose()
    }

    /// Erases personal data of visits before `before` (a local date):
    /// reservation contacts and answers, staff notes on tickets,
    /// notification requests and mails. Numbers, times and events stay for
    /// statistics; they never held personal data.
    ///
    /// With `job_day`, this is that day's purge: it runs only if no server
    /// has run it yet (None otherwise). The claim is in the purge's own
    /// transaction: a second server waits on the row and then finds the
    /// day done; a crash undoes the claim with the work.
    pub async fn purge_before(
        &self,
        before: DateTime<Utc>,
        before_day: NaiveDate,
        job_day: Option<NaiveDate>,
    ) -> Result<Option<PurgeReport>, StoreError> {
        let mut tx = self.begin().await?;
        if let Some(day) = job_day
            && !Self::claim_daily_job(&mut tx, "purge", day).await?
        {
            return Ok(None);
        }
        let reservations = sqlx::query(
            "UPDATE reservations SET name = NULL, email = NULL, phone = NULL, answers = NULL,
               change_reason = NULL, language = NULL, details = NULL
             WHERE slot_end < $1 AND (name IS NOT NULL OR email IS NOT NULL OR phone IS NOT NULL
               OR answers IS NOT NULL OR change_reason IS NOT NULL OR language IS NOT NULL
               OR details IS NOT NULL)",
        )
        .bind(ts(before))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let ticket_notes =
            sqlx::query("UPDATE tickets SET notes = '[]' WHERE day < $1 AND notes <> '[]'")
                .bind(before_day.to_string())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        // The visitor's language goes too: from the ticket and from the
        // calls in the event log that carried it to the board.
        sqlx::query("UPDATE tickets SET language = NULL WHERE day < $1 AND language IS NOT NULL")
            .bind(before_day.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query(match self.backend {
            Backend::Sqlite => {
                "UPDATE events SET data = json_remove(data, '$.language')
                 WHERE at < $1 AND json_extract(data, '$.language') IS NOT NULL"
            }
            Backend::Postgres => {
                "UPDATE events SET data = (data::jsonb - 'language')::text
                 WHERE at < $1 AND jsonb_exists(data::jsonb, 'language')"
            }
        })
        .bind(ts(before))
        .execute(&mut *tx)
        .await?;
        let notifications = sqlx::query(
            "DELETE FROM ticket_notifications WHERE ticket_id IN
               (SELECT id FROM tickets WHERE day < $1)",
        )
        .bind(before_day.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // Unsent mails are kept until they are sent or given up.
        let mails = sqlx::query(
            "DELETE FROM outbox WHERE created_at < $1 AND (sent_at IS NOT NULL OR failed_at IS NOT NULL)",
        )
        .bind(ts(before))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(Some(PurgeReport {
            reservations,
            ticket_notes,
            notifications,
            mails,
        }))
    }

    /// Claims job `name` for `day`; false when it already ran that day.
    async fn claim_daily_job(
        tx: &mut AnyConnection,
        name: &str,
        day: NaiveDate,
    ) -> Result<bool, StoreError> {
        sqlx::query(
            "INSERT INTO daily_jobs (name, last_day) VALUES ($1, '') ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .execute(&mut *tx)
        .await?;
        let claimed =
            sqlx::query("UPDATE daily_jobs SET last_day = $1 WHERE name = $2 AND last_day < $1")
                .bind(day.to_string())
                .bind(name)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        Ok(claimed == 1)
    }
}

fn registration(r: &sqlx::any::AnyRow) -> Result<Registration, StoreError> {
    Ok(Registration {
        ticket_id: r.try_get("ticket_id")?,
        email: r.try_get("email")?,
        ahead: r.try_get::<i64, _>("ahead")?.try_into().unwrap_or(1),
        lang: r.try_get("lang")?,
        step: r.try_get::<i64, _>("step")?.try_into().unwrap_or(0),
        ahead_sent: r.try_get::<i64, _>("ahead_sent")? != 0,
        called_sent: r.try_get::<i64, _>("called_sent")? != 0,
    })
}

//! The application's e-mail side: booking confirmations, visitors'
//! notification requests, the notifications they are due, and the privacy
//! purge. Mails are queued in the transaction of what caused them; the
//! outbox worker (`crate::mail::outbox`) sends them.

use chrono::{DateTime, Duration, Utc};
use messages::catalogue;
use protocol::{ErrorCode, NotifyAccepted, NotifyRequest, TicketState, localized};

use super::OfficeApp;
use crate::config::ServiceConfig;
use crate::config::mail::MAX_NOTIFY_AHEAD;
use crate::error::{Error, Result};
use crate::mail::compose::{self, Booking, Turn};
use crate::mail::notify::{self, Due};
use crate::mail::{MailError, Outgoing};
use crate::rules::booking::{self, SlotTime};
use crate::rules::engine::Floor;
use crate::rules::input::{Email, Language};
use crate::storage::{PurgeReport, Registration, Store};
use crate::{tokens, views};

/// What a purge erased, and the mail files it removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PurgeSummary {
    pub records: PurgeReport,
    pub mail_files: u64,
    /// Visits before this local day were purged.
    pub before: chrono::NaiveDate,
}

impl OfficeApp {
    /// The booking confirmation, for the booking's transaction, to
    /// `(address, language it was booked in)`.
    pub(super) fn booking_mail(
        &self,
        id: i64,
        (to, lang): (&str, &str),
        service: &ServiceConfig,
        slot: &SlotTime,
        manage_url: &str,
        now: DateTime<Utc>,
    ) -> Result<Outgoing> {
        let qr_png = crate::qr::png(manage_url).unwrap_or_default();
        Ok(compose::booking(
            catalogue(),
            &self.office,
            to,
            &Booking {
                number: &views::reservation_number(id),
                service,
                start: views::local(&self.office, slot.start),
                end: views::local(&self.office, slot.end),
                manage_url,
                qr_png,
                lang,
            },
            now,
        )?)
    }

    /// Registers (or replaces) an e-mail notification for a ticket of
    /// today. If the visitor is already within the threshold, the first
    /// mail goes out at once.
    pub async fn register_notification(
        &self,
        status_token: &str,
        req: &NotifyRequest,
    ) -> Result<NotifyAccepted> {
        let email = Email::parse(&req.email)?;
        let ahead = req.ahead.unwrap_or(self.office.mail.notify_ahead);
        if !(1..=MAX_NOTIFY_AHEAD).contains(&ahead) {
            return Err(Error::invalid(
                ErrorCode::InvalidAhead,
                format!("ahead: 1–{MAX_NOTIFY_AHEAD} people"),
            ));
        }
        let lang = Language::parse_optional(req.lang.as_deref())?.map_or("ja", Language::as_str);
        let unknown =
            || Error::not_found(ErrorCode::UnknownTicket, "no ticket has this status code");
        if !tokens::looks_like_token(status_token) {
            return Err(unknown());
        }
        let mut w = self.write().await?;
        let now = w.now;
        let Some(t) = w.floor.ticket_by_status_token(status_token) else {
            // Another day's ticket is over; a made-up code is unknown.
            return match self.store.ticket_by_status_token(status_token).await? {
                Some(_) => Err(finished()),
                None => Err(unknown()),
            };
        };
        if !matches!(t.state, TicketState::Waiting | TicketState::Called) {
            return Err(finished());
        }
        let reg = Registration {
            ticket_id: t.id,
            email: email.to_string(),
            ahead,
            lang: lang.to_string(),
            step: t.step,
            ahead_sent: false,
            called_sent: false,
        };
        Store::save_registration(&mut w.tx, &reg, now).await?;
        // Already within the threshold: the first mail goes with it.
        let regs = self
            .store
            .registrations_of_day(&mut w.tx, w.floor.day)
            .await?;
        let queued = self
            .queue_due_notifications(&mut w.tx, &w.floor, regs, now)
            .await?;
        drop(w.commit_plain(self, None).await?);
        if queued {
            self.mail_wake.notify_one();
        }
        Ok(NotifyAccepted {
            ahead,
            lang: lang.to_string(),
        })
    }

    /// The notification request of today's ticket with this status token.
    pub async fn registration_for(&self, status_token: &str) -> Option<Registration> {
        // The floor only names the ticket; the request is read after it is
        // let go.
        let id = self.lock().await.0.ticket_by_status_token(status_token)?.id;
        self.store.registration_of(id).await.ok()?
    }

    /// Queues, inside a change's transaction, the mails registered
    /// visitors (`regs`, today's requests) are due on `floor` (the floor
    /// as the change leaves it), with the requests' sent-flags. The
    /// requests are read in the same transaction, under the floor's lock,
    /// so two servers never both send one. Level-triggered: what a crash interrupted goes with the next
    /// change. A mail that cannot be composed is logged and left out; it
    /// never fails the change. Whether a mail was queued.
    pub(super) async fn queue_due_notifications(
        &self,
        tx: &mut sqlx::AnyConnection,
        floor: &Floor,
        regs: Vec<Registration>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut queued = false;
        for reg in regs {
            let Some(t) = floor.ticket(reg.ticket_id) else {
                continue;
            };
            let status = views::ticket_status(&self.office, Some(floor), t, now);
            let (due, next) = notify::due(&reg, t.state, t.step, status.people_ahead);
            if due.is_none() && next == reg {
                continue;
            }
            let mail = match due.map(|d| self.turn_mail(&next, &t.status_token, &status, d, now)) {
                Some(Ok(m)) => Some(m),
                Some(Err(e)) => {
                    tracing::error!(ticket = t.id, error = %e, "notification mail not composed");
                    continue;
                }
                None => None,
            };
            Store::save_registration(tx, &next, now).await?;
            if let Some(m) = mail {
                Store::enqueue_mail(tx, m.kind.as_str(), &m.recipient, &m.message, now).await?;
                queued = true;
            }
        }
        Ok(queued)
    }

    fn turn_mail(
        &self,
        reg: &Registration,
        status_token: &str,
        status: &protocol::TicketStatus,
        due: Due,
        now: DateTime<Utc>,
    ) -> std::result::Result<Outgoing, MailError> {
        let status_url = format!(
            "{}/t/{}?lang={}",
            self.office.public_url, status_token, reg.lang
        );
        let turn = Turn {
            lang: &reg.lang,
            number: &status.number,
            status_url: &status_url,
        };
        match due {
            Due::Ahead { people_ahead } => compose::ahead(
                catalogue(),
                &self.office,
                &reg.email,
                &turn,
                people_ahead,
                now,
            ),
            Due::Called => compose::called(
                catalogue(),
                &self.office,
                &reg.email,
                &turn,
                &status
                    .booth_label
                    .as_ref()
                    .map(|l| localized(l, &reg.lang))
                    .unwrap_or_default(),
                &localized(&status.location, &reg.lang),
                now,
            ),
        }
    }

    /// Erases personal data of visits older than `[privacy] retention_days`
    /// (records, and `.eml` files in `mail_dir` when given), now.
    pub async fn purge(&self, mail_dir: Option<&std::path::Path>) -> Result<PurgeSummary> {
        let summary = self.purge_for(mail_dir, None).await?;
        Ok(summary.unwrap_or_default())
    }

    /// Today's purge, if no server has done it yet: several servers on one
    /// database run it once. Each removes its own old `.eml` files, which
    /// live in its own data directory. Also forgets old rate-limit windows.
    pub async fn daily_purge(&self, mail_dir: &std::path::Path) -> Result<Option<PurgeSummary>> {
        let today = booking::local_day(&self.office, self.clock.now());
        if self.store.backend() == crate::storage::Backend::Postgres {
            // Windows older than the longest one are over.
            let longest = self.office.security.login_window_minutes.max(24 * 60);
            self.store
                .forget_rate_windows(self.clock.now() - Duration::minutes(longest))
                .await?;
        }
        self.purge_for(Some(mail_dir), Some(today)).await
    }

    async fn purge_for(
        &self,
        mail_dir: Option<&std::path::Path>,
        job_day: Option<chrono::NaiveDate>,
    ) -> Result<Option<PurgeSummary>> {
        let now = self.clock.now();
        let days = self.office.privacy.retention_days;
        let before = booking::local_day(&self.office, now) - Duration::days(days);
        let records = self
            .store
            .purge_before(now - Duration::days(days), before, job_day)
            .await?;
        let mail_files = match mail_dir {
            Some(dir) => remove_old_files(dir, now - Duration::days(days)),
            None => 0,
        };
        Ok(records.map(|records| PurgeSummary {
            records,
            mail_files,
            before,
        }))
    }
}

fn finished() -> Error {
    Error::conflict(
        ErrorCode::TicketFinished,
        "this ticket's procedures are over; nothing to notify",
    )
}

/// Removes `.eml` files modified before `before`; returns how many.
fn remove_old_files(dir: &std::path::Path, before: DateTime<Utc>) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let before = std::time::SystemTime::from(before);
    let mut removed = 0;
    for e in entries.flatten() {
        let path = e.path();
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|m| m < before);
        if old
            && path.extension().is_some_and(|x| x == "eml")
            && std::fs::remove_file(&path).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

//! Delivering the outbox: over SMTP, or as `.eml` files when no SMTP server
//! is configured. A failed attempt is retried with doubling waits (capped
//! at an hour) until it is sent or `give_up_hours` have passed; a crash or a
//! restart resumes from the table, so an outage loses nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::MailError;
use crate::app::App;
use crate::config::{MailSettings, TlsMode};
use crate::storage::OutboxMail;

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    Smtp {
        mailer: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Address,
        /// For logs: host and port, never credentials.
        server: String,
    },
    Files {
        dir: PathBuf,
    },
}

impl Transport {
    /// The transport `[mail]` asks for; `.eml` files in `data_dir/mail`
    /// without an SMTP host.
    pub fn from_settings(settings: &MailSettings, data_dir: &Path) -> Result<Transport, MailError> {
        let Some(host) = settings.smtp_host.as_deref() else {
            return Ok(Transport::Files {
                dir: data_dir.join("mail"),
            });
        };
        let from = settings
            .from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| MailError::Address(settings.from.clone(), e.to_string()))?
            .email;
        let builder = match settings.tls {
            TlsMode::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            TlsMode::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|e| MailError::Smtp(e.to_string()))?,
            TlsMode::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|e| MailError::Smtp(e.to_string()))?,
        };
        let mut builder = builder
            .port(settings.smtp_port)
            .timeout(Some(StdDuration::from_secs(20)));
        if let Some(user) = &settings.username {
            let password = match &settings.password_env {
                Some(var) => std::env::var(var).map_err(|_| {
                    MailError::Config(format!(
                        "[mail] password_env: the environment variable {var} is not set"
                    ))
                })?,
                None => String::new(),
            };
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        Ok(Transport::Smtp {
            mailer: Box::new(builder.build()),
            from,
            server: format!("{host}:{}", settings.smtp_port),
        })
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp { server, .. } => format!("SMTP {server}"),
            Transport::Files { dir } => format!(".eml files in {}", dir.display()),
        }
    }

    /// One delivery attempt.
    async fn deliver(&self, mail: &OutboxMail) -> Result<(), MailError> {
        match self {
            Transport::Smtp { mailer, from, .. } => {
                let to = mail
                    .recipient
                    .parse::<Address>()
                    .map_err(|e| MailError::Address(mail.recipient.clone(), e.to_string()))?;
                let envelope = Envelope::new(Some(from.clone()), vec![to])
                    .map_err(|e| MailError::Build(e.to_string()))?;
                mailer
                    .send_raw(&envelope, &mail.message)
                    .await
                    .map_err(|e| MailError::Smtp(e.to_string()))?;
                Ok(())
            }
            Transport::Files { dir } => {
                tokio::fs::create_dir_all(dir).await?;
                let name = format!(
                    "{}-{:06}-{}.eml",
                    mail.created_at.format("%Y%m%dT%H%M%S"),
                    mail.id,
                    mail.kind
                );
                // Write then rename: a reader never sees half a mail.
                let tmp = dir.join(format!(".{name}.tmp"));
                tokio::fs::write(&tmp, &mail.message).await?;
                tokio::fs::rename(&tmp, dir.join(&name)).await?;
                tracing::info!(file = %dir.join(&name).display(), kind = %mail.kind, "mail written (no SMTP server configured)");
                Ok(())
            }
        }
    }
}

/// The wait before attempt `attempts + 1`: `retry` doubled per failure,
/// at most an hour.
pub fn backoff(retry_seconds: u64, attempts: u32) -> Duration {
    let secs = retry_seconds
        .saturating_mul(1u64 << attempts.min(20))
        .min(3600);
    Duration::seconds(secs as i64)
}

/// How long a server holds the mails it is sending: more than five SMTP
/// timeouts (20 s each), so a live server's claim never runs out; a dead
/// server's mails go out from another this much later.
const CLAIM: Duration = Duration::minutes(5);

/// Delivers due mails until the process ends; woken by `App::mail_wake`
/// when a mail is queued, else at the next due time (at most 30 s).
pub async fn run(app: Arc<App>, transport: Transport) {
    tracing::info!(to = %transport.describe(), "outbox running");
    loop {
        if let Err(e) = deliver_due(&app, &transport).await {
            tracing::warn!(error = %e, "outbox: database unavailable, retrying");
        }
        let now = app.clock.now();
        let wait = match app.store.next_mail_due().await {
            Ok(Some(at)) => (at - now).to_std().unwrap_or(StdDuration::ZERO),
            _ => StdDuration::from_secs(30),
        }
        .clamp(StdDuration::from_millis(50), StdDuration::from_secs(30));
        tokio::select! {
            _ = app.mail_wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

async fn deliver_due(app: &App, transport: &Transport) -> Result<(), crate::storage::StoreError> {
    let settings = &app.settings.mail;
    loop {
        let now = app.clock.now();
        let due = app.store.claim_due_mails(now, now + CLAIM, 5).await?;
        if due.is_empty() {
            return Ok(());
        }
        for (i, mail) in due.iter().enumerate() {
            match transport.deliver(mail).await {
                Ok(()) => {
                    crate::telemetry::record_mail(true);
                    app.store.mail_sent(mail.id, app.clock.now()).await?;
                    tracing::info!(id = mail.id, kind = %mail.kind, "mail sent");
                }
                Err(e) => {
                    crate::telemetry::record_mail(false);
                    let now = app.clock.now();
                    let give_up = now - mail.created_at >= Duration::hours(settings.give_up_hours);
                    let retry_at =
                        (!give_up).then(|| now + backoff(settings.retry_seconds, mail.attempts));
                    app.store
                        .mail_failed(mail.id, &e.to_string(), retry_at, now)
                        .await?;
                    match retry_at {
                        Some(at) => {
                            tracing::warn!(id = mail.id, kind = %mail.kind, attempt = mail.attempts + 1, retry_at = %at, error = %e, "mail not sent; will retry")
                        }
                        None => {
                            tracing::error!(id = mail.id, kind = %mail.kind, error = %e, "mail given up after {} hours", settings.give_up_hours)
                        }
                    }
                    // The server is likely down: leave the rest for later,
                    // to whichever server tries first.
                    if matches!(transport, Transport::Smtp { .. }) {
                        let rest: Vec<i64> = due[i + 1..].iter().map(|m| m.id).collect();
                        app.store.release_mail_claims(&rest).await?;
                        return Ok(());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps_at_an_hour() {
        assert_eq!(backoff(30, 0), Duration::seconds(30));
        assert_eq!(backoff(30, 1), Duration::seconds(60));
        assert_eq!(backoff(30, 3), Duration::seconds(240));
        assert_eq!(backoff(30, 10), Duration::seconds(3600));
        assert_eq!(backoff(30, 200), Duration::seconds(3600));
    }

    #[test]
    fn without_smtp_host_mail_goes_to_files_in_the_data_dir() {
        let t = Transport::from_settings(&MailSettings::default(), Path::new("/data"))
            .expect("test value");
        assert!(matches!(t, Transport::Files { ref dir } if dir == Path::new("/data/mail")));
    }

    #[test]
    fn a_missing_password_variable_is_a_clear_error() {
        let s = MailSettings {
            smtp_host: Some("smtp.example.jp".into()),
            username: Some("u".into()),
            password_env: Some("MADOGUCHI_TEST_SURELY_UNSET_PASSWORD".into()),
            ..MailSettings::default()
        };
        match Transport::from_settings(&s, Path::new("/data")) {
            Err(MailError::Config(m)) => {
                assert!(m.contains("MADOGUCHI_TEST_SURELY_UNSET_PASSWORD"))
            }
            other => panic!(
                "expected a config error, got {:?}",
                other.map(|t| t.describe())
            ),
        }
    }
}

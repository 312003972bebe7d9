//! `[mail]`: how e-mail leaves the office. Without `smtp_host` (the
//! embedded default) mails are written as `.eml` files in the data
//! directory, so a demo or a test never needs a mail server.

use serde::Deserialize;

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain text: only for a relay on the same host or a test server.
    None,
    /// Plain connection upgraded with STARTTLS (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailSettings {
    pub smtp_host: Option<String>,
    pub smtp_port: u16,
    pub tls: TlsMode,
    pub username: Option<String>,
    /// The password is read from this environment variable, never from
    /// the configuration file (which is often shared and versioned).
    pub password_env: Option<String>,
    /// Sender, e.g. `"市民課 <noreply@city.example.jp>"`.
    pub from: String,
    /// Default "people ahead" at which the turn notification is sent.
    pub notify_ahead: u32,
    /// First retry after a failed send; doubles up to an hour.
    pub retry_seconds: u64,
    /// A mail still undelivered after this long is given up (and logged).
    pub give_up_hours: i64,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            smtp_host: None,
            smtp_port: 587,
            tls: TlsMode::Starttls,
            username: None,
            password_env: None,
            from: "Madoguchi <noreply@madoguchi.invalid>".into(),
            notify_ahead: 3,
            retry_seconds: 30,
            give_up_hours: 48,
        }
    }
}

/// Most people ahead a visitor may ask to be told at.
pub const MAX_NOTIFY_AHEAD: u32 = 20;

impl MailSettings {
    /// Every problem of the section, as messages.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.from.parse::<lettre::message::Mailbox>().is_err() {
            out.push(format!(
                "[mail] from {:?} is not an address like \"Name <user@example.jp>\"",
                self.from
            ));
        }
        if self
            .smtp_host
            .as_deref()
            .is_some_and(|h| h.trim().is_empty())
        {
            out.push(
                "[mail] smtp_host must not be empty (leave it out to write .eml files)".into(),
            );
        }
        if !(1..=MAX_NOTIFY_AHEAD).contains(&self.notify_ahead) {
            out.push(format!(
                "[mail] notify_ahead must be 1..={MAX_NOTIFY_AHEAD}"
            ));
        }
        if self.retry_seconds == 0 || self.give_up_hours < 1 {
            out.push("[mail] retry_seconds and give_up_hours must be at least 1".into());
        }
        if self.password_env.is_some() && self.username.is_none() {
            out.push("[mail] password_env needs a username".into());
        }
        out
    }
}

/// `[privacy]`: how long personal data is kept.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrivacySettings {
    /// Names, contacts, answers, staff notes and mails are erased this many
    /// days after the visit (the slot or the ticket's day).
    pub retention_days: i64,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        PrivacySettings { retention_days: 30 }
    }
}

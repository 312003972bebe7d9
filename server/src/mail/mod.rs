//! E-mail: booking confirmations and turn notifications (順番お知らせメール).
//!
//! Mails are composed (`compose`) when their cause is stored and written to
//! the outbox table in the same transaction; the outbox worker (`outbox`)
//! delivers them over SMTP, or as `.eml` files when no SMTP server is
//! configured, retrying with backoff. When to notify is the pure rule in
//! `notify`.

pub mod compose;
pub mod notify;
pub mod outbox;

pub use compose::{MailKind, Outgoing};
pub use outbox::Transport;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("address {0:?}: {1}")]
    Address(String, String),
    #[error("building the message: {0}")]
    Build(String),
    #[error("SMTP: {0}")]
    Smtp(String),
    #[error("writing the mail file: {0}")]
    File(#[from] std::io::Error),
    #[error("{0}")]
    Config(String),
}

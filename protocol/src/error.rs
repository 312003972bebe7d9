use crate::ErrorCode;
use crate::types::ApiErrorBody;

/// What can go wrong when talking to a Madoguchi server.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with a JSON error (`{"error":{"code","message"}}`).
    #[error("{status} {}: {}", .body.code, .body.message)]
    Api { status: u16, body: ApiErrorBody },
    /// The server could not be reached or the connection broke.
    #[error("network: {0}")]
    Network(#[from] reqwest::Error),
    /// The server answered something that is not the contract.
    #[error("unexpected reply ({status}): {detail}")]
    Unexpected { status: u16, detail: String },
    /// The base URL is not usable.
    #[error("bad server url: {0}")]
    BadUrl(String),
    /// The certificate authority given to trust is not usable.
    #[error("bad CA certificate: {0}")]
    BadCertificate(String),
}

impl ClientError {
    /// The contract's error code when the server answered with one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Api { body, .. } => Some(body.code),
            _ => None,
        }
    }

    /// The HTTP status when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } | ClientError::Unexpected { status, .. } => {
                Some(*status)
            }
            ClientError::Network(e) => e.status().map(|s| s.as_u16()),
            ClientError::BadUrl(_) | ClientError::BadCertificate(_) => None,
        }
    }
}

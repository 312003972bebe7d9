//! The server's one error type, and how each variant answers over HTTP:
//! `{"error":{"code":"snake_case","message":"…"}}` with a 4xx status
//! (503 only when storage itself fails).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use protocol::{ApiError, ApiErrorBody, ErrorCode};

use crate::rules::engine::EngineError;
use crate::storage::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Malformed or invalid input (400).
    #[error("{message}")]
    Invalid { code: ErrorCode, message: String },
    /// One input field is invalid (400), named in the answer.
    #[error("{message}")]
    InvalidField {
        code: ErrorCode,
        field: String,
        message: String,
    },
    /// Unknown id or token (404).
    #[error("{message}")]
    NotFound { code: ErrorCode, message: String },
    /// Valid request that the current state refuses (409).
    #[error("{message}")]
    Conflict { code: ErrorCode, message: String },
    /// No or bad credentials (401).
    #[error("{message}")]
    Unauthorized { code: ErrorCode, message: String },
    /// Credentials of the wrong role, or a failed CSRF check (403).
    #[error("{message}")]
    Forbidden { code: ErrorCode, message: String },
    /// Too many requests or login attempts (429).
    #[error("{message}")]
    RateLimited {
        code: ErrorCode,
        message: String,
        retry_after_secs: u64,
    },
    #[error("request body is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("send JSON with Content-Type: application/json")]
    UnsupportedMediaType,
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("storage is unavailable: {0}")]
    Storage(#[from] StoreError),
    /// A mail that should go with a change could not be prepared (503):
    /// the change is refused rather than made without its mail.
    #[error("the mail could not be prepared; try again")]
    Mail(#[from] crate::mail::MailError),
    /// The city's directory did not answer a log-in (503): nobody is let
    /// in on its behalf.
    #[error("{0}")]
    Directory(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn invalid(code: ErrorCode, message: impl Into<String>) -> Error {
        Error::Invalid {
            code,
            message: message.into(),
        }
    }

    pub fn not_found(code: ErrorCode, message: impl Into<String>) -> Error {
        Error::NotFound {
            code,
            message: message.into(),
        }
    }

    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Error {
        Error::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn unauthorized(code: ErrorCode, message: impl Into<String>) -> Error {
        Error::Unauthorized {
            code,
            message: message.into(),
        }
    }

    pub fn forbidden(code: ErrorCode, message: impl Into<String>) -> Error {
        Error::Forbidden {
            code,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Error::Invalid { .. } | Error::InvalidField { .. } => StatusCode::BAD_REQUEST,
            Error::NotFound { .. } => StatusCode::NOT_FOUND,
            Error::Conflict { .. } => StatusCode::CONFLICT,
            Error::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Error::Forbidden { .. } => StatusCode::FORBIDDEN,
            Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Error::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::Engine(e) => match e {
                EngineError::UnknownTicket(_) | EngineError::UnknownBooth(_) => {
                    StatusCode::NOT_FOUND
                }
                EngineError::UnknownService(_) | EngineError::BadServiceList => {
                    StatusCode::BAD_REQUEST
                }
                _ => StatusCode::CONFLICT,
            },
            Error::Storage(_) | Error::Mail(_) | Error::Directory(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid { code, .. }
            | Error::InvalidField { code, .. }
            | Error::NotFound { code, .. }
            | Error::Conflict { code, .. }
            | Error::Unauthorized { code, .. }
            | Error::Forbidden { code, .. }
            | Error::RateLimited { code, .. } => *code,
            Error::TooLarge { .. } => ErrorCode::BodyTooLarge,
            Error::UnsupportedMediaType => ErrorCode::UnsupportedMediaType,
            Error::Engine(e) => match e {
                EngineError::UnknownTicket(_) => ErrorCode::UnknownTicket,
                EngineError::UnknownBooth(_) => ErrorCode::UnknownBooth,
                EngineError::UnknownService(_) => ErrorCode::UnknownService,
                EngineError::BadServiceList => ErrorCode::InvalidServices,
                EngineError::InvalidTransition { .. } => ErrorCode::InvalidTransition,
                EngineError::BoothNotOpen(_) => ErrorCode::BoothNotOpen,
                EngineError::BoothBusy { .. } => ErrorCode::BoothBusy,
                EngineError::ServiceNotServed { .. } => ErrorCode::ServiceNotServed,
                EngineError::ReservationOnly(_) => ErrorCode::ReservationOnly,
            },
            Error::Storage(_) => ErrorCode::StorageUnavailable,
            Error::Mail(_) => ErrorCode::MailUnavailable,
            Error::Directory(_) => ErrorCode::DirectoryUnavailable,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        match &self {
            Error::Storage(e) => tracing::error!(error = %e, "storage failure"),
            Error::Mail(e) => tracing::error!(error = %e, "mail failure"),
            _ => {}
        }
        let body = ApiError {
            error: ApiErrorBody {
                code: self.code(),
                message: self.to_string(),
                field: match &self {
                    Error::InvalidField { field, .. } => Some(field.clone()),
                    _ => None,
                },
            },
        };
        let mut resp = (self.status(), axum::Json(body)).into_response();
        if let Error::RateLimited {
            retry_after_secs, ..
        } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

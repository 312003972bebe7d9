//! Every error code of the contract, in one enum. The server answers with
//! these and the kiosk matches on them, so renaming a code is a compile
//! error on both sides instead of a kiosk that silently shows "other".
//! On the wire each is the snake_case string it always was.

use serde::{Deserialize, Serialize};

macro_rules! error_codes {
    ($($variant:ident = $code:literal,)*) => {
        /// A stable machine-readable error code (`{"error":{"code":…}}`).
        /// (`rename_all` rather than a rename per variant: utoipa does not
        /// see renames made inside a macro; a test checks both agree.)
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($variant,)*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as it is written on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }

            /// The code a wire string names, if the contract has it.
            pub fn parse(code: &str) -> Option<ErrorCode> {
                match code {
                    $($code => Some(ErrorCode::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

error_codes! {
    // Requests that are not the contract (400, 413, 415, 404, 405).
    MalformedJson = "malformed_json",
    MalformedBody = "malformed_body",
    InvalidBody = "invalid_body",
    InvalidPath = "invalid_path",
    InvalidQuery = "invalid_query",
    BodyTooLarge = "body_too_large",
    UnsupportedMediaType = "unsupported_media_type",
    NotFound = "not_found",
    MethodNotAllowed = "method_not_allowed",
    // Fields that fail validation (400).
    InvalidAction = "invalid_action",
    InvalidAhead = "invalid_ahead",
    InvalidAnswers = "invalid_answers",
    AnswersTooLarge = "answers_too_large",
    InvalidDate = "invalid_date",
    InvalidRange = "invalid_range",
    RangeTooLong = "range_too_long",
    InvalidEmail = "invalid_email",
    InvalidPhone = "invalid_phone",
    InvalidName = "invalid_name",
    InvalidNote = "invalid_note",
    InvalidReason = "invalid_reason",
    InvalidLanguage = "invalid_language",
    InvalidFormat = "invalid_format",
    InvalidEventId = "invalid_event_id",
    InvalidIdempotencyKey = "invalid_idempotency_key",
    InvalidServices = "invalid_services",
    InvalidRole = "invalid_role",
    InvalidUsername = "invalid_username",
    InvalidPassword = "invalid_password",
    InvalidOffices = "invalid_offices",
    InvalidDetails = "invalid_details",
    MalformedCode = "malformed_code",
    // Unknown ids and tokens (404, some 400).
    UnknownTicket = "unknown_ticket",
    UnknownBooth = "unknown_booth",
    UnknownService = "unknown_service",
    UnknownSlot = "unknown_slot",
    UnknownReservation = "unknown_reservation",
    UnknownCode = "unknown_code",
    UnknownDepartment = "unknown_department",
    UnknownDevice = "unknown_device",
    UnknownUser = "unknown_user",
    UnknownOffice = "unknown_office",
    NoForms = "no_forms",
    // The current state refuses a valid request (409).
    InvalidTransition = "invalid_transition",
    BoothNotOpen = "booth_not_open",
    BoothBusy = "booth_busy",
    ServiceNotServed = "service_not_served",
    ReservationOnly = "reservation_only",
    OfficeClosed = "office_closed",
    SlotFull = "slot_full",
    SameSlot = "same_slot",
    TooLateToBook = "too_late_to_book",
    TooFarAhead = "too_far_ahead",
    DetailsClosed = "details_closed",
    Cancelled = "cancelled",
    TooEarly = "too_early",
    TooLate = "too_late",
    WrongDay = "wrong_day",
    AlreadyUsed = "already_used",
    AlreadyCheckedIn = "already_checked_in",
    TicketFinished = "ticket_finished",
    IdempotencyConflict = "idempotency_conflict",
    UserExists = "user_exists",
    CannotDeactivateSelf = "cannot_deactivate_self",
    // Credentials (401, 403, 429).
    Unauthorized = "unauthorized",
    InvalidToken = "invalid_token",
    InvalidCredentials = "invalid_credentials",
    Forbidden = "forbidden",
    CsrfFailed = "csrf_failed",
    WrongOffice = "wrong_office",
    WrongDepartment = "wrong_department",
    RateLimited = "rate_limited",
    TooManyAttempts = "too_many_attempts",
    // In the city's directory, in none of its Madoguchi groups (403).
    NotStaff = "not_staff",
    // The server itself (503, 500).
    StorageUnavailable = "storage_unavailable",
    MailUnavailable = "mail_unavailable",
    DirectoryUnavailable = "directory_unavailable",
    Internal = "internal",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_written_and_read_as_its_string() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(code).expect("serialises");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).ok(), Some(*code));
            assert_eq!(ErrorCode::parse(code.as_str()), Some(*code));
        }
    }

    #[test]
    fn codes_are_distinct_snake_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{s}");
        }
        assert_eq!(seen.len(), ErrorCode::ALL.len());
    }
}

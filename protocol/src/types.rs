//! Request, response and event bodies of the HTTP contract.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// Text in several languages, keyed by language tag (`ja`, `en`, …).
/// Configured texts may carry furigana (`messages::ruby`).
pub type Localized = BTreeMap<String, String>;

/// The text for `lang` as shown on a screen (furigana dropped), falling
/// back as the catalogue does, then to any language.
pub fn localized(text: &Localized, lang: &str) -> String {
    messages::ruby::plain(localized_marked(text, lang))
}

/// The text for `lang` with its ruby marks, for pages that render them.
pub fn localized_marked<'a>(text: &'a Localized, lang: &str) -> &'a str {
    std::iter::once(lang)
        .chain(messages::language::fallbacks(lang).iter().copied())
        .find_map(|l| text.get(l))
        .or_else(|| text.values().next())
        .map(String::as_str)
        .unwrap_or("")
}

/// A procedure name shortened for narrow cards and boards: the Japanese
/// name up to its first bracket (「住民異動（転入・転出）」→「住民異動」).
pub fn short_name(name: &Localized) -> &str {
    let ja = localized_marked(name, "ja");
    ja.split(['（', '(']).next().unwrap_or(ja).trim()
}

/// The congestion lamp of a wait (the seed's three colours), decided by
/// the server from the office's thresholds and sent with every wait, so
/// the wall board, the web board and the congestion page agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lamp {
    /// Under the office's `blue_below_minutes` (15 by default).
    Blue,
    /// Between the two thresholds.
    Yellow,
    /// Over the office's `red_above_minutes` (30 by default).
    Red,
}

impl Lamp {
    /// Blue under `blue_below`, red over `red_above`, yellow between.
    pub fn with_thresholds(minutes: u32, blue_below: u32, red_above: u32) -> Lamp {
        if minutes < blue_below {
            Lamp::Blue
        } else if minutes <= red_above {
            Lamp::Yellow
        } else {
            Lamp::Red
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lamp::Blue => "blue",
            Lamp::Yellow => "yellow",
            Lamp::Red => "red",
        }
    }
}

impl std::fmt::Display for Lamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Body of every 4xx answer: `{"error":{"code":"snake_case","message":"…"}}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub error: ApiErrorBody,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiErrorBody {
    /// Stable machine-readable code, e.g. `slot_full`, `invalid_transition`.
    pub code: crate::ErrorCode,
    /// Human-readable explanation (English).
    pub message: String,
    /// The input field at fault, as a path (`details.deceased.kana`),
    /// when one field is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
    pub office: String,
}

/// A procedure family (住民異動, 証明書, おくやみ …).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Service {
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub name: Localized,
    /// Ticket prefix letter, e.g. `O` for `O001`.
    pub prefix: String,
    pub average_minutes: u32,
    pub reservation_only: bool,
    pub department: String,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub location: Localized,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BoothState {
    Closed,
    Open,
    Paused,
}

impl BoothState {
    pub fn as_str(self) -> &'static str {
        match self {
            BoothState::Closed => "closed",
            BoothState::Open => "open",
            BoothState::Paused => "paused",
        }
    }

    pub fn parse(s: &str) -> Option<BoothState> {
        [BoothState::Closed, BoothState::Open, BoothState::Paused]
            .into_iter()
            .find(|b| b.as_str() == s)
    }
}

/// A counter or booth, as shown publicly (numbers only, never names).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Booth {
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub label: Localized,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub location: Localized,
    pub services: Vec<String>,
    pub state: BoothState,
    /// Number of the ticket currently called or served here.
    pub current_number: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Slot {
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    pub capacity: u32,
    /// Places left; 0 when the slot cannot be booked (see `closed`).
    pub available: u32,
    /// Whether a booking for it can be made now.
    pub bookable: bool,
    /// Why not, when it cannot: full, or outside the booking window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<SlotClosed>,
}

/// Why a slot cannot be booked: the same words as `POST /reservations`'s
/// refusals for it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SlotClosed {
    /// Every place is booked.
    SlotFull,
    /// Inside the lead time (minutes, or working days for the procedure).
    TooLateToBook,
    /// Beyond the booking horizon: bookable later.
    TooFarAhead,
}

/// `POST /tickets/{status_token}/notify`: e-mail me when `ahead` people
/// (or fewer) are ahead, and when I am called.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NotifyRequest {
    pub email: String,
    /// 1–20; the office's default when left out.
    #[serde(default, deserialize_with = "whole::option_u32")]
    pub ahead: Option<u32>,
    /// Language of the mails (`ja`, `en`); Japanese when left out.
    #[serde(default)]
    pub lang: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotifyAccepted {
    pub ahead: u32,
    pub lang: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateReservation {
    pub service: String,
    pub start: DateTime<FixedOffset>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// Pre-entry answers (question id → answer), shown only to staff.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub answers: Option<serde_json::Map<String, serde_json::Value>>,
    /// The visitor's language (ja, en, zh, ko, vi, pt, ja-x-easy): their
    /// ticket's announcements, pages and mails follow it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The family's details for the pre-filled forms (services with a
    /// questionnaire only): encrypted at rest, shown only to the clerks of
    /// the departments concerned, never in events, mails or public pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<FamilyDetails>,
}

/// The family's details, given once for every department's forms
/// (書かない窓口). Every field is optional; blank is absent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FamilyDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deceased: Option<DeceasedDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant: Option<ApplicantDetails>,
    /// Where refunds and grants (葬祭費, premiums) are paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_account: Option<RefundAccount>,
}

/// The person who died.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeceasedDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Reading of the name in full-width katakana.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kana: Option<String>,
    /// YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// YYYY-MM-DD, not before the birth and not after today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub death_date: Option<String>,
    /// Last registered address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// The family member filing the forms.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplicantDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Reading of the name in full-width katakana.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kana: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// To the deceased, as written on forms (妻, 長男 …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<String>,
}

/// A Japanese bank account.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefundAccount {
    /// The bank's name (〇〇銀行, 〇〇信用金庫 …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank: Option<String>,
    /// The branch's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// `ordinary` (普通), `current` (当座) or `savings` (貯蓄).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Seven digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The holder's name in full-width katakana.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder_kana: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReservationState {
    Booked,
    Cancelled,
    CheckedIn,
    Completed,
    NoShow,
}

impl ReservationState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReservationState::Booked => "booked",
            ReservationState::Cancelled => "cancelled",
            ReservationState::CheckedIn => "checked_in",
            ReservationState::Completed => "completed",
            ReservationState::NoShow => "no_show",
        }
    }
}

/// Answer to a booking: the token is shown once, as the QR code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReservationCreated {
    pub id: i64,
    pub token: String,
    /// `{public_url}/r/{token}`: what the QR code carries.
    pub manage_url: String,
    pub service: String,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    pub state: ReservationState,
    /// The family's checklist from its answers, for a procedure with the
    /// questionnaire (おくやみ); absent for others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedures: Option<Vec<Procedure>>,
}

/// A reservation as its token holder or staff see it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reservation {
    pub id: i64,
    pub service: String,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    pub state: ReservationState,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub answers: Option<serde_json::Map<String, serde_json::Value>>,
    /// Ticket number once checked in.
    pub ticket_number: Option<String>,
    /// Why the office cancelled or moved it, if it did.
    #[serde(default)]
    pub change_reason: Option<String>,
    /// The language it was booked in (its page opens in it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The checklist from the answers (おくやみ), in the token holder's
    /// view (`GET /reservations/{token}`); staff lists leave it out and
    /// give it per department in the prep list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedures: Option<Vec<Procedure>>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketState {
    Waiting,
    Called,
    Serving,
    Done,
    NoShow,
    Cancelled,
    /// Still unfinished when its day closed (the numbers restart at
    /// midnight): no longer in any queue.
    Expired,
}

impl TicketState {
    pub const ALL: [TicketState; 7] = [
        TicketState::Waiting,
        TicketState::Called,
        TicketState::Serving,
        TicketState::Done,
        TicketState::NoShow,
        TicketState::Cancelled,
        TicketState::Expired,
    ];

    /// The state an `as_str` string names.
    pub fn parse(s: &str) -> Option<TicketState> {
        TicketState::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TicketState::Waiting => "waiting",
            TicketState::Called => "called",
            TicketState::Serving => "serving",
            TicketState::Done => "done",
            TicketState::NoShow => "no_show",
            TicketState::Cancelled => "cancelled",
            TicketState::Expired => "expired",
        }
    }

    /// Done, no-show, cancelled and expired tickets take no further part
    /// in the queue (a no-show can still be re-activated by staff, the
    /// same day).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            TicketState::Done | TicketState::NoShow | TicketState::Cancelled | TicketState::Expired
        )
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketSource {
    Reservation,
    WalkIn,
}

impl TicketSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketSource::Reservation => "reservation",
            TicketSource::WalkIn => "walk_in",
        }
    }
}

/// "About N minutes (low–high)": a range, not false precision.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitEstimate {
    pub minutes: u32,
    pub low: u32,
    pub high: u32,
}

/// A staff note that travels with the ticket across booths (何度も説明させない).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketNote {
    pub at: DateTime<FixedOffset>,
    pub booth: Option<String>,
    pub service: String,
    pub author: String,
    pub text: String,
}

/// A ticket as staff see it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticket {
    pub id: i64,
    pub number: String,
    /// All procedures of the ticket, in order.
    pub services: Vec<String>,
    /// Index into `services` of the procedure it is at.
    pub step: usize,
    pub current_service: String,
    pub source: TicketSource,
    pub priority: bool,
    pub state: TicketState,
    pub booth: Option<String>,
    pub reservation_id: Option<i64>,
    pub slot_start: Option<DateTime<FixedOffset>>,
    pub issued_at: DateTime<FixedOffset>,
    pub called_at: Option<DateTime<FixedOffset>>,
    pub call_count: u32,
    pub started_at: Option<DateTime<FixedOffset>>,
    pub done_at: Option<DateTime<FixedOffset>>,
    pub notes: Vec<TicketNote>,
}

/// What the kiosk prints or shows after check-in or walk-in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedTicket {
    pub id: i64,
    pub number: String,
    pub services: Vec<String>,
    pub state: TicketState,
    pub priority: bool,
    /// Secret of the phone status page; shown only as the QR code.
    pub status_token: String,
    /// `{public_url}/t/{status_token}`: what the ticket's QR code carries.
    pub status_url: String,
    pub people_ahead: u32,
    pub estimated_wait: WaitEstimate,
    /// Where to wait (from the first procedure's location).
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub location: Localized,
    pub issued_at: DateTime<FixedOffset>,
}

/// The phone status page's data: number, state, position and place only.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketStatus {
    pub number: String,
    pub services: Vec<String>,
    pub step: usize,
    pub current_service: String,
    pub state: TicketState,
    pub people_ahead: u32,
    pub estimated_wait: Option<WaitEstimate>,
    pub booth: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<BTreeMap<String, String>>))]
    pub booth_label: Option<Localized>,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub location: Localized,
    pub called_at: Option<DateTime<FixedOffset>>,
    /// The language the visitor chose (kiosk or booking): the status page
    /// opens in it unless asked otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckinRequest {
    /// What the scanner read: `{public_url}/r/{token}` or the bare token.
    pub code: String,
    /// The language the visitor chose on the kiosk, if they chose one
    /// (else the reservation's is kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WalkInRequest {
    pub services: Vec<String>,
    #[serde(default)]
    pub priority: bool,
    /// Chosen by the kiosk per visitor; a retry with the same key returns the same ticket.
    pub idempotency_key: String,
    /// The language the visitor chose on the kiosk (ja, en, zh, ko, vi,
    /// pt, ja-x-easy); calls are announced in it too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardCall {
    pub number: String,
    pub booth: String,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub booth_label: Localized,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub location: Localized,
    pub called_at: DateTime<FixedOffset>,
    pub call_count: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceWait {
    pub service: String,
    pub waiting: u32,
    pub estimated_wait: WaitEstimate,
    pub open_booths: u32,
    /// The colour of this wait by the office's thresholds.
    pub lamp: Lamp,
}

/// Everything the board shows, for its first paint and after reconnecting.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardSnapshot {
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub office: Localized,
    /// Most recent call first.
    pub recent_calls: Vec<BoardCall>,
    pub services: Vec<ServiceWait>,
    pub booths: Vec<Booth>,
    /// Resume the event stream after this id.
    pub last_event_id: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// Bearer token (also set as the `madoguchi_session` cookie).
    pub token: String,
    /// Send as `X-CSRF-Token` with state-changing requests made with the cookie.
    pub csrf_token: String,
    pub username: String,
    pub role: String,
    pub expires_at: DateTime<FixedOffset>,
    /// The offices the user works in (an admin: every office).
    #[serde(default)]
    pub offices: Vec<String>,
    /// The departments whose families' details the user may see and print.
    #[serde(default)]
    pub departments: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallResult {
    /// The ticket now called at the booth, or null when nobody waits.
    pub ticket: Option<Ticket>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    pub service: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    pub text: String,
}

/// Body of `POST /staff/booths/{id}/call`: the ticket to call out of order.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CallTicketRequest {
    #[serde(deserialize_with = "whole::i64")]
    pub ticket: i64,
}

/// The live queue for staff: active tickets in call order per service.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffQueue {
    /// The server's time (office zone): waits shown are counted from it,
    /// not from the counter PC's clock.
    pub now: DateTime<FixedOffset>,
    pub tickets: Vec<Ticket>,
    pub services: Vec<ServiceWait>,
    pub booths: Vec<Booth>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EventKind {
    #[serde(rename = "ticket.issued")]
    TicketIssued,
    #[serde(rename = "ticket.called")]
    TicketCalled,
    #[serde(rename = "ticket.recalled")]
    TicketRecalled,
    #[serde(rename = "ticket.serving")]
    TicketServing,
    #[serde(rename = "ticket.done")]
    TicketDone,
    #[serde(rename = "ticket.no_show")]
    TicketNoShow,
    #[serde(rename = "ticket.reactivated")]
    TicketReactivated,
    #[serde(rename = "ticket.transferred")]
    TicketTransferred,
    /// Unfinished at the close of its day.
    #[serde(rename = "ticket.expired")]
    TicketExpired,
    #[serde(rename = "booth.changed")]
    BoothChanged,
    #[serde(rename = "reservation.changed")]
    ReservationChanged,
}

impl EventKind {
    pub const ALL: [EventKind; 11] = [
        EventKind::TicketIssued,
        EventKind::TicketCalled,
        EventKind::TicketRecalled,
        EventKind::TicketServing,
        EventKind::TicketDone,
        EventKind::TicketNoShow,
        EventKind::TicketReactivated,
        EventKind::TicketTransferred,
        EventKind::TicketExpired,
        EventKind::BoothChanged,
        EventKind::ReservationChanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::TicketIssued => "ticket.issued",
            EventKind::TicketCalled => "ticket.called",
            EventKind::TicketRecalled => "ticket.recalled",
            EventKind::TicketServing => "ticket.serving",
            EventKind::TicketDone => "ticket.done",
            EventKind::TicketNoShow => "ticket.no_show",
            EventKind::TicketReactivated => "ticket.reactivated",
            EventKind::TicketTransferred => "ticket.transferred",
            EventKind::TicketExpired => "ticket.expired",
            EventKind::BoothChanged => "booth.changed",
            EventKind::ReservationChanged => "reservation.changed",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Event payload: numbers, services and booths only — never names, contact
/// or answers. Fields that do not apply to a kind are left out.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    /// The procedure concerned (current one for tickets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booth: Option<String>,
    /// New state of the ticket, booth or reservation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservation_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot_start: Option<DateTime<FixedOffset>>,
    /// Calls: the language the visitor chose at the kiosk or when booking,
    /// when it is neither Japanese nor English (the board announces in
    /// Japanese, English, then this one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// One entry of the append-only event log, as sent over SSE.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    pub id: i64,
    pub kind: EventKind,
    pub at: DateTime<FixedOffset>,
    pub data: EventData,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lamps_follow_the_thresholds() {
        let lamp = |m| Lamp::with_thresholds(m, 15, 30);
        assert_eq!(lamp(0), Lamp::Blue);
        assert_eq!(lamp(14), Lamp::Blue);
        assert_eq!(lamp(15), Lamp::Yellow);
        assert_eq!(lamp(30), Lamp::Yellow);
        assert_eq!(lamp(31), Lamp::Red);
        assert_eq!(Lamp::with_thresholds(15, 10, 20), Lamp::Yellow);
        assert_eq!(
            serde_json::to_string(&Lamp::Yellow).ok().as_deref(),
            Some("\"yellow\"")
        );
    }

    #[test]
    fn short_names_stop_at_the_first_bracket() {
        let name: Localized = [("ja".to_string(), "住民異動（転入・転出・転居）".to_string())]
            .into_iter()
            .collect();
        assert_eq!(short_name(&name), "住民異動");
        let plain: Localized = [("ja".to_string(), "証明書".to_string())]
            .into_iter()
            .collect();
        assert_eq!(short_name(&plain), "証明書");
    }

    #[test]
    fn booth_states_round_trip_through_their_names() {
        for b in [BoothState::Closed, BoothState::Open, BoothState::Paused] {
            assert_eq!(BoothState::parse(b.as_str()), Some(b));
        }
        assert_eq!(BoothState::parse("busy"), None);
    }
}

/// Figures per procedure and per hour of day over `from`–`to` (inclusive)
/// (`GET /staff/stats`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayStats {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub services: Vec<ServiceStats>,
    /// Office opening hours with any activity, in order.
    pub hours: Vec<HourStats>,
}

/// Times are minutes; `None` when nothing was measured.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceStats {
    pub service: String,
    /// Tickets that needed this procedure.
    pub tickets: u32,
    /// Steps of this procedure completed.
    pub served: u32,
    /// Tickets marked absent while at this procedure.
    pub no_shows: u32,
    /// Tickets still unfinished when the day closed.
    pub expired: u32,
    pub wait_avg: Option<f64>,
    pub wait_p90: Option<f64>,
    pub service_avg: Option<f64>,
    pub service_p90: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HourStats {
    /// Local hour of the day (9 = 9:00–9:59).
    pub hour: u32,
    /// Tickets issued in this hour.
    pub issued: u32,
    /// Steps completed in this hour.
    pub served: u32,
    /// Average wait of the steps called in this hour.
    pub wait_avg: Option<f64>,
}

/// A staff account as the admin page lists it (never the password).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffUser {
    pub username: String,
    /// `staff` or `admin`.
    pub role: String,
    pub active: bool,
    /// The offices a clerk works in (an admin works in all).
    pub offices: Vec<String>,
    /// The departments whose families' details the user may see and print.
    #[serde(default)]
    pub departments: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewStaffUser {
    pub username: String,
    pub password: String,
    /// `staff` or `admin`.
    pub role: String,
    /// The offices a clerk works in; may be left out when the city has
    /// one office (an admin works in all).
    #[serde(default)]
    pub offices: Vec<String>,
    /// Departments (of the procedures, e.g. 保険年金課) whose families'
    /// details and forms the user may see and print; none by default,
    /// for admins too.
    #[serde(default)]
    pub departments: Vec<String>,
}

/// What the family's details now hold (the values themselves are never
/// sent back to the token holder).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DetailsReceipt {
    pub deceased: bool,
    pub applicant: bool,
    pub refund_account: bool,
    /// The last day they can be changed (the day before the visit).
    pub changeable_until: NaiveDate,
}

/// A family's details as a clerk of a department concerned sees them
/// (every such view is in the audit log).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffDetails {
    pub reservation_id: i64,
    /// The family's departments (from its checklist) the clerk works in.
    pub departments: Vec<String>,
    /// Empty when the family gave none.
    pub details: FamilyDetails,
}

/// One view or print of a family's details: who, when, which
/// reservation — never the details.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DetailsAuditEntry {
    pub at: DateTime<FixedOffset>,
    pub username: String,
    pub office: String,
    pub reservation_id: i64,
    /// `view` or `print`.
    pub action: String,
}

/// A kiosk or board device (its token is shown only when created).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceInfo {
    pub id: i64,
    pub name: String,
    /// `kiosk` or `board`.
    pub role: String,
    /// The one office it serves.
    pub office: String,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDevice {
    pub name: String,
    /// `kiosk` or `board`.
    pub role: String,
    /// The office it serves; may be left out when the city has one.
    #[serde(default)]
    pub office: Option<String>,
}

/// The new device and its bearer token, shown this once.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceCreated {
    pub device: DeviceInfo,
    pub token: String,
}

/// Body of the staff cancel: why (kept with the reservation, never in events).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffCancel {
    pub reason: String,
}

/// Body of the staff move: the new slot's start and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffMove {
    pub start: DateTime<FixedOffset>,
    pub reason: String,
}

/// The kind of answer a questionnaire question takes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// Answered `true`/`false` (or `"yes"`/`"no"`).
    YesNo,
    /// Answered with one choice id.
    Choice,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionChoice {
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub text: Localized,
}

/// One question of the おくやみ pre-entry questionnaire.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Question {
    pub id: String,
    pub kind: QuestionKind,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub text: Localized,
    /// For `choice` questions.
    pub choices: Vec<QuestionChoice>,
    pub required: bool,
}

/// Body of `POST /okuyami/checklist`: question id → answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChecklistRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub answers: serde_json::Map<String, serde_json::Value>,
}

/// One procedure of a family's checklist: who, where, what, how, by when.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Procedure {
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub title: Localized,
    pub department: String,
    /// Floor and counter.
    #[serde(rename = "where")]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub place: Localized,
    /// Which form.
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub what: Localized,
    /// What to bring and what happens (the documents).
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub how: Localized,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<BTreeMap<String, String>>))]
    pub deadline: Option<Localized>,
    pub involves_money: bool,
    pub consultation: bool,
    /// Money matters and consultations are done at the original department.
    pub at_original_department: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Checklist {
    pub procedures: Vec<Procedure>,
}

/// A department's preparation list for one day (事前準備).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrepList {
    pub date: NaiveDate,
    /// The department asked for, or all.
    pub department: Option<String>,
    /// Every department that appears in the questionnaire's procedures.
    pub departments: Vec<String>,
    pub items: Vec<PrepItem>,
}

/// One family's visit and the procedures that concern the department.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrepItem {
    pub reservation: Reservation,
    pub procedures: Vec<Procedure>,
}

/// The congestion page's data (混雑情報): now, and the usual waits by hour.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Congestion {
    pub updated_at: DateTime<FixedOffset>,
    /// Weeks of history behind `by_hour`.
    pub history_weeks: u32,
    pub services: Vec<ServiceCongestion>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceCongestion {
    pub service: String,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub name: Localized,
    pub waiting: u32,
    pub estimated_wait: WaitEstimate,
    /// `blue`, `yellow` or `red`, from the office's thresholds.
    pub lamp: Lamp,
    /// Average wait by hour of day over the history (hours with data).
    pub by_hour: Vec<HourlyWait>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HourlyWait {
    pub hour: u32,
    pub average_wait: f64,
    pub samples: u32,
}

/// Whole numbers in request bodies: a JSON integer, or a number with no
/// fraction (`5.0`), which JSON Schema's `integer` also allows.
mod whole {
    use serde::{Deserialize, Deserializer, de::Error};

    fn whole<'de, D: Deserializer<'de>>(n: serde_json::Number) -> Result<i64, D::Error> {
        if let Some(i) = n.as_i64() {
            return Ok(i);
        }
        match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
            _ => Err(D::Error::custom(format!("{n} is not a whole number"))),
        }
    }

    pub fn i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        whole::<D>(serde_json::Number::deserialize(d)?)
    }

    pub fn option_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        match Option::<serde_json::Number>::deserialize(d)? {
            None => Ok(None),
            Some(n) => {
                let i = whole::<D>(n)?;
                u32::try_from(i)
                    .map(Some)
                    .map_err(|_| D::Error::custom(format!("{i} is out of range")))
            }
        }
    }
}

/// One office of the city (`GET /api/v1/offices`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeInfo {
    /// The id in `/api/v1/offices/{office}/…`.
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub name: Localized,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub address: Localized,
    /// Today's opening hours, `HH:MM` in the office's time zone; absent
    /// when it is closed all day.
    pub hours_today: Option<OpeningHours>,
    pub open_now: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpeningHours {
    pub opens: String,
    pub closes: String,
}

/// The whole city's congestion (`GET /api/v1/congestion`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CityCongestion {
    pub updated_at: DateTime<FixedOffset>,
    pub offices: Vec<OfficeCongestion>,
    /// For each procedure offered at several offices open now: where its
    /// wait is shortest.
    pub shortest: Vec<ShortestWait>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeCongestion {
    pub office: OfficeInfo,
    pub congestion: Congestion,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShortestWait {
    pub service: String,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub name: Localized,
    /// The office id with the shortest wait now.
    pub office: String,
    pub waiting: u32,
    pub estimated_wait: WaitEstimate,
}

/// Statistics of every office a staff member works at
/// (`GET /api/v1/staff/stats`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CityStats {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub offices: Vec<OfficeStats>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeStats {
    pub office: String,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub name: Localized,
    pub stats: DayStats,
}

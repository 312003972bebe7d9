//! The kiosk's rules without Bevy or I/O: which screen shows, what the
//! scanner typed, what to ask the server, what a reply means. Times are
//! seconds on a monotonic clock given by the caller.

use protocol::{ErrorCode, IssuedTicket, Service, WalkInRequest};

/// Languages the kiosk offers (its language buttons), Japanese first.
pub use messages::LANGUAGES;

/// A scanner types a whole code within milliseconds; a pause longer than
/// this means the characters before it were stray keys.
pub const SCAN_GAP_SECS: f64 = 0.5;
/// Shorter input followed by Enter is a stray key press, not a scan
/// (reservation tokens alone are 20+ characters).
pub const MIN_CODE_CHARS: usize = 8;
/// Longer input is no code of ours; it is refused without asking the server.
pub const MAX_CODE_CHARS: usize = 1024;

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    /// "Hold your QR code / no reservation? touch here".
    Welcome,
    /// Choosing procedures for a walk-in ticket.
    WalkIn,
    /// A request is with the server; `retrying` once it did not answer.
    Busy {
        request: u64,
        retrying: bool,
    },
    Ticket(Box<IssuedTicket>),
    Problem(Problem),
}

/// Why no ticket was issued, each with its own calm message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    UnknownCode,
    MalformedCode,
    Cancelled,
    TooEarly,
    TooLate,
    WrongDay,
    AlreadyUsed,
    ReservationOnly,
    OfficeClosed,
    /// The booking is at another office of the city.
    WrongOffice,
    /// The device token was refused (revoked or wrong).
    Unauthorized,
    /// The server could not be reached before giving up.
    Offline,
    /// Any other refusal or a reply that is not the contract.
    Other,
}

impl Problem {
    /// Maps the contract's error code (and HTTP status) to a problem.
    pub fn from_reply(status: Option<u16>, code: Option<ErrorCode>) -> Problem {
        match code {
            Some(ErrorCode::UnknownCode) => Problem::UnknownCode,
            Some(ErrorCode::MalformedCode) => Problem::MalformedCode,
            Some(ErrorCode::Cancelled) => Problem::Cancelled,
            Some(ErrorCode::TooEarly) => Problem::TooEarly,
            Some(ErrorCode::TooLate) => Problem::TooLate,
            Some(ErrorCode::WrongDay) => Problem::WrongDay,
            Some(ErrorCode::AlreadyUsed) => Problem::AlreadyUsed,
            Some(ErrorCode::ReservationOnly) => Problem::ReservationOnly,
            Some(ErrorCode::OfficeClosed) => Problem::OfficeClosed,
            // 409: booked elsewhere (403 is this kiosk's token at the wrong office).
            Some(ErrorCode::WrongOffice) if status == Some(409) => Problem::WrongOffice,
            _ if matches!(status, Some(401 | 403)) => Problem::Unauthorized,
            _ => Problem::Other,
        }
    }

    /// The catalogue message that explains it.
    pub fn message_id(self) -> &'static str {
        match self {
            Problem::UnknownCode => "kiosk-error-unknown_code",
            Problem::MalformedCode => "kiosk-error-malformed_code",
            Problem::Cancelled => "kiosk-error-cancelled",
            Problem::TooEarly => "kiosk-error-too_early",
            Problem::TooLate => "kiosk-error-too_late",
            Problem::WrongDay => "kiosk-error-wrong_day",
            Problem::AlreadyUsed => "kiosk-error-already_used",
            Problem::ReservationOnly => "kiosk-error-reservation_only",
            Problem::OfficeClosed => "kiosk-error-office_closed",
            Problem::WrongOffice => "kiosk-error-wrong_office",
            Problem::Unauthorized => "kiosk-error-unauthorized",
            Problem::Offline => "kiosk-error-offline",
            Problem::Other => "kiosk-error-other",
        }
    }

    /// Whether sending the same request again can help (nothing was issued).
    pub fn can_retry(self) -> bool {
        self == Problem::Offline
    }
}

/// What the kiosk asks the server. `id` matches the reply to the request.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// `language`: the visitor chose one on the kiosk (else the booking's).
    Checkin {
        id: u64,
        code: String,
        language: Option<String>,
    },
    WalkIn {
        id: u64,
        req: WalkInRequest,
    },
}

impl Request {
    pub fn id(&self) -> u64 {
        match self {
            Request::Checkin { id, .. } | Request::WalkIn { id, .. } => *id,
        }
    }

    fn with_id(&self, id: u64) -> Request {
        match self {
            Request::Checkin { code, language, .. } => Request::Checkin {
                id,
                code: code.clone(),
                language: language.clone(),
            },
            Request::WalkIn { req, .. } => Request::WalkIn {
                id,
                req: req.clone(),
            },
        }
    }
}

/// The network side's answer to a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Ticket {
        id: u64,
        ticket: Box<IssuedTicket>,
    },
    /// The server said no (4xx) or answered something unreadable.
    Refused {
        id: u64,
        status: Option<u16>,
        code: Option<ErrorCode>,
    },
    /// No answer yet; still trying with the same request.
    Retrying {
        id: u64,
    },
    /// No answer before the deadline; nothing was issued as far as we know,
    /// and a retry sends the same idempotent request.
    GaveUp {
        id: u64,
    },
}

/// What a touch (or a script) asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    StartWalkIn,
    ToggleService(String),
    TogglePriority,
    Confirm,
    /// Back to the welcome screen (back, close, start over).
    Home,
    Retry,
    /// The next language (a keyboard shortcut; the screen lists them all).
    SwitchLanguage,
    ChooseLanguage(&'static str),
    /// Read the screen out (音声案内); the app speaks, the model notes nothing.
    Speak,
    /// Large print on and off (low vision).
    ToggleLargeText,
}

/// Collects keyboard-wedge input: characters, then Enter.
#[derive(Debug, Default)]
pub struct ScanBuffer {
    text: String,
    overflow: bool,
    last: f64,
}

/// What Enter completed.
#[derive(Debug, PartialEq, Eq)]
pub enum Scan {
    Code(String),
    TooLong,
    /// Nothing worth sending (stray Enter or a few stray keys).
    Nothing,
}

impl ScanBuffer {
    pub fn push(&mut self, text: &str, now: f64) {
        if now - self.last > SCAN_GAP_SECS {
            self.clear();
        }
        self.last = now;
        for c in text.chars().filter(|c| !c.is_control()) {
            if self.text.chars().count() >= MAX_CODE_CHARS {
                self.overflow = true;
            } else {
                self.text.push(c);
            }
        }
    }

    pub fn enter(&mut self, now: f64) -> Scan {
        let stale = now - self.last > SCAN_GAP_SECS;
        let text = std::mem::take(&mut self.text);
        let overflow = std::mem::take(&mut self.overflow);
        if stale {
            Scan::Nothing
        } else if overflow {
            Scan::TooLong
        } else if text.trim().chars().count() < MIN_CODE_CHARS {
            Scan::Nothing
        } else {
            Scan::Code(text.trim().to_string())
        }
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.overflow = false;
    }
}

/// Everything the kiosk shows, and the request in flight.
#[derive(Debug)]
pub struct KioskModel {
    pub screen: Screen,
    pub lang: &'static str,
    /// The visitor chose `lang` (it goes with their ticket); reset when
    /// the kiosk returns to welcome for the next visitor.
    pub language_chosen: bool,
    /// Large print for low vision, until the next visitor.
    pub large_text: bool,
    pub connected: bool,
    pub services: Vec<Service>,
    /// Walk-in choice, in the order of `services`.
    pub selected: Vec<String>,
    pub priority: bool,
    /// A short hint on the walk-in screen (catalogue id).
    pub notice: Option<&'static str>,
    /// The printer failed for the ticket on screen.
    pub print_failed: bool,
    /// Bumped on every visible change; the screen redraws when it moves.
    pub version: u64,
    /// Seconds without input before a screen returns to welcome.
    pub idle_secs: f64,
    scan: ScanBuffer,
    /// Chosen when the visitor opens the walk-in screen and kept until a
    /// ticket is shown, so any retry returns the same ticket.
    walk_in_key: Option<String>,
    /// The last request, kept to retry after `Offline`.
    pending: Option<Request>,
    key_prefix: String,
    next_id: u64,
    last_input: f64,
}

impl KioskModel {
    /// `key_prefix` makes idempotency keys unique to this kiosk run.
    pub fn new(key_prefix: impl Into<String>, idle_secs: f64) -> KioskModel {
        KioskModel {
            screen: Screen::Welcome,
            lang: LANGUAGES[0],
            language_chosen: false,
            large_text: false,
            connected: false,
            services: Vec::new(),
            selected: Vec::new(),
            priority: false,
            notice: None,
            print_failed: false,
            version: 1,
            idle_secs,
            scan: ScanBuffer::default(),
            walk_in_key: None,
            pending: None,
            key_prefix: key_prefix.into(),
            next_id: 1,
            last_input: 0.0,
        }
    }

    fn changed(&mut self) {
        self.version += 1;
    }

    fn busy(&self) -> bool {
        matches!(self.screen, Screen::Busy { .. })
    }

    fn send(&mut self, request: Request) -> Option<Request> {
        self.screen = Screen::Busy {
            request: request.id(),
            retrying: false,
        };
        self.pending = Some(request.clone());
        self.changed();
        Some(request)
    }

    fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn choose_language(&mut self, lang: &'static str) {
        if let Some(known) = LANGUAGES.iter().find(|l| **l == lang) {
            self.lang = known;
            self.language_chosen = true;
            self.changed();
        }
    }

    /// The language to send with a request: only one the visitor chose.
    fn chosen_language(&self) -> Option<String> {
        self.language_chosen.then(|| self.lang.to_string())
    }

    /// The next visitor starts in Japanese, normal print.
    fn next_visitor(&mut self) {
        self.lang = LANGUAGES[0];
        self.language_chosen = false;
        self.large_text = false;
        self.changed();
    }

    fn go_home(&mut self) {
        self.screen = Screen::Welcome;
        self.selected.clear();
        self.priority = false;
        self.notice = None;
        self.print_failed = false;
        self.walk_in_key = None;
        self.pending = None;
        self.changed();
    }

    /// Characters typed (by the scanner, or stray keys).
    pub fn typed(&mut self, text: &str, now: f64) {
        if !self.busy() {
            self.scan.push(text, now);
        }
    }

    /// Enter: a complete scan is checked in from any screen but `Busy`.
    pub fn enter(&mut self, now: f64) -> Option<Request> {
        if self.busy() {
            self.scan.clear();
            return None;
        }
        match self.scan.enter(now) {
            Scan::Nothing => None,
            Scan::TooLong => {
                self.last_input = now;
                self.screen = Screen::Problem(Problem::MalformedCode);
                self.changed();
                None
            }
            Scan::Code(code) => {
                // A scan on a ticket screen is the next visitor's.
                if matches!(self.screen, Screen::Ticket(_)) {
                    self.next_visitor();
                }
                self.last_input = now;
                self.walk_in_key = None;
                self.print_failed = false;
                let id = self.new_id();
                let language = self.chosen_language();
                self.send(Request::Checkin { id, code, language })
            }
        }
    }

    pub fn act(&mut self, action: Action, now: f64) -> Option<Request> {
        self.last_input = now;
        match action {
            Action::SwitchLanguage => {
                let i = LANGUAGES.iter().position(|l| *l == self.lang).unwrap_or(0);
                self.choose_language(LANGUAGES[(i + 1) % LANGUAGES.len()]);
                None
            }
            Action::ChooseLanguage(lang) => {
                self.choose_language(lang);
                None
            }
            Action::ToggleLargeText => {
                self.large_text = !self.large_text;
                self.changed();
                None
            }
            Action::Speak => None,
            _ if self.busy() => None,
            Action::StartWalkIn => {
                self.go_home();
                self.screen = Screen::WalkIn;
                let id = self.new_id();
                self.walk_in_key = Some(format!("{}-{id}", self.key_prefix));
                None
            }
            Action::ToggleService(service) => {
                if self.screen != Screen::WalkIn {
                    return None;
                }
                let s = self.services.iter().find(|s| s.id == service)?;
                if s.reservation_only {
                    self.notice = Some(Problem::ReservationOnly.message_id());
                } else if let Some(i) = self.selected.iter().position(|x| *x == service) {
                    self.selected.remove(i);
                    self.notice = None;
                } else {
                    self.selected.push(service);
                    let order: Vec<&str> = self.services.iter().map(|s| s.id.as_str()).collect();
                    self.selected
                        .sort_by_key(|x| order.iter().position(|o| o == x));
                    self.notice = None;
                }
                self.changed();
                None
            }
            Action::TogglePriority => {
                if self.screen == Screen::WalkIn {
                    self.priority = !self.priority;
                    self.changed();
                }
                None
            }
            Action::Confirm => {
                if self.screen != Screen::WalkIn {
                    return None;
                }
                if self.selected.is_empty() {
                    self.notice = Some("kiosk-select-one");
                    self.changed();
                    return None;
                }
                let key = match &self.walk_in_key {
                    Some(k) => k.clone(),
                    None => {
                        let id = self.new_id();
                        let k = format!("{}-{id}", self.key_prefix);
                        self.walk_in_key = Some(k.clone());
                        k
                    }
                };
                let id = self.new_id();
                let req = WalkInRequest {
                    services: self.selected.clone(),
                    priority: self.priority,
                    idempotency_key: key,
                    language: self.chosen_language(),
                };
                self.send(Request::WalkIn { id, req })
            }
            Action::Home => {
                // Closing a ticket or a refusal ends that visitor's turn.
                if matches!(self.screen, Screen::Ticket(_) | Screen::Problem(_)) {
                    self.next_visitor();
                }
                self.go_home();
                None
            }
            Action::Retry => {
                let Screen::Problem(p) = self.screen else {
                    return None;
                };
                match (self.pending.clone(), p.can_retry()) {
                    (Some(req), true) => {
                        let id = self.new_id();
                        self.send(req.with_id(id))
                    }
                    _ => {
                        self.go_home();
                        None
                    }
                }
            }
        }
    }

    /// Applies the network's answer; answers to older requests are ignored.
    pub fn reply(&mut self, reply: Reply, now: f64) {
        let Screen::Busy { request, retrying } = self.screen else {
            return;
        };
        let id = match &reply {
            Reply::Ticket { id, .. }
            | Reply::Refused { id, .. }
            | Reply::Retrying { id }
            | Reply::GaveUp { id } => *id,
        };
        if id != request {
            return;
        }
        self.last_input = now;
        match reply {
            Reply::Ticket { ticket, .. } => {
                self.screen = Screen::Ticket(ticket);
                self.walk_in_key = None;
                self.pending = None;
            }
            Reply::Refused { status, code, .. } => {
                self.screen = Screen::Problem(Problem::from_reply(status, code));
                self.walk_in_key = None;
                self.pending = None;
            }
            Reply::Retrying { .. } => {
                if retrying {
                    return;
                }
                self.screen = Screen::Busy {
                    request,
                    retrying: true,
                };
            }
            Reply::GaveUp { .. } => {
                self.screen = Screen::Problem(Problem::Offline);
            }
        }
        self.changed();
    }

    pub fn set_connected(&mut self, connected: bool) {
        if self.connected != connected {
            self.connected = connected;
            self.changed();
        }
    }

    pub fn set_services(&mut self, services: Vec<Service>) {
        if self.services != services {
            self.selected
                .retain(|id| services.iter().any(|s| s.id == *id));
            self.services = services;
            self.changed();
        }
    }

    /// The printer could not print the ticket with this number.
    pub fn print_failed(&mut self, number: &str) {
        if let Screen::Ticket(t) = &self.screen
            && t.number == number
        {
            self.print_failed = true;
            self.changed();
        }
    }

    /// Whether this screen returns to welcome by itself after `idle_secs`
    /// (so the clock must keep ticking). Welcome stays; a request in flight
    /// waits for its answer, which must be seen.
    pub fn times_out(&self) -> bool {
        match self.screen {
            Screen::Busy { .. } => false,
            // Welcome times out only to undo a visitor's own settings.
            Screen::Welcome => self.language_chosen || self.large_text,
            _ => true,
        }
    }

    /// Returns to welcome after `idle_secs` without input.
    pub fn tick(&mut self, now: f64) {
        if !self.times_out() {
            return;
        }
        if now - self.last_input >= self.idle_secs {
            self.next_visitor();
            self.go_home();
        }
    }

    /// A request is on its way (tests, the screen's spinner).
    pub fn in_flight(&self) -> Option<&Request> {
        match self.screen {
            Screen::Busy { .. } => self.pending.as_ref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;

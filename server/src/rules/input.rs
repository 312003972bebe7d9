//! Input parsed once, at the edge, into types that cannot hold a bad
//! value: a handler or the CLI parses, `App` and the store take the
//! parsed type. Each rule lives here and nowhere else, with the error code
//! the contract gives it. Pure: no I/O.

use protocol::ErrorCode;
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::rules::engine::EngineError;

/// Characters Rust calls control (Unicode Cc), as a regex class body.
const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f";

/// The JSON Schema of each rule, beside the rule itself: `http/document.rs`
/// puts it into `/openapi.json`, so the document says what `parse`
/// enforces. Where a rule trims first, the schema is stricter (it refuses
/// the blanks `parse` would trim), never looser.
pub trait Documented {
    fn schema() -> Value;
}

/// Longest visitor name, in characters.
pub const MAX_NAME: usize = 100;
/// Longest staff note, in characters.
pub const MAX_NOTE: usize = 2000;
/// Longest staff reason (cancelling, moving a booking), in characters.
pub const MAX_REASON: usize = 500;
/// Largest questionnaire answers of one booking, as JSON.
pub const MAX_ANSWERS_BYTES: usize = 16 * 1024;

/// A trimmed optional field: blank is absent.
pub fn present(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
    };
}

text_type!(
    /// A visitor's name: at most `MAX_NAME` characters, no control characters.
    VisitorName
);
text_type!(
    /// An e-mail address of the usual shape (user@host.domain) that the
    /// mail library can also send to.
    Email
);
text_type!(
    /// A phone number: 6–15 digits, with `+ - ( )` or spaces.
    Phone
);
text_type!(
    /// A staff reason: 1–`MAX_REASON` characters, line breaks allowed.
    Reason
);
text_type!(
    /// A staff note on a ticket: 1–`MAX_NOTE` characters.
    NoteText
);
text_type!(
    /// A staff user name: 1–100 characters without spaces.
    Username
);
text_type!(
    /// A service id (`is_id`); whether the office has it is the engine's
    /// and the booking rules' question.
    ServiceId
);
text_type!(
    /// A booth id (`is_id`); whether the office has it is the engine's
    /// question.
    BoothId
);
text_type!(
    /// A kiosk or board name: 1–100 characters, no control characters.
    DeviceName
);

impl VisitorName {
    pub fn parse(s: &str) -> Result<VisitorName> {
        let s = s.trim();
        if s.is_empty() || s.chars().count() > MAX_NAME || s.chars().any(char::is_control) {
            return Err(Error::invalid(
                ErrorCode::InvalidName,
                format!("name: 1–{MAX_NAME} characters, no control characters"),
            ));
        }
        Ok(VisitorName(s.to_string()))
    }
}

impl Email {
    pub fn parse(s: &str) -> Result<Email> {
        let s = s.trim();
        let shaped = s.len() <= 254
            && s.parse::<lettre::Address>().is_ok()
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            && s.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty()
                    && host.contains('.')
                    && !host.starts_with('.')
                    && !host.ends_with('.')
            });
        if !shaped {
            return Err(Error::invalid(
                ErrorCode::InvalidEmail,
                "email is not a valid address",
            ));
        }
        Ok(Email(s.to_string()))
    }
}

impl Phone {
    pub fn parse(s: &str) -> Result<Phone> {
        let s = s.trim();
        let digits = s.chars().filter(char::is_ascii_digit).count();
        if s.len() > 30
            || !(6..=15).contains(&digits)
            || !s.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
        {
            return Err(Error::invalid(
                ErrorCode::InvalidPhone,
                "phone: 6–15 digits, with + - ( ) or spaces",
            ));
        }
        Ok(Phone(s.to_string()))
    }
}

impl Reason {
    pub fn parse(s: &str) -> Result<Reason> {
        let s = s.trim();
        if s.is_empty()
            || s.chars().count() > MAX_REASON
            || s.chars().any(|c| c.is_control() && c != '\n')
        {
            return Err(Error::invalid(
                ErrorCode::InvalidReason,
                format!("a reason of 1–{MAX_REASON} characters is needed"),
            ));
        }
        Ok(Reason(s.to_string()))
    }
}

impl NoteText {
    pub fn parse(s: &str) -> Result<NoteText> {
        let s = s.trim();
        if s.is_empty() || s.chars().count() > MAX_NOTE {
            return Err(Error::invalid(
                ErrorCode::InvalidNote,
                format!("a note needs 1–{MAX_NOTE} characters"),
            ));
        }
        Ok(NoteText(s.to_string()))
    }
}

impl Username {
    pub fn parse(s: &str) -> Result<Username> {
        let s = s.trim();
        if s.is_empty()
            || s.chars().count() > 100
            || s.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::invalid(
                ErrorCode::InvalidUsername,
                "user names are 1–100 characters without spaces",
            ));
        }
        Ok(Username(s.to_string()))
    }
}

/// The rule for the ids of the office file: 1–`MAX_ID` of `a-z`, `0-9`,
/// `-`, `_`. The office file's services and booths are checked with it
/// too, so a string it refuses names nothing.
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_ID
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Longest service or booth id.
pub const MAX_ID: usize = 40;

impl ServiceId {
    /// A string that is no id is answered as an unknown service (400
    /// `unknown_service`), as the engine answers one the office lacks.
    pub fn parse(s: &str) -> Result<ServiceId> {
        if !is_id(s) {
            return Err(EngineError::UnknownService(s.to_string()).into());
        }
        Ok(ServiceId(s.to_string()))
    }
}

impl BoothId {
    /// A string that is no id is answered as an unknown booth (404
    /// `unknown_booth`), as the engine answers one the office lacks.
    pub fn parse(s: &str) -> Result<BoothId> {
        if !is_id(s) {
            return Err(EngineError::UnknownBooth(s.to_string()).into());
        }
        Ok(BoothId(s.to_string()))
    }
}

impl DeviceName {
    pub fn parse(s: &str) -> Result<DeviceName> {
        let s = s.trim();
        if s.is_empty() || s.chars().count() > 100 || s.chars().any(char::is_control) {
            return Err(Error::invalid(
                ErrorCode::InvalidName,
                "device names are 1–100 characters",
            ));
        }
        Ok(DeviceName(s.to_string()))
    }
}

/// Text without control characters (line breaks allowed when `newlines`),
/// with at least one visible character.
pub(crate) fn text_schema(max: usize, newlines: bool) -> Value {
    let any = if newlines {
        r"[^\u0000-\u0009\u000b-\u001f\u007f-\u009f]".to_string()
    } else {
        format!("[^{CONTROL}]")
    };
    json!({
        "minLength": 1,
        "maxLength": max,
        "pattern": format!(r"^{any}*[^\s{CONTROL}]{any}*$"),
    })
}

impl Documented for VisitorName {
    fn schema() -> Value {
        text_schema(MAX_NAME, false)
    }
}

impl Documented for Reason {
    fn schema() -> Value {
        text_schema(MAX_REASON, true)
    }
}

impl Documented for NoteText {
    fn schema() -> Value {
        text_schema(MAX_NOTE, true)
    }
}

/// The id rule as a schema (`is_id`).
fn id_schema() -> Value {
    json!({ "minLength": 1, "maxLength": MAX_ID, "pattern": "^[a-z0-9_-]+$" })
}

impl Documented for ServiceId {
    fn schema() -> Value {
        id_schema()
    }
}

impl Documented for BoothId {
    fn schema() -> Value {
        id_schema()
    }
}

impl Documented for DeviceName {
    fn schema() -> Value {
        text_schema(100, false)
    }
}

impl Documented for Username {
    fn schema() -> Value {
        json!({ "minLength": 1, "maxLength": 100, "pattern": format!(r"^[^\s{CONTROL}]+$") })
    }
}

impl Documented for Password {
    fn schema() -> Value {
        json!({ "minLength": 8, "maxLength": 1024 })
    }
}

impl Documented for Email {
    fn schema() -> Value {
        // user@host.domain in the plain form most addresses have (stricter
        // than the rule, which lettre decides: short local part, dotted host).
        json!({
            "format": "email",
            "maxLength": 254,
            "pattern": r"^[A-Za-z0-9_%+-]{1,30}(\.[A-Za-z0-9_%+-]{1,16}){0,2}@[A-Za-z0-9]([A-Za-z0-9-]{0,20}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,20}[A-Za-z0-9])?){1,4}$",
        })
    }
}

impl Documented for Phone {
    fn schema() -> Value {
        json!({ "maxLength": 30, "pattern": r"^[ +()-]*([0-9][ +()-]*){6,15}$" })
    }
}

impl Documented for StaffRole {
    fn schema() -> Value {
        json!({ "enum": ["staff", "admin"] })
    }
}

impl Documented for DeviceRole {
    fn schema() -> Value {
        json!({ "enum": ["kiosk", "board"] })
    }
}

impl Documented for Language {
    fn schema() -> Value {
        json!({ "enum": messages::LANGUAGES })
    }
}

impl Documented for IdempotencyKey {
    fn schema() -> Value {
        json!({ "minLength": 1, "maxLength": 100, "pattern": "^[!-~]+$" })
    }
}

text_type!(
    /// A kiosk's idempotency key: 1–100 printable ASCII characters.
    IdempotencyKey
);

impl IdempotencyKey {
    pub fn parse(s: &str) -> Result<IdempotencyKey> {
        let s = s.trim();
        if s.is_empty() || s.len() > 100 || !s.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::invalid(
                ErrorCode::InvalidIdempotencyKey,
                "idempotency_key must be 1–100 printable ASCII characters",
            ));
        }
        Ok(IdempotencyKey(s.to_string()))
    }
}

/// A new password: 8–1024 characters. Not `Debug`-printable.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(s: &str) -> Result<Password> {
        if s.chars().count() < 8 || s.chars().count() > 1024 {
            return Err(Error::invalid(
                ErrorCode::InvalidPassword,
                "passwords need 8 to 1024 characters",
            ));
        }
        Ok(Password(s.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

/// What a staff account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffRole {
    Staff,
    Admin,
}

impl StaffRole {
    pub fn parse(s: &str) -> Result<StaffRole> {
        match s {
            "staff" => Ok(StaffRole::Staff),
            "admin" => Ok(StaffRole::Admin),
            _ => Err(Error::invalid(
                ErrorCode::InvalidRole,
                "role must be staff or admin",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Staff => "staff",
            StaffRole::Admin => "admin",
        }
    }
}

/// What a device token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceRole {
    Kiosk,
    Board,
}

impl DeviceRole {
    pub fn parse(s: &str) -> Result<DeviceRole> {
        match s {
            "kiosk" => Ok(DeviceRole::Kiosk),
            "board" => Ok(DeviceRole::Board),
            _ => Err(Error::invalid(
                ErrorCode::InvalidRole,
                "role must be kiosk or board",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DeviceRole::Kiosk => "kiosk",
            DeviceRole::Board => "board",
        }
    }
}

/// A visitor language the catalogue has (any of `messages::LANGUAGES`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language(&'static str);

impl Language {
    pub fn parse(s: &str) -> Result<Language> {
        messages::language::parse(s).map(Language).ok_or_else(|| {
            Error::invalid(
                ErrorCode::InvalidLanguage,
                format!("language: one of {}", messages::LANGUAGES.join(", ")),
            )
        })
    }

    /// An optional language field: absent stays absent, anything else
    /// must be one of ours.
    pub fn parse_optional(s: Option<&str>) -> Result<Option<Language>> {
        s.map(Language::parse).transpose()
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }
}

/// A booking's contact details. The API takes each one as optional and
/// checks what is given; the visitor's booking form also needs a name and
/// a phone number or an e-mail address (`Contact::parse_form`). Both
/// rules are here, side by side.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contact {
    pub name: Option<VisitorName>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
}

/// What is wrong with a contact field on the booking form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactProblem {
    /// The form needs a name.
    NameMissing,
    /// Too long, or control characters.
    Name,
    /// The form needs a phone number or an e-mail address.
    NoWayToReach,
    Phone,
    Email,
}

impl ContactProblem {
    /// The form field the problem is shown next to.
    pub fn field(self) -> &'static str {
        match self {
            ContactProblem::NameMissing | ContactProblem::Name => "name",
            ContactProblem::NoWayToReach | ContactProblem::Phone => "phone",
            ContactProblem::Email => "email",
        }
    }
}

impl Contact {
    /// The API's rule: every field optional; blank is absent.
    pub fn parse(name: Option<&str>, email: Option<&str>, phone: Option<&str>) -> Result<Contact> {
        Ok(Contact {
            name: present(name).map(VisitorName::parse).transpose()?,
            email: present(email).map(Email::parse).transpose()?,
            phone: present(phone).map(Phone::parse).transpose()?,
        })
    }

    /// The booking form's rule: the API's, plus a name and a way to reach
    /// the visitor. Every problem is reported, each with its field.
    pub fn parse_form(
        name: &str,
        email: &str,
        phone: &str,
    ) -> std::result::Result<Contact, Vec<ContactProblem>> {
        let mut problems = Vec::new();
        let name = match present(Some(name)) {
            None => {
                problems.push(ContactProblem::NameMissing);
                None
            }
            Some(n) => VisitorName::parse(n)
                .map_err(|_| problems.push(ContactProblem::Name))
                .ok(),
        };
        let (email, phone) = (present(Some(email)), present(Some(phone)));
        if email.is_none() && phone.is_none() {
            problems.push(ContactProblem::NoWayToReach);
        }
        let phone = phone.and_then(|p| {
            Phone::parse(p)
                .map_err(|_| problems.push(ContactProblem::Phone))
                .ok()
        });
        let email = email.and_then(|e| {
            Email::parse(e)
                .map_err(|_| problems.push(ContactProblem::Email))
                .ok()
        });
        if problems.is_empty() {
            Ok(Contact { name, email, phone })
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code<T: std::fmt::Debug>(r: Result<T>) -> ErrorCode {
        r.expect_err("refused").code()
    }

    #[test]
    fn ids_follow_the_office_file_rule_and_a_bad_one_names_nothing() {
        assert_eq!(
            BoothId::parse("2f-east_1").map(|b| b.0).ok(),
            Some("2f-east_1".into())
        );
        assert_eq!(
            ServiceId::parse("shomei").map(|s| s.0).ok(),
            Some("shomei".into())
        );
        for bad in ["", "Shomei", "窓口", "a b", "a/b", &"x".repeat(MAX_ID + 1)] {
            let booth = BoothId::parse(bad).expect_err(bad);
            assert_eq!(
                (booth.status().as_u16(), booth.code()),
                (404, ErrorCode::UnknownBooth)
            );
            let service = ServiceId::parse(bad).expect_err(bad);
            assert_eq!(
                (service.status().as_u16(), service.code()),
                (400, ErrorCode::UnknownService)
            );
        }
        assert!(is_id(&"x".repeat(MAX_ID)));
    }

    #[test]
    fn each_field_has_one_rule_and_one_code() {
        assert_eq!(
            VisitorName::parse("  山田 花子 ").ok().map(|n| n.0),
            Some("山田 花子".to_string())
        );
        assert_eq!(
            code(VisitorName::parse(&"あ".repeat(101))),
            ErrorCode::InvalidName
        );
        assert_eq!(code(VisitorName::parse("a\u{7}b")), ErrorCode::InvalidName);
        assert!(Email::parse("hanako@example.jp").is_ok());
        for bad in ["hanako", "a@b", "a@.b.jp", "a b@example.jp", "@example.jp"] {
            assert_eq!(code(Email::parse(bad)), ErrorCode::InvalidEmail, "{bad}");
        }
        assert!(Phone::parse("090-1234-5678").is_ok());
        assert!(Phone::parse("+81 (3) 1234 5678").is_ok());
        for bad in ["12345", "090-1234-5678-9999-1", "tel 090"] {
            assert_eq!(code(Phone::parse(bad)), ErrorCode::InvalidPhone, "{bad}");
        }
        assert_eq!(
            Reason::parse(" 窓口の都合\n").map(|r| r.0).ok(),
            Some("窓口の都合".into())
        );
        assert_eq!(code(Reason::parse("  ")), ErrorCode::InvalidReason);
        assert_eq!(
            code(Reason::parse(&"x".repeat(501))),
            ErrorCode::InvalidReason
        );
        assert_eq!(code(NoteText::parse("")), ErrorCode::InvalidNote);
        assert_eq!(
            Username::parse("  sato ").map(|u| u.0).ok(),
            Some("sato".into())
        );
        assert_eq!(
            code(Username::parse("sato taro")),
            ErrorCode::InvalidUsername
        );
        assert_eq!(code(Password::parse("short")), ErrorCode::InvalidPassword);
        assert!(Password::parse("long enough").is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("long enough").ok()),
            "Some(Password(…))"
        );
        assert_eq!(code(StaffRole::parse("root")), ErrorCode::InvalidRole);
        assert_eq!(code(DeviceRole::parse("printer")), ErrorCode::InvalidRole);
        assert_eq!(code(DeviceName::parse("")), ErrorCode::InvalidName);
        assert_eq!(Language::parse("ko").map(Language::as_str).ok(), Some("ko"));
        assert_eq!(code(Language::parse("xx")), ErrorCode::InvalidLanguage);
        assert_eq!(Language::parse_optional(None).ok(), Some(None));
    }

    #[test]
    fn the_form_asks_more_of_a_contact_than_the_api() {
        assert_eq!(
            Contact::parse(None, Some(" "), None).ok(),
            Some(Contact::default())
        );
        assert!(Contact::parse(None, None, Some("090-1111-2222")).is_ok());
        assert_eq!(
            Contact::parse_form("", "", ""),
            Err(vec![
                ContactProblem::NameMissing,
                ContactProblem::NoWayToReach
            ])
        );
        assert_eq!(
            Contact::parse_form("山田", "not-an-address", "12"),
            Err(vec![ContactProblem::Phone, ContactProblem::Email])
        );
        let ok = Contact::parse_form("山田", "", "090-1111-2222").expect("ok");
        assert_eq!(ok.phone.as_deref(), Some("090-1111-2222"));
        assert_eq!(ContactProblem::NoWayToReach.field(), "phone");
    }
}

//! The family's details for the pre-filled forms (書かない窓口): the wire
//! form parsed into checked values, each problem naming its field. Pure:
//! today's date is given.
//!
//! Every field is optional (blank is absent); what is given must be right:
//! names and addresses of sensible length without control characters,
//! readings in full-width katakana, dates that exist and come in order, a
//! phone number, a known account kind and seven account digits.

use chrono::NaiveDate;
use protocol::{ApplicantDetails, DeceasedDetails, ErrorCode, FamilyDetails, RefundAccount};
use serde_json::{Value, json};

use crate::error::Error;
use crate::rules::input::{Documented, Phone, present, text_schema};

/// Longest name, in characters.
pub const MAX_NAME: usize = 60;
/// Longest address, in characters.
pub const MAX_ADDRESS: usize = 200;
/// Longest relationship (妻, 長男 …), bank or branch name, in characters.
pub const MAX_SHORT: usize = 40;
/// Digits of a Japanese bank account number.
pub const ACCOUNT_DIGITS: usize = 7;
/// No one on a form was born before this.
const EARLIEST_BIRTH: (i32, u32, u32) = (1880, 1, 1);
/// Account kinds, as sent: 普通, 当座, 貯蓄.
pub const ACCOUNT_KINDS: [&str; 3] = ["ordinary", "current", "savings"];

/// What is wrong with one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    TooLong(usize),
    ControlCharacters,
    NotKatakana,
    NotADate,
    BornTooEarly,
    DiedBeforeBirth,
    DiedInTheFuture,
    NotAPhoneNumber,
    UnknownAccountKind,
    NotAccountDigits,
    /// Blank, but a form of the family's checklist needs it.
    Missing,
}

impl Problem {
    /// The message catalogue's key for the booking and reservation pages.
    pub fn message_id(self) -> &'static str {
        match self {
            Problem::TooLong(_) => "details-error-too_long",
            Problem::ControlCharacters => "details-error-control",
            Problem::NotKatakana => "details-error-katakana",
            Problem::NotADate => "details-error-date",
            Problem::BornTooEarly => "details-error-born_too_early",
            Problem::DiedBeforeBirth => "details-error-died_before_birth",
            Problem::DiedInTheFuture => "details-error-died_in_future",
            Problem::NotAPhoneNumber => "details-error-phone",
            Problem::UnknownAccountKind => "details-error-account_kind",
            Problem::NotAccountDigits => "details-error-account_digits",
            Problem::Missing => "details-error-missing",
        }
    }

    fn explain(self) -> String {
        match self {
            Problem::TooLong(n) => format!("at most {n} characters"),
            Problem::ControlCharacters => "no control characters".into(),
            Problem::NotKatakana => "full-width katakana only (ヤマダ タロウ)".into(),
            Problem::NotADate => "a date that exists, as YYYY-MM-DD".into(),
            Problem::BornTooEarly => "a birth date from 1880 on".into(),
            Problem::DiedBeforeBirth => "the date of death is before the date of birth".into(),
            Problem::DiedInTheFuture => "the date of death is after today".into(),
            Problem::NotAPhoneNumber => {
                "a phone number: 6–15 digits, with + - ( ) or spaces".into()
            }
            Problem::UnknownAccountKind => {
                format!("one of {}", ACCOUNT_KINDS.join(", "))
            }
            Problem::NotAccountDigits => format!("exactly {ACCOUNT_DIGITS} digits"),
            Problem::Missing => "a form of the family's checklist needs this field".into(),
        }
    }
}

/// A problem and the field it is in (`deceased.kana`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub problem: Problem,
}

impl FieldProblem {
    /// The API's answer: 400 `invalid_details`, naming the field.
    pub fn into_error(self) -> Error {
        Error::InvalidField {
            code: ErrorCode::InvalidDetails,
            field: format!("details.{}", self.field),
            message: format!("details.{}: {}", self.field, self.problem.explain()),
        }
    }
}

/// Checked details, normalised (trimmed; blank fields and empty groups
/// dropped). Kept as the wire type: it is what is sealed, stored and
/// filled into forms.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Details(FamilyDetails);

impl Details {
    /// Details that were checked when they were stored (sealed since).
    pub fn trusted(d: FamilyDetails) -> Details {
        Details(d)
    }

    pub fn get(&self) -> &FamilyDetails {
        &self.0
    }

    pub fn into_inner(self) -> FamilyDetails {
        self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0 == FamilyDetails::default()
    }

    /// Checks every field; all problems are reported, in field order.
    pub fn parse(d: &FamilyDetails, today: NaiveDate) -> Result<Details, Vec<FieldProblem>> {
        let mut c = Checker::default();
        let deceased = d.deceased.as_ref().map(|x| {
            let birth = c.date("deceased.birth_date", &x.birth_date);
            let death = c.date("deceased.death_date", &x.death_date);
            if let Some((b, _)) = birth
                && b < NaiveDate::from_ymd_opt(EARLIEST_BIRTH.0, EARLIEST_BIRTH.1, EARLIEST_BIRTH.2)
                    .unwrap_or(NaiveDate::MIN)
            {
                c.fail("deceased.birth_date", Problem::BornTooEarly);
            }
            if let Some((dd, _)) = death {
                if dd > today {
                    c.fail("deceased.death_date", Problem::DiedInTheFuture);
                } else if birth.as_ref().is_some_and(|(b, _)| dd < *b) {
                    c.fail("deceased.death_date", Problem::DiedBeforeBirth);
                }
            }
            DeceasedDetails {
                name: c.text("deceased.name", &x.name, MAX_NAME),
                kana: c.kana("deceased.kana", &x.kana),
                birth_date: birth.map(|(_, s)| s),
                death_date: death.map(|(_, s)| s),
                address: c.text("deceased.address", &x.address, MAX_ADDRESS),
            }
        });
        let applicant = d.applicant.as_ref().map(|x| ApplicantDetails {
            name: c.text("applicant.name", &x.name, MAX_NAME),
            kana: c.kana("applicant.kana", &x.kana),
            address: c.text("applicant.address", &x.address, MAX_ADDRESS),
            phone: c.phone("applicant.phone", &x.phone),
            relationship: c.text("applicant.relationship", &x.relationship, MAX_SHORT),
        });
        let refund_account = d.refund_account.as_ref().map(|x| RefundAccount {
            bank: c.text("refund_account.bank", &x.bank, MAX_SHORT),
            branch: c.text("refund_account.branch", &x.branch, MAX_SHORT),
            kind: c.account_kind("refund_account.kind", &x.kind),
            number: c.account_number("refund_account.number", &x.number),
            holder_kana: c.kana("refund_account.holder_kana", &x.holder_kana),
        });
        if !c.problems.is_empty() {
            return Err(c.problems);
        }
        Ok(Details(FamilyDetails {
            deceased: deceased.filter(|x| *x != DeceasedDetails::default()),
            applicant: applicant.filter(|x| *x != ApplicantDetails::default()),
            refund_account: refund_account.filter(|x| *x != RefundAccount::default()),
        }))
    }

    /// The value at a field path (`deceased.kana`), for a form's fields.
    pub fn field(&self, path: &str) -> Option<&str> {
        field_of(&self.0, path)
    }

    /// The fields of `needed` (paths of `FIELDS`) that are blank, in
    /// `FIELDS` order: a form of the family's checklist cannot do
    /// without them once the family gives details at all.
    pub fn missing(&self, needed: &[&str]) -> Vec<FieldProblem> {
        FIELDS
            .iter()
            .filter(|f| needed.contains(f) && self.field(f).is_none())
            .map(|f| FieldProblem {
                field: f,
                problem: Problem::Missing,
            })
            .collect()
    }
}

/// The value at a field path of unchecked details.
pub fn field_of<'a>(d: &'a FamilyDetails, path: &str) -> Option<&'a str> {
    let (group, leaf) = path.split_once('.')?;
    let v = match (group, leaf) {
        ("deceased", "name") => &d.deceased.as_ref()?.name,
        ("deceased", "kana") => &d.deceased.as_ref()?.kana,
        ("deceased", "birth_date") => &d.deceased.as_ref()?.birth_date,
        ("deceased", "death_date") => &d.deceased.as_ref()?.death_date,
        ("deceased", "address") => &d.deceased.as_ref()?.address,
        ("applicant", "name") => &d.applicant.as_ref()?.name,
        ("applicant", "kana") => &d.applicant.as_ref()?.kana,
        ("applicant", "address") => &d.applicant.as_ref()?.address,
        ("applicant", "phone") => &d.applicant.as_ref()?.phone,
        ("applicant", "relationship") => &d.applicant.as_ref()?.relationship,
        ("refund_account", "bank") => &d.refund_account.as_ref()?.bank,
        ("refund_account", "branch") => &d.refund_account.as_ref()?.branch,
        ("refund_account", "kind") => &d.refund_account.as_ref()?.kind,
        ("refund_account", "number") => &d.refund_account.as_ref()?.number,
        ("refund_account", "holder_kana") => &d.refund_account.as_ref()?.holder_kana,
        _ => return None,
    };
    v.as_deref().filter(|v| !v.trim().is_empty())
}

/// Sets the field at a path (`false` for a path that is none of `FIELDS`).
pub fn set_field(d: &mut FamilyDetails, path: &str, value: String) -> bool {
    let Some((group, leaf)) = path.split_once('.') else {
        return false;
    };
    let slot = match group {
        "deceased" => {
            let x = d.deceased.get_or_insert_with(Default::default);
            match leaf {
                "name" => &mut x.name,
                "kana" => &mut x.kana,
                "birth_date" => &mut x.birth_date,
                "death_date" => &mut x.death_date,
                "address" => &mut x.address,
                _ => return false,
            }
        }
        "applicant" => {
            let x = d.applicant.get_or_insert_with(Default::default);
            match leaf {
                "name" => &mut x.name,
                "kana" => &mut x.kana,
                "address" => &mut x.address,
                "phone" => &mut x.phone,
                "relationship" => &mut x.relationship,
                _ => return false,
            }
        }
        "refund_account" => {
            let x = d.refund_account.get_or_insert_with(Default::default);
            match leaf {
                "bank" => &mut x.bank,
                "branch" => &mut x.branch,
                "kind" => &mut x.kind,
                "number" => &mut x.number,
                "holder_kana" => &mut x.holder_kana,
                _ => return false,
            }
        }
        _ => return false,
    };
    *slot = Some(value);
    true
}

/// `old` with every field `new` gives (not blank) put over it: the
/// reservation page's "empty fields keep what you gave".
pub fn overlay(old: &FamilyDetails, new: &FamilyDetails) -> FamilyDetails {
    let mut out = old.clone();
    for path in FIELDS {
        if let Some(v) = field_of(new, path) {
            set_field(&mut out, path, v.to_string());
        }
    }
    out
}

/// The `FIELDS` entry for a path, if it is one.
pub fn known_field(path: &str) -> Option<&'static str> {
    FIELDS.iter().copied().find(|f| *f == path)
}

/// Every field path a form may name.
pub const FIELDS: [&str; 15] = [
    "deceased.name",
    "deceased.kana",
    "deceased.birth_date",
    "deceased.death_date",
    "deceased.address",
    "applicant.name",
    "applicant.kana",
    "applicant.address",
    "applicant.phone",
    "applicant.relationship",
    "refund_account.bank",
    "refund_account.branch",
    "refund_account.kind",
    "refund_account.number",
    "refund_account.holder_kana",
];

#[derive(Default)]
struct Checker {
    problems: Vec<FieldProblem>,
}

fn is_katakana(c: char) -> bool {
    // ァ–ヺ, ・, ー, ヽ, ヾ; a space between given and family name.
    matches!(c, '\u{30A1}'..='\u{30FE}' | ' ' | '\u{3000}')
}

impl Checker {
    fn fail(&mut self, field: &'static str, problem: Problem) {
        self.problems.push(FieldProblem { field, problem });
    }

    fn text(&mut self, field: &'static str, v: &Option<String>, max: usize) -> Option<String> {
        let v = present(v.as_deref())?;
        if v.chars().count() > max {
            self.fail(field, Problem::TooLong(max));
        } else if v.chars().any(char::is_control) {
            self.fail(field, Problem::ControlCharacters);
        }
        Some(v.to_string())
    }

    fn kana(&mut self, field: &'static str, v: &Option<String>) -> Option<String> {
        let v = present(v.as_deref())?;
        if v.chars().count() > MAX_NAME {
            self.fail(field, Problem::TooLong(MAX_NAME));
        } else if !v.chars().all(is_katakana) {
            self.fail(field, Problem::NotKatakana);
        }
        Some(v.to_string())
    }

    /// A date as sent and as parsed.
    fn date(&mut self, field: &'static str, v: &Option<String>) -> Option<(NaiveDate, String)> {
        let v = present(v.as_deref())?;
        let parsed = (v.len() == 10)
            .then(|| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
            .flatten();
        match parsed {
            Some(d) => Some((d, v.to_string())),
            None => {
                self.fail(field, Problem::NotADate);
                None
            }
        }
    }

    fn phone(&mut self, field: &'static str, v: &Option<String>) -> Option<String> {
        let v = present(v.as_deref())?;
        match Phone::parse(v) {
            Ok(p) => Some(p.into_string()),
            Err(_) => {
                self.fail(field, Problem::NotAPhoneNumber);
                None
            }
        }
    }

    fn account_kind(&mut self, field: &'static str, v: &Option<String>) -> Option<String> {
        let v = present(v.as_deref())?;
        if !ACCOUNT_KINDS.contains(&v) {
            self.fail(field, Problem::UnknownAccountKind);
        }
        Some(v.to_string())
    }

    fn account_number(&mut self, field: &'static str, v: &Option<String>) -> Option<String> {
        let v = present(v.as_deref())?;
        if v.len() != ACCOUNT_DIGITS || !v.bytes().all(|b| b.is_ascii_digit()) {
            self.fail(field, Problem::NotAccountDigits);
        }
        Some(v.to_string())
    }
}

/// The rule of each field as JSON Schema, beside the rules: `/openapi.json`
/// puts each on its property (schema name, property, rule). Stricter than
/// `parse` where `parse` trims.
pub fn field_schemas() -> Vec<(&'static str, &'static str, Value)> {
    let text = text_schema;
    let kana = || json!({ "minLength": 1, "maxLength": MAX_NAME, "pattern": "^[\u{30A1}-\u{30FE}\u{3000} ]+$" });
    let date = || json!({ "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" });
    vec![
        ("DeceasedDetails", "name", text(MAX_NAME, false)),
        ("DeceasedDetails", "kana", kana()),
        ("DeceasedDetails", "birth_date", date()),
        ("DeceasedDetails", "death_date", date()),
        ("DeceasedDetails", "address", text(MAX_ADDRESS, false)),
        ("ApplicantDetails", "name", text(MAX_NAME, false)),
        ("ApplicantDetails", "kana", kana()),
        ("ApplicantDetails", "address", text(MAX_ADDRESS, false)),
        ("ApplicantDetails", "phone", Phone::schema()),
        ("ApplicantDetails", "relationship", text(MAX_SHORT, false)),
        ("RefundAccount", "bank", text(MAX_SHORT, false)),
        ("RefundAccount", "branch", text(MAX_SHORT, false)),
        ("RefundAccount", "kind", json!({ "enum": ACCOUNT_KINDS })),
        (
            "RefundAccount",
            "number",
            json!({ "pattern": format!("^[0-9]{{{ACCOUNT_DIGITS}}}$") }),
        ),
        ("RefundAccount", "holder_kana", kana()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    fn full() -> FamilyDetails {
        FamilyDetails {
            deceased: Some(DeceasedDetails {
                name: some(" 山田 太郎 "),
                kana: some("ヤマダ タロウ"),
                birth_date: some("1940-04-01"),
                death_date: some("2026-11-28"),
                address: some("みどり市中央1-2-3"),
            }),
            applicant: Some(ApplicantDetails {
                name: some("山田 花子"),
                kana: some("ヤマダ　ハナコ"),
                address: some("みどり市中央1-2-3"),
                phone: some("090-1234-5678"),
                relationship: some("妻"),
            }),
            refund_account: Some(RefundAccount {
                bank: some("みどり銀行"),
                branch: some("中央支店"),
                kind: some("ordinary"),
                number: some("1234567"),
                holder_kana: some("ヤマダ ハナコ"),
            }),
        }
    }

    #[test]
    fn complete_details_pass_trimmed_and_every_field_is_reachable_by_path() {
        let d = Details::parse(&full(), today()).expect("valid");
        assert_eq!(d.field("deceased.name"), Some("山田 太郎"));
        for path in FIELDS {
            assert!(d.field(path).is_some(), "{path}");
        }
        assert_eq!(d.field("deceased.nothing"), None);
    }

    #[test]
    fn blank_fields_and_empty_groups_are_absent() {
        let d = FamilyDetails {
            deceased: Some(DeceasedDetails {
                name: some("  "),
                ..Default::default()
            }),
            applicant: None,
            refund_account: Some(RefundAccount::default()),
        };
        assert!(Details::parse(&d, today()).expect("valid").is_empty());
    }

    #[test]
    fn each_bad_field_is_named_and_all_are_reported() {
        let mut d = full();
        if let Some(x) = d.deceased.as_mut() {
            x.kana = some("やまだ たろう");
            x.birth_date = some("1940-02-30");
        }
        if let Some(x) = d.applicant.as_mut() {
            x.phone = some("call me");
            x.name = some(&"長".repeat(MAX_NAME + 1));
        }
        if let Some(x) = d.refund_account.as_mut() {
            x.kind = some("checking");
            x.number = some("123456");
            x.holder_kana = some("YAMADA");
        }
        let problems = Details::parse(&d, today()).expect_err("refused");
        let named: Vec<(&str, Problem)> = problems.iter().map(|p| (p.field, p.problem)).collect();
        assert_eq!(
            named,
            [
                ("deceased.birth_date", Problem::NotADate),
                ("deceased.kana", Problem::NotKatakana),
                ("applicant.name", Problem::TooLong(MAX_NAME)),
                ("applicant.phone", Problem::NotAPhoneNumber),
                ("refund_account.kind", Problem::UnknownAccountKind),
                ("refund_account.number", Problem::NotAccountDigits),
                ("refund_account.holder_kana", Problem::NotKatakana),
            ]
        );
        let e = problems[0].into_error();
        assert_eq!(e.code(), ErrorCode::InvalidDetails);
        assert_eq!(e.status().as_u16(), 400);
    }

    #[test]
    fn dates_must_come_in_order_and_not_after_today() {
        let with = |birth: &str, death: &str| {
            let mut d = full();
            if let Some(x) = d.deceased.as_mut() {
                x.birth_date = some(birth);
                x.death_date = some(death);
            }
            Details::parse(&d, today())
                .err()
                .map(|p| p.iter().map(|p| p.problem).collect::<Vec<_>>())
        };
        assert_eq!(with("1950-01-01", "2026-12-01"), None, "today is fine");
        assert_eq!(
            with("1950-01-01", "2026-12-02"),
            Some(vec![Problem::DiedInTheFuture])
        );
        assert_eq!(
            with("1950-01-02", "1950-01-01"),
            Some(vec![Problem::DiedBeforeBirth])
        );
        assert_eq!(
            with("1879-12-31", "1950-01-01"),
            Some(vec![Problem::BornTooEarly])
        );
        assert_eq!(
            with("2026-1-5", "2026-11-01"),
            Some(vec![Problem::NotADate])
        );
    }

    #[test]
    fn fields_a_form_needs_are_missing_when_blank_and_overlay_keeps_what_is_not_given() {
        let mut d = full();
        if let Some(x) = d.refund_account.as_mut() {
            x.number = None;
        }
        let d = Details::parse(&d, today()).expect("valid");
        let named: Vec<&str> = d
            .missing(&[
                "refund_account.number",
                "deceased.name",
                "refund_account.bank",
            ])
            .iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(named, ["refund_account.number"]);

        let mut new = FamilyDetails::default();
        assert!(set_field(
            &mut new,
            "refund_account.number",
            "7654321".into()
        ));
        assert!(set_field(&mut new, "deceased.name", "  ".into()));
        assert!(!set_field(&mut new, "deceased.nothing", "x".into()));
        let merged = overlay(&full(), &new);
        assert_eq!(field_of(&merged, "refund_account.number"), Some("7654321"));
        assert_eq!(
            field_of(&merged, "deceased.name"),
            Some(" 山田 太郎 "),
            "blank keeps"
        );
        assert_eq!(known_field("applicant.kana"), Some("applicant.kana"));
        assert_eq!(known_field("applicant"), None);
    }
}

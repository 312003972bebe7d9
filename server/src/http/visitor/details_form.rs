//! The family's details on the visitor pages (書かない窓口): the booking
//! form and the reservation page's change form show the same fieldsets,
//! one per group, each field with its label, its hint and its problem.
//! Form fields are named `d.<path>` (`d.deceased.kana`) after
//! `rules::details::FIELDS`; the rules themselves are the app's.

use std::collections::HashMap;

use maud::{Markup, html};
use messages::{Arg, Catalogue};
use protocol::FamilyDetails;

use super::catalogue;
use crate::rules::details::{ACCOUNT_KINDS, FIELDS, FieldProblem, Problem, field_of, set_field};

/// Problems by form field name, each shown next to its field.
pub(super) type Errors = HashMap<String, String>;

/// The id of a field's reason: `err-` and its name, dots as dashes (so
/// CSS selectors need no escaping).
fn error_id(key: &str) -> String {
    format!("err-{}", key.replace('.', "-"))
}

/// The reason under a field, referred to by its `aria-describedby`.
pub(super) fn field_error(errors: &Errors, key: &str) -> Markup {
    html! {
        @if let Some(m) = errors.get(key) {
            p.field-error id=(error_id(key)) role="alert" { (m) }
        }
    }
}

/// `aria-describedby` of a field with a problem (its reason's id).
pub(super) fn described(errors: &Errors, key: &str) -> Option<String> {
    errors.contains_key(key).then(|| error_id(key))
}

const GROUPS: [&str; 3] = ["deceased", "applicant", "refund_account"];

fn name_of(path: &str) -> String {
    format!("d.{path}")
}

/// The HTML id of a field (`d-deceased-kana`): no dots, so CSS selectors
/// need no escaping.
fn id_of(path: &str) -> String {
    format!("d-{}", path.replace('.', "-"))
}

/// The catalogue id of a field's label (`details-deceased-kana`).
fn label_id(path: &str) -> String {
    format!("details-{}", path.replace('.', "-"))
}

/// What a phone keyboard or an IME types, as the rules read it: full-width
/// digits and dashes in dates, numbers and phones; hiragana in readings
/// becomes katakana (the family need not switch the IME).
fn as_typed(path: &str, v: &str) -> String {
    let v = v.trim();
    if path.ends_with("kana") {
        return v
            .chars()
            .map(|c| match c {
                '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
                c => c,
            })
            .collect();
    }
    if path.ends_with("_date") || path.ends_with("number") || path.ends_with("phone") {
        return v
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '－' | 'ー' | '−' | '‐' => '-',
                '（' => '(',
                '）' => ')',
                '＋' => '+',
                '\u{3000}' => ' ',
                c => c,
            })
            .collect();
    }
    v.to_string()
}

/// The details a form sent (blank fields absent).
pub(super) fn from_form(form: &HashMap<String, String>) -> FamilyDetails {
    let mut d = FamilyDetails::default();
    for path in FIELDS {
        if let Some(v) = form.get(&name_of(path)) {
            let v = as_typed(path, v);
            if !v.is_empty() {
                set_field(&mut d, path, v);
            }
        }
    }
    d
}

/// The details as hidden fields, carried from the form to the booking.
pub(super) fn hidden(d: &FamilyDetails) -> Markup {
    html! {
        @for path in FIELDS {
            @if let Some(v) = field_of(d, path) {
                input type="hidden" name=(name_of(path)) value=(v);
            }
        }
    }
}

/// Each problem's reason in the visitor's language, by form field name.
pub(super) fn errors_of(lang: &str, problems: &[FieldProblem]) -> Errors {
    let c = catalogue();
    let mut out = Errors::new();
    for p in problems {
        let max = match p.problem {
            Problem::TooLong(n) => i64::try_from(n).unwrap_or(i64::MAX),
            _ => 0,
        };
        out.entry(name_of(p.field))
            .or_insert_with(|| c.marked(lang, p.problem.message_id(), &[("max", Arg::Num(max))]));
    }
    out
}

fn hint_id(path: &str) -> Option<String> {
    const OWN_HINTS: [&str; 8] = [
        "deceased.name",
        "deceased.address",
        "applicant.address",
        "applicant.phone",
        "applicant.relationship",
        "refund_account.bank",
        "refund_account.number",
        "refund_account.holder_kana",
    ];
    if OWN_HINTS.contains(&path) {
        Some(format!("{}-hint", label_id(path)))
    } else if path.ends_with("kana") {
        Some("details-kana-hint".into())
    } else if path.ends_with("_date") {
        Some("details-date-hint".into())
    } else {
        None
    }
}

/// The browser's help for a field: what autofill may offer (never the
/// visitor's own data for the deceased) and which keyboard.
fn input_kind(path: &str) -> (&'static str, Option<&'static str>, Option<&'static str>) {
    match path {
        "applicant.name" => ("name", None, None),
        "applicant.address" => ("street-address", None, None),
        "applicant.phone" => ("tel", Some("tel"), None),
        "refund_account.number" => ("off", Some("numeric"), Some("7")),
        p if p.ends_with("_date") => ("off", Some("numeric"), Some("10")),
        _ => ("off", None, None),
    }
}

fn one_field(c: &Catalogue, lang: &str, path: &str, value: &str, errors: &Errors) -> Markup {
    let key = name_of(path);
    let id = id_of(path);
    let hint = hint_id(path).map(|h| (format!("{id}-hint"), c.marked(lang, &h, &[])));
    // The hint and, when there is one, the problem describe the field.
    let describedby = [
        hint.as_ref().map(|(hid, _)| hid.clone()),
        described(errors, &key),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let invalid = errors.contains_key(&key).then_some("true");
    let (autocomplete, inputmode, maxlength) = input_kind(path);
    html! {
        div.field {
            label for=(id) { (c.marked(lang, &label_id(path), &[])) }
            @if let Some((hid, text)) = &hint {
                span.muted.hint id=(hid) { (text) }
            }
            @if path == "refund_account.kind" {
                select id=(id) name=(key) aria-invalid=[invalid]
                    aria-describedby=[(!describedby.is_empty()).then_some(&describedby)] {
                    option value="" selected[value.is_empty()] { (c.marked(lang, "details-kind-choose", &[])) }
                    @for kind in ACCOUNT_KINDS {
                        option value=(kind) selected[value == kind] { (c.marked(lang, &format!("details-kind-{kind}"), &[])) }
                    }
                }
            } @else {
                input id=(id) name=(key) value=(value) autocomplete=(autocomplete)
                    inputmode=[inputmode] maxlength=[maxlength]
                    placeholder=[path.ends_with("_date").then_some("1940-04-01")]
                    aria-invalid=[invalid]
                    aria-describedby=[(!describedby.is_empty()).then_some(&describedby)];
            }
            (field_error(errors, &key))
        }
    }
}

/// The three groups of fields, filled with `d` (the visitor's last entry).
pub(super) fn fieldsets(lang: &str, d: &FamilyDetails, errors: &Errors) -> Markup {
    let c = catalogue();
    html! {
        @for group in GROUPS {
            fieldset.details id={ "details-" (group) } {
                legend { (c.marked(lang, &format!("details-{group}"), &[])) }
                @if group == "refund_account" {
                    p.muted { (c.marked(lang, "details-refund_account-hint", &[])) }
                }
                @for path in FIELDS.iter().filter(|p| p.starts_with(group) && p.as_bytes().get(group.len()) == Some(&b'.')) {
                    (one_field(c, lang, path, field_of(d, path).unwrap_or(""), errors))
                }
            }
        }
    }
}

/// The details as the confirmation shows them (`dt`/`dd` pairs), or
/// "to be given later" when there are none.
pub(super) fn summary(lang: &str, d: &FamilyDetails) -> Markup {
    let c = catalogue();
    let shown = |path: &str, v: &str| {
        if path == "refund_account.kind" {
            c.marked(lang, &format!("details-kind-{v}"), &[])
        } else {
            v.to_string()
        }
    };
    let given: Vec<&str> = FIELDS
        .iter()
        .copied()
        .filter(|p| field_of(d, p).is_some())
        .collect();
    html! {
        dt { (c.marked(lang, "details-title", &[])) }
        @if given.is_empty() {
            dd #details-later { (c.marked(lang, "details-later", &[])) }
        } @else {
            dd { "" }
            @for path in given {
                dt.sub { (c.marked(lang, &format!("details-{}", path.split('.').next().unwrap_or("")), &[])) " · " (c.marked(lang, &label_id(path), &[])) }
                dd id={ "confirm-" (id_of(path)) } { (shown(path, field_of(d, path).unwrap_or(""))) }
            }
        }
    }
}

/// The groups given, as the reservation page names them.
pub(super) fn groups_given(lang: &str, r: &protocol::DetailsReceipt) -> String {
    let c = catalogue();
    [
        (r.deceased, "deceased"),
        (r.applicant, "applicant"),
        (r.refund_account, "refund_account"),
    ]
    .iter()
    .filter(|(given, _)| *given)
    .map(|(_, g)| c.marked(lang, &format!("details-{g}"), &[]))
    .collect::<Vec<_>>()
    .join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_phone_keyboard_types_is_read_as_the_rules_expect() {
        assert_eq!(
            as_typed("deceased.kana", " やまだ たろう "),
            "ヤマダ タロウ"
        );
        assert_eq!(
            as_typed("deceased.birth_date", "１９４０－０４－０１"),
            "1940-04-01"
        );
        assert_eq!(
            as_typed("refund_account.number", "１２３４５６７"),
            "1234567"
        );
        assert_eq!(as_typed("deceased.name", "山田　太郎"), "山田　太郎");
        let mut form = HashMap::new();
        form.insert("d.deceased.kana".to_string(), "やまだ".to_string());
        form.insert("d.applicant.name".to_string(), "  ".to_string());
        form.insert("d.nothing".to_string(), "x".to_string());
        let d = from_form(&form);
        assert_eq!(field_of(&d, "deceased.kana"), Some("ヤマダ"));
        assert!(d.applicant.is_none(), "blank is absent");
    }
}

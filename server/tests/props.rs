//! Fuzzing by properties (runs in every CI run, bounded): the parsers that
//! face the outside — scanned codes, the office configuration, JSON request
//! bodies and questionnaire answers — never panic on any input, and accept
//! exactly what they should. Longer coverage-guided runs of the same
//! targets: `scripts/fuzz` (cargo-fuzz, nightly), see README.

use madoguchi_server::config::{DEMO_OFFICE_TOML, Office};
use madoguchi_server::rules::booking::{ScannedCode, parse_scanned_code};
use proptest::prelude::*;
use serde_json::Value;

/// Any JSON value, nested a few levels, with awkward strings and numbers.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,40}".prop_map(Value::String),
        prop_oneof![
            Just("okuyami"),
            Just("shomei"),
            Just("2026-12-01T10:30:00+09:00"),
            Just("a@example.jp"),
            Just(""),
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    "[a-z_]{1,12}",
                    Just("service".to_string()),
                    Just("start".to_string()),
                    Just("email".to_string()),
                    Just("services".to_string()),
                    Just("idempotency_key".to_string()),
                    Just("code".to_string()),
                    Just("answers".to_string()),
                    Just("ahead".to_string()),
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{43}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Whatever a scanner sends, the parser answers; a reservation it
    /// accepts is a well-formed token taken from the input.
    #[test]
    fn scanned_codes_never_panic(code in "\\PC{0,600}") {
        if let Some(ScannedCode::Reservation(t)) = parse_scanned_code(&code) {
            prop_assert!(madoguchi_server::tokens::looks_like_token(&t));
            prop_assert!(code.contains(&t));
        }
    }

    /// A reservation link, however dressed (host, whitespace, trailing
    /// slash, query or fragment), reads back as its token.
    #[test]
    fn reservation_links_read_back(
        tok in token(),
        host in prop_oneof![Just(""), Just("http://127.0.0.1:8080"), Just("https://madoguchi.city.example.lg.jp")],
        pad in "[ \\t\\r\\n]{0,3}",
        tail in prop_oneof![Just(""), Just("/"), Just("?lang=en"), Just("#x"), Just("/?a=b#c")],
    ) {
        let code = format!("{pad}{host}/r/{tok}{tail}{pad}");
        prop_assert_eq!(parse_scanned_code(&code), Some(ScannedCode::Reservation(tok.clone())));
        let status = format!("{host}/t/{tok}{tail}");
        prop_assert_eq!(parse_scanned_code(&status), Some(ScannedCode::TicketStatus));
    }

    /// Garbage instead of a configuration is refused with lines, never a panic.
    #[test]
    fn any_text_as_config_never_panics(src in "\\PC{0,400}") {
        if let Err(e) = Office::parse(&src) {
            let lines = src.lines().count() + 1;
            for p in &e.0 {
                prop_assert!(p.line >= 1 && p.line <= lines, "line {} of {}", p.line, lines);
            }
        }
    }

    /// Every JSON body a client could send deserializes or is refused
    /// without a panic, and the questionnaire normalises any answers.
    #[test]
    fn json_bodies_never_panic(v in json()) {
        let _ = serde_json::from_value::<protocol::CreateReservation>(v.clone());
        let _ = serde_json::from_value::<protocol::WalkInRequest>(v.clone());
        let _ = serde_json::from_value::<protocol::CheckinRequest>(v.clone());
        let _ = serde_json::from_value::<protocol::NotifyRequest>(v.clone());
        let _ = serde_json::from_value::<protocol::TransferRequest>(v.clone());
        let _ = serde_json::from_value::<protocol::LoginRequest>(v.clone());
        let _ = serde_json::from_value::<protocol::ChecklistRequest>(v.clone());
        if let Value::Object(answers) = &v {
            let office = demo();
            for strict in [true, false] {
                if let Ok(a) = madoguchi_server::rules::checklist::normalize(&office.questionnaire, answers, strict) {
                    let _ = madoguchi_server::rules::checklist::checklist(&office.questionnaire, &a);
                }
            }
        }
    }

    /// Contact rules never panic and an accepted address is one the mail
    /// library can send to.
    #[test]
    fn contact_rules_never_panic(s in "\\PC{0,300}") {
        use madoguchi_server::rules::input::{Email, Phone, VisitorName};
        let _ = VisitorName::parse(&s);
        let _ = Phone::parse(&s);
        if let Ok(email) = Email::parse(&s) {
            prop_assert!(email.parse::<lettre::Address>().is_ok());
        }
        let _ = madoguchi_server::rules::input::Contact::parse_form(&s, &s, &s);
    }
}

fn demo() -> &'static Office {
    static DEMO: std::sync::OnceLock<Office> = std::sync::OnceLock::new();
    DEMO.get_or_init(Office::demo)
}

/// One edit of the demo configuration.
#[derive(Debug, Clone)]
enum Edit {
    DeleteLine(usize),
    DuplicateLine(usize),
    ReplaceChar(usize, char),
    Truncate(usize),
    SwapLines(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::DeleteLine),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (
            any::<usize>(),
            prop_oneof![
                Just('='),
                Just('"'),
                Just('['),
                Just(']'),
                Just('\n'),
                Just('#'),
                Just('-'),
                Just('9'),
                Just('あ'),
                Just(',')
            ]
        )
            .prop_map(|(i, c)| Edit::ReplaceChar(i, c)),
        any::<usize>().prop_map(Edit::Truncate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
    ]
}

fn apply(src: &str, e: &Edit) -> String {
    let mut lines: Vec<&str> = src.lines().collect();
    let n = lines.len().max(1);
    match *e {
        Edit::DeleteLine(i) => {
            lines.remove(i % n);
            lines.join("\n")
        }
        Edit::DuplicateLine(i) => {
            lines.insert(i % n, lines[i % n]);
            lines.join("\n")
        }
        Edit::SwapLines(a, b) => {
            lines.swap(a % n, b % n);
            lines.join("\n")
        }
        Edit::ReplaceChar(i, c) => {
            let chars: Vec<char> = src.chars().collect();
            let at = i % chars.len().max(1);
            chars
                .iter()
                .enumerate()
                .map(|(j, ch)| if j == at { c } else { *ch })
                .collect()
        }
        Edit::Truncate(i) => src.chars().take(i % (src.chars().count() + 1)).collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// A damaged demo office (lines lost, doubled, swapped, a character
    /// typed wrong, a file cut short) is parsed or refused with the lines
    /// of its problems — never a panic, never a problem on a line that
    /// does not exist.
    #[test]
    fn damaged_configs_never_panic(edits in prop::collection::vec(edit(), 1..4)) {
        let mut src = DEMO_OFFICE_TOML.to_string();
        for e in &edits {
            src = apply(&src, e);
        }
        match Office::parse(&src) {
            Ok(office) => prop_assert!(!office.services.is_empty()),
            Err(e) => {
                prop_assert!(!e.0.is_empty());
                let lines = src.lines().count() + 1;
                for p in &e.0 {
                    prop_assert!(p.line >= 1 && p.line <= lines, "line {} of {}: {}", p.line, lines, p.message);
                }
            }
        }
    }
}

#[test]
fn regression_inputs_stay_handled() {
    // Inputs found while writing these targets, kept so they stay handled.
    for code in ["/r/", "/t/", "/r/?", "\u{feff}/r/x", "/r/\u{0}"] {
        assert_eq!(parse_scanned_code(code), None, "{code:?}");
    }
}

/// `(name, schema of the field in /openapi.json, whether the server's rule
/// accepts a string)`.
type DocumentedRule = (&'static str, Value, fn(&str) -> bool);

/// Every text field whose rule the document states.
fn documented_rules() -> Vec<DocumentedRule> {
    use madoguchi_server::rules::input::*;
    vec![
        ("visitor name", VisitorName::schema(), |s| {
            VisitorName::parse(s).is_ok()
        }),
        ("email", Email::schema(), |s| Email::parse(s).is_ok()),
        ("phone", Phone::schema(), |s| Phone::parse(s).is_ok()),
        ("reason", Reason::schema(), |s| Reason::parse(s).is_ok()),
        ("note", NoteText::schema(), |s| NoteText::parse(s).is_ok()),
        ("user name", Username::schema(), |s| {
            Username::parse(s).is_ok()
        }),
        ("device name", DeviceName::schema(), |s| {
            DeviceName::parse(s).is_ok()
        }),
        ("idempotency key", IdempotencyKey::schema(), |s| {
            IdempotencyKey::parse(s).is_ok()
        }),
    ]
}

fn within_lengths(schema: &Value, s: &str) -> bool {
    let n = s.chars().count() as u64;
    schema["minLength"].as_u64().is_none_or(|min| n >= min)
        && schema["maxLength"].as_u64().is_none_or(|max| n <= max)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// What the document allows, the server accepts: strings generated
    /// from each field's documented pattern (and within its lengths) all
    /// pass the field's rule. The schemas may be stricter than the rules
    /// (they refuse blanks the rules trim), never looser.
    #[test]
    fn every_string_the_document_allows_is_accepted(seed in any::<u64>()) {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
        let mut runner = TestRunner::new_with_rng(
            Config::default(),
            TestRng::from_seed(RngAlgorithm::ChaCha, &{
                let mut b = [0u8; 32];
                b[..8].copy_from_slice(&seed.to_le_bytes());
                b
            }),
        );
        for (name, schema, accepts) in documented_rules() {
            let pattern = schema["pattern"].as_str().expect("a pattern");
            // Generation covers the whole string: the anchors go.
            let whole = pattern.trim_start_matches('^').trim_end_matches('$');
            let strategy = proptest::string::string_regex(whole).expect("the pattern parses");
            let s = strategy.new_tree(&mut runner).expect("a value").current();
            if within_lengths(&schema, &s) {
                prop_assert!(accepts(&s), "{name}: {s:?} matches {pattern} but is refused");
            }
        }
    }
}

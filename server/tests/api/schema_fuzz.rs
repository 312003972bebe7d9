//! API schema fuzzing: schemathesis (PyPI, installed by scripts/setup.sh)
//! generates requests from `/openapi.json` against the real server, with an
//! admin session and with a kiosk token, with every check: no 5xx, every
//! status and content type documented, every body matching its schema, and
//! the document exact both ways — a request it allows is accepted, one it
//! forbids is refused. Bounded in time; loopback only.

use std::process::Command;

use crate::helpers::*;

fn schemathesis() -> String {
    std::env::var("MADOGUCHI_SCHEMATHESIS").unwrap_or_else(|_| {
        format!(
            "{}/.cache/madoguchi/schemathesis/bin/schemathesis",
            std::env::var("HOME").unwrap_or_default()
        )
    })
}

/// The rules no schema can state: which instants are a procedure's slots
/// (`unknown_slot`), how long a date range may be (`range_too_long`,
/// `invalid_range`), whether a scanned code is a reservation's
/// (`malformed_code`: the field is whatever the scanner read). For these
/// operations a 400 is not a lie of the document; every other operation
/// must accept what it allows. Office routes may also answer 404: the
/// stateful phase fills `{office}` from links it infers, which can hand
/// it a whole office object instead of its id (`unknown_office`).
const CROSS_FIELD_RULES: &str = r#"
[[operations]]
include-name = "POST /api/v1/offices/{office}/reservations"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "404", "409", "429"]

[[operations]]
include-name = "POST /api/v1/offices/{office}/staff/reservations/{id}/move"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "404", "409", "429"]

[[operations]]
include-name = "GET /api/v1/offices/{office}/slots"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "404"]

[[operations]]
include-name = "POST /api/v1/offices/{office}/kiosk/checkin"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "404", "409", "429"]

[[operations]]
include-name = "GET /api/v1/offices/{office}/staff/stats"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "404"]

[[operations]]
include-name = "GET /api/v1/staff/stats"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400"]
"#;

/// Runs schemathesis; whether it warned that some operation answered it
/// only 401/403.
fn run(t: &TestApp, token: &str, extra: &[&str]) -> bool {
    let config = t.data.join("schemathesis.toml");
    std::fs::write(&config, CROSS_FIELD_RULES).expect("config");
    let out = Command::new(schemathesis())
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(t.url("/openapi.json"))
        .args(["-H", &format!("Authorization: Bearer {token}")])
        .args([
            "--checks",
            "all",
            "--max-time",
            "40",
            "--workers",
            "1",
            "--seed",
            "20261201",
            // The event stream never ends; the session route would log
            // the fuzzer out of its own session.
            "--exclude-path",
            "/api/v1/offices/{office}/events",
            "--exclude-path",
            "/api/v1/session",
        ])
        .args(extra)
        .env("NO_COLOR", "1")
        // Its cache goes to the working directory: keep it out of the clone.
        .current_dir(&t.data)
        .output()
        .unwrap_or_else(|e| {
            panic!("schemathesis not found ({e}): run scripts/test, which installs it (PyPI)")
        });
    let text = String::from_utf8_lossy(&out.stdout);
    let summary: String = text
        .lines()
        .skip_while(|l| !l.contains("SUMMARY"))
        .collect::<Vec<_>>()
        .join("\n");
    eprintln!("{summary}");
    assert!(
        out.status.success(),
        "schemathesis found failures:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text.contains("Authentication failed")
}

#[tokio::test]
async fn fuzzing_the_api_from_its_schema_finds_no_server_error_or_undocumented_answer() {
    let t = spawn_app().await;
    let hash = madoguchi_server::auth::hash_password("admin-password-1").expect("hash");
    t.app
        .store
        .add_user("kanri", &hash, "admin", &[], &[], chrono::Utc::now())
        .await
        .expect("admin");
    let admin = t
        .public
        .login("kanri", "admin-password-1")
        .await
        .expect("login");
    let t = std::sync::Arc::new(t);
    let t2 = t.clone();
    tokio::task::spawn_blocking(move || {
        run(
            &t2,
            &admin.token,
            &[
                "--exclude-path-regex",
                "^/api/v1/offices/\\{office\\}/kiosk/",
            ],
        )
    })
    .await
    .expect("schemathesis runs");
    // The kiosk's device is made after the admin run, which revokes
    // devices by fuzzed ids: the kiosk run must find its token valid.
    let kiosk_token = madoguchi_server::tokens::new_token();
    t.app
        .store
        .add_device(
            "fuzz-kiosk",
            "kiosk",
            "honcho",
            &madoguchi_server::tokens::hash(&kiosk_token),
            chrono::Utc::now(),
        )
        .await
        .expect("device");
    let t2 = t.clone();
    tokio::task::spawn_blocking(move || {
        let refused = run(
            &t2,
            &kiosk_token,
            &[
                "--include-path-regex",
                "^/api/v1/offices/\\{office\\}/kiosk/",
            ],
        );
        // A kiosk run whose token was refused tested nothing behind it.
        // (The admin run may be: it revokes and deactivates by fuzzed ids.)
        assert!(!refused, "the kiosk's token was refused");
    })
    .await
    .expect("schemathesis runs");
    drop(t);
}

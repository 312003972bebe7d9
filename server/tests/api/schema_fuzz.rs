//! API schema fuzzing: schemathesis (PyPI, installed by scripts/setup.sh)
//! generates requests from `/openapi.json` against the real server, with an
//! admin session and with a kiosk token. No answer may be a 5xx, every
//! status must be documented and every body must match its schema.
//! Bounded in time; loopback only.

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

fn run(t: &TestApp, token: &str, extra: &[&str]) {
    let out = Command::new(schemathesis())
        .arg("run")
        .arg(t.url("/openapi.json"))
        .args(["-H", &format!("Authorization: Bearer {token}")])
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance",
            "--max-time",
            "40",
            "--workers",
            "1",
            "--seed",
            "20261201",
            // The event stream never ends; the session route would log
            // the fuzzer out of its own session.
            "--exclude-path",
            "/api/v1/events",
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
}

#[tokio::test]
async fn fuzzing_the_api_from_its_schema_finds_no_server_error_or_undocumented_answer() {
    let t = spawn_app().await;
    let hash = madoguchi_server::auth::hash_password("admin-password-1").expect("hash");
    t.app
        .store
        .add_user("kanri", &hash, "admin", chrono::Utc::now())
        .await
        .expect("admin");
    let admin = t
        .public
        .login("kanri", "admin-password-1")
        .await
        .expect("login");
    let kiosk_token = {
        let token = madoguchi_server::tokens::new_token();
        t.app
            .store
            .add_device(
                "fuzz-kiosk",
                "kiosk",
                &madoguchi_server::tokens::hash(&token),
                chrono::Utc::now(),
            )
            .await
            .expect("device");
        token
    };
    let (t, admin_token) = (std::sync::Arc::new(t), admin.token);
    let t2 = t.clone();
    tokio::task::spawn_blocking(move || {
        run(
            &t2,
            &admin_token,
            &["--exclude-path-regex", "^/api/v1/kiosk/"],
        );
        run(
            &t2,
            &kiosk_token,
            &["--include-path-regex", "^/api/v1/kiosk/"],
        );
    })
    .await
    .expect("schemathesis runs");
    drop(t);
}

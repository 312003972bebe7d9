//! The command line: configuration checks and device management.

use std::process::Command;

use crate::helpers::{data_args, test_database};

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi-server");

#[test]
fn check_config_reports_every_problem_with_its_line() {
    let dir = tempfile::tempdir().expect("dir");
    let demo = Command::new(BIN)
        .args(["demo-config", "--out"])
        .arg(dir.path())
        .output()
        .expect("demo-config");
    assert!(demo.status.success());
    let city = dir.path().join("city.toml");
    let ok = Command::new(BIN)
        .arg("check-config")
        .arg(&city)
        .output()
        .expect("run");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let said = String::from_utf8_lossy(&ok.stdout);
    assert!(said.contains("ok (2 office(s))"), "{said}");
    assert!(
        said.contains("honcho: 5 services, 7 booths, 1 slot templates"),
        "{said}"
    );
    assert!(
        said.contains("kita: 2 services, 2 booths, 0 slot templates"),
        "{said}"
    );

    let honcho = dir.path().join("honcho.toml");
    let text = std::fs::read_to_string(&honcho)
        .expect("honcho.toml")
        .replace("prefix = \"B\"", "prefix = \"A\"")
        .replace("services = [\"kokuho\"]", "services = [\"kokuhoo\"]")
        .replace("time_zone = \"Asia/Tokyo\"", "time_zone = \"Asia/Edo\"");
    std::fs::write(&honcho, text).expect("write");
    let kita = dir.path().join("kita.toml");
    let text = std::fs::read_to_string(&kita)
        .expect("kita.toml")
        .replace("[office]", "[privacy]\nretention_days = 5\n\n[office]");
    std::fs::write(&kita, text).expect("write");
    let out = Command::new(BIN)
        .arg("check-config")
        .arg(&city)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("honcho.toml:6: unknown time zone \"Asia/Edo\""),
        "{err}"
    );
    assert!(
        err.contains("prefix \"A\" is used by another service"),
        "{err}"
    );
    assert!(err.contains("unknown service \"kokuhoo\""), "{err}");
    assert!(
        err.contains("kita.toml:6: [privacy] belongs in the city file"),
        "{err}"
    );
    assert!(err.contains("4 problem(s)"), "{err}");
    assert!(
        err.lines().all(|l| l.contains("honcho.toml:")
            || l.contains("kita.toml:")
            || l.contains("problem(s)")),
        "every line names file:line — {err}"
    );
}

#[test]
fn devices_are_listed_and_revoked() {
    let dir = tempfile::tempdir().expect("dir");
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(args)
            .args(data_args(dir.path()))
            .output()
            .expect("run");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    let (ok, token) = run(&[
        "device",
        "add",
        "hall-board",
        "--role",
        "board",
        "--office",
        "honcho",
    ]);
    assert!(ok && token.trim().len() == 43);
    let (_, list) = run(&["device", "list"]);
    assert!(list.contains("board\thoncho\tactive\thall-board"), "{list}");
    assert!(!list.contains(token.trim()), "tokens are never shown again");
    assert!(run(&["device", "revoke", "1"]).0);
    assert!(run(&["device", "list"]).1.contains("revoked"));
    assert!(!run(&["device", "revoke", "99"]).0);
}

/// The CLI keeps the admin API's rules: a taken name is refused (it used
/// to overwrite the user's password and role), a reset is its own
/// command, and a device needs a proper name.
#[tokio::test]
async fn users_and_devices_follow_the_same_rules_as_the_admin_api() {
    let dir = tempfile::tempdir().expect("dir");
    let run = |args: &[&str], password: &str| {
        let out = Command::new(BIN)
            .args(args)
            .args(data_args(dir.path()))
            .env("MADOGUCHI_PASSWORD", password)
            .output()
            .expect("run");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (ok, out, err) = run(
        &["user", "add", "tanaka", "--role", "admin"],
        "first password",
    );
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "user tanaka (admin, every office) added");
    let (ok, _, err) = run(
        &["user", "add", "tanaka", "--office", "honcho"],
        "second password",
    );
    assert!(!ok);
    assert!(err.contains("user_exists"), "{err}");
    let (ok, _, err) = run(&["user", "add", "suzuki", "--office", "honcho"], "short");
    assert!(!ok && err.contains("invalid_password"), "{err}");
    let (ok, _, err) = run(
        &[
            "device", "add", "  ", "--role", "kiosk", "--office", "honcho",
        ],
        "",
    );
    assert!(!ok && err.contains("invalid_name"), "{err}");

    // The first password still opens a session; then a reset replaces it.
    let office = madoguchi_server::config::Office::demo();
    let login = |password: &'static str| {
        let data = dir.path().to_path_buf();
        let office = office.clone();
        async move {
            let store = madoguchi_server::storage::Store::open(&test_database(&data))
                .await
                .expect("store");
            let accounts = madoguchi_server::app::accounts::Accounts::new(
                store,
                vec!["honcho".to_string()],
                Vec::new(),
                madoguchi_server::clock::Clock::system(),
                office.time_zone,
                &office.security,
            );
            accounts
                .login("tanaka", password, [127, 0, 0, 1].into())
                .await
                .map(|s| s.info.role)
                .map_err(|e| e.code())
        }
    };
    assert_eq!(login("first password").await, Ok("admin".to_string()));
    let (ok, _, err) = run(&["user", "password", "tanaka"], "second password");
    assert!(ok, "{err}");
    assert_eq!(
        login("first password").await,
        Err(protocol::ErrorCode::InvalidCredentials)
    );
    assert_eq!(login("second password").await, Ok("admin".to_string()));
    let (ok, _, err) = run(&["user", "password", "nobody"], "a password");
    assert!(!ok && err.contains("unknown_user"), "{err}");
}

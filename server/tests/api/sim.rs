//! The day simulation and the crash test, short versions (the long ones:
//! README, "Proof under load"). Each runs `madoguchi-sim` against the real
//! server binary on loopback and passes only when every invariant holds;
//! the counts are read from its `SUMMARY` line and compared exactly with
//! what the seeded plan asked for.

use std::process::Command;

use serde_json::Value;

fn simulate(extra: &[&str]) -> (String, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_madoguchi-sim"))
        .args(["--visitors", "200", "--until", "10:00", "--speed", "300"])
        .args(["--server", env!("CARGO_BIN_EXE_madoguchi-server")])
        .args(extra)
        .output()
        .expect("madoguchi-sim runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{text}");
    assert!(out.status.success(), "the simulation failed:\n{text}");
    assert!(text.lines().any(|l| l == "invariants: all hold"), "{text}");
    let summary = text
        .lines()
        .find_map(|l| l.strip_prefix("SUMMARY|"))
        .expect("a SUMMARY line");
    (
        text.clone(),
        serde_json::from_str(summary).expect("summary JSON"),
    )
}

fn count(v: &Value, path: &str) -> u64 {
    path.split('.')
        .fold(v, |v, key| &v[key])
        .as_u64()
        .unwrap_or_else(|| panic!("{path} in {v}"))
}

/// Every visitor the plan sends gets exactly one ticket; nobody is
/// turned away or gives up.
fn everyone_got_one_ticket(s: &Value) {
    assert_eq!(count(s, "planned.walk_ins"), 200, "{s}");
    assert_eq!(
        count(s, "acknowledged.walk_ins"),
        count(s, "planned.walk_ins"),
        "{s}"
    );
    assert_eq!(
        count(s, "acknowledged.families"),
        count(s, "planned.families"),
        "{s}"
    );
    assert_eq!(
        count(s, "acknowledged.tickets"),
        count(s, "planned.walk_ins") + count(s, "planned.families"),
        "{s}"
    );
    assert_eq!(
        count(s, "acknowledged.bookings"),
        count(s, "planned.bookings"),
        "{s}"
    );
    assert_eq!(
        s["acknowledged"]["refused"].as_object().map(|m| m.len()),
        Some(0),
        "refusals: {s}"
    );
    assert_eq!(count(s, "violations"), 0);
}

#[test]
fn a_busy_morning_ends_with_everyone_served_once_in_order() {
    let (text, s) = simulate(&["--seed", "11"]);
    everyone_got_one_ticket(&s);
    assert_eq!(count(&s, "crashes"), 0);
    // Without crashes every answer arrives: those the plan makes absent
    // are marked absent, and every step of everyone else is completed.
    let planned = |k: &str| count(&s, &format!("planned.{k}"));
    let acked = |k: &str| count(&s, &format!("acknowledged.{k}"));
    assert_eq!(acked("absent"), planned("absent"), "{s}");
    assert_eq!(acked("completed"), planned("steps"), "{s}");
    assert!(acked("calls") >= planned("steps"), "{s}");
    assert!(
        text.contains("wait estimates at the kiosk (200 walk-ins)"),
        "{text}"
    );
}

#[test]
fn killing_the_server_again_and_again_loses_no_acknowledged_action() {
    let (_, s) = simulate(&["--seed", "12", "--crash-every", "1.5-4"]);
    everyone_got_one_ticket(&s);
    let crashes = count(&s, "crashes");
    assert!(crashes >= 3, "the server was killed {crashes} times: {s}");
}

/// Two servers on one PostgreSQL, each killed in turn while the other
/// carries the floor: every kiosk, counter and board is given both, and
/// nothing acknowledged is lost (issue 18).
#[test]
fn two_servers_on_postgresql_killed_in_turn_lose_no_acknowledged_action() {
    let (text, s) = simulate(&[
        "--seed",
        "12",
        "--database",
        "postgres",
        "--instances",
        "2",
        "--crash-every",
        "1.5-4",
    ]);
    assert!(text.contains("PostgreSQL, 2 servers"), "{text}");
    everyone_got_one_ticket(&s);
    let crashes = count(&s, "crashes");
    assert!(crashes >= 3, "servers were killed {crashes} times: {s}");
}

//! The day simulation and the crash test, short versions (the long ones:
//! README, "Proof under load"). Each runs `madoguchi-sim` against the real
//! server binary on loopback and passes only when every invariant holds;
//! the counts are read from its `SUMMARY` line and compared exactly with
//! what the seeded plan asked for.

use std::process::Command;

use serde_json::Value;

fn simulate(extra: &[&str]) -> (String, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_madoguchi-sim"))
        .args([
            "--visitors",
            &VISITORS.to_string(),
            "--until",
            "10:00",
            "--speed",
            "300",
        ])
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

/// Walk-ins of each simulated office.
const VISITORS: u64 = 200;

/// Every visitor the plan sends gets exactly one ticket; nobody is
/// turned away or gives up, except the families the plan sends after
/// check-in closed, who are all refused.
fn everyone_got_one_ticket(s: &Value, offices: u64) {
    assert_eq!(count(s, "planned.walk_ins"), VISITORS * offices, "{s}");
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
    assert_eq!(
        count(s, "acknowledged.too_late"),
        count(s, "planned.too_late"),
        "{s}"
    );
    assert_eq!(count(s, "violations"), 0);
}

#[test]
fn a_busy_morning_ends_with_everyone_served_once_in_order() {
    let (text, s) = simulate(&["--seed", "11"]);
    everyone_got_one_ticket(&s, 1);
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
    everyone_got_one_ticket(&s, 1);
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
    everyone_got_one_ticket(&s, 1);
    let crashes = count(&s, "crashes");
    assert!(crashes >= 3, "servers were killed {crashes} times: {s}");
}

/// A city of three offices with the same procedures and counters, each
/// with a whole morning at the same time on one server: every invariant
/// holds at every office, checked per office (its own tickets, its own
/// event stream from id 1, its own boards), and each office issued
/// exactly the tickets its plan asked for (issue 19).
#[test]
fn three_offices_at_once_each_end_the_morning_with_everyone_served_once_in_order() {
    let (text, s) = simulate(&["--seed", "21", "--offices", "3"]);
    everyone_got_one_ticket(&s, 3);
    let offices = s["offices"].as_array().expect("offices");
    let ids: Vec<&str> = offices.iter().filter_map(|o| o["id"].as_str()).collect();
    assert_eq!(ids, ["office-01", "office-02", "office-03"], "{s}");
    for o in offices {
        assert_eq!(count(o, "violations"), 0, "{o}");
        assert_eq!(count(o, "tickets"), count(o, "planned_tickets"), "{o}");
        assert!(count(o, "events") > 3 * count(o, "tickets"), "{o}");
    }
    for id in ids {
        assert!(
            text.contains(&format!("  {id}: ")) && text.contains("invariants all hold"),
            "{text}"
        );
    }
    // Every acknowledged call reached its office's steady board.
    assert_eq!(
        count(&s, "call_to_board_ms.calls"),
        count(&s, "acknowledged.calls"),
        "{s}"
    );
}

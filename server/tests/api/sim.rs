//! The day simulation and the crash test, short versions (the long ones:
//! README, "Proof under load"). Each runs `madoguchi-sim` against the real
//! server binary on loopback and passes only when every invariant holds.

use std::process::Command;

fn simulate(extra: &[&str]) -> String {
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
    assert!(text.contains("invariants: all hold"), "{text}");
    text
}

#[test]
fn a_busy_morning_ends_with_everyone_served_once_in_order() {
    let text = simulate(&["--seed", "11"]);
    assert!(
        text.contains("acknowledged: 20"),
        "every visitor got a ticket: {text}"
    );
    assert!(
        text.contains("wait estimates at the kiosk (200 walk-ins)"),
        "{text}"
    );
}

#[test]
fn killing_the_server_again_and_again_loses_no_acknowledged_action() {
    let text = simulate(&["--seed", "12", "--crash-every", "1.5-4"]);
    let crashes: u32 = text
        .split("crashes ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("crash count in the report");
    assert!(
        crashes >= 3,
        "the server was killed {crashes} times: {text}"
    );
}

//! CPU and memory of running processes, for the idle benchmarks: read from
//! `/proc`, summed over every thread or process given.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// CPU time of every thread of these processes, in nanoseconds, by
/// (pid, thread id). The scheduler's own count (`schedstat`): exact, where
/// `/proc/PID/stat` truncates to 10 ms ticks — an idle board uses a few
/// ticks a minute, so one tick more or less moved its ratio by a fifth.
fn cpu_ns_by_thread(pids: &[u32]) -> HashMap<(u32, u32), u64> {
    let mut out = HashMap::new();
    for pid in pids {
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).into_iter();
        for task in tasks.flatten().flatten() {
            let Ok(tid) = task.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let ns = std::fs::read_to_string(task.path().join("schedstat"))
                .ok()
                .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok());
            if let Some(ns) = ns {
                out.insert((*pid, tid), ns);
            }
        }
    }
    out
}

/// Proportional set size of a process in KiB (shared pages split between
/// the processes that map them).
fn pss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("Pss:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// CPU share of one core (%) and summed PSS (MB) over `secs`, for the
/// processes `pids` names (asked again at the end, for helpers started
/// meanwhile). A thread that starts meanwhile counts in full; one that ends
/// meanwhile is missed (idle apps keep their threads).
pub fn cpu_and_memory(pids: &dyn Fn() -> Vec<u32>, secs: u64) -> (f64, f64) {
    let before = cpu_ns_by_thread(&pids());
    let start = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    let after = cpu_ns_by_thread(&pids());
    let elapsed = start.elapsed().as_secs_f64();
    let used_ns: u64 = after
        .iter()
        .map(|(id, ns)| ns.saturating_sub(before.get(id).copied().unwrap_or(0)))
        .sum();
    let pss: u64 = pids().iter().map(|p| pss_kib(*p)).sum();
    (used_ns as f64 / 1e9 / elapsed * 100.0, pss as f64 / 1024.0)
}

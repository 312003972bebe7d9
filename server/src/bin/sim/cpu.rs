//! Where the machine's CPU went during the simulated day (issue 19): the
//! sim itself (every agent, phone and board of every office), the
//! servers, and the rest of the machine (PostgreSQL, the kernel's work
//! outside these processes), read from `/proc` at the start and the end
//! of the day. The sim shares the cores with what it measures, so a
//! latency figure means little without this.

/// `/proc` counts CPU time in USER_HZ ticks, 100 per second on Linux.
const TICKS_PER_SECOND: f64 = 100.0;

/// CPU seconds so far: the machine's busy and idle time over all cores,
/// this process, and each server process by pid.
#[derive(Clone, Debug, Default)]
pub struct Sample {
    busy: f64,
    idle: f64,
    sim: f64,
    servers: Vec<(u32, f64)>,
}

/// The day's share of each, in CPU seconds.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Usage {
    pub cores: usize,
    pub real_seconds: f64,
    pub sim: f64,
    pub servers: f64,
    pub other: f64,
    pub idle: f64,
}

impl Usage {
    pub fn line(&self) -> String {
        let all = (self.sim + self.servers + self.other + self.idle).max(1e-9);
        let pct = |x: f64| 100.0 * x / all;
        format!(
            "CPU over the day ({} cores × {:.0} s): sim {:.0} core-s ({:.0} %), servers {:.0} ({:.0} %), other busy {:.0} ({:.0} %: PostgreSQL, kernel), idle {:.0} ({:.0} %)",
            self.cores,
            self.real_seconds,
            self.sim,
            pct(self.sim),
            self.servers,
            pct(self.servers),
            self.other,
            pct(self.other),
            self.idle,
            pct(self.idle)
        )
    }
}

/// User plus system time of `pid` (`/proc/PID/stat` fields 14 and 15).
fn process_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces: the fields start after its ')'.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / TICKS_PER_SECOND)
}

/// Busy and idle seconds of the whole machine (`/proc/stat`, line `cpu`).
fn machine_seconds() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let v: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest is in user).
    let idle = v.get(3)? + v.get(4).unwrap_or(&0.0);
    let busy: f64 = v.iter().take(8).sum::<f64>() - idle;
    Some((busy / TICKS_PER_SECOND, idle / TICKS_PER_SECOND))
}

pub fn sample(server_pids: &[u32]) -> Sample {
    let (busy, idle) = machine_seconds().unwrap_or_default();
    Sample {
        busy,
        idle,
        sim: process_seconds("self").unwrap_or_default(),
        servers: server_pids
            .iter()
            .map(|pid| (*pid, process_seconds(&pid.to_string()).unwrap_or_default()))
            .collect(),
    }
}

/// From `start` to `end`. A server restarted in between (the crash test)
/// counts from its new start, so the servers' share is a lower bound then.
pub fn usage(start: &Sample, end: &Sample, real_seconds: f64) -> Usage {
    let servers: f64 = end
        .servers
        .iter()
        .map(|(pid, now)| {
            let before = start
                .servers
                .iter()
                .find(|(p, _)| p == pid)
                .map_or(0.0, |(_, s)| *s);
            (now - before).max(0.0)
        })
        .sum();
    let sim = (end.sim - start.sim).max(0.0);
    let busy = (end.busy - start.busy).max(0.0);
    Usage {
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        real_seconds,
        sim,
        servers,
        other: (busy - sim - servers).max(0.0),
        idle: (end.idle - start.idle).max(0.0),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_process_and_the_machine_are_read() {
        assert!(super::process_seconds("self").is_some());
        let (busy, idle) = super::machine_seconds().expect("/proc/stat");
        assert!(busy + idle > 0.0);
    }
}

//! Processes of the bench: starting them (pinned to a core), reading their CPU time and memory
//! from /proc, the system-wide monotonic clock the processes share, and the descriptor limit.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// The core the servers under test run on, and the one of the load generator.
pub const SERVER_CORE: u8 = 0;
pub const CLIENT_CORE: u8 = 1;

/// A child process, killed when dropped.
pub struct Guard(pub Child);

impl Guard {
    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A scratch directory, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "switchyard-load-{}-{name}-{}",
            std::process::id(),
            free_port()
        ));
        let _ = std::fs::create_dir_all(&dir);
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(18080)
}

pub async fn wait_for_port(port: u16, within: Duration) -> Result<(), String> {
    let start = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        if start.elapsed() > within {
            return Err(format!("nothing listens on port {port}"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// Whether processes are pinned: servers to [`SERVER_CORE`], the load generator to
/// [`CLIENT_CORE`] (`taskset`), and why not when they are not.
#[derive(Debug, Clone)]
pub struct Pinning {
    pub on: bool,
    pub note: String,
}

impl Pinning {
    /// Pins when this process may run on at least 2 cores and `taskset` works; then moves this
    /// process (the coordinator, and every thread it starts later) to the client core.
    pub fn apply() -> Pinning {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores < 2 {
            return Pinning {
                on: false,
                note: format!("not pinned: this machine has {cores} core"),
            };
        }
        let me = std::process::id().to_string();
        let pinned = Command::new("taskset")
            .args(["-a", "-p", "-c", &CLIENT_CORE.to_string(), &me])
            .stdout(std::process::Stdio::null())
            .status();
        match pinned {
            Ok(s) if s.success() => Pinning {
                on: true,
                note: format!(
                    "pinned: servers on core {SERVER_CORE}, load generator on core {CLIENT_CORE} (taskset)"
                ),
            },
            Ok(s) => Pinning {
                on: false,
                note: format!("not pinned: taskset failed ({s})"),
            },
            Err(e) => Pinning {
                on: false,
                note: format!("not pinned: cannot run taskset ({e})"),
            },
        }
    }

    /// A command running `program` on `core` when pinning.
    pub fn command(&self, core: u8, program: impl AsRef<std::ffi::OsStr>) -> Command {
        if self.on {
            let mut c = Command::new("taskset");
            c.arg("-c").arg(core.to_string()).arg(program);
            c
        } else {
            Command::new(program)
        }
    }
}

/// utime + stime (clock ticks) from the text of `/proc/<pid>/stat`.
pub fn parse_stat_ticks(stat: &str) -> Option<u64> {
    // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Field 3 (state) is fields[0]: utime is field 14, stime field 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// Clock ticks per second (`sysconf(_SC_CLK_TCK)`).
fn ticks_per_second() -> u64 {
    #[cfg(target_os = "linux")]
    {
        rustix::param::clock_ticks_per_second().max(1)
    }
    #[cfg(not(target_os = "linux"))]
    {
        100
    }
}

/// The CPU time (user + system) `pid` has used, in ms; NaN when it cannot be read.
pub fn cpu_ms(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| parse_stat_ticks(&s))
        .map_or(f64::NAN, |t| t as f64 * 1000.0 / ticks_per_second() as f64)
}

/// The total of [`cpu_ms`] over `pids`.
pub fn cpu_ms_of(pids: &[u32]) -> f64 {
    pids.iter().map(|&p| cpu_ms(p)).sum()
}

/// `VmRSS` (KiB) from the text of `/proc/<pid>/status`.
pub fn parse_vm_rss(status: &str) -> Option<u64> {
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

/// Resident memory of `pid` (KiB); 0 when it cannot be read.
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| parse_vm_rss(&s))
        .unwrap_or(0)
}

/// The descriptors `pid` has open (its sockets among them); 0 when they cannot be read.
pub fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count)
}

/// CLOCK_MONOTONIC in ns: one clock for every process on the machine, so a receipt stamped in
/// a worker is comparable with a trigger stamped in the coordinator.
pub fn mono_ns() -> u64 {
    #[cfg(target_os = "linux")]
    {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
        u64::try_from(t.tv_sec).unwrap_or(0) * 1_000_000_000 + u64::try_from(t.tv_nsec).unwrap_or(0)
    }
    #[cfg(not(target_os = "linux"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
    }
}

/// The hard limit of open descriptors: what a server started from here can raise its own to.
pub fn nofile_hard() -> u64 {
    rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(1024, |(_, hard)| hard)
}

/// Descriptors a server keeps besides its client connections (listeners, store files, epoll).
pub const SERVER_SPARE_FDS: u64 = 200;

/// Whether a server with `clients` connections fits the descriptor limit; the reason when not.
pub fn fits(clients: usize) -> Result<(), String> {
    let hard = nofile_hard();
    if clients as u64 + SERVER_SPARE_FDS > hard {
        return Err(format!(
            "the server's descriptor limit is {hard} ({clients} clients need {})",
            clients as u64 + SERVER_SPARE_FDS
        ));
    }
    Ok(())
}

/// The largest round thousand of clients one server holds within the descriptor limit.
pub fn max_fit() -> usize {
    let room = nofile_hard().saturating_sub(SERVER_SPARE_FDS + 300);
    usize::try_from(room / 1000 * 1000).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_ticks_are_utime_plus_stime() {
        let stat = "4242 (switchyard) S 1 4242 4242 0 -1 4194560 2520 0 0 0 137 58 0 0 20 0 \
                    9 0 123456 98765432 4321 18446744073709551615";
        assert_eq!(parse_stat_ticks(stat), Some(195));
    }

    #[test]
    fn stat_ticks_survive_a_name_with_spaces_and_parentheses() {
        let stat = "7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 5 6 7";
        assert_eq!(parse_stat_ticks(stat), Some(7));
    }

    #[test]
    fn a_short_or_garbled_stat_reads_as_nothing() {
        assert_eq!(parse_stat_ticks("1 (x) S 1 2"), None);
        assert_eq!(parse_stat_ticks("no parenthesis"), None);
        assert_eq!(parse_stat_ticks("1 (x) S 1 1 1 0 -1 0 0 0 0 0 u s"), None);
    }

    #[test]
    fn vm_rss_is_read_in_kib() {
        let status = "Name:\tswitchyard\nVmPeak:\t  900 kB\nVmRSS:\t   45672 kB\nThreads:\t9\n";
        assert_eq!(parse_vm_rss(status), Some(45672));
        assert_eq!(parse_vm_rss("Name:\tx\n"), None);
    }

    #[test]
    fn open_descriptors_are_counted_and_a_gone_process_has_none() {
        // Other tests of this process open files meanwhile: at least stdin, stdout and stderr.
        assert!(open_fds(std::process::id()) >= 3);
        assert_eq!(open_fds(u32::MAX), 0);
    }

    #[test]
    fn the_monotonic_clock_does_not_go_back() {
        let a = mono_ns();
        let b = mono_ns();
        assert!(a > 0 && b >= a);
    }
}

//! Memory pressure: the process's resident memory (`VmRSS` from `/proc/self/status`, sampled)
//! against a high-water mark past which new streams are refused; open ones keep working. Without
//! `/proc` the reading is zero and nothing is shed.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::metrics::Metrics;

/// The share of the container's memory limit used as the mark when none is configured.
const SHARE_OF_LIMIT: f64 = 0.8;

#[derive(Debug, Clone)]
pub struct Memory {
    /// Bytes; `None`: never shed.
    mark: Option<u64>,
    /// The last reading, in bytes.
    rss: Arc<AtomicU64>,
}

impl Memory {
    /// A mark in bytes (`None`: off), with a first reading taken now.
    pub fn new(mark: Option<u64>) -> Memory {
        let m = Memory {
            mark,
            rss: Arc::new(AtomicU64::new(0)),
        };
        m.sample();
        m
    }

    pub fn mark(&self) -> Option<u64> {
        self.mark
    }

    /// Whether the last reading is past the mark.
    pub fn over(&self) -> bool {
        self.mark
            .is_some_and(|mark| self.rss.load(Ordering::Relaxed) > mark)
    }

    /// Takes a reading; the bytes read (zero where the platform has no `/proc`).
    pub fn sample(&self) -> u64 {
        let rss = rss_bytes().unwrap_or(0);
        self.rss.store(rss, Ordering::Relaxed);
        rss
    }

    /// Samples every `every`, publishing the reading as `memory_rss_bytes`.
    pub async fn sample_periodically(self, every: Duration, metrics: Arc<Metrics>) {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let rss = self.sample();
            metrics
                .memory_rss_bytes
                .set(i64::try_from(rss).unwrap_or(i64::MAX));
        }
    }

    #[cfg(test)]
    pub fn set_reading(&self, bytes: u64) {
        self.rss.store(bytes, Ordering::Relaxed);
    }
}

/// Resident memory from `/proc/self/status` (`VmRSS: N kB`).
fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_rss(&status)
}

fn parse_vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    let kb: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    kb.checked_mul(1024)
}

/// The mark when none is configured: 80% of the container's memory limit (cgroup v2 or v1), or
/// none where there is no limit.
pub fn default_mark() -> Option<u64> {
    [
        "/sys/fs/cgroup/memory.max",
        "/sys/fs/cgroup/memory/memory.limit_in_bytes",
    ]
    .iter()
    .find_map(|p| parse_limit(&std::fs::read_to_string(p).ok()?))
    .map(|limit| (limit as f64 * SHARE_OF_LIMIT) as u64)
}

/// A cgroup limit: bytes, or `max` / a huge number (cgroup v1's "unlimited") for none.
fn parse_limit(text: &str) -> Option<u64> {
    let bytes: u64 = text.trim().parse().ok()?;
    (bytes < 1 << 60).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vm_rss_is_read_in_bytes() {
        let status = "Name:\tswitchyard\nVmPeak:\t  9000 kB\nVmRSS:\t   5120 kB\nThreads:\t4\n";
        assert_eq!(parse_vm_rss(status), Some(5 * 1024 * 1024));
        assert_eq!(parse_vm_rss("Name:\tx\n"), None);
    }

    #[test]
    fn cgroup_limits_read_as_bytes_and_unlimited_as_none() {
        assert_eq!(parse_limit("2147483648\n"), Some(2 << 30));
        assert_eq!(parse_limit("max\n"), None);
        assert_eq!(parse_limit("9223372036854771712\n"), None);
    }

    #[test]
    fn past_the_mark_is_over_and_no_mark_never_is() {
        let m = Memory::new(Some(100));
        m.set_reading(100);
        assert!(!m.over());
        m.set_reading(101);
        assert!(m.over());
        let off = Memory::new(None);
        off.set_reading(u64::MAX);
        assert!(!off.over());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_has_a_resident_size() {
        assert!(Memory::new(None).sample() > 0);
    }
}

//! Per-change latency figures and their summaries: the pure part of the fan-out bench.
//!
//! Each change is timed to every client; its p50 / p99 / max are taken over those clients. A run's
//! figure is the median of the per-change values with their quartiles (p25–p75), and the ratio of
//! two systems is taken per pair of changes (one of each, measured back to back), then summarised
//! the same way.

/// The value at quantile `p` of `sorted` (nearest rank); NaN when empty.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A median and the quartiles around it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub lo: f64,
    pub hi: f64,
}

/// The median and quartiles of `xs`, leaving out values that are not finite (a change no client
/// received, a ratio over zero).
pub fn spread(xs: impl IntoIterator<Item = f64>) -> Spread {
    let mut xs: Vec<f64> = xs.into_iter().filter(|x| x.is_finite()).collect();
    xs.sort_by(f64::total_cmp);
    Spread {
        median: percentile(&xs, 0.5),
        lo: percentile(&xs, 0.25),
        hi: percentile(&xs, 0.75),
    }
}

/// One change on one system: each client's latency (ms), how many clients should have had it,
/// and the server's CPU time over the change (ms).
#[derive(Debug, Clone)]
pub struct Change {
    latencies: Vec<f64>,
    pub expected: usize,
    pub cpu_ms: f64,
}

impl Change {
    pub fn new(mut latencies: Vec<f64>, expected: usize, cpu_ms: f64) -> Change {
        latencies.sort_by(f64::total_cmp);
        Change {
            latencies,
            expected,
            cpu_ms,
        }
    }

    pub fn p50(&self) -> f64 {
        percentile(&self.latencies, 0.5)
    }

    pub fn p99(&self) -> f64 {
        percentile(&self.latencies, 0.99)
    }

    pub fn max(&self) -> f64 {
        self.latencies.last().copied().unwrap_or(f64::NAN)
    }

    pub fn received(&self) -> usize {
        self.latencies.len()
    }

    pub fn missed(&self) -> usize {
        self.expected.saturating_sub(self.latencies.len())
    }
}

/// A system's changes summarised.
#[derive(Debug, Clone)]
pub struct Summary {
    pub changes: usize,
    pub p50: Spread,
    pub p99: Spread,
    pub max: Spread,
    pub cpu: Spread,
    pub cpu_mean: f64,
    pub samples: usize,
    pub missed: usize,
}

pub fn summarize(changes: &[Change]) -> Summary {
    let cpu_total: f64 = changes.iter().map(|c| c.cpu_ms).sum();
    Summary {
        changes: changes.len(),
        p50: spread(changes.iter().map(Change::p50)),
        p99: spread(changes.iter().map(Change::p99)),
        max: spread(changes.iter().map(Change::max)),
        cpu: spread(changes.iter().map(|c| c.cpu_ms)),
        cpu_mean: cpu_total / changes.len().max(1) as f64,
        samples: changes.iter().map(Change::received).sum(),
        missed: changes.iter().map(Change::missed).sum(),
    }
}

/// Per pair of changes, `a`'s figure over `b`'s.
#[derive(Debug, Clone)]
pub struct Ratios {
    pub p50: Spread,
    pub p99: Spread,
    pub max: Spread,
}

/// Pairs `a[i]` with `b[i]` (the changes measured back to back); extra changes on either side
/// are left out.
pub fn ratios(a: &[Change], b: &[Change]) -> Ratios {
    let per = |f: fn(&Change) -> f64| spread(a.iter().zip(b).map(|(x, y)| f(x) / f(y)));
    Ratios {
        p50: per(Change::p50),
        p99: per(Change::p99),
        max: per(Change::max),
    }
}

/// `33.7 ms (30.1–35.2)`; `—` when nothing was measured.
pub fn ms(s: &Spread) -> String {
    if !s.median.is_finite() {
        return "—".into();
    }
    let digits = if s.hi < 10.0 { 2 } else { 1 };
    format!(
        "{:.digits$} ms ({:.digits$}–{:.digits$})",
        s.median, s.lo, s.hi
    )
}

/// `2.10× (1.90–2.31)`.
pub fn times(s: &Spread) -> String {
    if !s.median.is_finite() {
        return "—".into();
    }
    format!("{:.2}× ({:.2}–{:.2})", s.median, s.lo, s.hi)
}

/// `10,000`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_takes_the_nearest_rank() {
        let xs: Vec<f64> = (1..=101).map(f64::from).collect();
        assert_eq!(percentile(&xs, 0.5), 51.0);
        assert_eq!(percentile(&xs, 0.99), 100.0);
        assert_eq!(percentile(&xs, 1.0), 101.0);
        assert!(percentile(&[], 0.5).is_nan());
    }

    #[test]
    fn spread_gives_the_median_and_quartiles_of_finite_values() {
        let s = spread([5.0, 1.0, f64::NAN, 3.0, 2.0, 4.0, f64::INFINITY]);
        assert_eq!(
            s,
            Spread {
                median: 3.0,
                lo: 2.0,
                hi: 4.0
            }
        );
    }

    #[test]
    fn a_summary_takes_percentiles_per_change_then_their_median() {
        // Three changes to four clients: p50s (nearest rank) 3, 30, 300; maxima 4, 40, 400.
        let changes = [
            Change::new(vec![4.0, 1.0, 2.0, 3.0], 4, 10.0),
            Change::new(vec![10.0, 20.0, 30.0, 40.0], 4, 0.0),
            Change::new(vec![100.0, 200.0, 300.0, 400.0], 4, 20.0),
        ];
        let s = summarize(&changes);
        assert_eq!(s.p50.median, 30.0);
        assert_eq!((s.p50.lo, s.p50.hi), (30.0, 300.0));
        assert_eq!(s.max.median, 40.0);
        assert_eq!(s.cpu.median, 10.0);
        assert_eq!(s.cpu_mean, 10.0);
        assert_eq!((s.samples, s.missed), (12, 0));
    }

    #[test]
    fn clients_that_never_got_a_change_count_as_missed() {
        let c = Change::new(vec![1.0, 2.0], 5, 0.0);
        assert_eq!((c.received(), c.missed()), (2, 3));
        let none = Change::new(Vec::new(), 3, 0.0);
        assert!(none.p99().is_nan());
        assert_eq!(summarize(&[none]).missed, 3);
    }

    #[test]
    fn ratios_pair_the_changes_in_order() {
        let a = [
            Change::new(vec![2.0], 1, 0.0),
            Change::new(vec![9.0], 1, 0.0),
            Change::new(vec![4.0], 1, 0.0),
        ];
        let b = [
            Change::new(vec![1.0], 1, 0.0),
            Change::new(vec![3.0], 1, 0.0),
            Change::new(vec![4.0], 1, 0.0),
        ];
        // Per pair: 2, 3, 1 (the ratio of the medians would be 4 / 3).
        let r = ratios(&a, &b);
        assert_eq!(r.p50.median, 2.0);
        assert_eq!((r.p50.lo, r.p50.hi), (2.0, 3.0));
        assert_eq!(r.max.median, 2.0);
    }

    #[test]
    fn cells_read_as_in_the_benchmarks_page() {
        let s = Spread {
            median: 33.71,
            lo: 30.06,
            hi: 35.24,
        };
        assert_eq!(ms(&s), "33.7 ms (30.1–35.2)");
        let small = Spread {
            median: 1.234,
            lo: 1.0,
            hi: 2.0,
        };
        assert_eq!(ms(&small), "1.23 ms (1.00–2.00)");
        assert_eq!(times(&s), "33.71× (30.06–35.24)");
        assert_eq!(ms(&spread([])), "—");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(999), "999");
    }
}

//! Prometheus metrics (`GET /metrics`).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Debug)]
pub struct Metrics {
    /// Open WebSocket and SSE connections: only [`Metrics::open_connection`] moves it.
    connections: Gauge,
    /// Messages sent to SDK connections.
    pub messages: Counter,
    /// Flag evaluations (OFREP, streams).
    pub evaluations: Counter,
    /// Resyncs: bus lag, reconnects, malformed messages, revision checks that found a change.
    pub resyncs: Counter,
    /// Environment reloads from the store.
    pub reloads: Counter,
    /// Environments read from the store, first loads and reloads alike (each one read of the
    /// environment item and its flag states, the project's flags and segments).
    pub store_reads: Counter,
    /// Store reads asked for by an OFREP client that named a revision newer than the node held
    /// (a refetch's `flagConfigEtag`, an event stream's `Last-Event-ID`).
    pub ofrep_catch_ups: Counter,
    /// Change events received from the bus.
    pub bus_events: Counter,
    /// Seconds from an environment's reload to a connection sending its changes.
    pub fanout_seconds: Histogram,
    /// Connections closed because they fell behind or broke the protocol.
    pub closed_slow: Counter,
    /// SDK key lookups that reached the store (cache misses).
    pub key_lookups: Counter,
    /// Presented keys refused unread: not the shape of a key this product issues.
    pub keys_malformed: Counter,
    /// Analytics items dropped, by reason; distinct analytics counters held.
    analytics_dropped: Family<Vec<(&'static str, &'static str)>, Counter>,
    analytics_held: Gauge,
    /// Evaluations that ran out of the evaluation budget (answered ERROR, GENERAL).
    pub evaluation_budget_exceeded: Counter,
    /// Heavy evaluations that missed their deadline (answered 503, or the stream closed).
    pub evaluation_deadline_missed: Counter,
    /// New streams refused, by reason (`node`, `key`, `address`, `memory`).
    pub streams_refused: Family<Refusal, Counter>,
    /// Snapshots a stream asked for that waited (the minimum interval, the key's rate).
    pub snapshots_deferred: Counter,
    /// Contexts refused for their size (streams and OFREP).
    pub contexts_too_big: Counter,
    /// Requests refused (429) before any key lookup: their address failed authentication too often.
    pub auth_throttled: Counter,
    /// Connections refused at accept: the node holds its maximum.
    pub connections_refused: Counter,
    /// Requests refused (503) for the in-flight limit, and requests that ran out of time (408).
    pub requests_shed: Counter,
    pub requests_timed_out: Counter,
    /// The process's resident memory as last sampled (bytes).
    pub memory_rss_bytes: Gauge,
    registry: Registry,
}

/// Why a new stream was refused.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Refusal {
    pub reason: &'static str,
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("switchyard");
        let m = Metrics {
            connections: Gauge::default(),
            messages: Counter::default(),
            evaluations: Counter::default(),
            resyncs: Counter::default(),
            reloads: Counter::default(),
            store_reads: Counter::default(),
            ofrep_catch_ups: Counter::default(),
            bus_events: Counter::default(),
            fanout_seconds: Histogram::new(exponential_buckets(0.0005, 2.0, 14)),
            closed_slow: Counter::default(),
            key_lookups: Counter::default(),
            keys_malformed: Counter::default(),
            analytics_dropped: Family::default(),
            analytics_held: Gauge::default(),
            evaluation_budget_exceeded: Counter::default(),
            evaluation_deadline_missed: Counter::default(),
            streams_refused: Family::default(),
            snapshots_deferred: Counter::default(),
            contexts_too_big: Counter::default(),
            auth_throttled: Counter::default(),
            connections_refused: Counter::default(),
            requests_shed: Counter::default(),
            requests_timed_out: Counter::default(),
            memory_rss_bytes: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register(
            "evaluation_budget_exceeded",
            "Evaluations stopped by the evaluation budget",
            m.evaluation_budget_exceeded.clone(),
        );
        registry.register(
            "evaluation_deadline_missed",
            "Heavy evaluations that missed their deadline",
            m.evaluation_deadline_missed.clone(),
        );
        registry.register(
            "connections",
            "Open WebSocket and SSE connections",
            m.connections.clone(),
        );
        registry.register(
            "messages",
            "Messages sent to SDK connections",
            m.messages.clone(),
        );
        registry.register("evaluations", "Flag evaluations", m.evaluations.clone());
        registry.register("resyncs", "Resyncs from the store", m.resyncs.clone());
        registry.register("reloads", "Environment reloads", m.reloads.clone());
        registry.register(
            "store_reads",
            "Environments read from the store (first loads and reloads)",
            m.store_reads.clone(),
        );
        registry.register(
            "ofrep_catch_ups",
            "Store reads for a newer revision an OFREP client named",
            m.ofrep_catch_ups.clone(),
        );
        registry.register(
            "bus_events",
            "Change events from the bus",
            m.bus_events.clone(),
        );
        registry.register(
            "fanout_seconds",
            "From a revision's compile to its send, per stream connection",
            m.fanout_seconds.clone(),
        );
        registry.register(
            "closed_slow",
            "Connections closed for falling behind or misbehaving",
            m.closed_slow.clone(),
        );
        registry.register(
            "key_lookups",
            "SDK key lookups that reached the store",
            m.key_lookups.clone(),
        );
        registry.register(
            "keys_malformed",
            "SDK keys refused unread for their shape",
            m.keys_malformed.clone(),
        );
        registry.register(
            "analytics_dropped",
            "Analytics items not counted, by reason",
            m.analytics_dropped.clone(),
        );
        registry.register(
            "analytics_counters",
            "Distinct analytics counters held in memory",
            m.analytics_held.clone(),
        );
        registry.register(
            "streams_refused",
            "New streams refused for a cap or memory pressure",
            m.streams_refused.clone(),
        );
        registry.register(
            "snapshots_deferred",
            "Snapshots held back by the minimum interval or the key's rate",
            m.snapshots_deferred.clone(),
        );
        registry.register(
            "contexts_too_big",
            "Evaluation contexts refused for their size",
            m.contexts_too_big.clone(),
        );
        registry.register(
            "auth_throttled",
            "Requests refused because their address failed authentication too often",
            m.auth_throttled.clone(),
        );
        registry.register(
            "connections_refused",
            "Connections refused at the node's connection limit",
            m.connections_refused.clone(),
        );
        registry.register(
            "requests_shed",
            "Requests refused at the in-flight limit",
            m.requests_shed.clone(),
        );
        registry.register(
            "requests_timed_out",
            "Requests that ran out of time",
            m.requests_timed_out.clone(),
        );
        registry.register(
            "memory_rss_bytes",
            "Resident memory as last sampled",
            m.memory_rss_bytes.clone(),
        );
        Metrics { registry, ..m }
    }

    /// Counts `n` analytics items dropped for `reason`.
    pub fn analytics_dropped(&self, reason: &'static str, n: u64) {
        self.analytics_dropped
            .get_or_create(&vec![("reason", reason)])
            .inc_by(n);
    }

    pub fn analytics_held(&self, n: usize) {
        self.analytics_held
            .set(i64::try_from(n).unwrap_or(i64::MAX));
    }

    /// Counts one open stream until the returned guard is dropped.
    pub fn open_connection(&self) -> OpenConnection {
        self.connections.inc();
        OpenConnection(self.connections.clone())
    }

    /// Counts a refused stream.
    pub fn stream_refused(&self, reason: &'static str) {
        self.streams_refused
            .get_or_create(&Refusal { reason })
            .inc();
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// One open stream in the `connections` gauge, for as long as it lives.
#[derive(Debug)]
#[must_use = "the connection is counted only while the guard lives"]
pub struct OpenConnection(Gauge);

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_counts_until_its_guard_drops() {
        let m = Metrics::new();
        let a = m.open_connection();
        let b = m.open_connection();
        assert_eq!(m.connections.get(), 2);
        drop(a);
        assert_eq!(m.connections.get(), 1);
        drop(b);
        assert_eq!(m.connections.get(), 0);
        assert!(m.render().contains("switchyard_connections 0"));
    }
}

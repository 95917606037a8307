//! The engine side by side with Unleash's Rust engine (yggdrasil) on equivalent flags, in the
//! same run: a static flag; one string condition; three conditions with a semver check; a 3-way
//! percentage split; every one of 100 flags for one context.
//!
//! The machine this runs on is shared and noisy, so every row is measured interleaved: rounds of
//! a fixed number of iterations, Switchyard and yggdrasil alternating (A, B, B, A, ...), each round
//! timed on its own. A row reports each engine's median time per operation with the quartiles
//! (p25–p75) of its rounds, the ratio of the medians, and the quartiles of the per-round ratios
//! (each yggdrasil round over the Switchyard round beside it). Quartiles rather than p10–p90:
//! another build on a 2-core machine takes whole rounds away, and the tails show that, not the
//! engines.
//!
//! `SWITCHYARD_BENCH_ROUNDS` (default 101) and `SWITCHYARD_BENCH_ROUND_MS` (default 2) change the
//! number and length of rounds; a row name on the command line (`static`, `one`, `three`,
//! `split`, `bulk100`) runs only the rows containing it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_debug_implementations
)]

use serde_json::{Map, Value, json};
use std::hint::black_box;
use std::time::{Duration, Instant};
use switchyard_core::engine::{Context, FlagSet};
use unleash_types::client_features::ClientFeatures;
use unleash_yggdrasil::{Context as YContext, EngineState};

const NOW: i64 = 1_700_000_000;
const YGGDRASIL: &str = "yggdrasil 0.21.7";

/// Our four flag shapes, keyed by the name each row uses.
fn switchyard_flag(kind: &str) -> Value {
    let bool_flag = |targeting: Value| {
        json!({"state": "ENABLED", "variants": {"on": true, "off": false},
               "defaultVariant": "off", "targeting": targeting})
    };
    match kind {
        "static" => json!({"state": "ENABLED", "variants": {"on": true, "off": false},
                           "defaultVariant": "on"}),
        "one" => bool_flag(json!({"if": [{"in": [{"var": "country"}, ["DE"]]}, "on", "off"]})),
        "three" => bool_flag(json!({"if": [{"and": [
            {"in": [{"var": "country"}, ["DE"]]},
            {"in": [{"var": "plan"}, ["pro", "team"]]},
            {"sem_ver": [{"var": "appVersion"}, ">", "1.9.9"]}
        ]}, "on", "off"]})),
        _ => json!({"state": "ENABLED", "variants": {"a": "a", "b": "b", "c": "c"},
                    "defaultVariant": "a",
                    "targeting": {"fractional": [["a", 34], ["b", 33], ["c", 33]]}}),
    }
}

/// The same four shapes in Unleash's client features format.
fn unleash_feature(name: &str, kind: &str) -> Value {
    let constraint = |ctx: &str, op: &str, values: Value| {
        json!({"contextName": ctx, "operator": op, "values": values, "inverted": false,
               "caseInsensitive": false})
    };
    let (strategies, variants) = match kind {
        "static" => (json!([]), json!([])),
        "one" => (
            json!([{"name": "default", "parameters": {},
                    "constraints": [constraint("country", "IN", json!(["DE"]))]}]),
            json!([]),
        ),
        "three" => (
            json!([{"name": "default", "parameters": {}, "constraints": [
                constraint("country", "IN", json!(["DE"])),
                constraint("plan", "IN", json!(["pro", "team"])),
                {"contextName": "appVersion", "operator": "SEMVER_GT", "value": "1.9.9",
                 "inverted": false, "caseInsensitive": false}
            ]}]),
            json!([]),
        ),
        _ => (
            json!([]),
            json!([
                {"name": "a", "weight": 340, "weightType": "variable", "stickiness": "default"},
                {"name": "b", "weight": 330, "weightType": "variable", "stickiness": "default"},
                {"name": "c", "weight": 330, "weightType": "variable", "stickiness": "default"}
            ]),
        ),
    };
    json!({"name": name, "enabled": true, "strategies": strategies, "variants": variants})
}

const KINDS: [&str; 4] = ["static", "one", "three", "split"];

fn flag_name(count: usize, i: usize) -> String {
    let kind = KINDS[i % 4];
    if count == 4 {
        kind.to_owned()
    } else {
        format!("{kind}-{i}")
    }
}

fn switchyard_set(count: usize) -> FlagSet {
    let flags: Map<String, Value> = (0..count)
        .map(|i| (flag_name(count, i), switchyard_flag(KINDS[i % 4])))
        .collect();
    FlagSet::parse(&json!({ "flags": flags })).expect("bench flags parse")
}

fn unleash_engine(count: usize) -> EngineState {
    let features: Vec<Value> = (0..count)
        .map(|i| unleash_feature(&flag_name(count, i), KINDS[i % 4]))
        .collect();
    let state: ClientFeatures =
        serde_json::from_value(json!({"version": 2, "features": features})).expect("features");
    let engine = EngineState::default();
    let warnings = engine.take_state(unleash_yggdrasil::UpdateMessage::FullResponse(state));
    assert!(
        warnings.as_ref().is_none_or(Vec::is_empty),
        "yggdrasil warnings: {warnings:?}"
    );
    engine
}

fn contexts() -> (Value, YContext) {
    let ours = json!({"targetingKey": "user-7", "country": "DE", "plan": "pro",
                      "appVersion": "2.1.0"});
    let props = [("country", "DE"), ("plan", "pro"), ("appVersion", "2.1.0")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let theirs = YContext {
        user_id: Some("user-7".into()),
        properties: Some(props),
        ..YContext::default()
    };
    (ours, theirs)
}

/// How many rounds, and how long each should take.
struct Plan {
    rounds: usize,
    round: Duration,
}

impl Plan {
    fn from_env() -> Plan {
        let num = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|n| *n > 0)
                .unwrap_or(default)
        };
        Plan {
            rounds: usize::try_from(num("SWITCHYARD_BENCH_ROUNDS", 101)).unwrap_or(101),
            round: Duration::from_millis(num("SWITCHYARD_BENCH_ROUND_MS", 2)),
        }
    }
}

/// Times `iters` calls of `f`, in nanoseconds per call.
fn time_round(f: &mut dyn FnMut(), iters: u64) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed().as_nanos() as f64 / iters as f64
}

/// Iterations that make one round of the slower of the two about `round` long.
fn calibrate(a: &mut dyn FnMut(), b: &mut dyn FnMut(), round: Duration) -> u64 {
    let mut iters = 16u64;
    loop {
        let start = Instant::now();
        for _ in 0..iters {
            a();
            b();
        }
        let took = start.elapsed();
        if took >= round / 4 || iters > 1 << 30 {
            let per_pair = took.as_nanos() as f64 / iters as f64;
            return ((round.as_nanos() as f64 / per_pair).ceil() as u64).max(1);
        }
        iters *= 2;
    }
}

/// The value at quantile `q` of sorted data (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i]
}

/// A median and the quartiles around it.
struct Spread {
    median: f64,
    lo: f64,
    hi: f64,
}

fn spread(mut xs: Vec<f64>) -> Spread {
    xs.sort_by(f64::total_cmp);
    Spread {
        median: quantile(&xs, 0.5),
        lo: quantile(&xs, 0.25),
        hi: quantile(&xs, 0.75),
    }
}

struct Row {
    name: &'static str,
    ours: Spread,
    theirs: Spread,
    /// yggdrasil's round over ours, per pair of rounds.
    ratios: Spread,
    iters: u64,
}

/// Measures one row: Switchyard (`a`) and yggdrasil (`b`) in alternating rounds.
fn measure(name: &'static str, plan: &Plan, a: &mut dyn FnMut(), b: &mut dyn FnMut()) -> Row {
    // Warm up both (caches, branch predictors, the CPU's clock) before calibrating.
    let warm = Instant::now();
    while warm.elapsed() < plan.round * 4 {
        a();
        b();
    }
    let iters = calibrate(a, b, plan.round);
    let (mut ours, mut theirs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for r in 0..plan.rounds {
        let (x, y) = if r % 2 == 0 {
            let x = time_round(a, iters);
            (x, time_round(b, iters))
        } else {
            let y = time_round(b, iters);
            (time_round(a, iters), y)
        };
        ours.push(x);
        theirs.push(y);
        ratios.push(y / x);
    }
    Row {
        name,
        ours: spread(ours),
        theirs: spread(theirs),
        ratios: spread(ratios),
        iters,
    }
}

/// A time in the unit its median reads best in: `40.8 ns (40.1–41.9)`, `4.98 µs (4.90–5.10)`.
fn cell(s: &Spread) -> String {
    let (scale, unit, digits) = if s.median >= 1000.0 {
        (1000.0, "µs", 2)
    } else {
        (1.0, "ns", 1)
    };
    format!(
        "{:.digits$} {unit} ({:.digits$}–{:.digits$})",
        s.median / scale,
        s.lo / scale,
        s.hi / scale
    )
}

fn print_table(rows: &[Row], plan: &Plan) {
    println!(
        "\nInterleaved: {} rounds per engine per row, each about {} ms; median per operation \
         (p25–p75 of rounds); ratio of the medians (p25–p75 of per-round ratios).\n",
        plan.rounds,
        plan.round.as_millis()
    );
    println!("| row | Switchyard | {YGGDRASIL} | ratio (yggdrasil / Switchyard) |");
    println!("|---|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {} | {:.2}× ({:.2}–{:.2}) |",
            r.name,
            cell(&r.ours),
            cell(&r.theirs),
            r.theirs.median / r.ours.median,
            r.ratios.lo,
            r.ratios.hi
        );
    }
    let iters: Vec<String> = rows.iter().map(|r| r.iters.to_string()).collect();
    println!("\niterations per round: {}", iters.join(", "));
}

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let wanted = |row: &str| filter.as_deref().is_none_or(|f| row.contains(f));
    let plan = Plan::from_env();

    let set = switchyard_set(4);
    let engine = unleash_engine(4);
    let bulk_set = switchyard_set(100);
    let bulk_engine = unleash_engine(100);
    let (attrs, yctx) = contexts();
    let ctx = Context::new(&attrs, NOW).expect("context");

    // Both engines must agree on what the equivalent flags answer.
    for kind in ["static", "one", "three"] {
        assert_eq!(set.evaluate(kind, &ctx).value, Some(&json!(true)), "{kind}");
        assert!(engine.is_enabled(kind, &yctx, &None), "{kind}");
    }
    assert!(set.evaluate("split", &ctx).variant.is_some());
    assert!(engine.get_variant("split", &yctx, &None).enabled);
    assert_eq!(bulk_set.evaluate_all(&ctx).count(), 100);
    assert_eq!(
        bulk_engine.resolve_all(&yctx, &None).map(|m| m.len()),
        Some(100)
    );

    let mut rows = Vec::new();
    let singles = [
        ("static flag", "static"),
        ("one string condition", "one"),
        ("three conditions with semver", "three"),
    ];
    for (name, kind) in singles {
        if wanted(kind) {
            rows.push(measure(
                name,
                &plan,
                &mut || {
                    black_box(set.evaluate(black_box(kind), black_box(&ctx)));
                },
                &mut || {
                    black_box(engine.is_enabled(black_box(kind), black_box(&yctx), &None));
                },
            ));
        }
    }
    if wanted("split") {
        rows.push(measure(
            "3-way percentage split",
            &plan,
            &mut || {
                black_box(set.evaluate(black_box("split"), black_box(&ctx)));
            },
            &mut || {
                black_box(engine.get_variant(black_box("split"), black_box(&yctx), &None));
            },
        ));
    }
    if wanted("bulk100") {
        rows.push(measure(
            "bulk: 100 flags, one context",
            &plan,
            &mut || {
                black_box(bulk_set.evaluate_all(black_box(&ctx)).collect::<Vec<_>>());
            },
            &mut || {
                black_box(bulk_engine.resolve_all(black_box(&yctx), &None));
            },
        ));
    }
    print_table(&rows, &plan);
}

//! The engine side by side with Unleash's Rust engine (yggdrasil) on equivalent flags, in the
//! same run: a static flag; one string condition; three conditions with a semver check; a 3-way
//! percentage split; every one of 100 flags for one context.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_debug_implementations
)]

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Map, Value, json};
use std::hint::black_box;
use switchyard_core::engine::{Context, FlagSet};
use unleash_types::client_features::ClientFeatures;
use unleash_yggdrasil::{Context as YContext, EngineState};

const NOW: i64 = 1_700_000_000;

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

fn switchyard_set(count: usize) -> FlagSet {
    let mut flags = Map::new();
    for i in 0..count {
        let kind = KINDS[i % 4];
        let name = if count == 4 {
            kind.to_owned()
        } else {
            format!("{kind}-{i}")
        };
        flags.insert(name, switchyard_flag(kind));
    }
    FlagSet::parse(&json!({ "flags": flags })).expect("bench flags parse")
}

fn unleash_engine(count: usize) -> EngineState {
    let features: Vec<Value> = (0..count)
        .map(|i| {
            let kind = KINDS[i % 4];
            let name = if count == 4 {
                kind.to_owned()
            } else {
                format!("{kind}-{i}")
            };
            unleash_feature(&name, kind)
        })
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

fn single_flags(c: &mut Criterion) {
    let set = switchyard_set(4);
    let engine = unleash_engine(4);
    let (attrs, yctx) = contexts();
    let ctx = Context::new(&attrs, NOW).expect("context");
    // Both engines must agree on what the equivalent flags answer.
    for kind in ["static", "one", "three"] {
        assert_eq!(set.evaluate(kind, &ctx).value, Some(&json!(true)), "{kind}");
        assert!(engine.is_enabled(kind, &yctx, &None), "{kind}");
    }
    assert!(set.evaluate("split", &ctx).variant.is_some());
    assert!(engine.get_variant("split", &yctx, &None).enabled);

    let mut g = c.benchmark_group("engine");
    for kind in ["static", "one", "three"] {
        g.bench_function(format!("switchyard/{kind}"), |b| {
            b.iter(|| black_box(set.evaluate(black_box(kind), &ctx)))
        });
        g.bench_function(format!("yggdrasil/{kind}"), |b| {
            b.iter(|| black_box(engine.is_enabled(black_box(kind), &yctx, &None)))
        });
    }
    g.bench_function("switchyard/split", |b| {
        b.iter(|| black_box(set.evaluate(black_box("split"), &ctx)))
    });
    g.bench_function("yggdrasil/split", |b| {
        b.iter(|| black_box(engine.get_variant(black_box("split"), &yctx, &None)))
    });
    g.finish();
}

fn bulk(c: &mut Criterion) {
    let set = switchyard_set(100);
    let engine = unleash_engine(100);
    let (attrs, yctx) = contexts();
    let ctx = Context::new(&attrs, NOW).expect("context");
    assert_eq!(set.evaluate_all(&ctx).count(), 100);
    assert_eq!(engine.resolve_all(&yctx, &None).map(|m| m.len()), Some(100));
    let mut g = c.benchmark_group("engine");
    g.bench_function("switchyard/bulk100", |b| {
        b.iter(|| black_box(set.evaluate_all(black_box(&ctx)).collect::<Vec<_>>()))
    });
    g.bench_function("yggdrasil/bulk100", |b| {
        b.iter(|| black_box(engine.resolve_all(black_box(&yctx), &None)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = single_flags, bulk
}
criterion_main!(benches);

//! Any bytes as an evaluation context, evaluated against a document that uses every operator:
//! context parsing and evaluation never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use std::sync::OnceLock;
use switchyard_core::engine::{Context, FlagSet};

fn flags() -> &'static FlagSet {
    static SET: OnceLock<FlagSet> = OnceLock::new();
    SET.get_or_init(|| {
        let doc = json!({"flags": {
            "f": {"state": "ENABLED", "defaultVariant": "a",
                  "variants": {"a": 1, "b": 2, "c": 3},
                  "targeting": {"if": [
                      {"and": [{"in": [{"var": "email"}, "@example.com"]}, {"starts_with": [{"var": "name"}, "A"]}]}, "b",
                      {"sem_ver": [{"var": "version"}, ">=", "1.2.0"]}, "c",
                      {">": [{"var": "n"}, {"var": "m"}]}, {"fractional": [{"var": "targetingKey"}, ["a", 50], ["b", 50]]},
                      {"ends_with": [{"var": "name"}, "z"]}, "a",
                      null]}}}});
        FlagSet::parse(&doc).expect("the fuzz document parses")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(attrs) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    if let Ok(ctx) = Context::new(&attrs, 1_700_000_000) {
        std::hint::black_box(flags().evaluate("f", &ctx));
    }
});

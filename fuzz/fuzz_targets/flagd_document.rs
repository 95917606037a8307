//! Any bytes as a flagd document: parsing (lenient and strict) and evaluating every flag never
//! panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use switchyard_core::engine::{Context, FlagSet};

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let _ = FlagSet::parse_strict(&doc);
    if let Ok(set) = FlagSet::parse(&doc) {
        let attrs = json!({"targetingKey": "user-1", "plan": "pro", "version": "1.2.3", "n": 7});
        if let Ok(ctx) = Context::new(&attrs, 1_700_000_000) {
            for (_, r) in set.evaluate_all(&ctx) {
                std::hint::black_box(r);
            }
        }
    }
});

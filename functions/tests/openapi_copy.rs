//! The dashboard's API types are generated from `web/openapi.json`; this keeps that copy equal to
//! the document the routers describe. `UPDATE_OPENAPI=1 cargo test --test openapi_copy` rewrites
//! it (then `npm run gen:types` in web/).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use switchyard_functions::{Group, api};

#[test]
fn the_committed_openapi_document_is_the_one_the_api_serves() {
    let (_, doc) = api(&Group::ALL);
    let current = serde_json::to_value(&doc).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../web/openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        let text = serde_json::to_string_pretty(&current).unwrap() + "\n";
        std::fs::write(path, text).unwrap();
    }
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(
        committed == current,
        "web/openapi.json is stale: run UPDATE_OPENAPI=1 cargo test -p switchyard-functions --test openapi_copy, then npm run gen:types in web/"
    );
}

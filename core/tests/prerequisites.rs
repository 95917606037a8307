//! Prerequisites as the engine evaluates them: the environment's flagd document (where they are
//! compiled into plain JsonLogic) against what prerequisites mean.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "fixtures/snapshot.rs"]
mod snapshot;

use serde_json::{Value, json};
use snapshot::{F, served, snapshot};
use switchyard_core::engine::{Context, FlagSet, Reason};
use switchyard_core::flagd::Document;
use switchyard_core::store::EnvironmentSnapshot;

fn variant(set: &FlagSet, key: &str, attrs: Value) -> (Option<String>, Reason) {
    let r = set.evaluate(key, &Context::new(&attrs, 0).unwrap());
    assert!(r.error.is_none(), "{key}: {:?}", r.error);
    (r.variant.map(str::to_owned), r.reason)
}

fn on_off(key: &'static str, default: &'static str, targeting: Value) -> F {
    F(
        key,
        json!({"on": true, "off": false}),
        true,
        Some(default),
        Some(targeting),
    )
}

fn checkout() -> F {
    F(
        "checkout",
        json!({"new": "new", "old": "old"}),
        true,
        Some("old"),
        Some(json!({"if": [{"ends_with": [{"var": "email"}, "@example.com"]}, "new", null]})),
    )
}

#[test]
fn a_held_prerequisite_lets_the_flags_own_targeting_decide() {
    let snap = snapshot(
        &[
            checkout(),
            on_off("beta", "off", json!({"if": [{"var": "beta"}, "on", null]})),
        ],
        &[("checkout", "beta", &["on"])],
    );
    let set = served(&snap);
    let staff = json!({"beta": true, "email": "ada@example.com"});
    assert_eq!(
        variant(&set, "checkout", staff),
        (Some("new".into()), Reason::TargetingMatch)
    );
    let other = json!({"beta": true, "email": "bob@elsewhere.org"});
    assert_eq!(
        variant(&set, "checkout", other),
        (Some("old".into()), Reason::Default)
    );
}

#[test]
fn a_failed_prerequisite_serves_the_default_variant() {
    let snap = snapshot(
        &[
            checkout(),
            on_off("beta", "off", json!({"if": [{"var": "beta"}, "on", null]})),
        ],
        &[("checkout", "beta", &["on"])],
    );
    let staff = json!({"beta": false, "email": "ada@example.com"});
    assert_eq!(
        variant(&served(&snap), "checkout", staff),
        (Some("old".into()), Reason::Default)
    );
}

#[test]
fn a_failed_prerequisite_without_a_default_variant_serves_the_callers_default() {
    let mut flags = vec![
        checkout(),
        on_off("beta", "off", json!({"if": [{"var": "beta"}, "on", null]})),
    ];
    flags[0].3 = None;
    let snap = snapshot(&flags, &[("checkout", "beta", &["on"])]);
    let set = served(&snap);
    let attrs = json!({"beta": false, "email": "ada@example.com"});
    let r = set.evaluate("checkout", &Context::new(&attrs, 0).unwrap());
    assert_eq!(
        (r.value, r.variant, r.reason),
        (None, None, Reason::Default)
    );
}

#[test]
fn a_disabled_prerequisite_flag_never_holds() {
    let mut beta = on_off("beta", "on", json!({"if": [{"var": "beta"}, "on", null]}));
    beta.2 = false;
    let snap = snapshot(&[checkout(), beta], &[("checkout", "beta", &["on", "off"])]);
    let staff = json!({"beta": true, "email": "ada@example.com"});
    assert_eq!(
        variant(&served(&snap), "checkout", staff),
        (Some("old".into()), Reason::Default)
    );
}

#[test]
fn a_prerequisite_serving_its_default_variant_holds_when_that_variant_is_listed() {
    let snap = snapshot(
        &[
            checkout(),
            on_off("beta", "on", json!({"if": [{"var": "beta"}, "off", null]})),
        ],
        &[("checkout", "beta", &["on"])],
    );
    let staff = json!({"email": "ada@example.com"});
    assert_eq!(
        variant(&served(&snap), "checkout", staff),
        (Some("new".into()), Reason::TargetingMatch)
    );
}

#[test]
fn an_operator_error_in_a_prerequisite_serves_its_default_as_it_would_alone() {
    // No targetingKey: the split fails, and rollout serves its default variant, "on".
    let rollout = on_off(
        "rollout",
        "on",
        json!({"fractional": [["on", 50], ["off", 50]]}),
    );
    let snap = snapshot(&[checkout(), rollout], &[("checkout", "rollout", &["on"])]);
    let set = served(&snap);
    let attrs = json!({"email": "ada@example.com"});
    assert_eq!(
        variant(&set, "rollout", attrs.clone()).0.as_deref(),
        Some("on")
    );
    assert_eq!(
        variant(&set, "checkout", attrs),
        (Some("new".into()), Reason::TargetingMatch)
    );
}

#[test]
fn a_fractional_prerequisite_buckets_a_user_as_the_prerequisite_flag_itself_does() {
    let rollout = on_off(
        "rollout",
        "off",
        json!({"fractional": [["on", 30], ["off", 70]]}),
    );
    let open = F(
        "open",
        json!({"yes": "yes", "no": "no"}),
        true,
        Some("no"),
        Some(json!({"if": [true, "yes", null]})),
    );
    let snap = snapshot(&[open, rollout], &[("open", "rollout", &["on"])]);
    let set = served(&snap);
    let mut on = 0;
    for i in 0..400 {
        let attrs = json!({"targetingKey": format!("user-{i}")});
        let (rolled, reason) = variant(&set, "rollout", attrs.clone());
        assert_eq!(reason, Reason::Split);
        let (opened, reason) = variant(&set, "open", attrs);
        let held = rolled.as_deref() == Some("on");
        on += usize::from(held);
        assert_eq!(
            opened.as_deref(),
            Some(if held { "yes" } else { "no" }),
            "user-{i}"
        );
        // The split chosen inside the prerequisite is not this flag's own.
        assert_ne!(reason, Reason::Split);
    }
    assert!((80..160).contains(&on), "{on} of 400 in the 30% bucket");
}

#[test]
fn nested_prerequisites_hold_only_when_the_whole_chain_does() {
    let snap = snapshot(
        &[
            checkout(),
            on_off("beta", "off", json!({"if": [{"var": "beta"}, "on", null]})),
            on_off(
                "region",
                "off",
                json!({"if": [{"==": [{"var": "region"}, "eu"]}, "on", null]}),
            ),
        ],
        &[("checkout", "beta", &["on"]), ("beta", "region", &["on"])],
    );
    let set = served(&snap);
    let staff = |beta: bool, region: &str| json!({"beta": beta, "region": region, "email": "a@example.com"});
    assert_eq!(
        variant(&set, "checkout", staff(true, "eu")).0.as_deref(),
        Some("new")
    );
    assert_eq!(
        variant(&set, "checkout", staff(true, "us")).0.as_deref(),
        Some("old")
    );
    assert_eq!(
        variant(&set, "checkout", staff(false, "eu")).0.as_deref(),
        Some("old")
    );
    assert_eq!(
        variant(&set, "beta", staff(true, "us")),
        (Some("off".into()), Reason::Default)
    );
}

#[test]
fn the_explanation_names_the_prerequisite_that_decided() {
    let snap = snapshot(
        &[
            checkout(),
            on_off("beta", "off", json!({"if": [{"var": "beta"}, "on", null]})),
            on_off(
                "region",
                "on",
                json!({"if": [{"==": [{"var": "region"}, "us"]}, "off", null]}),
            ),
        ],
        &[
            ("checkout", "region", &["on"]),
            ("checkout", "beta", &["on"]),
        ],
    );
    let set = served(&snap);
    let attrs = json!({"beta": false, "region": "eu", "email": "a@example.com"});
    let e = set.explain("checkout", &Context::new(&attrs, 0).unwrap());
    assert_eq!(e.variant.as_deref(), Some("old"));
    assert_eq!(e.failed_prerequisite.as_deref(), Some("beta"));
    let traces: Vec<(&str, Option<&str>, bool)> = e
        .prerequisites
        .iter()
        .map(|t| (t.flag.as_str(), t.variant.as_deref(), t.held))
        .collect();
    assert_eq!(
        traces,
        [("region", Some("on"), true), ("beta", Some("off"), false)]
    );
    assert!(e.rules.is_empty());

    let attrs = json!({"beta": true, "region": "eu", "email": "a@example.com"});
    let e = set.explain("checkout", &Context::new(&attrs, 0).unwrap());
    assert_eq!(e.failed_prerequisite, None);
    assert_eq!(e.prerequisites.len(), 2);
    assert_eq!(
        (e.matched_rule, e.variant.as_deref()),
        (Some(0), Some("new"))
    );
}

/// What prerequisites mean, evaluated flag by flag on the document without them.
fn meant(raw: &FlagSet, snap: &EnvironmentSnapshot, key: &str, attrs: &Value) -> Option<String> {
    let (_, state) = snap.flags.iter().find(|(f, _)| f.key == key).unwrap();
    let ctx = Context::new(attrs, 0).unwrap();
    if !state.enabled {
        return None;
    }
    let holds = state.prerequisites.iter().all(|p| {
        let enabled = snap.flags.iter().any(|(f, s)| f.key == p.flag && s.enabled);
        enabled && meant(raw, snap, &p.flag, attrs).is_some_and(|v| p.variants.contains(&v))
    });
    if holds {
        raw.evaluate(key, &ctx).variant.map(str::to_owned)
    } else {
        state.default_variant.clone()
    }
}

#[test]
fn the_exported_document_evaluates_as_prerequisites_mean_in_the_server_and_after_export() {
    let snap = snapshot(
        &[
            checkout(),
            on_off(
                "beta",
                "off",
                json!({"if": [{"in": [{"var": "plan"}, ["pro", "team"]]}, "on", null]}),
            ),
            on_off(
                "rollout",
                "on",
                json!({"fractional": [["on", 1], ["off", 1]]}),
            ),
            F(
                "tier",
                json!({"1": 1, "2": 2}),
                true,
                Some("1"),
                Some(json!({"if": [{"var": "big"}, 2, 1]})),
            ),
            F(
                "kill",
                json!({"true": true, "false": false}),
                true,
                Some("false"),
                Some(json!({"var": "kill"})),
            ),
        ],
        &[
            ("checkout", "beta", &["on"]),
            ("checkout", "tier", &["2"]),
            ("beta", "rollout", &["on"]),
            ("tier", "kill", &["false"]),
        ],
    );
    let mut raw_doc: Document = snap.to_flagd();
    for (f, s) in &snap.flags {
        raw_doc.flags.get_mut(&f.key).unwrap().targeting = s.targeting.clone();
    }
    raw_doc.evaluators.retain(|k, _| !k.starts_with("flag:"));
    let raw = FlagSet::compile(&raw_doc);
    let server = served(&snap);
    let text = serde_json::to_string(&snap.to_flagd()).unwrap();
    let exported = FlagSet::from_json_str(&text).unwrap();
    assert!(exported.warnings().is_empty(), "{:?}", exported.warnings());
    let mut seen = std::collections::BTreeSet::new();
    for i in 0..64 {
        let plan = ["free", "pro", "team"][i % 3];
        let attrs = json!({
            "targetingKey": format!("u{i}"),
            "plan": plan,
            "big": i % 4 == 0,
            "kill": i % 5 == 0,
            "email": if i % 2 == 0 { "a@example.com" } else { "b@elsewhere.org" },
        });
        for key in ["checkout", "beta", "tier"] {
            let want = meant(&raw, &snap, key, &attrs);
            let ctx = Context::new(&attrs, 0).unwrap();
            let got = server.evaluate(key, &ctx);
            assert_eq!(got.variant.map(str::to_owned), want, "{key} {attrs}");
            let again = exported.evaluate(key, &ctx);
            assert_eq!(
                (again.variant, again.reason),
                (got.variant, got.reason),
                "{key}"
            );
            seen.insert((key, want));
        }
    }
    assert!(seen.contains(&("checkout", Some("new".into()))), "{seen:?}");
    assert!(seen.contains(&("checkout", Some("old".into()))), "{seen:?}");
}

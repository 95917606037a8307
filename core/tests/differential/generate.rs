//! Generated flagd documents and contexts for the differential test: every operator, with the
//! attribute kinds that make engines disagree (missing, null, numbers against strings, arrays).
//! Deterministic: a fixed seed gives the same cases on every run.

use serde_json::{Map, Value, json};

/// SplitMix64: small, seeded, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// One case: a flag of a document resolved for a context, with the type the caller asks for.
#[derive(Debug, Clone)]
pub struct Case {
    /// The operator family (the flag key without its number): what allow-list entries match on.
    pub family: String,
    pub flag: String,
    pub kind: &'static str,
    pub default: Value,
    pub context: Value,
}

pub struct Suite {
    pub document: Value,
    pub cases: Vec<Case>,
}

const VERSIONS: &[&str] = &[
    "1.2.3",
    "1.2.0",
    "1.1.0",
    "1.9.9",
    "2.0.0",
    "0.2.9",
    "0.3.1",
    "v1.2.3",
    "1.2",
    "1",
    "2.0.0-alpha",
    "1.2.3+build",
    "not-a-version",
    "2.0.0.0",
    "",
];
const SEMVER_OPS: &[&str] = &["=", "!=", "<", "<=", ">", ">=", "^", "~"];
const SEMVER_TARGETS: &[&str] = &["1.2.3", "0.2.3", "2.0.0", "1.0"];
const COUNTRIES: &[&str] = &["DE", "AT", "FR", "", "de", "D", "null"];
const EMAILS: &[&str] = &[
    "ada@example.com",
    "bob@elsewhere.org",
    "example.com",
    "",
    "@",
];

/// A random attribute value of the kind `name` usually holds, or something else.
fn attribute(rng: &mut Rng, name: &str) -> Value {
    if rng.chance(10) {
        return rng
            .pick(&[json!(null), json!(7), json!(true), json!(["DE"]), json!({})])
            .clone();
    }
    match name {
        "country" => json!(rng.pick(COUNTRIES)),
        "version" if rng.chance(10) => json!(rng.pick(&[1, 2, 3])),
        "version" => json!(rng.pick(VERSIONS)),
        "email" => json!(rng.pick(EMAILS)),
        "age" if rng.chance(30) => json!(rng.pick(&["17", "18", "30", "x"])),
        "age" => json!(rng.pick(&[0, 17, 18, 30, 65])),
        "tags" => rng
            .pick(&[
                json!(["beta"]),
                json!(["beta", "qa"]),
                json!([]),
                json!("beta"),
            ])
            .clone(),
        _ => json!(null),
    }
}

pub fn context(rng: &mut Rng) -> Value {
    let mut ctx = Map::new();
    for name in ["country", "version", "email", "age", "tags"] {
        if rng.chance(75) {
            ctx.insert(name.to_owned(), attribute(rng, name));
        }
    }
    if rng.chance(70) {
        ctx.insert(
            "targetingKey".to_owned(),
            json!(format!("user-{}", rng.below(1000))),
        );
    }
    Value::Object(ctx)
}

fn on_off(rule: Value) -> Value {
    json!({"if": [rule, "on", "off"]})
}

/// A condition of one operator family, as a flag's targeting would hold it.
fn condition(rng: &mut Rng, family: &str) -> Value {
    match family {
        "cmp" => {
            let op = *rng.pick(&["<", "<=", ">", ">=", "==", "!=", "===", "!=="]);
            let rhs = rng
                .pick(&[json!(18), json!("18"), json!(0), json!(null)])
                .clone();
            json!({op: [{"var": "age"}, rhs]})
        }
        "between" => json!({"<=": [18, {"var": "age"}, 65]}),
        "in-array" => json!({"in": [{"var": "country"}, ["DE", "AT"]]}),
        "in-array-mixed" => json!({"in": [{"var": "age"}, [18, "30", null]]}),
        "in-substring" => json!({"in": [{"var": "country"}, "DE,AT"]}),
        "in-substring-email" => json!({"in": ["@example", {"var": "email"}]}),
        "eq-array-attribute" => json!({"==": [{"var": "tags"}, "beta"]}),
        "in-tags" => json!({"in": ["beta", {"var": "tags"}]}),
        "semver" => {
            let op = *rng.pick(SEMVER_OPS);
            json!({"sem_ver": [{"var": "version"}, op, rng.pick(SEMVER_TARGETS)]})
        }
        "starts-with" => json!({"starts_with": [{"var": "email"}, *rng.pick(&["ada", "", "@"])]}),
        "ends-with" => {
            json!({"ends_with": [{"var": "email"}, *rng.pick(&["@example.com", "org"])]})
        }
        "ref" => json!({"$ref": "is_german"}),
        "not-semver" => json!({"!": {"sem_ver": [{"var": "version"}, ">=", "1.2.0"]}}),
        "missing" => json!({"missing": ["email", "age"]}),
        _ => json!(true),
    }
}

/// The families whose flags are boolean `on`/`off` around a condition.
const CONDITIONS: &[&str] = &[
    "cmp",
    "between",
    "in-array",
    "in-array-mixed",
    "in-substring",
    "in-substring-email",
    "eq-array-attribute",
    "in-tags",
    "semver",
    "starts-with",
    "ends-with",
    "ref",
    "not-semver",
    "missing",
];

fn fractional(rng: &mut Rng, family: &str) -> Value {
    let weights = [rng.below(4) as i64 * 25, 50, rng.below(3) as i64 * 10];
    let buckets = vec![
        json!(["a", weights[0]]),
        json!(["b", weights[1]]),
        json!(["c", weights[2]]),
    ];
    let mut args = match family {
        "fractional-keyed" => vec![json!({"var": "email"})],
        "fractional-cat" => vec![json!({"cat": [{"var": "$flagd.flagKey"}, {"var": "email"}]})],
        _ => Vec::new(),
    };
    args.extend(buckets);
    json!({"fractional": args})
}

/// One flag of a family, numbered so that a document holds several of each.
fn flag(rng: &mut Rng, family: &str) -> Value {
    let with_default = !rng.chance(15);
    let state = if rng.chance(8) { "DISABLED" } else { "ENABLED" };
    let (variants, default, targeting) = match family {
        f if f.starts_with("fractional") && f != "fractional-nested" => (
            json!({"a": "a", "b": "b", "c": "c", "d": "d"}),
            "d",
            fractional(rng, family),
        ),
        "fractional-nested" => (
            json!({"a": "a", "b": "b", "1": "one", "true": "yes", "d": "d"}),
            "d",
            json!({"fractional": [
                [{"if": [{"var": "email"}, "a", "b"]}, 1], [1, 1], [true, 1],
                [{"fractional": [["a", 1], ["b", 1]]}, 1]]}),
        ),
        "static" => (json!({"on": true, "off": false}), "on", Value::Null),
        "null-result" => (
            json!({"on": 1, "off": 0}),
            "off",
            json!({"if": [{"var": "age"}, "on", null]}),
        ),
        family => (
            json!({"on": true, "off": false}),
            "off",
            on_off(condition(rng, family)),
        ),
    };
    let mut f = json!({"state": state, "variants": variants});
    if with_default {
        f["defaultVariant"] = json!(default);
    }
    if !targeting.is_null() {
        f["targeting"] = targeting;
    }
    f
}

fn kind_of(variants: &Value) -> &'static str {
    match variants.as_object().and_then(|m| m.values().next()) {
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "integer",
        _ => "string",
    }
}

fn default_of(kind: &str) -> Value {
    match kind {
        "boolean" => json!(false),
        "integer" => json!(-1),
        _ => json!("code-default"),
    }
}

/// A document with `per_family` flags of every family, and every flag resolved for each of
/// `contexts` generated contexts (one case in twenty asks for the wrong type).
pub fn suite(rng: &mut Rng, per_family: usize, contexts: usize) -> Suite {
    let families: Vec<&str> = CONDITIONS
        .iter()
        .copied()
        .chain([
            "fractional-unkeyed",
            "fractional-keyed",
            "fractional-cat",
            "fractional-nested",
            "static",
            "null-result",
        ])
        .collect();
    let mut flags = Map::new();
    let mut keys = Vec::new();
    for family in &families {
        for i in 0..per_family {
            let key = format!("{family}-{i}");
            flags.insert(key.clone(), flag(rng, family));
            keys.push((family.to_string(), key));
        }
    }
    let document = json!({
        "flags": flags,
        "$evaluators": {"is_german": {"in": [{"var": "country"}, ["DE", "AT"]]}},
        "metadata": {"flagSetId": "differential", "version": "1"},
    });
    let mut cases = Vec::new();
    for _ in 0..contexts {
        let ctx = context(rng);
        for (family, key) in &keys {
            let mut kind = kind_of(&document["flags"][key]["variants"]);
            if rng.chance(5) {
                kind = if kind == "string" {
                    "boolean"
                } else {
                    "string"
                };
            }
            cases.push(Case {
                family: family.clone(),
                flag: key.clone(),
                kind,
                default: default_of(kind),
                context: ctx.clone(),
            });
        }
    }
    if let Some(first) = cases.first().cloned() {
        cases.push(Case {
            family: "unknown".to_owned(),
            flag: "no-such-flag".to_owned(),
            ..first
        });
    }
    Suite { document, cases }
}

//! The domain's rules for what may be stored, checked by every path that writes (the API, flagd
//! import, restore, copy, and later schedules and approvals). Each failure names its field with a
//! JSON Pointer, as the engine's problems do.

use crate::store::json_len;
use serde_json::Value;

use super::error::{ChangeError, Result};
use crate::clock::{Clock, SystemClock};
use crate::domain::{Flag, FlagState, Segment, Variant};
use crate::engine::{FlagSet, FlagType, Problem, budget};
use crate::flagd::{self, Document};

/// At most this many variants per flag.
pub const MAX_VARIANTS: usize = 100;
/// At most this much JSON in a flag's variant values.
pub const MAX_VARIANT_BYTES: usize = 64 * 1024;
/// At most this much JSON in one targeting rule.
pub const MAX_TARGETING_BYTES: usize = 256 * 1024;
/// At most this much JSON in one segment's rule.
pub const MAX_SEGMENT_BYTES: usize = 64 * 1024;
pub const MAX_TAGS: usize = 20;
pub const MAX_DESCRIPTION: usize = 2000;
pub const MAX_ORIGINS: usize = 50;

/// Keys of flags, segments, variants, tags and environments: 1–128 of `A-Z a-z 0-9 . _ -`,
/// starting with a letter or digit (safe in URLs, flagd documents and storage keys).
pub fn key(field: &str, k: &str) -> Result<()> {
    let ok = (1..=128).contains(&k.len())
        && k.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(ChangeError::field(
            field,
            "use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit",
        ))
    }
}

/// A display name: 1–200 characters, not blank, no control characters (NUL, line breaks…).
pub fn name(field: &str, n: &str) -> Result<()> {
    if n.trim().is_empty() || n.chars().count() > 200 {
        Err(ChangeError::field(field, "must be 1 to 200 characters"))
    } else if n.chars().any(char::is_control) {
        Err(ChangeError::field(field, "may not hold control characters"))
    } else {
        Ok(())
    }
}

pub fn max_len(field: &str, s: &str, max: usize) -> Result<()> {
    if s.chars().count() > max {
        Err(ChangeError::field(
            field,
            format!("must be at most {max} characters"),
        ))
    } else {
        Ok(())
    }
}

pub fn email(field: &str, e: &str) -> Result<()> {
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !e.chars().any(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(ChangeError::field(field, "is not an email address"))
    }
}

/// Variants against the flag's type: 1–100, unique valid names, values of the type, 64 KiB.
pub fn variants(kind: FlagType, variants: &[Variant]) -> Result<()> {
    if variants.is_empty() || variants.len() > MAX_VARIANTS {
        return Err(ChangeError::field(
            "variants",
            format!("needs 1 to {MAX_VARIANTS} variants"),
        ));
    }
    for (i, v) in variants.iter().enumerate() {
        key(&format!("variants/{i}/name"), &v.name)?;
        if variants[..i].iter().any(|w| w.name == v.name) {
            return Err(ChangeError::field(
                &format!("variants/{i}/name"),
                "is used twice",
            ));
        }
        if !kind.admits(&v.value) {
            return Err(ChangeError::field(
                &format!("variants/{i}/value"),
                format!("is not a {kind}"),
            ));
        }
    }
    if json_len(variants) > MAX_VARIANT_BYTES {
        return Err(ChangeError::field(
            "variants",
            "may hold at most 64 KiB of values",
        ));
    }
    Ok(())
}

pub fn tags(tags: &[String]) -> Result<()> {
    if tags.len() > MAX_TAGS {
        return Err(ChangeError::field(
            "tags",
            format!("at most {MAX_TAGS} tags"),
        ));
    }
    for (i, t) in tags.iter().enumerate() {
        key(&format!("tags/{i}"), t)?;
    }
    Ok(())
}

/// A flag definition as a whole: key, name, description, variants, tags.
pub fn flag(f: &Flag) -> Result<()> {
    key("key", &f.key)?;
    name("name", &f.name)?;
    max_len("description", &f.description, MAX_DESCRIPTION)?;
    variants(f.kind, &f.variants)?;
    tags(&f.tags)
}

/// A state against its flag and the project's segments: the default variant is a variant, the
/// targeting fits and compiles without a problem (with the engine's paths, under `/targeting`),
/// and stays within the evaluation budget: its worst case, and a dry run against an empty
/// context and one with only a `targetingKey`.
pub fn state(flag: &Flag, segments: &[Segment], s: &FlagState) -> Result<()> {
    if let Some(d) = &s.default_variant
        && !flag.variants.iter().any(|v| &v.name == d)
    {
        return Err(ChangeError::field(
            "defaultVariant",
            format!("{d:?} is not one of the flag's variants"),
        ));
    }
    if let Some(t) = &s.targeting
        && json_len(t) > MAX_TARGETING_BYTES
    {
        return Err(ChangeError::field("targeting", "may be at most 256 KiB"));
    }
    let mut doc = Document::default();
    doc.flags
        .insert(flag.key.clone(), crate::store::definition(flag, s));
    doc.evaluators = segments
        .iter()
        .map(|g| (g.key.clone(), g.rule.clone()))
        .collect();
    let set = FlagSet::compile(&doc);
    let mut found = set.warnings().to_vec();
    if found.is_empty() {
        found = set.dry_run(SystemClock.now_secs());
    }
    if found.is_empty() {
        return Ok(());
    }
    let prefix = format!("/flags/{}", flag.key.replace('~', "~0").replace('/', "~1"));
    let problems: Vec<Problem> = found
        .iter()
        .map(|p| {
            let path = p.path.strip_prefix(&prefix).unwrap_or(&p.path);
            Problem::new(path, p.message.clone())
        })
        .collect();
    Err(ChangeError::problems(rule_title(&problems), problems))
}

/// What a refused rule's problem says first: over the budget, or not valid.
pub(super) fn rule_title(problems: &[Problem]) -> &'static str {
    if problems
        .iter()
        .any(|p| p.message.starts_with(budget::EXCEEDED))
    {
        "the rule exceeds the evaluation budget"
    } else {
        "the targeting rule is not valid"
    }
}

/// A segment: key, name, description, and its rule (64 KiB, valid JsonLogic) under `/rule`.
pub fn segment(s: &Segment) -> Result<()> {
    key("key", &s.key)?;
    name("name", &s.name)?;
    max_len("description", &s.description, MAX_DESCRIPTION)?;
    if json_len(&s.rule) > MAX_SEGMENT_BYTES {
        return Err(ChangeError::field("rule", "may be at most 64 KiB"));
    }
    crate::engine::validate_rule(&s.rule)
        .map_err(|p| ChangeError::problems("the rule is not valid", p).under("/rule"))?;
    crate::engine::check_budget(&s.rule, SystemClock.now_secs())
        .map_err(|p| ChangeError::problems(rule_title(&p), p).under("/rule"))
}

/// Browser origins an environment allows: at most 50, each `http(s)://host[:port]`.
pub fn origins(origins: &[String]) -> Result<()> {
    if origins.len() > MAX_ORIGINS {
        return Err(ChangeError::field(
            "allowedOrigins",
            format!("at most {MAX_ORIGINS} origins"),
        ));
    }
    for (i, o) in origins.iter().enumerate() {
        let host = o
            .strip_prefix("https://")
            .or_else(|| o.strip_prefix("http://"));
        let ok = host.is_some_and(|h| {
            !h.is_empty()
                && h.len() <= 253
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        });
        if !ok {
            return Err(ChangeError::field(
                &format!("allowedOrigins/{i}"),
                "must be an origin such as https://app.example.com",
            ));
        }
    }
    Ok(())
}

/// A targeting rule as stored: null and `{}` are none.
pub fn targeting(t: Option<Value>) -> Option<Value> {
    flagd::normalize_targeting(t)
}

/// The rules above as OpenAPI schemas, so the document states what the API checks.
#[cfg(feature = "openapi")]
#[allow(dead_code)]
pub mod schema {
    /// A flag, segment, variant, tag or environment key (see [`super::key`]).
    #[derive(Debug, utoipa::ToSchema)]
    #[schema(
        pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$",
        min_length = 1,
        max_length = 128
    )]
    pub struct Key(String);

    /// A display name (see [`super::name`]): 1–200 characters, not blank, no control characters.
    #[derive(Debug, utoipa::ToSchema)]
    #[schema(
        pattern = "^[^\\x00-\\x1F\\x7F-\\x9F]*[^\\s\\x00-\\x1F\\x7F-\\x9F][^\\x00-\\x1F\\x7F-\\x9F]*$",
        min_length = 1,
        max_length = 200
    )]
    pub struct Name(String);

    /// A description: at most 2000 characters.
    #[derive(Debug, utoipa::ToSchema)]
    #[schema(max_length = 2000)]
    pub struct Description(String);

    /// An email address (see [`super::email`]): a local part, `@`, a dotted domain, no spaces.
    #[derive(Debug, utoipa::ToSchema)]
    #[schema(
        pattern = "^[^\\s@]+@[^\\s.][^\\s]*\\.[^\\s]*[^\\s.]$",
        max_length = 254
    )]
    pub struct Email(String);

    /// A browser origin (see [`super::origins`]): `http(s)://host[:port]`.
    #[derive(Debug, utoipa::ToSchema)]
    #[schema(pattern = "^https?://[A-Za-z0-9.:-]{1,253}$")]
    pub struct Origin(String);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_accept_url_safe_words_only() {
        assert!(key("key", "new-checkout_v2.1").is_ok());
        for bad in ["", "-x", "a b", "a/b", "a#b", "ä", &"x".repeat(129)] {
            assert!(key("key", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_refuse_blank_and_control_characters() {
        assert!(name("name", "  ").is_err());
        assert!(name("name", "Zoë's shop").is_ok());
        for bad in ["a\u{0}b", "line\nbreak", "tab\there", "\u{7f}"] {
            assert!(name("name", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(email("email", "ada@example.com").is_ok());
        for bad in ["ada", "@x.com", "a@b", "a b@c.com", "a@.com"] {
            assert!(email("email", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_field_problem_names_its_path() {
        let Err(ChangeError::Invalid { problems, .. }) = key("variants/0/name", "a b") else {
            panic!("expected a problem");
        };
        assert_eq!(problems[0].path, "/variants/0/name");
    }
}

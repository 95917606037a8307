//! flagd's `sem_ver` operator: `{"sem_ver": [version, operator, target]}`.
//!
//! Versions are Semantic Versioning 2.0 strings; a leading `v` or `V` is accepted, partial versions
//! are padded (`1` → `1.0.0`, `1.2` → `1.2.0`), numbers in the context are read as their decimal
//! text, and build metadata takes no part in comparison. Operators: `=`, `!=`, `<`, `<=`, `>`,
//! `>=`, `^` (same major version) and `~` (same major and minor version).

use semver::Version;
use std::cmp::Ordering;

use super::value::Val;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SemVerOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    SameMajor,
    SameMinor,
}

impl SemVerOp {
    pub(crate) fn parse(op: &str) -> Option<SemVerOp> {
        Some(match op {
            "=" => SemVerOp::Eq,
            "!=" => SemVerOp::Ne,
            "<" => SemVerOp::Lt,
            "<=" => SemVerOp::Le,
            ">" => SemVerOp::Gt,
            ">=" => SemVerOp::Ge,
            "^" => SemVerOp::SameMajor,
            "~" => SemVerOp::SameMinor,
            _ => return None,
        })
    }

    pub(crate) fn apply(self, a: &Version, b: &Version) -> bool {
        let ord = precedence(a, b);
        match self {
            SemVerOp::Eq => ord == Ordering::Equal,
            SemVerOp::Ne => ord != Ordering::Equal,
            SemVerOp::Lt => ord == Ordering::Less,
            SemVerOp::Le => ord != Ordering::Greater,
            SemVerOp::Gt => ord == Ordering::Greater,
            SemVerOp::Ge => ord != Ordering::Less,
            SemVerOp::SameMajor => a.major == b.major,
            SemVerOp::SameMinor => a.major == b.major && a.minor == b.minor,
        }
    }
}

impl SemVerOp {
    /// [`SemVerOp::apply`] to two releases (versions with no pre-release part), given as their
    /// `[major, minor, patch]`.
    pub(crate) fn apply_core(self, a: [u64; 3], b: [u64; 3]) -> bool {
        let ord = a.cmp(&b);
        match self {
            SemVerOp::Eq => ord == Ordering::Equal,
            SemVerOp::Ne => ord != Ordering::Equal,
            SemVerOp::Lt => ord == Ordering::Less,
            SemVerOp::Le => ord != Ordering::Greater,
            SemVerOp::Gt => ord == Ordering::Greater,
            SemVerOp::Ge => ord != Ordering::Less,
            SemVerOp::SameMajor => a[0] == b[0],
            SemVerOp::SameMinor => a[..2] == b[..2],
        }
    }
}

/// Semantic Versioning precedence: build metadata is ignored.
fn precedence(a: &Version, b: &Version) -> Ordering {
    (a.major, a.minor, a.patch)
        .cmp(&(b.major, b.minor, b.patch))
        .then_with(|| a.pre.cmp(&b.pre))
}

/// Parses a version the way flagd accepts it.
pub(crate) fn parse_version(text: &str) -> Result<Version, String> {
    let t = text
        .strip_prefix('v')
        .or_else(|| text.strip_prefix('V'))
        .unwrap_or(text);
    if let Some(v) = plain_version(t) {
        return Ok(v);
    }
    // Split off pre-release and build parts, pad the numeric core, put them back.
    let core_end = t.find(['-', '+']).unwrap_or(t.len());
    let (core, rest) = t.split_at(core_end);
    let padded: std::borrow::Cow<'_, str> = match core.split('.').count() {
        1 => format!("{core}.0.0{rest}").into(),
        2 => format!("{core}.0{rest}").into(),
        _ => t.into(),
    };
    Version::parse(&padded).map_err(|e| format!("{text:?} is not a semantic version: {e}"))
}

/// The common case, `MAJOR.MINOR.PATCH` with nothing after it, read without the full parser.
fn plain_version(t: &str) -> Option<Version> {
    plain_numbers(t).map(|[major, minor, patch]| Version::new(major, minor, patch))
}

/// A version text that is a plain `MAJOR.MINOR.PATCH` (a leading `v` or `V` accepted), as its
/// three numbers: exactly the texts [`parse_version`] reads as a release with no build metadata.
pub(crate) fn plain_core(text: &str) -> Option<[u64; 3]> {
    let t = text
        .strip_prefix('v')
        .or_else(|| text.strip_prefix('V'))
        .unwrap_or(text);
    plain_numbers(t)
}

fn plain_numbers(t: &str) -> Option<[u64; 3]> {
    // Each number is read on its own (no array indexed in the loop), so that all three stay in
    // registers: this runs on every `sem_ver` against a context's version.
    let (major, rest) = number_then_dot(t.as_bytes())?;
    let (minor, rest) = number_then_dot(rest)?;
    let patch = number(rest)?;
    Some([major, minor, patch])
}

/// A number followed by a `.`, and what follows the dot.
fn number_then_dot(text: &[u8]) -> Option<(u64, &[u8])> {
    let dot = text.iter().position(|b| *b == b'.')?;
    Some((number(&text[..dot])?, &text[dot + 1..]))
}

/// Digits only, at least one, no leading zero (Semantic Versioning forbids them), no overflow.
fn number(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || (digits[0] == b'0' && digits.len() > 1) {
        return None;
    }
    let mut n = 0u64;
    for d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(n)
}

/// Reads an operand as a version: a string, or a number's decimal text.
pub(crate) fn version_of(v: &Val<'_>) -> Result<Version, String> {
    match v {
        Val::Str(s) => parse_version(s),
        Val::Num(n) if n.is_finite() && *n >= 0.0 => {
            parse_version(&super::value::format_number(*n))
        }
        other => Err(format!(
            "sem_ver needs a version string, got {}",
            other.to_json()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(a: &str, op: &str, b: &str) -> bool {
        let (a, b) = (
            parse_version(a).expect("a parses"),
            parse_version(b).expect("b parses"),
        );
        SemVerOp::parse(op).expect("known op").apply(&a, &b)
    }

    #[test]
    fn every_operator() {
        assert!(check("2.0.0", "=", "2.0.0"));
        assert!(check("2.0.1", "!=", "2.0.0"));
        assert!(check("1.9.9", "<", "2.0.0"));
        assert!(check("2.0.0", "<=", "2.0.0"));
        assert!(check("2.1.0", ">", "2.0.0"));
        assert!(check("2.0.0", ">=", "2.0.0"));
        assert!(check("3.9.1", "^", "3.0.0"));
        assert!(!check("4.0.0", "^", "3.0.0"));
        assert!(check("3.0.7", "~", "3.0.0"));
        assert!(!check("3.1.0", "~", "3.0.0"));
    }

    #[test]
    fn prefix_padding_prerelease_and_build() {
        assert!(check("v1.0.0", "=", "1.0.0"));
        assert!(check("V1.0.0", "=", "v1.0.0"));
        assert!(check("1", "=", "1.0.0"));
        assert!(check("1.2", "=", "1.2.0"));
        assert!(check("1.2-beta", "=", "1.2.0-beta"));
        assert!(check("2.0.0-alpha", "<", "2.0.0"));
        assert!(check("2.0.0-alpha", "<", "2.0.0-beta"));
        assert!(check("1.0.0+build", "=", "1.0.0+other"));
        assert!(parse_version("2.0.0.0").is_err());
        assert!(parse_version("01.0.0").is_err());
        assert!(parse_version("1..0").is_err());
        assert_eq!(
            parse_version("10.20.30").ok(),
            Some(Version::new(10, 20, 30))
        );
        assert!(parse_version("not-a-version").is_err());
        assert!(parse_version("").is_err());
        assert!(SemVerOp::parse("===").is_none());
    }

    #[test]
    fn three_numbers_compare_as_the_versions_do() {
        let texts = [
            "0.0.0", "1.9.9", "2.0.0", "2.1.0", "2.1.1", "3.0.0", "10.0.0",
        ];
        let ops = ["=", "!=", "<", "<=", ">", ">=", "^", "~"];
        for a in texts {
            for b in texts {
                for op in ops {
                    let core = |t: &str| plain_core(t).expect("plain");
                    let op_ = SemVerOp::parse(op).expect("known op");
                    assert_eq!(
                        op_.apply_core(core(a), core(b)),
                        check(a, op, b),
                        "{a} {op} {b}"
                    );
                }
            }
        }
        assert_eq!(plain_core("v2.1.0"), Some([2, 1, 0]));
        assert_eq!(plain_core("0.10.0"), Some([0, 10, 0]));
        assert_eq!(
            plain_core("18446744073709551615.0.0"),
            Some([u64::MAX, 0, 0])
        );
        for not_plain in [
            "2.1",
            "2.1.0-beta",
            "2.1.0+build",
            "02.1.0",
            "2.01.0",
            "2.1.00",
            "x2.1.0",
            "",
            "..",
            "1..0",
            "1.2.3.4",
            "1.2.",
            ".1.2",
            "18446744073709551616.0.0",
            "1.2.3 ",
        ] {
            assert_eq!(plain_core(not_plain), None, "{not_plain}");
        }
    }
}

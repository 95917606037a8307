//! flagd's `fractional` operator: deterministic percentage bucketing.
//!
//! `{"fractional": [bucketKey?, [variant, weight?], ...]}`. The bucketing key is the first
//! operand when it evaluates to a string; when it is absent or null, `$flagd.flagKey` followed by
//! the context's `targetingKey`. The key is hashed with MurmurHash3 x86 32-bit (seed 0) and mapped
//! onto the total weight with flagd's v2 integer formula `bucket = (hash * totalWeight) >> 32`; the
//! first bucket whose cumulative weight exceeds that value wins. Weights are whole numbers
//! (default 1, negative clamps to 0, the sum at most `i32::MAX`); variants and weights may be
//! computed by nested rules.

use std::io::{Cursor, Read};

use super::value::Val;

/// The largest total weight flagd accepts.
pub(crate) const MAX_TOTAL_WEIGHT: u64 = i32::MAX as u64;

/// MurmurHash3 x86 32-bit of the key, seed 0, as flagd computes it.
pub(crate) fn hash(key: &str) -> u32 {
    hash_concat(key, "")
}

/// The hash of `a` followed by `b`, without building the joined string.
pub(crate) fn hash_concat(a: &str, b: &str) -> u32 {
    let mut bytes = Cursor::new(a.as_bytes()).chain(Cursor::new(b.as_bytes()));
    // Reading from in-memory cursors cannot fail.
    murmur3::murmur3_32(&mut bytes, 0).unwrap_or(0)
}

/// The bucket value for a hash: `(hash * total) >> 32`, in `0..total`.
pub(crate) fn bucket_value(hash: u32, total: u64) -> u64 {
    (u64::from(hash) * total) >> 32
}

/// Picks the index of the bucket that holds `hash` under `weights`.
pub(crate) fn pick(hash: u32, weights: &[u64]) -> Result<usize, String> {
    let total: u64 = weights.iter().sum();
    if total == 0 {
        return Err("fractional: every bucket has weight 0".to_owned());
    }
    let bucket = bucket_value(hash, total);
    let mut end = 0u64;
    for (i, w) in weights.iter().enumerate() {
        end += w;
        if bucket < end {
            return Ok(i);
        }
    }
    Err("fractional: no bucket matched".to_owned())
}

/// Reads a bucket weight: a whole number; negative clamps to 0.
pub(crate) fn weight_of(v: &Val<'_>) -> Result<u64, String> {
    match v {
        Val::Null => Ok(1),
        Val::Num(n) if n.fract() == 0.0 => {
            if *n <= 0.0 {
                Ok(0)
            } else if *n > MAX_TOTAL_WEIGHT as f64 {
                Err(format!(
                    "fractional: weight {n} exceeds the maximum {MAX_TOTAL_WEIGHT}"
                ))
            } else {
                Ok(*n as u64)
            }
        }
        Val::Num(n) => Err(format!("fractional: weight {n} is not a whole number")),
        other => Err(format!(
            "fractional: weight must be a number, got {}",
            other.to_json()
        )),
    }
}

/// Checks that a bucket's variant is a value flagd accepts there: string, boolean, number or null.
pub(crate) fn check_variant(v: &Val<'_>) -> Result<(), String> {
    match v {
        Val::Str(_) | Val::Bool(_) | Val::Num(_) | Val::Null => Ok(()),
        other => Err(format!(
            "fractional: a bucket's variant must be a string, boolean, number or null, got {}",
            other.to_json()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur3_matches_known_preimages() {
        // Keys whose MurmurHash3 x86 32 (seed 0) sits at the edges of the hash space.
        assert_eq!(hash("ejOoVL"), 0);
        assert_eq!(hash("bY9fO-"), 1);
        assert_eq!(hash("SI7p-"), 2_147_483_647);
        assert_eq!(hash("6LvT0"), 2_147_483_648);
        assert_eq!(hash("ceQdGm"), 4_294_967_295);
    }

    #[test]
    fn bucket_edges() {
        assert_eq!(bucket_value(0, 100), 0);
        assert_eq!(bucket_value(u32::MAX, 100), 99);
        assert_eq!(pick(2_147_483_647, &[50, 50]), Ok(0));
        assert_eq!(pick(2_147_483_648, &[50, 50]), Ok(1));
        assert_eq!(pick(u32::MAX, &[0, 100]), Ok(1));
        assert!(pick(7, &[0, 0]).is_err());
    }

    #[test]
    fn weights() {
        assert_eq!(weight_of(&Val::Num(-50.0)), Ok(0));
        assert_eq!(weight_of(&Val::Null), Ok(1));
        assert!(weight_of(&Val::Num(1.5)).is_err());
        assert!(weight_of(&Val::Num(3e9)).is_err());
        assert!(weight_of(&Val::Bool(true)).is_err());
    }
}

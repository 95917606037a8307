//! flagd's `fractional` operator: deterministic percentage bucketing.
//!
//! `{"fractional": [bucketKey?, [variant, weight?], ...]}`. The bucketing key is the first
//! operand when it evaluates to a string; when it is absent or null, `$flagd.flagKey` followed by
//! the context's `targetingKey`. The key is hashed with MurmurHash3 x86 32-bit (seed 0) and mapped
//! onto the total weight with flagd's v2 integer formula `bucket = (hash * totalWeight) >> 32`; the
//! first bucket whose cumulative weight exceeds that value wins. Weights are whole numbers
//! (default 1, negative clamps to 0, the sum at most `i32::MAX`); variants and weights may be
//! computed by nested rules.

use super::value::Val;

/// The largest total weight flagd accepts.
pub(crate) const MAX_TOTAL_WEIGHT: u64 = i32::MAX as u64;

/// MurmurHash3 x86 32-bit of the key, seed 0, as flagd computes it.
pub(crate) fn hash(key: &str) -> u32 {
    hash_concat(key, "")
}

/// The hash of `a` followed by `b`, without building the joined string: MurmurHash3 x86 32-bit
/// over the two slices in turn (the four-byte block that straddles them put together on the
/// stack).
pub(crate) fn hash_concat(a: &str, b: &str) -> u32 {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let len = a.len() + b.len();
    let mut h = 0u32;
    let mut blocks = a.chunks_exact(4);
    for block in &mut blocks {
        h = mix_block(h, block);
    }
    let rest = blocks.remainder();
    let mut b = b;
    if !rest.is_empty() {
        let mut joined = [0u8; 4];
        let take = (4 - rest.len()).min(b.len());
        joined[..rest.len()].copy_from_slice(rest);
        joined[rest.len()..rest.len() + take].copy_from_slice(&b[..take]);
        if rest.len() + take < 4 {
            return finish(h, &joined[..rest.len() + take], len);
        }
        h = mix_block(h, &joined);
        b = &b[take..];
    }
    let mut blocks = b.chunks_exact(4);
    for block in &mut blocks {
        h = mix_block(h, block);
    }
    finish(h, blocks.remainder(), len)
}

const C1: u32 = 0xcc9e_2d51;
const C2: u32 = 0x1b87_3593;

fn scramble(k: u32) -> u32 {
    k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2)
}

/// One four-byte block (`block` is four bytes long: `chunks_exact(4)` gives only those).
#[inline]
fn mix_block(h: u32, block: &[u8]) -> u32 {
    let k = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
    (h ^ scramble(k))
        .rotate_left(13)
        .wrapping_mul(5)
        .wrapping_add(0xe654_6b64)
}

/// The last zero to three bytes, the length, and the final avalanche.
fn finish(mut h: u32, tail: &[u8], len: usize) -> u32 {
    if !tail.is_empty() {
        let k = tail
            .iter()
            .rev()
            .fold(0u32, |k, byte| (k << 8) | u32::from(*byte));
        h ^= scramble(k);
    }
    // MurmurHash3 mixes in the length modulo 2^32.
    h ^= len as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
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
    fn hash_of_two_parts_is_the_reference_hash_of_the_joined_key() {
        let reference = |key: &str| {
            murmur3::murmur3_32(&mut std::io::Cursor::new(key.as_bytes()), 0).expect("in memory")
        };
        let text = "flag-keyuser-1234567890-é-ü-∑";
        for end in 0..=text.len() {
            let Some(joined) = text.get(..end) else {
                continue;
            };
            for split in 0..=end {
                if let (Some(a), Some(b)) = (text.get(..split), text.get(split..end)) {
                    assert_eq!(hash_concat(a, b), reference(joined), "{a:?} + {b:?}");
                }
            }
        }
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

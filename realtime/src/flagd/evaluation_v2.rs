//! `flagd.evaluation.v2.Service`, which the current npm provider speaks: the same resolves as v1
//! ([`super::evaluation`]), with "use the code default" said as it should be — no value and no
//! variant — instead of a zero value and an empty variant. `EventStream` is the same stream.

use super::evaluation::Evaluation;
use super::proto::evaluation_v2 as pb;

super::service_impl::evaluation_service!(pb, version_v2);

/// How v2 says "use the code default": no value and no variant.
mod version_v2 {
    pub fn value<V>(v: Option<V>) -> Option<V> {
        v
    }

    pub fn variant(v: String) -> Option<String> {
        Some(v).filter(|v| !v.is_empty())
    }
}

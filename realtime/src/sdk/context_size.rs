//! The context size limit, for stream `hello`/`identify`, SSE `?context=` and OFREP requests: a
//! context is measured as compact JSON, and measuring stops as soon as it is past the limit.

use serde_json::Value;
use std::io::Write;

/// A context over the limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the context is over {0} bytes")]
pub struct ContextTooBig(pub usize);

/// Whether `context`, serialized, fits in `max` bytes.
pub fn check(context: &Value, max: usize) -> Result<(), ContextTooBig> {
    let mut w = Measure { left: max };
    serde_json::to_writer(&mut w, context).map_err(|_| ContextTooBig(max))
}

/// Counts bytes, failing once past the limit.
struct Measure {
    left: usize,
}

impl Write for Measure {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.left = self
            .left
            .checked_sub(buf.len())
            .ok_or(std::io::ErrorKind::FileTooLarge)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_context_at_the_limit_fits_and_one_byte_more_does_not() {
        let c = json!({"k": "x".repeat(10)});
        let len = c.to_string().len();
        assert_eq!(check(&c, len), Ok(()));
        assert_eq!(check(&c, len - 1), Err(ContextTooBig(len - 1)));
    }
}

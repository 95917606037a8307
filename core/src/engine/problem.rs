//! Problems found in a flag document: each with the JSON Pointer (RFC 6901) of where it is and a
//! plain message.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// JSON Pointer into the document, such as `/flags/new-checkout/defaultVariant`.
    pub path: String,
    pub message: String,
}

impl Problem {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.message)
    }
}

/// A document that cannot be used, with every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid flag document ({} problem{}):\n{}", .problems.len(),
    if .problems.len() == 1 { "" } else { "s" },
    .problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
pub struct DocumentError {
    pub problems: Vec<Problem>,
}

/// Appends one segment to a JSON Pointer, escaping `~` and `/`.
pub(crate) fn pointer(base: &str, segment: &str) -> String {
    let escaped = segment.replace('~', "~0").replace('/', "~1");
    format!("{base}/{escaped}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_and_display_lists_every_problem() {
        assert_eq!(pointer("/flags", "a/b~c"), "/flags/a~1b~0c");
        let err = DocumentError {
            problems: vec![Problem::new("/flags/x", "bad"), Problem::new("", "worse")],
        };
        let text = err.to_string();
        assert!(text.contains("2 problems"), "{text}");
        assert!(text.contains("/flags/x: bad"), "{text}");
        assert!(text.contains("/: worse"), "{text}");
    }
}

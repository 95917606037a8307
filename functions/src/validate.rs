//! Input checks shared by the routes: keys, names, lengths. Each failure names the field.

use serde_json::{Value, json};

use crate::error::ApiError;

/// Keys of flags, segments and environments: 1–128 of `A-Z a-z 0-9 . _ -`, starting with a letter
/// or digit (safe in URLs, in flagd documents and in storage keys).
pub fn key(field: &str, k: &str) -> Result<(), ApiError> {
    let ok = (1..=128).contains(&k.len())
        && k.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(field_error(
            field,
            "use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit",
        ))
    }
}

/// A display name: 1–200 characters, not blank, no control characters (NUL, line breaks…).
pub fn name(field: &str, n: &str) -> Result<(), ApiError> {
    if n.trim().is_empty() || n.chars().count() > 200 {
        Err(field_error(field, "must be 1 to 200 characters"))
    } else if n.chars().any(char::is_control) {
        Err(field_error(field, "may not hold control characters"))
    } else {
        Ok(())
    }
}

pub fn max_len(field: &str, s: &str, max: usize) -> Result<(), ApiError> {
    if s.chars().count() > max {
        Err(field_error(
            field,
            &format!("must be at most {max} characters"),
        ))
    } else {
        Ok(())
    }
}

pub fn email(field: &str, e: &str) -> Result<(), ApiError> {
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
        Err(field_error(field, "is not an email address"))
    }
}

pub fn field_error(field: &str, message: &str) -> ApiError {
    ApiError::invalid(
        format!("{field} {message}"),
        json!([{"path": format!("/{field}"), "message": message}]),
    )
}

/// Problems from the engine, as the API's details.
pub fn problems(
    message: &str,
    problems: &[switchyard_core::engine::Problem],
    strip_prefix: &str,
) -> ApiError {
    let details: Vec<Value> = problems
        .iter()
        .map(|p| json!({"path": p.path.strip_prefix(strip_prefix).unwrap_or(&p.path), "message": p.message}))
        .collect();
    ApiError::invalid(message, Value::Array(details))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_names_and_emails() {
        assert!(key("key", "new-checkout_v2.1").is_ok());
        for bad in ["", "-x", "a b", "a/b", "a#b", "ä", &"x".repeat(129)] {
            assert!(key("key", bad).is_err(), "{bad:?}");
        }
        assert!(name("name", "  ").is_err());
        assert!(name("name", "Zoë's shop").is_ok());
        for bad in ["a\u{0}b", "line\nbreak", "tab\there", "\u{7f}"] {
            assert!(name("name", bad).is_err(), "{bad:?}");
        }
        assert!(email("email", "ada@example.com").is_ok());
        for bad in ["ada", "@x.com", "a@b", "a b@c.com", "a@.com"] {
            assert!(email("email", bad).is_err(), "{bad:?}");
        }
    }
}

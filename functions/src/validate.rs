//! Input checks for what the change layer does not see (signup, passwords, query parameters):
//! the domain's own rules (`switchyard_core::changes::rules`), as API errors.

use switchyard_core::changes::{ChangeError, rules};

use crate::error::ApiError;

pub fn name(field: &str, n: &str) -> Result<(), ApiError> {
    Ok(rules::name(field, n)?)
}

pub fn email(field: &str, e: &str) -> Result<(), ApiError> {
    Ok(rules::email(field, e)?)
}

/// A problem with one field, with its path.
pub fn field_error(field: &str, message: &str) -> ApiError {
    ChangeError::field(field, message).into()
}

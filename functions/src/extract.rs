//! Request extractors: the authenticated caller, and JSON bodies whose rejections use the API's
//! error shape.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use switchyard_core::domain::{Actor, ApiToken, User, hash_secret, now_ms};

use crate::error::ApiError;
use crate::state::AppState;

/// The prefix of API tokens (session tokens are JWTs).
pub use switchyard_core::changes::API_TOKEN_PREFIX;

/// Who is calling: a signed-in user or an API token.
#[derive(Debug, Clone)]
pub enum Caller {
    User(User),
    Token(ApiToken),
}

impl Caller {
    /// Who the change layer records as having acted.
    pub fn actor(&self) -> Actor {
        match self {
            Caller::User(u) => Actor::User(u.id.clone()),
            Caller::Token(t) => Actor::Token(t.id.clone()),
        }
    }
}

pub fn bearer(parts: &Parts) -> Option<&str> {
    bearer_of(&parts.headers)
}

/// The bearer token of a request's `Authorization` header.
pub fn bearer_of(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        let Some(token) = bearer(parts) else {
            return Err(ApiError::Unauthorized(
                "sign in first: send Authorization: Bearer <token>".into(),
            ));
        };
        if token.starts_with(API_TOKEN_PREFIX) {
            let found = st.store.find_api_token(&hash_secret(token)).await?;
            return match found {
                Some(t) if t.revoked_at.is_none() && t.expires_at.is_none_or(|e| e > now_ms()) => {
                    Ok(Caller::Token(t))
                }
                _ => Err(ApiError::Unauthorized("this API token is not valid".into())),
            };
        }
        let claims = st.jwt.verify(token).map_err(ApiError::Unauthorized)?;
        match st.store.get_user(&claims.sub).await? {
            Some(u) if u.session_generation == claims.generation => Ok(Caller::User(u)),
            _ => Err(ApiError::Unauthorized(
                "this session has ended; sign in again".into(),
            )),
        }
    }
}

/// A JSON body; malformed JSON is a 400, a body of the wrong shape a 422, a body too large a 413,
/// all in the API's error shape.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<ObjectOnly<T>>::from_request(req, state).await {
            Ok(axum::Json(ObjectOnly(v))) => Ok(Json(v)),
            Err(rejection) => Err(match rejection {
                JsonRejection::JsonDataError(e) => ApiError::invalid(
                    "the request body does not have the expected fields",
                    serde_json::json!([{"path": "", "message": e.body_text()}]),
                ),
                JsonRejection::JsonSyntaxError(e) => ApiError::BadRequest(format!(
                    "the request body is not valid JSON: {}",
                    e.body_text()
                )),
                JsonRejection::MissingJsonContentType(_) => ApiError::BadRequest(
                    "send the body as JSON (Content-Type: application/json)".into(),
                ),
                other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    ApiError::TooLarge(crate::BODY_LIMIT)
                }
                other => ApiError::BadRequest(other.body_text()),
            }),
        }
    }
}

/// A query string; one that does not parse into `T` is a 400 in the API's error shape.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Query(v)),
            Err(rejection) => Err(ApiError::BadRequest(rejection.body_text())),
        }
    }
}

/// Every request body is a JSON object: serde would also fill a struct from an array of its
/// fields, which the API does not accept.
struct ObjectOnly<T>(T);

impl<'de, T: DeserializeOwned> serde::Deserialize<'de> for ObjectOnly<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        if !v.is_object() {
            return Err(serde::de::Error::custom("the body must be a JSON object"));
        }
        T::deserialize(v)
            .map(ObjectOnly)
            .map_err(serde::de::Error::custom)
    }
}

//! # switchyard-functions
//!
//! The dashboard API as axum routers, one per route group, in a library: each Lambda is a thin
//! `src/bin/<group>.rs` around `lambda_http::run(router)`, and `switchyard serve` mounts the same
//! routers under `axum::serve`.
//!
//! Layout:
//! - [`routes`] — the route groups (`auth`, `orgs`, `projects`, `flags`, `segments`, `audit`)
//! - [`access`] — authorization (organization, role, token scopes; foreign ids answer 404)
//! - [`extract`] — the authenticated caller and JSON bodies
//! - [`error`] — the one error type and the one place it becomes an HTTP response
//! - [`auth`] — argon2id passwords, HS256 session tokens, login rate limits
//! - [`state`] — what handlers share
//! - [`diff`] — the before → after diff of a change record
//! - [`publisher`] — the DynamoDB stream publisher (the safety net behind direct publishes)
//! - [`webhooks`] — the webhook dispatcher (signed JSON, Slack, Teams), run by `serve` and by the
//!   `webhooks` Lambda
//! - [`openapi`] — the OpenAPI 3.1 document, built from the same route definitions

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod access;
pub mod auth;
pub mod config;
pub mod diff;
pub mod error;
pub mod extract;
pub mod feed;
pub mod mail;
pub mod names;
pub mod openapi;
pub mod publisher;
pub mod routes;
pub mod scheduler;
pub mod state;
pub mod validate;
pub mod webhooks;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use utoipa_axum::router::OpenApiRouter;

pub use state::AppState;

/// The largest request body accepted (bytes).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A route group: one Lambda function each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Auth,
    Orgs,
    Projects,
    Flags,
    Segments,
    Audit,
    /// The dashboard's change feed: a streaming function behind its own URL in AWS.
    Feed,
}

impl Group {
    pub const ALL: [Group; 7] = [
        Group::Auth,
        Group::Orgs,
        Group::Projects,
        Group::Flags,
        Group::Segments,
        Group::Audit,
        Group::Feed,
    ];

    /// The Lambda function's name.
    pub fn name(self) -> &'static str {
        match self {
            Group::Auth => "auth",
            Group::Orgs => "orgs",
            Group::Projects => "projects",
            Group::Flags => "flags",
            Group::Segments => "segments",
            Group::Audit => "audit",
            Group::Feed => "feed",
        }
    }

    fn routes(self) -> OpenApiRouter<AppState> {
        match self {
            Group::Auth => routes::auth::routes()
                .merge(routes::password_reset::routes())
                .merge(routes::email_verification::routes())
                .merge(routes::two_factor::routes())
                .merge(routes::sso::routes())
                .merge(routes::sso_login::routes()),
            Group::Orgs => routes::orgs::routes()
                .merge(routes::invitations::routes())
                .merge(routes::webhooks::routes()),
            Group::Projects => routes::projects::routes(),
            Group::Flags => routes::flags::routes()
                .merge(routes::states::routes())
                .merge(routes::flagd::routes())
                .merge(routes::analytics::routes())
                .merge(routes::requests::routes())
                .merge(routes::ramps::routes()),
            Group::Segments => routes::segments::routes(),
            Group::Audit => routes::audit::routes(),
            Group::Feed => routes::events::routes(),
        }
    }
}

/// The routes of some groups, with their OpenAPI document.
pub fn api(groups: &[Group]) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let mut router = OpenApiRouter::with_openapi(openapi::base());
    for g in groups {
        router = router.merge(g.routes());
    }
    let (router, doc) = router.split_for_parts();
    (router, openapi::with_error_responses(doc))
}

/// A router for some groups, ready to serve: body limit, and `GET /api/openapi.json` (which
/// always describes the whole API).
pub fn router(state: AppState, groups: &[Group]) -> Router {
    let (routes, _) = api(groups);
    let (_, whole) = api(&Group::ALL);
    // Held as its text: the document as a JSON tree took megabytes of every process.
    let doc = axum::body::Bytes::from(serde_json::to_vec(&whole).unwrap_or_default());
    routes
        .route(
            "/api/openapi.json",
            axum::routing::get(move || async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    doc,
                )
            }),
        )
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .fallback(|| async { error::ApiError::NotFound("route".into()) })
        .method_not_allowed_fallback(|| async { error::ApiError::NotFound("route".into()) })
        .with_state(state)
}

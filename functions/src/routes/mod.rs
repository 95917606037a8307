//! The route groups; each is one Lambda function in AWS.

pub mod analytics;
pub mod audit;
pub mod auth;
pub mod email_verification;
pub mod events;
pub mod flagd;
pub mod flags;
pub mod invitations;
pub mod orgs;
pub mod password_reset;
pub mod projects;
pub mod ramps;
pub mod requests;
pub mod segments;
pub mod sso;
pub mod sso_login;
pub mod states;
pub mod two_factor;
pub mod webhooks;

//! What `serve` sends with every response so the dashboard it serves is as locked down as the one
//! CloudFront serves in AWS (infra/terraform/static.tf): a Content-Security-Policy that lets the
//! page load and talk to nothing but its own origin and never be framed, HSTS (browsers honour it
//! only over HTTPS, so a TLS proxy in front turns it on), no MIME sniffing, no referrer.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// The dashboard's policy: everything from its own origin (API, change feed, SDK streams are all
/// served here); Mantine sets inline styles.
pub const DASHBOARD_CSP: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; \
    connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; \
    object-src 'none'";

const HEADERS: [(HeaderName, &str); 5] = [
    (header::CONTENT_SECURITY_POLICY, DASHBOARD_CSP),
    (header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "no-referrer"),
];

/// `router` with every response carrying the headers (a handler's own value wins).
pub fn apply(mut router: Router) -> Router {
    for (name, value) in HEADERS {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router
}

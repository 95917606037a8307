//! The OpenAPI 3.1 document's frame; the paths come from the route definitions themselves.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ComponentsBuilder, InfoBuilder, OpenApi, OpenApiBuilder};

pub fn base() -> OpenApi {
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Switchyard dashboard API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Organizations, projects, environments, flags, segments, members, keys and the audit log. \
                     Errors have one shape: {\"error\": {\"code\", \"message\", \"details\"}}.",
                ))
                .build(),
        )
        .components(Some(
            ComponentsBuilder::new()
                .security_scheme(
                    "bearer",
                    SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT or API token").build()),
                )
                .build(),
        ))
        .build()
}

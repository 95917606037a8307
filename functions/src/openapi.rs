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

/// The error answers every operation can give, added to each operation that does not state its
/// own, all with the one error shape: 400 (not JSON, missing body), 401 and 403 (secured
/// operations), 404 (an id in the path that is not the caller's), 413 (a body over the limit),
/// 422 (a body or query that breaks a rule).
pub fn with_error_responses(mut doc: OpenApi) -> OpenApi {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder, schema};

    let error = schema::ObjectBuilder::new()
        .property(
            "error",
            schema::ObjectBuilder::new()
                .property(
                    "code",
                    schema::ObjectBuilder::new().schema_type(schema::Type::String),
                )
                .property(
                    "message",
                    schema::ObjectBuilder::new().schema_type(schema::Type::String),
                )
                .property(
                    "details",
                    schema::ObjectBuilder::new().schema_type(schema::SchemaType::AnyValue),
                )
                .required("code")
                .required("message"),
        )
        .required("error")
        .build();
    doc.components
        .get_or_insert_with(Default::default)
        .schemas
        .insert("Error".into(), schema::Schema::Object(error).into());
    let answer = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Error")))
                    .build(),
            )
            .build()
    };
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.patch,
            &mut item.delete,
        ];
        for op in operations.into_iter().flatten() {
            let params = op.parameters.as_deref().unwrap_or_default();
            let has_in = |place: ParameterIn| {
                params
                    .iter()
                    .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place))
            };
            let (has_path, has_query) = (has_in(ParameterIn::Path), has_in(ParameterIn::Query));
            let has_body = op.request_body.is_some();
            let secured = op.security.is_some();
            let wanted = [
                (
                    "400",
                    has_body || has_query,
                    "malformed request: not JSON, or a query that does not parse",
                ),
                (
                    "401",
                    secured,
                    "not signed in, or the session or token is not valid",
                ),
                ("403", secured, "the caller's role does not allow this"),
                ("404", has_path, "not found, or not the caller's"),
                ("413", has_body, "the body is larger than the limit"),
                (
                    "422",
                    has_body || has_query,
                    "the request breaks a rule; details name each field",
                ),
            ];
            for (status, applies, description) in wanted {
                if applies {
                    op.responses
                        .responses
                        .entry(status.into())
                        .or_insert_with(|| answer(description).into());
                }
            }
            // Every 4xx stated without a body has the error shape.
            for (status, r) in op.responses.responses.iter_mut() {
                if let RefOr::T(r) = r
                    && status.starts_with('4')
                    && r.content.is_empty()
                {
                    let description = if r.description.is_empty() {
                        "see the error's message"
                    } else {
                        &r.description
                    };
                    *r = answer(description);
                }
            }
        }
    }
    doc
}

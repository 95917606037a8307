//! Every method and path of the dashboard API (api_security checks the OpenAPI document lists
//! exactly these, and that each keeps another tenant's ids from answering differently).

/// Every route of the API: the OpenAPI document must list exactly these.
pub const ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/signup"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/auth/me"),
    ("post", "/api/v1/auth/password"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/two-factor/setup"),
    ("post", "/api/v1/auth/two-factor/enable"),
    ("post", "/api/v1/auth/two-factor/disable"),
    ("post", "/api/v1/auth/two-factor/recovery-codes"),
    ("post", "/api/v1/auth/password-reset"),
    ("post", "/api/v1/auth/password-reset/confirm"),
    ("post", "/api/v1/auth/verify-email"),
    ("post", "/api/v1/auth/verify-email/send"),
    ("get", "/api/v1/orgs"),
    ("post", "/api/v1/orgs"),
    ("get", "/api/v1/orgs/{org}"),
    ("patch", "/api/v1/orgs/{org}"),
    ("get", "/api/v1/orgs/{org}/events"),
    ("get", "/api/v1/orgs/{org}/invitations"),
    ("delete", "/api/v1/orgs/{org}/invitations/{invitation}"),
    ("get", "/api/v1/orgs/{org}/members"),
    ("put", "/api/v1/orgs/{org}/members/{user}"),
    ("delete", "/api/v1/orgs/{org}/members/{user}"),
    ("post", "/api/v1/orgs/{org}/invitations"),
    ("post", "/api/v1/invitations/accept"),
    ("get", "/api/v1/orgs/{org}/tokens"),
    ("post", "/api/v1/orgs/{org}/tokens"),
    ("delete", "/api/v1/orgs/{org}/tokens/{token}"),
    ("get", "/api/v1/orgs/{org}/projects"),
    ("post", "/api/v1/orgs/{org}/projects"),
    ("get", "/api/v1/projects/{project}"),
    ("patch", "/api/v1/projects/{project}"),
    ("delete", "/api/v1/projects/{project}"),
    ("get", "/api/v1/projects/{project}/environments"),
    ("post", "/api/v1/projects/{project}/environments"),
    (
        "get",
        "/api/v1/projects/{project}/environments/{environment}",
    ),
    (
        "patch",
        "/api/v1/projects/{project}/environments/{environment}",
    ),
    (
        "delete",
        "/api/v1/projects/{project}/environments/{environment}",
    ),
    (
        "get",
        "/api/v1/projects/{project}/environments/{environment}/flags",
    ),
    (
        "patch",
        "/api/v1/projects/{project}/environments/{environment}/flags/{flag}",
    ),
    (
        "get",
        "/api/v1/projects/{project}/environments/{environment}/secure-mode",
    ),
    (
        "get",
        "/api/v1/projects/{project}/environments/{environment}/keys",
    ),
    (
        "post",
        "/api/v1/projects/{project}/environments/{environment}/keys",
    ),
    (
        "post",
        "/api/v1/projects/{project}/environments/{environment}/keys/{key}/rotate",
    ),
    (
        "delete",
        "/api/v1/projects/{project}/environments/{environment}/keys/{key}",
    ),
    ("get", "/api/v1/projects/{project}/flags"),
    ("post", "/api/v1/projects/{project}/flags"),
    ("get", "/api/v1/projects/{project}/flags/{flag}"),
    ("patch", "/api/v1/projects/{project}/flags/{flag}"),
    ("delete", "/api/v1/projects/{project}/flags/{flag}"),
    (
        "get",
        "/api/v1/projects/{project}/environments/{environment}/flags/{flag}",
    ),
    (
        "put",
        "/api/v1/projects/{project}/environments/{environment}/flags/{flag}",
    ),
    (
        "post",
        "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/copy",
    ),
    (
        "post",
        "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/evaluate",
    ),
    (
        "post",
        "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/restore",
    ),
    (
        "get",
        "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/evaluations",
    ),
    (
        "get",
        "/api/v1/projects/{project}/environments/{environment}/evaluations",
    ),
    (
        "get",
        "/api/v1/projects/{project}/environments/{environment}/flagd",
    ),
    (
        "put",
        "/api/v1/projects/{project}/environments/{environment}/flagd",
    ),
    ("get", "/api/v1/projects/{project}/segments"),
    ("post", "/api/v1/projects/{project}/segments"),
    ("get", "/api/v1/projects/{project}/segments/{segment}"),
    ("put", "/api/v1/projects/{project}/segments/{segment}"),
    ("delete", "/api/v1/projects/{project}/segments/{segment}"),
    ("get", "/api/v1/orgs/{org}/audit"),
    ("get", "/api/v1/orgs/{org}/audit/{entry}"),
    ("get", "/api/v1/orgs/{org}/webhooks"),
    ("post", "/api/v1/orgs/{org}/webhooks"),
    ("get", "/api/v1/orgs/{org}/webhooks/{webhook}"),
    ("patch", "/api/v1/orgs/{org}/webhooks/{webhook}"),
    ("delete", "/api/v1/orgs/{org}/webhooks/{webhook}"),
    ("post", "/api/v1/orgs/{org}/webhooks/{webhook}/rotate"),
    ("post", "/api/v1/orgs/{org}/webhooks/{webhook}/test"),
    ("get", "/api/v1/orgs/{org}/webhooks/{webhook}/deliveries"),
    (
        "post",
        "/api/v1/orgs/{org}/webhooks/{webhook}/deliveries/{delivery}/redeliver",
    ),
    ("get", "/api/v1/orgs/{org}/changes"),
    ("get", "/api/v1/projects/{project}/change-requests"),
    ("post", "/api/v1/projects/{project}/change-requests"),
    (
        "get",
        "/api/v1/projects/{project}/change-requests/{request}",
    ),
    (
        "patch",
        "/api/v1/projects/{project}/change-requests/{request}",
    ),
    (
        "post",
        "/api/v1/projects/{project}/change-requests/{request}/approve",
    ),
    (
        "post",
        "/api/v1/projects/{project}/change-requests/{request}/reject",
    ),
    (
        "post",
        "/api/v1/projects/{project}/change-requests/{request}/apply",
    ),
    (
        "post",
        "/api/v1/projects/{project}/change-requests/{request}/withdraw",
    ),
    (
        "post",
        "/api/v1/projects/{project}/change-requests/{request}/refresh",
    ),
    (
        "post",
        "/api/v1/projects/{project}/change-requests/{request}/comments",
    ),
    ("get", "/api/v1/projects/{project}/ramps"),
    (
        "get",
        "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp",
    ),
    (
        "post",
        "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp",
    ),
    (
        "post",
        "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp/pause",
    ),
    (
        "post",
        "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp/resume",
    ),
    (
        "post",
        "/api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp/cancel",
    ),
];

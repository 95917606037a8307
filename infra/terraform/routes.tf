# Every method and path of the dashboard API, to the route group (function) that serves it: the
# #[utoipa::path(...)] attributes of functions/src/routes/*.rs, grouped as functions/src/lib.rs
# groups the route files (states.rs, flagd.rs, analytics.rs, requests.rs and ramps.rs are part of the flags group;
# invitations.rs and webhooks.rs of the orgs group). The feed group (events.rs, the dashboard's change
# feed) is not here: API Gateway buffers responses, so that stream has a function URL of its own
# (feed.tf). infra/tests/test_routes.py proves this map and the Rust code agree, both ways.

locals {
  routes = {
    # functions/src/routes/auth.rs
    "POST /api/v1/auth/signup"   = "auth"
    "POST /api/v1/auth/login"    = "auth"
    "POST /api/v1/auth/logout"   = "auth"
    "GET /api/v1/auth/me"        = "auth"
    "POST /api/v1/auth/password" = "auth"
    "POST /api/v1/auth/refresh"  = "auth"
    # functions/src/routes/password_reset.rs
    "POST /api/v1/auth/password-reset"         = "auth"
    "POST /api/v1/auth/password-reset/confirm" = "auth"
    # functions/src/routes/email_verification.rs
    "POST /api/v1/auth/verify-email"      = "auth"
    "POST /api/v1/auth/verify-email/send" = "auth"
    # functions/src/routes/sso.rs and sso_login.rs (single sign-on), in the auth group
    "POST /api/v1/auth/sso/start"    = "auth"
    "POST /api/v1/auth/sso/link"     = "auth"
    "GET /api/v1/auth/sso/callback"  = "auth"
    "POST /api/v1/auth/sso/exchange" = "auth"
    "GET /api/v1/orgs/{org}/sso"     = "auth"
    "PUT /api/v1/orgs/{org}/sso"     = "auth"
    "DELETE /api/v1/orgs/{org}/sso"  = "auth"
    # functions/src/routes/two_factor.rs
    "POST /api/v1/auth/two-factor/setup"          = "auth"
    "POST /api/v1/auth/two-factor/enable"         = "auth"
    "POST /api/v1/auth/two-factor/disable"        = "auth"
    "POST /api/v1/auth/two-factor/recovery-codes" = "auth"
    # functions/src/routes/orgs.rs
    "GET /api/v1/orgs"                         = "orgs"
    "POST /api/v1/orgs"                        = "orgs"
    "GET /api/v1/orgs/{org}"                   = "orgs"
    "PATCH /api/v1/orgs/{org}"                 = "orgs"
    "GET /api/v1/orgs/{org}/members"           = "orgs"
    "PUT /api/v1/orgs/{org}/members/{user}"    = "orgs"
    "DELETE /api/v1/orgs/{org}/members/{user}" = "orgs"
    "POST /api/v1/orgs/{org}/invitations"      = "orgs"
    "POST /api/v1/invitations/accept"          = "orgs"
    "GET /api/v1/orgs/{org}/tokens"            = "orgs"
    "POST /api/v1/orgs/{org}/tokens"           = "orgs"
    "DELETE /api/v1/orgs/{org}/tokens/{token}" = "orgs"
    # functions/src/routes/invitations.rs (pending invitations), in the orgs group
    "GET /api/v1/orgs/{org}/invitations"                 = "orgs"
    "DELETE /api/v1/orgs/{org}/invitations/{invitation}" = "orgs"
    # webhooks (docs/webhooks.md), in the orgs group
    "GET /api/v1/orgs/{org}/webhooks"                                            = "orgs"
    "POST /api/v1/orgs/{org}/webhooks"                                           = "orgs"
    "GET /api/v1/orgs/{org}/webhooks/{webhook}"                                  = "orgs"
    "PATCH /api/v1/orgs/{org}/webhooks/{webhook}"                                = "orgs"
    "DELETE /api/v1/orgs/{org}/webhooks/{webhook}"                               = "orgs"
    "POST /api/v1/orgs/{org}/webhooks/{webhook}/rotate"                          = "orgs"
    "POST /api/v1/orgs/{org}/webhooks/{webhook}/test"                            = "orgs"
    "GET /api/v1/orgs/{org}/webhooks/{webhook}/deliveries"                       = "orgs"
    "POST /api/v1/orgs/{org}/webhooks/{webhook}/deliveries/{delivery}/redeliver" = "orgs"
    # functions/src/routes/projects.rs
    "GET /api/v1/orgs/{org}/projects"                                              = "projects"
    "POST /api/v1/orgs/{org}/projects"                                             = "projects"
    "GET /api/v1/projects/{project}"                                               = "projects"
    "PATCH /api/v1/projects/{project}"                                             = "projects"
    "DELETE /api/v1/projects/{project}"                                            = "projects"
    "GET /api/v1/projects/{project}/environments"                                  = "projects"
    "POST /api/v1/projects/{project}/environments"                                 = "projects"
    "GET /api/v1/projects/{project}/environments/{environment}"                    = "projects"
    "PATCH /api/v1/projects/{project}/environments/{environment}"                  = "projects"
    "DELETE /api/v1/projects/{project}/environments/{environment}"                 = "projects"
    "GET /api/v1/projects/{project}/environments/{environment}/secure-mode"        = "projects"
    "GET /api/v1/projects/{project}/environments/{environment}/keys"               = "projects"
    "POST /api/v1/projects/{project}/environments/{environment}/keys"              = "projects"
    "POST /api/v1/projects/{project}/environments/{environment}/keys/{key}/rotate" = "projects"
    "DELETE /api/v1/projects/{project}/environments/{environment}/keys/{key}"      = "projects"
    # functions/src/routes/flags.rs
    "GET /api/v1/projects/{project}/flags"           = "flags"
    "POST /api/v1/projects/{project}/flags"          = "flags"
    "GET /api/v1/projects/{project}/flags/{flag}"    = "flags"
    "PATCH /api/v1/projects/{project}/flags/{flag}"  = "flags"
    "DELETE /api/v1/projects/{project}/flags/{flag}" = "flags"
    # functions/src/routes/states.rs
    "GET /api/v1/projects/{project}/environments/{environment}/flags"                  = "flags"
    "PATCH /api/v1/projects/{project}/environments/{environment}/flags/{flag}"         = "flags"
    "GET /api/v1/projects/{project}/environments/{environment}/flags/{flag}"           = "flags"
    "PUT /api/v1/projects/{project}/environments/{environment}/flags/{flag}"           = "flags"
    "POST /api/v1/projects/{project}/environments/{environment}/flags/{flag}/copy"     = "flags"
    "POST /api/v1/projects/{project}/environments/{environment}/flags/{flag}/evaluate" = "flags"
    "POST /api/v1/projects/{project}/environments/{environment}/flags/{flag}/restore"  = "flags"
    # functions/src/routes/flagd.rs
    "GET /api/v1/projects/{project}/environments/{environment}/flagd" = "flags"
    "PUT /api/v1/projects/{project}/environments/{environment}/flagd" = "flags"
    # functions/src/routes/analytics.rs
    "GET /api/v1/projects/{project}/environments/{environment}/evaluations"              = "flags"
    "GET /api/v1/projects/{project}/environments/{environment}/flags/{flag}/evaluations" = "flags"
    # functions/src/routes/requests.rs (change requests, docs/governance.md), in the flags group
    "GET /api/v1/projects/{project}/change-requests"                     = "flags"
    "POST /api/v1/projects/{project}/change-requests"                    = "flags"
    "GET /api/v1/projects/{project}/change-requests/{request}"           = "flags"
    "PATCH /api/v1/projects/{project}/change-requests/{request}"         = "flags"
    "POST /api/v1/projects/{project}/change-requests/{request}/approve"  = "flags"
    "POST /api/v1/projects/{project}/change-requests/{request}/reject"   = "flags"
    "POST /api/v1/projects/{project}/change-requests/{request}/apply"    = "flags"
    "POST /api/v1/projects/{project}/change-requests/{request}/withdraw" = "flags"
    "POST /api/v1/projects/{project}/change-requests/{request}/refresh"  = "flags"
    "POST /api/v1/projects/{project}/change-requests/{request}/comments" = "flags"
    # functions/src/routes/ramps.rs (timed ramps), in the flags group
    "GET /api/v1/projects/{project}/ramps"                                                = "flags"
    "GET /api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp"         = "flags"
    "POST /api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp"        = "flags"
    "POST /api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp/pause"  = "flags"
    "POST /api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp/resume" = "flags"
    "POST /api/v1/projects/{project}/environments/{environment}/flags/{flag}/ramp/cancel" = "flags"
    # functions/src/routes/segments.rs
    "GET /api/v1/projects/{project}/segments"              = "segments"
    "POST /api/v1/projects/{project}/segments"             = "segments"
    "GET /api/v1/projects/{project}/segments/{segment}"    = "segments"
    "PUT /api/v1/projects/{project}/segments/{segment}"    = "segments"
    "DELETE /api/v1/projects/{project}/segments/{segment}" = "segments"
    # functions/src/routes/audit.rs
    "GET /api/v1/orgs/{org}/audit"         = "audit"
    "GET /api/v1/orgs/{org}/audit/{entry}" = "audit"
    "GET /api/v1/orgs/{org}/changes"       = "audit"
    # Served by every group's router (functions/src/lib.rs, router()): the whole API's document.
    "GET /api/openapi.json" = "auth"
  }
}

//! What each tool does, in API requests. Every request goes out as the agent's token: the API
//! decides what it may see and do, and records what it did.

use futures_util::{StreamExt, stream};
use serde_json::{Value, json};

use super::api::{Api, ToolError, query, seg};
use super::args::{
    CommentOnChangeRequest, ExplainFlag, GetChangeRequest, GetFlag, ListChangeRequests, ListFlags,
    ProposeChange, ProposeToggle, ReadAuditLog,
};

/// API requests one tool has in flight at once (reading many flag states).
const AT_ONCE: usize = 8;

fn invalid(e: String) -> ToolError {
    ToolError::Invalid(e)
}

fn items(page: &Value) -> Vec<Value> {
    page["items"]
        .as_array()
        .or_else(|| page.as_array())
        .cloned()
        .unwrap_or_default()
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// An environment as the tools show it: id, key, name, and what it takes to change it.
fn environment_summary(e: &Value) -> Value {
    json!({
        "id": e["id"],
        "key": e["key"],
        "name": e["name"],
        "requiresApproval": !e["approval"].is_null(),
        "approval": e["approval"],
    })
}

async fn environments(api: &Api<'_>, project: &str) -> Result<Vec<Value>, ToolError> {
    let envs = api
        .get(&format!("/api/v1/projects/{}/environments", seg(project)))
        .await?;
    Ok(items(&envs))
}

/// The environment a reference names: its id or its key.
async fn environment(api: &Api<'_>, project: &str, reference: &str) -> Result<Value, ToolError> {
    let envs = environments(api, project).await?;
    envs.iter()
        .find(|e| text(&e["id"]) == reference)
        .or_else(|| envs.iter().find(|e| text(&e["key"]) == reference))
        .cloned()
        .ok_or_else(|| {
            let known: Vec<&str> = envs.iter().map(|e| text(&e["key"])).collect();
            ToolError::Invalid(format!(
                "the project has no environment `{reference}` (its environments: {})",
                known.join(", ")
            ))
        })
}

fn state_path(project: &str, env_id: &str, flag: &str) -> String {
    format!(
        "/api/v1/projects/{}/environments/{}/flags/{}",
        seg(project),
        seg(env_id),
        seg(flag)
    )
}

/// A flag's state in one environment, summed up.
fn state_summary(env: &Value, state: &Value) -> Value {
    json!({
        "environmentId": env["id"],
        "environment": env["key"],
        "enabled": state["enabled"],
        "defaultVariant": state["defaultVariant"],
        "hasTargeting": !state["targeting"].is_null(),
        "hasPrerequisites": state["prerequisites"].as_array().is_some_and(|p| !p.is_empty()),
        "requiresApproval": !env["approval"].is_null(),
        "version": state["version"],
    })
}

/// Every (flag, environment) state, read a few at a time.
async fn states(
    api: &Api<'_>,
    project: &str,
    flags: &[String],
    envs: &[Value],
) -> Result<Vec<Value>, ToolError> {
    let paths: Vec<String> = flags
        .iter()
        .flat_map(|f| {
            envs.iter()
                .map(move |e| state_path(project, text(&e["id"]), f))
        })
        .collect();
    stream::iter(paths)
        .map(|path| async move { api.get(&path).await })
        .buffered(AT_ONCE)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

pub async fn list_projects(api: &Api<'_>) -> Result<Value, ToolError> {
    let org = &api.who.org_id;
    let page = api
        .get(&format!("/api/v1/orgs/{}/projects?limit=500", seg(org)))
        .await?;
    let mut projects = Vec::new();
    for p in items(&page) {
        let envs = environments(api, text(&p["id"])).await?;
        projects.push(json!({
            "id": p["id"],
            "name": p["name"],
            "environments": envs.iter().map(environment_summary).collect::<Vec<_>>(),
        }));
    }
    Ok(json!({"organization": org, "actingAs": api.who.actor(), "projects": projects}))
}

pub async fn list_flags(api: &Api<'_>, a: &ListFlags) -> Result<Value, ToolError> {
    let limit = a.limit().map_err(invalid)?;
    let envs = environments(api, &a.project).await?;
    let q = query(&[
        ("limit", Some(limit.to_string())),
        ("cursor", a.cursor.clone()),
    ]);
    let page = api
        .get(&format!("/api/v1/projects/{}/flags{q}", seg(&a.project)))
        .await?;
    let flags = items(&page);
    let keys: Vec<String> = flags.iter().map(|f| text(&f["key"]).to_owned()).collect();
    let all = states(api, &a.project, &keys, &envs).await?;
    let per_flag = envs.len().max(1);
    let out: Vec<Value> = flags
        .iter()
        .zip(all.chunks(per_flag))
        .map(|(f, states)| {
            json!({
                "key": f["key"],
                "name": f["name"],
                "type": f["type"],
                "archived": f["archived"],
                "variants": f["variants"].as_array().map(|vs| vs.iter().map(|v| v["name"].clone()).collect::<Vec<_>>()),
                "environments": envs.iter().zip(states).map(|(e, s)| state_summary(e, s)).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(json!({"flags": out, "next": page["next"]}))
}

pub async fn get_flag(api: &Api<'_>, a: &GetFlag) -> Result<Value, ToolError> {
    a.check().map_err(invalid)?;
    let flag = api
        .get(&format!(
            "/api/v1/projects/{}/flags/{}",
            seg(&a.project),
            seg(&a.flag)
        ))
        .await?;
    let envs = environments(api, &a.project).await?;
    let all = states(api, &a.project, std::slice::from_ref(&a.flag), &envs).await?;
    let per_env: Vec<Value> = envs
        .iter()
        .zip(all)
        .map(|(e, state)| {
            json!({
                "environment": environment_summary(e),
                "state": state,
            })
        })
        .collect();
    Ok(json!({"flag": flag, "environments": per_env}))
}

pub async fn explain_flag(api: &Api<'_>, a: &ExplainFlag) -> Result<Value, ToolError> {
    a.check().map_err(invalid)?;
    let env = environment(api, &a.project, &a.environment).await?;
    let path = format!(
        "{}/evaluate",
        state_path(&a.project, text(&env["id"]), &a.flag)
    );
    let result = api
        .post(&path, json!({"context": Value::Object(a.context.clone())}))
        .await?;
    Ok(json!({
        "flag": a.flag,
        "environment": env["key"],
        "context": a.context,
        "result": result,
    }))
}

/// What a proposal's author is told: who decides now.
fn proposed(request: Value) -> Value {
    let next = match text(&request["status"]) {
        "open" => "It waits for approval by members of the organization; a member applies it.",
        "approved" => {
            "No approval is needed where it applies; a member (or its schedule) applies it."
        }
        _ => "See its status.",
    };
    json!({"changeRequest": request, "whatHappensNext": next})
}

pub async fn propose_change(api: &Api<'_>, a: &ProposeChange) -> Result<Value, ToolError> {
    a.check().map_err(invalid)?;
    let path = format!("/api/v1/projects/{}/change-requests", seg(&a.project));
    Ok(proposed(api.post(&path, a.body()).await?))
}

pub async fn propose_toggle(api: &Api<'_>, a: &ProposeToggle) -> Result<Value, ToolError> {
    a.check().map_err(invalid)?;
    let env = environment(api, &a.project, &a.environment).await?;
    let env_id = text(&env["id"]);
    let state = api.get(&state_path(&a.project, env_id, &a.flag)).await?;
    let (on_off, env_key) = (if a.enabled { "on" } else { "off" }, text(&env["key"]));
    if state["enabled"].as_bool() == Some(a.enabled) {
        return Err(ToolError::Invalid(format!(
            "`{}` is already {on_off} in {env_key}: nothing to propose",
            a.flag
        )));
    }
    let mut change = json!({
        "kind": "state",
        "environmentId": env_id,
        "flag": a.flag,
        "baseVersion": state["version"].as_u64().unwrap_or(0),
        "enabled": a.enabled,
        "defaultVariant": state["defaultVariant"],
        "targeting": state["targeting"],
    });
    if state["prerequisites"]
        .as_array()
        .is_some_and(|p| !p.is_empty())
    {
        change["prerequisites"] = state["prerequisites"].clone();
    }
    let title = a
        .title
        .clone()
        .unwrap_or_else(|| format!("Turn {on_off} {} in {env_key}", a.flag));
    let mut body = json!({"title": title, "changes": [change]});
    if let Some(d) = &a.description {
        body["description"] = d.clone().into();
    }
    let path = format!("/api/v1/projects/{}/change-requests", seg(&a.project));
    Ok(proposed(api.post(&path, body).await?))
}

pub async fn list_change_requests(
    api: &Api<'_>,
    a: &ListChangeRequests,
) -> Result<Value, ToolError> {
    let limit = a.limit().map_err(invalid)?;
    let q = query(&[
        ("status", a.status.map(|s| s.as_str().to_owned())),
        ("limit", Some(limit.to_string())),
    ]);
    let page = api
        .get(&format!(
            "/api/v1/projects/{}/change-requests{q}",
            seg(&a.project)
        ))
        .await?;
    Ok(json!({"changeRequests": items(&page), "next": page["next"]}))
}

pub async fn get_change_request(api: &Api<'_>, a: &GetChangeRequest) -> Result<Value, ToolError> {
    a.check().map_err(invalid)?;
    let r = api
        .get(&format!(
            "/api/v1/projects/{}/change-requests/{}",
            seg(&a.project),
            seg(&a.id)
        ))
        .await?;
    Ok(json!({"changeRequest": r}))
}

pub async fn comment_on_change_request(
    api: &Api<'_>,
    a: &CommentOnChangeRequest,
) -> Result<Value, ToolError> {
    a.check().map_err(invalid)?;
    let c = api
        .post(
            &format!(
                "/api/v1/projects/{}/change-requests/{}/comments",
                seg(&a.project),
                seg(&a.id)
            ),
            json!({"text": a.text}),
        )
        .await?;
    Ok(json!({"comment": c}))
}

pub async fn read_audit_log(api: &Api<'_>, a: &ReadAuditLog) -> Result<Value, ToolError> {
    let limit = a.limit().map_err(invalid)?;
    let environment = match (&a.project, &a.environment) {
        (Some(p), Some(e)) => Some(text(&environment(api, p, e).await?["id"]).to_owned()),
        (None, e) => e.clone(),
        (Some(_), None) => None,
    };
    let q = query(&[
        ("limit", Some(limit.to_string())),
        ("project", a.project.clone()),
        ("environment", environment),
        ("key", a.flag.clone()),
    ]);
    let page = api
        .get(&format!("/api/v1/orgs/{}/audit{q}", seg(&api.who.org_id)))
        .await?;
    Ok(json!({"records": items(&page), "next": page["next"]}))
}

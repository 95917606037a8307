//! The contract cases, shared by both backends, and their builders.

#[path = "accounts.rs"]
mod accounts;
#[path = "attempts.rs"]
mod attempts;
#[path = "changes.rs"]
mod changes;
#[path = "counters.rs"]
mod counters;
#[path = "counts.rs"]
mod counts;
#[path = "flags.rs"]
mod flags;
#[path = "retention.rs"]
mod retention;

pub use accounts::*;
pub use attempts::*;
pub use changes::*;
pub use counters::*;
pub use counts::*;
pub use flags::*;
pub use retention::*;

use super::*;
#[path = "../support/writes.rs"]
pub mod writes;
pub use writes::{AuditEntry, FlagWrites, Writes};

fn user(email: &str) -> User {
    User {
        id: new_id(),
        email: email.into(),
        name: "Ada".into(),
        password_hash: "$argon2id$x".into(),
        session_generation: 0,
        version: 0,
        totp_secret: None,
        totp_pending: None,
        totp_last_step: 0,
        recovery_codes: Vec::new(),
        email_verified_at: None,
        sso_org: None,
        created_at: now_ms(),
    }
}

pub fn audit(org: &str, project: &str, target: &str, action: &str) -> AuditEntry {
    writes::record(org, Some(project), target, action)
}

pub async fn setup(store: &Store, envs: usize) -> (Organization, Project, Vec<Environment>) {
    let org = Organization::new(new_id(), "Acme", now_ms());
    let owner = Membership {
        org_id: org.id.clone(),
        user_id: "user-1".into(),
        role: Role::Owner,
        created_at: 0,
    };
    store.create_org(&org, &owner).await.unwrap();
    let project = Project {
        id: new_id(),
        org_id: org.id.clone(),
        name: "Web".into(),
        created_at: now_ms(),
        client_visible_by_default: true,
    };
    store.create_project(&project).await.unwrap();
    let mut out = Vec::new();
    for i in 0..envs {
        let env = Environment {
            id: new_id(),
            org_id: org.id.clone(),
            project_id: project.id.clone(),
            key: format!("env{i}"),
            name: format!("Env {i}"),
            revision: 0,
            allowed_origins: vec![],
            custom_events: false,
            created_at: now_ms(),
            secure_mode: false,
            secure_mode_secret: None,
            approval: None,
            critical: false,
        };
        store.create_environment(&env).await.unwrap();
        out.push(env);
    }
    (org, project, out)
}

pub fn flag(project: &str, key: &str) -> Flag {
    Flag {
        project_id: project.into(),
        key: key.into(),
        name: key.into(),
        description: String::new(),
        kind: FlagType::Boolean,
        variants: vec![
            Variant {
                name: "on".into(),
                value: json!(true),
            },
            Variant {
                name: "off".into(),
                value: json!(false),
            },
        ],
        tags: vec!["web".into()],
        archived: false,
        client_visible: true,
        version: 1,
        created_by: "user-1".into(),
        created_at: now_ms(),
        updated_by: "user-1".into(),
        updated_at: now_ms(),
    }
}

pub fn state(env: &str, key: &str, version: u64, enabled: bool) -> FlagState {
    FlagState {
        environment_id: env.into(),
        flag_key: key.into(),
        enabled,
        default_variant: Some("off".into()),
        targeting: Some(json!({"if": [{"$ref": "beta-users"}, "on", null]})),
        prerequisites: vec![],
        version,
        updated_by: "user-1".into(),
        updated_at: now_ms(),
    }
}
